/*
 * jwsalg.c: the one table of JWS algorithms.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/jwsalg.h"

static const struct jc_alg algs[] = {
	{ "RS256", JC_FAMILY_RSA, 256, NULL, 0, 2048 },
	{ "RS384", JC_FAMILY_RSA, 384, NULL, 0, 2048 },
	{ "RS512", JC_FAMILY_RSA, 512, NULL, 0, 2048 },
	{ "PS256", JC_FAMILY_RSA_PSS, 256, NULL, 0, 2048 },
	{ "PS384", JC_FAMILY_RSA_PSS, 384, NULL, 0, 2048 },
	{ "PS512", JC_FAMILY_RSA_PSS, 512, NULL, 0, 2048 },
	{ "ES256", JC_FAMILY_EC, 256, "P-256", 32, 0 },
	{ "ES384", JC_FAMILY_EC, 384, "P-384", 48, 0 },
	{ "ES512", JC_FAMILY_EC, 512, "P-521", 66, 0 },
	{ "EdDSA", JC_FAMILY_EDDSA, 0, NULL, 0, 0 },
};

#define NALGS (sizeof(algs) / sizeof(algs[0]))

const struct jc_alg *jc_alg_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < NALGS; i++)
		if (strcmp(name, algs[i].name) == 0)
			return &algs[i];
	return NULL;
}

const struct jc_alg *jc_alg_at(size_t i)
{
	return i < NALGS ? &algs[i] : NULL;
}

bool jc_alg_known(const char *alg)
{
	return jc_alg_find(alg) != NULL;
}

void jc_alg_list(char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < NALGS && used < len; i++) {
		n = snprintf(buf + used, len - used, "%s%s",
		             i == 0 ? "" : i + 1 == NALGS ? " or " : ", ", algs[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
