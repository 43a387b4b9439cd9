/* Unit tests of the resolve stage: merge semantics, numbering after the merge,
 * <uses> with paragraph ids and wording changes,
 * the generated basis sentence (Party and State, one and two parents), the
 * report-back recipient, and deadlines across two and three levels. */
#include "resolve.h"
#include "plangen.h"

#include <cairo.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

static char *dir;

static void setup(void)
{
    dir = g_dir_make_tmp("pg-derive-XXXXXX", NULL);
    cr_assert_not_null(dir);
}

static void teardown(void)
{
    char *rm = g_strdup_printf("rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    g_free(rm);
    g_free(dir);
}

static void write(const char *name, const char *xml)
{
    char *path = g_build_filename(dir, name, NULL);
    cr_assert(g_file_set_contents(path, xml, -1, NULL));
    g_free(path);
}

#define HEAD(style, symbol, cited, number, date)                                               \
    "<plan xmlns=\"urn:plangen:plan:1\" style=\"" style "\"%s><issuer symbol=\"" symbol        \
    "\" cited-as=\"" cited "\">X</issuer><number>" number "</number><place>Huế</place><date>" \
    date "</date>"

static const char *const SIG = "<signature title=\"BÍ THƯ\" name=\"A\"/></plan>";

static const char *const PARENT =
    "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"TU\" cited-as=\"Ban Thường vụ Tỉnh "
    "ủy\">TỈNH ỦY</issuer><number>179</number><place>Huế</place><date>2023-03-28</date>"
    "<summary>triển khai đợt sinh hoạt chính trị</summary>"
    "<section id=\"a\" title=\"MỤC ĐÍCH\"><p>Mục đích của tỉnh.</p></section>"
    "<section id=\"b\" title=\"NỘI DUNG\"><section id=\"b1\" title=\"Một\"><p>Một.</p></section>"
    "<section id=\"b2\" title=\"Hai\"><p>Hai.</p></section><section id=\"b3\" title=\"Ba\">"
    "<p>Ba.</p></section></section>"
    "<section id=\"c\" title=\"TỔ CHỨC THỰC HIỆN\"><p>Báo cáo <deadline date=\"2023-06-15\" "
    "id=\"bao-cao\">trước 15/6</deadline>.</p></section>"
    "<signature title=\"BÍ THƯ\" name=\"A\"/></plan>";

/* Parses, resolves and numbers name with the style; diagnostics into d. */
/* Runs name up to numbering with the style, through the library's one entry;
 * diagnostics into d. */
static const char *data_dir = PG_SOURCE_DIR; /* templates/ and fonts/ */

static pg_doc *load(const char *name, const char *style, pg_diag_list *d, int *ok)
{
    char *path = g_build_filename(dir, name, NULL);
    pg_options o = {.data_dir = data_dir, .style = style};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    *ok = pg_run(e, path, NULL, 0, PG_STAGE_NUMBER, &r);
    g_free(path);
    pg_doc *doc = r.doc;
    r.doc = NULL;
    pg_diag_take(d, &r.diags);
    pg_result_free(&r);
    pg_engine_free(e);
    return doc;
}

/* Writes PARENT and a child of it, whose text is fmt with its two %s filled by the
 * derives-from attribute and SIG, then loads the child. */
static pg_doc *load_child(const char *style, const char *fmt, pg_diag_list *d, int *ok)
{
    write("parent.xml", PARENT);
    char *child = g_strdup_printf(fmt, " derives-from=\"parent.xml\"", SIG);
    write("child.xml", child);
    g_free(child);
    return load("child.xml", style, d, ok);
}

static char *outline(const pg_node *n)
{
    GString *g = g_string_new(NULL);
    for (const pg_node *c = n->first; c; c = c->next) {
        if (c->type == PG_NODE_SECTION) {
            g_string_append_printf(g, "%s%s", c->u.section.label,
                                   c->u.section.title ? c->u.section.title : "");
            if (c->first) {
                char *sub = outline(c);
                if (*sub)
                    g_string_append_printf(g, "(%s)", sub);
                g_free(sub);
            }
            g_string_append_c(g, ' ');
        }
    }
    if (g->len)
        g_string_truncate(g, g->len - 1);
    return g_string_free(g, FALSE);
}

Test(merge, inherit_replace_remove_append_nested, .init = setup, .fini = teardown)
{
    pg_diag_list d = {0};
    int ok;
    pg_doc *doc = load_child(
        "party",
        HEAD("party", "ĐUK", "Ban Thường vụ Đảng ủy Khối", "5", "2023-04-02")
        "<summary>thực hiện kế hoạch của tỉnh</summary>"
        "<inherit ref=\"a\"/><inherit ref=\"b\"/>"
        "<replace ref=\"b2\"><section id=\"b2x\" title=\"Hai mới\"><p>Hai mới.</p></section>"
        "</replace><remove ref=\"b1\"/>"
        "<append to=\"b\"><section title=\"Bốn\"><p>Bốn.</p></section></append>"
        "<section title=\"TỔ CHỨC THỰC HIỆN\"><p>Của khối.</p></section>%s",
        &d, &ok);
    pg_diag_print(&d, stderr);
    cr_assert(ok);
    char *o = outline(doc->body);
    cr_assert_str_eq(o, "I-MỤC ĐÍCH II-NỘI DUNG(1-Hai mới 2-Ba 3-Bốn) III-TỔ CHỨC THỰC HIỆN",
                     "numbering after the merge");
    g_free(o);
    /* inherited nodes say where they come from */
    const pg_node *a = doc->body->first->next; /* after the generated basis */
    cr_assert_eq(a->type, PG_NODE_SECTION);
    cr_assert(a->file && g_str_has_suffix(a->file, "parent.xml"));
    pg_doc_free(doc);
    pg_diag_list_free(&d);
}

Test(merge, inherit_inside_an_own_section, .init = setup, .fini = teardown)
{
    pg_diag_list d = {0};
    int ok;
    pg_doc *doc = load_child(
        "party",
        HEAD("party", "ĐUK", "Ban Thường vụ Đảng ủy Khối", "5", "2023-04-02")
        "<summary>x</summary><section title=\"NỘI DUNG\"><inherit ref=\"b3\"/>"
        "<inherit ref=\"b1\"/></section>%s",
        &d, &ok);
    cr_assert(ok);
    char *o = outline(doc->body);
    cr_assert_str_eq(o, "I-NỘI DUNG(1-Ba 2-Một)", "depths follow the new nesting");
    g_free(o);
    pg_doc_free(doc);
    pg_diag_list_free(&d);
}

static char *basis_of(const pg_doc *doc)
{
    const pg_node *p = doc->body->first;
    cr_assert(p && p->type == PG_NODE_PARA && p->u.para.basis, "no basis paragraph");
    return pg_inline_text(p);
}

Test(basis, party_child_of_one_parent, .init = setup, .fini = teardown)
{
    pg_diag_list d = {0};
    int ok;
    pg_doc *doc = load_child(
        "party",
        HEAD("party", "ĐUK", "Ban Thường vụ Đảng ủy Khối", "5", "2023-04-02")
        "<summary>x</summary><p>Thân.</p>%s",
        &d, &ok);
    cr_assert(ok);
    char *b = basis_of(doc);
    cr_assert_str_eq(b, "Thực hiện Kế hoạch số 179-KH/TU, ngày 28/3/2023 của Ban Thường vụ Tỉnh "
                        "ủy về triển khai đợt sinh hoạt chính trị, Ban Thường vụ Đảng ủy Khối "
                        "xây dựng Kế hoạch triển khai thực hiện như sau:");
    free(b);
    /* report back: the parent first among the recipients */
    cr_assert_geq(doc->n_recipients, 1);
    cr_assert_str_eq(doc->recipients[0].line, "- Ban Thường vụ Tỉnh ủy (để báo cáo).",
                     "the only recipient: it ends the list");
    pg_doc_free(doc);
    pg_diag_list_free(&d);
}

/* The parent's number is written in the form of the parent's own style, read
 * from that style (a house style of the state standard named nothing like
 * "state"), never guessed from the style's name, whatever style the child has. */
Test(basis, the_parent_number_takes_the_form_of_the_parent_style, .init = setup,
     .fini = teardown)
{
    /* a data folder of its own, with the house style installed beside the others */
    char *cmd = g_strdup_printf("mkdir -p '%s/data/templates' && cp -r '%s/templates/styles' "
                                "'%s/data/templates/' && ln -s '%s/templates/schema' "
                                "'%s/data/templates/schema' && ln -s '%s/fonts' '%s/data/fonts'",
                                dir, PG_SOURCE_DIR, dir, PG_SOURCE_DIR, dir, PG_SOURCE_DIR, dir);
    cr_assert_eq(system(cmd), 0);
    g_free(cmd);
    write("data/templates/styles/so-nganh.xml",
          "<?xml version=\"1.0\"?><style xmlns=\"urn:plangen:style:1\" name=\"so-nganh\" "
          "extends=\"state\" standard=\"Nghị định 30/2020/NĐ-CP\"/>");
    char *parent = g_strdup("<plan xmlns=\"urn:plangen:plan:1\" style=\"so-nganh\">"
                            "<issuer symbol=\"UBND\" cited-as=\"Ủy ban nhân dân tỉnh\">"
                            "ỦY BAN NHÂN DÂN</issuer><number>23</number><place>Huế</place>"
                            "<date>2024-02-20</date><summary>phát triển tài sản trí tuệ"
                            "</summary><p>Của tỉnh.</p><signature title=\"CHỦ TỊCH\" "
                            "name=\"A\"/></plan>");
    write("parent.xml", parent);
    g_free(parent);
    char *child = g_strdup_printf(HEAD("party", "ĐUK", "Ban Thường vụ Đảng ủy Khối", "8",
                                       "2024-03-05") "<summary>x</summary><p>Thân.</p>%s",
                                  " derives-from=\"parent.xml\"", SIG);
    write("child.xml", child);
    g_free(child);
    pg_diag_list d = {0};
    int ok;
    char *data = g_build_filename(dir, "data", NULL);
    data_dir = data;
    pg_doc *doc = load("child.xml", NULL, &d, &ok);
    data_dir = PG_SOURCE_DIR;
    g_free(data);
    pg_diag_print(&d, stderr);
    cr_assert(ok);
    char *b = basis_of(doc);
    cr_assert(strstr(b, "Kế hoạch số 23/KH-UBND, ngày 20/2/2024") != NULL, "%s", b);
    free(b);
    pg_doc_free(doc);
    pg_diag_list_free(&d);
}

Test(basis, state_child_of_two_parents, .init = setup, .fini = teardown)
{
    pg_diag_list d = {0};
    int ok;
    pg_doc *doc = load_child(
        "state",
        HEAD("state", "SKHCN", "Sở Khoa học và Công nghệ", "7", "2024-03-05")
        "<implements type=\"Kế hoạch\" number=\"23/KH-UBND\" date=\"2024-02-20\" "
        "issuer=\"Ủy ban nhân dân tỉnh\" summary=\"Phát triển tài sản trí tuệ năm 2024\"/>"
        "<summary>x</summary><p>Thân.</p><recipients><to>Các phòng</to><archive>QLCN</archive>"
        "</recipients>%s",
        &d, &ok);
    cr_assert(ok);
    char *b = basis_of(doc);
    cr_assert_str_eq(b, "Thực hiện Kế hoạch số 179-KH/TU ngày 28/3/2023 của Ban Thường vụ Tỉnh ủy "
                        "về triển khai đợt sinh hoạt chính trị; Kế hoạch số 23/KH-UBND ngày "
                        "20/2/2024 của Ủy ban nhân dân tỉnh về phát triển tài sản trí tuệ năm "
                        "2024, Sở Khoa học và Công nghệ xây dựng Kế hoạch triển khai thực hiện "
                        "như sau:");
    free(b);
    /* two parents: one brace "(để báo cáo)" over both */
    cr_assert_eq(doc->n_groups, 1);
    cr_assert_eq(doc->groups[0].count, 2);
    cr_assert_str_eq(doc->recipients[0].line, "- Ban Thường vụ Tỉnh ủy;");
    cr_assert_str_eq(doc->recipients[1].line, "- Ủy ban nhân dân tỉnh;");
    cr_assert_str_eq(doc->recipients[2].line, "- Các phòng;");
    pg_doc_free(doc);
    pg_diag_list_free(&d);
}

Test(basis, written_by_hand_it_wins, .init = setup, .fini = teardown)
{
    pg_diag_list d = {0};
    int ok;
    pg_doc *doc = load_child(
        "party",
        HEAD("party", "ĐUK", "Ban Thường vụ Đảng ủy Khối", "5", "2023-04-02")
        "<summary>x</summary><basis><p>Căn cứ tình hình thực tế.</p></basis><p>Thân.</p>"
        "<recipients report=\"no\"><to>A</to><archive>VP</archive></recipients>%s",
        &d, &ok);
    cr_assert(ok);
    char *b = basis_of(doc);
    cr_assert_str_eq(b, "Căn cứ tình hình thực tế.");
    free(b);
    cr_assert_eq(doc->n_recipients, 1, "report=\"no\": no report-back line");
    pg_doc_free(doc);
    pg_diag_list_free(&d);
}

static char *messages(pg_diag_list *d)
{
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < d->n; i++) {
        g_string_append(g, d->items[i].detail ? d->items[i].detail : "");
        g_string_append_c(g, '\n');
    }
    return g_string_free(g, FALSE);
}

Test(deadlines, two_and_three_levels, .init = setup, .fini = teardown)
{
    write("parent.xml", PARENT);
    /* level 2 answers bao-cao in time; level 3 answers the grandparent's bao-cao
     * (its parent has none of its own id quan-triet) too late */
    char *mid = g_strdup_printf(
        HEAD("party", "ĐUK", "Ban Thường vụ Đảng ủy Khối", "5", "2023-04-02")
        "<summary>x</summary><inherit ref=\"c\"/><p>Báo cáo <deadline date=\"2023-06-10\" "
        "id=\"bao-cao\">trước 10/6</deadline>.</p>%s",
        " derives-from=\"parent.xml\"", SIG);
    write("mid.xml", mid);
    g_free(mid);
    pg_diag_list d = {0};
    int ok;
    pg_doc *doc = load("mid.xml", "party", &d, &ok);
    cr_assert(ok, "two levels in time");
    cr_assert_eq(d.n, 0);
    pg_doc_free(doc);
    char *leaf = g_strdup_printf(
        HEAD("party", "CB", "Chi bộ", "2", "2023-04-05")
        "<summary>x</summary><p>Báo cáo <deadline date=\"2023-06-12\" id=\"bao-cao\">trước "
        "12/6</deadline>, <deadline date=\"2023-04-01\">ngay</deadline>.</p>%s",
        " derives-from=\"mid.xml\"", SIG);
    write("leaf.xml", leaf);
    g_free(leaf);
    pg_diag_list d2 = {0};
    doc = load("leaf.xml", "party", &d2, &ok);
    cr_assert_not(ok, "a later deadline than the parent's is an error");
    char *m = messages(&d2);
    cr_assert(strstr(m, "deadline 2023-06-12 (id=\"bao-cao\") is later than the parent's "
                        "2023-06-10 at ") != NULL, "%s", m);
    cr_assert(strstr(m, "mid.xml:1:") != NULL, "the parent's location: %s", m);
    cr_assert(strstr(m, "deadline 2023-04-01 is before the plan's own date 2023-04-05") != NULL,
              "%s", m);
    g_free(m);
    pg_doc_free(doc);
    /* three levels: the leaf answers an id only the grandparent has */
    char *leaf2 = g_strdup_printf(
        HEAD("party", "CB", "Chi bộ", "2", "2023-04-05")
        "<summary>x</summary><p><deadline date=\"2023-07-01\" id=\"bao-cao-tinh\">x</deadline>"
        "</p>%s",
        " derives-from=\"mid.xml\"", SIG);
    write("leaf2.xml", leaf2);
    g_free(leaf2);
    pg_diag_list d3 = {0};
    doc = load("leaf2.xml", "party", &d3, &ok);
    m = messages(&d3);
    cr_assert(strstr(m, "answers no deadline of the parent plans") != NULL, "%s", m);
    g_free(m);
    pg_doc_free(doc);
    pg_diag_list_free(&d);
    pg_diag_list_free(&d2);
    pg_diag_list_free(&d3);
}

Test(deadlines, grandparent_checked_when_the_parent_has_none, .init = setup, .fini = teardown)
{
    write("parent.xml", PARENT);
    char *mid = g_strdup_printf(HEAD("party", "ĐUK", "Khối", "5", "2023-04-02")
                                "<summary>x</summary><p>Không có hạn.</p>%s",
                                " derives-from=\"parent.xml\"", SIG);
    write("mid.xml", mid);
    g_free(mid);
    char *leaf = g_strdup_printf(HEAD("party", "CB", "Chi bộ", "2", "2023-04-05")
                                 "<summary>x</summary><p><deadline date=\"2023-06-20\" "
                                 "id=\"bao-cao\">x</deadline></p>%s",
                                 " derives-from=\"mid.xml\"", SIG);
    write("leaf.xml", leaf);
    g_free(leaf);
    pg_diag_list d = {0};
    int ok;
    pg_doc *doc = load("leaf.xml", "party", &d, &ok);
    cr_assert_not(ok);
    char *m = messages(&d);
    cr_assert(strstr(m, "later than the parent's 2023-06-15 at ") != NULL, "%s", m);
    cr_assert(strstr(m, "parent.xml:1:") != NULL, "the grandparent's location: %s", m);
    g_free(m);
    pg_doc_free(doc);
    pg_diag_list_free(&d);
}

/* ---- <uses>: content taken by id, without a citation ------------------------------------- */

static const char *const SOURCE =
    "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"TU\">TỈNH ỦY KHÁC</issuer>"
    "<number>369</number><place>Hà Giang</place><date>2023-03-22</date>"
    "<summary>nội dung dùng chung</summary>"
    "<section id=\"nd\" title=\"NỘI DUNG\">"
    "<p id=\"p1\">Tham nhũng là “giặc nội xâm”, uy hiếp sự tôn vinh của %s.</p>"
    "<item id=\"i1\">Kết quả về phát hiện<footnote>Ghi chú.</footnote>; xây dựng thể chế.</item>"
    "</section>"
    "<section id=\"s1\" title=\"Cũ\"><p id=\"s1a\">A.</p><p id=\"s1b\">B.</p></section>"
    "<signature title=\"BÍ THƯ\" name=\"B\"/></plan>";

static void write_source(const char *word)
{
    char *src = g_strdup_printf(SOURCE, word);
    write("source.xml", src);
    g_free(src);
}

static pg_doc *load_user(pg_diag_list *d, int *ok)
{
    char *child = g_strdup_printf(
        HEAD("party", "HU", "Ban Thường vụ Huyện ủy", "146", "2023-04-05")
        "<uses href=\"source.xml\"/><summary>x</summary>"
        "<section title=\"NỘI DUNG\">"
        "<inherit ref=\"p1\" as=\"item\" bullet=\"star\"><change from=\"tôn vinh\">tồn vong</change>"
        "<change from=\"“giặc nội xâm”\"><i>“giặc nội xâm”</i></change></inherit>"
        "<inherit ref=\"i1\" as=\"p\" footnotes=\"no\"/></section>"
        "<inherit ref=\"s1\" title=\"Mới\"/><remove ref=\"s1a\"/>"
        "<replace ref=\"s1b\"><p>B mới.</p></replace>%s",
        "", SIG);
    write("child.xml", child);
    g_free(child);
    return load("child.xml", "party", d, ok);
}

static char *text_of(const pg_node *n)
{
    return n ? pg_inline_text(n) : g_strdup("(none)");
}

Test(uses, paragraphs_taken_by_id_with_changes_and_no_citation, .init = setup, .fini = teardown)
{
    write_source("chế độ");
    pg_diag_list d = {0};
    int ok;
    pg_doc *doc = load_user(&d, &ok);
    pg_diag_print(&d, stderr);
    cr_assert(ok);
    cr_assert_eq(doc->n_cites, 0, "a used plan is not cited");
    cr_assert_eq(doc->n_recipients, 0, "nor reported to");
    const pg_node *first = doc->body->first;
    cr_assert(first->type == PG_NODE_SECTION, "no basis sentence is generated");
    char *o = outline(doc->body);
    cr_assert_str_eq(o, "I-NỘI DUNG II-Mới");
    g_free(o);

    const pg_node *item = first->first;
    cr_assert_eq(item->type, PG_NODE_ITEM, "as=\"item\" turns the paragraph into an item");
    cr_assert_eq(item->u.item.bullet, PG_BULLET_STAR);
    char *t = text_of(item);
    cr_assert_str_eq(t, "Tham nhũng là “giặc nội xâm”, uy hiếp sự tồn vong của chế độ.");
    free(t);
    int italic = 0;
    for (const pg_node *k = item->first; k; k = k->next)
        italic |= k->type == PG_NODE_ITALIC;
    cr_assert(italic, "a change may bring its own emphasis");

    const pg_node *para = item->next;
    cr_assert_eq(para->type, PG_NODE_PARA);
    t = text_of(para);
    cr_assert_str_eq(t, "Kết quả về phát hiện; xây dựng thể chế.", "footnotes=\"no\" drops the note");
    free(t);
    for (const pg_node *k = para->first; k; k = k->next)
        cr_assert_neq(k->type, PG_NODE_FOOTNOTE);

    const pg_node *s1 = first->next;
    cr_assert_eq(s1->first, s1->last, "one paragraph removed, one replaced");
    t = text_of(s1->first);
    cr_assert_str_eq(t, "B mới.");
    free(t);
    pg_doc_free(doc);
    pg_diag_list_free(&d);
}

Test(uses, an_edit_of_the_used_plan_reaches_the_child, .init = setup, .fini = teardown)
{
    write_source("chế độ");
    pg_diag_list d = {0};
    int ok;
    pg_doc *doc = load_user(&d, &ok);
    cr_assert(ok);
    pg_doc_free(doc);
    pg_diag_list_free(&d);

    write_source("chế độ ta");
    pg_diag_list d2 = {0};
    doc = load_user(&d2, &ok);
    cr_assert(ok);
    char *t = text_of(doc->body->first->first);
    cr_assert_str_eq(t, "Tham nhũng là “giặc nội xâm”, uy hiếp sự tồn vong của chế độ ta.");
    free(t);
    pg_doc_free(doc);
    pg_diag_list_free(&d2);

    /* the used plan corrects the very words the child changed: the change is
     * reported at the child, naming the used plan's paragraph */
    char *fixed = g_strdup_printf(SOURCE, "chế độ");
    char *at = strstr(fixed, "tôn vinh");
    memcpy(at, "tồn vong", strlen("tồn vong")); /* same length in UTF-8 */
    write("source.xml", fixed);
    g_free(fixed);
    pg_diag_list d3 = {0};
    doc = load_user(&d3, &ok);
    cr_assert_not(ok);
    char *m = messages(&d3);
    cr_assert(strstr(m, "<change from=\"tôn vinh\">: these words are not in the paragraph "
                        "id=\"p1\" of ") != NULL,
              "%s", m);
    cr_assert(strstr(m, "source.xml (line 1)") != NULL, "%s", m);
    g_free(m);
    pg_doc_free(doc);
    pg_diag_list_free(&d3);
}

Test(uses, a_cycle_through_uses_is_refused, .init = setup, .fini = teardown)
{
    char *a = g_strdup_printf(HEAD("party", "A", "A", "1", "2023-04-05")
                              "<uses href=\"b.xml\"/><summary>x</summary><p>A.</p>%s",
                              "", SIG);
    char *b = g_strdup_printf(HEAD("party", "B", "B", "2", "2023-04-05")
                              "<uses href=\"a.xml\"/><summary>x</summary><p>B.</p>%s",
                              "", SIG);
    write("a.xml", a);
    write("b.xml", b);
    g_free(a);
    g_free(b);
    char *path = g_build_filename(dir, "a.xml", NULL);
    pg_diag_list d = {0};
    pg_doc *doc = pg_doc_parse_file(path, NULL, &d);
    g_free(path);
    cr_assert_not(pg_doc_resolve(doc, NULL, &d));
    char *m = messages(&d);
    cr_assert(strstr(m, "derivation cycle: a.xml -> b.xml -> a.xml") != NULL, "%s", m);
    g_free(m);
    pg_doc_free(doc);
    pg_diag_list_free(&d);
}

/* ---- parents kept for the later plans of a process -------------------------------- */

/* Writes a plan name deriving from parent (NULL: none) with one paragraph. */
static void write_plan(const char *name, const char *parent, const char *para)
{
    char *attr = parent ? g_strdup_printf(" derives-from=\"%s\"", parent) : g_strdup("");
    char *xml = g_strdup_printf(HEAD("party", "A", "A", "1", "2023-04-05")
                                "<summary>x</summary><section id=\"s\" title=\"MỘT\"><p>%s</p>"
                                "</section>%s",
                                attr, para, SIG);
    write(name, xml);
    g_free(xml);
    g_free(attr);
}

/* Parses and resolves name with opts; returns the document (ok: resolved). */
static pg_doc *resolve_file(const char *name, const pg_resolve_opts *opts, pg_diag_list *d,
                            int *ok)
{
    char *path = g_build_filename(dir, name, NULL);
    pg_doc *doc = pg_doc_parse_file(path, NULL, d);
    g_free(path);
    cr_assert_not_null(doc);
    *ok = pg_doc_resolve(doc, opts, d);
    return doc;
}

Test(loaded, a_parent_is_loaded_once_for_the_plans_of_a_process, .init = setup,
     .fini = teardown)
{
    write_plan("parent.xml", NULL, "Của tỉnh.");
    write_plan("one.xml", "parent.xml", "Một.");
    write_plan("two.xml", "parent.xml", "Hai.");
    pg_diag_list d = {0};
    int ok1, ok2;
    pg_doc *one = resolve_file("one.xml", NULL, &d, &ok1);
    pg_doc *two = resolve_file("two.xml", NULL, &d, &ok2);
    cr_assert(ok1 && ok2);
    cr_assert_eq(one->n_parents, 1);
    cr_assert_eq(two->n_parents, 1);
    cr_expect_eq(one->parents[0], two->parents[0], "the parent was parsed twice");
    pg_doc_free(one); /* the other plan and the process still hold the parent */
    char *t = pg_inline_text(two->parents[0]->body->first->first);
    cr_expect_str_eq(t, "Của tỉnh.");
    free(t);
    pg_doc_free(two);
    pg_resolve_forget();
    pg_diag_list_free(&d);
}

Test(loaded, a_parent_edited_in_between_is_loaded_again, .init = setup, .fini = teardown)
{
    write_plan("parent.xml", NULL, "Bản một.");
    write_plan("one.xml", "parent.xml", "Một.");
    pg_diag_list d = {0};
    int ok;
    pg_doc *one = resolve_file("one.xml", NULL, &d, &ok);
    cr_assert(ok);
    /* the same length, within the same instant for a coarse clock: only the
     * bytes tell the edit */
    write_plan("parent.xml", NULL, "Bản hai.");
    pg_doc *two = resolve_file("one.xml", NULL, &d, &ok);
    cr_assert(ok);
    cr_expect_neq(one->parents[0], two->parents[0]);
    const pg_node *p = two->parents[0]->body->first->first; /* section s, its paragraph */
    char *t = pg_inline_text(p);
    cr_expect_str_eq(t, "Bản hai.");
    free(t);
    pg_doc_free(one);
    pg_doc_free(two);
    pg_resolve_forget();
    pg_diag_list_free(&d);
}

/* Writes a w x h PNG name into the test folder. */
static void write_png(const char *name, int w, int h)
{
    char *path = g_build_filename(dir, name, NULL);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cr_assert_eq(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    g_free(path);
}

/* The image size of the first image in doc's first section. */
static int image_width(const pg_doc *doc)
{
    for (const pg_node *c = doc->body->first->first; c; c = c->next)
        if (c->type == PG_NODE_IMAGE)
            return c->u.image.px_w;
    return -1;
}

Test(loaded, a_parent_whose_image_changed_is_loaded_again, .init = setup, .fini = teardown)
{
    /* the parser reads an image's size from its file: a kept parent whose image
     * was replaced would lay out the new pixels at the old proportions */
    write("parent.xml", "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"TU\">TỈNH ỦY"
                        "</issuer><number>1</number><place>Huế</place><date>2023-03-28</date>"
                        "<summary>x</summary><section id=\"s\" title=\"MỘT\"><p>Ảnh.</p>"
                        "<image src=\"a.png\"/></section>"
                        "<signature title=\"BÍ THƯ\" name=\"A\"/></plan>");
    write_png("a.png", 10, 10);
    write_plan("one.xml", "parent.xml", "Một.");
    pg_diag_list d = {0};
    int ok;
    pg_doc *one = resolve_file("one.xml", NULL, &d, &ok);
    cr_assert(ok);
    cr_expect_eq(image_width(one->parents[0]), 10);
    write_png("a.png", 20, 10);
    pg_doc *two = resolve_file("one.xml", NULL, &d, &ok);
    cr_assert(ok);
    cr_expect_eq(image_width(two->parents[0]), 20, "the parent kept the old image's size");
    pg_doc_free(one);
    pg_doc_free(two);
    pg_resolve_forget();
    pg_diag_list_free(&d);
}

Test(loaded, a_parent_is_loaded_again_under_other_parser_limits, .init = setup,
     .fini = teardown)
{
    /* a parent accepted under one limit is refused under a lower one */
    write_plan("parent.xml", NULL, "Một đoạn văn dài hơn hai mươi byte.");
    write_plan("one.xml", "parent.xml", "Một.");
    pg_diag_list d = {0};
    int ok;
    pg_doc *one = resolve_file("one.xml", NULL, &d, &ok);
    cr_assert(ok);
    pg_parse_opts po = {.max_text = 20};
    pg_resolve_opts ro = {.parse = &po};
    pg_doc *two = resolve_file("one.xml", &ro, &d, &ok);
    cr_expect_not(ok, "a parent kept from a run with other limits was used");
    pg_doc_free(one);
    pg_doc_free(two);
    pg_resolve_forget();
    pg_diag_list_free(&d);
}

Test(loaded, the_warnings_of_a_shared_parent_are_given_to_every_plan, .init = setup,
     .fini = teardown)
{
    /* "Thực hiện" written decomposed */
    write_plan("parent.xml", NULL, "Thu\xcc\x9b\xcc\xa3\x63 hie\xcc\xa3\xcc\x82n.");
    write_plan("one.xml", "parent.xml", "Một.");
    write_plan("two.xml", "parent.xml", "Hai.");
    for (int i = 0; i < 2; i++) {
        pg_diag_list d = {0};
        int ok;
        pg_doc *doc = resolve_file(i ? "two.xml" : "one.xml", NULL, &d, &ok);
        cr_assert(ok);
        int found = 0;
        for (size_t k = 0; k < d.n; k++)
            found += d.items[k].code == PG_W_NOT_NFC &&
                     g_str_has_suffix(d.items[k].file, "/parent.xml");
        cr_expect_eq(found, 1, "plan %d: %d NFC warnings of parent.xml", i + 1, found);
        pg_doc_free(doc);
        pg_diag_list_free(&d);
    }
    pg_resolve_forget();
}

Test(loaded, the_depth_limit_holds_for_a_kept_chain, .init = setup, .fini = teardown)
{
    /* a <- b <- c <- d with at most two levels above a plan: c resolves (and
     * keeps b with a above it); d, one level deeper, is refused all the same */
    write_plan("a.xml", NULL, "A.");
    write_plan("b.xml", "a.xml", "B.");
    write_plan("c.xml", "b.xml", "C.");
    write_plan("d.xml", "c.xml", "D.");
    pg_resolve_opts ro = {.max_depth = 2};
    pg_diag_list d = {0};
    int ok;
    pg_doc *c = resolve_file("c.xml", &ro, &d, &ok);
    cr_assert(ok, "c.xml should resolve with two levels above it");
    pg_doc *dd = resolve_file("d.xml", &ro, &d, &ok);
    cr_expect_not(ok);
    char *m = messages(&d);
    cr_expect(strstr(m, "more than 2 levels of parent plans") != NULL, "%s", m);
    g_free(m);
    pg_doc_free(c);
    pg_doc_free(dd);
    pg_resolve_forget();
    pg_diag_list_free(&d);
}
