/* raster_module.h - the raster module (raster.so, made of raster.c): all of
 * plangen that draws with cairo, in a module loaded only when a raster output
 * is asked for (the PNG pages of render --png, the web editor's preview), so
 * that a PDF render loads neither cairo nor pixman nor the X libraries cairo
 * brings. It also holds pango-cairo's font map: layout's font map is pango-ft2's,
 * which gives every glyph pango-cairo's metrics but one, the box of a character
 * the font lacks; a plan that has one is laid out with pango-cairo's (fonts.c). */
#ifndef PG_RASTER_MODULE_H
#define PG_RASTER_MODULE_H

#include "diag.h"
#include "output.h"
#include "pages.h"

#include <pango/pango.h>

/* Raised whenever the table below or a type it passes changes. */
#define PG_RASTER_ABI 1u

/* The sizes of the types the module shares with the program: a module of
 * another build of plangen is refused rather than misread. */
#define PG_RASTER_SIZES                                                                            \
    {                                                                                              \
        sizeof(pg_page), sizeof(pg_pages), sizeof(pg_item), sizeof(pg_text), sizeof(pg_glyph_run), \
            sizeof(pg_glyph), sizeof(pg_image), sizeof(pg_path), sizeof(pg_seg),                   \
            sizeof(pg_diag_list), sizeof(pg_output)                                                \
    }

typedef struct {
    unsigned abi;     /* PG_RASTER_ABI */
    size_t sizes[11]; /* PG_RASTER_SIZES */
    /* Writes each page as dir/STEM-N.png at dpi (render.h). */
    int (*png_write)(const pg_pages *pp, const char *dir, const char *stem, double dpi,
                     pg_diag_list *diags);
    /* One page as PNG bytes at dpi (render.h). */
    int (*png_page_memory)(const pg_page *p, double dpi, unsigned char **out, size_t *len);
    /* A new pango-cairo font map of cairo-ft fonts (one reference). */
    PangoFontMap *(*font_map_new)(void);
    /* Sets ctx (of that map) to 72 dpi with cairo's font options for layout:
     * unhinted metrics and outlines, grey antialiasing. */
    void (*context_setup)(PangoContext *ctx);
} pg_raster_api;

/* The module's table (the symbol the module exports). */
extern const pg_raster_api pg_raster_module_api;

/* The raster module, loaded at the first call. NULL when it cannot be loaded
 * or does not fit this program: *why (may be NULL) then receives the reason,
 * which file and how to repair it (heap, g_free). */
const pg_raster_api *pg_raster(char **why);

#endif
