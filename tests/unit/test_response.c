/*
 * test_response.c: what the token endpoint answers.  Salesforce's success
 * body (no expires_in), token types, expires_in forms, unusable tokens,
 * bodies that are not JSON, size limits, and each known Salesforce error
 * turned into one line that says what to fix, with nothing raw copied in.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange.h"
#include "testutil.h"

#define TOKEN "00D5g000004XXXX!AQ0AQHn8.Ab_cd-EF"
#define AUD "https://acme.my.salesforce.com"

/* Salesforce's JWT bearer answer, as documented (issued_at and signature included). */
#define SF_SUCCESS                                                                     \
	"{\"access_token\":\"" TOKEN "\","                                             \
	"\"signature\":\"d2hhdGV2ZXI=\","                                              \
	"\"scope\":\"api web\","                                                       \
	"\"instance_url\":\"https://acme.my.salesforce.com\","                         \
	"\"id\":\"https://login.salesforce.com/id/00D5g000004XXXXEAA/0055g00000AAAAAAA3\"," \
	"\"token_type\":\"Bearer\","                                                   \
	"\"issued_at\":\"1700000000000\"}"

static int parse(long status, const char *body, struct jc_grant *g, jwtcred_error *err)
{
	return jc_parse_token_response(status, body, strlen(body), AUD, g, err);
}

static void test_salesforce_success(void **state)
{
	jwtcred_error err = { "" };
	struct jc_grant g;

	(void)state;
	assert_int_equal(parse(200, SF_SUCCESS, &g, &err), JWTCRED_OK);
	assert_string_equal(g.access_token, TOKEN);
	assert_string_equal(g.instance_url, "https://acme.my.salesforce.com");
	assert_string_equal(g.id, "https://login.salesforce.com/id/00D5g000004XXXXEAA/0055g00000AAAAAAA3");
	assert_string_equal(g.scope, "api web");
	assert_int_equal(g.expires_in, -1);
	jc_grant_clear(&g);
	assert_null(g.access_token);
	assert_int_equal(g.expires_in, -1);
}

static const struct ok_row {
	const char *what;
	const char *body;
	long long expires_in;
} ok_rows[] = {
	{ "token_type bearer (any case)", "{\"access_token\":\"t\",\"token_type\":\"bearer\"}", -1 },
	{ "token_type BEARER", "{\"access_token\":\"t\",\"token_type\":\"BEARER\"}", -1 },
	{ "no token_type", "{\"access_token\":\"t\"}", -1 },
	{ "expires_in integer", "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":3600}", 3600 },
	{ "expires_in string", "{\"access_token\":\"t\",\"expires_in\":\"3599\"}", 3599 },
	{ "expires_in one year", "{\"access_token\":\"t\",\"expires_in\":31536000}", 31536000 },
	{ "unknown members ignored", "{\"access_token\":\"t\",\"x\":{\"y\":[1,2]},\"id_token\":\"a.b.c\"}", -1 },
	{ "token of 8192 characters", NULL, -1 }, /* built below */
};

static void test_accepted(void **state)
{
	char big[JC_MAX_TOKEN + 64];
	size_t i;
	int bad = 0;

	(void)state;
	memcpy(big, "{\"access_token\":\"", 17);
	memset(big + 17, 'A', JC_MAX_TOKEN);
	memcpy(big + 17 + JC_MAX_TOKEN, "\"}", 3);
	for (i = 0; i < sizeof(ok_rows) / sizeof(ok_rows[0]); i++) {
		const char *body = ok_rows[i].body ? ok_rows[i].body : big;
		jwtcred_error err = { "" };
		struct jc_grant g;
		int rc = parse(200, body, &g, &err);

		if (rc != JWTCRED_OK || !g.access_token || g.expires_in != ok_rows[i].expires_in) {
			print_error("%s: rc %d, expires_in %lld: %s\n", ok_rows[i].what, rc, g.expires_in,
			            err.text);
			bad++;
		}
		jc_grant_clear(&g);
	}
	assert_int_equal(bad, 0);
}

static const struct bad_row {
	const char *what;
	long status;
	const char *body;
	int rc;
	const char *want[3]; /* each must appear in the message */
} bad_rows[] = {
	/* token type */
	{ "token_type mac", 200, "{\"access_token\":\"" TOKEN "\",\"token_type\":\"mac\"}",
	  JWTCRED_E_RESPONSE, { "mac", "Bearer" } },
	{ "token_type not a string", 200, "{\"access_token\":\"" TOKEN "\",\"token_type\":1}",
	  JWTCRED_E_RESPONSE, { "Bearer" } },
	/* expires_in */
	{ "expires_in zero", 200, "{\"access_token\":\"" TOKEN "\",\"expires_in\":0}",
	  JWTCRED_E_RESPONSE, { "expires_in" } },
	{ "expires_in negative", 200, "{\"access_token\":\"" TOKEN "\",\"expires_in\":-60}",
	  JWTCRED_E_RESPONSE, { "expires_in" } },
	{ "expires_in over a year", 200, "{\"access_token\":\"" TOKEN "\",\"expires_in\":31708801}",
	  JWTCRED_E_RESPONSE, { "expires_in" } },
	{ "expires_in not a number", 200, "{\"access_token\":\"" TOKEN "\",\"expires_in\":\"soon\"}",
	  JWTCRED_E_RESPONSE, { "expires_in" } },
	{ "expires_in with trailing junk", 200, "{\"access_token\":\"" TOKEN "\",\"expires_in\":\"3600abc\"}",
	  JWTCRED_E_RESPONSE, { "expires_in" } },
	{ "expires_in a fraction", 200, "{\"access_token\":\"" TOKEN "\",\"expires_in\":3600.5}",
	  JWTCRED_E_RESPONSE, { "expires_in" } },
	{ "expires_in huge", 200, "{\"access_token\":\"" TOKEN "\",\"expires_in\":\"99999999999999999999999\"}",
	  JWTCRED_E_RESPONSE, { "expires_in" } },
	/* unusable access tokens */
	{ "no access_token", 200, "{\"token_type\":\"Bearer\",\"instance_url\":\"https://x\"}",
	  JWTCRED_E_RESPONSE, { "access_token" } },
	{ "empty access_token", 200, "{\"access_token\":\"\"}", JWTCRED_E_RESPONSE, { "access_token" } },
	{ "access_token not a string", 200, "{\"access_token\":12345}", JWTCRED_E_RESPONSE, { "access_token" } },
	{ "access_token null", 200, "{\"access_token\":null}", JWTCRED_E_RESPONSE, { "access_token" } },
	{ "non-ASCII access_token", 200, "{\"access_token\":\"t\\u00f6ken\"}", JWTCRED_E_RESPONSE,
	  { "access_token" } },
	{ "access_token with a space", 200, "{\"access_token\":\"abc def\"}", JWTCRED_E_RESPONSE,
	  { "access_token" } },
	{ "access_token with a newline", 200, "{\"access_token\":\"abc\\ndef\"}", JWTCRED_E_RESPONSE,
	  { "access_token" } },
	{ "access_token with a NUL", 200, "{\"access_token\":\"abc\\u0000def\"}", JWTCRED_E_RESPONSE,
	  { NULL } },
	{ "an array", 200, "[\"" TOKEN "\"]", JWTCRED_E_RESPONSE, { "access_token" } },
	{ "duplicate access_token", 200, "{\"access_token\":\"" TOKEN "\",\"access_token\":\"other\"}",
	  JWTCRED_E_RESPONSE, { NULL } },
	{ "duplicate token_type", 200, "{\"access_token\":\"" TOKEN "\",\"token_type\":\"mac\",\"token_type\":\"Bearer\"}",
	  JWTCRED_E_RESPONSE, { NULL } },
	/* not JSON: say so, with the HTTP status */
	{ "malformed JSON", 200, "{\"access_token\":", JWTCRED_E_RESPONSE, { "not JSON", "HTTP 200" } },
	{ "a JSON string", 200, "\"" TOKEN "\"", JWTCRED_E_RESPONSE, { "not JSON", "HTTP 200" } },
	{ "a JSON number", 200, "42", JWTCRED_E_RESPONSE, { "not JSON", "HTTP 200" } },
	{ "empty body", 200, "", JWTCRED_E_RESPONSE, { "not JSON", "HTTP 200" } },
	{ "HTML with 200", 200, "<!DOCTYPE html><html><body>Login</body></html>", JWTCRED_E_RESPONSE,
	  { "not JSON", "HTTP 200" } },
	{ "HTML with 500", 500, "<html><body><h1>Internal Server Error</h1></body></html>",
	  JWTCRED_E_DENIED, { "not JSON", "HTTP 500" } },
	{ "HTML with 404", 404, "<html>Not Found</html>", JWTCRED_E_DENIED, { "not JSON", "HTTP 404" } },
	{ "empty 401", 401, "", JWTCRED_E_DENIED, { "HTTP 401" } },
	/* Salesforce's errors: the server's words and what to do */
	{ "not approved", 400,
	  "{\"error\":\"invalid_grant\",\"error_description\":\"user hasn't approved this consumer\"}",
	  JWTCRED_E_DENIED, { "invalid_grant: user hasn't approved this consumer", "pre-authorize", "Permitted Users" } },
	{ "audience", 400, "{\"error\":\"invalid_grant\",\"error_description\":\"audience is invalid\"}",
	  JWTCRED_E_DENIED, { "invalid_grant: audience is invalid", "'" AUD "'", "test.salesforce.com" } },
	{ "expired", 400,
	  "{\"error\":\"invalid_grant\",\"error_description\":\"expired authorization code\"}",
	  JWTCRED_E_DENIED, { "expired authorization code", "clock", "UTC" } },
	{ "invalid assertion", 400, "{\"error\":\"invalid_grant\",\"error_description\":\"invalid assertion\"}",
	  JWTCRED_E_DENIED, { "invalid_grant: invalid assertion", "certificate", "private_key" } },
	{ "invalid_client_id", 400,
	  "{\"error\":\"invalid_client_id\",\"error_description\":\"client identifier invalid\"}",
	  JWTCRED_E_DENIED, { "invalid_client_id: client identifier invalid", "client_id", "Consumer Key" } },
	{ "ip restricted", 400,
	  "{\"error\":\"invalid_grant\",\"error_description\":\"ip restricted or invalid login hours\"}",
	  JWTCRED_E_DENIED, { "ip restricted or invalid login hours", "IP", "login hours" } },
	{ "unknown error", 400, "{\"error\":\"invalid_request\",\"error_description\":\"grant type not supported\"}",
	  JWTCRED_E_DENIED, { "HTTP 400", "invalid_request: grant type not supported" } },
	{ "error without description", 401, "{\"error\":\"unauthorized_client\"}", JWTCRED_E_DENIED,
	  { "HTTP 401", "unauthorized_client" } },
	{ "REST-style error array", 401, "[{\"errorCode\":\"INVALID_SESSION_ID\",\"message\":\"Session expired or invalid\"}]",
	  JWTCRED_E_DENIED, { "INVALID_SESSION_ID", "Session expired or invalid" } },
	{ "token in an error answer", 400, "{\"error\":\"invalid_grant\",\"access_token\":\"" TOKEN "\"}",
	  JWTCRED_E_DENIED, { "invalid_grant" } },
	/* server text is made printable before it reaches our one line */
	{ "control characters in the description", 400,
	  "{\"error\":\"invalid_grant\",\"error_description\":\"bad\\u001b[2J\\r\\nthing\\u0007\\t\"}",
	  JWTCRED_E_DENIED, { "invalid_grant", "bad", "thing" } },
	{ "control characters in the error", 400, "{\"error\":\"x\\ny\\u001b\"}", JWTCRED_E_DENIED, { "HTTP 400" } },
	{ "DEL and non-ASCII in the description", 400,
	  "{\"error\":\"invalid_grant\",\"error_description\":\"caf\\u00e9\\u007f \\u202e\"}", JWTCRED_E_DENIED,
	  { "caf" } },
};

static void test_refused(void **state)
{
	size_t i, k;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		const struct bad_row *r = &bad_rows[i];
		jwtcred_error err = { "" };
		struct jc_grant g;
		int rc = parse(r->status, r->body, &g, &err);
		bool ok = rc == r->rc && g.access_token == NULL && err.text[0] != '\0' &&
		          !tu_has_control(err.text) && !tu_contains(err.text, TOKEN);

		/* only printable ASCII: nothing raw from the server */
		for (k = 0; err.text[k]; k++)
			if ((unsigned char)err.text[k] > 0x7e)
				ok = false;
		for (k = 0; k < 3 && r->want[k]; k++)
			if (!strstr(err.text, r->want[k]))
				ok = false;
		if (!ok) {
			char shown[2 * JWTCRED_ERROR_TEXT_LENGTH];

			print_error("%s: rc %d (want %d)\n  %s\n", r->what, rc, r->rc,
			            tu_visible(err.text, shown, sizeof(shown)));
			bad++;
		}
		jc_grant_clear(&g);
	}
	assert_int_equal(bad, 0);
}

static void test_size_limits(void **state)
{
	jwtcred_error err = { "" };
	struct jc_grant g;
	size_t n = JC_MAX_RESPONSE + 1, pad;
	char *body = malloc(n + 1), big[JC_MAX_TOKEN + 64];

	(void)state;
	/* valid JSON, one byte too long: the size is checked first */
	assert_non_null(body);
	pad = n - strlen("{\"access_token\":\"t\",\"x\":\"\"}");
	snprintf(body, n + 1, "{\"access_token\":\"t\",\"x\":\"%0*d\"}", (int)pad, 0);
	assert_int_equal(strlen(body), n);
	assert_int_equal(jc_parse_token_response(200, body, n, AUD, &g, &err), JWTCRED_E_RESPONSE);
	assert_null(g.access_token);
	assert_true(tu_contains(err.text, "65536"));
	/* and at the limit it parses */
	memmove(body + 25, body + 26, n - 25); /* one '0' fewer */
	assert_int_equal(jc_parse_token_response(200, body, n - 1, AUD, &g, &err), JWTCRED_OK);
	jc_grant_clear(&g);
	free(body);

	/* a token longer than JC_MAX_TOKEN */
	memcpy(big, "{\"access_token\":\"", 17);
	memset(big + 17, 'A', JC_MAX_TOKEN + 1);
	memcpy(big + 17 + JC_MAX_TOKEN + 1, "\"}", 3);
	assert_int_equal(parse(200, big, &g, &err), JWTCRED_E_RESPONSE);
	assert_null(g.access_token);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_salesforce_success),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_size_limits),
	};

	return cmocka_run_group_tests_name("response", tests, NULL, NULL);
}
