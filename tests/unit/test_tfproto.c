/*
 * test_tfproto.c: the HOSTNAME a Terraform credentials helper is given.
 * Only the comparison form Terraform sends is accepted (lower case LDH
 * labels, punycode as is, ":PORT" 1-65535 without leading zeros), and the
 * request it makes is the whole origin: an allow-list entry with a path
 * never matches it, since Terraform sends the token to every path.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/tfproto.h"
#include "core/urlmatch.h"
#include "testutil.h"

static void test_hostname(void **state)
{
	static const struct {
		const char *in;
		int rc;
		const char *host; /* for JWTCRED_OK */
		int port;
	} rows[] = {
		{ "app.terraform.io", JWTCRED_OK, "app.terraform.io", 443 },
		{ "registry.example.com:8443", JWTCRED_OK, "registry.example.com", 8443 },
		{ "xn--caf-dma.example", JWTCRED_OK, "xn--caf-dma.example", 443 },
		{ "127.0.0.1:5000", JWTCRED_OK, "127.0.0.1", 5000 },
		{ "a-b.c1", JWTCRED_OK, "a-b.c1", 443 },
		{ "x.example:65535", JWTCRED_OK, "x.example", 65535 },
		{ "x.example:1", JWTCRED_OK, "x.example", 1 },
		/* what Terraform never sends */
		{ "App.Terraform.io", JWTCRED_E_INPUT, NULL, 0 },
		{ "café.example", JWTCRED_E_INPUT, NULL, 0 },
		{ "https://app.terraform.io", JWTCRED_E_INPUT, NULL, 0 },
		{ "app.terraform.io/v1", JWTCRED_E_INPUT, NULL, 0 },
		{ "user@app.terraform.io", JWTCRED_E_INPUT, NULL, 0 },
		{ "app.terraform.io.", JWTCRED_E_INPUT, NULL, 0 },
		{ ".app.terraform.io", JWTCRED_E_INPUT, NULL, 0 },
		{ "a..b", JWTCRED_E_INPUT, NULL, 0 },
		{ "-a.example", JWTCRED_E_INPUT, NULL, 0 },
		{ "a-.example", JWTCRED_E_INPUT, NULL, 0 },
		{ "a_b.example", JWTCRED_E_INPUT, NULL, 0 },
		{ "*.example.com", JWTCRED_E_INPUT, NULL, 0 },
		{ "", JWTCRED_E_INPUT, NULL, 0 },
		{ ":443", JWTCRED_E_INPUT, NULL, 0 },
		{ "x.example:", JWTCRED_E_INPUT, NULL, 0 },
		{ "x.example:0", JWTCRED_E_INPUT, NULL, 0 },
		{ "x.example:0443", JWTCRED_E_INPUT, NULL, 0 },
		{ "x.example:65536", JWTCRED_E_INPUT, NULL, 0 },
		{ "x.example:123456", JWTCRED_E_INPUT, NULL, 0 },
		{ "x.example:-1", JWTCRED_E_INPUT, NULL, 0 },
		{ "x.example:80:80", JWTCRED_E_INPUT, NULL, 0 },
		{ "x.example: 80", JWTCRED_E_INPUT, NULL, 0 },
		{ "x.example\n", JWTCRED_E_INPUT, NULL, 0 },
		{ "[::1]:443", JWTCRED_E_INPUT, NULL, 0 },
		/* a 64-byte label */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
		  JWTCRED_E_INPUT, NULL, 0 },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jwtcred_error err = { "" };
		struct jc_request req;
		int rc = jc_tf_origin_request(rows[i].in, &req, &err);
		bool ok = rc == rows[i].rc && rc == jc_tf_hostname_check(rows[i].in, NULL);

		if (ok && rc == JWTCRED_OK)
			ok = strcmp(req.scheme, "https") == 0 && strcmp(req.host, rows[i].host) == 0 &&
			     req.port == rows[i].port && req.path == NULL;
		if (ok && rc != JWTCRED_OK)
			ok = err.text[0] != '\0' && !strstr(err.text, rows[i].in[0] ? rows[i].in : "\1");
		if (!ok) {
			print_error("row %zu '%s': rc %d (%s)\n", i, rows[i].in, rc, err.text);
			bad++;
		}
		if (rc == JWTCRED_OK)
			jc_request_clear(&req);
	}
	assert_int_equal(bad, 0);
}

/* 253 bytes of host are fine, 254 are not. */
static void test_length(void **state)
{
	char host[300];
	size_t i;

	(void)state;
	for (i = 0; i < 253; i++)
		host[i] = (i % 50 == 49) ? '.' : 'a';
	host[253] = '\0';
	assert_int_equal(jc_tf_hostname_check(host, NULL), JWTCRED_OK);
	host[253] = 'a';
	host[254] = '\0';
	assert_int_equal(jc_tf_hostname_check(host, NULL), JWTCRED_E_INPUT);
}

/* The origin request matches entries for the whole origin, never one with a path. */
static void test_origin_match(void **state)
{
	static const struct {
		const char *pattern, *hostname;
		bool match;
	} rows[] = {
		{ "https://registry.example.com", "registry.example.com", true },
		{ "https://registry.example.com/", "registry.example.com", true },
		{ "https://registry.example.com:443", "registry.example.com", true },
		{ "https://registry.example.com:8443", "registry.example.com:8443", true },
		{ "https://registry.example.com", "registry.example.com:8443", false },
		{ "https://registry.example.com:8443", "registry.example.com", false },
		{ "https://registry.example.com/v1/modules", "registry.example.com", false },
		{ "https://registry.example.com/v1", "registry.example.com", false },
		{ "https://other.example.com", "registry.example.com", false },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jwtcred_error err = { "" };
		struct jc_url u;
		struct jc_request req;

		if (jc_url_parse_pattern(rows[i].pattern, &u, &err) != JWTCRED_OK)
			fail_msg("row %zu: %s", i, err.text);
		assert_int_equal(jc_tf_origin_request(rows[i].hostname, &req, &err), JWTCRED_OK);
		if ((jc_url_match(&u, &req) >= 0) != rows[i].match) {
			print_error("row %zu: %s for %s\n", i, rows[i].pattern, rows[i].hostname);
			bad++;
		}
		jc_url_clear(&u);
		jc_request_clear(&req);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_origin_match),
	};

	return cmocka_run_group_tests_name("tfproto", tests, NULL, NULL);
}
