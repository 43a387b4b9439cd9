/* import_zip.h - what the office readers of `plangen import` (DOCX, ODT) share:
 * a ZIP archive opened from memory and one XML part read from it with the
 * limits for hostile input, and the paragraph helpers both readers need
 * (footnotes attached as markers, blank paragraphs dropped). */
#ifndef PG_IMPORT_ZIP_H
#define PG_IMPORT_ZIP_H

#include "import.h"

#include <glib.h>
#include <libxml/tree.h>
#include <zip.h>

#define PG_ZIP_PART_MAX ((zip_uint64_t)64 << 20) /* bytes, uncompressed */
#define PG_ZIP_ENTRIES_MAX 10000
/* What the XML parts of one document may hold together: bytes unpacked, and
 * nodes (elements, attributes, namespace declarations, comments, processing
 * instructions, CDATA sections) counted while libxml2 builds the trees. A
 * tree takes some 120 bytes a node, so a part of empty elements would cost
 * 30 times its size; a real plan's parts hold a few MiB and a few hundred
 * thousand nodes (Word's own styles.xml: 440 KB, 23,000 nodes). */
#define PG_ZIP_XML_BYTES_MAX ((size_t)16 << 20)
#define PG_ZIP_XML_NODES_MAX ((size_t)1000000)
/* The footnote text one document may hold, in bytes: a plan's notes take a
 * few KiB. */
#define PG_ZIP_NOTES_MAX ((size_t)1 << 20)

/* The format being read, for the messages: "DOCX" / "Word" / ".docx"; a_name
 * and doc_kind are English words marked N_, given through _() where used. */
typedef struct {
    const char *name;     /* "DOCX" */
    const char *a_name;   /* "a DOCX" */
    const char *app;      /* "Word": where to save the file again */
    const char *ext;      /* ".docx" */
    const char *doc_kind; /* "a Word document" */
} pg_zip_kind;

/* Opens bytes (not copied: they must outlive the archive) as a ZIP. Returns
 * NULL with one error diagnostic (no ZIP signature, not readable, more than
 * PG_ZIP_ENTRIES_MAX entries). The caller closes it with zip_discard(). */
zip_t *pg_zip_open(const char *bytes, size_t len, const char *file, const pg_zip_kind *k,
                   pg_diag_list *diags);

/* Reads part name into a malloc'd NUL-terminated buffer of *len bytes. NULL
 * when the part is absent (an error diagnostic if required), larger than
 * PG_ZIP_PART_MAX (counted while inflating, since the header may lie) or
 * unreadable (an error diagnostic). */
char *pg_zip_read(zip_t *z, const char *name, int required, const char *file, const pg_zip_kind *k,
                  size_t *len, pg_diag_list *diags);

/* What the XML parts of one document have used of PG_ZIP_XML_BYTES_MAX and
 * PG_ZIP_XML_NODES_MAX; starts zeroed. */
typedef struct {
    size_t bytes, nodes;
} pg_zip_budget;

/* Reads and parses part name (no network, no DTD, no entities: a DOCTYPE or
 * entity declaration is refused, whatever the encoding). Returns the document
 * (free with xmlFreeDoc) or NULL: absent and optional (no diagnostic), or an
 * error diagnostic (also "malformed at line N", or over what is left of
 * budget, which the part's bytes and nodes are charged to). *failed is set
 * when a diagnostic was added. */
xmlDocPtr pg_zip_xml(zip_t *z, const char *name, int required, const char *file,
                     const pg_zip_kind *k, pg_zip_budget *budget, int *failed, pg_diag_list *diags);

/* Parses n bytes as XML part name (no network, no DTD, no entities), charged
 * to budget, as pg_zip_xml does. NULL with an error diagnostic. */
xmlDocPtr pg_zip_parse(const char *bytes, size_t n, const char *name, const char *file,
                       const pg_zip_kind *k, pg_zip_budget *budget, pg_diag_list *diags);

/* The text under n (text and CDATA nodes in document order), at most max
 * bytes of it (then cut at a character, with "…" after), stripped: enough to
 * tell an empty cell, a "}" or a purpose "(…)" without copying a cell's whole
 * content once more at each level of nested tables. g_free it. */
char *pg_zip_short_text(xmlNodePtr n, size_t max);

typedef struct pg_zip_reader pg_zip_reader;

/* Footnotes as the recogniser places them in extracted text: the text is
 * attached to p; the first nine also become a superscript marker at the end
 * of p and a line "¹ text" in pending (written after the block by
 * pg_zip_notes_flush); later ones follow as " (text)". text is taken over.
 * Past PG_ZIP_NOTES_MAX bytes of notes in all, nothing is attached and the
 * reader fails (one error diagnostic, z->failed set). */
void pg_zip_note_attach(pg_zip_reader *z, pg_import_para *p, char *text, unsigned marks);

/* Writes the pending footnote lines as paragraphs out of any table, at line. */
void pg_zip_notes_flush(pg_import_doc *doc, int line, GPtrArray *pending);

/* Drops the last paragraph of doc when it holds no word and no footnote: the
 * empty paragraphs of a word processor are spacing. */
void pg_zip_drop_if_blank(pg_import_doc *doc);

/* Whether s already starts with a typed number or bullet ("1.", "a)", "II-",
 * "-", "+", "•"). */
int pg_zip_typed_number(const char *s);

/* Puts label (e.g. "1. ", "- ") before the first run of p. */
void pg_zip_prefix(pg_import_para *p, const char *label);

/* Writes n in fmt ("1", "I", "i", "A", "a": a list level's format) into out
 * (32 bytes); decimal for another format or a number out of range. */
void pg_zip_number(const char *fmt, int n, char *out);

/* The pitch of a paragraph's lines in pt: size (pt) times the line height of
 * Liberation Serif / Times at single spacing (1.15) times line (1: single),
 * plus the spacing before and after (pt). */
double pg_zip_pitch(double size, double line, double before, double after);

/* Drawn braces. A reader records each right brace shape with the paragraph it
 * is anchored in (an index into doc), its offset from that paragraph's top
 * and its height, and the pitch of the lines beside it (pt). Between
 * pg_zip_braces_begin and pg_zip_braces_end the reader reads what is drawn in
 * one paragraph; a text box read there whose text is a purpose in
 * parentheses ("(để b/c)") is taken out of doc as the purpose of the brace
 * drawn beside it. pg_zip_braces_apply then writes the convention of text
 * extracted from PDFs: " }" after each line the brace spans, and the purpose
 * after the middle one ("- UBND tỉnh; } (để b/c)"). A brace spans at most
 * PG_ZIP_BRACE_LINES_MAX lines and a paragraph takes one brace mark at most
 * (later braces over it skip it). */
/* Braces kept per document; lines one brace marks at most; a brace taller,
 * or further from its anchor, than two A4 pages (pt) is skipped, and so is
 * one beside lines closer than PG_ZIP_PITCH_MIN (pt). */
#define PG_ZIP_BRACES_MAX 1000
#define PG_ZIP_BRACE_LINES_MAX 50
#define PG_ZIP_BRACE_PT_MAX 2000.0
#define PG_ZIP_PITCH_MIN 1.0

typedef struct {
    size_t anchor;
    double y, h, pitch; /* pt */
    char *purpose;      /* owned, NULL when none */
} pg_zip_brace;

typedef struct {
    pg_zip_brace *v;
    size_t n;
} pg_zip_braces;

/* Braces and paragraphs before the drawings of one paragraph (these nest: a
 * text box holds paragraphs). */
typedef struct {
    size_t braces, paras;
} pg_zip_mark;

void pg_zip_brace_add(pg_zip_braces *b, size_t anchor, double y, double h, double pitch);
pg_zip_mark pg_zip_braces_begin(const pg_zip_braces *b, const pg_import_doc *doc);
void pg_zip_braces_end(pg_zip_braces *b, pg_zip_mark m, pg_import_doc *doc);
void pg_zip_braces_apply(const pg_zip_braces *b, pg_import_doc *doc);
void pg_zip_braces_free(pg_zip_braces *b);

/* Writes " }" and, when purpose is not NULL, " (purpose)" after it (purpose
 * given with or without its parentheses) at the end of paragraph p, or before
 * its first tab when it has one (a tab-aligned closing line: the signer's
 * column follows the tab). */
void pg_zip_brace_mark(pg_import_para *p, const char *purpose);

/* Braces made as a vertically merged table cell: a cell that starts a
 * vertical merge, is empty, "}" or a purpose "(…)", right of a cell with
 * text; the lines of the text column beside it become " }" lines, the first
 * with the purpose (the brace cell's own, or that of a merged cell right of
 * it). The reader fills a grid of the first PG_ZIP_GRID_ROWS rows and
 * PG_ZIP_GRID_COLS columns of a table, finds the braces, and while reading
 * the cells skips the brace and purpose cells and marks the text beside. */
#define PG_ZIP_GRID_ROWS 4096
#define PG_ZIP_GRID_COLS 64

typedef struct {
    char *text; /* stripped, owned */
    int span;   /* rows: 1; 0 continues the cell above; N >= 2, or -1 (count the 0s below),
                   starts a merge */
} pg_zip_cell;

typedef struct {
    int rows;
    pg_zip_cell *grid;    /* rows * PG_ZIP_GRID_COLS; NULL once the braces are found */
    unsigned char *brace; /* per row: the brace's column + 1 (the text is left of it), 0 none */
    char **purpose;       /* per row: the purpose of the brace starting there, owned */
    unsigned char *skip;  /* per row and column: a brace or purpose cell, not read */
} pg_zip_merges;

/* An empty grid of rows rows (at most PG_ZIP_GRID_ROWS are kept). */
void pg_zip_merges_init(pg_zip_merges *m, int rows);
/* Sets the cell at row, col (ignored out of the grid); text is taken over. */
void pg_zip_merges_set(pg_zip_merges *m, int row, int col, char *text, int span);
/* Finds the braces; the grid's texts are released. */
void pg_zip_merges_find(pg_zip_merges *m);
int pg_zip_merges_skip(const pg_zip_merges *m, int row, int col);
/* After reading the cell at row, col, whose paragraphs start at doc index
 * before: its last paragraph gets " }" (and the purpose) when a brace is
 * right of it. */
void pg_zip_merges_mark(const pg_zip_merges *m, pg_import_doc *doc, int row, int col,
                        size_t before);
void pg_zip_merges_free(pg_zip_merges *m);

/* What the DOCX and ODT readers share while reading: where a paragraph goes
 * (the table cell being read), the footnotes waiting for the end of the
 * block, the drawings met in the current paragraph, the braces drawn. */
struct pg_zip_reader {
    pg_import_doc *doc;
    const char *file; /* for the diagnostics */
    const pg_zip_kind *kind;
    pg_diag_list *diags;
    int failed;                   /* a limit was passed: an error diagnostic was added */
    size_t note_bytes;            /* footnote text attached so far */
    int index;                    /* paragraphs read: the "line" of diagnostics */
    int tables;                   /* tables met so far */
    int in_cell, table, row, col; /* the cell being read (import.h) */
    int notes;                    /* footnotes read so far */
    GPtrArray *pending;           /* footnote lines ("¹ text") to write after the block */
    GPtrArray *drawings;          /* elements drawn in the current paragraph */
    pg_zip_braces braces;
    double y_shift; /* pt, added to the offset of a brace drawn in a dropped blank paragraph */
};

/* Reads an element drawn in a paragraph: a brace (added to z->braces with
 * anchor, pitch and z->y_shift) or a text box (its paragraphs read). */
typedef void pg_zip_draw_fn(void *reader, xmlNodePtr drawn, size_t anchor, double pitch, int depth);

void pg_zip_reader_init(pg_zip_reader *z, pg_import_doc *doc, const char *file,
                        const pg_zip_kind *k, pg_diag_list *diags);
/* Writes the footnotes still pending and the braces' marks. */
void pg_zip_reader_finish(pg_zip_reader *z);
void pg_zip_reader_free(pg_zip_reader *z);

/* Appends an empty paragraph at z->index, in the cell being read. */
pg_import_para *pg_zip_para_new(pg_zip_reader *z);

/* Starts a paragraph: a fresh list of drawings (the outer one is returned, to
 * give back to pg_zip_para_end), a new paragraph. *first is its index. */
GPtrArray *pg_zip_para_begin(pg_zip_reader *z, size_t *first);

/* Ends the paragraph begun at first: label (a list number, may be NULL)
 * before its text unless it starts with a typed number; dropped when blank;
 * then each element drawn in it read through draw, braces anchored at first
 * with the paragraph's line pitch (pt). */
void pg_zip_para_end(pg_zip_reader *z, size_t first, const char *label, GPtrArray *outer,
                     double pitch, pg_zip_draw_fn *draw, void *reader, int depth);

#endif
