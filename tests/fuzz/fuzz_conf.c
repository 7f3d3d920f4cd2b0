/*
 * fuzz_conf.c: the configuration loader, from memory (libconfig syntax,
 * then jwtcred's validation of every profile and its urls).
 */
#include "config.h"

#include "fuzz.h"
#include "core/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err;
	char *text;

	/* the loader reads files of at most 1 MiB; larger inputs only slow the search */
	if (size > 64 * 1024 || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jc_conf_load_string(text, "fuzz.conf", &cfg, &err) == JWTCRED_OK)
		jc_conf_free(cfg);
	free(text);
	return 0;
}
