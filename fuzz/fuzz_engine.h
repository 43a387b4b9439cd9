/* fuzz_engine.h - what the harnesses that run whole plans share (fuzz_plan.c,
 * fuzz_writers.c): one engine made once, with the style given, whose plans
 * resolve their parents and images inside an empty temporary folder, so that
 * the fuzzer cannot make plangen read the machine's files. */
#ifndef PG_FUZZ_ENGINE_H
#define PG_FUZZ_ENGINE_H

#include "plangen.h"

#include <glib.h>
#include <stdlib.h>

/* The engine for style (a path under templates/styles), the folder made for
 * it in *root and the plan's name in it in *name. Aborts when the folder
 * cannot be made. */
static pg_engine *fuzz_engine_start(const char *style, char **root, char **name)
{
    *root = g_dir_make_tmp("pg-fuzz-XXXXXX", NULL);
    if (!*root)
        abort();
    *name = g_build_filename(*root, "plan.xml", NULL);
    pg_options o = {.data_dir = PG_SOURCE_DIR,
                    .style = style,
                    .root = *root,
                    .today = "2030-01-01",
                    .max_size = 1 << 20};
    return pg_engine_new(&o);
}

#endif
