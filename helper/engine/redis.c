/*
 * redis.c: the shared cache's Redis commands, through hiredis (0.14 and
 * later: no TLS, so redis:// and unix:// only; the values are sealed
 * anyway, sealed.h).
 *
 * Only the commands of the ACL the documentation recommends are sent:
 * AUTH, SELECT (for a database other than 0), GET, SET, EVALSHA/EVAL (the
 * compare-and-delete script), PUBLISH, SUBSCRIBE, SCAN; a key is deleted
 * only through the script, so DEL is for purge --shared alone.  Every reply's
 * type is checked before it is used.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>

#include "core/fail.h"
#include "core/secret.h"
#include "engine/key.h"
#include "engine/redis.h"

#define MAX_PASSWORD 1024
#define MAX_KEY_BYTES 1024

/* KEYS[1] is deleted only when it still holds ARGV[1]: a lock or an entry that is ours. */
static const char del_if_script[] =
	"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
static const char del_if_sha[] = "e9f69f2beb755be68b5e456ee2ce9aadfbc4ebf4";

struct jc_redis {
	redisContext *c;
	long timeout_ms;
};

static struct timeval tv_of(long ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	return tv;
}

/* The context's failure (or what), as a one-line reason. */
static int failed(struct jc_redis *r, const char *what, jwtcred_error *err)
{
	if (r->c && r->c->err)
		return jc_fail(err, JWTCRED_E_NETWORK, "%s: %s", what,
		               r->c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)
		                       ? "timed out" : r->c->errstr);
	return jc_fail(err, JWTCRED_E_NETWORK, "%s failed", what);
}

/* Send argv and take the reply; an error reply fails with its first line (it names no value). */
static int command(struct jc_redis *r, const char *what, int argc, const char **argv,
                   const size_t *lens, redisReply **out, jwtcred_error *err)
{
	redisReply *rep;

	*out = NULL;
	if (!r->c || r->c->err)
		return failed(r, what, err);
	if (!(rep = redisCommandArgv(r->c, argc, argv, lens)))
		return failed(r, what, err);
	if (rep->type == REDIS_REPLY_ERROR) {
		jc_fail(err, JWTCRED_E_NETWORK, "%s refused: %.*s", what,
		        (int)strcspn(rep->str ? rep->str : "", "\r\n"), rep->str ? rep->str : "");
		freeReplyObject(rep);
		return JWTCRED_E_NETWORK;
	}
	*out = rep;
	return JWTCRED_OK;
}

static int wrong_type(const char *what, redisReply *rep, jwtcred_error *err)
{
	jc_fail(err, JWTCRED_E_NETWORK, "%s: unexpected reply type %d", what, rep ? rep->type : -1);
	freeReplyObject(rep);
	return JWTCRED_E_NETWORK;
}

/* AUTH [username] password, the password from c->password_file's first line. */
static int authenticate(struct jc_redis *r, const struct jc_shared_cache *c, jwtcred_error *err)
{
	const char *argv[3];
	size_t lens[3], len = 0;
	redisReply *rep = NULL;
	char *pw = NULL;
	int argc = 0, rc;

	if ((rc = jc_read_secret_file(c->password_file, "Redis password file", MAX_PASSWORD, &pw, &len,
	                              err)) != 0)
		return rc;
	len = strcspn(pw, "\r\n");
	argv[argc] = "AUTH", lens[argc++] = 4;
	if (c->username)
		argv[argc] = c->username, lens[argc++] = strlen(c->username);
	argv[argc] = pw, lens[argc++] = len;
	rc = command(r, "AUTH", argc, argv, lens, &rep, err);
	jc_free_secret(pw);
	freeReplyObject(rep);
	return rc;
}

int jc_redis_open(const struct jc_shared_cache *c, struct jc_redis **out, jwtcred_error *err)
{
	struct jc_redis *r;
	redisReply *rep = NULL;
	char db[16];
	int rc;

	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	r->timeout_ms = c->timeout_ms;
	r->c = c->scheme == JC_SHARED_UNIX ? redisConnectUnixWithTimeout(c->socket, tv_of(c->timeout_ms))
	                                   : redisConnectWithTimeout(c->host, c->port, tv_of(c->timeout_ms));
	if (!r->c || r->c->err) {
		rc = failed(r, "connect", err);
		goto fail;
	}
	if (redisSetTimeout(r->c, tv_of(c->timeout_ms)) != REDIS_OK) {
		rc = failed(r, "connect", err);
		goto fail;
	}
	if (c->password_file && (rc = authenticate(r, c, err)) != 0)
		goto fail;
	if (c->db != 0) { /* a connection starts on 0: SELECT only for another */
		const char *argv[2] = { "SELECT", db };
		size_t lens[2] = { 6, 0 };
		lens[1] = (size_t)snprintf(db, sizeof(db), "%d", c->db);
		if ((rc = command(r, "SELECT", 2, argv, lens, &rep, err)) != 0)
			goto fail;
		freeReplyObject(rep);
	}
	*out = r;
	return JWTCRED_OK;
fail:
	jc_redis_close(r);
	return rc;
}

void jc_redis_close(struct jc_redis *r)
{
	if (!r)
		return;
	if (r->c)
		redisFree(r->c);
	free(r);
}

int jc_redis_get(struct jc_redis *r, const char *key, unsigned char **val, size_t *len,
                 jwtcred_error *err)
{
	const char *argv[2] = { "GET", key };
	size_t lens[2] = { 3, strlen(key) };
	redisReply *rep;
	int rc;

	*val = NULL;
	*len = 0;
	if ((rc = command(r, "GET", 2, argv, lens, &rep, err)) != 0)
		return rc;
	if (rep->type == REDIS_REPLY_NIL) {
		freeReplyObject(rep);
		return JWTCRED_OK;
	}
	if (rep->type != REDIS_REPLY_STRING)
		return wrong_type("GET", rep, err);
	if (!(*val = malloc(rep->len + 1))) {
		freeReplyObject(rep);
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	}
	memcpy(*val, rep->str, rep->len);
	(*val)[rep->len] = '\0';
	*len = rep->len;
	freeReplyObject(rep);
	return JWTCRED_OK;
}

int jc_redis_exists(struct jc_redis *r, const char *key, bool *exists, jwtcred_error *err)
{
	unsigned char *val;
	size_t len;
	int rc = jc_redis_get(r, key, &val, &len, err);

	*exists = rc == 0 && val;
	free(val);
	return rc;
}

int jc_redis_set(struct jc_redis *r, const char *key, const void *val, size_t len, long long px_ms,
                 bool nx, bool *set, jwtcred_error *err)
{
	char px[24];
	const char *argv[6] = { "SET", key, val, "PX", px, "NX" };
	size_t lens[6] = { 3, strlen(key), len, 2, 0, 2 };
	redisReply *rep;
	int rc;

	*set = false;
	lens[4] = (size_t)snprintf(px, sizeof(px), "%lld", px_ms);
	if ((rc = command(r, "SET", nx ? 6 : 5, argv, lens, &rep, err)) != 0)
		return rc;
	if (rep->type == REDIS_REPLY_NIL && nx) {
		freeReplyObject(rep);
		return JWTCRED_OK; /* taken */
	}
	if (rep->type != REDIS_REPLY_STATUS)
		return wrong_type("SET", rep, err);
	*set = true;
	freeReplyObject(rep);
	return JWTCRED_OK;
}

int jc_redis_del_if(struct jc_redis *r, const char *key, const void *val, size_t len,
                    bool *deleted, jwtcred_error *err)
{
	const char *argv[5] = { "EVALSHA", del_if_sha, "1", key, val };
	size_t lens[5] = { 7, sizeof(del_if_sha) - 1, 1, strlen(key), len };
	redisReply *rep;
	int rc;

	*deleted = false;
	rc = command(r, "EVALSHA", 5, argv, lens, &rep, err);
	if (rc && strstr(err->text, "NOSCRIPT")) { /* not loaded yet on this server: send it whole */
		argv[0] = "EVAL", lens[0] = 4;
		argv[1] = del_if_script, lens[1] = sizeof(del_if_script) - 1;
		rc = command(r, "EVAL", 5, argv, lens, &rep, err);
	}
	if (rc)
		return rc;
	if (rep->type != REDIS_REPLY_INTEGER)
		return wrong_type("EVAL", rep, err);
	*deleted = rep->integer == 1;
	freeReplyObject(rep);
	return JWTCRED_OK;
}

int jc_redis_publish(struct jc_redis *r, const char *channel, const char *msg, jwtcred_error *err)
{
	const char *argv[3] = { "PUBLISH", channel, msg };
	size_t lens[3] = { 7, strlen(channel), strlen(msg) };
	redisReply *rep;
	int rc = command(r, "PUBLISH", 3, argv, lens, &rep, err);

	freeReplyObject(rep);
	return rc;
}

int jc_redis_subscribe(struct jc_redis *r, const char *channel, jwtcred_error *err)
{
	const char *argv[2] = { "SUBSCRIBE", channel };
	size_t lens[2] = { 9, strlen(channel) };
	redisReply *rep;
	int rc = command(r, "SUBSCRIBE", 2, argv, lens, &rep, err);

	if (rc == 0 && (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3))
		return wrong_type("SUBSCRIBE", rep, err);
	freeReplyObject(rep);
	return rc;
}

/* A pushed ["message", channel, payload]? */
static bool is_message(const redisReply *rep)
{
	return rep->type == REDIS_REPLY_ARRAY && rep->elements == 3 &&
	       rep->element[0]->type == REDIS_REPLY_STRING &&
	       strcmp(rep->element[0]->str, "message") == 0;
}

int jc_redis_wait_message(struct jc_redis *r, long ms, bool *got, jwtcred_error *err)
{
	struct pollfd pfd;
	void *reply = NULL;
	int n;

	*got = false;
	if (!r->c || r->c->err)
		return failed(r, "SUBSCRIBE", err);
	/* a reply hiredis has read already would never make the socket readable */
	if (redisGetReplyFromReader(r->c, &reply) != REDIS_OK)
		return failed(r, "SUBSCRIBE", err);
	if (!reply) {
		pfd.fd = r->c->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		do
			n = poll(&pfd, 1, (int)ms);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return JWTCRED_OK; /* nothing yet */
		if (redisGetReply(r->c, &reply) != REDIS_OK)
			return failed(r, "SUBSCRIBE", err);
	}
	*got = reply && is_message(reply);
	freeReplyObject(reply);
	return JWTCRED_OK;
}

int jc_redis_scan(struct jc_redis *r, char cursor[32], const char *pattern, int count,
                  char ***keys, size_t *n, jwtcred_error *err)
{
	char cnt[16];
	const char *argv[6] = { "SCAN", cursor, "MATCH", pattern, "COUNT", cnt };
	size_t lens[6] = { 4, strlen(cursor), 5, strlen(pattern), 5, 0 }, i;
	redisReply *rep, *list;
	int rc;

	*keys = NULL;
	*n = 0;
	lens[5] = (size_t)snprintf(cnt, sizeof(cnt), "%d", count);
	if ((rc = command(r, "SCAN", 6, argv, lens, &rep, err)) != 0)
		return rc;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
	    rep->element[0]->type != REDIS_REPLY_STRING || rep->element[0]->len >= 32 ||
	    (list = rep->element[1])->type != REDIS_REPLY_ARRAY)
		return wrong_type("SCAN", rep, err);
	memcpy(cursor, rep->element[0]->str, rep->element[0]->len + 1);
	if (list->elements && !(*keys = calloc(list->elements, sizeof(**keys)))) {
		freeReplyObject(rep);
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	}
	for (i = 0; i < list->elements; i++) {
		const redisReply *k = list->element[i];
		if (k->type != REDIS_REPLY_STRING || k->len > MAX_KEY_BYTES || strlen(k->str) != k->len)
			continue; /* not one of ours */
		if (!((*keys)[*n] = strdup(k->str))) {
			jc_redis_keys_free(*keys, *n);
			*keys = NULL;
			*n = 0;
			freeReplyObject(rep);
			return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		}
		(*n)++;
	}
	freeReplyObject(rep);
	return JWTCRED_OK;
}

void jc_redis_keys_free(char **keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}
