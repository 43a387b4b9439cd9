/* serve_internal.h - private to `plangen serve`: the server's state, one
 * request as the handlers see it, and the reply helpers (serve.c) that the
 * API's handlers (serve_api.c) use. */
#ifndef PG_SERVE_INTERNAL_H
#define PG_SERVE_INTERNAL_H

#include "plangen.h"
#include "serve.h"
#include "serve_auth.h"

#include <json-glib/json-glib.h>
#include <microhttpd.h>
#include <pthread.h>

enum {
    BODY_MAX = 16 << 20,     /* bytes of a request body dropped before the connection
                                is cut (each route has its own limit, serve.c) */
    PREVIEW_MAX = 2 << 20,   /* bytes of a plan sent to /api/preview */
    PREVIEW_PAGES_MAX = 200, /* pages of one preview */
    JSON_MAX = 64 << 10,     /* bytes of a JSON request body */
    JSON_DEPTH_MAX = 32,     /* nesting of a JSON request body */
    IMPORT_MAX = 10 << 20,   /* bytes of an old plan uploaded to /api/import */
    PAGE_CACHE_MAX = 256,    /* pages kept for /api/page */
    PLAN_CACHE_MAX = 4096,   /* plans' lint summaries kept for /api/plans */
    WALK_DEPTH_MAX = 32,     /* folders under the root */
    WALK_FILES_MAX = 20000,  /* files listed in one walk */
};
#define PAGE_CACHE_BYTES ((size_t)64 << 20)

typedef struct {
    char hash[PG_HASH_HEX]; /* "" when the slot is free */
    pg_page *page;          /* a copy of the page, its items' references taken; owned */
    unsigned char *png;     /* NULL until asked for; malloc'd */
    size_t png_len;
    double png_dpi;
    size_t cost;             /* bytes it holds, roughly */
    unsigned long long used; /* LRU clock */
} page_slot;

typedef struct {
    char *path;             /* relative to the root; the key */
    char hash[PG_HASH_HEX]; /* of the bytes linted */
    long long mtime_ns;
    char *title, *symbol, *date, *derives_from; /* heap; NULL */
    int number;                                 /* -1: none */
    int errors, warnings;
} plan_summary;

struct pg_server {
    struct MHD_Daemon *daemon;
    pg_engine *engine;
    pg_auth *auth;
    pg_users users;
    FILE *log;
    char *root;      /* the root's real path */
    char *root_name; /* its last component */
    char *data_dir;
    char *web_dir; /* DATA_DIR/web */
    char url[128];
    unsigned port;
    int open;  /* no login: loopback without --users (anonymous writer) */
    int proxy; /* --proxy: clients by X-Forwarded-For from loopback */
    /* the one lock around every call into libplangen, which guards the
     * page cache and the plan summaries too */
    pthread_mutex_t engine_lock;
    /* compare-and-write of plan files */
    pthread_mutex_t save_lock;
    page_slot pages[PAGE_CACHE_MAX];
    size_t page_bytes;
    unsigned long long clock;
    plan_summary *plans;
    size_t n_plans;
    unsigned long lint_runs; /* plans linted for /api/plans */
};

/* One request as a handler sees it. */
typedef struct {
    pg_server *srv;
    struct MHD_Connection *conn;
    const char *method; /* "GET", "HEAD", "PUT", "POST", "DELETE"... */
    const char *url;    /* the decoded path, without the query */
    const char *body;   /* the body, NUL-terminated; "" when none */
    size_t body_len;
    char addr[64];   /* the client's address */
    int has_session; /* session below is valid */
    pg_session session;
    int new_session; /* made by this request: set its cookie */
} request;

/* ---- replies (serve.c): each queues the answer and returns its MHD result -- */

/* Adds the security headers (and Cache-Control: no-store when api), queues
 * the response with status and destroys it. */
enum MHD_Result reply(request *rq, unsigned status, struct MHD_Response *resp, int api);
/* A JSON reply; takes the node. */
enum MHD_Result reply_json(request *rq, unsigned status, JsonNode *node);
/* reply_json with one more header (name NULL: none) */
enum MHD_Result reply_json_with(request *rq, unsigned status, JsonNode *node, const char *name,
                                const char *value);
/* {"error": message, "code": code}: message in Vietnamese. */
enum MHD_Result reply_error(request *rq, unsigned status, const char *code, const char *message);
/* Bytes of a given type; data is copied. */
enum MHD_Result reply_bytes(request *rq, unsigned status, const char *type, const void *data,
                            size_t len, int api);
/* The value of a query argument, NULL when missing; *has_nul set when the
 * decoded value holds a NUL byte (%00). */
const char *query_arg(request *rq, const char *key, int *has_nul);
const char *header(request *rq, const char *name);

/* Parses the request's body as JSON into p after checking that it nests at
 * most JSON_DEPTH_MAX deep (json-glib recurses once per level). 1 when parsed,
 * 0 when not JSON, -1 when nested deeper. */
int json_parse_body(JsonParser *p, const request *rq);

/* ---- paths (serve.c) ---------------------------------------------------------- */

/* Checks a plan path of the API (relative, '/'-separated, components that do
 * not start with '.', no '\\', ending in ".xml"): 0 when fine, else the status
 * to answer (400). */
unsigned path_syntax(const char *rel, int has_nul);
/* Checks a folder of the API ("" or "." is the root; else as a path without the
 * .xml rule): 0 when fine, else 400. */
unsigned folder_syntax(const char *folder);
/* The absolute path of rel under the root once its real path (links followed)
 * is known to lie inside the root's real path; when the file does not exist
 * and may_be_new, its folder's real path must. Returns a g_malloc'd path, or
 * NULL with *status 403 (outside), 404 (missing) or 400. */
char *resolve_plan(pg_server *srv, const char *rel, int may_be_new, unsigned *status);
/* 1 when the plan at full (its text, when given, instead of the file's) may
 * show the session what it reads: a plan the session may write names parents,
 * used plans and images only in folders the session may read, and so on down
 * through the plans of the chain it may write (a plan it may not write names
 * what its writer, who had the right, chose). Parses each such plan (engine
 * lock held). Always 1 on an open server. */
int chain_readable(request *rq, const char *full, const char *text, size_t len);
/* The folder part of a relative plan path: "." for the root. g_malloc'd. */
char *plan_folder(const char *rel);

/* ---- what the API's files share (serve_api.c) ------------------------------ */

enum { PLAN_MAX = 10 << 20 }; /* bytes of a plan file read by the API */

/* The reply for a path refused with status (400, 403 or 404). */
enum MHD_Result path_error(request *rq, unsigned status);
/* 403 forbidden: no right to write (write) or to read. */
enum MHD_Result forbidden(request *rq, int write);
/* Whether the session may read the folder of the plan at rel. */
int may_read(request *rq, const char *rel);
/* {"error", "code", "findings": [...]} with status. */
enum MHD_Result reply_findings(request *rq, unsigned status, const char *code, const char *message,
                               const pg_diag_list *d);
/* The "message" (the diagnostic's fixed text) and "hint" (its detail, or null)
 * members of a finding, into the builder's open object. */
void add_message_hint(JsonBuilder *b, const pg_diag *g);
/* Ends the builder's object and returns its node (the builder is freed). */
JsonNode *finish(JsonBuilder *b);
/* Writes text to full (rel: its path from the root, for the save log) unless
 * something is there already: a temporary file renamed into place, the check
 * and the rename under the save lock (serve_new.c). Returns the status: 201,
 * 409 (taken), 500 (not written). */
unsigned create_plan_file(request *rq, const char *rel, const char *full, const char *text);

/* ---- the API (serve_api.c, serve_new.c) ----------------------------------------------------- */

enum MHD_Result api_plans(request *rq);
enum MHD_Result api_plan(request *rq);
enum MHD_Result api_preview(request *rq);
enum MHD_Result api_page(request *rq);
enum MHD_Result api_pdf(request *rq);
enum MHD_Result api_docx(request *rq);
enum MHD_Result api_import(request *rq);
enum MHD_Result api_style(request *rq);
enum MHD_Result api_templates(request *rq);
enum MHD_Result api_new(request *rq);
enum MHD_Result api_derive(request *rq);
/* Frees the page cache and the plan summaries (under no lock: at the end). */
void api_caches_free(pg_server *srv);

#endif
