/*
 * credproto.c: read git's credential requests, write answers.
 *
 * Limits: a line over 64 KiB, more than 1 MiB in all, or a NUL byte ends
 * the request with an error and no answer.  So does a line without '=',
 * as in git's own reader ("invalid credential line"): a request we cannot
 * read in full is not answered in part.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/credproto.h"
#include "core/fail.h"
#include "core/secret.h"
#include "core/text.h"

void jc_cred_clear(struct jc_cred *c)
{
	free(c->protocol);
	free(c->host);
	free(c->path);
	free(c->username);
	jc_free_secret(c->password);
	jc_free_secret(c->credential);
	free(c->authtype);
	memset(c, 0, sizeof(*c));
}

static int set(char **field, const char *v, size_t n, bool secret)
{
	char *d = strndup(v, n);

	if (!d)
		return JWTCRED_E_NOMEM;
	if (secret)
		jc_free_secret(*field);
	else
		free(*field);
	*field = d;
	return JWTCRED_OK;
}

/* url=scheme://[user[:pass]@]host[:port][/path] */
static int set_url(struct jc_cred *c, const char *v, size_t n)
{
	const char *sep = memmem(v, n, "://", 3), *auth, *end, *at, *colon;
	const char *stop = v + n;
	int rc;

	free(c->protocol);
	free(c->host);
	free(c->path);
	free(c->username);
	c->protocol = c->host = c->path = c->username = NULL;
	if (!sep)
		return JWTCRED_OK; /* not a URL: leave the request without a host */
	if ((rc = set(&c->protocol, v, (size_t)(sep - v), false)))
		return rc;
	auth = sep + 3;
	for (end = auth; end < stop && *end != '/' && *end != '?' && *end != '#'; end++)
		;
	for (at = end; at > auth && at[-1] != '@'; at--)
		;
	if (at > auth) {
		colon = memchr(auth, ':', (size_t)(at - 1 - auth));
		if ((rc = set(&c->username, auth, (size_t)((colon ? colon : at - 1) - auth), false)))
			return rc;
		auth = at;
	}
	if ((rc = set(&c->host, auth, (size_t)(end - auth), false)))
		return rc;
	if (end < stop && *end == '/' && end + 1 < stop)
		return set(&c->path, end + 1, (size_t)(stop - end - 1), false);
	return JWTCRED_OK;
}

static int take(struct jc_cred *c, const char *key, size_t klen, const char *v, size_t vlen)
{
#define IS(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
	if (IS("protocol"))
		return set(&c->protocol, v, vlen, false);
	if (IS("host"))
		return set(&c->host, v, vlen, false);
	if (IS("path"))
		return set(&c->path, v, vlen, false);
	if (IS("username"))
		return set(&c->username, v, vlen, false);
	if (IS("password"))
		return set(&c->password, v, vlen, true);
	if (IS("credential"))
		return set(&c->credential, v, vlen, true);
	if (IS("authtype"))
		return set(&c->authtype, v, vlen, false);
	if (IS("url"))
		return set_url(c, v, vlen);
	if (IS("capability[]")) {
		if (vlen == 0)
			c->cap_authtype = c->cap_state = false;
		else if (vlen == 8 && memcmp(v, "authtype", 8) == 0)
			c->cap_authtype = true;
		else if (vlen == 5 && memcmp(v, "state", 5) == 0)
			c->cap_state = true;
	}
#undef IS
	return JWTCRED_OK; /* unknown keys are ignored */
}

int jc_cred_parse(const char *text, size_t len, struct jc_cred *out, jwtcred_error *err)
{
	const char *line = text, *end = text + len, *nl, *eq;
	size_t n, lineno = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > JC_CRED_MAX_TOTAL) {
		rc = jc_fail(err, JWTCRED_E_INPUT, "credential request is larger than %d bytes",
		             JC_CRED_MAX_TOTAL);
		goto fail;
	}
	if (memchr(text, '\0', len)) {
		rc = jc_fail(err, JWTCRED_E_INPUT, "credential request contains a NUL byte");
		goto fail;
	}
	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		n = (size_t)((nl ? nl : end) - line);
		lineno++;
		if (n > JC_CRED_MAX_LINE) {
			rc = jc_fail(err, JWTCRED_E_INPUT, "credential request has a line longer than %d bytes",
			             JC_CRED_MAX_LINE);
			goto fail;
		}
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0)
			break; /* blank line: end of request */
		/* the line itself is not shown: it may be a secret that lost its key */
		if (!(eq = memchr(line, '=', n))) {
			rc = jc_fail(err, JWTCRED_E_INPUT,
			             "credential request not answered: line %zu has no '=' (every line must be key=value)",
			             lineno);
			goto fail;
		}
		if ((rc = take(out, line, (size_t)(eq - line), eq + 1, n - (size_t)(eq - line) - 1))) {
			rc = jc_fail(err, rc, "out of memory");
			goto fail;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return JWTCRED_OK;
fail:
	jc_cred_clear(out);
	return rc;
}

int jc_cred_read(int fd, struct jc_cred *out, jwtcred_error *err)
{
	char *buf;
	size_t n = 0, line = 0, i;
	bool done = false;
	ssize_t r;
	int rc;

	memset(out, 0, sizeof(*out));
	/* git may keep the pipe open after the blank line: stop there, not at EOF */
	if (!(buf = malloc(JC_CRED_MAX_TOTAL + 1)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	for (;;) {
		r = read(fd, buf + n, JC_CRED_MAX_TOTAL + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = jc_fail(err, JWTCRED_E_INPUT, "cannot read the credential request: %s",
			             strerror(errno));
			goto out;
		}
		for (i = n; i < n + (size_t)r; i++) {
			if (buf[i] == '\0') {
				rc = jc_fail(err, JWTCRED_E_INPUT, "credential request contains a NUL byte");
				goto out;
			}
			if (buf[i] != '\n') {
				line++;
			} else {
				/* a blank line ("\n" or "\r\n") ends the request */
				done = done || line == 0 || (line == 1 && buf[i - 1] == '\r');
				line = 0;
			}
			if (line > JC_CRED_MAX_LINE) {
				rc = jc_fail(err, JWTCRED_E_INPUT,
				             "credential request has a line longer than %d bytes", JC_CRED_MAX_LINE);
				goto out;
			}
		}
		n += (size_t)r;
		if (n > JC_CRED_MAX_TOTAL) {
			rc = jc_fail(err, JWTCRED_E_INPUT, "credential request is larger than %d bytes",
			             JC_CRED_MAX_TOTAL);
			goto out;
		}
		if (r == 0 || done)
			break;
	}
	rc = jc_cred_parse(buf, n, out, err);
out:
	jc_wipe(buf, n);
	free(buf);
	return rc;
}

int jc_cred_write(FILE *out, const char *key, const char *value)
{
	if (jc_has_control(value))
		return JWTCRED_E_INPUT;
	if (fprintf(out, "%s=%s\n", key, value) < 0)
		return JWTCRED_E_SYSTEM;
	return JWTCRED_OK;
}
