/*
 * curlopts_dump.c: print jwtcred's table of curl options (curlopts.c), one
 * line per long name: "NAME LETTER KIND POLICY", LETTER "-" when there is
 * no short form.  test_curl_options.sh compares it with the installed curl.
 */
#include "config.h"

#include <stdio.h>

#include "cli/curlopts.h"

static const char *const kinds[] = {
	[JC_CURLOPT_FLAG] = "flag",
	[JC_CURLOPT_BOOL] = "bool",
	[JC_CURLOPT_VALUE] = "value",
};
static const char *const policies[] = {
	[JC_CURL_ALLOW] = "allow",
	[JC_CURL_FORCED] = "forced",
	[JC_CURL_ROUTE] = "route",
	[JC_CURL_TLS] = "tls",
	[JC_CURL_LEAK] = "leak",
	[JC_CURL_CREDS] = "creds",
	[JC_CURL_UNCHECKED] = "unchecked",
	[JC_CURL_NOREQ] = "noreq",
	[JC_CURL_OTHER] = "other",
};

int main(void)
{
	size_t i;

	for (i = 0; i < jc_ncurlopts; i++) {
		const struct jc_curlopt *o = &jc_curlopts[i];

		if (o->kind >= sizeof(kinds) / sizeof(kinds[0]) || !kinds[o->kind] ||
		    o->policy >= sizeof(policies) / sizeof(policies[0]) || !policies[o->policy]) {
			fprintf(stderr, "curlopts_dump: '%s': kind %u or policy %u out of range\n", o->name,
			        o->kind, o->policy);
			return 1;
		}
		if (printf("%s %c %s %s\n", o->name, o->letter ? o->letter : '-', kinds[o->kind],
		           policies[o->policy]) < 0)
			return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
