/*
 * sharedconf.h: the shared_cache = { ... } group of the configuration, at
 * the top level (every profile's default) or in a profile (its own, or
 * false: none), read into struct jc_shared_cache (conf.h).
 *
 *   shared_cache = { url = "redis://127.0.0.1:6379/0"; username = "jwtcred";
 *                    password_file = "~/.config/jwtcred/redis.pass";
 *                    key_prefix = "jwtcred:"; timeout = 500; };
 */
#ifndef JWTCRED_SHAREDCONF_H
#define JWTCRED_SHAREDCONF_H

#include <libconfig.h>
#include <stdbool.h>

#include "core/conf.h"
#include "core/fail.h"
#include "core/settings.h"

#define JC_SHARED_DEFAULT_PORT 6379
#define JC_SHARED_DEFAULT_TIMEOUT_MS 500L
#define JC_SHARED_MAX_TIMEOUT_MS 10000L
#define JC_SHARED_MAX_PREFIX 64
#define JC_SHARED_MAX_DB 65535

/* Was this jwtcred built with the shared cache (hiredis)? */
bool jc_shared_supported(void);

/*
 * Parse url into c's scheme, host, port, socket and db (c's other fields
 * untouched; the old values of those freed).  JWTCRED_E_CONFIG with err
 * saying why (no file, no line: the caller adds them); rediss:// is
 * refused: the hiredis jwtcred builds with has no TLS.
 */
int jc_shared_url_parse(const char *url, struct jc_shared_cache *c, jwtcred_error *err);

/*
 * settings.c: profile p's shared_cache setting s: a group (p's own shared
 * cache) or false (none, whatever the top level says).  Sets p->shared_set.
 */
int jc_shared_read_profile(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s);

/*
 * conf.c, once the profiles are read: the top-level group top (or NULL)
 * into cfg->shared, and a copy of it into every profile that does not set
 * shared_cache itself.
 */
int jc_shared_conf(struct jc_loader *ld, const config_setting_t *top, struct jwtcred_config *cfg);

/* A deep copy of c into *out (NULL for NULL). */
int jc_shared_copy(const struct jc_shared_cache *c, struct jc_shared_cache **out);

void jc_shared_free(struct jc_shared_cache *c);

#endif
