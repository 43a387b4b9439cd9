/* fuzz_cache.c - libFuzzer harness: any bytes as the build cache
 * OUT/.plangen-cache through its strict parser (cache.c), which must accept
 * only what it wrote: every entry accepted names a PDF below the output
 * folder, and the text written back from the entries parses to the same text. */
#include "cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY "key 0 0"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the fuzzer's bytes after the two lines a real cache starts with, so that
     * the entries are reached, and once as they are */
    for (int framed = 0; framed < 2; framed++) {
        GString *g = g_string_new(framed ? PG_CACHE_MAGIC "\n" KEY "\n" : "");
        g_string_append_len(g, (const char *)data, (gssize)size);
        pg_diag_list d = {0};
        GHashTable *c = pg_cache_parse(g->str, g->len, "out/" PG_CACHE_NAME, "out", KEY, &d);
        GHashTableIter it;
        gpointer k;
        g_hash_table_iter_init(&it, c);
        while (g_hash_table_iter_next(&it, &k, NULL))
            if (!pg_cache_output_path_ok("out", k))
                abort();
        if (g_hash_table_size(c)) {
            size_t len = 0;
            char *text = pg_cache_format(c, KEY, &len);
            pg_diag_list d2 = {0};
            GHashTable *c2 = pg_cache_parse(text, len, "out/" PG_CACHE_NAME, "out", KEY, &d2);
            size_t len2 = 0;
            char *text2 = pg_cache_format(c2, KEY, &len2);
            if (d2.n || len != len2 || memcmp(text, text2, len) != 0)
                abort(); /* what the build writes, it reads back unchanged */
            g_free(text);
            g_free(text2);
            g_hash_table_destroy(c2);
            pg_diag_list_free(&d2);
        }
        g_hash_table_destroy(c);
        pg_diag_list_free(&d);
        g_string_free(g, TRUE);
    }
    return 0;
}
