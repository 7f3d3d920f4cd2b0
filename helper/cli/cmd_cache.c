/*
 * cmd_cache.c: jwtcred status | purge.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/singleflight.h"
#include "core/trace.h"

static bool is_entry_name(const char *n)
{
	size_t i;

	for (i = 0; n[i]; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return false;
	return i == 16;
}

/* Visit every cache entry; fn returns non-zero to report a failure. */
static int each_entry(int (*fn)(int dirfd, const char *name, struct jc_entry *e, void *arg),
                      void *arg)
{
	char *dirpath = NULL;
	jwtcred_error err;
	struct dirent *d;
	struct jc_entry e;
	DIR *dir;
	int dirfd, dupfd, status = JC_EXIT_OK;

	if (jc_cache_open(&dirfd, &dirpath, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	free(dirpath);
	if ((dupfd = dup(dirfd)) < 0 || !(dir = fdopendir(dupfd))) {
		jc_say("cannot list the cache directory: %s", strerror(errno));
		close(dirfd);
		return JC_EXIT_FAIL;
	}
	while ((d = readdir(dir))) {
		if (!is_entry_name(d->d_name))
			continue;
		if (jc_cache_read(dirfd, d->d_name, NULL, &e) != 0)
			memset(&e, 0, sizeof(e)); /* damaged or foreign: still listed/purged */
		if (fn(dirfd, d->d_name, &e, arg) != 0)
			status = JC_EXIT_FAIL;
		jc_entry_clear(&e);
	}
	closedir(dir);
	close(dirfd);
	return status;
}

static int print_entry(int dirfd, const char *name, struct jc_entry *e, void *arg)
{
	const struct jc_cli *cli = arg;
	char issued[32], expires[32], left[32];
	long long now = jc_now(), rem;

	(void)dirfd;
	if (cli->profile && (!e->profile || strcmp(cli->profile, e->profile) != 0))
		return 0;
	if (!e->token) {
		printf("%-16s %-28s %-20s %-20s %s\n", "?", "(damaged or foreign)", "-", "-", name);
		return 0;
	}
	jc_rfc3339(e->issued, issued, sizeof(issued));
	jc_rfc3339(e->expires, expires, sizeof(expires));
	rem = e->expires - now;
	if (rem <= 0)
		snprintf(left, sizeof(left), "expired");
	else
		snprintf(left, sizeof(left), "%lldm%02llds", rem / 60, rem % 60);
	printf("%-16s %-28s %-20s %-20s %s\n", e->profile, e->subject, issued, expires, left);
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
	printf("%-16s %-28s %-20s %-20s %s\n", "PROFILE", "SUBJECT", "ISSUED", "EXPIRES", "REMAINING");
	return each_entry(print_entry, (void *)cli) == 0 && fflush(stdout) == 0 ? JC_EXIT_OK
	                                                                        : JC_EXIT_FAIL;
}

struct purge_ctx {
	const struct jc_cli *cli;
	struct jwtcred_config *cfg; /* only with --revoke */
	unsigned removed;
};

/*
 * Revoke e's token with the profile of its name, but only when e was minted
 * with that profile's settings as they are: a profile of the same name in
 * another configuration has another revoke_url, which must not see it.
 */
static int revoke_entry(struct purge_ctx *ctx, const char *name, struct jc_entry *e)
{
	const struct jc_profile *p = NULL;
	const struct jc_engine *engine;
	jwtcred_error err;
	bool same;

	if (jc_conf_profile(ctx->cfg, e->profile, &p, &err) != 0) {
		jc_say("cannot revoke the token of profile '%s': it is no longer in the configuration; entry kept",
		       e->profile);
		return 1;
	}
	if (jc_cache_entry_matches(p, name, e, &same) != 0) {
		jc_say("out of memory");
		return 1;
	}
	if (!same) {
		jc_say("cannot revoke cache entry %s of profile '%s': it was minted with other settings than '%s' gives (another configuration, or the profile changed); entry kept: revoke it with the configuration it came from, or remove it with jwtcred purge",
		       name, e->profile, ctx->cfg->path);
		return 1;
	}
	if (!(engine = jc_engine(&err)) || engine->revoke(p, e->token, &err) != 0) {
		jc_say("%s; entry kept (jwtcred purge without --revoke removes it)", err.text);
		return 1;
	}
	return 0;
}

static int purge_entry(int dirfd, const char *name, struct jc_entry *e, void *arg)
{
	struct purge_ctx *ctx = arg;
	jwtcred_error err;

	if (ctx->cli->profile && (!e->profile || strcmp(e->profile, ctx->cli->profile) != 0))
		return 0;
	if (ctx->cli->revoke && e->token && revoke_entry(ctx, name, e) != 0)
		return 1;
	if (jc_cache_remove(dirfd, name, &err) != 0) {
		jc_say("%s", err.text);
		return 1;
	}
	/* the lock file stays: unlinking it under a waiting process would split the lock */
	ctx->removed++;
	return 0;
}

int jc_front_purge(const struct jc_cli *cli)
{
	struct purge_ctx ctx = { cli, NULL, 0 };
	int status;

	if (cli->revoke && jc_cli_config(cli, &ctx.cfg) != 0)
		return JC_EXIT_FAIL;
	status = each_entry(purge_entry, &ctx);
	if (status == JC_EXIT_OK && jc_tracing())
		jc_trace("removed %u cache entr%s", ctx.removed, ctx.removed == 1 ? "y" : "ies");
	jc_conf_free(ctx.cfg);
	return status;
}
