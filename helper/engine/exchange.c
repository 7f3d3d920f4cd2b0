/*
 * exchange.c: the token request (RFC 7523 section 2.1, or the client
 * credentials grant with 2.2's client assertion) and the revocation
 * request (RFC 7009): build the form, POST it (http.c), read the answer
 * (response.c).
 */
#include "config.h"

#include <stdlib.h>

#include <openssl/crypto.h>

#include "core/fail.h"
#include "core/provider.h"
#include "core/secret.h"
#include "engine/exchange.h"
#include "engine/http.h"
#include "engine/response.h"

/* RFC 7523 2.1: the assertion is the grant. */
static char *jwt_bearer_form(const char *assertion)
{
	char *form = jc_form_append(NULL, "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");

	return form ? jc_form_append(form, "assertion", assertion) : NULL;
}

/* RFC 6749 4.4 with RFC 7523 2.2: the assertion authenticates the client. */
static char *client_credentials_form(const struct jc_profile *p, const char *assertion)
{
	char *form = jc_form_append(NULL, "grant_type", "client_credentials");

	if (form)
		form = jc_form_append(form, "client_id", p->issuer);
	if (form)
		form = jc_form_append(form, "client_assertion_type",
		                      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
	return form ? jc_form_append(form, "client_assertion", assertion) : NULL;
}

int jc_exchange(const struct jc_profile *p, const char *token_url, const char *assertion,
                struct jc_exchange_ctx *ctx, struct jc_answer *out, jwtcred_error *err)
{
	struct jc_http_body body = { 0 };
	char *form;
	long status;
	size_t i;
	int rc;

	jc_answer_init(out);
	form = jc_provider_of(p->provider)->grant == JC_GRANT_CLIENT_CREDENTIALS
	           ? client_credentials_form(p, assertion)
	           : jwt_bearer_form(assertion);
	if (form && p->scope && p->scope_in != JC_SCOPE_CLAIM)
		form = jc_form_append(form, "scope", p->scope);
	if (form && p->resource)
		form = jc_form_append(form, "resource", p->resource);
	for (i = 0; form && i < p->nform; i++)
		form = jc_form_append(form, p->form[i].name, p->form[i].value);
	if (!form)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory building the request");
	rc = jc_http_post(p, token_url, form, &status, &body, ctx ? &ctx->server_date : NULL, err);
	jc_free_secret(form);
	if (rc)
		return rc;
	rc = jc_parse_token_answer(status, body.data, body.len, ctx, out, err);
	OPENSSL_cleanse(body.data, body.len);
	free(body.data);
	return rc;
}

int jc_revoke(const struct jc_profile *p, const char *token, jwtcred_error *err)
{
	struct jc_http_body body = { 0 };
	char *form;
	long status;
	int rc;

	if (p->provider == JC_PROVIDER_GITHUB)
		return jc_fail(err, JWTCRED_E_USAGE,
		               "profile '%s': jwtcred does not revoke GitHub App installation tokens (they expire within the hour); remove them from the cache with jwtcred purge",
		               p->name);
	if (!p->revoke_url)
		return jc_fail(err, JWTCRED_E_USAGE,
		               "profile '%s' has no revocation endpoint: set 'revoke_url' to revoke its tokens",
		               p->name);
	form = jc_form_append(NULL, "token", token);
	if (!form)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory building the request");
	/* 429 and 5xx are retried in jc_http_post(), as for the token request */
	rc = jc_http_post(p, p->revoke_url, form, &status, &body, NULL, err);
	jc_free_secret(form);
	if (rc)
		return rc;
	rc = jc_parse_revoke_answer(p->revoke_url, token, status, body.data, body.len, err);
	OPENSSL_cleanse(body.data, body.len);
	free(body.data);
	return rc;
}
