/* serve_new.c - making plans in `plangen serve`: the templates offered
 * (/api/templates), a new plan from a template or blank (/api/new), and a
 * plan derived from another (/api/derive). Files made are never written over:
 * each is written to a temporary file and renamed into place under the save
 * lock, after checking that nothing is there. */
#define _DEFAULT_SOURCE /* realpath, lstat */
#include "serve_internal.h"

#include "arena.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- /api/templates ------------------------------------------------------------ */

static int key_char(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* The ${key} placeholders of a template in order of first use, each optional
 * when it stands only inside <?plangen-if?> parts, and the keys of those parts. */
static void template_params(JsonBuilder *b, const char *text)
{
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
    GHashTable *required = g_hash_table_new(g_str_hash, g_str_equal);
    int depth = 0;
    for (const char *c = text; *c; c++) {
        if (strncmp(c, "<?plangen-if ", 13) == 0) {
            const char *k = c + 13, *e = k;
            while (key_char(*e))
                e++;
            char *key = g_strndup(k, (gsize)(e - k));
            int seen = 0;
            for (guint i = 0; i < keys->len && !seen; i++)
                seen = strcmp(keys->pdata[i], key) == 0;
            if (!seen)
                g_ptr_array_add(keys, key);
            else
                g_free(key);
            depth++;
        } else if (strncmp(c, "<?plangen-end", 13) == 0) {
            depth -= depth > 0;
        } else if (c[0] == '$' && c[1] == '{') {
            const char *k = c + 2, *e = k;
            while (key_char(*e))
                e++;
            if (*e != '}' || e == k)
                continue;
            char *key = g_strndup(k, (gsize)(e - k));
            int seen = 0;
            for (guint i = 0; i < keys->len && !seen; i++)
                seen = strcmp(keys->pdata[i], key) == 0;
            if (!seen)
                g_ptr_array_add(keys, key);
            else
                g_free(key);
            if (!depth)
                for (guint i = 0; i < keys->len; i++)
                    if (strncmp(keys->pdata[i], k, (size_t)(e - k)) == 0 &&
                        strlen(keys->pdata[i]) == (size_t)(e - k))
                        g_hash_table_add(required, keys->pdata[i]);
        }
    }
    json_builder_set_member_name(b, "params");
    json_builder_begin_array(b);
    for (guint i = 0; i < keys->len; i++) {
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "key");
        json_builder_add_string_value(b, keys->pdata[i]);
        json_builder_set_member_name(b, "optional");
        json_builder_add_boolean_value(b, !g_hash_table_contains(required, keys->pdata[i]));
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_hash_table_destroy(required);
    g_ptr_array_unref(keys);
}

/* The text of the first <summary> of a template, tags dropped; g_malloc'd. */
static char *template_title(const char *text, const char *fallback)
{
    const char *s = strstr(text, "<summary");
    const char *e = s ? strstr(s, "</summary>") : NULL;
    s = s ? strchr(s, '>') : NULL;
    if (!s || !e || s > e)
        return g_strdup(fallback);
    GString *out = g_string_new(NULL);
    int tag = 0;
    for (const char *c = s + 1; c < e; c++) {
        if (*c == '<')
            tag = 1;
        else if (*c == '>')
            tag = 0;
        else if (!tag)
            g_string_append_c(out, *c == '\n' ? ' ' : *c);
    }
    char *t = g_strstrip(g_string_free(out, FALSE));
    return t;
}

static char *templates_dir(const pg_server *srv)
{
    return g_build_filename(srv->data_dir, "templates", "plans", NULL);
}

enum MHD_Result api_templates(request *rq)
{
    char *dir = templates_dir(rq->srv);
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while (d && (n = g_dir_read_name(d)))
        if (n[0] != '.' && g_str_has_suffix(n, ".xml"))
            g_ptr_array_add(names, g_strdup(n));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, (GCompareFunc)(void (*)(void))g_strcmp0);
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "templates");
    json_builder_begin_array(b);
    for (guint i = 0; i < names->len; i++) {
        char *path = g_build_filename(dir, names->pdata[i], NULL);
        char *text = NULL, why[PG_WHY_MAX];
        size_t len = 0;
        if (pg_read_regular_file(path, PLAN_MAX, &text, &len, why) == PG_INPUT_OK) {
            char *name = g_strndup(names->pdata[i], strlen(names->pdata[i]) - 4);
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "name");
            json_builder_add_string_value(b, name);
            char *title = template_title(text, name);
            json_builder_set_member_name(b, "title");
            json_builder_add_string_value(b, title);
            template_params(b, text);
            json_builder_end_object(b);
            g_free(title);
            g_free(name);
        }
        free(text);
        g_free(path);
    }
    json_builder_end_array(b);
    g_ptr_array_unref(names);
    g_free(dir);
    return reply_json(rq, 200, finish(b));
}

/* ---- /api/new and /api/derive --------------------------------------------------- */

static const char *member_string(JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member(o, name) : NULL;
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
               ? json_node_get_string(n)
               : NULL;
}

/* The target of a new plan from the body's folder and file: checks both, the
 * write right, and that the folder lies inside the root. Returns the relative
 * path (g_malloc'd) and its absolute path in *full, or NULL with the reply sent
 * in *r. */
static char *new_target(request *rq, JsonObject *o, char **full, enum MHD_Result *r)
{
    const char *folder = member_string(o, "folder");
    const char *file = member_string(o, "file");
    *full = NULL;
    if (!folder || !file || folder_syntax(folder) || strchr(file, '/') || path_syntax(file, 0)) {
        *r = path_error(rq, 400);
        return NULL;
    }
    int root = !*folder || strcmp(folder, ".") == 0;
    char *rel = root ? g_strdup(file) : g_strconcat(folder, "/", file, NULL);
    if (!pg_auth_may_write(rq->srv->auth, &rq->session, root ? "." : folder)) {
        *r = forbidden(rq, 1);
        g_free(rel);
        return NULL;
    }
    unsigned st = 0;
    *full = resolve_plan(rq->srv, rel, 1, &st);
    if (!*full) {
        *r = path_error(rq, st);
        g_free(rel);
        return NULL;
    }
    return rel;
}

unsigned create_plan_file(request *rq, const char *rel, const char *full, const char *text)
{
    pg_server *srv = rq->srv;
    unsigned status = 201;
    pthread_mutex_lock(&srv->save_lock);
    struct stat st;
    if (lstat(full, &st) == 0) {
        status = 409;
    } else {
        pg_diag_list d = {0};
        pg_output o;
        size_t len = strlen(text);
        int ok = pg_output_open(&o, full, &d);
        o.no_replace = 1; /* another program may create it meanwhile: never replace it */
        if (ok && fwrite(text, 1, len, o.f) != len) {
            pg_output_abort(&o);
            ok = 0;
        } else if (ok) {
            ok = pg_output_commit(&o, &d);
        }
        pg_diag_list_free(&d);
        status = ok ? 201 : 500;
    }
    pthread_mutex_unlock(&srv->save_lock);
    if (status == 201) {
        char hash[PG_HASH_HEX];
        pg_sha256_hex(text, strlen(text), hash);
        pg_auth_log_save(srv->auth, &rq->session, rq->addr, rel, NULL, hash);
    }
    return status;
}

static enum MHD_Result created(request *rq, unsigned status, const char *rel)
{
    if (status == 409)
        return reply_error(rq, 409, "exists", "Đã có tệp tên này; xin chọn tên khác.");
    if (status != 201)
        return reply_error(rq, 500, "write", "Không ghi được tệp.");
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "path");
    json_builder_add_string_value(b, rel);
    return reply_json(rq, 201, finish(b));
}

static JsonObject *body_object(request *rq, JsonParser *p)
{
    if (json_parse_body(p, rq) != 1)
        return NULL;
    JsonNode *root = json_parser_get_root(p);
    return root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
}

/* The relative path from folder dir to file path (both absolute); g_malloc'd. */
static char *relative_from(const char *dir, const char *path)
{
    char **d = g_strsplit(dir, "/", -1), **p = g_strsplit(path, "/", -1);
    size_t i = 0;
    while (d[i] && p[i] && strcmp(d[i], p[i]) == 0)
        i++;
    GString *out = g_string_new(NULL);
    for (size_t k = i; d[k]; k++)
        if (*d[k])
            g_string_append(out, "../");
    for (size_t k = i; p[k]; k++) {
        g_string_append(out, p[k]);
        if (p[k + 1])
            g_string_append_c(out, '/');
    }
    g_strfreev(d);
    g_strfreev(p);
    return g_string_free(out, FALSE);
}

enum MHD_Result api_new(request *rq)
{
    pg_server *srv = rq->srv;
    JsonParser *p = json_parser_new();
    JsonObject *o = body_object(rq, p);
    enum MHD_Result r = MHD_NO;
    char *full = NULL, *rel = NULL, *text = NULL;
    if (!o) {
        r = reply_error(rq, 400, "bad-request", "Nội dung gửi lên không phải JSON hợp lệ.");
        goto cleanup;
    }
    if (!(rel = new_target(rq, o, &full, &r)))
        goto cleanup;
    const char *tpl = member_string(o, "template");
    JsonObject *params = json_object_has_member(o, "params") &&
                                 JSON_NODE_HOLDS_OBJECT(json_object_get_member(o, "params"))
                             ? json_object_get_object_member(o, "params")
                             : NULL;
    if (!tpl) {
        const char *style = params ? member_string(params, "style") : NULL;
        if (!style)
            style = "party";
        if (strcmp(style, "party") != 0 && strcmp(style, "state") != 0) {
            r = reply_error(rq, 400, "style", "Kiểu trình bày là party hoặc state.");
            goto cleanup;
        }
        pthread_mutex_lock(&srv->engine_lock);
        text = pg_plan_blank(style);
        pthread_mutex_unlock(&srv->engine_lock);
    } else {
        int ok = *tpl && tpl[0] != '.';
        for (const char *c = tpl; *c && ok; c++)
            ok = key_char(*c);
        char *dir = templates_dir(srv);
        char *name = g_strconcat(tpl, ".xml", NULL);
        char *path = g_build_filename(dir, name, NULL);
        char *t = NULL, why[PG_WHY_MAX];
        size_t len = 0;
        if (!ok || pg_read_regular_file(path, PLAN_MAX, &t, &len, why) != PG_INPUT_OK) {
            r = reply_error(rq, 404, "template", "Không có mẫu này.");
        } else {
            GList *members = params ? json_object_get_members(params) : NULL;
            size_t n = g_list_length(members), k = 0;
            const char **keys = pg_xcalloc(n + 1, sizeof *keys);
            const char **values = pg_xcalloc(n + 1, sizeof *values);
            for (GList *m = members; m; m = m->next) {
                const char *v = member_string(params, m->data);
                if (v) {
                    keys[k] = m->data;
                    values[k++] = v;
                }
            }
            pg_diag_list d = {0};
            pthread_mutex_lock(&srv->engine_lock);
            text = pg_template_fill(t, name, keys, values, k, &d);
            pthread_mutex_unlock(&srv->engine_lock);
            if (!text)
                r = reply_findings(rq, 422, "findings", "Chưa điền đủ các tham số của mẫu.", &d);
            else if (strstr(text, "derives-from=\"")) {
                /* the template names its parent from its own folder: name it
                 * from the new plan's folder */
                char *start = strstr(text, "derives-from=\"") + strlen("derives-from=\"");
                char *end = strchr(start, '"');
                if (end && *start != '/') {
                    char *parent_rel = g_strndup(start, (gsize)(end - start));
                    char *joined = g_build_filename(dir, parent_rel, NULL);
                    char *canon = g_canonicalize_filename(joined, NULL);
                    /* a template names its parent in the data folder's plans/;
                     * the server's plans are its root: the same plan there */
                    char *data_plans = g_build_filename(srv->data_dir, "plans", NULL);
                    char *dp = g_canonicalize_filename(data_plans, NULL);
                    size_t dn = strlen(dp);
                    if (strncmp(canon, dp, dn) == 0 && canon[dn] == '/') {
                        char *in_root = g_build_filename(srv->root, canon + dn + 1, NULL);
                        if (g_file_test(in_root, G_FILE_TEST_IS_REGULAR)) {
                            g_free(canon);
                            canon = in_root;
                        } else {
                            g_free(in_root);
                        }
                    }
                    g_free(dp);
                    g_free(data_plans);
                    size_t rn = strlen(srv->root);
                    if (strncmp(canon, srv->root, rn) != 0 || canon[rn] != '/') {
                        char *msg = g_strdup_printf(
                            "Mẫu này dùng cho đơn vị thực hiện kế hoạch cấp trên %s, "
                            "nhưng thư mục kế hoạch không có kế hoạch đó.",
                            parent_rel);
                        r = reply_error(rq, 422, "template-parent", msg);
                        g_free(msg);
                        /* no text: the frees below end in cleanup */
                        g_free(text);
                        text = NULL;
                    } else {
                        char *odir = g_path_get_dirname(full);
                        char *fixed = relative_from(odir, canon);
                        GString *out = g_string_new_len(text, start - text);
                        g_string_append(out, fixed);
                        g_string_append(out, end);
                        g_free(text);
                        text = g_string_free(out, FALSE);
                        g_free(fixed);
                        g_free(odir);
                    }
                    g_free(canon);
                    g_free(joined);
                    g_free(parent_rel);
                }
            }
            pg_diag_list_free(&d);
            free(keys);
            free(values);
            g_list_free(members);
        }
        free(t);
        g_free(path);
        g_free(name);
        g_free(dir);
        if (!text)
            goto cleanup;
    }
    /* the editor's schema: this server's data folder's */
    text = pg_plan_set_model(text, srv->data_dir);
    r = created(rq, create_plan_file(rq, rel, full, text), rel);
cleanup:
    g_free(text);
    g_free(full);
    g_free(rel);
    g_object_unref(p);
    return r;
}

enum MHD_Result api_derive(request *rq)
{
    pg_server *srv = rq->srv;
    JsonParser *p = json_parser_new();
    JsonObject *o = body_object(rq, p);
    enum MHD_Result r = MHD_NO;
    char *full = NULL, *rel = NULL, *parent_full = NULL, *text = NULL;
    const char *parent = member_string(o, "parent");
    const char *issuer = member_string(o, "issuer");
    const char *date = member_string(o, "date");
    unsigned st = 0;
    if (!o || !parent || !issuer || !*issuer) {
        r = reply_error(rq, 400, "bad-request",
                        "Cần kế hoạch cấp trên (parent) và cơ quan "
                        "ban hành (issuer).");
        goto cleanup;
    }
    int y = 0, m = 0, dd = 0, used = 0;
    if (date && *date &&
        !(strlen(date) == 10 && sscanf(date, "%4d-%2d-%2d%n", &y, &m, &dd, &used) == 3 &&
          used == 10 && pg_date_valid(y, m, dd))) {
        r = reply_error(rq, 400, "date", "Ngày phải viết YYYY-MM-DD và là một ngày có thật.");
        goto cleanup;
    }
    if ((st = path_syntax(parent, 0)) || !(parent_full = resolve_plan(srv, parent, 0, &st))) {
        r = path_error(rq, st);
        goto cleanup;
    }
    if (!may_read(rq, parent)) {
        r = forbidden(rq, 0);
        goto cleanup;
    }
    if (!(rel = new_target(rq, o, &full, &r)))
        goto cleanup;
    if (strcmp(rel, parent) == 0) {
        r = reply_error(rq, 409, "exists", "Đã có tệp tên này; xin chọn tên khác.");
        goto cleanup;
    }
    pthread_mutex_lock(&srv->engine_lock);
    pg_result res;
    pg_run(srv->engine, parent_full, NULL, 0, PG_STAGE_RESOLVE, &res);
    if (!chain_readable(rq, parent_full, NULL, 0)) {
        r = reply_error(
            rq, 403, "forbidden-parent",
            "Kế hoạch cấp trên này dùng tệp ở thư mục mà tài khoản này không được xem.");
    } else if (!res.ok || pg_diag_worst(&res.diags) >= PG_LEVEL_ERROR) {
        r = reply_findings(rq, 422, "findings", "Kế hoạch cấp trên còn lỗi.", &res.diags);
    } else {
        char *odir = g_path_get_dirname(full);
        char *prel = relative_from(odir, parent_full);
        char today[16];
        pg_today(pg_engine_options(srv->engine), today);
        char *cited = pg_name_case(issuer);
        for (char *c = cited; *c; c++)
            if (*c == '\n')
                *c = ' ';
        const char *sym = member_string(o, "symbol");
        const char *pbody = member_string(o, "parent_body");
        pg_derive_opts dopts = {.parent_path = prel,
                                .issuer = issuer,
                                .parent_body = pbody && *pbody ? pbody : NULL,
                                .symbol = sym && *sym ? sym : NULL,
                                .date = date && *date ? date : today,
                                .cited_as = cited,
                                .data_dir = srv->data_dir};
        text = pg_plan_derived(res.doc, &dopts);
        g_free(cited);
        g_free(prel);
        g_free(odir);
    }
    pg_result_free(&res);
    pthread_mutex_unlock(&srv->engine_lock);
    if (text)
        r = created(rq, create_plan_file(rq, rel, full, text), rel);
cleanup:
    g_free(text);
    g_free(parent_full);
    g_free(full);
    g_free(rel);
    g_object_unref(p);
    return r;
}
