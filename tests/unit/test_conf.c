/*
 * test_conf.c: profiles from libconfig text.  The defaults of a minimal
 * profile, path resolution (config directory, "~/"), every class of error
 * with the file and exact line in its message, profile lookup by name and
 * by URL.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/allow.h"
#include "core/conf.h"
#include "testutil.h"

#define NAME "t.conf"

/* The first five lines of most texts below; the next setting is on line 6. */
#define HEAD                                        \
	"profiles = {\n"                            \
	"  prod = {\n"                              \
	"    client_id = \"3MVG9example\";\n"       \
	"    username = \"ci@example.com\";\n"      \
	"    private_key = \"/keys/prod.key\";\n"
#define TAIL "  };\n};\n"

/* A Google profile: the next setting is on line 6. */
#define GHEAD                                                                  \
	"profiles = {\n"                                                       \
	"  g = {\n"                                                            \
	"    provider = \"google\";\n"                                         \
	"    service_account_file = \"/keys/sa.json\";\n"                      \
	"    scopes = [ \"https://www.googleapis.com/auth/cloud-platform\" ];\n"

/* A generic profile: the next setting is on line 7. */
#define XHEAD                                              \
	"profiles = {\n"                                   \
	"  x = {\n"                                        \
	"    provider = \"generic\";\n"                    \
	"    token_url = \"https://idp.example.com/token\";\n" \
	"    issuer = \"svc-deployer\";\n"                 \
	"    private_key = \"/keys/x.pem\";\n"

static struct jwtcred_config *load_ok(const char *text)
{
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };
	int rc = jc_conf_load_string(text, NAME, &cfg, &err);

	if (rc != JWTCRED_OK)
		print_error("unexpected error %d: %s\n", rc, err.text);
	assert_int_equal(rc, JWTCRED_OK);
	assert_non_null(cfg);
	return cfg;
}

static void test_minimal_profile_defaults(void **state)
{
	struct jwtcred_config *cfg = load_ok(HEAD TAIL);
	const struct jc_profile *p;

	(void)state;
	assert_int_equal(cfg->nprofiles, 1);
	p = &cfg->profiles[0];
	assert_string_equal(p->name, "prod");
	assert_int_equal(p->line, 2);
	assert_int_equal(p->provider, JC_PROVIDER_SALESFORCE);
	assert_string_equal(p->issuer, "3MVG9example");
	assert_string_equal(p->subject, "ci@example.com");
	assert_string_equal(p->private_key, "/keys/prod.key");
	assert_string_equal(p->login_url, "https://login.salesforce.com");
	assert_string_equal(p->token_url, "https://login.salesforce.com/services/oauth2/token");
	assert_string_equal(p->revoke_url, "https://login.salesforce.com/services/oauth2/revoke");
	assert_string_equal(p->audiences[0], "https://login.salesforce.com");
	assert_string_equal(p->algorithm, "RS256");
	assert_string_equal(p->git_username, "ci@example.com");
	assert_string_equal(p->docker_username, "ci@example.com");
	assert_int_equal(p->naudiences, 1);
	assert_false(p->token_url_set);
	assert_true(p->jti);
	assert_int_equal(p->scope_in, JC_SCOPE_CLAIM);
	assert_null(p->service_account_file);
	assert_null(p->key_id);
	assert_null(p->claims);
	assert_int_equal(p->nform, 0);
	assert_null(p->callback_url);
	assert_int_equal(p->assertion_lifetime, 180);
	assert_int_equal(p->token_lifetime, 900);
	assert_int_equal(p->refresh_margin, 60);
	assert_int_equal(p->refresh_ahead, JC_REFRESH_AHEAD_AUTO);
	assert_false(p->refresh_ahead_set);
	assert_int_equal(p->timeout, 30);
	assert_true(p->cache);
	assert_null(p->scope);
	assert_null(p->passphrase_file);
	assert_null(p->passphrase_env);
	assert_null(p->ca_file);
	assert_null(p->certificate);
	assert_int_equal(p->nurls, 0);
	jc_conf_free(cfg);
}

/* A token_url keeps its query, exactly as written; so does the default audience. */
static void test_token_url_query(void **state)
{
	struct jwtcred_config *cfg;
	const struct jc_profile *p;

	(void)state;
	cfg = load_ok(HEAD "    token_url = \"https://login.example.com/services/oauth2/token?so=1&x=a%20b\";\n" TAIL);
	p = &cfg->profiles[0];
	assert_string_equal(p->token_url, "https://login.example.com/services/oauth2/token?so=1&x=a%20b");
	assert_true(p->token_url_set);
	assert_string_equal(p->audiences[0], "https://login.salesforce.com"); /* Salesforce: from login_url */
	jc_conf_free(cfg);
	cfg = load_ok("profiles = {\n  x = {\n    provider = \"generic\";\n"
	              "    token_url = \"https://idp.example.com/oauth2/token?api-version=2.0\";\n"
	              "    issuer = \"svc\";\n    private_key = \"/keys/x.pem\";\n  };\n};\n");
	p = &cfg->profiles[0];
	assert_string_equal(p->token_url, "https://idp.example.com/oauth2/token?api-version=2.0");
	assert_int_equal(p->naudiences, 1);
	assert_string_equal(p->audiences[0], "https://idp.example.com/oauth2/token?api-version=2.0");
	jc_conf_free(cfg);
	cfg = load_ok(GHEAD "    token_url = \"https://oauth2.example.com/token?alt=json\";\n" TAIL);
	assert_string_equal(cfg->profiles[0].token_url, "https://oauth2.example.com/token?alt=json");
	jc_conf_free(cfg);
}

/* Endpoints and audience follow login_url; explicit settings win. */
static void test_login_url_derivations(void **state)
{
	struct jwtcred_config *cfg;
	const struct jc_profile *p;

	(void)state;
	cfg = load_ok(HEAD "    login_url = \"https://test.salesforce.com/\";\n" TAIL);
	p = &cfg->profiles[0];
	assert_string_equal(p->token_url, "https://test.salesforce.com/services/oauth2/token");
	assert_string_equal(p->revoke_url, "https://test.salesforce.com/services/oauth2/revoke");
	assert_string_equal(p->audiences[0], "https://test.salesforce.com");
	jc_conf_free(cfg);

	cfg = load_ok(HEAD
	              "    login_url = \"https://example.my.salesforce.com\";\n"
	              "    audience = \"https://login.salesforce.com\";\n"
	              "    token_url = \"https://token.example.com/oauth/token\";\n"
	              "    git_username = \"git-user\";\n"
	              "    scope = \"api\";\n"
	              "    cache = false;\n"
	              "    timeout = 5;\n"
	              "    token_lifetime = 3600;\n"
	              "    refresh_margin = 300;\n"
	              "    refresh_ahead = 301;\n"
	              "    assertion_lifetime = 60;\n"
	              "    urls = [ \"https://git.example.com/team/\", \"https://*.example.net\" ];\n"
	              TAIL);
	p = &cfg->profiles[0];
	assert_string_equal(p->token_url, "https://token.example.com/oauth/token");
	assert_string_equal(p->revoke_url, "https://example.my.salesforce.com/services/oauth2/revoke");
	assert_string_equal(p->audiences[0], "https://login.salesforce.com");
	assert_string_equal(p->git_username, "git-user");
	assert_string_equal(p->scope, "api");
	assert_false(p->cache);
	assert_int_equal(p->timeout, 5);
	assert_int_equal(p->token_lifetime, 3600);
	assert_int_equal(p->refresh_margin, 300);
	assert_int_equal(p->refresh_ahead, 301);
	assert_true(p->refresh_ahead_set);
	assert_int_equal(p->assertion_lifetime, 60);
	assert_int_equal(p->nurls, 2);
	assert_string_equal(p->urls[0].host, "git.example.com");
	assert_string_equal(p->urls[0].path, "team");
	assert_int_equal(p->urls[0].port, 443);
	assert_string_equal(p->urls[1].host, "*.example.net");
	jc_conf_free(cfg);

	/* an Experience Cloud site: its path is part of the endpoints and the audience */
	cfg = load_ok(HEAD "    login_url = \"https://Acme.my.site.com:443/partners/\";\n" TAIL);
	p = &cfg->profiles[0];
	assert_string_equal(p->audiences[0], "https://acme.my.site.com/partners");
	assert_true(tu_contains(p->token_url, "/partners/services/oauth2/token"));
	jc_conf_free(cfg);

	/* refresh_ahead = 0: off, whatever the margin */
	cfg = load_ok(HEAD "    refresh_ahead = 0;\n" TAIL);
	p = &cfg->profiles[0];
	assert_int_equal(p->refresh_ahead, 0);
	assert_true(p->refresh_ahead_set);
	jc_conf_free(cfg);
}

struct bad_row {
	const char *what;
	const char *text;
	int line;          /* the line the message must name; 0: no line exists */
	int alt_line;      /* another acceptable line, or 0 */
	const char *want;  /* must appear in the message */
	const char *exact; /* when set, the whole message */
};

static const struct bad_row bad_rows[] = {
	{ "syntax error", HEAD "    timeout = ;\n" TAIL, 6, 0, "syntax error", NULL },
	{ "syntax error (bare word)", HEAD "    scope = \"api\";\n    timeout = five;\n" TAIL, 7, 0,
	  "syntax error", NULL },
	{ "syntax error (unclosed group)", HEAD "    scope = \"api\";\n", 7, 6, "syntax error", NULL },
	{ "unknown setting, with suggestion", HEAD "    clientid = \"x\";\n" TAIL, 6, 0, NULL,
	  "'" NAME "':6: unknown setting 'clientid' in profile 'prod' (did you mean 'client_id'?)" },
	{ "unknown setting, suggestion for urls", HEAD "    url = [ \"https://a.example.com\" ];\n" TAIL,
	  6, 0, "(did you mean 'urls'?)", NULL },
	{ "unknown setting, no suggestion", HEAD "    frobnicate = 1;\n" TAIL, 6, 0,
	  "unknown setting 'frobnicate' in profile 'prod'", NULL },
	{ "string for integer", HEAD "    timeout = \"30\";\n" TAIL, 6, 0,
	  "'timeout' in profile 'prod' must be an integer", NULL },
	{ "float for integer", HEAD "    token_lifetime = 900.0;\n" TAIL, 6, 0,
	  "'token_lifetime' in profile 'prod' must be an integer", NULL },
	{ "integer for string", HEAD "    audience = 5;\n" TAIL, 6, 0,
	  "'audience' in profile 'prod' must be a string", NULL },
	{ "boolean for string", HEAD "    scope = true;\n" TAIL, 6, 0,
	  "'scope' in profile 'prod' must be a string", NULL },
	{ "string for bool", HEAD "    cache = \"yes\";\n" TAIL, 6, 0,
	  "'cache' in profile 'prod' must be true or false", NULL },
	{ "integer for bool", HEAD "    cache = 1;\n" TAIL, 6, 0,
	  "'cache' in profile 'prod' must be true or false", NULL },
	{ "urls not a list", HEAD "    urls = \"https://git.example.com\";\n" TAIL, 6, 0,
	  "'urls' in profile 'prod' must be a list", NULL },
	{ "urls array of integers", HEAD "    urls = [ 5 ];\n" TAIL, 6, 0,
	  "'urls' in profile 'prod' must hold strings", NULL },
	{ "urls list with an integer", HEAD "    urls = ( \"https://a.example.com\",\n      5 );\n" TAIL,
	  7, 0, "'urls' in profile 'prod' must hold strings", NULL },
	{ "urls group", HEAD "    urls = { a = \"https://a.example.com\"; };\n" TAIL, 6, 0,
	  "'urls' in profile 'prod' must be a list", NULL },
	{ "missing client_id",
	  "profiles = {\n  prod = {\n    username = \"u\";\n    private_key = \"/k\";\n  };\n};\n", 2, 0,
	  NULL, "'" NAME "':2: profile 'prod' has no 'client_id' (required)" },
	{ "missing username",
	  "profiles = {\n  prod = {\n    client_id = \"c\";\n    private_key = \"/k\";\n  };\n};\n", 2, 0,
	  NULL, "'" NAME "':2: profile 'prod' has no 'username' (required)" },
	{ "missing private_key",
	  "profiles = {\n  prod = {\n    client_id = \"c\";\n    username = \"u\";\n  };\n};\n", 2, 0,
	  NULL, "'" NAME "':2: profile 'prod' has no 'private_key' (required)" },
	{ "missing in the second profile",
	  "profiles = {\n  a = {\n    client_id = \"c\";\n    username = \"u\";\n    private_key = \"/k\";\n"
	  "  };\n  b = {\n    client_id = \"c\";\n    private_key = \"/k\";\n  };\n};\n", 7, 0,
	  "profile 'b' has no 'username'", NULL },
	{ "empty string", HEAD "    scope = \"\";\n" TAIL, 6, 0, "'scope' in profile 'prod' is empty", NULL },
	{ "http login_url", HEAD "    login_url = \"http://login.salesforce.com\";\n" TAIL, 6, 0,
	  "'login_url' in profile 'prod' must be an https URL", NULL },
	{ "http token_url", HEAD "    token_url = \"http://login.salesforce.com/services/oauth2/token\";\n" TAIL,
	  6, 0, "'token_url' in profile 'prod' must be an https URL", NULL },
	{ "http revoke_url", HEAD "    revoke_url = \"http://login.salesforce.com/x\";\n" TAIL, 6, 0,
	  "'revoke_url' in profile 'prod' must be an https URL", NULL },
	{ "login_url with userinfo", HEAD "    login_url = \"https://me@login.salesforce.com\";\n" TAIL, 6, 0,
	  "'login_url' in profile 'prod'", NULL },
	{ "token_url with userinfo", HEAD "    token_url = \"https://me:pw@login.salesforce.com/t\";\n" TAIL,
	  6, 0, "'token_url' in profile 'prod'", NULL },
	{ "login_url with a query", HEAD "    login_url = \"https://login.salesforce.com/?next=x\";\n" TAIL,
	  6, 0, "'login_url' in profile 'prod'", NULL },
	/* a token_url may have a query (RFC 6749 section 3.2), nothing else of the kind */
	{ "token_url with a fragment", HEAD "    token_url = \"https://idp.example.com/t?x=1#top\";\n" TAIL, 6, 0,
	  NULL, "'" NAME "':6: 'token_url' in profile 'prod' is not a valid URL: 'https://idp.example.com/t?x=1#top' has a fragment ('#...') (write https://host[:port][/path][?query])" },
	{ "token_url with userinfo and a query", HEAD "    token_url = \"https://me@idp.example.com/t?x=1\";\n" TAIL,
	  6, 0, "has a user name or password", NULL },
	{ "token_url with a bad escape in the query", HEAD "    token_url = \"https://idp.example.com/t?x=%g0\";\n" TAIL,
	  6, 0, "'%' that is not followed by two hex digits", NULL },
	{ "token_url with a dot segment", HEAD "    token_url = \"https://idp.example.com/a/../t\";\n" TAIL, 6, 0,
	  "has a '.' or '..' path segment", NULL },
	{ "revoke_url with a query", HEAD "    revoke_url = \"https://idp.example.com/revoke?x=1\";\n" TAIL, 6, 0,
	  NULL, "'" NAME "':6: 'revoke_url' in profile 'prod' is not a valid URL: 'https://idp.example.com/revoke?x=1' has a query ('?...') (write https://host[:port][/path])" },
	{ "non-https url in urls", HEAD "    urls = [ \"http://git.example.com\" ];\n" TAIL, 6, 0,
	  "not https", NULL },
	{ "url with userinfo in urls", HEAD "    urls = [ \"https://user@git.example.com\" ];\n" TAIL, 6, 0,
	  "user name", NULL },
	{ "url with a query in urls", HEAD "    urls = [ \"https://git.example.com/team?x=1\" ];\n" TAIL, 6, 0,
	  "query", NULL },
	{ "url with a fragment in urls", HEAD "    urls = [ \"https://git.example.com/#x\" ];\n" TAIL, 6, 0,
	  "fragment", NULL },
	{ "second url bad", HEAD "    urls = [ \"https://a.example.com\",\n             \"ftp://b.example.com\" ];\n" TAIL,
	  7, 0, "not https", NULL },
	{ "url with a space", HEAD "    urls = [ \"https://git.example.com/a b\" ];\n" TAIL, 6, 0,
	  "space or control", NULL },
	{ "url with a bad wildcard", HEAD "    urls = [ \"https://a.*.example.com\" ];\n" TAIL, 6, 0,
	  "invalid host", NULL },
	/* a wildcard never covers a public suffix, ICANN or private (libpsl decides) */
	{ "wildcard over a top-level domain", HEAD "    urls = [ \"https://*.com\" ];\n" TAIL, 6, 0, NULL,
	  "'" NAME "':6: in 'urls' of profile 'prod': URL 'https://*.com' would send the token to every site under 'com', a public suffix: list the hosts, or put the wildcard under a domain you own (https://*.example.com)" },
	{ "wildcard over co.uk", HEAD "    urls = [ \"https://git.example.co.uk\",\n             \"https://*.co.uk/team\" ];\n" TAIL,
	  7, 0, "URL 'https://*.co.uk/team' would send the token to every site under 'co.uk', a public suffix", NULL },
	{ "wildcard over github.io (private section)", HEAD "    urls = [ \"https://*.github.io\" ];\n" TAIL, 6, 0,
	  "every site under 'github.io', a public suffix", NULL },
	{ "wildcard over an address", HEAD "    urls = [ \"https://*.0.0.1\" ];\n" TAIL, 6, 0,
	  "over an IP address", NULL },
	{ "url with port 0", HEAD "    urls = [ \"https://git.example.com:0\" ];\n" TAIL, 6, 0,
	  "invalid host or port", NULL },
	{ "url with port 65536", HEAD "    urls = [ \"https://git.example.com:65536/\" ];\n" TAIL, 6, 0,
	  "invalid host or port", NULL },
	{ "integer below range", HEAD "    timeout = 0;\n" TAIL, 6, 0, NULL,
	  "'" NAME "':6: 'timeout' in profile 'prod' is 0: it must be between 1 and 600" },
	{ "integer above range", HEAD "    assertion_lifetime = 3601;\n" TAIL, 6, 0,
	  "'assertion_lifetime' in profile 'prod' is 3601", NULL },
	{ "negative integer", HEAD "    refresh_margin = -1;\n" TAIL, 6, 0,
	  "'refresh_margin' in profile 'prod' is -1", NULL },
	{ "huge integer", HEAD "    token_lifetime = 99999999999L;\n" TAIL, 6, 0,
	  "'token_lifetime' in profile 'prod' is 99999999999", NULL },
	{ "refresh_margin equal to token_lifetime",
	  HEAD "    token_lifetime = 120;\n    refresh_margin = 120;\n" TAIL, 7, 0,
	  "'refresh_margin' (120) in profile 'prod' must be shorter than 'token_lifetime' (120)", NULL },
	{ "refresh_margin above token_lifetime", HEAD "    refresh_margin = 600;\n    token_lifetime = 300;\n" TAIL,
	  6, 0, "must be shorter than 'token_lifetime' (300)", NULL },
	{ "refresh_ahead within the margin", HEAD "    refresh_margin = 120;\n    refresh_ahead = 120;\n" TAIL,
	  7, 0, NULL,
	  "'" NAME "':7: 'refresh_ahead' (120) in profile 'prod' must be longer than 'refresh_margin' (120), or 0 to refresh only when the token is due" },
	{ "refresh_ahead within the default margin", HEAD "    refresh_ahead = 30;\n" TAIL, 6, 0,
	  "'refresh_ahead' (30) in profile 'prod' must be longer than 'refresh_margin' (60)", NULL },
	{ "refresh_ahead above range", HEAD "    refresh_ahead = 86401;\n" TAIL, 6, 0,
	  "'refresh_ahead' in profile 'prod' is 86401: it must be between 0 and 86400", NULL },
	{ "refresh_ahead not an integer", HEAD "    refresh_ahead = true;\n" TAIL, 6, 0,
	  "'refresh_ahead' in profile 'prod' must be an integer (seconds)", NULL },
	/* the default margin (60) against a short token_lifetime: name a line all the same */
	{ "default refresh_margin against token_lifetime", HEAD "    token_lifetime = 60;\n" TAIL, 6, 2,
	  "must be shorter than 'token_lifetime' (60)", NULL },
	{ "both passphrase_file and passphrase_env",
	  HEAD "    passphrase_file = \"/keys/pw\";\n    passphrase_env = \"PW\";\n" TAIL, 2, 7,
	  "both 'passphrase_file' and 'passphrase_env'", NULL },
	{ "unknown provider", HEAD "    provider = \"okta\";\n" TAIL, 6, 0,
	  "unknown provider 'okta' in profile 'prod' (known: salesforce, google, generic, client-credentials, github-app)", NULL },
	{ "non-RS256 algorithm", HEAD "    algorithm = \"ES256\";\n" TAIL, 6, 0,
	  "algorithm 'ES256' in profile 'prod' is not supported", NULL },
	{ "none algorithm", HEAD "    algorithm = \"none\";\n" TAIL, 6, 0, "'none'", NULL },
	{ "~user path", HEAD "    ca_file = \"~root/ca.pem\";\n" TAIL, 6, 0, "only '~/'", NULL },
	{ "unknown top-level setting", "verbose = true;\n" HEAD TAIL, 1, 0,
	  "unknown top-level setting 'verbose'", NULL },
	{ "unknown top-level setting after profiles", HEAD TAIL "\n\nprofile = {};\n", 10, 0,
	  "unknown top-level setting 'profile'", NULL },
	{ "two profiles with one name",
	  "profiles = {\n  a = { client_id = \"c\"; username = \"u\"; private_key = \"/k\"; };\n"
	  "  a = { client_id = \"c\"; username = \"u\"; private_key = \"/k\"; };\n};\n", 3, 0,
	  "duplicate", NULL },
	{ "missing profiles", "# nothing here\n", 0, 0, "no 'profiles' group", NULL },
	{ "profiles not a group", "\nprofiles = [ \"prod\" ];\n", 2, 0, "'profiles' must be a group", NULL },
	{ "empty profiles", "\nprofiles = {\n};\n", 2, 0, "'profiles' is empty", NULL },
	{ "profile not a group", "profiles = {\n  prod = \"x\";\n};\n", 2, 0,
	  "profile 'prod' must be a group", NULL },
	{ "@include", "profiles = {\n  prod = {\n@include \"/etc/passwd\"\n  };\n};\n", 3, 0,
	  "@include", NULL },
};

/* Provider-specific settings, and the settings of the other providers. */
static const struct bad_row provider_rows[] = {
	{ "salesforce: service_account_file", HEAD "    service_account_file = \"/keys/sa.json\";\n" TAIL, 6, 0,
	  NULL, "'" NAME "':6: 'service_account_file' in profile 'prod' applies to provider \"google\" only, not \"salesforce\": use 'private_key'" },
	{ "salesforce: issuer", HEAD "    issuer = \"x\";\n" TAIL, 6, 0,
	  "'issuer' in profile 'prod' applies to provider \"generic\" only, not \"salesforce\": use 'client_id'", NULL },
	{ "salesforce: subject", HEAD "    subject = \"x\";\n" TAIL, 6, 0,
	  "applies to providers \"google\" and \"generic\" only, not \"salesforce\": use 'username'", NULL },
	{ "salesforce: claims", HEAD "    claims = { a = 1; };\n" TAIL, 6, 0,
	  "'claims' in profile 'prod' applies to provider \"generic\" only", NULL },
	{ "salesforce: key_id", HEAD "    key_id = \"k\";\n" TAIL, 6, 0, "applies to providers \"generic\" and \"client-credentials\" only", NULL },
	{ "salesforce: form", HEAD "    form = { a = \"b\"; };\n" TAIL, 6, 0, "applies to providers \"generic\" and \"client-credentials\" only", NULL },
	{ "salesforce: scope_in", HEAD "    scope_in = \"form\";\n" TAIL, 6, 0, "applies to provider \"generic\" only", NULL },
	{ "google: client_id", GHEAD "    client_id = \"x\";\n" TAIL, 6, 0,
	  "'client_id' in profile 'g' applies to providers \"salesforce\", \"client-credentials\" and \"github-app\" only, not \"google\"", NULL },
	{ "google: username", GHEAD "    username = \"x\";\n" TAIL, 6, 0, "use 'subject'", NULL },
	{ "google: private_key", GHEAD "    private_key = \"/k\";\n" TAIL, 6, 0,
	  "applies to providers \"salesforce\", \"generic\", \"client-credentials\" and \"github-app\" only, not \"google\": use 'service_account_file'", NULL },
	{ "google: passphrase_file", GHEAD "    passphrase_file = \"/p\";\n" TAIL, 6, 0,
	  "'passphrase_file' in profile 'g' applies to providers \"salesforce\", \"generic\", \"client-credentials\" and \"github-app\" only", NULL },
	{ "google: certificate", GHEAD "    certificate = \"/c\";\n" TAIL, 6, 0, "'certificate' in profile 'g' applies to", NULL },
	{ "google: login_url", GHEAD "    login_url = \"https://login.salesforce.com\";\n" TAIL, 6, 0,
	  "'login_url' in profile 'g' applies to provider \"salesforce\" only", NULL },
	{ "google: callback_url", GHEAD "    callback_url = \"https://x\";\n" TAIL, 6, 0, "applies to provider \"salesforce\" only", NULL },
	{ "google: issuer", GHEAD "    issuer = \"x\";\n" TAIL, 6, 0, "applies to provider \"generic\" only", NULL },
	{ "google: ES256", GHEAD "    algorithm = \"ES256\";\n" TAIL, 6, 0,
	  "algorithm 'ES256' in profile 'g' is not supported: the Google provider signs with RS256", NULL },
	{ "google: no scopes",
	  "profiles = {\n  g = {\n    provider = \"google\";\n    service_account_file = \"/k.json\";\n  };\n};\n", 2, 0,
	  "profile 'g' has no 'scopes' (required for provider \"google\"): scopes = [ \"https://www.googleapis.com/auth/cloud-platform\" ]", NULL },
	{ "google: no service_account_file",
	  "profiles = {\n  g = {\n    provider = \"google\";\n    scope = \"a\";\n  };\n};\n", 2, 0,
	  "profile 'g' has no 'service_account_file' (required for provider \"google\")", NULL },
	{ "generic: client_id", XHEAD "    client_id = \"x\";\n" TAIL, 7, 0,
	  "'client_id' in profile 'x' applies to providers \"salesforce\", \"client-credentials\" and \"github-app\" only, not \"generic\": use 'issuer'", NULL },
	{ "generic: username", XHEAD "    username = \"x\";\n" TAIL, 7, 0, "use 'subject'", NULL },
	{ "generic: login_url", XHEAD "    login_url = \"https://a\";\n" TAIL, 7, 0, "use 'token_url'", NULL },
	{ "generic: service_account_file", XHEAD "    service_account_file = \"/a\";\n" TAIL, 7, 0, "use 'private_key'", NULL },
	{ "generic: no token_url",
	  "profiles = {\n  x = {\n    provider = \"generic\";\n    issuer = \"i\";\n    private_key = \"/k\";\n  };\n};\n",
	  2, 0, NULL, "'" NAME "':2: profile 'x' has no 'token_url' (required for provider \"generic\")" },
	{ "generic: no issuer",
	  "profiles = {\n  x = {\n    provider = \"generic\";\n    token_url = \"https://a\";\n    private_key = \"/k\";\n  };\n};\n",
	  2, 0, "has no 'issuer' (required for provider \"generic\")", NULL },
	{ "generic: no private_key",
	  "profiles = {\n  x = {\n    provider = \"generic\";\n    token_url = \"https://a\";\n    issuer = \"i\";\n  };\n};\n",
	  2, 0, "has no 'private_key' (required for provider \"generic\")", NULL },
	{ "generic: http token_url", XHEAD "    revoke_url = \"http://a/revoke\";\n" TAIL, 7, 0,
	  "'revoke_url' in profile 'x' must be an https URL", NULL },
	{ "generic: HS256", XHEAD "    algorithm = \"HS256\";\n" TAIL, 7, 0,
	  "algorithm 'HS256' in profile 'x' is not supported: use RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 or EdDSA", NULL },
	{ "generic: none", XHEAD "    algorithm = \"none\";\n" TAIL, 7, 0, "algorithm 'none'", NULL },
	{ "generic: lower-case es256", XHEAD "    algorithm = \"es256\";\n" TAIL, 7, 0, "algorithm 'es256'", NULL },
	{ "generic: scope_in", XHEAD "    scope_in = \"header\";\n" TAIL, 7, 0,
	  "'scope_in' in profile 'x' is 'header': it must be \"claim\", \"form\" or \"both\"", NULL },
	/* scope and scopes */
	{ "scope and scopes", GHEAD "    scope = \"a\";\n" TAIL, 6, 0,
	  "profile 'g' sets both 'scope' and 'scopes': keep one", NULL },
	{ "scopes not a list", HEAD "    scopes = \"a b\";\n" TAIL, 6, 0, "'scopes' in profile 'prod' must be a list of strings", NULL },
	{ "scopes empty", HEAD "    scopes = [ ];\n" TAIL, 6, 0, "'scopes' in profile 'prod' is an empty list", NULL },
	{ "scopes with a space", HEAD "    scopes = [ \"a\",\n      \"b c\" ];\n" TAIL, 7, 0,
	  "an entry of 'scopes' in profile 'prod' contains a space", NULL },
	{ "scopes with an integer", HEAD "    scopes = ( \"a\", 5 );\n" TAIL, 6, 0, "'scopes' in profile 'prod' must be a string", NULL },
	{ "scopes with an empty one", HEAD "    scopes = [ \"\" ];\n" TAIL, 6, 0, "'scopes' in profile 'prod' is empty", NULL },
	/* audience lists */
	{ "audience empty list", HEAD "    audience = [ ];\n" TAIL, 6, 0, "'audience' in profile 'prod' is an empty list", NULL },
	{ "audience integer", HEAD "    audience = 5;\n" TAIL, 6, 0, "'audience' in profile 'prod' must be a string or a list of strings", NULL },
	{ "audience list with an integer", HEAD "    audience = ( \"https://a\",\n      5 );\n" TAIL, 7, 0,
	  "'audience' in profile 'prod' must be a string, not an integer", NULL },
	{ "audience twice", HEAD "    audience = [ \"https://a\", \"https://a\" ];\n" TAIL, 6, 0,
	  "'audience' in profile 'prod' lists 'https://a' twice", NULL },
	{ "audience too many", HEAD "    audience = [ \"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\",\"12\",\"13\",\"14\",\"15\",\"16\",\"17\" ];\n" TAIL,
	  6, 0, "lists 17 values: at most 16", NULL },
	{ "audience group", HEAD "    audience = { a = \"x\"; };\n" TAIL, 6, 0, "must be a string or a list of strings, not a group", NULL },
	/* claims */
	{ "claims not a group", XHEAD "    claims = [ \"a\" ];\n" TAIL, 7, 0, "'claims' in profile 'x' must be a group", NULL },
	{ "claims: iss", XHEAD "    claims = {\n      iss = \"evil\";\n    };\n" TAIL, 8, 0,
	  "claim 'iss' in 'claims' of profile 'x' is one jwtcred sets itself", NULL },
	{ "claims: exp", XHEAD "    claims = { exp = 99999999999; };\n" TAIL, 7, 0, "claim 'exp'", NULL },
	{ "claims: scope", XHEAD "    claims = { scope = \"a\"; };\n" TAIL, 7, 0, "claim 'scope'", NULL },
	{ "claims: a float", XHEAD "    claims = {\n      ratio = 0.5;\n    };\n" TAIL, 8, 0,
	  "'claims.ratio' in profile 'x' must be a string, an integer, a boolean or a list of those, not a number", NULL },
	{ "claims: a group", XHEAD "    claims = { org = { id = 1; }; };\n" TAIL, 7, 0,
	  "'claims.org' in profile 'x' must be a string, an integer, a boolean or a list of those, not a group", NULL },
	{ "claims: a list in a list", XHEAD "    claims = { g = ( \"a\", ( \"b\" ) ); };\n" TAIL, 7, 0,
	  "'claims.g' in profile 'x' must be", NULL },
	{ "claims: empty string", XHEAD "    claims = { t = \"\"; };\n" TAIL, 7, 0, "'claims.t' in profile 'x' is empty", NULL },
	/* form */
	{ "form not a group", XHEAD "    form = \"resource=x\";\n" TAIL, 7, 0, "'form' in profile 'x' must be a group", NULL },
	{ "form: grant_type", XHEAD "    form = { grant_type = \"password\"; };\n" TAIL, 7, 0,
	  "parameter 'grant_type' in 'form' of profile 'x' is one jwtcred sends itself", NULL },
	{ "form: assertion", XHEAD "    form = { assertion = \"x\"; };\n" TAIL, 7, 0, "parameter 'assertion'", NULL },
	{ "form: scope", XHEAD "    form = { scope = \"x\"; };\n" TAIL, 7, 0, "use 'scope' with scope_in = \"form\"", NULL },
	{ "form: an integer", XHEAD "    form = {\n      n = 5;\n    };\n" TAIL, 8, 0,
	  "'form.n' in profile 'x' must be a string, not an integer", NULL },
};

/* A client-credentials profile for Entra ID: the next setting is on line 7. */
#define CHEAD                                                        \
	"profiles = {\n"                                             \
	"  c = {\n"                                                  \
	"    provider = \"client-credentials\";\n"                   \
	"    server = \"entra\";\n"                                   \
	"    client_id = \"11111111-2222-3333-4444-555555555555\";\n" \
	"    private_key = \"/keys/c.pem\";\n"

static const struct bad_row client_rows[] = {
	{ "cc: no tenant", CHEAD "    scope = \"x/.default\";\n" TAIL, 2, 0,
	  "profile 'c' has no 'tenant' (or 'token_url'): required for server \"entra\"", NULL },
	{ "cc: entra scope without /.default", CHEAD "    tenant = \"t\";\n    scope = \"https://graph.microsoft.com/User.Read\";\n" TAIL,
	  8, 0, "Entra ID's client credentials take one scope ending in /.default", NULL },
	{ "cc: entra without scope", CHEAD "    tenant = \"t\";\n" TAIL, 2, 0, "has no 'scope' (required for provider \"client-credentials\")", NULL },
	{ "cc: unknown server", "profiles = {\n  a = {\n    provider = \"client-credentials\";\n    server = \"ping\";\n"
	  "    client_id = \"x\";\n    private_key = \"/k\";\n" TAIL, 4, 0,
	  "'server' in profile 'a' is 'ping': it must be \"entra\", \"okta\", \"keycloak\" or \"auth0\"", NULL },
	{ "cc: bad typ", CHEAD "    tenant = \"t\";\n    scope = \"a/.default\";\n    typ = \"jwt\";\n" TAIL, 9, 0,
	  "'typ' in profile 'c' is 'jwt': it must be \"JWT\" or \"client-authentication+jwt\"", NULL },
	{ "cc: bad thumbprint", CHEAD "    tenant = \"t\";\n    scope = \"a/.default\";\n    thumbprint = \"sha1\";\n" TAIL, 9, 0,
	  "'thumbprint' in profile 'c' is 'sha1'", NULL },
	{ "cc: jti false", CHEAD "    tenant = \"t\";\n    scope = \"a/.default\";\n    jti = false;\n" TAIL, 9, 0,
	  "'jti' in profile 'c' cannot be false", NULL },
	{ "cc: two audiences", CHEAD "    tenant = \"t\";\n    scope = \"a/.default\";\n    audience = [ \"a\", \"b\" ];\n" TAIL, 9, 0,
	  "'audience' in profile 'c' must be one string", NULL },
	{ "cc: tenant with a slash", CHEAD "    tenant = \"t/x\";\n    scope = \"a/.default\";\n" TAIL, 7, 0,
	  "'tenant' in profile 'c' may hold only", NULL },
	{ "cc: auth0 lifetime", "profiles = {\n  a = {\n    provider = \"client-credentials\";\n    server = \"auth0\";\n"
	  "    tenant = \"acme.eu.auth0.com\";\n    client_id = \"x\";\n    private_key = \"/k\";\n    assertion_lifetime = 301;\n" TAIL,
	  8, 0, "'assertion_lifetime' in profile 'a' is 301: Auth0 takes client assertions of at most 300 s", NULL },
	{ "cc: subject", CHEAD "    subject = \"x\";\n" TAIL, 7, 0, "'subject' in profile 'c' applies to providers \"google\" and \"generic\" only", NULL },
	{ "salesforce: client_secret_file elsewhere", XHEAD "    client_secret_file = \"/s\";\n" TAIL, 7, 0,
	  "'client_secret_file' in profile 'x' applies to provider \"salesforce\" only", NULL },
	{ "form: client_assertion", XHEAD "    form = { client_assertion = \"x\"; };\n" TAIL, 7, 0, "parameter 'client_assertion'", NULL },
};

static int check_bad_rows(const struct bad_row *rows, size_t n);

static void test_client_errors(void **state)
{
	(void)state;
	assert_int_equal(check_bad_rows(client_rows, sizeof(client_rows) / sizeof(client_rows[0])), 0);
}

static void test_client_defaults(void **state)
{
	struct jwtcred_config *cfg = load_ok(CHEAD "    tenant = \"contoso.onmicrosoft.com\";\n"
	                                     "    resource = \"499b84ac-1321-427f-aa17-267ca6975798\";\n" TAIL);
	const struct jc_profile *p = &cfg->profiles[0];

	(void)state;
	assert_int_equal(p->provider, JC_PROVIDER_CLIENT);
	assert_string_equal(p->token_url, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
	assert_string_equal(p->scope, "499b84ac-1321-427f-aa17-267ca6975798/.default");
	assert_null(p->resource); /* v2.0 takes it as the scope */
	assert_int_equal(p->thumbprint, JC_X5T_S256);
	assert_string_equal(p->issuer, p->subject);
	assert_int_equal(p->naudiences, 1);
	assert_string_equal(p->audiences[0], p->token_url);
	assert_int_equal(p->scope_in, JC_SCOPE_FORM);
	assert_true(p->jti);
	assert_null(p->typ);
	jc_conf_free(cfg);

	cfg = load_ok("profiles = {\n  a = {\n    provider = \"client-credentials\";\n    server = \"auth0\";\n"
	              "    tenant = \"acme.eu.auth0.com\";\n    client_id = \"x\";\n    private_key = \"/k\";\n"
	              "    thumbprint = \"both\";\n    typ = \"client-authentication+jwt\";\n" TAIL);
	p = &cfg->profiles[0];
	assert_string_equal(p->token_url, "https://acme.eu.auth0.com/oauth/token");
	assert_string_equal(p->audiences[0], "https://acme.eu.auth0.com/");
	assert_int_equal(p->thumbprint, JC_X5T_SHA1 | JC_X5T_S256);
	assert_string_equal(p->typ, "client-authentication+jwt");
	jc_conf_free(cfg);

	/* auth0 with token_url (a custom domain) and no tenant: aud its origin with the slash */
	cfg = load_ok("profiles = {\n  a = {\n    provider = \"client-credentials\";\n    server = \"auth0\";\n"
	              "    token_url = \"https://login.example.com:8443/oauth/token?x=1\";\n    client_id = \"x\";\n"
	              "    private_key = \"/k\";\n" TAIL);
	p = &cfg->profiles[0];
	assert_int_equal(p->naudiences, 1);
	assert_string_equal(p->audiences[0], "https://login.example.com:8443/");
	jc_conf_free(cfg);
	cfg = load_ok("profiles = {\n  a = {\n    provider = \"client-credentials\";\n    server = \"auth0\";\n"
	              "    token_url = \"https://acme.us.auth0.com/oauth/token\";\n    client_id = \"x\";\n"
	              "    private_key = \"/k\";\n" TAIL);
	assert_string_equal(cfg->profiles[0].audiences[0], "https://acme.us.auth0.com/");
	jc_conf_free(cfg);

	cfg = load_ok(HEAD "    client_secret_file = \"/keys/secret\";\n" TAIL);
	assert_string_equal(cfg->profiles[0].client_secret_file, "/keys/secret");
	jc_conf_free(cfg);
}

static void test_provider_errors(void **state)
{
	(void)state;
	assert_int_equal(check_bad_rows(provider_rows, sizeof(provider_rows) / sizeof(provider_rows[0])), 0);
}

static void test_google_defaults(void **state)
{
	struct jwtcred_config *cfg = load_ok(GHEAD TAIL);
	const struct jc_profile *p = &cfg->profiles[0];

	(void)state;
	assert_int_equal(p->provider, JC_PROVIDER_GOOGLE);
	assert_string_equal(jc_provider_name(p->provider), "google");
	assert_string_equal(p->service_account_file, "/keys/sa.json");
	assert_null(p->private_key);
	assert_null(p->issuer);  /* the file's client_email */
	assert_null(p->subject); /* no domain-wide delegation */
	assert_null(p->login_url);
	assert_string_equal(p->token_url, "https://oauth2.googleapis.com/token");
	assert_false(p->token_url_set); /* the file's token_uri wins */
	assert_string_equal(p->revoke_url, "https://oauth2.googleapis.com/revoke");
	assert_int_equal(p->naudiences, 0); /* aud is the token URL */
	assert_string_equal(p->scope, "https://www.googleapis.com/auth/cloud-platform");
	assert_int_equal(p->scope_in, JC_SCOPE_CLAIM);
	assert_false(p->jti);
	assert_string_equal(p->algorithm, "RS256");
	assert_string_equal(p->git_username, "oauth2accesstoken");
	assert_string_equal(p->docker_username, "oauth2accesstoken");
	jc_conf_free(cfg);

	cfg = load_ok("profiles = {\n  g = {\n"
	              "    subject = \"admin@example.com\";\n" /* before provider: still fine */
	              "    provider = \"google\";\n"
	              "    service_account_file = \"sa.json\";\n"
	              "    scopes = [ \"https://www.googleapis.com/auth/admin.directory.user.readonly\",\n"
	              "               \"https://www.googleapis.com/auth/gmail.send\" ];\n"
	              "    token_url = \"https://oauth2.googleapis.com/token\";\n"
	              "    jti = true;\n"
	              "    git_username = \"me\";\n"
	              "  };\n};\n");
	p = &cfg->profiles[0];
	assert_string_equal(p->subject, "admin@example.com");
	assert_true(p->token_url_set);
	assert_true(p->jti);
	assert_string_equal(p->scope, "https://www.googleapis.com/auth/admin.directory.user.readonly "
	                              "https://www.googleapis.com/auth/gmail.send");
	assert_string_equal(p->git_username, "me");
	assert_true(tu_contains(p->service_account_file, "/sa.json"));
	jc_conf_free(cfg);
}

static void test_generic_settings(void **state)
{
	struct jwtcred_config *cfg = load_ok(XHEAD TAIL);
	const struct jc_profile *p = &cfg->profiles[0];

	(void)state;
	assert_int_equal(p->provider, JC_PROVIDER_GENERIC);
	assert_string_equal(p->issuer, "svc-deployer");
	assert_string_equal(p->subject, "svc-deployer"); /* sub defaults to iss */
	assert_int_equal(p->naudiences, 1);
	assert_string_equal(p->audiences[0], "https://idp.example.com/token");
	assert_null(p->revoke_url);
	assert_null(p->login_url);
	assert_string_equal(p->algorithm, "RS256");
	assert_int_equal(p->scope_in, JC_SCOPE_FORM);
	assert_true(p->jti);
	assert_string_equal(p->git_username, "svc-deployer");
	assert_null(p->claims);
	jc_conf_free(cfg);

	cfg = load_ok(XHEAD
	              "    subject = \"deploy@example.com\";\n"
	              "    audience = [ \"https://idp.example.com\", \"https://idp.example.com/token\" ];\n"
	              "    algorithm = \"EdDSA\";\n"
	              "    key_id = \"2026-01\";\n"
	              "    scopes = [ \"deploy:write\", \"read\" ];\n"
	              "    scope_in = \"both\";\n"
	              "    jti = false;\n"
	              "    claims = {\n"
	              "      tenant = \"acme\";\n"
	              "      level = 3;\n"
	              "      big = 8589934592L;\n"
	              "      admin = false;\n"
	              "      groups = [ \"ops\", \"dev\" ];\n"
	              "      mixed = ( \"a\", 1, true );\n"
	              "    };\n"
	              "    form = {\n"
	              "      resource = \"https://api.example.com\";\n"
	              "      audience = \"api\";\n"
	              "    };\n"
	              "    revoke_url = \"https://idp.example.com/revoke\";\n"
	              TAIL);
	p = &cfg->profiles[0];
	assert_string_equal(p->subject, "deploy@example.com");
	assert_int_equal(p->naudiences, 2);
	assert_string_equal(p->audiences[1], "https://idp.example.com/token");
	assert_string_equal(p->algorithm, "EdDSA");
	assert_string_equal(p->key_id, "2026-01");
	assert_string_equal(p->scope, "deploy:write read");
	assert_int_equal(p->scope_in, JC_SCOPE_BOTH);
	assert_false(p->jti);
	assert_string_equal(p->claims, "{\"tenant\":\"acme\",\"level\":3,\"big\":8589934592,\"admin\":false,"
	                               "\"groups\":[\"ops\",\"dev\"],\"mixed\":[\"a\",1,true]}");
	assert_int_equal(p->nform, 2);
	assert_string_equal(p->form[0].name, "resource");
	assert_string_equal(p->form[0].value, "https://api.example.com");
	assert_string_equal(p->form[1].name, "audience");
	assert_string_equal(p->revoke_url, "https://idp.example.com/revoke");
	jc_conf_free(cfg);
}

/* Salesforce's rough edges: several audiences in order, and the approval callback. */
static void test_salesforce_audiences(void **state)
{
	struct jwtcred_config *cfg = load_ok(HEAD
	                                     "    login_url = \"https://acme.my.salesforce.com\";\n"
	                                     "    audience = [ \"https://acme.my.salesforce.com\",\n"
	                                     "                 \"https://login.salesforce.com\" ];\n"
	                                     "    callback_url = \"https://localhost:1717/OauthRedirect\";\n"
	                                     TAIL);
	const struct jc_profile *p = &cfg->profiles[0];

	(void)state;
	assert_int_equal(p->naudiences, 2);
	assert_string_equal(p->audiences[0], "https://acme.my.salesforce.com");
	assert_string_equal(p->audiences[1], "https://login.salesforce.com");
	assert_string_equal(p->callback_url, "https://localhost:1717/OauthRedirect");
	jc_conf_free(cfg);
	/* a single audience may be a one-element list */
	cfg = load_ok(HEAD "    audience = [ \"https://test.salesforce.com\" ];\n" TAIL);
	assert_int_equal(cfg->profiles[0].naudiences, 1);
	jc_conf_free(cfg);
}

/* Values echoed in a message must not bring raw control characters into it:
 * a message is one line (libconfig strings may hold "\n" or "\x1b"). */
static const struct bad_row control_rows[] = {
	{ "newline in an http login_url", HEAD "    login_url = \"http://a\\nb.example.com\";\n" TAIL, 6, 0,
	  "'login_url' in profile 'prod' contains a control character", NULL },
	{ "newline in a url of urls", HEAD "    urls = [ \"https://git.example.com/a\\nb\" ];\n" TAIL, 6, 0,
	  "an entry of 'urls' in profile 'prod' contains a control character", NULL },
	{ "escape sequence in a provider", HEAD "    provider = \"\\x1b[2Jx\";\n" TAIL, 6, 0,
	  "'provider' in profile 'prod' contains a control character", NULL },
};

/*
 * A string that is not UTF-8 cannot go into JSON (claims, the cache key,
 * kubectl's and docker's answers): refused at load, at its line and by its
 * name, never "out of memory" later.  libconfig's \xNN escape gives a raw
 * byte; a Latin-1 file gives them too.
 */
static const struct bad_row utf8_rows[] = {
	{ "\\xff escape in username",
	  "profiles = {\n  prod = {\n    client_id = \"c\";\n    username = \"ci\\xff@example.com\";\n"
	  "    private_key = \"/k\";\n  };\n};\n", 4, 0, NULL,
	  "'" NAME "':4: 'username' in profile 'prod' is not valid UTF-8: save the file as UTF-8 (a \\xNN escape is one raw byte)" },
	{ "Latin-1 byte in the file", HEAD "    scope = \"caf\xe9\";\n" TAIL, 6, 0,
	  "'scope' in profile 'prod' is not valid UTF-8", NULL },
	{ "cut-short sequence in client_id",
	  "profiles = {\n  prod = {\n    client_id = \"3MVG9\\xc3\";\n    username = \"u\";\n"
	  "    private_key = \"/k\";\n  };\n};\n", 3, 0,
	  "'client_id' in profile 'prod' is not valid UTF-8", NULL },
	{ "overlong in a path", HEAD "    ca_file = \"/etc/\\xc0\\xafca.pem\";\n" TAIL, 6, 0,
	  "'ca_file' in profile 'prod' is not valid UTF-8", NULL },
	{ "surrogate in an audience list", HEAD "    audience = [ \"https://login.salesforce.com\",\n"
	  "                 \"https://x\\xed\\xa0\\x80.example.com\" ];\n" TAIL, 7, 0,
	  "'audience' in profile 'prod' is not valid UTF-8", NULL },
	{ "git_username", HEAD "    git_username = \"\\xfe\";\n" TAIL, 6, 0,
	  "'git_username' in profile 'prod' is not valid UTF-8", NULL },
	{ "docker_username", HEAD "    docker_username = \"d\\x80\";\n" TAIL, 6, 0,
	  "'docker_username' in profile 'prod' is not valid UTF-8", NULL },
	{ "a scope of scopes", HEAD "    scopes = [ \"api\", \"w\\xffb\" ];\n" TAIL, 6, 0,
	  "'scopes' in profile 'prod' is not valid UTF-8", NULL },
	{ "an entry of urls", HEAD "    urls = [ \"https://git.example.com/t\\xffm\" ];\n" TAIL, 6, 0,
	  "'urls' in profile 'prod' is not valid UTF-8", NULL },
	{ "a claim", XHEAD "    claims = { tenant = \"acme\";\n               team = \"\\xff\"; };\n" TAIL, 8, 0,
	  "'claims.team' in profile 'x' is not valid UTF-8", NULL },
	{ "a claim in a list", XHEAD "    claims = { groups = [ \"a\", \"\\xff\" ]; };\n" TAIL, 7, 0,
	  "'claims.groups' in profile 'x' is not valid UTF-8", NULL },
	{ "a form parameter", XHEAD "    form = { resource = \"https://api.example.com/\\xff\"; };\n" TAIL, 7, 0,
	  "'form.resource' in profile 'x' is not valid UTF-8", NULL },
	{ "key_id", XHEAD "    key_id = \"k\\xff\";\n" TAIL, 7, 0,
	  "'key_id' in profile 'x' is not valid UTF-8", NULL },
};

/* "'t.conf':<line>: " at the start, or "'t.conf': " when there is no line. */
static bool names_line(const char *msg, int line)
{
	char prefix[64];

	if (line)
		snprintf(prefix, sizeof(prefix), "'%s':%d: ", NAME, line);
	else
		snprintf(prefix, sizeof(prefix), "'%s': ", NAME);
	return strncmp(msg, prefix, strlen(prefix)) == 0;
}

/* Each row must fail with its line, its words, and no control character. */
static int check_bad_rows(const struct bad_row *rows, size_t n)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		const struct bad_row *r = &rows[i];
		struct jwtcred_config *cfg = (struct jwtcred_config *)"unset";
		jwtcred_error err = { "" };
		int rc = tu_conf_load_strict(r->text, NAME, &cfg, &err);
		bool ok = rc == JWTCRED_E_CONFIG && cfg == NULL &&
		          (names_line(err.text, r->line) || (r->alt_line && names_line(err.text, r->alt_line))) &&
		          (!r->want || strstr(err.text, r->want)) &&
		          (!r->exact || strcmp(err.text, r->exact) == 0) && !tu_has_control(err.text);

		if (!ok) {
			char shown[2 * JWTCRED_ERROR_TEXT_LENGTH];

			print_error("%s: rc %d, want line %d%s%s\n  got: %s\n", r->what, rc, r->line,
			            r->exact ? ", exactly: " : ", containing: ", r->exact ? r->exact : r->want,
			            tu_visible(err.text, shown, sizeof(shown)));
			bad++;
		}
		if (rc == JWTCRED_OK)
			jc_conf_free(cfg);
	}
	return bad;
}

static void test_every_error_names_its_line(void **state)
{
	(void)state;
	assert_int_equal(check_bad_rows(bad_rows, sizeof(bad_rows) / sizeof(bad_rows[0])), 0);
}

static void test_not_utf8(void **state)
{
	struct jwtcred_config *cfg;

	(void)state;
	assert_int_equal(check_bad_rows(utf8_rows, sizeof(utf8_rows) / sizeof(utf8_rows[0])), 0);
	/* UTF-8 itself is welcome, written out or as escapes */
	cfg = load_ok(HEAD "    git_username = \"J\xc3\xbcrgen\";\n    scope = \"caf\xc3\xa9 \xf0\x9f\x94\x91\";\n" TAIL);
	assert_string_equal(cfg->profiles[0].git_username, "J\xc3\xbcrgen");
	jc_conf_free(cfg);
	cfg = load_ok(HEAD "    git_username = \"J\\xc3\\xbcrgen\";\n" TAIL);
	assert_string_equal(cfg->profiles[0].git_username, "J\xc3\xbcrgen");
	jc_conf_free(cfg);
}

static void test_messages_are_one_line(void **state)
{
	(void)state;
	assert_int_equal(check_bad_rows(control_rows, sizeof(control_rows) / sizeof(control_rows[0])), 0);
}

/* Every string has a length limit (4096 bytes), named at its line. */
static void test_long_string(void **state)
{
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };
	size_t n = 5000;
	char *text = malloc(n + 256), *v = malloc(n + 1);

	(void)state;
	assert_non_null(text);
	assert_non_null(v);
	memset(v, 'a', n);
	v[n] = '\0';
	snprintf(text, n + 256, HEAD "    scope = \"%s\";\n" TAIL, v);
	assert_int_equal(tu_conf_load_strict(text, NAME, &cfg, &err), JWTCRED_E_CONFIG);
	assert_null(cfg);
	assert_true(names_line(err.text, 6));
	assert_true(tu_contains(err.text, "'scope'"));
	/* the limit itself is fine */
	v[4096] = '\0';
	snprintf(text, n + 256, HEAD "    scope = \"%s\";\n" TAIL, v);
	cfg = load_ok(text);
	assert_int_equal(strlen(cfg->profiles[0].scope), 4096);
	jc_conf_free(cfg);
	free(text);
	free(v);
}

/* The suggestion is only offered for near misses. */
static void test_unknown_setting_without_suggestion(void **state)
{
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };

	(void)state;
	assert_int_equal(tu_conf_load_strict(HEAD "    frobnicate = 1;\n" TAIL, NAME, &cfg, &err),
	                 JWTCRED_E_CONFIG);
	assert_false(tu_contains(err.text, "did you mean"));
}

/* "@include" is a directive only at the start of a line; elsewhere it is text. */
static void test_include_word_in_comment_is_fine(void **state)
{
	struct jwtcred_config *cfg;

	(void)state;
	cfg = load_ok("# this file uses no @include directive\n" HEAD TAIL);
	jc_conf_free(cfg);
}

/* The value of every setting is copied: it outlives libconfig's tree. */
static void test_two_profiles_kept_apart(void **state)
{
	struct jwtcred_config *cfg;

	(void)state;
	cfg = load_ok("profiles = {\n"
	              "  a = { client_id = \"ca\"; username = \"ua\"; private_key = \"/ka\"; };\n"
	              "  b = { client_id = \"cb\"; username = \"ub\"; private_key = \"/kb\";\n"
	              "        login_url = \"https://test.salesforce.com\"; };\n"
	              "};\n");
	assert_int_equal(cfg->nprofiles, 2);
	assert_string_equal(cfg->profiles[0].name, "a");
	assert_int_equal(cfg->profiles[0].line, 2);
	assert_string_equal(cfg->profiles[0].issuer, "ca");
	assert_string_equal(cfg->profiles[0].audiences[0], "https://login.salesforce.com");
	assert_string_equal(cfg->profiles[1].name, "b");
	assert_int_equal(cfg->profiles[1].line, 3);
	assert_string_equal(cfg->profiles[1].subject, "ub");
	assert_string_equal(cfg->profiles[1].audiences[0], "https://test.salesforce.com");
	assert_string_equal(cfg->path, NAME);
	jc_conf_free(cfg);
}

/* Relative paths: against the configuration file's directory; "~/": $HOME. */
static void test_load_resolves_paths(void **state)
{
	const char *dir = *state;
	char *home = tu_join(dir, "home"), *conf = tu_join(dir, "config");
	char *want_key = tu_join(dir, "prod.key"), *want_pw = tu_join(dir, "secrets/pw.txt");
	char *want_ca = tu_join(home, "ca.pem");
	const char *text =
		"profiles = {\n"
		"  prod = {\n"
		"    client_id = \"c\";\n"
		"    username = \"u\";\n"
		"    private_key = \"prod.key\";\n"
		"    passphrase_file = \"secrets/pw.txt\";\n"
		"    ca_file = \"~/ca.pem\";\n"
		"    certificate = \"/etc/jwtcred/prod.crt\";\n"
		"  };\n"
		"};\n";
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };
	const struct jc_profile *p;
	const char *old_home = getenv("HOME");
	char *saved_home = old_home ? strdup(old_home) : NULL;

	assert_int_equal(setenv("HOME", home, 1), 0);
	assert_int_equal(tu_write_file(conf, text, strlen(text), 0600), 0);
	if (jc_conf_load(conf, &cfg, &err) != JWTCRED_OK)
		print_error("%s\n", err.text);
	if (saved_home)
		setenv("HOME", saved_home, 1);
	else
		unsetenv("HOME");
	free(saved_home);
	assert_non_null(cfg);
	p = &cfg->profiles[0];
	assert_string_equal(cfg->path, conf);
	assert_string_equal(p->private_key, want_key);
	assert_string_equal(p->passphrase_file, want_pw);
	assert_string_equal(p->ca_file, want_ca);
	assert_string_equal(p->certificate, "/etc/jwtcred/prod.crt");
	jc_conf_free(cfg);
	free(conf);
	free(want_key);
	free(want_pw);
	free(want_ca);
	free(home);
}

/* conf.h promises absolute paths, also when the configuration was named relatively. */
static void test_load_relative_config_path(void **state)
{
	const char *dir = *state;
	char *sub = tu_join(dir, "sub"), *conf = tu_join(sub, "config");
	char *want = tu_join(sub, "prod.key"), cwd[4096];
	const char *text = "profiles = {\n"
	                   "  prod = { client_id = \"c\"; username = \"u\"; private_key = \"prod.key\"; };\n"
	                   "};\n";
	struct jwtcred_config *cfg = NULL;
	jwtcred_error err = { "" };
	bool absolute;
	int rc;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(tu_write_file(conf, text, strlen(text), 0600), 0);
	assert_int_equal(chdir(dir), 0);
	rc = jc_conf_load("sub/config", &cfg, &err);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rc, JWTCRED_OK);
	absolute = strcmp(cfg->profiles[0].private_key, want) == 0;
	if (!absolute)
		print_error("private_key is '%s', want '%s'\n", cfg->profiles[0].private_key, want);
	jc_conf_free(cfg);
	free(want);
	free(conf);
	free(sub);
	assert_true(absolute);
}

static void test_load_file_errors(void **state)
{
	const char *dir = *state;
	char *missing = tu_join(dir, "nope"), *nul = tu_join(dir, "nul.conf");
	struct jwtcred_config *cfg = (struct jwtcred_config *)"unset";
	jwtcred_error err = { "" };
	const char text[] = "profiles = {\0};\n";

	assert_int_equal(jc_conf_load(missing, &cfg, &err), JWTCRED_E_CONFIG);
	assert_null(cfg);
	assert_true(tu_contains(err.text, missing));
	assert_true(tu_contains(err.text, "does not exist"));

	assert_int_equal(tu_write_file(nul, text, sizeof(text) - 1, 0600), 0);
	assert_int_equal(jc_conf_load(nul, &cfg, &err), JWTCRED_E_CONFIG);
	assert_true(tu_contains(err.text, "NUL"));

	/* a syntax error in a file names the file's path and line */
	assert_int_equal(tu_write_file(nul, "\n\nprofiles = {", 13, 0600), 0);
	assert_int_equal(jc_conf_load(nul, &cfg, &err), JWTCRED_E_CONFIG);
	assert_true(tu_contains(err.text, nul));
	free(missing);
	free(nul);
}

/* The shipped examples (config-examples/\*.conf) must stay loadable. */
static void test_examples_load(void **state)
{
	const char *srcdir = getenv("srcdir");
	char dirpath[4096], path[4096 + 256];
	struct dirent *d;
	DIR *dir;
	int loaded = 0, bad = 0;

	(void)state;
	snprintf(dirpath, sizeof(dirpath), "%s/config-examples", srcdir ? srcdir : ".");
	if (!(dir = opendir(dirpath)))
		skip();
	while ((d = readdir(dir))) {
		struct jwtcred_config *cfg = NULL;
		jwtcred_error err = { "" };
		size_t n = strlen(d->d_name);

		if (n < 6 || strcmp(d->d_name + n - 5, ".conf") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, d->d_name);
		if (jc_conf_load(path, &cfg, &err) != JWTCRED_OK) {
			print_error("%s\n", err.text);
			bad++;
		} else if (cfg->nbroken) { /* loaded, but a profile is broken */
			print_error("%s\n", cfg->broken[0].error);
			bad++;
		}
		jc_conf_free(cfg);
		loaded++;
	}
	closedir(dir);
	assert_int_equal(bad, 0);
	assert_true(loaded > 0);
}

#define TWO_PROFILES                                                                  \
	"profiles = {\n"                                                              \
	"  prod = { client_id = \"c\"; username = \"u\"; private_key = \"/k\"; };\n"  \
	"  sandbox = { client_id = \"c\"; username = \"u\"; private_key = \"/k\"; };\n" \
	"};\n"

static void test_profile_lookup(void **state)
{
	struct jwtcred_config *cfg = load_ok(TWO_PROFILES), *one = load_ok(HEAD TAIL);
	const struct jc_profile *p = (const struct jc_profile *)"unset";
	jwtcred_error err = { "" };

	(void)state;
	assert_int_equal(jc_conf_profile(cfg, "sandbox", &p, &err), JWTCRED_OK);
	assert_ptr_equal(p, &cfg->profiles[1]);

	assert_int_equal(jc_conf_profile(cfg, "staging", &p, &err), JWTCRED_E_NOPROFILE);
	assert_null(p);
	assert_string_equal(err.text, "no profile 'staging' in '" NAME "' (known: prod, sandbox)");

	assert_int_equal(jc_conf_profile(cfg, NULL, &p, &err), JWTCRED_E_NOPROFILE);
	assert_null(p);
	assert_true(tu_contains(err.text, "2 profiles"));
	assert_true(tu_contains(err.text, "--profile"));
	assert_true(tu_contains(err.text, "prod, sandbox"));

	assert_int_equal(jc_conf_profile(one, NULL, &p, &err), JWTCRED_OK);
	assert_ptr_equal(p, &one->profiles[0]);
	jc_conf_free(cfg);
	jc_conf_free(one);
}

static void test_match(void **state)
{
	static const char *text =
		"profiles = {\n"
		"  wide = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"
		"           urls = [ \"https://git.example.com\", \"https://*.example.org\" ]; };\n"
		"  team = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"
		"           urls = [ \"https://git.example.com/team\" ]; };\n"
		"  exact = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"
		"            urls = [ \"https://api.example.org\" ]; };\n"
		"  twin = { client_id = \"c\"; username = \"u\"; private_key = \"/k\";\n"
		"           urls = [ \"https://git.example.com\" ]; };\n"
		"};\n";
	static const struct {
		const char *host;
		const char *path;
		const char *only;
		const char *want; /* profile name, or NULL */
	} rows[] = {
		{ "git.example.com", "team/repo.git", NULL, "team" },   /* longer path wins */
		{ "git.example.com", "other/repo.git", NULL, "wide" },  /* tie with twin: first */
		{ "git.example.com", NULL, NULL, "wide" },
		{ "api.example.org", NULL, NULL, "exact" },             /* exact host beats *. */
		{ "www.example.org", NULL, NULL, "wide" },
		{ "example.org", NULL, NULL, NULL },
		{ "evil.example.net", NULL, NULL, NULL },
		{ "git.example.com", "team/repo.git", "twin", "twin" }, /* only restricts */
		{ "git.example.com", "team/repo.git", "wide", "wide" },
		{ "api.example.org", NULL, "team", NULL },
		{ "git.example.com", NULL, "nosuch", NULL },
	};
	struct jwtcred_config *cfg = load_ok(text);
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct jc_request req;
		const struct jc_profile *p;

		assert_int_equal(jc_request_from_parts("https", rows[i].host, rows[i].path, &req), 0);
		p = jc_allowed_profile(cfg, rows[i].only, &req);
		if (rows[i].want ? !p || strcmp(p->name, rows[i].want) != 0 : p != NULL) {
			print_error("%s/%s only=%s: want %s, got %s\n", rows[i].host,
			            rows[i].path ? rows[i].path : "", rows[i].only ? rows[i].only : "-",
			            rows[i].want ? rows[i].want : "none", p ? p->name : "none");
			bad++;
		}
		jc_request_clear(&req);
	}
	jc_conf_free(cfg);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_profile_defaults),
		cmocka_unit_test(test_client_errors),
		cmocka_unit_test(test_client_defaults),
		cmocka_unit_test(test_login_url_derivations),
		cmocka_unit_test(test_token_url_query),
		cmocka_unit_test(test_every_error_names_its_line),
		cmocka_unit_test(test_messages_are_one_line),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_provider_errors),
		cmocka_unit_test(test_google_defaults),
		cmocka_unit_test(test_generic_settings),
		cmocka_unit_test(test_salesforce_audiences),
		cmocka_unit_test(test_unknown_setting_without_suggestion),
		cmocka_unit_test(test_long_string),
		cmocka_unit_test(test_include_word_in_comment_is_fine),
		cmocka_unit_test(test_two_profiles_kept_apart),
		cmocka_unit_test_setup_teardown(test_load_resolves_paths, tu_tmpdir_setup,
		                                tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_load_relative_config_path, tu_tmpdir_setup,
		                                tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_load_file_errors, tu_tmpdir_setup,
		                                tu_tmpdir_teardown),
		cmocka_unit_test(test_examples_load),
		cmocka_unit_test(test_profile_lookup),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
