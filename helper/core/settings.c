/*
 * settings.c: the settings of a profile, each described once in the table
 * below with the providers it applies to, and the readers that check each
 * value and store it in struct jc_profile.  Every error names the file and
 * line.  The loader (conf.c) calls these for each setting of a profile; the
 * provider files (provider_*.c) then fill in defaults and check the whole.
 */
#include "config.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/conf.h"
#include "core/fail.h"
#include "core/io.h"
#include "core/provider.h"
#include "core/settings.h"
#include "core/sharedconf.h"
#include "core/text.h"

enum setting_type {
	T_STRING,
	T_PATH,      /* a string, a file: "~/" and relative paths resolved */
	T_INT,
	T_BOOL,
	T_URLS,
	T_PROVIDER,  /* read before the others: it decides what else applies */
	T_AUDIENCES, /* a string or a list of strings */
	T_SCOPES,    /* a list of scope tokens, joined with spaces */
	T_SCOPE_IN,  /* "claim", "form" or "both" */
	T_CLAIMS,    /* a group of claims */
	T_FORM,      /* a group of form parameters */
	T_THUMBPRINT, /* "x5t#S256", "x5t", "both" or "none" */
	T_REPOS,     /* github-app: a list of repository names */
	T_PERMS,     /* github-app: a group of permission = "read" | "write" | "admin" */
	T_SHARED,    /* a shared_cache group, or false (sharedconf.c) */
};

/* The providers a setting applies to, as a mask of 1 << enum jc_provider. */
#define SF (1u << JC_PROVIDER_SALESFORCE)
#define GO (1u << JC_PROVIDER_GOOGLE)
#define GE (1u << JC_PROVIDER_GENERIC)
#define CC (1u << JC_PROVIDER_CLIENT)
#define GH (1u << JC_PROVIDER_GITHUB)
#define ALL ((1u << JC_PROVIDER_COUNT) - 1)
#define OAUTH (ALL & ~GH) /* what only an OAuth token endpoint takes (not GitHub's API) */

struct setting {
	const char *name;
	enum setting_type type;
	size_t offset;
	long min, max;      /* T_INT bounds */
	unsigned providers; /* where the setting applies */
};

#define S(name, type, prov) { #name, type, offsetof(struct jc_profile, name), 0, 0, prov }
#define F(name, field, type, prov) { #name, type, offsetof(struct jc_profile, field), 0, 0, prov }
#define I(name, lo, hi) { #name, T_INT, offsetof(struct jc_profile, name), lo, hi, ALL }

static const struct setting settings[] = {
	F(provider, provider, T_PROVIDER, ALL),
	F(client_id, issuer, T_STRING, SF | CC | GH),
	F(app_id, issuer, T_STRING, GH),
	F(username, subject, T_STRING, SF),
	S(issuer, T_STRING, GE),
	S(subject, T_STRING, GO | GE),
	S(login_url, T_STRING, SF),
	S(token_url, T_STRING, OAUTH),
	S(revoke_url, T_STRING, OAUTH),
	F(audience, audiences, T_AUDIENCES, OAUTH),
	S(private_key, T_PATH, SF | GE | CC | GH),
	S(service_account_file, T_PATH, GO),
	S(passphrase_file, T_PATH, SF | GE | CC | GH),
	S(passphrase_env, T_STRING, SF | GE | CC | GH),
	S(algorithm, T_STRING, ALL),
	S(key_id, T_STRING, GE | CC),
	S(scope, T_STRING, OAUTH),
	F(scopes, scope, T_SCOPES, OAUTH),
	S(scope_in, T_SCOPE_IN, GE),
	S(claims, T_CLAIMS, GE),
	S(form, T_FORM, GE | CC),
	S(jti, T_BOOL, OAUTH),
	S(callback_url, T_STRING, SF),
	S(ca_file, T_PATH, ALL),
	S(certificate, T_PATH, SF | GE | CC),
	S(server, T_STRING, CC),
	S(tenant, T_STRING, CC),
	S(resource, T_STRING, CC),
	S(typ, T_STRING, CC),
	S(thumbprint, T_THUMBPRINT, CC),
	S(client_secret_file, T_PATH, SF),
	S(git_username, T_STRING, ALL),
	S(docker_username, T_STRING, ALL),
	I(assertion_lifetime, 10, 3600),
	I(token_lifetime, 60, 86400),
	I(refresh_margin, 0, 3600),
	I(refresh_ahead, 0, 86400),
	I(timeout, 1, 600),
	S(cache, T_BOOL, ALL),
	S(urls, T_URLS, ALL),
	S(api_url, T_STRING, GH),
	S(installation_id, T_STRING, GH),
	S(owner, T_STRING, GH),
	S(repositories, T_REPOS, GH),
	S(permissions, T_PERMS, GH),
	F(shared_cache, shared, T_SHARED, ALL),
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))
#define MAX_URLS 64
#define MAX_AUDIENCES 16
#define MAX_SCOPES 64
#define MAX_CLAIMS 64
#define MAX_CLAIM_ITEMS 64
#define MAX_FORM 32

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < cur)
				cur = row[j] + 1;
			if (row[j - 1] + 1 < cur)
				cur = row[j - 1] + 1;
			tmp = row[j];
			row[j] = cur;
			prev = tmp;
		}
	}
	return row[lb];
}

static const char *closest_setting(const char *name)
{
	const char *best = NULL;
	size_t bestd = 3, d, i;

	for (i = 0; i < NSETTINGS; i++) {
		d = distance(name, settings[i].name);
		if (d < bestd) {
			bestd = d;
			best = settings[i].name;
		}
	}
	return best;
}

static const char *type_name(int t)
{
	switch (t) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "a value";
	}
}

/* 'provider "google"', 'providers "salesforce", "generic" and "github-app"' */
static void providers_text(unsigned mask, char *buf, size_t len)
{
	const char *names[JC_PROVIDER_COUNT];
	size_t i, n = 0, used;

	for (i = 0; i < JC_PROVIDER_COUNT; i++)
		if (mask & (1u << i))
			names[n++] = jc_provider_name((enum jc_provider)i);
	if (n > 4 || n == 0) {
		snprintf(buf, len, "%zu providers", n);
		return;
	}
	used = (size_t)snprintf(buf, len, "provider%s", n > 1 ? "s" : "");
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s\"%s\"",
		                         i == 0 ? " " : i + 1 == n ? " and " : ", ", names[i]);
}

/* What a profile of `provider` says instead of `name`, or NULL. */
static const char *instead_of(const char *name, enum jc_provider provider)
{
	const struct jc_instead *r;

	for (r = jc_provider_of(provider)->instead; r && r->name; r++)
		if (strcmp(r->name, name) == 0)
			return r->use;
	return NULL;
}

static int not_for_provider(struct jc_loader *ld, const struct jc_profile *p,
                            const struct setting *def, const config_setting_t *s)
{
	const char *use = instead_of(def->name, p->provider);
	char where[128];

	providers_text(def->providers, where, sizeof(where));
	return jc_conf_bad(ld, s, "'%s' in profile '%s' applies to %s only, not \"%s\"%s%s%s", def->name,
	                   p->name, where, jc_provider_name(p->provider), use ? ": use '" : "",
	                   use ? use : "", use ? "'" : "");
}

/*
 * Strings go into JSON (claims, the cache key, kubectl's and docker's
 * answers), which takes UTF-8 only: a \xff escape or a Latin-1 file would
 * otherwise fail far from here, as "out of memory".
 */
static int not_utf8(struct jc_loader *ld, const config_setting_t *s, const struct jc_profile *p,
                    const char *what)
{
	return jc_conf_bad(ld, s, "'%s' in profile '%s' is not valid UTF-8: save the file as UTF-8 (a \\xNN escape is one raw byte)",
	                   what, p->name);
}

/* A string value of setting `what`: not empty, not too long, no control character, UTF-8. */
static int check_string(struct jc_loader *ld, const struct jc_profile *p, const char *what,
                        const config_setting_t *s, const char **out)
{
	int t = config_setting_type(s);
	const char *v;

	*out = NULL;
	if (t != CONFIG_TYPE_STRING)
		return jc_conf_bad(ld, s, "'%s' in profile '%s' must be a string, not %s", what, p->name,
		                   type_name(t));
	v = config_setting_get_string(s);
	if (strlen(v) > JC_CONF_MAX_STRING)
		return jc_conf_bad(ld, s, "'%s' in profile '%s' is longer than %d bytes", what, p->name,
		                   JC_CONF_MAX_STRING);
	/* control characters would let a value forge lines in messages or protocols */
	if (jc_has_control(v))
		return jc_conf_bad(ld, s, "'%s' in profile '%s' contains a control character", what, p->name);
	if (!jc_utf8_valid(v))
		return not_utf8(ld, s, p, what);
	if (*v == '\0')
		return jc_conf_bad(ld, s, "'%s' in profile '%s' is empty", what, p->name);
	*out = v;
	return JWTCRED_OK;
}

static bool is_list(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
}

static int read_urls(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, n = config_setting_length(s), rc;
	const char *v;
	jwtcred_error why;

	if (n > MAX_URLS)
		return jc_conf_bad(ld, s, "profile '%s' lists %d urls: at most %d", p->name, n, MAX_URLS);
	if (!(p->urls = calloc((size_t)n + 1, sizeof(*p->urls))))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return jc_conf_bad(ld, e, "'urls' in profile '%s' must hold strings, not %s",
			                   p->name, type_name(config_setting_type(e)));
		v = config_setting_get_string(e);
		if (jc_has_control(v))
			return jc_conf_bad(ld, e, "an entry of 'urls' in profile '%s' contains a control character",
			                   p->name);
		if (!jc_utf8_valid(v))
			return not_utf8(ld, e, p, "urls");
		if ((rc = jc_url_parse_pattern(v, &p->urls[i], &why)) != 0)
			return rc == JWTCRED_E_NOMEM ? rc : jc_conf_bad(ld, e, "in 'urls' of profile '%s': %s", p->name, why.text);
		p->nurls++;
	}
	return JWTCRED_OK;
}

/* audience = "https://a"; or audience = [ "https://a", "https://b" ]; */
static int read_audiences(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, j, n, rc;
	const char *v;

	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		n = 1;
	else if (is_list(s))
		n = config_setting_length(s);
	else
		return jc_conf_bad(ld, s, "'audience' in profile '%s' must be a string or a list of strings, not %s",
		                   p->name, type_name(config_setting_type(s)));
	if (n == 0)
		return jc_conf_bad(ld, s, "'audience' in profile '%s' is an empty list", p->name);
	if (n > MAX_AUDIENCES)
		return jc_conf_bad(ld, s, "'audience' in profile '%s' lists %d values: at most %d", p->name, n,
		                   MAX_AUDIENCES);
	if (!(p->audiences = calloc((size_t)n, sizeof(*p->audiences))))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = is_list(s) ? config_setting_get_elem(s, (unsigned)i) : s;
		if ((rc = check_string(ld, p, "audience", e, &v)) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(p->audiences[j], v) == 0)
				return jc_conf_bad(ld, e, "'audience' in profile '%s' lists '%s' twice", p->name, v);
		if (!(p->audiences[i] = strdup(v)))
			return JWTCRED_E_NOMEM;
		p->naudiences++;
	}
	return JWTCRED_OK;
}

/* A scope token (RFC 6749 3.3): visible ASCII but '"' and '\'. */
static bool scope_token(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v <= ' ' || *v == '"' || *v == '\\' || (unsigned char)*v >= 0x7f)
			return false;
	return true;
}

/* scopes = [ "a", "b" ] -> "a b" */
static int read_scopes(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, n;
	size_t used = 0, len;
	const char *v;
	char *joined;
	int rc;

	if (!is_list(s))
		return jc_conf_bad(ld, s, "'scopes' in profile '%s' must be a list of strings, like [ \"%s\" ]",
		                   p->name, "https://www.googleapis.com/auth/cloud-platform");
	n = config_setting_length(s);
	if (n == 0)
		return jc_conf_bad(ld, s, "'scopes' in profile '%s' is an empty list", p->name);
	if (n > MAX_SCOPES)
		return jc_conf_bad(ld, s, "'scopes' in profile '%s' lists %d scopes: at most %d", p->name, n,
		                   MAX_SCOPES);
	if (!(joined = calloc(1, JC_CONF_MAX_STRING + 1)))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if ((rc = check_string(ld, p, "scopes", e, &v)) != 0)
			goto fail;
		if (!scope_token(v)) {
			rc = jc_conf_bad(ld, e, "an entry of 'scopes' in profile '%s' contains a space, a quote or a backslash: list each scope on its own",
			                 p->name);
			goto fail;
		}
		len = strlen(v);
		if (used + (used ? 1 : 0) + len > JC_CONF_MAX_STRING) {
			rc = jc_conf_bad(ld, e, "'scopes' in profile '%s' is longer than %d bytes in all", p->name,
			                 JC_CONF_MAX_STRING);
			goto fail;
		}
		if (used)
			joined[used++] = ' ';
		memcpy(joined + used, v, len + 1);
		used += len;
	}
	free(p->scope);
	p->scope = joined;
	return JWTCRED_OK;
fail:
	free(joined);
	return rc;
}

/* One claim value: a string, an integer or a boolean; *out is new. */
static int claim_scalar(struct jc_loader *ld, const struct jc_profile *p, const char *name,
                        const config_setting_t *s, json_t **out)
{
	const char *v;
	int rc;

	*out = NULL;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_STRING:
		if ((rc = check_string(ld, p, name, s, &v)) != 0)
			return rc;
		*out = json_string(v); /* check_string made sure it is UTF-8 */
		break;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		*out = json_integer((json_int_t)config_setting_get_int64(s));
		break;
	case CONFIG_TYPE_BOOL:
		*out = json_boolean(config_setting_get_bool(s));
		break;
	default:
		return jc_conf_bad(ld, s, "'%s' in profile '%s' must be a string, an integer, a boolean or a list of those, not %s",
		                   name, p->name, type_name(config_setting_type(s)));
	}
	return *out ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

/* Claims jwtcred sets itself, from other settings. */
static const char *const reserved_claims[] = {
	"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "scope",
};

/* claims = { tenant = "acme"; level = 3; admin = false; groups = [ "a", "b" ]; }; */
static int read_claims(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	json_t *all = NULL, *v = NULL, *item;
	int i, j, n, m, rc;
	size_t k;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return jc_conf_bad(ld, s, "'claims' in profile '%s' must be a group: claims = { tenant = \"acme\"; };",
		                   p->name);
	n = config_setting_length(s);
	if (n > MAX_CLAIMS)
		return jc_conf_bad(ld, s, "'claims' in profile '%s' has %d claims: at most %d", p->name, n,
		                   MAX_CLAIMS);
	if (!(all = json_object()))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *c = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(c);
		char what[128];

		snprintf(what, sizeof(what), "claims.%s", name);
		for (k = 0; k < sizeof(reserved_claims) / sizeof(reserved_claims[0]); k++)
			if (strcmp(name, reserved_claims[k]) == 0) {
				rc = jc_conf_bad(ld, c, "claim '%s' in 'claims' of profile '%s' is one jwtcred sets itself from the profile's other settings",
				                 name, p->name);
				goto out;
			}
		if (is_list(c)) {
			m = config_setting_length(c);
			if (m > MAX_CLAIM_ITEMS) {
				rc = jc_conf_bad(ld, c, "'%s' in profile '%s' lists %d values: at most %d", what,
				                 p->name, m, MAX_CLAIM_ITEMS);
				goto out;
			}
			rc = JWTCRED_E_NOMEM;
			if (!(v = json_array()))
				goto out;
			for (j = 0; j < m; j++) {
				const config_setting_t *e = config_setting_get_elem(c, (unsigned)j);
				if ((rc = claim_scalar(ld, p, what, e, &item)) != 0)
					goto out;
				if (json_array_append_new(v, item) != 0) {
					rc = JWTCRED_E_NOMEM;
					goto out;
				}
			}
		} else if ((rc = claim_scalar(ld, p, what, c, &v)) != 0) {
			goto out;
		}
		if (json_object_set_new(all, name, v) != 0) {
			v = NULL;
			rc = JWTCRED_E_NOMEM;
			goto out;
		}
		v = NULL; /* transferred */
	}
	free(p->claims);
	p->claims = json_dumps(all, JSON_COMPACT | JSON_PRESERVE_ORDER);
	rc = p->claims ? JWTCRED_OK : JWTCRED_E_NOMEM;
out:
	json_decref(v);
	json_decref(all);
	return rc;
}

/* Form parameters jwtcred sends itself. */
static const char *const reserved_form[] = {
	"grant_type", "assertion", "scope", "client_id", "client_assertion", "client_assertion_type",
};

/* form = { resource = "https://api.example.com"; }; */
static int read_form(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, n, rc;
	const char *v;
	size_t k;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return jc_conf_bad(ld, s, "'form' in profile '%s' must be a group: form = { resource = \"https://api.example.com\"; };",
		                   p->name);
	n = config_setting_length(s);
	if (n > MAX_FORM)
		return jc_conf_bad(ld, s, "'form' in profile '%s' has %d parameters: at most %d", p->name, n,
		                   MAX_FORM);
	if (!(p->form = calloc((size_t)n + 1, sizeof(*p->form))))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(e);
		char what[128];

		for (k = 0; k < sizeof(reserved_form) / sizeof(reserved_form[0]); k++)
			if (strcmp(name, reserved_form[k]) == 0)
				return jc_conf_bad(ld, e, "parameter '%s' in 'form' of profile '%s' is one jwtcred sends itself%s",
				                   name, p->name,
				                   strcmp(name, "scope") == 0 ? ": use 'scope' with scope_in = \"form\"" : "");
		snprintf(what, sizeof(what), "form.%s", name);
		if ((rc = check_string(ld, p, what, e, &v)) != 0)
			return rc;
		if (!(p->form[i].name = strdup(name)) || !(p->form[i].value = strdup(v)))
			return JWTCRED_E_NOMEM;
		p->nform++;
	}
	return JWTCRED_OK;
}

int jc_conf_string(struct jc_loader *ld, const struct jc_profile *p, const char *what,
                   const config_setting_t *s, const char **out)
{
	return check_string(ld, p, what, s, out);
}

static int read_setting(struct jc_loader *ld, struct jc_profile *p, const struct setting *def,
                        const config_setting_t *s)
{
	int t = config_setting_type(s), rc;
	const struct jc_provider_def *d;
	char known[128];
	const char *v;

	switch (def->type) {
	case T_PROVIDER:
		if ((rc = check_string(ld, p, def->name, s, &v)) != 0)
			return rc;
		if ((d = jc_provider_find(v))) {
			p->provider = d->id;
			return JWTCRED_OK;
		}
		jc_provider_names(known, sizeof(known));
		return jc_conf_bad(ld, s, "unknown provider '%s' in profile '%s' (known: %s)", v, p->name, known);
	case T_STRING:
	case T_PATH:
		if ((rc = check_string(ld, p, def->name, s, &v)) != 0)
			return rc;
		{
			char **field = (char **)((char *)p + def->offset);
			free(*field);
			*field = NULL;
			if (def->type == T_PATH)
				return jc_conf_path(ld, s, v, field);
			return (*field = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
		}
	case T_INT:
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return jc_conf_bad(ld, s, "'%s' in profile '%s' must be an integer (seconds), not %s",
			                   def->name, p->name, type_name(t));
		{
			long long n = config_setting_get_int64(s);
			if (n < def->min || n > def->max)
				return jc_conf_bad(ld, s, "'%s' in profile '%s' is %lld: it must be between %ld and %ld",
				                   def->name, p->name, n, def->min, def->max);
			*(long *)((char *)p + def->offset) = (long)n;
		}
		if (def->offset == offsetof(struct jc_profile, refresh_ahead))
			p->refresh_ahead_set = true;
		return JWTCRED_OK;
	case T_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			return jc_conf_bad(ld, s, "'%s' in profile '%s' must be true or false, not %s", def->name,
			                   p->name, type_name(t));
		*(bool *)((char *)p + def->offset) = config_setting_get_bool(s);
		return JWTCRED_OK;
	case T_URLS:
		if (!is_list(s))
			return jc_conf_bad(ld, s, "'%s' in profile '%s' must be a list of URLs, like [ \"https://git.example.com\" ]",
			                   def->name, p->name);
		return read_urls(ld, p, s);
	case T_AUDIENCES:
		return read_audiences(ld, p, s);
	case T_SCOPES:
		return read_scopes(ld, p, s);
	case T_SCOPE_IN:
		if ((rc = check_string(ld, p, def->name, s, &v)) != 0)
			return rc;
		if (strcmp(v, "claim") == 0)
			p->scope_in = JC_SCOPE_CLAIM;
		else if (strcmp(v, "form") == 0)
			p->scope_in = JC_SCOPE_FORM;
		else if (strcmp(v, "both") == 0)
			p->scope_in = JC_SCOPE_BOTH;
		else
			return jc_conf_bad(ld, s, "'scope_in' in profile '%s' is '%s': it must be \"claim\", \"form\" or \"both\"",
			                   p->name, v);
		return JWTCRED_OK;
	case T_CLAIMS:
		return read_claims(ld, p, s);
	case T_FORM:
		return read_form(ld, p, s);
	case T_THUMBPRINT:
		return jc_client_read_thumbprint(ld, p, s);
	case T_REPOS:
		return jc_github_read_repositories(ld, p, s);
	case T_PERMS:
		return jc_github_read_permissions(ld, p, s);
	case T_SHARED:
		return jc_shared_read_profile(ld, p, s);
	}
	return JWTCRED_E_CONFIG;
}

static const struct setting *find_setting(const char *name)
{
	size_t k;

	for (k = 0; k < NSETTINGS; k++)
		if (strcmp(settings[k].name, name) == 0)
			return &settings[k];
	return NULL;
}


int jc_setting_read_provider(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	return read_setting(ld, p, find_setting("provider"), s);
}

int jc_setting_read(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	const char *name = config_setting_name(s), *near;
	const struct setting *def = find_setting(name);

	if (!def) {
		if ((near = closest_setting(name)))
			return jc_conf_bad(ld, s, "unknown setting '%s' in profile '%s' (did you mean '%s'?)",
			                   name, p->name, near);
		return jc_conf_bad(ld, s, "unknown setting '%s' in profile '%s' (see jwtcred.conf(5))", name,
		                   p->name);
	}
	if (def->type == T_PROVIDER)
		return JWTCRED_OK;
	if (!(def->providers & (1u << p->provider)))
		return not_for_provider(ld, p, def, s);
	return read_setting(ld, p, def, s);
}
