/* test_serve.c - the HTTP layer of `plangen serve`, spoken to in raw HTTP over
 * sockets: a server started in this process on a free port, serving a copy of
 * plans/ in a temporary folder. Each check prints what it expected. */
#define _DEFAULT_SOURCE /* mkdtemp, symlink, strcasestr */
#define _GNU_SOURCE
#include "serve.h"

#include "plangen.h"
#include "serve_auth.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#ifndef PG_SOURCE_DIR
#define PG_SOURCE_DIR "."
#endif

static int failures;
static unsigned port;
static pg_server *server;
static char *root, *data;
static char cookie[128], csrf[80];

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

typedef struct {
    int status;
    char *head; /* the status line and headers */
    char *body;
    size_t len;
} answer;

static void answer_free(answer *a)
{
    g_free(a->head);
    free(a->body);
    memset(a, 0, sizeof *a);
}

static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

/* Sends raw bytes (ignoring a reset: the server may answer and close early)
 * and reads the answer until the server closes. */
static void exchange(const char *raw, size_t len, answer *a)
{
    memset(a, 0, sizeof *a);
    int fd = connect_server();
    for (size_t off = 0; off < len;) {
        ssize_t n = send(fd, raw + off, len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    GByteArray *in = g_byte_array_new();
    char buf[65536];
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 60000) <= 0)
            break;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        g_byte_array_append(in, (guint8 *)buf, (guint)n);
    }
    close(fd);
    g_byte_array_append(in, (const guint8 *)"", 1);
    char *all = (char *)in->data;
    size_t total = in->len - 1;
    char *sep = strstr(all, "\r\n\r\n");
    if (sep) {
        a->head = g_strndup(all, (gsize)(sep - all));
        a->len = total - (size_t)(sep + 4 - all);
        a->body = malloc(a->len + 1);
        memcpy(a->body, sep + 4, a->len);
        a->body[a->len] = '\0';
        sscanf(all, "HTTP/1.1 %d", &a->status);
    } else {
        /* no answer: status 0 and empty texts, for the checks to report */
        a->head = g_strdup("");
        a->body = calloc(1, 1);
    }
    g_byte_array_unref(in);
}

/* A request with our session's cookie; csrf: send the token. */
static void request_with(const char *method, const char *target, const char *headers,
                         const char *body, size_t len, int with_csrf, answer *a)
{
    GString *r = g_string_new(NULL);
    g_string_append_printf(r, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method,
                           target);
    if (*cookie)
        g_string_append_printf(r, "Cookie: plangen_session=%s\r\n", cookie);
    if (with_csrf)
        g_string_append_printf(r, "X-CSRF-Token: %s\r\n", csrf);
    if (headers)
        g_string_append(r, headers);
    /* the pages log in with JSON; test_login sends other types on its own */
    if (strcmp(target, "/api/login") == 0 && !(headers && strcasestr(headers, "Content-Type:")))
        g_string_append(r, "Content-Type: application/json\r\n");
    if (body)
        g_string_append_printf(r, "Content-Length: %zu\r\n", len);
    g_string_append(r, "\r\n");
    if (body)
        g_string_append_len(r, body, (gssize)len);
    exchange(r->str, r->len, a);
    g_string_free(r, TRUE);
}

static void get(const char *target, answer *a)
{
    request_with("GET", target, NULL, NULL, 0, 0, a);
}

static const char *header_value(const answer *a, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    char *pat = g_strdup_printf("\r\n%s: ", name);
    const char *h = a->head ? strcasestr(a->head, pat) : NULL;
    if (h) {
        h += strlen(pat);
        size_t n = strcspn(h, "\r\n");
        if (n >= size)
            n = size - 1;
        memcpy(out, h, n);
        out[n] = '\0';
    }
    g_free(pat);
    return h ? out : NULL;
}

static char *read_file(const char *rel, size_t *len)
{
    char *path = g_build_filename(root, rel, NULL), *text = NULL;
    gsize n = 0;
    g_file_get_contents(path, &text, &n, NULL);
    g_free(path);
    if (len)
        *len = n;
    return text;
}

static void etag_of(const char *rel, char out[PG_HASH_HEX + 2])
{
    size_t len = 0;
    char *text = read_file(rel, &len), hash[PG_HASH_HEX];
    pg_sha256_hex(text, len, hash);
    snprintf(out, PG_HASH_HEX + 2, "\"%s\"", hash);
    g_free(text);
}

/* Takes the session a login (or /api/session) handed out: its cookie and its
 * CSRF token; whether the answer set a cookie. */
static int take_session(const answer *a)
{
    char v[256];
    int found = header_value(a, "Set-Cookie", v, sizeof v) != NULL;
    sscanf(v, "plangen_session=%64[0-9a-f]", cookie);
    const char *c = a->body ? strstr(a->body, "\"csrf\":\"") : NULL;
    if (c)
        sscanf(c + 8, "%64[0-9a-f]", csrf);
    return found;
}

/* The main server's port and session, kept while a check talks to another. */
typedef struct {
    unsigned port;
    char cookie[sizeof cookie], csrf[sizeof csrf];
} main_server;

/* Starts another server with o (what names it if it does not start) and
 * talks to it, with no session yet; NULL if it did not start. */
static pg_server *start_other(const pg_serve_opts *o, const char *what, main_server *m)
{
    int rc = 0;
    pg_server *s = pg_server_start(o, &rc);
    CHECK(s != NULL, "%s: %d", what, rc);
    if (!s)
        return NULL;
    m->port = port;
    memcpy(m->cookie, cookie, sizeof cookie);
    memcpy(m->csrf, csrf, sizeof csrf);
    port = pg_server_port(s);
    cookie[0] = csrf[0] = '\0';
    return s;
}

/* Stops the other server and talks to the main one again. */
static void stop_other(pg_server *s, const main_server *m)
{
    pg_server_stop(s);
    port = m->port;
    memcpy(cookie, m->cookie, sizeof cookie);
    memcpy(csrf, m->csrf, sizeof csrf);
}

/* ---- the checks ----------------------------------------------------------------- */

static void test_session(void)
{
    answer a;
    get("/api/session", &a);
    char v[256];
    CHECK(a.status == 200, "session: %d", a.status);
    CHECK(header_value(&a, "Set-Cookie", v, sizeof v) && strstr(v, "HttpOnly") &&
              strstr(v, "SameSite=Strict"),
          "cookie: %s", v);
    sscanf(v, "plangen_session=%64[0-9a-f]", cookie);
    const char *c = strstr(a.body, "\"csrf\":\"");
    CHECK(c != NULL, "no csrf in %s", a.body);
    if (c)
        sscanf(c + 8, "%64[0-9a-f]", csrf);
    CHECK(strstr(a.body, "\"login_required\":false") != NULL, "%s", a.body);
    CHECK(header_value(&a, "Content-Security-Policy", v, sizeof v) &&
              strcmp(v, "default-src 'self'; img-src 'self' blob: data:; object-src 'self'; "
                        "frame-ancestors 'none'") == 0,
          "CSP: %s", v);
    CHECK(header_value(&a, "X-Content-Type-Options", v, sizeof v) && !strcmp(v, "nosniff"),
          "nosniff");
    CHECK(header_value(&a, "Referrer-Policy", v, sizeof v) && !strcmp(v, "same-origin"), "RP");
    CHECK(header_value(&a, "Cache-Control", v, sizeof v) && !strcmp(v, "no-store"), "no-store");
    answer_free(&a);
}

static void test_static(void)
{
    answer a;
    char v[256];
    get("/", &a);
    CHECK(a.status == 200 && strstr(a.body, "<title>test</title>"), "/: %d", a.status);
    CHECK(header_value(&a, "Content-Type", v, sizeof v) && !strcmp(v, "text/html; charset=utf-8"),
          "type %s", v);
    CHECK(header_value(&a, "Content-Security-Policy", v, sizeof v), "CSP on a page");
    answer_free(&a);
    get("/static/app.js", &a);
    CHECK(a.status == 200 && header_value(&a, "Content-Type", v, sizeof v) &&
              !strcmp(v, "text/javascript; charset=utf-8"),
          "js: %d %s", a.status, v);
    answer_free(&a);
    get("/static/style.css", &a);
    CHECK(a.status == 200 && header_value(&a, "Content-Type", v, sizeof v) &&
              !strcmp(v, "text/css; charset=utf-8"),
          "css: %d %s", a.status, v);
    answer_free(&a);
    get("/static/..%2fsecret.txt", &a);
    CHECK(a.status == 404, "static ..: %d", a.status);
    answer_free(&a);
    get("/static/.hidden", &a);
    CHECK(a.status == 404, "static dot: %d", a.status);
    answer_free(&a);
}

static void test_routes(void)
{
    answer a;
    char v[256];
    /* on loopback, only requests naming the loopback are answered */
    static const struct {
        const char *host;
        int status;
    } hosts[] = {{"localhost:8080", 200},
                 {"127.0.0.1", 200},
                 {"127.1.2.3:1", 200},
                 {"[::1]:8080", 200},
                 {"evil.example", 403},
                 {"evil.example:80", 403},
                 {"127.0.0.1.evil.example", 403},
                 {"localhost:80x", 403}};
    for (size_t i = 0; i < G_N_ELEMENTS(hosts); i++) {
        char *r = g_strdup_printf("GET /api/templates HTTP/1.1\r\nHost: %s\r\nConnection: "
                                  "close\r\n\r\n",
                                  hosts[i].host);
        exchange(r, strlen(r), &a);
        CHECK(a.status == hosts[i].status, "Host %s: %d", hosts[i].host, a.status);
        answer_free(&a);
        g_free(r);
    }
    get("/api/nothing", &a);
    CHECK(a.status == 404 && strstr(a.body, "\"code\":\"not-found\""), "404: %d", a.status);
    answer_free(&a);
    request_with("DELETE", "/api/plans", NULL, NULL, 0, 1, &a);
    CHECK(a.status == 405 && header_value(&a, "Allow", v, sizeof v) && !strcmp(v, "GET, HEAD"),
          "405: %d %s", a.status, v);
    answer_free(&a);
    request_with("POST", "/api/plan?path=x.xml", NULL, "", 0, 1, &a);
    CHECK(a.status == 405 && header_value(&a, "Allow", v, sizeof v) && !strcmp(v, "GET, HEAD, PUT"),
          "405 plan: %d %s", a.status, v);
    answer_free(&a);
}

static void test_login(void)
{
    static const struct {
        const char *body;
        int status;
    } logins[] = {{"", 400},
                  {"  ", 400},
                  {"[]", 400},
                  {"{\"user\":[1],\"password\":{}}", 400},
                  {"{\"user\":\"a\"}", 400},
                  {"{\"user\":\"a\",\"password\":\"b\"}", 401}};
    for (size_t i = 0; i < G_N_ELEMENTS(logins); i++) {
        answer a;
        /* no CSRF token: there is no session yet */
        request_with("POST", "/api/login", NULL, logins[i].body, strlen(logins[i].body), 0, &a);
        CHECK(a.status == logins[i].status, "login %s: %d", logins[i].body, a.status);
        answer_free(&a);
    }
    /* what a form of another site can send: not JSON, or said to come from it */
    static const char good[] = "{\"user\":\"a\",\"password\":\"b\"}";
    static const struct {
        const char *headers;
        int status;
        const char *code;
    } refused[] = {{"Content-Type: text/plain\r\n", 415, "content-type"},
                   {"Content-Type: application/x-www-form-urlencoded\r\n", 415, "content-type"},
                   {"Sec-Fetch-Site: cross-site\r\n", 403, "csrf"},
                   {"Sec-Fetch-Site: same-site\r\n", 403, "csrf"}};
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
        answer a;
        request_with("POST", "/api/login", refused[i].headers, good, strlen(good), 0, &a);
        char code[64];
        g_snprintf(code, sizeof code, "\"code\":\"%s\"", refused[i].code);
        CHECK(a.status == refused[i].status && a.body && strstr(a.body, code), "login with %s: %d",
              refused[i].headers, a.status);
        answer_free(&a);
    }
    /* deep JSON (json-glib recurses once per level: 100,000 levels crashed
     * it) and a body over the login's 4 KiB */
    GString *deep = g_string_new(NULL);
    for (int i = 0; i < 3000; i++)
        g_string_append_c(deep, '[');
    for (int i = 0; i < 3000; i++)
        g_string_append_c(deep, ']');
    answer a;
    request_with("POST", "/api/login", NULL, deep->str, deep->len, 0, &a);
    CHECK(a.status == 413, "login with 6,000 bytes: %d", a.status);
    answer_free(&a);
    g_string_truncate(deep, 0);
    for (int i = 0; i < 17; i++)
        g_string_append(deep, "{\"a\":[");
    for (int i = 0; i < 17; i++)
        g_string_append(deep, "]}");
    request_with("POST", "/api/login", NULL, deep->str, deep->len, 0, &a);
    CHECK(a.status == 400 && strstr(a.body, "\"code\":\"too-deep\""), "login nested 34 deep: %d",
          a.status);
    answer_free(&a);
    g_string_free(deep, TRUE);
}

static const char plan[] = "hung-yen-duk-sinh-hoat-chinh-tri-2023.xml";

static void test_plans(void)
{
    answer a;
    unsigned long runs0 = pg_server_lint_runs(server);
    get("/api/plans", &a);
    unsigned long runs1 = pg_server_lint_runs(server);
    CHECK(a.status == 200, "plans %d", a.status);
    CHECK(strstr(a.body, "\"path\":\"hung-yen-duk-sinh-hoat-chinh-tri-2023.xml\"") &&
              strstr(a.body, "\"symbol\":\"ĐUK\"") && strstr(a.body, "\"number\":95") &&
              strstr(a.body, "\"date\":\"2023-03-30\"") &&
              strstr(a.body, "\"derives_from\":\"tinh-uy-hung-yen/179-KH-TU-2023.xml\""),
          "plans: %.300s", a.body);
    CHECK(strstr(a.body, "\"writable\":true") && strstr(a.body, "\"root\":"), "writable");
    CHECK(!strstr(a.body, ".hidden") && !strstr(a.body, "escape.xml") &&
              !strstr(a.body, "notes.txt"),
          "hidden, escaping or non-xml listed: %s", a.body);
    int listed = 0;
    for (const char *p = a.body; (p = strstr(p, "\"path\":")); p++)
        listed++;
    CHECK(runs1 - runs0 == (unsigned long)listed, "%lu lint runs for %d plans", runs1 - runs0,
          listed);
    /* the second listing lints nothing again */
    answer b;
    get("/api/plans", &b);
    CHECK(b.status == 200 && b.len == a.len && !memcmp(a.body, b.body, a.len),
          "second listing differs");
    CHECK(pg_server_lint_runs(server) == runs1, "the second listing linted %lu plans",
          pg_server_lint_runs(server) - runs1);
    answer_free(&b);
    /* a plan changed on disk is linted again, alone */
    char *path = g_build_filename(root, "so-khcn-tra-vinh-05-KH-2024.xml", NULL);
    char *text = NULL;
    gsize len = 0;
    g_file_get_contents(path, &text, &len, NULL);
    GString *more = g_string_new_len(text, (gssize)len);
    g_string_append(more, "\n");
    g_file_set_contents(path, more->str, (gssize)more->len, NULL);
    get("/api/plans", &b);
    CHECK(pg_server_lint_runs(server) == runs1 + 1, "after one change: %lu runs",
          pg_server_lint_runs(server) - runs1);
    answer_free(&b);
    g_file_set_contents(path, text, (gssize)len, NULL);
    g_string_free(more, TRUE);
    g_free(text);
    g_free(path);
    answer_free(&a);
}

static void test_plan_get(void)
{
    answer a;
    char v[256], etag[PG_HASH_HEX + 2];
    char *target = g_strdup_printf("/api/plan?path=%s", plan);
    get(target, &a);
    etag_of(plan, etag);
    size_t len = 0;
    char *text = read_file(plan, &len);
    CHECK(a.status == 200 && a.len == len && !memcmp(a.body, text, len), "GET plan");
    CHECK(header_value(&a, "ETag", v, sizeof v) && !strcmp(v, etag), "etag %s", v);
    CHECK(header_value(&a, "Content-Type", v, sizeof v) && !strcmp(v, "application/xml"), "xml");
    answer_free(&a);
    request_with("HEAD", target, NULL, NULL, 0, 0, &a);
    CHECK(a.status == 200 && a.len == 0 && header_value(&a, "ETag", v, sizeof v) &&
              !strcmp(v, etag),
          "HEAD %d %s", a.status, v);
    answer_free(&a);
    g_free(text);
    g_free(target);
}

static void test_paths(void)
{
    static const struct {
        const char *path;
        int status;
    } tricks[] = {
        {"../x.xml", 400},
        {"%2e%2e/x.xml", 400},
        {"%2E%2E%2Fx.xml", 400},
        {"/etc/x.xml", 400},
        {"%2Fetc%2Fx.xml", 400},
        {"a%5Cb.xml", 400},
        {"a\\b.xml", 400},
        {"x%00.xml", 400},
        {"x.xml%00", 400},
        {".hidden.xml", 400},
        {"sub/./x.xml", 400},
        {"sub//x.xml", 400},
        {"escape.xml", 403},
        {"escdir/x.xml", 403},
        {"nothing.xml", 404},
        {"notes.txt", 400},
        {"", 400},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(tricks); i++) {
        answer a;
        char *target = g_strdup_printf("/api/plan?path=%s", tricks[i].path);
        get(target, &a);
        CHECK(a.status == tricks[i].status, "%s: %d, expected %d", tricks[i].path, a.status,
              tricks[i].status);
        answer_free(&a);
        /* a save through the same path is refused the same way, and writes nothing */
        request_with("PUT", target, "If-None-Match: *\r\n", "<x/>", 4, 1, &a);
        CHECK(a.status == (tricks[i].status == 404 ? 200 : tricks[i].status), "PUT %s: %d",
              tricks[i].path, a.status);
        answer_free(&a);
        g_free(target);
    }
    /* the file the link points at is untouched */
    char *outside = g_build_filename(root, "..", "outside.xml", NULL);
    char *text = NULL;
    g_file_get_contents(outside, &text, NULL, NULL);
    CHECK(text && !strcmp(text, "<secret/>"), "outside file changed: %s", text);
    g_free(text);
    g_free(outside);
    char *made = g_build_filename(root, "nothing.xml", NULL);
    g_unlink(made);
    g_free(made);
}

static void test_put(void)
{
    char etag[PG_HASH_HEX + 2], v[256];
    char *target = g_strdup_printf("/api/plan?path=%s", plan);
    char *path = g_build_filename(root, plan, NULL);
    chmod(path, 0640);
    size_t len = 0;
    char *text = read_file(plan, &len);
    /* a one-word edit */
    char *at = strstr(text, "Nguyễn Xuân Khoát");
    CHECK(at != NULL, "the signer's name is in the plan");
    GString *edited = g_string_new_len(text, at - text);
    g_string_append(edited, "Nguyễn Xuân Khoa");
    g_string_append(edited, at + strlen("Nguyễn Xuân Khoát"));
    answer a;
    /* no If-Match: 428 */
    request_with("PUT", target, NULL, edited->str, edited->len, 1, &a);
    CHECK(a.status == 428 && strstr(a.body, "\"code\":\"if-match\""), "428: %d", a.status);
    answer_free(&a);
    /* no CSRF token: 403 */
    etag_of(plan, etag);
    char *im = g_strdup_printf("If-Match: %s\r\n", etag);
    request_with("PUT", target, im, edited->str, edited->len, 0, &a);
    CHECK(a.status == 403 && strstr(a.body, "\"code\":\"csrf\""), "csrf: %d", a.status);
    answer_free(&a);
    /* a wrong token: 403 */
    char saved = csrf[0];
    csrf[0] = csrf[0] == 'a' ? 'b' : 'a';
    request_with("PUT", target, im, edited->str, edited->len, 1, &a);
    csrf[0] = saved;
    CHECK(a.status == 403, "bad csrf: %d", a.status);
    answer_free(&a);
    size_t now_len = 0;
    char *now = read_file(plan, &now_len);
    CHECK(now_len == len && !memcmp(now, text, len), "refused saves changed the file");
    g_free(now);
    /* the save */
    request_with("PUT", target, im, edited->str, edited->len, 1, &a);
    char hash[PG_HASH_HEX];
    pg_sha256_hex(edited->str, edited->len, hash);
    CHECK(a.status == 200 && strstr(a.body, hash), "PUT: %d %s", a.status, a.body);
    CHECK(header_value(&a, "ETag", v, sizeof v) && strstr(v, hash), "new etag %s", v);
    answer_free(&a);
    now = read_file(plan, &now_len);
    CHECK(now_len == edited->len && !memcmp(now, edited->str, now_len),
          "the file holds what was sent");
    g_free(now);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640, "mode %o", st.st_mode & 07777);
    /* the same If-Match again: the file changed since: 412 with the text on disk */
    request_with("PUT", target, im, text, len, 1, &a);
    CHECK(a.status == 412 && strstr(a.body, "\"code\":\"conflict\"") && strstr(a.body, hash),
          "412: %d %.200s", a.status, a.body);
    /* the text in the answer is the file on disk, byte for byte */
    JsonParser *jp = json_parser_new();
    const char *other = NULL;
    if (a.body && json_parser_load_from_data(jp, a.body, (gssize)a.len, NULL)) {
        JsonObject *jo = json_node_get_object(json_parser_get_root(jp));
        other = json_object_get_string_member(jo, "text");
    }
    CHECK(other && strlen(other) == edited->len && !memcmp(other, edited->str, edited->len),
          "the 412's text is not the file on disk");
    g_object_unref(jp);
    answer_free(&a);
    now = read_file(plan, &now_len);
    CHECK(now_len == edited->len && !memcmp(now, edited->str, now_len), "412 wrote");
    g_free(now);
    /* back to the original, from the current etag as the JSON gave it (bare) */
    g_free(im);
    im = g_strdup_printf("If-Match: %s\r\n", hash);
    request_with("PUT", target, im, text, len, 1, &a);
    CHECK(a.status == 200, "PUT back: %d", a.status);
    answer_free(&a);
    now = read_file(plan, &now_len);
    CHECK(now_len == len && !memcmp(now, text, len), "restored");
    g_free(now);
    /* creating with If-None-Match: *, then again: 412 */
    request_with("PUT", "/api/plan?path=chi-bo-hung-yen/moi-tao.xml", "If-None-Match: *\r\n",
                 "<plan/>", 7, 1, &a);
    CHECK(a.status == 200, "create: %d", a.status);
    answer_free(&a);
    request_with("PUT", "/api/plan?path=chi-bo-hung-yen/moi-tao.xml", "If-None-Match: *\r\n",
                 "<plan2/>", 8, 1, &a);
    CHECK(a.status == 412, "create over: %d", a.status);
    answer_free(&a);
    /* a file on disk that is not UTF-8 (and holds a NUL): the 412 is still JSON,
     * its text null */
    char *bad_path = g_build_filename(root, "chi-bo-hung-yen", "moi-tao.xml", NULL);
    g_file_set_contents(bad_path, "ab\xff\xfe\0hidden", 10, NULL);
    g_free(bad_path);
    request_with("PUT", "/api/plan?path=chi-bo-hung-yen/moi-tao.xml", "If-Match: \"00\"\r\n",
                 "<plan/>", 7, 1, &a);
    CHECK(a.status == 412 && a.body && g_utf8_validate(a.body, (gssize)a.len, NULL) &&
              strstr(a.body, "\"text\":null"),
          "412 over a file that is not UTF-8: %d", a.status);
    answer_free(&a);
    /* a plan over the 10 MiB the API reads back is refused at once */
    request_with("PUT", "/api/plan?path=chi-bo-hung-yen/moi-tao.xml",
                 "If-Match: *\r\nContent-Length: 10485761\r\n", NULL, 0, 1, &a);
    CHECK(a.status == 413, "PUT of 10 MiB and a byte: %d", a.status);
    answer_free(&a);
    g_free(im);
    g_string_free(edited, TRUE);
    g_free(text);
    g_free(path);
    g_free(target);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The hashes of a preview's pages (n of at most 64). */
static int preview_hashes(const char *body, char hashes[][PG_HASH_HEX], int max)
{
    int n = 0;
    for (const char *h = body; n < max && (h = strstr(h, "\"hash\":\"")); h += 8)
        sscanf(h + 8, "%64[0-9a-f]", hashes[n++]);
    return n;
}

static void test_preview(void)
{
    char *target = g_strdup_printf("/api/preview?path=%s", plan);
    size_t len = 0;
    char *text = read_file(plan, &len);
    answer a;
    request_with("POST", target, NULL, text, len, 0, &a);
    CHECK(a.status == 403 && strstr(a.body, "\"code\":\"csrf\""), "preview csrf %d", a.status);
    answer_free(&a);
    request_with("POST", target, NULL, text, len, 1, &a);
    char hashes[64][PG_HASH_HEX];
    int n = a.body ? preview_hashes(a.body, hashes, 64) : 0;
    CHECK(a.status == 200 && n == 9 && strstr(a.body, "\"ok\":true") &&
              strstr(a.body, "\"width\":595.2") && strstr(a.body, "\"findings\":[]"),
          "preview: %d pages %d %.300s", a.status, n, a.body);
    answer_free(&a);
    if (n < 9)
        goto done;
    char *png = g_strdup_printf("/api/page/%s.png?dpi=60", hashes[1]);
    get(png, &a);
    char v[128];
    CHECK(a.status == 200 && a.len > 8 && !memcmp(a.body, "\x89PNG", 4) &&
              header_value(&a, "Content-Type", v, sizeof v) && !strcmp(v, "image/png") &&
              header_value(&a, "Cache-Control", v, sizeof v) &&
              !strcmp(v, "private, max-age=3600, immutable"),
          "png: %d", a.status);
    answer_free(&a);
    g_free(png);
    get("/api/page/0000000000000000000000000000000000000000000000000000000000000000.png", &a);
    CHECK(a.status == 404, "gone page: %d", a.status);
    answer_free(&a);
    png = g_strdup_printf("/api/page/%s.png?dpi=500", hashes[1]);
    get(png, &a);
    CHECK(a.status == 400, "dpi 500: %d", a.status);
    answer_free(&a);
    g_free(png);
    /* an error in the text: findings, with the file relative to the root */
    GString *bad = g_string_new_len(text, (gssize)len);
    char *sym = strstr(bad->str, "<number>");
    if (sym) {
        g_string_insert(bad, sym - bad->str, "<bogus/>");
        request_with("POST", target, NULL, bad->str, bad->len, 1, &a);
        CHECK(a.status == 200 && strstr(a.body, "\"ok\":false") &&
                  strstr(a.body, "\"severity\":\"error\"") &&
                  strstr(a.body, "\"file\":\"hung-yen-duk-sinh-hoat-chinh-tri-2023.xml\""),
              "bad preview: %.400s", a.body);
        answer_free(&a);
    }
    g_string_free(bad, TRUE);
    /* latency: a one-word edit to the changed page's PNG, 30 times */
    const char *word = strstr(text, "Nguyễn Xuân Khoát");
    double t[30], tp[30] = {0};
    for (int i = 0; i < 30 && word; i++) {
        GString *e = g_string_new_len(text, word - text);
        g_string_append_printf(e, "Nguyễn Xuân Khoát%d", i);
        g_string_append(e, word + strlen("Nguyễn Xuân Khoát"));
        double t0 = now_ms();
        request_with("POST", target, NULL, e->str, e->len, 1, &a);
        char h2[64][PG_HASH_HEX];
        int m = a.body ? preview_hashes(a.body, h2, 64) : 0;
        int changed = -1;
        for (int k = 0; k < m && k < n; k++)
            if (strcmp(h2[k], hashes[k]) != 0)
                changed = k;
        answer_free(&a);
        tp[i] = now_ms() - t0;
        CHECK(m == 9 && changed == 8, "edit %d: %d pages, page %d changed", i, m, changed + 1);
        if (changed >= 0) {
            png = g_strdup_printf("/api/page/%s.png", h2[changed]);
            get(png, &a);
            CHECK(a.status == 200, "changed page png %d", a.status);
            answer_free(&a);
            g_free(png);
        }
        t[i] = now_ms() - t0;
        g_string_free(e, TRUE);
    }
    qsort(t, 30, sizeof *t, by_double);
    qsort(tp, 30, sizeof *tp, by_double);
    printf("edit -> preview -> changed page PNG: p50 %.1f ms, p95 %.1f ms (30 edits; the "
           "preview alone: p50 %.1f ms, p95 %.1f ms)\n",
           t[14], t[28], tp[14], tp[28]);
    /* the cache is bounded (256 pages): 260 more versions of the last page
     * push out the first, least recently used; the pages every version shares
     * and the newest stay */
    char last[PG_HASH_HEX] = "";
    for (int i = 0; i < 260 && word; i++) {
        GString *e = g_string_new_len(text, word - text);
        g_string_append_printf(e, "Nguyễn Xuân Khoát-%d", i);
        g_string_append(e, word + strlen("Nguyễn Xuân Khoát"));
        request_with("POST", target, NULL, e->str, e->len, 1, &a);
        char h2[64][PG_HASH_HEX];
        if (a.body && preview_hashes(a.body, h2, 64) == 9)
            memcpy(last, h2[8], PG_HASH_HEX);
        answer_free(&a);
        g_string_free(e, TRUE);
    }
    static const struct {
        int page;
        int status;
    } kept[] = {{8, 404}, {0, 200}, {7, 200}, {-1, 200}};
    for (size_t k = 0; k < G_N_ELEMENTS(kept); k++) {
        png = g_strdup_printf("/api/page/%s.png", kept[k].page < 0 ? last : hashes[kept[k].page]);
        get(png, &a);
        CHECK(a.status == kept[k].status, "page %d after 290 versions: %d, expected %d",
              kept[k].page + 1, a.status, kept[k].status);
        answer_free(&a);
        g_free(png);
    }
done:
    g_free(text);
    g_free(target);
}

enum { JSON_MAX_TEST = 64 << 10 }; /* what docs/serve.md gives /api/new and /api/derive */

static void test_other_routes(void)
{
    answer a;
    char v[256];
    char *target = g_strdup_printf("/api/pdf?path=%s", plan);
    get(target, &a);
    CHECK(a.status == 200 && a.len > 4 && !memcmp(a.body, "%PDF", 4) &&
              header_value(&a, "Content-Disposition", v, sizeof v) &&
              !strcmp(v, "attachment; filename=\"hung-yen-duk-sinh-hoat-chinh-tri-2023.pdf\""),
          "pdf %d %s", a.status, v);
    answer_free(&a);
    g_free(target);
    target = g_strdup_printf("/api/style?path=%s", plan);
    get(target, &a);
    CHECK(a.status == 200 && strstr(a.body, "\"family\":\"party\"") &&
              strstr(a.body, "{\"value\":\"on-behalf\",\"label\":\"T/M\"}"),
          "style %.300s", a.body);
    answer_free(&a);
    g_free(target);
    get("/api/templates", &a);
    CHECK(a.status == 200 && strstr(a.body, "\"name\":\"sinh-hoat-chi-bo\"") &&
              strstr(a.body, "{\"key\":\"to_chuc_hoi_thao\",\"optional\":true}") &&
              strstr(a.body, "{\"key\":\"bi_thu\",\"optional\":false}"),
          "templates %.300s", a.body);
    answer_free(&a);
    static const char blank[] =
        "{\"template\":null,\"folder\":\"chi-bo-hung-yen\",\"file\":\"trang.xml\",\"params\":{}}";
    request_with("POST", "/api/new", NULL, blank, strlen(blank), 1, &a);
    CHECK(a.status == 201 && strstr(a.body, "\"path\":\"chi-bo-hung-yen/trang.xml\""), "new %d %s",
          a.status, a.body);
    answer_free(&a);
    /* a new plan names this server's data folder's schema for an editor, on the
     * line after the XML declaration */
    char *model = pg_plan_model_pi(data);
    char *made = read_file("chi-bo-hung-yen/trang.xml", NULL);
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    CHECK(made && g_str_has_prefix(made, decl) && g_str_has_prefix(made + strlen(decl), model) &&
              made[strlen(decl) + strlen(model)] == '\n' &&
              strstr(model, "/data/templates/schema/plan.rng\""),
          "new plan's <?xml-model?>: %.300s", made ? made : "(none)");
    g_free(made);
    request_with("POST", "/api/new", NULL, blank, strlen(blank), 1, &a);
    CHECK(a.status == 409 && strstr(a.body, "\"code\":\"exists\""), "new twice %d", a.status);
    answer_free(&a);
    request_with("POST", "/api/new", NULL, blank, strlen(blank), 0, &a);
    CHECK(a.status == 403, "new without csrf %d", a.status);
    answer_free(&a);
    /* 64 KiB of nesting, the most a JSON body may have: refused before json-glib
     * recurses into it */
    char *deep = g_malloc(JSON_MAX_TEST + 1);
    deep[JSON_MAX_TEST] = ']';
    memset(deep, '[', JSON_MAX_TEST / 2);
    memset(deep + JSON_MAX_TEST / 2, ']', JSON_MAX_TEST / 2);
    request_with("POST", "/api/new", NULL, deep, JSON_MAX_TEST, 1, &a);
    CHECK(a.status == 400, "new with 32,768 levels of nesting: %d", a.status);
    answer_free(&a);
    request_with("POST", "/api/new", NULL, deep, JSON_MAX_TEST + 1, 1, &a);
    CHECK(a.status == 413, "new over 64 KiB: %d", a.status);
    answer_free(&a);
    g_free(deep);
    static const char escape[] =
        "{\"template\":null,\"folder\":\"../x\",\"file\":\"trang.xml\",\"params\":{}}";
    request_with("POST", "/api/new", NULL, escape, strlen(escape), 1, &a);
    CHECK(a.status == 400, "new ../ %d", a.status);
    answer_free(&a);
    static const char missing[] = "{\"template\":\"sinh-hoat-chi-bo\",\"folder\":\".\","
                                  "\"file\":\"mau.xml\",\"params\":{\"don_vi\":\"X\"}}";
    request_with("POST", "/api/new", NULL, missing, strlen(missing), 1, &a);
    CHECK(a.status == 422 && strstr(a.body, "bi_thu"), "template unfilled %d", a.status);
    answer_free(&a);
    static const char derive[] =
        "{\"parent\":\"hung-yen-duk-sinh-hoat-chinh-tri-2023.xml\",\"folder\":"
        "\"chi-bo-hung-yen\",\"file\":\"con.xml\",\"issuer\":\"CHI BỘ TEST\",\"parent_body\":"
        "\"ĐẢNG BỘ KHỐI\",\"symbol\":\"CB\",\"date\":\"2023-05-02\"}";
    request_with("POST", "/api/derive", NULL, derive, strlen(derive), 1, &a);
    CHECK(a.status == 201 && strstr(a.body, "\"path\":\"chi-bo-hung-yen/con.xml\""), "derive %d %s",
          a.status, a.body);
    answer_free(&a);
    char *child = read_file("chi-bo-hung-yen/con.xml", NULL);
    CHECK(child && strstr(child, "derives-from=\"../hung-yen-duk-sinh-hoat-chinh-tri-2023.xml\""),
          "child: %.300s", child ? child : "(none)");
    CHECK(child && g_str_has_prefix(child, decl) && g_str_has_prefix(child + strlen(decl), model),
          "derived plan's <?xml-model?>: %.300s", child ? child : "(none)");
    g_free(model);
    g_free(child);
    request_with("POST", "/api/derive", NULL, derive, strlen(derive), 1, &a);
    CHECK(a.status == 409, "derive twice %d", a.status);
    answer_free(&a);
}

/* ---- Word: /api/docx and /api/import --------------------------------------------- */

static void write_text(const char *dir, const char *name, const char *text);

static char *tmp_dir; /* TMPDIR of this process, where /api/docx makes its files */

/* Entries of TMPDIR whose name starts with prefix. */
static int temp_entries(const char *prefix)
{
    int n = 0;
    GDir *d = g_dir_open(tmp_dir, 0, NULL);
    const char *e;
    while (d && (e = g_dir_read_name(d)))
        n += g_str_has_prefix(e, prefix);
    if (d)
        g_dir_close(d);
    return n;
}

/* One entry of a ZIP in memory (libzip), NUL-terminated; NULL when missing. */
static char *zip_entry(const char *bytes, size_t len, const char *name)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    char *out = NULL;
    zip_stat_t st;
    if (z && zip_stat(z, name, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size < (64u << 20)) {
        zip_file_t *f = zip_fopen(z, name, 0);
        out = g_malloc(st.size + 1);
        zip_int64_t got = f ? zip_fread(f, out, st.size) : -1;
        if (f)
            zip_fclose(f);
        if (got != (zip_int64_t)st.size) {
            g_free(out);
            out = NULL;
        } else {
            out[st.size] = '\0';
        }
    }
    if (z)
        zip_discard(z);
    else if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

/* A ZIP in memory holding one entry per name (text as its bytes). g_malloc'd. */
static char *zip_make(const char *const *names, size_t n, const char *text, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    for (size_t i = 0; i < n; i++)
        zip_file_add(z, names[i], zip_source_buffer(z, text, strlen(text), 0), ZIP_FL_ENC_UTF_8);
    zip_close(z);
    zip_stat_t st;
    char *out = NULL;
    *len = 0;
    if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
        out = g_malloc(st.size);
        *len = (size_t)zip_source_read(src, out, st.size);
        zip_source_close(src);
    }
    zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

/* POST /api/import?folder=F&name=N (N already %-encoded) with body; csrf as
 * request_with. */
/* The JSON object of an answer's body, parsed by p (which owns it), or NULL. */
static JsonObject *answer_object(JsonParser *p, const answer *a)
{
    if (json_parser_load_from_data(p, a->body, (gssize)a->len, NULL) &&
        JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)))
        return json_node_get_object(json_parser_get_root(p));
    return NULL;
}

static void import_as(const char *folder, const char *name, const char *body, size_t len,
                      int with_csrf, answer *a)
{
    char *target = g_strdup_printf("/api/import?folder=%s&name=%s", folder, name);
    request_with("POST", target, "Content-Type: application/octet-stream\r\n", body, len, with_csrf,
                 a);
    g_free(target);
}

static int exists_in_root(const char *rel)
{
    char *p = g_build_filename(root, rel, NULL);
    int ok = g_file_test(p, G_FILE_TEST_EXISTS);
    g_free(p);
    return ok;
}

/* How many files the folder (relative to the root) holds. */
static int files_in(const char *folder)
{
    char *p = g_build_filename(root, folder, NULL);
    int n = 0;
    GDir *d = g_dir_open(p, 0, NULL);
    while (d && g_dir_read_name(d))
        n++;
    if (d)
        g_dir_close(d);
    g_free(p);
    return n;
}

static void test_word(void)
{
    answer a, docx;
    char v[256];
    static const char title[] = "Triển khai hoạt động sở hữu trí tuệ trên địa bàn tỉnh năm 2024";
    /* the DOCX of a plan: a ZIP whose word/document.xml holds the plan's title,
     * made through a temporary file that does not stay */
    int temps = temp_entries("plangen-docx-");
    get("/api/docx?path=so-khcn-tra-vinh-05-KH-2024.xml", &docx);
    char *doc_xml = docx.len > 4 && !memcmp(docx.body, "PK\3\4", 4)
                        ? zip_entry(docx.body, docx.len, "word/document.xml")
                        : NULL;
    CHECK(docx.status == 200 && doc_xml && strstr(doc_xml, title), "docx: %d, %zu bytes",
          docx.status, docx.len);
    CHECK(header_value(&docx, "Content-Type", v, sizeof v) &&
              !strcmp(v, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
          "docx type: %s", v);
    CHECK(header_value(&docx, "Content-Disposition", v, sizeof v) &&
              !strcmp(v, "attachment; filename=\"so-khcn-tra-vinh-05-KH-2024.docx\""),
          "docx name: %s", v);
    CHECK(temp_entries("plangen-docx-") == temps, "a temporary DOCX was left in %s", tmp_dir);
    g_free(doc_xml);
    /* a plan with errors: its findings, as for the PDF */
    write_text(root, "loi.xml",
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plan xmlns=\"urn:plangen:plan:1\" "
               "style=\"party\">\n  <summary>x</summary>\n</plan>\n");
    get("/api/docx?path=loi.xml", &a);
    CHECK(a.status == 422 && strstr(a.body, "\"code\":\"findings\"") &&
              strstr(a.body, "\"severity\":\"error\"") && strstr(a.body, "tệp Word"),
          "docx of a plan with errors: %d %.200s", a.status, a.body);
    answer_free(&a);
    char *loi = g_build_filename(root, "loi.xml", NULL);
    g_unlink(loi);
    g_free(loi);
    get("/api/docx?path=..%2fsecret.xml", &a);
    CHECK(a.status == 400, "docx of a path outside: %d", a.status);
    answer_free(&a);

    /* that DOCX imported: a new plan named after the upload, marks dropped */
    static const char name[] =
        "K%E1%BA%BF%20ho%E1%BA%A1ch%20%C4%90%E1%BA%A3ng%20s%E1%BB%91%205.docx";
    import_as("chi-bo-hung-yen", name, docx.body, docx.len, 1, &a);
    CHECK(a.status == 201 &&
              strstr(a.body, "\"path\":\"chi-bo-hung-yen/ke-hoach-dang-so-5.xml\"") &&
              strstr(a.body, "\"name\":\"Kế hoạch Đảng số 5.docx\""),
          "import: %d %.300s", a.status, a.body);
    /* words in = words out, and what is left to fill with its paragraph */
    JsonParser *p = json_parser_new();
    JsonObject *o = answer_object(p, &a);
    gint64 in = o ? json_object_get_int_member_with_default(o, "words_in", -1) : -1;
    gint64 out = o ? json_object_get_int_member_with_default(o, "words_out", -2) : -2;
    CHECK(in > 400 && in == out, "words in %lld, out %lld", (long long)in, (long long)out);
    /* a DOCX plangen wrote carries the whole plan: nothing is left to fill */
    JsonArray *todo =
        o && json_object_has_member(o, "todo") ? json_object_get_array_member(o, "todo") : NULL;
    CHECK(todo && json_array_get_length(todo) == 0, "todo: %.300s", a.body);
    CHECK(o && json_object_has_member(o, "warnings") &&
              JSON_NODE_HOLDS_ARRAY(json_object_get_member(o, "warnings")),
          "warnings: %.300s", a.body);
    g_object_unref(p);
    answer_free(&a);
    char *made = read_file("chi-bo-hung-yen/ke-hoach-dang-so-5.xml", NULL);
    CHECK(made && strstr(made, title) && strstr(made, "<plan "), "the plan written: %.200s", made);
    g_free(made);
    /* the same name again: "-2", nothing overwritten */
    import_as("chi-bo-hung-yen", name, docx.body, docx.len, 1, &a);
    CHECK(a.status == 201 &&
              strstr(a.body, "\"path\":\"chi-bo-hung-yen/ke-hoach-dang-so-5-2.xml\""),
          "import twice: %d %.200s", a.status, a.body);
    answer_free(&a);
    /* no CSRF token: refused, nothing written */
    import_as("chi-bo-hung-yen", name, docx.body, docx.len, 0, &a);
    CHECK(a.status == 403 && strstr(a.body, "\"code\":\"csrf\"") &&
              !exists_in_root("chi-bo-hung-yen/ke-hoach-dang-so-5-3.xml"),
          "import without csrf: %d", a.status);
    answer_free(&a);
    /* from another site, even with the token */
    char *target = g_strdup_printf("/api/import?folder=.&name=%s", name);
    request_with("POST", target, "Sec-Fetch-Site: cross-site\r\n", docx.body, docx.len, 1, &a);
    CHECK(a.status == 403 && strstr(a.body, "\"code\":\"csrf\""), "import cross-site: %d",
          a.status);
    answer_free(&a);
    g_free(target);
    answer_free(&docx);
    /* over 10 MiB: 413 before the body is read */
    char *big = g_strdup_printf("POST /api/import?folder=.&name=a.docx HTTP/1.1\r\nHost: "
                                "127.0.0.1\r\nCookie: plangen_session=%s\r\nX-CSRF-Token: %s\r\n"
                                "Content-Length: %d\r\n\r\n",
                                cookie, csrf, (10 << 20) + 1);
    exchange(big, strlen(big), &a);
    CHECK(a.status == 413 && strstr(a.body, "\"code\":\"too-large\""), "import over 10 MiB: %d",
          a.status);
    answer_free(&a);
    g_free(big);
    /* hostile or broken archives: 422 with the reader's words, nothing written */
    int before = files_in(".");
    static const char *const traversal[] = {"../../evil.xml", "word/other.xml"};
    size_t zlen = 0;
    char *zip = zip_make(traversal, 2, "<x/>", &zlen);
    import_as(".", "evil.docx", zip, zlen, 1, &a);
    CHECK(a.status == 422 && strstr(a.body, "\"code\":\"import\"") &&
              strstr(a.body, "Không đọc được tệp") && strstr(a.body, "document.xml"),
          "a DOCX without word/document.xml, with a path-traversal entry: %d %.300s", a.status,
          a.body);
    answer_free(&a);
    g_free(zip);
    static const char *const entity_names[] = {"word/document.xml"};
    zip = zip_make(entity_names, 1,
                   "<!DOCTYPE d [<!ENTITY e \"eeeeeeeeee\">]><w:document "
                   "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                   "<w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>",
                   &zlen);
    import_as(".", "entity.docx", zip, zlen, 1, &a);
    CHECK(a.status == 422 && strstr(a.body, "\"code\":\"import\""),
          "a DOCX with entities: %d %.200s", a.status, a.body);
    answer_free(&a);
    g_free(zip);
    import_as(".", "truncated.docx", "PK\3\4\0\0garbage", 14, 1, &a);
    CHECK(a.status == 422 && strstr(a.body, "\"code\":\"import\""), "a truncated ZIP: %d",
          a.status);
    answer_free(&a);
    import_as(".", "empty.txt", "", 0, 1, &a);
    CHECK(a.status == 422 && strstr(a.body, "\"code\":\"empty\""), "0 bytes: %d", a.status);
    answer_free(&a);
    CHECK(files_in(".") == before && !exists_in_root("evil.xml") && !exists_in_root("entity.xml"),
          "nothing written by the refused imports (%d files, were %d)", files_in("."), before);
    /* text, and a name that tries to leave the folder: only its last part counts */
    static const char text[] = "KẾ HOẠCH\nThử nhập văn bản\nI. MỤC ĐÍCH\nNội dung thử.\n";
    import_as(".", "..%2F..%2Fetc%2Fk%E1%BA%BF%20ho%E1%BA%A1ch.md", text, strlen(text), 1, &a);
    CHECK(a.status == 201 && strstr(a.body, "\"path\":\"ke-hoach.xml\""),
          "a text import: %d %.200s", a.status, a.body);
    /* a plan without its header: what is left to fill, each with its paragraph */
    {
        JsonParser *tp = json_parser_new();
        JsonObject *to = answer_object(tp, &a);
        JsonArray *left = to && json_object_has_member(to, "todo")
                              ? json_object_get_array_member(to, "todo")
                              : NULL;
        JsonObject *t0 =
            left && json_array_get_length(left) ? json_array_get_object_element(left, 0) : NULL;
        CHECK(t0 && json_object_get_int_member_with_default(t0, "para", 0) > 0 &&
                  strstr(json_object_get_string_member_with_default(t0, "text", ""), "fill in"),
              "todo of a plan without header: %.300s", a.body);
        g_object_unref(tp);
    }
    answer_free(&a);
    /* names with nothing usable, too long, not UTF-8 */
    static const struct {
        const char *name, *path;
    } names[] = {
        {"%21%21%21.txt", "ke-hoach-nhap.xml"},
        {"%C4%90%C3%A0%20N%E1%BA%B5ng%0A%FF.txt", "da-nang.xml"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.md",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.xml"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        import_as(".", names[i].name, text, strlen(text), 1, &a);
        char *want = g_strdup_printf("\"path\":\"%s\"", names[i].path);
        CHECK(a.status == 201 && strstr(a.body, want), "the name %s: %d %.200s", names[i].name,
              a.status, a.body);
        g_free(want);
        answer_free(&a);
        char *f = g_build_filename(root, names[i].path, NULL);
        g_unlink(f);
        g_free(f);
    }
    /* a folder that does not exist, one outside, no name */
    import_as("khong-co", "a.txt", text, strlen(text), 1, &a);
    CHECK(a.status == 404, "import into a missing folder: %d", a.status);
    answer_free(&a);
    import_as("..", "a.txt", text, strlen(text), 1, &a);
    CHECK(a.status == 400, "import into ..: %d", a.status);
    answer_free(&a);
    import_as("escdir", "a.txt", text, strlen(text), 1, &a);
    CHECK(a.status == 403, "import into a folder linked outside: %d", a.status);
    answer_free(&a);
    request_with("POST", "/api/import?folder=.", NULL, text, strlen(text), 1, &a);
    CHECK(a.status == 400, "import without a name: %d", a.status);
    answer_free(&a);
    get("/api/import?folder=.&name=a.txt", &a);
    CHECK(a.status == 405 && header_value(&a, "Allow", v, sizeof v) && !strcmp(v, "POST"),
          "GET /api/import: %d", a.status);
    answer_free(&a);
    const char *made_here[] = {"chi-bo-hung-yen/ke-hoach-dang-so-5.xml",
                               "chi-bo-hung-yen/ke-hoach-dang-so-5-2.xml", "ke-hoach.xml"};
    for (size_t i = 0; i < G_N_ELEMENTS(made_here); i++) {
        char *f = g_build_filename(root, made_here[i], NULL);
        g_unlink(f);
        g_free(f);
    }
}

/* Sends a chunked body of up to total bytes to /api/preview (then its last
 * chunk when end), reading what comes back until the server closes. Returns
 * what was read; *sent is how much of the body the server took. */
static GString *chunked_upload(size_t total, int end, size_t *sent)
{
    int fd = connect_server();
    char *h = g_strdup_printf("POST /api/preview?path=big.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Transfer-Encoding: chunked\r\nCookie: plangen_session=%s\r\n"
                              "X-CSRF-Token: %s\r\nConnection: close\r\n\r\n",
                              cookie, csrf);
    send(fd, h, strlen(h), MSG_NOSIGNAL);
    g_free(h);
    static char chunk[65536 + 16];
    int head = snprintf(chunk, sizeof chunk, "10000\r\n");
    memset(chunk + head, 'a', 65536);
    memcpy(chunk + head + 65536, "\r\n", 2);
    size_t chunk_len = (size_t)head + 65536 + 2, off = 0;
    int closed = 0, ended = 0;
    char buf[4096];
    GString *in = g_string_new(NULL);
    *sent = 0;
    while (!closed) {
        struct pollfd p = {fd, (short)(POLLIN | (ended ? 0 : POLLOUT)), 0};
        if (poll(&p, 1, 30000) <= 0)
            break;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0)
                closed = 1;
            else
                g_string_append_len(in, buf, n);
        } else if (p.revents & POLLOUT) {
            if (*sent >= total) {
                if (end)
                    send(fd, "0\r\n\r\n", 5, MSG_NOSIGNAL);
                ended = 1;
                continue;
            }
            ssize_t n = send(fd, chunk + off, chunk_len - off, MSG_NOSIGNAL);
            if (n <= 0) {
                closed = 1;
            } else {
                off += (size_t)n;
                *sent += (size_t)n;
                if (off == chunk_len)
                    off = 0;
            }
        }
    }
    close(fd);
    return in;
}

static void test_too_large(void)
{
    answer a;
    /* declared 100 MB: refused before any of it is sent */
    const char *req = "PUT /api/plan?path=x.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                      "100000000\r\nIf-None-Match: *\r\n\r\n";
    char *r = g_strdup_printf("%sCookie: plangen_session=%s\r\nX-CSRF-Token: %s\r\n\r\n",
                              "PUT /api/plan?path=x.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Content-Length: 100000000\r\nIf-None-Match: *\r\n",
                              cookie, csrf);
    (void)req;
    exchange(r, strlen(r), &a);
    CHECK(a.status == 413 && strstr(a.body, "\"code\":\"too-large\""), "declared: %d", a.status);
    answer_free(&a);
    g_free(r);
    /* chunked, past 16 MiB and then ended: 413 */
    size_t sent = 0;
    GString *in = chunked_upload((size_t)17 << 20, 1, &sent);
    CHECK(strncmp(in->str, "HTTP/1.1 413", 12) == 0, "chunked 17 MiB: %.40s", in->str);
    g_string_free(in, TRUE);
    /* chunked, growing without end: the connection is closed once the server
     * has dropped another 16 MiB, with at most 32 MiB read in all */
    in = chunked_upload((size_t)256 << 20, 0, &sent);
    CHECK(sent < ((size_t)40 << 20), "the server read %zu bytes of an endless body", sent);
    g_string_free(in, TRUE);
}

static void test_slow_client(void)
{
    /* half a header, then nothing: the server closes after its timeout (2 s) */
    int fd = connect_server();
    const char *half = "GET /api/session HTTP/1.1\r\nHost: 127.";
    send(fd, half, strlen(half), MSG_NOSIGNAL);
    double t0 = now_ms();
    int closed = 0;
    while (!closed && now_ms() - t0 < 60000) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 1000) > 0) {
            char buf[256];
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            closed = n <= 0;
        }
    }
    close(fd);
    CHECK(closed, "a client sending half a header is still connected after 60 s");
    printf("half a header: closed after %.1f s\n", (now_ms() - t0) / 1e3);
}

static void test_per_address_limit(void)
{
    /* eight idle connections from one address; the ninth is closed at once */
    int fds[8];
    for (int i = 0; i < 8; i++)
        fds[i] = connect_server();
    int ninth = connect_server();
    const char *req = "GET /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    send(ninth, req, strlen(req), MSG_NOSIGNAL);
    struct pollfd p = {ninth, POLLIN, 0};
    char buf[64];
    ssize_t n = poll(&p, 1, 1500) > 0 ? recv(ninth, buf, sizeof buf, 0) : 1;
    CHECK(n <= 0, "a ninth connection from one address was served");
    close(ninth);
    for (int i = 0; i < 8; i++)
        close(fds[i]);
    /* the server forgets them once it notices they are closed */
    for (int tries = 0; tries < 100; tries++) {
        answer a;
        get("/api/templates", &a);
        int served = a.status == 200;
        answer_free(&a);
        if (served)
            break;
        struct timespec pause = {0, 50000000};
        nanosleep(&pause, NULL);
    }
}

static void test_rate(void)
{
    /* a server allowing bursts of 5 and one request in 1000 s: the sixth is 429 */
    pg_serve_opts o = {.root = root,
                       .data_dir = data,
                       .listen = "127.0.0.1:0",
                       .timeout = 2,
                       .rate_per_s = 0.001,
                       .rate_burst = 5};
    main_server m;
    pg_server *s = start_other(&o, "second server", &m);
    if (!s)
        return;
    for (int i = 0; i < 6; i++) {
        answer a;
        get("/api/templates", &a);
        CHECK(a.status == (i < 5 ? 200 : 429), "request %d: %d", i + 1, a.status);
        if (i == 5)
            CHECK(strstr(a.body, "\"code\":\"rate\"") != NULL, "429 body %s", a.body);
        answer_free(&a);
    }
    stop_other(s, &m);
}

/* With accounts, on loopback (as behind a reverse proxy on the same machine):
 * login asked all the same, rights by folder, every save logged with the
 * account. */
static void symlink_in(const char *target, const char *dir, const char *name);

static void test_accounts(void)
{
    char *users = g_build_filename(root, "..", "users.txt", NULL);
    const char *folders[] = {"chi-bo-hung-yen"};
    pg_diag_list d = {0};
    int made = pg_users_set(users, "lan", "mat-khau-dai-1", folders, 1, &d);
    /* hoa writes a district's folder under the province's: reads the province */
    const char *hoa_folders[] = {"tinh-uy-hung-yen/huyen-a"};
    made = made && pg_users_set(users, "hoa", "mat-khau-dai-2", hoa_folders, 1, &d);
    pg_diag_list_free(&d);
    CHECK(made, "pg_users_set");
    char *district = g_build_filename(root, "tinh-uy-hung-yen", "huyen-a", NULL);
    g_mkdir_with_parents(district, 0755);
    /* a link in lan's folder to the province's plan, which lan may not read */
    char *province = g_build_filename(root, "tinh-uy-hung-yen", "179-KH-TU-2023.xml", NULL);
    symlink_in(province, root, "chi-bo-hung-yen/lien-ket.xml");
    g_free(province);
    char *log = g_build_filename(root, "..", "saves.log", NULL);
    pg_serve_opts o = {.root = root,
                       .data_dir = data,
                       .listen = "127.0.0.1:0",
                       .users = users,
                       .log = log,
                       .timeout = 2,
                       .rate_per_s = 1e6,
                       .rate_burst = 1e6};
    main_server m;
    pg_server *s = start_other(&o, "a server with accounts", &m);
    if (!s) {
        g_free(users);
        return;
    }
    answer a;
    get("/api/session", &a);
    CHECK(a.status == 200 && strstr(a.body, "\"login_required\":true") &&
              strstr(a.body, "\"user\":null"),
          "session before login: %s", a.body);
    answer_free(&a);
    get("/api/plans", &a);
    CHECK(a.status == 401 && strstr(a.body, "\"code\":\"login\""), "plans before login: %d",
          a.status);
    answer_free(&a);
    static const char bad[] = "{\"user\":\"lan\",\"password\":\"sai\"}";
    request_with("POST", "/api/login", NULL, bad, strlen(bad), 0, &a);
    CHECK(a.status == 401, "bad password: %d", a.status);
    answer_free(&a);
    static const char good[] = "{\"user\":\"lan\",\"password\":\"mat-khau-dai-1\"}";
    request_with("POST", "/api/login", NULL, good, strlen(good), 0, &a);
    int took = take_session(&a);
    CHECK(a.status == 200 && strstr(a.body, "\"user\":\"lan\"") && took, "login: %d %s", a.status,
          a.body);
    answer_free(&a);
    get("/api/plans", &a);
    /* lan's plans derive from the bloc's (in the root, above lan's folder),
     * which derives from the province's, in a folder lan may not read: what
     * the bloc, who had the right, chose to name is shown; no link listed */
    CHECK(a.status == 200 &&
              strstr(a.body, "\"path\":\"chi-bo-hung-yen/chi-bo-bao-hung-yen-2023.xml\"") &&
              !strstr(a.body, "forbidden_parent") &&
              !strstr(a.body, "\"path\":\"tinh-uy-hung-yen/") && !strstr(a.body, "lien-ket"),
          "plans of lan: %.300s", a.body);
    answer_free(&a);
    get("/api/plan?path=tinh-uy-hung-yen/179-KH-TU-2023.xml", &a);
    CHECK(a.status == 403, "reading a folder not lan's: %d", a.status);
    answer_free(&a);
    /* nor through a link in lan's folder */
    get("/api/plan?path=chi-bo-hung-yen/lien-ket.xml", &a);
    CHECK(a.status == 403, "a link in lan's folder to the province's plan: %d", a.status);
    answer_free(&a);
    /* nor through a plan of lan's that names it as its parent: the preview of
     * the text, the PDF, the style, the listing */
    static const char thief[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<plan xmlns=\"urn:plangen:plan:1\" style=\"party\" "
        "derives-from=\"../tinh-uy-hung-yen/179-KH-TU-2023.xml\">\n"
        "  <issuer symbol=\"CB\">CHI BỘ A</issuer>\n  <place>Hưng Yên</place>\n"
        "  <date>2023-04-05</date>\n  <summary>x</summary>\n  <p>y</p>\n"
        "  <signature authority=\"on-behalf\" collective=\"CHI BỘ\" title=\"BÍ THƯ\" name=\"A\"/>\n"
        "</plan>\n";
    request_with("POST", "/api/preview?path=chi-bo-hung-yen/ke-thua.xml", NULL, thief,
                 strlen(thief), 1, &a);
    CHECK(a.status == 403 && strstr(a.body, "\"code\":\"forbidden-parent\"") &&
              !strstr(a.body, "pages"),
          "preview of a plan deriving from a folder not lan's: %d %.200s", a.status, a.body);
    answer_free(&a);
    /* a plan lan reads but may not write: previewed as it is on disk, but no
     * other text at its path (that would be lan's, naming what lan chose) */
    size_t bloc_len = 0;
    char *bloc = read_file("hung-yen-duk-sinh-hoat-chinh-tri-2023.xml", &bloc_len);
    request_with("POST", "/api/preview?path=hung-yen-duk-sinh-hoat-chinh-tri-2023.xml", NULL, bloc,
                 bloc_len, 1, &a);
    CHECK(a.status == 200 && strstr(a.body, "\"pages\":[{"), "preview of the bloc's plan: %d",
          a.status);
    answer_free(&a);
    request_with("POST", "/api/preview?path=hung-yen-duk-sinh-hoat-chinh-tri-2023.xml", NULL, thief,
                 strlen(thief), 1, &a);
    CHECK(a.status == 403 && strstr(a.body, "forbidden-parent"),
          "another text at the path of the bloc's plan: %d", a.status);
    answer_free(&a);
    g_free(bloc);
    /* nor through a plan of lan's that derives from another of lan's that
     * does: saved, then its style, its PDF and the listing */
    static const char relay[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<plan xmlns=\"urn:plangen:plan:1\" style=\"party\" derives-from=\"ke-thua.xml\">\n"
        "  <issuer symbol=\"CB\">CHI BỘ B</issuer>\n  <place>Hưng Yên</place>\n"
        "  <date>2023-04-06</date>\n  <summary>x</summary>\n  <p>y</p>\n"
        "  <signature authority=\"on-behalf\" collective=\"CHI BỘ\" title=\"BÍ THƯ\" name=\"B\"/>\n"
        "</plan>\n";
    request_with("PUT", "/api/plan?path=chi-bo-hung-yen/ke-thua.xml", "If-None-Match: *\r\n", thief,
                 strlen(thief), 1, &a);
    CHECK(a.status == 200, "saving the plan (PUT reads nothing): %d", a.status);
    answer_free(&a);
    request_with("PUT", "/api/plan?path=chi-bo-hung-yen/tiep-noi.xml", "If-None-Match: *\r\n",
                 relay, strlen(relay), 1, &a);
    answer_free(&a);
    get("/api/style?path=chi-bo-hung-yen/tiep-noi.xml", &a);
    CHECK(a.status == 403 && strstr(a.body, "forbidden-parent"),
          "style of a plan whose chain (through lan's own plans) reaches a folder not lan's: %d",
          a.status);
    answer_free(&a);
    get("/api/pdf?path=chi-bo-hung-yen/tiep-noi.xml", &a);
    CHECK(a.status == 403 && strstr(a.body, "forbidden-parent"), "its PDF: %d", a.status);
    answer_free(&a);
    get("/api/plans", &a);
    CHECK(a.status == 200 &&
              strstr(a.body, "{\"path\":\"chi-bo-hung-yen/tiep-noi.xml\",\"folder\":"
                             "\"chi-bo-hung-yen\",\"forbidden_parent\":true,") &&
              !strstr(a.body, "TOPSECRET"),
          "the listing: %.200s", a.body);
    answer_free(&a);
    /* lan's own plan deriving from the bloc's: shown */
    get("/api/pdf?path=chi-bo-hung-yen/chi-bo-bao-hung-yen-2023.xml", &a);
    CHECK(a.status == 200, "the PDF of lan's plan: %d", a.status);
    answer_free(&a);
    request_with("PUT", "/api/plan?path=moi-o-goc.xml", "If-None-Match: *\r\n", "<x/>", 4, 1, &a);
    CHECK(a.status == 403 && strstr(a.body, "\"code\":\"forbidden\""), "writing the root: %d",
          a.status);
    answer_free(&a);
    request_with("PUT", "/api/plan?path=chi-bo-hung-yen/moi-cua-lan.xml", "If-None-Match: *\r\n",
                 "<x/>", 4, 1, &a);
    CHECK(a.status == 200, "writing lan's folder: %d", a.status);
    answer_free(&a);
    /* Word: lan imports into lan's folder, not into another unit's nor the
     * root, and gets no DOCX of a plan lan may not read */
    static const char old_plan[] = "KẾ HOẠCH\nThử nhập\nI. MỤC ĐÍCH\nNội dung.\n";
    int province_files = files_in("tinh-uy-hung-yen");
    import_as("tinh-uy-hung-yen", "kh.txt", old_plan, strlen(old_plan), 1, &a);
    CHECK(a.status == 403 && strstr(a.body, "\"code\":\"forbidden\"") &&
              files_in("tinh-uy-hung-yen") == province_files,
          "lan imports into the province's folder: %d", a.status);
    answer_free(&a);
    import_as(".", "kh.txt", old_plan, strlen(old_plan), 1, &a);
    CHECK(a.status == 403 && !exists_in_root("kh.xml"), "lan imports into the root: %d", a.status);
    answer_free(&a);
    import_as("chi-bo-hung-yen", "kh.txt", old_plan, strlen(old_plan), 1, &a);
    CHECK(a.status == 201 && strstr(a.body, "\"path\":\"chi-bo-hung-yen/kh.xml\""),
          "lan imports into lan's folder: %d %.200s", a.status, a.body);
    answer_free(&a);
    get("/api/docx?path=tinh-uy-hung-yen/179-KH-TU-2023.xml", &a);
    CHECK(a.status == 403, "the DOCX of a plan lan may not read: %d", a.status);
    answer_free(&a);
    get("/api/docx?path=chi-bo-hung-yen/tiep-noi.xml", &a);
    CHECK(a.status == 403 && strstr(a.body, "forbidden-parent"),
          "the DOCX of a plan whose chain leaves lan's folders: %d", a.status);
    answer_free(&a);
    /* the save is in the log with the account, the address and the plan; the
     * refused one is not */
    char *logged = NULL;
    g_file_get_contents(log, &logged, NULL, NULL);
    CHECK(logged && strstr(logged, " lan 127.0.0.1 chi-bo-hung-yen/moi-cua-lan.xml - ") &&
              !strstr(logged, "moi-o-goc"),
          "the save log: %s", logged ? logged : "(none)");
    g_free(logged);
    request_with("POST", "/api/logout", NULL, "", 0, 1, &a);
    CHECK(a.status == 200, "logout: %d", a.status);
    answer_free(&a);
    get("/api/plans", &a);
    CHECK(a.status == 401, "plans after logout: %d", a.status);
    answer_free(&a);
    /* hoa, below the province: derives a plan from it and previews it */
    static const char hoa[] = "{\"user\":\"hoa\",\"password\":\"mat-khau-dai-2\"}";
    request_with("POST", "/api/login", NULL, hoa, strlen(hoa), 0, &a);
    took = take_session(&a);
    CHECK(a.status == 200 && took, "login of hoa: %d", a.status);
    answer_free(&a);
    static const char derive[] =
        "{\"parent\":\"tinh-uy-hung-yen/179-KH-TU-2023.xml\",\"folder\":"
        "\"tinh-uy-hung-yen/huyen-a\",\"file\":\"kh-huyen.xml\",\"issuer\":\"HUYỆN ỦY A\","
        "\"symbol\":\"HU\",\"date\":\"2023-04-10\"}";
    request_with("POST", "/api/derive", "Content-Type: application/json\r\n", derive,
                 strlen(derive), 1, &a);
    CHECK(a.status == 201, "hoa derives from the province: %d %s", a.status, a.body);
    answer_free(&a);
    get("/api/pdf?path=tinh-uy-hung-yen/huyen-a/kh-huyen.xml", &a);
    CHECK(a.status == 200 || a.status == 422, "hoa's PDF: %d", a.status);
    answer_free(&a);
    char *kh = NULL;
    char *kh_path = g_build_filename(district, "kh-huyen.xml", NULL);
    g_file_get_contents(kh_path, &kh, NULL, NULL);
    if (kh) {
        request_with("POST", "/api/preview?path=tinh-uy-hung-yen/huyen-a/kh-huyen.xml", NULL, kh,
                     strlen(kh), 1, &a);
        CHECK(a.status == 200 && strstr(a.body, "\"pages\":[{"), "hoa's preview: %d %.200s",
              a.status, a.body);
        answer_free(&a);
    }
    CHECK(kh != NULL, "the derived plan on disk");
    g_free(kh);
    g_unlink(kh_path);
    g_free(kh_path);
    stop_other(s, &m);
    char *made_file = g_build_filename(root, "chi-bo-hung-yen", "moi-cua-lan.xml", NULL);
    g_unlink(made_file);
    g_free(made_file);
    g_unlink(users);
    g_free(users);
    g_unlink(log);
    g_free(log);
    const char *made_here[] = {"lien-ket.xml", "ke-thua.xml", "tiep-noi.xml", "kh.xml"};
    for (size_t i = 0; i < G_N_ELEMENTS(made_here); i++) {
        char *f = g_build_filename(root, "chi-bo-hung-yen", made_here[i], NULL);
        g_unlink(f);
        g_free(f);
    }
    g_rmdir(district);
    g_free(district);
}

/* Behind a reverse proxy (--proxy): failed logins are counted per client, by
 * the last address of X-Forwarded-For, not for the proxy's 127.0.0.1. */
static void test_proxy(void)
{
    char *users = g_build_filename(root, "..", "users-proxy.txt", NULL);
    const char *folders[] = {"."};
    pg_diag_list d = {0};
    CHECK(pg_users_set(users, "lan", "mat-khau-dai-1", folders, 1, &d), "pg_users_set");
    pg_diag_list_free(&d);
    pg_serve_opts o = {.root = root,
                       .data_dir = data,
                       .listen = "127.0.0.1:0",
                       .users = users,
                       .proxy = 1,
                       .timeout = 2,
                       .rate_per_s = 1e6,
                       .rate_burst = 1e6};
    main_server m;
    pg_server *s = start_other(&o, "a server behind a proxy", &m);
    if (!s) {
        g_free(users);
        return;
    }
    static const char bad[] = "{\"user\":\"khong-ai\",\"password\":\"sai-mat-khau\"}";
    static const char good[] = "{\"user\":\"lan\",\"password\":\"mat-khau-dai-1\"}";
    /* the client's own claim comes first; the proxy appended the real address */
    const char *from_a = "X-Forwarded-For: 10.9.9.9, 203.0.113.5\r\n";
    const char *from_b = "X-Forwarded-For: 10.9.9.9, 198.51.100.7\r\n";
    answer a;
    int statuses[6];
    for (int i = 0; i < 6; i++) {
        request_with("POST", "/api/login", from_a, bad, strlen(bad), 0, &a);
        statuses[i] = a.status;
        answer_free(&a);
    }
    CHECK(statuses[0] == 401 && statuses[4] == 401 && statuses[5] == 429,
          "failed logins from one client: %d .. %d, then %d", statuses[0], statuses[4],
          statuses[5]);
    request_with("POST", "/api/login", from_a, good, strlen(good), 0, &a);
    CHECK(a.status == 429, "the right password from the throttled client: %d", a.status);
    answer_free(&a);
    request_with("POST", "/api/login", from_b, good, strlen(good), 0, &a);
    CHECK(a.status == 200, "another client behind the same proxy: %d", a.status);
    answer_free(&a);
    stop_other(s, &m);
    o.users = NULL;
    int rc = 0;
    s = pg_server_start(&o, &rc);
    CHECK(!s && rc == 2, "--proxy without users: %p rc %d", (void *)s, rc);
    pg_server_stop(s);
    g_unlink(users);
    g_free(users);
}

static void test_refused_start(void)
{
    pg_serve_opts o = {.root = root, .data_dir = data, .listen = "0.0.0.0:0"};
    int rc = 0;
    pg_server *s = pg_server_start(&o, &rc);
    CHECK(!s && rc == 2, "non-loopback without users: %p rc %d", (void *)s, rc);
    pg_server_stop(s);
    o.listen = "localhost";
    s = pg_server_start(&o, &rc);
    CHECK(!s && rc == 2, "bad listen: rc %d", rc);
    pg_server_stop(s);
}

/* ---- set-up ----------------------------------------------------------------------- */

static void write_text(const char *dir, const char *name, const char *text)
{
    char *p = g_build_filename(dir, name, NULL);
    g_file_set_contents(p, text, -1, NULL);
    g_free(p);
}

static void symlink_in(const char *target, const char *dir, const char *name)
{
    char *p = g_build_filename(dir, name, NULL);
    if (symlink(target, p) != 0)
        perror("symlink");
    g_free(p);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    char tmpl[] = "/tmp/plangen-serve-XXXXXX";
    char *top = mkdtemp(tmpl);
    if (!top)
        return 1;
    root = g_build_filename(top, "plans", NULL);
    /* the server's temporary files (/api/docx) go here, where test_word counts them */
    tmp_dir = g_build_filename(top, "tmp", NULL);
    g_mkdir_with_parents(tmp_dir, 0700);
    g_setenv("TMPDIR", tmp_dir, TRUE);
    data = g_build_filename(top, "data", NULL);
    char *cmd = g_strdup_printf("cp -r '%s/plans' '%s' && mkdir -p '%s/web' && "
                                "ln -s '%s/templates' '%s/fonts' '%s'",
                                PG_SOURCE_DIR, root, data, PG_SOURCE_DIR, PG_SOURCE_DIR, data);
    if (system(cmd) != 0)
        return 1;
    g_free(cmd);
    char *web = g_build_filename(data, "web", NULL);
    write_text(web, "index.html", "<!doctype html><title>test</title>");
    write_text(web, "app.js", "1;");
    write_text(web, "style.css", "p{}");
    write_text(top, "secret.txt", "secret");
    write_text(top, "outside.xml", "<secret/>");
    write_text(root, ".hidden.xml", "<hidden/>");
    write_text(root, "notes.txt", "notes");
    char *outside = g_build_filename(top, "outside.xml", NULL);
    symlink_in(outside, root, "escape.xml");
    symlink_in(top, root, "escdir");
    g_free(outside);
    g_free(web);

    /* the rate limit far above what the test asks (test_rate checks it apart) */
    pg_serve_opts o = {.root = root,
                       .data_dir = data,
                       .listen = "127.0.0.1:0",
                       .timeout = 2,
                       .rate_per_s = 1e6,
                       .rate_burst = 1e6};
    int rc = 0;
    pg_server *s = pg_server_start(&o, &rc);
    server = s;
    if (!s) {
        fprintf(stderr, "the server did not start (%d)\n", rc);
        return 1;
    }
    port = pg_server_port(s);
    CHECK(port > 0, "port %u", port);
    test_session();
    test_static();
    test_routes();
    test_login();
    test_plans();
    test_plan_get();
    test_paths();
    test_put();
    test_preview();
    test_other_routes();
    test_word();
    test_too_large();
    test_slow_client();
    test_per_address_limit();
    test_rate();
    test_accounts();
    test_proxy();
    test_refused_start();
    pg_server_stop(s);
    pg_forget_process_caches();

    char *rm = g_strdup_printf("rm -rf '%s'", top);
    if (system(rm) != 0)
        fprintf(stderr, "could not remove %s\n", top);
    g_free(rm);
    g_free(root);
    g_free(data);
    g_free(tmp_dir);
    if (failures)
        fprintf(stderr, "%d checks failed\n", failures);
    else
        printf("all checks passed\n");
    return failures ? 1 : 0;
}
