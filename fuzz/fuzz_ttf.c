/* fuzz_ttf.c - libFuzzer harness for the TrueType subsetter: any bytes as a
 * font (a user may drop any file into fonts/), every glyph asked for, then the
 * subset read back by harfbuzz. Seeded with the Liberation fonts. */
#include "ttf.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hb_blob_t *blob = hb_blob_create((const char *)data, (unsigned)size, HB_MEMORY_MODE_READONLY,
                                     NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    unsigned n = hb_face_get_glyph_count(face);
    if (n > 0 && n <= 65535) {
        unsigned char *used = g_malloc((n + 7) / 8);
        /* every glyph, or every other one: composites then need their parts */
        memset(used, size % 2 ? 0xFF : 0x55, (n + 7) / 8);
        size_t len = 0;
        unsigned char *sub = pg_ttf_subset(face, used, n, &len);
        if (sub) {
            hb_blob_t *sb = hb_blob_create((const char *)sub, (unsigned)len,
                                           HB_MEMORY_MODE_READONLY, NULL, NULL);
            hb_face_t *sf = hb_face_create(sb, 0);
            if (hb_face_get_glyph_count(sf) != n)
                __builtin_trap(); /* glyph ids must be kept */
            hb_face_destroy(sf);
            hb_blob_destroy(sb);
            g_free(sub);
        }
        g_free(used);
    }
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return 0;
}
