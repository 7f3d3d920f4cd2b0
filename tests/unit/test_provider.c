/*
 * test_provider.c: the provider table (each provider = "…" name maps to its
 * own file's definition, unknown names are refused, each definition is
 * complete) and the JWS algorithm table (each row found by its name, its
 * data consistent with its name, other names refused).
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
#include "core/jwsalg.h"
#include "core/provider.h"
#include "testutil.h"

static const struct {
	const char *name;
	const struct jc_provider_def *def;
	enum jc_provider id;
	const char *env_token;
	const char *env_instance_url;
	bool key_document;
	const char *only_alg;
} provider_rows[] = {
	{ "salesforce", &jc_provider_salesforce, JC_PROVIDER_SALESFORCE, "SF_ACCESS_TOKEN", "SF_INSTANCE_URL", false, "RS256" },
	{ "google", &jc_provider_google, JC_PROVIDER_GOOGLE, NULL, NULL, true, "RS256" },
	{ "generic", &jc_provider_generic, JC_PROVIDER_GENERIC, NULL, NULL, false, NULL },
	{ "client-credentials", &jc_provider_client, JC_PROVIDER_CLIENT, NULL, NULL, false, NULL },
	{ "github-app", &jc_provider_github, JC_PROVIDER_GITHUB, "GITHUB_TOKEN", NULL, false, "RS256" },
};

#define NROWS (sizeof(provider_rows) / sizeof(provider_rows[0]))

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void test_each_name_maps_to_its_file(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	assert_int_equal(NROWS, JC_PROVIDER_COUNT); /* a provider without a test row fails here */
	for (i = 0; i < NROWS; i++) {
		const struct jc_provider_def *d = jc_provider_find(provider_rows[i].name);

		if (d != provider_rows[i].def || d->id != provider_rows[i].id ||
		    jc_provider_of(provider_rows[i].id) != d ||
		    strcmp(jc_provider_name(provider_rows[i].id), provider_rows[i].name) != 0 ||
		    strcmp(d->name, provider_rows[i].name) != 0 ||
		    !same(d->env_token, provider_rows[i].env_token) ||
		    !same(d->env_instance_url, provider_rows[i].env_instance_url) ||
		    (d->read_key_document != NULL) != provider_rows[i].key_document ||
		    !same(d->only_alg, provider_rows[i].only_alg) ||
		    !d->title || !d->trusts_key || !d->key_file_what || !d->instead || !d->finish || !d->claims ||
		    !d->hint) {
			print_error("provider '%s' does not map to its definition\n", provider_rows[i].name);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* out of range: the default provider, and no name */
	assert_ptr_equal(jc_provider_of(JC_PROVIDER_COUNT), &jc_provider_salesforce);
	assert_string_equal(jc_provider_name(JC_PROVIDER_COUNT), "?");
}

static void test_unknown_names_refused(void **state)
{
	static const char *names[] = { "Salesforce", "GOOGLE", "salesforce ", "", "sf", "github",
	                               "generic\n", "?" };
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };
	char names_text[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_null(jc_provider_find(names[i]));
	assert_null(jc_provider_find(NULL));
	jc_provider_names(names_text, sizeof(names_text));
	assert_string_equal(names_text, "salesforce, google, generic, client-credentials, github-app");
	/* and the configuration says which it knows */
	assert_int_equal(tu_conf_load_strict("profiles = { x = { provider = \"github\"; }; };", "t.conf",
	                                     &cfg, &err),
	                 JWTCRED_E_CONFIG);
	assert_null(cfg);
	assert_string_equal(err.text,
	                    "'t.conf':1: unknown provider 'github' in profile 'x' (known: salesforce, google, generic, client-credentials, github-app)");
}

/* The key file setting each provider reads, through the table's offset. */
static void test_key_file_setting(void **state)
{
	struct jc_profile p;

	(void)state;
	tu_profile_init(&p, "/keys/prod.key");
	p.service_account_file = strdup("/keys/sa.json");
	p.provider = JC_PROVIDER_SALESFORCE;
	assert_string_equal(jc_provider_key_file(&p), "/keys/prod.key");
	p.provider = JC_PROVIDER_GENERIC;
	assert_string_equal(jc_provider_key_file(&p), "/keys/prod.key");
	p.provider = JC_PROVIDER_GOOGLE;
	assert_string_equal(jc_provider_key_file(&p), "/keys/sa.json");
	tu_profile_free(&p);
}

/* Every provider's hints, and the clock hint before them. */
static void test_hint_dispatch(void **state)
{
	struct jc_profile p;
	struct jc_hint_in in = { NULL, "invalid_client", "audience is invalid", "'https://a'", -1, false };
	char buf[JWTCRED_ERROR_TEXT_LENGTH];
	const char *h;

	(void)state;
	/* no profile: the default provider's */
	h = jc_provider_hint(&in, buf, sizeof(buf));
	assert_non_null(h);
	assert_true(tu_contains(h, "https://test.salesforce.com"));
	tu_profile_init(&p, "/keys/prod.key");
	p.provider = JC_PROVIDER_GENERIC;
	in.p = &p;
	h = jc_provider_hint(&in, buf, sizeof(buf));
	assert_non_null(h);
	assert_true(tu_contains(h, "check 'issuer'"));
	assert_false(tu_contains(h, "salesforce"));
	in.desc = "JWT expired";
	h = jc_provider_hint(&in, buf, sizeof(buf));
	assert_non_null(h);
	assert_true(tu_contains(h, "the server sent no Date"));
	in.error = "invalid_request";
	in.desc = "something else";
	assert_null(jc_provider_hint(&in, buf, sizeof(buf)));
	tu_profile_free(&p);
}

/* The client-credentials hints: Entra ID's AADSTS codes, Okta's, Keycloak's and Auth0's texts. */
static void test_client_hints(void **state)
{
	static const struct {
		const char *error, *desc, *want;
	} rows[] = {
		{ "invalid_client", "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.",
		  "az ad app credential reset --id 11111111-2222 --cert @FILE" },
		{ "unauthorized_client", "AADSTS700016: Application with identifier 'x' was not found in the directory 'y'.", "check 'client_id'" },
		{ "invalid_request", "AADSTS90002: Tenant 'y' not found.", "set 'tenant'" },
		{ "invalid_client", "AADSTS700024: Client assertion is not within its valid time range.", "clock" },
		{ "invalid_scope", "AADSTS1002012: The provided value for scope x is not valid.", "/.default" },
		{ "invalid_client", "The audience claim for client_assertion must be the endpoint invoked for the request.", "aud 'https://a'" },
		{ "invalid_client", "Client authentication with signed JWT failed: Token reuse detected", "jti before" },
		{ "invalid_client", "The 'jti' claim in the client_assertion token has already been used", "jti before" },
		{ "invalid_client", "The client_assertion signature is invalid.", "'key_id'" },
		{ "invalid_client", "Invalid client or client credentials", "private_key_jwt" },
	};
	struct jc_profile p;
	struct jc_hint_in in = { NULL, NULL, NULL, "'https://a'", -1, false };
	char buf[JWTCRED_ERROR_TEXT_LENGTH];
	const char *h;
	size_t i;
	int bad = 0;

	(void)state;
	tu_profile_init(&p, "/keys/c.pem");
	p.provider = JC_PROVIDER_CLIENT;
	free(p.issuer);
	p.issuer = strdup("11111111-2222");
	in.p = &p;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		in.error = rows[i].error;
		in.desc = rows[i].desc;
		h = jc_provider_hint(&in, buf, sizeof(buf));
		if (!h || !tu_contains(h, rows[i].want)) {
			print_error("'%s': hint '%s' lacks '%s'\n", rows[i].desc, h ? h : "(none)", rows[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* Salesforce's External Client Apps word a user outside the policies so */
	p.provider = JC_PROVIDER_SALESFORCE;
	in.error = "invalid_grant";
	in.desc = "user is not admin approved to access this app";
	h = jc_provider_hint(&in, buf, sizeof(buf));
	assert_non_null(h);
	assert_true(tu_contains(h, "External Client App's Policies"));
	tu_profile_free(&p);
}

/* nbf = iat, exp = iat + assertion_lifetime, no scope claim (it goes in the form). */
static void test_client_claims(void **state)
{
	struct jc_profile p;
	struct jc_claims c = { 0 };

	(void)state;
	tu_profile_init(&p, "/keys/c.pem");
	p.provider = JC_PROVIDER_CLIENT;
	p.scope_in = JC_SCOPE_FORM;
	p.scope = strdup("x/.default");
	p.assertion_lifetime = 120;
	jc_provider_client.claims(&p, "https://aud", 1000000, &c);
	assert_string_equal(c.aud, "https://aud");
	assert_int_equal(c.iat, 1000000 - JC_IAT_BACKDATE);
	assert_int_equal(c.nbf, c.iat);
	assert_int_equal(c.exp, c.iat + 120);
	assert_null(c.scope);
	memset(&c, 0, sizeof(c));
	jc_provider_generic.claims(&p, "https://aud", 1000000, &c);
	assert_int_equal(c.nbf, 0); /* the others send none */
	tu_profile_free(&p);
}

static void test_alg_table(void **state)
{
	const struct jc_alg *a;
	char list[160], bits[8];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; (a = jc_alg_at(i)); i++) {
		bool ok = jc_alg_find(a->name) == a && jc_alg_known(a->name);

		snprintf(bits, sizeof(bits), "%u", a->hash_bits);
		switch (a->family) {
		case JC_FAMILY_RSA:
		case JC_FAMILY_RSA_PSS:
			ok = ok && a->name[0] == (a->family == JC_FAMILY_RSA ? 'R' : 'P') &&
			     strcmp(a->name + 2, bits) == 0 && !a->curve && a->coord == 0 &&
			     a->min_bits == 2048;
			break;
		case JC_FAMILY_EC:
			/* R and S are as wide as the curve's order: P-521 takes 66 bytes */
			ok = ok && a->name[0] == 'E' && strcmp(a->name + 2, bits) == 0 && a->curve &&
			     a->coord == (strtoul(a->curve + 2, NULL, 10) + 7) / 8 && a->min_bits == 0;
			break;
		case JC_FAMILY_EDDSA:
			ok = ok && strcmp(a->name, "EdDSA") == 0 && a->hash_bits == 0 && !a->curve;
			break;
		}
		if (!ok) {
			print_error("algorithm row %zu (%s) is inconsistent\n", i, a->name);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_int_equal(i, 10);
	assert_null(jc_alg_find(NULL));
	assert_null(jc_alg_find("rs256"));
	assert_null(jc_alg_find("HS256"));
	assert_false(jc_alg_known("none"));
	jc_alg_list(list, sizeof(list));
	assert_string_equal(list, "RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 or EdDSA");
	/* a short buffer is cut, never overrun */
	jc_alg_list(list, 8);
	assert_string_equal(list, "RS256, ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_name_maps_to_its_file),
		cmocka_unit_test(test_unknown_names_refused),
		cmocka_unit_test(test_key_file_setting),
		cmocka_unit_test(test_hint_dispatch),
		cmocka_unit_test(test_client_hints),
		cmocka_unit_test(test_client_claims),
		cmocka_unit_test(test_alg_table),
	};

	return cmocka_run_group_tests_name("provider", tests, NULL, NULL);
}
