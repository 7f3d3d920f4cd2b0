/*
 * test_curlargs.c: curl's command line read as curl 7.88 reads it
 * (curlargs.c), and the option table it reads it with (curlopts.c).  Each
 * row is an argv and either the exact items the scan must return or the
 * word and option it must refuse.  What real curl does with the same words
 * is checked against the installed curl by
 * tests/integration/test_curl_options.sh.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/curlargs.h"
#include "cli/curlopts.h"

#define MAX_WORDS 12
#define MAX_ITEMS 12

enum kind { END, URL, OPT };

/* One item the scan must return. */
struct want {
	enum kind kind;
	const char *name;  /* OPT: the option's long name */
	const char *value; /* the option's value or the URL; NULL: none */
	bool negated;
	bool short_form;
};

/* Shorthands for the rows: a URL, a long option, a short one, a --no- one. */
#define U(v) { URL, NULL, (v), false, false }
#define L(n, v) { OPT, (n), (v), false, false }
#define S(n, v) { OPT, (n), (v), false, true }
#define NO(n) { OPT, (n), NULL, true, false }
/* and the URLs */
#define A "https://a.example/"
#define B "https://b.example/"

struct row {
	const char *argv[MAX_WORDS]; /* NULL ends it */
	struct want items[MAX_ITEMS]; /* a scan that succeeds returns exactly these */
	bool follow, dump_header;    /* and these */
	bool remote_name;
	const char *refused;         /* the word a refusal names; NULL: the scan succeeds */
	const char *refused_opt;     /* the option it names; NULL: none */
	const char *why;             /* a part of its reason; NULL: any */
};

static const char no_such[] = "no such option";
static const char needs_value[] = "it needs a value";
static const char not_on_off[] = "only an on/off option has a --no- form";
static const char no_abbrev[] = "only a full option name after --no-";

static const struct row rows[] = {
	/* long names: exact, a unique prefix, ambiguous, unknown */
	{ .argv = { "--silent", A }, .items = { L("silent", NULL), U(A) } },
	{ .argv = { "--sil", A }, .items = { L("silent", NULL), U(A) } },
	{ .argv = { "--s", A }, .refused = "--s", .why = "abbreviates more than one" },
	{ .argv = { "--hea", "x" }, .refused = "--hea", .why = "abbreviates more than one" },
	{ .argv = { "--compresse" }, .refused = "--compresse", .why = "abbreviates more than one" },
	{ .argv = { "--http1" }, .refused = "--http1", .why = "abbreviates more than one" },
	{ .argv = { "--head", A }, .items = { L("head", NULL), U(A) } },
	{ .argv = { "--heade", "X: y" }, .items = { L("header", "X: y") } },
	{ .argv = { "--compressed" }, .items = { L("compressed", NULL) } },
	{ .argv = { "--http2" }, .items = { L("http2", NULL) } },
	{ .argv = { "--user-a", "ua" }, .items = { L("user-agent", "ua") } },
	{ .argv = { "--url-q", "a=b" }, .items = { L("url-query", "a=b") } },
	{ .argv = { "--buf" }, .items = { L("buffer", NULL) } },
	{ .argv = { "--frobnicate" }, .refused = "--frobnicate", .why = no_such },
	{ .argv = { "--silentx" }, .refused = "--silentx", .why = no_such },
	{ .argv = { "---" }, .refused = "---", .why = no_such },
	{ .argv = { "--insec", A }, .refused = "--insec", .refused_opt = "insecure" },
	{ .argv = { "--location-t", A }, .refused = "--location-t",
	  .refused_opt = "location-trusted" },
	/* long names are case-insensitive, "no-" is not */
	{ .argv = { "--Location-Trusted", A }, .refused = "--Location-Trusted",
	  .refused_opt = "location-trusted" },
	{ .argv = { "--INSECURE", A }, .refused = "--INSECURE", .refused_opt = "insecure" },
	{ .argv = { "--SILENT", A }, .items = { L("silent", NULL), U(A) } },
	{ .argv = { "--SIL" }, .items = { L("silent", NULL) } },
	{ .argv = { "--HEADER", "X: y" }, .items = { L("header", "X: y") } },
	{ .argv = { "--NO-silent" }, .refused = "--NO-silent", .why = no_such },
	{ .argv = { "--No-silent" }, .refused = "--No-silent", .why = no_such },
	{ .argv = { "--no-SILENT" }, .items = { NO("silent") } },
	/* --no-: on/off options only */
	{ .argv = { "--no-silent", A }, .items = { NO("silent"), U(A) } },
	{ .argv = { "--no-buffer", A }, .items = { NO("buffer"), U(A) } },
	{ .argv = { "--no-keepalive", A }, .items = { NO("keepalive"), U(A) } },
	{ .argv = { "--no-progress-meter" }, .items = { NO("progress-meter") } },
	{ .argv = { "--no-clobber" }, .items = { NO("clobber") } },
	{ .argv = { "--no-get" }, .items = { NO("get") } },
	{ .argv = { "--no-header", "X: y" }, .refused = "--no-header", .refused_opt = "header",
	  .why = not_on_off },
	{ .argv = { "--no-http1.1" }, .refused = "--no-http1.1", .refused_opt = "http1.1",
	  .why = not_on_off },
	{ .argv = { "--no-url", A }, .refused = "--no-url", .refused_opt = "url",
	  .why = not_on_off },
	{ .argv = { "--no-tlsv1" }, .refused = "--no-tlsv1", .refused_opt = "tlsv1", .why = not_on_off },
	{ .argv = { "--no-insecure" }, .refused = "--no-insecure", .refused_opt = "insecure" },
	{ .argv = { "--no-frobnicate" }, .refused = "--no-frobnicate", .why = no_such },
	/* after --no-, curl compares the whole word: no abbreviations */
	{ .argv = { "--no-sil", A }, .refused = "--no-sil", .why = no_abbrev },
	{ .argv = { "--no-progress-m" }, .refused = "--no-progress-m", .why = no_abbrev },
	{ .argv = { "--no-keep" }, .refused = "--no-keep", .why = no_abbrev },
	{ .argv = { "--no-" }, .refused = "--no-", .why = no_abbrev },
	{ .argv = { "--no-Progress-Meter" }, .items = { NO("progress-meter") } },
	/* -- ends the options: every later word is a URL */
	{ .argv = { "--", "-k", A }, .items = { U("-k"), U(A) } },
	{ .argv = { "-s", "--", "--insecure", "-K", "cfg" },
	  .items = { S("silent", NULL), U("--insecure"), U("-K"), U("cfg") } },
	{ .argv = { "--", "--", "-v" }, .items = { U("--"), U("-v") } },
	{ .argv = { "--" }, .items = { { END } } },
	{ .argv = { A, "--", "-L" }, .items = { U(A), U("-L") } },
	/* a word without a leading "-" is a URL, wherever it is */
	{ .argv = { A, "-s", B },
	  .items = { U(A), S("silent", NULL), U(B) } },
	{ .argv = { "" }, .items = { U("") } },
	{ .argv = { "a.example" }, .items = { U("a.example") } },
	/* short clusters: the first letter that takes a value takes the rest, or the next word */
	{ .argv = { "-sSL", A },
	  .items = { S("silent", NULL), S("show-error", NULL), S("location", NULL), U(A) },
	  .follow = true },
	{ .argv = { "-sSo", "out", A },
	  .items = { S("silent", NULL), S("show-error", NULL), S("output", "out"), U(A) } },
	{ .argv = { "-oout" }, .items = { S("output", "out") } },
	{ .argv = { "-XPOST" }, .items = { S("request", "POST") } },
	{ .argv = { "-sHX: y" }, .items = { S("silent", NULL), S("header", "X: y") } },
	{ .argv = { "-Hs:", A }, .items = { S("header", "s:"), U(A) } },
	{ .argv = { "-ok", A }, .items = { S("output", "k"), U(A) } },
	{ .argv = { "-N" }, .items = { S("buffer", NULL) } },
	{ .argv = { "-0#" }, .items = { S("http1.0", NULL), S("progress-bar", NULL) } },
	{ .argv = { "-sk", A }, .refused = "-sk", .refused_opt = "insecure" },
	{ .argv = { "-ks" }, .refused = "-ks", .refused_opt = "insecure" },
	{ .argv = { "-" }, .refused = "-", .why = no_such },
	{ .argv = { "-*", "x" }, .refused = "-*", .why = no_such },
	{ .argv = { "-$" }, .refused = "-$", .why = no_such },
	{ .argv = { "-s-" }, .refused = "-s-", .why = no_such },
	{ .argv = { "-sW" }, .refused = "-sW", .why = no_such },
	/* --url X and --url=X are URLs like any other, even when they look like options */
	{ .argv = { "--url", A }, .items = { U(A) } },
	{ .argv = { "--url=https://a.example/" }, .items = { U(A) } },
	{ .argv = { "--URL", "-k" }, .items = { U("-k") } },
	{ .argv = { "--url", "--", "-k" }, .refused = "-k", .refused_opt = "insecure" },
	{ .argv = { "--url" }, .refused = "--url", .refused_opt = "url", .why = needs_value },
	/* a value is the next word, whatever it looks like */
	{ .argv = { "-A", "-k", A }, .items = { S("user-agent", "-k"), U(A) } },
	{ .argv = { "--user-agent", "--insecure" }, .items = { L("user-agent", "--insecure") } },
	{ .argv = { "-d", B, A },
	  .items = { S("data", B), U(A) } },
	{ .argv = { "-o", "--", "-k" }, .refused = "-k", .refused_opt = "insecure" },
	{ .argv = { "-A", "" }, .items = { S("user-agent", "") } },
	/*
	 * values curl writes into the request head as they are: no CR or LF (a Host
	 * header comes before the token's, so what follows it would be another
	 * request with the token in it), and a method is one word
	 */
	{ .argv = { "-X", "GET /outside HTTP/1.1\r\nX:", A }, .refused = "-X", .refused_opt = "request",
	  .why = "a method is one word" },
	{ .argv = { "-X", "GET /outside", A }, .refused = "-X", .refused_opt = "request" },
	{ .argv = { "-sXGET\t/outside", A }, .refused = "-sXGET\t/outside", .refused_opt = "request" },
	{ .argv = { "--request=GET?" }, .refused = "--request=GET?", .refused_opt = "request" },
	{ .argv = { "-X", "" }, .refused = "-X", .refused_opt = "request" },
	{ .argv = { "-X", "M-SEARCH" }, .items = { S("request", "M-SEARCH") } },
	{ .argv = { "--request", "!#$%&'*+-.^_`|~09azAZ" }, .items = { L("request", "!#$%&'*+-.^_`|~09azAZ") } },
	{ .argv = { "-H", "Host: a.example\r\n\r\nGET /outside HTTP/1.1\r\nX: y", A }, .refused = "-H",
	  .refused_opt = "header", .why = "line break" },
	{ .argv = { "--header=X: a\nb" }, .refused = "--header=X: a\nb", .refused_opt = "header" },
	{ .argv = { "-HX: a\rb" }, .refused = "-HX: a\rb", .refused_opt = "header" },
	{ .argv = { "-A", "ua\r\nX: y" }, .refused = "-A", .refused_opt = "user-agent" },
	{ .argv = { "-e", "r\nX: y" }, .refused = "-e", .refused_opt = "referer" },
	{ .argv = { "-b", "a=b\r\nX: y" }, .refused = "-b", .refused_opt = "cookie" },
	{ .argv = { "-r", "0-1\r\nX: y" }, .refused = "-r", .refused_opt = "range" },
	{ .argv = { "-H", "X: a\tb" }, .items = { S("header", "X: a\tb") } },
	/* headers that pick another site or path behind the same address */
	{ .argv = { "-H", "Host: a.example" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "host:a.example" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "X-Forwarded-Host: b" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "Forwarded;" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "X-Original-URL: /x" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "Hostname: a" }, .items = { S("header", "Hostname: a") } },
	{ .argv = { "-H", "X-Empty;" }, .items = { S("header", "X-Empty;") } },
	{ .argv = { "-H", "a b: c" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", ":authority: b" }, .refused = "-H", .refused_opt = "header" },
	/* a file may be read from standard input only */
	{ .argv = { "-H", "@/etc/passwd" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "@-" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-d", "@key.pem" }, .refused = "-d", .refused_opt = "data" },
	{ .argv = { "-d@key.pem" }, .refused = "-d@key.pem", .refused_opt = "data" },
	{ .argv = { "-d", "@-" }, .items = { S("data", "@-") } },
	{ .argv = { "-d", "a=@b" }, .items = { S("data", "a=@b") } },
	{ .argv = { "--data-binary", "@k" }, .refused = "--data-binary", .refused_opt = "data-binary" },
	{ .argv = { "--json", "@k" }, .refused = "--json", .refused_opt = "json" },
	{ .argv = { "--data-raw", "@k" }, .items = { L("data-raw", "@k") } },
	{ .argv = { "--data-urlencode", "n@k" }, .refused = "--data-urlencode", .refused_opt = "data-urlencode" },
	{ .argv = { "--data-urlencode", "@k" }, .refused = "--data-urlencode", .refused_opt = "data-urlencode" },
	{ .argv = { "--data-urlencode", "n@-" }, .items = { L("data-urlencode", "n@-") } },
	{ .argv = { "--data-urlencode", "n=a@b" }, .items = { L("data-urlencode", "n=a@b") } },
	{ .argv = { "-F", "f=@k" }, .refused = "-F", .refused_opt = "form" },
	{ .argv = { "-F", "f=<k" }, .refused = "-F", .refused_opt = "form" },
	{ .argv = { "-F", "f=@-" }, .items = { S("form", "f=@-") } },
	{ .argv = { "-F", "f=v;headers=@h" }, .refused = "-F", .refused_opt = "form" },
	{ .argv = { "-F", "email=a@b.example" }, .items = { S("form", "email=a@b.example") } },
	{ .argv = { "-w", "@fmt" }, .refused = "-w", .refused_opt = "write-out" },
	{ .argv = { "-w", "%{http_code}@x" }, .items = { S("write-out", "%{http_code}@x") } },
	{ .argv = { "-b", "cookies.txt" }, .refused = "-b", .refused_opt = "cookie" },
	{ .argv = { "-b", "@d=/x" }, .refused = "-b", .refused_opt = "cookie" },
	{ .argv = { "--url-query", "@k" }, .refused = "--url-query", .refused_opt = "url-query" },
	{ .argv = { "--url-query", "n@k" }, .refused = "--url-query", .refused_opt = "url-query" },
	{ .argv = { "--url-query", "n=v" }, .items = { L("url-query", "n=v") } },
	{ .argv = { "--url-query", "+n@k" }, .items = { L("url-query", "+n@k") } },
	{ .argv = { "--url-query", "+a\nb" }, .refused = "--url-query", .refused_opt = "url-query" },
	{ .argv = { "-H", "Content-Length: 0" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "transfer-encoding: chunked" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "TE: trailers" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "X_Forwarded_Host: b" }, .refused = "-H", .refused_opt = "header" },
	{ .argv = { "-H", "X-Content-Length: 0" }, .items = { S("header", "X-Content-Length: 0") } },
	{ .argv = { "-b", "a=1; b=2" }, .items = { S("cookie", "a=1; b=2") } },
	/* curl may not write hidden files, nor under /dev or /proc */
	{ .argv = { "-o", "out.json" }, .items = { S("output", "out.json") } },
	{ .argv = { "-o", "../x/y" }, .items = { S("output", "../x/y") } },
	{ .argv = { "-o", "-" }, .items = { S("output", "-") } },
	{ .argv = { "-o", "/dev/null" }, .items = { S("output", "/dev/null") } },
	{ .argv = { "-o", "/home/u/.bashrc" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", ".curlrc" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "a/.ssh/authorized_keys" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "/dev/fd/6" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "../../../../../../../../../../../../dev/fd/6" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "/proc/self/fd/6" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-D", "/dev/tty" }, .refused = "-D", .refused_opt = "dump-header" },
	{ .argv = { "-c", "~/.netrc" }, .refused = "-c", .refused_opt = "cookie-jar" },
	{ .argv = { "--etag-save", ".profile" }, .refused = "--etag-save", .refused_opt = "etag-save" },
	{ .argv = { "--output-dir", "/tmp" }, .refused = "--output-dir", .refused_opt = "output-dir" },
	{ .argv = { "-o", "//dev/fd/6" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "/./dev/fd/6" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "//proc/self/fd/6" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "/dev" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "/tmp/../dev/tty" }, .refused = "-o", .refused_opt = "output" },
	{ .argv = { "-o", "/devices/x" }, .items = { S("output", "/devices/x") } },
	{ .argv = { "-o", "/tmp/dev/fd" }, .items = { S("output", "/tmp/dev/fd") } },
	{ .argv = { "-w", "%output{/tmp/x}%{http_code}" }, .refused = "-w", .refused_opt = "write-out" },
	/* a body may hold any bytes */
	{ .argv = { "-d", "a\r\nb" }, .items = { S("data", "a\r\nb") } },
	{ .argv = { "--form-string", "a=b\r\nc" }, .items = { L("form-string", "a=b\r\nc") } },
	/* --NAME=VALUE, which jwtcred hands to curl as two words */
	{ .argv = { "--header=X: y" }, .items = { L("header", "X: y") } },
	{ .argv = { "--user-agent=" }, .items = { L("user-agent", "") } },
	{ .argv = { "--heade=a: b=c" }, .items = { L("header", "a: b=c") } },
	{ .argv = { "--hea=x" }, .refused = "--hea=x", .why = "abbreviates more than one" },
	{ .argv = { "--silent=yes" }, .refused = "--silent=yes", .refused_opt = "silent",
	  .why = "takes no value" },
	{ .argv = { "--no-silent=x" }, .refused = "--no-silent=x", .refused_opt = "silent",
	  .why = "takes no value" },
	{ .argv = { "--=x" }, .refused = "--=x" },
	/* options whose value-ness a naive table gets wrong: none swallows the next word */
	{ .argv = { "--keepalive", A }, .items = { L("keepalive", NULL), U(A) } },
	{ .argv = { "--buffer", A }, .items = { L("buffer", NULL), U(A) } },
	{ .argv = { "--http1.1", A }, .items = { L("http1.1", NULL), U(A) } },
	{ .argv = { "--get", A }, .items = { L("get", NULL), U(A) } },
	{ .argv = { "-O", A }, .items = { S("remote-name", NULL), U(A) }, .remote_name = true },
	{ .argv = { "--tlsv1", A }, .refused = "--tlsv1", .refused_opt = "tlsv1" },
	{ .argv = { "--no-help", A }, .refused = "--no-help", .refused_opt = "help" },
	{ .argv = { "-h", "all" }, .refused = "-h", .refused_opt = "help" },
	/* missing values */
	{ .argv = { "-H" }, .refused = "-H", .refused_opt = "header", .why = needs_value },
	{ .argv = { "--header" }, .refused = "--header", .refused_opt = "header", .why = needs_value },
	{ .argv = { "-sSH" }, .refused = "-sSH", .refused_opt = "header", .why = needs_value },
	{ .argv = { A, "-o" }, .refused = "-o", .refused_opt = "output", .why = needs_value },
	/* forced options: given again, a no-op item (never a URL); negated or with a value, refused */
	{ .argv = { "-g", A }, .items = { S("globoff", NULL), U(A) } },
	{ .argv = { "--globoff", A }, .items = { L("globoff", NULL), U(A) } },
	{ .argv = { "-sgq" }, .items = { S("silent", NULL), S("globoff", NULL), S("disable", NULL) } },
	{ .argv = { "--disable" }, .items = { L("disable", NULL) } },
	{ .argv = { "--no-globoff", A }, .refused = "--no-globoff", .refused_opt = "globoff" },
	{ .argv = { "--no-disable" }, .refused = "--no-disable", .refused_opt = "disable" },
	{ .argv = { "--proto", "=https", A }, .refused = "--proto", .refused_opt = "proto" },
	{ .argv = { "--proto==https" }, .refused = "--proto==https", .refused_opt = "proto" },
	{ .argv = { "--proto-redir", "=https" }, .refused = "--proto-redir", .refused_opt = "proto-redir" },
	/* what would write the token out */
	{ .argv = { "-v", A }, .refused = "-v", .refused_opt = "verbose" },
	{ .argv = { "-sv" }, .refused = "-sv", .refused_opt = "verbose" },
	{ .argv = { "--verbose" }, .refused = "--verbose", .refused_opt = "verbose" },
	{ .argv = { "--trace", "t" }, .refused = "--trace", .refused_opt = "trace" },
	{ .argv = { "--trace-ascii", "-" }, .refused = "--trace-ascii", .refused_opt = "trace-ascii" },
	{ .argv = { "--trace-a", "-" }, .refused = "--trace-a", .refused_opt = "trace-ascii" },
	{ .argv = { "--libcurl", "c.c" }, .refused = "--libcurl", .refused_opt = "libcurl" },
	/* what brings in words jwtcred never sees */
	{ .argv = { "-K", "cfg" }, .refused = "-K", .refused_opt = "config" },
	{ .argv = { "-Kcfg" }, .refused = "-Kcfg", .refused_opt = "config" },
	{ .argv = { "--config", "cfg" }, .refused = "--config", .refused_opt = "config" },
	{ .argv = { A, "--next", B }, .refused = "--next", .refused_opt = "next" },
	{ .argv = { "-:" }, .refused = "-:", .refused_opt = "next" },
	{ .argv = { "-s:" }, .refused = "-s:", .refused_opt = "next" },
	/* -L and -D are tracked; the last -L or --no-location wins */
	{ .argv = { "-L", A }, .items = { S("location", NULL), U(A) }, .follow = true },
	{ .argv = { "--location" }, .items = { L("location", NULL) }, .follow = true },
	{ .argv = { "-L", A, "--no-location" },
	  .items = { S("location", NULL), U(A), NO("location") } },
	{ .argv = { "--no-location", "-L" }, .items = { NO("location"), S("location", NULL) }, .follow = true },
	{ .argv = { "-D", "h" }, .items = { S("dump-header", "h") }, .dump_header = true },
	{ .argv = { "-sDh" }, .items = { S("silent", NULL), S("dump-header", "h") }, .dump_header = true },
	{ .argv = { "--dump", "h" }, .items = { L("dump-header", "h") }, .dump_header = true },
	{ .argv = { "--dump-header=h", "-L" }, .items = { L("dump-header", "h"), S("location", NULL) },
	  .follow = true, .dump_header = true },
	{ .argv = { "-L", "--no-location", "-L" },
	  .items = { S("location", NULL), NO("location"), S("location", NULL) }, .follow = true },
	{ .argv = { "--no-location" }, .items = { NO("location") } },
	/* -O is tracked: curl names files after the URLs; once on, a later --no- does not hide it */
	{ .argv = { "--remote-name", A }, .items = { L("remote-name", NULL), U(A) }, .remote_name = true },
	{ .argv = { "--remote-n", A }, .refused = "--remote-n", .why = "abbreviates more than one" },
	{ .argv = { "--remote-name-a" }, .items = { L("remote-name-all", NULL) }, .remote_name = true },
	{ .argv = { "--remote-name-all" }, .items = { L("remote-name-all", NULL) }, .remote_name = true },
	{ .argv = { "-sO", A }, .items = { S("silent", NULL), S("remote-name", NULL), U(A) },
	  .remote_name = true },
	{ .argv = { "--no-remote-name-all" }, .items = { NO("remote-name-all") } },
	{ .argv = { "--no-remote-name" }, .items = { NO("remote-name") } },
	{ .argv = { "-O", "--no-remote-name", A },
	  .items = { S("remote-name", NULL), NO("remote-name"), U(A) }, .remote_name = true },
	{ .argv = { "--remote-name-all", "--no-remote-name-all" },
	  .items = { L("remote-name-all", NULL), NO("remote-name-all") }, .remote_name = true },
	/* more --url spellings: a prefix, =, empty, a value that looks like an option */
	{ .argv = { "--ur", A }, .refused = "--ur", .why = "abbreviates more than one" },
	{ .argv = { "--url-", "a=b" }, .items = { L("url-query", "a=b") } },
	{ .argv = { "--url=" }, .items = { U("") } },
	{ .argv = { "--url=-k" }, .items = { U("-k") } },
	{ .argv = { "--url", "--url", "-k" }, .refused = "-k", .refused_opt = "insecure" },
	{ .argv = { "--url", "-sk" }, .items = { U("-sk") } },
	/* a "--" taken as a value does not end the options */
	{ .argv = { "-d", "--", "-k" }, .refused = "-k", .refused_opt = "insecure" },
	{ .argv = { "-A", "--", "--", "-k" }, .items = { S("user-agent", "--"), U("-k") } },
	/* a cluster's value-taking letter takes the next word, whatever it is */
	{ .argv = { "-sA", "-k", A }, .items = { S("silent", NULL), S("user-agent", "-k"), U(A) } },
	{ .argv = { "-sA", "--", "-k" }, .refused = "-k", .refused_opt = "insecure" },
	/* the rules hold for every spelling of the value */
	{ .argv = { "--user-a=ua" }, .items = { L("user-agent", "ua") } },
	{ .argv = { "--user-a=ua\r\nX: y" }, .refused = "--user-a=ua\r\nX: y", .refused_opt = "user-agent" },
	{ .argv = { "-o.bashrc" }, .refused = "-o.bashrc", .refused_opt = "output" },
	{ .argv = { "-so", ".bashrc" }, .refused = "-so", .refused_opt = "output" },
	{ .argv = { "--output=.bashrc" }, .refused = "--output=.bashrc", .refused_opt = "output" },
	{ .argv = { "-sH@-" }, .refused = "-sH@-", .refused_opt = "header" },
	{ .argv = { "--hea=Host: b" }, .refused = "--hea=Host: b", .why = "abbreviates more than one" },
	{ .argv = { "--header=Host: b" }, .refused = "--header=Host: b", .refused_opt = "header" },
	/* --noproxy is an option of its own, not --no-proxy */
	{ .argv = { "--noproxy", "*" }, .refused = "--noproxy", .refused_opt = "noproxy" },
	{ .argv = { "--nopro", "*" }, .refused = "--nopro", .refused_opt = "noproxy" },
	{ .argv = { "--no-proxy" }, .refused = "--no-proxy", .refused_opt = "proxy", .why = not_on_off },
	{ .argv = { "--no-location=x" }, .refused = "--no-location=x", .refused_opt = "location",
	  .why = "takes no value" },
};

/* s with control characters as \xNN, for failure messages. */
static const char *visible(const char *s, char *buf, size_t len)
{
	size_t used = 0;

	if (!s)
		return "(null)";
	for (; *s && used + 5 < len; s++)
		used += (size_t)snprintf(buf + used, len - used, (unsigned char)*s < ' ' ? "\\x%02x" : "%c",
		                         (unsigned char)*s);
	buf[used] = '\0';
	return buf;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The row's argv as one line, for failure messages. */
static const char *shown_argv(const struct row *r, char *buf, size_t len)
{
	char word[64];
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < MAX_WORDS && r->argv[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s'%s'", i ? " " : "",
		                         visible(r->argv[i], word, sizeof(word)));
	return buf;
}

/* Does a scan of r's words give r's items, or r's refusal?  0 or the number of problems. */
static int check_row(size_t n, const struct row *r)
{
	char *argv[MAX_WORDS + 1] = { NULL }, shown[512];
	struct jc_curl_refusal ref;
	struct jc_curl_args a;
	int argc, bad = 0, rc;
	size_t i, nwant;

	for (argc = 0; argc < MAX_WORDS && r->argv[argc]; argc++)
		argv[argc] = (char *)r->argv[argc];
	rc = jc_curl_args_scan(argv, argc, &a, &ref);
	shown_argv(r, shown, sizeof(shown));
	if (r->refused) {
		bool from_argv = false;
		int k;

		for (k = 0; k < argc; k++)
			from_argv = from_argv || ref.arg == argv[k];
		if (rc != -1 || !same(ref.arg, r->refused) || !from_argv) {
			char w1[128], w2[128];

			print_error("row %zu (%s): want '%s' refused, got rc %d, arg '%s'\n", n, shown,
			            visible(r->refused, w1, sizeof(w1)), rc, visible(ref.arg, w2, sizeof(w2)));
			bad++;
		} else if (!same(ref.opt ? ref.opt->name : NULL, r->refused_opt)) {
			print_error("row %zu (%s): want the refusal to name --%s, got --%s\n", n, shown,
			            r->refused_opt ? r->refused_opt : "(none)",
			            ref.opt ? ref.opt->name : "(none)");
			bad++;
		} else if (!ref.why || !ref.why[0] || (r->why && !strstr(ref.why, r->why))) {
			print_error("row %zu (%s): want a reason with '%s', got '%s'\n", n, shown,
			            r->why ? r->why : "", ref.why ? ref.why : "(none)");
			bad++;
		}
		jc_curl_args_free(&a);
		return bad;
	}
	if (rc != 0) {
		char w[128];

		print_error("row %zu (%s): refused '%s' (--%s): %s\n", n, shown, visible(ref.arg, w, sizeof(w)),
		            ref.opt ? ref.opt->name : "", ref.why ? ref.why : "");
		jc_curl_args_free(&a);
		return 1;
	}
	for (nwant = 0; nwant < MAX_ITEMS && r->items[nwant].kind != END; nwant++)
		;
	if (a.nitems != nwant) {
		print_error("row %zu (%s): want %zu items, got %zu\n", n, shown, nwant, a.nitems);
		bad++;
	}
	for (i = 0; i < a.nitems && i < nwant; i++) {
		const struct want *w = &r->items[i];
		const struct jc_curl_item *it = &a.items[i];
		char v1[128], v2[128];

		if ((w->kind == URL) != (it->opt == NULL) || (it->opt && !same(it->opt->name, w->name)) ||
		    !same(it->value, w->value) || it->negated != w->negated ||
		    it->short_form != w->short_form) {
			print_error("row %zu (%s): item %zu: want %s%s%s '%s', got %s%s%s '%s'\n", n, shown, i,
			            w->kind == URL ? "URL" : w->short_form ? "short --" : "--",
			            w->negated ? "no-" : "", w->name ? w->name : "",
			            visible(w->value, v1, sizeof(v1)),
			            !it->opt ? "URL" : it->short_form ? "short --" : "--",
			            it->negated ? "no-" : "", it->opt ? it->opt->name : "",
			            visible(it->value, v2, sizeof(v2)));
			bad++;
		}
	}
	if (a.follow != r->follow || a.dump_header != r->dump_header || a.remote_name != r->remote_name) {
		print_error("row %zu (%s): want follow %d dump_header %d remote_name %d, got %d %d %d\n", n,
		            shown, r->follow, r->dump_header, r->remote_name, a.follow, a.dump_header,
		            a.remote_name);
		bad++;
	}
	for (i = 0, nwant = 0; i < a.nitems; i++)
		nwant += a.items[i].opt == NULL;
	if (a.nurls != nwant) {
		print_error("row %zu (%s): nurls %zu, but %zu URL items\n", n, shown, a.nurls, nwant);
		bad++;
	}
	jc_curl_args_free(&a);
	return bad;
}

static void test_scan_rows(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		bad += check_row(i, &rows[i]);
	assert_int_equal(bad, 0);
}

/* At most 64 URLs: the 65th is refused by name, however it is given. */
static void test_too_many_urls(void **state)
{
	static char url[] = "https://a.example/", other[] = "https://b.example/", url_opt[] = "--url";
	char *argv[2 * JC_CURL_MAX_URLS + 2];
	struct jc_curl_refusal r;
	struct jc_curl_args a;
	int i;

	(void)state;
	for (i = 0; i < JC_CURL_MAX_URLS; i++)
		argv[i] = url;
	assert_int_equal(jc_curl_args_scan(argv, JC_CURL_MAX_URLS, &a, &r), 0);
	assert_int_equal(a.nurls, JC_CURL_MAX_URLS);
	assert_int_equal(a.nitems, JC_CURL_MAX_URLS);
	jc_curl_args_free(&a);

	argv[JC_CURL_MAX_URLS] = other;
	assert_int_equal(jc_curl_args_scan(argv, JC_CURL_MAX_URLS + 1, &a, &r), -1);
	assert_ptr_equal(r.arg, argv[JC_CURL_MAX_URLS]);
	assert_null(r.opt);
	assert_non_null(strstr(r.why, "too many URLs"));
	jc_curl_args_free(&a);

	/* as --url values, and after "--" */
	for (i = 0; i <= JC_CURL_MAX_URLS; i++) {
		argv[2 * i] = url_opt;
		argv[2 * i + 1] = url;
	}
	assert_int_equal(jc_curl_args_scan(argv, 2 * JC_CURL_MAX_URLS + 2, &a, &r), -1);
	assert_ptr_equal(r.arg, argv[2 * JC_CURL_MAX_URLS]);
	assert_non_null(strstr(r.why, "too many URLs"));
	jc_curl_args_free(&a);

	argv[0] = (char[]){ "--" };
	for (i = 1; i <= JC_CURL_MAX_URLS + 1; i++)
		argv[i] = url;
	assert_int_equal(jc_curl_args_scan(argv, JC_CURL_MAX_URLS + 2, &a, &r), -1);
	assert_ptr_equal(r.arg, argv[JC_CURL_MAX_URLS + 1]);
	jc_curl_args_free(&a);
}

/* At most 1024 words and 1024 items, however short the words. */
static void test_too_many_words(void **state)
{
	static char s[] = "-s";
	char *argv[JC_CURL_MAX_ARGS + 1], *cluster;
	struct jc_curl_refusal r;
	struct jc_curl_args a;
	int i;

	(void)state;
	for (i = 0; i <= JC_CURL_MAX_ARGS; i++)
		argv[i] = s;
	assert_int_equal(jc_curl_args_scan(argv, JC_CURL_MAX_ARGS, &a, &r), 0);
	assert_int_equal(a.nitems, JC_CURL_MAX_ARGS);
	jc_curl_args_free(&a);
	assert_int_equal(jc_curl_args_scan(argv, JC_CURL_MAX_ARGS + 1, &a, &r), -1);
	assert_ptr_equal(r.arg, argv[JC_CURL_MAX_ARGS]);
	assert_non_null(strstr(r.why, "too many arguments"));
	jc_curl_args_free(&a);

	/* one word, 1025 letters: 1025 items */
	cluster = malloc(JC_CURL_MAX_ARGS + 3);
	assert_non_null(cluster);
	cluster[0] = '-';
	memset(cluster + 1, 's', JC_CURL_MAX_ARGS + 1);
	cluster[JC_CURL_MAX_ARGS + 2] = '\0';
	argv[0] = cluster;
	assert_int_equal(jc_curl_args_scan(argv, 1, &a, &r), -1);
	assert_ptr_equal(r.arg, cluster);
	assert_non_null(strstr(r.why, "too many options"));
	jc_curl_args_free(&a);
	cluster[JC_CURL_MAX_ARGS + 1] = '\0'; /* 1024 letters fit */
	assert_int_equal(jc_curl_args_scan(argv, 1, &a, &r), 0);
	assert_int_equal(a.nitems, JC_CURL_MAX_ARGS);
	jc_curl_args_free(&a);
	free(cluster);
}

/*
 * Every option of the table, in each spelling: the allowed ones (and the
 * forced on/off ones) become one item naming that option, everything else
 * is refused by that option's name.
 */
/* A value that keeps to the option's rule (curlopts.h). */
static char *value_for(const struct jc_curlopt *o)
{
	static char plain[] = "v", header[] = "X-A: 1", method[] = "GET", cookie[] = "a=1";

	switch (o->rule) {
	case JC_RULE_HEADER:
		return header;
	case JC_RULE_METHOD:
		return method;
	case JC_RULE_COOKIE:
		return cookie;
	default:
		return plain;
	}
}

static void test_every_option(void **state)
{
	static char url[] = "https://a.example/";
	char word[64], upper[64], cluster[4];
	size_t i, j;
	int bad = 0;

	(void)state;
	for (i = 0; i < jc_ncurlopts; i++) {
		const struct jc_curlopt *o = &jc_curlopts[i];
		bool value_taking = o->kind == JC_CURLOPT_VALUE;
		bool passes = o->policy == JC_CURL_ALLOW || (o->policy == JC_CURL_FORCED && !value_taking);
		const char *spellings[3] = { word, upper, o->letter ? cluster : NULL };
		char *argv[3];

		snprintf(word, sizeof(word), "--%s", o->name);
		for (j = 0; word[j]; j++)
			upper[j] = (char)(word[j] >= 'a' && word[j] <= 'z' ? word[j] - 'a' + 'A' : word[j]);
		upper[j] = '\0';
		snprintf(cluster, sizeof(cluster), "-%c", o->letter);
		for (j = 0; j < 3; j++) {
			struct jc_curl_refusal r;
			struct jc_curl_args a;
			int rc;

			if (!spellings[j])
				continue;
			argv[0] = (char *)spellings[j];
			argv[1] = value_taking ? value_for(o) : url;
			argv[2] = url;
			rc = jc_curl_args_scan(argv, value_taking ? 3 : 2, &a, &r);
			if (passes && strcmp(o->name, "url") == 0) {
				if (rc != 0 || a.nitems != 2 || a.items[0].opt || a.nurls != 2) {
					print_error("'%s v URL' is not two URLs\n", spellings[j]);
					bad++;
				}
			} else if (passes) {
				if (rc != 0 || a.nitems != 2 || a.items[0].opt != o ||
				    !same(a.items[0].value, value_taking ? value_for(o) : NULL) ||
				    a.items[0].short_form != (j == 2) || a.items[0].negated || a.items[1].opt ||
				    a.nurls != 1) {
					print_error("'%s': want one --%s item and a URL (rc %d)\n", spellings[j], o->name,
					            rc);
					bad++;
				}
			} else if (rc != -1 || r.arg != argv[0] || r.opt != o) {
				print_error("'%s': want it refused as --%s\n", spellings[j], o->name);
				bad++;
			}
			jc_curl_args_free(&a);
		}
		/* the --no- form of an on/off option, and of every other option */
		{
			struct jc_curl_refusal r;
			struct jc_curl_args a;
			bool negated_passes = o->kind == JC_CURLOPT_BOOL && o->policy == JC_CURL_ALLOW;
			int rc;

			snprintf(word, sizeof(word), "--no-%s", o->name);
			argv[0] = word;
			argv[1] = url;
			rc = jc_curl_args_scan(argv, 2, &a, &r);
			if (negated_passes ? rc != 0 || a.nitems != 2 || a.items[0].opt != o || !a.items[0].negated
			                   : rc != -1 || r.arg != word || r.opt != o) {
				print_error("'%s': want it %s\n", word, negated_passes ? "passed" : "refused");
				bad++;
			}
			jc_curl_args_free(&a);
		}
	}
	assert_int_equal(bad, 0);
}

/* Lookups by long name (case-insensitive, exact or unique prefix) and by letter. */
static void test_lookup(void **state)
{
	static const struct {
		const char *name;
		size_t len;
		const char *want; /* NULL: none */
		bool ambiguous;
	} names[] = {
		{ "silent", 6, "silent", false },
		{ "SiLeNt", 6, "silent", false },
		{ "sil", 3, "silent", false },
		{ "silentXYZ", 6, "silent", false }, /* len bounds the name */
		{ "silentx", 7, NULL, false },
		{ "s", 1, NULL, true },
		{ "", 0, NULL, true },
		{ "frobnicate", 10, NULL, false },
		{ "head", 4, "head", false },      /* exact wins over the prefix of header */
		{ "HEAD", 4, "head", false },
		{ "hea", 3, NULL, true },
		{ "url", 3, "url", false },        /* and over url-query */
		{ "data", 4, "data", false },
		{ "krb", 3, "krb", false },
		{ "krb4", 4, "krb4", false },
		{ "http2", 5, "http2", false },
		{ "tlsv1", 5, "tlsv1", false },
		{ "tlsv1.", 6, NULL, true },
		{ "ftp-ssl", 7, "ftp-ssl", false },
		{ "epsv", 4, "epsv", false },
		{ "keepalive", 9, "keepalive", false },
		{ "keep", 4, NULL, true },
	};
	static const struct {
		char letter;
		const char *want;
	} letters[] = {
		{ 's', "silent" }, { 'S', "show-error" }, { 'N', "buffer" }, { 'q', "disable" },
		{ 'g', "globoff" }, { 'h', "help" }, { 'K', "config" }, { ':', "next" },
		{ '#', "progress-bar" }, { '0', "http1.0" }, { '1', "tlsv1" }, { 'k', "insecure" },
		{ 'v', "verbose" }, { 'X', "request" }, { 'O', "remote-name" }, { 'Z', "parallel" },
		{ '*', NULL }, { '$', NULL }, { '-', NULL }, { 'W', NULL }, { '\0', NULL },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bool ambiguous = !names[i].ambiguous;
		const struct jc_curlopt *o = jc_curlopt_long(names[i].name, names[i].len, &ambiguous);

		if (!same(o ? o->name : NULL, names[i].want) || ambiguous != names[i].ambiguous) {
			print_error("jc_curlopt_long('%.*s'): want %s%s, got %s%s\n", (int)names[i].len,
			            names[i].name, names[i].want ? names[i].want : "none",
			            names[i].ambiguous ? " (ambiguous)" : "", o ? o->name : "none",
			            ambiguous ? " (ambiguous)" : "");
			bad++;
		}
	}
	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++) {
		const struct jc_curlopt *o = jc_curlopt_short(letters[i].letter);

		if (!same(o ? o->name : NULL, letters[i].want)) {
			print_error("jc_curlopt_short('%c'): want %s, got %s\n", letters[i].letter,
			            letters[i].want ? letters[i].want : "none", o ? o->name : "none");
			bad++;
		}
	}
	/* what curl 7.88 reads as on/off, as a flag, or with a value */
	assert_int_equal(jc_curlopt_long("help", 4, &(bool){ false })->kind, JC_CURLOPT_BOOL);
	assert_int_equal(jc_curlopt_long("tlsv1", 5, &(bool){ false })->kind, JC_CURLOPT_FLAG);
	assert_int_equal(jc_curlopt_long("keepalive", 9, &(bool){ false })->kind, JC_CURLOPT_BOOL);
	assert_int_equal(jc_curlopt_long("next", 4, &(bool){ false })->kind, JC_CURLOPT_FLAG);
	assert_int_equal(jc_curlopt_long("krb4", 4, &(bool){ false })->kind, JC_CURLOPT_VALUE);
	assert_int_equal(bad, 0);
}

/* What the lookups rely on: sorted unique lower-case names, unique letters, known kinds and policies. */
static void test_table(void **state)
{
	size_t i, j;
	int bad = 0;

	(void)state;
	assert_true(jc_ncurlopts > 200);
	for (i = 0; i < jc_ncurlopts; i++) {
		const struct jc_curlopt *o = &jc_curlopts[i];

		if (i > 0 && strcmp(jc_curlopts[i - 1].name, o->name) >= 0) {
			print_error("'%s' is not sorted after '%s'\n", o->name, jc_curlopts[i - 1].name);
			bad++;
		}
		for (j = 0; o->name[j]; j++)
			if (!((o->name[j] >= 'a' && o->name[j] <= 'z') ||
			      (o->name[j] >= '0' && o->name[j] <= '9') || o->name[j] == '-' || o->name[j] == '.'))
				break;
		if (o->name[j] || j == 0 || strncmp(o->name, "no-", 3) == 0) {
			print_error("'%s' is not a long name as curl's parser holds it\n", o->name);
			bad++;
		}
		if (o->kind > JC_CURLOPT_VALUE || o->policy > JC_CURL_OTHER) {
			print_error("'%s': kind %u, policy %u\n", o->name, o->kind, o->policy);
			bad++;
		}
		if (o->letter && jc_curlopt_short(o->letter) != o) {
			print_error("'%s': letter '%c' is also --%s's\n", o->name, o->letter,
			            jc_curlopt_short(o->letter)->name);
			bad++;
		}
	}
	for (i = JC_CURL_ALLOW; i <= JC_CURL_OTHER; i++)
		if (!jc_curl_policy_why((enum jc_curl_policy)i)[0])
			bad++;
	assert_int_equal(bad, 0);
}

/*
 * The allow-list, written out: an option that reaches curl is a decision,
 * made here and in curlopts.c together.
 */
static void test_allow_list(void **state)
{
	static const char *const allowed[] = {
		"buffer", "clobber", "compressed", "connect-timeout", "continue-at", "cookie",
		"cookie-jar", "create-dirs", "data", "data-ascii", "data-binary",
		"data-raw", "data-urlencode", "dump-header", "etag-save",
		"expect100-timeout", "fail", "fail-early", "fail-with-body", "form", "form-escape",
		"form-string", "get", "head", "header", "http0.9", "http1.0", "http1.1", "http2",
		"http2-prior-knowledge", "http3", "http3-only", "ignore-content-length", "include",
		"ipv4", "ipv6", "json", "junk-session-cookies", "keepalive", "keepalive-time",
		"limit-rate", "location", "max-filesize", "max-redirs", "max-time", "output",
		"parallel", "parallel-immediate", "parallel-max", "post301", "post302",
		"post303", "progress-bar", "progress-meter", "range", "raw", "referer",
		"remote-name", "remote-name-all", "remote-time",
		"remove-on-error", "request", "retry", "retry-all-errors", "retry-connrefused",
		"retry-delay", "retry-max-time", "show-error", "silent", "speed-limit", "speed-time",
		"styled-output", "tcp-fastopen", "tcp-nodelay", "time-cond", "tr-encoding",
		"url", "url-query", "user-agent", "write-out",
	};
	static const char *const forced[] = { "disable", "globoff", "proto", "proto-redir" };
	size_t i, j, nallowed = 0, nforced = 0;
	int bad = 0;

	(void)state;
	for (i = 0; i < jc_ncurlopts; i++) {
		const struct jc_curlopt *o = &jc_curlopts[i];
		const char *const *list = o->policy == JC_CURL_FORCED ? forced : allowed;
		size_t n = o->policy == JC_CURL_FORCED ? sizeof(forced) / sizeof(forced[0])
		                                       : sizeof(allowed) / sizeof(allowed[0]);
		bool listed = false;

		for (j = 0; j < n; j++)
			listed = listed || strcmp(list[j], o->name) == 0;
		if (o->policy == JC_CURL_ALLOW || o->policy == JC_CURL_FORCED) {
			nallowed += o->policy == JC_CURL_ALLOW;
			nforced += o->policy == JC_CURL_FORCED;
			if (!listed) {
				print_error("--%s reaches curl, but this test does not list it\n", o->name);
				bad++;
			}
		} else if (listed) {
			print_error("--%s is listed here, but the table refuses it\n", o->name);
			bad++;
		}
	}
	if (nallowed != sizeof(allowed) / sizeof(allowed[0]) ||
	    nforced != sizeof(forced) / sizeof(forced[0])) {
		print_error("%zu allowed and %zu forced in the table, %zu and %zu listed here\n", nallowed,
		            nforced, sizeof(allowed) / sizeof(allowed[0]), sizeof(forced) / sizeof(forced[0]));
		bad++;
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_rows),
		cmocka_unit_test(test_too_many_urls),
		cmocka_unit_test(test_too_many_words),
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_allow_list),
	};

	return cmocka_run_group_tests_name("curlargs", tests, NULL, NULL);
}
