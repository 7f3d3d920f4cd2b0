/*
 * mint.h: sign an assertion and exchange it for a token.  This is the only
 * path that needs OpenSSL and libcurl.
 */
#ifndef JWTCRED_MINT_H
#define JWTCRED_MINT_H

#include "core/conf.h"
#include "core/answer.h"

/*
 * Mint a fresh token for p; *out is the caller's (jc_answer_clear).  With
 * several audiences, they are tried in order (audience_first, when it is
 * one of them, ahead) while the server refuses the audience; out->audience
 * is the one that worked.
 */
int jc_mint(const struct jc_profile *p, const char *audience_first, struct jc_answer *out,
            jwtcred_error *err);

#endif
