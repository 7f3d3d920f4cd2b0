/*
 * cmd_purge.c: jwtcred purge [--revoke]: remove cached tokens (--profile:
 * that profile's only); --revoke first revokes each at the server.
 */
#include "config.h"

#include <string.h>

#include "cli/cli.h"
#include "cli/entries.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "core/engine.h"
#include "core/trace.h"

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

	if (cli->revoke && jc_cli_config(cli, &ctx.cfg) != JC_EXIT_OK)
		return JC_EXIT_FAIL;
	status = jc_each_entry(purge_entry, &ctx);
	if (status == JC_EXIT_OK && jc_tracing())
		jc_trace("removed %u cache entr%s", ctx.removed, ctx.removed == 1 ? "y" : "ies");
	jc_conf_free(ctx.cfg);
	return status;
}
