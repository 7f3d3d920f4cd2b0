/*
 * key.h: load a profile's private key after checking, on the open
 * descriptor, that nobody else can read it.  Formats: PEM (PKCS#8, PKCS#1,
 * SEC1 EC, encrypted PKCS#8, legacy-encrypted PEM) of RSA, EC and Ed25519
 * keys; PKCS#12 (.p12/.pfx, with its certificate); Google service account
 * JSON key files.
 */
#ifndef JWTCRED_KEY_H
#define JWTCRED_KEY_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/conf.h"

/*
 * Load p->private_key (with its passphrase if any) and check that it fits
 * p->algorithm.  *key is the caller's; *cert (cert may be NULL) is the
 * certificate the file holds with the key (PKCS#12, or a PEM with both),
 * or NULL.  Not for google profiles (jc_service_account_load).
 */
int jc_key_load(const struct jc_profile *p, EVP_PKEY **key, X509 **cert, jwtcred_error *err);

/*
 * Parse a key file's content: PEM when it holds "-----BEGIN", else PKCS#12.
 * `label` names it in messages; passphrase may be NULL.  cert as above.
 */
int jc_key_parse(const char *data, size_t len, const char *passphrase, const char *label,
                 EVP_PKEY **key, X509 **cert, jwtcred_error *err);

/* PEM only (kept for the callers that have nothing else). */
int jc_key_from_pem(const char *pem, size_t len, const char *passphrase, const char *label,
                    EVP_PKEY **out, jwtcred_error *err);

/*
 * Does the key fit the JWS algorithm?  RS* needs RSA, PS* RSA (or
 * RSA-PSS), both of 2048 bits or more; ES256/384/512 EC on P-256/384/521;
 * EdDSA Ed25519.  Checked before every signature.
 */
int jc_key_check_alg(EVP_PKEY *key, const char *alg, const char *label, jwtcred_error *err);

/* The algorithm this key signs with most naturally (RS256, ES384, EdDSA...), or NULL. */
const char *jc_key_natural_alg(EVP_PKEY *key);

/* "RSA, 2048 bits", "EC, curve P-256", "Ed25519" into buf. */
void jc_key_describe(EVP_PKEY *key, char *buf, size_t len);

/*
 * Read key document `path` of provider d (d->read_key_document: same
 * permission rule as key files): who signs (*id, the caller's:
 * jc_identity_clear) and its PEM key, which must fit alg (*key, the
 * caller's).  Every copy of the key text is wiped.  On error *id is
 * cleared and *key NULL.
 */
int jc_key_document_load(const struct jc_provider_def *d, const char *path, const char *alg,
                         struct jc_identity *id, EVP_PKEY **key, jwtcred_error *err);

/* The non-secret fields of a Google service account key file. */
struct jc_service_account {
	char *client_email;   /* iss */
	char *private_key_id; /* kid, or NULL */
	char *token_uri;      /* https, or NULL */
};

/*
 * Read a service account JSON key file: jc_key_document_load for the
 * google provider and RS256, its identity as these fields.
 */
int jc_service_account_load(const char *path, struct jc_service_account *sa, EVP_PKEY **key,
                            jwtcred_error *err);
void jc_service_account_clear(struct jc_service_account *sa);

/*
 * Open a secret file (key, passphrase): refuse one that group or others can
 * read, or that another user owns, naming the chmod fix.  Reads at most max
 * bytes into *out (wipe it after use).
 */
int jc_read_secret_file(const char *path, const char *what, size_t max, char **out,
                        size_t *len, jwtcred_error *err);

#endif
