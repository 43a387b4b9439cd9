/* pdf_font.c - font programs for the PDF writer (see pdf_font.h).
 *
 * Glyph ids are kept, so the glyph ids pango shaped are the PDF's character
 * codes and CIDs with no map in between; the layout tables (GSUB, GPOS, kern...)
 * are dropped because the text is already shaped.
 *
 * A TrueType font of the usual tables is subset here (glyf_subset): the glyphs
 * not used are emptied, every other table is copied as it is, the glyph names
 * go. That is all hb-subset does to such a font with glyph ids kept, at a tenth
 * of its cost (hb-subset prepares every table whether it changes it or not: 6 %
 * of a batch's time). Anything else (CFF, variable fonts, colour or bitmap
 * tables) goes to harfbuzz's subsetter. Tables are read through harfbuzz (which
 * finds them in the file or collection); every offset read here is checked
 * against the table it is in. The CFF header and first Top DICT operator are
 * read the same way. */
#include "pdf_font.h"

#include "arena.h"
#include "i18n.h"

#include <hb-subset.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* The offset of a CFF INDEX's end (from the table's start), or 0 when it does
 * not fit in len bytes. *first receives the offset of its first object's data. */
static size_t cff_index_end(const unsigned char *d, size_t len, size_t at, size_t *first)
{
    if (at + 2 > len)
        return 0;
    unsigned count = get16(d + at);
    if (count == 0) {
        *first = at + 2;
        return at + 2;
    }
    if (at + 3 > len)
        return 0;
    unsigned osz = d[at + 2];
    if (osz < 1 || osz > 4)
        return 0;
    size_t offs = at + 3, data = offs + (size_t)(count + 1) * osz;
    if (data > len)
        return 0;
    uint32_t o0 = 0, last = 0;
    for (unsigned i = 0; i < osz; i++) {
        o0 = o0 << 8 | d[offs + i];
        last = last << 8 | d[offs + (size_t)count * osz + i];
    }
    if (o0 < 1 || last < o0 || data - 1 + last > len)
        return 0;
    *first = data - 1 + o0;
    return data - 1 + last;
}

/* 1 when the CFF table is CID-keyed (its Top DICT starts with ROS, 12 30), 0
 * when name-keyed, -1 when it is damaged. */
static int cff_is_cid_keyed(const unsigned char *d, size_t len)
{
    if (len < 4 || d[0] != 1)
        return -1;
    size_t first, names = cff_index_end(d, len, d[2], &first);
    if (!names)
        return -1;
    size_t end = cff_index_end(d, len, names, &first);
    if (!end || first >= end)
        return -1;
    /* skip the operands of the first operator */
    for (size_t p = first; p < end;) {
        unsigned b = d[p];
        if (b == 12)
            return p + 1 < end && d[p + 1] == 30;
        if (b <= 21)
            return 0;
        if (b == 28)
            p += 3;
        else if (b == 29)
            p += 5;
        else if (b == 30) { /* a real: nibbles up to an 0xF */
            for (p++; p < end && (d[p] & 0x0F) != 0x0F && (d[p] & 0xF0) != 0xF0; p++)
                ;
            p++;
        } else if (b >= 247 && b <= 254)
            p += 2;
        else
            p += 1;
    }
    return -1;
}

static unsigned table_length(hb_face_t *face, hb_tag_t tag)
{
    hb_blob_t *b = hb_face_reference_table(face, tag);
    unsigned len = hb_blob_get_length(b);
    hb_blob_destroy(b);
    return len;
}

pg_outlines pg_font_outlines(hb_face_t *face, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    if (hb_face_get_glyph_count(face) == 0 || hb_face_get_upem(face) == 0) {
        *why = N_("it holds no glyphs");
        return PG_OUTLINES_NONE;
    }
    if (hb_face_get_glyph_count(face) > 65535) {
        *why = N_("it holds more glyphs than a PDF font may");
        return PG_OUTLINES_NONE;
    }
    if (table_length(face, HB_TAG('g', 'l', 'y', 'f')) &&
        table_length(face, HB_TAG('l', 'o', 'c', 'a')))
        return PG_OUTLINES_TRUETYPE;
    hb_blob_t *cff = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(cff, &len);
    int cid = len ? cff_is_cid_keyed(d, len) : -1;
    hb_blob_destroy(cff);
    if (len && cid == 0)
        return PG_OUTLINES_CFF;
    if (len && cid == 1)
        *why = N_("its CFF outlines are CID-keyed, which plangen does not embed");
    else if (len)
        *why = N_("its CFF table is damaged");
    else if (table_length(face, HB_TAG('C', 'F', 'F', '2')))
        *why = N_("it is a variable CFF2 font, which plangen does not embed");
    else
        *why = N_("it has neither TrueType nor CFF outlines");
    return PG_OUTLINES_NONE;
}

/* Tables a PDF font program does without: the layout tables (the text is
 * shaped), signatures and device metrics that no longer match the subset. */
static const hb_tag_t dropped[] = {
    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
    HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
    HB_TAG('k', 'e', 'r', 'n'), HB_TAG('m', 'o', 'r', 'x'), HB_TAG('m', 'o', 'r', 't'),
    HB_TAG('D', 'S', 'I', 'G'), HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'),
    HB_TAG('V', 'D', 'M', 'X'),
};

static int tag_in(hb_tag_t tag, const hb_tag_t *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == tag)
            return 1;
    return 0;
}

/* Glyph g's bit in a glyph bitmap. */
static int has_glyph(const unsigned char *set, unsigned g)
{
    return set[g / 8] >> (g % 8) & 1;
}

static void add_glyph(unsigned char *set, unsigned g)
{
    set[g / 8] |= (unsigned char)(1u << (g % 8));
}

/* ---- TrueType subsets made here ------------------------------------------------------ */

/* Tables glyf_subset copies as they are: none of them depends on which glyphs
 * are in the font once every glyph id is kept (the character map may name an
 * emptied glyph, as hb-subset's does not: a CIDFontType2 shows glyph ids and
 * never consults it). */
static const hb_tag_t copied[] = {
    HB_TAG('O', 'S', '/', '2'), HB_TAG('c', 'm', 'a', 'p'), HB_TAG('c', 'v', 't', ' '),
    HB_TAG('f', 'p', 'g', 'm'), HB_TAG('g', 'a', 's', 'p'), HB_TAG('h', 'h', 'e', 'a'),
    HB_TAG('m', 'a', 'x', 'p'), HB_TAG('p', 'r', 'e', 'p'),
};

/* Tables glyf_subset leaves out besides the dropped ones: a tool's time stamp,
 * printer metrics. */
static const hb_tag_t left_out[] = {
    HB_TAG('F', 'F', 'T', 'M'),
    HB_TAG('P', 'C', 'L', 'T'),
};

enum { MAX_TABLES = 32 };

typedef struct {
    hb_tag_t tag;
    hb_blob_t *blob;         /* the font's table (copied), or NULL */
    unsigned char *made;     /* or the bytes made here (owned) */
    size_t len;
} out_table;

static const unsigned char *table_data(const out_table *t)
{
    return t->made ? t->made : (const unsigned char *)hb_blob_get_data(t->blob, NULL);
}

/* The sum of a table's big-endian 32-bit words, the last padded with zeros. */
static uint32_t table_sum(const unsigned char *d, size_t len)
{
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += get32(d + i);
    if (i < len) {
        unsigned char last[4] = {0};
        memcpy(last, d + i, len - i);
        sum += get32(last);
    }
    return sum;
}

static int cmp_tables(const void *a, const void *b)
{
    hb_tag_t x = ((const out_table *)a)->tag, y = ((const out_table *)b)->tag;
    return x < y ? -1 : x > y;
}

static void free_free(void *p)
{
    free(p);
}

/* Glyph gid's bytes in glyf through loca: 0 when loca or glyf does not hold it
 * (an offset backwards or past the table). */
static int glyph_range(const unsigned char *loca, int long_loca, size_t glyf_len, unsigned gid,
                       size_t *from, size_t *to)
{
    size_t a = long_loca ? get32(loca + 4 * (size_t)gid) : 2 * (size_t)get16(loca + 2 * (size_t)gid);
    size_t b = long_loca ? get32(loca + 4 * (size_t)gid + 4)
                         : 2 * (size_t)get16(loca + 2 * (size_t)gid + 2);
    if (a > b || b > glyf_len)
        return 0;
    *from = a;
    *to = b;
    return 1;
}

/* Adds to used the components of the composite glyphs in it, and theirs
 * (each glyph is looked at once: no loop, whatever the font says). Returns 0
 * when a glyph's range is damaged. */
static int close_composites(unsigned char *used, unsigned n_glyphs, const unsigned char *loca,
                            int long_loca, const unsigned char *glyf, size_t glyf_len)
{
    unsigned *todo = pg_xmalloc(sizeof *todo * (n_glyphs ? n_glyphs : 1));
    unsigned n_todo = 0;
    for (unsigned g = 0; g < n_glyphs; g++)
        if (has_glyph(used, g))
            todo[n_todo++] = g;
    int ok = 1;
    while (ok && n_todo) {
        unsigned g = todo[--n_todo];
        size_t from, to;
        if (!glyph_range(loca, long_loca, glyf_len, g, &from, &to)) {
            ok = 0;
            break;
        }
        const unsigned char *d = glyf + from;
        size_t len = to - from;
        if (len < 10 || (int16_t)get16(d) >= 0)
            continue; /* empty, or simple: no components */
        size_t p = 10;
        for (;;) {
            if (p + 4 > len)
                break; /* cut short: what is there is kept, as a viewer would read it */
            unsigned flags = get16(d + p), part = get16(d + p + 2);
            p += 4 + (flags & 0x0001 ? 4 : 2); /* ARG_1_AND_2_ARE_WORDS */
            if (flags & 0x0008)                 /* WE_HAVE_A_SCALE */
                p += 2;
            else if (flags & 0x0040) /* WE_HAVE_AN_X_AND_Y_SCALE */
                p += 4;
            else if (flags & 0x0080) /* WE_HAVE_A_TWO_BY_TWO */
                p += 8;
            if (part < n_glyphs && !has_glyph(used, part)) {
                add_glyph(used, part);
                todo[n_todo++] = part; /* at most once per glyph: never past n_glyphs */
            }
            if (!(flags & 0x0020)) /* MORE_COMPONENTS */
                break;
        }
    }
    free(todo);
    return ok;
}

/* hmtx with the metrics of the glyphs not used set to 0, as hb-subset leaves
 * them (their ten kilobytes then deflate to a few hundred bytes); the last
 * full metric is kept whole, as its advance is that of every glyph after it.
 * NULL when the table is shorter than hhea says. */
static unsigned char *hmtx_subset(const unsigned char *hmtx, size_t len, unsigned n_metrics,
                                  const unsigned char *used, unsigned n_glyphs)
{
    if (n_metrics == 0 || n_metrics > n_glyphs ||
        len < 4 * (size_t)n_metrics + 2 * (size_t)(n_glyphs - n_metrics))
        return NULL;
    unsigned char *d = pg_xmalloc(len ? len : 1);
    memcpy(d, hmtx, len);
    for (unsigned g = 0; g < n_glyphs; g++) {
        if (has_glyph(used, g) || g == n_metrics - 1)
            continue;
        if (g < n_metrics)
            memset(d + 4 * (size_t)g, 0, 4);
        else
            memset(d + 4 * (size_t)n_metrics + 2 * (size_t)(g - n_metrics), 0, 2);
    }
    return d;
}

/* Whether name record r is one name_subset() keeps. */
static int name_kept(const unsigned char *r)
{
    unsigned platform = get16(r), lang = get16(r + 4), id = get16(r + 6);
    return id <= 6 && lang < 0x8000 && (platform == 0 || (platform == 3 && lang == 0x0409));
}

/* The name records hb-subset keeps by default (the copyright, family, style,
 * unique, full and PostScript names, ids 0 to 6, in Unicode and US English;
 * not those whose language is a format 1 table's tag), as a format 0 table;
 * *out_len its length. NULL when a record points outside the table, or when
 * the copies would pass what 16-bit offsets reach (records may share one
 * string). */
static unsigned char *name_subset(const unsigned char *d, size_t len, size_t *out_len)
{
    if (len < 6)
        return NULL;
    unsigned count = get16(d + 2), storage = get16(d + 4);
    if (6 + 12 * (size_t)count > len || storage > len)
        return NULL;
    size_t kept = 0, bytes = 0;
    for (unsigned i = 0; i < count; i++) {
        const unsigned char *r = d + 6 + 12 * (size_t)i;
        size_t slen = get16(r + 8), soff = get16(r + 10);
        if ((size_t)storage + soff + slen > len)
            return NULL;
        if (name_kept(r))
            kept++, bytes += slen;
    }
    size_t at = 6 + 12 * kept;
    /* offsets are 16 bits; records sharing a string each get a copy of it */
    if (at > 0xFFFF || bytes > 0xFFFF)
        return NULL;
    unsigned char *o = pg_xcalloc(at + bytes + 1, 1);
    put16(o, 0);
    put16(o + 2, (unsigned)kept);
    put16(o + 4, (unsigned)at);
    size_t k = 0, s = 0;
    for (unsigned i = 0; i < count; i++) {
        const unsigned char *r = d + 6 + 12 * (size_t)i;
        size_t slen = get16(r + 8), soff = get16(r + 10);
        if (!name_kept(r))
            continue;
        unsigned char *w = o + 6 + 12 * k++;
        memcpy(w, r, 10); /* platform, encoding, language, name id, length */
        put16(w + 10, (unsigned)s);
        memcpy(o + at + s, d + storage + soff, slen);
        s += slen;
    }
    *out_len = at + bytes;
    return o;
}

hb_blob_t *pg_font_subset_glyf(hb_face_t *face, const hb_set_t *glyphs)
{
    hb_tag_t tags[MAX_TABLES + 1];
    unsigned n_tags = MAX_TABLES + 1;
    hb_face_get_table_tags(face, 0, &n_tags, tags);
    if (n_tags == 0 || n_tags > MAX_TABLES)
        return NULL;
    out_table t[MAX_TABLES];
    size_t n = 0;
    hb_blob_t *head = NULL, *maxp = NULL, *loca = NULL, *glyf = NULL, *post = NULL, *hmtx = NULL,
              *name = NULL, *hhea = NULL;
    int known = 1;
    for (unsigned i = 0; i < n_tags && known; i++) {
        hb_tag_t tag = tags[i];
        hb_blob_t **slot = tag == HB_TAG('h', 'e', 'a', 'd')   ? &head
                           : tag == HB_TAG('l', 'o', 'c', 'a') ? &loca
                           : tag == HB_TAG('g', 'l', 'y', 'f') ? &glyf
                           : tag == HB_TAG('p', 'o', 's', 't') ? &post
                           : tag == HB_TAG('h', 'm', 't', 'x') ? &hmtx
                           : tag == HB_TAG('n', 'a', 'm', 'e') ? &name
                                                               : NULL;
        if (slot) {
            if (*slot)
                known = 0; /* twice in the directory */
            else
                *slot = hb_face_reference_table(face, tag);
            continue;
        }
        if (tag_in(tag, dropped, sizeof dropped / sizeof dropped[0]) ||
            tag_in(tag, left_out, sizeof left_out / sizeof left_out[0]))
            continue;
        if (!tag_in(tag, copied, sizeof copied / sizeof copied[0])) {
            known = 0;
            break;
        }
        for (size_t k = 0; k < n; k++)
            if (t[k].tag == tag)
                known = 0;
        hb_blob_t *b = hb_face_reference_table(face, tag);
        t[n++] = (out_table){tag, b, NULL, hb_blob_get_length(b)};
        if (tag == HB_TAG('m', 'a', 'x', 'p'))
            maxp = b;
        if (tag == HB_TAG('h', 'h', 'e', 'a'))
            hhea = b;
    }
    hb_blob_t *result = NULL;
    unsigned char *used = NULL, *new_glyf = NULL, *new_loca = NULL, *new_head = NULL,
                  *new_post = NULL, *new_hmtx = NULL, *new_name = NULL, *file = NULL;
    unsigned hl = 0, ml = 0, ll = 0, gl = 0, pl = 0, xl = 0, nl = 0, hhl = 0;
    const unsigned char *hd = head ? (const unsigned char *)hb_blob_get_data(head, &hl) : NULL;
    const unsigned char *md = maxp ? (const unsigned char *)hb_blob_get_data(maxp, &ml) : NULL;
    const unsigned char *ld = loca ? (const unsigned char *)hb_blob_get_data(loca, &ll) : NULL;
    const unsigned char *gd = glyf ? (const unsigned char *)hb_blob_get_data(glyf, &gl) : NULL;
    const unsigned char *pd = post ? (const unsigned char *)hb_blob_get_data(post, &pl) : NULL;
    const unsigned char *xd = hmtx ? (const unsigned char *)hb_blob_get_data(hmtx, &xl) : NULL;
    const unsigned char *nd = name ? (const unsigned char *)hb_blob_get_data(name, &nl) : NULL;
    const unsigned char *hhd = hhea ? (const unsigned char *)hb_blob_get_data(hhea, &hhl) : NULL;
    if (!known || hl < 54 || get32(hd + 12) != 0x5F0F3CF5u || ml < 6 || !ld || !gd || !xd ||
        hhl < 36)
        goto done;
    int long_loca = (int16_t)get16(hd + 50);
    unsigned n_glyphs = get16(md + 4);
    if ((long_loca != 0 && long_loca != 1) || n_glyphs == 0 ||
        ll < (size_t)(n_glyphs + 1) * (long_loca ? 4 : 2))
        goto done;

    used = pg_xcalloc((n_glyphs + 7) / 8, 1);
    used[0] |= 1; /* .notdef, with its outline */
    hb_codepoint_t g = HB_SET_VALUE_INVALID;
    while (hb_set_next(glyphs, &g))
        if (g < n_glyphs)
            add_glyph(used, g);
    if (!close_composites(used, n_glyphs, ld, long_loca, gd, gl))
        goto done;

    /* glyf: the used glyphs' bytes as they are (their lengths are those loca
     * gave, so a short loca's offsets stay even); loca in the same format */
    size_t glyf_len = 0;
    for (unsigned k = 0; k < n_glyphs; k++) {
        size_t from, to;
        if (!glyph_range(ld, long_loca, gl, k, &from, &to))
            goto done;
        if (has_glyph(used, k))
            glyf_len += to - from;
    }
    size_t loca_len = (size_t)(n_glyphs + 1) * (long_loca ? 4 : 2);
    new_hmtx = hmtx_subset(xd, xl, get16(hhd + 34), used, n_glyphs);
    if (!new_hmtx)
        goto done;
    t[n++] = (out_table){HB_TAG('h', 'm', 't', 'x'), NULL, new_hmtx, xl};
    new_hmtx = NULL;
    if (nd) {
        size_t name_len = 0;
        new_name = name_subset(nd, nl, &name_len);
        if (!new_name)
            goto done;
        t[n++] = (out_table){HB_TAG('n', 'a', 'm', 'e'), NULL, new_name, name_len};
        new_name = NULL;
    }
    /* glyf of one zero byte when every glyph kept is empty (a font used for
     * spaces alone), as hb-subset writes it: readers refuse an empty table */
    if (glyf_len == 0)
        glyf_len = 1;
    new_glyf = pg_xcalloc(glyf_len, 1);
    new_loca = pg_xmalloc(loca_len);
    new_head = pg_xmalloc(hl);
    size_t at = 0;
    for (unsigned k = 0; k <= n_glyphs; k++) {
        if (long_loca)
            put32(new_loca + 4 * (size_t)k, (uint32_t)at);
        else
            put16(new_loca + 2 * (size_t)k, (unsigned)(at / 2));
        size_t from, to;
        if (k < n_glyphs && has_glyph(used, k) &&
            glyph_range(ld, long_loca, gl, k, &from, &to)) {
            memcpy(new_glyf + at, gd + from, to - from);
            at += to - from;
        }
    }
    memcpy(new_head, hd, hl);
    put32(new_head + 8, 0); /* checkSumAdjustment: set once the file is made */
    t[n++] = (out_table){HB_TAG('g', 'l', 'y', 'f'), NULL, new_glyf, glyf_len};
    t[n++] = (out_table){HB_TAG('l', 'o', 'c', 'a'), NULL, new_loca, loca_len};
    t[n++] = (out_table){HB_TAG('h', 'e', 'a', 'd'), NULL, new_head, hl};
    new_glyf = new_loca = new_head = NULL;
    if (pl >= 32) {
        /* version 3: no glyph names (26 kB of Liberation Serif's 390), the rest kept */
        new_post = pg_xcalloc(32, 1);
        memcpy(new_post, pd, 16);
        put32(new_post, 0x00030000u);
        t[n++] = (out_table){HB_TAG('p', 'o', 's', 't'), NULL, new_post, 32};
        new_post = NULL;
    }
    qsort(t, n, sizeof t[0], cmp_tables);

    /* the file: offset table, directory, tables padded to 4 bytes */
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= n) {
        pow2 *= 2;
        log2++;
    }
    size_t total = 12 + 16 * n;
    for (size_t k = 0; k < n; k++)
        total += (t[k].len + 3) & ~(size_t)3;
    if (total > UINT32_MAX)
        goto done;
    file = pg_xcalloc(total, 1);
    put32(file, 0x00010000u);
    put16(file + 4, (unsigned)n);
    put16(file + 6, pow2 * 16);
    put16(file + 8, log2);
    put16(file + 10, (unsigned)(n * 16 - pow2 * 16));
    size_t off = 12 + 16 * n, head_at = 0;
    for (size_t k = 0; k < n; k++) {
        const unsigned char *d = table_data(&t[k]);
        unsigned char *e = file + 12 + 16 * k;
        put32(e, t[k].tag);
        put32(e + 4, table_sum(d, t[k].len));
        put32(e + 8, (uint32_t)off);
        put32(e + 12, (uint32_t)t[k].len);
        if (t[k].len)
            memcpy(file + off, d, t[k].len);
        if (t[k].tag == HB_TAG('h', 'e', 'a', 'd'))
            head_at = off;
        off += (t[k].len + 3) & ~(size_t)3;
    }
    put32(file + head_at + 8, 0xB1B0AFBAu - table_sum(file, total));
    result = hb_blob_create((const char *)file, (unsigned)total, HB_MEMORY_MODE_WRITABLE, file,
                            free_free);
    file = NULL;

done:
    for (size_t k = 0; k < n; k++) {
        hb_blob_destroy(t[k].blob);
        free(t[k].made);
    }
    hb_blob_destroy(head);
    hb_blob_destroy(loca);
    hb_blob_destroy(glyf);
    hb_blob_destroy(post);
    hb_blob_destroy(hmtx);
    hb_blob_destroy(name);
    free(used);
    free(new_hmtx);
    free(new_name);
    free(new_glyf);
    free(new_loca);
    free(new_head);
    free(new_post);
    free(file);
    return result;
}

/* hb-subset's subset of face (NULL when it fails). */
static hb_face_t *harfbuzz_subset(hb_face_t *face, const hb_set_t *glyphs)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return NULL;
    hb_set_union(hb_subset_input_glyph_set(in), glyphs);
    hb_set_add(hb_subset_input_glyph_set(in), 0);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    hb_set_t *drop_set = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
        hb_set_add(drop_set, dropped[i]);
    hb_face_t *sub = hb_subset_or_fail(face, in);
    hb_subset_input_destroy(in);
    return sub;
}

/* sub's bytes when it is a font of face's kind in which every id of glyphs is
 * kept (it ends with the last one or after it), else NULL; sub is destroyed. */
static hb_blob_t *checked(hb_face_t *sub, hb_face_t *face, pg_outlines kind,
                          const hb_set_t *glyphs)
{
    if (!sub)
        return NULL;
    hb_codepoint_t last = hb_set_get_max(glyphs);
    unsigned want = last == HB_SET_VALUE_INVALID ? 1 : last + 1;
    hb_blob_t *blob = NULL;
    if (hb_face_get_glyph_count(sub) >= want &&
        hb_face_get_glyph_count(sub) <= hb_face_get_glyph_count(face) &&
        pg_font_outlines(sub, NULL) == kind)
        blob = hb_face_reference_blob(sub);
    hb_face_destroy(sub);
    if (blob && hb_blob_get_length(blob) == 0) {
        hb_blob_destroy(blob);
        blob = NULL;
    }
    return blob;
}

hb_blob_t *pg_font_subset(hb_face_t *face, const hb_set_t *glyphs)
{
    pg_outlines kind = pg_font_outlines(face, NULL);
    if (kind == PG_OUTLINES_NONE)
        return NULL;
    hb_blob_t *mine = kind == PG_OUTLINES_TRUETYPE ? pg_font_subset_glyf(face, glyphs) : NULL;
    hb_blob_t *blob = NULL;
    if (mine) {
        blob = checked(hb_face_create(mine, 0), face, kind, glyphs);
        hb_blob_destroy(mine);
    }
    /* anything else, or an own subset that fails the check: harfbuzz's */
    return blob ? blob : checked(harfbuzz_subset(face, glyphs), face, kind, glyphs);
}

int pg_font_bbox(hb_face_t *face, int bbox[4])
{
    hb_blob_t *b = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned len = 0;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(b, &len);
    int ok = len >= 44;
    for (int i = 0; ok && i < 4; i++)
        bbox[i] = (int16_t)get16(d + 36 + 2 * i);
    hb_blob_destroy(b);
    return ok;
}
