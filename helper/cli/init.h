/*
 * init.h: the pieces of jwtcred init (cmd_init.c): writing the profile
 * into the configuration (init_write.c) and what to do next on the
 * vendor's side (init_steps.c).
 */
#ifndef JWTCRED_CLI_INIT_H
#define JWTCRED_CLI_INIT_H

#include <stdio.h>

#include "cli/cli.h"
#include "core/fail.h"

#define JC_INIT_MAX_URLS 64

/* Providers, as bits: which flags apply to which. */
enum { P_SF = 1, P_GOOGLE = 2, P_GH = 4, P_CC = 8, P_GEN = 16, P_ALL = 31,
       P_KEYGEN = P_SF | P_CC | P_GEN /* the providers init makes a key for */ };

/* The value flags, in the order their settings are written. */
enum { V_CLIENT_ID, V_APP_ID, V_USERNAME, V_LOGIN_URL, V_SA_FILE, V_KEY, V_INSTALLATION_ID,
       V_OWNER, V_API_URL, V_SERVER, V_TENANT, V_ISSUER, V_SUBJECT, V_TOKEN_URL, V_AUDIENCE,
       V_SCOPE, V_RESOURCE, V_KEY_ID, V_CA_FILE, NVALUES };

/* A value flag: its setting, the providers it applies to, whether it names a file. */
struct jc_init_value {
	const char *flag;
	const char *setting;
	unsigned providers;
	int path; /* an existing file: written as its absolute path */
};
extern const struct jc_init_value jc_init_values[NVALUES];

/* What init was told (or asked) and what it makes; cmd_init.c owns it. */
struct jc_init {
	const char *provider;
	unsigned bit;              /* the provider's bit */
	const char *profile;
	const char *value[NVALUES];
	const char *urls[JC_INIT_MAX_URLS];
	int nurls;
	int ec;                    /* --key-type ec */
	int days;
	int sandbox;
	int given_keygen;          /* --key-type or --days given */
	char *owned[NVALUES + 4];  /* answers and absolute paths, freed at the end */
	int nowned;
	char *config;              /* the configuration file */
	char *key;                 /* the key init makes, or NULL */
	char *cert;
};

/*
 * Parse init's options (cli->rest), ask for what is missing on a terminal,
 * and check the values against the provider and libconfig (init_args.c).
 * Returns -1 to go on, else the exit status (--help: 0; already said why).
 */
int jc_init_args(const struct jc_cli *cli, struct jc_init *in);

/* Free what in owns. */
void jc_init_free(struct jc_init *in);

/*
 * Write v as a libconfig string: quoted, with " and \ escaped.  Returns
 * -1, writing nothing, when v holds a control character (libconfig would
 * read it back as something else, or not at all).
 */
int jc_init_quote(FILE *out, const char *v);

/*
 * The configuration text `old` (NULL: there is none) with `block` (one
 * or more settings, each on its own lines) added inside the top-level
 * `profiles = { ... };` group, just before its closing brace; a group is
 * appended when `old` has none.  The rest of `old` is kept byte for byte.
 * A new string (the caller's), or NULL (err filled).
 */
char *jc_init_insert(const char *old, const char *block, jwtcred_error *err);

/*
 * Make `dir` and its missing parents, each mode 0700 (never changing
 * one that exists).  0, or -1 (err filled).
 */
int jc_init_mkdir(const char *dir, jwtcred_error *err);

/*
 * Replace the file `path` with `text` atomically: a temp file (0600) in
 * the same directory, renamed over it.  `old` is what the caller read
 * from `path` (NULL: it did not exist): when the file changed meanwhile,
 * or appeared, nothing is replaced and this fails.  0, or -1 (err filled).
 */
int jc_init_replace(const char *path, const char *old, const char *text, jwtcred_error *err);

/*
 * Read the configuration `path` (at most 1 MiB) into *text (the caller's;
 * NULL when the file does not exist, which is not an error).  0, or -1.
 */
int jc_init_read(const char *path, char **text, jwtcred_error *err);

/* What init's user does next, on the vendor's side, for this profile. */
struct jc_init_next {
	const char *provider;    /* salesforce, google, github-app, client-credentials, generic */
	const char *server;      /* client-credentials: entra, okta, keycloak, auth0, or NULL */
	const char *profile;
	const char *client_id;   /* or NULL */
	const char *username;    /* or NULL */
	const char *key;         /* the private key file */
	const char *cert;        /* the certificate to upload, or NULL (none made) */
	const char *config;      /* --config as given, or NULL (the default) */
	int nurls;
};

/* Print the steps on out, ending with the jwtcred check --online to run. */
void jc_init_print_next(FILE *out, const struct jc_init_next *n);

#endif
