/*
 * allow.c: may a profile's token go to this request (see allow.h).
 */
#include "config.h"

#include <string.h>

#include "core/allow.h"

/* Is req the https origin of instance_url? */
static bool instance_origin(const char *instance_url, const struct jc_request *req)
{
	struct jc_request inst;
	bool same;

	if (!instance_url || jc_request_from_url(instance_url, &inst) != 0)
		return false;
	same = strcmp(inst.scheme, "https") == 0 && strcmp(req->scheme, "https") == 0 &&
	       strcmp(inst.host, req->host) == 0 && inst.port == req->port;
	jc_request_clear(&inst);
	return same;
}

enum jc_allowed jc_profile_allows(const struct jc_profile *p, const struct jc_request *req,
                                  const char *instance_url, long *score)
{
	enum jc_allowed verdict = JC_NOT_ALLOWED;
	long best = -1, s;
	size_t i;

	for (i = 0; i < p->nurls; i++) {
		if ((s = jc_url_match(&p->urls[i], req)) < 0)
			continue;
		if (s > best)
			best = s;
		if (!p->urls[i].path[0])
			verdict = JC_ALLOWED_ORIGIN;
		else if (verdict == JC_NOT_ALLOWED)
			verdict = JC_ALLOWED_PATH;
	}
	if (verdict != JC_ALLOWED_ORIGIN && instance_origin(instance_url, req))
		verdict = JC_ALLOWED_ORIGIN;
	if (score)
		*score = best;
	return verdict;
}

const struct jc_profile *jc_allowed_profile(const struct jwtcred_config *cfg, const char *only,
                                            const struct jc_request *req)
{
	const struct jc_profile *best = NULL;
	long best_score = -1, score;
	size_t i;

	for (i = 0; i < cfg->nprofiles; i++) {
		const struct jc_profile *p = &cfg->profiles[i];
		if (only && strcmp(p->name, only) != 0)
			continue;
		jc_profile_allows(p, req, NULL, &score);
		if (score > best_score) { /* strictly: ties keep the first */
			best_score = score;
			best = p;
		}
	}
	return best;
}
