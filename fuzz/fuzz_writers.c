/* fuzz_writers.c - libFuzzer harness: a plan's bytes through every stage
 * (pg_run, as fuzz_plan.c) and then the editable-document writers: DOCX and
 * ODT (generator/writer.c, docx.c, odt.c), written into an empty folder and
 * removed. The engine is made once; parents and images resolve in that folder. */
#include "fuzz_engine.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>

static pg_engine *engine;
static char *root, *name, *docx, *odt;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    engine = fuzz_engine_start(PG_SOURCE_DIR "/templates/styles/state.xml", &root, &name);
    docx = g_build_filename(root, "out.docx", NULL);
    odt = g_build_filename(root, "out.odt", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_result r;
    pg_run(engine, name, (const char *)data, size, PG_STAGE_LAYOUT, &r);
    if (r.ok && r.pages) {
        pg_diag_list d = {0};
        pg_result_write_docx(&r, docx, &d);
        pg_result_write_odt(&r, odt, &d);
        pg_diag_list_free(&d);
        g_unlink(docx);
        g_unlink(odt);
    }
    pg_result_free(&r);
    return 0;
}
