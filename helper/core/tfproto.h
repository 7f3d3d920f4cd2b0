/*
 * tfproto.h: the HOSTNAME a Terraform (or OpenTofu) credentials helper is
 * given, checked and made the request to match against profiles' urls.
 * Pure functions (no I/O): the terraform front and its unit test share them.
 *
 * Terraform passes the host in its comparison form (terraform-svchost's
 * ForComparison): lower case ASCII, IDN labels in punycode ("xn--..."),
 * ":PORT" only when not 443.  It then sends the token to every URL of that
 * host, so the request stands for the whole origin, https://HOSTNAME/.
 */
#ifndef JWTCRED_TFPROTO_H
#define JWTCRED_TFPROTO_H

#include "core/fail.h"
#include "core/urlmatch.h"

/* The most that `store` reads on standard input (a {"token": ...} object). */
#define JC_TF_MAX_INPUT (64 * 1024)

/*
 * Is `hostname` a host as Terraform names it: labels of [a-z0-9-] (1 to 63
 * bytes, no hyphen first or last), at most 253 bytes, then optionally ":"
 * and a port 1-65535 without leading zeros?  JWTCRED_OK, or JWTCRED_E_INPUT
 * with the reason in err (it never quotes hostname).  Upper case, a
 * scheme, a path, user info, a trailing dot are all refused: Terraform
 * never sends them.
 */
int jc_tf_hostname_check(const char *hostname, jwtcred_error *err);

/*
 * The request for the origin https://HOSTNAME/ (path NULL: only entries for
 * the whole origin match it).  Checks hostname first; returns what
 * jc_tf_hostname_check() or jc_request_from_parts() returns, *out cleared
 * on error.
 */
int jc_tf_origin_request(const char *hostname, struct jc_request *out, jwtcred_error *err);

#endif
