/*
 * curlurl.c: read a URL with libcurl's own parser.
 *
 * jwtcred curl must decide where the token goes on the same reading of
 * the URL that curl makes.  A second, hand-written URL parser would have
 * to agree with libcurl on every input (userinfo, backslashes, dot
 * segments, odd ports); using curl_url() it agrees by construction, and
 * curl is then given the normalised URL that was checked.
 */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "engine/curlurl.h"

/* A part that is present; CURLUE_NO_* (absent) is not an error. */
static bool has_part(CURLU *h, CURLUPart what)
{
	char *part = NULL;
	CURLUcode uc = curl_url_get(h, what, &part, 0);

	curl_free(part);
	return uc == CURLUE_OK;
}

int jc_curl_url(const char *url, char **canonical, struct jc_request *req, jwtcred_error *err)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *full = NULL, *hostport = NULL;
	CURLU *h = NULL;
	CURLUcode uc;
	int rc = JWTCRED_E_INPUT;

	*canonical = NULL;
	memset(req, 0, sizeof(*req));
	if (!(h = curl_url())) {
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		goto out;
	}
	if ((uc = curl_url_set(h, CURLUPART_URL, url, 0)) != CURLUE_OK) {
		jc_fail(err, rc, "it is not an absolute URL (%s)", curl_url_strerror(uc));
		goto out;
	}
	if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || strcmp(scheme, "https") != 0) {
		jc_fail(err, rc, "it is not https: jwtcred sends tokens over https only");
		goto out;
	}
	if (has_part(h, CURLUPART_USER) || has_part(h, CURLUPART_PASSWORD) ||
	    has_part(h, CURLUPART_OPTIONS)) {
		jc_fail(err, rc, "it has a user name or password: give the URL without one");
		goto out;
	}
	if (has_part(h, CURLUPART_ZONEID)) {
		jc_fail(err, rc, "it has an IPv6 zone: no profile can list one");
		goto out;
	}
	if (curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_PATH, &path, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		jc_fail(err, rc, "libcurl cannot read its host, port or path");
		goto out;
	}
	if (!(hostport = malloc(strlen(host) + strlen(port) + 2))) {
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		goto out;
	}
	snprintf(hostport, strlen(host) + strlen(port) + 2, "%s:%s", host, port);
	if ((rc = jc_request_from_parts(scheme, hostport, path, req)) != JWTCRED_OK) {
		jc_fail(err, rc, "its host '%s' is not a plain host name", host);
		goto out;
	}
	if (!(*canonical = strdup(full))) {
		jc_request_clear(req);
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
		goto out;
	}
	rc = JWTCRED_OK;
out:
	free(hostport);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(full);
	curl_url_cleanup(h);
	return rc;
}
