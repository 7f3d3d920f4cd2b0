/*
 * answer.c: the token endpoint's answer, shared by the engine and the cache.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/answer.h"
#include "core/conf.h"
#include "core/secret.h"

void jc_answer_init(struct jc_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->expires_in = -1;
}

void jc_answer_clear(struct jc_answer *g)
{
	jc_free_secret(g->access_token);
	free(g->instance_url);
	free(g->id);
	free(g->scope);
	free(g->audience);
	free(g->subject);
	free(g->installation_id);
	jc_answer_init(g);
}

void jc_answer_times(const struct jc_profile *p, struct jc_answer *g, long long now)
{
	if (g->issued > 0)
		return;
	g->issued = now;
	g->server_expiry = g->expires_in > 0;
	g->expires = now + (g->server_expiry ? g->expires_in : p->token_lifetime);
}
