/*
 * jwt.h: the signed assertion: header and claims as JSON, base64url,
 * and the signature.
 */
#ifndef JWTCRED_JWT_H
#define JWTCRED_JWT_H

#include <stddef.h>

#include <openssl/evp.h>

#include "core/fail.h"
#include "core/jwsalg.h"
#include "core/provider.h"

/* base64url without padding; *out is a new string. */
int jc_b64url_encode(const unsigned char *in, size_t len, char **out);

/* Decode base64url (padding optional); *out is new, NUL-terminated. */
int jc_b64url_decode(const char *in, size_t len, unsigned char **out, size_t *outlen);

/*
 * The claims as compact JSON, in the order iss, sub, aud, exp, iat, nbf, jti,
 * scope, then the extra claims.  JWTCRED_E_INPUT for a string that is not
 * UTF-8 or extra claims that are not a JSON object.
 */
int jc_claims_json(const struct jc_claims *c, char **out);

/* {"alg":…,"typ":"JWT"} with "kid" when kid is not NULL. */
int jc_header_json(const char *alg, const char *kid, char **out);

/* A header's members (borrowed); NULL ones are left out, typ NULL is "JWT". */
struct jc_header {
	const char *alg;
	const char *kid;
	const char *typ;
	const char *x5t;      /* base64url SHA-1 of the certificate's DER */
	const char *x5t_s256; /* base64url SHA-256 of it */
};

/* {"alg":…,"typ":…,"kid":…,"x5t":…,"x5t#S256":…} in that order. */
int jc_header_json_ext(const struct jc_header *h, char **out);

/*
 * Sign header.claims with key for alg; *out is the compact JWS.  The key
 * must fit the algorithm (jc_key_check_alg), checked first; the
 * algorithms are core/jwsalg.h's.
 */
int jc_jws_sign(EVP_PKEY *key, const char *alg, const char *header_json, const char *claims_json,
                char **out, jwtcred_error *err);

/* Decode a compact JWS into {"header":…,"claims":…} JSON (no signature). */
int jc_assertion_decode(const char *jws, char **out, jwtcred_error *err);

#endif
