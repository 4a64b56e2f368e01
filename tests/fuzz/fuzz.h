/*
 * tests/fuzz/fuzz.h - the fuzz targets' one entry point (libFuzzer's).
 *
 * Each fuzz_<target>.c defines it. `make fuzz` links them with clang's
 * libFuzzer and runs each for a bounded time; `make check` links them with
 * driver.c instead and replays the seed corpus and every past crash
 * (tests/fuzz/corpus/<target>/, tests/fuzz/regress/<target>/).
 */
#ifndef CXF_FUZZ_H
#define CXF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
