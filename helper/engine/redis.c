/*
 * redis.c: the shared cache's Redis commands, through hiredis (0.14 and
 * later: no TLS, so redis:// and unix:// only; the values are sealed
 * anyway, sealed.h).
 *
 * Only the commands of the ACL the documentation recommends are sent:
 * AUTH, SELECT (for a database other than 0), GETRANGE (a GET bounded by
 * JC_REDIS_VALUE_MAX), SET, EVALSHA/EVAL (the compare-and-delete script,
 * whose GET and DEL Redis 7 checks against the ACL too), PUBLISH, SUBSCRIBE,
 * SCAN.  Every reply's type is checked before it is used.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "core/fail.h"
#include "core/secret.h"
#include "engine/key.h"
#include "engine/redis.h"
#include "engine/sealed.h"

#define MAX_PASSWORD 1024
#define MAX_KEY_BYTES 1024
#define MAX_ELEMENTS 1000 /* SCAN COUNT 100 answers about 100 */
#define MAX_REPLY_BYTES (2L * JC_SEAL_MAX + 4096)

/* KEYS[1] is deleted only when it still holds ARGV[1]: a lock or an entry that is ours. */
static const char del_if_script[] =
	"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
static const char del_if_sha[] = "e9f69f2beb755be68b5e456ee2ce9aadfbc4ebf4";

struct jc_redis {
	redisContext *c;
	long timeout_ms;
	redisReplyObjectFunctions fn; /* hiredis's, with createArray bounded */
	void *(*create_array)(const redisReadTask *, int);
	bool too_many;                /* an array of more than MAX_ELEMENTS was refused */
	char *channel;                /* the subscribed channel, or NULL */
};

static struct timeval tv_of(long ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	return tv;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * hiredis 0.14 has no maxelements: an array header is refused here, before
 * hiredis allocates its elements (NULL: the reader fails, out of memory).
 */
static void *bounded_array(const redisReadTask *task, int elements)
{
	struct jc_redis *r = task->privdata;

	if (elements < 0 || elements > MAX_ELEMENTS) {
		r->too_many = true;
		return NULL;
	}
	return r->create_array(task, elements);
}

/* Our reply functions on r's reader, and its socket non-blocking (every wait is a poll). */
static int harden(struct jc_redis *r)
{
	redisReader *rd = r->c->reader;
	int fl = fcntl(r->c->fd, F_GETFL);

	if (!rd || !rd->fn || fl < 0 || fcntl(r->c->fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	r->c->flags &= ~REDIS_BLOCK; /* EAGAIN is then "later", not an error */
	r->fn = *rd->fn;
	r->create_array = rd->fn->createArray;
	r->fn.createArray = bounded_array;
	rd->fn = &r->fn;
	rd->privdata = r;
	return 0;
}

/* The context's failure (or what), as a one-line reason. */
static int failed(struct jc_redis *r, const char *what, jwtcred_error *err)
{
	if (r->too_many)
		return jc_fail(err, JWTCRED_E_NETWORK, "%s: a reply of more than %d elements", what,
		               MAX_ELEMENTS);
	if (r->c && r->c->err)
		return jc_fail(err, JWTCRED_E_NETWORK, "%s: %s", what,
		               r->c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)
		                       ? "timed out" : r->c->errstr);
	return jc_fail(err, JWTCRED_E_NETWORK, "%s failed", what);
}

/* Close r's context (a reply half read leaves it unusable) and return rc, the failure. */
static int unusable(struct jc_redis *r, int rc)
{
	if (r->c)
		redisFree(r->c);
	r->c = NULL;
	return rc;
}

/* Poll r's socket for events until deadline (EINTR: again, with the time left): 1 ready, 0 not. */
static int wait_fd(struct jc_redis *r, short events, long long deadline)
{
	struct pollfd pfd = { r->c->fd, events, 0 };
	long long left;
	int n;

	do {
		if ((left = deadline - mono_ms()) < 0)
			left = 0;
		n = poll(&pfd, 1, (int)left);
	} while (n < 0 && errno == EINTR);
	return n > 0;
}

/* Write what hiredis holds for the server, by deadline. */
static int send_all(struct jc_redis *r, const char *what, long long deadline, jwtcred_error *err)
{
	int done = 0;

	for (;;) {
		if (redisBufferWrite(r->c, &done) != REDIS_OK)
			return failed(r, what, err);
		if (done)
			return JWTCRED_OK;
		if (!wait_fd(r, POLLOUT, deadline))
			return unusable(r, jc_fail(err, JWTCRED_E_NETWORK, "%s: not sent within %ld ms",
			                           what, r->timeout_ms));
	}
}

/*
 * The next reply, read by deadline and at most MAX_REPLY_BYTES read for it:
 * *reply, or NULL when the deadline passed first (the caller says whether
 * that is a failure; the bytes read so far stay buffered).
 */
static int next_reply(struct jc_redis *r, const char *what, long long deadline, void **reply,
                      jwtcred_error *err)
{
	size_t got = 0, before;

	*reply = NULL;
	for (;;) {
		if (redisGetReplyFromReader(r->c, reply) != REDIS_OK)
			return failed(r, what, err);
		if (*reply || !wait_fd(r, POLLIN, deadline))
			return JWTCRED_OK;
		before = r->c->reader->len;
		if (redisBufferRead(r->c) != REDIS_OK)
			return failed(r, what, err);
		got += r->c->reader->len - before;
		if (got > MAX_REPLY_BYTES || r->c->reader->len - r->c->reader->pos > MAX_REPLY_BYTES)
			return unusable(r, jc_fail(err, JWTCRED_E_NETWORK, "%s: a reply of more than %ld bytes",
			                           what, MAX_REPLY_BYTES));
	}
}

/*
 * Send argv and take the reply, the whole step within the timeout; an error
 * reply fails with its first line (it names no value).
 */
static int command(struct jc_redis *r, const char *what, int argc, const char **argv,
                   const size_t *lens, redisReply **out, jwtcred_error *err)
{
	long long deadline = mono_ms() + r->timeout_ms;
	void *reply = NULL;
	redisReply *rep;
	int rc;

	*out = NULL;
	if (!r->c || r->c->err)
		return failed(r, what, err);
	if (redisAppendCommandArgv(r->c, argc, argv, lens) != REDIS_OK)
		return failed(r, what, err);
	if ((rc = send_all(r, what, deadline, err)) != 0 ||
	    (rc = next_reply(r, what, deadline, &reply, err)) != 0)
		return rc;
	if (!(rep = reply))
		return unusable(r, jc_fail(err, JWTCRED_E_NETWORK, "%s: no answer within %ld ms", what,
		                           r->timeout_ms));
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
	if (harden(r) != 0) {
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
	free(r->channel);
	free(r);
}

int jc_redis_get(struct jc_redis *r, const char *key, unsigned char **val, size_t *len,
                 jwtcred_error *err)
{
	/* GETRANGE: whoever may write the key cannot make us read more than the cap */
	char last[24];
	const char *argv[4] = { "GETRANGE", key, "0", last };
	size_t lens[4] = { 8, strlen(key), 1, 0 };
	redisReply *rep;
	int rc;

	*val = NULL;
	*len = 0;
	lens[3] = (size_t)snprintf(last, sizeof(last), "%d", JC_REDIS_VALUE_MAX);
	if ((rc = command(r, "GETRANGE", 4, argv, lens, &rep, err)) != 0)
		return rc;
	/* a missing key reads as "": no value of ours is empty */
	if (rep->type == REDIS_REPLY_NIL || (rep->type == REDIS_REPLY_STRING && rep->len == 0)) {
		freeReplyObject(rep);
		return JWTCRED_OK;
	}
	if (rep->type != REDIS_REPLY_STRING)
		return wrong_type("GETRANGE", rep, err);
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
	int rc;

	free(r->channel);
	if (!(r->channel = strdup(channel)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	if ((rc = command(r, "SUBSCRIBE", 2, argv, lens, &rep, err)) == 0 && (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3))
		return wrong_type("SUBSCRIBE", rep, err);
	freeReplyObject(rep);
	return rc;
}

/* A pushed ["message", channel, payload] on r's channel? */
static bool is_message(const struct jc_redis *r, const redisReply *rep)
{
	const redisReply *kind, *chan;

	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3)
		return false;
	kind = rep->element[0];
	chan = rep->element[1];
	return kind->type == REDIS_REPLY_STRING && kind->len == 7 && memcmp(kind->str, "message", 7) == 0 &&
	       chan->type == REDIS_REPLY_STRING && r->channel && chan->len == strlen(r->channel) &&
	       memcmp(chan->str, r->channel, chan->len) == 0;
}

int jc_redis_wait_message(struct jc_redis *r, long ms, bool *got, jwtcred_error *err)
{
	long long deadline = mono_ms() + (ms > 0 ? ms : 0);
	void *reply;
	int rc, drained = 0;

	*got = false;
	if (!r->c || r->c->err)
		return failed(r, "SUBSCRIBE", err);
	for (;;) {
		/* once one came, take only what is there already: a flood is one wake-up */
		if ((rc = next_reply(r, "SUBSCRIBE", *got ? 0 : deadline, &reply, err)) != 0)
			return rc;
		if (!reply)
			return JWTCRED_OK;
		*got = *got || is_message(r, reply); /* anything else (another channel) is ignored */
		freeReplyObject(reply);
		if (*got && ++drained >= MAX_ELEMENTS)
			return JWTCRED_OK;
	}
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
