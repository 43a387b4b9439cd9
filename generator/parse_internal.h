/* parse_internal.h - private to the parse stage's files: parse.c (pre-scan,
 * libxml2, positions, text, schema, entry points), parse_body.c (inlines,
 * blocks, tables, QR codes, images) and parse_header.c (header, recipients,
 * signature, appendices, the plan). Not for any other stage. */
#ifndef PG_PARSE_INTERNAL_H
#define PG_PARSE_INTERNAL_H

#include "parse.h"

#include <glib.h>
#include <libxml/parser.h>
#include <stdint.h>
#include <stdio.h>

#define PG_NS "urn:plangen:plan:1"

enum {
    DEFAULT_MAX_BYTES = 10 * 1024 * 1024,
    DEFAULT_MAX_DEPTH = 64,
    DEFAULT_MAX_NODES = 100000,
    DEFAULT_MAX_TEXT = 1024 * 1024,
    DEFAULT_MAX_IMAGE_PIXELS = 40000000,
    DEFAULT_MAX_IMAGE_BYTES = 256 * 1024 * 1024,
    MAX_UTF8_REPORTS = 10
};

/* A start tag found by the pre-scan, in document order (a plan has fewer than
 * 2^31 bytes). */
typedef struct {
    uint32_t start, end; /* byte offsets of '<' and one past '>' */
    pg_pos pos;
} tag;

typedef struct source source; /* parse.c: a plan file read again in blocks */

typedef struct {
    pg_doc *doc;
    pg_diag_list *diags;
    const char *buf; /* the plan's bytes; NULL once the pre-scan is done with a
                        file, which src then reads again */
    size_t len;
    source *src;
    size_t first_chunk; /* bytes libxml2 is given at once (parse.c: first_chunk) */
    uint32_t *line_starts; /* offsets of each line's first byte */
    size_t n_lines;
    tag *tags;
    size_t n_tags, cap_tags;
    int errors; /* errors found by our own checks */
    char *base_dir; /* folder of the plan: relative paths start here */
    char *root;     /* real path of the plans root: no path may leave it */
    int in_footnote;
    size_t max_text; /* bytes of one text node or attribute */
    unsigned long long max_image_pixels, max_image_bytes; /* one image */
    size_t walk_off;  /* pos_at: the last offset asked, and its position */
    pg_pos walk_pos;
    /* elements named in a "did you mean" of unknown_element: a missing one of
     * them is not reported again (arena copies) */
    const char *suggested[8];
    int n_suggested;
    /* build_plan_children: the ranks of the plan's children seen so far, and the
     * last in order */
    int plan_seen[16];
    int plan_last_rank;
} parser;

/* ---- shared by the parse files --------------------------------------------- */

/* positions (parse.c) */
pg_pos node_pos(const parser *p, const xmlNode *n);
pg_pos attr_pos(const parser *p, const xmlNode *n, const char *name);
pg_pos text_pos(const parser *p, const xmlNode *text);
/* Adds a diagnostic at pos (fmt: printf format of the detail). */
void diag(parser *p, pg_diag_code code, pg_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* attributes, elements and text (parse.c) */
const char *attr(parser *p, const xmlNode *n, const char *name);
int blank(const char *s);
void check_attrs(parser *p, const xmlNode *n, const char *const *allowed);
char *clean_text(parser *p, const char *s, pg_pos pos, int trim);
int is_el(const xmlNode *n, const char *name);
int is_nfc(const char *s);
int is_text(const xmlNode *n);
const char *simple_text(parser *p, const xmlNode *n);
/* 1 when s (not empty) holds only characters that print nothing (spaces of any
 * kind, format characters such as ZWSP, fillers); *first: the first of them
 * other than ' '. */
int invisible_only(const char *s, gunichar *first);
/* Reports the attribute value v of n when it is empty or only invisible
 * characters (an empty value at the attribute; hint says what to write).
 * Returns 0 when it reported. NULL (no attribute) is fine. */
int visible_value(parser *p, const xmlNode *n, const char *name, const char *v,
                  const char *hint);
/* Reports the inline tree n of element x when its text is only invisible
 * characters (an empty value; hint says what to write). */
void visible_text(parser *p, const xmlNode *x, const pg_node *n, const char *hint);
/* Reports n as not allowed inside <where>; allowed lists the elements that are
 * ("<p>, <item>"), and a name it holds within two edits of n's is suggested. */
void unknown_element(parser *p, const xmlNode *n, const char *where, const char *allowed);
/* Whether unknown_element suggested <name> (its absence follows from the typo). */
int was_suggested(const parser *p, const char *name);
/* inlines and blocks (parse_body.c) */
pg_node *build_block(parser *p, const xmlNode *c, int depth);
void build_blocks(parser *p, const xmlNode *x, pg_node *parent, int depth);
void build_inlines(parser *p, const xmlNode *x, pg_node *parent, int allow_format);
pg_node *build_para(parser *p, const xmlNode *x, pg_node_type type);
int trim_block(pg_node *block);
/* Checks the PNG named by the IMAGE node im's src: resolved relative to the
 * plan's folder (base NULL) or to base (a render option), inside the plans root;
 * a PNG header within the image limits. Sets its path and pixel size, or leaves
 * path NULL after a diagnostic: at src_pos for the path and the format, at pos
 * for the limits. what names it in messages ("image", "seal": English words
 * marked N_, or an option's name), given through _(). */
void read_png_header(parser *p, pg_node *im, const char *base, pg_pos src_pos, pg_pos pos,
                     const char *what);
/* the plan (parse_header.c): build_plan(root) is build_plan_begin(root) (the
 * plan's attributes), build_plan_children(root, root->children) (each child in
 * order: text, comments, elements) and build_plan_end(root) (what the plan
 * lacks). Called in turn with the children from some child on, the three
 * convert each child as soon as the XML parser has read it. */
void build_plan(parser *p, const xmlNode *root);
void build_plan_begin(parser *p, const xmlNode *root);
void build_plan_children(parser *p, const xmlNode *root, const xmlNode *from);
void build_plan_end(parser *p, const xmlNode *root);
/* The render options' signature image, seal and seal diameter, over the plan's
 * (parse_header.c). */
void apply_signature_options(parser *p, const pg_parse_opts *opts);

#endif
