/*
 * sealed.h: shared-cache entries, encrypted and authenticated on the client.
 *
 * A Redis server (and the network to it) sees only sealed values.  The key
 * of a profile's entries comes from material only the machines that could
 * mint hold (the signing key, or shared_cache.secret_file):
 *
 *   prk   = HKDF-Extract(salt = "jwtcred shared cache v1", ikm)
 *   name  = hex(HMAC-SHA256(HKDF-Expand(prk, "name", 32), fingerprint))[0..31]
 *   key   = HKDF-Expand(prk, "entry " || name, 32)
 *   value = "jc1." || nonce(12) || AES-256-GCM(key, nonce, aad, entry JSON) || tag(16)
 *   aad   = "jwtcred shared cache v1" || 0x00 || name
 *
 * The fingerprint is the entry's machine-independent parameters (the
 * caller's string: endpoints, issuer, subject, the key's public half...),
 * so the name says nothing to whoever reads Redis, and an entry copied to
 * another name (another profile, another owner) fails to open.
 */
#ifndef JWTCRED_SEALED_H
#define JWTCRED_SEALED_H

#include <stddef.h>

#include "core/cache.h"
#include "core/fail.h"

#define JC_SEAL_NAME 33          /* 32 hex digits and the NUL */
#define JC_SEAL_MAX (64 * 1024)  /* the largest sealed value opened */

/* A profile's sealing key (the HKDF PRK); secret: jc_seal_key_clear() wipes it. */
struct jc_seal_key {
	unsigned char prk[32];
};

/*
 * Derive k from ikm[0..n) (n > 0, else JWTCRED_E_USAGE).  JWTCRED_E_SYSTEM
 * when OpenSSL fails.  ikm must be the same bytes on every machine of the
 * fleet: a canonical encoding of the decoded private key (i2d_PrivateKey),
 * not the key file's bytes (an encrypted PEM, or one key as PKCS#1 here and
 * PKCS#8 there, differ from machine to machine).  It must be a high-entropy
 * secret: whoever reads Redis can test guesses of ikm offline against any
 * name or value, so a short client_secret is no key; such profiles need
 * shared_cache.secret_file.
 */
int jc_seal_key_init(struct jc_seal_key *k, const unsigned char *ikm, size_t n,
                     jwtcred_error *err);
void jc_seal_key_clear(struct jc_seal_key *k);

/* The entry name (32 lower-case hex digits) for fingerprint (NUL-terminated) under k. */
int jc_seal_name(const struct jc_seal_key *k, const char *fingerprint, char name[JC_SEAL_NAME],
                 jwtcred_error *err);

/*
 * Seal entry e (every field of struct jc_entry, e->params included: the
 * caller puts the fingerprint there) under name: *val (the caller's, free;
 * it holds no secret in clear) of *len bytes, at most JC_SEAL_MAX.
 * JWTCRED_E_USAGE for a name jc_seal_name() did not make, JWTCRED_E_NOMEM
 * (also for a required string of e that is NULL), JWTCRED_E_INPUT for an
 * entry too large to open again, JWTCRED_E_SYSTEM when OpenSSL fails;
 * *val is NULL then.
 */
int jc_seal(const struct jc_seal_key *k, const char *name, const struct jc_entry *e,
            unsigned char **val, size_t *len, jwtcred_error *err);

/*
 * Open val[0..len) sealed under name into *out (the caller's,
 * jc_entry_clear; zeroed on failure).  JWTCRED_E_NOTFOUND, with err saying
 * why, for a value that is too long, not ours, of another version, fails
 * authentication (tampered, another key, another name) or holds a damaged
 * entry (the same checks as a cache file: jc_entry_decode).  The caller
 * still compares out->params with its fingerprint, as a cache file read
 * does.  JWTCRED_E_USAGE for a malformed name, JWTCRED_E_NOMEM,
 * JWTCRED_E_SYSTEM.  A value authenticates only as a whole: an older value
 * of the same name, put back by whoever writes Redis, opens (its times are
 * authenticated, so jc_entry_fresh() still refuses it once it expires).
 */
int jc_unseal(const struct jc_seal_key *k, const char *name, const unsigned char *val, size_t len,
              struct jc_entry *out, jwtcred_error *err);

#endif
