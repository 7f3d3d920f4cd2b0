/*
 * keygen.c: jwtcred init's key and certificate.  The key is RSA 2048 or EC
 * P-256, written as PEM PKCS#8 (what jc_key_load reads first); the
 * certificate is self-signed, SHA-256, CN = the name init gives, with a
 * random positive serial: what Salesforce, Entra ID and Keycloak take as
 * the app's certificate.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/engine.h"
#include "core/io.h"
#include "core/secret.h"
#include "engine/keygen.h"

#define MAX_DAYS 3650

static EVP_PKEY *new_key(int type)
{
	if (type == JC_KEYGEN_EC)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
}

/* A random positive serial of 159 bits (RFC 5280 4.1.2.2: at most 20 octets). */
static int set_serial(X509 *x)
{
	BIGNUM *bn = BN_new();
	int ok = bn && BN_rand(bn, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
	         BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;

	BN_free(bn);
	return ok;
}

/* The self-signed certificate of key, or NULL. */
static X509 *new_cert(EVP_PKEY *key, int days, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *name;

	if (!x || !X509_set_version(x, X509_VERSION_3) || !set_serial(x) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400L) ||
	    !X509_set_pubkey(x, key) || !(name = X509_get_subject_name(x)) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) || !X509_sign(x, key, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Write the PEM in mem to a new file `path` of `mode`; the PEM is wiped by the caller. */
static int write_new(const char *path, mode_t mode, const char *data, size_t len,
                     const char *what, jwtcred_error *err)
{
	int fd, rc = JWTCRED_OK;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)) < 0)
		return jc_fail(err, JWTCRED_E_SYSTEM, "cannot create the %s '%s': %s", what, path,
		               strerror(errno));
	if (fchmod(fd, mode) != 0 || jc_write_all(fd, data, len) != 0 || fsync(fd) != 0)
		rc = jc_fail(err, JWTCRED_E_SYSTEM, "cannot write the %s '%s': %s", what, path,
		             strerror(errno));
	if (close(fd) != 0 && rc == JWTCRED_OK)
		rc = jc_fail(err, JWTCRED_E_SYSTEM, "cannot write the %s '%s': %s", what, path,
		             strerror(errno));
	if (rc != JWTCRED_OK)
		unlink(path);
	return rc;
}

/* PEM of the key (PKCS#8) or the certificate into a new file; a memory BIO wiped after use. */
static int write_pem(const char *path, EVP_PKEY *key, X509 *cert, jwtcred_error *err)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	const char *what = key ? "private key" : "certificate";
	char *data;
	long len;
	int rc;

	if (!bio || !(key ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)
	                  : PEM_write_bio_X509(bio, cert)) ||
	    (len = BIO_get_mem_data(bio, &data)) <= 0)
		rc = jc_fail(err, JWTCRED_E_KEY, "cannot encode the %s", what);
	else
		rc = write_new(path, key ? 0600 : 0644, data, (size_t)len, what, err);
	BIO_free(bio); /* a secure-memory BIO: cleansed on free */
	return rc;
}

int jc_keygen(const char *key_path, const char *cert_path, int type, int days,
              const char *subject_cn, jwtcred_error *err)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int rc;

	if (type != JC_KEYGEN_RSA && type != JC_KEYGEN_EC) {
		rc = jc_fail(err, JWTCRED_E_INPUT, "unknown key type %d", type);
		goto out;
	}
	if (days < 1 || days > MAX_DAYS) {
		rc = jc_fail(err, JWTCRED_E_INPUT, "a certificate of %d days: 1 to %d", days, MAX_DAYS);
		goto out;
	}
	if (!(key = new_key(type))) {
		rc = jc_fail(err, JWTCRED_E_KEY, "cannot generate the key");
		goto out;
	}
	if (!(cert = new_cert(key, days, subject_cn))) {
		rc = jc_fail(err, JWTCRED_E_KEY, "cannot make the certificate");
		goto out;
	}
	if ((rc = write_pem(key_path, key, NULL, err)) != 0)
		goto out;
	if ((rc = write_pem(cert_path, NULL, cert, err)) != 0)
		unlink(key_path);
out:
	ERR_clear_error();
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}
