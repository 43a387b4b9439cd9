/* pdfxref.c - writes the cross-reference stream of an incremental update (see
 * pdfxref.h). Its entries are of type 1 only (objects at an offset): /W [1 k 2],
 * k the bytes of the largest offset, one /Index pair per run of numbers. */
#include "pdfxref.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>

static int cmp_entry(const void *a, const void *b)
{
    const pg_xref_entry *x = a, *y = b;
    return x->num < y->num ? -1 : x->num > y->num;
}

/* v in w bytes, big-endian, as the stream's fields are. */
static void put_field(GString *g, unsigned long long v, int w)
{
    for (int i = w - 1; i >= 0; i--)
        g_string_append_c(g, (char)((v >> (8 * i)) & 0xff));
}

size_t pg_xref_stream_append(GString *u, size_t base, const pg_xref_entry *e, size_t n,
                             long long size, size_t prev, const char *trailer)
{
    size_t at = base + u->len;
    pg_xref_entry *all = pg_xmalloc((n + 1) * sizeof *all);
    if (n)
        memcpy(all, e, n * sizeof *all);
    all[n] = (pg_xref_entry){.num = size, .gen = 0, .off = at};
    n++;
    qsort(all, n, sizeof *all, cmp_entry);
    /* the stream's own offset is the largest */
    int ow = 1;
    while (ow < 8 && (at >> (8 * ow)) != 0)
        ow++;
    GString *index = g_string_new(NULL), *data = g_string_new(NULL);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && all[j].num == all[j - 1].num + 1)
            j++;
        g_string_append_printf(index, "%s%lld %zu", i ? " " : "", all[i].num, j - i);
        for (size_t k = i; k < j; k++) {
            put_field(data, 1, 1);
            put_field(data, all[k].off, ow);
            put_field(data, (unsigned long long)all[k].gen, 2);
        }
        i = j;
    }
    g_string_append_printf(u,
                           "%lld 0 obj\n<< /Type /XRef /Size %lld /Index [%s] /W [1 %d 2] "
                           "/Prev %zu %s /Length %zu >>\nstream\n",
                           size, size + 1, index->str, ow, prev, trailer, data->len);
    g_string_append_len(u, data->str, (gssize)data->len);
    g_string_append_printf(u, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", at);
    g_string_free(index, TRUE);
    g_string_free(data, TRUE);
    free(all);
    return at;
}
