/* png_io.c - PNG in and out as cairo 1.16 did it, through libpng (see png_io.h). The
 * order of the libpng calls is cairo's: libpng's transforms and the bytes it
 * writes depend on it. */
#include "png_io.h"

#include "arena.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

enum { CAIRO_MAX_SIDE = 32767 }; /* cairo's largest image surface, pixels a side */

/* cairo's error callback: no message, the decode or encode fails */
static void fail(png_structp png, png_const_charp msg)
{
    (void)msg;
    longjmp(png_jmpbuf(png), 1);
}

/* cairo's warning callback: ignored (libpng goes on) */
static void warn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* ---- decoding ------------------------------------------------------------------ */

typedef struct {
    const unsigned char *p;
    size_t left;
} source;

/* as cairo's stream reader over layout's callback: a read past the end fails */
static void read_bytes(png_structp png, png_bytep data, png_size_t size)
{
    source *s = png_get_io_ptr(png);
    if (size > s->left)
        png_error(png, NULL);
    memcpy(data, s->p, size);
    s->p += size;
    s->left -= size;
}

/* cairo's multiply_alpha() */
static int multiply_alpha(int alpha, int color)
{
    int temp = alpha * color + 0x80;
    return (temp + (temp >> 8)) >> 8;
}

/* cairo's premultiply_data(): RGBA bytes -> premultiplied native ARGB words */
static void premultiply(png_structp png, png_row_infop row, png_bytep data)
{
    (void)png;
    for (png_size_t i = 0; i < row->rowbytes; i += 4) {
        uint8_t *b = &data[i];
        uint8_t alpha = b[3];
        uint32_t p;
        if (alpha == 0) {
            p = 0;
        } else {
            uint8_t red = b[0], green = b[1], blue = b[2];
            if (alpha != 0xff) {
                red = (uint8_t)multiply_alpha(alpha, red);
                green = (uint8_t)multiply_alpha(alpha, green);
                blue = (uint8_t)multiply_alpha(alpha, blue);
            }
            p = (uint32_t)alpha << 24 | (uint32_t)red << 16 | (uint32_t)green << 8 | blue;
        }
        memcpy(b, &p, sizeof p);
    }
}

/* cairo's convert_bytes_to_data(): RGBx bytes -> native xRGB words */
static void bytes_to_words(png_structp png, png_row_infop row, png_bytep data)
{
    (void)png;
    for (png_size_t i = 0; i < row->rowbytes; i += 4) {
        uint8_t *b = &data[i];
        uint32_t p = 0xffu << 24 | (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
        memcpy(b, &p, sizeof p);
    }
}

int pg_png_decode(const void *bytes, size_t len, pg_png_pixels *out)
{
    memset(out, 0, sizeof *out);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, fail, warn);
    if (!png)
        return 0;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return 0;
    }
    uint32_t *volatile px = NULL;
    png_bytep *volatile rows = NULL;
    source src = {bytes, len};
    png_set_read_fn(png, &src, read_bytes);
    if (setjmp(png_jmpbuf(png))) {
        free(px);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return 0;
    }
    png_read_info(png, info);
    png_uint_32 w, h;
    int depth, type, interlace;
    png_get_IHDR(png, info, &w, &h, &depth, &type, &interlace, NULL, NULL);
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    if (depth == 16)
        png_set_strip_16(png);
    if (depth < 8)
        png_set_packing(png);
    if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    if (interlace != PNG_INTERLACE_NONE)
        png_set_interlace_handling(png);
    png_set_filler(png, 0xff, PNG_FILLER_AFTER);
    png_read_update_info(png, info);
    png_get_IHDR(png, info, &w, &h, &depth, &type, &interlace, NULL, NULL);
    if (depth != 8 || (type != PNG_COLOR_TYPE_RGB && type != PNG_COLOR_TYPE_RGB_ALPHA))
        png_error(png, NULL);
    int alpha = type == PNG_COLOR_TYPE_RGB_ALPHA;
    png_set_read_user_transform_fn(png, alpha ? premultiply : bytes_to_words);
    /* cairo_format_stride_for_width(): 4 bytes a pixel, or no surface at all */
    if (w >= (INT32_MAX - 7) / 32)
        png_error(png, NULL);
    size_t stride = (size_t)w * 4;
    if (h && stride > SIZE_MAX / h)
        png_error(png, NULL);
    px = malloc(h && stride ? stride * h : 1); /* not pg_xmalloc: cairo failed, not aborted */
    rows = malloc((h ? h : 1) * sizeof *rows);
    if (!px || !rows)
        png_error(png, NULL);
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = (png_bytep)px + y * stride;
    png_read_image(png, rows);
    png_read_end(png, info);
    /* cairo_image_surface_create_for_data() then refuses a side over its limit */
    if (w > CAIRO_MAX_SIDE || h > CAIRO_MAX_SIDE)
        png_error(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->w = (int)w;
    out->h = (int)h;
    out->alpha = alpha;
    out->px = px;
    return 1;
}

/* ---- encoding ------------------------------------------------------------------ */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} sink;

static void write_bytes(png_structp png, png_bytep data, png_size_t size)
{
    sink *s = png_get_io_ptr(png);
    if (s->len + size > s->cap) {
        s->cap = (s->len + size) * 2;
        s->p = pg_xrealloc(s->p, s->cap);
    }
    memcpy(s->p + s->len, data, size);
    s->len += size;
}

static void flush_nothing(png_structp png)
{
    (void)png;
}

/* cairo's unpremultiply_data(): native ARGB words -> RGBA bytes */
static void unpremultiply(png_structp png, png_row_infop row, png_bytep data)
{
    (void)png;
    for (png_size_t i = 0; i < row->rowbytes; i += 4) {
        uint8_t *b = &data[i];
        uint32_t pixel;
        memcpy(&pixel, b, sizeof pixel);
        uint8_t alpha = (uint8_t)(pixel >> 24);
        if (alpha == 0) {
            b[0] = b[1] = b[2] = b[3] = 0;
        } else {
            b[0] = (uint8_t)((((pixel & 0xff0000) >> 16) * 255 + alpha / 2) / alpha);
            b[1] = (uint8_t)((((pixel & 0x00ff00) >> 8) * 255 + alpha / 2) / alpha);
            b[2] = (uint8_t)(((pixel & 0x0000ff) * 255 + alpha / 2) / alpha);
            b[3] = alpha;
        }
    }
}

/* cairo's convert_data_to_bytes(): native xRGB words -> RGBx bytes */
static void words_to_bytes(png_structp png, png_row_infop row, png_bytep data)
{
    (void)png;
    for (png_size_t i = 0; i < row->rowbytes; i += 4) {
        uint8_t *b = &data[i];
        uint32_t pixel;
        memcpy(&pixel, b, sizeof pixel);
        b[0] = (uint8_t)(pixel >> 16);
        b[1] = (uint8_t)(pixel >> 8);
        b[2] = (uint8_t)pixel;
        b[3] = 0;
    }
}

int pg_png_encode(const pg_png_pixels *in, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (in->w <= 0 || in->h <= 0)
        return 0; /* cairo: "PNG complains about zero width or height" */
    /* cairo writes an ARGB32 surface as RGB when every pixel is opaque */
    volatile int rgba = 0;
    for (size_t i = 0; in->alpha && !rgba && i < (size_t)in->w * (size_t)in->h; i++)
        rgba = in->px[i] >> 24 != 0xff;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, fail, warn);
    if (!png)
        return 0;
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    sink s = {0};
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        free(s.p);
        return 0;
    }
    rows = pg_xmalloc((size_t)in->h * sizeof *rows);
    for (int y = 0; y < in->h; y++)
        rows[y] = (png_bytep)(in->px + (size_t)y * (size_t)in->w);
    png_set_write_fn(png, &s, write_bytes, flush_nothing);
    png_set_IHDR(png, info, (png_uint_32)in->w, (png_uint_32)in->h, 8,
                 rgba ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_color_16 white = {.gray = 255, .red = 255, .green = 255, .blue = 255};
    png_set_bKGD(png, info, &white);
    png_write_info(png, info);
    if (rgba) {
        png_set_write_user_transform_fn(png, unpremultiply);
    } else {
        png_set_write_user_transform_fn(png, words_to_bytes);
        png_set_filler(png, 0, PNG_FILLER_AFTER);
    }
    png_write_image(png, rows);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(rows);
    *out = s.p;
    *len = s.len;
    return 1;
}
