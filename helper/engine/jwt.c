/*
 * jwt.c: JWS for the JWT bearer assertion (RFC 7523 section 3): header and
 * claims, base64url, and the signature in every family of RFC 7518 and
 * RFC 8037 that jwtcred supports.
 *
 * JSON comes from jansson, base64 from OpenSSL's EVP encoder (turned into
 * base64url here), signatures from EVP_DigestSign.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "core/fail.h"
#include "core/jwsalg.h"
#include "core/secret.h"
#include "engine/jwt.h"
#include "engine/key.h"

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

/* "SHA256" for 256 bits; NULL for none (EdDSA signs the message itself). */
static const char *digest_name(const struct jc_alg *a)
{
	switch (a->hash_bits) {
	case 256: return "SHA256";
	case 384: return "SHA384";
	case 512: return "SHA512";
	default: return NULL;
	}
}

int jc_claims_json(const struct jc_claims *in, char **out)
{
	json_t *c, *extra = NULL;
	int bad = 0;

	*out = NULL;
	if (!(c = json_object()))
		return JWTCRED_E_NOMEM;
	bad |= json_object_set_new(c, "iss", json_string(in->iss));
	if (in->sub)
		bad |= json_object_set_new(c, "sub", json_string(in->sub));
	if (in->aud) /* GitHub's app JWT has none */
		bad |= json_object_set_new(c, "aud", json_string(in->aud));
	bad |= json_object_set_new(c, "exp", json_integer((json_int_t)in->exp));
	bad |= json_object_set_new(c, "iat", json_integer((json_int_t)in->iat));
	if (in->nbf)
		bad |= json_object_set_new(c, "nbf", json_integer((json_int_t)in->nbf));
	if (in->jti)
		bad |= json_object_set_new(c, "jti", json_string(in->jti));
	if (in->scope)
		bad |= json_object_set_new(c, "scope", json_string(in->scope));
	if (in->extra) {
		extra = json_loads(in->extra, JSON_REJECT_DUPLICATES, NULL);
		bad |= !json_is_object(extra) || json_object_update_missing(c, extra) != 0;
	}
	if (!bad)
		*out = json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(extra);
	json_decref(c);
	return *out ? JWTCRED_OK : (bad ? JWTCRED_E_INPUT : JWTCRED_E_NOMEM);
}

int jc_header_json(const char *alg, const char *kid, char **out)
{
	struct jc_header h = { alg, kid, NULL, NULL, NULL };

	return jc_header_json_ext(&h, out);
}

int jc_header_json_ext(const struct jc_header *in, char **out)
{
	json_t *h;
	int bad = 0;

	*out = NULL;
	if (!(h = json_object()))
		return JWTCRED_E_NOMEM;
	bad |= json_object_set_new(h, "alg", json_string(in->alg));
	bad |= json_object_set_new(h, "typ", json_string(in->typ ? in->typ : "JWT"));
	if (in->kid)
		bad |= json_object_set_new(h, "kid", json_string(in->kid));
	if (in->x5t)
		bad |= json_object_set_new(h, "x5t", json_string(in->x5t));
	if (in->x5t_s256)
		bad |= json_object_set_new(h, "x5t#S256", json_string(in->x5t_s256));
	if (!bad)
		*out = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(h);
	return *out ? JWTCRED_OK : (bad ? JWTCRED_E_INPUT : JWTCRED_E_NOMEM);
}

/* ECDSA: OpenSSL's DER SEQUENCE { r, s } to JWS's R || S, each `coord` bytes. */
static int ecdsa_raw(const unsigned char *der, size_t derlen, size_t coord, unsigned char **out,
                     size_t *outlen)
{
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *sig;
	unsigned char *raw = NULL;
	int rc = JWTCRED_E_SIGN;

	*out = NULL;
	if (derlen > LONG_MAX || !(sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)))
		return JWTCRED_E_SIGN;
	ECDSA_SIG_get0(sig, &r, &s);
	if (!(raw = malloc(2 * coord))) {
		rc = JWTCRED_E_NOMEM;
		goto out;
	}
	if (BN_bn2binpad(r, raw, (int)coord) != (int)coord ||
	    BN_bn2binpad(s, raw + coord, (int)coord) != (int)coord)
		goto out;
	*out = raw;
	*outlen = 2 * coord;
	raw = NULL; /* transferred */
	rc = JWTCRED_OK;
out:
	free(raw);
	ECDSA_SIG_free(sig);
	return rc;
}

/* Sign `input` for alg; *sig is new (JWS form: raw R || S for ECDSA). */
static int sign_input(EVP_PKEY *key, const struct jc_alg *a, const char *input, size_t ilen,
                      unsigned char **sig, size_t *siglen)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD *md = NULL;
	unsigned char *buf = NULL;
	size_t n = 0;
	int rc = JWTCRED_E_SIGN;

	*sig = NULL;
	if (digest_name(a) && !(md = EVP_MD_fetch(NULL, digest_name(a), NULL)))
		goto out;
	/* EdDSA signs the message itself: no digest, one shot */
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestSignInit(ctx, &pctx, md, NULL, key) != 1)
		goto out;
	if (a->family == JC_FAMILY_RSA && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
		goto out;
	if (a->family == JC_FAMILY_RSA_PSS &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
	     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1))
		goto out;
	if (EVP_DigestSign(ctx, NULL, &n, (const unsigned char *)input, ilen) != 1 ||
	    !(buf = malloc(n)) ||
	    EVP_DigestSign(ctx, buf, &n, (const unsigned char *)input, ilen) != 1)
		goto out;
	if (a->family == JC_FAMILY_EC) {
		rc = ecdsa_raw(buf, n, a->coord, sig, siglen);
		goto out;
	}
	*sig = buf;
	*siglen = n;
	buf = NULL; /* transferred */
	rc = JWTCRED_OK;
out:
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	free(buf);
	return rc;
}

int jc_jws_sign(EVP_PKEY *key, const char *alg, const char *header_json, const char *claims_json,
                char **out, jwtcred_error *err)
{
	char *h64 = NULL, *c64 = NULL, *s64 = NULL, *input = NULL, *jws = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0, ilen, n;
	const struct jc_alg *a = jc_alg_find(alg);
	int rc;

	*out = NULL;
	if (!a)
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
	if ((rc = sign_input(key, a, input, ilen, &sig, &siglen))) {
		rc = jc_fail(err, rc, rc == JWTCRED_E_NOMEM ? "out of memory signing the assertion"
		                                             : "signing the assertion with %s failed", alg);
		goto out;
	}
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
	free(h64);
	free(c64);
	free(s64);
	free(sig);
	jc_free_secret(input);
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
