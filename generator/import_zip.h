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

/* The format being read, for the messages: "DOCX" / "Word" / ".docx". */
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
char *pg_zip_read(zip_t *z, const char *name, int required, const char *file,
                  const pg_zip_kind *k, size_t *len, pg_diag_list *diags);

/* Reads and parses part name (no network, no DTD, no entities: a DOCTYPE or
 * entity declaration is refused). Returns the document (free with
 * xmlFreeDoc) or NULL: absent and optional (no diagnostic), or an error
 * diagnostic (also "malformed at line N"). *failed is set when a diagnostic
 * was added. */
xmlDocPtr pg_zip_xml(zip_t *z, const char *name, int required, const char *file,
                     const pg_zip_kind *k, int *failed, pg_diag_list *diags);

/* Footnotes as the recogniser places them in extracted text: the text is
 * attached to p; the first nine also become a superscript marker at the end
 * of p and a line "¹ text" in pending (written after the block by
 * pg_zip_notes_flush); later ones follow as " (text)". text is taken over. */
void pg_zip_note_attach(pg_import_para *p, char *text, unsigned marks, int *count,
                        GPtrArray *pending);

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

#endif
