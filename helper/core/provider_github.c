/*
 * provider_github.c: a GitHub App's installation tokens (provider =
 * "github-app").
 *
 * The app signs a short JWT (RS256, iss = its client ID or app ID, iat 60 s
 * back, exp assertion_lifetime from now but at most 9 minutes, no aud) with the .pem GitHub
 * hands out, and trades it at {api_url}/app/installations/{id}/access_tokens
 * for a token of one installation (engine/github.c).  Which installation:
 * installation_id, else the owner setting's, else the one on the
 * repository a git request names (credential.useHttpPath).  Each owner's
 * token has its own cache entry.  Defaults: api_url https://api.github.com,
 * urls github.com and api.github.com (a GitHub Enterprise Server profile must say
 * its urls), git and docker username x-access-token.
 */
#include "config.h"

#include <ctype.h>
#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/fail.h"
#include "core/provider.h"
#include "core/settings.h"
#include "core/urlmatch.h"

#define DEFAULT_API "https://api.github.com"
/* where github.com tokens may go by default: git, and the REST API */
static const char *const default_urls[] = { "https://github.com/", "https://api.github.com/" };
#define MAX_REPOS 500        /* GitHub's own limit for one token */
#define MAX_PERMS 64
#define MAX_JWT_LIFETIME 600 /* GitHub refuses an app JWT with exp more than 10 minutes ahead */
#define IAT_BACKDATE 60      /* GitHub's advice: iat 60 s in the past, for clock drift */
/* exp at most this far ahead of our clock: GitHub's 600 s by its clock, less 60 s for ours running fast */
#define EXP_AHEAD_MAX (MAX_JWT_LIFETIME - 60)

static bool is_list(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
}

bool jc_github_name_ok(const char *v)
{
	size_t n = v ? strlen(v) : 0;

	if (n == 0 || n > JC_GITHUB_NAME_MAX || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return false;
	return strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

/* repositories = [ "widgets", "gadgets" ]; (names, without the owner) */
int jc_github_read_repositories(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, j, n, rc;
	const char *v;

	if (!is_list(s) || (n = config_setting_length(s)) == 0)
		return jc_conf_bad(ld, s, "'repositories' in profile '%s' must be a list of repository names, like [ \"widgets\" ]",
		                   p->name);
	if (n > MAX_REPOS)
		return jc_conf_bad(ld, s, "'repositories' in profile '%s' lists %d repositories: at most %d",
		                   p->name, n, MAX_REPOS);
	if (!(p->repositories = calloc((size_t)n, sizeof(*p->repositories))))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if ((rc = jc_conf_string(ld, p, "repositories", e, &v)) != 0)
			return rc;
		if (!jc_github_name_ok(v))
			return jc_conf_bad(ld, e, "'%s' in 'repositories' of profile '%s' is not a repository name: give the name alone (\"widgets\", not \"acme/widgets\"): letters, digits, '-', '_', '.'",
			                   v, p->name);
		for (j = 0; j < i; j++)
			if (strcasecmp(p->repositories[j], v) == 0)
				return jc_conf_bad(ld, e, "'repositories' in profile '%s' lists '%s' twice", p->name, v);
		if (!(p->repositories[i] = strdup(v)))
			return JWTCRED_E_NOMEM;
		p->nrepositories++;
	}
	return JWTCRED_OK;
}

/* permissions = { contents = "read"; metadata = "read"; }; */
int jc_github_read_permissions(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	json_t *all;
	int i, n, rc = JWTCRED_OK;
	const char *v, *name;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP || (n = config_setting_length(s)) == 0)
		return jc_conf_bad(ld, s, "'permissions' in profile '%s' must be a group: permissions = { contents = \"read\"; };",
		                   p->name);
	if (n > MAX_PERMS)
		return jc_conf_bad(ld, s, "'permissions' in profile '%s' has %d permissions: at most %d", p->name,
		                   n, MAX_PERMS);
	if (!(all = json_object()))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n && rc == JWTCRED_OK; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		char what[128];

		name = config_setting_name(e);
		snprintf(what, sizeof(what), "permissions.%s", name);
		if ((rc = jc_conf_string(ld, p, what, e, &v)) != 0)
			break;
		if (strcmp(v, "read") != 0 && strcmp(v, "write") != 0 && strcmp(v, "admin") != 0)
			rc = jc_conf_bad(ld, e, "'%s' in profile '%s' is '%s': it must be \"read\", \"write\" or \"admin\"",
			                 what, p->name, v);
		else if (json_object_set_new(all, name, json_string(v)) != 0)
			rc = JWTCRED_E_NOMEM;
	}
	if (rc == JWTCRED_OK) {
		free(p->permissions);
		p->permissions = json_dumps(all, JSON_COMPACT | JSON_PRESERVE_ORDER);
		rc = p->permissions ? JWTCRED_OK : JWTCRED_E_NOMEM;
	}
	json_decref(all);
	return rc;
}

static bool all_digits(const char *v, size_t max)
{
	size_t n = strlen(v);

	return n > 0 && n <= max && strspn(v, "0123456789") == n && v[0] != '0';
}

/* 'client_id' or 'app_id' (one of them), the key, and the time limits. */
static int check_identity(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	config_setting_t *a = config_setting_lookup(grp, "client_id"), *b = config_setting_lookup(grp, "app_id");
	int rc;

	if (a && b)
		return jc_conf_bad(ld, config_setting_source_line(a) > config_setting_source_line(b) ? a : b,
		                   "profile '%s' sets both 'client_id' and 'app_id': keep one (either names the app)",
		                   p->name);
	if ((rc = jc_conf_require(ld, p, grp, p->issuer, "client_id",
	                          "the app's Client ID (\"Iv23li...\") or set 'app_id' to its App ID")) ||
	    (rc = jc_conf_require(ld, p, grp, p->private_key, "private_key",
	                          "the .pem downloaded from the app's settings (Private keys)")))
		return rc;
	if (p->assertion_lifetime > MAX_JWT_LIFETIME)
		return jc_conf_bad(ld, config_setting_lookup(grp, "assertion_lifetime"),
		                   "'assertion_lifetime' in profile '%s' is %ld: GitHub refuses an app JWT that lives more than %d s",
		                   p->name, p->assertion_lifetime, MAX_JWT_LIFETIME);
	if (b && !all_digits(p->issuer, 20))
		return jc_conf_bad(ld, b, "'app_id' in profile '%s' is '%s': it must be the app's numeric App ID (or use 'client_id')",
		                   p->name, p->issuer);
	return JWTCRED_OK;
}

/* installation_id: digits; owner: a GitHub account name. */
static int check_target(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	if (p->installation_id && !all_digits(p->installation_id, 20))
		return jc_conf_bad(ld, config_setting_lookup(grp, "installation_id"),
		                   "'installation_id' in profile '%s' is '%s': it must be a number (the end of the installation's settings URL)",
		                   p->name, p->installation_id);
	if (p->owner && (!jc_github_name_ok(p->owner) || strchr(p->owner, '/')))
		return jc_conf_bad(ld, config_setting_lookup(grp, "owner"),
		                   "'owner' in profile '%s' is '%s': it must be an organisation or user name, like \"acme\"",
		                   p->name, p->owner);
	return JWTCRED_OK;
}

bool jc_github_api_is_default(const char *canonical)
{
	return canonical && strcmp(canonical, DEFAULT_API) == 0;
}

int jc_github_default_urls(struct jc_url **urls, size_t *nurls, jwtcred_error *err)
{
	int rc;

	*nurls = 0;
	if (!(*urls = calloc(3, sizeof(**urls))))
		return JWTCRED_E_NOMEM;
	for (; *nurls < 2; (*nurls)++)
		if ((rc = jc_url_parse_pattern(default_urls[*nurls], &(*urls)[*nurls], err)) != 0)
			return rc;
	return JWTCRED_OK;
}

static int finish(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	char *canonical = NULL;
	int rc;

	if ((rc = check_identity(ld, p, grp)) || (rc = check_target(ld, p, grp)) ||
	    (rc = jc_conf_default(&p->api_url, DEFAULT_API)))
		return rc;
	if ((rc = jc_conf_check_https(ld, config_setting_lookup(grp, "api_url"), p, "api_url", p->api_url,
	                              0, &canonical)) != 0)
		return rc;
	free(p->api_url);
	p->api_url = canonical;
	/* where the app JWT goes: shown by status and check, part of the cache key */
	if ((rc = jc_conf_default(&p->token_url, p->api_url)))
		return rc;
	if (!p->nurls) {
		jwtcred_error why;
		if (!jc_github_api_is_default(p->api_url))
			return jc_conf_require(ld, p, grp, NULL, "urls",
			                       "with an api_url other than " DEFAULT_API ", say where its tokens may go: urls = [ \"https://github.example.com/\" ]");
		if ((rc = jc_github_default_urls(&p->urls, &p->nurls, &why)) != 0)
			return rc == JWTCRED_E_NOMEM ? rc : jc_conf_bad(ld, grp, "%s", why.text);
	}
	p->jti = false; /* GitHub reads iss, iat and exp only */
	if ((rc = jc_conf_default(&p->algorithm, "RS256")) ||
	    (rc = jc_conf_default(&p->git_username, "x-access-token")) ||
	    (rc = jc_conf_default(&p->docker_username, "x-access-token")))
		return rc;
	return JWTCRED_OK;
}

/*
 * GitHub's app JWT: iss, iat backdated 60 s, exp; no aud, no sub.  exp
 * counts from now, not from iat: assertion_lifetime seconds ahead (so a
 * short one is not born expired, and one JWT lasts through the lookups
 * and the token request), but never more than EXP_AHEAD_MAX (GitHub
 * refuses an exp more than 10 minutes in its future).
 */
static void claims(const struct jc_profile *p, const char *aud, long long now, struct jc_claims *c)
{
	(void)aud;
	c->aud = NULL;
	c->sub = NULL;
	c->jti = NULL;
	c->scope = NULL;
	c->extra = NULL;
	c->iat = now - IAT_BACKDATE;
	c->exp = now + (p->assertion_lifetime < EXP_AHEAD_MAX ? p->assertion_lifetime : EXP_AHEAD_MAX);
}

/*
 * The engine (github.c) names the refusal: in->error is "401", "403",
 * "404", "422" or a redirect ("301", "307": a renamed repository), in->desc GitHub's message, in->audience what was asked
 * for ("the repository 'acme/widgets'", "installation 42 (of 'acme')").
 */
static const char *hint(const struct jc_hint_in *in, char *buf, size_t buflen)
{
	char mine[32], theirs[32];
	const char *what = in->audience ? in->audience : "this owner";

	if (jc_text_is(in->error, "401")) {
		jc_rfc3339((long long)jc_now(), mine, sizeof(mine));
		if (in->server_date >= 0)
			jc_rfc3339(in->server_date, theirs, sizeof(theirs));
		snprintf(buf, buflen,
		         "GitHub did not accept the app JWT: check this machine's clock (UTC here %s, the server's Date %s) and that 'private_key' is a current key of app '%s' (client_id or app_id)",
		         mine, in->server_date >= 0 ? theirs : "not sent", in->p && in->p->issuer ? in->p->issuer : "?");
		return buf;
	}
	if (jc_text_is(in->error, "404") && in->audience && strncmp(in->audience, "installation ", 13) == 0) {
		snprintf(buf, buflen,
		         "%s is not one of this app's installations (uninstalled, or another app's): check 'installation_id', or leave it out to find the installation",
		         in->audience);
		return buf;
	}
	if (jc_text_is(in->error, "404")) {
		snprintf(buf, buflen,
		         "the app is not installed on %s (or the app cannot see it): install it there (the app's settings, Install App), or fix 'owner', 'installation_id' or the repository URL",
		         what);
		return buf;
	}
	if (jc_text_is(in->error, "301") || jc_text_is(in->error, "302") || jc_text_is(in->error, "307") ||
	    jc_text_is(in->error, "308")) {
		snprintf(buf, buflen,
		         "%s moved (renamed or transferred): use its new URL (git remote set-url), or fix 'owner'",
		         what);
		return buf;
	}
	if (jc_text_is(in->error, "422"))
		return "the requested 'permissions' or 'repositories' exceed what the installation grants: ask for less, or widen the app's permissions and accept them in the installation";
	if (jc_text_is(in->error, "403"))
		return "GitHub refused the request (rate limit, suspended installation, or an IP allow list): see its message";
	return NULL;
}

/* The next segment of *path (after any '/'): its start and length; 0 at the end. */
static size_t next_segment(const char **path, const char **seg)
{
	const char *s = *path + strspn(*path, "/");
	size_t n = strcspn(s, "/");

	*seg = s;
	*path = s + n;
	return n;
}

int jc_github_target_from_path(const char *path, char *owner, char *repo)
{
	const char *seg[2];
	size_t len[2];

	if (!path)
		return JWTCRED_E_INPUT;
	/* GitHub's repository paths are owner/repo[.git][/...]: the first two segments */
	len[0] = next_segment(&path, &seg[0]);
	len[1] = next_segment(&path, &seg[1]);
	if (!len[0] || !len[1] || len[0] > JC_GITHUB_NAME_MAX || len[1] > JC_GITHUB_NAME_MAX + 4)
		return JWTCRED_E_INPUT;
	if (len[1] >= 4 && strncasecmp(seg[1] + len[1] - 4, ".git", 4) == 0)
		len[1] -= 4;
	if (len[1] > JC_GITHUB_NAME_MAX)
		return JWTCRED_E_INPUT;
	memcpy(owner, seg[0], len[0]);
	owner[len[0]] = '\0';
	memcpy(repo, seg[1], len[1]);
	repo[len[1]] = '\0';
	if (!jc_github_name_ok(owner) || !jc_github_name_ok(repo))
		return JWTCRED_E_INPUT;
	return JWTCRED_OK;
}

const char *jc_github_entry_owner(const struct jc_profile *p, const struct jc_target *t)
{
	if (p->provider != JC_PROVIDER_GITHUB || p->installation_id)
		return NULL;
	if (p->owner)
		return p->owner;
	return t ? t->owner : NULL;
}

int jc_github_target_check(const struct jc_profile *p, const struct jc_target *t, jwtcred_error *err)
{
	if (p->provider != JC_PROVIDER_GITHUB || p->installation_id || p->owner || (t && t->owner))
		return JWTCRED_OK;
	return jc_fail(err, JWTCRED_E_CONFIG,
	               "profile '%s' (github-app) cannot tell which installation this token is for: for git, run 'git config --global credential.useHttpPath true' so that the repository says; or set 'owner' (an organisation or user) or 'installation_id' in the profile",
	               p->name);
}

static const struct jc_instead instead[] = {
	{ "token_url", "api_url" },
	{ "issuer", "client_id' or 'app_id" },
	{ "scope", "permissions" },
	{ "scopes", "permissions" },
	{ "audience", "api_url" },
	{ "service_account_file", "private_key" },
	{ NULL, NULL },
};

const struct jc_provider_def jc_provider_github = {
	.id = JC_PROVIDER_GITHUB,
	.name = "github-app",
	.title = "GitHub App",
	.trusts_key = "the GitHub App",
	.grant = JC_GRANT_GITHUB_APP,
	.key_file = offsetof(struct jc_profile, private_key),
	.key_file_what = "private key",
	.only_alg = "RS256",
	.env_token = "GITHUB_TOKEN",
	.env_instance_url = NULL,
	.instead = instead,
	.finish = finish,
	.claims = claims,
	.read_key_document = NULL,
	.hint = hint,
};
