/*
 * fuzz_cargo.c: one line of cargo's credential-provider protocol as
 * jwtcred cargo reads it, then its index URL made a request; only a
 * sparse+https:// index may become one.
 */
#include "config.h"

#include "fuzz.h"
#include "core/cargoproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jc_cargo_request r = { 0 };
	struct jc_request req;
	jwtcred_error err;
	char *text;

	if (size > JC_CARGO_MAX_LINE || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jc_cargo_request_parse(text, size, &r, &err) == JWTCRED_OK) {
		if (r.index_url && jc_cargo_index_request(r.index_url, &req, &err) == JWTCRED_OK) {
			if (strncmp(r.index_url, "sparse+", 7) != 0 || strcmp(req.scheme, "https") != 0)
				abort(); /* a git index, or plain http, never gets a token */
			jc_request_clear(&req);
		}
		jc_cargo_request_clear(&r);
	}
	free(text);
	return 0;
}
