/*
 * test_secret.c: the one rule for secrets in memory.  jc_wipe zeroes
 * exactly what it is given; jc_json_wipe zeroes the string inside the
 * jansson object (all of it, a NUL inside too) and leaves anything else
 * alone; jc_secret_equal; jc_answer_init and jc_answer_clear.
 *
 * free() is wrapped (-Wl,--wrap=free, for the core's objects linked in
 * here) so that a test can see what a watched buffer held when it was
 * freed: a secret freed without being wiped fails.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/answer.h"
#include "core/cache.h"
#include "core/secret.h"
#include "testutil.h"

/* The buffer being watched, and what it held when it was freed. */
static struct {
	const void *p;
	size_t len;
	bool freed;
	bool zero;
} watch;

void __real_free(void *p);
void __wrap_free(void *p);

void __wrap_free(void *p)
{
	size_t i;

	if (p && p == watch.p) {
		watch.freed = true;
		watch.zero = true;
		for (i = 0; i < watch.len; i++)
			if (((const unsigned char *)p)[i])
				watch.zero = false;
		watch.p = NULL;
	}
	__real_free(p);
}

static char *watched_secret(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	watch.p = p;
	watch.len = strlen(s);
	watch.freed = watch.zero = false;
	return p;
}

static void test_wipe(void **state)
{
	static const struct {
		size_t off, len;
	} rows[] = {
		{ 0, 32 }, { 0, 1 }, { 31, 1 }, { 5, 10 }, { 7, 0 },
	};
	unsigned char buf[32];
	size_t i, j;
	int bad = 0;

	(void)state;
	jc_wipe(NULL, 10); /* NULL is fine */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(buf, 0xa5, sizeof(buf));
		jc_wipe(buf + rows[i].off, rows[i].len);
		for (j = 0; j < sizeof(buf); j++) {
			bool inside = j >= rows[i].off && j < rows[i].off + rows[i].len;
			if (buf[j] != (inside ? 0 : 0xa5)) {
				print_error("row %zu: byte %zu is %#x\n", i, j, buf[j]);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

/* Each way a secret is let go of wipes it first. */
static void clear_free_secret(char *s)
{
	jc_free_secret(s);
}

static void clear_answer(char *s)
{
	struct jc_answer a;

	jc_answer_init(&a);
	a.access_token = s;
	assert_non_null(a.instance_url = strdup("https://na1.my.salesforce.com"));
	assert_non_null(a.id = strdup("https://login.salesforce.com/id/00D/005"));
	assert_non_null(a.scope = strdup("api"));
	assert_non_null(a.audience = strdup("https://login.salesforce.com"));
	assert_non_null(a.subject = strdup("ci@example.com"));
	a.expires_in = 3600;
	jc_answer_clear(&a);
	/* cleared as by jc_answer_init: ready for reuse */
	assert_null(a.access_token);
	assert_null(a.instance_url);
	assert_null(a.id);
	assert_null(a.scope);
	assert_null(a.audience);
	assert_null(a.subject);
	assert_int_equal(a.expires_in, -1);
	jc_answer_clear(&a); /* twice is fine */
}

static void clear_entry(char *s)
{
	struct jc_entry e = { 0 };

	e.token = s;
	assert_non_null(e.profile = strdup("prod"));
	jc_entry_clear(&e);
	assert_null(e.token);
	assert_null(e.profile);
}

static void test_wiped_before_free(void **state)
{
	static const struct {
		const char *what;
		void (*let_go)(char *);
		const char *secret;
	} rows[] = {
		{ "jc_free_secret", clear_free_secret, "00D5g000000abcd!AQ0AQexample.token" },
		{ "jc_free_secret, one byte", clear_free_secret, "x" },
		{ "jc_answer_clear", clear_answer, "00D5g000000abcd!AQ0AQexample.token" },
		{ "jc_entry_clear", clear_entry, "ya29.c.example-google-token" },
	};
	size_t i;
	int bad = 0;

	(void)state;
	jc_free_secret(NULL);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rows[i].let_go(watched_secret(rows[i].secret));
		if (!watch.freed || !watch.zero) {
			print_error("row %zu (%s): %s\n", i, rows[i].what,
			            !watch.freed ? "never freed" : "freed without being wiped");
			bad++;
		}
		watch.p = NULL;
	}
	assert_int_equal(bad, 0);
}

static void test_answer_init(void **state)
{
	struct jc_answer a;

	(void)state;
	memset(&a, 0x5a, sizeof(a)); /* whatever was there */
	jc_answer_init(&a);
	assert_null(a.access_token);
	assert_null(a.instance_url);
	assert_null(a.id);
	assert_null(a.scope);
	assert_null(a.audience);
	assert_null(a.subject);
	assert_int_equal(a.expires_in, -1); /* "none sent", never 0 */
}

/* The object's serialised form: to see that nothing changed. */
static char *dump(const json_t *j)
{
	char *s = j ? json_dumps(j, JSON_SORT_KEYS | JSON_ENCODE_ANY) : strdup("(null)");

	assert_non_null(s);
	return s;
}

static void test_json_wipe(void **state)
{
	static const struct {
		const char *what;
		const char *json;
		const char *key;
		bool wiped;
	} rows[] = {
		{ "a string member", "{\"access_token\":\"s3cr3t-t0ken\",\"token_type\":\"Bearer\"}", "access_token", true },
		{ "an empty string", "{\"access_token\":\"\"}", "access_token", true },
		{ "a NUL inside the string", "{\"access_token\":\"ab\\u0000cdef\"}", "access_token", true },
		{ "the key missing", "{\"token_type\":\"Bearer\"}", "access_token", false },
		{ "a number", "{\"access_token\":12345}", "access_token", false },
		{ "an object", "{\"access_token\":{\"value\":\"s3cr3t\"}}", "access_token", false },
		{ "an array", "{\"access_token\":[\"s3cr3t\"]}", "access_token", false },
		{ "null", "{\"access_token\":null}", "access_token", false },
		{ "true", "{\"access_token\":true}", "access_token", false },
		{ "not an object", "[\"access_token\",\"s3cr3t\"]", "access_token", false },
		{ "a string, not an object", "\"s3cr3t\"", "access_token", false },
		{ "another key's case", "{\"Access_Token\":\"s3cr3t\"}", "access_token", false },
	};
	size_t i, k;
	int bad = 0;

	(void)state;
	jc_json_wipe(NULL, "access_token"); /* NULL is left alone too */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		json_error_t jerr;
		json_t *j = json_loads(rows[i].json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		json_t *v = json_object_get(j, rows[i].key), *other = json_object_get(j, "token_type");
		const char *s = json_string_value(v), *o = json_string_value(other);
		size_t len = json_string_length(v);
		char *before, *after;

		if (!j)
			fail_msg("row %zu: %s", i, jerr.text);
		before = dump(j);
		jc_json_wipe(j, rows[i].key);
		after = dump(j);
		if (rows[i].wiped) {
			/* the very bytes jansson holds, every one of them, and nothing else */
			bool zero = json_string_value(v) == s && json_string_length(v) == len;
			for (k = 0; zero && k < len; k++)
				zero = s[k] == '\0';
			if (!zero || (o && strcmp(o, "Bearer") != 0)) {
				print_error("row %zu (%s): not wiped in place: %s\n", i, rows[i].what, after);
				bad++;
			}
		} else if (strcmp(before, after) != 0) {
			print_error("row %zu (%s): changed: %s -> %s\n", i, rows[i].what, before, after);
			bad++;
		}
		free(before);
		free(after);
		json_decref(j);
	}
	assert_int_equal(bad, 0);
}

static void test_secret_equal(void **state)
{
	static char long_a[4097], long_b[4097];
	static const struct {
		const char *a, *b;
		bool equal;
	} rows[] = {
		{ "", "", true },
		{ NULL, NULL, true },
		{ NULL, "", false },
		{ "", NULL, false },
		{ "a", "a", true },
		{ "00D!AQ0.token", "00D!AQ0.token", true },
		{ "a", "b", false },
		{ "a", "", false },
		{ "", "a", false },
		{ "token", "toke", false },       /* a prefix */
		{ "toke", "token", false },
		{ "token", "token\x01", false },
		{ "tokeN", "token", false },      /* case counts */
		{ "\xff\x01", "\xff\x02", false },/* high bytes */
		{ "\x80", "\x80", true },
		{ "ab", "ba", false },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (jc_secret_equal(rows[i].a, rows[i].b) != rows[i].equal ||
		    jc_secret_equal(rows[i].b, rows[i].a) != rows[i].equal) {
			print_error("row %zu: '%s' '%s': want %d\n", i, rows[i].a, rows[i].b, rows[i].equal);
			bad++;
		}
	}
	/* long ones, differing only in the last byte */
	memset(long_a, 'x', sizeof(long_a) - 1);
	memset(long_b, 'x', sizeof(long_b) - 1);
	assert_true(jc_secret_equal(long_a, long_b));
	long_b[sizeof(long_b) - 2] = 'y';
	assert_false(jc_secret_equal(long_a, long_b));
	/* 512 and 256 bytes: lengths that agree in their low byte */
	long_b[sizeof(long_b) - 2] = 'x';
	long_b[256] = '\0';
	long_a[512] = '\0';
	assert_false(jc_secret_equal(long_a, long_b));
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wipe),
		cmocka_unit_test(test_wiped_before_free),
		cmocka_unit_test(test_answer_init),
		cmocka_unit_test(test_json_wipe),
		cmocka_unit_test(test_secret_equal),
	};

	return cmocka_run_group_tests_name("secret", tests, NULL, NULL);
}
