/*
 * fuzz_response.c: the token endpoint's answer (jc_parse_token_answer),
 * read as a success, a refusal and a server error.
 */
#include "config.h"

#include "fuzz.h"
#include "engine/exchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 400, 401, 500 };
	struct jc_exchange_ctx ctx = { NULL, "'https://login.salesforce.com'", -1, false };
	struct jc_answer g;
	jwtcred_error err;
	char *body = malloc(size + 1);
	size_t i;

	if (!body)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (jc_parse_token_answer(statuses[i], body, size, &ctx, &g, &err) == JWTCRED_OK)
			jc_answer_clear(&g);
	free(body);
	return 0;
}
