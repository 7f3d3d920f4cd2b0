/*
 * engine_load.c: the program loads the engine module on the first mint.
 *
 * Where: .libs/jwtcred-mint.so next to the running program when there is
 * one (a build tree, so an uninstalled jwtcred uses its own build), else
 * the path configure chose (JC_MINT_MODULE, under pkglibdir).
 */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

static const struct jc_engine *load(const char *path, char *why, size_t whylen)
{
	const struct jc_engine *ops;
	void *h;

	if (access(path, R_OK) != 0) {
		snprintf(why, whylen, "'%s' is missing", path);
		return NULL;
	}
	if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		snprintf(why, whylen, "%s", dlerror());
		return NULL;
	}
	ops = dlsym(h, "jc_engine_ops");
	if (!ops || ops->abi != JC_ENGINE_ABI) {
		snprintf(why, whylen, "'%s' is from another jwtcred build", path);
		dlclose(h);
		return NULL;
	}
	return ops; /* stays loaded for the life of the process */
}

const struct jc_engine *jc_engine(jwtcred_error *err)
{
	static const struct jc_engine *ops;
	char exe[PATH_MAX], path[PATH_MAX + 32], why[512] = "", why2[512] = "";
	char *slash;
	ssize_t n;

	if (ops)
		return ops;
	/* a build tree's own module first: an uninstalled jwtcred uses its build */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		snprintf(path, sizeof(path), "%s/.libs/jwtcred-mint.so", exe);
		if (access(path, F_OK) == 0 && (ops = load(path, why2, sizeof(why2))))
			return ops;
	}
	if ((ops = load(JC_MINT_MODULE, why, sizeof(why))))
		return ops;
	jc_fail(err, JWTCRED_E_SYSTEM, "cannot load the minting module: %s%s%s (reinstall jwtcred)",
	        why, *why2 ? "; " : "", why2);
	return NULL;
}
