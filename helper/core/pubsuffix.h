/*
 * pubsuffix.h: is a domain a public suffix ("com", "co.uk", "github.io")?
 * The answer comes from libpsl, loaded the first time it is asked: only a
 * "*." wildcard in a profile's urls needs it, and linking libpsl (with
 * libidn2 and libunistring) would make every cache hit load it.
 */
#ifndef JWTCRED_PUBSUFFIX_H
#define JWTCRED_PUBSUFFIX_H

#include <stdbool.h>

#include "core/fail.h"


/*
 * Is `domain` (lower case, no trailing dot) a public suffix by the Public
 * Suffix List, its ICANN and its private section alike, with the list's
 * default rule (a top-level domain the list does not know is one too)?
 * JWTCRED_OK with *out set; JWTCRED_E_SYSTEM when libpsl cannot be loaded
 * (err: why, such as dlerror's text): then nobody can tell, and the
 * caller must refuse.  Thread-safe.
 */
int jc_public_suffix(const char *domain, bool *out, jwtcred_error *err);

/*
 * For tests: load libpsl as `soname` from now on (NULL: the default,
 * JC_LIBPSL_SONAME), forgetting the library loaded so far.
 */
void jc_public_suffix_library(const char *soname);

#endif
