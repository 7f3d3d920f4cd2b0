/*
 * fail.h: errors.  Core and engine code returns a jwtcred_status and fills
 * the caller's jwtcred_error; it never prints and never exits.
 */
#ifndef JWTCRED_FAIL_H
#define JWTCRED_FAIL_H

#include "jwtcred.h"

#define JC_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Set err->text (when err is not NULL) and return status. */
int jc_fail(jwtcred_error *err, int status, const char *fmt, ...) JC_PRINTF(3, 4);

#endif
