/*
 * goauthproto.h: the GOAUTH command protocol of the go command (Go >=
 * 1.24, `go help goauth`).  Pure functions (no I/O), so the front and the
 * unit test share them.
 *
 * The command prints credential sets: URL-prefix lines, a blank line,
 * header lines, a blank line.  Go keys each prefix by host[:port]/path
 * (the "https://" and a trailing "/" cut off) and serves a request the
 * headers of the longest key that the request's host + escaped path
 * reaches by cutting whole "/" segments off its end: a prefix means
 * "this host and port, this path and everything below it on a '/'
 * boundary", the same as a jwtcred urls entry.  When Go's request got a
 * 4xx it runs the command again with the URL as an argument and the
 * response's status line and headers on standard input.
 */
#ifndef JWTCRED_GOAUTHPROTO_H
#define JWTCRED_GOAUTHPROTO_H

#include <stddef.h>

#include "core/fail.h"
#include "core/urlmatch.h"

/* The most of Go's response (status line and headers) a caller parses at once. */
#define JC_GOAUTH_MAX_INPUT (256 * 1024)

/* The longest status line read; the rest of Go's response is read and discarded. */
#define JC_GOAUTH_MAX_LINE (8 * 1024)

/*
 * The status code of the response Go wrote in buf[0..len) (buf[len] is a
 * NUL): "HTTP/1.1 401 Unauthorized\n" first, a "\r" before the "\n"
 * tolerated, the headers after it ignored.  No input at all gives *status
 * 0 (Go wrote nothing, or nothing is known).  JWTCRED_E_INPUT with a
 * one-line reason for a NUL byte or a first line that is not a status line.
 */
int jc_goauth_status(const char *buf, size_t len, int *status, jwtcred_error *err);

/*
 * The URL-prefix line for urls entry u: "https://host[:port][/path]", the
 * port only when it is not 443, no trailing "/".  host: the concrete host
 * for a "*." entry (one that matched a request), or NULL for u->host.
 * -1 with *why set when Go could only use the line for something wider,
 * or not at all: not https, a "*." host (Go has no wildcards), or any
 * path (Go's net/http forwards the header on redirects to every path of
 * the host, to its other ports and to its subdomains, and Go's lookup
 * never resolves dot segments, so only a whole origin is given).
 */
int jc_goauth_prefix(const struct jc_url *u, const char *host, char *buf, size_t size,
                     const char **why);

#endif
