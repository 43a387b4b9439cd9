/* serve.c - the HTTP layer of `plangen serve` (docs/serve.md): the
 * libmicrohttpd daemon, its limits, routing, sessions and CSRF, static files,
 * plan paths, and the command's entry. The API's handlers are in serve_api.c. */
#define _DEFAULT_SOURCE /* realpath, strdup, inet_ntop */
#include "serve_internal.h"

#include "datadir.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <libxml/parser.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#ifndef PG_VERSION
#define PG_VERSION "0.0.0"
#endif

static const char csp[] = "default-src 'self'; img-src 'self' blob: data:; object-src 'self'; "
                          "frame-ancestors 'none'";

/* ---- replies ------------------------------------------------------------------- */

static void set_cookie(request *rq, struct MHD_Response *resp)
{
    if (!rq->new_session)
        return;
    /* behind the TLS proxy (--proxy) the browser sees https: Secure */
    char *c = g_strdup_printf("plangen_session=%s; HttpOnly; SameSite=Strict; Path=/%s",
                              rq->session.id, rq->srv->proxy ? "; Secure" : "");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, c);
    g_free(c);
}

enum MHD_Result reply(request *rq, unsigned status, struct MHD_Response *resp, int api)
{
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    if (api && !MHD_get_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    set_cookie(rq, resp);
    enum MHD_Result r = MHD_queue_response(rq->conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

enum MHD_Result reply_bytes(request *rq, unsigned status, const char *type, const void *data,
                            size_t len, int api)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    return reply(rq, status, resp, api);
}

enum MHD_Result reply_json_with(request *rq, unsigned status, JsonNode *node, const char *name,
                                const char *value)
{
    JsonGenerator *g = json_generator_new();
    json_generator_set_root(g, node);
    gsize len = 0;
    char *text = json_generator_to_data(g, &len);
    g_object_unref(g);
    json_node_unref(node);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_COPY);
    g_free(text);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    if (name)
        MHD_add_response_header(resp, name, value);
    return reply(rq, status, resp, 1);
}

enum MHD_Result reply_json(request *rq, unsigned status, JsonNode *node)
{
    return reply_json_with(rq, status, node, NULL, NULL);
}

/* {"error": message, "code": code} */
static JsonNode *error_node(const char *code, const char *message)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_add_string_value(b, message);
    json_builder_set_member_name(b, "code");
    json_builder_add_string_value(b, code);
    json_builder_end_object(b);
    JsonNode *n = json_builder_get_root(b);
    g_object_unref(b);
    return n;
}

enum MHD_Result reply_error(request *rq, unsigned status, const char *code, const char *message)
{
    return reply_json(rq, status, error_node(code, message));
}

const char *query_arg(request *rq, const char *key, int *has_nul)
{
    const char *v = NULL;
    size_t len = 0;
    if (MHD_lookup_connection_value_n(rq->conn, MHD_GET_ARGUMENT_KIND, key, strlen(key), &v,
                                      &len) != MHD_YES)
        return NULL;
    if (has_nul)
        *has_nul = v && memchr(v, '\0', len) != NULL;
    return v;
}

const char *header(request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

/* ---- paths --------------------------------------------------------------------- */

/* Each component of a '/'-separated relative path: not empty, not starting
 * with '.', no backslash; the whole not absolute. 1 when fine. */
static int components_ok(const char *rel)
{
    if (!*rel || rel[0] == '/' || strchr(rel, '\\'))
        return 0;
    for (const char *c = rel; *c;) {
        const char *end = strchr(c, '/');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (n == 0 || c[0] == '.')
            return 0;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
                return 0;
        c += n;
        if (*c == '/')
            c++;
        if (end && !*c)
            return 0; /* a trailing slash */
    }
    return 1;
}

unsigned path_syntax(const char *rel, int has_nul)
{
    if (!rel || has_nul || !components_ok(rel) || strlen(rel) > 1024)
        return 400;
    size_t n = strlen(rel);
    if (n < 5 || strcmp(rel + n - 4, ".xml") != 0)
        return 400;
    return 0;
}

unsigned folder_syntax(const char *folder)
{
    if (!folder)
        return 400;
    if (!*folder || strcmp(folder, ".") == 0)
        return 0;
    return components_ok(folder) && strlen(folder) <= 1024 ? 0 : 400;
}

static int inside(const char *root, const char *real)
{
    size_t n = strlen(root);
    return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

char *resolve_plan(pg_server *srv, const char *rel, int may_be_new, unsigned *status)
{
    char *full = g_build_filename(srv->root, rel, NULL);
    /* the folder first: one that leads outside is refused whether the file
     * exists or not */
    char *dir = g_path_get_dirname(full);
    char *real_dir = realpath(dir, NULL);
    *status = 0;
    if (!real_dir)
        *status = 404;
    else if (!inside(srv->root, real_dir))
        *status = 403;
    /* With accounts, rights are given by folder: a link (of the folder or of
     * the file) that leads into another folder of the root would let a right
     * on one folder reach another, so it is refused. */
    else if (!srv->open && strcmp(real_dir, dir) != 0)
        *status = 403;
    if (!*status) {
        char *real = realpath(full, NULL);
        struct stat st;
        if (real) {
            *status = inside(srv->root, real) ? 0 : 403;
            if (!*status && !srv->open) {
                char *real_parent = g_path_get_dirname(real);
                if (strcmp(real_parent, real_dir) != 0)
                    *status = 403;
                g_free(real_parent);
            }
        } else if (lstat(full, &st) == 0) {
            *status = 403; /* a link that leads nowhere */
        } else if (!may_be_new) {
            *status = 404;
        }
        free(real);
    }
    free(real_dir);
    g_free(dir);
    if (*status) {
        g_free(full);
        return NULL;
    }
    return full;
}

/* The folder (relative to the root) of an absolute path inside it, following
 * links; NULL when it lies outside or cannot be resolved. g_malloc'd. */
static char *folder_of(const pg_server *srv, const char *path)
{
    char *real = realpath(path, NULL);
    char *folder = NULL;
    if (real && inside(srv->root, real)) {
        const char *rel = real + strlen(srv->root);
        rel += *rel == '/';
        folder = plan_folder(rel);
    }
    free(real);
    return folder;
}

/* Collects the images a parsed plan shows (its own, not inherited ones). */
static void images_of(const pg_node *n, GPtrArray *out)
{
    for (const pg_node *c = n ? n->first : NULL; c; c = c->next) {
        if (c->type == PG_NODE_IMAGE && c->u.image.path && !c->file)
            g_ptr_array_add(out, g_strdup(c->u.image.path));
        images_of(c, out); /* bounded by the parser's nesting limit */
    }
}

int chain_readable(request *rq, const char *full, const char *text, size_t len)
{
    pg_server *srv = rq->srv;
    if (srv->open)
        return 1;
    /* the plans of the chain whose text the session controls, to look into */
    GPtrArray *todo = g_ptr_array_new_with_free_func(g_free);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    /* a file the session may not write is its writer's, and so is the same
     * text sent for a preview (a page opened to read); any other text sent is
     * the session's own */
    char *start = folder_of(srv, full);
    if (start && !pg_auth_may_write(srv->auth, &rq->session, start)) {
        int theirs = !text;
        if (text) {
            char *disk = NULL, why[PG_WHY_MAX];
            size_t disk_len = 0;
            theirs = pg_read_regular_file(full, PLAN_MAX, &disk, &disk_len, why) == PG_INPUT_OK &&
                     disk_len == len && memcmp(disk, text, len) == 0;
            free(disk);
        }
        g_free(start);
        g_ptr_array_unref(todo);
        g_hash_table_destroy(seen);
        return theirs;
    }
    g_free(start);
    g_ptr_array_add(todo, g_strdup(full));
    int ok = 1, first = 1;
    while (ok && todo->len && g_hash_table_size(seen) < 64) {
        char *path = g_ptr_array_steal_index(todo, todo->len - 1);
        if (!g_hash_table_add(seen, path))
            continue;
        pg_result r;
        pg_run(srv->engine, path, first ? text : NULL, first ? len : 0, PG_STAGE_PARSE, &r);
        first = 0;
        GPtrArray *refs = g_ptr_array_new_with_free_func(g_free);
        GPtrArray *plans = g_ptr_array_new(); /* those of refs that are plans */
        char *dir = g_path_get_dirname(path);
        if (r.doc) {
            if (r.doc->derives_from) {
                g_ptr_array_add(refs, g_build_filename(dir, r.doc->derives_from, NULL));
                g_ptr_array_add(plans, refs->pdata[refs->len - 1]);
            }
            for (size_t i = 0; i < r.doc->n_uses; i++) {
                g_ptr_array_add(refs, g_build_filename(dir, r.doc->uses[i], NULL));
                g_ptr_array_add(plans, refs->pdata[refs->len - 1]);
            }
            images_of(r.doc->body, refs);
            images_of(r.doc->appendices, refs);
        }
        for (guint i = 0; ok && i < refs->len; i++) {
            const char *ref = refs->pdata[i];
            char *folder = folder_of(srv, ref);
            /* outside the root or missing: the pipeline refuses it itself */
            if (folder && !pg_auth_may_read(srv->auth, &rq->session, folder))
                ok = 0;
            /* a plan the session may write could name anything: looked into
             * too; one it may not write names what its writer chose */
            int is_plan = 0;
            for (guint k = 0; k < plans->len; k++)
                is_plan |= plans->pdata[k] == ref;
            if (ok && folder && is_plan && pg_auth_may_write(srv->auth, &rq->session, folder)) {
                char *real = realpath(ref, NULL);
                if (real)
                    g_ptr_array_add(todo, g_strdup(real));
                free(real);
            }
            g_free(folder);
        }
        g_free(dir);
        g_ptr_array_unref(plans);
        g_ptr_array_unref(refs);
        pg_result_free(&r);
    }
    g_ptr_array_unref(todo);
    g_hash_table_destroy(seen);
    return ok;
}

char *plan_folder(const char *rel)
{
    const char *slash = strrchr(rel, '/');
    return slash ? g_strndup(rel, (gsize)(slash - rel)) : g_strdup(".");
}

/* ---- static files -------------------------------------------------------------- */

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".xml", "application/xml"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < G_N_ELEMENTS(types); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static enum MHD_Result serve_static(request *rq, const char *name)
{
    int ok = *name && name[0] != '.';
    for (const char *c = name; *c && ok; c++)
        ok = g_ascii_isalnum(*c) || *c == '-' || *c == '_' || *c == '.';
    if (!ok)
        return reply_error(rq, 404, "not-found", "Không có trang này.");
    char *path = g_build_filename(rq->srv->web_dir, name, NULL);
    char *data = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    pg_input_status st = pg_read_regular_file(path, BODY_MAX, &data, &len, why);
    g_free(path);
    if (st != PG_INPUT_OK)
        return reply_error(rq, 404, "not-found", "Không có trang này.");
    enum MHD_Result r = reply_bytes(rq, 200, content_type(name), data, len, 0);
    free(data);
    return r;
}

/* ---- session routes ------------------------------------------------------------ */

static JsonNode *session_json(request *rq)
{
    pg_server *srv = rq->srv;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "user");
    if (rq->has_session && rq->session.user[0])
        json_builder_add_string_value(b, rq->session.user);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "csrf");
    json_builder_add_string_value(b, rq->has_session ? rq->session.csrf : "");
    json_builder_set_member_name(b, "login_required");
    json_builder_add_boolean_value(b, !srv->open);
    const char *const *w = NULL;
    size_t n = rq->has_session ? pg_auth_write_folders(srv->auth, &rq->session, &w) : 0;
    /* read: every folder written and every folder above it */
    json_builder_set_member_name(b, "read");
    json_builder_begin_array(b);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < n; i++) {
        char *f = g_strdup(w[i]);
        for (;;) {
            if (!g_hash_table_contains(seen, f)) {
                json_builder_add_string_value(b, f);
                g_hash_table_add(seen, g_strdup(f));
            }
            char *slash = strrchr(f, '/');
            if (!slash) {
                if (strcmp(f, ".") != 0 && !g_hash_table_contains(seen, ".")) {
                    json_builder_add_string_value(b, ".");
                    g_hash_table_add(seen, g_strdup("."));
                }
                break;
            }
            *slash = '\0';
        }
        g_free(f);
    }
    g_hash_table_destroy(seen);
    json_builder_end_array(b);
    json_builder_set_member_name(b, "write");
    json_builder_begin_array(b);
    for (size_t i = 0; i < n; i++)
        json_builder_add_string_value(b, w[i]);
    json_builder_end_array(b);
    json_builder_end_object(b);
    JsonNode *node = json_builder_get_root(b);
    g_object_unref(b);
    return node;
}

static enum MHD_Result api_session(request *rq)
{
    if (!rq->has_session && rq->srv->open) {
        pg_auth_session_new(rq->srv->auth, "", time(NULL), &rq->session);
        rq->has_session = 1;
        rq->new_session = 1;
    }
    return reply_json(rq, 200, session_json(rq));
}

int json_parse_body(JsonParser *p, const request *rq)
{
    int depth = 0, in_string = 0;
    for (size_t i = 0; i < rq->body_len; i++) {
        char c = rq->body[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > JSON_DEPTH_MAX)
                return -1;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return json_parser_load_from_data(p, rq->body, (gssize)rq->body_len, NULL);
}

static enum MHD_Result api_login(request *rq)
{
    /* a form of another site can post text/plain, never application/json
     * without asking first (CORS): no login made from another site */
    const char *type = header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!type || g_ascii_strncasecmp(type, "application/json", 16) != 0)
        return reply_error(rq, 415, "content-type",
                           "Đăng nhập gửi dữ liệu dạng JSON (Content-Type: application/json).");
    JsonParser *p = json_parser_new();
    const char *user = NULL, *password = NULL;
    int parsed = json_parse_body(p, rq);
    if (parsed < 0) {
        g_object_unref(p);
        return reply_error(rq, 400, "too-deep", "Dữ liệu JSON lồng quá sâu (tối đa 32 mức).");
    }
    if (parsed) {
        JsonNode *root = json_parser_get_root(p);
        JsonObject *o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
        JsonNode *u = o ? json_object_get_member(o, "user") : NULL;
        JsonNode *pw = o ? json_object_get_member(o, "password") : NULL;
        if (u && pw && JSON_NODE_HOLDS_VALUE(u) && JSON_NODE_HOLDS_VALUE(pw) &&
            json_node_get_value_type(u) == G_TYPE_STRING &&
            json_node_get_value_type(pw) == G_TYPE_STRING) {
            user = json_node_get_string(u);
            password = json_node_get_string(pw);
        }
    }
    enum MHD_Result r;
    if (!user || !password) {
        r = reply_error(rq, 400, "bad-request", "Cần tên tài khoản và mật khẩu.");
    } else {
        switch (pg_auth_login(rq->srv->auth, user, password, rq->addr, time(NULL))) {
        case PG_LOGIN_OK:
            pg_auth_session_new(rq->srv->auth, user, time(NULL), &rq->session);
            rq->has_session = 1;
            rq->new_session = 1;
            r = reply_json(rq, 200, session_json(rq));
            break;
        case PG_LOGIN_THROTTLED:
            r = reply_error(rq, 429, "rate",
                            "Đăng nhập sai quá nhiều lần; xin thử lại sau ít phút.");
            break;
        default:
            r = reply_error(rq, 401, "login", "Tên tài khoản hoặc mật khẩu không đúng.");
            break;
        }
    }
    g_object_unref(p);
    return r;
}

static enum MHD_Result api_logout(request *rq)
{
    if (rq->has_session)
        pg_auth_session_end(rq->srv->auth, rq->session.id);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(2, (void *)"{}", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
                            "plangen_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    return reply(rq, 200, resp, 1);
}

static enum MHD_Result page_index(request *rq)
{
    return serve_static(rq, "index.html");
}

static enum MHD_Result page_edit(request *rq)
{
    return serve_static(rq, "edit.html");
}

static enum MHD_Result page_static(request *rq)
{
    return serve_static(rq, rq->url + strlen("/static/"));
}

/* ---- routing ------------------------------------------------------------------- */

typedef enum MHD_Result (*handler)(request *rq);

typedef struct {
    const char *path;  /* exact, or a prefix when it ends with '/' */
    const char *allow; /* "GET, HEAD" */
    handler fn;
    int api;         /* needs a session (or an open server) */
    size_t body_max; /* bytes its body may have */
} route;

static const route routes[] = {
    {"/", "GET, HEAD", page_index, 0, 0},
    {"/edit", "GET, HEAD", page_edit, 0, 0},
    {"/static/", "GET, HEAD", page_static, 0, 0},
    {"/api/session", "GET, HEAD", api_session, 0, 0},
    {"/api/login", "POST", api_login, 0, 4096},
    {"/api/logout", "POST", api_logout, 1, 4096},
    {"/api/plans", "GET, HEAD", api_plans, 1, 0},
    {"/api/plan", "GET, HEAD, PUT", api_plan, 1, PLAN_MAX},
    {"/api/preview", "POST", api_preview, 1, PREVIEW_MAX},
    {"/api/page/", "GET, HEAD", api_page, 1, 0},
    {"/api/pdf", "GET, HEAD", api_pdf, 1, 0},
    {"/api/docx", "GET, HEAD", api_docx, 1, 0},
    {"/api/import", "POST", api_import, 1, IMPORT_MAX},
    {"/api/style", "GET, HEAD", api_style, 1, 0},
    {"/api/templates", "GET, HEAD", api_templates, 1, 0},
    {"/api/new", "POST", api_new, 1, JSON_MAX},
    {"/api/derive", "POST", api_derive, 1, JSON_MAX},
};

static const route *find_route(const char *url)
{
    for (size_t i = 0; i < G_N_ELEMENTS(routes); i++) {
        const char *p = routes[i].path;
        size_t n = strlen(p);
        if (n > 1 && p[n - 1] == '/' ? strncmp(url, p, n) == 0 && url[n] != '\0'
                                     : strcmp(url, p) == 0)
            return &routes[i];
    }
    return NULL;
}

static int method_allowed(const route *rt, const char *method)
{
    size_t n = strlen(method);
    for (const char *a = rt->allow; (a = strstr(a, method)); a += n)
        if ((a == rt->allow || a[-1] == ' ') && (a[n] == ',' || a[n] == '\0'))
            return 1;
    return 0;
}

static int state_changing(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "DELETE") == 0 || strcmp(method, "PATCH") == 0;
}

/* What a connection keeps between the calls of its request. */
typedef struct {
    const route *rt;
    request rq;
    GByteArray *body;
    int answered;   /* a reply was queued before the body was read */
    int too_large;  /* the body passed the route's limit: dropped from there on */
    size_t dropped; /* bytes dropped since */
} conn_state;

static void client_addr(struct MHD_Connection *c, char out[64])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    g_strlcpy(out, "-", 64);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, 64);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, 64);
}

/* On loopback, where no login is asked, a page of another site must not reach
 * the server by having its own name resolve to 127.0.0.1 (DNS rebinding): the
 * Host header must name the loopback itself. 1 when it does. */
/* Behind a reverse proxy on this machine (--proxy), every request comes from
 * loopback: the client is the last address the proxy appended to
 * X-Forwarded-For (the ones before it are the client's own claims). addr is
 * replaced only when the peer is loopback and that address parses. */
static void forwarded_addr(struct MHD_Connection *c, char addr[64])
{
    struct in6_addr a6;
    struct in_addr a4;
    int peer_loopback = (inet_pton(AF_INET, addr, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127) ||
                        (inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6));
    const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!peer_loopback || !xff)
        return;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ' || *last == '\t')
        last++;
    char cand[64];
    size_t n = strcspn(last, " \t");
    if (n == 0 || n >= sizeof cand)
        return;
    memcpy(cand, last, n);
    cand[n] = '\0';
    if (inet_pton(AF_INET, cand, &a4) == 1 || inet_pton(AF_INET6, cand, &a6) == 1)
        memcpy(addr, cand, n + 1);
}

static int loopback_host(const char *host)
{
    if (!host)
        return 0;
    size_t n = strlen(host);
    const char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
    if (host[0] == '[' && colon)
        colon++;
    if (colon) {
        for (const char *c = colon + 1; *c; c++)
            if (!g_ascii_isdigit(*c))
                return 0;
        n = (size_t)(colon - host);
    }
    char *name = g_ascii_strdown(host, (gssize)n);
    struct in_addr a4;
    int ok = strcmp(name, "localhost") == 0 || strcmp(name, "[::1]") == 0 ||
             (inet_pton(AF_INET, name, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127);
    g_free(name);
    return ok;
}

/* The checks made once the headers are in, before any body is read: rate,
 * route, method, declared size, session, CSRF. Queues the refusal and returns
 * 1 when the request stops here. */
static void too_large(request *rq, size_t max)
{
    char *msg = g_strdup_printf("Nội dung gửi lên quá lớn (tối đa %zu KiB).", max >> 10);
    reply_error(rq, 413, "too-large", msg);
    g_free(msg);
}

static int refuse_early(conn_state *cs, const char *url, const char *method)
{
    request *rq = &cs->rq;
    pg_server *srv = rq->srv;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (!pg_auth_rate_ok(srv->auth, rq->addr, (double)ts.tv_sec + ts.tv_nsec / 1e9)) {
        reply_error(rq, 429, "rate", "Quá nhiều yêu cầu; xin chờ một chút.");
        return 1;
    }
    if (srv->open && !loopback_host(header(rq, MHD_HTTP_HEADER_HOST))) {
        reply_error(rq, 403, "host", "Máy chủ chỉ trả lời địa chỉ 127.0.0.1 hoặc localhost.");
        return 1;
    }
    cs->rt = find_route(url);
    if (!cs->rt) {
        reply_error(rq, 404, "not-found", "Không có đường dẫn này.");
        return 1;
    }
    if (!method_allowed(cs->rt, method)) {
        reply_json_with(rq, 405, error_node("method", "Phương thức này không dùng được ở đây."),
                        MHD_HTTP_HEADER_ALLOW, cs->rt->allow);
        return 1;
    }
    const char *cl = header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end = NULL;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || end == cl || n > cs->rt->body_max) {
            too_large(rq, cs->rt->body_max);
            return 1;
        }
    }
    /* what the browser says of where a state change comes from: never from
     * another site, whatever the cookie and the token */
    const char *site = header(rq, "Sec-Fetch-Site");
    if (state_changing(method) && site &&
        (strcmp(site, "cross-site") == 0 || strcmp(site, "same-site") == 0)) {
        reply_error(rq, 403, "csrf", "Yêu cầu này đến từ một trang khác; đã bị từ chối.");
        return 1;
    }
    const char *cookie = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "plangen_session");
    rq->has_session = cookie && pg_auth_session(srv->auth, cookie, time(NULL), &rq->session);
    int csrf_needed = state_changing(method) && strcmp(cs->rt->path, "/api/login") != 0;
    if (csrf_needed &&
        !(rq->has_session && pg_auth_csrf_ok(&rq->session, header(rq, "X-CSRF-Token")))) {
        reply_error(rq, 403, "csrf",
                    "Thiếu hoặc sai mã bảo vệ (CSRF); xin tải lại trang rồi thử lại.");
        return 1;
    }
    if (cs->rt->api && !rq->has_session) {
        if (!srv->open) {
            reply_error(rq, 401, "login", "Xin đăng nhập trước.");
            return 1;
        }
        /* open: a read without a session is the anonymous writer's */
        memset(&rq->session, 0, sizeof rq->session);
        rq->has_session = 1;
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    pg_server *srv = cls;
    conn_state *cs = *con_cls;
    if (!cs) {
        cs = g_new0(conn_state, 1);
        *con_cls = cs;
        cs->rq.srv = srv;
        cs->rq.conn = conn;
        cs->rq.method = method;
        cs->rq.url = url;
        client_addr(conn, cs->rq.addr);
        if (srv->proxy)
            forwarded_addr(conn, cs->rq.addr);
        if (refuse_early(cs, url, method)) {
            cs->answered = 1;
            return MHD_YES;
        }
        cs->body = g_byte_array_new();
        return MHD_YES;
    }
    if (*upload_size) {
        if (cs->answered) {
            *upload_size = 0; /* a refusal is on its way: drop what comes */
            return MHD_YES;
        }
        if (cs->too_large || cs->body->len + *upload_size > cs->rt->body_max) {
            /* A body without a declared length (chunked) that grows past the
             * limit. libmicrohttpd 0.9 cannot answer in the middle of a body:
             * what comes is dropped, not kept, and the 413 goes once the body
             * ends; a body that goes on for another 16 MiB is cut off by
             * closing the connection. */
            if (!cs->too_large)
                g_byte_array_set_size(cs->body, 0);
            cs->too_large = 1;
            cs->dropped += *upload_size;
            *upload_size = 0;
            return cs->dropped > BODY_MAX ? MHD_NO : MHD_YES;
        }
        g_byte_array_append(cs->body, (const guint8 *)upload_data, (guint)*upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (cs->answered)
        return MHD_YES;
    if (cs->too_large) {
        cs->answered = 1;
        too_large(&cs->rq, cs->rt->body_max);
        return MHD_YES;
    }
    cs->answered = 1;
    g_byte_array_append(cs->body, (const guint8 *)"", 1); /* a NUL after the bytes */
    cs->rq.body = (const char *)cs->body->data;
    cs->rq.body_len = cs->body->len - 1;
    return cs->rt->fn(&cs->rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    conn_state *cs = *con_cls;
    if (!cs)
        return;
    if (cs->body)
        g_byte_array_unref(cs->body);
    g_free(cs);
    *con_cls = NULL;
}

/* ---- the server ---------------------------------------------------------------- */

/* Reads "ADDR:PORT" ("[V6]:PORT" for IPv6). 1 when fine. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, int *v6,
                        int *loopback)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s)
        return 0;
    char *end = NULL;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || port < 0 || port > 65535)
        return 0;
    char *host = g_strndup(s, (gsize)(colon - s));
    memset(ss, 0, sizeof *ss);
    int ok = 0;
    size_t hn = strlen(host);
    if (hn > 2 && host[0] == '[' && host[hn - 1] == ']') {
        host[hn - 1] = '\0';
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((unsigned short)port);
        ok = inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1;
        *len = sizeof *a;
        *v6 = 1;
        *loopback = ok && IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((unsigned short)port);
        ok = inet_pton(AF_INET, host, &a->sin_addr) == 1;
        *len = sizeof *a;
        *v6 = 0;
        *loopback = ok && (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    g_free(host);
    return ok;
}

static void server_free(pg_server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    api_caches_free(s);
    pg_auth_free(s->auth);
    pg_users_free(&s->users);
    if (s->engine)
        pg_engine_free(s->engine);
    if (s->log && s->log != stderr)
        fclose(s->log);
    pthread_mutex_destroy(&s->engine_lock);
    pthread_mutex_destroy(&s->save_lock);
    free(s->root);
    g_free(s->root_name);
    g_free(s->data_dir);
    g_free(s->web_dir);
    g_free(s);
}

pg_server *pg_server_start(const pg_serve_opts *o, int *exit_code)
{
    *exit_code = 2;
    const char *listen = o->listen ? o->listen : "127.0.0.1:8080";
    struct sockaddr_storage ss;
    socklen_t sslen = 0;
    int v6 = 0, loopback = 0;
    if (!parse_listen(listen, &ss, &sslen, &v6, &loopback)) {
        fprintf(stderr,
                _("plangen serve: --listen takes ADDR:PORT (127.0.0.1:8080, "
                  "[::1]:8080, 0.0.0.0:0 for any free port), not \"%s\"\n"),
                listen);
        return NULL;
    }
    if (o->proxy && !o->users) {
        fprintf(stderr,
                _("plangen serve: --proxy puts the server behind a reverse proxy that other "
                  "machines reach: give --users FILE so that clerks log in (plangen user add "
                  "FILE NAME FOLDER...)\n"));
        return NULL;
    }
    if (!loopback && !o->users) {
        fprintf(stderr,
                _("plangen serve: %s is reachable from other machines: give --users FILE so "
                  "that clerks log in. Create accounts with\n"
                  "  plangen user add FILE NAME FOLDER...\n"
                  "(FOLDER: what the account may write, relative to the plans root; '.' for "
                  "all), or listen on 127.0.0.1 only.\n"),
                listen);
        return NULL;
    }
    pg_server *s = g_new0(pg_server, 1);
    pthread_mutex_init(&s->engine_lock, NULL);
    pthread_mutex_init(&s->save_lock, NULL);
    /* open, no login: loopback without accounts. With --users a login is asked
     * on loopback too: a reverse proxy on this machine reaches it from 127.0.0.1 */
    s->open = loopback && !o->users;
    s->proxy = o->proxy;
    s->root = realpath(o->root, NULL);
    struct stat st;
    if (!s->root || stat(s->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, _("plangen serve: the plans folder %s is not a folder that can be read\n"),
                o->root);
        server_free(s);
        return NULL;
    }
    s->root_name = g_path_get_basename(s->root);
    s->data_dir = g_strdup(o->data_dir);
    s->web_dir = g_build_filename(o->data_dir, "web", NULL);
    *exit_code = 1;
    if (o->users) {
        pg_diag_list d = {0};
        if (!pg_users_load(o->users, &s->users, &d)) {
            pg_diag_print(&d, stderr);
            pg_diag_list_free(&d);
            fprintf(stderr, _("plangen serve: cannot use the users file %s\n"), o->users);
            server_free(s);
            return NULL;
        }
        pg_diag_list_free(&d);
    }
    s->log = stderr;
    if (o->log && !(s->log = fopen(o->log, "ae"))) {
        fprintf(stderr, _("plangen serve: cannot open the log %s: %s\n"), o->log, strerror(errno));
        s->log = NULL;
        server_free(s);
        return NULL;
    }
    pg_auth_opts ao = {.login_required = !s->open,
                       .users = &s->users,
                       .log = s->log,
                       .rate_per_s = o->rate_per_s,
                       .rate_burst = o->rate_burst};
    s->auth = pg_auth_new(&ao);
    /* as the command line makes it: the PDF's Creator, today for the date
     * rules from PLANGEN_TODAY when it is a date */
    const char *today = getenv("PLANGEN_TODAY");
    int y = 0, m = 0, d = 0, used = 0;
    if (today && !(strlen(today) == 10 && sscanf(today, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 &&
                   used == 10 && pg_date_valid(y, m, d)))
        today = NULL;
    pg_options eo = {
        .data_dir = o->data_dir, .root = s->root, .today = today, .creator = "plangen " PG_VERSION};
    s->engine = pg_engine_new(&eo);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_POLL;
    if (v6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(o->threads ? o->threads : 2), MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)(o->proxy ? 64 : 8),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->timeout ? o->timeout : 20),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_SOCK_ADDR,
        (const struct sockaddr *)&ss, MHD_OPTION_END);
    if (!s->daemon) {
        fprintf(stderr,
                _("plangen serve: cannot listen on %s (in use, or not this machine's "
                  "address?)\n"),
                listen);
        server_free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : 0;
    char host[64];
    if (v6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
    snprintf(s->url, sizeof s->url, v6 ? "http://[%s]:%u/" : "http://%s:%u/", host, s->port);
    *exit_code = 0;
    return s;
}

const char *pg_server_url(const pg_server *s)
{
    return s->url;
}

unsigned pg_server_port(const pg_server *s)
{
    return s->port;
}

void pg_server_session(pg_server *s, char id[65], char csrf[65])
{
    pg_session ses;
    pg_auth_session_new(s->auth, "", time(NULL), &ses);
    memcpy(id, ses.id, 65);
    memcpy(csrf, ses.csrf, 65);
}

unsigned long pg_server_lint_runs(pg_server *s)
{
    pthread_mutex_lock(&s->engine_lock);
    unsigned long n = s->lint_runs;
    pthread_mutex_unlock(&s->engine_lock);
    return n;
}

void pg_server_stop(pg_server *s)
{
    server_free(s);
}

int pg_server_add_connection(pg_server *s, int fd)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return MHD_add_connection(s->daemon, fd, (const struct sockaddr *)&a, sizeof a) == MHD_YES;
}

/* ---- the command --------------------------------------------------------------- */

static const char usage_serve[] =
    "usage: plangen serve [PLANS_DIR] [--listen ADDR:PORT] [--users FILE] [--log FILE]\n"
    "                     [--data-dir DIR] [--lang vi|en]\n"
    "\n"
    "Serves the plans under PLANS_DIR (default: plans) to web browsers: the list of\n"
    "plans, forms to start a plan or derive one, and an editor with a live preview\n"
    "of the pages and the findings of the checks. Plans are saved in place (a\n"
    "temporary file renamed over the old one); a plan changed by someone else since\n"
    "it was opened is not overwritten. Every save is logged.\n"
    "\n"
    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; [::1]:8080 for\n"
    "                      IPv6; port 0 picks a free port). Once listening, one line\n"
    "                      'plangen serve: http://ADDR:PORT/' is printed.\n"
    "  --users FILE        the accounts (made with 'plangen user add'): who may log in\n"
    "                      and which folders each may write. Required on an address\n"
    "                      other than loopback. Without it (loopback only) nobody\n"
    "                      logs in; with it everyone does, on loopback too (a TLS\n"
    "                      reverse proxy on this machine connects from 127.0.0.1).\n"
    "  --log FILE          append the save log here (default: standard error)\n"
    "  --proxy             behind a reverse proxy on this machine (which holds the TLS\n"
    "                      certificate): a request from loopback is counted under the\n"
    "                      last address of its X-Forwarded-For header (rate limits,\n"
    "                      failed logins, the log), and all may share the 64\n"
    "                      connections; needs --users\n"
    "  --data-dir DIR      folder holding templates/, fonts/ and web/ (default:\n"
    "                      $PLANGEN_DATADIR, else where plangen was installed)\n"
    "  --timeout S         seconds a connection may stay idle (20)\n"
    "  --lang vi|en        the server's language: of the findings the editor shows,\n"
    "                      of the plans it starts, of its messages (default vi,\n"
    "                      Vietnamese, the clerks' language, whatever LANG says;\n"
    "                      --lang en for English)\n"
    "\n"
    "Limits: 64 connections, 8 per address (without --proxy), 10 MiB a plan, 50 requests "
    "a\n"
    "second per address. SIGINT or SIGTERM stops the server.\n"
    "\n"
    "exit status: 0 stopped by a signal, 1 could not start (address in use, users\n"
    "file unreadable), 2 usage error (including a non-loopback address without\n"
    "--users).\n";

int pg_serve_main(int argc, char **argv, const char *default_data_dir)
{
    pg_serve_opts o = {0};
    const char *root = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(_(usage_serve), stdout);
            return 0;
        } else if (strcmp(a, "--listen") == 0) {
            slot = &o.listen;
        } else if (strcmp(a, "--users") == 0) {
            slot = &o.users;
        } else if (strcmp(a, "--log") == 0) {
            slot = &o.log;
        } else if (strcmp(a, "--data-dir") == 0) {
            slot = &o.data_dir;
        } else if (strcmp(a, "--proxy") == 0) {
            o.proxy = 1;
            continue;
        } else if (strcmp(a, "--timeout") == 0) {
            if (i + 1 >= argc || (o.timeout = (unsigned)strtoul(argv[i + 1], NULL, 10)) == 0 ||
                o.timeout > 3600) {
                fprintf(stderr, _("plangen serve: --timeout takes seconds from 1 to 3600\n"));
                return 2;
            }
            i++;
            continue;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, _("plangen serve: unknown option %s\n\n%s"), a, _(usage_serve));
            return 2;
        } else if (!root) {
            root = a;
            continue;
        } else {
            fprintf(stderr, _("plangen serve: one plans folder only (%s, then %s)\n"), root, a);
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, _("plangen serve: %s needs a value\n\n%s"), a, _(usage_serve));
            return 2;
        }
        *slot = argv[++i];
    }
    o.root = root ? root : "plans";
    const char *how = NULL; /* NULL: --data-dir */
    if (!o.data_dir) {
        const char *env = getenv("PLANGEN_DATADIR");
        how = env && *env ? "PLANGEN_DATADIR" : "installed";
        o.data_dir = env && *env ? env : default_data_dir;
    }
    if (!pg_data_dir_check(o.data_dir, how))
        return 2;
    /* the signals are waited for here; the daemon's threads never take them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rc = 1;
    pg_server *s = pg_server_start(&o, &rc);
    if (!s)
        return rc;
    printf(_("plangen serve: %s\n"), pg_server_url(s));
    fflush(stdout);
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    pg_server_stop(s);
    pg_forget_process_caches();
    xmlCleanupParser();
    return 0;
}
