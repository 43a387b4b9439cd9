/* build.c - `plangen build`: every plan of a folder (or one template per unit)
 * rendered into an output folder that mirrors it, by N worker processes, each
 * with its own fonts and styles loaded once. An output is rebuilt only when a
 * file it depends on changed (OUT/.plangen-cache). Every failure is listed;
 * one failing plan never stops the others; an interrupted build leaves every
 * output old or new. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "cli_internal.h"

#include "output.h"
#include "scaffold.h"

#include <errno.h>
#include <glib.h>
#include <libxml/parser.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CACHE_NAME ".plangen-cache"
#define CACHE_MAGIC "plangen-cache 1"

/* A plan to build. */
typedef struct {
    char *plan;   /* path of the plan (or of the template, for a unit) */
    char *target; /* OUT/... .pdf */
    char *text;   /* a filled template; NULL for a plan file */
    int stale;
} job;

/* A file an output depends on, as the cache records it. */
typedef struct {
    char *path;
    long long size, mtime; /* mtime in ns */
    char hash[65];         /* SHA-256, hex */
} dep;

/* What a worker found for one job. */
typedef struct {
    int done, status, pages;
    double ms;
    pg_diag_list diags;
    GPtrArray *deps; /* dep* */
} result;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

/* ---- files and hashes ------------------------------------------------------------ */

static int stat_file(const char *path, long long *size, long long *mtime)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    *size = (long long)st.st_size;
    *mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    return 1;
}

static int hash_file(const char *path, char out[65])
{
    gchar *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, NULL))
        return 0;
    gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
    g_strlcpy(out, h, 65);
    g_free(h);
    g_free(data);
    return 1;
}

static dep *dep_new(const char *path)
{
    dep *d = g_new0(dep, 1);
    d->path = g_strdup(path);
    if (!stat_file(path, &d->size, &d->mtime) || !hash_file(path, d->hash))
        g_strlcpy(d->hash, "missing", sizeof d->hash);
    return d;
}

static void dep_free(gpointer p)
{
    dep *d = p;
    g_free(d->path);
    g_free(d);
}

/* A dependency read back from its fields (size, time, hash); takes path. */
static dep *dep_read(char *path, char *const *f)
{
    dep *d = g_new0(dep, 1);
    d->path = path;
    d->size = g_ascii_strtoll(f[0], NULL, 10);
    d->mtime = g_ascii_strtoll(f[1], NULL, 10);
    g_strlcpy(d->hash, f[2], sizeof d->hash);
    return d;
}

/* Fresh: the file is as recorded (by size and time, else by content). */
static int dep_fresh(const dep *d)
{
    long long size, mtime;
    if (!stat_file(d->path, &size, &mtime))
        return 0;
    if (size == d->size && mtime == d->mtime)
        return 1;
    char h[65];
    return size == d->size && hash_file(d->path, h) && strcmp(h, d->hash) == 0;
}

/* ---- the cache: per output, the files it was built from ---------------------------- */

typedef struct {
    char *target;
    long long size, mtime; /* of the output when written */
    GPtrArray *deps;       /* dep* */
} entry;

static void entry_free(gpointer p)
{
    entry *e = p;
    g_free(e->target);
    if (e->deps)
        g_ptr_array_free(e->deps, TRUE);
    g_free(e);
}

static GHashTable *cache_load(const char *out, const char *version)
{
    GHashTable *c = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
    char *path = g_build_filename(out, CACHE_NAME, NULL);
    gchar *text = NULL;
    if (g_file_get_contents(path, &text, NULL, NULL)) {
        char **lines = g_strsplit(text, "\n", -1);
        entry *cur = NULL;
        /* a cache of another version (or damaged) counts as empty */
        if (lines[0] && strcmp(lines[0], version) == 0) {
            for (char **l = lines + 1; *l; l++) {
                char **f = g_strsplit(*l, "\t", -1);
                guint n = g_strv_length(f);
                if (n == 4 && strcmp(f[0], "output") == 0) {
                    cur = g_new0(entry, 1);
                    cur->target = g_strdup(f[1]);
                    cur->size = g_ascii_strtoll(f[2], NULL, 10);
                    cur->mtime = g_ascii_strtoll(f[3], NULL, 10);
                    cur->deps = g_ptr_array_new_with_free_func(dep_free);
                    g_hash_table_replace(c, cur->target, cur);
                } else if (n == 5 && strcmp(f[0], "dep") == 0 && cur) {
                    g_ptr_array_add(cur->deps, dep_read(g_strdup(f[1]), f + 2));
                }
                g_strfreev(f);
            }
        }
        g_strfreev(lines);
        g_free(text);
    }
    g_free(path);
    return c;
}

static int cache_save(const char *out, const char *version, GHashTable *c, pg_diag_list *d)
{
    char *path = g_build_filename(out, CACHE_NAME, NULL);
    GList *keys = g_list_sort(g_hash_table_get_keys(c), (GCompareFunc)strcmp);
    pg_output o;
    int ok = pg_output_open(&o, path, d);
    if (ok) {
        fprintf(o.f, "%s\n", version);
        for (GList *k = keys; k; k = k->next) {
            const entry *e = g_hash_table_lookup(c, k->data);
            fprintf(o.f, "output\t%s\t%lld\t%lld\n", e->target, e->size, e->mtime);
            for (guint i = 0; i < e->deps->len; i++) {
                const dep *dp = e->deps->pdata[i];
                fprintf(o.f, "dep\t%s\t%lld\t%lld\t%s\n", dp->path, dp->size, dp->mtime, dp->hash);
            }
        }
        ok = pg_output_commit(&o, d);
    }
    g_list_free(keys);
    g_free(path);
    return ok;
}

static int entry_fresh(const entry *e)
{
    long long size, mtime;
    if (!e || !stat_file(e->target, &size, &mtime) || size != e->size || mtime != e->mtime)
        return 0;
    for (guint i = 0; i < e->deps->len; i++)
        if (!dep_fresh(e->deps->pdata[i]))
            return 0;
    return 1;
}

/* ---- jobs -------------------------------------------------------------------------- */

/* g_ptr_array_sort hands the comparison pointers to the elements. */
static int cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Plans under dir (recursive, sorted): *.xml files, leaving out folders named
 * templates and files starting with '_'. */
static void find_plans(const char *dir, GPtrArray *out)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d)
        return;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *e;
    while ((e = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(e));
    g_dir_close(d);
    g_ptr_array_sort(names, cmp_names);
    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            if (strcmp(name, "templates") != 0 && name[0] != '.')
                find_plans(path, out);
            g_free(path);
        } else if (g_str_has_suffix(name, ".xml") && name[0] != '_') {
            g_ptr_array_add(out, path);
        } else {
            g_free(path);
        }
    }
    g_ptr_array_free(names, TRUE);
}

static job *job_new(const char *plan, const char *target, char *text)
{
    job *j = g_new0(job, 1);
    j->plan = g_strdup(plan);
    j->target = g_strdup(target);
    j->text = text;
    return j;
}

static void job_free(gpointer p)
{
    job *j = p;
    g_free(j->plan);
    g_free(j->target);
    g_free(j->text);
    g_free(j);
}

static int folder_jobs(session *s, const char *dir, GPtrArray *jobs)
{
    GPtrArray *plans = g_ptr_array_new_with_free_func(g_free);
    find_plans(dir, plans);
    size_t dl = strlen(dir);
    for (guint i = 0; i < plans->len; i++) {
        const char *path = plans->pdata[i];
        const char *rel = path + dl + (path[dl] == '/');
        char *stem = g_strndup(rel, strlen(rel) - 4);
        char *target = g_strdup_printf("%s/%s.pdf", s->o->out, stem);
        g_ptr_array_add(jobs, job_new(path, target, NULL));
        g_free(target);
        g_free(stem);
    }
    g_ptr_array_free(plans, TRUE);
    return 1;
}

static int unit_jobs(session *s, GPtrArray *jobs, pg_diag_list *diags)
{
    options *o = s->o;
    xmlDoc *x = xmlReadFile(o->units, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING);
    xmlNode *root = x ? xmlDocGetRootElement(x) : NULL;
    if (!root || x->intSubset || strcmp((const char *)root->name, "units") != 0) {
        pg_diag_add(diags, PG_E_ROOT, o->units, 0, 0,
                    "not a units file: <units template=\"...\"> holding <unit name=\"...\">");
        xmlFreeDoc(x);
        return 0;
    }
    xmlChar *tattr = xmlGetProp(root, (const xmlChar *)"template");
    char *udir = g_path_get_dirname(o->units);
    char *tpath = tattr ? g_build_filename(udir, (const char *)tattr, NULL) : NULL;
    xmlFree(tattr);
    g_free(udir);
    gchar *tpl = NULL;
    int ok = tpath && g_file_get_contents(tpath, &tpl, NULL, NULL);
    if (!ok)
        pg_diag_add(diags, PG_E_IO, o->units, (int)xmlGetLineNo(root), 0,
                    "cannot read the template %s", tpath ? tpath : "(no template attribute)");
    for (xmlNode *u = ok ? root->children : NULL; u; u = u->next) {
        if (u->type != XML_ELEMENT_NODE || strcmp((const char *)u->name, "unit") != 0)
            continue;
        xmlChar *name = xmlGetProp(u, (const xmlChar *)"name");
        if (!name || !*name || strchr((const char *)name, '/') || name[0] == '.') {
            pg_diag_add(diags, PG_E_MISSING_ATTRIBUTE, o->units, (int)xmlGetLineNo(u), 0,
                        "<unit> needs name=\"...\": the output's file name, without '/'");
            xmlFree(name);
            ok = 0;
            continue;
        }
        GPtrArray *keys = g_ptr_array_new_with_free_func(xmlFree);
        GPtrArray *vals = g_ptr_array_new_with_free_func(xmlFree);
        for (xmlNode *p = u->children; p; p = p->next)
            if (p->type == XML_ELEMENT_NODE && strcmp((const char *)p->name, "param") == 0) {
                xmlChar *k = xmlGetProp(p, (const xmlChar *)"name");
                g_ptr_array_add(keys, k ? k : xmlStrdup((const xmlChar *)""));
                g_ptr_array_add(vals, xmlNodeGetContent(p));
            }
        char *text = pg_template_fill(tpl, tpath, (const char *const *)keys->pdata,
                                      (const char *const *)vals->pdata, keys->len, diags);
        if (text) {
            char *target = g_strdup_printf("%s/%s.pdf", o->out, (const char *)name);
            g_ptr_array_add(jobs, job_new(tpath, target, g_strdup(text)));
            g_free(target);
        } else {
            ok = 0;
        }
        g_free(text);
        xmlFree(name);
        g_ptr_array_free(keys, TRUE);
        g_ptr_array_free(vals, TRUE);
    }
    g_free(tpl);
    g_free(tpath);
    xmlFreeDoc(x);
    return ok;
}

/* ---- workers ----------------------------------------------------------------------------- */

/* Records from a worker to the build: one per job, as text lines:
 *   job INDEX STATUS PAGES MS
 *   diag CODE LINE COL RULE FILE\tDETAIL      (escaped: \n -> \\n)
 *   dep PATH\tSIZE\tMTIME\tHASH
 *   end */
static char *escape(const char *s)
{
    GString *g = g_string_new(NULL);
    for (; s && *s; s++) {
        if (*s == '\n')
            g_string_append(g, "\\n");
        else if (*s == '\t')
            g_string_append(g, "\\t");
        else if (*s == '\\')
            g_string_append(g, "\\\\");
        else
            g_string_append_c(g, *s);
    }
    return g_string_free(g, FALSE);
}

static char *unescape(const char *s)
{
    GString *g = g_string_new(NULL);
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            g_string_append_c(g, *s == 'n' ? '\n' : *s == 't' ? '\t' : *s);
        } else {
            g_string_append_c(g, *s);
        }
    }
    return g_string_free(g, FALSE);
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void run_job(session *s, job *j, guint index, int fd, const char *fonts_conf,
                    const char *schema)
{
    GTimer *t = g_timer_new();
    pg_diag_list d = {0};
    GPtrArray *deps = g_ptr_array_new_with_free_func(g_free);
    s->deps = deps;
    g_ptr_array_add(deps, g_strdup(j->plan));
    g_ptr_array_add(deps, g_strdup(fonts_conf));
    g_ptr_array_add(deps, g_strdup(schema));
    s->last_pages = 0;
    if (!s->o->check_only) {
        char *tdir = g_path_get_dirname(j->target);
        g_mkdir_with_parents(tdir, 0777);
        g_free(tdir);
    }
    int status = pg_cli_render_one(s, j->plan, j->text, j->text ? strlen(j->text) : 0,
                                   s->o->check_only ? NULL : j->target, NULL, &d);
    s->deps = NULL;
    GString *rec = g_string_new(NULL);
    g_string_append_printf(rec, "job %u %d %d %.3f\n", index, status, s->last_pages,
                           g_timer_elapsed(t, NULL) * 1000);
    for (size_t i = 0; i < d.n; i++) {
        char *file = escape(d.items[i].file), *detail = escape(d.items[i].detail);
        g_string_append_printf(rec, "diag %d %d %d %s %s\t%s\n", (int)d.items[i].code,
                               d.items[i].line, d.items[i].col,
                               d.items[i].rule ? d.items[i].rule : "-", file, detail);
        g_free(file);
        g_free(detail);
    }
    if (!s->hashes)
        s->hashes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, dep_free);
    for (guint i = 0; i < deps->len; i++) {
        /* a file many plans share (a parent, the style) is hashed once while unchanged */
        dep *dp = g_hash_table_lookup(s->hashes, deps->pdata[i]);
        long long size, mtime;
        if (!dp || !stat_file(dp->path, &size, &mtime) || size != dp->size || mtime != dp->mtime) {
            dp = dep_new(deps->pdata[i]);
            g_hash_table_replace(s->hashes, dp->path, dp);
        }
        char *p = escape(dp->path);
        g_string_append_printf(rec, "dep %s\t%lld\t%lld\t%s\n", p, dp->size, dp->mtime, dp->hash);
        g_free(p);
    }
    g_string_append(rec, "end\n");
    write_all(fd, rec->str, rec->len);
    g_string_free(rec, TRUE);
    g_ptr_array_free(deps, TRUE);
    pg_diag_list_free(&d);
    g_timer_destroy(t);
}

/* Reads the records of one worker from text; fills the results. */
static void parse_records(const char *text, result *res, guint n)
{
    char **lines = g_strsplit(text, "\n", -1);
    result *cur = NULL;
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix(*l, "job ")) {
            guint idx;
            int status, pages;
            double ms;
            if (sscanf(*l, "job %u %d %d %lf", &idx, &status, &pages, &ms) == 4 && idx < n) {
                cur = &res[idx];
                cur->done = 1;
                cur->status = status;
                cur->pages = pages;
                cur->ms = ms;
                cur->deps = g_ptr_array_new_with_free_func(dep_free);
            }
        } else if (g_str_has_prefix(*l, "diag ") && cur) {
            int code, line, col, off = 0;
            char rule[128];
            if (sscanf(*l, "diag %d %d %d %127s %n", &code, &line, &col, rule, &off) == 4) {
                const char *rest = *l + off;
                const char *tab = strchr(rest, '\t');
                char *file = tab ? g_strndup(rest, (gsize)(tab - rest)) : g_strdup(rest);
                char *f = unescape(file), *detail = unescape(tab ? tab + 1 : "");
                pg_diag_add(&cur->diags, (pg_diag_code)code, f, line, col, "%s", detail);
                /* rule ids are static strings of the worker: keep a copy for the build */
                if (strcmp(rule, "-") != 0)
                    pg_diag_rule(&cur->diags, g_intern_string(rule));
                if (!*detail)
                    cur->diags.items[cur->diags.n - 1].detail[0] = '\0';
                g_free(file);
                g_free(f);
                g_free(detail);
            }
        } else if (g_str_has_prefix(*l, "dep ") && cur) {
            char **f = g_strsplit(*l + 4, "\t", -1);
            if (g_strv_length(f) == 4) {
                g_ptr_array_add(cur->deps, dep_read(unescape(f[0]), f + 1));
            }
            g_strfreev(f);
        }
    }
    g_strfreev(lines);
}

/* ---- reports ----------------------------------------------------------------------------- */

static void xml_escaped(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void json_string(GString *g, const char *s)
{
    g_string_append_c(g, '"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            g_string_append_printf(g, "\\%c", c);
        else if (c < 0x20)
            g_string_append_printf(g, "\\u%04x", c);
        else
            g_string_append_c(g, (char)c);
    }
    g_string_append_c(g, '"');
}

static const char *state_of(const job *j, const result *r)
{
    if (!j->stale)
        return "fresh";
    if (!r->done)
        return "interrupted";
    return r->status == EXIT_OK ? (j->text || 1 ? "built" : "built") : "failed";
}

static int write_junit(session *s, GPtrArray *jobs, result *res, double seconds,
                       pg_diag_list *diags)
{
    int failures = 0;
    for (guint i = 0; i < jobs->len; i++)
        failures += ((job *)jobs->pdata[i])->stale && res[i].status != EXIT_OK;
    pg_output o;
    if (!pg_output_open(&o, s->o->junit, diags))
        return 0;
    FILE *f = o.f;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"plangen\" tests=\"%u\" failures=\"%d\" time=\"%.3f\">\n",
            jobs->len, failures, seconds);
    fprintf(f, "  <testsuite name=\"plangen build\" tests=\"%u\" failures=\"%d\" time=\"%.3f\">\n",
            jobs->len, failures, seconds);
    for (guint i = 0; i < jobs->len; i++) {
        const job *j = jobs->pdata[i];
        const result *r = &res[i];
        fprintf(f, "    <testcase classname=\"plangen\" name=\"");
        xml_escaped(f, j->text ? j->target : j->plan);
        fprintf(f, "\" time=\"%.3f\"", r->ms / 1000);
        if (!j->stale) {
            fprintf(f, "><skipped message=\"up to date\"/></testcase>\n");
        } else if (r->status != EXIT_OK) {
            fprintf(f, "><failure message=\"");
            char *first = r->diags.n ? pg_diag_format(&r->diags.items[0]) : g_strdup("failed");
            xml_escaped(f, first);
            free(first);
            fprintf(f, "\" type=\"plan\">");
            for (size_t k = 0; k < r->diags.n; k++) {
                char *line = pg_diag_format(&r->diags.items[k]);
                xml_escaped(f, line);
                fputc('\n', f);
                free(line);
            }
            fprintf(f, "</failure></testcase>\n");
        } else {
            fprintf(f, "/>\n");
        }
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    return pg_output_commit(&o, diags);
}

static void write_json(GPtrArray *jobs, result *res, double seconds, int built, int fresh,
                       int failed)
{
    GString *g = g_string_new("{\"plans\": [");
    for (guint i = 0; i < jobs->len; i++) {
        const job *j = jobs->pdata[i];
        const result *r = &res[i];
        g_string_append(g, i ? ",\n  {" : "\n  {");
        g_string_append(g, "\"plan\": ");
        json_string(g, j->plan);
        g_string_append(g, ", \"output\": ");
        json_string(g, j->target);
        g_string_append(g, ", \"status\": ");
        json_string(g, state_of(j, r));
        g_string_append_printf(g, ", \"ms\": %.3f, \"pages\": %d, \"diagnostics\": [", r->ms,
                               r->pages);
        for (size_t k = 0; k < r->diags.n; k++) {
            char *line = pg_diag_format(&r->diags.items[k]);
            if (k)
                g_string_append(g, ", ");
            json_string(g, line);
            free(line);
        }
        g_string_append(g, "]}");
    }
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    g_string_append_printf(g,
                           "\n], \"built\": %d, \"fresh\": %d, \"failed\": %d, \"seconds\": %.3f, "
                           "\"max_worker_rss_kib\": %ld}\n",
                           built, fresh, failed, seconds, ru.ru_maxrss);
    fputs(g->str, stdout);
    g_string_free(g, TRUE);
}

/* ---- the build ------------------------------------------------------------------------- */

static void prune(const char *out, GHashTable *cache, GPtrArray *jobs)
{
    GHashTable *live = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < jobs->len; i++)
        g_hash_table_add(live, ((job *)jobs->pdata[i])->target);
    GList *keys = g_hash_table_get_keys(cache);
    for (GList *k = keys; k; k = k->next) {
        if (g_hash_table_contains(live, k->data))
            continue;
        const char *t = k->data;
        if (g_str_has_prefix(t, out) && unlink(t) == 0)
            fprintf(stderr, "pruned %s\n", t);
        g_hash_table_remove(cache, t);
    }
    g_list_free(keys);
    g_hash_table_destroy(live);
}

int pg_cmd_build(session *s)
{
    options *o = s->o;
    if (!o->out && !o->check_only) {
        fprintf(stderr, "plangen: build needs -o OUT\n");
        return EXIT_USAGE;
    }
    int shard_k = 0, shard_n = 1;
    if (o->shard && (sscanf(o->shard, "%d/%d", &shard_k, &shard_n) != 2 || shard_n < 1 ||
                     shard_k < 1 || shard_k > shard_n)) {
        fprintf(stderr, "plangen: --shard takes K/N with 1 <= K <= N\n");
        return EXIT_USAGE;
    }
    if (!o->out)
        o->out = "out";
    if (!o->check_only && g_mkdir_with_parents(o->out, 0777) != 0) {
        fprintf(stderr, "plangen: cannot create folder %s: %s\n", o->out, strerror(errno));
        return EXIT_SYSTEM;
    }
    const char *dir = o->n_inputs ? o->inputs[0] : "plans";
    if (!o->root)
        o->root = o->units ? "." : dir; /* parents and images stay inside */
    GPtrArray *all = g_ptr_array_new_with_free_func(job_free);
    pg_diag_list setup = {0};
    int listed = o->units ? unit_jobs(s, all, &setup) : folder_jobs(s, dir, all);
    if (!o->units && !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, "plangen: %s is not a folder\n", dir);
        g_ptr_array_free(all, TRUE);
        return EXIT_USAGE;
    }
    pg_cli_print_diags(&setup, 0);
    pg_diag_list_free(&setup);
    /* a shard: every N-th plan of the sorted list */
    GPtrArray *jobs = g_ptr_array_new();
    for (guint i = 0; i < all->len; i++)
        if ((int)(i % (guint)shard_n) == shard_k - (o->shard ? 1 : 0))
            g_ptr_array_add(jobs, all->pdata[i]);

    char version[96];
    snprintf(version, sizeof version, CACHE_MAGIC " %s", s->creator);
    GHashTable *cache = o->check_only ? NULL : cache_load(o->out, version);
    if (cache && o->prune)
        prune(o->out, cache, jobs);
    GArray *stale = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < jobs->len; i++) {
        job *j = jobs->pdata[i];
        j->stale = !cache || !entry_fresh(g_hash_table_lookup(cache, j->target));
        if (j->stale)
            g_array_append_val(stale, i);
    }
    result *res = g_new0(result, jobs->len ? jobs->len : 1);
    int workers = o->jobs ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (workers < 1)
        workers = 1;
    if ((guint)workers > stale->len)
        workers = stale->len ? (int)stale->len : 1;

    char *fonts_conf = g_strdup_printf("%s/fonts.conf", s->fonts_dir);
    GTimer *timer = g_timer_new();
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pid_t *pids = g_new0(pid_t, workers);
    int *fds = g_new(int, workers);
    GString **bufs = g_new0(GString *, workers);
    size_t *scanned = g_new0(size_t, workers);
    /* the next stale job to take, shared by the workers: whoever is free takes it, so a
     * long plan does not hold up a queue of short ones */
    guint *next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                       -1, 0);
    if (next == MAP_FAILED) {
        fprintf(stderr, "plangen: cannot start workers: %s\n", strerror(errno));
        return EXIT_SYSTEM;
    }
    *next = 0;
    for (int w = 0; w < workers && stale->len; w++) {
        int p[2];
        if (pipe(p) != 0) {
            fprintf(stderr, "plangen: cannot start workers: %s\n", strerror(errno));
            return EXIT_SYSTEM;
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            /* a worker: takes stale jobs until none is left; fonts and styles loaded once */
            close(p[0]);
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            pg_output_cleanup_on_signal();
            for (guint k; (k = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED)) < stale->len;) {
                guint i = g_array_index(stale, guint, k);
                run_job(s, jobs->pdata[i], i, p[1], fonts_conf, s->schema);
            }
            close(p[1]);
            _exit(0);
        }
        close(p[1]);
        pids[w] = pid;
        fds[w] = p[0];
        bufs[w] = g_string_new(NULL);
    }
    /* collect the records as they come, with a progress display */
    int open_fds = stale->len ? workers : 0, done = 0, done_records = 0;
    int tty = isatty(2);
    while (open_fds > 0) {
        struct pollfd pfd[256];
        int map[256], np = 0;
        for (int w = 0; w < workers && np < 256; w++)
            if (fds[w] >= 0) {
                pfd[np] = (struct pollfd){.fd = fds[w], .events = POLLIN};
                map[np++] = w;
            }
        int r = poll(pfd, (nfds_t)np, 200);
        if (interrupted) {
            for (int w = 0; w < workers; w++)
                if (pids[w] > 0)
                    kill(pids[w], SIGTERM);
        }
        if (r <= 0)
            continue;
        for (int k = 0; k < np; k++) {
            if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int w = map[k];
            char chunk[8192];
            ssize_t n = read(fds[w], chunk, sizeof chunk);
            if (n > 0) {
                g_string_append_len(bufs[w], chunk, n);
                /* count the records finished, looking only at what is new */
                const char *c = bufs[w]->str + scanned[w];
                for (; (c = strstr(c, "\nend\n")); c += 5)
                    done_records++;
                /* a record's end may be cut by the chunk: look again at its last bytes */
                scanned[w] = bufs[w]->len > 4 ? bufs[w]->len - 4 : 0;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            close(fds[w]);
            fds[w] = -1;
            open_fds--;
        }
        if (done_records != done) {
            done = done_records;
            if (tty)
                fprintf(stderr, "\r[%d/%u] building...", done, stale->len);
        }
    }
    for (int w = 0; w < workers; w++) {
        if (pids[w] > 0)
            waitpid(pids[w], NULL, 0);
        if (bufs[w]) {
            parse_records(bufs[w]->str, res, jobs->len);
            g_string_free(bufs[w], TRUE);
        }
    }
    if (tty && stale->len)
        fprintf(stderr, "\r\033[K");
    /* from here on the build writes its own files (the cache, reports): a signal
     * removes the one being written and ends the run, as for `render` */
    pg_output_cleanup_on_signal();
    double seconds = g_timer_elapsed(timer, NULL);

    /* the report: every plan's diagnostics in plan order */
    int built = 0, fresh = 0, failed = 0, skipped = 0, rc = listed ? EXIT_OK : EXIT_PLAN;
    for (guint i = 0; i < jobs->len; i++) {
        job *j = jobs->pdata[i];
        result *r = &res[i];
        if (!j->stale) {
            fresh++;
            continue;
        }
        pg_diag_print(&r->diags, stderr);
        if (!r->done) {
            skipped++; /* interrupted before its turn */
            continue;
        }
        if (r->status != EXIT_OK) {
            failed++;
            if (r->status > rc)
                rc = r->status == EXIT_SYSTEM ? EXIT_PLAN : r->status;
            if (!tty)
                fprintf(stderr, "failed %s\n", j->text ? j->target : j->plan);
            continue;
        }
        built++;
        if (!tty)
            fprintf(stderr, "%s %s -> %s (%.0f ms)\n", o->check_only ? "checked" : "built",
                    j->text ? "unit" : j->plan, j->target, r->ms);
        if (cache) {
            entry *e = g_new0(entry, 1);
            e->target = g_strdup(j->target);
            stat_file(j->target, &e->size, &e->mtime);
            e->deps = r->deps;
            r->deps = NULL;
            g_hash_table_replace(cache, e->target, e);
        }
    }
    if (failed && rc == EXIT_OK)
        rc = EXIT_PLAN;
    pg_diag_list wd = {0};
    if (cache)
        cache_save(o->out, version, cache, &wd);
    if (o->junit)
        write_junit(s, jobs, res, seconds, &wd);
    pg_diag_print(&wd, stderr);
    pg_diag_list_free(&wd);
    if (o->report)
        write_json(jobs, res, seconds, built, fresh, failed);
    fprintf(stderr, "build: %d %s, %d up to date, %d failed", built,
            o->check_only ? "checked" : "built", fresh, failed);
    if (skipped)
        fprintf(stderr, ", %d not built", skipped);
    fprintf(stderr, " (%.2f s)\n", seconds);
    if (interrupted) {
        fprintf(stderr, "build: interrupted; outputs are either old or new\n");
        rc = 128 + interrupted;
    }

    for (guint i = 0; i < jobs->len; i++) {
        pg_diag_list_free(&res[i].diags);
        if (res[i].deps)
            g_ptr_array_free(res[i].deps, TRUE);
    }
    g_free(res);
    g_free(pids);
    g_free(fds);
    g_free(bufs);
    g_free(scanned);
    munmap(next, sizeof *next);
    g_free(fonts_conf);
    g_timer_destroy(timer);
    g_array_free(stale, TRUE);
    if (cache)
        g_hash_table_destroy(cache);
    g_ptr_array_free(jobs, TRUE);
    g_ptr_array_free(all, TRUE);
    return rc;
}
