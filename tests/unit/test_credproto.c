/*
 * test_credproto.c: git's credential protocol.  Parsing (last value wins,
 * capabilities, url=, CRLF, the blank line), the bounded reader on real
 * pipes (a writer that keeps the pipe open must not hang us; line, total
 * and NUL limits), and the writer that never lets a value forge a line.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/credproto.h"
#include "testutil.h"

#define WATCHDOG_SECONDS 10 /* a read that hangs kills the test (SIGALRM) */

static const char *str0(const char *s)
{
	return s ? s : "(null)";
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static const struct parse_row {
	const char *what;
	const char *text;
	const char *protocol, *host, *path, *username, *password;
	bool cap_authtype, cap_state;
} parse_rows[] = {
	{ "plain request", "protocol=https\nhost=example.com\n\n",
	  "https", "example.com", NULL, NULL, NULL, false, false },
	{ "no blank line, EOF ends it", "protocol=https\nhost=example.com\npath=team/repo.git",
	  "https", "example.com", "team/repo.git", NULL, NULL, false, false },
	{ "last value wins", "host=a.example.com\nhost=b.example.com\nusername=x\nusername=y\n\n",
	  NULL, "b.example.com", NULL, "y", NULL, false, false },
	{ "capability", "capability[]=authtype\nprotocol=https\n\n",
	  "https", NULL, NULL, NULL, NULL, true, false },
	{ "capability cleared", "capability[]=authtype\ncapability[]=state\ncapability[]=\n\n",
	  NULL, NULL, NULL, NULL, NULL, false, false },
	{ "capability after clear", "capability[]=authtype\ncapability[]=\ncapability[]=state\n\n",
	  NULL, NULL, NULL, NULL, NULL, false, true },
	{ "unknown capability", "capability[]=frobnicate\n\n",
	  NULL, NULL, NULL, NULL, NULL, false, false },
	{ "unknown keys ignored",
	  "wwwauth[]=Bearer realm=\"x\"\nfoo=bar\nprotocol=https\nstate[]=x\nhost=example.com\n\n",
	  "https", "example.com", NULL, NULL, NULL, false, false },
	{ "url sets protocol, host, path, username", "url=https://user@host.example.com:8443/path/x\n\n",
	  "https", "host.example.com:8443", "path/x", "user", NULL, false, false },
	{ "url with a password: username only", "url=https://user:pw@host.example.com/\n\n",
	  "https", "host.example.com", NULL, "user", NULL, false, false },
	{ "url replaces earlier fields", "username=bob\nhost=old.example.com\npath=p\nurl=https://new.example.com\n\n",
	  "https", "new.example.com", NULL, NULL, NULL, false, false },
	{ "fields after url win", "url=https://a.example.com/x\nhost=b.example.com\n\n",
	  "https", "b.example.com", "x", NULL, NULL, false, false },
	{ "url userinfo ends at the last @", "url=https://a@b@host.example.com/p\n\n",
	  "https", "host.example.com", "p", "a@b", NULL, false, false },
	{ "CRLF lines", "protocol=https\r\nhost=example.com\r\npath=a/b\r\n\r\nhost=evil.example\r\n",
	  "https", "example.com", "a/b", NULL, NULL, false, false },
	{ "stops at the blank line", "protocol=https\nhost=example.com\n\nhost=evil.example\nusername=x\n",
	  "https", "example.com", NULL, NULL, NULL, false, false },
	{ "blank first line: empty request", "\nhost=evil.example\n",
	  NULL, NULL, NULL, NULL, NULL, false, false },
	{ "value with =", "password=a=b==\n\n", NULL, NULL, NULL, NULL, "a=b==", false, false },
	{ "empty value", "username=\n\n", NULL, NULL, NULL, "", NULL, false, false },
};

static void check_row(const struct parse_row *r, const struct jc_cred *c, int *bad)
{
	if (!same(c->protocol, r->protocol) || !same(c->host, r->host) || !same(c->path, r->path) ||
	    !same(c->username, r->username) || !same(c->password, r->password) ||
	    c->cap_authtype != r->cap_authtype || c->cap_state != r->cap_state) {
		print_error("%s: got protocol=%s host=%s path=%s username=%s password=%s caps=%d,%d\n",
		            r->what, str0(c->protocol), str0(c->host), str0(c->path), str0(c->username),
		            str0(c->password), c->cap_authtype, c->cap_state);
		(*bad)++;
	}
}

static void test_parse(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		jwtcred_error err = { "" };
		struct jc_cred c;
		int rc = jc_cred_parse(r->text, strlen(r->text), &c, &err);

		if (rc != JWTCRED_OK) {
			print_error("%s: rc %d: %s\n", r->what, rc, err.text);
			bad++;
		} else {
			check_row(r, &c, &bad);
		}
		jc_cred_clear(&c);
	}
	assert_int_equal(bad, 0);
}

/* The same table through jc_cred_read on a pipe. */
static void test_read_table(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	alarm(WATCHDOG_SECONDS);
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		jwtcred_error err = { "" };
		struct jc_cred c;
		int p[2], rc;

		assert_int_equal(pipe(p), 0);
		assert_int_equal(write(p[1], r->text, strlen(r->text)), (ssize_t)strlen(r->text));
		close(p[1]);
		rc = jc_cred_read(p[0], &c, &err);
		close(p[0]);
		if (rc != JWTCRED_OK) {
			print_error("%s: rc %d: %s\n", r->what, rc, err.text);
			bad++;
		} else {
			check_row(r, &c, &bad);
		}
		jc_cred_clear(&c);
	}
	alarm(0);
	assert_int_equal(bad, 0);
}

/* "key=" + value: one line of exactly `len` bytes (without its newline). */
static char *line_of(size_t len, const char *end)
{
	size_t n = len + strlen(end);
	char *s = malloc(n + 1);

	assert_non_null(s);
	memcpy(s, "username=", 9);
	memset(s + 9, 'x', len - 9);
	memcpy(s + len, end, strlen(end) + 1);
	return s;
}

static void test_parse_limits(void **state)
{
	jwtcred_error err = { "" };
	struct jc_cred c;
	char *s;
	size_t n;

	(void)state;
	/* a line of exactly 64 KiB is fine, one byte more is not */
	s = line_of(JC_CRED_MAX_LINE, "\n\n");
	assert_int_equal(jc_cred_parse(s, strlen(s), &c, &err), JWTCRED_OK);
	assert_int_equal(strlen(c.username), JC_CRED_MAX_LINE - 9);
	jc_cred_clear(&c);
	free(s);
	s = line_of(JC_CRED_MAX_LINE + 1, "\n\n");
	assert_int_equal(jc_cred_parse(s, strlen(s), &c, &err), JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "line"));
	assert_null(c.username);
	free(s);

	/* more than 1 MiB in all */
	n = JC_CRED_MAX_TOTAL + 1;
	s = malloc(n);
	assert_non_null(s);
	memset(s, 'x', n);
	for (size_t i = 1000; i < n; i += 1000)
		s[i] = '\n';
	err.text[0] = '\0';
	assert_int_equal(jc_cred_parse(s, n, &c, &err), JWTCRED_E_INPUT);
	assert_true(err.text[0] != '\0');
	free(s);

	/* a NUL byte anywhere, even where it would cut a value short */
	assert_int_equal(jc_cred_parse("host=example.com\0.evil.net\n\n", 28, &c, &err), JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "NUL"));
	assert_null(c.host);
}

/*
 * A line without '=' ends the request with nothing in it, as git's own
 * reader has it; the message names the line by number, never by content.
 */
static void test_parse_line_without_equals(void **state)
{
	static const struct {
		const char *text;
		const char *line; /* "line N " as the message must say */
	} rows[] = {
		{ "protocol=https\nhost=example.com\nfrobnicate\n\n", "line 3 " },
		{ "00D5g000004Xyz!secret\nprotocol=https\nhost=example.com\n\n", "line 1 " },
		{ "protocol=https\nhost=example.com\npassword", "line 3 " },
		{ "protocol=https\r\nhost=example.com\r\nx\r\n\r\n", "line 3 " },
		{ "protocol=https\n host\n\n", "line 2 " },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jwtcred_error err = { "" };
		struct jc_cred c;
		int rc = jc_cred_parse(rows[i].text, strlen(rows[i].text), &c, &err);

		if (rc != JWTCRED_E_INPUT || c.protocol || c.host || c.password ||
		    !tu_contains(err.text, rows[i].line) || !tu_contains(err.text, "'='") ||
		    tu_contains(err.text, "secret") || tu_contains(err.text, "frobnicate")) {
			print_error("row %zu: rc %d, host %s, message '%s'\n", i, rc, str0(c.host), err.text);
			bad++;
		}
		jc_cred_clear(&c);
	}
	/* after the blank line nothing is read, so nothing is wrong */
	{
		static const char text[] = "protocol=https\nhost=example.com\n\nfrobnicate\n";
		jwtcred_error err = { "" };
		struct jc_cred c;

		assert_int_equal(jc_cred_parse(text, strlen(text), &c, &err), JWTCRED_OK);
		assert_string_equal(c.host, "example.com");
		jc_cred_clear(&c);
	}
	assert_int_equal(bad, 0);
}

/* A child writes `len` bytes (a few at a time, with pauses, when `slow`)
 * and keeps the pipe open while it lives when `keep_open`.  Returns the read end. */
static int feed(const char *data, size_t len, bool keep_open, bool slow, pid_t *pid, int *tether)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	*pid = tu_fork(tether);
	assert_true(*pid >= 0);
	if (*pid == 0) {
		struct timespec pause_ts = { 0, 30 * 1000000L };
		size_t step = slow ? 7 : len;

		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		while (len) {
			size_t n = len < step ? len : step;
			ssize_t w = write(p[1], data, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(0); /* the reader gave up: fine */
			data += w;
			len -= (size_t)w;
			if (slow)
				nanosleep(&pause_ts, NULL);
		}
		if (keep_open)
			tu_child_wait(*tether);
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static int read_from_child(const char *data, size_t len, bool keep_open, bool slow,
                           struct jc_cred *c, jwtcred_error *err)
{
	pid_t pid;
	int fd, rc, tether;

	alarm(WATCHDOG_SECONDS);
	fd = feed(data, len, keep_open, slow, &pid, &tether);
	rc = jc_cred_read(fd, c, err);
	alarm(0);
	close(fd);
	tu_reap(pid, tether);
	return rc;
}

/* git may keep stdin open after the blank line: the read must still end. */
static void test_read_does_not_wait_for_eof(void **state)
{
	static const char *requests[] = {
		"protocol=https\nhost=example.com\n\n",
		"protocol=https\r\nhost=example.com\r\n\r\n",
		"protocol=https\nhost=example.com\n\nhost=evil.example\n",
	};
	jwtcred_error err = { "" };
	struct jc_cred c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		/* the write end stays open in this process: EOF never comes */
		int p[2];

		alarm(WATCHDOG_SECONDS);
		assert_int_equal(pipe(p), 0);
		assert_int_equal(write(p[1], requests[i], strlen(requests[i])), (ssize_t)strlen(requests[i]));
		assert_int_equal(jc_cred_read(p[0], &c, &err), JWTCRED_OK);
		alarm(0);
		close(p[0]);
		close(p[1]);
		assert_string_equal(c.protocol, "https");
		assert_string_equal(c.host, "example.com");
		jc_cred_clear(&c);
	}
	/* the same, arriving a few bytes at a time from a writer that stays */
	assert_int_equal(read_from_child(requests[1], strlen(requests[1]), true, true, &c, &err),
	                 JWTCRED_OK);
	assert_string_equal(c.host, "example.com");
	jc_cred_clear(&c);
}

static void test_read_limits(void **state)
{
	jwtcred_error err = { "" };
	struct jc_cred c;
	size_t n, i;
	char *s;

	(void)state;
	/* exactly 64 KiB on one line: fine, also with the writer still there */
	s = line_of(JC_CRED_MAX_LINE, "\n\n");
	assert_int_equal(read_from_child(s, strlen(s), true, false, &c, &err), JWTCRED_OK);
	assert_int_equal(strlen(c.username), JC_CRED_MAX_LINE - 9);
	jc_cred_clear(&c);
	free(s);

	/* 64 KiB + 1: refused, also when no newline ever comes */
	s = line_of(JC_CRED_MAX_LINE + 1, "\n\n");
	assert_int_equal(read_from_child(s, strlen(s), false, false, &c, &err), JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "line"));
	assert_null(c.username);
	free(s);
	s = line_of(JC_CRED_MAX_LINE + 1, "");
	assert_int_equal(read_from_child(s, strlen(s), true, false, &c, &err), JWTCRED_E_INPUT);
	free(s);

	/* more than 1 MiB of short "x=xxx..." lines, no blank line */
	n = JC_CRED_MAX_TOTAL + 4096;
	s = malloc(n);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = (i % 100 == 99) ? '\n' : (i % 100 == 1) ? '=' : 'x';
	err.text[0] = '\0';
	assert_int_equal(read_from_child(s, n, false, false, &c, &err), JWTCRED_E_INPUT);
	assert_true(err.text[0] != '\0');
	/* the same with the writer keeping the pipe open */
	assert_int_equal(read_from_child(s, n, true, false, &c, &err), JWTCRED_E_INPUT);
	/* exactly 1 MiB, then EOF: fine */
	assert_int_equal(read_from_child(s, JC_CRED_MAX_TOTAL, false, false, &c, &err), JWTCRED_OK);
	jc_cred_clear(&c);
	free(s);

	/* a NUL byte */
	assert_int_equal(read_from_child("host=example.com\0.evil.net\n\n", 28, true, false, &c, &err),
	                 JWTCRED_E_INPUT);
	assert_true(tu_contains(err.text, "NUL"));
	assert_null(c.host);
}

static void test_write(void **state)
{
	static const struct {
		const char *value;
		bool ok;
	} rows[] = {
		{ "alice", true },
		{ "", true },
		{ "a=b", true },
		{ "00D5g000004XXXX!AQ0AQHn.x_y-z", true },
		{ "r\xc3\xa9sum\xc3\xa9", true },    /* UTF-8 is not a control character */
		{ "a b", true },
		{ "a\nb", false },
		{ "x\npassword=evil", false },
		{ "a\rb", false },
		{ "trailing\n", false },
		{ "a\tb", false },
		{ "\x1b[31mred", false },
		{ "a\x7f", false },
		{ "\x01", false },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *buf = NULL, want[256];
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		int rc;

		assert_non_null(f);
		rc = jc_cred_write(f, "password", rows[i].value);
		assert_int_equal(fflush(f), 0);
		snprintf(want, sizeof(want), "password=%s\n", rows[i].value);
		if (rows[i].ok ? rc != JWTCRED_OK || strcmp(buf, want) != 0
		               : rc != JWTCRED_E_INPUT || len != 0) {
			char shown[256];

			print_error("value '%s': rc %d, wrote %zu bytes\n",
			            tu_visible(rows[i].value, shown, sizeof(shown)), rc, len);
			bad++;
		}
		fclose(f);
		free(buf);
	}
	assert_int_equal(bad, 0);
}

/* A whole answer, as the git front end writes it. */
static void test_write_sequence(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(jc_cred_write(f, "capability[]", "authtype"), JWTCRED_OK);
	assert_int_equal(jc_cred_write(f, "authtype", "Bearer"), JWTCRED_OK);
	assert_int_equal(jc_cred_write(f, "credential", "tok\nen"), JWTCRED_E_INPUT);
	assert_int_equal(jc_cred_write(f, "ephemeral", "1"), JWTCRED_OK);
	fclose(f);
	assert_string_equal(buf, "capability[]=authtype\nauthtype=Bearer\nephemeral=1\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_read_table),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_line_without_equals),
		cmocka_unit_test(test_read_does_not_wait_for_eof),
		cmocka_unit_test(test_read_limits),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_write_sequence),
	};

	return cmocka_run_group_tests_name("credproto", tests, NULL, NULL);
}
