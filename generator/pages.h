/* pages.h - the layout stage's output: a display list of pages, each a list of
 * placed items (text lines, rules, braces), plus the device interface that
 * renderers implement. Layout never draws; renderers never measure. The trace
 * device prints a stable text form of every item, for golden tests and dumps. */
#ifndef PG_PAGES_H
#define PG_PAGES_H

#include "style.h"

#include <pango/pango.h>
#include <stdio.h>

typedef enum { PG_ITEM_TEXT, PG_ITEM_RULE, PG_ITEM_BRACE } pg_item_kind;

typedef struct {
    pg_item_kind kind;
    pg_role role;
    double x, y; /* pt from the page's top-left. TEXT: line origin on the baseline;
                    RULE: left end, centre of the stroke; BRACE: left, top */
    double w, h; /* pt. TEXT: advance width; RULE: length, thickness; BRACE: width, height */
    PangoLayout *layout; /* TEXT: holds a reference */
    int line;            /* TEXT: line index in layout */
} pg_item;

typedef struct {
    double w, h; /* pt */
    int number;  /* the page's number (1-based) */
    pg_item *items;
    size_t n, cap;
} pg_page;

typedef struct pg_pages {
    pg_page *pages;
    size_t n, cap;
    /* document metadata (heap strings owned by the list) */
    char *title, *author, *subject, *keywords, *date_iso;
} pg_pages;

/* Returns a new empty page list; free with pg_pages_free(). */
pg_pages *pg_pages_new(void);
void pg_pages_free(pg_pages *pp);
/* Appends a page of w x h pt and returns it (valid until the next append). */
pg_page *pg_pages_add(pg_pages *pp, double w, double h);
/* Appends a copy of item to page (the layout reference is taken over). */
void pg_page_add_item(pg_page *p, const pg_item *item);

/* Text of a TEXT item's line, without trailing white space; heap string. */
char *pg_item_text(const pg_item *it);

typedef struct {
    void (*begin_page)(void *ud, const pg_page *p);
    void (*item)(void *ud, const pg_item *it);
    void (*end_page)(void *ud, const pg_page *p);
} pg_device;

/* Replays every page and item, in order, to dev. */
void pg_pages_play(const pg_pages *pp, const pg_device *dev, void *ud);
/* Writes the trace: one line per page and per item, positions to 0.01 pt. */
void pg_pages_trace(const pg_pages *pp, FILE *f);

#endif
