/* pdf_internal.h - private to the PDF writer (pdf.c, pdf_tags.c): the file
 * being written and the helpers that write objects into it. */
#ifndef PG_PDF_INTERNAL_H
#define PG_PDF_INTERNAL_H

#include "pdf.h"

#include <glib.h>

typedef struct {
    pg_buf out;
    size_t *offset; /* by object number */
    int n_obj, cap_obj;
    GPtrArray *fonts;    /* pdf_font* in order of first use */
    GHashTable *by_face; /* hb_face_t* -> pdf_font* */
    GPtrArray *images;   /* pg_image* in order of first use */
    GHashTable *dests;   /* "fn-N" (owned) -> dest_at* (owned) */
    unsigned char *zbuf; /* the last stream deflated */
    size_t zcap;
    char *error; /* why the document cannot be written (heap); NULL */
} pdfw;

/* A new object number (its offset is set by pdf_begin_obj()). */
int pdf_new_obj(pdfw *w);
/* "n 0 obj", recording where object n starts. */
void pdf_begin_obj(pdfw *w, int n);
/* "endobj". */
void pdf_end_obj(pdfw *w);
/* Appends v in decimal. */
void pdf_put_int(pg_buf *b, long long v);
/* Appends a PDF text string: literal when printable ASCII, else UTF-16BE. */
void pdf_put_text_string(pg_buf *b, const char *s);

#endif
