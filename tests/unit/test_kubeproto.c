/*
 * test_kubeproto.c: KUBERNETES_EXEC_INFO as jwtcred kubectl reads it.  The
 * defaults, the versions spoken, a cluster server that must be a string
 * when it is there at all, and messages that never carry a raw control
 * character from the input.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/kubeproto.h"
#include "testutil.h"

#define V1 "client.authentication.k8s.io/v1"
#define V1B "client.authentication.k8s.io/v1beta1"

static const struct row {
	const char *what;
	const char *text;
	int rc;
	const char *api;    /* on success */
	const char *server; /* on success; NULL: none */
	const char *want;   /* on failure: in the message */
} rows[] = {
	{ "unset", NULL, JWTCRED_OK, V1, NULL, NULL },
	{ "empty", "", JWTCRED_OK, V1, NULL, NULL },
	{ "v1beta1, no cluster", "{\"apiVersion\":\"" V1B "\",\"spec\":{\"interactive\":false}}",
	  JWTCRED_OK, V1B, NULL, NULL },
	{ "no apiVersion", "{\"kind\":\"ExecCredential\"}", JWTCRED_OK, V1, NULL, NULL },
	{ "cluster server", "{\"apiVersion\":\"" V1 "\",\"spec\":{\"cluster\":{\"server\":\"https://k8s.example.com:6443\"}}}",
	  JWTCRED_OK, V1, "https://k8s.example.com:6443", NULL },
	/* a cluster that is there must say where: anything else is not "no cluster info" */
	{ "server a number", "{\"apiVersion\":\"" V1 "\",\"spec\":{\"cluster\":{\"server\":6443}}}",
	  JWTCRED_E_INPUT, NULL, NULL, "'spec.cluster.server' is a number, not a string" },
	{ "server null", "{\"spec\":{\"cluster\":{\"server\":null}}}", JWTCRED_E_INPUT, NULL, NULL,
	  "'spec.cluster.server' is null, not a string" },
	{ "server a list", "{\"spec\":{\"cluster\":{\"server\":[\"https://k8s.example.com\"]}}}",
	  JWTCRED_E_INPUT, NULL, NULL, "'spec.cluster.server' is an array, not a string" },
	{ "server an object", "{\"spec\":{\"cluster\":{\"server\":{\"url\":\"https://k\"}}}}",
	  JWTCRED_E_INPUT, NULL, NULL, "'spec.cluster.server' is an object, not a string" },
	{ "cluster without server", "{\"spec\":{\"cluster\":{\"certificate-authority-data\":\"x\"}}}",
	  JWTCRED_E_INPUT, NULL, NULL, "'spec.cluster.server' is missing" },
	{ "cluster a string", "{\"spec\":{\"cluster\":\"https://k8s.example.com\"}}", JWTCRED_E_INPUT,
	  NULL, NULL, "'spec.cluster' is a string, not an object" },
	{ "cluster null", "{\"spec\":{\"cluster\":null}}", JWTCRED_E_INPUT, NULL, NULL,
	  "'spec.cluster' is null, not an object" },
	{ "spec a list", "{\"spec\":[]}", JWTCRED_E_INPUT, NULL, NULL, "'spec' is an array, not an object" },
	{ "apiVersion a number", "{\"apiVersion\":1}", JWTCRED_E_INPUT, NULL, NULL,
	  "'apiVersion' is a number, not a string" },
	{ "unknown apiVersion", "{\"apiVersion\":\"client.authentication.k8s.io/v9\"}", JWTCRED_E_INPUT,
	  NULL, NULL, "asks for apiVersion 'client.authentication.k8s.io/v9': jwtcred speaks " V1 " and " V1B },
	/* control characters from the input are escaped in the message */
	{ "escape sequence in apiVersion", "{\"apiVersion\":\"v9\\u001b[2J\\r\\nforged\"}", JWTCRED_E_INPUT,
	  NULL, NULL, "apiVersion 'v9\\x1b[2J\\x0d\\x0aforged'" },
	{ "C1 control in apiVersion", "{\"apiVersion\":\"v9\\u009b31m\"}", JWTCRED_E_INPUT, NULL, NULL,
	  "apiVersion 'v9\\xc2\\x9b31m'" },
	{ "not JSON, with a control character", "\x1b[2J{", JWTCRED_E_INPUT, NULL, NULL,
	  "is not a JSON object" },
	{ "not JSON near a newline", "{\"apiVersion\":\n\x1b", JWTCRED_E_INPUT, NULL, NULL,
	  "is not a JSON object" },
	{ "a list", "[1]", JWTCRED_E_INPUT, NULL, NULL, "is not a JSON object: wrong type" },
	{ "duplicate key", "{\"apiVersion\":\"" V1 "\",\"apiVersion\":\"" V1B "\"}", JWTCRED_E_INPUT, NULL,
	  NULL, "is not a JSON object" },
};

static void test_exec_info(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct jc_exec_info info = { (char *)"unset", (char *)"unset" };
		jwtcred_error err = { "" };
		char shown[2 * JWTCRED_ERROR_TEXT_LENGTH];
		int rc = jc_kube_exec_info_parse(r->text, &info, &err);
		bool ok = rc == r->rc;

		if (ok && rc == JWTCRED_OK)
			ok = info.api_version && strcmp(info.api_version, r->api) == 0 &&
			     (r->server ? info.server && strcmp(info.server, r->server) == 0 : !info.server);
		else if (ok)
			ok = !info.api_version && !info.server && tu_contains(err.text, r->want) &&
			     !tu_has_control(err.text) && !strchr(err.text, '\x9b') && !strchr(err.text, '\xc2');
		if (!ok) {
			print_error("%s: rc %d (want %d), api %s, server %s\n  message: %s\n  want: %s\n", r->what,
			            rc, r->rc, info.api_version ? info.api_version : "(null)",
			            info.server ? info.server : "(null)",
			            tu_visible(err.text, shown, sizeof(shown)), r->want ? r->want : "");
			bad++;
		}
		if (rc == JWTCRED_OK)
			jc_exec_info_clear(&info);
	}
	assert_int_equal(bad, 0);
}

static void test_exec_info_too_large(void **state)
{
	struct jc_exec_info info;
	jwtcred_error err = { "" };
	size_t n = JC_KUBE_MAX_EXEC_INFO + 1;
	char *text = malloc(n + 1);

	(void)state;
	assert_non_null(text);
	memset(text, ' ', n);
	text[0] = '{';
	text[n - 1] = '}';
	text[n] = '\0';
	assert_int_equal(jc_kube_exec_info_parse(text, &info, &err), JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "larger than"));
	text[n - 2] = '}';
	text[n - 1] = '\0';
	assert_int_equal(jc_kube_exec_info_parse(text, &info, &err), JWTCRED_OK);
	jc_exec_info_clear(&info);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_info),
		cmocka_unit_test(test_exec_info_too_large),
	};

	return cmocka_run_group_tests_name("kubeproto", tests, NULL, NULL);
}
