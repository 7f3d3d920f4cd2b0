/*
 * secret.h: the one rule for secrets in memory: wiped after their last
 * use, in a way the compiler cannot drop, and compared in constant time.
 */
#ifndef JWTCRED_SECRET_H
#define JWTCRED_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Wipe len bytes at p (NULL is fine). */
void jc_wipe(void *p, size_t len);

/* Wipe a NUL-terminated secret, then free it (NULL is fine). */
void jc_free_secret(char *s);

/*
 * Wipe the string member `key` of a JSON object in place (jansson keeps
 * its own copy of every string it parses or is given).  Call it before
 * json_decref() on any tree that held a token or a key.  Anything that is
 * not an object with a string at key is left alone.
 */
void jc_json_wipe(json_t *object, const char *key);

/* Constant-time equality for secrets of possibly different lengths; NULL equals only NULL. */
bool jc_secret_equal(const char *a, const char *b);

#endif
