/*
 * http.c: the POST to a token or revocation endpoint (libcurl), with its
 * limits and retries (http.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/x509_vfy.h>

#include "core/clock.h"
#include "core/fail.h"
#include "core/secret.h"
#include "core/trace.h"
#include "core/urlmatch.h"
#include "engine/http.h"
#include "engine/proxy.h"
#include "engine/response.h"

#define MAX_TRIES 3
#define CONNECT_TIMEOUT_MS 10000L

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct jc_http_body *b = userdata;
	size_t n = size * nmemb;

	if (b->len + n > JC_MAX_RESPONSE) {
		b->overflow = true;
		return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	return n;
}

/* What the headers of an answer tell us. */
struct headers {
	long retry_after;     /* seconds, or -1 */
	long long date;       /* the Date header, or -1 */
};

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct headers *h = userdata;
	size_t n = size * nmemb;
	char buf[64];

	if (n > 12 && n < 12 + sizeof(buf) && strncasecmp(ptr, "retry-after:", 12) == 0) {
		memcpy(buf, ptr + 12, n - 12);
		buf[n - 12] = '\0';
		h->retry_after = strtol(buf, NULL, 10);
	} else if (n > 5 && n < 5 + sizeof(buf) && strncasecmp(ptr, "date:", 5) == 0) {
		memcpy(buf, ptr + 5, n - 5);
		buf[n - 5] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		h->date = (long long)curl_getdate(buf, NULL);
	}
	return n;
}

static bool transient(CURLcode cc)
{
	return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
	       cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR || cc == CURLE_GOT_NOTHING ||
	       cc == CURLE_PARTIAL_FILE;
}

/* Which setting gave url: the line a network error names. */
static const char *url_setting(const struct jc_profile *p, const char *url)
{
	if (p->revoke_url && strcmp(url, p->revoke_url) == 0)
		return "revoke_url";
	if (p->api_url && strncmp(url, p->api_url, strlen(p->api_url)) == 0)
		return "api_url";
	if (p->login_url && !p->token_url_set)
		return "login_url";
	return "token_url";
}

/* libcurl's CURLINFO_SSL_VERIFYRESULT: a chain that does not lead to a trusted CA. */
static bool unknown_issuer(long verify)
{
	return verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       verify == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	       verify == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	       verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       verify == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

static int tls_error(const struct jc_profile *p, const char *url, const char *d, long verify,
                     const char *via, jwtcred_error *err)
{
	int rc;

	if (unknown_issuer(verify) && p->ca_file) {
		rc = jc_fail(err, JWTCRED_E_NETWORK,
		             "TLS with '%s'%s failed: the server's certificate is not signed by ca_file '%s' (%s)",
		             url, via, p->ca_file, d);
		jc_fail_where(p, "ca_file", err);
		return rc;
	}
	if (unknown_issuer(verify))
		rc = jc_fail(err, JWTCRED_E_NETWORK,
		             "TLS with '%s'%s failed: the server's certificate is not signed by a CA this system trusts: set ca_file to the CA that signed it (%s)",
		             url, via, d);
	else
		rc = jc_fail(err, JWTCRED_E_NETWORK, "TLS with '%s'%s failed: %s", url, via, d);
	jc_fail_where(p, url_setting(p, url), err);
	return rc;
}

static int network_error(const struct jc_profile *p, const char *url, CURLcode cc,
                         const char *detail, long verify, jwtcred_error *err)
{
	const char *var = jc_proxy_var(url);
	char via[600], d[CURL_ERROR_SIZE];
	int rc;

	/* libcurl's text may quote a proxy variable with its password */
	snprintf(d, sizeof(d), "%s", *detail ? detail : curl_easy_strerror(cc));
	jc_scrub_userinfo(d);
	jc_proxy_text(url, via, sizeof(via));
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
		if (var && !jc_proxy_var_valid(var))
			rc = jc_fail(err, JWTCRED_E_NETWORK,
			             "cannot reach '%s': the proxy variable '%s' is not a valid URL", url, var);
		else
			rc = jc_fail(err, JWTCRED_E_NETWORK, "cannot reach '%s'%s: cannot resolve the proxy's host",
			             url, via);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		rc = jc_fail(err, JWTCRED_E_NETWORK,
		             "no answer from '%s'%s within %lds (timeout): is the endpoint reachable?",
		             url, via, p->timeout);
		break;
	case CURLE_SSL_CACERT_BADFILE:
		rc = jc_fail(err, JWTCRED_E_NETWORK, "TLS with '%s' failed: cannot use ca_file '%s': %s",
		             url, p->ca_file ? p->ca_file : "", d);
		jc_fail_where(p, "ca_file", err);
		return rc;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
		return tls_error(p, url, d, verify, via, err);
	case CURLE_UNSUPPORTED_PROTOCOL:
		rc = jc_fail(err, JWTCRED_E_NETWORK, "'%s': only https is allowed", url);
		break;
	default:
		rc = jc_fail(err, JWTCRED_E_NETWORK, "cannot reach '%s'%s: %s", url, via, d);
		break;
	}
	jc_fail_where(p, url_setting(p, url), err);
	return rc;
}

/* -vv: where an attempt's time went, from libcurl's timers (microseconds from its start). */
static void trace_timings(CURL *c)
{
#if LIBCURL_VERSION_NUM >= 0x073d00
	curl_off_t tcp = 0, tls = 0, first = 0, total = 0;

	if (jc_trace_level() < 2)
		return;
	curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &tcp);
	curl_easy_getinfo(c, CURLINFO_APPCONNECT_TIME_T, &tls);
	curl_easy_getinfo(c, CURLINFO_STARTTRANSFER_TIME_T, &first);
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &total);
	jc_trace2("timing: tls connect %lld ms (tcp %lld ms)", (long long)tls / 1000,
	          (long long)tcp / 1000);
	jc_trace2("timing: server %lld ms (first byte after the handshake; %lld ms in all)",
	          (long long)(first > tls ? first - tls : 0) / 1000, (long long)total / 1000);
#else
	(void)c;
#endif
}

/* One attempt's options: https only, verified, no redirects, within `left` ms. */
static void set_options(CURL *c, const struct jc_profile *p, const char *url, const char *fields,
                        long long left, struct curl_slist *headers, struct jc_http_body *body,
                        struct headers *hdr, char *detail)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (p->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, p->ca_file);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)left);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	                 left < CONNECT_TIMEOUT_MS ? (long)left : CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (fields)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, fields);
	else
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "jwtcred/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, hdr);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
}

/*
 * Wait before attempt `attempt` + 1: 250 ms, then 1 s, or the server's
 * Retry-After (up to 30 s).  false when that would pass the deadline.
 */
static bool backoff(int attempt, long retry_after, long long deadline)
{
	long long wait = attempt == 1 ? 250 : 1000;
	struct timespec ts;

	if (retry_after >= 0 && retry_after <= 30)
		wait = retry_after * 1000LL;
	if (jc_monotonic_ms() + wait >= deadline)
		return false;
	ts.tv_sec = wait / 1000;
	ts.tv_nsec = (wait % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	return true;
}

/* Header lines may carry a secret (an app JWT): wiped before they are freed. */
static void free_headers(struct curl_slist *headers)
{
	struct curl_slist *h;

	for (h = headers; h; h = h->next)
		OPENSSL_cleanse(h->data, strlen(h->data));
	curl_slist_free_all(headers);
}

static struct curl_slist *make_headers(const char *const *lines)
{
	struct curl_slist *all = NULL, *next;

	for (; *lines; lines++) {
		if (!(next = curl_slist_append(all, *lines))) {
			free_headers(all);
			return NULL;
		}
		all = next;
	}
	return all;
}

int jc_http_post(const struct jc_profile *p, const char *url, const char *fields, long *status,
                 struct jc_http_body *body, long long *date, jwtcred_error *err)
{
	static const char *const accept[] = { "Accept: application/json", NULL };
	struct jc_http_req req = { url, fields, accept };

	return jc_http_send(p, &req, status, body, date, err);
}

int jc_http_send(const struct jc_profile *p, const struct jc_http_req *req, long *status,
                 struct jc_http_body *body, long long *date, jwtcred_error *err)
{
	return jc_http_send_by(p, req, 0, status, body, date, err);
}

int jc_http_send_by(const struct jc_profile *p, const struct jc_http_req *req, long long deadline,
                    long *status, struct jc_http_body *body, long long *date, jwtcred_error *err)
{
	const char *url = req->url, *fields = req->body;
	char detail[CURL_ERROR_SIZE];
	struct curl_slist *headers = NULL;
	long long left;
	struct headers hdr = { -1, -1 };
	CURLcode cc = CURLE_OK;
	CURL *c = NULL;
	long verify = 0;
	int attempt, rc;
	long long t0;

	if (deadline <= 0)
		deadline = jc_monotonic_ms() + p->timeout * 1000L;
	*status = 0;
	if (date)
		*date = -1;
	memset(body, 0, sizeof(*body));
	if (!(body->data = malloc(JC_MAX_RESPONSE)) || !(c = curl_easy_init()) ||
	    !(headers = make_headers(req->headers))) {
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory preparing the request");
		goto out;
	}
	for (attempt = 1; attempt <= MAX_TRIES; attempt++) {
		left = deadline - jc_monotonic_ms();
		if (left <= 0) {
			cc = CURLE_OPERATION_TIMEDOUT;
			break;
		}
		curl_easy_reset(c);
		detail[0] = '\0';
		body->len = 0;
		body->overflow = false;
		hdr.retry_after = -1;
		hdr.date = -1;
		set_options(c, p, url, fields, left, headers, body, &hdr, detail);
		t0 = jc_monotonic_ms();
		cc = curl_easy_perform(c);
		*status = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &verify);
		trace_timings(c);
		jc_trace("%s %s: attempt %d, %s, HTTP %ld, %lld ms", fields ? "POST" : "GET", url, attempt,
		         cc == CURLE_OK ? "ok" : curl_easy_strerror(cc), *status, jc_monotonic_ms() - t0);
		if (body->overflow) {
			rc = jc_fail(err, JWTCRED_E_RESPONSE,
			             "the answer from '%s' is larger than %d bytes: is token_url right?", url,
			             JC_MAX_RESPONSE);
			goto out;
		}
		if (cc == CURLE_OK && *status != 429 && *status < 500)
			break;
		if (cc != CURLE_OK && !transient(cc))
			break;
		if (attempt == MAX_TRIES)
			break;
		if (!backoff(attempt, hdr.retry_after, deadline))
			break;
	}
	if (cc != CURLE_OK) {
		rc = network_error(p, url, cc, detail, verify, err);
		goto out;
	}
	if (date)
		*date = hdr.date;
	rc = JWTCRED_OK;
out:
	free_headers(headers);
	curl_easy_cleanup(c);
	if (rc && body->data) {
		OPENSSL_cleanse(body->data, body->len);
		free(body->data);
		body->data = NULL;
	}
	return rc;
}

char *jc_form_append(char *form, const char *name, const char *value)
{
	char *esc = NULL, *next = NULL;
	CURL *c;
	size_t n;

	if ((c = curl_easy_init()) && (esc = curl_easy_escape(c, value, 0))) {
		n = (form ? strlen(form) + 1 : 0) + strlen(name) + 1 + strlen(esc) + 1;
		if ((next = malloc(n)))
			snprintf(next, n, "%s%s%s=%s", form ? form : "", form ? "&" : "", name, esc);
		OPENSSL_cleanse(esc, strlen(esc));
		curl_free(esc);
	}
	curl_easy_cleanup(c);
	jc_free_secret(form);
	return next;
}
