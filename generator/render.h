/* render.h - render stage: pages -> PDF (plangen's own writer, pdf.c) or PNG
 * files (cairo). Every file is written to a temporary file
 * beside its target and renamed into place only once complete, so a failed run
 * leaves the previous output untouched and no stray file behind. */
#ifndef PG_RENDER_H
#define PG_RENDER_H

#include "output.h"
#include "pages.h"

typedef struct {
    const char *creator;     /* "plangen 0.1.0" */
    const char *create_date; /* ISO 8601; NULL: the plan's own date */
    const char *icc_profile; /* the sRGB profile of the PDF/A output intent; NULL:
                                PG_SRGB_PROFILE */
    int no_pdfa;             /* 1: a plain PDF, no PDF/A: no structure tree, no marked
                                content, no XMP metadata, no output intent */
} pg_pdf_opts;

/* Writes pages as a PDF to path. Returns 1 on success, else 0 with a diagnostic
 * (PG_E_FONT for a font that cannot be embedded, PG_E_OUTPUT for the file). */
int pg_pdf_write(const pg_pages *pp, const char *path, const pg_pdf_opts *opts,
                 pg_diag_list *diags);
/* Writes PDF bytes into memory (for tests and fuzzing); *out is heap, caller
 * frees. Returns 0 (*out NULL) where pg_pdf_write() reports PG_E_FONT. */
int pg_pdf_write_memory(const pg_pages *pp, const pg_pdf_opts *opts, unsigned char **out,
                        size_t *len);

/* Drops the font programs the PDF writer keeps for later plans of the process
 * (each face's subset for a set of glyphs is made and deflated once). */
void pg_pdf_forget(void);

/* Writes each page as dir/STEM-N.png at dpi. Returns 1 on success. */
int pg_png_write(const pg_pages *pp, const char *dir, const char *stem, double dpi,
                 pg_diag_list *diags);
/* One page as PNG bytes at dpi: *out is malloc'd (the caller frees it).
 * Returns 1, else 0 with *out NULL (cairo failed: out of memory, too large). */
int pg_png_page_memory(const pg_page *p, double dpi, unsigned char **out, size_t *len);

#endif
