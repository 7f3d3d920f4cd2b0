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
 * Point the core's sinks at stderr: warnings always, the trace (jc_trace)
 * only when verbose.
 */
void jc_msgs_init(int verbose);

#endif
