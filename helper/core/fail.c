/*
 * fail.c: the one way the core and the engine report an error.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/fail.h"

int jc_fail(jwtcred_error *err, int status, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return status;
}
