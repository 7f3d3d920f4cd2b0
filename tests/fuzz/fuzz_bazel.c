/*
 * fuzz_bazel.c: Bazel's standard input ({"uri": ...}) as
 * bazel-credential-jwtcred get reads it, then the URI made a request.
 */
#include "config.h"

#include "fuzz.h"
#include "core/bazelproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jc_request req;
	jwtcred_error err;
	char *text, *uri = NULL;

	if (size > JC_BAZEL_MAX_INPUT || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jc_bazel_request_uri(text, size, &uri, &err) == JWTCRED_OK &&
	    jc_bazel_uri_request(uri, &req, &err) == JWTCRED_OK)
		jc_request_clear(&req);
	free(uri);
	free(text);
	return 0;
}
