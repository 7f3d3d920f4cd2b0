/*
 * kubeproto.h: KUBERNETES_EXEC_INFO, what kubectl hands an exec credential
 * plugin, parsed.  Pure functions (no I/O), so jwtcred kubectl and the
 * fuzz target share them.
 */
#ifndef JWTCRED_KUBEPROTO_H
#define JWTCRED_KUBEPROTO_H

#include <stddef.h>

#include "core/fail.h"

#define JC_KUBE_MAX_EXEC_INFO (64 * 1024)
#define JC_KUBE_API_V1 "client.authentication.k8s.io/v1"
#define JC_KUBE_API_V1BETA1 "client.authentication.k8s.io/v1beta1"

/* What KUBERNETES_EXEC_INFO says; both strings are the caller's. */
struct jc_exec_info {
	char *api_version; /* JC_KUBE_API_V1 or JC_KUBE_API_V1BETA1, never NULL on success */
	char *server;      /* spec.cluster.server (provideClusterInfo), or NULL */
};

/*
 * Parse KUBERNETES_EXEC_INFO; NULL or "" gives the defaults (v1, no
 * server).  JWTCRED_E_INPUT with a one-line reason for text over
 * JC_KUBE_MAX_EXEC_INFO bytes, text that is not a JSON object, an
 * apiVersion jwtcred does not speak, or a spec.cluster that is there but
 * has no string server (a spec or cluster that is not an object, a server
 * that is missing or not a string).  Values quoted in the reason are
 * escaped (jc_escape).  *out is cleared on failure.
 */
int jc_kube_exec_info_parse(const char *text, struct jc_exec_info *out, jwtcred_error *err);
void jc_exec_info_clear(struct jc_exec_info *info);

#endif
