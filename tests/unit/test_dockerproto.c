/*
 * test_dockerproto.c: the registry address docker-credential-jwtcred reads
 * on standard input.  White space trimmed (and nothing else), a NUL byte
 * refused with the buffer untouched, and the address as the request that
 * profiles' urls are matched against: https assumed without a scheme,
 * the port normalised, the path kept.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/dockerproto.h"
#include "testutil.h"

static void test_trim(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen(in) */
		int rc;
		const char *out;
	} rows[] = {
		{ "registry.example.com", 0, JWTCRED_OK, "registry.example.com" },
		{ "registry.example.com\n", 0, JWTCRED_OK, "registry.example.com" },
		{ "  \tregistry.example.com \r\n", 0, JWTCRED_OK, "registry.example.com" },
		{ "\n\n", 0, JWTCRED_OK, "" },
		{ "", 0, JWTCRED_OK, "" },
		{ "a b\n", 0, JWTCRED_OK, "a b" }, /* inside is not trimmed */
		{ "\vx\f", 0, JWTCRED_OK, "x" },
		/* a NUL inside: refused, and the buffer left for the caller to wipe */
		{ "evil.example.com\0good.example.com", 33, JWTCRED_E_INPUT, NULL },
		{ "\0", 1, JWTCRED_E_INPUT, NULL },
		{ " x\n\0", 4, JWTCRED_E_INPUT, NULL },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].in);
		char *buf = malloc(len + 1);
		jwtcred_error err = { "" };
		int rc;

		assert_non_null(buf);
		memcpy(buf, rows[i].in, len);
		buf[len] = '\0';
		rc = jc_docker_input_trim(buf, len, &err);
		if (rc != rows[i].rc ||
		    (rc == JWTCRED_OK && strcmp(buf, rows[i].out) != 0) ||
		    (rc != JWTCRED_OK && (memcmp(buf, rows[i].in, len) != 0 || !tu_contains(err.text, "NUL")))) {
			print_error("row %zu: rc %d, '%s' (%s)\n", i, rc, buf, err.text);
			bad++;
		}
		free(buf);
	}
	assert_int_equal(bad, 0);
}

static void test_server_request(void **state)
{
	static const struct {
		const char *server;
		int rc;
		const char *scheme, *host;
		int port;
		const char *path; /* NULL: none */
	} rows[] = {
		{ "registry.example.com", JWTCRED_OK, "https", "registry.example.com", 443, NULL },
		{ "Registry.Example.COM", JWTCRED_OK, "https", "registry.example.com", 443, NULL },
		{ "registry.example.com:5000", JWTCRED_OK, "https", "registry.example.com", 5000, NULL },
		{ "registry.example.com/team/app", JWTCRED_OK, "https", "registry.example.com", 443, "team/app" },
		{ "https://registry.example.com", JWTCRED_OK, "https", "registry.example.com", 443, NULL },
		{ "https://registry.example.com:443/v2/", JWTCRED_OK, "https", "registry.example.com", 443, "v2" },
		/* a scheme that is there is kept: an http registry matches no https entry */
		{ "http://registry.example.com", JWTCRED_OK, "http", "registry.example.com", 80, NULL },
		/* not a host */
		{ "", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "registry.example.com:99999", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
		{ "registry example.com", JWTCRED_E_INPUT, NULL, NULL, 0, NULL },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct jc_request req;
		int rc = jc_docker_server_request(rows[i].server, &req);
		bool ok = rc == rows[i].rc;

		if (ok && rc == JWTCRED_OK)
			ok = strcmp(req.scheme, rows[i].scheme) == 0 && strcmp(req.host, rows[i].host) == 0 &&
			     req.port == rows[i].port &&
			     (rows[i].path ? req.path && strcmp(req.path, rows[i].path) == 0 :
			                     !req.path || !*req.path);
		if (!ok) {
			print_error("row %zu '%s': rc %d, %s://%s:%d/%s\n", i, rows[i].server, rc,
			            rc ? "" : req.scheme, rc ? "" : req.host, rc ? 0 : req.port,
			            rc || !req.path ? "(none)" : req.path);
			bad++;
		}
		if (rc == JWTCRED_OK)
			jc_request_clear(&req);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_server_request),
	};

	return cmocka_run_group_tests_name("dockerproto", tests, NULL, NULL);
}
