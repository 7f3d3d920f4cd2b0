/*
 * assertion.c: from a profile to a signed assertion.
 *
 * Salesforce and generic profiles name their key and their iss and sub;
 * a provider with a key document (Google: a service account file) names
 * that instead, and its provider reads from it the issuer, the kid and the
 * token URL.  The file is read here, when minting, never when the
 * configuration is loaded.  The claims are the provider's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include "core/fail.h"
#include "core/provider.h"
#include "core/trace.h"
#include "engine/assertion.h"
#include "engine/cert.h"
#include "engine/jwt.h"
#include "engine/key.h"

void jc_signer_clear(struct jc_signer *s)
{
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	free(s->key_file);
	free(s->iss);
	free(s->sub);
	free(s->kid);
	free(s->token_url);
	free(s->x5t);
	free(s->x5t_s256);
	memset(s, 0, sizeof(*s));
}

/*
 * The thumbprints p->thumbprint asks for, of 'certificate', else of the
 * certificate the key file holds (PKCS#12).  The certificate must be the
 * signing key's: a wrong pairing would otherwise show only as the server's
 * refusal of an unknown thumbprint (Entra ID's AADSTS700027).
 */
static int signer_thumbprints(const struct jc_profile *p, struct jc_signer *s, jwtcred_error *err)
{
	X509 *cert = s->cert, *own = NULL;
	int rc;

	if (!p->thumbprint)
		return JWTCRED_OK;
	if (p->certificate && !(cert = own = jc_cert_read(p->certificate, err)))
		return JWTCRED_E_KEY;
	if (!cert)
		return jc_fail(err, JWTCRED_E_KEY,
		               "profile '%s' puts the certificate's thumbprint in the header: set 'certificate' to the certificate uploaded for this key (or thumbprint = \"none\")",
		               p->name);
	if (!X509_get0_pubkey(cert) || EVP_PKEY_eq(X509_get0_pubkey(cert), s->key) != 1) {
		ERR_clear_error();
		rc = jc_fail(err, JWTCRED_E_KEY,
		             "certificate '%s' does not match private key '%s': set 'certificate' to the certificate made from this key (the one uploaded for it)",
		             p->certificate ? p->certificate : s->key_file, s->key_file);
		X509_free(own);
		return rc;
	}
	rc = jc_cert_thumbprints(cert, p->thumbprint & JC_X5T_SHA1 ? &s->x5t : NULL,
	                         p->thumbprint & JC_X5T_S256 ? &s->x5t_s256 : NULL, err);
	X509_free(own);
	return rc;
}

/* The key file is a key; the profile says who signs. */
static int key_signer(const struct jc_profile *p, struct jc_signer *s, jwtcred_error *err)
{
	int rc;

	if ((rc = jc_key_load(p, &s->key, &s->cert, err)) != 0)
		return rc;
	if (!(s->iss = strdup(p->issuer)) || (p->key_id && !(s->kid = strdup(p->key_id))) ||
	    !(s->token_url = strdup(p->token_url)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	return signer_thumbprints(p, s, err);
}

/* The key file is the provider's document (a service account file): it says who signs. */
static int document_signer(const struct jc_profile *p, const struct jc_provider_def *d,
                           struct jc_signer *s, jwtcred_error *err)
{
	struct jc_identity id;
	int rc;

	if ((rc = jc_key_document_load(d, s->key_file, p->algorithm, &id, &s->key, err)) != 0)
		return rc;
	s->iss = id.iss;
	s->kid = id.kid;
	id.iss = id.kid = NULL; /* transferred */
	/* token_url set in the profile wins; else the document's; else the provider's default */
	if (!p->token_url_set && id.token_url) {
		s->token_url = id.token_url;
		id.token_url = NULL; /* transferred */
	}
	jc_identity_clear(&id);
	if (!s->iss)
		return jc_fail(err, JWTCRED_E_KEY, "key file '%s' names no issuer", s->key_file);
	if (!s->token_url && !(s->token_url = strdup(p->token_url)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	return JWTCRED_OK;
}

/*
 * The setting a key error is about, to name its line: the passphrase's
 * when the message is about it (a wrong one, its file, its variable),
 * else the key file's.
 */
static const char *key_setting(const struct jc_profile *p, const char *file,
                               const jwtcred_error *err)
{
	bool pass = err && strstr(err->text, "passphrase");

	if (pass && p->passphrase_file)
		return "passphrase_file";
	if (pass && p->passphrase_env)
		return "passphrase_env";
	return file == p->service_account_file ? "service_account_file" : "private_key";
}

int jc_signer_load(const struct jc_profile *p, struct jc_signer *s, jwtcred_error *err)
{
	const struct jc_provider_def *d = jc_provider_of(p->provider);
	const char *file = jc_provider_key_file(p);
	int rc;

	memset(s, 0, sizeof(*s));
	if (!file)
		return jc_fail(err, JWTCRED_E_KEY, "profile '%s' names no key file", p->name);
	if (!(s->key_file = strdup(file)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	rc = d->read_key_document ? document_signer(p, d, s, err) : key_signer(p, s, err);
	if (rc == JWTCRED_E_KEY)
		jc_fail_where(p, key_setting(p, file, err), err);
	if (!rc && p->subject && !(s->sub = strdup(p->subject)))
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	return rc;
}

size_t jc_audiences(const struct jc_profile *p, const struct jc_signer *s, const char *first,
                    const char **out, size_t max)
{
	size_t i, n = 0;

	if (max == 0)
		return 0;
	if (p->naudiences == 0) {
		out[0] = s->token_url;
		return 1;
	}
	for (i = 0; first && i < p->naudiences; i++)
		if (strcmp(p->audiences[i], first) == 0)
			out[n++] = p->audiences[i];
	for (i = 0; i < p->naudiences && n < max; i++)
		if (!first || strcmp(p->audiences[i], first) != 0)
			out[n++] = p->audiences[i];
	return n;
}

int jc_assertion_sign(const struct jc_profile *p, const struct jc_signer *s, const char *aud,
                      time_t now, char **out, jwtcred_error *err)
{
	struct jc_claims c = { 0 };
	struct jc_header h = { p->algorithm, s->kid, p->typ, s->x5t, s->x5t_s256 };
	unsigned char raw[16];
	char *jti = NULL, *claims = NULL, *header = NULL;
	int rc;

	*out = NULL;
	if (p->jti) {
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			return jc_fail(err, JWTCRED_E_SIGN, "the random number generator failed");
		if ((rc = jc_b64url_encode(raw, sizeof(raw), &jti)))
			goto out;
	}
	c.iss = s->iss;
	c.sub = s->sub;
	c.jti = jti;
	jc_provider_of(p->provider)->claims(p, aud, (long long)now, &c);
	if ((rc = jc_claims_json(&c, &claims)) || (rc = jc_header_json_ext(&h, &header))) {
		if (rc == JWTCRED_E_INPUT)
			rc = jc_fail(err, rc, "profile '%s': a claim is not valid UTF-8", p->name);
		goto out;
	}
	if ((rc = jc_jws_sign(s->key, p->algorithm, header, claims, out, err)))
		goto out;
	jc_trace("signed a %s assertion for iss=%s sub=%s aud=%s%s%s%s%s, valid %lds", p->algorithm,
	         s->iss, s->sub ? s->sub : "(none)", aud ? aud : "(none)", s->kid ? " kid=" : "", s->kid ? s->kid : "",
	         s->x5t_s256 ? " x5t#S256=" : "", s->x5t_s256 ? s->x5t_s256 : "", p->assertion_lifetime);
out:
	if (rc == JWTCRED_E_NOMEM)
		jc_fail(err, rc, "out of memory building the assertion");
	free(jti);
	free(claims);
	free(header);
	return rc;
}

int jc_assertion_make(const struct jc_profile *p, time_t now, char **out, jwtcred_error *err)
{
	struct jc_signer s;
	const char *aud[1];
	int rc;

	*out = NULL;
	if ((rc = jc_signer_load(p, &s, err)) == 0) {
		jc_audiences(p, &s, NULL, aud, 1);
		rc = jc_assertion_sign(p, &s, aud[0], now, out, err);
	}
	jc_signer_clear(&s);
	return rc;
}
