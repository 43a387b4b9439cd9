/* Unit tests of the shaping cache (shape_cache.h): pango shapes through it as
 * the layout does, and what it gives back must be what harfbuzz gives. */
#include "fonts.h"
#include "shape_cache.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pg_fonts *fonts;
static PangoContext *ctx;

static void setup(void)
{
    pg_diag_list d = {0};
    fonts = pg_fonts_new(PG_SOURCE_DIR "/fonts", &d);
    cr_assert_not_null(fonts);
    ctx = pg_fonts_context(fonts);
    pg_diag_list_free(&d);
    cr_assert(pg_shape_cache_active(), "these tests are for harfbuzz 6.0 and pango 1.50");
}

static void teardown(void)
{
    g_object_unref(ctx);
    pg_fonts_free(fonts);
}

/* text in font (a pango description: "Times New Roman, 14px") with attrs (may be
 * NULL), shaped item by item as pango_layout shapes it, through the cache bound
 * now; every glyph written out (id, advance, offsets, cluster), one item a line. */
static char *shape_with(const char *font, const char *text, PangoAttrList *attrs, int rtl)
{
    PangoFontDescription *d = pango_font_description_from_string(font);
    pango_context_set_font_description(ctx, d);
    pango_font_description_free(d);
    GList *items = pango_itemize(ctx, text, 0, (int)strlen(text), attrs, NULL);
    GString *out = g_string_new(NULL);
    for (GList *l = items; l; l = l->next) {
        PangoItem *item = l->data;
        if (rtl)
            item->analysis.level = 1;
        PangoGlyphString *gs = pango_glyph_string_new();
        pango_shape_item(item, text, (int)strlen(text), NULL, gs, PANGO_SHAPE_NONE);
        for (int i = 0; i < gs->num_glyphs; i++) {
            const PangoGlyphInfo *g = &gs->glyphs[i];
            g_string_append_printf(out, "%x:%d:%d:%d@%d ", g->glyph, g->geometry.width,
                                   g->geometry.x_offset, g->geometry.y_offset, gs->log_clusters[i]);
        }
        g_string_append_c(out, '\n');
        pango_glyph_string_free(gs);
        pango_item_free(item);
    }
    g_list_free(items);
    return g_string_free(out, FALSE);
}

static char *shape(const char *font, const char *text)
{
    return shape_with(font, text, NULL, 0);
}

/* Shapes with c bound; returns what c gained in hits and misses. */
static char *shape_in(pg_shape_cache *c, const char *font, const char *text, PangoAttrList *attrs,
                      unsigned long *hits, unsigned long *misses)
{
    pg_shape_cache_stats before, after;
    pg_shape_cache_get_stats(c, &before);
    pg_shape_cache *was = pg_shape_cache_bind(c);
    char *s = shape_with(font, text, attrs, 0);
    pg_shape_cache_bind(was);
    pg_shape_cache_get_stats(c, &after);
    if (hits)
        *hits = after.hits - before.hits;
    if (misses)
        *misses = after.misses - before.misses;
    return s;
}

static const char *const FONT = "Times New Roman, 14px";

/* Texts where harfbuzz's glyphs of a word depend on its neighbours (the kerning
 * of Liberation Serif's space with A, T, V, W, Y and of y, L, P with a space),
 * Vietnamese marks precomposed and not, numbers and symbols, spaces doubled, at
 * the ends, a forced break, a text that starts with a mark. */
static const char *const TEXTS[] = {
    "Thực hiện Kế hoạch số 05/KH-SKHCN của Tỉnh ủy Trà Vinh về việc tổ chức học tập",
    "AVAY WAT TAY Yên Vĩnh Văn Tân Á Âu Ấn Ủy ban tỉnh Trà Vinh ngày 25/10/2021",
    "LY PA ấy quy y Ly P y T V W A",
    "Quán triệt Nghị quyết Đại hội XIII của Đảng và 123 4567 (đợt 89)",
    "  hai  dấu   cách  đầu, giữa và cuối  ",
    "Hoa\xE2\x80\xA8ngắt dòng và chữ e\xCC\x81 tổ hợp, o\xCC\x82\xCC\x81 hai dấu",
    "\xCC\x81 bắt đầu bằng dấu",
    "fi fl ffi — “ngoặc” ‘đơn’ … 1½ ¾ № § ©",
    "x",
};

Test(shape_cache, gives_what_harfbuzz_gives, .init = setup, .fini = teardown)
{
    pg_shape_cache *c = pg_shape_cache_new(1 << 20);
    const char *fonts_tried[] = {FONT, "Times New Roman, Bold 13px", "Times New Roman, Italic 12px",
                                 "Times New Roman, Bold Italic 9.5px"};
    for (size_t f = 0; f < G_N_ELEMENTS(fonts_tried); f++)
        for (size_t i = 0; i < G_N_ELEMENTS(TEXTS); i++) {
            char *want = shape(fonts_tried[f], TEXTS[i]);
            unsigned long misses = 0;
            char *cold = shape_in(c, fonts_tried[f], TEXTS[i], NULL, NULL, NULL);
            char *warm = shape_in(c, fonts_tried[f], TEXTS[i], NULL, NULL, &misses);
            cr_assert_str_eq(cold, want, "%s, \"%s\", first time", fonts_tried[f], TEXTS[i]);
            cr_assert_str_eq(warm, want, "%s, \"%s\", from the cache", fonts_tried[f], TEXTS[i]);
            cr_assert_eq(misses, 0, "%s, \"%s\": served again", fonts_tried[f], TEXTS[i]);
            g_free(want);
            g_free(cold);
            g_free(warm);
        }
    /* a word longer than a piece may be: the run is harfbuzz's */
    GString *longword = g_string_new("một từ rất dài ");
    for (int i = 0; i < 300; i++)
        g_string_append(longword, "ư");
    g_string_append(longword, " hết");
    pg_shape_cache_stats before, st;
    pg_shape_cache_get_stats(c, &before);
    char *want = shape(FONT, longword->str);
    char *got = shape_in(c, FONT, longword->str, NULL, NULL, NULL);
    cr_assert_str_eq(got, want);
    g_free(want);
    g_free(got);
    g_string_free(longword, TRUE);
    pg_shape_cache_get_stats(c, &st);
    cr_assert_eq(st.bypassed, before.bypassed + 1, "the long word's run is not served");
    cr_assert_gt(st.hits, 100);
    cr_assert_geq(st.bypassed, 2, "nor the text that starts with a mark");
    pg_shape_cache_free(c);
}

Test(shape_cache, a_font_that_lacks_letters_is_served_as_harfbuzz_shapes_it, .init = setup,
     .fini = teardown, .timeout = 60)
{
    /* Nimbus Roman (fonts-urw-base35, CFF) lacks most Vietnamese letters: pango
     * gives each a hex box, measured from the font's metrics, which pango makes
     * by shaping a sample text while the piece is shaped (a shaping inside a
     * shaping, served by harfbuzz) */
    const char *urw = "/usr/share/fonts/opentype/urw-base35";
    cr_assert(g_file_test(urw, G_FILE_TEST_IS_DIR), "fonts-urw-base35 is missing");
    char *dir = g_dir_make_tmp("pg-shape-XXXXXX", NULL);
    char *conf = g_build_filename(dir, "fonts.conf", NULL);
    cr_assert(g_file_set_contents(conf,
                                  "<fontconfig><dir>/usr/share/fonts/opentype/urw-base35</dir>"
                                  "<cachedir prefix=\"xdg\">fontconfig</cachedir></fontconfig>",
                                  -1, NULL));
    pg_diag_list d = {0};
    pg_fonts *own = pg_fonts_new(dir, &d);
    cr_assert_not_null(own);
    PangoContext *saved = ctx;
    ctx = pg_fonts_context(own);
    pg_shape_cache *c = pg_shape_cache_new(1 << 20);
    const char *texts[] = {"Được, Ăn, Ơn, Ưu và chữ thường: đây.", "ĐẢNG ỦY KHỐI",
                           "Thực hiện Kế hoạch của Tỉnh ủy Trà Vinh"};
    const char *faces[] = {"Nimbus Roman, 14px", "Nimbus Roman, Bold 14px"};
    for (size_t f = 0; f < G_N_ELEMENTS(faces); f++)
        for (size_t i = 0; i < G_N_ELEMENTS(texts); i++)
            for (int round = 0; round < 2; round++) {
                /* served first: the font's metrics are made inside it */
                char *got = shape_in(c, faces[f], texts[i], NULL, NULL, NULL);
                char *want = shape(faces[f], texts[i]);
                cr_assert_str_eq(got, want, "%s, \"%s\" (round %d)", faces[f], texts[i], round);
                cr_assert(pg_shape_cache_check(c), "%s, \"%s\" (round %d)", faces[f], texts[i],
                          round);
                g_free(got);
                g_free(want);
            }
    pg_shape_cache_free(c);
    g_object_unref(ctx);
    ctx = saved;
    pg_fonts_free(own);
    pg_diag_list_free(&d);
    remove(conf);
    rmdir(dir);
    g_free(conf);
    g_free(dir);
}

Test(shape_cache, serves_a_word_wherever_it_stands, .init = setup, .fini = teardown)
{
    pg_shape_cache *c = pg_shape_cache_new(1 << 20);
    unsigned long hits, misses;
    g_free(shape_in(c, FONT, "Các cấp ủy tổ chức học tập", NULL, NULL, NULL));
    char *got = shape_in(c, FONT, "tổ chức học tập các cấp", NULL, &hits, &misses);
    char *want = shape(FONT, "tổ chức học tập các cấp");
    cr_assert_str_eq(got, want);
    /* " chức", " học", " tập", " cấp" were shaped before; "tổ" (at the start) and
     * " các" (lower case) were not */
    cr_assert_eq(misses, 2, "%lu pieces shaped", misses);
    cr_assert_eq(hits, 4, "%lu pieces found", hits);
    g_free(got);
    g_free(want);
    pg_shape_cache_free(c);
}

/* Warms c with the sample, then checks that the variant misses every piece,
 * and that it is shaped as harfbuzz shapes it. */
static void misses_all(pg_shape_cache *c, const char *font, PangoAttrList *attrs, const char *why)
{
    const char *sample = "Hà Nội và Huế";
    unsigned long hits, misses;
    g_free(shape_in(c, FONT, sample, NULL, NULL, NULL));
    char *got = shape_in(c, font, sample, attrs, &hits, &misses);
    char *want = shape_with(font, sample, attrs, 0);
    cr_assert_str_eq(got, want, "%s", why);
    cr_assert_eq(hits, 0, "%s: nothing served from the cache (%lu hits)", why, hits);
    g_free(got);
    g_free(want);
}

Test(shape_cache, a_key_differing_in_any_field_misses, .init = setup, .fini = teardown)
{
    pg_shape_cache *c = pg_shape_cache_new(1 << 20);
    unsigned long hits, misses;
    g_free(shape_in(c, FONT, "Hà Nội và Huế", NULL, NULL, NULL));
    g_free(shape_in(c, FONT, "Hà Nội và Huế", NULL, &hits, &misses));
    cr_assert_eq(misses, 0, "the same run in the same font is found");
    cr_assert_eq(hits, 4);
    misses_all(c, "Times New Roman, 13px", NULL, "another size");
    misses_all(c, "Times New Roman, 14.5px", NULL, "a size half a pixel larger");
    misses_all(c, "Times New Roman, Bold 14px", NULL, "another face");
    misses_all(c, "Times New Roman, Italic 14px", NULL, "another slant");
    misses_all(c, "Liberation Sans, 14px", NULL, "another family");
    PangoAttrList *al = pango_attr_list_new();
    pango_attr_list_insert(al, pango_attr_language_new(pango_language_from_string("en")));
    misses_all(c, FONT, al, "another language");
    pango_attr_list_unref(al);
    al = pango_attr_list_new();
    pango_attr_list_insert(al, pango_attr_show_new(PANGO_SHOW_SPACES));
    misses_all(c, FONT, al, "spaces shown (pango's font functions answer otherwise)");
    pango_attr_list_unref(al);
    al = pango_attr_list_new();
    pango_attr_list_insert(al, pango_attr_show_new(PANGO_SHOW_IGNORABLES));
    misses_all(c, FONT, al, "ignorables shown");
    pango_attr_list_unref(al);
    al = pango_attr_list_new();
    pango_attr_list_insert(al, pango_attr_show_new(PANGO_SHOW_LINE_BREAKS));
    misses_all(c, FONT, al, "line breaks shown");
    pango_attr_list_unref(al);
    /* features with a range, a right-to-left run: harfbuzz's every time */
    al = pango_attr_list_new();
    pango_attr_list_insert(al, pango_attr_font_features_new("kern 0"));
    misses_all(c, FONT, al, "a feature");
    pango_attr_list_unref(al);
    pg_shape_cache_stats before, after;
    pg_shape_cache_get_stats(c, &before);
    pg_shape_cache *was = pg_shape_cache_bind(c);
    char *rtl = shape_with(FONT, "Hà Nội và Huế", NULL, 1);
    pg_shape_cache_bind(was);
    pg_shape_cache_get_stats(c, &after);
    char *want = shape_with(FONT, "Hà Nội và Huế", NULL, 1);
    cr_assert_str_eq(rtl, want);
    cr_assert_eq(after.hits, before.hits, "right to left: not served");
    cr_assert_gt(after.bypassed, before.bypassed);
    g_free(rtl);
    g_free(want);
    /* one character more: that piece alone is shaped */
    g_free(shape_in(c, FONT, "Hà Nội và Huế.", NULL, &hits, &misses));
    cr_assert_eq(misses, 1);
    cr_assert_eq(hits, 3);
    pg_shape_cache_free(c);
}

Test(shape_cache, the_same_text_in_another_font_never_hits, .init = setup, .fini = teardown)
{
    pg_shape_cache *c = pg_shape_cache_new(1 << 20);
    const char *sizes[] = {"Times New Roman, 12px", "Times New Roman, 13px",
                           "Times New Roman, 14px", "Times New Roman, Bold 12px",
                           "Times New Roman, Bold 13px"};
    for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
        /* as many pieces shaped as in a cache of its own: none came from the
         * fonts before */
        pg_shape_cache *alone = pg_shape_cache_new(1 << 20);
        unsigned long misses, misses_alone;
        g_free(shape_in(alone, sizes[i], TEXTS[0], NULL, NULL, &misses_alone));
        char *got = shape_in(c, sizes[i], TEXTS[0], NULL, NULL, &misses);
        char *want = shape(sizes[i], TEXTS[0]);
        cr_assert_str_eq(got, want, "%s", sizes[i]);
        cr_assert_eq(misses, misses_alone, "%s: %lu pieces shaped, %lu alone", sizes[i], misses,
                     misses_alone);
        cr_assert_gt(misses, 10);
        g_free(got);
        g_free(want);
        pg_shape_cache_free(alone);
    }
    pg_shape_cache_free(c);
}

Test(shape_cache, stays_within_its_budget, .init = setup, .fini = teardown)
{
    const size_t budget = 48 << 10;
    pg_shape_cache *c = pg_shape_cache_new(budget);
    pg_shape_cache_stats st;
    for (int i = 0; i < 3000; i++) {
        char text[64];
        snprintf(text, sizeof text, "giữ lại và từ %d", i);
        unsigned long hits;
        char *got = shape_in(c, FONT, text, NULL, &hits, NULL);
        if (i % 100 == 0) {
            char *want = shape(FONT, text);
            cr_assert_str_eq(got, want);
            g_free(want);
        }
        g_free(got);
        /* the words used each time stay; the numbers go */
        if (i > 0)
            cr_assert_geq(hits, 3, "at %d: %lu pieces found", i, hits);
        pg_shape_cache_get_stats(c, &st);
        cr_assert_leq(st.bytes, budget, "%zu bytes held after %d runs", st.bytes, i + 1);
        /* every piece found where it is, every byte counted */
        cr_assert(pg_shape_cache_check(c), "after %d runs", i + 1);
    }
    pg_shape_cache_get_stats(c, &st);
    cr_assert_gt(st.evictions, 2000, "pieces were evicted (%lu)", st.evictions);
    cr_assert_gt(st.bytes, budget / 2, "the cache is not emptied: it holds %zu bytes", st.bytes);
    unsigned long hits, misses;
    g_free(shape_in(c, FONT, "giữ lại và từ 7", NULL, &hits, &misses));
    cr_assert_eq(misses, 1, "an old number was evicted");
    pg_shape_cache_free(c);
}

Test(shape_cache, a_run_larger_than_the_cache_is_shaped_whole, .init = setup, .fini = teardown)
{
    /* a budget smaller than the run's pieces: the pieces a run uses are not
     * evicted while it is put together (they are pinned), and what does not fit
     * is not kept */
    pg_shape_cache *c = pg_shape_cache_new(8 << 10);
    for (size_t i = 0; i < G_N_ELEMENTS(TEXTS); i++)
        for (int round = 0; round < 2; round++) {
            char *got = shape_in(c, FONT, TEXTS[i], NULL, NULL, NULL);
            char *want = shape(FONT, TEXTS[i]);
            cr_assert_str_eq(got, want, "\"%s\"", TEXTS[i]);
            g_free(got);
            g_free(want);
        }
    pg_shape_cache_stats st;
    pg_shape_cache_get_stats(c, &st);
    cr_assert_leq(st.bytes, 8 << 10);
    cr_assert(pg_shape_cache_check(c));
    pg_shape_cache_free(c);
}

Test(shape_cache, unbound_it_serves_nothing, .init = setup, .fini = teardown)
{
    pg_shape_cache *c = pg_shape_cache_new(1 << 20);
    g_free(shape_in(c, FONT, TEXTS[1], NULL, NULL, NULL));
    cr_assert_null(pg_shape_cache_bind(NULL), "bound no longer");
    pg_shape_cache_stats before, after;
    pg_shape_cache_get_stats(c, &before);
    g_free(shape(FONT, TEXTS[1]));
    g_free(shape(FONT, TEXTS[0]));
    pg_shape_cache_get_stats(c, &after);
    cr_assert_eq(after.hits + after.misses + after.bypassed,
                 before.hits + before.misses + before.bypassed, "pango shaped without it");
    pg_shape_cache_free(c);
}
