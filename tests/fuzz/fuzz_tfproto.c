/*
 * fuzz_tfproto.c: the HOSTNAME argument of terraform-credentials-jwtcred,
 * checked and made the origin request that whole-origin urls entries match.
 */
#include "config.h"

#include "fuzz.h"
#include "core/tfproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jc_request req;
	jwtcred_error err;
	char *text;

	if (size > 1024 || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jc_tf_origin_request(text, &req, &err) == JWTCRED_OK) {
		if (req.path && *req.path)
			abort(); /* an origin request has no path */
		jc_request_clear(&req);
	}
	free(text);
	return 0;
}
