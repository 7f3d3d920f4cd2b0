/*
 * text.h: string rules shared by every reader of outside input
 * (configuration, token endpoint answers, tool input): one function each,
 * so that they cannot drift apart.
 */
#ifndef JWTCRED_TEXT_H
#define JWTCRED_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Does s hold a control character (a byte below 0x20, or 0x7f)?  NULL: no. */
bool jc_has_control(const char *s);

/*
 * Is s valid UTF-8 as jansson accepts it (no overlong forms, no surrogates,
 * nothing above U+10FFFF)?  A string that is not cannot go into JSON.
 */
bool jc_utf8_valid(const char *s);

/*
 * s made safe to quote in a one-line message, in buf (len bytes, at least
 * 8): every byte outside printable ASCII is written as \xNN and a backslash
 * as \\, so no escape sequence or line break reaches a terminal; cut with
 * "..." when it does not fit.  NULL gives "".  Returns buf.
 */
const char *jc_escape(const char *s, char *buf, size_t len);

/*
 * Is t a usable token: 1 to max bytes of visible ASCII (no space, no
 * control, nothing above '~'), so that it fits in a header or a git
 * answer as it is?  NULL: no.
 */
bool jc_token_text_ok(const char *t, size_t max);

/* "a" + "b": a new string, or NULL when out of memory. */
char *jc_concat(const char *a, const char *b);

#endif
