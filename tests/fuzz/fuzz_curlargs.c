/*
 * fuzz_curlargs.c: jwtcred curl's scan of curl's arguments (the input split on
 * NUL bytes, at most 64 words); aborts when an accepted item is off the allow-list.
 */
#include "config.h"

#include "cli/curlargs.h"
#include "fuzz.h"

static bool bad(const struct jc_curl_item *it, const struct jc_curlopt *o)
{
	return !o ? !it->value
	          : (o->kind == JC_CURLOPT_VALUE) != (it->value != NULL) ||
	                    (it->negated && o->kind != JC_CURLOPT_BOOL) ||
	                    (o->policy != JC_CURL_ALLOW &&
	                     (o->policy != JC_CURL_FORCED || o->kind == JC_CURLOPT_VALUE || it->negated));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jc_curl_refusal r;
	struct jc_curl_args a;
	char *text, *argv[64];
	size_t i;
	int argc = 0;

	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < size && argc < 64; i += strlen(text + i) + 1)
		argv[argc++] = text + i;
	if (jc_curl_args_scan(argv, argc, &a, &r) == 0)
		for (i = 0; i < a.nitems; i++)
			if (bad(&a.items[i], a.items[i].opt) || a.nurls > JC_CURL_MAX_URLS)
				abort();
	jc_curl_args_free(&a);
	free(text);
	return 0;
}
