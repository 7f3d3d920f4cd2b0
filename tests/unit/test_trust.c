/*
 * test_trust.c: the one rule for the files jwtcred takes settings, keys
 * and tokens from (jc_open_trusted).  Type, owner and the permission bits
 * each policy denies, checked on the descriptor; a symbolic link refused
 * with O_NOFOLLOW; a FIFO or a device refused at once, without hanging;
 * a directory where a file should be and the other way round.  On a
 * refusal *fd is -1 and no descriptor is left open.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/trust.h"
#include "testutil.h"

#define OTHER_UID 4242

static const struct jc_trust key_trust = {
	JWTCRED_E_KEY, S_IFREG, false, 077, "600", "remove it", "it must be yours",
};
static const struct jc_trust conf_trust = {
	JWTCRED_E_CONFIG, S_IFREG, true, 022, "go-w", "point --config at a regular file",
	"it must be yours (or root's)",
};
static const struct jc_trust lock_trust = {
	JWTCRED_E_CACHE, S_IFREG, false, 0, NULL, "remove it", "remove it",
};
static const struct jc_trust dir_trust = {
	JWTCRED_E_CACHE, S_IFDIR, false, 077, "700", "remove it", "use a directory of your own",
};

/* What is at "x" in the test's directory. */
enum kind {
	MISSING,
	FILE_AT,    /* a regular file with `mode` */
	DIR_AT,     /* a directory with `mode` */
	LINK_AT,    /* a symbolic link to a 0600 file */
	FIFO_AT,    /* a FIFO with `mode`, no writer */
	OTHERS_AT,  /* a 0600 file of another user (needs root) */
	DEVNULL_AT, /* a symbolic link to /dev/null (a character device) */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The lowest free descriptor: the same before and after means none leaked. */
static int lowest_free_fd(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

static void make(const char *dir, enum kind kind, mode_t mode)
{
	char *x = tu_join(dir, "x"), *target = tu_join(dir, "target");

	switch (kind) {
	case MISSING:
		break;
	case FILE_AT:
		assert_int_equal(tu_write_file(x, "data\n", 5, mode), 0);
		break;
	case DIR_AT:
		assert_int_equal(mkdir(x, 0700), 0);
		assert_int_equal(chmod(x, mode), 0);
		break;
	case LINK_AT:
		assert_int_equal(tu_write_file(target, "data\n", 5, 0600), 0);
		assert_int_equal(symlink(target, x), 0);
		break;
	case FIFO_AT:
		assert_int_equal(mkfifo(x, 0600), 0);
		assert_int_equal(chmod(x, mode), 0);
		break;
	case OTHERS_AT:
		assert_int_equal(tu_write_file(x, "data\n", 5, 0600), 0);
		assert_int_equal(chown(x, OTHER_UID, OTHER_UID), 0);
		break;
	case DEVNULL_AT:
		assert_int_equal(symlink("/dev/null", x), 0);
		break;
	}
	free(x);
	free(target);
}

static void test_open_trusted(void **state)
{
	static const struct {
		const char *what;
		enum kind kind;
		mode_t mode;
		int flags;
		const struct jc_trust *t;
		const char *want;  /* NULL: accepted; else in the message */
		int err;           /* errno after a refusal */
	} rows[] = {
		{ "key 0600", FILE_AT, 0600, O_RDONLY | O_NOFOLLOW, &key_trust, NULL, 0 },
		{ "key 0400", FILE_AT, 0400, O_RDONLY | O_NOFOLLOW, &key_trust, NULL, 0 },
		{ "key 0640", FILE_AT, 0640, O_RDONLY | O_NOFOLLOW, &key_trust,
		  "is accessible by group or others (mode 0640): run chmod 600 '", 0 },
		{ "key 0604", FILE_AT, 0604, O_RDONLY | O_NOFOLLOW, &key_trust, "(mode 0604): run chmod 600", 0 },
		{ "key 0610", FILE_AT, 0610, O_RDONLY | O_NOFOLLOW, &key_trust, "(mode 0610)", 0 },
		{ "key 0601", FILE_AT, 0601, O_RDONLY | O_NOFOLLOW, &key_trust, "(mode 0601)", 0 },
		{ "config 0644", FILE_AT, 0644, O_RDONLY, &conf_trust, NULL, 0 },
		{ "config 0755", FILE_AT, 0755, O_RDONLY, &conf_trust, NULL, 0 },
		{ "config 0664", FILE_AT, 0664, O_RDONLY, &conf_trust,
		  "is writable by group or others (mode 0664): run chmod go-w '", 0 },
		{ "config 0602", FILE_AT, 0602, O_RDONLY, &conf_trust, "(mode 0602): run chmod go-w", 0 },
		{ "lock file 0666 (no bits denied)", FILE_AT, 0666, O_RDONLY | O_NOFOLLOW, &lock_trust, NULL, 0 },
		{ "directory 0700", DIR_AT, 0700, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, &dir_trust, NULL, 0 },
		{ "directory 0750", DIR_AT, 0750, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, &dir_trust,
		  "(mode 0750): run chmod 700", 0 },
		{ "directory 0701", DIR_AT, 0701, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, &dir_trust, "(mode 0701)", 0 },
		/* the type */
		{ "a directory for a key", DIR_AT, 0700, O_RDONLY | O_NOFOLLOW, &key_trust,
		  "is a directory, not a regular file: remove it", 0 },
		{ "a directory for a lock (O_CREAT)", DIR_AT, 0700, O_RDONLY | O_CREAT | O_NOFOLLOW, &lock_trust,
		  "is a directory, not a regular file", EISDIR },
		{ "a file for a directory", FILE_AT, 0600, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, &dir_trust,
		  "is not a directory: remove it", ENOTDIR },
		{ "a file for a directory, no O_DIRECTORY", FILE_AT, 0600, O_RDONLY | O_NOFOLLOW, &dir_trust,
		  "is a regular file, not a directory", 0 },
		{ "a FIFO for a key", FIFO_AT, 0600, O_RDONLY | O_NOFOLLOW, &key_trust,
		  "is a FIFO, not a regular file: remove it", 0 },
		{ "a FIFO for a config", FIFO_AT, 0644, O_RDONLY, &conf_trust, "is a FIFO, not a regular file", 0 },
		{ "a FIFO for a lock (O_CREAT)", FIFO_AT, 0600, O_RDONLY | O_CREAT | O_NOFOLLOW, &lock_trust,
		  "is a FIFO", 0 },
		{ "/dev/null for a config", DEVNULL_AT, 0, O_RDONLY, &conf_trust,
		  "is a character device, not a regular file", 0 },
		/* symbolic links */
		{ "a symlink with O_NOFOLLOW", LINK_AT, 0, O_RDONLY | O_NOFOLLOW, &key_trust,
		  "is a symbolic link, which jwtcred does not follow: remove it", ELOOP },
		{ "a symlink (to a file) for a directory", LINK_AT, 0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
		  &dir_trust, "is not a directory", ENOTDIR },
		{ "a symlink, followed when asked", LINK_AT, 0, O_RDONLY, &conf_trust, NULL, 0 },
		/* missing, created */
		{ "missing", MISSING, 0, O_RDONLY | O_NOFOLLOW, &key_trust, "cannot open private key '", ENOENT },
		{ "missing, created 0600", MISSING, 0, O_RDONLY | O_CREAT | O_NOFOLLOW, &lock_trust, NULL, 0 },
		/* the owner */
		{ "another user's key", OTHERS_AT, 0, O_RDONLY | O_NOFOLLOW, &key_trust,
		  "belongs to another user (uid 4242): it must be yours", 0 },
		{ "another user's config, root's allowed", OTHERS_AT, 0, O_RDONLY, &conf_trust,
		  "belongs to another user (uid 4242): it must be yours (or root's)", 0 },
	};
	size_t i;
	int bad = 0;

	(void)state;
	alarm(10); /* an open that hangs on the FIFO fails the test instead of the run */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *dir = tu_tmpdir(), *x = tu_join(dir, "x"), buf[8];
		jwtcred_error err = { "" };
		struct stat st;
		long long t0;
		int fd = 7, rc, e, lowest, fl;

		if (rows[i].kind == OTHERS_AT && geteuid() != 0) {
			print_message("row %zu (%s): skipped, needs root to chown\n", i, rows[i].what);
			free(x);
			tu_rmtree(dir);
			continue;
		}
		make(dir, rows[i].kind, rows[i].mode);
		lowest = lowest_free_fd();
		t0 = now_ms();
		errno = 12345;
		rc = jc_open_trusted(AT_FDCWD, x, rows[i].flags, "private key", x, rows[i].t, &fd, &st, &err);
		e = errno;
		if (now_ms() - t0 > 1000) {
			print_error("row %zu (%s): took %lld ms\n", i, rows[i].what, now_ms() - t0);
			bad++;
		}
		if (!rows[i].want) {
			if (rc != JWTCRED_OK || fd < 0) {
				print_error("row %zu (%s): refused: %s\n", i, rows[i].what, err.text);
				bad++;
			} else {
				/* *st is the descriptor's; the descriptor blocks and closes on exec */
				struct stat fst;
				fl = fcntl(fd, F_GETFL);
				if (fstat(fd, &fst) != 0 || fst.st_ino != st.st_ino ||
				    (st.st_mode & S_IFMT) != rows[i].t->type || (fl & O_NONBLOCK) ||
				    !(fcntl(fd, F_GETFD) & FD_CLOEXEC) ||
				    (rows[i].t->type == S_IFREG && rows[i].kind != MISSING &&
				     read(fd, buf, sizeof(buf)) != 5)) {
					print_error("row %zu (%s): wrong descriptor\n", i, rows[i].what);
					bad++;
				}
				if (rows[i].kind == MISSING && (st.st_mode & 07777) != 0600) {
					print_error("row %zu (%s): created %04o\n", i, rows[i].what,
					            (unsigned)(st.st_mode & 07777));
					bad++;
				}
				close(fd);
			}
		} else if (rc != rows[i].t->status || fd != -1 || !tu_contains(err.text, rows[i].want) ||
		           !tu_contains(err.text, x) || !tu_contains(err.text, "private key '") ||
		           strchr(err.text, '\n') || e != rows[i].err) {
			print_error("row %zu (%s): rc %d, fd %d, errno %d (want %d): %s\n  want: %s\n", i,
			            rows[i].what, rc, fd, e, rows[i].err, err.text, rows[i].want);
			if (fd >= 0)
				close(fd);
			bad++;
		}
		if (lowest_free_fd() != lowest) {
			print_error("row %zu (%s): a descriptor was left open\n", i, rows[i].what);
			bad++;
		}
		free(x);
		tu_rmtree(dir);
	}
	alarm(0);
	assert_int_equal(bad, 0);
}

/* Relative to a directory descriptor, as the cache opens its entries. */
static void test_open_trusted_at(void **state)
{
	char *dir = *state, *x = tu_join(dir, "x");
	jwtcred_error err = { "" };
	int dfd, fd = -1;

	assert_int_equal(tu_write_file(x, "data\n", 5, 0600), 0);
	assert_true((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(jc_open_trusted(dfd, "x", O_RDONLY | O_NOFOLLOW, "cache entry", x, &key_trust, &fd,
	                                 NULL, &err),
	                 JWTCRED_OK);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(jc_open_trusted(dfd, "y", O_RDONLY | O_NOFOLLOW, "cache entry", "shown-y",
	                                 &key_trust, &fd, NULL, &err),
	                 JWTCRED_E_KEY);
	assert_int_equal(fd, -1);
	assert_true(tu_contains(err.text, "cannot open cache entry 'shown-y'"));
	close(dfd);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_trusted),
		cmocka_unit_test_setup_teardown(test_open_trusted_at, tu_tmpdir_setup, tu_tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("trust", tests, NULL, NULL);
}
