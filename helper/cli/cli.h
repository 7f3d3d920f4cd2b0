/*
 * cli.h: the command-line front ends.  Each returns the process exit
 * status; main() exits with it.  Fronts print; the engine never does.
 */
#ifndef JWTCRED_CLI_H
#define JWTCRED_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/cache.h"
#include "core/conf.h"
#include "core/fail.h"

struct jc_cli {
	const char *config_path;  /* --config, or NULL */
	const char *profile;      /* --profile, or NULL */
	int verbose;
	bool refresh;             /* token --refresh */
	bool no_cache;            /* token --no-cache */
	bool decode;              /* assertion --decode */
	bool online;              /* check --online */
	bool revoke;              /* purge --revoke */
	const char *format;       /* token --format */
	char **rest;              /* curl/exec: the arguments after "--" */
	int nrest;
	mode_t umask;             /* the caller's, for the commands jwtcred runs */
};

/* Exit statuses. */
#define JC_EXIT_OK 0
#define JC_EXIT_FAIL 1
#define JC_EXIT_USAGE 2

/*
 * Print "jwtcred: <text>" on stderr.  Anything but printable ASCII in the
 * text becomes '?': whatever a message quotes, no escape sequence or line
 * break reaches the terminal (jc_escape() shows such bytes as \xNN).
 */
void jc_say(const char *fmt, ...) JC_PRINTF(1, 2);

/*
 * Undo for a command jwtcred runs (curl, exec) what jwtcred set for itself:
 * the caller's umask back, SIGXFSZ to its default (an ignored signal
 * survives exec).
 */
void jc_child_defaults(const struct jc_cli *cli);

/* Load the configuration named by the command line; prints on failure. */
int jc_cli_config(const struct jc_cli *cli, struct jwtcred_config **cfg);

/* The configuration and the profile --profile names (or the only one). */
int jc_cli_profile(const struct jc_cli *cli, struct jwtcred_config **cfg,
                   const struct jc_profile **p);

/*
 * Print a token as `format`: bare, header, json, env or curl-config.
 * Returns -1 for an unknown format or a write error.
 */
int jc_print_token(FILE *out, const char *format, const struct jc_profile *p,
                   const struct jc_entry *e);
bool jc_token_format_known(const char *format);

int jc_front_git(const struct jc_cli *cli, const char *action);
int jc_front_token(const struct jc_cli *cli);
int jc_front_curl(const struct jc_cli *cli);
int jc_front_exec(const struct jc_cli *cli);
int jc_front_kubectl(const struct jc_cli *cli);
int jc_front_docker(const struct jc_cli *cli, const char *action);
int jc_front_assertion(const struct jc_cli *cli);
int jc_front_check(const struct jc_cli *cli);
int jc_front_status(const struct jc_cli *cli);
int jc_front_purge(const struct jc_cli *cli);

#endif
