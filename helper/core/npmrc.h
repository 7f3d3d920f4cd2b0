/*
 * npmrc.h: the `//REGISTRY/:tokenHelper=PROGRAM` and `registry=URL` lines
 * of an npmrc, read the way pnpm reads them.  Pure functions (no I/O), so
 * pnpm's front and the unit test share them.
 *
 * pnpm (10.x: @pnpm/npm-conf, the `ini` 1.3 parser, network/auth-header)
 * splits the file on line breaks; skips empty lines and lines whose first
 * non-blank character is ';' or '#'; a "[section]" line puts the lines
 * after it in a section (not top-level settings: no tokenHelper there);
 * "key = value" splits at the first '='.  Key and value are trimmed; a
 * value in double quotes is a JSON string, in single quotes taken as it is,
 * otherwise cut at the first ';' or '#' not escaped by '\'.  ${NAME},
 * ${NAME-default} and ${NAME:-default} in a key are replaced from the
 * environment (an unset NAME without a default fails pnpm's configuration);
 * in a tokenHelper value they make pnpm refuse the setting.
 *
 * We cannot reproduce JavaScript exactly, so we refuse (JWTCRED_E_INPUT,
 * the text starting with the line number) wherever the two may differ: a
 * U+2028/U+2029 anywhere (JavaScript's '.' stops there: pnpm skips such a
 * line), any other non-ASCII byte outside a comment line (String.trim()
 * strips Unicode spaces), a line with both a quote and a backslash (JSON
 * escapes), a quoted line naming the program whose JSON we cannot be sure
 * of.  Every line binding the program counts, even one a later line for
 * the same key overrides: which line wins is never in question.
 */
#ifndef JWTCRED_NPMRC_H
#define JWTCRED_NPMRC_H

#include <stddef.h>

#include "core/fail.h"

/* The largest npmrc jwtcred reads, and the most lines in it. */
#define JC_NPMRC_MAX (1024 * 1024)
#define JC_NPMRC_MAX_LINES 200000

/* Looks a variable up, as getenv() does; NULL when unset. */
typedef const char *(*jc_npmrc_env)(const char *name);

struct jc_npmrc_helpers {
	/* the registries whose tokenHelper is the program: "//host[:port]/path/" as keyed */
	char **registries;
	size_t *lines; /* each one's line number */
	size_t n;
	/* the values of `registry` and `...:registry` lines (the URLs pnpm asks), env replaced */
	char **urls;
	size_t *url_lines;
	size_t nurls;
};

/*
 * The registries in npmrc text `text` (NUL-terminated) whose tokenHelper
 * value is exactly `program`, in file order (a registry may come twice),
 * and the registry URLs the text sets.  env NULL: getenv.
 * JWTCRED_E_INPUT with a one-line reason ("LINE: what to change") when a
 * line cannot be read for sure (see above), a key's ${NAME} is unset, or a
 * line names the program without a registry (a bare "tokenHelper=" line,
 * or a key not of the form "//host/path/"); the caller then refuses.
 * *out is the caller's (jc_npmrc_helpers_clear).
 */
int jc_npmrc_find_helpers(const char *text, const char *program, jc_npmrc_env env,
                          struct jc_npmrc_helpers *out, jwtcred_error *err);
void jc_npmrc_helpers_clear(struct jc_npmrc_helpers *h);

/*
 * Would pnpm send the token it has for registry key `key` ("//host[:port]/
 * path/") with a request to `url`?  Over-approximated: the same host (any
 * case), any scheme and any port (pnpm's nerf-dart drops the scheme, and
 * its lookup tries again without the port), a path under the key's.
 */
int jc_npmrc_key_covers(const char *key, const char *url);

/*
 * Replace ${NAME}, ${NAME-default} and ${NAME:-default} in s as pnpm's
 * envReplace does ("\${" stays literal, backslashes before it halved).
 * *out malloc'd.  JWTCRED_E_INPUT when a NAME is unset without a default.
 */
int jc_npmrc_env_replace(const char *s, jc_npmrc_env env, char **out, jwtcred_error *err);

#endif
