/*
 * cmd_bazel.c: bazel-credential-jwtcred get (and jwtcred bazel get), the
 * credential helper protocol of Bazel >= 6.3 (--credential_helper), as
 * EngFlow's credential-helper-spec writes it down.
 *
 * get reads {"uri": "..."} on stdin and answers
 * {"headers":{"Authorization":["Bearer ..."]},"expires":"<RFC 3339 UTC>"}
 * when a profile's urls allow the URI; expires is when jwtcred stops
 * serving the cached token (its expiry minus the margin), the time git
 * and kubectl are given too.  A URI no profile allows gets {} and exit 0
 * (no headers: Bazel fetches it without credentials; a failure would fail
 * the fetch, and Bazel runs one helper for every URI its pattern covers).
 * Bad input, or a token that cannot be had: one line on stderr, exit 1.
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
#include "core/bazelproto.h"
#include "core/clock.h"
#include "core/io.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/trace.h"

/* The request's uri from stdin (bounded); *uri is the caller's. */
static int read_uri(char **uri)
{
	jwtcred_error err;
	size_t len;
	char *buf;
	int rc;

	rc = jc_read_fd(STDIN_FILENO, JC_BAZEL_MAX_INPUT, &buf, &len);
	if (rc == JWTCRED_E_INPUT) {
		jc_say("input is larger than %d bytes", JC_BAZEL_MAX_INPUT);
		return -1;
	}
	if (rc) {
		jc_say("cannot read standard input");
		return -1;
	}
	rc = jc_bazel_request_uri(buf, len, uri, &err);
	jc_free_secret(buf);
	if (rc) {
		jc_say("%s", err.text);
		return -1;
	}
	return 0;
}

/* The profile allowed to answer for uri, or NULL (a URI nothing may match included). */
static const struct jc_profile *match(const struct jwtcred_config *cfg, const char *only,
                                      const char *uri)
{
	const struct jc_profile *p = NULL;
	struct jc_request req;
	char where[JC_URL_MAX];
	jwtcred_error err;

	if (jc_bazel_uri_request(uri, &req, &err) != 0) {
		jc_trace("%s: no credentials for it", err.text);
		return NULL;
	}
	if (jc_bazel_grpc_service(req.path)) {
		/* fail closed: Bazel asks so for grpc:// channels too, which are plaintext */
		jc_trace("request %s://%s/%s: a gRPC service (remote cache, BES), which Bazel "
		         "may reach over plaintext grpc://: no credentials for it",
		         req.scheme, req.host, req.path);
		jc_request_clear(&req);
		return NULL;
	}
	p = jc_allowed_profile(cfg, only, &req);
	jc_request_text(&req, where, sizeof(where));
	jc_trace("request %s -> %s%s%s", where, p ? "profile '" : "no profile", p ? p->name : "",
	         p ? "'" : "");
	jc_request_clear(&req);
	return p;
}

static int print_json(json_t *o)
{
	char *text = NULL;
	int rc = -1;

	if (o && (text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) &&
	    printf("%s\n", text) >= 0 && fflush(stdout) == 0)
		rc = 0;
	jc_free_secret(text);
	return rc;
}

static int bazel_get(const struct jc_profile *p)
{
	struct jc_entry e = { 0 };
	jwtcred_error err;
	char expires[32], *header = NULL;
	json_t *o = NULL, *values;
	int status = JC_EXIT_FAIL;

	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	if (!jc_header_token_ok(e.token)) {
		jc_say("profile '%s': the token has characters an HTTP header cannot carry", p->name);
		goto out;
	}
	jc_rfc3339(jc_entry_deadline(&e, p), expires, sizeof(expires));
	if (asprintf(&header, "Bearer %s", e.token) < 0) {
		header = NULL;
		jc_say("out of memory");
		goto out;
	}
	o = json_pack("{s:{s:[s]} s:s}", "headers", "Authorization", header, "expires", expires);
	if (print_json(o) == 0)
		status = JC_EXIT_OK;
	else
		jc_say("cannot write the credentials");
	if (status == JC_EXIT_OK)
		jc_cli_refresh_ahead(p, 0, &e, true);
out:
	/* jansson's copy of the header, in the array */
	values = json_array_get(json_object_get(json_object_get(o, "headers"), "Authorization"), 0);
	if (json_is_string(values))
		jc_wipe((char *)json_string_value(values), json_string_length(values));
	json_decref(o);
	jc_free_secret(header);
	jc_entry_clear(&e);
	return status;
}

int jc_front_bazel(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	jwtcred_error err;
	char *uri = NULL;
	int status = JC_EXIT_FAIL;

	if (strcmp(cli->action, "get") != 0) {
		jc_say("unknown command '%s' (Bazel's credential helpers answer get)", cli->action);
		return JC_EXIT_USAGE;
	}
	/* further parameters: the spec lets a helper ignore them */
	if (read_uri(&uri) != 0)
		return JC_EXIT_FAIL;
	if (jc_cli_config(cli, &cfg) != 0)
		goto out;
	if (cli->profile && jc_conf_profile(cfg, cli->profile, &p, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	if ((p = match(cfg, cli->profile, uri)))
		status = bazel_get(p);
	else if (puts("{}") >= 0 && fflush(stdout) == 0)
		status = JC_EXIT_OK;
out:
	free(uri);
	jc_conf_free(cfg);
	return status;
}
