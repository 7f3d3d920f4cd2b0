/*
 * test_bazelproto.c: Bazel's credential helper request.  The "uri" of a
 * JSON object, other members ignored, anything else refused with a
 * reason; the URI parsed as strictly as an https URL whatever its scheme
 * (userinfo, fragments, dot segments, controls refused), the query
 * dropped; and which tokens may go in a header.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/bazelproto.h"
#include "testutil.h"

static void test_request_uri(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen(in) */
		int rc;
		const char *out; /* the uri, or a word of the reason */
	} rows[] = {
		{ "{\"uri\":\"https://a.example.com/x\"}", 0, JWTCRED_OK, "https://a.example.com/x" },
		{ " \r\n{\"uri\": \"https://a.example.com\", \"extra\": [1]}\r\n", 0, JWTCRED_OK,
		  "https://a.example.com" },
		{ "{\"uri\":\"\"}", 0, JWTCRED_OK, "" },
		{ "", 0, JWTCRED_E_INPUT, "not JSON" },
		{ "{\"uri\":", 0, JWTCRED_E_INPUT, "not JSON" },
		{ "[\"https://a.example.com\"]", 0, JWTCRED_E_INPUT, "not a JSON object" },
		{ "\"https://a.example.com\"", 0, JWTCRED_E_INPUT, "not" },
		{ "{\"url\":\"https://a.example.com\"}", 0, JWTCRED_E_INPUT, "no \"uri\"" },
		{ "{\"uri\":null}", 0, JWTCRED_E_INPUT, "no \"uri\"" },
		{ "{\"uri\":\"https://evil.net\",\"uri\":\"https://a.example.com\"}", 0, JWTCRED_E_INPUT,
		  "duplicate" },
		{ "{\"uri\":\"https://evil.net/\\u0000x\"}", 0, JWTCRED_E_INPUT, "not JSON" },
		{ "{\"uri\":\"https://a.example.com\"}\0{}", 33, JWTCRED_E_INPUT, "NUL" },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].in);
		jwtcred_error err = { "" };
		char *uri = (char *)"unset";
		int rc = jc_bazel_request_uri(rows[i].in, len, &uri, &err);

		if (rc != rows[i].rc || (rc == JWTCRED_OK && strcmp(uri, rows[i].out) != 0) ||
		    (rc != JWTCRED_OK && (uri != NULL || !tu_contains(err.text, rows[i].out)))) {
			print_error("row %zu: rc %d, '%s' (%s)\n", i, rc, rc ? "" : uri, err.text);
			bad++;
		}
		if (rc == JWTCRED_OK)
			free(uri);
	}
	assert_int_equal(bad, 0);
}

static void test_uri_request(void **state)
{
	static const struct {
		const char *uri;
		int rc;
		const char *scheme, *host;
		int port;
		const char *path;
	} rows[] = {
		{ "https://a.example.com/x/y", JWTCRED_OK, "https", "a.example.com", 443, "x/y" },
		{ "HTTPS://A.Example.COM:443/x?q=1", JWTCRED_OK, "https", "a.example.com", 443, "x" },
		{ "https://a.example.com", JWTCRED_OK, "https", "a.example.com", 443, "" },
		{ "https://[::1]:9443/c", JWTCRED_OK, "https", "[::1]", 9443, "c" },
		{ "http://a.example.com/x", JWTCRED_OK, "http", "a.example.com", 80, "x" },
		{ "grpcs://a.example.com:8980/S/M", JWTCRED_OK, "grpcs", "a.example.com", 8980, "S/M" },
		/* nothing may match these */
		{ "grpcs://a.example.com/S/M", JWTCRED_E_INPUT, NULL, NULL, 0, NULL }, /* no port jwtcred knows */
		{ "https://u:p@a.example.com/x", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "https://a.example.com@evil.net/x", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "https://a.example.com/x#f", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "https://a.example.com/t/../x", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "https://a.example.com/x\r\nX: y", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "https://a.example.com/a b", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "https://g\xc3\xadt.example.com/", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "https://a.example.com:99999/", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "a.example.com/x", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "://a.example.com/x", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct jc_request req;
		jwtcred_error err = { "" };
		int rc = jc_bazel_uri_request(rows[i].uri, &req, &err);
		bool ok = rc == rows[i].rc;

		if (ok && rc == JWTCRED_OK)
			ok = strcmp(req.scheme, rows[i].scheme) == 0 && strcmp(req.host, rows[i].host) == 0 &&
			     req.port == rows[i].port && strcmp(req.path ? req.path : "", rows[i].path) == 0;
		if (ok && rc != JWTCRED_OK)
			ok = strncmp(err.text, "the uri ", 8) == 0 && !strstr(err.text, "example");
		if (!ok) {
			print_error("row %zu: rc %d (%s)\n", i, rc, err.text);
			bad++;
		}
		if (rc == JWTCRED_OK)
			jc_request_clear(&req);
	}
	assert_int_equal(bad, 0);
}

static void test_header_token(void **state)
{
	(void)state;
	assert_true(jc_header_token_ok("00Dxx!AQ.abc-_~+/="));
	assert_false(jc_header_token_ok(""));
	assert_false(jc_header_token_ok("a b"));
	assert_false(jc_header_token_ok("a\r\nX: y"));
	assert_false(jc_header_token_ok("a\x7f"));
	assert_false(jc_header_token_ok("caf\xc3\xa9"));
}

static void test_grpc_service(void **state)
{
	(void)state;
	assert_true(jc_bazel_grpc_service("build.bazel.remote.execution.v2.ActionCache"));
	assert_true(jc_bazel_grpc_service("google.bytestream.ByteStream"));
	assert_true(jc_bazel_grpc_service("google.devtools.build.v1.PublishBuildEvent"));
	assert_true(jc_bazel_grpc_service("build.bazel.remote.asset.v1.Fetch"));
	assert_true(jc_bazel_grpc_service("grpc.health.v1.Health"));
	assert_true(jc_bazel_grpc_service("a.B"));
	assert_false(jc_bazel_grpc_service(NULL));
	assert_false(jc_bazel_grpc_service(""));
	assert_false(jc_bazel_grpc_service("Health"));          /* no package */
	assert_false(jc_bazel_grpc_service("releases"));
	assert_false(jc_bazel_grpc_service("v1.tar.gz"));
	assert_false(jc_bazel_grpc_service("a.B/Method"));      /* two segments */
	assert_false(jc_bazel_grpc_service("dl/google.bytestream.ByteStream"));
	assert_false(jc_bazel_grpc_service("1a.B"));
	assert_false(jc_bazel_grpc_service("a..B"));
	assert_false(jc_bazel_grpc_service(".a.B"));
	assert_false(jc_bazel_grpc_service("a.B.c"));
	assert_false(jc_bazel_grpc_service("a.B-c"));
	assert_false(jc_bazel_grpc_service("A.B"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_uri),
		cmocka_unit_test(test_uri_request),
		cmocka_unit_test(test_header_token),
		cmocka_unit_test(test_grpc_service),
	};

	return cmocka_run_group_tests_name("bazelproto", tests, NULL, NULL);
}
