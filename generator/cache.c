/* cache.c - the build cache's file format and the worker records, parsed
 * strictly (see cache.h). */
#include "cache.h"

#include "i18n.h"

#include <stdlib.h>
#include <string.h>

void pg_build_result_clear(pg_build_result *r)
{
    pg_diag_list_free(&r->diags);
    pg_reads_free(&r->deps);
    if (r->held)
        g_ptr_array_free(r->held, TRUE);
    r->held = NULL;
}

static void entry_free(gpointer p)
{
    pg_build_result_clear(p);
    g_free(p);
}

char *pg_cache_escape(const char *s)
{
    GString *g = g_string_new(NULL);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n')
            g_string_append(g, "\\n");
        else if (c == '\t')
            g_string_append(g, "\\t");
        else if (c == '\\')
            g_string_append(g, "\\\\");
        else if (c < 0x20 || c == 0x7f)
            g_string_append_printf(g, "\\x%02x", c);
        else
            g_string_append_c(g, (char)c);
    }
    return g_string_free(g, FALSE);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *pg_cache_unescape(const char *s)
{
    GString *g = g_string_new(NULL);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            goto bad;
        if (c != '\\') {
            g_string_append_c(g, (char)c);
            continue;
        }
        s++;
        if (*s == 'n') {
            g_string_append_c(g, '\n');
        } else if (*s == 't') {
            g_string_append_c(g, '\t');
        } else if (*s == '\\') {
            g_string_append_c(g, '\\');
        } else if (*s == 'x' && hex_digit(s[1]) >= 0 && hex_digit(s[2]) >= 0) {
            int v = hex_digit(s[1]) * 16 + hex_digit(s[2]);
            if (v == 0 || (v >= 0x20 && v != 0x7f))
                goto bad; /* only what pg_cache_escape writes */
            g_string_append_c(g, (char)v);
            s += 2;
        } else {
            goto bad;
        }
    }
    return g_string_free(g, FALSE);
bad:
    g_string_free(g, TRUE);
    return NULL;
}

/* A decimal number of at most 10 digits, no sign, no more than max. */
static int number(const char *s, long long max, int *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 10 || strspn(s, "0123456789") != n)
        return 0;
    long long v = strtoll(s, NULL, 10);
    if (v > max)
        return 0;
    *out = (int)v;
    return 1;
}

/* 64 lowercase hex digits, or "missing" when allowed. */
static int hash_ok(const char *s, int missing_ok)
{
    if (missing_ok && strcmp(s, "missing") == 0)
        return 1;
    return strlen(s) == PG_HASH_HEX - 1 && strspn(s, "0123456789abcdef") == PG_HASH_HEX - 1;
}

void pg_cache_put_diag(GString *g, const pg_diag *d)
{
    char *file = pg_cache_escape(d->file), *detail = pg_cache_escape(d->detail);
    g_string_append_printf(g, "diag\t%d\t%d\t%d\t%s\t%s\t%s\t%s%s\n", (int)d->code, d->line, d->col,
                           d->rule ? d->rule : "-", d->fixable ? "fix" : "-", file,
                           d->detail ? "=" : "", detail);
    g_free(file);
    g_free(detail);
}

int pg_cache_get_diag(pg_diag_list *l, char **f)
{
    int code, line, col;
    if (!number(f[0], PG_DIAG__COUNT - 1, &code) || !number(f[1], 1 << 30, &line) ||
        !number(f[2], 1 << 30, &col))
        return 0;
    /* rule ids are short names of letters, digits, '.', '-' and '_' */
    size_t rl = strlen(f[3]);
    if (rl == 0 || rl > 64 ||
        strspn(f[3], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != rl)
        return 0;
    if (strcmp(f[4], "fix") != 0 && strcmp(f[4], "-") != 0)
        return 0;
    if (f[6][0] && f[6][0] != '=')
        return 0;
    char *file = pg_cache_unescape(f[5]);
    char *detail = f[6][0] == '=' ? pg_cache_unescape(f[6] + 1) : NULL;
    int ok = file && *file && (f[6][0] != '=' || detail);
    if (ok) {
        pg_diag_add(l, (pg_diag_code)code, file, line, col, detail ? "%s" : NULL, detail);
        /* rule ids are static strings: an interned copy lives as long as the process */
        if (strcmp(f[3], "-") != 0)
            pg_diag_rule(l, g_intern_string(f[3]));
        if (f[4][0] == 'f')
            pg_diag_fixable(l);
    }
    g_free(file);
    g_free(detail);
    return ok;
}

void pg_cache_put_dep(GString *g, const pg_read *r)
{
    char *p = pg_cache_escape(r->path);
    g_string_append_printf(g, "dep\t%s\t%s\n", p, r->hash);
    g_free(p);
}

int pg_cache_get_dep(pg_reads *deps, char **f)
{
    if (!hash_ok(f[1], 1))
        return 0;
    char *path = pg_cache_unescape(f[0]);
    int ok = path && *path;
    if (ok)
        pg_reads_add(deps, path, f[1]);
    g_free(path);
    return ok;
}

int pg_cache_output_path_ok(const char *out, const char *path)
{
    size_t ol = strlen(out);
    while (ol > 1 && out[ol - 1] == '/')
        ol--; /* "out/" names the folder "out" */
    if (strncmp(path, out, ol) != 0 || path[ol] != '/' || !g_str_has_suffix(path, ".pdf"))
        return 0;
    const char *rel = path + ol + 1;
    for (const char *p = rel; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return 0;
    char **parts = g_strsplit(rel, "/", -1);
    int ok = parts[0] != NULL;
    for (char **p = parts; ok && *p; p++)
        ok = **p && strcmp(*p, ".") != 0 && strcmp(*p, "..") != 0;
    g_strfreev(parts);
    return ok;
}

GHashTable *pg_cache_parse(const char *text, size_t len, const char *cache_path, const char *out,
                           const char *key, pg_diag_list *diags)
{
    GHashTable *c = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entry_free);
    if (memchr(text, '\0', len)) {
        pg_diag_add(diags, PG_W_CACHE, cache_path, 0, 0, "it holds a NUL byte");
        return c;
    }
    char *copy = g_strndup(text, len);
    char **lines = g_strsplit(copy, "\n", -1);
    g_free(copy);
    guint n = g_strv_length(lines);
    pg_build_result *cur = NULL;
    const char *why = NULL;
    guint i = 2;
    if (n < 3 || strcmp(lines[0], PG_CACHE_MAGIC) != 0 || strcmp(lines[1], key) != 0)
        goto done; /* another build, other options, or no cache: nothing to trust, no error */
    if (lines[n - 1][0] != '\0') {
        i = n - 1;
        why = N_("the last line is cut short");
        goto done;
    }
    for (; i + 1 < n && !why; i++) {
        char **f = g_strsplit(lines[i], "\t", -1);
        guint nf = g_strv_length(f);
        if (nf == 4 && strcmp(f[0], "output") == 0) {
            char *path = pg_cache_unescape(f[1]);
            int pages;
            if (!path || !pg_cache_output_path_ok(out, path))
                why = N_("the output is not a PDF inside the output folder");
            else if (!hash_ok(f[2], 0) || !number(f[3], 1 << 30, &pages))
                why = N_("a hash or a page count out of form");
            else if (g_hash_table_contains(c, path))
                why = N_("the output is listed twice");
            if (why) {
                g_free(path);
            } else {
                cur = g_new0(pg_build_result, 1);
                cur->done = 1;
                g_strlcpy(cur->out_hash, f[2], sizeof cur->out_hash);
                cur->pages = pages;
                g_hash_table_insert(c, path, cur);
            }
        } else if (nf == 3 && strcmp(f[0], "dep") == 0 && cur) {
            if (!pg_cache_get_dep(&cur->deps, f + 1))
                why = N_("a file read or its hash out of form");
        } else if (nf == 8 && strcmp(f[0], "diag") == 0 && cur) {
            if (!pg_cache_get_diag(&cur->diags, f + 1))
                why = N_("a diagnostic out of form");
        } else {
            why = N_("not an output, dep or diag line in its place");
        }
        g_strfreev(f);
    }
    if (why)
        i--;
done:
    if (why) {
        pg_diag_add(diags, PG_W_CACHE, cache_path, (int)i + 1, 0, "%s", _(why));
        g_hash_table_remove_all(c);
    }
    g_strfreev(lines);
    return c;
}

char *pg_cache_format(GHashTable *c, const char *key, size_t *len)
{
    GList *keys = g_list_sort(g_hash_table_get_keys(c), (GCompareFunc)strcmp);
    GString *g = g_string_new(PG_CACHE_MAGIC "\n");
    g_string_append_printf(g, "%s\n", key);
    for (GList *k = keys; k; k = k->next) {
        const pg_build_result *e = g_hash_table_lookup(c, k->data);
        char *t = pg_cache_escape(k->data);
        g_string_append_printf(g, "output\t%s\t%s\t%d\n", t, e->out_hash, e->pages);
        g_free(t);
        for (size_t i = 0; i < e->deps.n; i++)
            pg_cache_put_dep(g, &e->deps.items[i]);
        for (size_t i = 0; i < e->diags.n; i++)
            pg_cache_put_diag(g, &e->diags.items[i]);
    }
    g_list_free(keys);
    *len = g->len;
    return g_string_free(g, FALSE);
}
