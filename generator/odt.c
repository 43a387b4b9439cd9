/* odt.c - the ODT writer: the handlers of the shared walk (writer.h) emit
 * OpenDocument text with libxml2's xmlTextWriter; the parts go into a zip
 * whose first entry is the stored mimetype (pg_zip_write). Each paragraph's and
 * run's layout becomes an automatic style, shared by those alike; brace groups
 * are custom shapes (right-brace, drawn along the layout's own stroke) with a
 * text frame for the purpose; pictures are in Pictures/. Lengths in pt. */
#include "odt.h"

#include "writer.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "Times New Roman"
#define NS_DECLS                                                                                   \
    " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""                           \
    " xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""                             \
    " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""                               \
    " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""                             \
    " xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\""                            \
    " xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\""                    \
    " xmlns:xlink=\"http://www.w3.org/1999/xlink\""                                                \
    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""                                               \
    " xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\""                               \
    " xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\""                      \
    " office:version=\"1.3\""

#define start pg_xw_start
#define end pg_xw_end
#define attr pg_xw_attr

/* The writer's state while the walk runs. */
typedef struct {
    xmlTextWriterPtr w;  /* the body (office:text's content) */
    xmlTextWriterPtr as; /* the automatic styles */
    const pg_wdoc *wd;
    const pg_style *st;
    GHashTable *names;    /* a style's properties -> its name (both owned) */
    int n_styles;         /* automatic styles so far */
    int first_done;       /* the first page's master page was given */
    int space;            /* the paragraph's text so far ends with a space */
    int note_space;       /* the next paragraph opens a footnote: a space after its mark */
    int shapes, pictures; /* drawings and pictures so far */
    int header_rows;      /* a table:table-header-rows is open */
    const char *cell;     /* the open table's cell style (owned by names) */
} odt;

/* A length attribute in pt, written the same in every locale. */
static void len(xmlTextWriterPtr w, const char *name, double pt)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(buf, sizeof buf, "%.2f", fabs(pt) < 0.005 ? 0 : pt);
    attr(w, name, "%spt", buf);
}

/* The name of the automatic style of family with these properties (key): an
 * existing one, else a new one (*fresh set: the caller writes it). */
static const char *style_name(odt *o, const char *prefix, char *key, int *fresh)
{
    const char *name = g_hash_table_lookup(o->names, key);
    *fresh = name == NULL;
    if (name) {
        g_free(key);
        return name;
    }
    char *n = g_strdup_printf("%s%d", prefix, ++o->n_styles);
    g_hash_table_insert(o->names, key, n);
    return n;
}

/* Opens the automatic style name of family (closed by end()). */
static void style_open(odt *o, const char *name, const char *family)
{
    start(o->as, "style:style");
    attr(o->as, "style:name", "%s", name);
    attr(o->as, "style:family", "%s", family);
}

/* A role's text properties, with flags on top. */
static void text_props(xmlTextWriterPtr w, const pg_textstyle *t, int flags)
{
    start(w, "style:text-properties");
    attr(w, "style:font-name", FONT);
    len(w, "fo:font-size", t->size);
    len(w, "style:font-size-complex", t->size);
    /* pair kerning, as plangen's HarfBuzz shaping and the DOCX's w:kern */
    attr(w, "style:letter-kerning", "true");
    /* said even when normal: a run-in heading's paragraph is bold, its text not */
    const char *weight = t->bold || (flags & PG_W_BOLD) ? "bold" : "normal";
    const char *slant = t->italic || (flags & PG_W_ITALIC) ? "italic" : "normal";
    attr(w, "fo:font-weight", "%s", weight);
    attr(w, "style:font-weight-complex", "%s", weight);
    attr(w, "fo:font-style", "%s", slant);
    attr(w, "style:font-style-complex", "%s", slant);
    attr(w, "fo:text-transform", t->upper && !(flags & PG_W_ASIS) ? "uppercase" : "none");
    if (t->color)
        attr(w, "fo:color", "#%06X", t->color & 0xFFFFFF);
    if (t->underline || (flags & PG_W_UNDERLINE)) {
        attr(w, "style:text-underline-style", "solid");
        attr(w, "style:text-underline-width", "auto");
        attr(w, "style:text-underline-color", "font-color");
    } else {
        attr(w, "style:text-underline-style", "none");
    }
    if (flags & PG_W_SUPER)
        attr(w, "style:text-position", "super 58%%");
    end(w);
}

static const char *const align_names[4] = {"start", "center", "end", "justify"};

/* The paragraph style of p in role t (its lines as high as they need when
 * fit, else the role's pitch), with the first page's master page on the first. */
static const char *para_style(odt *o, const pg_textstyle *t, const pg_wpara *p, int fit)
{
    /* a mark's frame: 8 mm high, its rules 0.8 pt, as the layout draws it */
    double line = fit ? 0 : p->boxed ? 8 * 72 / 25.4 : pg_wdoc_pitch(t);
    double first = p->hang > 0 ? -p->hang : p->no_indent ? 0 : t->indent;
    double left = (first < 0 ? -first : 0) + p->inset, right = p->right + p->inset;
    pg_align a = p->align >= 0 ? (pg_align)p->align : t->align;
    /* an appendix on a new page: on the master of its orientation, or on the
     * one of the document's first page when its numbers start again */
    static const char *const masters[2][2] = {{"Standard", "AppendixFirst"},
                                              {"Landscape", "LandscapeFirst"}};
    const char *master = p->orient ? masters[p->orient == 2][p->restart != 0] : NULL;
    if (!o->first_done) {
        master = "First";
        o->first_done = 1;
    }
    int fresh;
    const char *name =
        style_name(o, "P",
                   g_strdup_printf("p %d %d %.2f %.2f %.2f %.2f %.2f %d %d %d %.2f %s", p->role, a,
                                   line, first, left, right, p->no_space_after ? 0 : t->space_after,
                                   p->keep_next, p->page_break && !p->orient,
                                   p->orient * 4 + (p->restart != 0) * 2 + (p->boxed != 0),
                                   t->space_before + p->extra_before, master ? master : ""),
                   &fresh);
    if (!fresh)
        return name;
    xmlTextWriterPtr w = o->as;
    style_open(o, name, "paragraph");
    if (master)
        attr(w, "style:master-page-name", "%s", master);
    start(w, "style:paragraph-properties");
    len(w, "fo:margin-top", t->space_before + p->extra_before);
    len(w, "fo:margin-bottom", p->no_space_after ? 0 : t->space_after);
    if (fit)
        attr(w, "fo:line-height", "100%%");
    else
        len(w, "fo:line-height", line);
    len(w, "fo:margin-left", left);
    len(w, "fo:margin-right", right);
    len(w, "fo:text-indent", first);
    attr(w, "fo:text-align", "%s", pg_walign_name(a, align_names));
    if (p->keep_next)
        attr(w, "fo:keep-with-next", "always");
    if (p->page_break && !p->orient && !master)
        attr(w, "fo:break-before", "page");
    if (p->orient && p->restart)
        attr(w, "style:page-number", "1");
    if (p->boxed) {
        attr(w, "fo:border", "0.80pt solid #%06X", t->color & 0xFFFFFF); /* the mark's colour */
        len(w, "fo:padding", 0);
    }
    end(w);
    text_props(w, t, 0);
    end(w);
    return name;
}

/* The text style of a run in role r with flags. */
static const char *span_style(odt *o, pg_role r, int flags)
{
    int fresh;
    const char *name = style_name(o, "T", g_strdup_printf("t %d %d", r, flags), &fresh);
    if (fresh) {
        style_open(o, name, "text");
        text_props(o->as, &o->st->text[r], flags);
        end(o->as);
    }
    return name;
}

/* Text: spaces after a space (or first in the paragraph) as text:s, "\n" as a
 * line break, a tab as text:tab. */
static void text(odt *o, const char *s)
{
    xmlTextWriterPtr w = o->w;
    const char *run = s;
    for (const char *p = s;; p++) {
        int special = *p == '\n' || *p == '\t' || (*p == ' ' && o->space) || !*p;
        if (!special) {
            o->space = *p == ' ';
            continue;
        }
        if (p > run)
            xmlTextWriterWriteFormatString(w, "%.*s", (int)(p - run), run);
        if (!*p)
            break;
        if (*p == ' ') {
            start(w, "text:s");
            end(w);
        } else {
            start(w, *p == '\n' ? "text:line-break" : "text:tab");
            end(w);
            o->space = 1;
        }
        run = p + 1;
    }
}

/* ---- drawings ------------------------------------------------------------------------ */

/* The graphic style of a drawing: stroked stroke pt wide (a brace) or not (0:
 * a text frame, a picture), never pushing text aside. */
static const char *graphic_style(odt *o, double stroke)
{
    int fresh;
    const char *name = style_name(o, "G", g_strdup_printf("g %.2f", stroke), &fresh);
    if (!fresh)
        return name;
    xmlTextWriterPtr w = o->as;
    style_open(o, name, "graphic");
    start(w, "style:graphic-properties");
    attr(w, "draw:fill", "none");
    if (stroke > 0) {
        attr(w, "draw:stroke", "solid");
        len(w, "svg:stroke-width", stroke);
        attr(w, "svg:stroke-color", "#000000");
    } else {
        attr(w, "draw:stroke", "none");
        attr(w, "fo:border", "none");
        len(w, "fo:padding", 0);
    }
    attr(w, "style:wrap", "run-through");
    attr(w, "style:run-through", "foreground");
    attr(w, "style:vertical-pos", "from-top");
    attr(w, "style:vertical-rel", "paragraph");
    attr(w, "style:horizontal-pos", "from-left");
    attr(w, "style:horizontal-rel", "paragraph");
    attr(w, "draw:textarea-vertical-align", "middle");
    end(w);
    end(w);
    return name;
}

/* A group's brace: a right-brace custom shape br->h pt high, its path the
 * layout's stroke (in hundredths of a point), anchored in the paragraph. */
static void brace(odt *o, const pg_wbrace *br)
{
    xmlTextWriterPtr w = o->w;
    o->shapes++;
    start(w, "draw:custom-shape");
    attr(w, "draw:name", "Brace %d", o->shapes);
    attr(w, "draw:style-name", "%s", graphic_style(o, br->path ? br->path->line_width : 0.7));
    attr(w, "text:anchor-type", "paragraph");
    attr(w, "draw:z-index", "%d", o->shapes);
    len(w, "svg:x", br->x);
    len(w, "svg:y", br->y);
    len(w, "svg:width", br->w);
    len(w, "svg:height", br->h);
    start(w, "draw:enhanced-geometry");
    long vw = lround(br->w * 100), vh = lround(br->h * 100);
    attr(w, "svg:viewBox", "0 0 %ld %ld", vw > 0 ? vw : 1, vh > 0 ? vh : 1);
    attr(w, "draw:type", "right-brace");
    GString *path = g_string_new(NULL);
    for (size_t i = 0; br->path && i < br->path->n; i++) {
        const pg_seg *s = &br->path->seg[i];
        int pts = s->kind == PG_SEG_CURVE ? 3 : 1;
        g_string_append(path, s->kind == PG_SEG_MOVE ? "M" : s->kind == PG_SEG_LINE ? " L" : " C");
        for (int k = 0; k < pts; k++)
            g_string_append_printf(path, " %ld %ld", lround(s->x[k] * 100), lround(s->y[k] * 100));
    }
    g_string_append(path, " N");
    attr(w, "draw:enhanced-path", "%s", path->str);
    g_string_free(path, TRUE);
    end(w);
    end(w);
}

static void h_para_open(void *ud, const pg_wpara *p);
static void h_run(void *ud, pg_role role, int flags, const char *s);

/* The purpose beside the brace: a borderless text frame of its lines, centred. */
static void purpose(odt *o, const pg_wbrace *br)
{
    xmlTextWriterPtr w = o->w;
    o->shapes++;
    start(w, "draw:frame");
    attr(w, "draw:name", "Purpose %d", o->shapes);
    attr(w, "draw:style-name", "%s", graphic_style(o, 0));
    attr(w, "text:anchor-type", "paragraph");
    attr(w, "draw:z-index", "%d", o->shapes);
    len(w, "svg:x", br->px);
    len(w, "svg:y", br->py);
    len(w, "svg:width", br->pw);
    len(w, "svg:height", br->purpose_lines * br->pitch);
    start(w, "draw:text-box");
    pg_wpara p = {
        .role = PG_ROLE_RECIPIENT, .align = PG_ALIGN_CENTER, .no_indent = 1, .no_space_after = 1};
    h_para_open(o, &p);
    h_run(o, PG_ROLE_RECIPIENT, 0, br->purpose ? br->purpose : "");
    end(w);
    o->space = 0;
    end(w);
    end(w);
}

/* ---- the walk's handlers ------------------------------------------------------------- */

static void h_para_open(void *ud, const pg_wpara *p)
{
    odt *o = ud;
    const char *name = para_style(o, &o->st->text[p->role], p, 0);
    start(o->w, "text:p");
    attr(o->w, "text:style-name", "%s", name);
    o->space = 1;
    if (o->note_space) {
        start(o->w, "text:s");
        end(o->w);
        o->note_space = 0;
    }
    if (p->brace) {
        brace(o, p->brace);
        purpose(o, p->brace);
        o->space = 1;
    }
}

/* Ends the paragraph, cell, row or table opened last. */
static void h_close(void *ud)
{
    odt *o = ud;
    end(o->w);
    o->space = 0;
}

static void h_run(void *ud, pg_role role, int flags, const char *s)
{
    odt *o = ud;
    start(o->w, "text:span");
    attr(o->w, "text:style-name", "%s", span_style(o, role, flags));
    text(o, s);
    end(o->w);
}

static void h_note_open(void *ud, int number)
{
    odt *o = ud;
    xmlTextWriterPtr w = o->w;
    start(w, "text:note");
    attr(w, "text:id", "ftn%d", number);
    attr(w, "text:note-class", "footnote");
    start(w, "text:note-citation");
    xmlTextWriterWriteFormatString(w, "%d", number);
    end(w);
    start(w, "text:note-body");
    o->note_space = 1;
}

static void h_note_close(void *ud)
{
    odt *o = ud;
    end(o->w); /* note-body */
    end(o->w); /* note */
    o->space = 0;
}

/* An empty paragraph of the paragraph style name. */
static void empty_para(odt *o, const char *name)
{
    start(o->w, "text:p");
    attr(o->w, "text:style-name", "%s", name);
    end(o->w);
}

/* An empty paragraph h pt high (its font as small). */
static void h_gap(void *ud, double h)
{
    odt *o = ud;
    if (h < 1)
        h = 1;
    pg_textstyle t = {.size = h < 2 ? 1 : 2, .pitch = h};
    int fresh;
    const char *name = style_name(o, "P", g_strdup_printf("gap %.2f", h), &fresh);
    if (fresh) {
        xmlTextWriterPtr w = o->as;
        style_open(o, name, "paragraph");
        start(w, "style:paragraph-properties");
        len(w, "fo:margin-top", 0);
        len(w, "fo:margin-bottom", 0);
        len(w, "fo:line-height", h);
        end(w);
        text_props(w, &t, 0);
        end(w);
    }
    empty_para(o, name);
}

/* A centred rule: an empty paragraph 2 pt high with a bottom border, indented
 * on both sides, then after pt. */
static void h_rule(void *ud, double length, double avail, double after)
{
    odt *o = ud;
    double side = avail > length ? (avail - length) / 2 : 0;
    int fresh;
    const char *name =
        style_name(o, "P", g_strdup_printf("rule %.2f %.2f %.2f", side, after, 0.0), &fresh);
    if (fresh) {
        xmlTextWriterPtr w = o->as;
        pg_textstyle t = {.size = 1};
        style_open(o, name, "paragraph");
        start(w, "style:paragraph-properties");
        len(w, "fo:margin-top", 0);
        len(w, "fo:margin-bottom", after);
        len(w, "fo:margin-left", side);
        len(w, "fo:margin-right", side);
        len(w, "fo:line-height", 2);
        char width[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_formatd(width, sizeof width, "%.2f", o->st->rule_width);
        attr(w, "fo:border-bottom", "%spt solid #000000", width);
        len(w, "fo:padding", 0);
        end(w);
        text_props(w, &t, 0);
        end(w);
    }
    empty_para(o, name);
}

/* A table of ncols columns of widths (pt), with borders of border pt (0:
 * none) and cells padded pad pt; the first table opens the first page. */
static void table_open(odt *o, const double *widths, int nc, double border, double pad, int centred)
{
    xmlTextWriterPtr w = o->w;
    double total = 0;
    for (int i = 0; i < nc; i++)
        total += widths[i];
    const char *master = NULL;
    if (!o->first_done) {
        master = "First";
        o->first_done = 1;
    }
    int fresh;
    const char *tname = style_name(
        o, "Tb", g_strdup_printf("table %.2f %d %s", total, centred, master ? master : ""), &fresh);
    if (fresh) {
        style_open(o, tname, "table");
        if (master)
            attr(o->as, "style:master-page-name", "%s", master);
        start(o->as, "style:table-properties");
        len(o->as, "style:width", total);
        attr(o->as, "table:align", centred ? "center" : "left");
        len(o->as, "fo:margin-top", 0);
        len(o->as, "fo:margin-bottom", 0);
        end(o->as);
        end(o->as);
    }
    char *cname = g_strdup_printf("cell %.2f %.2f", border, pad);
    const char *cell = style_name(o, "C", cname, &fresh);
    o->cell = cell;
    if (fresh) {
        style_open(o, cell, "table-cell");
        start(o->as, "style:table-cell-properties");
        if (border > 0) {
            char b[G_ASCII_DTOSTR_BUF_SIZE];
            g_ascii_formatd(b, sizeof b, "%.2f", border);
            attr(o->as, "fo:border", "%spt solid #000000", b);
        } else {
            attr(o->as, "fo:border", "none");
        }
        len(o->as, "fo:padding-left", pad);
        len(o->as, "fo:padding-right", pad);
        len(o->as, "fo:padding-top", border > 0 ? pad : 0);
        len(o->as, "fo:padding-bottom", border > 0 ? pad : 0);
        end(o->as);
        end(o->as);
    }
    start(w, "table:table");
    attr(w, "table:style-name", "%s", tname);
    for (int i = 0; i < nc; i++) {
        const char *col = style_name(o, "Co", g_strdup_printf("col %.2f", widths[i]), &fresh);
        if (fresh) {
            style_open(o, col, "table-column");
            start(o->as, "style:table-column-properties");
            len(o->as, "style:column-width", widths[i]);
            end(o->as);
            end(o->as);
        }
        start(w, "table:table-column");
        attr(w, "table:style-name", "%s", col);
        attr(w, "table:default-cell-style-name", "%s", cell);
        end(w);
    }
    o->header_rows = 0;
}

static void h_table_open(void *ud, const pg_node *t, const double *widths)
{
    odt *o = ud;
    table_open(o, widths, t->u.table.ncols, o->st->border_width, o->st->cell_padding, 1);
}

static void h_row_open(void *ud, int header)
{
    odt *o = ud;
    /* the header rows repeat on every page the table runs onto */
    if (header && !o->header_rows) {
        start(o->w, "table:table-header-rows");
        o->header_rows = 1;
    }
    if (!header && o->header_rows) {
        end(o->w);
        o->header_rows = 0;
    }
    start(o->w, "table:table-row");
}

static void h_cell_open(void *ud, double width)
{
    odt *o = ud;
    (void)width; /* the column's */
    start(o->w, "table:table-cell");
    attr(o->w, "table:style-name", "%s", o->cell);
    attr(o->w, "office:value-type", "string");
}

static void h_table_close(void *ud)
{
    odt *o = ud;
    if (o->header_rows) /* a table of header rows only */
        end(o->w);
    o->header_rows = 0;
    end(o->w);
}

static void h_two_open(void *ud, double a, double b)
{
    double wd[2] = {a, b};
    table_open(ud, wd, 2, 0, 0, 0);
}

/* A picture in line, in a paragraph as high as it (6 pt above and under). */
static void h_picture(void *ud, const pg_wpicture *pic, const pg_wpara *p)
{
    odt *o = ud;
    pg_textstyle t = o->st->text[p->role];
    t.space_before = 6;
    t.space_after = 6;
    const char *name = para_style(o, &t, p, 1);
    int n = ++o->pictures;
    xmlTextWriterPtr w = o->w;
    start(w, "text:p");
    attr(w, "text:style-name", "%s", name);
    start(w, "draw:frame");
    attr(w, "draw:name", "%s %d", pic->qr ? "QR" : "Image", n);
    attr(w, "draw:style-name", "%s", graphic_style(o, 0));
    attr(w, "text:anchor-type", "as-char");
    len(w, "svg:width", pic->w);
    len(w, "svg:height", pic->h);
    start(w, "draw:image");
    attr(w, "xlink:href", "Pictures/image%d.png", n);
    pg_xw_attrs(w, "xlink:type", "simple", "xlink:show", "embed", "xlink:actuate", "onLoad",
                "draw:mime-type", "image/png", (char *)NULL);
    end(w);
    start(w, "svg:title");
    xmlTextWriterWriteString(w, (const xmlChar *)pic->alt);
    end(w);
    end(w);
    end(w);
}

/* the walk's handlers, by what they write (clang-format off: one group a line) */
/* clang-format off */
static const pg_wops ops = {
    .para_open = h_para_open, .run = h_run, .close = h_close,
    .note_open = h_note_open, .note_close = h_note_close,
    .gap = h_gap, .rule = h_rule, .picture = h_picture,
    .table_open = h_table_open, .table_close = h_table_close, .two_open = h_two_open,
    .row_open = h_row_open, .cell_open = h_cell_open,
};
/* clang-format on */

/* ---- parts ------------------------------------------------------------------------ */

static const char font_decls[] =
    "<office:font-face-decls><style:font-face style:name=\"" FONT "\" svg:font-family=\"'" FONT
    "'\" style:font-family-generic=\"roman\" style:font-pitch=\"variable\"/>"
    "</office:font-face-decls>";

/* A fragment writer (no XML declaration) into buf. */
static xmlTextWriterPtr fragment(xmlBufferPtr buf)
{
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        fprintf(stderr, "plangen: out of memory\n");
        abort();
    }
    return w;
}

static GString *content_part(odt *o)
{
    xmlBufferPtr body = xmlBufferCreate(), styles = xmlBufferCreate();
    o->w = fragment(body);
    o->as = fragment(styles);
    pg_wdoc_walk(o->wd, &ops, o);
    xmlTextWriterFlush(o->w);
    xmlTextWriterFlush(o->as);
    xmlFreeTextWriter(o->w);
    xmlFreeTextWriter(o->as);
    o->w = o->as = NULL;
    GString *s = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<office:document-content" NS_DECLS ">");
    g_string_append(s, font_decls);
    g_string_append(s, "<office:automatic-styles>");
    g_string_append_len(s, (const char *)styles->content, styles->use);
    g_string_append(s, "</office:automatic-styles><office:body><office:text>");
    g_string_append_len(s, (const char *)body->content, body->use);
    g_string_append(s, "</office:text></office:body></office:document-content>");
    xmlBufferFree(body);
    xmlBufferFree(styles);
    return s;
}

/* A page layout: the page (turned when landscape), its margins; with a header
 * (the page number), the top margin is where the number stands and the header
 * fills the room down to the text's top. */
static void page_layout(odt *o, xmlTextWriterPtr w, const char *name, int landscape, int header)
{
    const pg_style *st = o->st;
    double top = st->page_number_top > 0 ? st->page_number_top : 28;
    if (top > st->margin_top)
        top = st->margin_top;
    start(w, "style:page-layout");
    attr(w, "style:name", "%s", name);
    start(w, "style:page-layout-properties");
    len(w, "fo:page-width", landscape ? st->page_h : st->page_w);
    len(w, "fo:page-height", landscape ? st->page_w : st->page_h);
    attr(w, "style:print-orientation", landscape ? "landscape" : "portrait");
    len(w, "fo:margin-top", header ? top : st->margin_top);
    len(w, "fo:margin-bottom", st->margin_bottom);
    len(w, "fo:margin-left", st->margin_left);
    len(w, "fo:margin-right", st->margin_right);
    /* the short rule over the footnotes */
    xmlTextWriterWriteRaw(w,
                          (const xmlChar *)"<style:footnote-sep style:width=\"0.5pt\""
                                           " style:rel-width=\"33%\" style:color=\"#000000\""
                                           " style:line-style=\"solid\" style:adjustment=\"left\""
                                           " style:distance-before-sep=\"6pt\""
                                           " style:distance-after-sep=\"3pt\"/>");
    end(w);
    start(w, "style:header-style");
    if (header) {
        start(w, "style:header-footer-properties");
        len(w, "fo:min-height", st->margin_top - top);
        len(w, "fo:margin-bottom", 0);
        attr(w, "style:dynamic-spacing", "false");
        end(w);
    }
    end(w);
    end(w);
}

/* A master page on a page layout; its header: the page number (header 1), the
 * text draft at the right (draft not NULL), or none. */
static void master_page(xmlTextWriterPtr w, const char *name, const char *layout, const char *next,
                        int header, const char *draft)
{
    start(w, "style:master-page");
    attr(w, "style:name", "%s", name);
    attr(w, "style:page-layout-name", "%s", layout);
    if (next)
        attr(w, "style:next-style-name", "%s", next);
    if (header || draft) {
        start(w, "style:header");
        start(w, "text:p");
        attr(w, "text:style-name", "%s", header ? "PageNumber" : "Draft");
        if (header) {
            start(w, "text:page-number");
            attr(w, "text:select-page", "current");
            xmlTextWriterWriteString(w, (const xmlChar *)"2");
            end(w);
        } else {
            xmlTextWriterWriteString(w, (const xmlChar *)draft);
        }
        end(w);
        end(w);
    }
    end(w);
}

static const char footnote_styles[] =
    "<style:style style:name=\"FootnoteMark\" style:family=\"text\">"
    "<style:text-properties style:text-position=\"super 58%\"/></style:style>"
    "<text:notes-configuration text:note-class=\"footnote\" style:num-format=\"1\""
    " text:start-value=\"0\" text:footnotes-position=\"page\""
    " text:start-numbering-at=\"document\" text:citation-style-name=\"FootnoteMark\""
    " text:citation-body-style-name=\"FootnoteMark\"/>";

/* A header paragraph's style: aligned so, in role t, no space around. */
static void header_style(xmlTextWriterPtr w, const char *name, const char *align,
                         const pg_textstyle *t)
{
    start(w, "style:style");
    attr(w, "style:name", "%s", name);
    attr(w, "style:family", "paragraph");
    start(w, "style:paragraph-properties");
    attr(w, "fo:text-align", "%s", align);
    len(w, "fo:margin-top", 0);
    len(w, "fo:margin-bottom", 0);
    end(w);
    text_props(w, t, 0);
    end(w);
}

static GString *styles_part(odt *o)
{
    const pg_style *st = o->st;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = fragment(buf);
    start(w, "office:styles");
    start(w, "style:default-style");
    attr(w, "style:family", "paragraph");
    start(w, "style:paragraph-properties");
    attr(w, "style:writing-mode", "lr-tb");
    end(w);
    start(w, "style:text-properties");
    attr(w, "style:font-name", FONT);
    len(w, "fo:font-size", st->text[PG_ROLE_BODY].size);
    attr(w, "fo:language", "vi");
    attr(w, "fo:country", "VN");
    end(w);
    end(w);
    /* the page number's paragraph, centred, and the draft mark's, at the right */
    header_style(w, "PageNumber", "center", &st->text[PG_ROLE_PAGE_NUMBER]);
    header_style(w, "Draft", "end", &st->text[PG_ROLE_DRAFT]);
    /* footnotes numbered 1, 2... through the document, as plangen's PDF, their
     * marks raised in the text and before the note */
    xmlTextWriterWriteRaw(w, (const xmlChar *)footnote_styles);
    end(w);
    start(w, "office:automatic-styles");
    page_layout(o, w, "PageFirst", 0, 0);
    page_layout(o, w, "PagePortrait", 0, 1);
    page_layout(o, w, "PageLandscape", 1, 1);
    page_layout(o, w, "PageLandscapeFirst", 1, 0);
    end(w);
    start(w, "office:master-styles");
    /* page numbers from the second page: the first page has no header but the
     * draft mark, an appendix's first page none */
    int from_first = st->page_number_from <= 1;
    const char *draft = o->wd->doc->draft_line;
    master_page(w, "First", from_first || draft ? "PagePortrait" : "PageFirst", "Standard",
                from_first, draft);
    master_page(w, "AppendixFirst", from_first ? "PagePortrait" : "PageFirst", "Standard",
                from_first, NULL);
    master_page(w, "Standard", "PagePortrait", NULL, 1, NULL);
    master_page(w, "Landscape", "PageLandscape", NULL, 1, NULL);
    master_page(w, "LandscapeFirst", from_first ? "PageLandscape" : "PageLandscapeFirst",
                "Landscape", from_first, NULL);
    end(w);
    xmlTextWriterFlush(w);
    xmlFreeTextWriter(w);
    GString *s = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<office:document-styles" NS_DECLS ">");
    g_string_append(s, font_decls);
    g_string_append_len(s, (const char *)buf->content, buf->use);
    g_string_append(s, "</office:document-styles>");
    xmlBufferFree(buf);
    return s;
}

/* meta.xml: the generator, the title, and the plan's own date as the
 * creation date (no clock enters the bytes). */
static GString *meta_part(const pg_doc *doc)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = fragment(buf);
    start(w, "office:meta");
    start(w, "meta:generator");
    xmlTextWriterWriteString(w, (const xmlChar *)"plangen");
    end(w);
    if (doc->doctype) {
        char *sum = doc->summary ? pg_inline_text(doc->summary) : NULL;
        start(w, "dc:title");
        xmlTextWriterWriteFormatString(w, "%s%s%s", doc->doctype, sum ? " " : "", sum ? sum : "");
        end(w);
        free(sum);
    }
    if (doc->year > 0) {
        start(w, "meta:creation-date");
        xmlTextWriterWriteFormatString(w, "%04d-%02d-%02dT00:00:00", doc->year,
                                       doc->month > 0 ? doc->month : 1,
                                       doc->day > 0 ? doc->day : 1);
        end(w);
    }
    start(w, "dc:language");
    xmlTextWriterWriteString(w, (const xmlChar *)"vi-VN");
    end(w);
    end(w);
    xmlTextWriterFlush(w);
    xmlFreeTextWriter(w);
    GString *s = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<office:document-meta" NS_DECLS ">");
    g_string_append_len(s, (const char *)buf->content, buf->use);
    g_string_append(s, "</office:document-meta>");
    xmlBufferFree(buf);
    return s;
}

static GString *manifest_part(size_t pictures)
{
    GString *s = g_string_new(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
        " manifest:version=\"1.3\">"
        "<manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\""
        " manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
        "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
        "<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>"
        "<manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>");
    for (size_t i = 1; i <= pictures; i++)
        g_string_append_printf(s,
                               "<manifest:file-entry manifest:full-path=\"Pictures/image%zu.png\""
                               " manifest:media-type=\"image/png\"/>",
                               i);
    g_string_append(s, "</manifest:manifest>");
    return s;
}

static const char mimetype[] = "application/vnd.oasis.opendocument.text";

int pg_odt_write(const pg_doc *doc, const pg_style *style, const pg_pages *pages,
                 const char *target, pg_diag_list *d)
{
    int rc = 0;
    pg_wdoc wd;
    GString *parts[4] = {NULL, NULL, NULL, NULL};
    odt o = {.st = style, .names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free)};
    if (!pg_wdoc_init(&wd, doc, style, pages, target, d))
        goto cleanup;
    o.wd = &wd;
    parts[0] = content_part(&o);
    parts[1] = styles_part(&o);
    parts[2] = meta_part(doc);
    parts[3] = manifest_part(wd.n_pictures);
    /* the mimetype first and stored, so that a reader knows the file by its bytes */
    const pg_zip_entry e[] = {
        {"mimetype", mimetype, sizeof mimetype - 1, 1},
        {"META-INF/manifest.xml", parts[3]->str, parts[3]->len, 0},
        {"content.xml", parts[0]->str, parts[0]->len, 0},
        {"styles.xml", parts[1]->str, parts[1]->len, 0},
        {"meta.xml", parts[2]->str, parts[2]->len, 0},
    };
    rc = pg_zip_write(e, sizeof e / sizeof *e, &wd, "Pictures/", target, "ODT", d);
cleanup:
    for (int i = 0; i < 4; i++)
        if (parts[i])
            g_string_free(parts[i], TRUE);
    pg_wdoc_free(&wd);
    g_hash_table_destroy(o.names);
    return rc;
}
