/* plangen.h - libplangen, the one entry to the pipeline.
 *
 * Every front end (the command line, `build`, the tests, the fuzzers) runs a
 * plan through pg_run() and nothing else: parse -> resolve -> style -> number
 * -> lint -> layout, stopping after the stage asked for. A run returns its
 * diagnostics, the document, the pages and the record of every file it read,
 * each with the hash of the bytes read at the moment it was read: plans,
 * parents and used plans, styles and what they extend, the schema, images,
 * fonts.conf, the fonts folder and the font files fontconfig chose. What
 * else changes an output is in pg_options, whose fingerprint the build keys
 * on together with those hashes.
 *
 * An engine holds what a process loads once and shares between its plans (the
 * compiled schema, styles, fonts); every such cache is immutable once it holds
 * a value, so a plan gives the same bytes whatever ran before it. */
#ifndef PLANGEN_H
#define PLANGEN_H

#include "diag.h"
#include "input.h"
#include "lint.h"
#include "model.h"
#include "output.h"
#include "pages.h"
#include "parse.h" /* pg_date_valid() for the front ends' date options */
#include "reads.h"
#include "scaffold.h"

#include <stdio.h>

/* What changes an output besides the files read. Strings are copied by
 * pg_engine_new(). */
typedef struct {
    const char *data_dir;    /* holds templates/ and fonts/; required */
    const char *fonts_dir;   /* the fonts folder (fonts.conf and a user's fonts); NULL:
                                DATA_DIR/fonts */
    const char *style;       /* instead of the plan's style=: a name, or a path with '/' */
    const char *root;        /* the plans root; NULL: the nearest folder named plans
                                above each plan, else its folder */
    const char *create_date; /* the PDF's creation date (ISO 8601); NULL: the plan's date */
    const char *today;       /* YYYY-MM-DD for the date rules; NULL: the clock */
    const char *creator;     /* the PDF's Creator; NULL: "plangen" */
    long long max_size;      /* parser limits; 0: the defaults (10 MiB, 64, 100,000, 1 MiB) */
    long long max_depth;
    long long max_nodes;
    long long max_text;
    long long max_image_pixels; /* one image, from its header; 0: 40,000,000 */
    long long max_image_bytes;  /* one image decoded, 4 bytes a pixel; 0: 256 MiB */
    int fix;                 /* lint computes the corrections of --fix into the result */
    /* the appearance of the digital signatures (NĐ 30), over the plan's <signature
     * image= seal= seal-diameter=>: PNG files relative to the current folder, inside
     * the plans root; NULL, 0: the plan's */
    const char *signature_image;
    const char *seal;
    double seal_diameter; /* mm */
    int no_pdfa;          /* 1: plain PDFs, without PDF/A and tags (--no-pdfa) */
    /* 1: each appendix is laid out as a document of its own, to be written as a
     * file beside the plan's (pg_appendix_file_name(); NĐ 30: an attachment sent
     * as a separate file); 0: the appendices follow the plan on its pages */
    int appendix_files;
    /* bytes of layouts the process keeps for later plans (0: the default, for a
     * process that lays out many plans: build, watch, serve, a render of many);
     * a render or check of one plan lays each paragraph out once and keeps
     * little. Outputs never depend on it. */
    size_t layout_cache_bytes;
    /* 1: the files a run reads are recorded by path alone, not hashed (reads.h):
     * for one-shot commands (render, check), whose reads no cache keeps */
    int unhashed_reads;
} pg_options;

/* The date the date rules take as today: o->today, else the UTC date now
 * (YYYY-MM-DD into out). */
void pg_today(const pg_options *o, char out[16]);

/* A result's reads name this pseudo-file, with the hash of today's date
 * (YYYY-MM-DD), when a finding depends on the date of today (see
 * pg_lint_opts.today_used): the build's cache keeps such a result for that day. */
#define PG_TODAY_READ "@today"

/* Writes into out (64 hex digits) a hash of every field of o that can change
 * an output. Two option sets with the same fingerprint give the same bytes. */
void pg_options_fingerprint(const pg_options *o, char out[PG_HASH_HEX]);

typedef enum {
    PG_STAGE_PARSE,
    PG_STAGE_RESOLVE,
    PG_STAGE_NUMBER,
    PG_STAGE_LINT,
    PG_STAGE_LAYOUT,
    PG_STAGE_PDF,   /* layout, each page written as PDF as soon as it is final and
                       then dropped (r->pdf; r->pages NULL): memory stays flat
                       whatever the length */
    PG_STAGE_CHECK, /* layout for its findings alone: pages dropped as they are made */
} pg_stage;

/* Reads "parse", "resolve", "number", "lint" or "layout"; returns 0 for another name. */
int pg_stage_from_name(const char *name, pg_stage *stage);

typedef struct pg_engine pg_engine;

/* A new engine for the options (copied); free with pg_engine_free(). */
pg_engine *pg_engine_new(const pg_options *o);
void pg_engine_free(pg_engine *e);
/* The options the engine was made with (owned by the engine). */
const pg_options *pg_engine_options(const pg_engine *e);

typedef struct {
    pg_diag_list diags; /* everything the run found, sorted by position */
    pg_doc *doc;        /* the document as far as the run got; NULL only on failure
                           to read it; owned */
    pg_style *style;    /* the style, when the run got that far; one reference */
    pg_pages *pages;    /* when layout ran and succeeded; owned. With
                           pg_options.appendix_files, the plan without its
                           appendices */
    pg_pages **appendix_pages; /* with pg_options.appendix_files, after layout: each
                                  appendix's pages, in order (n_appendix_pages of
                                  them, maybe none; the array is there even for
                                  none); else NULL. Owned */
    size_t n_appendix_pages;
    size_t n_pages;     /* the plan's pages (without appendices sent as files), when
                           layout ran and succeeded */
    struct pg_pdf_doc **pdf; /* PG_STAGE_PDF: the plan's PDF, then each appendix's
                                sent as a file (1 + n_appendix_pages), written out by
                                pg_result_write_pdf(); owned */
    int laid_out;       /* 1: layout ran and succeeded */
    pg_reads reads;     /* every file read, with the hash of its bytes */
    pg_edits edits;     /* the --fix corrections (pg_options.fix) */
    int ok;             /* 1: the stage asked for was reached without an error */
} pg_result;

/* Runs the plan in path (or, when text is not NULL, the len bytes at text,
 * named path in diagnostics and resolving relative paths from it) up to and
 * including `upto`. Fills r (zeroed first); the caller frees it with
 * pg_result_free(). Returns r->ok. */
int pg_run(pg_engine *e, const char *path, const char *text, size_t len, pg_stage upto,
           pg_result *r);
void pg_result_free(pg_result *r);
/* 1 when the plan must not be written: an error, or a warning with strict. */
int pg_result_failed(const pg_result *r, int strict);

/* Writes r's pages as a PDF to target (atomically). With appendices laid out
 * as files (pg_options.appendix_files), also writes each appendix's PDF to
 * pg_appendix_file_name(target, N): every file to a temporary file, none
 * renamed into place before all are complete. Returns 1, else 0 with a
 * diagnostic in d. */
int pg_result_write_pdf(pg_engine *e, const pg_result *r, const char *target, pg_diag_list *d);
/* The file of the n-th appendix (1-based, in the plan's order) written beside
 * the PDF target: target less a final ".pdf", then ".phu-luc-N.pdf" (ASCII,
 * whatever the appendix is called: "Phụ lục II" is phu-luc-2):
 * out/plan.pdf -> out/plan.phu-luc-1.pdf. g_free(). */
char *pg_appendix_file_name(const char *target, size_t n);
/* Writes r's numbered document as an editable DOCX to target (atomically),
 * laid out per r's style (Word reflows it: no page of it is plangen's; brace
 * groups and pictures are placed and sized as r's pages show them). Needs a
 * run to PG_STAGE_LAYOUT. Returns 1, else 0 with a diagnostic in d. */
int pg_result_write_docx(const pg_result *r, const char *target, pg_diag_list *d);
/* The same as an editable ODT (OpenDocument text, LibreOffice Writer). */
int pg_result_write_odt(const pg_result *r, const char *target, pg_diag_list *d);
/* The PDF in memory: *out is heap (free()). Returns 1 on success. */
int pg_result_pdf_memory(pg_engine *e, const pg_result *r, unsigned char **out, size_t *len);
/* Why r's PDF (PG_STAGE_PDF) cannot be made, in a sentence (owned by r); NULL
 * when it can, or when it was not streamed. */
const char *pg_result_pdf_error(const pg_result *r);
/* Writes every page as dir/STEM-N.png at dpi; the pages of appendices laid
 * out as files as dir/STEM.phu-luc-K-N.png. Returns 1 on success. */
int pg_result_write_png(const pg_result *r, const char *dir, const char *stem, double dpi,
                        pg_diag_list *d);
/* Page `page` (0-based) of r as PNG bytes at dpi: *out is malloc'd (free()).
 * Returns 1, else 0 (*out NULL): no such page, or cairo failed. */
int pg_result_page_png(const pg_result *r, size_t page, double dpi, unsigned char **out,
                       size_t *len);
/* The same for a page of a kept page list (`plangen serve` keeps display lists
 * after their result is gone). */
int pg_page_png(const pg_page *p, double dpi, unsigned char **out, size_t *len);
/* A hash (64 hex digits) naming what page p shows: the SHA-256 of its trace
 * (every item, glyph and structure event, positions to 0.01 pt, its size and
 * number) and of the pixels of its images. Two pages with the same hash draw
 * the same picture. */
void pg_page_hash(const pg_page *p, char out[PG_HASH_HEX]);

/* Prints r's document (after parse, resolve or number) or its layout trace;
 * with appendices laid out as files, each file's trace after a line "file N
 * KIND" and its metadata (N from 1, KIND main or appendix-K). */
void pg_result_dump(const pg_result *r, pg_stage stage, FILE *f);
/* What a parsed (not resolved) derived plan does with its parent (`plangen diff`). */
void pg_result_diff(const pg_result *r, FILE *f);

/* The installed styles' folder and fonts' folder of the engine. */
const char *pg_engine_styles_dir(const pg_engine *e);

/* The plans root of the plan at path when no --root is given: the nearest
 * folder named plans above it, else its folder. g_malloc'd, g_free(). */
char *pg_plans_root(const char *path);
/* Prints which font file serves each face of the style's font (`plangen fonts`);
 * returns 1 when the font is usable, else 0 with diagnostics in d. */
int pg_engine_fonts_report(pg_engine *e, const char *style, FILE *f, pg_diag_list *d);

/* A hash of the running executable's bytes (hex), computed once: a rebuilt
 * plangen of the same version is a different build. */
const char *pg_build_id(void);

/* Applies --fix edits to the file at path (atomically). Returns 1 on success. */
int pg_fix_apply(const char *path, pg_edits *edits, pg_diag_list *d);

/* Frees what the process keeps for later plans (parents, font programs), for
 * leak checkers; pg_engine_free() frees the rest. */
void pg_forget_process_caches(void);

#endif
