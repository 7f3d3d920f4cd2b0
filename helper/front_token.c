/*
 * front_token.c: jwtcred token | assertion | check | status | purge.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "front.h"
#include "jwt.h"
#include "key.h"
#include "mint.h"
#include "token.h"

#define CERT_WARN_DAYS 30

static int pick(const struct jc_cli *cli, struct jwtcred_config **cfg, const struct jc_profile **p)
{
	jwtcred_error err;

	*p = NULL;
	if (jc_cli_config(cli, cfg) != 0)
		return JC_EXIT_FAIL;
	if (jc_conf_profile(*cfg, cli->profile, p, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	jc_trace("profile '%s' from '%s' (line %d), token endpoint %s", (*p)->name, (*cfg)->path,
	         (*p)->line, (*p)->token_url);
	return JC_EXIT_OK;
}

int jc_front_token(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	struct jc_entry e = { 0 };
	jwtcred_error err;
	unsigned flags = (cli->refresh ? JWTCRED_REFRESH : 0) | (cli->no_cache ? JWTCRED_NO_CACHE : 0);
	int status;

	if ((status = pick(cli, &cfg, &p)) != JC_EXIT_OK)
		goto out;
	if (jc_token_fetch(p, flags, &e, &err) != 0) {
		jc_say("%s", err.text);
		status = JC_EXIT_FAIL;
		goto out;
	}
	if (printf("%s\n", e.token) < 0 || fflush(stdout) != 0)
		status = JC_EXIT_FAIL;
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

	if ((status = pick(cli, &cfg, &p)) != JC_EXIT_OK)
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

static bool is_entry_name(const char *n)
{
	size_t i;

	for (i = 0; n[i]; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return false;
	return i == 16;
}

static void format_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

/* Visit every cache entry; fn returns non-zero to report a failure. */
static int each_entry(int (*fn)(int dirfd, const char *name, struct jc_entry *e, void *arg),
                      void *arg)
{
	char *dirpath = NULL;
	jwtcred_error err;
	struct dirent *d;
	struct jc_entry e;
	DIR *dir;
	int dirfd, dupfd, status = JC_EXIT_OK;

	if (jc_cache_open(&dirfd, &dirpath, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	free(dirpath);
	if ((dupfd = dup(dirfd)) < 0 || !(dir = fdopendir(dupfd))) {
		jc_say("cannot list the cache directory: %s", strerror(errno));
		close(dirfd);
		return JC_EXIT_FAIL;
	}
	while ((d = readdir(dir))) {
		if (!is_entry_name(d->d_name))
			continue;
		if (jc_cache_read(dirfd, d->d_name, NULL, &e) != 0)
			memset(&e, 0, sizeof(e)); /* damaged or foreign: still listed/purged */
		if (fn(dirfd, d->d_name, &e, arg) != 0)
			status = JC_EXIT_FAIL;
		jc_entry_clear(&e);
	}
	closedir(dir);
	close(dirfd);
	return status;
}

static int print_entry(int dirfd, const char *name, struct jc_entry *e, void *arg)
{
	const struct jc_cli *cli = arg;
	char issued[32], expires[32], left[32];
	long long now = jc_now(), rem;

	(void)dirfd;
	if (cli->profile && (!e->profile || strcmp(cli->profile, e->profile) != 0))
		return 0;
	if (!e->token) {
		printf("%-16s %-28s %-20s %-20s %s\n", "?", "(damaged or foreign)", "-", "-", name);
		return 0;
	}
	format_time(e->issued, issued, sizeof(issued));
	format_time(e->expires, expires, sizeof(expires));
	rem = e->expires - now;
	if (rem <= 0)
		snprintf(left, sizeof(left), "expired");
	else
		snprintf(left, sizeof(left), "%lldm%02llds", rem / 60, rem % 60);
	printf("%-16s %-28s %-20s %-20s %s\n", e->profile, e->subject, issued, expires, left);
	return 0;
}

int jc_front_status(const struct jc_cli *cli)
{
	char *dirpath = NULL;
	jwtcred_error err;
	int dirfd;

	/* a broken cache is an error, not an empty table */
	if (jc_cache_open(&dirfd, &dirpath, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	close(dirfd);
	free(dirpath);
	printf("%-16s %-28s %-20s %-20s %s\n", "PROFILE", "SUBJECT", "ISSUED", "EXPIRES", "REMAINING");
	return each_entry(print_entry, (void *)cli) == 0 && fflush(stdout) == 0 ? JC_EXIT_OK
	                                                                        : JC_EXIT_FAIL;
}

struct purge_ctx {
	const struct jc_cli *cli;
	struct jwtcred_config *cfg; /* only with --revoke */
	unsigned removed;
};

static int purge_entry(int dirfd, const char *name, struct jc_entry *e, void *arg)
{
	struct purge_ctx *ctx = arg;
	const struct jc_profile *p = NULL;
	jwtcred_error err;

	if (ctx->cli->profile && (!e->profile || strcmp(e->profile, ctx->cli->profile) != 0))
		return 0;
	if (ctx->cli->revoke && e->token) {
		if (jc_conf_profile(ctx->cfg, e->profile, &p, &err) != 0) {
			jc_say("cannot revoke the token of profile '%s': it is no longer in the configuration; entry kept",
			       e->profile);
			return 1;
		}
		if (jc_revoke(p, e->token, &err) != 0) {
			jc_say("%s; entry kept", err.text);
			return 1;
		}
	}
	if (jc_cache_remove(dirfd, name, &err) != 0) {
		jc_say("%s", err.text);
		return 1;
	}
	/* the lock file stays: unlinking it under a waiting process would split the lock */
	ctx->removed++;
	return 0;
}

int jc_front_purge(const struct jc_cli *cli)
{
	struct purge_ctx ctx = { cli, NULL, 0 };
	int status;

	if (cli->revoke && jc_cli_config(cli, &ctx.cfg) != 0)
		return JC_EXIT_FAIL;
	status = each_entry(purge_entry, &ctx);
	if (status == JC_EXIT_OK && jc_tracing())
		jc_trace("removed %u cache entr%s", ctx.removed, ctx.removed == 1 ? "y" : "ies");
	jc_conf_free(ctx.cfg);
	return status;
}
