/*
 * cargoproto.h: cargo's credential provider protocol (cargo >= 1.74), one
 * JSON line at a time.  Pure functions (no I/O): the cargo front reads and
 * writes, these parse a request line and build the answer lines.
 */
#ifndef JWTCRED_CARGOPROTO_H
#define JWTCRED_CARGOPROTO_H

#include <stddef.h>

#include "core/fail.h"
#include "core/urlmatch.h"

/* The longest request line taken, without its newline. */
#define JC_CARGO_MAX_LINE (64 * 1024)

/* What the provider says first: the protocol versions it speaks. */
#define JC_CARGO_HELLO "{\"v\":[1]}"

enum jc_cargo_kind {
	JC_CARGO_GET,     /* a token for an operation (read, publish, yank, ...) */
	JC_CARGO_LOGIN,
	JC_CARGO_LOGOUT,
	JC_CARGO_UNKNOWN, /* a kind this protocol version may add later */
};

/* One request; the strings are the caller's. */
struct jc_cargo_request {
	enum jc_cargo_kind kind;
	char *index_url; /* registry.index-url as sent, e.g. "sparse+https://host/index/" */
	char *profile;   /* "--profile NAME" among the args, or NULL */
};

/*
 * Parse one request line (`len` bytes, no newline; NUL bytes refused).
 * JWTCRED_E_INPUT with a one-line reason when it is not a JSON object, its
 * "v" is not 1, registry.index-url is not a string, or its args are not
 * strings jwtcred takes ("cargo" first is ignored; "--profile NAME",
 * "--profile=NAME", "-p NAME", at most once).  The reason may quote the
 * request (an unknown argument, jansson's text near the error) as it is:
 * escape it for a terminal, not for JSON.  A login's token is wiped, never
 * kept.  *out is cleared on failure.
 */
int jc_cargo_request_parse(const char *line, size_t len, struct jc_cargo_request *out,
                           jwtcred_error *err);
void jc_cargo_request_clear(struct jc_cargo_request *r);

/*
 * The index URL as a request to match against profiles' urls, without its
 * "sparse+".  Only a sparse index can get a token: for a git index
 * ("https://host/repo" without "sparse+") cargo sends the token not to the
 * index host but to the "api" URL of the repository's config.json, which
 * whoever controls the repository chooses.  JWTCRED_E_INPUT with a
 * one-line reason for a git index or a URL that does not parse.
 */
int jc_cargo_index_request(const char *index_url, struct jc_request *out, jwtcred_error *err);

/*
 * The answer to a get: {"Ok":{"kind":"get","token":"Bearer TOKEN",
 * "cache":"expires","expiration":EXPIRATION,"operation_independent":true}}
 * (cargo sends the token as the Authorization header's value, verbatim).
 * A new string without a newline; wipe it with jc_free_secret().  NULL when
 * out of memory.
 */
char *jc_cargo_answer_token(const char *token, long long expiration);

/*
 * {"Err":{"kind":KIND}} or, with a message, {"Err":{"kind":KIND,
 * "message":MESSAGE}}; KIND is "url-not-supported", "not-found",
 * "operation-not-supported" or "other".  MESSAGE goes in as it is (JSON
 * escapes it), or escaped with jc_escape() when it is not valid UTF-8.  A
 * new string; NULL when out of memory.
 */
char *jc_cargo_answer_error(const char *kind, const char *message);

#endif
