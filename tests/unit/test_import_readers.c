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
    cr_expect_str_eq(t, want, "paragraph %zu: \"%s\", not \"%s\"", i, t, want);
    g_free(t);
}

/* The paragraphs of doc are exactly want[0..n). */
static void expect_all(const pg_import_doc *doc, const char *const *want, size_t n)
{
    cr_assert_eq(doc->n, n, "%zu paragraphs, not %zu", doc->n, n);
    for (size_t i = 0; i < n; i++)
        expect(doc, i, want[i]);
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
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                           \
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "                             \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                               \
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "                             \
    "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "                            \
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "                    \
    "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" "                      \
    "xmlns:xlink=\"http://www.w3.org/1999/xlink\""

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
    read_odt("",
             "<text:p>a<text:s text:c=\"3\"/>b<text:tab/>c<text:line-break/>d"
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
    const char *want[] = {"I. A", "I.1. B", "a) C", "b) D",   "I.2. E", "II. F",
                          "giữa", "III. G", "V. H", "- gạch", "- đã gõ"};
    expect_all(&doc, want, sizeof want / sizeof *want);
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
    const char *want[] = {"Nơi nhận:\tKT. GIÁM ĐỐC",
                          "- Bộ A; } (để b/c)\tPHÓ GIÁM ĐỐC",
                          "- UBND tỉnh; }",
                          "- Lưu: VT.",
                          "Sau",
                          "Chữ trong khung"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    pg_import_doc_free(&doc);
}

Test(odt, table_cells_and_covered_cells)
{
    pg_import_doc doc;
    read_odt("",
             "<table:table><table:table-header-rows><table:table-row>"
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

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define DRAWING_NS                                                                                 \
    "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" "         \
    "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "                           \
    "xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\" "             \
    "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "                    \
    "xmlns:v=\"urn:schemas-microsoft-com:vml\" "                                                   \
    "xmlns:o=\"urn:schemas-microsoft-com:office:office\" "                                         \
    "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\""

static void read_docx(const char *styles, const char *numbering, const char *body,
                      pg_import_doc *doc)
{
    char *d = g_strdup_printf(
        "<w:document " W_NS " " DRAWING_NS "><w:body>%s</w:body></w:document>", body);
    char *s = g_strdup_printf("<w:styles " W_NS ">%s</w:styles>", styles);
    char *n = g_strdup_printf("<w:numbering " W_NS ">%s</w:numbering>", numbering);
    const char *parts[] = {"word/document.xml", d, "word/styles.xml", s, "word/numbering.xml", n};
    read_parts("old.docx", parts, 3, doc);
    g_free(d);
    g_free(s);
    g_free(n);
}

Test(docx, based_on_chains_and_toggles)
{
    pg_import_doc doc;
    read_docx("<w:style w:type=\"paragraph\" w:styleId=\"Dam\"><w:rPr><w:b/><w:u w:val=\"single\"/>"
              "</w:rPr></w:style><w:style w:type=\"paragraph\" w:styleId=\"DamCon\">"
              "<w:basedOn w:val=\"Dam\"/><w:rPr><w:u w:val=\"none\"/></w:rPr></w:style>"
              "<w:style w:type=\"character\" w:styleId=\"Nghieng\"><w:rPr><w:i/></w:rPr></w:style>"
              "<w:style w:type=\"character\" w:styleId=\"NghiengKhongDam\"><w:basedOn "
              "w:val=\"Nghieng\"/><w:rPr><w:b w:val=\"0\"/></w:rPr></w:style>"
              "<w:style w:type=\"paragraph\" w:styleId=\"X\"><w:basedOn w:val=\"Y\"/></w:style>"
              "<w:style w:type=\"paragraph\" w:styleId=\"Y\"><w:basedOn w:val=\"X\"/></w:style>",
              "",
              "<w:p><w:pPr><w:pStyle w:val=\"DamCon\"/></w:pPr><w:r><w:t>đậm </w:t></w:r>"
              "<w:r><w:rPr><w:rStyle w:val=\"NghiengKhongDam\"/></w:rPr><w:t>nghiêng</w:t></w:r>"
              "<w:r><w:rPr><w:b w:val=\"false\"/></w:rPr><w:t> thường</w:t></w:r></w:p>"
              "<w:p><w:pPr><w:pStyle w:val=\"X\"/></w:pPr><w:r><w:t>vòng</w:t></w:r></w:p>",
              &doc);
    cr_assert_eq(doc.n, 2);
    cr_expect_eq(marks_of(&doc, 0, "đậm"), PG_RUN_BOLD);
    cr_expect_eq(marks_of(&doc, 0, "nghiêng"), PG_RUN_ITALIC);
    cr_expect_eq(marks_of(&doc, 0, "thường"), 0);
    cr_expect_eq(marks_of(&doc, 1, "vòng"), 0);
    pg_import_doc_free(&doc);
}

#define NUM_P(ilvl, num, text)                                                                     \
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"" ilvl "\"/><w:numId w:val=\"" num "\"/></w:numPr>"      \
    "</w:pPr><w:r><w:t>" text "</w:t></w:r></w:p>"

Test(docx, automatic_numbering_as_typed)
{
    pg_import_doc doc;
    read_docx(
        "<w:style w:type=\"paragraph\" w:styleId=\"H2\"><w:pPr><w:numPr><w:ilvl "
        "w:val=\"1\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>",
        "<w:abstractNum w:abstractNumId=\"0\">"
        "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"upperRoman\"/>"
        "<w:lvlText w:val=\"%1.\"/></w:lvl>"
        "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>"
        "<w:lvlText w:val=\"%2.\"/></w:lvl>"
        "<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/>"
        "<w:lvlText w:val=\"%3)\"/></w:lvl>"
        "<w:lvl w:ilvl=\"3\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>"
        "<w:lvlText w:val=\"%2.%4.\"/></w:lvl></w:abstractNum>"
        "<w:abstractNum w:abstractNumId=\"1\"><w:lvl w:ilvl=\"0\"><w:numFmt "
        "w:val=\"bullet\"/><w:lvlText w:val=\"\xEF\x82\xB7\"/></w:lvl></w:abstractNum>"
        "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>"
        "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num>"
        "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"0\"/><w:lvlOverride w:ilvl=\"0\">"
        "<w:startOverride w:val=\"4\"/></w:lvlOverride></w:num>",
        NUM_P("0", "1", "MỤC") NUM_P("1", "1", "Điểm") NUM_P("2", "1", "ý") NUM_P("2", "1", "ý hai")
            NUM_P("3", "1", "chi tiết") NUM_P("1", "1", "Điểm hai") NUM_P("0", "1", "MỤC HAI")
                NUM_P("0", "2", "gạch") NUM_P("0", "1", "2. đã gõ") NUM_P("0", "3", "MỤC BỐN")
                    NUM_P("0", "0",
                          "không số") "<w:p><w:pPr><w:pStyle w:val=\"H2\"/></w:pPr><w:r><w:t>Theo "
                                      "kiểu</w:t></w:r></w:p>"
                                      "<w:p><w:pPr><w:pStyle w:val=\"H2\"/><w:numPr><w:ilvl "
                                      "w:val=\"2\"/></w:numPr>"
                                      "</w:pPr><w:r><w:t>cấp ba</w:t></w:r></w:p>",
        &doc);
    const char *want[] = {"I. MỤC",      "1. Điểm",      "a) ý",     "b) ý hai", "1.1. chi tiết",
                          "2. Điểm hai", "II. MỤC HAI",  "- gạch",   "2. đã gõ", "IV. MỤC BỐN",
                          "không số",    "1. Theo kiểu", "a) cấp ba"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    pg_import_doc_free(&doc);
}

/* a paragraph at 12 pt, single spacing: the pitch is 13.8 pt */
#define RECIPIENT(text)                                                                            \
    "<w:p><w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\" w:before=\"0\" w:after=\"0\"/>"     \
    "<w:rPr><w:sz w:val=\"24\"/></w:rPr></w:pPr><w:r><w:t xml:space=\"preserve\">" text            \
    "</w:t></w:r></w:p>"

Test(docx, drawn_brace_and_text_boxes)
{
    pg_import_doc doc;
    /* Word's rightBrace 1 pt down and 26 pt high (EMU), beside two lines; its
     * purpose in a text box; another text box kept as a paragraph */
    read_docx(
        "", "",
        "<w:p><w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/><w:rPr><w:sz "
        "w:val=\"24\"/></w:rPr></w:pPr><w:r><w:t>- Bộ A;</w:t></w:r>"
        "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor>"
        "<wp:positionV relativeFrom=\"paragraph\"><wp:posOffset>12700</wp:posOffset>"
        "</wp:positionV><wp:extent cx=\"90000\" cy=\"330200\"/><a:graphic><a:graphicData>"
        "<wps:wsp><wps:spPr><a:prstGeom prst=\"rightBrace\"/></wps:spPr></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback>"
        "<w:pict><v:shape style=\"margin-top:1pt;height:26pt\"/></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r><w:r><w:drawing><wp:anchor><wp:positionV "
        "relativeFrom=\"paragraph\"><wp:posOffset>0</wp:posOffset></wp:positionV>"
        "<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r>"
        "<w:t>(để b/c)</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>" RECIPIENT("- UBND tỉnh;")
            RECIPIENT("- Sở C;") "<w:p><w:r><w:t>Trước</w:t></"
                                 "w:r><w:r><w:pict><v:textbox><w:txbxContent><w:p>"
                                 "<w:r><w:t>Ghi chú trong "
                                 "khung</w:t></w:r></w:p></w:txbxContent></v:textbox>"
                                 "</w:pict></w:r></w:p>",
        &doc);
    const char *want[] = {"- Bộ A; } (để b/c)", "- UBND tỉnh; }", "- Sở C;", "Trước",
                          "Ghi chú trong khung"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    pg_import_doc_free(&doc);
}

#define CELL(text) "<w:tc><w:p><w:r><w:t>" text "</w:t></w:r></w:p></w:tc>"
#define MERGED(how, text)                                                                          \
    "<w:tc><w:tcPr><w:vMerge" how "/></w:tcPr><w:p><w:r><w:t>" text "</w:t></w:r></w:p></w:tc>"

Test(docx, brace_as_a_merged_cell)
{
    pg_import_doc doc;
    read_docx("", "",
              "<w:tbl><w:tr>" CELL("- Bộ A;") MERGED(" w:val=\"restart\"", "}")
                  MERGED(" w:val=\"restart\"", "(để b/c)") "</w:tr><w:tr>" CELL("- UBND tỉnh;")
                      MERGED("", "") MERGED("", "") "</w:tr><w:tr>" CELL("- Sở C;") CELL("")
                          CELL("") "</w:tr></w:tbl>",
              &doc);
    const char *want[] = {"- Bộ A; } (để b/c)", "- UBND tỉnh; }", "- Sở C;"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    cr_expect(doc.paras[1].in_cell && doc.paras[1].row == 1 && doc.paras[1].col == 0);
    pg_import_doc_free(&doc);
}

Test(odt, headings_numbered_by_the_outline_style)
{
    pg_import_doc doc;
    char *content = g_strdup(
        "<office:document-content " ODF_NS "><office:body><office:text>"
        "<text:h text:outline-level=\"1\">MỘT</text:h><text:h text:outline-level=\"2\">Hai</text:h>"
        "<text:h text:outline-level=\"2\">Ba</text:h><text:h text:outline-level=\"1\">BỐN</text:h>"
        "</office:text></office:body></office:document-content>");
    char *styles = g_strdup(
        "<office:document-styles " ODF_NS "><office:styles><text:outline-style style:name=\"O\">"
        "<text:outline-level-style text:level=\"1\" style:num-format=\"I\" style:num-suffix=\".\"/>"
        "<text:outline-level-style text:level=\"2\" style:num-format=\"1\" style:num-suffix=\".\"/>"
        "</text:outline-style></office:styles></office:document-styles>");
    const char *parts[] = {"mimetype",    "application/vnd.oasis.opendocument.text",
                           "content.xml", content,
                           "styles.xml",  styles};
    read_parts("old.odt", parts, 3, &doc);
    const char *want[] = {"I. MỘT", "1. Hai", "2. Ba", "II. BỐN"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    pg_import_doc_free(&doc);
    g_free(content);
    g_free(styles);
}

Test(odt, brace_as_a_merged_cell)
{
    pg_import_doc doc;
    read_odt("",
             "<table:table><table:table-row><table:table-cell><text:p>- Bộ A;</text:p>"
             "</table:table-cell><table:table-cell table:number-rows-spanned=\"2\"><text:p>}"
             "</text:p></table:table-cell><table:table-cell table:number-rows-spanned=\"2\">"
             "<text:p>(để b/c)</text:p></table:table-cell></table:table-row><table:table-row>"
             "<table:table-cell><text:p>- UBND tỉnh;</text:p></table:table-cell>"
             "<table:covered-table-cell/><table:covered-table-cell/></table:table-row>"
             "<table:table-row><table:table-cell><text:p>- Sở C;</text:p></table:table-cell>"
             "<table:table-cell/><table:table-cell><text:p>(ghi chú)</text:p></table:table-cell>"
             "</table:table-row></table:table>",
             &doc);
    const char *want[] = {"- Bộ A; } (để b/c)", "- UBND tỉnh; }", "- Sở C;", "(ghi chú)"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    pg_import_doc_free(&doc);
}

Test(docx, brace_in_a_closing_table_cell_and_pictures)
{
    pg_import_doc doc;
    /* the closing block as a table, as plangen writes it: the brace and its
     * purpose's text box anchored in the first recipient's paragraph, in a
     * cell; then a QR code (its link as alternate text) and a picture without */
    read_docx(
        "", "",
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Nơi nhận:</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:spacing w:line=\"260\" w:lineRule=\"exact\"/></w:pPr>"
        "<w:r><w:drawing><wp:anchor><wp:positionV relativeFrom=\"paragraph\">"
        "<wp:posOffset>5197</wp:posOffset></wp:positionV><wp:extent cx=\"63500\" cy=\"319807\"/>"
        "<a:graphic><a:graphicData><wps:wsp><wps:spPr><a:prstGeom prst=\"rightBrace\"/>"
        "</wps:spPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
        "<w:r><w:drawing><wp:anchor><wp:positionV relativeFrom=\"paragraph\"><wp:posOffset>"
        "82550</wp:posOffset></wp:positionV><a:graphic><a:graphicData><wps:wsp><wps:txbx>"
        "<w:txbxContent><w:p><w:r><w:t>(để b/c)</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
        "<w:r><w:t>- Bộ A;</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:spacing w:line=\"260\" w:lineRule=\"exact\"/></w:pPr><w:r><w:t>- UBND "
        "tỉnh;</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>BÍ THƯ</w:t></w:r></w:p></w:tc>"
        "</w:tr></w:tbl>"
        "<w:p><w:r><w:drawing><wp:inline><wp:extent cx=\"1080000\" cy=\"1080000\"/>"
        "<wp:docPr id=\"1\" name=\"QR 1\" descr=\"https://example.vn/a\"/><a:graphic>"
        "<a:graphicData><pic:pic><pic:nvPicPr><pic:cNvPr id=\"1\" name=\"i.png\"/>"
        "</pic:nvPicPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        "<w:p><w:r><w:drawing><wp:inline><wp:docPr id=\"2\" name=\"Ảnh 2\"/><a:graphic>"
        "<a:graphicData><pic:pic/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
        &doc);
    const char *want[] = {"Nơi nhận:", "- Bộ A; } (để b/c)",   "- UBND tỉnh; }",
                          "BÍ THƯ",    "https://example.vn/a", ""};
    expect_all(&doc, want, sizeof want / sizeof *want);
    cr_expect(doc.paras[1].in_cell && doc.paras[2].in_cell, "the recipients stay in their cell");
    cr_expect(doc.paras[4].picture && doc.paras[5].picture && !doc.paras[3].picture);
    pg_import_doc_free(&doc);
}

Test(odt, a_picture_with_its_title)
{
    pg_import_doc doc;
    read_odt("",
             "<text:p>Quét mã:</text:p><text:p><draw:frame draw:name=\"QR 1\">"
             "<draw:image xlink:href=\"Pictures/a.png\"/><svg:title>https://example.vn/a"
             "</svg:title></draw:frame></text:p>"
             "<text:p><draw:frame><draw:image xlink:href=\"Pictures/b.png\"/>"
             "<svg:desc>Sơ đồ</svg:desc></draw:frame></text:p>",
             &doc);
    const char *want[] = {"Quét mã:", "https://example.vn/a", "Sơ đồ"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    cr_expect(doc.paras[1].picture && doc.paras[2].picture && !doc.paras[0].picture);
    pg_import_doc_free(&doc);
}

Test(docx, grid_span_keeps_the_columns)
{
    pg_import_doc doc;
    /* a cell over two columns: the cell after it is in the third; a span
     * beyond any grid is bounded */
    read_docx(
        "", "",
        "<w:tbl><w:tr>" CELL("A") CELL("B") CELL(
            "C") "</w:tr><w:tr><w:tc><w:tcPr><w:gridSpan "
                 "w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>AB</w:t></w:r></w:p></w:tc>" CELL(
                     "C2") "</w:tr><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2147483647\"/></w:tcPr>"
                           "<w:p><w:r><w:t>rộng</w:t></w:r></w:p></w:tc>" CELL(
                               "sau") "</w:tr></w:tbl>",
        &doc);
    const char *want[] = {"A", "B", "C", "AB", "C2", "rộng", "sau"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    cr_expect_eq(doc.paras[3].col, 0);
    cr_expect_eq(doc.paras[4].col, 2, "the cell after a gridSpan of 2 is in column %d",
                 doc.paras[4].col);
    cr_expect_eq(doc.paras[6].col, 64, "after a huge gridSpan: column %d", doc.paras[6].col);
    pg_import_doc_free(&doc);
}

Test(docx, moved_text_hyphens_and_symbols)
{
    pg_import_doc doc;
    /* w:moveTo is read as w:ins (w:moveFrom, the old place, is not); a
     * non-breaking hyphen is "-"; a w:sym is its character when it is one:
     * not a symbol font's private-use code, a surrogate, a control or beyond
     * Unicode */
    read_docx("", "",
              "<w:p><w:moveFrom><w:r><w:t>chỗ cũ</w:t></w:r></w:moveFrom><w:moveTo><w:r>"
              "<w:t>chỗ mới</w:t></w:r></w:moveTo></w:p>"
              "<w:p><w:r><w:t>Bà</w:t><w:noBreakHyphen/><w:t>Rịa</w:t></w:r></w:p>"
              "<w:p><w:r><w:t>a</w:t><w:sym w:font=\"Arial\" w:char=\"2013\"/><w:t>b</w:t>"
              "<w:sym w:font=\"Symbol\" w:char=\"F0B7\"/><w:sym w:char=\"D800\"/>"
              "<w:sym w:char=\"0007\"/><w:sym w:char=\"110000\"/><w:sym w:char=\"zz\"/>"
              "<w:sym w:char=\"\"/><w:sym/><w:sym w:char=\"1EA0\"/></w:r></w:p>",
              &doc);
    const char *want[] = {"chỗ mới", "Bà-Rịa", "a–bẠ"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    pg_import_doc_free(&doc);
}

Test(docx, a_note_referenced_twice_is_attached_once)
{
    pg_import_doc doc;
    const char *parts[] = {
        "word/document.xml",
        "<w:document " W_NS "><w:body><w:p><w:r><w:t>Một</w:t></w:r>"
        "<w:r><w:footnoteReference w:id=\"1\"/></w:r><w:r><w:t xml:space=\"preserve\"> hai"
        "</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r><w:r><w:t xml:space="
        "\"preserve\"> ba</w:t></w:r><w:r><w:footnoteReference w:id=\"2\"/></w:r></w:p>"
        "</w:body></w:document>",
        "word/footnotes.xml",
        "<w:footnotes " W_NS "><w:footnote w:id=\"1\"><w:p><w:r><w:t>Chú một.</w:t></w:r></w:p>"
        "</w:footnote><w:footnote w:id=\"2\"><w:p><w:r><w:t>Chú hai.</w:t></w:r></w:p>"
        "</w:footnote></w:footnotes>"};
    read_parts("old.docx", parts, 2, &doc);
    const char *want[] = {"Một¹ hai ba²", "¹ Chú một.", "² Chú hai."};
    expect_all(&doc, want, sizeof want / sizeof *want);
    cr_expect_eq(doc.paras[0].n_footnotes, 2);
    pg_import_doc_free(&doc);
}

Test(docx, style_cycles_end)
{
    pg_import_doc doc;
    /* A based on B based on A: the chain A, B (bold, italic); C based on itself */
    read_docx("<w:style w:styleId=\"A\"><w:basedOn w:val=\"B\"/><w:rPr><w:b/></w:rPr></w:style>"
              "<w:style w:styleId=\"B\"><w:basedOn w:val=\"A\"/><w:rPr><w:i/><w:b w:val=\"0\"/>"
              "</w:rPr></w:style><w:style w:styleId=\"C\"><w:basedOn w:val=\"C\"/><w:rPr><w:u "
              "w:val=\"single\"/></w:rPr></w:style>",
              "",
              "<w:p><w:pPr><w:pStyle w:val=\"A\"/></w:pPr><w:r><w:t>kiểu A</w:t></w:r></w:p>"
              "<w:p><w:pPr><w:pStyle w:val=\"B\"/></w:pPr><w:r><w:t>kiểu B</w:t></w:r></w:p>"
              "<w:p><w:r><w:rPr><w:rStyle w:val=\"C\"/></w:rPr><w:t>kiểu C</w:t></w:r></w:p>",
              &doc);
    cr_expect_eq(marks_of(&doc, 0, "kiểu A"), PG_RUN_BOLD | PG_RUN_ITALIC);
    cr_expect_eq(marks_of(&doc, 1, "kiểu B"), PG_RUN_ITALIC);
    cr_expect_eq(marks_of(&doc, 2, "kiểu C"), PG_RUN_UNDERLINE);
    pg_import_doc_free(&doc);
}

/* The number of brace marks (" }") in paragraph i. */
static int brace_marks(const pg_import_doc *doc, size_t i)
{
    int n = 0;
    char *t = text(doc, i);
    for (const char *m = strstr(t, " }"); m; m = strstr(m + 1, " }"))
        n++;
    g_free(t);
    return n;
}

#define BRACE_DRAWN(emu)                                                                           \
    "<w:r><w:drawing><wp:anchor><wp:positionV relativeFrom=\"paragraph\"><wp:posOffset>0"          \
    "</wp:posOffset></wp:positionV><wp:extent cx=\"90000\" cy=\"" emu "\"/><a:graphic>"            \
    "<a:graphicData><wps:wsp><wps:spPr><a:prstGeom prst=\"rightBrace\"/></wps:spPr></wps:wsp>"     \
    "</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"

Test(docx, braces_are_bounded)
{
    pg_import_doc doc;
    /* lines of 13.8 pt; a brace 100 lines high (1380 pt), a second one over
     * the first three lines, a third of 1e300 pt: 50 lines marked, each once */
    GString *body =
        g_string_new("<w:p><w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\" "
                     "w:before=\"0\" w:after=\"0\"/><w:rPr><w:sz w:val=\"24\"/>"
                     "</w:rPr></w:pPr><w:r><w:t>- dòng 0;</w:t></w:r>" BRACE_DRAWN("17526000")
                         BRACE_DRAWN("525780") BRACE_DRAWN("1e300") "</w:p>");
    for (int i = 1; i < 120; i++) {
        char line[32];
        g_snprintf(line, sizeof line, "- dòng %d;", i);
        g_string_append_printf(body, RECIPIENT("%s"), line);
    }
    read_docx("", "", body->str, &doc);
    g_string_free(body, TRUE);
    cr_assert_eq(doc.n, 120);
    int marked = 0;
    for (size_t i = 0; i < doc.n; i++) {
        cr_expect_leq(brace_marks(&doc, i), 1, "paragraph %zu has %d marks", i,
                      brace_marks(&doc, i));
        marked += brace_marks(&doc, i) > 0;
    }
    cr_expect_eq(marked, 50, "%d lines marked", marked);
    cr_expect_eq(brace_marks(&doc, 0), 1);
    cr_expect_eq(brace_marks(&doc, 49), 1);
    cr_expect_eq(brace_marks(&doc, 50), 0);
    pg_import_doc_free(&doc);
}

Test(odt, inline_elements_keep_their_text)
{
    pg_import_doc doc;
    read_odt("",
             "<text:p>Một<text:soft-page-break/> hai <text:span>ba <text:span>bốn</text:span>"
             "</text:span> <text:a xlink:href=\"https://example.vn\">năm</text:a>"
             "<text:bookmark text:name=\"b\"/> sáu<text:bookmark-start text:name=\"c\"/>bảy"
             "<text:bookmark-end text:name=\"c\"/> <text:span><text:a><text:span>tám"
             "</text:span></text:a></text:span></text:p>",
             &doc);
    const char *want[] = {"Một hai ba bốn năm sáubảy tám"};
    expect_all(&doc, want, sizeof want / sizeof *want);
    pg_import_doc_free(&doc);
}
