/*
 * provider_client.c: provider = "client-credentials": the client
 * credentials grant (RFC 6749 4.4) with a signed client assertion as the
 * client's authentication (RFC 7523 2.2, OpenID Connect's private_key_jwt).
 *
 * The assertion: iss = sub = client_id, aud one string (the token URL by
 * default), a fresh jti every time, iat, nbf, exp; its header has kid
 * (key_id), typ (JWT, or client-authentication+jwt) and the certificate's
 * thumbprints (x5t, x5t#S256) as `thumbprint` says.  The form:
 * grant_type=client_credentials, client_id, client_assertion_type,
 * client_assertion, scope, resource (exchange.c).
 *
 * `server` fills in what each server wants; every default can be set:
 *   entra     token_url https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token,
 *             thumbprint x5t#S256, scope "<resource>/.default" from resource,
 *             and a scope must end in /.default;
 *   okta      aud the full token URL (the default anyway);
 *   keycloak  one aud, never a jti twice (every assertion has a new one);
 *   auth0     token_url https://{tenant}/oauth/token, aud https://{tenant}/
 *             (with the slash), assertion_lifetime at most 300 s.
 */
#include "config.h"

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/fail.h"
#include "core/provider.h"
#include "core/settings.h"
#include "core/text.h"

#define AUTH0_MAX_LIFETIME 300
#define DOT_DEFAULT "/.default"

static const char *const servers[] = { "entra", "okta", "keycloak", "auth0" };

static bool is_server(const struct jc_profile *p, const char *name)
{
	return p->server && strcmp(p->server, name) == 0;
}

/* A tenant goes into a URL's host (with a port) or path: letters, digits, '.', '-', '_', ':'. */
static bool tenant_ok(const char *t)
{
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') ||
		      *t == '.' || *t == '-' || *t == '_' || *t == ':'))
			return false;
	return true;
}

static int check_server(struct jc_loader *ld, const struct jc_profile *p, config_setting_t *grp)
{
	size_t i;

	if (p->server) {
		for (i = 0; i < sizeof(servers) / sizeof(servers[0]); i++)
			if (strcmp(p->server, servers[i]) == 0)
				break;
		if (i == sizeof(servers) / sizeof(servers[0]))
			return jc_conf_bad(ld, config_setting_lookup(grp, "server"),
			                   "'server' in profile '%s' is '%s': it must be \"entra\", \"okta\", \"keycloak\" or \"auth0\" (or unset)",
			                   p->name, p->server);
	}
	if (p->tenant && !tenant_ok(p->tenant))
		return jc_conf_bad(ld, config_setting_lookup(grp, "tenant"),
		                   "'tenant' in profile '%s' may hold only letters, digits, '.', '-', '_' and ':'", p->name);
	if (p->tenant && !is_server(p, "entra") && !is_server(p, "auth0"))
		return jc_conf_bad(ld, config_setting_lookup(grp, "tenant"),
		                   "'tenant' in profile '%s' applies to server \"entra\" or \"auth0\" only: set 'token_url' instead",
		                   p->name);
	return JWTCRED_OK;
}

/* a + b + c: a new string, or NULL. */
static char *concat3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

/* *url = prefix + tenant + suffix, unless token_url is set. */
static int tenant_url(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp,
                      const char *prefix, const char *suffix, const char *example)
{
	if (p->token_url)
		return JWTCRED_OK;
	if (!p->tenant)
		return jc_conf_bad(ld, grp, "profile '%s' has no 'tenant' (or 'token_url'): required for server \"%s\"%s",
		                   p->name, p->server, example);
	return (p->token_url = concat3(prefix, p->tenant, suffix)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

/* thumbprint = "x5t#S256" | "x5t" | "both" | "none"; (a T_THUMBPRINT row of settings.c) */
int jc_client_read_thumbprint(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	const char *v;
	int rc;

	if ((rc = jc_conf_string(ld, p, "thumbprint", s, &v)) != 0)
		return rc;
	if (strcmp(v, "x5t#S256") == 0)
		p->thumbprint = JC_X5T_S256;
	else if (strcmp(v, "x5t") == 0)
		p->thumbprint = JC_X5T_SHA1;
	else if (strcmp(v, "both") == 0)
		p->thumbprint = JC_X5T_SHA1 | JC_X5T_S256;
	else if (strcmp(v, "none") == 0)
		p->thumbprint = 0;
	else
		return jc_conf_bad(ld, s, "'thumbprint' in profile '%s' is '%s': it must be \"x5t#S256\", \"x5t\", \"both\" or \"none\"",
		                   p->name, v);
	return JWTCRED_OK;
}

/* Entra ID: the tenant's v2.0 endpoint, x5t#S256, a scope that ends in /.default. */
static int finish_entra(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	size_t n;
	int rc;

	if ((rc = tenant_url(ld, p, grp, "https://login.microsoftonline.com/", "/oauth2/v2.0/token",
	                     ": tenant = \"contoso.onmicrosoft.com\" (or the tenant ID)")))
		return rc;
	if (!config_setting_lookup(grp, "thumbprint"))
		p->thumbprint = JC_X5T_S256;
	if (!p->scope && p->resource) {
		/* v2.0 takes the resource as a scope; it has no resource parameter */
		n = strlen(p->resource);
		while (n > 0 && p->resource[n - 1] == '/')
			n--;
		if (!(p->scope = malloc(n + sizeof(DOT_DEFAULT))))
			return JWTCRED_E_NOMEM;
		snprintf(p->scope, n + sizeof(DOT_DEFAULT), "%.*s%s", (int)n, p->resource, DOT_DEFAULT);
		free(p->resource);
		p->resource = NULL;
	}
	if ((rc = jc_conf_require(ld, p, grp, p->scope, "scope",
	                          "scope = \"499b84ac-1321-427f-aa17-267ca6975798/.default\" (Azure DevOps), or 'resource'")))
		return rc;
	n = strlen(p->scope);
	if (n < strlen(DOT_DEFAULT) || strcmp(p->scope + n - strlen(DOT_DEFAULT), DOT_DEFAULT) != 0 ||
	    strchr(p->scope, ' '))
		return jc_conf_bad(ld, config_setting_lookup(grp, "scope") ? config_setting_lookup(grp, "scope")
		                                                          : config_setting_lookup(grp, "scopes"),
		                   "'scope' in profile '%s' is '%s': Entra ID's client credentials take one scope ending in /.default, like \"https://graph.microsoft.com/.default\"",
		                   p->name, p->scope);
	return JWTCRED_OK;
}

/* The origin of an https URL with a slash after it ("https://host[:port]/"): a new string, or NULL. */
static char *origin_slash(const char *url)
{
	const char *host = strstr(url, "://");
	size_t n;
	char *s;

	host = host ? host + 3 : url;
	n = (size_t)(host - url) + strcspn(host, "/?#");
	if ((s = malloc(n + 2)))
		snprintf(s, n + 2, "%.*s/", (int)n, url);
	return s;
}

/*
 * Auth0: the tenant's /oauth/token, aud https://{tenant}/ with the slash
 * (or, with token_url and no tenant, the token URL's origin with the slash:
 * a custom domain), at most 5 minutes.
 */
static int finish_auth0(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	char *aud;
	int rc;

	if ((rc = tenant_url(ld, p, grp, "https://", "/oauth/token", ": tenant = \"acme.eu.auth0.com\"")))
		return rc;
	if (p->assertion_lifetime > AUTH0_MAX_LIFETIME)
		return jc_conf_bad(ld, config_setting_lookup(grp, "assertion_lifetime"),
		                   "'assertion_lifetime' in profile '%s' is %ld: Auth0 takes client assertions of at most %d s",
		                   p->name, p->assertion_lifetime, AUTH0_MAX_LIFETIME);
	if (p->naudiences)
		return JWTCRED_OK;
	if (!(aud = p->tenant ? concat3("https://", p->tenant, "/") : origin_slash(p->token_url)))
		return JWTCRED_E_NOMEM;
	rc = jc_conf_one_audience(p, aud);
	free(aud);
	return rc;
}

static int finish(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	config_setting_t *s;
	int rc;

	if ((rc = jc_conf_require(ld, p, grp, p->issuer, "client_id", NULL)) ||
	    (rc = jc_conf_require(ld, p, grp, p->private_key, "private_key", NULL)) ||
	    (rc = check_server(ld, p, grp)))
		return rc;
	if ((s = config_setting_lookup(grp, "jti")) && !p->jti)
		return jc_conf_bad(ld, s, "'jti' in profile '%s' cannot be false: a client assertion carries a new jti every time (RFC 7523 3)",
		                   p->name);
	if (p->naudiences > 1)
		return jc_conf_bad(ld, config_setting_lookup(grp, "audience"),
		                   "'audience' in profile '%s' must be one string: a client assertion has a single aud",
		                   p->name);
	if (p->typ && strcmp(p->typ, "JWT") != 0 && strcmp(p->typ, "client-authentication+jwt") != 0)
		return jc_conf_bad(ld, config_setting_lookup(grp, "typ"),
		                   "'typ' in profile '%s' is '%s': it must be \"JWT\" or \"client-authentication+jwt\"",
		                   p->name, p->typ);
	if (is_server(p, "entra"))
		rc = finish_entra(ld, p, grp);
	else if (is_server(p, "auth0"))
		rc = finish_auth0(ld, p, grp);
	if (rc || (rc = jc_conf_require(ld, p, grp, p->token_url, "token_url", NULL)))
		return rc;
	if ((rc = jc_conf_default(&p->subject, p->issuer)) ||
	    (rc = p->naudiences ? JWTCRED_OK : jc_conf_one_audience(p, p->token_url)) ||
	    (rc = jc_conf_default(&p->algorithm, "RS256")) ||
	    (rc = jc_conf_default(&p->git_username, p->issuer)) ||
	    (rc = jc_conf_default(&p->docker_username, p->issuer)))
		return rc;
	p->scope_in = JC_SCOPE_FORM; /* RFC 6749 4.4.2: a request parameter */
	return JWTCRED_OK;
}

/* The standard claims, and nbf: Entra ID and Keycloak read it. */
static void claims(const struct jc_profile *p, const char *aud, long long now, struct jc_claims *c)
{
	jc_claims_standard(p, aud, now, c);
	c->nbf = c->iat;
}

/* What Entra ID says, by its AADSTS code. */
static const char *entra_hint(const struct jc_hint_in *in, char *buf, size_t buflen)
{
	const struct jc_profile *p = in->p;
	const char *desc = in->desc, *cert = p && p->certificate ? p->certificate : "the certificate";

	if (jc_text_has(desc, "AADSTS700027")) {
		snprintf(buf, buflen,
		         "Entra ID does not know the certificate of this assertion: upload %s to the app "
		         "(az ad app credential reset --id %s --cert @FILE --append), and keep 'thumbprint' = \"x5t#S256\" (\"x5t\" for older tenants)",
		         cert, p && p->issuer ? p->issuer : "APP_ID");
		return buf;
	}
	if (jc_text_has(desc, "AADSTS700016"))
		return "no app with this client_id in this tenant: check 'client_id' (the Application (client) ID) and 'tenant'";
	if (jc_text_has(desc, "AADSTS90002"))
		return "Entra ID knows no such tenant: set 'tenant' to the directory (tenant) ID or its .onmicrosoft.com domain";
	if (jc_text_has(desc, "AADSTS700024"))
		return "the assertion is outside its valid time range: check this machine's clock and 'assertion_lifetime' (at most 10 minutes)";
	if (jc_text_has(desc, "AADSTS7000215") || jc_text_has(desc, "AADSTS7000216"))
		return "Entra ID expected a client secret: this app takes a certificate only once one is uploaded to it";
	if (jc_text_has(desc, "AADSTS700023") || jc_text_has(desc, "AADSTS50027") || jc_text_has(desc, "AADSTS5002727"))
		return "Entra ID could not verify the assertion: 'private_key' and 'certificate' must belong together (jwtcred check)";
	if (jc_text_has(desc, "AADSTS1002012") || jc_text_has(desc, "AADSTS70011"))
		return "Entra ID refused the scope: client credentials take one scope '<resource>/.default', "
		       "like 499b84ac-1321-427f-aa17-267ca6975798/.default for Azure DevOps";
	if (jc_text_has(desc, "AADSTS500011"))
		return "the resource of 'scope' is not in this tenant: check its application ID URI, or have an admin consent to it";
	if (jc_text_has(desc, "AADSTS7000112"))
		return "the app is disabled in this tenant: an admin must enable its service principal";
	return NULL;
}

static const char *hint(const struct jc_hint_in *in, char *buf, size_t buflen)
{
	const char *error = in->error, *desc = in->desc, *aud = in->audience ? in->audience : "?";

	if (jc_text_has(desc, "AADSTS"))
		return entra_hint(in, buf, buflen);
	if (jc_text_has(desc, "reuse") || jc_text_has(desc, "replay") ||
	    (jc_text_has(desc, "jti") && jc_text_has(desc, "already")))
		return "the server saw this assertion's jti before: each assertion has a new jti, so another "
		       "client signs with this client_id's key, or a proxy resends requests";
	if (jc_text_has(desc, "audience") || jc_text_has(desc, "\"aud\"") || jc_text_has(desc, "aud claim")) {
		snprintf(buf, buflen,
		         "the assertion was sent with aud %s: Okta and Keycloak want the token URL as it is called, "
		         "Auth0 https://TENANT/ with the slash; set 'audience' (or 'server')",
		         aud);
		return buf;
	}
	if (jc_text_has(desc, "expir") && (jc_text_has(desc, "minutes") || jc_text_has(desc, "too far") ||
	                                   jc_text_has(desc, "lifetime")))
		return "the server takes shorter-lived assertions: lower 'assertion_lifetime' (Auth0: at most 300 s)";
	if (jc_text_has(desc, "signature") || jc_text_has(desc, "thumbprint") || jc_text_has(desc, "kid"))
		return "the server did not verify the assertion: register this key's public key or certificate "
		       "with the client, and set 'key_id' to the kid the server gave it";
	if (jc_text_is(error, "invalid_client") || jc_text_is(error, "unauthorized_client"))
		return "the server does not accept this client or key: check 'client_id', that the client uses "
		       "private_key_jwt authentication, and that it holds this key's public key or certificate";
	if (jc_text_is(error, "invalid_scope"))
		return "the server refused the scope: check 'scope' (and 'resource')";
	return NULL;
}

static const struct jc_instead instead[] = {
	{ "issuer", "client_id" },
	{ "subject", NULL },   /* sub is client_id */
	{ "username", NULL },
	{ "login_url", "token_url" },
	{ "service_account_file", "private_key" },
	{ "scope_in", NULL },  /* the scope goes in the form */
	{ NULL, NULL },
};

const struct jc_provider_def jc_provider_client = {
	.id = JC_PROVIDER_CLIENT,
	.name = "client-credentials",
	.title = "client credentials",
	.trusts_key = "the app registration (or client)",
	.key_file = offsetof(struct jc_profile, private_key),
	.key_file_what = "private key",
	.only_alg = NULL,
	.env_token = NULL,
	.env_instance_url = NULL,
	.instead = instead,
	.grant = JC_GRANT_CLIENT_CREDENTIALS,
	.finish = finish,
	.claims = claims,
	.read_key_document = NULL,
	.hint = hint,
};
