/*
 * test_github.c: the github-app provider's core parts: its settings and
 * their checks (each error names its line), its defaults, the app JWT's
 * claims, the request path -> owner/repository, the owner -> cache entry
 * name, RFC 3339 times (expires_at), and the reading of GitHub's token
 * answer.
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

#include "core/answer.h"
#include "core/cache.h"
#include "core/clock.h"
#include "core/conf.h"
#include "core/provider.h"
#include "engine/github.h"
#include "testutil.h"

#define HEAD "profiles = {\n  gh = {\n    provider = \"github-app\";\n    app_id = \"4242\";\n" \
             "    private_key = \"/keys/app.pem\";\n"
#define TAIL "  };\n};\n"
#define PARSE(text, now) jc_github_parse_token(201, text, strlen(text), now, &a, &err)

static struct jwtcred_config *load_ok(const char *text)
{
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };

	if (jc_conf_load_string(text, "t.conf", &cfg, &err) != 0)
		fail_msg("should load: %s", err.text);
	return cfg;
}

static void test_defaults(void **state)
{
	struct jwtcred_config *cfg = load_ok(HEAD TAIL);
	const struct jc_profile *p = &cfg->profiles[0];
	struct jc_request req;
	struct jc_claims c = { 0 };

	(void)state;
	assert_int_equal(p->provider, JC_PROVIDER_GITHUB);
	assert_string_equal(p->issuer, "4242");
	assert_string_equal(p->api_url, "https://api.github.com");
	assert_string_equal(p->token_url, "https://api.github.com");
	assert_string_equal(p->algorithm, "RS256");
	assert_string_equal(p->git_username, "x-access-token");
	assert_false(p->jti);
	assert_null(p->installation_id);
	assert_null(p->owner);
	/* the default urls: github.com and its API, not anything else */
	assert_int_equal(p->nurls, 2);
	assert_int_equal(jc_request_from_url("https://api.github.com/repos/acme/widgets", &req), 0);
	assert_true(jc_url_match(&p->urls[1], &req) >= 0);
	jc_request_clear(&req);
	assert_int_equal(jc_request_from_url("https://github.com/acme/widgets.git", &req), 0);
	assert_true(jc_url_match(&p->urls[0], &req) >= 0);
	jc_request_clear(&req);
	assert_int_equal(jc_request_from_url("https://gist.github.com/acme/x.git", &req), 0);
	assert_true(jc_url_match(&p->urls[0], &req) < 0);
	jc_request_clear(&req);
	/* the app JWT: iat 60 s back, exp assertion_lifetime from now (not from iat); no aud */
	jc_provider_of(p->provider)->claims(p, "ignored", 1000000, &c);
	assert_null(c.aud);
	assert_null(c.jti);
	assert_int_equal(c.iat, 1000000 - 60);
	assert_int_equal(p->assertion_lifetime, 180);
	assert_int_equal(c.exp, 1000000 + 180);
	jc_conf_free(cfg);
	/* the shortest lifetime is still ahead of now; the longest within GitHub's 10 minutes */
	cfg = load_ok(HEAD "    assertion_lifetime = 10;\n" TAIL);
	jc_provider_of(JC_PROVIDER_GITHUB)->claims(&cfg->profiles[0], NULL, 1000000, &c);
	assert_int_equal(c.exp, 1000000 + 10);
	jc_conf_free(cfg);
	cfg = load_ok(HEAD "    assertion_lifetime = 600;\n" TAIL);
	jc_provider_of(JC_PROVIDER_GITHUB)->claims(&cfg->profiles[0], NULL, 1000000, &c);
	assert_int_equal(c.exp, 1000000 + 540);
	assert_true(c.exp - c.iat <= 600);
	jc_conf_free(cfg);
}

static void test_settings(void **state)
{
	struct jwtcred_config *cfg = load_ok(
		"profiles = {\n  gh = {\n    provider = \"github-app\";\n    client_id = \"Iv23liAbc\";\n"
		"    private_key = \"/keys/app.pem\";\n    api_url = \"https://GHE.example.com/api/v3/\";\n"
		"    urls = [ \"https://ghe.example.com/\" ];\n    owner = \"Acme\";\n"
		"    repositories = [ \"widgets\", \"gadgets\" ];\n"
		"    permissions = { contents = \"read\"; metadata = \"read\"; issues = \"write\"; };\n" TAIL);
	const struct jc_profile *p = &cfg->profiles[0];

	(void)state;
	assert_string_equal(p->issuer, "Iv23liAbc");
	assert_string_equal(p->api_url, "https://ghe.example.com/api/v3");
	assert_string_equal(p->owner, "Acme");
	assert_int_equal(p->nrepositories, 2);
	assert_string_equal(p->repositories[1], "gadgets");
	assert_string_equal(p->permissions, "{\"contents\":\"read\",\"metadata\":\"read\",\"issues\":\"write\"}");
	jc_conf_free(cfg);
	cfg = load_ok(HEAD "    installation_id = \"12345678\";\n" TAIL);
	assert_string_equal(cfg->profiles[0].installation_id, "12345678");
	jc_conf_free(cfg);
}

static const struct {
	const char *what;
	const char *text;
	int line;
	const char *message;
} bad[] = {
	{ "no client_id or app_id", "profiles = {\n  gh = {\n    provider = \"github-app\";\n    private_key = \"/k\";\n" TAIL,
	  2, "has no 'client_id' (required for provider \"github-app\"): the app's Client ID" },
	{ "no private_key", "profiles = {\n  gh = {\n    provider = \"github-app\";\n    app_id = \"1\";\n" TAIL, 2,
	  "has no 'private_key'" },
	{ "both client_id and app_id", HEAD "    client_id = \"Iv1\";\n" TAIL, 6,
	  "sets both 'client_id' and 'app_id': keep one" },
	{ "app_id not a number", "profiles = {\n  gh = {\n    provider = \"github-app\";\n    app_id = \"Iv23\";\n"
	  "    private_key = \"/k\";\n" TAIL, 4, "'app_id' in profile 'gh' is 'Iv23': it must be the app's numeric App ID" },
	{ "api_url not https", HEAD "    api_url = \"http://ghe.example.com/api/v3\";\n" TAIL, 6,
	  "'api_url' in profile 'gh' must be an https URL" },
	{ "GHES without urls", HEAD "    api_url = \"https://ghe.example.com/api/v3\";\n" TAIL, 2,
	  "has no 'urls' (required for provider \"github-app\"): with an api_url other than https://api.github.com" },
	{ "installation_id not a number", HEAD "    installation_id = \"12ab\";\n" TAIL, 6,
	  "'installation_id' in profile 'gh' is '12ab': it must be a number" },
	{ "owner with a slash", HEAD "    owner = \"acme/widgets\";\n" TAIL, 6,
	  "'owner' in profile 'gh' is 'acme/widgets': it must be an organisation or user name" },
	{ "repositories with the owner", HEAD "    repositories = [ \"acme/widgets\" ];\n" TAIL, 6,
	  "'acme/widgets' in 'repositories' of profile 'gh' is not a repository name" },
	{ "repositories empty", HEAD "    repositories = [ ];\n" TAIL, 6, "must be a list of repository names" },
	{ "repositories twice", HEAD "    repositories = [ \"a\", \"A\" ];\n" TAIL, 6, "lists 'A' twice" },
	{ "permissions level", HEAD "    permissions = { contents = \"full\"; };\n" TAIL, 6,
	  "'permissions.contents' in profile 'gh' is 'full': it must be \"read\", \"write\" or \"admin\"" },
	{ "permissions not a group", HEAD "    permissions = [ \"contents\" ];\n" TAIL, 6,
	  "'permissions' in profile 'gh' must be a group" },
	{ "assertion_lifetime over 600", HEAD "    assertion_lifetime = 900;\n" TAIL, 6,
	  "GitHub refuses an app JWT that lives more than 600 s" },
	{ "algorithm", HEAD "    algorithm = \"ES256\";\n" TAIL, 6, "the GitHub App provider signs with RS256" },
	{ "token_url", HEAD "    token_url = \"https://x\";\n" TAIL, 6, "not \"github-app\": use 'api_url'" },
	{ "scope", HEAD "    scope = \"repo\";\n" TAIL, 6, "not \"github-app\": use 'permissions'" },
	{ "installation_id for salesforce",
	  "profiles = {\n  sf = {\n    client_id = \"c\";\n    username = \"u\";\n    private_key = \"/k\";\n"
	  "    installation_id = \"1\";\n" TAIL, 6, "'installation_id' in profile 'sf' applies to provider \"github-app\" only" },
};

static void test_bad_settings(void **state)
{
	struct jwtcred_config *cfg;
	jwtcred_error err;
	char where[32];
	size_t i;
	int failures = 0;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg = NULL;
		err.text[0] = '\0';
		snprintf(where, sizeof(where), "'t.conf':%d: ", bad[i].line);
		if (tu_conf_load_strict(bad[i].text, "t.conf", &cfg, &err) != JWTCRED_E_CONFIG || cfg ||
		    strncmp(err.text, where, strlen(where)) != 0 || !tu_contains(err.text, bad[i].message)) {
			print_error("%s: want %s... %s\n  got: %s\n", bad[i].what, where, bad[i].message, err.text);
			failures++;
		}
		jc_conf_free(cfg);
	}
	assert_int_equal(failures, 0);
}

static void test_target_from_path(void **state)
{
	static const struct {
		const char *path, *owner, *repo;
	} rows[] = {
		{ "acme/widgets.git", "acme", "widgets" },
		{ "acme/widgets", "acme", "widgets" },
		{ "acme/widgets.git/", "acme", "widgets" },
		{ "Acme/my.repo.GIT", "Acme", "my.repo" },
		/* the first two segments: git-lfs (useHttpPath) asks for .../info/lfs */
		{ "acme/widgets.git/info/lfs", "acme", "widgets" },
		{ "acme/widgets.git/info/lfs/objects/batch", "acme", "widgets" },
		{ "acme/widgets/info/refs", "acme", "widgets" },
		{ "a//b", "a", "b" },
		{ "widgets.git", NULL, NULL },
		{ "", NULL, NULL },
		{ "acme/..", NULL, NULL },
		{ "acme/.git", NULL, NULL },
		{ "ac me/widgets", NULL, NULL },
		{ "acme/wid%67ets", NULL, NULL },
		{ "acme/wid?gets", NULL, NULL },
	};
	char owner[JC_GITHUB_NAME_MAX + 1], repo[JC_GITHUB_NAME_MAX + 1], longer[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = jc_github_target_from_path(rows[i].path, owner, repo);
		if (!rows[i].owner) {
			if (rc == 0)
				fail_msg("'%s' should be refused, got %s/%s", rows[i].path, owner, repo);
			continue;
		}
		if (rc != 0 || strcmp(owner, rows[i].owner) != 0 || strcmp(repo, rows[i].repo) != 0)
			fail_msg("'%s': rc %d, %s/%s", rows[i].path, rc, owner, repo);
	}
	assert_int_equal(jc_github_target_from_path(NULL, owner, repo), JWTCRED_E_INPUT);
	/* the one name rule (the settings, the path, the engine's URL paths) */
	assert_true(jc_github_name_ok("bolt-labs.io_2"));
	assert_false(jc_github_name_ok(".."));
	assert_false(jc_github_name_ok("a/b"));
	assert_false(jc_github_name_ok(""));
	assert_false(jc_github_name_ok(NULL));
	/* bounded: a name longer than GitHub's is refused, not cut */
	memset(longer, 'a', sizeof(longer));
	longer[0] = 'o', longer[1] = '/';
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(jc_github_target_from_path(longer, owner, repo), JWTCRED_E_INPUT);
}

static void test_entry_per_owner(void **state)
{
	struct jwtcred_config *cfg = load_ok(
		"profiles = {\n  gh = {\n    provider = \"github-app\";\n    app_id = \"1\";\n    private_key = \"/k\";\n  };\n"
		"  pinned = {\n    provider = \"github-app\";\n    app_id = \"1\";\n    private_key = \"/k\";\n"
		"    owner = \"acme\";\n  };\n"
		"  byid = {\n    provider = \"github-app\";\n    app_id = \"1\";\n    private_key = \"/k\";\n"
		"    installation_id = \"7\";\n  };\n"
		"  sf = {\n    client_id = \"c\";\n    username = \"u\";\n    private_key = \"/k\";\n  };\n};\n");
	const struct jc_profile *gh = &cfg->profiles[0], *pinned = &cfg->profiles[1];
	const struct jc_profile *byid = &cfg->profiles[2], *sf = &cfg->profiles[3];
	struct jc_target acme = { "acme", "widgets" }, Acme = { "ACME", "gadgets" }, bolt = { "bolt", "x" };
	char a[JC_ENTRY_NAME], b[JC_ENTRY_NAME], c[JC_ENTRY_NAME], plain[JC_ENTRY_NAME];
	char *pa = NULL, *pb = NULL, *pc = NULL, *pp = NULL;
	jwtcred_error err = { "" };

	(void)state;
	/* which owner names the entry: the request's, unless the profile says */
	assert_string_equal(jc_github_entry_owner(gh, &acme), "acme");
	assert_null(jc_github_entry_owner(gh, NULL));
	assert_string_equal(jc_github_entry_owner(pinned, &bolt), "acme");
	assert_null(jc_github_entry_owner(byid, &acme));
	assert_null(jc_github_entry_owner(sf, &acme));
	/* one entry per owner, whatever the case; none of them the ownerless one */
	assert_int_equal(jc_cache_key_for(gh, "acme", &pa, a), 0);
	assert_int_equal(jc_cache_key_for(gh, Acme.owner, &pb, b), 0);
	assert_int_equal(jc_cache_key_for(gh, bolt.owner, &pc, c), 0);
	assert_int_equal(jc_cache_key(gh, &pp, plain), 0);
	assert_string_equal(a, b);
	assert_string_equal(pa, pb);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, plain);
	assert_true(tu_contains(pc, "\"bolt\""));
	{
		/* each owner's entry is its profile's (purge --revoke), another profile's is not */
		struct jc_entry e = { 0 };
		bool same = false;
		e.params = pc;
		assert_int_equal(jc_cache_entry_matches(gh, c, &e, &same), 0);
		assert_true(same);
		assert_int_equal(jc_cache_entry_matches(gh, a, &e, &same), 0);
		assert_false(same);
		assert_int_equal(jc_cache_entry_matches(pinned, c, &e, &same), 0);
		assert_false(same);
	}
	free(pa), free(pb), free(pc), free(pp);
	pa = pb = pp = NULL;
	/* another installation, or another narrowing, is another token */
	assert_int_equal(jc_cache_key(byid, &pa, a), 0);
	free(cfg->profiles[2].installation_id);
	cfg->profiles[2].installation_id = strdup("8");
	assert_int_equal(jc_cache_key(byid, &pb, b), 0);
	assert_string_not_equal(a, b);
	free(cfg->profiles[2].permissions);
	cfg->profiles[2].permissions = strdup("{\"contents\":\"read\"}");
	assert_int_equal(jc_cache_key(byid, &pp, plain), 0);
	assert_string_not_equal(b, plain);
	free(pa), free(pb), free(pp);
	pa = pp = NULL;
	/* other profiles keep their names: no owner, no change */
	assert_int_equal(jc_cache_key_for(sf, NULL, &pa, a), 0);
	assert_int_equal(jc_cache_key(sf, &pp, plain), 0);
	assert_string_equal(a, plain);
	free(pa), free(pp);
	/* without owner, installation_id or a path: one error that names the fixes */
	assert_int_equal(jc_github_target_check(gh, NULL, &err), JWTCRED_E_CONFIG);
	assert_true(tu_contains(err.text, "credential.useHttpPath true"));
	assert_true(tu_contains(err.text, "'owner'"));
	assert_true(tu_contains(err.text, "'installation_id'"));
	assert_int_equal(jc_github_target_check(gh, &acme, &err), 0);
	assert_int_equal(jc_github_target_check(pinned, NULL, &err), 0);
	assert_int_equal(jc_github_target_check(sf, NULL, &err), 0);
	jc_conf_free(cfg);
}

static void test_rfc3339(void **state)
{
	static const struct {
		const char *text;
		long long t;
	} rows[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2016-07-11T22:14:10Z", 1468275250 },
		{ "2016-07-11t22:14:10z", 1468275250 },
		{ "2016-07-11T22:14:10.123456Z", 1468275250 },
		{ "2016-07-12T00:14:10+02:00", 1468275250 },
		{ "2016-07-11T17:14:10-05:00", 1468275250 },
		{ "2024-02-29T12:00:00Z", 1709208000 },
		{ "9999-12-31T23:59:59Z", 253402300799LL },
		{ "2016-07-11 22:14:10Z", -1 },
		{ "2016-07-11T22:14:10", -1 },
		{ "2016-07-11T22:14:10.Z", -1 },
		{ "2016-13-11T22:14:10Z", -1 },
		{ "2016-04-31T22:14:10Z", -1 },
		{ "2023-02-29T12:00:00Z", -1 },
		{ "2016-07-11T24:00:00Z", -1 },
		{ "2016-07-11T22:14:10+2:00", -1 },
		{ "2016-07-11T22:14:10Zjunk", -1 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "+2016-07-11T22:14:10Z", -1 },
		{ "", -1 },
	};
	long long t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = jc_rfc3339_parse(rows[i].text, &t);
		if ((rows[i].t < 0 ? rc == 0 : rc != 0 || t != rows[i].t))
			fail_msg("'%s': rc %d, %lld, want %lld", rows[i].text, rc, t, rows[i].t);
	}
	assert_int_equal(jc_rfc3339_parse(NULL, &t), -1);
}

static void test_token_answer(void **state)
{
	struct jc_answer a;
	jwtcred_error err = { "" };
	char body[12000];
	const long long now = 1468275250 - 3600;

	(void)state;
	assert_int_equal(PARSE("{\"token\":\"ghs_abc\",\"expires_at\":\"2016-07-11T22:14:10Z\"}", now), 0);
	assert_string_equal(a.access_token, "ghs_abc");
	assert_int_equal(a.expires_in, 3600);
	jc_answer_clear(&a);
	/* no length assumed: a long token is fine, up to the bound */
	snprintf(body, sizeof(body), "{\"token\":\"ghs_%08000d\"}", 0);
	assert_int_equal(jc_github_parse_token(201, body, strlen(body), now, &a, &err), 0);
	assert_int_equal(strlen(a.access_token), 8004);
	assert_int_equal(a.expires_in, -1);
	jc_answer_clear(&a);
	snprintf(body, sizeof(body), "{\"token\":\"ghs_%08200d\"}", 0);
	assert_int_not_equal(jc_github_parse_token(201, body, strlen(body), now, &a, &err), 0);
	assert_true(tu_contains(err.text, "no usable token"));
	assert_int_not_equal(PARSE("{\"token\":\"a b\"}", now), 0);
	assert_int_not_equal(PARSE("{\"token\":\"\"}", now), 0);
	assert_int_not_equal(PARSE("[]", now), 0);
	assert_int_not_equal(PARSE("{\"token\":\"t\",\"expires_at\":\"soon\"}", now), 0);
	assert_true(tu_contains(err.text, "not an RFC 3339 time"));
	assert_int_not_equal(PARSE("{\"token\":\"t\",\"expires_at\":\"2016-07-11T22:14:10Z\"}", 1468275250 + 5), 0);
	assert_true(tu_contains(err.text, "check this machine's clock"));
	assert_null(a.access_token);
	/* an installation token lives 1 h: more than that (and 5 min of skew) is refused, not cached */
	assert_int_equal(PARSE("{\"token\":\"t\",\"expires_at\":\"2016-07-11T22:14:10Z\"}", 1468275250 - 3900), 0);
	assert_int_equal(a.expires_in, 3900);
	jc_answer_clear(&a);
	assert_int_not_equal(PARSE("{\"token\":\"t\",\"expires_at\":\"2016-07-11T22:14:10Z\"}", 1468275250 - 3901), 0);
	assert_true(tu_contains(err.text, "3901 s from now: an installation token lives 1 hour"));
	assert_false(tu_contains(err.text, "not an RFC 3339 time"));
	assert_null(a.access_token);
	assert_int_not_equal(PARSE("{\"token\":\"t\",\"expires_at\":\"2017-07-11T22:14:10Z\"}", now), 0);
	assert_true(tu_contains(err.text, "an installation token lives 1 hour"));
	assert_false(tu_contains(err.text, "not an RFC 3339 time"));
	/* in the past, or now */
	assert_int_not_equal(PARSE("{\"token\":\"t\",\"expires_at\":\"2016-07-11T22:14:10Z\"}", 1468275250), 0);
	assert_true(tu_contains(err.text, "before it arrived"));
	assert_int_not_equal(PARSE("{\"token\":\"t\",\"expires_at\":\"1970-01-01T00:00:00Z\"}", now), 0);
	assert_true(tu_contains(err.text, "before it arrived"));
	assert_null(a.access_token);
}

/* The hints: a moved repository, and the 401's clock is the injectable one. */
static void test_hints(void **state)
{
	struct jwtcred_config *cfg = load_ok(HEAD TAIL);
	const struct jc_provider_def *d = jc_provider_of(JC_PROVIDER_GITHUB);
	struct jc_hint_in in = { &cfg->profiles[0], "301", "Moved Permanently", "the repository 'acme/old'", -1, false };
	char buf[512];
	const char *h;

	(void)state;
	h = d->hint(&in, buf, sizeof(buf));
	assert_non_null(h);
	assert_true(tu_contains(h, "the repository 'acme/old' moved"));
	assert_true(tu_contains(h, "use its new URL"));
	in.error = "307";
	assert_non_null(h = d->hint(&in, buf, sizeof(buf)));
	assert_true(tu_contains(h, "use its new URL"));
	in.error = "401";
	jc_clock_set(1468275250);
	h = d->hint(&in, buf, sizeof(buf));
	jc_clock_set(0);
	assert_non_null(h);
	assert_true(tu_contains(h, "UTC here 2016-07-11T22:14:10Z"));
	assert_true(tu_contains(h, "the server's Date not sent"));
	jc_conf_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_bad_settings),
		cmocka_unit_test(test_target_from_path),
		cmocka_unit_test(test_entry_per_owner),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_token_answer),
		cmocka_unit_test(test_hints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
