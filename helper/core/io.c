/*
 * io.c: bounded reads, complete writes, the home directory.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "core/secret.h"

int jc_read_fd(int fd, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf, *nbuf;
	ssize_t r;

	*out = NULL;
	if (len)
		*len = 0;
	if (!(buf = malloc(cap)))
		return JWTCRED_E_NOMEM;
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max + 1) {
				jc_wipe(buf, n);
				free(buf);
				return JWTCRED_E_INPUT;
			}
			if (!(nbuf = malloc(cap * 2))) {
				jc_wipe(buf, n);
				free(buf);
				return JWTCRED_E_NOMEM;
			}
			/* copy by hand so the old buffer can be wiped: realloc would not */
			memcpy(nbuf, buf, n);
			jc_wipe(buf, n);
			free(buf);
			buf = nbuf;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			jc_wipe(buf, n);
			free(buf);
			errno = e;
			return JWTCRED_E_SYSTEM;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			jc_wipe(buf, n);
			free(buf);
			return JWTCRED_E_INPUT;
		}
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return JWTCRED_OK;
}

int jc_write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

const char *jc_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return h;
	pw = getpwuid(getuid());
	return pw ? pw->pw_dir : NULL;
}
