/*
 * cmd_assertion.c: jwtcred assertion [--decode]: the signed assertion a
 * profile sends, or its header and claims.  The engine signs; this prints.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/secret.h"

int jc_front_assertion(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_engine *engine;
	const struct jc_profile *p;
	char *jws = NULL, *decoded = NULL;
	jwtcred_error err;
	int status = JC_EXIT_FAIL;

	if (!(engine = jc_engine(&err))) {
		jc_say("%s", err.text);
		goto out;
	}
	if (jc_cli_profile(cli, &cfg, &p) != JC_EXIT_OK)
		goto out;
	if (engine->assertion(p, jc_now(), cli->decode, &jws, &decoded, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	if (printf("%s\n", decoded ? decoded : jws) >= 0 && fflush(stdout) == 0)
		status = JC_EXIT_OK;
out:
	jc_free_secret(jws);
	free(decoded);
	jc_conf_free(cfg);
	return status;
}
