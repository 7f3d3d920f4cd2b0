/*
 * init_steps.c: what jwtcred init's user does next, on the vendor's side:
 * where the certificate goes (or, for a GitHub App and Google, where the
 * key came from), then the jwtcred check --online that proves it works.
 */
#include "config.h"

#include <string.h>

#include "cli/init.h"

static int is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

static void salesforce(FILE *out, const struct jc_init_next *n)
{
	fprintf(out,
	        "In Salesforce (Setup):\n"
	        "  1. App Manager > New Connected App (or External Client App Manager > New\n"
	        "     External Client App); tick Enable OAuth Settings (Enable OAuth), any\n"
	        "     callback URL, scope \"Manage user data via APIs (api)\".\n"
	        "  2. Tick \"Use digital signatures\" (External Client App: Enable JWT Bearer\n"
	        "     Flow) and upload the certificate '%s'.\n"
	        "  3. Manage > Edit Policies: Permitted Users \"Admin approved users are\n"
	        "     pre-authorized\", then add the profile or permission set of '%s'.\n"
	        "  4. The app's Consumer Key is the client_id ('%s' in this profile).\n",
	        n->cert, n->username ? n->username : "the user", n->client_id ? n->client_id : "?");
}

static void client_credentials(FILE *out, const struct jc_init_next *n)
{
	if (is(n->server, "entra")) {
		fprintf(out,
		        "In Entra ID: add the certificate to the app registration (or in the portal:\n"
		        "Certificates & secrets > Certificates > Upload certificate):\n"
		        "  az ad app credential reset --id %s --cert @%s --append\n",
		        n->client_id ? n->client_id : "APP_ID", n->cert);
	} else if (is(n->server, "okta")) {
		fprintf(out,
		        "In Okta: the app's General tab > Client Credentials: Public key / Private key,\n"
		        "Add key, paste the public key of '%s'\n"
		        "(openssl x509 -pubkey -noout -in '%s'), and set key_id to the kid Okta shows.\n",
		        n->cert, n->cert);
	} else if (is(n->server, "keycloak")) {
		fprintf(out,
		        "In Keycloak: the client's Credentials tab: Client Authenticator \"Signed JWT\";\n"
		        "Keys tab: Import key, Certificate PEM, the file '%s'.\n",
		        n->cert);
	} else if (is(n->server, "auth0")) {
		fprintf(out,
		        "In Auth0: the application's Credentials tab: Authentication Method \"Private\n"
		        "Key JWT\", add the certificate '%s' (or its public key).\n",
		        n->cert);
	} else {
		fprintf(out, "On the authorization server: register the certificate '%s' (or its public\n"
		             "key, or a JWKS made from it) with the client '%s'.\n",
		        n->cert, n->client_id ? n->client_id : "?");
	}
}

void jc_init_print_next(FILE *out, const struct jc_init_next *n)
{
	fputc('\n', out);
	if (is(n->provider, "salesforce"))
		salesforce(out, n);
	else if (is(n->provider, "client-credentials"))
		client_credentials(out, n);
	else if (is(n->provider, "github-app"))
		fprintf(out,
		        "On GitHub: the key '%s' is the .pem the app's settings gave you\n"
		        "(Settings > Developer settings > GitHub Apps > Edit next to the app >\n"
		        "Private keys > Generate a private key); install the app on the accounts whose\n"
		        "repositories it reaches (Install App).  Nothing to upload.\n",
		        n->key);
	else if (is(n->provider, "google"))
		fprintf(out,
		        "On Google Cloud: nothing to upload: the key file '%s' holds the key.\n"
		        "Grant the service account the roles it needs (IAM).\n",
		        n->key);
	else
		fprintf(out,
		        "On the authorization server: register the certificate '%s' (or its public\n"
		        "key, or a JWKS made from it) as the key of this issuer.\n",
		        n->cert);
	if (n->nurls == 0)
		fprintf(out, "\nThe profile has no urls: it works for 'jwtcred token'; add urls = [ \"https://...\" ];\n"
		             "to it for git, curl, docker and the other tools (jwtcred.conf(5)).\n");
	fprintf(out, "\nThen check that it works:\n  jwtcred ");
	if (n->config) {
		fputs("--config ", out);
		/* a path the shell reads back as it is */
		fputc('\'', out);
		for (const char *s = n->config; *s; s++)
			fputs(*s == '\'' ? "'\\''" : (char[2]){ *s, 0 }, out);
		fputs("' ", out);
	}
	fprintf(out, "check --online --profile %s\n", n->profile);
}
