/* serve_auth.c - accounts of `plangen serve` (see serve_auth.h and the
 * "Accounts" section of docs/serve.md): the users file, yescrypt password
 * checks, sessions, login throttling, rate limits, folder rights, the save log
 * and the `plangen user` command. */
#define _GNU_SOURCE /* getrandom, crypt_r's struct crypt_data */
#include "serve_auth.h"

#include "arena.h"
#include "i18n.h"
#include "input.h"
#include "output.h"

#include <arpa/inet.h>
#include <crypt.h>
#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

enum {
    USERS_MAX_BYTES = 1 << 20, /* the users file */
    LINE_MAX_BYTES = 4096,     /* one line of it, without its newline */
    NAME_MAX_LEN = 32,
    PASSWORD_MIN = 8,    /* characters */
    PASSWORD_MAX = 4096, /* bytes, for `plangen user add` */
    MAX_SESSIONS = 10000,
    MAX_LOGIN_KEYS = 10000, /* accounts and addresses with recent failures */
    MAX_RATE_KEYS = 10000,  /* addresses with a bucket */
};

/* Checked against when the account does not exist, so that a login for an
 * unknown name costs the same yescrypt computation as one for a known name.
 * Made with crypt_gensalt_rn("$y$", 0, ...): libxcrypt's default cost. */
static const char dummy_hash[] =
    "$y$j9T$xwKKJ/Y/ZpKMVc5qLOXqP/$ueo9FO30Yc/vBfO.iGFaCYo38ZAPWjaIm9tXp6.oXs3";

/* ---- users file ---- */

static int name_ok(const char *s, size_t n)
{
    if (n < 1 || n > NAME_MAX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int hash_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '/' || c == '$';
}

/* A short printable form of n bytes at s for a message (the caller frees). */
static char *shown(const char *s, size_t n)
{
    enum { MAX_SHOWN = 40 };
    int cut = n > MAX_SHOWN;
    if (cut) {
        n = MAX_SHOWN;
        while (n > 1 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    char *raw = pg_xmalloc(n + 1);
    memcpy(raw, s, n);
    raw[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!raw[i])
            raw[i] = '?'; /* a NUL, already reported; never cut the string at it */
    char *p = pg_printable(raw);
    free(raw);
    if (cut) {
        pg_buf b = {0};
        pg_buf_printf(&b, "%s...", p);
        free(p);
        p = pg_xstrdup(pg_buf_str(&b));
        pg_buf_free(&b);
    }
    return p;
}

/* Why the folder (n bytes at s) cannot be a write folder (English, marked N_:
 * the caller gives it through _()), or NULL; on NULL,
 * *norm is its normal form (malloc'd): components joined by one '/', empty
 * and "." components dropped, "." for the root. */
static const char *folder_check(const char *s, size_t n, char **norm)
{
    *norm = NULL;
    if (n == 0)
        return N_("is empty: give a folder relative to the plans folder (\".\" for all of it)");
    if (s[0] == '/')
        return N_("is absolute: give it relative to the plans folder (\".\" for all of it)");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return N_("contains a control character: rename the folder");
        if (c == '\\')
            return N_("contains '\\': separate folders with '/'");
        if (c == ',')
            return N_("contains ',', which separates folders in the users file: rename the folder");
    }
    if (!g_utf8_validate(s, (gssize)n, NULL))
        return N_("is not valid UTF-8: save the file as UTF-8");
    pg_buf b = {0};
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        size_t len = j - i;
        if (len == 2 && s[i] == '.' && s[i + 1] == '.') {
            pg_buf_free(&b);
            return N_("contains \"..\": give the folder inside the plans folder without \"..\"");
        }
        if (len > 0 && !(len == 1 && s[i] == '.')) {
            if (b.len)
                pg_buf_putc(&b, '/');
            pg_buf_append(&b, s + i, len);
        }
        i = j + 1;
    }
    *norm = pg_xstrdup(b.len ? pg_buf_str(&b) : ".");
    pg_buf_free(&b);
    return NULL;
}

static void account_free(pg_account *a)
{
    free(a->name);
    free(a->hash);
    for (size_t i = 0; i < a->n_write; i++)
        free(a->write[i]);
    free(a->write);
    memset(a, 0, sizeof *a);
}

void pg_users_free(pg_users *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n; i++)
        account_free(&u->accounts[i]);
    free(u->accounts);
    u->accounts = NULL;
    u->n = 0;
}

static const pg_account *find_account(const pg_users *u, const char *name)
{
    if (!u || !name)
        return NULL;
    for (size_t i = 0; i < u->n; i++)
        if (strcmp(u->accounts[i].name, name) == 0)
            return &u->accounts[i];
    return NULL;
}

/* Parses one account line (n bytes at s, no newline) of line number lineno.
 * Returns 1 and fills *a, else 0 with diagnostics. */
static int parse_line(const char *s, size_t n, const char *file, int lineno, pg_account *a,
                      pg_diag_list *d)
{
    memset(a, 0, sizeof *a);
    const char *c1 = memchr(s, ':', n);
    const char *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s)) : NULL;
    if (!c2) {
        pg_diag_add(d, PG_E_BAD_VALUE, file, lineno, c1 ? (int)(c1 - s) + 2 : (int)n + 1,
                    "an account line is NAME:HASH:FOLDER[,FOLDER...], with two ':'; this "
                    "line has %s: write it again with `plangen user add`",
                    c1 ? _("one") : _("none"));
        return 0;
    }
    int ok = 1;
    size_t name_len = (size_t)(c1 - s);
    if (!name_ok(s, name_len)) {
        char *p = shown(s, name_len);
        pg_diag_add(d, PG_E_BAD_VALUE, file, lineno, 1,
                    "account name \"%s\" is not 1 to %d of a-z 0-9 . _ -: rename it", p,
                    NAME_MAX_LEN);
        free(p);
        ok = 0;
    }
    const char *h = c1 + 1;
    size_t hash_len = (size_t)(c2 - h);
    int hash_good = hash_len > 3 && memcmp(h, "$y$", 3) == 0 && hash_len < CRYPT_OUTPUT_SIZE;
    for (size_t i = 0; hash_good && i < hash_len; i++)
        hash_good = hash_char_ok(h[i]);
    if (!hash_good) {
        pg_diag_add(d, PG_E_BAD_VALUE, file, lineno, (int)(h - s) + 1,
                    "the password hash is not a yescrypt hash (\"$y$...\"): set the password "
                    "again with `plangen user add`");
        ok = 0;
    }
    const char *f = c2 + 1, *end = s + n;
    if (f == end) {
        pg_diag_add(d, PG_E_BAD_VALUE, file, lineno, (int)(f - s) + 1,
                    "no folder after the second ':': give at least one folder the account "
                    "writes (\".\" for all of the plans folder)");
        ok = 0;
    }
    size_t cap = 0;
    while (f < end) {
        const char *comma = memchr(f, ',', (size_t)(end - f));
        const char *fe = comma ? comma : end;
        char *norm = NULL;
        const char *why = folder_check(f, (size_t)(fe - f), &norm);
        if (why) {
            char *p = shown(f, (size_t)(fe - f));
            pg_diag_add(d, PG_E_BAD_VALUE, file, lineno, (int)(f - s) + 1, "folder \"%s\" %s", p,
                        _(why));
            free(p);
            ok = 0;
        } else {
            int dup = 0;
            for (size_t i = 0; i < a->n_write && !dup; i++)
                dup = strcmp(a->write[i], norm) == 0;
            if (dup) {
                free(norm);
            } else {
                if (a->n_write == cap) {
                    cap = cap ? 2 * cap : 4;
                    a->write = pg_xrealloc(a->write, cap * sizeof *a->write);
                }
                a->write[a->n_write++] = norm;
            }
        }
        f = comma ? comma + 1 : end;
        if (comma && f == end) {
            pg_diag_add(d, PG_E_BAD_VALUE, file, lineno, (int)(f - s) + 1,
                        "empty folder after the last ',': remove the ','");
            ok = 0;
        }
    }
    if (!ok) {
        account_free(a);
        return 0;
    }
    a->name = pg_xmalloc(name_len + 1);
    memcpy(a->name, s, name_len);
    a->name[name_len] = '\0';
    a->hash = pg_xmalloc(hash_len + 1);
    memcpy(a->hash, h, hash_len);
    a->hash[hash_len] = '\0';
    return 1;
}

int pg_users_parse(const char *text, size_t len, const char *name, pg_users *u, pg_diag_list *d)
{
    memset(u, 0, sizeof *u);
    if (len > USERS_MAX_BYTES) {
        pg_diag_add(d, PG_E_TOO_LARGE, name, 0, 0,
                    "a users file holds at most %d bytes; this one has %zu", USERS_MAX_BYTES, len);
        return 0;
    }
    int ok = 1;
    size_t cap = 0;
    int *lines = NULL; /* line of each account, for "already defined on line N" */
    int lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        lineno++;
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n > 0 && s[n - 1] == '\r')
            n--; /* a file saved with CRLF line ends */
        if (n > LINE_MAX_BYTES) {
            pg_diag_add(d, PG_E_BAD_VALUE, name, lineno, LINE_MAX_BYTES + 1,
                        "the line is longer than %d bytes: an account line is "
                        "NAME:HASH:FOLDER[,FOLDER...]",
                        LINE_MAX_BYTES);
            ok = 0;
            continue;
        }
        const char *nul = memchr(s, '\0', n);
        if (nul) {
            pg_diag_add(d, PG_E_UTF8, name, lineno, (int)(nul - s) + 1,
                        "a NUL byte: the users file is text; remove it");
            ok = 0;
            continue;
        }
        size_t k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k == n || s[0] == '#')
            continue;
        pg_account a;
        if (!parse_line(s, n, name, lineno, &a, d)) {
            ok = 0;
            continue;
        }
        size_t first = 0;
        while (first < u->n && strcmp(u->accounts[first].name, a.name) != 0)
            first++;
        if (first < u->n) {
            pg_diag_add(d, PG_E_BAD_VALUE, name, lineno, 1,
                        "account \"%s\" is already defined on line %d: remove one of the two "
                        "lines",
                        a.name, lines[first]);
            account_free(&a);
            ok = 0;
            continue;
        }
        if (u->n == cap) {
            cap = cap ? 2 * cap : 8;
            u->accounts = pg_xrealloc(u->accounts, cap * sizeof *u->accounts);
            lines = pg_xrealloc(lines, cap * sizeof *lines);
        }
        lines[u->n] = lineno;
        u->accounts[u->n++] = a;
    }
    free(lines);
    if (!ok)
        pg_users_free(u);
    return ok;
}

int pg_users_load(const char *path, pg_users *u, pg_diag_list *d)
{
    memset(u, 0, sizeof *u);
    char *text = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    pg_input_status st = pg_read_regular_file(path, USERS_MAX_BYTES, &text, &len, why);
    if (st == PG_INPUT_TOO_LARGE) {
        pg_diag_add(d, PG_E_TOO_LARGE, path, 0, 0, "a users file holds at most %d bytes",
                    USERS_MAX_BYTES);
        return 0;
    }
    if (st != PG_INPUT_OK) {
        pg_diag_add(d, PG_E_IO, path, 0, 0, "%s", why);
        return 0;
    }
    int ok = pg_users_parse(text, len, path, u, d);
    free(text);
    return ok;
}

/* Writes text to path atomically: a temporary file beside it (mkstemp: 0600),
 * synced, given the owner's part of the old file's mode (0600 for a new file),
 * renamed. The users file holds password hashes: it is never left readable by
 * others, nor readable by them for a moment while written. */
static int write_atomically(const char *path, const char *text, size_t len, pg_diag_list *d)
{
    int rc = 0, fd = -1;
    mode_t mode = 0600;
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            pg_diag_add(d, PG_E_OUTPUT, path, 0, 0,
                        "it is not a regular file (a link, a folder or a device): give the "
                        "path of a users file");
            return 0;
        }
        mode = st.st_mode & 0700; /* the owner's rights only */
    }
    char *prefix = pg_output_tmp_prefix(path);
    pg_buf b = {0};
    pg_buf_printf(&b, "%sXXXXXX", prefix);
    free(prefix);
    char *tmp = pg_xstrdup(pg_buf_str(&b));
    pg_buf_free(&b);
    fd = mkstemp(tmp);
    if (fd < 0) {
        pg_diag_add(d, PG_E_OUTPUT, path, 0, 0, "cannot create a file beside it: %s",
                    strerror(errno));
        goto cleanup;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            pg_diag_add(d, PG_E_OUTPUT, path, 0, 0, "%s", strerror(errno));
            goto cleanup;
        }
        off += (size_t)w;
    }
    if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
        pg_diag_add(d, PG_E_OUTPUT, path, 0, 0, "%s", strerror(errno));
        goto cleanup;
    }
    int c = close(fd);
    fd = -1;
    if (c != 0 || rename(tmp, path) != 0) {
        pg_diag_add(d, PG_E_OUTPUT, path, 0, 0, "%s", strerror(errno));
        goto cleanup;
    }
    rc = 1;
cleanup:
    if (fd >= 0)
        close(fd);
    if (!rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* Rewrites the users file at path with NAME's line replaced by line (NULL:
 * removed; appended when NAME has none), every other line kept as it was.
 * *found tells whether NAME had a line. A file that does not parse is left
 * alone (diagnostics say what to fix). */
static int users_rewrite(const char *path, const char *name, const char *line, int *found,
                         pg_diag_list *d)
{
    *found = 0;
    char *text = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    struct stat st;
    if (lstat(path, &st) == 0 || errno != ENOENT) {
        pg_input_status rs = pg_read_regular_file(path, USERS_MAX_BYTES, &text, &len, why);
        if (rs != PG_INPUT_OK) {
            if (rs == PG_INPUT_TOO_LARGE)
                pg_diag_add(d, PG_E_TOO_LARGE, path, 0, 0, "a users file holds at most %d bytes",
                            USERS_MAX_BYTES);
            else
                pg_diag_add(d, PG_E_IO, path, 0, 0, "%s", why);
            return 0;
        }
        pg_users u;
        int ok = pg_users_parse(text, len, path, &u, d);
        pg_users_free(&u);
        if (!ok) {
            free(text);
            return 0;
        }
    }
    pg_buf b = {0};
    size_t name_len = strlen(name), pos = 0;
    while (pos < len) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        /* the file parsed: a line starting "NAME:" is NAME's account */
        if (n > name_len && memcmp(s, name, name_len) == 0 && s[name_len] == ':') {
            *found = 1;
            if (line) {
                pg_buf_puts(&b, line);
                pg_buf_putc(&b, '\n');
            }
            continue;
        }
        pg_buf_append(&b, s, n);
        pg_buf_putc(&b, '\n');
    }
    free(text);
    if (!*found && !line) {
        pg_buf_free(&b);
        return 1; /* nothing to remove: the file stays as it is */
    }
    if (!*found) {
        pg_buf_puts(&b, line);
        pg_buf_putc(&b, '\n');
    }
    int rc = 1;
    /* parse what is written: it must load */
    pg_users check;
    if (!pg_users_parse(b.s ? b.s : "", b.len, path, &check, d))
        rc = 0;
    pg_users_free(&check);
    if (rc)
        rc = write_atomically(path, b.s ? b.s : "", b.len, d);
    pg_buf_free(&b);
    return rc;
}

/* The yescrypt hash of password in out (CRYPT_OUTPUT_SIZE bytes); 0 when
 * libcrypt fails (no yescrypt, no randomness). */
static int hash_password(const char *password, char *out)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt))
        return 0;
    struct crypt_data *cd = pg_xcalloc(1, sizeof *cd);
    const char *h = crypt_rn(password, salt, cd, sizeof *cd);
    int ok = h && strncmp(h, "$y$", 3) == 0 && strlen(h) < CRYPT_OUTPUT_SIZE;
    if (ok)
        strcpy(out, h);
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return ok;
}

int pg_users_set(const char *path, const char *name, const char *password,
                 const char *const *folders, size_t n_folders, pg_diag_list *d)
{
    int rc = 0;
    pg_buf line = {0};
    char hash[CRYPT_OUTPUT_SIZE];
    if (!name_ok(name, strlen(name))) {
        char *p = shown(name, strlen(name));
        pg_diag_add(d, PG_E_BAD_VALUE, path, 0, 0,
                    "account name \"%s\" is not 1 to %d of a-z 0-9 . _ -: choose another", p,
                    NAME_MAX_LEN);
        free(p);
        return 0;
    }
    if (n_folders == 0) {
        pg_diag_add(d, PG_E_BAD_VALUE, path, 0, 0,
                    "no folder: give at least one folder the account writes (\".\" for all)");
        return 0;
    }
    pg_buf_printf(&line, "%s:", name);
    pg_buf fl = {0};
    int ok = 1;
    for (size_t i = 0; i < n_folders; i++) {
        char *norm = NULL;
        const char *why = folder_check(folders[i], strlen(folders[i]), &norm);
        if (why) {
            char *p = shown(folders[i], strlen(folders[i]));
            pg_diag_add(d, PG_E_BAD_VALUE, path, 0, 0, "folder \"%s\" %s", p, _(why));
            free(p);
            ok = 0;
            continue;
        }
        if (fl.len)
            pg_buf_putc(&fl, ',');
        pg_buf_puts(&fl, norm);
        free(norm);
    }
    if (!ok) {
        pg_buf_free(&fl);
        goto cleanup;
    }
    if (!hash_password(password, hash)) {
        pg_diag_add(d, PG_E_OUTPUT, path, 0, 0, "libcrypt cannot make a yescrypt hash: %s",
                    errno ? strerror(errno) : _("unknown reason"));
        pg_buf_free(&fl);
        goto cleanup;
    }
    pg_buf_printf(&line, "%s:%s", hash, pg_buf_str(&fl));
    pg_buf_free(&fl);
    int found;
    rc = users_rewrite(path, name, pg_buf_str(&line), &found, d);
cleanup:
    explicit_bzero(hash, sizeof hash);
    pg_buf_free(&line);
    return rc;
}

/* ---- randomness and constant-time comparison ---- */

static void random_hex(char out[65])
{
    unsigned char r[32];
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = getrandom(r + got, sizeof r - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            /* no fallback to weak randomness: session ids must not be guessed */
            fprintf(stderr, _("plangen: getrandom failed: %s\n"), strerror(errno));
            abort();
        }
        got += (size_t)n;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof r; i++) {
        out[2 * i] = hex[r[i] >> 4];
        out[2 * i + 1] = hex[r[i] & 15];
    }
    out[64] = '\0';
    explicit_bzero(r, sizeof r);
}

/* 1 when the n-byte a equals b (which is NUL-terminated) in time that
 * depends only on n and b's length. */
static int equal_ct(const char *a, size_t n, const char *b)
{
    size_t bn = strlen(b);
    unsigned char diff = bn != n;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)a[i] ^ (unsigned char)(i < bn ? b[i] : 0);
    return diff == 0;
}

/* ---- tables bounded in size, in order of last use ---- */

/* Every entry of a table begins with this: its key and its place in the queue
 * (least recently used first). */
typedef struct {
    GList link;
    char key[72];
} entry;

typedef struct {
    GHashTable *by_key; /* key -> entry, owns the entries */
    GQueue order;       /* entries, least recently used first */
} lru;

static void lru_init(lru *t)
{
    t->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free);
    g_queue_init(&t->order);
}

static void lru_clear(lru *t)
{
    /* the links live in the entries, which the table frees: the queue is
     * forgotten, never cleared (g_queue_clear would free the links with GLib's
     * slice allocator: each entry freed twice) */
    g_queue_init(&t->order);
    g_hash_table_destroy(t->by_key);
}

static void *lru_find(lru *t, const char *key)
{
    return g_hash_table_lookup(t->by_key, key);
}

static void lru_touch(lru *t, entry *e)
{
    g_queue_unlink(&t->order, &e->link);
    g_queue_push_tail_link(&t->order, &e->link);
}

static void lru_remove(lru *t, entry *e)
{
    g_queue_unlink(&t->order, &e->link);
    g_hash_table_remove(t->by_key, e->key); /* frees e */
}

/* A new entry of size bytes (zeroed, key set, most recently used). */
static void *lru_add(lru *t, const char *key, size_t size)
{
    entry *e = pg_xcalloc(1, size);
    snprintf(e->key, sizeof e->key, "%s", key);
    e->link.data = e;
    g_queue_push_tail_link(&t->order, &e->link);
    g_hash_table_replace(t->by_key, e->key, e);
    return e;
}

static entry *lru_oldest(lru *t)
{
    return t->order.head ? t->order.head->data : NULL;
}

/* ---- pg_auth ---- */

typedef struct {
    entry e; /* key: the session id */
    char csrf[65];
    char user[64];
    time_t last; /* last use, s */
} session;

typedef struct {
    entry e;      /* key: "u:" + account name or "a:" + address */
    time_t *fail; /* the times of the last failures, oldest first; o.login_failures slots */
    int n_fail;
    int pending; /* logins being checked now, counted as failures until done */
    time_t last; /* the newest failure */
} throttle;

typedef struct {
    entry e; /* key: the address */
    double tokens;
    double last; /* s */
} bucket;

struct pg_auth {
    pg_auth_opts o;
    pthread_mutex_t sessions_mu, login_mu, rate_mu, log_mu;
    lru sessions, login, rate;
};

pg_auth *pg_auth_new(const pg_auth_opts *o)
{
    pg_auth *a = pg_xcalloc(1, sizeof *a);
    a->o = *o;
    if (a->o.rate_per_s <= 0)
        a->o.rate_per_s = 50;
    if (a->o.rate_burst <= 0)
        a->o.rate_burst = 100;
    if (a->o.login_failures <= 0)
        a->o.login_failures = 5;
    if (a->o.login_window <= 0)
        a->o.login_window = 15 * 60;
    if (a->o.session_idle <= 0)
        a->o.session_idle = 12 * 60 * 60;
    pthread_mutex_init(&a->sessions_mu, NULL);
    pthread_mutex_init(&a->login_mu, NULL);
    pthread_mutex_init(&a->rate_mu, NULL);
    pthread_mutex_init(&a->log_mu, NULL);
    lru_init(&a->sessions);
    lru_init(&a->login);
    lru_init(&a->rate);
    /* the throttles' failure arrays are freed with them */
    g_hash_table_destroy(a->login.by_key);
    a->login.by_key = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, NULL);
    return a;
}

static void throttle_free(lru *t, throttle *th)
{
    g_queue_unlink(&t->order, &th->e.link);
    g_hash_table_remove(t->by_key, th->e.key);
    free(th->fail);
    free(th);
}

void pg_auth_free(pg_auth *a)
{
    if (!a)
        return;
    entry *e;
    while ((e = lru_oldest(&a->login)))
        throttle_free(&a->login, (throttle *)e);
    lru_clear(&a->sessions);
    lru_clear(&a->login);
    lru_clear(&a->rate);
    pthread_mutex_destroy(&a->sessions_mu);
    pthread_mutex_destroy(&a->login_mu);
    pthread_mutex_destroy(&a->rate_mu);
    pthread_mutex_destroy(&a->log_mu);
    free(a);
}

/* ---- sessions ---- */

static int session_expired(const pg_auth *a, const session *s, time_t now)
{
    return now - s->last > a->o.session_idle;
}

static void session_copy(const session *s, pg_session *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->id, s->e.key, 65);
    memcpy(out->csrf, s->csrf, sizeof out->csrf);
    memcpy(out->user, s->user, sizeof out->user);
}

static int id_form_ok(const char *id)
{
    size_t i = 0;
    for (; id[i] && i < 65; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return 0;
    return i == 64;
}

int pg_auth_session(pg_auth *a, const char *cookie_id, time_t now, pg_session *out)
{
    memset(out, 0, sizeof *out);
    if (!cookie_id || !id_form_ok(cookie_id))
        return 0;
    int ok = 0;
    pthread_mutex_lock(&a->sessions_mu);
    session *s = lru_find(&a->sessions, cookie_id);
    if (s && session_expired(a, s, now)) {
        lru_remove(&a->sessions, &s->e);
    } else if (s) {
        if (now > s->last)
            s->last = now;
        lru_touch(&a->sessions, &s->e);
        session_copy(s, out);
        ok = 1;
    }
    pthread_mutex_unlock(&a->sessions_mu);
    return ok;
}

void pg_auth_session_new(pg_auth *a, const char *user, time_t now, pg_session *out)
{
    char id[65], csrf[65];
    random_hex(csrf);
    pthread_mutex_lock(&a->sessions_mu);
    do
        random_hex(id);
    while (lru_find(&a->sessions, id));
    /* the least recently used sessions go first: the expired ones, then, when
     * the table is full, the oldest live one */
    entry *old;
    while ((old = lru_oldest(&a->sessions)) &&
           (session_expired(a, (session *)old, now) ||
            g_hash_table_size(a->sessions.by_key) >= MAX_SESSIONS))
        lru_remove(&a->sessions, old);
    session *s = lru_add(&a->sessions, id, sizeof *s);
    memcpy(s->csrf, csrf, sizeof csrf);
    snprintf(s->user, sizeof s->user, "%s", user ? user : "");
    s->last = now;
    session_copy(s, out);
    pthread_mutex_unlock(&a->sessions_mu);
}

void pg_auth_session_end(pg_auth *a, const char *id)
{
    if (!id)
        return;
    pthread_mutex_lock(&a->sessions_mu);
    session *s = lru_find(&a->sessions, id);
    if (s)
        lru_remove(&a->sessions, &s->e);
    pthread_mutex_unlock(&a->sessions_mu);
}

int pg_auth_csrf_ok(const pg_session *s, const char *token)
{
    if (!s || !token || strlen(s->csrf) != 64)
        return 0;
    return equal_ct(s->csrf, 64, token);
}

/* ---- addresses ---- */

/* The key for an address: an IPv6 address counts by its /64 (what one host
 * is usually given, so that it cannot take a fresh bucket per address); an
 * IPv4 address, mapped or not, and anything else, as given. */
static void address_key(const char *addr, const char *prefix, char out[72])
{
    unsigned char v6[16];
    char buf[INET6_ADDRSTRLEN];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (addr && inet_pton(AF_INET6, addr, v6) == 1 && memcmp(v6, mapped, 12) != 0) {
        memset(v6 + 8, 0, 8);
        if (inet_ntop(AF_INET6, v6, buf, sizeof buf)) {
            snprintf(out, 72, "%s%s/64", prefix, buf);
            return;
        }
    }
    snprintf(out, 72, "%s%.64s", prefix, addr ? addr : "");
}

/* ---- login ---- */

/* Forgets the failures of th older than the window. */
static void throttle_expire(const pg_auth *a, throttle *th, time_t now)
{
    int k = 0;
    while (k < th->n_fail && now - th->fail[k] >= a->o.login_window)
        k++;
    memmove(th->fail, th->fail + k, (size_t)(th->n_fail - k) * sizeof *th->fail);
    th->n_fail -= k;
}

/* The throttle of key, made when missing (the table kept bounded). */
static throttle *throttle_get(pg_auth *a, const char *key, time_t now)
{
    throttle *th = lru_find(&a->login, key);
    if (th)
        return th;
    /* the least recently failed first: those without failures left in the
     * window, then, when the table is full, the oldest not being checked now */
    GList *l = a->login.order.head;
    while (l) {
        throttle *o = l->data;
        l = l->next;
        throttle_expire(a, o, now);
        int full = g_hash_table_size(a->login.by_key) >= MAX_LOGIN_KEYS;
        if (o->pending)
            continue;
        if (o->n_fail == 0 || full)
            throttle_free(&a->login, o);
        else
            break;
    }
    th = lru_add(&a->login, key, sizeof *th);
    th->fail = pg_xcalloc((size_t)a->o.login_failures, sizeof *th->fail);
    return th;
}

static void throttle_fail(pg_auth *a, throttle *th, time_t now)
{
    if (th->n_fail == a->o.login_failures) {
        memmove(th->fail, th->fail + 1, (size_t)(th->n_fail - 1) * sizeof *th->fail);
        th->n_fail--;
    }
    th->fail[th->n_fail++] = now;
    th->last = now;
    lru_touch(&a->login, &th->e);
}

pg_login_result pg_auth_login(pg_auth *a, const char *user, const char *password, const char *addr,
                              time_t now)
{
    char ukey[72], akey[72];
    if (!user)
        user = "";
    if (!password)
        password = "";
    snprintf(ukey, sizeof ukey, "u:%.64s", user);
    address_key(addr, "a:", akey);

    /* a place is taken in both counters before the (slow) check, so that
     * logins running at once cannot try more passwords than the limit */
    pthread_mutex_lock(&a->login_mu);
    throttle *tu = throttle_get(a, ukey, now);
    tu->pending++; /* kept from eviction while the address's is made */
    throttle *ta = throttle_get(a, akey, now);
    throttle_expire(a, tu, now);
    throttle_expire(a, ta, now);
    int throttled = tu->n_fail + tu->pending - 1 >= a->o.login_failures ||
                    ta->n_fail + ta->pending >= a->o.login_failures;
    if (throttled)
        tu->pending--;
    else
        ta->pending++;
    pthread_mutex_unlock(&a->login_mu);
    if (throttled)
        return PG_LOGIN_THROTTLED;

    const pg_account *acc = find_account(a->o.users, user);
    const char *stored = acc ? acc->hash : dummy_hash;
    struct crypt_data *cd = pg_xcalloc(1, sizeof *cd);
    const char *h = crypt_rn(password, stored, cd, sizeof *cd);
    int ok = h && h[0] != '*' && equal_ct(h, strlen(h), stored) && acc != NULL;
    explicit_bzero(cd, sizeof *cd);
    free(cd);

    pthread_mutex_lock(&a->login_mu);
    /* still there: neither was evicted while pending */
    tu = lru_find(&a->login, ukey);
    ta = lru_find(&a->login, akey);
    tu->pending--;
    ta->pending--;
    if (ok) {
        tu->n_fail = 0; /* the address keeps its failures */
    } else {
        throttle_fail(a, tu, now);
        throttle_fail(a, ta, now);
    }
    pthread_mutex_unlock(&a->login_mu);
    return ok ? PG_LOGIN_OK : PG_LOGIN_BAD;
}

/* ---- rate limit ---- */

int pg_auth_rate_ok(pg_auth *a, const char *addr, double now)
{
    char key[72];
    address_key(addr, "", key);
    const double full_after = a->o.rate_burst / a->o.rate_per_s; /* s */
    pthread_mutex_lock(&a->rate_mu);
    bucket *b = lru_find(&a->rate, key);
    if (!b) {
        /* a bucket unused for full_after seconds is full again: as if absent */
        entry *old;
        while ((old = lru_oldest(&a->rate)) && (now - ((bucket *)old)->last >= full_after ||
                                                g_hash_table_size(a->rate.by_key) >= MAX_RATE_KEYS))
            lru_remove(&a->rate, old);
        b = lru_add(&a->rate, key, sizeof *b);
        b->tokens = a->o.rate_burst;
        b->last = now;
    }
    if (now > b->last) {
        b->tokens += (now - b->last) * a->o.rate_per_s;
        if (b->tokens > a->o.rate_burst)
            b->tokens = a->o.rate_burst;
        b->last = now;
    }
    lru_touch(&a->rate, &b->e);
    int ok = b->tokens >= 1;
    if (ok)
        b->tokens -= 1;
    pthread_mutex_unlock(&a->rate_mu);
    return ok;
}

/* ---- folder rights ---- */

/* The next component of a folder at *p ("" and "." components skipped);
 * 0 at the end. */
static int next_component(const char **p, const char **c, size_t *n)
{
    for (;;) {
        const char *s = *p;
        while (*s == '/')
            s++;
        if (!*s) {
            *p = s;
            return 0;
        }
        const char *e = strchr(s, '/');
        if (!e)
            e = s + strlen(s);
        *p = e;
        if (e - s == 1 && s[0] == '.')
            continue;
        *c = s;
        *n = (size_t)(e - s);
        return 1;
    }
}

/* 1 when folder may name a folder: relative, without "..". */
static int folder_query_ok(const char *folder)
{
    if (!folder || folder[0] == '/' || strchr(folder, '\\'))
        return 0;
    const char *p = folder, *c;
    size_t n;
    while (next_component(&p, &c, &n))
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return 0;
    return 1;
}

/* 1 when the components of a are the first components of b (a == b too). */
static int is_prefix(const char *a, const char *b)
{
    const char *pa = a, *pb = b, *ca, *cb;
    size_t na, nb;
    while (next_component(&pa, &ca, &na)) {
        if (!next_component(&pb, &cb, &nb) || na != nb || memcmp(ca, cb, na) != 0)
            return 0;
    }
    return 1;
}

static const pg_account *session_account(const pg_auth *a, const pg_session *s)
{
    if (!s || !s->user[0])
        return NULL;
    return find_account(a->o.users, s->user);
}

/* Whether the account may reach folder: a folder it may write or one below;
 * with above, also a folder above one it may write (reading). */
static int may_reach(const pg_auth *a, const pg_session *s, const char *folder, int above)
{
    if (!folder_query_ok(folder))
        return 0;
    if (!a->o.login_required)
        return 1;
    const pg_account *acc = session_account(a, s);
    for (size_t i = 0; acc && i < acc->n_write; i++)
        if (is_prefix(acc->write[i], folder) || (above && is_prefix(folder, acc->write[i])))
            return 1;
    return 0;
}

int pg_auth_may_write(const pg_auth *a, const pg_session *s, const char *folder)
{
    return may_reach(a, s, folder, 0);
}

int pg_auth_may_read(const pg_auth *a, const pg_session *s, const char *folder)
{
    return may_reach(a, s, folder, 1);
}

size_t pg_auth_write_folders(const pg_auth *a, const pg_session *s, const char *const **out)
{
    static const char *const everything[] = {"."};
    *out = NULL;
    if (!a->o.login_required) {
        *out = everything;
        return 1;
    }
    const pg_account *acc = session_account(a, s);
    if (!acc)
        return 0;
    *out = (const char *const *)acc->write;
    return acc->n_write;
}

/* ---- save log ---- */

/* A log field: "-" when empty; control characters, bytes that are not
 * UTF-8, spaces and backslashes as \xNN, so one save stays one line of six
 * fields. */
static void put_field(pg_buf *b, const char *s)
{
    if (!s || !*s) {
        pg_buf_puts(b, " -");
        return;
    }
    char *p = pg_printable(s);
    pg_buf_putc(b, ' ');
    for (const char *q = p; *q; q++) {
        if (*q == ' ')
            pg_buf_puts(b, "\\x20");
        else
            pg_buf_putc(b, *q);
    }
    free(p);
}

void pg_auth_log_save(pg_auth *a, const pg_session *s, const char *addr, const char *path,
                      const char *old_hash, const char *new_hash)
{
    time_t t = time(NULL);
    struct tm tm;
    char when[32];
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    pg_buf b = {0};
    pg_buf_puts(&b, when);
    put_field(&b, s ? s->user : NULL);
    put_field(&b, addr);
    put_field(&b, path);
    put_field(&b, old_hash);
    put_field(&b, new_hash);
    pg_buf_putc(&b, '\n');
    FILE *f = a->o.log ? a->o.log : stderr;
    pthread_mutex_lock(&a->log_mu);
    fwrite(b.s, 1, b.len, f);
    fflush(f);
    pthread_mutex_unlock(&a->log_mu);
    pg_buf_free(&b);
}

/* ---- `plangen user` ---- */

static const char usage_text[] =
    "usage: plangen user add FILE NAME FOLDER... [--password-stdin]\n"
    "       plangen user list FILE\n"
    "       plangen user remove FILE NAME\n"
    "\n"
    "Keeps the users file of `plangen serve --users FILE`: one account a line,\n"
    "NAME:HASH:FOLDER[,FOLDER...], the password as a yescrypt hash.\n"
    "\n"
    "  add     adds the account NAME, or replaces its password and folders. NAME is\n"
    "          1 to 32 of a-z 0-9 . _ -. Each FOLDER is relative to the plans folder\n"
    "          (\".\" for all of it): the account writes plans inside it and reads it\n"
    "          and the folders above it. The password (at least 8 characters) is\n"
    "          asked twice on the terminal, or read as one line from standard input\n"
    "          with --password-stdin.\n"
    "  list    prints each account and the folders it writes.\n"
    "  remove  removes the account NAME.\n"
    "\n"
    "The file is written atomically, readable by its owner only when created.\n"
    "Exit status: 0 done, 1 refused (the message says why), 2 wrong usage.\n";

static int usage_error(const char *why)
{
    fprintf(stderr,
            _("plangen user: %s\n"
              "usage: plangen user add FILE NAME FOLDER... [--password-stdin]\n"
              "       plangen user list FILE\n"
              "       plangen user remove FILE NAME\n"
              "`plangen user --help` says more.\n"),
            why);
    return 2;
}

/* Reads one line (without its end) of at most PASSWORD_MAX bytes from f into
 * buf; 0 at end of file or when longer. */
static int read_line(FILE *f, char *buf, size_t size, int *too_long)
{
    *too_long = 0;
    if (!fgets(buf, (int)size, f))
        return 0;
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (!feof(f)) {
        *too_long = 1;
        return 0;
    }
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return 1;
}

/* The terminal's settings while echo is off, for the signal handler: a
 * Ctrl-C at the prompt must not leave the terminal silent. */
static struct termios saved_termios;

static void restore_terminal(int sig)
{
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Asks the password on the terminal (standard input) with echo off. */
static int ask_password(const char *prompt, char *buf, size_t size, int *too_long)
{
    struct termios quiet;
    if (tcgetattr(STDIN_FILENO, &saved_termios) != 0)
        return 0;
    quiet = saved_termios;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    fputs(_(prompt), stderr);
    fflush(stderr);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction sa, old[4];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = restore_terminal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 4; i++)
        sigaction(sigs[i], &sa, &old[i]);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    int ok = read_line(stdin, buf, size, too_long);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
    for (int i = 0; i < 4; i++)
        sigaction(sigs[i], &old[i], NULL);
    return ok;
}

static int get_password(int from_stdin, char *pw, size_t size)
{
    int too_long = 0;
    if (from_stdin) {
        if (!read_line(stdin, pw, size, &too_long)) {
            fprintf(stderr, _("plangen user: %s\n"),
                    too_long ? _("the password is longer than 4096 bytes")
                             : _("no password on standard input: give it as one line"));
            return 0;
        }
    } else {
        if (!isatty(STDIN_FILENO)) {
            fprintf(stderr, _("plangen user: standard input is not a terminal, so the password "
                              "cannot be asked: pipe it in one line with --password-stdin\n"));
            return 0;
        }
        char *again = pg_xmalloc(size);
        int ok = ask_password("Password: ", pw, size, &too_long) &&
                 ask_password("Password again: ", again, size, &too_long);
        int same = ok && strcmp(pw, again) == 0;
        explicit_bzero(again, size);
        free(again);
        if (!ok) {
            fprintf(stderr, _("plangen user: %s\n"),
                    too_long ? _("the password is longer than 4096 bytes")
                             : _("no password read: nothing changed"));
            return 0;
        }
        if (!same) {
            fprintf(stderr, _("plangen user: the two passwords differ: nothing changed; run "
                              "the command again\n"));
            return 0;
        }
    }
    if (!g_utf8_validate(pw, -1, NULL)) {
        fprintf(stderr, _("plangen user: the password is not valid UTF-8: type it again\n"));
        return 0;
    }
    if (g_utf8_strlen(pw, -1) < PASSWORD_MIN) {
        fprintf(stderr,
                _("plangen user: the password has fewer than %d characters: choose a "
                  "longer one\n"),
                PASSWORD_MIN);
        return 0;
    }
    return 1;
}

static int print_diags(pg_diag_list *d)
{
    pg_diag_print(d, stderr);
    pg_diag_list_free(d);
    return 1;
}

static int user_add(int argc, char **argv)
{
    int from_stdin = 0;
    char **pos = pg_xcalloc((size_t)argc + 1, sizeof *pos);
    int n = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--password-stdin") == 0)
            from_stdin = 1;
        else if (strcmp(argv[i], "--") == 0)
            while (++i < argc)
                pos[n++] = argv[i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            free(pos);
            return usage_error(_("unknown option for add"));
        } else
            pos[n++] = argv[i];
    }
    if (n < 3) {
        free(pos);
        return usage_error(_("add needs FILE, NAME and at least one FOLDER"));
    }
    const char *file = pos[0], *name = pos[1];
    int rc = 1;
    pg_diag_list d = {0};
    char *pw = pg_xmalloc(PASSWORD_MAX + 2);
    if (!name_ok(name, strlen(name))) {
        char *p = shown(name, strlen(name));
        fprintf(stderr,
                _("plangen user: account name \"%s\" is not 1 to %d of a-z 0-9 . _ -: "
                  "choose another\n"),
                p, NAME_MAX_LEN);
        free(p);
        goto cleanup;
    }
    for (int i = 2; i < n; i++) {
        char *norm = NULL;
        const char *why = folder_check(pos[i], strlen(pos[i]), &norm);
        free(norm);
        if (why) {
            char *p = shown(pos[i], strlen(pos[i]));
            fprintf(stderr, _("plangen user: folder \"%s\" %s\n"), p, _(why));
            free(p);
            goto cleanup;
        }
    }
    /* a users file that does not load is reported before the password is asked */
    struct stat st;
    if (lstat(file, &st) == 0 || errno != ENOENT) {
        pg_users u;
        if (!pg_users_load(file, &u, &d)) {
            print_diags(&d);
            fprintf(stderr, _("plangen user: %s is left as it was: fix it first\n"), file);
            goto cleanup;
        }
        pg_users_free(&u);
    }
    if (!get_password(from_stdin, pw, PASSWORD_MAX + 2))
        goto cleanup;
    if (!pg_users_set(file, name, pw, (const char *const *)(pos + 2), (size_t)(n - 2), &d)) {
        print_diags(&d);
        goto cleanup;
    }
    printf(_("plangen user: account %s saved in %s\n"), name, file);
    rc = 0;
cleanup:
    explicit_bzero(pw, PASSWORD_MAX + 2);
    free(pw);
    free(pos);
    pg_diag_list_free(&d);
    return rc;
}

static int user_list(int argc, char **argv)
{
    if (argc != 3)
        return usage_error(_("list needs FILE and nothing else"));
    pg_users u;
    pg_diag_list d = {0};
    if (!pg_users_load(argv[2], &u, &d))
        return print_diags(&d);
    for (size_t i = 0; i < u.n; i++) {
        printf("%s\t", u.accounts[i].name);
        for (size_t k = 0; k < u.accounts[i].n_write; k++)
            printf("%s%s", k ? "," : "", u.accounts[i].write[k]);
        putchar('\n');
    }
    pg_users_free(&u);
    return 0;
}

static int user_remove(int argc, char **argv)
{
    if (argc != 4)
        return usage_error(_("remove needs FILE and NAME and nothing else"));
    const char *file = argv[2], *name = argv[3];
    pg_diag_list d = {0};
    int found = 0;
    struct stat st;
    if (lstat(file, &st) != 0 && errno == ENOENT) {
        fprintf(stderr, _("plangen user: %s: no such file\n"), file);
        return 1;
    }
    if (!name_ok(name, strlen(name)) || !users_rewrite(file, name, NULL, &found, &d)) {
        if (d.n)
            return print_diags(&d);
    }
    if (!found) {
        char *p = shown(name, strlen(name));
        fprintf(stderr,
                _("plangen user: %s has no account \"%s\"; `plangen user list %s` shows "
                  "the accounts\n"),
                file, p, file);
        free(p);
        return 1;
    }
    printf(_("plangen user: account %s removed from %s\n"), name, file);
    return 0;
}

int pg_user_main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(_("say what to do: add, list or remove"));
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(_(usage_text), stdout);
        return 0;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0) {
            fputs(_(usage_text), stdout);
            return 0;
        }
    if (strcmp(cmd, "add") == 0)
        return user_add(argc, argv);
    if (strcmp(cmd, "list") == 0)
        return user_list(argc, argv);
    if (strcmp(cmd, "remove") == 0)
        return user_remove(argc, argv);
    return usage_error(_("unknown action: use add, list or remove"));
}
