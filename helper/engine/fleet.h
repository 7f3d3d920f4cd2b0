/*
 * fleet.h: the shared cache in Redis, for a fleet of machines that mint
 * one token per profile between them (issue 15).
 *
 * The core calls the engine's mint only on a local miss, under the local
 * single-flight lock: per machine, one process talks to Redis.  There,
 * jc_fleet_mint looks up the profile's shared entry (sealed, sealed.h),
 * and on a miss takes a fleet-wide lock and mints (or waits for the
 * machine that holds it).  Any Redis trouble falls back to minting here,
 * with one warning line per process; a token is never served past the
 * expiry we decrypted.
 */
#ifndef JWTCRED_FLEET_H
#define JWTCRED_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer.h"
#include "core/conf.h"
#include "core/engine.h"
#include "core/fail.h"

/* jc_mint() for a profile with a shared cache and in->shared: the contract is jc_mint's. */
int jc_fleet_mint(const struct jc_profile *p, const struct jc_mint_in *in, struct jc_answer *out,
                  jwtcred_error *err);

/* The engine table's shared_drop and shared_scan (core/engine.h). */
int jc_fleet_drop(const struct jc_profile *p, const char *owner, const char *token, bool *dropped,
                  jwtcred_error *err);
int jc_fleet_scan(const struct jc_profile *p, bool purge, jc_shared_each_fn each, void *arg,
                  size_t *n, jwtcred_error *err);

#endif
