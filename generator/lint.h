/* lint.h - lint stage: checks a numbered plan against its standard (the
 * style's) beyond what the schema can say: recipients and archive line, number
 * and symbol form, dates, summary case, recipient punctuation, typed numbers,
 * numbering gaps, basis citations. Each finding carries a rule id tied to the
 * clause it comes from (docs/rules.md) and a hint; some can be fixed in the
 * plan file mechanically. */
#ifndef PG_LINT_H
#define PG_LINT_H

#include "style.h"

/* A mechanical correction: replace len bytes at offset of the plan file. */
typedef struct {
    size_t offset, len;
    char *text; /* heap */
} pg_edit;

typedef struct {
    pg_edit *items;
    size_t n, cap;
} pg_edits;

typedef struct {
    const char *today; /* YYYY-MM-DD; NULL: the system date */
} pg_lint_opts;

/* Checks doc (parsed from file, numbered with style) and appends findings to
 * diags. When edits is not NULL, fixable findings also add their correction
 * (offsets into the plan file's bytes, which are read again). Returns the
 * number of findings. */
int pg_lint(const pg_doc *doc, const pg_style *style, const pg_lint_opts *opts,
            pg_diag_list *diags, pg_edits *edits);

/* Applies edits to the file at path atomically (temporary file, rename);
 * returns 1 on success, else 0 with a diagnostic. */
int pg_edits_apply(const char *path, pg_edits *edits, pg_diag_list *diags);
void pg_edits_free(pg_edits *e);

#endif
