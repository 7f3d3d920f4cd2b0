/*
 * jwt.h: the signed assertion: header and claims as JSON, base64url,
 * and the signature.
 */
#ifndef JWTCRED_JWT_H
#define JWTCRED_JWT_H

#include <openssl/evp.h>

#include "conf.h"

/* base64url without padding; *out is a new string. */
int jc_b64url_encode(const unsigned char *in, size_t len, char **out);

/* Decode base64url (padding optional); *out is new, NUL-terminated. */
int jc_b64url_decode(const char *in, size_t len, unsigned char **out, size_t *outlen);

/*
 * The claims of an assertion for profile p at time now, as compact JSON
 * (iss, sub, aud, exp, iat, jti; scope when set).  jti NULL: no jti.
 */
int jc_claims_json(const struct jc_profile *p, time_t now, const char *jti, char **out);

/* Sign header.claims with key for alg; *out is the compact JWS. */
int jc_jws_sign(EVP_PKEY *key, const char *alg, const char *header_json, const char *claims_json,
                char **out, jwtcred_error *err);

/*
 * Build and sign the assertion for profile p: loads the key, makes a random
 * jti, signs.  *out must be freed with jc_free_secret().
 */
int jc_assertion_make(const struct jc_profile *p, time_t now, char **out, jwtcred_error *err);

/* Decode a compact JWS into {"header":…,"claims":…} JSON (no signature). */
int jc_assertion_decode(const char *jws, char **out, jwtcred_error *err);

#endif
