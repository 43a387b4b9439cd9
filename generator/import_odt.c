/* import_odt.c - the ODT reader of `plangen import`: content.xml and
 * styles.xml of an OpenDocument text, read from memory (import_zip.c) into the
 * paragraph list the other readers fill (import.h).
 *
 * Styles: a span's or paragraph's bold, italic and underline come from its
 * automatic or named style and the chain of style:parent-style-name (at most
 * PG_ODT_CHAIN_MAX links, so a cycle ends). Lists: the label Writer would
 * show is written as if typed ("I. ", "1. ", "a) ", "- " for a bullet), from
 * the list style's level (style:num-format, num-prefix, num-suffix,
 * text:display-levels, text:start-value); headings numbered by the outline
 * style the same way. A text:line-break splits a paragraph (the recogniser
 * works line by line); text in frames and text boxes follows the paragraph it
 * is anchored in; a right brace shape beside recipient lines, or a brace made
 * as a cell spanning their rows, becomes " }" on the lines it spans and the
 * purpose of its text box or merged cell (import_zip.c). */
#include "arena.h"
#include "i18n.h"
#include "import_zip.h"

#include <stdlib.h>
#include <string.h>

#define PG_ODT_DEPTH_MAX 64     /* nested elements, tables, lists */
#define PG_ODT_CHAIN_MAX 32     /* parent-style links followed */
#define PG_ODT_LEVELS 10        /* list levels (ODF allows 10) */
#define PG_ODT_SPACES_MAX 64    /* text:s c= taken at most */
#define PG_ODT_COUNT_MAX 100000 /* a list counter stops there (no overflow) */
#define PG_ODT_COLS_MAX 100000  /* a table's column index stops there */
#define PG_ODT_CELL_TEXT 1024   /* bytes of a cell's text looked at to find braces */

static const pg_zip_kind ODT = {"ODT", N_("an ODT"), "LibreOffice Writer", ".odt",
                                N_("an OpenDocument text")};

static const char NS_OFFICE[] = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
static const char NS_STYLE[] = "urn:oasis:names:tc:opendocument:xmlns:style:1.0";
static const char NS_TEXT[] = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
static const char NS_TABLE[] = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
static const char NS_DRAW[] = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";
static const char NS_FO[] = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0";
static const char NS_SVG[] = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0";

static int is(xmlNodePtr n, const char *ns, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, local) == 0;
}

static int in_ns(xmlNodePtr n, const char *ns)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ns) == 0;
}

/* The attribute ns:local of n, owned by the document; NULL when absent. */
static const char *attr(xmlNodePtr n, const char *ns, const char *local)
{
    xmlAttrPtr a = n ? xmlHasNsProp(n, (const xmlChar *)local, (const xmlChar *)ns) : NULL;
    return a && a->children && a->children->type == XML_TEXT_NODE
               ? (const char *)a->children->content
               : NULL;
}

/* A length ("0.5cm", "12pt", "0.2in", "5mm") in pt; 0 when not one. */
static double length_pt(const char *s)
{
    if (!s)
        return 0;
    char *end = NULL;
    double v = g_ascii_strtod(s, &end);
    if (!end || end == s)
        return 0;
    if (strcmp(end, "cm") == 0)
        return v * 72 / 2.54;
    if (strcmp(end, "mm") == 0)
        return v * 72 / 25.4;
    if (strcmp(end, "in") == 0)
        return v * 72;
    if (strcmp(end, "pt") == 0)
        return v;
    return 0;
}

/* One style's own settings; -1 where it says nothing (its parent's then). */
typedef struct {
    const char *parent, *list_style;
    int b, i, u;
    double size;          /* pt, 0: unset */
    double line;          /* line height as a factor of the font's, 0: unset */
    double before, after; /* pt, -1: unset */
} odt_style;

typedef struct {
    pg_zip_reader z;
    GHashTable *styles;      /* "family/name" -> odt_style*, names owned by the XML */
    GHashTable *list_styles; /* name -> text:list-style element */
    xmlNodePtr outline;      /* text:outline-style or NULL */
    GHashTable *counters;    /* list style name -> int[PG_ODT_LEVELS] */
    GHashTable *levels;      /* text:list-style / text:outline-style -> odt_levels */
} reader;

static void read_style(reader *r, xmlNodePtr st)
{
    const char *name = attr(st, NS_STYLE, "name"), *family = attr(st, NS_STYLE, "family");
    if (!name || !family)
        return;
    odt_style *s = g_new0(odt_style, 1);
    s->parent = attr(st, NS_STYLE, "parent-style-name");
    s->list_style = attr(st, NS_STYLE, "list-style-name");
    s->b = s->i = s->u = -1;
    s->before = s->after = -1;
    for (xmlNodePtr c = st->children; c; c = c->next) {
        if (is(c, NS_STYLE, "text-properties")) {
            const char *w = attr(c, NS_FO, "font-weight");
            if (w)
                s->b = strcmp(w, "bold") == 0 || atoi(w) >= 600;
            const char *it = attr(c, NS_FO, "font-style");
            if (it)
                s->i = strcmp(it, "italic") == 0 || strcmp(it, "oblique") == 0;
            const char *u = attr(c, NS_STYLE, "text-underline-style");
            if (u)
                s->u = strcmp(u, "none") != 0;
            s->size = length_pt(attr(c, NS_FO, "font-size"));
        } else if (is(c, NS_STYLE, "paragraph-properties")) {
            const char *lh = attr(c, NS_FO, "line-height");
            if (lh && strchr(lh, '%'))
                s->line = g_ascii_strtod(lh, NULL) / 100;
            const char *mt = attr(c, NS_FO, "margin-top"), *mb = attr(c, NS_FO, "margin-bottom");
            if (mt)
                s->before = length_pt(mt);
            if (mb)
                s->after = length_pt(mb);
        }
    }
    g_hash_table_replace(r->styles, g_strdup_printf("%s/%s", family, name), s);
}

/* Styles of one office:styles / office:automatic-styles element. */
static void read_styles(reader *r, xmlNodePtr container)
{
    for (xmlNodePtr c = container ? container->children : NULL; c; c = c->next) {
        if (is(c, NS_STYLE, "style"))
            read_style(r, c);
        else if (is(c, NS_TEXT, "list-style") && attr(c, NS_STYLE, "name"))
            g_hash_table_replace(r->list_styles, g_strdup(attr(c, NS_STYLE, "name")), c);
        else if (is(c, NS_TEXT, "outline-style"))
            r->outline = c;
    }
}

static void read_style_parts(reader *r, xmlDocPtr x)
{
    xmlNodePtr root = x ? xmlDocGetRootElement(x) : NULL;
    for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next)
        if (is(c, NS_OFFICE, "styles") || is(c, NS_OFFICE, "automatic-styles"))
            read_styles(r, c);
}

static const odt_style *style_of(reader *r, const char *family, const char *name)
{
    if (!name)
        return NULL;
    char *key = g_strdup_printf("%s/%s", family, name);
    const odt_style *s = g_hash_table_lookup(r->styles, key);
    g_free(key);
    return s;
}

/* Whether s is one of the n styles of a chain already followed (a cycle). */
static int met(const odt_style *const *seen, int n, const odt_style *s)
{
    for (int k = 0; k < n; k++)
        if (seen[k] == s)
            return 1;
    return 0;
}

/* The marks of style name of family over base: each of bold, italic,
 * underline from the nearest style of the chain that sets it, else base's. */
static unsigned marks_of(reader *r, const char *family, const char *name, unsigned base)
{
    int b = -1, i = -1, u = -1;
    const odt_style *s = style_of(r, family, name), *seen[PG_ODT_CHAIN_MAX];
    for (int k = 0; s && k < PG_ODT_CHAIN_MAX && !met(seen, k, s); k++) {
        seen[k] = s;
        if (b < 0)
            b = s->b;
        if (i < 0)
            i = s->i;
        if (u < 0)
            u = s->u;
        s = style_of(r, family, s->parent);
    }
    unsigned m = base;
    if (b >= 0)
        m = b ? m | PG_RUN_BOLD : m & ~(unsigned)PG_RUN_BOLD;
    if (i >= 0)
        m = i ? m | PG_RUN_ITALIC : m & ~(unsigned)PG_RUN_ITALIC;
    if (u >= 0)
        m = u ? m | PG_RUN_UNDERLINE : m & ~(unsigned)PG_RUN_UNDERLINE;
    return m;
}

/* The line pitch of a paragraph of style name, in pt: font size times the
 * line height (Liberation Serif/Times: 1.15 at single spacing) plus the
 * spacing before and after; each from the nearest style of the chain. */
static double pitch_of(reader *r, const char *name)
{
    double size = 0, line = 0, before = -1, after = -1;
    const odt_style *s = style_of(r, "paragraph", name), *seen[PG_ODT_CHAIN_MAX];
    for (int k = 0; s && k < PG_ODT_CHAIN_MAX && !met(seen, k, s); k++) {
        seen[k] = s;
        if (size <= 0)
            size = s->size;
        if (line <= 0)
            line = s->line;
        if (before < 0)
            before = s->before;
        if (after < 0)
            after = s->after;
        s = style_of(r, "paragraph", s->parent);
    }
    return pg_zip_pitch(size > 0 ? size : 12, line > 0 ? line : 1, before > 0 ? before : 0,
                        after > 0 ? after : 0);
}

/* ---- lists ----------------------------------------------------------------------- */

static int *counters_of(reader *r, const char *list)
{
    int *c = g_hash_table_lookup(r->counters, list);
    if (!c) {
        c = g_new0(int, PG_ODT_LEVELS);
        g_hash_table_replace(r->counters, g_strdup(list), c);
    }
    return c;
}

/* A list or outline style's levels, each read once (the first
 * text:list-level-style-* or text:outline-level-style of a level). */
typedef struct {
    xmlNodePtr node;
    const char *start, *fmt, *display, *prefix, *suffix;
} odt_level;

typedef struct {
    odt_level level[PG_ODT_LEVELS];
} odt_levels;

/* The level (1-based) of list or outline style ls; NULL when it has none. */
static const odt_level *level_style(reader *r, xmlNodePtr ls, int level)
{
    if (!ls || level < 1 || level > PG_ODT_LEVELS)
        return NULL;
    odt_levels *l = g_hash_table_lookup(r->levels, ls);
    if (!l) {
        l = g_new0(odt_levels, 1);
        for (xmlNodePtr c = ls->children; c; c = c->next) {
            const char *lv = in_ns(c, NS_TEXT) ? attr(c, NS_TEXT, "level") : NULL;
            int k = lv ? atoi(lv) : 0;
            if (k < 1 || k > PG_ODT_LEVELS || l->level[k - 1].node)
                continue;
            l->level[k - 1] = (odt_level){c,
                                          attr(c, NS_TEXT, "start-value"),
                                          attr(c, NS_STYLE, "num-format"),
                                          attr(c, NS_TEXT, "display-levels"),
                                          attr(c, NS_STYLE, "num-prefix"),
                                          attr(c, NS_STYLE, "num-suffix")};
        }
        g_hash_table_insert(r->levels, ls, l);
    }
    return l->level[level - 1].node ? &l->level[level - 1] : NULL;
}

/* The label of item number n at level (1-based) of list style ls, as the
 * reader writes it before the item's text ("II. ", "1.2. ", "b) ", "- "),
 * advancing the counters; "" for an unnumbered level. g_free it. */
static char *label(reader *r, xmlNodePtr ls, const char *key, int level, int start_override)
{
    if (level < 1 || level > PG_ODT_LEVELS)
        return g_strdup("");
    const odt_level *lv = level_style(r, ls, level);
    if (!lv)
        return g_strdup("");
    if (is(lv->node, NS_TEXT, "list-level-style-bullet"))
        return g_strdup("- ");
    if (!is(lv->node, NS_TEXT, "list-level-style-number") &&
        !is(lv->node, NS_TEXT, "outline-level-style"))
        return g_strdup("");
    int *ctr = counters_of(r, key);
    const char *sv = lv->start;
    int start = sv ? atoi(sv) : 1;
    if (start_override > 0)
        ctr[level - 1] = start_override;
    else if (ctr[level - 1] <= 0)
        ctr[level - 1] = start;
    else if (ctr[level - 1] < PG_ODT_COUNT_MAX)
        ctr[level - 1]++;
    if (ctr[level - 1] > PG_ODT_COUNT_MAX)
        ctr[level - 1] = PG_ODT_COUNT_MAX;
    for (int k = level; k < PG_ODT_LEVELS; k++)
        ctr[k] = 0;
    const char *fmt = lv->fmt;
    if (!fmt || !*fmt)
        return g_strdup("");
    const char *dl = lv->display;
    int shown = dl ? atoi(dl) : 1;
    if (shown < 1)
        shown = 1;
    if (shown > level)
        shown = level;
    GString *g = g_string_new(lv->prefix);
    for (int k = level - shown + 1; k <= level; k++) {
        const odt_level *kl = level_style(r, ls, k);
        const char *kf = k == level ? fmt : kl ? kl->fmt : NULL;
        char num[32];
        pg_zip_number(kf ? kf : "1", ctr[k - 1] > 0 ? ctr[k - 1] : 1, num);
        if (k > level - shown + 1)
            g_string_append_c(g, '.');
        g_string_append(g, num);
    }
    const char *suffix = lv->suffix;
    g_string_append(g, suffix ? suffix : "");
    g_string_append_c(g, ' ');
    return g_string_free(g, FALSE);
}

/* ---- text ------------------------------------------------------------------------ */

/* The plain text of the paragraphs under n, joined by spaces (a note body),
 * appended to g until it holds more than max bytes. */
static void plain_text(xmlNodePtr n, GString *g, size_t max, int depth)
{
    if (depth > PG_ODT_DEPTH_MAX)
        return;
    for (xmlNodePtr c = n->children; c && g->len <= max; c = c->next) {
        if (c->type == XML_TEXT_NODE)
            g_string_append(g, (const char *)c->content);
        else if (is(c, NS_TEXT, "s") || is(c, NS_TEXT, "line-break"))
            g_string_append_c(g, ' ');
        else if (is(c, NS_TEXT, "tab"))
            g_string_append_c(g, '\t');
        else if (c->type == XML_ELEMENT_NODE && !is(c, NS_TEXT, "note-citation")) {
            if ((is(c, NS_TEXT, "p") || is(c, NS_TEXT, "h")) && g->len)
                g_string_append_c(g, ' ');
            plain_text(c, g, max, depth + 1);
        }
    }
}

static void read_inline(reader *r, pg_import_para **p, xmlNodePtr parent, unsigned marks, int depth)
{
    if (depth > PG_ODT_DEPTH_MAX)
        return;
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            const char *s = (const char *)c->content;
            pg_import_run_add(*p, s, strlen(s), marks);
        } else if (c->type != XML_ELEMENT_NODE) {
            continue;
        } else if (is(c, NS_TEXT, "span")) {
            read_inline(r, p, c, marks_of(r, "text", attr(c, NS_TEXT, "style-name"), marks),
                        depth + 1);
        } else if (is(c, NS_TEXT, "s")) {
            const char *cs = attr(c, NS_TEXT, "c");
            int k = cs ? atoi(cs) : 1;
            for (int j = 0; j < k && j < PG_ODT_SPACES_MAX; j++)
                pg_import_run_add(*p, " ", 1, marks);
        } else if (is(c, NS_TEXT, "tab")) {
            pg_import_run_add(*p, "\t", 1, marks);
        } else if (is(c, NS_TEXT, "line-break")) {
            pg_zip_drop_if_blank(r->z.doc);
            *p = pg_zip_para_new(&r->z);
        } else if (is(c, NS_TEXT, "note")) {
            xmlNodePtr body = NULL;
            for (xmlNodePtr b = c->children; b; b = b->next)
                if (is(b, NS_TEXT, "note-body"))
                    body = b;
            GString *g = g_string_new(NULL);
            size_t max = PG_ZIP_NOTES_MAX - r->z.note_bytes;
            if (body && !r->z.failed)
                plain_text(body, g, max, depth + 1);
            /* more than may be attached: not stripped, refused */
            char *t = g->len > max ? g_string_free(g, FALSE) : g_strstrip(g_string_free(g, FALSE));
            if (*t)
                pg_zip_note_attach(&r->z, *p, t, 0);
            else
                g_free(t);
        } else if (in_ns(c, NS_DRAW)) {
            g_ptr_array_add(r->z.drawings, c); /* read after the paragraph */
        } else if (is(c, NS_TEXT, "soft-page-break") || is(c, NS_TEXT, "bookmark") ||
                   is(c, NS_TEXT, "bookmark-start") || is(c, NS_TEXT, "bookmark-end") ||
                   is(c, NS_OFFICE, "annotation") || is(c, NS_OFFICE, "annotation-end") ||
                   is(c, NS_TEXT, "number")) {
            /* layout marks, comments, and a cached list label (computed here) */
        } else {
            /* links, fields, meta: their text */
            read_inline(r, p, c, marks, depth + 1);
        }
    }
}

static void read_block(reader *r, xmlNodePtr parent, const char *list, int level, int depth);
static void read_element(reader *r, xmlNodePtr c, const char *list, int level, int depth);
static pg_zip_draw_fn read_drawing;

/* A text:p or text:h; lbl, when not NULL, goes before its text (a list label). */
static void read_paragraph(reader *r, xmlNodePtr pnode, const char *lbl, int depth)
{
    const char *style = attr(pnode, NS_TEXT, "style-name");
    size_t first = 0;
    GPtrArray *outer = pg_zip_para_begin(&r->z, &first);
    pg_import_para *p = &r->z.doc->paras[first];
    read_inline(r, &p, pnode, marks_of(r, "paragraph", style, 0), depth);
    char *heading = NULL;
    const char *ol = attr(pnode, NS_TEXT, "outline-level");
    if (!lbl && is(pnode, NS_TEXT, "h") && ol && r->outline &&
        !attr(pnode, NS_TEXT, "is-list-header"))
        lbl = heading = label(r, r->outline, "\x01outline", atoi(ol), 0);
    pg_zip_para_end(&r->z, first, lbl, outer, pitch_of(r, style), read_drawing, r, depth);
    g_free(heading);
}

/* A brace shape records itself; a text box's paragraphs follow, unless they
 * are the purpose "(…)" of a brace anchored in the same paragraph. */
static void read_drawing(void *reader_, xmlNodePtr d, size_t anchor, double pitch, int depth)
{
    reader *r = reader_;
    if (depth > PG_ODT_DEPTH_MAX)
        return;
    if (is(d, NS_DRAW, "custom-shape")) {
        for (xmlNodePtr g = d->children; g; g = g->next) {
            const char *type =
                is(g, NS_DRAW, "enhanced-geometry") ? attr(g, NS_DRAW, "type") : NULL;
            if (type && strcmp(type, "right-brace") == 0)
                pg_zip_brace_add(&r->z.braces, anchor,
                                 length_pt(attr(d, NS_SVG, "y")) + r->z.y_shift,
                                 length_pt(attr(d, NS_SVG, "height")), pitch);
        }
    }
    if (is(d, NS_DRAW, "text-box") || is(d, NS_DRAW, "custom-shape")) {
        read_block(r, d, NULL, 0, depth + 1);
        return;
    }
    /* a picture: a paragraph of its own holding its alternate text (svg:title,
     * else svg:desc, of its frame; a QR code's is its link) */
    if (is(d, NS_DRAW, "image")) {
        const char *alt = NULL;
        for (int k = 0; k < 2 && !alt; k++)
            for (xmlNodePtr c = d->parent ? d->parent->children : NULL; c && !alt; c = c->next)
                if (is(c, NS_SVG, k ? "desc" : "title") && c->children &&
                    c->children->type == XML_TEXT_NODE && c->children->content[0])
                    alt = (const char *)c->children->content;
        pg_import_para *p = pg_zip_para_new(&r->z);
        p->picture = 1;
        if (alt)
            pg_import_run_add(p, alt, strlen(alt), 0);
        return;
    }
    for (xmlNodePtr c = d->children; c; c = c->next)
        if (in_ns(c, NS_DRAW))
            read_drawing(r, c, anchor, pitch, depth + 1);
}

/* The rows under n (a table, or its header-rows/rows/row-group), in order. */
static void collect_rows(xmlNodePtr n, GPtrArray *rows, int depth)
{
    if (depth > PG_ODT_DEPTH_MAX)
        return;
    for (xmlNodePtr tr = n->children; tr; tr = tr->next) {
        if (is(tr, NS_TABLE, "table-header-rows") || is(tr, NS_TABLE, "table-rows") ||
            is(tr, NS_TABLE, "table-row-group"))
            collect_rows(tr, rows, depth + 1);
        else if (is(tr, NS_TABLE, "table-row"))
            g_ptr_array_add(rows, tr);
    }
}

/* The next column after cell tc at col: a covered cell keeps the columns of
 * the row in place, a repeated one counts as many. */
static int next_col(xmlNodePtr tc, int col)
{
    const char *rep = attr(tc, NS_TABLE, "number-columns-repeated");
    int k = rep ? atoi(rep) : 1;
    col += k > 0 && k < 1024 ? k : 1;
    return col > PG_ODT_COLS_MAX ? PG_ODT_COLS_MAX : col;
}

static void read_table(reader *r, xmlNodePtr tbl, int depth)
{
    int saved_in = r->z.in_cell, saved_t = r->z.table, saved_r = r->z.row, saved_c = r->z.col;
    int t = ++r->z.tables;
    GPtrArray *rows = g_ptr_array_new();
    collect_rows(tbl, rows, depth);
    /* braces made as merged cells: the grid of texts and row spans */
    pg_zip_merges m;
    pg_zip_merges_init(&m, (int)MIN(rows->len, (guint)PG_ZIP_GRID_ROWS));
    for (int row = 0; row < m.rows; row++) {
        xmlNodePtr tr = g_ptr_array_index(rows, row);
        int col = 0;
        for (xmlNodePtr tc = tr->children; tc && col < PG_ZIP_GRID_COLS; tc = tc->next) {
            int covered = is(tc, NS_TABLE, "covered-table-cell");
            if (!covered && !is(tc, NS_TABLE, "table-cell"))
                continue;
            const char *rs = attr(tc, NS_TABLE, "number-rows-spanned");
            GString *g = g_string_new(NULL);
            plain_text(tc, g, PG_ODT_CELL_TEXT, depth + 1);
            if (g->len > PG_ODT_CELL_TEXT)
                g_string_append(g, "…"); /* (cut: no purpose) */
            pg_zip_merges_set(&m, row, col, g_strstrip(g_string_free(g, FALSE)),
                              covered               ? 0
                              : rs && atoi(rs) >= 2 ? MIN(atoi(rs), PG_ZIP_GRID_ROWS)
                                                    : 1);
            col = next_col(tc, col);
        }
    }
    pg_zip_merges_find(&m);
    for (guint row = 0; row < rows->len; row++) {
        xmlNodePtr tr = g_ptr_array_index(rows, row);
        int col = 0;
        for (xmlNodePtr tc = tr->children; tc; tc = tc->next) {
            if (is(tc, NS_TABLE, "table-cell")) {
                r->z.in_cell = 1, r->z.table = t, r->z.row = (int)row, r->z.col = col;
                size_t before = r->z.doc->n;
                if (!pg_zip_merges_skip(&m, (int)row, col))
                    read_block(r, tc, NULL, 0, depth + 1);
                pg_zip_merges_mark(&m, r->z.doc, (int)row, col, before);
            } else if (!is(tc, NS_TABLE, "covered-table-cell")) {
                continue;
            }
            col = next_col(tc, col);
        }
    }
    pg_zip_merges_free(&m);
    g_ptr_array_free(rows, TRUE);
    r->z.in_cell = saved_in, r->z.table = saved_t, r->z.row = saved_r, r->z.col = saved_c;
}

/* A text:list: list is the list style in force (inherited by nested lists),
 * level the nesting (1 for a top list). */
static void read_list(reader *r, xmlNodePtr l, const char *list, int level, int depth)
{
    if (depth > PG_ODT_DEPTH_MAX)
        return;
    const char *own = attr(l, NS_TEXT, "style-name");
    if (own)
        list = own;
    xmlNodePtr ls = list ? g_hash_table_lookup(r->list_styles, list) : NULL;
    const char *cont = attr(l, NS_TEXT, "continue-numbering");
    if (level == 1 && ls && !attr(l, NS_TEXT, "continue-list") &&
        !(cont && strcmp(cont, "true") == 0))
        memset(counters_of(r, list), 0, PG_ODT_LEVELS * sizeof(int));
    for (xmlNodePtr it = l->children; it; it = it->next) {
        int header = is(it, NS_TEXT, "list-header");
        if (!header && !is(it, NS_TEXT, "list-item"))
            continue;
        const char *sv = attr(it, NS_TEXT, "start-value");
        char *lbl = header || !ls ? g_strdup(header ? "" : "- ")
                                  : label(r, ls, list, level, sv ? atoi(sv) : 0);
        int labelled = 0;
        for (xmlNodePtr c = it->children; c; c = c->next) {
            if (!labelled && (is(c, NS_TEXT, "p") || is(c, NS_TEXT, "h"))) {
                read_paragraph(r, c, lbl, depth + 1);
                labelled = 1;
            } else if (is(c, NS_TEXT, "list")) {
                labelled = 1;
                read_list(r, c, list, level + 1, depth + 1);
            } else {
                read_element(r, c, list, level, depth + 1);
            }
        }
        g_free(lbl);
    }
}

static void read_element(reader *r, xmlNodePtr c, const char *list, int level, int depth)
{
    if (is(c, NS_TEXT, "p") || is(c, NS_TEXT, "h"))
        read_paragraph(r, c, NULL, depth);
    else if (is(c, NS_TEXT, "list"))
        read_list(r, c, list, level + 1, depth + 1);
    else if (is(c, NS_TABLE, "table"))
        read_table(r, c, depth + 1);
    else if (in_ns(c, NS_DRAW)) {
        pg_zip_mark m = pg_zip_braces_begin(&r->z.braces, r->z.doc);
        read_drawing(r, c, r->z.doc->n, 0, depth + 1);
        pg_zip_braces_end(&r->z.braces, m, r->z.doc);
    } else if (is(c, NS_TEXT, "section") || is(c, NS_TEXT, "index-body") ||
               is(c, NS_TEXT, "index-title") || is(c, NS_TEXT, "table-of-content") ||
               is(c, NS_TEXT, "illustration-index") || is(c, NS_TEXT, "table-index") ||
               is(c, NS_TEXT, "alphabetical-index") || is(c, NS_TEXT, "user-index") ||
               is(c, NS_TEXT, "bibliography"))
        read_block(r, c, list, level, depth + 1);
}

/* The block elements under parent: paragraphs, headings, lists, tables,
 * sections, frames. */
static void read_block(reader *r, xmlNodePtr parent, const char *list, int level, int depth)
{
    if (depth > PG_ODT_DEPTH_MAX)
        return;
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        read_element(r, c, list, level, depth);
        if (!r->z.in_cell)
            pg_zip_notes_flush(r->z.doc, r->z.index, r->z.pending);
    }
}

int pg_import_is_fodt(const char *bytes, size_t len)
{
    /* the root element office:document, in the first 4 KiB after the XML
     * declaration and comments */
    static const char office[] = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
    size_t n = len < 4096 ? len : 4096;
    if (n < 1 || bytes[0] != '<')
        return 0;
    char *head = g_strndup(bytes, n);
    char *root = strstr(head, "<office:document ");
    int yes = root && g_strstr_len(root, -1, office) != NULL;
    g_free(head);
    return yes;
}

int pg_import_odt_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                       pg_diag_list *diags)
{
    int rc = 0, failed = 0;
    zip_t *z = NULL;
    char *mime = NULL;
    xmlDocPtr content = NULL, styles = NULL;
    reader r = {0};
    pg_zip_budget budget = {0};
    memset(doc, 0, sizeof *doc);

    if (pg_import_is_fodt(bytes, len)) {
        /* a flat ODT: one XML document holding styles and body */
        content = pg_zip_parse(bytes, len, _("the flat ODT"), file, &ODT, &budget, diags);
        if (!content)
            goto cleanup;
    } else {
        z = pg_zip_open(bytes, len, file, &ODT, diags);
        if (!z)
            goto cleanup;
        size_t mlen = 0;
        mime = pg_zip_read(z, "mimetype", 0, file, &ODT, &mlen, diags);
        if (!mime && diags->n)
            goto cleanup;
        if (mime)
            g_strstrip(mime);
        if (!mime || strcmp(mime, "application/vnd.oasis.opendocument.text") != 0) {
            pg_diag_add(diags, PG_E_IO, file, 0, 0,
                        "not an OpenDocument text: its mimetype is \"%.60s\", not "
                        "application/vnd.oasis.opendocument.text; save it from LibreOffice "
                        "Writer as .odt (a spreadsheet or a drawing is not a plan)",
                        mime ? mime : _("(none)"));
            goto cleanup;
        }
        content = pg_zip_xml(z, "content.xml", 1, file, &ODT, &budget, &failed, diags);
        if (failed)
            goto cleanup;
        styles = pg_zip_xml(z, "styles.xml", 0, file, &ODT, &budget, &failed, diags);
        if (failed)
            goto cleanup;
    }
    xmlNodePtr root = xmlDocGetRootElement(content), text = NULL;
    int whole = is(root, NS_OFFICE, "document-content") || is(root, NS_OFFICE, "document");
    for (xmlNodePtr c = whole ? root->children : NULL; c; c = c->next)
        if (is(c, NS_OFFICE, "body"))
            for (xmlNodePtr t = c->children; t; t = t->next)
                if (is(t, NS_OFFICE, "text"))
                    text = t;
    if (!text) {
        pg_diag_add(diags, PG_E_MISSING_ELEMENT, file, 0, 0,
                    "%s has no office:body/office:text; the file is not a text document, save "
                    "it again as .odt",
                    z ? "content.xml" : _("the flat ODT"));
        goto cleanup;
    }
    pg_zip_reader_init(&r.z, doc, file, &ODT, diags);
    r.styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    r.list_styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    r.counters = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    r.levels = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    read_style_parts(&r, styles);
    read_style_parts(&r, content);
    read_block(&r, text, NULL, 0, 0);
    pg_zip_reader_finish(&r.z);
    rc = !r.z.failed;

cleanup:
    if (r.styles) {
        g_hash_table_destroy(r.styles);
        g_hash_table_destroy(r.list_styles);
        g_hash_table_destroy(r.counters);
        g_hash_table_destroy(r.levels);
    }
    pg_zip_reader_free(&r.z);
    if (!rc)
        pg_import_doc_free(doc);
    free(mime);
    xmlFreeDoc(content);
    xmlFreeDoc(styles);
    if (z)
        zip_discard(z);
    return rc;
}
