/*
 * init_args.c: jwtcred init's options, the questions it asks on a terminal
 * for what they leave out (never without one: then a missing value is an
 * error naming its flag), and the checks of the values against the
 * provider before anything is written.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/init.h"
#include "cli/msgs.h"
#include "core/text.h"
#include "core/trust.h"

#define MAX_ANSWER 1024
#define MAX_NAME 64

static const char *const provider_names[] = { "salesforce", "google", "github-app",
	                                      "client-credentials", "generic" };

const struct jc_init_value jc_init_values[NVALUES] = {
	[V_CLIENT_ID] = { "client-id", "client_id", P_SF | P_GH | P_CC, 0 },
	[V_APP_ID] = { "app-id", "app_id", P_GH, 0 },
	[V_USERNAME] = { "username", "username", P_SF, 0 },
	[V_LOGIN_URL] = { "login-url", "login_url", P_SF, 0 },
	[V_SA_FILE] = { "service-account-file", "service_account_file", P_GOOGLE, 1 },
	[V_KEY] = { "key", "private_key", P_GH, 1 },
	[V_INSTALLATION_ID] = { "installation-id", "installation_id", P_GH, 0 },
	[V_OWNER] = { "owner", "owner", P_GH, 0 },
	[V_API_URL] = { "api-url", "api_url", P_GH, 0 },
	[V_SERVER] = { "server", "server", P_CC, 0 },
	[V_TENANT] = { "tenant", "tenant", P_CC, 0 },
	[V_ISSUER] = { "issuer", "issuer", P_GEN, 0 },
	[V_SUBJECT] = { "subject", "subject", P_GOOGLE | P_GEN, 0 },
	[V_TOKEN_URL] = { "token-url", "token_url", P_GOOGLE | P_CC | P_GEN, 0 },
	[V_AUDIENCE] = { "audience", "audience", P_SF | P_CC | P_GEN, 0 },
	[V_SCOPE] = { "scope", "scope", P_GOOGLE | P_CC | P_GEN, 0 },
	[V_RESOURCE] = { "resource", "resource", P_CC, 0 },
	[V_KEY_ID] = { "key-id", "key_id", P_CC | P_GEN, 0 },
	[V_CA_FILE] = { "ca-file", "ca_file", P_ALL, 1 },
};

/* Options that are not settings (getopt_long values past the table's indexes). */
enum { O_PROVIDER = 256, O_PROFILE, O_URL, O_KEY_TYPE, O_DAYS, O_SANDBOX, O_HELP };

void jc_init_usage(FILE *out)
{
	fputs("usage: jwtcred [--config FILE] init --provider PROVIDER --profile NAME [options]\n"
	      "\n"
	      "Make a key and the certificate to upload (0600, in the configuration's\n"
	      "directory), add the profile to the configuration, and say what to do on the\n"
	      "vendor's side.  Nothing existing is replaced.  Values come from the options;\n"
	      "on a terminal a missing one is asked for.\n"
	      "\n"
	      "  --provider P         salesforce, google, github-app, client-credentials, generic\n"
	      "  --profile NAME       the new profile's name (letters, digits, '-', '_')\n"
	      "  --url URL            a URL the token may be sent to (repeatable)\n"
	      "  --ca-file FILE       trust this CA bundle for the token endpoint\n"
	      "  --key-type rsa|ec    the key to make: RSA 2048 (default) or EC P-256\n"
	      "  --days N             the certificate's lifetime, default 365\n"
	      "\n"
	      "The settings, by provider:\n"
	      "salesforce:          --client-id KEY --username USER [--login-url URL | --sandbox]\n"
	      "                     [--audience AUD]\n"
	      "google:              --service-account-file FILE --scope SCOPE [--subject USER]\n"
	      "                     [--token-url URL]\n"
	      "github-app:          --app-id ID | --client-id ID, --key FILE (the app's .pem)\n"
	      "                     [--installation-id N] [--owner NAME] [--api-url URL]\n"
	      "client-credentials:  --client-id ID [--server entra|okta|keycloak|auth0]\n"
	      "                     [--tenant T] [--token-url URL] [--scope S] [--resource R]\n"
	      "                     [--audience AUD] [--key-id KID]\n"
	      "generic:             --issuer ISS --token-url URL [--subject SUB] [--audience AUD]\n"
	      "                     [--scope S] [--key-id KID]\n"
	      "\n"
	      "example:\n"
	      "  jwtcred init --provider salesforce --profile prod --client-id 3MVG9... \\\n"
	      "      --username integration@example.com --url https://example.my.salesforce.com\n",
	      out);
}

static char *keep(struct jc_init *in, char *s)
{
	if (s && in->nowned < (int)(sizeof(in->owned) / sizeof(in->owned[0])))
		in->owned[in->nowned++] = s;
	else if (s) {
		free(s);
		s = NULL;
	}
	return s;
}

/* One option's value into in; an exit status or -1 to go on. */
static int take(struct jc_init *in, int c, const char *arg)
{
	char *end;
	long n;

	if (c >= 0 && c < NVALUES)
		in->value[c] = arg;
	else if (c == O_PROVIDER)
		in->provider = arg;
	else if (c == O_PROFILE)
		in->profile = arg;
	else if (c == O_SANDBOX)
		in->sandbox = 1;
	else if (c == O_URL && in->nurls < JC_INIT_MAX_URLS)
		in->urls[in->nurls++] = arg;
	else if (c == O_URL) {
		jc_say("at most %d --url", JC_INIT_MAX_URLS);
		return JC_EXIT_USAGE;
	} else if (c == O_KEY_TYPE && (strcmp(arg, "rsa") == 0 || strcmp(arg, "ec") == 0)) {
		in->ec = strcmp(arg, "ec") == 0;
		in->given_keygen = 1;
	} else if (c == O_KEY_TYPE) {
		jc_say("--key-type is 'rsa' (2048 bits) or 'ec' (P-256), not '%s'", arg);
		return JC_EXIT_USAGE;
	} else if (c == O_DAYS) {
		n = strtol(arg, &end, 10);
		if (end == arg || *end || n < 1 || n > 3650) {
			jc_say("--days is a number of days from 1 to 3650, not '%s'", arg);
			return JC_EXIT_USAGE;
		}
		in->days = (int)n;
		in->given_keygen = 1;
	} else if (c == O_HELP) {
		jc_init_usage(stdout);
		return JC_EXIT_OK;
	} else {
		return JC_EXIT_USAGE;
	}
	return -1;
}

/* init's own options, from cli->rest; an exit status or -1 to go on. */
static int parse_options(const struct jc_cli *cli, struct jc_init *in)
{
	struct option longopts[NVALUES + 8];
	static const struct option own[] = {
		{ "provider", required_argument, NULL, O_PROVIDER },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "url", required_argument, NULL, O_URL },
		{ "key-type", required_argument, NULL, O_KEY_TYPE },
		{ "days", required_argument, NULL, O_DAYS },
		{ "sandbox", no_argument, NULL, O_SANDBOX },
		{ "help", no_argument, NULL, O_HELP },
	};
	char *argv[cli->nrest + 2];
	int i, c, status = -1;

	for (i = 0; i < NVALUES; i++)
		longopts[i] = (struct option){ jc_init_values[i].flag, required_argument, NULL, i };
	memcpy(longopts + NVALUES, own, sizeof(own));
	memset(longopts + NVALUES + 7, 0, sizeof(longopts[0]));
	argv[0] = "jwtcred init";
	for (i = 0; i < cli->nrest; i++)
		argv[i + 1] = cli->rest[i];
	argv[cli->nrest + 1] = NULL;
	optind = 1;
	opterr = 0;
	while (status < 0 && (c = getopt_long(cli->nrest + 1, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h')
			c = O_HELP;
		if (c == '?' || c == ':') {
			jc_say("init: %s '%s' (see jwtcred init --help)",
			       c == '?' ? "unknown option" : "missing value for", argv[optind - 1]);
			return JC_EXIT_USAGE;
		}
		status = take(in, c, optarg);
	}
	if (status < 0 && optind < cli->nrest + 1) {
		jc_say("init: unexpected argument '%s' (see jwtcred init --help)", argv[optind]);
		return JC_EXIT_USAGE;
	}
	if (status < 0 && !in->profile)
		in->profile = cli->profile;
	return status;
}

/*
 * A missing value: asked on a terminal (one bounded line), else an error
 * naming the flag.  0, or an exit status.
 */
static int ask(struct jc_init *in, const char **slot, const char *flag, const char *question)
{
	char line[MAX_ANSWER + 2];
	size_t n;

	if (*slot && **slot)
		return 0;
	if (!isatty(STDIN_FILENO)) {
		jc_say("init: missing --%s: %s (see jwtcred init --help)", flag, question);
		return JC_EXIT_USAGE;
	}
	fprintf(stderr, "%s (--%s): ", question, flag);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin)) {
		jc_say("init: no answer for --%s", flag);
		return JC_EXIT_USAGE;
	}
	n = strlen(line);
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	else if (n > MAX_ANSWER) {
		jc_say("init: the answer for --%s is longer than %d characters", flag, MAX_ANSWER);
		return JC_EXIT_USAGE;
	}
	if (n == 0) {
		jc_say("init: no answer for --%s", flag);
		return JC_EXIT_USAGE;
	}
	if (!(*slot = keep(in, strdup(line)))) {
		jc_say("out of memory");
		return JC_EXIT_FAIL;
	}
	return 0;
}

/* The provider and the values it needs; 0 or an exit status. */
static int complete(struct jc_init *in)
{
	const char **v = in->value;
	unsigned i;
	int rc;

	if ((rc = ask(in, &in->provider, "provider",
	              "provider: salesforce, google, github-app, client-credentials or generic")))
		return rc;
	for (i = 0; i < 5 && strcmp(in->provider, provider_names[i]) != 0; i++)
		;
	if (i == 5) {
		jc_say("init: unknown provider '%s': salesforce, google, github-app, client-credentials or generic",
		       in->provider);
		return JC_EXIT_USAGE;
	}
	in->bit = 1u << i;
	if ((rc = ask(in, &in->profile, "profile", "the new profile's name")))
		return rc;
	if (in->bit == P_SF)
		rc = ask(in, &v[V_CLIENT_ID], "client-id", "the connected app's consumer key") ||
		     ask(in, &v[V_USERNAME], "username", "the Salesforce user the tokens act as");
	else if (in->bit == P_GOOGLE)
		rc = ask(in, &v[V_SA_FILE], "service-account-file", "the service account's JSON key file") ||
		     ask(in, &v[V_SCOPE], "scope", "the scopes, space-separated");
	else if (in->bit == P_GH)
		rc = (v[V_CLIENT_ID] ? 0 : ask(in, &v[V_APP_ID], "app-id", "the GitHub App's App ID")) ||
		     ask(in, &v[V_KEY], "key", "the app's private key file (.pem) GitHub generated");
	else if (in->bit == P_CC)
		rc = ask(in, &v[V_CLIENT_ID], "client-id", "the client (application) ID") ||
		     ((v[V_SERVER] && (!strcmp(v[V_SERVER], "entra") || !strcmp(v[V_SERVER], "auth0")))
		              ? (v[V_TOKEN_URL] ? 0 : ask(in, &v[V_TENANT], "tenant", "the tenant"))
		              : ask(in, &v[V_TOKEN_URL], "token-url", "the token endpoint URL"));
	else
		rc = ask(in, &v[V_ISSUER], "issuer", "the issuer (iss) the server knows this key by") ||
		     ask(in, &v[V_TOKEN_URL], "token-url", "the token endpoint URL");
	return rc ? JC_EXIT_USAGE : 0;
}

/* A key file jwtcred would refuse (others may read it, another owner...):
 * warn now, by the same check on the descriptor the key loader makes. */
static void warn_readable(const char *flag, const char *path)
{
	jwtcred_error err;
	int fd;

	if (strcmp(flag, "key") != 0 && strcmp(flag, "service-account-file") != 0)
		return;
	if (jc_open_trusted(AT_FDCWD, path, O_RDONLY, "key file", path, &jc_trust_secret, &fd, NULL, &err) ==
	    JWTCRED_OK) {
		close(fd);
		return;
	}
	if (errno == 0) /* opened, refused by the check: the rest (ENOENT...) is said later */
		jc_say_warning(err.text);
}

/* The values fit the provider and libconfig; file values made absolute.  0 or an exit status. */
static int validate(struct jc_init *in)
{
	char abs[PATH_MAX];
	size_t n = strlen(in->profile);
	int i;

	if (n == 0 || n > MAX_NAME || strspn(in->profile, "abcdefghijklmnopqrstuvwxyz"
	                                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != n ||
	    !((*in->profile | 0x20) >= 'a' && (*in->profile | 0x20) <= 'z')) {
		jc_say("init: the profile name '%s' must start with a letter and hold only letters, digits, '-' and '_' (at most %d)",
		       in->profile, MAX_NAME);
		return JC_EXIT_USAGE;
	}
	for (i = 0; i < NVALUES; i++) {
		if (!in->value[i])
			continue;
		if (!(jc_init_values[i].providers & in->bit)) {
			jc_say("init: --%s does not apply to provider '%s' (see jwtcred init --help)",
			       jc_init_values[i].flag, in->provider);
			return JC_EXIT_USAGE;
		}
		if (jc_has_control(in->value[i])) {
			jc_say("init: --%s holds a control character", jc_init_values[i].flag);
			return JC_EXIT_USAGE;
		}
		if (jc_init_values[i].path) {
			if (!realpath(in->value[i], abs)) {
				jc_say("init: --%s: no file '%s'", jc_init_values[i].flag, in->value[i]);
				return JC_EXIT_USAGE;
			}
			if (!(in->value[i] = keep(in, strdup(abs))))
				return JC_EXIT_FAIL;
			warn_readable(jc_init_values[i].flag, in->value[i]);
		}
	}
	for (i = 0; i < in->nurls; i++)
		if (jc_has_control(in->urls[i])) {
			jc_say("init: --url holds a control character");
			return JC_EXIT_USAGE;
		}
	if (in->sandbox && in->value[V_LOGIN_URL]) {
		jc_say("init: --sandbox and --login-url: give one");
		return JC_EXIT_USAGE;
	}
	if (in->sandbox && in->bit != P_SF) {
		jc_say("init: --sandbox applies to provider 'salesforce' only");
		return JC_EXIT_USAGE;
	}
	if (in->given_keygen && !(in->bit & P_KEYGEN)) {
		jc_say("init: provider '%s' makes no key (it uses the one %s): --key-type and --days do not apply",
		       in->provider, in->bit == P_GH ? "GitHub generated, --key" : "in --service-account-file");
		return JC_EXIT_USAGE;
	}
	if (in->ec && (in->bit == P_SF || (in->value[V_SERVER] && !strcmp(in->value[V_SERVER], "entra")))) {
		jc_say("init: %s takes RSA keys only: leave out --key-type ec",
		       in->bit == P_SF ? "Salesforce" : "Entra ID");
		return JC_EXIT_USAGE;
	}
	return 0;
}

int jc_init_args(const struct jc_cli *cli, struct jc_init *in)
{
	int status;

	if ((status = parse_options(cli, in)) < 0 && (status = complete(in)) == 0 &&
	    (status = validate(in)) == 0)
		status = -1;
	return status;
}

void jc_init_free(struct jc_init *in)
{
	int i;

	for (i = 0; i < in->nowned; i++)
		free(in->owned[i]);
	free(in->config);
	free(in->key);
	free(in->cert);
}
