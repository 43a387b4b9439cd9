/* paginate.c - the flow broken into pages: keep rules, footnotes on the page
 * of their marks, page numbers, the document's metadata (see layout_internal.h). */
#include "layout_internal.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- pages ------------------------------------------------------------------ */

int pg_paginate_next(const pg_flow_box *b, size_t n, int more, const pg_page_geom *g,
                     pg_paginate_state *s, size_t *first, int *foot, int *overflow)
{
    const double eps = 0.01;
    size_t i = s->next;
    int carry = s->carry;
    int max_lines = g->foot_pitch > 0 ? (int)((g->avail - g->foot_sep) / g->foot_pitch) : 0;
    if (max_lines < 1)
        max_lines = 1;
    if (!(i < n || carry > 0))
        return 0;
    *first = i;
    /* the rest of a note begun on the page before comes first */
    int carried = carry < max_lines ? carry : max_lines;
    carry -= carried;
    if (carry > 0 || i >= n) {
        if (carry == 0 && more)
            return 0; /* the boxes still to come may share this page */
        *foot = carried;
        s->carry = carry;
        return 1;
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
        if (more)
            return 0; /* the page is not full yet */
        *foot = lines;
        s->next = n;
        s->carry = carry;
        return 1;
    }
    size_t k = j;
    while (k > i && b[k].no_break_before)
        k--;
    if (k == i) {
        if (j > i) {
            k = j; /* nothing may break here: break where the page is full */
        } else if (carried > 0) {
            *foot = carried; /* a page of the carried note only */
            s->carry = carry;
            return 1;
        } else {
            /* the box alone: what does not fit of its notes goes on. The last box
             * given may still be growing (its element is open): wait for it */
            if (more && i + 1 == n)
                return 0;
            if (b[i].height > g->avail + eps && overflow)
                *overflow = 1;
            double room = g->avail - b[i].height - g->foot_sep;
            int fit = g->foot_pitch > 0 && room > 0 ? (int)(room / g->foot_pitch) : 0;
            if (fit > b[i].foot_lines)
                fit = b[i].foot_lines;
            *foot = fit;
            s->next = i + 1;
            s->carry = b[i].foot_lines - fit;
            return 1;
        }
    }
    lines = carried;
    for (size_t m = i; m < k; m++)
        lines += b[m].foot_lines;
    *foot = lines;
    s->next = k;
    s->carry = carry;
    return 1;
}

size_t pg_paginate(const pg_flow_box *b, size_t n, const pg_page_geom *g, size_t *starts, int *foot,
                   int *overflow)
{
    pg_paginate_state s = {0};
    size_t pages = 0, first;
    while (pg_paginate_next(b, n, 0, g, &s, &first, &foot[pages], overflow))
        starts[pages++] = first;
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
    l->notes[idx].queued++;
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
        g_assert(nt->layout); /* a note's layout goes only once none of its lines waits */
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
        if (--nt->queued == 0 && nl.line == nt->lines - 1) {
            /* placed whole: a long plan keeps no note it has shown */
            pango_layout_iter_free(nt->iter);
            nt->iter = NULL;
            g_object_unref(nt->layout);
            nt->layout = NULL;
        }
    }
}

/* The page number printed on page p (when it shows one), added last. */
static void number_page(lay *l, pg_page *p)
{
    if (!p->shown)
        return;
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

/* Whether every length on page p is a finite number of a sane size (pt): the
 * guard that keeps a NaN or an infinity out of the PDF writer's integer
 * conversions, whatever went wrong before. */
static int page_finite(const pg_page *p)
{
    const double big = 1e6;
    if (!(p->w > 0 && p->w < big && p->h > 0 && p->h < big))
        return 0;
    for (size_t k = 0; k < p->n; k++) {
        const pg_item *it = &p->items[k];
        if (!(fabs(it->x) < big && fabs(it->y) < big && fabs(it->w) < big && fabs(it->h) < big))
            return 0;
    }
    return 1;
}

void geometry_failed(lay *l)
{
    if (!l->failed)
        pg_diag_add(l->diags, PG_E_BAD_VALUE, l->doc->file, 0, 0,
                    "the layout gave a position that is not a finite number of points; nothing "
                    "was written: please report this plan and its style as a bug");
    l->failed = 1;
}

/* Hands page i of pp on to the sink (when there is one and nothing failed) and
 * frees its items. */
static void hand_on(lay *l, pg_pages *pp, size_t i)
{
    pg_page *p = &pp->pages[i];
    if (!l->sink)
        return;
    if (!l->failed && !page_finite(p))
        geometry_failed(l);
    if (!l->failed)
        l->sink->page(l->sink->ud, pp, i);
    for (size_t k = 0; k < p->n; k++)
        pg_item_release(&p->items[k]);
    free(p->items);
    p->items = NULL;
    p->n = p->cap = 0;
}

/* The place of the issuing body's digital signature on an attachment sent as a
 * separate file (NĐ 30, Phụ lục I, electronic documents; spec §2.13): a text of
 * two lines, the number and symbol and the signing time, Times New Roman 10 pt,
 * at the top right of the attachment's first page, written there by `plangen
 * sign --as organisation`. The box is 26 pt high: two lines at a 13 pt pitch
 * (1.3 times the size; Times' ascent and descent take 1.1 of it). It is 150 pt
 * wide: the longer line, "2023-04-18T09:15:02+07:00", is 25 characters of at
 * most 5.5 pt at 10 pt (digits are 5 pt), 138 pt; "Số: 05/KH-SKHCN" is shorter.
 * Its right edge is on the right margin. It stands in the top margin, where
 * later pages show their number (a first page shows none): its top on the page
 * number's line (10 mm from the edge in both styles, 28.35 pt), so that its foot
 * (54.35 pt) stays 2.3 pt above the text area (top margin 20 mm, 56.69 pt) and
 * clear of the appendix's first line. A style with a narrower top margin moves
 * it up, to no higher than the page's edge. Just inside the document element. */
static void add_organisation_line(lay *l, pg_page *first)
{
    enum { FIELD_W = 150, FIELD_H = 26 };
    const double clearance = 2; /* pt between the box and the text area */
    double y = l->st->page_number_top;
    if (y + FIELD_H > l->st->margin_top - clearance)
        y = l->st->margin_top - clearance - FIELD_H;
    if (y < 0)
        y = 0;
    pg_item field = {.kind = PG_ITEM_FIELD,
                     .x = first->w - l->st->margin_right - FIELD_W,
                     .y = y,
                     .w = FIELD_W,
                     .h = FIELD_H};
    g_strlcpy(field.label, "organisation-line", sizeof field.label);
    pg_page_add_item(first, &field);
}

/* A new page of the current flow's list; the page before it is final and goes
 * on. A document's first page opens the document element (and, for an
 * appendix sent as a file, holds the issuing body's signature line). */
static pg_page *new_page(lay *l)
{
    pg_pages *pp = l->into;
    if (pp->n)
        hand_on(l, pp, pp->n - 1);
    pg_page *page = pg_pages_add(pp, l->page_w, l->page_h);
    if (pp->n == 1) {
        pg_item begin = {.kind = PG_ITEM_BEGIN, .structure = PG_STRUCT_DOCUMENT, .id = 0};
        pg_page_add_item(page, &begin);
        if (l->file_doc)
            add_organisation_line(l, page);
    }
    return page;
}

void end_document(lay *l, pg_pages *pp)
{
    if (!pp->n)
        return;
    pg_item end = {.kind = PG_ITEM_END, .structure = PG_STRUCT_DOCUMENT, .id = 0};
    pg_page_add_item(&pp->pages[pp->n - 1], &end);
    hand_on(l, pp, pp->n - 1);
}

felem *elem_by_gid(lay *l, size_t gid)
{
    /* gids rise along the flow (the elements kept at its front are older) */
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->el[mid].gid < gid)
            lo = mid + 1;
        else
            hi = mid;
    }
    g_assert(lo < l->n && l->el[lo].gid == gid);
    return &l->el[lo];
}

static void free_elem(felem *e)
{
    for (size_t k = 0; k < e->n; k++)
        pg_item_release(&e->items[k]);
    free(e->items);
    free(e->notes);
    g_free(e->outline);
}

/* Drops the elements placed already, but for the headers that elements still
 * to come repeat: those stay at the front of the flow. */
static void compact(lay *l)
{
    size_t placed = l->ps.next;
    if (!placed)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < placed; i++) {
        int needed = 0;
        for (size_t j = placed; j < l->n && !needed; j++)
            needed = l->el[j].box.header == l->el[i].gid + 1;
        if (needed)
            l->el[kept++] = l->el[i];
        else
            free_elem(&l->el[i]);
    }
    memmove(l->el + kept, l->el + placed, (l->n - placed) * sizeof *l->el);
    l->n = kept + (l->n - placed);
    l->ps.next = kept;
}

/* Places the pages of the flow that can be decided: all of them when more is 0
 * (the flow is complete), else those no element to come can change. */
static void place_pages(lay *l, int more)
{
    const pg_style *st = l->st;
    pg_flow_box *boxes = pg_xmalloc((l->n ? l->n : 1) * sizeof *boxes);
    /* the boxes repeated above others (table headers) */
    char *repeated = pg_xcalloc(l->n ? l->n : 1, 1);
    for (size_t i = 0; i < l->n; i++) {
        boxes[i] = l->el[i].box;
        if (boxes[i].header) {
            size_t h = (size_t)(elem_by_gid(l, boxes[i].header - 1) - l->el);
            boxes[i].header = h + 1;
            repeated[h] = 1;
        }
    }
    pg_page_geom g = {.avail = l->page_h - st->margin_top - st->margin_bottom,
                      .foot_pitch = pitch(l, PG_ROLE_FOOTNOTE),
                      .foot_sep = st->footnote_gap};
    int overflow = 0, foot;
    size_t first;
    while (pg_paginate_next(boxes, l->n, more, &g, &l->ps, &first, &foot, &overflow)) {
        size_t end = l->ps.next;
        pg_page *page = new_page(l);
        ++l->shown;
        page->shown = l->shown >= st->page_number_from ? l->shown : 0;
        double y = st->margin_top;
        reopen(l, page);
        if (first < end && boxes[first].header && boxes[first].header - 1 != first) {
            felem *h = &l->el[boxes[first].header - 1];
            copy_items(l, page, h, y, 1, 1);
            y += h->box.height;
        }
        for (size_t i = first; i < end; i++) {
            felem *e = &l->el[i];
            if (i != first)
                y += e->box.gap;
            if (e->outline)
                pg_pages_add_outline(l->into, e->outline, e->outline_level, (int)l->into->n - 1,
                                     y);
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
        place_notes(l, page, foot);
        number_page(l, page);
    }
    l->overflow |= overflow;
    free(boxes);
    free(repeated);
    compact(l);
}

/* How many elements may wait before flow_ready() tries to place pages: about
 * two pages of lines. */
#define FLOW_WINDOW 96

void flow_ready(lay *l)
{
    if (!l->flush_off && !l->failed && l->n - l->ps.next > FLOW_WINDOW)
        place_pages(l, 1);
}

void place_flow(lay *l)
{
    place_pages(l, 0);
    if (l->overflow)
        pg_diag_add(l->diags, PG_W_LAYOUT_OVERFLOW, l->doc->file, 0, 0,
                    "a block runs past the bottom margin");
    l->overflow = 0;
    for (size_t i = 0; i < l->n; i++)
        free_elem(&l->el[i]);
    l->n = 0;
    l->ps = (pg_paginate_state){0};
    l->n_open = 0; /* a flow ends every structure it began */
    l->pending = 0;
    l->keep_next = 0;
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
    for (size_t i = 0; i < pp->n; i++)
        if (!page_finite(&pp->pages[i]))
            return 0;
    for (size_t i = 0; i < pp->n_outline; i++)
        if (!(fabs(pp->outline[i].y) < big))
            return 0;
    return 1;
}
