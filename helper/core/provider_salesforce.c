/*
 * provider_salesforce.c: a Salesforce connected app (or External Client
 * App) with a digital certificate, the default provider.
 *
 * Defaults: login_url https://login.salesforce.com, the token and revoke
 * endpoints under it, aud the login URL, RS256, git and docker usernames
 * the Salesforce username.  The answer has no expires_in; its instance_url
 * is exported as SF_INSTANCE_URL beside SF_ACCESS_TOKEN, the names
 * Salesforce's sf CLI reads (sf org login access-token).
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

static int finish(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	char *canonical = NULL, *base = NULL;
	size_t n;
	int rc;

	if ((rc = jc_conf_require(ld, p, grp, p->issuer, "client_id", NULL)) ||
	    (rc = jc_conf_require(ld, p, grp, p->subject, "username", NULL)) ||
	    (rc = jc_conf_require(ld, p, grp, p->private_key, "private_key", NULL)))
		return rc;
	if ((rc = jc_conf_default(&p->login_url, "https://login.salesforce.com")))
		return rc;
	if ((rc = jc_conf_check_https(ld, config_setting_lookup(grp, "login_url"), p, "login_url",
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
	if ((rc = p->naudiences ? JWTCRED_OK : jc_conf_one_audience(p, canonical)) ||
	    (rc = jc_conf_default(&p->algorithm, "RS256")) ||
	    (rc = jc_conf_default(&p->git_username, p->subject)) ||
	    (rc = jc_conf_default(&p->docker_username, p->subject)))
		goto out;
	rc = JWTCRED_OK;
out:
	free(canonical);
	free(base);
	return rc;
}


/*
 * Percent-encode s for a query value: everything but RFC 3986's unreserved
 * characters, as curl_easy_escape does (the core has no libcurl).  A new
 * string, or NULL.
 */
static char *query_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), i, j = 0;
	char *out;

	if (n > JC_CONF_MAX_STRING || !(out = malloc(3 * n + 1)))
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			out[j++] = (char)c;
		} else {
			out[j++] = '%';
			out[j++] = hex[c >> 4];
			out[j++] = hex[c & 15];
		}
	}
	out[j] = '\0';
	return out;
}

char *jc_approval_url(const struct jc_profile *p)
{
	char *id = NULL, *cb = NULL, *url = NULL;
	size_t n, base;

	if (p->provider != JC_PROVIDER_SALESFORCE || !p->callback_url || !p->login_url || !p->issuer)
		return NULL;
	if ((id = query_escape(p->issuer)) && (cb = query_escape(p->callback_url))) {
		base = strlen(p->login_url);
		while (base > 8 && p->login_url[base - 1] == '/')
			base--;
		n = base + strlen(id) + strlen(cb) + 96;
		if ((url = malloc(n)))
			snprintf(url, n, "%.*s/services/oauth2/authorize?response_type=code&client_id=%s&redirect_uri=%s",
			         (int)base, p->login_url, id, cb);
	}
	free(id);
	free(cb);
	return url;
}

static const char *hint(const struct jc_hint_in *in, char *buf, size_t buflen)
{
	const struct jc_profile *p = in->p;
	const char *aud = in->audience ? in->audience : "?", *error = in->error, *desc = in->desc;
	char *url;

	if (jc_text_has(desc, "hasn't approved")) {
		if (!(url = p ? jc_approval_url(p) : NULL)) {
			snprintf(buf, buflen,
			         "the user has not approved the connected app: in Setup, set the app's Permitted Users to "
			         "'Admin approved users are pre-authorized' and add the user's profile or permission set%s",
			         p && p->provider == JC_PROVIDER_SALESFORCE
			             ? ", or set 'callback_url' to get the URL that approves it once" : "");
			return buf;
		}
		snprintf(buf, buflen, "approve the app once as this user at %s%s", url,
		         in->brief ? "" : ", or pre-authorize the user (app policies: Admin approved users are pre-authorized; add the user's profile)");
		free(url);
		return buf;
	}
	/* an External Client App's words for a user outside its policies */
	if (jc_text_has(desc, "not admin approved") || jc_text_has(desc, "invalid_app_access"))
		return "the user is not pre-authorized for this app: in the External Client App's Policies "
		       "(OAuth Policies, Permitted Users: Admin approved users are pre-authorized) add the user's profile or permission set";
	if (jc_text_has(desc, "app_not_found") || jc_text_has(error, "app_not_found")) {
		snprintf(buf, buflen,
		         "no app with this consumer key answers for aud %s: an External Client App or a My Domain login may need "
		         "its My Domain URL or the other login host in 'audience' (a list is tried in order)",
		         aud);
		return buf;
	}
	if (jc_text_has(desc, "audience is invalid")) {
		snprintf(buf, buflen,
		         "the assertion was sent with aud %s: set 'audience' to https://login.salesforce.com "
		         "(production), https://test.salesforce.com (sandbox) or the Experience Cloud site URL",
		         aud);
		return buf;
	}
	if (jc_text_has(desc, "invalid assertion"))
		return "the signature did not verify: the certificate uploaded to the connected app does "
		       "not match 'private_key' (compare with jwtcred check)";
	if (jc_text_is(error, "invalid_client_id"))
		return "the consumer key is unknown: set 'client_id' to the connected app's Consumer Key";
	if (jc_text_has(desc, "ip restricted"))
		return "the login was refused by IP restrictions or login hours: relax the connected app's "
		       "IP Relaxation policy or the profile's login IP ranges and hours";
	return NULL;
}

static const struct jc_instead instead[] = {
	{ "issuer", "client_id" },
	{ "subject", "username" },
	{ "service_account_file", "private_key" },
	{ NULL, NULL },
};

const struct jc_provider_def jc_provider_salesforce = {
	.id = JC_PROVIDER_SALESFORCE,
	.name = "salesforce",
	.title = "Salesforce",
	.trusts_key = "the connected app",
	.key_file = offsetof(struct jc_profile, private_key),
	.key_file_what = "private key",
	.only_alg = "RS256",
	.env_token = "SF_ACCESS_TOKEN",
	.env_instance_url = "SF_INSTANCE_URL",
	.instead = instead,
	.finish = finish,
	.claims = jc_claims_standard,
	.read_key_document = NULL,
	.hint = hint,
};
