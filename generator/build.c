/* build.c - `plangen build`: every plan of a folder (or one template per unit)
 * rendered into an output folder that mirrors it, by N worker processes, each
 * with its own fonts and styles loaded once. An output is rebuilt only when a
 * file it depends on changed (OUT/.plangen-cache). Every failure is listed;
 * one failing plan never stops the others; an interrupted build leaves every
 * output old or new. */
#define _GNU_SOURCE /* MAP_ANONYMOUS, syncfs */
#include "cli_internal.h"

#include "cache.h" /* the build's own parts: its cache file and units file */
#include "i18n.h"
#include "units.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <libxml/parser.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEXT_DEP "@text" /* the dependency on a unit's filled template */

/* A plan to build. */
typedef struct {
    char *plan;   /* path of the plan (or of the template, for a unit) */
    char *target; /* OUT/... .pdf */
    char *text;   /* a filled template; NULL for a plan file */
    int stale;
} job;

typedef pg_build_result result;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

/* ---- the cache: per output, what it was built from and what it reported ------------ */

/* The cache holds, after a line naming plangen's build and the options'
 * fingerprint (any other build or options: every output is stale), one entry
 * per output: its hash and pages, every file the run read with the hash of
 * the bytes read, and the diagnostics, replayed while the output is fresh.
 * It is untrusted (cache.h): read from a regular file only, parsed strictly;
 * a damaged cache is reported (in diags) and ignored. */
static GHashTable *cache_load(const char *out, const char *key, pg_diag_list *diags)
{
    char *path = g_build_filename(out, PG_CACHE_NAME, NULL);
    char *text = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    pg_diag_list d = {0};
    pg_input_status st = pg_read_regular_file(path, (size_t)1 << 30, &text, &len, why);
    if (st == PG_INPUT_TOO_LARGE)
        pg_diag_add(&d, PG_W_CACHE, path, 0, 0, "%s", why);
    else if (st == PG_INPUT_FAILED && access(path, F_OK) == 0)
        pg_diag_add(&d, PG_W_CACHE, path, 0, 0, "%s", why);
    GHashTable *c = pg_cache_parse(text ? text : "", len, path, out, key, &d);
    pg_diag_take(diags, &d);
    free(text);
    g_free(path);
    return c;
}

static int cache_save(const char *out, const char *key, GHashTable *c, pg_diag_list *d)
{
    char *path = g_build_filename(out, PG_CACHE_NAME, NULL);
    size_t len = 0;
    char *text = pg_cache_format(c, key, &len);
    pg_output o;
    int ok = pg_output_open(&o, path, d);
    if (ok) {
        fwrite(text, 1, len, o.f);
        ok = pg_output_commit(&o, d);
    }
    g_free(text);
    g_free(path);
    return ok;
}

/* The hash a file has now, each file hashed once per build (hashes: path -> hash). */
static const char *hash_now(GHashTable *hashes, const char *path)
{
    const char *h = g_hash_table_lookup(hashes, path);
    if (!h) {
        char buf[PG_HASH_HEX];
        pg_file_hash(path, buf);
        h = g_strdup(buf);
        g_hash_table_insert(hashes, g_strdup(path), (char *)h);
    }
    return h;
}

/* Fresh: the output is as written, and every file the run read still has the
 * bytes it read (a unit's filled template: the same text). */
static int entry_fresh(const result *e, const job *j, GHashTable *hashes, const char *today)
{
    if (!e || strcmp(hash_now(hashes, j->target), e->out_hash) != 0)
        return 0;
    for (size_t i = 0; i < e->deps.n; i++) {
        const pg_read *d = &e->deps.items[i];
        if (strcmp(d->path, TEXT_DEP) == 0) {
            char h[PG_HASH_HEX];
            pg_sha256_hex(j->text ? j->text : "", j->text ? strlen(j->text) : 0, h);
            if (!j->text || strcmp(h, d->hash) != 0)
                return 0;
        } else if (strcmp(d->path, PG_TODAY_READ) == 0) {
            /* a finding of the date of today ("dated after today"): that day only */
            char h[PG_HASH_HEX];
            pg_sha256_hex(today, strlen(today), h);
            if (strcmp(h, d->hash) != 0)
                return 0;
        } else if (strcmp(hash_now(hashes, d->path), d->hash) != 0) {
            return 0;
        }
    }
    return 1;
}

/* Which of n shards a job belongs to: by its output's path under OUT, so that
 * a plan stays in its shard when others come and go, and the shard of a gone
 * plan's output is known (for --prune). 0-based. */
static int shard_of(const char *out, const char *target, int n)
{
    size_t ol = strlen(out);
    const char *rel = strncmp(target, out, ol) == 0 ? target + ol : target;
    while (*rel == '/')
        rel++;
    return (int)(pg_hash64(rel, strlen(rel), 0) % (unsigned long long)n);
}

/* ---- jobs -------------------------------------------------------------------------- */

/* g_ptr_array_sort hands the comparison pointers to the elements. */
static int cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The walk of the folder built: each folder once (device and inode: two links
 * to "." never make it walk a tree of their own), nothing behind a symbolic
 * link that leads out of the folder (real paths compared). */
typedef struct {
    char *root_real;  /* the real path of the folder built */
    GHashTable *seen; /* "dev:ino" of the folders walked */
    pg_diag_list *diags;
} walk;

static int inside(const char *real, const char *root_real)
{
    size_t n = strlen(root_real);
    return strncmp(real, root_real, n) == 0 &&
           (real[n] == '\0' || real[n] == '/' || (n == 1 && root_real[0] == '/'));
}

/* Plans under dir (recursive, sorted): *.xml files, leaving out folders named
 * templates and files starting with '_'. */
static void find_plans(walk *w, const char *dir, GPtrArray *out)
{
    GError *ge = NULL;
    GDir *d = g_dir_open(dir, 0, &ge);
    if (!d) {
        /* a folder not read would look like plans gone (and --prune their outputs) */
        pg_diag_add(w->diags, PG_E_IO, dir, 0, 0,
                    "cannot read the folder: %s; nothing is "
                    "pruned until it can be read",
                    ge ? ge->message : _("unknown error"));
        g_clear_error(&ge);
        return;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *e;
    while ((e = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(e));
    g_dir_close(d);
    g_ptr_array_sort(names, cmp_names);
    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        char *path = g_build_filename(dir, name, NULL);
        struct stat lst, st;
        int is_xml = g_str_has_suffix(name, ".xml") && name[0] != '_';
        if (lstat(path, &lst) != 0 || stat(path, &st) != 0) {
            g_free(path); /* a dangling link, or gone since the listing */
            continue;
        }
        if (S_ISLNK(lst.st_mode) && (S_ISDIR(st.st_mode) || is_xml)) {
            char *real = realpath(path, NULL);
            int in = real && inside(real, w->root_real);
            free(real);
            if (!in) {
                pg_diag_add(w->diags, PG_E_IO, path, 0, 0,
                            "a symbolic link to outside the folder built; plangen builds only "
                            "what lies inside it: put the %s itself there",
                            S_ISDIR(st.st_mode) ? _("folder") : _("plan"));
                g_free(path);
                continue;
            }
        }
        if (S_ISDIR(st.st_mode)) {
            char *key = g_strdup_printf("%llu:%llu", (unsigned long long)st.st_dev,
                                        (unsigned long long)st.st_ino);
            if (strcmp(name, "templates") != 0 && name[0] != '.' &&
                !g_hash_table_contains(w->seen, key)) {
                g_hash_table_add(w->seen, key);
                key = NULL;
                find_plans(w, path, out);
            }
            g_free(key);
            g_free(path);
        } else if (is_xml) {
            /* a FIFO or a device is listed too: reading it fails with what it is */
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

static int folder_jobs(session *s, const char *dir, GPtrArray *jobs, pg_diag_list *diags)
{
    GPtrArray *plans = g_ptr_array_new_with_free_func(g_free);
    walk w = {realpath(dir, NULL), g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
              diags};
    struct stat st;
    if (w.root_real && stat(dir, &st) == 0) {
        g_hash_table_add(w.seen, g_strdup_printf("%llu:%llu", (unsigned long long)st.st_dev,
                                                 (unsigned long long)st.st_ino));
        find_plans(&w, dir, plans);
    }
    free(w.root_real);
    g_hash_table_destroy(w.seen);
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
    return pg_diag_worst(diags) != PG_LEVEL_ERROR;
}

/* Moves the findings of filling the template for unit e from got to diags, each
 * naming the unit and standing where it is fixed in the units file: an unused
 * value at its <param>; a placeholder without a value at the <unit>, with the
 * template's line and <param name="KEY"> instead of --set KEY=... */
static void name_the_unit(pg_diag_list *got, pg_diag_list *diags, const char *units,
                          const pg_unit *e)
{
    /* TRANSLATORS: the words before "--set" in scaffold.c's "the template needs
       ${%s}: give it with --set %s=...", exactly as translated there: a build
       finds them in that message to replace them by <param> advice. */
    const char *set = _("give it with --set ");
    for (size_t k = 0; k < got->n; k++) {
        const pg_diag *d = &got->items[k];
        const char *detail = d->detail ? d->detail : "";
        int line = e->line;
        for (size_t i = 0; d->code == PG_W_UNUSED_PARAM && i < e->n; i++) {
            size_t kl = strlen(e->keys[i]);
            if (strncmp(detail, e->keys[i], kl) == 0 && detail[kl] == ':')
                line = e->param_lines[i];
        }
        const char *s = strstr(detail, set);
        const char *eq = s ? strstr(s, "=...") : NULL;
        if (s && eq) {
            const char *key = s + strlen(set);
            pg_diag_add(diags, d->code, units, line, 0,
                        "unit \"%s\" (%s line %d): %.*sadd <param name=\"%.*s\">...</param> "
                        "to the unit%s",
                        e->name, d->file, d->line, (int)(s - detail), detail, (int)(eq - key), key,
                        eq + 4);
        } else if (d->line) {
            pg_diag_add(diags, d->code, units, line, 0, "unit \"%s\" (%s line %d): %s", e->name,
                        d->file, d->line, detail);
        } else {
            pg_diag_add(diags, d->code, units, line, 0, "unit \"%s\": %s", e->name, detail);
        }
    }
}

/* One job per unit of the units file: its template filled with the unit's
 * values. The units file and the template are untrusted: read from regular
 * files only, within the size limit, and the template must lie inside the
 * plans root (--root, else the current folder). */
static int unit_jobs(session *s, GPtrArray *jobs, pg_diag_list *diags)
{
    options *o = s->o;
    const pg_options *eo = pg_engine_options(s->engine);
    size_t max = eo->max_size > 0 ? (size_t)eo->max_size : (size_t)10 << 20;
    char *bytes = NULL, *tpl = NULL, why[PG_WHY_MAX];
    size_t len = 0, tlen = 0;
    pg_units u;
    memset(&u, 0, sizeof u);
    pg_input_status st = pg_read_regular_file(o->units, max, &bytes, &len, why);
    if (st != PG_INPUT_OK) {
        pg_diag_add(diags, st == PG_INPUT_TOO_LARGE ? PG_E_TOO_LARGE : PG_E_IO, o->units, 0, 0,
                    "%s", why);
        return 0;
    }
    int ok = pg_units_parse(bytes, len, o->units, &u, diags);
    free(bytes);
    if (!u.template_path) {
        pg_units_free(&u);
        return 0;
    }
    char *udir = g_path_get_dirname(o->units);
    char *tpath = g_build_filename(udir, u.template_path, NULL);
    g_free(udir);
    char *real = realpath(tpath, NULL), *root_real = realpath(eo->root ? eo->root : ".", NULL);
    if (!real || !root_real || !inside(real, root_real)) {
        pg_diag_add(diags, PG_E_IO, o->units, u.line, 0,
                    real ? "the template \"%s\" lies outside the plans root (--root, else the "
                           "current folder); keep templates inside it"
                         : N_("cannot read the template \"%s\": no such file"),
                    u.template_path);
        ok = 0;
    } else if ((st = pg_read_regular_file(tpath, max, &tpl, &tlen, why)) != PG_INPUT_OK) {
        pg_diag_add(diags, st == PG_INPUT_TOO_LARGE ? PG_E_TOO_LARGE : PG_E_IO, o->units, u.line, 0,
                    "cannot read the template \"%s\": %s", u.template_path, why);
        ok = 0;
    }
    free(real);
    free(root_real);
    for (size_t i = 0; tpl && i < u.n; i++) {
        const pg_unit *e = &u.units[i];
        pg_diag_list got = {0};
        char *text = pg_template_fill(tpl, tpath, (const char *const *)e->keys,
                                      (const char *const *)e->values, e->n, &got);
        name_the_unit(&got, diags, o->units, e);
        pg_diag_list_free(&got);
        if (text) {
            char *target = g_strdup_printf("%s/%s.pdf", o->out, e->name);
            g_ptr_array_add(jobs, job_new(tpath, target, g_strdup(text)));
            g_free(target);
        } else {
            ok = 0;
        }
        g_free(text);
    }
    free(tpl);
    g_free(tpath);
    pg_units_free(&u);
    return ok;
}

/* ---- workers ----------------------------------------------------------------------------- */

/* Records from a worker to the build, one per job, as lines:
 *   job INDEX STATUS PAGES MS
 *   held\tTARGET\tTMP              an output written under its temporary name,
 *                                  for the build to sync and rename (escaped)
 *   out HASH                       the output's hash, when written
 *   diag ... / dep ...              as in the cache
 *   end                             the record is whole only with this line */
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

static void run_job(session *s, job *j, guint index, int fd)
{
    /* fault injection for the tests: a worker killed in the middle of a plan */
    const char *kill_at = getenv("PLANGEN_TEST_KILL_WORKER_AT");
    if (kill_at && *kill_at && g_str_has_suffix(j->plan, kill_at))
        raise(SIGKILL);
    GTimer *t = g_timer_new();
    pg_diag_list d = {0};
    pg_reads deps = {0};
    if (j->text) {
        char h[PG_HASH_HEX];
        pg_sha256_hex(j->text, strlen(j->text), h);
        pg_reads_add(&deps, TEXT_DEP, h);
    }
    s->last_pages = 0;
    if (!s->o->check_only) {
        char *tdir = g_path_get_dirname(j->target);
        g_mkdir_with_parents(tdir, 0777);
        g_free(tdir);
    }
    int status = pg_cli_render_one(s, j->plan, j->text, j->text ? strlen(j->text) : 0,
                                   s->o->check_only ? NULL : j->target, NULL, &d, &deps);
    GString *rec = g_string_new(NULL);
    g_string_append_printf(rec, "job %u %d %d %.3f\n", index, status, s->last_pages,
                           g_timer_elapsed(t, NULL) * 1000);
    /* the outputs wait under their temporary names (pg_output_hold_commits):
     * the build puts them in place once they are on the disk (place_outputs).
     * From their taking until the record is sent, nobody else knows them: a
     * SIGINT or SIGTERM then waits, so that the handler never leaves one */
    sigset_t stop, was;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop, &was);
    char **tmps, **targets;
    size_t n_held = pg_output_take_held(&tmps, &targets);
    const char *written = NULL;
    for (size_t i = 0; i < n_held; i++) {
        char *et = pg_cache_escape(targets[i]), *ef = pg_cache_escape(tmps[i]);
        g_string_append_printf(rec, "held\t%s\t%s\n", et, ef);
        g_free(et);
        g_free(ef);
        if (strcmp(targets[i], j->target) == 0)
            written = tmps[i];
    }
    char out_hash[PG_HASH_HEX];
    if (status == EXIT_OK && !s->o->check_only && written && pg_file_hash(written, out_hash))
        g_string_append_printf(rec, "out %s\n", out_hash);
    for (size_t i = 0; i < n_held; i++) {
        free(tmps[i]);
        free(targets[i]);
    }
    free(tmps);
    free(targets);
    for (size_t i = 0; i < d.n; i++)
        pg_cache_put_diag(rec, &d.items[i]);
    for (size_t i = 0; i < deps.n; i++)
        pg_cache_put_dep(rec, &deps.items[i]);
    g_string_append(rec, "end\n");
    write_all(fd, rec->str, rec->len);
    sigprocmask(SIG_SETMASK, &was, NULL);
    g_string_free(rec, TRUE);
    pg_reads_free(&deps);
    pg_diag_list_free(&d);
    g_timer_destroy(t);
}

/* Reads the records of one worker from text; fills the results. A record cut
 * short (a worker that died while writing it) leaves its job not done. */
static void parse_records(const char *text, result *res, guint n)
{
    char **lines = g_strsplit(text, "\n", -1);
    result *cur = NULL;
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix(*l, "job ")) {
            guint idx;
            int status, pages;
            double ms;
            cur = NULL;
            if (sscanf(*l, "job %u %d %d %lf", &idx, &status, &pages, &ms) == 4 && idx < n) {
                cur = &res[idx];
                pg_build_result_clear(cur);
                cur->status = status;
                cur->pages = pages;
                cur->ms = ms;
            }
        } else if (!cur) {
            continue;
        } else if (g_str_has_prefix(*l, "held\t")) {
            char **f = g_strsplit(*l + 5, "\t", -1);
            char *target = g_strv_length(f) == 2 ? pg_cache_unescape(f[0]) : NULL;
            char *tmp = target ? pg_cache_unescape(f[1]) : NULL;
            if (tmp) {
                if (!cur->held)
                    cur->held = g_ptr_array_new_with_free_func(g_free);
                g_ptr_array_add(cur->held, target);
                g_ptr_array_add(cur->held, tmp);
            } else {
                g_free(target);
            }
            g_strfreev(f);
        } else if (g_str_has_prefix(*l, "out ")) {
            g_strlcpy(cur->out_hash, *l + 4, sizeof cur->out_hash);
        } else if (g_str_has_prefix(*l, "diag\t")) {
            char **f = g_strsplit(*l + 5, "\t", -1);
            if (g_strv_length(f) == 7)
                pg_cache_get_diag(&cur->diags, f);
            g_strfreev(f);
        } else if (g_str_has_prefix(*l, "dep\t")) {
            char **f = g_strsplit(*l + 4, "\t", -1);
            if (g_strv_length(f) == 2)
                pg_cache_get_dep(&cur->deps, f);
            g_strfreev(f);
        } else if (strcmp(*l, "end") == 0) {
            cur->done = 1;
            cur = NULL;
        }
    }
    g_strfreev(lines);
}

/* ---- reports ----------------------------------------------------------------------------- */

/* s as XML text: control characters escaped first (pg_printable), since XML
 * 1.0 cannot hold them even as character references. */
static void xml_escaped(FILE *f, const char *s)
{
    pg_buf b = {0};
    char *shown = pg_printable(s);
    pg_buf_put_xml(&b, shown);
    free(shown);
    fputs(pg_buf_str(&b), f);
    pg_buf_free(&b);
}

static void json_string(GString *g, const char *str)
{
    char *shown = pg_printable(str); /* valid UTF-8, no control character */
    const char *s = shown;
    g_string_append_c(g, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            g_string_append_printf(g, "\\%c", c);
        else if (c < 0x20)
            g_string_append_printf(g, "\\u%04x", c);
        else
            g_string_append_c(g, (char)c);
    }
    g_string_append_c(g, '"');
    free(shown);
}

/* Appends sep and the JSON object of d. */
static void json_diag(GString *g, const char *sep, const pg_diag *d)
{
    pg_buf b = {0};
    pg_diag_json_object(&b, d);
    g_string_append(g, sep);
    g_string_append(g, pg_buf_str(&b));
    pg_buf_free(&b);
}

static const char *state_of(const job *j, const result *r)
{
    if (!r->done)
        return "interrupted";
    if (r->status != EXIT_OK)
        return "failed";
    return j->stale ? "built" : "fresh";
}

/* One testcase per plan; a fresh plan reports as it did when it was built. */
static int write_junit(session *s, GPtrArray *jobs, result *res, double seconds,
                       pg_diag_list *diags)
{
    int failures = 0;
    for (guint i = 0; i < jobs->len; i++)
        failures += res[i].done && res[i].status != EXIT_OK;
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
        fprintf(f, "\" time=\"%.3f\">", r->ms / 1000);
        if (!r->done) {
            fprintf(f, "<skipped message=\"interrupted before its turn\"/>");
        } else if (r->status != EXIT_OK) {
            fprintf(f, "<failure message=\"");
            char *first = r->diags.n ? pg_diag_format(&r->diags.items[0]) : g_strdup("failed");
            xml_escaped(f, first);
            free(first);
            fprintf(f, "\" type=\"plan\">");
        } else if (r->diags.n) {
            fprintf(f, "<system-err>");
        }
        for (size_t k = 0; r->done && k < r->diags.n; k++) {
            char *line = pg_diag_format(&r->diags.items[k]);
            xml_escaped(f, line);
            fputc('\n', f);
            free(line);
        }
        if (r->done && r->status != EXIT_OK)
            fprintf(f, "</failure>");
        else if (r->done && r->diags.n)
            fprintf(f, "</system-err>");
        fprintf(f, "</testcase>\n");
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    return pg_output_commit(&o, diags);
}

/* The report: version 2 gives each diagnostic as an object (diag_format.h),
 * version 1 gave its human line. diags: the build's own, of no plan. */
static void write_json(GPtrArray *jobs, result *res, const pg_diag_list *diags, double seconds,
                       int built, int fresh, int failed)
{
    GString *g = g_string_new("{\"version\": 2, \"plans\": [");
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
        for (size_t k = 0; k < r->diags.n; k++)
            json_diag(g, k ? ", " : "", &r->diags.items[k]);
        g_string_append(g, "]}");
    }
    g_string_append(g, "\n], \"diagnostics\": [");
    for (size_t k = 0; k < diags->n; k++)
        json_diag(g, k ? ",\n  " : "\n  ", &diags->items[k]);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    g_string_append_printf(g,
                           "%s], \"built\": %d, \"fresh\": %d, \"failed\": %d, \"seconds\": %.3f, "
                           "\"max_worker_rss_kib\": %ld}\n",
                           diags->n ? "\n" : "", built, fresh, failed, seconds, ru.ru_maxrss);
    fputs(g->str, stdout);
    g_string_free(g, TRUE);
}

/* ---- the build ------------------------------------------------------------------------- */

/* 1 when path names a regular file (not a link) whose folder, links resolved,
 * lies inside the output folder (out_real: its real path). */
static int regular_inside(const char *path, const char *out_real)
{
    struct stat st;
    if (!out_real || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    char *dir = g_path_get_dirname(path);
    char *real = realpath(dir, NULL);
    int in = real && inside(real, out_real);
    free(real);
    g_free(dir);
    return in;
}

/* --prune: removes the outputs whose plan is gone, of this shard only (a shard
 * knows nothing of the other shards' plans, but each output's shard is known
 * from its path). The cache is untrusted: an output is removed only when its
 * path is a PDF below OUT (checked when the cache was read), it is a regular
 * file in a folder really inside OUT, and it still has the bytes this build
 * wrote (its hash in the cache). */
static int prune(const char *out, GHashTable *cache, GPtrArray *all, int shard_k, int shard_n)
{
    GHashTable *live = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < all->len; i++)
        g_hash_table_add(live, ((job *)all->pdata[i])->target);
    GList *keys = g_list_sort(g_hash_table_get_keys(cache), (GCompareFunc)strcmp);
    char *out_real = realpath(out, NULL);
    int pruned = 0;
    for (GList *k = keys; k; k = k->next) {
        const char *t = k->data;
        if (g_hash_table_contains(live, t) || shard_of(out, t, shard_n) != shard_k)
            continue;
        const result *e = g_hash_table_lookup(cache, t);
        char now[PG_HASH_HEX];
        if (pg_cache_output_path_ok(out, t) && regular_inside(t, out_real) &&
            pg_file_hash(t, now) && strcmp(now, e->out_hash) == 0 && unlink(t) == 0) {
            pg_cli_say("pruned %s", t);
        }
        g_hash_table_remove(cache, t);
        pruned = 1;
    }
    free(out_real);
    g_list_free(keys);
    g_hash_table_destroy(live);
    return pruned;
}

/* Removes the temporary files that a build killed outright (SIGKILL, a power
 * cut) left beside the outputs of this run: only regular files whose name is
 * the temporary-file pattern of one of these outputs (output.h), in folders
 * really inside OUT. */
static void clean_stale_temps(const char *out, GPtrArray *targets)
{
    char *out_real = realpath(out, NULL);
    GHashTable *dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)g_hash_table_destroy);
    for (guint i = 0; i < targets->len; i++) {
        char *prefix = pg_output_tmp_prefix(targets->pdata[i]);
        char *dir = g_path_get_dirname(prefix), *base = g_path_get_basename(prefix);
        free(prefix);
        GHashTable *bases = g_hash_table_lookup(dirs, dir);
        if (!bases) {
            bases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
            g_hash_table_insert(dirs, g_strdup(dir), bases);
        }
        g_hash_table_add(bases, base);
        g_free(dir);
    }
    GHashTableIter it;
    gpointer dirp, basesp;
    g_hash_table_iter_init(&it, dirs);
    while (g_hash_table_iter_next(&it, &dirp, &basesp)) {
        GDir *d = g_dir_open(dirp, 0, NULL);
        const char *name;
        while (d && (name = g_dir_read_name(d))) {
            size_t n = strlen(name);
            if (n <= 6 ||
                strspn(name + n - 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789") != 6)
                continue;
            char *base = g_strndup(name, n - 6);
            char *path = g_build_filename(dirp, name, NULL);
            if (g_hash_table_contains(basesp, base) && regular_inside(path, out_real))
                unlink(path);
            g_free(path);
            g_free(base);
        }
        if (d)
            g_dir_close(d);
    }
    g_hash_table_destroy(dirs);
    free(out_real);
}

/* ---- outputs put in place --------------------------------------------------------------- */

/* A file system the workers write to, opened before they start: syncfs()
 * reports the write errors that happened since its descriptor was opened. */
typedef struct {
    dev_t dev;
    int fd;
    int by_file; /* FUSE: syncfs() does not sync it; each file is synced */
    char *dir;
} sync_point;

#define FUSE_MAGIC 0x65735546 /* statfs f_type of a FUSE file system (linux/magic.h) */

static void add_sync_point(GArray *points, const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    struct statfs sf;
    if (fd < 0)
        return;
    if (fstat(fd, &st) != 0 || fstatfs(fd, &sf) != 0) {
        close(fd);
        return;
    }
    for (guint i = 0; i < points->len; i++)
        if (g_array_index(points, sync_point, i).dev == st.st_dev) {
            close(fd);
            return;
        }
    sync_point p = {st.st_dev, fd, sf.f_type == FUSE_MAGIC, g_strdup(dir)};
    g_array_append_val(points, p);
}

/* The file systems of the output folder and of every stale output's folder
 * (its nearest folder that exists: a mount point inside OUT exists already). */
static GArray *open_sync_points(const char *out, GPtrArray *jobs, GArray *stale)
{
    GArray *points = g_array_new(FALSE, FALSE, sizeof(sync_point));
    add_sync_point(points, out);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint k = 0; k < stale->len; k++) {
        const job *j = jobs->pdata[g_array_index(stale, guint, k)];
        char *dir = g_path_get_dirname(j->target);
        while (dir) {
            if (g_hash_table_contains(seen, dir)) {
                g_free(dir); /* its file system is known already */
                break;
            }
            g_hash_table_add(seen, dir); /* the table's now */
            if (g_file_test(dir, G_FILE_TEST_IS_DIR) || strcmp(dir, ".") == 0 ||
                strcmp(dir, "/") == 0) {
                add_sync_point(points, dir);
                break;
            }
            dir = g_path_get_dirname(dir);
        }
    }
    g_hash_table_destroy(seen);
    return points;
}

static void close_sync_points(GArray *points)
{
    for (guint i = 0; i < points->len; i++) {
        sync_point *p = &g_array_index(points, sync_point, i);
        close(p->fd);
        g_free(p->dir);
    }
    g_array_free(points, TRUE);
}

/* Syncs the file (by its name) on its own; returns 0 with errno set on failure. */
static int sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int ok = fsync(fd) == 0;
    int e = errno;
    close(fd);
    errno = e;
    return ok;
}

/* Whether tmp is a temporary file of target (pg_output_tmp_prefix): the only
 * files a record may have the build rename or remove. */
static int is_tmp_of(const char *tmp, const char *target)
{
    char *prefix = pg_output_tmp_prefix(target);
    int ok = g_str_has_prefix(tmp, prefix) && strlen(tmp) == strlen(prefix) + 6 &&
             !strchr(tmp + strlen(prefix), '/');
    free(prefix);
    return ok;
}

/* The point of dev among points; NULL: none opened. */
static const sync_point *point_of(GArray *points, dev_t dev)
{
    for (guint i = 0; i < points->len; i++)
        if (g_array_index(points, sync_point, i).dev == dev)
            return &g_array_index(points, sync_point, i);
    return NULL;
}

/* The workers leave each output under its temporary name
 * (pg_output_hold_commits). Once they are done: every file system that holds
 * an output of a plan that succeeded is synced once (syncfs on the folders
 * opened before the workers started; a file on FUSE, or on a file system not
 * opened then, by an fsync of its own), then each such output is renamed into
 * place and the folders renamed into are synced: a power cut leaves each
 * output old or new, never a part of one, as `render`'s fsync before its
 * rename does. When a sync fails, nothing is renamed: the temporary files are
 * removed, the plans fail, every previous file stays. The temporary files of
 * plans that failed or were not finished are removed. Returns 0 (with a
 * diagnostic in d) when a sync failed. */
static int place_outputs(GPtrArray *jobs, GArray *stale, result *res, GArray *points,
                         pg_diag_list *d)
{
    /* what is to be put in place: the outputs of the plans that succeeded,
     * each a temporary file of the plan's own target; where each is synced: with
     * its file system (used), or on its own (by_file: target, temporary file) */
    GPtrArray *used = g_ptr_array_new();
    GPtrArray *by_file = g_ptr_array_new();
    for (guint k = 0; k < stale->len; k++) {
        const job *j = jobs->pdata[g_array_index(stale, guint, k)];
        result *r = &res[g_array_index(stale, guint, k)];
        for (guint h = 0; r->held && h + 1 < r->held->len; h += 2) {
            const char *target = r->held->pdata[h], *tmp = r->held->pdata[h + 1];
            if (strcmp(target, j->target) != 0 || !is_tmp_of(tmp, target)) {
                g_free(r->held->pdata[h + 1]); /* no file of this plan's: left alone */
                r->held->pdata[h + 1] = NULL;
                continue;
            }
            if (!r->done || r->status != EXIT_OK) {
                unlink(tmp);
                continue;
            }
            struct stat st;
            if (lstat(tmp, &st) != 0 || !S_ISREG(st.st_mode)) {
                pg_diag_add(&r->diags, PG_E_OUTPUT, target, 0, 0,
                            "its new file %s is gone before it could be put in place", tmp);
                r->status = EXIT_PLAN;
                continue;
            }
            const sync_point *p = point_of(points, st.st_dev);
            if (!p || p->by_file) {
                g_ptr_array_add(by_file, (gpointer)target);
                g_ptr_array_add(by_file, (gpointer)tmp);
            } else if (!g_ptr_array_find(used, p, NULL)) {
                g_ptr_array_add(used, (gpointer)p);
            }
        }
    }

    /* on the disk: each file system once, or each file where that cannot be */
    const char *where = NULL; /* what could not be synced */
    int err = 0;
    for (guint i = 0; i < used->len && !where; i++) {
        const sync_point *p = used->pdata[i];
        if (syncfs(p->fd) != 0)
            err = errno, where = p->dir;
    }
    for (guint i = 0; i + 1 < by_file->len && !where; i += 2)
        if (!sync_file(by_file->pdata[i + 1]))
            err = errno, where = by_file->pdata[i];
    int failed = where != NULL;
    if (failed)
        pg_diag_add(d, PG_E_OUTPUT, where, 0, 0,
                    "the outputs could not be written to the disk (%s): none was put in "
                    "place, the previous files are left as they were; build again",
                    strerror(err));
    g_ptr_array_free(used, TRUE);
    g_ptr_array_free(by_file, TRUE);

    /* in place */
    GHashTable *dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint k = 0; k < stale->len; k++) {
        const job *j = jobs->pdata[g_array_index(stale, guint, k)];
        result *r = &res[g_array_index(stale, guint, k)];
        int ok = r->done && r->status == EXIT_OK;
        if (ok && failed) {
            pg_diag_add(&r->diags, PG_E_OUTPUT, j->target, 0, 0,
                        "not put in place: the file system could not write it to the disk; "
                        "the previous file is left as it was");
            r->status = EXIT_PLAN;
        }
        for (guint h = 0; r->held && h + 1 < r->held->len; h += 2) {
            const char *target = r->held->pdata[h], *tmp = r->held->pdata[h + 1];
            if (!tmp)
                continue;
            if (!r->done || failed || r->status != EXIT_OK) {
                unlink(tmp);
            } else if (rename(tmp, target) != 0) {
                pg_diag_add(&r->diags, PG_E_OUTPUT, target, 0, 0, "%s", strerror(errno));
                unlink(tmp);
                r->status = EXIT_PLAN;
            } else {
                g_hash_table_add(dirs, g_path_get_dirname(target));
            }
        }
        if (r->status != EXIT_OK)
            r->out_hash[0] = '\0'; /* nothing for the cache to record */
        if (r->held)
            g_ptr_array_free(r->held, TRUE);
        r->held = NULL;
    }
    /* the new names on the disk too */
    GHashTableIter it;
    gpointer dir;
    g_hash_table_iter_init(&it, dirs);
    while (g_hash_table_iter_next(&it, &dir, NULL))
        if (!failed && !sync_file(dir)) {
            pg_diag_add(d, PG_E_OUTPUT, dir, 0, 0,
                        "the names of the new outputs could not be written to the disk (%s); "
                        "build again",
                        strerror(errno));
            failed = 1;
        }
    g_hash_table_destroy(dirs);
    return !failed;
}

/* Starts `workers` processes that take the stale jobs in turn; returns 0 when
 * they could not be started. */
static int start_workers(session *s, GPtrArray *jobs, GArray *stale, int workers, pid_t *pids,
                         int *fds, guint *next)
{
    for (int w = 0; w < workers; w++) {
        int p[2];
        if (pipe(p) != 0)
            return 0;
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            close(p[0]);
            close(p[1]);
            return 0;
        }
        if (pid == 0) {
            /* a worker: takes stale jobs until none is left; fonts and styles loaded once */
            close(p[0]);
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            pg_output_cleanup_on_signal();
            pg_output_hold_commits(); /* the build puts them in place (place_outputs) */
            for (guint k; (k = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED)) < stale->len;) {
                guint i = g_array_index(stale, guint, k);
                run_job(s, jobs->pdata[i], i, p[1]);
            }
            close(p[1]);
            _exit(0);
        }
        close(p[1]);
        pids[w] = pid;
        fds[w] = p[0];
    }
    return 1;
}

/* Reads the workers' records as they come, with a progress line on a terminal,
 * until every worker has closed its pipe; then reaps them. Returns a
 * description of the first worker that did not end normally (g_free), or NULL. */
static char *collect(int workers, pid_t *pids, int *fds, guint n_stale, result *res,
                     guint n_jobs)
{
    GString **bufs = g_new0(GString *, workers);
    size_t *scanned = g_new0(size_t, workers);
    for (int w = 0; w < workers; w++)
        bufs[w] = g_string_new(NULL);
    int open_fds = workers, done = 0, done_records = 0;
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
            ssize_t got = read(fds[w], chunk, sizeof chunk);
            if (got > 0) {
                g_string_append_len(bufs[w], chunk, got);
                /* count the records finished, looking only at what is new */
                const char *c = bufs[w]->str + scanned[w];
                for (; (c = strstr(c, "\nend\n")); c += 5)
                    done_records++;
                /* a record's end may be cut by the chunk: look again at its last bytes */
                scanned[w] = bufs[w]->len > 4 ? bufs[w]->len - 4 : 0;
                continue;
            }
            if (got < 0 && errno == EINTR)
                continue;
            close(fds[w]);
            fds[w] = -1;
            open_fds--;
        }
        if (done_records != done) {
            done = done_records;
            if (tty)
                fprintf(stderr, _("\r[%d/%u] building..."), done, n_stale);
        }
    }
    char *died = NULL;
    for (int w = 0; w < workers; w++) {
        int st = 0;
        if (pids[w] > 0 && waitpid(pids[w], &st, 0) == pids[w] && !died) {
            if (WIFSIGNALED(st))
                died = g_strdup_printf(_("a worker was killed by signal %d (%s)"), WTERMSIG(st),
                                       strsignal(WTERMSIG(st)));
            else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
                died = g_strdup_printf(_("a worker exited with status %d"), WEXITSTATUS(st));
        }
        parse_records(bufs[w]->str, res, n_jobs);
        g_string_free(bufs[w], TRUE);
    }
    if (tty && n_stale)
        fprintf(stderr, "\r\033[K");
    g_free(bufs);
    g_free(scanned);
    return died;
}

/* "K/N": digits only (no sign, no space, nothing after), 1 <= K <= N <= 100000. */
static int parse_shard(const char *v, int *k, int *n)
{
    const char *slash = strchr(v, '/');
    if (!slash)
        return 0;
    size_t kl = (size_t)(slash - v), nl = strlen(slash + 1);
    if (kl == 0 || kl > 6 || nl == 0 || nl > 6 || strspn(v, "0123456789") != kl ||
        strspn(slash + 1, "0123456789") != nl)
        return 0;
    *k = atoi(v);
    *n = atoi(slash + 1);
    return *n <= 100000 && *k >= 1 && *k <= *n;
}

int pg_cmd_build(session *s)
{
    options *o = s->o;
    if (!o->out && !o->check_only) {
        fprintf(stderr, _("plangen: build needs -o OUT\n"));
        return EXIT_USAGE;
    }
    int shard_k = 0, shard_n = 1;
    if (o->shard && !parse_shard(o->shard, &shard_k, &shard_n)) {
        pg_cli_say("plangen: --shard takes K/N, two whole numbers with 1 <= K <= N <= 100000, "
                   "not \"%s\"", o->shard);
        return EXIT_USAGE;
    }
    shard_k = o->shard ? shard_k - 1 : 0;
    if (!o->out)
        o->out = "out";
    const char *dir = o->n_inputs ? o->inputs[0] : "plans";
    if (!o->units && !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        pg_cli_say("plangen: %s is not a folder", dir);
        return EXIT_USAGE;
    }
    if (!o->check_only && g_mkdir_with_parents(o->out, 0777) != 0) {
        pg_cli_say("plangen: cannot create folder %s: %s", o->out, strerror(errno));
        return EXIT_SYSTEM;
    }
    if (!pg_engine_options(s->engine)->root) {
        /* parents and images stay inside the folder built (or the units' folder) */
        pg_options eo = *pg_engine_options(s->engine);
        eo.root = o->units ? "." : dir;
        pg_engine *old = s->engine; /* eo's strings are its own */
        s->engine = pg_engine_new(&eo);
        pg_engine_free(old);
    }
    GPtrArray *all = g_ptr_array_new_with_free_func(job_free);
    /* what the build itself reports, apart from the plans: a report lists it apart */
    pg_diag_list setup = {0};
    int listed = o->units ? unit_jobs(s, all, &setup) : folder_jobs(s, dir, all, &setup);
    pg_cli_report_diags(s, &setup, 0);
    GPtrArray *jobs = g_ptr_array_new();
    for (guint i = 0; i < all->len; i++) {
        job *j = all->pdata[i];
        if (shard_of(o->out, j->target, shard_n) == shard_k)
            g_ptr_array_add(jobs, j);
    }

    /* the cache is keyed on plangen's build, the options and (when not English)
     * the language: its entries keep formatted diagnostics, which a run in
     * another language must not replay; each entry on what it read */
    char fingerprint[PG_HASH_HEX];
    pg_options_fingerprint(pg_engine_options(s->engine), fingerprint);
    int en = strcmp(pg_i18n_lang(), "en") == 0;
    char *key = g_strdup_printf("key %s %s%s%s", pg_build_id(), fingerprint,
                                en ? "" : " lang=", en ? "" : pg_i18n_lang());
    pg_diag_list cache_diags = {0};
    GHashTable *cache = o->check_only ? NULL : cache_load(o->out, key, &cache_diags);
    pg_cli_emit_diags(s, &cache_diags);
    pg_diag_take(&setup, &cache_diags);
    if (!o->check_only) {
        GPtrArray *owned = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < jobs->len; i++)
            g_ptr_array_add(owned, g_strdup(((job *)jobs->pdata[i])->target));
        g_ptr_array_add(owned, g_build_filename(o->out, PG_CACHE_NAME, NULL));
        if (o->junit)
            g_ptr_array_add(owned, g_strdup(o->junit));
        clean_stale_temps(o->out, owned);
        g_ptr_array_free(owned, TRUE);
    }
    /* --prune only on a complete list: a units file or a folder not read would make
     * every output look like one of a plan gone */
    int dirty = cache && o->prune && listed && prune(o->out, cache, all, shard_k, shard_n);
    GHashTable *hashes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char today[16];
    pg_today(pg_engine_options(s->engine), today);
    result *res = g_new0(result, jobs->len ? jobs->len : 1);
    GArray *stale = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < jobs->len; i++) {
        job *j = jobs->pdata[i];
        const result *e = cache ? g_hash_table_lookup(cache, j->target) : NULL;
        j->stale = !entry_fresh(e, j, hashes, today);
        if (j->stale) {
            g_array_append_val(stale, i);
            continue;
        }
        /* fresh: what it reported is reported again, under this run's --strict */
        res[i].done = 1;
        res[i].pages = e->pages;
        for (size_t k = 0; k < e->diags.n; k++)
            pg_diag_copy(&res[i].diags, &e->diags.items[k]);
        pg_level worst = pg_diag_worst(&res[i].diags);
        res[i].status = worst == PG_LEVEL_ERROR || (o->strict && worst == PG_LEVEL_WARNING)
                            ? EXIT_PLAN
                            : EXIT_OK;
    }
    g_hash_table_destroy(hashes);
    int workers = o->jobs ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (workers < 1)
        workers = 1;
    if ((guint)workers > stale->len)
        workers = (int)stale->len;

    GTimer *timer = g_timer_new();
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pid_t *pids = g_new0(pid_t, workers ? workers : 1);
    int *fds = g_new(int, workers ? workers : 1);
    /* the next stale job to take, shared by the workers: whoever is free takes it, so a
     * long plan does not hold up a queue of short ones */
    guint *next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                       -1, 0);
    if (next == MAP_FAILED) {
        fprintf(stderr, _("plangen: cannot start workers: %s\n"), strerror(errno));
        return EXIT_SYSTEM;
    }
    *next = 0;
    /* the file systems the outputs go to, opened before any is written (place_outputs) */
    GArray *points = o->check_only ? g_array_new(FALSE, FALSE, sizeof(sync_point))
                                   : open_sync_points(o->out, jobs, stale);
    char *died = NULL;
    if (workers) {
        if (!start_workers(s, jobs, stale, workers, pids, fds, next)) {
            fprintf(stderr, _("plangen: cannot start workers: %s\n"), strerror(errno));
            for (int w = 0; w < workers; w++)
                if (pids[w] > 0)
                    kill(pids[w], SIGTERM);
            interrupted = SIGTERM;
        }
        int started = 0;
        while (started < workers && pids[started] > 0)
            started++;
        died = collect(started, pids, fds, stale->len, res, jobs->len);
    }
    /* the outputs the workers completed go in place, even in an interrupted
     * build (a signal meanwhile is only noted: no temporary file is left) */
    pg_diag_list wd = {0};
    int synced = s->o->check_only || place_outputs(jobs, stale, res, points, &wd);
    close_sync_points(points);
    /* from here on the build writes its own files (the cache, reports): a signal
     * removes the one being written and ends the run, as for `render` */
    pg_output_cleanup_on_signal();
    double seconds = g_timer_elapsed(timer, NULL);

    /* a job without its whole record, in a run nobody interrupted: its worker died */
    for (guint k = 0; k < stale->len; k++) {
        result *r = &res[g_array_index(stale, guint, k)];
        if (r->done || interrupted)
            continue;
        job *j = jobs->pdata[g_array_index(stale, guint, k)];
        pg_build_result_clear(r);
        pg_diag_add(&r->diags, PG_E_WORKER, j->text ? j->target : j->plan, 0, 0,
                    "%s while it was on this plan or before its turn; run the build again, or "
                    "render the plan alone to see what stops it",
                    died ? died : _("a worker stopped without a word"));
        r->done = 1;
        r->status = EXIT_PLAN;
    }

    /* the report: every plan's diagnostics in plan order, fresh ones too */
    int built = 0, fresh = 0, failed = 0, skipped = 0, rc = listed ? EXIT_OK : EXIT_PLAN;
    int tty = isatty(2);
    for (guint i = 0; i < jobs->len; i++) {
        job *j = jobs->pdata[i];
        result *r = &res[i];
        pg_cli_emit_diags(s, &r->diags);
        if (!r->done) {
            skipped++; /* interrupted before its turn */
            continue;
        }
        if (r->status != EXIT_OK) {
            failed++;
            if (!tty)
                pg_cli_say("failed %s", j->text ? j->target : j->plan);
            continue;
        }
        if (!j->stale) {
            fresh++;
            continue;
        }
        built++;
        if (!tty)
            pg_cli_say("%s %s -> %s (%.0f ms)", o->check_only ? _("checked") : _("built"),
                       j->text ? _("unit") : j->plan, j->target, r->ms);
        if (cache && r->out_hash[0]) {
            result *e = g_new0(result, 1);
            *e = *r; /* takes the diagnostics and the files read */
            r->diags = (pg_diag_list){0};
            r->deps = (pg_reads){0};
            /* the entry keeps its own copy of what is reported, for the report below */
            for (size_t k = 0; k < e->diags.n; k++)
                pg_diag_copy(&r->diags, &e->diags.items[k]);
            g_hash_table_replace(cache, g_strdup(j->target), e);
            dirty = 1;
        }
    }
    if (failed)
        rc = EXIT_PLAN;
    /* a build that changed nothing leaves the cache as it was; one whose outputs
     * are not on the disk too (place_outputs) */
    if (cache && dirty && synced)
        cache_save(o->out, key, cache, &wd);
    if (o->junit)
        write_junit(s, jobs, res, seconds, &wd);
    pg_cli_emit_diags(s, &wd);
    if (wd.n)
        rc = EXIT_SYSTEM;
    pg_diag_take(&setup, &wd);
    if (o->report)
        write_json(jobs, res, &setup, seconds, built, fresh, failed);
    pg_diag_list_free(&setup);
    fprintf(stderr, _("build: %d %s, %d up to date, %d failed"), built,
            o->check_only ? _("checked") : _("built"), fresh, failed);
    if (skipped)
        fprintf(stderr, _(", %d not built"), skipped);
    fprintf(stderr, " (%.2f s)\n", seconds);
    if (interrupted) {
        fprintf(stderr, _("build: interrupted; outputs are either old or new\n"));
        rc = 128 + interrupted;
    }

    for (guint i = 0; i < jobs->len; i++)
        pg_build_result_clear(&res[i]);
    g_free(res);
    g_free(pids);
    g_free(fds);
    g_free(died);
    g_free(key);
    munmap(next, sizeof *next);
    g_timer_destroy(timer);
    g_array_free(stale, TRUE);
    if (cache)
        g_hash_table_destroy(cache);
    g_ptr_array_free(jobs, TRUE);
    g_ptr_array_free(all, TRUE);
    return rc;
}
