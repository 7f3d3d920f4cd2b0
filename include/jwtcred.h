/*
 * jwtcred.h: OAuth 2.0 JWT bearer (RFC 7523) tokens for programs.
 *
 * A program opens a configuration (the same libconfig file the jwtcred
 * command reads), asks for a token for a profile, and uses it.  Tokens come
 * from the shared on-disk cache when one is fresh; otherwise the library signs
 * an assertion with the profile's key and exchanges it at the token endpoint,
 * once, however many processes ask at the same time.
 *
 * Conventions for every function here:
 * - A function that can fail returns a jwtcred_status: JWTCRED_OK (0) or a
 *   negative code.  On failure it fills *err (when err is not NULL) with one
 *   line of text saying what went wrong and, where there is one, the fix; the
 *   text never contains a token, a key or a passphrase.
 * - Out-parameters are set to NULL first, so they are NULL after a failure.
 * - Objects are opaque; each has one *_free function that accepts NULL.
 *   Strings returned by accessors are borrowed from their object and live
 *   until it is freed.  A token owns everything it answers with: it does not
 *   borrow from the configuration it was got from, so it may be used, and
 *   must still be freed, after jwtcred_config_free().
 * - Thread safety: distinct objects may be used from distinct threads at
 *   once.  One object must not be used from two threads at the same time.
 *   The process must have called curl_global_init() (or let libcurl do it)
 *   before threads start, as libcurl requires.
 */
#ifndef JWTCRED_H
#define JWTCRED_H

#include <stddef.h>
#include <time.h>

#include "jwtcred-version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum jwtcred_status {
	JWTCRED_OK = 0,
	JWTCRED_E_CONFIG = -1,     /* the configuration is invalid */
	JWTCRED_E_NOPROFILE = -2,  /* no such profile, or no profile allows the URL */
	JWTCRED_E_KEY = -3,        /* the private key cannot be used */
	JWTCRED_E_SIGN = -4,       /* signing the assertion failed */
	JWTCRED_E_NETWORK = -5,    /* connection, TLS or timeout talking to the server */
	JWTCRED_E_DENIED = -6,     /* the server refused the assertion */
	JWTCRED_E_RESPONSE = -7,   /* the server's answer was not a usable token */
	JWTCRED_E_CACHE = -8,      /* the token cache cannot be used safely */
	JWTCRED_E_BUSY = -9,       /* another process is minting and did not finish in time */
	JWTCRED_E_NOMEM = -10,     /* out of memory */
	JWTCRED_E_INPUT = -11,     /* malformed or oversized input */
	JWTCRED_E_SYSTEM = -12,    /* an operating system call failed */
	JWTCRED_E_NOTFOUND = -13,  /* nothing cached for this profile */
	JWTCRED_E_USAGE = -14      /* invalid argument to a function */
} jwtcred_status;

#define JWTCRED_ERROR_TEXT_LENGTH 512

/* Filled by failing functions; a caller-owned, fixed-size buffer. */
typedef struct jwtcred_error {
	char text[JWTCRED_ERROR_TEXT_LENGTH];
} jwtcred_error;

typedef struct jwtcred_config jwtcred_config;
typedef struct jwtcred_token jwtcred_token;

/* Fixed text for a status code; never NULL, never freed. */
const char *jwtcred_strerror(int status);

/* The library's version, "MAJOR.MINOR.PATCH" (may differ from the header's). */
const char *jwtcred_version(void);

/*
 * Load a configuration.  path NULL means the default: $JWTCRED_CONFIG, else
 * $XDG_CONFIG_HOME/jwtcred/config, else ~/.config/jwtcred/config.
 * On success *cfg is a new object the caller frees with jwtcred_config_free().
 * Errors: JWTCRED_E_USAGE (cfg NULL), JWTCRED_E_CONFIG (missing, unsafe or
 * invalid file; err names the file and line), JWTCRED_E_NOMEM.
 * A mistake inside one profile does not fail the load: that profile is
 * broken, the others are served, and asking for the broken one (by name,
 * or by a URL its urls cover) fails with its error, JWTCRED_E_CONFIG.
 */
int jwtcred_config_load(jwtcred_config **cfg, const char *path, jwtcred_error *err);

/* Free cfg; tokens got from it stay valid (they own their data). */
void jwtcred_config_free(jwtcred_config *cfg);

/*
 * Refresh ahead of expiry in the background (jwtcred.conf(5),
 * refresh_ahead): with on non-zero, a jwtcred_token_get() or
 * jwtcred_token_for_url() that answers with a cached token past its
 * refresh point also starts one detached process (fork, new session,
 * stdio on /dev/null, every other descriptor closed) that mints the next
 * token into the shared cache, and returns without waiting for it.  With
 * on zero, never.  By default the library does this only for a profile
 * whose file sets refresh_ahead; the jwtcred program always does.
 *
 * Only a single-threaded process forks: a fork without exec beside other
 * threads can leave a lock one of them held (OpenSSL's, libcurl's, the
 * resolver's, malloc's) held forever in the child, which would then hang
 * holding the entry's lock.  So once the process has started a thread
 * (glibc's __libc_single_threaded; libcurl's threaded resolver counts),
 * or where the C library cannot tell (no <sys/single_threaded.h>: glibc
 * before 2.32, other C libraries), no background refresh is started,
 * whatever on says (jwtcred -v style trace only).  A multi-threaded host
 * refreshes on a thread of its own instead: it asks
 * jwtcred_token_refresh_due() and calls jwtcred_token_refresh() there.
 *
 * The worker is a grandchild: the child forked first exits at once and
 * is reaped by the call.  A host SIGCHLD handler that reaps with
 * waitpid(-1, ...) may see (and reap) that first child: a pid it never
 * started, with exit status 0 (or an errno value when it could not fork
 * the worker).  The worker itself is never the host's child.
 * Errors: JWTCRED_E_USAGE (cfg NULL).
 */
int jwtcred_config_set_refresh_ahead(jwtcred_config *cfg, int on);

/* Flags for jwtcred_token_get() and jwtcred_token_for_url(). */
#define JWTCRED_REFRESH  0x1u  /* mint a new token even if a cached one is fresh */
#define JWTCRED_NO_CACHE 0x2u  /* neither read nor write the cache */

/*
 * Get a token for the profile named `profile` (NULL: the only profile, when
 * there is exactly one).  On success *tok is a new object the caller frees
 * with jwtcred_token_free(), which wipes the token from memory; cfg and
 * profile are only read during the call.  Errors: JWTCRED_E_USAGE (cfg or tok
 * NULL), JWTCRED_E_NOPROFILE (no such profile, or several and profile NULL;
 * err lists the known ones), JWTCRED_E_CONFIG (the profile is broken: err
 * is its error, "'<file>':<line>: ..."), and those of minting: JWTCRED_E_KEY, _SIGN,
 * _NETWORK, _DENIED, _RESPONSE, _CACHE, _BUSY, _NOMEM, _SYSTEM.
 */
int jwtcred_token_get(jwtcred_config *cfg, const char *profile, unsigned flags,
                      jwtcred_token **tok, jwtcred_error *err);

/*
 * Get a token for the profile whose `urls` allow `url` (the most specific
 * match).  No profile allows it: JWTCRED_E_NOPROFILE, and nothing is minted.
 * A broken profile whose urls cover url at least as specifically as any
 * good one: JWTCRED_E_CONFIG with its error, and nothing is minted (never
 * a less specific profile's token instead).
 * url not an absolute URL with a valid host: JWTCRED_E_INPUT.  Otherwise as
 * jwtcred_token_get().
 */
int jwtcred_token_for_url(jwtcred_config *cfg, const char *url, unsigned flags,
                          jwtcred_token **tok, jwtcred_error *err);

/* The access token: borrowed, valid until jwtcred_token_free(). */
const char *jwtcred_token_value(const jwtcred_token *tok);

/*
 * When the token stops being served (expiry minus the refresh margin, under
 * the profile's settings when the token was got), UTC; 0 when tok is NULL.
 */
time_t jwtcred_token_expiry(const jwtcred_token *tok);

/*
 * When tok becomes due for a refresh ahead of its expiry (UTC, fixed when
 * tok was got); 0 when its profile has refresh_ahead = 0, or tok is NULL.
 */
time_t jwtcred_token_refresh_time(const jwtcred_token *tok);

/*
 * 1 when tok is past its refresh point and still before its expiry
 * (jwtcred_token_expiry), else 0 (also for NULL).  No I/O: cheap enough
 * to ask before each use.  A host that refreshes on its own thread asks
 * this, then calls jwtcred_token_refresh() there.
 */
int jwtcred_token_refresh_due(const jwtcred_token *tok);

/*
 * Mint the next token for tok's cache entry ahead of its expiry, on the
 * caller's thread (blocking for the token request), as the background
 * refresh does: only if the entry is still due (another process may have
 * refreshed it), never waiting for the entry's lock (another process is
 * minting it: nothing to do), and at most once a minute per entry after a
 * failure.  Then jwtcred_token_get() answers with the new token.  cfg is
 * the configuration tok came from (or one loaded again from the same
 * file).  Returns JWTCRED_OK when it refreshed or had nothing to do; on a
 * failed mint, its error (JWTCRED_E_NETWORK, _DENIED, ...), and the cached
 * token stays.  Errors also: JWTCRED_E_USAGE, JWTCRED_E_NOPROFILE,
 * JWTCRED_E_CACHE, _NOMEM.
 */
int jwtcred_token_refresh(jwtcred_config *cfg, const jwtcred_token *tok, jwtcred_error *err);

/* The server's instance_url (Salesforce), or NULL when it gave none. */
const char *jwtcred_token_instance_url(const jwtcred_token *tok);

/*
 * The server rejected `tok` (an HTTP 401): drop it from the cache of cfg's
 * profile of the same name as tok's, so that the next jwtcred_token_get()
 * on cfg mints a fresh one.  cfg is the configuration tok was got from, or
 * one loaded again from the same file (it may have been freed since tok was
 * got); it is only read.  A cache entry holding a different (newer) token is
 * left alone, and so is the entry of a profile whose settings changed since
 * tok was got (it never held tok).  tok stays valid and is still the
 * caller's to free.  Errors: JWTCRED_E_USAGE (cfg or tok NULL),
 * JWTCRED_E_NOPROFILE (cfg has no profile of tok's name: nothing dropped),
 * JWTCRED_E_CACHE, _BUSY (the entry's lock was held too long), _SYSTEM,
 * _NOMEM.
 */
int jwtcred_token_invalidate(jwtcred_config *cfg, const jwtcred_token *tok,
                             jwtcred_error *err);

/* Wipe the token from memory and free tok (NULL is fine). */
void jwtcred_token_free(jwtcred_token *tok);

/*
 * Make a libcurl easy handle (a CURL *, passed as void * so this header
 * needs no curl.h) send the token: sets CURLOPT_XOAUTH2_BEARER and
 * CURLOPT_HTTPAUTH = CURLAUTH_BEARER.  libcurl copies the string, so tok may
 * be freed afterwards; libcurl sends the token only to the host of the
 * handle's URL, not to hosts a redirect names.  Call it again with a new
 * token after jwtcred_token_invalidate().
 */
int jwtcred_curl_setup(void *curl, const jwtcred_token *tok, jwtcred_error *err);

#ifdef __cplusplus
}
#endif

#endif /* JWTCRED_H */
