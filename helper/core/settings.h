/*
 * settings.h: private to the configuration reader (conf.c, settings.c and
 * the provider files): the file being read, its one error function, and
 * the helpers the providers' checks share.  Not for other callers: they
 * use conf.h.
 */
#ifndef JWTCRED_SETTINGS_H
#define JWTCRED_SETTINGS_H

#include <libconfig.h>

#include "core/conf.h"
#include "core/fail.h"

#define JC_CONF_MAX_STRING 4096

/* The configuration being read. */
struct jc_loader {
	const char *file;    /* for messages */
	char *dir;           /* for relative paths; NULL: current directory */
	jwtcred_error *err;
};

/*
 * Fail with JWTCRED_E_CONFIG: "'<file>':<line of s>: <what>" (without the
 * line when s is NULL or has none).  Returns JWTCRED_E_CONFIG.
 */
int jc_conf_bad(struct jc_loader *ld, const config_setting_t *s, const char *fmt, ...)
	JC_PRINTF(3, 4);

/*
 * A path setting's value v, resolved: "~/x" -> $HOME/x; "x" -> <config
 * dir>/x; "/x" stays.  *out is a new string.
 */
int jc_conf_path(struct jc_loader *ld, const config_setting_t *s, const char *v, char **out);

/* settings.c: read the `provider` setting s into p->provider. */
int jc_setting_read_provider(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s);

/*
 * settings.c: read setting s of profile p (the provider setting is
 * skipped: read first).  Unknown names, settings of another provider and
 * bad values are errors that name the fix.
 */
int jc_setting_read(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s);

/*
 * settings.c: s must be a string for setting `what`: not empty, bounded,
 * no control character, UTF-8.  *out is borrowed from s.
 */
int jc_conf_string(struct jc_loader *ld, const struct jc_profile *p, const char *what,
                   const config_setting_t *s, const char **out);

/* provider_github.c: repositories = [ "widgets" ]; and permissions = { contents = "read"; }; */
int jc_github_read_repositories(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s);
int jc_github_read_permissions(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s);

/* provider_client.c: thumbprint = "x5t#S256" | "x5t" | "both" | "none"; */
int jc_client_read_thumbprint(struct jc_loader *ld, struct jc_profile *p, const config_setting_t *s);

/* provider.c: the checks and defaults that providers share. */

/*
 * url must be an https URL jwtcred may post to (jc_https_url_check; flags
 * as there); *canonical (when canonical is not NULL) is a new string, its
 * canonical form: lower-case host, no default port, no trailing slash.
 */
int jc_conf_check_https(struct jc_loader *ld, const config_setting_t *s, const struct jc_profile *p,
                        const char *what, const char *url, unsigned flags, char **canonical);

/* *field = a copy of v unless *field is set already. */
int jc_conf_default(char **field, const char *v);

/* The profile's one audience: a copy of v. */
int jc_conf_one_audience(struct jc_profile *p, const char *v);

/* field (any pointer) must be set: else "profile '…' has no 'name' (required …)[: example]". */
int jc_conf_require(struct jc_loader *ld, const struct jc_profile *p, config_setting_t *grp,
                    const void *field, const char *name, const char *example);

/* p->algorithm must be one its provider signs with (only_alg, or any of jwsalg.h). */
int jc_conf_check_alg(struct jc_loader *ld, const struct jc_profile *p, config_setting_t *grp);

#endif
