/*
 * response.h: what the token endpoint and the revocation endpoint answer.
 */
#ifndef JWTCRED_RESPONSE_H
#define JWTCRED_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer.h"
#include "core/conf.h"
#include "core/fail.h"

#define JC_MAX_RESPONSE (64 * 1024)
#define JC_MAX_TOKEN 8192

/* What the error hints need to know about one token request, and what they found. */
struct jc_exchange_ctx {
	const struct jc_profile *p; /* in: named in hints (provider, settings); NULL: the default
	                               provider's hints, without settings */
	const char *audience;       /* in: the aud sent, already quoted ("'https://…'"), or NULL */
	long long server_date;      /* in: the answer's Date header (seconds), or -1 */
	bool audience_refused;      /* out: the server refused the audience: another may do */
};

/*
 * Parse a token endpoint answer: `status` the HTTP status, `body` of `len`
 * bytes.  Server errors become one line with error, error_description and a
 * hint when the cause is known (jc_provider_hint: the hints of ctx->p's
 * provider; ctx may be NULL).  *out is the caller's (jc_answer_clear),
 * cleared on error.
 */
int jc_parse_token_answer(long status, const char *body, size_t len, struct jc_exchange_ctx *ctx,
                          struct jc_answer *out, jwtcred_error *err);

/*
 * The revocation endpoint `url` answered `status` with `body` (len bytes,
 * may be NULL): JWTCRED_OK for 200; else JWTCRED_E_DENIED (4xx),
 * JWTCRED_E_NETWORK (503, 429) or JWTCRED_E_RESPONSE, with the server's
 * error and error_description cut short and made printable, and dropped
 * when they quote `token`.
 */
int jc_parse_revoke_answer(const char *url, const char *token, long status, const char *body,
                           size_t len, jwtcred_error *err);

#endif
