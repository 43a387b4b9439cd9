/* serve_load.c - the serve module, loaded for `plangen serve` and `plangen
 * user` (see serve_module.h). */
#include "serve_module.h"

#include "module.h"

#include <glib.h>

const pg_serve_api *pg_serve_module(void)
{
    char *why = NULL;
    const pg_serve_api *api = pg_module_symbol("serve", "pg_serve_module_api", &why);
    if (api && api->abi != PG_SERVE_ABI) {
        why = g_strdup("plangen's serve module was built for another plangen: reinstall "
                       "plangen, or build it beside the program (cmake --build BUILD)");
        api = NULL;
    }
    if (!api)
        g_printerr("plangen: %s\n", why);
    g_free(why);
    return api;
}
