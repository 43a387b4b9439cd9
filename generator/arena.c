/* arena.c - the per-document bump allocator and abort-on-OOM heap helpers. */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK_SIZE = 64 * 1024, ALIGN = 16 };

typedef struct chunk {
    struct chunk *next;
    size_t used, size; /* bytes of data[] */
    _Alignas(16) unsigned char data[];
} chunk;

struct pg_arena {
    chunk *head;
};

_Noreturn void pg_oom(void)
{
    fputs("plangen: out of memory\n", stderr);
    abort();
}

void *pg_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        pg_oom();
    return p;
}

void *pg_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        pg_oom();
    return p;
}

void *pg_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        pg_oom();
    return q;
}

char *pg_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = pg_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

pg_arena *pg_arena_new(void)
{
    return pg_xcalloc(1, sizeof(pg_arena));
}

void pg_arena_free(pg_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

size_t pg_arena_bytes(const pg_arena *a)
{
    size_t n = 0;
    for (const chunk *c = a ? a->head : NULL; c; c = c->next)
        n += sizeof(chunk) + c->size;
    return n;
}

void *pg_arena_alloc(pg_arena *a, size_t n)
{
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (n == 0)
        n = ALIGN;
    chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        c = pg_xmalloc(sizeof(chunk) + size);
        c->used = 0;
        c->size = size;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *pg_arena_strndup(pg_arena *a, const char *s, size_t n)
{
    char *p = pg_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *pg_arena_strdup(pg_arena *a, const char *s)
{
    return pg_arena_strndup(a, s, strlen(s));
}

char *pg_arena_printf(pg_arena *a, const char *fmt, ...)
{
    pg_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    pg_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *p = pg_arena_strndup(a, pg_buf_str(&b), b.len);
    pg_buf_free(&b);
    return p;
}

static void buf_reserve(pg_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = pg_xrealloc(b->s, cap);
    b->cap = cap;
}

void pg_buf_append(pg_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void pg_buf_puts(pg_buf *b, const char *s)
{
    pg_buf_append(b, s, strlen(s));
}

void pg_buf_putc(pg_buf *b, char c)
{
    pg_buf_append(b, &c, 1);
}

void pg_buf_vprintf(pg_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void pg_buf_printf(pg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *pg_buf_str(const pg_buf *b)
{
    return b->s ? b->s : "";
}

unsigned long long pg_hash64(const void *data, size_t n, unsigned long long seed)
{
    const unsigned char *p = data;
    unsigned long long h = 14695981039346656037ull ^ seed;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

unsigned long long pg_hash_bytes(const void *data, size_t n)
{
    const unsigned char *p = data;
    const unsigned long long k = 0x9E3779B97F4A7C15ull;
    unsigned long long h = n * k, w;
    for (; n >= 8; n -= 8, p += 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    if (n) {
        w = 0;
        memcpy(&w, p, n);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    /* the final mix of MurmurHash3's 64-bit finaliser: every input bit reaches
     * every output bit */
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return h;
}

void pg_buf_free(pg_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void pg_buf_put_xml(pg_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            pg_buf_puts(b, "&amp;");
            break;
        case '<':
            pg_buf_puts(b, "&lt;");
            break;
        case '>':
            pg_buf_puts(b, "&gt;");
            break;
        case '"':
            pg_buf_puts(b, "&quot;");
            break;
        default:
            pg_buf_putc(b, *s);
        }
    }
}
