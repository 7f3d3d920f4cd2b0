/*
 * introspect.c: a Salesforce token's real expiry.  Salesforce answers a
 * JWT bearer grant without expires_in; when the profile has the app's
 * consumer secret (client_secret_file), ask its introspection endpoint
 * (RFC 7662): POST {login host}/services/oauth2/introspect with Basic
 * client_id:secret and token=…&token_type_hint=access_token, and take the
 * answer's exp.  The login host is the one the profile names (token_url,
 * else login_url), never the answer's instance_url: the consumer secret is
 * a long-lived credential, and it goes only where the profile already sends
 * its assertions.  Anything that goes wrong leaves the answer as it was (the
 * profile's token_lifetime then applies) and says why in a -v trace: the
 * token is good whatever the introspection says.  The secret, the Basic
 * header and the form are wiped once used; none of them is ever traced.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/clock.h"
#include "core/fail.h"
#include "core/secret.h"
#include "core/trace.h"
#include "core/urlmatch.h"
#include "engine/http.h"
#include "engine/introspect.h"
#include "engine/key.h"
#include "engine/response.h"

#define MAX_SECRET 1024
#define INTROSPECT_PATH "/services/oauth2/introspect"
#define TOKEN_PATH "/services/oauth2/token"
#define BASIC "Authorization: Basic "
/*
 * A Salesforce session lasts at most 24 hours (Session Settings' longest
 * timeout), plus a little slack for clocks: an exp further ahead is not
 * believed, since with server_expiry the cache would then ignore
 * token_lifetime for up to JC_MAX_LIFETIME.
 */
#define MAX_SESSION (24 * 3600 + 300)

/* The consumer secret: the file's first line. */
static int read_secret(const struct jc_profile *p, char **out, jwtcred_error *err)
{
	size_t len;
	int rc;

	if ((rc = jc_read_secret_file(p->client_secret_file, "client secret file", MAX_SECRET, out, &len, err)))
		return rc;
	while (len && ((*out)[len - 1] == '\n' || (*out)[len - 1] == '\r'))
		(*out)[--len] = '\0';
	if (len == 0 || strlen(*out) != len || strchr(*out, '\n')) {
		jc_free_secret(*out);
		*out = NULL;
		return jc_fail(err, JWTCRED_E_KEY, "client secret file '%s' must hold the consumer secret on one line",
		               p->client_secret_file);
	}
	return JWTCRED_OK;
}

/* "Authorization: Basic base64(client_id:secret)": a new string, secret. */
static char *basic_header(const char *id, const char *secret)
{
	size_t n = strlen(id) + 1 + strlen(secret), m = 4 * ((n + 2) / 3) + 1;
	char *pair = malloc(n + 1), *line = malloc(sizeof(BASIC) + m);

	if (pair && line) {
		memcpy(line, BASIC, sizeof(BASIC) - 1);
		memcpy(pair, id, strlen(id));
		pair[strlen(id)] = ':';
		memcpy(pair + strlen(id) + 1, secret, strlen(secret) + 1);
		EVP_EncodeBlock((unsigned char *)line + sizeof(BASIC) - 1, (const unsigned char *)pair, (int)n);
	} else {
		free(line);
		line = NULL;
	}
	if (pair)
		jc_free_secret(pair);
	return line;
}

/* base (without a trailing slash) + path: a new string, or NULL. */
static char *endpoint(const char *base, size_t n, const char *path)
{
	size_t m;
	char *url;

	while (n > 8 && base[n - 1] == '/')
		n--;
	m = n + strlen(path) + 1;
	if ((url = malloc(m)))
		snprintf(url, m, "%.*s%s", (int)n, base, path);
	return url;
}

/*
 * The introspection endpoint on the profile's own login host: token_url
 * with its /services/oauth2/token replaced (an Experience Cloud site keeps
 * its path prefix), else login_url + /services/oauth2/introspect.  A new
 * string, or NULL.
 */
static char *introspect_url(const struct jc_profile *p)
{
	size_t n = p->token_url ? strlen(p->token_url) : 0, t = strlen(TOKEN_PATH);

	if (n > t && strcmp(p->token_url + n - t, TOKEN_PATH) == 0)
		return endpoint(p->token_url, n - t, INTROSPECT_PATH);
	return p->login_url ? endpoint(p->login_url, strlen(p->login_url), INTROSPECT_PATH) : NULL;
}

/* The answer's exp when the token is active: seconds from now, or -1 (why traced). */
static long long answer_expiry(const struct jc_profile *p, long status, const char *body, size_t len)
{
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *exp = json_object_get(root, "exp");
	long long left = -1;

	if (status != 200)
		jc_trace("profile '%s': introspection answered HTTP %ld; keeping token_lifetime", p->name, status);
	else if (!json_is_true(json_object_get(root, "active")))
		jc_trace("profile '%s': introspection says the token is not active; keeping token_lifetime", p->name);
	else if (!json_is_integer(exp))
		jc_trace("profile '%s': introspection sent no exp; keeping token_lifetime", p->name);
	else
		left = (long long)json_integer_value(exp) - (long long)jc_now();
	if (left != -1 && (left <= 0 || left > MAX_SESSION)) {
		jc_trace("profile '%s': introspection's exp is %lld s from now%s; keeping token_lifetime", p->name, left,
		         left > 0 ? ", more than a Salesforce session's 24 hours" : "");
		left = -1;
	}
	json_decref(root);
	return left;
}

void jc_introspect_expiry(const struct jc_profile *p, struct jc_answer *a)
{
	struct jc_http_body body = { 0 };
	char *secret = NULL, *auth = NULL, *form = NULL, *url = NULL;
	const char *headers[] = { "Accept: application/json", NULL, NULL };
	struct jc_http_req req = { NULL, NULL, headers };
	jwtcred_error err;
	long status = 0;
	long long left;

	if (p->provider != JC_PROVIDER_SALESFORCE || !p->client_secret_file || a->expires_in > 0 ||
	    !a->access_token)
		return;
	if (!(url = introspect_url(p))) {
		jc_trace("profile '%s': no login host for introspection; keeping token_lifetime", p->name);
		return;
	}
	if (jc_https_url_check(url, 0, &err) != 0) {
		jc_trace("profile '%s': the introspection URL is not an https URL (%s); keeping token_lifetime",
		         p->name, err.text);
		free(url);
		return;
	}
	if (read_secret(p, &secret, &err) != 0) {
		jc_trace("profile '%s': %s; keeping token_lifetime", p->name, err.text);
		free(url);
		return;
	}
	if (!(auth = basic_header(p->issuer, secret)) ||
	    !(form = jc_form_append(NULL, "token", a->access_token)) ||
	    !(form = jc_form_append(form, "token_type_hint", "access_token"))) {
		jc_trace("profile '%s': out of memory for introspection; keeping token_lifetime", p->name);
		goto out;
	}
	headers[1] = auth;
	req.url = url;
	req.body = form;
	if (jc_http_send(p, &req, &status, &body, NULL, &err) != 0) {
		jc_trace("profile '%s': introspection failed: %s; keeping token_lifetime", p->name, err.text);
		goto out;
	}
	if ((left = answer_expiry(p, status, body.data, body.len)) > 0) {
		a->expires_in = left;
		jc_trace("profile '%s': introspection says the token expires in %lld s", p->name, left);
	}
	OPENSSL_cleanse(body.data, body.len);
	free(body.data);
out:
	jc_free_secret(secret);
	jc_free_secret(auth);
	jc_free_secret(form);
	free(url);
}
