/*
 * fuzz_credproto.c: git's credential request reader (jc_cred_parse), then
 * the request git's fields make (jc_request_from_parts), as front_git does.
 */
#include "config.h"

#include "fuzz.h"
#include "core/credproto.h"
#include "core/urlmatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jc_cred c;
	struct jc_request req;
	jwtcred_error err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jc_cred_parse(text, size, &c, &err) == JWTCRED_OK) {
		if (jc_request_from_parts(c.protocol, c.host, c.path, &req) == JWTCRED_OK)
			jc_request_clear(&req);
		jc_cred_clear(&c);
	}
	free(text);
	return 0;
}
