/* serve_import.c - "Nhập từ Word" in `plangen serve` (docs/serve.md): an old
 * plan uploaded as the raw body of POST /api/import (DOCX, ODT, text; the
 * reader is chosen by pg_import_read) is recognised and written as a new plan
 * file in a folder the session may write, never over another file. */
#include "serve_internal.h"

#include "i18n.h"
#include "import.h"
#include "scaffold.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    STEM_MAX = 60,   /* bytes of the file name made from the upload's, before ".xml" */
    TAKEN_MAX = 999, /* "-2" ... "-999": names tried before giving up (409) */
    UPLOAD_NAME_MAX = 255,
};

/* The upload's name as diagnostics show it: its last component, control
 * characters replaced; "upload" when there is none. g_malloc'd. */
static char *display_name(const char *name)
{
    const char *base = name ? name : "";
    for (const char *c = base; *c; c++)
        if (*c == '/' || *c == '\\')
            base = c + 1;
    char *out = g_utf8_make_valid(*base ? base : "upload", -1);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '_';
    if (strlen(out) > UPLOAD_NAME_MAX) {
        char *end = out + UPLOAD_NAME_MAX; /* cut at a character's first byte */
        while (end > out && ((unsigned char)*end & 0xc0) == 0x80)
            end--;
        *end = '\0';
    }
    return out;
}

/* The stem of the new plan's file name from the upload's name: its extension
 * dropped, Vietnamese letters spelt without marks ("Kế hoạch số 5.docx" ->
 * "ke-hoach-so-5"), lower case ASCII letters and digits joined by single '-',
 * at most STEM_MAX bytes; "ke-hoach-nhap" when nothing is left. g_malloc'd. */
static char *file_stem(const char *shown)
{
    GString *plain = g_string_new(NULL);
    const char *dot = strrchr(shown, '.');
    size_t n = dot && dot != shown ? (size_t)(dot - shown) : strlen(shown);
    /* đ and Đ have no decomposition, and g_str_to_ascii drops them */
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && (unsigned char)shown[i] == 0xc4 &&
            ((unsigned char)shown[i + 1] == 0x91 || (unsigned char)shown[i + 1] == 0x90)) {
            g_string_append_c(plain, 'd');
            i++;
        } else {
            g_string_append_c(plain, shown[i]);
        }
    }
    char *name = g_string_free(plain, FALSE);
    char *ascii = g_str_to_ascii(name, "C");
    GString *out = g_string_new(NULL);
    int dash = 0;
    for (const char *c = ascii; *c && out->len < STEM_MAX; c++) {
        if (g_ascii_isalnum(*c)) {
            if (dash && out->len)
                g_string_append_c(out, '-');
            dash = 0;
            g_string_append_c(out, g_ascii_tolower(*c));
        } else {
            dash = 1;
        }
    }
    g_free(ascii);
    g_free(name);
    if (!out->len)
        g_string_append(out, "ke-hoach-nhap");
    return g_string_free(out, FALSE);
}

/* {"para", "message", "hint"}: what the recogniser says of a paragraph it kept
 * as written (line is the DOCX paragraph index, or the text's line). */
static void add_warnings(JsonBuilder *b, const pg_diag_list *d)
{
    json_builder_set_member_name(b, "warnings");
    json_builder_begin_array(b);
    for (size_t i = 0; i < d->n; i++) {
        const pg_diag *g = &d->items[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "para");
        json_builder_add_int_value(b, g->line);
        add_message_hint(b, g);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* The "left to fill" text, one "FILE:PARA: what" a line, as
 * [{"para": N | null, "text": what}]. */
static void add_todo(JsonBuilder *b, const char *todo, const char *shown)
{
    json_builder_set_member_name(b, "todo");
    json_builder_begin_array(b);
    char **lines = g_strsplit(todo ? todo : "", "\n", -1);
    size_t n = strlen(shown);
    for (char **l = lines; *l; l++) {
        char *t = g_strstrip(*l);
        if (!*t)
            continue;
        long para = -1;
        if (strncmp(t, shown, n) == 0 && t[n] == ':') {
            char *end = NULL;
            para = strtol(t + n + 1, &end, 10);
            if (end && end > t + n + 1 && *end == ':') {
                t = end + 1;
                while (*t == ' ')
                    t++;
            } else {
                para = -1;
            }
        }
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "para");
        if (para > 0)
            json_builder_add_int_value(b, para);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "text");
        json_builder_add_string_value(b, t);
        json_builder_end_object(b);
    }
    g_strfreev(lines);
    json_builder_end_array(b);
}

/* Writes xml as FOLDER/STEM.xml, or STEM-2.xml, STEM-3.xml... when taken.
 * Returns the relative path written (g_malloc'd), or NULL with the reply sent
 * in *r. */
static char *write_new_plan(request *rq, const char *folder, const char *stem, const char *xml,
                            enum MHD_Result *r)
{
    int root = !*folder || strcmp(folder, ".") == 0;
    for (int k = 1; k <= TAKEN_MAX; k++) {
        char *file =
            k == 1 ? g_strdup_printf("%s.xml", stem) : g_strdup_printf("%s-%d.xml", stem, k);
        char *rel = root ? g_strdup(file) : g_strconcat(folder, "/", file, NULL);
        g_free(file);
        unsigned st = 0;
        char *full = resolve_plan(rq->srv, rel, 1, &st);
        if (!full && st == 404) {
            *r = reply_error(rq, 404, "not-found", "Không có thư mục này trong thư mục kế hoạch.");
            g_free(rel);
            return NULL;
        }
        if (!full) {
            *r = path_error(rq, st);
            g_free(rel);
            return NULL;
        }
        unsigned made = create_plan_file(rq, rel, full, xml);
        g_free(full);
        if (made == 201)
            return rel;
        g_free(rel);
        if (made != 409) {
            *r = reply_error(rq, 500, "write", "Không ghi được tệp.");
            return NULL;
        }
    }
    *r = reply_error(rq, 409, "exists",
                     "Thư mục đã có quá nhiều tệp cùng tên; xin đổi tên tệp tải lên.");
    return NULL;
}

enum MHD_Result api_import(request *rq)
{
    const char *folder = query_arg(rq, "folder", NULL);
    int nul = 0;
    const char *name = query_arg(rq, "name", &nul);
    if (!folder)
        folder = ".";
    if (folder_syntax(folder))
        return path_error(rq, 400);
    if (!name || !*name || nul)
        return reply_error(rq, 400, "bad-request",
                           "Thiếu tên tệp tải lên (?name=...): cần biết đó là tệp .docx, .odt, "
                           ".txt hay .md.");
    if (!pg_auth_may_write(rq->srv->auth, &rq->session, *folder ? folder : "."))
        return forbidden(rq, 1);
    if (rq->body_len == 0)
        return reply_error(rq, 422, "empty", "Tệp tải lên rỗng (0 byte); không có gì để nhập.");
    char *shown = display_name(name);
    pg_diag_list d = {0};
    pg_import_doc doc;
    enum MHD_Result r = MHD_NO;
    if (!pg_import_read(rq->body, rq->body_len, shown, &doc, &d)) {
        /* the reader's own words (English) after ours: what is wrong with the file */
        const pg_diag *g = d.n ? &d.items[0] : NULL;
        char *msg = g_strdup_printf(
            "Không đọc được tệp “%s”: đây không phải tệp Word (.docx), OpenDocument (.odt) hay "
            "văn bản (.txt, .md, UTF-8) hợp lệ. Chi tiết: %s%s%s",
            shown, g ? _(pg_diag_message(g->code)) : _("unreadable"), g && g->detail ? ": " : "",
            g && g->detail ? g->detail : "");
        r = reply_findings(rq, 422, "import", msg, &d);
        g_free(msg);
        pg_diag_list_free(&d);
        g_free(shown);
        return r;
    }
    pg_import_stats st;
    char *todo = NULL;
    char *xml = pg_import_recognise(&doc, shown, &d, &st, &todo);
    pg_import_doc_free(&doc);
    /* its <?xml-model?> names this server's schema, as the web editor's new plans do */
    if (xml) {
        char *plan = pg_plan_set_model(g_strdup(xml), rq->srv->data_dir);
        free(xml);
        xml = plan;
    }
    char *stem = file_stem(shown);
    char *rel = write_new_plan(rq, folder, stem, xml, &r);
    if (rel) {
        JsonBuilder *b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "path");
        json_builder_add_string_value(b, rel);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, shown);
        json_builder_set_member_name(b, "words_in");
        json_builder_add_int_value(b, (gint64)st.words_in);
        json_builder_set_member_name(b, "words_out");
        json_builder_add_int_value(b, (gint64)st.words_out);
        json_builder_set_member_name(b, "marks");
        json_builder_add_int_value(b, (gint64)st.marks);
        json_builder_set_member_name(b, "unplaced");
        json_builder_add_int_value(b, (gint64)st.unplaced);
        add_warnings(b, &d);
        add_todo(b, todo, shown);
        r = reply_json(rq, 201, finish(b));
        g_free(rel);
    }
    g_free(stem);
    g_free(xml);
    free(todo);
    pg_diag_list_free(&d);
    g_free(shown);
    return r;
}
