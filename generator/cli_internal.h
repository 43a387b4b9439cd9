/* cli_internal.h - private to the command line: the options, the session
 * shared by the commands, and the pipeline driver (cli.c) that the build
 * command (build.c) uses too. */
#ifndef PG_CLI_INTERNAL_H
#define PG_CLI_INTERNAL_H

#include "layout.h"

enum { EXIT_OK = 0, EXIT_PLAN = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

typedef struct {
    const char *cmd;
    const char **inputs;
    int n_inputs;
    const char *out;
    const char *png_dir;
    double dpi;
    const char *style;
    const char *stage;
    const char *data_dir;
    int strict;
    int fix;
    int force;
    int jobs;
    const char **sets; /* --set key=value, as given */
    int n_sets;
    const char *from;  /* --from TEMPLATE */
    const char *units; /* --units UNITS.xml */
    const char *issuer, *parent_body, *symbol, *date; /* derive */
    const char *root;  /* --root: the plans root; NULL: each plan's folder */
    const char *junit, *report, *shard; /* build: --junit FILE, --report json, --shard K/N */
    int check_only, prune;
    long long max_size, max_depth, max_nodes, max_text; /* parser limits; 0: defaults */
    long long max_image_pixels, max_image_bytes;        /* one image; 0: defaults */
} options;

typedef struct {
    options *o;
    pg_fonts *fonts;
    char *schema;
    char *styles_dir;
    char *fonts_dir;
    int fonts_failed;
    int refixed; /* the last plan was rewritten by --fix */
    char creator[64];       /* "plangen VERSION" */
    char *create_date;      /* from SOURCE_DATE_EPOCH; NULL: each plan's date */
    char *root_buf;         /* the plans root of the plan in the pipeline */
    void *styles;           /* GHashTable: style name -> pg_style, loaded once per process */
    void *compiled_schema;  /* pg_schema, compiled once per process */
    void *hashes;           /* GHashTable: path -> dep, files hashed once per process */
    void *deps;             /* GPtrArray of file paths the last pipeline read; NULL: not kept */
    int last_pages;         /* pages of the last render */
} session;

/* Runs parse -> resolve -> style -> number -> lint -> layout for one plan, as far
 * as `upto` ("parse", "resolve", "number", "layout"); the plan is read from
 * path, or from text (len bytes) when text is not NULL, named path. Returns the
 * pages when layout ran; *doc_out is set for the caller to free. */
pg_pages *pg_cli_pipeline(session *s, const char *path, const char *text, size_t len,
                          const char *upto, pg_doc **doc_out, pg_diag_list *d);
/* Renders one plan to target (and PNG pages when png_dir; NULL target: checks
 * only). Its diagnostics are printed, or moved to collect when not NULL.
 * Returns an exit status. */
int pg_cli_render_one(session *s, const char *path, const char *text, size_t len,
                      const char *target, const char *png_dir, pg_diag_list *collect);
/* Prints diagnostics sorted; returns 1 when they make the plan fail. */
int pg_cli_print_diags(pg_diag_list *d, int strict);

int pg_cmd_build(session *s);

#endif
