/*
 * detach.h: run a function in a process of its own that nobody waits for.
 */
#ifndef JWTCRED_DETACH_H
#define JWTCRED_DETACH_H

#include <stdbool.h>

/*
 * Run fn(arg) in a detached grandchild and return as soon as the first
 * child has exited (two forks' time), or with exiting at once, leaving
 * that child to init (for a process that exits next: its answer then
 * waits for no scheduling of another process).  The grandchild is in a session of
 * its own, has stdin, stdout and stderr on /dev/null, no other descriptor
 * of the caller's (a pipe git or kubectl waits on to close), "/" as its
 * working directory, every signal at its default handler (SIGPIPE and
 * SIGXFSZ ignored) and none blocked, no core dumps and not dumpable
 * (core/harden.h), umask 077, a nice value of at least 10 (background
 * work: the callers beside it go first; never a higher priority than the
 * caller's) and no trace or warning sink; it _exit()s when fn returns, so
 * no atexit handler of the caller runs twice.  Returns 0, or -1 (errno
 * set: the first child's setsid() or fork() errno, or EINTR when it was
 * killed) when it could not be started.  A host that reaps every child
 * itself (waitpid(-1) in a SIGCHLD handler) may reap the first child
 * before this does: that is not an error.
 */
int jc_detach(void (*fn)(void *arg), void *arg, bool exiting);

#endif
