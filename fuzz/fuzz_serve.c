/* fuzz_serve.c - libFuzzer harness: raw bytes as one HTTP connection to
 * `plangen serve`. The server (its daemon threads, engine, caches) is started
 * once on a copy of plans/; each input is written into one end of a socket
 * pair whose other end is handed to the daemon, the writing side is shut, and
 * the answer is read until the server closes. A server that neither answers
 * nor closes within 9 s is a hang: abort (libFuzzer's -timeout=10 would too).
 *
 * "@S@" and "@C@" in an input become a session's cookie value and its CSRF
 * token, so that the state-changing routes are reached too; after an input
 * that may have written (PUT, /api/new, /api/derive, /api/import), the plans are copied
 * afresh, so that every input meets the same files. */
#define _GNU_SOURCE /* memmem */
#include "serve.h"

#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static pg_server *server;
static char session_id[65], csrf[65];
static char *restore_cmd;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);
    /* a GLib critical (json-glib handed a NULL node...) is a bug: crash on it */
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    char *top = g_dir_make_tmp("pg-fuzz-serve-XXXXXX", NULL);
    if (!top)
        abort();
    restore_cmd = g_strdup_printf("rm -rf '%s/plans' && cp -r '%s/plans' '%s/plans'", top,
                                  PG_SOURCE_DIR, top);
    if (system(restore_cmd) != 0)
        abort();
    char *root = g_build_filename(top, "plans", NULL);
    /* no listening address is needed, but the daemon takes one: a free port */
    /* every input from the one address: no rate limit, or most would be 429 */
    pg_serve_opts o = {.root = root,
                       .data_dir = PG_SOURCE_DIR,
                       .listen = "127.0.0.1:0",
                       .timeout = 5,
                       .rate_per_s = 1e9,
                       .rate_burst = 1e9};
    int rc = 0;
    server = pg_server_start(&o, &rc);
    if (!server)
        abort();
    pg_server_session(server, session_id, csrf);
    g_free(root);
    g_free(top);
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The input with its placeholders filled in. */
static GByteArray *fill(const uint8_t *data, size_t size)
{
    GByteArray *out = g_byte_array_sized_new((guint)size);
    for (size_t i = 0; i < size;) {
        if (i + 3 <= size && data[i] == '@' && data[i + 2] == '@' &&
            (data[i + 1] == 'S' || data[i + 1] == 'C')) {
            const char *v = data[i + 1] == 'S' ? session_id : csrf;
            g_byte_array_append(out, (const guint8 *)v, 64);
            i += 3;
        } else {
            g_byte_array_append(out, data + i, 1);
            i++;
        }
    }
    return out;
}

static void exchange(const uint8_t *data, size_t size)
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        abort();
    if (!pg_server_add_connection(server, fds[1])) {
        /* refused (the daemon closed its end): the per-address limit while
         * earlier connections are still being cleaned up */
        close(fds[0]);
        return;
    }
    size_t off = 0;
    int wr_open = 1;
    double start = now_s();
    char buf[65536];
    for (;;) {
        if (wr_open && off == size) {
            shutdown(fds[0], SHUT_WR);
            wr_open = 0;
        }
        struct pollfd p = {fds[0], (short)(POLLIN | (wr_open ? POLLOUT : 0)), 0};
        int n = poll(&p, 1, 1000);
        if (now_s() - start > 9) {
            fprintf(stderr, "fuzz_serve: the server neither answered nor closed in 9 s\n");
            abort();
        }
        if (n <= 0)
            continue;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = recv(fds[0], buf, sizeof buf, 0);
            if (r <= 0)
                break;
        } else if (p.revents & POLLOUT) {
            ssize_t w = send(fds[0], data + off, size - off, MSG_NOSIGNAL);
            if (w <= 0) {
                shutdown(fds[0], SHUT_WR);
                wr_open = 0;
            } else {
                off += (size_t)w;
            }
        }
    }
    close(fds[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GByteArray *in = fill(data, size);
    exchange(in->data, in->len);
    int wrote = in->len &&
                (memmem(in->data, in->len, "PUT", 3) || memmem(in->data, in->len, "/api/new", 8) ||
                 memmem(in->data, in->len, "/api/derive", 11) ||
                 memmem(in->data, in->len, "/api/import", 11));
    g_byte_array_unref(in);
    if (wrote && system(restore_cmd) != 0)
        abort();
    return 0;
}
