/*
 * shared.h: status --shared and purge --shared (cmd_shared.c), the
 * entries of the fleet's shared cache this machine can open.
 */
#ifndef JWTCRED_CLI_SHARED_H
#define JWTCRED_CLI_SHARED_H

#include "cli/cli.h"

int jc_status_shared(const struct jc_cli *cli);
int jc_purge_shared(const struct jc_cli *cli);

#endif
