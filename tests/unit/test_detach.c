/*
 * test_detach.c: the process a background refresh runs in (core/detach.c)
 * and the record of the last refresh (core/refresh.c).  The worker starts
 * clean whatever its caller set: every signal at its default (SIGPIPE
 * and SIGXFSZ ignored), nothing blocked, no core dumps and not dumpable,
 * umask 077, never a higher priority than the caller's; and a large
 * profile's ".refresh" record reads back (the back-off holds for it).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "core/cache.h"
#include "core/detach.h"
#include "core/refresh.h"
#include "testutil.h"

static void host_handler(int sig)
{
	(void)sig;
}

static const char *disposition(int sig)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa) != 0)
		return "?";
	return sa.sa_handler == SIG_DFL ? "dfl" : sa.sa_handler == SIG_IGN ? "ign" : "handler";
}

/* In the worker: what it runs with, as one line in the file arg names. */
static void report(void *arg)
{
	const char *path = arg;
	char line[512], tmp[4096];
	struct rlimit core;
	sigset_t mask;
	mode_t mask_was = umask(077);
	int dumpable = -1, blocked;

#if defined(HAVE_PRCTL) && defined(PR_GET_DUMPABLE)
	dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
#endif
	getrlimit(RLIMIT_CORE, &core);
	sigprocmask(SIG_SETMASK, NULL, &mask);
	blocked = sigismember(&mask, SIGUSR2);
	errno = 0;
	snprintf(line, sizeof(line),
	         "term=%s usr1=%s hup=%s alrm=%s chld=%s pipe=%s xfsz=%s blocked=%d dumpable=%d core=%ld umask=%03o nice=%d\n",
	         disposition(SIGTERM), disposition(SIGUSR1), disposition(SIGHUP), disposition(SIGALRM),
	         disposition(SIGCHLD), disposition(SIGPIPE), disposition(SIGXFSZ), blocked, dumpable,
	         (long)core.rlim_cur, (unsigned)mask_was, getpriority(PRIO_PROCESS, 0));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (tu_write_file(tmp, line, strlen(line), 0600) == 0)
		rename(tmp, path);
}

/* The report of a worker started now, waited for up to 5 s. */
static char *worker_report(const char *dir)
{
	char *path = tu_join(dir, "report"), *text = NULL;
	int i;

	unlink(path);
	assert_int_equal(jc_detach(report, path, false), 0);
	for (i = 0; i < 500 && !(text = tu_read_file(path, NULL)); i++)
		usleep(10 * 1000);
	free(path);
	assert_non_null(text);
	return text;
}

static void test_worker_starts_clean(void **state)
{
	struct sigaction sa;
	struct rlimit core;
	sigset_t block;
	mode_t old = umask(022);
	char *text;

	/* a host's settings: handlers, an ignored signal, a blocked one, core files */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = host_handler;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
	getrlimit(RLIMIT_CORE, &core);
	core.rlim_cur = core.rlim_max;
	setrlimit(RLIMIT_CORE, &core);

	text = worker_report(*state);
	print_message("worker: %s", text);
	assert_true(tu_contains(text, "term=dfl usr1=dfl hup=dfl alrm=dfl chld=dfl pipe=ign xfsz=ign blocked=0 "));
#if defined(HAVE_PRCTL) && defined(PR_GET_DUMPABLE)
	assert_true(tu_contains(text, " dumpable=0 "));
#endif
	assert_true(tu_contains(text, " core=0 "));
	assert_true(tu_contains(text, " umask=077 "));
	free(text);

	signal(SIGTERM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	umask(old);
}

/* Nice 10 for background work, but a caller already nicer keeps its value. */
static void test_worker_never_gains_priority(void **state)
{
	char *text;

	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) <= 10) {
		text = worker_report(*state);
		assert_true(tu_contains(text, " nice=10\n"));
		free(text);
	}
	assert_int_equal(setpriority(PRIO_PROCESS, 0, 19), 0); /* this test process, from here on */
	text = worker_report(*state);
	print_message("worker of a caller at nice 19: %s", text);
	assert_true(tu_contains(text, " nice=19\n"));
	free(text);
}

/*
 * A profile with many scopes: params far past 4 KiB.  Its ".refresh"
 * record must read back, or a failing refresh is retried on every hit.
 */
static void test_large_profile_record(void **state)
{
	struct jc_profile p;
	struct jc_refresh_record r = { 0 }, back;
	struct jc_entry e = { 0 };
	char *cache = tu_join(*state, "cache"), *key = tu_join(*state, "prod.key"), *params = NULL,
	     *dirpath = NULL, *scope, name[JC_ENTRY_NAME];
	jwtcred_error err;
	size_t i, n = 20000;
	int dirfd = -1;

	assert_int_equal(tu_write_file(key, "k\n", 2, 0600), 0);
	tu_profile_init(&p, key);
	assert_non_null(scope = malloc(n + 1));
	for (i = 0; i < n; i++)
		scope[i] = i % 10 == 9 ? ' ' : 'a' + (char)(i % 7);
	scope[n - 1] = 'z';
	scope[n] = '\0';
	p.scope = scope;
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("XDG_CACHE_HOME");
	setenv("JWTCRED_CACHE_DIR", cache, 1);
	assert_int_equal(jc_cache_key(&p, &params, name), JWTCRED_OK);
	assert_true(strlen(params) > 16 * 1024);
	assert_int_equal(jc_cache_open(&dirfd, &dirpath, &err), JWTCRED_OK);

	r.entry_issued = e.issued = 1000000;
	r.started = 1000100;
	r.finished = 1000101;
	r.status = JWTCRED_E_NETWORK;
	snprintf(r.error, sizeof(r.error), "the token endpoint cannot be reached");
	assert_int_equal(jc_refresh_record_write(dirfd, dirpath, name, params, &r, &err), JWTCRED_OK);
	assert_int_equal(jc_refresh_record_read(dirfd, name, params, &back), JWTCRED_OK);
	assert_int_equal(back.status, JWTCRED_E_NETWORK);
	assert_true(jc_refresh_backing_off(&back, &e, 1000100 + 30));
	/* the record ties itself to its params: another profile's does not count */
	assert_int_equal(jc_refresh_record_read(dirfd, name, "other", &back), JWTCRED_E_NOTFOUND);

	close(dirfd);
	free(dirpath);
	free(params);
	free(cache);
	free(key);
	jc_profile_clear(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_worker_starts_clean, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_large_profile_record, tu_tmpdir_setup, tu_tmpdir_teardown),
		/* last: it leaves this process at nice 19 */
		cmocka_unit_test_setup_teardown(test_worker_never_gains_priority, tu_tmpdir_setup, tu_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
