/*
 * test_text.c: the string rules every reader of outside input shares:
 * control characters, UTF-8 as jansson wants it, and the escaping of
 * outside text quoted in a one-line message.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"

#include "core/text.h"

static void test_has_control(void **state)
{
	static const struct {
		const char *s;
		bool want;
	} rows[] = {
		{ "", false },
		{ "plain text, with spaces", false },
		{ "r\xc3\xa9sum\xc3\xa9 \xe2\x80\xae", false }, /* UTF-8 is not a control character */
		{ "\xff\x80", false },
		{ "a\nb", true },
		{ "a\rb", true },
		{ "\tx", true },
		{ "x\x1b[2J", true },
		{ "x\x7f", true },
		{ "\x01", true },
	};
	size_t i;

	(void)state;
	assert_false(jc_has_control(NULL));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (jc_has_control(rows[i].s) != rows[i].want)
			fail_msg("row %zu: want %d", i, rows[i].want);
}

/* jansson is the judge: a string it refuses is not valid UTF-8 to us either. */
static bool jansson_takes(const char *s)
{
	json_t *j = json_string(s);

	json_decref(j);
	return j != NULL;
}

static void test_utf8_table(void **state)
{
	static const struct {
		const char *s;
		bool want;
	} rows[] = {
		{ "", true },
		{ "ascii", true },
		{ "caf\xc3\xa9", true },
		{ "\xe2\x82\xac", true },                  /* U+20AC */
		{ "\xf0\x9f\x94\x91", true },              /* U+1F511 */
		{ "\xf4\x8f\xbf\xbf", true },              /* U+10FFFF */
		{ "\xef\xbf\xbf", true },                  /* U+FFFF */
		{ "\xff", false },
		{ "ci\xff@example.com", false },
		{ "\xc3", false },                         /* cut short */
		{ "\xc3x", false },
		{ "\xe2\x82", false },
		{ "\x80", false },                         /* a lone continuation byte */
		{ "\xc0\xaf", false },                     /* overlong '/' */
		{ "\xc1\xbf", false },
		{ "\xe0\x80\xaf", false },                 /* overlong, three bytes */
		{ "\xf0\x80\x80\xaf", false },             /* overlong, four bytes */
		{ "\xed\xa0\x80", false },                 /* U+D800, a surrogate */
		{ "\xed\xbf\xbf", false },                 /* U+DFFF */
		{ "\xf4\x90\x80\x80", false },             /* U+110000 */
		{ "\xf5\x80\x80\x80", false },
		{ "\xf8\x88\x80\x80\x80", false },         /* five bytes */
		{ "latin-1 \xe9t\xe9", false },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bool got = jc_utf8_valid(rows[i].s);
		if (got != rows[i].want || got != jansson_takes(rows[i].s)) {
			print_error("row %zu: want %d, got %d, jansson %d\n", i, rows[i].want, got,
			            jansson_takes(rows[i].s));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * Every two-byte sequence, and three- and four-byte ones around the edges
 * of the continuation range: the same verdict as jansson.
 */
static void test_utf8_agrees_with_jansson(void **state)
{
	static const unsigned char edges[] = { 0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff };
	unsigned a, b;
	size_t i, j;
	char s[6];
	int bad = 0;

	(void)state;
	for (a = 1; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			s[0] = (char)a, s[1] = (char)b, s[2] = '\0';
			if (jc_utf8_valid(s) != jansson_takes(s) && bad++ < 5)
				print_error("%02x %02x\n", a, b);
			if (a < 0xe0 || !b)
				continue;
			for (i = 0; i < sizeof(edges); i++) {
				for (j = 0; j < sizeof(edges); j++) {
					s[2] = (char)edges[i], s[3] = (char)edges[j], s[4] = '\0';
					if (jc_utf8_valid(s) != jansson_takes(s) && bad++ < 5)
						print_error("%02x %02x %02x %02x\n", a, b, edges[i], edges[j]);
				}
			}
		}
	}
	assert_int_equal(bad, 0);
}

static void test_escape(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		const char *want;
	} rows[] = {
		{ NULL, 16, "" },
		{ "", 16, "" },
		{ "client.authentication.k8s.io/v1", 64, "client.authentication.k8s.io/v1" },
		{ "a\x1b[2Jb", 64, "a\\x1b[2Jb" },
		{ "line\nforged: line\r", 64, "line\\x0aforged: line\\x0d" },
		{ "tab\tdel\x7f", 64, "tab\\x09del\\x7f" },
		{ "caf\xc3\xa9", 64, "caf\\xc3\\xa9" },        /* C1 controls come as such bytes */
		{ "\xc2\x9b" "31m", 64, "\\xc2\\x9b31m" },
		{ "back\\slash", 64, "back\\\\slash" },
		/* cut with "...": never half an escape, always NUL-terminated */
		{ "abcdefg", 8, "abcdefg" },
		{ "abcdefgh", 8, "abcd..." },
		{ "abc\x1b" "defgh", 10, "abc..." },
		{ "abc\x1b", 8, "abc\\x1b" },
		{ "\x1b\x1b\x1b", 8, "\\x1b..." },
		{ "\\\\", 8, "\\\\\\\\" },
		{ "\\\\\\\\", 8, "\\\\\\\\..." },
	};
	char buf[64];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(buf, 'Z', sizeof(buf));
		if (jc_escape(rows[i].s, buf, rows[i].len) != buf || strcmp(buf, rows[i].want) != 0 ||
		    strlen(buf) >= rows[i].len || tu_has_control(buf)) {
			print_error("row %zu: want '%s', got '%.*s'\n", i, rows[i].want, (int)sizeof(buf) - 1,
			            buf);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Whatever the input, the result is printable ASCII and fits. */
static void test_escape_every_byte(void **state)
{
	char in[2] = { 0, 0 }, buf[8];
	unsigned c;
	size_t len;

	(void)state;
	for (c = 1; c < 256; c++) {
		in[0] = (char)c;
		for (len = 4; len <= sizeof(buf); len++) {
			size_t i;
			jc_escape(in, buf, len);
			assert_true(strlen(buf) < len);
			for (i = 0; buf[i]; i++)
				assert_true(buf[i] >= ' ' && buf[i] <= '~');
		}
	}
}

/* A token: visible ASCII, 1 to max bytes; every byte outside '!'..'~' refused. */
static void test_token_text(void **state)
{
	char t[4] = "a b";
	unsigned c;

	(void)state;
	assert_true(jc_token_text_ok("ghs_abc.~!", 10));
	assert_false(jc_token_text_ok("ghs_abc.~!", 9));
	assert_false(jc_token_text_ok("", 10));
	assert_false(jc_token_text_ok(NULL, 10));
	for (c = 1; c < 256; c++) {
		t[1] = (char)c;
		assert_int_equal(jc_token_text_ok(t, 3), c > ' ' && c <= '~');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has_control),
		cmocka_unit_test(test_utf8_table),
		cmocka_unit_test(test_utf8_agrees_with_jansson),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_token_text),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
