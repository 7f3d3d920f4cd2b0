/*
 * cmd_init.c: jwtcred init, a first real profile by hand-held steps: the
 * key and the certificate to upload (made by the engine: this program does
 * not link OpenSSL), the profile added to the configuration without
 * touching the rest of it, and what to do on the vendor's side.
 *
 * The options and questions are init_args.c's, the edit of the file
 * init_write.c's, the vendor's side init_steps.c's.
 */
#include "config.h"

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

/* The profile's settings as libconfig text (a new string), or NULL. */
static char *profile_block(const struct jc_init *in)
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
		fprintf(f, "    %s = ", jc_init_values[i].setting);
		jc_init_quote(f, in->value[i]);
		fputs(";\n", f);
	}
	if (in->sandbox)
		fputs("    login_url = \"https://test.salesforce.com\";\n", f);
	else if (in->bit == P_SF && !in->value[V_LOGIN_URL])
		fputs("    login_url = \"https://login.salesforce.com\";\n", f); /* written out, to edit */
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
static int locate(const struct jc_cli *cli, struct jc_init *in, char **dir)
{
	char cwd[PATH_MAX], *slash;

	*dir = NULL;
	in->config = cli->config_path ? strdup(cli->config_path) : jc_conf_default_path();
	if (!in->config) {
		jc_say("no configuration: set HOME, JWTCRED_CONFIG or pass --config FILE");
		return JC_EXIT_FAIL;
	}
	if (*in->config != '/') {
		/* the key's path in the profile and in what init says: absolute */
		if (!getcwd(cwd, sizeof(cwd)) || !(slash = path_join(cwd, in->config, ""))) {
			jc_say("cannot tell the current directory");
			return JC_EXIT_FAIL;
		}
		free(in->config);
		in->config = slash;
	}
	if (!(*dir = strdup(in->config)))
		return JC_EXIT_FAIL;
	slash = strrchr(*dir, '/'); /* there is one: the path is absolute */
	*(slash == *dir ? slash + 1 : slash) = '\0';
	if (!(in->bit & P_KEYGEN))
		return 0;
	if (!(in->key = path_join(*dir, in->profile, ".key")) ||
	    !(in->cert = path_join(*dir, in->profile, ".crt")))
		return JC_EXIT_FAIL;
	return 0;
}

/* The line of the profile called name, good or broken; 0: there is none. */
static int profile_line(const struct jwtcred_config *cfg, const char *name)
{
	const struct jc_broken *b = jc_conf_broken(cfg, name);
	size_t i;

	for (i = 0; i < cfg->nprofiles; i++)
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return cfg->profiles[i].line;
	return b ? b->line : 0;
}

/* Refuse when the profile, the key or the certificate exists; 0 or an exit status. */
static int refuse_existing(const struct jc_init *in, const char *old)
{
	struct jwtcred_config *cfg = NULL;
	const char *files[2] = { in->key, in->cert };
	jwtcred_error err;
	struct stat st;
	size_t i;
	int line;

	/* a file that does not load (empty, say) is new_config()'s to judge */
	if (old && jc_conf_load_string(old, in->config, &cfg, &err) != 0)
		cfg = NULL;
	if (cfg && (line = profile_line(cfg, in->profile)) > 0) {
		jc_say("init: '%s' already has a profile '%s' (line %d): choose another --profile, or edit that one",
		       in->config, in->profile, line);
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
static char *new_config(const struct jc_init *in, const char *old)
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
static int make_key(const struct jc_init *in)
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
	printf("warning: the app stops working on %s, the day this certificate expires:\n"
	       "  make a new one and upload it before then (jwtcred check warns 30 days ahead)\n",
	       when);
	return 0;
}

/* Past the options and questions: write the files. */
static int run(const struct jc_cli *cli, struct jc_init *in)
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
	if ((status = refuse_existing(in, old)) != 0)
		goto out;
	status = JC_EXIT_FAIL;
	if (!(text = new_config(in, old)))
		goto out;
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
		                      in->key ? in->key : in->value[in->bit == P_GOOGLE ? V_SA_FILE : V_KEY],
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
	struct jc_init in = { .days = 365 };
	int status;

	if ((status = jc_init_args(cli, &in)) < 0)
		status = run(cli, &in);
	jc_init_free(&in);
	return status;
}
