/* pdf_tags.h - private to the PDF writer: the structure tree of a tagged PDF
 * (pdf_tags.c), built while pdf.c writes the pages' content and written after
 * them. */
#ifndef PG_PDF_TAGS_H
#define PG_PDF_TAGS_H

#include "pdf_internal.h"

/* The marked-content state of a page: no sequence open, an artifact open, or
 * (>= 0) the element whose sequence is open. */
#define MC_NONE (-1)
#define MC_ARTIFACT (-2)

typedef struct pdf_tags pdf_tags;

/* A new tree for the pages of pp (whose bookmarks it reads, as they come with
 * the pages, until freed). */
pdf_tags *pdf_tags_new(const pg_pages *pp);
/* Frees it; st may be NULL. */
void pdf_tags_free(pdf_tags *st);

/* The next page begins (pages come in order). */
void pdf_tags_page(pdf_tags *st);
/* A BEGIN event: its element opens, or opens again when continued. */
void pdf_tags_begin(pdf_tags *st, const pg_item *it);
/* An END event: its element, and whatever is still open inside it, close. */
void pdf_tags_end(pdf_tags *st, const pg_item *it);

/* The element paint item it on page pg (0-based index page) is content of, or
 * MC_ARTIFACT. When the start of its line belongs to another element (a list
 * item's label, a run-in heading), *first is that element and *split the
 * line's byte offset where the result's part begins; else *first is -1. */
int pdf_tags_target(pdf_tags *st, const pg_page *pg, int page, const pg_item *it, int *first,
                    unsigned *split);
/* Closes the open marked-content sequence (*open) in content c and opens one
 * for element e (a new MCID of page), MC_ARTIFACT or MC_NONE; nothing when e is
 * open already. */
void pdf_tags_mark(pdf_tags *st, pg_buf *c, int page, int *open, int e);
/* A link annotation (object annot on page) inside the open element: a Link
 * element holding it. Returns the index of its /StructParent key among the
 * annotations' (written with pdf_put_key(): after the pages' keys). */
int pdf_tags_link(pdf_tags *st, int page, int annot);

/* A signature field's widget (object annot on page): a Form element holding it,
 * in the element open (the signature's group), or, when none is open, as the
 * first kid of the next top-level element (the start of the page's content).
 * Returns the index of its /StructParent key among the annotations' (as
 * pdf_tags_link()); -1 when st is NULL (an untagged file). */
int pdf_tags_field(pdf_tags *st, int page, int annot);

/* Writes the structure tree root as object root, the elements that have
 * content and the parent tree; page_obj: the np pages' object numbers. */
void pdf_tags_write(pdfw *w, pdf_tags *st, int root, const int *page_obj, size_t np);

#endif
