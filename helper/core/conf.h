/*
 * conf.h: profiles loaded from a libconfig file, validated, with defaults.
 */
#ifndef JWTCRED_CONF_H
#define JWTCRED_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/fail.h"
#include "core/jwsalg.h"
#include "core/provider.h"
#include "core/urlmatch.h"

/* Where a scope travels: in the assertion, in the token request, or both. */
enum jc_scope_in {
	JC_SCOPE_CLAIM,
	JC_SCOPE_FORM,
	JC_SCOPE_BOTH,
};

/* The thumbprints of 'certificate' in the assertion's header (client-credentials). */
#define JC_X5T_SHA1 1u   /* x5t: SHA-1 of the DER, base64url */
#define JC_X5T_S256 2u   /* x5t#S256: SHA-256 of the DER, base64url */

/* An extra form parameter of the token request. */
struct jc_param {
	char *name;
	char *value;
};

/* Where a setting is written: the name is the settings table's (static). */
struct jc_setting_line {
	const char *name;
	int line;
};

/* The settings whose line a profile keeps: its files and URLs (jc_profile_where). */
#define JC_WHERE_MAX 12

/* The shared (fleet) cache in Redis: a shared_cache = { ... } group (sharedconf.c). */
enum jc_shared_scheme {
	JC_SHARED_TCP,  /* redis://[host][:port][/db] */
	JC_SHARED_UNIX, /* unix:///path[?db=N] */
};

struct jc_shared_cache {
	char *url;           /* as written (it holds no password), for messages */
	enum jc_shared_scheme scheme;
	char *host;          /* TCP: the host (default 127.0.0.1) */
	int port;            /* TCP: default 6379 */
	char *socket;        /* UNIX: the socket's absolute path */
	int db;              /* SELECT'ed when not 0 */
	char *username;      /* AUTH username password (Redis 6 ACL), or NULL: AUTH password */
	char *password_file; /* absolute path, read when connecting; or NULL: no AUTH */
	char *key_prefix;    /* default "jwtcred:" */
	long timeout_ms;     /* each Redis step, and the connect (1..10000, default 500) */
	char *secret_file;   /* absolute path: the sealing key's material instead of the private key; or NULL */
	int line;            /* where the group is, for messages */
};

/*
 * A profile as loaded: every setting with its provider's default filled
 * in.  Nothing here is secret; key files are read only when minting.
 */
struct jc_profile {
	char *name;
	int line;                  /* where the profile starts in the file */
	enum jc_provider provider;
	char *issuer;              /* iss: client_id (salesforce), issuer (generic);
	                              NULL for google (the service account's client_email) */
	char *subject;             /* sub: username (salesforce), subject (generic,
	                              google); NULL: no sub claim (google) */
	char *login_url;           /* salesforce; NULL otherwise */
	char *token_url;
	bool token_url_set;        /* set in the file; google: else the key file's token_uri wins */
	char *revoke_url;          /* or NULL: the provider has none and none is set */
	char **audiences;          /* aud values in the order tried; google may have */
	size_t naudiences;         /* none: then aud is the token URL */
	char *private_key;         /* absolute path; NULL for google */
	char *service_account_file;/* google: absolute path; NULL otherwise */
	char *passphrase_file;     /* absolute path, or NULL */
	char *passphrase_env;      /* variable name, or NULL */
	char *algorithm;           /* a JWS alg name, checked against the provider */
	char *key_id;              /* generic: the header's kid, or NULL */
	char *scope;               /* space-separated, or NULL */
	enum jc_scope_in scope_in;
	char *claims;              /* generic: extra claims, a compact JSON object, or NULL */
	struct jc_param *form;     /* generic: extra form parameters */
	size_t nform;
	bool jti;                  /* send a random jti claim */
	char *callback_url;        /* salesforce: for the one-time approval URL, or NULL */
	char *ca_file;             /* absolute path, or NULL */
	char *certificate;         /* absolute path, or NULL: checked by jwtcred check */
	char *git_username;
	char *docker_username;
	char *server;              /* client-credentials: "entra", "okta", "keycloak", "auth0", or NULL */
	char *tenant;              /* client-credentials: entra's tenant, auth0's tenant domain, or NULL */
	char *resource;            /* client-credentials: the form's resource (RFC 8707), or NULL */
	char *typ;                 /* client-credentials: the header's typ; NULL: "JWT" */
	unsigned thumbprint;       /* client-credentials: JC_X5T_* of the certificate in the header */
	char *client_secret_file;  /* salesforce: the consumer secret, for introspection; or NULL */
	long assertion_lifetime;   /* seconds */
	long token_lifetime;       /* seconds, when the server gives no expires_in */
	long refresh_margin;       /* seconds */
	long refresh_ahead;        /* seconds before expiry a hit starts a background refresh;
	                              JC_REFRESH_AHEAD_AUTO: max(lifetime / 4, 2 * margin);
	                              0: never (core/refresh.h) */
	bool refresh_ahead_set;    /* written in the file: libjwtcred refreshes ahead too */
	long timeout;              /* seconds, the whole exchange */
	bool cache;
	struct jc_url *urls;       /* allow-list */
	size_t nurls;
	char *api_url;             /* github-app: the REST API, canonical (no trailing slash) */
	char *installation_id;     /* github-app: digits, or NULL: discovered per owner */
	char *owner;               /* github-app: the installation's account, or NULL */
	char **repositories;       /* github-app: the token is narrowed to these, or NULL */
	size_t nrepositories;
	char *permissions;         /* github-app: a compact JSON object name -> level, or NULL */
	/* where its files and URLs are written, for errors at token time (jc_profile_where) */
	char *config_file;         /* the configuration's path as given, or NULL */
	struct jc_setting_line where[JC_WHERE_MAX];
	size_t nwhere;

	struct jc_shared_cache *shared; /* the shared cache (its own group or the top-level one), or NULL */
	bool shared_set;           /* shared_cache written in the profile (a group, or false) */
};

/* refresh_ahead when the profile does not set it */
#define JC_REFRESH_AHEAD_AUTO (-1L)

/*
 * A profile with a mistake inside its group: never served, and its error
 * is the answer whenever it is asked for (by name, or because its urls
 * cover a request: it must not let the request fall through to a profile
 * it was meant to shadow).
 */
struct jc_broken {
	char *name;
	int line;                  /* where the profile starts in the file */
	char *error;               /* "'<file>':<line>: ..." */
	size_t good_before;        /* good profiles before it in the file (ties) */
	struct jc_url *urls;       /* the urls it asks for, when they could be read */
	size_t nurls;
	char **hosts;              /* urls entries that do not parse, read by host alone
	                              ("*.x" kept): a request on or under one gets the error */
	size_t nhosts;
	bool urls_known;           /* false: its urls could not be read: nothing matches it */
};

struct jwtcred_config {
	char *path;
	struct jc_profile *profiles; /* the good profiles, in the file's order */
	size_t nprofiles;
	struct jc_broken *broken;    /* the broken ones, in the file's order */
	size_t nbroken;
	int refresh_ahead;         /* libjwtcred: -1 as the profiles say, 0 never, 1 always
	                              (jwtcred_config_set_refresh_ahead) */
	struct jc_shared_cache *shared; /* the top-level shared_cache, every profile's default; or NULL */
};

/* Where the configuration lives when no path is given; a new string. */
char *jc_conf_default_path(void);

/*
 * Load and validate `path`.  Every problem is reported as
 * "'<file>':<line>: <what> ..." in err.  *out is the caller's.  A mistake
 * inside one profile's group does not fail the load: that profile goes to
 * cfg->broken with its error.  A syntax error of the file, a top-level
 * mistake or running out of memory fails it.
 */
int jc_conf_load(const char *path, struct jwtcred_config **out, jwtcred_error *err);

/* Same, from a string (fuzzing, unit tests); `name` is used in messages. */
int jc_conf_load_string(const char *text, const char *name, struct jwtcred_config **out,
                        jwtcred_error *err);

void jc_conf_free(struct jwtcred_config *cfg);

/* The broken profile called `name`, or NULL.  Borrowed from cfg. */
const struct jc_broken *jc_conf_broken(const struct jwtcred_config *cfg, const char *name);

/* Free every field of a profile (not the struct itself) and zero it. */
void jc_profile_clear(struct jc_profile *p);

/*
 * Where a mistake in p's `setting` ("private_key", "ca_file", "token_url"...)
 * is to be fixed, as configuration errors say it: "'<file>':<line>:
 * profile '<name>'", the line of the setting, or of the profile when the
 * setting is not written there (a default).  Without the file: "profile
 * '<name>'".  Cut at len, always NUL-terminated.
 */
void jc_profile_where(const struct jc_profile *p, const char *setting, char *buf, size_t len);

/*
 * Put jc_profile_where(p, setting) and ": " before err's text, as a
 * key or network error at token time is reported.  err may be NULL.
 */
void jc_fail_where(const struct jc_profile *p, const char *setting, jwtcred_error *err);

/*
 * The profile called `name`; NULL name picks the only profile.  Unknown:
 * JWTCRED_E_NOPROFILE with the known names listed.  Broken (or the only
 * profile is): JWTCRED_E_CONFIG with its error.  *out is borrowed.
 */
int jc_conf_profile(const struct jwtcred_config *cfg, const char *name,
                    const struct jc_profile **out, jwtcred_error *err);

#endif
