/* coverage.c - characters the style's font does not have (see coverage.h). */
#include "coverage.h"

#include "fonts.h"
#include "i18n.h"

#include <string.h>

PangoAttribute *pg_coverage_attr(void)
{
    PangoAttribute *a = pango_attr_fallback_new(FALSE);
    a->start_index = PANGO_ATTR_INDEX_FROM_TEXT_BEGINNING;
    a->end_index = PANGO_ATTR_INDEX_TO_TEXT_END;
    return a;
}

void pg_coverage_check(PangoLayout *ly, const char *style_family, GHashTable *seen,
                       pg_diag_list *diags, const char *file, int line, int col)
{
    if (pango_layout_get_unknown_glyphs_count(ly) == 0)
        return;
    pg_fonts_note_unknown(ly);
    const char *text = pango_layout_get_text(ly);
    for (GSList *l = pango_layout_get_lines_readonly(ly); l; l = l->next) {
        const PangoLayoutLine *pl = l->data;
        for (GSList *r = pl->runs; r; r = r->next) {
            const PangoGlyphItem *gi = r->data;
            const PangoGlyphString *gs = gi->glyphs;
            for (int i = 0; i < gs->num_glyphs; i++) {
                if (!(gs->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG))
                    continue;
                /* the character itself, from the text (the glyph holds only its
                 * code point, and a character past U+FFFF on some builds) */
                const char *at = text + gi->item->offset + gs->log_clusters[i];
                gunichar c = g_utf8_get_char(at);
                char key[64];
                g_snprintf(key, sizeof key, "%d:%d:%X", line, col, c);
                char *full = g_strconcat(file ? file : "", ":", key, NULL);
                if (g_hash_table_contains(seen, full)) {
                    g_free(full);
                    continue;
                }
                g_hash_table_add(seen, full);
                char utf8[8] = {0};
                g_unichar_to_utf8(c, utf8);
                PangoFontDescription *d = pango_font_describe(gi->item->analysis.font);
                const char *family = pango_font_description_get_family(d);
                if (family && style_family && strcmp(family, style_family) != 0)
                    pg_diag_add(diags, PG_W_UNCOVERED, file, line, col,
                                "\"%s\" (U+%04X) is not in %s (the style's \"%s\"): write it "
                                "another way or use a font that has it",
                                utf8, c, family, style_family);
                else
                    pg_diag_add(diags, PG_W_UNCOVERED, file, line, col,
                                "\"%s\" (U+%04X) is not in %s: write it another way or use a "
                                "font that has it",
                                utf8, c, family ? family : _("the font"));
                pango_font_description_free(d);
            }
        }
    }
}
