/*
 * pubsuffix.c: the Public Suffix List through libpsl, loaded with dlopen
 * on first use.
 *
 * The list is libpsl's built-in copy (psl_builtin: no file to read, which
 * keeps a cache hit cheap); only a libpsl built without one reads the
 * system's (psl_latest).  The library stays loaded for the life of the
 * process.
 */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libpsl.h>

#include "core/fail.h"
#include "core/pubsuffix.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *soname = JC_LIBPSL_SONAME;
static struct {
	bool tried;
	void *lib;
	const psl_ctx_t *ctx;
	psl_ctx_t *owned;   /* ctx, when psl_latest made it */
	int (*is_public)(const psl_ctx_t *, const char *, int);
	void (*free_ctx)(psl_ctx_t *);
	char why[200];      /* when ctx is NULL */
} psl;

/* Under the lock: load libpsl and its list once. */
static void load(void)
{
	const psl_ctx_t *(*builtin)(void);
	psl_ctx_t *(*latest)(const char *);
	const char *e;

	psl.tried = true;
	if (!(psl.lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL))) {
		e = dlerror();
		snprintf(psl.why, sizeof(psl.why), "%s", e ? e : soname);
		return;
	}
	*(void **)&builtin = dlsym(psl.lib, "psl_builtin");
	*(void **)&latest = dlsym(psl.lib, "psl_latest");
	*(void **)&psl.is_public = dlsym(psl.lib, "psl_is_public_suffix2");
	*(void **)&psl.free_ctx = dlsym(psl.lib, "psl_free");
	if (!psl.is_public || (!builtin && !latest)) {
		snprintf(psl.why, sizeof(psl.why), "%s lacks psl_is_public_suffix2 (libpsl 0.13 or later needed)",
		         soname);
		return;
	}
	if (builtin)
		psl.ctx = builtin();
	if (!psl.ctx && latest)
		psl.ctx = psl.owned = latest(NULL);
	if (!psl.ctx)
		snprintf(psl.why, sizeof(psl.why), "%s has no list built in and none was found", soname);
}

int jc_public_suffix(const char *domain, bool *out, jwtcred_error *err)
{
	int rc = JWTCRED_OK;

	*out = false;
	pthread_mutex_lock(&lock);
	if (!psl.tried)
		load();
	if (psl.ctx)
		*out = psl.is_public(psl.ctx, domain, PSL_TYPE_ANY) != 0;
	else
		rc = jc_fail(err, JWTCRED_E_SYSTEM, "%s", psl.why);
	pthread_mutex_unlock(&lock);
	return rc;
}

void jc_public_suffix_library(const char *name)
{
	pthread_mutex_lock(&lock);
	if (psl.owned && psl.free_ctx)
		psl.free_ctx(psl.owned);
	if (psl.lib)
		dlclose(psl.lib);
	memset(&psl, 0, sizeof(psl));
	soname = name ? name : JC_LIBPSL_SONAME;
	pthread_mutex_unlock(&lock);
}
