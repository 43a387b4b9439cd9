/* Unit tests of the font programs the PDF writer embeds (pdf_font.h): the
 * TrueType subset plangen makes itself must hold exactly the outlines and
 * advances of the glyphs used and of their components, read back by FreeType
 * (what poppler and PDFium draw with), be a well-formed font file, and leave
 * every font it does not know to harfbuzz's subsetter. */
#include "pdf_font.h"

#include <criterion/criterion.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
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

/* The file fontconfig gives for a family and style. */
static char *font_file(const char *name)
{
    FcPattern *p = FcNameParse((const FcChar8 *)name);
    FcConfigSubstitute(NULL, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcResult r;
    FcPattern *m = FcFontMatch(NULL, p, &r);
    FcChar8 *file = NULL;
    cr_assert(m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch);
    char *copy = strdup((const char *)file);
    FcPatternDestroy(m);
    FcPatternDestroy(p);
    cr_assert(strstr(copy, "LiberationSerif"), "fontconfig gave %s", copy);
    return copy;
}

/* The glyphs harfbuzz shapes text to in face. */
static hb_set_t *glyphs_of(hb_face_t *face, const char *text)
{
    hb_font_t *font = hb_font_create(face);
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, text, -1, 0, -1);
    hb_buffer_guess_segment_properties(buf);
    hb_shape(font, buf, NULL, 0);
    unsigned n;
    const hb_glyph_info_t *gi = hb_buffer_get_glyph_infos(buf, &n);
    hb_set_t *set = hb_set_create();
    for (unsigned i = 0; i < n; i++)
        hb_set_add(set, gi[i].codepoint);
    hb_buffer_destroy(buf);
    hb_font_destroy(font);
    return set;
}

/* Whether glyph g of face is composite (its glyf entry's contour count < 0). */
static int is_composite(hb_face_t *face, unsigned g)
{
    hb_blob_t *head = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
    hb_blob_t *loca = hb_face_reference_table(face, HB_TAG('l', 'o', 'c', 'a'));
    hb_blob_t *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    const unsigned char *h = (const unsigned char *)hb_blob_get_data(head, NULL);
    const unsigned char *l = (const unsigned char *)hb_blob_get_data(loca, NULL);
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(glyf, NULL);
    int long_loca = get16(h + 50) == 1;
    size_t a = long_loca ? get32(l + 4 * g) : 2 * (size_t)get16(l + 2 * g);
    size_t b = long_loca ? get32(l + 4 * g + 4) : 2 * (size_t)get16(l + 2 * g + 2);
    int c = b - a >= 10 && (int16_t)get16(d + a) < 0;
    hb_blob_destroy(head);
    hb_blob_destroy(loca);
    hb_blob_destroy(glyf);
    return c;
}

/* Every glyph's outline and advance in the subset against the font's: the
 * same for the glyphs in keep, empty for the others; returns how many glyphs
 * the subset draws. */
static unsigned compare_outlines(const char *file, hb_blob_t *sub, const hb_set_t *keep)
{
    FT_Library lib;
    cr_assert_eq(FT_Init_FreeType(&lib), 0);
    FT_Face of, sf;
    cr_assert_eq(FT_New_Face(lib, file, 0, &of), 0);
    unsigned len;
    const char *data = hb_blob_get_data(sub, &len);
    cr_assert_eq(FT_New_Memory_Face(lib, (const FT_Byte *)data, (FT_Long)len, 0, &sf), 0,
                 "FreeType cannot open the subset");
    cr_assert_eq(sf->num_glyphs, of->num_glyphs, "every glyph id is kept");
    unsigned drawn = 0;
    for (FT_Long g = 0; g < of->num_glyphs; g++) {
        cr_assert_eq(FT_Load_Glyph(of, (FT_UInt)g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING), 0);
        cr_assert_eq(FT_Load_Glyph(sf, (FT_UInt)g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING), 0,
                     "glyph %ld does not load from the subset", (long)g);
        const FT_Outline *a = &of->glyph->outline, *b = &sf->glyph->outline;
        if (!hb_set_has(keep, (hb_codepoint_t)g)) {
            cr_assert_eq(b->n_points, 0, "glyph %ld is not used but has an outline", (long)g);
            continue;
        }
        drawn += b->n_points > 0;
        cr_assert_eq(sf->glyph->metrics.horiAdvance, of->glyph->metrics.horiAdvance,
                     "glyph %ld's advance", (long)g);
        cr_assert_eq(b->n_points, a->n_points, "glyph %ld's points", (long)g);
        cr_assert_eq(b->n_contours, a->n_contours, "glyph %ld's contours", (long)g);
        if (a->n_points == 0)
            continue; /* a space: nothing to compare */
        cr_assert_eq(memcmp(b->points, a->points, sizeof *a->points * (size_t)a->n_points), 0,
                     "glyph %ld's outline differs", (long)g);
        cr_assert_eq(memcmp(b->tags, a->tags, (size_t)a->n_points), 0);
    }
    FT_Done_Face(sf);
    FT_Done_Face(of);
    FT_Done_FreeType(lib);
    return drawn;
}

/* The font file's table directory: each table's checksum, the whole file's
 * sum (0xB1B0AFBA with head's adjustment), and none of the tables dropped. */
static void check_file(hb_blob_t *sub)
{
    unsigned len;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(sub, &len);
    cr_assert_geq(len, 12);
    unsigned n = get16(d + 4);
    cr_assert_leq(12 + 16 * (size_t)n, len);
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= n) {
        pow2 *= 2;
        log2++;
    }
    cr_assert_eq(get16(d + 6), 16 * pow2, "searchRange");
    cr_assert_eq(get16(d + 8), log2, "entrySelector");
    cr_assert_eq(get16(d + 10), 16 * n - 16 * pow2, "rangeShift");
    uint32_t whole = 0;
    for (size_t i = 0; i + 4 <= len; i += 4)
        whole += get32(d + i);
    cr_assert_eq(len % 4, 0);
    cr_assert_eq(whole, 0xB1B0AFBAu, "head's checkSumAdjustment");
    uint32_t prev = 0;
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *e = d + 12 + 16 * i;
        uint32_t tag = get32(e), sum = get32(e + 4), off = get32(e + 8), tl = get32(e + 12);
        cr_assert_gt(tag, prev, "tables sorted by tag");
        prev = tag;
        cr_assert_leq((size_t)off + tl, len);
        if (tag == HB_TAG('h', 'e', 'a', 'd'))
            continue; /* its sum is taken with the adjustment at 0 */
        uint32_t s = 0;
        for (size_t k = 0; k < tl; k += 4) {
            unsigned char w[4] = {0};
            memcpy(w, d + off + k, tl - k < 4 ? tl - k : 4);
            s += get32(w);
        }
        cr_assert_eq(s, sum, "table %c%c%c%c's checksum", tag >> 24, tag >> 16 & 255,
                     tag >> 8 & 255, tag & 255);
        cr_assert(tag != HB_TAG('G', 'S', 'U', 'B') && tag != HB_TAG('G', 'P', 'O', 'S') &&
                      tag != HB_TAG('k', 'e', 'r', 'n') && tag != HB_TAG('F', 'F', 'T', 'M'),
                  "a table the PDF does not need is left in");
    }
    hb_face_t *f = hb_face_create(sub, 0);
    /* loca in head's format, one offset a glyph and one more, none past glyf */
    hb_blob_t *head = hb_face_reference_table(f, HB_TAG('h', 'e', 'a', 'd'));
    hb_blob_t *loca = hb_face_reference_table(f, HB_TAG('l', 'o', 'c', 'a'));
    hb_blob_t *glyf = hb_face_reference_table(f, HB_TAG('g', 'l', 'y', 'f'));
    const unsigned char *h = (const unsigned char *)hb_blob_get_data(head, NULL);
    const unsigned char *l = (const unsigned char *)hb_blob_get_data(loca, NULL);
    unsigned w = get16(h + 50) ? 4 : 2, glyphs = hb_face_get_glyph_count(f);
    cr_assert_eq(hb_blob_get_length(loca), (glyphs + 1) * w, "loca's length for head's format");
    cr_assert_gt(hb_blob_get_length(glyf), 0, "glyf is never empty");
    size_t prev_off = 0;
    for (unsigned g = 0; g <= glyphs; g++) {
        size_t o = w == 4 ? get32(l + 4 * g) : 2 * (size_t)get16(l + 2 * g);
        cr_assert_geq(o, prev_off);
        cr_assert_leq(o, hb_blob_get_length(glyf));
        prev_off = o;
    }
    hb_blob_destroy(head);
    hb_blob_destroy(loca);
    hb_blob_destroy(glyf);
    hb_blob_t *post = hb_face_reference_table(f, HB_TAG('p', 'o', 's', 't'));
    cr_assert_eq(hb_blob_get_length(post), 32);
    cr_assert_eq(get32((const unsigned char *)hb_blob_get_data(post, NULL)), 0x00030000u,
                 "post without glyph names");
    hb_blob_destroy(post);
    hb_blob_t *name = hb_face_reference_table(f, HB_TAG('n', 'a', 'm', 'e'));
    const unsigned char *nd = (const unsigned char *)hb_blob_get_data(name, &len);
    cr_assert_geq(len, 6);
    unsigned count = get16(nd + 2);
    cr_assert_gt(count, 0);
    for (unsigned i = 0; i < count; i++)
        cr_assert_leq(get16(nd + 6 + 12 * i + 6), 6, "only the names 0 to 6 stay");
    hb_blob_destroy(name);
    hb_face_destroy(f);
}

/* A font of fontconfig's, opened. */
typedef struct {
    char *file;
    hb_blob_t *blob;
    hb_face_t *face;
} font;

static font open_font(const char *pattern)
{
    font f;
    f.file = font_file(pattern);
    f.blob = hb_blob_create_from_file(f.file);
    f.face = hb_face_create(f.blob, 0);
    return f;
}

static void close_font(font *f)
{
    hb_face_destroy(f->face);
    hb_blob_destroy(f->blob);
    free(f->file);
}

/* face's font file made again with table tag replaced by table (added when the
 * face has none); the caller destroys the file. */
static hb_blob_t *rebuilt(hb_face_t *face, hb_tag_t tag, hb_blob_t *table)
{
    hb_face_t *b = hb_face_builder_create();
    hb_tag_t tags[64];
    unsigned n = 64;
    hb_face_get_table_tags(face, 0, &n, tags);
    for (unsigned i = 0; i < n; i++) {
        if (tags[i] == tag)
            continue;
        hb_blob_t *t = hb_face_reference_table(face, tags[i]);
        hb_face_builder_add_table(b, tags[i], t);
        hb_blob_destroy(t);
    }
    hb_face_builder_add_table(b, tag, table);
    hb_blob_t *file = hb_face_reference_blob(b);
    hb_face_destroy(b);
    return file;
}

/* A copy of face's table tag, to change (owned by the caller). */
static unsigned char *table_copy(hb_face_t *face, hb_tag_t tag, unsigned *len)
{
    hb_blob_t *t = hb_face_reference_table(face, tag);
    const char *d = hb_blob_get_data(t, len);
    unsigned char *copy = malloc(*len ? *len : 1);
    memcpy(copy, d, *len);
    hb_blob_destroy(t);
    return copy;
}

/* bytes (malloc'd) as a table for rebuilt(); the blob frees them. */
static hb_blob_t *owned(unsigned char *bytes, unsigned len)
{
    return hb_blob_create((char *)bytes, len, HB_MEMORY_MODE_WRITABLE, bytes, free);
}

static void subset_style(const char *pattern)
{
    font lib = open_font(pattern);
    hb_face_t *face = lib.face;
    cr_assert_eq(pg_font_outlines(face, NULL), PG_OUTLINES_TRUETYPE);
    hb_set_t *used = glyphs_of(face, "KẾ HOẠCH Đảng ủy tỉnh Hưng Yên: ệ, ữ, ặ, ỗ 2024 (đợt 7)");
    /* what the subset must draw: the glyphs, .notdef and their components */
    hb_set_t *keep = hb_set_copy(used);
    hb_set_add(keep, 0);
    int composites = 0;
    hb_codepoint_t g = HB_SET_VALUE_INVALID;
    while (hb_set_next(used, &g))
        composites += is_composite(face, g);
    cr_assert_gt(composites, 0, "the text has composite glyphs (accented letters)");
    hb_blob_t *sub = pg_font_subset(face, used);
    cr_assert_not_null(sub);
    check_file(sub);
    /* the components: every glyph drawn beyond keep must be a component, so the
     * closure is what FreeType reads back (drawn counts the glyphs with points) */
    FT_Library ft;
    FT_Init_FreeType(&ft);
    FT_Face sf;
    unsigned len;
    const char *data = hb_blob_get_data(sub, &len);
    cr_assert_eq(FT_New_Memory_Face(ft, (const FT_Byte *)data, (FT_Long)len, 0, &sf), 0);
    for (FT_Long k = 0; k < sf->num_glyphs; k++) {
        FT_Load_Glyph(sf, (FT_UInt)k, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE);
        if (sf->glyph->format == FT_GLYPH_FORMAT_COMPOSITE && hb_set_has(keep, (hb_codepoint_t)k))
            for (FT_UInt s = 0; s < sf->glyph->num_subglyphs; s++) {
                FT_Int index, a1, a2;
                FT_UInt flags;
                FT_Matrix m;
                FT_Get_SubGlyph_Info(sf->glyph, s, &index, &flags, &a1, &a2, &m);
                hb_set_add(keep, (hb_codepoint_t)index);
            }
    }
    FT_Done_Face(sf);
    FT_Done_FreeType(ft);
    cr_assert_gt(hb_set_get_population(keep), hb_set_get_population(used) + 1,
                 "components are kept besides the glyphs asked for");
    unsigned drawn = compare_outlines(lib.file, sub, keep);
    cr_assert_gt(drawn, 20);
    /* the same face and glyphs give the same bytes */
    hb_blob_t *again = pg_font_subset(face, used);
    unsigned l1, l2;
    const char *b1 = hb_blob_get_data(sub, &l1), *b2 = hb_blob_get_data(again, &l2);
    cr_assert(l1 == l2 && memcmp(b1, b2, l1) == 0, "two subsets of the same glyphs differ");
    hb_blob_destroy(again);
    hb_blob_destroy(sub);
    hb_set_destroy(keep);
    hb_set_destroy(used);
    close_font(&lib);
}

Test(font_subset, regular_keeps_the_used_outlines_and_advances)
{
    subset_style("Liberation Serif");
}

Test(font_subset, bold_italic_keeps_the_used_outlines_and_advances)
{
    subset_style("Liberation Serif:bold:italic");
}

/* The glyph count of pg_font_subset()'s subset of file for text; 0 for none. */
static unsigned subset_count(hb_blob_t *file, const char *text)
{
    hb_face_t *f = hb_face_create(file, 0);
    hb_set_t *used = glyphs_of(f, text);
    hb_blob_t *sub = pg_font_subset(f, used);
    unsigned count = 0;
    if (sub) {
        hb_face_t *s = hb_face_create(sub, 0);
        count = hb_face_get_glyph_count(s);
        hb_face_destroy(s);
    }
    hb_blob_destroy(sub);
    hb_set_destroy(used);
    hb_face_destroy(f);
    return count;
}

/* A font with a table the subsetter does not know (here 'zzzz') goes to
 * harfbuzz's: its subset ends with the last glyph it keeps (asked for, or a
 * component), where plangen's keeps them all. */
Test(font_subset, an_unknown_table_goes_to_harfbuzz)
{
    font lib = open_font("Liberation Serif");
    unsigned all = hb_face_get_glyph_count(lib.face);
    hb_set_t *used = glyphs_of(lib.face, "Kế hoạch");
    unsigned last = hb_set_get_max(used);
    hb_set_destroy(used);
    cr_assert_lt(last + 1, all);
    cr_assert_eq(subset_count(lib.blob, "Kế hoạch"), all, "plangen's subset");
    hb_blob_t *z = hb_blob_create("plangen!", 8, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_blob_t *font_z = rebuilt(lib.face, HB_TAG('z', 'z', 'z', 'z'), z);
    unsigned count = subset_count(font_z, "Kế hoạch");
    cr_assert(count > last && count < all, "hb-subset's subset");
    hb_blob_destroy(font_z);
    hb_blob_destroy(z);
    close_font(&lib);
}

/* A loca that points past glyf: plangen's subsetter refuses the font (it is
 * harfbuzz's to judge), and never reads past the table. */
Test(font_subset, a_damaged_loca_is_not_read_past_glyf)
{
    font lib = open_font("Liberation Serif");
    unsigned len;
    unsigned char *loca = table_copy(lib.face, HB_TAG('l', 'o', 'c', 'a'), &len);
    memset(loca + len - 8, 0x7F, 8); /* the last offsets far past glyf */
    hb_blob_t *table = owned(loca, len);
    hb_blob_t *damaged = rebuilt(lib.face, HB_TAG('l', 'o', 'c', 'a'), table);
    unsigned count = subset_count(damaged, "Kế hoạch");
    /* none, or harfbuzz's: it ends with the last glyph it keeps */
    cr_assert_lt(count, hb_face_get_glyph_count(lib.face));
    hb_blob_destroy(damaged);
    hb_blob_destroy(table);
    close_font(&lib);
}

/* Spaces alone: every glyph kept is empty (Liberation's .notdef too); glyf is
 * then one zero byte, as hb-subset writes it, and the font is still one. */
Test(font_subset, a_font_used_for_spaces_alone)
{
    font lib = open_font("Liberation Serif");
    hb_set_t *used = glyphs_of(lib.face, "   ");
    cr_assert_eq(hb_set_get_population(used), 1);
    hb_blob_t *mine = pg_font_subset_glyf(lib.face, used);
    cr_assert_not_null(mine, "plangen's subset");
    check_file(mine);
    hb_blob_destroy(mine);
    hb_blob_t *sub = pg_font_subset(lib.face, used);
    cr_assert_not_null(sub);
    hb_face_t *s = hb_face_create(sub, 0);
    cr_assert_eq(pg_font_outlines(s, NULL), PG_OUTLINES_TRUETYPE);
    cr_assert_eq(hb_face_get_glyph_count(s), hb_face_get_glyph_count(lib.face));
    hb_face_destroy(s);
    hb_blob_destroy(sub);
    hb_set_destroy(used);
    close_font(&lib);
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

/* A name table of 2,000 records sharing one string of 24,000 bytes: copying
 * the string for each record would make a font program of 48 MB (and 16-bit
 * offsets would wrap); plangen's subsetter leaves such a font to hb-subset. */
Test(font_subset, names_sharing_a_string_are_not_copied_each)
{
    font lib = open_font("Liberation Serif");
    unsigned count = 2000, slen = 24000, storage = 6 + 12 * count;
    unsigned char *name = calloc(storage + slen, 1);
    put16(name + 2, count);
    put16(name + 4, storage);
    for (unsigned i = 0; i < count; i++) {
        unsigned char *r = name + 6 + 12 * i;
        put16(r, 3);          /* Windows */
        put16(r + 2, 1);      /* Unicode BMP */
        put16(r + 4, 0x0409); /* US English */
        put16(r + 6, 1);      /* the family */
        put16(r + 8, slen);
        put16(r + 10, 0);
    }
    memset(name + storage, 'a', slen);
    hb_blob_t *table = owned(name, storage + slen);
    hb_blob_t *file = rebuilt(lib.face, HB_TAG('n', 'a', 'm', 'e'), table);
    hb_face_t *f = hb_face_create(file, 0);
    hb_set_t *used = glyphs_of(f, "Kế hoạch");
    cr_assert_null(pg_font_subset_glyf(f, used), "a font program of every copy");
    hb_blob_t *sub = pg_font_subset(f, used);
    if (sub) /* hb-subset's, if it takes the font: no larger than it */
        cr_assert_leq(hb_blob_get_length(sub), hb_blob_get_length(file));
    hb_blob_destroy(sub);
    hb_set_destroy(used);
    hb_face_destroy(f);
    hb_blob_destroy(file);
    hb_blob_destroy(table);
    close_font(&lib);
}

/* A font whose last glyphs have no advance of their own (hhea's number of
 * metrics below the glyph count: they take the last full metric's): their
 * advances stay when the glyph that holds that metric is not used. */
Test(font_subset, glyphs_after_the_last_full_metric_keep_their_advance)
{
    font lib = open_font("Liberation Serif");
    unsigned n = hb_face_get_glyph_count(lib.face), metrics = n - 200, hl, xl;
    unsigned char *hhea = table_copy(lib.face, HB_TAG('h', 'h', 'e', 'a'), &hl);
    unsigned char *hmtx = table_copy(lib.face, HB_TAG('h', 'm', 't', 'x'), &xl);
    cr_assert_eq(get16(hhea + 34), n, "Liberation Serif has a full metric for every glyph");
    /* the first metrics as they are, then the others' left side bearings */
    for (unsigned g = metrics; g < n; g++)
        memmove(hmtx + 4 * metrics + 2 * (g - metrics), hmtx + 4 * g + 2, 2);
    put16(hhea + 34, metrics);
    hb_blob_t *t1 = owned(hmtx, 4 * metrics + 2 * (n - metrics)), *t2 = owned(hhea, hl);
    hb_blob_t *f1 = rebuilt(lib.face, HB_TAG('h', 'm', 't', 'x'), t1);
    hb_face_t *face1 = hb_face_create(f1, 0);
    hb_blob_t *f2 = rebuilt(face1, HB_TAG('h', 'h', 'e', 'a'), t2);
    hb_face_t *short_face = hb_face_create(f2, 0);
    /* glyphs after the last full metric, not the one holding it */
    hb_set_t *used = hb_set_create();
    for (unsigned g = metrics; g < n; g += 7)
        hb_set_add(used, g);
    hb_blob_t *sub = pg_font_subset_glyf(short_face, used);
    cr_assert_not_null(sub);
    hb_face_t *s = hb_face_create(sub, 0);
    hb_font_t *a = hb_font_create(short_face), *b = hb_font_create(s);
    hb_codepoint_t g = HB_SET_VALUE_INVALID;
    int checked = 0;
    while (hb_set_next(used, &g)) {
        cr_assert_eq(hb_font_get_glyph_h_advance(b, g), hb_font_get_glyph_h_advance(a, g),
                     "glyph %u's advance", g);
        checked += hb_font_get_glyph_h_advance(a, g) != 0;
    }
    cr_assert_gt(checked, 0);
    hb_font_destroy(a);
    hb_font_destroy(b);
    hb_face_destroy(s);
    hb_blob_destroy(sub);
    hb_set_destroy(used);
    hb_face_destroy(short_face);
    hb_blob_destroy(f2);
    hb_face_destroy(face1);
    hb_blob_destroy(f1);
    hb_blob_destroy(t2);
    hb_blob_destroy(t1);
    close_font(&lib);
}
