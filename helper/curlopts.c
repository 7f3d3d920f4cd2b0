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

#include "curlopts.h"

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

const struct jc_curlopt jc_curlopts[] = {
	{ "abstract-unix-socket", 0, VALUE, ROUTE },
	{ "alpn", 0, BOOL, TLS },
	{ "alt-svc", 0, VALUE, ROUTE },
	{ "anyauth", 0, BOOL, CREDS },
	{ "append", 'a', BOOL, OTHER },
	{ "aws-sigv4", 0, VALUE, CREDS },
	{ "basic", 0, BOOL, CREDS },
	{ "buffer", 'N', BOOL, ALLOW },
	{ "cacert", 0, VALUE, TLS },
	{ "capath", 0, VALUE, TLS },
	{ "cert", 'E', VALUE, TLS },
	{ "cert-status", 0, BOOL, TLS },
	{ "cert-type", 0, VALUE, TLS },
	{ "ciphers", 0, VALUE, TLS },
	{ "clobber", 0, BOOL, ALLOW },
	{ "compressed", 0, BOOL, ALLOW },
	{ "compressed-ssh", 0, BOOL, OTHER },
	{ "config", 'K', VALUE, UNCHECKED },
	{ "connect-timeout", 0, VALUE, ALLOW },
	{ "connect-to", 0, VALUE, ROUTE },
	{ "continue-at", 'C', VALUE, ALLOW },
	{ "cookie", 'b', VALUE, ALLOW },
	{ "cookie-jar", 'c', VALUE, ALLOW },
	{ "create-dirs", 0, BOOL, ALLOW },
	{ "create-file-mode", 0, VALUE, ALLOW },
	{ "crlf", 0, BOOL, OTHER },
	{ "crlfile", 0, VALUE, TLS },
	{ "curves", 0, VALUE, TLS },
	{ "data", 'd', VALUE, ALLOW },
	{ "data-ascii", 0, VALUE, ALLOW },
	{ "data-binary", 0, VALUE, ALLOW },
	{ "data-raw", 0, VALUE, ALLOW },
	{ "data-urlencode", 0, VALUE, ALLOW },
	{ "delegation", 0, VALUE, CREDS },
	{ "digest", 0, BOOL, CREDS },
	{ "disable", 'q', BOOL, FORCED },
	{ "disable-eprt", 0, BOOL, OTHER },
	{ "disable-epsv", 0, BOOL, OTHER },
	{ "disallow-username-in-url", 0, BOOL, CREDS },
	{ "dns-interface", 0, VALUE, ROUTE },
	{ "dns-ipv4-addr", 0, VALUE, ROUTE },
	{ "dns-ipv6-addr", 0, VALUE, ROUTE },
	{ "dns-servers", 0, VALUE, ROUTE },
	{ "doh-cert-status", 0, BOOL, ROUTE },
	{ "doh-insecure", 0, BOOL, ROUTE },
	{ "doh-url", 0, VALUE, ROUTE },
	{ "dump-header", 'D', VALUE, ALLOW },
	{ "egd-file", 0, VALUE, TLS },
	{ "engine", 0, VALUE, TLS },
	{ "eprt", 0, BOOL, OTHER },
	{ "epsv", 0, BOOL, OTHER },
	{ "etag-compare", 0, VALUE, ALLOW },
	{ "etag-save", 0, VALUE, ALLOW },
	{ "expect100-timeout", 0, VALUE, ALLOW },
	{ "fail", 'f', BOOL, ALLOW },
	{ "fail-early", 0, BOOL, ALLOW },
	{ "fail-with-body", 0, BOOL, ALLOW },
	{ "false-start", 0, BOOL, TLS },
	{ "form", 'F', VALUE, ALLOW },
	{ "form-escape", 0, BOOL, ALLOW },
	{ "form-string", 0, VALUE, ALLOW },
	{ "ftp-account", 0, VALUE, OTHER },
	{ "ftp-alternative-to-user", 0, VALUE, OTHER },
	{ "ftp-create-dirs", 0, BOOL, OTHER },
	{ "ftp-method", 0, VALUE, OTHER },
	{ "ftp-pasv", 0, BOOL, OTHER },
	{ "ftp-port", 'P', VALUE, OTHER },
	{ "ftp-pret", 0, BOOL, OTHER },
	{ "ftp-skip-pasv-ip", 0, BOOL, OTHER },
	{ "ftp-ssl", 0, BOOL, TLS },
	{ "ftp-ssl-ccc", 0, BOOL, OTHER },
	{ "ftp-ssl-ccc-mode", 0, VALUE, OTHER },
	{ "ftp-ssl-control", 0, BOOL, OTHER },
	{ "ftp-ssl-reqd", 0, BOOL, TLS },
	{ "get", 'G', BOOL, ALLOW },
	{ "globoff", 'g', BOOL, FORCED },
	{ "happy-eyeballs-timeout-ms", 0, VALUE, ROUTE },
	{ "haproxy-protocol", 0, BOOL, ROUTE },
	{ "head", 'I', BOOL, ALLOW },
	{ "header", 'H', VALUE, ALLOW },
	{ "help", 'h', BOOL, NOREQ },
	{ "hostpubmd5", 0, VALUE, OTHER },
	{ "hostpubsha256", 0, VALUE, OTHER },
	{ "hsts", 0, VALUE, TLS },
	{ "http0.9", 0, BOOL, ALLOW },
	{ "http1.0", '0', FLAG, ALLOW },
	{ "http1.1", 0, FLAG, ALLOW },
	{ "http2", 0, FLAG, ALLOW },
	{ "http2-prior-knowledge", 0, FLAG, ALLOW },
	{ "http3", 0, FLAG, ALLOW },
	{ "http3-only", 0, FLAG, ALLOW },
	{ "ignore-content-length", 0, BOOL, ALLOW },
	{ "include", 'i', BOOL, ALLOW },
	{ "insecure", 'k', BOOL, TLS },
	{ "interface", 0, VALUE, ROUTE },
	{ "ipv4", '4', FLAG, ALLOW },
	{ "ipv6", '6', FLAG, ALLOW },
	{ "json", 0, VALUE, ALLOW },
	{ "junk-session-cookies", 'j', BOOL, ALLOW },
	{ "keepalive", 0, BOOL, ALLOW },
	{ "keepalive-time", 0, VALUE, ALLOW },
	{ "key", 0, VALUE, TLS },
	{ "key-type", 0, VALUE, TLS },
	{ "krb", 0, VALUE, CREDS },
	{ "krb4", 0, VALUE, CREDS },
	{ "libcurl", 0, VALUE, LEAK },
	{ "limit-rate", 0, VALUE, ALLOW },
	{ "list-only", 'l', BOOL, OTHER },
	{ "local-port", 0, VALUE, ROUTE },
	{ "location", 'L', BOOL, ALLOW },
	{ "location-trusted", 0, BOOL, ROUTE },
	{ "login-options", 0, VALUE, CREDS },
	{ "mail-auth", 0, VALUE, OTHER },
	{ "mail-from", 0, VALUE, OTHER },
	{ "mail-rcpt", 0, VALUE, OTHER },
	{ "mail-rcpt-allowfails", 0, BOOL, OTHER },
	{ "manual", 'M', BOOL, NOREQ },
	{ "max-filesize", 0, VALUE, ALLOW },
	{ "max-redirs", 0, VALUE, ALLOW },
	{ "max-time", 'm', VALUE, ALLOW },
	{ "metalink", 0, BOOL, OTHER },
	{ "negotiate", 0, BOOL, CREDS },
	{ "netrc", 'n', BOOL, CREDS },
	{ "netrc-file", 0, VALUE, CREDS },
	{ "netrc-optional", 0, BOOL, CREDS },
	{ "next", ':', FLAG, UNCHECKED },
	{ "noproxy", 0, VALUE, ROUTE },
	{ "npn", 0, BOOL, TLS },
	{ "ntlm", 0, BOOL, CREDS },
	{ "ntlm-wb", 0, BOOL, CREDS },
	{ "oauth2-bearer", 0, VALUE, CREDS },
	{ "output", 'o', VALUE, ALLOW },
	{ "output-dir", 0, VALUE, ALLOW },
	{ "parallel", 'Z', BOOL, ALLOW },
	{ "parallel-immediate", 0, BOOL, ALLOW },
	{ "parallel-max", 0, VALUE, ALLOW },
	{ "pass", 0, VALUE, TLS },
	{ "path-as-is", 0, BOOL, ROUTE },
	{ "pinnedpubkey", 0, VALUE, TLS },
	{ "post301", 0, BOOL, ALLOW },
	{ "post302", 0, BOOL, ALLOW },
	{ "post303", 0, BOOL, ALLOW },
	{ "preproxy", 0, VALUE, ROUTE },
	{ "progress-bar", '#', BOOL, ALLOW },
	{ "progress-meter", 0, BOOL, ALLOW },
	{ "proto", 0, VALUE, FORCED },
	{ "proto-default", 0, VALUE, ROUTE },
	{ "proto-redir", 0, VALUE, FORCED },
	{ "proxy", 'x', VALUE, ROUTE },
	{ "proxy-anyauth", 0, BOOL, ROUTE },
	{ "proxy-basic", 0, BOOL, ROUTE },
	{ "proxy-cacert", 0, VALUE, ROUTE },
	{ "proxy-capath", 0, VALUE, ROUTE },
	{ "proxy-cert", 0, VALUE, ROUTE },
	{ "proxy-cert-type", 0, VALUE, ROUTE },
	{ "proxy-ciphers", 0, VALUE, ROUTE },
	{ "proxy-crlfile", 0, VALUE, ROUTE },
	{ "proxy-digest", 0, BOOL, ROUTE },
	{ "proxy-header", 0, VALUE, ROUTE },
	{ "proxy-insecure", 0, BOOL, ROUTE },
	{ "proxy-key", 0, VALUE, ROUTE },
	{ "proxy-key-type", 0, VALUE, ROUTE },
	{ "proxy-negotiate", 0, BOOL, ROUTE },
	{ "proxy-ntlm", 0, BOOL, ROUTE },
	{ "proxy-pass", 0, VALUE, ROUTE },
	{ "proxy-pinnedpubkey", 0, VALUE, ROUTE },
	{ "proxy-service-name", 0, VALUE, ROUTE },
	{ "proxy-ssl-allow-beast", 0, BOOL, ROUTE },
	{ "proxy-ssl-auto-client-cert", 0, BOOL, ROUTE },
	{ "proxy-tls13-ciphers", 0, VALUE, ROUTE },
	{ "proxy-tlsauthtype", 0, VALUE, ROUTE },
	{ "proxy-tlspassword", 0, VALUE, ROUTE },
	{ "proxy-tlsuser", 0, VALUE, ROUTE },
	{ "proxy-tlsv1", 0, FLAG, ROUTE },
	{ "proxy-user", 'U', VALUE, ROUTE },
	{ "proxy1.0", 0, VALUE, ROUTE },
	{ "proxytunnel", 'p', BOOL, ROUTE },
	{ "pubkey", 0, VALUE, OTHER },
	{ "quote", 'Q', VALUE, OTHER },
	{ "random-file", 0, VALUE, TLS },
	{ "range", 'r', VALUE, ALLOW },
	{ "rate", 0, VALUE, OTHER },
	{ "raw", 0, BOOL, ALLOW },
	{ "referer", 'e', VALUE, ALLOW },
	{ "remote-header-name", 'J', BOOL, ALLOW },
	{ "remote-name", 'O', BOOL, ALLOW },
	{ "remote-name-all", 0, BOOL, ALLOW },
	{ "remote-time", 'R', BOOL, ALLOW },
	{ "remove-on-error", 0, BOOL, ALLOW },
	{ "request", 'X', VALUE, ALLOW },
	{ "request-target", 0, VALUE, ROUTE },
	{ "resolve", 0, VALUE, ROUTE },
	{ "retry", 0, VALUE, ALLOW },
	{ "retry-all-errors", 0, BOOL, ALLOW },
	{ "retry-connrefused", 0, BOOL, ALLOW },
	{ "retry-delay", 0, VALUE, ALLOW },
	{ "retry-max-time", 0, VALUE, ALLOW },
	{ "sasl-authzid", 0, VALUE, CREDS },
	{ "sasl-ir", 0, BOOL, CREDS },
	{ "service-name", 0, VALUE, CREDS },
	{ "sessionid", 0, BOOL, TLS },
	{ "show-error", 'S', BOOL, ALLOW },
	{ "silent", 's', BOOL, ALLOW },
	{ "socks4", 0, VALUE, ROUTE },
	{ "socks4a", 0, VALUE, ROUTE },
	{ "socks5", 0, VALUE, ROUTE },
	{ "socks5-basic", 0, BOOL, ROUTE },
	{ "socks5-gssapi", 0, BOOL, ROUTE },
	{ "socks5-gssapi-nec", 0, BOOL, ROUTE },
	{ "socks5-gssapi-service", 0, VALUE, ROUTE },
	{ "socks5-hostname", 0, VALUE, ROUTE },
	{ "speed-limit", 'Y', VALUE, ALLOW },
	{ "speed-time", 'y', VALUE, ALLOW },
	{ "ssl", 0, BOOL, TLS },
	{ "ssl-allow-beast", 0, BOOL, TLS },
	{ "ssl-auto-client-cert", 0, BOOL, TLS },
	{ "ssl-no-revoke", 0, BOOL, TLS },
	{ "ssl-reqd", 0, BOOL, TLS },
	{ "ssl-revoke-best-effort", 0, BOOL, TLS },
	{ "sslv2", '2', FLAG, TLS },
	{ "sslv3", '3', FLAG, TLS },
	{ "stderr", 0, VALUE, ALLOW },
	{ "styled-output", 0, BOOL, ALLOW },
	{ "suppress-connect-headers", 0, BOOL, ROUTE },
	{ "tcp-fastopen", 0, BOOL, ALLOW },
	{ "tcp-nodelay", 0, BOOL, ALLOW },
	{ "telnet-option", 't', VALUE, OTHER },
	{ "test-event", 0, BOOL, OTHER },
	{ "tftp-blksize", 0, VALUE, OTHER },
	{ "tftp-no-options", 0, BOOL, OTHER },
	{ "time-cond", 'z', VALUE, ALLOW },
	{ "tls-max", 0, VALUE, TLS },
	{ "tls13-ciphers", 0, VALUE, TLS },
	{ "tlsauthtype", 0, VALUE, TLS },
	{ "tlspassword", 0, VALUE, TLS },
	{ "tlsuser", 0, VALUE, TLS },
	{ "tlsv1", '1', FLAG, TLS },
	{ "tlsv1.0", 0, FLAG, TLS },
	{ "tlsv1.1", 0, FLAG, TLS },
	{ "tlsv1.2", 0, FLAG, TLS },
	{ "tlsv1.3", 0, FLAG, TLS },
	{ "tr-encoding", 0, BOOL, ALLOW },
	{ "trace", 0, VALUE, LEAK },
	{ "trace-ascii", 0, VALUE, LEAK },
	{ "trace-time", 0, BOOL, OTHER },
	{ "unix-socket", 0, VALUE, ROUTE },
	{ "upload-file", 'T', VALUE, ROUTE },
	{ "url", 0, VALUE, ALLOW },
	{ "url-query", 0, VALUE, ALLOW },
	{ "use-ascii", 'B', BOOL, OTHER },
	{ "user", 'u', VALUE, CREDS },
	{ "user-agent", 'A', VALUE, ALLOW },
	{ "verbose", 'v', BOOL, LEAK },
	{ "version", 'V', BOOL, NOREQ },
	{ "write-out", 'w', VALUE, ALLOW },
	{ "xattr", 0, BOOL, OTHER },
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
