/* pages.h - the layout stage's output: a display list of pages, each a list of
 * placed items (text lines, rules, braces), plus the device interface that
 * renderers implement. Layout never draws; renderers never measure. The trace
 * device prints a stable text form of every item, for golden tests and dumps. */
#ifndef PG_PAGES_H
#define PG_PAGES_H

#include "style.h"

#include <pango/pango.h>
#include <stdio.h>

typedef enum {
    PG_ITEM_TEXT,  /* a line of text */
    PG_ITEM_RULE,  /* a horizontal or vertical rule (a thin filled box) */
    PG_ITEM_BRACE, /* a right curly brace */
    PG_ITEM_RECT,  /* a filled black box (QR modules) */
    PG_ITEM_IMAGE, /* a raster image */
    PG_ITEM_LINK,  /* an internal link area pointing at a destination */
    PG_ITEM_DEST,  /* a named destination */
} pg_item_kind;

typedef struct {
    pg_item_kind kind;
    pg_role role;
    double x, y; /* pt from the page's top-left. TEXT: line origin on the baseline;
                    RULE: left end, centre of the stroke (vertical when h > w);
                    BRACE, RECT, IMAGE, LINK: left, top; DEST: the point */
    double w, h; /* pt. TEXT: advance width; RULE: length, thickness (or thickness,
                    length); BRACE, RECT, IMAGE, LINK: width, height */
    PangoLayout *layout; /* TEXT: holds a reference */
    int line;            /* TEXT: line index in layout */
    void *image;         /* IMAGE: a cairo_surface_t, holds a reference */
    int target;          /* LINK, DEST: footnote number ("fn-N") */
    unsigned color;      /* TEXT, RULE: 0xRRGGBB; 0 = black */
} pg_item;

typedef struct {
    double w, h; /* pt */
    int number;  /* the page's place in the file (1-based) */
    int shown;   /* the number printed on it; 0: none */
    pg_item *items;
    size_t n, cap;
} pg_page;

/* A bookmark: a section heading or an appendix. */
typedef struct {
    char *title; /* heap, owned by the list */
    int level;   /* 1 = top */
    int page;    /* 0-based page index */
    double y;    /* pt from the top */
} pg_outline;

typedef struct pg_pages {
    pg_page *pages;
    size_t n, cap;
    pg_outline *outline;
    size_t n_outline, cap_outline;
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

/* Appends a bookmark (title copied). */
void pg_pages_add_outline(pg_pages *pp, const char *title, int level, int page, double y);

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
