/* Render tests: the seed plans are rendered in-process and the PDF is read back
 * with poppler; every rule of standards.md §7 that applies to Party plans is
 * checked. Each rule is also shown to fail on a style that breaks it. */
#include "layout.h"
#include "number.h"
#include "parse.h"
#include "pdfread.h"
#include "render.h"
#include "rules.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PLANS PG_SOURCE_DIR "/plans/"
#define PARTY PG_SOURCE_DIR "/templates/styles/party.xml"
#define HUNG_YEN PLANS "hung-yen-duk-sinh-hoat-chinh-tri-2023.xml"
#define TRA_VINH PLANS "tra-vinh-duk-60-KH-2022.xml"
#define XIN_MAN PLANS "xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.xml"

/* Runs the whole pipeline on plan with the style file; returns PDF bytes (free()). */
static unsigned char *render(const char *plan, const char *style_path, const char *date,
                             size_t *len)
{
    pg_diag_list d = {0};
    pg_parse_opts po = {.schema_path = PG_SOURCE_DIR "/templates/schema/plan.rng"};
    pg_doc *doc = pg_doc_parse_file(plan, &po, &d);
    pg_style *st = pg_style_load(style_path, &d);
    pg_fonts *fonts = pg_fonts_new(PG_SOURCE_DIR "/fonts", &d);
    cr_assert_not_null(st);
    cr_assert_not_null(fonts);
    cr_assert(pg_doc_number(doc, st, &d));
    pg_pages *pp = pg_layout_run(doc, st, fonts, &d);
    cr_assert_not_null(pp);
    if (d.n) {
        pg_diag_print(&d, stderr);
        cr_assert_fail("diagnostics while rendering %s", plan);
    }
    unsigned char *pdf = NULL;
    pg_pdf_opts o = {.creator = "plangen test", .create_date = date};
    cr_assert(pg_pdf_write_memory(pp, &o, &pdf, len));
    pg_pages_free(pp);
    pg_fonts_free(fonts);
    pg_style_unref(st);
    pg_doc_free(doc);
    pg_diag_list_free(&d);
    return pdf;
}

static void check_all(const char *plan, int has_group)
{
    size_t len;
    unsigned char *pdf = render(plan, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(d);
    GString *fails = g_string_new(NULL);
    for (const char *const *id = rule_ids; *id; id++) {
        if (strcmp(*id, "R41") == 0 && !has_group)
            continue;
        char *why = rule_check(d, *id);
        if (why)
            g_string_append_printf(fails, "%s: %s\n", *id, why);
        g_free(why);
    }
    cr_expect_eq(fails->len, 0, "%s breaks:\n%s", plan, fails->str);
    g_string_free(fails, TRUE);
    pr_free(d);
    free(pdf);
}

Test(seeds, hung_yen_follows_the_party_rules, .timeout = 120)
{
    check_all(HUNG_YEN, 1);
}

Test(seeds, tra_vinh_follows_the_party_rules, .timeout = 120)
{
    check_all(TRA_VINH, 0);
}

Test(seeds, xin_man_follows_the_party_rules, .timeout = 120)
{
    check_all(XIN_MAN, 0);
}

Test(seeds, every_paragraph_is_rendered, .timeout = 60)
{
    /* spot checks of text from the start, middle and end of each seed */
    static const struct {
        const char *plan, *text;
    } cases[] = {
        {HUNG_YEN, "Thực hiện Kế hoạch số 179-KH/TU ngày 28/3/2023"},
        {HUNG_YEN, "(5). Tác phẩm khẳng định niềm tin"},
        {HUNG_YEN, "- Lưu VP."},
        {HUNG_YEN, "Nguyễn Xuân Khoát"},
        {TRA_VINH, "Số 60-KH/ĐUK"},
        {TRA_VINH, "Trà Vinh, ngày 18 tháng 4 năm 2022"},
        {TRA_VINH, "Phạm Phước Trãi"},
        {XIN_MAN, "Thực hiện Kế hoạch số 369-KH/TU, ngày 22/3/2023"},
        {XIN_MAN, "Sin Văn Đức"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        unsigned char *pdf = render(cases[i].plan, PARTY, NULL, &len);
        pr_doc *d = pr_load(pdf, len);
        int found = 0;
        for (size_t p = 0; p < d->n && !found; p++)
            found = pr_find_prefix(&d->pages[p], cases[i].text) != NULL;
        cr_expect(found, "\"%s\" not found in %s", cases[i].text, cases[i].plan);
        pr_free(d);
        free(pdf);
    }
}

/* ---- each rule fails when the layout breaks it ------------------------------------------ */

typedef struct {
    const char *rule, *find, *replace;
} mutation;

static const mutation mutations[] = {
    {"R1", "width=\"210mm\"", "width=\"216mm\""},
    {"R6", "left=\"30mm\"", "left=\"25mm\""},
    {"R7", "role=\"body\" size=\"14\" align=\"justify\"", "role=\"body\" size=\"14\" align=\"left\""},
    {"R15", "role=\"nation\" size=\"15\"", "role=\"nation\" size=\"13\""},
    {"R17", "role=\"issuer\" size=\"14\" weight=\"bold\"", "role=\"issuer\" size=\"13\" weight=\"bold\""},
    {"R18", "issuer-mark=\"*\"", "issuer-mark=\"+\""},
    {"R19", "Số {number}-{type}/{symbol}", "Số: {number}/{type}-{symbol}"},
    {"R20", "role=\"date\" size=\"14\" style=\"italic\"", "role=\"date\" size=\"14\" style=\"normal\""},
    {"R22", "role=\"doctype\" size=\"16\"", "role=\"doctype\" size=\"13\""},
    {"R24", "summary-case=\"lower-first\"", "summary-case=\"upper-first\""},
    {"R24", "separator=\"-----\"", "separator=\"*****\""},
    {"R26", "role=\"body\" size=\"14\"", "role=\"body\" size=\"12\""},
    {"R28", "role=\"body\" size=\"14\" align=\"justify\" indent=\"10mm\"",
     "role=\"body\" size=\"14\" align=\"justify\" indent=\"15mm\""},
    {"R29", "indent=\"10mm\" pitch=\"18\" space-after=\"6\"/>\n  <text role=\"basis\"",
     "indent=\"10mm\" pitch=\"18\" space-after=\"2\"/>\n  <text role=\"basis\""},
    {"R31", "role=\"body\" size=\"14\" align=\"justify\" indent=\"10mm\" pitch=\"18\"",
     "role=\"body\" size=\"14\" align=\"justify\" indent=\"10mm\" pitch=\"16\""},
    {"R33", "role=\"heading1\" size=\"14\" weight=\"bold\"", "role=\"heading1\" size=\"14\" weight=\"normal\""},
    {"R35", "on-behalf=\"T/M\"", "on-behalf=\"TM.\""},
    {"R36", "space=\"72pt\"", "space=\"20pt\""},
    {"R39", "underline=\"yes\"", "underline=\"no\""},
    {"R40", "item-end=\",\"", "item-end=\";\""},
    {"R42", "from=\"2\"", "from=\"1\""},
    {"R43", "top=\"10mm\" from=\"2\"", "top=\"3mm\" from=\"2\""},
};

Test(rules, each_fails_on_a_style_that_breaks_it, .timeout = 240)
{
    gchar *party = NULL;
    cr_assert(g_file_get_contents(PARTY, &party, NULL, NULL));
    for (size_t i = 0; i < sizeof mutations / sizeof mutations[0]; i++) {
        const mutation *m = &mutations[i];
        cr_assert_not_null(strstr(party, m->find), "mutation %s: \"%s\" not in party.xml", m->rule,
                           m->find);
        GString *s = g_string_new(party);
        g_string_replace(s, m->find, m->replace, 1);
        char *path = NULL;
        int fd = g_file_open_tmp("pg-broken-XXXXXX.xml", &path, NULL);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, s->str, s->len), (ssize_t)s->len);
        close(fd);
        size_t len;
        unsigned char *pdf = render(TRA_VINH, path, NULL, &len);
        pr_doc *d = pr_load(pdf, len);
        char *why = rule_check(d, m->rule);
        cr_expect_not_null(why, "%s still holds after %s -> %s", m->rule, m->find, m->replace);
        g_free(why);
        pr_free(d);
        free(pdf);
        unlink(path);
        g_free(path);
        g_string_free(s, TRUE);
    }
    g_free(party);
}

/* ---- determinism and metadata ----------------------------------------------------------- */

Test(determinism, two_renders_are_identical, .timeout = 60)
{
    size_t a_len, b_len;
    unsigned char *a = render(HUNG_YEN, PARTY, NULL, &a_len);
    unsigned char *b = render(HUNG_YEN, PARTY, NULL, &b_len);
    cr_assert_eq(a_len, b_len);
    cr_assert(memcmp(a, b, a_len) == 0, "two renders differ");
    free(a);
    free(b);
}

Test(determinism, creation_date_is_the_plans_date_or_the_given_one, .timeout = 60)
{
    size_t len;
    unsigned char *pdf = render(TRA_VINH, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    GDateTime *t = poppler_document_get_creation_date_time(d->doc);
    cr_assert_not_null(t);
    char *s = g_date_time_format(t, "%Y-%m-%d %H:%M:%S");
    cr_assert_str_eq(s, "2022-04-18 00:00:00");
    g_free(s);
    g_date_time_unref(t);
    pr_free(d);
    free(pdf);

    pdf = render(TRA_VINH, PARTY, "2024-01-02T03:04:05Z", &len);
    d = pr_load(pdf, len);
    t = poppler_document_get_creation_date_time(d->doc);
    GDateTime *u = g_date_time_to_utc(t);
    s = g_date_time_format(u, "%Y-%m-%d %H:%M:%S");
    cr_assert_str_eq(s, "2024-01-02 03:04:05");
    g_free(s);
    g_date_time_unref(u);
    g_date_time_unref(t);
    pr_free(d);
    free(pdf);
}

Test(metadata, title_author_keywords_creator, .timeout = 60)
{
    size_t len;
    unsigned char *pdf = render(TRA_VINH, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    char *title = poppler_document_get_title(d->doc);
    char *author = poppler_document_get_author(d->doc);
    char *keywords = poppler_document_get_keywords(d->doc);
    char *creator = poppler_document_get_creator(d->doc);
    cr_assert_str_eq(title, "KẾ HOẠCH tổ chức đợt sinh hoạt chính trị về xây dựng, chỉnh đốn "
                            "Đảng và hệ thống chính trị");
    cr_assert_str_eq(author, "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP");
    cr_assert_str_eq(keywords, "60-KH/ĐUK");
    cr_assert_str_eq(creator, "plangen test");
    g_free(title);
    g_free(author);
    g_free(keywords);
    g_free(creator);
    pr_free(d);
    free(pdf);
}
