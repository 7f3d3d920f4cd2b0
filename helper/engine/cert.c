/*
 * cert.c: certificate files and thumbprints (cert.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/fail.h"
#include "engine/cert.h"
#include "engine/jwt.h"

#define CERT_MAX (64 * 1024)

/* A certificate file: PEM, else DER.  NULL (why in err) when it is neither. */
X509 *jc_cert_read(const char *path, jwtcred_error *err)
{
	const unsigned char *der;
	unsigned char buf[CERT_MAX];
	X509 *cert = NULL;
	size_t n;
	FILE *f;

	if (!(f = fopen(path, "rb"))) {
		jc_fail(err, JWTCRED_E_KEY, "cannot open certificate '%s': %s", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n == sizeof(buf)) {
		jc_fail(err, JWTCRED_E_KEY, "certificate '%s' is larger than %zu bytes: is it the right file?",
		        path, sizeof(buf) - 1);
		return NULL;
	}
	if (n > 0) {
		BIO *bio = BIO_new_mem_buf(buf, (int)n);
		if (bio) {
			cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
			BIO_free(bio);
		}
		der = buf;
		if (!cert)
			cert = d2i_X509(NULL, &der, (long)n);
	}
	ERR_clear_error();
	if (!cert)
		jc_fail(err, JWTCRED_E_KEY, "'%s' is not a certificate (PEM or DER)", path);
	return cert;
}

/* base64url(digest(DER of cert)) into *out. */
static int thumbprint(X509 *cert, const EVP_MD *md, char **out)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	*out = NULL;
	if (X509_digest(cert, md, digest, &n) != 1) {
		ERR_clear_error();
		return JWTCRED_E_KEY;
	}
	return jc_b64url_encode(digest, n, out);
}

int jc_cert_thumbprints(X509 *cert, char **x5t, char **x5t_s256, jwtcred_error *err)
{
	int rc = JWTCRED_OK;

	if (x5t)
		*x5t = NULL;
	if (x5t_s256)
		*x5t_s256 = NULL;
	if (x5t)
		rc = thumbprint(cert, EVP_sha1(), x5t);
	if (!rc && x5t_s256)
		rc = thumbprint(cert, EVP_sha256(), x5t_s256);
	if (rc) {
		if (x5t) {
			free(*x5t);
			*x5t = NULL;
		}
		return jc_fail(err, rc, rc == JWTCRED_E_NOMEM ? "out of memory" : "cannot hash the certificate");
	}
	return JWTCRED_OK;
}
