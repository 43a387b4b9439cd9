/* render_pdf.c - the cairo drawing device shared by PNG and the cairo PDF
 * writer, and the PDF entry points: plangen's own writer (pdf.c) first, cairo's
 * for the plans it declines; output files are atomic. */
#include "render.h"

#include "pdf.h"
#include "render_draw.h"

#include <cairo-pdf.h>
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

void pg_draw_item(cairo_t *cr, const pg_item *it)
{
    cairo_set_source_rgb(cr, (it->color >> 16 & 0xFF) / 255.0, (it->color >> 8 & 0xFF) / 255.0,
                         (it->color & 0xFF) / 255.0);
    switch (it->kind) {
    case PG_ITEM_TEXT: {
        PangoLayoutLine *line = pango_layout_get_line_readonly(it->layout, it->line);
        if (!line)
            return;
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

static cairo_status_t write_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
    pg_buf_append(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* Draws every page onto a PDF surface writing through fn; returns cairo's status. */
static cairo_status_t draw_pdf(const pg_pages *pp, const pg_pdf_opts *opts,
                               cairo_write_func_t fn, void *closure)
{
    double w = pp->n ? pp->pages[0].w : 595.276, h = pp->n ? pp->pages[0].h : 841.89;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(fn, closure, w, h);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, pp->title ? pp->title : "");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, pp->author ? pp->author : "");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, pp->subject ? pp->subject : "");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS,
                                   pp->keywords ? pp->keywords : "");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
                                   opts && opts->creator ? opts->creator : "plangen");
    const char *date = opts && opts->create_date ? opts->create_date : pp->date_iso;
    if (date) {
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
    }
    cairo_t *cr = cairo_create(s);
    for (size_t i = 0; i < pp->n; i++) {
        const pg_page *p = &pp->pages[i];
        cairo_pdf_surface_set_size(s, p->w, p->h);
        for (size_t k = 0; k < p->n; k++)
            pg_draw_item(cr, &p->items[k]);
        cairo_show_page(cr);
    }
    /* bookmarks: each entry's parent is the last entry one level up */
    int parents[16] = {0};
    for (size_t i = 0; i < pp->n_outline; i++) {
        const pg_outline *o = &pp->outline[i];
        int level = o->level < 1 ? 1 : o->level > 15 ? 15 : o->level;
        char link[96];
        snprintf(link, sizeof link, "page=%d pos=[%.2f %.2f]", o->page + 1, 0.0, o->y);
        int id = cairo_pdf_surface_add_outline(s, parents[level - 1], o->title, link, 0);
        parents[level] = id;
        for (int k = level + 1; k < 16; k++)
            parents[k] = parents[level];
    }
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return st;
}

int pg_pdf_write(const pg_pages *pp, const char *path, const pg_pdf_opts *opts, pg_diag_list *diags)
{
    pg_output o;
    if (!pg_output_open(&o, path, diags))
        return 0;
    pg_buf b = {0};
    if (pg_pdf_native(pp, opts, &b)) {
        int wrote = fwrite(b.s, 1, b.len, o.f) == b.len;
        pg_buf_free(&b);
        if (!wrote) {
            pg_diag_add(diags, PG_E_OUTPUT, path, 0, 0, "cannot write: %s", strerror(errno));
            pg_output_abort(&o);
            return 0;
        }
        return pg_output_commit(&o, diags);
    }
    cairo_status_t st = draw_pdf(pp, opts, write_file, o.f);
    if (st != CAIRO_STATUS_SUCCESS) {
        pg_diag_add(diags, PG_E_OUTPUT, path, 0, 0, "cairo: %s", cairo_status_to_string(st));
        pg_output_abort(&o);
        return 0;
    }
    return pg_output_commit(&o, diags);
}

int pg_pdf_write_memory_cairo(const pg_pages *pp, const pg_pdf_opts *opts, unsigned char **out,
                              size_t *len)
{
    pg_buf b = {0};
    cairo_status_t st = draw_pdf(pp, opts, write_buf, &b);
    if (st != CAIRO_STATUS_SUCCESS) {
        pg_buf_free(&b);
        *out = NULL;
        *len = 0;
        return 0;
    }
    *len = b.len;
    *out = (unsigned char *)b.s;
    if (!*out)
        *out = pg_xcalloc(1, 1);
    return 1;
}

int pg_pdf_write_memory(const pg_pages *pp, const pg_pdf_opts *opts, unsigned char **out,
                        size_t *len)
{
    pg_buf b = {0};
    if (!pg_pdf_native(pp, opts, &b))
        return pg_pdf_write_memory_cairo(pp, opts, out, len);
    *len = b.len;
    *out = (unsigned char *)b.s;
    return 1;
}
