/*
 * io.h: bounded reads and complete writes on descriptors; the home
 * directory.
 */
#ifndef JWTCRED_IO_H
#define JWTCRED_IO_H

#include <stddef.h>

#include "core/fail.h"

/*
 * Read all of fd into a NUL-terminated heap buffer of at most max bytes.
 * Returns JWTCRED_OK, JWTCRED_E_INPUT when the data is longer than max, or
 * JWTCRED_E_SYSTEM (errno set).  *out is NULL on failure.  Every buffer
 * left behind while growing is wiped: the data may be a secret.
 */
int jc_read_fd(int fd, size_t max, char **out, size_t *len);

/* Write all n bytes (retrying short writes and EINTR); -1 with errno set. */
int jc_write_all(int fd, const char *s, size_t n);

/* The home directory ($HOME, else the password database), or NULL. */
const char *jc_home(void);

#endif
