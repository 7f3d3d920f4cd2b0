/*
 * jwt.c: build and sign the JWT bearer assertion (RFC 7523 section 3).
 *
 * JSON comes from jansson, base64 from OpenSSL's EVP encoder (turned into
 * base64url here), signatures from EVP_DigestSign.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "jwt.h"
#include "key.h"

#define MAX_B64_INPUT (1024 * 1024)

int jc_b64url_encode(const unsigned char *in, size_t len, char **out)
{
	size_t cap, n, i;
	char *s;

	*out = NULL;
	if (len > MAX_B64_INPUT)
		return JWTCRED_E_INPUT;
	cap = 4 * ((len + 2) / 3) + 1;
	if (!(s = malloc(cap)))
		return JWTCRED_E_NOMEM;
	n = (size_t)EVP_EncodeBlock((unsigned char *)s, in, (int)len);
	while (n && s[n - 1] == '=')
		n--;
	s[n] = '\0';
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			s[i] = '-';
		else if (s[i] == '/')
			s[i] = '_';
	}
	*out = s;
	return JWTCRED_OK;
}

int jc_b64url_decode(const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	size_t padded, i;
	char *tmp = NULL;
	unsigned char *buf = NULL;
	int n, rc = JWTCRED_E_INPUT;

	*out = NULL;
	*outlen = 0;
	while (len && in[len - 1] == '=')
		len--;
	if (len > MAX_B64_INPUT || len % 4 == 1)
		return JWTCRED_E_INPUT;
	padded = (len + 3) / 4 * 4;
	if (!(tmp = malloc(padded + 1)) || !(buf = malloc(padded / 4 * 3 + 1))) {
		rc = JWTCRED_E_NOMEM;
		goto out;
	}
	for (i = 0; i < len; i++) {
		char c = in[i];
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (c == '+' || c == '/' || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		                                   (c >= '0' && c <= '9')))
			goto out; /* not the base64url alphabet */
		tmp[i] = c;
	}
	for (; i < padded; i++)
		tmp[i] = '=';
	tmp[padded] = '\0';
	n = EVP_DecodeBlock(buf, (unsigned char *)tmp, (int)padded);
	if (n < 0)
		goto out;
	/* EVP_DecodeBlock counts the padding as zero bytes */
	n -= (int)(padded - len);
	buf[n] = '\0';
	*out = buf;
	*outlen = (size_t)n;
	buf = NULL; /* transferred */
	rc = JWTCRED_OK;
out:
	free(tmp);
	free(buf);
	return rc;
}

int jc_claims_json(const struct jc_profile *p, time_t now, const char *jti, char **out)
{
	json_t *c;
	int bad = 0;

	*out = NULL;
	if (!(c = json_object()))
		return JWTCRED_E_NOMEM;
	bad |= json_object_set_new(c, "iss", json_string(p->client_id));
	bad |= json_object_set_new(c, "sub", json_string(p->username));
	bad |= json_object_set_new(c, "aud", json_string(p->audience));
	bad |= json_object_set_new(c, "exp", json_integer((json_int_t)now + p->assertion_lifetime));
	bad |= json_object_set_new(c, "iat", json_integer((json_int_t)now));
	if (jti)
		bad |= json_object_set_new(c, "jti", json_string(jti));
	if (p->scope)
		bad |= json_object_set_new(c, "scope", json_string(p->scope));
	if (!bad)
		*out = json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(c);
	return *out ? JWTCRED_OK : (bad ? JWTCRED_E_INPUT : JWTCRED_E_NOMEM);
}

static const EVP_MD *alg_digest(const char *alg)
{
	if (strcmp(alg, "RS256") == 0)
		return EVP_sha256();
	return NULL;
}

int jc_jws_sign(EVP_PKEY *key, const char *alg, const char *header_json, const char *claims_json,
                char **out, jwtcred_error *err)
{
	char *h64 = NULL, *c64 = NULL, *s64 = NULL, *input = NULL, *jws = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0, ilen, n;
	const EVP_MD *md = alg_digest(alg);
	EVP_MD_CTX *ctx = NULL;
	int rc;

	*out = NULL;
	if (!md)
		return jc_fail(err, JWTCRED_E_SIGN, "unsupported algorithm '%s'", alg);
	if ((rc = jc_key_check_alg(key, alg, "key", err)))
		return rc;
	if ((rc = jc_b64url_encode((const unsigned char *)header_json, strlen(header_json), &h64)) ||
	    (rc = jc_b64url_encode((const unsigned char *)claims_json, strlen(claims_json), &c64)))
		goto out;
	ilen = strlen(h64) + 1 + strlen(c64);
	rc = JWTCRED_E_NOMEM;
	if (!(input = malloc(ilen + 1)))
		goto out;
	snprintf(input, ilen + 1, "%s.%s", h64, c64);
	rc = jc_fail(err, JWTCRED_E_SIGN, "signing the assertion failed");
	if (!(ctx = EVP_MD_CTX_new()) ||
	    EVP_DigestSignInit(ctx, NULL, md, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &siglen, (const unsigned char *)input, ilen) != 1 ||
	    !(sig = malloc(siglen)) ||
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)input, ilen) != 1)
		goto out;
	if ((rc = jc_b64url_encode(sig, siglen, &s64)))
		goto out;
	n = ilen + 1 + strlen(s64) + 1;
	rc = JWTCRED_E_NOMEM;
	if (!(jws = malloc(n)))
		goto out;
	snprintf(jws, n, "%s.%s", input, s64);
	*out = jws;
	rc = JWTCRED_OK;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	free(h64);
	free(c64);
	free(s64);
	free(sig);
	jc_free_secret(input);
	return rc;
}

int jc_assertion_make(const struct jc_profile *p, time_t now, char **out, jwtcred_error *err)
{
	unsigned char raw[16];
	char *jti = NULL, *claims = NULL;
	const char *header;
	EVP_PKEY *key = NULL;
	int rc;

	*out = NULL;
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return jc_fail(err, JWTCRED_E_SIGN, "the random number generator failed");
	if ((rc = jc_b64url_encode(raw, sizeof(raw), &jti)) ||
	    (rc = jc_claims_json(p, now, jti, &claims)))
		goto out;
	if ((rc = jc_key_load(p, &key, err)))
		goto out;
	header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	rc = jc_jws_sign(key, p->algorithm, header, claims, out, err);
	jc_trace("signed a %s assertion for iss=%s sub=%s aud=%s, valid %lds", p->algorithm,
	         p->client_id, p->username, p->audience, p->assertion_lifetime);
out:
	if (rc == JWTCRED_E_NOMEM)
		jc_fail(err, rc, "out of memory building the assertion");
	EVP_PKEY_free(key);
	free(jti);
	free(claims);
	return rc;
}

int jc_assertion_decode(const char *jws, char **out, jwtcred_error *err)
{
	const char *dot1 = strchr(jws, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	unsigned char *h = NULL, *c = NULL;
	size_t hl, cl;
	json_t *hj = NULL, *cj = NULL, *all = NULL;
	int rc = jc_fail(err, JWTCRED_E_INPUT, "not a compact JWS (header.claims.signature)");

	*out = NULL;
	if (!dot2 || jc_b64url_decode(jws, (size_t)(dot1 - jws), &h, &hl) ||
	    jc_b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &c, &cl) ||
	    !(hj = json_loadb((char *)h, hl, 0, NULL)) || !(cj = json_loadb((char *)c, cl, 0, NULL)))
		goto out;
	if (!(all = json_pack("{sOsO}", "header", hj, "claims", cj)) ||
	    !(*out = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER))) {
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		goto out;
	}
	rc = JWTCRED_OK;
out:
	free(h);
	free(c);
	json_decref(hj);
	json_decref(cj);
	json_decref(all);
	return rc;
}
