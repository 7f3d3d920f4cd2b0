/*
 * curlurl.h: a URL as libcurl reads it, for checking the URLs jwtcred curl
 * hands to curl.  Engine side: it needs libcurl.
 */
#ifndef JWTCRED_CURLURL_H
#define JWTCRED_CURLURL_H

#include "core/urlmatch.h"

/*
 * Parse url with libcurl's URL API (curl_url(), the parser curl itself
 * uses) and require an absolute https URL with no user name, password or
 * IPv6 zone.  On success *canonical (heap) is libcurl's normalised form,
 * dot segments removed, which is what curl must be given, and *req the
 * parts to match against a profile.  On error both are NULL/cleared and
 * err says why in a clause ("it has a user name").
 */
int jc_curl_url(const char *url, char **canonical, struct jc_request *req, jwtcred_error *err);

#endif
