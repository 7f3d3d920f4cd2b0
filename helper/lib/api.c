/*
 * api.c: the public libjwtcred functions (jwtcred.h), thin wrappers over
 * the engine modules.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#ifdef HAVE_SYS_SINGLE_THREADED_H
#include <sys/single_threaded.h>
#endif

#include "core/allow.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/clock.h"
#include "core/fail.h"
#include "core/refresh.h"
#include "core/singleflight.h"
#include "core/trace.h"

/*
 * A token owns all it answers with, so it outlives the configuration it
 * came from: its expiry is fixed when it is got, and its profile is
 * remembered by name, to be found again in the configuration that
 * jwtcred_token_invalidate() is given.
 */
struct jwtcred_token {
	struct jc_entry entry;
	char *profile;   /* the profile's name */
	time_t expiry;   /* jc_entry_deadline() under the profile's settings when got */
	time_t refresh;  /* jc_refresh_point() then; 0: never refreshed ahead */
};

const char *jwtcred_strerror(int status)
{
	switch (status) {
	case JWTCRED_OK: return "success";
	case JWTCRED_E_CONFIG: return "the configuration is invalid";
	case JWTCRED_E_NOPROFILE: return "no matching profile";
	case JWTCRED_E_KEY: return "the private key cannot be used";
	case JWTCRED_E_SIGN: return "signing the assertion failed";
	case JWTCRED_E_NETWORK: return "the token endpoint cannot be reached";
	case JWTCRED_E_DENIED: return "the token endpoint refused the assertion";
	case JWTCRED_E_RESPONSE: return "the token endpoint's answer is not a usable token";
	case JWTCRED_E_CACHE: return "the token cache cannot be used safely";
	case JWTCRED_E_BUSY: return "another process is still minting the token";
	case JWTCRED_E_NOMEM: return "out of memory";
	case JWTCRED_E_INPUT: return "malformed or oversized input";
	case JWTCRED_E_SYSTEM: return "a system call failed";
	case JWTCRED_E_NOTFOUND: return "nothing cached";
	case JWTCRED_E_USAGE: return "invalid argument";
	default: return "unknown error";
	}
}

const char *jwtcred_version(void)
{
	return PACKAGE_VERSION;
}

int jwtcred_config_load(jwtcred_config **cfg, const char *path, jwtcred_error *err)
{
	char *def = NULL;
	int rc;

	if (!cfg)
		return jc_fail(err, JWTCRED_E_USAGE, "jwtcred_config_load: cfg is NULL");
	*cfg = NULL;
	if (!path && !(path = def = jc_conf_default_path()))
		return jc_fail(err, JWTCRED_E_CONFIG, "no configuration path: set HOME or JWTCRED_CONFIG");
	rc = jc_conf_load(path, cfg, err);
	free(def);
	return rc;
}

void jwtcred_config_free(jwtcred_config *cfg)
{
	jc_conf_free(cfg);
}

/*
 * A library forks behind its host's back only when asked to: by the host
 * (jwtcred_config_set_refresh_ahead), or by a profile that sets
 * refresh_ahead itself.
 */
static bool refreshes_in_background(const jwtcred_config *cfg, const struct jc_profile *p)
{
	return cfg->refresh_ahead > 0 || (cfg->refresh_ahead < 0 && p->refresh_ahead_set);
}

/*
 * A fork without exec is safe only in a single-threaded process: a lock
 * another thread holds at fork time (OpenSSL's, libcurl's, the resolver's,
 * malloc's) stays held forever in the child, which would hang holding
 * the entry's lock.  Not knowing (no __libc_single_threaded): not safe.
 */
static bool may_fork(const struct jc_profile *p)
{
#ifdef HAVE_SYS_SINGLE_THREADED_H
	if (__libc_single_threaded)
		return true;
	jc_trace("profile '%s': no background refresh: this process has several threads (refresh on a thread with jwtcred_token_refresh_due() and jwtcred_token_refresh())",
	         p->name);
#else
	jc_trace("profile '%s': no background refresh: this C library cannot tell whether the process has several threads (refresh on a thread with jwtcred_token_refresh_due() and jwtcred_token_refresh())",
	         p->name);
#endif
	return false;
}

static int fetch(const jwtcred_config *cfg, const struct jc_profile *p, unsigned flags,
                 jwtcred_token **tok, jwtcred_error *err)
{
	jwtcred_token *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	if ((rc = jc_token_fetch(p, flags, &t->entry, err))) {
		free(t);
		return rc;
	}
	if (!(t->profile = strdup(p->name))) {
		jwtcred_token_free(t);
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	}
	t->expiry = (time_t)jc_entry_deadline(&t->entry, p);
	t->refresh = (time_t)jc_refresh_point(&t->entry, p);
	if (refreshes_in_background(cfg, p) && jc_refresh_due(&t->entry, p, jc_now()) && may_fork(p))
		jc_refresh_start(p, flags, &t->entry, false);
	*tok = t;
	return JWTCRED_OK;
}

int jwtcred_token_get(jwtcred_config *cfg, const char *profile, unsigned flags,
                      jwtcred_token **tok, jwtcred_error *err)
{
	const struct jc_profile *p;
	int rc;

	if (!tok)
		return jc_fail(err, JWTCRED_E_USAGE, "jwtcred_token_get: tok is NULL");
	*tok = NULL;
	if (!cfg)
		return jc_fail(err, JWTCRED_E_USAGE, "jwtcred_token_get: cfg is NULL");
	if ((rc = jc_conf_profile(cfg, profile, &p, err)))
		return rc;
	return fetch(cfg, p, flags, tok, err);
}

int jwtcred_token_for_url(jwtcred_config *cfg, const char *url, unsigned flags,
                          jwtcred_token **tok, jwtcred_error *err)
{
	const struct jc_profile *p;
	struct jc_request req;
	int rc;

	if (!tok)
		return jc_fail(err, JWTCRED_E_USAGE, "jwtcred_token_for_url: tok is NULL");
	*tok = NULL;
	if (!cfg || !url)
		return jc_fail(err, JWTCRED_E_USAGE, "jwtcred_token_for_url: cfg or url is NULL");
	if (jc_request_from_url(url, &req) != 0)
		return jc_fail(err, JWTCRED_E_INPUT, "not an absolute URL with a valid host");
	rc = jc_allowed_lookup(cfg, NULL, &req, &p, err);
	jc_request_clear(&req);
	if (rc == JWTCRED_E_NOPROFILE && !cfg->nbroken)
		return jc_fail(err, rc, "no profile in '%s' lists this URL in its urls", cfg->path);
	if (rc)
		return rc; /* a broken profile's error, or none allows it naming the broken ones */
	return fetch(cfg, p, flags, tok, err);
}

const char *jwtcred_token_value(const jwtcred_token *tok)
{
	return tok ? tok->entry.token : NULL;
}

time_t jwtcred_token_expiry(const jwtcred_token *tok)
{
	return tok ? tok->expiry : 0;
}

const char *jwtcred_token_instance_url(const jwtcred_token *tok)
{
	return tok ? tok->entry.instance_url : NULL;
}

/*
 * The cache entry to drop is the one cfg's profile of that name uses now.
 * If its settings changed since tok was got, that entry does not hold tok
 * and is left alone (jc_token_drop compares the token).
 */
int jwtcred_token_invalidate(jwtcred_config *cfg, const jwtcred_token *tok, jwtcred_error *err)
{
	const struct jc_profile *p;
	bool dropped;

	if (!cfg || !tok)
		return jc_fail(err, JWTCRED_E_USAGE, "jwtcred_token_invalidate: cfg or tok is NULL");
	if (jc_conf_profile(cfg, tok->profile, &p, NULL) != JWTCRED_OK)
		return jc_fail(err, JWTCRED_E_NOPROFILE,
		               "the token is of profile '%s', which '%s' does not have", tok->profile,
		               cfg->path);
	return jc_token_drop(p, tok->entry.token, &dropped, err);
}

int jwtcred_config_set_refresh_ahead(jwtcred_config *cfg, int on)
{
	if (!cfg)
		return jc_fail(NULL, JWTCRED_E_USAGE, "jwtcred_config_set_refresh_ahead: cfg is NULL");
	cfg->refresh_ahead = on ? 1 : 0;
	return JWTCRED_OK;
}

time_t jwtcred_token_refresh_time(const jwtcred_token *tok)
{
	return tok ? tok->refresh : 0;
}

int jwtcred_token_refresh_due(const jwtcred_token *tok)
{
	time_t now = jc_now();

	return tok && tok->refresh && now >= tok->refresh && now < tok->expiry;
}

int jwtcred_token_refresh(jwtcred_config *cfg, const jwtcred_token *tok, jwtcred_error *err)
{
	const struct jc_profile *p;
	enum jc_refresh_outcome done;

	if (!cfg || !tok)
		return jc_fail(err, JWTCRED_E_USAGE, "jwtcred_token_refresh: cfg or tok is NULL");
	if (jc_conf_profile(cfg, tok->profile, &p, NULL) != JWTCRED_OK)
		return jc_fail(err, JWTCRED_E_NOPROFILE,
		               "the token is of profile '%s', which '%s' does not have", tok->profile,
		               cfg->path);
	return jc_token_refresh(p, &tok->entry, 0, &done, err);
}

void jwtcred_token_free(jwtcred_token *tok)
{
	if (!tok)
		return;
	jc_entry_clear(&tok->entry);
	free(tok->profile);
	free(tok);
}

int jwtcred_curl_setup(void *curl, const jwtcred_token *tok, jwtcred_error *err)
{
	if (!curl || !tok)
		return jc_fail(err, JWTCRED_E_USAGE, "jwtcred_curl_setup: curl or tok is NULL");
	if (curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, tok->entry.token) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER) != CURLE_OK)
		return jc_fail(err, JWTCRED_E_USAGE, "libcurl refused the bearer token options (libcurl >= 7.61 needed)");
	return JWTCRED_OK;
}
