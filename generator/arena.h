/* arena.h - one bump allocator per document: everything a document owns is
 * freed with a single pg_arena_free(). Allocation never fails: on
 * out-of-memory plangen prints a message and aborts (no OOM return paths). */
#ifndef PG_ARENA_H
#define PG_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct pg_arena pg_arena;

/* Returns a new, empty arena; the caller owns it and frees it with pg_arena_free(). */
pg_arena *pg_arena_new(void);
/* Frees the arena and every block allocated from it. Accepts NULL. */
void pg_arena_free(pg_arena *a);

/* Bytes the arena holds from the heap (its blocks, used or not). */
size_t pg_arena_bytes(const pg_arena *a);
/* Returns n zeroed bytes owned by the arena, aligned for any type. */
void *pg_arena_alloc(pg_arena *a, size_t n);
/* Returns a copy of s (or of its first n bytes), NUL-terminated, owned by the arena. */
char *pg_arena_strdup(pg_arena *a, const char *s);
char *pg_arena_strndup(pg_arena *a, const char *s, size_t n);
/* Returns a formatted string owned by the arena. */
char *pg_arena_printf(pg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Heap helpers that abort on out-of-memory; the caller frees with free(). */
void *pg_xmalloc(size_t n);
void *pg_xcalloc(size_t n, size_t size);
void *pg_xrealloc(void *p, size_t n);
char *pg_xstrdup(const char *s);
/* A 64-bit digest of n bytes (FNV-1a, starting from seed; 0 for the plain
 * function), the same in every version: what is kept on disk by it (the build
 * cache's shards) stays where it is. */
unsigned long long pg_hash64(const void *data, size_t n, unsigned long long seed);
/* A 64-bit digest of n bytes, eight at a time (about ten times pg_hash64's
 * speed), for keys that live only in the process: caches of streams and fonts,
 * which compare what they keep (or key on the length too). */
unsigned long long pg_hash_bytes(const void *data, size_t n);

/* Prints "plangen: out of memory" and aborts. */
_Noreturn void pg_oom(void);

/* A growable byte string on the heap. */
typedef struct {
    char *s;    /* NUL-terminated; NULL until the first append */
    size_t len; /* bytes, without the NUL */
    size_t cap;
} pg_buf;

void pg_buf_append(pg_buf *b, const char *s, size_t n);
void pg_buf_puts(pg_buf *b, const char *s);
void pg_buf_putc(pg_buf *b, char c);
void pg_buf_printf(pg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pg_buf_vprintf(pg_buf *b, const char *fmt, va_list ap);
/* Appends s with & < > " escaped for XML text and attribute values. */
void pg_buf_put_xml(pg_buf *b, const char *s);
/* Returns the string ("" when empty); it stays owned by the buffer. */
const char *pg_buf_str(const pg_buf *b);
void pg_buf_free(pg_buf *b);

#endif
