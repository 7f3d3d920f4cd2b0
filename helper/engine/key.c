/*
 * key.c: private keys.
 *
 * Permissions are checked on the descriptor we read from (no stat-then-open
 * race), the way ssh checks identity files.  Every buffer that held key
 * material or a passphrase is wiped before it is freed.  PEM keys come
 * from OpenSSL's PEM reader, PKCS#12 files from PKCS12_parse; a key
 * document (a Google service account file) is read by its provider
 * (core/provider.h), and only its PEM key is turned into a key here.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

#include "core/fail.h"
#include "core/io.h"
#include "core/jwsalg.h"
#include "core/provider.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/trace.h"
#include "core/trust.h"
#include "engine/key.h"

#define MAX_KEY_FILE (256 * 1024)
#define MAX_PASSPHRASE 1024

/* A file with a secret in it: ours (or root's), no group or other bits. */
int jc_read_secret_file(const char *path, const char *what, size_t max, char **out,
                        size_t *len, jwtcred_error *err)
{
	int fd, rc;

	*out = NULL;
	if ((rc = jc_open_trusted(AT_FDCWD, path, O_RDONLY, what, path, &jc_trust_secret, &fd, NULL,
	                          err)) != 0)
		return rc;
	rc = jc_read_fd(fd, max, out, len);
	if (rc == JWTCRED_E_INPUT)
		rc = jc_fail(err, JWTCRED_E_KEY, "%s '%s' is larger than %zu bytes: is it the right file?",
		             what, path, max);
	else if (rc)
		rc = jc_fail(err, JWTCRED_E_KEY, "cannot read %s '%s': %s", what, path, strerror(errno));
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

/* The certificate of a PEM file that holds one with the key, or NULL. */
static X509 *pem_certificate(const char *pem, size_t len)
{
	BIO *bio;
	X509 *cert = NULL;

	if (contains(pem, len, "BEGIN CERTIFICATE") && len <= INT_MAX &&
	    (bio = BIO_new_mem_buf(pem, (int)len))) {
		cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	ERR_clear_error();
	return cert;
}

/*
 * OpenSSL 3 keeps RC2 and other old ciphers in its legacy provider; Java 8
 * and older OpenSSL export certificates with RC2-40.  Loaded once, only for
 * a PKCS#12 file that needs it; the default provider stays.
 */
static bool load_legacy_provider(void)
{
	static OSSL_PROVIDER *legacy;

	if (!legacy)
		legacy = OSSL_PROVIDER_try_load(NULL, "legacy", 1);
	ERR_clear_error();
	return legacy != NULL;
}

static int from_pkcs12(const char *data, size_t len, const char *passphrase, const char *label,
                       EVP_PKEY **key, X509 **cert, jwtcred_error *err)
{
	const unsigned char *der = (const unsigned char *)data;
	const char *pass = passphrase;
	EVP_PKEY *pk = NULL;
	X509 *c = NULL;
	PKCS12 *p12;
	bool legacy = false;
	int ok, rc;

	if (len > LONG_MAX || !(p12 = d2i_PKCS12(NULL, &der, (long)len))) {
		ERR_clear_error();
		return jc_fail(err, JWTCRED_E_KEY,
		               "'%s' is neither a PEM private key nor a PKCS#12 file (.p12, .pfx)", label);
	}
	/* the passphrase first, for a message that says which is wrong */
	if (PKCS12_mac_present(p12)) {
		if (!pass) {
			if (PKCS12_verify_mac(p12, NULL, 0))
				pass = NULL;
			else if (PKCS12_verify_mac(p12, "", 0))
				pass = "";
			else {
				rc = jc_fail(err, JWTCRED_E_KEY,
				             "PKCS#12 file '%s' is protected by a passphrase: set passphrase_file or passphrase_env in the profile",
				             label);
				goto out;
			}
		} else if (!PKCS12_verify_mac(p12, pass, -1)) {
			rc = jc_fail(err, JWTCRED_E_KEY, "cannot open PKCS#12 file '%s': wrong passphrase",
			             label);
			goto out;
		}
	}
	ok = PKCS12_parse(p12, pass, &pk, &c, NULL);
	if (!ok) {
		ERR_clear_error();
		/* the passphrase was right: an old cipher, or a damaged file */
		legacy = load_legacy_provider();
		if (legacy) {
			jc_trace("PKCS#12 file '%s': retrying with OpenSSL's legacy provider", label);
			ok = PKCS12_parse(p12, pass, &pk, &c, NULL);
		}
	}
	if (!ok) {
		rc = jc_fail(err, JWTCRED_E_KEY,
		             "cannot decrypt PKCS#12 file '%s': it is damaged, or it uses a legacy cipher (RC2) and OpenSSL's legacy provider %s; "
		             "re-export it with AES (openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC)",
		             label, legacy ? "did not help" : "is not installed");
		goto out;
	}
	if (!pk) {
		rc = jc_fail(err, JWTCRED_E_KEY,
		             "PKCS#12 file '%s' holds no private key: export it with the key (keytool -importkeystore, or openssl pkcs12 -export -inkey KEY)",
		             label);
		goto out;
	}
	*key = pk;
	pk = NULL; /* transferred */
	if (cert) {
		*cert = c;
		c = NULL; /* transferred */
	}
	rc = JWTCRED_OK;
out:
	ERR_clear_error();
	EVP_PKEY_free(pk);
	X509_free(c);
	PKCS12_free(p12);
	return rc;
}

int jc_key_parse(const char *data, size_t len, const char *passphrase, const char *label,
                 EVP_PKEY **key, X509 **cert, jwtcred_error *err)
{
	int rc;

	*key = NULL;
	if (cert)
		*cert = NULL;
	if (!contains(data, len, "-----BEGIN"))
		return from_pkcs12(data, len, passphrase, label, key, cert, err);
	if ((rc = jc_key_from_pem(data, len, passphrase, label, key, err)) == 0 && cert)
		*cert = pem_certificate(data, len);
	return rc;
}

/* The NIST name of an EC key's curve ("P-256"), or NULL. */
static const char *ec_curve(EVP_PKEY *key)
{
	static const char *const nist[] = { "P-256", "P-384", "P-521" };
	char group[80];
	size_t n = 0, i;
	int nid;

	if (!EVP_PKEY_is_a(key, "EC") ||
	    EVP_PKEY_get_group_name(key, group, sizeof(group), &n) != 1) {
		ERR_clear_error();
		return NULL;
	}
	nid = OBJ_txt2nid(group);
	for (i = 0; i < sizeof(nist) / sizeof(nist[0]); i++)
		if (nid != NID_undef && nid == EC_curve_nist2nid(nist[i]))
			return nist[i];
	return NULL;
}

/* "RSA", "EC", "Ed25519": a key type as people write it. */
static const char *type_name(EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "ED25519"))
		return "Ed25519";
	if (EVP_PKEY_is_a(key, "ED448"))
		return "Ed448";
	return EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "an unknown type";
}

void jc_key_describe(EVP_PKEY *key, char *buf, size_t len)
{
	const char *curve = ec_curve(key);

	if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS"))
		snprintf(buf, len, "%s, %d bits", type_name(key), EVP_PKEY_get_bits(key));
	else if (EVP_PKEY_is_a(key, "EC"))
		snprintf(buf, len, "EC, curve %s", curve ? curve : "unsupported");
	else
		snprintf(buf, len, "%s", type_name(key));
}

const char *jc_key_natural_alg(EVP_PKEY *key)
{
	const char *curve = ec_curve(key);
	const struct jc_alg *a;
	size_t i;

	if (EVP_PKEY_is_a(key, "RSA"))
		return "RS256";
	if (EVP_PKEY_is_a(key, "RSA-PSS"))
		return "PS256";
	if (EVP_PKEY_is_a(key, "ED25519"))
		return "EdDSA";
	for (i = 0; curve && (a = jc_alg_at(i)); i++)
		if (a->family == JC_FAMILY_EC && strcmp(a->curve, curve) == 0)
			return a->name;
	return NULL;
}

int jc_key_check_alg(EVP_PKEY *key, const char *alg, const char *label, jwtcred_error *err)
{
	const struct jc_alg *a = jc_alg_find(alg);
	const char *curve;

	if (!a)
		return jc_fail(err, JWTCRED_E_KEY, "unsupported algorithm '%s'", alg);
	switch (a->family) {
	case JC_FAMILY_RSA:
	case JC_FAMILY_RSA_PSS:
		if (!EVP_PKEY_is_a(key, "RSA") &&
		    !(a->family == JC_FAMILY_RSA_PSS && EVP_PKEY_is_a(key, "RSA-PSS")))
			return jc_fail(err, JWTCRED_E_KEY, "private key '%s' is %s, but %s needs an RSA key",
			               label, type_name(key), alg);
		if (EVP_PKEY_get_bits(key) < (int)a->min_bits)
			return jc_fail(err, JWTCRED_E_KEY,
			               "RSA key '%s' has %d bits: use %u or more (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)",
			               label, EVP_PKEY_get_bits(key), a->min_bits);
		return JWTCRED_OK;
	case JC_FAMILY_EC:
		if (!EVP_PKEY_is_a(key, "EC"))
			return jc_fail(err, JWTCRED_E_KEY, "private key '%s' is %s, but %s needs an EC key on curve %s",
			               label, type_name(key), alg, a->curve);
		curve = ec_curve(key);
		if (!curve || strcmp(curve, a->curve) != 0)
			return jc_fail(err, JWTCRED_E_KEY,
			               "private key '%s' is EC on curve %s, but %s needs curve %s",
			               label, curve ? curve : "(not P-256, P-384 or P-521)", alg, a->curve);
		return JWTCRED_OK;
	case JC_FAMILY_EDDSA:
		if (!EVP_PKEY_is_a(key, "ED25519"))
			return jc_fail(err, JWTCRED_E_KEY, "private key '%s' is %s, but %s needs an Ed25519 key",
			               label, type_name(key), alg);
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

int jc_key_load(const struct jc_profile *p, EVP_PKEY **key, X509 **cert, jwtcred_error *err)
{
	char *data = NULL, *pass = NULL;
	size_t len = 0;
	bool pem;
	int rc;

	*key = NULL;
	if (cert)
		*cert = NULL;
	if (!p->private_key)
		return jc_fail(err, JWTCRED_E_KEY, "profile '%s' has no private_key", p->name);
	if ((rc = jc_read_secret_file(p->private_key, "private key", MAX_KEY_FILE, &data, &len, err)))
		goto out;
	/*
	 * The passphrase only when needed: an unset passphrase_env is no error
	 * for a plain PEM key.  A PKCS#12 file always takes the configured one.
	 */
	pem = contains(data, len, "-----BEGIN");
	if ((pem ? pem_encrypted(data, len) : p->passphrase_file || p->passphrase_env) &&
	    (rc = load_passphrase(p, &pass, err)))
		goto out;
	if ((rc = jc_key_parse(data, len, pass, p->private_key, key, cert, err)))
		goto out;
	if ((rc = jc_key_check_alg(*key, p->algorithm, p->private_key, err))) {
		const char *fits = jc_key_natural_alg(*key);
		/* a profile that may choose its algorithm may choose the one that fits: say which */
		if (err && fits && !jc_provider_of(p->provider)->only_alg &&
		    jc_key_check_alg(*key, fits, p->private_key, NULL) == 0) {
			size_t n = strlen(err->text);
			snprintf(err->text + n, sizeof(err->text) - n,
			         " (algorithm = \"%s\" fits this key)", fits);
		}
		EVP_PKEY_free(*key);
		*key = NULL;
		if (cert) {
			X509_free(*cert);
			*cert = NULL;
		}
	}
out:
	if (data) {
		OPENSSL_cleanse(data, len);
		free(data);
	}
	jc_free_secret(pass);
	return rc;
}

void jc_service_account_clear(struct jc_service_account *sa)
{
	free(sa->client_email);
	free(sa->private_key_id);
	free(sa->token_uri);
	memset(sa, 0, sizeof(*sa));
}

int jc_key_document_load(const struct jc_provider_def *d, const char *path, const char *alg,
                         struct jc_identity *id, EVP_PKEY **key, jwtcred_error *err)
{
	char *text = NULL, *pem = NULL;
	size_t len = 0, pemlen = 0;
	int rc;

	memset(id, 0, sizeof(*id));
	*key = NULL;
	if (!d->read_key_document)
		return jc_fail(err, JWTCRED_E_KEY, "provider '%s' has no key document", d->name);
	if ((rc = jc_read_secret_file(path, d->key_file_what, MAX_KEY_FILE, &text, &len, err)) ||
	    (rc = d->read_key_document(path, text, len, id, &pem, &pemlen, err)) ||
	    (rc = jc_key_from_pem(pem, pemlen, NULL, path, key, err)))
		goto out;
	rc = jc_key_check_alg(*key, alg, path, err);
out:
	if (text) {
		OPENSSL_cleanse(text, len);
		free(text);
	}
	if (pem) {
		OPENSSL_cleanse(pem, pemlen);
		free(pem);
	}
	if (rc) {
		EVP_PKEY_free(*key);
		*key = NULL;
		jc_identity_clear(id);
	}
	return rc;
}

int jc_service_account_load(const char *path, struct jc_service_account *sa, EVP_PKEY **key,
                            jwtcred_error *err)
{
	struct jc_identity id;
	int rc;

	memset(sa, 0, sizeof(*sa));
	if ((rc = jc_key_document_load(&jc_provider_google, path, "RS256", &id, key, err)) != 0)
		return rc;
	sa->client_email = id.iss;
	sa->private_key_id = id.kid;
	sa->token_uri = id.token_url;
	id.iss = id.kid = id.token_url = NULL; /* transferred */
	jc_identity_clear(&id);
	return JWTCRED_OK;
}
