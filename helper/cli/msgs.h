/*
 * msgs.h: what the program says on stderr.  Only helper/cli includes it:
 * the core and the engine are heard through core/trace.h's sinks, which
 * jc_msgs_init() points here.
 */
#ifndef JWTCRED_CLI_MSGS_H
#define JWTCRED_CLI_MSGS_H

#include "core/fail.h"

/*
 * Print "jwtcred: <text>" on stderr.  Anything but printable ASCII in the
 * text becomes '?': whatever a message quotes, no escape sequence or line
 * break reaches the terminal (jc_escape() shows such bytes as \xNN).
 */
void jc_say(const char *fmt, ...) JC_PRINTF(1, 2);

/* Print "jwtcred: warning: <text>" on stderr, the same way. */
void jc_say_warning(const char *text);

/*
 * Point the core's sinks at stderr: warnings always; the trace (jc_trace)
 * when verbose (-v 1, -vv 2: timings) or JWTCRED_TRACE asks (1, true, 2:
 * stderr; an absolute path: appended to that file, which must be a regular
 * file of ours not writable by group or others, and is created 0600; else
 * one warning and no trace there).  On a terminal, unless the trace goes to
 * stderr, CI is set or TERM=dumb: a mint or a wait over a second shows one
 * line, erased when it ends (NO_COLOR: with spaces, not an escape).
 */
void jc_msgs_init(int verbose);

#endif
