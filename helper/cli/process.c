/*
 * process.c: the process settings jwtcred starts with, and gives back to
 * the commands it runs.
 */
#include "config.h"

#include <signal.h>
#include <sys/stat.h>

#include "cli/process.h"
#include "core/harden.h"

mode_t jc_harden(void)
{
	mode_t caller = umask(077);

	jc_harden_dumps();
	signal(SIGXFSZ, SIG_IGN);
	return caller;
}

void jc_child_defaults(const struct jc_cli *cli)
{
	umask(cli->umask);
	signal(SIGXFSZ, SIG_DFL);
}
