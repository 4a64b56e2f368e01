/* TEMPORARY placeholder written by the lead so the daemon links; the
 * scenario helper replaces this file. */
#include "scenario_cmd.h"

#include <stdio.h>

int fabricd_scenario(const char *path, bool json)
{
    (void)json;
    fprintf(stderr, "cxl-fabricd: %s: scenario mode is not built yet\n", path);
    return 2;
}
