/*
 * trust.h: the one rule for the files jwtcred takes settings, keys and
 * tokens from.  What a file must be (its type, its owner, the permission
 * bits it must not have) is checked on the open descriptor, never on the
 * path, and opening it cannot hang on a FIFO or a device.
 */
#ifndef JWTCRED_TRUST_H
#define JWTCRED_TRUST_H

#include <stdbool.h>
#include <sys/stat.h>

#include "core/fail.h"


/* What a file must be: one of the policies below. */
struct jc_trust {
	int status;            /* returned on a refusal: JWTCRED_E_CONFIG, _KEY, _CACHE */
	mode_t type;           /* S_IFREG or S_IFDIR */
	bool root_may_own;     /* root's files are trusted as well as our own */
	mode_t deny;           /* permission bits that must be clear: 022, 077, or 0 */
	const char *chmod;     /* chmod's mode argument that clears them: "go-w", "600" */
	const char *fix_type;  /* the fix for another type, a symlink: "remove it" */
	const char *fix_owner; /* the fix for another owner: "it must be yours" */
};

/*
 * The policies, one per kind of file, side by side so they can be
 * reviewed together:
 * - the configuration: ours or root's, not writable by group or others;
 * - a secret (private key, service account file, passphrase file,
 *   Salesforce client secret file): ours
 *   or root's, no access at all for group or others;
 * - the cache directory: ours, 0700;
 * - a cache entry: ours, 0600; anything else is as good as missing
 *   (JWTCRED_E_NOTFOUND: the caller mints and replaces it);
 * - a lock file: ours (its mode does not matter: it holds nothing);
 * - the JWTCRED_TRACE file: ours, 0600 (the trace names hosts, users and
 *   paths: no one else may read it, nor write lines into it).
 */
extern const struct jc_trust jc_trust_config;
extern const struct jc_trust jc_trust_secret;
extern const struct jc_trust jc_trust_cache_dir;
extern const struct jc_trust jc_trust_cache_entry;
extern const struct jc_trust jc_trust_cache_lock;
extern const struct jc_trust jc_trust_trace;

/*
 * Open `name` (relative to dirfd, or AT_FDCWD) with `flags` (O_RDONLY plus
 * what the caller needs of O_NOFOLLOW, O_DIRECTORY, O_CREAT, which creates
 * 0600) and check the descriptor against t.  The open does not block (so
 * a FIFO or a device where a file should be is refused at once) and the
 * descriptor handed back blocks again; O_CLOEXEC and O_NOCTTY are added.
 *
 * JWTCRED_OK: *fd is open and *st (when st is not NULL) describes it.
 * Else t->status, *fd is -1, err says in one line what is wrong with
 * `what` 'path' (path names the file to the user) and how to fix it, and
 * errno is open(2)'s when the open itself failed (ENOENT...), else 0.
 */
int jc_open_trusted(int dirfd, const char *name, int flags, const char *what, const char *path,
                    const struct jc_trust *t, int *fd, struct stat *st, jwtcred_error *err);

#endif
