/*
 * fuzz_npmrc.c: an npmrc file as the pnpm helper reads it, looking for the
 * registries whose tokenHelper is this program; each registry found must be
 * a "//host/.../" key that covers itself.
 */
#include "config.h"

#include "fuzz.h"
#include "core/npmrc.h"

#define PROGRAM "/usr/local/bin/jwtcred-pnpm-helper@prod"

static const char *env(const char *name)
{
	return strcmp(name, "HOST") == 0 ? "npm.example.com" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jc_npmrc_helpers h = { 0 };
	jwtcred_error err;
	char *text;
	size_t i;

	if (size > JC_NPMRC_MAX || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jc_npmrc_find_helpers(text, PROGRAM, env, &h, &err) == JWTCRED_OK) {
		for (i = 0; i < h.n; i++)
			if (strncmp(h.registries[i], "//", 2) != 0)
				abort(); /* a binding is always a "//host/" key */
		jc_npmrc_helpers_clear(&h);
	}
	free(text);
	return 0;
}
