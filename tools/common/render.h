/*
 * tools/common/render.h - showing the daemon's JSON answers to people:
 * lookups that tolerate missing keys, human units, aligned tables and
 * "label: value" blocks. Both CLIs render from JSON, so what a person
 * reads is always what `-j` would print, only arranged.
 */
#ifndef CXF_RENDER_H
#define CXF_RENDER_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* ------------------------------------------------------------ lookups */

/* The value at a dotted path ("ram.transferred": one key per level), or
 * NULL when any level is missing. */
struct json_object *cxf_jget(struct json_object *o, const char *path);
/* The value as text; "-" when absent. */
const char *cxf_jstr(struct json_object *o, const char *path);
/* The value as a number; 0 when absent. */
uint64_t cxf_ju64(struct json_object *o, const char *path);
double cxf_jnum(struct json_object *o, const char *path);
/* Elements of an array; 0 for anything else (json-c asserts on those). */
size_t cxf_jlen(struct json_object *arr);

/* -------------------------------------------------------------- units */

/* "64 MiB", "1.5 GiB", "4 KiB" */
const char *cxf_fmt_size(char *buf, size_t len, uint64_t bytes);
/* "2.50 GB/s", "120.0 MB/s" (decimal, as link rates are quoted) */
const char *cxf_fmt_rate(char *buf, size_t len, double bytes_per_sec);
/* A time given in ms, in the unit that shows it: "12.345 ms", "402 ns" */
const char *cxf_fmt_ms(char *buf, size_t len, double ms);
/* "1.23M", "45.6K", "789" */
const char *cxf_fmt_count(char *buf, size_t len, double n);

/* ------------------------------------------------------------- tables */

/* A table with a title and aligned columns; cells are added left to right,
 * top to bottom, and copied. */
struct cxf_table {
    const char *title;
    const char *const *head; /* NULL-terminated column titles */
    unsigned ncols;
    char **cell;
    size_t ncells, cap;
};

void cxf_table_init(struct cxf_table *t, const char *title, const char *const *head);
void cxf_table_add(struct cxf_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print (with a blank line after) and free the cells. */
void cxf_table_print(struct cxf_table *t);

/* ------------------------------------------------------ label: value */

enum cxf_field_fmt {
    CXF_F_TEXT,   /* as the JSON has it */
    CXF_F_MS,     /* milliseconds: "12.345 ms" (cxf_fmt_ms) */
    CXF_F_NS,     /* nanoseconds, shown as CXF_F_MS is */
    CXF_F_KBYTES, /* bytes shown as QEMU does: "65536 kbytes" */
    CXF_F_SIZE,   /* bytes: "64 MiB" */
    CXF_F_RATE,   /* bytes per second: "2.50 GB/s" */
    CXF_F_MBPS,   /* megabits per second: "1234.56 mbps" */
    CXF_F_OPS,    /* operations per second: "1.23M ops/s" */
    CXF_F_PCT,    /* a percentage */
    CXF_F_IDS,    /* an array of numbers: "0,1,2" */
};

struct cxf_field {
    const char *label;       /* NULL ends a list */
    const char *path;        /* cxf_jget path */
    enum cxf_field_fmt fmt;
};

/* One "label: value" line per field whose path is present, values aligned
 * after the longest label present. */
void cxf_fields_print(struct json_object *o, const struct cxf_field *fields);
/* The same with values at column `width`, to line up with other lines. */
void cxf_fields_print_at(struct json_object *o, const struct cxf_field *fields, int width);
/* One such line of any text. */
void cxf_field_line(int width, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The field's value as it would be printed. */
const char *cxf_field_text(char *buf, size_t len, struct json_object *v, enum cxf_field_fmt fmt);

#endif
