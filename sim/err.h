/*
 * sim/err.h - one clear error line for the user.
 *
 * Functions that validate user input (config files, CLI values, protocol
 * requests) return a negative errno-style code and, when given a cxf_err,
 * fill it with a single line naming what was wrong. Callers print that line.
 */
#ifndef CXF_ERR_H
#define CXF_ERR_H

#include <stdarg.h>
#include <stdio.h>

struct cxf_err {
    char msg[256];
};

/* Fill e (when non-NULL) and return rc, so a failing check is one line:
 *     return cxf_fail(e, -EINVAL, "size %llu is not a multiple of 256 MiB", s);
 */
__attribute__((format(printf, 3, 4)))
static inline int cxf_fail(struct cxf_err *e, int rc, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
    }
    return rc;
}

#endif /* CXF_ERR_H */
