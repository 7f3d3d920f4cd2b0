/*
 * engine_static.c: libjwtcred links the engine directly.
 */
#include "config.h"

#include "engine/curlurl.h"
#include "core/engine.h"
#include "engine/exchange.h"
#include "engine/mint.h"

static const struct jc_engine engine = {
	JC_ENGINE_ABI, jc_mint, jc_revoke, jc_curl_url, NULL, NULL,
};

const struct jc_engine *jc_engine(jwtcred_error *err)
{
	(void)err;
	return &engine;
}
