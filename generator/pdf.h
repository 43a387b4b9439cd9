/* pdf.h - private to the render stage: plangen's own PDF writer (pdf.c), the
 * only way plangen writes PDF. */
#ifndef PG_PDF_H
#define PG_PDF_H

#include "render.h"

/* Writes the pages as a PDF into *out (a new buffer, caller frees) and returns
 * 1. Returns 0, with nothing written and *error (may be NULL; heap, caller
 * g_frees) saying why, when a font cannot be embedded (no TrueType or
 * name-keyed CFF outlines, or harfbuzz cannot subset it). */
/* The ICC profile every PDF embeds for its PDF/A output intent (Debian's
 * icc-profiles-free): a file each render depends on. */
#define PG_SRGB_PROFILE "/usr/share/color/icc/sRGB.icc"

int pg_pdf_render(const pg_pages *pp, const pg_pdf_opts *opts, pg_buf *out, char **error);

#endif
