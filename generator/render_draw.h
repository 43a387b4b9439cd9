/* render_draw.h - private to the render stage: draws one display-list item
 * with cairo (shared by the PDF and PNG writers). */
#ifndef PG_RENDER_DRAW_H
#define PG_RENDER_DRAW_H

#include "pages.h"

#include <cairo.h>

void pg_draw_item(cairo_t *cr, const pg_item *it);

#endif
