/*
 * exchange.h: the HTTPS POST to the token endpoint and what comes back.
 */
#ifndef JWTCRED_EXCHANGE_H
#define JWTCRED_EXCHANGE_H

#include "conf.h"
#include "grant.h"

#define JC_MAX_RESPONSE (64 * 1024)
#define JC_MAX_TOKEN 8192

/*
 * Parse a token endpoint answer: `status` the HTTP status, `body` of `len`
 * bytes.  Server errors become one line with error, error_description and a
 * hint when the cause is known; `audience` is quoted in the audience hint.
 */
int jc_parse_token_response(long status, const char *body, size_t len, const char *audience,
                            struct jc_grant *out, jwtcred_error *err);

/* Exchange a signed assertion for a token (retries transient failures). */
int jc_exchange(const struct jc_profile *p, const char *assertion, struct jc_grant *out,
                jwtcred_error *err);

/* Revoke a token at p->revoke_url. */
int jc_revoke(const struct jc_profile *p, const char *token, jwtcred_error *err);

#endif
