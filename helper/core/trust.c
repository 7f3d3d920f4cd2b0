/*
 * trust.c: open a file and check it on its descriptor (see trust.h).
 *
 * O_NONBLOCK makes open(2) return at once on a FIFO without a writer and
 * on devices that would wait; the type check then refuses them before
 * anything is read, and the flag is cleared for the caller's reads.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/fail.h"
#include "core/trust.h"

const struct jc_trust jc_trust_config = {
	JWTCRED_E_CONFIG, S_IFREG, true, 022, "go-w",
	"point --config or JWTCRED_CONFIG at a regular file", "it must be yours (or root's)",
};

const struct jc_trust jc_trust_secret = {
	JWTCRED_E_KEY, S_IFREG, true, 077, "600",
	"point the profile's setting at a regular file", "it must be yours (or root's)",
};

const struct jc_trust jc_trust_cache_dir = {
	JWTCRED_E_CACHE, S_IFDIR, false, 077, "700",
	"remove it, or set JWTCRED_CACHE_DIR to a directory of your own",
	"use a directory of your own (JWTCRED_CACHE_DIR)",
};

const struct jc_trust jc_trust_cache_entry = {
	JWTCRED_E_NOTFOUND, S_IFREG, false, 077, "600", "remove it", "remove it",
};

const struct jc_trust jc_trust_trace = {
	JWTCRED_E_CONFIG, S_IFREG, false, 077, "600", "remove it or name another file",
	"it must be yours",
};

const struct jc_trust jc_trust_cache_lock = {
	JWTCRED_E_CACHE, S_IFREG, false, 0, NULL, "remove it", "remove it",
};

static const char *type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFSOCK:
		return "a socket";
	case S_IFLNK:
		return "a symbolic link";
	default:
		return "of an unknown type";
	}
}

static int check(int fd, const char *what, const char *path, const struct jc_trust *t,
                 struct stat *st, jwtcred_error *err)
{
	int fl;

	if (fstat(fd, st) != 0)
		return jc_fail(err, t->status, "cannot stat %s '%s': %s", what, path, strerror(errno));
	if ((st->st_mode & S_IFMT) != t->type)
		return jc_fail(err, t->status, "%s '%s' is %s, not %s: %s", what, path,
		               type_name(st->st_mode), type_name(t->type), t->fix_type);
	if (st->st_uid != geteuid() && !(t->root_may_own && st->st_uid == 0))
		return jc_fail(err, t->status, "%s '%s' belongs to another user (uid %u): %s", what, path,
		               (unsigned)st->st_uid, t->fix_owner);
	if (st->st_mode & t->deny)
		return jc_fail(err, t->status, "%s '%s' is %s by group or others (mode %04o): run chmod %s '%s'",
		               what, path, (t->deny & 044) ? "accessible" : "writable",
		               (unsigned)(st->st_mode & 07777), t->chmod, path);
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return jc_fail(err, t->status, "cannot read %s '%s': %s", what, path, strerror(errno));
	return JWTCRED_OK;
}

int jc_open_trusted(int dirfd, const char *name, int flags, const char *what, const char *path,
                    const struct jc_trust *t, int *fd, struct stat *st, jwtcred_error *err)
{
	struct stat mine;
	int f, e, rc;

	*fd = -1;
	f = openat(dirfd, name, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);
	if (f < 0) {
		e = errno;
		if (e == ELOOP && (flags & O_NOFOLLOW))
			rc = jc_fail(err, t->status, "%s '%s' is a symbolic link, which jwtcred does not follow: %s",
			             what, path, t->fix_type);
		else if (e == EISDIR && t->type != S_IFDIR) /* O_CREAT on a directory */
			rc = jc_fail(err, t->status, "%s '%s' is a directory, not %s: %s", what, path,
			             type_name(t->type), t->fix_type);
		else if (e == ENOTDIR && (flags & O_DIRECTORY))
			rc = jc_fail(err, t->status, "%s '%s' is not a directory: %s", what, path, t->fix_type);
		else
			rc = jc_fail(err, t->status, "cannot open %s '%s': %s", what, path, strerror(e));
		errno = e;
		return rc;
	}
	if ((rc = check(f, what, path, t, st ? st : &mine, err)) != JWTCRED_OK) {
		close(f);
		errno = 0;
		return rc;
	}
	*fd = f;
	return JWTCRED_OK;
}
