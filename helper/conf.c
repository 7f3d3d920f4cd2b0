/*
 * conf.c: load profiles from a libconfig file.
 *
 *   profiles = {
 *     prod = { client_id = "3MVG9..."; username = "ci@example.com";
 *              private_key = "prod.key"; urls = [ "https://git.example.com" ]; };
 *   };
 *
 * Every setting is described once in the table below; validation and
 * defaults follow it.  Every error names the file and line.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

enum setting_type { T_STRING, T_INT, T_BOOL, T_URLS };

struct setting {
	const char *name;
	enum setting_type type;
	size_t offset;
	long min, max; /* T_INT bounds */
};

#define S(name, type) { #name, type, offsetof(struct jc_profile, name), 0, 0 }
#define I(name, lo, hi) { #name, T_INT, offsetof(struct jc_profile, name), lo, hi }

static const struct setting settings[] = {
	S(provider, T_STRING), /* offset unused: parsed by hand */
	S(client_id, T_STRING),
	S(username, T_STRING),
	S(login_url, T_STRING),
	S(token_url, T_STRING),
	S(revoke_url, T_STRING),
	S(audience, T_STRING),
	S(private_key, T_STRING),
	S(passphrase_file, T_STRING),
	S(passphrase_env, T_STRING),
	S(algorithm, T_STRING),
	S(scope, T_STRING),
	S(ca_file, T_STRING),
	S(certificate, T_STRING),
	S(git_username, T_STRING),
	S(docker_username, T_STRING),
	I(assertion_lifetime, 10, 3600),
	I(token_lifetime, 60, 86400),
	I(refresh_margin, 0, 3600),
	I(timeout, 1, 600),
	S(cache, T_BOOL),
	S(urls, T_URLS),
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))
#define MAX_PROFILES 256
#define MAX_URLS 64
#define MAX_STRING 4096
#define MAX_CONFIG_BYTES (1024 * 1024)

struct loader {
	const char *file;    /* for messages */
	char *dir;           /* for relative paths; NULL: current directory */
	jwtcred_error *err;
};

static int bad(struct loader *ld, const config_setting_t *s, const char *fmt, ...) JC_PRINTF(3, 4);

static int bad(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
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

/* Levenshtein distance, for "did you mean" (names are short). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < cur)
				cur = row[j] + 1;
			if (row[j - 1] + 1 < cur)
				cur = row[j - 1] + 1;
			tmp = row[j];
			row[j] = cur;
			prev = tmp;
		}
	}
	return row[lb];
}

static const char *closest_setting(const char *name)
{
	const char *best = NULL;
	size_t bestd = 3, d, i;

	for (i = 0; i < NSETTINGS; i++) {
		d = distance(name, settings[i].name);
		if (d < bestd) {
			bestd = d;
			best = settings[i].name;
		}
	}
	return best;
}

/* Control characters would let a value forge lines in messages or protocols. */
static bool has_control(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < ' ' || *v == 0x7f)
			return true;
	return false;
}

static const char *type_name(int t)
{
	switch (t) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "a value";
	}
}

/* "~/x" -> $HOME/x; "x" -> <config dir>/x; "/x" stays. */
static int resolve_path(struct loader *ld, const config_setting_t *s, const char *v, char **out)
{
	const char *home;
	size_t len;

	*out = NULL;
	if (v[0] == '/') {
		*out = strdup(v);
	} else if (v[0] == '~' && (v[1] == '/' || v[1] == '\0')) {
		if (!(home = jc_home()))
			return bad(ld, s, "cannot expand '~' in '%s': HOME is not set", v);
		*out = jc_concat(home, v + 1);
	} else if (v[0] == '~') {
		return bad(ld, s, "'%s': only '~/' is expanded, not '~user'", v);
	} else {
		const char *dir = ld->dir ? ld->dir : ".";
		len = strlen(dir) + strlen(v) + 2;
		if ((*out = malloc(len)))
			snprintf(*out, len, "%s/%s", dir, v);
	}
	return *out ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

static bool is_path_setting(const char *name)
{
	return strcmp(name, "private_key") == 0 || strcmp(name, "passphrase_file") == 0 ||
	       strcmp(name, "ca_file") == 0 || strcmp(name, "certificate") == 0;
}

static int read_urls(struct loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	int i, n = config_setting_length(s), rc;
	const char *v;
	jwtcred_error why;

	if (n > MAX_URLS)
		return bad(ld, s, "profile '%s' lists %d urls: at most %d", p->name, n, MAX_URLS);
	if (!(p->urls = calloc((size_t)n + 1, sizeof(*p->urls))))
		return JWTCRED_E_NOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return bad(ld, e, "'urls' in profile '%s' must hold strings, not %s",
			           p->name, type_name(config_setting_type(e)));
		v = config_setting_get_string(e);
		if (has_control(v))
			return bad(ld, e, "an entry of 'urls' in profile '%s' contains a control character",
			           p->name);
		if ((rc = jc_url_parse_pattern(v, &p->urls[i], &why)) != 0)
			return rc == JWTCRED_E_NOMEM ? rc : bad(ld, e, "in 'urls' of profile '%s': %s", p->name, why.text);
		p->nurls++;
	}
	return JWTCRED_OK;
}

static int read_setting(struct loader *ld, struct jc_profile *p, const struct setting *def,
                        const config_setting_t *s)
{
	int t = config_setting_type(s);
	const char *v;

	switch (def->type) {
	case T_STRING:
		if (t != CONFIG_TYPE_STRING)
			return bad(ld, s, "'%s' in profile '%s' must be a string, not %s", def->name,
			           p->name, type_name(t));
		v = config_setting_get_string(s);
		if (strlen(v) > MAX_STRING)
			return bad(ld, s, "'%s' in profile '%s' is longer than %d bytes", def->name,
			           p->name, MAX_STRING);
		if (has_control(v))
			return bad(ld, s, "'%s' in profile '%s' contains a control character", def->name,
			           p->name);
		if (strcmp(def->name, "provider") == 0) {
			if (strcmp(v, "salesforce") != 0)
				return bad(ld, s, "unknown provider '%s' in profile '%s' (known: salesforce)",
				           v, p->name);
			p->provider = JC_PROVIDER_SALESFORCE;
			return JWTCRED_OK;
		}
		if (*v == '\0')
			return bad(ld, s, "'%s' in profile '%s' is empty", def->name, p->name);
		{
			char **field = (char **)((char *)p + def->offset);
			free(*field);
			if (is_path_setting(def->name))
				return resolve_path(ld, s, v, field);
			return (*field = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
		}
	case T_INT:
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return bad(ld, s, "'%s' in profile '%s' must be an integer (seconds), not %s",
			           def->name, p->name, type_name(t));
		{
			long long n = config_setting_get_int64(s);
			if (n < def->min || n > def->max)
				return bad(ld, s, "'%s' in profile '%s' is %lld: it must be between %ld and %ld",
				           def->name, p->name, n, def->min, def->max);
			*(long *)((char *)p + def->offset) = (long)n;
		}
		return JWTCRED_OK;
	case T_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			return bad(ld, s, "'%s' in profile '%s' must be true or false, not %s", def->name,
			           p->name, type_name(t));
		*(bool *)((char *)p + def->offset) = config_setting_get_bool(s);
		return JWTCRED_OK;
	case T_URLS:
		if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
			return bad(ld, s, "'%s' in profile '%s' must be a list of URLs, like [ \"https://git.example.com\" ]",
			           def->name, p->name);
		return read_urls(ld, p, s);
	}
	return JWTCRED_E_CONFIG;
}

/*
 * Check that url is https; *canonical (when asked) is its canonical form:
 * lower-case host, no default port, no trailing slash.  That is the
 * default audience: "https://login.salesforce.com", or an Experience Cloud
 * site's URL with its path.
 */
static int check_https(struct loader *ld, const config_setting_t *s, const struct jc_profile *p,
                       const char *what, const char *url, char **canonical)
{
	struct jc_request r;
	char port[16] = "";
	size_t n;
	int rc;

	if (canonical)
		*canonical = NULL;
	if (strncmp(url, "https://", 8) != 0)
		return bad(ld, s, "'%s' in profile '%s' must be an https URL, not '%s'", what, p->name, url);
	if (strpbrk(url, "?#") || memchr(url + 8, '@', strcspn(url + 8, "/")) ||
	    (rc = jc_request_from_url(url, &r)) != 0)
		return bad(ld, s, "'%s' in profile '%s' is not a valid URL (https://host[:port][/path]): '%s'",
		           what, p->name, url);
	if (canonical) {
		if (r.port != 443)
			snprintf(port, sizeof(port), ":%d", r.port);
		n = strlen(r.host) + strlen(port) + strlen(r.path) + 16;
		if ((*canonical = malloc(n)))
			snprintf(*canonical, n, "https://%s%s%s%s", r.host, port, *r.path ? "/" : "", r.path);
	}
	jc_request_clear(&r);
	return canonical && !*canonical ? JWTCRED_E_NOMEM : JWTCRED_OK;
}

static int finish_profile(struct loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	char *canonical = NULL, *base = NULL;
	int rc = JWTCRED_OK;
	size_t n;
	const char *required[] = { "client_id", "username", "private_key" };
	char **fields[] = { &p->client_id, &p->username, &p->private_key };
	size_t i;

	for (i = 0; i < 3; i++)
		if (!*fields[i])
			return bad(ld, grp, "profile '%s' has no '%s' (required)", p->name, required[i]);
	if (p->passphrase_file && p->passphrase_env)
		return bad(ld, grp, "profile '%s' sets both 'passphrase_file' and 'passphrase_env': keep one",
		           p->name);
	if (!p->login_url && !(p->login_url = strdup("https://login.salesforce.com")))
		return JWTCRED_E_NOMEM;
	if ((rc = check_https(ld, config_setting_lookup(grp, "login_url"), p, "login_url",
	                      p->login_url, &canonical)) != 0)
		return rc;
	/* base for endpoints: the login URL without a trailing slash */
	n = strlen(p->login_url);
	while (n > 8 && p->login_url[n - 1] == '/')
		n--;
	if (!(base = strndup(p->login_url, n))) {
		rc = JWTCRED_E_NOMEM;
		goto out;
	}
	if (!p->token_url && !(p->token_url = jc_concat(base, "/services/oauth2/token")))
		rc = JWTCRED_E_NOMEM;
	if (!rc && !p->revoke_url && !(p->revoke_url = jc_concat(base, "/services/oauth2/revoke")))
		rc = JWTCRED_E_NOMEM;
	if (!rc && !p->audience) {
		p->audience = canonical;
		canonical = NULL; /* transferred */
	}
	if (!rc && !p->algorithm && !(p->algorithm = strdup("RS256")))
		rc = JWTCRED_E_NOMEM;
	if (!rc && !p->git_username && !(p->git_username = strdup(p->username)))
		rc = JWTCRED_E_NOMEM;
	if (!rc && !p->docker_username && !(p->docker_username = strdup(p->username)))
		rc = JWTCRED_E_NOMEM;
	if (rc)
		goto out;
	if ((rc = check_https(ld, config_setting_lookup(grp, "token_url"), p, "token_url",
	                      p->token_url, NULL)) != 0 ||
	    (rc = check_https(ld, config_setting_lookup(grp, "revoke_url"), p, "revoke_url",
	                      p->revoke_url, NULL)) != 0)
		goto out;
	if (strcmp(p->algorithm, "RS256") != 0) {
		rc = bad(ld, config_setting_lookup(grp, "algorithm"),
		         "algorithm '%s' in profile '%s' is not supported: the Salesforce provider signs with RS256",
		         p->algorithm, p->name);
		goto out;
	}
	if (p->refresh_margin >= p->token_lifetime) {
		config_setting_t *where = config_setting_lookup(grp, "refresh_margin");
		if (!where)
			where = config_setting_lookup(grp, "token_lifetime");
		rc = bad(ld, where ? where : grp,
		         "'refresh_margin' (%ld) in profile '%s' must be shorter than 'token_lifetime' (%ld)",
		         p->refresh_margin, p->name, p->token_lifetime);
		goto out;
	}
out:
	free(canonical);
	free(base);
	return rc;
}

static void profile_clear(struct jc_profile *p)
{
	size_t i;

	for (i = 0; i < p->nurls; i++)
		jc_url_clear(&p->urls[i]);
	free(p->urls);
	free(p->name);
	free(p->client_id);
	free(p->username);
	free(p->login_url);
	free(p->token_url);
	free(p->revoke_url);
	free(p->audience);
	free(p->private_key);
	free(p->passphrase_file);
	free(p->passphrase_env);
	free(p->algorithm);
	free(p->scope);
	free(p->ca_file);
	free(p->certificate);
	free(p->git_username);
	free(p->docker_username);
	memset(p, 0, sizeof(*p));
}

static int read_profile(struct loader *ld, struct jc_profile *p, config_setting_t *grp)
{
	int i, n, rc;
	size_t k;

	p->line = (int)config_setting_source_line(grp);
	p->provider = JC_PROVIDER_SALESFORCE;
	p->assertion_lifetime = 180;
	p->token_lifetime = 900;
	p->refresh_margin = 60;
	p->timeout = 30;
	p->cache = true;
	if (!(p->name = strdup(config_setting_name(grp))))
		return JWTCRED_E_NOMEM;
	if (config_setting_type(grp) != CONFIG_TYPE_GROUP)
		return bad(ld, grp, "profile '%s' must be a group: %s = { ... };", p->name, p->name);
	n = config_setting_length(grp);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct setting *def = NULL;

		for (k = 0; k < NSETTINGS; k++)
			if (strcmp(settings[k].name, name) == 0)
				def = &settings[k];
		if (!def) {
			const char *near = closest_setting(name);
			if (near)
				return bad(ld, s, "unknown setting '%s' in profile '%s' (did you mean '%s'?)",
				           name, p->name, near);
			return bad(ld, s, "unknown setting '%s' in profile '%s' (see jwtcred.conf(5))",
			           name, p->name);
		}
		if ((rc = read_setting(ld, p, def, s)) != 0)
			return rc;
	}
	return finish_profile(ld, p, grp);
}

static int load(config_t *lc, const char *file, char *dir, struct jwtcred_config **out,
                jwtcred_error *err)
{
	struct loader ld = { file, dir, err };
	struct jwtcred_config *cfg = NULL;
	config_setting_t *root, *profiles;
	int i, n, rc;

	*out = NULL;
	root = config_root_setting(lc);
	for (i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		if (strcmp(config_setting_name(s), "profiles") != 0)
			return bad(&ld, s, "unknown top-level setting '%s' (profiles go in 'profiles = { ... };')",
			           config_setting_name(s));
	}
	profiles = config_lookup(lc, "profiles");
	if (!profiles)
		return bad(&ld, NULL, "no 'profiles' group: see config-examples/ or jwtcred.conf(5)");
	if (config_setting_type(profiles) != CONFIG_TYPE_GROUP)
		return bad(&ld, profiles, "'profiles' must be a group: profiles = { name = { ... }; };");
	n = config_setting_length(profiles);
	if (n == 0)
		return bad(&ld, profiles, "'profiles' is empty: define at least one profile");
	if (n > MAX_PROFILES)
		return bad(&ld, profiles, "%d profiles: at most %d", n, MAX_PROFILES);
	if (!(cfg = calloc(1, sizeof(*cfg))) ||
	    !(cfg->profiles = calloc((size_t)n, sizeof(*cfg->profiles))) ||
	    !(cfg->path = strdup(file))) {
		rc = JWTCRED_E_NOMEM;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		rc = read_profile(&ld, &cfg->profiles[i], config_setting_get_elem(profiles, (unsigned)i));
		cfg->nprofiles++;
		if (rc)
			goto fail;
	}
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

int jc_conf_load(const char *path, struct jwtcred_config **out, jwtcred_error *err)
{
	char *text = NULL, *dir = NULL, *slash;
	size_t len;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return jc_fail(err, JWTCRED_E_CONFIG,
			               "configuration '%s' does not exist: create it (see config-examples/) or pass --config FILE",
			               path);
		return jc_fail(err, JWTCRED_E_CONFIG, "cannot open configuration '%s': %s", path,
		               strerror(errno));
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
		profile_clear(&cfg->profiles[i]);
	free(cfg->profiles);
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

int jc_conf_profile(const struct jwtcred_config *cfg, const char *name,
                    const struct jc_profile **out, jwtcred_error *err)
{
	char known[256] = "";
	size_t i, used = 0;
	int n;

	*out = NULL;
	if (!name) {
		if (cfg->nprofiles == 1) {
			*out = &cfg->profiles[0];
			return JWTCRED_OK;
		}
	} else {
		for (i = 0; i < cfg->nprofiles; i++)
			if (strcmp(cfg->profiles[i].name, name) == 0) {
				*out = &cfg->profiles[i];
				return JWTCRED_OK;
			}
	}
	for (i = 0; i < cfg->nprofiles && used < sizeof(known); i++) {
		n = snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
		             cfg->profiles[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used >= sizeof(known))
		memcpy(known + sizeof(known) - 4, "...", 4);
	if (!name)
		return jc_fail(err, JWTCRED_E_NOPROFILE,
		               "'%s' has %zu profiles: choose one with --profile NAME (known: %s)",
		               cfg->path, cfg->nprofiles, known);
	return jc_fail(err, JWTCRED_E_NOPROFILE, "no profile '%s' in '%s' (known: %s)", name,
	               cfg->path, known);
}

const struct jc_profile *jc_conf_match(const struct jwtcred_config *cfg, const char *only,
                                       const struct jc_request *req)
{
	const struct jc_profile *best = NULL;
	long best_score = -1, score;
	size_t i, j;

	for (i = 0; i < cfg->nprofiles; i++) {
		const struct jc_profile *p = &cfg->profiles[i];
		if (only && strcmp(p->name, only) != 0)
			continue;
		for (j = 0; j < p->nurls; j++) {
			score = jc_url_match(&p->urls[j], req);
			if (score > best_score) { /* strictly: ties keep the first */
				best_score = score;
				best = p;
			}
		}
	}
	return best;
}
