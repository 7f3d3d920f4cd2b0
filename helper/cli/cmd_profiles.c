/*
 * cmd_profiles.c: jwtcred profiles: the name of every profile of the
 * configuration (--config, JWTCRED_CONFIG, else the default path), one a
 * line, for shell completion and scripts.  Names only: no setting, no key
 * path, nothing secret.
 */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"

int jc_front_profiles(const struct jc_cli *cli)
{
	struct jc_cli all = *cli;
	struct jwtcred_config *cfg = NULL;
	int status;
	size_t i, j;

	all.profile = NULL; /* JWTCRED_PROFILE does not filter the list */
	if ((status = jc_cli_config(&all, &cfg)) != JC_EXIT_OK)
		return status;
	/* in the file's order: a broken profile (conf.h) is still a name to complete */
	for (i = 0; i <= cfg->nprofiles; i++) {
		for (j = 0; j < cfg->nbroken; j++)
			if (cfg->broken[j].good_before == i)
				printf("%s\n", cfg->broken[j].name);
		if (i < cfg->nprofiles)
			printf("%s\n", cfg->profiles[i].name);
	}
	if (fflush(stdout) != 0) {
		jc_say("cannot write to standard output");
		status = JC_EXIT_FAIL;
	}
	jc_conf_free(cfg);
	return status;
}
