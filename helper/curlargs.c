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

#include <stdlib.h>
#include <string.h>

#include "curlargs.h"

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

/*
 * NULL when curl may send this value, else why not.  curl writes the
 * values of these options into the request head as they are given: a CR or
 * LF in one ends the header, or the whole request, and what follows is a
 * request of the user's own, to any path of the host, with the token in
 * it (a Host header comes before the token's); and a method with a space
 * in it names another path in the request line.
 */
static const char *value_refusal(const struct jc_curlopt *opt, const char *value)
{
	static const char *const in_head[] = { "cookie", "header", "range", "referer", "user-agent" };
	static const char tchar[] = "!#$%&'*+-.^_`|~"; /* and letters and digits (RFC 9110) */
	size_t i;

	if (strcmp(opt->name, "request") == 0) {
		for (i = 0; value[i]; i++)
			if (!((value[i] >= 'a' && value[i] <= 'z') || (value[i] >= 'A' && value[i] <= 'Z') ||
			      (value[i] >= '0' && value[i] <= '9') || strchr(tchar, value[i])))
				break;
		return i > 0 && !value[i] ? NULL
		                          : "a method is one word of letters, digits and !#$%&'*+-.^_`|~ "
		                            "(curl writes it into the request line as it is)";
	}
	for (i = 0; i < sizeof(in_head) / sizeof(in_head[0]); i++)
		if (strcmp(opt->name, in_head[i]) == 0 && strpbrk(value, "\r\n"))
			return "curl writes it into the request as it is, where a CR or LF would start "
			       "another header or another request";
	return NULL;
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
