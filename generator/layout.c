/* layout.c - layout stage (see layout.h). Lengths are in pt unless they say
 * Pango units. */
#include "layout_internal.h"

#include "coverage.h"
#include "input.h"
#include "png_io.h"

#include <glib.h>
#include <math.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- fonts and layouts ---------------------------------------------------- */

const pg_textstyle *ts(const lay *l, pg_role r)
{
    return &l->st->text[r];
}

double pitch(const lay *l, pg_role r)
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

double font_ascent(lay *l, pg_role r)
{
    need_metrics(l, r);
    return l->ascent[r];
}

double font_descent(lay *l, pg_role r)
{
    need_metrics(l, r);
    return l->descent[r];
}

/* Distance from the top of a line box to its baseline: the glyphs are centred
 * in the pitch. */
double baseline_offset(lay *l, pg_role r)
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
void at_node(lay *l, const pg_node *n)
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
    char *key = pg_layout_cache_key(l->font_key[role], w, (int)align, ind, (int)wrap,
                                    t->underline, attr_key, text);
    g_free(attr_key);
    PangoLayout *ly = pg_layout_cache_lookup(l->cache, key);
    if (!ly) {
        /* pango shapes while it breaks the lines (in new_layout for a justified
         * text, else when the cache converts them): its runs come from and go
         * to the process's shaped runs */
        pg_shape_cache *was = pg_shape_cache_bind(pg_layout_cache_shapes(l->cache));
        ly = new_layout(l, role, text, attrs, w, align, ind, wrap);
        pg_layout_cache_store(l->cache, key, ly);
        pg_shape_cache_bind(was);
    }
    g_free(key);
    check_coverage(l, ly);
    return ly;
}

/* make_layout_wrap() wrapping at words (inside a word only when it is wider
 * than the line). */
PangoLayout *make_layout(lay *l, pg_role role, const char *text, PangoAttrList *attrs,
                                double width, pg_align align, double indent)
{
    return make_layout_wrap(l, role, text, attrs, width, align, indent, PANGO_WRAP_WORD_CHAR);
}

/* Texts longer than this many bytes are given to pango in pieces (below). */
#define PIECE_FROM 2048
#define PIECE_BYTES 1024

/* Cuts a long text into pieces of about PIECE_BYTES for pango's itemizer, by
 * attributes that change nothing (no fallback, as everywhere): pango shapes each
 * piece apart. Pango keeps an item's width in an int of Pango units, which a
 * paragraph of 120,000 words (over 2,097,152 pt) overflows, losing all but its
 * first lines; and it shapes the rest of an item again after each line it
 * breaks, quadratic in a long word. A piece ends after a space when one comes
 * soon (the shaping is then the same as in one piece), else before a character
 * that is not a combining mark. Texts of normal paragraphs are left whole. */
static void split_long_text(PangoAttrList *al, const char *text)
{
    size_t n = strlen(text);
    if (n <= PIECE_FROM)
        return;
    size_t s = 0;
    while (s < n) {
        size_t e = s + PIECE_BYTES;
        if (e >= n - PIECE_BYTES / 4) {
            e = n;
        } else {
            size_t k = e;
            while (k < e + 64 && k < n && text[k] != ' ')
                k++;
            if (k < n && text[k] == ' ') {
                e = k + 1;
            } else {
                while (e < n && (((unsigned char)text[e] & 0xC0) == 0x80 ||
                                 g_unichar_ismark(g_utf8_get_char(text + e))))
                    e++;
            }
        }
        PangoAttribute *a = pango_attr_fallback_new(FALSE);
        a->start_index = (guint)s;
        a->end_index = (guint)e;
        pango_attr_list_insert(al, a);
        s = e;
    }
}

/* Keeps on one line what a clerk never breaks: a number and symbol (21-KL/TW,
 * 05/KH-SKHCN, 30/2020/NĐ-CP), with the "số" before it, and a date written
 * 25/10/2021. Pango is told by attributes that allow no break inside their
 * ranges: nothing is added to the text (the PDF's text, the coverage check and
 * the layout cache's key, which holds the text that decides these ranges, see
 * what the plan says). */
static void keep_symbols_whole(PangoAttrList *al, const char *text)
{
    static GRegex *re;
    if (g_once_init_enter(&re)) {
        GRegex *r = g_regex_new("(?:\\b[Ss]ố\\s+)?(?:\\d+(?:/\\d+)*[-/]\\p{Lu}[\\p{L}\\d]*"
                                "(?:[-/][\\p{L}\\d]+)*|\\b\\d{1,2}/\\d{1,2}/\\d{4}\\b)",
                                G_REGEX_OPTIMIZE, 0, NULL);
        g_once_init_leave(&re, r);
    }
    /* both forms need a digit right before a '-' or '/': no regex for a text
     * where an ASCII character other than a digit comes before each (a
     * character past ASCII might be a digit to the regex) */
    const char *p = text;
    while ((p = strpbrk(p, "-/")) && (p == text || ((unsigned char)p[-1] < 0x80 &&
                                                    !(p[-1] >= '0' && p[-1] <= '9'))))
        p++;
    if (!p)
        return;
    GMatchInfo *mi = NULL;
    g_regex_match(re, text, 0, &mi);
    while (g_match_info_matches(mi)) {
        int start, end;
        if (g_match_info_fetch_pos(mi, 0, &start, &end) && end > start) {
            PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);
            a->start_index = (guint)start;
            a->end_index = (guint)end;
            pango_attr_list_insert(al, a);
        }
        g_match_info_next(mi, NULL);
    }
    g_match_info_free(mi);
}

/* Pango ends a justified line short of its width: by the kerning it shaped
 * the line with before breaking it (a quarter of a point), or by a space it
 * left at the line's end in a run of its own (before an italic run). Every
 * line but the last, broken by wrapping (not at a forced break), gets its
 * trailing spaces set to no width and what it lacks spread over its inner
 * spaces, so that it ends on the layout's width exactly. Called once, on a
 * layout no one has measured yet. width and indent in Pango units. */
static void fill_justified_lines(PangoLayout *ly, int width, int indent)
{
    const char *text = pango_layout_get_text(ly);
    GSList *lines = pango_layout_get_lines(ly);
    for (GSList *ln = lines; ln && ln->next; ln = ln->next) {
        PangoLayoutLine *line = ln->data;
        int end = line->start_index + line->length;
        int tail = end; /* past the last character that is not a space */
        while (tail > line->start_index && text[tail - 1] == ' ')
            tail--;
        if (tail > line->start_index + 2 && !strncmp(text + tail - 3, LINE_SEPARATOR, 3))
            continue; /* a forced break: not justified */
        int avail = width - (line->is_paragraph_start ? (indent > 0 ? indent : 0)
                                                      : (indent < 0 ? -indent : 0));
        long long used = 0;
        int inner = 0;
        for (GSList *r = line->runs; r; r = r->next) {
            PangoGlyphItem *gi = r->data;
            PangoGlyphString *gs = gi->glyphs;
            for (int i = 0; i < gs->num_glyphs; i++) {
                int at = gi->item->offset + gs->log_clusters[i];
                if (at >= tail && text[at] == ' ')
                    gs->glyphs[i].geometry.width = 0; /* a trailing space */
                else if (text[at] == ' ' && at > line->start_index)
                    inner++;
                used += gs->glyphs[i].geometry.width;
            }
        }
        long long lack = avail - used;
        if (inner == 0 || lack <= 0 || lack > avail / 4)
            continue;
        int k = 0;
        for (GSList *r = line->runs; r; r = r->next) {
            PangoGlyphItem *gi = r->data;
            PangoGlyphString *gs = gi->glyphs;
            for (int i = 0; i < gs->num_glyphs; i++) {
                int at = gi->item->offset + gs->log_clusters[i];
                if (at < tail && text[at] == ' ' && at > line->start_index) {
                    /* the k-th of inner spaces takes its share, rounded so that
                     * the shares add up to lack */
                    gs->glyphs[i].geometry.width +=
                        (int)(lack * (k + 1) / inner - lack * k / inner);
                    k++;
                }
            }
        }
    }
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
    split_long_text(al, text);
    keep_symbols_whole(al, text);
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
        if (width > 0)
            fill_justified_lines(ly, width, indent);
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
void add_inlines(lay *l, const pg_node *n, pg_buf *t, PangoAttrList *al)
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

felem *new_elem(lay *l, double gap)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->el = pg_xrealloc(l->el, l->cap * sizeof *l->el);
    }
    felem *e = &l->el[l->n++];
    memset(e, 0, sizeof *e);
    e->gid = l->made++;
    e->box.gap = gap;
    e->box.no_break_before = l->keep_next;
    l->keep_next = 0;
    for (size_t i = 0; i < l->n_held; i++)
        elem_add(e, &l->held[i]);
    l->n_held = 0;
    return e;
}

/* ---- structure events --------------------------------------------------------- */

static pg_item begin_item(lay *l, pg_struct s, int level, const char *label)
{
    pg_item it = {.kind = PG_ITEM_BEGIN, .structure = s, .level = level, .id = ++l->struct_ids};
    if (label) {
        /* cut at a character boundary */
        size_t n = strlen(label);
        if (n >= sizeof it.label) {
            n = sizeof it.label - 1;
            while (n > 0 && ((unsigned char)label[n] & 0xC0) == 0x80)
                n--;
        }
        memcpy(it.label, label, n);
    }
    return it;
}

int elem_begin(lay *l, felem *e, pg_struct s, int level, const char *label)
{
    pg_item it = begin_item(l, s, level, label);
    elem_add(e, &it);
    return it.id;
}

void elem_end(felem *e, pg_struct s, int id)
{
    pg_item it = {.kind = PG_ITEM_END, .structure = s, .id = id};
    elem_add(e, &it);
}

int flow_begin(lay *l, pg_struct s, int level, const char *label)
{
    pg_item it = begin_item(l, s, level, label);
    if (l->n_held < sizeof l->held / sizeof *l->held)
        l->held[l->n_held++] = it;
    return it.id;
}

int flow_begin_figure(lay *l, const char *alt)
{
    int id = flow_begin(l, PG_STRUCT_FIGURE, 0, NULL);
    if (l->n_held && l->held[l->n_held - 1].id == id) {
        pg_text *t = pg_text_new();
        t->text = pg_xstrdup(alt);
        t->text_len = strlen(alt);
        l->held[l->n_held - 1].text = t;
    }
    return id;
}

void flow_end(lay *l, pg_struct s, int id)
{
    if (l->n_held && l->held[l->n_held - 1].id == id) {
        pg_item_release(&l->held[--l->n_held]); /* nothing was placed in it */
        return;
    }
    if (l->n)
        elem_end(&l->el[l->n - 1], s, id);
}

void elem_add(felem *e, const pg_item *it)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->items = pg_xrealloc(e->items, e->cap * sizeof *e->items);
    }
    e->items[e->n++] = *it;
}

static int has_unbreakable_line(PangoLayout *ly);
static void fill_justified_lines(PangoLayout *ly, int width, int indent);
static void keep_symbols_whole(PangoAttrList *al, const char *text);

/* Lays out a footnote's text once; returns its index in l->notes. */
static int note_of(lay *l, const pg_node *fn)
{
    for (size_t i = 0; i < l->n_notes; i++)
        if (l->notes[i].node == fn && l->notes[i].layout) /* (placed whole: laid out anew) */
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
    split_long_text(al, pg_buf_str(&t));
    keep_symbols_whole(al, pg_buf_str(&t));
    const pg_textstyle *s = &l->st->text[PG_ROLE_FOOTNOTE];
    note *nt = &l->notes[l->n_notes];
    nt->node = fn;
    nt->layout = NULL;
    nt->lines = 0;
    nt->id = ++l->struct_ids; /* numbered where its mark is: the same however the pages are placed */
    nt->iter = NULL;
    nt->iter_line = 0;
    nt->queued = 0;
    {
        PangoLayout *ly = pango_layout_new(l->ctx);
        pango_layout_set_font_description(ly, l->font[PG_ROLE_FOOTNOTE]);
        pango_layout_set_text(ly, pg_buf_str(&t), -1);
        pango_layout_set_attributes(ly, al);
        pango_layout_set_width(ly, (int)(l->W * PANGO_SCALE));
        pango_layout_set_wrap(ly, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_indent(ly, (int)(s->indent * PANGO_SCALE));
        pango_layout_set_justify(ly, s->align == PG_ALIGN_JUSTIFY);
        if (s->align == PG_ALIGN_JUSTIFY && has_unbreakable_line(ly))
            pango_layout_set_justify(ly, FALSE); /* as for a paragraph (below) */
        if (pango_layout_get_justify(ly))
            fill_justified_lines(ly, pango_layout_get_width(ly), pango_layout_get_indent(ly));
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
void attach_marks(lay *l, felem *e, PangoLayout *ly, int i, double x0, double y)
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
        int ref = elem_begin(l, e, PG_STRUCT_NOTE_REF, link.target, NULL);
        elem_add(e, &link);
        elem_end(e, PG_STRUCT_NOTE_REF, ref);
        int idx = note_of(l, m->note);
        e->notes = pg_xrealloc(e->notes, (e->n_notes + 1) * sizeof *e->notes);
        e->notes[e->n_notes++] = idx;
        e->box.foot_lines += l->notes[idx].lines;
        m->note = NULL;
    }
}

/* Binds the marks collected since the last binding to ly, the layout made from
 * their text. */
void bind_marks(lay *l, PangoLayout *ly)
{
    for (size_t k = 0; k < l->n_marks; k++)
        if (!l->marks[k].ly)
            l->marks[k].ly = ly;
}

void clear_marks(lay *l)
{
    l->n_marks = 0;
}

/* Adds line i of layout to e with its baseline at y (relative to e's top). */
void add_line(lay *l, felem *e, pg_role role, PangoLayout *ly, int i, double x0, double y,
              const PangoRectangle *logical)
{
    pg_item it = {.kind = PG_ITEM_TEXT,
                  .role = role,
                  .x = x0 + logical->x / (double)PANGO_SCALE,
                  .y = y,
                  .w = logical->width / (double)PANGO_SCALE,
                  .text = pg_layout_cache_line(l->cache, ly, i),
                  .artifact = role == PG_ROLE_SEPARATOR || role == PG_ROLE_DRAFT};
    elem_add(e, &it);
}

/* Places every line of ly into e from y_top, at role's pitch; returns the new y.
 * *right (may be NULL) receives the rightmost end of a line. */
double place_lines(lay *l, felem *e, pg_role role, PangoLayout *ly, double x0, double y_top,
                          double *right)
{
    double p = pitch(l, role), off = baseline_offset(l, role);
    bind_marks(l, ly);
    PangoLayoutIter *it = pango_layout_get_iter(ly);
    int i = 0;
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        add_line(l, e, role, ly, i, x0, y_top + i * p + off, &log);
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
        add_line(l, e, role, ly, i, l->L, off, &log);
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
    pg_struct kind = role == PG_ROLE_ITEM ? PG_STRUCT_LIST_ITEM : PG_STRUCT_PARAGRAPH;
    int id = flow_begin(l, kind, 0, role == PG_ROLE_ITEM ? prefix : NULL);
    PangoLayout *ly = make_layout(l, role, pg_buf_str(&t), al, l->W, s->align, s->indent);
    if (s->align == PG_ALIGN_JUSTIFY && has_unbreakable_line(ly)) {
        /* the same lines, not justified: another layout (a cached one is never changed) */
        g_object_unref(ly);
        ly = make_layout(l, role, pg_buf_str(&t), al, l->W, PG_ALIGN_LEFT, s->indent);
    }
    add_paragraph(l, role, ly, 0, 0);
    flow_end(l, kind, id);
    g_object_unref(ly);
    pango_attr_list_unref(al);
    pg_buf_free(&t);
}

static void layout_blocks(lay *l, const pg_node *parent);
static void layout_block_run(lay *l, const pg_node *first);

static void layout_section(lay *l, const pg_node *sec)
{
    pg_role hr = heading_role(sec->u.section.depth);
    const pg_textstyle *hs = ts(l, hr);
    at_node(l, sec);
    const char *label = sec->u.section.label ? sec->u.section.label : "";
    const char *title = sec->u.section.title_line;
    const pg_node *first = sec->first;
    int run_in = first && first->type == PG_NODE_PARA && (sec->u.section.run_in || !title);
    int sid = flow_begin(l, PG_STRUCT_SECTION, sec->u.section.depth, NULL);
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
        /* the heading runs into the paragraph: one paragraph */
        int pid = flow_begin(l, PG_STRUCT_PARAGRAPH, 0, NULL);
        add_paragraph(l, PG_ROLE_BODY, ly, 0, 0);
        flow_end(l, PG_STRUCT_PARAGRAPH, pid);
        g_object_unref(ly);
        first = first->next;
    } else if (t.len) {
        PangoLayout *ly = make_layout(l, hr, pg_buf_str(&t), al, l->W, hs->align, hs->indent);
        int hid = flow_begin(l, PG_STRUCT_HEADING, sec->u.section.depth, NULL);
        add_paragraph(l, hr, ly, 1, 1);
        flow_end(l, PG_STRUCT_HEADING, hid);
        g_object_unref(ly);
    }
    pango_attr_list_unref(al);
    pg_buf_free(&t);
    layout_block_run(l, first);
    flow_end(l, PG_STRUCT_SECTION, sid);
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
    /* the alternate text: what the code holds */
    char *alt = g_strdup_printf("Mã QR: %s", q->u.qr.href);
    int fid = flow_begin_figure(l, alt);
    g_free(alt);
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
    flow_end(l, PG_STRUCT_FIGURE, fid);
}

/* Decodes the PNG of im from the bytes read here once, which are recorded with
 * their hash (the build keys on what was decoded, not on the file later). The
 * bytes must hold the size the parser read from the header and checked against
 * the image limits: a file replaced since is refused before its pixels are
 * decoded (*changed). Returns 1 with *img filled, else 0. */
static int load_png(lay *l, const pg_node *im, pg_png_pixels *img, int *changed)
{
    char *bytes = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    *changed = 0;
    /* a regular file only, read up to 256 MiB (a FIFO or /dev/zero never blocks or grows) */
    if (pg_read_regular_file(im->u.image.path, (size_t)256 << 20, &bytes, &len, why) !=
        PG_INPUT_OK) {
        if (l->reads)
            pg_reads_add(l->reads, im->u.image.path, "missing");
        *changed = 1;
        return 0;
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
        free(bytes);
        return 0;
    }
    int ok = pg_png_decode(b, len, img);
    free(bytes);
    return ok;
}

/* The pixels of a decoded image as the display list holds them: RGB not
 * premultiplied, and the opacity when some pixel is not opaque. */
static pg_image *image_pixels(const pg_png_pixels *img)
{
    int iw = img->w, ih = img->h;
    size_t npx = (size_t)iw * (size_t)ih;
    pg_image *im = pg_image_new(iw, ih);
    unsigned char *a = pg_xmalloc(npx ? npx : 1);
    int translucent = 0;
    for (int y = 0; y < ih; y++) {
        const uint32_t *row = img->px + (size_t)y * (size_t)iw;
        for (int x = 0; x < iw; x++) {
            uint32_t px = row[x];
            unsigned al = img->alpha ? px >> 24 : 255;
            unsigned r = px >> 16 & 0xFF, g = px >> 8 & 0xFF, bl = px & 0xFF;
            if (al && al < 255) { /* decoded premultiplied, as cairo kept them */
                r = (r * 255 + al / 2) / al;
                g = (g * 255 + al / 2) / al;
                bl = (bl * 255 + al / 2) / al;
            }
            size_t k = (size_t)y * (size_t)iw + (size_t)x;
            im->rgb[3 * k] = (unsigned char)r;
            im->rgb[3 * k + 1] = (unsigned char)g;
            im->rgb[3 * k + 2] = (unsigned char)bl;
            a[k] = (unsigned char)al;
            if (al != 255)
                translucent = 1;
        }
    }
    if (translucent)
        im->alpha = a;
    else
        free(a);
    return im;
}

pg_image *layout_load_image(lay *l, const pg_node *im)
{
    if (!im || !im->u.image.path || im->u.image.px_w <= 0 || im->u.image.px_h <= 0)
        return NULL;
    int changed;
    pg_png_pixels img;
    int ok = load_png(l, im, &img, &changed);
    if (changed) {
        pg_diag_add(l->diags, PG_E_IO, im->file ? im->file : l->doc->file, im->pos.line,
                    im->pos.col, "image \"%s\" changed while the plan was rendered; render again",
                    im->u.image.src);
        l->failed = 1;
        return NULL;
    }
    if (!ok) {
        pg_diag_add(l->diags, PG_E_BAD_VALUE, l->doc->file, im->pos.line, im->pos.col,
                    "image \"%s\" cannot be decoded: the PNG data is damaged", im->u.image.src);
        l->failed = 1;
        return NULL;
    }
    pg_image *pixels = image_pixels(&img);
    free(img.px);
    return pixels;
}

static void layout_image(lay *l, const pg_node *im)
{
    pg_image *pixels = layout_load_image(l, im);
    if (!pixels)
        return;
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
    int fid = flow_begin_figure(l, im->u.image.alt ? im->u.image.alt : "Hình ảnh");
    felem *e = new_elem(l, gap);
    e->box.height = h;
    pg_item it = {.kind = PG_ITEM_IMAGE, .x = l->L + (l->W - w) / 2, .y = 0, .w = w, .h = h,
                  .image = pixels};
    elem_add(e, &it);
    flow_end(l, PG_STRUCT_FIGURE, fid);
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

/* Lays out first and the blocks after it; consecutive items make a list. */
static void layout_block_run(lay *l, const pg_node *first)
{
    int list = 0;
    for (const pg_node *c = first; c; c = c->next) {
        if (c->type == PG_NODE_ITEM && !list)
            list = flow_begin(l, PG_STRUCT_LIST, 0, NULL);
        layout_block(l, c);
        if (list && !(c->next && c->next->type == PG_NODE_ITEM)) {
            flow_end(l, PG_STRUCT_LIST, list);
            list = 0;
        }
        flow_ready(l);
    }
}

static void layout_blocks(lay *l, const pg_node *parent)
{
    layout_block_run(l, parent->first);
}

/* ---- first-page header and title ----------------------------------------------- */

/* Lays one centred text into a column and returns the y under it. */
double column_text(lay *l, felem *e, pg_role role, const char *text, PangoAttrList *al,
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
        long long x = 0; /* the rest of the text: past an int for a long one */
        int brk = -1, i;
        for (i = s; i < n; i++) {
            if (i > s && la[i].is_line_break) {
                long long fit = x;
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

/* More lines than this are not balanced (a summary is a line or two). */
#define BALANCED_LINES_MAX 8

/* The narrowest width, to half a point, at which text (a single paragraph)
 * still takes no more lines than at w: lines of even length for centred
 * blocks. The search runs on the widths of the text shaped once, on one line;
 * pango confirms the answer, and does the whole search itself in the rare case
 * where the two disagree. */
double balanced_width(lay *l, pg_role role, const char *text, PangoAttrList *al, double w)
{
    PangoLayout *ly = make_layout(l, role, text, al, w, PG_ALIGN_CENTER, 0);
    int lines = pango_layout_get_line_count(ly);
    g_object_unref(ly);
    /* a block of many lines is not balanced: its text would be shaped on one
     * line longer than pango's int widths hold, and searched over again */
    if (lines < 2 || lines > BALANCED_LINES_MAX)
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
void add_rule(felem *e, pg_role role, double x, double y, double w, double thickness)
{
    pg_item it = {.kind = PG_ITEM_RULE, .role = role, .x = x, .y = y - thickness / 2, .w = w,
                  .h = thickness, .artifact = 1};
    elem_add(e, &it);
}

/* A vertical rule of length h from y, centred on x. */
void add_vrule(felem *e, pg_role role, double x, double y, double h, double thickness)
{
    pg_item it = {.kind = PG_ITEM_RULE, .role = role, .x = x - thickness / 2, .y = y,
                  .w = thickness, .h = h, .artifact = 1};
    elem_add(e, &it);
}

/* An appendix: a new page (portrait or landscape), its heading, the attachment
 * line built from the plan's own number, date and issuer, then its content. */
static void layout_appendix(lay *l, const pg_node *a)
{
    int aid = flow_begin(l, PG_STRUCT_APPENDIX, 0, NULL);
    felem *e = new_elem(l, 0);
    int hid = elem_begin(l, e, PG_STRUCT_HEADING, 1, NULL);
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
    elem_end(e, PG_STRUCT_HEADING, hid);
    e->box.height = y;
    e->outline = a->u.appendix.title ? g_strdup_printf("%s %s", label, a->u.appendix.title)
                                     : g_strdup(label);
    e->outline_level = 1;
    l->pending = ts(l, PG_ROLE_APPENDIX_ATTACHMENT)->space_after;
    l->keep_next = 1;
    layout_blocks(l, a);
    flow_end(l, PG_STRUCT_APPENDIX, aid);
}

/* The metadata of an appendix sent as a file of its own: the plan's (author, the
 * number and symbol as keywords, date) with its own title ("Phụ lục I: title",
 * the label as the style or the plan names it) and, as subject, its attachment
 * line without the brackets ("Kèm theo Kế hoạch số ..."). */
static void set_appendix_metadata(lay *l, pg_pages *pp, const pg_node *a)
{
    set_metadata(l, pp);
    g_free(pp->title);
    g_free(pp->subject);
    const char *label = a->u.appendix.label, *title = a->u.appendix.title;
    pp->title = title ? g_strdup_printf("%s: %s", label, title) : g_strdup(label);
    const char *att = a->u.appendix.attachment ? a->u.appendix.attachment : "";
    size_t n = strlen(att);
    if (n >= 2 && att[0] == '(' && att[n - 1] == ')')
        pp->subject = g_strndup(att + 1, n - 2);
    else
        pp->subject = g_strdup(att);
    /* the style's attachment line starts in lower case ("kèm theo"): a subject
     * starts a sentence */
    gunichar c = g_utf8_get_char_validated(pp->subject, -1);
    if (c != (gunichar)-1 && c != (gunichar)-2 && c && g_unichar_islower(c)) {
        char up[8];
        int len = g_unichar_to_utf8(g_unichar_toupper(c), up);
        char *rest = g_utf8_next_char(pp->subject);
        char *cap = g_strdup_printf("%.*s%s", len, up, rest);
        g_free(pp->subject);
        pp->subject = cap;
    }
}

static pg_pages *layout_run(const pg_doc *doc, const pg_style *st, pg_fonts *fonts,
                            pg_layout_cache *cache, pg_reads *reads, pg_diag_list *diags,
                            pg_pages ***appendices, size_t *n_appendices,
                            const pg_page_sink *sink)
{
    lay l = {0};
    l.doc = doc;
    l.reads = reads;
    l.st = st;
    l.diags = diags;
    l.ctx = pg_fonts_context(fonts);
    l.fonts = fonts;
    l.cache = cache;
    l.sink = sink;
    l.at_file = doc->file;
    l.uncovered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    set_page(&l, 0, NULL);
    init_fonts(&l);

    pg_pages *pp = pg_pages_new();
    /* the appendices as files: one page list each (an array even for none) */
    pg_pages **files = appendices ? pg_xmalloc(sizeof *files) : NULL;
    size_t n_files = 0;
    l.into = pp;
    layout_title_block(&l);
    layout_blocks(&l, doc->body);
    layout_closing(&l);
    place_flow(&l);
    for (const pg_node *a = doc->appendices ? doc->appendices->first : NULL; a; a = a->next) {
        set_page(&l, a->u.appendix.landscape, a->u.appendix.landscape ? a : NULL);
        if (appendices) {
            /* a document of its own: pages numbered from 1, by the style's rule for
             * a document's first page, whatever it says of appendices */
            if (n_files)
                files = pg_xrealloc(files, (n_files + 1) * sizeof *files);
            l.into = files[n_files++] = pg_pages_new();
            l.file_doc = 1;
            l.shown = 0;
        } else if (st->appendix_restart) {
            l.shown = 0;
        }
        layout_appendix(&l, a);
        place_flow(&l);
        if (l.into != pp) {
            end_document(&l, l.into);
            set_appendix_metadata(&l, l.into, a);
            if (!l.failed && !geometry_finite(l.into))
                geometry_failed(&l);
            if (sink && !l.failed)
                sink->end(sink->ud, l.into);
        }
    }
    end_document(&l, pp);
    set_metadata(&l, pp);
    if (!l.failed && !geometry_finite(pp))
        geometry_failed(&l);
    if (sink && !l.failed)
        sink->end(sink->ud, pp);

    for (size_t i = 0; i < l.n_held; i++)
        pg_item_release(&l.held[i]);
    free(l.el);
    free(l.marks);
    free(l.queue);
    g_free(l.outline_next);
    for (size_t i = 0; i < l.n_notes; i++) {
        if (l.notes[i].iter)
            pango_layout_iter_free(l.notes[i].iter);
        if (l.notes[i].layout)
            g_object_unref(l.notes[i].layout);
    }
    free(l.notes);
    for (int r = 0; r < PG_ROLE__COUNT; r++) {
        pango_font_description_free(l.font[r]);
        g_free(l.font_key[r]);
    }
    g_object_unref(l.ctx);
    g_hash_table_destroy(l.uncovered);
    if (l.failed) {
        pg_pages_free(pp);
        for (size_t i = 0; i < n_files; i++)
            pg_pages_free(files[i]);
        free(files);
        return NULL;
    }
    if (appendices) {
        *appendices = files;
        *n_appendices = n_files;
    }
    return pp;
}

pg_pages *pg_layout_run(const pg_doc *doc, const pg_style *st, pg_fonts *fonts,
                        pg_layout_cache *cache, pg_reads *reads, pg_diag_list *diags,
                        pg_pages ***appendices, size_t *n_appendices)
{
    return layout_run(doc, st, fonts, cache, reads, diags, appendices, n_appendices, NULL);
}

pg_pages *pg_layout_stream(const pg_doc *doc, const pg_style *st, pg_fonts *fonts,
                           pg_layout_cache *cache, pg_reads *reads, pg_diag_list *diags,
                           pg_pages ***appendices, size_t *n_appendices,
                           const pg_page_sink *sink)
{
    return layout_run(doc, st, fonts, cache, reads, diags, appendices, n_appendices, sink);
}
