/* shape_cache.h - private to the layout stage: the glyphs harfbuzz gave pango
 * for a run of text in a font, kept by a process across the plans it lays out
 * and given back when pango shapes the same run again (see shape_cache.c). */
#ifndef PG_SHAPE_CACHE_H
#define PG_SHAPE_CACHE_H

#include <stddef.h>

typedef struct pg_shape_cache pg_shape_cache;

/* A cache that holds at most budget bytes, every byte it allocates counted (its
 * entries, its table and itself): the least recently used entries are evicted
 * to stay within it. The caller frees it with pg_shape_cache_free(), which
 * accepts NULL. */
pg_shape_cache *pg_shape_cache_new(size_t budget);
void pg_shape_cache_free(pg_shape_cache *c);

/* Makes c the cache that pango's shaping in the calling thread uses (NULL:
 * none); returns the cache bound before, to be bound again afterwards. A cache
 * is used by one thread at a time. */
pg_shape_cache *pg_shape_cache_bind(pg_shape_cache *c);

/* 1 when a bound cache serves pango's shaping in this process: under the
 * harfbuzz and pango whose use of a run's context shape_cache.c was checked
 * against (harfbuzz 6.0.x, pango 1.50.x); 0: every run is shaped by harfbuzz. */
int pg_shape_cache_active(void);

typedef struct {
    size_t bytes; /* held now, everything counted */
    size_t budget;
    size_t entries;
    unsigned long hits, misses, evictions;
    unsigned long bypassed; /* runs no cache may serve (shape_cache.c says which) */
} pg_shape_cache_stats;

/* c's figures so far; all zero for NULL. */
void pg_shape_cache_get_stats(const pg_shape_cache *c, pg_shape_cache_stats *s);

/* For the tests: 1 when c is whole: every piece it holds is found from its
 * place in the table, the table holds nothing else, no piece is pinned (none
 * is being served), and the bytes it counts are those of its blocks. */
int pg_shape_cache_check(const pg_shape_cache *c);

#endif
