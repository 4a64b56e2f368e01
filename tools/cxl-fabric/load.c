/*
 * tools/cxl-fabric/load.c - the fabric the subcommands work on: from a
 * configuration file, or the embedded default.
 */
#include "fabric/fabric.h"
#include "fabric_cli.h"
#include "tools/common/cli.h"

struct cxf_fabric *cxf_fabric_cli_load(const char *path)
{
    struct cxf_fabric *f = NULL;
    struct cxf_err e = {{0}};
    int rc = path ? cxf_fabric_from_file(&f, path, &e)
                  : cxf_fabric_from_json(&f, cxf_default_config, &e);
    if (rc) {
        cxf_cli_error(FABRIC_PROG, "%s", e.msg);
        return NULL;
    }
    return f;
}
