/* raster_load.c - the raster module, loaded when first needed (see
 * raster_module.h). */
#include "raster_module.h"

#include "module.h"

#include <glib.h>
#include <string.h>

const pg_raster_api *pg_raster(char **why)
{
    char *error = NULL;
    const pg_raster_api *api = pg_module_symbol("raster", "pg_raster_module_api", &error);
    static const size_t sizes[] = PG_RASTER_SIZES;
    if (api && (api->abi != PG_RASTER_ABI || memcmp(api->sizes, sizes, sizeof sizes) != 0)) {
        error = g_strdup("plangen's raster module was built for another plangen: reinstall "
                         "plangen, or build it beside the program (cmake --build BUILD)");
        api = NULL;
    }
    if (why)
        *why = error;
    else
        g_free(error);
    return api;
}
