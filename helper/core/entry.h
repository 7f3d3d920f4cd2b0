/*
 * entry.h: one cached token, and its JSON form.
 *
 * The same JSON is a cache file's whole content and, sealed, a shared
 * cache value (engine/sealed.h): jc_entry_decode() is the one place that
 * decides whether such a text is an entry we could have written.
 */
#ifndef JWTCRED_ENTRY_H
#define JWTCRED_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/conf.h"
#include "core/fail.h"

struct jc_entry {
	char *profile;
	char *subject;
	char *params;        /* the fingerprinted parameters, compared in full */
	char *token;         /* secret */
	char *instance_url;  /* or NULL */
	char *audience_used; /* the aud the endpoint accepted, tried first next time; or NULL */
	long long issued;    /* seconds since the epoch */
	long long expires;
	bool server_expiry;  /* expires came from the server's expires_in */
	char *installation_id; /* github-app: the installation found for this entry, or NULL */
};

/* The largest cache entry (or side record: .failed, .refresh) read back, in bytes. */
#define JC_MAX_ENTRY (64 * 1024)

void jc_entry_clear(struct jc_entry *e);

/*
 * When e stops being servable: its expiry minus the profile's margin; an
 * expiry the profile chose (no expires_in) is also capped by the profile's
 * current token_lifetime, so shortening it takes effect at once.
 */
long long jc_entry_deadline(const struct jc_entry *e, const struct jc_profile *p);

/* Is e servable at now?  Never when it was issued in our future (the clock went back). */
bool jc_entry_fresh(const struct jc_entry *e, const struct jc_profile *p, long long now);

/*
 * e as compact JSON in *text (the caller's; it holds the token: free it
 * with jc_free_secret).  JWTCRED_E_NOMEM, *text NULL, when out of memory
 * or when a required string (profile, subject, params, token) is NULL.
 */
int jc_entry_encode(const struct jc_entry *e, char **text);

/*
 * Read text[0..len) (no NUL needed; more than JC_MAX_ENTRY bytes is
 * refused) into *out (the caller's, jc_entry_clear; zeroed on failure).
 * JWTCRED_E_NOTFOUND for anything we would not have written: not a JSON
 * object, duplicate keys, another version, a missing or mistyped member,
 * an empty token or one with white space in it, issued outside
 * (0, JC_TIME_MAX], expires not after issued or more than
 * JC_MAX_LIFETIME after it.
 */
int jc_entry_decode(const char *text, size_t len, struct jc_entry *out);

/* The same; err (NULL is fine) says why, with no secret in it. */
int jc_entry_decode_err(const char *text, size_t len, struct jc_entry *out, jwtcred_error *err);

#endif
