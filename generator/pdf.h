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

/* The most objects pg_pdf_text_form() writes: the form and one font's five. */
#define PG_PDF_FORM_OBJECTS 6

/* Objects to add to an existing PDF (an incremental update). */
typedef struct {
    pg_buf bytes;                       /* "N 0 obj ... endobj" each, one after another */
    size_t offset[PG_PDF_FORM_OBJECTS]; /* where object first + i starts in bytes */
    int n;                              /* objects written: first .. first + n - 1 */
} pg_pdf_objects;

/* A Form XObject of width x height pt (object first) showing lines (n of them, UTF-8)
 * in family at size pt (regular, upright, black), right-aligned at its top
 * right corner, one under the other, and the objects of its font, embedded as
 * a subset (objects first + 1 ...): a self-contained appearance that PDF/A
 * accepts. The face is the one layout would use: fontconfig's choice for
 * family in fonts_dir/fonts.conf ("Times New Roman": Liberation Serif, or a
 * licensed Times dropped into fonts_dir). Returns 1 with *out filled (free
 * out->bytes with pg_buf_free), else 0 with *error (heap, caller g_frees)
 * saying why: no font configuration, no such face, a face plangen cannot
 * embed. */
int pg_pdf_text_form(const char *fonts_dir, const char *family, double size,
                     const char *const *lines, size_t n, double width, double height, int first,
                     pg_pdf_objects *out, char **error);

#endif
