/*
 * main.c: argument parsing and dispatch; the only place that exits.
 *
 * Invoked as git-credential-jwtcred, the program is git's credential helper
 * (get, store, erase; anything else is ignored).  As jwtcred it takes the
 * commands help.c lists; as docker-credential-jwtcred, docker's.  -h or
 * --help after a command word shows that command's help; before it (or
 * under a tool's name) the list of commands, or that name's help.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/process.h"
#include "core/secret.h"

enum command_flag {
	F_REFRESH = 1 << 0, F_NO_CACHE = 1 << 1, F_DECODE = 1 << 2, F_ONLINE = 1 << 3,
	F_REVOKE = 1 << 4, F_FORMAT = 1 << 5, F_CARGO_PLUGIN = 1 << 6, F_SHARED = 1 << 7,
	F_JSON = 1 << 8,
	F_OWN = 1 << 12,  /* parses its own options: every word after it is cli->rest */
	F_REST = 1 << 13, /* takes the arguments after "--" */
	F_ARGS = 1 << 14, /* takes the words after it as arguments, without "--" */
	F_VERB = 1 << 15, /* the first of those is the tool's verb: cli->action */
};

static const char *const flag_names[] = {
	"--refresh", "--no-cache", "--decode", "--online", "--revoke", "--format", "--cargo-plugin",
	"--shared", "--json",
};

struct command {
	const char *name;
	int (*run)(const struct jc_cli *);
	unsigned flags; /* the command-specific options it accepts */
};

static const struct command commands[] = {
	{ "token", jc_front_token, F_REFRESH | F_NO_CACHE | F_FORMAT },
	{ "curl", jc_front_curl, F_REST },
	{ "exec", jc_front_exec, F_REST },
	{ "kubectl", jc_front_kubectl, 0 },
	{ "cargo", jc_front_cargo, F_CARGO_PLUGIN },
	{ "terraform", jc_front_terraform, F_ARGS | F_VERB },
	{ "bazel", jc_front_bazel, F_ARGS | F_VERB },
	{ "goauth", jc_front_goauth, F_ARGS },
	{ "pnpm", jc_front_pnpm, 0 },
	{ "assertion", jc_front_assertion, F_DECODE },
	{ "init", jc_front_init, F_OWN },
	{ "check", jc_front_check, F_ONLINE | F_JSON },
	{ "status", jc_front_status, F_SHARED | F_JSON },  /* --profile filters the listing */
	{ "purge", jc_front_purge, F_REVOKE | F_SHARED },
	{ "profiles", jc_front_profiles, 0 },
	{ "help", jc_front_help, F_ARGS },
	{ "get", jc_front_git, 0 },
	{ "store", jc_front_git, 0 },
	{ "erase", jc_front_git, 0 },
};

/* docker-credential-jwtcred's actions: a table of their own */
static const struct command docker_commands[] = {
	{ "get", jc_front_docker, 0 },
	{ "store", jc_front_docker, 0 },
	{ "erase", jc_front_docker, 0 },
	{ "list", jc_front_docker, 0 },
	{ "version", jc_front_docker, 0 }, /* as docker-credential-helpers answer it */
};

/* terraform-credentials-jwtcred [options] get|store|forget HOSTNAME */
static const struct command terraform_commands[] = {
	{ "get", jc_front_terraform, F_ARGS },
	{ "store", jc_front_terraform, F_ARGS },
	{ "forget", jc_front_terraform, F_ARGS },
};

/* bazel-credential-jwtcred get (Bazel passes no other arguments) */
static const struct command bazel_commands[] = {
	{ "get", jc_front_bazel, 0 },
};

/* jwtcred-pnpm-helper[@PROFILE]: pnpm runs it with no arguments at all */
static const struct command pnpm_commands[] = {
	{ "pnpm", jc_front_pnpm, 0 },
};

#define PNPM_HELPER "jwtcred-pnpm-helper"

/* The name the program was run under decides which commands it takes. */
struct personality {
	const struct command *table;
	size_t ntable;
	bool as_git;                  /* git's actions only; an unknown one is ignored */
	const struct command *implied; /* run when no command word is given, or NULL */
	const char *profile;          /* the profile the name carries, or NULL */
	const char *help;             /* help.c's topic for --help, or NULL: the command list */
};

#define PERSONA(t, h) \
	((struct personality){ (t), sizeof(t) / sizeof((t)[0]), false, NULL, NULL, (h) })

/* Not an exit status: parsing goes on. */
#define GO_ON (-1)

/* -h or --help was given: not an exit status either. */
#define HELP (-2)

static struct personality personality(const char *argv0)
{
	const char *prog = argv0 ? strrchr(argv0, '/') : NULL;
	struct personality who = PERSONA(commands, NULL);

	prog = prog ? prog + 1 : (argv0 ? argv0 : "jwtcred");
	if (strcmp(prog, "git-credential-jwtcred") == 0) {
		who.as_git = true;
		who.help = prog;
	} else if (strcmp(prog, "docker-credential-jwtcred") == 0) {
		who = PERSONA(docker_commands, prog);
	} else if (strcmp(prog, "terraform-credentials-jwtcred") == 0) {
		who = PERSONA(terraform_commands, prog);
	} else if (strcmp(prog, "bazel-credential-jwtcred") == 0) {
		who = PERSONA(bazel_commands, prog);
	} else if (strncmp(prog, PNPM_HELPER, strlen(PNPM_HELPER)) == 0 &&
	           (prog[strlen(PNPM_HELPER)] == '\0' || prog[strlen(PNPM_HELPER)] == '@')) {
		/* "jwtcred-pnpm-helper@prod" carries the profile: pnpm passes no arguments */
		who = PERSONA(pnpm_commands, PNPM_HELPER);
		who.implied = &pnpm_commands[0];
		if (prog[strlen(PNPM_HELPER)] == '@')
			who.profile = prog + strlen(PNPM_HELPER) + 1;
	}
	return who;
}

/* The command `word` names; NULL with the exit status in *status when none. */
static const struct command *find_command(const struct personality *who, const char *word,
                                          int *status)
{
	size_t i;

	for (i = 0; i < who->ntable; i++)
		if (strcmp(who->table[i].name, word) == 0 &&
		    (!who->as_git || who->table[i].run == jc_front_git))
			return &who->table[i];
	if (who->as_git) {
		*status = JC_EXIT_OK; /* git may add actions; ignore them */
	} else {
		jc_say("unknown command '%s' (see jwtcred --help)", word);
		*status = JC_EXIT_USAGE;
	}
	return NULL;
}

/* One option getopt_long() returned (c); GO_ON, or the exit status. */
static int take_option(int c, char **argv, struct jc_cli *cli, unsigned *given)
{
	switch (c) {
	case 'c': cli->config_path = optarg; break;
	case 'p': cli->profile = optarg; break;
	case 'v': cli->verbose++; break;
	case 'h': return HELP;
	case 'V': printf("jwtcred %s\n", PACKAGE_VERSION); return JC_EXIT_OK;
	case 'R': cli->refresh = true; *given |= F_REFRESH; break;
	case 'N': cli->no_cache = true; *given |= F_NO_CACHE; break;
	case 'D': cli->decode = true; *given |= F_DECODE; break;
	case 'O': cli->online = true; *given |= F_ONLINE; break;
	case 'X': cli->revoke = true; *given |= F_REVOKE; break;
	case 'F': cli->format = optarg; *given |= F_FORMAT; break;
	case 'P': cli->cargo_plugin = true; *given |= F_CARGO_PLUGIN; break;
	case 'S': cli->shared = true; *given |= F_SHARED; break;
	case 'J': cli->json = true; *given |= F_JSON; break;
	case ':':
		jc_say("option '%s' needs a value (see jwtcred --help)", argv[optind - 1]);
		return JC_EXIT_USAGE;
	case '?':
	default:
		/* a long option is named as typed; a short one by its letter */
		if (strncmp(argv[optind - 1], "--", 2) == 0)
			jc_say("option '%.*s' is unknown or takes no value (see jwtcred --help)",
			       (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
		else
			jc_say("option '-%c' is unknown (see jwtcred --help)", optopt);
		return JC_EXIT_USAGE;
	}
	return GO_ON;
}

/*
 * Print the help --help asked for: the command's (cmd, when the word came
 * before it and the name takes jwtcred's commands), else the help of the
 * name the program runs under, else the command list.  An exit status.
 */
static int show_help(const struct personality *who, const struct command *cmd)
{
	if (cmd && who->table == commands && !who->as_git)
		return jc_help_show(stdout, cmd->name) == 0 ? JC_EXIT_OK : JC_EXIT_FAIL;
	if (who->help)
		return jc_help_show(stdout, who->help) == 0 ? JC_EXIT_OK : JC_EXIT_FAIL;
	jc_help_list(stdout);
	return fflush(stdout) == 0 ? JC_EXIT_OK : JC_EXIT_FAIL;
}

/*
 * jwtcred's options and the command word, which options may follow: *cmd
 * and cli filled.  GO_ON, or the exit status.
 */
static int parse(int argc, char **argv, const struct personality *who, struct jc_cli *cli,
                 const struct command **cmd, unsigned *given)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "profile", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "refresh", no_argument, NULL, 'R' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "decode", no_argument, NULL, 'D' },
		{ "online", no_argument, NULL, 'O' },
		{ "revoke", no_argument, NULL, 'X' },
		{ "format", required_argument, NULL, 'F' },
		{ "cargo-plugin", no_argument, NULL, 'P' },
		{ "shared", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	int c, status = GO_ON;

	*cmd = NULL;
	opterr = 0;
	while (status == GO_ON && ((c = getopt_long(argc, argv, "+:c:p:vhV", longopts, NULL)) != -1 ||
	                           (optind < argc && !*cmd))) {
		if (c != -1) {
			status = take_option(c, argv, cli, given);
		} else {
			/* the command word; options may follow it */
			cli->action = argv[optind++];
			*cmd = find_command(who, cli->action, &status);
			if (*cmd && ((*cmd)->flags & F_OWN))
				break; /* the rest is the command's to parse */
		}
	}
	if (status == HELP) {
		status = show_help(who, *cmd);
	} else if (status == GO_ON && !*cmd && who->implied) {
		cli->action = who->implied->name;
		*cmd = who->implied;
	} else if (status == GO_ON && !*cmd && (*given & F_CARGO_PLUGIN) && who->table == commands) {
		/* cargo runs a provider as PATH --cargo-plugin: the words after the
		 * path in credential-provider come in each request's "args" */
		cli->action = "cargo";
		*cmd = find_command(who, cli->action, &status);
	} else if (status == GO_ON && !*cmd) {
		jc_help_list(stderr);
		status = JC_EXIT_USAGE;
	}
	return status;
}

/* What follows the options, and which options the command takes: GO_ON, or the exit status. */
static int check_arguments(int argc, char **argv, const struct command *cmd, unsigned given,
                           struct jc_cli *cli)
{
	size_t i;

	if (cmd->flags & F_OWN) {
		cli->rest = argv + optind;
		cli->nrest = argc - optind;
	} else if (cmd->flags & F_REST) {
		/* a "--" first, so that no word meant for curl or the command is read as
		 * jwtcred's own (-c would be jwtcred's --config, not curl's cookie jar) */
		if (strcmp(argv[optind - 1], "--") != 0) {
			jc_say("put '--' before the arguments of %s: jwtcred %s [--profile NAME] -- %s",
			       cmd->name, cmd->name,
			       strcmp(cmd->name, "curl") == 0 ? "CURL-ARGS..." : "COMMAND [ARGS...]");
			return JC_EXIT_USAGE;
		}
		cli->rest = argv + optind;
		cli->nrest = argc - optind;
	} else if (cmd->flags & F_ARGS) {
		cli->rest = argv + optind;
		cli->nrest = argc - optind;
		if (cmd->flags & F_VERB) {
			if (cli->nrest == 0) {
				jc_say("'jwtcred %s' needs a verb (see jwtcred --help)", cmd->name);
				return JC_EXIT_USAGE;
			}
			cli->action = *cli->rest++;
			cli->nrest--;
		}
	} else if (optind < argc) {
		jc_say("unexpected argument '%s' (see jwtcred --help)", argv[optind]);
		return JC_EXIT_USAGE;
	}
	if (cli->format && !jc_token_format_known(cli->format)) {
		jc_say("unknown format '%s' (bare, header, json, env or curl-config)", cli->format);
		return JC_EXIT_USAGE;
	}
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (given & ~cmd->flags & (1u << i)) {
			jc_say("option '%s' does not apply to '%s' (see jwtcred --help)", flag_names[i],
			       cmd->name);
			return JC_EXIT_USAGE;
		}
	if (cli->profile && !*cli->profile) {
		jc_say("--profile needs a name");
		return JC_EXIT_USAGE;
	}
	return GO_ON;
}

int main(int argc, char **argv)
{
	struct jc_cli cli = { 0 };
	struct personality who = personality(argv[0]);
	const struct command *cmd;
	unsigned given = 0;
	int status;

	cli.program = argv[0];
	cli.umask = jc_harden();
	jc_json_wiping_alloc(); /* jansson wipes every block it frees */
	if ((status = parse(argc, argv, &who, &cli, &cmd, &given)) != GO_ON)
		return status;
	if ((status = check_arguments(argc, argv, cmd, given, &cli)) != GO_ON)
		return status;
	if (!cli.profile)
		cli.profile = who.profile;
	if (!cli.profile && (cli.profile = getenv("JWTCRED_PROFILE")) && !*cli.profile)
		cli.profile = NULL;
	jc_msgs_init(cli.verbose);
	return cmd->run(&cli);
}
