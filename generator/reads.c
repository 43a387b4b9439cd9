/* reads.c - the record of what a run read (see reads.h). */
#include "reads.h"

#include "arena.h"
#include "input.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
/* SHA256_Init and its kin, deprecated by OpenSSL 3 for its EVP interface, on
 * purpose: the first EVP digest of a process initialises OpenSSL (its
 * configuration file, its providers), 0.9 ms of every run, 2 % of a one-plan
 * render; these run the same code (SHA-NI where the processor has it) without */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <string.h>
#include <unistd.h>

/* OpenSSL's SHA-256 (SHA-NI where the processor has it) is 5-6 times faster
 * than GLib's; a no-op build hashes every plan and every output. */
static void hex_of(const unsigned char md[SHA256_DIGEST_LENGTH], char out[PG_HASH_HEX])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * SHA256_DIGEST_LENGTH] = '\0';
}

void pg_sha256_hex(const void *data, size_t n, char out[PG_HASH_HEX])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, data, n);
    SHA256_Final(md, &c);
    hex_of(md, out);
}

int pg_sha256_fd_hex(int fd, size_t n, char out[PG_HASH_HEX])
{
    SHA256_CTX c;
    SHA256_Init(&c);
    enum { BLOCK = 65536 };
    char *buf = pg_xmalloc(BLOCK);
    size_t off = 0;
    while (off < n) {
        size_t want = n - off < BLOCK ? n - off : BLOCK;
        ssize_t got = pread(fd, buf, want, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        SHA256_Update(&c, buf, (size_t)got);
        off += (size_t)got;
    }
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256_Final(md, &c);
    free(buf);
    if (off < n)
        return 0;
    hex_of(md, out);
    return 1;
}

void pg_reads_add(pg_reads *r, const char *path, const char *hash)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->items[i].path, path) == 0)
            return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->items = pg_xrealloc(r->items, r->cap * sizeof *r->items);
    }
    pg_read *e = &r->items[r->n++];
    e->path = pg_xstrdup(path);
    g_strlcpy(e->hash, hash, sizeof e->hash);
}

void pg_reads_add_bytes(pg_reads *r, const char *path, const void *data, size_t len)
{
    if (r->paths_only) {
        pg_reads_add(r, path, "unhashed");
        return;
    }
    char h[PG_HASH_HEX];
    pg_sha256_hex(data, len, h);
    pg_reads_add(r, path, h);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder's hash: of its entries' names, sizes and modification times, so
 * that a file dropped into it (a font) changes it. */
static void dir_hash(const char *path, char hash[PG_HASH_HEX])
{
    GDir *d = g_dir_open(path, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *e;
    while (d && (e = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(e));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, cmp_names);
    GString *g = g_string_new("dir\n");
    for (guint i = 0; i < names->len; i++) {
        char *full = g_build_filename(path, names->pdata[i], NULL);
        GStatBuf st;
        if (g_stat(full, &st) == 0)
            g_string_append_printf(g, "%s\t%lld\t%lld\n", (const char *)names->pdata[i],
                                   (long long)st.st_size, (long long)st.st_mtime);
        g_free(full);
    }
    pg_sha256_hex(g->str, g->len, hash);
    g_string_free(g, TRUE);
    g_ptr_array_free(names, TRUE);
}

int pg_file_hash(const char *path, char hash[PG_HASH_HEX])
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        dir_hash(path, hash);
        return 1;
    }
    /* streamed, from a regular file only: a FIFO or a device is "missing", never
     * waited on, and /dev/zero behind a link cannot grow the process */
    char why[PG_WHY_MAX];
    int fd = pg_input_open(path, why);
    if (fd < 0) {
        g_strlcpy(hash, "missing", PG_HASH_HEX);
        return 0;
    }
    SHA256_CTX c;
    SHA256_Init(&c);
    char chunk[65536];
    ssize_t got;
    while ((got = read(fd, chunk, sizeof chunk)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        SHA256_Update(&c, chunk, (size_t)got);
    }
    close(fd);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256_Final(md, &c);
    if (got < 0) {
        g_strlcpy(hash, "missing", PG_HASH_HEX);
        return 0;
    }
    hex_of(md, hash);
    return 1;
}

int pg_reads_add_file(pg_reads *r, const char *path, char hash[PG_HASH_HEX])
{
    char h[PG_HASH_HEX] = "unhashed";
    int ok = r->paths_only ? 1 : pg_file_hash(path, h);
    pg_reads_add(r, path, h);
    if (hash)
        memcpy(hash, h, PG_HASH_HEX);
    return ok;
}

void pg_reads_merge(pg_reads *dst, const pg_reads *src)
{
    for (size_t i = 0; i < src->n; i++)
        pg_reads_add(dst, src->items[i].path, src->items[i].hash);
}

void pg_reads_free(pg_reads *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->items[i].path);
    free(r->items);
    memset(r, 0, sizeof *r);
}
