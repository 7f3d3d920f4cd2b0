/*
 * fuzz_docker.c: docker's standard input (a registry address) as
 * docker-credential-jwtcred reads it: trimmed, then made a request.
 */
#include "config.h"

#include "fuzz.h"
#include "core/dockerproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jc_request req;
	jwtcred_error err;
	char *text;

	if (size > JC_DOCKER_MAX_INPUT || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jc_docker_input_trim(text, size, &err) == JWTCRED_OK &&
	    jc_docker_server_request(text, &req) == JWTCRED_OK)
		jc_request_clear(&req);
	free(text);
	return 0;
}
