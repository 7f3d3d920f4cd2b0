/*
 * cmd_status.c: jwtcred status: the cached tokens, never the tokens
 * themselves; --profile filters the listing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/entries.h"
#include "cli/msgs.h"
#include "core/clock.h"

#define ROW "%-16s %-28s %-20s %-20s %s\n"

static int print_entry(int dirfd, const char *name, struct jc_entry *e, void *arg)
{
	const struct jc_cli *cli = arg;
	char issued[32], expires[32], left[32];
	long long now = jc_now(), rem;

	(void)dirfd;
	if (cli->profile && (!e->profile || strcmp(cli->profile, e->profile) != 0))
		return 0;
	if (!e->token) {
		printf(ROW, "?", "(damaged or foreign)", "-", "-", name);
		return 0;
	}
	jc_rfc3339(e->issued, issued, sizeof(issued));
	jc_rfc3339(e->expires, expires, sizeof(expires));
	rem = e->expires - now;
	if (rem <= 0)
		snprintf(left, sizeof(left), "expired");
	else
		snprintf(left, sizeof(left), "%lldm%02llds", rem / 60, rem % 60);
	printf(ROW, e->profile, e->subject, issued, expires, left);
	return 0;
}

int jc_front_status(const struct jc_cli *cli)
{
	char *dirpath = NULL;
	jwtcred_error err;
	int dirfd;

	/* a broken cache is an error, not an empty table */
	if (jc_cache_open(&dirfd, &dirpath, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	close(dirfd);
	free(dirpath);
	printf(ROW, "PROFILE", "SUBJECT", "ISSUED", "EXPIRES", "REMAINING");
	return jc_each_entry(print_entry, (void *)cli) == JC_EXIT_OK && fflush(stdout) == 0
	               ? JC_EXIT_OK
	               : JC_EXIT_FAIL;
}
