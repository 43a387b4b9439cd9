/* fuzz_pdfparse.c - libFuzzer harness: any bytes as a PDF through the reader of
 * sign and verify with cross-reference and object streams
 * (pg_pdf_open_with(PG_PDF_OPEN_STREAMS), generator/pdfparse.c): every object
 * it lists is looked up and each of its values' bytes found (pg_pdf_raw); then
 * an update that rewrites the catalog from those bytes, ended by a
 * cross-reference stream (generator/pdfxref.c), must read back with the new
 * catalog in place. */
#include "pdfparse.h"
#include "pdfxref.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks that o and the values in it have their bytes; nodes counts them. */
static void walk(const pg_pdf *p, const pg_pdfo *o, size_t *nodes)
{
    size_t n = 0;
    if (!o || ++*nodes > 100000)
        return;
    if (!pg_pdf_raw(p, o, &n) || n != o->end - o->start)
        abort(); /* every value the reader gives has its bytes */
    if (o->kind == PG_PDFO_ARRAY || o->kind == PG_PDFO_DICT)
        for (size_t i = 0; i < o->n; i++)
            walk(p, o->items[i], nodes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;
    pg_pdf *p = pg_pdf_open_with(data, size, PG_PDF_OPEN_STREAMS, &err);
    if (!p) {
        if (!err || !*err)
            abort(); /* a refusal always says why */
        free(err);
        return 0;
    }
    size_t nodes = 0;
    long long count = pg_pdf_size(p);
    for (long long i = 1; i < count && i < 20000; i++)
        walk(p, pg_pdf_object(p, i, NULL), &nodes);

    /* the update: the catalog rewritten from its bytes, one key more */
    const pg_pdfo *root = pg_pdfo_get(pg_pdf_trailer(p), "Root");
    int gen = 0;
    const pg_pdfo *cat = pg_pdf_object(p, root->num, &gen);
    if (!cat || cat->kind != PG_PDFO_DICT || cat->n > 1000 || gen > 65535 ||
        pg_pdf_size(p) >= PG_PDF_MAX_OBJECTS - 1) {
        pg_pdf_free(p);
        return 0;
    }
    GString *u = g_string_new("\n");
    pg_xref_entry w = {.num = root->num, .gen = gen, .off = size + u->len};
    g_string_append_printf(u, "%lld %d obj\n<<", root->num, gen);
    for (size_t i = 0; i < cat->n; i++) {
        size_t n = 0;
        const unsigned char *b = pg_pdf_raw(p, cat->items[i], &n);
        g_string_append_c(u, ' ');
        g_string_append_len(u, (const char *)b, (gssize)n);
    }
    g_string_append(u, " /PgFuzz true >>\nendobj\n");
    char *t = g_strdup_printf("/Root %lld %d R", root->num, gen);
    pg_xref_stream_append(u, size, &w, 1, pg_pdf_size(p), pg_pdf_startxref(p), t);
    g_free(t);
    size_t cat_n = cat->n;
    long long root_num = root->num;
    pg_pdf_free(p);

    size_t n = size + u->len;
    unsigned char *d = malloc(n);
    memcpy(d, data, size);
    memcpy(d + size, u->str, u->len);
    p = pg_pdf_open_with(d, n, PG_PDF_OPEN_STREAMS, &err);
    /* what was read, updated, reads (but for the limits on decoding and revisions) */
    if (!p && !strstr(err, "MiB") && !strstr(err, "revisions"))
        abort();
    if (p) {
        const pg_pdfo *c2 = pg_pdf_object(p, root_num, NULL);
        if (!c2 || c2->kind != PG_PDFO_DICT || c2->n != cat_n + 2)
            abort(); /* the new catalog, as written */
    }
    free(err);
    pg_pdf_free(p);
    free(d);
    g_string_free(u, TRUE);
    return 0;
}
