/*
 * entries.h: every entry of the token cache, for jwtcred status and purge.
 */
#ifndef JWTCRED_CLI_ENTRIES_H
#define JWTCRED_CLI_ENTRIES_H

#include <jansson.h>

#include "core/cache.h"

/*
 * Call fn for every entry file in the cache directory (dirfd open on it):
 * e is the entry as read, or zeroed when the file is damaged or foreign
 * (still listed and purged); e is cleared after fn returns.  fn returns
 * non-zero to report a failure, and the walk goes on.  Says why the cache
 * cannot be listed.  Returns an exit status: JC_EXIT_FAIL when the cache
 * could not be opened or any fn failed.
 */
int jc_each_entry(int (*fn)(int dirfd, const char *name, struct jc_entry *e, void *arg), void *arg);

/*
 * Set a time in object o as RFC 3339 UTC under key and as epoch seconds
 * under "<key>_epoch" (both null for 0): how status --json writes times.
 */
void jc_json_set_time(json_t *o, const char *key, long long t);

#endif
