/* pages.c - the page display list, its shared payloads (lines of glyph runs,
 * paths, images), its replay, and the trace device. */
#include "pages.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>

/* ---- payloads ------------------------------------------------------------------ */

pg_text *pg_text_new(void)
{
    pg_text *t = pg_xcalloc(1, sizeof *t);
    t->refs = 1;
    return t;
}

pg_text *pg_text_ref(pg_text *t)
{
    t->refs++;
    return t;
}

void pg_text_unref(pg_text *t)
{
    if (!t || --t->refs > 0)
        return;
    for (size_t i = 0; i < t->n_runs; i++)
        pg_face_unref(t->runs[i].face);
    free(t->runs);
    free(t->glyphs);
    free(t->underlines);
    free(t->text);
    free(t);
}

pg_path *pg_path_new(double line_width)
{
    pg_path *p = pg_xcalloc(1, sizeof *p);
    p->refs = 1;
    p->line_width = line_width;
    return p;
}

void pg_path_add(pg_path *p, pg_seg_kind kind, double x0, double y0, double x1, double y1,
                 double x2, double y2)
{
    p->seg = pg_xrealloc(p->seg, (p->n + 1) * sizeof *p->seg);
    p->seg[p->n++] = (pg_seg){kind, {x0, x1, x2}, {y0, y1, y2}};
}

void pg_path_unref(pg_path *p)
{
    if (!p || --p->refs > 0)
        return;
    free(p->seg);
    free(p);
}

pg_image *pg_image_new(int w, int h)
{
    pg_image *im = pg_xcalloc(1, sizeof *im);
    im->refs = 1;
    im->w = w;
    im->h = h;
    size_t n = (size_t)w * (size_t)h * 3;
    im->rgb = pg_xcalloc(n ? n : 1, 1);
    return im;
}

void pg_image_unref(pg_image *im)
{
    if (!im || --im->refs > 0)
        return;
    free(im->rgb);
    free(im->alpha);
    free(im);
}

void pg_item_retain(const pg_item *it)
{
    if (it->text)
        it->text->refs++;
    if (it->path)
        it->path->refs++;
    if (it->image)
        it->image->refs++;
}

void pg_item_release(pg_item *it)
{
    pg_text_unref(it->text);
    pg_path_unref(it->path);
    pg_image_unref(it->image);
    it->text = NULL;
    it->path = NULL;
    it->image = NULL;
}

const char *pg_struct_name(pg_struct s)
{
    static const char *const names[] = {
        [PG_STRUCT_DOCUMENT] = "document",
        [PG_STRUCT_HEADER] = "header",
        [PG_STRUCT_TITLE] = "title",
        [PG_STRUCT_SUMMARY] = "summary",
        [PG_STRUCT_SECTION] = "section",
        [PG_STRUCT_HEADING] = "heading",
        [PG_STRUCT_PARAGRAPH] = "paragraph",
        [PG_STRUCT_LIST] = "list",
        [PG_STRUCT_LIST_ITEM] = "item",
        [PG_STRUCT_TABLE] = "table",
        [PG_STRUCT_ROW] = "row",
        [PG_STRUCT_HEADER_CELL] = "header-cell",
        [PG_STRUCT_CELL] = "cell",
        [PG_STRUCT_FOOTNOTE] = "footnote",
        [PG_STRUCT_NOTE_REF] = "note-ref",
        [PG_STRUCT_FIGURE] = "figure",
        [PG_STRUCT_CLOSING] = "closing",
        [PG_STRUCT_RECIPIENTS] = "recipients",
        [PG_STRUCT_SIGNATURE] = "signature",
        [PG_STRUCT_APPENDIX] = "appendix",
    };
    _Static_assert(sizeof names / sizeof *names == PG_STRUCT__COUNT, "a name per structure");
    return (unsigned)s < PG_STRUCT__COUNT ? names[s] : "?";
}

/* ---- the list ------------------------------------------------------------------- */

pg_pages *pg_pages_new(void)
{
    return pg_xcalloc(1, sizeof(pg_pages));
}

void pg_pages_free(pg_pages *pp)
{
    if (!pp)
        return;
    for (size_t i = 0; i < pp->n; i++) {
        pg_page *p = &pp->pages[i];
        for (size_t k = 0; k < p->n; k++)
            pg_item_release(&p->items[k]);
        free(p->items);
    }
    free(pp->pages);
    for (size_t i = 0; i < pp->n_outline; i++)
        free(pp->outline[i].title);
    free(pp->outline);
    free(pp->title);
    free(pp->author);
    free(pp->subject);
    free(pp->keywords);
    free(pp->date_iso);
    free(pp);
}

pg_page *pg_pages_add(pg_pages *pp, double w, double h)
{
    if (pp->n == pp->cap) {
        pp->cap = pp->cap ? pp->cap * 2 : 8;
        pp->pages = pg_xrealloc(pp->pages, pp->cap * sizeof *pp->pages);
    }
    pg_page *p = &pp->pages[pp->n++];
    memset(p, 0, sizeof *p);
    p->w = w;
    p->h = h;
    p->number = (int)pp->n;
    return p;
}

void pg_pages_add_outline(pg_pages *pp, const char *title, int level, int page, double y)
{
    if (pp->n_outline == pp->cap_outline) {
        pp->cap_outline = pp->cap_outline ? pp->cap_outline * 2 : 32;
        pp->outline = pg_xrealloc(pp->outline, pp->cap_outline * sizeof *pp->outline);
    }
    pp->outline[pp->n_outline++] = (pg_outline){pg_xstrdup(title), level, page, y};
}

void pg_page_add_item(pg_page *p, const pg_item *item)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->items = pg_xrealloc(p->items, p->cap * sizeof *p->items);
    }
    p->items[p->n++] = *item;
}

/* Bytes [start, start + len) of s without trailing spaces and line separators
 * (U+2028), as a heap string. */
static char *trimmed(const char *s, size_t start, size_t len)
{
    for (;;) {
        if (len > 0 && s[start + len - 1] == ' ')
            len--;
        else if (len >= 3 && memcmp(s + start + len - 3, "\xE2\x80\xA8", 3) == 0)
            len -= 3;
        else
            break;
    }
    char *r = pg_xmalloc(len + 1);
    memcpy(r, s + start, len);
    r[len] = '\0';
    return r;
}

char *pg_item_text(const pg_item *it)
{
    if (it->kind != PG_ITEM_TEXT || !it->text || !it->text->text)
        return pg_xstrdup("");
    return trimmed(it->text->text, 0, it->text->text_len);
}

void pg_pages_play(const pg_pages *pp, const pg_device *dev, void *ud)
{
    for (size_t i = 0; i < pp->n; i++) {
        const pg_page *p = &pp->pages[i];
        if (dev->begin_page)
            dev->begin_page(ud, p);
        for (size_t k = 0; k < p->n; k++)
            if (dev->item)
                dev->item(ud, &p->items[k]);
        if (dev->end_page)
            dev->end_page(ud, p);
    }
}

/* ---- the trace device ------------------------------------------------------------- */

typedef struct {
    FILE *f;
    int depth; /* structure nesting, across pages */
} tracer;

static void trace_begin(void *ud, const pg_page *p)
{
    tracer *t = ud;
    fprintf(t->f, "page %d %.2fx%.2f", p->number, p->w, p->h);
    if (p->shown)
        fprintf(t->f, " shown=%d", p->shown);
    fputc('\n', t->f);
}

/* Prints a quoted string with '"' and '\' escaped. */
static void put_quoted(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\')
            fputc('\\', f);
        if (s[i] == '\n')
            fputs("\\n", f);
        else
            fputc(s[i], f);
    }
    fputc('"', f);
}

static void trace_tail(FILE *f, const pg_item *it)
{
    if (it->color)
        fprintf(f, " color=#%06X", it->color);
    if (it->artifact)
        fputs(" artifact", f);
    fputc('\n', f);
}

static void trace_item(void *ud, const pg_item *it)
{
    tracer *t = ud;
    FILE *f = t->f;
    if (it->kind == PG_ITEM_END && t->depth > 0)
        t->depth--;
    fprintf(f, "%*s", 2 + 2 * t->depth, "");
    switch (it->kind) {
    case PG_ITEM_TEXT: {
        char *s = pg_item_text(it);
        fprintf(f, "text %s x=%.2f y=%.2f w=%.2f ", pg_role_name(it->role), it->x, it->y, it->w);
        put_quoted(f, s, strlen(s));
        trace_tail(f, it);
        free(s);
        const pg_text *tx = it->text;
        for (size_t r = 0; tx && r < tx->n_runs; r++) {
            const pg_glyph_run *run = &tx->runs[r];
            size_t notdef = 0;
            for (size_t g = 0; g < run->n; g++)
                notdef += tx->glyphs[run->first + g].notdef;
            fprintf(f, "%*s", 4 + 2 * t->depth, "");
            fprintf(f, "run \"%s\" %.2f x=%.2f y=%.2f w=%.2f glyphs=%zu", pg_face_name(run->face),
                    run->size, run->x, run->y, run->width, run->n);
            if (notdef)
                fprintf(f, " notdef=%zu", notdef);
            fputc(' ', f);
            put_quoted(f, tx->text + run->text, run->text_len);
            fputc('\n', f);
        }
        for (size_t u = 0; tx && u < tx->n_underlines; u++) {
            const pg_box *b = &tx->underlines[u];
            fprintf(f, "%*sunderline x=%.2f y=%.2f w=%.2f h=%.2f\n", 4 + 2 * t->depth, "", b->x,
                    b->y, b->w, b->h);
        }
        break;
    }
    case PG_ITEM_RULE:
        fprintf(f, "rule %s x=%.2f y=%.2f w=%.2f h=%.2f", pg_role_name(it->role), it->x, it->y,
                it->w, it->h);
        trace_tail(f, it);
        break;
    case PG_ITEM_PATH:
        fprintf(f, "path %s x=%.2f y=%.2f w=%.2f h=%.2f segments=%zu line=%.2f",
                pg_role_name(it->role), it->x, it->y, it->w, it->h, it->path ? it->path->n : 0,
                it->path ? it->path->line_width : 0);
        trace_tail(f, it);
        break;
    case PG_ITEM_RECT:
        fprintf(f, "rect x=%.2f y=%.2f w=%.2f h=%.2f", it->x, it->y, it->w, it->h);
        trace_tail(f, it);
        break;
    case PG_ITEM_IMAGE:
        fprintf(f, "image x=%.2f y=%.2f w=%.2f h=%.2f px=%dx%d%s", it->x, it->y, it->w, it->h,
                it->image ? it->image->w : 0, it->image ? it->image->h : 0,
                it->image && it->image->alpha ? " alpha" : "");
        trace_tail(f, it);
        break;
    case PG_ITEM_LINK:
        fprintf(f, "link fn-%d x=%.2f y=%.2f w=%.2f h=%.2f\n", it->target, it->x, it->y, it->w,
                it->h);
        break;
    case PG_ITEM_DEST:
        fprintf(f, "dest fn-%d x=%.2f y=%.2f\n", it->target, it->x, it->y);
        break;
    case PG_ITEM_FIELD:
        fprintf(f, "field %s x=%.2f y=%.2f w=%.2f h=%.2f\n", it->label, it->x, it->y, it->w, it->h);
        break;
    case PG_ITEM_BEGIN:
        fprintf(f, "begin %s #%d", pg_struct_name(it->structure), it->id);
        if (it->level)
            fprintf(f, " %d", it->level);
        if (it->label[0]) {
            fputc(' ', f);
            put_quoted(f, it->label, strlen(it->label));
        }
        if (it->text && it->text->text) {
            fputs(" alt=", f);
            put_quoted(f, it->text->text, it->text->text_len);
        }
        if (it->continued)
            fputs(" continued", f);
        if (it->artifact)
            fputs(" artifact", f);
        fputc('\n', f);
        t->depth++;
        break;
    case PG_ITEM_END:
        fprintf(f, "end %s\n", pg_struct_name(it->structure));
        break;
    }
}

void pg_pages_trace(const pg_pages *pp, FILE *f)
{
    static const pg_device trace = {trace_begin, trace_item, NULL};
    tracer t = {f, 0};
    pg_pages_play(pp, &trace, &t);
    for (size_t i = 0; i < pp->n_outline; i++)
        fprintf(f, "outline %d page=%d y=%.2f \"%s\"\n", pp->outline[i].level,
                pp->outline[i].page + 1, pp->outline[i].y, pp->outline[i].title);
}
