/*
 * toolinput.c: docker's registry address and kubectl's KUBERNETES_EXEC_INFO.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "toolinput.h"

int jc_docker_input_trim(char *buf, size_t len, jwtcred_error *err)
{
	size_t start = 0;

	if (strlen(buf) != len)
		return jc_fail(err, JWTCRED_E_INPUT, "input contains a NUL byte");
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	while (start < len && isspace((unsigned char)buf[start]))
		start++;
	memmove(buf, buf + start, len - start + 1);
	return JWTCRED_OK;
}

int jc_docker_server_request(const char *server, struct jc_request *out)
{
	char *url;
	int rc;

	memset(out, 0, sizeof(*out));
	url = strstr(server, "://") ? strdup(server) : jc_concat("https://", server);
	if (!url)
		return JWTCRED_E_NOMEM;
	rc = jc_request_from_url(url, out);
	free(url);
	return rc;
}

void jc_exec_info_clear(struct jc_exec_info *info)
{
	free(info->api_version);
	free(info->server);
	memset(info, 0, sizeof(*info));
}

int jc_kube_exec_info_parse(const char *text, struct jc_exec_info *out, jwtcred_error *err)
{
	const char *api = JC_KUBE_API_V1, *server = NULL;
	json_error_t jerr;
	json_t *info = NULL;
	int rc = JWTCRED_E_INPUT;

	memset(out, 0, sizeof(*out));
	if (text && *text) {
		if (strlen(text) > JC_KUBE_MAX_EXEC_INFO) {
			jc_fail(err, rc, "KUBERNETES_EXEC_INFO is larger than %d bytes", JC_KUBE_MAX_EXEC_INFO);
			goto out;
		}
		if (!(info = json_loads(text, JSON_REJECT_DUPLICATES, &jerr)) || !json_is_object(info)) {
			jc_fail(err, rc, "KUBERNETES_EXEC_INFO is not a JSON object: %s",
			        info ? "wrong type" : jerr.text);
			goto out;
		}
		if (json_object_get(info, "apiVersion")) {
			api = json_string_value(json_object_get(info, "apiVersion"));
			if (!api || (strcmp(api, JC_KUBE_API_V1) != 0 && strcmp(api, JC_KUBE_API_V1BETA1) != 0)) {
				jc_fail(err, rc, "KUBERNETES_EXEC_INFO asks for apiVersion '%s': jwtcred speaks %s and %s",
				        api ? api : "(not a string)", JC_KUBE_API_V1, JC_KUBE_API_V1BETA1);
				goto out;
			}
		}
		server = json_string_value(json_object_get(json_object_get(json_object_get(info, "spec"),
		                                                           "cluster"), "server"));
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
