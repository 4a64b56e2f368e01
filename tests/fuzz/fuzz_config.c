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
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* a "backing" names a file the device maps: the fuzzer must not create
     * files around the machine, so such inputs are not tried */
    if (!strstr(text, "backing")) {
        struct cxf_fabric *f = NULL;
        struct cxf_err e;
        if (cxf_fabric_from_json(&f, text, &e) == 0)
            cxf_fabric_free(f);
        else if (!e.msg[0] || strchr(e.msg, '\n'))
            abort(); /* an error must be one non-empty line */
    }
    free(text);
    return 0;
}
