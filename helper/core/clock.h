/*
 * clock.h: the clock.  Tests inject a fixed time with jc_clock_set(); the
 * program also honours $JWTCRED_NOW (seconds since the epoch) for
 * integration tests.
 */
#ifndef JWTCRED_CLOCK_H
#define JWTCRED_CLOCK_H

#include <stddef.h>
#include <time.h>

/*
 * The latest time jwtcred believes in, 9999-12-31T23:59:59Z: $JWTCRED_NOW
 * and the times in a cache entry beyond it are not taken, so adding a
 * lifetime to them cannot overflow.
 */
#define JC_TIME_MAX 253402300799LL

time_t jc_now(void);
void jc_clock_set(time_t fixed); /* 0 restores the real clock */

/* A monotonic clock in milliseconds, for deadlines and durations (not the time of day). */
long long jc_monotonic_ms(void);

/* t as "2026-11-29T19:08:00Z" in buf (at least 21 bytes). */
void jc_rfc3339(long long t, char *buf, size_t len);

/*
 * "2026-11-29T19:08:00Z" (RFC 3339: a 'Z' or a +hh:mm offset, fractions
 * dropped) -> seconds since the epoch in *out.  -1 (and *out -1) for
 * anything else, or a time before 1970 or after JC_TIME_MAX.
 */
int jc_rfc3339_parse(const char *s, long long *out);

#endif
