/*
 * front_mint.c: jwtcred assertion | check, the commands that need the
 * signing engine.  They live in the minting module with it, so that the
 * program itself never loads OpenSSL or libcurl.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "core/clock.h"
#include "core/secret.h"
#include "engine/assertion.h"
#include "engine/jwt.h"
#include "engine/key.h"
#include "engine/mint.h"

#define CERT_WARN_DAYS 30

int jc_front_assertion(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	char *jws = NULL, *decoded = NULL;
	jwtcred_error err;
	int status;

	if ((status = jc_cli_profile(cli, &cfg, &p)) != JC_EXIT_OK)
		goto out;
	status = JC_EXIT_FAIL;
	if (jc_assertion_make(p, jc_now(), &jws, &err) != 0 ||
	    (cli->decode && jc_assertion_decode(jws, &decoded, &err) != 0)) {
		jc_say("%s", err.text);
		goto out;
	}
	if (printf("%s\n", decoded ? decoded : jws) >= 0 && fflush(stdout) == 0)
		status = JC_EXIT_OK;
out:
	jc_free_secret(jws);
	free(decoded);
	jc_conf_free(cfg);
	return status;
}

/* A certificate file: PEM, else DER.  NULL (after saying why) when it is neither. */
static X509 *read_certificate(const char *path)
{
	const unsigned char *der;
	unsigned char buf[64 * 1024];
	X509 *cert = NULL;
	size_t n;
	FILE *f;

	if (!(f = fopen(path, "rb"))) {
		jc_say("cannot open certificate '%s': %s", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n == sizeof(buf)) {
		jc_say("certificate '%s' is larger than %zu bytes: is it the right file?", path, sizeof(buf) - 1);
		return NULL;
	}
	if (n > 0) {
		BIO *bio = BIO_new_mem_buf(buf, (int)n);
		if (bio) {
			cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
			BIO_free(bio);
		}
		der = buf;
		if (!cert)
			cert = d2i_X509(NULL, &der, (long)n);
	}
	ERR_clear_error();
	if (!cert)
		jc_say("'%s' is not a certificate (PEM or DER)", path);
	return cert;
}

/*
 * Does `cert` (named `what`) match the key, and is it still valid?  The
 * connected app (or the server) stops accepting the key the day it expires.
 */
static int check_certificate(const struct jc_profile *p, const char *what, X509 *cert,
                             EVP_PKEY *key, const char *key_file)
{
	int days = 0, secs = 0;
	EVP_PKEY *pub = X509_get0_pubkey(cert);

	if (!pub || EVP_PKEY_eq(pub, key) != 1) {
		ERR_clear_error();
		jc_say("%s does not match private key '%s': upload the certificate made from this key to the connected app",
		       what, key_file);
		return JC_EXIT_FAIL;
	}
	if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert))) {
		jc_say("%s has an unreadable expiry date", what);
		return JC_EXIT_FAIL;
	}
	if (days < 0 || (days == 0 && secs <= 0)) {
		jc_say("%s has expired: make a new one from the key and upload it to the connected app", what);
		return JC_EXIT_FAIL;
	}
	if (days < CERT_WARN_DAYS)
		jc_say("warning: %s expires in %d days: the connected app stops accepting the key that day",
		       what, days);
	printf("profile '%s': %s matches the key, valid for %d more days\n", p->name, what, days);
	return JC_EXIT_OK;
}

static int check_certificates(const struct jc_profile *p, const struct jc_signer *s)
{
	char what[4200];
	X509 *cert;
	int status = JC_EXIT_OK;

	if (p->certificate) {
		if (!(cert = read_certificate(p->certificate)))
			return JC_EXIT_FAIL;
		snprintf(what, sizeof(what), "certificate '%s'", p->certificate);
		status = check_certificate(p, what, cert, s->key, s->key_file);
		X509_free(cert);
	}
	/* the certificate a PKCS#12 file (or a PEM bundle) carries with the key */
	if (s->cert && status == JC_EXIT_OK) {
		snprintf(what, sizeof(what), "the certificate in '%s'", s->key_file);
		status = check_certificate(p, what, s->cert, s->key, s->key_file);
	}
	return status;
}

static int check_profile(const struct jc_cli *cli, const struct jc_profile *p)
{
	struct jc_signer s;
	struct jc_answer g;
	jwtcred_error err;
	char desc[64];
	int status = JC_EXIT_FAIL;

	if (jc_signer_load(p, &s, &err) != 0) {
		jc_say("profile '%s': %s", p->name, err.text);
		goto out;
	}
	jc_key_describe(s.key, desc, sizeof(desc));
	printf("profile '%s': key '%s' (%s) fits %s\n", p->name, s.key_file, desc, p->algorithm);
	if (p->provider == JC_PROVIDER_GOOGLE)
		printf("profile '%s': service account %s, key id %s, token endpoint %s\n", p->name, s.iss,
		       s.kid ? s.kid : "(none)", s.token_url);
	if (check_certificates(p, &s) != JC_EXIT_OK)
		goto out;
	if (cli->online) {
		if (jc_mint(p, NULL, &g, &err) != 0) {
			jc_say("profile '%s': %s", p->name, err.text);
			goto out;
		}
		printf("profile '%s': minted a token at %s%s%s%s%s\n", p->name, s.token_url,
		       g.instance_url ? " for instance " : "", g.instance_url ? g.instance_url : "",
		       p->naudiences > 1 ? " with aud " : "", p->naudiences > 1 ? g.audience : "");
		jc_answer_clear(&g);
	}
	status = JC_EXIT_OK;
out:
	jc_signer_clear(&s);
	return status;
}

int jc_front_check(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	jwtcred_error err;
	int status = JC_EXIT_OK;
	size_t i;

	if (jc_cli_config(cli, &cfg) != 0)
		return JC_EXIT_FAIL;
	printf("configuration '%s': %zu profile%s\n", cfg->path, cfg->nprofiles,
	       cfg->nprofiles == 1 ? "" : "s");
	if (cli->profile) {
		if (jc_conf_profile(cfg, cli->profile, &p, &err) != 0) {
			jc_say("%s", err.text);
			status = JC_EXIT_FAIL;
		} else {
			status = check_profile(cli, p);
		}
	} else {
		for (i = 0; i < cfg->nprofiles; i++)
			if (check_profile(cli, &cfg->profiles[i]) != JC_EXIT_OK)
				status = JC_EXIT_FAIL;
	}
	fflush(stdout);
	jc_conf_free(cfg);
	return status;
}

