/*
 * github.h: a GitHub App installation token (provider "github-app").
 */
#ifndef JWTCRED_GITHUB_H
#define JWTCRED_GITHUB_H

#include <stddef.h>

#include "core/answer.h"
#include "core/conf.h"
#include "core/fail.h"

/*
 * Sign the app JWT, find the installation (p->installation_id, else
 * in->installation_id remembered from last time, else GET
 * /repos/{owner}/{repo}/installation when in->repo is set, else
 * /orgs/{owner}/installation then /users/{owner}/installation), and POST
 * /app/installations/{id}/access_tokens with p's repositories and
 * permissions.  out->expires_in comes from expires_at, and
 * out->installation_id says which installation it was.
 */
int jc_github_mint(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
                   jwtcred_error *err);

/*
 * Read the access_tokens answer (status, body of len bytes) at time now
 * into out: token (visible ASCII, at most JC_MAX_TOKEN bytes, no length
 * assumed otherwise) and expires_at as expires_in.  For tests too.
 */
int jc_github_parse_token(long status, const char *body, size_t len, long long now,
                          struct jc_answer *out, jwtcred_error *err);

#endif
