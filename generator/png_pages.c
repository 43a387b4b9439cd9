/* png_pages.c - the PNG pages of render.h, drawn by the raster module
 * (raster_module.h), which is loaded for them. */
#include "render.h"

#include "raster_module.h"

#include <glib.h>

int pg_png_write(const pg_pages *pp, const char *dir, const char *stem, double dpi,
                 pg_diag_list *diags)
{
    char *why = NULL;
    const pg_raster_api *api = pg_raster(&why);
    if (!api) {
        char *first = g_strdup_printf("%s/%s-1.png", dir, stem);
        pg_diag_add(diags, PG_E_OUTPUT, first, 0, 0, "%s", why);
        g_free(first);
        g_free(why);
        return 0;
    }
    return api->png_write(pp, dir, stem, dpi, diags);
}

int pg_png_page_memory(const pg_page *p, double dpi, unsigned char **out, size_t *len)
{
    char *why = NULL;
    const pg_raster_api *api = pg_raster(&why);
    *out = NULL;
    *len = 0;
    if (!api) {
        /* said once per process, where the caller has no list to put it in
         * (the web editor's preview) */
        static gsize said;
        if (g_once_init_enter(&said)) {
            g_printerr("plangen: %s\n", why);
            g_once_init_leave(&said, 1);
        }
        g_free(why);
        return 0;
    }
    return api->png_page_memory(p, dpi, out, len);
}
