/*
 * sealed.c: shared-cache entries, sealed with AES-256-GCM under keys from
 * HKDF-SHA256 (RFC 5869), as sealed.h lays out.
 *
 * Every derived key and every plaintext is wiped with OPENSSL_cleanse()
 * after its last use.  A value that fails to open says why in err, never
 * with a byte of what it holds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "core/entry.h"
#include "core/fail.h"
#include "engine/sealed.h"

#define CONTEXT "jwtcred shared cache v1" /* the HKDF salt, and the start of the aad */
#define PREFIX "jc1."
#define PREFIX_LEN 4
#define NONCE_LEN 12
#define TAG_LEN 16
#define KEY_LEN 32
#define OVERHEAD (PREFIX_LEN + NONCE_LEN + TAG_LEN)
#define NAME_LEN (JC_SEAL_NAME - 1)
#define AAD_MAX (sizeof(CONTEXT) + NAME_LEN) /* CONTEXT, its NUL as the 0x00, the name */

/* One HKDF step (EXTRACT_ONLY or EXPAND_ONLY) with SHA-256: 0, or -1 when OpenSSL fails. */
static int hkdf(int mode, const unsigned char *key, size_t keylen, const void *extra,
                size_t extralen, unsigned char *out, size_t outlen)
{
	const char *what = mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY ? OSSL_KDF_PARAM_SALT
	                                                          : OSSL_KDF_PARAM_INFO;
	OSSL_PARAM params[5];
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	int rc = -1;

	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, keylen);
	params[3] = OSSL_PARAM_construct_octet_string(what, (void *)extra, extralen);
	params[4] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outlen, params) == 1)
		rc = 0;
out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

/* HMAC-SHA256(key, msg) into out[32]: 0, or -1 when OpenSSL fails. */
static int hmac_sha256(const unsigned char *key, size_t keylen, const char *msg,
                       unsigned char out[32])
{
	OSSL_PARAM params[2];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t n = 0;
	int rc = -1;

	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, keylen, params) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)msg, strlen(msg)) == 1 &&
	    EVP_MAC_final(ctx, out, &n, 32) == 1 && n == 32)
		rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

static bool valid_name(const char *name)
{
	size_t i;

	for (i = 0; i < NAME_LEN; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return name[NAME_LEN] == '\0';
}

int jc_seal_key_init(struct jc_seal_key *k, const unsigned char *ikm, size_t n,
                     jwtcred_error *err)
{
	int rc = JWTCRED_OK;

	memset(k, 0, sizeof(*k));
	if (!ikm || n == 0)
		return jc_fail(err, JWTCRED_E_USAGE, "no key material for the shared cache");
	if (hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, n, CONTEXT, strlen(CONTEXT), k->prk,
	         sizeof(k->prk)) != 0) {
		OPENSSL_cleanse(k->prk, sizeof(k->prk));
		rc = jc_fail(err, JWTCRED_E_SYSTEM, "cannot derive the shared cache key (OpenSSL HKDF)");
	}
	ERR_clear_error();
	return rc;
}

void jc_seal_key_clear(struct jc_seal_key *k)
{
	OPENSSL_cleanse(k->prk, sizeof(k->prk));
}

int jc_seal_name(const struct jc_seal_key *k, const char *fingerprint, char name[JC_SEAL_NAME],
                 jwtcred_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char nk[KEY_LEN], mac[32];
	int rc = JWTCRED_OK;
	size_t i;

	name[0] = '\0';
	if (hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, k->prk, sizeof(k->prk), "name", 4, nk,
	         sizeof(nk)) != 0 ||
	    hmac_sha256(nk, sizeof(nk), fingerprint, mac) != 0) {
		rc = jc_fail(err, JWTCRED_E_SYSTEM, "cannot name the shared cache entry (OpenSSL HMAC)");
		goto out;
	}
	for (i = 0; i < NAME_LEN / 2; i++) {
		name[2 * i] = hex[mac[i] >> 4];
		name[2 * i + 1] = hex[mac[i] & 15];
	}
	name[NAME_LEN] = '\0';
out:
	OPENSSL_cleanse(nk, sizeof(nk));
	OPENSSL_cleanse(mac, sizeof(mac));
	ERR_clear_error();
	return rc;
}

/* The entry key of name, and the aad: CONTEXT, 0x00, name.  0, or -1 when OpenSSL fails. */
static int entry_key(const struct jc_seal_key *k, const char *name, unsigned char key[KEY_LEN],
                     unsigned char aad[AAD_MAX])
{
	char info[sizeof("entry ") + NAME_LEN];

	memcpy(aad, CONTEXT, sizeof(CONTEXT)); /* with its NUL: the 0x00 */
	memcpy(aad + sizeof(CONTEXT), name, NAME_LEN);
	snprintf(info, sizeof(info), "entry %s", name);
	return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, k->prk, sizeof(k->prk), info, strlen(info), key,
	            KEY_LEN);
}

/* AES-256-GCM of pt[0..n) into ct[0..n) and tag: 0, or -1 when OpenSSL fails. */
static int gcm_encrypt(const unsigned char key[KEY_LEN], const unsigned char *nonce,
                       const unsigned char *aad, const unsigned char *pt, int n,
                       unsigned char *ct, unsigned char *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len, rc = -1;

	if (ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)AAD_MAX) == 1 &&
	    EVP_EncryptUpdate(ctx, ct, &len, pt, n) == 1 && len == n &&
	    EVP_EncryptFinal_ex(ctx, ct + n, &len) == 1 && len == 0 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1)
		rc = 0;
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/*
 * The inverse: 0 when tag authenticates aad and ct[0..n) under key (pt
 * then holds the plaintext), -1 otherwise (pt may hold unauthenticated
 * bytes: the caller wipes it either way).
 */
static int gcm_decrypt(const unsigned char key[KEY_LEN], const unsigned char *nonce,
                       const unsigned char *aad, const unsigned char *ct, int n,
                       const unsigned char *tag, unsigned char *pt)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	unsigned char t[TAG_LEN];
	int len, rc = -1;

	memcpy(t, tag, TAG_LEN); /* EVP_CIPHER_CTX_ctrl takes a non-const pointer */
	if (ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
	    EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, aad, (int)AAD_MAX) == 1 &&
	    EVP_DecryptUpdate(ctx, pt, &len, ct, n) == 1 && len == n &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, t) == 1 &&
	    EVP_DecryptFinal_ex(ctx, pt + n, &len) == 1 && len == 0)
		rc = 0;
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int jc_seal(const struct jc_seal_key *k, const char *name, const struct jc_entry *e,
            unsigned char **val, size_t *len, jwtcred_error *err)
{
	unsigned char key[KEY_LEN], aad[AAD_MAX], *v = NULL;
	char *text = NULL;
	size_t n = 0;
	int rc;

	*val = NULL;
	*len = 0;
	if (!valid_name(name)) {
		rc = jc_fail(err, JWTCRED_E_USAGE, "a shared cache entry name is 32 hex digits");
		goto out;
	}
	if ((rc = jc_entry_encode(e, &text)) != JWTCRED_OK) {
		rc = jc_fail(err, rc, "out of memory sealing the shared cache entry");
		goto out;
	}
	n = strlen(text);
	if (n > JC_SEAL_MAX - OVERHEAD) {
		rc = jc_fail(err, JWTCRED_E_INPUT, "the shared cache entry is larger than %d bytes",
		             JC_SEAL_MAX);
		goto out;
	}
	if (!(v = malloc(n + OVERHEAD))) {
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory sealing the shared cache entry");
		goto out;
	}
	memcpy(v, PREFIX, PREFIX_LEN);
	if (RAND_bytes(v + PREFIX_LEN, NONCE_LEN) != 1 || entry_key(k, name, key, aad) != 0 ||
	    gcm_encrypt(key, v + PREFIX_LEN, aad, (const unsigned char *)text, (int)n,
	                v + PREFIX_LEN + NONCE_LEN, v + PREFIX_LEN + NONCE_LEN + n) != 0) {
		rc = jc_fail(err, JWTCRED_E_SYSTEM, "cannot seal the shared cache entry (OpenSSL)");
		goto out;
	}
	*val = v;
	*len = n + OVERHEAD;
	v = NULL; /* transferred */
	rc = JWTCRED_OK;
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (text) {
		OPENSSL_cleanse(text, n ? n : strlen(text));
		free(text);
	}
	free(v);
	ERR_clear_error();
	return rc;
}

/* Why val is not a value of ours to open, or NULL when it may be. */
static const char *refusal(const unsigned char *val, size_t len)
{
	size_t i;

	if (len > JC_SEAL_MAX)
		return "larger than the largest sealed value";
	if (len >= PREFIX_LEN && memcmp(val, PREFIX, PREFIX_LEN) == 0)
		return len < OVERHEAD ? "too short to be sealed" : NULL;
	/* "jc<digits>.": ours, of a version we do not read */
	for (i = 2; i < len && val[i] >= '0' && val[i] <= '9'; i++)
		;
	if (len > 2 && memcmp(val, "jc", 2) == 0 && i > 2 && i < len && val[i] == '.')
		return "sealed by another version of jwtcred";
	return "not a sealed jwtcred entry";
}

int jc_unseal(const struct jc_seal_key *k, const char *name, const unsigned char *val, size_t len,
              struct jc_entry *out, jwtcred_error *err)
{
	unsigned char key[KEY_LEN], aad[AAD_MAX], *pt = NULL;
	const unsigned char *nonce, *ct;
	jwtcred_error why;
	const char *no;
	size_t n = 0;
	int rc = JWTCRED_E_NOTFOUND;

	memset(out, 0, sizeof(*out));
	memset(key, 0, sizeof(key));
	if (!valid_name(name)) {
		rc = jc_fail(err, JWTCRED_E_USAGE, "a shared cache entry name is 32 hex digits");
		goto out;
	}
	if ((no = refusal(val, len))) {
		jc_fail(err, rc, "shared cache entry %s ignored: %s", name, no);
		goto out;
	}
	n = len - OVERHEAD;
	nonce = val + PREFIX_LEN;
	ct = nonce + NONCE_LEN;
	if (!(pt = malloc(n + 1))) {
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory opening the shared cache entry");
		goto out;
	}
	if (entry_key(k, name, key, aad) != 0) {
		rc = jc_fail(err, JWTCRED_E_SYSTEM, "cannot open the shared cache entry (OpenSSL)");
		goto out;
	}
	if (gcm_decrypt(key, nonce, aad, ct, (int)n, ct + n, pt) != 0) {
		jc_fail(err, rc, "shared cache entry %s ignored: it fails authentication (tampered, or sealed under another key or name)",
		        name);
		goto out;
	}
	pt[n] = '\0';
	if (jc_entry_decode_err((const char *)pt, n, out, &why) != JWTCRED_OK) {
		jc_fail(err, rc, "shared cache entry %s ignored: %s", name, why.text);
		goto out;
	}
	rc = JWTCRED_OK;
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (pt) {
		OPENSSL_cleanse(pt, n + 1);
		free(pt);
	}
	ERR_clear_error();
	return rc;
}
