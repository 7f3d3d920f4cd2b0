/*
 * cmd_status.c: jwtcred status [--json]: the cached tokens, never the
 * tokens themselves; --profile filters the listing (a name that is neither
 * in the configuration nor in the cache is an error).  With the
 * configuration at hand, each entry also says until when it is served
 * (its expiry minus the margin: token --format json's expires_at), when
 * it will be refreshed ahead of expiry (REFRESH) and how its last
 * background refresh went (LAST REFRESH).
 *
 * The walk builds one JSON object per entry; the table is printed from
 * them, its columns as wide as their longest cell.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/entries.h"
#include "cli/msgs.h"
#include "cli/shared.h"
#include "core/clock.h"
#include "core/refresh.h"
#include "core/trace.h"

/* The table's columns, in order; the last is not padded. */
enum column { C_PROFILE, C_SUBJECT, C_ISSUED, C_SERVED, C_EXPIRES, C_REFRESH, C_LAST, C_LEFT, NCOLS };

static const char *const headers[NCOLS] = {
	"PROFILE", "SUBJECT", "ISSUED", "SERVED UNTIL", "EXPIRES", "REFRESH", "LAST REFRESH", "REMAINING",
};

#define CELL 64 /* bytes of a cell other than profile and subject */

struct row {
	char *profile, *subject; /* owned */
	char cell[NCOLS][CELL];  /* the other columns */
};

struct listing {
	const struct jc_cli *cli;
	struct jwtcred_config *cfg; /* or NULL: REFRESH and SERVED UNTIL are "?" */
	json_t *entries;            /* the JSON array, one object per entry listed */
	struct row *rows;
	size_t nrows, cap;
	long long now;
	bool nomem;
};


/* The profile of cfg that made e as it is now, or NULL. */
static const struct jc_profile *maker(const struct listing *l, const char *name,
                                      const struct jc_entry *e)
{
	const struct jc_profile *p = NULL;
	bool same = false;

	if (!l->cfg || jc_conf_profile(l->cfg, e->profile, &p, NULL) != 0 ||
	    jc_cache_entry_matches(p, name, e, &same) != 0 || !same)
		return NULL;
	return p;
}

/*
 * The refresh state of e: "unknown" (no profile of cfg made it), "off",
 * "not served", "backing off" (due, but its last refresh failed or never
 * ended less than a minute ago: none is started before then), "due", or
 * "scheduled" at *at.  The table says "?", "off", "-", "backing off",
 * "due" or the time.
 */
static const char *refresh_state(const struct listing *l, const struct jc_profile *p,
                                 const struct jc_entry *e, const struct jc_refresh_record *r,
                                 long long *at)
{
	*at = 0;
	if (!p)
		return "unknown";
	if (!p->cache || !(*at = jc_refresh_point(e, p)))
		return "off";
	if (!jc_entry_fresh(e, p, l->now))
		return "not served";
	if (*at <= l->now && r && jc_refresh_backing_off(r, e, l->now))
		return "backing off";
	if (*at <= l->now)
		return "due";
	return "scheduled";
}

static void refresh_cell(const char *state, long long at, char *buf, size_t len)
{
	if (strcmp(state, "scheduled") == 0)
		jc_rfc3339(at, buf, len);
	else if (strcmp(state, "unknown") == 0)
		snprintf(buf, len, "?");
	else if (strcmp(state, "not served") == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s", state);
}

/*
 * Is the entry's lock held (a refresh, or a mint, at work)?  Never creates
 * the lock file; a refresh record that never finished and whose lock is
 * free was killed.
 */
static bool lock_held(int dirfd, const char *name)
{
	char lockname[JC_ENTRY_NAME + 8];
	bool held = false;
	int fd;

	snprintf(lockname, sizeof(lockname), "%s.lock", name);
	if ((fd = openat(dirfd, lockname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		held = errno == EWOULDBLOCK;
	close(fd); /* and with it the lock, when this took it */
	return held;
}

/* How the last background refresh went, r being its record: ok, failed, running or killed. */
static const char *last_result(int dirfd, const char *name, const struct jc_refresh_record *r)
{
	if (r->finished)
		return r->status == JWTCRED_OK ? "ok" : "failed";
	return lock_held(dirfd, name) ? "running" : "killed";
}

/* A new row (zeroed) at the end of l->rows, or NULL out of memory. */
static struct row *add_row(struct listing *l)
{
	struct row *grown;

	if (l->nrows == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		if (!(grown = realloc(l->rows, cap * sizeof(*grown))))
			return NULL;
		l->rows = grown;
		l->cap = cap;
	}
	memset(&l->rows[l->nrows], 0, sizeof(l->rows[0]));
	return &l->rows[l->nrows++];
}

/* An entry that cannot be read: listed as "?" with its file name. */
static int list_damaged(struct listing *l, const char *name)
{
	json_t *o = json_pack("{s:s s:b}", "entry", name, "damaged", 1);
	struct row *row = add_row(l);
	int i;

	if (!o || !row || json_array_append_new(l->entries, o) != 0 ||
	    !(row->profile = strdup("?")) || !(row->subject = strdup("(damaged or foreign)"))) {
		l->nomem = true;
		return 1;
	}
	for (i = C_ISSUED; i < C_LEFT; i++)
		snprintf(row->cell[i], CELL, "-");
	snprintf(row->cell[C_LEFT], CELL, "%s", name);
	return 0;
}

/* The table's cells of entry e but LAST REFRESH (last_refresh() fills it). */
static void fill_cells(struct row *row, const struct jc_entry *e, const struct jc_profile *p,
                       const char *state, long long at, long long rem)
{
	jc_rfc3339(e->issued, row->cell[C_ISSUED], CELL);
	if (p)
		jc_rfc3339(jc_entry_deadline(e, p), row->cell[C_SERVED], CELL);
	else
		snprintf(row->cell[C_SERVED], CELL, "?");
	jc_rfc3339(e->expires, row->cell[C_EXPIRES], CELL);
	refresh_cell(state, at, row->cell[C_REFRESH], CELL);
	if (rem <= 0)
		snprintf(row->cell[C_LEFT], CELL, "expired");
	else
		snprintf(row->cell[C_LEFT], CELL, "%lldm%02llds", rem / 60, rem % 60);
}

/* The last background refresh, as JSON (null: none) and as the table's cell. */
static json_t *last_refresh(int dirfd, const char *name, const struct jc_refresh_record *r,
                            char *cell)
{
	json_t *o;

	snprintf(cell, CELL, "-");
	if (!r)
		return json_null();
	jc_rfc3339(r->started, cell, CELL);
	snprintf(cell + strlen(cell), CELL - strlen(cell), " %s", last_result(dirfd, name, r));
	if ((o = json_pack("{s:s}", "result", last_result(dirfd, name, r))))
		jc_json_set_time(o, "started", r->started);
	return o;
}

static int list_entry(int dirfd, const char *name, struct jc_entry *e, void *arg)
{
	struct listing *l = arg;
	struct jc_refresh_record r;
	const struct jc_profile *p;
	const char *state;
	struct row *row;
	long long at, rem;
	json_t *o, *refresh;
	bool have;

	if (l->cli->profile && (!e->profile || strcmp(l->cli->profile, e->profile) != 0))
		return 0;
	if (!e->token)
		return list_damaged(l, name);
	p = maker(l, name, e);
	have = jc_refresh_record_read(dirfd, name, e->params, &r) == 0;
	state = refresh_state(l, p, e, have ? &r : NULL, &at);
	rem = e->expires - l->now;
	if (!(row = add_row(l)) || !(row->profile = strdup(e->profile)) ||
	    !(row->subject = strdup(e->subject ? e->subject : "")) ||
	    !(o = json_pack("{s:s s:s s:s s:b}", "entry", name, "profile", e->profile, "subject",
	                    e->subject ? e->subject : "", "damaged", 0))) {
		l->nomem = true;
		return 1;
	}
	fill_cells(row, e, p, state, at, rem);
	jc_json_set_time(o, "issued", e->issued);
	jc_json_set_time(o, "serve_until", p ? jc_entry_deadline(e, p) : 0);
	jc_json_set_time(o, "expires", e->expires);
	json_object_set_new(o, "remaining_seconds", json_integer(rem > 0 ? rem : 0));
	json_object_set_new(o, "served", p ? json_boolean(jc_entry_fresh(e, p, l->now)) : json_null());
	if ((refresh = json_pack("{s:s}", "state", state)))
		jc_json_set_time(refresh, "at", strcmp(state, "scheduled") == 0 ? at : 0);
	json_object_set_new(o, "refresh", refresh);
	json_object_set_new(o, "last_refresh", last_refresh(dirfd, name, have ? &r : NULL,
	                                                    row->cell[C_LAST]));
	if (json_array_append_new(l->entries, o) != 0) {
		l->nomem = true;
		return 1;
	}
	return 0;
}

/* The text of column c of row r (NULL: the header). */
static const char *cell(const struct row *r, int c)
{
	if (!r)
		return headers[c];
	return c == C_PROFILE ? r->profile : c == C_SUBJECT ? r->subject : r->cell[c];
}

static void print_line(const struct row *r, const int width[NCOLS])
{
	int c;

	for (c = 0; c < NCOLS - 1; c++)
		printf("%-*s ", width[c], cell(r, c));
	printf("%s\n", cell(r, NCOLS - 1));
}

/* The table: each column as wide as its longest cell. */
static void print_table(const struct listing *l)
{
	int width[NCOLS] = { 0 }, c;
	size_t i;

	for (c = 0; c < NCOLS; c++) {
		width[c] = (int)strlen(headers[c]);
		for (i = 0; i < l->nrows; i++)
			if ((int)strlen(cell(&l->rows[i], c)) > width[c])
				width[c] = (int)strlen(cell(&l->rows[i], c));
	}
	print_line(NULL, width);
	for (i = 0; i < l->nrows; i++)
		print_line(&l->rows[i], width);
}

/* One JSON document: the cache, the configuration read, the time, the entries. */
static int print_json(const struct listing *l, const char *dirpath)
{
	json_t *doc = json_pack("{s:s}", "cache", dirpath);
	char *text = NULL;
	int rc = -1;

	if (doc) {
		json_object_set_new(doc, "configuration",
		                    l->cfg ? json_string(l->cfg->path) : json_null());
		jc_json_set_time(doc, "now", l->now);
		json_object_set(doc, "entries", l->entries);
	}
	if (doc && (text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		rc = printf("%s\n", text) < 0 ? -1 : 0;
	free(text);
	json_decref(doc);
	return rc;
}

/*
 * The configuration, when there is one: the listing does not need it
 * (without one REFRESH and SERVED UNTIL say "?").  When --profile names
 * a profile it does not have, or it cannot be read to tell, *unknown
 * holds the message.
 */
static void load_config(struct listing *l, jwtcred_error *unknown, bool *is_unknown)
{
	const struct jc_profile *p;
	const char *path = l->cli->config_path;
	char *def = NULL;
	jwtcred_error err;

	*is_unknown = false;
	if ((path || (path = def = jc_conf_default_path())) && jc_conf_load(path, &l->cfg, &err) != 0) {
		jc_trace("%s", err.text);
		*unknown = err;
		*is_unknown = l->cli->profile != NULL;
	}
	free(def);
	if (l->cfg && l->cli->profile && jc_conf_profile(l->cfg, l->cli->profile, &p, unknown) != 0)
		*is_unknown = true;
}

static void free_listing(struct listing *l)
{
	size_t i;

	for (i = 0; i < l->nrows; i++) {
		free(l->rows[i].profile);
		free(l->rows[i].subject);
	}
	free(l->rows);
	json_decref(l->entries);
	jc_conf_free(l->cfg);
}

int jc_front_status(const struct jc_cli *cli)
{
	struct listing l = { cli, NULL, NULL, NULL, 0, 0, jc_now(), false };
	char *dirpath = NULL;
	jwtcred_error err, unknown;
	bool is_unknown;
	int dirfd, status;

	if (cli->shared)
		return jc_status_shared(cli);
	l.entries = json_array();
	/* a broken cache is an error, not an empty table */
	if (jc_cache_open(&dirfd, &dirpath, &err) != 0) {
		jc_say("%s", err.text);
		json_decref(l.entries);
		return JC_EXIT_FAIL;
	}
	close(dirfd);
	load_config(&l, &unknown, &is_unknown);
	status = l.entries ? jc_each_entry(list_entry, &l) : JC_EXIT_FAIL;
	if (l.nomem || !l.entries) {
		jc_say("out of memory");
		status = JC_EXIT_FAIL;
	} else if (is_unknown && l.nrows == 0) {
		/* a typo, not an empty cache; a profile since removed still lists its entries */
		jc_say("%s", unknown.text);
		status = JC_EXIT_FAIL;
	} else if (cli->json) {
		if (print_json(&l, dirpath) != 0)
			status = JC_EXIT_FAIL;
	} else {
		print_table(&l);
	}
	if (fflush(stdout) != 0)
		status = JC_EXIT_FAIL;
	free(dirpath);
	free_listing(&l);
	return status;
}
