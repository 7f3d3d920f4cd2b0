/*
 * testutil.h: helpers shared by the cmocka unit tests: temporary
 * directories that are removed afterwards, files with a given mode, and
 * keys generated in-process (no private key is ever committed).
 */
#ifndef JWTCRED_TESTUTIL_H
#define JWTCRED_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/conf.h"

/* A fresh private directory under $TMPDIR (or /tmp); free with tu_rmtree(). */
char *tu_tmpdir(void);

/*
 * cmocka fixtures: *state becomes a fresh temporary directory (char *),
 * removed by the teardown even when the test failed.
 */
int tu_tmpdir_setup(void **state);
int tu_tmpdir_teardown(void **state);

/*
 * fork(2) with a tether: a child that waits with tu_child_wait() exits as
 * soon as the parent closes the tether or dies, so a failed (or killed)
 * test never leaves a process behind.  -1 on failure.
 */
pid_t tu_fork(int *tether);
void tu_child_wait(int tether) __attribute__((noreturn));
/* Kill (SIGKILL) and reap a child made by tu_fork; pid <= 0 is ignored. */
void tu_reap(pid_t pid, int tether);

/* Remove `path` and everything below it (symlinks are not followed); frees path. */
void tu_rmtree(char *path);

/* "dir/name" as a new string (aborts when out of memory). */
char *tu_join(const char *dir, const char *name);

/* Create or replace `path` with `len` bytes of data and exactly `mode`. */
int tu_write_file(const char *path, const void *data, size_t len, mode_t mode);

/* A file's whole content, NUL-terminated, or NULL. */
char *tu_read_file(const char *path, size_t *len);

/* Keys made here and now. */
EVP_PKEY *tu_rsa_key(size_t bits);
EVP_PKEY *tu_ec_p256_key(void);
EVP_PKEY *tu_ec_key(const char *curve); /* "P-256", "P-384", "P-521" */
EVP_PKEY *tu_ed25519_key(void);

/* A self-signed certificate for key, valid from a minute ago for `days` days. */
X509 *tu_self_signed(EVP_PKEY *key, long days);

/* key as PEM text (new string): PKCS#8 or the traditional form (PKCS#1,
 * SEC1), encrypted with AES-256-CBC when pass is set, followed by cert
 * when it is set. */
enum tu_pem { TU_PKCS8, TU_TRADITIONAL };
char *tu_key_pem(EVP_PKEY *key, enum tu_pem form, const char *pass, X509 *cert);

/* A PKCS#12 file (DER, new buffer) with key (may be NULL) and cert (may be NULL). */
unsigned char *tu_pkcs12(EVP_PKEY *key, X509 *cert, const char *pass, size_t *len);

/* Write key as PEM PKCS#8 into path with mode 0600. */
int tu_write_key(EVP_PKEY *key, const char *path);

/*
 * A Salesforce profile "prod" built by hand with every field set (as
 * jc_conf_load would leave it), signing with the key at key_path.
 */
void tu_profile_init(struct jc_profile *p, const char *key_path);
/* Replace p's audiences with the NULL-terminated list of arguments. */
void tu_profile_audiences(struct jc_profile *p, ...);
void tu_profile_free(struct jc_profile *p);

/*
 * jc_conf_load_string, and a broken profile fails it as a whole with the
 * first one's error (as the loader did before broken profiles were kept):
 * for tests of one setting's error.
 */
int tu_conf_load_strict(const char *text, const char *name, struct jwtcred_config **out,
                        jwtcred_error *err);

/* Does hay contain needle? (NULL hay: no) */
bool tu_contains(const char *hay, const char *needle);

/* Does s hold a byte below 0x20 or 0x7f? */
bool tu_has_control(const char *s);

/* s with control characters shown as \xNN, for failure messages. */
const char *tu_visible(const char *s, char *buf, size_t len);

#endif
