/* pdf_internal.h - private to the PDF writer (pdf.c, pdf_tags.c): the file
 * being written and the helpers that write objects into it. */
#ifndef PG_PDF_INTERNAL_H
#define PG_PDF_INTERNAL_H

#include "pdf.h"

#include <glib.h>

/* A place in the file where a number goes that is known only once every page
 * has been written: the number of an object made while writing the pages
 * (numbered after the page objects), or an annotation's key in the parent tree
 * (after the pages' keys). */
typedef enum {
    PDF_HOLE_OBJECT, /* the number of the v-th object made among the pages */
    PDF_HOLE_KEY,    /* the parent tree key of the v-th annotation */
} pdf_hole_kind;

typedef struct {
    size_t at; /* where, in the bytes written (the spool's then out's) */
    pdf_hole_kind kind;
    int v;
} pdf_hole;

typedef struct {
    pg_buf out;          /* the bytes not yet moved to the spool */
    int may_spool;       /* 1: bytes past SPOOL_FROM go to a temporary file */
    int spooling;        /* 1: spool_fd holds the bytes before out's */
    int spool_fd;
    int spool_failed;    /* error is the temporary file's */
    size_t spooled;      /* bytes in the spool */
    size_t *offset;      /* by object number: where the object starts in the bytes
                            written (holes not counted) */
    int n_obj, cap_obj;
    int among_pages;     /* 1 while pages are written: objects made now are numbered
                            (negative until the end: -1 - index) after the pages */
    size_t *page_offset; /* where each object made among the pages starts */
    int n_among, cap_among;
    int after_pages;     /* the number of the first object made among the pages: 0
                            until the page count is known */
    int n_pages;
    pdf_hole *holes;     /* in the order of their places */
    size_t n_holes, cap_holes;
    GPtrArray *fonts;    /* pdf_font* in order of first use */
    GHashTable *by_face; /* hb_face_t* -> pdf_font* */
    GPtrArray *images;   /* pg_image* in order of first use */
    GHashTable *dests;   /* "fn-N" (owned) -> dest_at* (owned) */
    unsigned char *zbuf; /* the last stream deflated */
    size_t zcap;
    char *error; /* why the document cannot be written (heap); NULL */
} pdfw;

/* A new object number (its offset is set by pdf_begin_obj()); among the
 * pages, a number known at the end (negative until then: write it with
 * pdf_put_obj(), resolve it with pdf_obj()). */
int pdf_new_obj(pdfw *w);
/* The number of object n, once the pages are counted. */
int pdf_obj(const pdfw *w, int n);
/* Appends object n's number to w->out (a hole while it is not known). */
void pdf_put_obj(pdfw *w, int n);
/* Appends the parent tree key of the k-th annotation (after the pages' keys). */
void pdf_put_key(pdfw *w, int k);
/* "n 0 obj", recording where object n starts. */
void pdf_begin_obj(pdfw *w, int n);
/* "endobj". */
void pdf_end_obj(pdfw *w);
/* Appends v in decimal. */
void pdf_put_int(pg_buf *b, long long v);
/* Appends " n 0 R" (without the space when lead is 0): a reference to object
 * number n, already known. */
void pdf_put_ref(pg_buf *b, int lead, int n);
/* Appends a PDF text string: literal when printable ASCII, else UTF-16BE. */
void pdf_put_text_string(pg_buf *b, const char *s);

#endif
