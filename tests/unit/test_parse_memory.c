/* The parse stage's peak memory follows the model it builds, not the plan's
 * size times the XML tree's (issue #19): a plan twenty times longer costs the
 * growth of its model and a bounded working set more, whatever libxml2 would
 * have held (skipped under AddressSanitizer, where memory is not the
 * program's own). And the file, read again after its pre-scan instead of
 * being kept, gives one version's model with that version's hash however it
 * changes meanwhile. */
#include "parse.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "reads.h"

#define SCHEMA PG_SOURCE_DIR "/templates/schema/plan.rng"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* A plan of copies sections, each in its own words; heap, free(). */
static char *long_plan(int copies, size_t *len)
{
    pg_buf b = {0};
    pg_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<plan xmlns=\"urn:plangen:plan:1\">\n"
                    "<issuer parent=\"ĐẢNG BỘ TỈNH\" symbol=\"ĐUK\">ĐẢNG ỦY KHỐI</issuer>\n"
                    "<place>Trà Vinh</place>\n<date>2022-04-18</date>\n"
                    "<summary>về việc thử</summary>\n");
    for (int i = 0; i < copies; i++) {
        pg_buf_printf(&b, "<section id=\"s%d\" title=\"Phần thứ %d của kế hoạch\">\n", i, i);
        for (int k = 0; k < 6; k++)
            pg_buf_printf(
                &b,
                "<p>Đoạn %d.%d: các cấp ủy, tổ chức đảng và đảng viên %d tiếp tục quán "
                "triệt, triển khai thực hiện <b>nghiêm túc</b> các nghị quyết, chỉ thị "
                "của Đảng về xây dựng, chỉnh đốn Đảng và hệ thống chính trị, gắn với "
                "việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.</p>\n",
                i, k, i * 7 + k);
        pg_buf_printf(&b,
                      "<section title=\"Nhiệm vụ %d\"><item>Nhiệm vụ cụ thể số %d, giao cho đơn "
                      "vị %d thực hiện.</item><item>Báo cáo kết quả trước ngày %d.</item>"
                      "</section>\n</section>\n",
                      i, i, i % 97, i % 28 + 1);
    }
    pg_buf_puts(&b, "<signature title=\"BÍ THƯ\" name=\"A\"/>\n</plan>\n");
    *len = b.len;
    return b.s;
}

/* Writes a plan of copies sections to path; returns its size in bytes. */
static size_t write_plan(const char *path, int copies)
{
    size_t n;
    char *s = long_plan(copies, &n);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(s, 1, n, f), n);
    fclose(f);
    free(s);
    return n;
}

/* The process's peak resident memory so far, in bytes. */
static long long peak_rss(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (long long)ru.ru_maxrss * 1024;
}

/* Parses path as the command line does (compiled schema); returns the bytes of
 * the model's arena. */
static size_t parse_and_measure(const char *path, pg_schema *schema)
{
    pg_parse_opts po = {.schema_path = SCHEMA, .schema = schema};
    pg_diag_list d = {0};
    pg_doc *doc = pg_doc_parse_file(path, &po, &d);
    for (size_t i = 0; i < d.n; i++)
        cr_log_error("%s:%d:%d: %s", d.items[i].file, d.items[i].line, d.items[i].col,
                     d.items[i].detail ? d.items[i].detail : "");
    cr_assert_eq(d.n, 0, "the plan parses without a diagnostic");
    size_t model = pg_arena_bytes(doc->arena);
    pg_doc_free(doc);
    pg_diag_list_free(&d);
    return model;
}

Test(parse_memory, grows_with_the_model_not_the_tree, .timeout = 120)
{
    if (UNDER_ASAN)
        cr_skip_test("AddressSanitizer: the resident memory is not the program's");
    char *dir = g_dir_make_tmp("pg-parse-memory-XXXXXX", NULL);
    cr_assert(dir);
    char *small = g_build_filename(dir, "small.xml", NULL);
    char *large = g_build_filename(dir, "large.xml", NULL);
    size_t small_bytes = write_plan(small, 100), large_bytes = write_plan(large, 2000);
    pg_schema *schema = pg_schema_load(SCHEMA);
    cr_assert(schema);

    /* the small plan first: what every parse costs (libxml2, the schema, the
     * allocator's own) is in the peak before the large one starts */
    size_t small_model = parse_and_measure(small, schema);
    long long before = peak_rss();
    size_t large_model = parse_and_measure(large, schema);
    long long growth = peak_rss() - before;

    /* the working set beside the model: positions of the start tags and lines
     * (a few percent of the plan), a stand-in per child of <plan>, libxml2's
     * input buffers and the section being read */
    long long model_growth = (long long)(large_model - small_model);
    long long bound = model_growth + (long long)(large_bytes - small_bytes) / 4 + (2 << 20);
    cr_log_info("plans of %zu and %zu bytes: models of %zu and %zu bytes, peak grew by %lld "
                "bytes (bound %lld)",
                small_bytes, large_bytes, small_model, large_model, growth, bound);
    cr_assert_lt(growth, bound,
                 "parsing %zu bytes more raised the peak by %lld bytes: more than the model's "
                 "growth (%lld) and the working set",
                 large_bytes - small_bytes, growth, model_growth);

    pg_schema_free(schema);
    g_unlink(small);
    g_unlink(large);
    g_rmdir(dir);
    g_free(small);
    g_free(large);
    g_free(dir);
}

/* The tree dump of doc; heap, free(). */
static char *dump_of(const pg_doc *doc)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    cr_assert(f);
    pg_doc_dump(doc, f);
    fclose(f);
    return s;
}

typedef struct {
    int fd;
    const char *a, *b; /* two versions of one length */
    size_t len;
    volatile int stop;
} rewriter;

/* Writes the two versions over each other, in place, until told to stop. */
static void *rewrite(void *ud)
{
    rewriter *w = ud;
    for (int k = 0; !w->stop; k++)
        cr_assert_eq(pwrite(w->fd, k % 2 ? w->b : w->a, w->len, 0), (ssize_t)w->len);
    return NULL;
}

Test(parse_memory, a_file_rewritten_while_read_gives_one_version, .timeout = 120)
{
    size_t len;
    char *a = long_plan(60, &len), *b = pg_xstrdup(a);
    for (char *m = strstr(b, "đảng viên"); m; m = strstr(m + 1, "đảng viên"))
        memcpy(m, "ĐẢNG VIÊN", strlen("ĐẢNG VIÊN")); /* as many bytes */
    pg_schema *schema = pg_schema_load(SCHEMA);
    pg_parse_opts po = {.schema_path = SCHEMA, .schema = schema};
    char *dir = g_dir_make_tmp("pg-parse-reread-XXXXXX", NULL);
    char *path = g_build_filename(dir, "plan.xml", NULL);
    const char *text[2] = {a, b};
    char hash[2][PG_HASH_HEX], *dump[2];
    for (int v = 0; v < 2; v++) {
        pg_diag_list d = {0};
        pg_doc *doc = pg_doc_parse_memory(text[v], len, path, &po, &d);
        cr_assert_eq(d.n, 0);
        memcpy(hash[v], doc->source_hash, PG_HASH_HEX);
        dump[v] = dump_of(doc);
        pg_doc_free(doc);
    }
    cr_assert_str_neq(dump[0], dump[1]);

    rewriter w = {open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), a, b, len, 0};
    cr_assert(w.fd >= 0);
    cr_assert_eq(pwrite(w.fd, a, len, 0), (ssize_t)len);
    pthread_t writer;
    cr_assert_eq(pthread_create(&writer, NULL, rewrite, &w), 0);
    int whole = 0;
    for (int k = 0; k < 100; k++) {
        pg_diag_list d = {0};
        pg_doc *doc = pg_doc_parse_file(path, &po, &d);
        for (int v = 0; v < 2; v++)
            if (strcmp(doc->source_hash, hash[v]) == 0) {
                /* a whole version was read: its model, no other */
                char *got = dump_of(doc);
                cr_assert_str_eq(got, dump[v], "the model of version %d, with its hash", v);
                free(got);
                whole++;
            }
        /* (otherwise the read caught the file half rewritten: a version of its own) */
        pg_doc_free(doc);
        pg_diag_list_free(&d);
    }
    w.stop = 1;
    pthread_join(writer, NULL);
    close(w.fd);
    cr_log_info("%d of 100 readings caught one version whole", whole);

    pg_schema_free(schema);
    for (int v = 0; v < 2; v++)
        free(dump[v]);
    free(a);
    free(b);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

/* The diagnostics of the plan xml parsed with the schema compiled (each child
 * checked as it is read) or given by its path only (the whole tree checked at
 * the end, as the parse always did), one a line; heap, free(). */
static char *diags_with(const char *xml, const char *schema_path, pg_schema *compiled)
{
    pg_parse_opts po = {.schema_path = schema_path, .schema = compiled};
    pg_diag_list d = {0};
    pg_doc *doc = pg_doc_parse_memory(xml, strlen(xml), "t.xml", &po, &d);
    pg_buf out = {0};
    for (size_t i = 0; i < d.n; i++) {
        char *s = pg_diag_format(&d.items[i]);
        pg_buf_printf(&out, "%s\n", s);
        free(s);
    }
    pg_diag_list_free(&d);
    pg_doc_free(doc);
    char *r = pg_xstrdup(pg_buf_str(&out));
    pg_buf_free(&out);
    return r;
}

#define PLAN(body, closing)                                                                        \
    "<plan xmlns=\"urn:plangen:plan:1\">\n"                                                        \
    "<issuer symbol=\"ĐUK\">ĐẢNG ỦY KHỐI</issuer>\n<place>Trà Vinh</place>\n"             \
    "<date>2022-04-18</date>\n<summary>về việc thử</summary>\n" body                               \
    "<signature title=\"BÍ THƯ\" name=\"A\"/>\n" closing "</plan>\n"

/* plans only the schema refuses: a duplicate ID across children, in a kept
 * child, an appendix; an ID that is not a name; the plan's own attribute */
static const char *const schema_only[] = {
    PLAN("<section id=\"a\" title=\"X\"><p>x</p></section>\n"
         "<section title=\"Y\"><section id=\"a\"><p>y</p></section></section>\n",
         ""),
    PLAN("<section id=\"a\" title=\"X\"><p>x</p></section>\n"
         "<append to=\"b\"><p id=\"a\">y</p></append>\n",
         ""),
    PLAN("<section id=\"a\" title=\"X\"><p>x</p></section>\n",
         "<appendix id=\"a\"><p>y</p></appendix>\n"),
    PLAN("<section id=\"1a\" title=\"X\"><p>x</p></section>\n", ""),
    PLAN("<section title=\"X\"><p>x</p><table><row><cell>1</cell></row></table></section>\n"
         "<p id=\"z\">y</p>\n<item id=\"z\">z</item>\n",
         ""),
    PLAN("<section title=\"X\"><p>x</p></section>\n", ""), /* valid */
};

Test(parse_memory, the_child_at_a_time_schema_check_reports_as_the_whole_tree)
{
    pg_schema *schema = pg_schema_load(SCHEMA);
    cr_assert(schema);
    for (size_t i = 0; i < sizeof schema_only / sizeof schema_only[0]; i++) {
        char *streamed = diags_with(schema_only[i], SCHEMA, schema);
        char *whole = diags_with(schema_only[i], SCHEMA, NULL);
        cr_assert_str_eq(streamed, whole, "plan %zu", i);
        if (i + 1 < sizeof schema_only / sizeof schema_only[0])
            cr_assert(strstr(streamed, "schema validation failed"), "plan %zu: %s", i, streamed);
        else
            cr_assert_str_eq(streamed, "");
        free(streamed);
        free(whole);
    }
    pg_schema_free(schema);
}

Test(parse_memory, a_schema_the_stand_ins_fail_is_checked_on_the_whole_tree)
{
    /* sections that need a block: the stand-in <section/> fails, so the parse
     * keeps the whole tree for the schema, as it always did */
    gchar *rng = NULL;
    cr_assert(g_file_get_contents(SCHEMA, &rng, NULL, NULL));
    const char *from = strstr(rng, "<define name=\"section\">");
    cr_assert(from);
    char *zero = strstr(from, "<zeroOrMore><ref name=\"block\"/></zeroOrMore>");
    cr_assert(zero);
    GString *changed = g_string_new_len(rng, zero - rng);
    g_string_append(changed, "<oneOrMore><ref name=\"block\"/></oneOrMore>");
    g_string_append(changed, zero + strlen("<zeroOrMore><ref name=\"block\"/></zeroOrMore>"));
    char *dir = g_dir_make_tmp("pg-parse-schema-XXXXXX", NULL);
    char *path = g_build_filename(dir, "plan.rng", NULL);
    cr_assert(g_file_set_contents(path, changed->str, (gssize)changed->len, NULL));
    pg_schema *schema = pg_schema_load(path);
    cr_assert(schema);
    const char *xml = PLAN("<section title=\"X\"><p>x</p></section>\n<section title=\"Y\"/>\n", "");
    char *streamed = diags_with(xml, path, schema);
    char *whole = diags_with(xml, path, NULL);
    cr_assert_str_eq(streamed, whole);
    cr_assert(strstr(streamed, "schema validation failed"), "%s", streamed);
    free(streamed);
    free(whole);
    pg_schema_free(schema);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
    g_string_free(changed, TRUE);
    g_free(rng);
}
