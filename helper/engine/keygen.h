/*
 * keygen.h: a new private key and the self-signed certificate to upload
 * with it (jwtcred init).
 */
#ifndef JWTCRED_KEYGEN_H
#define JWTCRED_KEYGEN_H

#include "core/fail.h"

/*
 * Generate a key of `type` (JC_KEYGEN_RSA: RSA 2048, JC_KEYGEN_EC: P-256;
 * core/engine.h), write it to key_path as PEM PKCS#8, mode 0600, and a
 * self-signed certificate for it, CN subject_cn, valid from now for
 * `days` days (1 to 3650), to cert_path (PEM, mode 0644).  Both files are
 * created new (O_EXCL, O_NOFOLLOW): an existing file is never replaced.
 * On failure neither file is left behind and err says why.
 */
int jc_keygen(const char *key_path, const char *cert_path, int type, int days,
              const char *subject_cn, jwtcred_error *err);

#endif
