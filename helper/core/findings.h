/*
 * findings.h: what a check found, as data.  The engine fills a list of
 * findings (a key that fits, a certificate about to expire, a refusal); the
 * program prints them.  Bounded: at most JC_FINDINGS_MAX entries of at most
 * JC_FINDING_TEXT_MAX bytes each.
 */
#ifndef JWTCRED_FINDINGS_H
#define JWTCRED_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/fail.h"

#define JC_FINDINGS_MAX 16
#define JC_FINDING_TEXT_MAX 8192

enum jc_level {
	JC_INFO,    /* what was checked and passed */
	JC_WARNING, /* passes today, but something needs doing */
	JC_ERROR,   /* does not pass */
};

struct jc_finding {
	enum jc_level level;
	char *text; /* owned by the list; one line, no "jwtcred: " prefix */
};

/* Start it zeroed: struct jc_findings f = { 0 }. */
struct jc_findings {
	struct jc_finding item[JC_FINDINGS_MAX];
	size_t n;
	size_t dropped; /* findings that did not fit or found no memory */
};

/*
 * Append a finding; text longer than JC_FINDING_TEXT_MAX - 1 is cut.
 * Returns 0, or -1 when the list is full or memory ran out (counted in
 * f->dropped; the list is unchanged otherwise).
 */
int jc_findings_add(struct jc_findings *f, enum jc_level level, const char *fmt, ...)
	JC_PRINTF(3, 4);

/* Free every text and empty the list (it can be filled again). */
void jc_findings_clear(struct jc_findings *f);

#endif
