/*
 * tools/common/render.c - JSON lookups, human units and "label: value"
 * blocks for the CLIs' human output.
 */
#include "render.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct json_object *cxf_jget(struct json_object *o, const char *path)
{
    char key[64];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        struct json_object *v = NULL;
        if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
            return NULL;
        o = v;
        path += n + (path[n] == '.');
    }
    return o;
}

const char *cxf_jstr(struct json_object *o, const char *path)
{
    struct json_object *v = cxf_jget(o, path);
    return v ? json_object_get_string(v) : "-";
}

uint64_t cxf_ju64(struct json_object *o, const char *path)
{
    struct json_object *v = cxf_jget(o, path);
    return v ? json_object_get_uint64(v) : 0;
}

double cxf_jnum(struct json_object *o, const char *path)
{
    struct json_object *v = cxf_jget(o, path);
    return v ? json_object_get_double(v) : 0;
}

size_t cxf_jlen(struct json_object *arr)
{
    return json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

const char *cxf_fmt_size(char *buf, size_t len, uint64_t n)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    unsigned u = 0;
    while (u < 5 && n >= (1024ull << (10 * u)))
        u++;
    uint64_t div = 1ull << (10 * u);
    if (n % div == 0)
        snprintf(buf, len, "%" PRIu64 " %s", n / div, unit[u]);
    else
        snprintf(buf, len, "%.1f %s", (double)n / (double)div, unit[u]);
    return buf;
}

/* 1234567 -> "1.23M": three significant digits are what a person compares. */
static const char *scaled(char *buf, size_t len, double n, const char *suffix)
{
    static const char *const unit[] = {"", "K", "M", "G", "T"};
    unsigned u = 0;
    while (u < 4 && n >= 999.5) { /* 999.7 would print as "1e+03" with %.3g */
        n /= 1000;
        u++;
    }
    snprintf(buf, len, u ? "%.3g%s%s%s" : "%.0f%s%s%s", n, *suffix ? " " : "", unit[u], suffix);
    return buf;
}

const char *cxf_fmt_ms(char *buf, size_t len, double ms)
{
    if (ms >= 1000)
        snprintf(buf, len, "%.3f s", ms / 1e3);
    else if (ms == 0 || ms >= 1)
        snprintf(buf, len, "%.3f ms", ms);
    else if (ms >= 1e-3)
        snprintf(buf, len, "%.3f us", ms * 1e3);
    else
        snprintf(buf, len, "%.0f ns", ms * 1e6);
    return buf;
}

const char *cxf_fmt_rate(char *buf, size_t len, double bytes_per_sec)
{
    return scaled(buf, len, bytes_per_sec, "B/s");
}

const char *cxf_fmt_count(char *buf, size_t len, double n)
{
    return scaled(buf, len, n, "");
}

/* "0,1,2" from [0, 1, 2] */
static const char *ids(char *buf, size_t len, struct json_object *arr)
{
    size_t n = 0;
    snprintf(buf, len, "-");
    for (size_t i = 0; i < cxf_jlen(arr) && n + 1 < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "",
                              json_object_get_string(json_object_array_get_idx(arr, i)));
    return buf;
}

const char *cxf_field_text(char *buf, size_t len, struct json_object *v, enum cxf_field_fmt fmt)
{
    char tmp[32];
    double d = json_object_get_double(v);
    switch (fmt) {
    case CXF_F_MS: cxf_fmt_ms(buf, len, d); break;
    case CXF_F_NS: cxf_fmt_ms(buf, len, d / 1e6); break;
    case CXF_F_KBYTES: snprintf(buf, len, "%" PRIu64 " kbytes", json_object_get_uint64(v) / 1024); break;
    case CXF_F_SIZE: cxf_fmt_size(buf, len, json_object_get_uint64(v)); break;
    case CXF_F_RATE: cxf_fmt_rate(buf, len, d); break;
    case CXF_F_MBPS: snprintf(buf, len, "%.2f mbps", d); break;
    case CXF_F_OPS: snprintf(buf, len, "%s ops/s", cxf_fmt_count(tmp, sizeof(tmp), d)); break;
    case CXF_F_PCT: snprintf(buf, len, "%s%%", json_object_get_string(v)); break;
    case CXF_F_IDS: ids(buf, len, v); break;
    case CXF_F_TEXT:
    default: snprintf(buf, len, "%s", json_object_get_string(v)); break;
    }
    return buf;
}

void cxf_field_line(int width, const char *label, const char *fmt, ...)
{
    va_list ap;
    int pad = width - (int)strlen(label) - 1;
    printf("%s:%*s ", label, pad > 0 ? pad : 0, "");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

void cxf_fields_print(struct json_object *o, const struct cxf_field *fields)
{
    int width = 0;
    for (const struct cxf_field *f = fields; f->label; f++)
        if (cxf_jget(o, f->path) && (int)strlen(f->label) + 1 > width)
            width = (int)strlen(f->label) + 1;
    cxf_fields_print_at(o, fields, width);
}

void cxf_fields_print_at(struct json_object *o, const struct cxf_field *fields, int width)
{
    for (const struct cxf_field *f = fields; f->label; f++) {
        struct json_object *v = cxf_jget(o, f->path);
        char buf[1024];
        if (v)
            cxf_field_line(width, f->label, "%s", cxf_field_text(buf, sizeof(buf), v, f->fmt));
    }
}
