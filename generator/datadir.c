/* datadir.c - the data folder: given, from the environment, installed beside
 * the program, or (for the program in its build folder) the source tree. */
#include "datadir.h"

#include "i18n.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PG_SOURCE_DATADIR
#define PG_SOURCE_DATADIR "."
#endif
#ifndef PG_BINARY_DIR
#define PG_BINARY_DIR "/nonexistent"
#endif
#ifndef PG_BUILD_LOCALEDIR
#define PG_BUILD_LOCALEDIR PG_BINARY_DIR "/locale"
#endif
#ifndef PG_INSTALL_LOCALEDIR
#define PG_INSTALL_LOCALEDIR "share/locale"
#endif
#ifndef PG_BUILD_MODULEDIR
#define PG_BUILD_MODULEDIR PG_BINARY_DIR "/generator"
#endif
#ifndef PG_INSTALL_MODULEDIR
#define PG_INSTALL_MODULEDIR "lib/plangen"
#endif

#define SCHEMA "templates/schema/plan.rng"

static int holds_schema(const char *dir)
{
    char *p = g_build_filename(dir, SCHEMA, NULL);
    int ok = g_file_test(p, G_FILE_TEST_IS_REGULAR);
    g_free(p);
    return ok;
}

/* PREFIX/share/plangen for a program at PREFIX/bin/plangen (/proc/self/exe,
 * symbolic links resolved); NULL when it cannot be read. *in_build: 1 when the
 * program is the one in its build folder. Kept for the process. */
static const char *installed_dir(int *in_build)
{
    static char *dir;
    static int tried, build;
    *in_build = build;
    if (tried)
        return dir;
    tried = 1;
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (!exe)
        return NULL;
    /* the build folder as configured, and with its links resolved as exe's are */
    char *real = realpath(PG_BINARY_DIR, NULL);
    const char *builds[2] = {PG_BINARY_DIR, real};
    for (int i = 0; i < 2; i++) {
        size_t n = builds[i] ? strlen(builds[i]) : 0;
        if (n && strncmp(exe, builds[i], n) == 0 && exe[n] == '/')
            build = 1;
    }
    free(real);
    *in_build = build;
    char *bin = g_path_get_dirname(exe);
    char *prefix = g_path_get_dirname(bin);
    dir = g_build_filename(prefix, "share", "plangen", NULL);
    g_free(prefix);
    g_free(bin);
    g_free(exe);
    return dir;
}

const char *pg_data_dir_default(const char **how)
{
    const char *env = getenv("PLANGEN_DATADIR");
    const char *why = "PLANGEN_DATADIR", *dir = env;
    if (!env || !*env) {
        /* a program in its build folder reads the source tree it was built
         * from; any other, the data installed beside it (never the source tree:
         * an installation must not depend on a clone that may be gone) */
        int in_build = 0;
        const char *inst = installed_dir(&in_build);
        if (in_build || !inst)
            why = N_("source tree"), dir = PG_SOURCE_DATADIR;
        else
            why = N_("installed"), dir = inst;
    }
    if (how)
        *how = why;
    return dir;
}

/* A folder of the program's other than its data: in the build tree, built;
 * installed, the configured path (relative: to the prefix, which holds the
 * data in share/plangen). Made once, kept in *dir. */
static const char *beside_data(const char *built, const char *configured, char **dir)
{
    int in_build = 0;
    const char *inst = installed_dir(&in_build);
    if (in_build || !inst)
        return built;
    if (!*dir) {
        char *share = g_path_get_dirname(inst);
        char *prefix = g_path_get_dirname(share);
        *dir = g_path_is_absolute(configured) ? g_strdup(configured)
                                              : g_build_filename(prefix, configured, NULL);
        g_free(prefix);
        g_free(share);
    }
    return *dir;
}

const char *pg_locale_dir(void)
{
    static char *dir;
    return beside_data(PG_BUILD_LOCALEDIR, PG_INSTALL_LOCALEDIR, &dir);
}

const char *pg_module_dir(void)
{
    const char *env = getenv("PLANGEN_MODULEDIR");
    if (env && *env)
        return env;
    static char *dir;
    return beside_data(PG_BUILD_MODULEDIR, PG_INSTALL_MODULEDIR, &dir);
}

int pg_data_dir_check(const char *dir, const char *how)
{
    if (holds_schema(dir))
        return 1;
    const char *whence = !how                                  ? "--data-dir"
                         : strcmp(how, "PLANGEN_DATADIR") == 0 ? "$PLANGEN_DATADIR"
                                                               : _("the installation");
    fprintf(stderr,
            _("plangen: error: the data folder %s (from %s) has no %s: plangen's styles, schema "
              "and fonts.conf are not there. Give the folder holding templates/ and fonts/ with "
              "--data-dir DIR or PLANGEN_DATADIR=DIR (installed: PREFIX/share/plangen; in a "
              "clone: the repository's root)\n"),
            dir, whence, SCHEMA);
    return 0;
}

char *pg_plan_model_pi(const char *data_dir)
{
    char *dir = g_canonicalize_filename(data_dir ? data_dir : pg_data_dir_default(NULL), NULL);
    char *rng = g_build_filename(dir, "templates", "schema", "plan.rng", NULL);
    char *uri = g_filename_to_uri(rng, NULL, NULL);
    GString *pi = g_string_new("<?xml-model href=\"");
    /* characters that would end the pseudo-attribute or the instruction are
     * percent-escaped: the same file for a URI reader */
    for (const char *c = uri ? uri : rng; *c; c++) {
        if (strchr("\"'<>&?", *c))
            g_string_append_printf(pi, "%%%02X", (unsigned)(unsigned char)*c);
        else
            g_string_append_c(pi, *c);
    }
    g_string_append(pi, "\" type=\"application/xml\" "
                        "schematypens=\"http://relaxng.org/ns/structure/1.0\"?>");
    g_free(uri);
    g_free(rng);
    g_free(dir);
    return g_string_free(pi, FALSE);
}
