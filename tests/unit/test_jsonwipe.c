/*
 * test_jsonwipe.c: jc_json_wiping_alloc() makes jansson wipe every block
 * it frees.  free() is wrapped (-Wl,--wrap=free) and, while a test looks,
 * every block freed is searched (to the size malloc reports) for a
 * marker: jansson's lexer buffer, its dump buffers and a tree's strings
 * held it.  With jansson's own allocator the marker is seen (so the test
 * can fail); with the wiping one it is not, and what jansson hands out
 * (json_dumps) is still free()d as before.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#if defined(__linux__)
#include <malloc.h>
#define HAVE_USABLE 1
#endif

#include "core/secret.h"

#define MARKER "SeCrEtMaRkEr0123456789"

static bool looking;
static int seen; /* freed blocks that still held MARKER */

void __real_free(void *p);
void __wrap_free(void *p);

void __wrap_free(void *p)
{
#ifdef HAVE_USABLE
	if (p && looking && memmem(p, malloc_usable_size(p), MARKER, strlen(MARKER)))
		seen++;
#endif
	__real_free(p);
}

/* jansson's own allocator, but every byte defined: the scan reads whole blocks (valgrind) */
static void *zeroed_malloc(size_t size)
{
	return calloc(1, size);
}

/* What a cargo login and a token answer put through jansson: parsed, dumped, freed. */
static void json_round(void)
{
	static const char line[] = "{\"v\":1,\"kind\":\"login\",\"token\":\"" MARKER "\"}";
	json_error_t jerr;
	json_t *o = json_loads(line, 0, &jerr), *a;
	char *text;

	assert_non_null(o);
	json_decref(o);
	a = json_pack("{s:{s:s}}", "Ok", "token", "Bearer " MARKER);
	assert_non_null(a);
	text = json_dumps(a, JSON_COMPACT);
	assert_non_null(text);
	json_decref(a);
	jc_free_secret(text); /* the caller's part: wiped, then free() as always */
}

static void test_jansson_default_leaves_it(void **state)
{
	(void)state;
#ifndef HAVE_USABLE
	skip();
#endif
	json_set_alloc_funcs(zeroed_malloc, free);
	seen = 0;
	looking = true;
	json_round();
	looking = false;
	assert_true(seen > 0);
}

static void test_wiping_alloc(void **state)
{
	json_malloc_t m;
	json_free_t f;
	char *p;

	(void)state;
#ifndef HAVE_USABLE
	skip();
#endif
	assert_true(jc_json_wiping_alloc());
	seen = 0;
	looking = true;
	json_round();
	/* the free function itself, on a block of its malloc */
	json_get_alloc_funcs(&m, &f);
	p = m(64);
	assert_non_null(p);
	memcpy(p, MARKER, sizeof(MARKER));
	f(p);
	f(NULL);
	looking = false;
	assert_int_equal(seen, 0);
	/* a block jansson allocated before the switch is freed by the new function */
	json_set_alloc_funcs(malloc, free);
	{
		json_t *s = json_string(MARKER);

		assert_true(jc_json_wiping_alloc());
		looking = true;
		json_decref(s);
		looking = false;
	}
	assert_int_equal(seen, 0);
	json_set_alloc_funcs(malloc, free);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jansson_default_leaves_it),
		cmocka_unit_test(test_wiping_alloc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
