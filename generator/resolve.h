/* resolve.h - resolve stage: a plan built on higher-level plans. Loads the
 * parent named by derives-from (and its parents, to any depth within a
 * limit), takes the parent's sections named by <inherit ref>, applies
 * <replace>, <remove> and <append>, records what the plan implements (for the
 * basis sentence), adds the parents to the recipients "(để báo cáo)", and
 * checks deadlines against the parents'. Every path stays inside the plans
 * root; cycles are refused with the chain printed. */
#ifndef PG_RESOLVE_H
#define PG_RESOLVE_H

#include "parse.h"

typedef struct {
    const pg_parse_opts *parse; /* how parents are parsed (schema, limits, root) */
    int max_depth;              /* parents above a plan; 0: 8 */
} pg_resolve_opts;

/* Resolves doc in place. Returns 1 on success; on failure the errors are in
 * diags. doc keeps its parents (freed with it). */
int pg_doc_resolve(pg_doc *doc, const pg_resolve_opts *opts, pg_diag_list *diags);
/* Drops the parents pg_doc_resolve() keeps for later plans of the process
 * (each is parsed and resolved once while its files stay unchanged). */
void pg_resolve_forget(void);

/* What a derived plan does with its parent, for `plangen diff`: one line per
 * section - "inherits ID", "replaces ID", "removes ID", "appends to ID",
 * "adds TITLE" - written to f. doc must be parsed, not resolved. */
void pg_doc_diff(const pg_doc *doc, FILE *f);

#endif
