/*
 * main.c: argument parsing and dispatch; the only place that exits.
 *
 * Invoked as git-credential-jwtcred, the program is git's credential helper
 * (get, store, erase; anything else is ignored).  As jwtcred it takes the
 * commands listed in usage().
 */
#include "config.h"

#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "cli/cli.h"
#include "core/engine.h"
#include "core/trace.h"

enum command_flag {
	F_REFRESH = 1 << 0, F_NO_CACHE = 1 << 1, F_DECODE = 1 << 2, F_ONLINE = 1 << 3,
	F_REVOKE = 1 << 4, F_FORMAT = 1 << 5,
	F_REST = 1 << 15, /* takes the arguments after "--" */
};

static const char *const flag_names[] = {
	"--refresh", "--no-cache", "--decode", "--online", "--revoke", "--format",
};

struct command {
	const char *name;
	int (*run)(const struct jc_cli *);
	unsigned flags; /* the command-specific options it accepts */
};

static int run_git(const struct jc_cli *cli);
static int run_docker(const struct jc_cli *cli);
static int run_assertion(const struct jc_cli *cli);
static int run_check(const struct jc_cli *cli);

static const char *action_word;

static const struct command commands[] = {
	{ "token", jc_front_token, F_REFRESH | F_NO_CACHE | F_FORMAT },
	{ "curl", jc_front_curl, F_REST },
	{ "exec", jc_front_exec, F_REST },
	{ "kubectl", jc_front_kubectl, 0 },
	{ "assertion", run_assertion, F_DECODE },
	{ "check", run_check, F_ONLINE },
	{ "status", jc_front_status, 0 },  /* --profile filters the listing */
	{ "purge", jc_front_purge, F_REVOKE },
	{ "get", run_git, 0 },
	{ "store", run_git, 0 },
	{ "erase", run_git, 0 },
};

/* docker-credential-jwtcred's actions: a table of their own */
static const struct command docker_commands[] = {
	{ "get", run_docker, 0 },
	{ "store", run_docker, 0 },
	{ "erase", run_docker, 0 },
	{ "list", run_docker, 0 },
};

/* assertion and check live in the engine module with the signing code */
static const struct jc_engine *engine_or_say(void)
{
	jwtcred_error err;
	const struct jc_engine *engine = jc_engine(&err);

	if (!engine)
		jc_say("%s", err.text);
	return engine;
}

static int run_assertion(const struct jc_cli *cli)
{
	const struct jc_engine *engine = engine_or_say();

	return engine ? engine->front_assertion(cli) : JC_EXIT_FAIL;
}

static int run_check(const struct jc_cli *cli)
{
	const struct jc_engine *engine = engine_or_say();

	return engine ? engine->front_check(cli) : JC_EXIT_FAIL;
}

static int run_git(const struct jc_cli *cli)
{
	return jc_front_git(cli, action_word);
}

static int run_docker(const struct jc_cli *cli)
{
	return jc_front_docker(cli, action_word);
}

/*
 * One line on stderr, in printable ASCII: anything else becomes '?', so no
 * escape sequence (C0, C1 in UTF-8 or not), line break or bidi override
 * that a message quotes reaches the terminal.
 */
static void say_line(const char *prefix, const char *text)
{
	char buf[2048];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", text);
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < ' ' || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
	fprintf(stderr, "jwtcred: %s%s\n", prefix, buf);
}

void jc_say(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say_line("", buf);
}

static void trace_to_stderr(const char *msg)
{
	say_line("", msg);
}

static void warn_to_stderr(const char *msg)
{
	say_line("warning: ", msg);
}

void jc_child_defaults(const struct jc_cli *cli)
{
	umask(cli->umask);
	signal(SIGXFSZ, SIG_DFL);
}

int jc_cli_config(const struct jc_cli *cli, struct jwtcred_config **cfg)
{
	jwtcred_error err;
	char *def = NULL;
	const char *path = cli->config_path;
	int rc;

	*cfg = NULL;
	if (!path && !(path = def = jc_conf_default_path())) {
		jc_say("no configuration: set HOME, JWTCRED_CONFIG or pass --config FILE");
		return JC_EXIT_FAIL;
	}
	jc_trace("configuration '%s'", path);
	rc = jc_conf_load(path, cfg, &err);
	if (rc)
		jc_say("%s", err.text);
	free(def);
	return rc ? JC_EXIT_FAIL : JC_EXIT_OK;
}

int jc_cli_profile(const struct jc_cli *cli, struct jwtcred_config **cfg,
                   const struct jc_profile **p)
{
	jwtcred_error err;

	*p = NULL;
	if (jc_cli_config(cli, cfg) != 0)
		return JC_EXIT_FAIL;
	if (jc_conf_profile(*cfg, cli->profile, p, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	jc_trace("profile '%s' from '%s' (line %d)", (*p)->name, (*cfg)->path, (*p)->line);
	return JC_EXIT_OK;
}

static void usage(FILE *out)
{
	fputs("usage: jwtcred [options] COMMAND [command options]\n"
	      "\n"
	      "Mint OAuth 2.0 access tokens with the JWT bearer grant (RFC 7523) and hand\n"
	      "them to git and scripts, cached and minted once per profile.\n"
	      "\n"
	      "Commands:\n"
	      "  token [--refresh] [--no-cache] [--format FMT]\n"
	      "                                  print an access token (from the cache when fresh);\n"
	      "                                  FMT: bare, header, json, env, curl-config\n"
	      "  curl -- CURL-ARGS...            run curl with the token on a pipe, never in argv;\n"
	      "                                  only allow-listed curl options (jwtcred(1))\n"
	      "  exec -- COMMAND [ARGS...]       run COMMAND with JWTCRED_ACCESS_TOKEN (and SF_*) set\n"
	      "  kubectl                         kubectl exec credential plugin (ExecCredential JSON)\n"
	      "  assertion [--decode]            print the signed assertion, or its header and claims\n"
	      "  check [--online]                check the configuration and keys; --online mints once\n"
	      "  status                          list cached tokens (never the tokens themselves)\n"
	      "  purge [--revoke]                remove cached tokens; --revoke also revokes them\n"
	      "  get | store | erase             git credential helper (also as git-credential-jwtcred)\n"
	      "As docker-credential-jwtcred: get | store | erase | list (docker's protocol).\n"
	      "\n"
	      "Options:\n"
	      "  -c, --config FILE   configuration file (default: $JWTCRED_CONFIG, else\n"
	      "                      $XDG_CONFIG_HOME/jwtcred/config, else ~/.config/jwtcred/config)\n"
	      "  -p, --profile NAME  the profile to use (every command; git, curl and docker\n"
	      "                      otherwise choose by URL; status and purge filter by it)\n"
	      "  -v, --verbose       diagnostics on stderr (never a secret)\n"
	      "  -h, --help          this help\n"
	      "  -V, --version       the version\n"
	      "\n"
	      "Environment: JWTCRED_CONFIG, JWTCRED_CACHE_DIR, XDG_RUNTIME_DIR, XDG_CACHE_HOME.\n"
	      "See jwtcred(1) and jwtcred.conf(5).\n",
	      out);
}

/* Returns the caller's umask, for the commands jwtcred runs. */
static mode_t harden(void)
{
	struct rlimit no_core = { 0, 0 };
	mode_t caller = umask(077);

	setrlimit(RLIMIT_CORE, &no_core);
	/* past RLIMIT_FSIZE, a failed write is an error to report, not a death */
	signal(SIGXFSZ, SIG_IGN);
#if defined(HAVE_PRCTL) && defined(PR_SET_DUMPABLE)
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	return caller;
}

int main(int argc, char **argv)
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
		{ NULL, 0, NULL, 0 },
	};
	struct jc_cli cli = { 0 };
	const struct command *cmd = NULL, *table = commands;
	size_t ntable = sizeof(commands) / sizeof(commands[0]);
	const char *prog = argv[0] ? strrchr(argv[0], '/') : NULL;
	bool as_git, as_docker;
	unsigned given = 0;
	size_t i;
	int c;

	cli.umask = harden();
	prog = prog ? prog + 1 : (argv[0] ? argv[0] : "jwtcred");
	as_git = strcmp(prog, "git-credential-jwtcred") == 0;
	as_docker = strcmp(prog, "docker-credential-jwtcred") == 0;
	if (as_docker) {
		table = docker_commands;
		ntable = sizeof(docker_commands) / sizeof(docker_commands[0]);
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:p:vhV", longopts, NULL)) != -1 ||
	       (optind < argc && !cmd)) {
		if (c == -1) {
			/* the command word; options may follow it */
			const char *word = argv[optind++];
			for (i = 0; i < ntable; i++)
				if (strcmp(table[i].name, word) == 0 &&
				    (!as_git || table[i].run == run_git))
					cmd = &table[i];
			if (!cmd) {
				if (as_git)
					return JC_EXIT_OK; /* git may add actions; ignore them */
				jc_say("unknown command '%s' (see jwtcred --help)", word);
				return JC_EXIT_USAGE;
			}
			action_word = word;
			continue;
		}
		switch (c) {
		case 'c': cli.config_path = optarg; break;
		case 'p': cli.profile = optarg; break;
		case 'v': cli.verbose++; break;
		case 'h': usage(stdout); return JC_EXIT_OK;
		case 'V': printf("jwtcred %s\n", PACKAGE_VERSION); return JC_EXIT_OK;
		case 'R': cli.refresh = true; given |= F_REFRESH; break;
		case 'N': cli.no_cache = true; given |= F_NO_CACHE; break;
		case 'D': cli.decode = true; given |= F_DECODE; break;
		case 'O': cli.online = true; given |= F_ONLINE; break;
		case 'X': cli.revoke = true; given |= F_REVOKE; break;
		case 'F': cli.format = optarg; given |= F_FORMAT; break;
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
	}
	if (!cmd) {
		usage(stderr);
		return JC_EXIT_USAGE;
	}
	if (cmd->flags & F_REST) {
		/* a "--" first, so that no word meant for curl or the command is read as
		 * jwtcred's own (-c would be jwtcred's --config, not curl's cookie jar) */
		if (strcmp(argv[optind - 1], "--") != 0) {
			jc_say("put '--' before the arguments of %s: jwtcred %s [--profile NAME] -- %s",
			       cmd->name, cmd->name,
			       strcmp(cmd->name, "curl") == 0 ? "CURL-ARGS..." : "COMMAND [ARGS...]");
			return JC_EXIT_USAGE;
		}
		cli.rest = argv + optind;
		cli.nrest = argc - optind;
	} else if (optind < argc) {
		jc_say("unexpected argument '%s' (see jwtcred --help)", argv[optind]);
		return JC_EXIT_USAGE;
	}
	if (cli.format && !jc_token_format_known(cli.format)) {
		jc_say("unknown format '%s' (bare, header, json, env or curl-config)", cli.format);
		return JC_EXIT_USAGE;
	}
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (given & ~cmd->flags & (1u << i)) {
			jc_say("option '%s' does not apply to '%s' (see jwtcred --help)", flag_names[i],
			       cmd->name);
			return JC_EXIT_USAGE;
		}
	if (cli.profile && !*cli.profile) {
		jc_say("--profile needs a name");
		return JC_EXIT_USAGE;
	}
	if (cli.verbose)
		jc_trace_set(trace_to_stderr);
	jc_warn_set(warn_to_stderr);
	return cmd->run(&cli);
}
