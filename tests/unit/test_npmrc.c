/*
 * test_npmrc.c: the tokenHelper lines of an npmrc, read as pnpm 10 reads
 * them (ini 1.3 and @pnpm/npm-conf): comments, sections, quoting, inline
 * comments and escapes, every binding line counting, ${NAME} in keys, the
 * registry URLs, the lines that cannot be told for sure (Unicode, JSON
 * escapes), which URLs a registry key's token reaches, and a large file
 * read in linear time.
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
#include <time.h>

#include "core/npmrc.h"
#include "testutil.h"

#define PROG "/opt/bin/jwtcred-pnpm-helper@prod"

static const char *fake_env(const char *name)
{
	if (strcmp(name, "REG") == 0)
		return "npm.example.com";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	return NULL;
}

/* got += sep, s; cut at size (a row's expectation then fails, visibly) */
static void append(char *got, size_t size, const char *sep, const char *s)
{
	size_t len = strlen(got);

	snprintf(got + len, size - len, "%s%s", sep, s);
}

static void test_find(void **state)
{
	static const struct {
		const char *text;
		int rc;
		const char *want; /* the registries found, space separated */
	} rows[] = {
		{ "", JWTCRED_OK, "" },
		{ "//a.example/:tokenHelper=" PROG "\n", JWTCRED_OK, "//a.example/" },
		{ "  //a.example/:tokenHelper = " PROG "  \r\n", JWTCRED_OK, "//a.example/" },
		{ "//a.example:8443/npm/:tokenHelper=" PROG, JWTCRED_OK, "//a.example:8443/npm/" },
		/* another program, another profile's link */
		{ "//a.example/:tokenHelper=/opt/bin/other\n"
		  "//b.example/:tokenHelper=" PROG "-x\n", JWTCRED_OK, "" },
		/* comments, whole-line and inline */
		{ "# //a.example/:tokenHelper=" PROG "\n"
		  "   ; //b.example/:tokenHelper=" PROG "\n", JWTCRED_OK, "" },
		{ "//a.example/:tokenHelper=" PROG " # here\n", JWTCRED_OK, "//a.example/" },
		{ "//a.example/:tokenHelper=" PROG ";x\n", JWTCRED_OK, "//a.example/" },
		/* an escaped ';' is part of the value: not this program */
		{ "//a.example/:tokenHelper=" PROG "\\;x\n", JWTCRED_OK, "" },
		/* quotes */
		{ "//a.example/:tokenHelper=\"" PROG "\"\n", JWTCRED_OK, "//a.example/" },
		{ "//a.example/:tokenHelper='" PROG "'\n", JWTCRED_OK, "//a.example/" },
		{ "\"//a.example/:tokenHelper\"=" PROG "\n", JWTCRED_OK, "//a.example/" },
		/* a binding line counts even when a later line for the key overrides it */
		{ "//a.example/:tokenHelper=" PROG "\n//a.example/:tokenHelper=/opt/bin/other\n",
		  JWTCRED_OK, "//a.example/" },
		{ "//a.example/:tokenHelper=/opt/bin/other\n//a.example/:tokenHelper=" PROG "\n",
		  JWTCRED_OK, "//a.example/" },
		/* several registries, in file order */
		{ "//b.example/:tokenHelper=" PROG "\nregistry=https://b.example/\n"
		  "//a.example/x/:tokenHelper=" PROG "\n", JWTCRED_OK,
		  "//b.example/ //a.example/x/ | https://b.example/" },
		/* registry URLs: default and scoped, quoted, ${NAME} replaced; not in a section */
		{ "registry = \"https://a.example/\"\n@s:registry=http://${REG}:81/x\n"
		  "[s]\nregistry=https://c.example/\n", JWTCRED_OK,
		  " | https://a.example/ http://npm.example.com:81/x" },
		{ "registry=${NOPE}\n", JWTCRED_E_INPUT, NULL },
		{ "registry=' [\"https://a.example/\"]'\n", JWTCRED_E_INPUT, NULL },
		/* U+2028 / U+2029: pnpm skips a line with one, jwtcred would not */
		{ "//e.example/:tokenHelper=" PROG "\n"
		  "//e.example/:tokenHelper=/opt/bin/other\xe2\x80\xa8\n", JWTCRED_E_INPUT, NULL },
		{ "# \xe2\x80\xa9\n", JWTCRED_E_INPUT, NULL },
		/* Unicode white space pnpm trims: refused outside comments */
		{ "//e.example/:tokenHelper=" PROG "\xc2\xa0\n", JWTCRED_E_INPUT, NULL },
		{ "//e.example/:tokenHelper\xe3\x80\x80=" PROG "\n", JWTCRED_E_INPUT, NULL },
		{ "\xef\xbb\xbf//e.example/:tokenHelper=" PROG "\n", JWTCRED_E_INPUT, NULL },
		{ "init-author-name=Jos\xc3\xa9\n", JWTCRED_E_INPUT, NULL },
		{ "# Jos\xc3\xa9\n ; caf\xc3\xa9\n//a.example/:tokenHelper=" PROG "\n", JWTCRED_OK,
		  "//a.example/" },
		/* JSON escapes in a quoted value or key */
		{ "//e.example/:tokenHelper=\"/opt/bin/jwtcred-pnpm-helper@pro\\u0064\"\n",
		  JWTCRED_E_INPUT, NULL },
		{ "\"//e.example/:tokenHelpe\\u0072\"=" PROG "\n", JWTCRED_E_INPUT, NULL },
		{ "//e.example/:tokenHelper='\"/opt/bin/jwtcred-pnpm-helper@pro\\u0064\"'\n",
		  JWTCRED_E_INPUT, NULL },
		/* a quoted key or value without escapes is read exactly */
		{ "'\"//a.example/:tokenHelper\"'=" PROG "\n", JWTCRED_OK, "//a.example/" },
		{ "//a.example/:tokenHelper=\"" PROG "\" ; note\n", JWTCRED_OK, "//a.example/" },
		/* after a [section], nothing is a top-level setting */
		{ "[s]\n//a.example/:tokenHelper=" PROG "\n", JWTCRED_OK, "" },
		/* an array, or no value: nothing pnpm runs */
		{ "//a.example/:tokenHelper[]=" PROG "\n//b.example/:tokenHelper\n", JWTCRED_OK, "" },
		/* ${NAME} in the key, with defaults */
		{ "//${REG}/:tokenHelper=" PROG "\n", JWTCRED_OK, "//npm.example.com/" },
		{ "//${NOPE-d.example}/:tokenHelper=" PROG "\n", JWTCRED_OK, "//d.example/" },
		{ "//${EMPTY:-e.example}/:tokenHelper=" PROG "\n", JWTCRED_OK, "//e.example/" },
		{ "//${NOPE}/:tokenHelper=/opt/bin/other\n", JWTCRED_E_INPUT, NULL },
		/* lines that name the program but say no registry pnpm could match */
		/* an unset ${NAME} in a key fails pnpm's whole configuration */
		{ "tokenHelper=" PROG "\n", JWTCRED_E_INPUT, NULL },
		{ "//a.example:tokenHelper=" PROG "\n", JWTCRED_E_INPUT, NULL },
		{ "https://a.example/:tokenHelper=" PROG "\n", JWTCRED_E_INPUT, NULL },
		{ "///:tokenHelper=" PROG "\n", JWTCRED_E_INPUT, NULL },
		/* quoting we cannot decode for sure, around the program's name */
		{ "//a.example/:tokenHelper=\"\\u002f" PROG "\"\n", JWTCRED_E_INPUT, NULL },
		{ "//a.example/:tokenHelper=' \"" PROG "\"'\n", JWTCRED_E_INPUT, NULL },
	};
	struct jc_npmrc_helpers h;
	jwtcred_error err;
	char got[512];
	size_t i, j;
	int rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = jc_npmrc_find_helpers(rows[i].text, PROG, fake_env, &h, &err);
		got[0] = '\0';
		for (j = 0; rc == JWTCRED_OK && j < h.n; j++)
			append(got, sizeof(got), j ? " " : "", h.registries[j]);
		if (rc == JWTCRED_OK && h.nurls)
			append(got, sizeof(got), " |", "");
		for (j = 0; rc == JWTCRED_OK && j < h.nurls; j++)
			append(got, sizeof(got), " ", h.urls[j]);
		if (rc != rows[i].rc || (rows[i].want && strcmp(got, rows[i].want) != 0)) {
			print_error("row %zu: rc %d, got '%s' (%s)\n", i, rc, got,
			            rc ? err.text : "");
			bad++;
		}
		if (rc != JWTCRED_OK)
			assert_int_equal(h.n, 0);
		jc_npmrc_helpers_clear(&h);
	}
	assert_int_equal(bad, 0);
}

/* An error names the line. */
static void test_error_line(void **state)
{
	struct jc_npmrc_helpers h;
	jwtcred_error err;

	(void)state;
	assert_int_equal(jc_npmrc_find_helpers("a=b\n\n# c\r\nx=\xc2\xa0\n", PROG, fake_env, &h,
	                                       &err), JWTCRED_E_INPUT);
	assert_true(strncmp(err.text, "4: a non-ASCII character", 24) == 0);
}

static void test_key_covers(void **state)
{
	static const struct {
		const char *key, *url;
		int covers;
	} rows[] = {
		{ "//a.example/", "https://a.example/", 1 },
		{ "//a.example/", "http://a.example/", 1 },
		{ "//a.example/", "https://A.Example:8443/npm/", 1 },
		{ "//a.example/", "https://user:pw@a.example/", 1 },
		{ "//a.example:8443/", "http://a.example:9999/", 1 },
		{ "//a.example/npm/", "https://a.example/npm", 1 },
		{ "//a.example/npm/", "https://a.example/npm/sub/", 1 },
		{ "//a.example/npm/", "https://a.example/other/", 0 },
		{ "//a.example/npm/", "https://a.example/npmx", 0 },
		{ "//a.example/npm/", "https://a.example/x/../npm/", 1 },
		{ "//a.example/", "https://b.example/", 0 },
		{ "//a.example/", "https://a.example.evil/", 0 },
		{ "//[::1]:8443/", "http://[::1]/", 1 },
		{ "//a.example/", "not a url", 1 },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (jc_npmrc_key_covers(rows[i].key, rows[i].url) != rows[i].covers) {
			print_error("row %zu: %s %s\n", i, rows[i].key, rows[i].url);
			bad++;
		}
	assert_int_equal(bad, 0);
}

/* CPU seconds to read the first `size` bytes of a file of many distinct keys. */
static double read_time(size_t size)
{
	struct jc_npmrc_helpers h;
	jwtcred_error err;
	size_t len = 0, i;
	clock_t t0;
	char *text;
	int rc;

	assert_non_null(text = malloc(size + 1));
	for (i = 0; len + 64 < size; i++)
		len += (size_t)snprintf(text + len, size + 1 - len,
		                        i % 10 ? "k%zu=v\n" : "//h%zu.example/:tokenHelper=/x\n", i);
	t0 = clock();
	rc = jc_npmrc_find_helpers(text, PROG, fake_env, &h, &err);
	t0 = clock() - t0;
	assert_int_equal(rc, JWTCRED_OK);
	jc_npmrc_helpers_clear(&h);
	free(text);
	return (double)t0 / CLOCKS_PER_SEC;
}

/*
 * A 1 MiB file of 100k distinct keys is read in linear time: a quadratic
 * reader took 30 s.  Eight times the text may take 8 times as long (a
 * quadratic reader: 64 times); the bound, 24 times plus 0.2 s, holds under
 * valgrind and on a loaded machine alike.
 */
static void test_large(void **state)
{
	struct jc_npmrc_helpers h;
	jwtcred_error err;
	double small, big;
	char *text;

	(void)state;
	small = read_time(JC_NPMRC_MAX / 8);
	big = read_time(JC_NPMRC_MAX);
	if (big > 24 * small + 0.2)
		print_error("1/8 MiB: %.3f s, 1 MiB: %.3f s\n", small, big);
	assert_true(big <= 24 * small + 0.2);
	/* too many lines */
	assert_non_null(text = malloc(JC_NPMRC_MAX_LINES + 2));
	memset(text, '\n', JC_NPMRC_MAX_LINES + 1);
	text[JC_NPMRC_MAX_LINES + 1] = '\0';
	assert_int_equal(jc_npmrc_find_helpers(text, PROG, fake_env, &h, &err),
	                 JWTCRED_E_INPUT);
	free(text);
}

static void test_env_replace(void **state)
{
	static const struct {
		const char *in;
		int rc;
		const char *out;
	} rows[] = {
		{ "plain", JWTCRED_OK, "plain" },
		{ "a${REG}b", JWTCRED_OK, "anpm.example.comb" },
		{ "\\${REG}", JWTCRED_OK, "${REG}" },
		{ "\\\\${REG}", JWTCRED_OK, "\\npm.example.com" },
		{ "\\\\\\${REG}", JWTCRED_OK, "\\${REG}" },
		{ "${NOPE-x}", JWTCRED_OK, "x" },
		{ "${EMPTY-x}", JWTCRED_OK, "" },
		{ "${EMPTY:-x}", JWTCRED_OK, "x" },
		{ "${}", JWTCRED_OK, "${}" },
		{ "$REG ${REG", JWTCRED_OK, "$REG ${REG" },
		{ "${a${REG}", JWTCRED_OK, "${anpm.example.com" },
		{ "${NOPE}", JWTCRED_E_INPUT, NULL },
	};
	jwtcred_error err;
	char *out;
	size_t i;
	int rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = jc_npmrc_env_replace(rows[i].in, fake_env, &out, &err);
		if (rc != rows[i].rc || (rows[i].out && (!out || strcmp(out, rows[i].out) != 0))) {
			print_error("row %zu '%s': rc %d, '%s'\n", i, rows[i].in, rc, out ? out : "(null)");
			bad++;
		}
		free(out);
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_error_line),
		cmocka_unit_test(test_key_covers),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_env_replace),
	};

	return cmocka_run_group_tests_name("npmrc", tests, NULL, NULL);
}
