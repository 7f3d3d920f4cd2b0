/* cmd_cargo.c: PLACEHOLDER, replaced by the cargo front (issue 13). */
#include "config.h"

#include "cli/cli.h"
#include "cli/msgs.h"

int jc_front_cargo(const struct jc_cli *cli)
{
	(void)cli;
	jc_say("cargo: not built yet");
	return JC_EXIT_FAIL;
}
