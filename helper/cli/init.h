/*
 * init.h: the pieces of jwtcred init (cmd_init.c): writing the profile
 * into the configuration (init_write.c) and what to do next on the
 * vendor's side (init_steps.c).
 */
#ifndef JWTCRED_CLI_INIT_H
#define JWTCRED_CLI_INIT_H

#include <stdio.h>

#include "core/fail.h"

/*
 * Write v as a libconfig string: quoted, with " and \ escaped.  Returns
 * -1, writing nothing, when v holds a control character (libconfig would
 * read it back as something else, or not at all).
 */
int jc_init_quote(FILE *out, const char *v);

/* Does v hold a byte below 0x20 or 0x7f?  Such a value is refused. */
int jc_init_has_control(const char *v);

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
