/* layout_title.c - the first page's header blocks and title, and the closing
 * block: recipients with their braces, the signature, the typist line (see
 * layout_internal.h). */
#include "layout_internal.h"

#include "i18n.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- first-page header and title ---------------------------------------------- */

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
        {.kind = PG_ITEM_RULE, .role = role, .color = c, .x = bx, .y = y, .w = w, .h = t,
         .artifact = 1},
        {.kind = PG_ITEM_RULE, .role = role, .color = c, .x = bx, .y = y + h - t, .w = w, .h = t,
         .artifact = 1},
        {.kind = PG_ITEM_RULE, .role = role, .color = c, .x = bx, .y = y, .w = t, .h = h,
         .artifact = 1},
        {.kind = PG_ITEM_RULE, .role = role, .color = c, .x = bx + w - t, .y = y, .w = t, .h = h,
         .artifact = 1},
    };
    for (int i = 0; i < 4; i++)
        elem_add(e, &frame[i]);
    double asc = font_ascent(l, role), desc = font_descent(l, role);
    pg_item it = {.kind = PG_ITEM_TEXT, .role = role, .color = c, .x = bx + (w - tw) / 2,
                  .y = y + (h - asc - desc) / 2 + asc, .w = tw,
                  .text = pg_layout_cache_line(l->cache, ly, 0), .artifact = 1};
    g_object_unref(ly);
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

/* pt between the descenders of a line and the top of the short rule under it
 * (the issuing body's, the summary's): a rule right under the descenders reads
 * as an underline */
#define RULE_GAP 3.5

void layout_title_block(lay *l)
{
    const pg_doc *doc = l->doc;
    const pg_style *st = l->st;
    felem *e = new_elem(l, 0);
    int hid = elem_begin(l, e, PG_STRUCT_HEADER, 0, NULL);
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
        double rule_y = e->items[e->n - 1].y + font_descent(l, PG_ROLE_ISSUER) + RULE_GAP +
                        st->rule_width / 2;
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

    elem_end(e, PG_STRUCT_HEADER, hid);

    /* title: document type, summary, separator */
    double header_h = yl > yr ? yl : yr;
    double y = header_h + st->header_gap, summary_top = y;
    int tid = elem_begin(l, e, PG_STRUCT_TITLE, 0, NULL);
    y = column_text(l, e, PG_ROLE_DOCTYPE, doc->doctype, NULL, l->L, l->W, y, NULL);
    elem_end(e, PG_STRUCT_TITLE, tid);
    {
        pg_buf t = {0};
        PangoAttrList *al = pango_attr_list_new();
        add_inlines(l, doc->summary_shown, &t, al); /* first letter cased by the number stage */
        at_node(l, doc->summary);
        const char *cased = pg_buf_str(&t);
        summary_top = y;
        double sw = balanced_width(l, PG_ROLE_SUMMARY, cased, al, l->W * 0.9);
        int sid = elem_begin(l, e, PG_STRUCT_SUMMARY, 0, NULL);
        size_t first_line = e->n;
        y = column_text(l, e, PG_ROLE_SUMMARY, cased, al, l->L + (l->W - sw) / 2, sw, y, NULL);
        if (st->summary_rule > 0) {
            /* a short rule under the summary, a fraction of its longest line, centred */
            double w = 0;
            for (size_t k = first_line; k < e->n; k++)
                if (e->items[k].kind == PG_ITEM_TEXT && e->items[k].w > w)
                    w = e->items[k].w;
            double rw = w * st->summary_rule;
            double rule_y = e->items[e->n - 1].y + font_descent(l, PG_ROLE_SUMMARY) + RULE_GAP +
                            st->rule_width / 2;
            add_rule(e, PG_ROLE_SUMMARY, l->L + (l->W - rw) / 2, rule_y, rw, st->rule_width);
            y = rule_y + 6.0;
        }
        elem_end(e, PG_STRUCT_SUMMARY, sid);
        pango_attr_list_unref(al);
        pg_buf_free(&t);
    }
    double summary_h = y - summary_top;
    if (st->separator)
        y = column_text(l, e, PG_ROLE_SEPARATOR, st->separator, NULL, l->L, l->W, y, NULL);
    e->box.height = y;
    double room = l->page_h - st->margin_top - st->margin_bottom;
    if (y > room) {
        /* one box that no page holds: what passed the page's foot would be lost */
        const pg_node *at = summary_h > header_h ? doc->summary : doc->issuer;
        pg_diag_add(l->diags, PG_E_TOO_LARGE, at && at->file ? at->file : doc->file,
                    at ? at->pos.line : 0, at ? at->pos.col : 0,
                    "the header, title and summary take %.0f pt, more than the %.0f pt of a "
                    "page; shorten the %s",
                    y, room, summary_h > header_h ? _("summary") : _("issuing body's names"));
        l->failed = 1;
    }
    l->pending = ts(l, PG_ROLE_SEPARATOR)->space_after;
    l->keep_next = 1; /* the title never ends a page */
}

/* ---- recipients and signature ----------------------------------------------- */

/* A right curly brace "}" w x h pt at (x, y): two mirrored halves meeting at
 * the tip, stroked 0.7 pt wide. */
static void add_brace(felem *e, double x, double y, double w, double h)
{
    double r = w / 2, mid = h / 2;
    double q = h / 4 < r * 2 ? h / 4 : r * 2;
    pg_path *p = pg_path_new(0.7);
    pg_path_add(p, PG_SEG_MOVE, 0, 0, 0, 0, 0, 0);
    pg_path_add(p, PG_SEG_CURVE, r, 0, r, 0, r, q);
    pg_path_add(p, PG_SEG_LINE, r, mid - q, 0, 0, 0, 0);
    pg_path_add(p, PG_SEG_CURVE, r, mid, r, mid, w, mid);
    pg_path_add(p, PG_SEG_CURVE, r, mid, r, mid, r, mid + q);
    pg_path_add(p, PG_SEG_LINE, r, h - q, 0, 0, 0, 0);
    pg_path_add(p, PG_SEG_CURVE, r, h, r, h, 0, h);
    pg_item it = {.kind = PG_ITEM_PATH, .role = PG_ROLE_RECIPIENT, .x = x, .y = y, .w = w, .h = h,
                  .path = p, .artifact = 1};
    elem_add(e, &it);
}

/* The width of text on one line (pt), at most cap (a text past what pango's
 * int widths hold counts as cap). */
static double natural_width(lay *l, pg_role role, const char *text, double cap)
{
    PangoLayout *ly = make_layout(l, role, text, NULL, 0, PG_ALIGN_LEFT, 0);
    PangoRectangle r;
    pango_layout_get_extents(ly, NULL, &r);
    int one = pango_layout_get_line_count(ly) == 1;
    g_object_unref(ly);
    double w = r.width / (double)PANGO_SCALE;
    return one && w >= 0 && w < cap ? w : cap;
}

/* The width of the widest word of text (pt), at most cap. */
static double longest_word(lay *l, pg_role role, const char *text, double cap)
{
    char **words = g_strsplit(text, " ", -1);
    double w = 0;
    for (char **x = words; *x; x++)
        if (**x)
            w = fmax(w, natural_width(l, role, *x, cap));
    g_strfreev(words);
    return w;
}

/* A recipient's lines in [x, x + w] from y; returns the y under them. The
 * "- " opening it hangs: its further lines start under the text after it. */
static double recipient_text(lay *l, felem *e, const char *text, double x, double w, double y,
                             double *right)
{
    double hang = g_str_has_prefix(text, "- ") ? natural_width(l, PG_ROLE_RECIPIENT, "- ", w) : 0;
    PangoLayout *ly =
        make_layout(l, PG_ROLE_RECIPIENT, text, NULL, w, ts(l, PG_ROLE_RECIPIENT)->align, -hang);
    y = place_lines(l, e, PG_ROLE_RECIPIENT, ly, x, y, right);
    g_object_unref(ly);
    return y;
}

/* An image fitted in a box w x h pt centred on (cx, cy), keeping its aspect
 * ratio, as a figure of the signature with its alternate text. Returns its
 * box (w 0 when there is no image). */
static pg_box place_fitted(lay *l, felem *e, const pg_node *node, double cx, double cy, double w,
                           double h, const char *alt)
{
    pg_box b = {cx, cy, 0, 0};
    pg_image *pixels = layout_load_image(l, node);
    if (!pixels)
        return b;
    double k = fmin(w / pixels->w, h / pixels->h); /* pt a pixel */
    b.w = pixels->w * k;
    b.h = pixels->h * k;
    b.x = cx - b.w / 2;
    b.y = cy - b.h / 2;
    int fid = elem_begin(l, e, PG_STRUCT_FIGURE, 0, alt);
    pg_item it = {.kind = PG_ITEM_IMAGE, .x = b.x, .y = b.y, .w = b.w, .h = b.h,
                  .image = pixels};
    elem_add(e, &it);
    elem_end(e, PG_STRUCT_FIGURE, fid);
    return b;
}

/* A FIELD item: the place of the signature named name ("signer",
 * "organisation") over box b (pt). */
static void add_field(felem *e, const char *name, pg_box b)
{
    pg_item it = {.kind = PG_ITEM_FIELD, .x = b.x, .y = b.y, .w = b.w, .h = b.h};
    g_strlcpy(it.label, name, sizeof it.label);
    elem_add(e, &it);
}

/* NĐ 30's appearance of the digital signatures in the signature space [top,
 * top + space] of the column [x, x + w] (pt): the signer's signature image
 * centred in it, as large as it fits; the seal at its real diameter, centred
 * on the space's middle line, its right edge a third into the signature image
 * so that it covers the image's left third, drawn over it. Without a
 * signature image the seal is centred in the space. Each is the place of a
 * digital signature: an empty field "signer" over the signature image (over
 * the whole space when there is none) and "organisation" over the seal, which
 * `plangen sign --as` fills. Returns the left edge of what it drew, x at most
 * (pt). */
static double signature_images(lay *l, felem *e, const pg_signature *sg, double x, double w,
                               double top, double space)
{
    double cx = x + w / 2, cy = top + space / 2, left = x;
    pg_box sig = place_fitted(l, e, sg->image, cx, cy, w, space, "chữ ký");
    pg_box seal = {0, 0, 0, 0};
    if (sg->seal) {
        double d = sg->seal->u.image.width; /* pt */
        double scx = sig.w > 0 ? sig.x + sig.w / 3 - d / 2 : cx;
        seal = place_fitted(l, e, sg->seal, scx, cy, d, d, "con dấu");
        if (seal.w > 0 && seal.x < left)
            left = seal.x;
    }
    if (sig.w > 0)
        add_field(e, "signer", sig);
    else if (seal.w > 0)
        add_field(e, "signer", (pg_box){x, top, w, space});
    if (seal.w > 0)
        add_field(e, "organisation", seal);
    return left;
}

void layout_closing(lay *l)
{
    const pg_doc *doc = l->doc;
    const pg_style *st = l->st;
    double gap = l->pending > st->closing_gap ? l->pending : st->closing_gap;
    l->keep_next = 1; /* never alone on a page: it takes the body's last lines along */
    felem *e = new_elem(l, gap);
    int cid = elem_begin(l, e, PG_STRUCT_CLOSING, 0, NULL);
    double RW = st->signature_column * l->W, SW = l->W - RW;
    double xs = l->L + RW;

    /* signature: authority, title, room for signature and seal, name */
    const pg_signature *sg = &doc->signature;
    l->at_file = doc->file;
    l->at = sg->pos;
    double ys = 0;
    int sid = elem_begin(l, e, PG_STRUCT_SIGNATURE, 0, NULL);
    if (sg->authority_line)
        ys = column_text(l, e, PG_ROLE_SIGN_AUTHORITY, sg->authority_line, NULL, xs, SW, ys, NULL);
    if (sg->title_line)
        ys = column_text(l, e, PG_ROLE_SIGN_TITLE, sg->title_line, NULL, xs, SW, ys, NULL);
    double sig_left = xs; /* pt: the seal may reach left of the column */
    if (sg->image || sg->seal)
        sig_left = signature_images(l, e, sg, xs, SW, ys, st->signature_space);
    ys += st->signature_space;
    if (sg->name)
        ys = column_text(l, e, PG_ROLE_SIGN_NAME, sg->name, NULL, xs, SW, ys, NULL);
    elem_end(e, PG_STRUCT_SIGNATURE, sid);

    /* recipients: "Nơi nhận:" level with the first signature line. A seal of 40 mm
     * over the left third of a signature image centred in its column reaches
     * into this one: the recipients then end 6 pt short of it, never under it */
    double rw = RW;
    if (sig_left < l->L + RW)
        rw = fmax(RW * 0.6, sig_left - 6 - l->L);
    double yr = 0, purpose_top = 0, purpose_bottom = 0; /* a group's purpose may reach past */
    int rid = doc->has_recipients ? elem_begin(l, e, PG_STRUCT_RECIPIENTS, 0, NULL) : 0;
    if (doc->has_recipients) {
        double first_baseline = baseline_offset(l, PG_ROLE_SIGN_AUTHORITY);
        yr = first_baseline - baseline_offset(l, PG_ROLE_RECIPIENTS_HEADING);
        yr = column_text(l, e, PG_ROLE_RECIPIENTS_HEADING, st->recipients_heading, NULL, l->L, rw,
                         yr, NULL);
        double asc = font_ascent(l, PG_ROLE_RECIPIENT), desc = font_descent(l, PG_ROLE_RECIPIENT);
        double off = baseline_offset(l, PG_ROLE_RECIPIENT);
        for (size_t i = 0; i < doc->n_recipients;) {
            const pg_recipient *r = &doc->recipients[i];
            l->at = r->pos;
            if (!r->group) {
                yr = recipient_text(l, e, r->line, l->L, rw, yr, NULL);
                i++;
                continue;
            }
            /* a group: its lines, a right brace spanning them, the purpose to its right.
             * The items take the width they need, the purpose wraps in what is left
             * (at least its longest word, and room for it in three lines or a fifth
             * of the column), so that each item keeps one line where it can */
            const pg_recipient_group *g = &doc->groups[r->group - 1];
            const char *purpose = g->purpose_line;
            double brace_w = 5, pad = 3;
            double pn = natural_width(l, PG_ROLE_RECIPIENT, purpose, rw);
            double pw_min = longest_word(l, PG_ROLE_RECIPIENT, purpose, rw);
            double share = fmax(rw * 0.2, pn / 3);
            if (pw_min < fmin(pn, share))
                pw_min = fmin(pn, share);
            double need = 0;
            size_t k = i;
            for (; k < doc->n_recipients && doc->recipients[k].group == r->group; k++)
                need = fmax(need, natural_width(l, PG_ROLE_RECIPIENT, doc->recipients[k].line, rw));
            double item_w = fmin(need + 0.5, rw - pw_min - brace_w - 2 * pad);
            double top = yr, right = l->L;
            size_t first_item = e->n;
            for (k = i; k < doc->n_recipients && doc->recipients[k].group == r->group; k++)
                yr = recipient_text(l, e, doc->recipients[k].line, l->L, item_w, yr, &right);
            double pw = l->L + rw - (right + 2 * pad + brace_w);
            if (pw > pn)
                pw = pn;
            if (pw < 1)
                pw = 1;
            double y0 = top + off - asc, y1 = yr - pitch(l, PG_ROLE_RECIPIENT) + off + desc;
            add_brace(e, right + pad, y0, brace_w, y1 - y0);
            PangoLayout *ply = make_layout(l, PG_ROLE_RECIPIENT, purpose, NULL, pw + 1,
                                           PG_ALIGN_CENTER, 0);
            int nl = pango_layout_get_line_count(ply);
            /* centre the purpose's glyphs on the brace's tip */
            double mid = (y0 + y1) / 2;
            double ptop = mid - off - ((nl - 1) * pitch(l, PG_ROLE_RECIPIENT) + desc - asc) / 2;
            double pbottom =
                place_lines(l, e, PG_ROLE_RECIPIENT, ply, right + pad + brace_w + pad, ptop, NULL);
            if (ptop < top) {
                /* a purpose of more lines than the group: the group moves down so
                 * that it stays clear of the lines above, and what follows comes
                 * under it */
                double dy = top - ptop;
                for (size_t j = first_item; j < e->n; j++)
                    e->items[j].y += dy;
                ptop += dy;
                pbottom += dy;
                yr += dy;
            }
            if (pbottom > yr)
                yr = pbottom;
            if (ptop < purpose_top)
                purpose_top = ptop;
            if (pbottom > purpose_bottom)
                purpose_bottom = pbottom;
            g_object_unref(ply);
            i = k;
        }
        if (doc->archive_line)
            yr = recipient_text(l, e, doc->archive_line, l->L, rw, yr, NULL);
        elem_end(e, PG_STRUCT_RECIPIENTS, rid);
    }
    if (doc->typist_line) /* typist's initials and the number of copies, under the recipients */
        yr = column_text(l, e, PG_ROLE_TYPIST, doc->typist_line, NULL, l->L, rw, yr + 4, NULL);
    elem_end(e, PG_STRUCT_CLOSING, cid);
    e->box.height = ys > yr ? ys : yr;
    double room = l->page_h - st->margin_top - st->margin_bottom;
    double rh = (yr > purpose_bottom ? yr : purpose_bottom) - purpose_top;
    if (ys > room || rh > room) {
        /* one box that no page holds: what passed the page's foot would be lost */
        int sig = ys > rh;
        pg_pos at = sig ? sg->pos : doc->recipients_pos;
        pg_diag_add(l->diags, PG_E_TOO_LARGE, doc->file, at.line, at.col,
                    "the %s take %.0f pt, more than the %.0f pt of a page; shorten %s",
                    sig ? _("signature's lines") : _("recipients"), sig ? ys : rh, room,
                    sig ? _("them") : _("the list or a group's purpose"));
        l->failed = 1;
    }
}

