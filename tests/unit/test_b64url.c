/*
 * test_b64url.c: base64url without padding (RFC 4648 section 5, as JWS
 * uses it): the RFC vectors, bytes 0x00 and 0xff (as curl's unit1302),
 * round trips of every length up to 64, and what the decoder must refuse.
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

#include "engine/jwt.h"
#include "testutil.h"

struct vector {
	const char *bytes; /* raw input */
	size_t len;
	const char *b64url;
};

static const struct vector vectors[] = {
	/* RFC 4648 section 10, padding dropped */
	{ "", 0, "" },
	{ "f", 1, "Zg" },
	{ "fo", 2, "Zm8" },
	{ "foo", 3, "Zm9v" },
	{ "foob", 4, "Zm9vYg" },
	{ "fooba", 5, "Zm9vYmE" },
	{ "foobar", 6, "Zm9vYmFy" },
	/* 0x00 and 0xff, and the two characters that differ from base64 */
	{ "\xff\xff\xff", 3, "____" },
	{ "\xfb\xff", 2, "-_8" },
	{ "\xfb\xef\xbe", 3, "----" },
	{ "\xff", 1, "_w" },
	{ "\xff\xff", 2, "__8" },
	{ "\x00", 1, "AA" },
	{ "\x00\x00", 2, "AAA" },
	{ "\x00\x00\x00", 3, "AAAA" },
	{ "\x00\xff\x00\xff", 4, "AP8A_w" },
	{ "\x14\xfb\x9c\x03\xd9\x7e", 6, "FPucA9l-" },
	/* RFC 7515 appendix C */
	{ "\x03\xec\xff\xe0\xc1", 5, "A-z_4ME" },
	/* RFC 7515 section 3.3: a header with CR LF inside */
	{ "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}", 30, "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" },
};

static void test_encode_vectors(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		char *out = (char *)"unset";
		int rc = jc_b64url_encode((const unsigned char *)v->bytes, v->len, &out);

		if (rc != JWTCRED_OK || !out || strcmp(out, v->b64url) != 0) {
			print_error("encode vector %zu: want '%s', got rc %d '%s'\n", i, v->b64url, rc,
			            out ? out : "(null)");
			bad++;
		}
		free(out);
	}
	assert_int_equal(bad, 0);
}

static void test_decode_vectors(void **state)
{
	size_t i, n;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		unsigned char *out = NULL;
		int rc = jc_b64url_decode(v->b64url, strlen(v->b64url), &out, &n);

		if (rc != JWTCRED_OK || !out || n != v->len || memcmp(out, v->bytes, n) != 0 ||
		    out[n] != '\0') {
			print_error("decode vector %zu ('%s'): rc %d, %zu bytes (want %zu)\n", i,
			            v->b64url, rc, n, v->len);
			bad++;
		}
		free(out);
	}
	assert_int_equal(bad, 0);
}

/* Padding is optional on input: "Zg==", "Zg" both give "f". */
static void test_decode_padding_optional(void **state)
{
	static const struct {
		const char *in;
		const char *want;
		size_t want_len;
	} rows[] = {
		{ "Zg==", "f", 1 }, { "Zg", "f", 1 },
		{ "Zm8=", "fo", 2 }, { "Zm8", "fo", 2 },
		{ "Zm9v", "foo", 3 },
		{ "__8=", "\xff\xff", 2 }, { "__8", "\xff\xff", 2 },
		{ "AA==", "\x00", 1 }, { "AA", "\x00", 1 },
	};
	size_t i, n;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned char *out = NULL;
		int rc = jc_b64url_decode(rows[i].in, strlen(rows[i].in), &out, &n);

		if (rc != JWTCRED_OK || n != rows[i].want_len ||
		    memcmp(out, rows[i].want, rows[i].want_len) != 0) {
			print_error("decode '%s': rc %d, %zu bytes (want %zu)\n", rows[i].in, rc, n,
			            rows[i].want_len);
			bad++;
		}
		free(out);
	}
	assert_int_equal(bad, 0);
}

/* Characters outside the base64url alphabet and impossible lengths. */
static void test_decode_rejects(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
	} rows[] = {
		{ "Zm9v+w", 0 },   /* '+' is base64, not base64url */
		{ "Zm9v/w", 0 },   /* '/' likewise */
		{ "Zm9*", 0 },
		{ "Z", 0 },        /* length % 4 == 1 can encode nothing */
		{ "Zm9vY", 0 },
		{ "Zm9vYmFyZ", 0 },
		{ "Zm 9v", 0 },
		{ "Zm9v\n", 0 },
		{ "Zm=9v", 0 },    /* '=' only at the end */
		{ "Zm.9", 0 },
		{ "Zm\xc3\xa9", 0 },
		{ "Zm\0v", 4 },    /* a NUL inside the given length */
	};
	size_t i, n;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned char *out = (unsigned char *)"unset";
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].in);
		int rc = jc_b64url_decode(rows[i].in, len, &out, &n);

		if (rc == JWTCRED_OK || out != NULL || n != 0) {
			print_error("decode row %zu was accepted (rc %d)\n", i, rc);
			bad++;
		}
		if (rc == JWTCRED_OK)
			free(out);
	}
	assert_int_equal(bad, 0);
}

/* Deterministic pseudo-random bytes, so a failure repeats. */
static unsigned char next_byte(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (unsigned char)(*s >> 24);
}

static void test_round_trip_all_lengths(void **state)
{
	unsigned long long seed = 0x6a77746372656421ULL;
	unsigned char in[64], *back;
	size_t len, i, n;
	int round, bad = 0;
	char *enc;

	(void)state;
	for (round = 0; round < 8; round++) {
		for (len = 0; len <= sizeof(in); len++) {
			for (i = 0; i < len; i++)
				in[i] = next_byte(&seed);
			/* make sure the extremes appear too */
			if (round == 0)
				memset(in, 0x00, len);
			if (round == 1)
				memset(in, 0xff, len);
			enc = NULL;
			back = NULL;
			assert_int_equal(jc_b64url_encode(in, len, &enc), JWTCRED_OK);
			/* no padding, only the url-safe alphabet, the unpadded length */
			if (strlen(enc) != (len * 4 + 2) / 3 ||
			    strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
			        strlen(enc)) {
				print_error("length %zu: bad encoding '%s'\n", len, enc);
				bad++;
			}
			if (jc_b64url_decode(enc, strlen(enc), &back, &n) != JWTCRED_OK || n != len ||
			    memcmp(back, in, len) != 0) {
				print_error("length %zu: round trip failed for '%s'\n", len, enc);
				bad++;
			}
			free(enc);
			free(back);
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_vectors),
		cmocka_unit_test(test_decode_vectors),
		cmocka_unit_test(test_decode_padding_optional),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_round_trip_all_lengths),
	};

	return cmocka_run_group_tests_name("b64url", tests, NULL, NULL);
}
