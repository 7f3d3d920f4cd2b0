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

#include "core/conf.h"
#include "core/answer.h"
#include "core/urlmatch.h"

#define JC_ENGINE_ABI 3

struct jc_cli;

struct jc_engine {
	int abi; /* JC_ENGINE_ABI: a module from another build is refused */
	/* audience_first: the aud that worked last time (tried first), or NULL */
	int (*mint)(const struct jc_profile *p, const char *audience_first, struct jc_answer *out,
	            jwtcred_error *err);
	int (*revoke)(const struct jc_profile *p, const char *token, jwtcred_error *err);
	/* libcurl's reading of a URL (curlurl.h): jwtcred curl checks what curl will fetch */
	int (*curl_url)(const char *url, char **canonical, struct jc_request *req, jwtcred_error *err);
	/* the program's commands that need the engine; NULL in libjwtcred */
	int (*front_assertion)(const struct jc_cli *cli);
	int (*front_check)(const struct jc_cli *cli);
};

/* The engine, loaded on first use; NULL (err filled) when it cannot be. */
const struct jc_engine *jc_engine(jwtcred_error *err);

#endif
