/*
 * dockerproto.h: the registry address docker hands a credential helper on
 * standard input, parsed.  Pure functions (no I/O), so docker's front and
 * the fuzz target share them.
 */
#ifndef JWTCRED_DOCKERPROTO_H
#define JWTCRED_DOCKERPROTO_H

#include <stddef.h>

#include "core/fail.h"
#include "core/urlmatch.h"

#define JC_DOCKER_MAX_INPUT (64 * 1024)

/*
 * docker's standard input: `buf` holds `len` bytes plus a NUL at buf[len].
 * Trims surrounding white space in place.  JWTCRED_E_INPUT when the data
 * holds a NUL byte (buf is then left as it was, for the caller to wipe).
 */
int jc_docker_input_trim(char *buf, size_t len, jwtcred_error *err);

/*
 * A registry address as docker sends it, "host[:port][/path]" or a URL
 * ("https://" is assumed without a scheme), as a request to match against
 * profiles' urls.  Returns what jc_request_from_url() returns.
 */
int jc_docker_server_request(const char *server, struct jc_request *out);

#endif
