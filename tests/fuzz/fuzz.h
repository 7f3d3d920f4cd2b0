/*
 * fuzz.h: what every fuzz target includes.  A target is built with
 * libFuzzer (--enable-fuzzing) and, for make check, with replay.c, which
 * feeds it the committed corpus and the regression inputs.
 */
#ifndef JWTCRED_FUZZ_H
#define JWTCRED_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
