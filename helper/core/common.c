/*
 * common.c: errors, clock, wiping, bounded reads, tracing.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/common.h"

static time_t fixed_now;
static jc_trace_fn trace_sink;
static jc_trace_fn warn_sink;

int jc_fail(jwtcred_error *err, int status, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return status;
}

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

void jc_wipe(void *p, size_t len)
{
	if (!p || !len)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, len);
#else
	volatile unsigned char *v = p;
	while (len--)
		*v++ = 0;
#endif
}

void jc_free_secret(char *s)
{
	if (!s)
		return;
	jc_wipe(s, strlen(s));
	free(s);
}

void jc_trace_set(jc_trace_fn fn)
{
	trace_sink = fn;
}

bool jc_tracing(void)
{
	return trace_sink != NULL;
}

void jc_trace(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!trace_sink)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	trace_sink(buf);
}

void jc_warn_set(jc_trace_fn fn)
{
	warn_sink = fn;
}

void jc_warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (warn_sink)
		warn_sink(buf);
	else
		jc_trace("%s", buf);
}

int jc_read_fd(int fd, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf, *nbuf;
	ssize_t r;

	*out = NULL;
	if (len)
		*len = 0;
	if (!(buf = malloc(cap)))
		return JWTCRED_E_NOMEM;
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max + 1) {
				jc_wipe(buf, n);
				free(buf);
				return JWTCRED_E_INPUT;
			}
			if (!(nbuf = malloc(cap * 2))) {
				jc_wipe(buf, n);
				free(buf);
				return JWTCRED_E_NOMEM;
			}
			/* copy by hand so the old buffer can be wiped: realloc would not */
			memcpy(nbuf, buf, n);
			jc_wipe(buf, n);
			free(buf);
			buf = nbuf;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			jc_wipe(buf, n);
			free(buf);
			errno = e;
			return JWTCRED_E_SYSTEM;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			jc_wipe(buf, n);
			free(buf);
			return JWTCRED_E_INPUT;
		}
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return JWTCRED_OK;
}

int jc_write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

bool jc_has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return true;
	return false;
}

bool jc_utf8_valid(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t n, i;

	while (*u) {
		if (*u < 0x80) {
			u++;
			continue;
		}
		if (*u >= 0xc2 && *u <= 0xdf)
			n = 1, cp = *u & 0x1f;
		else if (*u >= 0xe0 && *u <= 0xef)
			n = 2, cp = *u & 0x0f;
		else if (*u >= 0xf0 && *u <= 0xf4)
			n = 3, cp = *u & 0x07;
		else
			return false; /* a continuation byte, or C0, C1, F5..FF */
		for (i = 1; i <= n; i++) {
			if ((u[i] & 0xc0) != 0x80)
				return false; /* also stops at the NUL */
			cp = (cp << 6) | (u[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false; /* overlong, too large, or a surrogate */
		u += n + 1;
	}
	return true;
}

/* How many bytes jc_escape writes for c. */
static size_t escaped_len(unsigned char c)
{
	if (c < ' ' || c > '~')
		return 4; /* \xNN */
	return c == '\\' ? 2 : 1;
}

const char *jc_escape(const char *s, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t used = 0, total = 0, room;
	const unsigned char *p;

	for (p = (const unsigned char *)s; s && *p; p++)
		total += escaped_len(*p);
	/* all of it and the NUL, or what fits before "..." and the NUL */
	room = total < len ? total : len - 4;
	for (p = (const unsigned char *)s; s && *p && used + escaped_len(*p) <= room; p++) {
		if (escaped_len(*p) == 4) {
			buf[used++] = '\\';
			buf[used++] = 'x';
			buf[used++] = hex[*p >> 4];
			buf[used++] = hex[*p & 15];
		} else {
			if (*p == '\\')
				buf[used++] = '\\';
			buf[used++] = (char)*p;
		}
	}
	if (total < len)
		buf[used] = '\0';
	else
		memcpy(buf + used, "...", 4);
	return buf;
}

char *jc_strdup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *jc_concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (!s)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

bool jc_secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = (unsigned char)(la != lb);

	/* walk the longer one so timing depends on lengths only */
	for (i = 0; i < (la > lb ? la : lb); i++)
		d |= (unsigned char)((i < la ? a[i] : 0) ^ (i < lb ? b[i] : 0));
	return d == 0;
}

const char *jc_redact(const char *secret, char buf[16])
{
	size_t n = secret ? strlen(secret) : 0;

	if (n < 16)
		snprintf(buf, 16, "[%zu chars]", n);
	else
		snprintf(buf, 16, "%.6s...", secret);
	return buf;
}

void jc_rfc3339(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

const char *jc_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return h;
	pw = getpwuid(getuid());
	return pw ? pw->pw_dir : NULL;
}
