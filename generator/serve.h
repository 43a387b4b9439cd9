/* serve.h - `plangen serve`: the clerk's web editor's HTTP server
 * (libmicrohttpd), its routes and API (docs/serve.md). One server holds one
 * engine, shared by every request under one mutex. */
#ifndef PG_SERVE_H
#define PG_SERVE_H

#include <stddef.h>

typedef struct pg_server pg_server;

typedef struct {
    const char *root;     /* the plans root; required */
    const char *data_dir; /* holds templates/, fonts/ and web/; required */
    const char *listen;   /* "ADDR:PORT" (IPv4, or [IPv6]:PORT); NULL: 127.0.0.1:8080;
                             port 0: any free port */
    const char *users;    /* users file (serve_auth.h); NULL: none */
    const char *log;      /* the save log, appended to; NULL: stderr */
    unsigned timeout;     /* s a connection may stay idle; 0: 20 */
    unsigned threads;     /* the daemon's thread pool; 0: 2 */
    double rate_per_s;    /* requests a second per address; 0: 50 */
    double rate_burst;    /* in a burst; 0: 100 */
    int proxy;            /* behind a reverse proxy on this machine: a request from
                             loopback is counted (rate, logins, the log) under the
                             last address of its X-Forwarded-For; needs users */
} pg_serve_opts;

/* Starts serving in the daemon's own threads. Returns NULL after printing why
 * to stderr; *exit_code is then 2 (usage: a non-loopback address without
 * users, a bad address) or 1 (cannot listen, unreadable users file). */
pg_server *pg_server_start(const pg_serve_opts *o, int *exit_code);
/* The address and port listened on: "http://ADDR:PORT/" (owned by s). */
const char *pg_server_url(const pg_server *s);
unsigned pg_server_port(const pg_server *s);
/* How many plans /api/plans has linted so far (the others came from its
 * cache): for tests. */
unsigned long pg_server_lint_runs(pg_server *s);
/* Makes a session as a browser on loopback gets one (anonymous) and gives
 * its cookie value and CSRF token (64 hex digits each): for the fuzzer, whose
 * inputs could not guess them. */
void pg_server_session(pg_server *s, char id[65], char csrf[65]);
/* Stops the daemon (open connections are closed) and frees everything. NULL ok. */
void pg_server_stop(pg_server *s);

/* Hands an accepted connected socket to the server as if it came from the
 * loopback address (the fuzzer feeds raw requests this way). Returns 1. */
int pg_server_add_connection(pg_server *s, int fd);

/* `plangen serve [PLANS_DIR] [--listen ADDR:PORT] [--users FILE] [--log FILE]
 * [--data-dir DIR]`: argv[0] is "serve". Runs until SIGINT or SIGTERM.
 * Returns the exit status. */
int pg_serve_main(int argc, char **argv, const char *default_data_dir);

#endif
