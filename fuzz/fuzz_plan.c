/* fuzz_plan.c - libFuzzer harness: a plan's bytes through every stage, in
 * memory: parse -> resolve -> number -> lint -> layout -> PDF. The style, the
 * fonts and the schema are loaded once. Parents and images resolve inside an
 * empty folder, so the fuzzer cannot make plangen read the machine's files. */
#include "derive.h"
#include "layout.h"
#include "lint.h"
#include "number.h"
#include "parse.h"
#include "render.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

static pg_style *style;
static pg_fonts *fonts;
static pg_schema *schema;
static char *root, *name;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    pg_diag_list d = {0};
    style = pg_style_load(PG_SOURCE_DIR "/templates/styles/party.xml", &d);
    fonts = pg_fonts_new(PG_SOURCE_DIR "/fonts", &d);
    schema = pg_schema_load(PG_SOURCE_DIR "/templates/schema/plan.rng");
    root = g_dir_make_tmp("pg-fuzz-XXXXXX", NULL);
    name = g_build_filename(root, "plan.xml", NULL);
    if (!style || !fonts || !schema || !root) {
        pg_diag_print(&d, stderr);
        abort();
    }
    pg_diag_list_free(&d);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_diag_list d = {0};
    pg_parse_opts po = {.schema = schema, .root = root, .max_bytes = 1 << 20};
    pg_doc *doc = pg_doc_parse_memory((const char *)data, size, name, &po, &d);
    pg_resolve_opts ro = {.parse = &po};
    if (pg_diag_worst(&d) != PG_LEVEL_ERROR && pg_doc_resolve(doc, &ro, &d) &&
        pg_doc_number(doc, style, &d)) {
        pg_lint_opts lo = {.today = "2030-01-01"};
        pg_lint(doc, style, &lo, &d, NULL);
        pg_pages *pp = pg_layout_run(doc, style, fonts, &d);
        if (pp) {
            unsigned char *pdf = NULL;
            size_t len = 0;
            pg_pdf_write_memory(pp, NULL, &pdf, &len);
            free(pdf);
            pg_pages_free(pp);
        }
    }
    /* every diagnostic must format */
    for (size_t i = 0; i < d.n; i++)
        free(pg_diag_format(&d.items[i]));
    pg_doc_free(doc);
    pg_diag_list_free(&d);
    return 0;
}
