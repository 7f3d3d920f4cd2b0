/*
 * assertion.h: the assertion a profile sends: who signs it (the key, and
 * iss, sub and kid, which a Google service account file supplies), where it
 * goes, for which audience, and the signed JWT.
 */
#ifndef JWTCRED_ASSERTION_H
#define JWTCRED_ASSERTION_H

#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/conf.h"

/* Who signs, resolved from a profile (and its key document, if its provider has one). */
struct jc_signer {
	EVP_PKEY *key;
	X509 *cert;         /* the certificate the key file holds (PKCS#12), or NULL */
	char *key_file;     /* where the key came from, for messages */
	char *iss;
	char *sub;          /* or NULL */
	char *kid;          /* or NULL */
	char *token_url;    /* where the assertion goes */
	char *x5t;          /* the certificate's thumbprints for the header, or NULL */
	char *x5t_s256;
};

/*
 * Load the key and resolve the identity of profile p.  *s is the caller's
 * (jc_signer_clear, also after a failure).
 */
int jc_signer_load(const struct jc_profile *p, struct jc_signer *s, jwtcred_error *err);
void jc_signer_clear(struct jc_signer *s);

/*
 * The audiences to try, in order, into out[max]: p's audiences (for a
 * google profile without any, the token URL), with `first` moved ahead
 * when it is one of them.  Returns how many (at least one).
 */
size_t jc_audiences(const struct jc_profile *p, const struct jc_signer *s, const char *first,
                    const char **out, size_t max);

/*
 * The signed assertion of profile p for audience aud at time now (a fresh
 * random jti when p->jti).  *out must be freed with jc_free_secret().
 */
int jc_assertion_sign(const struct jc_profile *p, const struct jc_signer *s, const char *aud,
                      time_t now, char **out, jwtcred_error *err);

/* Load the signer and sign for the first audience: what jwtcred assertion prints. */
int jc_assertion_make(const struct jc_profile *p, time_t now, char **out, jwtcred_error *err);

#endif
