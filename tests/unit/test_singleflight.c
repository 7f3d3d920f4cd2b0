/*
 * test_singleflight.c: jc_token_fetch and jc_token_drop, the single-flight
 * core, driven by a fake engine.  Linked against libjccore alone: the
 * jc_engine() below is the only engine, and its mint() counts its calls in
 * shared memory so that forked callers are counted too, can be slow, and
 * can fail.  The clock is fixed; the cache is a fresh 0700 directory.
 * The test process is a child subreaper, so the detached refresh workers
 * (double forked) become its children: reap_workers() waits for every one
 * of them, and the mint counts after it are exact, with no sleeping.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cache.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/refresh.h"
#include "core/singleflight.h"

#define T0 1764000000LL /* the fixed "now" of every test */
#define NCALLERS 16
#define NHITS 50
#define REFRESH_MINT_MS 5000 /* the mint of the concurrent hits' refresh */
#define SLOW_MS 300
#define AUD "https://login.salesforce.com"

/* What the fake engine does and saw; in MAP_SHARED memory. */
struct fake {
	int mints;              /* calls to mint(), from any process */
	int fail;               /* mint() returns this when nonzero */
	int sleep_ms;           /* mint() takes this long */
	long long expires_in;   /* put in the answer; -1: none (token_lifetime applies) */
	bool audience_first_set;/* what the last mint() was told to try first */
	char audience_first[128];
	/* the concurrent callers' results */
	int rc[NCALLERS];
	char token[NCALLERS][32];
	/* the concurrent hits of the refresh tests */
	char hit_token[NHITS][32];
	long long hit_t0[NHITS], hit_t1[NHITS]; /* jc_monotonic_ms() before the fetch, after jc_refresh_start() */
	long long mint_t0, mint_t1;             /* jc_monotonic_ms() as the last mint began and ended */
};

static struct fake *fake;

static int fake_mint(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
                     jwtcred_error *err)
{
	const char *audience_first = in ? in->audience_first : NULL;

	int n = __atomic_add_fetch(&fake->mints, 1, __ATOMIC_SEQ_CST);
	char tok[32];
	struct timespec ts = { fake->sleep_ms / 1000, (fake->sleep_ms % 1000) * 1000000L };

	fake->mint_t0 = jc_monotonic_ms();

	fake->audience_first_set = audience_first != NULL;
	snprintf(fake->audience_first, sizeof(fake->audience_first), "%s",
	         audience_first ? audience_first : "");
	if (fake->sleep_ms)
		nanosleep(&ts, NULL);
	fake->mint_t1 = jc_monotonic_ms();
	snprintf(tok, sizeof(tok), "tok-%d", n);
	/* filled even on failure: the core must neither keep nor leak it */
	if (!(out->access_token = strdup(tok)) || !(out->audience = strdup(AUD)) ||
	    !(out->instance_url = strdup("https://example.my.salesforce.com")))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	out->expires_in = fake->expires_in;
	if (fake->fail)
		return jc_fail(err, fake->fail, "the fake endpoint said no");
	return JWTCRED_OK;
}

static int fake_revoke(const struct jc_profile *p, const char *token, jwtcred_error *err)
{
	return jc_fail(err, JWTCRED_E_USAGE, "not used here");
}

/* Only .abi, .mint and .revoke: the other members are being renamed. */
static const struct jc_engine fake_engine = {
	.abi = JC_ENGINE_ABI,
	.mint = fake_mint,
	.revoke = fake_revoke,
};

const struct jc_engine *jc_engine(jwtcred_error *err)
{
	return &fake_engine;
}

struct fixture {
	char *dir; /* $JWTCRED_CACHE_DIR */
	char *audiences[1];
	struct jc_profile p; /* string literals: never jc_profile_clear()ed */
};

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *base = getenv("TMPDIR");
	char tmpl[4096];

	if (!f)
		return -1;
	if (!base || base[0] != '/')
		base = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/jwtcred-sf.XXXXXX", base);
	if (!mkdtemp(tmpl) || !(f->dir = strdup(tmpl))) /* mkdtemp: 0700 */
		return -1;
	fake = mmap(NULL, sizeof(*fake), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fake == MAP_FAILED)
		return -1;
	/* orphaned descendants (the detached refresh workers) are re-parented to us */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		return -1;
	fake->expires_in = -1;
	f->audiences[0] = (char *)AUD;
	f->p = (struct jc_profile){
		.name = (char *)"prod",
		.line = 1,
		.provider = JC_PROVIDER_SALESFORCE,
		.issuer = (char *)"3MVG9example.consumer.key",
		.subject = (char *)"ci@example.com",
		.login_url = (char *)AUD,
		.token_url = (char *)AUD "/services/oauth2/token",
		.audiences = f->audiences,
		.naudiences = 1,
		.private_key = (char *)"/nonexistent/prod.key", /* the cache only stats it */
		.algorithm = (char *)"RS256",
		.git_username = (char *)"ci@example.com",
		.assertion_lifetime = 180,
		.token_lifetime = 900,
		.refresh_margin = 60,
		.timeout = 30,
		.cache = true,
	};
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("XDG_CACHE_HOME");
	setenv("JWTCRED_CACHE_DIR", f->dir, 1);
	jc_clock_set((time_t)T0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	jc_clock_set(0);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f->dir);
	munmap(fake, sizeof(*fake));
	fake = NULL;
	free(f);
	return 0;
}

/* Fetch, which must work; *out is the caller's. */
static void fetch_ok(const struct jc_profile *p, unsigned flags, struct jc_entry *out)
{
	jwtcred_error err = { "" };
	int rc = jc_token_fetch(p, flags, out, &err);

	if (rc != JWTCRED_OK)
		fail_msg("jc_token_fetch: %d: %s", rc, err.text);
	assert_non_null(out->token);
}

/* The token in p's cache entry as a new string, or NULL when there is none. */
static char *cached_token(const struct jc_profile *p)
{
	char *params = NULL, *path = NULL, *tok = NULL, name[JC_ENTRY_NAME];
	struct jc_entry e = { 0 };
	jwtcred_error err = { "" };
	int dirfd = -1;

	assert_int_equal(jc_cache_key(p, &params, name), JWTCRED_OK);
	if (jc_cache_open(&dirfd, &path, &err) != JWTCRED_OK)
		fail_msg("jc_cache_open: %s", err.text);
	if (jc_cache_read(dirfd, name, params, &e) == JWTCRED_OK)
		tok = strdup(e.token);
	jc_entry_clear(&e);
	close(dirfd);
	free(path);
	free(params);
	return tok;
}

static void assert_cached(const struct jc_profile *p, const char *want)
{
	char *tok = cached_token(p);

	if (!want && tok)
		fail_msg("the cache holds '%s', want nothing", tok);
	if (want && (!tok || strcmp(tok, want) != 0))
		fail_msg("the cache holds '%s', want '%s'", tok ? tok : "(nothing)", want);
	free(tok);
}

/* A miss mints once, answers with what was minted, and writes it. */
static void test_miss_then_hit(void **state)
{
	struct fixture *f = *state;
	struct jc_entry e = { 0 };

	assert_cached(&f->p, NULL);
	fetch_ok(&f->p, 0, &e);
	assert_int_equal(fake->mints, 1);
	assert_false(fake->audience_first_set); /* nothing was cached: no audience known */
	assert_string_equal(e.token, "tok-1");
	assert_string_equal(e.profile, "prod");
	assert_string_equal(e.subject, "ci@example.com");
	assert_string_equal(e.audience_used, AUD);
	assert_string_equal(e.instance_url, "https://example.my.salesforce.com");
	assert_int_equal(e.issued, T0);
	assert_int_equal(e.expires, T0 + 900); /* no expires_in: token_lifetime */
	assert_false(e.server_expiry);
	jc_entry_clear(&e);
	assert_cached(&f->p, "tok-1");

	/* a hit mints nothing and answers with the cached token */
	fetch_ok(&f->p, 0, &e);
	assert_int_equal(fake->mints, 1);
	assert_string_equal(e.token, "tok-1");
	assert_int_equal(e.expires, T0 + 900);
	jc_entry_clear(&e);
}

/*
 * Mint at T0, then fetch again at T0 + later: is the entry served, or is a
 * new token minted (told to try the audience that worked first)?
 */
static void test_expiry_and_margin(void **state)
{
	static const struct {
		const char *what;
		long long expires_in; /* -1: token_lifetime (900) */
		long margin;
		long long later;
		bool mints;
	} rows[] = {
		{ "at once", -1, 60, 0, false },
		{ "just outside the margin", -1, 60, 900 - 60 - 1, false },
		{ "at the margin", -1, 60, 900 - 60, true },
		{ "inside the margin", -1, 60, 900 - 30, true },
		{ "at expiry", -1, 60, 900, true },
		{ "long expired", -1, 60, 86400, true },
		{ "no margin, last second", -1, 0, 899, false },
		{ "no margin, expired", -1, 0, 900, true },
		{ "wide margin", -1, 600, 299, false },
		{ "wide margin, inside", -1, 600, 300, true },
		/* the server's expires_in wins over token_lifetime */
		{ "server expiry, past token_lifetime", 3600, 60, 900, false },
		{ "server expiry, outside the margin", 3600, 60, 3600 - 61, false },
		{ "server expiry, at the margin", 3600, 60, 3600 - 60, true },
		{ "server expiry shorter than token_lifetime", 120, 60, 60, true },
		{ "server expiry shorter, outside the margin", 120, 60, 59, false },
		/* an entry issued in our future: the clock went back */
		{ "clock back within the slack", -1, 60, -300, false },
		{ "clock back past the slack", -1, 60, -301, true },
	};
	struct fixture *f = *state;
	struct jc_entry e = { 0 };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		assert_int_equal(mkdir(f->dir, 0700), 0);
		fake->mints = 0;
		fake->expires_in = rows[i].expires_in;
		f->p.refresh_margin = rows[i].margin;
		jc_clock_set((time_t)T0);
		fetch_ok(&f->p, 0, &e);
		assert_int_equal(e.expires, T0 + (rows[i].expires_in > 0 ? rows[i].expires_in : 900));
		jc_entry_clear(&e);

		jc_clock_set((time_t)(T0 + rows[i].later));
		fetch_ok(&f->p, 0, &e);
		if (fake->mints != (rows[i].mints ? 2 : 1) ||
		    strcmp(e.token, rows[i].mints ? "tok-2" : "tok-1") != 0)
			fail_msg("row %zu (%s): %d mints, token '%s'", i, rows[i].what, fake->mints, e.token);
		if (rows[i].mints) {
			/* the audience that worked last time goes first */
			if (!fake->audience_first_set || strcmp(fake->audience_first, AUD) != 0)
				fail_msg("row %zu (%s): audience first '%s'", i, rows[i].what,
				         fake->audience_first);
			if (e.issued != T0 + rows[i].later)
				fail_msg("row %zu (%s): issued %lld", i, rows[i].what, e.issued);
		}
		jc_entry_clear(&e);
		assert_cached(&f->p, rows[i].mints ? "tok-2" : "tok-1");
	}
}

/* A failed mint returns its error, writes nothing, and is not remembered. */
static void test_failed_mint(void **state)
{
	static const struct {
		const char *what;
		bool cached;   /* an expired entry "tok-1" is there first */
		int fail;
	} rows[] = {
		{ "empty cache, denied", false, JWTCRED_E_DENIED },
		{ "empty cache, network", false, JWTCRED_E_NETWORK },
		{ "expired entry, denied", true, JWTCRED_E_DENIED },
		{ "expired entry, bad response", true, JWTCRED_E_RESPONSE },
	};
	struct fixture *f = *state;
	struct jc_entry e = { 0 };
	jwtcred_error err;
	size_t i;
	int rc, base;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		assert_int_equal(mkdir(f->dir, 0700), 0);
		fake->mints = 0;
		jc_clock_set((time_t)T0);
		if (rows[i].cached) {
			fetch_ok(&f->p, 0, &e);
			jc_entry_clear(&e);
			jc_clock_set((time_t)(T0 + 900));
		}
		base = fake->mints;

		fake->fail = rows[i].fail;
		strcpy(err.text, "unset");
		memset(&e, 0x55, sizeof(e)); /* whatever the caller had: cleared */
		rc = jc_token_fetch(&f->p, 0, &e, &err);
		fake->fail = 0;
		if (rc != rows[i].fail)
			fail_msg("row %zu (%s): rc %d", i, rows[i].what, rc);
		assert_string_equal(err.text, "the fake endpoint said no");
		assert_null(e.token);
		assert_null(e.profile);
		assert_int_equal(fake->mints, base + 1);
		/* nothing written: the old entry, if any, is as it was */
		assert_cached(&f->p, rows[i].cached ? "tok-1" : NULL);

		/* the next call mints again, and that one sticks */
		fetch_ok(&f->p, 0, &e);
		assert_int_equal(fake->mints, base + 2);
		jc_entry_clear(&e);
		if (!rows[i].cached)
			assert_cached(&f->p, "tok-2");
		else
			assert_cached(&f->p, "tok-3");
	}
}

/* JWTCRED_REFRESH, JWTCRED_NO_CACHE and a profile with cache = false. */
static void test_flags(void **state)
{
	static const struct {
		const char *what;
		unsigned flags;
		bool cache;     /* the profile's setting */
		bool cached;    /* a fresh "tok-1" is there first */
		const char *token; /* answered */
		const char *left;  /* in the cache afterwards, or NULL */
	} rows[] = {
		{ "refresh a fresh entry", JWTCRED_REFRESH, true, true, "tok-2", "tok-2" },
		{ "refresh, nothing cached", JWTCRED_REFRESH, true, false, "tok-1", "tok-1" },
		{ "no-cache ignores a fresh entry", JWTCRED_NO_CACHE, true, true, "tok-2", "tok-1" },
		{ "no-cache writes nothing", JWTCRED_NO_CACHE, true, false, "tok-1", NULL },
		{ "both", JWTCRED_REFRESH | JWTCRED_NO_CACHE, true, true, "tok-2", "tok-1" },
		{ "cache = false ignores a fresh entry", 0, false, true, "tok-2", "tok-1" },
		{ "cache = false writes nothing", 0, false, false, "tok-1", NULL },
	};
	struct fixture *f = *state;
	struct jc_entry e = { 0 };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		assert_int_equal(mkdir(f->dir, 0700), 0);
		fake->mints = 0;
		f->p.cache = true;
		if (rows[i].cached) {
			fetch_ok(&f->p, 0, &e);
			jc_entry_clear(&e);
		}
		f->p.cache = rows[i].cache;
		fetch_ok(&f->p, rows[i].flags, &e);
		f->p.cache = true;
		if (fake->mints != (rows[i].cached ? 2 : 1) || strcmp(e.token, rows[i].token) != 0)
			fail_msg("row %zu (%s): %d mints, token '%s'", i, rows[i].what, fake->mints, e.token);
		assert_int_equal(e.issued, T0);
		assert_string_equal(e.profile, "prod");
		jc_entry_clear(&e);
		assert_cached(&f->p, rows[i].left);
	}
}

/*
 * N callers at once, the mint slow: exactly one mint, and every caller
 * gets its token.  With JWTCRED_REFRESH too (each asked to replace the
 * same token), and when the only entry has expired.  When that one mint
 * fails, every caller gets its failure: nobody asks the endpoint again.
 */
static void test_concurrent(void **state)
{
	static const struct {
		const char *what;
		unsigned flags;
		long long before; /* "tok-1" minted this long before T0; 0: nothing cached */
		int fail;         /* the one mint fails with this */
	} rows[] = {
		{ "empty cache", 0, 0, 0 },
		{ "expired entry", 0, 900, 0 },
		{ "inside the margin", 0, 850, 0 },
		{ "all asked to refresh one token", JWTCRED_REFRESH, 10, 0 },
		{ "the mint is denied", 0, 0, JWTCRED_E_DENIED },
		{ "the endpoint is down, an entry expired", 0, 900, JWTCRED_E_NETWORK },
		/* each caller's own: the key, its passphrase variable */
		{ "the key cannot be used", 0, 0, JWTCRED_E_KEY },
	};
	struct fixture *f = *state;
	struct jc_entry e = { 0 };
	pid_t pid[NCALLERS];
	const char *want;
	int go[2], status, n, base, mints;
	size_t i;
	char c;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		assert_int_equal(mkdir(f->dir, 0700), 0);
		memset(fake, 0, sizeof(*fake));
		fake->expires_in = -1;
		if (rows[i].before) {
			jc_clock_set((time_t)(T0 - rows[i].before));
			fetch_ok(&f->p, 0, &e);
			jc_entry_clear(&e);
		}
		jc_clock_set((time_t)T0);
		base = fake->mints;
		want = base ? "tok-2" : "tok-1";
		fake->sleep_ms = SLOW_MS;
		fake->fail = rows[i].fail;

		assert_int_equal(pipe(go), 0);
		for (n = 0; n < NCALLERS; n++) {
			fake->rc[n] = 1; /* not reported */
			pid[n] = fork();
			assert_true(pid[n] >= 0);
			if (pid[n] == 0) {
				jwtcred_error err;

				alarm(60); /* a hung caller fails the test, not the run */
				close(go[1]);
				while (read(go[0], &c, 1) < 0 && errno == EINTR)
					;
				fake->rc[n] = jc_token_fetch(&f->p, rows[i].flags, &e, &err);
				if (fake->rc[n] == JWTCRED_OK)
					snprintf(fake->token[n], sizeof(fake->token[n]), "%s", e.token);
				else
					snprintf(fake->token[n], sizeof(fake->token[n]), "%.30s", err.text);
				jc_entry_clear(&e);
				_exit(0);
			}
		}
		close(go[0]);
		close(go[1]); /* all start at once */
		for (n = 0; n < NCALLERS; n++) {
			assert_int_equal(waitpid(pid[n], &status, 0), pid[n]);
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				fail_msg("row %zu (%s): caller %d died (status %#x)", i, rows[i].what, n, status);
		}
		fake->sleep_ms = 0;
		fake->fail = 0;
		mints = rows[i].fail == JWTCRED_E_KEY ? NCALLERS : 1;
		if (fake->mints != base + mints)
			fail_msg("row %zu (%s): %d callers made %d mints, want %d", i, rows[i].what,
			         NCALLERS, fake->mints - base, mints);
		if (rows[i].fail)
			want = "the fake endpoint said no"; /* each caller's error text */
		for (n = 0; n < NCALLERS; n++)
			if (fake->rc[n] != rows[i].fail || strncmp(fake->token[n], want, 31) != 0)
				fail_msg("row %zu (%s): caller %d: rc %d, '%s', want '%s'", i,
				         rows[i].what, n, fake->rc[n], fake->token[n], want);
		if (!rows[i].fail) {
			assert_cached(&f->p, want);
			continue;
		}
		/* a caller who comes later asks again, and that mint sticks */
		fetch_ok(&f->p, 0, &e);
		assert_int_equal(fake->mints, base + mints + 1);
		jc_entry_clear(&e);
	}
}

/*
 * Callers waiting on the lock, held here, for a token that another
 * process mints.  Either it lands (renamed into place) while the lock is
 * still held, and the waiters take it without the lock; or it appears
 * silently (a hard link: no rename to wake anyone) just before the lock
 * is freed, so a waiter takes the lock with the token already there: only
 * the check under the lock keeps it from minting a second one.
 */
static void test_waiters(void **state)
{
	static const struct {
		const char *what;
		bool silent; /* link(2) it in, then unlock; else rename it in, unlock after */
	} rows[] = {
		{ "lands while the lock is held", false },
		{ "appears as the lock is freed", true },
	};
	enum { NWAIT = 4 };
	struct fixture *f = *state;
	char *params = NULL, *path = NULL, *side = NULL, name[JC_ENTRY_NAME];
	struct jc_entry planted, e = { 0 };
	struct timespec settle = { 0, 300 * 1000000L };
	jwtcred_error err = { "" };
	int dirfd = -1, sidefd = -1, lockfd = -1, go[2], status, n;
	pid_t pid[NWAIT];
	size_t i;
	char c;

	f->p.timeout = 2; /* a waiter that is never told gives up after 7 s */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		assert_int_equal(mkdir(f->dir, 0700), 0);
		memset(fake, 0, sizeof(*fake));
		fake->expires_in = -1;
		if (jc_cache_open(&dirfd, &path, &err) != JWTCRED_OK)
			fail_msg("jc_cache_open: %s", err.text);
		side = malloc(strlen(path) + sizeof("/side"));
		assert_non_null(side);
		snprintf(side, strlen(path) + sizeof("/side"), "%s/side", path);
		assert_int_equal(mkdir(side, 0700), 0);
		assert_true((sidefd = open(side, O_RDONLY | O_DIRECTORY)) >= 0);
		assert_int_equal(jc_cache_key(&f->p, &params, name), JWTCRED_OK);
		planted = (struct jc_entry){
			.profile = (char *)"prod",
			.subject = (char *)"ci@example.com",
			.params = params,
			.token = (char *)"planted",
			.issued = T0,
			.expires = T0 + 900,
		};
		if (jc_cache_lock(dirfd, path, name, 1000, &lockfd, &err) != JWTCRED_OK)
			fail_msg("jc_cache_lock: %s", err.text);

		assert_int_equal(pipe(go), 0);
		for (n = 0; n < NWAIT; n++) {
			fake->rc[n] = 1;
			pid[n] = fork();
			assert_true(pid[n] >= 0);
			if (pid[n] == 0) {
				alarm(60);
				close(go[1]);
				close(lockfd); /* our copy would hold the flock after the parent's close */
				while (read(go[0], &c, 1) < 0 && errno == EINTR)
					;
				fake->rc[n] = jc_token_fetch(&f->p, 0, &e, &err);
				if (fake->rc[n] == JWTCRED_OK)
					snprintf(fake->token[n], sizeof(fake->token[n]), "%s", e.token);
				jc_entry_clear(&e);
				_exit(0);
			}
		}
		close(go[0]);
		close(go[1]);
		nanosleep(&settle, NULL); /* all of them waiting, polling at their slowest */
		if (rows[i].silent) {
			if (jc_cache_write(sidefd, side, name, &planted, &err) != JWTCRED_OK)
				fail_msg("jc_cache_write: %s", err.text);
			assert_int_equal(linkat(sidefd, name, dirfd, name, 0), 0);
			assert_int_equal(unlinkat(sidefd, name, 0), 0);
			jc_cache_unlock(lockfd);
		} else if (jc_cache_write(dirfd, path, name, &planted, &err) != JWTCRED_OK) {
			fail_msg("jc_cache_write: %s", err.text);
		}
		for (n = 0; n < NWAIT; n++) {
			assert_int_equal(waitpid(pid[n], &status, 0), pid[n]);
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				fail_msg("row %zu (%s): waiter %d died (status %#x)", i, rows[i].what, n, status);
		}
		if (!rows[i].silent)
			jc_cache_unlock(lockfd);
		if (fake->mints != 0)
			fail_msg("row %zu (%s): the waiters made %d mints", i, rows[i].what, fake->mints);
		for (n = 0; n < NWAIT; n++)
			if (fake->rc[n] != JWTCRED_OK || strcmp(fake->token[n], "planted") != 0)
				fail_msg("row %zu (%s): waiter %d: rc %d, token '%s'", i, rows[i].what, n,
				         fake->rc[n], fake->token[n]);
		close(sidefd);
		close(dirfd);
		free(params);
		free(path);
		free(side);
		params = path = side = NULL;
	}
}

/* A rejected token is dropped only when the entry still holds it. */
static void test_drop(void **state)
{
	static const struct {
		const char *what;
		bool cached;      /* "tok-1" is cached */
		bool cache;       /* the profile's setting when dropping */
		const char *token;/* reported as rejected; NULL: whatever is there */
		bool dropped;
	} rows[] = {
		{ "the cached token", true, true, "tok-1", true },
		{ "another token", true, true, "tok-2", false },
		{ "a prefix of the cached token", true, true, "tok-", false },
		{ "the cached token and more", true, true, "tok-1x", false },
		{ "the empty string", true, true, "", false },
		{ "any token", true, true, NULL, true },
		{ "nothing cached", false, true, "tok-1", false },
		{ "nothing cached, any token", false, true, NULL, false },
		{ "cache = false", true, false, "tok-1", false },
	};
	struct fixture *f = *state;
	struct jc_entry e = { 0 };
	jwtcred_error err = { "" };
	bool dropped;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		assert_int_equal(mkdir(f->dir, 0700), 0);
		fake->mints = 0;
		if (rows[i].cached) {
			fetch_ok(&f->p, 0, &e);
			jc_entry_clear(&e);
		}
		f->p.cache = rows[i].cache;
		dropped = !rows[i].dropped;
		rc = jc_token_drop(&f->p, rows[i].token, &dropped, &err);
		f->p.cache = true;
		if (rc != JWTCRED_OK || dropped != rows[i].dropped)
			fail_msg("row %zu (%s): rc %d (%s), dropped %d", i, rows[i].what, rc, err.text,
			         dropped);
		assert_cached(&f->p, rows[i].cached && !rows[i].dropped ? "tok-1" : NULL);
		/* after a drop the next fetch mints; otherwise it is a hit */
		fetch_ok(&f->p, 0, &e);
		if (fake->mints != (rows[i].cached && !rows[i].dropped ? 1 : rows[i].cached ? 2 : 1))
			fail_msg("row %zu (%s): %d mints", i, rows[i].what, fake->mints);
		jc_entry_clear(&e);
	}
}

/* The entry name is the cache's, and another profile has another. */
static void test_entry_name(void **state)
{
	struct fixture *f = *state;
	char name[JC_ENTRY_NAME], name2[JC_ENTRY_NAME], key[JC_ENTRY_NAME], *params = NULL;
	struct jc_profile q = f->p;

	assert_int_equal(jc_token_entry_name(&f->p, name), JWTCRED_OK);
	assert_int_equal(strlen(name), 16);
	assert_int_equal(strspn(name, "0123456789abcdef"), 16);
	assert_int_equal(jc_cache_key(&f->p, &params, key), JWTCRED_OK);
	free(params);
	assert_string_equal(name, key);
	q.name = (char *)"sandbox";
	assert_int_equal(jc_token_entry_name(&q, name2), JWTCRED_OK);
	assert_string_not_equal(name, name2);
	assert_int_equal(fake->mints, 0);
}

/* The refresh point: expiry - min(ahead, lifetime / 2); ahead by default max(lifetime / 4, 2 * margin). */
static void test_refresh_point(void **state)
{
	static const struct {
		const char *what;
		long long expires_in; /* -1: token_lifetime (900) */
		long margin, ahead;   /* ahead: the profile's refresh_ahead */
		long long point;      /* after T0; -1: never */
	} rows[] = {
		{ "default: the last quarter", -1, 60, JC_REFRESH_AHEAD_AUTO, 900 - 225 },
		{ "default: twice a wide margin", -1, 150, JC_REFRESH_AHEAD_AUTO, 900 - 300 },
		{ "default, no margin", -1, 0, JC_REFRESH_AHEAD_AUTO, 900 - 225 },
		{ "default: never before half the lifetime", -1, 300, JC_REFRESH_AHEAD_AUTO, 450 },
		{ "server expiry", 3600, 60, JC_REFRESH_AHEAD_AUTO, 3600 - 900 },
		{ "a short server expiry", 8, 1, JC_REFRESH_AHEAD_AUTO, 8 - 2 },
		{ "set", -1, 60, 120, 900 - 120 },
		{ "set past half the lifetime", -1, 60, 800, 450 },
		{ "off", -1, 60, 0, -1 },
	};
	struct fixture *f = *state;
	struct jc_entry e = { 0 };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		assert_int_equal(mkdir(f->dir, 0700), 0);
		fake->expires_in = rows[i].expires_in;
		f->p.refresh_margin = rows[i].margin;
		f->p.refresh_ahead = rows[i].ahead;
		fetch_ok(&f->p, 0, &e);
		if (jc_refresh_point(&e, &f->p) != (rows[i].point < 0 ? 0 : T0 + rows[i].point))
			fail_msg("row %zu (%s): point %lld, want T0 + %lld", i, rows[i].what,
			         jc_refresh_point(&e, &f->p) - T0, rows[i].point);
		/* due from the point on, while the entry is fresh */
		if (rows[i].point >= 0) {
			assert_false(jc_refresh_due(&e, &f->p, T0 + rows[i].point - 1));
			assert_true(jc_refresh_due(&e, &f->p, T0 + rows[i].point));
			assert_false(jc_refresh_due(&e, &f->p, jc_entry_deadline(&e, &f->p)));
		} else {
			assert_false(jc_refresh_due(&e, &f->p, jc_entry_deadline(&e, &f->p) - 1));
		}
		jc_entry_clear(&e);
	}
}

/* Sleep ms milliseconds. */
static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Wait for every child, the detached refresh workers included (we are
 * their subreaper): after it, every refresh started so far has minted or
 * given up.  Fails after 60 s (a worker that hangs).
 */
static void reap_workers(void)
{
	long long deadline = jc_monotonic_ms() + 60000;
	pid_t got;

	for (;;) {
		got = waitpid(-1, NULL, WNOHANG);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break; /* ECHILD: none left */
		if (got == 0) {
			if (jc_monotonic_ms() > deadline)
				fail_msg("a background refresh still runs after 60 s");
			nap(5);
		}
	}
	if (errno != ECHILD)
		fail_msg("waitpid: %s", strerror(errno));
}

/* "tok-1", minted `age` seconds before T0, with refreshing ahead by default: due from T0 - age + 675. */
static void cache_aged(struct fixture *f, long long age)
{
	struct jc_entry e = { 0 };

	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	memset(fake, 0, sizeof(*fake));
	fake->expires_in = -1;
	f->p.refresh_ahead = JC_REFRESH_AHEAD_AUTO;
	jc_clock_set((time_t)(T0 - age));
	fetch_ok(&f->p, 0, &e);
	jc_entry_clear(&e);
	jc_clock_set((time_t)T0);
	assert_int_equal(fake->mints, 1);
}

/* Before the refresh point a hit starts nothing; so does one with refreshing off. */
static void test_refresh_not_due(void **state)
{
	struct fixture *f = *state;
	enum jc_refresh_outcome done;
	struct jc_entry e = { 0 };
	jwtcred_error err;

	cache_aged(f, 674); /* the point is T0 + 1 */
	fetch_ok(&f->p, 0, &e);
	assert_false(jc_refresh_due(&e, &f->p, T0));
	jc_refresh_start(&f->p, 0, &e, false);
	assert_int_equal(jc_token_refresh(&f->p, NULL, 0, &done, &err), JWTCRED_OK);
	assert_int_equal(done, JC_REFRESH_NOT_DUE);
	/* due, but off */
	jc_clock_set((time_t)(T0 + 1));
	f->p.refresh_ahead = 0;
	assert_false(jc_refresh_due(&e, &f->p, T0 + 1));
	jc_refresh_start(&f->p, 0, &e, false);
	assert_int_equal(jc_token_refresh(&f->p, NULL, 0, &done, &err), JWTCRED_OK);
	assert_int_equal(done, JC_REFRESH_NOT_DUE);
	jc_entry_clear(&e);
	reap_workers(); /* a detached refresh, had one started, has minted now */
	assert_int_equal(fake->mints, 1);
	assert_cached(&f->p, "tok-1");
}

/*
 * 50 hits at once past the refresh point: each answers with the cached
 * token at once (starting the refresh takes a fork's time, not the mint's)
 * and, between them all, exactly one detached refresh mints.  "At once"
 * is not a wall-clock budget: 50 double forks under valgrind on 2 loaded
 * cores took 2.5 s.  A hit that waited for the mint would have been busy
 * from before the mint began until after it ended: no hit's time may
 * contain the mint's (5 s).  A hit that fetched only after the mint ended
 * may answer its token.
 */
static void test_refresh_concurrent_hits(void **state)
{
	struct fixture *f = *state;
	struct jc_entry e = { 0 };
	pid_t pid[NHITS];
	int go[2], status, n;
	long long slowest;
	char c;

	cache_aged(f, 700); /* due since T0 - 25, fresh until T0 + 140 */
	fake->sleep_ms = REFRESH_MINT_MS;
	assert_int_equal(pipe(go), 0);
	for (n = 0; n < NHITS; n++) {
		pid[n] = fork();
		assert_true(pid[n] >= 0);
		if (pid[n] == 0) {
			jwtcred_error err;

			alarm(60);
			close(go[1]);
			while (read(go[0], &c, 1) < 0 && errno == EINTR)
				;
			fake->hit_t0[n] = jc_monotonic_ms();
			if (jc_token_fetch(&f->p, 0, &e, &err) == JWTCRED_OK)
				snprintf(fake->hit_token[n], sizeof(fake->hit_token[n]), "%s", e.token);
			jc_refresh_start(&f->p, 0, &e, false);
			fake->hit_t1[n] = jc_monotonic_ms();
			jc_entry_clear(&e);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);
	for (n = 0; n < NHITS; n++) {
		assert_int_equal(waitpid(pid[n], &status, 0), pid[n]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	reap_workers(); /* every refresh the hits started has minted, or found the lock taken */
	for (n = 0, slowest = 0; n < NHITS; n++) {
		if (strcmp(fake->hit_token[n], "tok-1") != 0 &&
		    !(strcmp(fake->hit_token[n], "tok-2") == 0 && fake->hit_t0[n] >= fake->mint_t1))
			fail_msg("hit %d answered '%s', want the cached tok-1", n, fake->hit_token[n]);
		if (fake->hit_t0[n] <= fake->mint_t0 && fake->hit_t1[n] >= fake->mint_t1)
			fail_msg("hit %d waited for the refresh: busy %lld ms, the mint took %lld", n,
			         fake->hit_t1[n] - fake->hit_t0[n], fake->mint_t1 - fake->mint_t0);
		if (fake->hit_t1[n] - fake->hit_t0[n] > slowest)
			slowest = fake->hit_t1[n] - fake->hit_t0[n];
	}
	print_message("the slowest of %d hits took %lld ms; the mint %lld ms\n", NHITS, slowest,
	              fake->mint_t1 - fake->mint_t0);
	if (fake->mints != 2)
		fail_msg("%d hits started %d refreshes, want 1", NHITS, fake->mints - 1);
	assert_cached(&f->p, "tok-2");
	/* the new entry is not due: hits start nothing */
	fetch_ok(&f->p, 0, &e);
	assert_string_equal(e.token, "tok-2");
	assert_false(jc_refresh_due(&e, &f->p, T0));
	jc_entry_clear(&e);
}

/*
 * A failed refresh keeps the old token, which hits go on serving; the
 * entry is not tried again for a minute; past the margin the normal mint
 * path reports the endpoint's error.
 */
static void test_refresh_failure(void **state)
{
	static const struct {
		long long at;     /* after T0 */
		int fail;         /* the endpoint says */
		enum jc_refresh_outcome done;
		int rc;
	} rows[] = {
		{ 0, JWTCRED_E_NETWORK, JC_REFRESH_FAILED, JWTCRED_E_NETWORK },
		{ 0, 0, JC_REFRESH_BACKING_OFF, JWTCRED_OK },
		{ 59, 0, JC_REFRESH_BACKING_OFF, JWTCRED_OK },
		{ 60, JWTCRED_E_DENIED, JC_REFRESH_FAILED, JWTCRED_E_DENIED },
		{ 119, 0, JC_REFRESH_BACKING_OFF, JWTCRED_OK },
	};
	struct fixture *f = *state;
	enum jc_refresh_outcome done;
	struct jc_entry e = { 0 };
	jwtcred_error err;
	int mints = 1, rc;
	size_t i;

	cache_aged(f, 700); /* due since T0 - 25, fresh until T0 + 140 */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jc_clock_set((time_t)(T0 + rows[i].at));
		fake->fail = rows[i].fail;
		rc = jc_token_refresh(&f->p, NULL, 0, &done, &err);
		mints += done == JC_REFRESH_FAILED;
		if (rc != rows[i].rc || done != rows[i].done || fake->mints != mints)
			fail_msg("row %zu: rc %d, outcome %d, %d mints", i, rc, done, fake->mints);
		/* the old token stays, and hits serve it, without starting anything */
		fetch_ok(&f->p, 0, &e);
		assert_string_equal(e.token, "tok-1");
		jc_refresh_start(&f->p, 0, &e, false);
		jc_entry_clear(&e);
		reap_workers();
		assert_int_equal(fake->mints, mints);
	}
	/* past the margin, a hit is a miss: the normal path mints, and says what failed */
	jc_clock_set((time_t)(T0 + 140));
	fake->fail = JWTCRED_E_NETWORK;
	assert_int_equal(jc_token_fetch(&f->p, 0, &e, &err), JWTCRED_E_NETWORK);
	assert_string_equal(err.text, "the fake endpoint said no");
	/* and once the endpoint is back, it mints */
	fake->fail = 0;
	fetch_ok(&f->p, 0, &e);
	assert_string_equal(e.token, "tok-5");
	jc_entry_clear(&e);
}

/*
 * A refresh killed (SIGKILL) while it mints: the entry is intact and still
 * served, the lock is free, and the attempt counts: the next refresh waits
 * its minute.  One while another process holds the lock (it is minting)
 * does nothing.  The refresh after the minute replaces the entry and leaves
 * no temporary file.  (The kill comes while the fake endpoint sleeps, before
 * the entry's temporary file exists, so it says nothing about temporary
 * files: a kill between writing and renaming is not reproducible here.)
 */
static void test_refresh_killed(void **state)
{
	struct fixture *f = *state;
	char *params = NULL, *path = NULL, name[JC_ENTRY_NAME];
	enum jc_refresh_outcome done;
	struct jc_entry e = { 0 };
	struct dirent *d;
	jwtcred_error err;
	int status, dirfd = -1, lockfd = -1;
	long long deadline;
	DIR *dir;
	pid_t pid;

	cache_aged(f, 700);
	fake->sleep_ms = 5000;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(60);
		jc_token_refresh(&f->p, NULL, 0, &done, &err);
		_exit(0);
	}
	deadline = jc_monotonic_ms() + 60000;
	while (fake->mints < 2) { /* until it is minting */
		if (jc_monotonic_ms() > deadline) {
			kill(pid, SIGKILL);
			fail_msg("the refresh did not reach the endpoint in 60 s");
		}
		nap(10);
	}
	nap(100);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	fake->sleep_ms = 0;

	assert_cached(&f->p, "tok-1");
	fetch_ok(&f->p, 0, &e);
	assert_string_equal(e.token, "tok-1");
	jc_entry_clear(&e);
	assert_int_equal(jc_cache_key(&f->p, &params, name), JWTCRED_OK);
	if (jc_cache_open(&dirfd, &path, &err) != JWTCRED_OK)
		fail_msg("jc_cache_open: %s", err.text);
	if (jc_cache_lock(dirfd, path, name, 0, &lockfd, &err) != JWTCRED_OK)
		fail_msg("the killed refresh left the lock taken: %s", err.text);
	/* the lock held here: a refresh does nothing */
	assert_int_equal(jc_token_refresh(&f->p, NULL, 0, &done, &err), JWTCRED_OK);
	assert_int_equal(done, JC_REFRESH_BUSY);
	jc_cache_unlock(lockfd);

	assert_int_equal(jc_token_refresh(&f->p, NULL, 0, &done, &err), JWTCRED_OK);
	assert_int_equal(done, JC_REFRESH_BACKING_OFF);
	jc_clock_set((time_t)(T0 + JC_REFRESH_BACKOFF));
	assert_int_equal(jc_token_refresh(&f->p, NULL, 0, &done, &err), JWTCRED_OK);
	assert_int_equal(done, JC_REFRESHED);
	assert_int_equal(fake->mints, 3);
	assert_cached(&f->p, "tok-3");
	assert_non_null(dir = opendir(path));
	while ((d = readdir(dir)))
		if (strstr(d->d_name, ".tmp."))
			fail_msg("the refresh left a temporary file: %s", d->d_name);
	closedir(dir);
	close(dirfd);
	free(path);
	free(params);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_miss_then_hit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_and_margin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_mint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waiters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_not_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_concurrent_hits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_killed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
