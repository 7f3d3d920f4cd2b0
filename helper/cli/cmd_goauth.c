/*
 * cmd_goauth.c: jwtcred goauth [URL], a GOAUTH command for the go command
 * (Go >= 1.24: GOAUTH='jwtcred goauth --profile NAME').
 *
 * Without a URL (Go runs it so before its first HTTPS fetch) it prints one
 * credential set per profile (all, or only --profile): the profile's urls
 * entries that Go can be given as URL prefixes (goauthproto.h: https, no
 * "*." host), a blank line, "Authorization: Bearer <token>", a blank line.
 * A prefix an earlier profile printed is not printed again: the first in
 * the file wins, as it does for jwtcred's own matching.  A profile that
 * cannot mint gets one line on stderr and the others still print: Go
 * discards all of a command's output when it exits non-zero, so the exit
 * status is 1 only when nothing was printed and something failed.
 *
 * With a URL (Go runs it so after a 4xx, the response on stdin) it prints
 * the set of the profile that allows that URL (a "*." entry as the host
 * asked for), nothing for a URL no profile allows.  Only a 401 drops the
 * cached token and mints another: Go probes ?go-get=1 paths and proxies
 * answer 404 for what they lack, and a 404 storm must not become a storm
 * of logins (Salesforce limits them); any other status is answered from
 * the cache.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "cli/refresh.h"
#include "core/allow.h"
#include "core/bazelproto.h"
#include "core/cache.h"
#include "core/clock.h"
#include "core/goauthproto.h"
#include "core/io.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/trace.h"

#define PREFIX_MAX (JC_URL_MAX + 16)

/* The prefixes printed so far, so that the first profile listing one keeps it. */
struct claimed {
	char **v;
	size_t n, cap;
};

static bool claimed_has(const struct claimed *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i], s) == 0)
			return true;
	return false;
}

static int claim(struct claimed *c, const char *s)
{
	char **v;

	if (c->n == c->cap) {
		if (!(v = realloc(c->v, (c->cap * 2 + 8) * sizeof(*v))))
			return -1;
		c->v = v;
		c->cap = c->cap * 2 + 8;
	}
	if (!(c->v[c->n] = strdup(s)))
		return -1;
	c->n++;
	return 0;
}

static void claimed_free(struct claimed *c)
{
	while (c->n)
		free(c->v[--c->n]);
	free(c->v);
}

/*
 * Write p's prefix lines to out (those not claimed yet, which it claims);
 * req: the request a "*." entry is written for as its host, or NULL.
 * The number written, -1 when out of memory.
 */
static long write_prefixes(FILE *out, const struct jc_profile *p, const struct jc_request *req,
                           struct claimed *c)
{
	char line[PREFIX_MAX];
	const char *why;
	long n = 0;
	size_t i;

	for (i = 0; i < p->nurls; i++) {
		const struct jc_url *u = &p->urls[i];
		const char *host = NULL;
		if (req && u->host[0] == '*' && jc_url_match(u, req) >= 0)
			host = req->host;
		if (jc_goauth_prefix(u, host, line, sizeof(line), &why) != 0) {
			jc_trace("profile '%s': urls entry %s://%s/%s skipped: %s", p->name, u->scheme,
			         u->host, u->path, why);
			continue;
		}
		if (claimed_has(c, line)) {
			jc_trace("profile '%s': %s skipped: an earlier profile has it", p->name, line);
			continue;
		}
		if (claim(c, line) != 0)
			return -1;
		fprintf(out, "%s\n", line);
		n++;
	}
	return n;
}

/* The token p's cache entry holds (without minting): the one Go was given.  NULL when none. */
static char *cached_token(const struct jc_profile *p)
{
	char *params = NULL, *dirpath = NULL, *token = NULL, name[JC_ENTRY_NAME];
	struct jc_entry e = { 0 };
	jwtcred_error err;
	int dirfd = -1;

	if (p->cache && jc_cache_key(p, &params, name) == 0 &&
	    jc_cache_open(&dirfd, &dirpath, &err) == 0 && jc_cache_read(dirfd, name, params, &e) == 0)
		token = strdup(e.token);
	if (dirfd >= 0)
		close(dirfd);
	jc_entry_clear(&e);
	free(params);
	free(dirpath);
	return token;
}

/* Go's server refused p's token with a 401: drop it from the cache if it is still there. */
static int drop_rejected(const struct jc_profile *p, jwtcred_error *err)
{
	char *token = cached_token(p);
	bool dropped = false;
	int rc = JWTCRED_OK;

	if (token)
		rc = jc_token_drop(p, token, &dropped, err);
	jc_trace("profile '%s': Go's server said 401: %s", p->name,
	         dropped ? "cached token dropped" : "no cached token to drop");
	jc_free_secret(token);
	return rc;
}

/*
 * One credential set for p into out: its prefixes, then the header with
 * the token in e.  0, 1 when p has no prefix to give (e untouched), -1
 * with the reason said.  rejected: Go's 401, so the cached token is dropped
 * first, and a new one minted.
 */
static int credential_set(FILE *out, const struct jc_profile *p, const struct jc_request *req,
                          bool rejected, struct claimed *c, struct jc_entry *e)
{
	char *lines = NULL;
	size_t len = 0;
	jwtcred_error err;
	FILE *mem;
	long n;

	if (!(mem = open_memstream(&lines, &len)))
		goto nomem;
	n = write_prefixes(mem, p, req, c);
	if (fclose(mem) != 0 || n < 0)
		goto nomem;
	if (n == 0) {
		jc_trace("profile '%s': no urls entry Go can be given", p->name);
		free(lines);
		return 1;
	}
	if ((rejected && drop_rejected(p, &err) != 0) || jc_token_fetch(p, 0, e, &err) != 0)
		goto fail;
	if (!jc_header_token_ok(e->token)) {
		jc_say("profile '%s': the token has characters an HTTP header cannot carry", p->name);
		goto out;
	}
	fprintf(out, "%s\nAuthorization: Bearer %s\n\n", lines, e->token);
	free(lines);
	return 0;
fail:
	jc_say("profile '%s': %s", p->name, err.text);
out:
	jc_entry_clear(e);
	free(lines);
	return -1;
nomem:
	jc_say("out of memory");
	free(lines);
	return -1;
}

/* Write the composed answer (when print), then wipe it: all of it or nothing. */
static int emit(bool print, char *buf, size_t len)
{
	int rc = print ? 0 : -1;

	if (print && len && (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)) {
		jc_say("cannot write the credentials");
		rc = -1;
	}
	if (buf) {
		jc_wipe(buf, len);
		free(buf);
	}
	return rc;
}

/* No URL: every profile's set (or --profile's). */
static int goauth_all(const struct jc_cli *cli, const struct jwtcred_config *cfg)
{
	struct jc_entry *served = calloc(cfg->nprofiles + 1, sizeof(*served));
	struct claimed c = { 0 };
	char *buf = NULL;
	size_t len = 0, i, printed = 0, failed = 0;
	FILE *mem = NULL;
	int rc, status = JC_EXIT_FAIL;

	if (!served || !(mem = open_memstream(&buf, &len))) {
		jc_say("out of memory");
		goto out;
	}
	for (i = 0; i < cfg->nprofiles; i++) {
		const struct jc_profile *p = &cfg->profiles[i];
		if (cli->profile && strcmp(cli->profile, p->name) != 0)
			continue;
		rc = credential_set(mem, p, NULL, false, &c, &served[i]);
		printed += rc == 0;
		failed += rc < 0;
	}
	rc = fclose(mem);
	if (rc != 0)
		jc_say("out of memory");
	if (emit(rc == 0, buf, len) == 0 && (printed || !failed))
		status = JC_EXIT_OK;
	for (i = 0; status == JC_EXIT_OK && i < cfg->nprofiles; i++)
		if (served[i].token)
			jc_cli_refresh_ahead(&cfg->profiles[i], 0, &served[i], true);
out:
	for (i = 0; served && i < cfg->nprofiles; i++)
		jc_entry_clear(&served[i]);
	free(served);
	claimed_free(&c);
	return status;
}

/* Go's response on stdin (bounded; none at all is fine): its status code in *code. */
static int read_response(int *code)
{
	jwtcred_error err;
	size_t len;
	char *buf;
	int rc;

	rc = jc_read_fd(STDIN_FILENO, JC_GOAUTH_MAX_INPUT, &buf, &len);
	if (rc == JWTCRED_E_INPUT) {
		jc_say("input is larger than %d bytes", JC_GOAUTH_MAX_INPUT);
		return -1;
	}
	if (rc) {
		jc_say("cannot read standard input");
		return -1;
	}
	rc = jc_goauth_status(buf, len, code, &err);
	jc_free_secret(buf);
	if (rc) {
		jc_say("%s", err.text);
		return -1;
	}
	return 0;
}

/* A URL: the set of the profile that allows it, after Go's 4xx for it. */
static int goauth_url(const struct jc_cli *cli, const struct jwtcred_config *cfg, const char *url)
{
	const struct jc_profile *p;
	struct jc_entry e = { 0 };
	struct jc_request req;
	struct claimed c = { 0 };
	jwtcred_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int code, rc, status = JC_EXIT_FAIL;

	if (read_response(&code) != 0)
		return JC_EXIT_FAIL;
	if (jc_https_url_check(url, JC_URL_QUERY, &err) != 0) {
		jc_trace("the URL %s: no credentials for it", err.text);
		return JC_EXIT_OK;
	}
	if (jc_request_from_url(url, &req) != 0) {
		jc_trace("the URL cannot be parsed: no credentials for it");
		return JC_EXIT_OK;
	}
	p = jc_allowed_profile(cfg, cli->profile, &req);
	jc_trace("request https://%s/%s (status %d) -> %s%s%s", req.host, req.path ? req.path : "",
	         code, p ? "profile '" : "no profile", p ? p->name : "", p ? "'" : "");
	if (!p) {
		jc_request_clear(&req);
		return JC_EXIT_OK;
	}
	if (!(mem = open_memstream(&buf, &len))) {
		jc_say("out of memory");
		goto out;
	}
	rc = credential_set(mem, p, &req, code == 401, &c, &e);
	if (fclose(mem) != 0) {
		jc_say("out of memory");
		rc = -1;
	}
	if (emit(rc >= 0, buf, len) == 0)
		status = JC_EXIT_OK;
	if (status == JC_EXIT_OK && e.token)
		jc_cli_refresh_ahead(p, 0, &e, true);
out:
	jc_entry_clear(&e);
	jc_request_clear(&req);
	claimed_free(&c);
	return status;
}

int jc_front_goauth(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	jwtcred_error err;
	int status = JC_EXIT_FAIL;

	if (cli->nrest > 1) {
		jc_say("goauth takes one URL at most (GOAUTH='jwtcred goauth --profile NAME')");
		return JC_EXIT_USAGE;
	}
	if (jc_cli_config(cli, &cfg) != 0)
		return JC_EXIT_FAIL;
	if (cli->profile && jc_conf_profile(cfg, cli->profile, &p, &err) != 0)
		jc_say("%s", err.text);
	else if (cli->nrest == 1)
		status = goauth_url(cli, cfg, cli->rest[0]);
	else
		status = goauth_all(cli, cfg);
	jc_conf_free(cfg);
	return status;
}
