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

#endif
