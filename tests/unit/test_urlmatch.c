/*
 * test_urlmatch.c: which requests an allow-listed URL covers.  Scheme and
 * host exact (one "*." label at most), default ports normalised, paths a
 * prefix on "/" boundaries; every hostile or malformed form never matches.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/pubsuffix.h"
#include "core/urlmatch.h"
#include "testutil.h"

enum expect {
	M, /* matches */
	N, /* never matches: the request is refused, or it does not match */
	E, /* the request itself must be refused */
};

static const char *expect_name(enum expect e)
{
	return e == M ? "match" : e == N ? "no match" : "refused request";
}

/* What happened: M, N (built but no match) or E (request refused). */
static enum expect outcome(const char *pattern, int req_rc, const struct jc_request *req)
{
	struct jc_url u;
	jwtcred_error err = { "" };
	long score;

	if (jc_url_parse_pattern(pattern, &u, &err) != JWTCRED_OK) {
		print_error("pattern '%s' did not parse: %s\n", pattern, err.text);
		fail();
	}
	if (req_rc != JWTCRED_OK) {
		jc_url_clear(&u);
		return E;
	}
	score = jc_url_match(&u, req);
	jc_url_clear(&u);
	return score >= 0 ? M : N;
}

static bool as_expected(enum expect want, enum expect got)
{
	return want == N ? got != M : want == got;
}

static const struct parts_row {
	const char *pattern;
	const char *scheme;
	const char *host;   /* as git sends it: "name[:port]" */
	const char *path;   /* NULL: git sent none */
	enum expect want;
} parts_rows[] = {
	/* exact host */
	{ "https://example.com", "https", "example.com", NULL, M },
	{ "https://example.com", "https", "example.com", "any/repo.git", M },
	{ "https://example.com", "https", "www.example.com", NULL, N },
	{ "https://example.com", "https", "example.co", NULL, N },
	{ "https://example.com", "https", "xexample.com", NULL, N },
	{ "https://example.com", "https", "example.com.evil.net", NULL, N },
	{ "https://example.com", "https", "evil.net", "example.com/", N },
	{ "https://example.com", "https", "evil.net", "example.com", N },
	/* one wildcard label, no more, no less */
	{ "https://*.example.com", "https", "a.example.com", NULL, M },
	{ "https://*.example.com", "https", "A.Example.COM", NULL, M },
	{ "https://*.example.com", "https", "example.com", NULL, N },
	{ "https://*.example.com", "https", "a.b.example.com", NULL, N },
	{ "https://*.example.com", "https", "aexample.com", NULL, N },
	{ "https://*.example.com", "https", "a.example.com.evil.net", NULL, N },
	{ "https://*.example.com", "https", "evil.net", "a.example.com", N },
	{ "https://*.example.com:8443", "https", "a.example.com:8443", NULL, M },
	{ "https://*.example.com:8443", "https", "a.example.com", NULL, N },
	/* userinfo is not part of a host git sends */
	{ "https://example.com", "https", "example.com@evil.net", NULL, E },
	{ "https://example.com", "https", "user@evil.net", NULL, E },
	{ "https://example.com", "https", "user@example.com", NULL, E },
	/* case, trailing dot, ports */
	{ "https://example.com", "https", "EXAMPLE.COM", NULL, M },
	{ "https://example.com", "HTTPS", "Example.Com:443", NULL, M },
	{ "https://example.com", "https", "example.com.", NULL, N },
	{ "https://example.com", "https", "example.com.:443", NULL, N },
	{ "https://example.com", "https", "example.com:443", NULL, M },
	{ "https://example.com:443", "https", "example.com", NULL, M },
	{ "https://example.com", "https", "example.com:8443", NULL, N },
	{ "https://example.com:8443", "https", "example.com", NULL, N },
	{ "https://example.com:8443", "https", "example.com:8443", NULL, M },
	{ "https://example.com", "https", "example.com:", NULL, E },
	{ "https://example.com", "https", "example.com:0", NULL, E },
	{ "https://example.com", "https", "example.com:65536", NULL, E },
	{ "https://example.com", "https", "example.com:44x", NULL, E },
	{ "https://example.com", "https", "example.com:-443", NULL, E },
	{ "https://example.com", "https", "", NULL, E },
	{ "https://example.com", "https", ":443", NULL, E },
	/* scheme */
	{ "https://example.com", "http", "example.com", NULL, N },
	{ "https://example.com", "http", "example.com:443", NULL, N },
	{ "https://example.com", "ftp", "example.com", NULL, N },
	{ "https://example.com", "", "example.com", NULL, N },
	/* path prefix on "/" boundaries */
	{ "https://example.com/team", "https", "example.com", "team/repo.git", M },
	{ "https://example.com/team", "https", "example.com", "team", M },
	{ "https://example.com/team", "https", "example.com", "team/", M },
	{ "https://example.com/team", "https", "example.com", "/team/repo.git", M },
	{ "https://example.com/team/", "https", "example.com", "team/repo.git", M },
	{ "https://example.com/team", "https", "example.com", "teamx/repo", N },
	{ "https://example.com/team", "https", "example.com", "teamx", N },
	{ "https://example.com/team", "https", "example.com", "tea", N },
	{ "https://example.com/team", "https", "example.com", "other/team", N },
	{ "https://example.com/team", "https", "example.com", "Team/repo", N },
	{ "https://example.com/team/sub", "https", "example.com", "team/sub/x", M },
	{ "https://example.com/team/sub", "https", "example.com", "team/subx", N },
	{ "https://example.com/team/sub", "https", "example.com", "team", N },
	/* a path-limited entry needs the path (credential.useHttpPath) */
	{ "https://example.com/team", "https", "example.com", NULL, N },
	{ "https://example.com/team", "https", "example.com", "", N },
	/* dot segments and encoded separators */
	{ "https://example.com/team", "https", "example.com", "team/../other", N },
	{ "https://example.com/team", "https", "example.com", "team/..", N },
	{ "https://example.com/team", "https", "example.com", "team/%2e%2e/other", N },
	{ "https://example.com/team", "https", "example.com", "team/%2E%2E/other", N },
	{ "https://example.com/team", "https", "example.com", "team/.%2e/other", N },
	{ "https://example.com/team", "https", "example.com", "team/x%2f..%2f..%2fother", N },
	{ "https://example.com/team", "https", "example.com", "team/x%2F..%2F..%2Fother", N },
	{ "https://example.com/team", "https", "example.com", "team/..%5cother", N },
	{ "https://example.com/team", "https", "example.com", "team/..\\other", N },
	/* empty segments and ";" (a dot segment "..;" for Tomcat, Jetty, Spring) */
	{ "https://example.com/team", "https", "example.com", "//team/x", N },
	{ "https://example.com/team", "https", "example.com", "team//x", N },
	{ "https://example.com/team", "https", "example.com", "team/..;/other", N },
	{ "https://example.com/team", "https", "example.com", "team/x;y", N },
	{ "https://example.com/team", "https", "example.com", "team/..%3b/other", N },
	{ "https://example.com/team", "https", "example.com", "team/x/", M },
	{ "https://example.com/team", "https", "example.com", "team%2f..%2fother", N },
	/* CR, LF, space and control characters */
	{ "https://example.com", "https", "example.com\r", NULL, E },
	{ "https://example.com", "https", "example.com\n", NULL, E },
	{ "https://example.com", "https", "example.com\nhost=evil.net", NULL, E },
	{ "https://example.com", "https", "exa mple.com", NULL, E },
	{ "https://example.com", "https", " example.com", NULL, E },
	{ "https://example.com", "https", "example.com\t", NULL, E },
	{ "https://example.com", "https", "\x7f" "example.com", NULL, E },
	{ "https://example.com", "https", "example.com\x1b[0m", NULL, E },
	{ "https://example.com", "https\r", "example.com", NULL, E },
	{ "https://example.com", "https", "example.com", "repo\n", E },
	{ "https://example.com", "https", "example.com", "repo\r", E },
	{ "https://example.com", "https", "example.com", "repo\x01", E },
	{ "https://example.com", "https", "example.com", "repo\x1b", E },
	{ "https://example.com", "https", "example.com", "repo\x7f", E },
	{ "https://example.com/team", "https", "example.com", "team\nrepo", E },
	/* IPv6 literals */
	{ "https://[::1]:8443", "https", "[::1]:8443", NULL, M },
	{ "https://[::1]:8443", "https", "[::1]:8443", "x/y", M },
	{ "https://[::1]:8443", "https", "[::1]", NULL, N },
	{ "https://[::1]:8443", "https", "[::1]:443", NULL, N },
	{ "https://[::1]:8443", "https", "[::2]:8443", NULL, N },
	{ "https://[::1]:8443", "https", "::1:8443", NULL, E },
	{ "https://[::1]:8443", "https", "[::1", NULL, E },
	{ "https://[::1]:8443", "https", "[::1]8443", NULL, E },
	{ "https://[::1]", "https", "[::1]", NULL, M },
	{ "https://[::1]", "https", "[::1]:443", NULL, M },
};

static void test_match_parts(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(parts_rows) / sizeof(parts_rows[0]); i++) {
		const struct parts_row *r = &parts_rows[i];
		struct jc_request req;
		int rc = jc_request_from_parts(r->scheme, r->host, r->path, &req);
		enum expect got = outcome(r->pattern, rc, &req);

		if (!as_expected(r->want, got)) {
			char h[128], p[128];

			print_error("row %zu: '%s' vs %s '%s' path '%s': want %s, got %s\n", i, r->pattern,
			            r->scheme, tu_visible(r->host, h, sizeof(h)),
			            r->path ? tu_visible(r->path, p, sizeof(p)) : "(none)",
			            expect_name(r->want), expect_name(got));
			bad++;
		}
		/* a refused request leaves nothing behind */
		if (rc != JWTCRED_OK && (req.scheme || req.host || req.path)) {
			print_error("row %zu: refused request still holds fields\n", i);
			bad++;
		}
		jc_request_clear(&req);
	}
	assert_int_equal(bad, 0);
}

static const struct url_row {
	const char *pattern;
	const char *url;
	enum expect want;
} url_rows[] = {
	{ "https://example.com", "https://example.com", M },
	{ "https://example.com", "https://example.com/", M },
	{ "https://example.com", "https://example.com:443/", M },
	{ "https://example.com", "https://EXAMPLE.com/x", M },
	{ "https://example.com", "https://user:pw@example.com/x", M },  /* userinfo ignored */
	{ "https://example.com", "https://example.com@evil.net/", N },
	{ "https://example.com", "https://example.com:443@evil.net/", N },
	{ "https://example.com", "https://a@example.com@evil.net/", N },
	{ "https://example.com", "https://example.com\\@evil.net/", N },
	{ "https://example.com", "https://evil.net/https://example.com/", N },
	{ "https://example.com", "https://evil.net?https://example.com", N },
	{ "https://example.com", "https://evil.net#@example.com", N },
	{ "https://example.com", "https://example.com.evil.net/", N },
	{ "https://example.com", "https://example.com./", N },
	{ "https://example.com", "http://example.com/", N },
	{ "https://example.com", "https://example.com:8443/", N },
	{ "https://example.com", "https://example.com\r\n/", E },
	{ "https://example.com", "https://example.com/\nx", E },
	{ "https://example.com", "https://exa mple.com/", E },
	{ "https://example.com", "example.com", E },
	{ "https://example.com", "//example.com/", E },
	{ "https://example.com/team", "https://example.com/team/repo.git", M },
	{ "https://example.com/team", "https://example.com/team", M },
	{ "https://example.com/team", "https://example.com/team?x=1", M },
	{ "https://example.com/team", "https://example.com/teamx", N },
	{ "https://example.com/team", "https://example.com/team/../admin", N },
	{ "https://example.com/team", "https://example.com/team/%2e%2e/admin", N },
	{ "https://example.com/team", "https://example.com//team/admin", N },
	{ "https://example.com/team", "https://example.com///team/admin", N },
	{ "https://example.com/team", "https://example.com/team//admin", N },
	{ "https://example.com/team", "https://example.com/team/..;/admin", N },
	{ "https://example.com", "https://example.com//anything", M },
	{ "https://example.com/team", "https://example.com", N },
	{ "https://example.com/team", "https://example.com/?team", N },
	{ "https://example.com/team", "https://example.com#/team", N },
	{ "https://[::1]:8443", "https://[::1]:8443/x", M },
	{ "https://[::1]:8443", "https://[::1]/x", N },
};

static void test_match_urls(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(url_rows) / sizeof(url_rows[0]); i++) {
		const struct url_row *r = &url_rows[i];
		struct jc_request req;
		int rc = jc_request_from_url(r->url, &req);
		enum expect got = outcome(r->pattern, rc, &req);

		if (!as_expected(r->want, got)) {
			char u[256];

			print_error("row %zu: '%s' vs url '%s': want %s, got %s\n", i, r->pattern,
			            tu_visible(r->url, u, sizeof(u)), expect_name(r->want), expect_name(got));
			bad++;
		}
		jc_request_clear(&req);
	}
	assert_int_equal(bad, 0);
}

/* What a request holds once parsed. */
static void test_request_fields(void **state)
{
	struct jc_request r;

	(void)state;
	assert_int_equal(jc_request_from_parts("HTTPS", "Git.Example.COM:8443", "/team/repo.git/", &r), 0);
	assert_string_equal(r.scheme, "https");
	assert_string_equal(r.host, "git.example.com");
	assert_int_equal(r.port, 8443);
	assert_string_equal(r.path, "team/repo.git");
	jc_request_clear(&r);

	assert_int_equal(jc_request_from_parts("https", "git.example.com", NULL, &r), 0);
	assert_int_equal(r.port, 443);
	assert_null(r.path);
	jc_request_clear(&r);

	assert_int_equal(jc_request_from_url("https://me:secret@git.example.com/team/x?y#z", &r), 0);
	assert_string_equal(r.host, "git.example.com");
	assert_string_equal(r.path, "team/x");
	jc_request_clear(&r);

	assert_int_equal(jc_request_from_url("https://[::1]:8443/x", &r), 0);
	assert_string_equal(r.host, "[::1]");
	assert_int_equal(r.port, 8443);
	jc_request_clear(&r);

	/* paths have a length limit */
	{
		char path[4098];

		memset(path, 'p', sizeof(path) - 1);
		path[4096] = '\0';
		assert_int_equal(jc_request_from_parts("https", "example.com", path, &r), 0);
		jc_request_clear(&r);
		path[4096] = 'p';
		path[4097] = '\0';
		assert_int_equal(jc_request_from_parts("https", "example.com", path, &r), JWTCRED_E_INPUT);
		assert_null(r.host);
	}
}

static void test_parse_pattern(void **state)
{
	static const struct {
		const char *in;
		const char *host;
		int port;
		const char *path;
	} good[] = {
		{ "https://example.com", "example.com", 443, "" },
		{ "https://Example.COM/Team/", "example.com", 443, "Team" },
		{ "HTTPS://example.com:443", "example.com", 443, "" },
		{ "https://*.example.com:8443/a/b", "*.example.com", 8443, "a/b" },
		{ "https://[::1]:8443", "[::1]", 8443, "" },
		{ "https://git.example.com//team//", "git.example.com", 443, "team" },
	};
	static const char *bad_patterns[] = {
		"http://example.com",
		"ftp://example.com",
		"example.com",
		"https://",
		"https:///team",
		"https://user@example.com",
		"https://user:pw@example.com/team",
		"https://example.com?x=1",
		"https://example.com/team?x=1",
		"https://example.com#frag",
		"https://exa mple.com",
		"https://example.com/a\tb",
		"https://example.com/a\nb",
		/* segments no request has: such an entry could only mislead */
		"https://example.com/cx//g",
		"https://example.com/a/./b",
		"https://example.com/a/../b",
		"https://example.com/..",
		"https://example.com/./team",
		"https://example.com/a%2Fb",
		"https://example.com/a%2e%2e/b",
		"https://example.com/a;b",
		"https://example.com:0",
		"https://example.com:65536",
		"https://example.com:abc",
		"https://example.com:",
		"https://*",
		"https://*.",
		"https://*example.com",
		"https://a.*.example.com",
		"https://*.*.example.com",
		"https://example.com.",
		"https://.example.com",
		"https://ex%61mple.com",
		"https://[::1",
		"https://[zz::1]",
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct jc_url u;
		jwtcred_error err = { "" };

		if (jc_url_parse_pattern(good[i].in, &u, &err) != JWTCRED_OK) {
			print_error("'%s' refused: %s\n", good[i].in, err.text);
			bad++;
			continue;
		}
		if (strcmp(u.scheme, "https") || strcmp(u.host, good[i].host) || u.port != good[i].port ||
		    strcmp(u.path, good[i].path)) {
			print_error("'%s' parsed as %s %s %d '%s'\n", good[i].in, u.scheme, u.host, u.port,
			            u.path);
			bad++;
		}
		jc_url_clear(&u);
	}
	for (i = 0; i < sizeof(bad_patterns) / sizeof(bad_patterns[0]); i++) {
		struct jc_url u;
		jwtcred_error err = { "" };

		char shown[2 * JWTCRED_ERROR_TEXT_LENGTH];

		if (jc_url_parse_pattern(bad_patterns[i], &u, &err) == JWTCRED_OK) {
			print_error("'%s' accepted as a pattern\n", tu_visible(bad_patterns[i], shown, sizeof(shown)));
			jc_url_clear(&u);
			bad++;
		} else if (err.text[0] == '\0' || tu_has_control(err.text) || u.host || u.scheme) {
			print_error("no message, or a raw control character in it: %s\n",
			            tu_visible(err.text, shown, sizeof(shown)));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * A "*." wildcard never covers a public suffix (libpsl's list: the ICANN
 * section, the private section, and the default rule for top-level
 * domains the list does not know), nor an IP address.
 */
static void test_wildcard_public_suffix(void **state)
{
	static const struct {
		const char *pattern;
		const char *why; /* NULL: accepted */
	} rows[] = {
		{ "https://*.com", "every site under 'com', a public suffix" },
		{ "https://*.co.uk", "every site under 'co.uk', a public suffix" },
		{ "https://*.uk", "under 'uk'" },
		{ "https://*.COM", "under 'com'" },                             /* lower-cased first */
		{ "https://*.github.io", "every site under 'github.io'" },       /* private section */
		{ "https://*.s3.amazonaws.com", "under 's3.amazonaws.com'" },    /* private section */
		{ "https://*.kawasaki.jp", "under 'kawasaki.jp'" },
		{ "https://*.anything.kawasaki.jp", "under 'anything.kawasaki.jp'" }, /* "*.kawasaki.jp" rule */
		{ "https://*.xn--p1ai", "under 'xn--p1ai'" },                    /* .рф, as punycode */
		{ "https://*.localhost", "under 'localhost'" },                  /* the default rule */
		{ "https://*.corp", "under 'corp'" },
		{ "https://*.com:8443/team", "under 'com'" },
		{ "https://*.co.uk/a", "(https://*.example.co.uk)" },            /* and says what to write */
		{ "https://*.0.0.1", "over an IP address" },
		{ "https://*.168.1.10:8443", "over an IP address" },
		{ "https://*.example.com", NULL },
		{ "https://*.corp.example.com/team", NULL },
		{ "https://*.example.co.uk", NULL },
		{ "https://*.acme.github.io", NULL },
		{ "https://*.city.kawasaki.jp", NULL },                          /* "!city.kawasaki.jp" */
		{ "https://*.git.corp", NULL },
		{ "https://*.my.salesforce.com", NULL },
		{ "https://*.sandbox.my.salesforce.com", NULL },
		{ "https://com", NULL },                                         /* no wildcard: exact host */
		{ "https://github.io", NULL },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct jc_url u;
		jwtcred_error err = { "" };
		int rc = jc_url_parse_pattern(rows[i].pattern, &u, &err);
		bool ok = rows[i].why ? rc == JWTCRED_E_CONFIG && tu_contains(err.text, rows[i].why) &&
		                            tu_contains(err.text, rows[i].pattern) && !u.host
		                      : rc == JWTCRED_OK;

		if (!ok) {
			print_error("'%s': rc %d, %s (want %s)\n", rows[i].pattern, rc, err.text,
			            rows[i].why ? rows[i].why : "accepted");
			bad++;
		}
		if (rc == JWTCRED_OK)
			jc_url_clear(&u);
	}
	assert_int_equal(bad, 0);
}

/* Without libpsl nobody can tell what a wildcard covers: every one is refused, exact hosts are fine. */
static void test_wildcard_without_libpsl(void **state)
{
	struct jc_url u;
	jwtcred_error err = { "" };

	(void)state;
	jc_public_suffix_library("libpsl-not-installed.so.5");
	assert_int_equal(jc_url_parse_pattern("https://*.example.com", &u, &err), JWTCRED_E_CONFIG);
	assert_true(tu_contains(err.text, "URL 'https://*.example.com': cannot check its '*.' wildcard against the public suffix list (libpsl-not-installed.so.5"));
	assert_true(tu_contains(err.text, "install libpsl5, or list the hosts without '*.'"));
	assert_null(u.host);
	assert_int_equal(jc_url_parse_pattern("https://git.example.com", &u, &err), JWTCRED_OK);
	jc_url_clear(&u);
	/* and with it back, the same wildcard is fine again */
	jc_public_suffix_library(NULL);
	assert_int_equal(jc_url_parse_pattern("https://*.example.com", &u, &err), JWTCRED_OK);
	jc_url_clear(&u);
}

static long score(const char *pattern, const char *host, const char *path)
{
	struct jc_url u;
	struct jc_request r;
	long s;

	assert_int_equal(jc_url_parse_pattern(pattern, &u, NULL), 0);
	assert_int_equal(jc_request_from_parts("https", host, path, &r), 0);
	s = jc_url_match(&u, &r);
	jc_url_clear(&u);
	jc_request_clear(&r);
	return s;
}

/* Exact host beats a wildcard, then a longer path beats a shorter one. */
static void test_specificity(void **state)
{
	(void)state;
	assert_true(score("https://git.example.com", "git.example.com", "team/x") >
	            score("https://*.example.com", "git.example.com", "team/x"));
	assert_true(score("https://git.example.com/team", "git.example.com", "team/x") >
	            score("https://git.example.com", "git.example.com", "team/x"));
	assert_true(score("https://git.example.com/team/x", "git.example.com", "team/x") >
	            score("https://git.example.com/team", "git.example.com", "team/x"));
	assert_true(score("https://*.example.com/team", "git.example.com", "team/x") >
	            score("https://*.example.com", "git.example.com", "team/x"));
	assert_true(score("https://git.example.com", "git.example.com", "team/x") >
	            score("https://*.example.com/team", "git.example.com", "team/x"));
	assert_true(score("https://*.example.com", "git.example.com", NULL) >= 0);
}

/* The one rule for URLs jwtcred posts to (token_url) or hands on (instance_url). */
static void test_https_url_check(void **state)
{
	static const struct {
		const char *url;
		unsigned flags;
		const char *why; /* NULL: accepted */
	} rows[] = {
		{ "https://login.salesforce.com", 0, NULL },
		{ "https://login.salesforce.com/", 0, NULL },
		{ "https://LOGIN.salesforce.com:8443/services/oauth2/token", 0, NULL },
		{ "https://[::1]:8443/t", 0, NULL },
		{ "https://127.0.0.1/t", 0, NULL },
		{ "https://h.example/a%2Fb/~x-y_z.json", 0, NULL },
		{ "https://h.example/sub-delims!$&'()*+,;=:@", 0, NULL },
		{ "https://idp.example.com/token?api-version=2.0&tenant=a%20b", JC_URL_QUERY, NULL },
		{ "https://idp.example.com?x=1", JC_URL_QUERY, NULL },
		{ "https://idp.example.com/t?", JC_URL_QUERY, NULL },
		{ "https://idp.example.com/t?a=/b?c", JC_URL_QUERY, NULL },
		{ "https://idp.example.com/t?x=1", 0, "has a query" },
		{ "https://idp.example.com/t#frag", JC_URL_QUERY, "has a fragment" },
		{ "https://idp.example.com/t?x=1#frag", JC_URL_QUERY, "has a fragment" },
		{ "https://me@idp.example.com/t", JC_URL_QUERY, "has a user name or password" },
		{ "https://me:pw@idp.example.com/t", 0, "has a user name or password" },
		{ "https://idp.example.com/t?next=me@evil.example", JC_URL_QUERY, NULL },
		{ "http://idp.example.com/t", JC_URL_QUERY, "is not an https URL" },
		{ "HTTPS://idp.example.com/t", 0, "is not an https URL" },
		{ "idp.example.com/t", 0, "is not an https URL" },
		{ "", 0, "is not an https URL" },
		{ "https://", 0, "has an invalid host or port" },
		{ "https:///t", 0, "has an invalid host or port" },
		{ "https://idp.example.com:0/t", 0, "has an invalid host or port" },
		{ "https://idp.example.com:65536", 0, "has an invalid host or port" },
		{ "https://idp.example.com:443x", 0, "has an invalid host or port" },
		{ "https://idp.example.com./t", 0, "has an invalid host or port" },
		{ "https://idp..example.com/t", 0, "has an invalid host or port" },
		{ "https://idp.example.com/a b", 0, "contains a space or a control character" },
		{ "https://idp.example.com/a\tb", 0, "contains a space or a control character" },
		{ "https://idp.example.com/\x1b[2J", 0, "contains a space or a control character" },
		{ "https://idp.example.com/x\r\nHost: evil", 0, "contains a space or a control character" },
		{ "https://idp.example.com/\x7f", 0, "contains a space or a control character" },
		{ "https://idp.example.com/caf\xc3\xa9", 0, "contains a byte that is not ASCII" },
		{ "https://idp.example.com/\"x\"", 0, "contains '\"'" },
		{ "https://idp.example.com/a\\b", 0, "contains '\\'" },
		{ "https://idp.example.com/<x>", 0, "contains '<'" },
		{ "https://idp.example.com/`id`", 0, "contains '`'" },
		{ "https://idp.example.com/{x}", 0, "contains '{'" },
		{ "https://idp.example.com/a[1]", 0, "contains '['" },
		{ "https://idp.example.com/%zz", 0, "'%' that is not followed by two hex digits" },
		{ "https://idp.example.com/%4", 0, "'%' that is not followed by two hex digits" },
		{ "https://idp.example.com/t?x=%", JC_URL_QUERY, "'%' that is not followed by two hex digits" },
		{ "https://idp.example.com/a/../token", 0, "has a '.' or '..' path segment" },
		{ "https://idp.example.com/./token", 0, "has a '.' or '..' path segment" },
		{ "https://idp.example.com/token/..", JC_URL_QUERY, "has a '.' or '..' path segment" },
		{ "https://idp.example.com//..//t", 0, "has a '.' or '..' path segment" },
		{ "https://idp.example.com/..a/b.c/.../t", 0, NULL },
		{ "https://idp.example.com/t?p=../x", JC_URL_QUERY, NULL },
	};
	char url[JC_URL_MAX + 64];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jwtcred_error err = { "" };
		int rc = jc_https_url_check(rows[i].url, rows[i].flags, &err);
		/* the reason never quotes the URL: the caller does, escaped */
		bool quoted = strlen(rows[i].url) > 8 && tu_contains(err.text, rows[i].url + 8);
		bool ok = rows[i].why ? rc == JWTCRED_E_INPUT && tu_contains(err.text, rows[i].why) &&
		                            !quoted && !tu_has_control(err.text)
		                      : rc == JWTCRED_OK;

		if (!ok) {
			char shown[256];
			print_error("'%s': rc %d, %s (want %s)\n", tu_visible(rows[i].url, shown, sizeof(shown)),
			            rc, err.text, rows[i].why ? rows[i].why : "accepted");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* the length limit, exactly */
	memset(url, 'a', sizeof(url));
	memcpy(url, "https://h.example/", 18);
	url[JC_URL_MAX] = '\0';
	assert_int_equal(jc_https_url_check(url, 0, NULL), JWTCRED_OK);
	url[JC_URL_MAX] = 'a';
	url[JC_URL_MAX + 1] = '\0';
	assert_int_equal(jc_https_url_check(url, 0, NULL), JWTCRED_E_INPUT);
}

static void test_default_port(void **state)
{
	(void)state;
	assert_int_equal(jc_default_port("https"), 443);
	assert_int_equal(jc_default_port("http"), 80);
	assert_int_equal(jc_default_port("ftp"), -1);
	assert_int_equal(jc_default_port(""), -1);
}

/* How messages name a place: the port only when it is not the default. */
static void test_origin_text(void **state)
{
	struct jc_request r;
	char buf[128];

	(void)state;
	jc_origin_text("https", "git.example.com", 8443, buf, sizeof(buf));
	assert_string_equal(buf, "https://git.example.com:8443");
	jc_origin_text("https", "git.example.com", 443, buf, sizeof(buf));
	assert_string_equal(buf, "https://git.example.com");
	jc_origin_text("http", "h", 80, buf, sizeof(buf));
	assert_string_equal(buf, "http://h");
	jc_origin_text("https", "h.example", 8443, buf, 12); /* cut, terminated */
	assert_string_equal(buf, "https://h.e");
	assert_int_equal(jc_request_from_url("https://Git.Example.com:8443/a/b?q", &r), 0);
	jc_request_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "https://git.example.com:8443/a/b");
	jc_request_clear(&r);
	jc_url_string_origin("https://login.example.com:9443/services/oauth2/token", buf, sizeof(buf));
	assert_string_equal(buf, "https://login.example.com:9443");
	jc_url_string_origin("https://login.example.com/token", buf, sizeof(buf));
	assert_string_equal(buf, "https://login.example.com");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_parts),
		cmocka_unit_test(test_match_urls),
		cmocka_unit_test(test_request_fields),
		cmocka_unit_test(test_parse_pattern),
		cmocka_unit_test(test_specificity),
		cmocka_unit_test(test_wildcard_public_suffix),
		cmocka_unit_test(test_wildcard_without_libpsl),
		cmocka_unit_test(test_https_url_check),
		cmocka_unit_test(test_default_port),
		cmocka_unit_test(test_origin_text),
	};

	return cmocka_run_group_tests_name("urlmatch", tests, NULL, NULL);
}
