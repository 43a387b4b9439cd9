/* layout.c - layout stage (see layout.h). Lengths are in pt unless they say
 * Pango units. */
#include "layout.h"

#include "coverage.h"

#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define LINE_SEPARATOR "\xE2\x80\xA8" /* U+2028: a forced break inside a paragraph */

/* An element of the flow: a box with the items drawn in it, relative to its top. */
typedef struct {
    pg_flow_box box;
    pg_item *items;
    size_t n, cap;
    int *notes;          /* indexes into lay.notes of the footnotes marked here */
    size_t n_notes;
    int band;            /* a slice of a table row */
    int row_end;         /* the last slice of its row */
    double close_x, close_w; /* the table's extent, for a closing rule at a page end */
    char *outline;       /* bookmark title (heap); NULL when none */
    int outline_level;
} felem;

/* A footnote mark in the text being laid out: byte range of the mark. */
typedef struct {
    const pg_node *note;  /* NULL once attached */
    PangoLayout *ly;      /* the layout holding the mark; NULL until bound */
    unsigned start, end;
} mark;

/* A footnote's text, laid out once. */
typedef struct {
    const pg_node *node;
    PangoLayout *layout;
    int lines;
} note;

/* A footnote line waiting for a page. */
typedef struct {
    int note; /* index into lay.notes */
    int line;
} note_line;

typedef struct {
    const pg_doc *doc;
    const pg_style *st;
    PangoContext *ctx;
    pg_diag_list *diags;
    pg_reads *reads; /* the images read are recorded here; NULL: not recorded */
    felem *el;
    size_t n, cap;
    double pending;  /* space after the previous block */
    int keep_next;   /* the next element stays with the one before */
    double L, W;     /* left margin and text width of the current flow */
    double page_w, page_h;
    PangoFontDescription *font[PG_ROLE__COUNT];
    char *font_key[PG_ROLE__COUNT]; /* each font as a string, for the layout cache */
    pg_fonts *fonts;
    double ascent[PG_ROLE__COUNT], descent[PG_ROLE__COUNT];
    char have_metrics[PG_ROLE__COUNT]; /* ascent and descent computed */
    mark *marks;     /* marks of the layout being built */
    size_t n_marks, cap_marks;
    note *notes;     /* every footnote, in the order of their marks */
    size_t n_notes, cap_notes;
    note_line *queue; /* footnote lines not yet placed */
    size_t q_head, q_len, q_cap;
    int failed;      /* an error was reported: no pages */
    char *outline_next; /* bookmark for the next paragraph's first line (heap) */
    int outline_level;
    const char *at_file;   /* the plan and position of the node being laid out, */
    pg_pos at;             /* where a character the font lacks is reported */
    GHashTable *uncovered; /* the reports made (coverage.h) */
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

/* The ascent and descent of role's font, loaded when first asked for: a plan
 * that has no role of some font never loads it. */
static void need_metrics(lay *l, pg_role r)
{
    if (!l->have_metrics[r]) {
        pg_fonts_metrics(l->fonts, l->ctx, l->font[r], l->font_key[r], &l->ascent[r],
                         &l->descent[r]);
        l->have_metrics[r] = 1;
    }
}

static double font_ascent(lay *l, pg_role r)
{
    need_metrics(l, r);
    return l->ascent[r];
}

static double font_descent(lay *l, pg_role r)
{
    need_metrics(l, r);
    return l->descent[r];
}

/* Distance from the top of a line box to its baseline: the glyphs are centred
 * in the pitch. */
static double baseline_offset(lay *l, pg_role r)
{
    double asc = font_ascent(l, r);
    return (pitch(l, r) - asc - font_descent(l, r)) / 2 + asc;
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
        l->font_key[r] = pango_font_description_to_string(d);
    }
}

static PangoLayout *new_layout(lay *l, pg_role role, const char *text, PangoAttrList *attrs,
                               int width, pg_align align, int indent, PangoWrapMode wrap);

/* The node whose text is laid out next: characters its font lacks are
 * reported at its position. */
static void at_node(lay *l, const pg_node *n)
{
    l->at_file = n->file ? n->file : l->doc->file;
    l->at = n->pos;
}

static void check_coverage(lay *l, PangoLayout *ly)
{
    pg_coverage_check(ly, l->st->font_family, l->uncovered, l->diags, l->at_file, l->at.line,
                      l->at.col);
}

/* A length in pt as the Pango units a layout is given; what is not finite
 * (a guard: geometry is checked when the style loads) counts as 0. */
static int pango_units(double pt)
{
    double u = pt * PANGO_SCALE;
    return isfinite(u) && u > -1e9 && u < 1e9 ? (int)u : 0;
}

/* Returns a layout of text in role's font, width pt wide (<= 0: no wrap),
 * wrapped by wrap, from the process's layout cache when the same one was made
 * before (for this plan or an earlier one). attrs may be NULL. The caller owns
 * one reference and never changes the layout: the cache shares it with every
 * later plan, so its key holds everything the layout is made from (the font,
 * the underline, the attributes and the text, and the width, indent, alignment,
 * justification and wrap mode exactly as pango is given them). */
static PangoLayout *make_layout_wrap(lay *l, pg_role role, const char *text,
                                     PangoAttrList *attrs, double width, pg_align align,
                                     double indent, PangoWrapMode wrap)
{
    const pg_textstyle *t = ts(l, role);
    int w = width > 0 ? pango_units(width) : -1, ind = pango_units(indent);
    if (w <= 0)
        w = -1;
    char *attr_key = attrs ? pango_attr_list_to_string(attrs) : NULL;
    /* the strings before the text carry their length: no two keys run together */
    char *key = g_strdup_printf("%zu:%s|%d|%d|%d|%d|%d|%zu:%s|%s", strlen(l->font_key[role]),
                                l->font_key[role], w, (int)align, ind, (int)wrap, t->underline,
                                attr_key ? strlen(attr_key) : 0, attr_key ? attr_key : "", text);
    g_free(attr_key);
    PangoLayout *ly = pg_fonts_layout_lookup(l->fonts, key);
    if (!ly) {
        ly = new_layout(l, role, text, attrs, w, align, ind, wrap);
        pg_fonts_layout_store(l->fonts, key, ly);
    }
    g_free(key);
    check_coverage(l, ly);
    return ly;
}

/* make_layout_wrap() wrapping at words (inside a word only when it is wider
 * than the line). */
static PangoLayout *make_layout(lay *l, pg_role role, const char *text, PangoAttrList *attrs,
                                double width, pg_align align, double indent)
{
    return make_layout_wrap(l, role, text, attrs, width, align, indent, PANGO_WRAP_WORD_CHAR);
}

/* width and indent in Pango units; width -1: no wrap */
static PangoLayout *new_layout(lay *l, pg_role role, const char *text, PangoAttrList *attrs,
                               int width, pg_align align, int indent, PangoWrapMode wrap)
{
    const pg_textstyle *t = ts(l, role);
    PangoLayout *ly = pango_layout_new(l->ctx);
    pango_layout_set_font_description(ly, l->font[role]);
    pango_layout_set_text(ly, text, -1);
    PangoAttrList *al = attrs ? pango_attr_list_copy(attrs) : pango_attr_list_new();
    pango_attr_list_insert_before(al, pg_coverage_attr());
    if (t->underline) {
        PangoAttribute *u = pango_attr_underline_new(PANGO_UNDERLINE_SINGLE);
        u->start_index = 0;
        u->end_index = (guint)strlen(text);
        pango_attr_list_insert_before(al, u);
    }
    pango_layout_set_attributes(ly, al);
    pango_attr_list_unref(al);
    if (width > 0) {
        pango_layout_set_width(ly, width);
        pango_layout_set_wrap(ly, wrap);
    }
    pango_layout_set_indent(ly, indent);
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

/* Appends a superscript note mark to t (with its attributes in al). */
static void add_mark(lay *l, int number, pg_buf *t, PangoAttrList *al, mark *m)
{
    guint start = (guint)t->len;
    pg_buf_printf(t, "%d", number);
    PangoAttribute *sc = pango_attr_scale_new(l->st->mark_scale);
    PangoAttribute *rise = pango_attr_rise_new((int)(l->st->mark_rise * PANGO_SCALE));
    sc->start_index = rise->start_index = start;
    sc->end_index = rise->end_index = (guint)t->len;
    pango_attr_list_insert(al, sc);
    pango_attr_list_insert(al, rise);
    if (m) {
        m->start = start;
        m->end = (unsigned)t->len;
    }
}

/* Appends the text of an inline tree to t and its emphasis to al; footnotes
 * leave a mark and are remembered in l->marks. */
static void add_inlines(lay *l, const pg_node *n, pg_buf *t, PangoAttrList *al)
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
        if (c->type == PG_NODE_FOOTNOTE) {
            if (l->n_marks == l->cap_marks) {
                l->cap_marks = l->cap_marks ? l->cap_marks * 2 : 8;
                l->marks = pg_xrealloc(l->marks, l->cap_marks * sizeof *l->marks);
            }
            mark *m = &l->marks[l->n_marks++];
            m->note = c;
            m->ly = NULL;
            add_mark(l, c->u.footnote.number, t, al, m);
            continue;
        }
        guint start = (guint)t->len;
        add_inlines(l, c, t, al);
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

/* Lays out a footnote's text once; returns its index in l->notes. */
static int note_of(lay *l, const pg_node *fn)
{
    for (size_t i = 0; i < l->n_notes; i++)
        if (l->notes[i].node == fn)
            return (int)i;
    if (l->n_notes == l->cap_notes) {
        l->cap_notes = l->cap_notes ? l->cap_notes * 2 : 8;
        l->notes = pg_xrealloc(l->notes, l->cap_notes * sizeof *l->notes);
    }
    pg_buf t = {0};
    PangoAttrList *al = pango_attr_list_new();
    pango_attr_list_insert(al, pg_coverage_attr());
    add_mark(l, fn->u.footnote.number, &t, al, NULL);
    pg_buf_putc(&t, ' ');
    size_t saved = l->n_marks;
    add_inlines(l, fn, &t, al);
    l->n_marks = saved; /* a note carries no marks of its own */
    const pg_textstyle *s = &l->st->text[PG_ROLE_FOOTNOTE];
    note *nt = &l->notes[l->n_notes];
    nt->node = fn;
    nt->layout = NULL;
    nt->lines = 0;
    {
        PangoLayout *ly = pango_layout_new(l->ctx);
        pango_layout_set_font_description(ly, l->font[PG_ROLE_FOOTNOTE]);
        pango_layout_set_text(ly, pg_buf_str(&t), -1);
        pango_layout_set_attributes(ly, al);
        pango_layout_set_width(ly, (int)(l->W * PANGO_SCALE));
        pango_layout_set_wrap(ly, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_indent(ly, (int)(s->indent * PANGO_SCALE));
        pango_layout_set_justify(ly, s->align == PG_ALIGN_JUSTIFY);
        nt->layout = ly;
        nt->lines = pango_layout_get_line_count(ly);
        const char *file = l->at_file;
        pg_pos at = l->at;
        at_node(l, fn);
        check_coverage(l, ly);
        l->at_file = file;
        l->at = at;
    }
    pango_attr_list_unref(al);
    pg_buf_free(&t);
    return (int)l->n_notes++;
}

/* Moves the marks that fall in line i of ly into e: each mark becomes a link to
 * its note, and the note goes on the element's page. x0 is the layout's left
 * edge, y the line's baseline (relative to e). */
static void attach_marks(lay *l, felem *e, PangoLayout *ly, int i, double x0, double y)
{
    if (!l->n_marks)
        return;
    PangoLayoutLine *line = pango_layout_get_line_readonly(ly, i);
    for (size_t k = 0; k < l->n_marks; k++) {
        mark *m = &l->marks[k];
        if (!m->note || m->ly != ly || (int)m->start < line->start_index ||
            (int)m->start >= line->start_index + line->length)
            continue;
        PangoRectangle a, b;
        pango_layout_index_to_pos(ly, (int)m->start, &a);
        pango_layout_index_to_pos(ly, (int)m->end - 1, &b);
        double size = l->st->text[PG_ROLE_BODY].size;
        pg_item link = {.kind = PG_ITEM_LINK,
                        .x = x0 + a.x / (double)PANGO_SCALE,
                        .y = y - size,
                        .w = (b.x + b.width - a.x) / (double)PANGO_SCALE,
                        .h = size,
                        .target = m->note->u.footnote.number};
        if (link.w < 2)
            link.w = 2;
        elem_add(e, &link);
        int idx = note_of(l, m->note);
        e->notes = pg_xrealloc(e->notes, (e->n_notes + 1) * sizeof *e->notes);
        e->notes[e->n_notes++] = idx;
        e->box.foot_lines += l->notes[idx].lines;
        m->note = NULL;
    }
}

/* Binds the marks collected since the last binding to ly, the layout made from
 * their text. */
static void bind_marks(lay *l, PangoLayout *ly)
{
    for (size_t k = 0; k < l->n_marks; k++)
        if (!l->marks[k].ly)
            l->marks[k].ly = ly;
}

static void clear_marks(lay *l)
{
    l->n_marks = 0;
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
    bind_marks(l, ly);
    PangoLayoutIter *it = pango_layout_get_iter(ly);
    int i = 0;
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        add_line(e, role, ly, i, x0, y_top + i * p + off, &log);
        attach_marks(l, e, ly, i, x0, y_top + i * p + off);
        double r = x0 + (log.x + log.width) / (double)PANGO_SCALE;
        if (right && r > *right)
            *right = r;
        i++;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    clear_marks(l);
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
    bind_marks(l, ly);
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
        attach_marks(l, e, ly, i, l->L, off);
        if (i == 0 && l->outline_next) {
            e->outline = l->outline_next;
            e->outline_level = l->outline_level;
            l->outline_next = NULL;
        }
        i++;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    clear_marks(l);
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

/* Whether a line other than the last holds no space: a link or a long word
 * broken by force, which justification would spread letter by letter. */
static int has_unbreakable_line(PangoLayout *ly)
{
    const char *text = pango_layout_get_text(ly);
    int n = pango_layout_get_line_count(ly);
    for (int i = 0; i + 1 < n; i++) {
        PangoLayoutLine *line = pango_layout_get_line_readonly(ly, i);
        int len = line->length;
        while (len > 0 && text[line->start_index + len - 1] == ' ')
            len--;
        if (len > 0 && !memchr(text + line->start_index, ' ', (size_t)len))
            return 1;
    }
    return 0;
}

static void layout_text_block(lay *l, pg_role role, const char *prefix, const pg_node *inl)
{
    pg_buf t = {0};
    PangoAttrList *al = pango_attr_list_new();
    if (prefix && *prefix) {
        pg_buf_puts(&t, prefix);
        pg_buf_putc(&t, ' ');
    }
    add_inlines(l, inl, &t, al);
    const pg_textstyle *s = ts(l, role);
    PangoLayout *ly = make_layout(l, role, pg_buf_str(&t), al, l->W, s->align, s->indent);
    if (s->align == PG_ALIGN_JUSTIFY && has_unbreakable_line(ly)) {
        /* the same lines, not justified: another layout (a cached one is never changed) */
        g_object_unref(ly);
        ly = make_layout(l, role, pg_buf_str(&t), al, l->W, PG_ALIGN_LEFT, s->indent);
    }
    add_paragraph(l, role, ly, 0, 0);
    g_object_unref(ly);
    pango_attr_list_unref(al);
    pg_buf_free(&t);
}

static void layout_blocks(lay *l, const pg_node *parent);
static void layout_block(lay *l, const pg_node *c);
static void add_rule(felem *e, pg_role role, double x, double y, double w, double thickness);
static void add_vrule(felem *e, pg_role role, double x, double y, double h, double thickness);

static void layout_section(lay *l, const pg_node *sec)
{
    pg_role hr = heading_role(sec->u.section.depth);
    const pg_textstyle *hs = ts(l, hr);
    at_node(l, sec);
    const char *label = sec->u.section.label ? sec->u.section.label : "";
    const char *title = sec->u.section.title_line;
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
    if (title) {
        g_free(l->outline_next);
        l->outline_next = g_strdup(pg_buf_str(&t));
        l->outline_level = sec->u.section.depth;
    }
    if (run_in) {
        /* "1.2. Nội dung: Theo ..." - the heading opens its first paragraph */
        pg_buf_putc(&t, ' ');
        add_inlines(l, first, &t, al);
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
    for (const pg_node *c = first; c; c = c->next)
        layout_block(l, c);
}

/* ---- tables ------------------------------------------------------------------ */

/* One line of a cell, placed relative to its row's top. */
typedef struct {
    PangoLayout *ly;
    int line;
    pg_role role;
    double x, top, bottom, base; /* pt */
    PangoRectangle log;
} cell_line;

typedef struct {
    cell_line *v;
    size_t n, cap;
} cell_lines;

/* The narrowest column (pt): room for a letter. */
#define MIN_COLUMN 14.0

/* The widths of t's columns (pt), each at least MIN_COLUMN (or an equal share
 * of the text width when the columns cannot all have that), together never
 * wider than the text. */
static void column_widths(lay *l, const pg_node *t, double *w)
{
    int nc = t->u.table.ncols;
    double fixed = 0, shares = 0;
    for (int i = 0; i < nc; i++) {
        const pg_column *c = &t->u.table.cols[i];
        w[i] = c->fixed ? c->fixed : c->percent ? c->percent * l->W / 100 : 0;
        fixed += w[i];
        if (!c->fixed && !c->percent)
            shares += c->share;
    }
    double rest = l->W - fixed;
    for (int i = 0; i < nc; i++) {
        const pg_column *c = &t->u.table.cols[i];
        if (!c->fixed && !c->percent)
            w[i] = rest > 0 && shares > 0 ? rest * c->share / shares : 0;
    }
    /* never wider than the text, never a column too narrow for a letter */
    double total = 0, min = MIN_COLUMN;
    if (nc * min > l->W)
        min = l->W / nc; /* layout_table refuses such a table; no 0/0 all the same */
    for (int i = 0; i < nc; i++) {
        if (!(w[i] >= min))
            w[i] = min;
        total += w[i];
    }
    if (total > l->W && total - nc * min > 0)
        for (int i = 0; i < nc; i++)
            w[i] = (w[i] - min) * (l->W - nc * min) / (total - nc * min) + min;
}

static void cell_line_add(cell_lines *cl, const cell_line *c)
{
    if (cl->n == cl->cap) {
        cl->cap = cl->cap ? cl->cap * 2 : 16;
        cl->v = pg_xrealloc(cl->v, cl->cap * sizeof *cl->v);
    }
    cl->v[cl->n++] = *c;
}

/* Lays out a cell's blocks into lines from y = pad; returns the content bottom. */
static double layout_cell(lay *l, const pg_node *cell, pg_role role, char align, double x,
                          double w, double pad, cell_lines *out)
{
    double y = pad;
    double p = pitch(l, role), off = baseline_offset(l, role);
    const pg_textstyle *s = ts(l, role);
    pg_align al = align == 'c' ? PG_ALIGN_CENTER
                  : align == 'r' ? PG_ALIGN_RIGHT
                  : align == 'j' ? PG_ALIGN_JUSTIFY
                                 : PG_ALIGN_LEFT;
    if (role == PG_ROLE_TABLE_HEADER)
        al = s->align;
    int first = 1;
    for (const pg_node *b = cell->first; b; b = b->next) {
        pg_buf t = {0};
        PangoAttrList *attrs = pango_attr_list_new();
        if (b->type == PG_NODE_ITEM && b->u.item.label && *b->u.item.label) {
            pg_buf_puts(&t, b->u.item.label);
            pg_buf_putc(&t, ' ');
        }
        add_inlines(l, b, &t, attrs);
        at_node(l, b);
        PangoLayout *ly = make_layout(l, role, pg_buf_str(&t), attrs, w - 2 * pad, al, 0);
        bind_marks(l, ly);
        if (!first)
            y += s->space_after;
        first = 0;
        PangoLayoutIter *it = pango_layout_get_iter(ly);
        int i = 0;
        do {
            cell_line c = {.ly = ly, .line = i, .role = role, .x = x + pad};
            pango_layout_iter_get_line_extents(it, NULL, &c.log);
            c.top = y;
            c.bottom = y + p;
            c.base = y + off;
            g_object_ref(ly);
            cell_line_add(out, &c);
            y += p;
            i++;
        } while (pango_layout_iter_next_line(it));
        pango_layout_iter_free(it);
        g_object_unref(ly);
        pango_attr_list_unref(attrs);
        pg_buf_free(&t);
    }
    return y;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Adds the lines of cl whose top lies in [y0, y1) to e, moved up by y0. */
static void band_lines(lay *l, felem *e, cell_lines *cl, double y0, double y1)
{
    for (size_t i = 0; i < cl->n; i++) {
        cell_line *c = &cl->v[i];
        if (!c->ly || c->top < y0 - 0.01 || c->top >= y1 - 0.01)
            continue;
        add_line(e, c->role, c->ly, c->line, c->x, c->base - y0, &c->log);
        attach_marks(l, e, c->ly, c->line, c->x, c->base - y0);
    }
}

static void cell_lines_free(cell_lines *cl)
{
    for (size_t i = 0; i < cl->n; i++)
        g_object_unref(cl->v[i].ly);
    free(cl->v);
    cl->v = NULL;
    cl->n = cl->cap = 0;
}

/* A table: header rows kept as one block repeated on every page the table
 * reaches; each body row cut into bands at the line boundaries that cross no
 * cell's line, so that a row taller than the space left continues on the next
 * page, line by line, never clipped. */
static void layout_table(lay *l, const pg_node *t)
{
    int nc = t->u.table.ncols;
    if (nc <= 0)
        return;
    if (nc * MIN_COLUMN > l->W) {
        pg_diag_add(l->diags, PG_E_BAD_VALUE, t->file ? t->file : l->doc->file, t->pos.line,
                    t->pos.col,
                    "the table has %d columns; the text width of %.0f pt holds at most %d "
                    "columns of %.0f pt: use fewer columns, a style with a wider text, or a "
                    "landscape <appendix>",
                    nc, l->W, (int)(l->W / MIN_COLUMN), MIN_COLUMN);
        l->failed = 1;
        return;
    }
    const pg_style *st = l->st;
    double *w = pg_xcalloc((size_t)nc, sizeof *w);
    double *xs = pg_xcalloc((size_t)nc + 1, sizeof *xs);
    column_widths(l, t, w);
    xs[0] = l->L;
    for (int i = 0; i < nc; i++)
        xs[i + 1] = xs[i] + w[i];
    double tw = xs[nc] - xs[0];
    double pad = st->cell_padding, bw = st->border_width;
    double gap = l->pending > ts(l, PG_ROLE_TABLE)->space_before ? l->pending
                                                                 : ts(l, PG_ROLE_TABLE)->space_before;
    felem *hdr = NULL;
    size_t hdr_index = 0;
    int body_rows = 0;
    for (const pg_node *row = t->first; row; row = row->next) {
        pg_role role = row->u.row.header ? PG_ROLE_TABLE_HEADER : PG_ROLE_TABLE;
        cell_lines cl = {0};
        double row_h = 0;
        int k = 0;
        for (const pg_node *cell = row->first; cell && k < nc; cell = cell->next, k++) {
            double bottom = layout_cell(l, cell, role, t->u.table.cols[k].align, xs[k], w[k], pad, &cl);
            if (bottom > row_h)
                row_h = bottom;
        }
        if (row_h < pad + pitch(l, role))
            row_h = pad + pitch(l, role);
        row_h += pad;
        if (row->u.row.header) {
            if (!hdr) {
                hdr = new_elem(l, gap);
                hdr_index = l->n; /* 1 + its index */
                gap = 0;
            }
            hdr = &l->el[hdr_index - 1];
            double y0 = hdr->box.height;
            for (size_t i = 0; i < cl.n; i++) {
                cell_line *c = &cl.v[i];
                add_line(hdr, c->role, c->ly, c->line, c->x, c->base + y0, &c->log);
                attach_marks(l, hdr, c->ly, c->line, c->x, c->base + y0);
            }
            add_rule(hdr, PG_ROLE_TABLE, xs[0], y0, tw, bw);
            for (int i = 0; i <= nc; i++)
                add_vrule(hdr, PG_ROLE_TABLE, xs[i], y0, row_h, bw);
            add_rule(hdr, PG_ROLE_TABLE, xs[0], y0 + row_h, tw, bw);
            hdr->box.height += row_h;
            cell_lines_free(&cl);
            clear_marks(l);
            continue;
        }
        /* the cuts: line bottoms that cross no line of another cell */
        double *cuts = pg_xmalloc((cl.n + 2) * sizeof *cuts);
        size_t nc_cuts = 0;
        for (size_t i = 0; i < cl.n; i++) {
            double y = cl.v[i].bottom;
            int ok = y < row_h - pad - 0.01;
            for (size_t j = 0; j < cl.n && ok; j++)
                if (cl.v[j].top < y - 0.01 && cl.v[j].bottom > y + 0.01)
                    ok = 0;
            if (ok)
                cuts[nc_cuts++] = y;
        }
        qsort(cuts, nc_cuts, sizeof *cuts, cmp_double);
        size_t nb = 0;
        double *edges = pg_xmalloc((nc_cuts + 2) * sizeof *edges);
        edges[nb++] = 0;
        for (size_t i = 0; i < nc_cuts; i++)
            if (cuts[i] > edges[nb - 1] + 0.01)
                edges[nb++] = cuts[i];
        edges[nb++] = row_h;
        for (size_t b = 0; b + 1 < nb; b++) {
            double y0 = edges[b], y1 = edges[b + 1];
            felem *e = new_elem(l, b == 0 && body_rows == 0 ? gap : 0);
            if (b == 0 && body_rows == 0 && hdr)
                e->box.no_break_before = 1; /* the header never ends a page */
            e->box.height = y1 - y0;
            e->box.header = hdr_index;
            e->band = 1;
            e->row_end = b + 2 == nb;
            e->close_x = xs[0];
            e->close_w = tw;
            band_lines(l, e, &cl, y0, y1);
            if (b == 0)
                add_rule(e, PG_ROLE_TABLE, xs[0], 0, tw, bw);
            for (int i = 0; i <= nc; i++)
                add_vrule(e, PG_ROLE_TABLE, xs[i], 0, y1 - y0, bw);
            if (e->row_end)
                add_rule(e, PG_ROLE_TABLE, xs[0], y1 - y0, tw, bw);
        }
        body_rows++;
        free(cuts);
        free(edges);
        cell_lines_free(&cl);
        clear_marks(l);
    }
    free(w);
    free(xs);
    l->pending = ts(l, PG_ROLE_TABLE)->space_after > 6 ? ts(l, PG_ROLE_TABLE)->space_after : 6;
}

/* ---- QR codes and images ------------------------------------------------------- */

static double block_x(lay *l, pg_align align, double w)
{
    switch (align) {
    case PG_ALIGN_CENTER:
        return l->L + (l->W - w) / 2;
    case PG_ALIGN_RIGHT:
        return l->L + l->W - w;
    default:
        return l->L + ts(l, PG_ROLE_BODY)->indent;
    }
}

static void layout_qr(lay *l, const pg_node *q)
{
    QRcode *code = QRcode_encodeString(q->u.qr.href, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) {
        pg_diag_add(l->diags, PG_E_BAD_VALUE, l->doc->file, q->pos.line, q->pos.col,
                    "the link cannot be encoded as a QR code");
        l->failed = 1;
        return;
    }
    int n = code->width;
    double size = l->st->qr_size;
    double mod = size / (n + 8); /* a quiet zone of four modules on each side */
    double x0 = block_x(l, l->st->qr_align, size);
    double gap = l->pending > 6 ? l->pending : 6;
    felem *e = new_elem(l, gap);
    e->box.height = size;
    for (int y = 0; y < n; y++) {
        for (int x = 0; x < n;) {
            if (!(code->data[y * n + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < n && (code->data[y * n + x + run] & 1))
                run++;
            pg_item it = {.kind = PG_ITEM_RECT,
                          .x = x0 + (4 + x) * mod,
                          .y = (4 + y) * mod,
                          .w = run * mod,
                          .h = mod};
            elem_add(e, &it);
            x += run;
        }
    }
    QRcode_free(code);
    l->pending = 6;
    if (q->u.qr.caption) {
        const pg_textstyle *s = ts(l, PG_ROLE_QR_CAPTION);
        /* the link under the code, starting where the code starts */
        PangoLayout *ly = make_layout_wrap(l, PG_ROLE_QR_CAPTION, q->u.qr.href, NULL, l->W, s->align,
                                           s->align == PG_ALIGN_LEFT ? x0 - l->L : 0,
                                           PANGO_WRAP_CHAR);
        l->keep_next = 1;
        l->pending = 0;
        add_paragraph(l, PG_ROLE_QR_CAPTION, ly, 1, 0);
        g_object_unref(ly);
        l->pending = 6;
    }
}

/* Feeds cairo's PNG reader from memory. */
typedef struct {
    const unsigned char *p;
    size_t left;
} png_source;

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int length)
{
    png_source *src = closure;
    if (length > src->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, src->p, length);
    src->p += length;
    src->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

/* Decodes the PNG of im from the bytes read here once, which are recorded with
 * their hash (the build keys on what was decoded, not on the file later). The
 * bytes must hold the size the parser read from the header and checked against
 * the image limits: a file replaced since is refused before its pixels are
 * decoded (*changed). */
static cairo_surface_t *load_png(lay *l, const pg_node *im, int *changed)
{
    gchar *bytes = NULL;
    gsize len = 0;
    *changed = 0;
    if (!g_file_get_contents(im->u.image.path, &bytes, &len, NULL)) {
        if (l->reads)
            pg_reads_add(l->reads, im->u.image.path, "missing");
        *changed = 1;
        return NULL;
    }
    if (l->reads)
        pg_reads_add_bytes(l->reads, im->u.image.path, bytes, len);
    const unsigned char *b = (const unsigned char *)bytes;
    unsigned long w = 0, h = 0;
    if (len >= 24) {
        w = (unsigned long)b[16] << 24 | (unsigned long)b[17] << 16 | (unsigned long)b[18] << 8 |
            b[19];
        h = (unsigned long)b[20] << 24 | (unsigned long)b[21] << 16 | (unsigned long)b[22] << 8 |
            b[23];
    }
    if (w != (unsigned long)im->u.image.px_w || h != (unsigned long)im->u.image.px_h) {
        *changed = 1;
        g_free(bytes);
        return NULL;
    }
    png_source src = {b, len};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(png_read, &src);
    g_free(bytes);
    return img;
}

static void layout_image(lay *l, const pg_node *im)
{
    if (!im->u.image.path || im->u.image.px_w <= 0 || im->u.image.px_h <= 0)
        return;
    int changed;
    cairo_surface_t *img = load_png(l, im, &changed);
    if (changed) {
        pg_diag_add(l->diags, PG_E_IO, im->file ? im->file : l->doc->file, im->pos.line,
                    im->pos.col, "image \"%s\" changed while the plan was rendered; render again",
                    im->u.image.src);
        l->failed = 1;
        return;
    }
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        /* cairo reports damaged PNG data as out of memory or a read error */
        pg_diag_add(l->diags, PG_E_BAD_VALUE, l->doc->file, im->pos.line, im->pos.col,
                    "image \"%s\" cannot be decoded: the PNG data is damaged", im->u.image.src);
        cairo_surface_destroy(img);
        l->failed = 1;
        return;
    }
    double w = im->u.image.width ? im->u.image.width : im->u.image.px_w * 72.0 / 96.0;
    if (w > l->W)
        w = l->W;
    double h = w * im->u.image.px_h / im->u.image.px_w;
    double avail = l->page_h - l->st->margin_top - l->st->margin_bottom;
    if (h > avail) {
        w *= avail / h;
        h = avail;
    }
    double gap = l->pending > 6 ? l->pending : 6;
    felem *e = new_elem(l, gap);
    e->box.height = h;
    pg_item it = {.kind = PG_ITEM_IMAGE, .x = l->L + (l->W - w) / 2, .y = 0, .w = w, .h = h,
                  .image = img};
    elem_add(e, &it);
    l->pending = 6;
}

static void layout_block(lay *l, const pg_node *c)
{
    at_node(l, c);
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
    case PG_NODE_TABLE:
        layout_table(l, c);
        break;
    case PG_NODE_QR:
        layout_qr(l, c);
        break;
    case PG_NODE_IMAGE:
        layout_image(l, c);
        break;
    default:
        break;
    }
}

static void layout_blocks(lay *l, const pg_node *parent)
{
    for (const pg_node *c = parent->first; c; c = c->next)
        layout_block(l, c);
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
/* The lines a text of n characters, of logical widths cw (pango units) and
 * break opportunities la, takes at width w when wrapped word by word, a line's
 * trailing white space not counted; -1 when a word alone is wider than w. */
static int wrap_count(const int *cw, const PangoLogAttr *la, int n, int w)
{
    int lines = 1, s = 0;
    while (s < n) {
        int x = 0, brk = -1, i;
        for (i = s; i < n; i++) {
            if (i > s && la[i].is_line_break) {
                int fit = x;
                for (int k = i; k > s && la[k - 1].is_white; k--)
                    fit -= cw[k - 1];
                if (fit > w)
                    break;
                brk = i;
            }
            x += cw[i];
        }
        if (i == n) {
            for (int k = n; k > s && la[k - 1].is_white; k--)
                x -= cw[k - 1];
            if (x <= w)
                break;
        }
        if (brk < 0)
            return -1;
        s = brk;
        lines++;
    }
    return lines;
}

/* The narrowest width, to half a point, at which text (a single paragraph)
 * still takes no more lines than at w: lines of even length for centred
 * blocks. The search runs on the widths of the text shaped once, on one line;
 * pango confirms the answer, and does the whole search itself in the rare case
 * where the two disagree. */
static double balanced_width(lay *l, pg_role role, const char *text, PangoAttrList *al, double w)
{
    PangoLayout *ly = make_layout(l, role, text, al, w, PG_ALIGN_CENTER, 0);
    int lines = pango_layout_get_line_count(ly);
    g_object_unref(ly);
    if (lines < 2)
        return w;
    double lo, hi = w;
    PangoLayout *flat = make_layout(l, role, text, al, 0, PG_ALIGN_CENTER, 0);
    int n = 0;
    const PangoLogAttr *la = pango_layout_get_log_attrs_readonly(flat, &n);
    n = n > 0 ? n - 1 : 0; /* one attribute per character and one for the end */
    int *cw = pg_xcalloc((size_t)n + 1, sizeof *cw);
    int ok = pango_layout_get_line_count(flat) == 1 && g_utf8_strlen(text, -1) == n;
    PangoLayoutLine *line = ok ? pango_layout_get_line_readonly(flat, 0) : NULL;
    for (GSList *r = line ? line->runs : NULL; r; r = r->next) {
        PangoGlyphItem *gi = r->data;
        long off = g_utf8_pointer_to_offset(text, text + gi->item->offset);
        if (off + gi->item->num_chars > n) {
            ok = 0;
            break;
        }
        pango_glyph_item_get_logical_widths(gi, text, cw + off);
    }
    /* the same bisection twice at most: on the widths, then (when pango does
     * not confirm its answer) on pango's own layouts */
    for (int pass = ok ? 0 : 1; pass < 2; pass++) {
        lo = w / lines;
        hi = w;
        for (int i = 0; i < 12 && hi - lo > 0.5; i++) {
            double mid = (lo + hi) / 2;
            int got;
            if (pass == 0) {
                got = wrap_count(cw, la, n, (int)(mid * PANGO_SCALE));
            } else {
                ly = make_layout(l, role, text, al, mid, PG_ALIGN_CENTER, 0);
                got = pango_layout_get_line_count(ly);
                g_object_unref(ly);
            }
            if (got < 0 || got > lines)
                lo = mid;
            else
                hi = mid;
        }
        if (pass == 1)
            break;
        ly = make_layout(l, role, text, al, hi, PG_ALIGN_CENTER, 0);
        int confirmed = pango_layout_get_line_count(ly) == lines;
        g_object_unref(ly);
        if (confirmed)
            break;
    }
    free(cw);
    g_object_unref(flat);
    return hi;
}

/* A horizontal rule of length w centred on y. */
static void add_rule(felem *e, pg_role role, double x, double y, double w, double thickness)
{
    pg_item it = {.kind = PG_ITEM_RULE, .role = role, .x = x, .y = y - thickness / 2, .w = w,
                  .h = thickness};
    elem_add(e, &it);
}

/* A vertical rule of length h from y, centred on x. */
static void add_vrule(felem *e, pg_role role, double x, double y, double h, double thickness)
{
    pg_item it = {.kind = PG_ITEM_RULE, .role = role, .x = x - thickness / 2, .y = y,
                  .w = thickness, .h = h};
    elem_add(e, &it);
}

/* A mark (KHẨN, LƯU HÀNH NỘI BỘ) in the role's style and colour, centred in a box
 * w pt wide (0: fitted), 8 mm high, in the column [x, x + cw]; returns the y under
 * the box. */
static double boxed_mark(lay *l, felem *e, pg_role role, const char *text, double x, double cw,
                         double y, double w)
{
    PangoLayout *ly = make_layout(l, role, text, NULL, -1, PG_ALIGN_LEFT, 0);
    unsigned c = l->st->text[role].color;
    PangoRectangle log;
    pango_layout_get_extents(ly, NULL, &log);
    double tw = log.width / (double)PANGO_SCALE, h = 8 * 72 / 25.4, t = 0.8;
    if (w < tw + 8)
        w = tw + 8;
    double bx = x + (cw - w) / 2;
    pg_item frame[4] = {
        {.kind = PG_ITEM_RULE, .role = role, .color = c, .x = bx, .y = y, .w = w, .h = t},
        {.kind = PG_ITEM_RULE, .role = role, .color = c, .x = bx, .y = y + h - t, .w = w, .h = t},
        {.kind = PG_ITEM_RULE, .role = role, .color = c, .x = bx, .y = y, .w = t, .h = h},
        {.kind = PG_ITEM_RULE, .role = role, .color = c, .x = bx + w - t, .y = y, .w = t, .h = h},
    };
    for (int i = 0; i < 4; i++)
        elem_add(e, &frame[i]);
    double asc = font_ascent(l, role), desc = font_descent(l, role);
    pg_item it = {.kind = PG_ITEM_TEXT, .role = role, .color = c, .x = bx + (w - tw) / 2,
                  .y = y + (h - asc - desc) / 2 + asc, .w = tw, .layout = ly, .line = 0};
    elem_add(e, &it);
    return y + h;
}

/* " - " between two names: the dash stays with the word before it, so that no
 * line of a name starts with a dash. Takes and returns a g_malloc'd string. */
static char *keep_dash_with_word(char *s)
{
    GString *out = g_string_new(NULL);
    for (const char *c = s; *c; c++) {
        if (c[0] == ' ' && c[1] == '-' && c[2] == ' ') {
            g_string_append(out, "\xC2\xA0-");
            c++;
            continue;
        }
        g_string_append_c(out, *c);
    }
    g_free(s);
    return g_string_free(out, FALSE);
}

static void layout_title_block(lay *l)
{
    const pg_doc *doc = l->doc;
    const pg_style *st = l->st;
    felem *e = new_elem(l, 0);
    double WL = st->left_block * l->W, WR = l->W - WL;
    at_node(l, doc->issuer);
    double xl = l->L, xr = l->L + WL;

    /* left block: parent body, issuing body, mark, number */
    double yl = 0;
    if (doc->parent_body_line) {
        const char *pb = doc->parent_body_line;
        double w = balanced_width(l, PG_ROLE_PARENT_BODY, pb, NULL, WL);
        yl = column_text(l, e, PG_ROLE_PARENT_BODY, pb, NULL, xl + (WL - w) / 2, w, yl, NULL);
    }
    {
        char *issuer = keep_dash_with_word(g_strdup(doc->issuer_line));
        /* a long name breaks into lines of even length */
        double w = balanced_width(l, PG_ROLE_ISSUER, issuer, NULL, WL);
        yl = column_text(l, e, PG_ROLE_ISSUER, issuer, NULL, xl + (WL - w) / 2, w, yl, NULL);
        g_free(issuer);
    }
    if (st->issuer_mark)
        yl = column_text(l, e, PG_ROLE_ISSUER_MARK, st->issuer_mark, NULL, xl, WL, yl, NULL);
    if (st->issuer_rule > 0) {
        /* a rule under the issuing body, a fraction of the line above it, centred */
        double rw = e->items[e->n - 1].w * st->issuer_rule;
        double rule_y = e->items[e->n - 1].y + font_descent(l, PG_ROLE_ISSUER) + 2.0;
        add_rule(e, PG_ROLE_ISSUER, xl + (WL - rw) / 2, rule_y, rw, st->rule_width);
        yl = rule_y + 5.0;
    }
    yl = column_text(l, e, PG_ROLE_NUMBER, doc->number_line, NULL, xl, WL, yl, NULL);
    size_t number_item = e->n - 1;

    /* right block: the national or Party title (and motto) with a rule of the exact
     * length of its last line, then place and date */
    double yr = 0;
    if (st->nation) {
        pg_role last_role = st->motto ? PG_ROLE_MOTTO : PG_ROLE_NATION;
        yr = column_text(l, e, PG_ROLE_NATION, st->nation, NULL, xr, WR, yr, NULL);
        if (st->motto)
            yr = column_text(l, e, PG_ROLE_MOTTO, st->motto, NULL, xr, WR, yr, NULL);
        const pg_item *last = &e->items[e->n - 1];
        double rule_y = last->y + font_descent(l, last_role) + 1.5;
        add_rule(e, last_role, last->x, rule_y, last->w, st->rule_width);
        yr = rule_y + 4.0;
    }
    yr = column_text(l, e, PG_ROLE_DATE, doc->date_line, NULL, xr, WR, yr, NULL);
    if (st->date_on_number_line) {
        /* the number and the date on one baseline: move the higher one down */
        pg_item *num = &e->items[number_item], *date = &e->items[e->n - 1];
        double base = num->y > date->y ? num->y : date->y;
        yl += base - num->y;
        yr += base - date->y;
        num->y = date->y = base;
    }
    /* urgency and circulation marks in their boxes under the number */
    if (doc->urgency)
        yl = boxed_mark(l, e, PG_ROLE_URGENCY, doc->urgency, xl, WL, yl + 4, doc->urgency_box_w);
    if (doc->circulation)
        yl = boxed_mark(l, e, PG_ROLE_MARK, doc->circulation, xl, WL, yl + 4, 0);
    if (doc->draft_line) {
        /* the draft mark in the top margin, at the right */
        PangoLayout *ly = make_layout(l, PG_ROLE_DRAFT, doc->draft_line, NULL, l->W, PG_ALIGN_RIGHT, 0);
        place_lines(l, e, PG_ROLE_DRAFT, ly, l->L, -pitch(l, PG_ROLE_DRAFT) - 4, NULL);
        g_object_unref(ly);
    }

    /* title: document type, summary, separator */
    double y = (yl > yr ? yl : yr) + st->header_gap;
    y = column_text(l, e, PG_ROLE_DOCTYPE, doc->doctype, NULL, l->L, l->W, y, NULL);
    {
        pg_buf t = {0};
        PangoAttrList *al = pango_attr_list_new();
        add_inlines(l, doc->summary_shown, &t, al); /* first letter cased by the number stage */
        at_node(l, doc->summary);
        const char *cased = pg_buf_str(&t);
        double sw = balanced_width(l, PG_ROLE_SUMMARY, cased, al, l->W * 0.9);
        size_t first_line = e->n;
        y = column_text(l, e, PG_ROLE_SUMMARY, cased, al, l->L + (l->W - sw) / 2, sw, y, NULL);
        if (st->summary_rule > 0) {
            /* a short rule under the summary, a fraction of its longest line, centred */
            double w = 0;
            for (size_t k = first_line; k < e->n; k++)
                if (e->items[k].kind == PG_ITEM_TEXT && e->items[k].w > w)
                    w = e->items[k].w;
            double rw = w * st->summary_rule;
            double rule_y = e->items[e->n - 1].y + font_descent(l, PG_ROLE_SUMMARY) + 2.0;
            add_rule(e, PG_ROLE_SUMMARY, l->L + (l->W - rw) / 2, rule_y, rw, st->rule_width);
            y = rule_y + 6.0;
        }
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
    l->at_file = doc->file;
    l->at = sg->pos;
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
        double asc = font_ascent(l, PG_ROLE_RECIPIENT), desc = font_descent(l, PG_ROLE_RECIPIENT);
        double off = baseline_offset(l, PG_ROLE_RECIPIENT);
        for (size_t i = 0; i < doc->n_recipients;) {
            const pg_recipient *r = &doc->recipients[i];
            l->at = r->pos;
            if (!r->group) {
                yr = column_text(l, e, PG_ROLE_RECIPIENT, r->line, NULL, l->L, RW, yr, NULL);
                i++;
                continue;
            }
            /* a group: its lines, a right brace spanning them, the purpose to its right */
            const pg_recipient_group *g = &doc->groups[r->group - 1];
            const char *purpose = g->purpose_line;
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
            i = k;
        }
        if (doc->archive_line)
            yr = column_text(l, e, PG_ROLE_RECIPIENT, doc->archive_line, NULL, l->L, RW, yr, NULL);
    }
    if (doc->typist_line) /* typist's initials and the number of copies, under the recipients */
        yr = column_text(l, e, PG_ROLE_TYPIST, doc->typist_line, NULL, l->L, RW, yr + 4, NULL);
    e->box.height = ys > yr ? ys : yr;
}

/* ---- pages ------------------------------------------------------------------ */

size_t pg_paginate(const pg_flow_box *b, size_t n, const pg_page_geom *g, size_t *starts,
                   int *foot, int *overflow)
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

static void copy_items(pg_page *page, felem *e, double y, int keep)
{
    for (size_t k = 0; k < e->n; k++) {
        pg_item it = e->items[k];
        it.y += y;
        if (keep) {
            /* a repeated block: the page takes references of its own */
            if (it.layout)
                g_object_ref(it.layout);
            if (it.image)
                cairo_surface_reference(it.image);
            if (it.kind == PG_ITEM_LINK || it.kind == PG_ITEM_DEST)
                continue;
        } else {
            e->items[k].layout = NULL;
            e->items[k].image = NULL;
        }
        pg_page_add_item(page, &it);
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
    pg_item rule = {.kind = PG_ITEM_RULE, .role = PG_ROLE_FOOTNOTE, .x = l->L,
                    .y = top - st->footnote_gap / 2 - 0.25, .w = st->footnote_rule, .h = 0.5};
    pg_page_add_item(page, &rule);
    for (int i = 0; i < count && l->q_len > 0; i++) {
        note_line nl = l->queue[l->q_head++];
        l->q_len--;
        note *nt = &l->notes[nl.note];
        PangoLayoutLine *line = pango_layout_get_line_readonly(nt->layout, nl.line);
        PangoRectangle log;
        pango_layout_line_get_extents(line, NULL, &log);
        PangoRectangle pos;
        pango_layout_index_to_pos(nt->layout, line->start_index, &pos);
        double base = top + i * fp + off;
        pg_item it = {.kind = PG_ITEM_TEXT,
                      .role = PG_ROLE_FOOTNOTE,
                      .x = l->L + pos.x / (double)PANGO_SCALE,
                      .y = base,
                      .w = log.width / (double)PANGO_SCALE,
                      .layout = g_object_ref(nt->layout),
                      .line = nl.line};
        pg_page_add_item(page, &it);
        if (nl.line == 0) {
            pg_item dest = {.kind = PG_ITEM_DEST, .x = l->L, .y = base - fp,
                            .target = nt->node->u.footnote.number};
            pg_page_add_item(page, &dest);
        }
    }
}

/* Breaks the current flow into pages appended to pp, numbering them from
 * *shown (0: no numbers before page_number_from), then empties the flow. */
static void place_flow(lay *l, pg_pages *pp, int *shown)
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
        if (first < end && l->el[first].box.header && l->el[first].box.header - 1 != first) {
            felem *h = &l->el[l->el[first].box.header - 1];
            copy_items(page, h, y, 1);
            y += h->box.height;
        }
        for (size_t i = first; i < end; i++) {
            felem *e = &l->el[i];
            if (i != first)
                y += e->box.gap;
            if (e->outline)
                pg_pages_add_outline(pp, e->outline, e->outline_level, (int)pp->n - 1, y);
            /* a header placed here in its own right is also repeated later */
            copy_items(page, e, y, repeated[i]);
            for (size_t k = 0; k < e->n_notes; k++)
                for (int line = 0; line < l->notes[e->notes[k]].lines; line++)
                    queue_push(l, e->notes[k], line);
            y += e->box.height;
        }
        if (end > first && l->el[end - 1].band && !l->el[end - 1].row_end) {
            /* a row that goes on: close the table at the page's foot */
            felem *e = &l->el[end - 1];
            pg_item rule = {.kind = PG_ITEM_RULE, .role = PG_ROLE_TABLE, .x = e->close_x,
                            .y = y - st->border_width / 2, .w = e->close_w, .h = st->border_width};
            pg_page_add_item(page, &rule);
        }
        place_notes(l, page, foot[p]);
    }
    free(boxes);
    free(starts);
    free(foot);
    free(repeated);
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < l->el[i].n; k++) {
            if (l->el[i].items[k].layout)
                g_object_unref(l->el[i].items[k].layout);
            if (l->el[i].items[k].image)
                cairo_surface_destroy(l->el[i].items[k].image);
        }
        free(l->el[i].items);
        free(l->el[i].notes);
        g_free(l->el[i].outline);
    }
    l->n = 0;
    l->pending = 0;
    l->keep_next = 0;
}

static void number_pages(lay *l, pg_pages *pp)
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

/* at: the landscape appendix (NULL: the plan's portrait pages) */
static void set_page(lay *l, int landscape, const pg_node *at)
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
static int geometry_finite(const pg_pages *pp)
{
    const double big = 1e6;
    for (size_t i = 0; i < pp->n; i++) {
        const pg_page *p = &pp->pages[i];
        if (!(p->w > 0 && p->w < big && p->h > 0 && p->h < big))
            return 0;
        for (size_t k = 0; k < p->n; k++) {
            const pg_item *it = &p->items[k];
            if (!(fabs(it->x) < big && fabs(it->y) < big && fabs(it->w) < big &&
                  fabs(it->h) < big))
                return 0;
        }
    }
    for (size_t i = 0; i < pp->n_outline; i++)
        if (!(fabs(pp->outline[i].y) < big))
            return 0;
    return 1;
}

/* An appendix: a new page (portrait or landscape), its heading, the attachment
 * line built from the plan's own number, date and issuer, then its content. */
static void layout_appendix(lay *l, const pg_node *a)
{
    felem *e = new_elem(l, 0);
    at_node(l, a);
    double y = 0;
    const char *label = a->u.appendix.label;
    y = column_text(l, e, PG_ROLE_APPENDIX_LABEL, a->u.appendix.label_line, NULL, l->L, l->W, y,
                    NULL);
    if (a->u.appendix.title_line) {
        const char *title = a->u.appendix.title_line;
        double tw = balanced_width(l, PG_ROLE_APPENDIX_TITLE, title, NULL, l->W * 0.9);
        y = column_text(l, e, PG_ROLE_APPENDIX_TITLE, title, NULL, l->L + (l->W - tw) / 2, tw, y,
                        NULL);
    }
    double aw = balanced_width(l, PG_ROLE_APPENDIX_ATTACHMENT, a->u.appendix.attachment, NULL, l->W);
    y = column_text(l, e, PG_ROLE_APPENDIX_ATTACHMENT, a->u.appendix.attachment, NULL,
                    l->L + (l->W - aw) / 2, aw, y, NULL);
    e->box.height = y;
    e->outline = a->u.appendix.title ? g_strdup_printf("%s %s", label, a->u.appendix.title)
                                     : g_strdup(label);
    e->outline_level = 1;
    l->pending = ts(l, PG_ROLE_APPENDIX_ATTACHMENT)->space_after;
    l->keep_next = 1;
    layout_blocks(l, a);
}

pg_pages *pg_layout_run(const pg_doc *doc, const pg_style *st, pg_fonts *fonts,
                        pg_reads *reads, pg_diag_list *diags)
{
    lay l = {0};
    l.doc = doc;
    l.reads = reads;
    l.st = st;
    l.diags = diags;
    l.ctx = pg_fonts_context(fonts);
    l.fonts = fonts;
    l.at_file = doc->file;
    l.uncovered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    set_page(&l, 0, NULL);
    init_fonts(&l);

    pg_pages *pp = pg_pages_new();
    int shown = 0;
    layout_title_block(&l);
    layout_blocks(&l, doc->body);
    layout_closing(&l);
    place_flow(&l, pp, &shown);
    for (const pg_node *a = doc->appendices ? doc->appendices->first : NULL; a; a = a->next) {
        set_page(&l, a->u.appendix.landscape, a->u.appendix.landscape ? a : NULL);
        if (st->appendix_restart)
            shown = 0;
        layout_appendix(&l, a);
        place_flow(&l, pp, &shown);
    }
    number_pages(&l, pp);
    set_metadata(&l, pp);

    free(l.el);
    free(l.marks);
    free(l.queue);
    g_free(l.outline_next);
    for (size_t i = 0; i < l.n_notes; i++)
        g_object_unref(l.notes[i].layout);
    free(l.notes);
    for (int r = 0; r < PG_ROLE__COUNT; r++) {
        pango_font_description_free(l.font[r]);
        g_free(l.font_key[r]);
    }
    g_object_unref(l.ctx);
    g_hash_table_destroy(l.uncovered);
    if (!l.failed && !geometry_finite(pp)) {
        pg_diag_add(diags, PG_E_BAD_VALUE, doc->file, 0, 0,
                    "the layout gave a position that is not a finite number of points; nothing "
                    "was written: please report this plan and its style as a bug");
        l.failed = 1;
    }
    if (l.failed) {
        pg_pages_free(pp);
        return NULL;
    }
    return pp;
}
