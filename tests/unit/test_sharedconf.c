/*
 * test_sharedconf.c: the shared_cache groups (core/sharedconf.c).  Table
 * driven: good urls and what they parse to, bad ones and why (rediss://
 * refused), the top-level default, a profile's own group replacing it
 * whole, shared_cache = false opting out, and errors with their file and
 * line.  A build without hiredis must refuse any shared_cache group with
 * one clear line.
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

#include "core/conf.h"
#include "core/sharedconf.h"
#include "testutil.h"

#define NAME "t.conf"

/* A profile on lines 2..5 of a text whose line 1 is `top`. */
#define PROFILE(extra)                                  \
	"profiles = {\n"                                \
	"  prod = {\n"                                  \
	"    client_id = \"3MVG9example\"; username = \"ci@example.com\";\n" \
	"    private_key = \"/keys/prod.key\";\n"       \
	extra                                           \
	"  };\n"                                        \
	"  dev = {\n"                                   \
	"    client_id = \"3MVG9dev\"; username = \"dev@example.com\";\n" \
	"    private_key = \"/keys/dev.key\";\n"        \
	"  };\n"                                        \
	"};\n"

struct good_url {
	const char *url;
	enum jc_shared_scheme scheme;
	const char *host; /* or the socket */
	int port, db;
};

static const struct good_url good_urls[] = {
	{ "redis://127.0.0.1:6379/0", JC_SHARED_TCP, "127.0.0.1", 6379, 0 },
	{ "redis://", JC_SHARED_TCP, "127.0.0.1", 6379, 0 },
	{ "redis://redis.internal", JC_SHARED_TCP, "redis.internal", 6379, 0 },
	{ "redis://redis.internal/", JC_SHARED_TCP, "redis.internal", 6379, 0 },
	{ "redis://r-1.example.com:7000/3", JC_SHARED_TCP, "r-1.example.com", 7000, 3 },
	{ "redis://:6380", JC_SHARED_TCP, "127.0.0.1", 6380, 0 },
	{ "redis://[::1]:6379/2", JC_SHARED_TCP, "::1", 6379, 2 },
	{ "unix:///run/redis/redis.sock", JC_SHARED_UNIX, "/run/redis/redis.sock", 0, 0 },
	{ "unix:///tmp/r.sock?db=5", JC_SHARED_UNIX, "/tmp/r.sock", 0, 5 },
};

struct bad_url {
	const char *url;
	const char *why; /* a part of the message */
};

static const struct bad_url bad_urls[] = {
	{ "rediss://redis.example.com:6380", "no TLS" },
	{ "http://127.0.0.1:6379", "is not a redis://" },
	{ "redis://user:pw@127.0.0.1", "password_file" },
	{ "redis://127.0.0.1:0", "port" },
	{ "redis://127.0.0.1:65536", "port" },
	{ "redis://127.0.0.1:63x9", "port" },
	{ "redis://127.0.0.1/x", "database" },
	{ "redis://127.0.0.1/1/2", "database" },
	{ "redis://127.0.0.1?db=1", "no query" },
	{ "redis://bad host", "not a host name" },
	{ "redis://[::1", "']'" },
	{ "unix://relative.sock", "absolute path" },
	{ "unix:///tmp/r.sock?database=1", "'?db=N'" },
	{ "unix:///tmp/r.sock?db=x", "'?db=N'" },
	{ "redis://127.0.0.1\n", "control character" },
};

static void test_good_urls(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_urls) / sizeof(good_urls[0]); i++) {
		const struct good_url *t = &good_urls[i];
		struct jc_shared_cache c = { 0 };
		jwtcred_error err = { "" };
		int rc = jc_shared_url_parse(t->url, &c, &err);

		if (rc)
			print_error("%s: %s\n", t->url, err.text);
		assert_int_equal(rc, JWTCRED_OK);
		assert_int_equal(c.scheme, t->scheme);
		assert_string_equal(t->scheme == JC_SHARED_TCP ? c.host : c.socket, t->host);
		if (t->scheme == JC_SHARED_TCP)
			assert_int_equal(c.port, t->port);
		assert_int_equal(c.db, t->db);
		free(c.host);
		free(c.socket);
	}
}

static void test_bad_urls(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
		const struct bad_url *t = &bad_urls[i];
		struct jc_shared_cache c = { 0 };
		jwtcred_error err = { "" };
		int rc = jc_shared_url_parse(t->url, &c, &err);

		if (rc != JWTCRED_E_CONFIG || !strstr(err.text, t->why))
			print_error("%s: rc %d, '%s' (wanted '%s')\n", t->url, rc, err.text, t->why);
		assert_int_equal(rc, JWTCRED_E_CONFIG);
		assert_non_null(strstr(err.text, t->why));
		free(c.host);
		free(c.socket);
	}
}

#ifdef HAVE_HIREDIS

static struct jwtcred_config *load_ok(const char *text)
{
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };
	int rc = jc_conf_load_string(text, NAME, &cfg, &err);

	if (rc != JWTCRED_OK)
		print_error("unexpected error %d: %s\n", rc, err.text);
	assert_int_equal(rc, JWTCRED_OK);
	return cfg;
}

static void test_top_level_default(void **state)
{
	struct jwtcred_config *cfg = load_ok(
		"shared_cache = { url = \"redis://10.0.0.5:6390/1\"; username = \"jwtcred\";\n"
		"  password_file = \"/etc/jwtcred/redis.pass\"; timeout = 250; };\n" PROFILE(""));
	size_t i;

	(void)state;
	assert_non_null(cfg->shared);
	for (i = 0; i < 2; i++) {
		const struct jc_shared_cache *c = cfg->profiles[i].shared;
		assert_non_null(c);
		assert_ptr_not_equal(c, cfg->shared); /* each profile has its own copy */
		assert_string_equal(c->url, "redis://10.0.0.5:6390/1");
		assert_string_equal(c->host, "10.0.0.5");
		assert_int_equal(c->port, 6390);
		assert_int_equal(c->db, 1);
		assert_string_equal(c->username, "jwtcred");
		assert_string_equal(c->password_file, "/etc/jwtcred/redis.pass");
		assert_string_equal(c->key_prefix, "jwtcred:"); /* the default */
		assert_int_equal(c->timeout_ms, 250);
		assert_null(c->secret_file);
	}
	jc_conf_free(cfg);
}

static void test_profile_override_and_opt_out(void **state)
{
	struct jwtcred_config *cfg = load_ok(
		"shared_cache = { url = \"redis://10.0.0.5\"; username = \"jwtcred\"; timeout = 250; };\n"
		"profiles = {\n"
		"  prod = { client_id = \"a\"; username = \"a@example.com\"; private_key = \"/k/a\";\n"
		"    shared_cache = { url = \"unix:///run/redis.sock?db=2\"; key_prefix = \"ci:\";\n"
		"                     secret_file = \"/etc/jwtcred/fleet.secret\"; }; };\n"
		"  dev = { client_id = \"b\"; username = \"b@example.com\"; private_key = \"/k/b\";\n"
		"    shared_cache = false; };\n"
		"  other = { client_id = \"c\"; username = \"c@example.com\"; private_key = \"/k/c\"; };\n"
		"};\n");
	const struct jc_shared_cache *c;

	(void)state;
	c = cfg->profiles[0].shared;
	assert_non_null(c);
	/* the whole group replaces the top-level one: no username, default timeout */
	assert_int_equal(c->scheme, JC_SHARED_UNIX);
	assert_string_equal(c->socket, "/run/redis.sock");
	assert_int_equal(c->db, 2);
	assert_null(c->username);
	assert_string_equal(c->key_prefix, "ci:");
	assert_int_equal(c->timeout_ms, JC_SHARED_DEFAULT_TIMEOUT_MS);
	assert_string_equal(c->secret_file, "/etc/jwtcred/fleet.secret");
	assert_null(cfg->profiles[1].shared);
	assert_true(cfg->profiles[1].shared_set);
	assert_non_null(cfg->profiles[2].shared);
	assert_string_equal(cfg->profiles[2].shared->host, "10.0.0.5");
	jc_conf_free(cfg);
}

static void test_no_shared_cache(void **state)
{
	struct jwtcred_config *cfg = load_ok(PROFILE(""));

	(void)state;
	assert_null(cfg->shared);
	assert_null(cfg->profiles[0].shared);
	assert_null(cfg->profiles[1].shared);
	jc_conf_free(cfg);
}

static void test_relative_and_home_paths(void **state)
{
	struct jwtcred_config *cfg;

	(void)state;
	setenv("HOME", "/home/ci", 1);
	cfg = load_ok("shared_cache = { url = \"redis://\"; password_file = \"~/.config/jwtcred/redis.pass\"; };\n"
	              PROFILE(""));
	assert_string_equal(cfg->shared->password_file, "/home/ci/.config/jwtcred/redis.pass");
	jc_conf_free(cfg);
}

struct bad_conf {
	const char *text;
	const char *message; /* the whole message, or a part of it after the line */
	bool in_profile;     /* a mistake in a profile's group: that profile alone is broken */
};

static const struct bad_conf bad_confs[] = {
	{ "shared_cache = { url = \"rediss://r:6380\"; };\n" PROFILE(""),
	  "'t.conf':1: 'url' in shared_cache rediss:// is not supported: this jwtcred's hiredis has no TLS" },
	{ "shared_cache = { username = \"x\"; };\n" PROFILE(""),
	  "'t.conf':1: shared_cache has no 'url'" },
	{ "shared_cache = \"redis://x\";\n" PROFILE(""),
	  "'t.conf':1: shared_cache must be a group" },
	{ "shared_cache = { url = \"redis://\"; timeout = 0; };\n" PROFILE(""),
	  "'t.conf':1: 'timeout' in shared_cache must be between 1 and 10000" },
	{ "shared_cache = { url = \"redis://\"; timeout = 10001; };\n" PROFILE(""),
	  "'t.conf':1: 'timeout' in shared_cache must be between 1 and 10000" },
	{ "shared_cache = { url = \"redis://\"; timeout = \"1s\"; };\n" PROFILE(""),
	  "'t.conf':1: 'timeout' in shared_cache must be an integer" },
	{ "shared_cache = { url = \"redis://\";\n key_prefix = \"a b\"; };\n" PROFILE(""),
	  "'t.conf':2: 'key_prefix' in shared_cache must be printable ASCII" },
	{ "shared_cache = { url = \"redis://\";\n key_prefix = \"jwt*\"; };\n" PROFILE(""),
	  "'t.conf':2: 'key_prefix' in shared_cache must be printable ASCII" },
	{ "shared_cache = { url = \"redis://\"; key_prefix = "
	  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"; };\n" PROFILE(""),
	  "'t.conf':1: 'key_prefix' in shared_cache must be printable ASCII" },
	{ "shared_cache = { url = \"redis://\"; password = \"x\"; };\n" PROFILE(""),
	  "'t.conf':1: 'password' in shared_cache is not a shared_cache setting" },
	{ "shared_cache = { url = \"redis://\"; username = \"\"; };\n" PROFILE(""),
	  "'t.conf':1: 'username' in shared_cache is empty" },
	{ PROFILE("    shared_cache = {\n      url = \"redis://u:p@h\"; };\n"),
	  "'t.conf':6: 'url' in shared_cache of profile 'prod' the url holds a user or password", true },
	{ PROFILE("    shared_cache = true;\n"),
	  "'t.conf':5: shared_cache of profile 'prod' is true: write a group", true },
	{ PROFILE("    shared_cache = { url = \"redis://\"; };\n    cache = false;\n"),
	  "'t.conf':5: shared_cache of profile 'prod' needs the local cache", true },
	{ PROFILE("    shared_cach = { url = \"redis://\"; };\n"),
	  "'t.conf':5: unknown setting 'shared_cach' in profile 'prod' (did you mean 'shared_cache'?)", true },
};

static void test_bad_confs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_confs) / sizeof(bad_confs[0]); i++) {
		struct jwtcred_config *cfg = NULL;
		jwtcred_error err = { "" };
		int rc = jc_conf_load_string(bad_confs[i].text, NAME, &cfg, &err);
		const char *text = err.text;

		if (bad_confs[i].in_profile && rc == 0 && cfg && cfg->nbroken == 1)
			text = cfg->broken[0].error;
		if (rc != (bad_confs[i].in_profile ? 0 : JWTCRED_E_CONFIG) ||
		    strncmp(text, bad_confs[i].message, strlen(bad_confs[i].message)) != 0)
			print_error("case %zu: rc %d, '%s'\n", i, rc, text);
		if (bad_confs[i].in_profile) {
			assert_int_equal(rc, 0);
			assert_non_null(cfg);
			assert_int_equal(cfg->nbroken, 1);
		} else {
			assert_int_equal(rc, JWTCRED_E_CONFIG);
			assert_null(cfg);
		}
		assert_int_equal(strncmp(text, bad_confs[i].message, strlen(bad_confs[i].message)), 0);
		jc_conf_free(cfg);
	}
}

#else /* no hiredis: any shared_cache group is one clear error; false is fine */

static void test_built_without_redis(void **state)
{
	static const char *const texts[] = {
		"shared_cache = { url = \"redis://127.0.0.1\"; };\n" PROFILE(""),
		PROFILE("    shared_cache = { url = \"redis://127.0.0.1\"; };\n"),
	};
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(jc_conf_load_string(texts[i], NAME, &cfg, &err), JWTCRED_E_CONFIG);
		assert_non_null(strstr(err.text, "built without Redis support: rebuild it with libhiredis-dev installed"));
	}
	assert_int_equal(jc_conf_load_string(PROFILE("    shared_cache = false;\n"), NAME, &cfg, &err),
	                 JWTCRED_OK);
	assert_null(cfg->profiles[0].shared);
	jc_conf_free(cfg);
}

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_urls),
		cmocka_unit_test(test_bad_urls),
#ifdef HAVE_HIREDIS
		cmocka_unit_test(test_top_level_default),
		cmocka_unit_test(test_profile_override_and_opt_out),
		cmocka_unit_test(test_no_shared_cache),
		cmocka_unit_test(test_relative_and_home_paths),
		cmocka_unit_test(test_bad_confs),
#else
		cmocka_unit_test(test_built_without_redis),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
