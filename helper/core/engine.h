/*
 * engine.h: the signing and minting engine, behind a table of functions.
 *
 * A cache hit must not pay for loading OpenSSL and libcurl (some 30 shared
 * libraries, several milliseconds).  So the jwtcred program links only the
 * cache, configuration and protocol code, and loads the engine (a module,
 * jwtcred-mint.so) the first time it must mint.  libjwtcred, for programs
 * that embed it, links the engine directly.
 */
#ifndef JWTCRED_ENGINE_H
#define JWTCRED_ENGINE_H

#include <stdbool.h>

#include "core/cache.h"
#include "core/conf.h"
#include "core/answer.h"
#include "core/findings.h"
#include "core/urlmatch.h"

/*
 * 5: mint takes struct jc_mint_in; struct jc_profile and jc_provider_def grew.
 * 6: the shared cache: struct jc_profile, jc_mint_in and jc_answer grew;
 *    shared_drop and shared_scan.
 */
#define JC_ENGINE_ABI 6

/* What shared_scan found: an entry this machine can open (no secret is read from it). */
typedef void (*jc_shared_each_fn)(void *arg, const struct jc_entry *e, bool deleted);

struct jc_engine {
	int abi; /* JC_ENGINE_ABI: a module from another build is refused */
	/* in (answer.h): what the token is for beyond p; NULL: nothing more */
	int (*mint)(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
	            jwtcred_error *err);
	int (*revoke)(const struct jc_profile *p, const char *token, jwtcred_error *err);
	/* libcurl's reading of a URL (curlurl.h): jwtcred curl checks what curl will fetch */
	int (*curl_url)(const char *url, char **canonical, struct jc_request *req, jwtcred_error *err);
	/*
	 * What jwtcred assertion prints: p's signed assertion at time now into
	 * *jws (the caller's; jc_free_secret), and with decode its header and
	 * claims as indented JSON into *decoded (the caller's; free), else NULL.
	 * Both NULL on failure (err filled).  NULL in libjwtcred, whose API has
	 * no use for it (engine_static.c).
	 */
	int (*assertion)(const struct jc_profile *p, long long now, bool decode, char **jws,
	                 char **decoded, jwtcred_error *err);
	/*
	 * What jwtcred check reports for profile p: the key, its certificates
	 * and (online) one mint, appended in order to *out, which the caller
	 * owns (jc_findings_clear).  Returns 0 when p passes, a jwtcred_status
	 * when it does not; the reasons are JC_ERROR findings, and err holds the
	 * last one (or why a finding was lost).  Never prints.  NULL in
	 * libjwtcred, like assertion.
	 */
	int (*check)(const struct jc_profile *p, bool online, struct jc_findings *out,
	             jwtcred_error *err);
	/*
	 * The shared cache (p->shared; helper/engine/fleet.c).  NULL in a build
	 * without hiredis.  shared_drop: delete the shared entry of p (and
	 * owner, as jc_cache_key_for) if it holds token (NULL: whatever it
	 * holds); *dropped says whether it did.
	 */
	int (*shared_drop)(const struct jc_profile *p, const char *owner, const char *token,
	                   bool *dropped, jwtcred_error *err);
	/*
	 * Every shared entry p's key opens (SCAN, bounded): each() is called
	 * with it (with purge, once it is deleted).  *n is how many.
	 */
	int (*shared_scan)(const struct jc_profile *p, bool purge, jc_shared_each_fn each, void *arg,
	                   size_t *n, jwtcred_error *err);
};

/* The engine, loaded on first use; NULL (err filled) when it cannot be. */
const struct jc_engine *jc_engine(jwtcred_error *err);

#endif
