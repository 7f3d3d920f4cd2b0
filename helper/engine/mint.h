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
 * several audiences, they are tried in order (in->audience_first, when it
 * is one of them, ahead) while the server refuses the audience;
 * out->audience is the one that worked.  A github-app profile goes to
 * jc_github_mint (github.h) instead.  in may be NULL.
 */
int jc_mint(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
            jwtcred_error *err);

/*
 * The same without the shared cache: what jc_mint() does for a profile
 * without one, and what the shared cache's flow (fleet.c) runs to mint.
 */
int jc_mint_here(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
                 jwtcred_error *err);

#endif
