/*
 * cxl-devctl decode - HPA to DPA through one committed device decoder, using
 * the device model's own HDM decoder code, so the same rules apply (256 MB
 * alignment, supported ways and granularity, 3/6/12-way bases).
 */
#include "cxl-dev/cxldev.h"
#include "devctl.h"
#include "tools/common/cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

struct decode_args {
    uint64_t ways, granularity, base, size, position, dpa_skip, hpa;
    unsigned given; /* bit per required option */
    bool json;
};

/* The options that take a number: name, whether sizes are allowed, bound,
 * where the value goes and the bit recording it was given. */
struct num_opt {
    const char *name;
    bool size;
    uint64_t max;
    size_t off;
    unsigned bit;
};

#define ARG(f) offsetof(struct decode_args, f)
static const struct num_opt num_opts[] = {
    {"--ways", false, 16, ARG(ways), 1},
    {"--granularity", true, 16384, ARG(granularity), 2},
    {"--base", true, UINT64_MAX, ARG(base), 4},
    {"--size", true, UINT64_MAX, ARG(size), 8},
    {"--position", false, 15, ARG(position), 16},
    {"--dpa-skip", true, UINT64_MAX, ARG(dpa_skip), 0},
};
#define REQUIRED 31u

static int parse_args(int argc, char **argv, struct decode_args *a)
{
    static const struct option opts[] = {
        {"ways", required_argument, NULL, 0},     {"granularity", required_argument, NULL, 1},
        {"base", required_argument, NULL, 2},     {"size", required_argument, NULL, 3},
        {"position", required_argument, NULL, 4}, {"dpa-skip", required_argument, NULL, 5},
        {"json", no_argument, NULL, 'j'},         {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1) {
        if (c == 'j') {
            a->json = true;
            continue;
        }
        if (c < 0 || c > 5) {
            cxf_cli_getopt_error(DEVCTL, c, argv);
            return -1;
        }
        const struct num_opt *o = &num_opts[c];
        if (cxf_cli_u64(DEVCTL, o->name, optarg, o->size, o->max,
                        (uint64_t *)((char *)a + o->off)))
            return -1;
        a->given |= o->bit;
    }
    if ((a->given & REQUIRED) != REQUIRED) {
        cxf_cli_error(DEVCTL, "decode needs --ways, --granularity, --base, --size and --position");
        return -1;
    }
    if (optind != argc - 1) {
        cxf_cli_error(DEVCTL, "decode needs exactly one HPA argument");
        return -1;
    }
    return cxf_cli_u64(DEVCTL, "HPA", argv[optind], true, UINT64_MAX, &a->hpa);
}

/* One device decoder programmed and committed as the arguments say; its
 * DPA space is exactly what the decoder needs. */
static int build_decoder(const struct decode_args *a, struct cxf_hdm *h)
{
    uint64_t need = a->ways ? a->size / a->ways : 0;
    uint64_t cap = a->dpa_skip + need < a->dpa_skip ? UINT64_MAX : a->dpa_skip + need;
    struct cxf_hdm_prog p = {
        .base = a->base, .size = a->size, .ways = (unsigned)a->ways,
        .granularity = a->granularity, .dpa_skip = a->dpa_skip, .position = (unsigned)a->position,
    };
    if (cxf_hdm_init(h, CXF_HDM_DEVICE, 1, 0, cap) || cxf_hdm_program(h, 0, &p) ||
        cxf_hdm_commit(h, 0)) {
        cxf_cli_error(DEVCTL, "decoder does not commit: %s", cxf_hdm_strerror(h->dec[0].err));
        return -1;
    }
    return 0;
}

static void report_json(const struct decode_args *a, int rc, const struct cxf_hdm_hit *hit)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "hpa", cxf_json_hex(a->hpa));
    const char *result = rc == 0 ? "mapped" : rc == -EXDEV ? "other-position" : "outside";
    json_object_object_add(o, "result", json_object_new_string(result));
    if (rc == 0)
        json_object_object_add(o, "dpa", cxf_json_hex(hit->dpa));
    if (rc == 0 || rc == -EXDEV)
        json_object_object_add(o, "position", json_object_new_int((int)hit->position));
    cxf_cli_print_json(o);
}

static void report_text(const struct decode_args *a, int rc, const struct cxf_hdm_hit *hit)
{
    if (rc == 0)
        printf("HPA 0x%" PRIx64 " -> DPA 0x%" PRIx64 " (position %u)\n", a->hpa, hit->dpa,
               hit->position);
    else if (rc == -EXDEV)
        printf("HPA 0x%" PRIx64 " belongs to interleave position %u, not %" PRIu64 "\n", a->hpa,
               hit->position, a->position);
    else
        printf("HPA 0x%" PRIx64 " is outside the decoder [0x%" PRIx64 ", 0x%" PRIx64 ")\n",
               a->hpa, a->base, a->base + a->size);
}

int devctl_decode(int argc, char **argv)
{
    struct decode_args a = {0};
    struct cxf_hdm h;
    if (parse_args(argc, argv, &a) || build_decoder(&a, &h))
        return DEVCTL_EXIT_USAGE;
    struct cxf_hdm_hit hit = {0};
    int rc = cxf_hdm_decode(&h, a.hpa, &hit);
    if (a.json)
        report_json(&a, rc, &hit);
    else
        report_text(&a, rc, &hit);
    return rc == 0 ? CXF_EXIT_OK : rc == -EXDEV ? CXF_EXIT_FAIL : 2;
}
