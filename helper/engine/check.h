/*
 * check.h: what jwtcred check asks of the engine, as findings.
 */
#ifndef JWTCRED_ENGINE_CHECK_H
#define JWTCRED_ENGINE_CHECK_H

#include <stdbool.h>

#include "core/conf.h"
#include "core/findings.h"

/*
 * Check profile p: load its key (and service account), say what it is and
 * which algorithm it fits, compare its certificates (the configured one,
 * the one the key file carries) with the key and read their expiry, and
 * with online mint one token (which is dropped, never cached).  Appends
 * what it finds to *out, in order, and stops at the first problem.
 * Returns 0 when p passes, a negative jwtcred_status when it does not
 * (err: the last problem, also an error finding, or why a finding was lost).
 */
int jc_check_profile(const struct jc_profile *p, bool online, struct jc_findings *out,
                     jwtcred_error *err);

#endif
