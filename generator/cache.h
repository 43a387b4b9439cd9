/* cache.h - the line formats of `plangen build`: the cache OUT/.plangen-cache
 * and the records a worker sends back. The cache is untrusted input (CI caches
 * are restored from branches anyone can push): it is parsed strictly, and an
 * entry names only a PDF below the output folder, by a plain relative path. */
#ifndef PG_CACHE_H
#define PG_CACHE_H

#include "diag.h"
#include "reads.h"

#include <glib.h>

#define PG_CACHE_NAME ".plangen-cache"
#define PG_CACHE_MAGIC "plangen-cache 4"

/* What a worker found for one job, or what the cache kept of an earlier one. */
typedef struct {
    int done; /* the job's whole record came back (or it was fresh) */
    int status, pages;
    double ms;
    pg_diag_list diags;
    pg_reads deps;              /* every file the run read, hashed when read */
    char out_hash[PG_HASH_HEX]; /* of the output written */
    GPtrArray *held; /* a worker's outputs not yet in place: target, temporary
                        file, target, ... (owned); NULL: none */
} pg_build_result;

void pg_build_result_clear(pg_build_result *r);

/* Escapes s for one tab-separated field: backslash, and every control
 * character as \n, \t or \xNN (a name can never start a line of its own).
 * Returns a g_malloc'd string. */
char *pg_cache_escape(const char *s);
/* The reverse; returns NULL (nothing to free) for a field that holds a raw
 * control character or an escape other than those above. g_free. */
char *pg_cache_unescape(const char *s);

/* Appends "diag\tCODE\tLINE\tCOL\tRULE\tFIX\tFILE\t[=DETAIL]\n" (FIX: "fix" when check
 * --fix has an edit for it, else "-") / "dep\tPATH\tHASH\n". */
void pg_cache_put_diag(GString *g, const pg_diag *d);
void pg_cache_put_dep(GString *g, const pg_read *r);
/* Read the fields after "diag" (7) or "dep" (2) back; return 0 for a field
 * out of its form (nothing is added then). */
int pg_cache_get_diag(pg_diag_list *l, char **f);
int pg_cache_get_dep(pg_reads *deps, char **f);

/* 1 when path is out + "/" + a relative path of plain names (none empty, ".",
 * or "..", no control character) ending in ".pdf": the only outputs a build
 * writes. */
int pg_cache_output_path_ok(const char *out, const char *path);

/* Parses the len bytes of a cache file of the output folder out. Returns a
 * table of output path (g_malloc'd) -> pg_build_result (g_malloc'd, freed by
 * the table): empty when the cache is of another build or other options
 * (key), or when a line is out of form, which adds a warning at the line in
 * diags (file: cache_path) and makes every output stale. */
GHashTable *pg_cache_parse(const char *text, size_t len, const char *cache_path, const char *out,
                           const char *key, pg_diag_list *diags);
/* The text of a cache holding the entries of c (sorted); g_free. */
char *pg_cache_format(GHashTable *c, const char *key, size_t *len);

#endif
