/* pdf_font.c - font programs for the PDF writer (see pdf_font.h).
 *
 * Subsetting is harfbuzz's (hb-subset): plangen only chooses what goes in. Glyph
 * ids are kept (HB_SUBSET_FLAGS_RETAIN_GIDS), so the glyph ids pango shaped are
 * the PDF's character codes and CIDs with no map in between; the layout tables
 * (GSUB, GPOS, kern...) are dropped because the text is already shaped. Every
 * read of a hostile font goes through harfbuzz's bounds-checked parsers; the
 * only bytes read here are the CFF header and first Top DICT operator, each
 * checked against the table's length. */
#include "pdf_font.h"

#include "i18n.h"

#include <hb-subset.h>
#include <stddef.h>
#include <stdint.h>

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
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

hb_blob_t *pg_font_subset(hb_face_t *face, const hb_set_t *glyphs)
{
    pg_outlines kind = pg_font_outlines(face, NULL);
    if (kind == PG_OUTLINES_NONE)
        return NULL;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return NULL;
    hb_set_union(hb_subset_input_glyph_set(in), glyphs);
    hb_set_add(hb_subset_input_glyph_set(in), 0);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    static const hb_tag_t drop[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
        HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
        HB_TAG('k', 'e', 'r', 'n'), HB_TAG('m', 'o', 'r', 'x'), HB_TAG('m', 'o', 'r', 't'),
        HB_TAG('D', 'S', 'I', 'G'), HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'),
        HB_TAG('V', 'D', 'M', 'X'),
    };
    hb_set_t *drop_set = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        hb_set_add(drop_set, drop[i]);
    hb_face_t *sub = hb_subset_or_fail(face, in);
    hb_subset_input_destroy(in);
    if (!sub)
        return NULL;
    hb_blob_t *blob = NULL;
    /* the subset must be a font of the same kind in which every id is kept: it
     * ends with the last glyph asked for (the ids after it are left out) */
    hb_codepoint_t last = hb_set_get_max(glyphs);
    unsigned want = last == HB_SET_VALUE_INVALID ? 1 : last + 1;
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
