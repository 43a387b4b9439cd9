/* Unit tests of the office readers of `plangen import` (import_odt.c,
 * import_docx.c, import_zip.c): the paragraphs they hand the recogniser -
 * runs and marks through style chains, list labels as if typed, line breaks,
 * drawn braces turned into " }" and the purpose. Archives are built here with
 * libzip from the XML parts written in each test. */
#include "import.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

/* Reads the archive of the n (name, text) parts through pg_import_read as
 * file `name`; asserts it is read. */
static void read_parts(const char *name, const char *const *parts, size_t n, pg_import_doc *doc)
{
    char *path = NULL;
    int fd = g_file_open_tmp("plangen-reader-XXXXXX.zip", &path, NULL);
    cr_assert(fd >= 0);
    close(fd);
    int err = 0;
    zip_t *z = zip_open(path, ZIP_TRUNCATE | ZIP_CREATE, &err);
    cr_assert(z);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, parts[2 * i + 1], strlen(parts[2 * i + 1]), 0);
        cr_assert(zip_file_add(z, parts[2 * i], s, ZIP_FL_ENC_UTF_8) >= 0);
        if (strcmp(parts[2 * i], "mimetype") == 0)
            zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
    }
    cr_assert_eq(zip_close(z), 0);
    gchar *bytes = NULL;
    gsize len = 0;
    cr_assert(g_file_get_contents(path, &bytes, &len, NULL));
    unlink(path);
    g_free(path);
    pg_diag_list d = {0};
    int ok = pg_import_read(bytes, len, name, doc, &d);
    cr_assert(ok, "%s not read: %s", name, d.n ? d.items[0].detail : "");
    pg_diag_list_free(&d);
    g_free(bytes);
}

/* The text of paragraph i, all runs joined; g_free it. */
static char *text(const pg_import_doc *doc, size_t i)
{
    cr_assert(i < doc->n, "paragraph %zu of %zu", i, doc->n);
    GString *g = g_string_new(NULL);
    for (size_t k = 0; k < doc->paras[i].n_runs; k++)
        g_string_append(g, doc->paras[i].runs[k].text);
    return g_string_free(g, FALSE);
}

static void expect(const pg_import_doc *doc, size_t i, const char *want)
{
    char *t = text(doc, i);
    cr_expect_str_eq(t, want, "paragraph %zu", i);
    g_free(t);
}

/* The marks of the run of paragraph i that holds s. */
static unsigned marks_of(const pg_import_doc *doc, size_t i, const char *s)
{
    for (size_t k = 0; k < doc->paras[i].n_runs; k++)
        if (strstr(doc->paras[i].runs[k].text, s))
            return doc->paras[i].runs[k].marks;
    cr_assert_fail("\"%s\" not in paragraph %zu", s, i);
    return 0;
}

#define ODF_NS                                                                                     \
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                          \
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "                            \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                              \
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "                            \
    "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "                           \
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "                   \
    "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\""

static void read_odt(const char *styles, const char *body, pg_import_doc *doc)
{
    char *content = g_strdup_printf("<office:document-content " ODF_NS
                                    "><office:automatic-styles>%s</office:automatic-styles>"
                                    "<office:body><office:text>%s</office:text></office:body>"
                                    "</office:document-content>",
                                    styles, body);
    const char *parts[] = {"mimetype", "application/vnd.oasis.opendocument.text", "content.xml",
                           content};
    read_parts("old.odt", parts, 2, doc);
    g_free(content);
}

Test(odt, marks_follow_the_parent_chain_and_turn_off)
{
    pg_import_doc doc;
    read_odt("<style:style style:name=\"B\" style:family=\"paragraph\">"
             "<style:text-properties fo:font-weight=\"bold\"/></style:style>"
             "<style:style style:name=\"B2\" style:family=\"paragraph\" "
             "style:parent-style-name=\"B\"/>"
             "<style:style style:name=\"N\" style:family=\"text\">"
             "<style:text-properties fo:font-weight=\"normal\" fo:font-style=\"italic\"/>"
             "</style:style>"
             "<style:style style:name=\"U\" style:family=\"text\" style:parent-style-name=\"N\">"
             "<style:text-properties style:text-underline-style=\"solid\"/></style:style>"
             "<style:style style:name=\"L1\" style:family=\"paragraph\" "
             "style:parent-style-name=\"L2\"/><style:style style:name=\"L2\" "
             "style:family=\"paragraph\" style:parent-style-name=\"L1\"/>",
             "<text:p text:style-name=\"B2\">đậm <text:span text:style-name=\"U\">gạch</text:span>"
             "</text:p><text:p text:style-name=\"L1\">vòng</text:p>",
             &doc);
    cr_assert_eq(doc.n, 2);
    cr_expect_eq(marks_of(&doc, 0, "đậm"), PG_RUN_BOLD);
    /* the span: bold turned off by N, italic from N, underline its own */
    cr_expect_eq(marks_of(&doc, 0, "gạch"), PG_RUN_ITALIC | PG_RUN_UNDERLINE);
    /* a cycle of parents ends */
    cr_expect_eq(marks_of(&doc, 1, "vòng"), 0);
    pg_import_doc_free(&doc);
}

Test(odt, spaces_tabs_breaks)
{
    pg_import_doc doc;
    read_odt("", "<text:p>a<text:s text:c=\"3\"/>b<text:tab/>c<text:line-break/>d"
                 "<text:soft-page-break/> e<text:s text:c=\"100000\"/></text:p>",
             &doc);
    cr_assert_eq(doc.n, 2);
    expect(&doc, 0, "a   b\tc");
    expect(&doc, 1, "d e                                                                ");
    cr_expect_eq(doc.paras[0].line, doc.paras[1].line);
    pg_import_doc_free(&doc);
}

#define LIST_STYLE                                                                                 \
    "<text:list-style style:name=\"S\">"                                                           \
    "<text:list-level-style-number text:level=\"1\" style:num-format=\"I\" "                       \
    "style:num-suffix=\".\"/>"                                                                     \
    "<text:list-level-style-number text:level=\"2\" style:num-format=\"1\" "                       \
    "style:num-suffix=\".\" text:display-levels=\"2\"/>"                                           \
    "<text:list-level-style-number text:level=\"3\" style:num-format=\"a\" "                       \
    "style:num-suffix=\")\"/>"                                                                     \
    "</text:list-style><text:list-style style:name=\"G\">"                                         \
    "<text:list-level-style-bullet text:level=\"1\" text:bullet-char=\"•\"/></text:list-style>"

Test(odt, list_labels_as_typed)
{
    pg_import_doc doc;
    read_odt(LIST_STYLE,
             "<text:list text:style-name=\"S\"><text:list-item><text:p>A</text:p>"
             "<text:list><text:list-item><text:p>B</text:p>"
             "<text:list><text:list-item><text:p>C</text:p></text:list-item>"
             "<text:list-item><text:p>D</text:p></text:list-item></text:list></text:list-item>"
             "<text:list-item><text:p>E</text:p></text:list-item></text:list></text:list-item>"
             "<text:list-item><text:p>F</text:p></text:list-item></text:list>"
             "<text:p>giữa</text:p>"
             "<text:list text:style-name=\"S\" text:continue-numbering=\"true\">"
             "<text:list-item><text:p>G</text:p></text:list-item></text:list>"
             "<text:list text:style-name=\"S\"><text:list-item text:start-value=\"5\">"
             "<text:p>H</text:p></text:list-item></text:list>"
             "<text:list text:style-name=\"G\"><text:list-item><text:p>gạch</text:p>"
             "</text:list-item><text:list-item><text:p>- đã gõ</text:p></text:list-item>"
             "</text:list>",
             &doc);
    const char *want[] = {"I. A", "I.1. B", "a) C", "b) D", "I.2. E", "II. F", "giữa",
                          "III. G", "V. H", "- gạch", "- đã gõ"};
    cr_assert_eq(doc.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < doc.n; i++)
        expect(&doc, i, want[i]);
    pg_import_doc_free(&doc);
}

Test(odt, brace_shape_and_its_purpose)
{
    pg_import_doc doc;
    /* 12 pt at single spacing: a pitch of 13.8 pt; a brace from 1 pt, 26 pt
     * high, spans the anchor line and the next */
    read_odt("<style:style style:name=\"R\" style:family=\"paragraph\">"
             "<style:paragraph-properties fo:line-height=\"100%\" fo:margin-top=\"0cm\" "
             "fo:margin-bottom=\"0cm\"/><style:text-properties fo:font-size=\"12pt\"/>"
             "</style:style>",
             "<text:p text:style-name=\"R\">Nơi nhận:<text:tab/>KT. GIÁM ĐỐC</text:p>"
             "<text:p text:style-name=\"R\"><draw:frame svg:y=\"0.2cm\" svg:height=\"0.5cm\">"
             "<draw:text-box><text:p>(để b/c)</text:p></draw:text-box></draw:frame>"
             "<draw:custom-shape svg:y=\"1pt\" svg:height=\"26pt\"><draw:enhanced-geometry "
             "draw:type=\"right-brace\"/></draw:custom-shape>- Bộ A;<text:tab/>PHÓ GIÁM ĐỐC"
             "</text:p><text:p text:style-name=\"R\">- UBND tỉnh;</text:p>"
             "<text:p text:style-name=\"R\">- Lưu: VT.</text:p>"
             "<text:p><draw:frame><draw:text-box><text:p>Chữ trong khung</text:p>"
             "</draw:text-box></draw:frame>Sau</text:p>",
             &doc);
    const char *want[] = {"Nơi nhận:\tKT. GIÁM ĐỐC", "- Bộ A; } (để b/c)\tPHÓ GIÁM ĐỐC",
                          "- UBND tỉnh; }", "- Lưu: VT.", "Sau", "Chữ trong khung"};
    cr_assert_eq(doc.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < doc.n; i++)
        expect(&doc, i, want[i]);
    pg_import_doc_free(&doc);
}

Test(odt, table_cells_and_covered_cells)
{
    pg_import_doc doc;
    read_odt("", "<table:table><table:table-header-rows><table:table-row>"
                 "<table:table-cell table:number-columns-spanned=\"2\"><text:p>AB</text:p>"
                 "</table:table-cell><table:covered-table-cell/><table:table-cell><text:p>C"
                 "</text:p></table:table-cell></table:table-row></table:table-header-rows>"
                 "<table:table-row><table:table-cell><text:p>1</text:p></table:table-cell>"
                 "</table:table-row></table:table>",
             &doc);
    cr_assert_eq(doc.n, 3);
    cr_expect(doc.paras[1].in_cell && doc.paras[1].table == 1 && doc.paras[1].row == 0 &&
              doc.paras[1].col == 2);
    cr_expect(doc.paras[2].row == 1 && doc.paras[2].col == 0);
    pg_import_doc_free(&doc);
}
