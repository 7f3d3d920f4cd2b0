/*
 * bazelproto.h: the `get` request of the credential helper protocol that
 * Bazel (>= 6.3, --credential_helper) speaks, parsed.  Pure functions (no
 * I/O), so the front and the unit test share them.
 *
 * The request is a JSON object {"uri": "..."} on standard input; members
 * other than "uri" are ignored, as the spec asks ("Credential Helpers
 * SHOULD NOT fail if the input contains additional properties").
 */
#ifndef JWTCRED_BAZELPROTO_H
#define JWTCRED_BAZELPROTO_H

#include <stddef.h>

#include "core/fail.h"
#include "core/urlmatch.h"

#define JC_BAZEL_MAX_INPUT (64 * 1024)

/*
 * The "uri" of the request in buf[0..len) (buf[len] is a NUL), copied to
 * *uri (the caller's, free()).  JWTCRED_E_INPUT with a one-line reason for
 * a NUL byte, anything but a JSON object, or no "uri" string.
 */
int jc_bazel_request_uri(const char *buf, size_t len, char **uri, jwtcred_error *err);

/*
 * The request that profiles' urls are matched against for uri, parsed as
 * strictly as jc_https_url_check() parses an https URL whatever the scheme
 * (so http:// and grpcs:// too): no user name or password, no fragment,
 * no "." or ".." segment, RFC 3986 characters only, at most JC_URL_MAX
 * bytes; the query is dropped.  The scheme is kept as written, and
 * matches only a urls entry of that scheme.  JWTCRED_E_INPUT with the
 * reason in err (never quoting uri) for a URI nothing may match.
 */
int jc_bazel_uri_request(const char *uri, struct jc_request *out, jwtcred_error *err);

/*
 * Is path (a request's path, no leading "/") a gRPC service name, the
 * path Bazel asks about for a gRPC remote cache / BES channel: one
 * segment that is a fully qualified service name, a lower-case package
 * and an upper-case service, ^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.[A-Z][A-Za-z0-9_]*$
 * (build.bazel.remote.execution.v2.ActionCache, google.bytestream.ByteStream,
 * grpc.health.v1.Health).  grpc-java writes such a channel as
 * https://authority/Service even when it is plaintext grpc://, so the
 * scheme does not tell whether the token would travel encrypted.
 */
int jc_bazel_grpc_service(const char *path);

/* May `token` go in an HTTP header as "Bearer <token>": printable ASCII, no space. */
int jc_header_token_ok(const char *token);

#endif
