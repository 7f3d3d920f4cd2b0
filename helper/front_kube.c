/*
 * front_kube.c: jwtcred kubectl, a kubectl exec credential plugin.
 *
 * stdout carries exactly one ExecCredential object; everything else goes to
 * stderr.  The apiVersion kubectl asks for arrives in KUBERNETES_EXEC_INFO.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "front.h"
#include "token.h"

#define MAX_EXEC_INFO (64 * 1024)
#define API_V1 "client.authentication.k8s.io/v1"
#define API_V1BETA1 "client.authentication.k8s.io/v1beta1"

/* apiVersion and cluster server from KUBERNETES_EXEC_INFO (borrowed from *info). */
static int read_exec_info(json_t **info, const char **api, const char **server)
{
	const char *env = getenv("KUBERNETES_EXEC_INFO");
	json_error_t jerr;

	*info = NULL;
	*api = API_V1;
	*server = NULL;
	if (!env || !*env)
		return 0;
	if (strlen(env) > MAX_EXEC_INFO) {
		jc_say("KUBERNETES_EXEC_INFO is larger than %d bytes", MAX_EXEC_INFO);
		return -1;
	}
	if (!(*info = json_loads(env, JSON_REJECT_DUPLICATES, &jerr)) || !json_is_object(*info)) {
		jc_say("KUBERNETES_EXEC_INFO is not a JSON object: %s", *info ? "wrong type" : jerr.text);
		return -1;
	}
	if (json_object_get(*info, "apiVersion")) {
		*api = json_string_value(json_object_get(*info, "apiVersion"));
		if (!*api || (strcmp(*api, API_V1) != 0 && strcmp(*api, API_V1BETA1) != 0)) {
			jc_say("KUBERNETES_EXEC_INFO asks for apiVersion '%s': jwtcred speaks %s and %s",
			       *api ? *api : "(not a string)", API_V1, API_V1BETA1);
			return -1;
		}
	}
	*server = json_string_value(json_object_get(json_object_get(json_object_get(*info, "spec"),
	                                                            "cluster"), "server"));
	return 0;
}

/*
 * With provideClusterInfo, kubectl names the server: the token must be
 * allowed there.  Without it, the kubeconfig that names this profile is
 * all there is to go by.
 */
static bool server_allowed(const struct jc_profile *p, const char *server)
{
	struct jc_request req;
	bool ok = false;
	size_t i;

	if (!server)
		return true;
	if (jc_request_from_url(server, &req) != 0)
		return false;
	for (i = 0; i < p->nurls && !ok; i++)
		ok = jc_url_match(&p->urls[i], &req) >= 0;
	jc_request_clear(&req);
	return ok;
}

int jc_front_kubectl(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	const char *api, *server;
	struct jc_entry e = { 0 };
	char expires[32], *text = NULL;
	json_t *info = NULL, *cred = NULL;
	jwtcred_error err;
	int status = JC_EXIT_FAIL;

	if (read_exec_info(&info, &api, &server) != 0 || jc_cli_profile(cli, &cfg, &p) != 0)
		goto out;
	if (!server_allowed(p, server)) {
		jc_say("the token of profile '%s' may not go to cluster '%s': it is not in the profile's urls",
		       p->name, server);
		goto out;
	}
	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	jc_rfc3339(jc_entry_deadline(&e, p), expires, sizeof(expires));
	cred = json_pack("{s:s s:s s:{s:s s:s}}", "apiVersion", api, "kind", "ExecCredential",
	                 "status", "token", e.token, "expirationTimestamp", expires);
	if (!cred || !(text = json_dumps(cred, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		jc_say("out of memory");
		goto out;
	}
	if (printf("%s\n", text) < 0 || fflush(stdout) != 0) {
		jc_say("cannot write the ExecCredential to standard output");
		goto out;
	}
	status = JC_EXIT_OK;
out:
	if (cred)
		jc_wipe((char *)json_string_value(json_object_get(json_object_get(cred, "status"), "token")),
		        e.token ? strlen(e.token) : 0);
	json_decref(cred);
	json_decref(info);
	jc_free_secret(text);
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}
