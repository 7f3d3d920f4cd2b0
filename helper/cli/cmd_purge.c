/*
 * cmd_purge.c: jwtcred purge [--revoke]: remove cached tokens (--profile:
 * that profile's only); --revoke first revokes each at the server.  A
 * --profile that is neither in the configuration nor in the cache is a
 * mistake to say (a profile since removed still has its entries purged).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/entries.h"
#include "cli/msgs.h"
#include "cli/shared.h"
#include "cli/profile.h"
#include "core/engine.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/trace.h"

struct purge_ctx {
	const struct jc_cli *cli;
	struct jwtcred_config *cfg; /* with --revoke; else when it loads (lock windows) */
	char *dirpath;              /* the cache directory, for the lock's messages */
	unsigned removed;
	unsigned matched;           /* entries of --profile's name, removed or not */
};

#define DEFAULT_TIMEOUT 30 /* seconds: the timeout setting's default */

/* How long a mint of e's profile may hold the entry's lock (singleflight.c's window). */
static long lock_window(const struct purge_ctx *ctx, const struct jc_entry *e)
{
	const struct jc_profile *p = NULL;
	jwtcred_error err;

	if (ctx->cfg && e->profile && jc_conf_profile(ctx->cfg, e->profile, &p, &err) == 0)
		return jc_lock_window_ms(p);
	return DEFAULT_TIMEOUT * 1000L + JC_LOCK_SLACK_MS;
}

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

/*
 * Under the entry's lock, so that no mint or background refresh in flight
 * writes the entry again after purge returns (one that takes the lock
 * later reads again, finds nothing and mints nothing).  The entry as it
 * is under the lock is the one revoked; a token it replaced meanwhile
 * (a refresh that finished while purge waited) is revoked too.
 */
static int purge_locked(struct purge_ctx *ctx, int dirfd, const char *name, struct jc_entry *seen)
{
	struct jc_entry now = { 0 }, *e = seen;
	jwtcred_error err;
	int rc = 0;

	if (jc_cache_read(dirfd, name, NULL, &now) == 0)
		e = &now;
	if (ctx->cli->revoke && e != seen && seen->token && now.token &&
	    !jc_secret_equal(seen->token, now.token) && revoke_entry(ctx, name, seen) != 0)
		rc = 1;
	if (rc == 0 && ctx->cli->revoke && e->token && revoke_entry(ctx, name, e) != 0)
		rc = 1;
	if (rc == 0 && jc_cache_remove(dirfd, name, &err) != 0) {
		jc_say("%s", err.text);
		rc = 1;
	}
	jc_entry_clear(&now);
	return rc;
}

static int purge_entry(int dirfd, const char *name, struct jc_entry *e, void *arg)
{
	struct purge_ctx *ctx = arg;
	jwtcred_error err;
	int lockfd = -1, rc;

	if (ctx->cli->profile && (!e->profile || strcmp(e->profile, ctx->cli->profile) != 0))
		return 0;
	ctx->matched++;
	if (jc_cache_lock(dirfd, ctx->dirpath, name, lock_window(ctx, e), &lockfd, &err) != 0) {
		jc_say("%s; cache entry %s kept", err.text, name);
		return 1;
	}
	rc = purge_locked(ctx, dirfd, name, e);
	/* the lock file stays: unlinking it under a waiting process would split the lock */
	jc_cache_unlock(lockfd);
	if (rc == 0)
		ctx->removed++;
	return rc;
}

int jc_front_purge(const struct jc_cli *cli)
{
	struct purge_ctx ctx = { cli, NULL, NULL, 0, 0 };
	const struct jc_profile *p;
	jwtcred_error err, cfgerr;
	char *def = NULL;
	const char *path = cli->config_path;
	int status, dirfd;

	if (cli->shared)
		return jc_purge_shared(cli);
	if (cli->revoke && jc_cli_config(cli, &ctx.cfg) != JC_EXIT_OK)
		return JC_EXIT_FAIL;
	/* without --revoke the configuration only sizes the lock windows: purge works without one */
	jc_fail(&cfgerr, JWTCRED_E_CONFIG, "no configuration: set HOME, JWTCRED_CONFIG or pass --config FILE");
	if (!cli->revoke && (path || (path = def = jc_conf_default_path())) &&
	    jc_conf_load(path, &ctx.cfg, &cfgerr) != 0)
		ctx.cfg = NULL;
	free(def);
	if (jc_cache_open(&dirfd, &ctx.dirpath, &err) != 0) {
		jc_say("%s", err.text);
		jc_conf_free(ctx.cfg);
		return JC_EXIT_FAIL;
	}
	close(dirfd);
	status = jc_each_entry(purge_entry, &ctx);
	free(ctx.dirpath);
	/* nothing of that name: say why, whether the configuration lacks it or cannot tell */
	if (status == JC_EXIT_OK && cli->profile && !ctx.matched &&
	    (!ctx.cfg || jc_conf_profile(ctx.cfg, cli->profile, &p, &cfgerr) != 0)) {
		jc_say("%s", cfgerr.text);
		status = JC_EXIT_FAIL;
	}
	if (status == JC_EXIT_OK && jc_tracing())
		jc_trace("removed %u cache entr%s", ctx.removed, ctx.removed == 1 ? "y" : "ies");
	jc_conf_free(ctx.cfg);
	return status;
}
