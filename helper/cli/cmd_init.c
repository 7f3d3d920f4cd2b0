/*
 * cmd_init.c: jwtcred init, a first real profile by hand-held steps: the
 * key and the certificate to upload (made by the engine: this program does
 * not link OpenSSL), the profile added to the configuration without
 * touching the rest of it, and what to do on the vendor's side.
 *
 * Values come from flags.  With a terminal on stdin a missing value is
 * asked for; without one it is an error naming the flag, never a prompt.
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/init.h"
#include "cli/msgs.h"
#include "core/conf.h"
#include "core/engine.h"

#define MAX_ANSWER 1024
#define MAX_URLS 64
#define MAX_NAME 64

/* Providers, as bits: which flags apply to which. */
enum { SF = 1, GOOGLE = 2, GH = 4, CC = 8, GEN = 16, ALL = 31, KEYGEN = SF | CC | GEN };
static const char *const provider_names[] = { "salesforce", "google", "github-app",
	                                      "client-credentials", "generic" };

/* The value flags, in the order their settings are written. */
enum { V_CLIENT_ID, V_APP_ID, V_USERNAME, V_LOGIN_URL, V_SA_FILE, V_KEY, V_INSTALLATION_ID,
       V_OWNER, V_API_URL, V_SERVER, V_TENANT, V_ISSUER, V_SUBJECT, V_TOKEN_URL, V_AUDIENCE,
       V_SCOPE, V_RESOURCE, V_KEY_ID, V_CA_FILE, NVALUES };

static const struct value {
	const char *flag;
	const char *setting;
	unsigned providers;
	int path; /* an existing file: written as its absolute path */
} values[NVALUES] = {
	[V_CLIENT_ID] = { "client-id", "client_id", SF | GH | CC, 0 },
	[V_APP_ID] = { "app-id", "app_id", GH, 0 },
	[V_USERNAME] = { "username", "username", SF, 0 },
	[V_LOGIN_URL] = { "login-url", "login_url", SF, 0 },
	[V_SA_FILE] = { "service-account-file", "service_account_file", GOOGLE, 1 },
	[V_KEY] = { "key", "private_key", GH, 1 },
	[V_INSTALLATION_ID] = { "installation-id", "installation_id", GH, 0 },
	[V_OWNER] = { "owner", "owner", GH, 0 },
	[V_API_URL] = { "api-url", "api_url", GH, 0 },
	[V_SERVER] = { "server", "server", CC, 0 },
	[V_TENANT] = { "tenant", "tenant", CC, 0 },
	[V_ISSUER] = { "issuer", "issuer", GEN, 0 },
	[V_SUBJECT] = { "subject", "subject", GOOGLE | GEN, 0 },
	[V_TOKEN_URL] = { "token-url", "token_url", GOOGLE | CC | GEN, 0 },
	[V_AUDIENCE] = { "audience", "audience", SF | CC | GEN, 0 },
	[V_SCOPE] = { "scope", "scope", GOOGLE | CC | GEN, 0 },
	[V_RESOURCE] = { "resource", "resource", CC, 0 },
	[V_KEY_ID] = { "key-id", "key_id", CC | GEN, 0 },
	[V_CA_FILE] = { "ca-file", "ca_file", ALL, 1 },
};

/* Options that are not settings (getopt_long values past the table's indexes). */
enum { O_PROVIDER = 256, O_PROFILE, O_URL, O_KEY_TYPE, O_DAYS, O_SANDBOX, O_HELP };

struct init {
	const char *provider;
	unsigned bit;              /* the provider's bit */
	const char *profile;
	const char *value[NVALUES];
	const char *urls[MAX_URLS];
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

static char *keep(struct init *in, char *s)
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
static int take(struct init *in, int c, const char *arg)
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
	else if (c == O_URL && in->nurls < MAX_URLS)
		in->urls[in->nurls++] = arg;
	else if (c == O_URL) {
		jc_say("at most %d --url", MAX_URLS);
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
static int parse_options(const struct jc_cli *cli, struct init *in)
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
		longopts[i] = (struct option){ values[i].flag, required_argument, NULL, i };
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
static int ask(struct init *in, const char **slot, const char *flag, const char *question)
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
static int complete(struct init *in)
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
	if (in->bit == SF)
		rc = ask(in, &v[V_CLIENT_ID], "client-id", "the connected app's consumer key") ||
		     ask(in, &v[V_USERNAME], "username", "the Salesforce user the tokens act as");
	else if (in->bit == GOOGLE)
		rc = ask(in, &v[V_SA_FILE], "service-account-file", "the service account's JSON key file") ||
		     ask(in, &v[V_SCOPE], "scope", "the scopes, space-separated");
	else if (in->bit == GH)
		rc = (v[V_CLIENT_ID] ? 0 : ask(in, &v[V_APP_ID], "app-id", "the GitHub App's App ID")) ||
		     ask(in, &v[V_KEY], "key", "the app's private key file (.pem) GitHub generated");
	else if (in->bit == CC)
		rc = ask(in, &v[V_CLIENT_ID], "client-id", "the client (application) ID") ||
		     ((v[V_SERVER] && (!strcmp(v[V_SERVER], "entra") || !strcmp(v[V_SERVER], "auth0")))
		              ? (v[V_TOKEN_URL] ? 0 : ask(in, &v[V_TENANT], "tenant", "the tenant"))
		              : ask(in, &v[V_TOKEN_URL], "token-url", "the token endpoint URL"));
	else
		rc = ask(in, &v[V_ISSUER], "issuer", "the issuer (iss) the server knows this key by") ||
		     ask(in, &v[V_TOKEN_URL], "token-url", "the token endpoint URL");
	return rc ? JC_EXIT_USAGE : 0;
}

/* The values fit the provider and libconfig; file values made absolute.  0 or an exit status. */
static int validate(struct init *in)
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
		if (!(values[i].providers & in->bit)) {
			jc_say("init: --%s does not apply to provider '%s' (see jwtcred init --help)",
			       values[i].flag, in->provider);
			return JC_EXIT_USAGE;
		}
		if (jc_init_has_control(in->value[i])) {
			jc_say("init: --%s holds a control character", values[i].flag);
			return JC_EXIT_USAGE;
		}
		if (values[i].path) {
			if (!realpath(in->value[i], abs)) {
				jc_say("init: --%s: no file '%s'", values[i].flag, in->value[i]);
				return JC_EXIT_USAGE;
			}
			if (!(in->value[i] = keep(in, strdup(abs))))
				return JC_EXIT_FAIL;
		}
	}
	for (i = 0; i < in->nurls; i++)
		if (jc_init_has_control(in->urls[i])) {
			jc_say("init: --url holds a control character");
			return JC_EXIT_USAGE;
		}
	if (in->sandbox && in->value[V_LOGIN_URL]) {
		jc_say("init: --sandbox and --login-url: give one");
		return JC_EXIT_USAGE;
	}
	if (in->sandbox && in->bit != SF) {
		jc_say("init: --sandbox applies to provider 'salesforce' only");
		return JC_EXIT_USAGE;
	}
	if (in->given_keygen && !(in->bit & KEYGEN)) {
		jc_say("init: provider '%s' makes no key (it uses the one %s): --key-type and --days do not apply",
		       in->provider, in->bit == GH ? "GitHub generated, --key" : "in --service-account-file");
		return JC_EXIT_USAGE;
	}
	if (in->ec && (in->bit == SF || (in->value[V_SERVER] && !strcmp(in->value[V_SERVER], "entra")))) {
		jc_say("init: %s takes RSA keys only: leave out --key-type ec",
		       in->bit == SF ? "Salesforce" : "Entra ID");
		return JC_EXIT_USAGE;
	}
	return 0;
}

/* The profile's settings as libconfig text (a new string), or NULL. */
static char *profile_block(const struct init *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int i;

	if (!f)
		return NULL;
	fprintf(f, "  %s = {\n    provider = ", in->profile);
	jc_init_quote(f, in->provider);
	fputs(";\n", f);
	for (i = 0; i < NVALUES; i++) {
		if (!in->value[i])
			continue;
		fprintf(f, "    %s = ", values[i].setting);
		jc_init_quote(f, in->value[i]);
		fputs(";\n", f);
	}
	if (in->sandbox)
		fputs("    login_url = \"https://test.salesforce.com\";\n", f);
	if (in->ec)
		fputs("    algorithm = \"ES256\";\n", f);
	if (in->key) {
		fputs("    private_key = ", f);
		jc_init_quote(f, in->key);
		fputs(";\n    certificate = ", f);
		jc_init_quote(f, in->cert);
		fputs(";\n", f);
	}
	if (in->nurls) {
		fputs("    urls = [ ", f);
		for (i = 0; i < in->nurls; i++) {
			fputs(i ? ", " : "", f);
			jc_init_quote(f, in->urls[i]);
		}
		fputs(" ];\n", f);
	}
	fputs("  };\n", f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static char *path_join(const char *dir, const char *name, const char *ext)
{
	size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s/%s%s", dir, name, ext);
	return s;
}

/* Where the configuration is, and the key and certificate beside it; 0 or an exit status. */
static int locate(const struct jc_cli *cli, struct init *in, char **dir)
{
	char *slash;

	*dir = NULL;
	in->config = cli->config_path ? strdup(cli->config_path) : jc_conf_default_path();
	if (!in->config) {
		jc_say("no configuration: set HOME, JWTCRED_CONFIG or pass --config FILE");
		return JC_EXIT_FAIL;
	}
	if (!(*dir = strdup(in->config)))
		return JC_EXIT_FAIL;
	if ((slash = strrchr(*dir, '/')))
		*(slash == *dir ? slash + 1 : slash) = '\0';
	else
		strcpy(*dir, ".");
	if (!(in->bit & KEYGEN))
		return 0;
	if (!(in->key = path_join(*dir, in->profile, ".key")) ||
	    !(in->cert = path_join(*dir, in->profile, ".crt")))
		return JC_EXIT_FAIL;
	return 0;
}

/* Refuse when the profile, the key or the certificate exists; 0 or an exit status. */
static int refuse_existing(const struct init *in, const char *old)
{
	struct jwtcred_config *cfg = NULL;
	const char *files[2] = { in->key, in->cert };
	jwtcred_error err;
	struct stat st;
	size_t i;

	if (old && jc_conf_load_string(old, in->config, &cfg, &err) != 0) {
		jc_say("%s (fix it before jwtcred init adds to it)", err.text);
		return JC_EXIT_FAIL;
	}
	for (i = 0; cfg && i < cfg->nprofiles; i++)
		if (strcmp(cfg->profiles[i].name, in->profile) == 0) {
			jc_say("init: '%s' already has a profile '%s' (line %d): choose another --profile, or edit that one",
			       in->config, in->profile, cfg->profiles[i].line);
			jc_conf_free(cfg);
			return JC_EXIT_FAIL;
		}
	jc_conf_free(cfg);
	for (i = 0; i < 2; i++)
		if (files[i] && lstat(files[i], &st) == 0) {
			jc_say("init: '%s' exists and init never replaces it: choose another --profile, or move it away if nothing uses it",
			       files[i]);
			return JC_EXIT_FAIL;
		}
	return 0;
}

/* The new configuration text, checked by loading it; a new string or NULL (said why). */
static char *new_config(const struct init *in, const char *old)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	jwtcred_error err;
	char *block, *text = NULL;

	if (!(block = profile_block(in)) || !(text = jc_init_insert(old, block, &err))) {
		jc_say("out of memory");
		goto out;
	}
	if (jc_conf_load_string(text, in->config, &cfg, &err) != 0 ||
	    jc_conf_profile(cfg, in->profile, &p, &err) != 0) {
		jc_say("init: the new profile would not load, nothing written: %s", err.text);
		free(text);
		text = NULL;
	}
out:
	jc_conf_free(cfg);
	free(block);
	return text;
}

/* The key and certificate, by the engine; 0 or an exit status. */
static int make_key(const struct init *in)
{
	const struct jc_engine *engine;
	jwtcred_error err;
	char when[32];
	time_t end = time(NULL) + (time_t)in->days * 86400;

	if (!(engine = jc_engine(&err)) || !engine->keygen) {
		jc_say("%s", engine ? "this engine cannot make keys" : err.text);
		return JC_EXIT_FAIL;
	}
	if (engine->keygen(in->key, in->cert, in->ec ? JC_KEYGEN_EC : JC_KEYGEN_RSA, in->days,
	                   in->profile, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&end));
	printf("made the key '%s' (%s, mode 0600)\n", in->key, in->ec ? "EC P-256" : "RSA 2048");
	printf("made the certificate '%s' to upload, valid %d days, until %s\n", in->cert, in->days,
	       when);
	printf("warning: the app stops working on %s, when this certificate expires: make a new one\n"
	       "and upload it before then (jwtcred check warns 30 days ahead)\n",
	       when);
	return 0;
}

/* Past the options and questions: write the files. */
static int run(const struct jc_cli *cli, struct init *in)
{
	struct jc_init_next next = { 0 };
	jwtcred_error err;
	char *dir = NULL, *old = NULL, *text = NULL;
	int status;

	if ((status = locate(cli, in, &dir)) != 0)
		goto out;
	status = JC_EXIT_FAIL;
	if (jc_init_mkdir(dir, &err) != 0 || jc_init_read(in->config, &old, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	if ((status = refuse_existing(in, old)) != 0 || !(text = new_config(in, old)))
		goto out;
	status = JC_EXIT_FAIL;
	if (in->key && make_key(in) != 0)
		goto out;
	if (jc_init_replace(in->config, old, text, &err) != 0) {
		jc_say("%s", err.text);
		if (in->key) {
			unlink(in->key);
			unlink(in->cert);
		}
		goto out;
	}
	printf("%s the profile '%s' %s '%s'\n", old ? "added" : "wrote", in->profile,
	       old ? "to" : "in the new", in->config);
	next = (struct jc_init_next){ in->provider, in->value[V_SERVER], in->profile,
		                      in->value[V_CLIENT_ID] ? in->value[V_CLIENT_ID] : in->value[V_APP_ID],
		                      in->value[V_USERNAME],
		                      in->key ? in->key : in->value[in->bit == GOOGLE ? V_SA_FILE : V_KEY],
		                      in->cert, cli->config_path, in->nurls };
	jc_init_print_next(stdout, &next);
	status = JC_EXIT_OK;
out:
	fflush(stdout);
	free(dir);
	free(old);
	free(text);
	return status;
}

int jc_front_init(const struct jc_cli *cli)
{
	struct init in = { .days = 365 };
	int status, i;

	if ((status = parse_options(cli, &in)) < 0 && (status = complete(&in)) == 0 &&
	    (status = validate(&in)) == 0)
		status = run(cli, &in);
	for (i = 0; i < in.nowned; i++)
		free(in.owned[i]);
	free(in.config);
	free(in.key);
	free(in.cert);
	return status;
}
