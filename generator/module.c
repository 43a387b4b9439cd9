/* module.c - loading plangen's modules (see module.h). */
#include "module.h"

#include "datadir.h"

#include <dlfcn.h>
#include <glib.h>
#include <string.h>

typedef struct {
    char *name;
    void *handle; /* NULL: could not be loaded */
    char *error;  /* why not */
} loaded;

static GMutex lock;
static loaded mods[4];
static int n_mods;

void *pg_module_symbol(const char *name, const char *symbol, char **why)
{
    g_mutex_lock(&lock);
    loaded *m = NULL;
    for (int i = 0; i < n_mods && !m; i++)
        if (strcmp(mods[i].name, name) == 0)
            m = &mods[i];
    if (!m && n_mods < (int)G_N_ELEMENTS(mods)) {
        m = &mods[n_mods++];
        m->name = g_strdup(name);
        char *file = g_strdup_printf("%s/%s.so", pg_module_dir(), name);
        /* RTLD_NOW: a module that does not fit this program fails here, whole,
         * not at its first call */
        m->handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
        if (!m->handle)
            m->error = g_strdup_printf(
                "plangen's %s module %s cannot be loaded (%s); it belongs to this plangen: "
                "reinstall plangen (its package carries it), or build it beside the program "
                "(cmake --build BUILD), or point PLANGEN_MODULEDIR at its folder",
                name, file, dlerror());
        g_free(file);
    }
    void *sym = NULL;
    char *error = NULL;
    if (!m)
        error = g_strdup_printf("too many plangen modules: %s", name);
    else if (!m->handle)
        error = g_strdup(m->error);
    else if (!(sym = dlsym(m->handle, symbol)))
        error = g_strdup_printf("plangen's %s module in %s has no %s: it belongs to another "
                                "plangen; reinstall plangen, or build it beside the program",
                                name, pg_module_dir(), symbol);
    g_mutex_unlock(&lock);
    if (why)
        *why = error;
    else
        g_free(error);
    return sym;
}
