/*
 * test_cargoproto.c: cargo's credential provider protocol, version 1.
 * Request lines as cargo sends them parsed (kind, index URL, --profile in
 * the args), anything else refused with a one-line reason; the index URL
 * matched without "sparse+"; the answers as cargo's serde reads them.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/cargoproto.h"
#include "testutil.h"

#define REG "\"registry\":{\"index-url\":\"sparse+https://reg.example.com/index/\",\"name\":\"corp\"}"

static void test_parse_ok(void **state)
{
	static const struct {
		const char *line;
		enum jc_cargo_kind kind;
		const char *profile;
	} rows[] = {
		/* what cargo 1.95 sends (observed), headers and all */
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"operation\":\"read\",\"args\":[\"cargo\"]}",
		  JC_CARGO_GET, NULL },
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"operation\":\"publish\",\"name\":\"x\",\"vers\":\"0.1.0\",\"cksum\":\"ab\"}",
		  JC_CARGO_GET, NULL },
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"operation\":\"read\",\"args\":[\"cargo\",\"--profile\",\"prod\"]}",
		  JC_CARGO_GET, "prod" },
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":[\"--profile=dev\"]}", JC_CARGO_GET, "dev" },
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":[\"-p\",\"x\"]}", JC_CARGO_GET, "x" },
		{ "{\"v\":1," REG ",\"kind\":\"login\",\"token\":\"s3cret\",\"args\":[]}", JC_CARGO_LOGIN, NULL },
		{ "{\"v\":1," REG ",\"kind\":\"logout\"}", JC_CARGO_LOGOUT, NULL },
		{ "{\"v\":1," REG ",\"kind\":\"something-new\",\"extra\":true}", JC_CARGO_UNKNOWN, NULL },
		{ "{\"v\":1," REG "}", JC_CARGO_UNKNOWN, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct jc_cargo_request r;
		jwtcred_error err = { "" };

		if (jc_cargo_request_parse(rows[i].line, strlen(rows[i].line), &r, &err) != JWTCRED_OK)
			fail_msg("row %zu: %s", i, err.text);
		assert_int_equal(r.kind, rows[i].kind);
		assert_string_equal(r.index_url, "sparse+https://reg.example.com/index/");
		if (rows[i].profile)
			assert_string_equal(r.profile, rows[i].profile);
		else
			assert_null(r.profile);
		jc_cargo_request_clear(&r);
	}
}

static void test_parse_refused(void **state)
{
	static const struct {
		const char *line;
		size_t len; /* 0: strlen */
		const char *reason;
	} rows[] = {
		{ "", 0, "not JSON" },
		{ "{\"v\":1,", 0, "not JSON" },
		{ "[1]", 0, "not a JSON object" },
		{ "{\"v\":2," REG ",\"kind\":\"get\"}", 0, "version" },
		{ "{\"v\":\"1\"," REG ",\"kind\":\"get\"}", 0, "version" },
		{ "{" REG ",\"kind\":\"get\"}", 0, "version" },
		{ "{\"v\":1,\"kind\":\"get\"}", 0, "index-url" },
		{ "{\"v\":1,\"registry\":{\"index-url\":5},\"kind\":\"get\"}", 0, "index-url" },
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":\"cargo\"}", 0, "not an array" },
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":[1]}", 0, "not a string" },
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":[\"--profile\"]}", 0, "needs a name" },
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":[\"--profile=\"]}", 0, "needs a name" },
		/* quoted as it is: the front escapes it for stderr, JSON escapes it in the answer */
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":[\"--bogus\\u001b[31m\"]}", 0, "unknown argument '--bogus\x1b[31m'" },
		/* one profile, as on the command line */
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":[\"--profile\",\"a\",\"--profile\",\"b\"]}", 0, "given twice" },
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":[\"cargo\",\"-p\",\"a\",\"--profile=a\"]}", 0, "given twice" },
		/* "cargo" only first */
		{ "{\"v\":1," REG ",\"kind\":\"get\",\"args\":[\"-p\",\"a\",\"cargo\"]}", 0, "unknown argument 'cargo'" },
		{ "{\"v\":1,\"v\":1," REG ",\"kind\":\"get\"}", 0, "not JSON" },
		{ "{\"v\":1," REG ",\"kind\":\"get\"}\0x", 0, NULL }, /* len below */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct jc_cargo_request r;
		jwtcred_error err = { "" };
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].line);
		const char *reason = rows[i].reason ? rows[i].reason : "NUL";

		if (!rows[i].reason)
			len = strlen(rows[i].line) + 2;
		if (jc_cargo_request_parse(rows[i].line, len, &r, &err) != JWTCRED_E_INPUT)
			fail_msg("row %zu: accepted", i);
		if (!tu_contains(err.text, reason))
			fail_msg("row %zu: '%s' does not say '%s'", i, err.text, reason);
		assert_null(strchr(err.text, '\n'));
		assert_null(r.index_url);
		assert_null(r.profile);
	}
}

static void test_parse_oversize(void **state)
{
	size_t len = JC_CARGO_MAX_LINE + 1;
	char *big = malloc(len + 1);
	struct jc_cargo_request r;
	jwtcred_error err = { "" };

	(void)state;
	assert_non_null(big);
	memset(big, ' ', len);
	big[len] = '\0';
	assert_int_equal(jc_cargo_request_parse(big, len, &r, &err), JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "longer than"));
	/* exactly the limit is parsed (and is just not JSON here) */
	assert_int_equal(jc_cargo_request_parse(big, len - 1, &r, &err), JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "not JSON"));
	free(big);
}

static void test_index_request(void **state)
{
	struct jc_request req;
	jwtcred_error err = { "" };

	(void)state;
	assert_int_equal(jc_cargo_index_request("sparse+https://Reg.Example.com:443/index/", &req, &err), 0);
	assert_string_equal(req.scheme, "https");
	assert_string_equal(req.host, "reg.example.com");
	assert_int_equal(req.port, 443);
	jc_request_clear(&req);
	assert_int_equal(jc_cargo_index_request("sparse+https://reg.example.com:8443/index/", &req, &err), 0);
	assert_int_equal(req.port, 8443);
	jc_request_clear(&req);
	/* a git index: its token goes to the api URL of its config.json, never matched */
	assert_int_equal(jc_cargo_index_request("https://reg.example.com:8443/git/index", &req, &err),
	                 JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "not a sparse index"));
	assert_null(req.host);
	assert_int_equal(jc_cargo_index_request("https://github.com/rust-lang/crates.io-index", &req, &err),
	                 JWTCRED_E_INPUT);
	assert_int_equal(jc_cargo_index_request("ssh://git@github.com/corp/index", &req, &err),
	                 JWTCRED_E_INPUT);
	/* only a leading sparse+ goes */
	assert_int_equal(jc_cargo_index_request("sparse+sparse+https://reg.example.com/", &req, &err),
	                 JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "not a usable URL"));
	assert_int_equal(jc_cargo_index_request("registry+https://reg.example.com/", &req, &err),
	                 JWTCRED_E_INPUT);
	/* a sparse index over anything but https: no request at all (fuzz_cargo) */
	assert_int_equal(jc_cargo_index_request("sparse+http://reg.example.com/index/", &req, &err),
	                 JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "not https"));
	assert_null(req.host);
	assert_int_equal(jc_cargo_index_request("sparse+httpnulls://reg.example.com:8443/i/", &req, &err),
	                 JWTCRED_E_INPUT);
	assert_null(req.host);
}

static void test_answers(void **state)
{
	char *t;

	(void)state;
	t = jc_cargo_answer_token("tok.en", 1693942857LL);
	assert_non_null(t);
	assert_string_equal(t, "{\"Ok\":{\"kind\":\"get\",\"token\":\"Bearer tok.en\",\"cache\":\"expires\","
	                       "\"expiration\":1693942857,\"operation_independent\":true}}");
	free(t);
	t = jc_cargo_answer_error("url-not-supported", NULL);
	assert_string_equal(t, "{\"Err\":{\"kind\":\"url-not-supported\"}}");
	free(t);
	t = jc_cargo_answer_error("other", "the token endpoint said \"no\"");
	assert_string_equal(t, "{\"Err\":{\"kind\":\"other\",\"message\":\"the token endpoint said \\\"no\\\"\"}}");
	free(t);
	/* a reason quoting the request: escaped once, by JSON (cargo shows it as it was) */
	t = jc_cargo_answer_error("other", "unknown argument '--x\x1b[31m\\'");
	assert_string_equal(t, "{\"Err\":{\"kind\":\"other\",\"message\":\"unknown argument '--x\\u001B[31m\\\\'\"}}");
	free(t);
	/* not UTF-8, so not JSON: escaped, and still an answer */
	t = jc_cargo_answer_error("other", "near '\xff'");
	assert_string_equal(t, "{\"Err\":{\"kind\":\"other\",\"message\":\"near '\\\\xff'\"}}");
	free(t);
	assert_string_equal(JC_CARGO_HELLO, "{\"v\":[1]}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_parse_oversize),
		cmocka_unit_test(test_index_request),
		cmocka_unit_test(test_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
