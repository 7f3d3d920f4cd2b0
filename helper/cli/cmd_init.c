/*
 * cmd_init.c: jwtcred init, a first profile by hand-held steps.
 * PLACEHOLDER: the init helper replaces this file.
 */
#include "config.h"

#include "cli/cli.h"
#include "cli/msgs.h"

int jc_front_init(const struct jc_cli *cli)
{
	(void)cli;
	jc_say("init is not built yet");
	return JC_EXIT_FAIL;
}
