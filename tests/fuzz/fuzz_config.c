/*
 * tests/fuzz/fuzz_config.c - the topology configuration parser on
 * arbitrary text: it must answer with a fabric or one error line.
 */
#include "fabric/fabric.h"
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;
    struct cxf_fabric *f = NULL;
    struct cxf_err e;
    if (cxf_fabric_from_json(&f, text, &e) == 0)
        cxf_fabric_free(f);
    else if (!e.msg[0] || strchr(e.msg, '\n'))
        abort(); /* an error must be one non-empty line */
    free(text);
    return 0;
}
