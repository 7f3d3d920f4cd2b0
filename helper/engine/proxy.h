/*
 * proxy.h: name the proxy in the path of a request, for its errors.
 */
#ifndef JWTCRED_ENGINE_PROXY_H
#define JWTCRED_ENGINE_PROXY_H

#include <stddef.h>

/*
 * " through proxy 'http://host:port'" into buf when libcurl goes to the
 * https URL url through a proxy from the environment (https_proxy,
 * HTTPS_PROXY, all_proxy, ALL_PROXY: the first one set, even empty; a host
 * that no_proxy or NO_PROXY names, or a domain of it, or "*", goes
 * direct), else "".  Only the proxy's scheme, host and port: a user name
 * or password in the variable never reaches buf.  Cut at len.
 */
void jc_proxy_text(const char *url, char *buf, size_t len);

#endif
