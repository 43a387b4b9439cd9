/* layout.c - layout stage (see layout.h). Lengths are in pt unless they say
 * Pango units. */
#include "layout.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#define LINE_SEPARATOR "\xE2\x80\xA8" /* U+2028: a forced break inside a paragraph */

/* An element of the flow: a box with the items drawn in it, relative to its top. */
typedef struct {
    pg_flow_box box;
    pg_item *items;
    size_t n, cap;
} felem;

typedef struct {
    const pg_doc *doc;
    const pg_style *st;
    PangoContext *ctx;
    pg_diag_list *diags;
    felem *el;
    size_t n, cap;
    double pending;  /* space after the previous block */
    int keep_next;   /* the next element stays with the one before */
    double L, W;     /* left margin and text width */
    PangoFontDescription *font[PG_ROLE__COUNT];
    double ascent[PG_ROLE__COUNT], descent[PG_ROLE__COUNT];
} lay;

/* ---- fonts and layouts ---------------------------------------------------- */

static const pg_textstyle *ts(const lay *l, pg_role r)
{
    return &l->st->text[r];
}

static double pitch(const lay *l, pg_role r)
{
    const pg_textstyle *t = ts(l, r);
    return t->pitch > 0 ? t->pitch : 1.15 * t->size;
}

/* Distance from the top of a line box to its baseline: the glyphs are centred
 * in the pitch. */
static double baseline_offset(const lay *l, pg_role r)
{
    return (pitch(l, r) - l->ascent[r] - l->descent[r]) / 2 + l->ascent[r];
}

static void init_fonts(lay *l)
{
    for (int r = 0; r < PG_ROLE__COUNT; r++) {
        const pg_textstyle *t = ts(l, (pg_role)r);
        PangoFontDescription *d = pango_font_description_new();
        pango_font_description_set_family(d, l->st->font_family);
        pango_font_description_set_absolute_size(d, t->size * PANGO_SCALE);
        pango_font_description_set_weight(d, t->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_font_description_set_style(d, t->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
        l->font[r] = d;
        PangoFontMetrics *m = pango_context_get_metrics(l->ctx, d, NULL);
        l->ascent[r] = pango_font_metrics_get_ascent(m) / (double)PANGO_SCALE;
        l->descent[r] = pango_font_metrics_get_descent(m) / (double)PANGO_SCALE;
        pango_font_metrics_unref(m);
    }
}

/* Returns a new layout of text in role's font, width pt wide (<= 0: no wrap).
 * attrs may be NULL; the layout takes its own reference. */
static PangoLayout *make_layout(lay *l, pg_role role, const char *text, PangoAttrList *attrs,
                                double width, pg_align align, double indent)
{
    const pg_textstyle *t = ts(l, role);
    PangoLayout *ly = pango_layout_new(l->ctx);
    pango_layout_set_font_description(ly, l->font[role]);
    pango_layout_set_text(ly, text, -1);
    PangoAttrList *al = attrs ? pango_attr_list_copy(attrs) : pango_attr_list_new();
    if (t->underline) {
        PangoAttribute *u = pango_attr_underline_new(PANGO_UNDERLINE_SINGLE);
        u->start_index = 0;
        u->end_index = (guint)strlen(text);
        pango_attr_list_insert_before(al, u);
    }
    pango_layout_set_attributes(ly, al);
    pango_attr_list_unref(al);
    if (width > 0) {
        pango_layout_set_width(ly, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(ly, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_indent(ly, (int)(indent * PANGO_SCALE));
    switch (align) {
    case PG_ALIGN_LEFT:
        pango_layout_set_alignment(ly, PANGO_ALIGN_LEFT);
        break;
    case PG_ALIGN_CENTER:
        pango_layout_set_alignment(ly, PANGO_ALIGN_CENTER);
        break;
    case PG_ALIGN_RIGHT:
        pango_layout_set_alignment(ly, PANGO_ALIGN_RIGHT);
        break;
    case PG_ALIGN_JUSTIFY:
        pango_layout_set_alignment(ly, PANGO_ALIGN_LEFT);
        pango_layout_set_justify(ly, TRUE);
        break;
    }
    return ly;
}

/* Appends the text of an inline tree to t and its emphasis to al. */
static void add_inlines(const pg_node *n, pg_buf *t, PangoAttrList *al)
{
    for (const pg_node *c = n->first; c; c = c->next) {
        if (c->type == PG_NODE_TEXT) {
            pg_buf_puts(t, c->u.text.text);
            continue;
        }
        if (c->type == PG_NODE_BREAK) {
            pg_buf_puts(t, LINE_SEPARATOR);
            continue;
        }
        guint start = (guint)t->len;
        add_inlines(c, t, al);
        PangoAttribute *a = NULL;
        if (c->type == PG_NODE_BOLD)
            a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
        else if (c->type == PG_NODE_ITALIC)
            a = pango_attr_style_new(PANGO_STYLE_ITALIC);
        else if (c->type == PG_NODE_UNDERLINE)
            a = pango_attr_underline_new(PANGO_UNDERLINE_SINGLE);
        if (a) {
            a->start_index = start;
            a->end_index = (guint)t->len;
            pango_attr_list_insert(al, a);
        }
    }
}

/* Gives bytes [start, end) of a paragraph the weight and slant of role. */
static void emphasise(lay *l, PangoAttrList *al, pg_role role, size_t start, size_t end)
{
    const pg_textstyle *t = ts(l, role);
    PangoAttribute *w = pango_attr_weight_new(t->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    PangoAttribute *s = pango_attr_style_new(t->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    w->start_index = s->start_index = (guint)start;
    w->end_index = s->end_index = (guint)end;
    pango_attr_list_insert_before(al, w);
    pango_attr_list_insert_before(al, s);
}

/* ---- flow elements ----------------------------------------------------------- */

static felem *new_elem(lay *l, double gap)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->el = pg_xrealloc(l->el, l->cap * sizeof *l->el);
    }
    felem *e = &l->el[l->n++];
    memset(e, 0, sizeof *e);
    e->box.gap = gap;
    e->box.no_break_before = l->keep_next;
    l->keep_next = 0;
    return e;
}

static void elem_add(felem *e, const pg_item *it)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->items = pg_xrealloc(e->items, e->cap * sizeof *e->items);
    }
    e->items[e->n++] = *it;
}

/* Adds line i of layout to e with its baseline at y (relative to e's top). */
static void add_line(felem *e, pg_role role, PangoLayout *ly, int i, double x0, double y,
                     const PangoRectangle *logical)
{
    pg_item it = {.kind = PG_ITEM_TEXT,
                  .role = role,
                  .x = x0 + logical->x / (double)PANGO_SCALE,
                  .y = y,
                  .w = logical->width / (double)PANGO_SCALE,
                  .layout = g_object_ref(ly),
                  .line = i};
    elem_add(e, &it);
}

/* Places every line of ly into e from y_top, at role's pitch; returns the new y.
 * *right (may be NULL) receives the rightmost end of a line. */
static double place_lines(lay *l, felem *e, pg_role role, PangoLayout *ly, double x0, double y_top,
                          double *right)
{
    double p = pitch(l, role), off = baseline_offset(l, role);
    PangoLayoutIter *it = pango_layout_get_iter(ly);
    int i = 0;
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        add_line(e, role, ly, i, x0, y_top + i * p + off, &log);
        double r = x0 + (log.x + log.width) / (double)PANGO_SCALE;
        if (right && r > *right)
            *right = r;
        i++;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    return y_top + i * p;
}

/* Adds a body paragraph as one flow element per line, so that pages may break
 * between its lines where widow and orphan rules allow. whole: never split. */
static void add_paragraph(lay *l, pg_role role, PangoLayout *ly, int whole, int keep_with_next)
{
    const pg_textstyle *t = ts(l, role);
    double p = pitch(l, role), off = baseline_offset(l, role);
    double gap = l->pending > t->space_before ? l->pending : t->space_before;
    int n = pango_layout_get_line_count(ly);
    PangoLayoutIter *it = pango_layout_get_iter(ly);
    int i = 0;
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        felem *e = new_elem(l, i == 0 ? gap : 0);
        e->box.height = p;
        /* at least two lines of a paragraph at a page's foot and at its top */
        if (i > 0 && (whole || i < 2 || n - i < 2))
            e->box.no_break_before = 1;
        add_line(e, role, ly, i, l->L, off, &log);
        i++;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    l->pending = t->space_after;
    l->keep_next = keep_with_next;
}

/* ---- body ------------------------------------------------------------------ */

static pg_role heading_role(int depth)
{
    return depth <= 1 ? PG_ROLE_HEADING1
           : depth == 2 ? PG_ROLE_HEADING2
           : depth == 3 ? PG_ROLE_HEADING3
                        : PG_ROLE_HEADING4;
}

static void layout_text_block(lay *l, pg_role role, const char *prefix, const pg_node *inl)
{
    pg_buf t = {0};
    PangoAttrList *al = pango_attr_list_new();
    if (prefix && *prefix) {
        pg_buf_puts(&t, prefix);
        pg_buf_putc(&t, ' ');
    }
    add_inlines(inl, &t, al);
    const pg_textstyle *s = ts(l, role);
    PangoLayout *ly = make_layout(l, role, pg_buf_str(&t), al, l->W, s->align, s->indent);
    add_paragraph(l, role, ly, 0, 0);
    g_object_unref(ly);
    pango_attr_list_unref(al);
    pg_buf_free(&t);
}

static void layout_blocks(lay *l, const pg_node *parent);

static void layout_section(lay *l, const pg_node *sec)
{
    pg_role hr = heading_role(sec->u.section.depth);
    const pg_textstyle *hs = ts(l, hr);
    const char *label = sec->u.section.label ? sec->u.section.label : "";
    char *title = NULL;
    if (sec->u.section.title)
        title = hs->upper ? g_utf8_strup(sec->u.section.title, -1) : g_strdup(sec->u.section.title);
    const pg_node *first = sec->first;
    int run_in = first && first->type == PG_NODE_PARA && (sec->u.section.run_in || !title);
    pg_buf t = {0};
    PangoAttrList *al = pango_attr_list_new();
    pg_buf_puts(&t, label);
    if (title) {
        if (t.len)
            pg_buf_putc(&t, ' ');
        pg_buf_puts(&t, title);
    }
    size_t head_end = t.len;
    if (run_in) {
        /* "1.2. Nội dung: Theo ..." - the heading opens its first paragraph */
        pg_buf_putc(&t, ' ');
        add_inlines(first, &t, al);
        emphasise(l, al, hr, 0, head_end);
        const pg_textstyle *bs = ts(l, PG_ROLE_BODY);
        PangoLayout *ly = make_layout(l, PG_ROLE_BODY, pg_buf_str(&t), al, l->W, bs->align,
                                      bs->indent);
        double before = l->pending;
        l->pending = before > hs->space_before ? before : hs->space_before;
        add_paragraph(l, PG_ROLE_BODY, ly, 0, 0);
        g_object_unref(ly);
        first = first->next;
    } else if (t.len) {
        PangoLayout *ly = make_layout(l, hr, pg_buf_str(&t), al, l->W, hs->align, hs->indent);
        add_paragraph(l, hr, ly, 1, 1);
        g_object_unref(ly);
    }
    pango_attr_list_unref(al);
    pg_buf_free(&t);
    g_free(title);
    for (const pg_node *c = first; c; c = c->next) {
        if (c->type == PG_NODE_SECTION)
            layout_section(l, c);
        else
            layout_text_block(l, c->type == PG_NODE_ITEM ? PG_ROLE_ITEM : PG_ROLE_BODY,
                              c->type == PG_NODE_ITEM ? c->u.item.label : NULL, c);
    }
}

static void layout_blocks(lay *l, const pg_node *parent)
{
    for (const pg_node *c = parent->first; c; c = c->next) {
        switch (c->type) {
        case PG_NODE_SECTION:
            layout_section(l, c);
            break;
        case PG_NODE_PARA:
            layout_text_block(l, c->u.para.basis ? PG_ROLE_BASIS : PG_ROLE_BODY, NULL, c);
            break;
        case PG_NODE_ITEM:
            layout_text_block(l, PG_ROLE_ITEM, c->u.item.label, c);
            break;
        default:
            break;
        }
    }
}

/* ---- first-page header and title ----------------------------------------------- */

/* Lays one centred text into a column and returns the y under it. */
static double column_text(lay *l, felem *e, pg_role role, const char *text, PangoAttrList *al,
                          double x, double w, double y, double *right)
{
    PangoLayout *ly = make_layout(l, role, text, al, w, ts(l, role)->align, 0);
    y = place_lines(l, e, role, ly, x, y, right);
    g_object_unref(ly);
    return y;
}

/* The narrowest width, at most w, that breaks text into as many lines as w
 * does: centred lines of even length instead of a long line and a stub. */
static double balanced_width(lay *l, pg_role role, const char *text, PangoAttrList *al, double w)
{
    PangoLayout *ly = make_layout(l, role, text, al, w, PG_ALIGN_CENTER, 0);
    int lines = pango_layout_get_line_count(ly);
    g_object_unref(ly);
    if (lines < 2)
        return w;
    double lo = w / lines, hi = w;
    for (int i = 0; i < 12 && hi - lo > 0.5; i++) {
        double mid = (lo + hi) / 2;
        ly = make_layout(l, role, text, al, mid, PG_ALIGN_CENTER, 0);
        if (pango_layout_get_line_count(ly) > lines)
            lo = mid;
        else
            hi = mid;
        g_object_unref(ly);
    }
    return hi;
}

static void add_rule(felem *e, pg_role role, double x, double y, double w, double thickness)
{
    pg_item it = {.kind = PG_ITEM_RULE, .role = role, .x = x, .y = y, .w = w, .h = thickness};
    elem_add(e, &it);
}

static char *case_first(const char *s, int lower)
{
    char *out = g_strdup(s);
    if (!*s)
        return out;
    gunichar c = g_utf8_get_char(s);
    gunichar d = lower ? g_unichar_tolower(c) : g_unichar_toupper(c);
    char buf[8];
    int n = g_unichar_to_utf8(d, buf);
    if (n == g_utf8_next_char(s) - s)
        memcpy(out, buf, (size_t)n);
    return out;
}

static void layout_title_block(lay *l)
{
    const pg_doc *doc = l->doc;
    const pg_style *st = l->st;
    felem *e = new_elem(l, 0);
    double WL = st->left_block * l->W, WR = l->W - WL;
    double xl = l->L, xr = l->L + WL;

    /* left block: parent body, issuing body, mark, number */
    double yl = 0;
    if (doc->parent_body) {
        char *up = g_utf8_strup(doc->parent_body, -1);
        yl = column_text(l, e, PG_ROLE_PARENT_BODY, up, NULL, xl, WL, yl, NULL);
        g_free(up);
    }
    {
        pg_buf t = {0};
        PangoAttrList *al = pango_attr_list_new();
        add_inlines(doc->issuer, &t, al);
        char *up = g_utf8_strup(pg_buf_str(&t), -1);
        yl = column_text(l, e, PG_ROLE_ISSUER, up, NULL, xl, WL, yl, NULL);
        g_free(up);
        pango_attr_list_unref(al);
        pg_buf_free(&t);
    }
    if (st->issuer_mark)
        yl = column_text(l, e, PG_ROLE_ISSUER_MARK, st->issuer_mark, NULL, xl, WL, yl, NULL);
    yl = column_text(l, e, PG_ROLE_NUMBER, doc->number_line, NULL, xl, WL, yl, NULL);

    /* right block: the Party's name with a rule of its exact length, then place and date */
    double yr = 0;
    if (st->nation) {
        PangoLayout *ly =
            make_layout(l, PG_ROLE_NATION, st->nation, NULL, WR, ts(l, PG_ROLE_NATION)->align, 0);
        size_t first = e->n;
        yr = place_lines(l, e, PG_ROLE_NATION, ly, xr, 0, NULL);
        const pg_item *last = &e->items[e->n - 1];
        double x0 = last->x, x1 = last->x + last->w;
        for (size_t k = first; k < e->n; k++) {
            if (e->items[k].x < x0)
                x0 = e->items[k].x;
            if (e->items[k].x + e->items[k].w > x1)
                x1 = e->items[k].x + e->items[k].w;
        }
        double rule_y = last->y + l->descent[PG_ROLE_NATION] + 1.5;
        add_rule(e, PG_ROLE_NATION, x0, rule_y, x1 - x0, st->rule_width);
        yr = rule_y + 4.0;
        g_object_unref(ly);
    }
    yr = column_text(l, e, PG_ROLE_DATE, doc->date_line, NULL, xr, WR, yr, NULL);

    /* title: document type, summary, separator */
    double y = (yl > yr ? yl : yr) + st->header_gap;
    y = column_text(l, e, PG_ROLE_DOCTYPE, doc->doctype, NULL, l->L, l->W, y, NULL);
    {
        pg_buf t = {0};
        PangoAttrList *al = pango_attr_list_new();
        add_inlines(doc->summary, &t, al);
        const char *text = pg_buf_str(&t);
        char *cased = st->summary_case ? case_first(text, st->summary_case < 0) : g_strdup(text);
        double sw = balanced_width(l, PG_ROLE_SUMMARY, cased, al, l->W * 0.9);
        y = column_text(l, e, PG_ROLE_SUMMARY, cased, al, l->L + (l->W - sw) / 2, sw, y, NULL);
        g_free(cased);
        pango_attr_list_unref(al);
        pg_buf_free(&t);
    }
    if (st->separator)
        y = column_text(l, e, PG_ROLE_SEPARATOR, st->separator, NULL, l->L, l->W, y, NULL);
    e->box.height = y;
    l->pending = ts(l, PG_ROLE_SEPARATOR)->space_after;
    l->keep_next = 1; /* the title never ends a page */
}

/* ---- recipients and signature ----------------------------------------------- */

static void add_brace(felem *e, double x, double y, double w, double h)
{
    pg_item it = {.kind = PG_ITEM_BRACE, .role = PG_ROLE_RECIPIENT, .x = x, .y = y, .w = w, .h = h};
    elem_add(e, &it);
}

static void layout_closing(lay *l)
{
    const pg_doc *doc = l->doc;
    const pg_style *st = l->st;
    double gap = l->pending > st->closing_gap ? l->pending : st->closing_gap;
    l->keep_next = 1; /* never alone on a page: it takes the body's last lines along */
    felem *e = new_elem(l, gap);
    double RW = st->signature_column * l->W, SW = l->W - RW;
    double xs = l->L + RW;

    /* signature: authority, title, room for signature and seal, name */
    const pg_signature *sg = &doc->signature;
    double ys = 0;
    if (sg->authority_line)
        ys = column_text(l, e, PG_ROLE_SIGN_AUTHORITY, sg->authority_line, NULL, xs, SW, ys, NULL);
    if (sg->title_line)
        ys = column_text(l, e, PG_ROLE_SIGN_TITLE, sg->title_line, NULL, xs, SW, ys, NULL);
    ys += st->signature_space;
    if (sg->name)
        ys = column_text(l, e, PG_ROLE_SIGN_NAME, sg->name, NULL, xs, SW, ys, NULL);

    /* recipients: "Nơi nhận:" level with the first signature line */
    double yr = 0;
    if (doc->has_recipients) {
        double first_baseline = baseline_offset(l, PG_ROLE_SIGN_AUTHORITY);
        yr = first_baseline - baseline_offset(l, PG_ROLE_RECIPIENTS_HEADING);
        yr = column_text(l, e, PG_ROLE_RECIPIENTS_HEADING, st->recipients_heading, NULL, l->L, RW,
                         yr, NULL);
        double asc = l->ascent[PG_ROLE_RECIPIENT], desc = l->descent[PG_ROLE_RECIPIENT];
        double off = baseline_offset(l, PG_ROLE_RECIPIENT);
        for (size_t i = 0; i < doc->n_recipients;) {
            const pg_recipient *r = &doc->recipients[i];
            if (!r->group) {
                yr = column_text(l, e, PG_ROLE_RECIPIENT, r->line, NULL, l->L, RW, yr, NULL);
                i++;
                continue;
            }
            /* a group: its lines, a right brace spanning them, the purpose to its right */
            const pg_recipient_group *g = &doc->groups[r->group - 1];
            const char *kv_purpose = g->purpose ? g->purpose : "";
            char *purpose = g_strdup_printf("(%s)", kv_purpose);
            PangoLayout *pl = make_layout(l, PG_ROLE_RECIPIENT, purpose, NULL, -1, PG_ALIGN_LEFT, 0);
            PangoRectangle pr;
            pango_layout_get_extents(pl, NULL, &pr);
            double pw = pr.width / (double)PANGO_SCALE;
            g_object_unref(pl);
            double brace_w = 5, pad = 3;
            if (pw > RW * 0.4)
                pw = RW * 0.4;
            double item_w = RW - pw - brace_w - 2 * pad;
            double top = yr, right = l->L;
            size_t k = i;
            for (; k < doc->n_recipients && doc->recipients[k].group == r->group; k++)
                yr = column_text(l, e, PG_ROLE_RECIPIENT, doc->recipients[k].line, NULL, l->L,
                                 item_w, yr, &right);
            double y0 = top + off - asc, y1 = yr - pitch(l, PG_ROLE_RECIPIENT) + off + desc;
            add_brace(e, right + pad, y0, brace_w, y1 - y0);
            PangoLayout *ply = make_layout(l, PG_ROLE_RECIPIENT, purpose, NULL, pw + 1,
                                           PG_ALIGN_CENTER, 0);
            int nl = pango_layout_get_line_count(ply);
            /* centre the purpose's glyphs on the brace's tip */
            double mid = (y0 + y1) / 2;
            double ptop = mid - off - ((nl - 1) * pitch(l, PG_ROLE_RECIPIENT) + desc - asc) / 2;
            place_lines(l, e, PG_ROLE_RECIPIENT, ply, right + pad + brace_w + pad, ptop, NULL);
            g_object_unref(ply);
            g_free(purpose);
            i = k;
        }
        if (doc->archive_line)
            yr = column_text(l, e, PG_ROLE_RECIPIENT, doc->archive_line, NULL, l->L, RW, yr, NULL);
    }
    e->box.height = ys > yr ? ys : yr;
}

/* ---- pages ------------------------------------------------------------------ */

size_t pg_paginate(const pg_flow_box *b, size_t n, double avail, size_t *starts, int *overflow)
{
    const double eps = 0.01;
    size_t pages = 0, i = 0;
    while (i < n) {
        starts[pages++] = i;
        double y = 0;
        size_t j = i;
        while (j < n) {
            double g = j == i ? 0 : b[j].gap;
            if (y + g + b[j].height > avail + eps)
                break;
            y += g + b[j].height;
            j++;
        }
        if (j == n)
            break;
        size_t k = j;
        while (k > i && b[k].no_break_before)
            k--;
        if (k == i) {
            /* nothing may break here: break where the page is full, or place a box
             * taller than the page alone */
            if (j == i) {
                if (overflow)
                    *overflow = 1;
                k = i + 1;
            } else {
                k = j;
            }
        }
        i = k;
    }
    return pages;
}

static void number_pages(lay *l, pg_pages *pp)
{
    const pg_style *st = l->st;
    for (size_t i = 0; i < pp->n; i++) {
        pg_page *p = &pp->pages[i];
        if (p->number < st->page_number_from)
            continue;
        char num[16];
        snprintf(num, sizeof num, "%d", p->number);
        PangoLayout *ly = make_layout(l, PG_ROLE_PAGE_NUMBER, num, NULL, -1, PG_ALIGN_LEFT, 0);
        PangoRectangle log;
        pango_layout_get_extents(ly, NULL, &log);
        double w = log.width / (double)PANGO_SCALE;
        pg_item it = {.kind = PG_ITEM_TEXT,
                      .role = PG_ROLE_PAGE_NUMBER,
                      .x = l->L + (l->W - w) / 2,
                      .y = st->page_number_top + l->ascent[PG_ROLE_PAGE_NUMBER],
                      .w = w,
                      .layout = ly,
                      .line = 0};
        pg_page_add_item(p, &it);
    }
}

static void set_metadata(lay *l, pg_pages *pp)
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

pg_pages *pg_layout_run(const pg_doc *doc, const pg_style *st, pg_fonts *fonts,
                        pg_diag_list *diags)
{
    lay l = {0};
    l.doc = doc;
    l.st = st;
    l.diags = diags;
    l.ctx = pg_fonts_context(fonts);
    l.L = st->margin_left;
    l.W = st->page_w - st->margin_left - st->margin_right;
    init_fonts(&l);

    layout_title_block(&l);
    layout_blocks(&l, doc->body);
    layout_closing(&l);

    pg_flow_box *boxes = pg_xmalloc(l.n * sizeof *boxes);
    size_t *starts = pg_xmalloc((l.n + 1) * sizeof *starts);
    for (size_t i = 0; i < l.n; i++)
        boxes[i] = l.el[i].box;
    double avail = st->page_h - st->margin_top - st->margin_bottom;
    int overflow = 0;
    size_t npages = pg_paginate(boxes, l.n, avail, starts, &overflow);
    if (overflow)
        pg_diag_add(diags, PG_W_LAYOUT_OVERFLOW, doc->file, 0, 0,
                    "a block runs past the bottom margin");
    starts[npages] = l.n;

    pg_pages *pp = pg_pages_new();
    for (size_t p = 0; p < npages; p++) {
        pg_page *page = pg_pages_add(pp, st->page_w, st->page_h);
        double y = st->margin_top;
        for (size_t i = starts[p]; i < starts[p + 1]; i++) {
            felem *e = &l.el[i];
            if (i != starts[p])
                y += e->box.gap;
            for (size_t k = 0; k < e->n; k++) {
                pg_item it = e->items[k];
                it.y += y;
                pg_page_add_item(page, &it);
                e->items[k].layout = NULL; /* reference moved to the page */
            }
            y += e->box.height;
        }
    }
    number_pages(&l, pp);
    set_metadata(&l, pp);

    for (size_t i = 0; i < l.n; i++) {
        for (size_t k = 0; k < l.el[i].n; k++)
            if (l.el[i].items[k].layout)
                g_object_unref(l.el[i].items[k].layout);
        free(l.el[i].items);
    }
    free(l.el);
    free(boxes);
    free(starts);
    for (int r = 0; r < PG_ROLE__COUNT; r++)
        pango_font_description_free(l.font[r]);
    g_object_unref(l.ctx);
    return pp;
}
