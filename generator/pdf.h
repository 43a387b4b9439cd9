/* pdf.h - private to the render stage: plangen's own PDF writer (pdf.c). */
#ifndef PG_PDF_H
#define PG_PDF_H

#include "render.h"

/* Writes the pages as a PDF into *out (a new buffer, caller frees). Returns 0,
 * with nothing written, when the pages hold what this writer does not embed (a
 * font without TrueType outlines, a glyph missing from its font): draw them
 * with cairo instead. */
int pg_pdf_native(const pg_pages *pp, const pg_pdf_opts *opts, pg_buf *out);

#endif
