/*
 * cmd_pnpm.c: jwtcred-pnpm-helper[@PROFILE], a pnpm tokenHelper.
 *
 * pnpm (10.x) runs the program a user-npmrc line
 * "//HOST[:PORT]/PATH/:tokenHelper=/abs/path" names, through the shell,
 * with no arguments and no URL, and sends what it prints (trailing white
 * space removed) as the whole Authorization header value of that registry:
 * so this prints "Bearer TOKEN".  A non-zero exit makes pnpm stop with
 * TOKEN_HELPER_ERROR_STATUS; pnpm does not show the helper's stderr.
 *
 * pnpm says nothing of where the token goes, so the helper reads the npmrc
 * pnpm takes tokenHelper lines from (npm_config_userconfig, else
 * ~/.npmrc), finds every line whose value is this program as it was run
 * (argv[0]), and answers only when the profile's urls allow every one of
 * those registries; none found is a refusal too.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "cli/refresh.h"
#include "core/allow.h"
#include "core/io.h"
#include "core/npmrc.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/text.h"

extern char **environ;

#define USERCONFIG_VAR "npm_config_userconfig"

/*
 * npm_config_userconfig as pnpm takes it (any case of the name; an empty
 * value does not count).  NULL when unset; "" when set twice differently.
 */
static const char *userconfig_env(void)
{
	const char *found = NULL, *value;
	size_t n = strlen(USERCONFIG_VAR);
	char **e;

	for (e = environ; e && *e; e++) {
		if (strncasecmp(*e, USERCONFIG_VAR, n) != 0 || (*e)[n] != '=' || !(*e)[n + 1])
			continue;
		value = *e + n + 1;
		if (found && strcmp(found, value) != 0)
			return "";
		found = value;
	}
	return found;
}

static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && *home)
		return home;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : NULL;
}

/* The user npmrc pnpm reads, malloc'd; NULL after saying why. */
static char *userconfig_path(void)
{
	const char *set = userconfig_env(), *home = home_dir();
	jwtcred_error err;
	char *value = NULL, *path = NULL;

	if (set && !*set) {
		jc_say("npm_config_userconfig is set more than once, to different files: set it once");
		return NULL;
	}
	if (set && jc_npmrc_env_replace(set, NULL, &value, &err) != 0) {
		jc_say("npm_config_userconfig: %s", err.text);
		return NULL;
	}
	if (value && strncmp(value, "~/", 2) != 0) {
		return value; /* relative: to the working directory, as pnpm's path.resolve() */
	}
	if (!home) {
		jc_say("cannot tell the home directory, where pnpm's ~/.npmrc is");
	} else if (asprintf(&path, "%s/%s", home, value ? value + 2 : ".npmrc") < 0) {
		path = NULL;
		jc_say("out of memory");
	}
	free(value);
	return path;
}

/* The file's text (NUL-terminated; "" when there is none); NULL after saying why. */
static char *read_npmrc(const char *path)
{
	char *text = NULL, shown[256];
	size_t len;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return strdup("");
		jc_say("cannot read %s: %s", jc_escape(path, shown, sizeof(shown)), strerror(errno));
		return NULL;
	}
	rc = jc_read_fd(fd, JC_NPMRC_MAX, &text, &len);
	close(fd);
	if (rc != 0) {
		jc_say("cannot read %s%s", jc_escape(path, shown, sizeof(shown)),
		       rc == JWTCRED_E_INPUT ? ": it is larger than 1 MiB" : "");
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		jc_say("%s holds a NUL byte: refusing to guess how pnpm reads it",
		       jc_escape(path, shown, sizeof(shown)));
		free(text);
		return NULL;
	}
	return text;
}

/* May p's token go to every registry in h?  Says which not, and why. */
static bool registries_allowed(const struct jc_profile *p, const struct jc_npmrc_helpers *h,
                               const char *path)
{
	struct jc_request req;
	char url[JC_URL_MAX + 8], shown[256], where[256];
	size_t i;
	bool ok;

	for (i = 0; i < h->n; i++) {
		snprintf(url, sizeof(url), "https:%s", h->registries[i]);
		ok = strlen(h->registries[i]) < JC_URL_MAX && jc_request_from_url(url, &req) == 0;
		if (ok) {
			ok = jc_profile_allows(p, &req, NULL, NULL) != JC_NOT_ALLOWED;
			jc_request_clear(&req);
		}
		if (!ok) {
			jc_say("the token of profile '%s' may not go to registry '%s', which %s gives this "
			       "helper to: it is not in the profile's urls", p->name,
			       jc_escape(url, shown, sizeof(shown)), jc_escape(path, where, sizeof(where)));
			return false;
		}
	}
	return true;
}

/* Every registry the user npmrc binds this program to is allowed: an exit status. */
static int check_npmrc(const struct jc_cli *cli, const struct jc_profile *p)
{
	struct jc_npmrc_helpers h = { 0 };
	char *path, *text = NULL, shown[256], prog[256];
	jwtcred_error err;
	int status = JC_EXIT_FAIL;

	if (!(path = userconfig_path()) || !(text = read_npmrc(path)))
		goto out;
	jc_escape(path, shown, sizeof(shown));
	jc_escape(cli->program ? cli->program : "", prog, sizeof(prog));
	if (jc_npmrc_find_helpers(text, cli->program, NULL, &h, &err) != 0)
		jc_say("%s: %s", shown, err.text);
	else if (h.n == 0)
		jc_say("%s has no line giving this helper a registry: add "
		       "//HOST[:PORT]/PATH/:tokenHelper=%s (an absolute path, as pnpm wants)", shown, prog);
	else if (registries_allowed(p, &h, path))
		status = JC_EXIT_OK;
out:
	jc_npmrc_helpers_clear(&h);
	free(text);
	free(path);
	return status;
}

int jc_front_pnpm(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	struct jc_entry e = { 0 };
	jwtcred_error err;
	int status = JC_EXIT_FAIL;

	if (!cli->profile) {
		/* pnpm passes no arguments and no URL: the profile must be bound beforehand */
		jc_say("no profile: run the helper as a link named jwtcred-pnpm-helper@PROFILE, "
		       "or set JWTCRED_PROFILE");
		return JC_EXIT_FAIL;
	}
	if (jc_cli_profile(cli, &cfg, &p) != 0 || check_npmrc(cli, p) != JC_EXIT_OK)
		goto out;
	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	/* pnpm 10 sends the line as the whole Authorization value */
	if (printf("Bearer %s\n", e.token) < 0 || fflush(stdout) != 0) {
		jc_say("cannot write the token to standard output");
		goto out;
	}
	status = JC_EXIT_OK;
	jc_cli_refresh_ahead(p, 0, &e, true);
out:
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}
