/* layout_cache.c - the layouts, shaped runs and faces a process keeps for the
 * plans it lays out, and pango's lines converted into glyph runs (see
 * layout_cache.h). */
#define _GNU_SOURCE /* malloc_usable_size */
#include "layout_cache.h"

#include "arena.h"
#include "cache_index.h"
#include "face_pattern.h"

#include <hb-ot.h>
#include <hb.h>
#include <malloc.h>
#include <pango/pangofc-font.h>
#include <string.h>

struct pg_face {
    int refs;
    char *name;               /* family and face, without size */
    hb_face_t *hb;            /* a reference */
    FcPattern *pattern;       /* a reference; NULL: not a fontconfig font */
    unsigned n_glyphs;
    double ul_pos, ul_h; /* underline offset (negative: below) and thickness, 1/1000 em */
};

/* A pango font as the display list names it: a face and a size. */
typedef struct {
    pg_face *face; /* a reference */
    double size;   /* pt */
} font_use;

/* A layout kept: in a bucket of the table by its key's hash, and in the list of
 * entries from the one used last to the one used longest ago. */
typedef struct entry entry;
struct entry {
    pg_chain_link chain; /* hash: g_str_hash of the key */
    pg_recency_link recency;
    char *key;       /* owned */
    PangoLayout *ly; /* a reference; its lines converted */
    size_t bytes;    /* the entry, its key and what the layout holds */
};

struct pg_layout_cache {
    pg_chains table;
    size_t entries, bytes, budget; /* bytes: the entries and the table */
    pg_recency recency;
    unsigned long hits, misses, evictions;
    GHashTable *fonts; /* PangoFont (a reference) -> font_use (owned) */
    GHashTable *faces; /* "hb face|name" (owned) -> pg_face (a reference) */
    pg_shape_cache *shapes;
};

/* The converted lines of a layout, attached to it. */
typedef struct {
    int n;
    pg_text **line;
} line_set;

static const char lines_key[] = "pg-lines";

/* ---- faces ------------------------------------------------------------------------ */

pg_face *pg_face_ref(pg_face *f)
{
    f->refs++;
    return f;
}

void pg_face_unref(pg_face *f)
{
    if (!f || --f->refs > 0)
        return;
    hb_face_destroy(f->hb);
    if (f->pattern)
        FcPatternDestroy(f->pattern);
    g_free(f->name);
    g_free(f);
}

const char *pg_face_name(const pg_face *f)
{
    return f->name;
}

struct hb_face_t *pg_face_hb(const pg_face *f)
{
    return f->hb;
}

FcPattern *pg_face_pattern(const pg_face *f)
{
    return f->pattern;
}

static void free_use(font_use *u)
{
    pg_face_unref(u->face);
    g_free(u);
}

static size_t usable(const void *p)
{
    return p ? malloc_usable_size((void *)p) : 0;
}

pg_layout_cache *pg_layout_cache_new_budget(size_t layout_bytes, size_t shape_bytes)
{
    pg_layout_cache *c = g_new0(pg_layout_cache, 1);
    c->budget = layout_bytes;
    pg_chains_init(&c->table, 64);
    c->bytes = usable(c->table.buckets);
    c->fonts = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref,
                                     (GDestroyNotify)free_use);
    c->faces =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)pg_face_unref);
    c->shapes = pg_shape_cache_new(shape_bytes);
    return c;
}

pg_layout_cache *pg_layout_cache_new_sized(size_t layout_bytes)
{
    return pg_layout_cache_new_budget(layout_bytes ? layout_bytes : PG_LAYOUT_CACHE_BYTES,
                                      PG_SHAPE_CACHE_BYTES);
}

pg_layout_cache *pg_layout_cache_new(void)
{
    return pg_layout_cache_new_budget(PG_LAYOUT_CACHE_BYTES, PG_SHAPE_CACHE_BYTES);
}

static void entry_free(entry *e)
{
    g_object_unref(e->ly);
    g_free(e->key);
    g_free(e);
}

void pg_layout_cache_free(pg_layout_cache *c)
{
    if (!c)
        return;
    for (pg_recency_link *l = c->recency.newest, *older; l; l = older) {
        older = l->older;
        entry_free(PG_ENTRY_OF(l, entry, recency));
    }
    g_free(c->table.buckets);
    g_hash_table_destroy(c->fonts);
    g_hash_table_destroy(c->faces);
    pg_shape_cache_free(c->shapes);
    g_free(c);
}

pg_shape_cache *pg_layout_cache_shapes(pg_layout_cache *c)
{
    return c->shapes;
}

void pg_layout_cache_get_stats(const pg_layout_cache *c, pg_layout_cache_stats *s)
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
}

/* The face and size of a pango font, made once per process. */
static const font_use *use_font(pg_layout_cache *c, PangoFont *pf)
{
    font_use *u = g_hash_table_lookup(c->fonts, pf);
    if (u)
        return u;
    hb_font_t *hbf = pango_font_get_hb_font(pf);
    hb_face_t *hb = hbf ? hb_font_get_face(hbf) : hb_face_get_empty();
    PangoFontDescription *d = pango_font_describe_with_absolute_size(pf);
    double size = pango_font_description_get_size(d) / (double)PANGO_SCALE;
    pango_font_description_unset_fields(d, PANGO_FONT_MASK_SIZE);
    char *name = pango_font_description_to_string(d);
    pango_font_description_free(d);
    char *key = g_strdup_printf("%p|%s", (void *)hb, name);
    pg_face *face = g_hash_table_lookup(c->faces, key);
    if (!face) {
        face = g_new0(pg_face, 1);
        face->refs = 1;
        face->name = g_strdup(name);
        face->hb = hb_face_reference(hb);
        face->n_glyphs = hb_face_get_glyph_count(hb);
        if (PANGO_IS_FC_FONT(pf)) {
            face->pattern = pango_fc_font_get_pattern(PANGO_FC_FONT(pf));
            FcPatternReference(face->pattern);
        }
        /* the underline as the PDF has always drawn it: the font's own, else
         * 1/10 em below the baseline, 1/20 em thick */
        hb_font_t *unit = hb_font_create(hb);
        unsigned upem = hb_face_get_upem(hb);
        hb_position_t pos;
        face->ul_pos = hb_ot_metrics_get_position(unit, HB_OT_METRICS_TAG_UNDERLINE_OFFSET, &pos) &&
                               pos != 0 && upem
                           ? pos * 1000.0 / upem
                           : -100.0;
        face->ul_h = hb_ot_metrics_get_position(unit, HB_OT_METRICS_TAG_UNDERLINE_SIZE, &pos) &&
                             pos != 0 && upem
                         ? pos * 1000.0 / upem
                         : 50.0;
        hb_font_destroy(unit);
        g_hash_table_insert(c->faces, g_strdup(key), face);
    }
    g_free(key);
    g_free(name);
    u = g_new(font_use, 1);
    u->face = pg_face_ref(face);
    u->size = size;
    g_hash_table_insert(c->fonts, g_object_ref(pf), u);
    return u;
}

/* ---- lines into glyph runs ----------------------------------------------------------- */

/* Line `line` of a layout whose text is text, as glyph runs from the line's left
 * end (its logical extents' x) on its baseline: every glyph where pango placed
 * it, a glyph the font lacks as its .notdef over the room pango gave it, each
 * cluster's text on its first glyph. */
static pg_text *convert_line(pg_layout_cache *c, const char *text, PangoLayoutLine *line)
{
    pg_text *t = pg_text_new();
    t->text_len = (size_t)line->length;
    t->text = g_malloc(t->text_len + 1);
    memcpy(t->text, text + line->start_index, t->text_len);
    t->text[t->text_len] = '\0';
    size_t cap = 0, n_runs = 0;
    for (GSList *r = line->runs; r; r = r->next) {
        cap += (size_t)((PangoGlyphItem *)r->data)->glyphs->num_glyphs;
        n_runs++;
    }
    t->glyphs = pg_xmalloc((cap ? cap : 1) * sizeof *t->glyphs);
    t->runs = pg_xcalloc(n_runs ? n_runs : 1, sizeof *t->runs);
    double x = 0;
    for (GSList *r = line->runs; r; r = r->next) {
        PangoGlyphItem *gi = r->data;
        PangoItem *item = gi->item;
        PangoGlyphString *gs = gi->glyphs;
        const font_use *u = use_font(c, item->analysis.font);
        double y = -gi->y_offset / (double)PANGO_SCALE;
        double run_x = x + gi->start_x_offset / (double)PANGO_SCALE;
        int underline = 0;
        for (GSList *a = item->analysis.extra_attrs; a; a = a->next) {
            PangoAttribute *attr = a->data;
            if (attr->klass->type == PANGO_ATTR_UNDERLINE &&
                ((PangoAttrInt *)attr)->value != PANGO_UNDERLINE_NONE)
                underline = 1;
        }
        pg_glyph_run *run = &t->runs[t->n_runs++];
        run->face = pg_face_ref(u->face);
        run->size = u->size;
        run->x = run_x;
        run->y = y;
        run->text = (unsigned)(item->offset - line->start_index);
        run->text_len = (unsigned)item->length;
        run->first = t->n_glyphs;
        int xpos = 0;
        for (int i = 0; i < gs->num_glyphs; i++) {
            PangoGlyphInfo *g = &gs->glyphs[i];
            double gx = run_x + (xpos + g->geometry.x_offset) / (double)PANGO_SCALE;
            double gy = y + g->geometry.y_offset / (double)PANGO_SCALE;
            xpos += g->geometry.width;
            if (g->glyph == PANGO_GLYPH_EMPTY)
                continue;
            int start = gs->log_clusters[i], end = item->length;
            int first = i == 0 || gs->log_clusters[i - 1] != start;
            for (int k = i + 1; k < gs->num_glyphs; k++)
                if (gs->log_clusters[k] != start) {
                    end = gs->log_clusters[k];
                    break;
                }
            int missing = g->glyph & PANGO_GLYPH_UNKNOWN_FLAG || g->glyph >= u->face->n_glyphs;
            pg_glyph *o = &t->glyphs[t->n_glyphs++];
            o->id = missing ? 0 : g->glyph;
            o->notdef = (unsigned)missing;
            o->x = gx;
            o->y = gy;
            o->advance = g->geometry.width / (double)PANGO_SCALE;
            o->text = (unsigned)(item->offset + start - line->start_index);
            o->text_len = first && end > start ? (unsigned)(end - start) : 0;
        }
        run->n = t->n_glyphs - run->first;
        double run_w = xpos / (double)PANGO_SCALE;
        run->width = run_w;
        if (underline) {
            t->underlines =
                pg_xrealloc(t->underlines, (t->n_underlines + 1) * sizeof *t->underlines);
            t->underlines[t->n_underlines++] =
                (pg_box){run_x, y - u->face->ul_pos * u->size / 1000.0, run_w,
                         u->face->ul_h * u->size / 1000.0};
        }
        x = run_x + run_w + gi->end_x_offset / (double)PANGO_SCALE;
    }
    return t;
}

static void free_lines(line_set *s)
{
    for (int i = 0; i < s->n; i++)
        pg_text_unref(s->line[i]);
    g_free(s->line);
    g_free(s);
}

static line_set *convert_layout(pg_layout_cache *c, PangoLayout *ly)
{
    line_set *s = g_new0(line_set, 1);
    s->n = pango_layout_get_line_count(ly);
    s->line = g_new0(pg_text *, s->n ? s->n : 1);
    const char *text = pango_layout_get_text(ly);
    int i = 0;
    for (GSList *l = pango_layout_get_lines_readonly(ly); l && i < s->n; l = l->next)
        s->line[i++] = convert_line(c, text, l->data);
    g_object_set_data_full(G_OBJECT(ly), lines_key, s, (GDestroyNotify)free_lines);
    return s;
}

/* ---- what a layout holds ------------------------------------------------------------- */

/* What the allocator adds to a block of pango's, whose address the cache does
 * not see: glibc's header and rounding to 16 bytes, on average. */
#define ALLOC_OVERHEAD 16
/* Pango 1.50's private parts of a line (reference count, cache status, the
 * extents it caches, its height) and of an item (its character offset). */
#define LINE_PRIVATE 48
#define ITEM_PRIVATE 8

static size_t block(size_t n)
{
    return n + ALLOC_OVERHEAD;
}

static size_t attr_bytes(const PangoAttribute *a)
{
    switch ((int)a->klass->type) {
    case PANGO_ATTR_FAMILY:
    case PANGO_ATTR_FONT_FEATURES:
        return block(sizeof(PangoAttrString)) + block(strlen(((PangoAttrString *)a)->value) + 1);
    case PANGO_ATTR_FONT_DESC:
        return block(sizeof(PangoAttrFontDesc)) + block(64);
    case PANGO_ATTR_SHAPE:
        return block(sizeof(PangoAttrShape));
    case PANGO_ATTR_SCALE:
    case PANGO_ATTR_LINE_HEIGHT:
        return block(sizeof(PangoAttrFloat));
    case PANGO_ATTR_FOREGROUND:
    case PANGO_ATTR_BACKGROUND:
    case PANGO_ATTR_UNDERLINE_COLOR:
    case PANGO_ATTR_STRIKETHROUGH_COLOR:
    case PANGO_ATTR_OVERLINE_COLOR:
        return block(sizeof(PangoAttrColor));
    case PANGO_ATTR_SIZE:
    case PANGO_ATTR_ABSOLUTE_SIZE:
        return block(sizeof(PangoAttrSize));
    case PANGO_ATTR_LANGUAGE:
        return block(sizeof(PangoAttrLanguage));
    default:
        return block(sizeof(PangoAttrInt));
    }
}

static size_t attr_list_bytes(GSList *attrs)
{
    size_t n = 0;
    for (GSList *a = attrs; a; a = a->next)
        n += block(sizeof(GSList)) + attr_bytes(a->data);
    return n;
}

static size_t type_size(GType t)
{
    GTypeQuery q;
    g_type_query(t, &q);
    return q.instance_size;
}

static size_t text_bytes(const pg_text *t)
{
    return usable(t) + usable(t->text) + usable(t->glyphs) + usable(t->runs) +
           usable(t->underlines);
}

size_t pg_layout_cache_layout_bytes(PangoLayout *ly)
{
    static size_t layout_size, context_size;
    if (!layout_size) {
        layout_size = type_size(PANGO_TYPE_LAYOUT);
        context_size = type_size(PANGO_TYPE_CONTEXT);
    }
    /* the layout, its text and font, and its context (shared by the layouts of
     * a plan: counted in each, which overstates by a few hundred bytes) */
    size_t n = block(layout_size) + block(strlen(pango_layout_get_text(ly)) + 1) + block(64) +
               block(context_size);
    PangoAttrList *al = pango_layout_get_attributes(ly);
    if (al) {
        GSList *attrs = pango_attr_list_get_attributes(al);
        n += block(2 * sizeof(void *)) + block(4 * sizeof(void *)) +
             block(g_slist_length(attrs) * sizeof(void *)) + attr_list_bytes(attrs);
        g_slist_free_full(attrs, (GDestroyNotify)pango_attribute_destroy);
    }
    int n_attrs = 0;
    pango_layout_get_log_attrs_readonly(ly, &n_attrs);
    n += block((size_t)n_attrs * sizeof(PangoLogAttr));
    for (GSList *l = pango_layout_get_lines_readonly(ly); l; l = l->next) {
        PangoLayoutLine *line = l->data;
        n += block(sizeof(GSList)) + block(sizeof(PangoLayoutLine) + LINE_PRIVATE);
        for (GSList *r = line->runs; r; r = r->next) {
            const PangoGlyphItem *gi = r->data;
            n += block(sizeof(GSList)) + block(sizeof(PangoGlyphItem)) +
                 block(sizeof(PangoItem) + ITEM_PRIVATE) +
                 attr_list_bytes(gi->item->analysis.extra_attrs) + block(sizeof(PangoGlyphString)) +
                 block((size_t)gi->glyphs->space * sizeof(PangoGlyphInfo)) +
                 block((size_t)gi->glyphs->space * sizeof(gint));
        }
    }
    const line_set *s = g_object_get_data(G_OBJECT(ly), lines_key);
    if (s) {
        n += usable(s) + usable(s->line);
        for (int i = 0; i < s->n; i++)
            n += s->line[i] ? text_bytes(s->line[i]) : 0;
    }
    return n;
}

/* ---- the layouts kept ------------------------------------------------------------------ */

static entry *find(const pg_layout_cache *c, guint hash, const char *key)
{
    for (pg_chain_link *l = pg_chains_first(&c->table, hash); l; l = l->next) {
        entry *e = PG_ENTRY_OF(l, entry, chain);
        if (l->hash == hash && strcmp(e->key, key) == 0)
            return e;
    }
    return NULL;
}

static void drop(pg_layout_cache *c, entry *e)
{
    pg_chains_remove(&c->table, &e->chain);
    pg_recency_unlink(&c->recency, &e->recency);
    c->entries--;
    c->bytes -= e->bytes;
    entry_free(e);
}

char *pg_layout_cache_key(const char *font, int width, int align, int indent, int wrap,
                          int underline, const char *attrs, const char *text)
{
    /* the strings before the text carry their length: no two keys run together */
    return g_strdup_printf("%zu:%s|%d|%d|%d|%d|%d|%zu:%s|%s", strlen(font), font, width, align,
                           indent, wrap, underline, attrs ? strlen(attrs) : 0, attrs ? attrs : "",
                           text);
}

int pg_layout_cache_check(const pg_layout_cache *c)
{
    size_t bytes = usable(c->table.buckets), n = 0;
    for (const pg_recency_link *l = c->recency.newest; l; l = l->older) {
        const entry *e = PG_ENTRY_OF(l, const entry, recency);
        if (find(c, e->chain.hash, e->key) != e || e->chain.hash != g_str_hash(e->key))
            return 0;
        if (e->bytes != usable(e) + usable(e->key) + pg_layout_cache_layout_bytes(e->ly))
            return 0;
        bytes += e->bytes;
        n++;
    }
    return n == c->entries && bytes == c->bytes;
}

PangoLayout *pg_layout_cache_lookup(pg_layout_cache *c, const char *key)
{
    entry *e = find(c, g_str_hash(key), key);
    if (!e) {
        c->misses++;
        return NULL;
    }
    c->hits++;
    pg_recency_unlink(&c->recency, &e->recency);
    pg_recency_push(&c->recency, &e->recency);
    return g_object_ref(e->ly);
}

void pg_layout_cache_store(pg_layout_cache *c, const char *key, PangoLayout *ly)
{
    if (!g_object_get_data(G_OBJECT(ly), lines_key))
        convert_layout(c, ly);
    guint hash = g_str_hash(key);
    entry *old = find(c, hash, key);
    if (old)
        drop(c, old);
    entry *e = g_new0(entry, 1);
    e->chain.hash = hash;
    e->key = g_strdup(key);
    e->ly = g_object_ref(ly);
    e->bytes = usable(e) + usable(e->key) + pg_layout_cache_layout_bytes(ly);
    if (e->bytes > c->budget / 4) {
        entry_free(e); /* no paragraph takes a large share of the cache */
        return;
    }
    pg_chains_add(&c->table, &e->chain);
    pg_recency_push(&c->recency, &e->recency);
    c->entries++;
    c->bytes += e->bytes;
    if (c->entries > c->table.n_buckets) { /* doubled once it holds more entries than buckets */
        c->bytes -= usable(c->table.buckets);
        pg_chains_grow(&c->table);
        c->bytes += usable(c->table.buckets);
    }
    while (c->bytes > c->budget && c->recency.oldest != &e->recency) {
        c->evictions++;
        drop(c, PG_ENTRY_OF(c->recency.oldest, entry, recency));
    }
}

pg_text *pg_layout_cache_line(pg_layout_cache *c, PangoLayout *ly, int i)
{
    line_set *s = g_object_get_data(G_OBJECT(ly), lines_key);
    if (!s)
        s = convert_layout(c, ly);
    return i >= 0 && i < s->n && s->line[i] ? pg_text_ref(s->line[i]) : NULL;
}
