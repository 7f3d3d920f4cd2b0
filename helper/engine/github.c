/*
 * github.c: GitHub App installation tokens: the app JWT (assertion.c,
 * with provider_github.c's claims), the installation lookup and the
 * access_tokens request, over http.c with GitHub's headers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "core/clock.h"
#include "core/fail.h"
#include "core/provider.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/trace.h"
#include "engine/assertion.h"
#include "engine/github.h"
#include "engine/http.h"
#include "engine/response.h"

#define API_VERSION "X-GitHub-Api-Version: 2022-11-28"
#define ACCEPT "Accept: application/vnd.github+json"
#define MAX_ID 20

/* One request to the API: its status, JSON answer (NULL if not JSON) and Date. */
struct call {
	const struct jc_profile *p;
	const char *auth;  /* "Authorization: Bearer <app JWT>" (secret) */
	long long deadline; /* jc_monotonic_ms(): one p->timeout for the whole mint, every request */
	long status;
	long long date;
	json_t *answer;
};

static int api(struct call *c, const char *path, const char *body, jwtcred_error *err)
{
	const char *headers[] = { ACCEPT, API_VERSION, c->auth, "Content-Type: application/json", NULL };
	struct jc_http_body answer = { 0 };
	struct jc_http_req req = { NULL, body, headers };
	char *url;
	int rc;

	if (c->answer)
		jc_json_wipe(c->answer, "token");
	json_decref(c->answer);
	c->answer = NULL;
	if (!body)
		headers[3] = NULL;
	if (!(url = jc_concat(c->p->api_url, path)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	req.url = url;
	rc = jc_http_send_by(c->p, &req, c->deadline, &c->status, &answer, &c->date, err);
	free(url);
	if (rc)
		return rc;
	c->answer = json_loadb(answer.data, answer.len, JSON_REJECT_DUPLICATES, NULL);
	OPENSSL_cleanse(answer.data, answer.len);
	free(answer.data);
	return JWTCRED_OK;
}

/* GitHub refused `what`: one line with its message and the provider's hint. */
static int refused(const struct call *c, const char *what, jwtcred_error *err)
{
	const char *msg = json_string_value(json_object_get(c->answer, "message"));
	char code[16], shown[256], hbuf[JWTCRED_ERROR_TEXT_LENGTH];
	struct jc_hint_in in = { c->p, code, msg, what, c->date, false };
	const char *hint;

	snprintf(code, sizeof(code), "%ld", c->status);
	hint = jc_provider_of(c->p->provider)->hint(&in, hbuf, sizeof(hbuf));
	jc_escape(msg, shown, sizeof(shown));
	return jc_fail(err, c->status >= 500 || c->status == 429 ? JWTCRED_E_NETWORK : JWTCRED_E_DENIED,
	               "GitHub (%s) refused the request for %s (HTTP %ld)%s%s%s%s", c->p->api_url, what,
	               c->status, msg ? ": " : "", msg ? shown : "", hint ? "; " : "", hint ? hint : "");
}

/* GET one installation lookup: *found is its id when the answer says, else 0 (a 404). */
static int lookup(struct call *c, const char *path, const char *what, char id[MAX_ID + 1],
                  jwtcred_error *err)
{
	json_t *v;
	int rc;

	id[0] = '\0';
	if ((rc = api(c, path, NULL, err)))
		return rc;
	jc_trace("profile '%s': installation lookup %s: HTTP %ld", c->p->name, path, c->status);
	if (c->status == 404)
		return JWTCRED_OK;
	if (c->status != 200)
		return refused(c, what, err);
	v = json_object_get(c->answer, "id");
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return jc_fail(err, JWTCRED_E_RESPONSE, "GitHub's answer for %s has no installation id", what);
	snprintf(id, MAX_ID + 1, "%lld", (long long)json_integer_value(v));
	return JWTCRED_OK;
}

/* Which installation serves in->owner (and in->repo): its id into id[]. */
static int discover(struct call *c, const struct jc_mint_in *in, char id[MAX_ID + 1],
                    jwtcred_error *err)
{
	char path[2 * JC_GITHUB_NAME_MAX + 64], what[2 * JC_GITHUB_NAME_MAX + 64];
	int rc;

	if (!jc_github_name_ok(in->owner) || (in->repo && !jc_github_name_ok(in->repo)))
		return jc_fail(err, JWTCRED_E_INPUT, "profile '%s': not a GitHub owner or repository name",
		               c->p->name);
	if (in->repo) {
		snprintf(path, sizeof(path), "/repos/%s/%s/installation", in->owner, in->repo);
		snprintf(what, sizeof(what), "the repository '%s/%s'", in->owner, in->repo);
		if ((rc = lookup(c, path, what, id, err)) || id[0])
			return rc;
		return refused(c, what, err);
	}
	snprintf(what, sizeof(what), "the organisation or user '%s'", in->owner);
	snprintf(path, sizeof(path), "/orgs/%s/installation", in->owner);
	if ((rc = lookup(c, path, what, id, err)) || id[0])
		return rc;
	snprintf(path, sizeof(path), "/users/%s/installation", in->owner);
	if ((rc = lookup(c, path, what, id, err)) || id[0])
		return rc;
	return refused(c, what, err);
}

/* {"repositories": [...], "permissions": {...}}: what narrows the token; a new string. */
static char *token_body(const struct jc_profile *p)
{
	json_t *o = json_object(), *repos;
	char *text = NULL;
	size_t i;
	int bad = !o;

	if (o && p->nrepositories) {
		bad |= !(repos = json_array()) || json_object_set_new(o, "repositories", repos);
		for (i = 0; !bad && i < p->nrepositories; i++)
			bad |= json_array_append_new(repos, json_string(p->repositories[i]));
	}
	if (o && p->permissions)
		bad |= json_object_set_new(o, "permissions", json_loads(p->permissions, 0, NULL));
	if (!bad)
		text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

/*
 * GitHub's installation tokens live one hour: an expires_at further ahead
 * than that (with room for the clocks to differ) is not one, and would be
 * cached for as long as it says.
 */
#define TOKEN_LIFETIME_MAX (3600 + 300)

/* The access_tokens answer, parsed once (root, not NULL): its token and expires_at. */
static int read_token(long status, json_t *root, long long now, struct jc_answer *out,
                      jwtcred_error *err)
{
	const char *tok, *at;
	long long expires;
	char shown[48];

	if (!json_is_object(root))
		return jc_fail(err, JWTCRED_E_RESPONSE, "GitHub's token answer (HTTP %ld) is not a JSON object", status);
	tok = json_string_value(json_object_get(root, "token"));
	if (!jc_token_text_ok(tok, JC_MAX_TOKEN))
		return jc_fail(err, JWTCRED_E_RESPONSE, "GitHub's token answer has no usable token (missing, empty, longer than %d bytes or not visible ASCII)",
		               JC_MAX_TOKEN);
	if ((at = json_string_value(json_object_get(root, "expires_at")))) {
		jc_escape(at, shown, sizeof(shown));
		if (jc_rfc3339_parse(at, &expires) != 0)
			return jc_fail(err, JWTCRED_E_RESPONSE, "GitHub's token answer has an expires_at that is not an RFC 3339 time: '%s'", shown);
		if (expires <= now)
			return jc_fail(err, JWTCRED_E_RESPONSE, "GitHub's token expired at %s, before it arrived: check this machine's clock", shown);
		if (expires - now > TOKEN_LIFETIME_MAX)
			return jc_fail(err, JWTCRED_E_RESPONSE, "GitHub's token answer says it expires at %s, %lld s from now: an installation token lives 1 hour, so check this machine's clock (or api_url: is it GitHub?)",
			               shown, expires - now);
		out->expires_in = expires - now;
	}
	if (!(out->access_token = strdup(tok)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	return JWTCRED_OK;
}

int jc_github_parse_token(long status, const char *body, size_t len, long long now,
                          struct jc_answer *out, jwtcred_error *err)
{
	json_t *root = NULL;
	int rc;

	jc_answer_init(out);
	if (len > JC_MAX_RESPONSE || !(root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL)))
		return jc_fail(err, JWTCRED_E_RESPONSE, "GitHub's token answer (HTTP %ld) is not a JSON object", status);
	rc = read_token(status, root, now, out, err);
	if (rc)
		jc_answer_clear(out);
	jc_json_wipe(root, "token");
	json_decref(root);
	return rc;
}

/* POST /app/installations/{id}/access_tokens. */
static int access_token(struct call *c, const char *id, const char *what, struct jc_answer *out,
                        jwtcred_error *err)
{
	char path[MAX_ID + 64], *body;
	int rc;

	snprintf(path, sizeof(path), "/app/installations/%s/access_tokens", id);
	if (!(body = token_body(c->p)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	rc = api(c, path, body, err);
	free(body);
	if (rc)
		return rc;
	jc_trace("profile '%s': access token for installation %s: HTTP %ld", c->p->name, id, c->status);
	if (c->status < 200 || c->status > 299)
		return refused(c, what, err);
	/* the answer api() parsed: no second copy of the token (jc_github_mint wipes it) */
	if (!c->answer)
		return jc_fail(err, JWTCRED_E_RESPONSE, "GitHub's token answer (HTTP %ld) is not JSON", c->status);
	if ((rc = read_token(c->status, c->answer, jc_now(), out, err)))
		jc_answer_clear(out);
	return rc;
}

/* The app JWT, as an Authorization header line; a new secret string. */
static int app_auth(const struct jc_profile *p, char **auth, jwtcred_error *err)
{
	struct jc_signer s;
	char *jwt = NULL;
	int rc;

	*auth = NULL;
	if ((rc = jc_signer_load(p, &s, err)) == 0 &&
	    (rc = jc_assertion_sign(p, &s, NULL, jc_now(), &jwt, err)) == 0 &&
	    !(*auth = jc_concat("Authorization: Bearer ", jwt)))
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	jc_free_secret(jwt);
	jc_signer_clear(&s);
	return rc;
}

/* "installation 101 (of 'acme')": the entry's subject, and what errors name. */
static void name_installation(char *what, size_t len, const char *id, const char *owner)
{
	snprintf(what, len, "installation %s%s%s%s", id, owner ? " (of '" : "", owner ? owner : "",
	         owner ? "')" : "");
}

static int mint_with(struct call *c, const struct jc_mint_in *in, struct jc_answer *out,
                     jwtcred_error *err)
{
	char found[MAX_ID + 1] = "", what[JC_GITHUB_NAME_MAX + 64];
	const char *id = c->p->installation_id;
	int rc;

	if (!id && in->installation_id && strlen(in->installation_id) <= MAX_ID &&
	    strspn(in->installation_id, "0123456789") == strlen(in->installation_id))
		id = in->installation_id; /* found last time: no lookup */
	if (!id) {
		if ((rc = discover(c, in, found, err)))
			return rc;
		id = found;
	}
	name_installation(what, sizeof(what), id, in->owner);
	rc = access_token(c, id, what, out, err);
	/* a remembered installation may be gone (the app was reinstalled): look again, once */
	if (rc && c->status == 404 && id == in->installation_id && !c->p->installation_id) {
		jc_trace("profile '%s': installation %s is gone; looking it up again", c->p->name, id);
		if ((rc = discover(c, in, found, err)))
			return rc;
		id = found;
		name_installation(what, sizeof(what), id, in->owner); /* the new one: subject and errors */
		rc = access_token(c, id, what, out, err);
	}
	if (rc == 0 && (!(out->installation_id = strdup(id)) || !(out->subject = strdup(what)))) {
		jc_answer_clear(out);
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	}
	return rc;
}

int jc_github_mint(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
                   jwtcred_error *err)
{
	long long t0 = jc_monotonic_ms();
	/* up to four requests in one timeout: the single flight's waiters give up after it (and 5 s) */
	struct call c = { p, NULL, t0 + p->timeout * 1000L, 0, -1, NULL };
	char *auth = NULL;
	int rc;

	jc_answer_init(out);
	if ((rc = jc_github_target_check(p, in->owner ? &(struct jc_target){ in->owner, in->repo } : NULL, err)))
		return rc;
	if ((rc = app_auth(p, &auth, err)) == 0) {
		c.auth = auth;
		rc = mint_with(&c, in, out, err);
	}
	if (c.answer)
		jc_json_wipe(c.answer, "token");
	json_decref(c.answer);
	jc_free_secret(auth);
	jc_trace("mint for profile '%s' %s in %lld ms", p->name, rc ? "failed" : "succeeded",
	         jc_monotonic_ms() - t0);
	return rc;
}
