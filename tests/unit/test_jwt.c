/*
 * test_jwt.c: the JWS layer.  Claims and header JSON, a signature in every
 * algorithm (RS256/384/512, PS256/384/512, ES256/384/512, EdDSA) checked
 * with EVP_DigestVerify set up here, independently of jwt.c (PSS with the
 * salt length fixed to the digest length, ECDSA R || S turned back into
 * DER by this file), the refusal of every key that does not fit an
 * algorithm, and decoding.  Every key is generated here and now.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "engine/jwt.h"
#include "engine/key.h"
#include "testutil.h"

#define RS256_HEADER "{\"alg\":\"RS256\",\"typ\":\"JWT\"}"
#define CLAIMS "{\"iss\":\"a\",\"sub\":\"b\",\"aud\":\"c\",\"exp\":2,\"iat\":1}"

struct fixture {
	EVP_PKEY *rsa;      /* 2048 bits */
	EVP_PKEY *rsa1024;
	EVP_PKEY *p256, *p384, *p521;
	EVP_PKEY *ed25519;
	EVP_PKEY *ed448;
	EVP_PKEY *secp256k1;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->rsa = tu_rsa_key(2048);
	f->rsa1024 = tu_rsa_key(1024);
	f->p256 = tu_ec_key("P-256");
	f->p384 = tu_ec_key("P-384");
	f->p521 = tu_ec_key("P-521");
	f->ed25519 = tu_ed25519_key();
	f->ed448 = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	f->secp256k1 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
	if (!f->ed448 || !f->secp256k1)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	EVP_PKEY_free(f->rsa);
	EVP_PKEY_free(f->rsa1024);
	EVP_PKEY_free(f->p256);
	EVP_PKEY_free(f->p384);
	EVP_PKEY_free(f->p521);
	EVP_PKEY_free(f->ed25519);
	EVP_PKEY_free(f->ed448);
	EVP_PKEY_free(f->secp256k1);
	free(f);
	return 0;
}

/* A compact JWS split into its decoded parts. */
struct jws {
	char *header;     /* decoded JSON text */
	char *claims;     /* decoded JSON text */
	unsigned char *sig;
	size_t siglen;
	char *signing_input; /* "h64.c64" */
};

static void jws_split(const char *s, struct jws *out)
{
	const char *d1 = strchr(s, '.'), *d2;
	size_t n;

	memset(out, 0, sizeof(*out));
	assert_non_null(d1);
	d2 = strchr(d1 + 1, '.');
	assert_non_null(d2);
	assert_null(strchr(d2 + 1, '.'));
	assert_int_equal(jc_b64url_decode(s, (size_t)(d1 - s), (unsigned char **)&out->header, &n), 0);
	assert_int_equal(jc_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1),
	                                  (unsigned char **)&out->claims, &n), 0);
	assert_int_equal(jc_b64url_decode(d2 + 1, strlen(d2 + 1), &out->sig, &out->siglen), 0);
	out->signing_input = strndup(s, (size_t)(d2 - s));
	assert_non_null(out->signing_input);
}

static void jws_free(struct jws *j)
{
	free(j->header);
	free(j->claims);
	free(j->sig);
	free(j->signing_input);
}

/* One row per algorithm, as RFC 7518 and RFC 8037 define them. */
struct alg_row {
	const char *alg;
	const char *md;        /* NULL: EdDSA */
	int padding;           /* RSA: RSA_PKCS1_PADDING or RSA_PKCS1_PSS_PADDING; else 0 */
	int saltlen;           /* PSS: the digest length in bytes */
	size_t siglen;         /* the JWS signature's length */
	bool deterministic;
};

static const struct alg_row alg_rows[] = {
	{ "RS256", "SHA256", RSA_PKCS1_PADDING, 0, 256, true },
	{ "RS384", "SHA384", RSA_PKCS1_PADDING, 0, 256, true },
	{ "RS512", "SHA512", RSA_PKCS1_PADDING, 0, 256, true },
	{ "PS256", "SHA256", RSA_PKCS1_PSS_PADDING, 32, 256, false },
	{ "PS384", "SHA384", RSA_PKCS1_PSS_PADDING, 48, 256, false },
	{ "PS512", "SHA512", RSA_PKCS1_PSS_PADDING, 64, 256, false },
	{ "ES256", "SHA256", 0, 0, 64, false },
	{ "ES384", "SHA384", 0, 0, 96, false },
	{ "ES512", "SHA512", 0, 0, 132, false },
	{ "EdDSA", NULL, 0, 0, 64, true },
};

static EVP_PKEY *key_for(struct fixture *f, const char *alg)
{
	if (alg[0] == 'R' || alg[0] == 'P')
		return f->rsa;
	if (strcmp(alg, "ES256") == 0)
		return f->p256;
	if (strcmp(alg, "ES384") == 0)
		return f->p384;
	if (strcmp(alg, "ES512") == 0)
		return f->p521;
	return f->ed25519;
}

/* JWS ECDSA R || S back to the DER SEQUENCE OpenSSL verifies. */
static unsigned char *ecdsa_der(const unsigned char *raw, size_t len, size_t *derlen)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)(len / 2), NULL), *s = BN_bin2bn(raw + len / 2, (int)(len / 2), NULL);
	unsigned char *der = NULL;
	int n;

	assert_non_null(sig);
	assert_int_equal(ECDSA_SIG_set0(sig, r, s), 1);
	n = i2d_ECDSA_SIG(sig, &der);
	assert_true(n > 0);
	*derlen = (size_t)n;
	ECDSA_SIG_free(sig);
	return der;
}

static bool verifies(EVP_PKEY *key, const struct alg_row *r, const char *input,
                     const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *ctx;
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md = r->md ? EVP_get_digestbyname(r->md) : NULL;
	unsigned char *der = NULL;
	size_t derlen;
	bool ok;

	if (r->md && strncmp(r->alg, "ES", 2) == 0) {
		if (siglen != r->siglen)
			return false;
		der = ecdsa_der(sig, siglen, &derlen);
		sig = der;
		siglen = derlen;
	}
	ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	ok = EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) == 1;
	if (ok && r->padding)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, r->padding) == 1;
	if (ok && r->padding == RSA_PKCS1_PSS_PADDING)
		ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, r->saltlen) == 1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
	ok = ok && EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)input, strlen(input)) == 1;
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return ok;
}

static void test_claims_json(void **state)
{
	static const struct {
		struct jc_claims c;
		const char *want;
	} rows[] = {
		{ { "3MVG9", "ci@example.com", "https://login.salesforce.com", NULL, "abc", NULL,
		    1699999970, 1700000150 },
		  "{\"iss\":\"3MVG9\",\"sub\":\"ci@example.com\",\"aud\":\"https://login.salesforce.com\","
		  "\"exp\":1700000150,\"iat\":1699999970,\"jti\":\"abc\"}" },
		/* no sub, no jti (Google without delegation) */
		{ { "sa@p.iam.gserviceaccount.com", NULL, "https://oauth2.googleapis.com/token",
		    "https://www.googleapis.com/auth/cloud-platform", NULL, NULL, 10, 3610 },
		  "{\"iss\":\"sa@p.iam.gserviceaccount.com\",\"aud\":\"https://oauth2.googleapis.com/token\","
		  "\"exp\":3610,\"iat\":10,\"scope\":\"https://www.googleapis.com/auth/cloud-platform\"}" },
		/* extra claims come last and never replace ours */
		{ { "i", "s", "a", "api", "j", "{\"tenant\":\"acme\",\"iss\":\"evil\",\"n\":3,\"ok\":true,\"g\":[\"x\",1,false]}",
		    1, 2 },
		  "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"a\",\"exp\":2,\"iat\":1,\"jti\":\"j\",\"scope\":\"api\","
		  "\"tenant\":\"acme\",\"n\":3,\"ok\":true,\"g\":[\"x\",1,false]}" },
		/* JSON escaping is the library's job */
		{ { "i", "a\"b\\c", "a", NULL, NULL, NULL, 1, 2 },
		  "{\"iss\":\"i\",\"sub\":\"a\\\"b\\\\c\",\"aud\":\"a\",\"exp\":2,\"iat\":1}" },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *out = NULL;
		int rc = jc_claims_json(&rows[i].c, &out);

		if (rc != JWTCRED_OK || !out || strcmp(out, rows[i].want) != 0) {
			print_error("row %zu: rc %d\n  want %s\n  got  %s\n", i, rc, rows[i].want,
			            out ? out : "(null)");
			bad++;
		}
		free(out);
	}
	assert_int_equal(bad, 0);
}

/* Strings that are not UTF-8 cannot go into JSON: refused, not mangled. */
static void test_claims_json_refuses(void **state)
{
	struct jc_claims c = { "i", "ci\xff@example.com", "a", NULL, NULL, NULL, 1, 2 };
	char *out = (char *)"unset";

	(void)state;
	assert_int_equal(jc_claims_json(&c, &out), JWTCRED_E_INPUT);
	assert_null(out);
	c.sub = "s";
	c.extra = "[1,2]";
	out = (char *)"unset";
	assert_int_equal(jc_claims_json(&c, &out), JWTCRED_E_INPUT);
	assert_null(out);
	c.extra = "{not json";
	assert_int_equal(jc_claims_json(&c, &out), JWTCRED_E_INPUT);
	assert_null(out);
}

static void test_header_json(void **state)
{
	char *h = NULL;

	(void)state;
	assert_int_equal(jc_header_json("RS256", NULL, &h), JWTCRED_OK);
	assert_string_equal(h, RS256_HEADER);
	free(h);
	assert_int_equal(jc_header_json("ES384", "0a1b\"2c", &h), JWTCRED_OK);
	assert_string_equal(h, "{\"alg\":\"ES384\",\"typ\":\"JWT\",\"kid\":\"0a1b\\\"2c\"}");
	free(h);
}

/* A client assertion's header: typ, kid and both thumbprints, in that order. */
static void test_header_json_ext(void **state)
{
	struct jc_header in = { "PS256", "k1", "client-authentication+jwt", "c2hhMQ", "c2hhMjU2" };
	struct jc_claims c = { "i", "i", "https://a", NULL, "j", NULL, 10, 70, 10 };
	char *h = NULL;

	(void)state;
	assert_int_equal(jc_header_json_ext(&in, &h), JWTCRED_OK);
	assert_string_equal(h, "{\"alg\":\"PS256\",\"typ\":\"client-authentication+jwt\",\"kid\":\"k1\","
	                       "\"x5t\":\"c2hhMQ\",\"x5t#S256\":\"c2hhMjU2\"}");
	free(h);
	in.typ = in.kid = in.x5t = NULL;
	assert_int_equal(jc_header_json_ext(&in, &h), JWTCRED_OK);
	assert_string_equal(h, "{\"alg\":\"PS256\",\"typ\":\"JWT\",\"x5t#S256\":\"c2hhMjU2\"}");
	free(h);
	assert_int_equal(jc_claims_json(&c, &h), JWTCRED_OK);
	assert_string_equal(h, "{\"iss\":\"i\",\"sub\":\"i\",\"aud\":\"https://a\",\"exp\":70,\"iat\":10,\"nbf\":10,\"jti\":\"j\"}");
	free(h);
}

/* Every algorithm: the right key signs, the signature verifies, and only for its input. */
static void test_sign_every_algorithm(void **state)
{
	struct fixture *f = *state;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(alg_rows) / sizeof(alg_rows[0]); i++) {
		const struct alg_row *r = &alg_rows[i];
		EVP_PKEY *key = key_for(f, r->alg);
		jwtcred_error err = { "" };
		char *header = NULL, *jws = NULL, *again = NULL;
		struct jws j;
		bool good, tampered;

		assert_non_null(jc_alg_find(r->alg));
		assert_true(jc_alg_known(r->alg)); /* conf.c accepts what jwt.c signs */
		assert_int_equal(jc_header_json(r->alg, NULL, &header), JWTCRED_OK);
		if (jc_jws_sign(key, r->alg, header, CLAIMS, &jws, &err) != JWTCRED_OK) {
			print_error("%s: %s\n", r->alg, err.text);
			bad++;
			free(header);
			continue;
		}
		jws_split(jws, &j);
		good = strcmp(j.header, header) == 0 && strcmp(j.claims, CLAIMS) == 0 &&
		       j.siglen == r->siglen && verifies(key, r, j.signing_input, j.sig, j.siglen);
		j.signing_input[strlen(j.signing_input) - 1] ^= 1;
		tampered = verifies(key, r, j.signing_input, j.sig, j.siglen);
		assert_int_equal(jc_jws_sign(key, r->alg, header, CLAIMS, &again, &err), JWTCRED_OK);
		if (!good || tampered || (strcmp(jws, again) == 0) != r->deterministic) {
			print_error("%s: siglen %zu (want %zu), verifies %d, tampered verifies %d\n",
			            r->alg, j.siglen, r->siglen, good, tampered);
			bad++;
		}
		jws_free(&j);
		free(header);
		free(jws);
		free(again);
	}
	assert_int_equal(bad, 0);
}

/* The checks above are strict: a PSS signature does not pass as PKCS#1, nor ES256 as ES384. */
static void test_verifier_is_strict(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	char *jws = NULL;
	struct jws j;

	assert_int_equal(jc_jws_sign(f->rsa, "PS256", "{}", CLAIMS, &jws, &err), JWTCRED_OK);
	jws_split(jws, &j);
	assert_true(verifies(f->rsa, &alg_rows[3], j.signing_input, j.sig, j.siglen));
	assert_false(verifies(f->rsa, &alg_rows[0], j.signing_input, j.sig, j.siglen));
	/* salt length 20 is not what PS256 means */
	{
		struct alg_row other = alg_rows[3];
		other.saltlen = 20;
		assert_false(verifies(f->rsa, &other, j.signing_input, j.sig, j.siglen));
	}
	jws_free(&j);
	free(jws);
	assert_int_equal(jc_jws_sign(f->p256, "ES256", "{}", CLAIMS, &jws, &err), JWTCRED_OK);
	jws_split(jws, &j);
	assert_false(verifies(f->p256, &alg_rows[7], j.signing_input, j.sig, j.siglen));
	jws_free(&j);
	free(jws);
}

/* ECDSA signatures are fixed width: many P-521 signatures, each 132 bytes. */
static void test_ecdsa_fixed_width(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	int i, bad = 0;

	for (i = 0; i < 64; i++) {
		char *jws = NULL;
		struct jws j;

		assert_int_equal(jc_jws_sign(f->p521, "ES512", "{}", CLAIMS, &jws, &err), JWTCRED_OK);
		jws_split(jws, &j);
		if (j.siglen != 132 || !verifies(f->p521, &alg_rows[8], j.signing_input, j.sig, j.siglen))
			bad++;
		jws_free(&j);
		free(jws);
	}
	assert_int_equal(bad, 0);
}

/* Each family refuses every key that does not fit, before signing, and says what fits. */
static void test_wrong_key_type_per_family(void **state)
{
	struct fixture *f = *state;
	const struct {
		const char *alg;
		EVP_PKEY *key;
		const char *want;
	} rows[] = {
		{ "RS256", f->p256, "is EC, but RS256 needs an RSA key" },
		{ "RS384", f->ed25519, "is Ed25519, but RS384 needs an RSA key" },
		{ "RS512", f->rsa1024, "has 1024 bits: use 2048" },
		{ "PS256", f->p384, "is EC, but PS256 needs an RSA key" },
		{ "PS384", f->ed25519, "is Ed25519, but PS384 needs an RSA key" },
		{ "PS512", f->rsa1024, "has 1024 bits" },
		{ "ES256", f->rsa, "is RSA, but ES256 needs an EC key on curve P-256" },
		{ "ES256", f->p384, "is EC on curve P-384, but ES256 needs curve P-256" },
		{ "ES256", f->secp256k1, "but ES256 needs curve P-256" },
		{ "ES384", f->p521, "is EC on curve P-521, but ES384 needs curve P-384" },
		{ "ES384", f->ed25519, "is Ed25519, but ES384 needs an EC key" },
		{ "ES512", f->p256, "is EC on curve P-256, but ES512 needs curve P-521" },
		{ "EdDSA", f->rsa, "is RSA, but EdDSA needs an Ed25519 key" },
		{ "EdDSA", f->p256, "is EC, but EdDSA needs an Ed25519 key" },
		{ "EdDSA", f->ed448, "is Ed448, but EdDSA needs an Ed25519 key" },
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jwtcred_error err = { "" }, err2 = { "" };
		char *jws = (char *)"unset";
		int rc = jc_key_check_alg(rows[i].key, rows[i].alg, "k.pem", &err);
		int rc2 = jc_jws_sign(rows[i].key, rows[i].alg, "{}", CLAIMS, &jws, &err2);

		if (rc != JWTCRED_E_KEY || !tu_contains(err.text, rows[i].want) ||
		    !tu_contains(err.text, "k.pem") || rc2 == JWTCRED_OK || jws != NULL ||
		    !tu_contains(err2.text, rows[i].want)) {
			print_error("%s: rc %d/%d: %s | %s\n", rows[i].alg, rc, rc2, err.text, err2.text);
			bad++;
		}
		if (rc2 == JWTCRED_OK)
			free(jws);
	}
	assert_int_equal(bad, 0);
}

static void test_natural_alg(void **state)
{
	struct fixture *f = *state;
	char d[64];

	assert_string_equal(jc_key_natural_alg(f->rsa), "RS256");
	assert_string_equal(jc_key_natural_alg(f->p256), "ES256");
	assert_string_equal(jc_key_natural_alg(f->p384), "ES384");
	assert_string_equal(jc_key_natural_alg(f->p521), "ES512");
	assert_string_equal(jc_key_natural_alg(f->ed25519), "EdDSA");
	assert_null(jc_key_natural_alg(f->secp256k1));
	jc_key_describe(f->rsa, d, sizeof(d));
	assert_string_equal(d, "RSA, 2048 bits");
	jc_key_describe(f->p384, d, sizeof(d));
	assert_string_equal(d, "EC, curve P-384");
	jc_key_describe(f->ed25519, d, sizeof(d));
	assert_string_equal(d, "Ed25519");
}

static void test_jws_sign_refuses_algorithms(void **state)
{
	static const char *algs[] = { "none", "HS256", "RS384x", "", "rs256", "ES256K", "EdDSA ", "Ed25519" };
	struct fixture *f = *state;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		jwtcred_error err = { "" };
		char *jws = (char *)"unset";
		int rc = jc_jws_sign(f->rsa, algs[i], RS256_HEADER, "{}", &jws, &err);

		if (rc == JWTCRED_OK || jws != NULL || err.text[0] == '\0' || jc_alg_known(algs[i]) ||
		    jc_alg_find(algs[i])) {
			print_error("alg '%s' was accepted (rc %d)\n", algs[i], rc);
			bad++;
		}
		if (rc == JWTCRED_OK)
			free(jws);
	}
	assert_int_equal(bad, 0);
}

static void test_assertion_decode(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	char *a = NULL, *out = NULL;
	const char *sig;
	json_t *o;

	assert_int_equal(jc_jws_sign(f->p256, "ES256", "{\"alg\":\"ES256\",\"kid\":\"k1\"}", CLAIMS, &a, &err),
	                 JWTCRED_OK);
	assert_int_equal(jc_assertion_decode(a, &out, &err), JWTCRED_OK);
	o = json_loads(out, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "header"), "kid")), "k1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "claims"), "sub")), "b");
	/* the signature is not shown, in any form */
	sig = strrchr(a, '.') + 1;
	assert_false(tu_contains(out, sig));
	assert_false(tu_contains(out, "signature"));
	json_decref(o);
	free(out);
	free(a);
}

static void test_assertion_decode_rejects(void **state)
{
	static const char *bad_jws[] = {
		"",
		"abc",
		"e30.e30",               /* two parts */
		"!!!.e30.sig",           /* header not base64url */
		"e30.***.sig",           /* claims not base64url */
		"bm90IGpzb24.e30.sig",   /* header "not json" */
		"e30.bm90IGpzb24.sig",   /* claims "not json" */
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(bad_jws) / sizeof(bad_jws[0]); i++) {
		jwtcred_error err = { "" };
		char *out = (char *)"unset";
		int rc = jc_assertion_decode(bad_jws[i], &out, &err);

		if (rc == JWTCRED_OK || out != NULL || err.text[0] == '\0') {
			print_error("'%s' was decoded (rc %d)\n", bad_jws[i], rc);
			bad++;
		}
		if (rc == JWTCRED_OK)
			free(out);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claims_json),
		cmocka_unit_test(test_claims_json_refuses),
		cmocka_unit_test(test_header_json),
		cmocka_unit_test(test_header_json_ext),
		cmocka_unit_test(test_sign_every_algorithm),
		cmocka_unit_test(test_verifier_is_strict),
		cmocka_unit_test(test_ecdsa_fixed_width),
		cmocka_unit_test(test_wrong_key_type_per_family),
		cmocka_unit_test(test_natural_alg),
		cmocka_unit_test(test_jws_sign_refuses_algorithms),
		cmocka_unit_test(test_assertion_decode),
		cmocka_unit_test(test_assertion_decode_rejects),
	};

	return cmocka_run_group_tests_name("jwt", tests, setup, teardown);
}
