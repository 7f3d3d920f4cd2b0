/*
 * proxy.h: name the proxy in the path of a request, for its errors.
 */
#ifndef JWTCRED_ENGINE_PROXY_H
#define JWTCRED_ENGINE_PROXY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * " through proxy 'http://host:port'" into buf when libcurl goes to the
 * https URL url through a proxy from the environment (https_proxy,
 * HTTPS_PROXY, all_proxy, ALL_PROXY: the first one set and not empty, as
 * libcurl's curl_getenv() skips an empty one; a host that no_proxy or
 * NO_PROXY (the first not empty) names, or a domain of it, or "*", or for a
 * numeric host the address or a CIDR block "127.0.0.0/8", "::1/128" that
 * holds it, goes direct), else "".  Only the proxy's scheme, host and port: a user name
 * or password in the variable never reaches buf.  Cut at len.
 */
void jc_proxy_text(const char *url, char *buf, size_t len);

/* The variable the proxy for url comes from (as above), or NULL: direct. */
const char *jc_proxy_var(const char *url);

/* Does the variable var hold a URL libcurl can take as a proxy? */
bool jc_proxy_var_valid(const char *var);

/*
 * Remove the user name and password from every URL-like part of s, in
 * place (s only gets shorter): "user:pass" in "https://user:pass@host",
 * and in a bare "user:pass@host" after a quote or a space, becomes three
 * stars.  For libcurl's error texts, which quote a
 * proxy variable as it is.
 */
void jc_scrub_userinfo(char *s);

#endif
