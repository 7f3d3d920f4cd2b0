/*
 * cargoproto.c: cargo's credential provider protocol, version 1: a request
 * line parsed, the answer lines built.  The request's JSON may carry a
 * login's token: it is wiped before the tree is freed.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/cargoproto.h"
#include "core/fail.h"
#include "core/secret.h"
#include "core/text.h"

#define BEARER "Bearer "
#define ARG_SHOWN 100 /* bytes of an unknown argument quoted in the error */

void jc_cargo_request_clear(struct jc_cargo_request *r)
{
	free(r->index_url);
	free(r->profile);
	memset(r, 0, sizeof(*r));
}

static enum jc_cargo_kind kind_of(const char *kind)
{
	if (kind && strcmp(kind, "get") == 0)
		return JC_CARGO_GET;
	if (kind && strcmp(kind, "login") == 0)
		return JC_CARGO_LOGIN;
	if (kind && strcmp(kind, "logout") == 0)
		return JC_CARGO_LOGOUT;
	return JC_CARGO_UNKNOWN;
}

/* The value of args[*i], the option at args[*i - 1]; NULL when missing or not a string. */
static const char *arg_value(const json_t *args, size_t *i)
{
	return json_string_value(json_array_get(args, ++*i));
}

/*
 * The args the provider's configuration gave: an optional "cargo" first
 * (as in credential-provider = ["jwtcred", "cargo"]), then --profile.
 */
static int parse_args(const json_t *args, struct jc_cargo_request *out, jwtcred_error *err)
{
	const char *a, *name = NULL;
	size_t i;

	if (!args)
		return JWTCRED_OK;
	if (!json_is_array(args))
		return jc_fail(err, JWTCRED_E_INPUT, "cargo request: 'args' is not an array");
	for (i = 0; i < json_array_size(args); i++) {
		if (!(a = json_string_value(json_array_get(args, i))))
			return jc_fail(err, JWTCRED_E_INPUT, "cargo request: an argument is not a string");
		if (i == 0 && strcmp(a, "cargo") == 0)
			continue;
		if (name && (strcmp(a, "--profile") == 0 || strcmp(a, "-p") == 0 ||
		             strncmp(a, "--profile=", 10) == 0))
			return jc_fail(err, JWTCRED_E_INPUT, "cargo request: --profile given twice");
		if (strcmp(a, "--profile") == 0 || strcmp(a, "-p") == 0)
			name = arg_value(args, &i);
		else if (strncmp(a, "--profile=", 10) == 0)
			name = a + 10;
		else
			return jc_fail(err, JWTCRED_E_INPUT,
			               "cargo request: unknown argument '%.*s' (jwtcred takes --profile NAME)",
			               (int)ARG_SHOWN, a);
		if (!name || !*name)
			return jc_fail(err, JWTCRED_E_INPUT, "cargo request: --profile needs a name");
	}
	if (name && !(out->profile = strdup(name)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	return JWTCRED_OK;
}

static int parse_object(const json_t *req, struct jc_cargo_request *out, jwtcred_error *err)
{
	const json_t *v = json_object_get(req, "v");
	const char *url;

	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return jc_fail(err, JWTCRED_E_INPUT,
		               "cargo request: protocol version 'v' is not 1, the one jwtcred speaks");
	url = json_string_value(json_object_get(json_object_get(req, "registry"), "index-url"));
	if (!url)
		return jc_fail(err, JWTCRED_E_INPUT, "cargo request: no string registry.index-url");
	out->kind = kind_of(json_string_value(json_object_get(req, "kind")));
	if (!(out->index_url = strdup(url)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	return parse_args(json_object_get(req, "args"), out, err);
}

int jc_cargo_request_parse(const char *line, size_t len, struct jc_cargo_request *out,
                           jwtcred_error *err)
{
	json_error_t jerr;
	json_t *req;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > JC_CARGO_MAX_LINE)
		return jc_fail(err, JWTCRED_E_INPUT, "cargo request is longer than %d bytes",
		               JC_CARGO_MAX_LINE);
	if (memchr(line, '\0', len))
		return jc_fail(err, JWTCRED_E_INPUT, "cargo request holds a NUL byte");
	/* jansson's message may quote the text near the error: the front escapes it for stderr */
	if (!(req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)))
		return jc_fail(err, JWTCRED_E_INPUT, "cargo request is not JSON: %s", jerr.text);
	if (json_is_object(req))
		rc = parse_object(req, out, err);
	else
		rc = jc_fail(err, JWTCRED_E_INPUT, "cargo request is not a JSON object");
	jc_json_wipe(req, "token"); /* a login's token, never used */
	json_decref(req);
	if (rc)
		jc_cargo_request_clear(out);
	return rc;
}

int jc_cargo_index_request(const char *index_url, struct jc_request *out, jwtcred_error *err)
{
	memset(out, 0, sizeof(*out));
	/* a git index: cargo sends its token to the "api" URL of the repository's config.json */
	if (strncmp(index_url, "sparse+", 7) != 0)
		return jc_fail(err, JWTCRED_E_INPUT,
		               "cargo registry is not a sparse index: for a git index cargo sends the "
		               "token to the api URL its config.json names, which jwtcred cannot check");
	if (jc_request_from_url(index_url + 7, out) != 0)
		return jc_fail(err, JWTCRED_E_INPUT, "cargo registry's index URL is not a usable URL");
	if (strcmp(out->scheme, "https") != 0) {
		jc_request_clear(out);
		return jc_fail(err, JWTCRED_E_INPUT,
		               "cargo registry's index is not https: tokens are only sent over https");
	}
	return JWTCRED_OK;
}

static char *dump(json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	return text;
}

char *jc_cargo_answer_token(const char *token, long long expiration)
{
	char *value = jc_concat(BEARER, token), *text = NULL;
	json_t *o = NULL;

	if (value)
		o = json_pack("{s:{s:s s:s s:s s:I s:b}}", "Ok", "kind", "get", "token", value,
		              "cache", "expires", "expiration", (json_int_t)expiration,
		              "operation_independent", 1);
	text = dump(o);
	jc_json_wipe(json_object_get(o, "Ok"), "token");
	json_decref(o);
	jc_free_secret(value);
	return text;
}

char *jc_cargo_answer_error(const char *kind, const char *message)
{
	char shown[JWTCRED_ERROR_TEXT_LENGTH];
	json_t *o;
	char *text;

	/* JSON escapes what it must; only bytes JSON cannot carry are escaped here */
	if (message && !jc_utf8_valid(message))
		message = jc_escape(message, shown, sizeof(shown));
	o = message ? json_pack("{s:{s:s s:s}}", "Err", "kind", kind, "message", message)
	            : json_pack("{s:{s:s}}", "Err", "kind", kind);
	text = dump(o);

	json_decref(o);
	return text;
}
