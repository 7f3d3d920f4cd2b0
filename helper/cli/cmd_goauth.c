/* cmd_goauth.c: PLACEHOLDER, replaced by the goauth front (issue 13). */
#include "config.h"

#include "cli/cli.h"
#include "cli/msgs.h"

int jc_front_goauth(const struct jc_cli *cli)
{
	(void)cli;
	jc_say("goauth: not built yet");
	return JC_EXIT_FAIL;
}
