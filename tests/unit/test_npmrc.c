/*
 * test_npmrc.c: the tokenHelper lines of an npmrc, read as pnpm 10 reads
 * them (ini 1.3 and @pnpm/npm-conf): comments, sections, quoting, inline
 * comments and escapes, the last line for a key winning, ${NAME} in keys,
 * and the lines that may name the program but cannot be told for sure.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

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
		/* a later line for the same key wins, either way */
		{ "//a.example/:tokenHelper=" PROG "\n//a.example/:tokenHelper=/opt/bin/other\n",
		  JWTCRED_OK, "" },
		{ "//a.example/:tokenHelper=/opt/bin/other\n//a.example/:tokenHelper=" PROG "\n",
		  JWTCRED_OK, "//a.example/" },
		/* several registries, in file order */
		{ "//b.example/:tokenHelper=" PROG "\nregistry=https://b.example/\n"
		  "//a.example/x/:tokenHelper=" PROG "\n", JWTCRED_OK, "//b.example/ //a.example/x/" },
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
		for (j = 0; rc == JWTCRED_OK && j < h.n; j++) {
			if (j)
				strcat(got, " ");
			strcat(got, h.registries[j]);
		}
		if (rc != rows[i].rc || (rows[i].want && strcmp(got, rows[i].want) != 0)) {
			print_error("row %zu: rc %d, got '%s'\n", i, rc, got);
			bad++;
		}
		if (rc != JWTCRED_OK)
			assert_int_equal(h.n, 0);
		jc_npmrc_helpers_clear(&h);
	}
	assert_int_equal(bad, 0);
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
		cmocka_unit_test(test_env_replace),
	};

	return cmocka_run_group_tests_name("npmrc", tests, NULL, NULL);
}
