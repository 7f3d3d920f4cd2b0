/*
 * test_goauthproto.c: the GOAUTH command's side of Go's protocol.  The
 * status code of the response Go writes on stdin (CRLF tolerated, no input
 * at all fine, anything else refused), and a urls entry written as the
 * URL prefix Go reads with the same meaning, or refused with the reason.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/goauthproto.h"
#include "testutil.h"

static void test_status(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen(in) */
		int rc, status;
	} rows[] = {
		{ "HTTP/1.1 401 Unauthorized\nContent-Length: 19\n\n", 0, JWTCRED_OK, 401 },
		{ "HTTP/2.0 404 Not Found\r\nX: y\r\n\r\n", 0, JWTCRED_OK, 404 },
		{ "HTTP/1.1 403\n\n", 0, JWTCRED_OK, 403 },
		{ "HTTP/1.1 404 Not Found", 0, JWTCRED_OK, 404 }, /* EOF after the status line */
		{ "", 0, JWTCRED_OK, 0 },                          /* no input at all */
		{ "404 Not Found\n", 0, JWTCRED_E_INPUT, 0 },
		{ "HTTP/1.1 40x Not Found\n", 0, JWTCRED_E_INPUT, 0 },
		{ "HTTP/1.1 4011\n", 0, JWTCRED_E_INPUT, 0 },
		{ "HTTP/1.1 40\n", 0, JWTCRED_E_INPUT, 0 },
		{ "HTTP/1.1\n", 0, JWTCRED_E_INPUT, 0 },
		{ "\nHTTP/1.1 401 Unauthorized\n", 0, JWTCRED_E_INPUT, 0 },
		{ "HTTP/1.1 401 Unauthorized\n\0", 27, JWTCRED_E_INPUT, 0 },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].in);
		jwtcred_error err = { "" };
		int status = -1;
		int rc = jc_goauth_status(rows[i].in, len, &status, &err);

		if (rc != rows[i].rc || status != rows[i].status || (rc && !tu_contains(err.text, "Go's"))) {
			print_error("row %zu: rc %d, status %d (%s)\n", i, rc, status, err.text);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_prefix(void **state)
{
	static const struct {
		const char *scheme, *host;
		int port;
		const char *path, *req_host; /* req_host: the host a "*." entry is written for */
		const char *out;             /* NULL: refused */
	} rows[] = {
		{ "https", "git.example.com", 443, "", NULL, "https://git.example.com" },
		{ "https", "git.example.com", 8443, "", NULL, "https://git.example.com:8443" },
		{ "https", "[::1]", 9443, "", NULL, "https://[::1]:9443" },
		{ "https", "*.corp.example.com", 443, "", "a.corp.example.com", "https://a.corp.example.com" },
		/* Go cannot be told these, or would use them wider: any path (redirects) */
		{ "https", "git.example.com", 443, "team", NULL, NULL },
		{ "https", "git.example.com", 443, "a/b-c_d.e~f", NULL, NULL },
		{ "https", "[::1]", 9443, "x", NULL, NULL },
		{ "https", "git.example.com", 443, "%7Euser", NULL, NULL },
		{ "https", "*.corp.example.com", 443, "m", "a.corp.example.com", NULL },
		{ "https", "*.corp.example.com", 443, "", NULL, NULL },
		{ "http", "git.example.com", 80, "", NULL, NULL },
		{ "https", "git.example.com", 443, "a b", NULL, NULL },
		{ "https", "git.example.com", 443, "a%zz", NULL, NULL },
		{ "https", "git.example.com", 443, "caf\xc3\xa9", NULL, NULL },
		{ "https", "git.example.com", 443, "a?b", NULL, NULL },
		{ "https", "git.example.com", 443, "a#b", NULL, NULL },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct jc_url u = { (char *)rows[i].scheme, (char *)rows[i].host, rows[i].port,
		                    (char *)rows[i].path };
		char buf[256];
		const char *why = NULL;
		int rc = jc_goauth_prefix(&u, rows[i].req_host, buf, sizeof(buf), &why);

		if (rows[i].out ? rc != 0 || strcmp(buf, rows[i].out) != 0 : rc != -1 || !why) {
			print_error("row %zu: rc %d, '%s' (%s)\n", i, rc, rc ? "" : buf, why ? why : "");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_prefix_too_long(void **state)
{
	struct jc_url u = { (char *)"https", (char *)"git.example.com", 443, (char *)"" };
	const char *why = NULL;
	char buf[20];

	(void)state;
	assert_int_equal(jc_goauth_prefix(&u, NULL, buf, sizeof(buf), &why), -1);
	assert_non_null(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_too_long),
	};

	return cmocka_run_group_tests_name("goauthproto", tests, NULL, NULL);
}
