/*
 * front_token.c: jwtcred token | assertion | check.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "front.h"
#include "jwt.h"
#include "key.h"
#include "mint.h"
#include "token.h"

#define CERT_WARN_DAYS 30

/* 'It'\''s': a single-quoted shell word. */
static void shell_quote(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

/* A double-quoted string as curl's config file reads it. */
static void curl_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static int print_json(FILE *out, const struct jc_profile *p, const struct jc_entry *e)
{
	char expires[32];
	json_t *o;
	char *text = NULL;
	int rc = -1;

	jc_rfc3339(jc_entry_deadline(e, p), expires, sizeof(expires));
	o = json_pack("{s:s s:s s:s}", "access_token", e->token, "token_type", "Bearer",
	              "expires_at", expires);
	if (o && e->instance_url)
		json_object_set_new(o, "instance_url", json_string(e->instance_url));
	if (o && (text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		rc = fprintf(out, "%s\n", text) < 0 ? -1 : 0;
	if (o)
		jc_wipe((char *)json_string_value(json_object_get(o, "access_token")), strlen(e->token));
	json_decref(o);
	jc_free_secret(text);
	return rc;
}

int jc_print_token(FILE *out, const char *format, const struct jc_profile *p,
                   const struct jc_entry *e)
{
	if (!format || strcmp(format, "bare") == 0) {
		fprintf(out, "%s\n", e->token);
	} else if (strcmp(format, "header") == 0) {
		fprintf(out, "Authorization: Bearer %s\n", e->token);
	} else if (strcmp(format, "json") == 0) {
		return print_json(out, p, e);
	} else if (strcmp(format, "env") == 0) {
		fputs("JWTCRED_ACCESS_TOKEN=", out);
		shell_quote(out, e->token);
		fputc('\n', out);
		if (e->instance_url) {
			fputs("JWTCRED_INSTANCE_URL=", out);
			shell_quote(out, e->instance_url);
			fputc('\n', out);
		}
	} else if (strcmp(format, "curl-config") == 0) {
		/* oauth2-bearer, not a header: curl never forwards it on a redirect to another host */
		fputs("oauth2-bearer = ", out);
		curl_quote(out, e->token);
		fputc('\n', out);
	} else {
		return -1;
	}
	return ferror(out) ? -1 : 0;
}

bool jc_token_format_known(const char *format)
{
	static const char *const formats[] = { "bare", "header", "json", "env", "curl-config" };
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(format, formats[i]) == 0)
			return true;
	return false;
}

int jc_front_token(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	struct jc_entry e = { 0 };
	jwtcred_error err;
	unsigned flags = (cli->refresh ? JWTCRED_REFRESH : 0) | (cli->no_cache ? JWTCRED_NO_CACHE : 0);
	int status;

	if ((status = jc_cli_profile(cli, &cfg, &p)) != JC_EXIT_OK)
		goto out;
	if (jc_token_fetch(p, flags, &e, &err) != 0) {
		jc_say("%s", err.text);
		status = JC_EXIT_FAIL;
		goto out;
	}
	if (jc_print_token(stdout, cli->format, p, &e) != 0 || fflush(stdout) != 0) {
		jc_say("cannot write the token to standard output");
		status = JC_EXIT_FAIL;
	}
out:
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}

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

