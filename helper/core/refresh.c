/*
 * refresh.c: when a token is due for a refresh ahead of its expiry, the
 * record of the last refresh of each entry, and starting one in the
 * background.  The refresh itself is jc_token_refresh() (singleflight.c):
 * it takes the entry's lock like any mint.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/clock.h"
#include "core/detach.h"
#include "core/io.h"
#include "core/refresh.h"
#include "core/singleflight.h"
#include "core/text.h"
#include "core/trace.h"
#include "core/trust.h"

#define RECORD_VERSION 1
/* it holds the entry's params: as large as the entry's own (a profile with many scopes) */
#define MAX_RECORD JC_MAX_ENTRY
#define RECORD_NAME (JC_ENTRY_NAME + 16)

long long jc_refresh_point(const struct jc_entry *e, const struct jc_profile *p)
{
	long long expires = jc_entry_deadline(e, p) + p->refresh_margin;
	long long lifetime = expires - e->issued, ahead;

	if (p->refresh_ahead == 0 || lifetime <= 0)
		return 0;
	if (p->refresh_ahead > 0)
		ahead = p->refresh_ahead;
	else
		ahead = lifetime / 4 > 2LL * p->refresh_margin ? lifetime / 4 : 2LL * p->refresh_margin;
	/* a token serves at least half its lifetime: a short one is not minted on every hit */
	if (ahead > lifetime / 2)
		ahead = lifetime / 2;
	return expires - ahead;
}

bool jc_refresh_due(const struct jc_entry *e, const struct jc_profile *p, long long now)
{
	long long at = jc_refresh_point(e, p);

	return at != 0 && now >= at && jc_entry_fresh(e, p, now);
}

static int record_name(const char *name, char out[RECORD_NAME])
{
	return (size_t)snprintf(out, RECORD_NAME, "%s.refresh", name) < RECORD_NAME ? 0 : -1;
}

static bool take_time(json_t *o, const char *key, long long *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > JC_TIME_MAX)
		return false;
	*out = json_integer_value(v);
	return true;
}

int jc_refresh_record_read(int dirfd, const char *name, const char *params,
                           struct jc_refresh_record *r)
{
	char fname[RECORD_NAME], *text = NULL;
	json_t *o = NULL, *st, *msg, *pa, *ver;
	jwtcred_error why;
	size_t len;
	int fd, rc = JWTCRED_E_NOTFOUND;

	memset(r, 0, sizeof(*r));
	if (record_name(name, fname) != 0 ||
	    jc_open_trusted(dirfd, fname, O_RDONLY | O_NOFOLLOW, "cache entry", fname,
	                    &jc_trust_cache_entry, &fd, NULL, &why) != 0)
		return JWTCRED_E_NOTFOUND;
	if (jc_read_fd(fd, MAX_RECORD, &text, &len) == 0)
		o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	close(fd);
	ver = json_object_get(o, "version");
	pa = json_object_get(o, "params");
	st = json_object_get(o, "status");
	msg = json_object_get(o, "error");
	if (json_is_integer(ver) && json_integer_value(ver) == RECORD_VERSION && json_is_string(pa) &&
	    (!params || strcmp(json_string_value(pa), params) == 0) &&
	    take_time(o, "entry_issued", &r->entry_issued) && take_time(o, "started", &r->started) &&
	    take_time(o, "finished", &r->finished) && json_is_integer(st) &&
	    json_integer_value(st) <= 0 && json_integer_value(st) > -1000 && json_is_string(msg) &&
	    !jc_has_control(json_string_value(msg))) {
		r->status = (int)json_integer_value(st);
		snprintf(r->error, sizeof(r->error), "%s", json_string_value(msg));
		rc = JWTCRED_OK;
	}
	if (rc)
		memset(r, 0, sizeof(*r));
	json_decref(o);
	free(text);
	return rc;
}

int jc_refresh_record_write(int dirfd, const char *dirpath, const char *name, const char *params,
                            const struct jc_refresh_record *r, jwtcred_error *err)
{
	char fname[RECORD_NAME], *doc = NULL;
	json_t *o;
	int rc;

	if (record_name(name, fname) != 0)
		return jc_fail(err, JWTCRED_E_CACHE, "cache entry name '%s' is too long", name);
	o = json_pack("{si ss sI sI sI si ss}", "version", RECORD_VERSION, "params", params,
	              "entry_issued", (json_int_t)r->entry_issued, "started", (json_int_t)r->started,
	              "finished", (json_int_t)r->finished, "status", r->status, "error", r->error);
	if (o)
		doc = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!doc)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory writing the cache");
	rc = jc_cache_write_side(dirfd, dirpath, fname, doc, err);
	free(doc);
	return rc;
}

bool jc_refresh_backing_off(const struct jc_refresh_record *r, const struct jc_entry *e,
                            long long now)
{
	/* a start in our future: the clock went back, and the record proves nothing */
	return r->entry_issued == e->issued && (r->finished == 0 || r->status != JWTCRED_OK) &&
	       r->started <= now && now < r->started + JC_REFRESH_BACKOFF;
}

/* What the detached process is given: jc_token_refresh()'s inputs. */
struct job {
	const struct jc_profile *p;
	const struct jc_entry *served;
	unsigned flags;
};

static void run_job(void *arg)
{
	const struct job *j = arg;
	enum jc_refresh_outcome what;
	jwtcred_error err;

	/*
	 * A worker stuck anywhere (a hung resolver, a lock the host held at
	 * fork time) would hold the entry's lock, and every later miss would
	 * fail busy: it dies when a mint's lock window is over.
	 */
	signal(SIGALRM, SIG_DFL);
	alarm((unsigned)((jc_lock_window_ms(j->p) + 999) / 1000));
	jc_token_refresh(j->p, j->served, j->flags, &what, &err);
}

/* -v: why a due entry starts no refresh now. */
static void trace_backoff(const struct jc_profile *p, const struct jc_refresh_record *r)
{
	char at[32], next[32];

	jc_rfc3339(r->started, at, sizeof(at));
	jc_rfc3339(r->started + JC_REFRESH_BACKOFF, next, sizeof(next));
	if (r->finished)
		jc_trace("profile '%s': served from cache; the background refresh of %s failed (%s): next try after %s",
		         p->name, at, r->error, next);
	else
		jc_trace("profile '%s': served from cache; a background refresh started at %s (still running, or killed): next try after %s",
		         p->name, at, next);
}

void jc_refresh_start(const struct jc_profile *p, unsigned flags, const struct jc_entry *e,
                      bool exiting)
{
	struct job job = { p, e, flags };
	struct jc_refresh_record r;
	char *params = NULL, *dirpath = NULL, name[JC_ENTRY_NAME];
	long long now = jc_now();
	int dirfd = -1;

	if (!jc_refresh_due(e, p, now))
		return;
	/* a refresh that failed or still runs: no process to start (and no mint) on every hit */
	if (jc_cache_key_of(p, e, &params, name) == 0 && jc_cache_open(&dirfd, &dirpath, NULL) == 0 &&
	    jc_refresh_record_read(dirfd, name, params, &r) == 0) {
		if (jc_refresh_backing_off(&r, e, now)) {
			trace_backoff(p, &r);
			goto out;
		}
		if (r.entry_issued == e->issued && r.status != JWTCRED_OK)
			jc_trace("profile '%s': the last background refresh failed: %s", p->name, r.error);
	}
	jc_trace("profile '%s': served from cache; refreshing in the background", p->name);
	if (jc_detach(run_job, &job, exiting) != 0)
		jc_trace("profile '%s': cannot start the background refresh: %s", p->name, strerror(errno));
out:
	if (dirfd >= 0)
		close(dirfd);
	free(dirpath);
	free(params);
}
