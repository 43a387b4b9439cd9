/* pdfread.h - reads a PDF back for tests (poppler-glib): text lines split into
 * spans with their boxes, fonts, sizes, colours and underline flags, and page
 * images for finding drawn rules and braces. Coordinates are pt, origin at the
 * top-left of the page. */
#ifndef PG_TEST_PDFREAD_H
#define PG_TEST_PDFREAD_H

#include <poppler.h>
#include <stddef.h>

typedef struct {
    char *text;               /* UTF-8, trailing spaces removed */
    double x0, y0, x1, y1;    /* box of its non-space characters */
    double size;              /* font size of its first non-space character */
    int uniform_size;         /* every character has that size */
    char *font;               /* font of its first non-space character */
    int all_bold, any_bold;   /* over non-space characters */
    int all_italic, any_italic;
    int all_black;
    unsigned rgb;             /* colour of its first non-space character, 0xRRGGBB */
    int marks;                /* characters set much smaller: note marks */
} pr_span;

typedef struct {
    double w, h;
    pr_span *spans;
    size_t n;
} pr_page;

typedef struct {
    PopplerDocument *doc;
    GBytes *bytes;
    pr_page *pages;
    size_t n;
} pr_doc;

/* Loads a PDF from memory (copied). Returns NULL when poppler cannot read it. */
pr_doc *pr_load(const unsigned char *pdf, size_t len);
void pr_free(pr_doc *d);

/* First span on page p whose text equals / starts with s; NULL when none. */
const pr_span *pr_find(const pr_page *p, const char *s);
const pr_span *pr_find_prefix(const pr_page *p, const char *prefix);

/* A page rendered to grey levels at scale px per pt. */
typedef struct {
    unsigned char *grey; /* 0 = black */
    int w, h;
    double scale;
} pr_image;

pr_image *pr_render(pr_doc *d, int page, double scale);
void pr_image_free(pr_image *im);
/* Longest run of dark pixels in one row, over rows [ya, yb] and columns
 * [xa, xb] (pt). Returns its length in pt (0 when none) and its ends and row. */
double pr_hrun(const pr_image *im, double xa, double xb, double ya, double yb, double *x0,
               double *x1, double *y);
/* Vertical extent of dark pixels in columns [xa, xb], rows [ya, yb]. Returns 0
 * when there are none. */
int pr_vextent(const pr_image *im, double xa, double xb, double ya, double yb, double *top,
               double *bottom);
/* Rows around y_mid (pt) in columns [xa, xb] that hold dark pixels, contiguous
 * but for gaps up to max_gap pt: the extent of one vertical stroke. Returns 0
 * when the row at y_mid (or next to it) has none. */
int pr_vrun(const pr_image *im, double xa, double xb, double y_mid, double max_gap, double *top,
            double *bottom);
/* Number of dark pixels in a box (pt). */
long pr_dark_count(const pr_image *im, double xa, double xb, double ya, double yb);

#endif
