/* cmd_pnpm.c: PLACEHOLDER, replaced by the pnpm front (issue 13). */
#include "config.h"

#include "cli/cli.h"
#include "cli/msgs.h"

int jc_front_pnpm(const struct jc_cli *cli)
{
	(void)cli;
	jc_say("pnpm: not built yet");
	return JC_EXIT_FAIL;
}
