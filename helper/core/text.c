/*
 * text.c: the string rules every reader of outside input shares.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"

bool jc_has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return true;
	return false;
}

bool jc_token_text_ok(const char *t, size_t max)
{
	size_t n = 0;

	for (; t && *t; t++, n++)
		if (*t <= ' ' || *t > '~')
			return false;
	return n > 0 && n <= max;
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
