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

#include "core/conf.h"
#include "core/answer.h"
#include "core/findings.h"
#include "core/urlmatch.h"

#define JC_ENGINE_ABI 6 /* 6: keygen; 5: mint takes struct jc_mint_in; struct jc_profile and jc_provider_def grew */

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
	 * jwtcred init: a new key of type JC_KEYGEN_RSA (2048 bits) or
	 * JC_KEYGEN_EC (P-256) in key_path (PEM PKCS#8, 0600) and its
	 * self-signed certificate, CN subject_cn, valid `days` days, in
	 * cert_path; neither file may exist, and on failure neither is left
	 * (engine/keygen.h).  NULL in libjwtcred, like assertion.
	 */
#define JC_KEYGEN_RSA 0
#define JC_KEYGEN_EC 1
	int (*keygen)(const char *key_path, const char *cert_path, int type, int days,
	              const char *subject_cn, jwtcred_error *err);
};

/* The engine, loaded on first use; NULL (err filled) when it cannot be. */
const struct jc_engine *jc_engine(jwtcred_error *err);

#endif
