/* pages.c - the page display list, its replay, and the trace device. */
#include "pages.h"

#include "arena.h"

#include <cairo.h>
#include <stdlib.h>
#include <string.h>

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
        for (size_t k = 0; k < p->n; k++) {
            if (p->items[k].layout)
                g_object_unref(p->items[k].layout);
            if (p->items[k].image)
                cairo_surface_destroy(p->items[k].image);
        }
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

char *pg_item_text(const pg_item *it)
{
    if (it->kind != PG_ITEM_TEXT || !it->layout)
        return pg_xstrdup("");
    PangoLayoutLine *line = pango_layout_get_line_readonly(it->layout, it->line);
    const char *text = pango_layout_get_text(it->layout);
    if (!line)
        return pg_xstrdup("");
    int n = line->length;
    /* drop trailing spaces and the line separator (U+2028, 3 bytes) */
    for (;;) {
        if (n > 0 && text[line->start_index + n - 1] == ' ')
            n--;
        else if (n >= 3 && memcmp(text + line->start_index + n - 3, "\xE2\x80\xA8", 3) == 0)
            n -= 3;
        else
            break;
    }
    char *s = pg_xmalloc((size_t)n + 1);
    memcpy(s, text + line->start_index, (size_t)n);
    s[n] = '\0';
    return s;
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

static void trace_begin(void *ud, const pg_page *p)
{
    fprintf(ud, "page %d %.2fx%.2f", p->number, p->w, p->h);
    if (p->shown)
        fprintf(ud, " shown=%d", p->shown);
    fputc('\n', ud);
}

static void trace_item(void *ud, const pg_item *it)
{
    FILE *f = ud;
    switch (it->kind) {
    case PG_ITEM_TEXT: {
        char *s = pg_item_text(it);
        fprintf(f, "  text %s x=%.2f y=%.2f w=%.2f \"%s\"", pg_role_name(it->role), it->x, it->y,
                it->w, s);
        if (it->color)
            fprintf(f, " color=#%06X", it->color);
        fputc('\n', f);
        free(s);
        break;
    }
    case PG_ITEM_RULE:
        fprintf(f, "  rule %s x=%.2f y=%.2f w=%.2f h=%.2f", pg_role_name(it->role), it->x, it->y,
                it->w, it->h);
        if (it->color)
            fprintf(f, " color=#%06X", it->color);
        fputc('\n', f);
        break;
    case PG_ITEM_BRACE:
        fprintf(f, "  brace %s x=%.2f y=%.2f w=%.2f h=%.2f\n", pg_role_name(it->role), it->x,
                it->y, it->w, it->h);
        break;
    case PG_ITEM_RECT:
        fprintf(f, "  rect x=%.2f y=%.2f w=%.2f h=%.2f\n", it->x, it->y, it->w, it->h);
        break;
    case PG_ITEM_IMAGE:
        fprintf(f, "  image x=%.2f y=%.2f w=%.2f h=%.2f\n", it->x, it->y, it->w, it->h);
        break;
    case PG_ITEM_LINK:
        fprintf(f, "  link fn-%d x=%.2f y=%.2f w=%.2f h=%.2f\n", it->target, it->x, it->y, it->w,
                it->h);
        break;
    case PG_ITEM_DEST:
        fprintf(f, "  dest fn-%d x=%.2f y=%.2f\n", it->target, it->x, it->y);
        break;
    }
}

void pg_pages_trace(const pg_pages *pp, FILE *f)
{
    static const pg_device trace = {trace_begin, trace_item, NULL};
    pg_pages_play(pp, &trace, f);
    for (size_t i = 0; i < pp->n_outline; i++)
        fprintf(f, "outline %d page=%d y=%.2f \"%s\"\n", pp->outline[i].level,
                pp->outline[i].page + 1, pp->outline[i].y, pp->outline[i].title);
}
