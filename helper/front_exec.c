/*
 * front_exec.c: jwtcred curl -- ARGS and jwtcred exec -- COMMAND ARGS.
 *
 * curl gets the token through a config file on an inherited pipe
 * (-K /dev/fd/N), never in its argv or environment, where any local user
 * could read it (ps, /proc/PID/cmdline).  exec puts it in the child's
 * environment, which only the child's owner can read.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "front.h"
#include "token.h"

static bool is_url(const char *a)
{
	return strncasecmp(a, "https://", 8) == 0 || strncasecmp(a, "http://", 7) == 0;
}

/* The URLs among curl's arguments: bare URL words and --url values. */
static size_t curl_urls(char **args, int n, const char **urls, size_t max)
{
	size_t found = 0;
	int i;

	for (i = 0; i < n && found < max; i++) {
		if (strcmp(args[i], "--url") == 0 && i + 1 < n)
			urls[found++] = args[++i];
		else if (strncmp(args[i], "--url=", 6) == 0)
			urls[found++] = args[i] + 6;
		else if (is_url(args[i]))
			urls[found++] = args[i];
	}
	return found;
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

static int write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int jc_front_curl(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p = NULL;
	const char *urls[64];
	struct jc_entry e = { 0 };
	struct jc_request req;
	jwtcred_error err;
	char *config = NULL, **argv = NULL, fdpath[32];
	size_t nurls, len = 0, i;
	int fds[2] = { -1, -1 }, status = JC_EXIT_FAIL;
	FILE *mem;

	for (i = 0; i < (size_t)cli->nrest; i++)
		if (strncmp(cli->rest[i], "--location-trusted", 18) == 0) {
			jc_say("refusing --location-trusted: it would send the token to whatever host a redirect names");
			return JC_EXIT_USAGE;
		}
	nurls = curl_urls(cli->rest, cli->nrest, urls, sizeof(urls) / sizeof(urls[0]));
	if (nurls == 0) {
		jc_say("no http(s):// URL among the curl arguments: jwtcred needs one to choose the profile");
		return JC_EXIT_USAGE;
	}
	if (jc_cli_config(cli, &cfg) != 0)
		goto out;
	if (cli->profile) {
		if (jc_conf_profile(cfg, cli->profile, &p, &err) != 0) {
			jc_say("%s", err.text);
			goto out;
		}
	} else if (jc_request_from_url(urls[0], &req) == 0) {
		p = jc_conf_match(cfg, NULL, &req);
		jc_request_clear(&req);
	}
	if (!p) {
		jc_say("no profile lists '%s' in its urls: add it to one, or pass --profile", urls[0]);
		goto out;
	}
	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	for (i = 0; i < nurls; i++)
		if (!url_allowed(p, &e, urls[i])) {
			jc_say("the token of profile '%s' may not go to '%s': it is not in the profile's urls",
			       p->name, urls[i]);
			goto out;
		}
	if (!(mem = open_memstream(&config, &len)))
		goto nomem;
	jc_print_token(mem, "curl-config", p, &e);
	if (fclose(mem) != 0 || !config)
		goto nomem;
	/* the config goes through a pipe the child inherits; it fits the pipe buffer */
	if (pipe(fds) != 0 || write_all(fds[1], config, len) != 0) {
		jc_say("cannot pass the token to curl: %s", strerror(errno));
		goto out;
	}
	close(fds[1]);
	fds[1] = -1;
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fds[0]);
	if (!(argv = calloc((size_t)cli->nrest + 4, sizeof(*argv))))
		goto nomem;
	argv[0] = "curl";
	argv[1] = "-K";
	argv[2] = fdpath;
	memcpy(argv + 3, cli->rest, (size_t)cli->nrest * sizeof(*argv));
	jc_trace("running curl with the token of profile '%s' on %s", p->name, fdpath);
	jc_entry_clear(&e);
	jc_free_secret(config);
	config = NULL;
	fflush(NULL);
	execvp("curl", argv);
	jc_say("cannot run curl: %s", strerror(errno));
	status = errno == ENOENT ? 127 : 126;
	goto out;
nomem:
	jc_say("out of memory");
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	free(argv);
	jc_free_secret(config);
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
	/* the names Salesforce's own tools (sf, sfdx) read */
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
	jc_say("cannot run '%s': %s", cli->rest[0], strerror(errno));
	status = errno == ENOENT ? 127 : 126;
out:
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}
