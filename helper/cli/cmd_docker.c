/*
 * cmd_docker.c: docker-credential-jwtcred get|store|erase|list, docker's
 * credential helper protocol.
 *
 * get reads a registry address on stdin and answers
 * {"ServerURL","Username","Secret"}; a registry no profile lists gets
 * "credentials not found in native keychain" on stdout and exit 1, the
 * text docker looks for.  version prints "NAME (PACKAGE) VERSION", the
 * line docker-credential-helpers' helpers print (credentials.PrintVersion).
 */
#include "config.h"

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
#include "core/dockerproto.h"
#include "core/io.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/trace.h"

#define NOT_FOUND "credentials not found in native keychain"

/* Read stdin (bounded) and trim surrounding white space; *out is the caller's. */
static int read_input(char **out)
{
	jwtcred_error err;
	size_t len;
	char *buf;
	int rc;

	*out = NULL;
	rc = jc_read_fd(STDIN_FILENO, JC_DOCKER_MAX_INPUT, &buf, &len);
	if (rc == JWTCRED_E_INPUT) {
		jc_say("input is larger than %d bytes", JC_DOCKER_MAX_INPUT);
		return -1;
	}
	if (rc) {
		jc_say("cannot read standard input");
		return -1;
	}
	if (jc_docker_input_trim(buf, len, &err) != 0) {
		jc_say("%s", err.text);
		jc_free_secret(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

/* Registry addresses come as "host[:port][/path]" or as a URL. */
static const struct jc_profile *match_registry(const struct jwtcred_config *cfg,
                                               const char *only, const char *server)
{
	const struct jc_profile *p = NULL;
	struct jc_request req;

	const struct jc_broken *b;

	if (jc_docker_server_request(server, &req) == 0) {
		p = jc_allowed_profile(cfg, only, &req);
		/* a host-only address: docker sends the token to every path of the
		 * host, a broken profile's urls there too */
		if (p && (!req.path || !*req.path) && (b = jc_broken_shadows_host(cfg, req.host))) {
			jc_trace("docker: %s: broken profile '%s' has urls on that host: no credentials",
			         req.host, b->name);
			p = NULL;
		}
		jc_request_clear(&req);
	}
	return p;
}

static int docker_get(const struct jc_cli *cli, const struct jwtcred_config *cfg, const char *server)
{
	const struct jc_profile *p = match_registry(cfg, cli->profile, server);
	struct jc_entry e = { 0 };
	jwtcred_error err;
	char *text = NULL;
	json_t *o = NULL;
	int status = JC_EXIT_FAIL;

	if (!p) {
		puts(NOT_FOUND);
		return JC_EXIT_FAIL;
	}
	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	o = json_pack("{s:s s:s s:s}", "ServerURL", server, "Username", p->docker_username,
	              "Secret", e.token);
	if (o && (text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) &&
	    printf("%s\n", text) >= 0 && fflush(stdout) == 0)
		status = JC_EXIT_OK;
	else
		jc_say("cannot write the credentials");
	if (status == JC_EXIT_OK)
		jc_cli_refresh_ahead(p, 0, &e, true);
	jc_json_wipe(o, "Secret");
	json_decref(o);
	jc_free_secret(text);
	jc_entry_clear(&e);
	return status;
}

static int docker_list(const struct jwtcred_config *cfg)
{
	json_t *all = json_object();
	char url[600], port[16];
	char *text = NULL;
	size_t i, j;
	int status = JC_EXIT_FAIL;

	for (i = 0; all && i < cfg->nprofiles; i++) {
		const struct jc_profile *p = &cfg->profiles[i];
		for (j = 0; j < p->nurls; j++) {
			const struct jc_url *u = &p->urls[j];
			port[0] = '\0';
			if (u->port != jc_default_port(u->scheme))
				snprintf(port, sizeof(port), ":%d", u->port);
			snprintf(url, sizeof(url), "%s://%s%s%s%s", u->scheme, u->host, port,
			         *u->path ? "/" : "", u->path);
			if (!json_object_get(all, url))
				json_object_set_new(all, url, json_string(p->docker_username));
		}
	}
	if (all && (text = json_dumps(all, JSON_COMPACT | JSON_PRESERVE_ORDER)) &&
	    printf("%s\n", text) >= 0 && fflush(stdout) == 0)
		status = JC_EXIT_OK;
	free(text);
	json_decref(all);
	return status;
}

int jc_front_docker(const struct jc_cli *cli)
{
	const char *action = cli->action;
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	jwtcred_error err;
	char *input = NULL;
	bool dropped;
	int status = JC_EXIT_FAIL;

	if (strcmp(action, "version") == 0)
		return printf("docker-credential-jwtcred (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION) > 0 &&
		               fflush(stdout) == 0
		           ? JC_EXIT_OK
		           : JC_EXIT_FAIL;
	if (strcmp(action, "list") != 0 && read_input(&input) != 0)
		return JC_EXIT_FAIL;
	if (strcmp(action, "store") == 0) {
		status = JC_EXIT_OK; /* tokens are minted, never stored from outside */
		goto out;
	}
	if (jc_cli_config(cli, &cfg) != 0)
		goto out;
	if (strcmp(action, "get") == 0) {
		status = docker_get(cli, cfg, input);
	} else if (strcmp(action, "list") == 0) {
		status = docker_list(cfg);
	} else if (strcmp(action, "erase") == 0) {
		/* docker logout: forget the cached token, whichever it is */
		status = JC_EXIT_OK;
		if ((p = match_registry(cfg, cli->profile, input)) &&
		    jc_token_drop(p, NULL, &dropped, &err) != 0) {
			jc_say("%s", err.text);
			status = JC_EXIT_FAIL;
		}
	} else {
		jc_say("unknown action '%s' (docker uses get, store, erase and list)", action);
		status = JC_EXIT_USAGE;
	}
out:
	jc_free_secret(input);
	jc_conf_free(cfg);
	return status;
}
