/*
 * test_sealed.c: shared-cache entries (engine/sealed.h).  Known answers
 * computed outside this code (Python, below), a round trip of every field,
 * and every way a value must fail to open: each single-bit flip, each
 * truncation, another name, another key, another prefix or version, a
 * value past JC_SEAL_MAX, a damaged entry inside a good seal.  A refused
 * value is JWTCRED_E_NOTFOUND with a reason, and leaves *out empty.
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

#include "core/entry.h"
#include "engine/sealed.h"
#include "testutil.h"

/*
 * The known answers, computed independently with Python's hmac and
 * hashlib (HKDF written out by hand per RFC 5869 section 2, and checked
 * against its test case 1 first) and AES-GCM from python3-cryptography:
 *
 *   extract = lambda salt, ikm: hmac.new(salt, ikm, sha256).digest()
 *   def expand(prk, info, n):  # T(i) = HMAC(prk, T(i-1) || info || i)
 *   ikm  = bytes(range(32)) + b"\x00\xff"
 *   prk  = extract(b"jwtcred shared cache v1", ikm)
 *   name = hmac.new(expand(prk, b"name", 32), FP, sha256).hexdigest()[:32]
 *   key  = expand(prk, b"entry " + name, 32)
 *   val  = b"jc1." + NONCE + AESGCM(key).encrypt(NONCE, KAT_JSON,
 *                             b"jwtcred shared cache v1\0" + name)
 *   with NONCE = bytes(range(0xa0, 0xac))
 */
static const unsigned char KAT_IKM[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x00, 0xff,
};
#define KAT_FP "[\"v3\",\"prod\",\"salesforce\",\"https://login.example\"]"
#define KAT_PRK "e00723c88b0d1d647a13a86ab4406b4347fd78cc93241084bf2d64f8b4c417c8"
#define KAT_NAME "d30933c765f6ea4dde089c0e355f97fe"
#define KAT_TOKEN "00D!kat.token"
/* the entry as jc_cache_write wrote it before entry.c: the same bytes */
#define KAT_JSON                                                                               \
	"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci@example.com\",\"params\":"         \
	"\"[\\\"v3\\\",\\\"prod\\\",\\\"salesforce\\\",\\\"https://login.example\\\"]\","       \
	"\"token\":\"" KAT_TOKEN "\",\"issued\":1700000000,\"expires\":1700003600,"          \
	"\"server_expiry\":true}"
static const char KAT_VALUE[] =
	"6a63312ea0a1a2a3a4a5a6a7a8a9aaab57cbc25de9b0819cf6f95cea95ce685d222c7e117f63d6472df7"
	"ef5bdc2d12bee9df142b204c8d62c865b7b8157d03cdbfa34a2defb2dacc6f263d767cb9f13b397b9ecc"
	"9c85e60fa76e96111aff233ca1a9dfd733cba3ae54068d9cad4bbf1d365a2672d786eea8b5905e9d2ef1"
	"7599f9e76585688cc66074b5928afb888d40ec5dcbc4aa0681106163a1f38337a5f2d7f65b1358577a73"
	"26db15c13f6ba04b8e375cf4fafc3fab05a0bcd93c817d6154071e220b799c24ac0dd29ca6466f594641"
	"6c36b8e390c19fde2d2fcdefa66ace25e9802d4534e1a04aba0063698455dde5c0c9ad";

#define TOKEN "00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog.secret-token"

static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = strlen(hex) / 2, i;
	unsigned int b;

	assert_true(n <= cap);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		out[i] = (unsigned char)b;
	}
	return n;
}

static void tohex(const unsigned char *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", in[i]);
}

/* A key from a fixed ikm; "other" ones differ in the last byte. */
static void key_of(struct jc_seal_key *k, unsigned char last)
{
	unsigned char ikm[sizeof(KAT_IKM)];
	jwtcred_error err;

	memcpy(ikm, KAT_IKM, sizeof(ikm));
	ikm[sizeof(ikm) - 1] = last;
	assert_int_equal(jc_seal_key_init(k, ikm, sizeof(ikm), &err), JWTCRED_OK);
}

static void entry_init(struct jc_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->profile = (char *)"prod";
	e->subject = (char *)"ci@example.com";
	e->params = (char *)KAT_FP;
	e->token = (char *)TOKEN;
	e->instance_url = (char *)"https://acme.my.salesforce.com";
	e->audience_used = (char *)"https://login.salesforce.com";
	e->installation_id = (char *)"4242";
	e->issued = 1700000000;
	e->expires = 1700007200;
	e->server_expiry = false;
}

static void seal_ok(const struct jc_seal_key *k, const char *name, const struct jc_entry *e,
                    unsigned char **val, size_t *len)
{
	jwtcred_error err;

	assert_int_equal(jc_seal(k, name, e, val, len, &err), JWTCRED_OK);
}

/* val[0..len) must not open under (k, name): NOTFOUND, a reason, *out empty. */
static void refused(const struct jc_seal_key *k, const char *name, const unsigned char *val,
                    size_t len, const char *why)
{
	struct jc_entry out;
	jwtcred_error err;
	static const struct jc_entry empty;

	err.text[0] = '\0';
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(jc_unseal(k, name, val, len, &out, &err), JWTCRED_E_NOTFOUND);
	assert_true(err.text[0] != '\0');
	assert_false(tu_contains(err.text, TOKEN));
	if (why && !tu_contains(err.text, why))
		fail_msg("'%s' does not say '%s'", err.text, why);
	assert_memory_equal(&out, &empty, sizeof(out));
}

static void test_kdf_known_answer(void **state)
{
	struct jc_seal_key k;
	char prk[65], name[JC_SEAL_NAME];
	jwtcred_error err;

	key_of(&k, 0xff);
	tohex(k.prk, sizeof(k.prk), prk);
	assert_string_equal(prk, KAT_PRK);
	assert_int_equal(jc_seal_name(&k, KAT_FP, name, &err), JWTCRED_OK);
	assert_string_equal(name, KAT_NAME);
	jc_seal_key_clear(&k);
	tohex(k.prk, sizeof(k.prk), prk);
	assert_string_equal(prk, "0000000000000000000000000000000000000000000000000000000000000000");
}

/* Python's seal opens, and its entry re-encodes to the very bytes sealed. */
static void test_open_known_answer(void **state)
{
	unsigned char val[512];
	size_t len = unhex(KAT_VALUE, val, sizeof(val));
	struct jc_seal_key k;
	struct jc_entry out;
	jwtcred_error err;
	char *text;

	key_of(&k, 0xff);
	assert_int_equal(jc_unseal(&k, KAT_NAME, val, len, &out, &err), JWTCRED_OK);
	assert_string_equal(out.profile, "prod");
	assert_string_equal(out.subject, "ci@example.com");
	assert_string_equal(out.params, KAT_FP);
	assert_string_equal(out.token, KAT_TOKEN);
	assert_true(out.issued == 1700000000 && out.expires == 1700003600 && out.server_expiry);
	assert_null(out.instance_url);
	assert_int_equal(jc_entry_encode(&out, &text), JWTCRED_OK);
	assert_string_equal(text, KAT_JSON);
	free(text);
	jc_entry_clear(&out);
	jc_seal_key_clear(&k);
}

static void test_round_trip(void **state)
{
	static const bool expiry[] = { false, true };
	struct jc_seal_key k;
	struct jc_entry e, out;
	unsigned char *val;
	size_t len, i;
	jwtcred_error err;

	key_of(&k, 0xff);
	for (i = 0; i < 2; i++) {
		entry_init(&e);
		e.server_expiry = expiry[i];
		if (i) /* the optional members absent */
			e.instance_url = e.audience_used = e.installation_id = NULL;
		seal_ok(&k, KAT_NAME, &e, &val, &len);
		assert_int_equal(jc_unseal(&k, KAT_NAME, val, len, &out, &err), JWTCRED_OK);
		assert_string_equal(out.profile, e.profile);
		assert_string_equal(out.subject, e.subject);
		assert_string_equal(out.params, e.params);
		assert_string_equal(out.token, e.token);
		if (i) {
			assert_null(out.instance_url);
			assert_null(out.audience_used);
			assert_null(out.installation_id);
		} else {
			assert_string_equal(out.instance_url, e.instance_url);
			assert_string_equal(out.audience_used, e.audience_used);
			assert_string_equal(out.installation_id, e.installation_id);
		}
		assert_true(out.issued == e.issued && out.expires == e.expires);
		assert_true(out.server_expiry == e.server_expiry);
		jc_entry_clear(&out);
		free(val);
	}
	jc_seal_key_clear(&k);
}

/* No byte of the token, in any window of 8, is in the value; two seals differ. */
static void test_confidential_and_fresh(void **state)
{
	static const char token[] = TOKEN;
	struct jc_seal_key k;
	struct jc_entry e;
	unsigned char *a, *b;
	size_t alen, blen, i;

	key_of(&k, 0xff);
	entry_init(&e);
	seal_ok(&k, KAT_NAME, &e, &a, &alen);
	seal_ok(&k, KAT_NAME, &e, &b, &blen);
	for (i = 0; i + 8 <= strlen(token); i++) {
		assert_null(memmem(a, alen, &token[i], 8));
		assert_null(memmem(b, blen, &token[i], 8));
	}
	assert_null(memmem(a, alen, e.subject, strlen(e.subject)));
	assert_int_equal(alen, blen);
	assert_memory_equal(a, "jc1.", 4);
	assert_memory_not_equal(a + 4, b + 4, 12);      /* the nonce */
	assert_memory_not_equal(a + 16, b + 16, alen - 16); /* so all that follows */
	free(a);
	free(b);
	jc_seal_key_clear(&k);
}

static void test_every_bit_flip(void **state)
{
	struct jc_seal_key k;
	struct jc_entry e;
	unsigned char *val;
	size_t len, i;
	int bit;

	key_of(&k, 0xff);
	entry_init(&e);
	seal_ok(&k, KAT_NAME, &e, &val, &len);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			val[i] ^= (unsigned char)(1u << bit);
			refused(&k, KAT_NAME, val, len, NULL);
			val[i] ^= (unsigned char)(1u << bit);
		}
	free(val);
	jc_seal_key_clear(&k);
}

static void test_every_truncation(void **state)
{
	struct jc_seal_key k;
	struct jc_entry e;
	unsigned char *val;
	size_t len, n;

	key_of(&k, 0xff);
	entry_init(&e);
	seal_ok(&k, KAT_NAME, &e, &val, &len);
	for (n = 0; n < len; n++)
		refused(&k, KAT_NAME, val, n, n < 32 && n >= 4 ? "too short" : NULL);
	/* and one byte more */
	val = realloc(val, len + 1);
	assert_non_null(val);
	val[len] = 0;
	refused(&k, KAT_NAME, val, len + 1, "fails authentication");
	free(val);
	jc_seal_key_clear(&k);
}

/* Copied to another profile's name, or opened with another key: refused. */
static void test_other_name_other_key(void **state)
{
	struct jc_seal_key k, other;
	struct jc_entry e;
	unsigned char *val;
	char name2[JC_SEAL_NAME];
	size_t len;
	jwtcred_error err;

	key_of(&k, 0xff);
	key_of(&other, 0xfe);
	entry_init(&e);
	assert_int_equal(jc_seal_name(&k, "[\"v3\",\"staging\"]", name2, &err), JWTCRED_OK);
	assert_string_not_equal(name2, KAT_NAME);
	/* the same fingerprint under another key is another name too */
	assert_int_equal(jc_seal_name(&other, KAT_FP, name2, &err), JWTCRED_OK);
	assert_string_not_equal(name2, KAT_NAME);
	assert_int_equal(jc_seal_name(&k, "[\"v3\",\"staging\"]", name2, &err), JWTCRED_OK);
	seal_ok(&k, KAT_NAME, &e, &val, &len);
	refused(&k, name2, val, len, "fails authentication");
	refused(&other, KAT_NAME, val, len, "fails authentication");
	free(val);
	jc_seal_key_clear(&k);
	jc_seal_key_clear(&other);
}

/* Values that are not ours, or not of this version, whatever follows. */
static void test_prefixes(void **state)
{
	static const struct {
		const char *prefix;
		const char *why;
	} cases[] = {
		{ "jc2.", "another version" },
		{ "jc0.", "another version" },
		{ "jc9.", "another version" },
		{ "JC1.", "not a sealed" },
		{ "jc1:", "not a sealed" },
		{ "jcx.", "not a sealed" },
		{ "\0c1.", "not a sealed" },
		{ "{\"ve", "not a sealed" },
	};
	struct jc_seal_key k;
	struct jc_entry e;
	unsigned char *val;
	size_t len, i;

	key_of(&k, 0xff);
	entry_init(&e);
	seal_ok(&k, KAT_NAME, &e, &val, &len);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(val, cases[i].prefix, 4);
		refused(&k, KAT_NAME, val, len, cases[i].why);
	}
	refused(&k, KAT_NAME, (const unsigned char *)"", 0, "not a sealed");
	refused(&k, KAT_NAME, (const unsigned char *)"jc12.", 5, "another version");
	free(val);
	jc_seal_key_clear(&k);
}

/* An entry whose JSON is exactly as long as fits: JC_SEAL_MAX opens, one more is refused. */
static void test_size_limit(void **state)
{
	struct jc_seal_key k;
	struct jc_entry e, out;
	unsigned char *val, *big;
	char *subject, *text;
	size_t len, base;
	jwtcred_error err;

	key_of(&k, 0xff);
	entry_init(&e);
	e.subject = (char *)"";
	assert_int_equal(jc_entry_encode(&e, &text), JWTCRED_OK);
	base = strlen(text) + 32;
	free(text);
	subject = malloc(JC_SEAL_MAX);
	assert_non_null(subject);
	memset(subject, 'a', JC_SEAL_MAX - base);
	subject[JC_SEAL_MAX - base] = '\0';
	e.subject = subject;
	seal_ok(&k, KAT_NAME, &e, &val, &len);
	assert_int_equal(len, JC_SEAL_MAX);
	assert_int_equal(jc_unseal(&k, KAT_NAME, val, len, &out, &err), JWTCRED_OK);
	assert_string_equal(out.subject, subject);
	jc_entry_clear(&out);
	/* one byte more is never sealed, and never opened */
	subject[JC_SEAL_MAX - base] = 'a';
	subject[JC_SEAL_MAX - base + 1] = '\0';
	assert_int_equal(jc_seal(&k, KAT_NAME, &e, &big, &len, &err), JWTCRED_E_INPUT);
	assert_null(big);
	big = malloc(JC_SEAL_MAX + 1);
	assert_non_null(big);
	memcpy(big, val, JC_SEAL_MAX);
	big[JC_SEAL_MAX] = 0;
	refused(&k, KAT_NAME, big, JC_SEAL_MAX + 1, "larger");
	free(big);
	free(val);
	free(subject);
	jc_seal_key_clear(&k);
}

/* A good seal around an entry no mint writes: the same checks as a cache file. */
static void test_damaged_inside(void **state)
{
	static const struct {
		long long issued, expires;
		const char *token, *why;
	} cases[] = {
		{ 1700000000, 1700000000, TOKEN, "not a lifetime of ours" },
		{ 1700000000, 1699999999, TOKEN, "not a lifetime of ours" },
		{ 0, 3600, TOKEN, "not a lifetime of ours" },
		{ 1700000000, 1700000000 + 367LL * 86400, TOKEN, "not a lifetime of ours" },
		{ 253402300800LL, 253402304400LL, TOKEN, "not a lifetime of ours" },
		{ 1700000000, 1700003600, "", "damaged" },
		{ 1700000000, 1700003600, "two words", "damaged" },
		{ 1700000000, 1700003600, "line\nbreak", "damaged" },
	};
	struct jc_seal_key k;
	struct jc_entry e;
	unsigned char *val;
	size_t len, i;

	key_of(&k, 0xff);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		entry_init(&e);
		e.issued = cases[i].issued;
		e.expires = cases[i].expires;
		e.token = (char *)cases[i].token;
		seal_ok(&k, KAT_NAME, &e, &val, &len);
		refused(&k, KAT_NAME, val, len, cases[i].why);
		free(val);
	}
	jc_seal_key_clear(&k);
}

static void test_decode_refuses(void **state)
{
	static const char *const texts[] = {
		"",
		"[]",
		"{\"version\":2,\"profile\":\"p\",\"subject\":\"s\",\"params\":\"x\",\"token\":\"t\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"p\",\"subject\":\"s\",\"params\":\"x\",\"token\":\"t\",\"issued\":1,\"expires\":\"2\"}",
		"{\"version\":1,\"profile\":\"p\",\"subject\":\"s\",\"params\":\"x\",\"token\":\"t\",\"token\":\"u\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"p\",\"subject\":\"s\",\"params\":\"x\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"p\",\"subject\":\"s\",\"params\":\"x\",\"token\":\"t\",\"issued\":1,\"expires\":2,\"instance_url\":7}",
	};
	static const char good[] =
		"{\"version\":1,\"profile\":\"p\",\"subject\":\"s\",\"params\":\"x\",\"token\":\"t\",\"issued\":1,\"expires\":2}";
	struct jc_entry out;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(jc_entry_decode(texts[i], strlen(texts[i]), &out), JWTCRED_E_NOTFOUND);
		assert_null(out.token);
	}
	assert_int_equal(jc_entry_decode(good, sizeof(good) - 1, &out), JWTCRED_OK);
	assert_string_equal(out.token, "t");
	jc_entry_clear(&out);
}

static void test_bad_arguments(void **state)
{
	struct jc_seal_key k;
	struct jc_entry e, out;
	unsigned char *val;
	size_t len;
	jwtcred_error err;

	assert_int_equal(jc_seal_key_init(&k, KAT_IKM, 0, &err), JWTCRED_E_USAGE);
	key_of(&k, 0xff);
	entry_init(&e);
	assert_int_equal(jc_seal(&k, "D30933C765F6EA4DDE089C0E355F97FE", &e, &val, &len, &err),
	                 JWTCRED_E_USAGE);
	assert_int_equal(jc_seal(&k, "d30933c7", &e, &val, &len, &err), JWTCRED_E_USAGE);
	e.token = NULL;
	assert_int_equal(jc_seal(&k, KAT_NAME, &e, &val, &len, &err), JWTCRED_E_NOMEM);
	assert_null(val);
	assert_int_equal(jc_unseal(&k, "../x", (const unsigned char *)"jc1.", 4, &out, &err),
	                 JWTCRED_E_USAGE);
	jc_seal_key_clear(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kdf_known_answer),
		cmocka_unit_test(test_open_known_answer),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_confidential_and_fresh),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_other_name_other_key),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_damaged_inside),
		cmocka_unit_test(test_decode_refuses),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
