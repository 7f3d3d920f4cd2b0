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
 * working directory up, pnpm's global rc and npm's globalconfig are checked
 * the same way (pnpm publish runs their helpers too), but need not name the
 * program.  pnpm sends a //HOST/PATH/ token over http:// and to any port of
 * HOST as well: every registry URL those files, the environment and pnpm's
 * command line set that the token would reach must be allowed too.  pnpm's
 * command line (read from /proc, when it can be) must not name another
 * npmrc or a tokenHelper.  Wherever jwtcred cannot be sure how pnpm reads
 * a line, it refuses, naming FILE:LINE.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

/* The most registry keys and URLs checked in all: each URL against each key. */
#define MAX_SEEN 1000
/* The most of a /proc cmdline read. */
#define CMDLINE_MAX (256 * 1024)

/* A registry key ("//host/path/") or URL, and where it was set ("FILE:LINE"). */
struct seen_one {
	char *what;
	char *where;
};

/* The registry keys this helper is given, and the registry URLs set, in every place read. */
struct seen {
	struct seen_one keys[MAX_SEEN], urls[MAX_SEEN];
	size_t nkeys, nurls;
	char *userconfig; /* the user npmrc: the one pnpm install runs tokenHelpers from */
};

static void seen_clear(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->nkeys; i++) {
		free(s->keys[i].what);
		free(s->keys[i].where);
	}
	for (i = 0; i < s->nurls; i++) {
		free(s->urls[i].what);
		free(s->urls[i].where);
	}
	free(s->userconfig);
	s->nkeys = s->nurls = 0;
	s->userconfig = NULL;
}

/* Remember (what, "path:line", or path alone when line is 0); false after saying why. */
static bool seen_add(struct seen_one *list, size_t *n, const char *what, const char *path,
                     size_t line)
{
	char *where = NULL;

	if (*n >= MAX_SEEN) {
		jc_say("more than %d registry and tokenHelper settings in the npmrc files: "
		       "refusing to check them all", MAX_SEEN);
		return false;
	}
	if ((line ? asprintf(&where, "%s:%zu", path, line) : asprintf(&where, "%s", path)) < 0 ||
	    !(list[*n].what = strdup(what))) {
		free(where);
		jc_say("out of memory");
		return false;
	}
	list[(*n)++].where = where;
	return true;
}

/*
 * The variable `name` as pnpm takes it (any case of the name; an empty
 * value does not count).  NULL when unset; "" when set twice differently.
 */
static const char *env_ci(const char *name)
{
	const char *found = NULL, *value;
	size_t n = strlen(name);
	char **e;

	for (e = environ; e && *e; e++) {
		if (strncasecmp(*e, name, n) != 0 || (*e)[n] != '=' || !(*e)[n + 1])
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
	return jc_home();
}

/* A path pnpm takes from a variable, "~/" as the home: malloc'd; NULL after saying why. */
static char *path_from_env(const char *var, const char *set)
{
	const char *home = home_dir();
	jwtcred_error err;
	char *value = NULL, *path = NULL;

	if (!*set) {
		jc_say("%s is set more than once, to different files: set it once", var);
		return NULL;
	}
	if (jc_npmrc_env_replace(set, NULL, &value, &err) != 0) {
		jc_say("%s: %s", var, err.text);
		return NULL;
	}
	if (strncmp(value, "~/", 2) != 0)
		return value; /* relative: to the working directory, as pnpm's path.resolve() */
	if (!home)
		jc_say("cannot tell the home directory, where %s points", var);
	else if (asprintf(&path, "%s/%s", home, value + 2) < 0)
		path = NULL;
	free(value);
	return path;
}

/* The user npmrc pnpm reads, malloc'd; NULL after saying why. */
static char *userconfig_path(void)
{
	const char *set = env_ci("npm_config_userconfig"), *home = home_dir();
	char *path = NULL;

	if (set)
		return path_from_env("npm_config_userconfig", set);
	if (!home)
		jc_say("cannot tell the home directory, where pnpm's ~/.npmrc is");
	else if (asprintf(&path, "%s/.npmrc", home) < 0)
		path = NULL;
	return path;
}

/*
 * The file's text (NUL-terminated; "" when there is none or it is a
 * directory, as pnpm skips both); NULL after saying why.  Only a regular
 * file is read (a FIFO would hang the helper); symbolic links are
 * followed, as pnpm follows them (a ~/.npmrc kept with the dotfiles).
 */
static char *read_npmrc(const char *path)
{
	char *text = NULL, shown[256];
	struct stat st;
	size_t len;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return strdup("");
		jc_say("cannot read %s: %s", jc_escape(path, shown, sizeof(shown)), strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		if (S_ISDIR(st.st_mode))
			return strdup("");
		jc_say("%s is not a regular file: refusing to read it",
		       jc_escape(path, shown, sizeof(shown)));
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
		jc_free_secret(text);
		return NULL;
	}
	return text;
}

/* May p's token go to url?  false when url is not one jwtcred can parse. */
static bool url_allowed(const struct jc_profile *p, const char *url)
{
	struct jc_request req;
	bool ok;

	if (strlen(url) >= JC_URL_MAX || jc_request_from_url(url, &req) != 0)
		return false;
	ok = jc_profile_allows(p, &req, NULL, NULL) != JC_NOT_ALLOWED;
	jc_request_clear(&req);
	return ok;
}

/* May p's token go to every registry in h?  Says which not, and why. */
static bool registries_allowed(const struct jc_profile *p, const struct jc_npmrc_helpers *h,
                               const char *path)
{
	char url[JC_URL_MAX + 8], shown[256], where[256];
	size_t i;

	for (i = 0; i < h->n; i++) {
		snprintf(url, sizeof(url), "https:%s", h->registries[i]);
		if (!url_allowed(p, url)) {
			jc_say("%s:%zu: the token of profile '%s' may not go to registry '%s', which this "
			       "line gives this helper to: it is not in the profile's urls",
			       jc_escape(path, where, sizeof(where)), h->lines[i], p->name,
			       jc_escape(url, shown, sizeof(shown)));
			return false;
		}
	}
	return true;
}

/*
 * The registries the npmrc at path gives this program to are all allowed:
 * an exit status; they and the file's registry URLs go into *seen.  A
 * missing file gives none.
 */
static int check_file(const struct jc_cli *cli, const struct jc_profile *p, const char *path,
                      struct seen *seen)
{
	struct jc_npmrc_helpers h = { 0 };
	char *text, shown[256];
	jwtcred_error err;
	int status = JC_EXIT_FAIL;
	size_t i;

	if (!(text = read_npmrc(path)))
		return JC_EXIT_FAIL;
	if (jc_npmrc_find_helpers(text, cli->program, NULL, &h, &err) != 0)
		jc_say("%s:%s", jc_escape(path, shown, sizeof(shown)), err.text);
	else if (registries_allowed(p, &h, path))
		status = JC_EXIT_OK;
	for (i = 0; status == JC_EXIT_OK && i < h.n; i++)
		if (!seen_add(seen->keys, &seen->nkeys, h.registries[i], path, h.lines[i]))
			status = JC_EXIT_FAIL;
	for (i = 0; status == JC_EXIT_OK && i < h.nurls; i++)
		if (!seen_add(seen->urls, &seen->nurls, h.urls[i], path, h.url_lines[i]))
			status = JC_EXIT_FAIL;
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

/* /proc/PID/NAME, read bounded (malloc'd, NUL-terminated, *len bytes); NULL when unreadable. */
static char *proc_read(pid_t pid, const char *name, size_t *len)
{
	char path[64], *text = NULL;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (jc_read_fd(fd, CMDLINE_MAX, &text, len) != 0)
		text = NULL;
	close(fd);
	return text;
}

/* The parent of pid, from /proc/PID/stat; 0 when unknown. */
static pid_t proc_parent(pid_t pid)
{
	char *stat, *close_paren;
	long ppid = 0;
	size_t len;

	if (!(stat = proc_read(pid, "stat", &len)))
		return 0;
	if ((close_paren = strrchr(stat, ')')) && sscanf(close_paren + 1, " %*c %ld", &ppid) != 1)
		ppid = 0;
	free(stat);
	return (pid_t)ppid;
}

/* pnpm's process: the parent (sh -c HELPER, or pnpm when the shell exec'd), and its parent. */
static void pnpm_pids(pid_t pids[2])
{
	pids[0] = getppid();
	pids[1] = pids[0] > 1 ? proc_parent(pids[0]) : 0;
}

/*
 * One argument of pnpm's command line: a refusal when it names another
 * npmrc or a tokenHelper (pnpm would read what the helper does not); a
 * registry URL (--registry=URL, --@scope:registry URL) goes into *seen.
 * *skip when the next argument is this one's value.
 */
static bool check_arg(const char *arg, const char *next, struct seen *seen, bool *skip)
{
	static const char *const refused[] = { "userconfig", "globalconfig", ":tokenHelper=" };
	char shown[256];
	const char *eq = strchr(arg, '='), *name = arg + 2;
	size_t i, nlen;

	*skip = false;
	if (strncmp(arg, "--", 2) != 0)
		return true;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strstr(arg, refused[i])) {
			jc_say("pnpm's command line has '%s': the helper cannot read the npmrc pnpm "
			       "then reads; put the setting in the user npmrc instead",
			       jc_escape(arg, shown, sizeof(shown)));
			return false;
		}
	nlen = eq ? (size_t)(eq - name) : strlen(name);
	if (nlen < 8 || strncmp(name + nlen - 8, "registry", 8) != 0)
		return true;
	if (!eq && !next)
		return true;
	*skip = !eq;
	return seen_add(seen->urls, &seen->nurls, eq ? eq + 1 : next, "pnpm's command line", 0);
}

/* The command lines of pnpm's processes, when /proc tells them: see check_arg(). */
static bool check_pnpm_args(struct seen *seen)
{
	pid_t pids[2];
	char *cmd, *arg, *next, *end;
	size_t i, len;
	bool ok = true, skip;

	pnpm_pids(pids);
	for (i = 0; i < 2 && ok; i++) {
		if (pids[i] <= 1 || !(cmd = proc_read(pids[i], "cmdline", &len)))
			continue; /* no /proc: nothing to check */
		end = cmd + len;
		for (arg = cmd; ok && arg < end; arg = next) {
			next = arg + strlen(arg) + 1;
			ok = check_arg(arg, next < end ? next : NULL, seen, &skip);
			if (skip)
				next += strlen(next) + 1;
		}
		free(cmd);
	}
	return ok;
}

/*
 * npm's globalconfig, which pnpm reads too: npm_config_globalconfig, else
 * PREFIX/etc/npmrc with PREFIX npm_config_prefix, $PREFIX, or the
 * directory above the bin/ of the node running pnpm (found through /proc).
 * NULL when unknown (then not checked), or after saying why (*bad).
 */
static char *globalconfig_path(bool *bad)
{
	const char *set = env_ci("npm_config_globalconfig"), *prefix = env_ci("npm_config_prefix");
	char exe[4096], link[64], *path = NULL, *slash;
	pid_t pids[2];
	ssize_t n;
	size_t i;

	*bad = false;
	if (set) {
		path = path_from_env("npm_config_globalconfig", set);
		*bad = !path;
		return path;
	}
	if (!prefix || !*prefix)
		prefix = getenv("PREFIX");
	if (prefix && *prefix)
		return asprintf(&path, "%s/etc/npmrc", prefix) < 0 ? NULL : path;
	pnpm_pids(pids);
	for (i = 0; i < 2 && !path; i++) {
		snprintf(link, sizeof(link), "/proc/%ld/exe", (long)pids[i]);
		if (pids[i] <= 1 || (n = readlink(link, exe, sizeof(exe) - 1)) <= 0)
			continue;
		exe[n] = '\0';
		if (!(slash = strrchr(exe, '/')) || strncmp(slash + 1, "node", 4) != 0)
			continue;
		*slash = '\0'; /* .../bin */
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		if (asprintf(&path, "%s/etc/npmrc", exe) < 0)
			path = NULL;
	}
	return path;
}

/*
 * pnpm install runs only the user npmrc's tokenHelpers, but pnpm publish
 * runs those of every file it reads: a project's .npmrc (from the working
 * directory up), pnpm's global rc and npm's globalconfig must not give
 * this helper a registry the profile does not allow either.
 */
static int check_other_files(const struct jc_cli *cli, const struct jc_profile *p,
                             struct seen *seen)
{
	char *dir = getcwd(NULL, 0), *path = NULL, *slash;
	int status = JC_EXIT_OK;
	bool bad;

	while (status == JC_EXIT_OK && dir && *dir) {
		if (asprintf(&path, "%s/.npmrc", strcmp(dir, "/") == 0 ? "" : dir) < 0) {
			path = NULL;
			break;
		}
		if (strcmp(path, seen->userconfig) != 0)
			status = check_file(cli, p, path, seen);
		free(path);
		path = NULL;
		if (strcmp(dir, "/") == 0 || !(slash = strrchr(dir, '/')))
			break;
		slash[slash == dir ? 1 : 0] = '\0';
	}
	free(dir);
	if (status == JC_EXIT_OK && (path = pnpm_rc_path()))
		status = check_file(cli, p, path, seen);
	free(path);
	if (status == JC_EXIT_OK && (path = globalconfig_path(&bad)) &&
	    strcmp(path, seen->userconfig) != 0)
		status = check_file(cli, p, path, seen);
	if (status == JC_EXIT_OK && !path && bad)
		status = JC_EXIT_FAIL;
	free(path);
	return status;
}

/*
 * npm_config_registry and npm_config_@SCOPE:registry (any case): URLs pnpm
 * asks too.  npm_config_//HOST/:tokenHelper: refused (pnpm publish runs it).
 */
static bool env_urls(struct seen *seen)
{
	static const char prefix[] = "npm_config_", helper[] = ":tokenhelper";
	char shown[256], name[256];
	const char *eq;
	size_t n;
	char **e;

	for (e = environ; e && *e; e++) {
		if (strncasecmp(*e, prefix, sizeof(prefix) - 1) != 0 || !(eq = strchr(*e, '=')) ||
		    !eq[1])
			continue;
		n = (size_t)(eq - *e);
		if (n >= sizeof(helper) - 1 &&
		    strncasecmp(eq - (sizeof(helper) - 1), helper, sizeof(helper) - 1) == 0) {
			snprintf(name, sizeof(name), "%.*s", (int)(n < 255 ? n : 255), *e);
			jc_say("the environment sets %s: put the tokenHelper in the user npmrc instead",
			       jc_escape(name, shown, sizeof(shown)));
			return false;
		}
		if (n >= sizeof(prefix) - 1 + 8 && strncasecmp(eq - 8, "registry", 8) == 0 &&
		    !seen_add(seen->urls, &seen->nurls, eq + 1, "the environment", 0))
			return false;
	}
	return true;
}

/*
 * pnpm sends the token of //HOST/PATH/ to every URL under it, over http://
 * and on any port too: each registry URL set anywhere that a key given to
 * this helper covers must be allowed as it is.
 */
static bool urls_allowed(const struct jc_profile *p, const struct seen *seen)
{
	char shown[256], where[256], key[256];
	size_t i, j;

	for (i = 0; i < seen->nurls; i++)
		for (j = 0; j < seen->nkeys; j++) {
			if (!jc_npmrc_key_covers(seen->keys[j].what, seen->urls[i].what) ||
			    url_allowed(p, seen->urls[i].what))
				continue;
			jc_say("%s: registry '%s' would get the token of '%s' (%s; pnpm sends it over "
			       "http:// and to any port of that host), which the profile's urls do not "
			       "allow: use https on the registry key's port, or add the URL to the urls",
			       jc_escape(seen->urls[i].where, where, sizeof(where)),
			       jc_escape(seen->urls[i].what, shown, sizeof(shown)),
			       jc_escape(seen->keys[j].what, key, sizeof(key)), seen->keys[j].where);
			return false;
		}
	return true;
}

/*
 * Every registry the npmrc files give this program to is allowed, and the
 * user npmrc (the one pnpm install runs helpers from) gives it one at
 * least: an exit status.
 */
static int check_npmrc(const struct jc_cli *cli, const struct jc_profile *p)
{
	static struct seen seen; /* large: not on the stack */
	char shown[256], prog[256];
	int status = JC_EXIT_FAIL;
	size_t before;

	if (!check_pnpm_args(&seen) || !env_urls(&seen) || !(seen.userconfig = userconfig_path()))
		goto out;
	before = seen.nkeys;
	if (check_file(cli, p, seen.userconfig, &seen) != JC_EXIT_OK)
		goto out;
	if (seen.nkeys == before) {
		jc_say("%s has no line giving this helper a registry: add "
		       "//HOST[:PORT]/PATH/:tokenHelper=%s (an absolute path, as pnpm wants)",
		       jc_escape(seen.userconfig, shown, sizeof(shown)),
		       jc_escape(cli->program ? cli->program : "", prog, sizeof(prog)));
		goto out;
	}
	if (check_other_files(cli, p, &seen) == JC_EXIT_OK && urls_allowed(p, &seen))
		status = JC_EXIT_OK;
out:
	seen_clear(&seen);
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
