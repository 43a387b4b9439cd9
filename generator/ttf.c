/* ttf.c - TrueType subsets for the PDF writer (see ttf.h).
 *
 * The subset keeps every glyph id (so the PDF needs no glyph map): the used
 * glyphs and the components of the composite ones keep their outlines, every
 * other glyph is empty. The tables a PDF reader uses to draw a TrueType font are
 * copied as they are (hhea, maxp, hmtx and the hinting programs cvt, fpgm and
 * prep), loca and glyf are rebuilt, post is cut to its header, and the rest
 * (cmap, name, layout tables, kerning) is left out: glyphs are addressed by
 * id, already shaped, and the PDF names the font itself. All offsets and lengths are checked
 * against the tables' own sizes, so a damaged font gives NULL, never a read out of bounds. */
#include "ttf.h"

#include "arena.h"

#include <string.h>

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static guint32 get32(const unsigned char *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, guint32 v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

int pg_ttf_bbox(hb_face_t *face, int bbox[4])
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

double pg_ttf_italic_angle(hb_face_t *face)
{
    hb_blob_t *b = hb_face_reference_table(face, HB_TAG('p', 'o', 's', 't'));
    unsigned len = 0;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(b, &len);
    double angle = len >= 8 ? (int16_t)get16(d + 4) + d[6] / 256.0 + d[7] / 65536.0 : 0;
    hb_blob_destroy(b);
    return angle;
}

/* The sum of a table as 32-bit big-endian words, zero-padded. */
static guint32 checksum(const unsigned char *p, size_t len)
{
    guint32 sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += get32(p + i);
    if (i < len) {
        unsigned char last[4] = {0};
        memcpy(last, p + i, len - i);
        sum += get32(last);
    }
    return sum;
}

typedef struct {
    guint32 tag;
    unsigned char *data; /* owned */
    size_t len;
} table;

static int add_copy(table *t, int *n, hb_face_t *face, guint32 tag, int required)
{
    hb_blob_t *b = hb_face_reference_table(face, tag);
    unsigned len = 0;
    const char *d = hb_blob_get_data(b, &len);
    if (len) {
        t[*n].tag = tag;
        t[*n].data = g_memdup2(d, len);
        t[*n].len = len;
        (*n)++;
    }
    hb_blob_destroy(b);
    return len > 0 || !required;
}

/* The byte range of glyph g in glyf, from loca; 0 when out of bounds. */
static int glyph_range(const unsigned char *loca, size_t loca_len, int long_loca, size_t glyf_len,
                       unsigned g, size_t *start, size_t *end)
{
    size_t need = long_loca ? ((size_t)g + 2) * 4 : ((size_t)g + 2) * 2;
    if (need > loca_len)
        return 0;
    if (long_loca) {
        *start = get32(loca + (size_t)g * 4);
        *end = get32(loca + ((size_t)g + 1) * 4);
    } else {
        *start = (size_t)get16(loca + (size_t)g * 2) * 2;
        *end = (size_t)get16(loca + ((size_t)g + 1) * 2) * 2;
    }
    return *start <= *end && *end <= glyf_len;
}

unsigned char *pg_ttf_subset(hb_face_t *face, const unsigned char *used, unsigned n_glyphs,
                             size_t *out_len)
{
    hb_blob_t *fvar = hb_face_reference_table(face, HB_TAG('f', 'v', 'a', 'r'));
    unsigned variable = hb_blob_get_length(fvar);
    hb_blob_destroy(fvar);
    if (variable)
        return NULL; /* instancing a variable font is not done here */
    hb_blob_t *head_b = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
    hb_blob_t *loca_b = hb_face_reference_table(face, HB_TAG('l', 'o', 'c', 'a'));
    hb_blob_t *glyf_b = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    unsigned head_len, loca_len, glyf_len;
    const unsigned char *head = (const unsigned char *)hb_blob_get_data(head_b, &head_len);
    const unsigned char *loca = (const unsigned char *)hb_blob_get_data(loca_b, &loca_len);
    const unsigned char *glyf = (const unsigned char *)hb_blob_get_data(glyf_b, &glyf_len);
    unsigned char *keep = NULL, *out = NULL;
    table t[12];
    int nt = 0;
    if (head_len < 54 || !loca_len || !glyf_len || !n_glyphs)
        goto done;
    int long_loca = (int16_t)get16(head + 50) == 1;

    /* the glyphs to keep: the used ones and, all the way down, their components */
    keep = g_memdup2(used, (n_glyphs + 7) / 8);
    unsigned *work = g_new(unsigned, n_glyphs);
    size_t nw = 0;
    for (unsigned g = 0; g < n_glyphs; g++)
        if (keep[g / 8] >> (g % 8) & 1)
            work[nw++] = g;
    int damaged = 0;
    while (nw && !damaged) {
        unsigned g = work[--nw];
        size_t s, e;
        if (!glyph_range(loca, loca_len, long_loca, glyf_len, g, &s, &e)) {
            damaged = 1;
            break;
        }
        if (e - s < 10 || (int16_t)get16(glyf + s) >= 0)
            continue; /* empty or simple */
        size_t p = s + 10;
        for (;;) {
            if (p + 4 > e) {
                damaged = 1;
                break;
            }
            unsigned flags = get16(glyf + p), comp = get16(glyf + p + 2);
            if (comp >= n_glyphs) {
                damaged = 1;
                break;
            }
            if (!(keep[comp / 8] >> (comp % 8) & 1)) {
                keep[comp / 8] |= (unsigned char)(1u << (comp % 8));
                work[nw++] = comp;
            }
            p += 4 + (flags & 0x0001 ? 4 : 2); /* the arguments: words or bytes */
            p += flags & 0x0008   ? 2          /* one scale */
                 : flags & 0x0040 ? 4          /* x and y scales */
                 : flags & 0x0080 ? 8
                                  : 0; /* a 2 by 2 matrix */
            if (!(flags & 0x0020))     /* no more components */
                break;
        }
    }
    g_free(work);
    if (damaged)
        goto done;

    /* glyf and a long loca with the kept glyphs only */
    size_t new_glyf_len = 0;
    for (unsigned g = 0; g < n_glyphs; g++) {
        size_t s, e;
        if (keep[g / 8] >> (g % 8) & 1 &&
            glyph_range(loca, loca_len, long_loca, glyf_len, g, &s, &e))
            new_glyf_len += (e - s + 3) & ~(size_t)3;
    }
    unsigned char *nglyf = g_malloc0(new_glyf_len ? new_glyf_len : 4);
    /* the short form (offsets halved in 16 bits) whenever glyf is small enough:
     * the glyphs are 4-byte aligned, so every offset is even */
    int short_loca = new_glyf_len / 2 <= 0xFFFF;
    size_t loca_out = ((size_t)n_glyphs + 1) * (short_loca ? 2 : 4);
    unsigned char *nloca = g_malloc(loca_out);
    size_t at = 0;
    for (unsigned g = 0; g <= n_glyphs; g++) {
        if (short_loca)
            put16(nloca + (size_t)g * 2, (unsigned)(at / 2));
        else
            put32(nloca + (size_t)g * 4, (guint32)at);
        size_t s, e;
        if (g < n_glyphs && keep[g / 8] >> (g % 8) & 1 &&
            glyph_range(loca, loca_len, long_loca, glyf_len, g, &s, &e)) {
            memcpy(nglyf + at, glyf + s, e - s);
            at += (e - s + 3) & ~(size_t)3;
        }
    }

    t[nt++] = (table){HB_TAG('g', 'l', 'y', 'f'), nglyf, new_glyf_len ? new_glyf_len : 4};
    t[nt++] = (table){HB_TAG('l', 'o', 'c', 'a'), nloca, loca_out};
    unsigned char *nhead = g_memdup2(head, head_len);
    put32(nhead + 8, 0);                   /* checkSumAdjustment, set below */
    put16(nhead + 50, short_loca ? 0 : 1); /* indexToLocFormat */
    t[nt++] = (table){HB_TAG('h', 'e', 'a', 'd'), nhead, head_len};
    int ok = add_copy(t, &nt, face, HB_TAG('h', 'h', 'e', 'a'), 1) &&
             add_copy(t, &nt, face, HB_TAG('m', 'a', 'x', 'p'), 1) &&
             add_copy(t, &nt, face, HB_TAG('h', 'm', 't', 'x'), 1);
    if (ok) { /* the metrics of the glyphs left out are zeros: they compress away */
        const table *hhea = &t[nt - 3];
        table *hmtx = &t[nt - 1];
        unsigned long_metrics = hhea->len >= 36 ? get16(hhea->data + 34) : 0;
        for (unsigned g = 0; g < n_glyphs; g++) {
            if (keep[g / 8] >> (g % 8) & 1)
                continue;
            size_t at_m = g < long_metrics
                              ? (size_t)g * 4
                              : (size_t)long_metrics * 4 + (size_t)(g - long_metrics) * 2;
            size_t n = g < long_metrics ? 4 : 2;
            if (at_m + n <= hmtx->len)
                memset(hmtx->data + at_m, 0, n);
        }
    }
    ok = ok && add_copy(t, &nt, face, HB_TAG('c', 'v', 't', ' '), 0) &&
         add_copy(t, &nt, face, HB_TAG('f', 'p', 'g', 'm'), 0) &&
         add_copy(t, &nt, face, HB_TAG('p', 'r', 'e', 'p'), 0);
    hb_blob_t *post_b = hb_face_reference_table(face, HB_TAG('p', 'o', 's', 't'));
    unsigned post_len;
    const char *post = hb_blob_get_data(post_b, &post_len);
    if (post_len >= 32) { /* version 3: the header, without glyph names */
        unsigned char *np = g_memdup2(post, 32);
        put32(np, 0x00030000);
        t[nt++] = (table){HB_TAG('p', 'o', 's', 't'), np, 32};
    }
    hb_blob_destroy(post_b);
    if (!ok)
        goto done;

    /* the file: offset table, records sorted by tag, tables 4-byte aligned */
    for (int i = 1; i < nt; i++)
        for (int k = i; k > 0 && t[k].tag < t[k - 1].tag; k--) {
            table tmp = t[k];
            t[k] = t[k - 1];
            t[k - 1] = tmp;
        }
    size_t len = 12 + 16 * (size_t)nt;
    for (int i = 0; i < nt; i++)
        len += (t[i].len + 3) & ~(size_t)3;
    out = g_malloc0(len);
    int pow2 = 1, log2 = 0;
    while (pow2 * 2 <= nt) {
        pow2 *= 2;
        log2++;
    }
    put32(out, 0x00010000);
    put16(out + 4, (unsigned)nt);
    put16(out + 6, (unsigned)pow2 * 16);
    put16(out + 8, (unsigned)log2);
    put16(out + 10, (unsigned)(nt - pow2) * 16);
    size_t off = 12 + 16 * (size_t)nt, head_off = 0;
    for (int i = 0; i < nt; i++) {
        unsigned char *rec = out + 12 + 16 * (size_t)i;
        put32(rec, t[i].tag);
        put32(rec + 4, checksum(t[i].data, t[i].len));
        put32(rec + 8, (guint32)off);
        put32(rec + 12, (guint32)t[i].len);
        memcpy(out + off, t[i].data, t[i].len);
        if (t[i].tag == HB_TAG('h', 'e', 'a', 'd'))
            head_off = off;
        off += (t[i].len + 3) & ~(size_t)3;
    }
    put32(out + head_off + 8, 0xB1B0AFBAu - checksum(out, len));
    *out_len = len;

done:
    for (int i = 0; i < nt; i++)
        g_free(t[i].data);
    g_free(keep);
    hb_blob_destroy(head_b);
    hb_blob_destroy(loca_b);
    hb_blob_destroy(glyf_b);
    return out;
}
