/*
 * cache.c: token files.
 *
 * An entry is a small JSON object (core/entry.c).  Readers never lock: entries are only
 * ever replaced by rename(2), so a reader sees the old file or the new one.
 * Anything unexpected (a symlink, another owner, loose permissions, bad
 * JSON, other parameters) reads as "not found" and is overwritten by the
 * next mint; it is never trusted.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "core/answer.h"
#include "core/cache.h"
#include "core/clock.h"
#include "core/fail.h"
#include "core/io.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/trace.h"
#include "core/trust.h"

#define ENTRY_VERSION 1 /* of the .failed records */
#define MAX_ENTRY JC_MAX_ENTRY

static unsigned long long fnv1a(const char *s)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A file's identity without reading it: a new key file is a new entry. */
static void file_identity(const char *path, char *buf, size_t len)
{
	struct stat st;

	if (path && stat(path, &st) == 0)
		snprintf(buf, len, "%llu:%llu:%lld:%lld", (unsigned long long)st.st_dev,
		         (unsigned long long)st.st_ino, (long long)st.st_size, (long long)st.st_mtime);
	else
		snprintf(buf, len, "%s", path ? "missing" : "");
}

static int append_string(json_t *a, const char *s)
{
	return json_array_append_new(a, json_string(s ? s : ""));
}

/*
 * Everything that changes what a token is, or who it is for: the provider,
 * the endpoint, iss/sub/aud, scope and where it goes, the algorithm and key
 * id, extra claims and form parameters, and the key file (path and
 * identity; a service account file also holds the issuer and token_uri).
 * And the revocation endpoint: purge --revoke sends a token only to the
 * revoke_url of the settings it was minted with (jc_cache_entry_matches).
 * A github-app profile's also has the owner, installation_id, repositories
 * and permissions: another installation or narrowing is another token.
 */
int jc_cache_key(const struct jc_profile *p, char **params, char name[JC_ENTRY_NAME])
{
	return jc_cache_key_for(p, NULL, params, name);
}

/* GitHub's names are case-insensitive: "Acme" and "acme" share an entry. */
static int append_lower(json_t *a, const char *s)
{
	char buf[256];
	size_t i;

	for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
	buf[i] = '\0';
	return append_string(a, buf);
}

/* A github-app token's installation and narrowing: ["owner", "installation", [repos], perms]. */
static int append_github(json_t *a, const struct jc_profile *p, const char *owner)
{
	json_t *g = json_array(), *repos = json_array();
	int bad = !g || !repos;
	size_t i;

	if (!bad) {
		bad |= append_lower(g, owner ? owner : "");
		bad |= append_string(g, p->installation_id);
		for (i = 0; i < p->nrepositories; i++)
			bad |= append_lower(repos, p->repositories[i]);
		bad |= json_array_append(g, repos);
		bad |= append_string(g, p->permissions);
		bad |= json_array_append(a, g);
	}
	json_decref(g);
	json_decref(repos);
	return bad;
}

/*
 * The parameters of jc_cache_key_for(), or with spki_hex those of
 * jc_cache_key_shared(): the key's public half in place of its file's path
 * and identity.
 */
static int key_params(const struct jc_profile *p, const char *owner, const char *spki_hex,
                      char **params)
{
	char keyid[128], said[128];
	json_t *a, *auds = NULL, *form = NULL;
	int bad = 0;
	size_t i;

	*params = NULL;
	file_identity(p->private_key, keyid, sizeof(keyid));
	file_identity(p->service_account_file, said, sizeof(said));
	/* a JSON array: no value can be mistaken for a separator */
	if (!(a = json_array()) || !(auds = json_array()) || !(form = json_array()))
		goto out;
	for (i = 0; i < p->naudiences; i++)
		bad |= append_string(auds, p->audiences[i]);
	for (i = 0; i < p->nform; i++)
		bad |= json_array_append_new(form, json_pack("[ss]", p->form[i].name, p->form[i].value));
	bad |= append_string(a, spki_hex ? "shared1" : "v3");
	bad |= append_string(a, p->name);
	bad |= append_string(a, jc_provider_name(p->provider));
	bad |= append_string(a, p->token_url);
	bad |= append_string(a, p->revoke_url);
	bad |= append_string(a, p->issuer);
	bad |= append_string(a, p->subject);
	bad |= json_array_append(a, auds);
	bad |= append_string(a, p->scope);
	bad |= json_array_append_new(a, json_integer(p->scope_in));
	bad |= append_string(a, p->algorithm);
	bad |= append_string(a, p->key_id);
	bad |= append_string(a, p->claims);
	bad |= json_array_append(a, form);
	if (spki_hex) { /* paths differ from machine to machine; the key does not */
		bad |= append_string(a, spki_hex);
	} else {
		bad |= append_string(a, p->private_key);
		bad |= append_string(a, keyid);
		bad |= append_string(a, p->service_account_file);
		bad |= append_string(a, said);
	}
	if (p->provider == JC_PROVIDER_GITHUB) /* only then: other entries keep their names */
		bad |= append_github(a, p, owner);
	if (!bad)
		*params = json_dumps(a, JSON_COMPACT);
out:
	json_decref(a);
	json_decref(auds);
	json_decref(form);
	return *params ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

int jc_cache_key_for(const struct jc_profile *p, const char *owner, char **params,
                     char name[JC_ENTRY_NAME])
{
	int rc = key_params(p, owner, NULL, params);

	if (rc == JWTCRED_OK)
		snprintf(name, JC_ENTRY_NAME, "%016llx", fnv1a(*params));
	return rc;
}

int jc_cache_key_shared(const struct jc_profile *p, const char *owner, const char *spki_hex,
                        char **fp)
{
	return key_params(p, owner, spki_hex, fp);
}

char *jc_entry_owner(const struct jc_profile *p, const struct jc_entry *e)
{
	json_t *was;
	const char *owner;
	char *copy = NULL;

	/* a github-app entry's parameters end with ["owner", ...] (append_github) */
	if (p->provider != JC_PROVIDER_GITHUB || !e->params ||
	    !(was = json_loads(e->params, JSON_REJECT_DUPLICATES, NULL)))
		return NULL;
	owner = json_string_value(json_array_get(json_array_get(was, json_array_size(was) - 1), 0));
	if (owner && *owner)
		copy = strdup(owner);
	json_decref(was);
	return copy;
}

int jc_cache_key_of(const struct jc_profile *p, const struct jc_entry *e, char **params,
                    char name[JC_ENTRY_NAME])
{
	char *owner = jc_entry_owner(p, e);
	int rc = jc_cache_key_for(p, owner, params, name);

	free(owner);
	return rc;
}

int jc_cache_entry_matches(const struct jc_profile *p, const char *name,
                           const struct jc_entry *e, bool *same)
{
	char *params = NULL, mine[JC_ENTRY_NAME];
	int rc = JWTCRED_OK;

	*same = false;
	if (jc_cache_key_of(p, e, &params, mine) != JWTCRED_OK)
		rc = JWTCRED_E_NOMEM;
	else
		*same = e->params && strcmp(name, mine) == 0 && strcmp(e->params, params) == 0;
	free(params);
	return rc;
}

/* mkdir -p with 0700 for what we create. */
static int make_dirs(const char *path)
{
	char *tmp = strdup(path), *s;
	int rc = 0;

	if (!tmp)
		return -1;
	for (s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(tmp, 0700) != 0 && errno != EEXIST)
		rc = -1;
	free(tmp);
	return rc;
}

static char *cache_dir_path(void)
{
	const char *env = getenv("JWTCRED_CACHE_DIR"), *run = getenv("XDG_RUNTIME_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME"), *home;

	if (env && *env)
		return strdup(env);
	if (run && *run == '/')
		return jc_concat(run, "/jwtcred");
	if (xdg && *xdg == '/')
		return jc_concat(xdg, "/jwtcred");
	if (!(home = jc_home()))
		return NULL;
	return jc_concat(home, "/.cache/jwtcred");
}

/* Ours alone: a token cache others can list or write is not private. */
int jc_cache_open(int *dirfd, char **path, jwtcred_error *err)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
	char *dir;
	int rc;

	*dirfd = -1;
	*path = NULL;
	if (!(dir = cache_dir_path()))
		return jc_fail(err, JWTCRED_E_CACHE, "no cache directory: set HOME or JWTCRED_CACHE_DIR");
	if (dir[0] != '/') {
		rc = jc_fail(err, JWTCRED_E_CACHE, "cache directory '%s' must be an absolute path", dir);
		goto fail;
	}
	rc = jc_open_trusted(AT_FDCWD, dir, flags, "cache directory", dir, &jc_trust_cache_dir, dirfd,
	                     NULL, err);
	if (rc && errno == ENOENT) {
		if (make_dirs(dir) != 0) {
			rc = jc_fail(err, JWTCRED_E_CACHE, "cannot create cache directory '%s': %s", dir,
			             strerror(errno));
			goto fail;
		}
		rc = jc_open_trusted(AT_FDCWD, dir, flags, "cache directory", dir, &jc_trust_cache_dir, dirfd,
		                     NULL, err);
	}
	if (rc)
		goto fail;
	*path = dir;
	return JWTCRED_OK;
fail:
	free(dir);
	return rc;
}

/* Anything else is ignored (and replaced by the next mint), never trusted. */
int jc_cache_read(int dirfd, const char *name, const char *params, struct jc_entry *out)
{
	char *text = NULL;
	size_t len;
	struct stat st;
	jwtcred_error err;
	int fd, rc = JWTCRED_E_NOTFOUND;

	memset(out, 0, sizeof(*out));
	if (jc_open_trusted(dirfd, name, O_RDONLY | O_NOFOLLOW, "cache entry", name,
	                    &jc_trust_cache_entry, &fd, &st, &err) != 0) {
		if (errno != ENOENT)
			jc_trace("%s: ignored", err.text);
		return JWTCRED_E_NOTFOUND;
	}
	if (st.st_size > MAX_ENTRY) {
		jc_trace("cache entry %s ignored: larger than %d bytes", name, MAX_ENTRY);
		goto out;
	}
	if (jc_read_fd(fd, MAX_ENTRY, &text, &len) != 0)
		goto out;
	if (jc_entry_decode_err(text, len, out, &err) != JWTCRED_OK) {
		jc_trace("cache entry %s ignored: %s", name, err.text);
		goto out;
	}
	if (params && strcmp(params, out->params) != 0) {
		jc_trace("cache entry %s ignored: made for other profile settings", name);
		goto out;
	}
	rc = JWTCRED_OK;
out:
	if (rc)
		jc_entry_clear(out);
	if (text) {
		jc_wipe(text, len);
		free(text);
	}
	close(fd);
	return rc;
}

#define TEMP_NAME (JC_ENTRY_NAME + sizeof(".tmp.") + 16)

/*
 * Create a new temporary file for entry `name` in the directory, 0600,
 * never following or reusing anything there: its name is in tmp.
 */
static int create_temp(int dirfd, const char *name, char tmp[TEMP_NAME])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[8];
	size_t n, i;
	int fd = -1, tries;

	for (tries = 0; fd < 0 && tries < 16; tries++) {
		/* unpredictable if the kernel can say so at once; unique either way (O_EXCL) */
		if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
			long long mix = jc_monotonic_ms() * 1000003LL + getpid() * 31LL + tries;
			memcpy(r, &mix, sizeof(r));
		}
		n = (size_t)snprintf(tmp, TEMP_NAME, "%s.tmp.", name);
		if (n + 2 * sizeof(r) >= TEMP_NAME) {
			errno = ENAMETOOLONG;
			return -1;
		}
		for (i = 0; i < sizeof(r); i++, n += 2) {
			tmp[n] = hex[r[i] >> 4];
			tmp[n + 1] = hex[r[i] & 15];
		}
		tmp[n] = '\0';
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	return fd;
}

#define FAILURE_NAME (JC_ENTRY_NAME + 8)

/* "<entry>.failed": the record of a mint that failed (no secret in it). */
static int failure_name(const char *name, char out[FAILURE_NAME])
{
	return (size_t)snprintf(out, FAILURE_NAME, "%s.failed", name) < FAILURE_NAME ? 0 : -1;
}

/*
 * This boot of this machine, so that a failure recorded on the monotonic
 * clock of another boot, or of another host sharing the directory, is
 * never taken for a recent one.  "" when the kernel does not say.
 */
static void boot_id(char buf[40])
{
	ssize_t n = -1;
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, 39);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Atomically replace file `name` in the directory with text (temp file, fsync, rename). */
static int replace_file(int dirfd, const char *dirpath, const char *name, const char *text,
                        jwtcred_error *err)
{
	char tmp[TEMP_NAME] = "";
	int fd, rc;

	if ((fd = create_temp(dirfd, name, tmp)) < 0) {
		tmp[0] = '\0';
		rc = jc_fail(err, JWTCRED_E_CACHE, "cannot create a file in cache directory '%s': %s",
		             dirpath, strerror(errno));
		goto out;
	}
	if (jc_write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
		rc = jc_fail(err, JWTCRED_E_CACHE, "cannot write the cache entry in '%s': %s", dirpath,
		             strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = jc_fail(err, JWTCRED_E_CACHE, "cannot write the cache entry in '%s': %s", dirpath,
		             strerror(errno));
		goto out;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name) != 0) {
		rc = jc_fail(err, JWTCRED_E_CACHE, "cannot replace cache entry '%s/%s': %s", dirpath,
		             name, strerror(errno));
		goto out;
	}
	tmp[0] = '\0'; /* nothing to clean up */
	fsync(dirfd);
	rc = JWTCRED_OK;
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlinkat(dirfd, tmp, 0);
	return rc;
}

int jc_cache_write(int dirfd, const char *dirpath, const char *name, const struct jc_entry *e,
                   jwtcred_error *err)
{
	char *text = NULL, fname[FAILURE_NAME];
	int rc;

	if (strlen(name) >= JC_ENTRY_NAME)
		return jc_fail(err, JWTCRED_E_CACHE, "cache entry name '%s' is too long", name);
	if (jc_entry_encode(e, &text) != JWTCRED_OK)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory writing the cache");
	rc = replace_file(dirfd, dirpath, name, text, err);
	jc_free_secret(text);
	if (rc == JWTCRED_OK && failure_name(name, fname) == 0)
		unlinkat(dirfd, fname, 0); /* a token landed: no failure stands any more */
	return rc;
}

int jc_cache_write_failure(int dirfd, const char *dirpath, const char *name, const char *params,
                           int status, const char *text, jwtcred_error *err)
{
	char fname[FAILURE_NAME], boot[40], *doc = NULL;
	json_t *o;
	int rc;

	if (failure_name(name, fname) != 0)
		return jc_fail(err, JWTCRED_E_CACHE, "cache entry name '%s' is too long", name);
	boot_id(boot);
	o = json_pack("{si ss ss sI si ss}", "version", ENTRY_VERSION, "params", params, "boot", boot,
	              "failed_at", (json_int_t)jc_monotonic_ms(), "status", status, "error", text);
	if (o)
		doc = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!doc)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory writing the cache");
	rc = replace_file(dirfd, dirpath, fname, doc, err);
	free(doc);
	return rc;
}

int jc_cache_read_failure(int dirfd, const char *name, const char *params, long long after_ms,
                          long long within_ms, int *status, jwtcred_error *err)
{
	char fname[FAILURE_NAME], boot[40], *text = NULL;
	json_t *o = NULL, *at, *st, *msg, *pa, *bo;
	jwtcred_error why;
	size_t len;
	int fd, rc = JWTCRED_E_NOTFOUND;

	if (failure_name(name, fname) != 0 ||
	    jc_open_trusted(dirfd, fname, O_RDONLY | O_NOFOLLOW, "cache entry", fname,
	                    &jc_trust_cache_entry, &fd, NULL, &why) != 0)
		return JWTCRED_E_NOTFOUND;
	if (jc_read_fd(fd, MAX_ENTRY, &text, &len) == 0)
		o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	close(fd);
	boot_id(boot);
	pa = json_object_get(o, "params");
	bo = json_object_get(o, "boot");
	at = json_object_get(o, "failed_at");
	st = json_object_get(o, "status");
	msg = json_object_get(o, "error");
	if (json_is_string(pa) && strcmp(json_string_value(pa), params) == 0 && json_is_string(bo) &&
	    strcmp(json_string_value(bo), boot) == 0 && json_is_integer(at) && json_is_integer(st) &&
	    json_is_string(msg) &&
	    json_integer_value(at) > after_ms && json_integer_value(at) <= after_ms + within_ms &&
	    json_integer_value(st) < 0 && json_integer_value(st) > -1000 &&
	    !jc_has_control(json_string_value(msg))) {
		*status = (int)json_integer_value(st);
		jc_fail(err, *status, "%s", json_string_value(msg));
		rc = JWTCRED_OK;
	}
	json_decref(o);
	free(text);
	return rc;
}

int jc_cache_write_side(int dirfd, const char *dirpath, const char *name, const char *text,
                        jwtcred_error *err)
{
	return replace_file(dirfd, dirpath, name, text, err);
}

int jc_cache_remove(int dirfd, const char *name, jwtcred_error *err)
{
	char fname[FAILURE_NAME];

	if (failure_name(name, fname) == 0)
		unlinkat(dirfd, fname, 0);
	if ((size_t)snprintf(fname, sizeof(fname), "%s.refresh", name) < sizeof(fname))
		unlinkat(dirfd, fname, 0);
	if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT)
		return jc_fail(err, JWTCRED_E_CACHE, "cannot remove cache entry '%s': %s", name,
		               strerror(errno));
	return JWTCRED_OK;
}

/* An inotify descriptor that fires when a file is renamed into the directory, or -1. */
static int watch_renames(int dirfd)
{
	char path[64];
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", dirfd);
	if (in >= 0 && inotify_add_watch(in, path, IN_MOVED_TO) < 0) {
		close(in);
		in = -1;
	}
	return in;
}

/* Sleep until a rename lands in the directory (when watched) or step_ms pass. */
static void wait_a_little(int in, long step_ms)
{
	char events[4096];
	struct pollfd pfd = { in, POLLIN, 0 };
	struct timespec ts = { 0, step_ms * 1000000L };

	if (in < 0) {
		nanosleep(&ts, NULL);
		return;
	}
	if (poll(&pfd, 1, (int)step_ms) > 0)
		while (read(in, events, sizeof(events)) > 0)
			;
}

/* Its content does not matter; that it is a plain file of ours does (flock). */
int jc_cache_lock_or_wait(int dirfd, const char *dirpath, const char *name, long timeout_ms,
                          bool (*ready)(void *), void *arg, int *lockfd, jwtcred_error *err)
{
	char lockname[JC_ENTRY_NAME + 8], shown[4096];
	long long deadline = jc_monotonic_ms() + timeout_ms;
	long step = 5;
	int fd, in = -1, rc = JWTCRED_OK;

	*lockfd = -1;
	snprintf(lockname, sizeof(lockname), "%s.lock", name);
	if ((size_t)snprintf(shown, sizeof(shown), "%s/%s", dirpath, lockname) >= sizeof(shown))
		return jc_fail(err, JWTCRED_E_CACHE, "cache directory path '%s' is too long", dirpath);
	/* read-only is enough for flock, and still works on a read-only file system */
	if ((rc = jc_open_trusted(dirfd, lockname, O_RDONLY | O_CREAT | O_NOFOLLOW, "lock file", shown,
	                          &jc_trust_cache_lock, &fd, NULL, err)) != 0)
		return rc;
	/* waiters wake when the minter's entry is renamed into place, not on a timer */
	if (ready && flock(fd, LOCK_EX | LOCK_NB) != 0)
		in = watch_renames(dirfd);
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			*lockfd = fd;
			fd = -1; /* transferred */
			break;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = jc_fail(err, JWTCRED_E_CACHE, "cannot lock '%s': %s", lockname, strerror(errno));
			break;
		}
		if (ready && ready(arg))
			break; /* another process's result will do */
		if (jc_monotonic_ms() >= deadline) {
			rc = jc_fail(err, JWTCRED_E_BUSY,
			             "another jwtcred has been minting this profile's token for %lds: giving up (try again, or check the token endpoint)",
			             timeout_ms / 1000);
			break;
		}
		/* a failed mint renames nothing: look at the lock again within 50 ms */
		wait_a_little(in, step);
		if (step < 50)
			step *= 2;
	}
	if (fd >= 0)
		close(fd);
	if (in >= 0)
		close(in);
	return rc;
}

int jc_cache_lock(int dirfd, const char *dirpath, const char *name, long timeout_ms, int *lockfd,
                  jwtcred_error *err)
{
	return jc_cache_lock_or_wait(dirfd, dirpath, name, timeout_ms, NULL, NULL, lockfd, err);
}

void jc_cache_unlock(int lockfd)
{
	if (lockfd < 0)
		return;
	/* released explicitly: a child forked meanwhile would keep a copy of the descriptor */
	flock(lockfd, LOCK_UN);
	close(lockfd);
}
