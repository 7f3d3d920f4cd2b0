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

#include <curl/curl.h>

#include "engine/exchange.h"
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

/* A Salesforce answer with this instance_url (a JSON string's contents). */
#define IURL(u) "{\"access_token\":\"" TOKEN "\",\"token_type\":\"Bearer\",\"instance_url\":\"" u "\"}"

/* An answer to a request without a profile (the default provider's hints) for aud AUD. */
static int parse_n(long status, const char *body, size_t len, struct jc_answer *g,
                   jwtcred_error *err)
{
	struct jc_exchange_ctx ctx = { NULL, "'" AUD "'", -1, false };

	return jc_parse_token_answer(status, body, len, &ctx, g, err);
}

static int parse(long status, const char *body, struct jc_answer *g, jwtcred_error *err)
{
	return parse_n(status, body, strlen(body), g, err);
}

static void test_salesforce_success(void **state)
{
	jwtcred_error err = { "" };
	struct jc_answer g;

	(void)state;
	assert_int_equal(parse(200, SF_SUCCESS, &g, &err), JWTCRED_OK);
	assert_string_equal(g.access_token, TOKEN);
	assert_string_equal(g.instance_url, "https://acme.my.salesforce.com");
	assert_string_equal(g.id, "https://login.salesforce.com/id/00D5g000004XXXXEAA/0055g00000AAAAAAA3");
	assert_string_equal(g.scope, "api web");
	assert_int_equal(g.expires_in, -1);
	jc_answer_clear(&g);
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

/* Plain https instance URLs are kept exactly as sent. */
static void test_instance_url_accepted(void **state)
{
	static const char *const urls[] = {
		"https://acme.my.salesforce.com",
		"https://acme--dev.sandbox.my.salesforce.com/",
		"https://localhost:8443",
		"https://[::1]:8443/services",
		"https://na1.salesforce.com/path%20with%2Fescapes/~x-y_z",
	};
	char body[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		jwtcred_error err = { "" };
		struct jc_answer g;

		snprintf(body, sizeof(body), IURL("%s"), urls[i]);
		if (parse(200, body, &g, &err) != JWTCRED_OK || !g.instance_url ||
		    strcmp(g.instance_url, urls[i]) != 0)
			fail_msg("%s: %s", urls[i], err.text);
		jc_answer_clear(&g);
	}
}

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
		struct jc_answer g;
		int rc = parse(200, body, &g, &err);

		if (rc != JWTCRED_OK || !g.access_token || g.expires_in != ok_rows[i].expires_in) {
			print_error("%s: rc %d, expires_in %lld: %s\n", ok_rows[i].what, rc, g.expires_in,
			            err.text);
			bad++;
		}
		jc_answer_clear(&g);
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
	/*
	 * instance_url is handed to scripts and allowed as a destination by exec
	 * and curl: anything but a plain https URL fails the exchange
	 */
	{ "instance_url over http", 200, IURL("http://acme.my.salesforce.com"), JWTCRED_E_RESPONSE,
	  { "instance_url 'http://acme.my.salesforce.com' is not an https URL" } },
	{ "instance_url with an escape sequence", 200, IURL("https://acme.my.salesforce.com/\\u001b[2J"),
	  JWTCRED_E_RESPONSE, { "instance_url 'https://acme.my.salesforce.com/\\x1b[2J' contains a space or a control character" } },
	{ "instance_url with a newline", 200, IURL("https://acme.my.salesforce.com\\nJWTCRED_X=1"),
	  JWTCRED_E_RESPONSE, { "instance_url", "\\x0a", "control character" } },
	{ "instance_url with a space", 200, IURL("https://acme.my.salesforce.com/ x"), JWTCRED_E_RESPONSE,
	  { "instance_url", "space" } },
	{ "instance_url with a backtick", 200, IURL("https://acme.my.salesforce.com/`id`"), JWTCRED_E_RESPONSE,
	  { "instance_url", "contains '`', which URLs do not allow" } },
	{ "instance_url with a double quote", 200, IURL("https://acme.my.salesforce.com/\\\"x"),
	  JWTCRED_E_RESPONSE, { "instance_url", "contains '\"'" } },
	{ "instance_url with userinfo", 200, IURL("https://evil.example@acme.my.salesforce.com"),
	  JWTCRED_E_RESPONSE, { "instance_url", "user name" } },
	{ "instance_url with a fragment", 200, IURL("https://acme.my.salesforce.com/#x"), JWTCRED_E_RESPONSE,
	  { "instance_url", "fragment" } },
	{ "instance_url with a query", 200, IURL("https://acme.my.salesforce.com/?next=evil"),
	  JWTCRED_E_RESPONSE, { "instance_url", "query" } },
	{ "instance_url with no host", 200, IURL("https:///x"), JWTCRED_E_RESPONSE,
	  { "instance_url", "invalid host" } },
	{ "instance_url with a bad port", 200, IURL("https://acme.my.salesforce.com:99999"),
	  JWTCRED_E_RESPONSE, { "instance_url", "port" } },
	{ "instance_url not ASCII", 200, IURL("https://acm\\u00e9.my.salesforce.com"), JWTCRED_E_RESPONSE,
	  { "instance_url 'https://acm\\xc3\\xa9.my.salesforce.com' contains a byte that is not ASCII" } },
	{ "instance_url empty", 200, IURL(""), JWTCRED_E_RESPONSE, { "instance_url ''", "not an https URL" } },
	{ "instance_url with dot segments", 200, IURL("https://acme.my.salesforce.com/a/../b"),
	  JWTCRED_E_RESPONSE, { "instance_url", "'..'" } },
	{ "instance_url too long", 200, NULL /* built below */, JWTCRED_E_RESPONSE,
	  { "instance_url", "longer than 2048 bytes", "..." } },
};

static void test_refused(void **state)
{
	char longer[2200];
	size_t i, k;
	int bad = 0;

	(void)state;
	snprintf(longer, sizeof(longer), IURL("https://acme.my.salesforce.com/%02049d"), 0);
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		const struct bad_row *r = &bad_rows[i];
		jwtcred_error err = { "" };
		struct jc_answer g;
		int rc = parse(r->status, r->body ? r->body : longer, &g, &err);
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
		jc_answer_clear(&g);
	}
	assert_int_equal(bad, 0);
}

static void test_size_limits(void **state)
{
	jwtcred_error err = { "" };
	struct jc_answer g;
	size_t n = JC_MAX_RESPONSE + 1, pad;
	char *body = malloc(n + 1), big[JC_MAX_TOKEN + 64];

	(void)state;
	/* valid JSON, one byte too long: the size is checked first */
	assert_non_null(body);
	pad = n - strlen("{\"access_token\":\"t\",\"x\":\"\"}");
	snprintf(body, n + 1, "{\"access_token\":\"t\",\"x\":\"%0*d\"}", (int)pad, 0);
	assert_int_equal(strlen(body), n);
	assert_int_equal(parse_n(200, body, n, &g, &err), JWTCRED_E_RESPONSE);
	assert_null(g.access_token);
	assert_true(tu_contains(err.text, "65536"));
	/* and at the limit it parses */
	memmove(body + 25, body + 26, n - 25); /* one '0' fewer */
	assert_int_equal(parse_n(200, body, n - 1, &g, &err), JWTCRED_OK);
	jc_answer_clear(&g);
	free(body);

	/* a token longer than JC_MAX_TOKEN */
	memcpy(big, "{\"access_token\":\"", 17);
	memset(big + 17, 'A', JC_MAX_TOKEN + 1);
	memcpy(big + 17 + JC_MAX_TOKEN + 1, "\"}", 3);
	assert_int_equal(parse(200, big, &g, &err), JWTCRED_E_RESPONSE);
	assert_null(g.access_token);
}

/* A profile of each provider, as jc_conf_load leaves them, for the hints. */
static void profile_of(struct jc_profile *p, enum jc_provider provider)
{
	tu_profile_init(p, "/keys/prod.key");
	p->provider = provider;
	if (provider == JC_PROVIDER_GOOGLE) {
		free(p->private_key);
		p->private_key = NULL;
		p->service_account_file = strdup("/keys/sa.json");
	}
}

struct hint_row {
	const char *what;
	enum jc_provider provider;
	bool subject;             /* google: domain-wide delegation */
	bool callback;            /* salesforce: callback_url set */
	const char *body;
	bool audience_refused;
	const char *want[3];
	const char *not;          /* must not appear */
};

#define ERR(e, d) "{\"error\":\"" e "\",\"error_description\":\"" d "\"}"
#define SF JC_PROVIDER_SALESFORCE
#define GO JC_PROVIDER_GOOGLE
#define GE JC_PROVIDER_GENERIC

static const struct hint_row hint_rows[] = {
	/* Google's errors */
	{ "google: signature", GO, false, false, ERR("invalid_grant", "Invalid JWT Signature."), false,
	  { "Invalid JWT Signature", "'/keys/sa.json'", "create a new key" }, NULL },
	{ "google: clock", GO, false, false,
	  ERR("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."),
	  false, { "short-lived token", "this machine's UTC time is", "the server's Date is 2023-11-14T22:13:20Z" }, NULL },
	{ "google: delegation", GO, true, false,
	  ERR("unauthorized_client", "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."),
	  false, { "unauthorized_client", "domain-wide delegation", "'subject'" }, NULL },
	{ "google: no delegation", GO, false, false, ERR("unauthorized_client", "Client is unauthorized"), false,
	  { "unauthorized_client", "check 'scopes'" }, "delegation" },
	{ "google: scope", GO, false, false, ERR("invalid_scope", "Invalid OAuth scope or ID token audience provided."),
	  false, { "invalid_scope", "https://www.googleapis.com/auth/cloud-platform" }, NULL },
	{ "google: subject", GO, true, false, ERR("invalid_grant", "Invalid email or User ID"), false,
	  { "'subject' is not a user" }, NULL },
	{ "google: audience", GO, false, false, ERR("invalid_grant", "Invalid JWT: Failed audience check."), true,
	  { "leave 'audience' unset" }, NULL },
	/* Salesforce's rough edges */
	{ "salesforce: approval URL", SF, false, true, ERR("invalid_grant", "user hasn't approved this consumer"), false,
	  { "approve the app once as this user at https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVG9example.consumer.key&redirect_uri=https%3A%2F%2Flocalhost%3A1717%2FOauthRedirect",
	    "pre-authorize" }, NULL },
	{ "salesforce: no callback_url", SF, false, false, ERR("invalid_grant", "user hasn't approved this consumer"), false,
	  { "Permitted Users", "set 'callback_url'" }, "authorize?" },
	{ "salesforce: app_not_found", SF, false, false, ERR("invalid_client", "app_not_found"), true,
	  { "app_not_found", "'" AUD "'", "a list is tried in order" }, NULL },
	{ "salesforce: audience", SF, false, false, ERR("invalid_grant", "audience is invalid"), true,
	  { "'" AUD "'" }, NULL },
	{ "salesforce: clock", SF, false, false, ERR("invalid_grant", "expired authorization code"), false,
	  { "this machine's UTC time is", "the server's Date is 2023-11-14T22:13:20Z" }, NULL },
	{ "salesforce: not an audience error", SF, false, false, ERR("invalid_grant", "invalid assertion"), false,
	  { "certificate" }, NULL },
	/* generic servers */
	{ "generic: client", GE, false, false, ERR("invalid_client", "unknown client"), false,
	  { "check 'issuer'", "key_id" }, "Consumer Key" },
	{ "generic: audience", GE, false, false, ERR("invalid_grant", "JWT \\\"aud\\\" claim mismatch"), true,
	  { "sent with aud '" AUD "'" }, NULL },
	{ "generic: clock", GE, false, false, ERR("invalid_grant", "JWT expired"), false,
	  { "check this machine's clock" }, NULL },
	{ "generic: unknown", GE, false, false, ERR("invalid_request", "something else"), false,
	  { "invalid_request: something else" }, ";" },
};

static void test_hints(void **state)
{
	size_t i, k;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(hint_rows) / sizeof(hint_rows[0]); i++) {
		const struct hint_row *r = &hint_rows[i];
		struct jc_profile p;
		struct jc_exchange_ctx ctx = { NULL, "'" AUD "'", 1700000000, false };
		jwtcred_error err = { "" };
		struct jc_answer g;
		int rc;
		bool ok;

		profile_of(&p, r->provider);
		if (r->subject)
			p.subject = p.subject ? p.subject : strdup("admin@example.com");
		else if (r->provider == GO) {
			free(p.subject);
			p.subject = NULL;
		}
		if (r->callback)
			p.callback_url = strdup("https://localhost:1717/OauthRedirect");
		ctx.p = &p;
		rc = jc_parse_token_answer(400, r->body, strlen(r->body), &ctx, &g, &err);
		ok = rc == JWTCRED_E_DENIED && ctx.audience_refused == r->audience_refused &&
		     !tu_has_control(err.text) && strlen(err.text) < JWTCRED_ERROR_TEXT_LENGTH - 1 &&
		     (!r->not || !tu_contains(err.text, r->not));
		for (k = 0; k < 3 && r->want[k]; k++)
			if (!tu_contains(err.text, r->want[k]))
				ok = false;
		if (!ok) {
			print_error("%s: rc %d, audience_refused %d\n  %s\n", r->what, rc,
			            ctx.audience_refused, err.text);
			bad++;
		}
		jc_answer_clear(&g);
		tu_profile_free(&p);
	}
	assert_int_equal(bad, 0);
}

/*
 * The core has no libcurl, so the approval URL's escaping is its own: it
 * must agree with curl_easy_escape on every byte value.
 */
static void test_approval_url_escapes_as_libcurl(void **state)
{
	struct jc_profile p;
	char cb[256], *url, *want, *got;
	CURL *c = curl_easy_init();
	int i;

	(void)state;
	assert_non_null(c);
	profile_of(&p, SF);
	for (i = 1; i < 256; i++)
		cb[i - 1] = (char)i;
	cb[255] = '\0';
	p.callback_url = strdup(cb);
	url = jc_approval_url(&p);
	assert_non_null(url);
	assert_non_null(got = strstr(url, "&redirect_uri="));
	assert_non_null(want = curl_easy_escape(c, cb, 0));
	assert_string_equal(got + strlen("&redirect_uri="), want);
	curl_free(want);
	free(url);
	tu_profile_free(&p);
	curl_easy_cleanup(c);
}

/* The approval URL survives whole even when the message must be short. */
static void test_approval_url(void **state)
{
	struct jc_profile p;
	struct jc_exchange_ctx ctx = { NULL, "'" AUD "'", -1, false };
	jwtcred_error err = { "" };
	struct jc_answer g;
	const char *body = ERR("invalid_grant", "user hasn't approved this consumer");
	char *url, id[90];

	(void)state;
	profile_of(&p, SF);
	assert_null(jc_approval_url(&p)); /* no callback_url */
	p.callback_url = strdup("myapp://oauth/done?x=1&y=2");
	free(p.login_url);
	p.login_url = strdup("https://acme--dev.sandbox.my.salesforce.com/");
	url = jc_approval_url(&p);
	assert_string_equal(url, "https://acme--dev.sandbox.my.salesforce.com/services/oauth2/authorize"
	                         "?response_type=code&client_id=3MVG9example.consumer.key"
	                         "&redirect_uri=myapp%3A%2F%2Foauth%2Fdone%3Fx%3D1%26y%3D2");
	free(url);
	/* a real consumer key is 85 characters */
	memset(id, 'K', 85);
	id[85] = '\0';
	free(p.issuer);
	p.issuer = strdup(id);
	url = jc_approval_url(&p);
	ctx.p = &p;
	assert_int_equal(jc_parse_token_answer(400, body, strlen(body), &ctx, &g, &err), JWTCRED_E_DENIED);
	assert_true(tu_contains(err.text, url));
	free(url);
	/* other providers have none */
	p.provider = GE;
	assert_null(jc_approval_url(&p));
	tu_profile_free(&p);
}

#undef SF
#undef GO
#undef GE

/* RFC 7009 2.2: only 200 is a revocation; every other answer is one line that says so. */
static void test_revoke_answers(void **state)
{
	static const char url[] = "https://login.example.com/services/oauth2/revoke";
	static const struct {
		long status;
		const char *body;
		int rc;
		const char *says, *never;
	} rows[] = {
		{ 200, "", JWTCRED_OK, NULL, NULL },
		{ 200, NULL, JWTCRED_OK, NULL, NULL },
		{ 400, "{\"error\":\"invalid_token\",\"error_description\":\"invalid token\"}", JWTCRED_E_DENIED,
		  "was refused with HTTP 400 (invalid_token: invalid token): the token may still be valid", NULL },
		{ 400, "{\"error\":\"unsupported_token_type\"}", JWTCRED_E_DENIED,
		  "HTTP 400 (unsupported_token_type)", NULL },
		{ 401, "{\"error\":\"invalid_client\"}", JWTCRED_E_DENIED, "HTTP 401 (invalid_client)", NULL },
		{ 403, "<html>forbidden</html>", JWTCRED_E_DENIED, "refused with HTTP 403: the token", "html" },
		{ 404, "", JWTCRED_E_DENIED, "HTTP 404", NULL },
		{ 503, "<html>down</html>", JWTCRED_E_NETWORK, "HTTP 503: the endpoint is unavailable, try again later", NULL },
		{ 429, "", JWTCRED_E_NETWORK, "try again later", NULL },
		{ 500, "{\"error\":\"server_error\"}", JWTCRED_E_RESPONSE, "HTTP 500 (server_error): a server error", NULL },
		{ 302, "", JWTCRED_E_RESPONSE, "got a redirect (HTTP 302), which is not followed: check revoke_url", NULL },
		{ 204, "", JWTCRED_E_RESPONSE, "HTTP 204, not the 200 of a revocation", NULL },
		{ 201, "{}", JWTCRED_E_RESPONSE, "HTTP 201", NULL },
		/* what the server says is cut short, made printable, and never repeats the token */
		{ 400, "{\"error\":\"invalid_token\",\"error_description\":\"token " TOKEN " is unknown\"}",
		  JWTCRED_E_DENIED, "HTTP 400: the token may still be valid", TOKEN },
		{ 400, "{\"error\":\"bad\\u001b[31m\\nline\"}", JWTCRED_E_DENIED, "(bad\\x1b[31m\\x0aline)", "\n" },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jwtcred_error err = { "" };
		int rc = jc_parse_revoke_answer(url, TOKEN, rows[i].status, rows[i].body,
		                                rows[i].body ? strlen(rows[i].body) : 0, &err);

		if (rc != rows[i].rc || (rows[i].says && !tu_contains(err.text, rows[i].says)) ||
		    (rows[i].says && !tu_contains(err.text, url)) ||
		    (rows[i].never && tu_contains(err.text, rows[i].never)) || tu_has_control(err.text)) {
			print_error("HTTP %ld: rc %d, message '%s'\n", rows[i].status, rc, err.text);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_salesforce_success),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_instance_url_accepted),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_approval_url),
		cmocka_unit_test(test_approval_url_escapes_as_libcurl),
		cmocka_unit_test(test_revoke_answers),
	};

	return cmocka_run_group_tests_name("response", tests, NULL, NULL);
}
