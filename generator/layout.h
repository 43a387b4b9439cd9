/* layout.h - layout stage: numbered document + style -> pages. Text is shaped
 * and broken into lines by pango; this stage places the lines, the header
 * blocks, the recipients and signature, breaks pages (headings kept with what
 * follows, no single line of a paragraph alone at a page's top or foot, the
 * closing block never split nor alone) and numbers the pages. */
#ifndef PG_LAYOUT_H
#define PG_LAYOUT_H

#include "fonts.h"
#include "pages.h"

/* Lays doc out. Returns the pages (free with pg_pages_free()), or NULL when the
 * document cannot be laid out (diagnostics say why). doc must be numbered. */
pg_pages *pg_layout_run(const pg_doc *doc, const pg_style *style, pg_fonts *fonts,
                        pg_diag_list *diags);

/* One element of the vertical flow, for the page breaker. */
typedef struct {
    double height;       /* pt */
    double gap;          /* pt above it, dropped at the top of a page */
    int no_break_before; /* 1: must stay on the page of the element before it */
} pg_flow_box;

/* Breaks boxes[0..n) into pages of height avail. Writes the index of the first
 * box of each page into starts (room for n entries) and returns the page count.
 * Sets *overflow when a box taller than a page had to be placed alone. Exposed
 * for unit tests. */
size_t pg_paginate(const pg_flow_box *boxes, size_t n, double avail, size_t *starts,
                   int *overflow);

#endif
