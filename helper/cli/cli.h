/*
 * cli.h: the program's commands, one file each (cmd_<name>.c).  Each
 * returns the process exit status; main() exits with it.  Commands print;
 * the core and the engine never do (cli/msgs.h says things on stderr).
 */
#ifndef JWTCRED_CLI_H
#define JWTCRED_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/cache.h"
#include "core/conf.h"

/* What the command line asked for; main() fills it, the commands read it. */
struct jc_cli {
	const char *action;       /* the command word as typed: get, store, erase, list... */
	const char *config_path;  /* --config, or NULL */
	const char *profile;      /* --profile, or NULL */
	const char *program;      /* argv[0]: the name the program was run under */
	int verbose;
	bool refresh;             /* token --refresh */
	bool no_cache;            /* token --no-cache */
	bool decode;              /* assertion --decode */
	bool online;              /* check --online */
	bool revoke;              /* purge --revoke */
	const char *format;       /* token --format */
	bool cargo_plugin;        /* cargo: --cargo-plugin, as cargo runs a provider */
	bool shared;              /* status, purge: --shared, the fleet's shared cache */
	bool json;                /* status, check: --json */
	char **rest;              /* curl/exec: the arguments after "--"; terraform, bazel
	                           * and goauth: the words after the verb; init: every
	                           * word after it (it parses its own options) */
	int nrest;
	mode_t umask;             /* the caller's, for the commands jwtcred runs */
};

/* Exit statuses. */
#define JC_EXIT_OK 0
#define JC_EXIT_FAIL 1
#define JC_EXIT_USAGE 2

/*
 * Print a token as `format`: bare, header, json, env or curl-config.
 * Returns -1 for an unknown format or a write error.
 */
int jc_print_token(FILE *out, const char *format, const struct jc_profile *p,
                   const struct jc_entry *e);
bool jc_token_format_known(const char *format);

/* git's get, store and erase, and docker's get, store, erase and list: cli->action */
int jc_front_git(const struct jc_cli *cli);
int jc_front_docker(const struct jc_cli *cli);
int jc_front_token(const struct jc_cli *cli);
int jc_front_curl(const struct jc_cli *cli);
int jc_front_exec(const struct jc_cli *cli);
int jc_front_kubectl(const struct jc_cli *cli);
int jc_front_assertion(const struct jc_cli *cli);
int jc_front_check(const struct jc_cli *cli);
int jc_front_status(const struct jc_cli *cli);
int jc_front_purge(const struct jc_cli *cli);
int jc_front_init(const struct jc_cli *cli);
/* init's usage, options and an example (cmd_init.c), for init --help and jwtcred help init */
void jc_init_usage(FILE *out);
/* other tools' credential helper protocols, one file each (cmd_<tool>.c) */
int jc_front_cargo(const struct jc_cli *cli);
int jc_front_terraform(const struct jc_cli *cli);
int jc_front_bazel(const struct jc_cli *cli);
int jc_front_goauth(const struct jc_cli *cli);
int jc_front_pnpm(const struct jc_cli *cli);
/* jwtcred profiles: the configuration's profile names, one a line (cmd_profiles.c) */
int jc_front_profiles(const struct jc_cli *cli);

/*
 * help.c: jwtcred help [COMMAND] and --help.  jc_help_list prints the
 * commands, one line each, and the global options; jc_help_show prints
 * one topic (a command word, or a name the program runs under such as
 * docker-credential-jwtcred): -1 for an unknown topic or a write error.
 */
int jc_front_help(const struct jc_cli *cli);
void jc_help_list(FILE *out);
bool jc_help_known(const char *name);
int jc_help_show(FILE *out, const char *name);

#endif
