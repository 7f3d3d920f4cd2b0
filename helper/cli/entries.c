/*
 * entries.c: walk the token cache's entries (status, purge).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/entries.h"
#include "cli/msgs.h"
#include "core/clock.h"

static bool is_entry_name(const char *n)
{
	size_t i;

	for (i = 0; n[i]; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return false;
	return i == 16;
}

int jc_each_entry(int (*fn)(int dirfd, const char *name, struct jc_entry *e, void *arg), void *arg)
{
	char *dirpath = NULL;
	jwtcred_error err;
	struct dirent *d;
	struct jc_entry e;
	DIR *dir;
	int dirfd, dupfd, status = JC_EXIT_OK;

	if (jc_cache_open(&dirfd, &dirpath, &err) != 0) {
		jc_say("%s", err.text);
		return JC_EXIT_FAIL;
	}
	free(dirpath);
	if ((dupfd = dup(dirfd)) < 0 || !(dir = fdopendir(dupfd))) {
		jc_say("cannot list the cache directory: %s", strerror(errno));
		close(dirfd);
		return JC_EXIT_FAIL;
	}
	while ((d = readdir(dir))) {
		if (!is_entry_name(d->d_name))
			continue;
		if (jc_cache_read(dirfd, d->d_name, NULL, &e) != 0)
			memset(&e, 0, sizeof(e)); /* damaged or foreign: still listed/purged */
		if (fn(dirfd, d->d_name, &e, arg) != 0)
			status = JC_EXIT_FAIL;
		jc_entry_clear(&e);
	}
	closedir(dir);
	close(dirfd);
	return status;
}

void jc_json_set_time(json_t *o, const char *key, long long t)
{
	char buf[32], epoch_key[64];

	snprintf(epoch_key, sizeof(epoch_key), "%s_epoch", key);
	if (!t) {
		json_object_set_new(o, key, json_null());
		json_object_set_new(o, epoch_key, json_null());
		return;
	}
	jc_rfc3339(t, buf, sizeof(buf));
	json_object_set_new(o, key, json_string(buf));
	json_object_set_new(o, epoch_key, json_integer(t));
}
