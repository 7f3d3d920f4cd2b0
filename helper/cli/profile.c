/*
 * profile.c: the configuration and the profile the command line names.
 */
#include "config.h"

#include <stdlib.h>

#include "cli/msgs.h"
#include "cli/profile.h"
#include "core/clock.h"
#include "core/trace.h"

int jc_cli_config(const struct jc_cli *cli, struct jwtcred_config **cfg)
{
	const struct jc_profile *p;
	jwtcred_error err;
	char *def = NULL;
	const char *path = cli->config_path;
	int status = JC_EXIT_FAIL;
	long long t0 = jc_monotonic_ms();

	*cfg = NULL;
	if (!path && !(path = def = jc_conf_default_path())) {
		jc_say("no configuration: set HOME, JWTCRED_CONFIG or pass --config FILE");
		goto out;
	}
	jc_trace("configuration '%s'", path);
	if (jc_conf_load(path, cfg, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	/* a --profile (or JWTCRED_PROFILE, or a link's) that names no profile is a
	 * mistake to say, not "no profile allows this URL" to answer quietly */
	if (cli->profile && jc_conf_profile(*cfg, cli->profile, &p, &err) != 0) {
		jc_say("%s", err.text);
		jc_conf_free(*cfg);
		*cfg = NULL;
		goto out;
	}
	status = JC_EXIT_OK;
	jc_trace2("timing: config %lld ms", jc_monotonic_ms() - t0);
out:
	free(def);
	return status;
}

int jc_cli_profile(const struct jc_cli *cli, struct jwtcred_config **cfg,
                   const struct jc_profile **p)
{
	jwtcred_error err;

	*p = NULL;
	if (jc_cli_config(cli, cfg) != JC_EXIT_OK)
		return JC_EXIT_FAIL;
	if (jc_conf_profile(*cfg, cli->profile, p, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	jc_trace("profile '%s' from '%s' (line %d)", (*p)->name, (*cfg)->path, (*p)->line);
	return JC_EXIT_OK;
}
