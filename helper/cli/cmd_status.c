/*
 * cmd_status.c: jwtcred status: the cached tokens, never the tokens
 * themselves; --profile filters the listing.  With the configuration at
 * hand, each entry also says when it will be refreshed ahead of expiry
 * (REFRESH) and how its last background refresh went (LAST REFRESH).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/entries.h"
#include "cli/msgs.h"
#include "cli/shared.h"
#include "core/clock.h"
#include "core/refresh.h"
#include "core/trace.h"

#define ROW "%-16s %-28s %-20s %-20s %-20s %-29s %s\n"

struct listing {
	const struct jc_cli *cli;
	struct jwtcred_config *cfg; /* or NULL: REFRESH is "?" */
};

/*
 * When e will be refreshed: a time, "due", "backing off" (due, but its
 * last refresh failed or never ended less than a minute ago: none is
 * started before then), "off", or "?" when no profile of cfg made it.
 */
static void refresh_at(const struct listing *l, const char *name, const struct jc_entry *e,
                       const struct jc_refresh_record *r, long long now, char *buf, size_t len)
{
	const struct jc_profile *p = NULL;
	long long at;
	bool same = false;

	snprintf(buf, len, "?");
	if (!l->cfg || jc_conf_profile(l->cfg, e->profile, &p, NULL) != 0 ||
	    jc_cache_entry_matches(p, name, e, &same) != 0 || !same)
		return;
	if (!p->cache || !(at = jc_refresh_point(e, p)))
		snprintf(buf, len, "off");
	else if (!jc_entry_fresh(e, p, now))
		snprintf(buf, len, "-");
	else if (at <= now && r && jc_refresh_backing_off(r, e, now))
		snprintf(buf, len, "backing off");
	else if (at <= now)
		snprintf(buf, len, "due");
	else
		jc_rfc3339(at, buf, len);
}

/*
 * Is the entry's lock held (a refresh, or a mint, at work)?  Never creates
 * the lock file; a refresh record that never finished and whose lock is
 * free was killed.
 */
static bool lock_held(int dirfd, const char *name)
{
	char lockname[JC_ENTRY_NAME + 8];
	bool held = false;
	int fd;

	snprintf(lockname, sizeof(lockname), "%s.lock", name);
	if ((fd = openat(dirfd, lockname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		held = errno == EWOULDBLOCK;
	close(fd); /* and with it the lock, when this took it */
	return held;
}

/* The last background refresh: "-", or its start and how it ended. */
static void last_refresh(int dirfd, const char *name, const struct jc_refresh_record *r,
                         char *buf, size_t len)
{
	char at[32];

	snprintf(buf, len, "-");
	if (!r)
		return;
	jc_rfc3339(r->started, at, sizeof(at));
	snprintf(buf, len, "%s %s", at,
	         r->finished ? (r->status == JWTCRED_OK ? "ok" : "failed")
	                     : lock_held(dirfd, name) ? "running" : "killed");
}

static int print_entry(int dirfd, const char *name, struct jc_entry *e, void *arg)
{
	const struct listing *l = arg;
	char issued[32], expires[32], left[32], refresh[32], last[48];
	struct jc_refresh_record r;
	long long now = jc_now(), rem;
	bool have;

	if (l->cli->profile && (!e->profile || strcmp(l->cli->profile, e->profile) != 0))
		return 0;
	if (!e->token) {
		printf(ROW, "?", "(damaged or foreign)", "-", "-", "-", "-", name);
		return 0;
	}
	jc_rfc3339(e->issued, issued, sizeof(issued));
	jc_rfc3339(e->expires, expires, sizeof(expires));
	have = jc_refresh_record_read(dirfd, name, e->params, &r) == 0;
	refresh_at(l, name, e, have ? &r : NULL, now, refresh, sizeof(refresh));
	last_refresh(dirfd, name, have ? &r : NULL, last, sizeof(last));
	rem = e->expires - now;
	if (rem <= 0)
		snprintf(left, sizeof(left), "expired");
	else
		snprintf(left, sizeof(left), "%lldm%02llds", rem / 60, rem % 60);
	printf(ROW, e->profile, e->subject, issued, expires, refresh, last, left);
	return 0;
}

int jc_front_status(const struct jc_cli *cli)
{
	struct listing l = { cli, NULL };
	char *dirpath = NULL, *def = NULL;
	const char *path = cli->config_path;
	jwtcred_error err;
	int dirfd, status;

	if (cli->shared)
		return jc_status_shared(cli);
	/* a broken cache is an error, not an empty table */
	if (jc_cache_open(&dirfd, &dirpath, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	close(dirfd);
	free(dirpath);
	/* the listing does not need the configuration: without one, REFRESH says "?" */
	if ((path || (path = def = jc_conf_default_path())) && jc_conf_load(path, &l.cfg, &err) != 0)
		jc_trace("%s", err.text);
	free(def);
	printf(ROW, "PROFILE", "SUBJECT", "ISSUED", "EXPIRES", "REFRESH", "LAST REFRESH", "REMAINING");
	status = jc_each_entry(print_entry, &l) == JC_EXIT_OK && fflush(stdout) == 0 ? JC_EXIT_OK
	                                                                           : JC_EXIT_FAIL;
	jc_conf_free(l.cfg);
	return status;
}
