/*
 * api_refresh.c: libjwtcred's refresh ahead of expiry (jwtcred.h).
 *
 *   api_refresh T
 *
 * The default configuration's only profile has token_lifetime 900,
 * refresh_margin 60 and no refresh_ahead setting, and its cache holds a
 * token issued at T: its refresh point is T + 675.  The clock is moved
 * with $JWTCRED_NOW.  Checks: the refresh time and jwtcred_token_refresh_due();
 * no background refresh unless the host opts in; jwtcred_token_refresh() on
 * the caller's thread; with jwtcred_config_set_refresh_ahead() a get past
 * the refresh point answers with the cached token and a detached process
 * mints the next one.  One "ok"/"not ok" line per check, never a token.
 *
 * The program is a child subreaper: a detached refresh worker (double
 * forked) becomes its child, so reap_workers() waits for every refresh
 * started so far; what a get started, or did not, is then certain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jwtcred.h>

static int failures;
static long long T;

static void check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failures++;
}

static void at(long long offset)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", T + offset);
	setenv("JWTCRED_NOW", buf, 1);
}

/* Wait for every detached refresh started so far; how many there were. */
static int reap_workers(void)
{
	int n = 0;

	for (;;) {
		if (wait(NULL) > 0)
			n++;
		else if (errno != EINTR)
			return n; /* ECHILD: none left */
	}
}

static long long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000LL + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* The token the cache serves now, as a new string ("" on failure). */
static char *get(jwtcred_config *cfg, jwtcred_token **keep)
{
	jwtcred_token *tok = NULL;
	jwtcred_error err;
	char *v;

	if (jwtcred_token_get(cfg, NULL, 0, &tok, &err) != JWTCRED_OK) {
		printf("# jwtcred_token_get: %s\n", err.text);
		return strdup("");
	}
	v = strdup(jwtcred_token_value(tok));
	if (keep)
		*keep = tok;
	else
		jwtcred_token_free(tok);
	return v;
}

int main(int argc, char **argv)
{
	jwtcred_config *cfg = NULL;
	jwtcred_token *tok = NULL;
	jwtcred_error err;
	char *first, *v, *refreshed;
	struct timespec t0, t1;
	int i;

	if (argc != 2 || (T = atoll(argv[1])) <= 0) {
		fprintf(stderr, "usage: api_refresh T\n");
		return 2;
	}
	/* a worker that hangs ends the run (the default action); the endpoint answers in 2 s */
	alarm(120);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		perror("api_refresh: prctl(PR_SET_CHILD_SUBREAPER)");
		return 2;
	}
	if (jwtcred_config_load(&cfg, NULL, &err) != JWTCRED_OK) {
		fprintf(stderr, "api_refresh: %s\n", err.text);
		return 2;
	}
	at(600);
	first = get(cfg, &tok);
	check(jwtcred_token_refresh_time(tok) == (time_t)(T + 675), "refresh time: issued + 675");
	check(!jwtcred_token_refresh_due(tok), "before the refresh point: not due");
	jwtcred_token_free(tok);

	at(700);
	v = get(cfg, &tok);
	check(strcmp(v, first) == 0, "past the refresh point: the cached token");
	check(jwtcred_token_refresh_due(tok) == 1, "past the refresh point: due");
	free(v);
	i = reap_workers();
	v = get(cfg, NULL);
	check(i == 0 && strcmp(v, first) == 0, "not opted in: no background refresh");
	if (i)
		printf("# %d background refresh(es) started\n", i);
	free(v);

	check(jwtcred_token_refresh(cfg, tok, &err) == JWTCRED_OK, "jwtcred_token_refresh: works");
	jwtcred_token_free(tok);
	refreshed = get(cfg, &tok);
	check(*refreshed && strcmp(refreshed, first) != 0, "after jwtcred_token_refresh: a new token");
	check(!jwtcred_token_refresh_due(tok), "the new token: not due");
	check(jwtcred_token_refresh(cfg, tok, &err) == JWTCRED_OK, "refresh when not due: nothing to do");
	jwtcred_token_free(tok);
	v = get(cfg, NULL);
	check(strcmp(v, refreshed) == 0, "refresh when not due: the token stays");
	free(v);

	check(jwtcred_config_set_refresh_ahead(NULL, 1) == JWTCRED_E_USAGE, "set_refresh_ahead(NULL)");
	check(jwtcred_config_set_refresh_ahead(cfg, 1) == JWTCRED_OK, "set_refresh_ahead(cfg, 1)");
	at(700 + 700);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	v = get(cfg, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check(strcmp(v, refreshed) == 0, "opted in, past the refresh point: the cached token");
	printf("# the get took %lld ms\n", ms_between(&t0, &t1));
	check(ms_between(&t0, &t1) < 1000, "opted in: the get did not wait for the mint (2 s)");
	free(v);
	i = reap_workers();
	v = get(cfg, NULL);
	check(i == 1 && *v && strcmp(v, refreshed) != 0,
	      "opted in: one background refresh, and it landed");
	if (i != 1)
		printf("# %d background refresh(es) started\n", i);
	free(v);
	free(first);
	free(refreshed);
	jwtcred_config_free(cfg);
	return failures ? 1 : 0;
}
