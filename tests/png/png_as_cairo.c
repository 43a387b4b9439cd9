/* png_as_cairo.c - plangen's PNG reader and writer (generator/png_io.c) against
 * cairo's, which they replace: for each PNG file given, cairo and png_io.c
 * must both fail, or both succeed with the same size, format and pixels; and
 * the PNG written of those pixels (and of pixels made here, with every kind of
 * opacity) must be the bytes cairo writes. Exit status 1 at the first
 * difference, naming it. */
#include "png_io.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *p;
    size_t left;
} src;

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int length)
{
    src *s = closure;
    if (length > s->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, s->p, length);
    s->p += length;
    s->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

typedef struct {
    unsigned char *p;
    size_t len, cap;
} sink;

static cairo_status_t write_mem(void *closure, const unsigned char *data, unsigned int length)
{
    sink *s = closure;
    if (s->len + length > s->cap) {
        s->cap = (s->len + length) * 2;
        s->p = realloc(s->p, s->cap);
    }
    memcpy(s->p + s->len, data, length);
    s->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Writes px both ways; 1 when the bytes are the same. */
static int same_png(const pg_png_pixels *px, const char *what)
{
    cairo_surface_t *s = cairo_image_surface_create(px->alpha ? CAIRO_FORMAT_ARGB32
                                                              : CAIRO_FORMAT_RGB24,
                                                    px->w, px->h);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < px->h; y++)
        memcpy(data + (size_t)y * (size_t)stride, px->px + (size_t)y * (size_t)px->w,
               (size_t)px->w * 4);
    cairo_surface_mark_dirty(s);
    sink c = {0};
    int cok = cairo_surface_write_to_png_stream(s, write_mem, &c) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(s);
    unsigned char *mine = NULL;
    size_t len = 0;
    int ok = pg_png_encode(px, &mine, &len);
    int same = cok == ok && (!ok || (len == c.len && memcmp(mine, c.p, len) == 0));
    if (!same)
        fprintf(stderr, "png_as_cairo: %s: written differently (cairo %d, %zu bytes; png_io %d, %zu bytes)\n",
                what, cok, c.len, ok, len);
    free(mine);
    free(c.p);
    return same;
}

static int decoded;

static int check_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 0;
    }
    static unsigned char buf[1 << 22];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    src s = {buf, len};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(read_mem, &s);
    int cok = cairo_surface_status(img) == CAIRO_STATUS_SUCCESS;
    pg_png_pixels px;
    int ok = pg_png_decode(buf, len, &px);
    int same = cok == ok;
    decoded += ok;
    if (same && ok) {
        cairo_surface_flush(img);
        int alpha = cairo_image_surface_get_format(img) == CAIRO_FORMAT_ARGB32;
        int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
        int stride = cairo_image_surface_get_stride(img);
        const unsigned char *data = cairo_image_surface_get_data(img);
        same = w == px.w && h == px.h && alpha == px.alpha;
        for (int y = 0; same && y < h; y++)
            same = memcmp(data + (size_t)y * (size_t)stride, px.px + (size_t)y * (size_t)w,
                          (size_t)w * 4) == 0;
        if (same)
            same = same_png(&px, path);
    }
    if (!same)
        fprintf(stderr, "png_as_cairo: %s: read differently (cairo %s, png_io %s)\n", path,
                cairo_status_to_string(cairo_surface_status(img)), ok ? "decoded" : "failed");
    if (ok)
        free(px.px);
    cairo_surface_destroy(img);
    return same;
}

int main(int argc, char **argv)
{
    int bad = 0, n = 0;
    for (int i = 1; i < argc; i++, n++)
        bad += !check_file(argv[i]);
    /* pixels made here: opaque, binary and partial opacity, premultiplied as
     * cairo keeps them, in both formats, odd sizes */
    unsigned seed = 7;
    for (int k = 0; k < 200; k++, n++) {
        pg_png_pixels px = {.w = 1 + k % 37, .h = 1 + k % 11, .alpha = k % 2};
        px.px = malloc((size_t)px.w * (size_t)px.h * 4);
        for (int i = 0; i < px.w * px.h; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned a = k % 6 == 1 ? 255 : k % 6 == 3 ? (seed >> 8 & 1) * 255 : seed >> 24;
            unsigned r = (seed >> 4 & 255) * a / 255, g = (seed >> 12 & 255) * a / 255,
                     b = (seed >> 16 & 255) * a / 255;
            px.px[i] = px.alpha ? a << 24 | r << 16 | g << 8 | b : (seed & 0xffffff) | 0xff000000u;
        }
        char what[32];
        snprintf(what, sizeof what, "pixels %d", k);
        bad += !same_png(&px, what);
        free(px.px);
    }
    printf("png_as_cairo: %d of %d the same as cairo (%d files, %d of them decoded)\n", n - bad, n,
           argc - 1, decoded);
    return bad != 0;
}
