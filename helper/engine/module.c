/*
 * module.c: the engine module's table (jwtcred-mint.so exports only
 * this symbol), and the glue its entries need.  The module's references to
 * the core (jc_fail, jc_trace, jc_now, jc_findings_add...) resolve to the
 * program that loaded it.
 */
#include "config.h"

#include <stdlib.h>

#include "core/engine.h"
#include "core/secret.h"
#include "engine/assertion.h"
#include "engine/check.h"
#include "engine/curlurl.h"
#include "engine/exchange.h"
#include "engine/jwt.h"
#include "engine/keygen.h"
#include "engine/mint.h"

const struct jc_engine jc_engine_ops;

/* jwtcred assertion [--decode]: the contract is engine.h's */
static int assertion(const struct jc_profile *p, long long now, bool decode, char **jws,
                     char **decoded, jwtcred_error *err)
{
	int rc;

	*jws = NULL;
	*decoded = NULL;
	if ((rc = jc_assertion_make(p, (time_t)now, jws, err)) != 0)
		goto out;
	if (decode)
		rc = jc_assertion_decode(*jws, decoded, err);
out:
	if (rc != 0) {
		jc_free_secret(*jws);
		*jws = NULL;
		free(*decoded);
		*decoded = NULL;
	}
	return rc;
}

const struct jc_engine jc_engine_ops = {
	JC_ENGINE_ABI, jc_mint, jc_revoke, jc_curl_url, assertion, jc_check_profile, jc_keygen,
};
