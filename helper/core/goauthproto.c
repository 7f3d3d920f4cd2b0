/*
 * goauthproto.c: GOAUTH's input (the status line Go saw) read, and a urls
 * entry written as the URL prefix Go matches the same way.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "core/goauthproto.h"

int jc_goauth_status(const char *buf, size_t len, int *status, jwtcred_error *err)
{
	size_t n = strcspn(buf, "\n"), i;
	const char *sp;

	*status = 0;
	if (memchr(buf, '\0', len))
		return jc_fail(err, JWTCRED_E_INPUT, "Go's response contains a NUL byte");
	if (len == 0)
		return JWTCRED_OK;
	if (n && buf[n - 1] == '\r')
		n--;
	/* Protocol Space Status: "HTTP/1.1 404 Not Found", "HTTP/2.0 401 Unauthorized" */
	sp = memchr(buf, ' ', n);
	if (strncmp(buf, "HTTP/", 5) != 0 || !sp || (size_t)(sp - buf) + 4 > n ||
	    (n > (size_t)(sp - buf) + 4 && sp[4] != ' '))
		return jc_fail(err, JWTCRED_E_INPUT, "Go's response does not start with a status line");
	for (i = 1; i <= 3; i++)
		if (!isdigit((unsigned char)sp[i]))
			return jc_fail(err, JWTCRED_E_INPUT,
			               "Go's response does not start with a status line");
	*status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	return JWTCRED_OK;
}

int jc_goauth_prefix(const struct jc_url *u, const char *host, char *buf, size_t size,
                     const char **why)
{
	char port[16] = "";
	int n;

	host = host ? host : u->host;
	if (strcmp(u->scheme, "https") != 0) {
		*why = "Go sends GOAUTH credentials over https only";
		return -1;
	}
	if (host[0] == '*') {
		*why = "Go's URL prefixes have no wildcard hosts";
		return -1;
	}
	/*
	 * Go's net/http carries the header across redirects to any path of
	 * the host (and its other ports and subdomains), and its lookup does
	 * not resolve dot segments: a path entry would be widened.  Fail
	 * closed: only a whole origin is given.
	 */
	if (*u->path) {
		*why = "Go follows redirects to other paths of the host with the token: not given";
		return -1;
	}
	if (u->port != 443)
		snprintf(port, sizeof(port), ":%d", u->port);
	n = snprintf(buf, size, "https://%s%s%s%s", host, port, *u->path ? "/" : "", u->path);
	if (n < 0 || (size_t)n >= size) {
		*why = "the URL is too long";
		return -1;
	}
	return 0;
}
