/*
 * bazelproto.c: Bazel's credential helper request, {"uri": "..."}, read
 * and made a request to match against profiles' urls.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/bazelproto.h"
#include "core/fail.h"

int jc_bazel_request_uri(const char *buf, size_t len, char **uri, jwtcred_error *err)
{
	json_error_t jerr;
	json_t *root, *u;
	int rc = JWTCRED_OK;

	*uri = NULL;
	if (memchr(buf, '\0', len))
		return jc_fail(err, JWTCRED_E_INPUT, "input contains a NUL byte");
	if (!(root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)))
		return jc_fail(err, JWTCRED_E_INPUT, "input is not JSON (line %d: %.80s)", jerr.line,
		               jerr.text);
	u = json_object_get(root, "uri");
	if (!json_is_object(root))
		rc = jc_fail(err, JWTCRED_E_INPUT, "input is not a JSON object");
	else if (!json_is_string(u))
		rc = jc_fail(err, JWTCRED_E_INPUT, "input has no \"uri\" string");
	else if (!(*uri = strdup(json_string_value(u))))
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	json_decref(root);
	return rc;
}

/* RFC 3986's scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ); its length, 0 when none. */
static size_t scheme_len(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
		n++;
	return strncmp(s + n, "://", 3) == 0 ? n : 0;
}

int jc_bazel_uri_request(const char *uri, struct jc_request *out, jwtcred_error *err)
{
	size_t n = scheme_len(uri);
	char *as_https;
	size_t size;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return jc_fail(err, JWTCRED_E_INPUT, "the uri is not an absolute URL");
	if (strlen(uri) > JC_URL_MAX)
		return jc_fail(err, JWTCRED_E_INPUT, "the uri is longer than %d bytes", JC_URL_MAX);
	/* the same checks as an https URL, whatever its scheme */
	size = strlen(uri + n) + sizeof("https");
	if (!(as_https = malloc(size)))
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	snprintf(as_https, size, "https%s", uri + n);
	rc = jc_https_url_check(as_https, JC_URL_QUERY, err);
	free(as_https);
	if (rc == JWTCRED_E_INPUT) {
		char why[sizeof(err->text)];
		snprintf(why, sizeof(why), "%s", err->text);
		return jc_fail(err, JWTCRED_E_INPUT, "the uri %s", why);
	}
	if (rc)
		return rc;
	if ((rc = jc_request_from_url(uri, out)) == JWTCRED_E_INPUT)
		return jc_fail(err, rc, "the uri has an invalid host or port");
	return rc;
}

/* [a-z0-9_]+ (first: [a-z] when lead), its length. */
static size_t pkg_word(const char *s, bool lead)
{
	size_t n = 0;

	if (lead && !islower((unsigned char)s[0]))
		return 0;
	while (islower((unsigned char)s[n]) || isdigit((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

int jc_bazel_grpc_service(const char *path)
{
	size_t n;
	bool lead = true;

	if (!path)
		return 0;
	/* the package: one or more lower-case words, each followed by '.' */
	while ((n = pkg_word(path, lead)) && path[n] == '.') {
		path += n + 1;
		lead = false;
	}
	if (lead || !isupper((unsigned char)path[0]))
		return 0;
	for (path++; *path; path++)
		if (!isalnum((unsigned char)*path) && *path != '_')
			return 0;
	return 1;
}

int jc_header_token_ok(const char *token)
{
	const unsigned char *c = (const unsigned char *)token;

	if (!*c)
		return 0;
	for (; *c; c++)
		if (*c <= ' ' || *c >= 0x7f)
			return 0;
	return 1;
}
