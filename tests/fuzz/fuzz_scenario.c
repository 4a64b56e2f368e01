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
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;
    struct cxf_err e = {{0}};
    if (cxf_scenario_check(text, &e) && (!e.msg[0] || strchr(e.msg, '\n')))
        abort(); /* an error must be one non-empty line */
    free(text);
    return 0;
}
