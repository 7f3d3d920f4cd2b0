/*
 * redis.h: the few Redis commands the shared cache needs, through hiredis,
 * each bounded by the shared cache's timeout.
 *
 * Every failure (refused, timed out, AUTH refused, an error reply such as
 * OOM or READONLY, a reply of the wrong type) is JWTCRED_E_NETWORK with a
 * one-line reason in err that names neither the password nor a value: the
 * caller (fleet.c) then falls back to the local path.  A connection that
 * failed once is not used again.
 */
#ifndef JWTCRED_REDIS_H
#define JWTCRED_REDIS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/conf.h"
#include "core/fail.h"

struct jc_redis;

/*
 * Connect to c (connect and each command bounded by c->timeout_ms), AUTH
 * with c->password_file's first line when set (read with the trust rule of
 * key files; wiped after), SELECT c->db when not 0.  *out is the caller's
 * (jc_redis_close).
 */
int jc_redis_open(const struct jc_shared_cache *c, struct jc_redis **out, jwtcred_error *err);
void jc_redis_close(struct jc_redis *r);

/*
 * jc_redis_get() reads at most this and one byte more of a value
 * (GETRANGE key 0 JC_REDIS_VALUE_MAX): a longer value comes back cut, one
 * byte past the cap, so that its reader refuses it (sealed.h JC_SEAL_MAX).
 */
#define JC_REDIS_VALUE_MAX (64 * 1024)

/* The value of key (at most JC_REDIS_VALUE_MAX + 1 bytes): *val (the caller's, free) of *len
 * bytes, NULL when the key is not set.  A key of another type fails. */
int jc_redis_get(struct jc_redis *r, const char *key, unsigned char **val, size_t *len,
                 jwtcred_error *err);

/* SET key val PX px_ms [NX]: *set says whether it was (NX: false when the key exists). */
int jc_redis_set(struct jc_redis *r, const char *key, const void *val, size_t len, long long px_ms,
                 bool nx, bool *set, jwtcred_error *err);

/* Delete key if (and only if) it holds exactly val (a Lua script, EVALSHA then EVAL). */
int jc_redis_del_if(struct jc_redis *r, const char *key, const void *val, size_t len,
                    bool *deleted, jwtcred_error *err);

int jc_redis_publish(struct jc_redis *r, const char *channel, const char *msg, jwtcred_error *err);

/* SUBSCRIBE channel: r is then only for jc_redis_wait_message. */
int jc_redis_subscribe(struct jc_redis *r, const char *channel, jwtcred_error *err);

/* Wait up to ms for a message on the subscribed channel: *got says whether one came. */
int jc_redis_wait_message(struct jc_redis *r, long ms, bool *got, jwtcred_error *err);

/*
 * One SCAN step: from *cursor ("0" to start; "0" again when done) the keys
 * matching pattern, COUNT count, into *keys[*n] (the caller's:
 * jc_redis_keys_free).
 */
int jc_redis_scan(struct jc_redis *r, char cursor[32], const char *pattern, int count,
                  char ***keys, size_t *n, jwtcred_error *err);
void jc_redis_keys_free(char **keys, size_t n);

#endif
