/*
 * tools/common/subcmd_help.c - --help and command listings, written from
 * the same option tables the parser reads, so they cannot disagree.
 */
#include "subcmd.h"

#include <string.h>

#define WIDTH 79

/* Words on a line wrapped at WIDTH, continued at `indent`. */
struct wrap {
    FILE *f;
    int col, indent;
    bool fresh; /* nothing on this line yet: no blank before the word */
};

static void word(struct wrap *w, const char *s, int n)
{
    if (!w->fresh && w->col + 1 + n > WIDTH) {
        fprintf(w->f, "\n%*s", w->indent, "");
        w->col = w->indent;
    } else if (!w->fresh) {
        fputc(' ', w->f);
        w->col++;
    }
    fprintf(w->f, "%.*s", n, s);
    w->col += n;
    w->fresh = false;
}

/* Text of several words, wrapped. */
static void text(struct wrap *w, const char *s)
{
    while (*s) {
        s += strspn(s, " ");
        int n = (int)strcspn(s, " ");
        if (n)
            word(w, s, n);
        s += n;
    }
}

/* Start a wrapped paragraph at column `col` (already printed up to it). */
static struct wrap para(FILE *f, int col, int indent)
{
    return (struct wrap){f, col, indent, true};
}

/* "NAME", "[VM]", "--to NODE", "[--mem SIZE]", "[--hybrid[=ROUNDS]]" */
static const char *token(char *buf, size_t len, const struct cxf_opt *o)
{
    bool req = o->flags & CXF_OPT_REQUIRED;
    const char *open = req ? "" : "[", *close = req ? "" : "]";
    if (o->flags & CXF_OPT_POSITIONAL)
        snprintf(buf, len, "%s%s%s", open, o->name, close);
    else if (!o->metavar)
        snprintf(buf, len, "%s--%s%s", open, o->name, close);
    else if (o->flags & CXF_OPT_MAYBE_VALUE)
        snprintf(buf, len, "%s--%s[=%s]%s", open, o->name, o->metavar, close);
    else
        snprintf(buf, len, "%s--%s %s%s", open, o->name, o->metavar, close);
    return buf;
}

static void synopsis(struct wrap *w, const struct cxf_subcmd *s)
{
    char buf[96];
    for (const struct cxf_opt *o = s->opts; o && o->name; o++) {
        token(buf, sizeof(buf), o);
        word(w, buf, (int)strlen(buf));
    }
    word(w, "[-j]", 4);
    word(w, "[--socket PATH]", 15);
}

void cxf_subcmd_synopses(FILE *f, const char *prog, const char *group,
                         const struct cxf_subcmd *subs)
{
    (void)prog;
    for (const struct cxf_subcmd *s = subs; s->name; s++) {
        fprintf(f, "  %s%s", group ? group : "", group ? " " : "");
        struct wrap w = para(f, 2 + (group ? (int)strlen(group) + 1 : 0), 6);
        word(&w, s->name, (int)strlen(s->name));
        synopsis(&w, s);
        fprintf(f, "\n      ");
        w = para(f, 6, 6);
        text(&w, s->summary);
        fprintf(f, "\n");
    }
}

#define HELP_COL 29

static void option_line(FILE *f, const char *left, const char *help, const char *const *choices)
{
    char buf[256];
    size_t n = (size_t)snprintf(buf, sizeof(buf), "%s", help ? help : "");
    for (const char *const *c = choices; c && *c && n < sizeof(buf); c++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s%s", c == choices ? " (" : ", ", *c,
                              c[1] ? "" : ")");
    fprintf(f, "  %-*s", HELP_COL - 3, left);
    struct wrap w = para(f, HELP_COL - 1, HELP_COL);
    if (strlen(left) > HELP_COL - 3) {
        fprintf(f, "\n%*s", HELP_COL, "");
        w = para(f, HELP_COL, HELP_COL);
    } else {
        fputc(' ', f);
    }
    text(&w, buf);
    fputc('\n', f);
}

void cxf_subcmd_usage(FILE *f, const struct cxf_cmdline *cl)
{
    char buf[96];
    fprintf(f, "usage: %s ", cl->prog);
    struct wrap w = para(f, 8 + (int)strlen(cl->prog), 7);
    text(&w, cl->sub);
    synopsis(&w, cl->s);
    fprintf(f, "\n\n");
    w = para(f, 0, 0);
    text(&w, cl->s->summary);
    fprintf(f, ".\n\n");
    for (const struct cxf_opt *o = cl->s->opts; o && o->name; o++) {
        char sh[8] = "    ";
        if (o->short_name)
            snprintf(sh, sizeof(sh), "-%c, ", o->short_name);
        if (o->flags & CXF_OPT_POSITIONAL)
            snprintf(buf, sizeof(buf), "%s", o->name);
        else if (o->flags & CXF_OPT_MAYBE_VALUE)
            snprintf(buf, sizeof(buf), "%s--%s[=%s]", sh, o->name, o->metavar);
        else
            snprintf(buf, sizeof(buf), "%s--%s%s%s", sh, o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        option_line(f, buf, o->help, o->kind == CXF_OPT_CHOICE ? o->choices : NULL);
    }
    option_line(f, "-j, --json", "print the daemon's answer as JSON", NULL);
    option_line(f, "    --socket PATH",
                "the daemon's socket (default: $CXLFAB_SOCKET, else "
                "$XDG_RUNTIME_DIR/cxlfab/fabricd.sock)", NULL);
    option_line(f, "-h, --help", "this text", NULL);
}
