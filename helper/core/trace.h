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

/*
 * The trace's level: 1 is -v (and JWTCRED_TRACE=1), 2 is -vv (and
 * JWTCRED_TRACE=2): jc_trace2() adds the time of each phase of a token
 * request ("timing: key 3 ms").  jc_trace_set() alone gives level 1.
 */
void jc_trace_set_level(int level);
int jc_trace_level(void);
void jc_trace2(const char *fmt, ...) JC_PRINTF(1, 2);

/*
 * A slow operation starts: the program may show `what` after a while on a
 * terminal ("minting a token for 'prod' at https://login.example.com");
 * jc_progress_end() says it is over, whatever its outcome.  No secret in
 * `what`.  Nothing happens unless the program installed both hooks.
 */
typedef void (*jc_progress_fn)(const char *what);
void jc_progress_set(jc_progress_fn begin, void (*end)(void));
void jc_progress_mint(const char *profile, const char *url);
void jc_progress_wait(const char *profile);
void jc_progress_end(void);

void jc_warn_set(jc_trace_fn fn);
void jc_warn(const char *fmt, ...) JC_PRINTF(1, 2);

#endif
