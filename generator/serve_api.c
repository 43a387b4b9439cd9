/* serve_api.c - the JSON API of `plangen serve` (docs/serve.md) on existing
 * plans: the list, a plan's file, preview pages and their images, PDF, style
 * (making plans is in serve_new.c). Every call into libplangen holds srv->engine_lock, which
 * guards the page cache and the plan summaries as well. */
#define _DEFAULT_SOURCE /* realpath, fchmod, lstat */
#include "serve_internal.h"

#include "arena.h"
#include "i18n.h"

#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char msg_path[] = "Đường dẫn không hợp lệ: phải là tệp .xml trong thư mục kế "
                               "hoạch, không bắt đầu bằng '/', không có '..', '\\' hay tên "
                               "bắt đầu bằng '.'.";

enum MHD_Result path_error(request *rq, unsigned status)
{
    if (status == 403)
        return reply_error(rq, 403, "forbidden", "Tệp nằm ngoài thư mục kế hoạch.");
    if (status == 404)
        return reply_error(rq, 404, "not-found", "Không có tệp này.");
    return reply_error(rq, 400, "path", msg_path);
}

/* The plan named by ?path=: its relative and absolute paths (g_malloc'd) or a
 * status (the reply is not sent). */
static unsigned plan_arg(request *rq, int may_be_new, const char **rel, char **full)
{
    int nul = 0;
    *rel = query_arg(rq, "path", &nul);
    *full = NULL;
    unsigned st = path_syntax(*rel, nul);
    if (st)
        return st;
    *full = resolve_plan(rq->srv, *rel, may_be_new, &st);
    return *full ? 0 : st;
}

int may_read(request *rq, const char *rel)
{
    char *folder = plan_folder(rel);
    int ok = pg_auth_may_read(rq->srv->auth, &rq->session, folder);
    g_free(folder);
    return ok;
}

/* The prologue of a handler that reads the plan named by ?path=: its paths as
 * plan_arg gives them, or 0 with *reply already sent (bad path, or a plan the
 * account may not read). */
static int readable_plan(request *rq, int may_be_new, const char **rel, char **full,
                         enum MHD_Result *reply)
{
    unsigned st = plan_arg(rq, may_be_new, rel, full);
    if (st) {
        *reply = path_error(rq, st);
        return 0;
    }
    if (!may_read(rq, *rel)) {
        g_free(*full);
        *full = NULL;
        *reply = forbidden(rq, 0);
        return 0;
    }
    return 1;
}

static int may_write(request *rq, const char *rel)
{
    char *folder = plan_folder(rel);
    int ok = pg_auth_may_write(rq->srv->auth, &rq->session, folder);
    g_free(folder);
    return ok;
}

enum MHD_Result forbidden(request *rq, int write)
{
    return reply_error(rq, 403, "forbidden",
                       write ? "Tài khoản này không được sửa tệp trong thư mục này."
                             : "Tài khoản này không được xem tệp trong thư mục này.");
}

/* 403 for a plan that reads (derives from, uses, shows) a file in a folder the
 * session may not read. */
static enum MHD_Result forbidden_reads(request *rq)
{
    return reply_error(rq, 403, "forbidden-parent",
                       "Kế hoạch này dùng tệp (kế hoạch cấp trên, kế hoạch dùng chung, hình ảnh) ở "
                       "thư mục mà tài khoản này không được xem.");
}

/* A file's path relative to the root when it lies inside, else as given. */
static const char *relative_to_root(const pg_server *srv, const char *path)
{
    size_t n = strlen(srv->root);
    if (path && strncmp(path, srv->root, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path ? path : "";
}

void add_message_hint(JsonBuilder *b, const pg_diag *g)
{
    json_builder_set_member_name(b, "message");
    json_builder_add_string_value(b, _(pg_diag_message(g->code)));
    json_builder_set_member_name(b, "hint");
    if (g->detail)
        json_builder_add_string_value(b, g->detail);
    else
        json_builder_add_null_value(b);
}

static void add_findings(JsonBuilder *b, const pg_server *srv, const pg_diag_list *d)
{
    json_builder_set_member_name(b, "findings");
    json_builder_begin_array(b);
    for (size_t i = 0; i < d->n; i++) {
        const pg_diag *g = &d->items[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "severity");
        json_builder_add_string_value(b, pg_diag_level(g->code) == PG_LEVEL_ERROR ? "error"
                                                                                  : "warning");
        json_builder_set_member_name(b, "rule");
        if (g->rule)
            json_builder_add_string_value(b, g->rule);
        else
            json_builder_add_null_value(b);
        add_message_hint(b, g);
        json_builder_set_member_name(b, "file");
        json_builder_add_string_value(b, relative_to_root(srv, g->file));
        json_builder_set_member_name(b, "line");
        json_builder_add_int_value(b, g->line);
        json_builder_set_member_name(b, "col");
        json_builder_add_int_value(b, g->col);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

JsonNode *finish(JsonBuilder *b)
{
    json_builder_end_object(b);
    JsonNode *n = json_builder_get_root(b);
    g_object_unref(b);
    return n;
}

enum MHD_Result reply_findings(request *rq, unsigned status, const char *code, const char *message,
                               const pg_diag_list *d)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_add_string_value(b, message);
    json_builder_set_member_name(b, "code");
    json_builder_add_string_value(b, code);
    add_findings(b, rq->srv, d);
    return reply_json(rq, status, finish(b));
}

static int count_level(const pg_diag_list *d, pg_level level)
{
    int n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += pg_diag_level(d->items[i].code) == level;
    return n;
}

/* ---- /api/plan ----------------------------------------------------------------- */

static void quote_etag(char out[PG_HASH_HEX + 2], const char *hash)
{
    snprintf(out, PG_HASH_HEX + 2, "\"%s\"", hash);
}

/* The hash named by an If-Match value ("\"hex\"", or W/ forms refused). */
static int etag_matches(const char *value, const char *hash)
{
    if (!value)
        return 0;
    while (*value == ' ')
        value++;
    size_t n = strlen(hash), len = strlen(value);
    while (len && value[len - 1] == ' ')
        len--;
    /* "HEX" as the ETag header gave it; bare HEX as the JSON {"etag"} gives it */
    if (len == n + 2 && value[0] == '"' && value[n + 1] == '"')
        return strncmp(value + 1, hash, n) == 0;
    return len == n && strncmp(value, hash, n) == 0;
}

static enum MHD_Result plan_get(request *rq, const char *full, int head)
{
    char *data = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    if (pg_read_regular_file(full, PLAN_MAX, &data, &len, why) != PG_INPUT_OK)
        return reply_error(rq, 404, "not-found", "Không đọc được tệp này.");
    char hash[PG_HASH_HEX], etag[PG_HASH_HEX + 2];
    pg_sha256_hex(data, len, hash);
    quote_etag(etag, hash);
    /* HEAD: the same headers, Content-Length included; the daemon sends no body */
    (void)head;
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_COPY);
    free(data);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/xml");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    return reply(rq, 200, resp, 1);
}

static enum MHD_Result plan_put(request *rq, const char *rel, const char *full)
{
    pg_server *srv = rq->srv;
    const char *if_match = header(rq, MHD_HTTP_HEADER_IF_MATCH);
    const char *if_none = header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
    int create = if_none && strcmp(if_none, "*") == 0;
    if (!if_match && !create)
        return reply_error(rq, 428, "if-match",
                           "Thiếu If-Match: cần biết bản đang sửa là bản nào để không ghi "
                           "đè thay đổi của người khác.");
    if (!may_write(rq, rel))
        return forbidden(rq, 1);
    char new_hash[PG_HASH_HEX], old_hash[PG_HASH_HEX] = "", etag[PG_HASH_HEX + 2];
    pg_sha256_hex(rq->body, rq->body_len, new_hash);
    enum MHD_Result r;
    pthread_mutex_lock(&srv->save_lock);
    char *old = NULL, why[PG_WHY_MAX];
    size_t old_len = 0;
    struct stat st;
    int exists = stat(full, &st) == 0;
    if (exists && pg_read_regular_file(full, PLAN_MAX, &old, &old_len, why) != PG_INPUT_OK) {
        pthread_mutex_unlock(&srv->save_lock);
        return reply_error(rq, 409, "unreadable", "Không đọc được tệp hiện có trên đĩa.");
    }
    if (exists)
        pg_sha256_hex(old, old_len, old_hash);
    int match = exists
                    ? (if_match && (strcmp(if_match, "*") == 0 || etag_matches(if_match, old_hash)))
                    : create;
    if (!match) {
        pthread_mutex_unlock(&srv->save_lock);
        JsonBuilder *b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "error");
        json_builder_add_string_value(b, exists ? "Tệp đã được người khác sửa sau khi bạn mở nó."
                                                : "Tệp không còn trên đĩa.");
        json_builder_set_member_name(b, "code");
        json_builder_add_string_value(b, "conflict");
        json_builder_set_member_name(b, "etag");
        if (exists)
            json_builder_add_string_value(b, old_hash);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "text");
        /* JSON carries text: a file that is not UTF-8 (or holds a NUL) is not
         * sent; the page then offers to reload it */
        if (exists && g_utf8_validate_len(old, old_len, NULL))
            json_builder_add_string_value(b, old);
        else
            json_builder_add_null_value(b);
        free(old);
        return reply_json(rq, 412, finish(b));
    }
    free(old);
    pg_diag_list d = {0};
    pg_output o;
    /* a plan that is a link inside the root: the file it names is rewritten */
    char *real = exists ? realpath(full, NULL) : NULL;
    int ok = pg_output_open(&o, real ? real : full, &d);
    free(real);
    if (ok) {
        o.mode = exists ? (unsigned)(st.st_mode & 07777) : 0;
        ok = fwrite(rq->body, 1, rq->body_len, o.f) == rq->body_len;
        if (ok)
            ok = pg_output_commit(&o, &d);
        else
            pg_output_abort(&o);
    }
    pthread_mutex_unlock(&srv->save_lock);
    if (!ok) {
        r = reply_error(rq, 500, "write", "Không ghi được tệp.");
    } else {
        pg_auth_log_save(srv->auth, &rq->session, rq->addr, rel, exists ? old_hash : NULL,
                         new_hash);
        quote_etag(etag, new_hash);
        JsonBuilder *b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "etag");
        json_builder_add_string_value(b, new_hash);
        r = reply_json_with(rq, 200, finish(b), MHD_HTTP_HEADER_ETAG, etag);
    }
    pg_diag_list_free(&d);
    return r;
}

enum MHD_Result api_plan(request *rq)
{
    int put = strcmp(rq->method, "PUT") == 0;
    const char *rel;
    char *full;
    enum MHD_Result r;
    if (!readable_plan(rq, put, &rel, &full, &r))
        return r;
    if (put)
        r = plan_put(rq, rel, full);
    else
        r = plan_get(rq, full, strcmp(rq->method, "HEAD") == 0);
    g_free(full);
    return r;
}

/* ---- the page cache ------------------------------------------------------------ */

/* A copy of p that outlives its run: the items copied, their references
 * (lines, paths, images, faces) taken. */
static pg_page *page_copy(const pg_page *p)
{
    pg_page *c = pg_xcalloc(1, sizeof *c);
    *c = *p;
    c->items = pg_xcalloc(p->n ? p->n : 1, sizeof *c->items);
    c->cap = p->n;
    for (size_t i = 0; i < p->n; i++) {
        c->items[i] = p->items[i];
        pg_item_retain(&c->items[i]);
    }
    return c;
}

static void page_free(pg_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        pg_item_release(&p->items[i]);
    free(p->items);
    free(p);
}

static void slot_clear(pg_server *srv, page_slot *s)
{
    srv->page_bytes -= s->cost;
    page_free(s->page);
    free(s->png);
    memset(s, 0, sizeof *s);
}

static size_t page_cost(const pg_page *p)
{
    size_t c = sizeof *p + p->n * sizeof(pg_item);
    for (size_t i = 0; i < p->n; i++)
        if (p->items[i].kind == PG_ITEM_TEXT && p->items[i].text)
            c += p->items[i].text->n_glyphs * sizeof(pg_glyph) + p->items[i].text->text_len;
    return c;
}

static page_slot *slot_find(pg_server *srv, const char *hash)
{
    for (size_t i = 0; i < PAGE_CACHE_MAX; i++)
        if (srv->pages[i].hash[0] && strcmp(srv->pages[i].hash, hash) == 0)
            return &srv->pages[i];
    return NULL;
}

/* Frees least recently used slots until extra bytes fit; returns a free slot. */
static page_slot *slot_make_room(pg_server *srv, size_t extra)
{
    for (;;) {
        page_slot *lru = NULL, *free_slot = NULL;
        for (size_t i = 0; i < PAGE_CACHE_MAX; i++) {
            page_slot *s = &srv->pages[i];
            if (!s->hash[0])
                free_slot = free_slot ? free_slot : s;
            else if (!lru || s->used < lru->used)
                lru = s;
        }
        if (free_slot && srv->page_bytes + extra <= PAGE_CACHE_BYTES)
            return free_slot;
        if (!lru)
            return free_slot;
        slot_clear(srv, lru);
    }
}

/* Frees least recently used slots other than keep while the cache holds more
 * than its bytes (a page's PNG is added once it is made). */
static void evict_over(pg_server *srv, const page_slot *keep)
{
    while (srv->page_bytes > PAGE_CACHE_BYTES) {
        page_slot *lru = NULL;
        for (size_t i = 0; i < PAGE_CACHE_MAX; i++) {
            page_slot *s = &srv->pages[i];
            if (s->hash[0] && s != keep && (!lru || s->used < lru->used))
                lru = s;
        }
        if (!lru)
            return;
        slot_clear(srv, lru);
    }
}

/* Keeps a copy of page p under its hash, unless kept already (engine lock
 * held). */
static void keep_page(pg_server *srv, const pg_page *p, const char *hash)
{
    page_slot *s = slot_find(srv, hash);
    if (s) {
        s->used = ++srv->clock;
        return;
    }
    size_t cost = page_cost(p);
    s = slot_make_room(srv, cost);
    g_strlcpy(s->hash, hash, sizeof s->hash);
    s->page = page_copy(p);
    s->cost = cost;
    s->used = ++srv->clock;
    srv->page_bytes += cost;
}

/* ---- /api/preview -------------------------------------------------------------- */

enum MHD_Result api_preview(request *rq)
{
    pg_server *srv = rq->srv;
    const char *rel;
    char *full;
    enum MHD_Result denied;
    if (!readable_plan(rq, 1, &rel, &full, &denied))
        return denied;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    pthread_mutex_lock(&srv->engine_lock);
    pg_result r;
    int refused = !chain_readable(rq, full, rq->body, rq->body_len);
    if (!refused)
        pg_run(srv->engine, full, rq->body, rq->body_len, PG_STAGE_LAYOUT, &r);
    else
        memset(&r, 0, sizeof r);
    if (refused || (r.pages && r.pages->n > PREVIEW_PAGES_MAX)) {
        pg_result_free(&r);
        pthread_mutex_unlock(&srv->engine_lock);
        g_free(full);
        json_node_unref(finish(b));
        return refused ? forbidden_reads(rq)
                       : reply_error(rq, 422, "too-many-pages",
                                     "Bản xem trước chỉ hiện kế hoạch đến 200 trang; hãy chia "
                                     "kế hoạch hoặc in bằng plangen render.");
    }
    json_builder_set_member_name(b, "pages");
    json_builder_begin_array(b);
    for (size_t i = 0; r.pages && i < r.pages->n; i++) {
        const pg_page *p = &r.pages->pages[i];
        char hash[PG_HASH_HEX];
        pg_page_hash(p, hash);
        keep_page(srv, p, hash);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "n");
        json_builder_add_int_value(b, (gint64)i + 1);
        json_builder_set_member_name(b, "hash");
        json_builder_add_string_value(b, hash);
        json_builder_set_member_name(b, "width");
        json_builder_add_double_value(b, p->w);
        json_builder_set_member_name(b, "height");
        json_builder_add_double_value(b, p->h);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    add_findings(b, srv, &r.diags);
    json_builder_set_member_name(b, "ok");
    json_builder_add_boolean_value(b, r.ok && pg_diag_worst(&r.diags) < PG_LEVEL_ERROR);
    pg_result_free(&r);
    pthread_mutex_unlock(&srv->engine_lock);
    g_free(full);
    return reply_json(rq, 200, finish(b));
}

/* ---- /api/page/HASH.png -------------------------------------------------------- */

enum MHD_Result api_page(request *rq)
{
    pg_server *srv = rq->srv;
    const char *name = rq->url + strlen("/api/page/");
    int ok = strlen(name) == 64 + 4 && strcmp(name + 64, ".png") == 0;
    for (size_t i = 0; ok && i < 64; i++)
        ok = g_ascii_isxdigit(name[i]) && !g_ascii_isupper(name[i]);
    if (!ok)
        return reply_error(rq, 404, "not-found", "Không có trang này.");
    double dpi = 96;
    const char *d = query_arg(rq, "dpi", NULL);
    if (d) {
        char *end = NULL;
        dpi = strtod(d, &end);
        if (end == d || *end || !(dpi >= 40 && dpi <= 200))
            return reply_error(rq, 400, "dpi", "dpi phải là một số từ 40 đến 200.");
    }
    char hash[PG_HASH_HEX];
    g_strlcpy(hash, name, sizeof hash);
    unsigned char *png = NULL;
    size_t len = 0;
    pthread_mutex_lock(&srv->engine_lock);
    page_slot *s = slot_find(srv, hash);
    if (s) {
        s->used = ++srv->clock;
        if (!s->png || s->png_dpi != dpi) {
            free(s->png);
            srv->page_bytes -= s->png_len;
            s->cost -= s->png_len;
            s->png = NULL;
            s->png_len = 0;
            if (pg_page_png(s->page, dpi, &s->png, &s->png_len)) {
                s->png_dpi = dpi;
                s->cost += s->png_len;
                srv->page_bytes += s->png_len;
                evict_over(srv, s);
            }
        }
        if (s->png) {
            png = pg_xmalloc(s->png_len);
            memcpy(png, s->png, s->png_len);
            len = s->png_len;
        }
    }
    pthread_mutex_unlock(&srv->engine_lock);
    if (!png)
        return reply_error(rq, 404, "gone", "Trang này không còn được giữ; xin xem trước lại.");
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, png, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "image/png");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            "private, max-age=3600, immutable");
    return reply(rq, 200, resp, 1);
}

/* ---- /api/pdf, /api/docx ---------------------------------------------------------- */

/* The DOCX of r as bytes: pg_result_write_docx writes a file, so it goes to a
 * private temporary folder that is removed before returning. *out is malloc'd.
 * Returns 1, else 0 with a diagnostic in d. */
static int docx_memory(const pg_result *r, unsigned char **out, size_t *len, pg_diag_list *d)
{
    *out = NULL;
    *len = 0;
    GError *err = NULL;
    char *dir = g_dir_make_tmp("plangen-docx-XXXXXX", &err);
    if (!dir) {
        pg_diag_add(d, PG_E_OUTPUT, "docx", 0, 0, "cannot make a temporary folder: %s",
                    err->message);
        g_error_free(err);
        return 0;
    }
    char *target = g_build_filename(dir, "plan.docx", NULL);
    char *bytes = NULL, why[PG_WHY_MAX];
    int ok = pg_result_write_docx(r, target, d);
    if (ok && pg_read_regular_file(target, PLAN_MAX * 8, &bytes, len, why) != PG_INPUT_OK) {
        pg_diag_add(d, PG_E_OUTPUT, target, 0, 0, "cannot read the DOCX written: %s", why);
        ok = 0;
    }
    g_unlink(target);
    g_rmdir(dir);
    g_free(target);
    g_free(dir);
    *out = (unsigned char *)bytes;
    return ok;
}

/* GET ?path=P: the plan on disk rendered as a download, PDF or DOCX, named
 * after the plan's file; 422 with the findings that stop a render. */
static enum MHD_Result download(request *rq, int docx)
{
    pg_server *srv = rq->srv;
    const char *rel;
    char *full;
    enum MHD_Result denied;
    if (!readable_plan(rq, 0, &rel, &full, &denied))
        return denied;
    unsigned char *bytes = NULL;
    size_t len = 0;
    enum MHD_Result r;
    pthread_mutex_lock(&srv->engine_lock);
    pg_result res;
    /* as `plangen render` does for either format: laid out, so that what
     * stops the PDF stops the DOCX too */
    pg_run(srv->engine, full, NULL, 0, docx ? PG_STAGE_LAYOUT : PG_STAGE_PDF, &res);
    int failed = pg_result_failed(&res, 0) || !res.ok;
    int refused = !chain_readable(rq, full, NULL, 0);
    pg_diag_list wd = {0};
    int written = 0;
    if (!failed && !refused) {
        written = docx ? docx_memory(&res, &bytes, &len, &wd)
                       : pg_result_pdf_memory(srv->engine, &res, &bytes, &len);
        const char *why = docx || written ? NULL : pg_result_pdf_error(&res);
        if (why) /* the clerk is told why, and the administrator can mend it */
            pg_diag_add(&wd, PG_E_OUTPUT, full, 0, 0, "%s", why);
    }
    if (refused) {
        r = forbidden_reads(rq);
    } else if (failed) {
        r = reply_findings(rq, 422, "findings",
                           docx ? "Kế hoạch còn lỗi; chưa tạo được tệp Word."
                                : "Kế hoạch còn lỗi; chưa in được PDF.",
                           &res.diags);
    } else if (!written) {
        r = reply_findings(rq, 500, "write",
                           docx ? "Không tạo được tệp Word." : "Không tạo được PDF.", &wd);
    } else {
        char *base = g_path_get_basename(rel);
        base[strlen(base) - 4] = '\0';
        char *cd = g_strdup_printf("attachment; filename=\"%s.%s\"", base, docx ? "docx" : "pdf");
        for (char *c = cd + strlen("attachment; filename=\""); c[1]; c++)
            if (*c == '"' || (unsigned char)*c < 0x20)
                *c = '_';
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(len, bytes, MHD_RESPMEM_MUST_FREE);
        bytes = NULL;
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                docx ? "application/vnd.openxmlformats-officedocument."
                                       "wordprocessingml.document"
                                     : "application/pdf");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd);
        g_free(cd);
        g_free(base);
        r = reply(rq, 200, resp, 1);
    }
    pg_diag_list_free(&wd);
    pg_result_free(&res);
    pthread_mutex_unlock(&srv->engine_lock);
    free(bytes);
    g_free(full);
    return r;
}

enum MHD_Result api_pdf(request *rq)
{
    return download(rq, 0);
}

enum MHD_Result api_docx(request *rq)
{
    return download(rq, 1);
}

/* ---- /api/style ---------------------------------------------------------------- */

/* The authority forms as a plan's <signature authority=...> writes them. */
static const char *const authority_values[PG_AUTH__COUNT] = {
    [PG_AUTH_NONE] = NULL,
    [PG_AUTH_ON_BEHALF] = "on-behalf",
    [PG_AUTH_DEPUTY] = "deputy",
    [PG_AUTH_BY_ORDER] = "by-order",
    [PG_AUTH_BY_AUTHORISATION] = "by-authorisation",
    [PG_AUTH_ACTING] = "acting",
};

enum MHD_Result api_style(request *rq)
{
    pg_server *srv = rq->srv;
    const char *rel;
    char *full;
    enum MHD_Result denied;
    if (!readable_plan(rq, 0, &rel, &full, &denied))
        return denied;
    enum MHD_Result r;
    pthread_mutex_lock(&srv->engine_lock);
    pg_result res;
    pg_run(srv->engine, full, NULL, 0, PG_STAGE_NUMBER, &res);
    const pg_style *s = res.style;
    if (!chain_readable(rq, full, NULL, 0)) {
        r = forbidden_reads(rq);
    } else if (!s) {
        r = reply_findings(rq, 422, "findings", "Không xác định được kiểu trình bày của kế hoạch.",
                           &res.diags);
    } else {
        JsonBuilder *b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, s->name);
        json_builder_set_member_name(b, "family");
        json_builder_add_string_value(b, s->rules && strcmp(s->rules, "nd30") == 0 ? "state"
                                                                                   : "party");
        json_builder_set_member_name(b, "authorities");
        json_builder_begin_array(b);
        for (int k = 1; k < PG_AUTH__COUNT; k++) {
            if (!s->authority[k] || !authority_values[k])
                continue;
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "value");
            json_builder_add_string_value(b, authority_values[k]);
            json_builder_set_member_name(b, "label");
            json_builder_add_string_value(b, s->authority[k]);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        /* A style does not list recipients' purposes: these are the usual ones,
         * as <recipient purpose="..."> writes them (the style's purpose format
         * puts the brackets around). */
        static const char *const purposes[] = {"để báo cáo", "để chỉ đạo", "để thực hiện",
                                               "để phối hợp", "để biết"};
        json_builder_set_member_name(b, "purposes");
        json_builder_begin_array(b);
        for (size_t i = 0; i < G_N_ELEMENTS(purposes); i++)
            json_builder_add_string_value(b, purposes[i]);
        json_builder_end_array(b);
        /* the document types plangen lays out: the plan's own */
        json_builder_set_member_name(b, "types");
        json_builder_begin_array(b);
        json_builder_add_string_value(b,
                                      res.doc && res.doc->doctype ? res.doc->doctype : "KẾ HOẠCH");
        json_builder_end_array(b);
        r = reply_json(rq, 200, finish(b));
    }
    pg_result_free(&res);
    pthread_mutex_unlock(&srv->engine_lock);
    g_free(full);
    return r;
}

/* ---- /api/plans ---------------------------------------------------------------- */

static void summary_free(plan_summary *p)
{
    g_free(p->path);
    g_free(p->title);
    g_free(p->symbol);
    g_free(p->date);
    g_free(p->derives_from);
    memset(p, 0, sizeof *p);
}

/* The summary of a plan (engine lock held): kept while the file's bytes and
 * time stay the same. */
static const plan_summary *summarise(pg_server *srv, const char *rel, const char *full,
                                     long long mtime_ns)
{
    char *data = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    if (pg_read_regular_file(full, PLAN_MAX, &data, &len, why) != PG_INPUT_OK)
        return NULL;
    char hash[PG_HASH_HEX];
    pg_sha256_hex(data, len, hash);
    plan_summary *slot = NULL;
    for (size_t i = 0; i < srv->n_plans; i++)
        if (strcmp(srv->plans[i].path, rel) == 0) {
            slot = &srv->plans[i];
            break;
        }
    if (slot && strcmp(slot->hash, hash) == 0 && slot->mtime_ns == mtime_ns) {
        free(data);
        return slot;
    }
    if (!slot) {
        if (srv->n_plans == PLAN_CACHE_MAX) {
            /* full: forget them all (they are remade on the next listing) */
            for (size_t i = 0; i < srv->n_plans; i++)
                summary_free(&srv->plans[i]);
            srv->n_plans = 0;
        }
        if (!srv->plans)
            srv->plans = pg_xcalloc(PLAN_CACHE_MAX, sizeof *srv->plans);
        slot = &srv->plans[srv->n_plans++];
    } else {
        summary_free(slot);
    }
    pg_result r;
    pg_run(srv->engine, full, data, len, PG_STAGE_LINT, &r);
    srv->lint_runs++;
    free(data);
    slot->path = g_strdup(rel);
    g_strlcpy(slot->hash, hash, sizeof slot->hash);
    slot->mtime_ns = mtime_ns;
    slot->errors = count_level(&r.diags, PG_LEVEL_ERROR);
    slot->warnings = count_level(&r.diags, PG_LEVEL_WARNING);
    slot->number = -1;
    if (r.doc) {
        if (r.doc->summary) {
            char *t = pg_inline_text(r.doc->summary);
            slot->title = g_strdup(t);
            free(t);
        }
        slot->symbol = g_strdup(r.doc->symbol);
        slot->number = r.doc->number;
        if (r.doc->year)
            slot->date = r.doc->day ? g_strdup_printf("%04d-%02d-%02d", r.doc->year, r.doc->month,
                                                      r.doc->day)
                                    : g_strdup_printf("%04d-%02d", r.doc->year, r.doc->month);
        if (r.doc->derives_from) {
            /* as a path from the root, when it lies inside */
            char *dir = g_path_get_dirname(full);
            char *joined = g_build_filename(dir, r.doc->derives_from, NULL);
            char *real = realpath(joined, NULL);
            /* only when it lies inside: else it would tell what exists outside */
            const char *in = real ? relative_to_root(srv, real) : NULL;
            slot->derives_from = in && in != real ? g_strdup(in) : NULL;
            free(real);
            g_free(joined);
            g_free(dir);
        }
    }
    pg_result_free(&r);
    return slot;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .xml under the root (dot entries skipped, links followed only when
 * they stay inside), as paths relative to it. */
static void walk(const pg_server *srv, const char *rel, int depth, GPtrArray *out)
{
    if (depth > WALK_DEPTH_MAX || out->len >= WALK_FILES_MAX)
        return;
    char *dir = *rel ? g_build_filename(srv->root, rel, NULL) : g_strdup(srv->root);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d)) && out->len < WALK_FILES_MAX) {
        if (n[0] == '.' || strchr(n, '\\'))
            continue;
        char *child = *rel ? g_strconcat(rel, "/", n, NULL) : g_strdup(n);
        char *full = g_build_filename(dir, n, NULL);
        struct stat ls, st;
        int ok = lstat(full, &ls) == 0 && stat(full, &st) == 0;
        if (ok && S_ISLNK(ls.st_mode) && !srv->open) {
            ok = 0; /* rights go by folder: a link could show another's (resolve_plan) */
        } else if (ok && S_ISLNK(ls.st_mode)) {
            char *real = realpath(full, NULL);
            ok = real && strncmp(real, srv->root, strlen(srv->root)) == 0 &&
                 real[strlen(srv->root)] == '/';
            free(real);
            ok = ok && S_ISREG(st.st_mode); /* a linked folder could loop */
        }
        if (ok && S_ISDIR(st.st_mode))
            walk(srv, child, depth + 1, out);
        else if (ok && S_ISREG(st.st_mode) && g_str_has_suffix(n, ".xml"))
            g_ptr_array_add(out, g_strdup(child));
        g_free(full);
        g_free(child);
    }
    if (d)
        g_dir_close(d);
    g_free(dir);
}

static void add_string_or_null(JsonBuilder *b, const char *name, const char *v)
{
    json_builder_set_member_name(b, name);
    if (v)
        json_builder_add_string_value(b, v);
    else
        json_builder_add_null_value(b);
}

enum MHD_Result api_plans(request *rq)
{
    pg_server *srv = rq->srv;
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    walk(srv, "", 0, paths);
    qsort(paths->pdata, paths->len, sizeof(char *), by_string);
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "root");
    json_builder_add_string_value(b, srv->root_name);
    json_builder_set_member_name(b, "plans");
    json_builder_begin_array(b);
    for (guint i = 0; i < paths->len; i++) {
        const char *rel = paths->pdata[i];
        char *folder = plan_folder(rel);
        if (!pg_auth_may_read(srv->auth, &rq->session, folder)) {
            g_free(folder);
            continue;
        }
        char *full = g_build_filename(srv->root, rel, NULL);
        struct stat st;
        long long mtime = stat(full, &st) == 0
                              ? (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec
                              : 0;
        pthread_mutex_lock(&srv->engine_lock);
        const plan_summary *p = summarise(srv, rel, full, mtime);
        if (p && !chain_readable(rq, full, NULL, 0)) {
            /* its parents are not the session's to see: the file, nothing of them */
            json_builder_begin_object(b);
            add_string_or_null(b, "path", rel);
            add_string_or_null(b, "folder", folder);
            json_builder_set_member_name(b, "forbidden_parent");
            json_builder_add_boolean_value(b, TRUE);
            json_builder_set_member_name(b, "writable");
            json_builder_add_boolean_value(b, pg_auth_may_write(srv->auth, &rq->session, folder));
            json_builder_end_object(b);
        } else if (p) {
            json_builder_begin_object(b);
            add_string_or_null(b, "path", rel);
            add_string_or_null(b, "folder", folder);
            add_string_or_null(b, "title", p->title);
            add_string_or_null(b, "symbol", p->symbol);
            json_builder_set_member_name(b, "number");
            if (p->number >= 0)
                json_builder_add_int_value(b, p->number);
            else
                json_builder_add_null_value(b);
            add_string_or_null(b, "date", p->date);
            json_builder_set_member_name(b, "errors");
            json_builder_add_int_value(b, p->errors);
            json_builder_set_member_name(b, "warnings");
            json_builder_add_int_value(b, p->warnings);
            json_builder_set_member_name(b, "writable");
            json_builder_add_boolean_value(b, pg_auth_may_write(srv->auth, &rq->session, folder));
            add_string_or_null(b, "derives_from", p->derives_from);
            json_builder_end_object(b);
        }
        pthread_mutex_unlock(&srv->engine_lock);
        g_free(full);
        g_free(folder);
    }
    json_builder_end_array(b);
    g_ptr_array_unref(paths);
    return reply_json(rq, 200, finish(b));
}

void api_caches_free(pg_server *srv)
{
    for (size_t i = 0; i < PAGE_CACHE_MAX; i++)
        if (srv->pages[i].hash[0])
            slot_clear(srv, &srv->pages[i]);
    for (size_t i = 0; i < srv->n_plans; i++)
        summary_free(&srv->plans[i]);
    free(srv->plans);
    srv->plans = NULL;
    srv->n_plans = 0;
}
