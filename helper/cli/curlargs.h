/*
 * curlargs.h: curl's command line read as curl reads it, for jwtcred curl.
 *
 * The scan splits the arguments into options (with their values) and
 * URLs, and refuses every option that is not on the allow-list
 * (curlopts.c).  What curl finally runs is rebuilt from the scan, one
 * unambiguous word per option, so curl cannot read it differently from
 * the way jwtcred checked it.
 */
#ifndef JWTCRED_CURLARGS_H
#define JWTCRED_CURLARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/curlopts.h"

#define JC_CURL_MAX_ARGS 1024 /* words on curl's command line */
#define JC_CURL_MAX_URLS 64

/* One option or URL, in the order given.  Strings are borrowed from argv. */
struct jc_curl_item {
	const struct jc_curlopt *opt; /* NULL for a URL */
	bool negated;                 /* --no-NAME */
	bool short_form;              /* given as -X: rebuilt as -X (-N is --no-buffer) */
	const char *value;            /* the option's value or the URL; NULL for a flag */
};

struct jc_curl_args {
	struct jc_curl_item *items; /* nitems, heap */
	size_t nitems;
	size_t nurls;
	bool follow;                /* -L in effect */
	bool dump_header;           /* the user gives -D: jwtcred does not watch for 401 */
	bool remote_name;           /* -O: curl names files after the URLs' last segments */
};

/* Why a scan failed: the word as given, and the option it names (or NULL). */
struct jc_curl_refusal {
	const char *arg;
	const struct jc_curlopt *opt;
	const char *why;
};

/*
 * Scan curl's arguments.  Returns 0, or -1 with *r filled (the run must
 * not happen; a scan that fails for want of memory says so in r->why).
 * Free out with jc_curl_args_free() either way.
 */
int jc_curl_args_scan(char **argv, int argc, struct jc_curl_args *out, struct jc_curl_refusal *r);
void jc_curl_args_free(struct jc_curl_args *a);

#endif
