/* pango_sync.c - pango's fontconfig tasks run in the calling thread.
 *
 * pango 1.50 starts a new thread for every font pattern it meets (an
 * FcFontSetMatch, sometimes an FcFontSetSort), then makes the caller wait for
 * the answer. A plan meets some 25 patterns, so a single
 * render created 50 threads and waited for each in turn: measured with bench/,
 * about 6 % of a one-plan run on a 2-core VM, for no parallelism at all
 * (plangen's private configuration holds a handful of fonts; each match takes
 * microseconds).
 *
 * This definition in the executable comes before GLib's in symbol lookup. For
 * those two tasks, and only them, it runs the
 * task at once and hands pango a reference to the calling thread, which pango
 * only unreferences; the task has stored its answer before pango looks for it,
 * so pango never waits. Every other thread (GLib's own, a later pango's
 * long-lived fontconfig thread, whose name differs) is created by GLib as usual. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glib.h>
#include <string.h>

typedef GThread *(*thread_new_fn)(const gchar *, GThreadFunc, gpointer);

GThread *g_thread_new(const gchar *name, GThreadFunc func, gpointer data)
{
    /* not "[pango] FcInit": pango starts it holding the lock the task takes */
    static const char *const inline_tasks[] = {"[pango] FcFontSetMatch", "[pango] FcFontSetSort"};
    for (size_t i = 0; name && i < G_N_ELEMENTS(inline_tasks); i++)
        if (strcmp(name, inline_tasks[i]) == 0) {
            func(data);
            return g_thread_ref(g_thread_self());
        }
    static thread_new_fn real;
    if (!real) {
        void *sym = dlsym(RTLD_NEXT, "g_thread_new");
        memcpy(&real, &sym, sizeof real); /* ISO C has no object-to-function cast */
    }
    return real(name, func, data);
}
