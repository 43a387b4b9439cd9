/* serve_auth.h - who may do what in `plangen serve`: the users file, password
 * checks (yescrypt through libcrypt), sessions with their CSRF tokens, rate
 * limits and login throttling, folder rights, and the save log. Knows nothing
 * of HTTP: serve.c asks it questions with strings it took from requests.
 * Thread-safe: every function may be called from any of the daemon's threads. */
#ifndef PG_SERVE_AUTH_H
#define PG_SERVE_AUTH_H

#include "diag.h"

#include <stddef.h>
#include <stdio.h>
#include <time.h>

typedef struct pg_auth pg_auth;

/* One account of a users file. */
typedef struct {
    char *name;
    char *hash;    /* crypt(3) string, "$y$..." */
    char **write;  /* folders relative to the plans root ("." = all), normalised */
    size_t n_write;
} pg_account;

typedef struct {
    pg_account *accounts;
    size_t n;
} pg_users;

/* Parses a users file's text (NAME:HASH:FOLDER[,FOLDER...] lines, '#' comments,
 * blank lines). Errors go to d with file:line:col (a bad name, a hash that is
 * not yescrypt "$y$", a folder that is absolute or has "..", a name twice).
 * Returns 1 and fills u, else 0 (u empty). */
int pg_users_parse(const char *text, size_t len, const char *name, pg_users *u,
                   pg_diag_list *d);
void pg_users_free(pg_users *u);
/* Reads and parses the file (regular file, at most 1 MiB). */
int pg_users_load(const char *path, pg_users *u, pg_diag_list *d);
/* Adds or replaces NAME with the yescrypt hash of password and these folders,
 * writing the file atomically (created 0600 when missing). Returns 1, else 0
 * with a diagnostic. */
int pg_users_set(const char *path, const char *name, const char *password,
                 const char *const *folders, size_t n_folders, pg_diag_list *d);

typedef struct {
    int login_required; /* 0 on loopback: every request is the anonymous writer */
    const pg_users *users; /* owned by the caller, outlives the pg_auth */
    FILE *log;          /* the save log; NULL: stderr */
    /* limits; 0 = the defaults in docs/serve.md */
    double rate_per_s, rate_burst;
    int login_failures; /* per account and per address in login_window s */
    int login_window;
    int session_idle;   /* s */
} pg_auth_opts;

pg_auth *pg_auth_new(const pg_auth_opts *o);
void pg_auth_free(pg_auth *a);

/* A session as a request sees it (copied out; no pointer into the table). */
typedef struct {
    char id[65];        /* hex */
    char csrf[65];      /* hex */
    char user[64];      /* "" when anonymous (loopback) */
} pg_session;

/* The session named by the cookie value (NULL or unknown or expired: 0).
 * Touches it (idle clock). */
int pg_auth_session(pg_auth *a, const char *cookie_id, time_t now, pg_session *out);
/* Makes a session: for user (after pg_auth_login) or anonymous ("" on loopback). */
void pg_auth_session_new(pg_auth *a, const char *user, time_t now, pg_session *out);
void pg_auth_session_end(pg_auth *a, const char *id);
/* Constant-time comparison of the request's X-CSRF-Token with the session's. */
int pg_auth_csrf_ok(const pg_session *s, const char *token);

typedef enum { PG_LOGIN_OK, PG_LOGIN_BAD, PG_LOGIN_THROTTLED } pg_login_result;
/* Checks user/password; counts failures per user and per address. */
pg_login_result pg_auth_login(pg_auth *a, const char *user, const char *password,
                              const char *addr, time_t now);

/* Token bucket per address: 1 when the request may go on. */
int pg_auth_rate_ok(pg_auth *a, const char *addr, double now);

/* Rights on a folder (relative to the root, "/"-separated, "" or "." = the root)
 * for the session's user: anonymous on loopback may do everything. */
int pg_auth_may_write(const pg_auth *a, const pg_session *s, const char *folder);
int pg_auth_may_read(const pg_auth *a, const pg_session *s, const char *folder);
/* The folders the user writes (for /api/session): pointers owned by a's users. */
size_t pg_auth_write_folders(const pg_auth *a, const pg_session *s, const char *const **out);

/* Appends a line to the save log: ISO time, user ("-" when anonymous), addr,
 * path, old hash ("-" for a new file), new hash. Flushed at once. */
void pg_auth_log_save(pg_auth *a, const pg_session *s, const char *addr, const char *path,
                      const char *old_hash, const char *new_hash);

/* `plangen user add FILE NAME FOLDER... [--password-stdin]` and
 * `plangen user list FILE`, `plangen user remove FILE NAME`: argv[0] is "user".
 * Returns the exit code (0 ok, 1 refused, 2 usage). */
int pg_user_main(int argc, char **argv);

#endif
