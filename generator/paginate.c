/* paginate.c - the flow broken into pages: keep rules, footnotes on the page
 * of their marks, page numbers, the document's metadata (see layout_internal.h). */
#include "layout_internal.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- pages ------------------------------------------------------------------ */

size_t pg_paginate(const pg_flow_box *b, size_t n, const pg_page_geom *g, size_t *starts, int *foot,
                   int *overflow)
{
    const double eps = 0.01;
    size_t pages = 0, i = 0;
    int carry = 0;
    int max_lines = g->foot_pitch > 0 ? (int)((g->avail - g->foot_sep) / g->foot_pitch) : 0;
    if (max_lines < 1)
        max_lines = 1;
    while (i < n || carry > 0) {
        starts[pages] = i;
        /* the rest of a note begun on the page before comes first */
        int carried = carry < max_lines ? carry : max_lines;
        carry -= carried;
        if (carry > 0 || i >= n) {
            foot[pages++] = carried;
            continue;
        }
        double top = b[i].header && b[i].header - 1 != i ? b[b[i].header - 1].height : 0;
        double y = top;
        int lines = carried;
        size_t j = i;
        while (j < n) {
            double gap = j == i ? 0 : b[j].gap;
            int nl = lines + b[j].foot_lines;
            double fh = nl ? g->foot_sep + nl * g->foot_pitch : 0;
            if (y + gap + b[j].height + fh > g->avail + eps)
                break;
            y += gap + b[j].height;
            lines = nl;
            j++;
        }
        if (j == n) {
            foot[pages++] = lines;
            i = n;
            continue;
        }
        size_t k = j;
        while (k > i && b[k].no_break_before)
            k--;
        if (k == i) {
            if (j > i) {
                k = j; /* nothing may break here: break where the page is full */
            } else if (carried > 0) {
                foot[pages++] = carried; /* a page of the carried note only */
                continue;
            } else {
                /* the box alone: what does not fit of its notes goes on */
                if (b[i].height > g->avail + eps && overflow)
                    *overflow = 1;
                double room = g->avail - b[i].height - g->foot_sep;
                int fit = g->foot_pitch > 0 && room > 0 ? (int)(room / g->foot_pitch) : 0;
                if (fit > b[i].foot_lines)
                    fit = b[i].foot_lines;
                carry = b[i].foot_lines - fit;
                foot[pages++] = fit;
                i++;
                continue;
            }
        }
        lines = carried;
        for (size_t m = i; m < k; m++)
            lines += b[m].foot_lines;
        foot[pages++] = lines;
        i = k;
    }
    return pages;
}

static void queue_push(lay *l, int idx, int line)
{
    if (l->q_head + l->q_len == l->q_cap) {
        if (l->q_head > 0) {
            memmove(l->queue, l->queue + l->q_head, l->q_len * sizeof *l->queue);
            l->q_head = 0;
        }
        if (l->q_len == l->q_cap) {
            l->q_cap = l->q_cap ? l->q_cap * 2 : 32;
            l->queue = pg_xrealloc(l->queue, l->q_cap * sizeof *l->queue);
        }
    }
    l->queue[l->q_head + l->q_len++] = (note_line){idx, line};
}

/* Copies e's items onto page, moved down by y. keep: e is placed again later
 * (a table's header rows), the page takes references of its own. repeat: this
 * is such a later copy, page furniture without structure or links. The
 * structures begun and not ended are tracked in l->open. */
static void copy_items(lay *l, pg_page *page, felem *e, double y, int keep, int repeat)
{
    for (size_t k = 0; k < e->n; k++) {
        pg_item it = e->items[k];
        it.y += y;
        if (repeat &&
            (it.kind == PG_ITEM_LINK || it.kind == PG_ITEM_DEST || it.kind == PG_ITEM_FIELD ||
             it.kind == PG_ITEM_BEGIN || it.kind == PG_ITEM_END))
            continue;
        if (repeat)
            it.artifact = 1;
        if (keep)
            pg_item_retain(&it);
        else
            e->items[k].text = NULL, e->items[k].path = NULL, e->items[k].image = NULL;
        if (it.kind == PG_ITEM_BEGIN && l->n_open < sizeof l->open / sizeof *l->open)
            l->open[l->n_open++] = it;
        else if (it.kind == PG_ITEM_END && l->n_open)
            l->n_open--;
        pg_page_add_item(page, &it);
    }
}

/* Ends the structures still open at the foot of a page's content (they go on
 * on the next page), so that every page's events nest by themselves. */
static void close_open(lay *l, pg_page *page)
{
    for (size_t i = l->n_open; i-- > 0;) {
        pg_item end = {.kind = PG_ITEM_END, .structure = l->open[i].structure, .id = l->open[i].id};
        pg_page_add_item(page, &end);
    }
}

/* Begins again, at the top of the next page, what close_open() ended. */
static void reopen(lay *l, pg_page *page)
{
    for (size_t i = 0; i < l->n_open; i++) {
        pg_item again = l->open[i];
        again.continued = 1;
        pg_page_add_item(page, &again);
    }
}

/* Draws the notes due on page: a short rule, then the note lines at the foot. */
static void place_notes(lay *l, pg_page *page, int count)
{
    if (count <= 0)
        return;
    const pg_style *st = l->st;
    double fp = pitch(l, PG_ROLE_FOOTNOTE), off = baseline_offset(l, PG_ROLE_FOOTNOTE);
    double top = l->page_h - st->margin_bottom - count * fp;
    pg_item rule = {.kind = PG_ITEM_RULE,
                    .role = PG_ROLE_FOOTNOTE,
                    .x = l->L,
                    .y = top - st->footnote_gap / 2 - 0.25,
                    .w = st->footnote_rule,
                    .h = 0.5,
                    .artifact = 1};
    pg_page_add_item(page, &rule);
    for (int i = 0; i < count && l->q_len > 0; i++) {
        note_line nl = l->queue[l->q_head++];
        l->q_len--;
        note *nt = &l->notes[nl.note];
        /* a note goes in one element, begun again where it goes on to the next page */
        if (i == 0 || nl.line == 0) {
            if (!nt->id)
                nt->id = ++l->struct_ids;
            pg_item b = {.kind = PG_ITEM_BEGIN,
                         .structure = PG_STRUCT_FOOTNOTE,
                         .level = nt->node->u.footnote.number,
                         .id = nt->id,
                         .continued = nl.line > 0};
            pg_page_add_item(page, &b);
        }
        if (!nt->iter || nt->iter_line > nl.line) {
            if (nt->iter)
                pango_layout_iter_free(nt->iter);
            nt->iter = pango_layout_get_iter(nt->layout);
            nt->iter_line = 0;
        }
        while (nt->iter_line < nl.line && pango_layout_iter_next_line(nt->iter))
            nt->iter_line++;
        PangoRectangle log; /* the line's, in the layout: x is where it starts */
        pango_layout_iter_get_line_extents(nt->iter, NULL, &log);
        double base = top + i * fp + off;
        pg_item it = {.kind = PG_ITEM_TEXT,
                      .role = PG_ROLE_FOOTNOTE,
                      .x = l->L + log.x / (double)PANGO_SCALE,
                      .y = base,
                      .w = log.width / (double)PANGO_SCALE,
                      .text = pg_layout_cache_line(l->cache, nt->layout, nl.line)};
        if (nl.line == 0) {
            pg_item dest = {.kind = PG_ITEM_DEST,
                            .x = l->L,
                            .y = base - fp,
                            .target = nt->node->u.footnote.number};
            pg_page_add_item(page, &dest);
        }
        pg_page_add_item(page, &it);
        if (nl.line == nt->lines - 1 || i == count - 1 || l->q_len == 0) {
            pg_item e = {.kind = PG_ITEM_END, .structure = PG_STRUCT_FOOTNOTE, .id = nt->id};
            pg_page_add_item(page, &e);
        }
    }
}

/* Breaks the current flow into pages appended to pp, numbering them from
 * *shown (0: no numbers before page_number_from), then empties the flow. */
void place_flow(lay *l, pg_pages *pp, int *shown)
{
    const pg_style *st = l->st;
    size_t total_lines = 0;
    pg_flow_box *boxes = pg_xmalloc((l->n ? l->n : 1) * sizeof *boxes);
    for (size_t i = 0; i < l->n; i++) {
        boxes[i] = l->el[i].box;
        total_lines += (size_t)l->el[i].box.foot_lines;
    }
    size_t cap = l->n + total_lines + 2;
    size_t *starts = pg_xmalloc(cap * sizeof *starts);
    int *foot = pg_xmalloc(cap * sizeof *foot);
    pg_page_geom g = {.avail = l->page_h - st->margin_top - st->margin_bottom,
                      .foot_pitch = pitch(l, PG_ROLE_FOOTNOTE),
                      .foot_sep = st->footnote_gap};
    int overflow = 0;
    size_t npages = pg_paginate(boxes, l->n, &g, starts, foot, &overflow);
    if (overflow)
        pg_diag_add(l->diags, PG_W_LAYOUT_OVERFLOW, l->doc->file, 0, 0,
                    "a block runs past the bottom margin");
    starts[npages] = l->n;
    /* the boxes repeated above others (table headers), found once */
    char *repeated = pg_xcalloc(l->n ? l->n : 1, 1);
    for (size_t i = 0; i < l->n; i++)
        if (l->el[i].box.header)
            repeated[l->el[i].box.header - 1] = 1;
    for (size_t p = 0; p < npages; p++) {
        pg_page *page = pg_pages_add(pp, l->page_w, l->page_h);
        ++*shown;
        page->shown = *shown >= st->page_number_from ? *shown : 0;
        double y = st->margin_top;
        size_t first = starts[p], end = starts[p + 1];
        reopen(l, page);
        if (first < end && l->el[first].box.header && l->el[first].box.header - 1 != first) {
            felem *h = &l->el[l->el[first].box.header - 1];
            copy_items(l, page, h, y, 1, 1);
            y += h->box.height;
        }
        for (size_t i = first; i < end; i++) {
            felem *e = &l->el[i];
            if (i != first)
                y += e->box.gap;
            if (e->outline)
                pg_pages_add_outline(pp, e->outline, e->outline_level, (int)pp->n - 1, y);
            /* a header placed here in its own right is also repeated later */
            copy_items(l, page, e, y, repeated[i], 0);
            for (size_t k = 0; k < e->n_notes; k++)
                for (int line = 0; line < l->notes[e->notes[k]].lines; line++)
                    queue_push(l, e->notes[k], line);
            y += e->box.height;
        }
        if (end > first && l->el[end - 1].band && !l->el[end - 1].row_end) {
            /* a row that goes on: close the table at the page's foot */
            felem *e = &l->el[end - 1];
            pg_item rule = {.kind = PG_ITEM_RULE,
                            .role = PG_ROLE_TABLE,
                            .x = e->close_x,
                            .y = y - st->border_width / 2,
                            .w = e->close_w,
                            .h = st->border_width,
                            .artifact = 1};
            pg_page_add_item(page, &rule);
        }
        close_open(l, page);
        place_notes(l, page, foot[p]);
    }
    free(boxes);
    free(starts);
    free(foot);
    free(repeated);
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < l->el[i].n; k++)
            pg_item_release(&l->el[i].items[k]);
        free(l->el[i].items);
        free(l->el[i].notes);
        g_free(l->el[i].outline);
    }
    l->n = 0;
    l->n_open = 0; /* a flow ends every structure it began */
    l->pending = 0;
    l->keep_next = 0;
}

void number_pages(lay *l, pg_pages *pp)
{
    for (size_t i = 0; i < pp->n; i++) {
        pg_page *p = &pp->pages[i];
        if (!p->shown)
            continue;
        char num[16];
        snprintf(num, sizeof num, "%d", p->shown);
        PangoLayout *ly = make_layout(l, PG_ROLE_PAGE_NUMBER, num, NULL, -1, PG_ALIGN_LEFT, 0);
        PangoRectangle log;
        pango_layout_get_extents(ly, NULL, &log);
        double w = log.width / (double)PANGO_SCALE;
        double L = l->st->margin_left, W = p->w - l->st->margin_left - l->st->margin_right;
        pg_item it = {.kind = PG_ITEM_TEXT,
                      .role = PG_ROLE_PAGE_NUMBER,
                      .x = L + (W - w) / 2,
                      .y = l->st->page_number_top + font_ascent(l, PG_ROLE_PAGE_NUMBER),
                      .w = w,
                      .text = pg_layout_cache_line(l->cache, ly, 0),
                      .artifact = 1};
        g_object_unref(ly);
        pg_page_add_item(p, &it);
    }
}

void set_metadata(lay *l, pg_pages *pp)
{
    const pg_doc *doc = l->doc;
    char *summary = pg_inline_text(doc->summary);
    char *issuer = pg_inline_text(doc->issuer);
    for (char *c = issuer; *c; c++)
        if (*c == '\n')
            *c = ' ';
    pp->title = g_strdup_printf("%s %s", doc->doctype, summary);
    pp->author = pg_xstrdup(issuer);
    pp->subject = pg_xstrdup(summary);
    const char *num = doc->number_line;
    const char *sp = strchr(num, ' ');
    pp->keywords = pg_xstrdup(sp ? sp + 1 : num);
    pp->date_iso = g_strdup_printf("%04d-%02d-%02dT00:00:00Z", doc->year,
                                   doc->month ? doc->month : 1, doc->day ? doc->day : 1);
    free(summary);
    free(issuer);
}

/* at: the landscape appendix (NULL: the plan's portrait pages) */
void set_page(lay *l, int landscape, const pg_node *at)
{
    const pg_style *st = l->st;
    l->page_w = landscape ? st->page_h : st->page_w;
    l->page_h = landscape ? st->page_w : st->page_h;
    l->L = st->margin_left;
    l->W = l->page_w - st->margin_left - st->margin_right;
    /* the style loader checks the portrait page; turned, the margins may leave
     * too little (a page is never laid out smaller than an inch of text) */
    double th = l->page_h - st->margin_top - st->margin_bottom;
    if (!(l->W >= 72 && th >= 72)) {
        pg_diag_add(l->diags, PG_E_STYLE, at && at->file ? at->file : l->doc->file,
                    at ? at->pos.line : 0, at ? at->pos.col : 0,
                    "the style's margins leave %.0f x %.0f pt for text on a landscape page; at "
                    "least 72 x 72 pt is needed: use narrower margins or a portrait appendix",
                    l->W, th);
        l->failed = 1;
        l->W = 72;
    }
}

/* Whether every length on the pages is a finite number of a sane size (pt):
 * the guard that keeps a NaN or an infinity out of the PDF writer's integer
 * conversions, whatever went wrong before. */
int geometry_finite(const pg_pages *pp)
{
    const double big = 1e6;
    for (size_t i = 0; i < pp->n; i++) {
        const pg_page *p = &pp->pages[i];
        if (!(p->w > 0 && p->w < big && p->h > 0 && p->h < big))
            return 0;
        for (size_t k = 0; k < p->n; k++) {
            const pg_item *it = &p->items[k];
            if (!(fabs(it->x) < big && fabs(it->y) < big && fabs(it->w) < big && fabs(it->h) < big))
                return 0;
        }
    }
    for (size_t i = 0; i < pp->n_outline; i++)
        if (!(fabs(pp->outline[i].y) < big))
            return 0;
    return 1;
}
