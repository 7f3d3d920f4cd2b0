/*
 * fuzz_unseal.c: a shared-cache value (jc_unseal) under a fixed key and
 * name.  Forged bytes rarely get past the tag, so the same bytes are also
 * read as the JSON behind it (jc_entry_decode); whatever decodes must seal
 * and open back to the same entry.
 */
#include "config.h"

#include "fuzz.h"
#include "engine/sealed.h"

#define NAME "d30933c765f6ea4dde089c0e355f97fe" /* the corpus is sealed under it */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char ikm[] = "fuzz_unseal: a fixed key, not a secret";
	struct jc_seal_key k;
	struct jc_entry e, back;
	unsigned char *val = NULL;
	size_t len;
	jwtcred_error err;

	if (jc_seal_key_init(&k, ikm, sizeof(ikm) - 1, &err) != JWTCRED_OK)
		abort();
	if (jc_unseal(&k, NAME, data, size, &e, &err) == JWTCRED_OK)
		jc_entry_clear(&e);
	if (jc_entry_decode((const char *)data, size, &e) == JWTCRED_OK &&
	    jc_seal(&k, NAME, &e, &val, &len, &err) == JWTCRED_OK) {
		if (jc_unseal(&k, NAME, val, len, &back, &err) != JWTCRED_OK ||
		    strcmp(back.token, e.token) != 0 || strcmp(back.params, e.params) != 0 ||
		    back.issued != e.issued || back.expires != e.expires)
			abort();
		jc_entry_clear(&back);
	}
	jc_entry_clear(&e); /* zeroed by a failed decode: clearing it is safe */
	free(val);
	jc_seal_key_clear(&k);
	return 0;
}
