/* raster.c - the cairo raster device: the display list drawn into image
 * surfaces, written as PNG pages for a quick look at a chosen resolution.
 * Glyph runs are drawn with cairo_show_glyphs in the faces layout chose
 * (cairo-ft); a character the font lacks as the font's .notdef, as in the PDF. */
#include "render.h"

#include "face_cairo.h"

#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the cairo device ---------------------------------------------------------- */

static void set_colour(cairo_t *cr, unsigned c)
{
    cairo_set_source_rgb(cr, (c >> 16 & 0xFF) / 255.0, (c >> 8 & 0xFF) / 255.0,
                         (c & 0xFF) / 255.0);
}

static void draw_text(cairo_t *cr, const pg_item *it)
{
    const pg_text *tx = it->text;
    if (!tx)
        return;
    cairo_glyph_t *gl = cairo_glyph_allocate(tx->n_glyphs ? (int)tx->n_glyphs : 1);
    for (size_t r = 0; r < tx->n_runs; r++) {
        const pg_glyph_run *run = &tx->runs[r];
        cairo_font_face_t *ff = pg_face_cairo(run->face);
        if (!ff || !run->n)
            continue;
        cairo_set_font_face(cr, ff);
        cairo_set_font_size(cr, run->size);
        for (size_t i = 0; i < run->n; i++) {
            const pg_glyph *g = &tx->glyphs[run->first + i];
            gl[i] = (cairo_glyph_t){g->notdef ? 0 : g->id, it->x + g->x, it->y + g->y};
        }
        cairo_show_glyphs(cr, gl, (int)run->n);
    }
    cairo_glyph_free(gl);
    for (size_t u = 0; u < tx->n_underlines; u++) {
        const pg_box *b = &tx->underlines[u];
        cairo_rectangle(cr, it->x + b->x, it->y + b->y, b->w, b->h);
        cairo_fill(cr);
    }
}

static void draw_path(cairo_t *cr, const pg_item *it)
{
    const pg_path *p = it->path;
    for (size_t i = 0; p && i < p->n; i++) {
        const pg_seg *s = &p->seg[i];
        switch (s->kind) {
        case PG_SEG_MOVE:
            cairo_move_to(cr, it->x + s->x[0], it->y + s->y[0]);
            break;
        case PG_SEG_LINE:
            cairo_line_to(cr, it->x + s->x[0], it->y + s->y[0]);
            break;
        case PG_SEG_CURVE:
            cairo_curve_to(cr, it->x + s->x[0], it->y + s->y[0], it->x + s->x[1],
                           it->y + s->y[1], it->x + s->x[2], it->y + s->y[2]);
            break;
        }
    }
    if (p) {
        cairo_set_line_width(cr, p->line_width);
        cairo_stroke(cr);
    }
}

/* The image's pixels as cairo wants them: premultiplied ARGB in native words. */
static cairo_surface_t *image_surface(const pg_image *im)
{
    cairo_surface_t *s = cairo_image_surface_create(
        im->alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, im->w, im->h);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    if (!data)
        return s;
    for (int y = 0; y < im->h; y++) {
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < im->w; x++) {
            size_t k = (size_t)y * (size_t)im->w + (size_t)x;
            unsigned a = im->alpha ? im->alpha[k] : 255;
            unsigned r = im->rgb[3 * k], g = im->rgb[3 * k + 1], b = im->rgb[3 * k + 2];
            if (a < 255) {
                r = (r * a + 127) / 255;
                g = (g * a + 127) / 255;
                b = (b * a + 127) / 255;
            }
            row[x] = (uint32_t)a << 24 | r << 16 | g << 8 | b;
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

static void draw_item(cairo_t *cr, const pg_item *it)
{
    set_colour(cr, it->color);
    switch (it->kind) {
    case PG_ITEM_TEXT:
        draw_text(cr, it);
        break;
    case PG_ITEM_RULE:
    case PG_ITEM_RECT:
        cairo_rectangle(cr, it->x, it->y, it->w, it->h);
        cairo_fill(cr);
        break;
    case PG_ITEM_PATH:
        draw_path(cr, it);
        break;
    case PG_ITEM_IMAGE: {
        const pg_image *im = it->image;
        if (!im || im->w <= 0 || im->h <= 0)
            return;
        cairo_surface_t *img = image_surface(im);
        cairo_save(cr);
        cairo_translate(cr, it->x, it->y);
        cairo_scale(cr, it->w / im->w, it->h / im->h);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_surface_destroy(img);
        break;
    }
    case PG_ITEM_LINK:
    case PG_ITEM_DEST:
    case PG_ITEM_BEGIN:
    case PG_ITEM_END:
        break; /* nothing to see */
    }
}

/* ---- PNG pages -------------------------------------------------------------------- */

static cairo_status_t write_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* One page drawn on a white RGB24 surface of its size at dpi (the caller
 * destroys it). */
static cairo_surface_t *draw_page(const pg_page *p, double dpi)
{
    double scale = dpi / 72.0;
    /* as layout shaped the text: unhinted outlines, grey antialiasing */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    int w = (int)ceil(p->w * scale), h = (int)ceil(p->h * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    cairo_set_font_options(cr, fo);
    for (size_t k = 0; k < p->n; k++)
        draw_item(cr, &p->items[k]);
    cairo_destroy(cr);
    cairo_font_options_destroy(fo);
    return s;
}

typedef struct {
    unsigned char *data;
    size_t len, cap;
} png_sink;

static cairo_status_t write_memory(void *closure, const unsigned char *data, unsigned int len)
{
    png_sink *m = closure;
    if (m->len + len > m->cap) {
        m->cap = (m->len + len) * 2;
        m->data = pg_xrealloc(m->data, m->cap);
    }
    memcpy(m->data + m->len, data, len);
    m->len += len;
    return CAIRO_STATUS_SUCCESS;
}

int pg_png_page_memory(const pg_page *p, double dpi, unsigned char **out, size_t *len)
{
    cairo_surface_t *s = draw_page(p, dpi);
    png_sink m = {0};
    cairo_status_t st = cairo_surface_status(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(s, write_memory, &m);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(m.data);
        *out = NULL;
        *len = 0;
        return 0;
    }
    *out = m.data;
    *len = m.len;
    return 1;
}

int pg_png_write(const pg_pages *pp, const char *dir, const char *stem, double dpi,
                 pg_diag_list *diags)
{
    int ok = 1;
    for (size_t i = 0; i < pp->n && ok; i++) {
        cairo_surface_t *s = draw_page(&pp->pages[i], dpi);
        pg_buf path = {0};
        pg_buf_printf(&path, "%s/%s-%zu.png", dir, stem, i + 1);
        pg_output o;
        ok = pg_output_open(&o, pg_buf_str(&path), diags);
        if (ok) {
            cairo_status_t st = cairo_surface_write_to_png_stream(s, write_file, o.f);
            if (st != CAIRO_STATUS_SUCCESS) {
                pg_diag_add(diags, PG_E_OUTPUT, pg_buf_str(&path), 0, 0, "cairo: %s",
                            cairo_status_to_string(st));
                pg_output_abort(&o);
                ok = 0;
            } else {
                ok = pg_output_commit(&o, diags);
            }
        }
        pg_buf_free(&path);
        cairo_surface_destroy(s);
    }
    return ok;
}
