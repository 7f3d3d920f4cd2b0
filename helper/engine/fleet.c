/*
 * fleet.c: the shared cache's flow, inside the engine's mint.
 *
 *   GET <prefix>entry:<name> -> open it (sealed.h) -> a fresh token: done
 *   miss: SET <prefix>lock:<name> <random> NX PX <mint window>
 *     holder:  mint here, SET the sealed entry PX <deadline - now>, delete
 *              the lock if it is still ours (a script), PUBLISH "written"
 *     waiter:  SUBSCRIBE <prefix>written:<name>, then GET after each message
 *              or backoff step (50 ms doubling to 500 ms); a lock that is
 *              gone with no entry behind it is taken; after the mint window,
 *              mint here
 *
 * <name> is jc_seal_name() of the entry's fingerprint (jc_cache_key_shared:
 * the profile's machine-independent parameters and its public key), so
 * Redis learns nothing from it.  Degrade, never fail: any Redis problem
 * mints here, after at most the shared cache's timeout per step, with one
 * warning per process until the shared cache works again.  Only the times
 * in the entry we decrypted count, never Redis's TTL.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "core/cache.h"
#include "core/clock.h"
#include "core/fail.h"
#include "core/refresh.h"
#include "core/secret.h"
#include "core/sharedconf.h"
#include "core/singleflight.h"
#include "core/text.h"
#include "core/trace.h"
#include "engine/assertion.h"
#include "engine/fleet.h"
#include "engine/key.h"
#include "engine/mint.h"
#include "engine/redis.h"
#include "engine/sealed.h"

#define MAX_SECRET 4096
#define MIN_SECRET 16
#define BACKOFF_FIRST_MS 50L
#define BACKOFF_MAX_MS 500L
#define SCAN_COUNT 100
#define SCAN_MAX_KEYS 10000
#define SCAN_MAX_CALLS 1000 /* a cursor that never ends (a hostile server) stops too */

/* One profile's shared entry: how to name it and open it, and the connection. */
struct fleet {
	const struct jc_profile *p;
	const struct jc_mint_in *in; /* or NULL (drop, scan) */
	struct jc_seal_key k;        /* secret */
	char *fp;                    /* the fingerprint: the entry's params */
	char name[JC_SEAL_NAME];
	char entry_key[JC_SHARED_MAX_PREFIX + 8 + JC_SEAL_NAME];
	char lock_key[JC_SHARED_MAX_PREFIX + 8 + JC_SEAL_NAME];
	char channel[JC_SHARED_MAX_PREFIX + 10 + JC_SEAL_NAME];
	char lock_value[33];         /* ours once we hold the lock */
	struct jc_redis *r;
	struct jc_redis *sub;        /* the waiter's subscription, or NULL */
	bool woken;                  /* a message cut a backoff step short already */
};

/* Warned since the shared cache last worked?  One line per process and failure. */
static bool warned;

static void degraded(const struct jc_profile *p, const jwtcred_error *why)
{
	jc_trace("profile '%s': shared cache: %s", p->name, why->text);
	if (!__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
		jc_warn("shared cache '%s' not usable (%s): using the local cache", p->shared->url,
		        why->text);
}

static void worked(void)
{
	__atomic_store_n(&warned, false, __ATOMIC_RELAXED);
}

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The SHA-256 of key's SubjectPublicKeyInfo, hex. */
static int spki_hex(EVP_PKEY *key, char out[65], jwtcred_error *err)
{
	unsigned char *der = NULL, md[32];
	unsigned int mdlen = 0;
	int n = i2d_PUBKEY(key, &der), ok;

	ok = n > 0 && EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen == 32;
	OPENSSL_free(der);
	if (!ok)
		return jc_fail(err, JWTCRED_E_SYSTEM, "cannot encode the public key");
	hex(md, 32, out);
	return JWTCRED_OK;
}

/* The sealing key: from shared_cache.secret_file when set, else the private key's DER. */
static int seal_key(const struct jc_profile *p, EVP_PKEY *key, struct jc_seal_key *k,
                    jwtcred_error *err)
{
	unsigned char *der = NULL;
	char *secret = NULL;
	size_t len = 0;
	int n, rc;

	if (p->shared->secret_file) {
		if ((rc = jc_read_secret_file(p->shared->secret_file, "shared cache secret file", MAX_SECRET,
		                              &secret, &len, err)) != 0)
			return rc;
		if (len < MIN_SECRET)
			rc = jc_fail(err, JWTCRED_E_KEY, "shared cache secret file '%s' holds %zu bytes: at least %d",
			             p->shared->secret_file, len, MIN_SECRET);
		else
			rc = jc_seal_key_init(k, (const unsigned char *)secret, len, err);
		jc_wipe(secret, len);
		free(secret);
		return rc;
	}
	if ((n = i2d_PrivateKey(key, &der)) <= 0)
		return jc_fail(err, JWTCRED_E_SYSTEM, "cannot encode the private key");
	rc = jc_seal_key_init(k, der, (size_t)n, err);
	OPENSSL_clear_free(der, (size_t)n);
	return rc;
}

/* f's key, fingerprint, name and Redis keys, for p's entry of owner. */
static int prepare(struct fleet *f, const struct jc_profile *p, const char *owner,
                   jwtcred_error *err)
{
	const char *prefix = p->shared->key_prefix;
	struct jc_signer s = { 0 };
	char spki[65];
	int rc;

	f->p = p;
	if ((rc = jc_signer_load(p, &s, err)) == 0 && (rc = spki_hex(s.key, spki, err)) == 0)
		rc = seal_key(p, s.key, &f->k, err);
	jc_signer_clear(&s);
	if (rc)
		return rc;
	if ((rc = jc_cache_key_shared(p, owner, spki, &f->fp)) != 0)
		return jc_fail(err, rc, "out of memory");
	if ((rc = jc_seal_name(&f->k, f->fp, f->name, err)) != 0)
		return rc;
	snprintf(f->entry_key, sizeof(f->entry_key), "%sentry:%s", prefix, f->name);
	snprintf(f->lock_key, sizeof(f->lock_key), "%slock:%s", prefix, f->name);
	snprintf(f->channel, sizeof(f->channel), "%swritten:%s", prefix, f->name);
	return JWTCRED_OK;
}

static void finish(struct fleet *f)
{
	jc_seal_key_clear(&f->k);
	free(f->fp);
	jc_redis_close(f->r);
	jc_redis_close(f->sub);
	memset(f, 0, sizeof(*f));
}

/* Would the caller take e (opened from the shared cache) at now? */
static bool usable(const struct fleet *f, const struct jc_entry *e, long long now)
{
	const struct jc_mint_in *in = f->in;

	if (!e->params || strcmp(e->params, f->fp) != 0 || !jc_entry_fresh(e, f->p, now))
		return false;
	if (in && in->replaces && jc_secret_equal(e->token, in->replaces))
		return false; /* the token we were asked to replace */
	return !(in && in->background && jc_refresh_due(e, f->p, now));
}

/* Open a value read from key (named name): *e, or false (with a -v line). */
static bool open_value(const struct fleet *f, const char *name, const unsigned char *val,
                       size_t len, struct jc_entry *e)
{
	jwtcred_error why;

	if (len > JC_SEAL_MAX) {
		jc_trace("profile '%s': shared entry of %zu bytes ignored: larger than %d", f->p->name, len,
		         JC_SEAL_MAX);
		return false;
	}
	if (jc_unseal(&f->k, name, val, len, e, &why) != 0) {
		jc_trace("profile '%s': shared entry ignored: %s", f->p->name, why.text);
		return false;
	}
	return true;
}

/* The entry's token and times into out (its fields transferred). */
static void answer_from(struct jc_entry *e, struct jc_answer *out, long long now)
{
	jc_answer_init(out);
	out->access_token = e->token;
	e->token = NULL;
	out->instance_url = e->instance_url;
	e->instance_url = NULL;
	out->audience = e->audience_used;
	e->audience_used = NULL;
	out->subject = e->subject;
	e->subject = NULL;
	out->installation_id = e->installation_id;
	e->installation_id = NULL;
	out->issued = e->issued;
	out->expires = e->expires;
	out->server_expiry = e->server_expiry;
	out->expires_in = e->server_expiry ? e->expires - now : -1;
}

enum found { FOUND, MISS, BROKEN };

/* GET the entry: FOUND (out filled), MISS, or BROKEN (why filled). */
static enum found lookup(struct fleet *f, struct jc_answer *out, jwtcred_error *why)
{
	struct jc_entry e = { 0 };
	unsigned char *val = NULL;
	long long now = jc_now();
	enum found r = MISS;
	size_t len;

	if (jc_redis_get(f->r, f->entry_key, &val, &len, why) != 0)
		return BROKEN;
	if (val && open_value(f, f->name, val, len, &e)) {
		if (usable(f, &e, now)) {
			jc_trace("profile '%s': token from the shared cache, %llds left", f->p->name,
			         e.expires - now);
			answer_from(&e, out, now);
			r = FOUND;
		} else {
			jc_trace("profile '%s': the shared entry will not do (expired, due or replaced)",
			         f->p->name);
		}
	}
	jc_entry_clear(&e);
	free(val);
	return r;
}

/* Mint here, and fix the answer's times now, so that the shared and the local entry agree. */
static int mint_here(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
                     jwtcred_error *err)
{
	int rc = jc_mint_here(p, in, out, err);

	if (rc == 0)
		jc_answer_times(p, out, jc_now());
	return rc;
}

/* SET the sealed entry for g, to live until its deadline (expiry minus margin). */
static int write_entry(struct fleet *f, const struct jc_answer *g, jwtcred_error *why)
{
	const struct jc_profile *p = f->p;
	struct jc_entry e = { 0 };
	unsigned char *val = NULL;
	long long ttl_ms;
	size_t len = 0;
	bool set;
	int rc;

	/* borrowed: e is not cleared */
	e.profile = p->name;
	e.subject = g->subject ? g->subject : p->subject ? p->subject : (char *)"";
	e.params = f->fp;
	e.token = g->access_token;
	e.instance_url = g->instance_url;
	e.audience_used = g->audience;
	e.installation_id = g->installation_id;
	e.issued = g->issued;
	e.expires = g->expires;
	e.server_expiry = g->server_expiry;
	ttl_ms = (jc_entry_deadline(&e, p) - jc_now()) * 1000LL;
	if (ttl_ms <= 0)
		return JWTCRED_OK; /* due at once: nobody could take it */
	if ((rc = jc_seal(&f->k, f->name, &e, &val, &len, why)) == 0)
		rc = jc_redis_set(f->r, f->entry_key, val, len, ttl_ms, false, &set, why);
	free(val);
	return rc;
}

/*
 * We hold the fleet lock: mint, write, release, tell the waiters.  The lock
 * is released and the waiters told whatever failed before ("failed" when
 * there is no entry to take); each failure is traced, the first warned.
 */
static int hold(struct fleet *f, struct jc_answer *out, jwtcred_error *err)
{
	jwtcred_error why;
	bool deleted, ok = true, written;
	int rc;

	jc_trace("profile '%s': fleet lock taken: minting for the fleet", f->p->name);
	rc = mint_here(f->p, f->in, out, err);
	/* a token we could not share is still good: serve it */
	if (!(written = rc == 0 && write_entry(f, out, &why) == 0) && rc == 0) {
		degraded(f->p, &why);
		ok = false;
	}
	if (jc_redis_del_if(f->r, f->lock_key, f->lock_value, strlen(f->lock_value), &deleted,
	                    &why) != 0) {
		degraded(f->p, &why); /* a lock left behind expires by itself */
		ok = false;
	}
	if (jc_redis_publish(f->r, f->channel, written ? "written" : "failed", &why) != 0) {
		degraded(f->p, &why);
		ok = false;
	}
	if (ok)
		worked();
	return rc;
}

/* SET lock NX: *got says whether it is ours now. */
static int take_lock(struct fleet *f, bool *got, jwtcred_error *why)
{
	unsigned char raw[16];
	long long window = jc_mint_window_ms(f->p);

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return jc_fail(why, JWTCRED_E_SYSTEM, "no random bytes for the fleet lock");
	hex(raw, sizeof(raw), f->lock_value);
	return jc_redis_set(f->r, f->lock_key, f->lock_value, strlen(f->lock_value), window, true, got,
	                    why);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms > 0)
		nanosleep(&ts, NULL);
}

/*
 * The waiter's wake-up: the backoff step, or a message on our channel.
 * Only the first message cuts a step short (the holder's one PUBLISH);
 * after it, a flood of messages (drained by jc_redis_wait_message) still
 * keeps the whole step between lookups.
 */
static int pause_for(struct fleet *f, long ms, jwtcred_error *why)
{
	long long start = jc_monotonic_ms();
	bool got;

	if (f->sub) {
		if (jc_redis_wait_message(f->sub, ms, &got, why) == 0) {
			if (got && f->woken)
				sleep_ms(ms - (long)(jc_monotonic_ms() - start));
			f->woken = f->woken || got;
			return JWTCRED_OK;
		}
		jc_trace("profile '%s': shared cache: %s: polling instead", f->p->name, why->text);
		jc_redis_close(f->sub);
		f->sub = NULL;
	}
	sleep_ms(ms - (long)(jc_monotonic_ms() - start));
	return JWTCRED_OK;
}

/* Subscribe on a second connection; without it, the waiter polls. */
static void subscribe(struct fleet *f)
{
	jwtcred_error why;

	if (jc_redis_open(f->p->shared, &f->sub, &why) == 0 &&
	    jc_redis_subscribe(f->sub, f->channel, &why) == 0)
		return;
	jc_trace("profile '%s': shared cache: no subscription (%s): polling", f->p->name, why.text);
	jc_redis_close(f->sub);
	f->sub = NULL;
}

/*
 * The flow after the first GET missed: the lock, or waiting for its holder.
 * Returns the mint's status; *broken says the shared cache failed (why)
 * before anything was minted.
 */
static int fly(struct fleet *f, struct jc_answer *out, bool *broken, jwtcred_error *why,
               jwtcred_error *err)
{
	/* a holder's lock lives one mint window: past it, mint here (within jc_lock_window_ms) */
	long long give_up = jc_monotonic_ms() + jc_mint_window_ms(f->p);
	long step = BACKOFF_FIRST_MS;
	bool got, joined = false;
	enum found s;

	*broken = true;
	for (;;) {
		if (take_lock(f, &got, why) != 0)
			return JWTCRED_E_NETWORK;
		if (got) {
			*broken = false;
			/* the entry may have landed between our GET and our lock (its
			 * holder wrote, released and published in between): look again */
			if ((s = lookup(f, out, why)) == FOUND) {
				bool deleted;

				jc_redis_del_if(f->r, f->lock_key, f->lock_value, strlen(f->lock_value),
				                &deleted, why);
				worked();
				return JWTCRED_OK;
			}
			return hold(f, out, err);
		}
		if (!joined) {
			jc_trace("profile '%s': another machine holds the fleet lock: waiting", f->p->name);
			subscribe(f);
			joined = true;
		} else if (jc_monotonic_ms() >= give_up) {
			jc_fail(why, JWTCRED_E_NETWORK, "the fleet's mint did not land within %ld s",
			        jc_mint_window_ms(f->p) / 1000);
			return JWTCRED_E_NETWORK;
		} else {
			pause_for(f, step, why);
			step = step * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : step * 2;
		}
		if ((s = lookup(f, out, why)) == BROKEN)
			return JWTCRED_E_NETWORK;
		if (s == FOUND) {
			*broken = false;
			worked();
			return JWTCRED_OK;
		}
	}
}

int jc_fleet_mint(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
                  jwtcred_error *err)
{
	struct fleet f = { 0 };
	jwtcred_error why;
	enum found s;
	bool broken;
	int rc;

	jc_answer_init(out);
	f.in = in;
	if (prepare(&f, p, in->owner, &why) != 0) {
		/* the key is what minting needs too: its mint says what is wrong */
		jc_trace("profile '%s': shared cache not used: %s", p->name, why.text);
		finish(&f);
		return mint_here(p, in, out, err);
	}
	if (jc_redis_open(p->shared, &f.r, &why) != 0 || (s = lookup(&f, out, &why)) == BROKEN) {
		degraded(p, &why);
		rc = mint_here(p, in, out, err);
	} else if (s == FOUND) {
		worked();
		rc = JWTCRED_OK;
	} else if ((rc = fly(&f, out, &broken, &why, err)) != 0 && broken) {
		degraded(p, &why);
		jc_answer_clear(out);
		rc = mint_here(p, in, out, err);
	}
	finish(&f);
	return rc;
}

int jc_fleet_drop(const struct jc_profile *p, const char *owner, const char *token, bool *dropped,
                  jwtcred_error *err)
{
	struct fleet f = { 0 };
	struct jc_entry e = { 0 };
	unsigned char *val = NULL;
	size_t len = 0;
	int rc;

	*dropped = false;
	if (!p->shared)
		return JWTCRED_OK;
	if ((rc = prepare(&f, p, owner, err)) == 0 && (rc = jc_redis_open(p->shared, &f.r, err)) == 0 &&
	    (rc = jc_redis_get(f.r, f.entry_key, &val, &len, err)) == 0 && val &&
	    open_value(&f, f.name, val, len, &e) && (!token || jc_secret_equal(e.token, token)))
		/* the exact bytes we opened: an entry another machine wrote since stays */
		rc = jc_redis_del_if(f.r, f.entry_key, val, len, dropped, err);
	jc_entry_clear(&e);
	free(val);
	finish(&f);
	return rc;
}

/* One key of a scan: open it under p's key, report it, and with purge delete it. */
static int scan_key(struct fleet *f, const char *key, bool purge, jc_shared_each_fn each,
                    void *arg, size_t *n, jwtcred_error *err)
{
	size_t plen = strlen(f->p->shared->key_prefix) + 6, len = 0;
	struct jc_entry e = { 0 };
	unsigned char *val = NULL;
	bool deleted = false;
	int rc;

	if (strlen(key) != plen + JC_SEAL_NAME - 1)
		return JWTCRED_OK; /* not an entry name */
	if ((rc = jc_redis_get(f->r, key, &val, &len, err)) != 0)
		return rc;
	if (val && jc_unseal(&f->k, key + plen, val, len, &e, err) == 0 &&
	    strcmp(e.profile, f->p->name) == 0) {
		if (purge && (rc = jc_redis_del_if(f->r, key, val, len, &deleted, err)) != 0)
			goto out;
		(*n)++;
		each(arg, &e, deleted);
	}
	rc = JWTCRED_OK;
out:
	jc_entry_clear(&e);
	free(val);
	return rc;
}

int jc_fleet_scan(const struct jc_profile *p, bool purge, jc_shared_each_fn each, void *arg,
                  size_t *n, jwtcred_error *err)
{
	struct fleet f = { 0 };
	char cursor[32] = "0", pattern[JC_SHARED_MAX_PREFIX + 8];
	char **keys = NULL;
	size_t nkeys = 0, seen = 0, calls = 0, i;
	int rc;

	*n = 0;
	if ((rc = prepare(&f, p, NULL, err)) != 0 || (rc = jc_redis_open(p->shared, &f.r, err)) != 0)
		goto out;
	snprintf(pattern, sizeof(pattern), "%sentry:*", p->shared->key_prefix);
	do {
		if ((rc = jc_redis_scan(f.r, cursor, pattern, SCAN_COUNT, &keys, &nkeys, err)) != 0)
			goto out;
		for (i = 0; i < nkeys && rc == 0; i++)
			rc = scan_key(&f, keys[i], purge, each, arg, n, err);
		seen += nkeys;
		jc_redis_keys_free(keys, nkeys);
		if (rc)
			goto out;
		if ((seen >= SCAN_MAX_KEYS || ++calls >= SCAN_MAX_CALLS) && strcmp(cursor, "0") != 0) {
			each(arg, NULL, false); /* stopped: the caller says so */
			break;
		}
	} while (strcmp(cursor, "0") != 0);
out:
	finish(&f);
	return rc;
}
