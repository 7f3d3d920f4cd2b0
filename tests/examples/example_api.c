/*
 * example_api.c: call a protected HTTPS endpoint with a token from
 * libjwtcred, retrying once with a fresh token after a 401.
 *
 *   example_api URL [CA_FILE]
 *
 * The profile is the one whose urls allow URL, from the default
 * configuration ($JWTCRED_CONFIG or ~/.config/jwtcred/config).
 * Build: cc example_api.c $(pkg-config --cflags --libs jwtcred libcurl)
 */
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <jwtcred.h>

/* GET url with the token; returns the HTTP status, or -1. */
static long get(const char *url, const char *ca_file, const jwtcred_token *tok)
{
	jwtcred_error err;
	long status = -1;
	CURL *c = curl_easy_init();

	if (!c)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
	if (jwtcred_curl_setup(c, tok, &err) != JWTCRED_OK)
		fprintf(stderr, "example_api: %s\n", err.text);
	else if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	return status;
}

int main(int argc, char **argv)
{
	jwtcred_config *cfg = NULL;
	jwtcred_token *tok = NULL;
	jwtcred_error err;
	long status = -1;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: example_api URL [CA_FILE]\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((rc = jwtcred_config_load(&cfg, NULL, &err)) != JWTCRED_OK ||
	    (rc = jwtcred_token_for_url(cfg, argv[1], 0, &tok, &err)) != JWTCRED_OK) {
		fprintf(stderr, "example_api: %s (%s)\n", err.text, jwtcred_strerror(rc));
		goto out;
	}
	status = get(argv[1], argv[2], tok);
	if (status == 401) {
		/* the session ended early (revoked, or the org's timeout): mint anew, once */
		fprintf(stderr, "example_api: HTTP 401, retrying with a fresh token\n");
		if (jwtcred_token_invalidate(cfg, tok, &err) != JWTCRED_OK)
			fprintf(stderr, "example_api: %s\n", err.text);
		jwtcred_token_free(tok);
		tok = NULL;
		if (jwtcred_token_for_url(cfg, argv[1], 0, &tok, &err) != JWTCRED_OK) {
			fprintf(stderr, "example_api: %s\n", err.text);
			goto out;
		}
		status = get(argv[1], argv[2], tok);
	}
	if (status != 200)
		fprintf(stderr, "example_api: HTTP %ld\n", status);
out:
	jwtcred_token_free(tok);
	jwtcred_config_free(cfg);
	curl_global_cleanup();
	return status == 200 ? 0 : 1;
}
