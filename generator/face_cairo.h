/* face_cairo.h - what the raster device (raster.c) draws a face with: the
 * cairo font face layout's font was made from (cairo-ft), kept by the face. */
#ifndef PG_FACE_CAIRO_H
#define PG_FACE_CAIRO_H

#include "pages.h"

#include <cairo.h>

/* The face's cairo font face (owned by f; reference it to keep it longer);
 * NULL when the font was not a cairo font. */
cairo_font_face_t *pg_face_cairo(const pg_face *f);

#endif
