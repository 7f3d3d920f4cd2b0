/*
 * cert.h: a certificate file (jwtcred check compares it with the key; a
 * client assertion's header names it by its thumbprints).
 */
#ifndef JWTCRED_CERT_H
#define JWTCRED_CERT_H

#include <openssl/x509.h>

#include "core/fail.h"

/* The certificate in file `path`: PEM, else DER, at most 64 KiB.  NULL (why in err) else. */
X509 *jc_cert_read(const char *path, jwtcred_error *err);

/*
 * The base64url (no padding) SHA-1 and SHA-256 of cert's DER encoding:
 * the JWS header's x5t and x5t#S256 (RFC 7515 4.1.7, 4.1.8).  Either out
 * may be NULL (not wanted); each *out is a new string.
 */
int jc_cert_thumbprints(X509 *cert, char **x5t, char **x5t_s256, jwtcred_error *err);

#endif
