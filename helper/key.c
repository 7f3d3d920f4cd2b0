/*
 * key.c: private keys.
 *
 * Permissions are checked on the descriptor we read from (no stat-then-open
 * race), the way ssh checks identity files.  Every buffer that held key
 * material or a passphrase is wiped before it is freed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "key.h"

#define MAX_KEY_FILE (256 * 1024)
#define MAX_PASSPHRASE 1024
#define MIN_RSA_BITS 2048

int jc_read_secret_file(const char *path, const char *what, size_t max, char **out,
                        size_t *len, jwtcred_error *err)
{
	struct stat st;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return jc_fail(err, JWTCRED_E_KEY, "cannot open %s '%s': %s", what, path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = jc_fail(err, JWTCRED_E_KEY, "cannot stat %s '%s': %s", what, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = jc_fail(err, JWTCRED_E_KEY, "%s '%s' is not a regular file", what, path);
		goto out;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		rc = jc_fail(err, JWTCRED_E_KEY, "%s '%s' belongs to another user (uid %u): it must be yours",
		             what, path, (unsigned)st.st_uid);
		goto out;
	}
	if (st.st_mode & 077) {
		rc = jc_fail(err, JWTCRED_E_KEY,
		             "%s '%s' is accessible by group or others (mode %04o): run chmod 600 '%s'",
		             what, path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	rc = jc_read_fd(fd, max, out, len);
	if (rc == JWTCRED_E_INPUT)
		rc = jc_fail(err, JWTCRED_E_KEY, "%s '%s' is larger than %zu bytes: is it the right file?",
		             what, path, max);
	else if (rc)
		rc = jc_fail(err, JWTCRED_E_KEY, "cannot read %s '%s': %s", what, path, strerror(errno));
out:
	close(fd);
	return rc;
}

struct pass {
	const char *text;
	bool asked;
};

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass *p = u;
	size_t n;

	(void)rwflag;
	p->asked = true;
	if (!p->text)
		return -1;
	n = strlen(p->text);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, p->text, n);
	return (int)n;
}

static bool contains(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

static bool pem_encrypted(const char *pem, size_t len)
{
	return contains(pem, len, "BEGIN ENCRYPTED PRIVATE KEY") ||
	       contains(pem, len, "Proc-Type: 4,ENCRYPTED");
}

int jc_key_from_pem(const char *pem, size_t len, const char *passphrase, const char *label,
                    EVP_PKEY **out, jwtcred_error *err)
{
	struct pass pass = { passphrase, false };
	bool encrypted;
	BIO *bio;
	EVP_PKEY *key;

	*out = NULL;
	if (contains(pem, len, "BEGIN OPENSSH PRIVATE KEY"))
		return jc_fail(err, JWTCRED_E_KEY,
		               "private key '%s' is in OpenSSH format: convert it with ssh-keygen -p -m PKCS8 -f '%s'",
		               label, label);
	if (!contains(pem, len, "PRIVATE KEY-----")) {
		if (contains(pem, len, "BEGIN CERTIFICATE"))
			return jc_fail(err, JWTCRED_E_KEY,
			               "'%s' is a certificate, not a private key: set private_key to the key the certificate was made from",
			               label);
		if (contains(pem, len, "BEGIN PUBLIC KEY") || contains(pem, len, "BEGIN RSA PUBLIC KEY"))
			return jc_fail(err, JWTCRED_E_KEY,
			               "'%s' is a public key: jwtcred needs the private key", label);
		return jc_fail(err, JWTCRED_E_KEY,
		               "'%s' is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)", label);
	}
	encrypted = pem_encrypted(pem, len);
	if (encrypted && !passphrase)
		return jc_fail(err, JWTCRED_E_KEY,
		               "private key '%s' is encrypted: set passphrase_file or passphrase_env in the profile",
		               label);
	if (len > INT_MAX || !(bio = BIO_new_mem_buf(pem, (int)len)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory reading '%s'", label);
	key = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &pass);
	BIO_free(bio);
	ERR_clear_error();
	if (!key) {
		if (encrypted)
			return jc_fail(err, JWTCRED_E_KEY,
			               "cannot decrypt private key '%s': wrong passphrase", label);
		return jc_fail(err, JWTCRED_E_KEY, "private key '%s' is damaged or in an unknown format",
		               label);
	}
	*out = key;
	return JWTCRED_OK;
}

int jc_key_check_alg(EVP_PKEY *key, const char *alg, const char *label, jwtcred_error *err)
{
	if (strncmp(alg, "RS", 2) == 0) {
		if (!EVP_PKEY_is_a(key, "RSA"))
			return jc_fail(err, JWTCRED_E_KEY, "private key '%s' is %s, but %s needs an RSA key",
			               label, EVP_PKEY_get0_type_name(key), alg);
		if (EVP_PKEY_get_bits(key) < MIN_RSA_BITS)
			return jc_fail(err, JWTCRED_E_KEY,
			               "RSA key '%s' has %d bits: use %d or more (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)",
			               label, EVP_PKEY_get_bits(key), MIN_RSA_BITS);
		return JWTCRED_OK;
	}
	return jc_fail(err, JWTCRED_E_KEY, "unsupported algorithm '%s'", alg);
}

static int load_passphrase(const struct jc_profile *p, char **out, jwtcred_error *err)
{
	const char *env;
	size_t len;
	int rc;

	*out = NULL;
	if (p->passphrase_env) {
		if (!(env = getenv(p->passphrase_env)))
			return jc_fail(err, JWTCRED_E_KEY,
			               "passphrase_env names '%s', which is not set in the environment",
			               p->passphrase_env);
		if (strlen(env) > MAX_PASSPHRASE)
			return jc_fail(err, JWTCRED_E_KEY, "the passphrase in $%s is longer than %d bytes",
			               p->passphrase_env, MAX_PASSPHRASE);
		return (*out = strdup(env)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
	}
	if (!p->passphrase_file)
		return JWTCRED_OK;
	rc = jc_read_secret_file(p->passphrase_file, "passphrase file", MAX_PASSPHRASE, out, &len, err);
	if (rc)
		return rc;
	/* one line: drop the trailing newline an editor adds */
	if (len && (*out)[len - 1] == '\n')
		(*out)[--len] = '\0';
	if (len && (*out)[len - 1] == '\r')
		(*out)[--len] = '\0';
	if (strlen(*out) != len) {
		jc_free_secret(*out);
		*out = NULL;
		return jc_fail(err, JWTCRED_E_KEY, "passphrase file '%s' contains a NUL byte",
		               p->passphrase_file);
	}
	return JWTCRED_OK;
}

int jc_key_load(const struct jc_profile *p, EVP_PKEY **out, jwtcred_error *err)
{
	char *pem = NULL, *pass = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = jc_read_secret_file(p->private_key, "private key", MAX_KEY_FILE, &pem, &len, err)))
		goto out;
	/* the passphrase only when needed: an unset passphrase_env is no error for a plain key */
	if (pem_encrypted(pem, len) && (rc = load_passphrase(p, &pass, err)))
		goto out;
	if ((rc = jc_key_from_pem(pem, len, pass, p->private_key, out, err)))
		goto out;
	if ((rc = jc_key_check_alg(*out, p->algorithm, p->private_key, err))) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
out:
	if (pem) {
		OPENSSL_cleanse(pem, len);
		free(pem);
	}
	jc_free_secret(pass);
	return rc;
}
