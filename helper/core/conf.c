/*
 * conf.c: load profiles from a libconfig file.
 *
 *   profiles = {
 *     prod = { client_id = "3MVG9..."; username = "ci@example.com";
 *              private_key = "prod.key"; urls = [ "https://git.example.com" ]; };
 *     gcp = { provider = "google"; service_account_file = "sa.json";
 *             scopes = [ "https://www.googleapis.com/auth/cloud-platform" ]; };
 *   };
 *
 * This file reads the file (trusted, bounded, no @include), walks the
 * profiles, and looks one up.  Each setting is read by settings.c; the
 * defaults and checks of each provider are in its provider_*.c.  Every
 * error names the file and line.  Nothing here reads a key: a Google
 * service account file is read by the engine, when minting.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/fail.h"
#include "core/io.h"
#include "core/provider.h"
#include "core/settings.h"
#include "core/sharedconf.h"
#include "core/text.h"
#include "core/trust.h"

/* the installed examples ($(docdir)/examples), defined by Makefile.am */
#ifndef JC_EXAMPLES_DIR
#define JC_EXAMPLES_DIR "config-examples/"
#endif

#define MAX_PROFILES 256
#define MAX_CONFIG_BYTES (1024 * 1024)

int jc_conf_bad(struct jc_loader *ld, const config_setting_t *s, const char *fmt, ...)
{
	char what[JWTCRED_ERROR_TEXT_LENGTH];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (s && config_setting_source_line(s))
		return jc_fail(ld->err, JWTCRED_E_CONFIG, "'%s':%u: %s", ld->file,
		               config_setting_source_line(s), what);
	return jc_fail(ld->err, JWTCRED_E_CONFIG, "'%s': %s", ld->file, what);
}

/* "~/x" -> $HOME/x; "x" -> <config dir>/x; "/x" stays. */
int jc_conf_path(struct jc_loader *ld, const config_setting_t *s, const char *v, char **out)
{
	const char *home;
	size_t len;

	*out = NULL;
	if (v[0] == '/') {
		*out = strdup(v);
	} else if (v[0] == '~' && (v[1] == '/' || v[1] == '\0')) {
		if (!(home = jc_home()))
			return jc_conf_bad(ld, s, "cannot expand '~' in '%s': HOME is not set", v);
		*out = jc_concat(home, v + 1);
	} else if (v[0] == '~') {
		return jc_conf_bad(ld, s, "'%s': only '~/' is expanded, not '~user'", v);
	} else {
		const char *dir = ld->dir ? ld->dir : ".";
		len = strlen(dir) + strlen(v) + 2;
		if ((*out = malloc(len)))
			snprintf(*out, len, "%s/%s", dir, v);
	}
	return *out ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

static config_setting_t *later(config_setting_t *a, config_setting_t *b)
{
	return config_setting_source_line(a) >= config_setting_source_line(b) ? a : b;
}

static int finish_profile(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	config_setting_t *a, *b;
	int rc;

	if (p->passphrase_file && p->passphrase_env)
		return jc_conf_bad(ld, grp, "profile '%s' sets both 'passphrase_file' and 'passphrase_env': keep one",
		                   p->name);
	if ((a = config_setting_lookup(grp, "scope")) && (b = config_setting_lookup(grp, "scopes")))
		return jc_conf_bad(ld, later(a, b), "profile '%s' sets both 'scope' and 'scopes': keep one",
		                   p->name);
	/* the shared cache sits behind the local one: without it, nothing would use it */
	if (p->shared_set && p->shared && !p->cache)
		return jc_conf_bad(ld, config_setting_lookup(grp, "shared_cache"),
		                   "shared_cache of profile '%s' needs the local cache: remove 'cache = false' or the shared_cache",
		                   p->name);
	p->token_url_set = p->token_url != NULL;
	if ((rc = jc_provider_of(p->provider)->finish(ld, p, grp)) != 0 ||
	    (rc = jc_conf_check_alg(ld, p, grp)) != 0)
		return rc;
	/* RFC 6749 section 3.2: the token endpoint's URL may have a query */
	if ((rc = jc_conf_check_https(ld, config_setting_lookup(grp, "token_url"), p, "token_url",
	                              p->token_url, JC_URL_QUERY, NULL)) != 0 ||
	    (p->revoke_url &&
	     (rc = jc_conf_check_https(ld, config_setting_lookup(grp, "revoke_url"), p, "revoke_url",
	                               p->revoke_url, 0, NULL)) != 0))
		return rc;
	if (p->refresh_margin >= p->token_lifetime) {
		config_setting_t *where = config_setting_lookup(grp, "refresh_margin");
		if (!where)
			where = config_setting_lookup(grp, "token_lifetime");
		return jc_conf_bad(ld, where ? where : grp,
		                   "'refresh_margin' (%ld) in profile '%s' must be shorter than 'token_lifetime' (%ld)",
		                   p->refresh_margin, p->name, p->token_lifetime);
	}
	/* refreshing ahead starts before the margin, or it would never start */
	if (p->refresh_ahead > 0 && p->refresh_ahead <= p->refresh_margin)
		return jc_conf_bad(ld, config_setting_lookup(grp, "refresh_ahead"),
		                   "'refresh_ahead' (%ld) in profile '%s' must be longer than 'refresh_margin' (%ld), or 0 to refresh only when the token is due",
		                   p->refresh_ahead, p->name, p->refresh_margin);
	return JWTCRED_OK;
}

void jc_profile_clear(struct jc_profile *p)
{
	size_t i;

	for (i = 0; i < p->nurls; i++)
		jc_url_clear(&p->urls[i]);
	free(p->urls);
	for (i = 0; i < p->naudiences; i++)
		free(p->audiences[i]);
	free(p->audiences);
	for (i = 0; i < p->nform; i++) {
		free(p->form[i].name);
		free(p->form[i].value);
	}
	free(p->form);
	for (i = 0; i < p->nrepositories; i++)
		free(p->repositories[i]);
	free(p->repositories);
	free(p->api_url);
	free(p->installation_id);
	free(p->owner);
	free(p->permissions);
	free(p->name);
	free(p->issuer);
	free(p->subject);
	free(p->login_url);
	free(p->token_url);
	free(p->revoke_url);
	free(p->private_key);
	free(p->service_account_file);
	free(p->passphrase_file);
	free(p->passphrase_env);
	free(p->algorithm);
	free(p->key_id);
	free(p->scope);
	free(p->claims);
	free(p->callback_url);
	free(p->ca_file);
	free(p->certificate);
	free(p->git_username);
	free(p->docker_username);
	free(p->server);
	free(p->tenant);
	free(p->resource);
	free(p->typ);
	free(p->client_secret_file);
	free(p->config_file);
	jc_shared_free(p->shared);
	memset(p, 0, sizeof(*p));
}

static int read_profile(struct jc_loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	const config_setting_t *prov;
	int i, n, rc;

	p->line = (int)config_setting_source_line(grp);
	p->provider = JC_PROVIDER_DEFAULT;
	p->scope_in = JC_SCOPE_CLAIM;
	p->jti = true;
	p->assertion_lifetime = 180;
	p->token_lifetime = 900;
	p->refresh_margin = 60;
	p->refresh_ahead = JC_REFRESH_AHEAD_AUTO;
	p->timeout = 30;
	p->cache = true;
	if (!(p->name = strdup(config_setting_name(grp))))
		return JWTCRED_E_NOMEM;
	if (config_setting_type(grp) != CONFIG_TYPE_GROUP)
		return jc_conf_bad(ld, grp, "profile '%s' must be a group: %s = { ... };", p->name, p->name);
	/* the provider first: it decides which settings apply */
	if ((prov = config_setting_get_member(grp, "provider")) &&
	    (rc = jc_setting_read_provider(ld, p, prov)) != 0)
		return rc;
	n = config_setting_length(grp);
	for (i = 0; i < n; i++)
		if ((rc = jc_setting_read(ld, p, config_setting_get_elem(grp, (unsigned)i))) != 0)
			return rc;
	return finish_profile(ld, p, grp);
}

static void free_urls(struct jc_url *urls, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		jc_url_clear(&urls[i]);
	free(urls);
}

/* Does the group say provider = "github-app"? */
static bool is_github(struct jc_loader *quiet, struct jc_profile *tmp, const config_setting_t *grp)
{
	const config_setting_t *prov = config_setting_get_member(grp, "provider");

	return prov && jc_setting_read_provider(quiet, tmp, prov) == JWTCRED_OK &&
	       tmp->provider == JC_PROVIDER_GITHUB;
}

/* Is the group's api_url absent, or github.com's own API once canonical (as provider_github.c reads it)? */
static bool github_default_api(struct jc_loader *quiet, struct jc_profile *tmp, config_setting_t *grp)
{
	config_setting_t *s = config_setting_get_member(grp, "api_url");
	const char *v;
	char *canonical = NULL;
	bool yes;

	if (!s)
		return true;
	if (!(v = config_setting_get_string(s)) ||
	    jc_conf_check_https(quiet, s, tmp, "api_url", v, 0, &canonical) != JWTCRED_OK)
		return false;
	yes = jc_github_api_is_default(canonical);
	free(canonical);
	return yes;
}

/*
 * The urls a broken profile asks for, read on their own: the mistake may
 * be elsewhere in its group.  b->urls_known stays false when they cannot
 * be read.  Only running out of memory is an error.
 */
/*
 * The host of a urls entry that does not parse, read leniently: after
 * "://" (and any "user@"), up to the port or path, lower-cased; "*." kept.
 * A new string; NULL when there is none (or out of memory).
 */
static char *lenient_host(const char *v)
{
	const char *h = strstr(v, "://"), *at;
	size_t n, i;
	char *out;

	h = h ? h + 3 : v;
	n = strcspn(h, "/?#");
	if ((at = memchr(h, '@', n))) {
		n -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	n = h[0] == '[' ? strcspn(h, "]") + (h[strcspn(h, "]")] ? 1 : 0) : strcspn(h, ":/?#");
	if (n == 0 || n > 253 || strncmp(h, "*.", n) == 0 || !(out = strndup(h, n)))
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = (char)((out[i] >= 'A' && out[i] <= 'Z') ? out[i] - 'A' + 'a' : out[i]);
	return out;
}

/*
 * A broken profile's urls that do not all parse: each entry that parses
 * competes as it would in a good profile, each other one by its host
 * (lenient_host).  urls_known stays false only when an entry gives not
 * even a host.  JWTCRED_E_NOMEM, else JWTCRED_OK.
 */
static int lenient_urls(struct jc_broken *b, const config_setting_t *s)
{
	int i, n = config_setting_type(s) == CONFIG_TYPE_ARRAY || config_setting_type(s) == CONFIG_TYPE_LIST
	               ? config_setting_length(s) : 0;
	jwtcred_error ignored;
	bool unknown = n == 0;

	if (n > 0 && (!(b->urls = calloc((size_t)n, sizeof(*b->urls))) ||
	              !(b->hosts = calloc((size_t)n, sizeof(*b->hosts)))))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const char *v = config_setting_get_string_elem(s, i);
		if (v && jc_url_parse_pattern(v, &b->urls[b->nurls], &ignored) == 0)
			b->nurls++;
		else if (v && (b->hosts[b->nhosts] = lenient_host(v)))
			b->nhosts++;
		else
			unknown = true;
	}
	b->urls_known = !unknown;
	return JWTCRED_OK;
}

static int broken_urls(struct jc_loader *ld, struct jc_broken *b, config_setting_t *grp)
{
	struct jc_profile tmp = { 0 };
	jwtcred_error ignored;
	struct jc_loader quiet = { ld->file, ld->dir, &ignored };
	const config_setting_t *s;
	int rc = JWTCRED_OK;

	if (config_setting_type(grp) != CONFIG_TYPE_GROUP)
		return JWTCRED_OK;
	tmp.name = b->name; /* for messages; given back below */
	tmp.provider = JC_PROVIDER_DEFAULT;
	if ((s = config_setting_get_member(grp, "urls")))
		b->urls_known = (rc = jc_setting_read(&quiet, &tmp, s)) == JWTCRED_OK;
	else if (!is_github(&quiet, &tmp, grp))
		b->urls_known = true; /* no urls: no URL reaches it, as for a good profile */
	else if (github_default_api(&quiet, &tmp, grp))
		b->urls_known = (rc = jc_github_default_urls(&tmp.urls, &tmp.nurls, &ignored)) == JWTCRED_OK;
	/* else a github-app profile with another api_url had to say its urls, and did not */
	if (b->urls_known) {
		b->urls = tmp.urls;
		b->nurls = tmp.nurls;
		tmp.urls = NULL; /* transferred */
		tmp.nurls = 0;
	}
	tmp.name = NULL;
	jc_profile_clear(&tmp);
	if (rc != JWTCRED_E_NOMEM && s && !b->urls_known)
		rc = lenient_urls(b, s);
	return rc == JWTCRED_E_NOMEM ? rc : JWTCRED_OK;
}

/* Keep a profile that failed with `why` as broken. */
static int add_broken(struct jc_loader *ld, struct jwtcred_config *cfg, config_setting_t *grp,
                      const jwtcred_error *why)
{
	struct jc_broken *b = &cfg->broken[cfg->nbroken];

	b->line = (int)config_setting_source_line(grp);
	b->good_before = cfg->nprofiles;
	if (!(b->name = strdup(config_setting_name(grp))) || !(b->error = strdup(why->text))) {
		free(b->name);
		memset(b, 0, sizeof(*b));
		return JWTCRED_E_NOMEM;
	}
	cfg->nbroken++;
	return broken_urls(ld, b, grp);
}

/*
 * Read one profile into cfg: a good one into cfg->profiles, one with a
 * mistake into cfg->broken.  Only running out of memory fails.
 */
static int load_profile(struct jc_loader *ld, struct jwtcred_config *cfg, config_setting_t *grp,
                        int n)
{
	struct jc_profile *p = &cfg->profiles[cfg->nprofiles];
	jwtcred_error why;
	struct jc_loader mine = { ld->file, ld->dir, &why };
	int rc;

	snprintf(why.text, sizeof(why.text), "'%s':%u: profile '%s' could not be read", ld->file,
	         config_setting_source_line(grp), config_setting_name(grp));
	if ((rc = read_profile(&mine, p, grp)) == JWTCRED_OK) {
		cfg->nprofiles++;
		return JWTCRED_OK;
	}
	jc_profile_clear(p);
	if (rc == JWTCRED_E_NOMEM)
		return rc;
	if (!cfg->broken && !(cfg->broken = calloc((size_t)n, sizeof(*cfg->broken))))
		return JWTCRED_E_NOMEM;
	return add_broken(ld, cfg, grp, &why);
}

static int load(config_t *lc, const char *file, char *dir, struct jwtcred_config **out,
                jwtcred_error *err)
{
	struct jc_loader ld = { file, dir, err };
	struct jwtcred_config *cfg = NULL;
	config_setting_t *root, *profiles;
	int i, n, rc;

	*out = NULL;
	root = config_root_setting(lc);
	for (i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		if (strcmp(config_setting_name(s), "profiles") != 0 &&
		    strcmp(config_setting_name(s), "shared_cache") != 0)
			return jc_conf_bad(&ld, s, "unknown top-level setting '%s' (profiles go in 'profiles = { ... };')",
			                   config_setting_name(s));
	}
	profiles = config_lookup(lc, "profiles");
	if (!profiles)
		return jc_conf_bad(&ld, NULL, "no 'profiles' group: see '" JC_EXAMPLES_DIR "' or jwtcred.conf(5)");
	if (config_setting_type(profiles) != CONFIG_TYPE_GROUP)
		return jc_conf_bad(&ld, profiles, "'profiles' must be a group: profiles = { name = { ... }; };");
	n = config_setting_length(profiles);
	if (n == 0)
		return jc_conf_bad(&ld, profiles, "'profiles' is empty: define at least one profile");
	if (n > MAX_PROFILES)
		return jc_conf_bad(&ld, profiles, "%d profiles: at most %d", n, MAX_PROFILES);
	if (!(cfg = calloc(1, sizeof(*cfg))) ||
	    !(cfg->profiles = calloc((size_t)n, sizeof(*cfg->profiles))) ||
	    !(cfg->path = strdup(file))) {
		rc = JWTCRED_E_NOMEM;
		goto fail;
	}
	cfg->refresh_ahead = -1;
	for (i = 0; i < n; i++)
		if ((rc = load_profile(&ld, cfg, config_setting_get_elem(profiles, (unsigned)i), n)) != 0)
			goto fail;
	if ((rc = jc_shared_conf(&ld, config_lookup(lc, "shared_cache"), cfg)) != 0)
		goto fail;
	*out = cfg;
	return JWTCRED_OK;
fail:
	if (rc == JWTCRED_E_NOMEM)
		jc_fail(err, rc, "out of memory reading '%s'", file);
	jc_conf_free(cfg);
	return rc;
}

/*
 * The line of an @include directive, or 0.  libconfig reads one only at the
 * start of a line; we refuse it: a profile is exactly what its file says.
 */
static int include_line(const char *text)
{
	const char *line = text;
	int n = 1;

	for (;;) {
		line += strspn(line, " \t");
		if (strncmp(line, "@include", 8) == 0)
			return n;
		if (!(line = strchr(line, '\n')))
			return 0;
		line++;
		n++;
	}
}

/* Parse `text` (named `name` in messages; relative paths against `dir`). */
static int parse_text(const char *text, const char *name, char *dir,
                      struct jwtcred_config **out, jwtcred_error *err)
{
	config_t lc;
	int rc, line;

	*out = NULL;
	config_init(&lc);
	if ((line = include_line(text)))
		rc = jc_fail(err, JWTCRED_E_CONFIG, "'%s':%d: @include is not supported", name, line);
	else if (config_read_string(&lc, text) != CONFIG_TRUE)
		rc = jc_fail(err, JWTCRED_E_CONFIG, "'%s':%d: %s", name,
		             config_error_line(&lc), config_error_text(&lc));
	else
		rc = load(&lc, name, dir, out, err);
	config_destroy(&lc);
	return rc;
}

int jc_conf_load_string(const char *text, const char *name, struct jwtcred_config **out,
                        jwtcred_error *err)
{
	return parse_text(text, name, NULL, out, err);
}

/* "sub" -> "$PWD/sub", in place of *dir. */
static int absolute_dir(char **dir)
{
	char cwd[4096], *abs;
	size_t n;

	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	n = strlen(cwd) + strlen(*dir) + 2;
	if (strcmp(*dir, ".") == 0)
		abs = strdup(cwd);
	else if ((abs = malloc(n)))
		snprintf(abs, n, "%s/%s", cwd, *dir);
	if (!abs)
		return -1;
	free(*dir);
	*dir = abs;
	return 0;
}

/*
 * The configuration must be a regular file of ours (or root's) that no one
 * else can write: whoever can change it can send tokens and assertions
 * anywhere.  A symlink to such a file is fine (dotfile managers make them).
 */
int jc_conf_load(const char *path, struct jwtcred_config **out, jwtcred_error *err)
{
	char *text = NULL, *dir = NULL, *slash;
	size_t len;
	int fd, rc;

	*out = NULL;
	if ((rc = jc_open_trusted(AT_FDCWD, path, O_RDONLY, "configuration", path, &jc_trust_config, &fd,
	                          NULL, err)) != 0) {
		if (errno == ENOENT)
			return jc_fail(err, JWTCRED_E_CONFIG,
			               "configuration '%s' does not exist: create it (see '" JC_EXAMPLES_DIR "') or pass --config FILE",
			               path);
		return rc;
	}
	rc = jc_read_fd(fd, MAX_CONFIG_BYTES, &text, &len);
	close(fd);
	if (rc == JWTCRED_E_INPUT)
		return jc_fail(err, JWTCRED_E_CONFIG, "configuration '%s' is larger than %d bytes", path,
		               MAX_CONFIG_BYTES);
	if (rc)
		return jc_fail(err, JWTCRED_E_CONFIG, "cannot read configuration '%s': %s", path,
		               rc == JWTCRED_E_NOMEM ? "out of memory" : strerror(errno));
	if (strlen(text) != len) {
		rc = jc_fail(err, JWTCRED_E_CONFIG, "configuration '%s' contains a NUL byte", path);
		goto out;
	}
	if (!(dir = strdup(path))) {
		rc = JWTCRED_E_NOMEM;
		goto out;
	}
	if ((slash = strrchr(dir, '/')))
		slash[slash == dir ? 1 : 0] = '\0';
	else
		dir[0] = '.', dir[1] = '\0'; /* path is at least one byte long */
	/* key paths must not depend on the current directory later (libjwtcred callers chdir) */
	if (dir[0] != '/' && (rc = absolute_dir(&dir)) != 0) {
		rc = jc_fail(err, JWTCRED_E_CONFIG, "cannot resolve the directory of '%s': %s", path,
		             strerror(errno));
		goto out;
	}
	rc = parse_text(text, path, dir, out, err);
out:
	free(text);
	free(dir);
	return rc;
}

void jc_conf_free(struct jwtcred_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nprofiles; i++)
		jc_profile_clear(&cfg->profiles[i]);
	free(cfg->profiles);
	for (i = 0; i < cfg->nbroken; i++) {
		free(cfg->broken[i].name);
		free(cfg->broken[i].error);
		free_urls(cfg->broken[i].urls, cfg->broken[i].nurls);
		while (cfg->broken[i].nhosts)
			free(cfg->broken[i].hosts[--cfg->broken[i].nhosts]);
		free(cfg->broken[i].hosts);
	}
	free(cfg->broken);
	jc_shared_free(cfg->shared);
	free(cfg->path);
	free(cfg);
}

char *jc_conf_default_path(void)
{
	const char *env = getenv("JWTCRED_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME"), *home;

	if (env && *env)
		return strdup(env);
	if (xdg && *xdg == '/')
		return jc_concat(xdg, "/jwtcred/config");
	if (!(home = jc_home()))
		return NULL;
	return jc_concat(home, "/.config/jwtcred/config");
}

const struct jc_broken *jc_conf_broken(const struct jwtcred_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; name && i < cfg->nbroken; i++)
		if (strcmp(cfg->broken[i].name, name) == 0)
			return &cfg->broken[i];
	return NULL;
}

/* "a, b, c (broken)" into known[size], cut short with "..." */
static void known_names(const struct jwtcred_config *cfg, char *known, size_t size)
{
	size_t i, used = 0, all = cfg->nprofiles + cfg->nbroken;
	int n;

	known[0] = '\0';
	for (i = 0; i < all && used < size; i++) {
		n = snprintf(known + used, size - used, "%s%s%s", i ? ", " : "",
		             i < cfg->nprofiles ? cfg->profiles[i].name : cfg->broken[i - cfg->nprofiles].name,
		             i < cfg->nprofiles ? "" : " (broken)");
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used >= size)
		memcpy(known + size - 4, "...", 4);
}

int jc_conf_profile(const struct jwtcred_config *cfg, const char *name,
                    const struct jc_profile **out, jwtcred_error *err)
{
	const struct jc_broken *b;
	char known[256];
	size_t i;

	*out = NULL;
	if (!name) {
		if (cfg->nprofiles == 1 && cfg->nbroken == 0) {
			*out = &cfg->profiles[0];
			return JWTCRED_OK;
		}
		if (cfg->nprofiles == 0 && cfg->nbroken == 1)
			return jc_fail(err, JWTCRED_E_CONFIG, "%s", cfg->broken[0].error);
	} else {
		for (i = 0; i < cfg->nprofiles; i++)
			if (strcmp(cfg->profiles[i].name, name) == 0) {
				*out = &cfg->profiles[i];
				return JWTCRED_OK;
			}
		if ((b = jc_conf_broken(cfg, name)))
			return jc_fail(err, JWTCRED_E_CONFIG, "%s", b->error);
	}
	known_names(cfg, known, sizeof(known));
	if (!name)
		return jc_fail(err, JWTCRED_E_NOPROFILE,
		               "'%s' has %zu profiles: choose one with --profile NAME (known: %s)",
		               cfg->path, cfg->nprofiles + cfg->nbroken, known);
	return jc_fail(err, JWTCRED_E_NOPROFILE, "no profile '%s' in '%s' (known: %s)", name,
	               cfg->path, known);
}
