/* scaffold.c - blank plans, derived plans and plan templates (see scaffold.h). */
#include "scaffold.h"

#include "i18n.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static void put_escaped(GString *out, const char *s)
{
    pg_buf b = {0};
    pg_buf_put_xml(&b, s);
    g_string_append(out, pg_buf_str(&b));
    pg_buf_free(&b);
}

/* The end of the prolog: the offset of the root element's '<' (or the text's
 * length), comments and instructions skipped. */
static size_t prolog_end(const char *text)
{
    const char *c = text;
    while (*c) {
        if (strncmp(c, "<!--", 4) == 0) {
            const char *e = strstr(c + 4, "-->");
            c = e ? e + 3 : c + strlen(c);
        } else if (strncmp(c, "<?", 2) == 0 || strncmp(c, "<!", 2) == 0) {
            const char *e = strchr(c + 2, '>');
            c = e ? e + 1 : c + strlen(c);
        } else if (*c == '<') {
            break;
        } else {
            c++;
        }
    }
    return (size_t)(c - text);
}

char *pg_plan_set_model(char *text, const char *data_dir)
{
    char *pi = pg_plan_model_pi(data_dir);
    size_t end = prolog_end(text);
    GString *out = g_string_sized_new(strlen(text) + strlen(pi) + 1);
    const char *old = text, *old_end = NULL;
    while ((old = strstr(old, "<?xml-model")) && (size_t)(old - text) < end) {
        if (g_ascii_isspace(old[11]) && (old_end = strstr(old, "?>")))
            break;
        old += 11;
    }
    if (old_end) {
        g_string_append_len(out, text, old - text);
        g_string_append(out, pi);
        g_string_append(out, old_end + 2);
    } else if (strncmp(text, "<?xml", 5) == 0 && (text[5] == ' ' || text[5] == '\t') &&
               strstr(text, "?>")) {
        const char *decl_end = strstr(text, "?>") + 2;
        g_string_append_len(out, text, decl_end - text);
        g_string_append(out, pi);
        g_string_append(out, decl_end);
    } else {
        g_string_append(out, pi);
        g_string_append_c(out, '\n');
        g_string_append(out, text);
    }
    g_free(pi);
    g_free(text);
    return g_string_free(out, FALSE);
}

char *pg_plan_blank(const char *style)
{
    int state = style && strncmp(style, "state", 5) == 0;
    char *pi = pg_plan_model_pi(NULL);
    /* the comments, in the language of messages (the plan's own words are
     * Vietnamese either way) */
    /* TRANSLATORS: this and the next comments of scaffold.c are XML comments
       written into a new plan: keep their line breaks and indentation, and
       never put two hyphens in a row (XML ends a comment there). */
    const char *intro = state ? _("A new plan (state style). Replace every text in square "
                                  "brackets; delete the\n     comments when done. Sizes, spacing "
                                  "and section numbers come from the style:\n     never type "
                                  "them. `plangen check` says what is still missing.")
                              : _("A new plan (Party style). Replace every text in square "
                                  "brackets; delete the\n     comments when done. Sizes, spacing "
                                  "and section numbers come from the style:\n     never type "
                                  "them. `plangen check` says what is still missing.");
    char *issuer = g_strdup_printf(_("issuing body; parent = the body directly above it; symbol "
                                     "as in \"Số %s\";\n       cited-as = how other documents "
                                     "name it"),
                                   state ? "01/KH-ABC" : "01-KH/ABC");
    char *subject = g_strdup_printf(_("the subject: %s"), state ? _("a capital first letter")
                                                                : _("a lower-case first letter"));
    char *recipients = g_strdup_printf(
        _("recipients: a purpose per line, or a group sharing one purpose (a brace);\n       the "
          "style adds the punctuation and the \"%s\" of the archive line:\n       <archive> "
          "names only the other units that keep a copy"),
        state ? "- Lưu: VT," : "- Lưu");
    char *authority = g_strdup_printf(
        _("authority: on-behalf (%s), deputy (%s), by-order (%s), acting (Q.) or none"),
        state ? "TM." : "T/M", state ? "KT." : "K/T", state ? "TL." : "T/L");
    GString *o = g_string_new(NULL);
    g_string_append_printf(
        o,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n"
        "<!-- %s -->\n"
        "<plan xmlns=\"urn:plangen:plan:1\" style=\"%s\">\n"
        "  <!-- %s -->\n"
        "  <issuer parent=\"%s\" symbol=\"%s\" cited-as=\"[%s]\">%s</issuer>\n"
        "  <!-- %s -->\n"
        "  <!-- <number>..</number> -->\n"
        "  <place>[Địa danh]</place>\n"
        "  <!-- %s -->\n"
        "  <date>[YYYY-MM-DD]</date>\n"
        "  <!-- %s -->\n"
        "  <summary>%s</summary>\n"
        "  <!-- %s -->\n"
        "  <basis>\n"
        "    <p>Thực hiện Kế hoạch số [số và ký hiệu] ngày [ngày/tháng/năm] của [cơ quan] về "
        "[trích yếu], [cơ quan ban hành] xây dựng Kế hoạch triển khai như sau:</p>\n"
        "  </basis>\n"
        "  <!-- %s -->\n"
        "  <section id=\"muc-dich-yeu-cau\" title=\"MỤC ĐÍCH, YÊU CẦU\">\n"
        "    <section title=\"Mục đích\"><p>[Mục đích của kế hoạch.]</p></section>\n"
        "    <section title=\"Yêu cầu\"><p>[Yêu cầu của kế hoạch.]</p></section>\n"
        "  </section>\n"
        "  <section id=\"noi-dung\" title=\"NỘI DUNG\">\n"
        "    <item>[Nhiệm vụ, có thời hạn: <deadline date=\"2026-06-30\">trước ngày "
        "30/6/2026</deadline>.]</item>\n"
        "  </section>\n"
        "  <section id=\"to-chuc-thuc-hien\" title=\"TỔ CHỨC THỰC HIỆN\">\n"
        "    <p>[Phân công thực hiện.]</p>\n"
        "  </section>\n"
        "  <!-- %s -->\n"
        "  <recipients>\n"
        "    <to purpose=\"%s\">[Cơ quan cấp trên]</to>\n"
        "    <to>[Các đơn vị thực hiện]</to>\n"
        "    <archive>%s</archive>\n"
        "  </recipients>\n"
        "  <!-- %s -->\n"
        "  <signature authority=\"%s\" collective=\"%s\" title=\"%s\" name=\"[Họ và tên]\"/>\n"
        "</plan>\n",
        pi, intro, state ? "state" : "party", issuer, state ? "[UBND TỈNH]" : "[ĐẢNG BỘ TỈNH]",
        "ABC", state ? "Cơ quan" : "Ban Thường vụ", state ? "[CƠ QUAN BAN HÀNH]" : "[ĐẢNG ỦY]",
        _("the register number: leave it out until the plan is registered"),
        _("YYYY-MM-DD; YYYY-MM for a draft whose day is not yet fixed"), subject,
        state ? "Triển khai [nội dung]" : "triển khai [nội dung]",
        _("what the plan implements: a citation with type, number, date and issuer"),
        _("the body: nested sections are numbered by the style"), recipients,
        state ? "để b/c" : "để báo cáo", state ? "[đơn vị soạn thảo]" : "Văn phòng", authority,
        state ? "deputy" : "on-behalf", state ? "GIÁM ĐỐC" : "BAN THƯỜNG VỤ",
        state ? "PHÓ GIÁM ĐỐC" : "BÍ THƯ");
    g_free(issuer);
    g_free(subject);
    g_free(recipients);
    g_free(authority);
    g_free(pi);
    return g_string_free(o, FALSE);
}

char *pg_plan_derived(const pg_doc *parent, const pg_derive_opts *o)
{
    GString *s = g_string_new(NULL);
    const char *style = o->style ? o->style : parent->style_name ? parent->style_name : "party";
    char *summary = pg_inline_text(parent->summary);
    char *parent_issuer = pg_inline_text(parent->issuer);
    for (char *c = parent_issuer; *c; c++)
        if (*c == '\n')
            *c = ' ';
    char *pi = pg_plan_model_pi(o->data_dir);
    pg_buf path = {0};
    pg_buf_put_xml(&path, o->parent_path);
    /* TRANSLATORS: an XML comment written into a derived plan: keep its line
       breaks and indentation, and never two hyphens in a row. */
    g_string_append_printf(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n<!-- ", pi);
    g_string_append_printf(s,
                           _("Derived from %s by `plangen derive`. The basis sentence, the "
                             "inherited sections and the\n     report-back recipient come from "
                             "the parent on every render, so a correction\n     there reaches "
                             "this plan. Complete the parts in square brackets."),
                           pg_buf_str(&path));
    g_string_append(s, " -->\n");
    pg_buf_free(&path);
    g_free(pi);
    g_string_append_printf(s, "<plan xmlns=\"urn:plangen:plan:1\" style=\"%s\" derives-from=\"",
                           style);
    put_escaped(s, o->parent_path);
    g_string_append(s, "\">\n  <issuer");
    if (o->parent_body) {
        g_string_append(s, " parent=\"");
        put_escaped(s, o->parent_body);
        g_string_append_c(s, '"');
    }
    g_string_append(s, " symbol=\"");
    put_escaped(s, o->symbol ? o->symbol : "ABC");
    if (o->cited_as) {
        g_string_append(s, "\" cited-as=\"");
        put_escaped(s, o->cited_as);
    }
    g_string_append(s, "\">");
    put_escaped(s, o->issuer);
    g_string_append_printf(s, "</issuer>\n  <!-- %s -->\n  <place>",
                           _("<number>..</number> once registered"));
    g_string_append(s, "[Địa danh]");
    g_string_append_printf(s, "</place>\n  <date>%s</date>\n  <summary>", o->date);
    put_escaped(s, summary);
    g_string_append(s, "</summary>\n");
    /* every top-level section with an id but the last: the last is the child's own
     * implementation part */
    const pg_node *last = NULL;
    for (const pg_node *n = parent->body->first; n; n = n->next)
        if (n->type == PG_NODE_SECTION)
            last = n;
    for (const pg_node *n = parent->body->first; n; n = n->next) {
        if (n->type != PG_NODE_SECTION || n == last)
            continue;
        if (n->u.section.id)
            g_string_append_printf(s, "  <inherit ref=\"%s\"/>\n", n->u.section.id);
        else
            g_string_append_printf(s, "  <!-- %s -->\n",
                                   _("a section of the parent without an id cannot be "
                                     "inherited: give it one there"));
    }
    g_string_append(s, "  <section id=\"to-chuc-thuc-hien\" title=\"");
    put_escaped(s, last && last->u.section.title ? last->u.section.title : "TỔ CHỨC THỰC HIỆN");
    g_string_append(s, "\">\n    <p>[Phân công thực hiện; thời hạn sớm hơn thời hạn của kế hoạch "
                       "cấp trên.]</p>\n  </section>\n"
                       "  <recipients>\n    <to purpose=\"để thực hiện\">[Các đơn vị trực "
                       "thuộc]</to>\n    <archive>Văn phòng</archive>\n  </recipients>\n"
                       "  <signature authority=\"on-behalf\" collective=\"BAN THƯỜNG VỤ\" "
                       "title=\"BÍ THƯ\" name=\"[Họ và tên]\"/>\n</plan>\n");
    free(summary);
    free(parent_issuer);
    return g_string_free(s, FALSE);
}

/* ---- templates ------------------------------------------------------------------------ */

/* The line of at, counting on from the last line asked (*from, *line): the
 * template is read front to back, so every byte is counted once. */
static int line_at(const char **from, int *line, const char *at)
{
    for (; *from < at; (*from)++)
        *line += **from == '\n';
    return *line;
}

/* The parameters by name (a table: a units file may give thousands, a template
 * hold tens of thousands of placeholders). */
typedef struct {
    GHashTable *index; /* key (borrowed) -> its first position + 1 */
    GString *probe;
} params;

static int lookup(params *p, const char *key, size_t klen)
{
    g_string_assign(p->probe, "");
    g_string_append_len(p->probe, key, (gssize)klen);
    return GPOINTER_TO_INT(g_hash_table_lookup(p->index, p->probe->str)) - 1;
}

static int truthy(const char *v)
{
    return v && *v && strcmp(v, "no") != 0;
}

/* A placeholder's key: letters, digits, '_', '-', '.' (any byte of a multi-byte
 * character too). */
static int key_char(unsigned char c)
{
    return c >= 0x80 || g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* A key the template needs and was not given: reported once, at its first line,
 * with the number of places that need it. */
typedef struct {
    int line, count;
} missing_key;

char *pg_template_fill(const char *text, const char *name, const char *const *keys,
                       const char *const *values, size_t n, pg_diag_list *diags)
{
    GString *out = g_string_new(NULL);
    int *used = g_new0(int, n ? n : 1);
    int errors = 0, skip = 0, depth = 0;
    params prm = {g_hash_table_new(g_str_hash, g_str_equal), g_string_new(NULL)};
    for (size_t i = n; i-- > 0;)
        g_hash_table_insert(prm.index, (gpointer)keys[i], GINT_TO_POINTER((int)i + 1));
    /* missing keys in the order they first appear */
    GHashTable *missing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GPtrArray *missing_order = g_ptr_array_new();
    const char *counted = text;
    int line = 1;
    for (const char *c = text; *c;) {
        if (strncmp(c, "<?plangen-if ", 13) == 0) {
            const char *k = c + 13, *end = strstr(k, "?>");
            if (!end) {
                pg_diag_add(diags, PG_E_BAD_VALUE, name, line_at(&counted, &line, c), 0,
                            "<?plangen-if is not closed by ?>");
                errors++;
                break;
            }
            size_t klen = (size_t)(end - k);
            while (klen && k[klen - 1] == ' ')
                klen--;
            int i = lookup(&prm, k, klen);
            if (i >= 0)
                used[i] = 1;
            depth++;
            if (!skip && !(i >= 0 && truthy(values[i])))
                skip = depth;
            c = end + 2;
            continue;
        }
        if (strncmp(c, "<?plangen-end?>", 15) == 0) {
            if (depth == 0) {
                pg_diag_add(diags, PG_E_BAD_VALUE, name, line_at(&counted, &line, c), 0,
                            "<?plangen-end?> without <?plangen-if ...?>");
                errors++;
            } else {
                if (skip == depth)
                    skip = 0;
                depth--;
            }
            c += 15;
            continue;
        }
        if (c[0] == '$' && c[1] == '{') {
            const char *end = c + 2;
            while (key_char((unsigned char)*end))
                end++;
            if (*end == '}') {
                size_t klen = (size_t)(end - c - 2);
                int i = lookup(&prm, c + 2, klen);
                if (i >= 0)
                    used[i] = 1;
                if (!skip) {
                    if (i < 0) {
                        missing_key *m = g_hash_table_lookup(missing, prm.probe->str);
                        if (!m) {
                            m = g_new0(missing_key, 1);
                            m->line = line_at(&counted, &line, c);
                            char *k = g_strdup(prm.probe->str);
                            g_hash_table_insert(missing, k, m);
                            g_ptr_array_add(missing_order, k);
                        }
                        m->count++;
                        errors++;
                    } else {
                        put_escaped(out, values[i]);
                    }
                }
                c = end + 1;
                continue;
            }
        }
        if (!skip)
            g_string_append_c(out, *c);
        c++;
    }
    for (size_t k = 0; k < missing_order->len; k++) {
        const char *key = missing_order->pdata[k];
        const missing_key *m = g_hash_table_lookup(missing, key);
        if (m->count > 1)
            pg_diag_add(diags, PG_E_PARAM, name, m->line, 0,
                        "the template needs ${%s}: give it with --set %s=... (it stands in %d "
                        "places; the first is here)",
                        key, key, m->count);
        else
            pg_diag_add(diags, PG_E_PARAM, name, m->line, 0,
                        "the template needs ${%s}: give it with --set %s=...", key, key);
    }
    g_ptr_array_free(missing_order, TRUE);
    g_hash_table_destroy(missing);
    g_hash_table_destroy(prm.index);
    g_string_free(prm.probe, TRUE);
    if (depth)
        pg_diag_add(diags, PG_E_BAD_VALUE, name, 0, 0, "a <?plangen-if?> part is not closed");
    errors += depth != 0;
    for (size_t i = 0; i < n; i++)
        if (!used[i])
            pg_diag_add(diags, PG_W_UNUSED_PARAM, name, 0, 0,
                        "%s: no ${%s} or <?plangen-if %s?> in the template", keys[i], keys[i],
                        keys[i]);
    g_free(used);
    if (errors) {
        g_string_free(out, TRUE);
        return NULL;
    }
    char *filled = g_string_free(out, FALSE);
    /* a plan template: the written plan names the schema for its editor */
    return strncmp(text, "<?xml", 5) == 0 ? pg_plan_set_model(filled, NULL) : filled;
}
