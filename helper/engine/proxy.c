/*
 * proxy.c: the proxy libcurl goes through for a URL, as its environment
 * says (lib/url.c detect_proxy and check_noproxy), for connection errors.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "core/urlmatch.h"
#include "engine/proxy.h"

/* getenv, with an empty variable as unset: libcurl's curl_getenv() does the same. */
static const char *env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* A numeric host ("127.0.0.1", "::1", "[::1]") into a[16]; its family, or 0 for a name. */
static int numeric_host(const char *host, size_t n, unsigned char a[16])
{
	char buf[64];

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		host++, n -= 2;
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, buf, a) == 1)
		return AF_INET6;
	return 0;
}

/* Do the first `bits` bits of a and b agree? */
static bool prefix_equal(const unsigned char *a, const unsigned char *b, long bits)
{
	long whole = bits / 8;
	unsigned mask = 0xffu << (8 - bits % 8);

	return memcmp(a, b, (size_t)whole) == 0 &&
	       (bits % 8 == 0 || ((a[whole] ^ b[whole]) & mask) == 0);
}

/*
 * A no_proxy entry against a numeric host, as libcurl >= 7.86 reads it
 * (lib/noproxy.c): the address itself, or "addr/bits" (CIDR).
 */
static bool ip_entry_matches(int fam, const unsigned char *host, const char *e, size_t n)
{
	const char *slash = memchr(e, '/', n);
	size_t alen = slash ? (size_t)(slash - e) : n, max = fam == AF_INET ? 32 : 128;
	unsigned char net[16];
	char bits[8], *end;
	long b = (long)max;

	if (numeric_host(e, alen, net) != fam)
		return false;
	if (slash) {
		if (n - alen - 1 == 0 || n - alen - 1 >= sizeof(bits))
			return false;
		memcpy(bits, slash + 1, n - alen - 1);
		bits[n - alen - 1] = '\0';
		errno = 0;
		b = strtol(bits, &end, 10);
		if (errno || *end || b < 0 || (size_t)b > max)
			return false;
	}
	return prefix_equal(host, net, b);
}

/* One no_proxy entry (n bytes at e): host itself, or a domain it is in, or a CIDR block. */
static bool proxy_entry_matches(const char *host, const char *e, size_t n)
{
	size_t hl = strlen(host);
	unsigned char a[16];
	int fam;

	while (n && (*e == ' ' || *e == '\t'))
		e++, n--;
	while (n && (e[n - 1] == ' ' || e[n - 1] == '\t'))
		n--;
	if ((fam = numeric_host(host, hl, a)))
		return ip_entry_matches(fam, a, e, n);
	if (n && *e == '.')
		e++, n--;
	return n && n <= hl && strncasecmp(host + hl - n, e, n) == 0 &&
	       (n == hl || host[hl - n - 1] == '.');
}

/* Does no_proxy (or NO_PROXY) exempt host, as libcurl reads it: "*", a name or a domain of it, an address block? */
static bool proxy_exempt(const char *host)
{
	const char *list = env_set("no_proxy");
	size_t n;

	if (!list)
		list = env_set("NO_PROXY");
	if (!list)
		return false;
	if (strcmp(list, "*") == 0)
		return true;
	for (; *list; list += n + (list[n] == ',')) {
		n = strcspn(list, ",");
		if (proxy_entry_matches(host, list, n))
			return true;
	}
	return false;
}

/* The proxy's port: as written, else libcurl's default for a proxy (CURLOPT_PROXYPORT(3)). */
static int proxy_port(CURLU *u, const char *scheme)
{
	char *port = NULL, *end;
	long n;

	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK || !port)
		return strcmp(scheme, "https") == 0 ? 443 : 1080;
	errno = 0;
	n = strtol(port, &end, 10);
	if (errno || end == port || *end || n < 1 || n > 65535)
		n = 0; /* curl_url_set refuses such a port: never here */
	curl_free(port);
	return (int)n;
}

/* The variable libcurl takes the proxy for an https URL from: the first one set and not empty. */
static const char *proxy_var(void)
{
	static const char *const vars[] = { "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (env_set(vars[i]))
			return vars[i];
	return NULL;
}

const char *jc_proxy_var(const char *url)
{
	const char *var = proxy_var();
	struct jc_request r;
	bool exempt;

	if (!var || jc_request_from_url(url, &r) != 0)
		return NULL;
	exempt = proxy_exempt(r.host);
	jc_request_clear(&r);
	return exempt ? NULL : var;
}

bool jc_proxy_var_valid(const char *var)
{
	const char *env = env_set(var);
	CURLU *u = curl_url();
	bool ok = env && u &&
	          curl_url_set(u, CURLUPART_URL, env, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK;

	curl_url_cleanup(u);
	return ok;
}

void jc_proxy_text(const char *url, char *buf, size_t len)
{
	const char *var = jc_proxy_var(url);
	char *scheme = NULL, *host = NULL, origin[512];
	CURLU *u = NULL;

	buf[0] = '\0';
	if (!var)
		return;
	if ((u = curl_url()) &&
	    curl_url_set(u, CURLUPART_URL, getenv(var), CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		jc_origin_text(scheme, host, proxy_port(u, scheme), origin, sizeof(origin));
		snprintf(buf, len, " through proxy '%s'", origin);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
}

/* Where a token that '@' ends starts: after "//", a quote, a space or the start. */
static bool userinfo_stop(char c)
{
	return c == '/' || c == '\'' || c == '"' || c == ' ' || c == '\t' || c == '<' || c == '(' ||
	       c == ',' || c == ';' || c == '=';
}

void jc_scrub_userinfo(char *s)
{
	char *at, *start, *next;
	size_t rest;

	for (at = strchr(s, '@'); at; at = strchr(at + 1, '@')) {
		/* the last '@' of the token: a password may hold one */
		for (next = at + 1; *next && !userinfo_stop(*next); next++)
			if (*next == '@')
				at = next;
		for (start = at; start > s && !userinfo_stop(start[-1]); start--)
			;
		/* "scheme://user@", or a bare "user:pass@" */
		if (start == at || !((start - s >= 2 && start[-1] == '/' && start[-2] == '/') ||
		                     memchr(start, ':', (size_t)(at - start))))
			continue;
		rest = strlen(at) + 1;
		memcpy(start, "***", 3);
		memmove(start + 3, at, rest);
		at = start + 3;
	}
}
