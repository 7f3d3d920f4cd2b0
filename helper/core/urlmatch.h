/*
 * urlmatch.h: does a request (scheme, host, port, path) fall under an
 * allow-listed URL?  Matching follows git's credential.<url> rules: scheme
 * exact, host exact or one leading "*." label, default ports normalised,
 * path a prefix on "/" boundaries.
 */
#ifndef JWTCRED_URLMATCH_H
#define JWTCRED_URLMATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/fail.h"


/* An allow-list entry, as written in a profile's urls. */
struct jc_url {
	char *scheme;   /* "https" */
	char *host;     /* lower case; may start with "*." */
	int port;       /* always set: the scheme's default when not written */
	char *path;     /* without leading or trailing "/"; "" for the whole host */
};

/* A request for a credential: from git's fields or from a URL. */
struct jc_request {
	char *scheme;
	char *host;     /* lower case, no port */
	int port;
	char *path;     /* without leading "/"; NULL when the caller sent none */
};

/*
 * Parse an allow-list URL; on error a one-line reason (no file/line).  A
 * "*." wildcard over a public suffix or an IP address is refused, and so
 * is every wildcard when libpsl cannot be loaded (see pubsuffix.h).
 */
int jc_url_parse_pattern(const char *s, struct jc_url *out, jwtcred_error *err);
void jc_url_clear(struct jc_url *u);

/*
 * Build a request from git's protocol, host ("name[:port]") and optional
 * path.  Returns JWTCRED_E_INPUT for a host that is not a plain host name
 * (userinfo, spaces, control characters, bad ports): such requests never
 * match anything.
 */
int jc_request_from_parts(const char *scheme, const char *hostport, const char *path,
                          struct jc_request *out);

/* Build a request from an absolute URL (userinfo is ignored, query dropped). */
int jc_request_from_url(const char *url, struct jc_request *out);
void jc_request_clear(struct jc_request *r);

/*
 * How well `pattern` matches `req`: -1 for no match, otherwise a score where
 * higher means more specific (exact host beats wildcard, then longer path).
 */
long jc_url_match(const struct jc_url *pattern, const struct jc_request *req);

/* jc_https_url_check flags. */
#define JC_URL_QUERY 1u /* a query ("?a=b") is allowed */

/* The longest URL jwtcred posts to or hands to a tool. */
#define JC_URL_MAX 2048

/*
 * Is s an https URL that jwtcred may post to or hand to a tool as it is:
 * "https://host[:port][/path]" (and "?query" with JC_URL_QUERY), at most
 * JC_URL_MAX bytes of the characters RFC 3986 allows (percent-encoding
 * checked), a valid host and port, no user name or password, no fragment,
 * no "." or ".." path segment (libcurl would remove it, so the request
 * would go elsewhere than written).  JWTCRED_OK, or JWTCRED_E_INPUT with
 * the reason in err, worded to follow "<the URL> ..." ("has a fragment");
 * the reason never quotes s.  JWTCRED_E_NOMEM when out of memory.
 */
int jc_https_url_check(const char *s, unsigned flags, jwtcred_error *err);

/* The default port for a scheme, or -1 when jwtcred does not know it. */
int jc_default_port(const char *scheme);

/*
 * How messages name a place: "scheme://host[:port]", the port written
 * when it is not the scheme's default (https://git.example.com:8443).
 * Always NUL-terminated, cut at len.  The one formatter of origins.
 */
void jc_origin_text(const char *scheme, const char *host, int port, char *buf, size_t len);
void jc_url_origin_text(const struct jc_url *u, char *buf, size_t len);

/* The same with the request's path: "scheme://host[:port][/path]". */
void jc_request_text(const struct jc_request *r, char *buf, size_t len);

/*
 * The origin of an absolute URL (a token_url), as jc_origin_text writes
 * it; the URL cut at its path when it cannot be parsed.
 */
void jc_url_string_origin(const char *url, char *buf, size_t len);

#endif
