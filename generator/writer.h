/* writer.h - what the editable-document writers (DOCX, ODT) share: the walk of
 * the numbered document in reading order through a table of handlers (each
 * writer only emits its own markup), the header's and closing's content, the
 * facts taken from plangen's own layout (where a brace group's brace and purpose
 * stand, the size of each picture), the pictures as PNG, and the zip package
 * with fixed times. Lengths are in pt unless said otherwise. */
#ifndef PG_WRITER_H
#define PG_WRITER_H

#include "diag.h"
#include "model.h"
#include "pages.h"
#include "style.h"

#include <libxml/xmlwriter.h>
#include <stddef.h>

/* run flags on top of a role's own weights */
/* PG_W_ASIS: no case transform (a heading's label before its upper-cased title) */
enum { PG_W_BOLD = 1, PG_W_ITALIC = 2, PG_W_UNDERLINE = 4, PG_W_SUPER = 8, PG_W_ASIS = 16 };

/* A recipients' brace group as plangen's layout drew it, relative to the top
 * left of the recipients column and of the group's first line. */
typedef struct {
    double x, w, h;      /* pt: the brace's left edge, width and height */
    double y;            /* pt: its top under the top of the group's first line box */
    double px, pw;       /* pt: the purpose's box, left edge and width */
    double py;           /* pt: the purpose box's top under the top of the first line
                            (negative: above it) */
    int lines;           /* the recipient lines the brace spans */
    int purpose_lines;   /* the lines of the purpose */
    double pitch;        /* pt: the recipients' line pitch (their exact line height) */
    const char *purpose; /* the purpose as printed: "(để b/c)" */
    const pg_path *path; /* the layout's stroke of the brace, from its top left (pt);
                            owned by the pages */
} pg_wbrace;

/* A QR code or an image as a picture. */
typedef struct {
    double w, h;        /* pt, as plangen's layout sized it */
    unsigned char *png; /* the PNG bytes (malloc'd, owned by the pg_wdoc) */
    size_t len;
    const char *alt; /* the link of a QR code, the file name of an image */
    int qr;          /* 1: a QR code */
} pg_wpicture;

/* A paragraph's layout on top of its role's. */
typedef struct {
    pg_role role;
    int align;              /* -1: the role's; else a pg_align */
    int no_indent;          /* ignore the role's first-line indent */
    double hang;            /* pt: lines after the first indented this much; 0: the role's */
    double right;           /* pt: indented this much from the right (a braced line) */
    double inset;           /* pt: indented this much on both sides, on top */
    double extra_before;    /* pt: space above on top of the role's */
    int boxed;              /* framed on four sides (a mark: urgency, circulation); its
                               lines as high as the box, inset its width */
    int keep_next;          /* kept with the next paragraph (headings) */
    int page_break;         /* starts a new page */
    int orient;             /* starts a new page in this orientation: 1 portrait, 2 landscape;
                               0: page_break decides */
    int restart;            /* with orient: the page numbers start again at 1 here */
    int no_space_after;     /* its space after goes under the rule that follows */
    const pg_wbrace *brace; /* the group whose brace and purpose this line opens */
} pg_wpara;

/* The handlers a writer gives the walk; ud is the writer's state. Runs come
 * between para_open and close; a footnote's paragraphs between note_open and
 * note_close, inside the paragraph that refers to it. close ends what was
 * opened last of a paragraph, a cell, a row or a borderless table. Every cell
 * the walk opens gets at least one paragraph (or gap, rule, picture). */
typedef struct {
    void (*para_open)(void *ud, const pg_wpara *p);
    void (*close)(void *ud);
    void (*run)(void *ud, pg_role role, int flags, const char *text); /* "\n": a line break */
    void (*note_open)(void *ud, int number);                          /* 1-based */
    void (*note_close)(void *ud);
    /* an empty paragraph h pt high */
    void (*gap)(void *ud, double h);
    /* a centred rule len pt long in avail pt of width, then after pt of space */
    void (*rule)(void *ud, double len, double avail, double after);
    /* a table with borders: ncols columns of widths (pt); table_close ends it */
    void (*table_open)(void *ud, const pg_node *t, const double *widths);
    void (*table_close)(void *ud);
    /* a borderless table of two columns of widths a and b (pt), closed by close */
    void (*two_open)(void *ud, double a, double b);
    void (*row_open)(void *ud, int header);
    void (*cell_open)(void *ud, double width);
    /* a picture alone in a paragraph p */
    void (*picture)(void *ud, const pg_wpicture *pic, const pg_wpara *p);
} pg_wops;

typedef struct {
    const pg_doc *doc;
    const pg_style *st;
    double text_w;     /* pt between the margins of a portrait page */
    pg_wbrace *braces; /* one per doc->groups entry (NULL entries impossible) */
    size_t n_braces;
    pg_wpicture *pictures; /* every QR code and image in reading order */
    size_t n_pictures;
    /* from the first page's header, title and summary as plangen laid them out */
    double line_w[PG_ROLE__COUNT];  /* pt: each role's longest line (plangen balances the
                                       lines of the issuing body and the summary); 0: none */
    double rule_w[PG_ROLE__COUNT];  /* pt: the rule drawn under a role; 0: none */
    int lines[PG_ROLE__COUNT];      /* the lines of each role there */
    double first_y[PG_ROLE__COUNT]; /* pt: the baseline of each role's first line there */
} pg_wdoc;

/* Gathers what the writers need from doc, style and plangen's layout of them
 * (pages). Returns 1, else 0 with a diagnostic in d (the layout does not match
 * the document: it did not run, or failed). Free with pg_wdoc_free(). */
int pg_wdoc_init(pg_wdoc *w, const pg_doc *doc, const pg_style *st, const pg_pages *pages,
                 const char *target, pg_diag_list *d);
void pg_wdoc_free(pg_wdoc *w);

/* Walks the whole document in reading order: the header, the body, the
 * closing, the appendices. */
void pg_wdoc_walk(const pg_wdoc *w, const pg_wops *ops, void *ud);

/* A run's line height (pt): the role's pitch, else 1.15 times its size (as
 * the layout). */
double pg_wdoc_pitch(const pg_textstyle *t);

/* The name of an alignment in a format: names[] for left, centre, right and
 * justified. */
const char *pg_walign_name(pg_align a, const char *const names[4]);

/* xmlTextWriter in short: a writer into buf with the XML declaration written
 * (aborts when out of memory); an element opened, closed; an attribute from a
 * printf format; the document ended and the writer freed. */
xmlTextWriterPtr pg_xw_new(xmlBufferPtr buf);
void pg_xw_start(xmlTextWriterPtr w, const char *name);
void pg_xw_end(xmlTextWriterPtr w);
void pg_xw_attr(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void pg_xw_close(xmlTextWriterPtr w);
/* Attributes from pairs of strings, name then value, up to a NULL name. */
void pg_xw_attrs(xmlTextWriterPtr w, ...);

/* One zip entry: the name, the bytes (kept by the caller until pg_zip_write
 * returns) and whether it is stored rather than deflated. */
typedef struct {
    const char *name;
    const void *data;
    size_t len;
    int stored;
} pg_zip_entry;

/* Writes the entries, in order and with fixed times, then w's pictures as
 * PREFIXimageN.png (stored: PNG is compressed already), as a zip to target
 * atomically (pg_output). what names the format in messages ("DOCX"). Returns
 * 1, else 0 with a diagnostic in d. */
int pg_zip_write(const pg_zip_entry *e, size_t n, const pg_wdoc *w, const char *prefix,
                 const char *target, const char *what, pg_diag_list *d);

#endif
