/*
 * cmd_kubectl.c: jwtcred kubectl, a kubectl exec credential plugin.
 *
 * stdout carries exactly one ExecCredential object; everything else goes to
 * stderr.  The apiVersion kubectl asks for arrives in KUBERNETES_EXEC_INFO.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "cli/refresh.h"
#include "core/allow.h"
#include "core/clock.h"
#include "core/kubeproto.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/text.h"

/*
 * With provideClusterInfo, kubectl names the server: the token must be
 * allowed there.  Without it, the kubeconfig that names this profile is
 * all there is to go by.
 */
static bool server_allowed(const struct jc_profile *p, const char *server)
{
	struct jc_request req;
	bool ok;

	if (!server)
		return true;
	if (jc_request_from_url(server, &req) != 0)
		return false;
	ok = jc_profile_allows(p, &req, NULL, NULL) != JC_NOT_ALLOWED;
	jc_request_clear(&req);
	return ok;
}

int jc_front_kubectl(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	struct jc_exec_info info = { 0 };
	struct jc_entry e = { 0 };
	char expires[32], shown[256], *text = NULL;
	json_t *cred = NULL;
	jwtcred_error err;
	int status = JC_EXIT_FAIL;

	if (jc_kube_exec_info_parse(getenv("KUBERNETES_EXEC_INFO"), &info, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	if (jc_cli_profile(cli, &cfg, &p) != 0)
		goto out;
	if (!server_allowed(p, info.server)) {
		jc_say("the token of profile '%s' may not go to cluster '%s': it is not in the profile's urls",
		       p->name, jc_escape(info.server, shown, sizeof(shown)));
		goto out;
	}
	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	jc_rfc3339(jc_entry_deadline(&e, p), expires, sizeof(expires));
	cred = json_pack("{s:s s:s s:{s:s s:s}}", "apiVersion", info.api_version, "kind", "ExecCredential",
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
	/* the answer is out: its copies of the token gone before the worker is forked */
	jc_json_wipe(json_object_get(cred, "status"), "token");
	jc_free_secret(text);
	text = NULL;
	jc_cli_refresh_ahead(p, 0, &e, true);
out:
	jc_json_wipe(json_object_get(cred, "status"), "token");
	json_decref(cred);
	jc_exec_info_clear(&info);
	jc_free_secret(text);
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}
