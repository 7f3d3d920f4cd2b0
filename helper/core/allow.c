/*
 * allow.c: may a profile's token go to this request (see allow.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/allow.h"
#include "core/trace.h"

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

/* The most specific score of urls[n] for req, -1 when none matches. */
static long urls_score(const struct jc_url *urls, size_t n, const struct jc_request *req)
{
	long best = -1, s;
	size_t i;

	for (i = 0; i < n; i++)
		if ((s = jc_url_match(&urls[i], req)) > best)
			best = s;
	return best;
}

/* Is name host itself or one of its subdomains? */
static bool at_or_under(const char *name, const char *host)
{
	size_t n = strlen(name), h = strlen(host);

	return strcmp(name, host) == 0 || (n > h && name[n - h - 1] == '.' && strcmp(name + n - h, host) == 0);
}

/* Does a leniently read host ("*." kept) of a broken profile cover a request on host? */
static bool lenient_covers(const char *h, const char *host)
{
	return at_or_under(host, strncmp(h, "*.", 2) == 0 ? h + 2 : h);
}

/* The broken profile that would have won over good profile `good` (index, or -1 with score -1). */
static const struct jc_broken *broken_winner(const struct jwtcred_config *cfg, const char *only,
                                             const struct jc_request *req, long good, long good_score)
{
	const struct jc_broken *win = NULL;
	long best = good_score, s;
	size_t i, k;

	for (i = 0; i < cfg->nbroken; i++) {
		const struct jc_broken *b = &cfg->broken[i];
		if (only && strcmp(b->name, only) != 0)
			continue;
		for (k = 0; k < b->nhosts; k++)
			if (lenient_covers(b->hosts[k], req->host))
				return b; /* we cannot tell what it asks of the host: all of it */
		s = urls_score(b->urls, b->nurls, req);
		if (s < 0)
			continue;
		/* on a tie the first in the file wins: b only before the good one */
		if (s > best || (s == best && !win && good >= 0 && b->good_before <= (size_t)good)) {
			best = s;
			win = b;
		}
	}
	return win;
}

/* err: no profile allows req, naming the broken ones that could not be considered. */
static int none_allows(const struct jwtcred_config *cfg, const char *only, jwtcred_error *err)
{
	char names[256] = "";
	size_t i, used = 0;
	int n;

	for (i = 0; i < cfg->nbroken && used < sizeof(names); i++) {
		if (only && strcmp(cfg->broken[i].name, only) != 0)
			continue;
		n = snprintf(names + used, sizeof(names) - used, "%s'%s'%s", used ? ", " : "",
		             cfg->broken[i].name, cfg->broken[i].urls_known ? "" : " (its urls could not be read)");
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used >= sizeof(names))
		memcpy(names + sizeof(names) - 4, "...", 4);
	if (!used)
		return jc_fail(err, JWTCRED_E_NOPROFILE, "no profile allows this URL");
	return jc_fail(err, JWTCRED_E_NOPROFILE, "no profile allows this URL; broken, so not considered: %s",
	               names);
}

int jc_allowed_lookup(const struct jwtcred_config *cfg, const char *only,
                      const struct jc_request *req, const struct jc_profile **out,
                      jwtcred_error *err)
{
	const struct jc_profile *best = NULL;
	const struct jc_broken *b;
	long best_score = -1, best_i = -1, score;
	size_t i;

	*out = NULL;
	for (i = 0; i < cfg->nprofiles; i++) {
		const struct jc_profile *p = &cfg->profiles[i];
		if (only && strcmp(p->name, only) != 0)
			continue;
		jc_profile_allows(p, req, NULL, &score);
		if (score > best_score) { /* strictly: ties keep the first */
			best_score = score;
			best = p;
			best_i = (long)i;
		}
	}
	if ((b = broken_winner(cfg, only, req, best_i, best_score)))
		return jc_fail(err, JWTCRED_E_CONFIG, "%s", b->error);
	if (!best)
		return none_allows(cfg, only, err);
	*out = best;
	return JWTCRED_OK;
}

const struct jc_profile *jc_allowed_profile(const struct jwtcred_config *cfg, const char *only,
                                            const struct jc_request *req)
{
	const struct jc_profile *p;
	jwtcred_error err;
	int rc;

	rc = jc_allowed_lookup(cfg, only, req, &p, &err);
	if (rc == JWTCRED_E_CONFIG)
		jc_warn("%s (the profile is not served until this is fixed)", err.text);
	else if (rc != 0 && cfg->nbroken)
		jc_trace("%s", err.text);
	return p;
}


const struct jc_broken *jc_broken_shadows_host(const struct jwtcred_config *cfg, const char *host)
{
	size_t i, k;

	for (i = 0; i < cfg->nbroken; i++) {
		const struct jc_broken *b = &cfg->broken[i];
		for (k = 0; k < b->nhosts; k++)
			if (lenient_covers(b->hosts[k], host) || at_or_under(b->hosts[k], host))
				return b;
		for (k = 0; k < b->nurls; k++) {
			const char *h = b->urls[k].host;
			/* "*.example.com" covers the subdomains of example.com, and a host under them */
			if (strncmp(h, "*.", 2) == 0 ? at_or_under(host, h + 2) || at_or_under(h + 2, host)
			                             : at_or_under(h, host))
				return b;
		}
	}
	return NULL;
}
