/* serve_auth.c - TEMPORARY stub of serve_auth.h so that the serve branch
 * builds and its tests run before the accounts branch is merged; replaced by
 * the real implementation at merge. Loopback only: no users file is read, no
 * login succeeds, every anonymous session may read and write everything. */
#include "serve_auth.h"

#include "arena.h"

#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

int pg_users_parse(const char *text, size_t len, const char *name, pg_users *u,
                   pg_diag_list *d)
{
    (void)text, (void)len;
    memset(u, 0, sizeof *u);
    pg_diag_add(d, PG_E_IO, name, 0, 0, "accounts are not built in (stub)");
    return 0;
}

void pg_users_free(pg_users *u)
{
    memset(u, 0, sizeof *u);
}

int pg_users_load(const char *path, pg_users *u, pg_diag_list *d)
{
    return pg_users_parse("", 0, path, u, d);
}

int pg_users_set(const char *path, const char *name, const char *password,
                 const char *const *folders, size_t n_folders, pg_diag_list *d)
{
    (void)name, (void)password, (void)folders, (void)n_folders;
    pg_diag_add(d, PG_E_IO, path, 0, 0, "accounts are not built in (stub)");
    return 0;
}

enum { MAX_SESSIONS = 256 };

struct pg_auth {
    pthread_mutex_t lock;
    pg_session s[MAX_SESSIONS];
    size_t n;
    int login_required;
    double rate, burst, tokens, last; /* one token bucket for every address */
};

pg_auth *pg_auth_new(const pg_auth_opts *o)
{
    pg_auth *a = pg_xcalloc(1, sizeof *a);
    pthread_mutex_init(&a->lock, NULL);
    a->login_required = o->login_required;
    a->rate = o->rate_per_s > 0 ? o->rate_per_s : 50;
    a->burst = o->rate_burst > 0 ? o->rate_burst : 100;
    a->tokens = a->burst;
    a->last = -1;
    return a;
}

void pg_auth_free(pg_auth *a)
{
    if (!a)
        return;
    pthread_mutex_destroy(&a->lock);
    free(a);
}

int pg_auth_session(pg_auth *a, const char *cookie_id, time_t now, pg_session *out)
{
    (void)now;
    int found = 0;
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; cookie_id && i < a->n && !found; i++)
        if (strcmp(a->s[i].id, cookie_id) == 0)
            *out = a->s[i], found = 1;
    pthread_mutex_unlock(&a->lock);
    return found;
}

static void random_hex(char out[65])
{
    for (int i = 0; i < 64; i++)
        out[i] = "0123456789abcdef"[g_random_int_range(0, 16)];
    out[64] = '\0';
}

void pg_auth_session_new(pg_auth *a, const char *user, time_t now, pg_session *out)
{
    (void)now;
    memset(out, 0, sizeof *out);
    random_hex(out->id);
    random_hex(out->csrf);
    g_strlcpy(out->user, user, sizeof out->user);
    pthread_mutex_lock(&a->lock);
    if (a->n == MAX_SESSIONS)
        a->n = 0; /* the stub forgets every session when full */
    a->s[a->n++] = *out;
    pthread_mutex_unlock(&a->lock);
}

void pg_auth_session_end(pg_auth *a, const char *id)
{
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->s[i].id, id) == 0)
            a->s[i] = a->s[--a->n];
    pthread_mutex_unlock(&a->lock);
}

int pg_auth_csrf_ok(const pg_session *s, const char *token)
{
    return token && strcmp(s->csrf, token) == 0;
}

pg_login_result pg_auth_login(pg_auth *a, const char *user, const char *password,
                              const char *addr, time_t now)
{
    (void)a, (void)user, (void)password, (void)addr, (void)now;
    return PG_LOGIN_BAD;
}

int pg_auth_rate_ok(pg_auth *a, const char *addr, double now)
{
    (void)addr;
    pthread_mutex_lock(&a->lock);
    if (a->last >= 0)
        a->tokens += (now - a->last) * a->rate;
    if (a->tokens > a->burst)
        a->tokens = a->burst;
    a->last = now;
    int ok = a->tokens >= 1;
    if (ok)
        a->tokens -= 1;
    pthread_mutex_unlock(&a->lock);
    return ok;
}

int pg_auth_may_write(const pg_auth *a, const pg_session *s, const char *folder)
{
    (void)s, (void)folder;
    return !a->login_required;
}

int pg_auth_may_read(const pg_auth *a, const pg_session *s, const char *folder)
{
    (void)s, (void)folder;
    return !a->login_required;
}

size_t pg_auth_write_folders(const pg_auth *a, const pg_session *s, const char *const **out)
{
    static const char *const all[] = {"."};
    (void)s;
    *out = all;
    return a->login_required ? 0 : 1;
}

void pg_auth_log_save(pg_auth *a, const pg_session *s, const char *addr, const char *path,
                      const char *old_hash, const char *new_hash)
{
    (void)a;
    fprintf(stderr, "save %s %s %s %s %s\n", s->user[0] ? s->user : "-", addr, path,
            old_hash ? old_hash : "-", new_hash);
    fflush(stderr);
}

int pg_user_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    fputs("plangen user: accounts are not built in yet (stub)\n", stderr);
    return 2;
}
