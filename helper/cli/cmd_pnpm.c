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
 * those registries; none found is a refusal too.  The .npmrc files from the
 * working directory up and pnpm's global rc are checked the same way (pnpm
 * publish runs their helpers too), but need not name the program.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
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
	struct stat st;
	size_t len;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return strdup("");
		jc_say("cannot read %s: %s", jc_escape(path, shown, sizeof(shown)), strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return strdup(""); /* pnpm skips a directory too */
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
		jc_free_secret(text);
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

/*
 * The registries the npmrc at path gives this program to are all allowed:
 * an exit status; *found counts them.  A missing file gives none.
 */
static int check_file(const struct jc_cli *cli, const struct jc_profile *p, const char *path,
                      size_t *found)
{
	struct jc_npmrc_helpers h = { 0 };
	char *text, shown[256];
	jwtcred_error err;
	int status = JC_EXIT_FAIL;

	*found = 0;
	if (!(text = read_npmrc(path)))
		return JC_EXIT_FAIL;
	if (jc_npmrc_find_helpers(text, cli->program, NULL, &h, &err) != 0)
		jc_say("%s: %s", jc_escape(path, shown, sizeof(shown)), err.text);
	else if (registries_allowed(p, &h, path))
		status = JC_EXIT_OK;
	*found = h.n;
	jc_npmrc_helpers_clear(&h);
	jc_free_secret(text); /* other registries' _authToken lines */
	return status;
}

/* pnpm's own global rc: $XDG_CONFIG_HOME/pnpm/rc, else ~/.config/pnpm/rc; NULL when unknown. */
static char *pnpm_rc_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = home_dir();
	char *path = NULL;

	if (xdg && *xdg ? asprintf(&path, "%s/pnpm/rc", xdg) < 0
	                : !home || asprintf(&path, "%s/.config/pnpm/rc", home) < 0)
		return NULL;
	return path;
}

/*
 * pnpm install runs only the user npmrc's tokenHelpers, but pnpm publish
 * runs those of every file it reads: a project's .npmrc (from the working
 * directory up) and pnpm's global rc must not give this helper a registry
 * the profile does not allow either.
 */
static int check_other_files(const struct jc_cli *cli, const struct jc_profile *p,
                             const char *user)
{
	char *dir = getcwd(NULL, 0), *path = NULL, *slash;
	size_t found;
	int status = JC_EXIT_OK;

	while (status == JC_EXIT_OK && dir && *dir) {
		if (asprintf(&path, "%s/.npmrc", strcmp(dir, "/") == 0 ? "" : dir) < 0) {
			path = NULL;
			break;
		}
		if (strcmp(path, user) != 0)
			status = check_file(cli, p, path, &found);
		free(path);
		path = NULL;
		if (strcmp(dir, "/") == 0 || !(slash = strrchr(dir, '/')))
			break;
		slash[slash == dir ? 1 : 0] = '\0';
	}
	free(dir);
	if (status == JC_EXIT_OK && (path = pnpm_rc_path()))
		status = check_file(cli, p, path, &found);
	free(path);
	return status;
}

/*
 * Every registry the npmrc files give this program to is allowed, and the
 * user npmrc (the one pnpm install runs helpers from) gives it one at
 * least: an exit status.
 */
static int check_npmrc(const struct jc_cli *cli, const struct jc_profile *p)
{
	char *path, shown[256], prog[256];
	size_t found = 0;
	int status = JC_EXIT_FAIL;

	if (!(path = userconfig_path()))
		return JC_EXIT_FAIL;
	if (check_file(cli, p, path, &found) != JC_EXIT_OK) {
		status = JC_EXIT_FAIL;
	} else if (found == 0) {
		jc_say("%s has no line giving this helper a registry: add "
		       "//HOST[:PORT]/PATH/:tokenHelper=%s (an absolute path, as pnpm wants)",
		       jc_escape(path, shown, sizeof(shown)),
		       jc_escape(cli->program ? cli->program : "", prog, sizeof(prog)));
	} else {
		status = check_other_files(cli, p, path);
	}
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
