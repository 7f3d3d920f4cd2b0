/*
 * cmd_terraform.c: terraform-credentials-jwtcred get|store|forget HOSTNAME,
 * the credentials helper protocol of Terraform and OpenTofu (also as
 * `jwtcred terraform VERB HOSTNAME`).
 *
 * get prints {"token":"..."} for a host that a profile's urls allow as a
 * whole origin, and {} (exit 0, "no credentials") for any other host:
 * Terraform sends the token to every URL on the host it asked for, so an
 * entry limited to some paths of the host cannot be honoured and matches
 * nothing here (-v says so).  store reads Terraform's JSON and keeps
 * nothing (tokens are minted, never stored from outside), and fails for a
 * host no profile answers for, whose token would be lost; forget drops
 * the cached token, so that the next get mints a new one.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "cli/refresh.h"
#include "core/allow.h"
#include "core/io.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/tfproto.h"
#include "core/trace.h"

/* Read standard input to its end, keeping nothing (what is past the cap). */
static void drain_stdin(void)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR))
		;
	jc_wipe(buf, sizeof(buf));
}

/*
 * store: Terraform's credentials object, read to the end as the protocol
 * asks (also when it is refused), checked to be a JSON object, then wiped.
 */
static int tf_store(void)
{
	json_error_t jerr;
	json_t *o = NULL;
	char *buf = NULL;
	size_t len;
	int rc, status = JC_EXIT_FAIL;

	rc = jc_read_fd(STDIN_FILENO, JC_TF_MAX_INPUT, &buf, &len);
	if (rc == JWTCRED_E_INPUT) {
		drain_stdin();
		jc_say("terraform store: input is larger than %d bytes", JC_TF_MAX_INPUT);
		goto out;
	}
	if (rc) {
		jc_say("terraform store: cannot read standard input");
		goto out;
	}
	if (!(o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) || !json_is_object(o)) {
		jc_say("terraform store: the input is not a JSON object");
		goto out;
	}
	jc_trace("terraform store: jwtcred mints its tokens; the one given is not kept");
	status = JC_EXIT_OK;
out:
	jc_json_wipe(o, "token");
	json_decref(o);
	jc_free_secret(buf);
	return status;
}

/*
 * -v only: a profile whose urls name some paths of this very origin.  Not
 * an allow decision (allow.h makes those): it says why the answer is {}.
 */
static void trace_path_only(const struct jwtcred_config *cfg, const char *only,
                            const struct jc_request *origin, const char *port)
{
	struct jc_request at = *origin;
	size_t i, j;

	for (i = 0; jc_tracing() && i < cfg->nprofiles; i++) {
		const struct jc_profile *p = &cfg->profiles[i];
		if (only && strcmp(p->name, only) != 0)
			continue;
		for (j = 0; j < p->nurls; j++) {
			at.path = p->urls[j].path;
			if (*at.path && jc_url_match(&p->urls[j], &at) >= 0) {
				jc_trace("terraform: profile '%s' allows only the path '/%s' of https://%s%s/, and "
				         "Terraform sends the token to every path of the host: not answering",
				         p->name, at.path, origin->host, port);
				break;
			}
		}
	}
}

/* The profile that allows the whole origin of hostname, or NULL (said why with -v). */
static const struct jc_profile *match_host(const struct jwtcred_config *cfg, const char *only,
                                           const struct jc_request *origin)
{
	const struct jc_profile *p = jc_allowed_profile(cfg, only, origin);
	char port[16] = "";
	const struct jc_broken *b;

	if (origin->port != 443)
		snprintf(port, sizeof(port), ":%d", origin->port);
	if (p && jc_profile_allows(p, origin, NULL, NULL) != JC_ALLOWED_ORIGIN)
		p = NULL; /* an origin request matches origin entries only; make sure */
	/* the token would reach every path of the host, a broken profile's too */
	if (p && (b = jc_broken_shadows_host(cfg, origin->host))) {
		jc_trace("terraform: https://%s%s/: broken profile '%s' has urls on that host: no credentials",
		         origin->host, port, b->name);
		return NULL;
	}
	if (!p) {
		trace_path_only(cfg, only, origin, port);
		jc_trace("terraform: no profile lists https://%s%s/ as a whole: no credentials",
		         origin->host, port);
	} else {
		jc_trace("terraform: https://%s%s/ -> profile '%s'", origin->host, port, p->name);
	}
	return p;
}

/* Print a JSON object on stdout, compact, one line. */
static int print_json(const json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc = -1;

	if (text && printf("%s\n", text) >= 0 && fflush(stdout) == 0)
		rc = 0;
	jc_free_secret(text);
	return rc;
}

static int tf_get(const struct jc_cli *cli, const struct jwtcred_config *cfg,
                  const struct jc_request *origin)
{
	const struct jc_profile *p = match_host(cfg, cli->profile, origin);
	struct jc_entry e = { 0 };
	jwtcred_error err;
	json_t *o = NULL;
	int status = JC_EXIT_FAIL;

	if (!p) {
		o = json_object(); /* {}: "definitively no credentials for this host" */
		if (print_json(o) == 0)
			status = JC_EXIT_OK;
		else
			jc_say("terraform get: cannot write the answer");
		goto out;
	}
	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	o = json_pack("{s:s}", "token", e.token);
	if (print_json(o) == 0)
		status = JC_EXIT_OK;
	else
		jc_say("terraform get: cannot write the credentials");
	if (status == JC_EXIT_OK)
		jc_cli_refresh_ahead(p, 0, &e, true);
out:
	jc_json_wipe(o, "token");
	json_decref(o);
	jc_entry_clear(&e);
	return status;
}

/*
 * After store: a host a profile answers for gets jwtcred's tokens, so the
 * one terraform login obtained is not needed.  Any other host would lose
 * it without a word; the helper protocol asks for an error then.
 */
static int tf_store_for(const struct jc_cli *cli, const struct jwtcred_config *cfg,
                        const struct jc_request *origin)
{
	char port[16] = "";

	if (match_host(cfg, cli->profile, origin))
		return JC_EXIT_OK;
	if (origin->port != 443)
		snprintf(port, sizeof(port), ":%d", origin->port);
	jc_say("terraform store: jwtcred keeps no tokens of its own, and no profile's urls cover "
	       "https://%s%s/; keep this host's token in a credentials block instead",
	       origin->host, port);
	return JC_EXIT_FAIL;
}

/* forget (terraform logout): drop the cached token of the host's profile, if any. */
static int tf_forget(const struct jc_cli *cli, const struct jwtcred_config *cfg,
                     const struct jc_request *origin)
{
	const struct jc_profile *p = match_host(cfg, cli->profile, origin);
	jwtcred_error err;
	bool dropped = false;

	if (p && jc_token_drop(p, NULL, &dropped, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	jc_trace("terraform forget: %s", dropped ? "cached token dropped" : "nothing cached");
	return JC_EXIT_OK;
}

int jc_front_terraform(const struct jc_cli *cli)
{
	const char *verb = cli->action;
	struct jwtcred_config *cfg = NULL;
	struct jc_request origin = { 0 };
	jwtcred_error err;
	int status = JC_EXIT_USAGE;

	if (strcmp(verb, "get") != 0 && strcmp(verb, "store") != 0 && strcmp(verb, "forget") != 0) {
		jc_say("terraform: unknown verb '%s' (Terraform uses get, store and forget)", verb);
		return JC_EXIT_USAGE;
	}
	if (cli->nrest != 1) {
		if (strcmp(verb, "store") == 0)
			drain_stdin();
		jc_say("terraform %s: expected one argument, the host name, got %d", verb, cli->nrest);
		return JC_EXIT_USAGE;
	}
	if (jc_tf_origin_request(cli->rest[0], &origin, &err) != JWTCRED_OK) {
		if (strcmp(verb, "store") == 0)
			drain_stdin();
		jc_say("terraform %s: invalid host name: %s", verb, err.text);
		goto out;
	}
	if (strcmp(verb, "store") == 0 && (status = tf_store()) != JC_EXIT_OK)
		goto out;
	if ((status = jc_cli_config(cli, &cfg)) != JC_EXIT_OK)
		goto out;
	if (strcmp(verb, "store") == 0)
		status = tf_store_for(cli, cfg, &origin);
	else if (strcmp(verb, "get") == 0)
		status = tf_get(cli, cfg, &origin);
	else
		status = tf_forget(cli, cfg, &origin);
out:
	jc_request_clear(&origin);
	jc_conf_free(cfg);
	return status;
}
