/*
 * help.c: jwtcred help [COMMAND], COMMAND --help, and the help of each
 * name the program answers to (git-credential-jwtcred --help...).
 *
 * One table: each command's one-line summary (the list jwtcred --help
 * prints), its usage line, its options one line each, and an example.
 * Help goes to stdout and exits 0; only an unknown topic is an error.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/msgs.h"

#define MAX_OPTIONS 8

struct help_option {
	const char *spelling; /* "--format FMT" */
	const char *text;     /* one line */
};

struct help_topic {
	const char *name;     /* the command word, or the name the program runs under */
	const char *summary;  /* one line in the command list; NULL: not listed */
	const char *usage;    /* after "usage: " */
	const char *about;    /* what it does: a few lines, each ending in \n */
	struct help_option options[MAX_OPTIONS];
	const char *example;  /* lines, each ending in \n */
};

static const struct help_topic topics[] = {
	{ "token", "print an access token (from the cache while fresh)",
	  "jwtcred [-p NAME] token [--refresh] [--no-cache] [--format FMT]",
	  "Print the profile's access token on stdout, minting one when the cache has\n"
	  "none that is fresh.\n",
	  { { "--refresh", "mint a new token even when the cached one is fresh" },
	    { "--no-cache", "mint without reading or writing the cache" },
	    { "--format FMT", "bare (default), header, json, env or curl-config" } },
	  "jwtcred -p prod token --format json\n" },
	{ "curl", "run curl with the token on a pipe, never in argv",
	  "jwtcred [-p NAME] curl -- CURL-ARGS...",
	  "Run curl with the token for URLs the profile's urls allow (https only);\n"
	  "only allow-listed curl options are taken (jwtcred(1)).\n",
	  { { "--", "required: every word after it is curl's" } },
	  "jwtcred curl -- -sS https://api.example.com/v1/items\n" },
	{ "exec", "run a command with JWTCRED_ACCESS_TOKEN set",
	  "jwtcred [-p NAME] exec -- COMMAND [ARGS...]",
	  "Run COMMAND with the token in JWTCRED_ACCESS_TOKEN (the instance URL, if any,\n"
	  "in JWTCRED_INSTANCE_URL; also under the provider's names, such as\n"
	  "SF_ACCESS_TOKEN), never in its argv.\n",
	  { { "--", "required: every word after it is the command's" } },
	  "jwtcred -p prod exec -- ./deploy.sh --target prod\n" },
	{ "kubectl", "kubectl exec credential plugin (ExecCredential JSON)",
	  "jwtcred [-p NAME] kubectl",
	  "Print one ExecCredential for kubectl (the apiVersion it asks for in\n"
	  "KUBERNETES_EXEC_INFO), with the token and its expiry.\n",
	  { { NULL, NULL } },
	  "kubeconfig user exec: command: jwtcred, args: [--profile, prod, kubectl]\n" },
	{ "cargo", "Cargo credential provider (JSON lines on stdin)",
	  "jwtcred [-p NAME] cargo --cargo-plugin",
	  "Answer Cargo's credential provider protocol (cargo >= 1.74) for sparse\n"
	  "registries that a profile's urls allow.\n",
	  { { "--cargo-plugin", "as cargo runs a provider (required)" } },
	  "~/.cargo/config.toml: credential-provider = [\"/usr/bin/jwtcred\", \"cargo\"]\n" },
	{ "terraform", "Terraform/OpenTofu credentials helper",
	  "jwtcred [-p NAME] terraform get|store|forget HOSTNAME",
	  "Terraform's credentials helper protocol; also run as\n"
	  "terraform-credentials-jwtcred.\n",
	  { { "get HOSTNAME", "print {\"token\":...} for a host a profile allows, else {}" },
	    { "store HOSTNAME", "keep nothing (tokens are minted, not stored)" },
	    { "forget HOSTNAME", "drop the cached token" } },
	  "~/.terraformrc: credentials_helper \"jwtcred\" { args = [] }\n" },
	{ "bazel", "Bazel credential helper ({\"uri\":...} on stdin)",
	  "jwtcred [-p NAME] bazel get",
	  "Bazel's credential helper protocol (Bazel >= 6.3); also run as\n"
	  "bazel-credential-jwtcred.\n",
	  { { "get", "read {\"uri\": ...}, print the headers for it" } },
	  "bazel build --credential_helper=example.com=bazel-credential-jwtcred //...\n" },
	{ "goauth", "Go's GOAUTH command (URL prefixes and headers)",
	  "jwtcred [-p NAME] goauth [URL]",
	  "Print credential sets for the go command (Go >= 1.24): URL prefixes the\n"
	  "profiles allow, then an Authorization header.\n",
	  { { "URL", "the URL Go asks again for after a 401 or 403" } },
	  "GOAUTH='jwtcred goauth --profile prod' go mod download\n" },
	{ "pnpm", "pnpm tokenHelper (prints \"Bearer TOKEN\")",
	  "jwtcred [-p NAME] pnpm",
	  "Print \"Bearer TOKEN\" for pnpm's tokenHelper; run as\n"
	  "jwtcred-pnpm-helper[@PROFILE], as pnpm passes no arguments.\n",
	  { { NULL, NULL } },
	  "~/.npmrc: //npm.example.com/:tokenHelper=/usr/bin/jwtcred-pnpm-helper@prod\n" },
	{ "assertion", "print the signed assertion, or its header and claims",
	  "jwtcred [-p NAME] assertion [--decode]",
	  "Print the signed JWT the profile sends to its token endpoint.\n",
	  { { "--decode", "print its header and claims instead, as JSON" } },
	  "jwtcred -p prod assertion --decode\n" },
	{ "init", "create a first profile, its key and certificate", NULL, NULL,
	  { { NULL, NULL } }, NULL },
	{ "check", "check the configuration and keys (--online: mint once)",
	  "jwtcred [-p NAME] check [--online] [--json]",
	  "Check the configuration and, for each profile (or the one -p names), its\n"
	  "key and certificates. Exit 1 when any profile fails.\n",
	  { { "--online", "also mint one token per profile (not printed, not cached)" },
	    { "--json", "one JSON document: every profile's findings and the result" } },
	  "jwtcred check --online\n" },
	{ "status", "list cached tokens (never the tokens themselves)",
	  "jwtcred [-p NAME] status [--json] [--shared]",
	  "List the cache entries: profile, subject, issued, served until (expiry\n"
	  "minus the margin), expires, refresh ahead, last refresh, time left.\n",
	  { { "-p NAME", "only the entries of that profile" },
	    { "--json", "one JSON document (times in RFC 3339 UTC and epoch seconds)" },
	    { "--shared", "the fleet's shared cache" } },
	  "jwtcred status --json\n" },
	{ "purge", "remove cached tokens (--revoke: revoke them too)",
	  "jwtcred [-p NAME] purge [--revoke] [--shared]",
	  "Remove the cache entries (all, or the profile's that -p names).\n",
	  { { "-p NAME", "only the entries of that profile" },
	    { "--revoke", "first revoke each token at the profile's revoke_url" },
	    { "--shared", "the fleet's shared cache" } },
	  "jwtcred -p prod purge --revoke\n" },
	{ "profiles", "list the configuration's profile names, one a line",
	  "jwtcred [-c FILE] profiles",
	  "Print the name of every profile of the configuration, one a line (for\n"
	  "shell completion and scripts). Nothing else of the profiles is printed.\n",
	  { { NULL, NULL } },
	  "jwtcred -c ~/.config/jwtcred/config profiles\n" },
	{ "get", "git credential helper (also as git-credential-jwtcred)",
	  "jwtcred [-p NAME] get|store|erase",
	  "git's credential helper protocol: get answers a token for a URL a\n"
	  "profile's urls allow; store keeps nothing; erase drops the cached token.\n",
	  { { NULL, NULL } },
	  "git config --global credential.https://git.example.com.helper jwtcred\n" },
	{ "help", "show a command's usage, options and an example",
	  "jwtcred help [COMMAND]",
	  "Show the help of COMMAND (the same as jwtcred COMMAND --help), or the list\n"
	  "of commands.\n",
	  { { NULL, NULL } },
	  "jwtcred help token\n" },
	/* the names the program answers to (main.c's personalities) */
	{ "git-credential-jwtcred", NULL,
	  "git-credential-jwtcred [-p NAME] get|store|erase",
	  "git's credential helper: git runs it for helper = jwtcred. get answers a\n"
	  "token for a URL a profile's urls allow (nothing otherwise, so git asks its\n"
	  "next helper); store keeps nothing; erase drops the cached token.\n",
	  { { NULL, NULL } },
	  "git config --global credential.https://git.example.com.helper jwtcred\n" },
	{ "docker-credential-jwtcred", NULL,
	  "docker-credential-jwtcred get|store|erase|list|version",
	  "docker's credential helper protocol (credsStore or credHelpers \"jwtcred\").\n",
	  { { "get", "read a registry on stdin, print {ServerURL,Username,Secret}" },
	    { "store", "keep nothing (tokens are minted, not stored)" },
	    { "erase", "drop the registry's cached token" },
	    { "list", "print the registries the profiles' urls name" },
	    { "version", "print the helper's name, package and version" } },
	  "~/.docker/config.json: {\"credHelpers\": {\"registry.example.com\": \"jwtcred\"}}\n" },
	{ "terraform-credentials-jwtcred", NULL,
	  "terraform-credentials-jwtcred [-p NAME] get|store|forget HOSTNAME",
	  "Terraform's and OpenTofu's credentials helper protocol.\n",
	  { { "get HOSTNAME", "print {\"token\":...} for a host a profile allows, else {}" },
	    { "store HOSTNAME", "keep nothing (tokens are minted, not stored)" },
	    { "forget HOSTNAME", "drop the cached token" } },
	  "~/.terraformrc: credentials_helper \"jwtcred\" { args = [] }\n" },
	{ "bazel-credential-jwtcred", NULL,
	  "bazel-credential-jwtcred get",
	  "Bazel's credential helper protocol (Bazel >= 6.3).\n",
	  { { "get", "read {\"uri\": ...}, print the headers for it" } },
	  "bazel build --credential_helper=example.com=bazel-credential-jwtcred //...\n" },
	{ "jwtcred-pnpm-helper", NULL,
	  "jwtcred-pnpm-helper[@PROFILE]",
	  "pnpm's tokenHelper: prints \"Bearer TOKEN\"; the profile comes from the\n"
	  "name (@PROFILE), JWTCRED_PROFILE, or the npmrc line pnpm reads.\n",
	  { { NULL, NULL } },
	  "~/.npmrc: //npm.example.com/:tokenHelper=/usr/bin/jwtcred-pnpm-helper@prod\n" },
};

#define NTOPICS (sizeof(topics) / sizeof(topics[0]))

static const struct help_topic *find_topic(const char *name)
{
	size_t i;

	/* git's three actions share one page */
	if (strcmp(name, "store") == 0 || strcmp(name, "erase") == 0)
		name = "get";
	else if (strcmp(name, "git") == 0)
		name = "git-credential-jwtcred";
	else if (strcmp(name, "docker") == 0)
		name = "docker-credential-jwtcred";
	for (i = 0; i < NTOPICS; i++)
		if (strcmp(topics[i].name, name) == 0)
			return &topics[i];
	return NULL;
}

static void print_topic(FILE *out, const struct help_topic *t)
{
	size_t i, w = 0;

	for (i = 0; i < MAX_OPTIONS && t->options[i].spelling; i++)
		if (strlen(t->options[i].spelling) > w)
			w = strlen(t->options[i].spelling);
	fprintf(out, "usage: %s\n\n%s", t->usage, t->about);
	if (t->options[0].spelling)
		fputs("\nOptions:\n", out);
	for (i = 0; i < MAX_OPTIONS && t->options[i].spelling; i++)
		fprintf(out, "  %-*s  %s\n", (int)w, t->options[i].spelling, t->options[i].text);
	fprintf(out, "\nExample:\n  %s", t->example);
	fputs("\nGlobal options: -c FILE, -p NAME, -v (see jwtcred --help).\n", out);
}

void jc_help_list(FILE *out)
{
	size_t i;

	fputs("usage: jwtcred [options] COMMAND [command options]\n"
	      "\n"
	      "Mint OAuth 2.0 access tokens (JWT bearer, client credentials, GitHub App),\n"
	      "cache them, and hand them to git, docker, kubectl, curl and scripts.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (i = 0; i < NTOPICS; i++)
		if (topics[i].summary)
			fprintf(out, "  %-15s  %s\n",
			        strcmp(topics[i].name, "get") == 0 ? "get|store|erase" : topics[i].name,
			        topics[i].summary);
	fputs("As docker-credential-jwtcred, terraform-credentials-jwtcred,\n"
	      "bazel-credential-jwtcred and jwtcred-pnpm-helper: those tools' protocols.\n"
	      "\n"
	      "Options:\n"
	      "  -c, --config FILE   configuration (default: $JWTCRED_CONFIG, else\n"
	      "                      $XDG_CONFIG_HOME/jwtcred/config, ~/.config/jwtcred/config)\n"
	      "  -p, --profile NAME  the profile (default: $JWTCRED_PROFILE)\n"
	      "  -v, --verbose       diagnostics on stderr (never a secret); -vv adds timings\n"
	      "  -h, --help          this list; after a command, that command's help\n"
	      "  -V, --version       the version\n"
	      "\n"
	      "JWTCRED_TRACE=1 (or 2, or /abs/file) turns -v (-vv) on where tools run jwtcred.\n"
	      "'jwtcred help COMMAND' shows a command's options and an example.\n"
	      "See jwtcred(1) and jwtcred.conf(5).\n",
	      out);
}

bool jc_help_known(const char *name)
{
	return find_topic(name) != NULL;
}

int jc_help_show(FILE *out, const char *name)
{
	const struct help_topic *t = find_topic(name);

	if (!t)
		return -1;
	if (strcmp(t->name, "init") == 0)
		jc_init_usage(out);
	else
		print_topic(out, t);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int jc_front_help(const struct jc_cli *cli)
{
	if (cli->nrest > 1) {
		jc_say("'jwtcred help' takes one command name (see jwtcred --help)");
		return JC_EXIT_USAGE;
	}
	if (cli->nrest == 0) {
		jc_help_list(stdout);
		return fflush(stdout) == 0 ? JC_EXIT_OK : JC_EXIT_FAIL;
	}
	if (!jc_help_known(cli->rest[0])) {
		jc_say("no help for '%s': not a command (see jwtcred --help)", cli->rest[0]);
		return JC_EXIT_USAGE;
	}
	return jc_help_show(stdout, cli->rest[0]) == 0 ? JC_EXIT_OK : JC_EXIT_FAIL;
}
