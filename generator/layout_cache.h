/* layout_cache.h - private to the layout stage: the layouts, shaped runs and
 * faces kept by a process (pg_layout_cache, layout.h), and the conversion of
 * pango's lines into the display list's glyph runs. Pango stays inside the
 * layout stage. */
#ifndef PG_LAYOUT_CACHE_H
#define PG_LAYOUT_CACHE_H

#include "layout.h"
#include "shape_cache.h"

#include <pango/pango.h>

/* What the caches of a process may hold, in bytes, everything they allocate
 * counted: layouts (a paragraph's PangoLayout and its lines as glyph runs) and
 * shaped words (shape_cache.h). A batch of plans needs little more than its
 * working set: the paragraphs plans inherit from their parents, the words of
 * their language; see bench/RESULTS.md, "Shaping cache". */
enum { PG_LAYOUT_CACHE_BYTES = 7 << 20, PG_SHAPE_CACHE_BYTES = 1 << 20 };

/* pg_layout_cache_new() with other budgets (bytes; the tests use small ones). */
pg_layout_cache *pg_layout_cache_new_budget(size_t layout_bytes, size_t shape_bytes);

/* The key of a layout (make_layout_wrap in layout.c): every input it is made
 * from, as pango is given it: the font (a description as a string), width and
 * indent (Pango units; -1: no wrap), alignment, wrap mode, underline, the
 * attributes (pango_attr_list_to_string; NULL: none) and the text. Two keys are
 * equal only when every input is. A new string (g_free). */
char *pg_layout_cache_key(const char *font, int width, int align, int indent, int wrap,
                          int underline, const char *attrs, const char *text);

/* Layouts shared by the plans a process lays out: the same paragraph in the
 * same font, width and alignment is shaped, broken into lines and converted
 * into glyph runs once. key says everything the layout depends on (make_layout
 * in layout.c builds it). lookup returns a new reference, or NULL; store keeps
 * one, after converting every line of ly into glyph runs: a layout stored is
 * never changed again. The cache holds at most its budget of bytes and evicts
 * the layouts used least recently to stay within it (a layout evicted lives on
 * while a caller holds a reference; a layout larger than a quarter of the
 * budget is not kept). */
PangoLayout *pg_layout_cache_lookup(pg_layout_cache *c, const char *key);
void pg_layout_cache_store(pg_layout_cache *c, const char *key, PangoLayout *ly);

/* The shaped runs of the process, for pg_shape_cache_bind() while pango lays
 * out a paragraph (owned by c). */
pg_shape_cache *pg_layout_cache_shapes(pg_layout_cache *c);

/* Line i of ly as glyph runs, positions from the line's left end on its
 * baseline (pt): a new reference. A layout not from the cache is converted
 * when first asked (it belongs to one plan alone). NULL when there is no
 * such line. */
pg_text *pg_layout_cache_line(pg_layout_cache *c, PangoLayout *ly, int i);

typedef struct {
    size_t bytes, budget, entries;
    unsigned long hits, misses, evictions;
} pg_layout_cache_stats;

/* The layouts' figures so far (the shaped runs': pg_shape_cache_get_stats). */
void pg_layout_cache_get_stats(const pg_layout_cache *c, pg_layout_cache_stats *s);

/* The bytes ly holds as the cache counts them: pango's objects by their sizes,
 * the converted lines as allocated. */
size_t pg_layout_cache_layout_bytes(PangoLayout *ly);

/* For the tests: 1 when c is whole: every layout it holds is found under its
 * key, and the bytes it counts are those of its table and entries, counted
 * again now (so a layout changed after it was stored shows too). */
int pg_layout_cache_check(const pg_layout_cache *c);

#endif
