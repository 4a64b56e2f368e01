/*
 * tools/common/table.c - titled tables with aligned columns.
 */
#include "render.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cxf_table_init(struct cxf_table *t, const char *title, const char *const *head)
{
    memset(t, 0, sizeof(*t));
    t->title = title;
    t->head = head;
    while (head[t->ncols])
        t->ncols++;
}

void cxf_table_add(struct cxf_table *t, const char *fmt, ...)
{
    if (t->ncells == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        char **cell = realloc(t->cell, cap * sizeof(*cell));
        if (!cell)
            return; /* out of memory: the cell is dropped, the table stays valid */
        t->cell = cell;
        t->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&t->cell[t->ncells], fmt, ap) >= 0)
        t->ncells++;
    va_end(ap);
}

static void print_row(const struct cxf_table *t, const char *const *row, const size_t *width)
{
    printf(" ");
    for (unsigned c = 0; c < t->ncols; c++) {
        if (c + 1 == t->ncols) /* no trailing blanks */
            printf(" %s\n", row[c]);
        else
            printf(" %-*s", (int)width[c], row[c]);
    }
}

void cxf_table_print(struct cxf_table *t)
{
    size_t width[32] = {0};
    unsigned ncols = t->ncols < 32 ? t->ncols : 32;
    t->ncols = ncols;
    for (size_t i = 0; i < t->ncells; i++) {
        size_t n = strlen(t->cell[i]);
        width[i % ncols] = n > width[i % ncols] ? n : width[i % ncols];
    }
    for (unsigned c = 0; c < ncols; c++)
        width[c] = strlen(t->head[c]) > width[c] ? strlen(t->head[c]) : width[c];
    printf("%s\n", t->title);
    print_row(t, t->head, width);
    for (size_t r = 0; r + ncols <= t->ncells; r += ncols)
        print_row(t, (const char *const *)t->cell + r, width);
    if (t->ncells == 0)
        printf("  (none)\n");
    printf("\n");
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cell[i]);
    free(t->cell);
    t->cell = NULL;
    t->ncells = t->cap = 0;
}
