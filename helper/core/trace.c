/*
 * trace.c: the -v and warning hooks; nothing prints unless the program
 * installed a sink.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/trace.h"

static jc_trace_fn trace_sink;
static jc_trace_fn warn_sink;

void jc_trace_set(jc_trace_fn fn)
{
	trace_sink = fn;
}

bool jc_tracing(void)
{
	return trace_sink != NULL;
}

void jc_trace(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!trace_sink)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	trace_sink(buf);
}

void jc_warn_set(jc_trace_fn fn)
{
	warn_sink = fn;
}

void jc_warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (warn_sink)
		warn_sink(buf);
	else
		jc_trace("%s", buf);
}
