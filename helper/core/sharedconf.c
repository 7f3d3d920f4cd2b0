/*
 * sharedconf.c: read the shared_cache groups of the configuration.
 *
 * The top-level group is every profile's default; a profile's own group
 * replaces it whole, and shared_cache = false opts a profile out.  Nothing
 * here connects or reads a file: the password and the secret are read by
 * the engine when it connects (helper/engine/fleet.c), with the trust rule
 * of key files.  Every error names the file and line.
 */
#include "config.h"

#include <libconfig.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/fail.h"
#include "core/settings.h"
#include "core/sharedconf.h"
#include "core/text.h"

#define MAX_HOST 255
#define MAX_SOCKET 107 /* sizeof(sun_path) - 1 */
#define MAX_USERNAME 256

bool jc_shared_supported(void)
{
#ifdef HAVE_HIREDIS
	return true;
#else
	return false;
#endif
}

/* "123" within [lo, hi] -> *out; false for anything else. */
static bool number(const char *s, size_t n, long lo, long hi, int *out)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 6)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

/* redis://[host][:port][/db]; rest is what follows "redis://". */
static int parse_tcp(const char *rest, struct jc_shared_cache *c, jwtcred_error *err)
{
	const char *h = rest, *he, *p, *slash = strchr(rest, '/');
	size_t hn, i;
	bool v6 = false;

	if (strpbrk(rest, "@"))
		return jc_fail(err, JWTCRED_E_CONFIG,
		               "the url holds a user or password: put them in 'username' and 'password_file'");
	if (strpbrk(rest, "?#"))
		return jc_fail(err, JWTCRED_E_CONFIG, "a redis:// url has no query or fragment");
	if (*h == '[') { /* [::1] */
		v6 = true;
		if (!(he = strchr(h, ']')) || (slash && he > slash))
			return jc_fail(err, JWTCRED_E_CONFIG, "an IPv6 address lacks its ']'");
		h++;
		p = he + 1;
	} else {
		he = h + strcspn(h, ":/");
		p = he;
	}
	hn = (size_t)(he - h);
	if (hn > MAX_HOST)
		return jc_fail(err, JWTCRED_E_CONFIG, "the host is longer than %d bytes", MAX_HOST);
	for (i = 0; i < hn; i++)
		if (!(v6 ? (h[i] == ':' || (h[i] >= '0' && h[i] <= '9') ||
		            (h[i] >= 'a' && h[i] <= 'f') || (h[i] >= 'A' && h[i] <= 'F'))
		         : host_char(h[i])))
			return jc_fail(err, JWTCRED_E_CONFIG, "the host '%.*s' is not a host name or an IP address",
			               (int)hn, h);
	free(c->host);
	c->host = hn ? strndup(h, hn) : strdup("127.0.0.1");
	if (!c->host)
		return JWTCRED_E_NOMEM;
	c->port = JC_SHARED_DEFAULT_PORT;
	if (*p == ':') {
		size_t pn = strcspn(p + 1, "/");
		if (!number(p + 1, pn, 1, 65535, &c->port))
			return jc_fail(err, JWTCRED_E_CONFIG, "the port '%.*s' is not a number from 1 to 65535",
			               (int)pn, p + 1);
		p += 1 + pn;
	} else if (*p != '/' && *p != '\0') {
		return jc_fail(err, JWTCRED_E_CONFIG, "unexpected '%c' after the host", *p);
	}
	c->db = 0;
	if (*p == '/' && p[1] && !number(p + 1, strlen(p + 1), 0, JC_SHARED_MAX_DB, &c->db))
		return jc_fail(err, JWTCRED_E_CONFIG, "the database '%s' is not a number from 0 to %d", p + 1,
		               JC_SHARED_MAX_DB);
	return JWTCRED_OK;
}

/* unix:///path[?db=N]; rest is what follows "unix://". */
static int parse_unix(const char *rest, struct jc_shared_cache *c, jwtcred_error *err)
{
	const char *q = strchr(rest, '?');
	size_t n = q ? (size_t)(q - rest) : strlen(rest);

	if (rest[0] != '/')
		return jc_fail(err, JWTCRED_E_CONFIG,
		               "a unix:// url names the socket's absolute path: unix:///run/redis/redis.sock");
	if (n > MAX_SOCKET)
		return jc_fail(err, JWTCRED_E_CONFIG, "the socket path is longer than %d bytes", MAX_SOCKET);
	if (memchr(rest, '#', n))
		return jc_fail(err, JWTCRED_E_CONFIG, "a unix:// url has no fragment");
	c->db = 0;
	if (q && (strncmp(q, "?db=", 4) != 0 ||
	          !number(q + 4, strlen(q + 4), 0, JC_SHARED_MAX_DB, &c->db)))
		return jc_fail(err, JWTCRED_E_CONFIG, "a unix:// url takes only '?db=N' (N from 0 to %d)",
		               JC_SHARED_MAX_DB);
	free(c->socket);
	return (c->socket = strndup(rest, n)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

int jc_shared_url_parse(const char *url, struct jc_shared_cache *c, jwtcred_error *err)
{
	if (jc_has_control(url))
		return jc_fail(err, JWTCRED_E_CONFIG, "the url contains a control character");
	if (strncmp(url, "redis://", 8) == 0) {
		c->scheme = JC_SHARED_TCP;
		return parse_tcp(url + 8, c, err);
	}
	if (strncmp(url, "unix://", 7) == 0) {
		c->scheme = JC_SHARED_UNIX;
		return parse_unix(url + 7, c, err);
	}
	if (strncmp(url, "rediss://", 9) == 0)
		return jc_fail(err, JWTCRED_E_CONFIG,
		               "rediss:// is not supported: this jwtcred's hiredis has no TLS; use redis:// on a trusted network or unix:// (entries are encrypted either way)");
	return jc_fail(err, JWTCRED_E_CONFIG,
	               "'%s' is not a redis://host:port/db or unix:///path url", url);
}

/* Where a group is, for messages: "shared_cache" or "shared_cache of profile 'x'". */
struct group {
	struct jc_loader *ld;
	const char *profile; /* NULL: the top level */
	char where[160];
};

static int bad(struct group *g, const config_setting_t *s, const char *name, const char *fmt,
               const char *why)
{
	if (name)
		return jc_conf_bad(g->ld, s, "'%s' in %s %s", name, g->where, why ? why : fmt);
	return jc_conf_bad(g->ld, s, "%s %s", g->where, why ? why : fmt);
}

/* A string member: not empty, bounded, no control character, UTF-8. */
static int string_of(struct group *g, const config_setting_t *s, size_t max, const char **out)
{
	const char *name = config_setting_name(s), *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return bad(g, s, name, "must be a string", NULL);
	v = config_setting_get_string(s);
	if (*v == '\0')
		return bad(g, s, name, "is empty", NULL);
	if (strlen(v) > max) {
		char why[64];
		snprintf(why, sizeof(why), "is longer than %zu bytes", max);
		return bad(g, s, name, NULL, why);
	}
	if (jc_has_control(v) || !jc_utf8_valid(v))
		return bad(g, s, name, "contains a control character or is not UTF-8", NULL);
	*out = v;
	return JWTCRED_OK;
}

/* Printable ASCII, no space, and none of SCAN MATCH's *?[]\ (status --shared lists by prefix). */
static bool prefix_ok(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v <= ' ' || (unsigned char)*v >= 0x7f || strchr("*?[]\\", *v))
			return false;
	return true;
}

static int read_member(struct group *g, const config_setting_t *s, struct jc_shared_cache *c)
{
	const char *name = config_setting_name(s), *v = NULL;
	jwtcred_error why;
	int rc;

	if (strcmp(name, "timeout") == 0) {
		long long n;
		int t = config_setting_type(s);
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return bad(g, s, name, "must be an integer (milliseconds)", NULL);
		n = config_setting_get_int64(s);
		if (n < 1 || n > JC_SHARED_MAX_TIMEOUT_MS)
			return bad(g, s, name, "must be between 1 and 10000 (milliseconds)", NULL);
		c->timeout_ms = (long)n;
		return JWTCRED_OK;
	}
	if ((rc = string_of(g, s, JC_CONF_MAX_STRING, &v)) != 0)
		return rc;
	if (strcmp(name, "url") == 0) {
		if ((rc = jc_shared_url_parse(v, c, &why)) != 0)
			return rc == JWTCRED_E_NOMEM ? rc : bad(g, s, name, NULL, why.text);
		free(c->url);
		return (c->url = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
	}
	if (strcmp(name, "username") == 0) {
		if (strlen(v) > MAX_USERNAME || strpbrk(v, " \t"))
			return bad(g, s, name, "must be a Redis user name: no space, at most 256 bytes", NULL);
		free(c->username);
		return (c->username = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
	}
	if (strcmp(name, "key_prefix") == 0) {
		if (strlen(v) > JC_SHARED_MAX_PREFIX || !prefix_ok(v))
			return bad(g, s, name, "must be printable ASCII without spaces or *?[]\\, at most 64 bytes",
			           NULL);
		free(c->key_prefix);
		return (c->key_prefix = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
	}
	if (strcmp(name, "password_file") == 0) {
		free(c->password_file);
		c->password_file = NULL;
		return jc_conf_path(g->ld, s, v, &c->password_file);
	}
	if (strcmp(name, "secret_file") == 0) {
		free(c->secret_file);
		c->secret_file = NULL;
		return jc_conf_path(g->ld, s, v, &c->secret_file);
	}
	return bad(g, s, name,
	           "is not a shared_cache setting (known: url, username, password_file, key_prefix, timeout, secret_file)",
	           NULL);
}

/* Group s into a new *out. */
static int read_group(struct group *g, const config_setting_t *s, struct jc_shared_cache **out)
{
	struct jc_shared_cache *c;
	int i, n, rc;

	*out = NULL;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return bad(g, s, NULL,
		           "must be a group, shared_cache = { url = \"redis://127.0.0.1:6379/0\"; ... };, or false",
		           NULL);
	if (!jc_shared_supported())
		return bad(g, s, NULL,
		           "asks for the shared cache, but this jwtcred was built without Redis support: rebuild it with libhiredis-dev installed, or remove shared_cache",
		           NULL);
	if (!(c = calloc(1, sizeof(*c))))
		return JWTCRED_E_NOMEM;
	c->timeout_ms = JC_SHARED_DEFAULT_TIMEOUT_MS;
	c->line = (int)config_setting_source_line(s);
	n = config_setting_length(s);
	for (i = 0; i < n; i++)
		if ((rc = read_member(g, config_setting_get_elem(s, (unsigned)i), c)) != 0)
			goto fail;
	if (!c->url) {
		rc = bad(g, s, NULL, "has no 'url' (redis://host:port/db or unix:///path)", NULL);
		goto fail;
	}
	if (!c->key_prefix && !(c->key_prefix = strdup("jwtcred:"))) {
		rc = JWTCRED_E_NOMEM;
		goto fail;
	}
	*out = c;
	return JWTCRED_OK;
fail:
	jc_shared_free(c);
	return rc;
}

int jc_shared_read_profile(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s)
{
	struct group g = { ld, p->name, "" };

	snprintf(g.where, sizeof(g.where), "shared_cache of profile '%s'", p->name);
	jc_shared_free(p->shared);
	p->shared = NULL;
	p->shared_set = true;
	if (config_setting_type(s) == CONFIG_TYPE_BOOL) {
		if (config_setting_get_bool(s))
			return bad(&g, s, NULL,
			           "is true: write a group, or leave it out to use the top-level shared_cache",
			           NULL);
		return JWTCRED_OK; /* false: this profile opts out */
	}
	return read_group(&g, s, &p->shared);
}

int jc_shared_conf(struct jc_loader *ld, const config_setting_t *top, struct jwtcred_config *cfg)
{
	struct group g = { ld, NULL, "shared_cache" };
	size_t i;
	int rc;

	if (top && (rc = read_group(&g, top, &cfg->shared)) != 0)
		return rc;
	for (i = 0; i < cfg->nprofiles; i++) {
		struct jc_profile *p = &cfg->profiles[i];
		if (!p->shared_set && (rc = jc_shared_copy(cfg->shared, &p->shared)) != 0)
			return rc;
		/* (its own shared_cache without the local cache is finish_profile's: conf.c) */
	}
	return JWTCRED_OK;
}

static int dup_or_null(const char *s, char **out)
{
	*out = NULL;
	return !s || (*out = strdup(s)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

int jc_shared_copy(const struct jc_shared_cache *c, struct jc_shared_cache **out)
{
	struct jc_shared_cache *d;

	*out = NULL;
	if (!c)
		return JWTCRED_OK;
	if (!(d = calloc(1, sizeof(*d))))
		return JWTCRED_E_NOMEM;
	*d = *c;
	d->url = d->host = d->socket = d->username = d->password_file = d->key_prefix =
		d->secret_file = NULL;
	if (dup_or_null(c->url, &d->url) || dup_or_null(c->host, &d->host) ||
	    dup_or_null(c->socket, &d->socket) || dup_or_null(c->username, &d->username) ||
	    dup_or_null(c->password_file, &d->password_file) ||
	    dup_or_null(c->key_prefix, &d->key_prefix) || dup_or_null(c->secret_file, &d->secret_file)) {
		jc_shared_free(d);
		return JWTCRED_E_NOMEM;
	}
	*out = d;
	return JWTCRED_OK;
}

void jc_shared_free(struct jc_shared_cache *c)
{
	if (!c)
		return;
	free(c->url);
	free(c->host);
	free(c->socket);
	free(c->username);
	free(c->password_file);
	free(c->key_prefix);
	free(c->secret_file);
	free(c);
}
