/*
 * mint.c: load key -> build claims -> sign -> POST -> parse, once per
 * audience while the server refuses the audience; then, for Salesforce, the
 * token's real expiry (introspect.c).  A GitHub App's token comes from
 * github.c instead.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/fail.h"
#include "core/secret.h"
#include "core/trace.h"
#include "engine/assertion.h"
#include "engine/exchange.h"
#include "engine/fleet.h"
#include "engine/github.h"
#include "engine/introspect.h"
#include "engine/mint.h"

#define MAX_TRIED 16

/* "'a', then 'b'": the audiences tried so far, for the last message. */
static void tried_text(const char **auds, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;
	int k;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		k = snprintf(buf + used, len - used, "%s'%s'", i ? ", then " : "", auds[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

static int token_endpoint_mint(const struct jc_profile *p, const char *audience_first,
                               struct jc_answer *out, jwtcred_error *err)
{
	const char *auds[MAX_TRIED];
	char *assertion = NULL, shown[1024];
	struct jc_signer s;
	struct jc_exchange_ctx ctx;
	long long t0 = jc_monotonic_ms();
	size_t n, i;
	int rc;

	jc_answer_init(out);
	if ((rc = jc_signer_load(p, &s, err)))
		goto out;
	n = jc_audiences(p, &s, audience_first, auds, MAX_TRIED);
	for (i = 0; i < n; i++) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.p = p;
		tried_text(auds, i + 1, shown, sizeof(shown));
		ctx.audience = shown;
		ctx.server_date = -1;
		if ((rc = jc_assertion_sign(p, &s, auds[i], jc_now(), &assertion, err)))
			break;
		rc = jc_exchange(p, s.token_url, assertion, &ctx, out, err);
		jc_free_secret(assertion);
		assertion = NULL;
		if (rc == 0 || !ctx.audience_refused || i + 1 == n)
			break;
		jc_trace("profile '%s': aud '%s' refused (%s); trying '%s'", p->name, auds[i],
		         err ? err->text : "", auds[i + 1]);
	}
	if (rc == 0 && (!(out->audience = strdup(auds[i])) ||
	                !(out->subject = strdup(s.sub ? s.sub : s.iss)))) {
		jc_answer_clear(out);
		rc = jc_fail(err, JWTCRED_E_NOMEM, "out of memory");
	}
	if (rc == 0)
		jc_introspect_expiry(p, out);
out:
	jc_signer_clear(&s);
	jc_trace("mint for profile '%s' %s in %lld ms", p->name, rc ? "failed" : "succeeded",
	         jc_monotonic_ms() - t0);
	return rc;
}

int jc_mint(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
            jwtcred_error *err)
{
#ifdef HAVE_HIREDIS
	/* only a cached fetch, under its local lock, asks the shared cache (fleet.h) */
	if (p->shared && in && in->shared)
		return jc_fleet_mint(p, in, out, err);
#endif
	return jc_mint_here(p, in, out, err);
}

int jc_mint_here(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
                 jwtcred_error *err)
{
	static const struct jc_mint_in none = { 0 };

	if (!in)
		in = &none;
	if (jc_provider_of(p->provider)->grant == JC_GRANT_GITHUB_APP)
		return jc_github_mint(p, in, out, err);
	return token_endpoint_mint(p, in->audience_first, out, err);
}
