/*
 * test_jwt.c: the signed assertion.  Claims JSON at a fixed time, RS256
 * signatures checked independently with EVP_DigestVerify, the header of a
 * full assertion, key checks (type, size), decoding, and the injected clock.
 * Every key is generated here and now.
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
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "jwt.h"
#include "key.h"
#include "testutil.h"

#define FIXED_NOW 1700000000
#define RS256_HEADER "{\"alg\":\"RS256\",\"typ\":\"JWT\"}"

struct fixture {
	EVP_PKEY *rsa;      /* 2048 bits */
	EVP_PKEY *rsa1024;
	EVP_PKEY *ec;       /* P-256 */
	char *dir;
	char *key_path;     /* rsa, 0600 */
	char *small_path;   /* rsa1024, 0600 */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	unsetenv("JWTCRED_NOW");
	f->rsa = tu_rsa_key(2048);
	f->rsa1024 = tu_rsa_key(1024);
	f->ec = tu_ec_p256_key();
	f->dir = tu_tmpdir();
	f->key_path = tu_join(f->dir, "prod.key");
	f->small_path = tu_join(f->dir, "small.key");
	if (tu_write_key(f->rsa, f->key_path) || tu_write_key(f->rsa1024, f->small_path))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	jc_clock_set(0);
	EVP_PKEY_free(f->rsa);
	EVP_PKEY_free(f->rsa1024);
	EVP_PKEY_free(f->ec);
	free(f->key_path);
	free(f->small_path);
	tu_rmtree(f->dir);
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

/* RS256 = RSASSA-PKCS1-v1_5 with SHA-256, verified without jwtcred's code. */
static bool rs256_verifies(EVP_PKEY *key, const char *input, const unsigned char *sig,
                           size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	bool ok;

	assert_non_null(ctx);
	ok = EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, key) == 1 &&
	     EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
	     EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)input, strlen(input)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static void test_claims_json(void **state)
{
	static const struct {
		const char *username;
		const char *scope;
		const char *jti;
		const char *want;
	} rows[] = {
		{ "ci@example.com", NULL, "abc",
		  "{\"iss\":\"3MVG9example.consumer.key\",\"sub\":\"ci@example.com\","
		  "\"aud\":\"https://login.salesforce.com\",\"exp\":1700000180,\"iat\":1700000000,"
		  "\"jti\":\"abc\"}" },
		{ "ci@example.com", NULL, NULL,
		  "{\"iss\":\"3MVG9example.consumer.key\",\"sub\":\"ci@example.com\","
		  "\"aud\":\"https://login.salesforce.com\",\"exp\":1700000180,\"iat\":1700000000}" },
		{ "ci@example.com", "api refresh_token", "j1",
		  "{\"iss\":\"3MVG9example.consumer.key\",\"sub\":\"ci@example.com\","
		  "\"aud\":\"https://login.salesforce.com\",\"exp\":1700000180,\"iat\":1700000000,"
		  "\"jti\":\"j1\",\"scope\":\"api refresh_token\"}" },
		/* JSON escaping is the library's job */
		{ "a\"b\\c", NULL, NULL,
		  "{\"iss\":\"3MVG9example.consumer.key\",\"sub\":\"a\\\"b\\\\c\","
		  "\"aud\":\"https://login.salesforce.com\",\"exp\":1700000180,\"iat\":1700000000}" },
	};
	struct fixture *f = *state;
	struct jc_profile p;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *out = NULL;
		int rc;

		tu_profile_init(&p, f->key_path);
		free(p.username);
		p.username = strdup(rows[i].username);
		p.scope = rows[i].scope ? strdup(rows[i].scope) : NULL;
		rc = jc_claims_json(&p, FIXED_NOW, rows[i].jti, &out);
		if (rc != JWTCRED_OK || !out || strcmp(out, rows[i].want) != 0) {
			print_error("row %zu: rc %d\n  want %s\n  got  %s\n", i, rc, rows[i].want,
			            out ? out : "(null)");
			bad++;
		}
		free(out);
		tu_profile_free(&p);
	}
	assert_int_equal(bad, 0);
}

/* Strings that are not UTF-8 cannot go into JSON: refused, not mangled. */
static void test_claims_json_rejects_bad_utf8(void **state)
{
	struct fixture *f = *state;
	struct jc_profile p;
	char *out = (char *)"unset";

	tu_profile_init(&p, f->key_path);
	free(p.username);
	p.username = strdup("ci\xff@example.com");
	assert_int_not_equal(jc_claims_json(&p, FIXED_NOW, NULL, &out), JWTCRED_OK);
	assert_null(out);
	tu_profile_free(&p);
}

static void test_jws_sign_verifies(void **state)
{
	struct fixture *f = *state;
	const char *claims = "{\"iss\":\"a\",\"sub\":\"b\",\"aud\":\"c\",\"exp\":2,\"iat\":1}";
	jwtcred_error err = { "" };
	char *jws = NULL, *again = NULL;
	struct jws j;

	assert_int_equal(jc_jws_sign(f->rsa, "RS256", RS256_HEADER, claims, &jws, &err), JWTCRED_OK);
	jws_split(jws, &j);
	assert_string_equal(j.header, RS256_HEADER);
	assert_string_equal(j.claims, claims);
	assert_int_equal(j.siglen, 256);
	assert_true(rs256_verifies(f->rsa, j.signing_input, j.sig, j.siglen));
	/* and the check is meaningful: another input does not verify */
	j.signing_input[strlen(j.signing_input) - 1] ^= 1;
	assert_false(rs256_verifies(f->rsa, j.signing_input, j.sig, j.siglen));
	/* PKCS#1 v1.5 is deterministic (PSS would not be) */
	assert_int_equal(jc_jws_sign(f->rsa, "RS256", RS256_HEADER, claims, &again, &err), JWTCRED_OK);
	assert_string_equal(jws, again);
	jws_free(&j);
	free(jws);
	free(again);
}

static void test_jws_sign_refuses_algorithms(void **state)
{
	static const char *algs[] = { "none", "HS256", "RS384x", "", "rs256" };
	struct fixture *f = *state;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		jwtcred_error err = { "" };
		char *jws = (char *)"unset";
		int rc = jc_jws_sign(f->rsa, algs[i], RS256_HEADER, "{}", &jws, &err);

		if (rc == JWTCRED_OK || jws != NULL || err.text[0] == '\0') {
			print_error("alg '%s' was accepted (rc %d)\n", algs[i], rc);
			bad++;
		}
		if (rc == JWTCRED_OK)
			free(jws);
	}
	assert_int_equal(bad, 0);
}

static void test_key_check_alg(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	char *jws = (char *)"unset";

	assert_int_equal(jc_key_check_alg(f->rsa, "RS256", "good.key", &err), JWTCRED_OK);

	/* an EC key cannot make an RS256 signature */
	assert_int_equal(jc_key_check_alg(f->ec, "RS256", "ec.key", &err), JWTCRED_E_KEY);
	assert_true(tu_contains(err.text, "RSA"));
	assert_true(tu_contains(err.text, "ec.key"));
	err.text[0] = '\0';
	assert_int_not_equal(jc_jws_sign(f->ec, "RS256", RS256_HEADER, "{}", &jws, &err), JWTCRED_OK);
	assert_null(jws);
	assert_true(tu_contains(err.text, "RSA"));

	/* RSA below 2048 bits is refused, and the message says what is needed */
	err.text[0] = '\0';
	assert_int_equal(jc_key_check_alg(f->rsa1024, "RS256", "small.key", &err), JWTCRED_E_KEY);
	assert_true(tu_contains(err.text, "1024"));
	assert_true(tu_contains(err.text, "2048"));
	jws = (char *)"unset";
	assert_int_not_equal(jc_jws_sign(f->rsa1024, "RS256", RS256_HEADER, "{}", &jws, &err),
	                     JWTCRED_OK);
	assert_null(jws);
}

static void test_assertion_make(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	struct jc_profile p;
	char *a = NULL;
	struct jws j;
	json_t *c;

	tu_profile_init(&p, f->key_path);
	assert_int_equal(jc_assertion_make(&p, FIXED_NOW, &a, &err), JWTCRED_OK);
	jws_split(a, &j);
	assert_string_equal(j.header, RS256_HEADER);
	assert_true(rs256_verifies(f->rsa, j.signing_input, j.sig, j.siglen));
	c = json_loads(j.claims, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "iss")), "3MVG9example.consumer.key");
	assert_string_equal(json_string_value(json_object_get(c, "sub")), "ci@example.com");
	assert_string_equal(json_string_value(json_object_get(c, "aud")), "https://login.salesforce.com");
	assert_int_equal(json_integer_value(json_object_get(c, "iat")), FIXED_NOW);
	assert_int_equal(json_integer_value(json_object_get(c, "exp")), FIXED_NOW + 180);
	/* 16 random bytes, base64url: 22 characters */
	assert_int_equal(strlen(json_string_value(json_object_get(c, "jti"))), 22);
	assert_null(json_object_get(c, "scope"));
	json_decref(c);
	jws_free(&j);
	jc_free_secret(a);
	tu_profile_free(&p);
}

/* The key file is loaded through the same checks the program uses. */
static void test_assertion_make_refuses_keys(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	struct jc_profile p;
	char *a = (char *)"unset", *loose = tu_join(f->dir, "loose.key");

	tu_profile_init(&p, f->small_path);
	assert_int_equal(jc_assertion_make(&p, FIXED_NOW, &a, &err), JWTCRED_E_KEY);
	assert_null(a);
	assert_true(tu_contains(err.text, "2048"));
	tu_profile_free(&p);

	assert_int_equal(tu_write_key(f->rsa, loose), 0);
	assert_int_equal(chmod(loose, 0644), 0);
	tu_profile_init(&p, loose);
	a = (char *)"unset";
	assert_int_equal(jc_assertion_make(&p, FIXED_NOW, &a, &err), JWTCRED_E_KEY);
	assert_null(a);
	assert_true(tu_contains(err.text, "chmod 600"));
	tu_profile_free(&p);
	free(loose);
}

static void test_assertion_decode(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	struct jc_profile p;
	char *a = NULL, *out = NULL;
	const char *sig;
	json_t *o;

	tu_profile_init(&p, f->key_path);
	p.scope = strdup("api");
	assert_int_equal(jc_assertion_make(&p, FIXED_NOW, &a, &err), JWTCRED_OK);
	assert_int_equal(jc_assertion_decode(a, &out, &err), JWTCRED_OK);
	o = json_loads(out, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "header"), "alg")),
	                    "RS256");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "claims"), "sub")),
	                    "ci@example.com");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "claims"), "scope")),
	                    "api");
	/* the signature is not shown, in any form */
	sig = strrchr(a, '.') + 1;
	assert_false(tu_contains(out, sig));
	assert_false(tu_contains(out, "signature"));
	json_decref(o);
	free(out);
	jc_free_secret(a);
	tu_profile_free(&p);
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

static long long claim(const char *jws, const char *name)
{
	struct jws j;
	json_t *c;
	long long v;

	jws_split(jws, &j);
	c = json_loads(j.claims, 0, NULL);
	assert_non_null(c);
	v = json_integer_value(json_object_get(c, name));
	json_decref(c);
	jws_free(&j);
	return v;
}

/* With the clock fixed, iat and exp repeat (jti does not); 0 restores it. */
static void test_clock_injection(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	struct jc_profile p;
	char *a = NULL, *b = NULL;
	time_t real;

	tu_profile_init(&p, f->key_path);
	jc_clock_set(FIXED_NOW);
	assert_int_equal(jc_now(), FIXED_NOW);
	assert_int_equal(jc_assertion_make(&p, jc_now(), &a, &err), JWTCRED_OK);
	assert_int_equal(jc_assertion_make(&p, jc_now(), &b, &err), JWTCRED_OK);
	assert_int_equal(claim(a, "iat"), FIXED_NOW);
	assert_int_equal(claim(b, "iat"), FIXED_NOW);
	assert_int_equal(claim(a, "exp"), FIXED_NOW + 180);
	assert_int_equal(claim(b, "exp"), FIXED_NOW + 180);
	assert_string_not_equal(a, b); /* a fresh jti each time */
	jc_clock_set(0);
	real = time(NULL);
	assert_in_range(jc_now(), real - 5, real + 5);
	jc_free_secret(a);
	jc_free_secret(b);
	tu_profile_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claims_json),
		cmocka_unit_test(test_claims_json_rejects_bad_utf8),
		cmocka_unit_test(test_jws_sign_verifies),
		cmocka_unit_test(test_jws_sign_refuses_algorithms),
		cmocka_unit_test(test_key_check_alg),
		cmocka_unit_test(test_assertion_make),
		cmocka_unit_test(test_assertion_make_refuses_keys),
		cmocka_unit_test(test_assertion_decode),
		cmocka_unit_test(test_assertion_decode_rejects),
		cmocka_unit_test(test_clock_injection),
	};

	return cmocka_run_group_tests_name("jwt", tests, setup, teardown);
}
