/* The PDF reader of sign and verify (generator/pdfparse.c) on compressed
 * structure: a plangen render rewritten by qpdf with cross-reference streams
 * and object streams must read as the same document as the original (every
 * object reachable from the catalog and /Info, compared value by value); a
 * hybrid file and an update ending with a cross-reference stream written by
 * pdfxref.c read back; and hostile cross-reference and object streams each end
 * with their own message. */
#include "pdfparse.h"
#include "pdfxref.h"
#include "plangen.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define PLAN PG_SOURCE_DIR "/plans/tra-vinh-duk-60-KH-2022.xml"

/* ---- real files: a render and its rewrites by qpdf ---------------------- */

/* The render of PLAN, once per process; owned here. */
static GBytes *render(void)
{
    static GBytes *pdf;
    if (pdf)
        return pdf;
    pg_options o = {.data_dir = PG_SOURCE_DIR, .today = "2023-01-02"};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    pg_run(e, PLAN, NULL, 0, PG_STAGE_LAYOUT, &r);
    unsigned char *d = NULL;
    size_t n = 0;
    cr_assert(r.pages && pg_result_pdf_memory(e, &r, &d, &n), "the plan renders");
    pg_result_free(&r);
    pg_engine_free(e);
    pdf = g_bytes_new_take(d, n);
    return pdf;
}

/* The render rewritten by qpdf with the options given (NULL-ended); g_free. */
static unsigned char *qpdf(size_t *len, const char *const *opts)
{
    GBytes *src = render();
    char *dir = g_dir_make_tmp("pg-pdfparse-XXXXXX", NULL);
    cr_assert(dir);
    char *in = g_build_filename(dir, "in.pdf", NULL), *out = g_build_filename(dir, "out.pdf", NULL);
    cr_assert(
        g_file_set_contents(in, g_bytes_get_data(src, NULL), (gssize)g_bytes_get_size(src), NULL));
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "qpdf");
    for (size_t i = 0; opts[i]; i++)
        g_ptr_array_add(argv, (gpointer)opts[i]);
    g_ptr_array_add(argv, in);
    g_ptr_array_add(argv, out);
    g_ptr_array_add(argv, NULL);
    int status = -1;
    cr_assert(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                           NULL, &status, NULL),
              "qpdf runs");
    cr_assert(g_spawn_check_wait_status(status, NULL), "qpdf rewrites the render");
    char *d = NULL;
    gsize n = 0;
    cr_assert(g_file_get_contents(out, &d, &n, NULL));
    g_unlink(in);
    g_unlink(out);
    g_rmdir(dir);
    g_ptr_array_free(argv, TRUE);
    g_free(in);
    g_free(out);
    g_free(dir);
    *len = n;
    return (unsigned char *)d;
}

/* 0 when `qpdf --check` finds the file sound. */
static int qpdf_check(const unsigned char *d, size_t n)
{
    char *path = NULL;
    int fd = g_file_open_tmp("pg-pdfparse-XXXXXX.pdf", &path, NULL);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert(g_file_set_contents(path, (const char *)d, (gssize)n, NULL));
    char *argv[] = {"qpdf", "--check", path, NULL};
    int status = -1;
    char *out = NULL;
    cr_assert(
        g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, NULL));
    int rc = g_spawn_check_wait_status(status, NULL) ? 0 : 1;
    if (rc)
        cr_log_error("qpdf --check: %s", out);
    g_unlink(path);
    g_free(path);
    g_free(out);
    return rc;
}

/* Two files' objects compared through their references: the numbers may
 * differ (qpdf renumbers), but each reference of a must always meet the same
 * one of b. */
typedef struct {
    pg_pdf *a, *b;
    GHashTable *map; /* a's object number -> b's */
    int objects;     /* objects compared */
    char where[200]; /* the first difference */
} compare;

static int same(compare *c, const pg_pdfo *x, const pg_pdfo *y, int depth);

/* Keys a rewrite may change: how a stream is stored. */
static int storage_key(const char *k)
{
    return strcmp(k, "Length") == 0 || strcmp(k, "Filter") == 0 || strcmp(k, "DecodeParms") == 0;
}

static int differ(compare *c, const pg_pdfo *x, const char *what)
{
    if (!c->where[0])
        snprintf(c->where, sizeof c->where, "%s at byte %zu", what, x ? x->start : 0);
    return 0;
}

static int same_dict(compare *c, const pg_pdfo *x, const pg_pdfo *y, int depth)
{
    size_t kx = 0, ky = 0;
    for (size_t i = 0; i + 1 < x->n; i += 2) {
        const char *k = x->items[i]->text;
        if (storage_key(k))
            continue;
        kx++;
        if (!same(c, x->items[i + 1], pg_pdfo_get(y, k), depth + 1))
            return differ(c, x, k);
    }
    for (size_t i = 0; i + 1 < y->n; i += 2)
        ky += !storage_key(y->items[i]->text);
    return kx == ky ? 1 : differ(c, x, "a dictionary's keys");
}

static int same(compare *c, const pg_pdfo *x, const pg_pdfo *y, int depth)
{
    if (depth > 5000)
        return differ(c, x, "nesting over 5000");
    if (!x || !y)
        return x == y ? 1 : differ(c, x ? x : y, "a missing value");
    if (x->kind != y->kind)
        return differ(c, x, "a kind");
    switch (x->kind) {
    case PG_PDFO_REF: {
        gpointer old = NULL;
        if (g_hash_table_lookup_extended(c->map, GINT_TO_POINTER((int)x->num), NULL, &old))
            return GPOINTER_TO_INT(old) == (int)y->num ? 1 : differ(c, x, "a reference");
        g_hash_table_insert(c->map, GINT_TO_POINTER((int)x->num), GINT_TO_POINTER((int)y->num));
        c->objects++;
        const pg_pdfo *ox = pg_pdf_object(c->a, x->num, NULL),
                      *oy = pg_pdf_object(c->b, y->num, NULL);
        if (!ox || !oy)
            return differ(c, x, "an object that does not resolve");
        return same(c, ox, oy, depth + 1);
    }
    case PG_PDFO_NULL:
        return 1;
    case PG_PDFO_BOOL:
        return x->num == y->num ? 1 : differ(c, x, "a boolean");
    case PG_PDFO_NUM:
        return fabs(x->real - y->real) < 1e-6 ? 1 : differ(c, x, "a number");
    case PG_PDFO_NAME:
    case PG_PDFO_STRING:
        return x->len == y->len && memcmp(x->text, y->text, x->len) == 0 ? 1
                                                                         : differ(c, x, "a string");
    case PG_PDFO_ARRAY:
        if (x->n != y->n)
            return differ(c, x, "an array's length");
        for (size_t i = 0; i < x->n; i++)
            if (!same(c, x->items[i], y->items[i], depth + 1))
                return 0;
        return 1;
    case PG_PDFO_DICT:
        return same_dict(c, x, y, depth);
    }
    return 0;
}

/* The pages of the page tree under node, in order, into out (page dictionaries). */
static void pages(pg_pdf *p, const pg_pdfo *node, GPtrArray *out, int depth)
{
    cr_assert(depth < 32 && node && node->kind == PG_PDFO_DICT);
    if (pg_pdfo_is_name(pg_pdfo_get(node, "Type"), "Page")) {
        g_ptr_array_add(out, (gpointer)node);
        return;
    }
    const pg_pdfo *kids = pg_pdf_resolve(p, pg_pdfo_get(node, "Kids"));
    cr_assert(kids && kids->kind == PG_PDFO_ARRAY);
    for (size_t i = 0; i < kids->n; i++)
        pages(p, pg_pdf_resolve(p, kids->items[i]), out, depth + 1);
}

static const pg_pdfo *catalog(pg_pdf *p)
{
    const pg_pdfo *c = pg_pdf_resolve(p, pg_pdfo_get(pg_pdf_trailer(p), "Root"));
    cr_assert(c && c->kind == PG_PDFO_DICT && pg_pdfo_is_name(pg_pdfo_get(c, "Type"), "Catalog"));
    return c;
}

static const char *title(pg_pdf *p)
{
    const pg_pdfo *t =
        pg_pdfo_get(pg_pdf_resolve(p, pg_pdfo_get(pg_pdf_trailer(p), "Info")), "Title");
    cr_assert(t && t->kind == PG_PDFO_STRING, "/Info /Title");
    return t->text;
}

/* Checks that b (read with streams) is the document a (the render) is; from
 * the catalog down, or from its page tree only when b has a changed catalog. */
static void same_document(pg_pdf *a, pg_pdf *b, int from_catalog)
{
    /* the sample the issue names: /Pages, the page count, /Info /Title, each /MediaBox */
    GPtrArray *pa = g_ptr_array_new(), *pb = g_ptr_array_new();
    const pg_pdfo *ta = pg_pdf_resolve(a, pg_pdfo_get(catalog(a), "Pages"));
    const pg_pdfo *tb = pg_pdf_resolve(b, pg_pdfo_get(catalog(b), "Pages"));
    pages(a, ta, pa, 0);
    pages(b, tb, pb, 0);
    cr_assert_gt(pa->len, 1, "the render has pages");
    cr_assert_eq(pa->len, pb->len, "the same page count");
    cr_assert_eq(pg_pdfo_get(ta, "Count")->num, pg_pdfo_get(tb, "Count")->num);
    cr_assert_str_eq(title(a), title(b));
    for (guint i = 0; i < pa->len; i++) {
        const pg_pdfo *ma = pg_pdf_resolve(a, pg_pdfo_get(pa->pdata[i], "MediaBox"));
        const pg_pdfo *mb = pg_pdf_resolve(b, pg_pdfo_get(pb->pdata[i], "MediaBox"));
        cr_assert(ma && mb && ma->kind == PG_PDFO_ARRAY && mb->kind == PG_PDFO_ARRAY &&
                  ma->n == 4 && mb->n == 4);
        for (int k = 0; k < 4; k++)
            cr_assert_float_eq(ma->items[k]->real, mb->items[k]->real, 1e-6, "page %u", i + 1);
    }
    g_ptr_array_free(pa, TRUE);
    g_ptr_array_free(pb, TRUE);
    /* and every object reachable from the catalog and /Info */
    compare c = {.a = a, .b = b, .map = g_hash_table_new(NULL, NULL)};
    const pg_pdfo *ka = pg_pdf_trailer(a), *kb = pg_pdf_trailer(b);
    if (from_catalog)
        cr_assert(same(&c, pg_pdfo_get(ka, "Root"), pg_pdfo_get(kb, "Root"), 0), "differs: %s",
                  c.where);
    else
        cr_assert(same(&c, pg_pdfo_get(catalog(a), "Pages"), pg_pdfo_get(catalog(b), "Pages"), 0),
                  "differs: %s", c.where);
    cr_assert(same(&c, pg_pdfo_get(ka, "Info"), pg_pdfo_get(kb, "Info"), 0), "differs: %s",
              c.where);
    cr_assert_gt(c.objects, from_catalog ? 50 : 20, "compared %d objects", c.objects);
    g_hash_table_destroy(c.map);
}

static int count_word(const unsigned char *d, size_t n, const char *w)
{
    int k = 0;
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++)
        k += memcmp(d + i, w, wl) == 0;
    return k;
}

/* The render rewritten with opts reads as the same document, through
 * cross-reference and object streams. */
static void check_rewrite(const char *const *opts)
{
    GBytes *src = render();
    char *err = NULL;
    pg_pdf *a = pg_pdf_open(g_bytes_get_data(src, NULL), g_bytes_get_size(src), &err);
    cr_assert(a, "the render reads: %s", err);
    cr_assert_not(pg_pdf_xref_is_stream(a));
    size_t n = 0;
    unsigned char *d = qpdf(&n, opts);
    cr_assert_gt(count_word(d, n, "/ObjStm"), 0, "qpdf wrote object streams");
    cr_assert_gt(count_word(d, n, "/XRef"), 0, "qpdf wrote a cross-reference stream");
    pg_pdf *b = pg_pdf_open(d, n, &err);
    cr_assert_null(b, "without PG_PDF_OPEN_STREAMS the old refusal stays");
    cr_assert(strstr(err, "its cross-reference is a stream"), "%s", err);
    free(err);
    b = pg_pdf_open_with(d, n, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(b, "the rewrite reads: %s", err);
    cr_assert(pg_pdf_xref_is_stream(b));
    same_document(a, b, 1);
    pg_pdf_free(b);
    pg_pdf_free(a);
    g_free(d);
}

Test(pdfparse, object_streams_generated_read_as_the_original, .timeout = 120)
{
    static const char *const o[] = {"--object-streams=generate", NULL};
    check_rewrite(o);
}

Test(pdfparse, object_streams_in_qdf_mode_read_as_the_original, .timeout = 120)
{
    static const char *const o[] = {"--qdf", "--object-streams=generate", NULL};
    check_rewrite(o);
}

Test(pdfparse, object_streams_preserved_and_streams_compressed_read_as_the_original, .timeout = 120)
{
    /* from the generated file: its object streams kept, every stream recompressed */
    size_t n = 0;
    static const char *const g[] = {"--object-streams=generate", NULL};
    unsigned char *d = qpdf(&n, g);
    char *dir = g_dir_make_tmp("pg-pdfparse-XXXXXX", NULL);
    char *in = g_build_filename(dir, "g.pdf", NULL), *out = g_build_filename(dir, "p.pdf", NULL);
    cr_assert(g_file_set_contents(in, (const char *)d, (gssize)n, NULL));
    char *argv[] = {"qpdf", "--compress-streams=y", "--object-streams=preserve", in, out, NULL};
    int status = -1;
    cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                           NULL) &&
              g_spawn_check_wait_status(status, NULL));
    char *p = NULL;
    gsize pn = 0;
    cr_assert(g_file_get_contents(out, &p, &pn, NULL));
    cr_assert_gt(count_word((unsigned char *)p, pn, "/ObjStm"), 0);
    GBytes *src = render();
    char *err = NULL;
    pg_pdf *a = pg_pdf_open(g_bytes_get_data(src, NULL), g_bytes_get_size(src), &err);
    pg_pdf *b = pg_pdf_open_with((unsigned char *)p, pn, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(a && b, "%s", err);
    same_document(a, b, 1);
    pg_pdf_free(a);
    pg_pdf_free(b);
    g_unlink(in);
    g_unlink(out);
    g_rmdir(dir);
    g_free(in);
    g_free(out);
    g_free(dir);
    g_free(p);
    g_free(d);
}

/* An update built by hand as sign builds one: the catalog rewritten (its
 * entries copied through pg_pdf_raw, from an object stream) with one more key,
 * and a new object, ended by pg_xref_stream_append. It reads back, the rest
 * of the document unchanged, and qpdf finds it sound. */
Test(pdfparse, an_update_ending_with_a_cross_reference_stream_reads_back, .timeout = 120)
{
    size_t n = 0;
    static const char *const g[] = {"--object-streams=generate", NULL};
    unsigned char *d = qpdf(&n, g);
    char *err = NULL;
    pg_pdf *p = pg_pdf_open_with(d, n, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(p, "%s", err);
    const pg_pdfo *tr = pg_pdf_trailer(p), *id = pg_pdfo_get(tr, "ID");
    long long root = pg_pdfo_get(tr, "Root")->num, info = pg_pdfo_get(tr, "Info")->num;
    int gen = -1;
    const pg_pdfo *cat = pg_pdf_object(p, root, &gen);
    cr_assert_eq(gen, 0);
    cr_assert_gt(cat->start, n, "qpdf put the catalog in an object stream");
    long long next = pg_pdf_size(p);
    GString *u = g_string_new("\n");
    pg_xref_entry w[2];
    w[0] = (pg_xref_entry){.num = root, .gen = 0, .off = n + u->len};
    g_string_append_printf(u, "%lld 0 obj\n<<", root);
    for (size_t i = 0; i + 1 < cat->n; i += 2) {
        size_t kl = 0, vl = 0;
        const unsigned char *k = pg_pdf_raw(p, cat->items[i], &kl);
        const unsigned char *v = pg_pdf_raw(p, cat->items[i + 1], &vl);
        cr_assert(k && v);
        g_string_append_c(u, ' ');
        g_string_append_len(u, (const char *)k, (gssize)kl);
        g_string_append_c(u, ' ');
        g_string_append_len(u, (const char *)v, (gssize)vl);
    }
    g_string_append_printf(u, " /PgNote %lld 0 R >>\nendobj\n", next);
    w[1] = (pg_xref_entry){.num = next, .gen = 0, .off = n + u->len};
    g_string_append_printf(u, "%lld 0 obj\n(a note)\nendobj\n", next);
    size_t idl = 0;
    const unsigned char *id0 = pg_pdf_raw(p, id->items[0], &idl);
    GString *t = g_string_new(NULL);
    g_string_append_printf(t, "/Root %lld 0 R /Info %lld 0 R /ID [", root, info);
    g_string_append_len(t, (const char *)id0, (gssize)idl);
    g_string_append(t, " <00112233445566778899AABBCCDDEEFF>]");
    size_t old_sx = pg_pdf_startxref(p);
    size_t at = pg_xref_stream_append(u, n, w, 2, next + 1, old_sx, t->str);
    pg_pdf_free(p);

    size_t sn = n + u->len;
    unsigned char *s = malloc(sn);
    memcpy(s, d, n);
    memcpy(s + n, u->str, u->len);
    p = pg_pdf_open_with(s, sn, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(p, "the update reads back: %s", err);
    cr_assert(pg_pdf_xref_is_stream(p));
    cr_assert_eq(pg_pdf_startxref(p), at);
    cr_assert_eq(pg_pdf_size(p), next + 2);
    const pg_pdfo *c2 = pg_pdf_object(p, root, NULL);
    cr_assert_lt(c2->start, sn, "the new catalog is in the file");
    const pg_pdfo *note = pg_pdf_resolve(p, pg_pdfo_get(c2, "PgNote"));
    cr_assert(note && note->kind == PG_PDFO_STRING);
    cr_assert_str_eq(note->text, "a note");
    cr_assert_eq(pg_pdfo_get(pg_pdf_trailer(p), "Prev")->num, (long long)old_sx);
    GBytes *src = render();
    pg_pdf *a = pg_pdf_open(g_bytes_get_data(src, NULL), g_bytes_get_size(src), &err);
    cr_assert(a);
    same_document(a, p, 0);
    pg_pdf_free(a);
    pg_pdf_free(p);
    cr_assert_eq(qpdf_check(s, sn), 0, "qpdf --check passes the update");
    free(s);
    g_string_free(t, TRUE);
    g_string_free(u, TRUE);
    g_free(d);
}

/* A hybrid file: the render with an update whose table leaves object /Info
 * free and names, in /XRefStm, a cross-reference stream that puts a new /Info
 * in an object stream. Readers of tables alone see no /Info; this one sees the
 * new one. */
Test(pdfparse, a_hybrid_file_reads_its_xrefstm, .timeout = 120)
{
    GBytes *src = render();
    size_t n = g_bytes_get_size(src);
    char *err = NULL;
    pg_pdf *a = pg_pdf_open(g_bytes_get_data(src, NULL), n, &err);
    cr_assert(a);
    long long size = pg_pdf_size(a), info = pg_pdfo_get(pg_pdf_trailer(a), "Info")->num;
    long long root = pg_pdfo_get(pg_pdf_trailer(a), "Root")->num;
    size_t prev = pg_pdf_startxref(a);
    pg_pdf_free(a);
    GString *u = g_string_new_len(g_bytes_get_data(src, NULL), (gssize)n);
    /* the object stream (number size) with the new /Info */
    const char *body = "<< /Title (Hybrid title) >>";
    char *hdr = g_strdup_printf("%lld 0 ", info);
    size_t stm_at = u->len;
    g_string_append_printf(u,
                           "%lld 0 obj\n<< /Type /ObjStm /N 1 /First %zu /Length %zu "
                           ">>\nstream\n%s%s\nendstream\nendobj\n",
                           size, strlen(hdr), strlen(hdr) + strlen(body), hdr, body);
    /* the cross-reference stream (number size + 1): /Info in it, uncompressed */
    size_t xs_at = u->len;
    unsigned char e[7] = {2, 0, 0, 0, 0, 0, 0};
    e[1] = (unsigned char)(size >> 24), e[2] = (unsigned char)(size >> 16),
    e[3] = (unsigned char)(size >> 8), e[4] = (unsigned char)size;
    g_string_append_printf(
        u,
        "%lld 0 obj\n<< /Type /XRef /Size %lld /Index [%lld 1] /W [1 4 2] /Length 7 >>\nstream\n",
        size + 1, size + 2, info);
    g_string_append_len(u, (const char *)e, 7);
    g_string_append(u, "\nendstream\nendobj\n");
    size_t tab_at = u->len;
    g_string_append_printf(
        u, "xref\n%lld 1\n0000000000 00001 f \n%lld 2\n%010zu 00000 n \n%010zu 00000 n \n", info,
        size, stm_at, xs_at);
    g_string_append_printf(u,
                           "trailer\n<< /Size %lld /Root %lld 0 R /Info %lld 0 R /Prev %zu "
                           "/XRefStm %zu >>\nstartxref\n%zu\n%%%%EOF\n",
                           size + 2, root, info, prev, xs_at, tab_at);
    g_free(hdr);
    const unsigned char *d = (const unsigned char *)u->str;
    pg_pdf *old = pg_pdf_open(d, u->len, &err);
    cr_assert(old, "%s", err);
    cr_assert_null(pg_pdf_object(old, info, NULL), "without streams /Info is free");
    pg_pdf_free(old);
    pg_pdf *p = pg_pdf_open_with(d, u->len, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(p, "%s", err);
    cr_assert_not(pg_pdf_xref_is_stream(p), "a hybrid file's newest section is a table");
    cr_assert_str_eq(title(p), "Hybrid title");
    cr_assert_gt(pg_pdf_object(p, info, NULL)->start, u->len, "read from the object stream");
    a = pg_pdf_open(g_bytes_get_data(src, NULL), n, &err);
    const pg_pdfo *pa = pg_pdfo_get(catalog(a), "Pages"), *pb = pg_pdfo_get(catalog(p), "Pages");
    compare c = {.a = a, .b = p, .map = g_hash_table_new(NULL, NULL)};
    cr_assert(same(&c, pa, pb, 0), "differs: %s", c.where);
    g_hash_table_destroy(c.map);
    pg_pdf_free(a);
    pg_pdf_free(p);
    cr_assert_eq(qpdf_check(d, u->len), 0, "qpdf --check passes the hybrid file");
    g_string_free(u, TRUE);
}

/* ---- small files built here: good ones and hostile ones --------------------- */

/* How to build a small file: a catalog (1) in the file, its page tree (2) and
 * page (3) in object stream 4, the cross-reference stream 5, each knob a way
 * to damage it. */
typedef struct {
    const char *w;           /* /W, default [1 4 2] (the entries are always 1 4 2) */
    const char *index;       /* /Index, default none */
    long long size;          /* /Size, default 6 */
    const char *xextra;      /* more entries of the cross-reference stream's dictionary */
    const char *ostm;        /* /N and /First of the object stream, default the true ones */
    const char *ofilter;     /* the object stream's /Filter (data encoded when /FlateDecode),
                                default none */
    int predictor;           /* 12: the entries under the PNG Up predictor, /Columns 7 */
    int bad_row;             /* with predictor: row 2 of predictor type 9 */
    int odd_rows;            /* with predictor: one byte more */
    int deflate;             /* the entries deflated */
    int cut;                 /* the deflated entries cut in half */
    long long more_length;   /* added to the cross-reference stream's /Length */
    int self;                /* object 4's entry: in object stream 4 */
    int entries;             /* entries written, default size */
    unsigned long long off3; /* object 3's entry type 1 at this offset instead */
    long long stm3;          /* object 3's entry: in this object stream (and index 1) */
    long long idx3;          /* object 3's entry: this index (default 1; -1: 0) */
    size_t bomb;             /* bytes of spaces after the objects in the object stream */
    int prev_self;           /* /Prev: the cross-reference stream itself */
    size_t xpad;             /* zero bytes after the entries (deflated) */
} knobs;

static void put_entry(GByteArray *g, int type, unsigned long long f2, unsigned f3)
{
    unsigned char e[7] = {(unsigned char)type,       (unsigned char)(f2 >> 24),
                          (unsigned char)(f2 >> 16), (unsigned char)(f2 >> 8),
                          (unsigned char)f2,         (unsigned char)(f3 >> 8),
                          (unsigned char)f3};
    g_byte_array_append(g, e, 7);
}

static GByteArray *zip(const unsigned char *d, size_t n)
{
    uLongf zn = compressBound((uLong)n);
    GByteArray *z = g_byte_array_sized_new((guint)zn);
    g_byte_array_set_size(z, (guint)zn);
    cr_assert_eq(compress2(z->data, &zn, d, (uLong)n, 9), Z_OK);
    g_byte_array_set_size(z, (guint)zn);
    return z;
}

static GString *small_pdf(const knobs *k)
{
    GString *s = g_string_new("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    size_t off[6] = {0};
    off[1] = s->len;
    g_string_append(s, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    const char *o2 = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
    const char *o3 = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>";
    GString *os = g_string_new(NULL);
    g_string_printf(os, "2 0 3 %zu ", strlen(o2) + 1);
    size_t first = os->len;
    g_string_append_printf(os, "%s %s", o2, o3);
    for (size_t i = 0; i < k->bomb; i++)
        g_string_append_c(os, ' ');
    GByteArray *od = k->ofilter && strstr(k->ofilter, "FlateDecode")
                         ? zip((const unsigned char *)os->str, os->len)
                         : g_byte_array_new();
    if (od->len == 0)
        g_byte_array_append(od, (const guint8 *)os->str, os->len);
    off[4] = s->len;
    g_string_append(s, "4 0 obj\n<< /Type /ObjStm ");
    if (k->ostm)
        g_string_append(s, k->ostm);
    else
        g_string_append_printf(s, "/N 2 /First %zu", first);
    if (k->ofilter)
        g_string_append_printf(s, " /Filter %s", k->ofilter);
    g_string_append_printf(s, " /Length %u >>\nstream\n", od->len);
    g_string_append_len(s, (const char *)od->data, od->len);
    g_string_append(s, "\nendstream\nendobj\n");
    off[5] = s->len;
    long long size = k->size ? k->size : 6;
    GByteArray *e = g_byte_array_new();
    int count = k->entries ? k->entries : (int)size;
    for (int i = 0; i < count; i++) {
        if (i == 2)
            put_entry(e, 2, 4, 0);
        else if (i == 3 && k->off3)
            put_entry(e, 1, k->off3, 0);
        else if (i == 3)
            put_entry(e, 2, k->stm3 ? (unsigned long long)k->stm3 : 4,
                      k->idx3 < 0 ? 0
                      : k->idx3   ? (unsigned)k->idx3
                                  : 1);
        else if (i == 4 && k->self)
            put_entry(e, 2, 4, 0);
        else if (i >= 1 && i <= 5)
            put_entry(e, 1, off[i], 0);
        else
            put_entry(e, 0, 0, i == 0 ? 65535 : 0);
    }
    if (k->predictor) {
        GByteArray *q = g_byte_array_new();
        for (guint r = 0; r < e->len / 7; r++) {
            guint8 t = k->bad_row && r == 2 ? 9 : 2;
            g_byte_array_append(q, &t, 1);
            for (int i = 0; i < 7; i++) {
                guint8 v = (guint8)(e->data[r * 7 + i] - (r ? e->data[(r - 1) * 7 + i] : 0));
                g_byte_array_append(q, &v, 1);
            }
        }
        if (k->odd_rows)
            g_byte_array_append(q, (const guint8 *)"", 1);
        g_byte_array_free(e, TRUE);
        e = q;
    }
    if (k->xpad) {
        g_byte_array_set_size(e, e->len + (guint)k->xpad);
        memset(e->data + e->len - k->xpad, 0, k->xpad);
    }
    if (k->deflate || k->predictor) {
        GByteArray *z = zip(e->data, e->len);
        g_byte_array_free(e, TRUE);
        e = z;
        if (k->cut)
            g_byte_array_set_size(e, e->len / 2);
    }
    g_string_append_printf(s, "5 0 obj\n<< /Type /XRef /Size %lld /W %s", size,
                           k->w ? k->w : "[1 4 2]");
    if (k->index)
        g_string_append_printf(s, " /Index %s", k->index);
    if (k->deflate || k->predictor)
        g_string_append(s, " /Filter /FlateDecode");
    if (k->predictor)
        g_string_append_printf(s, " /DecodeParms << /Predictor %d /Columns 7 >>", k->predictor);
    if (k->prev_self)
        g_string_append_printf(s, " /Prev %zu", off[5]);
    if (k->xextra)
        g_string_append_printf(s, " %s", k->xextra);
    g_string_append_printf(s, " /Root 1 0 R /Length %lld >>\nstream\n",
                           (long long)e->len + k->more_length);
    g_string_append_len(s, (const char *)e->data, e->len);
    g_string_append_printf(s, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", off[5]);
    g_byte_array_free(e, TRUE);
    g_byte_array_free(od, TRUE);
    g_string_free(os, TRUE);
    return s;
}

/* The small file reads, its page found through the object stream. */
static void reads(const knobs *k)
{
    GString *s = small_pdf(k);
    char *err = NULL;
    pg_pdf *p = pg_pdf_open_with((const unsigned char *)s->str, s->len, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(p, "%s", err);
    const pg_pdfo *pages = pg_pdf_resolve(p, pg_pdfo_get(catalog(p), "Pages"));
    cr_assert(pages && pg_pdfo_get(pages, "Count")->num == 1);
    const pg_pdfo *page = pg_pdf_resolve(p, pg_pdfo_get(pages, "Kids")->items[0]);
    const pg_pdfo *mb = pg_pdfo_get(page, "MediaBox");
    cr_assert(mb && mb->kind == PG_PDFO_ARRAY && mb->n == 4 && mb->items[3]->num == 842);
    size_t n = 0;
    const unsigned char *raw = pg_pdf_raw(p, mb, &n);
    cr_assert(raw && n == 13 && memcmp(raw, "[0 0 595 842]", 13) == 0);
    int gen = -1;
    cr_assert_eq(pg_pdf_object(p, 2, &gen), pages);
    cr_assert_eq(gen, 0);
    cr_assert_null(pg_pdf_object(p, 6, NULL), "beyond /Size");
    pg_pdf_free(p);
    g_string_free(s, TRUE);
}

Test(pdfparse, small_uncompressed)
{
    reads(&(knobs){0});
}

Test(pdfparse, small_deflated_with_png_predictor)
{
    reads(&(knobs){.predictor = 12});
    reads(&(knobs){.predictor = 15, .ofilter = "/FlateDecode"});
    reads(&(knobs){.deflate = 1, .index = "[0 6]", .ofilter = "[/FlateDecode]"});
}

/* The small file is refused with a message holding needle. */
static void refused(const knobs *k, const char *needle)
{
    GString *s = small_pdf(k);
    char *err = NULL;
    pg_pdf *p = pg_pdf_open_with((const unsigned char *)s->str, s->len, PG_PDF_OPEN_STREAMS, &err);
    cr_assert_null(p, "refused: %s", needle);
    cr_assert(err && strstr(err, needle), "expected \"%s\", got \"%s\"", needle, err);
    free(err);
    g_string_free(s, TRUE);
}

Test(pdfparse, hostile_cross_reference_streams, .timeout = 60)
{
    refused(&(knobs){.more_length = 1000}, "has no valid "
                                           "/Length, or its data runs past the end of the file");
    refused(&(knobs){.deflate = 1, .cut = 1}, "ends before its compressed data does");
    refused(&(knobs){.w = "[0 0 0]"}, "has /W [0 0 0]: its entries give no offset");
    refused(&(knobs){.w = "[1 9 2]"}, "has a /W field that is no width of 0 to 8 bytes");
    refused(&(knobs){.w = "[1 4]"}, "has no valid /W (an array of three field widths)");
    refused(&(knobs){.index = "[0 10]"}, "has an /Index that names objects beyond its /Size 6");
    refused(&(knobs){.index = "[999999 999999]"},
            "has an /Index that names objects beyond its /Size 6");
    refused(&(knobs){.index = "[0 6 3]"}, "has an /Index that is no array of pairs");
    refused(&(knobs){.size = 2000000}, "has no valid /Size (0 to 1000000 objects)");
    refused(&(knobs){.entries = 3}, "too few for the 6 entries of 7 bytes");
    refused(&(knobs){.prev_self = 1}, "its cross-reference sections form a loop (/Prev)");
    refused(&(knobs){.predictor = 12, .bad_row = 1},
            "has a row with PNG predictor type 9 (only 0 to 4 exist)");
    refused(&(knobs){.predictor = 12, .odd_rows = 1},
            "which are no whole number of predictor rows of 8 bytes");
    refused(&(knobs){.predictor = 2}, "has a /Predictor plangen does not decode");
    refused(&(knobs){.deflate = 1, .xextra = "/DecodeParms << /Predictor 12 /Columns 0 >>"},
            "has predictor parameters plangen does not decode");
    refused(&(knobs){.xextra = "/Filter /LZWDecode"},
            "is encoded with /LZWDecode, which plangen does not decode");
    refused(&(knobs){.off3 = 1000000}, "puts its object outside the file (byte 1000000");
    refused(&(knobs){.xextra = "/Encrypt 9 0 R"}, "it is encrypted");
}

Test(pdfparse, hostile_object_streams, .timeout = 60)
{
    refused(&(knobs){.ostm = "/N 1000000000 /First 10"},
            "object stream 4 has no valid /N (0 to 1000000 objects) or /First");
    refused(&(knobs){.ostm = "/N 100000 /First 10"},
            "object stream 4 claims 100000 objects listed in its first 10 bytes");
    refused(&(knobs){.ostm = "/N 3 /First 11"}, "object stream 4 has a broken list of its objects");
    refused(&(knobs){.ostm = "/N 2 /First 900"}, "object stream 4 claims 2 objects");
    refused(&(knobs){.self = 1}, "object stream 4 is said to lie in itself");
    refused(&(knobs){.stm3 = 5}, "object stream 5 is no object stream (its /Type is not /ObjStm)");
    refused(&(knobs){.stm3 = 3}, "object stream 3 is said to lie in itself");
    refused(&(knobs){.stm3 = 2}, "object stream 2 is no object of its own in the file");
    refused(&(knobs){.stm3 = 99, .size = 6}, "object 3 is said to lie in object stream 99, which "
                                             "the file does not have");
    refused(&(knobs){.idx3 = 7}, "object 3 is said to be number 7 of object stream 4, which does "
                                 "not list it there");
    refused(&(knobs){.idx3 = -1}, "object 3 is said to be number 0 of object stream 4");
    refused(&(knobs){.ofilter = "/FlateDecode", .bomb = 40u << 20},
            "object stream 4 decodes to more than 32 MiB; plangen decodes at most that much of "
            "one stream");
}

/* A classic table appended to a file whose structure is a stream: the newest
 * catalog comes from the table, the page tree from the stream's object stream
 * under it (a /Prev chain mixing both kinds). */
Test(pdfparse, a_table_over_a_cross_reference_stream)
{
    GString *s = small_pdf(&(knobs){.predictor = 12});
    char *err = NULL;
    pg_pdf *p = pg_pdf_open_with((const unsigned char *)s->str, s->len, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(p, "%s", err);
    size_t prev = pg_pdf_startxref(p);
    pg_pdf_free(p);
    size_t cat = s->len;
    g_string_append(s, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (vi) >>\nendobj\n");
    size_t tab = s->len;
    g_string_append_printf(s,
                           "xref\n1 1\n%010zu 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %zu "
                           ">>\nstartxref\n%zu\n%%%%EOF\n",
                           cat, prev, tab);
    p = pg_pdf_open_with((const unsigned char *)s->str, s->len, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(p, "%s", err);
    cr_assert_not(pg_pdf_xref_is_stream(p));
    const pg_pdfo *lang = pg_pdfo_get(catalog(p), "Lang");
    cr_assert(lang && strcmp(lang->text, "vi") == 0, "the newest catalog");
    const pg_pdfo *pages = pg_pdf_resolve(p, pg_pdfo_get(catalog(p), "Pages"));
    cr_assert(pages && pg_pdfo_get(pages, "Count")->num == 1, "the page tree of the stream");
    pg_pdf_free(p);
    /* the same table naming the stream as its /XRefStm too: a loop across kinds */
    g_string_truncate(s, tab);
    g_string_append_printf(s,
                           "xref\n1 1\n%010zu 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %zu "
                           "/XRefStm %zu >>\nstartxref\n%zu\n%%%%EOF\n",
                           cat, prev, prev, tab);
    p = pg_pdf_open_with((const unsigned char *)s->str, s->len, PG_PDF_OPEN_STREAMS, &err);
    cr_assert_null(p);
    cr_assert(strstr(err, "its cross-reference sections form a loop (/Prev)"), "%s", err);
    free(err);
    g_string_free(s, TRUE);
}

/* Two streams of 31 MiB and one of 3: each within the limit of one stream,
 * over the 64 MiB of one file together. */
Test(pdfparse, streams_over_the_file_budget, .timeout = 60)
{
    GString *s = small_pdf(
        &(knobs){.ofilter = "/FlateDecode", .bomb = 31u << 20, .deflate = 1, .xpad = 3u << 20});
    char *err = NULL;
    pg_pdf *p = pg_pdf_open_with((const unsigned char *)s->str, s->len, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(p, "one stream of 31 MiB reads: %s", err);
    size_t prev = pg_pdf_startxref(p);
    pg_pdf_free(p);
    /* a table whose /XRefStm is a cross-reference stream padded to 31 MiB */
    size_t n = 31u << 20;
    unsigned char *z = calloc(1, n);
    z[0] = 1; /* object 1: type 1 at offset 16 (the catalog is at 16) */
    z[4] = 16;
    GByteArray *zz = zip(z, n);
    free(z);
    size_t xs = s->len;
    g_string_append_printf(s,
                           "6 0 obj\n<< /Type /XRef /Size 7 /Index [1 1] /W [1 4 2] /Filter "
                           "/FlateDecode /Length %u >>\nstream\n",
                           zz->len);
    g_string_append_len(s, (const char *)zz->data, zz->len);
    g_string_append(s, "\nendstream\nendobj\n");
    size_t tab = s->len;
    g_string_append_printf(s,
                           "xref\n6 1\n%010zu 00000 n \ntrailer\n<< /Size 7 /Root 1 0 R /Prev %zu "
                           "/XRefStm %zu >>\nstartxref\n%zu\n%%%%EOF\n",
                           xs, prev, xs, tab);
    g_byte_array_free(zz, TRUE);
    p = pg_pdf_open_with((const unsigned char *)s->str, s->len, PG_PDF_OPEN_STREAMS, &err);
    cr_assert_null(p);
    cr_assert(strstr(err, "its streams decode to more than 64 MiB in all (object stream 4 is the "
                          "one over)"),
              "%s", err);
    free(err);
    g_string_free(s, TRUE);
}

/* A cross-reference stream appended to a file of tables (pdfxref.c's update
 * over the render): the new object from the stream, the rest from the tables. */
Test(pdfparse, a_cross_reference_stream_over_a_table, .timeout = 120)
{
    GBytes *src = render();
    size_t n = g_bytes_get_size(src);
    char *err = NULL;
    pg_pdf *a = pg_pdf_open(g_bytes_get_data(src, NULL), n, &err);
    cr_assert(a);
    long long size = pg_pdf_size(a), root = pg_pdfo_get(pg_pdf_trailer(a), "Root")->num;
    size_t prev = pg_pdf_startxref(a);
    GString *u = g_string_new_len(g_bytes_get_data(src, NULL), (gssize)n);
    pg_xref_entry w = {.num = size, .gen = 0, .off = u->len};
    g_string_append_printf(u, "%lld 0 obj\n(a note)\nendobj\n", size);
    char *t = g_strdup_printf("/Root %lld 0 R", root);
    GString *tail = g_string_new(NULL);
    pg_xref_stream_append(tail, u->len, &w, 1, size + 1, prev, t);
    g_string_append_len(u, tail->str, (gssize)tail->len);
    pg_pdf *p = pg_pdf_open_with((const unsigned char *)u->str, u->len, PG_PDF_OPEN_STREAMS, &err);
    cr_assert(p, "%s", err);
    cr_assert(pg_pdf_xref_is_stream(p));
    cr_assert_eq(pg_pdf_size(p), size + 2);
    const pg_pdfo *note = pg_pdf_object(p, size, NULL);
    cr_assert(note && note->kind == PG_PDFO_STRING && strcmp(note->text, "a note") == 0);
    compare c = {.a = a, .b = p, .map = g_hash_table_new(NULL, NULL)};
    cr_assert(
        same(&c, pg_pdfo_get(pg_pdf_trailer(a), "Root"), pg_pdfo_get(pg_pdf_trailer(p), "Root"), 0),
        "differs: %s", c.where);
    cr_assert_gt(c.objects, 50);
    g_hash_table_destroy(c.map);
    pg_pdf_free(p);
    pg_pdf_free(a);
    cr_assert_eq(qpdf_check((const unsigned char *)u->str, u->len), 0);
    g_free(t);
    g_string_free(tail, TRUE);
    g_string_free(u, TRUE);
}
