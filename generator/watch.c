/* watch.c - `plangen watch`: renders the plans, then again whenever a file a
 * render read changes (the plan, its parents and the plans it uses, the style
 * and what it extends, images, fonts.conf...), until SIGINT or SIGTERM.
 *
 * GLib's file monitors (inotify) watch the folders of those files, not the
 * files: an editor that saves by writing a new file and renaming it over the
 * old one replaces the inode a file monitor would hold. An event only marks
 * the round as due; a quiet spell of DEBOUNCE_MS later, each plan whose read
 * files' bytes differ from the hashes its last render took is rendered again
 * (a save that rewrites the same bytes, or the PDF written beside the plan,
 * renders nothing). Each render prints its findings; one that fails leaves the
 * last good output in place (outputs are renamed into place only when whole).
 * Every round starts a fresh engine, so that a changed style is read again. */
#include "cli_internal.h"

#include "i18n.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <string.h>

/* How long the files must stay quiet before a round (ms): an editor's save is
 * several events (write, rename, attributes) within a few milliseconds. */
#define DEBOUNCE_MS 150

typedef struct {
    const char *path;   /* as given */
    const char *target; /* its output */
    pg_reads reads;     /* what its last render read, with the hashes then */
    int rendered;       /* it has been rendered at least once */
} wplan;

typedef struct {
    session *s;
    wplan *plans;
    int n;
    GHashTable *monitors; /* folder path (owned) -> GFileMonitor (a reference) */
    guint due;            /* the pending round's timeout source; 0: none */
    GMainLoop *loop;
    int rc;               /* the last round's worst exit status */
} watcher;

static void on_event(GFileMonitor *m, GFile *file, GFile *other, GFileMonitorEvent ev,
                     gpointer ud);

static void drop_monitor(gpointer m)
{
    if (m) { /* NULL: a folder that could not be watched */
        g_file_monitor_cancel(m);
        g_object_unref(m);
    }
}

/* Watches dir (once). */
static void watch_folder(watcher *w, const char *dir)
{
    if (g_hash_table_contains(w->monitors, dir))
        return;
    GFile *f = g_file_new_for_path(dir);
    GError *err = NULL;
    GFileMonitor *m = g_file_monitor_directory(f, G_FILE_MONITOR_WATCH_MOVES, NULL, &err);
    g_object_unref(f);
    if (!m) {
        pg_cli_say("plangen: warning: cannot watch %s (%s): its files' changes go unseen", dir,
                   err->message);
        g_error_free(err);
        g_hash_table_insert(w->monitors, g_strdup(dir), NULL);
        return;
    }
    g_signal_connect(m, "changed", G_CALLBACK(on_event), w);
    g_hash_table_insert(w->monitors, g_strdup(dir), m);
}

/* Watches the folder of every file the plan's render read; returns how many
 * files that is. */
static int watch_reads(watcher *w, const wplan *p)
{
    int n = 0;
    for (size_t i = 0; i < p->reads.n; i++) {
        const char *path = p->reads.items[i].path;
        if (path[0] == '@') /* a pseudo-file: today's date */
            continue;
        n++;
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) /* the fonts folder: its listing */
            watch_folder(w, path);
        char *dir = g_path_get_dirname(path);
        watch_folder(w, dir);
        g_free(dir);
    }
    return n;
}

/* 1 when a file the plan's last render read now has other bytes (or is gone,
 * or has come back). */
static int stale(const wplan *p)
{
    if (!p->rendered)
        return 1;
    for (size_t i = 0; i < p->reads.n; i++) {
        const pg_read *r = &p->reads.items[i];
        if (r->path[0] == '@')
            continue;
        char now[PG_HASH_HEX];
        pg_file_hash(r->path, now);
        if (strcmp(now, r->hash) != 0)
            return 1;
    }
    return 0;
}

/* A fresh engine with the same options: styles, the schema and fonts.conf are
 * read again. */
static void renew_engine(session *s)
{
    pg_options o = *pg_engine_options(s->engine);
    pg_engine *e = pg_engine_new(&o);
    pg_engine_free(s->engine);
    s->engine = e;
}

/* Renders every stale plan; prints what happened. */
static void round_of_renders(watcher *w)
{
    int any = 0;
    for (int i = 0; i < w->n; i++)
        any |= stale(&w->plans[i]);
    if (!any) {
        pg_cli_say("plangen: the files were touched, but their bytes are the same: nothing to "
                   "render");
        return;
    }
    renew_engine(w->s);
    int rc = EXIT_OK, files = 0;
    for (int i = 0; i < w->n; i++) {
        wplan *p = &w->plans[i];
        if (!stale(p)) {
            files += watch_reads(w, p);
            continue;
        }
        pg_reads reads = {0};
        int r = pg_cli_render_one(w->s, p->path, NULL, 0, p->target, w->s->o->png_dir, NULL, &reads);
        if (reads.n) { /* a plan that could not even be read keeps its old list */
            pg_reads_free(&p->reads);
            p->reads = reads;
        } else {
            pg_reads_free(&reads);
            pg_reads_add_file(&p->reads, p->path, NULL);
        }
        p->rendered = 1;
        if (r == EXIT_OK)
            pg_cli_say(ngettext("plangen: %s: rendered %s (%d page)",
                                "plangen: %s: rendered %s (%d pages)", w->s->last_pages),
                       p->path, p->target, w->s->last_pages);
        else
            pg_cli_say("plangen: %s: not rendered; %s keeps its last good version", p->path,
                       p->target);
        if (r > rc)
            rc = r;
        files += watch_reads(w, p);
    }
    w->rc = rc;
    pg_cli_say(ngettext("plangen: watching %d file; Ctrl+C stops",
                        "plangen: watching %d files; Ctrl+C stops", files),
               files);
}

static gboolean on_quiet(gpointer ud)
{
    watcher *w = ud;
    w->due = 0;
    round_of_renders(w);
    return G_SOURCE_REMOVE;
}

static void on_event(GFileMonitor *m, GFile *file, GFile *other, GFileMonitorEvent ev,
                     gpointer ud)
{
    (void)m, (void)file, (void)other;
    watcher *w = ud;
    if (ev == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
        return;
    /* the round waits for the files to be quiet: every event starts the wait again */
    if (w->due)
        g_source_remove(w->due);
    w->due = g_timeout_add(DEBOUNCE_MS, on_quiet, w);
}

static gboolean on_signal(gpointer ud)
{
    watcher *w = ud;
    g_main_loop_quit(w->loop);
    return G_SOURCE_REMOVE;
}

int pg_cmd_watch(session *s, char *const *targets)
{
    watcher w = {.s = s, .n = s->o->n_inputs};
    w.plans = g_new0(wplan, (size_t)w.n);
    for (int i = 0; i < w.n; i++) {
        w.plans[i].path = s->o->inputs[i];
        w.plans[i].target = targets[i];
    }
    w.monitors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, drop_monitor);
    w.loop = g_main_loop_new(NULL, FALSE);
    guint sigint = g_unix_signal_add(SIGINT, on_signal, &w);
    guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &w);
    round_of_renders(&w);
    g_main_loop_run(w.loop);
    g_source_remove(sigint);
    g_source_remove(sigterm);
    if (w.due)
        g_source_remove(w.due);
    g_hash_table_destroy(w.monitors);
    g_main_loop_unref(w.loop);
    for (int i = 0; i < w.n; i++)
        pg_reads_free(&w.plans[i].reads);
    g_free(w.plans);
    pg_cli_say("plangen: stopped watching");
    return EXIT_OK;
}
