/* pango_sync.c - pango 1.50's fontconfig tasks run in the calling thread.
 *
 * pango 1.50 starts a new thread for every font pattern it meets (an
 * FcFontSetMatch, sometimes an FcFontSetSort), then makes the caller wait for
 * the answer. A plan meets some 25 patterns, so a single render created 50
 * threads and waited for each in turn, for no parallelism at all (plangen's
 * private configuration holds a handful of fonts; each match takes
 * microseconds). Measured again with hyperfine on 2026-11-29 (Hưng Yên plan,
 * whole process, 40 runs each): 37.9 ms with it, 43.0 ms without (-12 %,
 * system time 8.4 -> 11.9 ms).
 *
 * This definition of g_thread_new, linked into every program that uses
 * libplangen (plangen, the tests, the fuzzers: the same configuration
 * everywhere), comes before GLib's in symbol lookup. Only under the pango it
 * was written for (1.50.x, checked at run time), and for those two tasks only,
 * it runs the task at once and hands pango a reference to the calling thread,
 * which pango only unreferences; the task has stored its answer before pango
 * looks for it, so pango never waits. Every other thread, and every thread of
 * another pango, is created by GLib as usual. */
#define _GNU_SOURCE
#include "pango_sync.h"

#include <dlfcn.h>
#include <glib.h>
#include <pango/pango.h>
#include <string.h>

typedef GThread *(*thread_new_fn)(const gchar *, GThreadFunc, gpointer);

int pg_pango_inline_tasks(void)
{
    static int active = -1;
    if (active < 0) {
        int v = pango_version();
        active = v >= PANGO_VERSION_ENCODE(1, 50, 0) && v < PANGO_VERSION_ENCODE(1, 51, 0);
    }
    return active;
}

GThread *g_thread_new(const gchar *name, GThreadFunc func, gpointer data)
{
    /* not "[pango] FcInit": pango starts it holding the lock the task takes */
    static const char *const inline_tasks[] = {"[pango] FcFontSetMatch", "[pango] FcFontSetSort"};
    for (size_t i = 0; name && i < G_N_ELEMENTS(inline_tasks); i++)
        if (strcmp(name, inline_tasks[i]) == 0 && pg_pango_inline_tasks()) {
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
