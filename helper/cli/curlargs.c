/*
 * curlargs.c: read curl's command line the way curl 7.88 does.
 *
 * curl's rules (src/tool_getparam.c): a word that starts with "-" is an
 * option until a bare "--", after which every word is a URL; any other
 * word is a URL.  "--NAME" matches a long name case-insensitively, exactly
 * or as a unique prefix; "--no-NAME" (lower case "no-", then the full
 * name: curl compares the whole word there) turns off an on/off option.
 * "-abc" is a cluster of short options, and the first one that takes a
 * value takes the rest of the word, or the next word.  A long option's
 * value is always the next word; jwtcred also accepts "--NAME=VALUE",
 * which it hands to curl as two words.
 *
 * Every option is looked up in the full table, then held to the policy:
 * anything but the allow-list stops the run, and so does anything the
 * table does not know.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/curlargs.h"

static const char no_such_option[] =
	"curl has no such option, or none that jwtcred knows (it knows curl 7.88's)";

static int refuse(struct jc_curl_refusal *r, const char *arg, const struct jc_curlopt *opt,
                  const char *why)
{
	r->arg = arg;
	r->opt = opt;
	r->why = why;
	return -1;
}

/* NULL when this use of opt may reach curl, else why not. */
static const char *policy_refusal(const struct jc_curlopt *opt, bool negated)
{
	if (opt->policy == JC_CURL_ALLOW)
		return NULL;
	if (opt->policy == JC_CURL_FORCED && opt->kind != JC_CURLOPT_VALUE && !negated)
		return NULL; /* -g or -q again: jwtcred passes them anyway */
	return jc_curl_policy_why(opt->policy);
}

static bool has_line_break(const char *v)
{
	return strpbrk(v, "\r\n") != NULL;
}

/* "@FILE" reads a file: only "@-", standard input, may. */
static bool reads_file(const char *v)
{
	return v[0] == '@' && strcmp(v, "@-") != 0;
}

/* RFC 9110 tchar */
static bool is_token(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("!#$%&'*+-.^_`|~", s[i]))
			return false;
	return true;
}

/* Is the header name one of names[], case-insensitively and '_' read as '-' (CGI does)? */
static bool header_is(const char *name, size_t n, const char *const *names, size_t count)
{
	size_t i, j;

	for (i = 0; i < count; i++) {
		if (strlen(names[i]) != n)
			continue;
		for (j = 0; j < n; j++)
			if (tolower((unsigned char)(name[j] == '_' ? '-' : name[j])) != names[i][j])
				break;
		if (j == n)
			return true;
	}
	return false;
}

/* Headers that choose another site or path behind the allowed address. */
static bool routes(const char *name, size_t n)
{
	static const char *const names[] = {
		"host", "forwarded", "x-forwarded-host", "x-forwarded-server", "x-forwarded-prefix",
		"x-host", "x-original-host", "x-http-host-override", "x-original-url", "x-rewrite-url",
	};

	return header_is(name, n, names, sizeof(names) / sizeof(names[0]));
}

/* Headers that frame the message: with one of its own, the body can carry a request. */
static bool frames(const char *name, size_t n)
{
	static const char *const names[] = {
		"content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer",
		"keep-alive", "proxy-connection",
	};

	return header_is(name, n, names, sizeof(names) / sizeof(names[0]));
}

/* Does the absolute form of path, "." and ".." resolved, lie under /dev or /proc? */
static bool under_dev_or_proc(const char *path)
{
	char cwd[4096], first[8];
	const char *s = path;
	size_t depth = 0, n;

	if (path[0] != '/') {
		/* the first segment of the working directory counts as much */
		if (!getcwd(cwd, sizeof(cwd)))
			return true; /* cannot tell: refuse */
		if (under_dev_or_proc(cwd))
			return true;
		for (s = cwd; *s; s += n) {
			while (*s == '/')
				s++;
			n = strcspn(s, "/");
			if (n)
				depth++;
		}
		s = path;
	}
	/* walk the path's segments: only the first segment that stays matters */
	first[0] = '\0';
	for (; *s; s += n) {
		while (*s == '/')
			s++;
		n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			depth -= depth > 0;
			if (depth == 0)
				first[0] = '\0';
			continue;
		}
		if (depth++ == 0)
			snprintf(first, sizeof(first), "%.*s", (int)(n < 7 ? n : 7), s);
	}
	return strcmp(first, "dev") == 0 || strcmp(first, "proc") == 0;
}

/*
 * May curl write here?  Not under /dev or /proc (jwtcred's pipes to curl
 * are /dev/fd/N), except /dev/null, /dev/stdout and /dev/stderr as
 * written; not a hidden file or directory anywhere in the path as given
 * (a shell's rc file, ~/.curlrc, ~/.ssh).
 */
static bool output_ok(const char *path)
{
	const char *seg;
	size_t n;

	if (strcmp(path, "-") == 0 || strcmp(path, "/dev/null") == 0 ||
	    strcmp(path, "/dev/stdout") == 0 || strcmp(path, "/dev/stderr") == 0)
		return true;
	if (path[0] == '\0' || under_dev_or_proc(path))
		return false;
	for (seg = path;; seg += n + 1) {
		n = strcspn(seg, "/");
		if (seg[0] == '.' && n > 0 && !(n == 1 || (n == 2 && seg[1] == '.')))
			return false;
		if (!seg[n])
			return true;
	}
}

/* NULL when an allowed option's value keeps to its rule, else why not. */
static const char *value_refusal(const struct jc_curlopt *opt, const char *v)
{
	const char *colon, *eq, *at;

	switch ((enum jc_curlopt_rule)opt->rule) {
	case JC_RULE_NONE:
		return NULL;
	case JC_RULE_LINE:
		return has_line_break(v) ? "its value has a line break, which would add lines to the request"
		                         : NULL;
	case JC_RULE_METHOD:
		return is_token(v, strlen(v)) ? NULL
		                              : "a method is one word of letters, digits and !#$%&'*+-.^_`|~";
	case JC_RULE_HEADER:
		if (v[0] == '@') /* standard input too: what it holds cannot be checked */
			return "curl would read headers from a file or standard input: give each as -H 'Name: value'";
		if (has_line_break(v))
			return "its value has a line break, which would add lines to the request";
		colon = v + strcspn(v, ":;");
		if (!*colon || !is_token(v, (size_t)(colon - v)))
			return "a header is 'Name: value' with a plain name";
		if (routes(v, (size_t)(colon - v)))
			return "it can route the request to another site behind the same address: "
			       "the URL's host is the one jwtcred checked";
		if (frames(v, (size_t)(colon - v)))
			return "it frames the message, so the body could carry a request of its own: "
			       "curl sets it";
		return NULL;
	case JC_RULE_WRITEOUT:
		if (strstr(v, "%output{")) /* curl 8.3 and later: -w writes a file */
			return "%output{FILE} would write a file: give -o FILE instead";
		/* fall through */
	case JC_RULE_DATA:
		return reads_file(v) ? "@FILE would read a local file into the request or the output: "
		                       "pipe it in as @- instead"
		                     : NULL;
	case JC_RULE_QUERY:
		if (has_line_break(v))
			return "its value has a line break, which would add lines to the request";
		if (v[0] == '+')
			return NULL; /* taken as it is: no file */
		/* otherwise it reads as --data-urlencode does */
		/* fall through */
	case JC_RULE_URLENCODE:
		at = v + strcspn(v, "@=");
		return *at == '@' && strcmp(at, "@-") != 0
		               ? "[name]@FILE would read a local file into the request: pipe it in as @- instead"
		               : NULL;
	case JC_RULE_FORM:
		eq = strchr(v, '=');
		if (eq && (eq[1] == '@' || eq[1] == '<') && strcmp(eq + 2, "-") != 0)
			return "name=@FILE and name=<FILE would read a local file into the request: pipe it in as @- instead";
		return strcasestr(v, "headers=") ? "headers= would read or add part headers: leave it out" : NULL;
	case JC_RULE_COOKIE:
		return v[0] == '@' || !strchr(v, '=') ? "curl would read cookies from a file: give them as name=value"
		       : has_line_break(v) ? "its value has a line break, which would add lines to the request"
		                           : NULL;
	case JC_RULE_OUTPUT:
		return output_ok(v) ? NULL
		                    : "curl would write a hidden file or directory, or under /dev or /proc: "
		                      "give a plain path, /dev/null or -";
	}
	return "jwtcred does not know this option's rule";
}

static int add(struct jc_curl_args *a, const struct jc_curlopt *opt, bool negated, bool short_form,
               const char *value, const char *arg, struct jc_curl_refusal *r)
{
	struct jc_curl_item *it;
	const char *why;

	if (opt && value && (why = value_refusal(opt, value)))
		return refuse(r, arg, opt, why);
	if (opt && strcmp(opt->name, "url") == 0)
		opt = NULL; /* --url X is a URL like any other */
	if (!opt && a->nurls == JC_CURL_MAX_URLS)
		return refuse(r, arg, NULL, "too many URLs (at most 64)");
	if (a->nitems == JC_CURL_MAX_ARGS)
		return refuse(r, arg, NULL, "too many options (at most 1024)");
	it = &a->items[a->nitems++];
	it->opt = opt;
	it->negated = negated;
	it->short_form = short_form;
	it->value = value;
	if (!opt)
		a->nurls++;
	else if (strcmp(opt->name, "location") == 0)
		a->follow = !negated;
	else if (strcmp(opt->name, "dump-header") == 0)
		a->dump_header = true;
	else if (strcmp(opt->name, "remote-name") == 0 || strcmp(opt->name, "remote-name-all") == 0)
		a->remote_name = a->remote_name || !negated;
	return 0;
}

/* "--NAME", "--no-NAME" or "--NAME=VALUE"; returns the words it used after arg. */
static int long_option(struct jc_curl_args *a, const char *arg, const char *next,
                       struct jc_curl_refusal *r)
{
	const char *name = arg + 2, *value = NULL, *why;
	const struct jc_curlopt *opt;
	bool negated = false, ambiguous;
	size_t len;
	int used = 0;

	if (strncmp(name, "no-", 3) == 0) {
		name += 3;
		negated = true;
	}
	len = strcspn(name, "=");
	opt = jc_curlopt_long(name, len, &ambiguous);
	if (negated && (ambiguous || (opt && opt->name[len])))
		return refuse(r, arg, NULL, "curl takes only a full option name after --no-");
	if (!opt)
		return refuse(r, arg, NULL,
		              ambiguous ? "it abbreviates more than one curl option: write it in full"
		                        : no_such_option);
	if (negated && opt->kind != JC_CURLOPT_BOOL)
		return refuse(r, arg, opt, "only an on/off option has a --no- form");
	if ((why = policy_refusal(opt, negated)))
		return refuse(r, arg, opt, why);
	if (name[len] == '=') {
		if (opt->kind != JC_CURLOPT_VALUE || negated)
			return refuse(r, arg, opt, "it takes no value");
		value = name + len + 1;
	} else if (opt->kind == JC_CURLOPT_VALUE) {
		if (!next)
			return refuse(r, arg, opt, "it needs a value");
		value = next;
		used = 1;
	}
	return add(a, opt, negated, false, value, arg, r) < 0 ? -1 : used;
}

/* "-abc": a cluster of short options; returns the words it used after arg. */
static int short_options(struct jc_curl_args *a, const char *arg, const char *next,
                         struct jc_curl_refusal *r)
{
	const struct jc_curlopt *opt;
	const char *why;
	size_t j;

	if (arg[1] == '\0')
		return refuse(r, arg, NULL, no_such_option);
	for (j = 1; arg[j]; j++) {
		if (!(opt = jc_curlopt_short(arg[j])))
			return refuse(r, arg, NULL, no_such_option);
		if ((why = policy_refusal(opt, false)))
			return refuse(r, arg, opt, why);
		if (opt->kind != JC_CURLOPT_VALUE) {
			if (add(a, opt, false, true, NULL, arg, r) < 0)
				return -1;
			continue;
		}
		if (arg[j + 1]) /* the rest of the cluster is the value */
			return add(a, opt, false, true, arg + j + 1, arg, r) < 0 ? -1 : 0;
		if (!next)
			return refuse(r, arg, opt, "it needs a value");
		return add(a, opt, false, true, next, arg, r) < 0 ? -1 : 1;
	}
	return 0;
}

int jc_curl_args_scan(char **argv, int argc, struct jc_curl_args *out, struct jc_curl_refusal *r)
{
	bool options = true;
	int i, used;

	memset(out, 0, sizeof(*out));
	memset(r, 0, sizeof(*r));
	if (argc > JC_CURL_MAX_ARGS)
		return refuse(r, argv[JC_CURL_MAX_ARGS], NULL, "too many arguments (at most 1024)");
	if (!(out->items = calloc(JC_CURL_MAX_ARGS, sizeof(*out->items))))
		return refuse(r, NULL, NULL, "out of memory");
	for (i = 0; i < argc; i += 1 + used) {
		const char *arg = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;

		if (!options || arg[0] != '-')
			used = add(out, NULL, false, false, arg, arg, r);
		else if (strcmp(arg, "--") == 0)
			used = 0, options = false;
		else if (arg[1] == '-')
			used = long_option(out, arg, next, r);
		else
			used = short_options(out, arg, next, r);
		if (used < 0)
			return -1;
	}
	return 0;
}

void jc_curl_args_free(struct jc_curl_args *a)
{
	free(a->items);
	memset(a, 0, sizeof(*a));
}
