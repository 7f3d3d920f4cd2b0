/*
 * engine_static.c: libjwtcred links the engine directly.  The entries
 * only the program's commands use (assertion, check; engine.h) are NULL:
 * api.c has no use for them, and leaving them out keeps jwtcred check's
 * code out of the library.
 */
#include "config.h"

#include "engine/curlurl.h"
#include "core/engine.h"
#include "engine/exchange.h"
#include "engine/mint.h"

static const struct jc_engine engine = {
	JC_ENGINE_ABI, jc_mint, jc_revoke, jc_curl_url, NULL, NULL, NULL,
};

const struct jc_engine *jc_engine(jwtcred_error *err)
{
	(void)err;
	return &engine;
}
