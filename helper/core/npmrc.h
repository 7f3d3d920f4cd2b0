/*
 * npmrc.h: the `//REGISTRY/:tokenHelper=PROGRAM` lines of an npmrc, read
 * the way pnpm reads them.  Pure functions (no I/O), so pnpm's front and
 * the unit test share them.
 *
 * pnpm (10.x: @pnpm/npm-conf, the `ini` 1.3 parser, network/auth-header)
 * splits the file on line breaks; skips empty lines and lines whose first
 * non-blank character is ';' or '#'; a "[section]" line puts the lines
 * after it in a section (not top-level settings: no tokenHelper there);
 * "key = value" splits at the first '='.  Key and value are trimmed; a
 * value in double quotes is a JSON string, in single quotes taken as it is,
 * otherwise cut at the first ';' or '#' not escaped by '\'.  A later line
 * with the same key wins.  ${NAME}, ${NAME-default} and ${NAME:-default}
 * in a key are replaced from the environment (an unset NAME without a
 * default fails pnpm's configuration); in a tokenHelper value they make
 * pnpm refuse the setting, so such a line never runs anything.
 */
#ifndef JWTCRED_NPMRC_H
#define JWTCRED_NPMRC_H

#include <stddef.h>

#include "core/fail.h"

/* The largest npmrc jwtcred reads. */
#define JC_NPMRC_MAX (1024 * 1024)

/* Looks a variable up, as getenv() does; NULL when unset. */
typedef const char *(*jc_npmrc_env)(const char *name);

/* The registries whose tokenHelper is the program: "//host[:port]/path/" as keyed. */
struct jc_npmrc_helpers {
	char **registries;
	size_t n;
};

/*
 * The registries in npmrc text `text` (NUL-terminated) whose tokenHelper
 * value is exactly `program`, in file order, each once.  env NULL: getenv.
 * JWTCRED_E_INPUT with a one-line reason when a line that may name the
 * program cannot be read for sure (a quoted value with escapes, a key
 * whose ${NAME} is unset) or names it without a registry (a bare
 * "tokenHelper=" line, or a key not of the form "//host/path/"); the
 * caller then refuses.  *out is the caller's (jc_npmrc_helpers_clear).
 */
int jc_npmrc_find_helpers(const char *text, const char *program, jc_npmrc_env env,
                          struct jc_npmrc_helpers *out, jwtcred_error *err);
void jc_npmrc_helpers_clear(struct jc_npmrc_helpers *h);

/*
 * Replace ${NAME}, ${NAME-default} and ${NAME:-default} in s as pnpm's
 * envReplace does ("\${" stays literal, backslashes before it halved).
 * *out malloc'd.  JWTCRED_E_INPUT when a NAME is unset without a default.
 */
int jc_npmrc_env_replace(const char *s, jc_npmrc_env env, char **out, jwtcred_error *err);

#endif
