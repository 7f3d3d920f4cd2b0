/*
 * testutil.c: temporary directories, files and keys for the unit tests.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "testutil.h"

char *tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl;

	if (!base || base[0] != '/')
		base = "/tmp";
	tmpl = tu_join(base, "jwtcred-unit.XXXXXX");
	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "mkdtemp '%s': %s\n", tmpl, strerror(errno));
		abort();
	}
	return tmpl;
}

int tu_tmpdir_setup(void **state)
{
	*state = tu_tmpdir();
	return 0;
}

int tu_tmpdir_teardown(void **state)
{
	tu_rmtree(*state);
	*state = NULL;
	return 0;
}

pid_t tu_fork(int *tether)
{
	int p[2];
	pid_t pid;

	*tether = -1;
	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		*tether = p[0];
	} else {
		close(p[0]);
		*tether = p[1];
	}
	return pid;
}

void tu_child_wait(int tether)
{
	char c;

	/* returns at EOF: the parent closed its end or died */
	while (read(tether, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

void tu_reap(pid_t pid, int tether)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (tether >= 0)
		close(tether);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP) {
		/* a test may have left a directory without write permission */
		chmod(path, 0700);
		return rmdir(path) != 0 && errno != ENOENT;
	}
	return unlink(path) != 0 && errno != ENOENT;
}

void tu_rmtree(char *path)
{
	if (!path)
		return;
	chmod(path, 0700);
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "warning: could not remove all of '%s'\n", path);
	free(path);
}

char *tu_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = malloc(n);

	if (!s)
		abort();
	snprintf(s, n, "%s/%s", dir, name);
	return s;
}

int tu_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	const char *p = data;
	ssize_t w;
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (len) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, mode) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = (n + 4096 + 1) * 2);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r < 4096)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

EVP_PKEY *tu_rsa_key(size_t bits)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits);

	if (!k)
		abort();
	return k;
}

EVP_PKEY *tu_ec_p256_key(void)
{
	return tu_ec_key("P-256");
}

EVP_PKEY *tu_ec_key(const char *curve)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);

	if (!k)
		abort();
	return k;
}

EVP_PKEY *tu_ed25519_key(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	if (!k)
		abort();
	return k;
}

int tu_write_key(EVP_PKEY *key, const char *path)
{
	FILE *f;
	int fd, ok;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		return -1;
	}
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	return fclose(f) == 0 && ok == 1 ? 0 : -1;
}

X509 *tu_self_signed(EVP_PKEY *key, long days)
{
	X509 *c = X509_new();
	X509_NAME *n;
	bool raw = EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448");

	if (!c || !X509_set_version(c, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(c), 1) ||
	    !X509_gmtime_adj(X509_getm_notBefore(c), -60) ||
	    !X509_gmtime_adj(X509_getm_notAfter(c), days * 86400) || !X509_set_pubkey(c, key) ||
	    !(n = X509_get_subject_name(c)) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"jwtcred unit test", -1, -1, 0) ||
	    !X509_set_issuer_name(c, n) || !X509_sign(c, key, raw ? NULL : EVP_sha256()))
		abort();
	return c;
}

char *tu_key_pem(EVP_PKEY *key, enum tu_pem form, const char *pass, X509 *cert)
{
	BIO *b = BIO_new(BIO_s_mem());
	const EVP_CIPHER *aes = EVP_aes_256_cbc();
	char *data, *out;
	long n;
	int ok;

	if (!b)
		abort();
	switch (form) {
	case TU_PKCS8:
		ok = PEM_write_bio_PrivateKey(b, key, pass ? aes : NULL, (unsigned char *)pass,
		                              pass ? (int)strlen(pass) : 0, NULL, NULL);
		break;
	case TU_TRADITIONAL:
		ok = PEM_write_bio_PrivateKey_traditional(b, key, pass ? aes : NULL, (unsigned char *)pass,
		                                          pass ? (int)strlen(pass) : 0, NULL, NULL);
		break;
	default:
		ok = 0;
	}
	if (ok && cert)
		ok = PEM_write_bio_X509(b, cert);
	if (!ok)
		abort();
	n = BIO_get_mem_data(b, &data);
	if (!(out = malloc((size_t)n + 1)))
		abort();
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	BIO_free(b);
	return out;
}

unsigned char *tu_pkcs12(EVP_PKEY *key, X509 *cert, const char *pass, size_t *len)
{
	PKCS12 *p12 = PKCS12_create(pass, "jwtcred", key, cert, NULL, 0, 0, 0, 0, 0);
	unsigned char *der = NULL, *out;
	int n;

	if (!p12 || (n = i2d_PKCS12(p12, &der)) <= 0)
		abort();
	if (!(out = malloc((size_t)n)))
		abort();
	memcpy(out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	PKCS12_free(p12);
	return out;
}

int tu_conf_load_strict(const char *text, const char *name, struct jwtcred_config **out,
                        jwtcred_error *err)
{
	int rc = jc_conf_load_string(text, name, out, err);

	if (rc == JWTCRED_OK && (*out)->nbroken) {
		rc = jc_fail(err, JWTCRED_E_CONFIG, "%s", (*out)->broken[0].error);
		jc_conf_free(*out);
		*out = NULL;
	}
	return rc;
}

bool tu_contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

bool tu_has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

const char *tu_visible(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (!s)
		s = "(null)";
	for (; *s && n + 5 < len; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			n += (size_t)snprintf(buf + n, len - n, "\\x%02x", (unsigned char)*s);
		else
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

/* A Salesforce profile built by hand, every field a jc_profile holds. */
void tu_profile_init(struct jc_profile *p, const char *key_path)
{
	memset(p, 0, sizeof(*p));
	p->name = strdup("prod");
	p->line = 1;
	p->provider = JC_PROVIDER_SALESFORCE;
	p->issuer = strdup("3MVG9example.consumer.key");
	p->subject = strdup("ci@example.com");
	p->login_url = strdup("https://login.salesforce.com");
	p->token_url = strdup("https://login.salesforce.com/services/oauth2/token");
	p->token_url_set = false;
	p->revoke_url = strdup("https://login.salesforce.com/services/oauth2/revoke");
	tu_profile_audiences(p, "https://login.salesforce.com", NULL);
	p->private_key = key_path ? strdup(key_path) : NULL;
	p->algorithm = strdup("RS256");
	p->scope_in = JC_SCOPE_CLAIM;
	p->jti = true;
	p->git_username = strdup("ci@example.com");
	p->docker_username = strdup("ci@example.com");
	p->assertion_lifetime = 180;
	p->token_lifetime = 900;
	p->refresh_margin = 60;
	p->timeout = 30;
	p->cache = true;
}

void tu_profile_audiences(struct jc_profile *p, ...)
{
	const char *a;
	va_list ap;
	size_t i;

	for (i = 0; i < p->naudiences; i++)
		free(p->audiences[i]);
	free(p->audiences);
	p->audiences = NULL;
	p->naudiences = 0;
	va_start(ap, p);
	while ((a = va_arg(ap, const char *))) {
		p->audiences = realloc(p->audiences, (p->naudiences + 1) * sizeof(*p->audiences));
		if (!p->audiences || !(p->audiences[p->naudiences] = strdup(a)))
			abort();
		p->naudiences++;
	}
	va_end(ap);
}

void tu_profile_free(struct jc_profile *p)
{
	jc_profile_clear(p);
}
