/* scaffold.h - writing plans rather than reading them: the blank plan of
 * `plangen new`, the child plan of `plangen derive`, and plan templates with
 * ${param} placeholders and optional parts, filled for one unit or many. */
#ifndef PG_SCAFFOLD_H
#define PG_SCAFFOLD_H

#include "model.h"

/* A blank plan for the style family ("party" or "state"), every part present
 * with a comment saying what goes there. Heap string. */
char *pg_plan_blank(const char *style);

typedef struct {
    const char *parent_path; /* as the child will name it (relative to the child) */
    const char *issuer;      /* the child's issuing body */
    const char *parent_body; /* its parent body; NULL */
    const char *symbol;      /* its symbol; NULL: "TODO" */
    const char *style;       /* NULL: the parent's */
    const char *date;        /* YYYY-MM-DD */
    const char *cited_as;    /* how citations name the child's issuer; NULL: none */
} pg_derive_opts;

/* A child of parent (parsed and resolved) that renders at once: derives-from,
 * the issuer's cited-as, its place left as "[Địa danh]" (the parent's place is
 * not the child's),
 * the basis generated, every top-level section with an id inherited but the
 * last, which the child writes itself, recipients with the report-back line,
 * a signature to complete. Heap string. */
char *pg_plan_derived(const pg_doc *parent, const pg_derive_opts *o);

/* Fills a plan template: each ${key} becomes its value (XML-escaped); a part
 * between <?plangen-if key?> and <?plangen-end?> stays when key is set to
 * anything but "" or "no", and goes otherwise. A key is letters, digits, '_',
 * '-' and '.'. A ${key} with no value is an error naming it, once per key, at
 * the template's line where it first stands, with the number of places; a value
 * no placeholder uses is a warning. Linear in the template's length and the
 * number of keys. Returns a heap string, or NULL after errors. */
char *pg_template_fill(const char *text, const char *name, const char *const *keys,
                       const char *const *values, size_t n, pg_diag_list *diags);

#endif
