/*
 * key.h: load a profile's private key (PEM PKCS#8, PKCS#1, encrypted PKCS#8)
 * after checking, on the open descriptor, that nobody else can read it.
 */
#ifndef JWTCRED_KEY_H
#define JWTCRED_KEY_H

#include <openssl/evp.h>

#include "conf.h"

/* Load p->private_key (with its passphrase if any); *out is the caller's. */
int jc_key_load(const struct jc_profile *p, EVP_PKEY **out, jwtcred_error *err);

/*
 * Load a PEM key from memory; `label` names it in messages.  passphrase may
 * be NULL.  Used by jc_key_load and the unit tests.
 */
int jc_key_from_pem(const char *pem, size_t len, const char *passphrase, const char *label,
                    EVP_PKEY **out, jwtcred_error *err);

/* Does the key fit the JWS algorithm?  Checked before every signature. */
int jc_key_check_alg(EVP_PKEY *key, const char *alg, const char *label, jwtcred_error *err);

/*
 * Open a secret file (key, passphrase): refuse one that group or others can
 * read, or that another user owns, naming the chmod fix.  Reads at most max
 * bytes into *out (wipe it after use).
 */
int jc_read_secret_file(const char *path, const char *what, size_t max, char **out,
                        size_t *len, jwtcred_error *err);

#endif
