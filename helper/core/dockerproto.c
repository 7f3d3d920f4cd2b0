/*
 * dockerproto.c: the registry address docker hands a credential helper on
 * standard input, trimmed and made a request to match against profiles.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/dockerproto.h"
#include "core/fail.h"
#include "core/text.h"

int jc_docker_input_trim(char *buf, size_t len, jwtcred_error *err)
{
	size_t start = 0;

	if (strlen(buf) != len)
		return jc_fail(err, JWTCRED_E_INPUT, "input contains a NUL byte");
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	while (start < len && isspace((unsigned char)buf[start]))
		start++;
	memmove(buf, buf + start, len - start + 1);
	return JWTCRED_OK;
}

int jc_docker_server_request(const char *server, struct jc_request *out)
{
	char *url;
	int rc;

	memset(out, 0, sizeof(*out));
	url = strstr(server, "://") ? strdup(server) : jc_concat("https://", server);
	if (!url)
		return JWTCRED_E_NOMEM;
	rc = jc_request_from_url(url, out);
	free(url);
	return rc;
}
