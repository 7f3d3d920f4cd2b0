/*
 * urlmatch.c: allow-list URLs and the requests matched against them.
 *
 * Everything here errs towards "no match": a host with odd characters, a
 * path with dot segments or encoded separators, a trailing dot, all fall
 * through, so a token is never handed to a place nobody listed.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "core/pubsuffix.h"
#include "core/text.h"
#include "core/urlmatch.h"

#define HOST_MAX 253
#define PATH_MAX_LEN 4096

int jc_default_port(const char *scheme)
{
	if (strcmp(scheme, "https") == 0)
		return 443;
	if (strcmp(scheme, "http") == 0)
		return 80;
	return -1;
}

void jc_origin_text(const char *scheme, const char *host, int port, char *buf, size_t len)
{
	if (port > 0 && port != jc_default_port(scheme))
		snprintf(buf, len, "%s://%s:%d", scheme, host, port);
	else
		snprintf(buf, len, "%s://%s", scheme, host);
}

void jc_url_origin_text(const struct jc_url *u, char *buf, size_t len)
{
	jc_origin_text(u->scheme, u->host, u->port, buf, len);
}

void jc_request_text(const struct jc_request *r, char *buf, size_t len)
{
	size_t n;

	jc_origin_text(r->scheme, r->host, r->port, buf, len);
	n = strlen(buf);
	if (r->path && *r->path && n + 1 < len)
		snprintf(buf + n, len - n, "/%s", r->path);
}

void jc_url_string_origin(const char *url, char *buf, size_t len)
{
	struct jc_request r;
	const char *rest;

	if (jc_request_from_url(url, &r) == 0) {
		jc_origin_text(r.scheme, r.host, r.port, buf, len);
		jc_request_clear(&r);
		return;
	}
	rest = strstr(url, "://");
	rest = rest ? rest + 3 : url;
	snprintf(buf, len, "%.*s", (int)(rest - url + strcspn(rest, "/?#")), url);
}

/* Host names: letters, digits, '-', '.', no empty label, no trailing dot;
 * or an IPv6 literal in brackets. */
static bool host_valid(const char *h, bool allow_wildcard)
{
	size_t n = strlen(h), label = 0, i;

	if (n == 0 || n > HOST_MAX)
		return false;
	if (h[0] == '[') {
		if (h[n - 1] != ']' || n < 4)
			return false;
		for (i = 1; i < n - 1; i++)
			if (!isxdigit((unsigned char)h[i]) && h[i] != ':' && h[i] != '.')
				return false;
		return true;
	}
	if (allow_wildcard && h[0] == '*' && h[1] == '.')
		h += 2;
	if (*h == '\0')
		return false;
	for (; *h; h++) {
		if (*h == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (isalnum((unsigned char)*h) || *h == '-' || *h == '_') {
			label++;
		} else {
			return false;
		}
	}
	return label > 0; /* rejects a trailing dot */
}

static int parse_port(const char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

static char *lower_dup(const char *s, size_t len)
{
	char *d = malloc(len + 1);
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < len; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[len] = '\0';
	return d;
}

/* Split "host[:port]" (host may be "[v6]"); port -1 when absent. */
static int split_hostport(const char *s, size_t len, char **host, int *port)
{
	const char *colon = NULL;
	size_t hlen = len;

	*host = NULL;
	*port = -1;
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return JWTCRED_E_INPUT;
		if ((size_t)(close - s) + 1 < len) {
			if (close[1] != ':')
				return JWTCRED_E_INPUT;
			colon = close + 1;
		}
	} else {
		colon = memchr(s, ':', len);
	}
	if (colon) {
		hlen = (size_t)(colon - s);
		*port = parse_port(colon + 1, len - hlen - 1);
		if (*port < 0)
			return JWTCRED_E_INPUT;
	}
	if (!(*host = lower_dup(s, hlen)))
		return JWTCRED_E_NOMEM;
	return JWTCRED_OK;
}

/* Strip leading and trailing slashes into a new string. */
static char *path_dup(const char *s, size_t len)
{
	while (len && *s == '/')
		s++, len--;
	while (len && s[len - 1] == '/')
		len--;
	return strndup(s, len);
}

/*
 * Dot segments, empty segments and encoded separators could walk out of a
 * path prefix on some server: "//x" reads as a host, "..;" is a dot segment
 * for Tomcat, Jetty and Spring, "%2e%2e" for whatever decodes before it
 * resolves.  A path-limited entry matches none of them.
 */
static bool path_suspicious(const char *p)
{
	const char *seg = p;

	for (;;) {
		size_t n = strcspn(seg, "/");
		if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return true;
		if (!seg[n])
			break;
		seg += n + 1;
	}
	return strcasestr(p, "%2e") || strcasestr(p, "%2f") || strcasestr(p, "%5c") ||
	       strcasestr(p, "%3b") || strpbrk(p, "\\;");
}

/*
 * "*.example.com" covers every name one label under example.com: that
 * must be a name someone owns, not a public suffix ("*.com", "*.co.uk",
 * "*.github.io": every GitHub Pages site), nor an IP address.  The
 * private section of the list counts, and so does its default rule (a
 * top-level domain it does not know, "*.corp", is refused).
 */
static int wildcard_allowed(const char *s, const char *base, jwtcred_error *err)
{
	const char *last = strrchr(base, '.');
	jwtcred_error why;
	bool public;

	last = last ? last + 1 : base;
	if (strspn(last, "0123456789") == strlen(last))
		return jc_fail(err, JWTCRED_E_CONFIG,
		               "URL '%s' puts a '*.' wildcard over an IP address: list the address itself", s);
	if (jc_public_suffix(base, &public, &why) != 0)
		return jc_fail(err, JWTCRED_E_CONFIG,
		               "URL '%s': cannot check its '*.' wildcard against the public suffix list (%s): install libpsl5, or list the hosts without '*.'",
		               s, why.text);
	if (public)
		return jc_fail(err, JWTCRED_E_CONFIG,
		               "URL '%s' would send the token to every site under '%s', a public suffix: list the hosts, or put the wildcard under a domain you own (https://*.example.%s)",
		               s, base, base);
	return JWTCRED_OK;
}

int jc_url_parse_pattern(const char *s, struct jc_url *out, jwtcred_error *err)
{
	const char *p, *auth, *end;
	int rc;

	memset(out, 0, sizeof(*out));
	if (jc_has_control(s) || strchr(s, ' '))
		return jc_fail(err, JWTCRED_E_CONFIG, "a URL contains a space or control character");
	if (!(p = strstr(s, "://")))
		return jc_fail(err, JWTCRED_E_CONFIG, "'%s' is not a URL (expected https://host[/path])", s);
	if (!(out->scheme = lower_dup(s, (size_t)(p - s))))
		return JWTCRED_E_NOMEM;
	if (strcmp(out->scheme, "https") != 0) {
		rc = jc_fail(err, JWTCRED_E_CONFIG,
		             "URL '%s' is not https: tokens are only sent over https", s);
		goto fail;
	}
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	if (*end == '?' || *end == '#' || strpbrk(end, "?#")) {
		rc = jc_fail(err, JWTCRED_E_CONFIG, "URL '%s' has a query or fragment: give scheme, host and path only", s);
		goto fail;
	}
	if (memchr(auth, '@', (size_t)(end - auth))) {
		rc = jc_fail(err, JWTCRED_E_CONFIG, "URL '%s' has a user name: give scheme, host and path only", s);
		goto fail;
	}
	if ((rc = split_hostport(auth, (size_t)(end - auth), &out->host, &out->port)) != 0 ||
	    !host_valid(out->host, true)) {
		rc = jc_fail(err, JWTCRED_E_CONFIG, "URL '%s' has an invalid host or port", s);
		goto fail;
	}
	if (out->host[0] == '*' && (rc = wildcard_allowed(s, out->host + 2, err)) != 0)
		goto fail;
	if (out->port < 0)
		out->port = jc_default_port(out->scheme);
	if (!(out->path = path_dup(end, strlen(end)))) {
		rc = JWTCRED_E_NOMEM;
		goto fail;
	}
	if (*out->path && path_suspicious(out->path)) {
		/* no request matches such an entry, and a tool given it as a
		 * prefix (Go) would read it otherwise: say so at load time */
		rc = jc_fail(err, JWTCRED_E_CONFIG,
		             "URL '%s' has an empty, '.' or '..' path segment, or an encoded '.', '/', "
		             "'\\' or ';' in its path, which no request may have: write the path plainly", s);
		goto fail;
	}
	return JWTCRED_OK;
fail:
	jc_url_clear(out);
	return rc;
}

void jc_url_clear(struct jc_url *u)
{
	free(u->scheme);
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

void jc_request_clear(struct jc_request *r)
{
	free(r->scheme);
	free(r->host);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

int jc_request_from_parts(const char *scheme, const char *hostport, const char *path,
                          struct jc_request *out)
{
	int rc = JWTCRED_E_INPUT;

	memset(out, 0, sizeof(*out));
	if (!scheme || !hostport || jc_has_control(scheme) || jc_has_control(hostport) ||
	    jc_has_control(path) || (path && strlen(path) > PATH_MAX_LEN))
		return JWTCRED_E_INPUT;
	if (!(out->scheme = lower_dup(scheme, strlen(scheme))))
		return JWTCRED_E_NOMEM;
	if ((rc = split_hostport(hostport, strlen(hostport), &out->host, &out->port)) != 0)
		goto fail;
	rc = JWTCRED_E_INPUT;
	if (!host_valid(out->host, false))
		goto fail;
	if (out->port < 0 && (out->port = jc_default_port(out->scheme)) < 0)
		goto fail;
	if (path) {
		/* one leading "/" only: "//x" stays "/x", which a server may read as host "x" */
		size_t n = strcspn(path, "?#"), lead = path[0] == '/';
		rc = JWTCRED_E_NOMEM;
		while (n > lead && path[n - 1] == '/')
			n--;
		if (!(out->path = strndup(path + lead, n - lead)))
			goto fail;
	}
	return JWTCRED_OK;
fail:
	jc_request_clear(out);
	return rc;
}

int jc_request_from_url(const char *url, struct jc_request *out)
{
	const char *p, *auth, *end, *at;
	char *scheme = NULL, *hostport = NULL;
	int rc = JWTCRED_E_INPUT;

	memset(out, 0, sizeof(*out));
	if (!url || jc_has_control(url) || strchr(url, ' ') || !(p = strstr(url, "://")))
		return JWTCRED_E_INPUT;
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	/* userinfo ends at the last '@' of the authority */
	for (at = end; at > auth && at[-1] != '@'; at--)
		;
	if (at > auth)
		auth = at;
	if (!(scheme = strndup(url, (size_t)(p - url))) ||
	    !(hostport = strndup(auth, (size_t)(end - auth)))) {
		rc = JWTCRED_E_NOMEM;
		goto out;
	}
	rc = jc_request_from_parts(scheme, hostport, *end == '/' ? end : "", out);
out:
	free(scheme);
	free(hostport);
	return rc;
}

/* Is c one of RFC 3986's characters (but '%', checked apart)? */
static bool url_char(unsigned char c)
{
	return c && (isalnum(c) || strchr("-._~:/?#[]@!$&'()*+,;=", c));
}

/* A "." or ".." segment in the path p[0..n). */
static bool dot_segment(const char *p, size_t n)
{
	size_t i = 0, seg;

	while (i < n) {
		while (i < n && p[i] == '/')
			i++;
		for (seg = 0; i + seg < n && p[i + seg] != '/'; seg++)
			;
		if ((seg == 1 && p[i] == '.') || (seg == 2 && p[i] == '.' && p[i + 1] == '.'))
			return true;
		i += seg;
	}
	return false;
}

int jc_https_url_check(const char *s, unsigned flags, jwtcred_error *err)
{
	const char *auth, *end, *query;
	struct jc_request r;
	size_t n = strlen(s), i;
	int rc;

	if (n > JC_URL_MAX)
		return jc_fail(err, JWTCRED_E_INPUT, "is longer than %d bytes", JC_URL_MAX);
	if (strncmp(s, "https://", 8) != 0)
		return jc_fail(err, JWTCRED_E_INPUT, "is not an https URL");
	auth = s + 8;
	end = auth + strcspn(auth, "/?#");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%' ? isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])
		             : url_char(c) && ((c != '[' && c != ']') || s + i < end))
			continue;
		if (c <= ' ' || c == 0x7f)
			return jc_fail(err, JWTCRED_E_INPUT, "contains a space or a control character");
		if (c >= 0x80)
			return jc_fail(err, JWTCRED_E_INPUT, "contains a byte that is not ASCII: percent-encode it");
		if (c == '%')
			return jc_fail(err, JWTCRED_E_INPUT, "has a '%%' that is not followed by two hex digits");
		return jc_fail(err, JWTCRED_E_INPUT, "contains '%c', which URLs do not allow: percent-encode it", c);
	}
	if (strchr(s, '#'))
		return jc_fail(err, JWTCRED_E_INPUT, "has a fragment ('#...')");
	if (memchr(auth, '@', (size_t)(end - auth)))
		return jc_fail(err, JWTCRED_E_INPUT, "has a user name or password ('...@')");
	query = strchr(s, '?');
	if (query && !(flags & JC_URL_QUERY))
		return jc_fail(err, JWTCRED_E_INPUT, "has a query ('?...')");
	if (dot_segment(end, query ? (size_t)(query - end) : strlen(end)))
		return jc_fail(err, JWTCRED_E_INPUT, "has a '.' or '..' path segment");
	if ((rc = jc_request_from_url(s, &r)) != 0)
		return rc == JWTCRED_E_NOMEM ? rc
		                             : jc_fail(err, JWTCRED_E_INPUT, "has an invalid host or port");
	jc_request_clear(&r);
	return JWTCRED_OK;
}

static bool host_matches(const char *pattern, const char *host, bool *exact)
{
	size_t pl, hl;

	*exact = strcmp(pattern, host) == 0;
	if (*exact)
		return true;
	if (pattern[0] != '*' || pattern[1] != '.')
		return false;
	/* "*.example.com" matches exactly one more label: "a.example.com" */
	pl = strlen(pattern + 1); /* ".example.com" */
	hl = strlen(host);
	if (hl <= pl || strcmp(host + hl - pl, pattern + 1) != 0)
		return false;
	return memchr(host, '.', hl - pl) == NULL;
}

long jc_url_match(const struct jc_url *pattern, const struct jc_request *req)
{
	bool exact;
	size_t pl;

	if (!req->scheme || !req->host || strcmp(pattern->scheme, req->scheme) != 0)
		return -1;
	if (pattern->port != req->port || !host_matches(pattern->host, req->host, &exact))
		return -1;
	pl = strlen(pattern->path);
	if (pl) {
		/* a path-limited entry needs git's path (credential.useHttpPath) */
		if (!req->path || path_suspicious(req->path))
			return -1;
		if (strncmp(pattern->path, req->path, pl) != 0 ||
		    (req->path[pl] != '\0' && req->path[pl] != '/'))
			return -1;
	}
	return (exact ? 2L : 1L) * 1000000L + (long)pl;
}
