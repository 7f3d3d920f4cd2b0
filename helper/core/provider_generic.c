/*
 * provider_generic.c: any RFC 7523 server: token_url, issuer, subject
 * (the issuer by default), audience (the token URL by default), any
 * algorithm of core/jwsalg.h, kid, extra claims and form parameters; the
 * scope goes in the form unless scope_in says otherwise.
 */
#include "config.h"

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "core/fail.h"
#include "core/provider.h"
#include "core/settings.h"

static int finish(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	int rc;

	if ((rc = jc_conf_require(ld, p, grp, p->token_url, "token_url", NULL)) ||
	    (rc = jc_conf_require(ld, p, grp, p->issuer, "issuer", NULL)) ||
	    (rc = jc_conf_require(ld, p, grp, p->private_key, "private_key", NULL)))
		return rc;
	if ((rc = jc_conf_default(&p->subject, p->issuer)) ||
	    (rc = p->naudiences ? JWTCRED_OK : jc_conf_one_audience(p, p->token_url)) ||
	    (rc = jc_conf_default(&p->algorithm, "RS256")) ||
	    (rc = jc_conf_default(&p->git_username, p->subject)) ||
	    (rc = jc_conf_default(&p->docker_username, p->subject)))
		return rc;
	if (!config_setting_lookup(grp, "scope_in"))
		p->scope_in = JC_SCOPE_FORM; /* RFC 6749 section 3.3: a request parameter */
	return JWTCRED_OK;
}

/* The later of two settings, for a message about both. */

static const char *hint(const struct jc_hint_in *in, char *buf, size_t buflen)
{
	const char *error = in->error, *desc = in->desc;

	if (jc_text_is(error, "invalid_client") || jc_text_is(error, "unauthorized_client"))
		return "the server does not accept this issuer or key: check 'issuer', and that the server "
		       "holds this key's public key or certificate (and 'key_id' if it has several)";
	if (jc_text_has(desc, "audience") || jc_text_has(desc, "\"aud\"")) {
		snprintf(buf, buflen, "the assertion was sent with aud %s: set 'audience' to what the server expects (often its token URL)",
		         in->audience ? in->audience : "?");
		return buf;
	}
	if (jc_text_is(error, "invalid_scope"))
		return "the server refused the scope: check 'scope' and 'scope_in'";
	return NULL;
}

static const struct jc_instead instead[] = {
	{ "client_id", "issuer" },
	{ "username", "subject" },
	{ "service_account_file", "private_key" },
	{ "login_url", "token_url" },
	{ NULL, NULL },
};

const struct jc_provider_def jc_provider_generic = {
	.id = JC_PROVIDER_GENERIC,
	.name = "generic",
	.title = "generic",
	.trusts_key = "the server",
	.key_file = offsetof(struct jc_profile, private_key),
	.key_file_what = "private key",
	.only_alg = NULL,
	.env_token = NULL,
	.env_instance_url = NULL,
	.instead = instead,
	.finish = finish,
	.claims = jc_claims_standard,
	.read_key_document = NULL,
	.hint = hint,
};
