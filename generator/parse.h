/* parse.h - parse stage: plan XML file -> pg_doc tree, with every problem as a
 * diagnostic at file:line:col. libxml2 runs with network access off, no DTD
 * loading and no entity substitution; a DOCTYPE is refused before parsing. */
#ifndef PG_PARSE_H
#define PG_PARSE_H

#include "model.h"

typedef struct pg_schema pg_schema;

/* Compiles the RELAX NG schema at path once, for many plans; NULL when it cannot
 * be loaded. Free with pg_schema_free(). */
pg_schema *pg_schema_load(const char *path);
/* Starts compiling the schema at path in a thread of its own, while the caller
 * goes on (reading and parsing the first plan): the first validation waits for
 * it, as does pg_schema_wait(). Never NULL; a schema that cannot be compiled
 * counts as none given (each validation tries the path again and says why). */
pg_schema *pg_schema_start(const char *path);
/* Waits until the compilation pg_schema_start() began is done: after it no
 * thread of s runs (before a fork, say). s may be NULL. */
void pg_schema_wait(pg_schema *s);
/* Waits for s and frees it; NULL ok. */
void pg_schema_free(pg_schema *s);

typedef struct {
    const char *schema_path; /* RELAX NG schema; NULL skips schema validation */
    pg_schema *schema;       /* the schema compiled already (used instead of the path) */
    size_t max_bytes;        /* 0: 10 MiB */
    int max_depth;           /* element nesting; 0: 64 */
    size_t max_nodes;        /* elements in a plan; 0: 100,000 */
    size_t max_text;         /* bytes of one text node or attribute; 0: 1 MiB */
    unsigned long long max_image_pixels; /* pixels of one image; 0: 40,000,000 */
    unsigned long long max_image_bytes;  /* one image decoded, 4 bytes a pixel; 0: 256 MiB */
    const char *root;        /* plans root: images and other files stay inside;
                                NULL: the plan's own folder */
    /* render options: instead of <signature image="..." seal="..." seal-diameter="...">,
     * paths relative to the current folder (still inside the plans root); NULL, 0: the
     * plan's */
    const char *signature_image;
    const char *seal;
    double seal_diameter; /* mm */
} pg_parse_opts;

/* Parses the plan in path. Always returns a document (possibly incomplete) that
 * the caller frees with pg_doc_free(); problems are appended to diags. The
 * document is usable only when diags holds no error. */
pg_doc *pg_doc_parse_file(const char *path, const pg_parse_opts *opts, pg_diag_list *diags);
/* The same for a plan in memory; name is used in diagnostics. */
pg_doc *pg_doc_parse_memory(const char *buf, size_t len, const char *name,
                            const pg_parse_opts *opts, pg_diag_list *diags);

/* Checks a date; returns 1 when y-m-d exists in the Gregorian calendar. */
int pg_date_valid(int y, int m, int d);

/* True when the len bytes of UTF-8 at s are certainly in Unicode NFC already
 * (Latin, Vietnamese and punctuation only); false means "normalise to know". */
int pg_text_surely_nfc(const char *s, size_t len);

#endif
