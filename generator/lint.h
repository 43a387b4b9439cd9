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
    char hash[65]; /* SHA-256 (hex) of the bytes the offsets refer to */
} pg_edits;

typedef struct {
    const char *today; /* YYYY-MM-DD; NULL: the system date */
    int *today_used;   /* out, may be NULL: set to 1 when a finding depends on the date of
                          today (a plan dated after today), so that a cache keeps it no
                          longer than today */
    const char *src;   /* the bytes the plan was parsed from (len of them); NULL: its file */
    size_t len;
} pg_lint_opts;

/* Checks doc (parsed from file, numbered with style) and appends findings to
 * diags. A finding is called fixable when its correction could be found in the
 * bytes the plan was parsed from (opts->src, else the file read again, used
 * only while its bytes are those parsed). When edits is not NULL, fixable
 * findings also add their correction: bytes of the plan file replaced, never
 * positions in the decoded text. Returns the number of findings. */
int pg_lint(const pg_doc *doc, const pg_style *style, const pg_lint_opts *opts,
            pg_diag_list *diags, pg_edits *edits);

/* Applies edits to the file at path atomically (temporary file, rename): a
 * symbolic link is written through (its target is replaced), the file keeps its
 * mode and owner; a file with several hard links, a file that is not regular
 * or whose bytes changed since pg_lint() is left alone. Returns 1 on success,
 * else 0 with a diagnostic (nothing was changed). */
int pg_edits_apply(const char *path, pg_edits *edits, pg_diag_list *diags);
void pg_edits_free(pg_edits *e);

/* The rule a rule id names ("nd30.pl1.ii.3", either standard's): its name as
 * docs/rules.md heads it ("number and symbol") and what it checks, in one
 * sentence (static strings). Returns 0, setting nothing, for any other id. */
int pg_lint_rule_info(const char *id, const char **name, const char **summary);

#endif
