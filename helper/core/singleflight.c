/*
 * singleflight.c: cache first; on a miss, lock -> check again -> mint -> write.
 *
 * The second check under the lock is what makes N concurrent callers cost
 * one mint: the first one mints, the others find its entry when the lock
 * comes free.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/engine.h"
#include "core/fail.h"
#include "core/refresh.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/trace.h"

/* The Redis steps a fleet mint may take besides the two mint windows (fleet.c). */
#define FLEET_STEPS 16

long jc_mint_window_ms(const struct jc_profile *p)
{
	return p->timeout * 1000L + JC_LOCK_SLACK_MS;
}

long jc_lock_window_ms(const struct jc_profile *p)
{
	long w = jc_mint_window_ms(p);

	return p->shared ? 2 * w + FLEET_STEPS * p->shared->timeout_ms : w;
}

static int mint(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *g,
                jwtcred_error *err)
{
	const struct jc_engine *engine;
	int rc;

	jc_progress_mint(p->name, p->token_url ? p->token_url : p->api_url);
	engine = jc_engine(err);
	jc_answer_init(g);
	rc = engine ? engine->mint(p, in, g, err) : JWTCRED_E_SYSTEM;
	jc_progress_end();
	return rc;
}

static int entry_from_answer(const struct jc_profile *p, char *params, struct jc_answer *g,
                            long long now, struct jc_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->params = params;
	e->token = g->access_token;
	g->access_token = NULL; /* transferred */
	e->instance_url = g->instance_url;
	g->instance_url = NULL; /* transferred */
	e->audience_used = g->audience;
	g->audience = NULL; /* transferred */
	e->installation_id = g->installation_id;
	g->installation_id = NULL; /* transferred */
	jc_answer_times(p, g, now); /* unless the engine fixed them: the shared entry's */
	e->issued = g->issued;
	e->server_expiry = g->server_expiry;
	e->expires = g->expires;
	if (!(e->profile = strdup(p->name)) ||
	    !(e->subject = strdup(g->subject ? g->subject : p->subject ? p->subject : "")))
		return JWTCRED_E_NOMEM;
	return JWTCRED_OK;
}

static int mint_uncached(const struct jc_profile *p, const struct jc_mint_in *in,
                         struct jc_entry *out, jwtcred_error *err)
{
	struct jc_answer g;
	char *params = NULL, name[JC_ENTRY_NAME];
	int rc;

	if ((rc = mint(p, in, &g, err)))
		return rc;
	if ((rc = jc_cache_key_for(p, in->owner, &params, name)) == 0)
		rc = entry_from_answer(p, params, &g, jc_now(), out);
	jc_answer_clear(&g);
	if (rc) {
		jc_entry_clear(out);
		return jc_fail(err, rc, "out of memory");
	}
	return JWTCRED_OK;
}

/*
 * Is a failed mint's outcome the same for whoever waited on it?  What the
 * endpoint said (a refusal, an unusable answer) or that it could not be
 * reached is; a key, a passphrase variable or memory that one process
 * lacks is not.
 */
static bool shared_failure(int rc)
{
	return rc == JWTCRED_E_DENIED || rc == JWTCRED_E_RESPONSE || rc == JWTCRED_E_NETWORK;
}

/* What a process waiting for another's mint needs to recognise its result. */
struct waiter {
	int dirfd;
	const char *name;
	const char *params;
	const struct jc_profile *p;
	unsigned flags;
	const struct jc_entry *seen;  /* the entry before we waited, if any */
	struct jc_entry *fresh;       /* filled when another's token will do */
	long long since_ms;           /* when we joined (jc_monotonic_ms) */
	long long window_ms;          /* how long one mint may hold the lock */
	bool waited;                  /* we found the lock held by another */
	int failed;                   /* another's mint that we waited on failed: its status */
	jwtcred_error *failed_err;    /* and what it said */
};

/*
 * Has the mint we waited on landed?  Either another process minted a token
 * we can serve (a fresh entry, and with --refresh one other than the token
 * we were asked to replace), or its mint failed after we joined: then we
 * share its failure rather than ask the endpoint again, so N callers of a
 * failing endpoint make one request, not N in a row.
 */
static bool flight_landed(struct waiter *w)
{
	w->failed = 0;
	jc_entry_clear(w->fresh);
	if (jc_cache_read(w->dirfd, w->name, w->params, w->fresh) == 0 &&
	    jc_entry_fresh(w->fresh, w->p, jc_now()) &&
	    (!(w->flags & JWTCRED_REFRESH) || !w->seen->token ||
	     !jc_secret_equal(w->seen->token, w->fresh->token)))
		return true;
	jc_entry_clear(w->fresh);
	/* a failure counts only for a caller that found the lock taken: it joined that flight */
	return w->waited && jc_cache_read_failure(w->dirfd, w->name, w->params, w->since_ms,
	                                          w->window_ms, &w->failed, w->failed_err) == 0;
}

/* jc_cache_lock_or_wait asks this each time it found the lock held. */
static bool ready(void *arg)
{
	struct waiter *w = arg;

	if (!w->waited)
		jc_progress_wait(w->p->name);
	w->waited = true;
	return flight_landed(w);
}

/* What the engine needs beyond p: whose installation, and what we learnt last time. */
static struct jc_mint_in mint_in(const struct jc_profile *p, const struct jc_target *t,
                                 const struct jc_entry *seen)
{
	struct jc_mint_in in = { seen->audience_used, jc_github_entry_owner(p, t), NULL,
		                 seen->installation_id, false, NULL, false };

	if (t && in.owner && in.owner == t->owner)
		in.repo = t->repo; /* the request's repository says which installation */
	return in;
}

/* An entry's mint, under its lock: where it goes and how its write went. */
struct flight {
	const struct jc_profile *p;
	int dirfd;
	const char *dirpath;
	const char *name;
	int written;          /* the cache write's status */
	jwtcred_error werr;   /* and what it said */
};

/*
 * Mint f's entry into *out (the audience or installation that worked last
 * time first: the entry may have expired) and write it to the cache.  A failure that the
 * waiters share is recorded for them (jc_cache_write_failure).  *params
 * becomes out's, or is freed: NULL either way.  Returns the mint's status;
 * f->written says whether the token was kept.
 */
static int mint_and_write(struct flight *f, char **params, const struct jc_mint_in *in,
                          struct jc_entry *out, jwtcred_error *err)
{
	struct jc_answer g;
	long long t0;
	int rc;

	f->written = JWTCRED_E_CACHE;
	if ((rc = mint(f->p, in, &g, err))) {
		if (shared_failure(rc) && jc_cache_write_failure(f->dirfd, f->dirpath, f->name, *params,
		                                                 rc, err->text, &f->werr) != 0)
			jc_trace("%s", f->werr.text);
		free(*params);
		*params = NULL;
		goto out;
	}
	rc = entry_from_answer(f->p, *params, &g, jc_now(), out);
	*params = NULL; /* transferred, even on failure */
	if (rc) {
		jc_entry_clear(out);
		rc = jc_fail(err, rc, "out of memory");
		goto out;
	}
	t0 = jc_monotonic_ms();
	f->written = jc_cache_write(f->dirfd, f->dirpath, f->name, out, &f->werr);
	jc_trace2("timing: write %lld ms", jc_monotonic_ms() - t0);
out:
	jc_answer_clear(&g);
	return rc;
}

int jc_token_fetch(const struct jc_profile *p, unsigned flags, struct jc_entry *out,
                   jwtcred_error *err)
{
	return jc_token_fetch_for(p, NULL, flags, out, err);
}

int jc_token_fetch_for(const struct jc_profile *p, const struct jc_target *t, unsigned flags,
                       struct jc_entry *out, jwtcred_error *err)
{
	char *params = NULL, *dirpath = NULL, name[JC_ENTRY_NAME];
	struct jc_entry seen = { 0 }, fresh = { 0 };
	struct jc_mint_in in;
	struct flight f;
	struct waiter wait;
	int dirfd = -1, lockfd = -1, rc;
	long long now = jc_now(), t0 = jc_monotonic_ms();

	memset(out, 0, sizeof(*out));
	if ((rc = jc_github_target_check(p, t, err)))
		return rc;
	in = mint_in(p, t, &seen);
	if ((flags & JWTCRED_NO_CACHE) || !p->cache)
		return mint_uncached(p, &in, out, err);
	if ((rc = jc_cache_key_for(p, in.owner, &params, name))) {
		rc = jc_fail(err, rc, "out of memory");
		goto out;
	}
	if ((rc = jc_cache_open(&dirfd, &dirpath, err)))
		goto out;
	/* fast path: no lock, no mint */
	rc = jc_cache_read(dirfd, name, params, &seen);
	jc_trace2("timing: cache %lld ms", jc_monotonic_ms() - t0);
	if (rc == 0 && !(flags & JWTCRED_REFRESH) && jc_entry_fresh(&seen, p, now)) {
		jc_trace("profile '%s': cached token, %llds left", p->name, seen.expires - now);
		*out = seen;
		memset(&seen, 0, sizeof(seen)); /* transferred */
		goto out;
	}
	/* one mint for all: take the lock, or find that the holder's mint has landed */
	wait = (struct waiter){ dirfd, name, params, p, flags, &seen, &fresh, jc_monotonic_ms(),
		                jc_lock_window_ms(p), false, 0, err };
	if ((rc = jc_cache_lock_or_wait(dirfd, dirpath, name, wait.window_ms, ready, &wait, &lockfd,
	                                err)))
		goto out;
	jc_progress_end(); /* the wait, if any, is over */
	/* check again under the lock too: the holder may have finished just before */
	f = (struct flight){ p, dirfd, dirpath, name, JWTCRED_OK, { "" } };
	if (lockfd < 0 || flight_landed(&wait)) {
		if ((rc = wait.failed) != 0) {
			jc_trace("profile '%s': the token request of another process failed", p->name);
			goto out;
		}
		jc_trace("profile '%s': token minted by another process", p->name);
		*out = fresh;
		memset(&fresh, 0, sizeof(fresh)); /* transferred */
		goto out;
	}
	/* a token we cannot cache is still a token: serve it, and say why it was not kept */
	in = mint_in(p, t, &seen);
	in.shared = true; /* under the local lock: this process alone asks the shared cache */
	if (flags & JWTCRED_REFRESH)
		in.replaces = seen.token;
	if ((rc = mint_and_write(&f, &params, &in, out, err)) == JWTCRED_OK &&
	    f.written != JWTCRED_OK)
		jc_warn("%s", f.werr.text);
out:
	jc_cache_unlock(lockfd);
	if (dirfd >= 0)
		close(dirfd);
	jc_entry_clear(&seen);
	jc_entry_clear(&fresh);
	free(params);
	free(dirpath);
	return rc;
}

/* Under the lock: mint e's entry again, recording the attempt before and its outcome after. */
static int refresh_locked(struct flight *f, char **params, const struct jc_target *t,
                          const struct jc_entry *e, jwtcred_error *err)
{
	struct jc_mint_in in = mint_in(f->p, t, e);
	struct jc_refresh_record r = { e->issued, jc_now(), 0, JWTCRED_OK, "" };
	struct jc_entry fresh = { 0 };
	jwtcred_error rerr;
	char *kept = strdup(*params);
	int rc;

	if (!kept) {
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		goto out;
	}
	/* in a fleet, the shared cache may hold a newer token already: one machine refreshes */
	in.shared = true;
	in.replaces = e->token;
	in.background = true;
	/* written first: a refresh killed while it mints still counts as an attempt */
	if ((rc = jc_refresh_record_write(f->dirfd, f->dirpath, f->name, kept, &r, err)))
		goto out;
	if ((rc = mint_and_write(f, params, &in, &fresh, err)) == JWTCRED_OK &&
	    (rc = f->written) != JWTCRED_OK)
		jc_fail(err, rc, "%s", f->werr.text);
	r.finished = jc_now();
	r.status = rc;
	if (rc)
		snprintf(r.error, sizeof(r.error), "%s", err->text);
	if (jc_refresh_record_write(f->dirfd, f->dirpath, f->name, kept, &r, &rerr) != 0)
		jc_trace("%s", rerr.text);
out:
	jc_entry_clear(&fresh);
	free(kept);
	return rc;
}


/* jc_token_refresh() for the entry of request t. */
static int refresh_entry(const struct jc_profile *p, const struct jc_target *t, unsigned flags,
                         enum jc_refresh_outcome *done, jwtcred_error *err)
{
	char *params = NULL, *dirpath = NULL, name[JC_ENTRY_NAME];
	struct jc_entry e = { 0 };
	struct jc_refresh_record r;
	struct flight f;
	int dirfd = -1, lockfd = -1, rc;

	*done = JC_REFRESH_NOT_DUE;
	if ((flags & JWTCRED_NO_CACHE) || !p->cache || jc_github_target_check(p, t, NULL))
		return JWTCRED_OK;
	if ((rc = jc_cache_key_for(p, jc_github_entry_owner(p, t), &params, name))) {
		rc = jc_fail(err, rc, "out of memory");
		goto out;
	}
	if ((rc = jc_cache_open(&dirfd, &dirpath, err)))
		goto out;
	/* never waits: a holder is minting this entry already */
	if ((rc = jc_cache_lock(dirfd, dirpath, name, 0, &lockfd, err)) == JWTCRED_E_BUSY) {
		*done = JC_REFRESH_BUSY;
		rc = JWTCRED_OK;
		goto out;
	}
	if (rc)
		goto out;
	/* again under the lock: another process may have refreshed it, or it is the foreground's now */
	if (jc_cache_read(dirfd, name, params, &e) != 0 || !jc_refresh_due(&e, p, jc_now()))
		goto out;
	if (jc_refresh_record_read(dirfd, name, params, &r) == 0 &&
	    jc_refresh_backing_off(&r, &e, jc_now())) {
		*done = JC_REFRESH_BACKING_OFF;
		goto out;
	}
	f = (struct flight){ p, dirfd, dirpath, name, JWTCRED_OK, { "" } };
	rc = refresh_locked(&f, &params, t, &e, err);
	*done = rc ? JC_REFRESH_FAILED : JC_REFRESHED;
	jc_trace("profile '%s': background refresh %s", p->name, rc ? "failed" : "done");
out:
	jc_cache_unlock(lockfd);
	if (dirfd >= 0)
		close(dirfd);
	jc_entry_clear(&e);
	free(params);
	free(dirpath);
	return rc;
}

int jc_token_refresh(const struct jc_profile *p, const struct jc_entry *served, unsigned flags,
                     enum jc_refresh_outcome *done, jwtcred_error *err)
{
	char *owner = served ? jc_entry_owner(p, served) : NULL;
	struct jc_target target = { owner, NULL };
	int rc = refresh_entry(p, owner ? &target : NULL, flags, done, err);

	free(owner);
	return rc;
}

int jc_token_drop(const struct jc_profile *p, const char *token, bool *dropped,
                  jwtcred_error *err)
{
	return jc_token_drop_for(p, NULL, token, dropped, err);
}

/*
 * The shared cache's entry too, if it still holds token: no machine of the
 * fleet is handed it again.  Its failure is only traced: the local entry
 * is gone, and the shared one expires by itself.
 */
static void drop_shared(const struct jc_profile *p, const char *owner, const char *token)
{
	jwtcred_error err;
	const struct jc_engine *engine = jc_engine(&err);
	bool dropped = false;

	if (!engine || !engine->shared_drop || engine->shared_drop(p, owner, token, &dropped, &err) != 0)
		jc_trace("profile '%s': shared cache entry not dropped: %s", p->name,
		         engine && engine->shared_drop ? err.text : "no shared cache in this engine");
	else if (dropped)
		jc_trace("profile '%s': rejected token dropped from the shared cache", p->name);
}

int jc_token_drop_for(const struct jc_profile *p, const struct jc_target *t, const char *token,
                      bool *dropped, jwtcred_error *err)
{
	char *params = NULL, *dirpath = NULL, name[JC_ENTRY_NAME];
	struct jc_entry e = { 0 };
	int dirfd = -1, lockfd = -1, rc;

	*dropped = false;
	if (!p->cache)
		return JWTCRED_OK;
	if ((rc = jc_cache_key_for(p, jc_github_entry_owner(p, t), &params, name))) {
		rc = jc_fail(err, rc, "out of memory");
		goto out;
	}
	if ((rc = jc_cache_open(&dirfd, &dirpath, err)) ||
	    (rc = jc_cache_lock(dirfd, dirpath, name, jc_lock_window_ms(p), &lockfd, err)))
		goto out;
	if (jc_cache_read(dirfd, name, NULL, &e) == 0 && (!token || jc_secret_equal(e.token, token))) {
		if ((rc = jc_cache_remove(dirfd, name, err)) == 0)
			*dropped = true;
		jc_trace("profile '%s': rejected token dropped from the cache", p->name);
	}
	if (p->shared)
		drop_shared(p, jc_github_entry_owner(p, t), token);
out:
	jc_cache_unlock(lockfd);
	if (dirfd >= 0)
		close(dirfd);
	jc_entry_clear(&e);
	free(params);
	free(dirpath);
	return rc;
}

int jc_token_entry_name(const struct jc_profile *p, char name[JC_ENTRY_NAME])
{
	char *params = NULL;
	int rc = jc_cache_key(p, &params, name);

	free(params);
	return rc;
}
