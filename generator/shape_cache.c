/* shape_cache.c - the glyphs harfbuzz gives pango for the words of a text, kept
 * by a process and put together again when pango shapes a text made of words
 * it has shaped before, in the same font.
 *
 * Why here. Pango 1.50 shapes inside pango_layout: each item of a paragraph
 * whole, then, for each line, the candidates for its end and the part that
 * stays on it (a paragraph is shaped three to four times over), always through
 * harfbuzz's hb_shape(), which libpango calls through its PLT. Shaping was 39 %
 * of plangen's instructions. This definition of hb_shape, linked into every
 * program that lays out (like pango_sync.c's g_thread_new), comes before
 * harfbuzz's. It serves a call from libpango from the cache bound to the
 * calling thread (pg_shape_cache_bind: the layout cache binds its own while
 * pango lays out a paragraph); every other call goes to harfbuzz untouched.
 *
 * Words. A run is cut into pieces before each space that follows a character
 * other than a space ("Thực", " hiện", " Kế", ...). Each piece is shaped by
 * harfbuzz on its own, once, and kept. The pieces' glyphs, one after the other,
 * are the run's glyphs when at no cut harfbuzz would let the text on one side
 * change the glyphs on the other. Harfbuzz says where that is so: shaping with
 * HB_BUFFER_FLAG_PRODUCE_UNSAFE_TO_CONCAT, it flags every glyph where a lookup
 * looked across from one side to the other (matched or not), the start of the
 * text included (see hb-buffer.h; harfbuzz checks it with
 * HB_BUFFER_FLAG_VERIFY). A piece is kept with two bits: whether the start of
 * its text is clear (its first glyph unflagged when shaped alone), and whether
 * its end is (the space put after it, as the next piece begins, unflagged).
 * A cut is used only where the piece before has a clear end and the piece
 * after a clear start; elsewhere the two pieces are shaped as one (in
 * Liberation Serif, a word ending in a letter that kerns with a space, as "ủy"
 * or "T", goes with the next one).
 *
 * What a piece's glyphs depend on, all of it in the key (the part shared by the
 * pieces of a run is kept once, as a context):
 * - the font: the PangoFont's hb_font, the parent of the sub-font pango shapes
 *   with (pango made it immutable; the context holds a reference, so that its
 *   address is never another font's while the context lives); the sub-font's
 *   scale, ppem, point size, slant and variation coordinates; and what pango's
 *   font functions answer for a space, a soft hyphen and a line separator
 *   (their only other input is the run's PANGO_ATTR_SHOW flags, each of which
 *   changes one of those answers);
 * - the buffer: direction, script, language, flags, cluster level, the
 *   invisible, replacement and not-found glyphs, and the text as code points
 *   with their clusters counted from the piece's first (harfbuzz only compares
 *   clusters, so a piece shapes alike wherever it stands);
 * - the features (only runs whose features are global are served).
 * The buffer's context (the characters pango gives around the run) is not in
 * the arguments harfbuzz exposes, and a piece has another one. Harfbuzz 6.0
 * reads it in two places only: the joining of Arabic-like scripts, and the
 * dotted circle put before a run that starts with a mark when nothing precedes
 * it. So only left-to-right runs in Latin, Common or Inherited script that do
 * not start with a mark are served (pieces after the first start with a
 * space), and only under harfbuzz 6.0.x and pango 1.50.x (checked at run time;
 * under another version harfbuzz shapes every run). What pango reads back of a
 * result (glyphs, clusters, positions) is what harfbuzz gives for the whole
 * run; of each glyph's mask, the glyph flags are kept as harfbuzz would set
 * them without HB_BUFFER_FLAG_PRODUCE_UNSAFE_TO_CONCAT (pango reads none).
 *
 * A stored piece is never changed. The cache holds at most its budget in
 * bytes, all counted as the allocator reports them (malloc_usable_size), and
 * evicts the pieces used least recently to stay within it (a piece found while
 * among the most recent quarter stays where it is: the order is exact to a
 * quarter of the cache). */
#define _GNU_SOURCE
#include "shape_cache.h"

#include "arena.h"
#include "cache_index.h"

#include <dlfcn.h>
#include <glib.h>
#include <hb.h>
#include <link.h>
#include <malloc.h>
#include <pango/pango.h>
#include <stdint.h>
#include <string.h>

/* Longest run served, in characters (layout.c gives pango texts over 2,048
 * bytes in pieces), and longest piece: a run with a longer word is harfbuzz's
 * (shaped once, not tried in pieces first). */
#define RUN_MAX 4096
#define PIECE_MAX 256

/* A glyph as kept: what pango reads of hb_glyph_info_t and hb_glyph_position_t. */
typedef struct {
    uint32_t glyph, cluster, flags; /* cluster: from the piece's first */
    int32_t x_advance, y_advance, x_offset, y_offset;
} kept_glyph;

/* What the pieces of a run share: the font and the buffer's settings. */
typedef struct context context;
struct context {
    pg_chain_link chain; /* hash: of the settings */
    int refs;        /* the pieces that use it, and the run being served */
    hb_font_t *font; /* the sub-font's parent: a reference */
    uint32_t n_words;
    uint32_t words[]; /* the settings (make_context) */
};

typedef struct piece piece;
struct piece {
    pg_recency_link recency;
    uint64_t placed;      /* when last put at the recent end (pg_shape_cache.placements) */
    uint64_t hash;
    context *ctx; /* a reference */
    size_t bytes; /* the block's usable size */
    uint32_t n_chars, n_glyphs;
    uint8_t start_clear, end_clear;
    uint32_t pins;   /* uses by the run being served: not evicted while any */
    uint32_t data[]; /* n_chars code points, n_chars clusters, then n_glyphs kept_glyph */
};

/* A place of the table of pieces: open addressing, linear probing, the hash
 * beside the piece so that a lookup reads a piece only when its hash matches. */
typedef struct {
    uint64_t hash;
    piece *p; /* NULL: free */
} slot;

struct pg_shape_cache {
    slot *slots;
    size_t n_slots; /* a power of two, at least twice the pieces */
    pg_chains contexts_by_hash;
    size_t entries, contexts, bytes, budget;
    pg_recency recency; /* of the pieces */
    uint64_t placements; /* pieces put at the recent end so far */
    /* scratch for the run being served */
    uint32_t *words;
    size_t words_cap;
    unsigned *cuts; /* where the pieces start, and the run's length */
    piece **pieces;
    size_t cuts_cap;
    int busy; /* serving a run: a shaping inside it is harfbuzz's (see hb_shape) */
    unsigned long hits, misses, evictions, bypassed;
};

static size_t usable(const void *p)
{
    return p ? malloc_usable_size((void *)p) : 0;
}

static uint32_t *piece_chars(piece *p)
{
    return p->data;
}

static uint32_t *piece_clusters(piece *p)
{
    return p->data + p->n_chars;
}

static kept_glyph *piece_glyphs(piece *p)
{
    return (kept_glyph *)(void *)(p->data + 2 * (size_t)p->n_chars);
}

static uint64_t hash_words(uint64_t h, const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h = (h ^ w[i]) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 29;
    }
    return h;
}

/* ---- the cache ------------------------------------------------------------------------ */

pg_shape_cache *pg_shape_cache_new(size_t budget)
{
    pg_shape_cache *c = g_new0(pg_shape_cache, 1);
    c->budget = budget;
    c->n_slots = 32;
    c->slots = g_new0(slot, c->n_slots);
    pg_chains_init(&c->contexts_by_hash, 16);
    c->bytes = usable(c) + usable(c->slots) + usable(c->contexts_by_hash.buckets);
    return c;
}

static void context_unref(pg_shape_cache *c, context *x)
{
    if (--x->refs > 0)
        return;
    pg_chains_remove(&c->contexts_by_hash, &x->chain);
    c->contexts--;
    c->bytes -= usable(x);
    hb_font_destroy(x->font);
    g_free(x);
}

void pg_shape_cache_free(pg_shape_cache *c)
{
    if (!c)
        return;
    for (pg_recency_link *l = c->recency.newest, *older; l; l = older) {
        older = l->older;
        piece *p = PG_ENTRY_OF(l, piece, recency);
        context_unref(c, p->ctx);
        g_free(p);
    }
    g_free(c->slots);
    g_free(c->contexts_by_hash.buckets);
    g_free(c->words);
    g_free(c->cuts);
    g_free(c->pieces);
    g_free(c);
}

void pg_shape_cache_get_stats(const pg_shape_cache *c, pg_shape_cache_stats *s)
{
    memset(s, 0, sizeof *s);
    if (!c)
        return;
    s->bytes = c->bytes;
    s->budget = c->budget;
    s->entries = c->entries;
    s->hits = c->hits;
    s->misses = c->misses;
    s->evictions = c->evictions;
    s->bypassed = c->bypassed;
}

int pg_shape_cache_check(const pg_shape_cache *c)
{
    size_t mask = c->n_slots - 1, n = 0, pieces = 0, contexts = 0;
    size_t bytes = usable(c) + usable(c->slots) + usable(c->contexts_by_hash.buckets) +
                   usable(c->words) + usable(c->cuts) + usable(c->pieces);
    for (size_t i = 0; i < c->n_slots; i++)
        n += c->slots[i].p != NULL;
    for (const pg_recency_link *l = c->recency.newest; l; l = l->older) {
        const piece *p = PG_ENTRY_OF(l, const piece, recency);
        size_t k = p->hash & mask;
        while (c->slots[k].p && c->slots[k].p != p)
            k = (k + 1) & mask;
        if (c->slots[k].p != p || c->slots[k].hash != p->hash || p->bytes != usable(p) || p->pins)
            return 0;
        bytes += p->bytes;
        pieces++;
    }
    for (size_t i = 0; i < c->contexts_by_hash.n_buckets; i++)
        for (const pg_chain_link *l = c->contexts_by_hash.buckets[i]; l; l = l->next) {
            bytes += usable(PG_ENTRY_OF(l, const context, chain));
            contexts++;
        }
    return n == pieces && pieces == c->entries && contexts == c->contexts && bytes == c->bytes;
}

/* Puts p, not in the list, at its recent end. */
static void make_newest(pg_shape_cache *c, piece *p)
{
    p->placed = ++c->placements;
    pg_recency_push(&c->recency, &p->recency);
}

/* Takes p out of the table, moving back the pieces after it that were placed
 * past their own place (linear probing's deletion, which leaves no marks). */
static void unlink_slot(pg_shape_cache *c, const piece *p)
{
    size_t mask = c->n_slots - 1, i = p->hash & mask;
    while (c->slots[i].p != p)
        i = (i + 1) & mask;
    for (size_t j = i;;) {
        j = (j + 1) & mask;
        if (!c->slots[j].p)
            break;
        size_t home = c->slots[j].hash & mask;
        /* slot j may move to i when its home is not in (i, j] (cyclically) */
        if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
            c->slots[i] = c->slots[j];
            i = j;
        }
    }
    c->slots[i].p = NULL;
}

static void evict(pg_shape_cache *c, piece *p)
{
    unlink_slot(c, p);
    pg_recency_unlink(&c->recency, &p->recency);
    c->entries--;
    c->bytes -= p->bytes;
    c->evictions++;
    context_unref(c, p->ctx);
    g_free(p);
}

/* Evicts the least recently used pieces, but those the run being served uses,
 * until the cache is within its budget. */
static void trim(pg_shape_cache *c)
{
    for (pg_recency_link *l = c->recency.oldest, *newer; l && c->bytes > c->budget; l = newer) {
        newer = l->newer;
        piece *p = PG_ENTRY_OF(l, piece, recency);
        if (!p->pins)
            evict(c, p);
    }
}

static void put_slot(slot *slots, size_t n_slots, uint64_t hash, piece *p)
{
    size_t mask = n_slots - 1, i = hash & mask;
    while (slots[i].p)
        i = (i + 1) & mask;
    slots[i] = (slot){hash, p};
}

/* Doubles the table of pieces once they fill half of it. */
static void grow_pieces(pg_shape_cache *c)
{
    size_t n = c->n_slots * 2;
    slot *b = g_new0(slot, n);
    for (size_t i = 0; i < c->n_slots; i++)
        if (c->slots[i].p)
            put_slot(b, n, c->slots[i].hash, c->slots[i].p);
    c->bytes -= usable(c->slots);
    g_free(c->slots);
    c->slots = b;
    c->n_slots = n;
    c->bytes += usable(b);
}

/* ---- where the cache applies ------------------------------------------------------------ */

static uintptr_t pango_text_lo, pango_text_hi; /* libpango's executable segment */

static int find_pango(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    uintptr_t at = (uintptr_t)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (at >= lo && at < hi) {
            pango_text_lo = lo;
            pango_text_hi = hi;
            return 1;
        }
    }
    return 0;
}

int pg_shape_cache_active(void)
{
    static gsize state; /* 0: not known yet; 1: inactive; 2: active */
    if (g_once_init_enter(&state)) {
        unsigned major, minor, micro;
        hb_version(&major, &minor, &micro);
        int v = pango_version();
        int ok = major == 6 && minor == 0 && v >= PANGO_VERSION_ENCODE(1, 50, 0) &&
                 v < PANGO_VERSION_ENCODE(1, 51, 0);
        /* the code that calls hb_shape: pango_shape_item's library */
        void *in_pango = dlsym(RTLD_DEFAULT, "pango_shape_item");
        ok = ok && in_pango && dl_iterate_phdr(find_pango, in_pango) == 1;
        g_once_init_leave(&state, ok ? 2 : 1);
    }
    return state == 2;
}

static _Thread_local pg_shape_cache *bound;

pg_shape_cache *pg_shape_cache_bind(pg_shape_cache *c)
{
    pg_shape_cache *was = bound;
    bound = c;
    return was;
}

typedef void (*hb_shape_fn)(hb_font_t *, hb_buffer_t *, const hb_feature_t *, unsigned int);

/* harfbuzz's own hb_shape, the next definition after this one */
static hb_shape_fn harfbuzz_shape(void)
{
    static hb_shape_fn real;
    static gsize found;
    if (g_once_init_enter(&found)) {
        void *sym = dlsym(RTLD_NEXT, "hb_shape");
        memcpy(&real, &sym, sizeof real); /* ISO C has no object-to-function cast */
        g_once_init_leave(&found, 1);
    }
    return real;
}

/* ---- contexts --------------------------------------------------------------------------- */

static int is_mark(hb_unicode_funcs_t *uf, hb_codepoint_t u)
{
    hb_unicode_general_category_t g = hb_unicode_general_category(uf, u);
    return g == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
           g == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
           g == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

static uint32_t float_bits(float f)
{
    uint32_t v;
    memcpy(&v, &f, sizeof v);
    return v;
}

static uint32_t *scratch_words(pg_shape_cache *c, size_t n)
{
    if (n > c->words_cap) {
        c->bytes -= usable(c->words);
        c->words_cap = n * 2;
        c->words = g_renew(uint32_t, c->words, c->words_cap);
        c->bytes += usable(c->words);
    }
    return c->words;
}

/* Words of a context before its variation coordinates and features. */
#define CONTEXT_FIXED 24

/* The context of a call, found or made (a new reference); NULL when no cache
 * may serve the call (the reasons are in the file's comment). */
static context *get_context(pg_shape_cache *c, hb_font_t *font, hb_buffer_t *buf,
                            const hb_feature_t *features, unsigned n_features)
{
    if (hb_buffer_get_content_type(buf) != HB_BUFFER_CONTENT_TYPE_UNICODE)
        return NULL;
    unsigned n;
    const hb_glyph_info_t *in = hb_buffer_get_glyph_infos(buf, &n);
    if (n == 0 || n > RUN_MAX || n_features > 16)
        return NULL;
    hb_segment_properties_t props;
    hb_buffer_get_segment_properties(buf, &props);
    if (props.direction != HB_DIRECTION_LTR ||
        (props.script != HB_SCRIPT_LATIN && props.script != HB_SCRIPT_COMMON &&
         props.script != HB_SCRIPT_INHERITED))
        return NULL;
    hb_buffer_flags_t flags = hb_buffer_get_flags(buf);
    if (is_mark(hb_buffer_get_unicode_funcs(buf), in[0].codepoint))
        return NULL;
    for (unsigned i = 0; i < n_features; i++)
        if (features[i].start != HB_FEATURE_GLOBAL_START ||
            features[i].end != HB_FEATURE_GLOBAL_END)
            return NULL;
    hb_font_t *parent = hb_font_get_parent(font);
    unsigned n_coords = 0;
    const int *coords = hb_font_get_var_coords_normalized(font, &n_coords);
    if (!parent || parent == hb_font_get_empty() || !hb_font_is_immutable(parent) || n_coords > 16)
        return NULL;

    size_t words = CONTEXT_FIXED + n_coords + 2 * (size_t)n_features;
    uint32_t *k = scratch_words(c, words);
    size_t w = 0;
    uint64_t fp = (uint64_t)(uintptr_t)parent, lang = (uint64_t)(uintptr_t)props.language;
    k[w++] = (uint32_t)fp;
    k[w++] = (uint32_t)(fp >> 32);
    int xs, ys;
    unsigned xp, yp;
    hb_font_get_scale(font, &xs, &ys);
    hb_font_get_ppem(font, &xp, &yp);
    k[w++] = (uint32_t)xs;
    k[w++] = (uint32_t)ys;
    k[w++] = xp;
    k[w++] = yp;
    k[w++] = float_bits(hb_font_get_ptem(font));
    k[w++] = float_bits(hb_font_get_synthetic_slant(font));
    /* what pango's font functions make of a space, a soft hyphen and a line
     * separator: PANGO_SHOW_SPACES, _IGNORABLES and _LINE_BREAKS each change one */
    static const hb_codepoint_t probes[] = {0x20, 0xAD, 0x2028};
    for (size_t i = 0; i < G_N_ELEMENTS(probes); i++) {
        hb_codepoint_t g = 0;
        k[w++] = hb_font_get_nominal_glyph(font, probes[i], &g);
        k[w++] = g;
    }
    k[w++] = props.direction;
    k[w++] = props.script;
    k[w++] = (uint32_t)lang; /* interned by harfbuzz */
    k[w++] = (uint32_t)(lang >> 32);
    k[w++] = flags;
    k[w++] = hb_buffer_get_cluster_level(buf);
    k[w++] = hb_buffer_get_invisible_glyph(buf);
    k[w++] = hb_buffer_get_replacement_codepoint(buf);
    k[w++] = hb_buffer_get_not_found_glyph(buf);
    k[w++] = n_coords;
    k[w++] = n_features;
    k[w++] = 0;
    for (unsigned i = 0; i < n_coords; i++)
        k[w++] = (uint32_t)coords[i];
    for (unsigned i = 0; i < n_features; i++) {
        k[w++] = features[i].tag;
        k[w++] = features[i].value;
    }
    uint64_t h = hash_words(0x9E3779B97F4A7C15u, k, w);
    for (pg_chain_link *l = pg_chains_first(&c->contexts_by_hash, h); l; l = l->next) {
        context *x = PG_ENTRY_OF(l, context, chain);
        if (l->hash == h && x->n_words == w && memcmp(x->words, k, w * sizeof *k) == 0) {
            x->refs++;
            return x;
        }
    }
    context *x = g_malloc(sizeof *x + w * sizeof *k);
    x->chain.hash = h;
    x->refs = 1;
    x->font = hb_font_reference(parent);
    x->n_words = (uint32_t)w;
    memcpy(x->words, k, w * sizeof *k);
    pg_chains_add(&c->contexts_by_hash, &x->chain);
    c->contexts++;
    c->bytes += usable(x);
    if (c->contexts > c->contexts_by_hash.n_buckets) { /* doubled once fuller than that */
        c->bytes -= usable(c->contexts_by_hash.buckets);
        pg_chains_grow(&c->contexts_by_hash);
        c->bytes += usable(c->contexts_by_hash.buckets);
    }
    return x;
}

/* ---- pieces --------------------------------------------------------------------------- */

/* The hash of characters [s, e) of a run in context x, clusters from s's. */
static uint64_t piece_hash(const context *x, const hb_glyph_info_t *in, unsigned s, unsigned e)
{
    uint64_t h = x->chain.hash ^ (e - s);
    uint32_t base = in[s].cluster;
    for (unsigned i = s; i < e; i++) {
        h = (h ^ ((uint64_t)in[i].codepoint << 32 | (in[i].cluster - base))) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 29;
    }
    return h;
}

static piece *find_piece(const pg_shape_cache *c, uint64_t h, const context *x,
                         const hb_glyph_info_t *in, unsigned s, unsigned e)
{
    uint32_t base = in[s].cluster;
    size_t mask = c->n_slots - 1;
    for (size_t k = h & mask; c->slots[k].p; k = (k + 1) & mask) {
        if (c->slots[k].hash != h)
            continue;
        piece *p = c->slots[k].p;
        if (p->ctx != x || p->n_chars != e - s)
            continue;
        const uint32_t *cp = piece_chars(p), *cl = piece_clusters(p);
        unsigned i = 0;
        while (i < p->n_chars && cp[i] == in[s + i].codepoint && cl[i] == in[s + i].cluster - base)
            i++;
        if (i == p->n_chars)
            return p;
    }
    return NULL;
}

/* A glyph's mask as harfbuzz leaves it for a buffer of buffer_flags: its glyph
 * flags alone, HB_GLYPH_FLAG_UNSAFE_TO_CONCAT only when asked for (hb-ot-shape.cc,
 * hb_propagate_flags). */
static uint32_t plain_flags(uint32_t flags, hb_buffer_flags_t buffer_flags)
{
    flags &= HB_GLYPH_FLAG_DEFINED;
    if (!(buffer_flags & HB_BUFFER_FLAG_PRODUCE_UNSAFE_TO_CONCAT))
        flags &= ~(uint32_t)HB_GLYPH_FLAG_UNSAFE_TO_CONCAT;
    return flags;
}

/* Characters [s, e) of the run in buf shaped by harfbuzz on their own, the same
 * way (font, settings, features), flags produced; with a space after them when
 * space_after. Returns the buffer (the caller destroys it). */
static hb_buffer_t *shape_alone(hb_font_t *font, hb_buffer_t *buf, const hb_feature_t *features,
                                unsigned n_features, const hb_glyph_info_t *in, unsigned s,
                                unsigned e, int space_after)
{
    hb_buffer_t *b = hb_buffer_create();
    hb_buffer_set_content_type(b, HB_BUFFER_CONTENT_TYPE_UNICODE);
    hb_segment_properties_t props;
    hb_buffer_get_segment_properties(buf, &props);
    hb_buffer_set_segment_properties(b, &props);
    hb_buffer_set_unicode_funcs(b, hb_buffer_get_unicode_funcs(buf));
    hb_buffer_set_flags(b, hb_buffer_get_flags(buf) | HB_BUFFER_FLAG_PRODUCE_UNSAFE_TO_CONCAT);
    hb_buffer_set_cluster_level(b, hb_buffer_get_cluster_level(buf));
    hb_buffer_set_invisible_glyph(b, hb_buffer_get_invisible_glyph(buf));
    hb_buffer_set_replacement_codepoint(b, hb_buffer_get_replacement_codepoint(buf));
    hb_buffer_set_not_found_glyph(b, hb_buffer_get_not_found_glyph(buf));
    uint32_t base = in[s].cluster;
    for (unsigned i = s; i < e; i++)
        hb_buffer_add(b, in[i].codepoint, in[i].cluster - base);
    if (space_after)
        hb_buffer_add(b, 0x20, in[e - 1].cluster - base + 1);
    if (!hb_buffer_allocation_successful(b))
        pg_oom();
    harfbuzz_shape()(font, b, features, n_features);
    return b;
}

/* Shapes characters [s, e) and keeps them (pinned) as a piece of context x;
 * NULL when that cannot be done (the run is then shaped whole). */
static piece *make_piece(pg_shape_cache *c, context *x, uint64_t h, hb_font_t *font,
                         hb_buffer_t *buf, const hb_feature_t *features, unsigned n_features,
                         const hb_glyph_info_t *in, unsigned s, unsigned e)
{
    hb_buffer_flags_t run_flags = hb_buffer_get_flags(buf);
    /* with a space after it: is its end clear? (a space begins every piece after
     * the first) */
    hb_buffer_t *b = shape_alone(font, buf, features, n_features, in, s, e, 1);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &n);
    uint32_t space = in[e - 1].cluster - in[s].cluster + 1;
    unsigned mine = n; /* glyphs of the piece: all but the space's */
    while (mine > 0 && info[mine - 1].cluster == space)
        mine--;
    int end_clear = mine > 0 && mine == n - 1 &&
                    !(hb_glyph_info_get_glyph_flags(&info[mine]) & HB_GLYPH_FLAG_UNSAFE_TO_CONCAT);
    for (unsigned i = 0; i < mine && end_clear; i++)
        end_clear = info[i].cluster < space;
    if (!end_clear) {
        /* its glyphs may depend on what follows: shaped again, alone */
        hb_buffer_destroy(b);
        b = shape_alone(font, buf, features, n_features, in, s, e, 0);
        info = hb_buffer_get_glyph_infos(b, &n);
        mine = n;
    }
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, NULL);
    size_t size =
        sizeof(piece) + 2 * (size_t)(e - s) * sizeof(uint32_t) + mine * sizeof(kept_glyph);
    if (mine == 0 || !pos || size > c->budget / 16) {
        hb_buffer_destroy(b);
        return NULL;
    }
    piece *p = g_malloc(size);
    memset(p, 0, sizeof *p);
    p->hash = h;
    p->ctx = x;
    x->refs++;
    p->n_chars = e - s;
    p->n_glyphs = mine;
    p->start_clear = !(hb_glyph_info_get_glyph_flags(&info[0]) & HB_GLYPH_FLAG_UNSAFE_TO_CONCAT);
    p->end_clear = (uint8_t)end_clear;
    uint32_t base = in[s].cluster;
    for (unsigned i = s; i < e; i++) {
        piece_chars(p)[i - s] = in[i].codepoint;
        piece_clusters(p)[i - s] = in[i].cluster - base;
    }
    kept_glyph *g = piece_glyphs(p);
    for (unsigned i = 0; i < mine; i++)
        g[i] = (kept_glyph){info[i].codepoint,
                            info[i].cluster,
                            plain_flags(hb_glyph_info_get_glyph_flags(&info[i]), run_flags),
                            pos[i].x_advance,
                            pos[i].y_advance,
                            pos[i].x_offset,
                            pos[i].y_offset};
    hb_buffer_destroy(b);
    p->bytes = usable(p);
    p->pins = 1;
    if (2 * (c->entries + 1) > c->n_slots)
        grow_pieces(c);
    put_slot(c->slots, c->n_slots, h, p);
    make_newest(c, p);
    c->entries++;
    c->bytes += p->bytes;
    trim(c);
    return p;
}

/* ---- serving a call ------------------------------------------------------------------- */

/* Room for k pieces in the scratch arrays (and the run's end). */
static void scratch_cuts(pg_shape_cache *c, size_t k)
{
    if (k + 1 > c->cuts_cap) {
        c->bytes -= usable(c->cuts) + usable(c->pieces);
        c->cuts_cap = (k + 1) * 2;
        c->cuts = g_renew(unsigned, c->cuts, c->cuts_cap);
        c->pieces = g_renew(piece *, c->pieces, c->cuts_cap);
        c->bytes += usable(c->cuts) + usable(c->pieces);
    }
}

/* Puts the run's pieces, found or made, into buf as hb_shape leaves it; 0 when a
 * piece could not be made (nothing is changed then). */
static int serve(pg_shape_cache *c, context *x, hb_font_t *font, hb_buffer_t *buf,
                 const hb_feature_t *features, unsigned n_features)
{
    unsigned n;
    const hb_glyph_info_t *in = hb_buffer_get_glyph_infos(buf, &n);
    /* a piece starts at the run's start and before each space after a non-space */
    unsigned k = 1;
    for (unsigned i = 1; i < n; i++)
        k += in[i].codepoint == 0x20 && in[i - 1].codepoint != 0x20;
    scratch_cuts(c, k);
    unsigned *cut = c->cuts;
    piece **pc = c->pieces;
    k = 0;
    cut[k++] = 0;
    for (unsigned i = 1; i < n; i++)
        if (in[i].codepoint == 0x20 && in[i - 1].codepoint != 0x20)
            cut[k++] = i;
    cut[k] = n;
    for (unsigned j = 0; j < k; j++)
        pc[j] = NULL;
    int ok = 1;
    for (;;) {
        for (unsigned j = 0; j < k && ok; j++) {
            if (pc[j])
                continue;
            unsigned s = cut[j], e = cut[j + 1];
            if (e - s > PIECE_MAX) {
                ok = 0;
                break;
            }
            uint64_t h = piece_hash(x, in, s, e);
            piece *p = find_piece(c, h, x, in, s, e);
            if (p) {
                c->hits++;
                /* used again: to the recent end, unless it is in the recent
                 * quarter already (the words of every paragraph are found
                 * again and again; moving them costs more than finding them) */
                if (c->placements - p->placed > c->entries / 4) {
                    pg_recency_unlink(&c->recency, &p->recency);
                    make_newest(c, p);
                }
                p->pins++;
            } else {
                c->misses++;
                p = make_piece(c, x, h, font, buf, features, n_features, in, s, e);
                ok = p != NULL;
            }
            pc[j] = p;
        }
        if (!ok)
            break;
        /* a cut stays where the piece before ends clear and the one after starts
         * clear; at the others the two pieces are joined, and the joined piece
         * is looked up */
        unsigned kept = 1;
        piece *before = pc[0];
        for (unsigned j = 1; j < k; j++) {
            piece *p = pc[j];
            if (before->end_clear && p->start_clear) {
                cut[kept] = cut[j];
                pc[kept++] = p;
            } else {
                if (pc[kept - 1])
                    pc[kept - 1]->pins--;
                pc[kept - 1] = NULL;
                p->pins--;
            }
            before = p;
        }
        if (kept == k)
            break;
        k = kept;
        cut[k] = n;
    }
    if (ok) {
        unsigned total = 0;
        for (unsigned j = 0; j < k; j++)
            total += pc[j]->n_glyphs;
        hb_glyph_info_t *info;
        hb_glyph_position_t *pos;
        /* cluster bases come from the run's characters, read before it is replaced */
        for (unsigned j = 0; j < k; j++)
            cut[j] = in[cut[j]].cluster;
        if (!hb_buffer_set_length(buf, total))
            pg_oom();
        hb_buffer_set_content_type(buf, HB_BUFFER_CONTENT_TYPE_GLYPHS);
        info = hb_buffer_get_glyph_infos(buf, NULL);
        pos = hb_buffer_get_glyph_positions(buf, NULL);
        unsigned at = 0;
        for (unsigned j = 0; j < k; j++) {
            const kept_glyph *g = piece_glyphs(pc[j]);
            for (uint32_t i = 0; i < pc[j]->n_glyphs; i++, at++) {
                memset(&info[at], 0, sizeof info[at]);
                info[at].codepoint = g[i].glyph;
                info[at].cluster = g[i].cluster + cut[j];
                info[at].mask = g[i].flags;
                memset(&pos[at], 0, sizeof pos[at]);
                pos[at].x_advance = g[i].x_advance;
                pos[at].y_advance = g[i].y_advance;
                pos[at].x_offset = g[i].x_offset;
                pos[at].y_offset = g[i].y_offset;
            }
        }
    }
    for (unsigned j = 0; j < k; j++)
        if (pc[j])
            pc[j]->pins--;
    trim(c);
    return ok;
}

void hb_shape(hb_font_t *font, hb_buffer_t *buffer, const hb_feature_t *features,
              unsigned int num_features)
{
    pg_shape_cache *c = bound;
    uintptr_t from = (uintptr_t)__builtin_return_address(0);
    /* A shaping can start inside another: pango's font functions measure a
     * glyph the font lacks from the font's metrics, which pango makes by
     * shaping a sample text (with the fontconfig font map), while a piece is
     * being shaped. That one is harfbuzz's: the run being served owns the
     * scratch arrays and the pins. */
    if (!c || c->busy || !pg_shape_cache_active() || from < pango_text_lo ||
        from >= pango_text_hi) {
        harfbuzz_shape()(font, buffer, features, num_features);
        return;
    }
    c->busy = 1;
    context *x = get_context(c, font, buffer, features, num_features);
    if (!x) {
        c->bypassed++;
        harfbuzz_shape()(font, buffer, features, num_features);
    } else {
        if (!serve(c, x, font, buffer, features, num_features)) {
            c->bypassed++;
            harfbuzz_shape()(font, buffer, features, num_features);
        }
        context_unref(c, x);
    }
    c->busy = 0;
}
