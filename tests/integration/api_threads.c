/*
 * api_threads.c: a multi-threaded host gets no background refresh from
 * libjwtcred (jwtcred.h, jwtcred_config_set_refresh_ahead): a fork
 * without exec beside another thread can leave a lock held forever in
 * the child.
 *
 *   api_threads T
 *
 * As api_refresh.c: the default configuration's only profile has
 * token_lifetime 900 and refresh_margin 60, its cache holds a token
 * issued at T, the clock is moved with $JWTCRED_NOW.  A second thread
 * runs; the host opts in; a get at T + 700 (past the refresh point)
 * answers with the cached token and starts no worker: for 3 s the cache
 * keeps serving that token (the test script also counts the token
 * requests).  Then the host refreshes on its own thread, as jwtcred.h
 * says, and that works.  One "ok"/"not ok" line per check, never a token.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jwtcred.h>

static int failures;
static int quit[2];

static void check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failures++;
}

/* The host's other thread: waits until told to end. */
static void *other(void *arg)
{
	char c;

	(void)arg;
	while (read(quit[0], &c, 1) < 0)
		;
	return NULL;
}

struct refresher {
	jwtcred_config *cfg;
	const jwtcred_token *tok;
	int rc;
};

/* The refresh a threaded host runs on a thread of its own. */
static void *refresh_thread(void *arg)
{
	struct refresher *r = arg;
	jwtcred_error err;

	r->rc = jwtcred_token_refresh(r->cfg, r->tok, &err);
	if (r->rc != JWTCRED_OK)
		printf("# jwtcred_token_refresh: %s\n", err.text);
	return NULL;
}

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
	struct refresher r;
	jwtcred_error err;
	pthread_t th, rt;
	char *first, *v, now[32];
	long long T;
	int i, same = 1;

	if (argc != 2 || (T = atoll(argv[1])) <= 0) {
		fprintf(stderr, "usage: api_threads T\n");
		return 2;
	}
	if (jwtcred_config_load(&cfg, NULL, &err) != JWTCRED_OK) {
		fprintf(stderr, "api_threads: %s\n", err.text);
		return 2;
	}
	if (pipe(quit) != 0 || pthread_create(&th, NULL, other, NULL) != 0) {
		fprintf(stderr, "api_threads: cannot start a thread\n");
		return 2;
	}
	check(jwtcred_config_set_refresh_ahead(cfg, 1) == JWTCRED_OK, "set_refresh_ahead(cfg, 1)");
	snprintf(now, sizeof(now), "%lld", T + 700);
	setenv("JWTCRED_NOW", now, 1);
	first = get(cfg, &tok);
	check(*first != '\0', "two threads, past the refresh point: a token");
	check(jwtcred_token_refresh_due(tok) == 1, "two threads, past the refresh point: due");
	for (i = 0; i < 30 && same; i++) {
		usleep(100 * 1000);
		v = get(cfg, NULL);
		same = strcmp(v, first) == 0;
		free(v);
	}
	check(same, "two threads, opted in: no background refresh (the cached token for 3 s)");

	r.cfg = cfg;
	r.tok = tok;
	r.rc = -1;
	check(pthread_create(&rt, NULL, refresh_thread, &r) == 0 && pthread_join(rt, NULL) == 0 &&
	      r.rc == JWTCRED_OK, "jwtcred_token_refresh on the host's own thread: works");
	v = get(cfg, NULL);
	check(*v && strcmp(v, first) != 0, "after the host's refresh: a new token");
	free(v);
	jwtcred_token_free(tok);
	free(first);
	if (write(quit[1], "x", 1) != 1 || pthread_join(th, NULL) != 0)
		failures++;
	jwtcred_config_free(cfg);
	return failures ? 1 : 0;
}
