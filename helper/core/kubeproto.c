/*
 * kubeproto.c: what kubectl tells an exec credential plugin in
 * KUBERNETES_EXEC_INFO (the apiVersion to answer in, the cluster's server).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/fail.h"
#include "core/kubeproto.h"
#include "core/text.h"

void jc_exec_info_clear(struct jc_exec_info *info)
{
	free(info->api_version);
	free(info->server);
	memset(info, 0, sizeof(*info));
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/*
 * spec.cluster.server, which kubectl sends with provideClusterInfo.  Absent
 * is "no cluster named"; anything present but malformed is an error, since
 * then nobody can tell where the token would go.
 */
static int cluster_server(const json_t *info, const char **out, jwtcred_error *err)
{
	const json_t *spec, *cluster, *server;

	*out = NULL;
	if (!(spec = json_object_get(info, "spec")))
		return JWTCRED_OK;
	if (!json_is_object(spec))
		return jc_fail(err, JWTCRED_E_INPUT, "KUBERNETES_EXEC_INFO: 'spec' is %s, not an object",
		               json_kind(spec));
	if (!(cluster = json_object_get(spec, "cluster")))
		return JWTCRED_OK;
	if (!json_is_object(cluster))
		return jc_fail(err, JWTCRED_E_INPUT,
		               "KUBERNETES_EXEC_INFO: 'spec.cluster' is %s, not an object: cannot tell which cluster the token is for",
		               json_kind(cluster));
	if (!(server = json_object_get(cluster, "server")) || !json_is_string(server))
		return jc_fail(err, JWTCRED_E_INPUT,
		               "KUBERNETES_EXEC_INFO: 'spec.cluster.server' is %s, not a string: cannot tell which cluster the token is for",
		               server ? json_kind(server) : "missing");
	*out = json_string_value(server);
	return JWTCRED_OK;
}

int jc_kube_exec_info_parse(const char *text, struct jc_exec_info *out, jwtcred_error *err)
{
	const char *api = JC_KUBE_API_V1, *server = NULL;
	char shown[128];
	json_error_t jerr;
	json_t *info = NULL, *v;
	int rc = JWTCRED_E_INPUT;

	memset(out, 0, sizeof(*out));
	if (text && *text) {
		if (strlen(text) > JC_KUBE_MAX_EXEC_INFO) {
			jc_fail(err, rc, "KUBERNETES_EXEC_INFO is larger than %d bytes", JC_KUBE_MAX_EXEC_INFO);
			goto out;
		}
		/* jansson's message quotes the text near the error: escaped too */
		if (!(info = json_loads(text, JSON_REJECT_DUPLICATES, &jerr)) || !json_is_object(info)) {
			jc_fail(err, rc, "KUBERNETES_EXEC_INFO is not a JSON object: %s",
			        info ? "wrong type" : jc_escape(jerr.text, shown, sizeof(shown)));
			goto out;
		}
		if ((v = json_object_get(info, "apiVersion"))) {
			api = json_string_value(v);
			if (!api) {
				jc_fail(err, rc, "KUBERNETES_EXEC_INFO: 'apiVersion' is %s, not a string: jwtcred speaks %s and %s",
				        json_kind(v), JC_KUBE_API_V1, JC_KUBE_API_V1BETA1);
				goto out;
			}
			if (strcmp(api, JC_KUBE_API_V1) != 0 && strcmp(api, JC_KUBE_API_V1BETA1) != 0) {
				jc_fail(err, rc, "KUBERNETES_EXEC_INFO asks for apiVersion '%s': jwtcred speaks %s and %s",
				        jc_escape(api, shown, sizeof(shown)), JC_KUBE_API_V1, JC_KUBE_API_V1BETA1);
				goto out;
			}
		}
		if ((rc = cluster_server(info, &server, err)) != 0)
			goto out;
	}
	rc = JWTCRED_E_NOMEM;
	if (!(out->api_version = strdup(api)) || (server && !(out->server = strdup(server)))) {
		jc_fail(err, rc, "out of memory");
		goto out;
	}
	rc = JWTCRED_OK;
out:
	if (rc)
		jc_exec_info_clear(out);
	json_decref(info);
	return rc;
}
