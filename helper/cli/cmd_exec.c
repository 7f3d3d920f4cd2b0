/*
 * cmd_exec.c: jwtcred exec -- COMMAND ARGS.
 *
 * exec puts the token in the child's environment, which only the child's
 * owner can read (unlike argv: ps, /proc/PID/cmdline).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/msgs.h"
#include "cli/process.h"
#include "cli/profile.h"
#include "cli/refresh.h"
#include "core/singleflight.h"

int jc_front_exec(const struct jc_cli *cli)
{
	struct jwtcred_config *cfg = NULL;
	const struct jc_profile *p;
	struct jc_entry e = { 0 };
	jwtcred_error err;
	int status;

	if (cli->nrest == 0) {
		jc_say("exec needs a command: jwtcred exec [--profile NAME] -- COMMAND [ARGS...]");
		return JC_EXIT_USAGE;
	}
	if ((status = jc_cli_profile(cli, &cfg, &p)) != JC_EXIT_OK)
		goto out;
	status = JC_EXIT_FAIL;
	if (jc_token_fetch(p, 0, &e, &err) != 0) {
		jc_say("%s", err.text);
		goto out;
	}
	/*
	 * The command takes this process over: the refresh starts now, the
	 * command's stdout kept, and before the token is in the environment,
	 * which the worker would otherwise carry (/proc/PID/environ) as long
	 * as it lives.
	 */
	jc_cli_refresh_ahead(p, 0, &e, false);
	if (setenv("JWTCRED_ACCESS_TOKEN", e.token, 1) != 0 ||
	    (e.instance_url ? setenv("JWTCRED_INSTANCE_URL", e.instance_url, 1)
	                    : unsetenv("JWTCRED_INSTANCE_URL")) != 0) {
		jc_say("cannot set the environment: %s", strerror(errno));
		goto out;
	}
	/* the names the provider's own tools read (Salesforce's sf CLI: SF_ACCESS_TOKEN) */
	{
		const struct jc_provider_def *prov = jc_provider_of(p->provider);

		if (prov->env_token &&
		    (setenv(prov->env_token, e.token, 1) != 0 ||
		     (prov->env_instance_url &&
		      (e.instance_url ? setenv(prov->env_instance_url, e.instance_url, 1)
		                      : unsetenv(prov->env_instance_url)) != 0))) {
			jc_say("cannot set the environment: %s", strerror(errno));
			goto out;
		}
	}
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	cfg = NULL;
	fflush(NULL);
	jc_child_defaults(cli); /* the caller's umask and SIGXFSZ */
	execvp(cli->rest[0], cli->rest);
	status = errno == ENOENT ? 127 : 126;
	jc_say("cannot run '%s': %s", cli->rest[0], strerror(errno));
out:
	jc_entry_clear(&e);
	jc_conf_free(cfg);
	return status;
}
