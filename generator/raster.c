/* raster.c - the raster module (raster_module.h): the cairo raster device,
 * the display list drawn into image surfaces, written as PNG pages for a quick
 * look at a chosen resolution; and pango-cairo's font map. Glyph runs are drawn
 * with cairo_show_glyphs in cairo-ft faces made of the fontconfig patterns of
 * the fonts layout chose, as pango-cairo made them; a character the font lacks
 * as the font's .notdef, as in the PDF. Built as a module of its own, apart from
 * the program: everything it uses of plangen it calls in the program. */
#include "raster_module.h"

#include "face_pattern.h"

#include <cairo-ft.h>
#include <cairo.h>
#include <libdeflate.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the cairo device ---------------------------------------------------------- */

static void set_colour(cairo_t *cr, unsigned c)
{
    cairo_set_source_rgb(cr, (c >> 16 & 0xFF) / 255.0, (c >> 8 & 0xFF) / 255.0, (c & 0xFF) / 255.0);
}

/* The cairo font faces of one page's drawing, one per fontconfig pattern (the
 * page's faces keep their patterns alive while it is drawn). */
typedef struct {
    FcPattern *pattern[16];
    cairo_font_face_t *face[16];
    int n;
} faces;

/* The cairo-ft face of f's pattern, as pango-cairo made it of its fonts'
 * patterns (cairo_ft_font_face_create_for_pattern); NULL: no pattern. */
static cairo_font_face_t *face_of(faces *fs, const pg_face *f)
{
    FcPattern *p = pg_face_pattern(f);
    if (!p)
        return NULL;
    for (int i = 0; i < fs->n; i++)
        if (fs->pattern[i] == p)
            return fs->face[i];
    cairo_font_face_t *ff = cairo_ft_font_face_create_for_pattern(p);
    if (fs->n == (int)(sizeof fs->face / sizeof fs->face[0])) {
        /* more faces than a page has: the oldest goes */
        cairo_font_face_destroy(fs->face[0]);
        memmove(fs->pattern, fs->pattern + 1, (size_t)(fs->n - 1) * sizeof fs->pattern[0]);
        memmove(fs->face, fs->face + 1, (size_t)(fs->n - 1) * sizeof fs->face[0]);
        fs->n--;
    }
    fs->pattern[fs->n] = p;
    fs->face[fs->n++] = ff;
    return ff;
}

static void faces_free(faces *fs)
{
    for (int i = 0; i < fs->n; i++)
        cairo_font_face_destroy(fs->face[i]);
    fs->n = 0;
}

static void draw_text(cairo_t *cr, faces *fs, const pg_item *it)
{
    const pg_text *tx = it->text;
    if (!tx)
        return;
    cairo_glyph_t *gl = cairo_glyph_allocate(tx->n_glyphs ? (int)tx->n_glyphs : 1);
    for (size_t r = 0; r < tx->n_runs; r++) {
        const pg_glyph_run *run = &tx->runs[r];
        cairo_font_face_t *ff = face_of(fs, run->face);
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
            cairo_curve_to(cr, it->x + s->x[0], it->y + s->y[0], it->x + s->x[1], it->y + s->y[1],
                           it->x + s->x[2], it->y + s->y[2]);
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

static void draw_item(cairo_t *cr, faces *fs, const pg_item *it)
{
    set_colour(cr, it->color);
    switch (it->kind) {
    case PG_ITEM_TEXT:
        draw_text(cr, fs, it);
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
    case PG_ITEM_FIELD:
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
    faces fs = {.n = 0};
    for (size_t k = 0; k < p->n; k++)
        draw_item(cr, &fs, &p->items[k]);
    cairo_destroy(cr);
    faces_free(&fs);
    cairo_font_options_destroy(fo);
    return s;
}

/* ---- PNG in memory ------------------------------------------------------------ */

/* cairo's PNG writer deflates at zlib's default level: 23 ms of the 27 ms a
 * page of A4 at 96 dpi took (measured for `plangen serve`'s preview). The
 * page's image is written here instead: RGB rows, filter "none", deflated by
 * libdeflate at level 1: 12 ms in all, and a file of about the same size. */

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Appends a chunk (length, type, data, CRC of type and data) at out + *at. */
static void put_chunk(unsigned char *out, size_t *at, const char type[4], const unsigned char *data,
                      size_t len)
{
    unsigned char *c = out + *at;
    put_be32(c, (uint32_t)len);
    memcpy(c + 4, type, 4);
    if (len)
        memcpy(c + 8, data, len);
    put_be32(c + 8 + len, libdeflate_crc32(0, c + 4, len + 4));
    *at += 12 + len;
}

/* The PNG of an RGB24 surface (flushed): malloc'd bytes, or NULL. */
static unsigned char *encode_png(cairo_surface_t *s, size_t *out_len)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    size_t row = 1 + (size_t)w * 3, raw_len = row * (size_t)h;
    unsigned char *raw = pg_xmalloc(raw_len);
    for (int y = 0; y < h; y++) {
        unsigned char *r = raw + row * (size_t)y;
        const uint32_t *src = (const uint32_t *)(const void *)(px + (size_t)stride * (size_t)y);
        r[0] = 0; /* filter: none */
        for (int x = 0; x < w; x++) {
            uint32_t v = src[x]; /* xRGB in native order */
            r[1 + 3 * x] = (unsigned char)(v >> 16);
            r[2 + 3 * x] = (unsigned char)(v >> 8);
            r[3 + 3 * x] = (unsigned char)v;
        }
    }
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    if (!c)
        pg_oom();
    size_t bound = libdeflate_zlib_compress_bound(c, raw_len);
    unsigned char *out = pg_xmalloc(8 + 25 + 12 + bound + 12);
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    memcpy(out, signature, 8);
    size_t at = 8;
    unsigned char ihdr[13];
    put_be32(ihdr, (uint32_t)w);
    put_be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;  /* bits a sample */
    ihdr[9] = 2;  /* RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* filter method 0 */
    ihdr[12] = 0; /* not interlaced */
    put_chunk(out, &at, "IHDR", ihdr, sizeof ihdr);
    /* IDAT: compressed in place, after its length and type */
    size_t z = libdeflate_zlib_compress(c, raw, raw_len, out + at + 8, bound);
    libdeflate_free_compressor(c);
    free(raw);
    if (!z) {
        free(out);
        return NULL;
    }
    put_be32(out + at, (uint32_t)z);
    memcpy(out + at + 4, "IDAT", 4);
    put_be32(out + at + 8 + z, libdeflate_crc32(0, out + at + 4, z + 4));
    at += 12 + z;
    put_chunk(out, &at, "IEND", NULL, 0);
    *out_len = at;
    return out;
}

static int png_page_memory(const pg_page *p, double dpi, unsigned char **out, size_t *len)
{
    cairo_surface_t *s = draw_page(p, dpi);
    *out = NULL;
    *len = 0;
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        cairo_surface_flush(s);
        *out = encode_png(s, len);
    }
    cairo_surface_destroy(s);
    return *out != NULL;
}

static int png_write(const pg_pages *pp, const char *dir, const char *stem, double dpi,
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

/* ---- pango-cairo's font map ------------------------------------------------------- */

static PangoFontMap *font_map_new(void)
{
    return pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
}

static void context_setup(PangoContext *ctx)
{
    pango_cairo_context_set_resolution(ctx, 72.0);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
}

__attribute__((visibility("default"))) const pg_raster_api pg_raster_module_api = {
    .abi = PG_RASTER_ABI,
    .sizes = PG_RASTER_SIZES,
    .png_write = png_write,
    .png_page_memory = png_page_memory,
    .font_map_new = font_map_new,
    .context_setup = context_setup,
};
