/*
 * cmd_git.c: git-credential-jwtcred get|store|erase.
 *
 * A request no profile allows gets no output at all and exit 0, so git
 * moves on to its next helper; a token is never written for it.
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
#include "core/credproto.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/trace.h"
#include "core/urlmatch.h"

/* The profile allowed to answer this request, or NULL. */
static const struct jc_profile *match(const struct jwtcred_config *cfg, const char *only,
                                      const struct jc_cred *c)
{
	struct jc_request req;
	char where[JC_URL_MAX];
	const struct jc_profile *p;

	if (!c->protocol || !c->host || !*c->host)
		return NULL;
	if (jc_request_from_parts(c->protocol, c->host, c->path, &req) != 0) {
		jc_trace("request for an invalid host ignored");
		return NULL;
	}
	p = jc_allowed_profile(cfg, only, &req);
	jc_request_text(&req, where, sizeof(where));
	jc_trace("request %s -> %s%s%s", where, p ? "profile '" : "no profile", p ? p->name : "",
	         p ? "'" : "");
	jc_request_clear(&req);
	return p;
}

static int answer(FILE *out, const struct jc_profile *p, const struct jc_cred *c,
                  const struct jc_entry *e)
{
	char expiry[32], state[JC_ENTRY_NAME];
	int rc = 0;

	snprintf(expiry, sizeof(expiry), "%lld", jc_entry_deadline(e, p));
	/* GitHub's git takes an installation token as a password only (x-access-token) */
	if (c->cap_authtype && p->provider != JC_PROVIDER_GITHUB) {
		rc = rc ? rc : jc_cred_write(out, "capability[]", "authtype");
		rc = rc ? rc : jc_cred_write(out, "authtype", "Bearer");
		rc = rc ? rc : jc_cred_write(out, "credential", e->token);
		rc = rc ? rc : jc_cred_write(out, "ephemeral", "1");
	} else {
		rc = rc ? rc : jc_cred_write(out, "username", p->git_username);
		rc = rc ? rc : jc_cred_write(out, "password", e->token);
	}
	rc = rc ? rc : jc_cred_write(out, "password_expiry_utc", expiry);
	if (c->cap_authtype && c->cap_state && p->provider != JC_PROVIDER_GITHUB &&
	    jc_token_entry_name(p, state) == 0) {
		char value[JC_ENTRY_NAME + 32];
		snprintf(value, sizeof(value), "jwtcred.entry=%s", state);
		rc = rc ? rc : jc_cred_write(out, "capability[]", "state");
		rc = rc ? rc : jc_cred_write(out, "state[]", value);
	}
	return rc;
}

/*
 * c->path below the urls entry of p that matched it best: the repository
 * path of a server under a prefix ("git/acme/w.git" under
 * https://host/git/ is "acme/w.git"); github.com's urls have none.
 */
static const char *repo_path(const struct jc_profile *p, const struct jc_cred *c)
{
	const char *path = c->path + strspn(c->path, "/"), *best = path;
	struct jc_request req;
	long top = -1, score;
	size_t i, n;

	if (jc_request_from_parts(c->protocol, c->host, c->path, &req) != 0)
		return best;
	for (i = 0; i < p->nurls; i++) {
		n = strlen(p->urls[i].path);
		if ((score = jc_url_match(&p->urls[i], &req)) > top && strncmp(path, p->urls[i].path, n) == 0 &&
		    (path[n] == '/' || path[n] == '\0')) {
			top = score;
			best = path + n;
		}
	}
	jc_request_clear(&req);
	return best;
}

/*
 * Which installation a github-app profile's token is for: the request's
 * repository, when git sends its path (credential.useHttpPath): its first
 * two segments below the urls entry.  t is NULL otherwise; names[] holds
 * the owner and repository.
 */
static const struct jc_target *git_target(const struct jc_profile *p, const struct jc_cred *c,
                                          struct jc_target *t,
                                          char names[2][JC_GITHUB_NAME_MAX + 1])
{
	if (p->provider != JC_PROVIDER_GITHUB || !c->path)
		return NULL;
	if (jc_github_target_from_path(repo_path(p, c), names[0], names[1]) != 0) {
		jc_trace("request path is not owner/repository: no installation from it");
		return NULL;
	}
	t->owner = names[0];
	t->repo = names[1];
	return t;
}

static int git_get(const struct jc_cli *cli, const struct jwtcred_config *cfg,
                   const struct jc_cred *c)
{
	const struct jc_profile *p = match(cfg, cli->profile, c);
	char names[2][JC_GITHUB_NAME_MAX + 1];
	struct jc_target t;
	struct jc_entry e;
	jwtcred_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	if (!p)
		return JC_EXIT_OK;
	if ((rc = jc_token_fetch_for(p, git_target(p, c, &t, names), 0, &e, &err))) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	/* compose in memory first: all of the answer or none of it */
	if (!(mem = open_memstream(&buf, &len))) {
		jc_entry_clear(&e);
		jc_say("out of memory");
		return JC_EXIT_FAIL;
	}
	rc = answer(mem, p, c, &e);
	if (fclose(mem) != 0 || !buf)
		rc = JWTCRED_E_NOMEM;
	if (rc == 0 && (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0))
		rc = JWTCRED_E_SYSTEM;
	if (buf) {
		jc_wipe(buf, len);
		free(buf);
	}
	if (rc == 0)
		jc_cli_refresh_ahead(p, 0, &e, true);
	jc_entry_clear(&e);
	if (rc == JWTCRED_E_INPUT) {
		jc_say("refusing to answer git: a value contains a control character");
		return JC_EXIT_FAIL;
	}
	if (rc) {
		jc_say("cannot write the answer to git");
		return JC_EXIT_FAIL;
	}
	return JC_EXIT_OK;
}

int jc_front_git(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	char names[2][JC_GITHUB_NAME_MAX + 1];
	struct jc_target t;
	struct jc_cred c;
	jwtcred_error err;
	bool dropped;
	int status = JC_EXIT_OK;

	if (strcmp(cli->action, "get") != 0 && strcmp(cli->action, "erase") != 0)
		return JC_EXIT_OK; /* store, and actions git may add later: nothing to do */
	if (jc_cred_read(STDIN_FILENO, &c, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	if (jc_cli_config(cli, &cfg) != 0) {
		status = JC_EXIT_FAIL;
		goto out;
	}
	if (cli->profile && jc_conf_profile(cfg, cli->profile, &p, &err) != 0) {
		jc_say("%s", err.text); /* a typo in credential.helper deserves a word */
		status = JC_EXIT_FAIL;
		goto out;
	}
	if (strcmp(cli->action, "get") == 0) {
		status = git_get(cli, cfg, &c);
		goto out;
	}
	/* erase: drop the cached token if it is the one git says was rejected */
	p = match(cfg, cli->profile, &c);
	if (p && (c.password || c.credential)) {
		if (jc_token_drop_for(p, git_target(p, &c, &t, names), c.credential ? c.credential : c.password,
		                      &dropped, &err) != 0) {
			jc_say("%s", err.text);
			status = JC_EXIT_FAIL;
		}
	}
out:
	jc_cred_clear(&c);
	jc_conf_free(cfg);
	return status;
}
