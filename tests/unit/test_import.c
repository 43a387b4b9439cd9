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
