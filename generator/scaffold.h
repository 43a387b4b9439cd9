/* scaffold.h - writing plans rather than reading them: the blank plan of
 * `plangen new`, the child plan of `plangen derive`, and plan templates with
 * ${param} placeholders and optional parts, filled for one unit or many. */
#ifndef PG_SCAFFOLD_H
#define PG_SCAFFOLD_H

#include "datadir.h" /* pg_plan_model_pi() */
#include "model.h"

#include <glib.h>
#include <string.h>


/* text (a plan, g_malloc'd, taken) with its <?xml-model?> instruction pointing
 * at data_dir's schema (see pg_plan_model_pi()): an <?xml-model?> before the
 * root element is replaced where it stands; without one, the instruction goes
 * right after the XML declaration, on its line (so that every line below keeps
 * its number: a template's diagnostics name the template's lines), or first
 * when there is no declaration. Returns the new text (g_malloc'd). */
char *pg_plan_set_model(char *text, const char *data_dir);

/* A blank plan for the style family ("party" or "state"), every part present
 * with a comment saying what goes there, its <?xml-model?> line naming the
 * default data folder's schema (pg_plan_set_model() points it elsewhere). Heap
 * string. */
char *pg_plan_blank(const char *style);

typedef struct {
    const char *parent_path; /* as the child will name it (relative to the child) */
    const char *issuer;      /* the child's issuing body */
    const char *parent_body; /* its parent body; NULL */
    const char *symbol;      /* its symbol; NULL: "TODO" */
    const char *style;       /* NULL: the parent's */
    const char *date;        /* YYYY-MM-DD */
    const char *cited_as;    /* how citations name the child's issuer; NULL: none */
    const char *data_dir;    /* whose schema the <?xml-model?> line names; NULL: the
                                default data folder (pg_plan_model_pi()) */
} pg_derive_opts;

/* A child of parent (parsed and resolved) that renders at once: derives-from,
 * the issuer's cited-as, its place left as "[Địa danh]" (the parent's place is
 * not the child's),
 * the basis generated, every top-level section with an id inherited but the
 * last, which the child writes itself, recipients with the report-back line,
 * a signature to complete; its <?xml-model?> line names o->data_dir's schema.
 * Heap string. */
char *pg_plan_derived(const pg_doc *parent, const pg_derive_opts *o);

/* Fills a plan template: each ${key} becomes its value (XML-escaped); a part
 * between <?plangen-if key?> and <?plangen-end?> stays when key is set to
 * anything but "" or "no", and goes otherwise. A key is letters, digits, '_',
 * '-' and '.'. A ${key} with no value is an error naming it, once per key, at
 * the template's line where it first stands, with the number of places; a value
 * no placeholder uses is a warning. Linear in the template's length and the
 * number of keys. A template that starts with an XML declaration (a plan
 * template) gets the default data folder's <?xml-model?> instruction
 * (pg_plan_set_model()), its lines keeping their numbers. Returns a heap
 * string, or NULL after errors. */
char *pg_template_fill(const char *text, const char *name, const char *const *keys,
                       const char *const *values, size_t n, pg_diag_list *diags);

#endif
