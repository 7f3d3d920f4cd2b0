/*
 * singleflight.h: a token for a profile, from the cache when it can be, minted
 * once (single-flight) when it cannot.
 */
#ifndef JWTCRED_SINGLEFLIGHT_H
#define JWTCRED_SINGLEFLIGHT_H

#include "core/cache.h"

/*
 * A mint holds its entry's lock for at most the profile's timeout (the
 * exchange) and this much more (key, signing, cache write): the window
 * waiters give it, and the life a background refresh's worker is given.
 */
#define JC_LOCK_SLACK_MS 5000L

/* How long one mint of p may take: its timeout and JC_LOCK_SLACK_MS (the fleet lock's life). */
long jc_mint_window_ms(const struct jc_profile *p);

/*
 * How long a mint may hold p's entry's local lock, and so how long its
 * waiters give it: one mint; with a shared cache also a wait of as long
 * for another machine's mint, and the Redis steps around them (each at
 * most shared_cache.timeout), so that a fleet lock left by a dead machine
 * never makes this machine's waiters give up.
 */
long jc_lock_window_ms(const struct jc_profile *p);

/* JWTCRED_REFRESH and JWTCRED_NO_CACHE from jwtcred.h apply. */
int jc_token_fetch(const struct jc_profile *p, unsigned flags, struct jc_entry *out,
                   jwtcred_error *err);

/* What jc_token_refresh() did. */
enum jc_refresh_outcome {
	JC_REFRESHED,           /* minted, and the entry replaced */
	JC_REFRESH_NOT_DUE,     /* nothing cached, not due (any more), or not cached at all */
	JC_REFRESH_BUSY,        /* another process holds the entry's lock: it is minting */
	JC_REFRESH_BACKING_OFF, /* this entry's last refresh failed (or died) within a minute */
	JC_REFRESH_FAILED,      /* the mint or the cache write failed: the old entry stays */
};

/*
 * Refresh p's entry ahead of its expiry (core/refresh.h): what a detached
 * process runs after a hit found the entry due, and what a library host
 * may run on a thread of its own.  The same inputs as jc_token_fetch(),
 * and the entry it served (or NULL): a github-app entry of one owner is
 * refreshed for that owner, with the installation it remembers.  Takes the entry's lock
 * without waiting; under it, checks again that the entry is still due and
 * not backing off; records the attempt in "<entry>.refresh"; mints and
 * replaces the entry as jc_token_fetch() does.  *done says which; the
 * status is the mint's or the cache's (JWTCRED_OK for everything but
 * JC_REFRESH_FAILED and a cache that cannot be opened).  A failure leaves
 * the old entry in place.
 */
int jc_token_refresh(const struct jc_profile *p, const struct jc_entry *served, unsigned flags,
                     enum jc_refresh_outcome *done, jwtcred_error *err);

/*
 * The same for a request that says where its token goes (t, or NULL): a
 * github-app profile without installation_id has one entry per owner
 * (jc_github_entry_owner), and fails with the fix when it cannot tell
 * which (jc_github_target_check).  jc_token_fetch passes NULL.
 */
int jc_token_fetch_for(const struct jc_profile *p, const struct jc_target *t, unsigned flags,
                       struct jc_entry *out, jwtcred_error *err);

/*
 * A tool reported `token` as rejected: drop the cache entry if (and only
 * if) it still holds that token; NULL drops the entry whatever it holds.
 * *dropped says whether it did.
 */
int jc_token_drop(const struct jc_profile *p, const char *token, bool *dropped,
                  jwtcred_error *err);

/* The same for the entry of request t (jc_token_fetch_for). */
int jc_token_drop_for(const struct jc_profile *p, const struct jc_target *t, const char *token,
                      bool *dropped, jwtcred_error *err);

/* The name of p's cache entry, for git's state[] (no secret in it). */
int jc_token_entry_name(const struct jc_profile *p, char name[JC_ENTRY_NAME]);

#endif
