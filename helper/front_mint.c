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

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "front.h"
#include "jwt.h"
#include "key.h"
#include "mint.h"

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

/* Does the profile's certificate match its key, and is it still valid? */
static int check_certificate(const struct jc_profile *p, EVP_PKEY *key)
{
	FILE *f;
	X509 *cert;
	int days = 0, secs = 0, rc = JC_EXIT_FAIL;
	EVP_PKEY *pub;

	if (!(f = fopen(p->certificate, "r"))) {
		jc_say("cannot open certificate '%s': %s", p->certificate, strerror(errno));
		return JC_EXIT_FAIL;
	}
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!cert) {
		jc_say("'%s' is not a PEM certificate", p->certificate);
		return JC_EXIT_FAIL;
	}
	pub = X509_get0_pubkey(cert);
	if (!pub || EVP_PKEY_eq(pub, key) != 1) {
		jc_say("certificate '%s' does not match private key '%s': upload the certificate made from this key to the connected app",
		       p->certificate, p->private_key);
		goto out;
	}
	if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert))) {
		jc_say("certificate '%s' has an unreadable expiry date", p->certificate);
		goto out;
	}
	if (days < 0 || (days == 0 && secs <= 0)) {
		jc_say("certificate '%s' has expired: make a new one from the key and upload it to the connected app",
		       p->certificate);
		goto out;
	}
	if (days < CERT_WARN_DAYS)
		jc_say("warning: certificate '%s' expires in %d days: the connected app stops accepting the key that day",
		       p->certificate, days);
	printf("profile '%s': certificate '%s' matches the key, valid for %d more days\n", p->name,
	       p->certificate, days);
	rc = JC_EXIT_OK;
out:
	X509_free(cert);
	return rc;
}

static int check_profile(const struct jc_cli *cli, const struct jc_profile *p)
{
	EVP_PKEY *key = NULL;
	struct jc_grant g;
	jwtcred_error err;
	int status = JC_EXIT_FAIL;

	if (jc_key_load(p, &key, &err) != 0) {
		jc_say("profile '%s': %s", p->name, err.text);
		return JC_EXIT_FAIL;
	}
	printf("profile '%s': key '%s' (%s, %d bits) fits %s\n", p->name, p->private_key,
	       EVP_PKEY_get0_type_name(key), EVP_PKEY_get_bits(key), p->algorithm);
	if (p->certificate && check_certificate(p, key) != JC_EXIT_OK)
		goto out;
	if (cli->online) {
		if (jc_mint(p, &g, &err) != 0) {
			jc_say("profile '%s': %s", p->name, err.text);
			goto out;
		}
		printf("profile '%s': minted a token at %s%s%s\n", p->name, p->token_url,
		       g.instance_url ? " for instance " : "", g.instance_url ? g.instance_url : "");
		jc_grant_clear(&g);
	}
	status = JC_EXIT_OK;
out:
	EVP_PKEY_free(key);
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

