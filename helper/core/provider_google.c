/*
 * provider_google.c: a Google service account.
 *
 * The profile names the account's JSON key file; that file says who signs
 * (client_email as iss, private_key_id as the header's kid, token_uri as
 * the token endpoint) and holds the PEM key.  It is read when minting,
 * never when the configuration is loaded: the engine reads it (as a
 * secret file) and turns the PEM into a key; the JSON is parsed here.
 */
#include "config.h"

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/conf.h"
#include "core/fail.h"
#include "core/provider.h"
#include "core/secret.h"
#include "core/settings.h"
#include "core/text.h"
#include "core/urlmatch.h"

#define SA_FIELD_MAX 4096

static int finish(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	int rc;

	if ((rc = jc_conf_require(ld, p, grp, p->service_account_file, "service_account_file",
	                          "the JSON key file of the service account")) ||
	    (rc = jc_conf_require(ld, p, grp, p->scope, "scopes",
	                          "scopes = [ \"https://www.googleapis.com/auth/cloud-platform\" ]")))
		return rc;
	/* without token_url, the key file's token_uri is used when it has one */
	if ((rc = jc_conf_default(&p->token_url, "https://oauth2.googleapis.com/token")) ||
	    (rc = jc_conf_default(&p->revoke_url, "https://oauth2.googleapis.com/revoke")) ||
	    (rc = jc_conf_default(&p->algorithm, "RS256")) ||
	    (rc = jc_conf_default(&p->git_username, "oauth2accesstoken")) ||
	    (rc = jc_conf_default(&p->docker_username, "oauth2accesstoken")))
		return rc;
	/* Google's own libraries send no jti */
	if (!config_setting_lookup(grp, "jti"))
		p->jti = false;
	return JWTCRED_OK;
}


/* A string field of the key file, copied; *out NULL when absent. */
static int sa_field(json_t *root, const char *name, const char *path, bool required, char **out,
                    jwtcred_error *err)
{
	json_t *v = json_object_get(root, name);
	const char *s = json_string_value(v);

	*out = NULL;
	if (!v && !required)
		return JWTCRED_OK;
	if (!s || !*s || strlen(s) > SA_FIELD_MAX)
		return jc_fail(err, JWTCRED_E_KEY,
		               "service account file '%s' has no usable '%s': download a new JSON key (IAM, Service accounts, Keys)",
		               path, name);
	if (jc_has_control(s))
		return jc_fail(err, JWTCRED_E_KEY, "'%s' in service account file '%s' contains a control character",
		               name, path);
	return (*out = strdup(s)) ? JWTCRED_OK : jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
}

/* The fields of a parsed key file: who signs, and where. */
static int sa_identity(json_t *root, const char *path, struct jc_identity *id, jwtcred_error *err)
{
	char what[160];
	jwtcred_error why;
	int rc;

	if ((rc = sa_field(root, "client_email", path, true, &id->iss, err)) ||
	    (rc = sa_field(root, "private_key_id", path, false, &id->kid, err)) ||
	    (rc = sa_field(root, "token_uri", path, false, &id->token_url, err)))
		return rc;
	if (id->token_url && (rc = jc_https_url_check(id->token_url, JC_URL_QUERY, &why)) != 0)
		return rc == JWTCRED_E_NOMEM
		           ? jc_fail(err, rc, "out of memory")
		           : jc_fail(err, JWTCRED_E_KEY, "token_uri '%s' in service account file '%s' %s",
		                     jc_escape(id->token_url, what, sizeof(what)), path, why.text);
	return JWTCRED_OK;
}

static int read_key_document(const char *path, const char *text, size_t len,
                             struct jc_identity *id, char **pem, size_t *pemlen, jwtcred_error *err)
{
	char what[160];
	json_t *root, *pk;
	const char *type;
	int rc;

	memset(id, 0, sizeof(*id));
	*pem = NULL;
	*pemlen = 0;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root)) {
		rc = jc_fail(err, JWTCRED_E_KEY,
		             "service account file '%s' is not a JSON object: download a new JSON key (IAM, Service accounts, Keys)",
		             path);
		goto out;
	}
	type = json_string_value(json_object_get(root, "type"));
	if (type && strcmp(type, "service_account") != 0) {
		rc = jc_fail(err, JWTCRED_E_KEY,
		             "'%s' holds '%s' credentials, not a service account key (\"type\": \"service_account\")",
		             path, jc_escape(type, what, sizeof(what)));
		goto out;
	}
	if ((rc = sa_identity(root, path, id, err)) != 0)
		goto out;
	pk = json_object_get(root, "private_key");
	if (!json_is_string(pk)) {
		rc = jc_fail(err, JWTCRED_E_KEY,
		             "service account file '%s' has no 'private_key': download a new JSON key (IAM, Service accounts, Keys)",
		             path);
		goto out;
	}
	*pemlen = json_string_length(pk);
	if (!(*pem = malloc(*pemlen + 1))) {
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*pem, json_string_value(pk), *pemlen);
	(*pem)[*pemlen] = '\0';
	rc = JWTCRED_OK;
out:
	jc_json_wipe(root, "private_key");
	json_decref(root);
	if (rc)
		jc_identity_clear(id);
	return rc;
}

static const char *hint(const struct jc_hint_in *in, char *buf, size_t buflen)
{
	const struct jc_profile *p = in->p;
	const char *error = in->error, *desc = in->desc;

	if (jc_text_has(desc, "invalid jwt signature")) {
		snprintf(buf, buflen,
		         "Google did not verify the signature: the key of '%s' was deleted or disabled, or its client_email and key do not belong together; "
		         "create a new key (IAM, Service accounts, Keys)",
		         p->service_account_file);
		return buf;
	}
	if (jc_text_is(error, "unauthorized_client")) {
		if (p->subject)
			return "the service account may not act for 'subject' with these scopes: authorize its client ID for exactly "
			       "these scopes under domain-wide delegation (Admin console, Security, API controls), or remove 'subject'";
		return "the service account is not allowed this grant or these scopes: check 'scopes' and the account's roles";
	}
	if (jc_text_is(error, "invalid_scope"))
		return "check 'scopes': each must be a full scope URL such as https://www.googleapis.com/auth/cloud-platform";
	if (jc_text_has(desc, "invalid email or user id") || jc_text_has(desc, "not a valid email"))
		return "'subject' is not a user of the Workspace domain whose admin delegated to this service account";
	if (jc_text_has(desc, "account not found"))
		return "the service account no longer exists: create a key for an existing one";
	if (jc_text_has(desc, "audience"))
		return "Google wants the token URL as aud: leave 'audience' unset";
	return NULL;
}

static const struct jc_instead instead[] = {
	{ "username", "subject" },
	{ "private_key", "service_account_file" },
	{ "key_id", NULL }, /* the key file's private_key_id is the kid */
	{ NULL, NULL },
};

const struct jc_provider_def jc_provider_google = {
	.id = JC_PROVIDER_GOOGLE,
	.name = "google",
	.title = "Google",
	.trusts_key = "the service account",
	.key_file = offsetof(struct jc_profile, service_account_file),
	.key_file_what = "service account file",
	.only_alg = "RS256",
	.env_token = NULL,
	.env_instance_url = NULL,
	.instead = instead,
	.finish = finish,
	.claims = jc_claims_standard,
	.read_key_document = read_key_document,
	.hint = hint,
};
