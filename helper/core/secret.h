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

/*
 * Make jansson wipe every block it frees (its growing dump and lexer
 * buffers, the strings of a parsed tree): for a program's main(), before
 * or after any JSON, once.  The blocks are plain malloc() ones, wiped to
 * the size malloc reports (malloc_usable_size), so whatever jansson hands
 * out (json_dumps) is still free()d as before, and a block allocated
 * before the call is freed correctly too.  Not for the library: the
 * allocator is process-wide, the host's.  false (nothing changed) where
 * malloc cannot report a block's size.
 */
bool jc_json_wiping_alloc(void);

/* Constant-time equality for secrets of possibly different lengths; NULL equals only NULL. */
bool jc_secret_equal(const char *a, const char *b);

#endif
