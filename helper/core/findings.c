/*
 * findings.c: a bounded list of what a check found.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/findings.h"

int jc_findings_add(struct jc_findings *f, enum jc_level level, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int n, rc = -1;

	if (f->n >= JC_FINDINGS_MAX)
		goto out;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		goto out;
	if (n >= JC_FINDING_TEXT_MAX)
		n = JC_FINDING_TEXT_MAX - 1;
	if (!(text = malloc((size_t)n + 1)))
		goto out;
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	f->item[f->n].level = level;
	f->item[f->n].text = text;
	f->n++;
	text = NULL; /* transferred */
	rc = 0;
out:
	if (rc != 0)
		f->dropped++;
	free(text);
	return rc;
}

void jc_findings_clear(struct jc_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->item[i].text);
	f->n = 0;
	f->dropped = 0;
}
