/*
 * profile.h: the configuration and the profile the command line names.
 */
#ifndef JWTCRED_CLI_PROFILE_H
#define JWTCRED_CLI_PROFILE_H

#include "cli/cli.h"
#include "core/conf.h"

/*
 * Load the configuration --config names (else the default path) into
 * *cfg (the caller's; jc_conf_free, NULL on failure).  Says why on
 * failure.  Returns an exit status.
 */
int jc_cli_config(const struct jc_cli *cli, struct jwtcred_config **cfg);

/*
 * The configuration, and in it the profile --profile names (or the only
 * one): *p is borrowed from *cfg.  Says why on failure (*cfg may then be
 * set: free it either way).  Returns an exit status.
 */
int jc_cli_profile(const struct jc_cli *cli, struct jwtcred_config **cfg,
                   const struct jc_profile **p);

#endif
