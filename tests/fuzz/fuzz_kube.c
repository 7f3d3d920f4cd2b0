/*
 * fuzz_kube.c: KUBERNETES_EXEC_INFO as jwtcred kubectl reads it, then the
 * cluster server as the request it checks against the profile's urls.
 */
#include "config.h"

#include "fuzz.h"
#include "core/kubeproto.h"
#include "core/urlmatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jc_exec_info info;
	struct jc_request req;
	jwtcred_error err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jc_kube_exec_info_parse(text, &info, &err) == JWTCRED_OK) {
		if (info.server && jc_request_from_url(info.server, &req) == JWTCRED_OK)
			jc_request_clear(&req);
		jc_exec_info_clear(&info);
	}
	free(text);
	return 0;
}
