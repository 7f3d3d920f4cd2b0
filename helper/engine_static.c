/*
 * engine_static.c: libjwtcred links the engine directly.
 */
#include "config.h"

#include "curlurl.h"
#include "engine.h"
#include "exchange.h"
#include "mint.h"

static const struct jc_engine engine = {
	JC_ENGINE_ABI, jc_mint, jc_revoke, jc_curl_url, NULL, NULL,
};

const struct jc_engine *jc_engine(jwtcred_error *err)
{
	(void)err;
	return &engine;
}
