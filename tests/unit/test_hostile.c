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

Test(hostile, a_closing_block_taller_than_a_page_is_refused, .timeout = 60)
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
    /* one box that no page holds: its lines past the page's foot would be lost */
    cr_assert_null(r.pages);
    int refused = 0;
    for (size_t i = 0; i < r.diags.n; i++)
        refused |= r.diags.items[i].code == PG_E_TOO_LARGE && r.diags.items[i].detail &&
                   strstr(r.diags.items[i].detail, "the recipients take") != NULL;
    cr_assert(refused, "the recipients taller than a page are refused");
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

/* ---- long texts: printed whole, or refused with the limit, in linear time ---- */

/* Runs HEAD_OF(summary) + body + TAIL through the PDF writer; returns the
 * PDF's text as pdftotext reads it back (g_free), NULL when the plan ended
 * with an error (its diagnostics in d). */
static char *pdf_text(const char *summary, const char *body, pg_diag_list *d)
{
    GString *x = g_string_new(NULL);
    g_string_append_printf(x,
                           "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"ĐUK\">ĐẢNG ỦY "
                           "KHỐI</issuer><number>1</number><place>Huế</place><date>2023-01-02"
                           "</date><summary>%s</summary>",
                           summary);
    g_string_append(x, body);
    g_string_append(x, TAIL);
    pg_options o = {.data_dir = PG_SOURCE_DIR, .today = "2023-01-02"};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    pg_run(e, PG_SOURCE_DIR "/tests/hostile.xml", x->str, x->len, PG_STAGE_LAYOUT, &r);
    char *text = NULL;
    if (r.pages) {
        unsigned char *pdf = NULL;
        size_t len = 0;
        cr_assert(pg_result_pdf_memory(e, &r, &pdf, &len));
        char *path = NULL;
        int fd = g_file_open_tmp("pg-hostile-XXXXXX.pdf", &path, NULL);
        cr_assert(fd >= 0 && write(fd, pdf, len) == (ssize_t)len);
        close(fd);
        free(pdf);
        char *argv[] = {"pdftotext", path, "-", NULL};
        int status = -1;
        cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &text, NULL, &status, NULL));
        cr_assert_eq(status, 0, "pdftotext failed");
        unlink(path);
        g_free(path);
    }
    pg_diag_take(d, &r.diags);
    pg_result_free(&r);
    pg_engine_free(e);
    g_string_free(x, TRUE);
    return text;
}

/* n words "w000" .. "w999" over and over */
static GString *words(int n)
{
    GString *b = g_string_new(NULL);
    for (int i = 0; i < n; i++)
        g_string_append_printf(b, "%sw%03d", i ? " " : "", i % 1000);
    return b;
}

static size_t count_words(const char *text)
{
    size_t n = 0;
    for (const char *p = text; (p = strchr(p, 'w')); p++)
        n += g_ascii_isdigit(p[1]) && g_ascii_isdigit(p[2]) && g_ascii_isdigit(p[3]);
    return n;
}

static size_t count_char(const char *text, char c)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == c;
    return n;
}

/* An error of code whose detail holds what; 0 when none. */
static int has_diag(const pg_diag_list *d, pg_diag_code code, const char *what)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].code == code && d->items[i].detail && strstr(d->items[i].detail, what))
            return 1;
    return 0;
}

Test(hostile, a_paragraph_of_120000_words_is_printed_whole, .timeout = 20)
{
    /* 2.9 million pt on one line: past pango's int widths, it gave one page of 20 words */
    GString *w = words(120000);
    g_string_prepend(w, "<p>");
    g_string_append(w, "</p>");
    pg_diag_list d = {0};
    char *text = pdf_text("thử", w->str, &d);
    cr_assert_not_null(text);
    cr_assert_eq(count_words(text), 120000, "%zu words of 120000 printed", count_words(text));
    g_free(text);
    pg_diag_list_free(&d);
    g_string_free(w, TRUE);
}

Test(hostile, a_word_of_300000_letters_is_printed_whole, .timeout = 20)
{
    GString *b = g_string_new("<p>");
    for (int i = 0; i < 300000; i++)
        g_string_append_c(b, 'Z');
    g_string_append(b, "</p>");
    pg_diag_list d = {0};
    char *text = pdf_text("thử", b->str, &d);
    cr_assert_not_null(text);
    cr_assert_eq(count_char(text, 'Z'), 300000, "%zu letters of 300000 printed",
                 count_char(text, 'Z'));
    g_free(text);
    pg_diag_list_free(&d);
    g_string_free(b, TRUE);
}

/* Pango shaped the rest of a word again after each line it broke: 11-18 s
 * for this one before it was given to pango in pieces. */
Test(hostile, a_word_of_100000_letters_in_the_body_is_quick, .timeout = 10)
{
    GString *b = g_string_new("<p>");
    for (int i = 0; i < 100000; i++)
        g_string_append_c(b, 'Z');
    g_string_append(b, "</p>");
    pg_diag_list d = {0};
    char *text = pdf_text("thử", b->str, &d);
    cr_assert_not_null(text);
    cr_assert_eq(count_char(text, 'Z'), 100000);
    g_free(text);
    pg_diag_list_free(&d);
    g_string_free(b, TRUE);
}

Test(hostile, a_footnote_of_40000_words_and_a_long_word_is_printed_whole, .timeout = 10)
{
    GString *b = words(40000);
    g_string_prepend(b, "<p>Mở đầu<footnote>");
    g_string_append_c(b, ' ');
    for (int i = 0; i < 100000; i++)
        g_string_append_c(b, 'Z');
    g_string_append(b, "</footnote> và kết thúc.</p>");
    pg_diag_list d = {0};
    char *text = pdf_text("thử", b->str, &d);
    cr_assert_not_null(text);
    cr_assert_eq(count_words(text), 40000, "%zu words of 40000 printed", count_words(text));
    cr_assert_eq(count_char(text, 'Z'), 100000);
    g_free(text);
    pg_diag_list_free(&d);
    g_string_free(b, TRUE);
}

/* A summary is one box on the first page: one longer than a page is refused
 * at the summary (33 s for 200,000 characters, 89 s for 700,000, before). */
Test(hostile, a_summary_of_200000_or_700000_characters_is_refused_quickly, .timeout = 10)
{
    GString *one = g_string_new(NULL);
    for (int i = 0; i < 200000; i++)
        g_string_append_c(one, 'z');
    GString *many = words(140000); /* 700,000 characters */
    const GString *cases[] = {one, many};
    for (size_t i = 0; i < 2; i++) {
        pg_diag_list d = {0};
        char *text = pdf_text(cases[i]->str, "<p>x</p>", &d);
        cr_assert_null(text);
        cr_assert(has_diag(&d, PG_E_TOO_LARGE, "shorten the summary"), "case %zu", i);
        pg_diag_list_free(&d);
    }
    g_string_free(one, TRUE);
    g_string_free(many, TRUE);
}

Test(hostile, a_recipient_purpose_taller_than_a_page_is_refused, .timeout = 10)
{
    GString *x = g_string_new(HEAD);
    g_string_append(x, "<p>x</p><recipients><group purpose=\"");
    for (int i = 0; i < 100000; i++)
        g_string_append_c(x, 'Z');
    g_string_append(x, "\"><to>Ban A</to><to>Ban B</to></group><archive>VP</archive></recipients>"
                       "<signature title=\"BÍ THƯ\" name=\"A\"/></plan>");
    pg_options o = {.data_dir = PG_SOURCE_DIR, .today = "2023-01-02"};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    pg_run(e, PG_SOURCE_DIR "/tests/h.xml", x->str, x->len, PG_STAGE_LAYOUT, &r);
    cr_assert_null(r.pages, "the purpose ran off the page, unseen");
    cr_assert(has_diag(&r.diags, PG_E_TOO_LARGE, "the recipients take"));
    pg_result_free(&r);
    pg_engine_free(e);
    g_string_free(x, TRUE);
}

/* A font of the style's family in fonts/ that cannot be read (cut short, or
 * bytes that are no font) is a warning at the file and is not used: the
 * system's Liberation Serif serves Times New Roman, and the PDF is whole (it
 * referred to font objects not in the file). */
Test(hostile, a_damaged_font_in_the_fonts_folder_is_reported_and_not_used, .timeout = 60)
{
    static const char *const system =
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf";
    gchar *font = NULL, *conf = NULL;
    gsize font_len = 0;
    cr_assert(g_file_get_contents(system, &font, &font_len, NULL));
    cr_assert(g_file_get_contents(PG_SOURCE_DIR "/fonts/fonts.conf", &conf, NULL, NULL));
    for (int kind = 0; kind < 2; kind++) {
        char *dir = g_dir_make_tmp("pg-fonts-XXXXXX", NULL);
        cr_assert_not_null(dir);
        char *conf_path = g_build_filename(dir, "fonts.conf", NULL);
        char *bad = g_build_filename(dir, "times.ttf", NULL);
        cr_assert(g_file_set_contents(conf_path, conf, -1, NULL));
        /* cut inside 'post' (its name table is whole: fontconfig lists it), or noise */
        static const char noise[] = "\0\1\0\0 not a font at all";
        if (kind == 0)
            cr_assert(g_file_set_contents(bad, font, 350000, NULL));
        else
            cr_assert(g_file_set_contents(bad, noise, sizeof noise - 1, NULL));
        GString *x = g_string_new(HEAD);
        g_string_append(x, "<p>Nội dung.</p>");
        g_string_append(x, TAIL);
        pg_options o = {.data_dir = PG_SOURCE_DIR, .fonts_dir = dir, .today = "2023-01-02"};
        pg_engine *e = pg_engine_new(&o);
        pg_result r;
        pg_run(e, PG_SOURCE_DIR "/tests/hostile.xml", x->str, x->len, PG_STAGE_LAYOUT, &r);
        cr_assert_not_null(r.pages, "case %d: the other fonts of the family serve it", kind);
        cr_assert(!pg_result_failed(&r, 0));
        int reported = 0;
        for (size_t i = 0; i < r.diags.n; i++)
            reported |= r.diags.items[i].code == PG_W_FONT_DAMAGED &&
                        strcmp(r.diags.items[i].file, bad) == 0;
        cr_assert(reported, "case %d: the damaged font is reported at its file", kind);
        char *pdf_path = g_build_filename(dir, "out.pdf", NULL);
        pg_diag_list d = {0};
        cr_assert(pg_result_write_pdf(e, &r, pdf_path, &d));
        char *argv[] = {"qpdf", "--check", pdf_path, NULL};
        int status = -1;
        cr_assert(g_spawn_sync(NULL, argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                                   G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, NULL));
        cr_assert_eq(status, 0, "case %d: qpdf --check fails", kind);
        pg_diag_list_free(&d);
        pg_result_free(&r);
        pg_engine_free(e);
        g_string_free(x, TRUE);
        unlink(pdf_path);
        unlink(bad);
        unlink(conf_path);
        rmdir(dir);
        g_free(pdf_path);
        g_free(bad);
        g_free(conf_path);
        g_free(dir);
    }
    g_free(font);
    g_free(conf);
}

#include "output.h"

#include <glib/gstdio.h>

/* A file that appears while a new one is written is never replaced (the web
 * editor's "new" and "import" create plans; another program may create the
 * same name meanwhile). */
Test(output, no_replace_keeps_a_file_that_appeared)
{
    char *dir = g_dir_make_tmp("pg-out-XXXXXX", NULL);
    char *target = g_build_filename(dir, "plan.xml", NULL);
    pg_diag_list d = {0};
    pg_output o;
    cr_assert(pg_output_open(&o, target, &d));
    o.no_replace = 1;
    fputs("mine", o.f);
    cr_assert(g_file_set_contents(target, "theirs", -1, NULL));
    cr_assert_not(pg_output_commit(&o, &d), "the commit must fail");
    char *text = NULL;
    cr_assert(g_file_get_contents(target, &text, NULL, NULL));
    cr_assert_str_eq(text, "theirs");
    GDir *g = g_dir_open(dir, 0, NULL);
    int files = 0;
    while (g_dir_read_name(g))
        files++;
    g_dir_close(g);
    cr_assert_eq(files, 1, "no temporary file is left");
    /* and without a file there, it is written */
    g_unlink(target);
    cr_assert(pg_output_open(&o, target, &d));
    o.no_replace = 1;
    fputs("mine", o.f);
    cr_assert(pg_output_commit(&o, &d));
    g_free(text);
    cr_assert(g_file_get_contents(target, &text, NULL, NULL));
    cr_assert_str_eq(text, "mine");
    g_unlink(target);
    g_rmdir(dir);
    g_free(text);
    g_free(target);
    g_free(dir);
    pg_diag_list_free(&d);
}
