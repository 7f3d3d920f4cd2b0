/*
 * detach.c: a process of its own for a background refresh.
 *
 * Double fork: the first child starts a new session and forks the worker,
 * then exits at once, so the caller reaps it without waiting for the work
 * and the worker, adopted by init, never becomes the caller's zombie.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/detach.h"
#include "core/trace.h"

#define WORKER_NICE 10

/* Every descriptor from 3 up: the caller's pipes, sockets, lock files. */
static void close_from_3(void)
{
	long max, fd;

#ifdef HAVE_CLOSE_RANGE
	if (close_range(3, ~0U, 0) == 0)
		return;
#endif
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		close((int)fd);
}

/* stdin, stdout and stderr on /dev/null: nothing reaches or holds the caller's. */
static int quiet_stdio(void)
{
	int fd = open("/dev/null", O_RDWR), i;

	if (fd < 0)
		return -1;
	for (i = 0; i < 3; i++)
		if (fd != i && dup2(fd, i) < 0)
			return -1;
	if (fd > 2)
		close(fd);
	return 0;
}

static void become_worker(void (*fn)(void *), void *arg)
{
	sigset_t none;

	if (quiet_stdio() != 0)
		_exit(1);
	close_from_3();
	if (chdir("/") != 0)
		_exit(1);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* background work, with seconds to spare: the callers it runs beside go first */
	setpriority(PRIO_PROCESS, 0, WORKER_NICE);
	/* the caller's -v sink wrote to its stderr: now /dev/null; say nothing at all */
	jc_trace_set(NULL);
	jc_warn_set(NULL);
	fn(arg);
	_exit(0);
}

int jc_detach(void (*fn)(void *arg), void *arg, bool exiting)
{
	pid_t pid, got;
	int status = 0, saved;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if (setsid() < 0)
			_exit(1);
		if ((pid = fork()) < 0)
			_exit(1);
		if (pid == 0)
			become_worker(fn, arg);
		_exit(0);
	}
	if (exiting)
		return 0; /* a zombie for the moment this process still lives */
	while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	/* a host that reaps every child itself (SIGCHLD handler) took it: ECHILD is fine */
	if (got < 0 && errno == ECHILD)
		return 0;
	if (got < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		saved = got < 0 ? errno : ECHILD;
		errno = saved;
		return -1;
	}
	return 0;
}
