/*
 * api_lifetime.c: libjwtcred's ownership rules, as jwtcred.h states them.
 *
 *   api_lifetime URL OTHER_CONFIG
 *
 * A token outlives the configuration it was got from; jwtcred_token_invalidate()
 * finds the token's profile in the configuration it is given, refuses one
 * without it, and drops only what that profile's cache entry holds.  URL is
 * allowed by the default configuration's profile "prod"; OTHER_CONFIG has no
 * profile of that name.  One "ok"/"not ok" line per check, never a token;
 * exit 0 when all passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwtcred.h>

static int failures;

static void check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failures++;
}

static int same(const jwtcred_token *a, const char *b)
{
	const char *v = jwtcred_token_value(a);

	return v && b && strcmp(v, b) == 0;
}

int main(int argc, char **argv)
{
	jwtcred_config *cfg = NULL, *other = NULL;
	jwtcred_token *tok = NULL, *again = NULL, *fresh = NULL;
	jwtcred_error err;
	char *value = NULL;
	time_t expiry = 0;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: api_lifetime URL OTHER_CONFIG\n");
		return 2;
	}
	if ((rc = jwtcred_config_load(&cfg, NULL, &err)) != JWTCRED_OK ||
	    (rc = jwtcred_token_for_url(cfg, argv[1], 0, &tok, &err)) != JWTCRED_OK) {
		fprintf(stderr, "api_lifetime: %s (%s)\n", err.text, jwtcred_strerror(rc));
		return 1;
	}
	value = strdup(jwtcred_token_value(tok));
	expiry = jwtcred_token_expiry(tok);
	check(value != NULL && expiry > time(NULL), "a token with an expiry ahead");

	/* the configuration goes first: the token must not read it any more */
	jwtcred_config_free(cfg);
	cfg = NULL;
	check(same(tok, value), "the token's value survives jwtcred_config_free");
	check(jwtcred_token_expiry(tok) == expiry, "the token's expiry survives jwtcred_config_free");
	check(jwtcred_token_instance_url(tok) != NULL, "the token's instance_url survives jwtcred_config_free");

	rc = jwtcred_token_invalidate(NULL, tok, &err);
	check(rc == JWTCRED_E_USAGE, "invalidate without a configuration: JWTCRED_E_USAGE");
	if ((rc = jwtcred_config_load(&other, argv[2], &err)) != JWTCRED_OK) {
		fprintf(stderr, "api_lifetime: %s\n", err.text);
		return 1;
	}
	rc = jwtcred_token_invalidate(other, tok, &err);
	check(rc == JWTCRED_E_NOPROFILE && strstr(err.text, "'prod'") != NULL,
	      "invalidate with a configuration lacking the profile: JWTCRED_E_NOPROFILE, naming it");

	/* the same file loaded again: the token is still cached, then dropped */
	if ((rc = jwtcred_config_load(&cfg, NULL, &err)) != JWTCRED_OK ||
	    (rc = jwtcred_token_get(cfg, "prod", 0, &again, &err)) != JWTCRED_OK) {
		fprintf(stderr, "api_lifetime: %s (%s)\n", err.text, jwtcred_strerror(rc));
		return 1;
	}
	check(same(again, value), "the refused invalidate dropped nothing: the same token is served");
	rc = jwtcred_token_invalidate(cfg, tok, &err);
	check(rc == JWTCRED_OK, "invalidate with the configuration loaded again: success");
	if ((rc = jwtcred_token_get(cfg, "prod", 0, &fresh, &err)) != JWTCRED_OK) {
		fprintf(stderr, "api_lifetime: %s (%s)\n", err.text, jwtcred_strerror(rc));
		return 1;
	}
	check(!same(fresh, value), "after invalidate, a new token");
	check(same(tok, value), "the invalidated token is still the caller's, unchanged");

	jwtcred_token_free(fresh);
	jwtcred_token_free(again);
	jwtcred_token_free(tok);
	jwtcred_config_free(other);
	jwtcred_config_free(cfg);
	free(value);
	return failures ? 1 : 0;
}
