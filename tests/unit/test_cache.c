/*
 * test_cache.c: the token cache in a fresh $JWTCRED_CACHE_DIR.  Directory
 * creation and refusal, entry names, atomic 0600 entries and everything
 * that must read as "not found" (other parameters, symlinks, loose modes,
 * damage), freshness, and the single-flight lock between processes.
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cache.h"
#include "core/clock.h"
#include "testutil.h"

struct fixture {
	char *dir;       /* removed afterwards */
	char *cache;     /* $JWTCRED_CACHE_DIR: dir/cache, not created yet */
	char *key;       /* dir/prod.key */
	struct jc_profile p;
	pid_t child;     /* reaped by the teardown, if a test failed before */
	int tether;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	static const char pem[] = "not read by the cache: only its identity counts\n";

	if (!f)
		return -1;
	f->child = -1;
	f->tether = -1;
	f->dir = tu_tmpdir();
	f->cache = tu_join(f->dir, "cache");
	f->key = tu_join(f->dir, "prod.key");
	if (tu_write_file(f->key, pem, sizeof(pem) - 1, 0600) != 0)
		return -1;
	tu_profile_init(&f->p, f->key);
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("XDG_CACHE_HOME");
	setenv("JWTCRED_CACHE_DIR", f->cache, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tu_reap(f->child, f->tether);
	tu_profile_free(&f->p);
	free(f->cache);
	free(f->key);
	tu_rmtree(f->dir);
	free(f);
	return 0;
}

/* Open the cache, which must work. */
static int open_cache(char **path)
{
	jwtcred_error err = { "" };
	int fd = -1;

	if (jc_cache_open(&fd, path, &err) != JWTCRED_OK)
		print_error("jc_cache_open: %s\n", err.text);
	assert_true(fd >= 0);
	return fd;
}

static void test_open_creates_0700(void **state)
{
	struct fixture *f = *state;
	char *path = NULL, *nested = tu_join(f->dir, "a/b/cache");
	struct stat st;
	mode_t old;
	int fd;

	old = umask(0); /* the mode must not depend on the caller's umask */
	fd = open_cache(&path);
	umask(old);
	assert_string_equal(path, f->cache);
	assert_int_equal(stat(f->cache, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	close(fd);
	free(path);

	/* missing parents too */
	setenv("JWTCRED_CACHE_DIR", nested, 1);
	fd = open_cache(&path);
	assert_int_equal(stat(nested, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	close(fd);
	free(path);
	free(nested);
}

static void test_open_refuses(void **state)
{
	static const mode_t loose[] = { 0755, 0750, 0770, 0701, 0711, 0707 };
	struct fixture *f = *state;
	char *path = (char *)"unset", *real = tu_join(f->dir, "real"), *link = tu_join(f->dir, "link");
	jwtcred_error err = { "" };
	size_t i;
	int fd = 7;

	assert_int_equal(mkdir(f->cache, 0700), 0);
	for (i = 0; i < sizeof(loose) / sizeof(loose[0]); i++) {
		assert_int_equal(chmod(f->cache, loose[i]), 0);
		err.text[0] = '\0';
		assert_int_equal(jc_cache_open(&fd, &path, &err), JWTCRED_E_CACHE);
		assert_int_equal(fd, -1);
		assert_null(path);
		assert_true(tu_contains(err.text, "chmod 700"));
		assert_true(tu_contains(err.text, f->cache));
	}

	/* a symlink where the directory should be */
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, link), 0);
	setenv("JWTCRED_CACHE_DIR", link, 1);
	assert_int_equal(jc_cache_open(&fd, &path, &err), JWTCRED_E_CACHE);
	assert_int_equal(fd, -1);

	/* a relative path */
	setenv("JWTCRED_CACHE_DIR", "relative/cache", 1);
	assert_int_equal(jc_cache_open(&fd, &path, &err), JWTCRED_E_CACHE);
	assert_true(tu_contains(err.text, "absolute"));
	free(real);
	free(link);
}

static void key_of(const struct jc_profile *p, char **params, char name[JC_ENTRY_NAME])
{
	assert_int_equal(jc_cache_key(p, params, name), JWTCRED_OK);
	assert_non_null(*params);
	assert_int_equal(strlen(name), 16);
	assert_int_equal(strspn(name, "0123456789abcdef"), 16);
}

/* Each parameter that changes what a token is for changes the entry. */
static void test_key(void **state)
{
	static const struct {
		const char *name;
		size_t offset;
	} fields[] = {
		{ "name", offsetof(struct jc_profile, name) },
		{ "scope", offsetof(struct jc_profile, scope) },
		{ "subject", offsetof(struct jc_profile, subject) },
		{ "token_url", offsetof(struct jc_profile, token_url) },
		{ "revoke_url", offsetof(struct jc_profile, revoke_url) },
		{ "issuer", offsetof(struct jc_profile, issuer) },
		{ "algorithm", offsetof(struct jc_profile, algorithm) },
		{ "key_id", offsetof(struct jc_profile, key_id) },
		{ "claims", offsetof(struct jc_profile, claims) },
		{ "private_key", offsetof(struct jc_profile, private_key) },
		{ "service_account_file", offsetof(struct jc_profile, service_account_file) },
	};
	struct fixture *f = *state;
	char *params0, *params1, name0[JC_ENTRY_NAME], name1[JC_ENTRY_NAME];
	char *other = tu_join(f->dir, "other.key");
	char *one[] = { (char *)"https://test.salesforce.com" };
	char *two[] = { (char *)"https://login.salesforce.com", (char *)"https://test.salesforce.com" };
	char *swapped[] = { (char *)"https://test.salesforce.com", (char *)"https://login.salesforce.com" };
	struct jc_param form[] = { { (char *)"resource", (char *)"https://api.example.com" } };
	struct jc_param form2[] = { { (char *)"resource", (char *)"https://other.example.com" } };
	struct jc_profile q;
	size_t i;
	int bad = 0;

	key_of(&f->p, &params0, name0);
	/* the same profile: the same entry */
	key_of(&f->p, &params1, name1);
	assert_string_equal(name0, name1);
	assert_string_equal(params0, params1);
	free(params1);
	/* no secret in the parameters */
	assert_false(tu_contains(params0, "not read by the cache"));

#define CHANGED(what)                                                              \
	do {                                                                       \
		key_of(&q, &params1, name1);                                       \
		if (strcmp(name0, name1) == 0 || strcmp(params0, params1) == 0) { \
			print_error("changing %s does not change the entry\n", what); \
			bad++;                                                     \
		}                                                                  \
		free(params1);                                                     \
	} while (0)

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char **field;

		q = f->p;
		field = (char **)((char *)&q + fields[i].offset);
		*field = strcmp(fields[i].name, "private_key") == 0 ? other : (char *)"changed";
		CHANGED(fields[i].name);
	}
	q = f->p;
	q.provider = JC_PROVIDER_GENERIC;
	CHANGED("provider");
	q = f->p;
	q.scope_in = JC_SCOPE_BOTH;
	CHANGED("scope_in");
	q = f->p;
	q.audiences = one;
	CHANGED("the audience");
	q = f->p;
	q.audiences = two;
	q.naudiences = 2;
	CHANGED("a second audience");
	{
		char *pa, *pb, na[JC_ENTRY_NAME], nb[JC_ENTRY_NAME];

		key_of(&q, &pa, na);
		q.audiences = swapped;
		key_of(&q, &pb, nb);
		if (strcmp(na, nb) == 0 || strcmp(pa, pb) == 0) {
			print_error("the order of the audiences does not change the entry\n");
			bad++;
		}
		free(pa);
		free(pb);
	}
	q = f->p;
	q.audiences = NULL;
	q.naudiences = 0;
	CHANGED("no audience");
	q = f->p;
	q.form = form;
	q.nform = 1;
	CHANGED("a form parameter");
	{
		char *pa, *pb, na[JC_ENTRY_NAME], nb[JC_ENTRY_NAME];

		key_of(&q, &pa, na);
		q.form = form2;
		key_of(&q, &pb, nb);
		if (strcmp(na, nb) == 0 || strcmp(pa, pb) == 0) {
			print_error("changing a form value does not change the entry\n");
			bad++;
		}
		free(pa);
		free(pb);
	}
#undef CHANGED
	assert_int_equal(bad, 0);
	free(params0);
	free(other);
}

/* A new key file (a rotated key) is a new entry, even at the same path. */
static void test_key_follows_key_file(void **state)
{
	struct fixture *f = *state;
	char *params0, *params1, name0[JC_ENTRY_NAME], name1[JC_ENTRY_NAME];
	char *tmp = tu_join(f->dir, "prod.key.new");
	static const char pem[] = "not read by the cache: only its identity counts\n";

	key_of(&f->p, &params0, name0);
	/* same content and size, new inode: written aside then renamed over */
	assert_int_equal(tu_write_file(tmp, pem, sizeof(pem) - 1, 0600), 0);
	assert_int_equal(rename(tmp, f->key), 0);
	key_of(&f->p, &params1, name1);
	assert_string_not_equal(name0, name1);
	assert_string_not_equal(params0, params1);
	free(params0);
	free(params1);
	free(tmp);
}

/* Field values cannot run into each other: different profiles, different entries. */
static void test_key_unambiguous(void **state)
{
	struct fixture *f = *state;
	char *params0, *params1, name0[JC_ENTRY_NAME], name1[JC_ENTRY_NAME];
	struct jc_profile a = f->p, b = f->p;
	char *aud_a[] = { (char *)"https://login.salesforce.com" };
	char *aud_b[] = { (char *)"https://x.example.com\naud=https://login.salesforce.com" };
	bool distinct;

	a.subject = (char *)"ci@example.com\naud=https://x.example.com";
	a.audiences = aud_a;
	b.subject = (char *)"ci@example.com";
	b.audiences = aud_b;

	key_of(&a, &params0, name0);
	key_of(&b, &params1, name1);
	distinct = strcmp(params0, params1) != 0;
	if (!distinct) {
		char shown[1024];

		print_error("two profiles share the parameters %s\n", tu_visible(params0, shown, sizeof(shown)));
	}
	free(params0);
	free(params1);
	assert_true(distinct);
}

static void entry_init(struct jc_entry *e, const char *params)
{
	memset(e, 0, sizeof(*e));
	e->profile = strdup("prod");
	e->subject = strdup("ci@example.com");
	e->params = strdup(params);
	e->token = strdup("00D5g000004XXXX!AQ0AQH.token");
	e->instance_url = strdup("https://acme.my.salesforce.com");
	e->audience_used = strdup("https://test.salesforce.com");
	e->issued = 1700000000;
	e->expires = 1700000900;
	e->server_expiry = true;
}

/* Write a valid entry for f->p; returns the directory fd. */
static int write_entry(struct fixture *f, char **dirpath, char **params, char name[JC_ENTRY_NAME])
{
	jwtcred_error err = { "" };
	struct jc_entry e;
	int fd = open_cache(dirpath);

	key_of(&f->p, params, name);
	entry_init(&e, *params);
	if (jc_cache_write(fd, *dirpath, name, &e, &err) != JWTCRED_OK)
		print_error("jc_cache_write: %s\n", err.text);
	jc_entry_clear(&e);
	return fd;
}

static void test_write_read_round_trip(void **state)
{
	struct fixture *f = *state;
	char *dirpath, *params, name[JC_ENTRY_NAME], *file;
	struct jc_entry e;
	struct stat st;
	struct dirent *d;
	DIR *dir;
	int fd = write_entry(f, &dirpath, &params, name), files = 0;

	file = tu_join(dirpath, name);
	assert_int_equal(lstat(file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);

	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_OK);
	assert_string_equal(e.profile, "prod");
	assert_string_equal(e.subject, "ci@example.com");
	assert_string_equal(e.params, params);
	assert_string_equal(e.token, "00D5g000004XXXX!AQ0AQH.token");
	assert_string_equal(e.instance_url, "https://acme.my.salesforce.com");
	/* the audience that worked is remembered with the token */
	assert_string_equal(e.audience_used, "https://test.salesforce.com");
	assert_int_equal(e.issued, 1700000000);
	assert_int_equal(e.expires, 1700000900);
	assert_true(e.server_expiry);
	jc_entry_clear(&e);

	/* NULL params: any entry (status listings) */
	assert_int_equal(jc_cache_read(fd, name, NULL, &e), JWTCRED_OK);
	jc_entry_clear(&e);
	/* other parameters: not ours */
	assert_int_equal(jc_cache_read(fd, name, "v1\nother\n", &e), JWTCRED_E_NOTFOUND);
	assert_null(e.token);
	/* nothing else: no temporary file left behind */
	assert_non_null(dir = opendir(dirpath));
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			files++;
	closedir(dir);
	assert_int_equal(files, 1);

	/* a second write replaces the first */
	{
		jwtcred_error err = { "" };
		struct jc_entry n;

		entry_init(&n, params);
		free(n.token);
		n.token = strdup("second");
		free(n.instance_url);
		n.instance_url = NULL;
		free(n.audience_used);
		n.audience_used = NULL;
		n.server_expiry = false;
		assert_int_equal(jc_cache_write(fd, dirpath, name, &n, &err), JWTCRED_OK);
		jc_entry_clear(&n);
		assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_OK);
		assert_string_equal(e.token, "second");
		assert_null(e.instance_url);
		assert_null(e.audience_used);
		assert_false(e.server_expiry);
		jc_entry_clear(&e);
	}
	/* remove, and removing a missing entry is fine */
	assert_int_equal(jc_cache_remove(fd, name, NULL), JWTCRED_OK);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_E_NOTFOUND);
	assert_int_equal(jc_cache_remove(fd, name, NULL), JWTCRED_OK);
	close(fd);
	free(file);
	free(params);
	free(dirpath);
}

static void test_untrusted_files_not_found(void **state)
{
	struct fixture *f = *state;
	char *dirpath, *params, name[JC_ENTRY_NAME], *file, *aside;
	struct jc_entry e;
	int fd = write_entry(f, &dirpath, &params, name);

	file = tu_join(dirpath, name);
	aside = tu_join(dirpath, "aside");

	/* a symlink to a perfectly good entry is not followed */
	assert_int_equal(rename(file, aside), 0);
	assert_int_equal(symlink("aside", file), 0);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_E_NOTFOUND);
	assert_null(e.token);
	assert_int_equal(unlink(file), 0);

	/* a hard link is a regular file of ours: fine; 0644 is not */
	assert_int_equal(rename(aside, file), 0);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_OK);
	jc_entry_clear(&e);
	assert_int_equal(chmod(file, 0644), 0);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_E_NOTFOUND);
	assert_int_equal(chmod(file, 0640), 0);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_E_NOTFOUND);
	assert_int_equal(chmod(file, 0600), 0);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_OK);
	jc_entry_clear(&e);

	/* a FIFO or a directory reads as not found, at once */
	assert_int_equal(unlink(file), 0);
	assert_int_equal(mkfifo(file, 0600), 0);
	alarm(10);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_E_NOTFOUND);
	alarm(0);
	assert_int_equal(unlink(file), 0);
	assert_int_equal(mkdir(file, 0700), 0);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_E_NOTFOUND);
	assert_int_equal(rmdir(file), 0);
	close(fd);
	free(file);
	free(aside);
	free(params);
	free(dirpath);
}

/* tmpl with its one "%s" (if any) replaced by value, into out of size n. */
static void subst(char *out, size_t n, const char *tmpl, const char *value)
{
	const char *at = strstr(tmpl, "%s");

	if (!at)
		snprintf(out, n, "%s", tmpl);
	else
		snprintf(out, n, "%.*s%s%s", (int)(at - tmpl), tmpl, value, at + 2);
}

static void test_damaged_not_found(void **state)
{
	static const char *bodies[] = {
		"",
		"{",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t",
		"[1,2,3]",
		"null",
		"{\"version\":2,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"issued\":1,\"expires\":2}",
		"{\"version\":\"1\",\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"issued\":1,\"expires\":2}",
		"{\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"params\":\"%s\",\"token\":\"t\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"token\":\"t\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"issued\":1}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"issued\":\"1\",\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":7,\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"a\\nb\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"a b\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"issued\":2,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"token\":\"u\",\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"instance_url\":5,\"issued\":1,\"expires\":2}",
		"{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\",\"token\":\"t\",\"audience_used\":[],\"issued\":1,\"expires\":2}",
	};
	struct fixture *f = *state;
	char *dirpath, *params, name[JC_ENTRY_NAME], *file, *esc, *body, *p;
	struct jc_entry e;
	size_t i, n;
	int fd = write_entry(f, &dirpath, &params, name), bad = 0;

	file = tu_join(dirpath, name);
	/* params as the inside of a JSON string: '"' and '\\' need escaping */
	esc = malloc(2 * strlen(params) + 1);
	assert_non_null(esc);
	for (p = params, n = 0; *p; p++) {
		if (*p == '"' || *p == '\\')
			esc[n++] = '\\';
		esc[n++] = *p;
	}
	esc[n] = '\0';
	/* the good form is accepted, so every refusal below is for its one flaw */
	n = strlen(bodies[5]) + strlen(esc) + 1;
	body = malloc(n);
	assert_non_null(body);
	snprintf(body, n, "{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\","
	                  "\"token\":\"t\",\"issued\":1,\"expires\":2}", esc);
	assert_int_equal(tu_write_file(file, body, strlen(body), 0600), 0);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_OK);
	jc_entry_clear(&e);
	free(body);

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		n = strlen(bodies[i]) + strlen(esc) + 1;
		body = malloc(n);
		assert_non_null(body);
		subst(body, n, bodies[i], esc);
		assert_int_equal(tu_write_file(file, body, strlen(body), 0600), 0);
		if (jc_cache_read(fd, name, params, &e) != JWTCRED_E_NOTFOUND || e.token) {
			print_error("accepted: %s\n", body);
			bad++;
		}
		jc_entry_clear(&e);
		free(body);
	}
	/* larger than any entry can be */
	n = 70000;
	body = malloc(n);
	assert_non_null(body);
	memset(body, ' ', n);
	body[0] = '{';
	body[n - 1] = '}';
	assert_int_equal(tu_write_file(file, body, n, 0600), 0);
	assert_int_equal(jc_cache_read(fd, name, params, &e), JWTCRED_E_NOTFOUND);
	free(body);
	close(fd);
	free(esc);
	free(file);
	free(params);
	free(dirpath);
	assert_int_equal(bad, 0);
}

/*
 * Planted entries with times no mint writes.  jc_entry_deadline() adds
 * token_lifetime to issued and subtracts refresh_margin from expires, so an
 * entry with issued near LLONG_MAX (or expires near LLONG_MIN) would
 * overflow (UBSan: --enable-asan); each is ignored instead, and the times a
 * real mint writes, up to the limits, are still read.
 */
static void test_times_bounded(void **state)
{
	static const struct {
		const char *issued, *expires, *server_expiry;
		bool ok;
	} rows[] = {
		{ "1700000000", "1700000900", "false", true },
		{ "1", "2", "true", true },
		{ "253402300799", "253402301699", "false", true },          /* issued at JC_TIME_MAX */
		{ "1700000000", "1731622400", "true", true },               /* 366 days */
		{ "9223372036854775000", "9223372036854775807", "false", false }, /* deadline overflow */
		{ "9223372036854775807", "9223372036854775807", "true", false },
		{ "1700000000", "9223372036854775807", "true", false },
		{ "1700000000", "9223372036854775807", "false", false },
		{ "-9223372036854775807", "-9223372036854775000", "true", false },
		{ "-9223372036854775808", "1", "true", false },
		{ "-1", "900", "false", false },
		{ "0", "900", "false", false },
		{ "253402300800", "253402301700", "false", false },          /* issued after 9999 */
		{ "1700000000", "1731622401", "true", false },              /* a second over 366 days */
		{ "1700000900", "1700000000", "true", false },              /* expires before issued */
		{ "1700000000", "1700000000", "true", false },
		{ "1700000000", "-1", "true", false },
		{ "1700000000.5", "1700000900", "true", false },
		{ "1e10", "1e11", "true", false },
		{ "18446744073709551615", "18446744073709551616", "true", false }, /* beyond int64 */
	};
	struct fixture *f = *state;
	char *dirpath, *params, name[JC_ENTRY_NAME], *file, *esc, body[8192], *p;
	struct jc_entry e;
	size_t i, n;
	int fd = write_entry(f, &dirpath, &params, name), bad = 0;

	file = tu_join(dirpath, name);
	esc = malloc(2 * strlen(params) + 1);
	assert_non_null(esc);
	for (p = params, n = 0; *p; p++) {
		if (*p == '"' || *p == '\\')
			esc[n++] = '\\';
		esc[n++] = *p;
	}
	esc[n] = '\0';
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc;

		assert_true((size_t)snprintf(body, sizeof(body),
		                             "{\"version\":1,\"profile\":\"prod\",\"subject\":\"ci\",\"params\":\"%s\","
		                             "\"token\":\"t\",\"issued\":%s,\"expires\":%s,\"server_expiry\":%s}",
		                             esc, rows[i].issued, rows[i].expires,
		                             rows[i].server_expiry) < sizeof(body));
		assert_int_equal(tu_write_file(file, body, strlen(body), 0600), 0);
		rc = jc_cache_read(fd, name, params, &e);
		if ((rc == JWTCRED_OK) != rows[i].ok || (rc != JWTCRED_OK && e.token)) {
			print_error("issued %s, expires %s: %s\n", rows[i].issued, rows[i].expires,
			            rows[i].ok ? "refused" : "accepted");
			bad++;
		}
		if (rc == JWTCRED_OK) {
			/* what a reader does next, with the longest lifetime a profile may have */
			f->p.token_lifetime = 86400;
			f->p.refresh_margin = 3600;
			(void)jc_entry_fresh(&e, &f->p, 1700000000);
			(void)jc_entry_deadline(&e, &f->p);
		}
		jc_entry_clear(&e);
	}
	close(fd);
	free(esc);
	free(file);
	free(params);
	free(dirpath);
	assert_int_equal(bad, 0);
}

/* Servable until expiry minus the margin; an expiry we chose is capped by the
 * profile's current token_lifetime; never when "issued" lies in our future. */
static void test_fresh(void **state)
{
	static const struct {
		long long issued, expires;
		bool server_expiry;
		long lifetime, margin;
		long long now;
		bool token, fresh;
	} rows[] = {
		{ 1000, 2000, true, 900, 60, 1500, true, true },
		{ 1000, 2000, true, 900, 60, 1939, true, true },   /* 61 s left, 60 needed */
		{ 1000, 2000, true, 900, 60, 1940, true, false },  /* exactly the margin: refresh */
		{ 1000, 2000, true, 900, 0, 1999, true, true },
		{ 1000, 2000, true, 900, 0, 2000, true, false },
		{ 1000, 2000, true, 900, 60, 2500, true, false },  /* expired */
		{ 1000, 2000, true, 900, 600, 1500, true, false }, /* margin larger than what is left */
		{ 1000, 2000, true, 900, 60, 1500, false, false }, /* no token */
		{ 1000, 2000, true, 900, 60, 1000, true, true },
		/* our own expiry (no expires_in): capped by today's token_lifetime */
		{ 1000, 2000, false, 900, 60, 1839, true, true },
		{ 1000, 2000, false, 900, 60, 1840, true, false },
		{ 1000, 2000, false, 3600, 60, 1939, true, true },
		{ 1000, 2000, false, 3600, 60, 1940, true, false },
		/* "issued" far after now: the clock went back; do not trust it */
		{ 100000, 101000, true, 900, 60, 1000, true, false },
		{ 1000 + 86400, 2000 + 86400, false, 86400, 60, 1000, true, false },
	};
	struct jc_profile p;
	size_t i;
	int bad = 0;

	(void)state;
	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct jc_entry e = { 0 };

		e.token = rows[i].token ? (char *)"t" : NULL;
		e.issued = rows[i].issued;
		e.expires = rows[i].expires;
		e.server_expiry = rows[i].server_expiry;
		p.token_lifetime = rows[i].lifetime;
		p.refresh_margin = rows[i].margin;
		if (jc_entry_fresh(&e, &p, rows[i].now) != rows[i].fresh) {
			print_error("row %zu: issued %lld expires %lld now %lld: want %s\n", i,
			            rows[i].issued, rows[i].expires, rows[i].now,
			            rows[i].fresh ? "fresh" : "stale");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_deadline(void **state)
{
	struct jc_entry e = { 0 };
	struct jc_profile p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.token_lifetime = 900;
	p.refresh_margin = 60;
	e.issued = 1000;
	e.expires = 8200;
	e.server_expiry = true;
	assert_int_equal(jc_entry_deadline(&e, &p), 8140);
	e.server_expiry = false;
	assert_int_equal(jc_entry_deadline(&e, &p), 1840);
	e.expires = 1500; /* already shorter than the lifetime */
	assert_int_equal(jc_entry_deadline(&e, &p), 1440);
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In a child: try the lock for timeout_ms; exit 0 for BUSY, 1 for OK, 2 else. */
static int child_try_lock(int dirfd, const char *dirpath, const char *name, long timeout_ms,
                          long long *elapsed)
{
	pid_t pid;
	int status, lockfd;
	long long t0 = ms_now();

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc = jc_cache_lock(dirfd, dirpath, name, timeout_ms, &lockfd, NULL);
		_exit(rc == JWTCRED_E_BUSY ? 0 : rc == JWTCRED_OK ? 1 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (elapsed)
		*elapsed = ms_now() - t0;
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * The record a failed mint leaves for its waiters: found only for the same
 * params, on this boot, inside (after, after + within]; a successful write
 * and jc_cache_remove take it away; a damaged one is as good as none.
 */
static void test_failure_record(void **state)
{
	static const struct {
		const char *what;
		const char *params;   /* asked for */
		long long after;      /* relative to when it was written */
		long long within;
		enum { AS_WRITTEN, OTHER_BOOT, NOT_AN_ERROR, DAMAGED } file;
		int want;
	} rows[] = {
		{ "joined before it", "v1\nprod\n", -1000, 35000, AS_WRITTEN, JWTCRED_OK },
		{ "joined after it", "v1\nprod\n", 1000, 35000, AS_WRITTEN, JWTCRED_E_NOTFOUND },
		{ "too long before it", "v1\nprod\n", -40000, 35000, AS_WRITTEN, JWTCRED_E_NOTFOUND },
		{ "other params", "v1\nother\n", -1000, 35000, AS_WRITTEN, JWTCRED_E_NOTFOUND },
		{ "another boot", "v1\nprod\n", -1000, 35000, OTHER_BOOT, JWTCRED_E_NOTFOUND },
		{ "a status that is not an error", "v1\nprod\n", -1000, 35000, NOT_AN_ERROR,
		  JWTCRED_E_NOTFOUND },
		{ "damaged", "v1\nprod\n", -1000, 35000, DAMAGED, JWTCRED_E_NOTFOUND },
	};
	struct fixture *f = *state;
	char *dirpath = NULL, boot[40] = "", doc[512], *failed;
	jwtcred_error err = { "" };
	int fd = open_cache(&dirpath), status, rc;
	long long at;
	size_t i;
	FILE *b = fopen("/proc/sys/kernel/random/boot_id", "r");

	(void)f;
	if (b) {
		if (!fgets(boot, sizeof(boot), b))
			boot[0] = '\0';
		boot[strcspn(boot, "\n")] = '\0';
		fclose(b);
	}
	failed = tu_join(dirpath, "0123456789abcdef.failed");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		at = jc_monotonic_ms();
		assert_int_equal(jc_cache_write_failure(fd, dirpath, "0123456789abcdef", "v1\nprod\n",
		                                        JWTCRED_E_DENIED, "the endpoint said no", &err),
		                 JWTCRED_OK);
		if (rows[i].file != AS_WRITTEN) {
			snprintf(doc, sizeof(doc),
			         "{\"version\":1,\"params\":\"v1\\nprod\\n\",\"boot\":\"%s\","
			         "\"failed_at\":%lld,\"status\":%d,\"error\":\"no\"}",
			         rows[i].file == OTHER_BOOT ? "another" : boot, at,
			         rows[i].file == NOT_AN_ERROR ? 0 : JWTCRED_E_DENIED);
			if (rows[i].file == DAMAGED)
				doc[20] = '\0';
			assert_int_equal(tu_write_file(failed, doc, strlen(doc), 0600), 0);
		}
		strcpy(err.text, "unset");
		status = 0;
		rc = jc_cache_read_failure(fd, "0123456789abcdef", rows[i].params, at + rows[i].after,
		                           rows[i].within, &status, &err);
		if (rc != rows[i].want)
			fail_msg("row %zu (%s): rc %d", i, rows[i].what, rc);
		if (rc == JWTCRED_OK) {
			assert_int_equal(status, JWTCRED_E_DENIED);
			assert_string_equal(err.text, "the endpoint said no");
		} else {
			assert_string_equal(err.text, "unset");
		}
	}
	/* a token that lands takes the failure away */
	at = jc_monotonic_ms();
	assert_int_equal(jc_cache_write_failure(fd, dirpath, "0123456789abcdef", "v1\nprod\n",
	                                        JWTCRED_E_DENIED, "no", &err), JWTCRED_OK);
	assert_int_equal(access(failed, F_OK), 0);
	{
		struct jc_entry e = { (char *)"prod", (char *)"ci@example.com", (char *)"v1\nprod\n",
			              (char *)"tok", NULL, NULL, 1700000000, 1700000900, false };
		assert_int_equal(jc_cache_write(fd, dirpath, "0123456789abcdef", &e, &err), JWTCRED_OK);
	}
	assert_int_equal(access(failed, F_OK), -1);
	/* and so does removing the entry */
	assert_int_equal(jc_cache_write_failure(fd, dirpath, "0123456789abcdef", "v1\nprod\n",
	                                        JWTCRED_E_DENIED, "no", &err), JWTCRED_OK);
	assert_int_equal(jc_cache_remove(fd, "0123456789abcdef", &err), JWTCRED_OK);
	assert_int_equal(access(failed, F_OK), -1);
	free(failed);
	free(dirpath);
	close(fd);
}

static void test_lock_excludes(void **state)
{
	struct fixture *f = *state;
	char *dirpath, name[JC_ENTRY_NAME], *params;
	jwtcred_error err = { "" };
	long long elapsed;
	int fd = open_cache(&dirpath), lockfd = -1;

	key_of(&f->p, &params, name);
	assert_int_equal(jc_cache_lock(fd, dirpath, name, 100, &lockfd, &err), JWTCRED_OK);
	assert_true(lockfd >= 0);
	/* a second process waits its timeout, then gives up */
	assert_int_equal(child_try_lock(fd, dirpath, name, 100, &elapsed), 0);
	assert_true(elapsed >= 100);
	assert_true(elapsed < 5000);
	/* another entry's lock is independent */
	assert_int_equal(child_try_lock(fd, dirpath, "0123456789abcdef", 100, NULL), 1);
	jc_cache_unlock(lockfd);
	/* free again */
	assert_int_equal(child_try_lock(fd, dirpath, name, 100, NULL), 1);
	close(fd);
	free(params);
	free(dirpath);
}

/* A holder killed with SIGKILL leaves no stale lock. */
static void test_lock_freed_by_death(void **state)
{
	struct fixture *f = *state;
	char *dirpath, name[JC_ENTRY_NAME], *params, c = 0;
	jwtcred_error err = { "" };
	int fd = open_cache(&dirpath), lockfd = -1, p[2], status;

	key_of(&f->p, &params, name);
	assert_int_equal(pipe(p), 0);
	f->child = tu_fork(&f->tether);
	assert_true(f->child >= 0);
	if (f->child == 0) {
		close(p[0]);
		if (jc_cache_lock(fd, dirpath, name, 1000, &lockfd, NULL) == JWTCRED_OK)
			c = 'L';
		if (write(p[1], &c, 1) != 1)
			_exit(2);
		tu_child_wait(f->tether);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	assert_int_equal(c, 'L');
	/* held by the child */
	assert_int_equal(jc_cache_lock(fd, dirpath, name, 50, &lockfd, &err), JWTCRED_E_BUSY);
	assert_int_equal(lockfd, -1);
	assert_true(err.text[0] != '\0');
	/* SIGKILL: no chance to clean up */
	assert_int_equal(kill(f->child, SIGKILL), 0);
	assert_int_equal(waitpid(f->child, &status, 0), f->child);
	assert_true(WIFSIGNALED(status));
	f->child = -1;
	/* and free once it died */
	assert_int_equal(jc_cache_lock(fd, dirpath, name, 1000, &lockfd, &err), JWTCRED_OK);
	jc_cache_unlock(lockfd);
	close(fd);
	free(params);
	free(dirpath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_0700, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_follows_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_unambiguous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untrusted_files_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_times_bounded, setup, teardown),
		cmocka_unit_test(test_fresh),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test_setup_teardown(test_failure_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_excludes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_freed_by_death, setup, teardown),
	};

	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
