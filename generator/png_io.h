/* png_io.h - PNG files in and out through libpng, with the very calls, transforms
 * and pixel conversions of cairo 1.16's PNG functions (cairo-png.c), which
 * plangen used before: every decoded pixel and every byte written is what cairo
 * gave, without loading cairo (and pixman, X11) into a process that draws no
 * raster page. */
#ifndef PG_PNG_IO_H
#define PG_PNG_IO_H

#include <stddef.h>
#include <stdint.h>

/* Pixels as a cairo image surface holds them: one native-endian word a pixel,
 * rows top down without padding. alpha: premultiplied ARGB (cairo's ARGB32, for
 * a PNG with an alpha channel or a transparent colour); else xRGB, x undefined
 * (cairo's RGB24). */
typedef struct {
    int w, h;
    int alpha;
    uint32_t *px; /* w * h words, malloc'd */
} pg_png_pixels;

/* Decodes the len bytes at png as cairo_image_surface_create_from_png_stream()
 * did. Returns 1 with *out filled (free out->px), else 0 where cairo failed:
 * damaged or truncated data, a size cairo refuses (over 32767 pixels a side),
 * not enough memory for the pixels. */
int pg_png_decode(const void *png, size_t len, pg_png_pixels *out);

/* The PNG cairo_surface_write_to_png_stream() wrote of such pixels (alpha:
 * premultiplied ARGB, written as RGBA unless every pixel is opaque, then as RGB;
 * else xRGB, written as RGB): *out malloc'd. Returns 1, else 0 (*out NULL) for
 * an empty image or a libpng error. */
int pg_png_encode(const pg_png_pixels *in, unsigned char **out, size_t *len);

#endif
