/*
 * cmd_cargo.c: jwtcred as a cargo credential provider (cargo >= 1.74).
 *
 * cargo runs PATH --cargo-plugin (the words of credential-provider after
 * the path come in each request's "args"), reads the hello line, sends
 * one request line and reads one answer line, then closes stdin.  We
 * answer every line until EOF.  A get for an index URL that no profile's
 * urls allow is url-not-supported, so cargo asks its next provider.
 * stdout carries protocol lines only; messages go to stderr.  Only a
 * sparse index ("sparse+https://...") can get a token: for a git index
 * cargo sends the token to the "api" URL the repository's config.json
 * names, not to the index host the profile's urls were matched against.
 * Background refreshes start after EOF, once per profile, when every
 * answer is out: starting one points stdout at /dev/null.
 *
 * Exit status: 0 when every request got its answer (cargo shows an Err's
 * message only then: on any other status it reports the status instead);
 * 1 when the conversation broke (a line that is not a request, too long,
 * or a write error), after an Err line saying why.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/profile.h"
#include "cli/refresh.h"
#include "core/allow.h"
#include "core/cargoproto.h"
#include "core/clock.h"
#include "core/refresh.h"
#include "core/secret.h"
#include "core/singleflight.h"
#include "core/text.h"
#include "core/trace.h"

#define CONFIGURE \
	"cargo runs this as a credential provider, with --cargo-plugin; configure it in cargo's " \
	"config.toml: [registries.NAME] credential-provider = [\"/path/to/jwtcred\", \"cargo\"]"

enum line_status { LINE_OK, LINE_EOF, LINE_LONG, LINE_ERROR };

/* Entries served that are due for a refresh: one per profile, started after EOF. */
struct due {
	const struct jc_profile *p;
	struct jc_entry e;
};

struct conversation {
	const struct jc_cli *cli;
	struct jwtcred_config *cfg; /* loaded at the first get */
	struct due *due;
	size_t ndue;
};

/*
 * One line from stdin into buf (JC_CARGO_MAX_LINE + 1 bytes), without its
 * newline.  Byte by byte: cargo waits for our answer before it closes
 * stdin, so nothing past the newline may be waited for.  A last line
 * without a newline counts.  LINE_LONG: the rest of the line is not read.
 */
static enum line_status read_line(char *buf, size_t *len)
{
	ssize_t n;
	char c;

	*len = 0;
	for (;;) {
		n = read(STDIN_FILENO, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return LINE_ERROR;
		if (n == 0)
			return *len ? LINE_OK : LINE_EOF;
		if (c == '\n')
			break;
		if (*len == JC_CARGO_MAX_LINE)
			return LINE_LONG;
		buf[(*len)++] = c;
	}
	buf[*len] = '\0';
	return LINE_OK;
}

/* Write one protocol line (text may be NULL: out of memory); 0 or -1. */
static int emit(const char *text)
{
	if (!text) {
		jc_say("out of memory");
		return -1;
	}
	if (printf("%s\n", text) < 0 || fflush(stdout) != 0) {
		jc_say("cannot write to standard output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int emit_error(const char *kind, const char *message)
{
	char *text = jc_cargo_answer_error(kind, message);
	int rc = emit(text);

	free(text);
	return rc;
}

/* A failure cargo shows: on stderr too, so it is heard even where cargo drops it. */
static int fail_other(const char *message)
{
	jc_say("%s", message);
	return emit_error("other", message);
}

/* Keep e (moved: *e is left empty) for a refresh after EOF, unless p has one already. */
static void remember_due(struct conversation *c, const struct jc_profile *p, struct jc_entry *e)
{
	struct due *grown;
	size_t i;

	if (!jc_refresh_due(e, p, jc_now()))
		return;
	for (i = 0; i < c->ndue; i++)
		if (c->due[i].p == p)
			return;
	if (!(grown = realloc(c->due, (c->ndue + 1) * sizeof(*grown))))
		return; /* out of memory: no refresh ahead, the token is still good */
	c->due = grown;
	c->due[c->ndue].p = p;
	c->due[c->ndue++].e = *e;
	memset(e, 0, sizeof(*e));
}

/* After the last answer: the refreshes due, then the entries wiped. */
static void refresh_due(struct conversation *c)
{
	size_t i;

	for (i = 0; i < c->ndue; i++) {
		jc_cli_refresh_ahead(c->due[i].p, 0, &c->due[i].e, true);
		jc_entry_clear(&c->due[i].e);
	}
	free(c->due);
	c->due = NULL;
	c->ndue = 0;
}

static int answer_get(struct conversation *c, const struct jc_cargo_request *r, const char *only)
{
	const struct jc_profile *p = NULL;
	struct jc_request req;
	struct jc_entry e = { 0 };
	jwtcred_error err;
	char shown[256], *text;
	int rc;

	if (jc_cargo_index_request(r->index_url, &req, &err) != 0) {
		/* a git index or a URL that does not parse: no profile's urls are asked */
		jc_escape(r->index_url, shown, sizeof(shown));
		if (only)
			jc_say("profile '%s': cargo registry '%s': %s", only, shown, err.text);
		else
			jc_trace("cargo registry '%s': %s", shown, err.text);
		return emit_error("url-not-supported", NULL);
	}
	p = jc_allowed_profile(c->cfg, only, &req);
	jc_request_clear(&req);
	if (!p) {
		/* not ours: cargo tries its next provider; a named profile deserves a word */
		if (only)
			jc_say("profile '%s' does not list cargo registry '%s' in its urls", only,
			       jc_escape(r->index_url, shown, sizeof(shown)));
		return emit_error("url-not-supported", NULL);
	}
	if (jc_token_fetch(p, 0, &e, &err) != 0)
		return fail_other(err.text);
	text = jc_cargo_answer_token(e.token, jc_entry_deadline(&e, p));
	rc = emit(text);
	jc_free_secret(text);
	if (rc == 0)
		remember_due(c, p, &e);
	jc_entry_clear(&e);
	return rc;
}

/* One request line: its answer written.  0, or -1 when the conversation cannot go on. */
static int answer(struct conversation *c, const char *line, size_t len)
{
	struct jc_cargo_request r;
	jwtcred_error err;
	char shown[1024];
	int rc;

	if (jc_cargo_request_parse(line, len, &r, &err) != 0) {
		/* the reason may quote the request: escaped on stderr; in JSON, JSON escapes it */
		jc_say("%s", jc_escape(err.text, shown, sizeof(shown)));
		emit_error("other", err.text);
		return -1;
	}
	switch (r.kind) {
	case JC_CARGO_GET:
		if (!c->cfg && jc_cli_config(c->cli, &c->cfg) != 0)
			rc = emit_error("other", "jwtcred cannot load its configuration (see the message above)");
		else
			rc = answer_get(c, &r, r.profile ? r.profile : c->cli->profile);
		break;
	default:
		/* login, logout and kinds to come: tokens are minted, never stored
		 * from outside, and `jwtcred purge` forgets them */
		rc = emit_error("operation-not-supported", NULL);
		break;
	}
	jc_cargo_request_clear(&r);
	return rc;
}

int jc_front_cargo(const struct jc_cli *cli)
{
	struct conversation c = { cli, NULL, NULL, 0 };
	enum line_status ls;
	char *line;
	size_t len;
	int status = JC_EXIT_FAIL;

	if (!cli->cargo_plugin) {
		jc_say(CONFIGURE);
		return JC_EXIT_USAGE;
	}
	/* cargo gone: a write error, said in one line, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	if (!(line = malloc(JC_CARGO_MAX_LINE + 1))) {
		jc_say("out of memory");
		return JC_EXIT_FAIL;
	}
	if (emit(JC_CARGO_HELLO) != 0)
		goto out;
	while ((ls = read_line(line, &len)) == LINE_OK) {
		if (answer(&c, line, len) != 0)
			goto out;
		jc_wipe(line, len);
	}
	if (ls == LINE_LONG) {
		char message[96];
		snprintf(message, sizeof(message), "cargo request is longer than %d bytes",
		         JC_CARGO_MAX_LINE);
		fail_other(message);
	} else if (ls == LINE_ERROR) {
		jc_say("cannot read standard input");
	} else {
		status = JC_EXIT_OK;
	}
out:
	jc_wipe(line, JC_CARGO_MAX_LINE + 1);
	free(line);
	refresh_due(&c);
	jc_conf_free(c.cfg);
	return status;
}
