/* coverage.h - layout stage: the characters the style's font does not have.
 * plangen never lets pango fall back to another family (pg_coverage_attr()),
 * so such a character is shaped as pango's unknown glyph; this finds each one,
 * reports it, and the PDF writer draws it as the font's own .notdef glyph. */
#ifndef PG_COVERAGE_H
#define PG_COVERAGE_H

#include "diag.h"

#include <glib.h>
#include <pango/pango.h>

/* A new attribute, over the whole text, that keeps pango to the layout's own
 * font (no fallback to other families); the caller inserts it into the
 * layout's attribute list, which takes it over. */
PangoAttribute *pg_coverage_attr(void);

/* Reports PG_W_UNCOVERED at file:line:col for each character of ly shaped as
 * an unknown glyph, naming it, its code point, the font that lacks it and
 * style_family (the family the style asks for). seen (keys owned by the table,
 * g_free) holds the reports made for this document: each character is
 * reported once per position, however often ly is laid out again. */
void pg_coverage_check(PangoLayout *ly, const char *style_family, GHashTable *seen,
                       pg_diag_list *diags, const char *file, int line, int col);

#endif
