/*
 * cmd_check.c: jwtcred check [--online] [--json]: the configuration, and
 * for each profile (or the one --profile names) its key, certificates and,
 * online, one mint.  The engine finds; this prints: what passed on stdout,
 * each problem as one line on stderr; with --json, one JSON document on
 * stdout instead (every profile's findings and the overall result; the
 * texts are the lines the table prints, never a secret).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "core/engine.h"
#include "core/findings.h"
#include "core/trace.h"

static const char *const level_names[] = { "info", "warning", "error" };

/* Print the findings of one profile, as check always has. */
static void say_findings(const struct jc_findings *f, const jwtcred_error *err)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->item[i].level == JC_INFO)
			printf("%s\n", f->item[i].text);
		else if (f->item[i].level == JC_WARNING)
			jc_say_warning(f->item[i].text);
		else
			jc_say("%s", f->item[i].text);
	}
	if (f->dropped)
		jc_say("%s", err->text);
}

/* {"profile", "result", "findings": [{"level", "text"}...]}, or NULL out of memory. */
static json_t *json_findings(const struct jc_profile *p, int rc, const struct jc_findings *f,
                             const jwtcred_error *err)
{
	json_t *o, *list = json_array();
	size_t i;

	for (i = 0; list && i < f->n; i++)
		json_array_append_new(list, json_pack("{s:s s:s}", "level",
		                                      level_names[f->item[i].level], "text",
		                                      f->item[i].text));
	if (list && f->dropped)
		json_array_append_new(list, json_pack("{s:s s:s}", "level", "error", "text", err->text));
	o = json_pack("{s:s s:s s:o}", "profile", p->name, "result", rc == 0 ? "ok" : "failed",
	              "findings", list);
	return o;
}

/* Check one profile: print what was found, or add it to profiles (--json).  An exit status. */
static int check_profile(const struct jc_cli *cli, const struct jc_engine *engine,
                         const struct jc_profile *p, json_t *profiles)
{
	struct jc_findings f = { 0 };
	jwtcred_error err = { 0 };
	int rc;

	rc = engine->check(p, cli->online, &f, &err);
	if (profiles)
		json_array_append_new(profiles, json_findings(p, rc, &f, &err));
	else
		say_findings(&f, &err);
	jc_findings_clear(&f);
	return rc == 0 ? JC_EXIT_OK : JC_EXIT_FAIL;
}

#define NO_URLS "profile '%s': its urls could not be read: no URL is matched to it until it is fixed"

/*
 * The broken profiles (conf.h, struct jc_broken): each fails the check.
 * Said on stderr, or each one entry of profiles (--json).  An exit status.
 */
static int check_broken(const struct jwtcred_config *cfg, json_t *profiles)
{
	const struct jc_broken *b;
	json_t *findings;
	char text[512];
	size_t i;

	for (i = 0; i < cfg->nbroken; i++) {
		b = &cfg->broken[i];
		if (!profiles) {
			jc_say("%s", b->error);
			if (!b->urls_known)
				jc_say(NO_URLS, b->name);
			continue;
		}
		findings = json_pack("[{s:s s:s}]", "level", "error", "text", b->error);
		snprintf(text, sizeof(text), NO_URLS, b->name);
		if (findings && !b->urls_known)
			json_array_append_new(findings,
			                      json_pack("{s:s s:s}", "level", "error", "text", text));
		json_array_append_new(profiles, json_pack("{s:s s:s s:b s:o}", "profile", b->name,
		                                          "result", "failed", "broken", 1,
		                                          "findings", findings));
	}
	return cfg->nbroken ? JC_EXIT_FAIL : JC_EXIT_OK;
}

/* The configuration check reads (--config, else the default); says why not, unless --json. */
static int load_config(const struct jc_cli *cli, struct jwtcred_config **cfg, jwtcred_error *err)
{
	char *def = NULL;
	const char *path = cli->config_path;
	int rc = -1;

	*cfg = NULL;
	if (!path && !(path = def = jc_conf_default_path())) {
		jc_fail(err, JWTCRED_E_CONFIG, "no configuration: set HOME, JWTCRED_CONFIG or pass --config FILE");
	} else {
		jc_trace("configuration '%s'", path);
		rc = jc_conf_load(path, cfg, err);
	}
	free(def);
	if (rc != 0 && !cli->json)
		jc_say("%s", err->text);
	return rc;
}

/* "configuration 'FILE': N profiles[, K broken]" */
static void say_config(const struct jwtcred_config *cfg)
{
	size_t n = cfg->nprofiles + cfg->nbroken;

	printf("configuration '%s': %zu profile%s", cfg->path, n, n == 1 ? "" : "s");
	if (cfg->nbroken)
		printf(", %zu broken", cfg->nbroken);
	printf("\n");
}

/* The profiles to check (all, or --profile's) into doc's "profiles"; an exit status. */
static int check_all(const struct jc_cli *cli, const struct jc_engine *engine,
                     const struct jwtcred_config *cfg, json_t *doc, jwtcred_error *err)
{
	json_t *profiles = doc ? json_object_get(doc, "profiles") : NULL;
	const struct jc_profile *p;
	int status = JC_EXIT_OK;
	size_t i;

	if (cli->profile) {
		if (jc_conf_profile(cfg, cli->profile, &p, err) == 0)
			return check_profile(cli, engine, p, profiles);
		if (!doc)
			jc_say("%s", err->text);
		return -1;
	}
	status = check_broken(cfg, profiles);
	for (i = 0; i < cfg->nprofiles; i++)
		if (check_profile(cli, engine, &cfg->profiles[i], profiles) != JC_EXIT_OK)
			status = JC_EXIT_FAIL;
	return status;
}

/* The JSON document: {"configuration", "online", "result", "profiles", ["error"]}. */
static int print_json(json_t *doc, int status, const char *error)
{
	char *text = NULL;
	int rc = -1;

	json_object_set_new(doc, "result", json_string(status == JC_EXIT_OK ? "ok" : "failed"));
	if (error)
		json_object_set_new(doc, "error", json_string(error));
	if ((text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		rc = printf("%s\n", text) < 0 ? -1 : 0;
	free(text);
	return rc;
}

int jc_front_check(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_engine *engine;
	jwtcred_error err;
	const char *error = NULL;
	json_t *doc = NULL;
	int status = JC_EXIT_FAIL, rc;

	if (cli->json && !(doc = json_pack("{s:n s:b s:[]}", "configuration", "online", cli->online,
	                                   "profiles"))) {
		jc_say("out of memory");
		return JC_EXIT_FAIL;
	}
	if (!(engine = jc_engine(&err))) {
		if (!doc)
			jc_say("%s", err.text);
		error = err.text;
	} else if (load_config(cli, &cfg, &err) != 0) {
		error = err.text;
	} else {
		if (doc)
			json_object_set_new(doc, "configuration", json_string(cfg->path));
		else
			say_config(cfg);
		if ((rc = check_all(cli, engine, cfg, doc, &err)) < 0)
			error = err.text;
		else
			status = rc;
	}
	if (doc && print_json(doc, status, error) != 0)
		status = JC_EXIT_FAIL;
	if (fflush(stdout) != 0)
		status = JC_EXIT_FAIL;
	json_decref(doc);
	jc_conf_free(cfg);
	return status;
}
