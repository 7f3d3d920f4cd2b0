/*
 * msgs.c: the program's messages on stderr, and the sinks through which
 * the core and the engine are heard: the -v trace (on stderr, or appended
 * to the file JWTCRED_TRACE names), warnings, and the progress line of a
 * slow mint on a terminal.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli/msgs.h"
#include "core/trace.h"
#include "core/trust.h"

#define MSG_MAX 2048
#define PROGRESS_MAX 256
#define PROGRESS_AFTER_S 1

static int trace_fd = -1;      /* JWTCRED_TRACE=/path, or -1 */
static bool trace_stderr;      /* -v, JWTCRED_TRACE=1 */

/* Anything but printable ASCII becomes '?': no escape sequence reaches a terminal. */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/* The progress line (see jc_msgs_init): written by a signal handler, so all preformatted. */
static char progress_line[PROGRESS_MAX];
static size_t progress_len;
static volatile sig_atomic_t progress_shown;
static bool progress_armed, progress_on, progress_no_escape;
static struct sigaction progress_old;

static void progress_draw(int sig)
{
	int saved = errno;
	ssize_t w;

	(void)sig;
	w = write(STDERR_FILENO, progress_line, progress_len);
	(void)w;
	progress_shown = 1;
	errno = saved;
}

/* Disarm the timer and, when the line was drawn, erase it. */
static void progress_clear(void)
{
	static const char erase[] = "\r\033[K";
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	char blank[PROGRESS_MAX + 2];
	ssize_t w;

	if (!progress_armed)
		return;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &progress_old, NULL);
	progress_armed = false;
	if (!progress_shown)
		return;
	progress_shown = 0;
	if (progress_no_escape) {
		/* NO_COLOR: spaces over the line, no escape sequence */
		blank[0] = '\r';
		memset(blank + 1, ' ', progress_len);
		blank[progress_len + 1] = '\r';
		w = write(STDERR_FILENO, blank, progress_len + 2);
	} else {
		w = write(STDERR_FILENO, erase, sizeof(erase) - 1);
	}
	(void)w;
}

/* Columns for the progress line: one less than the terminal's, so it never wraps. */
static size_t progress_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col < 2)
		return 79;
	return (size_t)ws.ws_col - 1;
}

/* The core starts something slow: draw `what` if it is still running in a second. */
static void progress_begin(const char *what)
{
	struct sigaction sa;
	struct itimerval once = { { 0, 0 }, { PROGRESS_AFTER_S, 0 } };
	int n;

	progress_clear();
	/* a detached refresh has no terminal (and its own alarm) */
	if (!progress_on || !isatty(STDERR_FILENO))
		return;
	n = snprintf(progress_line, sizeof(progress_line), "jwtcred: %s...", what);
	if (n < 0)
		return;
	progress_len = (size_t)n < sizeof(progress_line) ? (size_t)n : sizeof(progress_line) - 1;
	/* a wrapped line would leave rows that \r\033[K does not erase */
	if (progress_len > progress_width())
		progress_len = progress_width();
	progress_line[progress_len] = '\0';
	printable(progress_line);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = progress_draw;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &progress_old) != 0)
		return;
	progress_shown = 0;
	progress_armed = true;
	if (setitimer(ITIMER_REAL, &once, NULL) != 0)
		progress_clear();
}

/*
 * One line on stderr, in printable ASCII: anything else becomes '?', so no
 * escape sequence (C0, C1 in UTF-8 or not), line break or bidi override
 * that a message quotes reaches the terminal.
 */
static void say_line(const char *prefix, const char *text)
{
	char buf[MSG_MAX];

	progress_clear();
	snprintf(buf, sizeof(buf), "%s", text);
	printable(buf);
	fprintf(stderr, "jwtcred: %s%s\n", prefix, buf);
}

void jc_say(const char *fmt, ...)
{
	char buf[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say_line("", buf);
}

void jc_say_warning(const char *text)
{
	say_line("warning: ", text);
}

/* One trace line appended to the file in one write: "<UTC time> jwtcred[<pid>]: <msg>". */
static void trace_to_file(const char *msg)
{
	char line[MSG_MAX + 64], stamp[32];
	struct timespec ts;
	struct tm tm;
	ssize_t w;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s.%03ldZ jwtcred[%ld]: %s", stamp, ts.tv_nsec / 1000000L,
	             (long)getpid(), msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	printable(line);
	line[n++] = '\n';
	w = write(trace_fd, line, (size_t)n);
	(void)w;
}

static void trace_sink(const char *msg)
{
	if (trace_stderr)
		say_line("", msg);
	if (trace_fd >= 0)
		trace_to_file(msg);
}

/* JWTCRED_TRACE=/path: the file, appended to, created 0600; refused with one warning. */
static void open_trace_file(const char *path)
{
	jwtcred_error err;

	if (jc_open_trusted(AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW,
	                    "JWTCRED_TRACE file", path, &jc_trust_trace, &trace_fd, NULL,
	                    &err) != JWTCRED_OK) {
		trace_fd = -1;
		jc_say_warning(err.text);
	}
}

/*
 * JWTCRED_TRACE: "1" or "true" is -v on stderr, "2" is -vv, an absolute
 * path appends the -v trace to that file; "", "0" and "false" are off.
 * Returns the level it asks for on stderr.
 */
static int trace_env(void)
{
	const char *v = getenv("JWTCRED_TRACE");

	if (!v || !*v || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "2") == 0)
		return 2;
	if (v[0] == '/') {
		open_trace_file(v);
		return 0;
	}
	jc_say_warning("JWTCRED_TRACE is not 1, 2, true or an absolute path: no trace");
	return 0;
}

/* CI, NO_COLOR, TERM=dumb: see jc_msgs_init. */
static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

void jc_msgs_init(int verbose)
{
	const char *term = getenv("TERM");
	int level = trace_env();

	if (verbose > level)
		level = verbose;
	trace_stderr = level > 0;
	if (trace_stderr || trace_fd >= 0) {
		jc_trace_set(trace_sink);
		jc_trace_set_level(level > 0 ? level : 1);
	}
	jc_warn_set(jc_say_warning);
	progress_on = !trace_stderr && isatty(STDERR_FILENO) && !env_set("CI") &&
	              !(term && strcmp(term, "dumb") == 0);
	progress_no_escape = env_set("NO_COLOR");
	if (progress_on)
		jc_progress_set(progress_begin, progress_clear);
}
