/*
 * test_assertion.c: from a profile to the assertion it sends.  Salesforce
 * (iss/sub/aud, iat a little in the past), generic (any algorithm, kid,
 * extra claims, scope as claim or form, no jti), Google (the service
 * account file gives iss, kid and the token URL; scope claim; sub only for
 * delegation; every way the file can be wrong), the order audiences are
 * tried in, and the injected clock.  Signatures are checked with
 * EVP_DigestVerify set up here.
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
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "core/clock.h"
#include "core/secret.h"
#include "engine/assertion.h"
#include "engine/jwt.h"
#include "engine/key.h"
#include "testutil.h"

#define FIXED_NOW 1700000000
#define SA_EMAIL "ci-bot@example-project.iam.gserviceaccount.com"
#define SA_KID "5f0c2b8e1d3a4c6b9e7f8a0b1c2d3e4f5a6b7c8d"

struct fixture {
	EVP_PKEY *rsa, *p256;
	char *dir;
	char *rsa_path;   /* rsa, PEM, 0600 */
	char *ec_path;    /* p256, PEM, 0600 */
	char *sa_path;    /* a service account file for rsa, 0600 */
};

/* A service account key file as Google issues it, with `key` and `token_uri` (NULL: none). */
static char *sa_json(EVP_PKEY *key, const char *token_uri)
{
	char *pem = tu_key_pem(key, TU_PKCS8, NULL, NULL), *out;
	json_t *o = json_pack("{s:s s:s s:s s:s s:s s:s s:s}", "type", "service_account", "project_id",
	                      "example-project", "private_key_id", SA_KID, "private_key", pem,
	                      "client_email", SA_EMAIL, "client_id", "104242424242424242424",
	                      "auth_uri", "https://accounts.google.com/o/oauth2/auth");

	assert_non_null(o);
	if (token_uri)
		json_object_set_new(o, "token_uri", json_string(token_uri));
	out = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	free(pem);
	return out;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *sa;

	if (!f)
		return -1;
	unsetenv("JWTCRED_NOW");
	f->rsa = tu_rsa_key(2048);
	f->p256 = tu_ec_key("P-256");
	f->dir = tu_tmpdir();
	f->rsa_path = tu_join(f->dir, "rsa.pem");
	f->ec_path = tu_join(f->dir, "ec.pem");
	f->sa_path = tu_join(f->dir, "sa.json");
	sa = sa_json(f->rsa, "https://oauth2.example.test/token");
	if (tu_write_key(f->rsa, f->rsa_path) || tu_write_key(f->p256, f->ec_path) ||
	    tu_write_file(f->sa_path, sa, strlen(sa), 0600))
		return -1;
	free(sa);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	jc_clock_set(0);
	EVP_PKEY_free(f->rsa);
	EVP_PKEY_free(f->p256);
	free(f->rsa_path);
	free(f->ec_path);
	free(f->sa_path);
	tu_rmtree(f->dir);
	free(f);
	return 0;
}

struct parts {
	json_t *header, *claims;
	unsigned char *sig;
	size_t siglen;
	char *input;
};

static void split(const char *jws, struct parts *out)
{
	const char *d1 = strchr(jws, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	unsigned char *h, *c;
	size_t hl, cl;

	assert_non_null(d2);
	assert_int_equal(jc_b64url_decode(jws, (size_t)(d1 - jws), &h, &hl), 0);
	assert_int_equal(jc_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &c, &cl), 0);
	assert_int_equal(jc_b64url_decode(d2 + 1, strlen(d2 + 1), &out->sig, &out->siglen), 0);
	out->header = json_loadb((char *)h, hl, JSON_REJECT_DUPLICATES, NULL);
	out->claims = json_loadb((char *)c, cl, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(out->header);
	assert_non_null(out->claims);
	out->input = strndup(jws, (size_t)(d2 - jws));
	free(h);
	free(c);
}

static void parts_free(struct parts *p)
{
	json_decref(p->header);
	json_decref(p->claims);
	free(p->sig);
	free(p->input);
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static long long num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static bool rs256_verifies(EVP_PKEY *key, const struct parts *p)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	bool ok = EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, key) == 1 &&
	          EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
	          EVP_DigestVerify(ctx, p->sig, p->siglen, (unsigned char *)p->input, strlen(p->input)) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

static bool es256_verifies(EVP_PKEY *key, const struct parts *p)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ECDSA_SIG *sig = ECDSA_SIG_new();
	unsigned char *der = NULL;
	int n;
	bool ok;

	assert_int_equal(p->siglen, 64);
	ECDSA_SIG_set0(sig, BN_bin2bn(p->sig, 32, NULL), BN_bin2bn(p->sig + 32, 32, NULL));
	n = i2d_ECDSA_SIG(sig, &der);
	ok = n > 0 && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestVerify(ctx, der, (size_t)n, (unsigned char *)p->input, strlen(p->input)) == 1;
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);
	return ok;
}

static void test_salesforce(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	struct jc_profile p;
	struct parts j;
	char *a = NULL;

	tu_profile_init(&p, f->rsa_path);
	p.scope = strdup("api");
	assert_int_equal(jc_assertion_make(&p, FIXED_NOW, &a, &err), JWTCRED_OK);
	split(a, &j);
	assert_string_equal(str(j.header, "alg"), "RS256");
	assert_string_equal(str(j.header, "typ"), "JWT");
	assert_null(json_object_get(j.header, "kid"));
	assert_true(rs256_verifies(f->rsa, &j));
	assert_string_equal(str(j.claims, "iss"), "3MVG9example.consumer.key");
	assert_string_equal(str(j.claims, "sub"), "ci@example.com");
	assert_string_equal(str(j.claims, "aud"), "https://login.salesforce.com");
	assert_string_equal(str(j.claims, "scope"), "api");
	/* iat a little in the past, for a server whose clock is behind; exp = iat + lifetime */
	assert_int_equal(num(j.claims, "iat"), FIXED_NOW - JC_IAT_BACKDATE);
	assert_int_equal(num(j.claims, "exp"), FIXED_NOW - JC_IAT_BACKDATE + 180);
	/* 16 random bytes, base64url: 22 characters */
	assert_int_equal(strlen(str(j.claims, "jti")), 22);
	parts_free(&j);
	jc_free_secret(a);
	tu_profile_free(&p);
}

static void test_generic(void **state)
{
	static const struct {
		enum jc_scope_in in;
		bool claim;
	} where[] = { { JC_SCOPE_FORM, false }, { JC_SCOPE_CLAIM, true }, { JC_SCOPE_BOTH, true } };
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	struct jc_profile p;
	struct parts j;
	char *a = NULL;
	size_t i;

	tu_profile_init(&p, f->ec_path);
	p.provider = JC_PROVIDER_GENERIC;
	free(p.algorithm);
	p.algorithm = strdup("ES256");
	free(p.issuer);
	p.issuer = strdup("svc-deployer");
	free(p.subject);
	p.subject = strdup("svc-deployer");
	tu_profile_audiences(&p, "https://idp.example.com/oauth2/token", NULL);
	p.key_id = strdup("deploy-2026");
	p.scope = strdup("deploy:write");
	p.claims = strdup("{\"tenant\":\"acme\",\"level\":3,\"groups\":[\"ops\",\"dev\"],\"admin\":false}");
	p.jti = false;
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		p.scope_in = where[i].in;
		assert_int_equal(jc_assertion_make(&p, FIXED_NOW, &a, &err), JWTCRED_OK);
		split(a, &j);
		assert_string_equal(str(j.header, "alg"), "ES256");
		assert_string_equal(str(j.header, "kid"), "deploy-2026");
		assert_true(es256_verifies(f->p256, &j));
		assert_string_equal(str(j.claims, "iss"), "svc-deployer");
		assert_string_equal(str(j.claims, "aud"), "https://idp.example.com/oauth2/token");
		assert_string_equal(str(j.claims, "tenant"), "acme");
		assert_int_equal(num(j.claims, "level"), 3);
		assert_true(json_is_false(json_object_get(j.claims, "admin")));
		assert_int_equal(json_array_size(json_object_get(j.claims, "groups")), 2);
		assert_null(json_object_get(j.claims, "jti"));
		assert_int_equal(json_object_get(j.claims, "scope") != NULL, where[i].claim);
		parts_free(&j);
		jc_free_secret(a);
		a = NULL;
	}
	tu_profile_free(&p);
}

static void google_profile(struct jc_profile *p, const char *sa_path)
{
	tu_profile_init(p, NULL);
	p->provider = JC_PROVIDER_GOOGLE;
	free(p->issuer);
	p->issuer = NULL;
	free(p->subject);
	p->subject = NULL;
	free(p->login_url);
	p->login_url = NULL;
	free(p->token_url);
	p->token_url = strdup("https://oauth2.googleapis.com/token");
	p->token_url_set = false;
	tu_profile_audiences(p, NULL);
	p->service_account_file = strdup(sa_path);
	p->scope = strdup("https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/devstorage.read_only");
	p->jti = false;
	p->assertion_lifetime = 3600;
}

static void test_google(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	struct jc_profile p;
	struct jc_signer s;
	struct parts j;
	const char *aud[4];
	char *a = NULL;

	google_profile(&p, f->sa_path);
	assert_int_equal(jc_signer_load(&p, &s, &err), JWTCRED_OK);
	assert_string_equal(s.iss, SA_EMAIL);
	assert_string_equal(s.kid, SA_KID);
	assert_null(s.sub);
	/* no token_url in the profile: the file's token_uri */
	assert_string_equal(s.token_url, "https://oauth2.example.test/token");
	assert_int_equal(jc_audiences(&p, &s, NULL, aud, 4), 1);
	assert_string_equal(aud[0], "https://oauth2.example.test/token");
	assert_int_equal(EVP_PKEY_eq(s.key, f->rsa), 1);
	jc_signer_clear(&s);

	assert_int_equal(jc_assertion_make(&p, FIXED_NOW, &a, &err), JWTCRED_OK);
	split(a, &j);
	assert_string_equal(str(j.header, "alg"), "RS256");
	assert_string_equal(str(j.header, "kid"), SA_KID);
	assert_true(rs256_verifies(f->rsa, &j));
	assert_string_equal(str(j.claims, "iss"), SA_EMAIL);
	assert_string_equal(str(j.claims, "aud"), "https://oauth2.example.test/token");
	assert_string_equal(str(j.claims, "scope"), p.scope);
	assert_null(json_object_get(j.claims, "sub"));
	assert_null(json_object_get(j.claims, "jti"));
	/* Google: exp at most iat + 3600 */
	assert_int_equal(num(j.claims, "exp") - num(j.claims, "iat"), 3600);
	parts_free(&j);
	jc_free_secret(a);
	a = NULL;

	/* domain-wide delegation; and token_url set in the profile wins over token_uri */
	p.subject = strdup("admin@example.com");
	free(p.token_url);
	p.token_url = strdup("https://oauth2.googleapis.com/token");
	p.token_url_set = true;
	assert_int_equal(jc_assertion_make(&p, FIXED_NOW, &a, &err), JWTCRED_OK);
	split(a, &j);
	assert_string_equal(str(j.claims, "sub"), "admin@example.com");
	assert_string_equal(str(j.claims, "aud"), "https://oauth2.googleapis.com/token");
	parts_free(&j);
	jc_free_secret(a);
	tu_profile_free(&p);
}

/* The key file in every way it can be wrong: one clear line each. */
static void test_google_bad_files(void **state)
{
	struct fixture *f = *state;
	char *good = sa_json(f->rsa, NULL), *ec = sa_json(f->p256, NULL);
	char *http = sa_json(f->rsa, "http://oauth2.googleapis.com/token");
	char *frag = sa_json(f->rsa, "https://oauth2.googleapis.com/token?x=1#y");
	char *esc = sa_json(f->rsa, "https://oauth2.googleapis.com/t\xc2\x9b" "2J");
	char *noemail, *nokey, *user;
	const struct {
		const char *what;
		const char *text;
		mode_t mode;
		const char *want;
	} rows[] = {
		{ "not JSON", "-----BEGIN PRIVATE KEY-----\n", 0600, "is not a JSON object" },
		{ "a JSON array", "[]", 0600, "is not a JSON object" },
		{ "user credentials", "{\"type\":\"authorized_user\",\"client_id\":\"x\",\"refresh_token\":\"y\"}",
		  0600, "holds 'authorized_user' credentials, not a service account key" },
		{ "no client_email", (noemail = strdup(good)), 0600, "has no usable 'client_email'" },
		{ "no private_key", (nokey = strdup(good)), 0600, "has no 'private_key'" },
		{ "an EC key", ec, 0600, "is EC, but RS256 needs an RSA key" },
		{ "http token_uri", http, 0600, "is not an https URL" },
		{ "token_uri with a fragment", frag, 0600, "has a fragment" },
		{ "token_uri not ASCII, shown escaped", esc, 0600,
		  "token_uri 'https://oauth2.googleapis.com/t\\xc2\\x9b2J' in service account file" },
		{ "duplicate keys", "{\"client_email\":\"a\",\"client_email\":\"b\"}", 0600, "is not a JSON object" },
		{ "readable by others", good, 0644, "chmod 600" },
		{ "control character", (user = strdup("{\"type\":\"service_account\",\"client_email\":\"a\\u001bb\"}")), 0600,
		  "contains a control character" },
	};
	char *path = tu_join(f->dir, "bad.json"), *k;
	size_t i;
	int bad = 0;

	/* spoil the copies: rename a key so it is missing */
	k = strstr(noemail, "\"client_email\"");
	assert_non_null(k);
	memcpy(k + 1, "x", 1);
	k = strstr(nokey, "\"private_key\"");
	assert_non_null(k);
	memcpy(k + 1, "x", 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jwtcred_error err = { "" };
		struct jc_service_account sa;
		EVP_PKEY *key = (EVP_PKEY *)"unset";
		int rc;

		assert_int_equal(tu_write_file(path, rows[i].text, strlen(rows[i].text), rows[i].mode), 0);
		rc = jc_service_account_load(path, &sa, &key, &err);
		if (rc != JWTCRED_E_KEY || key != NULL || sa.client_email || !tu_contains(err.text, rows[i].want) ||
		    !tu_contains(err.text, path) || tu_has_control(err.text) ||
		    tu_contains(err.text, "BEGIN PRIVATE KEY")) {
			print_error("%s: rc %d: %s\n", rows[i].what, rc, err.text);
			bad++;
		}
		if (rc == JWTCRED_OK) {
			EVP_PKEY_free(key);
			jc_service_account_clear(&sa);
		}
	}
	assert_int_equal(bad, 0);
	free(good);
	free(ec);
	free(http);
	free(frag);
	free(esc);
	free(noemail);
	free(nokey);
	free(user);
	free(path);
}

/* The remembered audience goes first; the others keep their order. */
static void test_audience_order(void **state)
{
	struct fixture *f = *state;
	struct jc_profile p;
	struct jc_signer s = { 0 };
	const char *out[8];

	(void)f;
	tu_profile_init(&p, NULL);
	tu_profile_audiences(&p, "https://a.example.com", "https://b.example.com", "https://c.example.com", NULL);
	assert_int_equal(jc_audiences(&p, &s, NULL, out, 8), 3);
	assert_string_equal(out[0], "https://a.example.com");
	assert_string_equal(out[2], "https://c.example.com");
	assert_int_equal(jc_audiences(&p, &s, "https://c.example.com", out, 8), 3);
	assert_string_equal(out[0], "https://c.example.com");
	assert_string_equal(out[1], "https://a.example.com");
	assert_string_equal(out[2], "https://b.example.com");
	/* a remembered audience no longer listed is not tried */
	assert_int_equal(jc_audiences(&p, &s, "https://gone.example.com", out, 8), 3);
	assert_string_equal(out[0], "https://a.example.com");
	/* bounded by the caller's array */
	assert_int_equal(jc_audiences(&p, &s, "https://b.example.com", out, 2), 2);
	assert_string_equal(out[0], "https://b.example.com");
	assert_string_equal(out[1], "https://a.example.com");
	tu_profile_free(&p);
}

static long long claim(const char *jws, const char *name)
{
	struct parts j;
	long long v;

	split(jws, &j);
	v = num(j.claims, name);
	parts_free(&j);
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

	tu_profile_init(&p, f->rsa_path);
	jc_clock_set(FIXED_NOW);
	assert_int_equal(jc_now(), FIXED_NOW);
	assert_int_equal(jc_assertion_make(&p, jc_now(), &a, &err), JWTCRED_OK);
	assert_int_equal(jc_assertion_make(&p, jc_now(), &b, &err), JWTCRED_OK);
	assert_int_equal(claim(a, "iat"), FIXED_NOW - JC_IAT_BACKDATE);
	assert_int_equal(claim(b, "exp"), FIXED_NOW - JC_IAT_BACKDATE + 180);
	assert_string_not_equal(a, b); /* a fresh jti each time */
	jc_clock_set(0);
	real = time(NULL);
	assert_in_range(jc_now(), real - 5, real + 5);
	jc_free_secret(a);
	jc_free_secret(b);
	tu_profile_free(&p);
}

/* The key file goes through the same checks the program uses. */
static void test_refuses_keys(void **state)
{
	struct fixture *f = *state;
	jwtcred_error err = { "" };
	struct jc_profile p;
	char *a = (char *)"unset", *loose = tu_join(f->dir, "loose.key");

	tu_profile_init(&p, f->ec_path);
	assert_int_equal(jc_assertion_make(&p, FIXED_NOW, &a, &err), JWTCRED_E_KEY);
	assert_null(a);
	assert_true(tu_contains(err.text, "needs an RSA key"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_salesforce),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_google),
		cmocka_unit_test(test_google_bad_files),
		cmocka_unit_test(test_audience_order),
		cmocka_unit_test(test_clock_injection),
		cmocka_unit_test(test_refuses_keys),
	};

	return cmocka_run_group_tests_name("assertion", tests, setup, teardown);
}
