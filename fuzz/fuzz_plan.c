/* fuzz_plan.c - libFuzzer harness: a plan's bytes through every stage, in
 * memory, through the library's one entry (pg_run): parse -> resolve -> number
 * -> lint -> layout, then the PDF. The engine (style, fonts, schema) is made
 * once. Parents and images resolve inside an empty folder, so the fuzzer
 * cannot make plangen read the machine's files. */
#include "fuzz_engine.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

static pg_engine *engine;
static char *root, *name;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    engine = fuzz_engine_start(PG_SOURCE_DIR "/templates/styles/party.xml", &root, &name);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_result r;
    pg_run(engine, name, (const char *)data, size, PG_STAGE_LAYOUT, &r);
    if (r.pages) {
        unsigned char *pdf = NULL;
        size_t len = 0;
        pg_result_pdf_memory(engine, &r, &pdf, &len);
        free(pdf);
    }
    /* every diagnostic must format */
    for (size_t i = 0; i < r.diags.n; i++)
        free(pg_diag_format(&r.diags.items[i]));
    pg_result_free(&r);
    return 0;
}
