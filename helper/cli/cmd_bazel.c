/* cmd_bazel.c: PLACEHOLDER, replaced by the bazel front (issue 13). */
#include "config.h"

#include "cli/cli.h"
#include "cli/msgs.h"

int jc_front_bazel(const struct jc_cli *cli)
{
	(void)cli;
	jc_say("bazel: not built yet");
	return JC_EXIT_FAIL;
}
