/*
 * trace.c: the -v and warning hooks, and the progress of a slow mint;
 * nothing prints unless the program installed a sink.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/trace.h"
#include "core/urlmatch.h"

static jc_trace_fn trace_sink;
static jc_trace_fn warn_sink;
static int trace_level;
static jc_progress_fn progress_begin;
static void (*progress_done)(void);

void jc_trace_set(jc_trace_fn fn)
{
	trace_sink = fn;
	trace_level = fn ? 1 : 0;
}

void jc_trace_set_level(int level)
{
	if (trace_sink)
		trace_level = level;
}

int jc_trace_level(void)
{
	return trace_sink ? trace_level : 0;
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

void jc_trace2(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!trace_sink || trace_level < 2)
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

void jc_progress_set(jc_progress_fn begin, void (*end)(void))
{
	progress_begin = begin;
	progress_done = end;
}

void jc_progress_mint(const char *profile, const char *url)
{
	char buf[512], origin[256];

	if (!progress_begin)
		return;
	jc_url_string_origin(url ? url : "", origin, sizeof(origin));
	snprintf(buf, sizeof(buf), "minting a token for '%s' at %s", profile, origin);
	progress_begin(buf);
}

void jc_progress_wait(const char *profile)
{
	char buf[512];

	if (!progress_begin)
		return;
	snprintf(buf, sizeof(buf), "waiting for another jwtcred to mint '%s'", profile);
	progress_begin(buf);
}

void jc_progress_end(void)
{
	if (progress_done)
		progress_done();
}
