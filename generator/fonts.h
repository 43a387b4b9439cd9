/* fonts.h - the font setup shared by layout and rendering: a private fontconfig
 * configuration (fonts/fonts.conf: "Times New Roman" -> Liberation Serif, plus
 * any font a user drops into fonts/), a pango font map on it, and pango
 * contexts with hinting off so that positions do not depend on the output. */
#ifndef PG_FONTS_H
#define PG_FONTS_H

#include "diag.h"
#include "reads.h"

#include <pango/pango.h>

typedef struct pg_fonts pg_fonts;

/* Loads fonts_dir/fonts.conf. Returns NULL (with a diagnostic) on failure; the
 * caller frees the result with pg_fonts_free(). */
pg_fonts *pg_fonts_new(const char *fonts_dir, pg_diag_list *diags);
void pg_fonts_free(pg_fonts *f);

/* Returns a new pango context at 72 dpi with unhinted metrics; caller unrefs it. */
PangoContext *pg_fonts_context(pg_fonts *f);

/* The font map is pango-ft2's, which gives every glyph the metrics pango-cairo's
 * gave, and so every layout the same lines, but for a character the font lacks:
 * pango-cairo draws it as a box of its own width, plangen's lines have always
 * had. The coverage check notes each layout that has one (pg_fonts_note_unknown);
 * a plan laid out with such a layout is laid out again (pg_fonts_relayout)
 * after pg_fonts_use_cairo(), with new contexts and a new layout cache. */
void pg_fonts_note_unknown(PangoLayout *ly);
/* 1 when a layout of f's pango-ft2 map met a character its font lacks. */
int pg_fonts_relayout(pg_fonts *f);
/* Turns f to pango-cairo's font map from the raster module (for good). Returns
 * 1, else 0 with PG_E_FONT at style_file when the module cannot be loaded. */
int pg_fonts_use_cairo(pg_fonts *f, const char *style_file, pg_diag_list *diags);

/* The ascent and descent (pt) of the font desc names in ctx, computed once per
 * process for each key (the description as a string) and kept. */
void pg_fonts_metrics(pg_fonts *f, PangoContext *ctx, const PangoFontDescription *desc,
                      const char *key, double *ascent, double *descent);

/* Checks that family resolves to a real font of that family or of its
 * metric-compatible stand-in; reports PG_E_FONT otherwise. Returns 1 when usable.
 * A usable font that lacks a Vietnamese letter gets PG_W_FONT_VIETNAMESE.
 * *resolved (may be NULL) receives the family fontconfig chose (heap; caller frees). */
int pg_fonts_check(pg_fonts *f, const char *family, const char *style_file, pg_diag_list *diags,
                   char **resolved);

/* The file fontconfig chooses for a face of family (heap, free()); NULL: none. */
char *pg_fonts_face_file(pg_fonts *f, const char *family, int bold, int italic);
/* Records in reads what the fonts of family depend on: fonts.conf (as it was
 * loaded), the fonts folder's listing, and the file of each of the four faces
 * fontconfig chooses (each hashed once per process, when first chosen). */
void pg_fonts_record(pg_fonts *f, const char *family, pg_reads *reads);

#endif
