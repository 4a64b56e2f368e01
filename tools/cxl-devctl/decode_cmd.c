/*
 * cxl-devctl decode - HPA to DPA through one committed device decoder, using
 * the device model's own HDM decoder code, so the same rules apply (256 MB
 * alignment, supported ways and granularity, DPA range).
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
    bool have_ways, have_gran, have_base, have_size, have_pos, json;
};

static int parse_opt(const char *name, const char *val, bool suffix, uint64_t *out)
{
    if (cxf_parse_u64(val, suffix, out) == 0)
        return 0;
    cxf_cli_error(DEVCTL, "--%s: '%s' is not a number (decimal or 0x-hex%s)", name, val,
                  suffix ? ", optional K/M/G/T" : "");
    return -1;
}

static int parse_args(int argc, char **argv, struct decode_args *a)
{
    static const struct option opts[] = {
        {"ways", required_argument, NULL, 'w'},      {"granularity", required_argument, NULL, 'g'},
        {"base", required_argument, NULL, 'b'},      {"size", required_argument, NULL, 's'},
        {"position", required_argument, NULL, 'p'},  {"dpa-skip", required_argument, NULL, 'k'},
        {"json", no_argument, NULL, 'j'},            {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'w': rc = parse_opt("ways", optarg, false, &a->ways), a->have_ways = true; break;
        case 'g': rc = parse_opt("granularity", optarg, true, &a->granularity), a->have_gran = true; break;
        case 'b': rc = parse_opt("base", optarg, true, &a->base), a->have_base = true; break;
        case 's': rc = parse_opt("size", optarg, true, &a->size), a->have_size = true; break;
        case 'p': rc = parse_opt("position", optarg, false, &a->position), a->have_pos = true; break;
        case 'k': rc = parse_opt("dpa-skip", optarg, true, &a->dpa_skip); break;
        case 'j': a->json = true; break;
        case ':': cxf_cli_error(DEVCTL, "%s needs a value", argv[optind - 1]); return -1;
        default: cxf_cli_error(DEVCTL, "decode: unknown option '%s'", argv[optind - 1]); return -1;
        }
        if (rc)
            return -1;
    }
    if (!a->have_ways || !a->have_gran || !a->have_base || !a->have_size || !a->have_pos) {
        cxf_cli_error(DEVCTL, "decode needs --ways, --granularity, --base, --size and --position");
        return -1;
    }
    if (optind != argc - 1) {
        cxf_cli_error(DEVCTL, "decode needs exactly one HPA argument");
        return -1;
    }
    if (cxf_parse_u64(argv[optind], true, &a->hpa)) {
        cxf_cli_error(DEVCTL, "HPA '%s' is not a number", argv[optind]);
        return -1;
    }
    return 0;
}

/* One device decoder programmed and committed as the arguments say. */
static int build_decoder(const struct decode_args *a, struct cxf_hdm *h)
{
    if (a->ways > 16 || a->position > 16) {
        cxf_cli_error(DEVCTL, "--ways and --position must be at most 16");
        return -1;
    }
    uint64_t dpa_need = a->dpa_skip + (a->ways ? a->size / a->ways : 0);
    cxf_hdm_init(h, CXF_HDM_DEVICE, 1, 0, dpa_need < a->dpa_skip ? UINT64_MAX : dpa_need);
    struct cxf_hdm_prog p = {
        .base = a->base, .size = a->size, .ways = (unsigned)a->ways,
        .granularity = a->granularity, .dpa_skip = a->dpa_skip, .position = (unsigned)a->position,
    };
    cxf_hdm_program(h, 0, &p);
    if (cxf_hdm_commit(h, 0)) {
        cxf_cli_error(DEVCTL, "decoder does not commit: %s", cxf_hdm_strerror(h->dec[0].err));
        return -1;
    }
    return 0;
}

static void report(const struct decode_args *a, int rc, const struct cxf_hdm_hit *hit,
                   unsigned owner)
{
    if (a->json) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "hpa", cxf_json_hex(a->hpa));
        const char *result = rc == 0 ? "mapped" : rc == -EXDEV ? "other-position" : "outside";
        json_object_object_add(o, "result", json_object_new_string(result));
        if (rc == 0)
            json_object_object_add(o, "dpa", cxf_json_hex(hit->dpa));
        if (rc == 0 || rc == -EXDEV)
            json_object_object_add(o, "position", json_object_new_int((int)owner));
        cxf_cli_print_json(o);
        return;
    }
    if (rc == 0)
        printf("HPA 0x%" PRIx64 " -> DPA 0x%" PRIx64 " (position %u)\n", a->hpa, hit->dpa, owner);
    else if (rc == -EXDEV)
        printf("HPA 0x%" PRIx64 " belongs to interleave position %u, not %" PRIu64 "\n", a->hpa,
               owner, a->position);
    else
        printf("HPA 0x%" PRIx64 " is outside the decoder [0x%" PRIx64 ", 0x%" PRIx64 ")\n",
               a->hpa, a->base, a->base + a->size);
}

int devctl_decode(int argc, char **argv)
{
    struct decode_args a = {0};
    struct cxf_hdm h;
    if (parse_args(argc, argv, &a) || build_decoder(&a, &h))
        return CXF_EXIT_USAGE;
    struct cxf_hdm_hit hit = {0};
    int rc = cxf_hdm_decode(&h, a.hpa, &hit);
    report(&a, rc, &hit, hit.position);
    return rc == 0 ? CXF_EXIT_OK : rc == -EXDEV ? CXF_EXIT_FAIL : CXF_EXIT_USAGE;
}
