/*
 * response.c: what a token endpoint or a revocation endpoint answered:
 * the token and its lifetime, or the server's refusal as one line with the
 * hint of the profile's provider (core/provider.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/fail.h"
#include "core/provider.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/urlmatch.h"
#include "engine/response.h"

/* The server refused the audience: another of the profile's may do. */
static bool audience_refused(const char *error, const char *desc)
{
	return !jc_text_is(error, "invalid_scope") &&
	       (jc_text_has(desc, "audience") || jc_text_has(desc, "\"aud\"") ||
	        jc_text_has(desc, "app_not_found") || jc_text_has(error, "app_not_found"));
}

#define REFUSED "the token endpoint refused the assertion (HTTP %ld): %s%s%s%s%s"

static int server_error(long status, json_t *root, struct jc_exchange_ctx *ctx, jwtcred_error *err)
{
	const char *error = json_string_value(json_object_get(root, "error"));
	const char *desc = json_string_value(json_object_get(root, "error_description"));
	char e[96], d[256], hbuf[JWTCRED_ERROR_TEXT_LENGTH];
	struct jc_hint_in in = { NULL, NULL, NULL, NULL, -1, false };
	const char *hint;
	int n;

	if (!error && json_is_array(root)) { /* Salesforce REST style [{"errorCode","message"}] */
		json_t *first = json_array_get(root, 0);
		error = json_string_value(json_object_get(first, "errorCode"));
		desc = json_string_value(json_object_get(first, "message"));
	}
	/* server-provided text, made printable and short for our one-line message */
	jc_escape(error ? error : "unknown_error", e, sizeof(e));
	jc_escape(desc, d, sizeof(d));
	if (ctx)
		ctx->audience_refused = audience_refused(error, desc);
	if (ctx) {
		in.p = ctx->p;
		in.audience = ctx->audience;
		in.server_date = ctx->server_date;
	}
	in.error = error;
	in.desc = desc;
	hint = jc_provider_hint(&in, hbuf, sizeof(hbuf));
	/* a hint that would be cut short has a brief form (the approval URL must stay whole) */
	n = snprintf(NULL, 0, REFUSED, status, e, desc ? ": " : "", d, hint ? "; " : "", hint ? hint : "");
	if (hint && n >= JWTCRED_ERROR_TEXT_LENGTH) {
		in.brief = true;
		hint = jc_provider_hint(&in, hbuf, sizeof(hbuf));
	}
	return jc_fail(err, JWTCRED_E_DENIED, REFUSED, status, e, desc ? ": " : "", d, hint ? "; " : "",
	               hint ? hint : "");
}

/* "3600" -> 3600; anything but plain digits -> -1. */
static long long digits_value(const char *s)
{
	long long v;
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end ? -1 : v;
}

static int dup_string(json_t *root, const char *key, char **out)
{
	const char *v = json_string_value(json_object_get(root, key));

	*out = NULL;
	if (!v)
		return JWTCRED_OK;
	return (*out = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

/*
 * Salesforce's instance_url is where the token is good: jwtcred exec and
 * jwtcred curl may send the token there, exec and "token --format env" hand
 * it to scripts as a URL, "check --online" prints it.  Anything but a plain
 * https URL fails the exchange rather than reach them (a server that sends
 * one is not to be trusted with the token either).
 */
static int check_instance_url(const char *url, jwtcred_error *err)
{
	jwtcred_error why;
	char shown[160];
	int rc;

	if (!url || (rc = jc_https_url_check(url, 0, &why)) == 0)
		return JWTCRED_OK;
	if (rc == JWTCRED_E_NOMEM)
		return rc;
	return jc_fail(err, JWTCRED_E_RESPONSE,
	               "the token endpoint's instance_url '%s' %s: refusing its token (is token_url the provider's endpoint?)",
	               jc_escape(url, shown, sizeof(shown)), why.text);
}

int jc_parse_token_answer(long status, const char *body, size_t len, struct jc_exchange_ctx *ctx,
                          struct jc_answer *out, jwtcred_error *err)
{
	json_t *root = NULL, *v;
	const char *type, *tok;
	int rc;

	jc_answer_init(out);
	if (len > JC_MAX_RESPONSE)
		return jc_fail(err, JWTCRED_E_RESPONSE, "the token endpoint's answer is larger than %d bytes",
		               JC_MAX_RESPONSE);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!root || (!json_is_object(root) && !json_is_array(root))) {
		rc = jc_fail(err, status >= 200 && status < 300 ? JWTCRED_E_RESPONSE : JWTCRED_E_DENIED,
		             "the token endpoint answered HTTP %ld with a body that is not JSON%s", status,
		             status >= 500 ? " (a server error page?)" : "; is token_url right?");
		goto out;
	}
	if (status < 200 || status > 299) {
		rc = server_error(status, root, ctx, err);
		goto out;
	}
	tok = json_string_value(json_object_get(root, "access_token"));
	if (!jc_token_text_ok(tok, JC_MAX_TOKEN)) {
		rc = jc_fail(err, JWTCRED_E_RESPONSE,
		             "the token endpoint's answer has no usable access_token (missing, empty, too long or not visible ASCII)");
		goto out;
	}
	type = json_string_value(json_object_get(root, "token_type"));
	if (json_object_get(root, "token_type") && (!type || strcasecmp(type, "bearer") != 0)) {
		char t[32];
		jc_escape(type ? type : "(not a string)", t, sizeof(t));
		rc = jc_fail(err, JWTCRED_E_RESPONSE, "the token endpoint issued a '%s' token, not a Bearer token", t);
		goto out;
	}
	v = json_object_get(root, "expires_in");
	if (v) {
		/* RFC 6749 says a number; some servers send a string */
		if (json_is_integer(v))
			out->expires_in = json_integer_value(v);
		else if (json_is_string(v))
			out->expires_in = digits_value(json_string_value(v));
		if (out->expires_in <= 0 || out->expires_in > JC_MAX_LIFETIME) {
			rc = jc_fail(err, JWTCRED_E_RESPONSE, "the token endpoint's expires_in is not a sensible number of seconds");
			goto out;
		}
	}
	if ((rc = check_instance_url(json_string_value(json_object_get(root, "instance_url")), err)) != 0)
		goto out;
	rc = JWTCRED_E_NOMEM;
	if (!(out->access_token = strdup(tok)) || dup_string(root, "instance_url", &out->instance_url) ||
	    dup_string(root, "id", &out->id) || dup_string(root, "scope", &out->scope))
		goto out;
	rc = JWTCRED_OK;
out:
	if (rc)
		jc_answer_clear(out);
	if (rc == JWTCRED_E_NOMEM)
		jc_fail(err, rc, "out of memory reading the token endpoint's answer");
	/* the parsed tree held the token too */
	jc_json_wipe(root, "access_token");
	json_decref(root);
	return rc;
}

#define REVOKE_FAILED "revoking at '%s' %s%s%s%s"

int jc_parse_revoke_answer(const char *url, const char *token, long status, const char *body,
                           size_t len, jwtcred_error *err)
{
	const char *error = NULL, *desc = NULL, *what;
	char e[96] = "", d[256] = "", detail[400] = "", how[96];
	json_t *root = NULL;
	int rc;

	/* RFC 7009 2.2: 200 when the token was revoked or was invalid already */
	if (status == 200)
		return JWTCRED_OK;
	if (body && len && (root = json_loadb(body, len, 0, NULL)) && json_is_object(root)) {
		error = json_string_value(json_object_get(root, "error"));
		desc = json_string_value(json_object_get(root, "error_description"));
	}
	/* the server knows the token; the user's terminal need not see it again */
	if (token && *token && ((error && strstr(error, token)) || (desc && strstr(desc, token))))
		error = desc = NULL;
	jc_escape(error, e, sizeof(e));
	jc_escape(desc, d, sizeof(d));
	if (error)
		snprintf(detail, sizeof(detail), " (%s%s%s)", e, desc ? ": " : "", d);
	snprintf(how, sizeof(how), "with HTTP %ld", status);
	if (status == 503 || status == 429) {
		rc = JWTCRED_E_NETWORK;
		what = ": the endpoint is unavailable, try again later (the token is still valid)";
	} else if (status >= 500) {
		rc = JWTCRED_E_RESPONSE;
		what = ": a server error (the token may still be valid)";
	} else if (status >= 400) {
		rc = JWTCRED_E_DENIED;
		what = ": the token may still be valid";
	} else if (status >= 300) {
		rc = JWTCRED_E_RESPONSE;
		snprintf(how, sizeof(how), "got a redirect (HTTP %ld)", status);
		what = ", which is not followed: check revoke_url";
	} else {
		rc = JWTCRED_E_RESPONSE;
		what = ", not the 200 of a revocation (the token may still be valid)";
	}
	json_decref(root);
	return jc_fail(err, rc, REVOKE_FAILED, url,
	               status >= 400 && status < 500 ? "was refused " : status >= 300 && status < 400 ? "" : "failed ",
	               how, detail, what);
}
