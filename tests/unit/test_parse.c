/* Unit tests of the parse stage: the tree it builds, and the exact text of each
 * diagnostic it gives for a broken plan. */
#include "parse.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA PG_SOURCE_DIR "/templates/schema/plan.rng"

static const char *const HEAD =
    "<plan xmlns=\"urn:plangen:plan:1\">\n"
    "<issuer parent=\"ĐẢNG BỘ TỈNH\" symbol=\"ĐUK\">ĐẢNG ỦY KHỐI</issuer>\n"
    "<place>Trà Vinh</place>\n"
    "<date>2022-04-18</date>\n"
    "<summary>về việc thử</summary>\n";
static const char *const TAIL = "<signature title=\"BÍ THƯ\" name=\"A\"/>\n</plan>\n";

/* Parses HEAD + body + TAIL (or xml itself when whole) and returns the
 * diagnostics as one string, one per line. */
static char *diags_of(const char *xml, int whole, pg_doc **keep)
{
    pg_buf b = {0};
    if (!whole) {
        pg_buf_puts(&b, HEAD);
        pg_buf_puts(&b, xml);
        pg_buf_puts(&b, TAIL);
    } else {
        pg_buf_append(&b, xml, strlen(xml));
    }
    pg_diag_list d = {0};
    pg_parse_opts po = {.schema_path = SCHEMA};
    pg_doc *doc = pg_doc_parse_memory(pg_buf_str(&b), b.len, "t.xml", &po, &d);
    pg_buf out = {0};
    pg_diag_sort(&d);
    for (size_t i = 0; i < d.n; i++) {
        char *s = pg_diag_format(&d.items[i]);
        pg_buf_printf(&out, "%s\n", s);
        free(s);
    }
    pg_diag_list_free(&d);
    pg_buf_free(&b);
    if (keep)
        *keep = doc;
    else
        pg_doc_free(doc);
    char *r = pg_xstrdup(pg_buf_str(&out));
    pg_buf_free(&out);
    return r;
}

#define EXPECT_DIAGS(body, expected)                                                            \
    do {                                                                                        \
        char *got_ = diags_of(body, 0, NULL);                                                   \
        cr_assert_str_eq(got_, expected);                                                       \
        free(got_);                                                                             \
    } while (0)

Test(parse, builds_the_tree)
{
    pg_doc *doc = NULL;
    char *d = diags_of("<basis><p>Thực hiện   kế\n hoạch</p></basis>\n"
                       "<section id=\"a\" title=\"MỤC ĐÍCH\"><p> Một <b>hai <i>ba</i></b> bốn </p>"
                       "<item bullet=\"star\">x</item><section title=\"Con\" run-in=\"yes\">"
                       "<p>y</p></section></section>\n"
                       "<recipients><to purpose=\"b/c\">Ban A</to><archive>VP</archive></recipients>\n",
                       0, &doc);
    cr_assert_str_eq(d, "");
    free(d);
    cr_assert_str_eq(doc->parent_body, "ĐẢNG BỘ TỈNH");
    cr_assert_str_eq(doc->symbol, "ĐUK");
    cr_assert_eq(doc->number, -1, "no <number>: a draft");
    cr_assert_eq(doc->year, 2022);
    cr_assert_eq(doc->month, 4);
    cr_assert_eq(doc->day, 18);
    cr_assert_str_eq(doc->doctype, "KẾ HOẠCH");
    const pg_node *basis = doc->body->first;
    cr_assert_eq(basis->type, PG_NODE_PARA);
    cr_assert(basis->u.para.basis);
    char *t = pg_inline_text(basis);
    cr_assert_str_eq(t, "Thực hiện kế hoạch", "white space folded");
    free(t);
    const pg_node *sec = basis->next;
    cr_assert_eq(sec->type, PG_NODE_SECTION);
    cr_assert_str_eq(sec->u.section.id, "a");
    cr_assert_eq(sec->pos.line, 8);
    cr_assert_eq(sec->pos.col, 1);
    const pg_node *p = sec->first;
    t = pg_inline_text(p);
    cr_assert_str_eq(t, "Một hai ba bốn", "ends trimmed, inner spaces kept");
    free(t);
    cr_assert_eq(p->first->next->type, PG_NODE_BOLD);
    cr_assert_eq(p->first->next->last->type, PG_NODE_ITALIC);
    cr_assert_eq(p->next->type, PG_NODE_ITEM);
    cr_assert_eq(p->next->u.item.bullet, PG_BULLET_STAR);
    const pg_node *child = p->next->next;
    cr_assert(child->u.section.run_in);
    cr_assert_eq(child->u.section.depth, 2);
    cr_assert_eq(doc->n_recipients, 1);
    cr_assert_str_eq(doc->recipients[0].purpose, "b/c");
    cr_assert_str_eq(doc->archive, "VP");
    pg_doc_free(doc);
}

Test(parse, not_well_formed)
{
    EXPECT_DIAGS("<p>một <b>hai</p>\n",
                 "t.xml:6:8: error: XML is not well formed: <b> is not closed before </p> (line "
                 "6); add </b> where the element should end\n");
}

Test(parse, unknown_element_and_attribute_all_reported)
{
    EXPECT_DIAGS("<section title=\"A\" colour=\"red\"><para>x</para></section>\n"
                 "<p>y<big>z</big></p>\n",
                 "t.xml:6:20: error: unknown attribute: 'colour' on <section>; allowed: id, title, "
                 "run-in\n"
                 "t.xml:6:33: error: unknown element: <para> inside <section>; allowed here: "
                 "<section>, <p>, <item>, <table>, <qr>, <image>, <inherit>, <replace>, <remove>, "
                 "<append>\n"
                 "t.xml:7:5: error: unknown element: <big> inside <p>; allowed here: text, <b>, "
                 "<i>, <u>, <br/>, <footnote>, <deadline>\n");
}

Test(parse, missing_required_elements)
{
    char *d = diags_of("<plan xmlns=\"urn:plangen:plan:1\">\n<place>Huế</place>\n</plan>\n", 1,
                       NULL);
    cr_assert_str_eq(
        d, "t.xml:1:1: error: missing required element: <plan> needs <issuer parent=\"...\" "
           "symbol=\"...\">ISSUING BODY</issuer>\n"
           "t.xml:1:1: error: missing required element: <plan> needs <date>2022-04-18</date>\n"
           "t.xml:1:1: error: missing required element: <plan> needs <summary>subject of the "
           "plan</summary>\n"
           "t.xml:1:1: error: missing required element: <plan> needs at least one <section>, <p> "
           "or <item>\n"
           "t.xml:1:1: error: missing required element: <plan> needs <signature "
           "authority=\"on-behalf\" collective=\"...\" title=\"...\" name=\"...\"/>\n");
    free(d);
}

Test(parse, impossible_date)
{
    char *d = diags_of("<plan xmlns=\"urn:plangen:plan:1\">\n"
                       "<issuer symbol=\"TU\">TỈNH ỦY</issuer><place>Huế</place>\n"
                       "  <date>2023-02-30</date><summary>x</summary><p>y</p>"
                       "<signature title=\"BÍ THƯ\" name=\"A\"/></plan>\n",
                       1, NULL);
    cr_assert_str_eq(d, "t.xml:3:3: error: impossible date: 2023-02-30 does not exist; write the "
                        "date as YYYY-MM-DD\n");
    free(d);
}

Test(parse, invalid_utf8)
{
    EXPECT_DIAGS("<p>caf\xE9 \xC3</p>\n",
                 "t.xml:6:7: error: invalid UTF-8: byte 0xE9 does not start a valid UTF-8 "
                 "character; save the plan as UTF-8\n"
                 "t.xml:6:9: error: invalid UTF-8: byte 0xC3 does not start a valid UTF-8 "
                 "character; save the plan as UTF-8\n");
}

Test(parse, nul_byte)
{
    const char xml[] = "<plan xmlns=\"urn:plangen:plan:1\">\n<p>a\0b</p></plan>";
    pg_diag_list d = {0};
    pg_doc *doc = pg_doc_parse_memory(xml, sizeof xml - 1, "t.xml", NULL, &d);
    cr_assert_eq(d.n, 1);
    char *s = pg_diag_format(&d.items[0]);
    cr_assert_str_eq(s, "t.xml:2:5: error: invalid UTF-8: NUL byte in the file; remove it");
    free(s);
    pg_diag_list_free(&d);
    pg_doc_free(doc);
}

Test(parse, nfc_normalised_with_a_warning)
{
    /* "Thực" with U+0323 U+0302... written decomposed: "Thu" + combining marks */
    pg_doc *doc = NULL;
    char *d = diags_of("<p>Th\x75\xCC\x9B\xCC\xA3\x63 hiện</p>\n", 0, &doc);
    cr_assert_str_eq(d, "t.xml:6:6: warning: text is not in Unicode NFC; normalised: decomposed "
                        "characters were composed (save the file in NFC to silence this)\n");
    free(d);
    char *t = pg_inline_text(doc->body->first);
    cr_assert_str_eq(t, "Thực hiện");
    free(t);
    pg_doc_free(doc);
}

Test(parse, unknown_authority)
{
    char *d = diags_of("<plan xmlns=\"urn:plangen:plan:1\">\n"
                       "<issuer symbol=\"TU\">TỈNH ỦY</issuer><place>Huế</place>\n"
                       "<date>2023-02-03</date><summary>x</summary><p>y</p>\n"
                       "<signature authority=\"thay-mat\" collective=\"BTV\" title=\"BÍ THƯ\" "
                       "name=\"A\"/></plan>\n",
                       1, NULL);
    cr_assert_str_eq(d, "t.xml:4:12: error: unknown authority form: authority=\"thay-mat\"; use "
                        "on-behalf (T/M), deputy (K/T), by-order (T/L), by-authorisation (TUQ.), "
                        "acting (Q.) or none\n");
    free(d);
}

Test(parse, doctype_and_external_entity_refused)
{
    char *d = diags_of("<?xml version=\"1.0\"?>\n"
                       "<!DOCTYPE plan [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
                       "<plan xmlns=\"urn:plangen:plan:1\"><p>&x;</p></plan>\n",
                       1, NULL);
    cr_assert_str_eq(d, "t.xml:2:1: error: DOCTYPE is not allowed: plans may not declare a DTD or "
                        "entities; remove the <!DOCTYPE ...> declaration\n"
                        "t.xml:3:37: error: entity reference is not allowed: &x; is not one of "
                        "the five predefined XML entities; write the character itself\n");
    free(d);
}

Test(parse, predefined_entities_and_char_refs_are_fine)
{
    pg_doc *doc = NULL;
    char *d = diags_of("<p>a &amp; b &lt;c&gt; &#272;</p>\n", 0, &doc);
    cr_assert_str_eq(d, "");
    free(d);
    char *t = pg_inline_text(doc->body->first);
    cr_assert_str_eq(t, "a & b <c> Đ");
    free(t);
    pg_doc_free(doc);
}

Test(parse, schema_is_a_safety_net)
{
    /* an id that is not an XML name: only the RELAX NG schema (xsd:ID) catches it */
    char *d = diags_of("<section id=\"1-muc\" title=\"A\"><p>x</p></section>\n", 0, NULL);
    cr_assert(strstr(d, "t.xml:6:1: error: schema validation failed: ") == d, "got: %s", d);
    free(d);
}

Test(parse, too_deep)
{
    pg_buf b = {0};
    for (int i = 0; i < 10; i++)
        pg_buf_puts(&b, "<section title=\"x\">");
    pg_buf_puts(&b, "<p>y</p>");
    for (int i = 0; i < 10; i++)
        pg_buf_puts(&b, "</section>");
    pg_buf_puts(&b, "\n");
    char *d = diags_of(pg_buf_str(&b), 0, NULL);
    cr_assert_str_eq(d, "t.xml:6:153: error: nesting too deep: sections nested 9 deep; at most 8 "
                        "levels are numbered\n");
    free(d);
    pg_buf_free(&b);
}

Test(parse, missing_file)
{
    pg_diag_list d = {0};
    pg_doc *doc = pg_doc_parse_file("/nonexistent/plan.xml", NULL, &d);
    cr_assert_eq(d.n, 1);
    char *s = pg_diag_format(&d.items[0]);
    cr_assert_str_eq(s, "/nonexistent/plan.xml: error: cannot read file: No such file or directory");
    free(s);
    pg_diag_list_free(&d);
    pg_doc_free(doc);
}

Test(nfc, the_quick_check_is_right_for_every_character_it_accepts)
{
    /* every character pg_text_surely_nfc() lets through is its own NFC and has
     * combining class 0 (so it cannot compose with what precedes it) */
    int accepted = 0;
    for (gunichar c = 1; c < 0x30000; c++) {
        char u[8];
        int n = g_unichar_to_utf8(c, u);
        u[n] = '\0';
        if (!g_unichar_validate(c) || !pg_text_surely_nfc(u, (size_t)n))
            continue;
        accepted++;
        char *nfc = g_utf8_normalize(u, n, G_NORMALIZE_NFC);
        cr_assert_str_eq(nfc, u, "U+%04X is accepted but changes under NFC", c);
        cr_assert_eq(g_unichar_combining_class(c), 0, "U+%04X combines", c);
        g_free(nfc);
    }
    /* Latin, the 256 of Latin Extended Additional (all of Vietnamese), punctuation */
    cr_expect_eq(accepted, 0x2FF + 0x100 + (0x206F - 0x2002 + 1), "%d accepted", accepted);
    const char *vi = "Kế hoạch “Đảng” – số 179…";
    cr_expect(pg_text_surely_nfc(vi, strlen(vi)));
    cr_expect(!pg_text_surely_nfc("Ke\xcc\x82\xcc\x81", 6), "a decomposed ế passes");
    cr_expect(!pg_text_surely_nfc("\xe2\x80\x80", 3), "U+2000 (NFC: U+2002) passes");
}
