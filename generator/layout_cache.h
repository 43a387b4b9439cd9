/* layout_cache.h - private to the layout stage: the layouts and faces kept by
 * a process (pg_layout_cache, layout.h), and the conversion of pango's lines
 * into the display list's glyph runs. Pango stays inside the layout stage. */
#ifndef PG_LAYOUT_CACHE_H
#define PG_LAYOUT_CACHE_H

#include "layout.h"

#include <pango/pango.h>

/* Layouts shared by the plans a process lays out: the same paragraph in the
 * same font, width and alignment is shaped, broken into lines and converted
 * into glyph runs once. key says everything the layout depends on (make_layout
 * in layout.c builds it). lookup returns a new reference, or NULL; store keeps
 * one, after converting every line of ly into glyph runs: a layout stored is
 * never changed again. The cache holds at most PG_LAYOUT_CACHE layouts and is
 * emptied when full, so memory stays bounded over any number of plans. */
enum { PG_LAYOUT_CACHE = 512 };
PangoLayout *pg_layout_cache_lookup(pg_layout_cache *c, const char *key);
void pg_layout_cache_store(pg_layout_cache *c, const char *key, PangoLayout *ly);

/* Line i of ly as glyph runs, positions from the line's left end on its
 * baseline (pt): a new reference. A layout not from the cache is converted
 * when first asked (it belongs to one plan alone). NULL when there is no
 * such line. */
pg_text *pg_layout_cache_line(pg_layout_cache *c, PangoLayout *ly, int i);

#endif
