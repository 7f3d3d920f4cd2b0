/*
 * fuzz_goauth.c: what Go writes on jwtcred goauth's standard input after a
 * 4xx (status line and headers), as the command reads it; and the first
 * line, made a urls pattern, written back as a URL prefix for Go, which
 * must then parse as a request the pattern matches.
 */
#include "config.h"

#include "fuzz.h"
#include "core/goauthproto.h"

/* The prefix line jc_goauth_prefix() wrote is a URL the entry matches. */
static void check_prefix(const char *pattern)
{
	struct jc_request req;
	struct jc_url u;
	const char *why;
	jwtcred_error err;
	char line[JC_URL_MAX + 64];

	if (jc_url_parse_pattern(pattern, &u, &err) != 0)
		return;
	if (jc_goauth_prefix(&u, NULL, line, sizeof(line), &why) == 0) {
		if (jc_request_from_url(line, &req) != 0)
			abort(); /* a prefix Go is given must be a URL */
		if (jc_url_match(&u, &req) < 0)
			abort(); /* and one the entry allows */
		jc_request_clear(&req);
	}
	jc_url_clear(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jwtcred_error err;
	char *text;
	int status;

	if (size > JC_GOAUTH_MAX_INPUT || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)jc_goauth_status(text, size, &status, &err);
	text[strcspn(text, "\n")] = '\0';
	check_prefix(text);
	free(text);
	return 0;
}
