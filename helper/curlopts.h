/*
 * curlopts.h: the table of curl's options (curlopts.c).
 */
#ifndef JWTCRED_CURLOPTS_H
#define JWTCRED_CURLOPTS_H

#include <stddef.h>

struct jc_curlopt {
	const char *name;  /* long name without "--" */
	char letter;       /* short option, or 0 */
	int value;         /* takes an argument */
};

extern const struct jc_curlopt jc_curlopts[];
extern const size_t jc_ncurlopts;

#endif
