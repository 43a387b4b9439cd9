/* writer.c - what the DOCX and ODT writers share (see writer.h): one walk of
 * the numbered document, the facts read back from plangen's layout, pictures
 * as PNG and the zip package. Lengths in pt. */
#include "writer.h"

#include "output.h"
#include "png_io.h"

#include <glib.h>
#include <math.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* Every zip entry's time, in MS-DOS form so that no time zone enters the bytes:
 * 2000-01-01 12:00:00 (date: years since 1980 << 9 | month << 5 | day; time:
 * hours << 11 | minutes << 5 | seconds / 2). */
enum { ZIP_DOS_DATE = (2000 - 1980) << 9 | 1 << 5 | 1, ZIP_DOS_TIME = 12 << 11 };

/* The room (pt) plangen's layout leaves between a group's lines, its brace and
 * its purpose (layout_title.c). */
#define BRACE_PAD 3.0

double pg_wdoc_pitch(const pg_textstyle *t)
{
    /* as the layout: the role's pitch, else 1.15 times the size */
    return t->pitch > 0 ? t->pitch : 1.15 * t->size;
}

/* ---- pictures ----------------------------------------------------------------------- */

/* The PNG of pixels held as cairo held them (see png_io.h). Returns 1 on success. */
static int pixels_png(const pg_png_pixels *px, pg_wpicture *pic)
{
    unsigned char *png = NULL;
    size_t len = 0;
    if (!pg_png_encode(px, &png, &len))
        return 0;
    pic->png = png;
    pic->len = len;
    return 1;
}

/* The image's decoded pixels (as the PDF shows them) as a PNG. */
static int image_png(const pg_image *im, pg_wpicture *pic)
{
    if (im->w <= 0 || im->h <= 0)
        return 0;
    pg_png_pixels px = {.w = im->w, .h = im->h, .alpha = im->alpha != NULL};
    px.px = pg_xmalloc((size_t)im->w * (size_t)im->h * sizeof *px.px);
    for (int y = 0; y < im->h; y++) {
        uint32_t *row = px.px + (size_t)y * (size_t)im->w;
        for (int x = 0; x < im->w; x++) {
            size_t k = (size_t)y * (size_t)im->w + (size_t)x;
            unsigned a = im->alpha ? im->alpha[k] : 255;
            /* premultiplied, as cairo kept them */
            unsigned r = (im->rgb[3 * k] * a + 127) / 255, g = (im->rgb[3 * k + 1] * a + 127) / 255,
                     bl = (im->rgb[3 * k + 2] * a + 127) / 255;
            row[x] = (uint32_t)a << 24 | r << 16 | g << 8 | bl;
        }
    }
    int ok = pixels_png(&px, pic);
    free(px.px);
    return ok;
}

/* The QR code of href as a PNG: the modules plangen's layout draws (the same
 * libqrencode call: level M, 8-bit mode, case-sensitive) with a quiet zone of
 * four modules, each module px pixels, black on white. */
static int qr_png(const char *href, pg_wpicture *pic)
{
    QRcode *code = QRcode_encodeString(href, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code)
        return 0;
    int n = code->width, px = 8, side = (n + 8) * px;
    pg_png_pixels img = {.w = side, .h = side};
    img.px = pg_xmalloc((size_t)side * (size_t)side * sizeof *img.px);
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            int mx = x / px - 4, my = y / px - 4;
            int dark = mx >= 0 && my >= 0 && mx < n && my < n && code->data[my * n + mx] & 1;
            img.px[(size_t)y * (size_t)side + (size_t)x] = dark ? 0xff000000u : 0xffffffffu;
        }
    QRcode_free(code);
    int ok = pixels_png(&img, pic);
    free(img.px);
    return ok;
}

/* ---- facts from the layout ------------------------------------------------------------ */

typedef struct {
    const pg_wdoc *w;
    const pg_pages *pages;
    size_t page, item; /* the next IMAGE item to look at */
    int in_signature;  /* inside the signature's element: its images are no figures of
                          the plan's nodes (the signer's image, the seal) */
    int failed;
} picture_walk;

/* The next IMAGE item of the pages that shows an <image> or a <qr> of the
 * plan, in order; NULL when none is left. */
static const pg_item *next_image(picture_walk *pw)
{
    for (; pw->page < pw->pages->n; pw->page++, pw->item = 0) {
        const pg_page *p = &pw->pages->pages[pw->page];
        while (pw->item < p->n) {
            const pg_item *it = &p->items[pw->item++];
            if ((it->kind == PG_ITEM_BEGIN || it->kind == PG_ITEM_END) &&
                it->structure == PG_STRUCT_SIGNATURE)
                pw->in_signature = it->kind == PG_ITEM_BEGIN;
            else if (it->kind == PG_ITEM_IMAGE && it->image && !pw->in_signature)
                return it;
        }
    }
    return NULL;
}

static void pictures_in(pg_wdoc *w, picture_walk *pw, const pg_node *first)
{
    for (const pg_node *n = first; n && !pw->failed; n = n->next) {
        if (n->type == PG_NODE_SECTION || n->type == PG_NODE_APPENDIX) {
            pictures_in(w, pw, n->first);
            continue;
        }
        if (n->type != PG_NODE_QR && n->type != PG_NODE_IMAGE)
            continue;
        w->pictures = pg_xrealloc(w->pictures, (w->n_pictures + 1) * sizeof *w->pictures);
        pg_wpicture *pic = &w->pictures[w->n_pictures];
        memset(pic, 0, sizeof *pic);
        if (n->type == PG_NODE_QR) {
            pic->qr = 1;
            pic->alt = n->u.qr.href;
            pic->w = pic->h = w->st->qr_size;
            if (!n->u.qr.href || !qr_png(n->u.qr.href, pic))
                pw->failed = 1;
        } else {
            const pg_item *it = next_image(pw);
            pic->alt = n->u.image.alt ? n->u.image.alt : n->u.image.src ? n->u.image.src : "";
            if (!it || !image_png(it->image, pic)) {
                pw->failed = 1;
            } else {
                pic->w = it->w;
                pic->h = it->h;
            }
        }
        if (!pw->failed)
            w->n_pictures++;
    }
}

/* The brace of one group from its PATH item at items[k] of page p. */
static void brace_from(pg_wdoc *w, const pg_page *p, size_t k, pg_wbrace *b)
{
    const pg_item *br = &p->items[k];
    const pg_style *st = w->st;
    double L = st->margin_left, RW = st->signature_column * w->text_w;
    double first = br->y + br->h, purpose = 0;
    int lines = 0, plines = 0;
    /* the group's lines come just before its brace, left of it */
    for (size_t j = k; j-- > 0;) {
        const pg_item *it = &p->items[j];
        if (it->kind != PG_ITEM_TEXT)
            continue;
        if (it->role != PG_ROLE_RECIPIENT || it->x >= br->x || it->y < br->y)
            break;
        lines++;
        first = it->y;
    }
    /* its purpose's lines just after it, right of it */
    for (size_t j = k + 1; j < p->n; j++) {
        const pg_item *it = &p->items[j];
        if (it->kind != PG_ITEM_TEXT)
            continue;
        if (it->role != PG_ROLE_RECIPIENT || it->x <= br->x)
            break;
        if (!plines++)
            purpose = it->y;
    }
    b->pitch = pg_wdoc_pitch(&st->text[PG_ROLE_RECIPIENT]);
    b->lines = lines > 0 ? lines : 1;
    b->purpose_lines = plines > 0 ? plines : 1;
    b->path = br->path;
    b->x = br->x - L;
    b->w = br->w;
    b->h = br->h;
    /* the brace centred on its lines' boxes, as the layout centres it on their glyphs */
    b->y = (b->lines * b->pitch - b->h) / 2;
    b->px = b->x + b->w + BRACE_PAD;
    b->pw = RW - b->px;
    if (b->pw < b->pitch)
        b->pw = b->pitch;
    b->py = plines ? purpose - first : (b->lines - 1) * b->pitch / 2;
}

static int braces_from(pg_wdoc *w, const pg_pages *pages)
{
    size_t n = 0;
    w->braces = g_new0(pg_wbrace, w->doc->n_groups ? w->doc->n_groups : 1);
    for (size_t i = 0; i < pages->n; i++) {
        const pg_page *p = &pages->pages[i];
        for (size_t k = 0; k < p->n; k++) {
            if (p->items[k].kind != PG_ITEM_PATH || p->items[k].role != PG_ROLE_RECIPIENT)
                continue;
            if (n == w->doc->n_groups) {
                w->n_braces = n + 1; /* at least: more braces than groups */
                return 0;
            }
            brace_from(w, p, k, &w->braces[n]);
            w->braces[n].purpose = w->doc->groups[n].purpose_line;
            n++;
        }
    }
    w->n_braces = n;
    return n == w->doc->n_groups;
}

int pg_wdoc_init(pg_wdoc *w, const pg_doc *doc, const pg_style *st, const pg_pages *pages,
                 const char *target, pg_diag_list *d)
{
    memset(w, 0, sizeof *w);
    w->doc = doc;
    w->st = st;
    w->text_w = st->page_w - st->margin_left - st->margin_right;
    if (!pages) {
        pg_diag_add(d, PG_E_OUTPUT, target, 0, 0,
                    "the plan was not laid out; the document writers need its layout");
        return 0;
    }
    if (!braces_from(w, pages)) {
        pg_diag_add(d, PG_E_OUTPUT, target, 0, 0,
                    "the layout drew %zu recipient braces for %zu groups; report this plan",
                    w->n_braces, doc->n_groups);
        return 0;
    }
    /* the header's, title's and summary's lines and rules: up to the first
     * structure after them */
    for (size_t k = 0; pages->n && k < pages->pages[0].n; k++) {
        const pg_item *it = &pages->pages[0].items[k];
        if (it->kind == PG_ITEM_BEGIN && it->structure != PG_STRUCT_DOCUMENT &&
            it->structure != PG_STRUCT_HEADER && it->structure != PG_STRUCT_TITLE &&
            it->structure != PG_STRUCT_SUMMARY)
            break;
        if (it->role < 0 || it->role >= PG_ROLE__COUNT)
            continue;
        if (it->kind == PG_ITEM_TEXT) {
            if (!w->lines[it->role]++)
                w->first_y[it->role] = it->y;
            if (it->w > w->line_w[it->role])
                w->line_w[it->role] = it->w;
        }
        if (it->kind == PG_ITEM_RULE && it->w > it->h)
            w->rule_w[it->role] = it->w;
    }
    picture_walk pw = {.w = w, .pages = pages};
    pictures_in(w, &pw, doc->body ? doc->body->first : NULL);
    pictures_in(w, &pw, doc->appendices ? doc->appendices->first : NULL);
    if (pw.failed) {
        pg_diag_add(d, PG_E_OUTPUT, target, 0, 0,
                    "a picture could not be written as PNG (picture %zu); report this plan",
                    w->n_pictures + 1);
        return 0;
    }
    return 1;
}

void pg_wdoc_free(pg_wdoc *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n_pictures; i++)
        free(w->pictures[i].png);
    free(w->pictures);
    g_free(w->braces);
    memset(w, 0, sizeof *w);
}

/* ---- the walk ------------------------------------------------------------------------- */

typedef struct {
    const pg_wdoc *w;
    const pg_wops *ops;
    void *ud;
    int notes;      /* footnotes so far */
    int in_note;    /* inside a footnote's text */
    int paras;      /* paragraphs opened so far (gaps, rules and pictures count) */
    double text_w;  /* pt between the margins of the page being written */
    size_t picture; /* the next picture */
} walk;

/* The indent (pt) on both sides that gives role r's lines, in avail pt, the
 * measure of its longest line in plangen's layout and 1 pt to spare (Times New
 * Roman and Liberation Serif share their advances; plangen's measure was
 * narrower than its longest line and the next word): Word and Writer break the
 * lines where plangen balanced them. */
static double measure_inset(const walk *k, pg_role r, double avail)
{
    double w = k->w->line_w[r] + 1;
    return k->w->line_w[r] > 0 && w < avail ? (avail - w) / 2 : 0;
}

/* The handlers through which every paragraph goes, counted (a cell must hold one). */
static void para_open(walk *k, const pg_wpara *p)
{
    k->paras++;
    k->ops->para_open(k->ud, p);
}

static void gap(walk *k, double h)
{
    k->paras++;
    k->ops->gap(k->ud, h);
}

static void rule(walk *k, double len, double avail, double after)
{
    k->paras++;
    k->ops->rule(k->ud, len, avail, after);
}

/* Opens a cell of width pt; returns the paragraph count to give cell_close. */
static int cell_open(walk *k, double width)
{
    k->ops->cell_open(k->ud, width);
    return k->paras;
}

/* Closes a cell opened when the count was at, after an empty paragraph if it
 * has none. */
static void cell_close(walk *k, int at)
{
    if (k->paras == at) {
        pg_wpara p = {.role = PG_ROLE_BODY, .align = -1, .no_indent = 1};
        para_open(k, &p);
        k->ops->close(k->ud);
    }
    k->ops->close(k->ud);
}

static void inlines(walk *k, const pg_node *first, pg_role role, int flags);

static void footnote(walk *k, const pg_node *n)
{
    k->notes++;
    k->ops->note_open(k->ud, k->notes);
    pg_wpara p = {.role = PG_ROLE_FOOTNOTE, .align = -1};
    para_open(k, &p);
    k->in_note = 1;
    inlines(k, n->first, PG_ROLE_FOOTNOTE, 0);
    k->in_note = 0;
    k->ops->close(k->ud);
    k->ops->note_close(k->ud);
}

static void inlines(walk *k, const pg_node *first, pg_role role, int flags)
{
    for (const pg_node *n = first; n; n = n->next) {
        switch (n->type) {
        case PG_NODE_TEXT:
            k->ops->run(k->ud, role, flags, n->u.text.text);
            break;
        case PG_NODE_BOLD:
            inlines(k, n->first, role, flags | PG_W_BOLD);
            break;
        case PG_NODE_ITALIC:
            inlines(k, n->first, role, flags | PG_W_ITALIC);
            break;
        case PG_NODE_UNDERLINE:
            inlines(k, n->first, role, flags | PG_W_UNDERLINE);
            break;
        case PG_NODE_BREAK:
            k->ops->run(k->ud, role, flags, "\n");
            break;
        case PG_NODE_FOOTNOTE:
            if (k->in_note) { /* a footnote inside a footnote: its text */
                char *s = pg_inline_text(n);
                k->ops->run(k->ud, role, flags, s);
                free(s);
            } else {
                footnote(k, n);
            }
            break;
        case PG_NODE_DEADLINE:
        case PG_NODE_INLINE:
            inlines(k, n->first, role, flags);
            break;
        default:
            break;
        }
    }
}

/* A paragraph of one text in p's role, with a rule of rule pt under it
 * centred in avail pt. */
static void line(walk *k, const pg_wpara *p, const char *text, double rule_len, double avail)
{
    pg_wpara q = *p;
    q.no_space_after = rule_len > 0;
    para_open(k, &q);
    if (text && *text)
        k->ops->run(k->ud, q.role, 0, text);
    k->ops->close(k->ud);
    if (rule_len > 0)
        rule(k, rule_len, avail, k->w->st->text[q.role].space_after);
}

static void text_para(walk *k, pg_role role, int no_indent, int align, const char *text)
{
    pg_wpara p = {.role = role, .align = align, .no_indent = no_indent};
    line(k, &p, text, 0, 0);
}

static void blocks(walk *k, const pg_node *first);

static pg_role heading_role(int depth)
{
    return depth <= 1   ? PG_ROLE_HEADING1
           : depth == 2 ? PG_ROLE_HEADING2
           : depth == 3 ? PG_ROLE_HEADING3
                        : PG_ROLE_HEADING4;
}

static void section(walk *k, const pg_node *n)
{
    const char *label = n->u.section.label ? n->u.section.label : "";
    /* the title as the plan has it: the style's upper case is the editor's
     * (w:caps, fo:text-transform), so that the text keeps its own case */
    const char *title = n->u.section.title;
    const pg_node *body = n->first;
    int run_in = (n->u.section.run_in || !title) && body && body->type == PG_NODE_PARA;
    pg_wpara p = {.role = heading_role(n->u.section.depth), .align = -1, .keep_next = !run_in};
    para_open(k, &p);
    if (*label) {
        char *l = g_strdup_printf("%s%s", label, title ? " " : "");
        k->ops->run(k->ud, p.role, PG_W_ASIS, l);
        g_free(l);
    }
    if (title)
        k->ops->run(k->ud, p.role, 0, title);
    if (run_in) {
        k->ops->run(k->ud, PG_ROLE_BODY, 0, " ");
        inlines(k, body->first, PG_ROLE_BODY, 0);
        body = body->next;
    }
    k->ops->close(k->ud);
    blocks(k, body);
}

/* A table's column widths (pt) for its share of the text width. */
static void column_widths(const walk *k, const pg_node *n, double *out)
{
    int nc = n->u.table.ncols;
    double tw = k->text_w, left = tw, shares = 0;
    for (int i = 0; i < nc; i++) {
        const pg_column *c = &n->u.table.cols[i];
        out[i] = c->fixed > 0 ? c->fixed : c->percent > 0 ? tw * c->percent / 100 : 0;
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

/* A list item's paragraph: its label, a space, its text. */
static void item(walk *k, const pg_node *n, const pg_wpara *p)
{
    para_open(k, p);
    if (n->type == PG_NODE_ITEM && n->u.item.label && *n->u.item.label) {
        char *pre = g_strdup_printf("%s ", n->u.item.label);
        k->ops->run(k->ud, p->role, 0, pre);
        g_free(pre);
    }
    inlines(k, n->first, p->role, 0);
    k->ops->close(k->ud);
}

static void table(walk *k, const pg_node *n)
{
    int nc = n->u.table.ncols;
    if (nc <= 0)
        return;
    double *wd = g_new0(double, (size_t)nc);
    column_widths(k, n, wd);
    k->ops->table_open(k->ud, n, wd);
    for (const pg_node *row = n->first; row; row = row->next) {
        if (row->type != PG_NODE_ROW)
            continue;
        int header = row->u.row.header;
        k->ops->row_open(k->ud, header);
        int col = 0;
        for (const pg_node *cell = row->first; cell; cell = cell->next, col++) {
            if (cell->type != PG_NODE_CELL)
                continue;
            int at = cell_open(k, col < nc ? wd[col] : 0);
            char a = col < nc ? n->u.table.cols[col].align : 'l';
            pg_wpara p = {.role = header ? PG_ROLE_TABLE_HEADER : PG_ROLE_TABLE,
                          .no_indent = 1,
                          .align = header     ? -1
                                   : a == 'c' ? PG_ALIGN_CENTER
                                   : a == 'r' ? PG_ALIGN_RIGHT
                                   : a == 'j' ? PG_ALIGN_JUSTIFY
                                              : PG_ALIGN_LEFT};
            for (const pg_node *b = cell->first; b; b = b->next)
                if (b->type == PG_NODE_PARA || b->type == PG_NODE_ITEM)
                    item(k, b, &p);
            cell_close(k, at);
        }
        k->ops->close(k->ud);
    }
    k->ops->table_close(k->ud);
    g_free(wd);
}

/* The next picture in a paragraph of its own: centred, right-aligned, or at
 * the body's indent (as the layout places a left-aligned QR code). */
static void picture(walk *k, pg_align align)
{
    pg_wpara p = {.role = PG_ROLE_BODY, .align = align, .no_indent = align != PG_ALIGN_LEFT};
    if (k->picture < k->w->n_pictures) {
        k->paras++;
        k->ops->picture(k->ud, &k->w->pictures[k->picture++], &p);
    }
}

static void blocks(walk *k, const pg_node *first)
{
    for (const pg_node *n = first; n; n = n->next) {
        switch (n->type) {
        case PG_NODE_SECTION:
            section(k, n);
            break;
        case PG_NODE_PARA: {
            pg_wpara p = {.role = n->u.para.basis ? PG_ROLE_BASIS : PG_ROLE_BODY, .align = -1};
            item(k, n, &p);
            break;
        }
        case PG_NODE_ITEM: {
            pg_wpara p = {.role = PG_ROLE_ITEM, .align = -1};
            item(k, n, &p);
            break;
        }
        case PG_NODE_TABLE:
            table(k, n);
            break;
        case PG_NODE_QR:
            picture(k, k->w->st->qr_align);
            if (n->u.qr.caption) /* the link under the code */
                text_para(k, PG_ROLE_QR_CAPTION, 1, k->w->st->qr_align, n->u.qr.href);
            break;
        case PG_NODE_IMAGE:
            picture(k, PG_ALIGN_CENTER);
            break;
        default:
            break;
        }
    }
}

/* The height (pt) of role r's paragraph in the header (its lines as plangen
 * laid them out) and of the rule under it, if any. */
static double header_h(const walk *k, pg_role r)
{
    const pg_textstyle *t = &k->w->st->text[r];
    int n = k->w->lines[r] > 0 ? k->w->lines[r] : 1;
    double rule = k->w->rule_w[r] > 0 ? 2 : 0; /* the rule's own paragraph is 2 pt high */
    return n * pg_wdoc_pitch(t) + t->space_before + t->space_after + rule;
}

/* The first page's header: the two blocks side by side, then the document
 * type, the summary and the separator. */
static void header(walk *k)
{
    const pg_doc *d = k->w->doc;
    const pg_style *st = k->w->st;
    double tw = k->w->text_w;
    double a = tw * (st->left_block > 0 ? st->left_block : 0.45), b = tw - a;
    pg_wpara p = {.no_indent = 1, .align = -1};
    /* the number and the date as low under their block's first line as plangen
     * sets them (NĐ 30 sets them on one line, HD 36 the date under the party's
     * name): space above them where the lines above take less */
    const double *y = k->w->first_y;
    double left = (d->parent_body_line ? header_h(k, PG_ROLE_PARENT_BODY) : 0) +
                  (d->issuer_line ? header_h(k, PG_ROLE_ISSUER) : 0) +
                  (st->issuer_mark ? header_h(k, PG_ROLE_ISSUER_MARK) : 0);
    double right = st->nation ? header_h(k, PG_ROLE_NATION) : 0;
    if (st->nation && st->motto)
        right += header_h(k, PG_ROLE_MOTTO);
    double top_l = d->parent_body_line ? y[PG_ROLE_PARENT_BODY] : y[PG_ROLE_ISSUER];
    double top_r = st->nation ? y[PG_ROLE_NATION] : y[PG_ROLE_DATE];
    double number_extra = top_l > 0 && y[PG_ROLE_NUMBER] > 0 ? y[PG_ROLE_NUMBER] - top_l - left : 0;
    double date_extra = top_r > 0 && y[PG_ROLE_DATE] > 0 ? y[PG_ROLE_DATE] - top_r - right : 0;
    k->ops->two_open(k->ud, a, b);
    k->ops->row_open(k->ud, 0);
    int at = cell_open(k, a);
    if (d->parent_body_line) {
        p.role = PG_ROLE_PARENT_BODY;
        p.inset = measure_inset(k, p.role, a);
        line(k, &p, d->parent_body_line, 0, 0);
    }
    if (d->issuer_line) {
        p.role = PG_ROLE_ISSUER;
        p.inset = measure_inset(k, p.role, a);
        line(k, &p, d->issuer_line, k->w->rule_w[p.role], a);
    }
    p.inset = 0;
    if (st->issuer_mark) {
        p.role = PG_ROLE_ISSUER_MARK;
        line(k, &p, st->issuer_mark, 0, 0);
    }
    if (d->number_line) {
        p.role = PG_ROLE_NUMBER;
        p.extra_before = number_extra > 0.5 ? number_extra : 0;
        line(k, &p, d->number_line, 0, 0);
        p.extra_before = 0;
    }
    /* the urgency and circulation marks in their frames under the number, as
     * wide as plangen draws them */
    const char *marks[2] = {d->urgency, d->circulation};
    const pg_role mark_roles[2] = {PG_ROLE_URGENCY, PG_ROLE_MARK};
    for (int i = 0; i < 2; i++) {
        double box = k->w->rule_w[mark_roles[i]];
        if (!marks[i] || box <= 0)
            continue;
        pg_wpara m = {.role = mark_roles[i],
                      .align = PG_ALIGN_CENTER,
                      .no_indent = 1,
                      .boxed = 1,
                      .extra_before = 4,
                      .inset = box < a ? (a - box) / 2 : 0};
        line(k, &m, marks[i], 0, 0);
    }
    cell_close(k, at);
    at = cell_open(k, b);
    if (st->nation) {
        pg_role last = st->motto ? PG_ROLE_MOTTO : PG_ROLE_NATION;
        const char *last_text = st->motto ? st->motto : st->nation;
        if (st->motto) {
            p.role = PG_ROLE_NATION;
            line(k, &p, st->nation, 0, 0);
        }
        p.role = last;
        line(k, &p, last_text, k->w->rule_w[last], b);
    }
    if (d->date_line) {
        p.role = PG_ROLE_DATE;
        p.extra_before = date_extra > 0.5 ? date_extra : 0;
        line(k, &p, d->date_line, 0, 0);
        p.extra_before = 0;
    }
    cell_close(k, at);
    k->ops->close(k->ud); /* the row */
    k->ops->close(k->ud); /* the table */

    gap(k, st->header_gap);
    if (d->doctype) {
        p.role = PG_ROLE_DOCTYPE;
        line(k, &p, d->doctype, 0, 0);
    }
    const pg_node *sum = d->summary_shown ? d->summary_shown : d->summary;
    if (sum) {
        double rule_len = k->w->rule_w[PG_ROLE_SUMMARY];
        p.role = PG_ROLE_SUMMARY;
        p.no_space_after = rule_len > 0;
        p.inset = measure_inset(k, p.role, tw);
        para_open(k, &p);
        p.inset = 0;
        inlines(k, sum->first, PG_ROLE_SUMMARY, 0);
        k->ops->close(k->ud);
        p.no_space_after = 0;
        if (rule_len > 0)
            rule(k, rule_len, tw, st->text[PG_ROLE_SUMMARY].space_after);
    }
    if (st->separator) {
        p.role = PG_ROLE_SEPARATOR;
        line(k, &p, st->separator, 0, 0);
    }
}

/* Recipients and signature side by side; a group's lines wrap before its
 * brace, which its first line carries with the purpose. */
static void closing(walk *k)
{
    const pg_doc *d = k->w->doc;
    const pg_style *st = k->w->st;
    double tw = k->w->text_w;
    double a = tw * (st->signature_column > 0 ? st->signature_column : 0.5), b = tw - a;
    gap(k, st->closing_gap);
    k->ops->two_open(k->ud, a, b);
    k->ops->row_open(k->ud, 0);
    int at = cell_open(k, a);
    /* a recipient's second line starts under its text, after the "- " (Times New
     * Roman: a hyphen 0.333 em and a space 0.25 em) */
    pg_wpara r = {
        .role = PG_ROLE_RECIPIENT, .align = -1, .hang = 0.583 * st->text[PG_ROLE_RECIPIENT].size};
    if (d->has_recipients) {
        if (st->recipients_heading)
            text_para(k, PG_ROLE_RECIPIENTS_HEADING, 1, -1, st->recipients_heading);
        for (size_t i = 0; i < d->n_recipients; i++) {
            const pg_recipient *rc = &d->recipients[i];
            pg_wpara q = r;
            if (rc->group > 0 && (size_t)rc->group <= k->w->n_braces) {
                const pg_recipient_group *g = &d->groups[rc->group - 1];
                const pg_wbrace *br = &k->w->braces[rc->group - 1];
                q.right = a - br->x;
                if (i == g->first)
                    q.brace = br;
            }
            line(k, &q, rc->line ? rc->line : rc->text, 0, 0);
        }
        if (d->archive_line)
            line(k, &r, d->archive_line, 0, 0);
        if (d->typist_line)
            text_para(k, PG_ROLE_TYPIST, 1, -1, d->typist_line);
    }
    cell_close(k, at);
    at = cell_open(k, b);
    const pg_signature *sg = &d->signature;
    if (sg->authority_line)
        text_para(k, PG_ROLE_SIGN_AUTHORITY, 1, -1, sg->authority_line);
    if (sg->title_line)
        text_para(k, PG_ROLE_SIGN_TITLE, 1, -1, sg->title_line);
    gap(k, st->signature_space);
    text_para(k, PG_ROLE_SIGN_NAME, 1, -1, sg->name ? sg->name : "");
    cell_close(k, at);
    k->ops->close(k->ud); /* the row */
    k->ops->close(k->ud); /* the table */
}

static void appendices(walk *k)
{
    const pg_doc *d = k->w->doc;
    if (!d->appendices)
        return;
    for (const pg_node *n = d->appendices->first; n; n = n->next) {
        if (n->type != PG_NODE_APPENDIX)
            continue;
        pg_wpara p = {.role = PG_ROLE_APPENDIX_LABEL,
                      .no_indent = 1,
                      .align = -1,
                      .page_break = 1,
                      .orient = n->u.appendix.landscape ? 2 : 1,
                      .restart = k->w->st->appendix_restart};
        const char *label =
            n->u.appendix.label_line ? n->u.appendix.label_line : n->u.appendix.label;
        const pg_style *st = k->w->st;
        k->text_w = n->u.appendix.landscape ? st->page_h - st->margin_left - st->margin_right
                                            : k->w->text_w;
        line(k, &p, label ? label : "", 0, 0);
        if (n->u.appendix.title) /* in its own case: see section() */
            text_para(k, PG_ROLE_APPENDIX_TITLE, 1, -1, n->u.appendix.title);
        if (n->u.appendix.attachment)
            text_para(k, PG_ROLE_APPENDIX_ATTACHMENT, 1, -1, n->u.appendix.attachment);
        blocks(k, n->first);
    }
}

void pg_wdoc_walk(const pg_wdoc *w, const pg_wops *ops, void *ud)
{
    walk k = {.w = w, .ops = ops, .ud = ud, .text_w = w->text_w};
    header(&k);
    blocks(&k, w->doc->body ? w->doc->body->first : NULL);
    closing(&k);
    appendices(&k);
}

const char *pg_walign_name(pg_align a, const char *const names[4])
{
    switch (a) {
    case PG_ALIGN_CENTER:
        return names[1];
    case PG_ALIGN_RIGHT:
        return names[2];
    case PG_ALIGN_JUSTIFY:
        return names[3];
    default:
        return names[0];
    }
}

/* ---- XML ----------------------------------------------------------------------------- */

xmlTextWriterPtr pg_xw_new(xmlBufferPtr buf)
{
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        fprintf(stderr, "plangen: out of memory\n");
        abort();
    }
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", "yes");
    return w;
}

void pg_xw_start(xmlTextWriterPtr w, const char *name)
{
    xmlTextWriterStartElement(w, (const xmlChar *)name);
}

void pg_xw_end(xmlTextWriterPtr w)
{
    xmlTextWriterEndElement(w);
}

void pg_xw_attr(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    xmlTextWriterWriteAttribute(w, (const xmlChar *)name, (const xmlChar *)buf);
}

void pg_xw_attrs(xmlTextWriterPtr w, ...)
{
    va_list ap;
    va_start(ap, w);
    for (const char *name; (name = va_arg(ap, const char *));) {
        const char *value = va_arg(ap, const char *);
        xmlTextWriterWriteAttribute(w, (const xmlChar *)name, (const xmlChar *)value);
    }
    va_end(ap);
}

void pg_xw_close(xmlTextWriterPtr w)
{
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
}

/* ---- the zip -------------------------------------------------------------------------- */

/* Adds one entry; data must live until zip_close(). Returns 1 on success. */
static int add_entry(zip_t *za, const pg_zip_entry *e)
{
    zip_source_t *src = zip_source_buffer(za, e->data, e->len, 0);
    if (!src)
        return 0;
    zip_int64_t i = zip_file_add(za, e->name, src, ZIP_FL_ENC_UTF_8);
    if (i < 0) {
        zip_source_free(src);
        return 0;
    }
    return zip_file_set_dostime(za, (zip_uint64_t)i, ZIP_DOS_TIME, ZIP_DOS_DATE, 0) == 0 &&
           zip_set_file_compression(za, (zip_uint64_t)i, e->stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                    e->stored ? 0 : 9) == 0;
}

/* The zip in memory: *out malloc'd. Returns 1 on success. */
static int zip_memory(const pg_zip_entry *e, size_t n, unsigned char **out, size_t *len)
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
    for (size_t i = 0; i < n; i++) {
        if (!add_entry(za, &e[i])) {
            zip_discard(za);
            za = NULL;
            goto cleanup;
        }
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
    zip_int64_t size = zip_source_tell(mem);
    zip_source_seek(mem, 0, SEEK_SET);
    if (size > 0) {
        *out = pg_xmalloc((size_t)size);
        if (zip_source_read(mem, *out, (zip_uint64_t)size) == size) {
            *len = (size_t)size;
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

int pg_zip_write(const pg_zip_entry *e, size_t n, const pg_wdoc *w, const char *prefix,
                 const char *target, const char *what, pg_diag_list *d)
{
    int rc = 0;
    unsigned char *zip = NULL;
    size_t len = 0;
    pg_output out = {0};
    size_t all = n + w->n_pictures;
    pg_zip_entry *entries = g_new0(pg_zip_entry, all);
    char **names = g_new0(char *, w->n_pictures + 1);
    memcpy(entries, e, n * sizeof *e);
    for (size_t i = 0; i < w->n_pictures; i++) {
        names[i] = g_strdup_printf("%simage%zu.png", prefix, i + 1);
        entries[n + i] = (pg_zip_entry){names[i], w->pictures[i].png, w->pictures[i].len, 1};
    }
    if (!zip_memory(entries, all, &zip, &len)) {
        pg_diag_add(d, PG_E_OUTPUT, target, 0, 0, "the %s could not be assembled (libzip)", what);
        goto cleanup;
    }
    if (!pg_output_open(&out, target, d))
        goto cleanup;
    if (fwrite(zip, 1, len, out.f) != len) {
        pg_diag_add(d, PG_E_OUTPUT, target, 0, 0, "cannot write the %s", what);
        pg_output_abort(&out);
        goto cleanup;
    }
    rc = pg_output_commit(&out, d);
cleanup:
    free(zip);
    g_strfreev(names);
    g_free(entries);
    return rc;
}
