/*
 * provider.h: what jwtcred knows about each token provider, one file per
 * provider (provider_salesforce.c, provider_google.c, provider_generic.c)
 * and one table (provider.c) that maps provider = "…" to it.
 *
 * A provider holds its defaults and validation (run when the configuration
 * is loaded), the claims of its assertions, how to read its key document
 * when its key file is not a plain key, its error hints, and the names of
 * the environment variables jwtcred exec also exports for its tools.
 * Nothing here needs OpenSSL or libcurl, and nothing prints.
 *
 * Adding a provider: a value in enum jc_provider, a file that defines its
 * struct jc_provider_def, a row in provider.c's table, and the file in
 * Makefile.am.  Settings that apply to it get its bit in settings.c.
 */
#ifndef JWTCRED_PROVIDER_H
#define JWTCRED_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/fail.h"

/* The index of a provider's row in the table. */
enum jc_provider {
	JC_PROVIDER_SALESFORCE, /* the default: a profile that names no provider */
	JC_PROVIDER_GOOGLE,
	JC_PROVIDER_GENERIC,
	JC_PROVIDER_CLIENT, /* client-credentials: RFC 6749 4.4 with a private_key_jwt assertion */
	JC_PROVIDER_GITHUB, /* GitHub App installation tokens */
	JC_PROVIDER_COUNT
};

#define JC_PROVIDER_DEFAULT JC_PROVIDER_SALESFORCE

/*
 * iat is this many seconds in the past, so that a server whose clock is a
 * little behind ours does not see an assertion issued in its future; exp is
 * iat + assertion_lifetime.
 */
#define JC_IAT_BACKDATE 30

struct jc_profile;
struct jc_loader;         /* settings.h: the configuration being read */
struct config_setting_t;  /* libconfig's */

/* What one assertion claims (borrowed strings). */
struct jc_claims {
	const char *iss;
	const char *sub;     /* or NULL: no sub claim */
	const char *aud;     /* or NULL: no aud claim (github-app) */
	const char *scope;   /* or NULL */
	const char *jti;     /* or NULL */
	const char *extra;   /* a JSON object of more claims, or NULL; never replaces the above */
	long long iat;
	long long exp;
	long long nbf;       /* 0: no nbf claim */
};

/* Who signs, as a provider's key document says (new strings, each may be NULL). */
struct jc_identity {
	char *iss;
	char *sub;
	char *kid;
	char *token_url;     /* checked to be https */
};

void jc_identity_clear(struct jc_identity *id);

/* What a server refused, for a provider's hint. */
struct jc_hint_in {
	const struct jc_profile *p; /* or NULL: the default provider's hints, without settings */
	const char *error;          /* the server's error, or NULL */
	const char *desc;           /* its error_description, or NULL */
	const char *audience;       /* the aud sent, already quoted ("'https://…'"), or NULL */
	long long server_date;      /* the answer's Date header (seconds), or -1 */
	bool brief;                 /* a shorter form: the message would be cut short */
};

/* A setting of another provider, and what this one says instead (NULL: nothing). */
struct jc_instead {
	const char *name;
	const char *use;
};

/*
 * How the engine trades the assertion for a token (mint.c picks the
 * exchange, exchange.c builds the form): the jwt-bearer grant with the
 * assertion (RFC 7523 2.1, the zero value); the client_credentials grant
 * with the assertion as client authentication (RFC 7523 2.2, RFC 6749 4.4);
 * or a GitHub App's JWT as the bearer of an access_tokens request (github.c).
 */
enum jc_grant {
	JC_GRANT_JWT_BEARER,
	JC_GRANT_CLIENT_CREDENTIALS,
	JC_GRANT_GITHUB_APP,
};

struct jc_provider_def {
	enum jc_provider id;
	const char *name;             /* provider = "…" */
	const char *title;            /* "Salesforce": in messages */
	const char *trusts_key;       /* "the connected app": who holds the certificate, in messages */
	size_t key_file;              /* offsetof(struct jc_profile, …): the key file's setting */
	const char *key_file_what;    /* "private key": the key file, in messages */
	const char *only_alg;         /* the one JWS algorithm it signs with, or NULL: any of jwsalg.h */
	const char *env_token;        /* jwtcred exec exports the token under this name too, or NULL */
	const char *env_instance_url; /* and the instance URL (unset when there is none), or NULL */
	const struct jc_instead *instead; /* ends with a NULL name */
	enum jc_grant grant;          /* the token request's form */

	/*
	 * Defaults and checks once every setting of the profile at `grp` is
	 * read; errors through the loader (settings.h), which names file and line.
	 */
	int (*finish)(struct jc_loader *ld, struct jc_profile *p, struct config_setting_t *grp);

	/*
	 * The claims of an assertion for aud at time now; c->iss, c->sub and
	 * c->jti are set by the caller.
	 */
	void (*claims)(const struct jc_profile *p, const char *aud, long long now, struct jc_claims *c);

	/*
	 * NULL: the key file is a key (PEM or PKCS#12) and the profile says who
	 * signs.  Else the key file (`text`, len bytes, read from `path`) is a
	 * document that says who signs (*id, the caller's) and holds a PEM key:
	 * *pem is a new string of *pemlen bytes, secret (jc_free_secret).
	 */
	int (*read_key_document)(const char *path, const char *text, size_t len,
	                         struct jc_identity *id, char **pem, size_t *pemlen,
	                         jwtcred_error *err);

	/* A hint for a refusal this provider's servers send, or NULL (buf may hold it). */
	const char *(*hint)(const struct jc_hint_in *in, char *buf, size_t len);
};

extern const struct jc_provider_def jc_provider_salesforce;
extern const struct jc_provider_def jc_provider_google;
extern const struct jc_provider_def jc_provider_generic;
extern const struct jc_provider_def jc_provider_client;
extern const struct jc_provider_def jc_provider_github;

/* The provider called `name` (exact), or NULL. */
const struct jc_provider_def *jc_provider_find(const char *name);

/* The provider of `id`; the default provider for an id out of range. */
const struct jc_provider_def *jc_provider_of(enum jc_provider id);

/* "salesforce", "google" or "generic"; "?" out of range. */
const char *jc_provider_name(enum jc_provider id);

/* "salesforce, google, generic" into buf: every name, for messages. */
void jc_provider_names(char *buf, size_t len);

/* The path of p's key file (private_key, service_account_file...), or NULL; borrowed. */
const char *jc_provider_key_file(const struct jc_profile *p);

/*
 * The hint for a refusal: a clock hint when the server says the assertion
 * is outside its time window, else the hint of in->p's provider.  NULL
 * when none is known.
 */
const char *jc_provider_hint(const struct jc_hint_in *in, char *buf, size_t len);

/*
 * The claims every provider sends so far: aud, iat backdated by
 * JC_IAT_BACKDATE, exp = iat + assertion_lifetime, scope when scope_in
 * puts it in the assertion, and the profile's extra claims.
 */
void jc_claims_standard(const struct jc_profile *p, const char *aud, long long now,
                        struct jc_claims *c);

/* Does text hold needle, ignoring case?  false for NULL text. */
bool jc_text_has(const char *text, const char *needle);

/* Is text exactly word?  false for NULL text. */
bool jc_text_is(const char *text, const char *word);

/*
 * The one-time approval URL of a Salesforce profile that sets
 * callback_url: <login_url>/services/oauth2/authorize?response_type=code&
 * client_id=…&redirect_uri=…; NULL otherwise (or out of memory).  A new
 * string.
 */
char *jc_approval_url(const struct jc_profile *p);

/*
 * github-app (provider_github.c): where a request's token goes, as far as
 * the choice of a GitHub App installation is concerned.  Borrowed strings,
 * each may be NULL.
 */
struct jc_target {
	const char *owner;
	const char *repo;
};

struct jc_url;

/* Is api_url (canonical: jc_conf_check_https) github.com's own REST API? */
bool jc_github_api_is_default(const char *canonical);

/*
 * github-app's default urls, github.com (git) and its REST API, for a
 * profile with the default api_url and no urls: a new array into *urls
 * (the caller frees it, jc_url_clear on each), *nurls entries.
 */
int jc_github_default_urls(struct jc_url **urls, size_t *nurls, jwtcred_error *err);

#define JC_GITHUB_NAME_MAX 100 /* the longest owner or repository name taken */

/*
 * A GitHub account or repository name, as we take one (and put one in a
 * URL path): 1 to JC_GITHUB_NAME_MAX letters, digits, '-', '_' and '.',
 * not "." or "..".  NULL: no.
 */
bool jc_github_name_ok(const char *s);

/*
 * A git request's path ("owner/repo[.git][/...]", as GitHub and GitHub
 * Enterprise Server name repositories; git-lfs asks for
 * "owner/repo.git/info/lfs") -> its first two segments, the owner and
 * the repository without ".git", into owner[] and
 * repo[] (JC_GITHUB_NAME_MAX + 1 bytes each).  JWTCRED_E_INPUT when the
 * path has fewer than two segments or a name GitHub would not take.
 */
int jc_github_target_from_path(const char *path, char *owner, char *repo);

/*
 * The owner whose installation a github-app profile's token is for, which
 * names its cache entry: NULL when installation_id says it (one entry), else
 * the owner setting, else the request's owner (t may be NULL).  Borrowed.
 */
const char *jc_github_entry_owner(const struct jc_profile *p, const struct jc_target *t);

/*
 * Can a github-app profile find its installation for this request?  Else
 * JWTCRED_E_CONFIG with the fix in err (installation_id, owner, or
 * credential.useHttpPath).  JWTCRED_OK for any other provider.
 */
int jc_github_target_check(const struct jc_profile *p, const struct jc_target *t,
                           jwtcred_error *err);

#endif
