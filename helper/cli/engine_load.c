/*
 * engine_load.c: the program loads the engine module on the first mint.
 *
 * From one place, fixed when the program is built (see Makefile.am):
 * - jwtcred, the installed program: JC_MINT_MODULE only, the module under
 *   $(pkglibdir) that was installed with it.  Nothing beside the program,
 *   in the current directory or in the environment can make it load
 *   other code.
 * - jwtcred-uninstalled, the build tree's program (never installed; make
 *   check, distcheck, demo.sh and make bench run it), built with
 *   JC_MINT_BESIDE_PROGRAM: .libs/jwtcred-mint.so in the directory of the
 *   running program, which is the build's own module.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/engine.h"
#include "core/fail.h"

#ifdef JC_MINT_BESIDE_PROGRAM
#define FIX "run make in the build tree"
#else
#define FIX "reinstall jwtcred"
#endif

/* Where this program's module is; -1 (why filled) when it cannot say. */
static int module_path(char *path, size_t len, char *why, size_t whylen)
{
#ifdef JC_MINT_BESIDE_PROGRAM
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0) {
		snprintf(why, whylen, "cannot find the running program: %s", strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')))
		*slash = '\0';
	if ((size_t)snprintf(path, len, "%s/.libs/jwtcred-mint.so", exe) >= len) {
		snprintf(why, whylen, "the path of the running program is too long");
		return -1;
	}
#else
	(void)why;
	(void)whylen;
	if ((size_t)snprintf(path, len, "%s", JC_MINT_MODULE) >= len)
		return -1;
#endif
	return 0;
}

const struct jc_engine *jc_engine(jwtcred_error *err)
{
	static const struct jc_engine *ops;
	char path[PATH_MAX + 32], why[PATH_MAX + 128] = "";
	const struct jc_engine *found = NULL;
	void *h = NULL;

	if (ops)
		return ops;
	if (module_path(path, sizeof(path), why, sizeof(why)) != 0)
		goto out;
	if (access(path, R_OK) != 0) {
		snprintf(why, sizeof(why), "'%s' is missing", path);
		goto out;
	}
	if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		snprintf(why, sizeof(why), "%s", dlerror());
		goto out;
	}
	found = dlsym(h, "jc_engine_ops");
	if (!found || found->abi != JC_ENGINE_ABI) {
		snprintf(why, sizeof(why), "'%s' is from another jwtcred build", path);
		found = NULL;
		dlclose(h);
		goto out;
	}
	ops = found; /* stays loaded for the life of the process */
out:
	if (!ops)
		jc_fail(err, JWTCRED_E_SYSTEM, "cannot load the minting module: %s (" FIX ")", why);
	return ops;
}
