/*
 * proxy.c: the proxy libcurl goes through for a URL, as its environment
 * says (lib/url.c detect_proxy and check_noproxy), for connection errors.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "core/urlmatch.h"
#include "engine/proxy.h"

/* One no_proxy entry (n bytes at e): host itself, or a domain it is in. */
static bool proxy_entry_matches(const char *host, const char *e, size_t n)
{
	size_t hl = strlen(host);

	while (n && (*e == ' ' || *e == '\t'))
		e++, n--;
	while (n && (e[n - 1] == ' ' || e[n - 1] == '\t'))
		n--;
	if (n && *e == '.')
		e++, n--;
	return n && n <= hl && strncasecmp(host + hl - n, e, n) == 0 &&
	       (n == hl || host[hl - n - 1] == '.');
}

/* Does no_proxy (or NO_PROXY) exempt host, as libcurl reads it: "*", or a name or a domain of it? */
static bool proxy_exempt(const char *host)
{
	const char *list = getenv("no_proxy");
	size_t n;

	if (!list)
		list = getenv("NO_PROXY");
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
	char *port = NULL;
	int n;

	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK || !port)
		return strcmp(scheme, "https") == 0 ? 443 : 1080;
	n = (int)strtol(port, NULL, 10);
	curl_free(port);
	return n;
}

void jc_proxy_text(const char *url, char *buf, size_t len)
{
	static const char *const vars[] = { "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };
	const char *env = NULL;
	char *scheme = NULL, *host = NULL, origin[512];
	struct jc_request r;
	CURLU *u = NULL;
	size_t i;

	buf[0] = '\0';
	/* the first one set wins, even empty (then: no proxy), as in libcurl's detect_proxy() */
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]) && !env; i++)
		env = getenv(vars[i]);
	if (!env || !*env || jc_request_from_url(url, &r) != 0)
		return;
	if (!proxy_exempt(r.host) && (u = curl_url()) &&
	    curl_url_set(u, CURLUPART_URL, env, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		jc_origin_text(scheme, host, proxy_port(u, scheme), origin, sizeof(origin));
		snprintf(buf, len, " through proxy '%s'", origin);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	jc_request_clear(&r);
}
