/*
 * fuzz_urlmatch.c: "pattern\nrequest\npath": an allow-list URL against the
 * request read as a URL, and as git's host with git's path; the pattern
 * also as a URL to post to (jc_https_url_check).
 */
#include "config.h"

#include "fuzz.h"
#include "core/urlmatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line[3] = { NULL, NULL, NULL };
	struct jc_request req;
	struct jc_url pat;
	jwtcred_error err;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	line[0] = text;
	for (int i = 1; i < 3 && (line[i] = strchr(line[i - 1], '\n')); i++)
		*line[i]++ = '\0';
	jc_https_url_check(line[0], JC_URL_QUERY, &err);
	if (line[1] && jc_url_parse_pattern(line[0], &pat, &err) == JWTCRED_OK) {
		if (jc_request_from_url(line[1], &req) == JWTCRED_OK) {
			jc_url_match(&pat, &req);
			jc_request_clear(&req);
		}
		if (jc_request_from_parts("https", line[1], line[2], &req) == JWTCRED_OK) {
			jc_url_match(&pat, &req);
			jc_request_clear(&req);
		}
		jc_url_clear(&pat);
	}
	free(text);
	return 0;
}
