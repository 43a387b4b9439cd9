/* Unit tests of the number stage: roman and Vietnamese-letter numbering, nested
 * schemes, date and number-and-symbol texts, recipient and signature lines. */
#include "number.h"
#include "parse.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

Test(roman, converts)
{
    char b[32];
    static const struct {
        int n;
        const char *s;
    } cases[] = {{1, "I"}, {2, "II"}, {3, "III"}, {4, "IV"}, {5, "V"}, {9, "IX"},
                 {14, "XIV"}, {40, "XL"}, {90, "XC"}, {1999, "MCMXCIX"}, {3999, "MMMCMXCIX"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert(pg_roman(cases[i].n, 1, b, sizeof b));
        cr_assert_str_eq(b, cases[i].s, "roman(%d)", cases[i].n);
    }
    cr_assert(pg_roman(4, 0, b, sizeof b));
    cr_assert_str_eq(b, "iv");
    cr_assert_not(pg_roman(0, 1, b, sizeof b));
    cr_assert_not(pg_roman(4000, 1, b, sizeof b));
}

Test(letters, follow_the_vietnamese_alphabet)
{
    const char *expect[] = {"a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m",
                            "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y", "aa"};
    char b[32];
    for (int i = 0; i < 24; i++) {
        cr_assert(pg_viet_letter(i + 1, b, sizeof b));
        cr_assert_str_eq(b, expect[i], "letter %d", i + 1);
    }
}

Test(labels, nested_schemes)
{
    int c[10] = {0, 2, 3, 4, 5, 6};
    char b[64];
    cr_assert(pg_format_label("I-", c, 1, b, sizeof b));
    cr_assert_str_eq(b, "II-");
    cr_assert(pg_format_label("I.", c, 1, b, sizeof b));
    cr_assert_str_eq(b, "II.");
    cr_assert(pg_format_label("1-", c, 2, b, sizeof b));
    cr_assert_str_eq(b, "3-");
    cr_assert(pg_format_label("1.", c, 2, b, sizeof b));
    cr_assert_str_eq(b, "3.");
    cr_assert(pg_format_label("1.1.", c, 3, b, sizeof b));
    cr_assert_str_eq(b, "3.4.");
    cr_assert(pg_format_label("1.1.1-", c, 4, b, sizeof b));
    cr_assert_str_eq(b, "3.4.5-");
    cr_assert(pg_format_label("a)", c, 5, b, sizeof b));
    cr_assert_str_eq(b, "e)");
    cr_assert(pg_format_label("-", c, 5, b, sizeof b));
    cr_assert_str_eq(b, "-");
}

Test(labels, format_check)
{
    cr_assert_null(pg_format_check("I-"));
    cr_assert_null(pg_format_check("1.1.1-"));
    cr_assert_null(pg_format_check("a)"));
    cr_assert_not_null(pg_format_check("1x"));
    cr_assert_not_null(pg_format_check(""));
}

Test(date, zero_padding)
{
    const char *f = "{place}, ngày {day} tháng {month} năm {year}";
    char *s = pg_date_text(f, "Trà Vinh", 2022, 4, 18);
    cr_assert_str_eq(s, "Trà Vinh, ngày 18 tháng 4 năm 2022");
    free(s);
    s = pg_date_text(f, "Hạ Long", 2018, 2, 20);
    cr_assert_str_eq(s, "Hạ Long, ngày 20 tháng 02 năm 2018");
    free(s);
    s = pg_date_text(f, "Hà Nội", 2018, 4, 3);
    cr_assert_str_eq(s, "Hà Nội, ngày 03 tháng 4 năm 2018");
    free(s);
    s = pg_date_text(f, "Hà Nội", 2020, 1, 5);
    cr_assert_str_eq(s, "Hà Nội, ngày 05 tháng 01 năm 2020");
    free(s);
    s = pg_date_text(f, "Hà Nội", 2019, 12, 9);
    cr_assert_str_eq(s, "Hà Nội, ngày 09 tháng 12 năm 2019");
    free(s);
}

Test(date, validity)
{
    cr_assert(pg_date_valid(2024, 2, 29));
    cr_assert_not(pg_date_valid(2023, 2, 29));
    cr_assert_not(pg_date_valid(2023, 2, 30));
    cr_assert_not(pg_date_valid(1900, 2, 29));
    cr_assert(pg_date_valid(2000, 2, 29));
    cr_assert_not(pg_date_valid(2023, 4, 31));
    cr_assert_not(pg_date_valid(2023, 13, 1));
    cr_assert(pg_date_valid(2023, 12, 31));
}

Test(number, party_and_padding)
{
    char *s = pg_number_text("Số {number}-{type}/{symbol}", 60, "KH", "ĐUK");
    cr_assert_str_eq(s, "Số 60-KH/ĐUK");
    free(s);
    s = pg_number_text("Số {number}-{type}/{symbol}", 5, "KH", "TU");
    cr_assert_str_eq(s, "Số 05-KH/TU");
    free(s);
    s = pg_number_text("Số: {number}/{type}-{symbol}", 5, "KH", "SKHCN");
    cr_assert_str_eq(s, "Số: 05/KH-SKHCN");
    free(s);
}

static const char *const PLAN_HEAD =
    "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"ĐUK\">ĐẢNG ỦY KHỐI</issuer>"
    "<number>7</number><place>Trà Vinh</place><date>2022-04-08</date>"
    "<summary>về việc thử</summary>";

static pg_doc *numbered(const char *body, pg_style **st_out, pg_diag_list *d)
{
    char *xml = NULL;
    size_t n = strlen(PLAN_HEAD) + strlen(body) + 16;
    xml = malloc(n);
    snprintf(xml, n, "%s%s</plan>", PLAN_HEAD, body);
    pg_doc *doc = pg_doc_parse_memory(xml, strlen(xml), "t.xml", NULL, d);
    free(xml);
    cr_assert_eq(pg_diag_worst(d), PG_LEVEL_OK, "parse failed");
    pg_style *st = pg_style_load(PG_SOURCE_DIR "/templates/styles/party.xml", d);
    cr_assert_not_null(st);
    *st_out = st;
    return doc;
}

Test(number, sections_from_nesting)
{
    pg_diag_list d = {0};
    pg_style *st;
    pg_doc *doc = numbered(
        "<numbering><level depth=\"2\" format=\"1.\"/></numbering>"
        "<section title=\"A\"><section title=\"a\"/><section title=\"b\"><section title=\"x\"/>"
        "<section title=\"y\"><section title=\"z\"/></section></section></section>"
        "<section title=\"B\"><section title=\"c\"/></section>"
        "<signature title=\"BÍ THƯ\" name=\"N\"/>",
        &st, &d);
    cr_assert(pg_doc_number(doc, st, &d));
    const pg_node *A = doc->body->first, *a = A->first, *b = a->next;
    const pg_node *x = b->first, *y = x->next, *z = y->first, *B = A->next, *c = B->first;
    cr_assert_str_eq(A->u.section.label, "I-");
    cr_assert_str_eq(a->u.section.label, "1.");
    cr_assert_str_eq(b->u.section.label, "2.");
    cr_assert_str_eq(x->u.section.label, "2.1.");
    cr_assert_str_eq(y->u.section.label, "2.2.");
    cr_assert_str_eq(z->u.section.label, "2.2.1-");
    cr_assert_str_eq(B->u.section.label, "II-");
    cr_assert_str_eq(c->u.section.label, "1.", "numbering restarts under a new parent");
    cr_assert_str_eq(doc->number_line, "Số 07-KH/ĐUK");
    cr_assert_str_eq(doc->date_line, "Trà Vinh, ngày 08 tháng 4 năm 2022");
    pg_doc_free(doc);
    pg_style_unref(st);
    pg_diag_list_free(&d);
}

Test(number, recipients_and_brace_groups)
{
    pg_diag_list d = {0};
    pg_style *st;
    pg_doc *doc = numbered(
        "<p>x</p><recipients><group purpose=\"để báo cáo\"><to>Ban Thường vụ Tỉnh ủy</to>"
        "<to>Ban Tuyên giáo Tỉnh ủy,</to></group><to purpose=\"để t/c t/h\">Các chi bộ</to>"
        "<to>Các Ban</to><archive>VP</archive></recipients>"
        "<signature authority=\"on-behalf\" collective=\"Ban Thường vụ\" title=\"Phó Bí thư\" "
        "name=\"Nguyễn Văn A\"/>",
        &st, &d);
    cr_assert(pg_doc_number(doc, st, &d));
    cr_assert_eq(doc->n_groups, 1);
    cr_assert_eq(doc->groups[0].first, 0);
    cr_assert_eq(doc->groups[0].count, 2);
    cr_assert_str_eq(doc->groups[0].purpose, "để báo cáo");
    cr_assert_eq(doc->recipients[0].group, 1);
    cr_assert_eq(doc->recipients[1].group, 1);
    cr_assert_eq(doc->recipients[2].group, 0);
    cr_assert_str_eq(doc->recipients[0].line, "- Ban Thường vụ Tỉnh ủy,");
    cr_assert_str_eq(doc->recipients[1].line, "- Ban Tuyên giáo Tỉnh ủy,",
                     "a typed comma is not doubled");
    cr_assert_str_eq(doc->recipients[2].line, "- Các chi bộ (để t/c t/h),");
    cr_assert_str_eq(doc->recipients[3].line, "- Các Ban,");
    cr_assert_str_eq(doc->archive_line, "- Lưu VP.");
    cr_assert_str_eq(doc->signature.authority_line, "T/M BAN THƯỜNG VỤ");
    cr_assert_str_eq(doc->signature.title_line, "PHÓ BÍ THƯ");
    pg_doc_free(doc);
    pg_style_unref(st);
    pg_diag_list_free(&d);
}

Test(number, authority_spelled_by_the_standard)
{
    static const struct {
        const char *attr, *line;
    } cases[] = {{"on-behalf", "T/M BAN THƯỜNG VỤ"},
                 {"deputy", "K/T BAN THƯỜNG VỤ"},
                 {"by-order", "T/L BAN THƯỜNG VỤ"},
                 {"acting", "Q. BAN THƯỜNG VỤ"},
                 {"none", "BAN THƯỜNG VỤ"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "<p>x</p><signature authority=\"%s\" collective=\"BAN THƯỜNG VỤ\" "
                 "title=\"BÍ THƯ\" name=\"A\"/>",
                 cases[i].attr);
        pg_diag_list d = {0};
        pg_style *st;
        pg_doc *doc = numbered(body, &st, &d);
        cr_assert(pg_doc_number(doc, st, &d));
        cr_assert_str_eq(doc->signature.authority_line, cases[i].line, "%s", cases[i].attr);
        pg_doc_free(doc);
        pg_style_unref(st);
        pg_diag_list_free(&d);
    }
}

Test(number, tuq_is_not_a_party_form)
{
    pg_diag_list d = {0};
    pg_style *st;
    pg_doc *doc = numbered("<p>x</p><signature authority=\"by-authorisation\" "
                           "collective=\"GIÁM ĐỐC\" title=\"PHÓ GIÁM ĐỐC\" name=\"A\"/>",
                           &st, &d);
    cr_assert_not(pg_doc_number(doc, st, &d));
    cr_assert_eq(d.n, 1);
    /* the column of <signature>, counted in characters */
    int col = (int)g_utf8_strlen(PLAN_HEAD, -1) + (int)strlen("<p>x</p>") + 1;
    char *expect = g_strdup_printf(
        "t.xml:1:%d: error: unknown authority form: authority=\"by-authorisation\" has no form "
        "in Hướng dẫn 36-HD/VPTW; Party documents sign by order instead: authority=\"by-order\" "
        "(T/L)",
        col);
    char *s = pg_diag_format(&d.items[0]);
    cr_assert_str_eq(s, expect);
    g_free(expect);
    free(s);
    pg_doc_free(doc);
    pg_style_unref(st);
    pg_diag_list_free(&d);
}

Test(number, appendices_and_footnotes)
{
    pg_diag_list d = {0};
    pg_style *st;
    pg_doc *doc = numbered("<p>a<footnote>một</footnote> b<footnote>hai</footnote></p>"
                           "<signature title=\"BÍ THƯ\" name=\"A\"/>"
                           "<appendix title=\"Danh sách\"><p>x<footnote>ba</footnote></p></appendix>"
                           "<appendix name=\"DANH MỤC\"><p>y</p></appendix>"
                           "<appendix><section title=\"Mục\"><p>z</p></section></appendix>",
                           &st, &d);
    cr_assert(pg_doc_number(doc, st, &d));
    const pg_node *p = doc->body->first;
    cr_assert_eq(p->first->next->u.footnote.number, 1);
    cr_assert_eq(p->first->next->next->next->u.footnote.number, 2);
    const pg_node *a1 = doc->appendices->first, *a2 = a1->next, *a3 = a2->next;
    cr_assert_eq(a1->first->first->next->u.footnote.number, 3, "numbers run on into appendices");
    cr_assert_str_eq(a1->u.appendix.label, "PHỤ LỤC 1", "several appendices: Arabic numbers");
    cr_assert_str_eq(a2->u.appendix.label, "DANH MỤC", "a name replaces the label");
    cr_assert_str_eq(a3->u.appendix.label, "PHỤ LỤC 3");
    cr_assert_str_eq(a3->first->u.section.label, "I-", "sections in an appendix start afresh");
    /* no cited-as: the issuer's name in sentence case */
    cr_assert_str_eq(a1->u.appendix.attachment,
                     "(kèm theo Kế hoạch số 07-KH/ĐUK, ngày 8/4/2022 của Đảng ủy khối)");
    pg_doc_free(doc);
    pg_style_unref(st);
    pg_diag_list_free(&d);
}
