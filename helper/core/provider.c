/*
 * provider.c: the table that maps provider = "…" to its file, what every
 * provider shares (the standard claims, the clock hint, the checks of
 * settings.h), and the lookups.
 */
#include "config.h"

#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/fail.h"
#include "core/jwsalg.h"
#include "core/provider.h"
#include "core/settings.h"
#include "core/urlmatch.h"

/* Indexed by enum jc_provider. */
static const struct jc_provider_def *const providers[JC_PROVIDER_COUNT] = {
	[JC_PROVIDER_SALESFORCE] = &jc_provider_salesforce,
	[JC_PROVIDER_GOOGLE] = &jc_provider_google,
	[JC_PROVIDER_GENERIC] = &jc_provider_generic,
	[JC_PROVIDER_CLIENT] = &jc_provider_client,
	[JC_PROVIDER_GITHUB] = &jc_provider_github,
};

const struct jc_provider_def *jc_provider_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < JC_PROVIDER_COUNT; i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

const struct jc_provider_def *jc_provider_of(enum jc_provider id)
{
	return (size_t)id < JC_PROVIDER_COUNT ? providers[id] : providers[JC_PROVIDER_DEFAULT];
}

const char *jc_provider_name(enum jc_provider id)
{
	return (size_t)id < JC_PROVIDER_COUNT ? providers[id]->name : "?";
}

void jc_provider_names(char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < JC_PROVIDER_COUNT && used < len; i++) {
		n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", providers[i]->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

const char *jc_provider_key_file(const struct jc_profile *p)
{
	return *(char *const *)((const char *)p + jc_provider_of(p->provider)->key_file);
}

void jc_identity_clear(struct jc_identity *id)
{
	free(id->iss);
	free(id->sub);
	free(id->kid);
	free(id->token_url);
	memset(id, 0, sizeof(*id));
}

void jc_claims_standard(const struct jc_profile *p, const char *aud, long long now,
                        struct jc_claims *c)
{
	c->aud = aud;
	c->scope = p->scope_in != JC_SCOPE_FORM ? p->scope : NULL;
	c->extra = p->claims;
	c->iat = now - JC_IAT_BACKDATE;
	c->exp = c->iat + p->assertion_lifetime;
}

bool jc_text_has(const char *text, const char *needle)
{
	return text && strcasestr(text, needle);
}

bool jc_text_is(const char *text, const char *word)
{
	return text && strcmp(text, word) == 0;
}

/* "(this machine: …Z, the server's Date: …Z, 3600 s ahead)" */
static void clock_times(const struct jc_hint_in *in, char *buf, size_t len)
{
	char mine[32], theirs[32];
	long long now = (long long)time(NULL), diff;

	jc_rfc3339(now, mine, sizeof(mine));
	if (in->server_date < 0) {
		snprintf(buf, len, "this machine's UTC time is %s; the server sent no Date", mine);
		return;
	}
	jc_rfc3339(in->server_date, theirs, sizeof(theirs));
	diff = in->server_date - now;
	snprintf(buf, len, "this machine's UTC time is %s, the server's Date is %s (%lld s %s)",
	         mine, theirs, diff < 0 ? -diff : diff, diff < 0 ? "behind" : "ahead");
}

/* The server says the assertion is outside its time window. */
static bool clock_error(const char *desc)
{
	return jc_text_has(desc, "expired authorization code") || jc_text_has(desc, "short-lived token") ||
	       jc_text_has(desc, "clock skew") || jc_text_has(desc, "not yet valid") || jc_text_has(desc, "jwt expired") ||
	       jc_text_has(desc, "token is expired") || jc_text_has(desc, "issued in the future");
}

const char *jc_provider_hint(const struct jc_hint_in *in, char *buf, size_t len)
{
	char times[160];

	if (clock_error(in->desc)) {
		clock_times(in, times, sizeof(times));
		snprintf(buf, len,
		         "the assertion looked expired or not yet valid to the server: check this machine's clock (%s)",
		         times);
		return buf;
	}
	return jc_provider_of(in->p ? in->p->provider : JC_PROVIDER_DEFAULT)->hint(in, buf, len);
}

/*
 * The checks and defaults that providers share (settings.h).
 *
 * Check that url is an https URL jwtcred may post to (jc_https_url_check;
 * flags as there); *canonical (when asked) is its canonical form:
 * lower-case host, no default port, no trailing slash.  That is the
 * default audience: "https://login.salesforce.com", or an Experience Cloud
 * site's URL with its path.
 */
int jc_conf_check_https(struct jc_loader *ld, const config_setting_t *s, const struct jc_profile *p,
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
		return jc_conf_bad(ld, s, "'%s' in profile '%s' must be an https URL, not '%s'", what, p->name, url);
	if ((rc = jc_https_url_check(url, flags, &why)) != 0)
		return rc == JWTCRED_E_NOMEM
		           ? rc
		           : jc_conf_bad(ld, s, "'%s' in profile '%s' is not a valid URL: '%s' %s (write https://host[:port][/path]%s)",
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
int jc_conf_default(char **field, const char *v)
{
	if (*field)
		return JWTCRED_OK;
	return (*field = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

int jc_conf_one_audience(struct jc_profile *p, const char *v)
{
	if (!(p->audiences = calloc(1, sizeof(*p->audiences))) || !(p->audiences[0] = strdup(v)))
		return JWTCRED_E_NOMEM;
	p->naudiences = 1;
	return JWTCRED_OK;
}

int jc_conf_require(struct jc_loader *ld, const struct jc_profile *p, config_setting_t *grp,
                    const void *field, const char *name, const char *example)
{
	if (field)
		return JWTCRED_OK;
	/* the default provider goes unnamed, as in the profile */
	if (p->provider == JC_PROVIDER_DEFAULT)
		return jc_conf_bad(ld, grp, "profile '%s' has no '%s' (required)", p->name, name);
	return jc_conf_bad(ld, grp, "profile '%s' has no '%s' (required for provider \"%s\")%s%s", p->name,
	                   name, jc_provider_name(p->provider), example ? ": " : "", example ? example : "");
}

int jc_conf_check_alg(struct jc_loader *ld, const struct jc_profile *p, config_setting_t *grp)
{
	const struct jc_provider_def *d = jc_provider_of(p->provider);
	char algs[128];

	if (d->only_alg ? strcmp(p->algorithm, d->only_alg) == 0 : jc_alg_known(p->algorithm))
		return JWTCRED_OK;
	if (d->only_alg)
		return jc_conf_bad(ld, config_setting_lookup(grp, "algorithm"),
		                   "algorithm '%s' in profile '%s' is not supported: the %s provider signs with %s",
		                   p->algorithm, p->name, d->title, d->only_alg);
	jc_alg_list(algs, sizeof(algs));
	return jc_conf_bad(ld, config_setting_lookup(grp, "algorithm"),
	                   "algorithm '%s' in profile '%s' is not supported: use %s", p->algorithm,
	                   p->name, algs);
}

