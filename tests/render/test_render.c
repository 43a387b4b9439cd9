/* Render tests: the seed plans are rendered in-process and the PDF is read back
 * with poppler; every rule of standards.md §7 that applies to Party plans is
 * checked. Each rule is also shown to fail on a style that breaks it. */
#include "plangen.h"
#include "pdf_font.h"
#include "pdfread.h"
#include "rules.h"

#include <cairo.h>
#include <criterion/criterion.h>
#include <hb-ot.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PLANS PG_SOURCE_DIR "/plans/"
#define PARTY PG_SOURCE_DIR "/templates/styles/party.xml"
#define HUNG_YEN PLANS "hung-yen-duk-sinh-hoat-chinh-tri-2023.xml"
#define TRA_VINH PLANS "tra-vinh-duk-60-KH-2022.xml"
#define XIN_MAN PLANS "xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.xml"
#define STATE PG_SOURCE_DIR "/templates/styles/state.xml"
#define SO_KHCN PLANS "so-khcn-tra-vinh-05-KH-2024.xml"

/* Runs qpdf --check on a PDF and fails the test when qpdf finds an error or a
 * warning (exit status 2 or 3); what names the PDF in the message. */
static void expect_qpdf_accepts(const unsigned char *pdf, size_t len, const char *what)
{
    char *path = NULL;
    int fd = g_file_open_tmp("pg-qpdf-XXXXXX.pdf", &path, NULL);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert(g_file_set_contents(path, (const char *)pdf, (gssize)len, NULL));
    char *argv[] = {"qpdf", "--check", path, NULL}, *out = NULL, *err = NULL;
    int status = -1;
    cr_assert(
        g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL),
        "qpdf is missing (apt-get install qpdf)");
    cr_expect(g_spawn_check_wait_status(status, NULL), "qpdf --check rejects the PDF of %s:\n%s%s",
              what, out, err);
    unlink(path);
    g_free(path);
    g_free(out);
    g_free(err);
}

/* Runs the whole pipeline on plan with the style file and the fonts of
 * fonts_dir (its fonts.conf), as plangen render does, and writes the PDF with
 * plangen's writer; every PDF is checked with qpdf. Returns the PDF bytes
 * (free()), or NULL when the writer refused the fonts. The diagnostics are
 * appended to diags, one formatted line each; with diags NULL any diagnostic
 * fails the test. *pages (may be NULL) receives the page list (pg_pages_free). */
static unsigned char *run_pipeline(const char *plan, const char *style_path, const char *fonts_dir,
                                   const char *date, size_t *len, GString *diags, pg_pages **pages)
{
    pg_options eo = {.data_dir = PG_SOURCE_DIR, .fonts_dir = fonts_dir, .style = style_path,
                     .create_date = date, .creator = "plangen test", .today = "2030-01-01"};
    pg_engine *e = pg_engine_new(&eo);
    pg_result r;
    pg_run(e, plan, NULL, 0, PG_STAGE_LAYOUT, &r);
    if (!r.pages)
        pg_diag_print(&r.diags, stderr);
    cr_assert_not_null(r.pages, "%s does not lay out", plan);
    unsigned char *pdf = NULL;
    if (!pg_result_pdf_memory(e, &r, &pdf, len))
        pdf = NULL;
    /* the standard's findings (lint) are not what these tests look at */
    pg_diag_list d = {0};
    for (size_t i = 0; i < r.diags.n; i++)
        if (r.diags.items[i].code != PG_W_STANDARD)
            pg_diag_copy(&d, &r.diags.items[i]);
    if (diags) {
        for (size_t i = 0; i < d.n; i++) {
            char *line = pg_diag_format(&d.items[i]);
            g_string_append_printf(diags, "%s\n", line);
            free(line);
        }
    } else if (d.n) {
        pg_diag_print(&d, stderr);
        cr_assert_fail("diagnostics while rendering %s", plan);
    }
    if (pdf)
        expect_qpdf_accepts(pdf, *len, plan);
    if (pages) {
        *pages = r.pages;
        r.pages = NULL;
    }
    pg_diag_list_free(&d);
    pg_result_free(&r);
    pg_engine_free(e);
    return pdf;
}

/* Renders plan with the style and plangen's fonts; no diagnostic allowed. */
static unsigned char *render(const char *plan, const char *style_path, const char *date,
                             size_t *len)
{
    unsigned char *pdf =
        run_pipeline(plan, style_path, PG_SOURCE_DIR "/fonts", date, len, NULL, NULL);
    cr_assert_not_null(pdf, "%s: the PDF writer refused the fonts", plan);
    return pdf;
}

/* Runs plan up to stage with the Party style; the caller frees r. */
static void run_to(const char *plan, pg_stage stage, pg_result *r)
{
    pg_options eo = {.data_dir = PG_SOURCE_DIR, .style = PARTY, .today = "2030-01-01"};
    pg_engine *e = pg_engine_new(&eo);
    cr_assert(pg_run(e, plan, NULL, 0, stage, r), "%s does not run", plan);
    pg_engine_free(e);
}

/* Renders plan with the style and expects every rule in ids to hold, except skip
 * (NULL: none); all breaks are listed at once. */
static void expect_rules(const char *plan, const char *style, const char *const *ids,
                         char *(*check)(pr_doc *, const char *), const char *skip)
{
    size_t len;
    unsigned char *pdf = render(plan, style, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(d);
    GString *fails = g_string_new(NULL);
    for (const char *const *id = ids; *id; id++) {
        if (skip && strcmp(*id, skip) == 0)
            continue;
        char *why = check(d, *id);
        if (why)
            g_string_append_printf(fails, "%s: %s\n", *id, why);
        g_free(why);
    }
    cr_expect_eq(fails->len, 0, "%s breaks:\n%s", plan, fails->str);
    g_string_free(fails, TRUE);
    pr_free(d);
    free(pdf);
}

/* The Party rules on plan; R41 (the grouped recipients' brace) only where it has a group. */
static void check_all(const char *plan, int has_group)
{
    expect_rules(plan, PARTY, rule_ids, rule_check, has_group ? NULL : "R41");
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

/* Renders plan with each mutation of the style at style_path applied in turn, and
 * expects check to find the mutation's rule broken. */
static void expect_mutations_caught(const char *style_path, const char *plan, const mutation *ms,
                                    size_t n, char *(*check)(pr_doc *, const char *))
{
    gchar *base = NULL;
    cr_assert(g_file_get_contents(style_path, &base, NULL, NULL));
    for (size_t i = 0; i < n; i++) {
        const mutation *m = &ms[i];
        cr_assert_not_null(strstr(base, m->find), "mutation %s: \"%s\" not in %s", m->rule,
                           m->find, style_path);
        GString *s = g_string_new(base);
        g_string_replace(s, m->find, m->replace, 1);
        char *path = NULL;
        int fd = g_file_open_tmp("pg-broken-XXXXXX.xml", &path, NULL);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, s->str, s->len), (ssize_t)s->len);
        close(fd);
        size_t len;
        unsigned char *pdf = render(plan, path, NULL, &len);
        pr_doc *d = pr_load(pdf, len);
        char *why = check(d, m->rule);
        cr_expect_not_null(why, "%s still holds after %s -> %s", m->rule, m->find, m->replace);
        g_free(why);
        pr_free(d);
        free(pdf);
        unlink(path);
        g_free(path);
        g_string_free(s, TRUE);
    }
    g_free(base);
}

Test(rules, each_fails_on_a_style_that_breaks_it, .timeout = 240)
{
    expect_mutations_caught(PARTY, TRA_VINH, mutations, sizeof mutations / sizeof mutations[0],
                            rule_check);
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

/* ---- rich content (footnotes, tables, appendices, QR codes, images, outline) ------- */

static int at13(const pr_span *s)
{
    return s->size > 12.5 && s->size < 13.5;
}

/* Renders a plan given as text, written into a fresh folder with optional files. */
static unsigned char *render_text(const char *xml, size_t *len, char **dir_out)
{
    char *dir = g_dir_make_tmp("pg-render-XXXXXX", NULL);
    cr_assert_not_null(dir);
    char *path = g_build_filename(dir, "plan.xml", NULL);
    cr_assert(g_file_set_contents(path, xml, -1, NULL));
    unsigned char *pdf = render(path, PARTY, NULL, len);
    g_free(path);
    if (dir_out)
        *dir_out = dir;
    else
        g_free(dir);
    return pdf;
}

static const char *const GEN_HEAD =
    "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"ĐUK\" cited-as=\"Ban Thường vụ Đảng ủy "
    "Khối\">ĐẢNG ỦY KHỐI</issuer><number>7</number><place>Huế</place><date>2023-01-05</date>"
    "<summary>thử nội dung phong phú</summary>";
static const char *const GEN_TAIL =
    "<signature authority=\"on-behalf\" collective=\"BAN THƯỜNG VỤ\" title=\"BÍ THƯ\" "
    "name=\"Nguyễn Văn A\"/>";

/* Page (0-based) holding a span that starts with prefix, or -1. */
static int page_of(pr_doc *d, const char *prefix, const pr_span **out)
{
    for (size_t p = 0; p < d->n; p++) {
        const pr_span *s = pr_find_prefix(&d->pages[p], prefix);
        if (s) {
            if (out)
                *out = s;
            return (int)p;
        }
    }
    return -1;
}

Test(footnotes, hung_yen_notes_at_the_foot_of_their_marks_page, .timeout = 60)
{
    size_t len;
    unsigned char *pdf = render(HUNG_YEN, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    const pr_span *mark_line = NULL, *note1 = NULL, *note2 = NULL;
    int pm = page_of(d, "- Làm rõ 04 kết quả nổi bật", &mark_line);
    int p1 = page_of(d, "1 Kỳ luật 2.740 tổ chức đảng", &note1);
    int p2 = page_of(d, "2 Đảng đã ban hành 250 văn bản", &note2);
    cr_assert_geq(pm, 0, "the marked item is missing");
    cr_assert_eq(p1, pm, "note 1 on page %d, its mark on page %d", p1 + 1, pm + 1);
    cr_assert_eq(p2, pm, "note 2 on page %d, its mark on page %d", p2 + 1, pm + 1);
    cr_assert(mark_line->marks >= 1, "no raised mark in \"%s\"", mark_line->text);
    /* below all body text of the page, above the bottom margin */
    const pr_page *pg = &d->pages[pm];
    for (size_t i = 0; i < pg->n; i++)
        if (pg->spans[i].size > 13.5)
            cr_assert_lt(pg->spans[i].y1, note1->y0, "\"%s\" is below the notes", pg->spans[i].text);
    cr_assert_lt(note1->y0, note2->y0);
    cr_assert_leq(note2->y1, 841.89 - 56.69 + 1, "note below the bottom margin");
    cr_assert(note1->size >= 10 && note1->size <= 12.5, "note size %.1f", note1->size);
    pr_free(d);
    free(pdf);
}

Test(footnotes, mark_links_to_its_note, .timeout = 60)
{
    size_t len;
    unsigned char *pdf = render(HUNG_YEN, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    int pm = page_of(d, "1 Kỳ luật 2.740", NULL);
    PopplerPage *page = poppler_document_get_page(d->doc, pm);
    GList *links = poppler_page_get_link_mapping(page);
    int found = 0;
    for (GList *l = links; l; l = l->next) {
        PopplerLinkMapping *m = l->data;
        if (m->action->type != POPPLER_ACTION_GOTO_DEST)
            continue;
        PopplerDest *dest = m->action->goto_dest.dest;
        if (dest->type == POPPLER_DEST_NAMED && strcmp(dest->named_dest, "fn-1") == 0) {
            PopplerDest *target = poppler_document_find_dest(d->doc, "fn-1");
            cr_assert_not_null(target, "destination fn-1 missing");
            cr_assert_eq(target->page_num, pm + 1, "fn-1 points at page %d", target->page_num);
            poppler_dest_free(target);
            found = 1;
        }
    }
    cr_assert(found, "no link from mark 1 to its note");
    poppler_page_free_link_mapping(links);
    g_object_unref(page);
    pr_free(d);
    free(pdf);
}

Test(footnotes, the_marked_line_moves_with_its_note, .timeout = 120)
{
    /* A long note on the last paragraph: for every amount of text before it the
     * note stands on the page of its mark; and in some of them the marked line
     * had to leave a page where it alone would have fitted. */
    const char *note = "Chú thích dài: các cấp ủy, tổ chức đảng quán triệt sâu sắc nội dung kế "
                       "hoạch và tổ chức thực hiện nghiêm túc, hiệu quả, báo cáo kết quả về Ban "
                       "Thường vụ theo quy định, đúng thời hạn.";
    int moved = 0;
    for (int filler = 16; filler <= 32; filler++) {
        pg_buf b = {0};
        pg_buf_puts(&b, GEN_HEAD);
        for (int i = 0; i < filler; i++)
            pg_buf_puts(&b, "<p>Nội dung mở đầu của đoạn văn, đủ dài để chiếm trọn một dòng "
                            "và sang dòng thứ hai của trang.</p>");
        pg_buf_printf(&b, "<p>Đoạn có chú thích<footnote>%s %s %s</footnote> ở cuối.</p>", note,
                      note, note);
        pg_buf_puts(&b, GEN_TAIL);
        pg_buf_puts(&b, "</plan>");
        size_t len;
        unsigned char *pdf = render_text(pg_buf_str(&b), &len, NULL);
        pg_buf_free(&b);
        pr_doc *d = pr_load(pdf, len);
        const pr_span *ml = NULL;
        int pm = page_of(d, "Đoạn có chú thích", &ml);
        int pn = page_of(d, "1 Chú thích dài", NULL);
        cr_assert_geq(pm, 0);
        cr_assert_eq(pn, pm, "filler %d: note on page %d, mark on page %d", filler, pn + 1, pm + 1);
        /* moved: the marked line opens its page although the page before ends high */
        if (pm > 0) {
            const pr_page *prev = &d->pages[pm - 1];
            double lowest = 0;
            for (size_t i = 0; i < prev->n; i++)
                if (prev->spans[i].y1 > lowest && prev->spans[i].size > 13.5)
                    lowest = prev->spans[i].y1;
            if (lowest < 841.89 - 56.69 - 18 - 30)
                moved = 1;
        }
        pr_free(d);
        free(pdf);
    }
    cr_assert(moved, "no case where the line had to move with its note");
}

Test(rich, no_line_breaks_inside_a_symbol_or_a_date, .timeout = 120)
{
    /* issue #14 point 1: a number and symbol, with the "số" before it, and a
     * date written 25/10/2021 are never broken across lines. Paragraphs whose
     * first word grows by a letter at a time bring the line ends over every
     * place inside them; each must be read whole on one line of the PDF */
    static const char *const kept[] = {"số 21-KL/TW",   "25/10/2021", "số 179-KH/TU",
                                       "số 05/KH-SKHCN", "số 30/2020/NĐ-CP", "số 1065/UBND-NC"};
    const int variants = 40;
    pg_buf b = {0};
    pg_buf_puts(&b, GEN_HEAD);
    for (int v = 0; v < variants; v++) {
        pg_buf_puts(&b, "<p>");
        for (int i = 0; i <= v; i++)
            pg_buf_putc(&b, 'i');
        pg_buf_puts(&b, " Thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung "
                        "ương, Kế hoạch số 179-KH/TU, Kế hoạch số 05/KH-SKHCN, Nghị định số "
                        "30/2020/NĐ-CP và Công văn số 1065/UBND-NC trong năm.</p>");
    }
    pg_buf_puts(&b, GEN_TAIL);
    pg_buf_puts(&b, "</plan>");
    size_t len;
    unsigned char *pdf = render_text(pg_buf_str(&b), &len, NULL);
    pg_buf_free(&b);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(d);
    /* the PDF's lines: the spans on one baseline (poppler cuts a line loosely
     * justified at its wide spaces), left to right, one per row */
    GString *rows = g_string_new(NULL);
    for (size_t p = 0; p < d->n; p++) {
        const pr_page *pg = &d->pages[p];
        char *used = g_malloc0(pg->n ? pg->n : 1);
        for (size_t i = 0; i < pg->n; i++) {
            if (used[i])
                continue;
            for (double from = -1;;) { /* the next span of the row by x */
                size_t next = pg->n;
                for (size_t j = 0; j < pg->n; j++)
                    if (!used[j] && fabs(pg->spans[j].y1 - pg->spans[i].y1) < 0.5 &&
                        pg->spans[j].x0 > from &&
                        (next == pg->n || pg->spans[j].x0 < pg->spans[next].x0))
                        next = j;
                if (next == pg->n)
                    break;
                used[next] = 1;
                from = pg->spans[next].x0;
                g_string_append_printf(rows, "%s ", pg->spans[next].text);
            }
            g_string_append_c(rows, '\n');
        }
        g_free(used);
    }
    for (size_t t = 0; t < sizeof kept / sizeof kept[0]; t++) {
        int whole = 0;
        for (const char *at = rows->str; (at = strstr(at, kept[t])); at++)
            whole++;
        cr_expect_eq(whole, variants, "\"%s\" read whole on one line %d times of %d", kept[t],
                     whole, variants);
    }
    g_string_free(rows, TRUE);
    pr_free(d);
    free(pdf);
}

Test(rich, a_brace_group_keeps_its_recipients_on_one_line_each, .timeout = 60)
{
    /* issue #14 point 2: the items of a brace group take the width they need
     * and each stays on one line; the purpose wraps in its own narrower column,
     * centred on the brace; the brace stands 2 pt at least from the longest item
     * and from the purpose; a recipient that still wraps hangs after its "- " */
    pg_buf b = {0};
    pg_buf_puts(&b, GEN_HEAD);
    pg_buf_puts(&b, "<p>Nội dung.</p><recipients><group purpose=\"để phối hợp thực hiện\">"
                    "<to>Các ban Đảng và VP thành ủy</to><to>Ban Tuyên giáo Tỉnh ủy</to></group>"
                    "<to>Đ/c Quách Thị Hương, Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy"
                    "</to><archive>VP</archive></recipients>");
    pg_buf_puts(&b, GEN_TAIL);
    pg_buf_puts(&b, "</plan>");
    size_t len;
    unsigned char *pdf = render_text(pg_buf_str(&b), &len, NULL);
    pg_buf_free(&b);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(d);
    const pr_page *pg = &d->pages[d->n - 1];
    const pr_span *a = pr_find(pg, "- Các ban Đảng và VP thành ủy,");
    const pr_span *c = pr_find(pg, "- Ban Tuyên giáo Tỉnh ủy,");
    cr_assert(a && c, "a recipient of the group is not on one line");
    /* the purpose: the spans right of the items, beside the group */
    double items_right = fmax(a->x1, c->x1), px0 = 1e9, ptop = 1e9, pbottom = 0;
    int plines = 0;
    for (size_t i = 0; i < pg->n; i++) {
        const pr_span *s = &pg->spans[i];
        if (s->x0 > items_right && s->x0 < 297 && s->y0 > a->y0 - 20 && s->y1 < c->y1 + 20) {
            plines++;
            px0 = fmin(px0, s->x0);
            ptop = fmin(ptop, s->y0);
            pbottom = fmax(pbottom, s->y1);
        }
    }
    cr_assert(plines >= 1 && plines <= 3, "the purpose takes %d lines", plines);
    /* the brace: the dark columns between the items and the purpose */
    pr_image *im = pr_render(d, (int)d->n - 1, 8);
    double bl = 1e9, br = 0;
    for (double x = items_right + 0.25; x < px0 - 0.25; x += 0.125)
        if (pr_dark_count(im, x, x + 0.125, a->y0, c->y1) > 0) {
            bl = fmin(bl, x);
            br = fmax(br, x + 0.125);
        }
    cr_assert(br > 0, "no brace between the items (%.1f) and the purpose (%.1f)", items_right, px0);
    double top = 0, bottom = 0;
    cr_assert(pr_vextent(im, bl, br, a->y0 - 5, c->y1 + 5, &top, &bottom));
    pr_image_free(im);
    cr_expect_geq(bl - items_right, 2 - 0.15, "the brace is %.2f pt from the longest item",
                  bl - items_right);
    cr_expect_geq(px0 - br, 2 - 0.15, "the brace is %.2f pt from the purpose", px0 - br);
    cr_expect(fabs((ptop + pbottom) / 2 - (top + bottom) / 2) < 3,
              "the purpose is centred at %.1f, the brace at %.1f", (ptop + pbottom) / 2,
              (top + bottom) / 2);
    /* the recipient that wraps: under the purpose; its next line starts after
     * the "- " */
    const pr_span *w = pr_find_prefix(pg, "- Đ/c Quách Thị Hương");
    cr_assert_not_null(w);
    cr_expect_geq(w->y0, pbottom - 0.5, "the purpose (to %.1f) runs into the next recipient (%.1f)",
                  pbottom, w->y0);
    const pr_span *next = NULL;
    for (size_t i = 0; i < pg->n; i++)
        if (pg->spans[i].y0 > w->y1 - 2 && pg->spans[i].x0 < 297 &&
            (!next || pg->spans[i].y0 < next->y0))
            next = &pg->spans[i];
    cr_assert_not_null(next);
    cr_expect(next->x0 > w->x0 + 4 && next->x0 < w->x0 + 9,
              "the recipient's second line \"%s\" starts at %.2f, the first at %.2f", next->text,
              next->x0, w->x0);
    pr_free(d);
    free(pdf);
}

Test(tables, header_repeated_on_every_page_of_the_table, .timeout = 60)
{
    size_t len;
    unsigned char *pdf = render(TRA_VINH, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    int first = page_of(d, "DANH MỤC", NULL);
    cr_assert_geq(first, 0);
    int pages = 0;
    for (size_t p = (size_t)first; p < d->n; p++) {
        const pr_page *pg = &d->pages[p];
        const pr_span *h = pr_find(pg, "Nội dung văn bản triển khai");
        cr_assert_not_null(h, "page %zu of the table has no header row", p + 1);
        cr_assert(h->all_bold, "the header row is not bold");
        for (size_t i = 0; i < pg->n; i++) {
            const pr_span *s = &pg->spans[i];
            if (at13(s) && !s->any_bold)
                cr_assert_gt(s->y0, h->y1, "page %zu: \"%s\" stands above the header row", p + 1,
                             s->text);
        }
        pages++;
    }
    cr_assert_geq(pages, 2, "the table does not run over several pages");
    pr_free(d);
    free(pdf);
}

Test(tables, a_row_taller_than_a_page_is_split_line_by_line, .timeout = 60)
{
    pg_buf b = {0};
    pg_buf_puts(&b, GEN_HEAD);
    pg_buf_puts(&b, "<p>Bảng dưới đây.</p><table><col width=\"30mm\"/><col width=\"1*\"/>"
                    "<row header=\"yes\"><cell>Thời gian</cell><cell>Nội dung</cell></row>"
                    "<row><cell>Cả năm</cell><cell>");
    for (int i = 1; i <= 150; i++)
        pg_buf_printf(&b, "<p>Dòng %03d của ô rất cao.</p>", i);
    pg_buf_puts(&b, "</cell></row></table>");
    pg_buf_puts(&b, GEN_TAIL);
    pg_buf_puts(&b, "</plan>");
    size_t len;
    unsigned char *pdf = render_text(pg_buf_str(&b), &len, NULL);
    pg_buf_free(&b);
    pr_doc *d = pr_load(pdf, len);
    int next = 1, pages_with_rows = 0;
    for (size_t p = 0; p < d->n; p++) {
        int here = 0;
        for (size_t i = 0; i < d->pages[p].n; i++) {
            int k;
            if (sscanf(d->pages[p].spans[i].text, "Dòng %d", &k) == 1) {
                cr_assert_eq(k, next, "line %d comes where %d should", k, next);
                next++;
                here = 1;
            }
        }
        if (here) {
            pages_with_rows++;
            cr_assert_not_null(pr_find(&d->pages[p], "Nội dung"), "page %zu lacks the header",
                               p + 1);
        }
    }
    cr_assert_eq(next, 151, "only %d of 150 lines rendered", next - 1);
    cr_assert_geq(pages_with_rows, 3);
    pr_free(d);
    free(pdf);
}

Test(appendix, attachment_line_is_built_from_the_plan, .timeout = 60)
{
    pg_result run;
    run_to(TRA_VINH, PG_STAGE_PARSE, &run);
    const pg_doc *doc = run.doc;
    char *expect = g_strdup_printf("(kèm theo Kế hoạch số %02d-%s/%s, ngày %d/%d/%d của %s)",
                                   doc->number, doc->doctype_abbr, doc->symbol, doc->day,
                                   doc->month, doc->year, doc->cited_as);
    cr_assert_str_eq(expect, "(kèm theo Kế hoạch số 60-KH/ĐUK, ngày 18/4/2022 của Ban Thường vụ "
                             "Đảng ủy Khối)");
    size_t len;
    unsigned char *pdf = render(TRA_VINH, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    const pr_span *start = NULL;
    int p = page_of(d, "(kèm theo", &start);
    cr_assert_geq(p, 0, "no attachment line");
    cr_assert(start->all_italic, "the attachment line is not italic");
    /* the line may wrap: join it up to its closing parenthesis */
    GString *got = g_string_new(NULL);
    const pr_page *pg = &d->pages[p];
    for (size_t i = 0; i < pg->n; i++) {
        const pr_span *s = &pg->spans[i];
        if (s->y0 < start->y0 - 0.5 || (got->len && got->str[got->len - 1] == ')'))
            continue;
        if (got->len)
            g_string_append_c(got, ' ');
        g_string_append(got, s->text);
    }
    cr_assert_str_eq(got->str, expect);
    cr_assert(pr_find(pg, "DANH MỤC") && pr_find(pg, "Văn bản triển khai đợt sinh hoạt chính trị"),
              "no appendix heading");
    cr_assert_gt(p, page_of(d, "Phạm Phước Trãi", NULL), "the appendix does not start a new page");
    g_string_free(got, TRUE);
    g_free(expect);
    pr_free(d);
    free(pdf);
    pg_result_free(&run);
}

/* Decodes the QR codes on page p of pdf with zbarimg; returns "QR-Code:..." lines. */
static char *zbar(const unsigned char *pdf, size_t len, int p)
{
    char *dir = g_dir_make_tmp("pg-qr-XXXXXX", NULL);
    char *pdf_path = g_build_filename(dir, "x.pdf", NULL);
    cr_assert(g_file_set_contents(pdf_path, (const char *)pdf, (gssize)len, NULL));
    char *cmd = g_strdup_printf("pdftoppm -png -r 200 -f %d -l %d '%s' '%s/page' && zbarimg -q "
                                "--raw '%s'/page*.png 2>/dev/null",
                                p + 1, p + 1, pdf_path, dir, dir);
    char *out = NULL;
    int status = 0;
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, NULL));
    char *rm = g_strdup_printf("rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    g_free(rm);
    g_free(cmd);
    g_free(pdf_path);
    g_free(dir);
    return out;
}

Test(qr, codes_decode_to_their_links, .timeout = 120)
{
    static const struct {
        const char *plan, *near, *href;
    } cases[] = {
        {HUNG_YEN, "Bước 2: Đưa Camera quét Mã QR",
         "https://drive.google.com/file/d/1o7GXMPG1PVpIhM69kYIL9MRvGv5v_W95/view?usp=share_link"},
        {XIN_MAN, "Mã QR để đọc tác phẩm", "https://tuyengiao.hagiang.gov.vn"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        unsigned char *pdf = render(cases[i].plan, PARTY, NULL, &len);
        pr_doc *d = pr_load(pdf, len);
        int p = page_of(d, cases[i].near, NULL);
        cr_assert_geq(p, 0);
        char *out = zbar(pdf, len, p);
        g_strstrip(out);
        cr_assert_str_eq(out, cases[i].href, "the QR code near \"%s\" decodes to \"%s\"",
                         cases[i].near, out);
        g_free(out);
        pr_free(d);
        free(pdf);
    }
}

static void collect_outline(PopplerIndexIter *it, int depth, GString *out)
{
    do {
        PopplerAction *a = poppler_index_iter_get_action(it);
        g_string_append_printf(out, "%d %s\n", depth, a->any.title);
        PopplerIndexIter *child = poppler_index_iter_get_child(it);
        if (child) {
            collect_outline(child, depth + 1, out);
            poppler_index_iter_free(child);
        }
        poppler_action_free(a);
    } while (poppler_index_iter_next(it));
}

static int expect_outline(pg_node *n, int depth, void *ud)
{
    (void)depth;
    GString *out = ud;
    if (n->type == PG_NODE_SECTION && n->u.section.title)
        g_string_append_printf(out, "%d %s %s\n", n->u.section.depth, n->u.section.label,
                               n->u.section.depth == 1 ? g_utf8_strup(n->u.section.title, -1)
                                                       : n->u.section.title);
    return 0;
}

Test(outline, bookmarks_follow_the_sections, .timeout = 60)
{
    const char *plans[] = {HUNG_YEN, TRA_VINH};
    for (size_t k = 0; k < 2; k++) {
        pg_result run;
        run_to(plans[k], PG_STAGE_NUMBER, &run);
        const pg_doc *doc = run.doc;
        GString *want = g_string_new(NULL);
        pg_node_walk(doc->body, expect_outline, NULL, want);
        for (pg_node *a = doc->appendices->first; a; a = a->next)
            g_string_append_printf(want, "1 %s %s\n", a->u.appendix.label, a->u.appendix.title);
        size_t len;
        unsigned char *pdf = render(plans[k], PARTY, NULL, &len);
        pr_doc *d = pr_load(pdf, len);
        PopplerIndexIter *it = poppler_index_iter_new(d->doc);
        cr_assert_not_null(it, "no outline");
        GString *got = g_string_new(NULL);
        collect_outline(it, 1, got);
        poppler_index_iter_free(it);
        cr_assert_str_eq(got->str, want->str);
        g_string_free(got, TRUE);
        g_string_free(want, TRUE);
        pr_free(d);
        free(pdf);
        pg_result_free(&run);
    }
}

Test(images, a_png_beside_the_plan_is_drawn, .timeout = 60)
{
    char *dir = g_dir_make_tmp("pg-img-XXXXXX", NULL);
    char *png = g_build_filename(dir, "logo.png", NULL);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 40, 20);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cr_assert_eq(cairo_surface_write_to_png(s, png), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    char *xml = g_strdup_printf("%s<p>Hình:</p><image src=\"logo.png\" width=\"40mm\"/>%s</plan>",
                                GEN_HEAD, GEN_TAIL);
    char *path = g_build_filename(dir, "plan.xml", NULL);
    cr_assert(g_file_set_contents(path, xml, -1, NULL));
    size_t len;
    unsigned char *pdf = render(path, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    PopplerPage *page = poppler_document_get_page(d->doc, 0);
    GList *images = poppler_page_get_image_mapping(page);
    cr_assert_eq(g_list_length(images), 1, "%u images on page 1", g_list_length(images));
    PopplerImageMapping *m = images->data;
    /* poppler reports image bounds in whole points: allow 1.5 pt */
    double w = m->area.x2 - m->area.x1, h = m->area.y2 - m->area.y1;
    double want_w = 40 * 72 / 25.4, want_h = 20 * 72 / 25.4;
    cr_assert(fabs(w - want_w) <= 1.5, "image width %.2f, expected %.2f", w, want_w);
    cr_assert(fabs(h - want_h) <= 1.5, "image height %.2f, expected %.2f", h, want_h);
    poppler_page_free_image_mapping(images);
    g_object_unref(page);
    pr_free(d);
    free(pdf);
    char *rm = g_strdup_printf("rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    g_free(rm);
    g_free(path);
    g_free(xml);
    g_free(png);
    g_free(dir);
}

Test(appendix, landscape_pages_and_page_numbers_go_on, .timeout = 60)
{
    char *xml = g_strdup_printf("%s<p>Một.</p>%s<appendix title=\"Bảng ngang\" "
                                "orientation=\"landscape\"><p>Nội dung phụ lục.</p></appendix>"
                                "</plan>",
                                GEN_HEAD, GEN_TAIL);
    size_t len;
    unsigned char *pdf = render_text(xml, &len, NULL);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_eq(d->n, 2);
    cr_assert_float_eq(d->pages[0].w, 595.28, 1);
    cr_assert_float_eq(d->pages[1].w, 841.89, 1, "the appendix page is %.1f wide", d->pages[1].w);
    cr_assert_float_eq(d->pages[1].h, 595.28, 1);
    cr_assert_not_null(pr_find(&d->pages[1], "PHỤ LỤC"));
    cr_assert_not_null(pr_find(&d->pages[1], "2"), "the appendix page is not numbered 2");
    pr_free(d);
    free(pdf);
    g_free(xml);
}

/* ---- the state standard -------------------------------------------------------------- */


Test(state, the_state_plan_follows_the_nd30_rules, .timeout = 120)
{
    expect_rules(SO_KHCN, STATE, rule_ids_state, rule_check_state, NULL);
}

Test(state, the_same_plan_as_party_follows_the_party_rules, .timeout = 120)
{
    expect_rules(SO_KHCN, PARTY, rule_ids, rule_check, NULL);
}

static const mutation state_mutations[] = {
    {"R5", "left=\"30mm\"", "left=\"20mm\""},
    {"R8", "role=\"nation\" size=\"13\"", "role=\"nation\" size=\"16\""},
    {"R9", "role=\"motto\" size=\"14\" weight=\"bold\"", "role=\"motto\" size=\"14\" weight=\"normal\""},
    {"R11", "role=\"issuer\" size=\"13\"", "role=\"issuer\" size=\"15\""},
    {"R12", "issuer-rule=\"40%\"", "issuer-rule=\"80%\""},
    {"R13", "Số: {number}/{type}-{symbol}", "Số {number}-{type}/{symbol}"},
    {"R14", "date-on-number-line=\"yes\"", "date-on-number-line=\"no\""},
    {"R21", "role=\"doctype\" size=\"14\"", "role=\"doctype\" size=\"16\""},
    {"R23", "summary-rule=\"40%\"", "summary-rule=\"90%\""},
    {"R25", "role=\"body\" size=\"14\"", "role=\"body\" size=\"12\""},
    {"R27", "role=\"body\" size=\"14\" align=\"justify\" indent=\"10mm\"",
     "role=\"body\" size=\"14\" align=\"justify\" indent=\"15mm\""},
    {"R30", "role=\"body\" size=\"14\" align=\"justify\" indent=\"10mm\" pitch=\"18\"",
     "role=\"body\" size=\"14\" align=\"justify\" indent=\"10mm\" pitch=\"28\""},
    {"R32", "role=\"heading2\" size=\"14\" weight=\"bold\"", "role=\"heading2\" size=\"14\" weight=\"normal\""},
    {"R34", "deputy=\"KT.\"", "deputy=\"K/T\""},
    {"R37", "role=\"recipients-heading\" size=\"12\" weight=\"bold\" style=\"italic\"",
     "role=\"recipients-heading\" size=\"12\" weight=\"bold\" style=\"normal\""},
    {"R38", "item-end=\";\"", "item-end=\",\""},
    {"R42", "from=\"2\"", "from=\"1\""},
    {"R44", "label=\"Phụ lục\"", "label=\"PHỤ LỤC\""},
};

Test(state, each_rule_fails_on_a_style_that_breaks_it, .timeout = 240)
{
    expect_mutations_caught(STATE, SO_KHCN, state_mutations,
                            sizeof state_mutations / sizeof state_mutations[0], rule_check_state);
}

/* The state plan turned into an unregistered draft with marks. */
static unsigned char *render_draft(size_t *len, char **dir)
{
    gchar *xml = NULL;
    cr_assert(g_file_get_contents(SO_KHCN, &xml, NULL, NULL));
    GString *s = g_string_new(xml);
    g_string_replace(s, "<number>5</number>", "", 1);
    g_string_replace(s, "<date>2024-03-05</date>",
                     "<date>2024-03</date><marks urgency=\"thượng-khẩn\" circulation=\"LƯU HÀNH "
                     "NỘI BỘ\" draft=\"yes\" typist=\"PL\" copies=\"30\"/>",
                     1);
    *dir = g_dir_make_tmp("pg-draft-XXXXXX", NULL);
    char *path = g_build_filename(*dir, "draft.xml", NULL);
    cr_assert(g_file_set_contents(path, s->str, -1, NULL));
    unsigned char *pdf = render(path, STATE, NULL, len);
    g_free(path);
    g_string_free(s, TRUE);
    g_free(xml);
    return pdf;
}

Test(state, drafts_leave_blanks_of_fixed_width, .timeout = 60)
{
    size_t len;
    char *dir;
    unsigned char *pdf = render_draft(&len, &dir);
    pr_doc *d = pr_load(pdf, len);
    const pr_page *p = &d->pages[0];
    const pr_span *so = pr_find(p, "Số:"), *sym = pr_find(p, "/KH-SKHCN");
    const pr_span *ngay = pr_find(p, "Trà Vinh, ngày"), *thang = pr_find(p, "tháng 3 năm 2024");
    cr_assert(so && sym && ngay && thang, "the draft's number or date line is not split by blanks");
    double gap1 = sym->x0 - so->x1, gap2 = thang->x0 - ngay->x1;
    cr_assert(gap1 > 15 && gap1 < 35, "the number blank is %.1f pt", gap1);
    cr_assert(gap2 > 15 && gap2 < 35, "the day blank is %.1f pt", gap2);
    cr_assert_float_eq(so->y1, sym->y1, 0.5);
    cr_assert_float_eq(ngay->y1, thang->y1, 0.5);
    /* the marks */
    const pr_span *draft = pr_find(p, "DỰ THẢO"), *urgent = pr_find(p, "THƯỢNG KHẨN");
    cr_assert(draft && draft->all_bold && draft->y1 < 56.69 + 1, "no draft mark in the top margin");
    const pr_span *circulation = pr_find(p, "LƯU HÀNH NỘI BỘ");
    cr_assert(circulation && circulation->all_black, "no circulation mark in black");
    cr_assert(urgent && urgent->all_bold, "no urgency mark");
    cr_assert_eq(urgent->rgb, 0xFF0000, "the urgency mark is #%06X, not bright red", urgent->rgb);
    /* everything else stays black */
    char *why = rule_check(d, "R3");
    cr_assert_null(why, "R3: %s", why);
    pr_image *im = pr_render(d, 0, 4);
    double x0, x1;
    double len_top = pr_hrun(im, 85, 300, urgent->y0 - 8, urgent->y0 - 0.5, &x0, &x1, NULL);
    pr_image_free(im);
    cr_assert(fabs(len_top - 40 * 72 / 25.4) < 3, "the urgency box is %.1f pt wide, not 40 mm",
              len_top);
    int last = (int)d->n - 1;
    for (int k = 0; k <= last; k++)
        if (pr_find(&d->pages[k], "PL.(30)"))
            last = -1;
    cr_assert_eq(last, -1, "no typist's initials and copies");
    pr_free(d);
    free(pdf);
    char *rm = g_strdup_printf("rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    g_free(rm);
    g_free(dir);
}

Test(state, points_follow_the_vietnamese_alphabet, .timeout = 60)
{
    pg_buf b = {0};
    pg_buf_puts(&b, "<plan xmlns=\"urn:plangen:plan:1\" style=\"state\"><issuer parent=\"UBND TỈNH\" "
                    "symbol=\"SKHCN\">SỞ KHOA HỌC</issuer><number>3</number><place>Huế</place>"
                    "<date>2024-01-02</date><summary>thử điểm</summary><section title=\"Một\">"
                    "<section title=\"Hai\">");
    for (int i = 0; i < 12; i++)
        pg_buf_printf(&b, "<section><p>Điểm số %d.</p></section>", i + 1);
    pg_buf_puts(&b, "</section></section><signature title=\"GIÁM ĐỐC\" name=\"A\"/></plan>");
    size_t len;
    char *dir = g_dir_make_tmp("pg-pts-XXXXXX", NULL);
    char *path = g_build_filename(dir, "p.xml", NULL);
    cr_assert(g_file_set_contents(path, pg_buf_str(&b), -1, NULL));
    unsigned char *pdf = render(path, STATE, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    const char *letters[] = {"a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m"};
    for (int i = 0; i < 12; i++) {
        char want[64];
        snprintf(want, sizeof want, "%s) Điểm số %d.", letters[i], i + 1);
        int found = 0;
        for (size_t p = 0; p < d->n && !found; p++)
            found = pr_find(&d->pages[p], want) != NULL;
        cr_assert(found, "no \"%s\"", want);
    }
    pr_free(d);
    free(pdf);
    pg_buf_free(&b);
    char *rm = g_strdup_printf("rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    g_free(rm);
    g_free(path);
    g_free(dir);
}

Test(styles, a_house_style_extends_the_party_style, .timeout = 60)
{
    size_t len;
    unsigned char *pdf = render(HUNG_YEN, PG_SOURCE_DIR "/templates/styles/party-dot.xml", NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(pr_find(&d->pages[0], "I. MỤC ĐÍCH, YÊU CẦU"));
    cr_assert_not_null(pr_find(&d->pages[0], "1. Mục đích"));
    cr_assert_not_null(pr_find(&d->pages[0], "ĐẢNG CỘNG SẢN VIỆT NAM"), "not the Party layout");
    pr_free(d);
    free(pdf);
}

/* ---- plangen's PDF writer: what it draws is what layout placed --------------------- */

/* The font name without its subset tag ("ABCDEF+LiberationSerif" -> "LiberationSerif"). */
static const char *untagged(const char *font)
{
    const char *plus = strchr(font, '+');
    return plus && plus - font == 6 ? plus + 1 : font;
}

/* Descent of Liberation Serif (its FontDescriptor /Descent, 1/1000 em): poppler
 * puts the bottom of a character's box that far under the baseline. */
#define SERIF_DESCENT 0.216309

Test(writer, every_line_stands_where_layout_put_it, .timeout = 240)
{
    /* every seed: each line of the layout is found in the PDF with its text,
     * starting at its x and standing on its baseline to 0.02 pt, in its role's
     * size (unless it opens with a note mark), in Liberation Serif. poppler
     * joins table cells that stand close into one span: a line found inside a
     * span is held to its baseline and size only; a hyphen ending a line is
     * poppler's to join, so it is not compared */
    static const struct {
        const char *plan, *style;
    } cases[] = {{HUNG_YEN, PARTY}, {TRA_VINH, PARTY}, {XIN_MAN, PARTY}, {SO_KHCN, STATE}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        pg_diag_list dl = {0};
        pg_style *st = pg_style_load(cases[c].style, &dl);
        cr_assert_not_null(st);
        size_t len;
        pg_pages *pp = NULL;
        unsigned char *pdf = run_pipeline(cases[c].plan, cases[c].style, PG_SOURCE_DIR "/fonts",
                                          NULL, &len, NULL, &pp);
        pr_doc *d = pr_load(pdf, len);
        cr_assert_not_null(d, "poppler cannot read the PDF of %s", cases[c].plan);
        cr_assert_eq(d->n, pp->n, "%s: %zu pages, layout %zu", cases[c].plan, d->n, pp->n);
        int lines = 0, misses = 0;
        for (size_t p = 0; p < pp->n; p++) {
            const pg_page *lp = &pp->pages[p];
            for (size_t k = 0; k < lp->n; k++) {
                const pg_item *it = &lp->items[k];
                if (it->kind != PG_ITEM_TEXT)
                    continue;
                char *text = pg_item_text(it);
                if (!*text || *text == ' ') {
                    g_free(text);
                    continue;
                }
                lines++;
                size_t tl = strlen(text);
                for (;;) { /* a dash ending the line, and the (no-break) space before it */
                    if (tl > 0 && (text[tl - 1] == '-' || text[tl - 1] == ' '))
                        tl--;
                    else if (tl > 1 && g_str_has_suffix(text, "\xC2\xA0"))
                        tl -= 2;
                    else
                        break;
                    text[tl] = 0;
                }
                if (!tl) {
                    lines--;
                    g_free(text);
                    continue;
                }
                double size = st->text[it->role].size;
                const pr_span *found = NULL;
                for (size_t i = 0; i < d->pages[p].n && !found; i++) {
                    const pr_span *s = &d->pages[p].spans[i];
                    const char *at = strstr(s->text, text);
                    if (!at || (at == s->text && fabs(s->x0 - it->x) > 0.02))
                        continue;
                    double base = s->y1 - SERIF_DESCENT * s->size;
                    if (fabs(base - it->y) < 0.02 &&
                        (s->marks || g_ascii_isdigit(*text) || fabs(s->size - size) < 0.01) &&
                        g_str_has_prefix(untagged(s->font), "LiberationSerif"))
                        found = s;
                }
                if (!found && misses++ < 5)
                    cr_expect_fail("%s p.%zu: \"%s\" (%s %.2f pt) not at x %.2f, baseline %.2f",
                                   cases[c].plan, p + 1, text, pg_role_name(it->role), size, it->x,
                                   it->y);
                g_free(text);
            }
        }
        cr_expect_eq(misses, 0, "%s: %d of %d lines misplaced", cases[c].plan, misses, lines);
        cr_expect_gt(lines, 50, "%s: only %d lines", cases[c].plan, lines);
        pr_free(d);
        free(pdf);
        pg_pages_free(pp);
        pg_style_unref(st);
        pg_diag_list_free(&dl);
    }
}

Test(writer, justified_lines_end_exactly_at_the_right_margin, .timeout = 60)
{
    /* each glyph goes where pango put it, so a justified line ends on the margin
     * to a hundredth of a point (cairo's writer misses it by up to half a point) */
    pg_diag_list dl = {0};
    pg_style *st = pg_style_load(PARTY, &dl);
    cr_assert_not_null(st);
    size_t len;
    unsigned char *pdf = render(HUNG_YEN, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    double right = d->pages[0].w - st->margin_right;
    int at_margin = 0;
    for (size_t p = 0; p < d->n; p++)
        for (size_t k = 0; k < d->pages[p].n; k++) {
            const pr_span *s = &d->pages[p].spans[k];
            cr_expect(s->x1 < right + 0.01, "p.%zu \"%s\" ends at %.3f, past the margin %.3f",
                      p + 1, s->text, s->x1, right);
            if (fabs(s->x1 - right) < 0.01)
                at_margin++;
        }
    cr_expect(at_margin >= 100, "only %d lines end on the right margin (%.3f)", at_margin, right);
    pr_free(d);
    free(pdf);
    pg_style_unref(st);
    pg_diag_list_free(&dl);
}

/* Every plan of plans/ (as plangen build finds them: *.xml, folders named
 * templates and files starting with '_' left out) into list (g_free each). */
static void list_plans(const char *dir, GPtrArray *list)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    cr_assert_not_null(d, "cannot read %s", dir);
    const char *name;
    while ((name = g_dir_read_name(d))) {
        char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            if (strcmp(name, "templates"))
                list_plans(path, list);
            g_free(path);
        } else if (g_str_has_suffix(name, ".xml") && name[0] != '_') {
            g_ptr_array_add(list, path);
        } else {
            g_free(path);
        }
    }
    g_dir_close(d);
}

typedef struct {
    size_t page;
    const pg_item *it;
} placed_line;

/* Checks the lines of one justified element but its last against the PDF;
 * returns the lines checked and counts those off the margin in *misses. An
 * element with a line holding no space (a link broken by force) is laid out
 * ragged on purpose, and a line ending at a forced break is not justified. */
static int check_justified(const char *plan, const pr_doc *d, const pg_style *st,
                           const placed_line *ln, size_t n, int *misses)
{
    int checked = 0;
    for (size_t j = 0; j + 1 < n; j++) {
        char *text = pg_item_text(ln[j].it);
        g_strchomp(text);
        int ragged = !strchr(text, ' ');
        g_free(text);
        if (ragged)
            return 0;
    }
    for (size_t j = 0; j + 1 < n; j++) {
        const pg_item *it = ln[j].it;
        const pr_page *pg = &d->pages[ln[j].page];
        char *text = pg_item_text(it);
        g_strchomp(text);
        double right = pg->w - st->margin_right;
        const pr_span *found = NULL;
        for (size_t i = 0; i < pg->n; i++) {
            const pr_span *s = &pg->spans[i];
            double base = s->y1 - SERIF_DESCENT * s->size;
            if (fabs(base - it->y) < 0.05 && s->x0 < right && s->x1 > it->x &&
                (!found || s->x1 > found->x1))
                found = s;
        }
        if (*text && !strstr(text, "\xE2\x80\xA8")) {
            checked++;
            if ((!found || fabs(found->x1 - right) > 0.1) && (*misses)++ < 8)
                cr_expect_fail("%s p.%zu: \"%s\" ends at %.3f, the margin is at %.3f", plan,
                               ln[j].page + 1, text, found ? found->x1 : 0, right);
        }
        g_free(text);
    }
    return checked;
}

Test(writer, every_justified_line_but_a_paragraphs_last_ends_on_the_margin, .timeout = 240)
{
    /* issue #14 point 4: in every plan of plans/, each line of a justified
     * paragraph, list item or footnote but its last ends on the right margin to
     * 0.1 pt, as poppler reads the PDF, whatever runs follow the break */
    GPtrArray *plans = g_ptr_array_new_with_free_func(g_free);
    list_plans(PLANS, plans);
    cr_assert_geq(plans->len, 5, "only %u plans in plans/", plans->len);
    /* and paragraphs whose first word grows by a letter at a time, so that a
     * line breaks just before an italic run (3.5 pt short once) */
    char *dir = g_dir_make_tmp("pg-justify-XXXXXX", NULL);
    cr_assert_not_null(dir);
    pg_buf b = {0};
    pg_buf_puts(&b, "<plan xmlns=\"urn:plangen:plan:1\" style=\"party\">");
    pg_buf_puts(&b, GEN_HEAD + strlen("<plan xmlns=\"urn:plangen:plan:1\">"));
    for (int v = 0; v < 30; v++) {
        pg_buf_puts(&b, "<p>");
        for (int i = 0; i <= v; i++)
            pg_buf_putc(&b, 'i');
        pg_buf_puts(&b, " Các cấp ủy tổ chức quán triệt, học tập nội dung tác phẩm <i>Kiên quyết, "
                        "kiên trì đấu tranh phòng, chống tham nhũng</i> của đồng chí Tổng Bí thư "
                        "<i>trong toàn Đảng bộ</i> và báo cáo kết quả về Ban Thường vụ.</p>");
    }
    pg_buf_puts(&b, GEN_TAIL);
    pg_buf_puts(&b, "</plan>");
    char *synthetic = g_build_filename(dir, "italic-runs.xml", NULL);
    cr_assert(g_file_set_contents(synthetic, pg_buf_str(&b), -1, NULL));
    pg_buf_free(&b);
    g_ptr_array_add(plans, synthetic);
    int checked = 0;
    for (guint c = 0; c < plans->len; c++) {
        const char *plan = plans->pdata[c];
        pg_options eo = {.data_dir = PG_SOURCE_DIR, .fonts_dir = PG_SOURCE_DIR "/fonts",
                         .creator = "plangen test", .today = "2030-01-01"};
        pg_engine *e = pg_engine_new(&eo);
        pg_result r;
        pg_run(e, plan, NULL, 0, PG_STAGE_LAYOUT, &r);
        cr_assert(r.pages && r.style, "%s does not lay out", plan);
        unsigned char *pdf = NULL;
        size_t len = 0;
        cr_assert(pg_result_pdf_memory(e, &r, &pdf, &len), "%s: no PDF", plan);
        pr_doc *d = pr_load(pdf, len);
        cr_assert_not_null(d);
        cr_assert_eq(d->n, r.pages->n);
        /* the lines of the element open now (it may go on on the next page) */
        GArray *lines = g_array_new(FALSE, FALSE, sizeof(placed_line));
        int open = 0, last = 0, misses = 0;
        for (size_t p = 0; p < r.pages->n; p++) {
            const pg_page *lp = &r.pages->pages[p];
            for (size_t k = 0; k < lp->n; k++) {
                const pg_item *it = &lp->items[k];
                int element = it->structure == PG_STRUCT_PARAGRAPH ||
                              it->structure == PG_STRUCT_LIST_ITEM ||
                              it->structure == PG_STRUCT_FOOTNOTE;
                if (it->kind == PG_ITEM_BEGIN && element) {
                    if (it->id != last) {
                        checked += check_justified(plan, d, r.style, (placed_line *)lines->data,
                                                   lines->len, &misses);
                        g_array_set_size(lines, 0);
                    }
                    open = last = it->id;
                } else if (it->kind == PG_ITEM_END && element && it->id == open) {
                    open = 0;
                } else if (it->kind == PG_ITEM_TEXT && !it->artifact && open &&
                           r.style->text[it->role].align == PG_ALIGN_JUSTIFY) {
                    placed_line pl = {p, it};
                    g_array_append_val(lines, pl);
                }
            }
        }
        checked += check_justified(plan, d, r.style, (placed_line *)lines->data, lines->len,
                                   &misses);
        g_array_free(lines, TRUE);
        cr_expect_eq(misses, 0, "%s: %d justified lines end off the margin", plan, misses);
        pr_free(d);
        free(pdf);
        pg_result_free(&r);
        pg_engine_free(e);
    }
    cr_expect_gt(checked, 500, "only %d justified lines checked", checked);
    unlink(synthetic);
    rmdir(dir);
    g_free(dir);
    g_ptr_array_free(plans, TRUE);
}

Test(writer, state_header_rules_stand_clear_of_the_text, .timeout = 60)
{
    /* issue #14 point 3: the short rules under the issuing body and under the
     * summary are drawn with a visible gap under their line's descenders, not
     * as an underline: from the bottom of poppler's text box (the font's
     * descent) to the top of the dark run drawn under it on the page image,
     * at least 3 pt, and no more than 6 pt */
    size_t len;
    pg_pages *pp = NULL;
    unsigned char *pdf = run_pipeline(SO_KHCN, STATE, PG_SOURCE_DIR "/fonts", NULL, &len, NULL, &pp);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(d);
    pr_image *im = pr_render(d, 0, 8);
    const pg_role roles[] = {PG_ROLE_ISSUER, PG_ROLE_SUMMARY};
    for (size_t r = 0; r < 2; r++) {
        const pg_item *line = NULL;
        for (size_t k = 0; k < pp->pages[0].n; k++)
            if (pp->pages[0].items[k].kind == PG_ITEM_TEXT && pp->pages[0].items[k].role == roles[r])
                line = &pp->pages[0].items[k];
        cr_assert_not_null(line, "no %s line", pg_role_name(roles[r]));
        char *text = pg_item_text(line);
        g_strchomp(text);
        const pr_span *s = pr_find(&d->pages[0], text);
        cr_assert_not_null(s, "\"%s\" is not in the PDF", text);
        /* the rule: the longest dark run in the 10 pt under the text box */
        double x0, x1, y;
        double run = pr_hrun(im, s->x0, s->x1, s->y1 - 1, s->y1 + 10, &x0, &x1, &y);
        cr_assert_gt(run, (s->x1 - s->x0) / 4, "no rule under \"%s\"", text);
        double top = 0, bottom = 0;
        /* its rows: those around the run's that stay dark */
        cr_assert(pr_vrun(im, (x0 + x1) / 2 - 1, (x0 + x1) / 2 + 1, y, 0, &top, &bottom));
        double gap = top - s->y1;
        cr_expect(gap >= 3.0 && gap <= 6.0,
                  "the rule under \"%s\" starts %.2f pt under its text box (bottom %.2f, rule "
                  "%.2f-%.2f)",
                  text, gap, s->y1, top, bottom);
        g_free(text);
    }
    pr_image_free(im);
    pr_free(d);
    free(pdf);
    pg_pages_free(pp);
}

Test(writer, fonts_are_embedded_subsets_with_text, .timeout = 60)
{
    size_t len;
    unsigned char *pdf = render(HUNG_YEN, PARTY, NULL, &len);
    pr_doc *d = pr_load(pdf, len);
    PopplerFontInfo *fi = poppler_font_info_new(d->doc);
    PopplerFontsIter *it = NULL;
    int fonts = 0;
    cr_assert(poppler_font_info_scan(fi, (int)d->n, &it));
    do {
        const char *name = poppler_fonts_iter_get_name(it);
        cr_expect(poppler_fonts_iter_is_embedded(it) && poppler_fonts_iter_is_subset(it),
                  "%s is not an embedded subset", name);
        cr_expect_eq(poppler_fonts_iter_get_font_type(it), POPPLER_FONT_TYPE_CID_TYPE2,
                     "%s is not a CID TrueType font", name);
        cr_expect(strstr(name, "LiberationSerif") != NULL, "font %s", name);
        fonts++;
    } while (poppler_fonts_iter_next(it));
    cr_expect_eq(fonts, 4, "%d fonts: regular, bold, italic, bold italic expected", fonts);
    poppler_fonts_iter_free(it);
    g_object_unref(fi);
    pr_free(d);
    free(pdf);
}

/* The fonts of a PDF as poppler lists them (pdffonts): "NAME TYPE EMBEDDED SUBSET;" each. */
static char *font_list(pr_doc *d)
{
    GString *out = g_string_new(NULL);
    PopplerFontInfo *fi = poppler_font_info_new(d->doc);
    PopplerFontsIter *it = NULL;
    if (poppler_font_info_scan(fi, (int)d->n, &it)) {
        do
            g_string_append_printf(out, "%s %d %d %d;", poppler_fonts_iter_get_name(it),
                                   poppler_fonts_iter_get_font_type(it),
                                   poppler_fonts_iter_is_embedded(it),
                                   poppler_fonts_iter_is_subset(it));
        while (poppler_fonts_iter_next(it));
        poppler_fonts_iter_free(it);
    }
    g_object_unref(fi);
    return g_string_free(out, FALSE);
}

/* Every font of d is an embedded subset of type type whose name starts with
 * family; returns how many there are. */
static int expect_fonts(pr_doc *d, PopplerFontType type, const char *family)
{
    PopplerFontInfo *fi = poppler_font_info_new(d->doc);
    PopplerFontsIter *it = NULL;
    int n = 0;
    cr_assert(poppler_font_info_scan(fi, (int)d->n, &it));
    do {
        const char *name = poppler_fonts_iter_get_name(it);
        cr_expect(poppler_fonts_iter_is_embedded(it) && poppler_fonts_iter_is_subset(it),
                  "%s is not an embedded subset", name);
        cr_expect_eq(poppler_fonts_iter_get_font_type(it), type, "%s has type %d, not %d", name,
                     poppler_fonts_iter_get_font_type(it), type);
        cr_expect(g_str_has_prefix(untagged(name), family), "font %s, not %s", name, family);
        n++;
    } while (poppler_fonts_iter_next(it));
    poppler_fonts_iter_free(it);
    g_object_unref(fi);
    return n;
}

/* 1 when the bytes of a PDF hold s. */
static int holds(const unsigned char *pdf, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(pdf + i, s, n) == 0)
            return 1;
    return 0;
}

/* The text of every page, lines joined by spaces. */
static char *all_text(pr_doc *d)
{
    GString *t = g_string_new(NULL);
    for (size_t p = 0; p < d->n; p++)
        for (size_t k = 0; k < d->pages[p].n; k++)
            g_string_append_printf(t, "%s ", d->pages[p].spans[k].text);
    return g_string_free(t, FALSE);
}

/* A folder holding plan.xml (xml), house.xml (party.xml with font family) and
 * fonts/fonts.conf reading the fonts of font_dirs (folders separated by ':');
 * heap path, remove_env() it. */
static char *make_env(const char *xml, const char *family, const char *font_dirs)
{
    char *dir = g_dir_make_tmp("pg-env-XXXXXX", NULL);
    cr_assert_not_null(dir);
    char *party = NULL, *p;
    cr_assert(g_file_get_contents(PARTY, &party, NULL, NULL));
    p = g_build_filename(dir, "party.xml", NULL);
    cr_assert(g_file_set_contents(p, party, -1, NULL));
    g_free(p);
    g_free(party);
    char *house = g_strdup_printf("<style xmlns=\"urn:plangen:style:1\" name=\"house\" "
                                  "extends=\"party\"><font family=\"%s\"/></style>",
                                  family);
    p = g_build_filename(dir, "house.xml", NULL);
    cr_assert(g_file_set_contents(p, house, -1, NULL));
    g_free(p);
    g_free(house);
    p = g_build_filename(dir, "plan.xml", NULL);
    cr_assert(g_file_set_contents(p, xml, -1, NULL));
    g_free(p);
    p = g_build_filename(dir, "fonts", NULL);
    cr_assert(mkdir(p, 0700) == 0);
    g_free(p);
    GString *conf = g_string_new("<fontconfig>");
    char **dirs = g_strsplit(font_dirs, ":", -1);
    for (char **d = dirs; *d; d++)
        g_string_append_printf(conf, "<dir>%s</dir>", *d);
    g_strfreev(dirs);
    g_string_append(conf, "<cachedir prefix=\"xdg\">fontconfig</cachedir></fontconfig>");
    p = g_build_filename(dir, "fonts", "fonts.conf", NULL);
    cr_assert(g_file_set_contents(p, conf->str, -1, NULL));
    g_free(p);
    g_string_free(conf, TRUE);
    return dir;
}

static void remove_env(char *dir)
{
    static const char *const files[] = {"plan.xml", "party.xml", "house.xml", "fonts/fonts.conf",
                                        "fonts"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = g_build_filename(dir, files[i], NULL);
        remove(p);
        g_free(p);
    }
    rmdir(dir);
    g_free(dir);
}

/* Renders dir/plan.xml in dir/house.xml with dir/fonts; diagnostics into diags. */
static unsigned char *render_env(const char *dir, size_t *len, GString *diags)
{
    char *plan = g_build_filename(dir, "plan.xml", NULL);
    char *style = g_build_filename(dir, "house.xml", NULL);
    char *fonts = g_build_filename(dir, "fonts", NULL);
    unsigned char *pdf = run_pipeline(plan, style, fonts, NULL, len, diags, NULL);
    g_free(plan);
    g_free(style);
    g_free(fonts);
    return pdf;
}

#define UNCOVERED "warning: character is not in the font; drawn as an empty box: "

Test(writer, a_character_the_font_lacks_is_reported_and_drawn_as_an_empty_box, .timeout = 60)
{
    /* ✓ and 中 are not in Liberation Serif: each is reported where its paragraph
     * or note stands, with its code point and the family; pango borrows no other
     * family, the PDF is plangen's (Liberation subsets only), and the text reads
     * back with the characters in place (ActualText of the .notdef glyph) */
    char *dir = g_dir_make_tmp("pg-uncovered-XXXXXX", NULL);
    char *xml = g_strdup_printf("%s<p>Đã hoàn thành ✓ việc kiểm tra chữ Hán 中 trong kế "
                                "hoạch.</p>\n<p>Ghi chú<footnote>Dấu ✓ và chữ 中 trong chú "
                                "thích.</footnote> cuối đoạn.</p>%s</plan>",
                                GEN_HEAD, GEN_TAIL);
    char *path = g_build_filename(dir, "plan.xml", NULL);
    cr_assert(g_file_set_contents(path, xml, -1, NULL));
    size_t len;
    GString *diags = g_string_new(NULL);
    unsigned char *pdf = run_pipeline(path, PARTY, PG_SOURCE_DIR "/fonts", NULL, &len, diags, NULL);
    cr_assert_not_null(pdf);
    static const char *const want[] = {
        ":1:" /* the first paragraph, on line 1 */,
        UNCOVERED "\"✓\" (U+2713) is not in Liberation Serif (the style's \"Times New Roman\")",
        UNCOVERED "\"中\" (U+4E2D) is not in Liberation Serif (the style's \"Times New Roman\")",
        ":2:11: " UNCOVERED "\"✓\" (U+2713)", /* the note */
        ":2:11: " UNCOVERED "\"中\" (U+4E2D)",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(diags->str, want[i]), "no \"%s\" in:\n%s", want[i], diags->str);
    int n = 0;
    for (const char *p = diags->str; (p = strstr(p, "U+")); p++)
        n++;
    cr_expect_eq(n, 4, "%d reports, 4 expected:\n%s", n, diags->str);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(d);
    char *text = all_text(d);
    cr_expect(strstr(text, "Đã hoàn thành ✓ việc kiểm tra chữ Hán 中 trong kế hoạch."), "%s", text);
    cr_expect(strstr(text, "Dấu ✓ và chữ 中 trong chú thích."), "%s", text);
    cr_expect_geq(expect_fonts(d, POPPLER_FONT_TYPE_CID_TYPE2, "LiberationSerif"), 3);
    g_free(text);
    pr_free(d);
    free(pdf);
    g_string_free(diags, TRUE);
    unlink(path);
    rmdir(dir);
    g_free(path);
    g_free(xml);
    g_free(dir);
}

Test(writer, a_cff_house_font_is_embedded_as_opentype, .timeout = 120)
{
    /* Nimbus Roman (fonts-urw-base35) has CFF outlines and no Vietnamese beyond
     * Latin-1 and Latin Extended-A: the style gets a warning, each letter it
     * lacks is reported (Liberation Serif, which has them all, is configured
     * too, and never lends one), and the PDF embeds Nimbus Roman subsets as
     * CIDFontType0 OpenType fonts, nothing else */
    const char *urw = "/usr/share/fonts/opentype/urw-base35";
    const char *dir_fonts = "/usr/share/fonts/opentype/urw-base35:"
                            "/usr/share/fonts/truetype/liberation2";
    cr_assert(g_file_test(urw, G_FILE_TEST_IS_DIR), "fonts-urw-base35 is missing");
    char *xml = g_strdup_printf("%s<p>Được, Ăn, Ơn, Ưu và chữ thường: đây.</p>%s</plan>", GEN_HEAD,
                                GEN_TAIL);
    char *dir = make_env(xml, "Nimbus Roman", dir_fonts);
    size_t len;
    GString *diags = g_string_new(NULL);
    unsigned char *pdf = render_env(dir, &len, diags);
    cr_assert_not_null(pdf, "the CFF font was refused:\n%s", diags->str);
    cr_expect(strstr(diags->str,
                     "house.xml: warning: font lacks Vietnamese letters; they are drawn "
                     "as empty boxes: \"Nimbus Roman\" is served by Nimbus Roman"),
              "%s", diags->str);
    cr_expect(strstr(diags->str, UNCOVERED "\"Ư\" (U+01AF) is not in Nimbus Roman"), "%s",
              diags->str);
    cr_expect_null(strstr(diags->str, "\"Đ\""), "Đ is in Nimbus Roman:\n%s", diags->str);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(d);
    int n = expect_fonts(d, POPPLER_FONT_TYPE_CID_TYPE0COT, "NimbusRoman");
    cr_expect_geq(n, 2, "%d fonts", n);
    /* each as PDF 1.7 says: a CIDFontType0 whose program is FontFile3 /OpenType */
    cr_expect(holds(pdf, len, "/Subtype /CIDFontType0 ") && holds(pdf, len, "/FontFile3 ") &&
                  holds(pdf, len, "/Subtype /OpenType") && !holds(pdf, len, "/FontFile2"),
              "not CIDFontType0 with FontFile3 /OpenType");
    char *text = all_text(d);
    cr_expect(strstr(text, "Được, Ăn, Ơn, Ưu và chữ thường: đây."), "%s", text);
    g_free(text);
    pr_free(d);
    free(pdf);
    g_string_free(diags, TRUE);
    g_free(xml);
    remove_env(dir);
}

Test(writer, a_font_of_a_collection_is_embedded_alone, .timeout = 120)
{
    /* WenQuanYi Micro Hei Mono is the second face of wqy-microhei.ttc: its
     * glyphs (中 among them) come from that face, embedded as a TrueType subset */
    const char *dir_fonts = "/usr/share/fonts/truetype/wqy";
    cr_assert(g_file_test(dir_fonts, G_FILE_TEST_IS_DIR), "fonts-wqy-microhei is missing");
    char *xml =
        g_strdup_printf("%s<p>Chữ Hán 中文 trong kế hoạch.</p>%s</plan>", GEN_HEAD, GEN_TAIL);
    char *dir = make_env(xml, "WenQuanYi Micro Hei Mono", dir_fonts);
    size_t len;
    GString *diags = g_string_new(NULL);
    unsigned char *pdf = render_env(dir, &len, diags);
    cr_assert_not_null(pdf, "the TTC font was refused:\n%s", diags->str);
    cr_expect_null(strstr(diags->str, "U+4E2D"), "中 is in the font:\n%s", diags->str);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(d);
    char *fonts = font_list(d);
    cr_expect(strstr(fonts, "WenQuanYiMicroHeiMono"), "%s", fonts);
    cr_expect_null(strstr(fonts, "WenQuanYiMicroHei "), "the first face was embedded: %s", fonts);
    expect_fonts(d, POPPLER_FONT_TYPE_CID_TYPE2, "WenQuanYiMicroHeiMono");
    char *text = all_text(d);
    cr_expect(strstr(text, "Chữ Hán 中文 trong"), "%s", text);
    /* the glyphs are the second face's: the mono face sets every Latin letter
     * in the same advance */
    const pr_span *s = NULL;
    for (size_t p = 0; p < d->n && !s; p++)
        s = pr_find_prefix(&d->pages[p], "Chữ Hán");
    cr_assert_not_null(s);
    g_free(text);
    g_free(fonts);
    pr_free(d);
    free(pdf);
    g_string_free(diags, TRUE);
    g_free(xml);
    remove_env(dir);
}

/* ---- font programs (hb-subset) ----------------------------------------------------- */

#define SERIF "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define NIMBUS "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf"
#define WQY "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

static hb_face_t *face_of(const char *data, size_t len, unsigned index)
{
    hb_blob_t *b = hb_blob_create(data, (unsigned)len, HB_MEMORY_MODE_DUPLICATE, NULL, NULL);
    hb_face_t *f = hb_face_create(b, index);
    hb_blob_destroy(b);
    return f;
}

/* Subsets file's face index to the glyphs of text (and .notdef): the subset is
 * of the same kind, much smaller, and draws exactly those glyphs as the face
 * does, under the same ids, and no glyph beyond them but composites' parts.
 * Returns the number of glyphs the subset draws. */
static int expect_subset(const char *file, unsigned index, const char *text, pg_outlines kind)
{
    gchar *data;
    gsize len;
    cr_assert(g_file_get_contents(file, &data, &len, NULL), "%s is missing", file);
    hb_face_t *face = face_of(data, len, index);
    cr_assert_eq(pg_font_outlines(face, NULL), kind, "%s: kind", file);
    hb_font_t *font = hb_font_create(face);
    hb_set_t *want = hb_set_create();
    hb_set_add(want, 0);
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        hb_codepoint_t g;
        cr_assert(hb_font_get_nominal_glyph(font, g_utf8_get_char(p), &g), "%s lacks %s", file, p);
        hb_set_add(want, g);
    }
    hb_blob_t *sub = pg_font_subset(face, want);
    cr_assert_not_null(sub, "%s: no subset", file);
    cr_expect_lt(hb_blob_get_length(sub), len / 4, "%s: the subset is %u bytes of %zu", file,
                 hb_blob_get_length(sub), len);
    hb_face_t *sface = hb_face_create(sub, 0);
    cr_expect_eq(pg_font_outlines(sface, NULL), kind, "%s: the subset's kind", file);
    hb_font_t *sfont = hb_font_create(sface);
    /* the face asked for, not another of its collection */
    char name[128] = "", sname[128] = "";
    unsigned nl = sizeof name, snl = sizeof sname;
    hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &nl, name);
    hb_ot_name_get_utf8(sface, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &snl, sname);
    cr_expect_str_eq(sname, name, "%s: the subset is of another face", file);
    unsigned n = hb_face_get_glyph_count(sface);
    cr_expect_gt(n, hb_set_get_max(want), "%s: glyph ids must be kept", file);
    int drawn = 0;
    for (hb_codepoint_t g = 0; g < n; g++) {
        hb_glyph_extents_t a = {0}, b = {0};
        hb_font_get_glyph_extents(font, g, &a);
        hb_font_get_glyph_extents(sfont, g, &b);
        if (hb_set_has(want, g))
            cr_expect(a.width == b.width && a.height == b.height && a.x_bearing == b.x_bearing &&
                          a.y_bearing == b.y_bearing &&
                          hb_font_get_glyph_h_advance(font, g) ==
                              hb_font_get_glyph_h_advance(sfont, g),
                      "%s: glyph %u changed", file, g);
        drawn += b.width != 0 || b.height != 0;
    }
    hb_font_destroy(sfont);
    hb_face_destroy(sface);
    hb_blob_destroy(sub);
    hb_set_destroy(want);
    hb_font_destroy(font);
    hb_face_destroy(face);
    g_free(data);
    return drawn;
}

Test(fonts, a_truetype_subset_keeps_the_glyph_ids_and_components, .timeout = 30)
{
    /* K, ế, ệ and .notdef; the composite letters bring their components */
    int drawn = expect_subset(SERIF, 0, "Kếệ", PG_OUTLINES_TRUETYPE);
    cr_expect(drawn >= 3 && drawn < 16, "%d glyphs drawn", drawn);
}

Test(fonts, a_cff_subset_keeps_the_glyph_ids, .timeout = 30)
{
    int drawn = expect_subset(NIMBUS, 0, "Kêđ", PG_OUTLINES_CFF);
    cr_expect(drawn >= 3 && drawn < 8, "%d glyphs drawn", drawn);
}

Test(fonts, a_face_of_a_collection_is_subset_alone, .timeout = 60)
{
    int drawn = expect_subset(WQY, 1, "A中", PG_OUTLINES_TRUETYPE);
    cr_expect(drawn >= 2 && drawn < 8, "%d glyphs drawn", drawn);
}

Test(fonts, damaged_fonts_are_refused_or_subset_safely, .timeout = 30)
{
    gchar *data;
    gsize len;
    cr_assert(g_file_get_contents(SERIF, &data, &len, NULL));
    /* a loca whose last offsets point far past glyf; bytes that are no font */
    const unsigned char *u = (const unsigned char *)data;
    size_t loca_at = 0, loca_len = 0;
    for (unsigned i = 0; i < (unsigned)(u[4] << 8 | u[5]); i++) {
        const unsigned char *rec = u + 12 + 16 * i;
        if (memcmp(rec, "loca", 4) == 0) {
            loca_at = (size_t)rec[8] << 24 | (size_t)rec[9] << 16 | (size_t)rec[10] << 8 | rec[11];
            loca_len = (size_t)rec[12] << 24 | (size_t)rec[13] << 16 | (size_t)rec[14] << 8 | rec[15];
        }
    }
    cr_assert(loca_len > 8 && loca_at + loca_len <= len);
    char *bad = g_memdup2(data, len);
    memset(bad + loca_at + loca_len - 8, 0xFF, 8);
    hb_face_t *bface = face_of(bad, len, 0);
    hb_set_t *all = hb_set_create();
    hb_set_add_range(all, 0, hb_face_get_glyph_count(bface) - 1);
    hb_blob_t *sub = pg_font_subset(bface, all);
    if (sub) {
        hb_face_t *sf = hb_face_create(sub, 0);
        cr_expect_eq(pg_font_outlines(sf, NULL), PG_OUTLINES_TRUETYPE);
        hb_face_destroy(sf);
        hb_blob_destroy(sub);
    }
    hb_face_destroy(bface);
    hb_face_t *junk = face_of("not a font at all", 17, 0);
    const char *why = NULL;
    cr_expect_eq(pg_font_outlines(junk, &why), PG_OUTLINES_NONE);
    cr_expect_not_null(why);
    cr_expect_null(pg_font_subset(junk, all));
    hb_face_destroy(junk);
    hb_set_destroy(all);
    g_free(bad);
    g_free(data);
}
