/* Hostile plans and styles: nothing may hang, crash or overflow. Each case runs
 * the whole pipeline (parse, resolve, number, lint, layout, PDF in memory) under
 * a timeout and checks that it ends with pages or with a clear error. */
#include "plangen.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PARTY PG_SOURCE_DIR "/templates/styles/party.xml"

static const char *const HEAD =
    "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"ĐUK\">ĐẢNG ỦY KHỐI</issuer>"
    "<number>1</number><place>Huế</place><date>2023-01-02</date><summary>thử</summary>";
static const char *const TAIL =
    "<recipients><to>Ban A</to><archive>VP</archive></recipients>"
    "<signature authority=\"on-behalf\" collective=\"BAN THƯỜNG VỤ\" title=\"BÍ THƯ\" "
    "name=\"Nguyễn Văn A\"/></plan>";

/* Runs the pipeline on HEAD + body + TAIL with the style at style_path; returns
 * the page count (0 when it ended with an error, which is fine) and the text of
 * the PDF's first bytes check. */
static size_t run(const char *body, const char *style_path, pg_diag_list *d)
{
    GString *x = g_string_new(HEAD);
    g_string_append(x, body);
    g_string_append(x, TAIL);
    pg_options o = {.data_dir = PG_SOURCE_DIR, .style = style_path, .today = "2023-01-02"};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    pg_run(e, PG_SOURCE_DIR "/tests/hostile.xml", x->str, x->len, PG_STAGE_LAYOUT, &r);
    size_t pages = 0;
    if (r.pages) {
        unsigned char *pdf = NULL;
        size_t len = 0;
        cr_assert(pg_result_pdf_memory(e, &r, &pdf, &len));
        cr_assert(len > 100 && memcmp(pdf, "%PDF", 4) == 0);
        free(pdf);
        pages = r.pages->n;
    }
    if (getenv("PG_TEST_VERBOSE"))
        pg_diag_print(&r.diags, stderr);
    pg_diag_take(d, &r.diags);
    pg_result_free(&r);
    pg_engine_free(e);
    g_string_free(x, TRUE);
    return pages;
}

Test(hostile, a_word_longer_than_the_line_is_broken, .timeout = 60)
{
    GString *b = g_string_new("<p>");
    for (int i = 0; i < 3000; i++)
        g_string_append_c(b, 'A' + i % 26);
    g_string_append(b, "</p>");
    pg_diag_list d = {0};
    cr_assert_geq(run(b->str, PARTY, &d), 1);
    cr_assert_neq(pg_diag_worst(&d), PG_LEVEL_ERROR);
    pg_diag_list_free(&d);
    g_string_free(b, TRUE);
}

Test(hostile, ten_thousand_sections, .timeout = 120)
{
    /* ten parts of a thousand sections each (roman numbers end at 3999) */
    GString *b = g_string_new(NULL);
    for (int k = 0; k < 10; k++) {
        g_string_append_printf(b, "<section title=\"PHẦN %d\">", k);
        for (int i = 0; i < 1000; i++)
            g_string_append_printf(b, "<section title=\"Mục %d\"><p>Nội dung %d.</p></section>",
                                   i, i);
        g_string_append(b, "</section>");
    }
    pg_diag_list d = {0};
    size_t pages = run(b->str, PARTY, &d);
    cr_assert_gt(pages, 100, "%zu pages", pages);
    pg_diag_list_free(&d);
    g_string_free(b, TRUE);
}

Test(hostile, empty_sections_and_tables, .timeout = 60)
{
    pg_diag_list d = {0};
    size_t pages = run("<section/><section title=\"A\"/><section><section/></section>"
                       "<table><row><cell/><cell/></row></table>"
                       "<table><row header=\"yes\"><cell/></row><row><cell/></row></table><p>x</p>",
                       PARTY, &d);
    cr_assert_geq(pages, 1);
    cr_assert_neq(pg_diag_worst(&d), PG_LEVEL_ERROR);
    pg_diag_list_free(&d);
}

Test(hostile, a_footnote_taller_than_a_page, .timeout = 60)
{
    GString *b = g_string_new("<p>Mở đầu<footnote>");
    for (int i = 0; i < 400; i++)
        g_string_append(b, "Chú thích rất dài, lặp lại để vượt quá một trang. ");
    g_string_append(b, "</footnote> và kết thúc.</p><p>Đoạn sau.</p>");
    pg_diag_list d = {0};
    size_t pages = run(b->str, PARTY, &d);
    cr_assert_geq(pages, 3, "the note goes on over the next pages (%zu pages)", pages);
    pg_diag_list_free(&d);
    g_string_free(b, TRUE);
}

Test(hostile, a_table_cell_taller_than_a_page, .timeout = 60)
{
    GString *b = g_string_new("<table><row><cell>");
    for (int i = 0; i < 3000; i++)
        g_string_append(b, "chữ ");
    g_string_append(b, "</cell><cell>x</cell></row></table>");
    pg_diag_list d = {0};
    cr_assert_geq(run(b->str, PARTY, &d), 2);
    pg_diag_list_free(&d);
    g_string_free(b, TRUE);
}

static char *style_with(const char *find, const char *replace)
{
    gchar *party = NULL;
    cr_assert(g_file_get_contents(PARTY, &party, NULL, NULL));
    GString *s = g_string_new(party);
    cr_assert(strstr(s->str, find), "%s not in party.xml", find);
    g_string_replace(s, find, replace, 0);
    char *path = NULL;
    int fd = g_file_open_tmp("pg-hostile-XXXXXX.xml", &path, NULL);
    cr_assert(write(fd, s->str, s->len) == (ssize_t)s->len);
    close(fd);
    g_string_free(s, TRUE);
    g_free(party);
    return path;
}

Test(hostile, a_signature_block_taller_than_a_page, .timeout = 60)
{
    char *style = style_with("space=\"72pt\"", "space=\"300pt\"");
    GString *b = g_string_new("<p>x</p></plan>");
    g_string_truncate(b, 0);
    GString *x = g_string_new(HEAD);
    g_string_append(x, "<p>x</p><recipients>");
    for (int i = 0; i < 80; i++)
        g_string_append_printf(x, "<to>Đơn vị nhận số %d</to>", i);
    g_string_append(x, "<archive>VP</archive></recipients><signature title=\"BÍ THƯ\" "
                       "name=\"A\"/></plan>");
    pg_options o = {.data_dir = PG_SOURCE_DIR, .style = style, .today = "2023-01-02"};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    pg_run(e, PG_SOURCE_DIR "/tests/h.xml", x->str, x->len, PG_STAGE_LAYOUT, &r);
    cr_assert_not_null(r.pages);
    int overflow = 0;
    for (size_t i = 0; i < r.diags.n; i++)
        overflow |= r.diags.items[i].code == PG_W_LAYOUT_OVERFLOW;
    cr_assert(overflow, "a block taller than a page is reported");
    pg_result_free(&r);
    pg_engine_free(e);
    g_string_free(x, TRUE);
    g_string_free(b, TRUE);
    unlink(style);
    g_free(style);
}

Test(hostile, extreme_style_values, .timeout = 120)
{
    static const struct {
        const char *find, *replace;
        int style_error;
    } cases[] = {
        {"role=\"body\" size=\"14\"", "role=\"body\" size=\"72\"", 0},
        {"role=\"body\" size=\"14\"", "role=\"body\" size=\"4\"", 0},
        {"role=\"body\" size=\"14\"", "role=\"body\" size=\"900\"", 1},
        {"role=\"body\" size=\"14\"", "role=\"body\" size=\"-3\"", 1},
        {"indent=\"10mm\"", "indent=\"-200pt\"", 0},
        {"indent=\"10mm\"", "indent=\"200pt\"", 0},
        {"pitch=\"18\"", "pitch=\"0\"", 0},
        {"left=\"30mm\"", "left=\"200mm\"", 1},
        {"left-width=\"45%\"", "left-width=\"0%\"", 1},
        {"size=\"30mm\" align=\"left\"", "size=\"400pt\" align=\"left\"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *style = style_with(cases[i].find, cases[i].replace);
        pg_diag_list d = {0};
        pg_style *st = pg_style_load(style, &d);
        cr_assert_eq(st == NULL, cases[i].style_error, "%s: style %s", cases[i].replace,
                     st ? "accepted" : "refused");
        pg_style_unref(st);
        if (!cases[i].style_error) {
            size_t pages = run("<section title=\"MỘT\"><p>Nội dung của mục, đủ dài để xuống "
                               "dòng một vài lần trong trang giấy khổ A4.</p><item>Một ý.</item>"
                               "<table><row><cell>a</cell><cell>b</cell></row></table>"
                               "<qr href=\"https://example.vn\"/></section>",
                               style, &d);
            cr_assert_geq(pages, 1, "%s: no pages", cases[i].replace);
        }
        pg_diag_list_free(&d);
        unlink(style);
        g_free(style);
    }
}

Test(hostile, a_table_wider_than_the_text_is_refused_at_its_line, .timeout = 60)
{
    /* 50 mm of text width (142 pt) holds ten columns of 14 pt: twelve divided
     * 0/0 once, and the table went to x = -9.2e15 through NaN */
    char *style = style_with("left=\"30mm\" right=\"15mm\"", "left=\"80mm\" right=\"80mm\"");
    GString *b = g_string_new("<section title=\"MỘT\"><p>Bảng.</p>\n<table>");
    for (int r = 0; r < 2; r++) {
        g_string_append(b, "<row>");
        for (int c = 0; c < 12; c++)
            g_string_append(b, "<cell>9</cell>");
        g_string_append(b, "</row>");
    }
    g_string_append(b, "</table></section>");
    pg_diag_list d = {0};
    size_t pages = run(b->str, style, &d);
    cr_expect_eq(pages, 0, "the table was laid out");
    int found = 0;
    for (size_t i = 0; i < d.n; i++)
        if (d.items[i].code == PG_E_BAD_VALUE && d.items[i].line == 2 && d.items[i].col == 1 &&
            strcmp(d.items[i].detail,
                   "the table has 12 columns; the text width of 142 pt holds at most 10 columns "
                   "of 14 pt: use fewer columns, a style with a wider text, or a landscape "
                   "<appendix>") == 0)
            found = 1;
    cr_expect(found, "no diagnostic at the table's line");
    pg_diag_list_free(&d);
    /* ten columns fit exactly: laid out, every column 14 pt or wider */
    g_string_assign(b, "<table>");
    for (int c = 0; c < 10; c++)
        g_string_append(b, "<col width=\"1*\"/>");
    g_string_append(b, "<row><cell>1</cell><cell>2</cell><cell>3</cell><cell>4</cell><cell>5"
                       "</cell><cell>6</cell><cell>7</cell><cell>8</cell><cell>9</cell><cell>10"
                       "</cell></row></table>");
    cr_expect_geq(run(b->str, style, &d), 1);
    pg_diag_list_free(&d);
    g_string_free(b, TRUE);
    unlink(style);
    g_free(style);
}

Test(hostile, margins_that_leave_no_text_width_are_refused_at_the_page_line, .timeout = 60)
{
    char *style = style_with("left=\"30mm\" right=\"15mm\"", "left=\"100mm\" right=\"100mm\"");
    pg_diag_list d = {0};
    cr_expect_null(pg_style_load(style, &d));
    cr_assert_eq(d.n, 1);
    cr_expect_str_eq(d.items[0].file, style);
    cr_expect_eq(d.items[0].line, 7, "line %d", d.items[0].line);
    cr_expect_str_eq(d.items[0].detail,
                     "the margins leave 28 x 729 pt for text; at least 72 x 72 pt is needed");
    pg_diag_list_free(&d);
    unlink(style);
    g_free(style);
}

/* A template of 80,000 missing placeholders, 80,000 unclosed "${", filled with
 * 20,000 parameters: linear (it took 12.8 s when each report counted the lines
 * from the top), and one report for the missing key, at its first line. */
Test(hostile, a_template_of_80000_missing_placeholders_is_filled_in_linear_time, .timeout = 5)
{
    GString *t = g_string_new("<plan>\n");
    for (int i = 0; i < 80000; i++)
        g_string_append(t, "<p>${x} ${y</p>\n");
    g_string_append(t, "</plan>\n");
    enum { N = 20000 };
    char **keys = g_new0(char *, N);
    const char **values = g_new0(const char *, N);
    for (int i = 0; i < N; i++) {
        keys[i] = g_strdup_printf("k%d", i);
        values[i] = "v";
    }
    pg_diag_list d = {0};
    char *out = pg_template_fill(t->str, "t.xml", (const char *const *)keys, values, N, &d);
    cr_expect_null(out);
    size_t missing = 0, unused = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (d.items[i].code == PG_E_PARAM) {
            missing++;
            cr_expect_eq(d.items[i].line, 2);
            cr_expect_str_eq(d.items[i].detail, "the template needs ${x}: give it with --set "
                                                "x=... (it stands in 80000 places; the first "
                                                "is here)");
        } else if (d.items[i].code == PG_W_UNUSED_PARAM) {
            unused++;
        }
    }
    cr_expect_eq(missing, 1);
    cr_expect_eq(unused, N);
    pg_diag_list_free(&d);
    for (int i = 0; i < N; i++)
        g_free(keys[i]);
    g_free(keys);
    g_free(values);
    g_string_free(t, TRUE);
}

/* A style naming a family nothing serves: the message says to copy its files into
 * fonts/, and suggests fonts-liberation2 only for Times New Roman, which it
 * stands in for. */
Test(hostile, an_unknown_font_family_is_not_told_to_install_liberation, .timeout = 60)
{
    char *style = style_with("<font family=\"Times New Roman\"/>",
                             "<font family=\"Garamond Nowhere\"/>");
    pg_diag_list d = {0};
    cr_expect_eq(run("<p>x</p>", style, &d), 0);
    int found = 0;
    for (size_t i = 0; i < d.n; i++)
        if (d.items[i].code == PG_E_FONT) {
            found = 1;
            cr_expect(strstr(d.items[i].detail, "copy the font files of \"Garamond Nowhere\" "
                                                "into fonts/"),
                      "%s", d.items[i].detail);
            cr_expect_null(strstr(d.items[i].detail, "liberation"), "%s", d.items[i].detail);
        }
    cr_expect(found, "no font error");
    pg_diag_list_free(&d);
    unlink(style);
    g_free(style);
}

/* -o "": the message names the plan and says what is empty (it printed an empty
 * file name). */
Test(hostile, an_empty_output_name_is_reported_with_the_plan, .timeout = 60)
{
    pg_options o = {.data_dir = PG_SOURCE_DIR, .today = "2023-01-02"};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    cr_assert(pg_run(e, PG_SOURCE_DIR "/plans/tra-vinh-duk-60-KH-2022.xml", NULL, 0,
                     PG_STAGE_LAYOUT, &r));
    pg_diag_list d = {0};
    cr_expect_not(pg_result_write_pdf(e, &r, "", &d));
    cr_assert_eq(d.n, 1);
    cr_expect_str_eq(d.items[0].file, PG_SOURCE_DIR "/plans/tra-vinh-duk-60-KH-2022.xml");
    cr_expect_str_eq(d.items[0].detail,
                     "the output's name is empty (-o \"\"); name a PDF file or a folder");
    pg_diag_list_free(&d);
    cr_expect_not(pg_result_write_png(&r, "", "x", 60, &d));
    cr_expect_eq(d.n, 1);
    pg_diag_list_free(&d);
    pg_result_free(&r);
    pg_engine_free(e);
}
