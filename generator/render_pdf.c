/* render_pdf.c - the PDF entry points over plangen's writer (pdf.c), with
 * atomic output files, and the cairo drawing device of the PNG pages (which
 * draws a character the font lacks as the PDF does: the font's .notdef). */
#include "render.h"

#include "pdf.h"
#include "render_draw.h"

#include <errno.h>
#include <stdio.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the cairo device ---------------------------------------------------------- */

static void draw_brace(cairo_t *cr, double x, double y, double w, double h)
{
    /* a right curly brace "}" as two mirrored halves meeting at the tip */
    double r = w / 2, mid = y + h / 2;
    double q = h / 4 < r * 2 ? h / 4 : r * 2;
    cairo_move_to(cr, x, y);
    cairo_curve_to(cr, x + r, y, x + r, y, x + r, y + q);
    cairo_line_to(cr, x + r, mid - q);
    cairo_curve_to(cr, x + r, mid, x + r, mid, x + w, mid);
    cairo_curve_to(cr, x + r, mid, x + r, mid, x + r, mid + q);
    cairo_line_to(cr, x + r, y + h - q);
    cairo_curve_to(cr, x + r, y + h, x + r, y + h, x, y + h);
    cairo_set_line_width(cr, 0.7);
    cairo_stroke(cr);
}

/* 1 when line holds a glyph its font lacks (pango's unknown glyph). */
static int has_unknown(PangoLayoutLine *line)
{
    for (GSList *r = line->runs; r; r = r->next) {
        const PangoGlyphString *gs = ((PangoGlyphItem *)r->data)->glyphs;
        for (int i = 0; i < gs->num_glyphs; i++)
            if (gs->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG)
                return 1;
    }
    return 0;
}

/* Draws a line holding characters its font lacks as the PDF writer does: each
 * as the font's .notdef glyph (never pango's hex box), run by run. */
static void show_line_notdef(cairo_t *cr, PangoLayoutLine *line, double x, double y)
{
    for (GSList *r = line->runs; r; r = r->next) {
        PangoGlyphItem *gi = r->data;
        PangoGlyphString *gs = pango_glyph_string_copy(gi->glyphs);
        for (int i = 0; i < gs->num_glyphs; i++)
            if (gs->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG)
                gs->glyphs[i].glyph = 0;
        double w = pango_glyph_string_get_width(gs) / (double)PANGO_SCALE;
        double run_x = x + gi->start_x_offset / (double)PANGO_SCALE;
        double run_y = y - gi->y_offset / (double)PANGO_SCALE;
        cairo_move_to(cr, run_x, run_y);
        pango_cairo_show_glyph_string(cr, gi->item->analysis.font, gs);
        for (GSList *a = gi->item->analysis.extra_attrs; a; a = a->next) {
            PangoAttribute *attr = a->data;
            if (attr->klass->type != PANGO_ATTR_UNDERLINE ||
                ((PangoAttrInt *)attr)->value == PANGO_UNDERLINE_NONE)
                continue;
            PangoFontMetrics *m = pango_font_get_metrics(gi->item->analysis.font, NULL);
            double pos = pango_font_metrics_get_underline_position(m) / (double)PANGO_SCALE;
            double th = pango_font_metrics_get_underline_thickness(m) / (double)PANGO_SCALE;
            cairo_rectangle(cr, run_x, run_y - pos, w, th);
            cairo_fill(cr);
            pango_font_metrics_unref(m);
        }
        x = run_x + w + gi->end_x_offset / (double)PANGO_SCALE;
        pango_glyph_string_free(gs);
    }
}

void pg_draw_item(cairo_t *cr, const pg_item *it)
{
    cairo_set_source_rgb(cr, (it->color >> 16 & 0xFF) / 255.0, (it->color >> 8 & 0xFF) / 255.0,
                         (it->color & 0xFF) / 255.0);
    switch (it->kind) {
    case PG_ITEM_TEXT: {
        PangoLayoutLine *line = pango_layout_get_line_readonly(it->layout, it->line);
        if (!line)
            return;
        if (has_unknown(line)) {
            show_line_notdef(cr, line, it->x, it->y);
            break;
        }
        cairo_move_to(cr, it->x, it->y);
        pango_cairo_show_layout_line(cr, line);
        break;
    }
    case PG_ITEM_RULE:
    case PG_ITEM_RECT:
        cairo_rectangle(cr, it->x, it->y, it->w, it->h);
        cairo_fill(cr);
        break;
    case PG_ITEM_BRACE:
        draw_brace(cr, it->x, it->y, it->w, it->h);
        break;
    case PG_ITEM_IMAGE: {
        cairo_surface_t *img = it->image;
        int iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
        if (iw <= 0 || ih <= 0)
            return;
        cairo_save(cr);
        cairo_translate(cr, it->x, it->y);
        cairo_scale(cr, it->w / iw, it->h / ih);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        break;
    }
    case PG_ITEM_LINK: {
        char attrs[160];
        snprintf(attrs, sizeof attrs, "rect=[%.2f %.2f %.2f %.2f] dest='fn-%d'", it->x, it->y,
                 it->w, it->h, it->target);
        cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
        cairo_tag_end(cr, CAIRO_TAG_LINK);
        break;
    }
    case PG_ITEM_DEST: {
        char attrs[160];
        snprintf(attrs, sizeof attrs, "name='fn-%d' x=%.2f y=%.2f", it->target, it->x, it->y);
        cairo_tag_begin(cr, CAIRO_TAG_DEST, attrs);
        cairo_tag_end(cr, CAIRO_TAG_DEST);
        break;
    }
    }
}

/* ---- PDF ---------------------------------------------------------------------- */

int pg_pdf_write(const pg_pages *pp, const char *path, const pg_pdf_opts *opts, pg_diag_list *diags)
{
    pg_buf b = {0};
    char *error = NULL;
    if (!pg_pdf_render(pp, opts, &b, &error)) {
        pg_diag_add(diags, PG_E_FONT, path, 0, 0, "%s", error);
        g_free(error);
        return 0;
    }
    pg_output o;
    if (!pg_output_open(&o, path, diags)) {
        pg_buf_free(&b);
        return 0;
    }
    int wrote = fwrite(b.s, 1, b.len, o.f) == b.len;
    pg_buf_free(&b);
    if (!wrote) {
        pg_diag_add(diags, PG_E_OUTPUT, path, 0, 0, "cannot write: %s", strerror(errno));
        pg_output_abort(&o);
        return 0;
    }
    return pg_output_commit(&o, diags);
}

int pg_pdf_write_memory(const pg_pages *pp, const pg_pdf_opts *opts, unsigned char **out,
                        size_t *len)
{
    pg_buf b = {0};
    *out = NULL;
    *len = 0;
    if (!pg_pdf_render(pp, opts, &b, NULL))
        return 0;
    *len = b.len;
    *out = (unsigned char *)b.s;
    return 1;
}
