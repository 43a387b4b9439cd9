/* import.h - bringing an old plan in: a reader turns the input (plain text,
 * DOCX, ODT) into a list of paragraphs, and the recogniser builds plan XML
 * from that list. Nothing is lost: what the recogniser cannot place is written
 * as a plain <p> in order, with a PG_W_IMPORT warning at its source line.
 *
 * Words. A word is a maximal run of bytes that are not ASCII whitespace
 * (space, tab, CR, LF, VT, FF) nor U+00A0, taken from the text of the runs
 * (formatting marks such as "**" are not text). The "words in" of a document are
 * the words of all its paragraphs, less the marks: words that plangen prints
 * itself from the plan's structure and that the recogniser therefore drops -
 * typed numbering of a heading ("I-", "1.1.", "a)"), a bullet ("-", "+", "*",
 * "•"), the star under the issuer, the national or Party motto lines, "Số"
 * and the "-KH/SYM" of the number line, "KẾ HOẠCH", "Nơi nhận:", the words
 * "ngày", "tháng", "năm" of the date line, the braces "}" "|" of recipient
 * groups, the "Lưu" and dash of the archive line, the authority prefix of the
 * signature ("T/M"), a footnote's marker before its text, the appendix line
 * "(kèm theo Kế hoạch …)", and what a PDF extractor left of page breaks: a page
 * number alone on a line, a running header (a short line repeated three times
 * or more). The "words out" are the words of the text written into the
 * plan (element text and the text-bearing attributes: title, parent, collective,
 * name, purpose). A recogniser that loses nothing makes in == out. */
#ifndef PG_IMPORT_H
#define PG_IMPORT_H

#include "diag.h"

#include <stddef.h>

enum {
    PG_RUN_BOLD = 1,
    PG_RUN_ITALIC = 2,
    PG_RUN_UNDERLINE = 4,
};

typedef struct {
    char *text;     /* UTF-8, owned by the paragraph */
    unsigned marks; /* PG_RUN_* */
} pg_import_run;

typedef struct {
    pg_import_run *runs;
    size_t n_runs;
    int line;            /* 1-based source line of the paragraph's first line */
    int in_cell;         /* 1: the paragraph is in a table cell at row, col (0-based) */
    int table, row, col; /* table: 1-based index of the table in the document */
    char **footnotes;    /* footnote texts attached to this paragraph */
    size_t n_footnotes;
    int picture; /* 1: a picture standing alone; its runs hold its alternate
                    text (a QR code's is its link) */
    /* pg_import_run_add's bookkeeping: the room of runs, and the run it last
     * grew with that text's length and room */
    const pg_import_run *runs_mine;
    size_t runs_cap, n_runs_mine;
    const char *grown;
    size_t grown_len, grown_cap;
} pg_import_para;

typedef struct {
    pg_import_para *paras;
    size_t n, cap;
    int lines; /* 1: the entries are lines of text, a paragraph wrapped over
                  consecutive lines (text); 0: each is a paragraph (DOCX, ODT) */
} pg_import_doc;

typedef struct {
    size_t words_in;  /* words of the input, marks excluded (see above) */
    size_t marks;     /* marks dropped because plangen regenerates them */
    size_t words_out; /* words of the text written into the plan */
    size_t unplaced;  /* paragraphs kept as plain <p> with a warning */
} pg_import_stats;

/* Reads plain text (UTF-8, or UTF-16 with a byte-order mark) into doc: one
 * paragraph per line (empty lines separate nothing more), "**b**", "*i*",
 * "__u__" as runs, Markdown pipe tables as cells. Returns 0 with a PG_E_UTF8
 * diagnostic when the bytes are not text (a NUL byte, invalid UTF-8); doc is
 * then empty. file names the input in diagnostics. */
int pg_import_text_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                        pg_diag_list *diags);

/* Reads a DOCX (word/document.xml, footnotes.xml, styles.xml, numbering.xml)
 * from memory into doc: one paragraph per w:p, a w:br splitting it in two;
 * runs with bold/italic/underline from the paragraph style, the character
 * style (each with its w:basedOn chain) and the run's own w:b/w:i/w:u, a
 * later one turning an earlier one on or off; table cells with
 * in_cell/table/row/col; footnote texts attached at their reference; Word's
 * automatic numbering as the label it shows ("I. ", "1. ", "a) ", "- " for a
 * bullet or a list it cannot resolve); text boxes' paragraphs after the
 * paragraph they are anchored in; a drawn right brace (DrawingML rightBrace,
 * VML shape type 88, or a vertically merged cell "}" / empty beside a column
 * of lines) as " }" on the lines it spans and its purpose "(…)" (from a text
 * box or merged cell beside it) after the first. Returns 1, or 0 with one
 * error diagnostic (not a ZIP, truncated, a part over 64 MiB, over 10,000
 * entries, no word/document.xml, a DOCTYPE/entity, malformed XML); doc is
 * then empty. Diagnostics' line is the 1-based DOCX paragraph index, 0 for
 * the file. */
int pg_import_docx_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                        pg_diag_list *diags);

/* Reads an ODT (content.xml, styles.xml; the mimetype entry must be
 * application/vnd.oasis.opendocument.text), or a flat ODT (.fodt: one XML
 * document, office:document), from memory into doc: one
 * paragraph per text:p/text:h, a text:line-break splitting it; spans' bold,
 * italic, underline from their styles and the parent-style chain; list
 * labels as Writer shows them ("I. ", "1. ", "a) ", "- "); footnote texts
 * attached; table cells with in_cell/table/row/col (covered cells skipped);
 * text of frames and text boxes after the paragraph they are anchored in; a
 * drawn right brace (or a merged cell "}" / empty beside a column of lines)
 * as " }" on the lines it spans, with the purpose of its text box (or merged
 * cell). Returns 1, or 0 with one error diagnostic (as for DOCX, and a
 * wrong mimetype); doc is then empty. Diagnostics' line is the 1-based
 * paragraph index, 0 for the file. */
int pg_import_odt_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                       pg_diag_list *diags);

/* Whether bytes are a flat ODT: XML whose root is office:document. */
int pg_import_is_fodt(const char *bytes, size_t len);

/* Reads an old plan of any kind the readers know into doc, choosing the reader
 * by content: a ZIP whose first entry is the ODT mimetype, a flat ODT, or a
 * .odt/.fodt name, is an ODT; another ZIP, or a .docx name, a DOCX (the reader then says why the
 * bytes are not one); anything else text. Returns what the reader returns. */
int pg_import_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                   pg_diag_list *diags);

/* Builds plan XML from doc. Returns a malloc'd, NUL-terminated document (the
 * caller frees it with free()); fills *stats. Warnings go to diags, at the
 * source lines of file. Never fails: what it cannot place is kept as <p>.
 * todo receives, one per line, what is left for the writer to fill (a missing
 * number, date, place, signature name); malloc'd, "" when nothing. */
char *pg_import_recognise(const pg_import_doc *doc, const char *file, pg_diag_list *diags,
                          pg_import_stats *stats, char **todo);

/* For readers: appends an empty paragraph at source line `line` to doc. */
pg_import_para *pg_import_para_add(pg_import_doc *doc, int line);
/* For readers: appends n bytes at s to p, joined to its last run when the marks
 * are the same. */
void pg_import_run_add(pg_import_para *p, const char *s, size_t n, unsigned marks);

/* Words of s as defined above. */
size_t pg_import_count_words(const char *s);

/* Releases what doc holds; doc is left empty. Accepts an empty doc. */
void pg_import_doc_free(pg_import_doc *doc);

#endif
