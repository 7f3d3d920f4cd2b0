/*
 * cache.h: token files shared by every caller.
 *
 * One entry per profile, named by a fingerprint of the profile's non-secret
 * parameters; 0600 files in a 0700 directory we own, opened with O_NOFOLLOW,
 * replaced atomically.  A per-entry lock file makes minting single-flight.
 */
#ifndef JWTCRED_CACHE_H
#define JWTCRED_CACHE_H

#include "core/conf.h"
#include "core/entry.h" /* struct jc_entry, jc_entry_clear, _deadline, _fresh */

#define JC_ENTRY_NAME 32

/* The canonical parameters and the entry name ("<16 hex>") for profile p. */
int jc_cache_key(const struct jc_profile *p, char **params, char name[JC_ENTRY_NAME]);

/*
 * The same for the token of one owner's installation (a github-app
 * profile's, jc_github_entry_owner; NULL: jc_cache_key): the owner,
 * lower-cased, is one more parameter, beside the profile's installation_id,
 * repositories and permissions.  Other providers ignore owner.
 */
int jc_cache_key_for(const struct jc_profile *p, const char *owner, char **params,
                     char name[JC_ENTRY_NAME]);

/*
 * Was entry e, read from the file `name`, made for profile p as it is now:
 * p's entry name and the same parameters, compared in full (endpoints,
 * issuer, subject, key...)?  A profile of the same name in another
 * configuration is not.  A github-app entry is compared with the key of
 * the owner its parameters name.  *same says; JWTCRED_E_NOMEM when it
 * cannot tell.
 */
int jc_cache_entry_matches(const struct jc_profile *p, const char *name,
                           const struct jc_entry *e, bool *same);

/*
 * The owner a github-app profile's entry e was minted for (one entry per
 * owner: jc_cache_key_for), as a new string; NULL for other providers, an
 * entry of the profile's own installation_id or owner, or out of memory.
 */
char *jc_entry_owner(const struct jc_profile *p, const struct jc_entry *e);

/*
 * The fingerprint of p's shared-cache entry (helper/engine/fleet.c), for
 * owner as in jc_cache_key_for(): the same parameters but the key file's
 * path and identity, which differ per machine, replaced by spki_hex (the
 * SHA-256 of the public key, hex).  *fp is a new string.
 */
int jc_cache_key_shared(const struct jc_profile *p, const char *owner, const char *spki_hex,
                        char **fp);

/* jc_cache_key() for the owner entry e was minted for (jc_entry_owner). */
int jc_cache_key_of(const struct jc_profile *p, const struct jc_entry *e, char **params,
                    char name[JC_ENTRY_NAME]);

/*
 * Open (creating with 0700) the cache directory: $JWTCRED_CACHE_DIR, else
 * $XDG_RUNTIME_DIR/jwtcred, else $XDG_CACHE_HOME/jwtcred, else
 * ~/.cache/jwtcred.  Refuses a directory another user owns or that group or
 * others can use.  *path is the caller's.
 */
int jc_cache_open(int *dirfd, char **path, jwtcred_error *err);

/*
 * Read entry `name`.  JWTCRED_E_NOTFOUND when it is missing, or is not a
 * regular 0600 file of ours, or is damaged, or its params differ from
 * `params` (NULL: accept any, for status listings).  Damaged includes
 * times no mint writes: issued outside (0, JC_TIME_MAX], expires not after
 * issued or more than JC_MAX_LIFETIME after it.
 */
int jc_cache_read(int dirfd, const char *name, const char *params, struct jc_entry *out);

/* Atomically replace entry `name` (temp file, fsync, rename, fsync dir). */
int jc_cache_write(int dirfd, const char *dirpath, const char *name, const struct jc_entry *e,
                   jwtcred_error *err);

/*
 * A failed mint, recorded for the processes that waited on it: the lock
 * holder writes "<name>.failed" (the profile's params, the status, the
 * one-line error, and when, on this boot's monotonic clock) before it
 * unlocks.  No secret goes in it.  jc_cache_write() removes it.
 */
int jc_cache_write_failure(int dirfd, const char *dirpath, const char *name, const char *params,
                           int status, const char *text, jwtcred_error *err);

/*
 * Did a mint of entry `name`, for these params, on this boot, fail after
 * after_ms and no later than after_ms + within_ms (jc_monotonic_ms)?
 * Then JWTCRED_OK, with *status and err set to what the failed mint said;
 * else JWTCRED_E_NOTFOUND (no record, an older or newer one, another
 * boot's, a damaged one).
 */
int jc_cache_read_failure(int dirfd, const char *name, const char *params, long long after_ms,
                          long long within_ms, int *status, jwtcred_error *err);

/*
 * Atomically replace a record kept beside an entry (temp file, fsync,
 * rename): "<entry>.refresh" (core/refresh.h).  No secret goes in one.
 */
int jc_cache_write_side(int dirfd, const char *dirpath, const char *name, const char *text,
                        jwtcred_error *err);

/* Remove entry `name`, its failure record and its refresh record (missing is fine). */
int jc_cache_remove(int dirfd, const char *name, jwtcred_error *err);

/*
 * Take the entry's lock, waiting at most timeout_ms (0: try once, and
 * JWTCRED_E_BUSY when another process holds it); *lockfd is released by
 * jc_cache_unlock() or by the process dying (flock), so no stale locks.
 * dirpath (dirfd's path) names the lock file in messages.
 */
int jc_cache_lock(int dirfd, const char *dirpath, const char *name, long timeout_ms, int *lockfd,
                  jwtcred_error *err);

/*
 * The same, for a process that only needs the result of a mint: it also
 * stops waiting, with *lockfd -1 and JWTCRED_OK, as soon as ready(arg) is
 * true.  ready is asked again each time an entry is renamed into the
 * directory (inotify), and at least every 50 ms.
 */
int jc_cache_lock_or_wait(int dirfd, const char *dirpath, const char *name, long timeout_ms,
                          bool (*ready)(void *), void *arg, int *lockfd, jwtcred_error *err);
void jc_cache_unlock(int lockfd);

#endif
