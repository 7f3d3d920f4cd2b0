/*
 * test_conf_broken.c: one bad profile does not disable the others.  A
 * mistake inside a profile's group keeps that profile as broken, with its
 * name, line and error; the others load.  Asked for by name, or chosen by
 * its urls, a broken profile answers with its error and never lets the
 * request fall through to a profile it was meant to shadow.  A syntax
 * error or a top-level mistake still fails the whole file.
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

#include "core/allow.h"
#include "core/conf.h"
#include "core/trace.h"
#include "testutil.h"

#define NAME "t.conf"
#define GOOD(name, urls) \
	"  " name " = { client_id = \"c\"; username = \"u\"; private_key = \"/k\"; urls = [ " urls " ]; };\n"

/* One good profile "a", then the broken profile "b" of each row (line 3). */
static const struct {
	const char *what;
	const char *b;     /* profile b's lines, from line 3 */
	int line;          /* the line b's error names */
	const char *want;  /* in b's error */
	bool urls_known;
	size_t nurls;
} rows[] = {
	{ "unknown setting",
	  "  b = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"
	  "        frobnicate = 1; urls = [ \"https://b.example.com\" ]; };\n",
	  4, "unknown setting 'frobnicate' in profile 'b'", true, 1 },
	{ "wrong type",
	  "  b = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"
	  "        urls = [ \"https://b.example.com\" ];\n"
	  "        timeout = \"30\"; };\n",
	  5, "'timeout' in profile 'b' must be an integer", true, 1 },
	{ "bad URL in urls: read on its own, it still shadows (its error, never a token)",
	  "  b = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"
	  "        urls = [ \"http://b.example.com\" ]; };\n",
	  4, "not https", true, 0 },
	{ "urls not a list: b cannot be matched",
	  "  b = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"
	  "        urls = \"https://b.example.com\"; };\n",
	  4, "must be a list", false, 0 },
	{ "unknown provider",
	  "  b = { provider = \"github\"; urls = [ \"https://b.example.com\" ]; };\n",
	  3, "unknown provider 'github' in profile 'b'", true, 1 },
	{ "a provider's check",
	  "  b = { client_id = \"c\"; username = \"u\";\n"
	  "        urls = [ \"https://b.example.com\" ]; };\n",
	  3, "profile 'b' has no 'private_key' (required)", true, 1 },
	{ "finish_profile: margin and lifetime",
	  "  b = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"
	  "        refresh_margin = 900; urls = [ \"https://b.example.com\" ]; };\n",
	  4, "'refresh_margin' (900) in profile 'b' must be shorter than 'token_lifetime' (900)", true, 1 },
#ifdef HAVE_HIREDIS
	{ "cache = false with its own shared_cache: only b",
	  "  b = { client_id = \"c\"; username = \"u\"; private_key = \"/k\"; cache = false;\n"
	  "        shared_cache = { url = \"redis://10.0.0.5\"; }; urls = [ \"https://b.example.com\" ]; };\n",
	  4, "shared_cache of profile 'b' needs the local cache", true, 1 },
#endif
	{ "not a group", "  b = 5;\n", 3, "profile 'b' must be a group", false, 0 },
	{ "no urls: known, empty",
	  "  b = { client_id = \"c\"; private_key = \"/k\"; };\n",
	  3, "profile 'b' has no 'username'", true, 0 },
	{ "github-app without urls: its default urls",
	  "  b = { provider = \"github-app\"; private_key = \"/k\"; };\n",
	  3, "profile 'b'", true, 2 },
	{ "github-app, the default api_url written out: its default urls",
	  "  b = { provider = \"github-app\"; private_key = \"/k\"; api_url = \"https://api.github.com\"; };\n",
	  3, "profile 'b'", true, 2 },
	{ "github-app, the default api_url in another spelling: its default urls",
	  "  b = { provider = \"github-app\"; private_key = \"/k\"; api_url = \"https://API.GitHub.com:443/\"; };\n",
	  3, "profile 'b'", true, 2 },
	{ "github-app, another api_url and no urls: unknown",
	  "  b = { provider = \"github-app\"; private_key = \"/k\"; api_url = \"https://ghe.example.com/api/v3\"; };\n",
	  3, "profile 'b'", false, 0 },
};

static void test_broken_rows(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[2048], where[32];
		struct jwtcred_config *cfg = NULL;
		const struct jc_profile *p = NULL;
		jwtcred_error err = { "" };
		const struct jc_broken *b;
		int rc;

		snprintf(text, sizeof(text), "profiles = {\n" GOOD("a", "\"https://a.example.com\"") "%s};\n",
		         rows[i].b);
		snprintf(where, sizeof(where), "'" NAME "':%d: ", rows[i].line);
		rc = jc_conf_load_string(text, NAME, &cfg, &err);
		if (rc != JWTCRED_OK) {
			print_error("%s: the load failed: %s\n", rows[i].what, err.text);
			bad++;
			continue;
		}
		b = cfg->nbroken == 1 ? &cfg->broken[0] : NULL;
		if (cfg->nprofiles != 1 || strcmp(cfg->profiles[0].name, "a") != 0 || !b ||
		    strcmp(b->name, "b") != 0 || b->line != 3 || strncmp(b->error, where, strlen(where)) != 0 ||
		    !tu_contains(b->error, rows[i].want) || tu_has_control(b->error) ||
		    b->urls_known != rows[i].urls_known || b->nurls != rows[i].nurls) {
			print_error("%s: want a good and b broken at %s... %s (urls %d, %zu)\n  got: %zu good, %zu broken: %s (urls %d, %zu)\n",
			            rows[i].what, where, rows[i].want, rows[i].urls_known, rows[i].nurls,
			            cfg->nprofiles, cfg->nbroken, b ? b->error : "-", b ? b->urls_known : -1,
			            b ? b->nurls : 0);
			bad++;
		}
		/* by name: a is served, b answers with its error */
		if (jc_conf_profile(cfg, "a", &p, &err) != JWTCRED_OK || p != &cfg->profiles[0] ||
		    jc_conf_profile(cfg, "b", &p, &err) != JWTCRED_E_CONFIG || p ||
		    (b && strcmp(err.text, b->error) != 0)) {
			print_error("%s: lookup by name: %s\n", rows[i].what, err.text);
			bad++;
		}
		jc_conf_free(cfg);
	}
	assert_int_equal(bad, 0);
}

/* Which profile, or which error, each request gets. */
static const char match_text[] =
	"profiles = {\n"
	GOOD("wide", "\"https://git.example.com\"")                             /* 2 */
	"  team = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"  /* 3 */
	"           urls = [ \"https://git.example.com/team\" ]; frobnicate = 1; };\n"
	"  early = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n" /* 5 */
	"            urls = [ \"https://tie.example.com\" ]; timeout = \"x\"; };\n"
	GOOD("tie", "\"https://tie.example.com\"")                              /* 7 */
	GOOD("tie2", "\"https://tie2.example.com\"")                            /* 8 */
	"  late = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"  /* 9 */
	"           urls = [ \"https://tie2.example.com\" ]; cache = 1; };\n"
	"  after = { client_id = \"c\"; username = \"u\"; private_key = \"/k\"; jti = 2;\n" /* 11 */
	"            urls = [ \"https://after.example.com\" ]; };\n"
	"  unread = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n" /* 13 */
	"             urls = \"http://unread.example.com\"; };\n"
	GOOD("fallback", "\"https://*.example.net\"")                            /* 15 */
	"  exact = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n" /* 16 */
	"            urls = [ \"https://www.example.net\" ]; scope = 5; };\n"
	"};\n";

static const struct {
	const char *host;
	const char *path;
	const char *only;
	int rc;
	const char *want; /* the profile's name, or words of the error */
} match_rows[] = {
	{ "git.example.com", "other/x.git", NULL, JWTCRED_OK, "wide" },
	/* the broken team profile covers it more specifically: its error, not wide */
	{ "git.example.com", "team/x.git", NULL, JWTCRED_E_CONFIG, "'" NAME "':4: unknown setting 'frobnicate' in profile 'team'" },
	{ "git.example.com", "team/x.git", "wide", JWTCRED_OK, "wide" },      /* only restricts */
	{ "git.example.com", "team/x.git", "team", JWTCRED_E_CONFIG, "'frobnicate'" },
	/* a tie goes to the first in the file: broken early before good tie */
	{ "tie.example.com", NULL, NULL, JWTCRED_E_CONFIG, "'" NAME "':6: 'timeout' in profile 'early'" },
	{ "tie.example.com", NULL, "tie", JWTCRED_OK, "tie" },
	/* good tie2 before broken late: tie2, as it would be if late were good */
	{ "tie2.example.com", NULL, NULL, JWTCRED_OK, "tie2" },
	/* urls after the mistake are read all the same */
	{ "after.example.com", NULL, NULL, JWTCRED_E_CONFIG, "'jti' in profile 'after'" },
	/* exact host of a broken profile beats a good wildcard */
	{ "www.example.net", NULL, NULL, JWTCRED_E_CONFIG, "'scope' in profile 'exact'" },
	{ "api.example.net", NULL, NULL, JWTCRED_OK, "fallback" },
	/* unread urls: nothing matches it; the answer names the broken profiles */
	{ "unread.example.com", NULL, NULL, JWTCRED_E_NOPROFILE,
	  "no profile allows this URL; broken, so not considered: 'team', 'early', 'late', 'after', 'unread' (its urls could not be read), 'exact'" },
	{ "unread.example.com", NULL, "unread", JWTCRED_E_NOPROFILE, "'unread' (its urls could not be read)" },
	{ "evil.example.org", NULL, "wide", JWTCRED_E_NOPROFILE, "no profile allows this URL" },
};

static char warned[1024];

static void catch_warning(const char *msg)
{
	snprintf(warned, sizeof(warned), "%s", msg);
}

static void test_broken_match(void **state)
{
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };
	size_t i;
	int bad = 0;

	(void)state;
	assert_int_equal(jc_conf_load_string(match_text, NAME, &cfg, &err), JWTCRED_OK);
	assert_int_equal(cfg->nprofiles, 4);
	assert_int_equal(cfg->nbroken, 6);
	jc_warn_set(catch_warning);
	for (i = 0; i < sizeof(match_rows) / sizeof(match_rows[0]); i++) {
		const struct jc_profile *p = (const struct jc_profile *)"unset", *q;
		struct jc_request req;
		int rc;

		assert_int_equal(jc_request_from_parts("https", match_rows[i].host, match_rows[i].path, &req), 0);
		err.text[0] = '\0';
		warned[0] = '\0';
		rc = jc_allowed_lookup(cfg, match_rows[i].only, &req, &p, &err);
		q = jc_allowed_profile(cfg, match_rows[i].only, &req);
		if (rc != match_rows[i].rc ||
		    (rc == JWTCRED_OK ? !p || strcmp(p->name, match_rows[i].want) != 0 || q != p
		                      : p != NULL || q != NULL || !tu_contains(err.text, match_rows[i].want)) ||
		    /* the fronts hear a broken profile's error as a warning, and only then */
		    (rc == JWTCRED_E_CONFIG) != (warned[0] != '\0') ||
		    (rc == JWTCRED_E_CONFIG && !tu_contains(warned, err.text))) {
			print_error("%s/%s only=%s: want %d %s\n  got: %d %s (warned: %s)\n", match_rows[i].host,
			            match_rows[i].path ? match_rows[i].path : "",
			            match_rows[i].only ? match_rows[i].only : "-", match_rows[i].rc,
			            match_rows[i].want, rc, rc == JWTCRED_OK && p ? p->name : err.text, warned);
			bad++;
		}
		jc_request_clear(&req);
	}
	jc_warn_set(NULL);
	jc_conf_free(cfg);
	assert_int_equal(bad, 0);
}

/* No name: the only profile, unless it is broken; with more, choose. */
static void test_broken_lookup_without_name(void **state)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	jwtcred_error err = { "" };

	(void)state;
	assert_int_equal(jc_conf_load_string("profiles = {\n  only = { client_id = \"c\"; };\n};\n", NAME,
	                                     &cfg, &err), JWTCRED_OK);
	assert_int_equal(cfg->nprofiles, 0);
	assert_int_equal(jc_conf_profile(cfg, NULL, &p, &err), JWTCRED_E_CONFIG);
	assert_null(p);
	assert_string_equal(err.text, "'" NAME "':2: profile 'only' has no 'username' (required)");
	jc_conf_free(cfg);

	assert_int_equal(jc_conf_load_string("profiles = {\n" GOOD("a", "\"https://a.example.com\"")
	                                     "  b = { client_id = \"c\"; };\n};\n", NAME, &cfg, &err),
	                 JWTCRED_OK);
	assert_int_equal(jc_conf_profile(cfg, NULL, &p, &err), JWTCRED_E_NOPROFILE);
	assert_string_equal(err.text, "'" NAME "' has 2 profiles: choose one with --profile NAME (known: a, b (broken))");
	assert_int_equal(jc_conf_profile(cfg, "c", &p, &err), JWTCRED_E_NOPROFILE);
	assert_string_equal(err.text, "no profile 'c' in '" NAME "' (known: a, b (broken))");
	jc_conf_free(cfg);
}

/* Mistakes of the file itself still fail it as a whole: nothing can be trusted. */
static void test_file_errors_fail_all(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} fatal[] = {
		{ "profiles = {\n" GOOD("a", "\"https://a.example.com\"") "  b = { timeout = ; };\n};\n", "syntax error" },
		{ "profiles = {\n" GOOD("a", "\"https://a.example.com\"") "};\nother = 1;\n",
		  "'" NAME "':4: unknown top-level setting 'other'" },
		{ "profiles = 5;\n", "'profiles' must be a group" },
		{ "profiles = { };\n", "'profiles' is empty" },
		{ "# nothing\n", "no 'profiles' group" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		struct jwtcred_config *cfg = (struct jwtcred_config *)"unset";
		jwtcred_error err = { "" };

		assert_int_equal(jc_conf_load_string(fatal[i].text, NAME, &cfg, &err), JWTCRED_E_CONFIG);
		assert_null(cfg);
		if (!tu_contains(err.text, fatal[i].want))
			fail_msg("row %zu: want %s, got %s", i, fatal[i].want, err.text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken_rows),
		cmocka_unit_test(test_broken_match),
		cmocka_unit_test(test_broken_lookup_without_name),
		cmocka_unit_test(test_file_errors_fail_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
