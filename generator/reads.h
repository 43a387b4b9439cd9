/* reads.h - the files a run read, each with the SHA-256 of the bytes it read,
 * taken at the moment of reading. The build keys its cache on them: an output
 * is fresh only while every file it was made from still has those bytes. */
#ifndef PG_READS_H
#define PG_READS_H

#include <stddef.h>

enum { PG_HASH_HEX = 65 }; /* 64 hex digits and the NUL */

typedef struct {
    char *path;             /* heap, owned by the list */
    char hash[PG_HASH_HEX]; /* SHA-256 of the bytes read, hex; "missing" when unreadable */
} pg_read;

typedef struct {
    pg_read *items;
    size_t n, cap;
    int paths_only; /* 1: files are recorded by path, with the hash "unhashed", neither
                       read nor hashed (pg_reads_add_file, pg_reads_add_bytes): for a
                       run whose reads only say which files it read (a one-shot render
                       checks that its output is none of them); hashing the style's four
                       fonts alone took 1 ms of a 40 ms render */
} pg_reads;

/* Writes the SHA-256 of n bytes at data as 64 hex digits and a NUL into out. */
void pg_sha256_hex(const void *data, size_t n, char out[PG_HASH_HEX]);
/* The same for the first n bytes of the file open at fd (read with pread: its
 * offset stays); returns 0, out unset, when the file holds fewer or cannot be
 * read. */
int pg_sha256_fd_hex(int fd, size_t n, char out[PG_HASH_HEX]);

/* Records that path was read with the given hash (copied). A path recorded
 * already is kept once, with its first hash. */
void pg_reads_add(pg_reads *r, const char *path, const char *hash);
/* Records path with the hash of the len bytes at data, which is what was read
 * (r->paths_only: with "unhashed"). */
void pg_reads_add_bytes(pg_reads *r, const char *path, const void *data, size_t len);
/* Reads path whole and records it (as "missing" when it cannot be read); returns
 * 1 when it was read. Writes the hash into hash when not NULL. r->paths_only:
 * records path with "unhashed", unread, and returns 1. */
int pg_reads_add_file(pg_reads *r, const char *path, char hash[PG_HASH_HEX]);
/* Appends every entry of src to dst (src is left as it was). */
void pg_reads_merge(pg_reads *dst, const pg_reads *src);
/* Hashes the file at path now into hash; returns 0 (hash "missing") when
 * unreadable. A folder's hash is that of its listing (names, sizes, times). */
int pg_file_hash(const char *path, char hash[PG_HASH_HEX]);
void pg_reads_free(pg_reads *r);

#endif
