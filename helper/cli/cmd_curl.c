/*
 * cmd_curl.c: jwtcred curl -- CURL-ARGS.
 *
 * The token reaches curl through a config file on an inherited pipe
 * (-K /dev/fd/N), never through its argv or environment, where any local
 * user could read it.  Where it may go is decided on curl's own reading
 * of the command line: the arguments are scanned with curl's option table
 * (curlargs.c) and every option off the allow-list stops the run; every
 * URL is read with libcurl's URL parser, must be https and allowed by the
 * profile; and curl is run on a command line rebuilt from that scan, with
 * the normalised URLs, --globoff and --proto =https, so it fetches exactly
 * what was checked.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/process.h"
#include "cli/refresh.h"
#include "cli/profile.h"
#include "core/allow.h"
#include "cli/curlargs.h"
#include "core/engine.h"
#include "core/io.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/text.h"
#include "core/trace.h"

/* What follows a refusal of an option that the user may want all the same. */
static const char take_over[] =
	"; to decide where the token goes yourself, run curl -q -K <(jwtcred token --format curl-config) ...";

static void say_refusal(const struct jc_curl_refusal *r)
{
	const char *fix = "";
	char arg[96];

	if (!r->arg) {
		jc_say("cannot read the curl arguments: %s", r->why);
		return;
	}
	jc_escape(r->arg, arg, sizeof(arg));
	if (!r->opt && r->arg[0] != '-') {
		jc_say("refusing the curl arguments at '%s': %s", arg, r->why);
		return;
	}
	if (r->opt && (r->opt->policy == JC_CURL_ROUTE || r->opt->policy == JC_CURL_TLS ||
	               r->opt->policy == JC_CURL_CREDS || r->opt->policy == JC_CURL_UNCHECKED ||
	               r->opt->policy == JC_CURL_OTHER))
		fix = take_over;
	if (r->opt && !(r->arg[0] == '-' && r->arg[1] == '-' && strcmp(r->arg + 2, r->opt->name) == 0))
		jc_say("refusing curl option '%s' (--%s): %s%s", arg, r->opt->name, r->why, fix);
	else
		jc_say("refusing curl option '%s': %s%s", arg, r->why, fix);
}

/* A pipe whose ends are above 2, so that neither lands on a closed stdin or stdout. */
static int pipe_above_stdio(int fds[2])
{
	int i, high;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		if (fds[i] > 2)
			continue;
		if ((high = fcntl(fds[i], F_DUPFD_CLOEXEC, 3)) < 0) {
			close(fds[0]);
			close(fds[1]);
			fds[0] = fds[1] = -1;
			return -1;
		}
		close(fds[i]);
		fds[i] = high;
	}
	return 0;
}

/* Read curl's dumped headers until EOF: did any response say 401? */
static bool saw_401(int fd)
{
	char buf[4096], line[64];
	size_t used = 0;
	ssize_t r, i;
	bool seen = false;

	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < r; i++) {
			if (buf[i] == '\n') {
				line[used] = '\0';
				if (strncmp(line, "HTTP/", 5) == 0 && strchr(line, ' ') &&
				    strtol(strchr(line, ' ') + 1, NULL, 10) == 401)
					seen = true;
				used = 0;
			} else if (used + 1 < sizeof(line)) {
				line[used++] = buf[i]; /* only the start of a line matters */
			}
		}
	}
	return seen;
}

/* curl's command line, rebuilt from the scan; words made here are in owned. */
struct curl_argv {
	char **argv;
	size_t n;
	char **owned;
	size_t nowned;
};

static void curl_argv_free(struct curl_argv *c)
{
	size_t i;

	for (i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	free(c->argv);
	memset(c, 0, sizeof(*c));
}

static int push_owned(struct curl_argv *c, char *word)
{
	if (!word)
		return -1;
	c->owned[c->nowned++] = word;
	c->argv[c->n++] = word;
	return 0;
}

/*
 * curl -q -K CONFIG [-D HEADERS] OPTIONS... --globoff --proto =https
 * --proto-redir =https: each option in one unambiguous spelling, each URL
 * as --url and libcurl's normalised form.  -q must come first (no
 * ~/.curlrc); the forced options come last, so nothing can undo them.
 */
static int build_argv(const struct jc_curl_args *a, char **urls, const char *cfgpath,
                      const char *hdrpath, struct curl_argv *c)
{
	static const char *const forced[] = { "--globoff", "--proto", "=https", "--proto-redir", "=https" };
	size_t i, u = 0;
	char word[4];
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if (!(c->argv = calloc(2 * a->nitems + 16, sizeof(*c->argv))) ||
	    !(c->owned = calloc(a->nitems + 1, sizeof(*c->owned))))
		goto out;
	c->argv[c->n++] = "curl";
	c->argv[c->n++] = "-q";
	c->argv[c->n++] = "-K";
	c->argv[c->n++] = (char *)cfgpath;
	if (hdrpath) {
		c->argv[c->n++] = "-D";
		c->argv[c->n++] = (char *)hdrpath;
	}
	for (i = 0; i < a->nitems; i++) {
		const struct jc_curl_item *it = &a->items[i];
		if (!it->opt) {
			c->argv[c->n++] = "--url";
			c->argv[c->n++] = urls[u++];
			continue;
		}
		if (it->opt->policy == JC_CURL_FORCED)
			continue; /* passed below in any case */
		if (it->short_form) {
			snprintf(word, sizeof(word), "-%c", it->opt->letter);
			if (push_owned(c, strdup(word)) != 0)
				goto out;
		} else if (push_owned(c, jc_concat(it->negated ? "--no-" : "--", it->opt->name)) != 0) {
			goto out;
		}
		if (it->value)
			c->argv[c->n++] = (char *)it->value;
	}
	for (i = 0; i < sizeof(forced) / sizeof(forced[0]); i++)
		c->argv[c->n++] = (char *)forced[i];
	rc = 0;
out:
	if (rc != 0)
		curl_argv_free(c);
	return rc;
}

/*
 * The token's curl config, written whole into a new pipe above stdio
 * (cfg[1] closed again; it fits a pipe's buffer and curl reads it at start),
 * and with watch the pipe curl's -D writes the response headers to (hdr).
 * Says why on failure; the caller closes what is open either way.
 */
static int token_pipe(const struct jc_profile *p, const struct jc_entry *e, bool watch, int cfg[2],
                      int hdr[2])
{
	char *config = NULL;
	size_t len = 0;
	FILE *mem;
	int rc = -1;

	if (!(mem = open_memstream(&config, &len)) || jc_print_token(mem, "curl-config", p, e) != 0 ||
	    fclose(mem) != 0 || !config) {
		jc_say("cannot pass the token to curl: out of memory");
		goto out;
	}
	if (pipe_above_stdio(cfg) != 0 || (watch && pipe_above_stdio(hdr) != 0) ||
	    jc_write_all(cfg[1], config, len) != 0) {
		jc_say("cannot pass the token to curl: %s", strerror(errno));
		goto out;
	}
	close(cfg[1]);
	cfg[1] = -1;
	rc = 0;
out:
	jc_free_secret(config);
	return rc;
}

/* In the child: curl, with the caller's settings and the two pipes inherited. */
static void exec_curl(const struct jc_cli *cli, char **argv, int cfgfd, int hdrfd,
                      const struct sigaction *old_int, const struct sigaction *old_quit)
{
	int code;

	sigaction(SIGINT, old_int, NULL);
	sigaction(SIGQUIT, old_quit, NULL);
	jc_child_defaults(cli); /* the caller's umask and SIGXFSZ */
	unsetenv("SSLKEYLOGFILE"); /* TLS secrets in a file would decrypt the token */
	fcntl(cfgfd, F_SETFD, 0);
	if (hdrfd >= 0)
		fcntl(hdrfd, F_SETFD, 0);
	execvp("curl", argv);
	code = errno;
	jc_say("cannot run curl: %s", strerror(code));
	_exit(code == ENOENT ? 127 : 126);
}

/*
 * Run curl with the token on a pipe; watch the response status on another
 * (-D), and drop the cached token when the server answers 401, so the next
 * call mints a fresh one.  Returns curl's exit status.
 */
static int run_curl(const struct jc_cli *cli, const struct jc_profile *p, const struct jc_entry *e,
                    const struct jc_curl_args *a, char **urls)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old_int, old_quit;
	int cfg[2] = { -1, -1 }, hdr[2] = { -1, -1 }, status = JC_EXIT_FAIL, wstatus;
	char cfgpath[32], hdrpath[32];
	struct curl_argv c = { 0 };
	bool watch = !a->dump_header, rejected = false, dropped;
	jwtcred_error err;
	pid_t pid;

	if (token_pipe(p, e, watch, cfg, hdr) != 0)
		goto out;
	snprintf(cfgpath, sizeof(cfgpath), "/dev/fd/%d", cfg[0]);
	snprintf(hdrpath, sizeof(hdrpath), "/dev/fd/%d", hdr[1]);
	if (build_argv(a, urls, cfgpath, watch ? hdrpath : NULL, &c) != 0) {
		jc_say("cannot build curl's command line: out of memory");
		goto out;
	}
	jc_trace("running curl with the token of profile '%s' on %s", p->name, cfgpath);
	fflush(NULL);
	/* like system(): the terminal's ^C is for curl */
	sigaction(SIGINT, &ignore, &old_int);
	sigaction(SIGQUIT, &ignore, &old_quit);
	if ((pid = fork()) < 0) {
		jc_say("cannot start curl: %s", strerror(errno));
		goto restore;
	}
	if (pid == 0)
		exec_curl(cli, c.argv, cfg[0], watch ? hdr[1] : -1, &old_int, &old_quit);
	close(cfg[0]);
	cfg[0] = -1;
	if (watch) {
		close(hdr[1]);
		hdr[1] = -1;
		rejected = saw_401(hdr[0]);
	}
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			jc_say("cannot wait for curl: %s", strerror(errno));
			goto restore;
		}
	}
	status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	if (rejected) {
		jc_trace("the server answered 401: dropping the cached token");
		if (jc_token_drop(p, e->token, &dropped, &err) != 0)
			jc_say("%s", err.text);
	}
restore:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
out:
	if (cfg[0] >= 0)
		close(cfg[0]);
	if (cfg[1] >= 0)
		close(cfg[1]);
	if (hdr[0] >= 0)
		close(hdr[0]);
	if (hdr[1] >= 0)
		close(hdr[1]);
	curl_argv_free(&c);
	return status;
}

/* Every URL of the scan through libcurl: urls[] (normalised) and reqs[]. */
static int read_urls(const struct jc_curl_args *a, char **urls, struct jc_request *reqs)
{
	const struct jc_engine *engine;
	jwtcred_error err;
	char shown[96], why[sizeof(err.text)];
	size_t i, u = 0;

	if (!(engine = jc_engine(&err))) {
		jc_say("%s", err.text);
		return -1;
	}
	for (i = 0; i < a->nitems; i++) {
		if (a->items[i].opt)
			continue;
		if (engine->curl_url(a->items[i].value, &urls[u], &reqs[u], &err) != 0) {
			jc_say("refusing the URL '%s' in the curl arguments: %s",
			       jc_escape(a->items[i].value, shown, sizeof(shown)),
			       jc_escape(err.text, why, sizeof(why)));
			return -1;
		}
		u++;
	}
	return 0;
}

/* Would curl -O name a file after this URL's last segment, and is that hidden?
 * curl 7.88 takes the name after the last '/' or '\\'. */
static bool hidden_name(const struct jc_request *req)
{
	const char *s, *last = req->path ? req->path : "";

	for (s = last; *s; s++)
		if (*s == '/' || *s == '\\')
			last = s + 1;
	return last[0] == '.' || strncasecmp(last, "%2e", 3) == 0;
}

/*
 * May the token go to every URL?  The profile's urls are checked before the
 * token is fetched, so that a refused call mints nothing; only a URL they
 * refuse needs the token, whose instance_url may allow it.  On success *e
 * holds the token.  Returns an exit status.
 */
static int check_urls(const struct jc_profile *p, const struct jc_curl_args *a, char **urls,
                      const struct jc_request *reqs, struct jc_entry *e)
{
	enum jc_allowed verdict[JC_CURL_MAX_URLS];
	jwtcred_error err;
	char shown[96];
	size_t i;

	for (i = 0; i < a->nurls; i++) {
		verdict[i] = jc_profile_allows(p, &reqs[i], NULL, NULL);
		if (a->remote_name && hidden_name(&reqs[i])) {
			jc_say("refusing -O for '%s': curl would name the file after its last segment, "
			       "a hidden name; give -o FILE instead",
			       jc_escape(urls[i], shown, sizeof(shown)));
			return JC_EXIT_USAGE;
		}
	}
	if (jc_token_fetch(p, 0, e, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	for (i = 0; i < a->nurls; i++) {
		if (verdict[i] == JC_NOT_ALLOWED &&
		    (verdict[i] = jc_profile_allows(p, &reqs[i], e->instance_url, NULL)) == JC_NOT_ALLOWED) {
			jc_say("the token of profile '%s' may not go to '%s': it is not in the profile's urls",
			       p->name, jc_escape(urls[i], shown, sizeof(shown)));
			return JC_EXIT_FAIL;
		}
		if (verdict[i] == JC_ALLOWED_PATH && a->follow) {
			jc_say("refusing -L for '%s': profile '%s' allows only some paths of that host, and "
			       "curl would resend the token on a redirect to any path of it; drop -L, or "
			       "list the whole host in the profile's urls",
			       jc_escape(urls[i], shown, sizeof(shown)), p->name);
			return JC_EXIT_USAGE;
		}
	}
	return JC_EXIT_OK;
}

/* Is st the file at path? */
static bool same_file(const struct stat *st, const char *path)
{
	struct stat other;

	return path && stat(path, &other) == 0 && other.st_dev == st->st_dev && other.st_ino == st->st_ino;
}

/*
 * Would curl write over one of jwtcred's own files: the configuration, a
 * profile's key, passphrase or certificate, or anything in the cache?  A
 * server's answer in their place would stop jwtcred, or choose its key.
 */
static const char *own_file(const struct jwtcred_config *cfg, const char *target)
{
	struct stat st, cache;
	char *dir = NULL, *path = NULL, *slash;
	const char *what = NULL;
	int dirfd = -1;
	size_t i;

	if (stat(target, &st) == 0) {
		if (same_file(&st, cfg->path))
			return "the configuration";
		for (i = 0; i < cfg->nprofiles; i++)
			if (same_file(&st, cfg->profiles[i].private_key) ||
			    same_file(&st, cfg->profiles[i].passphrase_file) ||
			    same_file(&st, cfg->profiles[i].certificate))
				return "a profile's key, passphrase or certificate";
	}
	if (!(dir = strdup(target)))
		return "a file jwtcred cannot check (out of memory)";
	if ((slash = strrchr(dir, '/')))
		slash[slash == dir] = '\0'; /* "/x" keeps "/" */
	if (jc_cache_open(&dirfd, &path, NULL) == 0 && fstat(dirfd, &cache) == 0 &&
	    stat(slash ? dir : ".", &st) == 0 && st.st_dev == cache.st_dev && st.st_ino == cache.st_ino)
		what = "the token cache";
	if (dirfd >= 0)
		close(dirfd);
	free(path);
	free(dir);
	return what;
}

/* The first file that curl would write over and jwtcred owns; 0 when none. */
static int refuse_own_files(const struct jwtcred_config *cfg, const struct jc_curl_args *a)
{
	const char *what;
	char shown[96];
	size_t i;

	for (i = 0; i < a->nitems; i++) {
		const struct jc_curl_item *it = &a->items[i];
		if (!it->opt || it->opt->rule != JC_RULE_OUTPUT || strcmp(it->value, "-") == 0)
			continue;
		if ((what = own_file(cfg, it->value))) {
			jc_say("refusing --%s '%s': curl would write over %s of jwtcred",
			       it->opt->name, jc_escape(it->value, shown, sizeof(shown)), what);
			return -1;
		}
	}
	return 0;
}

/*
 * Without --profile: does every URL pick p, the first URL's profile?  A
 * more specific profile for another URL (good, or broken: its error) is
 * refused in one line.  A URL no profile lists is check_urls()'s to judge
 * (the token's instance_url may allow it).  0 or -1 (said why).
 */
static int same_profile(const struct jwtcred_config *cfg, const struct jc_profile *p,
                        const struct jc_curl_args *a, char **urls, const struct jc_request *reqs)
{
	const struct jc_profile *q;
	jwtcred_error err;
	char shown[96], other[96];
	size_t i;
	int rc;

	for (i = 1; i < a->nurls; i++) {
		rc = jc_allowed_lookup(cfg, NULL, &reqs[i], &q, &err);
		if (rc == JWTCRED_E_CONFIG) {
			jc_say("%s", err.text);
			return -1;
		}
		if (rc == JWTCRED_OK && q != p) {
			jc_say("'%s' is for profile '%s', but '%s' is for profile '%s': run jwtcred curl once per profile",
			       jc_escape(urls[0], shown, sizeof(shown)), p->name,
			       jc_escape(urls[i], other, sizeof(other)), q->name);
			return -1;
		}
	}
	return 0;
}

int jc_front_curl(const struct jc_cli *cli)
{
	struct jc_request reqs[JC_CURL_MAX_URLS] = { { 0 } };
	char *urls[JC_CURL_MAX_URLS] = { 0 }, shown[96];
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p = NULL;
	struct jc_curl_refusal refusal;
	struct jc_entry e = { 0 };
	struct jc_curl_args a;
	jwtcred_error err;
	int status = JC_EXIT_USAGE;
	size_t i;

	if (jc_curl_args_scan(cli->rest, cli->nrest, &a, &refusal) != 0) {
		say_refusal(&refusal);
		goto out;
	}
	if (a.nurls == 0) {
		jc_say("no URL among the curl arguments: jwtcred needs one to choose the profile");
		goto out;
	}
	if (read_urls(&a, urls, reqs) != 0)
		goto out;
	status = JC_EXIT_FAIL;
	if (jc_cli_config(cli, &cfg) != 0)
		goto out;
	if (cli->profile) {
		if (jc_conf_profile(cfg, cli->profile, &p, &err) != 0) {
			jc_say("%s", err.text);
			goto out;
		}
	} else if (!(p = jc_allowed_profile(cfg, NULL, &reqs[0]))) {
		jc_say("no profile lists '%s' in its urls: add it to one, or pass --profile",
		       jc_escape(urls[0], shown, sizeof(shown)));
		goto out;
	} else if (same_profile(cfg, p, &a, urls, reqs) != 0) {
		goto out;
	}
	if (refuse_own_files(cfg, &a) != 0) {
		status = JC_EXIT_USAGE;
		goto out;
	}
	if ((status = check_urls(p, &a, urls, reqs, &e)) != JC_EXIT_OK)
		goto out;
	status = run_curl(cli, p, &e, &a, urls);
	/* after curl: it has written what it answers; a token it got refused was dropped */
	jc_cli_refresh_ahead(p, 0, &e, true);
out:
	for (i = 0; i < JC_CURL_MAX_URLS; i++) {
		free(urls[i]);
		jc_request_clear(&reqs[i]);
	}
	jc_curl_args_free(&a);
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}
