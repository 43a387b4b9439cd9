/* render_png.c - PNG pages for a quick look, at a chosen resolution. */
#include "render.h"

#include "render_draw.h"

#include <cairo.h>
#include <math.h>

static cairo_status_t write_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int pg_png_write(const pg_pages *pp, const char *dir, const char *stem, double dpi,
                 pg_diag_list *diags)
{
    double scale = dpi / 72.0;
    for (size_t i = 0; i < pp->n; i++) {
        const pg_page *p = &pp->pages[i];
        int w = (int)ceil(p->w * scale), h = (int)ceil(p->h * scale);
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, scale, scale);
        for (size_t k = 0; k < p->n; k++)
            pg_draw_item(cr, &p->items[k]);
        cairo_destroy(cr);
        pg_buf path = {0};
        pg_buf_printf(&path, "%s/%s-%zu.png", dir, stem, i + 1);
        pg_output o;
        int ok = pg_output_open(&o, pg_buf_str(&path), diags);
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
        if (!ok)
            return 0;
    }
    return 1;
}
