/* docx.c - the DOCX writer: the handlers of the shared walk (writer.h) emit
 * WordprocessingML with libxml2's xmlTextWriter; the parts go into a zip with
 * fixed times (pg_zip_write). Brace groups are DrawingML shapes (a preset
 * rightBrace and a text box for the purpose) anchored in the group's first
 * line; QR codes and images are pictures in word/media.
 *
 * Lengths: the style is in pt; WordprocessingML wants twentieths of a point
 * (twips, tw()), half-points for font sizes (hp()), eighths of a point for
 * borders (ep()) and EMU for drawings (emu(): 12,700 a point). */
#include "docx.h"

#include "writer.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_WP "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define NS_A "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_PIC "http://schemas.openxmlformats.org/drawingml/2006/picture"
#define NS_WPS "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
#define URI_WPS "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
#define FONT "Times New Roman"
/* a mark's frame: 8 mm high, its rules 0.8 pt, as the layout draws it */
#define BOX_H (8 * 72 / 25.4)
#define BOX_RULE 0.8

#define start pg_xw_start
#define end pg_xw_end
#define attr pg_xw_attr

typedef struct {
    const pg_wdoc *wd;
    const pg_style *st;
    xmlTextWriterPtr body; /* document.xml */
    xmlTextWriterPtr fw;   /* footnotes.xml, written alongside the body */
    xmlTextWriterPtr w;    /* where paragraphs go now: body or fw */
    int note_mark;         /* the next paragraph opens a footnote: its mark first */
    int shapes;            /* drawings so far (their wp:docPr ids) */
    int pictures;          /* pictures so far (word/media/imageN.png, rIdImgN) */
    int orient;            /* the section being written: 1 portrait, 2 landscape */
    int restart;           /* the section being written numbers its pages from 1 */
    int sections;          /* sections ended so far */
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
static long emu(double pt)
{
    return lround(pt * 12700);
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
    if (t->bold || (flags & PG_W_BOLD)) {
        flag(w, "w:b");
        flag(w, "w:bCs");
    }
    if (t->italic || (flags & PG_W_ITALIC)) {
        flag(w, "w:i");
        flag(w, "w:iCs");
    }
    if (t->upper && !(flags & PG_W_ASIS))
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
    if (t->underline || (flags & PG_W_UNDERLINE))
        val(w, "w:u", "single");
    if (flags & PG_W_SUPER)
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

static const char *const jc_names[4] = {"left", "center", "right", "both"};

/* A paragraph's properties: the role's spacing, exact line height, indents and
 * alignment, with p's on top. */
static void ppr(xmlTextWriterPtr w, const pg_textstyle *t, const pg_wpara *p)
{
    start(w, "w:pPr");
    if (p->keep_next)
        flag(w, "w:keepNext");
    if (p->page_break)
        flag(w, "w:pageBreakBefore");
    if (p->boxed) {
        start(w, "w:pBdr");
        static const char *const sides[] = {"w:top", "w:left", "w:bottom", "w:right"};
        for (size_t i = 0; i < 4; i++) {
            start(w, sides[i]);
            attr(w, "w:val", "single");
            attr(w, "w:sz", "%ld", ep(BOX_RULE));
            attr(w, "w:space", "0");
            attr(w, "w:color", "%06X", t->color & 0xFFFFFF); /* the mark's colour */
            end(w);
        }
        end(w);
    }
    start(w, "w:spacing");
    attr(w, "w:before", "%ld", tw(t->space_before + p->extra_before));
    attr(w, "w:after", "%ld", p->no_space_after ? 0 : tw(t->space_after));
    attr(w, "w:line", "%ld", tw(p->boxed ? BOX_H : pg_wdoc_pitch(t)));
    attr(w, "w:lineRule", "exact");
    end(w);
    double first = p->hang > 0 ? -p->hang : p->no_indent ? 0 : t->indent;
    if (first != 0 || p->right > 0 || p->inset > 0) {
        start(w, "w:ind");
        if (first < 0 || p->inset > 0)
            attr(w, "w:left", "%ld", tw(p->inset + (first < 0 ? -first : 0)));
        if (first < 0)
            attr(w, "w:hanging", "%ld", tw(-first));
        if (p->right > 0 || p->inset > 0)
            attr(w, "w:right", "%ld", tw(p->right + p->inset));
        if (first > 0)
            attr(w, "w:firstLine", "%ld", tw(first));
        end(w);
    }
    val(w, "w:jc", pg_walign_name(p->align >= 0 ? (pg_align)p->align : t->align, jc_names));
    end(w);
}

/* ---- sections --------------------------------------------------------------------- */

/* A section's properties: A4 (or the style's page) upright or turned, the
 * margins, the page number header from the style's page on (the document's
 * first section, and an appendix's whose numbers start again, have none on
 * their first page). */
static void section_props(docx *x, xmlTextWriterPtr w, int orient)
{
    const pg_style *st = x->st;
    int turned = orient == 2;
    start(w, "w:sectPr");
    start(w, "w:headerReference");
    attr(w, "w:type", "default");
    attr(w, "r:id", "rIdHeader");
    end(w);
    /* the first page's header: the draft mark on the document's, nothing on an
     * appendix's (else Word takes the section before's) */
    start(w, "w:headerReference");
    attr(w, "w:type", "first");
    attr(w, "r:id", "%s", x->sections == 0 ? "rIdHeaderFirst" : "rIdHeaderEmpty");
    end(w);
    start(w, "w:pgSz");
    attr(w, "w:w", "%ld", tw(turned ? st->page_h : st->page_w));
    attr(w, "w:h", "%ld", tw(turned ? st->page_w : st->page_h));
    if (turned)
        attr(w, "w:orient", "landscape");
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
    if (x->restart) {
        start(w, "w:pgNumType");
        attr(w, "w:start", "1");
        end(w);
    }
    /* page numbers from the second page: the first page's header is empty */
    if (st->page_number_from > 1 && (x->sections == 0 || x->restart))
        flag(w, "w:titlePg");
    x->sections++;
    end(w);
}

/* Ends the section being written (in an empty paragraph of its own) so that
 * the next paragraph starts a new page turned to orient, its numbers from 1
 * when restart. */
static void section_break(docx *x, int orient, int restart)
{
    xmlTextWriterPtr w = x->body;
    start(w, "w:p");
    start(w, "w:pPr");
    start(w, "w:spacing");
    attr(w, "w:before", "0");
    attr(w, "w:after", "0");
    attr(w, "w:line", "20");
    attr(w, "w:lineRule", "exact");
    end(w);
    section_props(x, w, x->orient);
    end(w);
    end(w);
    x->orient = orient;
    x->restart = restart;
}

/* ---- drawings ---------------------------------------------------------------------- */

/* Opens a:graphic and its a:graphicData of the kind uri (closed by two end()). */
static void graphic_open(xmlTextWriterPtr o, const char *uri)
{
    start(o, "a:graphic");
    attr(o, "xmlns:a", NS_A);
    start(o, "a:graphicData");
    attr(o, "uri", "%s", uri);
}

/* A shape's frame: at its origin, w x h pt. */
static void xfrm(xmlTextWriterPtr o, double w, double h)
{
    start(o, "a:xfrm");
    start(o, "a:off");
    pg_xw_attrs(o, "x", "0", "y", "0", (char *)NULL);
    end(o);
    start(o, "a:ext");
    attr(o, "cx", "%ld", emu(w));
    attr(o, "cy", "%ld", emu(h));
    end(o);
    end(o);
}

/* A floating drawing's position on one axis: offset pt from what it is relative to. */
static void position(xmlTextWriterPtr o, const char *axis, const char *from, double offset)
{
    start(o, axis);
    attr(o, "relativeFrom", "%s", from);
    start(o, "wp:posOffset");
    xmlTextWriterWriteFormatString(o, "%ld", emu(offset));
    end(o);
    end(o);
}

/* Opens a floating drawing anchored in the paragraph: x from the cell's (the
 * column's) left, y from the paragraph's top, w x h, in pt. */
static void anchor_open(docx *x, double ax, double ay, double w, double h, const char *name)
{
    xmlTextWriterPtr o = x->w;
    x->shapes++;
    start(o, "w:r");
    start(o, "w:drawing");
    start(o, "wp:anchor");
    pg_xw_attrs(o, "distT", "0", "distB", "0", "distL", "0", "distR", "0", "simplePos", "0",
                (char *)NULL);
    attr(o, "relativeHeight", "%d", x->shapes);
    attr(o, "behindDoc", "0");
    attr(o, "locked", "0");
    attr(o, "layoutInCell", "1");
    attr(o, "allowOverlap", "1");
    start(o, "wp:simplePos");
    attr(o, "x", "0");
    attr(o, "y", "0");
    end(o);
    position(o, "wp:positionH", "column", ax);
    position(o, "wp:positionV", "paragraph", ay);
    start(o, "wp:extent");
    attr(o, "cx", "%ld", emu(w));
    attr(o, "cy", "%ld", emu(h));
    end(o);
    start(o, "wp:effectExtent");
    pg_xw_attrs(o, "l", "0", "t", "0", "r", "0", "b", "0", (char *)NULL);
    end(o);
    start(o, "wp:wrapNone");
    end(o);
    start(o, "wp:docPr");
    attr(o, "id", "%d", x->shapes);
    attr(o, "name", "%s %d", name, x->shapes);
    end(o);
    start(o, "wp:cNvGraphicFramePr");
    end(o);
    graphic_open(o, URI_WPS);
    start(o, "wps:wsp");
    start(o, "wps:cNvSpPr");
    end(o);
    start(o, "wps:spPr");
    xfrm(o, w, h);
}

static void anchor_close(docx *x)
{
    for (int i = 0; i < 6; i++) /* wps:wsp, a:graphicData, a:graphic, wp:anchor, w:drawing, w:r */
        end(x->w);
}

/* A group's brace: a preset right brace br->h pt high spanning the group's
 * lines (their count is cy over the lines' pitch, rounded), stroked as the
 * layout strokes it (0.7 pt), its curls as tall as the brace is wide. */
static void brace(docx *x, const pg_wbrace *br)
{
    xmlTextWriterPtr o = x->w;
    anchor_open(x, br->x, br->y, br->w, br->h, "Brace");
    start(o, "a:prstGeom");
    attr(o, "prst", "rightBrace");
    start(o, "a:avLst");
    /* adj1: the curls' height in thousandths of a percent of the width (the
     * shorter side); adj2: the tip in the middle */
    double curl = fmin(br->h / 4, br->w);
    start(o, "a:gd");
    attr(o, "name", "adj1");
    attr(o, "fmla", "val %ld", br->w > 0 ? lround(100000 * curl / br->w) : 8333);
    end(o);
    start(o, "a:gd");
    attr(o, "name", "adj2");
    attr(o, "fmla", "val 50000");
    end(o);
    end(o);
    end(o);
    start(o, "a:noFill");
    end(o);
    start(o, "a:ln");
    attr(o, "w", "%ld", emu(0.7));
    start(o, "a:solidFill");
    start(o, "a:srgbClr");
    attr(o, "val", "000000");
    end(o);
    end(o);
    end(o);
    end(o); /* wps:spPr */
    start(o, "wps:bodyPr");
    end(o);
    anchor_close(x);
}

/* The purpose beside the brace: a borderless text box of its lines, centred. */
static void purpose(docx *x, const pg_wbrace *br)
{
    xmlTextWriterPtr o = x->w;
    double h = br->purpose_lines * br->pitch;
    anchor_open(x, br->px, br->py, br->pw, h, "Purpose");
    start(o, "a:prstGeom");
    attr(o, "prst", "rect");
    start(o, "a:avLst");
    end(o);
    end(o);
    start(o, "a:noFill");
    end(o);
    start(o, "a:ln");
    start(o, "a:noFill");
    end(o);
    end(o);
    end(o); /* wps:spPr */
    start(o, "wps:txbx");
    start(o, "w:txbxContent");
    const pg_textstyle *t = &x->st->text[PG_ROLE_RECIPIENT];
    pg_wpara p = {
        .role = PG_ROLE_RECIPIENT, .align = PG_ALIGN_CENTER, .no_indent = 1, .no_space_after = 1};
    pg_textstyle flat = *t;
    flat.space_before = 0;
    start(o, "w:p");
    ppr(o, &flat, &p);
    run(o, t, 0, br->purpose ? br->purpose : "");
    end(o);
    end(o);
    end(o);
    start(o, "wps:bodyPr");
    pg_xw_attrs(o, "wrap", "square", "lIns", "0", "tIns", "0", "rIns", "0", "bIns", "0", "anchor",
                "ctr", (char *)NULL);
    start(o, "a:noAutofit");
    end(o);
    end(o);
    anchor_close(x);
}

/* A picture in line: w x h pt, word/media/imageN.png, the link as its text. */
static void inline_picture(docx *x, const pg_wpicture *pic)
{
    xmlTextWriterPtr o = x->w;
    int n = ++x->pictures;
    x->shapes++;
    start(o, "w:r");
    start(o, "w:drawing");
    start(o, "wp:inline");
    pg_xw_attrs(o, "distT", "0", "distB", "0", "distL", "0", "distR", "0", (char *)NULL);
    start(o, "wp:extent");
    attr(o, "cx", "%ld", emu(pic->w));
    attr(o, "cy", "%ld", emu(pic->h));
    end(o);
    start(o, "wp:docPr");
    attr(o, "id", "%d", x->shapes);
    attr(o, "name", "%s %d", pic->qr ? "QR" : "Image", n);
    xmlTextWriterWriteAttribute(o, (const xmlChar *)"descr", (const xmlChar *)pic->alt);
    end(o);
    start(o, "wp:cNvGraphicFramePr");
    start(o, "a:graphicFrameLocks");
    attr(o, "xmlns:a", NS_A);
    attr(o, "noChangeAspect", "1");
    end(o);
    end(o);
    graphic_open(o, NS_PIC);
    start(o, "pic:pic");
    attr(o, "xmlns:pic", NS_PIC);
    start(o, "pic:nvPicPr");
    start(o, "pic:cNvPr");
    attr(o, "id", "%d", n);
    attr(o, "name", "image%d.png", n);
    xmlTextWriterWriteAttribute(o, (const xmlChar *)"descr", (const xmlChar *)pic->alt);
    end(o);
    start(o, "pic:cNvPicPr");
    end(o);
    end(o);
    start(o, "pic:blipFill");
    start(o, "a:blip");
    attr(o, "r:embed", "rIdImg%d", n);
    end(o);
    start(o, "a:stretch");
    start(o, "a:fillRect");
    end(o);
    end(o);
    end(o);
    start(o, "pic:spPr");
    xfrm(o, pic->w, pic->h);
    start(o, "a:prstGeom");
    attr(o, "prst", "rect");
    start(o, "a:avLst");
    end(o);
    end(o);
    end(o);
    end(o); /* pic:pic */
    end(o);
    end(o);
    end(o); /* wp:inline */
    end(o);
    end(o);
}

/* ---- the walk's handlers ------------------------------------------------------------- */

static void h_para_open(void *ud, const pg_wpara *p)
{
    docx *x = ud;
    pg_wpara q = *p;
    if (q.orient && x->w == x->body) {
        /* an appendix: a new section when it turns the page or numbers its
         * pages afresh, else a page break */
        if (q.orient != x->orient || q.restart) {
            section_break(x, q.orient, q.restart);
            q.page_break = 0;
        }
    }
    start(x->w, "w:p");
    ppr(x->w, &x->st->text[q.role], &q);
    if (x->note_mark) {
        const pg_textstyle *t = &x->st->text[PG_ROLE_FOOTNOTE];
        start(x->w, "w:r");
        rpr(x->w, t, PG_W_SUPER);
        flag(x->w, "w:footnoteRef");
        end(x->w);
        run(x->w, t, 0, " ");
        x->note_mark = 0;
    }
    if (q.brace) {
        brace(x, q.brace);
        purpose(x, q.brace);
    }
}

/* Ends the paragraph, cell, row or table opened last. */
static void h_close(void *ud)
{
    docx *x = ud;
    end(x->w);
}

static void h_run(void *ud, pg_role role, int flags, const char *text)
{
    docx *x = ud;
    run(x->w, &x->st->text[role], flags, text);
}

static void h_note_open(void *ud, int number)
{
    docx *x = ud;
    start(x->w, "w:r");
    rpr(x->w, &x->st->text[PG_ROLE_BODY], PG_W_SUPER);
    start(x->w, "w:footnoteReference");
    attr(x->w, "w:id", "%d", number);
    end(x->w);
    end(x->w);
    x->w = x->fw;
    start(x->w, "w:footnote");
    attr(x->w, "w:id", "%d", number);
    x->note_mark = 1;
}

static void h_note_close(void *ud)
{
    docx *x = ud;
    end(x->w);
    x->w = x->body;
}

/* An empty paragraph h pt high. */
static void h_gap(void *ud, double h)
{
    docx *x = ud;
    xmlTextWriterPtr w = x->w;
    start(w, "w:p");
    start(w, "w:pPr");
    start(w, "w:spacing");
    attr(w, "w:before", "0");
    attr(w, "w:after", "0");
    attr(w, "w:line", "%ld", tw(h < 1 ? 1 : h));
    attr(w, "w:lineRule", "exact");
    end(w);
    end(w);
    start(w, "w:rPr");
    val(w, "w:sz", "2");
    end(w);
    end(w);
}

/* A centred rule: an empty paragraph 2 pt high with a bottom border, indented
 * on both sides, then after pt. */
static void h_rule(void *ud, double len, double avail, double after)
{
    docx *x = ud;
    xmlTextWriterPtr w = x->w;
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

/* The table's properties and grid: borders of border (a style's width, pt) or
 * none, cells padded pad pt (left and right only when top_bottom is 0). */
static void table_props(docx *x, const double *widths, int nc, double border, double pad,
                        int top_bottom, int centred)
{
    xmlTextWriterPtr w = x->w;
    double total = 0;
    for (int i = 0; i < nc; i++)
        total += widths[i];
    start(w, "w:tbl");
    start(w, "w:tblPr");
    start(w, "w:tblW");
    attr(w, "w:w", "%ld", tw(total));
    attr(w, "w:type", "dxa");
    end(w);
    if (centred)
        val(w, "w:jc", "center");
    start(w, "w:tblBorders");
    static const char *const sides[] = {"w:top",   "w:left",    "w:bottom",
                                        "w:right", "w:insideH", "w:insideV"};
    for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
        start(w, sides[i]);
        if (border > 0) {
            attr(w, "w:val", "single");
            attr(w, "w:sz", "%ld", ep(border));
            attr(w, "w:space", "0");
            attr(w, "w:color", "auto");
        } else {
            attr(w, "w:val", "nil");
        }
        end(w);
    }
    end(w);
    val(w, "w:tblLayout", "fixed");
    start(w, "w:tblCellMar");
    static const char *const mar[] = {"w:top", "w:left", "w:bottom", "w:right"};
    for (size_t i = 0; i < 4; i++) {
        if (!top_bottom && (i == 0 || i == 2))
            continue;
        start(w, mar[i]);
        attr(w, "w:w", "%ld", tw(pad));
        attr(w, "w:type", "dxa");
        end(w);
    }
    end(w);
    end(w);
    start(w, "w:tblGrid");
    for (int i = 0; i < nc; i++) {
        start(w, "w:gridCol");
        attr(w, "w:w", "%ld", tw(widths[i]));
        end(w);
    }
    end(w);
}

static void h_table_open(void *ud, const pg_node *t, const double *widths)
{
    docx *x = ud;
    table_props(x, widths, t->u.table.ncols, x->st->border_width, x->st->cell_padding, 1, 1);
}

static void h_row_open(void *ud, int header)
{
    docx *x = ud;
    start(x->w, "w:tr");
    /* rows may break across pages, as plangen's own tables do */
    if (header) {
        start(x->w, "w:trPr");
        flag(x->w, "w:tblHeader");
        end(x->w);
    }
}

/* Opens a cell of width pt. */
static void h_cell_open(void *ud, double width)
{
    docx *x = ud;
    xmlTextWriterPtr w = x->w;
    start(w, "w:tc");
    start(w, "w:tcPr");
    start(w, "w:tcW");
    attr(w, "w:w", "%ld", tw(width));
    attr(w, "w:type", "dxa");
    end(w);
    end(w);
}

static void h_table_close(void *ud)
{
    docx *x = ud;
    end(x->w);
    /* Word merges two tables that touch: a paragraph after each keeps them apart */
    h_gap(x, 1);
}

static void h_two_open(void *ud, double a, double b)
{
    docx *x = ud;
    double wd[2] = {a, b};
    table_props(x, wd, 2, 0, 0, 0, 0);
}

static void h_picture(void *ud, const pg_wpicture *pic, const pg_wpara *p)
{
    docx *x = ud;
    pg_textstyle t = x->st->text[p->role];
    t.pitch = pic->h; /* the line as high as the picture */
    t.space_before = 6;
    t.space_after = 6;
    start(x->w, "w:p");
    ppr(x->w, &t, p);
    inline_picture(x, pic);
    end(x->w);
}

static const pg_wops ops = {.para_open = h_para_open,
                            .close = h_close,
                            .run = h_run,
                            .note_open = h_note_open,
                            .note_close = h_note_close,
                            .gap = h_gap,
                            .rule = h_rule,
                            .table_open = h_table_open,
                            .table_close = h_table_close,
                            .two_open = h_two_open,
                            .row_open = h_row_open,
                            .cell_open = h_cell_open,
                            .picture = h_picture};

/* ---- parts ------------------------------------------------------------------------ */

static xmlTextWriterPtr part_open(xmlBufferPtr buf, const char *root, int ns_r)
{
    xmlTextWriterPtr w = pg_xw_new(buf);
    start(w, root);
    attr(w, "xmlns:w", NS_W);
    if (ns_r)
        attr(w, "xmlns:r", NS_R);
    return w;
}

static void document_part(docx *x, xmlBufferPtr buf, xmlBufferPtr notes)
{
    xmlTextWriterPtr w = part_open(buf, "w:document", 1);
    attr(w, "xmlns:wp", NS_WP);
    attr(w, "xmlns:wps", NS_WPS);
    x->body = x->w = w;
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
    /* a 1 pt paragraph before the header's table: LibreOffice puts an empty line
     * of its own above a table that opens a document with footnotes */
    h_gap(x, 1);
    pg_wdoc_walk(x->wd, &ops, x);
    section_props(x, w, x->orient);
    end(w);
    pg_xw_close(w);
    pg_xw_close(x->fw);
    x->fw = x->w = x->body = NULL;
}

/* A header: the page number centred (role PG_ROLE_PAGE_NUMBER), the draft mark
 * at the right (PG_ROLE_DRAFT, the document's first page), or nothing. */
static void header_part(docx *x, xmlBufferPtr buf, pg_role role)
{
    xmlTextWriterPtr w = part_open(buf, "w:hdr", 1);
    const pg_textstyle *t = &x->st->text[role];
    const char *draft = x->wd->doc->draft_line;
    start(w, "w:p");
    pg_wpara p = {.role = role,
                  .no_indent = 1,
                  .align = role == PG_ROLE_DRAFT ? PG_ALIGN_RIGHT : PG_ALIGN_CENTER};
    ppr(w, t, &p);
    if (role == PG_ROLE_PAGE_NUMBER) {
        start(w, "w:fldSimple");
        attr(w, "w:instr", " PAGE ");
        run(w, t, 0, "1");
        end(w);
    } else if (role == PG_ROLE_DRAFT && draft) {
        run(w, t, 0, draft);
    }
    end(w);
    pg_xw_close(w);
}

/* The default paragraph and table styles. */
static const char default_styles[] =
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
    "<w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">"
    "<w:name w:val=\"Normal Table\"/></w:style>";

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
    xmlTextWriterWriteRaw(w, (const xmlChar *)default_styles);
    pg_xw_close(w);
}

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Default Extension=\"png\" ContentType=\"image/png\"/>"
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
    "<Override PartName=\"/word/header2.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/word/header3.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "</Types>";

static const char package_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/>"
    "</Relationships>";

#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

/* word/_rels/document.xml.rels: the fixed parts and one image per picture. */
static GString *document_rels(size_t pictures)
{
    GString *s = g_string_new(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rIdStyles\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"
        "<Relationship Id=\"rIdSettings\" Type=\"" REL "settings\" Target=\"settings.xml\"/>"
        "<Relationship Id=\"rIdFootnotes\" Type=\"" REL "footnotes\" Target=\"footnotes.xml\"/>"
        "<Relationship Id=\"rIdHeader\" Type=\"" REL "header\" Target=\"header1.xml\"/>"
        "<Relationship Id=\"rIdHeaderFirst\" Type=\"" REL "header\" Target=\"header2.xml\"/>"
        "<Relationship Id=\"rIdHeaderEmpty\" Type=\"" REL "header\" Target=\"header3.xml\"/>");
    for (size_t i = 1; i <= pictures; i++)
        g_string_append_printf(s,
                               "<Relationship Id=\"rIdImg%zu\" Type=\"" REL
                               "image\" Target=\"media/image%zu.png\"/>",
                               i, i);
    g_string_append(s, "</Relationships>");
    return s;
}

static const char settings[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:settings xmlns:w=\"" NS_W "\">"
    "<w:defaultTabStop w:val=\"720\"/>"
    "<w:characterSpacingControl w:val=\"doNotCompress\"/>"
    "<w:footnotePr><w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/></w:footnotePr>"
    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
    "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
    "</w:settings>";

int pg_docx_write(const pg_doc *doc, const pg_style *style, const pg_pages *pages,
                  const char *target, pg_diag_list *d)
{
    int rc = 0;
    pg_wdoc wd;
    xmlBufferPtr parts[6];
    for (int i = 0; i < 6; i++)
        parts[i] = xmlBufferCreate();
    GString *rels = NULL;
    if (!pg_wdoc_init(&wd, doc, style, pages, target, d))
        goto cleanup;
    docx x = {.wd = &wd, .st = style, .orient = 1};
    document_part(&x, parts[0], parts[2]);
    styles_part(&x, parts[1]);
    header_part(&x, parts[3], PG_ROLE_PAGE_NUMBER);
    header_part(&x, parts[4], PG_ROLE_DRAFT);
    header_part(&x, parts[5], PG_ROLE_BODY);
    rels = document_rels(wd.n_pictures);
    const pg_zip_entry e[] = {
        {"[Content_Types].xml", content_types, sizeof content_types - 1, 0},
        {"_rels/.rels", package_rels, sizeof package_rels - 1, 0},
        {"word/document.xml", parts[0]->content, parts[0]->use, 0},
        {"word/_rels/document.xml.rels", rels->str, rels->len, 0},
        {"word/styles.xml", parts[1]->content, parts[1]->use, 0},
        {"word/settings.xml", settings, sizeof settings - 1, 0},
        {"word/footnotes.xml", parts[2]->content, parts[2]->use, 0},
        {"word/header1.xml", parts[3]->content, parts[3]->use, 0},
        {"word/header2.xml", parts[4]->content, parts[4]->use, 0},
        {"word/header3.xml", parts[5]->content, parts[5]->use, 0},
    };
    rc = pg_zip_write(e, sizeof e / sizeof *e, &wd, "word/media/", target, "DOCX", d);
cleanup:
    if (rels)
        g_string_free(rels, TRUE);
    pg_wdoc_free(&wd);
    for (int i = 0; i < 6; i++)
        xmlBufferFree(parts[i]);
    return rc;
}
