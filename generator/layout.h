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
/* A cache keeping at most layout_bytes of layouts (0: the default budget, for
 * a process that lays out many plans), the words shaped in their default. */
pg_layout_cache *pg_layout_cache_new_sized(size_t layout_bytes);
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

/* pg_layout_run() handing each page to sink as soon as it is final (its
 * footnotes, repeated table headers and number placed), then freeing its items:
 * the pages returned keep their sizes and numbers but no items, with the
 * outline and metadata. Memory stays that of a few pages whatever the length.
 * Pages reach the sink only while nothing has failed: when NULL is returned the
 * sink's documents are incomplete (their end never comes) and must be dropped. */
pg_pages *pg_layout_stream(const pg_doc *doc, const pg_style *style, pg_fonts *fonts,
                           pg_layout_cache *cache, pg_reads *reads, pg_diag_list *diags,
                           pg_pages ***appendices, size_t *n_appendices,
                           const pg_page_sink *sink);

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

/* Where page breaking stands: the next box to place, and the footnote lines
 * carried over from the page before. Zeroed: at the start of a flow. */
typedef struct {
    size_t next;
    int carry;
} pg_paginate_state;

/* Decides the next page of boxes[0..n) from *s, as pg_paginate() does: returns
 * 1 with *first (the page's first box; the page holds boxes[*first .. s->next)
 * after the call) and *foot (the footnote lines it shows), *s advanced; 0 when
 * no page is left, or when more is 1 (boxes may follow boxes[n - 1], the last
 * of them possibly still growing) and the page depends on what follows. A page
 * decided with more set is the page the whole flow gives: pages can be placed,
 * and their boxes dropped, while the flow is still being made. */
int pg_paginate_next(const pg_flow_box *boxes, size_t n, int more, const pg_page_geom *g,
                     pg_paginate_state *s, size_t *first, int *foot, int *overflow);

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
