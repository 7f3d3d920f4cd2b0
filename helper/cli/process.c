/*
 * process.c: the process settings jwtcred starts with, and gives back to
 * the commands it runs.
 */
#include "config.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "cli/process.h"

mode_t jc_harden(void)
{
	struct rlimit no_core = { 0, 0 };
	mode_t caller = umask(077);

	setrlimit(RLIMIT_CORE, &no_core);
	signal(SIGXFSZ, SIG_IGN);
#if defined(HAVE_PRCTL) && defined(PR_SET_DUMPABLE)
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	return caller;
}

void jc_child_defaults(const struct jc_cli *cli)
{
	umask(cli->umask);
	signal(SIGXFSZ, SIG_DFL);
}
