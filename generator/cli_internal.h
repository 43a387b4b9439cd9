/* cli_internal.h - private to the command line: the options, the session
 * shared by the commands, and the pipeline driver (cli.c) that the build
 * command (build.c) uses too. */
#ifndef PG_CLI_INTERNAL_H
#define PG_CLI_INTERNAL_H

#include "diag_format.h"
#include "plangen.h"

enum { EXIT_OK = 0, EXIT_PLAN = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

typedef struct {
    const char *cmd;
    const char **inputs;
    int n_inputs;
    const char *out;
    const char *png_dir;
    const char *format; /* render --format: "pdf" or "docx"; NULL: pdf */
    int appendix_files; /* render, dump: --appendices: 1 files, 0 inline, -1 not given */
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
    const char *signature_image, *seal; /* render: NĐ 30's signature appearance; NULL */
    double seal_diameter;               /* --seal-diameter MM; 0: the plan's, else 40 */
    int no_pdfa;                        /* render, build: --no-pdfa, plain PDFs */
    pg_diag_out diag_out;               /* check, render, build: --diagnostics-format */
    int diag_out_given;
} options;

typedef struct {
    options *o;
    pg_engine *engine;      /* every plan of the process runs through it */
    char creator[64];       /* "plangen VERSION" */
    int last_pages;         /* pages of the last render */
    pg_diag_list emitted;   /* --diagnostics-format json, sarif: every diagnostic of the
                               run, written as one document at its end */
} session;

/* Renders one plan to target (and PNG pages when png_dir; NULL target: checks
 * only). Its diagnostics are printed, or moved to collect when not NULL; the
 * files it read are added to reads when not NULL. Returns an exit status. */
int pg_cli_render_one(session *s, const char *path, const char *text, size_t len,
                      const char *target, const char *png_dir, pg_diag_list *collect,
                      pg_reads *reads);
/* Prints diagnostics sorted; returns 1 when they make the plan fail. */
int pg_cli_print_diags(pg_diag_list *d, int strict);
/* Reports the diagnostics of d in the session's --diagnostics-format: printed
 * to standard error (human), else copied to s->emitted for the document that
 * the run writes at its end. d is left as it is. */
void pg_cli_emit_diags(session *s, const pg_diag_list *d);
/* pg_cli_print_diags in the session's --diagnostics-format. */
int pg_cli_report_diags(session *s, pg_diag_list *d, int strict);

/* Prints one line to standard error (a newline is added), with every control
 * character of what it names escaped (pg_printable): file names and arguments
 * come from outside. */
void pg_cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int pg_cmd_build(session *s);
/* `plangen watch`: renders each input to its target (targets[i]), then again
 * whenever a file its render read changes, until SIGINT or SIGTERM (watch.c). */
int pg_cmd_watch(session *s, char *const *targets);

#endif
