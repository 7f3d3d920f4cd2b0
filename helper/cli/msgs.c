/*
 * msgs.c: the program's messages on stderr, and the sinks through which
 * the core and the engine are heard (-v trace, warnings).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "cli/msgs.h"
#include "core/trace.h"

#define MSG_MAX 2048

/*
 * One line on stderr, in printable ASCII: anything else becomes '?', so no
 * escape sequence (C0, C1 in UTF-8 or not), line break or bidi override
 * that a message quotes reaches the terminal.
 */
static void say_line(const char *prefix, const char *text)
{
	char buf[MSG_MAX];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", text);
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < ' ' || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
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

static void trace_to_stderr(const char *msg)
{
	say_line("", msg);
}

void jc_msgs_init(int verbose)
{
	if (verbose)
		jc_trace_set(trace_to_stderr);
	jc_warn_set(jc_say_warning);
}
