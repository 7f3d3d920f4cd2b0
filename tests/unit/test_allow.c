/*
 * test_allow.c: the one rule for where a profile's token may go.
 * jc_profile_allows: path-limited against whole-origin entries, the
 * instance_url origin (https only, same host and port, never a path
 * grant), the score of the most specific entry.  jc_allowed_profile: the
 * most specific profile, the first on a tie, and `only`.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/allow.h"
#include "testutil.h"

#define MAXURLS 4
#define EXACT 2000000L /* jc_url_match: an exact host, before the path's length */

/* A profile called name with the allow-list urls (NULL-terminated). */
static void profile_init(struct jc_profile *p, const char *name, const char *const *urls)
{
	jwtcred_error err = { "" };

	memset(p, 0, sizeof(*p));
	p->name = (char *)name;
	p->urls = calloc(MAXURLS, sizeof(*p->urls));
	assert_non_null(p->urls);
	for (; *urls; urls++, p->nurls++) {
		assert_true(p->nurls < MAXURLS);
		if (jc_url_parse_pattern(*urls, &p->urls[p->nurls], &err) != JWTCRED_OK)
			fail_msg("'%s': %s", *urls, err.text);
	}
}

static void profile_free(struct jc_profile *p)
{
	size_t i;

	for (i = 0; i < p->nurls; i++)
		jc_url_clear(&p->urls[i]);
	free(p->urls);
	memset(p, 0, sizeof(*p));
}

static void request(const char *url, struct jc_request *req)
{
	if (jc_request_from_url(url, req) != JWTCRED_OK)
		fail_msg("jc_request_from_url '%s'", url);
}

static const char *verdict_name(enum jc_allowed v)
{
	return v == JC_ALLOWED_ORIGIN ? "origin" : v == JC_ALLOWED_PATH ? "path" : "not allowed";
}

static void test_profile_allows(void **state)
{
	static const char *const team[] = { "https://git.example.com/team", "https://git.example.com/ops", NULL };
	static const char *const api[] = { "https://api.example.com", "https://api.example.com/v2", NULL };
	static const char *const api_rev[] = { "https://api.example.com/v2", "https://api.example.com", NULL };
	static const char *const alt[] = { "https://git.example.com:8443", NULL };
	static const char *const none[] = { NULL };
#define SF "https://na1.my.salesforce.com"
	static const struct {
		const char *what;
		const char *const *urls;
		const char *url;      /* the request */
		const char *instance; /* or NULL */
		enum jc_allowed want;
		long score;
	} rows[] = {
		{ "under a path entry", team, "https://git.example.com/team/repo.git", NULL, JC_ALLOWED_PATH, EXACT + 4 },
		{ "the path entry itself", team, "https://git.example.com/team", NULL, JC_ALLOWED_PATH, EXACT + 4 },
		{ "the second path entry", team, "https://git.example.com/ops/x", NULL, JC_ALLOWED_PATH, EXACT + 3 },
		{ "a path that only starts alike", team, "https://git.example.com/teamx/repo", NULL, JC_NOT_ALLOWED, -1 },
		{ "another path", team, "https://git.example.com/other", NULL, JC_NOT_ALLOWED, -1 },
		{ "no path, path entries only", team, "https://git.example.com", NULL, JC_NOT_ALLOWED, -1 },
		{ "a dot segment out of the path", team, "https://git.example.com/team/../admin", NULL, JC_NOT_ALLOWED, -1 },
		{ "another port", team, "https://git.example.com:8443/team/repo", NULL, JC_NOT_ALLOWED, -1 },
		{ "http", team, "http://git.example.com/team/repo", NULL, JC_NOT_ALLOWED, -1 },
		{ "another host", team, "https://git.example.org/team/repo", NULL, JC_NOT_ALLOWED, -1 },
		{ "whole origin", api, "https://api.example.com/anything", NULL, JC_ALLOWED_ORIGIN, EXACT },
		{ "origin and path entry: origin, the path's score", api, "https://api.example.com/v2/x", NULL, JC_ALLOWED_ORIGIN, EXACT + 2 },
		{ "the same, listed the other way", api_rev, "https://api.example.com/v2/x", NULL, JC_ALLOWED_ORIGIN, EXACT + 2 },
		{ "origin entry, no path", api, "https://api.example.com", NULL, JC_ALLOWED_ORIGIN, EXACT },
		{ "origin entry with its port", alt, "https://git.example.com:8443/x", NULL, JC_ALLOWED_ORIGIN, EXACT },
		{ "origin entry, default port", alt, "https://git.example.com/x", NULL, JC_NOT_ALLOWED, -1 },
		{ "no urls", none, "https://git.example.com/team", NULL, JC_NOT_ALLOWED, -1 },
		/* the instance the endpoint named with this token: its https origin only */
		{ "instance origin", team, SF "/services/data/v60.0", SF, JC_ALLOWED_ORIGIN, -1 },
		{ "instance, no path", none, SF, SF, JC_ALLOWED_ORIGIN, -1 },
		{ "instance with a path: still the whole origin", none, SF "/other", SF "/services", JC_ALLOWED_ORIGIN, -1 },
		{ "instance, port written", none, SF "/x", SF ":443", JC_ALLOWED_ORIGIN, -1 },
		{ "instance in capitals", none, SF "/x", "https://NA1.My.Salesforce.com", JC_ALLOWED_ORIGIN, -1 },
		{ "instance, request over http", none, "http://na1.my.salesforce.com/x", SF, JC_NOT_ALLOWED, -1 },
		{ "instance over http", none, "http://na1.my.salesforce.com/x", "http://na1.my.salesforce.com", JC_NOT_ALLOWED, -1 },
		{ "instance over http, request https", none, SF "/x", "http://na1.my.salesforce.com", JC_NOT_ALLOWED, -1 },
		/* the scheme counts on its own, not only through the port */
		{ "instance over http on 443", none, SF "/x", "http://na1.my.salesforce.com:443", JC_NOT_ALLOWED, -1 },
		{ "instance, request over http on 443", none, "http://na1.my.salesforce.com:443/x", SF, JC_NOT_ALLOWED, -1 },
		{ "instance, other port", none, SF ":8443/x", SF, JC_NOT_ALLOWED, -1 },
		{ "instance on another port", none, SF "/x", SF ":8443", JC_NOT_ALLOWED, -1 },
		{ "instance, other host", none, "https://na2.my.salesforce.com/x", SF, JC_NOT_ALLOWED, -1 },
		{ "instance, a longer host", none, SF ".evil.example/x", SF, JC_NOT_ALLOWED, -1 },
		{ "instance, a parent host", none, "https://my.salesforce.com/x", SF, JC_NOT_ALLOWED, -1 },
		{ "instance not a URL", none, SF "/x", "na1.my.salesforce.com", JC_NOT_ALLOWED, -1 },
		{ "instance empty", none, SF "/x", "", JC_NOT_ALLOWED, -1 },
		/* a path grant becomes the origin when the instance is that host */
		{ "path entry and instance", team, "https://git.example.com/team/r", "https://git.example.com", JC_ALLOWED_ORIGIN, EXACT + 4 },
		{ "instance does not widen other hosts", team, "https://git.example.com/other", SF, JC_NOT_ALLOWED, -1 },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct jc_profile p;
		struct jc_request req;
		enum jc_allowed v, v2;
		long score = 12345;

		profile_init(&p, "prod", rows[i].urls);
		request(rows[i].url, &req);
		v = jc_profile_allows(&p, &req, rows[i].instance, &score);
		v2 = jc_profile_allows(&p, &req, rows[i].instance, NULL); /* score is optional */
		if (v != rows[i].want || score != rows[i].score || v2 != v) {
			print_error("row %zu (%s): %s, score %ld; want %s, score %ld\n", i, rows[i].what,
			            verdict_name(v), score, verdict_name(rows[i].want), rows[i].score);
			bad++;
		}
		jc_request_clear(&req);
		profile_free(&p);
	}
	assert_int_equal(bad, 0);
#undef SF
}

static void test_allowed_profile(void **state)
{
	static const char *const wide[] = { "https://git.example.com", NULL };
	static const char *const team[] = { "https://git.example.com/team", NULL };
	static const char *const deep[] = { "https://git.example.com/team/app", NULL };
	static const char *const api[] = { "https://api.example.com", "https://git.example.com/ops", NULL };
	static const struct {
		const char *name;
		const char *const *urls;
	} profiles[] = {
		{ "wide", wide }, { "team", team }, { "twin", wide }, { "deep", deep }, { "api", api },
	};
	enum { NPROFILES = sizeof(profiles) / sizeof(profiles[0]) };
	static const struct {
		const char *url;
		const char *only;
		bool reversed; /* the profiles in the other order */
		const char *want; /* or NULL */
	} rows[] = {
		{ "https://git.example.com/team/app/x.git", NULL, false, "deep" }, /* the longest path */
		{ "https://git.example.com/team/app/x.git", NULL, true, "deep" },
		{ "https://git.example.com/team/other.git", NULL, false, "team" },
		{ "https://git.example.com/team/other.git", NULL, true, "team" },
		{ "https://git.example.com/misc.git", NULL, false, "wide" },       /* a tie: the first */
		{ "https://git.example.com/misc.git", NULL, true, "twin" },        /* ...whichever it is */
		{ "https://git.example.com", NULL, false, "wide" },                /* path entries need a path */
		{ "https://git.example.com/ops/x", NULL, false, "api" },           /* path beats origin */
		{ "https://api.example.com/v1", NULL, false, "api" },
		{ "https://git.example.com/team/app/x.git", "twin", false, "twin" }, /* only restricts */
		{ "https://git.example.com/team/app/x.git", "wide", true, "wide" },
		{ "https://git.example.com/misc.git", "team", false, NULL },
		{ "https://git.example.com/misc.git", "nosuch", false, NULL },
		{ "https://git.example.com/misc.git", "", false, NULL },
		{ "https://api.example.com/", "deep", false, NULL },
		{ "https://git.example.com:8443/team/x", NULL, false, NULL },
		{ "http://git.example.com/team/x", NULL, false, NULL },
		{ "https://evil.example.net/team/x", NULL, false, NULL },
	};
	struct jc_profile in_order[NPROFILES], reversed[NPROFILES];
	struct jwtcred_config cfg = { NULL, in_order, NPROFILES };
	struct jwtcred_config rcfg = { NULL, reversed, NPROFILES };
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < NPROFILES; i++) {
		profile_init(&in_order[i], profiles[i].name, profiles[i].urls);
		profile_init(&reversed[NPROFILES - 1 - i], profiles[i].name, profiles[i].urls);
	}
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct jc_profile *p;
		struct jc_request req;

		request(rows[i].url, &req);
		p = jc_allowed_profile(rows[i].reversed ? &rcfg : &cfg, rows[i].only, &req);
		if (rows[i].want ? !p || strcmp(p->name, rows[i].want) != 0 : p != NULL) {
			print_error("row %zu: %s only=%s%s: got %s, want %s\n", i, rows[i].url,
			            rows[i].only ? rows[i].only : "-", rows[i].reversed ? " (reversed)" : "",
			            p ? p->name : "none", rows[i].want ? rows[i].want : "none");
			bad++;
		}
		/* borrowed from cfg, not a copy */
		if (p && !(p >= (rows[i].reversed ? reversed : in_order) &&
		           p < (rows[i].reversed ? reversed : in_order) + NPROFILES)) {
			print_error("row %zu: not one of cfg's profiles\n", i);
			bad++;
		}
		jc_request_clear(&req);
	}
	for (i = 0; i < NPROFILES; i++) {
		profile_free(&in_order[i]);
		profile_free(&reversed[i]);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_allows),
		cmocka_unit_test(test_allowed_profile),
	};

	return cmocka_run_group_tests_name("allow", tests, NULL, NULL);
}
