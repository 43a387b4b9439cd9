/* layout_internal.h - private to the layout stage's files: layout.c (fonts,
 * pango layouts, flow elements, body blocks, QR codes, images, appendices,
 * the entry point), layout_table.c (tables), layout_title.c (the first page's
 * header and title, recipients and signature) and paginate.c (page breaking,
 * footnotes, page numbers, metadata). Lengths in pt unless they say Pango units. */
#ifndef PG_LAYOUT_INTERNAL_H
#define PG_LAYOUT_INTERNAL_H

#include "layout.h"
#include "layout_cache.h"

#include <glib.h>

#define LINE_SEPARATOR "\xE2\x80\xA8" /* U+2028: a forced break inside a paragraph */

/* An element of the flow: a box with the items drawn in it, relative to its top. */
typedef struct {
    pg_flow_box box;
    pg_item *items;
    size_t n, cap;
    int *notes;          /* indexes into lay.notes of the footnotes marked here */
    size_t n_notes;
    int band;            /* a slice of a table row */
    int row_end;         /* the last slice of its row */
    double close_x, close_w; /* the table's extent, for a closing rule at a page end */
    char *outline;       /* bookmark title (heap); NULL when none */
    int outline_level;
    size_t gid;          /* its number in the flows of the layout: a box's header
                            is 1 + the gid of its element (elem_by_gid) */
} felem;

/* A footnote mark in the text being laid out: byte range of the mark. */
typedef struct {
    const pg_node *note;  /* NULL once attached */
    PangoLayout *ly;      /* the layout holding the mark; NULL until bound */
    unsigned start, end;
} mark;

/* A footnote's text, laid out once. */
typedef struct {
    const pg_node *node;
    PangoLayout *layout;
    int lines;
    int id; /* its structure element's id; 0 until placed */
    PangoLayoutIter *iter; /* at line iter_line: lines are placed in order, and pango
                              finds a line by index only from the first (NULL: none yet) */
    int iter_line;
    int queued;            /* lines waiting for a page: once none is and the last has
                              been placed, the layout goes (layout NULL) */
} note;

/* A footnote line waiting for a page. */
typedef struct {
    int note; /* index into lay.notes */
    int line;
} note_line;

typedef struct {
    const pg_doc *doc;
    const pg_style *st;
    PangoContext *ctx;
    pg_diag_list *diags;
    pg_reads *reads; /* the images read are recorded here; NULL: not recorded */
    felem *el;       /* the flow: elements placed on pages already and kept
                        as a table's header still to repeat, then the elements
                        not placed yet from el[ps.next] on */
    size_t n, cap;
    size_t made;     /* elements made: the next gid */
    pg_paginate_state ps; /* page breaking of the flow so far */
    int overflow;    /* a box taller than a page was placed in this flow */
    int flush_off;   /* pages may not be placed yet (a table's header may still grow) */
    pg_pages *into;  /* the page list the flow goes to */
    int shown;       /* the number printed on its last page */
    int file_doc;    /* into is an appendix sent as a file of its own */
    const pg_page_sink *sink; /* pages handed on as they become final; NULL: kept */
    double pending;  /* space after the previous block */
    int keep_next;   /* the next element stays with the one before */
    double L, W;     /* left margin and text width of the current flow */
    double page_w, page_h;
    PangoFontDescription *font[PG_ROLE__COUNT];
    char *font_key[PG_ROLE__COUNT]; /* each font as a string, for the layout cache */
    pg_fonts *fonts;
    pg_layout_cache *cache; /* layouts and faces of the process */
    double ascent[PG_ROLE__COUNT], descent[PG_ROLE__COUNT];
    char have_metrics[PG_ROLE__COUNT]; /* ascent and descent computed */
    mark *marks;     /* marks of the layout being built */
    size_t n_marks, cap_marks;
    note *notes;     /* every footnote, in the order of their marks */
    size_t n_notes, cap_notes;
    note_line *queue; /* footnote lines not yet placed */
    size_t q_head, q_len, q_cap;
    int failed;      /* an error was reported: no pages */
    char *outline_next; /* bookmark for the next paragraph's first line (heap) */
    int outline_level;
    const char *at_file;   /* the plan and position of the node being laid out, */
    pg_pos at;             /* where a character the font lacks is reported */
    GHashTable *uncovered; /* the reports made (coverage.h) */
    pg_item held[32];      /* structure begins waiting for the next element */
    size_t n_held;
    int struct_ids;        /* structure elements numbered so far */
    pg_item open[64];      /* the structures open where pages are being filled */
    size_t n_open;
} lay;

/* ---- shared by the layout files ---------------------------------------------- */

/* the fonts, layouts, flow elements and body (layout.c) */
const pg_textstyle *ts(const lay *l, pg_role r);
double pitch(const lay *l, pg_role r);
double font_ascent(lay *l, pg_role r);
double font_descent(lay *l, pg_role r);
double baseline_offset(lay *l, pg_role r);
void at_node(lay *l, const pg_node *n);
PangoLayout *make_layout(lay *l, pg_role role, const char *text, PangoAttrList *attrs,
                                double width, pg_align align, double indent);
void add_inlines(lay *l, const pg_node *n, pg_buf *t, PangoAttrList *al);
felem *new_elem(lay *l, double gap);
/* The element numbered gid, which must still be in the flow. */
felem *elem_by_gid(lay *l, size_t gid);
void elem_add(felem *e, const pg_item *it);
void attach_marks(lay *l, felem *e, PangoLayout *ly, int i, double x0, double y);
void bind_marks(lay *l, PangoLayout *ly);
void clear_marks(lay *l);
void add_line(lay *l, felem *e, pg_role role, PangoLayout *ly, int i, double x0, double y,
              const PangoRectangle *logical);
/* Structure events. elem_begin/elem_end add them to an element's items;
 * flow_begin holds a begin for the next element made, flow_end ends in the last
 * element made (or drops the begin still held: nothing was placed). begin
 * returns the element's id; label may be NULL. */
int elem_begin(lay *l, felem *e, pg_struct s, int level, const char *label);
void elem_end(felem *e, pg_struct s, int id);
int flow_begin(lay *l, pg_struct s, int level, const char *label);
/* flow_begin() of a FIGURE whose begin carries its alternate text alt (copied). */
int flow_begin_figure(lay *l, const char *alt);
void flow_end(lay *l, pg_struct s, int id);
double place_lines(lay *l, felem *e, pg_role role, PangoLayout *ly, double x0, double y_top,
                          double *right);
double column_text(lay *l, felem *e, pg_role role, const char *text, PangoAttrList *al,
                          double x, double w, double y, double *right);
double balanced_width(lay *l, pg_role role, const char *text, PangoAttrList *al, double w);
void add_rule(felem *e, pg_role role, double x, double y, double w, double thickness);
void add_vrule(felem *e, pg_role role, double x, double y, double h, double thickness);
/* tables (layout_table.c) */
void layout_table(lay *l, const pg_node *t);
/* the header, title and closing block (layout_title.c) */
void layout_title_block(lay *l);
void layout_closing(lay *l);
/* The pixels of the IMAGE node im, decoded from the bytes read now (recorded in
 * the reads); NULL when im has no checked file, or after a diagnostic (the file
 * changed, or its data is damaged; l->failed set). One reference, the caller's. */
pg_image *layout_load_image(lay *l, const pg_node *im);
/* pages (paginate.c) */
void set_page(lay *l, int landscape, const pg_node *at);
/* Places the pages of the flow that are final now (the elements made so far
 * are complete): called between blocks, so that a long plan never holds more
 * than a few pages of elements. */
void flow_ready(lay *l);
/* Places the rest of the flow on pages of l->into, numbering them on from
 * l->shown (0: no numbers before page_number_from), then empties the flow. */
void place_flow(lay *l);
/* Ends the document of page list pp: its last page closes the document element
 * and is handed on. */
void end_document(lay *l, pg_pages *pp);
void set_metadata(lay *l, pg_pages *pp);
int geometry_finite(const pg_pages *pp);
/* Reports (once) a position that is not finite; the layout has failed. */
void geometry_failed(lay *l);

#endif
