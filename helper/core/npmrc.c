/*
 * npmrc.c: find the registries an npmrc binds to a token helper program,
 * parsing as pnpm does (see npmrc.h for the rules and where they come from).
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/npmrc.h"
#include "core/secret.h"

#define TOKEN_HELPER ":tokenHelper"

/* One top-level "key = value" line: the raw key, then the key pnpm uses. */
struct setting {
	char *raw_key;
	char *key;
	char *value;   /* NULL: not a string pnpm could run */
	bool unsure;   /* the value's quoting is beyond what we decode for sure */
	bool names_us; /* the raw value holds the program's name somewhere */
};

struct settings {
	struct setting *v;
	size_t n, cap;
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
	size_t len = strlen(s);

	if (len < 2 || s[0] != '"' || s[len - 1] != '"' || memchr(s + 1, '"', len - 2) ||
	    memchr(s + 1, '\\', len - 2))
		return false;
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
		if (v[0] == '\'' && n >= 2) {
			memmove(v, v + 1, n - 2);
			v[n - 2] = '\0';
			/* JSON.parse() of the inside: only plain text is certain */
			if (strchr("\"[{-0123456789tfn \t", v[0]) && *v)
				*unsure = true;
		} else if (!plain_json_string(v) && n >= 2) {
			*unsure = true;
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

static void setting_free(struct setting *s)
{
	free(s->raw_key);
	free(s->key);
	jc_free_secret(s->value);
}

static void settings_free(struct settings *all)
{
	size_t i;

	for (i = 0; i < all->n; i++)
		setting_free(&all->v[i]);
	free(all->v);
	all->v = NULL;
	all->n = all->cap = 0;
}

/* Add s, or replace the value of the line with the same raw key (it keeps its place). */
static int settings_put(struct settings *all, struct setting *s)
{
	struct setting *grown;
	size_t i;

	for (i = 0; i < all->n; i++)
		if (strcmp(all->v[i].raw_key, s->raw_key) == 0) {
			free(s->raw_key);
			s->raw_key = all->v[i].raw_key;
			all->v[i].raw_key = NULL;
			setting_free(&all->v[i]);
			all->v[i] = *s;
			return 0;
		}
	if (all->n == all->cap) {
		all->cap = all->cap ? all->cap * 2 : 16;
		if (!(grown = realloc(all->v, all->cap * sizeof(*grown))))
			return -1;
		all->v = grown;
	}
	all->v[all->n++] = *s;
	return 0;
}

/*
 * One line: a setting into *all when it is a top-level "key=value" line.
 * *in_section once a "[section]" line was seen.  -1 when out of memory.
 */
static int parse_line(const char *line, size_t len, const char *program, bool *in_section,
                      struct settings *all)
{
	struct setting s = { 0 };
	const char *eq;
	size_t i, klen;
	bool unsure = false;

	for (i = 0; i < len && is_blank(line[i]); i++)
		;
	if (len == 0 || (i < len && (line[i] == ';' || line[i] == '#')))
		return 0;
	if (len >= 2 && line[0] == '[' && line[len - 1] == ']' && !memchr(line + 1, ']', len - 2)) {
		*in_section = true;
		return 0;
	}
	if (*in_section || line[0] == '=' || !(eq = memchr(line, '=', len)))
		return 0; /* in a section, no key, or no value (true): nothing pnpm runs */
	klen = (size_t)(eq - line);
	if (!(s.raw_key = ini_unsafe(line, klen, &unsure)) ||
	    !(s.value = ini_unsafe(eq + 1, len - klen - 1, &s.unsure))) {
		setting_free(&s);
		return -1;
	}
	s.names_us = memmem(eq + 1, len - klen - 1, program, strlen(program)) != NULL;
	klen = strlen(s.raw_key);
	if (unsure)
		s.unsure = true; /* the key is in doubt: so is whether this is a tokenHelper */
	if (s.unsure || (klen > 2 && strcmp(s.raw_key + klen - 2, "[]") == 0) ||
	    strcmp(s.value, "true") == 0 || strcmp(s.value, "false") == 0 ||
	    strcmp(s.value, "null") == 0) {
		/* an array or not a string: pnpm cannot run it as a helper */
		free(s.value);
		s.value = NULL;
	}
	/* pnpm's parseField: a value still in double quotes is JSON once more */
	if (s.value && s.value[0] == '"' && !plain_json_string(s.value) && strlen(s.value) > 1 &&
	    s.value[strlen(s.value) - 1] == '"')
		s.unsure = true;
	if (settings_put(all, &s) != 0) {
		setting_free(&s);
		return -1;
	}
	return 0;
}

static int parse_text(const char *text, const char *program, struct settings *all)
{
	bool in_section = false;
	size_t len;

	while (*text) {
		len = strcspn(text, "\r\n");
		if (parse_line(text, len, program, &in_section, all) != 0)
			return -1;
		text += len;
		text += strspn(text, "\r\n");
	}
	return 0;
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
	free(h->registries);
	h->registries = NULL;
	h->n = 0;
}

/* Is this setting the tokenHelper that counts for its key (no later one has the same key)? */
static bool last_for_key(const struct settings *all, size_t i)
{
	size_t j;

	for (j = i + 1; j < all->n; j++)
		if (strcmp(all->v[j].key, all->v[i].key) == 0)
			return false;
	return true;
}

static int add_registry(struct jc_npmrc_helpers *out, const char *key)
{
	size_t len = strlen(key) - strlen(TOKEN_HELPER);
	char **grown;

	if (!(grown = realloc(out->registries, (out->n + 1) * sizeof(*grown))))
		return -1;
	out->registries = grown;
	if (!(out->registries[out->n] = strndup(key, len)))
		return -1;
	out->n++;
	return 0;
}

/* Does setting s bind the program?  Error for one that may but cannot be told. */
static int check_setting(const struct setting *s, const char *program, bool *binds,
                         jwtcred_error *err)
{
	size_t klen = strlen(s->key), rlen;
	bool helper = strcmp(s->key, "tokenHelper") == 0 ||
	              (klen > strlen(TOKEN_HELPER) &&
	               strcmp(s->key + klen - strlen(TOKEN_HELPER), TOKEN_HELPER) == 0);

	*binds = false;
	if (s->unsure && s->names_us)
		return jc_fail(err, JWTCRED_E_INPUT,
		               "cannot read the quoted '%s' line for sure: write it unquoted", s->key);
	if (!helper)
		return JWTCRED_OK;
	if (!s->value || s->unsure || strcmp(s->value, program) != 0)
		return JWTCRED_OK;
	if (strcmp(s->key, "tokenHelper") == 0)
		return jc_fail(err, JWTCRED_E_INPUT,
		               "a bare 'tokenHelper' goes to whichever registry is the default: "
		               "write it as //HOST/PATH/:tokenHelper=%s", program);
	rlen = klen - strlen(TOKEN_HELPER);
	if (rlen < 4 || strncmp(s->key, "//", 2) != 0 || s->key[2] == '/' || s->key[rlen - 1] != '/')
		return jc_fail(err, JWTCRED_E_INPUT,
		               "'%s' does not name a registry as //HOST[:PORT]/PATH/", s->key);
	*binds = true;
	return JWTCRED_OK;
}

int jc_npmrc_find_helpers(const char *text, const char *program, jc_npmrc_env env,
                          struct jc_npmrc_helpers *out, jwtcred_error *err)
{
	struct settings all = { 0 };
	size_t i;
	bool binds;
	int rc = JWTCRED_OK;

	out->registries = NULL;
	out->n = 0;
	if (!program || !*program)
		return jc_fail(err, JWTCRED_E_INPUT, "no program name");
	if (parse_text(text, program, &all) != 0) {
		settings_free(&all);
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	}
	/* pnpm replaces ${NAME} in every key; an unset one fails its whole configuration */
	for (i = 0; i < all.n && rc == JWTCRED_OK; i++)
		rc = jc_npmrc_env_replace(all.v[i].raw_key, env, &all.v[i].key, err);
	for (i = 0; i < all.n && rc == JWTCRED_OK; i++) {
		if (!last_for_key(&all, i))
			continue;
		if ((rc = check_setting(&all.v[i], program, &binds, err)) != JWTCRED_OK || !binds)
			continue;
		/* keys are unique by now (last_for_key): each registry comes once */
		if (add_registry(out, all.v[i].key) != 0)
			rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	}
	settings_free(&all);
	if (rc != JWTCRED_OK)
		jc_npmrc_helpers_clear(out);
	return rc;
}
