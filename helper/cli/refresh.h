/*
 * refresh.h: the program's side of refreshing ahead of expiry (core/refresh.h).
 */
#ifndef JWTCRED_CLI_REFRESH_H
#define JWTCRED_CLI_REFRESH_H

#include <stdbool.h>

#include "core/cache.h"
#include "core/conf.h"

/*
 * Every front calls this once it has answered with the token e that
 * jc_token_fetch(p, flags) gave it (exec: before it runs the command).
 * When e is due, the answer's stdout is released first (answered: it is
 * complete and the process exits next; git waits for stdout to close, so
 * it goes to /dev/null before the refresh's process is forked), then one
 * detached refresh starts (core/refresh.h; answered: without waiting for
 * the first fork to be reaped).
 * Otherwise it costs one comparison.  Never fails, never prints but -v.
 */
void jc_cli_refresh_ahead(const struct jc_profile *p, unsigned flags, const struct jc_entry *e,
                          bool answered);

#endif
