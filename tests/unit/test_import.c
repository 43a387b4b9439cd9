/* Unit tests of the importer: the word count of import.h, the text reader's
 * runs and cells, the recogniser's headings, bullets and counts. */
#include "import.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *recognise(const char *text, pg_import_stats *st)
{
    pg_import_doc doc;
    pg_diag_list d = {0};
    cr_assert(pg_import_text_read(text, strlen(text), "t.txt", &doc, &d));
    char *left = NULL;
    char *xml = pg_import_recognise(&doc, "t.txt", &d, st, &left);
    free(left);
    pg_import_doc_free(&doc);
    pg_diag_list_free(&d);
    return xml;
}

Test(import, words_are_runs_of_non_spaces)
{
    cr_assert_eq(pg_import_count_words(""), 0);
    cr_assert_eq(pg_import_count_words("  a\tb\r\nc  "), 3);
    cr_assert_eq(pg_import_count_words("Hưng\xC2\xA0Yên"), 2); /* U+00A0 separates */
    cr_assert_eq(pg_import_count_words("xử lý¹;"), 2);
}

Test(import, markdown_marks_become_runs)
{
    const char *t = "a **b** *c* __d__ * e\n";
    pg_import_doc doc;
    pg_diag_list d = {0};
    cr_assert(pg_import_text_read(t, strlen(t), "t.txt", &doc, &d));
    cr_assert_eq(doc.n, 1);
    const pg_import_para *p = &doc.paras[0];
    cr_assert_eq(p->n_runs, 7);
    cr_assert_str_eq(p->runs[1].text, "b");
    cr_assert_eq(p->runs[1].marks, PG_RUN_BOLD);
    cr_assert_str_eq(p->runs[3].text, "c");
    cr_assert_eq(p->runs[3].marks, PG_RUN_ITALIC);
    cr_assert_str_eq(p->runs[5].text, "d");
    cr_assert_eq(p->runs[5].marks, PG_RUN_UNDERLINE);
    cr_assert_str_eq(p->runs[6].text, " * e"); /* a star between spaces is text */
    pg_import_doc_free(&doc);
}

Test(import, pipe_tables_become_cells)
{
    const char *t = "| A | B |\n|---|---|\n| x | <p>y</p> <p>z</p> |\n";
    pg_import_doc doc;
    pg_diag_list d = {0};
    cr_assert(pg_import_text_read(t, strlen(t), "t.txt", &doc, &d));
    cr_assert_eq(doc.n, 5);
    cr_assert(doc.paras[4].in_cell);
    cr_assert_eq(doc.paras[4].row, 1);
    cr_assert_eq(doc.paras[4].col, 1);
    cr_assert_str_eq(doc.paras[4].runs[0].text, "z");
    pg_import_doc_free(&doc);
}

Test(import, utf16_with_a_bom_and_nul_bytes)
{
    const char le[] = "\xFF\xFE"
                      "K\0H\0\n\0";
    pg_import_doc doc;
    pg_diag_list d = {0};
    cr_assert(pg_import_text_read(le, sizeof le - 1, "t.txt", &doc, &d));
    cr_assert_eq(doc.n, 1);
    cr_assert_str_eq(doc.paras[0].runs[0].text, "KH");
    pg_import_doc_free(&doc);
    const char nul[] = "ab\0c";
    cr_assert_not(pg_import_text_read(nul, 4, "t.txt", &doc, &d));
    cr_assert_eq(doc.n, 0);
    cr_assert_eq(d.n, 1);
    cr_assert_eq(d.items[0].code, PG_E_UTF8);
    cr_assert_eq(d.items[0].col, 3);
    pg_diag_list_free(&d);
}

Test(import, headings_nest_and_numbers_are_marks)
{
    pg_import_stats st;
    char *xml = recognise("KẾ HOẠCH\n\ntriển khai\n\nI- MỤC ĐÍCH\n\n1. Mục đích\n\n- việc một\n\n"
                          "II- TỔ CHỨC\n\na) Chữ\n",
                          &st);
    cr_assert(strstr(xml, "<section title=\"MỤC ĐÍCH\">\n    <section title=\"Mục đích\">\n"
                          "      <item>việc một</item>\n    </section>\n  </section>"),
              "%s", xml);
    cr_assert(strstr(xml, "<level depth=\"2\" format=\"1.\"/>"), "%s", xml);
    cr_assert_eq(st.words_in, st.words_out);
    cr_assert_eq(st.marks, 2 + 5); /* KẾ HOẠCH; I- 1. - II- a) */
    free(xml);
}

/* ---- paragraphs of a DOCX or ODT: built here as a reader would ---------------- */

typedef struct {
    const char *text; /* "**" at both ends: bold */
    int cell, table, row, col;
} para_spec;

/* Recognises paragraphs as a DOCX reader gives them: one entry a paragraph. */
static char *recognise_paras(const para_spec *ps, size_t n, pg_import_stats *st, char **left)
{
    pg_import_doc doc = {0};
    for (size_t i = 0; i < n; i++) {
        pg_import_para *p = pg_import_para_add(&doc, (int)i + 1);
        const char *t = ps[i].text;
        if (strncmp(t, "[pic]", 5) == 0) /* a picture; its alternate text after */
            p->picture = 1, t += 5;
        size_t len = strlen(t);
        if (len > 4 && strncmp(t, "**", 2) == 0 && strcmp(t + len - 2, "**") == 0)
            pg_import_run_add(p, t + 2, len - 4, PG_RUN_BOLD);
        else if (strncmp(t, "1.2. **", 7) == 0) { /* a run-in heading: "1.2. **Title:** text" */
            const char *e = strstr(t + 7, "**");
            pg_import_run_add(p, "1.2. ", 5, 0);
            pg_import_run_add(p, t + 7, (size_t)(e - (t + 7)), PG_RUN_BOLD);
            pg_import_run_add(p, e + 2, strlen(e + 2), 0);
        } else
            pg_import_run_add(p, t, len, 0);
        p->in_cell = ps[i].cell, p->table = ps[i].table, p->row = ps[i].row, p->col = ps[i].col;
    }
    pg_diag_list d = {0};
    char *xml = pg_import_recognise(&doc, "t.docx", &d, st, left);
    pg_import_doc_free(&doc);
    pg_diag_list_free(&d);
    return xml;
}

#define HEAD                                                                                   \
    {"ĐẢNG BỘ TỈNH A", 0, 0, 0, 0}, {"ĐẢNG ỦY B", 0, 0, 0, 0}, {"Số 12-KH/ĐU", 0, 0, 0, 0},     \
        {"ĐẢNG CỘNG SẢN VIỆT NAM", 0, 0, 0, 0}, {"A, ngày 05 tháng 4 năm 2023", 0, 0, 0, 0},     \
        {"KẾ HOẠCH", 0, 0, 0, 0}, {"**tổ chức hội nghị**", 0, 0, 0, 0}

Test(import, closing_table_gives_recipients_and_signature)
{
    const para_spec ps[] = {HEAD,
                            {"I- MỤC ĐÍCH", 0, 0, 0, 0},
                            {"Nội dung.", 0, 0, 0, 0},
                            {"Nơi nhận:", 1, 1, 0, 0},
                            {"- Ban Thường vụ Tỉnh ủy (để b/c),", 1, 1, 0, 0},
                            {"- Lưu VP.", 1, 1, 0, 0},
                            {"T/M BAN THƯỜNG VỤ", 1, 1, 0, 1},
                            {"BÍ THƯ", 1, 1, 0, 1},
                            {"Nguyễn Văn A", 1, 1, 0, 1}};
    pg_import_stats st;
    char *left = NULL;
    char *xml = recognise_paras(ps, sizeof ps / sizeof *ps, &st, &left);
    cr_assert(strstr(xml, "<to purpose=\"để b/c\">Ban Thường vụ Tỉnh ủy</to>"), "%s", xml);
    cr_assert(strstr(xml, "<archive>VP</archive>"), "%s", xml);
    cr_assert(strstr(xml, "<signature authority=\"on-behalf\" collective=\"BAN THƯỜNG VỤ\" "
                          "title=\"BÍ THƯ\" name=\"Nguyễn Văn A\"/>"),
              "%s", xml);
    cr_assert(!strstr(xml, "<table>"), "%s", xml);
    cr_assert(strstr(xml, "<summary>tổ chức hội nghị</summary>"), "a bold summary: %s", xml);
    cr_assert_str_eq(left, "");
    cr_assert_eq(st.words_in, st.words_out);
    free(xml);
    free(left);
}

Test(import, tab_separated_closing_lines)
{
    const para_spec ps[] = {HEAD,
                            {"I- MỤC ĐÍCH", 0, 0, 0, 0},
                            {"Nội dung.", 0, 0, 0, 0},
                            {"Nơi nhận:\t\tT/M BAN THƯỜNG VỤ", 0, 0, 0, 0},
                            {"- Các chi bộ,\t\tBÍ THƯ", 0, 0, 0, 0},
                            {"- Lưu VP.", 0, 0, 0, 0},
                            {"\t\t\tNguyễn Văn A", 0, 0, 0, 0}};
    pg_import_stats st;
    char *left = NULL;
    char *xml = recognise_paras(ps, sizeof ps / sizeof *ps, &st, &left);
    cr_assert(strstr(xml, "<to>Các chi bộ</to>"), "%s", xml);
    cr_assert(strstr(xml, "<archive>VP</archive>"), "%s", xml);
    cr_assert(strstr(xml, "title=\"BÍ THƯ\" name=\"Nguyễn Văn A\"/>"), "%s", xml);
    cr_assert_eq(st.words_in, st.words_out);
    cr_assert_eq(st.unplaced, 0);
    free(xml);
    free(left);
}

Test(import, paragraphs_stay_apart_and_headings_are_read_from_their_marks)
{
    const para_spec ps[] = {HEAD,
                            {"-----", 0, 0, 0, 0},
                            {"I- MỤC ĐÍCH", 0, 0, 0, 0},
                            {"1- Mục đích", 0, 0, 0, 0},
                            {"Một đoạn", 0, 0, 0, 0},
                            {"đoạn thứ hai.", 0, 0, 0, 0},
                            {"**1.1. Quán triệt, thảo luận, làm rõ những nội dung mới của Hội nghị "
                             "Trung ương 4 (khóa XIII)**",
                             0, 0, 0, 0},
                            {"1.2. **Thành phần:** toàn thể đảng viên.", 0, 0, 0, 0}};
    pg_import_stats st;
    char *left = NULL;
    char *xml = recognise_paras(ps, sizeof ps / sizeof *ps, &st, &left);
    cr_assert(strstr(xml, "<p>Một đoạn</p>"), "each paragraph its own: %s", xml);
    cr_assert(strstr(xml, "<p>đoạn thứ hai.</p>"), "%s", xml);
    cr_assert(!strstr(xml, "-----"), "a rule is dropped: %s", xml);
    cr_assert(strstr(xml, "title=\"Quán triệt, thảo luận, làm rõ những nội dung mới của Hội nghị "
                          "Trung ương 4 (khóa XIII)\""),
              "a long bold heading is a title: %s", xml);
    cr_assert(strstr(xml, "<section run-in=\"yes\" title=\"Thành phần:\">"), "%s", xml);
    cr_assert(strstr(xml, "<p>toàn thể đảng viên.</p>"), "%s", xml);
    cr_assert_eq(st.words_in, st.words_out);
    free(xml);
    free(left);
}

Test(import, appendix_label_title_and_attachment)
{
    const para_spec ps[] = {HEAD,
                            {"I- MỤC ĐÍCH", 0, 0, 0, 0},
                            {"Nội dung.", 0, 0, 0, 0},
                            {"Nơi nhận:", 0, 0, 0, 0},
                            {"- Lưu VP.", 0, 0, 0, 0},
                            {"T/M BAN THƯỜNG VỤ", 0, 0, 0, 0},
                            {"BÍ THƯ", 0, 0, 0, 0},
                            {"Nguyễn Văn A", 0, 0, 0, 0},
                            {"PHỤ LỤC", 0, 0, 0, 0},
                            {"Danh mục tài liệu", 0, 0, 0, 0},
                            {"(kèm theo Kế hoạch số 12-KH/ĐU, ngày 05/4/2023 của Ban Thường vụ Đảng ủy)",
                             0, 0, 0, 0},
                            {"* Tài liệu một.", 0, 0, 0, 0}};
    pg_import_stats st;
    char *left = NULL;
    char *xml = recognise_paras(ps, sizeof ps / sizeof *ps, &st, &left);
    cr_assert(strstr(xml, "<appendix title=\"Danh mục tài liệu\">"), "%s", xml);
    cr_assert(strstr(xml, "<item bullet=\"star\">Tài liệu một.</item>"), "%s", xml);
    cr_assert(strstr(xml, "cited-as=\"Ban Thường vụ Đảng ủy\""), "%s", xml);
    cr_assert(!strstr(xml, "kèm theo"), "%s", xml);
    cr_assert_eq(st.words_in, st.words_out);
    free(xml);
    free(left);
}

Test(import, a_picture_whose_text_is_a_link_is_a_qr_code)
{
    const para_spec ps[] = {HEAD,
                            {"I- MỤC ĐÍCH", 0, 0, 0, 0},
                            {"Quét mã để đọc:", 0, 0, 0, 0},
                            {"[pic]https://example.vn/tai-lieu", 0, 0, 0, 0},
                            {"https://example.vn/tai-lieu", 0, 0, 0, 0},
                            {"[pic]Sơ đồ tổ chức", 0, 0, 0, 0},
                            {"[pic]", 0, 0, 0, 0}};
    pg_import_stats st;
    char *left = NULL;
    char *xml = recognise_paras(ps, sizeof ps / sizeof *ps, &st, &left);
    cr_assert(strstr(xml, "<qr href=\"https://example.vn/tai-lieu\"/>"), "%s", xml);
    cr_assert(!strstr(xml, "<p>https://"), "the caption under it is plangen's: %s", xml);
    cr_assert(strstr(xml, "<p>Sơ đồ tổ chức</p>"), "another picture's text is kept: %s", xml);
    cr_assert_eq(st.words_in, st.words_out);
    free(xml);
    free(left);
}

Test(import, values_the_schema_would_refuse_are_left_to_fill)
{
    const char *t = "ĐẢNG CỘNG SẢN VIỆT NAM\nĐẢNG BỘ TỈNH\nSố 12345678-KH/TU\n"
                    ", ngày 31 tháng 2 năm 20230\nKẾ HOẠCH\nthực hiện việc gì đó\nI- MỤC ĐÍCH\n"
                    "Nội dung.\nNơi nhận:\n- UBND tỉnh; } ( )\n- Sở A; }\n- Lưu: VT.\n- Sở B;\n"
                    "T/M BAN THƯỜNG VỤ\nBÍ THƯ\n** **\n";
    pg_import_stats st;
    char *xml = recognise(t, &st);
    cr_assert(!strstr(xml, "<number>"), "eight digits are no number: %s", xml);
    cr_assert(strstr(xml, "<place>[Địa danh]</place>"), "%s", xml);
    cr_assert(!strstr(xml, "<date>2023"), "31 February is no date: %s", xml);
    cr_assert(strstr(xml, "<group purpose=\"[để …]\">"), "%s", xml);
    cr_assert(strstr(xml, "<to>Sở B</to>\n    <archive>VT</archive>\n  </recipients>"),
              "the archive last: %s", xml);
    cr_assert(strstr(xml, "name=\"[Họ và tên]\""), "%s", xml);
    cr_assert_eq(st.words_in, st.words_out);
    free(xml);
}

Test(import, numbers_in_text_are_no_headings)
{
    const char *t = "KẾ HOẠCH\nvề việc A\n\nI. MỤC ĐÍCH\n\n1.500 đảng viên đã tham gia học tập.\n\n"
                    "5 - 7 ngày sau hội nghị, các chi bộ gửi báo cáo.\n\n3 . Tổ chức thực hiện\n\n"
                    "Các đơn vị báo cáo đúng giờ\n\nvà gửi về Ban Tuyên giáo.\n";
    pg_import_stats st;
    char *xml = recognise(t, &st);
    cr_assert(strstr(xml, "<p>1.500 đảng viên đã tham gia học tập.</p>"), "%s", xml);
    cr_assert(strstr(xml, "<p>5 - 7 ngày sau hội nghị, các chi bộ gửi báo cáo.</p>"), "%s", xml);
    cr_assert(strstr(xml, "<section title=\"Tổ chức thực hiện\">"), "%s", xml);
    cr_assert(strstr(xml, "<p>Các đơn vị báo cáo đúng giờ và gửi về Ban Tuyên giáo.</p>"),
              "'ờ' does not end a sentence: %s", xml);
    cr_assert_eq(st.words_in, st.words_out);
    free(xml);
}

Test(import, another_kind_of_document_gives_its_type)
{
    const char *t = "ĐẢNG CỘNG SẢN VIỆT NAM\nHUYỆN ỦY B\nSố 12-CTr/HU\nB, ngày 05 tháng 4 năm 2023\n"
                    "CHƯƠNG TRÌNH\nhành động thực hiện nghị quyết\nI- MỤC ĐÍCH\nNội dung.\n";
    pg_import_stats st;
    char *xml = recognise(t, &st);
    cr_assert(strstr(xml, "<date>2023-04-05</date>\n  <type>CHƯƠNG TRÌNH</type>\n  <summary>hành "
                          "động thực hiện nghị quyết</summary>"),
              "%s", xml);
    cr_assert_eq(st.words_in, st.words_out);
    free(xml);
}
