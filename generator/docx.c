/* docx.c - the DOCX writer: walks the numbered document (not the display list:
 * Word reflows) and writes WordprocessingML parts with libxml2's xmlTextWriter
 * into a zip built in memory with libzip, then into place through pg_output.
 *
 * Lengths: the style is in pt; WordprocessingML wants twentieths of a point
 * (twips, tw()), half-points for font sizes (hp()) and eighths of a point for
 * borders (ep()). */
#include "docx.h"

#include "output.h"

#include <glib.h>
#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define FONT "Times New Roman"
/* Every zip entry's time, in MS-DOS form so that no time zone enters the bytes:
 * 2000-01-01 12:00:00 (date: years since 1980 << 9 | month << 5 | day; time:
 * hours << 11 | minutes << 5 | seconds / 2). */
enum { ZIP_DOS_DATE = (2000 - 1980) << 9 | 1 << 5 | 1, ZIP_DOS_TIME = 12 << 11 };

typedef struct {
    const pg_doc *doc;
    const pg_style *st;
    xmlTextWriterPtr fw; /* footnotes.xml, written alongside the body */
    int notes;           /* footnotes written so far */
    double text_w;       /* pt, between the margins */
} docx;

static long tw(double pt)
{
    return lround(pt * 20);
}
static long hp(double pt)
{
    return lround(pt * 2);
}
static long ep(double pt)
{
    long v = lround(pt * 8);
    return v < 2 ? 2 : v;
}

static void start(xmlTextWriterPtr w, const char *name)
{
    xmlTextWriterStartElement(w, (const xmlChar *)name);
}
static void end(xmlTextWriterPtr w)
{
    xmlTextWriterEndElement(w);
}
static void attr(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void attr(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    xmlTextWriterWriteAttribute(w, (const xmlChar *)name, (const xmlChar *)buf);
}
/* <name w:val="val"/> */
static void val(xmlTextWriterPtr w, const char *name, const char *v)
{
    start(w, name);
    attr(w, "w:val", "%s", v);
    end(w);
}
static void flag(xmlTextWriterPtr w, const char *name)
{
    start(w, name);
    end(w);
}

/* ---- runs and paragraphs ---------------------------------------------------------- */

enum { F_BOLD = 1, F_ITALIC = 2, F_UNDERLINE = 4, F_SUPER = 8 };

/* Times New Roman for every script of a run. */
static void fonts(xmlTextWriterPtr w)
{
    start(w, "w:rFonts");
    attr(w, "w:ascii", FONT);
    attr(w, "w:hAnsi", FONT);
    attr(w, "w:cs", FONT);
    attr(w, "w:eastAsia", FONT);
    end(w);
}

/* A run's properties: the role's font, size and weights, with flags on top. */
static void rpr(xmlTextWriterPtr w, const pg_textstyle *t, int flags)
{
    start(w, "w:rPr");
    fonts(w);
    if (t->bold || (flags & F_BOLD)) {
        flag(w, "w:b");
        flag(w, "w:bCs");
    }
    if (t->italic || (flags & F_ITALIC)) {
        flag(w, "w:i");
        flag(w, "w:iCs");
    }
    if (t->upper)
        flag(w, "w:caps");
    if (t->color) {
        char c[8];
        snprintf(c, sizeof c, "%06X", t->color & 0xFFFFFF);
        val(w, "w:color", c);
    }
    /* pair kerning at every size, as plangen's HarfBuzz shaping does (Word's
     * w:kern is the smallest size kerned, in half-points) */
    val(w, "w:kern", "2");
    char sz[16];
    snprintf(sz, sizeof sz, "%ld", hp(t->size));
    val(w, "w:sz", sz);
    val(w, "w:szCs", sz);
    if (t->underline || (flags & F_UNDERLINE))
        val(w, "w:u", "single");
    if (flags & F_SUPER)
        val(w, "w:vertAlign", "superscript");
    end(w);
}

/* A run of text; "\n" becomes a line break. */
static void run(xmlTextWriterPtr w, const pg_textstyle *t, int flags, const char *text)
{
    start(w, "w:r");
    rpr(w, t, flags);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n) {
            start(w, "w:t");
            attr(w, "xml:space", "preserve");
            xmlTextWriterWriteFormatString(w, "%.*s", (int)n, p);
            end(w);
        }
        if (!nl)
            break;
        flag(w, "w:br");
        p = nl + 1;
    }
    end(w);
}

typedef struct {
    double rule;    /* pt: a bottom rule this long, centred; 0: none */
    double avail;   /* pt: the paragraph's width (for the rule's indents) */
    int page_break; /* starts a new page */
    int keep_next;  /* kept with the next paragraph (headings) */
    int no_indent;  /* ignore the role's first-line indent */
    int align;      /* -1: the role's; else a pg_align */
    double hang;    /* pt: lines after the first indented this much; 0: the role's indent */
} para_opts;

static const char *jc_name(pg_align a)
{
    switch (a) {
    case PG_ALIGN_CENTER:
        return "center";
    case PG_ALIGN_RIGHT:
        return "right";
    case PG_ALIGN_JUSTIFY:
        return "both";
    default:
        return "left";
    }
}

static void ppr(xmlTextWriterPtr w, const pg_textstyle *t, const para_opts *o)
{
    start(w, "w:pPr");
    if (o && o->keep_next)
        flag(w, "w:keepNext");
    if (o && o->page_break)
        flag(w, "w:pageBreakBefore");
    start(w, "w:spacing");
    attr(w, "w:before", "%ld", tw(t->space_before));
    attr(w, "w:after", "%ld", tw(t->space_after));
    double pitch = t->pitch > 0 ? t->pitch : 1.2 * t->size;
    attr(w, "w:line", "%ld", tw(pitch));
    attr(w, "w:lineRule", "exact");
    end(w);
    double first = o && o->hang > 0 ? -o->hang : o && o->no_indent ? 0 : t->indent;
    if (first != 0) {
        start(w, "w:ind");
        if (first < 0) {
            attr(w, "w:left", "%ld", tw(-first));
            attr(w, "w:hanging", "%ld", tw(-first));
        }
        if (first > 0)
            attr(w, "w:firstLine", "%ld", tw(first));
        end(w);
    }
    val(w, "w:jc", jc_name(o && o->align >= 0 ? (pg_align)o->align : t->align));
    end(w);
}

static void rule_para(docx *x, xmlTextWriterPtr w, double len, double avail, double after);

/* A paragraph of one run in role r (and its rule under it, if o asks). */
static void para(docx *x, xmlTextWriterPtr w, pg_role r, const char *text, const para_opts *o)
{
    pg_textstyle t = x->st->text[r];
    para_opts po = o ? *o : (para_opts){.align = -1};
    double rule = po.rule, after = t.space_after;
    po.rule = 0;
    if (rule > 0) /* the space after goes under the rule */
        t.space_after = 0;
    start(w, "w:p");
    ppr(w, &t, &po);
    if (text && *text)
        run(w, &t, 0, text);
    end(w);
    if (rule > 0)
        rule_para(x, w, rule, po.avail, after);
}

/* A centred rule len pt long in a paragraph avail pt wide: an empty paragraph
 * 2 pt high with a bottom border, indented on both sides, then after pt. */
static void rule_para(docx *x, xmlTextWriterPtr w, double len, double avail, double after)
{
    start(w, "w:p");
    start(w, "w:pPr");
    start(w, "w:pBdr");
    start(w, "w:bottom");
    attr(w, "w:val", "single");
    attr(w, "w:sz", "%ld", ep(x->st->rule_width));
    attr(w, "w:space", "0");
    attr(w, "w:color", "auto");
    end(w);
    end(w);
    start(w, "w:spacing");
    attr(w, "w:before", "0");
    attr(w, "w:after", "%ld", tw(after));
    attr(w, "w:line", "40");
    attr(w, "w:lineRule", "exact");
    end(w);
    double side = avail > len ? (avail - len) / 2 : 0;
    start(w, "w:ind");
    attr(w, "w:left", "%ld", tw(side));
    attr(w, "w:right", "%ld", tw(side));
    end(w);
    end(w);
    start(w, "w:rPr");
    val(w, "w:sz", "2");
    end(w);
    end(w);
}

/* An empty paragraph h pt high. */
static void gap(xmlTextWriterPtr w, double h)
{
    if (h < 1)
        h = 1;
    start(w, "w:p");
    start(w, "w:pPr");
    start(w, "w:spacing");
    attr(w, "w:before", "0");
    attr(w, "w:after", "0");
    attr(w, "w:line", "%ld", tw(h));
    attr(w, "w:lineRule", "exact");
    end(w);
    end(w);
    start(w, "w:rPr");
    val(w, "w:sz", "2");
    end(w);
    end(w);
}

/* The width (pt) of the longest line of s in role r, estimated from Times New
 * Roman's average advances: capitals about 0.66 em (0.68 bold), other letters
 * 0.45 em (0.48 bold), a space 0.25 em. Word measures the real text; this only
 * sizes rules. */
static double text_width(const docx *x, pg_role r, const char *s)
{
    const pg_textstyle *t = &x->st->text[r];
    double upper = t->bold ? 0.68 : 0.66, lower = t->bold ? 0.48 : 0.45;
    double best = 0, cur = 0;
    for (const char *p = s; p && *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == '\n') {
            cur = 0;
            continue;
        }
        cur += t->size * (c == ' ' ? 0.25 : g_unichar_isupper(c) || t->upper ? upper : lower);
        if (cur > best)
            best = cur;
    }
    return best;
}

/* ---- inlines ---------------------------------------------------------------------- */

static void inlines(docx *x, xmlTextWriterPtr w, const pg_node *first, const pg_textstyle *t,
                    int flags);

static void footnote(docx *x, const pg_node *n)
{
    xmlTextWriterPtr f = x->fw;
    const pg_textstyle *t = &x->st->text[PG_ROLE_FOOTNOTE];
    start(f, "w:footnote");
    attr(f, "w:id", "%d", x->notes);
    start(f, "w:p");
    para_opts o = {.align = -1};
    ppr(f, t, &o);
    start(f, "w:r");
    rpr(f, t, F_SUPER);
    flag(f, "w:footnoteRef");
    end(f);
    run(f, t, 0, " ");
    /* a footnote inside a footnote is written as its text (pg_inline_text) */
    inlines(x, f, n->first, t, 0);
    end(f);
    end(f);
}

static void inlines(docx *x, xmlTextWriterPtr w, const pg_node *first, const pg_textstyle *t,
                    int flags)
{
    for (const pg_node *n = first; n; n = n->next) {
        switch (n->type) {
        case PG_NODE_TEXT:
            run(w, t, flags, n->u.text.text);
            break;
        case PG_NODE_BOLD:
            inlines(x, w, n->first, t, flags | F_BOLD);
            break;
        case PG_NODE_ITALIC:
            inlines(x, w, n->first, t, flags | F_ITALIC);
            break;
        case PG_NODE_UNDERLINE:
            inlines(x, w, n->first, t, flags | F_UNDERLINE);
            break;
        case PG_NODE_BREAK:
            start(w, "w:r");
            flag(w, "w:br");
            end(w);
            break;
        case PG_NODE_FOOTNOTE:
            if (w == x->fw) {
                char *s = pg_inline_text(n);
                run(w, t, flags, s);
                free(s);
                break;
            }
            x->notes++;
            start(w, "w:r");
            rpr(w, t, F_SUPER);
            start(w, "w:footnoteReference");
            attr(w, "w:id", "%d", x->notes);
            end(w);
            end(w);
            footnote(x, n);
            break;
        case PG_NODE_DEADLINE:
        case PG_NODE_INLINE:
            inlines(x, w, n->first, t, flags);
            break;
        default:
            break;
        }
    }
}

/* ---- blocks ----------------------------------------------------------------------- */

static void blocks(docx *x, xmlTextWriterPtr w, const pg_node *first, int in_table);

static pg_role heading_role(int depth)
{
    return depth <= 1   ? PG_ROLE_HEADING1
           : depth == 2 ? PG_ROLE_HEADING2
           : depth == 3 ? PG_ROLE_HEADING3
                        : PG_ROLE_HEADING4;
}

static void section(docx *x, xmlTextWriterPtr w, const pg_node *n)
{
    const pg_textstyle *t = &x->st->text[heading_role(n->u.section.depth)];
    const char *label = n->u.section.label ? n->u.section.label : "";
    const char *title = n->u.section.title_line ? n->u.section.title_line : n->u.section.title;
    const pg_node *body = n->first;
    int run_in = (n->u.section.run_in || !title) && body && body->type == PG_NODE_PARA;
    start(w, "w:p");
    para_opts o = {.keep_next = !run_in, .align = -1};
    ppr(w, t, &o);
    char *head = g_strdup_printf("%s%s%s", label, *label && title ? " " : "", title ? title : "");
    if (*head)
        run(w, t, 0, head);
    g_free(head);
    if (run_in) {
        const pg_textstyle *bt = &x->st->text[PG_ROLE_BODY];
        run(w, bt, 0, " ");
        inlines(x, w, body->first, bt, 0);
        body = body->next;
    }
    end(w);
    blocks(x, w, body, 0);
}

/* A table's column widths (pt) for its share of the text width. */
static void column_widths(const docx *x, const pg_node *n, double *out)
{
    int nc = n->u.table.ncols;
    double left = x->text_w, shares = 0;
    for (int i = 0; i < nc; i++) {
        const pg_column *c = &n->u.table.cols[i];
        out[i] = c->fixed > 0 ? c->fixed : c->percent > 0 ? x->text_w * c->percent / 100 : 0;
        left -= out[i];
        if (out[i] == 0)
            shares += c->share > 0 ? c->share : 1;
    }
    if (left < 0)
        left = 0;
    for (int i = 0; i < nc; i++)
        if (out[i] == 0)
            out[i] =
                shares > 0
                    ? left * (n->u.table.cols[i].share > 0 ? n->u.table.cols[i].share : 1) / shares
                    : 0;
}

static void table(docx *x, xmlTextWriterPtr w, const pg_node *n)
{
    int nc = n->u.table.ncols;
    if (nc <= 0)
        return;
    double *wd = g_new0(double, (size_t)nc);
    column_widths(x, n, wd);
    start(w, "w:tbl");
    start(w, "w:tblPr");
    start(w, "w:tblW");
    attr(w, "w:w", "0");
    attr(w, "w:type", "auto");
    end(w);
    val(w, "w:jc", "center");
    start(w, "w:tblBorders");
    static const char *const sides[] = {"w:top",   "w:left",    "w:bottom",
                                        "w:right", "w:insideH", "w:insideV"};
    for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
        start(w, sides[i]);
        attr(w, "w:val", "single");
        attr(w, "w:sz", "%ld", ep(x->st->border_width));
        attr(w, "w:space", "0");
        attr(w, "w:color", "auto");
        end(w);
    }
    end(w);
    val(w, "w:tblLayout", "fixed");
    start(w, "w:tblCellMar");
    static const char *const mar[] = {"w:top", "w:left", "w:bottom", "w:right"};
    for (size_t i = 0; i < 4; i++) {
        start(w, mar[i]);
        attr(w, "w:w", "%ld", tw(x->st->cell_padding));
        attr(w, "w:type", "dxa");
        end(w);
    }
    end(w);
    end(w);
    start(w, "w:tblGrid");
    for (int i = 0; i < nc; i++) {
        start(w, "w:gridCol");
        attr(w, "w:w", "%ld", tw(wd[i]));
        end(w);
    }
    end(w);
    for (const pg_node *row = n->first; row; row = row->next) {
        if (row->type != PG_NODE_ROW)
            continue;
        int header = row->u.row.header;
        start(w, "w:tr");
        /* rows may break across pages, as plangen's own tables do */
        if (header) {
            start(w, "w:trPr");
            flag(w, "w:tblHeader");
            end(w);
        }
        int col = 0;
        for (const pg_node *cell = row->first; cell; cell = cell->next, col++) {
            if (cell->type != PG_NODE_CELL)
                continue;
            start(w, "w:tc");
            start(w, "w:tcPr");
            start(w, "w:tcW");
            attr(w, "w:w", "%ld", tw(col < nc ? wd[col] : 0));
            attr(w, "w:type", "dxa");
            end(w);
            end(w);
            pg_role role = header ? PG_ROLE_TABLE_HEADER : PG_ROLE_TABLE;
            const pg_textstyle *t = &x->st->text[role];
            int any = 0;
            for (const pg_node *b = cell->first; b; b = b->next) {
                if (b->type != PG_NODE_PARA && b->type != PG_NODE_ITEM)
                    continue;
                char a = col < nc ? n->u.table.cols[col].align : 'l';
                para_opts o = {.no_indent = 1,
                               .align = header     ? -1
                                        : a == 'c' ? PG_ALIGN_CENTER
                                        : a == 'r' ? PG_ALIGN_RIGHT
                                        : a == 'j' ? PG_ALIGN_JUSTIFY
                                                   : PG_ALIGN_LEFT};
                start(w, "w:p");
                ppr(w, t, &o);
                if (b->type == PG_NODE_ITEM && b->u.item.label && *b->u.item.label) {
                    char *pre = g_strdup_printf("%s ", b->u.item.label);
                    run(w, t, 0, pre);
                    g_free(pre);
                }
                inlines(x, w, b->first, t, 0);
                end(w);
                any = 1;
            }
            if (!any) { /* a cell holds at least one paragraph */
                start(w, "w:p");
                end(w);
            }
            end(w);
        }
        end(w);
    }
    end(w);
    /* Word merges two tables that touch: a paragraph after each keeps them apart */
    gap(w, 1);
    g_free(wd);
}

static void blocks(docx *x, xmlTextWriterPtr w, const pg_node *first, int in_table)
{
    (void)in_table;
    for (const pg_node *n = first; n; n = n->next) {
        switch (n->type) {
        case PG_NODE_SECTION:
            section(x, w, n);
            break;
        case PG_NODE_PARA: {
            pg_role r = n->u.para.basis ? PG_ROLE_BASIS : PG_ROLE_BODY;
            const pg_textstyle *t = &x->st->text[r];
            para_opts o = {.align = -1};
            start(w, "w:p");
            ppr(w, t, &o);
            inlines(x, w, n->first, t, 0);
            end(w);
            break;
        }
        case PG_NODE_ITEM: {
            const pg_textstyle *t = &x->st->text[PG_ROLE_ITEM];
            para_opts o = {.align = -1};
            start(w, "w:p");
            ppr(w, t, &o);
            if (n->u.item.label && *n->u.item.label) {
                char *pre = g_strdup_printf("%s ", n->u.item.label);
                run(w, t, 0, pre);
                g_free(pre);
            }
            inlines(x, w, n->first, t, 0);
            end(w);
            break;
        }
        case PG_NODE_TABLE:
            table(x, w, n);
            break;
        case PG_NODE_QR: {
            /* the code is not drawn in the DOCX: its link is written instead */
            para_opts o = {.no_indent = 1, .align = x->st->qr_align};
            para(x, w, PG_ROLE_QR_CAPTION, n->u.qr.href, &o);
            break;
        }
        case PG_NODE_IMAGE: {
            char *s = g_strdup_printf("[%s]", n->u.image.src ? n->u.image.src : "image");
            para_opts o = {.no_indent = 1, .align = PG_ALIGN_CENTER};
            para(x, w, PG_ROLE_BODY, s, &o);
            g_free(s);
            break;
        }
        default:
            break;
        }
    }
}

/* ---- the first page's header and the closing -------------------------------------- */

/* A borderless table row of two cells of widths a and b (pt): opens the row and
 * the first cell. */
/* Opens a cell of width pt (dxa), its properties written. */
static void cell_open(xmlTextWriterPtr w, double width)
{
    start(w, "w:tc");
    start(w, "w:tcPr");
    start(w, "w:tcW");
    attr(w, "w:w", "%ld", tw(width));
    attr(w, "w:type", "dxa");
    end(w);
    end(w);
}

static void two_columns_open(xmlTextWriterPtr w, double a, double b)
{
    start(w, "w:tbl");
    start(w, "w:tblPr");
    start(w, "w:tblW");
    attr(w, "w:w", "%ld", tw(a + b));
    attr(w, "w:type", "dxa");
    end(w);
    start(w, "w:tblBorders");
    static const char *const sides[] = {"w:top",   "w:left",    "w:bottom",
                                        "w:right", "w:insideH", "w:insideV"};
    for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
        start(w, sides[i]);
        attr(w, "w:val", "nil");
        end(w);
    }
    end(w);
    val(w, "w:tblLayout", "fixed");
    start(w, "w:tblCellMar");
    start(w, "w:left");
    attr(w, "w:w", "0");
    attr(w, "w:type", "dxa");
    end(w);
    start(w, "w:right");
    attr(w, "w:w", "0");
    attr(w, "w:type", "dxa");
    end(w);
    end(w);
    end(w);
    start(w, "w:tblGrid");
    start(w, "w:gridCol");
    attr(w, "w:w", "%ld", tw(a));
    end(w);
    start(w, "w:gridCol");
    attr(w, "w:w", "%ld", tw(b));
    end(w);
    end(w);
    start(w, "w:tr");
    cell_open(w, a);
}

static void two_columns_next(xmlTextWriterPtr w, double b)
{
    end(w); /* tc */
    cell_open(w, b);
}

static void two_columns_close(xmlTextWriterPtr w)
{
    end(w); /* tc */
    end(w); /* tr */
    end(w); /* tbl */
}

static void header(docx *x, xmlTextWriterPtr w)
{
    const pg_doc *d = x->doc;
    const pg_style *st = x->st;
    double a = x->text_w * (st->left_block > 0 ? st->left_block : 0.45), b = x->text_w - a;
    para_opts o = {.no_indent = 1, .align = -1};
    two_columns_open(w, a, b);
    if (d->parent_body_line)
        para(x, w, PG_ROLE_PARENT_BODY, d->parent_body_line, &o);
    if (d->issuer_line) {
        para_opts io = o;
        if (st->issuer_rule > 0) {
            io.rule = st->issuer_rule * text_width(x, PG_ROLE_ISSUER, d->issuer_line);
            io.avail = a;
        }
        para(x, w, PG_ROLE_ISSUER, d->issuer_line, &io);
    }
    if (st->issuer_mark)
        para(x, w, PG_ROLE_ISSUER_MARK, st->issuer_mark, &o);
    if (d->number_line)
        para(x, w, PG_ROLE_NUMBER, d->number_line, &o);
    two_columns_next(w, b);
    if (st->nation) {
        pg_role last = st->motto ? PG_ROLE_MOTTO : PG_ROLE_NATION;
        const char *last_text = st->motto ? st->motto : st->nation;
        para_opts ro = o;
        ro.rule = text_width(x, last, last_text);
        ro.avail = b;
        if (st->motto)
            para(x, w, PG_ROLE_NATION, st->nation, &o);
        para(x, w, last, last_text, &ro);
    }
    if (d->date_line)
        para(x, w, PG_ROLE_DATE, d->date_line, &o);
    two_columns_close(w);

    gap(w, st->header_gap);
    if (d->doctype)
        para(x, w, PG_ROLE_DOCTYPE, d->doctype, &o);
    const pg_node *sum = d->summary_shown ? d->summary_shown : d->summary;
    if (sum) {
        pg_textstyle ts = st->text[PG_ROLE_SUMMARY];
        const pg_textstyle *t = &ts;
        para_opts so = o;
        if (st->summary_rule > 0) {
            char *s = pg_inline_text(sum);
            so.rule = st->summary_rule * text_width(x, PG_ROLE_SUMMARY, s);
            so.avail = x->text_w;
            free(s);
        }
        double rule = so.rule, after = ts.space_after;
        so.rule = 0;
        if (rule > 0)
            ts.space_after = 0;
        start(w, "w:p");
        ppr(w, t, &so);
        inlines(x, w, sum->first, t, 0);
        end(w);
        if (rule > 0)
            rule_para(x, w, rule, so.avail, after);
    }
    if (st->separator)
        para(x, w, PG_ROLE_SEPARATOR, st->separator, &o);
}

static void closing(docx *x, xmlTextWriterPtr w)
{
    const pg_doc *d = x->doc;
    const pg_style *st = x->st;
    double a = x->text_w * (st->signature_column > 0 ? st->signature_column : 0.5);
    double b = x->text_w - a;
    para_opts o = {.no_indent = 1, .align = -1};
    gap(w, st->closing_gap);
    two_columns_open(w, a, b);
    /* a recipient's second line starts under its text, after the "- " (Times New
     * Roman: a hyphen 0.333 em and a space 0.25 em) */
    para_opts ro = {.align = -1, .hang = 0.583 * st->text[PG_ROLE_RECIPIENT].size};
    if (d->has_recipients) {
        if (st->recipients_heading)
            para(x, w, PG_ROLE_RECIPIENTS_HEADING, st->recipients_heading, &o);
        /* a group's brace is written as "}" and its purpose after its last line */
        for (size_t i = 0; i < d->n_recipients; i++) {
            const pg_recipient *r = &d->recipients[i];
            const char *line = r->line ? r->line : r->text;
            char *s = NULL;
            if (r->group > 0 && (size_t)r->group <= d->n_groups) {
                const pg_recipient_group *g = &d->groups[r->group - 1];
                if (i + 1 == g->first + g->count && g->purpose_line)
                    s = g_strdup_printf("%s } %s", line, g->purpose_line);
            }
            para(x, w, PG_ROLE_RECIPIENT, s ? s : line, &ro);
            g_free(s);
        }
        if (d->archive_line)
            para(x, w, PG_ROLE_RECIPIENT, d->archive_line, &ro);
        if (d->typist_line)
            para(x, w, PG_ROLE_TYPIST, d->typist_line, &o);
    } else {
        gap(w, 1);
    }
    two_columns_next(w, b);
    const pg_signature *sg = &d->signature;
    if (sg->authority_line)
        para(x, w, PG_ROLE_SIGN_AUTHORITY, sg->authority_line, &o);
    if (sg->title_line)
        para(x, w, PG_ROLE_SIGN_TITLE, sg->title_line, &o);
    gap(w, st->signature_space);
    para(x, w, PG_ROLE_SIGN_NAME, sg->name ? sg->name : "", &o);
    two_columns_close(w);
}

static void appendices(docx *x, xmlTextWriterPtr w)
{
    if (!x->doc->appendices)
        return;
    for (const pg_node *n = x->doc->appendices->first; n; n = n->next) {
        if (n->type != PG_NODE_APPENDIX)
            continue;
        para_opts o = {.no_indent = 1, .align = -1, .page_break = 1};
        const char *label =
            n->u.appendix.label_line ? n->u.appendix.label_line : n->u.appendix.label;
        para(x, w, PG_ROLE_APPENDIX_LABEL, label ? label : "", &o);
        o.page_break = 0;
        if (n->u.appendix.title_line)
            para(x, w, PG_ROLE_APPENDIX_TITLE, n->u.appendix.title_line, &o);
        if (n->u.appendix.attachment)
            para(x, w, PG_ROLE_APPENDIX_ATTACHMENT, n->u.appendix.attachment, &o);
        blocks(x, w, n->first, 0);
    }
}

/* ---- parts ------------------------------------------------------------------------ */

static xmlTextWriterPtr part_open(xmlBufferPtr buf, const char *root, int ns_r)
{
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    if (!w) {
        fprintf(stderr, "plangen: out of memory\n");
        abort();
    }
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", "yes");
    start(w, root);
    attr(w, "xmlns:w", NS_W);
    if (ns_r)
        attr(w, "xmlns:r", NS_R);
    return w;
}

static void part_close(xmlTextWriterPtr w)
{
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
}

static void section_props(docx *x, xmlTextWriterPtr w)
{
    const pg_style *st = x->st;
    start(w, "w:sectPr");
    start(w, "w:headerReference");
    attr(w, "w:type", "default");
    attr(w, "r:id", "rIdHeader");
    end(w);
    start(w, "w:pgSz");
    attr(w, "w:w", "%ld", tw(st->page_w));
    attr(w, "w:h", "%ld", tw(st->page_h));
    end(w);
    start(w, "w:pgMar");
    attr(w, "w:top", "%ld", tw(st->margin_top));
    attr(w, "w:right", "%ld", tw(st->margin_right));
    attr(w, "w:bottom", "%ld", tw(st->margin_bottom));
    attr(w, "w:left", "%ld", tw(st->margin_left));
    attr(w, "w:header", "%ld", tw(st->page_number_top > 0 ? st->page_number_top : 28));
    attr(w, "w:footer", "%ld", tw(28));
    attr(w, "w:gutter", "0");
    end(w);
    /* page numbers from the second page: the first page's header is empty */
    if (st->page_number_from > 1)
        flag(w, "w:titlePg");
    end(w);
}

static void document_part(docx *x, xmlBufferPtr buf, xmlBufferPtr notes)
{
    xmlTextWriterPtr w = part_open(buf, "w:document", 1);
    x->fw = part_open(notes, "w:footnotes", 1);
    static const char *const special[] = {"separator", "continuationSeparator"};
    for (int i = 0; i < 2; i++) {
        start(x->fw, "w:footnote");
        attr(x->fw, "w:type", "%s", special[i]);
        attr(x->fw, "w:id", "%d", i - 1);
        start(x->fw, "w:p");
        start(x->fw, "w:pPr");
        start(x->fw, "w:spacing");
        attr(x->fw, "w:after", "0");
        attr(x->fw, "w:line", "240");
        attr(x->fw, "w:lineRule", "auto");
        end(x->fw);
        end(x->fw);
        start(x->fw, "w:r");
        flag(x->fw, i == 0 ? "w:separator" : "w:continuationSeparator");
        end(x->fw);
        end(x->fw);
        end(x->fw);
    }
    start(w, "w:body");
    header(x, w);
    blocks(x, w, x->doc->body ? x->doc->body->first : NULL, 0);
    closing(x, w);
    appendices(x, w);
    section_props(x, w);
    end(w);
    part_close(w);
    part_close(x->fw);
    x->fw = NULL;
}

static void header_part(docx *x, xmlBufferPtr buf)
{
    xmlTextWriterPtr w = part_open(buf, "w:hdr", 1);
    const pg_textstyle *t = &x->st->text[PG_ROLE_PAGE_NUMBER];
    start(w, "w:p");
    para_opts o = {.no_indent = 1, .align = PG_ALIGN_CENTER};
    ppr(w, t, &o);
    start(w, "w:fldSimple");
    attr(w, "w:instr", " PAGE ");
    run(w, t, 0, "1");
    end(w);
    end(w);
    part_close(w);
}

static void styles_part(docx *x, xmlBufferPtr buf)
{
    xmlTextWriterPtr w = part_open(buf, "w:styles", 0);
    const pg_textstyle *t = &x->st->text[PG_ROLE_BODY];
    start(w, "w:docDefaults");
    start(w, "w:rPrDefault");
    start(w, "w:rPr");
    fonts(w);
    char sz[16];
    snprintf(sz, sizeof sz, "%ld", hp(t->size));
    val(w, "w:sz", sz);
    val(w, "w:szCs", sz);
    start(w, "w:lang");
    attr(w, "w:val", "vi-VN");
    attr(w, "w:eastAsia", "en-US");
    attr(w, "w:bidi", "ar-SA");
    end(w);
    end(w);
    end(w);
    start(w, "w:pPrDefault");
    start(w, "w:pPr");
    start(w, "w:spacing");
    attr(w, "w:after", "0");
    attr(w, "w:line", "240");
    attr(w, "w:lineRule", "auto");
    end(w);
    end(w);
    end(w);
    end(w);
    start(w, "w:style");
    attr(w, "w:type", "paragraph");
    attr(w, "w:default", "1");
    attr(w, "w:styleId", "Normal");
    val(w, "w:name", "Normal");
    flag(w, "w:qFormat");
    end(w);
    start(w, "w:style");
    attr(w, "w:type", "table");
    attr(w, "w:default", "1");
    attr(w, "w:styleId", "TableNormal");
    val(w, "w:name", "Normal Table");
    end(w);
    part_close(w);
}

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/footnotes.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "</Types>";

static const char package_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/>"
    "</Relationships>";

static const char document_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rIdStyles\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/>"
    "<Relationship Id=\"rIdSettings\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" "
    "Target=\"settings.xml\"/>"
    "<Relationship Id=\"rIdFootnotes\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes\" "
    "Target=\"footnotes.xml\"/>"
    "<Relationship Id=\"rIdHeader\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" "
    "Target=\"header1.xml\"/>"
    "</Relationships>";

static const char settings[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:settings xmlns:w=\"" NS_W "\">"
    "<w:defaultTabStop w:val=\"720\"/>"
    "<w:characterSpacingControl w:val=\"doNotCompress\"/>"
    "<w:footnotePr><w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/></w:footnotePr>"
    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
    "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
    "</w:settings>";

/* Adds one entry; data must live until zip_close(). Returns 1 on success. */
static int add(zip_t *za, const char *name, const void *data, size_t len)
{
    zip_source_t *src = zip_source_buffer(za, data, len, 0);
    if (!src)
        return 0;
    zip_int64_t i = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
    if (i < 0) {
        zip_source_free(src);
        return 0;
    }
    return zip_file_set_dostime(za, (zip_uint64_t)i, ZIP_DOS_TIME, ZIP_DOS_DATE, 0) == 0 &&
           zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_DEFLATE, 9) == 0;
}

/* The zip of the parts in memory: *out malloc'd. Returns 1 on success. */
static int zip_parts(xmlBufferPtr parts[4], unsigned char **out, size_t *len)
{
    int rc = 0;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = NULL;
    *out = NULL;
    if (!mem)
        goto cleanup;
    zip_source_keep(mem);
    za = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
    if (!za)
        goto cleanup;
    if (!add(za, "[Content_Types].xml", content_types, sizeof content_types - 1) ||
        !add(za, "_rels/.rels", package_rels, sizeof package_rels - 1) ||
        !add(za, "word/document.xml", parts[0]->content, parts[0]->use) ||
        !add(za, "word/_rels/document.xml.rels", document_rels, sizeof document_rels - 1) ||
        !add(za, "word/styles.xml", parts[1]->content, parts[1]->use) ||
        !add(za, "word/settings.xml", settings, sizeof settings - 1) ||
        !add(za, "word/footnotes.xml", parts[2]->content, parts[2]->use) ||
        !add(za, "word/header1.xml", parts[3]->content, parts[3]->use)) {
        zip_discard(za);
        za = NULL;
        goto cleanup;
    }
    if (zip_close(za) != 0) {
        zip_discard(za);
        za = NULL;
        goto cleanup;
    }
    za = NULL;
    if (zip_source_open(mem) != 0)
        goto cleanup;
    zip_source_seek(mem, 0, SEEK_END);
    zip_int64_t n = zip_source_tell(mem);
    zip_source_seek(mem, 0, SEEK_SET);
    if (n > 0) {
        *out = malloc((size_t)n);
        if (!*out) {
            fprintf(stderr, "plangen: out of memory\n");
            abort();
        }
        if (zip_source_read(mem, *out, (zip_uint64_t)n) == n) {
            *len = (size_t)n;
            rc = 1;
        }
    }
    zip_source_close(mem);
cleanup:
    if (!rc) {
        free(*out);
        *out = NULL;
    }
    if (mem)
        zip_source_free(mem);
    zip_error_fini(&ze);
    return rc;
}

int pg_docx_write(const pg_doc *doc, const pg_style *style, const char *target, pg_diag_list *d)
{
    int rc = 0;
    docx x = {.doc = doc, .st = style};
    x.text_w = style->page_w - style->margin_left - style->margin_right;
    xmlBufferPtr parts[4] = {xmlBufferCreate(), xmlBufferCreate(), xmlBufferCreate(),
                             xmlBufferCreate()};
    unsigned char *zip = NULL;
    size_t len = 0;
    pg_output out = {0};
    document_part(&x, parts[0], parts[2]);
    styles_part(&x, parts[1]);
    header_part(&x, parts[3]);
    if (!zip_parts(parts, &zip, &len)) {
        pg_diag_add(d, PG_E_OUTPUT, target, 0, 0, "the DOCX could not be assembled (libzip)");
        goto cleanup;
    }
    if (!pg_output_open(&out, target, d))
        goto cleanup;
    if (fwrite(zip, 1, len, out.f) != len) {
        pg_diag_add(d, PG_E_OUTPUT, target, 0, 0, "cannot write the DOCX");
        pg_output_abort(&out);
        goto cleanup;
    }
    rc = pg_output_commit(&out, d);
cleanup:
    free(zip);
    for (int i = 0; i < 4; i++)
        xmlBufferFree(parts[i]);
    return rc;
}
