/*
 * credproto.h: git's credential helper protocol (key=value lines).
 */
#ifndef JWTCRED_CREDPROTO_H
#define JWTCRED_CREDPROTO_H

#include <stdbool.h>
#include <stdio.h>

#include "core/fail.h"


#define JC_CRED_MAX_LINE (64 * 1024)
#define JC_CRED_MAX_TOTAL (1024 * 1024)

struct jc_cred {
	char *protocol;
	char *host;        /* "name[:port]" as git sends it */
	char *path;        /* or NULL */
	char *username;
	char *password;    /* secret */
	char *credential;  /* secret (authtype requests) */
	char *authtype;
	bool cap_authtype; /* capability[]=authtype */
	bool cap_state;    /* capability[]=state */
};

void jc_cred_clear(struct jc_cred *c);

/*
 * Parse a request from text of len bytes (fuzzing, tests): lines up to a
 * blank line or the end; last value wins; "key[]" with an empty value
 * clears that array; url= sets protocol, host, path and username.  A line
 * without '=' is JWTCRED_E_INPUT, as git's reader has it: *out stays empty.
 */
int jc_cred_parse(const char *text, size_t len, struct jc_cred *out, jwtcred_error *err);

/* Read and parse a request from fd, bounded (line, total, NUL). */
int jc_cred_read(int fd, struct jc_cred *out, jwtcred_error *err);

/*
 * Write "key=value\n"; refuses (JWTCRED_E_INPUT, nothing written) a value
 * with CR, LF or other control characters, which would let a value forge
 * further lines.
 */
int jc_cred_write(FILE *out, const char *key, const char *value);

#endif
