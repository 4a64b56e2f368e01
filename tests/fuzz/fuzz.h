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
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string for the text parsers (a NUL inside
 * ends it early, as it would for any C caller); free() it. NULL when out of
 * memory. Inputs naming a "backing" file are skipped (NULL too): the
 * fuzzer must not create files around the machine. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    memcpy(text, data, size);
    text[size] = '\0';
    if (strstr(text, "backing")) {
        free(text);
        return NULL;
    }
    return text;
}

#endif
