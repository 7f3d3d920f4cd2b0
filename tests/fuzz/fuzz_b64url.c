/*
 * fuzz_b64url.c: base64url both ways: any bytes survive encode + decode,
 * and whatever decodes encodes back to text that decodes to the same bytes.
 */
#include "config.h"

#include "fuzz.h"
#include "engine/jwt.h"

static void round_trip(const unsigned char *bytes, size_t len)
{
	unsigned char *back = NULL;
	char *enc = NULL;
	size_t blen = 0;

	if (jc_b64url_encode(bytes, len, &enc) == JWTCRED_OK &&
	    (strpbrk(enc, "+/=") || jc_b64url_decode(enc, strlen(enc), &back, &blen) != JWTCRED_OK ||
	     blen != len || memcmp(back, bytes, len) != 0))
		abort();
	free(enc);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *dec = NULL;
	char *text = malloc(size + 1);
	size_t dlen;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	round_trip(data, size);
	if (jc_b64url_decode(text, size, &dec, &dlen) == JWTCRED_OK)
		round_trip(dec, dlen);
	free(dec);
	free(text);
	return 0;
}
