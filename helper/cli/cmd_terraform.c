/* cmd_terraform.c: PLACEHOLDER, replaced by the terraform front (issue 13). */
#include "config.h"

#include "cli/cli.h"
#include "cli/msgs.h"

int jc_front_terraform(const struct jc_cli *cli)
{
	(void)cli;
	jc_say("terraform: not built yet");
	return JC_EXIT_FAIL;
}
