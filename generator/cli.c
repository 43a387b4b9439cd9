/* cli.c - the command line: argv -> render | check | dump | fonts, the
 * pipeline driver, and the help texts. Diagnostics are collected per plan and
 * printed together, sorted by position. */
#include "cli.h"

#include "layout.h"
#include "lint.h"
#include "number.h"
#include "parse.h"
#include "render.h"

#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef PG_VERSION
#define PG_VERSION "0.0.0"
#endif
#ifndef PG_DATADIR
#define PG_DATADIR "."
#endif

enum { EXIT_OK = 0, EXIT_PLAN = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

static const char usage_main[] =
    "usage: plangen COMMAND [OPTIONS] ...\n"
    "\n"
    "plangen turns plans written in XML into Vietnamese official plan documents\n"
    "(\"KẾ HOẠCH\") as PDF, laid out to the Party standard (Hướng dẫn 36-HD/VPTW).\n"
    "\n"
    "commands:\n"
    "  render PLAN.xml... [-o OUT]   render plans to PDF (and PNG pages with --png)\n"
    "  check PLAN.xml...             validate plans without rendering\n"
    "  dump --stage=STAGE PLAN.xml   print a pipeline stage: parse, number or layout\n"
    "  fonts                         show which font files serve the styles' fonts\n"
    "\n"
    "options for every command:\n"
    "  --data-dir DIR   folder holding templates/ and fonts/ (default: $PLANGEN_DATADIR,\n"
    "                   else " PG_DATADIR ")\n"
    "  -h, --help       help; 'plangen COMMAND --help' for a command\n"
    "  --version        print the version\n"
    "\n"
    "exit status: 0 done (warnings may have been printed), 1 a plan has errors,\n"
    "2 usage error, 3 output could not be written.\n";

static const char usage_render[] =
    "usage: plangen render PLAN.xml... [-o OUT] [--png DIR] [--dpi N] [--style NAME] [--strict]\n"
    "\n"
    "Renders each plan to PDF. Every problem is reported as file:line:col; a plan\n"
    "with errors writes nothing, and an existing output is left as it was.\n"
    "\n"
    "  -o OUT         output PDF for one plan; a folder (existing, or ending in '/')\n"
    "                 receives NAME.pdf for each plan. Default: NAME.pdf here.\n"
    "  --png DIR      also write each page as DIR/NAME-N.png for a quick look\n"
    "  --dpi N        PNG resolution (default 60)\n"
    "  --style NAME   style to use instead of the plan's style attribute\n"
    "                 (templates/styles/NAME.xml, or a path containing '/')\n"
    "  --strict       treat warnings as errors\n"
    "\n"
    "The PDF's creation date is $SOURCE_DATE_EPOCH when set, else the plan's own\n"
    "date, so that rendering twice gives identical bytes.\n";

static const char usage_check[] =
    "usage: plangen check PLAN.xml... [--style NAME] [--strict] [--fix]\n"
    "\n"
    "Parses, validates (structure and RELAX NG schema), numbers, lints against the\n"
    "plan's standard and lays out each plan without writing anything, and lists\n"
    "every problem as file:line:col. Findings of the standard's rules end with the\n"
    "rule id in brackets (see docs/rules.md); render runs the same checks.\n"
    "\n"
    "  --fix      correct what can be corrected mechanically (typed punctuation,\n"
    "             typed numbers, the case of the summary and symbol) by rewriting the\n"
    "             plan file in place, atomically, keeping comments and layout; then\n"
    "             report what is left\n"
    "\n"
    "$PLANGEN_TODAY (YYYY-MM-DD) replaces today's date for the future-date rule.\n";

static const char usage_dump[] =
    "usage: plangen dump --stage=parse|number|layout PLAN.xml [--style NAME]\n"
    "\n"
    "Prints the document after a pipeline stage: the parsed tree with source\n"
    "positions (parse), the tree with section numbers and computed header,\n"
    "recipient and signature lines (number), or every placed line, rule and brace\n"
    "with its position in pt (layout).\n";

static const char usage_fonts[] =
    "usage: plangen fonts [--style NAME]\n"
    "\n"
    "Shows which font file serves each face (regular, bold, italic, bold italic) of\n"
    "the style's font family, through plangen's private fonts/fonts.conf.\n";

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
} options;

typedef struct {
    options *o;
    pg_fonts *fonts;
    char *schema;
    char *styles_dir;
    char *fonts_dir;
    int fonts_failed;
    int refixed; /* the last plan was rewritten by --fix */
} session;

/* ---- helpers ---------------------------------------------------------------- */

static char *stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *s = pg_xmalloc(n + 1);
    memcpy(s, base, n);
    s[n] = '\0';
    return s;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int ensure_dir(const char *path)
{
    if (is_dir(path))
        return 1;
    return g_mkdir_with_parents(path, 0777) == 0;
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int print_diags(pg_diag_list *d, int strict)
{
    pg_diag_sort(d);
    pg_diag_print(d, stderr);
    pg_level worst = pg_diag_worst(d);
    return worst == PG_LEVEL_ERROR || (strict && worst == PG_LEVEL_WARNING);
}

static char *iso_date_from_epoch(const char *sde)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (errno || !*sde || *end || v < 0)
        return NULL;
    time_t t = (time_t)v;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return NULL;
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return pg_xstrdup(buf);
}

/* ---- the pipeline ---------------------------------------------------------------- */

static int style_exists(const session *s, const char *name)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            return 0;
    char *path = g_strdup_printf("%s/%s.xml", s->styles_dir, name);
    int ok = g_file_test(path, G_FILE_TEST_IS_REGULAR);
    g_free(path);
    return ok;
}

/* The installed style names, sorted, as "a, b or c" (g_free). */
static char *installed_styles(const session *s)
{
    GDir *dir = g_dir_open(s->styles_dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *e;
    while (dir && (e = g_dir_read_name(dir)))
        if (g_str_has_suffix(e, ".xml"))
            g_ptr_array_add(names, g_strndup(e, strlen(e) - 4));
    if (dir)
        g_dir_close(dir);
    g_ptr_array_sort(names, cmp_str);
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(out, "%s%s", i == 0 ? "" : i + 1 == names->len ? " or " : ", ",
                               (const char *)names->pdata[i]);
    if (!names->len)
        g_string_append(out, "(none installed)");
    g_ptr_array_free(names, TRUE);
    return g_string_free(out, FALSE);
}

static pg_fonts *session_fonts(session *s, pg_diag_list *d)
{
    if (!s->fonts && !s->fonts_failed) {
        s->fonts = pg_fonts_new(s->fonts_dir, d);
        s->fonts_failed = s->fonts == NULL;
    }
    return s->fonts;
}

/* Runs parse -> number -> layout for one plan, as far as `upto` ("parse",
 * "number", "layout"). Returns the pages when layout ran, with *doc_out and
 * *style_out set for the caller to free; NULL otherwise. */
static pg_pages *run_pipeline(session *s, const char *path, const char *upto, pg_doc **doc_out,
                              pg_diag_list *d)
{
    *doc_out = NULL;
    pg_parse_opts po = {.schema_path = s->schema};
    pg_doc *doc = pg_doc_parse_file(path, &po, d);
    *doc_out = doc;
    if (pg_diag_worst(d) == PG_LEVEL_ERROR || strcmp(upto, "parse") == 0)
        return NULL;
    const char *style_name = s->o->style ? s->o->style : doc->style_name ? doc->style_name : "party";
    pg_style *st = NULL;
    if (!strchr(style_name, '/') && !style_exists(s, style_name)) {
        /* a name that is not installed: say so where the name was written */
        char *have = installed_styles(s);
        if (s->o->style)
            pg_diag_add(d, PG_E_STYLE, "--style", 0, 0, "\"%s\" is not an installed style; use %s",
                        style_name, have);
        else
            pg_diag_add(d, PG_E_STYLE, doc->file, doc->style_pos.line, doc->style_pos.col,
                        "style=\"%s\" is not an installed style; use %s", style_name, have);
        g_free(have);
        return NULL;
    }
    st = pg_style_load_named(s->styles_dir, style_name, d);
    if (!st)
        return NULL;
    pg_pages *pp = NULL;
    pg_fonts *fonts = session_fonts(s, d);
    if (!fonts || !pg_fonts_check(fonts, st->font_family, st->file, d, NULL))
        goto cleanup;
    if (!pg_doc_number(doc, st, d) || strcmp(upto, "number") == 0)
        goto cleanup;
    /* the standard's rules, on every check and render */
    pg_lint_opts lo = {.today = getenv("PLANGEN_TODAY")};
    pg_edits edits = {0};
    pg_lint(doc, st, &lo, d, s->o->fix ? &edits : NULL);
    if (edits.n) {
        if (pg_edits_apply(path, &edits, d))
            fprintf(stderr, "%s: fixed %zu finding%s; checking again\n", path, edits.n,
                    edits.n == 1 ? "" : "s");
        pg_edits_free(&edits);
        s->refixed = 1;
        goto cleanup;
    }
    pp = pg_layout_run(doc, st, fonts, d);
cleanup:
    pg_style_unref(st);
    return pp;
}

static int cmd_render(session *s)
{
    options *o = s->o;
    int dir_mode = o->out && (o->n_inputs > 1 || is_dir(o->out) || o->out[strlen(o->out) - 1] == '/');
    if (o->n_inputs > 1 && o->out && !dir_mode) {
        fprintf(stderr, "plangen: -o must name a folder when rendering several plans\n");
        return EXIT_USAGE;
    }
    if (dir_mode && !ensure_dir(o->out)) {
        fprintf(stderr, "plangen: cannot create folder %s: %s\n", o->out, strerror(errno));
        return EXIT_SYSTEM;
    }
    if (o->png_dir && !ensure_dir(o->png_dir)) {
        fprintf(stderr, "plangen: cannot create folder %s: %s\n", o->png_dir, strerror(errno));
        return EXIT_SYSTEM;
    }
    char *create_date = NULL;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        create_date = iso_date_from_epoch(sde);
        if (!create_date)
            fprintf(stderr, "plangen: warning: SOURCE_DATE_EPOCH=\"%s\" is not a number of "
                            "seconds; using the plan's date\n", sde);
    }
    char creator[64];
    snprintf(creator, sizeof creator, "plangen %s", PG_VERSION);
    pg_pdf_opts po = {.creator = creator, .create_date = create_date};
    int rc = EXIT_OK;
    for (int i = 0; i < o->n_inputs; i++) {
        pg_diag_list d = {0};
        pg_doc *doc = NULL;
        pg_pages *pp = run_pipeline(s, o->inputs[i], "layout", &doc, &d);
        int failed = print_diags(&d, o->strict) || !pp;
        pg_diag_list_free(&d);
        if (!failed) {
            char *stem = stem_of(o->inputs[i]);
            char *target = dir_mode ? g_strdup_printf("%s/%s.pdf", o->out, stem)
                           : o->out ? g_strdup(o->out)
                                    : g_strdup_printf("%s.pdf", stem);
            pg_diag_list wd = {0};
            int ok = pg_pdf_write(pp, target, &po, &wd);
            if (ok && o->png_dir)
                ok = pg_png_write(pp, o->png_dir, stem, o->dpi, &wd);
            pg_diag_print(&wd, stderr);
            pg_diag_list_free(&wd);
            if (!ok && rc == EXIT_OK)
                rc = EXIT_SYSTEM;
            g_free(target);
            free(stem);
        } else {
            rc = rc == EXIT_OK ? EXIT_PLAN : rc;
        }
        pg_pages_free(pp);
        pg_doc_free(doc);
    }
    free(create_date);
    return rc;
}

static int cmd_check(session *s)
{
    int rc = EXIT_OK;
    for (int i = 0; i < s->o->n_inputs; i++) {
        pg_diag_list d = {0};
        pg_doc *doc = NULL;
        s->refixed = 0;
        pg_pages *pp = run_pipeline(s, s->o->inputs[i], "layout", &doc, &d);
        if (s->refixed) {
            /* --fix rewrote the plan: report what is left, from the new file */
            pg_diag_list rest = {0};
            pg_diag_list_free(&d);
            pg_doc_free(doc);
            int saved = s->o->fix;
            s->o->fix = 0;
            pp = run_pipeline(s, s->o->inputs[i], "layout", &doc, &rest);
            s->o->fix = saved;
            d = rest;
        }
        if (print_diags(&d, s->o->strict) || !pp)
            rc = EXIT_PLAN;
        pg_diag_list_free(&d);
        pg_pages_free(pp);
        pg_doc_free(doc);
    }
    return rc;
}

static int cmd_dump(session *s)
{
    const char *stage = s->o->stage;
    if (!stage || (strcmp(stage, "parse") && strcmp(stage, "number") && strcmp(stage, "layout"))) {
        fprintf(stderr, "plangen: dump needs --stage=parse, --stage=number or --stage=layout\n");
        return EXIT_USAGE;
    }
    if (s->o->n_inputs != 1) {
        fprintf(stderr, "plangen: dump takes one plan\n");
        return EXIT_USAGE;
    }
    pg_diag_list d = {0};
    pg_doc *doc = NULL;
    pg_pages *pp = run_pipeline(s, s->o->inputs[0], stage, &doc, &d);
    int failed = print_diags(&d, s->o->strict);
    pg_diag_list_free(&d);
    if (!failed) {
        if (strcmp(stage, "layout") == 0) {
            if (pp)
                pg_pages_trace(pp, stdout);
            else
                failed = 1;
        } else {
            pg_doc_dump(doc, stdout);
        }
    }
    pg_pages_free(pp);
    pg_doc_free(doc);
    return failed ? EXIT_PLAN : EXIT_OK;
}

static int cmd_fonts(session *s)
{
    pg_diag_list d = {0};
    pg_style *st = pg_style_load_named(s->styles_dir, s->o->style ? s->o->style : "party", &d);
    pg_fonts *f = st ? session_fonts(s, &d) : NULL;
    int rc = EXIT_OK;
    if (f) {
        char *resolved = NULL;
        int ok = pg_fonts_check(f, st->font_family, st->file, &d, &resolved);
        printf("style %s (%s): font \"%s\" -> \"%s\"%s\n", st->name, st->standard,
               st->font_family, resolved ? resolved : "nothing", ok ? "" : "  (NOT USABLE)");
        free(resolved);
        FcConfig *cfg = FcConfigCreate();
        char *conf = g_strdup_printf("%s/fonts.conf", s->fonts_dir);
        FcConfigParseAndLoad(cfg, (const FcChar8 *)conf, FcTrue);
        FcConfigBuildFonts(cfg);
        static const struct {
            const char *name;
            int weight, slant;
        } faces[] = {{"regular", FC_WEIGHT_REGULAR, FC_SLANT_ROMAN},
                     {"bold", FC_WEIGHT_BOLD, FC_SLANT_ROMAN},
                     {"italic", FC_WEIGHT_REGULAR, FC_SLANT_ITALIC},
                     {"bold italic", FC_WEIGHT_BOLD, FC_SLANT_ITALIC}};
        for (size_t i = 0; i < 4; i++) {
            FcPattern *p = FcPatternCreate();
            FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)st->font_family);
            FcPatternAddInteger(p, FC_WEIGHT, faces[i].weight);
            FcPatternAddInteger(p, FC_SLANT, faces[i].slant);
            FcConfigSubstitute(cfg, p, FcMatchPattern);
            FcDefaultSubstitute(p);
            FcResult r;
            FcPattern *m = FcFontMatch(cfg, p, &r);
            FcChar8 *file = NULL;
            if (m)
                FcPatternGetString(m, FC_FILE, 0, &file);
            printf("  %-12s %s\n", faces[i].name, file ? (const char *)file : "(none)");
            if (m)
                FcPatternDestroy(m);
            FcPatternDestroy(p);
        }
        g_free(conf);
        FcConfigDestroy(cfg);
        if (!ok)
            rc = EXIT_PLAN;
    } else {
        rc = EXIT_PLAN;
    }
    pg_diag_print(&d, stderr);
    pg_diag_list_free(&d);
    pg_style_unref(st);
    return rc;
}

/* ---- arguments ----------------------------------------------------------------- */

static const char *command_usage(const char *cmd)
{
    if (!cmd)
        return usage_main;
    if (strcmp(cmd, "render") == 0)
        return usage_render;
    if (strcmp(cmd, "check") == 0)
        return usage_check;
    if (strcmp(cmd, "dump") == 0)
        return usage_dump;
    if (strcmp(cmd, "fonts") == 0)
        return usage_fonts;
    return NULL;
}

/* Value of an option given as "--opt VALUE" or "--opt=VALUE"; advances *i. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, int *bad)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (strcmp(a, name) == 0) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "plangen: %s needs a value\n", name);
            *bad = 1;
            return NULL;
        }
        return argv[++*i];
    }
    return NULL;
}

int pg_cli_main(int argc, char **argv)
{
    options o = {.dpi = 60};
    int bad = 0;
    o.inputs = pg_xcalloc((size_t)argc + 1, sizeof *o.inputs);
    int rc = EXIT_USAGE;
    for (int i = 1; i < argc && !bad; i++) {
        const char *a = argv[i];
        const char *v;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(command_usage(o.cmd), stdout);
            rc = EXIT_OK;
            goto done;
        } else if (strcmp(a, "--version") == 0) {
            printf("plangen %s\n", PG_VERSION);
            rc = EXIT_OK;
            goto done;
        } else if ((v = opt_value(argc, argv, &i, "-o", &bad))) {
            o.out = v;
        } else if ((v = opt_value(argc, argv, &i, "--png", &bad))) {
            o.png_dir = v;
        } else if ((v = opt_value(argc, argv, &i, "--dpi", &bad))) {
            char *end = NULL;
            o.dpi = strtod(v, &end);
            if (*end || !(o.dpi >= 10 && o.dpi <= 1200)) {
                fprintf(stderr, "plangen: --dpi takes a number from 10 to 1200\n");
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--style", &bad))) {
            o.style = v;
        } else if ((v = opt_value(argc, argv, &i, "--stage", &bad))) {
            o.stage = v;
        } else if ((v = opt_value(argc, argv, &i, "--data-dir", &bad))) {
            o.data_dir = v;
        } else if (strcmp(a, "--strict") == 0) {
            o.strict = 1;
        } else if (strcmp(a, "--fix") == 0) {
            o.fix = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            if (!bad)
                fprintf(stderr, "plangen: unknown option %s (see plangen %s--help)\n", a,
                        o.cmd ? o.cmd : "");
            bad = 1;
        } else if (!o.cmd) {
            o.cmd = a;
            if (!command_usage(a)) {
                fprintf(stderr, "plangen: unknown command '%s' (see plangen --help)\n", a);
                bad = 1;
            }
        } else {
            o.inputs[o.n_inputs++] = a;
        }
    }
    if (bad)
        goto done;
    if (!o.cmd) {
        fputs(usage_main, stderr);
        goto done;
    }
    if (strcmp(o.cmd, "fonts") != 0 && o.n_inputs == 0) {
        fprintf(stderr, "plangen: %s needs a plan file\n\n%s", o.cmd, command_usage(o.cmd));
        goto done;
    }
    if (strcmp(o.cmd, "dump") != 0 && o.stage) {
        fprintf(stderr, "plangen: --stage belongs to dump\n");
        goto done;
    }
    if (o.fix && strcmp(o.cmd, "check") != 0) {
        fprintf(stderr, "plangen: --fix belongs to check\n");
        goto done;
    }
    if (strcmp(o.cmd, "render") != 0 && (o.out || o.png_dir)) {
        fprintf(stderr, "plangen: -o and --png belong to render\n");
        goto done;
    }

    const char *data = o.data_dir ? o.data_dir : getenv("PLANGEN_DATADIR");
    if (!data || !*data)
        data = PG_DATADIR;
    session s = {.o = &o};
    s.schema = g_strdup_printf("%s/templates/schema/plan.rng", data);
    s.styles_dir = g_strdup_printf("%s/templates/styles", data);
    s.fonts_dir = g_strdup_printf("%s/fonts", data);
    if (strcmp(o.cmd, "render") == 0)
        rc = cmd_render(&s);
    else if (strcmp(o.cmd, "check") == 0)
        rc = cmd_check(&s);
    else if (strcmp(o.cmd, "dump") == 0)
        rc = cmd_dump(&s);
    else
        rc = cmd_fonts(&s);
    pg_fonts_free(s.fonts);
    g_free(s.schema);
    g_free(s.styles_dir);
    g_free(s.fonts_dir);
done:
    free(o.inputs);
    xmlCleanupParser();
    return rc;
}
