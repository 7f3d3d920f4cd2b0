/*
 * clock.c: the time jwtcred goes by, and how it writes it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"

static time_t fixed_now;

void jc_clock_set(time_t fixed)
{
	fixed_now = fixed;
}

time_t jc_now(void)
{
	const char *env;
	char *end;
	long long v;

	if (fixed_now)
		return fixed_now;
	env = getenv("JWTCRED_NOW");
	if (env && *env) {
		errno = 0;
		v = strtoll(env, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0 && v <= JC_TIME_MAX)
			return (time_t)v;
	}
	return time(NULL);
}

long long jc_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void jc_rfc3339(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}
