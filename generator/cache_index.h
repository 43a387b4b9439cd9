/* cache_index.h - the two structures a cache of this program threads through
 * its entries: the list from the entry used last to the one used longest ago
 * (what a byte budget evicts first), and a table of chains by hash.
 *
 * An entry holds a pg_recency_link and a pg_chain_link as members; the cache
 * goes back from a link to its entry with PG_ENTRY_OF. Neither structure
 * allocates an entry or frees one: the caller owns them. */
#ifndef PG_CACHE_INDEX_H
#define PG_CACHE_INDEX_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* the entry of type T whose member M is the link L */
#define PG_ENTRY_OF(l, T, m) ((T *)(void *)((char *)(l) - offsetof(T, m)))

/* ---- the recency list ------------------------------------------------------------------ */

typedef struct pg_recency_link pg_recency_link;
struct pg_recency_link {
    pg_recency_link *newer, *older;
};

typedef struct {
    pg_recency_link *newest, *oldest;
} pg_recency;

static inline void pg_recency_unlink(pg_recency *r, pg_recency_link *l)
{
    if (l->newer)
        l->newer->older = l->older;
    else
        r->newest = l->older;
    if (l->older)
        l->older->newer = l->newer;
    else
        r->oldest = l->newer;
    l->newer = l->older = NULL;
}

/* Puts l, not in the list, at its recent end. */
static inline void pg_recency_push(pg_recency *r, pg_recency_link *l)
{
    l->older = r->newest;
    l->newer = NULL;
    if (r->newest)
        r->newest->newer = l;
    r->newest = l;
    if (!r->oldest)
        r->oldest = l;
}

/* ---- the table of chains --------------------------------------------------------------- */

typedef struct pg_chain_link pg_chain_link;
struct pg_chain_link {
    pg_chain_link *next; /* in its bucket */
    uint64_t hash;
};

typedef struct {
    pg_chain_link **buckets;
    size_t n_buckets; /* a power of two */
} pg_chains;

static inline void pg_chains_init(pg_chains *t, size_t n_buckets)
{
    t->buckets = g_new0(pg_chain_link *, n_buckets);
    t->n_buckets = n_buckets;
}

/* The first link of hash's bucket: its chain is walked by ->next. */
static inline pg_chain_link *pg_chains_first(const pg_chains *t, uint64_t hash)
{
    return t->buckets[hash & (t->n_buckets - 1)];
}

/* Adds l, its hash set, at the head of its bucket. */
static inline void pg_chains_add(pg_chains *t, pg_chain_link *l)
{
    pg_chain_link **b = &t->buckets[l->hash & (t->n_buckets - 1)];
    l->next = *b;
    *b = l;
}

/* Takes l, which is in the table, out of it. */
static inline void pg_chains_remove(pg_chains *t, pg_chain_link *l)
{
    pg_chain_link **p = &t->buckets[l->hash & (t->n_buckets - 1)];
    while (*p != l)
        p = &(*p)->next;
    *p = l->next;
}

/* Doubles the buckets, every link moved to its new one. The old array is
 * freed: a cache that counts its bytes counts the array before and after. */
static inline void pg_chains_grow(pg_chains *t)
{
    size_t n = t->n_buckets * 2;
    pg_chain_link **b = g_new0(pg_chain_link *, n);
    for (size_t i = 0; i < t->n_buckets; i++)
        for (pg_chain_link *l = t->buckets[i], *next; l; l = next) {
            next = l->next;
            l->next = b[l->hash & (n - 1)];
            b[l->hash & (n - 1)] = l;
        }
    g_free(t->buckets);
    t->buckets = b;
    t->n_buckets = n;
}

#endif
