/*
 * allow.h: the one rule for where a profile's token may go.
 *
 * A token may go to a request when one of its profile's urls matches the
 * request (urlmatch.h: scheme and host exact or one "*." label, port
 * normalised, path a prefix on "/" boundaries).  jwtcred curl also lets it
 * go to the https origin of the instance that the token endpoint named
 * with this very token (Salesforce's instance_url).  Every command asks
 * here; none walks a profile's urls itself.
 */
#ifndef JWTCRED_ALLOW_H
#define JWTCRED_ALLOW_H

#include "core/conf.h"
#include "core/urlmatch.h"

enum jc_allowed {
	JC_NOT_ALLOWED,
	JC_ALLOWED_PATH,   /* only by entries limited to some paths of the host */
	JC_ALLOWED_ORIGIN, /* by an entry for the whole origin, or the instance */
};

/*
 * May p's token go to req?  instance_url: the instance the endpoint named
 * with the token, or NULL (git, kubectl, docker: only urls count).
 * *score (when score is not NULL): the most specific matching entry's
 * jc_url_match() score, -1 when no entry matches.
 */
enum jc_allowed jc_profile_allows(const struct jc_profile *p, const struct jc_request *req,
                                  const char *instance_url, long *score);

/*
 * The profile whose urls allow req most specifically (the first in the
 * file on a tie), considering only the profile called `only` when it is
 * not NULL.  A broken profile (conf.h) competes as if it were good: when
 * it would have been chosen, the answer is its error, never a profile it
 * was meant to shadow.  *out is borrowed from cfg, NULL on error.
 * Returns 0; JWTCRED_E_NOPROFILE when no profile allows req (err says so,
 * naming the broken profiles); JWTCRED_E_CONFIG with the broken profile's
 * error.  err may be NULL.
 */
int jc_allowed_lookup(const struct jwtcred_config *cfg, const char *only,
                      const struct jc_request *req, const struct jc_profile **out,
                      jwtcred_error *err);

/*
 * jc_allowed_lookup for the fronts: the profile, or NULL when none allows
 * req.  A broken profile's error that decides it is a warning (jc_warn);
 * under -v, why no profile matched.  Borrowed from cfg.
 */
const struct jc_profile *jc_allowed_profile(const struct jwtcred_config *cfg, const char *only,
                                            const struct jc_request *req);

#endif
