/*
 * init_write.c: jwtcred init's edit of the configuration.  The file is the
 * user's: its text is kept as it is, the new profile goes in just before
 * the closing brace of the top-level "profiles" group, and the result
 * replaces the file atomically (temp file and rename, 0600).  The caller
 * checks the new text with jc_conf_load_string before writing it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/init.h"
#include "core/io.h"
#include "core/text.h"
#include "core/trust.h"

#define MAX_CONFIG_BYTES (1024 * 1024)

int jc_init_quote(FILE *out, const char *v)
{
	if (jc_has_control(v))
		return -1;
	fputc('"', out);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', out);
		fputc(*v, out);
	}
	fputc('"', out);
	return 0;
}

/* Past the comment or string at s (s points at it), or s when there is none. */
static const char *skip_lexeme(const char *s)
{
	if (*s == '#' || (s[0] == '/' && s[1] == '/'))
		return s + strcspn(s, "\n");
	if (s[0] == '/' && s[1] == '*') {
		const char *end = strstr(s + 2, "*/");
		return end ? end + 2 : s + strlen(s);
	}
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++)
			if (*s == '\\' && s[1])
				s++;
		return *s ? s + 1 : s;
	}
	return s;
}

/* Past blanks, comments (and strings, which never start a name) from s. */
static const char *skip_blank(const char *s)
{
	const char *t;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
			s++;
		if (*s == '"' || (t = skip_lexeme(s)) == s)
			return s;
		s = t;
	}
}

static int is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '*';
}

/*
 * The closing brace of the top-level group "profiles" in text, or NULL
 * (no such group).  A name is only read at depth 0 and outside strings and
 * comments, so "profiles" in a comment or a value is not taken for it.
 */
static const char *profiles_end(const char *text)
{
	const char *s = text, *t, *open = NULL;
	int depth = 0;

	while (*s) {
		if ((t = skip_lexeme(s)) != s) {
			s = t;
		} else if (*s == '{' || *s == '[' || *s == '(') {
			depth++;
			s++;
		} else if (*s == '}' || *s == ']' || *s == ')') {
			if (--depth == 0 && open && *s == '}')
				return s;
			s++;
		} else if (depth == 0 && is_name_char(*s) && (s == text || !is_name_char(s[-1]))) {
			for (t = s; is_name_char(*t); t++)
				;
			if (t - s == 8 && strncmp(s, "profiles", 8) == 0) {
				t = skip_blank(t);
				if (*t == '=' || *t == ':') {
					t = skip_blank(t + 1);
					if (*t == '{')
						open = t;
				}
			}
			s = t;
		} else {
			s++;
		}
	}
	return NULL;
}

char *jc_init_insert(const char *old, const char *block, jwtcred_error *err)
{
	const char *end = old ? profiles_end(old) : NULL;
	size_t n, cap;
	char *out;

	n = old ? strlen(old) : 0;
	cap = n + strlen(block) + 32;
	if (!(out = malloc(cap))) {
		jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		return NULL;
	}
	if (end) {
		size_t at = (size_t)(end - old);
		snprintf(out, cap, "%.*s%s%s%s", (int)at, old,
		         at > 0 && old[at - 1] != '\n' ? "\n" : "", block, end);
	} else {
		snprintf(out, cap, "%s%sprofiles = {\n%s};\n", old ? old : "",
		         n > 0 && old[n - 1] != '\n' ? "\n" : "", block);
	}
	return out;
}

int jc_init_mkdir(const char *dir, jwtcred_error *err)
{
	char buf[PATH_MAX];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(buf))
		return jc_fail(err, JWTCRED_E_INPUT, "the directory '%s' has no usable name", dir), -1;
	memcpy(buf, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return jc_fail(err, JWTCRED_E_SYSTEM, "cannot create the directory '%s': %s", buf,
			               strerror(errno)), -1;
		buf[i] = dir[i];
	}
	return 0;
}

int jc_init_read(const char *path, char **text, jwtcred_error *err)
{
	size_t len;
	int fd, rc;

	*text = NULL;
	/* The loader's rule: no FIFO or device (no hang), ours or root's, not
	 * writable by others; init must not take over a file others could edit. */
	if (jc_open_trusted(AT_FDCWD, path, O_RDONLY | O_NOFOLLOW, "configuration", path, &jc_trust_config,
	                    &fd, NULL, err) != JWTCRED_OK) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP)
			return jc_fail(err, JWTCRED_E_CONFIG, "'%s' is a symbolic link, which init would replace by a file: "
			               "give --config the file it points to", path), -1;
		return -1;
	}
	rc = jc_read_fd(fd, MAX_CONFIG_BYTES, text, &len);
	close(fd);
	if (rc == JWTCRED_E_INPUT)
		return jc_fail(err, rc, "'%s' is longer than %d bytes", path, MAX_CONFIG_BYTES), -1;
	if (rc != 0)
		return jc_fail(err, rc, "cannot read '%s': %s", path, strerror(errno)), -1;
	if (strlen(*text) != len) {
		free(*text);
		*text = NULL;
		return jc_fail(err, JWTCRED_E_CONFIG, "'%s' holds a NUL byte", path), -1;
	}
	return 0;
}

/* Has `path` still the content `old` (NULL: still absent)? */
static int unchanged(const char *path, const char *old)
{
	jwtcred_error err;
	char *now = NULL;
	int same;

	if (jc_init_read(path, &now, &err) != 0)
		return 0;
	same = old ? now && strcmp(now, old) == 0 : now == NULL;
	free(now);
	return same;
}

int jc_init_replace(const char *path, const char *old, const char *text, jwtcred_error *err)
{
	char tmp[PATH_MAX];
	int fd, rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.init.XXXXXX", path) >= (int)sizeof(tmp))
		return jc_fail(err, JWTCRED_E_INPUT, "the path '%s' is too long", path), -1;
	if ((fd = mkstemp(tmp)) < 0)
		return jc_fail(err, JWTCRED_E_SYSTEM, "cannot create a file beside '%s': %s", path,
		               strerror(errno)), -1;
	if (fchmod(fd, 0600) != 0 || jc_write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
		jc_fail(err, JWTCRED_E_SYSTEM, "cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd) != 0) {
		jc_fail(err, JWTCRED_E_SYSTEM, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (!unchanged(path, old)) {
		jc_fail(err, JWTCRED_E_CONFIG, "'%s' changed while jwtcred init ran: run it again", path);
		goto out;
	}
	/* a new file by link(), which never replaces one that appeared meanwhile */
	if (old ? rename(tmp, path) != 0 : link(tmp, path) != 0) {
		jc_fail(err, JWTCRED_E_SYSTEM, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	unlink(tmp); /* after rename() it names nothing */
	return rc;
}
