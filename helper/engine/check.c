/*
 * check.c: the engine's side of jwtcred check: the key, the certificates
 * made from it, and one mint, reported as findings (the program prints
 * them; this file never does).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "core/answer.h"
#include "core/provider.h"
#include "engine/assertion.h"
#include "engine/cert.h"
#include "engine/check.h"
#include "engine/key.h"
#include "engine/mint.h"

#define CERT_WARN_DAYS 30

/* An error finding, also in err; returns status. */
static int problem(struct jc_findings *out, jwtcred_error *err, int status, const char *text)
{
	if (jc_findings_add(out, JC_ERROR, "%s", text) != 0)
		jc_fail(err, JWTCRED_E_NOMEM, "out of memory recording the findings of jwtcred check");
	else
		jc_fail(err, status, "%s", text);
	return status;
}

/* Any finding but an error: a lost one fails the check (err says so). */
static int note(struct jc_findings *out, jwtcred_error *err, enum jc_level level, const char *text)
{
	if (jc_findings_add(out, level, "%s", text) != 0)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory recording the findings of jwtcred check");
	return 0;
}

/*
 * Does `cert` (named `what`) match the key, and is it still valid?  The
 * connected app (or whoever trusts the key) stops accepting it the day it
 * expires.
 */
static int check_certificate(const struct jc_profile *p, const char *what, X509 *cert,
                             const struct jc_signer *s, struct jc_findings *out, jwtcred_error *err)
{
	const char *trusts = jc_provider_of(p->provider)->trusts_key;
	char text[JC_FINDING_TEXT_MAX];
	EVP_PKEY *pub = X509_get0_pubkey(cert);
	int days = 0, secs = 0;

	if (!pub || EVP_PKEY_eq(pub, s->key) != 1) {
		ERR_clear_error();
		snprintf(text, sizeof(text),
		         "%s does not match private key '%s': upload the certificate made from this key to %s",
		         what, s->key_file, trusts);
		return problem(out, err, JWTCRED_E_KEY, text);
	}
	if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert))) {
		snprintf(text, sizeof(text), "%s has an unreadable expiry date", what);
		return problem(out, err, JWTCRED_E_KEY, text);
	}
	if (days < 0 || (days == 0 && secs <= 0)) {
		snprintf(text, sizeof(text),
		         "%s has expired: make a new one from the key and upload it to %s", what, trusts);
		return problem(out, err, JWTCRED_E_KEY, text);
	}
	if (days < CERT_WARN_DAYS) {
		snprintf(text, sizeof(text),
		         "%s expires in %d days: %s stops accepting the key that day", what, days, trusts);
		if (note(out, err, JC_WARNING, text) != 0)
			return JWTCRED_E_NOMEM;
	}
	snprintf(text, sizeof(text), "profile '%s': %s matches the key, valid for %d more days", p->name,
	         what, days);
	return note(out, err, JC_INFO, text);
}

static int check_certificates(const struct jc_profile *p, const struct jc_signer *s,
                              struct jc_findings *out, jwtcred_error *err)
{
	jwtcred_error why;
	char what[4200];
	X509 *cert;
	int status = 0;

	if (p->certificate) {
		if (!(cert = jc_cert_read(p->certificate, &why)))
			return problem(out, err, JWTCRED_E_KEY, why.text);
		snprintf(what, sizeof(what), "certificate '%s'", p->certificate);
		status = check_certificate(p, what, cert, s, out, err);
		X509_free(cert);
	}
	/* the certificate a PKCS#12 file (or a PEM bundle) carries with the key */
	if (s->cert && status == 0) {
		snprintf(what, sizeof(what), "the certificate in '%s'", s->key_file);
		status = check_certificate(p, what, s->cert, s, out, err);
	}
	return status;
}

/*
 * err's text as a finding about p: "profile 'NAME': " before it, unless
 * jc_fail_where already put "'FILE':LINE: profile 'NAME': " there.
 */
static void about_profile(const struct jc_profile *p, const jwtcred_error *err, char *text,
                          size_t len)
{
	char named[JC_FINDING_TEXT_MAX];

	snprintf(named, sizeof(named), "profile '%s': ", p->name);
	/* a text too long for a finding is cut: it stays one line */
	if (snprintf(text, len, "%s%s", strstr(err->text, named) ? "" : named, err->text) < 0)
		text[0] = '\0';
}

/* One mint, said with where it went (the token itself never). */
static int check_online(const struct jc_profile *p, const struct jc_signer *s,
                        struct jc_findings *out, jwtcred_error *err)
{
	char text[JC_FINDING_TEXT_MAX];
	struct jc_answer g;
	int status;

	if ((status = jc_mint(p, NULL, &g, err)) != 0) {
		about_profile(p, err, text, sizeof(text));
		return problem(out, err, status, text);
	}
	snprintf(text, sizeof(text), "profile '%s': minted a token at %s%s%s%s%s", p->name, s->token_url,
	         g.instance_url ? " for instance " : "", g.instance_url ? g.instance_url : "",
	         p->naudiences > 1 ? " with aud " : "", p->naudiences > 1 ? g.audience : "");
	jc_answer_clear(&g);
	return note(out, err, JC_INFO, text);
}

int jc_check_profile(const struct jc_profile *p, bool online, struct jc_findings *out,
                     jwtcred_error *err)
{
	char text[JC_FINDING_TEXT_MAX], desc[64];
	struct jc_signer s;
	int status;

	if ((status = jc_signer_load(p, &s, err)) != 0) {
		about_profile(p, err, text, sizeof(text));
		status = problem(out, err, status, text);
		goto out;
	}
	jc_key_describe(s.key, desc, sizeof(desc));
	snprintf(text, sizeof(text), "profile '%s': key '%s' (%s) fits %s", p->name, s.key_file, desc,
	         p->algorithm);
	if ((status = note(out, err, JC_INFO, text)) != 0)
		goto out;
	if (jc_provider_of(p->provider)->read_key_document) { /* who signs came from the key file */
		snprintf(text, sizeof(text), "profile '%s': service account %s, key id %s, token endpoint %s",
		         p->name, s.iss, s.kid ? s.kid : "(none)", s.token_url);
		if ((status = note(out, err, JC_INFO, text)) != 0)
			goto out;
	}
	if ((status = check_certificates(p, &s, out, err)) != 0)
		goto out;
	if (online)
		status = check_online(p, &s, out, err);
out:
	jc_signer_clear(&s);
	return status;
}
