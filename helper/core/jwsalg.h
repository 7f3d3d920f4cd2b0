/*
 * jwsalg.h: the JWS algorithms jwtcred signs with (RFC 7518 section 3,
 * RFC 8037), as plain data.  One table for the configuration (is the name
 * known?), the key checks (does the key fit?) and the signer (which
 * digest, padding and signature width).
 */
#ifndef JWTCRED_JWSALG_H
#define JWTCRED_JWSALG_H

#include <stdbool.h>
#include <stddef.h>

/* The kind of key an algorithm signs with. */
enum jc_key_family {
	JC_FAMILY_RSA,     /* RS*: RSASSA-PKCS1-v1_5 */
	JC_FAMILY_RSA_PSS, /* PS*: RSASSA-PSS, MGF1 with the same digest, salt = digest length;
	                      an RSA or an RSA-PSS key */
	JC_FAMILY_EC,      /* ES*: ECDSA, signature R || S at fixed width */
	JC_FAMILY_EDDSA,   /* EdDSA: Ed25519 */
};

struct jc_alg {
	const char *name;          /* "RS256" */
	enum jc_key_family family;
	unsigned hash_bits;        /* SHA-2 digest: 256, 384, 512; 0 for EdDSA (no digest) */
	const char *curve;         /* EC: "P-256", "P-384", "P-521"; else NULL */
	size_t coord;              /* EC: bytes of R and of S (32, 48, 66); else 0 */
	unsigned min_bits;         /* RSA families: the smallest modulus accepted; else 0 */
};

/* The algorithm called `name` (exact, case-sensitive), or NULL; name may be NULL. */
const struct jc_alg *jc_alg_find(const char *name);

/* The i-th algorithm of the table, or NULL past its end. */
const struct jc_alg *jc_alg_at(size_t i);

/* Is `alg` one jwtcred signs with?  jc_alg_find(alg) != NULL. */
bool jc_alg_known(const char *alg);

/* "RS256, RS384, ... or EdDSA" into buf: every name, for messages. */
void jc_alg_list(char *buf, size_t len);

#endif
