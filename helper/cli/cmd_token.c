/*
 * cmd_token.c: jwtcred token, in every output format.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "cli/refresh.h"
#include "core/clock.h"
#include "core/secret.h"
#include "core/singleflight.h"

/* 'It'\''s': a single-quoted shell word. */
static void shell_quote(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

/* A double-quoted string as curl's config file reads it. */
static void curl_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static int print_json(FILE *out, const struct jc_profile *p, const struct jc_entry *e)
{
	char expires[32];
	json_t *o;
	char *text = NULL;
	int rc = -1;

	jc_rfc3339(jc_entry_deadline(e, p), expires, sizeof(expires));
	o = json_pack("{s:s s:s s:s}", "access_token", e->token, "token_type", "Bearer",
	              "expires_at", expires);
	if (o && e->instance_url)
		json_object_set_new(o, "instance_url", json_string(e->instance_url));
	if (o && (text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		rc = fprintf(out, "%s\n", text) < 0 ? -1 : 0;
	jc_json_wipe(o, "access_token");
	json_decref(o);
	jc_free_secret(text);
	return rc;
}

int jc_print_token(FILE *out, const char *format, const struct jc_profile *p,
                   const struct jc_entry *e)
{
	if (!format || strcmp(format, "bare") == 0) {
		fprintf(out, "%s\n", e->token);
	} else if (strcmp(format, "header") == 0) {
		fprintf(out, "Authorization: Bearer %s\n", e->token);
	} else if (strcmp(format, "json") == 0) {
		return print_json(out, p, e);
	} else if (strcmp(format, "env") == 0) {
		fputs("JWTCRED_ACCESS_TOKEN=", out);
		shell_quote(out, e->token);
		fputc('\n', out);
		if (e->instance_url) {
			fputs("JWTCRED_INSTANCE_URL=", out);
			shell_quote(out, e->instance_url);
			fputc('\n', out);
		}
	} else if (strcmp(format, "curl-config") == 0) {
		/* oauth2-bearer, not a header: curl never forwards it on a redirect to another host */
		fputs("oauth2-bearer = ", out);
		curl_quote(out, e->token);
		fputc('\n', out);
	} else {
		return -1;
	}
	return ferror(out) ? -1 : 0;
}

bool jc_token_format_known(const char *format)
{
	static const char *const formats[] = { "bare", "header", "json", "env", "curl-config" };
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(format, formats[i]) == 0)
			return true;
	return false;
}

int jc_front_token(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	struct jc_entry e = { 0 };
	jwtcred_error err;
	unsigned flags = (cli->refresh ? JWTCRED_REFRESH : 0) | (cli->no_cache ? JWTCRED_NO_CACHE : 0);
	int status;

	if ((status = jc_cli_profile(cli, &cfg, &p)) != JC_EXIT_OK)
		goto out;
	if (jc_token_fetch(p, flags, &e, &err) != 0) {
		jc_say("%s", err.text);
		status = JC_EXIT_FAIL;
		goto out;
	}
	if (jc_print_token(stdout, cli->format, p, &e) != 0 || fflush(stdout) != 0) {
		jc_say("cannot write the token to standard output");
		status = JC_EXIT_FAIL;
		goto out;
	}
	jc_cli_refresh_ahead(p, flags, &e, true);
out:
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}
