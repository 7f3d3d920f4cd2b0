/*
 * exchange.h: the HTTPS POST to the token endpoint and what comes back.
 */
#ifndef JWTCRED_EXCHANGE_H
#define JWTCRED_EXCHANGE_H

#include <stdbool.h>

#include "core/conf.h"
#include "core/answer.h"

#define JC_MAX_RESPONSE (64 * 1024)
#define JC_MAX_TOKEN 8192

/* What the error hints need to know about one token request, and what they found. */
struct jc_exchange_ctx {
	const struct jc_profile *p; /* in: named in hints (provider, settings); NULL: Salesforce */
	const char *audience;       /* in: the aud sent, already quoted ("'https://…'"), or NULL */
	long long server_date;      /* in: the answer's Date header (seconds), or -1 */
	bool audience_refused;      /* out: the server refused the audience: another may do */
};

/*
 * Parse a token endpoint answer: `status` the HTTP status, `body` of `len`
 * bytes.  Server errors become one line with error, error_description and a
 * hint when the cause is known (the hints of ctx->p's provider; ctx may be
 * NULL).
 */
int jc_parse_token_answer(long status, const char *body, size_t len, struct jc_exchange_ctx *ctx,
                          struct jc_answer *out, jwtcred_error *err);

/* The same for a Salesforce profile; `audience` is quoted in the audience hint. */
int jc_parse_token_response(long status, const char *body, size_t len, const char *audience,
                            struct jc_answer *out, jwtcred_error *err);

/*
 * Exchange a signed assertion for a token at token_url (retries transient
 * failures).  The form carries grant_type and assertion, plus scope when
 * p->scope_in says so and p's extra form parameters.  ctx as above; its
 * server_date is filled in here.
 */
int jc_exchange(const struct jc_profile *p, const char *token_url, const char *assertion,
                struct jc_exchange_ctx *ctx, struct jc_answer *out, jwtcred_error *err);

/*
 * Revoke a token at p->revoke_url (RFC 7009).  JWTCRED_OK only for HTTP 200;
 * anything else (a 4xx refusal, 503 after the retries, a redirect) means
 * the token may still be valid, and err says why in one line.
 */
int jc_revoke(const struct jc_profile *p, const char *token, jwtcred_error *err);

/*
 * The revocation endpoint `url` answered `status` with `body` (len bytes,
 * may be NULL): JWTCRED_OK for 200; else JWTCRED_E_DENIED (4xx),
 * JWTCRED_E_NETWORK (503, 429) or JWTCRED_E_RESPONSE, with the server's
 * error and error_description cut short and made printable, and dropped
 * when they quote `token`.
 */
int jc_parse_revoke_answer(const char *url, const char *token, long status, const char *body,
                           size_t len, jwtcred_error *err);

/*
 * The one-time approval URL of a Salesforce profile that sets
 * callback_url: <login_url>/services/oauth2/authorize?response_type=code&
 * client_id=…&redirect_uri=…; NULL otherwise (or out of memory).
 */
char *jc_approval_url(const struct jc_profile *p);

#endif
