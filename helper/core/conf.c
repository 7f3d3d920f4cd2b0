/*
 * conf.c: load profiles from a libconfig file.
 *
 *   profiles = {
 *     prod = { client_id = "3MVG9..."; username = "ci@example.com";
 *              private_key = "prod.key"; urls = [ "https://git.example.com" ]; };
 *     gcp = { provider = "google"; service_account_file = "sa.json";
 *             scopes = [ "https://www.googleapis.com/auth/cloud-platform" ]; };
 *   };
 *
 * Every setting is described once in the table below, with the providers
 * it applies to; validation and defaults per provider follow it.  Every
 * error names the file and line.  Nothing here reads a key: a Google
 * service account file is read by the engine, when minting.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/conf.h"
#include "core/fail.h"
#include "core/io.h"
#include "core/jwsalg.h"
#include "core/text.h"
#include "core/trust.h"

enum setting_type {
	T_STRING,
	T_INT,
	T_BOOL,
	T_URLS,
	T_PROVIDER,  /* read before the others: it decides what else applies */
	T_AUDIENCES, /* a string or a list of strings */
	T_SCOPES,    /* a list of scope tokens, joined with spaces */
	T_SCOPE_IN,  /* "claim", "form" or "both" */
	T_CLAIMS,    /* a group of claims */
	T_FORM,      /* a group of form parameters */
};

#define SF (1u << JC_PROVIDER_SALESFORCE)
#define GO (1u << JC_PROVIDER_GOOGLE)
#define GE (1u << JC_PROVIDER_GENERIC)
#define ALL (SF | GO | GE)

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
	F(client_id, issuer, T_STRING, SF),
	F(username, subject, T_STRING, SF),
	S(issuer, T_STRING, GE),
	S(subject, T_STRING, GO | GE),
	S(login_url, T_STRING, SF),
	S(token_url, T_STRING, ALL),
	S(revoke_url, T_STRING, ALL),
	F(audience, audiences, T_AUDIENCES, ALL),
	S(private_key, T_STRING, SF | GE),
	S(service_account_file, T_STRING, GO),
	S(passphrase_file, T_STRING, SF | GE),
	S(passphrase_env, T_STRING, SF | GE),
	S(algorithm, T_STRING, ALL),
	S(key_id, T_STRING, GE),
	S(scope, T_STRING, ALL),
	F(scopes, scope, T_SCOPES, ALL),
	S(scope_in, T_SCOPE_IN, GE),
	S(claims, T_CLAIMS, GE),
	S(form, T_FORM, GE),
	S(jti, T_BOOL, ALL),
	S(callback_url, T_STRING, SF),
	S(ca_file, T_STRING, ALL),
	S(certificate, T_STRING, SF | GE),
	S(git_username, T_STRING, ALL),
	S(docker_username, T_STRING, ALL),
	I(assertion_lifetime, 10, 3600),
	I(token_lifetime, 60, 86400),
	I(refresh_margin, 0, 3600),
	I(timeout, 1, 600),
	S(cache, T_BOOL, ALL),
	S(urls, T_URLS, ALL),
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))
#define MAX_PROFILES 256
#define MAX_URLS 64
#define MAX_STRING 4096
#define MAX_AUDIENCES 16
#define MAX_SCOPES 64
#define MAX_CLAIMS 64
#define MAX_CLAIM_ITEMS 64
#define MAX_FORM 32
#define MAX_CONFIG_BYTES (1024 * 1024)

struct loader {
	const char *file;    /* for messages */
	char *dir;           /* for relative paths; NULL: current directory */
	jwtcred_error *err;
};

static int bad(struct loader *ld, const config_setting_t *s, const char *fmt, ...) JC_PRINTF(3, 4);

static int bad(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
{
	char what[JWTCRED_ERROR_TEXT_LENGTH];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (s && config_setting_source_line(s))
		return jc_fail(ld->err, JWTCRED_E_CONFIG, "'%s':%u: %s", ld->file,
		               config_setting_source_line(s), what);
	return jc_fail(ld->err, JWTCRED_E_CONFIG, "'%s': %s", ld->file, what);
}

/* Levenshtein distance, for "did you mean" (names are short). */
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

/* "~/x" -> $HOME/x; "x" -> <config dir>/x; "/x" stays. */
static int resolve_path(struct loader *ld, const config_setting_t *s, const char *v, char **out)
{
	const char *home;
	size_t len;

	*out = NULL;
	if (v[0] == '/') {
		*out = strdup(v);
	} else if (v[0] == '~' && (v[1] == '/' || v[1] == '\0')) {
		if (!(home = jc_home()))
			return bad(ld, s, "cannot expand '~' in '%s': HOME is not set", v);
		*out = jc_concat(home, v + 1);
	} else if (v[0] == '~') {
		return bad(ld, s, "'%s': only '~/' is expanded, not '~user'", v);
	} else {
		const char *dir = ld->dir ? ld->dir : ".";
		len = strlen(dir) + strlen(v) + 2;
		if ((*out = malloc(len)))
			snprintf(*out, len, "%s/%s", dir, v);
	}
	return *out ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

static bool is_path_setting(const char *name)
{
	return strcmp(name, "private_key") == 0 || strcmp(name, "passphrase_file") == 0 ||
	       strcmp(name, "ca_file") == 0 || strcmp(name, "certificate") == 0 ||
	       strcmp(name, "service_account_file") == 0;
}

static const char *const provider_names[] = { "salesforce", "google", "generic" };

const char *jc_provider_name(enum jc_provider provider)
{
	if ((size_t)provider < sizeof(provider_names) / sizeof(provider_names[0]))
		return provider_names[provider];
	return "?";
}

/* 'provider "google"', 'providers "salesforce" and "generic"' */
static void providers_text(unsigned mask, char *buf, size_t len)
{
	const char *names[3];
	size_t i, n = 0;

	for (i = 0; i < 3; i++)
		if (mask & (1u << i))
			names[n++] = provider_names[i];
	if (n == 1)
		snprintf(buf, len, "provider \"%s\"", names[0]);
	else
		snprintf(buf, len, "providers \"%s\" and \"%s\"", names[0], names[1]);
}

/* What a profile of `provider` says instead of `name`, or NULL. */
static const char *instead_of(const char *name, enum jc_provider provider)
{
	static const struct {
		const char *name;
		unsigned providers;
		const char *use;
	} rows[] = {
		{ "client_id", GE, "issuer" },
		{ "username", GE, "subject" },
		{ "username", GO, "subject" },
		{ "issuer", SF, "client_id" },
		{ "subject", SF, "username" },
		{ "private_key", GO, "service_account_file" },
		{ "service_account_file", SF | GE, "private_key" },
		{ "login_url", GE, "token_url" },
		{ "key_id", GO, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (strcmp(rows[i].name, name) == 0 && (rows[i].providers & (1u << provider)))
			return rows[i].use;
	return NULL;
}

static int not_for_provider(struct loader *ld, const struct jc_profile *p,
                            const struct setting *def, const config_setting_t *s)
{
	const char *use = instead_of(def->name, p->provider);
	char where[64];

	providers_text(def->providers, where, sizeof(where));
	return bad(ld, s, "'%s' in profile '%s' applies to %s only, not \"%s\"%s%s%s", def->name,
	           p->name, where, jc_provider_name(p->provider), use ? ": use '" : "",
	           use ? use : "", use ? "'" : "");
}

/*
 * Strings go into JSON (claims, the cache key, kubectl's and docker's
 * answers), which takes UTF-8 only: a \xff escape or a Latin-1 file would
 * otherwise fail far from here, as "out of memory".
 */
static int not_utf8(struct loader *ld, const config_setting_t *s, const struct jc_profile *p,
                    const char *what)
{
	return bad(ld, s, "'%s' in profile '%s' is not valid UTF-8: save the file as UTF-8 (a \\xNN escape is one raw byte)",
	           what, p->name);
}

/* A string value of setting `what`: not empty, not too long, no control character, UTF-8. */
static int check_string(struct loader *ld, const struct jc_profile *p, const char *what,
                        const config_setting_t *s, const char **out)
{
	int t = config_setting_type(s);
	const char *v;

	*out = NULL;
	if (t != CONFIG_TYPE_STRING)
		return bad(ld, s, "'%s' in profile '%s' must be a string, not %s", what, p->name,
		           type_name(t));
	v = config_setting_get_string(s);
	if (strlen(v) > MAX_STRING)
		return bad(ld, s, "'%s' in profile '%s' is longer than %d bytes", what, p->name,
		           MAX_STRING);
	/* control characters would let a value forge lines in messages or protocols */
	if (jc_has_control(v))
		return bad(ld, s, "'%s' in profile '%s' contains a control character", what, p->name);
	if (!jc_utf8_valid(v))
		return not_utf8(ld, s, p, what);
	if (*v == '\0')
		return bad(ld, s, "'%s' in profile '%s' is empty", what, p->name);
	*out = v;
	return JWTCRED_OK;
}

static bool is_list(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
}

static int read_urls(struct loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, n = config_setting_length(s), rc;
	const char *v;
	jwtcred_error why;

	if (n > MAX_URLS)
		return bad(ld, s, "profile '%s' lists %d urls: at most %d", p->name, n, MAX_URLS);
	if (!(p->urls = calloc((size_t)n + 1, sizeof(*p->urls))))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return bad(ld, e, "'urls' in profile '%s' must hold strings, not %s",
			           p->name, type_name(config_setting_type(e)));
		v = config_setting_get_string(e);
		if (jc_has_control(v))
			return bad(ld, e, "an entry of 'urls' in profile '%s' contains a control character",
			           p->name);
		if (!jc_utf8_valid(v))
			return not_utf8(ld, e, p, "urls");
		if ((rc = jc_url_parse_pattern(v, &p->urls[i], &why)) != 0)
			return rc == JWTCRED_E_NOMEM ? rc : bad(ld, e, "in 'urls' of profile '%s': %s", p->name, why.text);
		p->nurls++;
	}
	return JWTCRED_OK;
}

/* audience = "https://a"; or audience = [ "https://a", "https://b" ]; */
static int read_audiences(struct loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, j, n, rc;
	const char *v;

	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		n = 1;
	else if (is_list(s))
		n = config_setting_length(s);
	else
		return bad(ld, s, "'audience' in profile '%s' must be a string or a list of strings, not %s",
		           p->name, type_name(config_setting_type(s)));
	if (n == 0)
		return bad(ld, s, "'audience' in profile '%s' is an empty list", p->name);
	if (n > MAX_AUDIENCES)
		return bad(ld, s, "'audience' in profile '%s' lists %d values: at most %d", p->name, n,
		           MAX_AUDIENCES);
	if (!(p->audiences = calloc((size_t)n, sizeof(*p->audiences))))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = is_list(s) ? config_setting_get_elem(s, (unsigned)i) : s;
		if ((rc = check_string(ld, p, "audience", e, &v)) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(p->audiences[j], v) == 0)
				return bad(ld, e, "'audience' in profile '%s' lists '%s' twice", p->name, v);
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
static int read_scopes(struct loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, n;
	size_t used = 0, len;
	const char *v;
	char *joined;
	int rc;

	if (!is_list(s))
		return bad(ld, s, "'scopes' in profile '%s' must be a list of strings, like [ \"%s\" ]",
		           p->name, "https://www.googleapis.com/auth/cloud-platform");
	n = config_setting_length(s);
	if (n == 0)
		return bad(ld, s, "'scopes' in profile '%s' is an empty list", p->name);
	if (n > MAX_SCOPES)
		return bad(ld, s, "'scopes' in profile '%s' lists %d scopes: at most %d", p->name, n,
		           MAX_SCOPES);
	if (!(joined = calloc(1, MAX_STRING + 1)))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if ((rc = check_string(ld, p, "scopes", e, &v)) != 0)
			goto fail;
		if (!scope_token(v)) {
			rc = bad(ld, e, "an entry of 'scopes' in profile '%s' contains a space, a quote or a backslash: list each scope on its own",
			         p->name);
			goto fail;
		}
		len = strlen(v);
		if (used + (used ? 1 : 0) + len > MAX_STRING) {
			rc = bad(ld, e, "'scopes' in profile '%s' is longer than %d bytes in all", p->name,
			         MAX_STRING);
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
static int claim_scalar(struct loader *ld, const struct jc_profile *p, const char *name,
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
		return bad(ld, s, "'%s' in profile '%s' must be a string, an integer, a boolean or a list of those, not %s",
		           name, p->name, type_name(config_setting_type(s)));
	}
	return *out ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

/* Claims jwtcred sets itself, from other settings. */
static const char *const reserved_claims[] = {
	"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "scope",
};

/* claims = { tenant = "acme"; level = 3; admin = false; groups = [ "a", "b" ]; }; */
static int read_claims(struct loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	json_t *all = NULL, *v = NULL, *item;
	int i, j, n, m, rc;
	size_t k;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return bad(ld, s, "'claims' in profile '%s' must be a group: claims = { tenant = \"acme\"; };",
		           p->name);
	n = config_setting_length(s);
	if (n > MAX_CLAIMS)
		return bad(ld, s, "'claims' in profile '%s' has %d claims: at most %d", p->name, n,
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
				rc = bad(ld, c, "claim '%s' in 'claims' of profile '%s' is one jwtcred sets itself from the profile's other settings",
				         name, p->name);
				goto out;
			}
		if (is_list(c)) {
			m = config_setting_length(c);
			if (m > MAX_CLAIM_ITEMS) {
				rc = bad(ld, c, "'%s' in profile '%s' lists %d values: at most %d", what,
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
static const char *const reserved_form[] = { "grant_type", "assertion", "scope" };

/* form = { resource = "https://api.example.com"; }; */
static int read_form(struct loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, n, rc;
	const char *v;
	size_t k;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return bad(ld, s, "'form' in profile '%s' must be a group: form = { resource = \"https://api.example.com\"; };",
		           p->name);
	n = config_setting_length(s);
	if (n > MAX_FORM)
		return bad(ld, s, "'form' in profile '%s' has %d parameters: at most %d", p->name, n,
		           MAX_FORM);
	if (!(p->form = calloc((size_t)n + 1, sizeof(*p->form))))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(e);
		char what[128];

		for (k = 0; k < sizeof(reserved_form) / sizeof(reserved_form[0]); k++)
			if (strcmp(name, reserved_form[k]) == 0)
				return bad(ld, e, "parameter '%s' in 'form' of profile '%s' is one jwtcred sends itself%s",
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

static int read_setting(struct loader *ld, struct jc_profile *p, const struct setting *def,
                        const config_setting_t *s)
{
	int t = config_setting_type(s), rc;
	const char *v;
	size_t i;

	switch (def->type) {
	case T_PROVIDER:
		if ((rc = check_string(ld, p, def->name, s, &v)) != 0)
			return rc;
		for (i = 0; i < sizeof(provider_names) / sizeof(provider_names[0]); i++)
			if (strcmp(v, provider_names[i]) == 0) {
				p->provider = (enum jc_provider)i;
				return JWTCRED_OK;
			}
		return bad(ld, s, "unknown provider '%s' in profile '%s' (known: salesforce, google, generic)",
		           v, p->name);
	case T_STRING:
		if ((rc = check_string(ld, p, def->name, s, &v)) != 0)
			return rc;
		{
			char **field = (char **)((char *)p + def->offset);
			free(*field);
			*field = NULL;
			if (is_path_setting(def->name))
				return resolve_path(ld, s, v, field);
			return (*field = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
		}
	case T_INT:
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return bad(ld, s, "'%s' in profile '%s' must be an integer (seconds), not %s",
			           def->name, p->name, type_name(t));
		{
			long long n = config_setting_get_int64(s);
			if (n < def->min || n > def->max)
				return bad(ld, s, "'%s' in profile '%s' is %lld: it must be between %ld and %ld",
				           def->name, p->name, n, def->min, def->max);
			*(long *)((char *)p + def->offset) = (long)n;
		}
		return JWTCRED_OK;
	case T_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			return bad(ld, s, "'%s' in profile '%s' must be true or false, not %s", def->name,
			           p->name, type_name(t));
		*(bool *)((char *)p + def->offset) = config_setting_get_bool(s);
		return JWTCRED_OK;
	case T_URLS:
		if (!is_list(s))
			return bad(ld, s, "'%s' in profile '%s' must be a list of URLs, like [ \"https://git.example.com\" ]",
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
			return bad(ld, s, "'scope_in' in profile '%s' is '%s': it must be \"claim\", \"form\" or \"both\"",
			           p->name, v);
		return JWTCRED_OK;
	case T_CLAIMS:
		return read_claims(ld, p, s);
	case T_FORM:
		return read_form(ld, p, s);
	}
	return JWTCRED_E_CONFIG;
}

/*
 * Check that url is an https URL jwtcred may post to (jc_https_url_check;
 * flags as there); *canonical (when asked) is its canonical form:
 * lower-case host, no default port, no trailing slash.  That is the
 * default audience: "https://login.salesforce.com", or an Experience Cloud
 * site's URL with its path.
 */
static int check_https(struct loader *ld, const config_setting_t *s, const struct jc_profile *p,
                       const char *what, const char *url, unsigned flags, char **canonical)
{
	jwtcred_error why;
	struct jc_request r;
	char port[16] = "";
	size_t n;
	int rc;

	if (canonical)
		*canonical = NULL;
	if (strncmp(url, "https://", 8) != 0)
		return bad(ld, s, "'%s' in profile '%s' must be an https URL, not '%s'", what, p->name, url);
	if ((rc = jc_https_url_check(url, flags, &why)) != 0)
		return rc == JWTCRED_E_NOMEM
		           ? rc
		           : bad(ld, s, "'%s' in profile '%s' is not a valid URL: '%s' %s (write https://host[:port][/path]%s)",
		                 what, p->name, url, why.text, flags & JC_URL_QUERY ? "[?query]" : "");
	if (!canonical)
		return JWTCRED_OK;
	if ((rc = jc_request_from_url(url, &r)) != 0)
		return rc;
	if (r.port != 443)
		snprintf(port, sizeof(port), ":%d", r.port);
	n = strlen(r.host) + strlen(port) + strlen(r.path) + 16;
	if ((*canonical = malloc(n)))
		snprintf(*canonical, n, "https://%s%s%s%s", r.host, port, *r.path ? "/" : "", r.path);
	jc_request_clear(&r);
	return *canonical ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

/* *field = v unless already set. */
static int set_default(char **field, const char *v)
{
	if (*field)
		return JWTCRED_OK;
	return (*field = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

static int one_audience(struct jc_profile *p, const char *v)
{
	if (!(p->audiences = calloc(1, sizeof(*p->audiences))) || !(p->audiences[0] = strdup(v)))
		return JWTCRED_E_NOMEM;
	p->naudiences = 1;
	return JWTCRED_OK;
}

static int require(struct loader *ld, const struct jc_profile *p, config_setting_t *grp,
                   const void *field, const char *name, const char *example)
{
	if (field)
		return JWTCRED_OK;
	if (p->provider == JC_PROVIDER_SALESFORCE)
		return bad(ld, grp, "profile '%s' has no '%s' (required)", p->name, name);
	return bad(ld, grp, "profile '%s' has no '%s' (required for provider \"%s\")%s%s", p->name,
	           name, jc_provider_name(p->provider), example ? ": " : "", example ? example : "");
}

static int only_rs256(struct loader *ld, const struct jc_profile *p, config_setting_t *grp,
                      const char *who)
{
	if (strcmp(p->algorithm, "RS256") == 0)
		return JWTCRED_OK;
	return bad(ld, config_setting_lookup(grp, "algorithm"),
	           "algorithm '%s' in profile '%s' is not supported: the %s provider signs with RS256",
	           p->algorithm, p->name, who);
}

static int finish_salesforce(struct loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	char *canonical = NULL, *base = NULL;
	size_t n;
	int rc;

	if ((rc = require(ld, p, grp, p->issuer, "client_id", NULL)) ||
	    (rc = require(ld, p, grp, p->subject, "username", NULL)) ||
	    (rc = require(ld, p, grp, p->private_key, "private_key", NULL)))
		return rc;
	if ((rc = set_default(&p->login_url, "https://login.salesforce.com")))
		return rc;
	if ((rc = check_https(ld, config_setting_lookup(grp, "login_url"), p, "login_url",
	                      p->login_url, 0, &canonical)) != 0)
		return rc;
	/* base for endpoints: the login URL without a trailing slash */
	n = strlen(p->login_url);
	while (n > 8 && p->login_url[n - 1] == '/')
		n--;
	rc = JWTCRED_E_NOMEM;
	if (!(base = strndup(p->login_url, n)))
		goto out;
	if (!p->token_url && !(p->token_url = jc_concat(base, "/services/oauth2/token")))
		goto out;
	if (!p->revoke_url && !(p->revoke_url = jc_concat(base, "/services/oauth2/revoke")))
		goto out;
	if ((rc = p->naudiences ? JWTCRED_OK : one_audience(p, canonical)) ||
	    (rc = set_default(&p->algorithm, "RS256")) ||
	    (rc = set_default(&p->git_username, p->subject)) ||
	    (rc = set_default(&p->docker_username, p->subject)))
		goto out;
	rc = only_rs256(ld, p, grp, "Salesforce");
out:
	free(canonical);
	free(base);
	return rc;
}

static int finish_google(struct loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	int rc;

	if ((rc = require(ld, p, grp, p->service_account_file, "service_account_file",
	                  "the JSON key file of the service account")) ||
	    (rc = require(ld, p, grp, p->scope, "scopes",
	                  "scopes = [ \"https://www.googleapis.com/auth/cloud-platform\" ]")))
		return rc;
	/* without token_url, the key file's token_uri is used when it has one */
	if ((rc = set_default(&p->token_url, "https://oauth2.googleapis.com/token")) ||
	    (rc = set_default(&p->revoke_url, "https://oauth2.googleapis.com/revoke")) ||
	    (rc = set_default(&p->algorithm, "RS256")) ||
	    (rc = set_default(&p->git_username, "oauth2accesstoken")) ||
	    (rc = set_default(&p->docker_username, "oauth2accesstoken")))
		return rc;
	/* Google's own libraries send no jti */
	if (!config_setting_lookup(grp, "jti"))
		p->jti = false;
	return only_rs256(ld, p, grp, "Google");
}

static int finish_generic(struct loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	char algs[128];
	int rc;

	if ((rc = require(ld, p, grp, p->token_url, "token_url", NULL)) ||
	    (rc = require(ld, p, grp, p->issuer, "issuer", NULL)) ||
	    (rc = require(ld, p, grp, p->private_key, "private_key", NULL)))
		return rc;
	if ((rc = set_default(&p->subject, p->issuer)) ||
	    (rc = p->naudiences ? JWTCRED_OK : one_audience(p, p->token_url)) ||
	    (rc = set_default(&p->algorithm, "RS256")) ||
	    (rc = set_default(&p->git_username, p->subject)) ||
	    (rc = set_default(&p->docker_username, p->subject)))
		return rc;
	if (!config_setting_lookup(grp, "scope_in"))
		p->scope_in = JC_SCOPE_FORM; /* RFC 6749 section 3.3: a request parameter */
	if (jc_alg_known(p->algorithm))
		return JWTCRED_OK;
	jc_alg_list(algs, sizeof(algs));
	return bad(ld, config_setting_lookup(grp, "algorithm"),
	           "algorithm '%s' in profile '%s' is not supported: use %s", p->algorithm, p->name,
	           algs);
}

/* The later of two settings, for a message about both. */
static config_setting_t *later(config_setting_t *a, config_setting_t *b)
{
	return config_setting_source_line(a) >= config_setting_source_line(b) ? a : b;
}

static int finish_profile(struct loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	config_setting_t *a, *b;
	int rc;

	if (p->passphrase_file && p->passphrase_env)
		return bad(ld, grp, "profile '%s' sets both 'passphrase_file' and 'passphrase_env': keep one",
		           p->name);
	if ((a = config_setting_lookup(grp, "scope")) && (b = config_setting_lookup(grp, "scopes")))
		return bad(ld, later(a, b), "profile '%s' sets both 'scope' and 'scopes': keep one",
		           p->name);
	p->token_url_set = p->token_url != NULL;
	switch (p->provider) {
	case JC_PROVIDER_SALESFORCE:
		rc = finish_salesforce(ld, p, grp);
		break;
	case JC_PROVIDER_GOOGLE:
		rc = finish_google(ld, p, grp);
		break;
	case JC_PROVIDER_GENERIC:
		rc = finish_generic(ld, p, grp);
		break;
	default:
		rc = JWTCRED_E_CONFIG;
	}
	if (rc)
		return rc;
	/* RFC 6749 section 3.2: the token endpoint's URL may have a query */
	if ((rc = check_https(ld, config_setting_lookup(grp, "token_url"), p, "token_url",
	                      p->token_url, JC_URL_QUERY, NULL)) != 0 ||
	    (p->revoke_url &&
	     (rc = check_https(ld, config_setting_lookup(grp, "revoke_url"), p, "revoke_url",
	                       p->revoke_url, 0, NULL)) != 0))
		return rc;
	if (p->refresh_margin >= p->token_lifetime) {
		config_setting_t *where = config_setting_lookup(grp, "refresh_margin");
		if (!where)
			where = config_setting_lookup(grp, "token_lifetime");
		return bad(ld, where ? where : grp,
		           "'refresh_margin' (%ld) in profile '%s' must be shorter than 'token_lifetime' (%ld)",
		           p->refresh_margin, p->name, p->token_lifetime);
	}
	return JWTCRED_OK;
}

void jc_profile_clear(struct jc_profile *p)
{
	size_t i;

	for (i = 0; i < p->nurls; i++)
		jc_url_clear(&p->urls[i]);
	free(p->urls);
	for (i = 0; i < p->naudiences; i++)
		free(p->audiences[i]);
	free(p->audiences);
	for (i = 0; i < p->nform; i++) {
		free(p->form[i].name);
		free(p->form[i].value);
	}
	free(p->form);
	free(p->name);
	free(p->issuer);
	free(p->subject);
	free(p->login_url);
	free(p->token_url);
	free(p->revoke_url);
	free(p->private_key);
	free(p->service_account_file);
	free(p->passphrase_file);
	free(p->passphrase_env);
	free(p->algorithm);
	free(p->key_id);
	free(p->scope);
	free(p->claims);
	free(p->callback_url);
	free(p->ca_file);
	free(p->certificate);
	free(p->git_username);
	free(p->docker_username);
	memset(p, 0, sizeof(*p));
}

static const struct setting *find_setting(const char *name)
{
	size_t k;

	for (k = 0; k < NSETTINGS; k++)
		if (strcmp(settings[k].name, name) == 0)
			return &settings[k];
	return NULL;
}

static int read_profile(struct loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	const config_setting_t *prov;
	int i, n, rc;

	p->line = (int)config_setting_source_line(grp);
	p->provider = JC_PROVIDER_SALESFORCE;
	p->scope_in = JC_SCOPE_CLAIM;
	p->jti = true;
	p->assertion_lifetime = 180;
	p->token_lifetime = 900;
	p->refresh_margin = 60;
	p->timeout = 30;
	p->cache = true;
	if (!(p->name = strdup(config_setting_name(grp))))
		return JWTCRED_E_NOMEM;
	if (config_setting_type(grp) != CONFIG_TYPE_GROUP)
		return bad(ld, grp, "profile '%s' must be a group: %s = { ... };", p->name, p->name);
	/* the provider first: it decides which settings apply */
	if ((prov = config_setting_get_member(grp, "provider")) &&
	    (rc = read_setting(ld, p, find_setting("provider"), prov)) != 0)
		return rc;
	n = config_setting_length(grp);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct setting *def = find_setting(name);

		if (!def) {
			const char *near = closest_setting(name);
			if (near)
				return bad(ld, s, "unknown setting '%s' in profile '%s' (did you mean '%s'?)",
				           name, p->name, near);
			return bad(ld, s, "unknown setting '%s' in profile '%s' (see jwtcred.conf(5))",
			           name, p->name);
		}
		if (def->type == T_PROVIDER)
			continue;
		if (!(def->providers & (1u << p->provider)))
			return not_for_provider(ld, p, def, s);
		if ((rc = read_setting(ld, p, def, s)) != 0)
			return rc;
	}
	return finish_profile(ld, p, grp);
}

static int load(config_t *lc, const char *file, char *dir, struct jwtcred_config **out,
                jwtcred_error *err)
{
	struct loader ld = { file, dir, err };
	struct jwtcred_config *cfg = NULL;
	config_setting_t *root, *profiles;
	int i, n, rc;

	*out = NULL;
	root = config_root_setting(lc);
	for (i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		if (strcmp(config_setting_name(s), "profiles") != 0)
			return bad(&ld, s, "unknown top-level setting '%s' (profiles go in 'profiles = { ... };')",
			           config_setting_name(s));
	}
	profiles = config_lookup(lc, "profiles");
	if (!profiles)
		return bad(&ld, NULL, "no 'profiles' group: see config-examples/ or jwtcred.conf(5)");
	if (config_setting_type(profiles) != CONFIG_TYPE_GROUP)
		return bad(&ld, profiles, "'profiles' must be a group: profiles = { name = { ... }; };");
	n = config_setting_length(profiles);
	if (n == 0)
		return bad(&ld, profiles, "'profiles' is empty: define at least one profile");
	if (n > MAX_PROFILES)
		return bad(&ld, profiles, "%d profiles: at most %d", n, MAX_PROFILES);
	if (!(cfg = calloc(1, sizeof(*cfg))) ||
	    !(cfg->profiles = calloc((size_t)n, sizeof(*cfg->profiles))) ||
	    !(cfg->path = strdup(file))) {
		rc = JWTCRED_E_NOMEM;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		rc = read_profile(&ld, &cfg->profiles[i], config_setting_get_elem(profiles, (unsigned)i));
		cfg->nprofiles++;
		if (rc)
			goto fail;
	}
	*out = cfg;
	return JWTCRED_OK;
fail:
	if (rc == JWTCRED_E_NOMEM)
		jc_fail(err, rc, "out of memory reading '%s'", file);
	jc_conf_free(cfg);
	return rc;
}

/*
 * The line of an @include directive, or 0.  libconfig reads one only at the
 * start of a line; we refuse it: a profile is exactly what its file says.
 */
static int include_line(const char *text)
{
	const char *line = text;
	int n = 1;

	for (;;) {
		line += strspn(line, " \t");
		if (strncmp(line, "@include", 8) == 0)
			return n;
		if (!(line = strchr(line, '\n')))
			return 0;
		line++;
		n++;
	}
}

/* Parse `text` (named `name` in messages; relative paths against `dir`). */
static int parse_text(const char *text, const char *name, char *dir,
                      struct jwtcred_config **out, jwtcred_error *err)
{
	config_t lc;
	int rc, line;

	*out = NULL;
	config_init(&lc);
	if ((line = include_line(text)))
		rc = jc_fail(err, JWTCRED_E_CONFIG, "'%s':%d: @include is not supported", name, line);
	else if (config_read_string(&lc, text) != CONFIG_TRUE)
		rc = jc_fail(err, JWTCRED_E_CONFIG, "'%s':%d: %s", name,
		             config_error_line(&lc), config_error_text(&lc));
	else
		rc = load(&lc, name, dir, out, err);
	config_destroy(&lc);
	return rc;
}

int jc_conf_load_string(const char *text, const char *name, struct jwtcred_config **out,
                        jwtcred_error *err)
{
	return parse_text(text, name, NULL, out, err);
}

/* "sub" -> "$PWD/sub", in place of *dir. */
static int absolute_dir(char **dir)
{
	char cwd[4096], *abs;
	size_t n;

	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	n = strlen(cwd) + strlen(*dir) + 2;
	if (strcmp(*dir, ".") == 0)
		abs = strdup(cwd);
	else if ((abs = malloc(n)))
		snprintf(abs, n, "%s/%s", cwd, *dir);
	if (!abs)
		return -1;
	free(*dir);
	*dir = abs;
	return 0;
}

/*
 * The configuration must be a regular file of ours (or root's) that no one
 * else can write: whoever can change it can send tokens and assertions
 * anywhere.  A symlink to such a file is fine (dotfile managers make them).
 */
static const struct jc_trust conf_trust = {
	JWTCRED_E_CONFIG, S_IFREG, true, 022, "go-w",
	"point --config or JWTCRED_CONFIG at a regular file", "it must be yours (or root's)",
};

int jc_conf_load(const char *path, struct jwtcred_config **out, jwtcred_error *err)
{
	char *text = NULL, *dir = NULL, *slash;
	size_t len;
	int fd, rc;

	*out = NULL;
	if ((rc = jc_open_trusted(AT_FDCWD, path, O_RDONLY, "configuration", path, &conf_trust, &fd,
	                          NULL, err)) != 0) {
		if (errno == ENOENT)
			return jc_fail(err, JWTCRED_E_CONFIG,
			               "configuration '%s' does not exist: create it (see config-examples/) or pass --config FILE",
			               path);
		return rc;
	}
	rc = jc_read_fd(fd, MAX_CONFIG_BYTES, &text, &len);
	close(fd);
	if (rc == JWTCRED_E_INPUT)
		return jc_fail(err, JWTCRED_E_CONFIG, "configuration '%s' is larger than %d bytes", path,
		               MAX_CONFIG_BYTES);
	if (rc)
		return jc_fail(err, JWTCRED_E_CONFIG, "cannot read configuration '%s': %s", path,
		               rc == JWTCRED_E_NOMEM ? "out of memory" : strerror(errno));
	if (strlen(text) != len) {
		rc = jc_fail(err, JWTCRED_E_CONFIG, "configuration '%s' contains a NUL byte", path);
		goto out;
	}
	if (!(dir = strdup(path))) {
		rc = JWTCRED_E_NOMEM;
		goto out;
	}
	if ((slash = strrchr(dir, '/')))
		slash[slash == dir ? 1 : 0] = '\0';
	else
		dir[0] = '.', dir[1] = '\0'; /* path is at least one byte long */
	/* key paths must not depend on the current directory later (libjwtcred callers chdir) */
	if (dir[0] != '/' && (rc = absolute_dir(&dir)) != 0) {
		rc = jc_fail(err, JWTCRED_E_CONFIG, "cannot resolve the directory of '%s': %s", path,
		             strerror(errno));
		goto out;
	}
	rc = parse_text(text, path, dir, out, err);
out:
	free(text);
	free(dir);
	return rc;
}

void jc_conf_free(struct jwtcred_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nprofiles; i++)
		jc_profile_clear(&cfg->profiles[i]);
	free(cfg->profiles);
	free(cfg->path);
	free(cfg);
}

char *jc_conf_default_path(void)
{
	const char *env = getenv("JWTCRED_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME"), *home;

	if (env && *env)
		return strdup(env);
	if (xdg && *xdg == '/')
		return jc_concat(xdg, "/jwtcred/config");
	if (!(home = jc_home()))
		return NULL;
	return jc_concat(home, "/.config/jwtcred/config");
}

int jc_conf_profile(const struct jwtcred_config *cfg, const char *name,
                    const struct jc_profile **out, jwtcred_error *err)
{
	char known[256] = "";
	size_t i, used = 0;
	int n;

	*out = NULL;
	if (!name) {
		if (cfg->nprofiles == 1) {
			*out = &cfg->profiles[0];
			return JWTCRED_OK;
		}
	} else {
		for (i = 0; i < cfg->nprofiles; i++)
			if (strcmp(cfg->profiles[i].name, name) == 0) {
				*out = &cfg->profiles[i];
				return JWTCRED_OK;
			}
	}
	for (i = 0; i < cfg->nprofiles && used < sizeof(known); i++) {
		n = snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
		             cfg->profiles[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used >= sizeof(known))
		memcpy(known + sizeof(known) - 4, "...", 4);
	if (!name)
		return jc_fail(err, JWTCRED_E_NOPROFILE,
		               "'%s' has %zu profiles: choose one with --profile NAME (known: %s)",
		               cfg->path, cfg->nprofiles, known);
	return jc_fail(err, JWTCRED_E_NOPROFILE, "no profile '%s' in '%s' (known: %s)", name,
	               cfg->path, known);
}
