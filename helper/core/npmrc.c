/*
 * npmrc.c: find the registries an npmrc binds to a token helper program,
 * parsing as pnpm does (see npmrc.h for the rules and where they come from).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/npmrc.h"
#include "core/secret.h"

#define TOKEN_HELPER ":tokenHelper"
#define REGISTRY ":registry"

/* One file being read: where the line is, and what is found. */
struct scan {
	const char *program;
	jc_npmrc_env env;
	struct jc_npmrc_helpers *out;
	jwtcred_error *err;
	size_t line;
	bool in_section;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* s[0..len) without surrounding blanks, as a new string. */
static char *trimmed(const char *s, size_t len)
{
	char *out;

	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	while (len && is_blank(s[len - 1]))
		len--;
	if ((out = malloc(len + 1))) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

/* A JSON string literal with no escape in it: strip the quotes in place; else false. */
static bool plain_json_string(char *s)
{
	size_t len = strlen(s), i;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return false;
	for (i = 1; i + 1 < len; i++)
		if (s[i] == '"' || s[i] == '\\' || (unsigned char)s[i] < 0x20)
			return false; /* an escape, or JSON.parse() fails and the quotes stay */
	memmove(s, s + 1, len - 2);
	s[len - 2] = '\0';
	return true;
}

/*
 * ini's unsafe(): trim; quoted text loses its quotes ("..." is JSON, '...'
 * is tried as JSON); else "\;" and "\#" unescape and an unescaped ';' or
 * '#' starts a comment.  *unsure when quoting leaves the result in doubt.
 * Returns a new string, or NULL when out of memory.
 */
static char *ini_unsafe(const char *s, size_t len, bool *unsure)
{
	char *v = trimmed(s, len), *w;
	size_t n, i;
	bool esc = false;

	if (!v)
		return NULL;
	n = strlen(v);
	if (n >= 1 && ((v[0] == '"' && v[n - 1] == '"') || (v[0] == '\'' && v[n - 1] == '\''))) {
		if (v[0] == '\'') {
			memmove(v, v + 1, n >= 2 ? n - 2 : 0);
			v[n >= 2 ? n - 2 : 0] = '\0';
			/* JSON.parse() of the inside: a plain string, or text no JSON starts like */
			if (*v && !plain_json_string(v) && strchr("\"[{-0123456789tfn \t", v[0]))
				*unsure = true;
		} else {
			/* no backslash here (the caller refused it): JSON.parse() strips the
			 * quotes, or fails and leaves them */
			plain_json_string(v);
		}
		return v;
	}
	for (i = 0, w = v; i < n; i++) {
		if (esc) {
			if (!strchr("\\;#", v[i]))
				*w++ = '\\';
			*w++ = v[i];
			esc = false;
		} else if (v[i] == ';' || v[i] == '#') {
			break;
		} else if (v[i] == '\\') {
			esc = true;
		} else {
			*w++ = v[i];
		}
	}
	if (esc)
		*w++ = '\\';
	*w = '\0';
	w = trimmed(v, strlen(v));
	jc_free_secret(v); /* an npmrc holds _authToken and _password values too */
	return w;
}

/* Does key s end with suffix (":tokenHelper"), or is it the suffix without its ':'? */
static bool key_is(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return strcmp(s, suffix + 1) == 0 || (n > m && strcmp(s + n - m, suffix) == 0);
}

/* Append (copy of s, line) to the list *v / *lines of *n. */
static int list_add(char ***v, size_t **lines, size_t *n, const char *s, size_t len, size_t line)
{
	char **grown;
	size_t *lgrown;

	if (!(grown = realloc(*v, (*n + 1) * sizeof(*grown))))
		return -1;
	*v = grown;
	if (!(lgrown = realloc(*lines, (*n + 1) * sizeof(*lgrown))))
		return -1;
	*lines = lgrown;
	if (!((*v)[*n] = strndup(s, len)))
		return -1;
	(*lines)[(*n)++] = line;
	return 0;
}

/* Put the line number before the error's text. */
static int at_line(struct scan *sc, int rc)
{
	char text[sizeof(sc->err->text)];

	snprintf(text, sizeof(text), "%s", sc->err->text);
	return jc_fail(sc->err, rc, "%zu: %s", sc->line, text);
}

/* A top-level tokenHelper setting whose value is the program: add its registry. */
static int add_helper(struct scan *sc, const char *key)
{
	size_t rlen = strlen(key) - strlen(TOKEN_HELPER);

	if (strcmp(key, TOKEN_HELPER + 1) == 0)
		return jc_fail(sc->err, JWTCRED_E_INPUT,
		               "%zu: a bare 'tokenHelper' goes to whichever registry is the default: "
		               "write it as //HOST/PATH/:tokenHelper=%s", sc->line, sc->program);
	if (rlen < 4 || strncmp(key, "//", 2) != 0 || key[2] == '/' || key[rlen - 1] != '/')
		return jc_fail(sc->err, JWTCRED_E_INPUT,
		               "%zu: '%s' does not name a registry as //HOST[:PORT]/PATH/", sc->line, key);
	if (list_add(&sc->out->registries, &sc->out->lines, &sc->out->n, key, rlen, sc->line) != 0)
		return jc_fail(sc->err, JWTCRED_E_NOMEM, "out of memory");
	return JWTCRED_OK;
}

/* A top-level `registry` / `@scope:registry` setting: keep its URL, env replaced as pnpm does. */
static int add_url(struct scan *sc, const char *value)
{
	char *url;
	int rc;

	if ((rc = jc_npmrc_env_replace(value, sc->env, &url, sc->err)) != JWTCRED_OK)
		return at_line(sc, rc);
	if (list_add(&sc->out->urls, &sc->out->url_lines, &sc->out->nurls, url, strlen(url),
	             sc->line) != 0)
		rc = jc_fail(sc->err, JWTCRED_E_NOMEM, "out of memory");
	free(url);
	return rc;
}

/*
 * pnpm's parseField() on a value ini already decoded: a value still in
 * double quotes is JSON once more (it fails pnpm when not plain: *unsure);
 * true, false, null and undefined are no string.  False when no string.
 */
static bool parse_field(char *value, bool *unsure)
{
	size_t n = strlen(value);

	if (n >= 2 && value[0] == '"' && value[n - 1] == '"' && !plain_json_string(value))
		*unsure = true;
	return !(strcmp(value, "true") == 0 || strcmp(value, "false") == 0 ||
	         strcmp(value, "null") == 0 || strcmp(value, "undefined") == 0);
}

/* A "key = value" line, top level, ASCII, no quote with a backslash. */
static int scan_setting(struct scan *sc, const char *line, size_t len, const char *eq)
{
	size_t klen = (size_t)(eq - line);
	char *raw_key = NULL, *key = NULL, *value = NULL;
	bool unsure = false, names_us, string;
	int rc = JWTCRED_OK;

	if (!(raw_key = ini_unsafe(line, klen, &unsure)) ||
	    !(value = ini_unsafe(eq + 1, len - klen - 1, &unsure))) {
		rc = jc_fail(sc->err, JWTCRED_E_NOMEM, "out of memory");
		goto out;
	}
	names_us = memmem(eq + 1, len - klen - 1, sc->program, strlen(sc->program)) != NULL;
	/* an array ("key[]="): pnpm cannot run it, nor ask it */
	string = !(strlen(raw_key) > 2 && strcmp(raw_key + strlen(raw_key) - 2, "[]") == 0) &&
	         parse_field(value, &unsure);
	if (unsure && names_us) {
		rc = jc_fail(sc->err, JWTCRED_E_INPUT,
		             "%zu: cannot read this quoted line for sure: write it unquoted", sc->line);
		goto out;
	}
	/* pnpm replaces ${NAME} in every key; an unset one fails its whole configuration */
	if ((rc = jc_npmrc_env_replace(raw_key, sc->env, &key, sc->err)) != JWTCRED_OK) {
		rc = at_line(sc, rc);
		goto out;
	}
	if (unsure && key_is(key, REGISTRY))
		rc = jc_fail(sc->err, JWTCRED_E_INPUT,
		             "%zu: cannot read this quoted registry for sure: write it unquoted", sc->line);
	if (!string || unsure)
		goto out;
	if (key_is(key, TOKEN_HELPER) && strcmp(value, sc->program) == 0)
		rc = add_helper(sc, key);
	else if (key_is(key, REGISTRY))
		rc = add_url(sc, value);
out:
	free(raw_key);
	free(key);
	jc_free_secret(value); /* an npmrc holds _authToken and _password values too */
	return rc;
}

/* One line (no line break in it) as ini's decode() and pnpm read it. */
static int scan_line(struct scan *sc, const char *line, size_t len)
{
	const char *eq;
	size_t i;

	for (i = 0; i < len && is_blank(line[i]); i++)
		;
	if (len == 0 || (i < len && (line[i] == ';' || line[i] == '#')))
		return JWTCRED_OK;
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] >= 0x80)
			return jc_fail(sc->err, JWTCRED_E_INPUT,
			               "%zu: a non-ASCII character outside a comment, which pnpm may trim "
			               "as white space: write the line in ASCII", sc->line);
	if ((memchr(line, '"', len) || memchr(line, '\'', len)) && memchr(line, '\\', len))
		return jc_fail(sc->err, JWTCRED_E_INPUT,
		               "%zu: a quote and a backslash, which pnpm may decode as a JSON escape: "
		               "write the line without quotes", sc->line);
	if (len >= 2 && line[0] == '[' && line[len - 1] == ']' && !memchr(line + 1, ']', len - 2)) {
		sc->in_section = true;
		return JWTCRED_OK;
	}
	if (sc->in_section || line[0] == '=' || !(eq = memchr(line, '=', len)))
		return JWTCRED_OK; /* in a section, no key, or no value (true): nothing pnpm runs */
	return scan_setting(sc, line, len, eq);
}

/* The line number of offset off in text. */
static size_t line_of(const char *text, size_t off)
{
	size_t line = 1, i;

	for (i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

static int scan_text(struct scan *sc, const char *text)
{
	static const char *const separators[] = { "\xe2\x80\xa8", "\xe2\x80\xa9" };
	const char *hit;
	size_t len, i;
	int rc = JWTCRED_OK;

	for (i = 0; i < 2; i++)
		if ((hit = strstr(text, separators[i])))
			return jc_fail(sc->err, JWTCRED_E_INPUT,
			               "%zu: a Unicode line separator (U+%s), where pnpm's parser skips "
			               "the line: remove it", line_of(text, (size_t)(hit - text)),
			               i ? "2029" : "2028");
	sc->line = 1;
	while (*text && rc == JWTCRED_OK) {
		len = strcspn(text, "\r\n");
		rc = scan_line(sc, text, len);
		text += len;
		for (; *text == '\r' || *text == '\n'; text++)
			sc->line += *text == '\n';
		if (sc->line > JC_NPMRC_MAX_LINES)
			rc = jc_fail(sc->err, JWTCRED_E_INPUT, "more than %d lines: refusing to read it",
			             JC_NPMRC_MAX_LINES);
	}
	return rc;
}

/* ${NAME-default} / ${NAME:-default}: pnpm's getEnvValue().  NULL when unset. */
static const char *env_value(const char *name, jc_npmrc_env env, char **tmp)
{
	const char *p = name, *run, *fallback = NULL;
	bool colon = false;
	const char *value;

	*tmp = NULL;
	while (*p) {
		if (*p == ':' || *p == '-') {
			p++;
			continue;
		}
		run = p;
		p += strcspn(p, ":-");
		if (p[0] == ':' && p[1] == '-' && p[2]) {
			colon = true;
			fallback = p + 2;
		} else if (p[0] == '-' && p[1]) {
			fallback = p + 1;
		} else {
			continue;
		}
		if (!(*tmp = strndup(run, (size_t)(p - run))))
			return NULL;
		value = env(*tmp);
		if (!value)
			return fallback;
		return (!*value && colon) ? fallback : value;
	}
	return env(name);
}

/* Append n bytes to the growing string *out (size *cap, length *len). */
static int append(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	char *grown;

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		if (!(grown = realloc(*out, *cap)))
			return -1;
		*out = grown;
	}
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
	return 0;
}

static const char *default_env(const char *name)
{
	return getenv(name);
}

int jc_npmrc_env_replace(const char *s, jc_npmrc_env env, char **out, jwtcred_error *err)
{
	size_t len = 0, cap = 0, k, nlen;
	const char *ref, *value;
	char *name, *tmp;
	int rc = JWTCRED_OK;

	*out = NULL;
	if (!env)
		env = default_env;
	if (append(out, &len, &cap, "", 0) != 0)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	while (*s && rc == JWTCRED_OK) {
		k = strspn(s, "\\");
		ref = s + k;
		nlen = ref[0] == '$' && ref[1] == '{' ? strcspn(ref + 2, "${}") : 0;
		if (nlen == 0 || ref[2 + nlen] != '}') {
			/* no reference here: the backslashes and one more character as they are */
			if (append(out, &len, &cap, s, k + (ref[0] ? 1 : 0)) != 0)
				rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
			s = ref + (ref[0] ? 1 : 0);
			continue;
		}
		if (k % 2) {
			/* escaped: half the backslashes go, the reference stays literal */
			if (append(out, &len, &cap, s + (k + 1) / 2, k - (k + 1) / 2 + 3 + nlen) != 0)
				rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		} else if (!(name = strndup(ref + 2, nlen))) {
			rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		} else {
			value = env_value(name, env, &tmp);
			if (!value)
				rc = jc_fail(err, JWTCRED_E_INPUT, "${%s} is not set", tmp ? tmp : name);
			else if (append(out, &len, &cap, s, k / 2) != 0 ||
			         append(out, &len, &cap, value, strlen(value)) != 0)
				rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
			free(tmp);
			free(name);
		}
		s = ref + 3 + nlen;
	}
	if (rc != JWTCRED_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

void jc_npmrc_helpers_clear(struct jc_npmrc_helpers *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->registries[i]);
	for (i = 0; i < h->nurls; i++)
		free(h->urls[i]);
	free(h->registries);
	free(h->lines);
	free(h->urls);
	free(h->url_lines);
	memset(h, 0, sizeof(*h));
}

int jc_npmrc_find_helpers(const char *text, const char *program, jc_npmrc_env env,
                          struct jc_npmrc_helpers *out, jwtcred_error *err)
{
	struct scan sc = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!program || !*program)
		return jc_fail(err, JWTCRED_E_INPUT, "no program name");
	sc.program = program;
	sc.env = env ? env : default_env;
	sc.out = out;
	sc.err = err;
	if ((rc = scan_text(&sc, text)) != JWTCRED_OK)
		jc_npmrc_helpers_clear(out);
	return rc;
}

/* The length of the host in "host[:port]..." ("[v6]" whole), and where the path starts. */
static size_t host_part(const char *s, const char **path)
{
	size_t n = s[0] == '[' ? strcspn(s, "]") + (strchr(s, ']') ? 1 : 0) : strcspn(s, ":/?#");

	*path = s + n + strcspn(s + n, "/?#");
	return n;
}

int jc_npmrc_key_covers(const char *key, const char *url)
{
	const char *kpath, *upath, *at, *u = strstr(url, "://");
	size_t khost, uhost, klen, ulen;

	if (strncmp(key, "//", 2) != 0 || !u)
		return 1; /* not what pnpm could match: assume it does */
	u += 3;
	at = strchr(u, '@');
	if (at && at < u + strcspn(u, "/?#"))
		u = at + 1;
	khost = host_part(key + 2, &kpath);
	uhost = host_part(u, &upath);
	if (khost != uhost || strncasecmp(key + 2, u, khost) != 0)
		return 0;
	if (*upath != '/' || strchr(upath, '%') || strstr(upath, "/."))
		return 1; /* a path the URL parser rewrites: assume it matches */
	klen = strlen(kpath);
	ulen = strcspn(upath, "?#");
	/* pnpm adds a '/' to the URL, then tries every directory of it */
	return (klen <= ulen && strncmp(kpath, upath, klen) == 0) ||
	       (klen == ulen + 1 && strncmp(kpath, upath, ulen) == 0 && kpath[ulen] == '/');
}
