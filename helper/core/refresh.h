/*
 * refresh.h: refreshing a token ahead of its expiry.
 *
 * A cache hit whose token is past its refresh point still answers with
 * that token (it is valid, and outside refresh_margin), and starts one
 * background refresh: a detached process that mints the entry again
 * while callers go on being served the old one.  So in steady use no
 * caller waits for a mint.
 *
 *   lifetime      = expiry - issued (the expiry as jc_entry_deadline() sees it)
 *   ahead         = refresh_ahead, or by default max(lifetime / 4, 2 * refresh_margin),
 *                   and never more than lifetime / 2
 *   refresh point = expiry - ahead
 *   due           = refresh point <= now, and the entry still fresh (jc_entry_fresh)
 *
 * A refresh that fails leaves the old entry in place; the entry is tried
 * again at most once a minute (JC_REFRESH_BACKOFF), as recorded in
 * "<entry>.refresh".  That record is not the "<entry>.failed" record that
 * single-flight waiters read (cache.h): it is read only by refreshes,
 * jwtcred status and -v.
 */
#ifndef JWTCRED_REFRESH_H
#define JWTCRED_REFRESH_H

#include <stdbool.h>

#include "core/cache.h"

#define JC_REFRESH_BACKOFF 60 /* seconds between two refreshes of one entry */

/* e's refresh point under p's settings, or 0 when p never refreshes ahead. */
long long jc_refresh_point(const struct jc_entry *e, const struct jc_profile *p);

/* Is e due for a background refresh at now?  No I/O: a hit decides with it. */
bool jc_refresh_due(const struct jc_entry *e, const struct jc_profile *p, long long now);

/* The last refresh of an entry, from "<entry>.refresh".  No secret in it. */
struct jc_refresh_record {
	long long entry_issued; /* `issued` of the entry it refreshed */
	long long started;      /* jc_now() when it took the lock */
	long long finished;     /* when it ended; 0: still running, or killed */
	int status;             /* JWTCRED_OK, or what the mint (or the cache write) said */
	char error[JWTCRED_ERROR_TEXT_LENGTH]; /* its one-line error, or "" */
};

/* Read the record of entry `name` made for `params`; JWTCRED_E_NOTFOUND when none is usable. */
int jc_refresh_record_read(int dirfd, const char *name, const char *params,
                           struct jc_refresh_record *r);

/* Atomically replace the record of entry `name`. */
int jc_refresh_record_write(int dirfd, const char *dirpath, const char *name, const char *params,
                            const struct jc_refresh_record *r, jwtcred_error *err);

/*
 * Does record r hold back a refresh of e at now: an attempt on this very
 * entry that failed, or never finished, less than JC_REFRESH_BACKOFF ago?
 */
bool jc_refresh_backing_off(const struct jc_refresh_record *r, const struct jc_entry *e,
                            long long now);

/*
 * After a hit served e (the caller has answered): when e is due, start
 * jc_token_refresh(p, flags) in a detached process (core/detach.h) and
 * return at once; unless a refresh of this entry failed or started less
 * than a minute ago.  Says which on -v (jc_trace), never to the caller:
 * nothing here fails.  p (and what it points to) must stay unchanged
 * until this returns; the detached process has its own copy.  exiting:
 * the caller exits next, and need not reap the first child (jc_detach).
 */
void jc_refresh_start(const struct jc_profile *p, unsigned flags, const struct jc_entry *e,
                      bool exiting);

#endif
