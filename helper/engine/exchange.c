/*
 * exchange.c: POST the assertion, read the answer.
 *
 * TLS is always verified; only https is spoken; redirects are not followed;
 * the body is capped; connection failures, 429 and 5xx are retried at most
 * twice with backoff, all inside the profile's total timeout.  4xx answers
 * are final.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "core/clock.h"
#include "core/fail.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/trace.h"
#include "engine/exchange.h"

#define MAX_TRIES 3
#define CONNECT_TIMEOUT_MS 10000L

struct body {
	char *data;
	size_t len;
	size_t cap;
	bool overflow;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct body *b = userdata;
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

static bool token_valid(const char *t)
{
	size_t n = 0;

	for (; *t; t++, n++)
		if (*t <= ' ' || *t > '~')
			return false;
	return n > 0 && n <= JC_MAX_TOKEN;
}

static bool has(const char *text, const char *needle)
{
	return text && strcasestr(text, needle);
}

static bool is(const char *text, const char *word)
{
	return text && strcmp(text, word) == 0;
}

/* "(this machine: …Z, the server's Date: …Z, 3600 s ahead)" */
static void clock_times(const struct jc_exchange_ctx *ctx, char *buf, size_t len)
{
	char mine[32], theirs[32];
	long long now = (long long)time(NULL), diff;

	jc_rfc3339(now, mine, sizeof(mine));
	if (!ctx || ctx->server_date < 0) {
		snprintf(buf, len, "this machine's UTC time is %s; the server sent no Date", mine);
		return;
	}
	jc_rfc3339(ctx->server_date, theirs, sizeof(theirs));
	diff = ctx->server_date - now;
	snprintf(buf, len, "this machine's UTC time is %s, the server's Date is %s (%lld s %s)",
	         mine, theirs, diff < 0 ? -diff : diff, diff < 0 ? "behind" : "ahead");
}

/* The server says the assertion is outside its time window. */
static bool clock_error(const char *desc)
{
	return has(desc, "expired authorization code") || has(desc, "short-lived token") ||
	       has(desc, "clock skew") || has(desc, "not yet valid") || has(desc, "jwt expired") ||
	       has(desc, "token is expired") || has(desc, "issued in the future");
}

static const char *google_hint(const char *error, const char *desc, const struct jc_exchange_ctx *ctx,
                               char *buf, size_t buflen)
{
	const struct jc_profile *p = ctx->p;

	if (has(desc, "invalid jwt signature")) {
		snprintf(buf, buflen,
		         "Google did not verify the signature: the key of '%s' was deleted or disabled, or its client_email and key do not belong together; "
		         "create a new key (IAM, Service accounts, Keys)",
		         p->service_account_file);
		return buf;
	}
	if (is(error, "unauthorized_client")) {
		if (p->subject)
			return "the service account may not act for 'subject' with these scopes: authorize its client ID for exactly "
			       "these scopes under domain-wide delegation (Admin console, Security, API controls), or remove 'subject'";
		return "the service account is not allowed this grant or these scopes: check 'scopes' and the account's roles";
	}
	if (is(error, "invalid_scope"))
		return "check 'scopes': each must be a full scope URL such as https://www.googleapis.com/auth/cloud-platform";
	if (has(desc, "invalid email or user id") || has(desc, "not a valid email"))
		return "'subject' is not a user of the Workspace domain whose admin delegated to this service account";
	if (has(desc, "account not found"))
		return "the service account no longer exists: create a key for an existing one";
	if (has(desc, "audience"))
		return "Google wants the token URL as aud: leave 'audience' unset";
	return NULL;
}

static const char *salesforce_hint(const char *error, const char *desc, const struct jc_exchange_ctx *ctx,
                                   bool brief, char *buf, size_t buflen)
{
	const struct jc_profile *p = ctx ? ctx->p : NULL;
	const char *aud = ctx && ctx->audience ? ctx->audience : "?";
	char *url;

	if (has(desc, "hasn't approved")) {
		if (!(url = p ? jc_approval_url(p) : NULL)) {
			snprintf(buf, buflen,
			         "the user has not approved the connected app: in Setup, set the app's Permitted Users to "
			         "'Admin approved users are pre-authorized' and add the user's profile or permission set%s",
			         p && p->provider == JC_PROVIDER_SALESFORCE
			             ? ", or set 'callback_url' to get the URL that approves it once" : "");
			return buf;
		}
		snprintf(buf, buflen, "approve the app once as this user at %s%s", url,
		         brief ? "" : ", or pre-authorize the user (app policies: Admin approved users are pre-authorized; add the user's profile)");
		free(url);
		return buf;
	}
	if (has(desc, "app_not_found") || has(error, "app_not_found")) {
		snprintf(buf, buflen,
		         "no app with this consumer key answers for aud %s: an External Client App or a My Domain login may need "
		         "its My Domain URL or the other login host in 'audience' (a list is tried in order)",
		         aud);
		return buf;
	}
	if (has(desc, "audience is invalid")) {
		snprintf(buf, buflen,
		         "the assertion was sent with aud %s: set 'audience' to https://login.salesforce.com "
		         "(production), https://test.salesforce.com (sandbox) or the Experience Cloud site URL",
		         aud);
		return buf;
	}
	if (has(desc, "invalid assertion"))
		return "the signature did not verify: the certificate uploaded to the connected app does "
		       "not match 'private_key' (compare with jwtcred check)";
	if (is(error, "invalid_client_id"))
		return "the consumer key is unknown: set 'client_id' to the connected app's Consumer Key";
	if (has(desc, "ip restricted"))
		return "the login was refused by IP restrictions or login hours: relax the connected app's "
		       "IP Relaxation policy or the profile's login IP ranges and hours";
	return NULL;
}

static const char *generic_hint(const char *error, const char *desc, const struct jc_exchange_ctx *ctx,
                                char *buf, size_t buflen)
{
	if (is(error, "invalid_client") || is(error, "unauthorized_client"))
		return "the server does not accept this issuer or key: check 'issuer', and that the server "
		       "holds this key's public key or certificate (and 'key_id' if it has several)";
	if (has(desc, "audience") || has(desc, "\"aud\"")) {
		snprintf(buf, buflen, "the assertion was sent with aud %s: set 'audience' to what the server expects (often its token URL)",
		         ctx && ctx->audience ? ctx->audience : "?");
		return buf;
	}
	if (is(error, "invalid_scope"))
		return "the server refused the scope: check 'scope' and 'scope_in'";
	return NULL;
}

/* The hint for a server error we recognise, or NULL. */
static const char *hint_for(const char *error, const char *desc, const struct jc_exchange_ctx *ctx,
                            bool brief, char *buf, size_t buflen)
{
	enum jc_provider provider = ctx && ctx->p ? ctx->p->provider : JC_PROVIDER_SALESFORCE;
	char times[160];

	if (clock_error(desc)) {
		clock_times(ctx, times, sizeof(times));
		snprintf(buf, buflen,
		         "the assertion looked expired or not yet valid to the server: check this machine's clock (%s)",
		         times);
		return buf;
	}
	if (provider == JC_PROVIDER_GOOGLE && ctx && ctx->p)
		return google_hint(error, desc, ctx, buf, buflen);
	if (provider == JC_PROVIDER_GENERIC)
		return generic_hint(error, desc, ctx, buf, buflen);
	return salesforce_hint(error, desc, ctx, brief, buf, buflen);
}

#define REFUSED "the token endpoint refused the assertion (HTTP %ld): %s%s%s%s%s"

static int server_error(long status, json_t *root, struct jc_exchange_ctx *ctx, jwtcred_error *err)
{
	const char *error = json_string_value(json_object_get(root, "error"));
	const char *desc = json_string_value(json_object_get(root, "error_description"));
	char e[96], d[256], hbuf[JWTCRED_ERROR_TEXT_LENGTH];
	const char *hint;
	int n;

	if (!error && json_is_array(root)) { /* Salesforce REST style [{"errorCode","message"}] */
		json_t *first = json_array_get(root, 0);
		error = json_string_value(json_object_get(first, "errorCode"));
		desc = json_string_value(json_object_get(first, "message"));
	}
	/* server-provided text, made printable and short for our one-line message */
	jc_escape(error ? error : "unknown_error", e, sizeof(e));
	jc_escape(desc, d, sizeof(d));
	if (ctx)
		ctx->audience_refused = !is(error, "invalid_scope") &&
		                        (has(desc, "audience") || has(desc, "\"aud\"") ||
		                         has(desc, "app_not_found") || has(error, "app_not_found"));
	hint = hint_for(error, desc, ctx, false, hbuf, sizeof(hbuf));
	/* a hint that would be cut short has a brief form (the approval URL must stay whole) */
	n = snprintf(NULL, 0, REFUSED, status, e, desc ? ": " : "", d, hint ? "; " : "", hint ? hint : "");
	if (hint && n >= JWTCRED_ERROR_TEXT_LENGTH)
		hint = hint_for(error, desc, ctx, true, hbuf, sizeof(hbuf));
	return jc_fail(err, JWTCRED_E_DENIED, REFUSED, status, e, desc ? ": " : "", d, hint ? "; " : "",
	               hint ? hint : "");
}

/* "3600" -> 3600; anything but plain digits -> -1. */
static long long digits_value(const char *s)
{
	long long v;
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end ? -1 : v;
}

static int dup_string(json_t *root, const char *key, char **out)
{
	const char *v = json_string_value(json_object_get(root, key));

	*out = NULL;
	if (!v)
		return JWTCRED_OK;
	return (*out = strdup(v)) ? JWTCRED_OK : JWTCRED_E_NOMEM;
}

/*
 * Salesforce's instance_url is where the token is good: jwtcred exec and
 * jwtcred curl may send the token there, exec and "token --format env" hand
 * it to scripts as a URL, "check --online" prints it.  Anything but a plain
 * https URL fails the exchange rather than reach them (a server that sends
 * one is not to be trusted with the token either).
 */
static int check_instance_url(const char *url, jwtcred_error *err)
{
	jwtcred_error why;
	char shown[160];
	int rc;

	if (!url || (rc = jc_https_url_check(url, 0, &why)) == 0)
		return JWTCRED_OK;
	if (rc == JWTCRED_E_NOMEM)
		return rc;
	return jc_fail(err, JWTCRED_E_RESPONSE,
	               "the token endpoint's instance_url '%s' %s: refusing its token (is token_url the provider's endpoint?)",
	               jc_escape(url, shown, sizeof(shown)), why.text);
}

int jc_parse_token_response(long status, const char *body, size_t len, const char *audience,
                            struct jc_answer *out, jwtcred_error *err)
{
	struct jc_exchange_ctx ctx = { NULL, NULL, -1, false };
	char quoted[512];
	int n;

	if (audience) {
		n = snprintf(quoted, sizeof(quoted), "'%s'", audience);
		ctx.audience = n > 0 && (size_t)n < sizeof(quoted) ? quoted : "?";
	}
	return jc_parse_token_answer(status, body, len, &ctx, out, err);
}

int jc_parse_token_answer(long status, const char *body, size_t len, struct jc_exchange_ctx *ctx,
                          struct jc_answer *out, jwtcred_error *err)
{
	json_t *root = NULL, *v;
	const char *type, *tok;
	int rc;

	jc_answer_init(out);
	if (len > JC_MAX_RESPONSE)
		return jc_fail(err, JWTCRED_E_RESPONSE, "the token endpoint's answer is larger than %d bytes",
		               JC_MAX_RESPONSE);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!root || (!json_is_object(root) && !json_is_array(root))) {
		rc = jc_fail(err, status >= 200 && status < 300 ? JWTCRED_E_RESPONSE : JWTCRED_E_DENIED,
		             "the token endpoint answered HTTP %ld with a body that is not JSON%s", status,
		             status >= 500 ? " (a server error page?)" : "; is token_url right?");
		goto out;
	}
	if (status < 200 || status > 299) {
		rc = server_error(status, root, ctx, err);
		goto out;
	}
	tok = json_string_value(json_object_get(root, "access_token"));
	if (!tok || !token_valid(tok)) {
		rc = jc_fail(err, JWTCRED_E_RESPONSE,
		             "the token endpoint's answer has no usable access_token (missing, empty, too long or not visible ASCII)");
		goto out;
	}
	type = json_string_value(json_object_get(root, "token_type"));
	if (json_object_get(root, "token_type") && (!type || strcasecmp(type, "bearer") != 0)) {
		char t[32];
		jc_escape(type ? type : "(not a string)", t, sizeof(t));
		rc = jc_fail(err, JWTCRED_E_RESPONSE, "the token endpoint issued a '%s' token, not a Bearer token", t);
		goto out;
	}
	v = json_object_get(root, "expires_in");
	if (v) {
		/* RFC 6749 says a number; some servers send a string */
		if (json_is_integer(v))
			out->expires_in = json_integer_value(v);
		else if (json_is_string(v))
			out->expires_in = digits_value(json_string_value(v));
		if (out->expires_in <= 0 || out->expires_in > JC_MAX_LIFETIME) {
			rc = jc_fail(err, JWTCRED_E_RESPONSE, "the token endpoint's expires_in is not a sensible number of seconds");
			goto out;
		}
	}
	if ((rc = check_instance_url(json_string_value(json_object_get(root, "instance_url")), err)) != 0)
		goto out;
	rc = JWTCRED_E_NOMEM;
	if (!(out->access_token = strdup(tok)) || dup_string(root, "instance_url", &out->instance_url) ||
	    dup_string(root, "id", &out->id) || dup_string(root, "scope", &out->scope))
		goto out;
	rc = JWTCRED_OK;
out:
	if (rc)
		jc_answer_clear(out);
	if (rc == JWTCRED_E_NOMEM)
		jc_fail(err, rc, "out of memory reading the token endpoint's answer");
	/* the parsed tree held the token too */
	jc_json_wipe(root, "access_token");
	json_decref(root);
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool transient(CURLcode cc)
{
	return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
	       cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR || cc == CURLE_GOT_NOTHING ||
	       cc == CURLE_PARTIAL_FILE;
}

static int network_error(const struct jc_profile *p, const char *url, CURLcode cc,
                         const char *detail, jwtcred_error *err)
{
	const char *d = *detail ? detail : curl_easy_strerror(cc);

	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		return jc_fail(err, JWTCRED_E_NETWORK,
		               "no answer from '%s' within %lds (timeout): is the endpoint reachable?",
		               url, p->timeout);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
		return jc_fail(err, JWTCRED_E_NETWORK,
		               "TLS with '%s' failed: %s (set ca_file if the server uses a private CA)",
		               url, d);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return jc_fail(err, JWTCRED_E_NETWORK, "'%s': only https is allowed", url);
	default:
		return jc_fail(err, JWTCRED_E_NETWORK, "cannot reach '%s': %s", url, d);
	}
}

/*
 * One POST with retries.  `fields` is the form body (secret).  On HTTP
 * answers *status and *body are set; the caller wipes and frees body->data.
 */
static int post(const struct jc_profile *p, const char *url, const char *fields, long *status,
                struct body *body, long long *date, jwtcred_error *err)
{
	char detail[CURL_ERROR_SIZE];
	struct curl_slist *headers = NULL;
	long long deadline = now_ms() + p->timeout * 1000L, left;
	struct headers hdr = { -1, -1 };
	CURLcode cc = CURLE_OK;
	CURL *c = NULL;
	int attempt, rc;
	long long t0;

	*status = 0;
	if (date)
		*date = -1;
	memset(body, 0, sizeof(*body));
	if (!(body->data = malloc(JC_MAX_RESPONSE)) || !(c = curl_easy_init()) ||
	    !(headers = curl_slist_append(NULL, "Accept: application/json"))) {
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory preparing the request");
		goto out;
	}
	for (attempt = 1; attempt <= MAX_TRIES; attempt++) {
		left = deadline - now_ms();
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
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, fields);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "jwtcred/" PACKAGE_VERSION);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &hdr);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
		t0 = now_ms();
		cc = curl_easy_perform(c);
		*status = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		jc_trace("POST %s: attempt %d, %s, HTTP %ld, %lld ms", url, attempt,
		         cc == CURLE_OK ? "ok" : curl_easy_strerror(cc), *status, now_ms() - t0);
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
		{
			/* backoff: 250 ms, then 1 s, or the server's Retry-After */
			long long wait = attempt == 1 ? 250 : 1000;
			struct timespec ts;
			if (hdr.retry_after >= 0 && hdr.retry_after <= 30)
				wait = hdr.retry_after * 1000LL;
			if (now_ms() + wait >= deadline)
				break;
			ts.tv_sec = wait / 1000;
			ts.tv_nsec = (wait % 1000) * 1000000L;
			nanosleep(&ts, NULL);
		}
	}
	if (cc != CURLE_OK) {
		rc = network_error(p, url, cc, detail, err);
		goto out;
	}
	if (date)
		*date = hdr.date;
	rc = JWTCRED_OK;
out:
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	if (rc && body->data) {
		OPENSSL_cleanse(body->data, body->len);
		free(body->data);
		body->data = NULL;
	}
	return rc;
}

/* "name=<escaped value>&..." */
static char *form_append(CURL *c, char *form, const char *name, const char *value)
{
	char *esc = curl_easy_escape(c, value, 0), *next = NULL;
	size_t n;

	if (esc) {
		n = (form ? strlen(form) + 1 : 0) + strlen(name) + 1 + strlen(esc) + 1;
		if ((next = malloc(n)))
			snprintf(next, n, "%s%s%s=%s", form ? form : "", form ? "&" : "", name, esc);
		OPENSSL_cleanse(esc, strlen(esc));
		curl_free(esc);
	}
	jc_free_secret(form);
	return next;
}

int jc_exchange(const struct jc_profile *p, const char *token_url, const char *assertion,
                struct jc_exchange_ctx *ctx, struct jc_answer *out, jwtcred_error *err)
{
	struct body body = { 0 };
	char *form = NULL;
	long status;
	CURL *c;
	size_t i;
	int rc;

	jc_answer_init(out);
	if (!(c = curl_easy_init()))
		return jc_fail(err, JWTCRED_E_NOMEM, "cannot initialise libcurl");
	form = form_append(c, NULL, "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
	if (form)
		form = form_append(c, form, "assertion", assertion);
	if (form && p->scope && p->scope_in != JC_SCOPE_CLAIM)
		form = form_append(c, form, "scope", p->scope);
	for (i = 0; form && i < p->nform; i++)
		form = form_append(c, form, p->form[i].name, p->form[i].value);
	curl_easy_cleanup(c);
	if (!form)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory building the request");
	rc = post(p, token_url, form, &status, &body, ctx ? &ctx->server_date : NULL, err);
	jc_free_secret(form);
	if (rc)
		return rc;
	rc = jc_parse_token_answer(status, body.data, body.len, ctx, out, err);
	OPENSSL_cleanse(body.data, body.len);
	free(body.data);
	return rc;
}

#define REVOKE_FAILED "revoking at '%s' %s%s%s%s"

int jc_parse_revoke_answer(const char *url, const char *token, long status, const char *body,
                           size_t len, jwtcred_error *err)
{
	const char *error = NULL, *desc = NULL, *what;
	char e[96] = "", d[256] = "", detail[400] = "", how[96];
	json_t *root = NULL;
	int rc;

	/* RFC 7009 2.2: 200 when the token was revoked or was invalid already */
	if (status == 200)
		return JWTCRED_OK;
	if (body && len && (root = json_loadb(body, len, 0, NULL)) && json_is_object(root)) {
		error = json_string_value(json_object_get(root, "error"));
		desc = json_string_value(json_object_get(root, "error_description"));
	}
	/* the server knows the token; the user's terminal need not see it again */
	if (token && *token && ((error && strstr(error, token)) || (desc && strstr(desc, token))))
		error = desc = NULL;
	jc_escape(error, e, sizeof(e));
	jc_escape(desc, d, sizeof(d));
	if (error)
		snprintf(detail, sizeof(detail), " (%s%s%s)", e, desc ? ": " : "", d);
	snprintf(how, sizeof(how), "with HTTP %ld", status);
	if (status == 503 || status == 429) {
		rc = JWTCRED_E_NETWORK;
		what = ": the endpoint is unavailable, try again later (the token is still valid)";
	} else if (status >= 500) {
		rc = JWTCRED_E_RESPONSE;
		what = ": a server error (the token may still be valid)";
	} else if (status >= 400) {
		rc = JWTCRED_E_DENIED;
		what = ": the token may still be valid";
	} else if (status >= 300) {
		rc = JWTCRED_E_RESPONSE;
		snprintf(how, sizeof(how), "got a redirect (HTTP %ld)", status);
		what = ", which is not followed: check revoke_url";
	} else {
		rc = JWTCRED_E_RESPONSE;
		what = ", not the 200 of a revocation (the token may still be valid)";
	}
	json_decref(root);
	return jc_fail(err, rc, REVOKE_FAILED, url,
	               status >= 400 && status < 500 ? "was refused " : status >= 300 && status < 400 ? "" : "failed ",
	               how, detail, what);
}

int jc_revoke(const struct jc_profile *p, const char *token, jwtcred_error *err)
{
	struct body body = { 0 };
	char *form;
	long status;
	CURL *c;
	int rc;

	if (!p->revoke_url)
		return jc_fail(err, JWTCRED_E_USAGE,
		               "profile '%s' has no revocation endpoint: set 'revoke_url' to revoke its tokens",
		               p->name);
	if (!(c = curl_easy_init()))
		return jc_fail(err, JWTCRED_E_NOMEM, "cannot initialise libcurl");
	form = form_append(c, NULL, "token", token);
	curl_easy_cleanup(c);
	if (!form)
		return jc_fail(err, JWTCRED_E_NOMEM, "out of memory building the request");
	/* 429 and 5xx are retried in post(), as for the token request */
	rc = post(p, p->revoke_url, form, &status, &body, NULL, err);
	jc_free_secret(form);
	if (rc)
		return rc;
	rc = jc_parse_revoke_answer(p->revoke_url, token, status, body.data, body.len, err);
	OPENSSL_cleanse(body.data, body.len);
	free(body.data);
	return rc;
}

char *jc_approval_url(const struct jc_profile *p)
{
	char *id = NULL, *cb = NULL, *url = NULL;
	size_t n, base;
	CURL *c;

	if (p->provider != JC_PROVIDER_SALESFORCE || !p->callback_url || !p->login_url || !p->issuer)
		return NULL;
	if (!(c = curl_easy_init()))
		return NULL;
	if ((id = curl_easy_escape(c, p->issuer, 0)) && (cb = curl_easy_escape(c, p->callback_url, 0))) {
		base = strlen(p->login_url);
		while (base > 8 && p->login_url[base - 1] == '/')
			base--;
		n = base + strlen(id) + strlen(cb) + 96;
		if ((url = malloc(n)))
			snprintf(url, n, "%.*s/services/oauth2/authorize?response_type=code&client_id=%s&redirect_uri=%s",
			         (int)base, p->login_url, id, cb);
	}
	curl_free(id);
	curl_free(cb);
	curl_easy_cleanup(c);
	return url;
}
