/*
 * answer.c: the token endpoint's grant, shared by the engine and the cache.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/answer.h"

void jc_answer_clear(struct jc_answer *g)
{
	jc_free_secret(g->access_token);
	free(g->instance_url);
	free(g->id);
	free(g->scope);
	free(g->audience);
	free(g->subject);
	memset(g, 0, sizeof(*g));
	g->expires_in = -1;
}
