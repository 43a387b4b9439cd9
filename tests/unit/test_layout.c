/* Unit tests of the layout stage: the page breaker on synthetic boxes, and the
 * pagination rules checked on real layouts of generated plans (every position
 * of a heading, a paragraph end and the closing block against a page foot). */
#include "layout.h"
#include "layout_cache.h"
#include "plangen.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* ---- the page breaker -------------------------------------------------------- */

#define BOX(h_, g_, nb_) ((pg_flow_box){.height = (h_), .gap = (g_), .no_break_before = (nb_)})

static const pg_page_geom PLAIN_70 = {.avail = 70, .foot_pitch = 10, .foot_sep = 5};
static const pg_page_geom PLAIN_100 = {.avail = 100, .foot_pitch = 10, .foot_sep = 5};

Test(paginate, everything_fits)
{
    pg_flow_box b[3] = {BOX(10, 0, 0), BOX(10, 5, 0), BOX(10, 5, 0)};
    size_t s[8];
    int f[8], of = 0;
    cr_assert_eq(pg_paginate(b, 3, &PLAIN_100, s, f, &of), 1);
    cr_assert_eq(s[0], 0);
    cr_assert_eq(f[0], 0);
    cr_assert_eq(of, 0);
}

Test(paginate, gap_dropped_at_the_top_of_a_page)
{
    /* 40+30+40 > 100: two pages; box 2 fits after box 1 only because box 1's gap
     * is dropped at the top of the page */
    pg_flow_box b[3] = {BOX(40, 0, 0), BOX(40, 30, 0), BOX(40, 10, 0)};
    size_t s[8];
    int f[8];
    cr_assert_eq(pg_paginate(b, 3, &PLAIN_100, s, f, NULL), 2);
    cr_assert_eq(s[1], 1);
}

Test(paginate, no_break_before_moves_lines_along)
{
    /* a break before 3 is forbidden (a widow), so the page breaks before 2 */
    pg_flow_box b[5] = {BOX(20, 0, 0), BOX(20, 0, 0), BOX(20, 0, 0), BOX(20, 0, 1), BOX(20, 0, 0)};
    size_t s[8];
    int f[8];
    cr_assert_eq(pg_paginate(b, 5, &PLAIN_70, s, f, NULL), 2);
    cr_assert_eq(s[1], 2);
}

Test(paginate, unbreakable_run_longer_than_a_page_is_cut_where_full)
{
    pg_flow_box b[6];
    for (int i = 0; i < 6; i++)
        b[i] = BOX(20, 0, i > 0);
    pg_page_geom g = {.avail = 50, .foot_pitch = 10, .foot_sep = 5};
    size_t s[8];
    int f[8], of = 0;
    cr_assert_eq(pg_paginate(b, 6, &g, s, f, &of), 3);
    cr_assert_eq(s[1], 2);
    cr_assert_eq(s[2], 4);
    cr_assert_eq(of, 0);
}

Test(paginate, box_taller_than_a_page_is_placed_alone, .timeout = 5)
{
    pg_flow_box b[3] = {BOX(10, 0, 0), BOX(500, 0, 0), BOX(10, 0, 0)};
    size_t s[8];
    int f[8], of = 0;
    cr_assert_eq(pg_paginate(b, 3, &PLAIN_100, s, f, &of), 3);
    cr_assert_eq(s[1], 1);
    cr_assert_eq(s[2], 2);
    cr_assert_eq(of, 1);
}

Test(paginate, a_line_moves_to_the_next_page_with_its_note)
{
    /* lines of 20 on pages of 100; line 3 carries a note of 3 lines: 80 + 5 + 30
     * does not fit, so line 3 starts page 2, and its note is there */
    pg_flow_box b[5];
    for (int i = 0; i < 5; i++)
        b[i] = BOX(20, 0, 0);
    b[3].foot_lines = 3;
    size_t s[8];
    int f[8];
    cr_assert_eq(pg_paginate(b, 5, &PLAIN_100, s, f, NULL), 2);
    cr_assert_eq(s[1], 3);
    cr_assert_eq(f[0], 0);
    cr_assert_eq(f[1], 3);
}

Test(paginate, a_note_taller_than_a_page_continues, .timeout = 5)
{
    /* one line with a note of 20 lines: 7 lines fit under it, 9 on the next page
     * (a page of notes only), the last 4 on the third page with the next line */
    pg_flow_box b[2] = {BOX(20, 0, 0), BOX(20, 0, 0)};
    b[0].foot_lines = 20;
    size_t s[8];
    int f[8];
    size_t n = pg_paginate(b, 2, &PLAIN_100, s, f, NULL);
    cr_assert_eq(n, 3);
    cr_assert_eq(f[0], 7);
    cr_assert_eq(f[1], 9);
    cr_assert_eq(f[2], 4);
    cr_assert_eq(s[1], 1, "page 2 holds no box");
    cr_assert_eq(s[2], 1);
}

Test(paginate, header_height_reserved_on_continuation_pages)
{
    /* box 0 is a table header (30); bands 1..6 of 20 repeat it: page 2 starts
     * with the header, so it takes 3 bands of 20 under 30 in 100 */
    pg_flow_box b[7];
    b[0] = BOX(30, 0, 0);
    for (int i = 1; i < 7; i++) {
        b[i] = BOX(20, 0, 0);
        b[i].header = 1;
    }
    size_t s[8];
    int f[8];
    cr_assert_eq(pg_paginate(b, 7, &PLAIN_100, s, f, NULL), 2);
    cr_assert_eq(s[1], 4);
}

/* A number in [0, m) from *seed (a linear congruential generator). */
static unsigned next_random(unsigned *seed, unsigned m)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) % m;
}

/* Pages decided while the flow is still being made (more = 1, after each box
 * added) are the pages of the whole flow: random flows of boxes with gaps,
 * keeps, footnote lines (some longer than a page) and a table header, broken
 * at once and step by step, give the same first boxes and footnote counts. */
Test(paginate, step_by_step_gives_the_pages_of_the_whole_flow)
{
    enum { N = 60, CAP = 4 * N + 8 };
    const pg_page_geom g = {.avail = 100, .foot_pitch = 10, .foot_sep = 5};
    unsigned seed = 12345;
#define RND(m) next_random(&seed, (m))
    for (int round = 0; round < 400; round++) {
        pg_flow_box b[N];
        size_t n = 10 + RND(N - 10);
        for (size_t i = 0; i < n; i++) {
            b[i] = BOX(5 + RND(45), RND(3) ? 0 : RND(15), i > 0 && RND(3) == 0);
            b[i].foot_lines = RND(6) == 0 ? (int)RND(18) : 0;
            if (round % 3 == 0 && i > 0 && i < n / 2) /* a table: box 0 its header */
                b[i].header = 1;
            if (RND(40) == 0)
                b[i].height = 130; /* taller than a page */
        }
        size_t whole[CAP];
        int whole_foot[CAP], of_whole = 0;
        size_t np = pg_paginate(b, n, &g, whole, whole_foot, &of_whole);
        cr_assert_lt(np, (size_t)CAP);
        pg_paginate_state st = {0};
        size_t first, got = 0;
        int foot, of_steps = 0;
        for (size_t have = 1; have <= n; have++) {
            int more = have < n;
            while (pg_paginate_next(b, have, more, &g, &st, &first, &foot, &of_steps)) {
                cr_assert_lt(got, np, "round %d: more pages step by step", round);
                cr_assert_eq(first, whole[got], "round %d page %zu: first box", round, got);
                cr_assert_eq(foot, whole_foot[got], "round %d page %zu: notes", round, got);
                if (more)
                    cr_assert_lt(st.next, have, "round %d: the last box given was placed",
                                 round);
                got++;
            }
        }
        cr_assert_eq(got, np, "round %d: %zu pages step by step, %zu at once", round, got, np);
        cr_assert_eq(of_steps, of_whole);
    }
#undef RND
}

/* ---- pagination rules on real layouts ---------------------------------------------- */

static pg_fonts *fonts;
static pg_style *style;
static pg_engine *engine; /* runs the generated plans: the pipeline as the CLI runs it */

static void setup(void)
{
    pg_diag_list d = {0};
    fonts = pg_fonts_new(PG_SOURCE_DIR "/fonts", &d);
    style = pg_style_load(PG_SOURCE_DIR "/templates/styles/party.xml", &d);
    cr_assert_not_null(fonts);
    cr_assert_not_null(style);
    pg_options o = {.data_dir = PG_SOURCE_DIR, .today = "2023-01-02"};
    engine = pg_engine_new(&o);
    pg_diag_list_free(&d);
}

static void teardown(void)
{
    pg_fonts_free(fonts);
    pg_style_unref(style);
    pg_engine_free(engine);
}

static const char *const SENTENCE =
    "Các cấp ủy, tổ chức đảng quán triệt sâu sắc nội dung kế hoạch và tổ chức thực hiện "
    "nghiêm túc, hiệu quả. ";

/* A plan with `filler` one-line-to-six-line paragraphs, then a titled section with
 * a paragraph of `last_words` sentences. */
static pg_pages *make(int filler, int last_sentences, pg_doc **docp)
{
    pg_buf b = {0};
    pg_buf_puts(&b, "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"ĐUK\">ĐẢNG ỦY KHỐI</issuer>"
                    "<number>1</number><place>Huế</place><date>2023-01-02</date>"
                    "<summary>thử ngắt trang</summary><section title=\"MỘT\">");
    for (int i = 0; i < filler; i++) {
        pg_buf_puts(&b, "<p>");
        for (int k = 0; k <= i % 6; k++)
            pg_buf_puts(&b, SENTENCE);
        pg_buf_puts(&b, "</p>");
    }
    pg_buf_puts(&b, "<section title=\"Mục cuối\"><p>");
    for (int k = 0; k < last_sentences; k++)
        pg_buf_puts(&b, SENTENCE);
    pg_buf_puts(&b, "</p></section></section><recipients><to>Ban A</to><to>Ban B</to>"
                    "<archive>VP</archive></recipients><signature authority=\"on-behalf\" "
                    "collective=\"BAN THƯỜNG VỤ\" title=\"BÍ THƯ\" name=\"Nguyễn Văn A\"/></plan>");
    pg_result r;
    pg_run(engine, "gen.xml", pg_buf_str(&b), b.len, PG_STAGE_LAYOUT, &r);
    pg_buf_free(&b);
    if (r.diags.n)
        pg_diag_print(&r.diags, stderr);
    cr_assert(r.ok);
    cr_assert_not_null(r.pages);
    cr_assert_eq(r.diags.n, 0);
    pg_pages *pp = r.pages;
    *docp = r.doc;
    r.pages = NULL;
    r.doc = NULL;
    pg_result_free(&r);
    return pp;
}

static int is_heading(pg_role r)
{
    return r >= PG_ROLE_HEADING1 && r <= PG_ROLE_HEADING4;
}

static int is_body(pg_role r)
{
    return r == PG_ROLE_BODY || r == PG_ROLE_ITEM || r == PG_ROLE_BASIS;
}

/* The paragraph (or list item) each item of the pages belongs to, by the
 * structure events: writes its id for every body TEXT item (0 elsewhere) in
 * page order into ids, and the number of lines of each id into lines. */
static void paragraph_ids(const pg_pages *pp, int *ids, size_t n_ids, int *lines, size_t n_lines)
{
    size_t k = 0;
    int cur = 0;
    for (size_t p = 0; p < pp->n; p++)
        for (size_t i = 0; i < pp->pages[p].n; i++) {
            const pg_item *it = &pp->pages[p].items[i];
            if (it->kind == PG_ITEM_BEGIN && (it->structure == PG_STRUCT_PARAGRAPH ||
                                              it->structure == PG_STRUCT_LIST_ITEM))
                cur = it->id;
            else if (it->kind == PG_ITEM_END && it->id == cur)
                cur = 0;
            int id = it->kind == PG_ITEM_TEXT && is_body(it->role) ? cur : 0;
            cr_assert(k < n_ids && (size_t)id < n_lines);
            ids[k++] = id;
            lines[id] += id != 0;
        }
}

/* Checks every rule of item 6 of the foundation issue on one layout. */
static void check_rules(const pg_pages *pp, int filler, int last)
{
    size_t closing_page = 0;
    int closing_seen = 0;
    size_t n_items = 0;
    for (size_t p = 0; p < pp->n; p++)
        n_items += pp->pages[p].n;
    int *ids = calloc(n_items + 1, sizeof *ids), *lines = calloc(n_items + 1, sizeof *lines);
    paragraph_ids(pp, ids, n_items + 1, lines, n_items + 1);
    size_t at = 0;
    for (size_t p = 0; p < pp->n; p++) {
        const pg_page *pg = &pp->pages[p];
        /* a heading never ends a page: the last text item before the page
         * number is not a heading */
        const pg_item *last_text = NULL;
        for (size_t k = 0; k < pg->n; k++)
            if (pg->items[k].kind == PG_ITEM_TEXT && pg->items[k].role != PG_ROLE_PAGE_NUMBER)
                last_text = &pg->items[k];
        cr_assert_not_null(last_text, "page %zu is empty (filler %d)", p + 1, filler);
        cr_assert_not(is_heading(last_text->role), "page %zu ends with a heading (filler %d, last %d)",
                      p + 1, filler, last);
        /* no single line of a paragraph alone at a page's top or foot */
        for (size_t k = 0; k < pg->n; k++) {
            int id = ids[at + k];
            if (!id)
                continue;
            int total = lines[id];
            cr_assert_gt(total, 0);
            if (total < 2)
                continue;
            int here = 0;
            for (size_t j = 0; j < pg->n; j++)
                here += ids[at + j] == id;
            cr_assert(here == total || here >= 2,
                      "page %zu holds %d of %d lines of a paragraph (filler %d, last %d)", p + 1,
                      here, total, filler, last);
        }
        at += pg->n;
        /* the closing block is never split */
        for (size_t k = 0; k < pg->n; k++) {
            pg_role r = pg->items[k].role;
            if (r == PG_ROLE_RECIPIENTS_HEADING || r == PG_ROLE_SIGN_AUTHORITY ||
                r == PG_ROLE_SIGN_NAME || r == PG_ROLE_RECIPIENT) {
                if (closing_seen)
                    cr_assert_eq(closing_page, p, "closing block split (filler %d)", filler);
                closing_seen = 1;
                closing_page = p;
            }
        }
    }
    cr_assert(closing_seen);
    /* and never alone on its page: body text stands above it */
    const pg_page *cp = &pp->pages[closing_page];
    int body_lines = 0;
    for (size_t k = 0; k < cp->n; k++)
        body_lines += cp->items[k].kind == PG_ITEM_TEXT && is_body(cp->items[k].role);
    cr_assert_geq(body_lines, 1, "closing block alone on page %zu (filler %d, last %d)",
                  closing_page + 1, filler, last);
    free(ids);
    free(lines);
}

Test(pagination, rules_hold_at_every_break_position, .init = setup, .fini = teardown,
     .timeout = 120)
{
    for (int filler = 8; filler <= 40; filler += 1) {
        for (int last = 1; last <= 5; last += 2) {
            pg_doc *doc;
            pg_pages *pp = make(filler, last, &doc);
            cr_assert_geq(pp->n, 1);
            check_rules(pp, filler, last);
            pg_pages_free(pp);
            pg_doc_free(doc);
        }
    }
}

Test(pagination, page_numbers_from_page_two, .init = setup, .fini = teardown)
{
    pg_doc *doc;
    pg_pages *pp = make(30, 3, &doc);
    cr_assert_geq(pp->n, 2);
    for (size_t p = 0; p < pp->n; p++) {
        int found = 0;
        for (size_t k = 0; k < pp->pages[p].n; k++) {
            const pg_item *it = &pp->pages[p].items[k];
            if (it->role != PG_ROLE_PAGE_NUMBER)
                continue;
            char *s = pg_item_text(it);
            char want[32];
            snprintf(want, sizeof want, "%zu", p + 1);
            cr_assert_str_eq(s, want);
            free(s);
            found++;
        }
        cr_assert_eq(found, p == 0 ? 0 : 1, "page %zu", p + 1);
    }
    pg_pages_free(pp);
    pg_doc_free(doc);
}

/* ---- the layout cache shared by the plans of a process ---------------------------- */

/* A laid-out paragraph of the words "từ i" repeated: about `words` words. */
static PangoLayout *paragraph(PangoContext *ctx, int i, int words)
{
    pg_buf t = {0};
    for (int k = 0; k < words; k++)
        pg_buf_printf(&t, "từ %d ", i);
    PangoLayout *ly = pango_layout_new(ctx);
    pango_layout_set_text(ly, pg_buf_str(&t), -1);
    pango_layout_set_width(ly, 300 * PANGO_SCALE);
    pango_layout_get_line_count(ly);
    pg_buf_free(&t);
    return ly;
}

static void store_paragraph(pg_layout_cache *cache, PangoContext *ctx, int i, int words)
{
    char key[32];
    snprintf(key, sizeof key, "key-%d", i);
    PangoLayout *ly = paragraph(ctx, i, words);
    pg_layout_cache_store(cache, key, ly);
    g_object_unref(ly);
}

static int kept(pg_layout_cache *cache, int i)
{
    char key[32];
    snprintf(key, sizeof key, "key-%d", i);
    PangoLayout *ly = pg_layout_cache_lookup(cache, key);
    if (ly)
        g_object_unref(ly);
    return ly != NULL;
}

Test(layout_cache, returns_what_was_stored, .init = setup, .fini = teardown)
{
    PangoContext *ctx = pg_fonts_context(fonts);
    pg_layout_cache *cache = pg_layout_cache_new();
    PangoLayout *first = pango_layout_new(ctx);
    pango_layout_set_text(first, "Hà Nội", -1);
    pg_layout_cache_store(cache, "key-0", first);
    PangoLayout *got = pg_layout_cache_lookup(cache, "key-0");
    cr_assert_eq(got, first, "a stored layout is found again");
    /* its lines were converted when stored: the same line is handed out again */
    pg_text *a = pg_layout_cache_line(cache, got, 0), *b = pg_layout_cache_line(cache, got, 0);
    cr_assert_not_null(a);
    cr_assert_eq(a, b, "a stored layout's line is converted once");
    cr_assert_str_eq(a->text, "Hà Nội");
    cr_assert_eq(a->n_runs, 1);
    cr_assert_str_eq(pg_face_name(a->runs[0].face), "Liberation Serif");
    cr_assert_null(pg_layout_cache_line(cache, got, 1), "no second line");
    pg_text_unref(a);
    pg_text_unref(b);
    g_object_unref(got);
    cr_assert_null(pg_layout_cache_lookup(cache, "key-1"), "nothing stored under another key");
    g_object_unref(first);
    pg_layout_cache_free(cache);
    g_object_unref(ctx);
}

Test(layout_cache, a_key_differing_in_any_field_misses, .init = setup, .fini = teardown)
{
    /* the inputs of make_layout_wrap, then each changed in turn (a different
     * alignment, wrap mode, underline; attributes where there were none) */
    const char *font = "Times New Roman 14px", *other_font = "Times New Roman 13px";
    const char *attrs = "0 4 weight bold", *text = "Hà Nội|và Huế";
    char *keys[] = {
        pg_layout_cache_key(font, 300000, 0, 0, 2, 0, NULL, text),
        pg_layout_cache_key(other_font, 300000, 0, 0, 2, 0, NULL, text),
        pg_layout_cache_key("Times New Roman Bold 14px", 300000, 0, 0, 2, 0, NULL, text),
        pg_layout_cache_key(font, 300001, 0, 0, 2, 0, NULL, text),
        pg_layout_cache_key(font, -1, 0, 0, 2, 0, NULL, text),
        pg_layout_cache_key(font, 300000, 3, 0, 2, 0, NULL, text),
        pg_layout_cache_key(font, 300000, 0, 14336, 2, 0, NULL, text),
        pg_layout_cache_key(font, 300000, 0, 0, 1, 0, NULL, text),
        pg_layout_cache_key(font, 300000, 0, 0, 2, 1, NULL, text),
        pg_layout_cache_key(font, 300000, 0, 0, 2, 0, attrs, text),
        pg_layout_cache_key(font, 300000, 0, 0, 2, 0, NULL, "Hà Nội|và Huế."),
        /* strings that would run together without their lengths */
        pg_layout_cache_key(font, 300000, 0, 0, 2, 0, "|", "và Huế"),
        pg_layout_cache_key(font, 300000, 0, 0, 2, 0, NULL, "|và Huế"),
        pg_layout_cache_key("Times New Roman 14px|300000", 0, 0, 2, 0, 0, NULL, text),
    };
    size_t n = sizeof keys / sizeof *keys;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            cr_assert_str_neq(keys[i], keys[j], "keys %zu and %zu", i, j);
    char *again = pg_layout_cache_key(font, 300000, 0, 0, 2, 0, NULL, text);
    cr_assert_str_eq(again, keys[0], "the same inputs make the same key");
    /* a layout stored under one key is found under that key alone */
    PangoContext *ctx = pg_fonts_context(fonts);
    pg_layout_cache *cache = pg_layout_cache_new();
    PangoLayout *ly = paragraph(ctx, 1, 5);
    pg_layout_cache_store(cache, keys[0], ly);
    for (size_t i = 1; i < n; i++)
        cr_assert_null(pg_layout_cache_lookup(cache, keys[i]), "key %zu misses", i);
    PangoLayout *got = pg_layout_cache_lookup(cache, again);
    cr_assert_eq(got, ly);
    g_object_unref(got);
    g_object_unref(ly);
    pg_layout_cache_free(cache);
    g_object_unref(ctx);
    for (size_t i = 0; i < n; i++)
        g_free(keys[i]);
    g_free(again);
}

Test(layout_cache, counts_what_a_layout_holds, .init = setup, .fini = teardown)
{
    PangoContext *ctx = pg_fonts_context(fonts);
    pg_layout_cache *cache = pg_layout_cache_new_budget(1 << 20, 1 << 20);
    PangoLayout *small = paragraph(ctx, 1, 10), *large = paragraph(ctx, 1, 200);
    size_t s0 = pg_layout_cache_layout_bytes(small), l0 = pg_layout_cache_layout_bytes(large);
    /* 1,000 bytes of text in about 13 lines: per character a log attribute (4 bytes)
     * and a glyph (20 + 4 bytes in pango's string), and the lines */
    cr_assert_gt(l0, s0 + 190 * 5 * 28, "%zu bytes against %zu", l0, s0);
    pg_layout_cache_store(cache, "large", large);
    /* the lines converted when stored count too (a glyph of the display list: 40 bytes) */
    size_t l1 = pg_layout_cache_layout_bytes(large);
    cr_assert_gt(l1, l0 + 1000 * sizeof(pg_glyph), "%zu bytes against %zu", l1, l0);
    pg_layout_cache_stats st;
    pg_layout_cache_get_stats(cache, &st);
    cr_assert_eq(st.entries, 1);
    cr_assert_geq(st.bytes, l1, "the cache counts at least what its layout holds");
    cr_assert_lt(st.bytes, l1 + 4096, "and its table and entry besides");
    g_object_unref(small);
    g_object_unref(large);
    pg_layout_cache_free(cache);
    g_object_unref(ctx);
}

Test(layout_cache, stays_within_its_budget_evicting_the_least_recently_used, .init = setup,
     .fini = teardown)
{
    PangoContext *ctx = pg_fonts_context(fonts);
    const size_t budget = 256 << 10;
    pg_layout_cache *cache = pg_layout_cache_new_budget(budget, 64 << 10);
    pg_layout_cache_stats st;
    store_paragraph(cache, ctx, 0, 40);
    store_paragraph(cache, ctx, 1, 40);
    for (int i = 2; i < 400; i++) {
        cr_assert(kept(cache, 0), "the paragraph used again and again stays (at %d)", i);
        store_paragraph(cache, ctx, i, 40);
        pg_layout_cache_get_stats(cache, &st);
        cr_assert_leq(st.bytes, budget, "%zu bytes held after %d layouts", st.bytes, i + 1);
        /* every layout found under its key, every byte counted */
        cr_assert(pg_layout_cache_check(cache), "after %d layouts", i + 1);
    }
    pg_layout_cache_get_stats(cache, &st);
    cr_assert_gt(st.evictions, 300, "layouts were evicted (%lu)", st.evictions);
    cr_assert_gt(st.bytes, budget / 2, "the cache is not emptied: it holds %zu bytes", st.bytes);
    cr_assert_not(kept(cache, 1), "the paragraph used once long ago is gone");
    cr_assert(kept(cache, 399), "the last one stored is kept");
    cr_assert(kept(cache, 398));
    pg_layout_cache_free(cache);
    g_object_unref(ctx);
}

Test(layout_cache, a_layout_in_use_survives_its_eviction, .init = setup, .fini = teardown)
{
    PangoContext *ctx = pg_fonts_context(fonts);
    pg_layout_cache *cache = pg_layout_cache_new_budget(128 << 10, 64 << 10);
    store_paragraph(cache, ctx, 0, 40);
    PangoLayout *held = pg_layout_cache_lookup(cache, "key-0");
    cr_assert_not_null(held);
    pg_text *line = pg_layout_cache_line(cache, held, 1);
    char *before = g_strdup(line->text);
    for (int i = 1; i < 100; i++)
        store_paragraph(cache, ctx, i, 40);
    cr_assert_not(kept(cache, 0), "evicted");
    /* the caller's reference keeps the layout and its lines whole */
    cr_assert_eq(G_OBJECT(held)->ref_count, 1, "the cache let go of its reference, not ours");
    cr_assert_geq(pango_layout_get_line_count(held), 2);
    pg_text *again = pg_layout_cache_line(cache, held, 1);
    cr_assert_eq(again, line, "its converted lines went with it");
    cr_assert_str_eq(again->text, before);
    pg_text_unref(again);
    g_object_unref(held);
    cr_assert_eq(line->refs, 1, "the line outlives the layout while an item holds it");
    cr_assert_str_eq(line->text, before);
    pg_text_unref(line);
    g_free(before);
    pg_layout_cache_free(cache);
    g_object_unref(ctx);
}

Test(layout_cache, the_same_plan_lays_out_the_same_with_a_warm_cache, .init = setup,
     .fini = teardown)
{
    pg_doc *d1, *d2;
    pg_pages *cold = make(12, 2, &d1);
    pg_pages *warm = make(12, 2, &d2);
    cr_assert_eq(cold->n, warm->n);
    for (size_t p = 0; p < cold->n; p++) {
        cr_assert_eq(cold->pages[p].n, warm->pages[p].n, "page %zu", p + 1);
        for (size_t k = 0; k < cold->pages[p].n; k++) {
            const pg_item *a = &cold->pages[p].items[k], *b = &warm->pages[p].items[k];
            cr_assert(a->x == b->x && a->y == b->y && a->kind == b->kind, "page %zu item %zu",
                      p + 1, k);
            if (a->kind == PG_ITEM_TEXT)
                cr_assert_eq(a->text, b->text, "a warm cache hands out the same glyph runs");
        }
    }
    pg_pages_free(cold);
    pg_pages_free(warm);
    pg_doc_free(d1);
    pg_doc_free(d2);
}

Test(font_metrics, the_font_extents_are_pangos_ascent_and_descent, .init = setup,
     .fini = teardown)
{
    /* pg_fonts_metrics() reads the font's extents instead of asking pango (which
     * shapes a sample text for each font): both must give the same numbers */
    PangoContext *ctx = pg_fonts_context(fonts);
    static const int sizes[] = {10, 11, 12, 13, 14, 15, 16, 18};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int face = 0; face < 4; face++) {
            PangoFontDescription *d = pango_font_description_new();
            pango_font_description_set_family(d, "Times New Roman");
            pango_font_description_set_absolute_size(d, sizes[i] * PANGO_SCALE);
            pango_font_description_set_weight(d,
                                              face & 1 ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
            pango_font_description_set_style(d, face & 2 ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
            char *key = pango_font_description_to_string(d);
            double asc, desc;
            pg_fonts_metrics(fonts, ctx, d, key, &asc, &desc);
            PangoFontMetrics *m = pango_context_get_metrics(ctx, d, NULL);
            cr_expect_float_eq(asc, pango_font_metrics_get_ascent(m) / (double)PANGO_SCALE, 1e-9,
                               "%s: ascent %.4f, pango %.4f", key, asc,
                               pango_font_metrics_get_ascent(m) / (double)PANGO_SCALE);
            cr_expect_float_eq(desc, pango_font_metrics_get_descent(m) / (double)PANGO_SCALE, 1e-9,
                               "%s: descent %.4f, pango %.4f", key, desc,
                               pango_font_metrics_get_descent(m) / (double)PANGO_SCALE);
            cr_expect(asc > sizes[i] * 0.8 && desc > sizes[i] * 0.15, "%s: %.3f %.3f", key, asc,
                      desc);
            pango_font_metrics_unref(m);
            g_free(key);
            pango_font_description_free(d);
        }
    g_object_unref(ctx);
}
