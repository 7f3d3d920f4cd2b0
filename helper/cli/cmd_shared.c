/*
 * cmd_shared.c: jwtcred status --shared and purge --shared: the entries of
 * the fleet's shared cache (Redis) that this machine can open, that is
 * those of the profiles whose keys it holds (--profile: that one's).
 * status lists profile, subject and expiry, never the token; purge deletes
 * them.  The Redis work is the engine's (shared_scan): the program itself
 * links no hiredis.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/entries.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "cli/shared.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/sharedconf.h"
#include "core/trace.h"

#define ROW "%-16s %-28s %-20s %-9s %s\n"

struct shared_ctx {
	const struct jc_profile *p;
	bool purge;
	bool stopped;   /* the scan stopped at its bound */
	json_t *json;   /* --json: the entries, else NULL */
};

/* status --shared --json: e as an object of the "entries" array (never its token). */
static void add_json(struct shared_ctx *ctx, const struct jc_entry *e)
{
	long long rem = jc_entry_deadline(e, ctx->p) - jc_now();
	json_t *o = json_pack("{s:s s:s s:s}", "profile", e->profile, "subject", e->subject,
	                      "shared_cache", ctx->p->shared->url);

	if (!o)
		return;
	jc_json_set_time(o, "issued", e->issued);
	jc_json_set_time(o, "serve_until", jc_entry_deadline(e, ctx->p));
	jc_json_set_time(o, "expires", e->expires);
	json_object_set_new(o, "remaining_seconds", json_integer(rem > 0 ? rem : 0));
	json_array_append_new(ctx->json, o);
}

static void each(void *arg, const struct jc_entry *e, bool deleted)
{
	struct shared_ctx *ctx = arg;
	char expires[32], left[32];
	long long rem;

	if (!e) {
		ctx->stopped = true;
		return;
	}
	if (ctx->purge) {
		if (deleted)
			jc_trace("removed the shared entry of profile '%s' for '%s'", e->profile, e->subject);
		return;
	}
	if (ctx->json) {
		add_json(ctx, e);
		return;
	}
	jc_rfc3339(e->expires, expires, sizeof(expires));
	rem = e->expires - jc_now();
	if (rem <= 0)
		snprintf(left, sizeof(left), "expired");
	else
		snprintf(left, sizeof(left), "%lldm%02llds", rem / 60, rem % 60);
	printf(ROW, e->profile, e->subject, expires, left, ctx->p->shared->url);
}

/* Scan p's shared cache; says why on failure.  *n is how many entries it found. */
static int scan_profile(const struct jc_engine *engine, const struct jc_profile *p, bool purge,
                        json_t *json, size_t *n)
{
	struct shared_ctx ctx = { p, purge, false, json };
	jwtcred_error err;

	if (engine->shared_scan(p, purge, each, &ctx, n, &err) != 0) {
		jc_say("profile '%s': shared cache '%s': %s", p->name, p->shared->url, err.text);
		return JC_EXIT_FAIL;
	}
	if (ctx.stopped)
		jc_say("profile '%s': shared cache '%s': stopped at its bound (10000 keys or 1000 SCAN calls); some entries are not %s",
		       p->name, p->shared->url, purge ? "removed" : "listed");
	return JC_EXIT_OK;
}

/* Status and purge: every profile with a shared cache (or --profile's). */
static int run(const struct jc_cli *cli, bool purge)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_engine *engine;
	const struct jc_profile *one = NULL;
	jwtcred_error err;
	size_t i, n, total = 0, with = 0;
	int status = JC_EXIT_OK;
	json_t *json = NULL, *doc; /* doc takes json */
	char *text = NULL;

	if (!jc_shared_supported()) {
		jc_say("--shared: this jwtcred was built without Redis support: rebuild it with libhiredis-dev installed");
		return JC_EXIT_FAIL;
	}
	if (cli->profile ? jc_cli_profile(cli, &cfg, &one) != JC_EXIT_OK
	                 : jc_cli_config(cli, &cfg) != JC_EXIT_OK) {
		jc_conf_free(cfg);
		return JC_EXIT_FAIL;
	}
	for (i = 0; i < cfg->nprofiles; i++)
		with += (!one || one == &cfg->profiles[i]) && cfg->profiles[i].shared;
	if (with == 0) {
		if (one)
			jc_say("--shared: profile '%s' has no shared cache (shared_cache in jwtcred.conf(5))", one->name);
		else
			jc_say("--shared: no profile in '%s' has a shared cache (shared_cache in jwtcred.conf(5))",
			       cfg->path);
		jc_conf_free(cfg);
		return JC_EXIT_FAIL;
	}
	if (!(engine = jc_engine(&err)) || !engine->shared_scan) {
		jc_say("%s", engine ? "--shared: the engine module has no shared cache" : err.text);
		jc_conf_free(cfg);
		return JC_EXIT_FAIL;
	}
	if (!purge && cli->json && !(json = json_array())) {
		jc_say("out of memory");
		jc_conf_free(cfg);
		return JC_EXIT_FAIL;
	}
	if (!purge && !json)
		printf(ROW, "PROFILE", "SUBJECT", "EXPIRES", "REMAINING", "SHARED CACHE");
	for (i = 0; i < cfg->nprofiles; i++) {
		const struct jc_profile *p = &cfg->profiles[i];
		if ((one && one != p) || !p->shared)
			continue;
		n = 0;
		if (scan_profile(engine, p, purge, json, &n) != JC_EXIT_OK)
			status = JC_EXIT_FAIL;
		total += n;
	}
	if (purge)
		jc_trace("removed %zu shared entr%s", total, total == 1 ? "y" : "ies");
	/* one document, like status --json: {"configuration", "now", "entries"} */
	if (json && (doc = json_pack("{s:s s:o}", "configuration", cfg->path, "entries", json))) {
		jc_json_set_time(doc, "now", jc_now());
		text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(doc);
	}
	if (json && !text)
		status = JC_EXIT_FAIL;
	if (text && printf("%s\n", text) < 0)
		status = JC_EXIT_FAIL;
	if (fflush(stdout) != 0)
		status = JC_EXIT_FAIL;
	free(text);
	jc_conf_free(cfg);
	return status;
}

int jc_status_shared(const struct jc_cli *cli)
{
	return run(cli, false);
}

int jc_purge_shared(const struct jc_cli *cli)
{
	return run(cli, true);
}
