/*
 * clock.c: the time jwtcred goes by, and how it writes it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* n digits of s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static long long days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int jc_rfc3339_parse(const char *s, long long *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
	const char *p;
	long long t;

	*out = -1;
	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || se < 0 || se > 60)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	p = s + 19;
	if (*p == '.') /* fractions of a second: dropped */
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		sign = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
	           (oh = digits(p + 1, 2)) >= 0 && oh <= 23 && (om = digits(p + 4, 2)) >= 0 && om <= 59) {
		sign = *p == '+' ? 1 : -1;
	} else {
		return -1;
	}
	if (s[19] == '.' && p == s + 20)
		return -1; /* a dot without digits */
	t = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + (se == 60 ? 59 : se);
	t -= sign * (oh * 3600LL + om * 60LL);
	if (t < 0 || t > JC_TIME_MAX)
		return -1;
	*out = t;
	return 0;
}
