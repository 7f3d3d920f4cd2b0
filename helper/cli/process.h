/*
 * process.h: what the program sets for itself at start, and undoes for
 * the commands it runs.
 */
#ifndef JWTCRED_CLI_PROCESS_H
#define JWTCRED_CLI_PROCESS_H

#include <sys/types.h>

#include "cli/cli.h"

/*
 * No core dumps, not dumpable, umask 077, SIGXFSZ ignored (past
 * RLIMIT_FSIZE a failed write is an error to report, not a death).
 * Returns the caller's umask, for the commands jwtcred runs.
 */
mode_t jc_harden(void);

/*
 * Undo for a command jwtcred runs (curl, exec) what jc_harden() set: the
 * caller's umask back, SIGXFSZ to its default (an ignored signal survives
 * exec).
 */
void jc_child_defaults(const struct jc_cli *cli);

#endif
