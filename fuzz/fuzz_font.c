/* fuzz_font.c - libFuzzer harness for the font path of the PDF writer: any
 * bytes as a font file (a user may drop any file into fonts/), as each of its
 * first faces when it is a collection, through pg_font_outlines() and
 * pg_font_subset() (plangen's TrueType subsetter, else hb-subset) with every
 * glyph, every other one, or a few the input names asked for; a subset made
 * must read back as a font of the same kind with every glyph id kept. When
 * plangen's subsetter takes the font, pg_font_subset() must give a subset, and
 * each glyph asked for must be in it byte for byte, with the same extents and
 * advance as harfbuzz reads in the font (a composite's need its components).
 * Seeded with the Liberation fonts and an OpenType/CFF font. */
#include "pdf_font.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Glyph g's bytes in face's glyf, through head and loca; *len 0 for an empty
 * or unreadable one. *glyf holds the table (the caller destroys it). */
static const char *glyph_bytes(hb_face_t *face, hb_blob_t **glyf, unsigned g, unsigned *len)
{
    hb_blob_t *head = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
    hb_blob_t *loca = hb_face_reference_table(face, HB_TAG('l', 'o', 'c', 'a'));
    *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    unsigned hl, ll, gl;
    const unsigned char *h = (const unsigned char *)hb_blob_get_data(head, &hl);
    const unsigned char *l = (const unsigned char *)hb_blob_get_data(loca, &ll);
    const char *d = hb_blob_get_data(*glyf, &gl);
    const char *at = NULL;
    *len = 0;
    if (hl >= 54) {
        size_t w = h[51] == 1 ? 4 : 2, i = (size_t)g * w, a = 0, b = 0;
        if (i + 2 * w <= ll) {
            for (size_t k = 0; k < w; k++) {
                a = a << 8 | l[i + k];
                b = b << 8 | l[i + w + k];
            }
            if (w == 2) {
                a *= 2;
                b *= 2;
            }
            if (d && a <= b && b <= gl) {
                at = d + a;
                *len = (unsigned)(b - a);
            }
        }
    }
    hb_blob_destroy(head);
    hb_blob_destroy(loca);
    return at;
}

/* plangen's own subset of face against face itself (see the head comment);
 * whether it made one. */
static int check_own_subset(hb_face_t *face, const hb_set_t *glyphs)
{
    hb_blob_t *sub = pg_font_subset_glyf(face, glyphs);
    if (!sub)
        return 0;
    hb_face_t *sf = hb_face_create(sub, 0);
    if (hb_face_get_glyph_count(sf) != hb_face_get_glyph_count(face))
        __builtin_trap(); /* every glyph id kept */
    hb_font_t *of = hb_font_create(face), *subf = hb_font_create(sf);
    hb_codepoint_t g = HB_SET_VALUE_INVALID;
    while (hb_set_next(glyphs, &g)) {
        hb_blob_t *ka, *kb;
        unsigned la, lb;
        const char *a = glyph_bytes(face, &ka, g, &la), *b = glyph_bytes(sf, &kb, g, &lb);
        if (la != lb || (la && memcmp(a, b, la) != 0))
            __builtin_trap(); /* a glyph asked for is not the font's */
        hb_blob_destroy(ka);
        hb_blob_destroy(kb);
        hb_glyph_extents_t ea = {0}, eb = {0};
        int ha = hb_font_get_glyph_extents(of, g, &ea), hs = hb_font_get_glyph_extents(subf, g, &eb);
        if (ha != hs || memcmp(&ea, &eb, sizeof ea) != 0 ||
            hb_font_get_glyph_h_advance(of, g) != hb_font_get_glyph_h_advance(subf, g))
            __builtin_trap(); /* drawn otherwise: a component or a metric is missing */
    }
    hb_font_destroy(subf);
    hb_font_destroy(of);
    hb_face_destroy(sf);
    hb_blob_destroy(sub);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hb_blob_t *blob =
        hb_blob_create((const char *)data, (unsigned)size, HB_MEMORY_MODE_READONLY, NULL, NULL);
    unsigned faces = hb_face_count(blob);
    for (unsigned index = 0; index < (faces ? faces : 1) && index < 4; index++) {
        hb_face_t *face = hb_face_create(blob, index);
        pg_outlines kind = pg_font_outlines(face, NULL);
        if (kind != PG_OUTLINES_NONE) {
            unsigned n = hb_face_get_glyph_count(face);
            hb_set_t *glyphs = hb_set_create();
            /* every glyph, every other one (composites then need their parts), or
             * the few the input's last bytes name (a set of empty glyphs alone) */
            if (size % 3 == 2 && n) {
                for (size_t i = 0; i + 2 <= size && i < 16; i += 2)
                    hb_set_add(glyphs, (unsigned)(data[size - 1 - i] << 8 | data[size - 2 - i]) % n);
            } else {
                for (unsigned g = 0; g < n; g += size % 3 ? 2 : 1)
                    hb_set_add(glyphs, g);
            }
            int own = kind == PG_OUTLINES_TRUETYPE && check_own_subset(face, glyphs);
            hb_blob_t *sub = pg_font_subset(face, glyphs);
            if (own && !sub)
                __builtin_trap(); /* plangen's subset made, yet none given */
            if (sub) {
                hb_face_t *sf = hb_face_create(sub, 0);
                unsigned last = hb_set_get_max(glyphs);
                if (hb_face_get_glyph_count(sf) <= last || hb_face_get_glyph_count(sf) > n ||
                    pg_font_outlines(sf, NULL) != kind)
                    __builtin_trap(); /* glyph ids and the kind must be kept */
                hb_face_destroy(sf);
                hb_blob_destroy(sub);
            }
            hb_set_destroy(glyphs);
        }
        hb_face_destroy(face);
    }
    hb_blob_destroy(blob);
    return 0;
}
