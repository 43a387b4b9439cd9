/* layout.h - layout stage: numbered document + style -> pages. Text is shaped
 * and broken into lines by pango; this stage places the lines, the header
 * blocks, the recipients and signature, breaks pages (headings kept with what
 * follows, no single line of a paragraph alone at a page's top or foot, the
 * closing block never split nor alone) and numbers the pages. */
#ifndef PG_LAYOUT_H
#define PG_LAYOUT_H

#include "fonts.h"
#include "pages.h"
#include "reads.h"

/* What layout keeps for the plans of a process (layout_cache.c): the layouts
 * it shaped (keyed on everything they depend on, never changed once stored)
 * and the faces of the display list. Free it after the fonts' last plan; the
 * pages it gave keep their own references. */
typedef struct pg_layout_cache pg_layout_cache;
pg_layout_cache *pg_layout_cache_new(void);
void pg_layout_cache_free(pg_layout_cache *c);

/* Lays doc out. Returns the pages (free with pg_pages_free()), or NULL when the
 * document cannot be laid out (diagnostics say why). doc must be numbered.
 * cache holds what earlier plans laid out with the same fonts. The images read
 * are recorded in reads (may be NULL). appendices NULL: the appendices follow
 * the document on its pages. Else they are laid out as documents of their own
 * (NĐ 30: an attachment sent as a separate file), left out of the pages
 * returned: *appendices gets a malloc'd array (not NULL, even for none) of
 * *n_appendices page lists, one an appendix in order (each freed with
 * pg_pages_free(), the array with free()), each numbered from its page 1,
 * with its own metadata and outline and the place of the issuing body's
 * signature line (a FIELD item "organisation-line") at the top right of its
 * first page. */
pg_pages *pg_layout_run(const pg_doc *doc, const pg_style *style, pg_fonts *fonts,
                        pg_layout_cache *cache, pg_reads *reads, pg_diag_list *diags,
                        pg_pages ***appendices, size_t *n_appendices);

/* One element of the vertical flow, for the page breaker. */
typedef struct {
    double height;       /* pt */
    double gap;          /* pt above it, dropped at the top of a page */
    int no_break_before; /* 1: must stay on the page of the element before it */
    int foot_lines;      /* lines of the footnotes whose marks it carries */
    size_t header;       /* 1 + index of a box repeated above it when it starts a
                            page (a table's header rows); 0: none */
} pg_flow_box;

/* The page a flow is broken into. */
typedef struct {
    double avail;      /* pt of text height */
    double foot_pitch; /* pt per footnote line */
    double foot_sep;   /* pt taken by the rule above the notes */
} pg_page_geom;

/* Breaks boxes[0..n) into pages. Writes the index of the first box of each page
 * into starts and the number of footnote lines each page shows into foot (room
 * for n + total foot lines + 1 entries each) and returns the page count. Notes
 * go on the page of their mark: a box whose notes do not fit moves to the next
 * page with them; only a box alone on a page may push the rest of its notes on
 * to the next page. Sets *overflow when a box taller than a page had to be
 * placed alone. Never loops: every page takes a box or a note line. */
size_t pg_paginate(const pg_flow_box *boxes, size_t n, const pg_page_geom *g, size_t *starts,
                   int *foot, int *overflow);

#endif
