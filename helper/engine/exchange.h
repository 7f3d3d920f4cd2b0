/*
 * exchange.h: the token request and the revocation request.  The POST
 * itself is http.h's, the reading of the answers response.h's.
 */
#ifndef JWTCRED_EXCHANGE_H
#define JWTCRED_EXCHANGE_H

#include "core/answer.h"
#include "core/conf.h"
#include "engine/response.h"

/*
 * Exchange a signed assertion for a token at token_url (retries transient
 * failures).  The form carries grant_type and assertion (or, for the
 * client-credentials provider, grant_type=client_credentials, client_id,
 * client_assertion_type and client_assertion), plus scope when p->scope_in
 * says so, resource when set, and p's extra form parameters.  ctx as in
 * jc_parse_token_answer; its server_date is filled in here.
 */
int jc_exchange(const struct jc_profile *p, const char *token_url, const char *assertion,
                struct jc_exchange_ctx *ctx, struct jc_answer *out, jwtcred_error *err);

/*
 * Revoke a token at p->revoke_url (RFC 7009).  JWTCRED_OK only for HTTP 200;
 * anything else (a 4xx refusal, 503 after the retries, a redirect) means
 * the token may still be valid, and err says why in one line.
 */
int jc_revoke(const struct jc_profile *p, const char *token, jwtcred_error *err);

#endif
