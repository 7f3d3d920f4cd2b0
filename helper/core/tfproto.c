/*
 * tfproto.c: Terraform's HOSTNAME checked, and made an origin request.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "core/fail.h"
#include "core/tfproto.h"

#define HOST_MAX 253
#define LABEL_MAX 63

static bool ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* The host part s[0..n): dot-separated LDH labels. */
static int host_check(const char *s, size_t n, jwtcred_error *err)
{
	size_t i, start = 0;

	if (n == 0)
		return jc_fail(err, JWTCRED_E_INPUT, "the host name is empty");
	if (n > HOST_MAX)
		return jc_fail(err, JWTCRED_E_INPUT, "the host name is longer than %d bytes", HOST_MAX);
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!ldh(s[i]))
				return jc_fail(err, JWTCRED_E_INPUT,
				               "the host name has a character Terraform does not send "
				               "(lower case letters, digits, '-' and '.' only)");
			continue;
		}
		if (i == start)
			return jc_fail(err, JWTCRED_E_INPUT, "the host name has an empty label");
		if (i - start > LABEL_MAX)
			return jc_fail(err, JWTCRED_E_INPUT, "a label of the host name is longer than %d bytes",
			               LABEL_MAX);
		if (s[start] == '-' || s[i - 1] == '-')
			return jc_fail(err, JWTCRED_E_INPUT, "a label of the host name starts or ends with '-'");
		start = i + 1;
	}
	return JWTCRED_OK;
}

/* The port after the ':', as ForComparison leaves it: 1-65535, no leading zero. */
static int port_check(const char *s, jwtcred_error *err)
{
	size_t n = strspn(s, "0123456789");
	long v = 0;
	size_t i;

	if (n == 0 || s[n] != '\0' || n > 5 || s[0] == '0')
		return jc_fail(err, JWTCRED_E_INPUT, "the port is not a number from 1 to 65535");
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	if (v > 65535)
		return jc_fail(err, JWTCRED_E_INPUT, "the port is not a number from 1 to 65535");
	return JWTCRED_OK;
}

int jc_tf_hostname_check(const char *hostname, jwtcred_error *err)
{
	const char *colon;
	int rc;

	if (!hostname)
		return jc_fail(err, JWTCRED_E_INPUT, "no host name");
	colon = strchr(hostname, ':');
	rc = host_check(hostname, colon ? (size_t)(colon - hostname) : strlen(hostname), err);
	if (rc == JWTCRED_OK && colon)
		rc = port_check(colon + 1, err);
	return rc;
}

int jc_tf_origin_request(const char *hostname, struct jc_request *out, jwtcred_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = jc_tf_hostname_check(hostname, err)) != JWTCRED_OK)
		return rc;
	rc = jc_request_from_parts("https", hostname, NULL, out);
	if (rc == JWTCRED_E_NOMEM)
		return jc_fail(err, rc, "out of memory");
	if (rc != JWTCRED_OK)
		return jc_fail(err, rc, "the host name is not one jwtcred can match");
	return JWTCRED_OK;
}
