/*
 * entry.c: a cached token as JSON.
 *
 * Whoever could write the text (another local user's mistake, a damaged
 * disk, a shared cache) is not trusted: a text reads back only when it is
 * exactly the kind of object jc_entry_encode() writes, with times a mint
 * could have produced, since jc_entry_deadline() does arithmetic on them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/answer.h"
#include "core/clock.h"
#include "core/entry.h"
#include "core/secret.h"

#define ENTRY_VERSION 1
#define CLOCK_SLACK 300 /* an entry "issued" further in the future: the clock went back */

void jc_entry_clear(struct jc_entry *e)
{
	free(e->profile);
	free(e->subject);
	free(e->params);
	jc_free_secret(e->token);
	free(e->instance_url);
	free(e->audience_used);
	free(e->installation_id);
	memset(e, 0, sizeof(*e));
}

long long jc_entry_deadline(const struct jc_entry *e, const struct jc_profile *p)
{
	long long expires = e->expires;

	if (!e->server_expiry && e->issued + p->token_lifetime < expires)
		expires = e->issued + p->token_lifetime;
	return expires - p->refresh_margin;
}

bool jc_entry_fresh(const struct jc_entry *e, const struct jc_profile *p, long long now)
{
	return e->token && e->issued <= now + CLOCK_SLACK && now < jc_entry_deadline(e, p);
}

int jc_entry_encode(const struct jc_entry *e, char **text)
{
	json_t *o;

	*text = NULL;
	o = json_pack("{si s:s s:s s:s s:s s:I s:I s:b}", "version", ENTRY_VERSION, "profile",
	              e->profile, "subject", e->subject, "params", e->params, "token", e->token,
	              "issued", (json_int_t)e->issued, "expires", (json_int_t)e->expires,
	              "server_expiry", e->server_expiry);
	if (o && e->instance_url)
		json_object_set_new(o, "instance_url", json_string(e->instance_url));
	if (o && e->audience_used)
		json_object_set_new(o, "audience_used", json_string(e->audience_used));
	if (o && e->installation_id)
		json_object_set_new(o, "installation_id", json_string(e->installation_id));
	if (o)
		*text = json_dumps(o, JSON_COMPACT);
	jc_json_wipe(o, "token");
	json_decref(o);
	return *text ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

static int take_string(json_t *o, const char *key, bool required, char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return required ? -1 : 0;
	if (!json_is_string(v))
		return -1;
	return (*out = strdup(json_string_value(v))) ? 0 : -1;
}

/* Every member, of its type; the strings copied into out. */
static int take_members(json_t *o, struct jc_entry *out)
{
	json_t *v = json_object_get(o, "version");

	if (!json_is_integer(v) || json_integer_value(v) != ENTRY_VERSION ||
	    take_string(o, "profile", true, &out->profile) ||
	    take_string(o, "subject", true, &out->subject) ||
	    take_string(o, "params", true, &out->params) ||
	    take_string(o, "token", true, &out->token) ||
	    take_string(o, "instance_url", false, &out->instance_url) ||
	    take_string(o, "audience_used", false, &out->audience_used) ||
	    take_string(o, "installation_id", false, &out->installation_id) ||
	    !json_is_integer(json_object_get(o, "issued")) ||
	    !json_is_integer(json_object_get(o, "expires")))
		return -1;
	out->server_expiry = json_is_true(json_object_get(o, "server_expiry"));
	out->issued = json_integer_value(json_object_get(o, "issued"));
	out->expires = json_integer_value(json_object_get(o, "expires"));
	return 0;
}

int jc_entry_decode_err(const char *text, size_t len, struct jc_entry *out, jwtcred_error *err)
{
	json_t *o = NULL;
	int rc = JWTCRED_E_NOTFOUND;

	memset(out, 0, sizeof(*out));
	if (len > JC_MAX_ENTRY) {
		jc_fail(err, rc, "larger than %d bytes", JC_MAX_ENTRY);
		goto out;
	}
	if (!(o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL)) || !json_is_object(o) ||
	    take_members(o, out) != 0 || !*out->token || strpbrk(out->token, " \t\r\n")) {
		jc_fail(err, rc, "damaged");
		goto out;
	}
	/* times we could have written: jc_entry_deadline() does arithmetic on them */
	if (out->issued <= 0 || out->issued > JC_TIME_MAX || out->expires <= out->issued ||
	    out->expires - out->issued > JC_MAX_LIFETIME) {
		jc_fail(err, rc, "issued %lld, expires %lld is not a lifetime of ours", out->issued,
		        out->expires);
		goto out;
	}
	rc = JWTCRED_OK;
out:
	if (rc)
		jc_entry_clear(out);
	jc_json_wipe(o, "token");
	json_decref(o);
	return rc;
}

int jc_entry_decode(const char *text, size_t len, struct jc_entry *out)
{
	return jc_entry_decode_err(text, len, out, NULL);
}
