/*
 * curlopts.h: every option of curl's command line, as curl's own parser
 * knows it, and what `jwtcred curl` does with each.
 */
#ifndef JWTCRED_CURLOPTS_H
#define JWTCRED_CURLOPTS_H

#include <stdbool.h>
#include <stddef.h>

/* How curl reads the option (its ARG_NONE, ARG_BOOL, ARG_STRING). */
enum jc_curlopt_kind {
	JC_CURLOPT_FLAG,  /* no value, no --no- form */
	JC_CURLOPT_BOOL,  /* no value; --no-NAME turns it off */
	JC_CURLOPT_VALUE, /* takes the next word (or the rest of a short cluster) */
};

/*
 * What jwtcred curl does with it.  Only JC_CURL_ALLOW reaches curl: the
 * options that change what is sent or how the answer is handled, never
 * where the request goes or how it is protected.
 */
enum jc_curl_policy {
	JC_CURL_ALLOW,
	JC_CURL_FORCED,    /* jwtcred passes it itself: given again, a no-op; negated, refused */
	JC_CURL_ROUTE,     /* moves the request: another host, port, path, proxy or socket */
	JC_CURL_TLS,       /* changes the TLS that protects the token */
	JC_CURL_LEAK,      /* writes the request, token included, to a trace */
	JC_CURL_CREDS,     /* other credentials or another authentication scheme */
	JC_CURL_UNCHECKED, /* brings in options and URLs jwtcred never sees */
	JC_CURL_NOREQ,     /* makes no request (help, version) */
	JC_CURL_OTHER,     /* not needed for an https API call: refused by default */
};

/*
 * What an allowed option's value may be.  The value of an option that puts
 * it into the request line or a header must not add lines to the request;
 * an option that reads a file ("@FILE") may read only standard input, so
 * that arguments cannot send the profile's key or configuration anywhere;
 * an option that writes a file may not write a hidden one (a shell's rc
 * file, ~/.curlrc, ~/.ssh) nor anything under /dev or /proc (jwtcred's own
 * pipes to curl are there).
 */
enum jc_curlopt_rule {
	JC_RULE_NONE,
	JC_RULE_LINE,      /* one line: no CR or LF (-A, -e, -r) */
	JC_RULE_QUERY,     /* one line; unless +RAW, [name]@FILE only as @- (--url-query) */
	JC_RULE_METHOD,    /* an RFC 9110 token (-X) */
	JC_RULE_HEADER,    /* "Name: value", no Host or framing header, no @FILE or @- (-H) */
	JC_RULE_DATA,      /* @FILE only as @- (-d, --data-*, --json) */
	JC_RULE_URLENCODE, /* [name]@FILE only as @- (--data-urlencode) */
	JC_RULE_FORM,      /* name=@FILE or <FILE only as -, no headers= (-F) */
	JC_RULE_COOKIE,    /* name=value, not a cookie file or @FILE (-b) */
	JC_RULE_WRITEOUT,  /* @FILE only as @-, no %output{FILE} (-w) */
	JC_RULE_OUTPUT,    /* a path curl writes (-o, -D, -c, --etag-save) */
};

struct jc_curlopt {
	const char *name;          /* curl's long name, without "--" */
	char letter;               /* the short option, or 0 */
	unsigned char kind;        /* enum jc_curlopt_kind */
	unsigned char policy;      /* enum jc_curl_policy */
	unsigned char rule;        /* enum jc_curlopt_rule, for an allowed value */
};

/* Sorted by name; jc_ncurlopts entries. */
extern const struct jc_curlopt jc_curlopts[];
extern const size_t jc_ncurlopts;

/*
 * Find a long option as curl does: case-insensitively, an exact name or a
 * unique prefix of one.  NULL when none matches; *ambiguous is set when
 * more than one would.  name ends at its NUL or at len bytes.
 */
const struct jc_curlopt *jc_curlopt_long(const char *name, size_t len, bool *ambiguous);

/* The option a short letter names, or NULL. */
const struct jc_curlopt *jc_curlopt_short(char letter);

/* Why an option of this policy is refused: one clause, lower case. */
const char *jc_curl_policy_why(enum jc_curl_policy policy);

#endif
