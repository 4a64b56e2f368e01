/*
 * tests/fuzz/fuzz_scenario.c - the scenario parser on arbitrary text: a
 * scenario is accepted or rejected with one error line, never run.
 */
#include "ctl/ctl.h"
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct cxf_err e = {{0}};
    /* an inline topology's "backing" names a file: not to be created here */
    if (!strstr(text, "backing") && cxf_scenario_check(text, &e) &&
        (!e.msg[0] || strchr(e.msg, '\n')))
        abort();
    free(text);
    return 0;
}
