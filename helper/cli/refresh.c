/*
 * refresh.c: after the answer, a refresh ahead of expiry if one is due.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/refresh.h"
#include "core/clock.h"
#include "core/refresh.h"

/* The answer is out: stdout to /dev/null, so nothing forked from here holds the caller's pipe. */
static void release_stdout(void)
{
	int fd;

	fflush(stdout);
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		return;
	/* fd 1 closed: open() gave that very descriptor, /dev/null already */
	if (fd != STDOUT_FILENO) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
}

void jc_cli_refresh_ahead(const struct jc_profile *p, unsigned flags, const struct jc_entry *e,
                          bool answered)
{
	if (!e->token || !jc_refresh_due(e, p, jc_now()))
		return;
	if (answered)
		release_stdout();
	fflush(NULL); /* nothing buffered is written twice by the forks */
	jc_refresh_start(p, flags, e, answered);
}
