/*
 * cmd_check.c: jwtcred check [--online]: the configuration, and for each
 * profile (or the one --profile names) its key, certificates and, online,
 * one mint.  The engine finds; this prints: what passed on stdout, each
 * problem as one line on stderr.
 */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "core/engine.h"
#include "core/findings.h"

/* Check one profile and print what was found; returns an exit status. */
static int check_profile(const struct jc_cli *cli, const struct jc_engine *engine,
                         const struct jc_profile *p)
{
	struct jc_findings f = { 0 };
	jwtcred_error err;
	size_t i;
	int rc;

	rc = engine->check(p, cli->online, &f, &err);
	for (i = 0; i < f.n; i++) {
		if (f.item[i].level == JC_INFO)
			printf("%s\n", f.item[i].text);
		else if (f.item[i].level == JC_WARNING)
			jc_say_warning(f.item[i].text);
		else
			jc_say("%s", f.item[i].text);
	}
	if (f.dropped)
		jc_say("%s", err.text);
	jc_findings_clear(&f);
	return rc == 0 ? JC_EXIT_OK : JC_EXIT_FAIL;
}

/* The broken profiles' errors: each fails the check (conf.h, struct jc_broken). */
static int check_broken(const struct jwtcred_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nbroken; i++) {
		jc_say("%s", cfg->broken[i].error);
		if (!cfg->broken[i].urls_known)
			jc_say("profile '%s': its urls could not be read: no URL is matched to it until it is fixed",
			       cfg->broken[i].name);
	}
	return cfg->nbroken ? JC_EXIT_FAIL : JC_EXIT_OK;
}

int jc_front_check(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_engine *engine;
	const struct jc_profile *p;
	jwtcred_error err;
	int status = JC_EXIT_FAIL;
	size_t i;

	if (!(engine = jc_engine(&err))) {
		jc_say("%s", err.text);
		goto out;
	}
	if (jc_cli_config(cli, &cfg) != JC_EXIT_OK)
		goto out;
	printf("configuration '%s': %zu profile%s", cfg->path, cfg->nprofiles + cfg->nbroken,
	       cfg->nprofiles + cfg->nbroken == 1 ? "" : "s");
	if (cfg->nbroken)
		printf(", %zu broken", cfg->nbroken);
	printf("\n");
	if (cli->profile) {
		if (jc_conf_profile(cfg, cli->profile, &p, &err) != 0)
			jc_say("%s", err.text);
		else
			status = check_profile(cli, engine, p);
	} else {
		status = check_broken(cfg);
		for (i = 0; i < cfg->nprofiles; i++)
			if (check_profile(cli, engine, &cfg->profiles[i]) != JC_EXIT_OK)
				status = JC_EXIT_FAIL;
	}
out:
	fflush(stdout);
	jc_conf_free(cfg);
	return status;
}
