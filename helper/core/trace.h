/*
 * trace.h: the hooks through which the core and the engine are heard.
 *
 * The engine never prints; it calls jc_trace(), which does nothing unless
 * the program installed a sink (-v).  Never pass a secret.
 *
 * Warnings: something went wrong that the caller should hear of although
 * the operation succeeded (a token minted but not cached).  The program
 * prints them; libjwtcred drops them.
 */
#ifndef JWTCRED_TRACE_H
#define JWTCRED_TRACE_H

#include <stdbool.h>

#include "core/fail.h"

typedef void (*jc_trace_fn)(const char *msg);
void jc_trace_set(jc_trace_fn fn);
void jc_trace(const char *fmt, ...) JC_PRINTF(1, 2);
bool jc_tracing(void);

void jc_warn_set(jc_trace_fn fn);
void jc_warn(const char *fmt, ...) JC_PRINTF(1, 2);

#endif
