/*
 * replay.c: a main() for a fuzz target, built with the normal compiler so
 * that make check runs every target without libFuzzer.  With arguments it
 * replays those files; without, every file of the target's committed
 * corpus and regression inputs ($srcdir/tests/fuzz/{corpus,regressions}/NAME).
 * A crash is the failure; there is nothing else to check.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET names the target's corpus folder"
#endif

#define REPLAY_MAX_INPUT (4 * 1024 * 1024)

static int replay_file(const char *path)
{
	struct stat st;
	ssize_t r = 0;
	size_t n = 0;
	char *buf = NULL;
	int fd, rc = -1;

	errno = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0 ||
	    !S_ISREG(st.st_mode) || st.st_size > REPLAY_MAX_INPUT)
		goto out;
	/* exactly the file's bytes, in a buffer of that size, as libFuzzer gives them */
	if (!(buf = malloc(st.st_size ? (size_t)st.st_size : 1)))
		goto out;
	while (n < (size_t)st.st_size && (r = read(fd, buf + n, (size_t)st.st_size - n)) > 0)
		n += (size_t)r;
	if (r < 0 || n != (size_t)st.st_size)
		goto out;
	LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "replay: cannot read '%s': %s\n", path,
		        errno ? strerror(errno) : "not a regular file of at most 4 MiB");
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Every regular file in dir (sorted, for repeatable logs); a missing dir holds nothing. */
static int replay_dir(const char *dir, int *count)
{
	struct dirent **names;
	char path[4096];
	int i, n, rc = 0;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "replay: cannot list '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) < (int)sizeof(path)) {
			if (replay_file(path) != 0)
				rc = -1;
			else
				++*count;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("srcdir");
	char dir[4096];
	int i, count = 0, rc = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			if (replay_file(argv[i]) != 0)
				rc = 1;
			else
				count++;
		}
	} else {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", srcdir ? srcdir : ".", FUZZ_TARGET);
		if (replay_dir(dir, &count) != 0)
			rc = 1;
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/regressions/%s", srcdir ? srcdir : ".", FUZZ_TARGET);
		if (replay_dir(dir, &count) != 0)
			rc = 1;
		if (count == 0) {
			fprintf(stderr, "replay: no input for %s under '%s/tests/fuzz'\n", FUZZ_TARGET,
			        srcdir ? srcdir : ".");
			rc = 1;
		}
	}
	printf("%s: %d inputs replayed%s\n", FUZZ_TARGET, count, rc ? ", some unreadable" : "");
	return rc;
}
