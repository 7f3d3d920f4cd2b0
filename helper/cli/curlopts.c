/*
 * curlopts.c: curl's options, read from curl 7.88.1 itself: every long
 * name its parser accepts (the hidden aliases too, since they take part in
 * prefix matching), its short letter, whether it takes a value or a --no-
 * form, and jwtcred's policy for it.  tests/integration/test_curl_options.sh
 * compares this table with the installed curl, so an upgrade that adds or
 * changes an option fails the tests instead of slipping through.
 *
 * The policy is an allow-list: an option not marked JC_CURL_ALLOW stops
 * the run.  An option curl gains later is unknown here, so it is refused.
 */
#include "config.h"

#include <strings.h>

#include "cli/curlopts.h"

#define FLAG JC_CURLOPT_FLAG
#define BOOL JC_CURLOPT_BOOL
#define VALUE JC_CURLOPT_VALUE
#define ALLOW JC_CURL_ALLOW
#define FORCED JC_CURL_FORCED
#define ROUTE JC_CURL_ROUTE
#define TLS JC_CURL_TLS
#define LEAK JC_CURL_LEAK
#define CREDS JC_CURL_CREDS
#define UNCHECKED JC_CURL_UNCHECKED
#define NOREQ JC_CURL_NOREQ
#define OTHER JC_CURL_OTHER
#define NONE JC_RULE_NONE
#define LINE JC_RULE_LINE
#define QUERY JC_RULE_QUERY
#define METHOD JC_RULE_METHOD
#define HEADER JC_RULE_HEADER
#define DATA JC_RULE_DATA
#define URLENCODE JC_RULE_URLENCODE
#define FORM JC_RULE_FORM
#define COOKIE JC_RULE_COOKIE
#define WRITEOUT JC_RULE_WRITEOUT
#define OUTPUT JC_RULE_OUTPUT

const struct jc_curlopt jc_curlopts[] = {
	{ "abstract-unix-socket", 0, VALUE, ROUTE, NONE },
	{ "alpn", 0, BOOL, TLS, NONE },
	{ "alt-svc", 0, VALUE, ROUTE, NONE },
	{ "anyauth", 0, BOOL, CREDS, NONE },
	{ "append", 'a', BOOL, OTHER, NONE },
	{ "aws-sigv4", 0, VALUE, CREDS, NONE },
	{ "basic", 0, BOOL, CREDS, NONE },
	{ "buffer", 'N', BOOL, ALLOW, NONE },
	{ "cacert", 0, VALUE, TLS, NONE },
	{ "capath", 0, VALUE, TLS, NONE },
	{ "cert", 'E', VALUE, TLS, NONE },
	{ "cert-status", 0, BOOL, TLS, NONE },
	{ "cert-type", 0, VALUE, TLS, NONE },
	{ "ciphers", 0, VALUE, TLS, NONE },
	{ "clobber", 0, BOOL, ALLOW, NONE },
	{ "compressed", 0, BOOL, ALLOW, NONE },
	{ "compressed-ssh", 0, BOOL, OTHER, NONE },
	{ "config", 'K', VALUE, UNCHECKED, NONE },
	{ "connect-timeout", 0, VALUE, ALLOW, NONE },
	{ "connect-to", 0, VALUE, ROUTE, NONE },
	{ "continue-at", 'C', VALUE, ALLOW, NONE },
	{ "cookie", 'b', VALUE, ALLOW, COOKIE },
	{ "cookie-jar", 'c', VALUE, ALLOW, OUTPUT },
	{ "create-dirs", 0, BOOL, ALLOW, NONE },
	{ "create-file-mode", 0, VALUE, OTHER, NONE },
	{ "crlf", 0, BOOL, OTHER, NONE },
	{ "crlfile", 0, VALUE, TLS, NONE },
	{ "curves", 0, VALUE, TLS, NONE },
	{ "data", 'd', VALUE, ALLOW, DATA },
	{ "data-ascii", 0, VALUE, ALLOW, DATA },
	{ "data-binary", 0, VALUE, ALLOW, DATA },
	{ "data-raw", 0, VALUE, ALLOW, NONE },
	{ "data-urlencode", 0, VALUE, ALLOW, URLENCODE },
	{ "delegation", 0, VALUE, CREDS, NONE },
	{ "digest", 0, BOOL, CREDS, NONE },
	{ "disable", 'q', BOOL, FORCED, NONE },
	{ "disable-eprt", 0, BOOL, OTHER, NONE },
	{ "disable-epsv", 0, BOOL, OTHER, NONE },
	{ "disallow-username-in-url", 0, BOOL, CREDS, NONE },
	{ "dns-interface", 0, VALUE, ROUTE, NONE },
	{ "dns-ipv4-addr", 0, VALUE, ROUTE, NONE },
	{ "dns-ipv6-addr", 0, VALUE, ROUTE, NONE },
	{ "dns-servers", 0, VALUE, ROUTE, NONE },
	{ "doh-cert-status", 0, BOOL, ROUTE, NONE },
	{ "doh-insecure", 0, BOOL, ROUTE, NONE },
	{ "doh-url", 0, VALUE, ROUTE, NONE },
	{ "dump-header", 'D', VALUE, ALLOW, OUTPUT },
	{ "egd-file", 0, VALUE, TLS, NONE },
	{ "engine", 0, VALUE, TLS, NONE },
	{ "eprt", 0, BOOL, OTHER, NONE },
	{ "epsv", 0, BOOL, OTHER, NONE },
	{ "etag-compare", 0, VALUE, OTHER, NONE },
	{ "etag-save", 0, VALUE, ALLOW, OUTPUT },
	{ "expect100-timeout", 0, VALUE, ALLOW, NONE },
	{ "fail", 'f', BOOL, ALLOW, NONE },
	{ "fail-early", 0, BOOL, ALLOW, NONE },
	{ "fail-with-body", 0, BOOL, ALLOW, NONE },
	{ "false-start", 0, BOOL, TLS, NONE },
	{ "form", 'F', VALUE, ALLOW, FORM },
	{ "form-escape", 0, BOOL, ALLOW, NONE },
	{ "form-string", 0, VALUE, ALLOW, NONE },
	{ "ftp-account", 0, VALUE, OTHER, NONE },
	{ "ftp-alternative-to-user", 0, VALUE, OTHER, NONE },
	{ "ftp-create-dirs", 0, BOOL, OTHER, NONE },
	{ "ftp-method", 0, VALUE, OTHER, NONE },
	{ "ftp-pasv", 0, BOOL, OTHER, NONE },
	{ "ftp-port", 'P', VALUE, OTHER, NONE },
	{ "ftp-pret", 0, BOOL, OTHER, NONE },
	{ "ftp-skip-pasv-ip", 0, BOOL, OTHER, NONE },
	{ "ftp-ssl", 0, BOOL, TLS, NONE },
	{ "ftp-ssl-ccc", 0, BOOL, OTHER, NONE },
	{ "ftp-ssl-ccc-mode", 0, VALUE, OTHER, NONE },
	{ "ftp-ssl-control", 0, BOOL, OTHER, NONE },
	{ "ftp-ssl-reqd", 0, BOOL, TLS, NONE },
	{ "get", 'G', BOOL, ALLOW, NONE },
	{ "globoff", 'g', BOOL, FORCED, NONE },
	{ "happy-eyeballs-timeout-ms", 0, VALUE, ROUTE, NONE },
	{ "haproxy-protocol", 0, BOOL, ROUTE, NONE },
	{ "head", 'I', BOOL, ALLOW, NONE },
	{ "header", 'H', VALUE, ALLOW, HEADER },
	{ "help", 'h', BOOL, NOREQ, NONE },
	{ "hostpubmd5", 0, VALUE, OTHER, NONE },
	{ "hostpubsha256", 0, VALUE, OTHER, NONE },
	{ "hsts", 0, VALUE, TLS, NONE },
	{ "http0.9", 0, BOOL, ALLOW, NONE },
	{ "http1.0", '0', FLAG, ALLOW, NONE },
	{ "http1.1", 0, FLAG, ALLOW, NONE },
	{ "http2", 0, FLAG, ALLOW, NONE },
	{ "http2-prior-knowledge", 0, FLAG, ALLOW, NONE },
	{ "http3", 0, FLAG, ALLOW, NONE },
	{ "http3-only", 0, FLAG, ALLOW, NONE },
	{ "ignore-content-length", 0, BOOL, ALLOW, NONE },
	{ "include", 'i', BOOL, ALLOW, NONE },
	{ "insecure", 'k', BOOL, TLS, NONE },
	{ "interface", 0, VALUE, ROUTE, NONE },
	{ "ipv4", '4', FLAG, ALLOW, NONE },
	{ "ipv6", '6', FLAG, ALLOW, NONE },
	{ "json", 0, VALUE, ALLOW, DATA },
	{ "junk-session-cookies", 'j', BOOL, ALLOW, NONE },
	{ "keepalive", 0, BOOL, ALLOW, NONE },
	{ "keepalive-time", 0, VALUE, ALLOW, NONE },
	{ "key", 0, VALUE, TLS, NONE },
	{ "key-type", 0, VALUE, TLS, NONE },
	{ "krb", 0, VALUE, CREDS, NONE },
	{ "krb4", 0, VALUE, CREDS, NONE },
	{ "libcurl", 0, VALUE, LEAK, NONE },
	{ "limit-rate", 0, VALUE, ALLOW, NONE },
	{ "list-only", 'l', BOOL, OTHER, NONE },
	{ "local-port", 0, VALUE, ROUTE, NONE },
	{ "location", 'L', BOOL, ALLOW, NONE },
	{ "location-trusted", 0, BOOL, ROUTE, NONE },
	{ "login-options", 0, VALUE, CREDS, NONE },
	{ "mail-auth", 0, VALUE, OTHER, NONE },
	{ "mail-from", 0, VALUE, OTHER, NONE },
	{ "mail-rcpt", 0, VALUE, OTHER, NONE },
	{ "mail-rcpt-allowfails", 0, BOOL, OTHER, NONE },
	{ "manual", 'M', BOOL, NOREQ, NONE },
	{ "max-filesize", 0, VALUE, ALLOW, NONE },
	{ "max-redirs", 0, VALUE, ALLOW, NONE },
	{ "max-time", 'm', VALUE, ALLOW, NONE },
	{ "metalink", 0, BOOL, OTHER, NONE },
	{ "negotiate", 0, BOOL, CREDS, NONE },
	{ "netrc", 'n', BOOL, CREDS, NONE },
	{ "netrc-file", 0, VALUE, CREDS, NONE },
	{ "netrc-optional", 0, BOOL, CREDS, NONE },
	{ "next", ':', FLAG, UNCHECKED, NONE },
	{ "noproxy", 0, VALUE, ROUTE, NONE },
	{ "npn", 0, BOOL, TLS, NONE },
	{ "ntlm", 0, BOOL, CREDS, NONE },
	{ "ntlm-wb", 0, BOOL, CREDS, NONE },
	{ "oauth2-bearer", 0, VALUE, CREDS, NONE },
	{ "output", 'o', VALUE, ALLOW, OUTPUT },
	{ "output-dir", 0, VALUE, OTHER, NONE }, /* curl joins it to -o: give -o DIR/NAME */
	{ "parallel", 'Z', BOOL, ALLOW, NONE },
	{ "parallel-immediate", 0, BOOL, ALLOW, NONE },
	{ "parallel-max", 0, VALUE, ALLOW, NONE },
	{ "pass", 0, VALUE, TLS, NONE },
	{ "path-as-is", 0, BOOL, ROUTE, NONE },
	{ "pinnedpubkey", 0, VALUE, TLS, NONE },
	{ "post301", 0, BOOL, ALLOW, NONE },
	{ "post302", 0, BOOL, ALLOW, NONE },
	{ "post303", 0, BOOL, ALLOW, NONE },
	{ "preproxy", 0, VALUE, ROUTE, NONE },
	{ "progress-bar", '#', BOOL, ALLOW, NONE },
	{ "progress-meter", 0, BOOL, ALLOW, NONE },
	{ "proto", 0, VALUE, FORCED, NONE },
	{ "proto-default", 0, VALUE, ROUTE, NONE },
	{ "proto-redir", 0, VALUE, FORCED, NONE },
	{ "proxy", 'x', VALUE, ROUTE, NONE },
	{ "proxy-anyauth", 0, BOOL, ROUTE, NONE },
	{ "proxy-basic", 0, BOOL, ROUTE, NONE },
	{ "proxy-cacert", 0, VALUE, ROUTE, NONE },
	{ "proxy-capath", 0, VALUE, ROUTE, NONE },
	{ "proxy-cert", 0, VALUE, ROUTE, NONE },
	{ "proxy-cert-type", 0, VALUE, ROUTE, NONE },
	{ "proxy-ciphers", 0, VALUE, ROUTE, NONE },
	{ "proxy-crlfile", 0, VALUE, ROUTE, NONE },
	{ "proxy-digest", 0, BOOL, ROUTE, NONE },
	{ "proxy-header", 0, VALUE, ROUTE, NONE },
	{ "proxy-insecure", 0, BOOL, ROUTE, NONE },
	{ "proxy-key", 0, VALUE, ROUTE, NONE },
	{ "proxy-key-type", 0, VALUE, ROUTE, NONE },
	{ "proxy-negotiate", 0, BOOL, ROUTE, NONE },
	{ "proxy-ntlm", 0, BOOL, ROUTE, NONE },
	{ "proxy-pass", 0, VALUE, ROUTE, NONE },
	{ "proxy-pinnedpubkey", 0, VALUE, ROUTE, NONE },
	{ "proxy-service-name", 0, VALUE, ROUTE, NONE },
	{ "proxy-ssl-allow-beast", 0, BOOL, ROUTE, NONE },
	{ "proxy-ssl-auto-client-cert", 0, BOOL, ROUTE, NONE },
	{ "proxy-tls13-ciphers", 0, VALUE, ROUTE, NONE },
	{ "proxy-tlsauthtype", 0, VALUE, ROUTE, NONE },
	{ "proxy-tlspassword", 0, VALUE, ROUTE, NONE },
	{ "proxy-tlsuser", 0, VALUE, ROUTE, NONE },
	{ "proxy-tlsv1", 0, FLAG, ROUTE, NONE },
	{ "proxy-user", 'U', VALUE, ROUTE, NONE },
	{ "proxy1.0", 0, VALUE, ROUTE, NONE },
	{ "proxytunnel", 'p', BOOL, ROUTE, NONE },
	{ "pubkey", 0, VALUE, OTHER, NONE },
	{ "quote", 'Q', VALUE, OTHER, NONE },
	{ "random-file", 0, VALUE, TLS, NONE },
	{ "range", 'r', VALUE, ALLOW, LINE },
	{ "rate", 0, VALUE, OTHER, NONE },
	{ "raw", 0, BOOL, ALLOW, NONE },
	{ "referer", 'e', VALUE, ALLOW, LINE },
	{ "remote-header-name", 'J', BOOL, OTHER, NONE },
	{ "remote-name", 'O', BOOL, ALLOW, NONE },
	{ "remote-name-all", 0, BOOL, ALLOW, NONE },
	{ "remote-time", 'R', BOOL, ALLOW, NONE },
	{ "remove-on-error", 0, BOOL, ALLOW, NONE },
	{ "request", 'X', VALUE, ALLOW, METHOD },
	{ "request-target", 0, VALUE, ROUTE, NONE },
	{ "resolve", 0, VALUE, ROUTE, NONE },
	{ "retry", 0, VALUE, ALLOW, NONE },
	{ "retry-all-errors", 0, BOOL, ALLOW, NONE },
	{ "retry-connrefused", 0, BOOL, ALLOW, NONE },
	{ "retry-delay", 0, VALUE, ALLOW, NONE },
	{ "retry-max-time", 0, VALUE, ALLOW, NONE },
	{ "sasl-authzid", 0, VALUE, CREDS, NONE },
	{ "sasl-ir", 0, BOOL, CREDS, NONE },
	{ "service-name", 0, VALUE, CREDS, NONE },
	{ "sessionid", 0, BOOL, TLS, NONE },
	{ "show-error", 'S', BOOL, ALLOW, NONE },
	{ "silent", 's', BOOL, ALLOW, NONE },
	{ "socks4", 0, VALUE, ROUTE, NONE },
	{ "socks4a", 0, VALUE, ROUTE, NONE },
	{ "socks5", 0, VALUE, ROUTE, NONE },
	{ "socks5-basic", 0, BOOL, ROUTE, NONE },
	{ "socks5-gssapi", 0, BOOL, ROUTE, NONE },
	{ "socks5-gssapi-nec", 0, BOOL, ROUTE, NONE },
	{ "socks5-gssapi-service", 0, VALUE, ROUTE, NONE },
	{ "socks5-hostname", 0, VALUE, ROUTE, NONE },
	{ "speed-limit", 'Y', VALUE, ALLOW, NONE },
	{ "speed-time", 'y', VALUE, ALLOW, NONE },
	{ "ssl", 0, BOOL, TLS, NONE },
	{ "ssl-allow-beast", 0, BOOL, TLS, NONE },
	{ "ssl-auto-client-cert", 0, BOOL, TLS, NONE },
	{ "ssl-no-revoke", 0, BOOL, TLS, NONE },
	{ "ssl-reqd", 0, BOOL, TLS, NONE },
	{ "ssl-revoke-best-effort", 0, BOOL, TLS, NONE },
	{ "sslv2", '2', FLAG, TLS, NONE },
	{ "sslv3", '3', FLAG, TLS, NONE },
	{ "stderr", 0, VALUE, OTHER, NONE },
	{ "styled-output", 0, BOOL, ALLOW, NONE },
	{ "suppress-connect-headers", 0, BOOL, ROUTE, NONE },
	{ "tcp-fastopen", 0, BOOL, ALLOW, NONE },
	{ "tcp-nodelay", 0, BOOL, ALLOW, NONE },
	{ "telnet-option", 't', VALUE, OTHER, NONE },
	{ "test-event", 0, BOOL, OTHER, NONE },
	{ "tftp-blksize", 0, VALUE, OTHER, NONE },
	{ "tftp-no-options", 0, BOOL, OTHER, NONE },
	{ "time-cond", 'z', VALUE, ALLOW, NONE },
	{ "tls-max", 0, VALUE, TLS, NONE },
	{ "tls13-ciphers", 0, VALUE, TLS, NONE },
	{ "tlsauthtype", 0, VALUE, TLS, NONE },
	{ "tlspassword", 0, VALUE, TLS, NONE },
	{ "tlsuser", 0, VALUE, TLS, NONE },
	{ "tlsv1", '1', FLAG, TLS, NONE },
	{ "tlsv1.0", 0, FLAG, TLS, NONE },
	{ "tlsv1.1", 0, FLAG, TLS, NONE },
	{ "tlsv1.2", 0, FLAG, TLS, NONE },
	{ "tlsv1.3", 0, FLAG, TLS, NONE },
	{ "tr-encoding", 0, BOOL, ALLOW, NONE },
	{ "trace", 0, VALUE, LEAK, NONE },
	{ "trace-ascii", 0, VALUE, LEAK, NONE },
	{ "trace-time", 0, BOOL, OTHER, NONE },
	{ "unix-socket", 0, VALUE, ROUTE, NONE },
	{ "upload-file", 'T', VALUE, ROUTE, NONE },
	{ "url", 0, VALUE, ALLOW, NONE },
	{ "url-query", 0, VALUE, ALLOW, QUERY },
	{ "use-ascii", 'B', BOOL, OTHER, NONE },
	{ "user", 'u', VALUE, CREDS, NONE },
	{ "user-agent", 'A', VALUE, ALLOW, LINE },
	{ "verbose", 'v', BOOL, LEAK, NONE },
	{ "version", 'V', BOOL, NOREQ, NONE },
	{ "write-out", 'w', VALUE, ALLOW, WRITEOUT },
	{ "xattr", 0, BOOL, OTHER, NONE },
};

const size_t jc_ncurlopts = sizeof(jc_curlopts) / sizeof(jc_curlopts[0]);

const struct jc_curlopt *jc_curlopt_long(const char *name, size_t len, bool *ambiguous)
{
	const struct jc_curlopt *found = NULL;
	size_t i;

	*ambiguous = false;
	for (i = 0; i < jc_ncurlopts; i++) {
		if (strncasecmp(jc_curlopts[i].name, name, len) != 0)
			continue;
		if (jc_curlopts[i].name[len] == '\0') {
			*ambiguous = false;
			return &jc_curlopts[i]; /* an exact name wins over prefixes */
		}
		*ambiguous = found != NULL;
		found = &jc_curlopts[i];
	}
	return *ambiguous ? NULL : found;
}

const struct jc_curlopt *jc_curlopt_short(char letter)
{
	size_t i;

	for (i = 0; letter && i < jc_ncurlopts; i++)
		if (jc_curlopts[i].letter == letter)
			return &jc_curlopts[i];
	return NULL;
}

const char *jc_curl_policy_why(enum jc_curl_policy policy)
{
	switch (policy) {
	case JC_CURL_ALLOW:
		return "it is allowed";
	case JC_CURL_FORCED:
		return "jwtcred sets it itself, so that curl fetches exactly the https URL it checked";
	case JC_CURL_ROUTE:
		return "it can send the request, token included, somewhere other than the URL jwtcred checked";
	case JC_CURL_TLS:
		return "it changes the TLS that keeps the token from others on the path "
		       "(for a private CA, set CURL_CA_BUNDLE in the environment instead)";
	case JC_CURL_LEAK:
		return "curl would write the Authorization header, token included, to its output "
		       "(jwtcred -v curl traces without secrets)";
	case JC_CURL_CREDS:
		return "it sets other credentials or another way to authenticate";
	case JC_CURL_UNCHECKED:
		return "it brings in options and URLs that jwtcred cannot check";
	case JC_CURL_NOREQ:
		return "it makes no request: run curl itself";
	case JC_CURL_OTHER:
		break;
	}
	return "jwtcred curl passes only the options listed in jwtcred(1), which cannot change where the request goes";
}
