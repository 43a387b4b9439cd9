/* face_pattern.h - what the raster device (the raster module, raster.c) draws
 * a face with: the fontconfig pattern pango's font was made from, kept by the
 * face (cairo-ft makes its font face of it, as pango-cairo did). */
#ifndef PG_FACE_PATTERN_H
#define PG_FACE_PATTERN_H

#include "pages.h"

#include <fontconfig/fontconfig.h>

/* The face's fontconfig pattern (owned by f; FcPatternReference() it to keep it
 * longer); NULL when the font was no fontconfig font. */
FcPattern *pg_face_pattern(const pg_face *f);

#endif
