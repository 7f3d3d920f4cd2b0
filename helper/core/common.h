/*
 * common.h: small helpers shared by every jwtcred module: errors, the clock,
 * secret wiping, bounded reads and the optional trace hook.
 */
#ifndef JWTCRED_COMMON_H
#define JWTCRED_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "jwtcred.h"

#define JC_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Set err->text (when err is not NULL) and return status. */
int jc_fail(jwtcred_error *err, int status, const char *fmt, ...) JC_PRINTF(3, 4);

/*
 * The clock.  Tests inject a fixed time with jc_clock_set(); the program
 * also honours $JWTCRED_NOW (seconds since the epoch) for integration tests.
 */
time_t jc_now(void);
void jc_clock_set(time_t fixed); /* 0 restores the real clock */

/*
 * The latest time jwtcred believes in, 9999-12-31T23:59:59Z: $JWTCRED_NOW
 * and the times in a cache entry beyond it are not taken, so adding a
 * lifetime to them cannot overflow.
 */
#define JC_TIME_MAX 253402300799LL

/* Wipe then free; both accept NULL. */
void jc_wipe(void *p, size_t len);
void jc_free_secret(char *s);

/*
 * Trace hook for -v: the engine never prints; it calls jc_trace(), which does
 * nothing unless the front end installed a sink.  Never pass a secret.
 */
typedef void (*jc_trace_fn)(const char *msg);
void jc_trace_set(jc_trace_fn fn);
void jc_trace(const char *fmt, ...) JC_PRINTF(1, 2);
bool jc_tracing(void);

/*
 * Warnings: something went wrong that the caller should hear of although
 * the operation succeeded (a token minted but not cached).  The program
 * prints them; libjwtcred drops them.
 */
void jc_warn_set(jc_trace_fn fn);
void jc_warn(const char *fmt, ...) JC_PRINTF(1, 2);

/*
 * Read all of fd into a NUL-terminated heap buffer of at most max bytes.
 * Returns JWTCRED_OK, JWTCRED_E_INPUT when the data is longer than max, or
 * JWTCRED_E_SYSTEM (errno set).  *out is NULL on failure.
 */
int jc_read_fd(int fd, size_t max, char **out, size_t *len);

/* Write all n bytes (retrying short writes and EINTR); -1 with errno set. */
int jc_write_all(int fd, const char *s, size_t n);

/*
 * String rules shared by every reader of outside input (configuration,
 * token endpoint answers, tool input): one function each, so that they
 * cannot drift apart.
 */

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

/* strdup that returns NULL for NULL. */
char *jc_strdup0(const char *s);

/* "a" + "b": a new string, or NULL when out of memory. */
char *jc_concat(const char *a, const char *b);

/* Constant-time equality for secrets of possibly different lengths. */
bool jc_secret_equal(const char *a, const char *b);

/* A token or other secret, as it may appear in -v output: "00D5g0…" */
const char *jc_redact(const char *secret, char buf[16]);

/* t as "2026-11-29T19:08:00Z" in buf (at least 21 bytes). */
void jc_rfc3339(long long t, char *buf, size_t len);

/* The home directory, or NULL. */
const char *jc_home(void);

#endif
