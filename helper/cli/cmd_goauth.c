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
 * Only entries with no path are given (goauthproto.h: Go carries the
 * header across redirects to any path, port or subdomain of the host); a
 * profile with none mints nothing.
 *
 * With a URL (Go runs it so after a 4xx, the response on stdin) it prints
 * the entries of the profile that allows that URL which match it (a "*."
 * entry as the host asked for) and that an earlier profile's no-URL set
 * did not claim; nothing for a URL no profile allows.  Only a 401 drops
 * the cached token and mints another, and only when Go could have sent
 * that token: Go probes ?go-get=1 paths and proxies answer 404 for what
 * they lack, and a 404 storm (or a 401 for a URL Go had no token for)
 * must not become a storm of logins (Salesforce limits them).  A token
 * minted less than LOOP_GUARD seconds ago is never dropped either.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
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

/*
 * A 401 for a token minted less than this many seconds ago is answered
 * from the cache: a server that refuses every token (wrong audience, a
 * revoked app) must not make each of Go's fetches a login.  The cost: a
 * token revoked within this time of its minting is served until the
 * window ends and the next 401 drops it.
 */
#define LOOP_GUARD 30

/*
 * An answer being composed: it holds tokens, so it grows by copying into
 * a new block and wiping the old one (realloc would leave copies in freed
 * memory), and is wiped when freed.
 */
struct sbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s), cap;
	char *q;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = (b->len + n + 1) * 2 + 256;
		if (!(q = malloc(cap))) {
			b->failed = true;
			return;
		}
		if (b->p) {
			memcpy(q, b->p, b->len);
			jc_wipe(b->p, b->cap);
			free(b->p);
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static void sb_free(struct sbuf *b)
{
	if (b->p) {
		jc_wipe(b->p, b->cap);
		free(b->p);
	}
	memset(b, 0, sizeof(*b));
}

/* The prefixes printed so far, so that the first profile listing one keeps it. */
struct claimed {
	char **v;
	size_t n, cap;
	const struct jwtcred_config *cfg; /* whose broken profiles no prefix may shadow */
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
 * Append p's prefix lines to out (NULL: only claim them), those not
 * claimed yet, which it claims.  req: in URL mode the request, and only
 * entries matching it are written (a "*." entry with req's host); NULL
 * for the no-URL set.  The number written, -1 when out of memory.
 */
static long write_prefixes(struct sbuf *out, const struct jc_profile *p,
                           const struct jc_request *req, struct claimed *c)
{
	char line[PREFIX_MAX];
	const struct jc_broken *b;
	const char *why;
	long n = 0;
	size_t i;

	for (i = 0; i < p->nurls; i++) {
		const struct jc_url *u = &p->urls[i];
		const char *host = NULL;
		if (req && jc_url_match(u, req) < 0)
			continue;
		if (req && u->host[0] == '*')
			host = req->host;
		if (jc_goauth_prefix(u, host, line, sizeof(line), &why) != 0) {
			if (out)
				jc_trace("profile '%s': urls entry %s://%s/%s skipped: %s", p->name,
				         u->scheme, u->host, u->path, why);
			continue;
		}
		if ((b = jc_broken_shadows_host(c->cfg, u->host[0] == '*' && host ? host : u->host))) {
			/* Go would carry the token to every URL under the prefix, the broken one's too */
			if (out)
				jc_trace("profile '%s': %s skipped: broken profile '%s' has urls on that host",
				         p->name, line, b->name);
			continue;
		}
		if (claimed_has(c, line)) {
			if (out)
				jc_trace("profile '%s': %s skipped: an earlier profile has it", p->name,
				         line);
			continue;
		}
		if (claim(c, line) != 0)
			return -1;
		if (out) {
			sb_add(out, line);
			sb_add(out, "\n");
		}
		n++;
	}
	return n;
}

/*
 * Claim what the no-URL run gives the profiles before p (none when
 * --profile names one: then that run prints p alone).  -1 out of memory.
 */
static int claim_earlier(const struct jc_cli *cli, const struct jwtcred_config *cfg,
                         const struct jc_profile *p, struct claimed *c)
{
	size_t i;

	for (i = 0; !cli->profile && i < cfg->nprofiles && &cfg->profiles[i] != p; i++)
		if (write_prefixes(NULL, &cfg->profiles[i], NULL, c) < 0)
			return -1;
	return 0;
}

/*
 * Could Go have sent p's cached token to url?  Go keys its cache by the
 * prefix without "https://" and looks up host[:port] exactly as the URL
 * writes it, then the escaped path cut by segments; the no-URL set of p
 * holds only whole origins, so the URL's authority as written must be
 * one of them.  (A URL-mode answer, e.g. for a "*." host, is not counted:
 * a 401 there is answered from the cache.)
 */
static bool go_could_send(const struct jc_cli *cli, const struct jwtcred_config *cfg,
                          const struct jc_profile *p, const char *url)
{
	struct claimed c = { .cfg = cfg };
	const char *auth = url + strlen("https://");
	size_t alen = strcspn(auth, "/?#"), i, before;
	bool found = false;

	if (strncmp(url, "https://", 8) != 0)
		return false;
	if (claim_earlier(cli, cfg, p, &c) == 0) {
		before = c.n;
		if (write_prefixes(NULL, p, NULL, &c) >= 0)
			for (i = before; i < c.n && !found; i++)
				found = strlen(c.v[i]) == 8 + alen &&
				        strncmp(c.v[i] + 8, auth, alen) == 0;
	}
	claimed_free(&c);
	return found;
}

/* The token p's cache entry holds (without minting), the one Go was given, and when it was minted. */
static char *cached_token(const struct jc_profile *p, long long *issued)
{
	char *params = NULL, *dirpath = NULL, *token = NULL, name[JC_ENTRY_NAME];
	struct jc_entry e = { 0 };
	jwtcred_error err;
	int dirfd = -1;

	if (p->cache && jc_cache_key(p, &params, name) == 0 &&
	    jc_cache_open(&dirfd, &dirpath, &err) == 0 && jc_cache_read(dirfd, name, params, &e) == 0) {
		token = strdup(e.token);
		*issued = e.issued;
	}
	if (dirfd >= 0)
		close(dirfd);
	jc_entry_clear(&e);
	free(params);
	free(dirpath);
	return token;
}

/* Go's server refused p's token with a 401: drop it from the cache if it is still there and not new. */
static int drop_rejected(const struct jc_profile *p, jwtcred_error *err)
{
	long long issued = 0;
	char *token = cached_token(p, &issued);
	bool dropped = false;
	int rc = JWTCRED_OK;

	if (token && issued > (long long)jc_now() - LOOP_GUARD) {
		jc_trace("profile '%s': Go's server said 401, but the cached token is less than %d s "
		         "old: answered from the cache", p->name, LOOP_GUARD);
		jc_free_secret(token);
		return rc;
	}
	if (token)
		rc = jc_token_drop(p, token, &dropped, err);
	jc_trace("profile '%s': Go's server said 401: %s", p->name,
	         dropped ? "cached token dropped" : "no cached token to drop");
	jc_free_secret(token);
	return rc;
}

/*
 * One credential set for p into out: its prefixes, then the header with
 * the token in e.  0, 1 when p has no prefix to give (nothing minted, e
 * untouched), -1 with the reason said.  rejected: Go's 401 for p's token,
 * so the cached token is dropped first, and a new one minted.
 */
static int credential_set(struct sbuf *out, const struct jc_profile *p,
                          const struct jc_request *req, bool rejected, struct claimed *c,
                          struct jc_entry *e)
{
	struct sbuf lines = { 0 };
	jwtcred_error err;
	long n;

	n = write_prefixes(&lines, p, req, c);
	if (n < 0 || lines.failed)
		goto nomem;
	if (n == 0) {
		jc_trace("profile '%s': no urls entry Go can be given: nothing minted", p->name);
		sb_free(&lines);
		return 1;
	}
	if ((rejected && drop_rejected(p, &err) != 0) || jc_token_fetch(p, 0, e, &err) != 0)
		goto fail;
	if (!jc_header_token_ok(e->token)) {
		jc_say("profile '%s': the token has characters an HTTP header cannot carry", p->name);
		goto out;
	}
	sb_add(out, lines.p);
	sb_add(out, "\nAuthorization: Bearer ");
	sb_add(out, e->token);
	sb_add(out, "\n\n");
	sb_free(&lines);
	return 0;
fail:
	jc_say("profile '%s': %s", p->name, err.text);
out:
	jc_entry_clear(e);
	sb_free(&lines);
	return -1;
nomem:
	jc_say("out of memory");
	sb_free(&lines);
	return -1;
}

/* Write the composed answer (when print), then wipe it: all of it or nothing. */
static int emit(bool print, struct sbuf *b)
{
	int rc = print ? 0 : -1;

	if (print && b->failed) {
		jc_say("out of memory");
		rc = -1;
	} else if (print && b->len &&
	           (fwrite(b->p, 1, b->len, stdout) != b->len || fflush(stdout) != 0)) {
		jc_say("cannot write the credentials");
		rc = -1;
	}
	sb_free(b);
	return rc;
}

/* No URL: every profile's set (or --profile's). */
static int goauth_all(const struct jc_cli *cli, const struct jwtcred_config *cfg)
{
	struct jc_entry *served = calloc(cfg->nprofiles + 1, sizeof(*served));
	struct claimed c = { .cfg = cfg };
	struct sbuf buf = { 0 };
	size_t i, printed = 0, failed = 0;
	int rc, status = JC_EXIT_FAIL;

	if (!served) {
		jc_say("out of memory");
		goto out;
	}
	for (i = 0; i < cfg->nprofiles; i++) {
		const struct jc_profile *p = &cfg->profiles[i];
		if (cli->profile && strcmp(cli->profile, p->name) != 0)
			continue;
		rc = credential_set(&buf, p, NULL, false, &c, &served[i]);
		printed += rc == 0;
		failed += rc < 0;
	}
	if (emit(true, &buf) == 0 && (printed || !failed))
		status = JC_EXIT_OK;
	for (i = 0; status == JC_EXIT_OK && i < cfg->nprofiles; i++)
		if (served[i].token)
			jc_cli_refresh_ahead(&cfg->profiles[i], 0, &served[i], true);
out:
	for (i = 0; served && i < cfg->nprofiles; i++)
		jc_entry_clear(&served[i]);
	free(served);
	claimed_free(&c);
	sb_free(&buf);
	return status;
}

/*
 * Go's response on stdin: its status code in *code.  Only the status line
 * is used: it is read up to its newline (at most JC_GOAUTH_MAX_LINE
 * bytes), the rest read and discarded up to EOF (none at all is fine).
 */
static int read_response(int *code)
{
	char line[JC_GOAUTH_MAX_LINE + 1], sink[4096];
	jwtcred_error err;
	size_t len = 0;
	ssize_t n;
	bool eol = false;

	while (!eol && len < JC_GOAUTH_MAX_LINE) {
		n = read(STDIN_FILENO, line + len, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			jc_say("cannot read standard input");
			return -1;
		}
		if (n == 0)
			break;
		eol = line[len++] == '\n';
	}
	line[len] = '\0';
	if (!eol && len == JC_GOAUTH_MAX_LINE) {
		jc_say("the first line of Go's response is longer than %d bytes", JC_GOAUTH_MAX_LINE);
		return -1;
	}
	if (eol)
		while ((n = read(STDIN_FILENO, sink, sizeof(sink))) != 0)
			if (n < 0 && errno != EINTR)
				break;
	if (jc_goauth_status(line, len, code, &err) != 0) {
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
	char where[JC_URL_MAX];
	struct claimed c = { .cfg = cfg };
	struct sbuf buf = { 0 };
	jwtcred_error err;
	bool rejected;
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
	jc_request_text(&req, where, sizeof(where));
	jc_trace("request %s (status %d) -> %s%s%s", where, code, p ? "profile '" : "no profile",
	         p ? p->name : "", p ? "'" : "");
	if (!p) {
		jc_request_clear(&req);
		return JC_EXIT_OK;
	}
	rejected = code == 401 && go_could_send(cli, cfg, p, url);
	if (code == 401 && !rejected)
		jc_trace("profile '%s': Go had no token of it for this URL: the 401 is answered "
		         "from the cache", p->name);
	if (claim_earlier(cli, cfg, p, &c) != 0) {
		jc_say("out of memory");
		goto out;
	}
	rc = credential_set(&buf, p, &req, rejected, &c, &e);
	if (emit(rc >= 0, &buf) == 0)
		status = JC_EXIT_OK;
	if (status == JC_EXIT_OK && e.token)
		jc_cli_refresh_ahead(p, 0, &e, true);
out:
	jc_entry_clear(&e);
	jc_request_clear(&req);
	claimed_free(&c);
	sb_free(&buf);
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
