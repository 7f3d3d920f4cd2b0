/*
 * conf.h: profiles loaded from a libconfig file, validated, with defaults.
 */
#ifndef JWTCRED_CONF_H
#define JWTCRED_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "urlmatch.h"

enum jc_provider {
	JC_PROVIDER_SALESFORCE,
};

struct jc_profile {
	char *name;
	int line;                  /* where the profile starts in the file */
	enum jc_provider provider;
	char *client_id;           /* iss */
	char *username;            /* sub */
	char *login_url;
	char *token_url;
	char *revoke_url;
	char *audience;
	char *private_key;         /* absolute path */
	char *passphrase_file;     /* absolute path, or NULL */
	char *passphrase_env;      /* variable name, or NULL */
	char *algorithm;
	char *scope;               /* or NULL */
	char *ca_file;             /* absolute path, or NULL */
	char *certificate;         /* absolute path, or NULL: checked by jwtcred check */
	char *git_username;
	char *docker_username;
	long assertion_lifetime;   /* seconds */
	long token_lifetime;       /* seconds, when the server gives no expires_in */
	long refresh_margin;       /* seconds */
	long timeout;              /* seconds, the whole exchange */
	bool cache;
	struct jc_url *urls;       /* allow-list */
	size_t nurls;
};

struct jwtcred_config {
	char *path;
	struct jc_profile *profiles;
	size_t nprofiles;
};

/* Where the configuration lives when no path is given; a new string. */
char *jc_conf_default_path(void);

/*
 * Load and validate `path`.  Every problem is reported as
 * "'<file>':<line>: <what> ..." in err.  *out is the caller's.
 */
int jc_conf_load(const char *path, struct jwtcred_config **out, jwtcred_error *err);

/* Same, from a string (fuzzing, unit tests); `name` is used in messages. */
int jc_conf_load_string(const char *text, const char *name, struct jwtcred_config **out,
                        jwtcred_error *err);

void jc_conf_free(struct jwtcred_config *cfg);

/*
 * The profile called `name`; NULL name picks the only profile.  Unknown:
 * JWTCRED_E_NOPROFILE with the known names listed.  *out is borrowed.
 */
int jc_conf_profile(const struct jwtcred_config *cfg, const char *name,
                    const struct jc_profile **out, jwtcred_error *err);

/*
 * The profile whose urls allow the request (most specific; the first in
 * the file on a tie), optionally limited to `only`.  NULL when none does.
 */
const struct jc_profile *jc_conf_match(const struct jwtcred_config *cfg, const char *only,
                                       const struct jc_request *req);

#endif
