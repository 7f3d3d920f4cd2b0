/*
 * mint.c: load key -> build claims -> sign -> POST -> parse.
 */
#include "config.h"

#include <time.h>

#include "exchange.h"
#include "jwt.h"
#include "mint.h"

int jc_mint(const struct jc_profile *p, struct jc_grant *out, jwtcred_error *err)
{
	char *assertion = NULL;
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = jc_assertion_make(p, jc_now(), &assertion, err)) == 0)
		rc = jc_exchange(p, assertion, out, err);
	jc_free_secret(assertion);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	jc_trace("mint for profile '%s' %s in %ld ms", p->name, rc ? "failed" : "succeeded",
	         (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	return rc;
}
