/* import_docx.c - the DOCX reader of `plangen import`: word/document.xml (and
 * footnotes.xml, styles.xml, numbering.xml) read from memory (import_zip.c:
 * libzip, libxml2 without network, DTD or entities) into the same paragraph
 * list the plain-text reader fills.
 *
 * A w:br inside a paragraph splits it into two paragraphs (a line break in
 * Word is a new line of the old plan; the recogniser works line by line).
 * Bold, italic, underline come from the paragraph style, the character style
 * (each with its w:basedOn chain, at most PG_DOCX_CHAIN_MAX links) and the
 * run's own properties, a later one turning an earlier one's on or off. Word's
 * automatic numbering is written as the label Word shows ("I. ", "1. ",
 * "a) ", "- " for a bullet). Text boxes follow the paragraph they are
 * anchored in; a right brace drawn beside recipient lines (a DrawingML
 * rightBrace, a VML shape type 88 as LibreOffice writes it, or a vertically
 * merged table cell) becomes " }" on the lines it spans and its purpose. */
#include "arena.h"
#include "i18n.h"
#include "import_zip.h"

#include <glib.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#define PG_DOCX_DEPTH_MAX 64     /* nested tables and elements */
#define PG_DOCX_CHAIN_MAX 32     /* w:basedOn links followed */
#define PG_DOCX_LEVELS 9         /* numbering levels (w:ilvl 0-8) */
#define PG_DOCX_COUNT_MAX 100000 /* a numbering counter stops there (no overflow) */
#define PG_DOCX_COLS_MAX 100000  /* a table's column index stops there */
#define PG_DOCX_CELL_TEXT 1024   /* bytes of a cell's text kept to find braces */
#define EMU_PER_PT 12700.0

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char WP_NS[] =
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
static const char A_NS[] = "http://schemas.openxmlformats.org/drawingml/2006/main";
static const char PIC_NS[] = "http://schemas.openxmlformats.org/drawingml/2006/picture";
static const char MC_NS[] = "http://schemas.openxmlformats.org/markup-compatibility/2006";
static const char V_NS[] = "urn:schemas-microsoft-com:vml";
static const char O_NS[] = "urn:schemas-microsoft-com:office:office";

static const pg_zip_kind DOCX = {"DOCX", N_("a DOCX"), "Word", ".docx", N_("a Word document")};

static int is_ns(xmlNodePtr n, const char *ns, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, local) == 0;
}

static int is_w(xmlNodePtr n, const char *local)
{
    return is_ns(n, W_NS, local);
}

static xmlNodePtr w_child(xmlNodePtr n, const char *local)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is_w(c, local))
            return c;
    return NULL;
}

/* The first element ns:local under n (n itself included), depth-first, at most
 * depth levels down. */
static xmlNodePtr find(xmlNodePtr n, const char *ns, const char *local, int depth)
{
    if (!n || depth < 0)
        return NULL;
    if (is_ns(n, ns, local))
        return n;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        xmlNodePtr f = c->type == XML_ELEMENT_NODE ? find(c, ns, local, depth - 1) : NULL;
        if (f)
            return f;
    }
    return NULL;
}

/* The attribute local (in ns, or without a namespace when ns is NULL), owned
 * by the document. */
static const char *attr(xmlNodePtr n, const char *ns, const char *local)
{
    xmlAttrPtr a = n ? xmlHasNsProp(n, (const xmlChar *)local, (const xmlChar *)ns) : NULL;
    return a && a->children && a->children->type == XML_TEXT_NODE
               ? (const char *)a->children->content
               : NULL;
}

static const char *wval(xmlNodePtr n)
{
    return attr(n, W_NS, "val");
}

/* A toggle property (w:b, w:i) is on unless w:val says false/0/off; w:u is
 * on unless w:val="none". -1 when p is absent. */
static int prop_on(xmlNodePtr p, int underline)
{
    if (!p)
        return -1;
    const char *s = wval(p);
    if (!s)
        return 1;
    if (underline)
        return strcmp(s, "none") != 0;
    return !(strcmp(s, "0") == 0 || strcmp(s, "false") == 0 || strcmp(s, "off") == 0);
}

/* Marks after rpr: each of w:b, w:i, w:u that rpr states sets or clears its
 * mark of m; the rest of m stays. */
static unsigned rpr_apply(xmlNodePtr rpr, unsigned m)
{
    static const struct {
        const char *name;
        unsigned mark;
    } props[] = {{"b", PG_RUN_BOLD}, {"i", PG_RUN_ITALIC}, {"u", PG_RUN_UNDERLINE}};
    for (size_t k = 0; rpr && k < sizeof props / sizeof *props; k++) {
        int on = prop_on(w_child(rpr, props[k].name), props[k].mark == PG_RUN_UNDERLINE);
        if (on == 1)
            m |= props[k].mark;
        else if (on == 0)
            m &= ~props[k].mark;
    }
    return m;
}

/* What a style says, its w:basedOn chain resolved once (or the document
 * defaults): the marks it sets and clears over those it is applied on, and
 * the properties a paragraph takes from it (NULL: not said). */
typedef struct {
    unsigned set, clear; /* PG_RUN_* */
    xmlNodePtr sz;       /* w:rPr/w:sz */
    xmlNodePtr spacing;  /* w:pPr/w:spacing */
    xmlNodePtr numpr;    /* w:pPr/w:numPr */
    const char *num_id;  /* the w:val of w:pPr/w:numPr/w:numId */
    const char *ilvl;    /* the w:val of w:pPr/w:numPr/w:ilvl */
} style_info;

/* The levels of a w:abstractNum, each read once. */
typedef struct {
    const char *start[PG_DOCX_LEVELS], *fmt[PG_DOCX_LEVELS], *text[PG_DOCX_LEVELS];
    int has[PG_DOCX_LEVELS];
} list_levels;

typedef struct {
    pg_zip_reader z;
    GHashTable *notes;     /* footnote w:id -> w:footnote */
    GHashTable *styles;    /* w:styleId -> w:style */
    GHashTable *nums;      /* w:numId -> w:num */
    GHashTable *abstracts; /* w:abstractNumId -> w:abstractNum */
    GHashTable *counters;  /* w:abstractNumId -> int[PG_DOCX_LEVELS] */
    GHashTable *nums_seen; /* w:numId met (a start override applies once) */
    GHashTable *notes_met; /* footnote w:id already attached */
    GHashTable *resolved;  /* w:styleId -> style_info, the chain resolved (styles.xml's) */
    GHashTable *levels;    /* w:abstractNumId -> list_levels */
    style_info defaults;   /* what w:docDefaults says */
} reader;

/* Indexes the children of root named local by their attribute key (w:). */
static GHashTable *index_by(xmlDocPtr x, const char *local, const char *key)
{
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    xmlNodePtr root = x ? xmlDocGetRootElement(x) : NULL;
    for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next) {
        const char *k = is_w(c, local) ? attr(c, W_NS, key) : NULL;
        if (k && !g_hash_table_contains(h, k))
            g_hash_table_insert(h, (gpointer)k, c);
    }
    return h;
}

/* Plain text of footnote id, malloc'd; NULL when absent. At most max bytes
 * are gathered (then a byte more, enough to tell it is too long). */
static char *footnote_text(reader *r, const char *id, size_t max)
{
    xmlNodePtr fn = g_hash_table_lookup(r->notes, id);
    if (!fn)
        return NULL;
    GString *g = g_string_new(NULL);
    for (xmlNodePtr p = fn->children; p && g->len <= max; p = p->next) {
        if (!is_w(p, "p"))
            continue;
        for (xmlNodePtr run = p->children; run; run = run->next) {
            if (!is_w(run, "r"))
                continue;
            for (xmlNodePtr t = run->children; t && g->len <= max; t = t->next) {
                if (is_w(t, "t")) {
                    xmlChar *c = xmlNodeGetContent(t);
                    g_string_append(g, c ? (const char *)c : "");
                    xmlFree(c);
                } else if (is_w(t, "tab")) {
                    g_string_append_c(g, '\t');
                }
            }
        }
        if (p->next)
            g_string_append_c(g, ' ');
    }
    if (g->len > max)
        g_string_truncate(g, max + 1); /* not stripped: the reader refuses it */
    char *s = g->len > max ? g_string_free(g, FALSE) : g_strstrip(g_string_free(g, FALSE));
    char *out = strdup(s);
    if (!out)
        pg_oom();
    g_free(s);
    return out;
}

/* A footnote reference: its text is attached to the paragraph, and, since the
 * recogniser places footnotes by marker as in extracted text, the first nine
 * also become a superscript marker here and a line "¹ text" after the block
 * (a tenth and later footnote's text follows its reference in parentheses).
 * Word gives each reference a note of its own; a second reference to the
 * same note is not attached again (a note's text copied at each would grow
 * without bound). */
static void attach_footnote(reader *r, pg_import_para *p, xmlNodePtr ref, unsigned marks)
{
    const char *id = attr(ref, W_NS, "id");
    if (!id || g_hash_table_contains(r->notes_met, id) || r->z.failed)
        return;
    g_hash_table_add(r->notes_met, (gpointer)id);
    char *text = footnote_text(r, id, PG_ZIP_NOTES_MAX - r->z.note_bytes);
    if (text)
        pg_zip_note_attach(&r->z, p, text, marks);
}

/* ---- styles ---------------------------------------------------------------------- */

/* What style st says itself (its w:basedOn not followed). */
static style_info style_own(xmlNodePtr st)
{
    style_info o = {0};
    xmlNodePtr rpr = NULL, ppr = NULL;
    for (xmlNodePtr c = st ? st->children : NULL; c; c = c->next)
        if (is_w(c, "rPr") && !rpr)
            rpr = c;
        else if (is_w(c, "pPr") && !ppr)
            ppr = c;
    if (rpr) {
        unsigned all = PG_RUN_BOLD | PG_RUN_ITALIC | PG_RUN_UNDERLINE;
        o.set = rpr_apply(rpr, 0);
        o.clear = all & ~rpr_apply(rpr, all);
        o.sz = w_child(rpr, "sz");
    }
    o.spacing = w_child(ppr, "spacing");
    o.numpr = w_child(ppr, "numPr");
    o.num_id = wval(w_child(o.numpr, "numId"));
    o.ilvl = wval(w_child(o.numpr, "ilvl"));
    return o;
}

/* below over base: what below says wins. */
static style_info style_over(style_info below, style_info base)
{
    style_info o = below;
    o.set = below.set | (base.set & ~below.clear);
    o.clear = below.clear | (base.clear & ~below.set);
    o.sz = below.sz ? below.sz : base.sz;
    o.spacing = below.spacing ? below.spacing : base.spacing;
    o.numpr = below.numpr ? below.numpr : base.numpr;
    o.num_id = below.num_id ? below.num_id : base.num_id;
    o.ilvl = below.ilvl ? below.ilvl : base.ilvl;
    return o;
}

/* Style id with its w:basedOn chain (at most PG_DOCX_CHAIN_MAX styles,
 * stopping at one already in the chain), resolved once per id: each lookup
 * after the first is one hash lookup, however long the chain or the styles.
 * NULL for no style. */
static const style_info *style_resolved(reader *r, const char *id)
{
    xmlNodePtr st = id ? g_hash_table_lookup(r->styles, id) : NULL;
    if (!st)
        return NULL;
    style_info *done = g_hash_table_lookup(r->resolved, id);
    if (done)
        return done;
    xmlNodePtr chain[PG_DOCX_CHAIN_MAX];
    size_t n = 0;
    while (st && n < PG_DOCX_CHAIN_MAX) {
        for (size_t k = 0; k < n; k++)
            if (chain[k] == st)
                st = NULL; /* a cycle: the chain ends */
        if (!st)
            break;
        chain[n++] = st;
        const char *base = wval(w_child(st, "basedOn"));
        st = base ? g_hash_table_lookup(r->styles, base) : NULL;
    }
    style_info acc = style_own(chain[n - 1]);
    for (size_t k = n - 1; k-- > 0;)
        acc = style_over(style_own(chain[k]), acc);
    done = g_new(style_info, 1);
    *done = acc;
    g_hash_table_insert(r->resolved, (gpointer)id, done);
    return done;
}

/* Marks of style id over m: its chain applied from the root down. */
static unsigned style_marks(reader *r, const char *id, unsigned m)
{
    const style_info *s = style_resolved(r, id);
    return s ? (m & ~s->clear) | s->set : m;
}

/* The paragraph's resolved properties: its own w:pPr (and w:pPr/w:rPr) over
 * its style's over the document defaults. */
static style_info para_info(reader *r, xmlNodePtr ppr)
{
    const style_info *st = style_resolved(r, wval(w_child(ppr, "pStyle")));
    style_info below = st ? style_over(*st, r->defaults) : r->defaults;
    style_info own = {0};
    own.sz = w_child(w_child(ppr, "rPr"), "sz");
    own.spacing = w_child(ppr, "spacing");
    own.numpr = w_child(ppr, "numPr");
    own.num_id = wval(w_child(own.numpr, "numId"));
    own.ilvl = wval(w_child(own.numpr, "ilvl"));
    return style_over(own, below);
}

/* The pitch of the paragraph's lines in pt, from its font size (w:sz, half
 * points; Word's default 10 pt) and w:spacing (w:line in 240ths of a line when
 * w:lineRule is auto, w:before/w:after in twips). */
static double para_pitch(const style_info *pi)
{
    const char *sz = wval(pi->sz);
    double size = sz ? atof(sz) / 2 : 10;
    xmlNodePtr sp = pi->spacing;
    const char *line = attr(sp, W_NS, "line"), *rule = attr(sp, W_NS, "lineRule");
    const char *before = attr(sp, W_NS, "before"), *after = attr(sp, W_NS, "after");
    double factor = 1;
    if (line && (!rule || strcmp(rule, "auto") == 0))
        factor = atof(line) / 240;
    else if (line && atof(line) > 0) /* exact or at least, in twips */
        return atof(line) / 20 + (before ? atof(before) / 20 : 0) + (after ? atof(after) / 20 : 0);
    if (factor <= 0 || size <= 0 || size > 1000)
        factor = 1, size = 10;
    return pg_zip_pitch(size, factor, before ? atof(before) / 20 : 0, after ? atof(after) / 20 : 0);
}

/* ---- numbering ------------------------------------------------------------------- */

/* The label of a paragraph numbered by numPr (or its style's), advancing the
 * counters: lvlText with each %N replaced by level N's counter in its
 * w:numFmt, then a space; "- " for a bullet, or for numbering that cannot be
 * found; "" for w:numFmt none. NULL when the paragraph is not numbered. */
/* The levels of abstract numbering an (key aid), read once. */
static const list_levels *levels_of(reader *r, const char *aid, xmlNodePtr an)
{
    list_levels *l = g_hash_table_lookup(r->levels, aid);
    if (l)
        return l;
    l = g_new0(list_levels, 1);
    for (xmlNodePtr c = an->children; c; c = c->next) {
        const char *k = is_w(c, "lvl") ? attr(c, W_NS, "ilvl") : NULL;
        int i = k ? atoi(k) : -1;
        if (i < 0 || i >= PG_DOCX_LEVELS)
            continue;
        /* the last w:lvl of a level wins, as before */
        l->has[i] = 1;
        l->start[i] = l->fmt[i] = l->text[i] = NULL;
        for (xmlNodePtr d = c->children; d; d = d->next) {
            if (is_w(d, "start") && !l->start[i])
                l->start[i] = wval(d);
            else if (is_w(d, "numFmt") && !l->fmt[i])
                l->fmt[i] = wval(d);
            else if (is_w(d, "lvlText") && !l->text[i])
                l->text[i] = wval(d);
        }
    }
    g_hash_table_insert(r->levels, (gpointer)aid, l);
    return l;
}

/* The label of a paragraph numbered by its w:numPr (or its style's),
 * advancing the counters: lvlText with each %N replaced by level N's counter
 * in its w:numFmt, then a space; "- " for a bullet, or for numbering that
 * cannot be found; "" for w:numFmt none. NULL when the paragraph is not
 * numbered. */
static char *num_label(reader *r, const style_info *pi)
{
    if (!pi->numpr)
        return NULL;
    const char *id = pi->num_id;
    if (id && strcmp(id, "0") == 0)
        return NULL; /* numbering removed */
    const char *il = pi->ilvl;
    int lvl = il ? atoi(il) : 0;
    xmlNodePtr num = id ? g_hash_table_lookup(r->nums, id) : NULL;
    const char *aid = num ? wval(w_child(num, "abstractNumId")) : NULL;
    xmlNodePtr an = aid ? g_hash_table_lookup(r->abstracts, aid) : NULL;
    if (!an || lvl < 0 || lvl >= PG_DOCX_LEVELS)
        return g_strdup("- ");
    const list_levels *lv = levels_of(r, aid, an);
    int *ctr = g_hash_table_lookup(r->counters, aid);
    if (!ctr) {
        ctr = g_new0(int, PG_DOCX_LEVELS);
        g_hash_table_insert(r->counters, (gpointer)aid, ctr);
    }
    const char *start_s = lv->start[lvl];
    int start = start_s ? atoi(start_s) : 1;
    int restart = 0;
    if (!g_hash_table_contains(r->nums_seen, id)) {
        g_hash_table_add(r->nums_seen, (gpointer)id);
        for (xmlNodePtr o = num->children; o; o = o->next) {
            const char *ol = is_w(o, "lvlOverride") ? attr(o, W_NS, "ilvl") : NULL;
            const char *so = ol ? wval(w_child(o, "startOverride")) : NULL;
            if (so && atoi(ol) == lvl)
                start = atoi(so), restart = 1;
        }
    }
    if (start < 0 || start > PG_DOCX_COUNT_MAX)
        start = 1;
    ctr[lvl] = restart || ctr[lvl] <= 0       ? start
               : ctr[lvl] < PG_DOCX_COUNT_MAX ? ctr[lvl] + 1
                                              : ctr[lvl];
    for (int k = lvl + 1; k < PG_DOCX_LEVELS; k++)
        ctr[k] = 0;
    const char *fmt = lv->fmt[lvl];
    if (fmt && strcmp(fmt, "bullet") == 0)
        return g_strdup("- ");
    if (fmt && strcmp(fmt, "none") == 0)
        return g_strdup("");
    const char *text = lv->text[lvl];
    if (!lv->has[lvl] || !text)
        return g_strdup("- ");
    GString *g = g_string_new(NULL);
    for (const char *s = text; *s; s++) {
        if (s[0] == '%' && s[1] >= '1' && s[1] <= '9') {
            int k = s[1] - '1';
            const char *f = lv->fmt[k];
            const char *ours = !f                              ? "1"
                               : strcmp(f, "upperRoman") == 0  ? "I"
                               : strcmp(f, "lowerRoman") == 0  ? "i"
                               : strcmp(f, "upperLetter") == 0 ? "A"
                               : strcmp(f, "lowerLetter") == 0 ? "a"
                                                               : "1";
            char out[32];
            pg_zip_number(ours, ctr[k] > 0 ? ctr[k] : 1, out);
            g_string_append(g, out);
            s++;
        } else {
            g_string_append_c(g, *s);
        }
    }
    g_string_append_c(g, ' ');
    return g_string_free(g, FALSE);
}

/* ---- text ------------------------------------------------------------------------ */

/* The character of a w:sym (w:char in hex) as UTF-8 in out (8 bytes): its
 * length, 0 when it is no character to show: a control, a surrogate, a
 * noncharacter, or a symbol font's private-use code (U+F020-U+F0FF for
 * Symbol and Wingdings: their glyphs mean nothing in another font). */
static size_t sym_char(xmlNodePtr sym, char *out)
{
    const char *h = attr(sym, W_NS, "char");
    char *end = NULL;
    guint64 c = h && g_ascii_isxdigit(*h) ? g_ascii_strtoull(h, &end, 16) : 0;
    if (!end || *end || c > 0x10FFFF || !g_unichar_validate((gunichar)c) ||
        g_unichar_iscntrl((gunichar)c) || g_unichar_type((gunichar)c) == G_UNICODE_PRIVATE_USE ||
        g_unichar_type((gunichar)c) == G_UNICODE_UNASSIGNED || (c & 0xFFFE) == 0xFFFE ||
        (c >= 0xFDD0 && c <= 0xFDEF))
        return 0;
    return (size_t)g_unichar_to_utf8((gunichar)c, out);
}

static void read_runs(reader *r, pg_import_para **p, xmlNodePtr parent, unsigned base, int depth)
{
    if (depth > PG_DOCX_DEPTH_MAX)
        return;
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (is_w(c, "r")) {
            xmlNodePtr rpr = w_child(c, "rPr");
            unsigned marks = rpr_apply(rpr, style_marks(r, wval(w_child(rpr, "rStyle")), base));
            for (xmlNodePtr t = c->children; t; t = t->next) {
                if (is_w(t, "t")) {
                    xmlChar *s = xmlNodeGetContent(t);
                    if (s)
                        pg_import_run_add(*p, (const char *)s, strlen((const char *)s), marks);
                    xmlFree(s);
                } else if (is_w(t, "tab")) {
                    pg_import_run_add(*p, "\t", 1, marks);
                } else if (is_w(t, "noBreakHyphen")) {
                    pg_import_run_add(*p, "-", 1, marks);
                } else if (is_w(t, "sym")) {
                    char u[8];
                    size_t n = sym_char(t, u);
                    if (n)
                        pg_import_run_add(*p, u, n, marks);
                } else if (is_w(t, "br") || is_w(t, "cr")) {
                    pg_zip_drop_if_blank(r->z.doc);
                    *p = pg_zip_para_new(&r->z);
                } else if (is_w(t, "footnoteReference")) {
                    attach_footnote(r, *p, t, 0);
                } else if (is_w(t, "drawing") || is_w(t, "pict") ||
                           is_ns(t, MC_NS, "AlternateContent")) {
                    g_ptr_array_add(r->z.drawings, t); /* read after the paragraph */
                }
            }
        } else if (is_w(c, "hyperlink") || is_w(c, "ins") || is_w(c, "moveTo") ||
                   is_w(c, "smartTag") || is_w(c, "customXml") || is_w(c, "dir") ||
                   is_w(c, "bdo") || is_w(c, "sdt") || is_w(c, "sdtContent") ||
                   is_w(c, "fldSimple")) {
            read_runs(r, p, c, base, depth + 1);
        }
    }
}

static void read_body(reader *r, xmlNodePtr body, int depth);

/* A VML style's property name ("margin-top:1.4pt;height:25.45pt") in pt. */
static double vml_pt(const char *style, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = style; s && *s;) {
        while (*s == ';' || *s == ' ')
            s++;
        if (strncmp(s, name, n) == 0 && s[n] == ':') {
            char *end = NULL;
            double v = g_ascii_strtod(s + n + 1, &end);
            if (end && strncmp(end, "in", 2) == 0)
                v *= 72;
            else if (end && strncmp(end, "cm", 2) == 0)
                v *= 72 / 2.54;
            else if (end && strncmp(end, "mm", 2) == 0)
                v *= 72 / 25.4;
            else if (end && strncmp(end, "px", 2) == 0)
                v *= 0.75;
            return v;
        }
        s = strchr(s, ';');
    }
    return 0;
}

/* A VML shape of type 88 (Office's right brace), directly or through its
 * shapetype. */
static int vml_brace(xmlNodePtr pict)
{
    xmlNodePtr st = find(pict, V_NS, "shapetype", 4), sh = find(pict, V_NS, "shape", 4);
    const char *spt = attr(st, O_NS, "spt"), *type = attr(sh, NULL, "type");
    return (spt && strcmp(spt, "88") == 0) || (type && g_str_has_suffix(type, "_x0000_t88"));
}

/* A drawing met in a paragraph: a brace records itself (from the DrawingML
 * anchor's vertical offset and extent, or the VML style), a text box's
 * paragraphs follow (those of mc:Choice only: mc:Fallback repeats them). */
static void read_drawing(void *reader_, xmlNodePtr d, size_t anchor, double pitch, int depth)
{
    reader *r = reader_;
    xmlNodePtr choice = NULL, fallback = NULL;
    if (is_ns(d, MC_NS, "AlternateContent")) {
        for (xmlNodePtr c = d->children; c; c = c->next)
            if (is_ns(c, MC_NS, "Choice") && !choice)
                choice = c;
            else if (is_ns(c, MC_NS, "Fallback"))
                fallback = c;
    }
    xmlNodePtr main = choice ? choice : fallback ? fallback : d;
    xmlNodePtr wpa = find(main, WP_NS, "anchor", 4);
    xmlNodePtr geom = find(main, A_NS, "prstGeom", 12);
    const char *prst = attr(geom, NULL, "prst");
    int brace = (prst && strcmp(prst, "rightBrace") == 0) || vml_brace(main) ||
                (fallback && vml_brace(fallback));
    if (brace && wpa) {
        xmlNodePtr pv = find(wpa, WP_NS, "positionV", 1), ext = find(wpa, WP_NS, "extent", 1);
        const char *rel = attr(pv, NULL, "relativeFrom");
        xmlNodePtr off = find(pv, WP_NS, "posOffset", 1);
        xmlChar *o = off ? xmlNodeGetContent(off) : NULL;
        const char *cy = attr(ext, NULL, "cy");
        if (rel && (strcmp(rel, "paragraph") == 0 || strcmp(rel, "line") == 0) && cy)
            pg_zip_brace_add(&r->z.braces, anchor,
                             (o ? atof((const char *)o) : 0) / EMU_PER_PT + r->z.y_shift,
                             atof(cy) / EMU_PER_PT, pitch);
        xmlFree(o);
    } else if (brace) {
        xmlNodePtr sh = find(main, V_NS, "shape", 4);
        const char *style = attr(sh, NULL, "style");
        pg_zip_brace_add(&r->z.braces, anchor, vml_pt(style, "margin-top") + r->z.y_shift,
                         vml_pt(style, "height"), pitch);
    }
    xmlNodePtr box = find(main, W_NS, "txbxContent", 16);
    if (box && depth < PG_DOCX_DEPTH_MAX)
        read_body(r, box, depth + 1);
    /* a picture: a paragraph of its own holding its alternate text (a QR
     * code's is its link) */
    if (!brace && !box && find(main, PIC_NS, "pic", 8)) {
        xmlNodePtr pr = find(main, WP_NS, "docPr", 4);
        const char *alt = attr(pr, NULL, "descr");
        if (!alt || !*alt)
            alt = attr(find(main, PIC_NS, "cNvPr", 8), NULL, "descr");
        pg_import_para *p = pg_zip_para_new(&r->z);
        p->picture = 1;
        if (alt && *alt)
            pg_import_run_add(p, alt, strlen(alt), 0);
    }
}

static void read_paragraph(reader *r, xmlNodePtr pnode, int depth)
{
    size_t first = 0;
    GPtrArray *outer = pg_zip_para_begin(&r->z, &first);
    pg_import_para *p = &r->z.doc->paras[first];
    xmlNodePtr ppr = w_child(pnode, "pPr");
    unsigned base = rpr_apply(w_child(ppr, "rPr"), style_marks(r, wval(w_child(ppr, "pStyle")), 0));
    read_runs(r, &p, pnode, base, depth);
    /* Word numbers the item itself: its label as if typed */
    style_info pi = para_info(r, ppr);
    char *label = num_label(r, &pi);
    pg_zip_para_end(&r->z, first, label, outer, para_pitch(&pi), read_drawing, r, depth);
    g_free(label);
}

/* The columns cell tc takes (w:gridSpan), 1 to PG_ZIP_GRID_COLS. */
static int grid_span(xmlNodePtr tc)
{
    const char *v = wval(w_child(w_child(tc, "tcPr"), "gridSpan"));
    int n = v ? atoi(v) : 1;
    return n < 1 ? 1 : n > PG_ZIP_GRID_COLS ? PG_ZIP_GRID_COLS : n;
}

static const char *vmerge(xmlNodePtr tc)
{
    xmlNodePtr vm = w_child(w_child(tc, "tcPr"), "vMerge");
    if (!vm)
        return NULL;
    const char *v = wval(vm);
    return v ? v : "continue";
}

static void read_table(reader *r, xmlNodePtr tbl, int depth)
{
    int saved_in = r->z.in_cell, saved_t = r->z.table, saved_r = r->z.row, saved_c = r->z.col;
    int t = ++r->z.tables, row = 0, rows = 0;
    for (xmlNodePtr tr = tbl->children; tr; tr = tr->next)
        rows += is_w(tr, "tr");
    /* braces made as merged cells: the grid of texts and vertical merges */
    pg_zip_merges m;
    pg_zip_merges_init(&m, rows);
    for (xmlNodePtr tr = tbl->children; tr && row < m.rows; tr = tr->next) {
        int col = 0;
        for (xmlNodePtr tc = is_w(tr, "tr") ? tr->children : NULL; tc; tc = tc->next) {
            if (!is_w(tc, "tc"))
                continue;
            const char *v = vmerge(tc);
            pg_zip_merges_set(&m, row, col, pg_zip_short_text(tc, PG_DOCX_CELL_TEXT),
                              !v                          ? 1
                              : strcmp(v, "restart") == 0 ? -1
                                                          : 0);
            col = MIN(col + grid_span(tc), PG_DOCX_COLS_MAX);
        }
        row += is_w(tr, "tr");
    }
    pg_zip_merges_find(&m);
    row = 0;
    for (xmlNodePtr tr = tbl->children; tr; tr = tr->next) {
        if (!is_w(tr, "tr"))
            continue;
        int col = 0;
        for (xmlNodePtr tc = tr->children; tc; tc = tc->next) {
            if (!is_w(tc, "tc"))
                continue;
            r->z.in_cell = 1, r->z.table = t, r->z.row = row, r->z.col = col;
            size_t before = r->z.doc->n;
            if (!pg_zip_merges_skip(&m, row, col))
                read_body(r, tc, depth + 1);
            pg_zip_merges_mark(&m, r->z.doc, row, col, before);
            col = MIN(col + grid_span(tc), PG_DOCX_COLS_MAX);
        }
        row++;
    }
    pg_zip_merges_free(&m);
    r->z.in_cell = saved_in, r->z.table = saved_t, r->z.row = saved_r, r->z.col = saved_c;
}

static void read_body(reader *r, xmlNodePtr body, int depth)
{
    if (depth > PG_DOCX_DEPTH_MAX)
        return;
    for (xmlNodePtr c = body->children; c; c = c->next) {
        if (is_w(c, "p"))
            read_paragraph(r, c, depth);
        else if (is_w(c, "tbl"))
            read_table(r, c, depth);
        else if (is_w(c, "sdt") || is_w(c, "sdtContent"))
            read_body(r, c, depth + 1);
        if (!r->z.in_cell)
            pg_zip_notes_flush(r->z.doc, r->z.index, r->z.pending);
    }
}

int pg_import_docx_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                        pg_diag_list *diags)
{
    int rc = 0, failed = 0;
    zip_t *z = NULL;
    xmlDocPtr x = NULL, notes = NULL, styles = NULL, numbering = NULL;
    reader r = {0};
    pg_zip_budget budget = {0};
    memset(doc, 0, sizeof *doc);

    z = pg_zip_open(bytes, len, file, &DOCX, diags);
    if (!z)
        goto cleanup;
    x = pg_zip_xml(z, "word/document.xml", 1, file, &DOCX, &budget, &failed, diags);
    if (failed)
        goto cleanup;
    notes = pg_zip_xml(z, "word/footnotes.xml", 0, file, &DOCX, &budget, &failed, diags);
    if (failed)
        goto cleanup;
    styles = pg_zip_xml(z, "word/styles.xml", 0, file, &DOCX, &budget, &failed, diags);
    if (failed)
        goto cleanup;
    numbering = pg_zip_xml(z, "word/numbering.xml", 0, file, &DOCX, &budget, &failed, diags);
    if (failed)
        goto cleanup;
    xmlNodePtr root = xmlDocGetRootElement(x);
    xmlNodePtr body = is_w(root, "document") ? w_child(root, "body") : NULL;
    if (!body) {
        pg_diag_add(diags, PG_E_MISSING_ELEMENT, file, 0, 0,
                    "word/document.xml has no w:document/w:body; the file is not a Word "
                    "document, save it again as .docx");
        goto cleanup;
    }
    pg_zip_reader_init(&r.z, doc, file, &DOCX, diags);
    r.notes = index_by(notes, "footnote", "id");
    r.styles = index_by(styles, "style", "styleId");
    r.nums = index_by(numbering, "num", "numId");
    r.abstracts = index_by(numbering, "abstractNum", "abstractNumId");
    r.counters = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    r.nums_seen = g_hash_table_new(g_str_hash, g_str_equal);
    r.notes_met = g_hash_table_new(g_str_hash, g_str_equal);
    r.resolved = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    r.levels = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    xmlNodePtr dd = styles ? w_child(xmlDocGetRootElement(styles), "docDefaults") : NULL;
    xmlNodePtr dppr = w_child(w_child(dd, "pPrDefault"), "pPr");
    r.defaults.sz = w_child(w_child(w_child(dd, "rPrDefault"), "rPr"), "sz");
    r.defaults.spacing = w_child(dppr, "spacing");
    r.defaults.numpr = w_child(dppr, "numPr");
    read_body(&r, body, 0);
    pg_zip_reader_finish(&r.z);
    rc = !r.z.failed;

cleanup:
    if (r.z.doc) {
        g_hash_table_destroy(r.notes);
        g_hash_table_destroy(r.styles);
        g_hash_table_destroy(r.nums);
        g_hash_table_destroy(r.abstracts);
        g_hash_table_destroy(r.counters);
        g_hash_table_destroy(r.nums_seen);
        g_hash_table_destroy(r.notes_met);
        g_hash_table_destroy(r.resolved);
        g_hash_table_destroy(r.levels);
    }
    pg_zip_reader_free(&r.z);
    if (!rc)
        pg_import_doc_free(doc);
    xmlFreeDoc(x);
    xmlFreeDoc(notes);
    xmlFreeDoc(styles);
    xmlFreeDoc(numbering);
    if (z)
        zip_discard(z);
    return rc;
}
