/* pages.h - the layout stage's output: a display list of pages, each a list of
 * placed items (glyph runs, rules, paths, filled boxes, images, links,
 * destinations) between begin/end structure events that say what the items
 * belong to (heading, paragraph, table cell...), plus the device interface
 * that renderers implement. The list knows no pango and no cairo type: layout
 * converts what it shaped into glyph ids and positions in pt; devices never
 * measure. The trace device prints a stable text form of every item and event,
 * for golden tests and dumps. */
#ifndef PG_PAGES_H
#define PG_PAGES_H

#include "style.h"

#include <stdio.h>

struct hb_face_t;

/* ---- faces -------------------------------------------------------------------- */

/* A font face as layout used it: a font file's face (harfbuzz) and whatever the
 * raster device needs to draw it. Opaque and reference-counted; made by the
 * layout stage (layout_cache.c), immutable once made. */
typedef struct pg_face pg_face;

/* Takes a reference and returns f. */
pg_face *pg_face_ref(pg_face *f);
/* Drops a reference; f may be NULL. */
void pg_face_unref(pg_face *f);
/* "Liberation Serif Bold": the family and face pango chose (owned by f). */
const char *pg_face_name(const pg_face *f);
/* The harfbuzz face: the font file's bytes and the face's index in it (owned by
 * f; take a reference to keep it longer than f). */
struct hb_face_t *pg_face_hb(const pg_face *f);

/* ---- text --------------------------------------------------------------------- */

/* One glyph of a run. */
typedef struct {
    unsigned id;       /* glyph id in the run's face; 0 for a .notdef */
    unsigned notdef;   /* 1: the face's .notdef, drawn for a character it lacks
                          (layout has reported it); advance is the room given */
    double x, y;       /* pt from the line's origin (y down) */
    double advance;    /* pt: the room layout gave the glyph */
    unsigned text;     /* byte offset in the line's text of the cluster it starts */
    unsigned text_len; /* bytes of that cluster; 0: not the first glyph of its cluster */
} pg_glyph;

/* Glyphs of one face at one size. */
typedef struct {
    pg_face *face;           /* a reference */
    double size;             /* pt */
    double x, y;             /* pt: the run's origin from the line's origin */
    double width;            /* pt: its advance */
    unsigned text, text_len; /* its text: bytes in the line's text */
    size_t first, n;         /* its glyphs: glyphs[first .. first + n) of the line */
} pg_glyph_run;

/* A box in pt from an origin (left, top). */
typedef struct {
    double x, y, w, h;
} pg_box;

/* A line of text as glyph runs. Reference-counted and immutable: a line
 * shaped once is shared by every item that shows it (and by later plans of the
 * process, through the layout cache). */
typedef struct pg_text {
    int refs;
    char *text; /* UTF-8 of the line (trailing spaces included), owned */
    size_t text_len;
    pg_glyph_run *runs; /* owned */
    size_t n_runs;
    pg_glyph *glyphs; /* owned */
    size_t n_glyphs;
    pg_box *underlines; /* owned: rules under underlined runs, from the origin,
                           filled in the item's colour */
    size_t n_underlines;
} pg_text;

/* A new empty line (one reference); the caller fills it before sharing it. */
pg_text *pg_text_new(void);
pg_text *pg_text_ref(pg_text *t);
void pg_text_unref(pg_text *t);

/* ---- paths and images ----------------------------------------------------------- */

typedef enum {
    PG_SEG_MOVE,  /* to (x[0], y[0]) */
    PG_SEG_LINE,  /* to (x[0], y[0]) */
    PG_SEG_CURVE, /* Bézier through (x[0], y[0]), (x[1], y[1]) to (x[2], y[2]) */
} pg_seg_kind;

typedef struct {
    pg_seg_kind kind;
    double x[3], y[3]; /* pt from the item's origin */
} pg_seg;

/* A stroked path (a recipients' brace). Reference-counted, immutable once made. */
typedef struct pg_path {
    int refs;
    double line_width; /* pt */
    size_t n;
    pg_seg *seg; /* owned */
} pg_path;

pg_path *pg_path_new(double line_width);
void pg_path_add(pg_path *p, pg_seg_kind kind, double x0, double y0, double x1, double y1,
                 double x2, double y2);
void pg_path_unref(pg_path *p);

/* Decoded pixels. Reference-counted, immutable once made. */
typedef struct pg_image {
    int refs;
    int w, h;             /* pixels */
    unsigned char *rgb;   /* w * h * 3 bytes, rows top down, not premultiplied; owned */
    unsigned char *alpha; /* w * h bytes of opacity; NULL: opaque; owned */
} pg_image;

/* A new image of w x h pixels (rgb zeroed, alpha NULL), one reference. */
pg_image *pg_image_new(int w, int h);
void pg_image_unref(pg_image *im);

/* ---- structure ------------------------------------------------------------------ */

typedef enum {
    PG_STRUCT_DOCUMENT,
    PG_STRUCT_HEADER,  /* the header blocks: issuer, motto, number, place and date */
    PG_STRUCT_TITLE,   /* the document type */
    PG_STRUCT_SUMMARY, /* the subject under it */
    PG_STRUCT_SECTION, /* a numbered section, its heading and content */
    PG_STRUCT_HEADING, /* level: the section's depth */
    PG_STRUCT_PARAGRAPH,
    PG_STRUCT_LIST,      /* consecutive items */
    PG_STRUCT_LIST_ITEM, /* label: its bullet or number */
    PG_STRUCT_TABLE,
    PG_STRUCT_ROW,
    PG_STRUCT_HEADER_CELL,
    PG_STRUCT_CELL,
    PG_STRUCT_FOOTNOTE, /* level: the note's number */
    PG_STRUCT_NOTE_REF, /* level: the note's number */
    PG_STRUCT_FIGURE,   /* a QR code or an image */
    PG_STRUCT_CLOSING,  /* recipients and signature, side by side */
    PG_STRUCT_RECIPIENTS,
    PG_STRUCT_SIGNATURE,
    PG_STRUCT_APPENDIX,
    PG_STRUCT__COUNT
} pg_struct;

/* "paragraph", "header-cell"... */
const char *pg_struct_name(pg_struct s);

/* ---- items ---------------------------------------------------------------------- */

typedef enum {
    PG_ITEM_TEXT,  /* a line of text: glyph runs */
    PG_ITEM_RULE,  /* a horizontal or vertical rule (a thin filled box) */
    PG_ITEM_PATH,  /* a stroked path (a recipients' brace) */
    PG_ITEM_RECT,  /* a filled box (QR modules) */
    PG_ITEM_IMAGE, /* a raster image */
    PG_ITEM_LINK,  /* an internal link area pointing at a destination */
    PG_ITEM_DEST,  /* a named destination */
    PG_ITEM_FIELD, /* a place for a digital signature: an empty signature field that
                      `plangen sign --as` fills. label: the field's name ("signer",
                      "organisation": a widget over the image drawn there, or
                      "organisation-line": the text line of an attachment sent as a
                      separate file, number, symbol and signing time, written at
                      signing) */
    PG_ITEM_BEGIN, /* the start of a structure element */
    PG_ITEM_END,   /* its end */
} pg_item_kind;

typedef struct {
    pg_item_kind kind;
    pg_role role;
    double x, y;         /* pt from the page's top-left. TEXT: line origin on the baseline;
                            RULE: left end, centre of the stroke (vertical when h > w);
                            PATH: the origin of its segments; RECT, IMAGE, LINK, FIELD: left,
                            top; DEST: the point */
    double w, h;         /* pt. TEXT: advance width; RULE: length, thickness (or thickness,
                            length); PATH, RECT, IMAGE, LINK, FIELD: width, height */
    pg_text *text;       /* TEXT: a reference; BEGIN of a FIGURE: its alternate text in
                            text->text (no glyphs), or NULL */
    pg_path *path;       /* PATH: a reference */
    pg_image *image;     /* IMAGE: a reference */
    int target;          /* LINK, DEST: footnote number ("fn-N") */
    unsigned color;      /* TEXT, RULE, PATH, RECT: 0xRRGGBB; 0 = black */
    int artifact;        /* 1: page furniture (page numbers, rules, braces, marks,
                            repeated table headers), not content */
    pg_struct structure; /* BEGIN, END: what begins or ends */
    int level;           /* BEGIN: a heading's level, a footnote's number */
    int id;              /* BEGIN, END: the element's number in the document (1-based) */
    int continued;       /* BEGIN: 1 when the element began earlier (on a page before,
                            or in a band of a table row before) and goes on here */
    char label[24];      /* BEGIN of a LIST_ITEM: its label (UTF-8, may be cut); of a
                            FIGURE of the signature: its alternate text ("chữ ký", the
                            signer's signature; "con dấu", the seal); FIELD: its name */
} pg_item;

/* Takes the references an item holds once more (a copy of it is kept). */
void pg_item_retain(const pg_item *it);
/* Drops the references it holds and clears them. */
void pg_item_release(pg_item *it);

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
/* Appends a copy of item to page (its references are taken over). */
void pg_page_add_item(pg_page *p, const pg_item *item);

/* Appends a bookmark (title copied). */
void pg_pages_add_outline(pg_pages *pp, const char *title, int level, int page, double y);

/* Text of a TEXT item's line, without trailing white space; heap string. */
char *pg_item_text(const pg_item *it);

/* Takes the pages of one or more page lists (a plan, its appendices sent as
 * files) as layout makes them final, in order within each list. */
typedef struct {
    /* Page index of pp is final; its items are freed when this returns. pp's
     * outline holds the bookmarks of its pages so far. */
    void (*page)(void *ud, const pg_pages *pp, size_t index);
    /* Every page of pp has been given; its outline and metadata are complete. */
    void (*end)(void *ud, const pg_pages *pp);
    void *ud;
} pg_page_sink;

typedef struct {
    void (*begin_page)(void *ud, const pg_page *p);
    void (*item)(void *ud, const pg_item *it);
    void (*end_page)(void *ud, const pg_page *p);
} pg_device;

/* Replays every page and item, in order, to dev. */
void pg_pages_play(const pg_pages *pp, const pg_device *dev, void *ud);
/* Writes the trace: one line per page, item, glyph run and structure event,
 * positions to 0.01 pt, structure nesting shown by indentation. */
void pg_pages_trace(const pg_pages *pp, FILE *f);

#endif
