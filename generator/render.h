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

/* A PDF written page by page as layout makes the pages final (a pg_page_sink's
 * work: pg_pdf_page, then pg_pdf_end): its bytes wait in memory and, past a
 * quarter of a megabyte, in a temporary file, with the few numbers that depend on the page
 * count left open until the end, and are written out by pg_pdf_emit() (as many
 * times as asked), the same bytes pg_pdf_write() gives for the whole list. */
typedef struct pg_pdf_doc pg_pdf_doc;
/* spool 1: bytes past a quarter of a megabyte go to a temporary file (a
 * streamed document); 0: all in memory (a page list written whole). */
pg_pdf_doc *pg_pdf_begin(const pg_pdf_opts *opts, int spool);
/* Writes page index of pp (pages in order; pp's bookmarks so far are read). */
void pg_pdf_page(pg_pdf_doc *d, const pg_pages *pp, size_t index);
/* Writes what follows the pages: pp's outline and metadata are complete. */
void pg_pdf_end(pg_pdf_doc *d, const pg_pages *pp);
typedef enum {
    PG_PDF_OK,
    PG_PDF_FONT,      /* a font that cannot be embedded, or no pg_pdf_end() yet */
    PG_PDF_PROFILE,   /* the sRGB profile cannot be read */
    PG_PDF_TEMPORARY, /* the temporary file cannot be made or written (TMPDIR) */
} pg_pdf_fault;
/* Why the document cannot be written (PG_PDF_OK: it can), with *error saying
 * it in a sentence (owned by d). */
pg_pdf_fault pg_pdf_failed(const pg_pdf_doc *d, const char **error);
typedef enum {
    PG_PDF_EMITTED,
    PG_PDF_NOT_MADE,     /* pg_pdf_failed() says why */
    PG_PDF_READ_FAILED,  /* the temporary file could not be read back (errno) */
    PG_PDF_WRITE_FAILED, /* emit failed (errno) */
} pg_pdf_emit_status;
/* Writes the whole file through emit (which returns 1 when it wrote the n
 * bytes), as many times as asked. */
typedef int (*pg_pdf_emit_fn)(void *ud, const void *bytes, size_t n);
pg_pdf_emit_status pg_pdf_emit(const pg_pdf_doc *d, pg_pdf_emit_fn emit, void *ud);
pg_pdf_emit_status pg_pdf_emit_buf(const pg_pdf_doc *d, pg_buf *out);
pg_pdf_emit_status pg_pdf_emit_file(const pg_pdf_doc *d, FILE *f);
void pg_pdf_doc_free(pg_pdf_doc *d);

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
