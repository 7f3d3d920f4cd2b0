/*
 * singleflight.h: a token for a profile, from the cache when it can be, minted
 * once (single-flight) when it cannot.
 */
#ifndef JWTCRED_SINGLEFLIGHT_H
#define JWTCRED_SINGLEFLIGHT_H

#include "core/cache.h"

/* JWTCRED_REFRESH and JWTCRED_NO_CACHE from jwtcred.h apply. */
int jc_token_fetch(const struct jc_profile *p, unsigned flags, struct jc_entry *out,
                   jwtcred_error *err);

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
