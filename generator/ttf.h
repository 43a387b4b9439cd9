/* ttf.h - private to the render stage: TrueType subsets for the PDF writer. */
#ifndef PG_TTF_H
#define PG_TTF_H

#include <glib.h>
#include <hb.h>

/* A TrueType font (an sfnt with glyf outlines) made of face with only the
 * glyphs whose bits are set in used (n_glyphs bits, glyph 0 first) and the
 * components of those that are composite; glyph ids are unchanged. Returns the
 * font (g_free) and its length in *out_len, or NULL when face is not a static
 * TrueType font or its tables are damaged. */
unsigned char *pg_ttf_subset(hb_face_t *face, const unsigned char *used, unsigned n_glyphs,
                             size_t *out_len);

/* The bounding box of all glyphs (head: xMin, yMin, xMax, yMax in font units);
 * 0 when the table is missing or short. */
int pg_ttf_bbox(hb_face_t *face, int bbox[4]);
/* The italic angle in degrees (post); 0 when unknown. */
double pg_ttf_italic_angle(hb_face_t *face);

#endif
