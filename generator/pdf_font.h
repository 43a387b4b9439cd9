/* pdf_font.h - private to the render stage: the font programs the PDF writer
 * embeds: TrueType subsets made here, others by harfbuzz's subsetter
 * (hb-subset). */
#ifndef PG_PDF_FONT_H
#define PG_PDF_FONT_H

#include <hb.h>

typedef enum {
    PG_OUTLINES_NONE = 0, /* nothing plangen can embed (bitmaps only, CFF2, damaged) */
    PG_OUTLINES_TRUETYPE, /* glyf: embedded as CIDFontType2, FontFile2 */
    PG_OUTLINES_CFF,      /* name-keyed CFF in OpenType: CIDFontType0, FontFile3 /OpenType */
} pg_outlines;

/* The kind of outlines face holds. For PG_OUTLINES_NONE, *why (may be NULL)
 * receives a static English sentence saying what the face holds instead,
 * marked N_ (a message gives it through _()). */
pg_outlines pg_font_outlines(hb_face_t *face, const char **why);

/* The font program to embed for face: an OpenType font with only the glyphs in
 * glyphs, .notdef (with its outline) and the components of composite glyphs,
 * every glyph id kept (a glyph not asked for is empty; hb-subset also leaves
 * out the ids after the last one it keeps), layout tables dropped. The same
 * face and glyphs always give the same bytes.
 * A face from a collection (TTC) gives a standalone font. Returns a new blob
 * (caller destroys it), or NULL when face cannot be subset or the result is
 * not a font of the same kind with the same glyph count. */
hb_blob_t *pg_font_subset(hb_face_t *face, const hb_set_t *glyphs);

/* pg_font_subset()'s own subset of a TrueType face with the usual tables: the
 * glyphs not in glyphs (nor .notdef, nor a component of one) emptied, their
 * metrics zeroed, the glyph names dropped, every other table copied. NULL when
 * the face holds another table (CFF, variations, colour, bitmaps...) or a
 * damaged glyph index: then pg_font_subset() asks hb-subset. Exposed for the
 * font fuzzer, which checks it byte for byte. */
hb_blob_t *pg_font_subset_glyf(hb_face_t *face, const hb_set_t *glyphs);

/* The bounding box of all glyphs (head: xMin, yMin, xMax, yMax in font units);
 * 0 when the table is missing or short. */
int pg_font_bbox(hb_face_t *face, int bbox[4]);

#endif
