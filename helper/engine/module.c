/*
 * module.c: the engine module's table (jwtcred-mint.so exports only
 * this symbol).  The module's references to the core (jc_fail, jc_trace,
 * jc_now...) resolve to the program that loaded it.
 */
#include "config.h"

#include "engine/curlurl.h"
#include "core/engine.h"
#include "engine/exchange.h"
#include "cli/cli.h"
#include "engine/mint.h"

const struct jc_engine jc_engine_ops;

const struct jc_engine jc_engine_ops = {
	JC_ENGINE_ABI, jc_mint, jc_revoke, jc_curl_url, jc_front_assertion, jc_front_check,
};
