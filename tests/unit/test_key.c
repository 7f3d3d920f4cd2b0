/*
 * test_key.c: key files.  Every format for every key type (PEM PKCS#8,
 * PKCS#1 / SEC1, encrypted PKCS#8, legacy-encrypted PEM, PKCS#12 with its
 * certificate), wrong and missing passphrases, PKCS#12 without a key or
 * with an empty passphrase, garbage, and the profile-level load with its
 * passphrase file, permission check and algorithm hint.  Every key, every
 * certificate and every PKCS#12 file is made here and now.
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

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "engine/key.h"
#include "testutil.h"

#define PASS "correct horse battery staple"

struct kind {
	const char *name;
	EVP_PKEY *key;
	bool traditional; /* has a PKCS#1 / SEC1 form */
	const char *alg;  /* the algorithm it fits */
};

struct fixture {
	struct kind kinds[5];
	char *dir;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->kinds[0] = (struct kind){ "RSA", tu_rsa_key(2048), true, "RS256" };
	f->kinds[1] = (struct kind){ "P-256", tu_ec_key("P-256"), true, "ES256" };
	f->kinds[2] = (struct kind){ "P-384", tu_ec_key("P-384"), true, "ES384" };
	f->kinds[3] = (struct kind){ "P-521", tu_ec_key("P-521"), true, "ES512" };
	f->kinds[4] = (struct kind){ "Ed25519", tu_ed25519_key(), false, "EdDSA" };
	f->dir = tu_tmpdir();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < 5; i++)
		EVP_PKEY_free(f->kinds[i].key);
	tu_rmtree(f->dir);
	free(f);
	return 0;
}

/* Parse data; the key must be `want` (and fit its algorithm). */
static bool parses_to(const void *data, size_t len, const char *pass, const struct kind *want,
                      X509 **cert, const char *what)
{
	jwtcred_error err = { "" };
	EVP_PKEY *key = NULL;
	int rc = jc_key_parse(data, len, pass, "k", &key, cert, &err);
	bool ok = rc == JWTCRED_OK && key && EVP_PKEY_eq(key, want->key) == 1 &&
	          jc_key_check_alg(key, want->alg, "k", NULL) == JWTCRED_OK;

	if (!ok)
		print_error("%s %s: rc %d: %s\n", want->name, what, rc, err.text);
	EVP_PKEY_free(key);
	return ok;
}

/* Parse data; it must fail with a message containing `want`. */
static bool refused(const void *data, size_t len, const char *pass, const char *want,
                    const char *what)
{
	jwtcred_error err = { "" };
	EVP_PKEY *key = (EVP_PKEY *)"unset";
	X509 *cert = (X509 *)"unset";
	int rc = jc_key_parse(data, len, pass, "k.key", &key, &cert, &err);
	bool ok = rc == JWTCRED_E_KEY && key == NULL && cert == NULL && tu_contains(err.text, want) &&
	          tu_contains(err.text, "'k.key'") && !tu_has_control(err.text);

	if (!ok)
		print_error("%s: rc %d, want '%s': %s\n", what, rc, want, err.text);
	if (rc == JWTCRED_OK)
		EVP_PKEY_free(key);
	return ok;
}

static void test_pem_forms(void **state)
{
	struct fixture *f = *state;
	size_t i;
	int bad = 0;

	for (i = 0; i < 5; i++) {
		const struct kind *k = &f->kinds[i];
		char *pem;
		X509 *cert = (X509 *)"unset";

		pem = tu_key_pem(k->key, TU_PKCS8, NULL, NULL);
		bad += !tu_contains(pem, "BEGIN PRIVATE KEY");
		bad += !parses_to(pem, strlen(pem), NULL, k, &cert, "PKCS#8");
		bad += cert != NULL; /* no certificate in the file */
		/* a passphrase that is not needed does no harm */
		bad += !parses_to(pem, strlen(pem), PASS, k, NULL, "PKCS#8 with a passphrase");
		free(pem);

		pem = tu_key_pem(k->key, TU_PKCS8, PASS, NULL);
		bad += !tu_contains(pem, "BEGIN ENCRYPTED PRIVATE KEY");
		bad += !parses_to(pem, strlen(pem), PASS, k, NULL, "encrypted PKCS#8");
		bad += !refused(pem, strlen(pem), "wrong", "wrong passphrase", "encrypted PKCS#8, wrong passphrase");
		bad += !refused(pem, strlen(pem), NULL, "is encrypted: set passphrase_file or passphrase_env",
		                "encrypted PKCS#8, no passphrase");
		free(pem);

		if (k->traditional) {
			pem = tu_key_pem(k->key, TU_TRADITIONAL, NULL, NULL);
			bad += !tu_contains(pem, i == 0 ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY");
			bad += !parses_to(pem, strlen(pem), NULL, k, NULL, "PKCS#1/SEC1");
			free(pem);
			pem = tu_key_pem(k->key, TU_TRADITIONAL, PASS, NULL);
			bad += !tu_contains(pem, "Proc-Type: 4,ENCRYPTED");
			bad += !parses_to(pem, strlen(pem), PASS, k, NULL, "legacy-encrypted PEM");
			bad += !refused(pem, strlen(pem), NULL, "is encrypted", "legacy-encrypted PEM, no passphrase");
			free(pem);
		}
	}
	assert_int_equal(bad, 0);
}

/* A PEM file holding the key and its certificate gives both. */
static void test_pem_bundle(void **state)
{
	struct fixture *f = *state;
	X509 *cert = tu_self_signed(f->kinds[1].key, 30), *got = NULL;
	char *pem = tu_key_pem(f->kinds[1].key, TU_PKCS8, NULL, cert);

	assert_true(parses_to(pem, strlen(pem), NULL, &f->kinds[1], &got, "bundle"));
	assert_non_null(got);
	assert_int_equal(X509_cmp(cert, got), 0);
	X509_free(got);
	X509_free(cert);
	free(pem);
}

static void test_pkcs12(void **state)
{
	struct fixture *f = *state;
	size_t i, len;
	int bad = 0;

	for (i = 0; i < 5; i++) {
		const struct kind *k = &f->kinds[i];
		X509 *cert = tu_self_signed(k->key, 30), *got = NULL;
		unsigned char *p12 = tu_pkcs12(k->key, cert, PASS, &len);

		bad += !parses_to(p12, len, PASS, k, &got, "PKCS#12");
		if (!got || X509_cmp(got, cert) != 0) {
			print_error("%s PKCS#12: its certificate was not returned\n", k->name);
			bad++;
		}
		X509_free(got);
		bad += !refused(p12, len, "wrong", "cannot open PKCS#12 file 'k.key': wrong passphrase",
		                "PKCS#12, wrong passphrase");
		bad += !refused(p12, len, NULL, "is protected by a passphrase: set passphrase_file or passphrase_env",
		                "PKCS#12, no passphrase");
		free(p12);
		X509_free(cert);
	}
	assert_int_equal(bad, 0);
}

static void test_pkcs12_edges(void **state)
{
	struct fixture *f = *state;
	const struct kind *k = &f->kinds[0];
	X509 *cert = tu_self_signed(k->key, 30);
	unsigned char *p12, junk[600];
	size_t len, i;

	/* an empty passphrase needs none configured */
	p12 = tu_pkcs12(k->key, cert, "", &len);
	assert_true(parses_to(p12, len, NULL, k, NULL, "PKCS#12 with an empty passphrase"));
	free(p12);
	/* certificates only */
	p12 = tu_pkcs12(NULL, cert, PASS, &len);
	assert_true(refused(p12, len, PASS, "holds no private key", "PKCS#12 without a key"));
	/* cut short */
	assert_true(refused(p12, len / 2, PASS, "neither a PEM private key nor a PKCS#12 file",
	                    "truncated PKCS#12"));
	free(p12);
	/* bytes that are neither */
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7 + 3);
	assert_true(refused(junk, sizeof(junk), NULL, "neither a PEM private key nor a PKCS#12 file", "junk"));
	assert_true(refused("", 0, NULL, "neither", "empty"));
	X509_free(cert);
}

/* What people point private_key at by mistake. */
static void test_not_a_key(void **state)
{
	struct fixture *f = *state;
	X509 *cert = tu_self_signed(f->kinds[0].key, 30);
	char *pem = tu_key_pem(f->kinds[0].key, TU_PKCS8, NULL, cert), *c;
	static const char ssh[] = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
	static const char pub[] = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n";

	c = strstr(pem, "-----BEGIN CERTIFICATE");
	assert_non_null(c);
	assert_true(refused(c, strlen(c), NULL, "is a certificate, not a private key", "certificate"));
	assert_true(refused(ssh, sizeof(ssh) - 1, NULL, "OpenSSH format", "OpenSSH key"));
	assert_true(refused(pub, sizeof(pub) - 1, NULL, "is a public key", "public key"));
	X509_free(cert);
	free(pem);
}

/* Through a profile: the file's permissions, the passphrase file, the algorithm. */
static void test_key_load(void **state)
{
	struct fixture *f = *state;
	char *p12path = tu_join(f->dir, "app.p12"), *passpath = tu_join(f->dir, "pass");
	char *ecpath = tu_join(f->dir, "ec.pem"), *pem;
	X509 *cert = tu_self_signed(f->kinds[2].key, 30), *got = NULL;
	unsigned char *p12;
	jwtcred_error err = { "" };
	struct jc_profile p;
	EVP_PKEY *key = NULL;
	size_t len;

	p12 = tu_pkcs12(f->kinds[2].key, cert, PASS, &len);
	assert_int_equal(tu_write_file(p12path, p12, len, 0600), 0);
	assert_int_equal(tu_write_file(passpath, PASS "\n", strlen(PASS) + 1, 0600), 0);
	pem = tu_key_pem(f->kinds[2].key, TU_PKCS8, NULL, NULL);
	assert_int_equal(tu_write_file(ecpath, pem, strlen(pem), 0600), 0);

	/* a generic profile signing ES384 with a PKCS#12 file and its passphrase file */
	tu_profile_init(&p, p12path);
	p.provider = JC_PROVIDER_GENERIC;
	free(p.algorithm);
	p.algorithm = strdup("ES384");
	p.passphrase_file = strdup(passpath);
	assert_int_equal(jc_key_load(&p, &key, &got, &err), JWTCRED_OK);
	assert_int_equal(EVP_PKEY_eq(key, f->kinds[2].key), 1);
	assert_non_null(got);
	EVP_PKEY_free(key);
	X509_free(got);

	/* the wrong algorithm for the key: refused, with the one that fits */
	free(p.algorithm);
	p.algorithm = strdup("ES256");
	key = (EVP_PKEY *)"unset";
	got = (X509 *)"unset";
	assert_int_equal(jc_key_load(&p, &key, &got, &err), JWTCRED_E_KEY);
	assert_null(key);
	assert_null(got);
	assert_true(tu_contains(err.text, "needs curve P-256"));
	assert_true(tu_contains(err.text, "algorithm = \"ES384\" fits this key"));

	/* a Salesforce profile gets no such hint: it signs with RS256 only */
	p.provider = JC_PROVIDER_SALESFORCE;
	free(p.algorithm);
	p.algorithm = strdup("RS256");
	assert_int_equal(jc_key_load(&p, &key, NULL, &err), JWTCRED_E_KEY);
	assert_true(tu_contains(err.text, "is EC, but RS256 needs an RSA key"));
	assert_false(tu_contains(err.text, "fits this key"));

	/* a PKCS#12 file whose passphrase variable is not set */
	p.provider = JC_PROVIDER_GENERIC;
	free(p.algorithm);
	p.algorithm = strdup("ES384");
	free(p.passphrase_file);
	p.passphrase_file = NULL;
	p.passphrase_env = strdup("JWTCRED_UNIT_NOT_SET");
	unsetenv("JWTCRED_UNIT_NOT_SET");
	assert_int_equal(jc_key_load(&p, &key, NULL, &err), JWTCRED_E_KEY);
	assert_true(tu_contains(err.text, "JWTCRED_UNIT_NOT_SET"));
	setenv("JWTCRED_UNIT_NOT_SET", PASS, 1);
	assert_int_equal(jc_key_load(&p, &key, NULL, &err), JWTCRED_OK);
	EVP_PKEY_free(key);
	unsetenv("JWTCRED_UNIT_NOT_SET");

	/* a plain PEM key does not need the (unset) passphrase variable */
	free(p.private_key);
	p.private_key = strdup(ecpath);
	assert_int_equal(jc_key_load(&p, &key, NULL, &err), JWTCRED_OK);
	EVP_PKEY_free(key);

	/* the same permission rule for a PKCS#12 file */
	free(p.private_key);
	p.private_key = strdup(p12path);
	assert_int_equal(chmod(p12path, 0640), 0);
	assert_int_equal(jc_key_load(&p, &key, NULL, &err), JWTCRED_E_KEY);
	assert_true(tu_contains(err.text, "chmod 600"));

	tu_profile_free(&p);
	X509_free(cert);
	free(p12);
	free(pem);
	free(p12path);
	free(passpath);
	free(ecpath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pem_forms),
		cmocka_unit_test(test_pem_bundle),
		cmocka_unit_test(test_pkcs12),
		cmocka_unit_test(test_pkcs12_edges),
		cmocka_unit_test(test_not_a_key),
		cmocka_unit_test(test_key_load),
	};

	return cmocka_run_group_tests_name("key", tests, setup, teardown);
}
