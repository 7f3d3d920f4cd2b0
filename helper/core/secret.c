/*
 * secret.c: wiping secrets, and comparing them without leaking timing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <malloc.h>
#define USABLE_SIZE(p) malloc_usable_size(p)
#elif defined(__FreeBSD__)
#include <malloc_np.h>
#define USABLE_SIZE(p) malloc_usable_size(p)
#elif defined(__APPLE__)
#include <malloc/malloc.h>
#define USABLE_SIZE(p) malloc_size(p)
#endif

#include "core/secret.h"

void jc_wipe(void *p, size_t len)
{
	if (!p || !len)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, len);
#else
	volatile unsigned char *v = p;
	while (len--)
		*v++ = 0;
#endif
}

void jc_free_secret(char *s)
{
	if (!s)
		return;
	jc_wipe(s, strlen(s));
	free(s);
}

void jc_json_wipe(json_t *object, const char *key)
{
	json_t *v = json_object_get(object, key);

	/* jansson owns the string; wiping it in place is the only way to reach it */
	if (json_is_string(v))
		jc_wipe((char *)json_string_value(v), json_string_length(v));
}

#ifdef USABLE_SIZE
static void *json_alloc(size_t size)
{
	return malloc(size);
}

/* The whole block malloc gave, not just what was asked: the size comes from malloc itself. */
static void json_free_wiped(void *p)
{
	if (!p)
		return;
	jc_wipe(p, USABLE_SIZE(p));
	free(p);
}
#endif

bool jc_json_wiping_alloc(void)
{
#ifdef USABLE_SIZE
	json_set_alloc_funcs(json_alloc, json_free_wiped);
	return true;
#else
	return false;
#endif
}

bool jc_secret_equal(const char *a, const char *b)
{
	size_t la, lb, i;
	unsigned char d;

	if (!a || !b)
		return a == b;
	la = strlen(a);
	lb = strlen(b);
	d = (unsigned char)(la != lb);

	/* walk the longer one so timing depends on lengths only */
	for (i = 0; i < (la > lb ? la : lb); i++)
		d |= (unsigned char)((i < la ? a[i] : 0) ^ (i < lb ? b[i] : 0));
	return d == 0;
}
