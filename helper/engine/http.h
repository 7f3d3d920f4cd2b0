/*
 * http.h: one HTTPS POST of a form to a token or revocation endpoint, the
 * way jwtcred speaks to them: TLS always verified, https only, no
 * redirects followed, the body capped at JC_MAX_RESPONSE, connection
 * failures, 429 and 5xx retried at most twice with backoff, all inside the
 * profile's total timeout.  4xx answers are final.
 */
#ifndef JWTCRED_HTTP_H
#define JWTCRED_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/conf.h"
#include "core/fail.h"

/* An answer's body: at most JC_MAX_RESPONSE bytes (response.h). */
struct jc_http_body {
	char *data;
	size_t len;
	bool overflow;
};

/*
 * POST `fields` (the form body, secret) to url for profile p (timeout,
 * ca_file).  On an HTTP answer, JWTCRED_OK with *status and *body set (the
 * caller wipes and frees body->data, even when empty) and *date (date may
 * be NULL) the Date header in seconds, or -1.  Else an error in err and
 * body->data NULL.
 */
int jc_http_post(const struct jc_profile *p, const char *url, const char *fields, long *status,
                 struct jc_http_body *body, long long *date, jwtcred_error *err);

/* A request with headers of its own: GitHub's REST API, an introspection's Basic credentials. */
struct jc_http_req {
	const char *url;
	const char *body;           /* POSTed as it is; NULL: a GET */
	const char *const *headers; /* "Name: value", NULL-terminated; may hold a secret (wiped) */
};

/* jc_http_post for req: the same limits, retries and answer. */
int jc_http_send(const struct jc_profile *p, const struct jc_http_req *req, long *status,
                 struct jc_http_body *body, long long *date, jwtcred_error *err);

/*
 * jc_http_send, all over (retries too) by deadline (jc_monotonic_ms()),
 * which the requests of one exchange share so that p->timeout is the
 * whole exchange; 0: p->timeout from now, as jc_http_send.
 */
int jc_http_send_by(const struct jc_profile *p, const struct jc_http_req *req, long long deadline,
                    long *status, struct jc_http_body *body, long long *date, jwtcred_error *err);

/*
 * form + "&name=<value, percent-encoded>" (or "name=…" when form is NULL):
 * a new string; form is wiped and freed.  NULL when out of memory.
 */
char *jc_form_append(char *form, const char *name, const char *value);

#endif
