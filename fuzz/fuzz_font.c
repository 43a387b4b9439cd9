/* fuzz_font.c - libFuzzer harness for the font path of the PDF writer: any
 * bytes as a font file (a user may drop any file into fonts/), as each of its
 * first faces when it is a collection, through pg_font_outlines() and
 * pg_font_subset() (hb-subset) with every glyph or every other one asked for;
 * a subset made must read back as a font of the same kind with every glyph id
 * kept. Seeded with the Liberation fonts and an OpenType/CFF font. */
#include "pdf_font.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
            /* every glyph, or every other one: composites then need their parts */
            for (unsigned g = 0; g < n; g += size % 2 ? 1 : 2)
                hb_set_add(glyphs, g);
            hb_blob_t *sub = pg_font_subset(face, glyphs);
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
