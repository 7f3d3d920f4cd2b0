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
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/stat.h>

#include "core/detach.h"
#include "core/harden.h"
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

/*
 * Every catchable signal to its default: a host's handler (a library
 * host's, or jwtcred's own) must not run in a process that is not the
 * host; then SIGPIPE and SIGXFSZ ignored (a closed socket, a write past
 * RLIMIT_FSIZE: errors to end the refresh with, not deaths).
 */
static void default_signals(void)
{
	struct sigaction dfl;
	sigset_t none;
	int sig;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL); /* EINVAL for the C library's own: kept */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Nice WORKER_NICE at least: never a higher priority than the caller's. */
static void lower_priority(void)
{
	int now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, 0);
	if (errno == 0 && now < WORKER_NICE)
		setpriority(PRIO_PROCESS, 0, WORKER_NICE);
}

static void become_worker(void (*fn)(void *), void *arg)
{

	if (quiet_stdio() != 0)
		_exit(1);
	close_from_3();
	if (chdir("/") != 0)
		_exit(1);
	default_signals();
	/* a library host may allow core files: this process holds the key and the token */
	jc_harden_dumps();
	umask(077);
	/* background work, with seconds to spare: the callers it runs beside go first */
	lower_priority();
	/* the caller's -v sink wrote to its stderr: now /dev/null; say nothing at all */
	jc_trace_set(NULL);
	jc_warn_set(NULL);
	fn(arg);
	_exit(0);
}

int jc_detach(void (*fn)(void *arg), void *arg, bool exiting)
{
	pid_t pid, got;
	int status = 0;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		/* the exit status says why it failed: the caller's errno */
		if (setsid() < 0 || (pid = fork()) < 0)
			_exit(errno > 0 && errno < 256 ? errno : EAGAIN);
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
	if (got < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		errno = WEXITSTATUS(status); /* setsid()'s or fork()'s errno in the first child */
		return -1;
	}
	if (!WIFEXITED(status)) {
		errno = EINTR; /* killed by a signal before it could fork */
		return -1;
	}
	return 0;
}
