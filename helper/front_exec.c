/*
 * front_exec.c: jwtcred curl -- ARGS and jwtcred exec -- COMMAND ARGS.
 *
 * curl gets the token through a config file on an inherited pipe
 * (-K /dev/fd/N), never in its argv or environment, where any local user
 * could read it (ps, /proc/PID/cmdline).  Every URL among its arguments
 * must be one the profile allows.  exec puts the token in the child's
 * environment, which only the child's owner can read.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "curlopts.h"
#include "front.h"
#include "token.h"

/* Options that would let the token go where no profile allows, or unprotected. */
static const struct {
	const char *name;
	const char *why;
} refused[] = {
	{ "config", "a config file can name more URLs than jwtcred can check" },
	{ "next", "options after --next are not checked against the profile" },
	{ "location-trusted", "it would send the token to whatever host a redirect names" },
	{ "insecure", "without TLS verification anyone on the path can take the token" },
	{ "unix-socket", "it sends the request, token included, to a local socket" },
	{ "abstract-unix-socket", "it sends the request, token included, to a local socket" },
};

struct curl_scan {
	const char *urls[64];
	size_t nurls;
	bool dump_header;       /* the user wants -D: leave it to them */
	const char *problem;    /* the offending argument */
	const char *why;
};

/* Exact long name, else a unique prefix of one (curl accepts those too). */
static const struct jc_curlopt *long_option(const char *name)
{
	const struct jc_curlopt *found = NULL;
	size_t n = strcspn(name, "="), i;

	for (i = 0; i < jc_ncurlopts; i++) {
		if (strncmp(jc_curlopts[i].name, name, n) != 0)
			continue;
		if (jc_curlopts[i].name[n] == '\0')
			return &jc_curlopts[i];
		found = found ? &jc_curlopts[i] /* ambiguous: curl refuses it */ : &jc_curlopts[i];
	}
	if (!found && strncmp(name, "no-", 3) == 0)
		return long_option(name + 3); /* --no-FLAG negates a boolean */
	return found;
}

static const struct jc_curlopt *short_option(char c)
{
	size_t i;

	for (i = 0; i < jc_ncurlopts; i++)
		if (jc_curlopts[i].letter == c)
			return &jc_curlopts[i];
	return NULL;
}

/* Does opt stop the run?  Sets s->problem and s->why. */
static bool is_refused(const struct jc_curlopt *opt, const char *arg, struct curl_scan *s)
{
	size_t i;

	for (i = 0; opt && i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strcmp(opt->name, refused[i].name) == 0) {
			s->problem = arg;
			s->why = refused[i].why;
			return true;
		}
	return false;
}

static void add_url(struct curl_scan *s, const char *url)
{
	if (s->nurls < sizeof(s->urls) / sizeof(s->urls[0]))
		s->urls[s->nurls++] = url;
	else if (!s->problem) {
		s->problem = url;
		s->why = "too many URLs";
	}
}

/*
 * Walk curl's arguments as curl does: options (long, abbreviated, short
 * clusters) and their values, and the URLs, which are every other word
 * and every --url value.  False when an argument is refused.
 */
static bool scan_curl_args(char **args, int n, struct curl_scan *s)
{
	const struct jc_curlopt *opt;
	int i, j;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n && !s->problem; i++) {
		const char *a = args[i];
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			opt = long_option(a + 2);
			if (is_refused(opt, a, s))
				break;
			if (opt && opt->value && i + 1 < n) {
				if (strcmp(opt->name, "url") == 0)
					add_url(s, args[i + 1]);
				if (strcmp(opt->name, "dump-header") == 0)
					s->dump_header = true;
				i++;
			}
		} else if (a[0] == '-' && a[1]) {
			for (j = 1; a[j]; j++) {
				opt = short_option(a[j]);
				if (is_refused(opt, a, s))
					break;
				if (opt && opt->value) {
					if (opt->letter == 'D')
						s->dump_header = true;
					if (!a[j + 1])
						i++; /* the value is the next word */
					break;       /* the rest of the cluster is the value */
				}
			}
		} else {
			add_url(s, a);
		}
	}
	return !s->problem;
}

/* May the profile's token go to url?  Its urls, or its own instance_url. */
static bool url_allowed(const struct jc_profile *p, const struct jc_entry *e, const char *url)
{
	struct jc_request req, inst;
	bool ok = false;
	size_t i;

	if (jc_request_from_url(url, &req) != 0)
		return false;
	for (i = 0; i < p->nurls && !ok; i++)
		ok = jc_url_match(&p->urls[i], &req) >= 0;
	if (!ok && e && e->instance_url && jc_request_from_url(e->instance_url, &inst) == 0) {
		ok = strcmp(req.scheme, "https") == 0 && strcmp(inst.scheme, req.scheme) == 0 &&
		     strcmp(inst.host, req.host) == 0 && inst.port == req.port;
		jc_request_clear(&inst);
	}
	jc_request_clear(&req);
	return ok;
}

/* Read curl's dumped headers until EOF; the status of the last response. */
static int last_status(int fd)
{
	char buf[4096], line[64];
	size_t used = 0;
	ssize_t r, i;
	int status = 0;

	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < r; i++) {
			if (buf[i] == '\n') {
				line[used] = '\0';
				if (strncmp(line, "HTTP/", 5) == 0 && strchr(line, ' '))
					status = (int)strtol(strchr(line, ' ') + 1, NULL, 10);
				used = 0;
			} else if (used + 1 < sizeof(line)) {
				line[used++] = buf[i]; /* only the start of a line matters */
			}
		}
	}
	return status;
}

/*
 * Run curl with the token on a pipe; watch the response status on another
 * (-D), and drop the cached token when the server answers 401, so the next
 * call mints a fresh one.  Returns curl's exit status.
 */
static int run_curl(const struct jc_profile *p, const struct jc_entry *e, char **args, int nargs,
                    bool watch)
{
	char *config = NULL, **argv = NULL, cfgpath[32], hdrpath[32];
	int cfg[2] = { -1, -1 }, hdr[2] = { -1, -1 }, status = JC_EXIT_FAIL, wstatus, code;
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old_int, old_quit;
	size_t len = 0, k = 0;
	jwtcred_error err;
	bool dropped;
	FILE *mem;
	pid_t pid;

	if (!(mem = open_memstream(&config, &len)) || jc_print_token(mem, "curl-config", p, e) != 0 ||
	    fclose(mem) != 0 || !config || !(argv = calloc((size_t)nargs + 8, sizeof(*argv)))) {
		jc_say("out of memory");
		goto out;
	}
	/* the config fits a pipe's buffer: write it all now, curl reads it at start */
	if (pipe2(cfg, O_CLOEXEC) != 0 || (watch && pipe2(hdr, O_CLOEXEC) != 0) ||
	    jc_write_all(cfg[1], config, len) != 0) {
		jc_say("cannot pass the token to curl: %s", strerror(errno));
		goto out;
	}
	close(cfg[1]);
	cfg[1] = -1;
	snprintf(cfgpath, sizeof(cfgpath), "/dev/fd/%d", cfg[0]);
	snprintf(hdrpath, sizeof(hdrpath), "/dev/fd/%d", hdr[1]);
	argv[k++] = "curl";
	argv[k++] = "-q"; /* first: no ~/.curlrc, which could name other URLs */
	argv[k++] = "-K";
	argv[k++] = cfgpath;
	if (watch) {
		argv[k++] = "-D";
		argv[k++] = hdrpath;
	}
	memcpy(argv + k, args, (size_t)nargs * sizeof(*argv));
	jc_trace("running curl with the token of profile '%s' on %s", p->name, cfgpath);
	fflush(NULL);
	/* like system(): the terminal's ^C is for curl */
	sigaction(SIGINT, &ignore, &old_int);
	sigaction(SIGQUIT, &ignore, &old_quit);
	if ((pid = fork()) < 0) {
		jc_say("cannot start curl: %s", strerror(errno));
		goto restore;
	}
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		fcntl(cfg[0], F_SETFD, 0);
		if (watch)
			fcntl(hdr[1], F_SETFD, 0);
		execvp("curl", argv);
		code = errno;
		jc_say("cannot run curl: %s", strerror(code));
		_exit(code == ENOENT ? 127 : 126);
	}
	close(cfg[0]);
	cfg[0] = -1;
	if (watch) {
		close(hdr[1]);
		hdr[1] = -1;
		code = last_status(hdr[0]);
	} else {
		code = 0;
	}
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	if (code == 401) {
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
	free(argv);
	jc_free_secret(config);
	return status;
}

int jc_front_curl(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p = NULL;
	struct jc_entry e = { 0 };
	struct curl_scan scan;
	struct jc_request req;
	jwtcred_error err;
	int status = JC_EXIT_FAIL;
	size_t i;

	if (!scan_curl_args(cli->rest, cli->nrest, &scan)) {
		jc_say("refusing '%s' in the curl arguments: %s", scan.problem, scan.why);
		return JC_EXIT_USAGE;
	}
	if (scan.nurls == 0) {
		jc_say("no URL among the curl arguments: jwtcred needs one to choose the profile");
		return JC_EXIT_USAGE;
	}
	for (i = 0; i < scan.nurls; i++)
		if (strncasecmp(scan.urls[i], "https://", 8) != 0) {
			jc_say("'%s' is not an https:// URL: write every URL in full, so jwtcred can check where the token goes",
			       scan.urls[i]);
			return JC_EXIT_USAGE;
		}
	if (jc_cli_config(cli, &cfg) != 0)
		goto out;
	if (cli->profile) {
		if (jc_conf_profile(cfg, cli->profile, &p, &err) != 0) {
			jc_say("%s", err.text);
			goto out;
		}
	} else if (jc_request_from_url(scan.urls[0], &req) == 0) {
		p = jc_conf_match(cfg, NULL, &req);
		jc_request_clear(&req);
	}
	if (!p) {
		jc_say("no profile lists '%s' in its urls: add it to one, or pass --profile", scan.urls[0]);
		goto out;
	}
	/* after the fetch: the token's own instance_url is allowed too */
	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	for (i = 0; i < scan.nurls; i++)
		if (!url_allowed(p, &e, scan.urls[i]))
			goto refuse;
	status = run_curl(p, &e, cli->rest, cli->nrest, !scan.dump_header);
	goto out;
refuse:
	jc_say("the token of profile '%s' may not go to '%s': it is not in the profile's urls",
	       p->name, scan.urls[i]);
out:
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}

int jc_front_exec(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	struct jc_entry e = { 0 };
	jwtcred_error err;
	int status;

	if (cli->nrest == 0) {
		jc_say("exec needs a command: jwtcred exec [--profile NAME] -- COMMAND [ARGS...]");
		return JC_EXIT_USAGE;
	}
	if ((status = jc_cli_profile(cli, &cfg, &p)) != JC_EXIT_OK)
		goto out;
	status = JC_EXIT_FAIL;
	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	if (setenv("JWTCRED_ACCESS_TOKEN", e.token, 1) != 0 ||
	    (e.instance_url ? setenv("JWTCRED_INSTANCE_URL", e.instance_url, 1)
	                    : unsetenv("JWTCRED_INSTANCE_URL")) != 0) {
		jc_say("cannot set the environment: %s", strerror(errno));
		goto out;
	}
	/* the names Salesforce's sf CLI reads (sf org login access-token) */
	if (p->provider == JC_PROVIDER_SALESFORCE &&
	    (setenv("SF_ACCESS_TOKEN", e.token, 1) != 0 ||
	     (e.instance_url ? setenv("SF_INSTANCE_URL", e.instance_url, 1)
	                     : unsetenv("SF_INSTANCE_URL")) != 0)) {
		jc_say("cannot set the environment: %s", strerror(errno));
		goto out;
	}
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	cfg = NULL;
	fflush(NULL);
	execvp(cli->rest[0], cli->rest);
	status = errno == ENOENT ? 127 : 126;
	jc_say("cannot run '%s': %s", cli->rest[0], strerror(errno));
out:
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}
