/*
 * introspect.h: a Salesforce token's real expiry, from the introspection
 * endpoint (RFC 7662) on the profile's login host, when the profile has the
 * app's consumer secret.
 */
#ifndef JWTCRED_INTROSPECT_H
#define JWTCRED_INTROSPECT_H

#include "core/answer.h"
#include "core/conf.h"

/*
 * After a successful mint for p: when p is a Salesforce profile with
 * client_secret_file and the answer has no expires_in, set a->expires_in
 * from the introspected exp.  Never fails: on any problem the answer stays
 * as it was (token_lifetime applies) and a -v trace says why.
 */
void jc_introspect_expiry(const struct jc_profile *p, struct jc_answer *a);

#endif
