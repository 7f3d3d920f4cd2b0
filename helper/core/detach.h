/*
 * detach.h: run a function in a process of its own that nobody waits for.
 */
#ifndef JWTCRED_DETACH_H
#define JWTCRED_DETACH_H

/*
 * Run fn(arg) in a detached grandchild and return as soon as the first
 * child has exited (two forks' time): the grandchild is in a session of
 * its own, has stdin, stdout and stderr on /dev/null, no other descriptor
 * of the caller's (a pipe git or kubectl waits on to close), "/" as its
 * working directory, no signal blocked and no trace or warning sink; it
 * _exit()s when fn returns, so no atexit handler of the caller runs twice.
 * Returns 0, or -1 (errno set) when it could not be started.
 */
int jc_detach(void (*fn)(void *arg), void *arg);

#endif
