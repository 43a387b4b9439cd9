/* Unit tests of the pipeline library (plangen.h): what a run records as read,
 * with the hash of the bytes it read at the moment it read them, and the
 * options' fingerprint. */
#include "plangen.h"

#include <cairo.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

static char *dir;

static void setup(void)
{
    dir = g_dir_make_tmp("pg-engine-XXXXXX", NULL);
    cr_assert_not_null(dir);
}

static void teardown(void)
{
    char *rm = g_strdup_printf("rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    g_free(rm);
    g_free(dir);
}

static char *put(const char *name, const char *text, size_t len)
{
    char *path = g_build_filename(dir, name, NULL);
    cr_assert(g_file_set_contents(path, text, (gssize)len, NULL));
    return path;
}

static const char *hash_of(const pg_result *r, const char *path)
{
    for (size_t i = 0; i < r->reads.n; i++)
        if (strcmp(r->reads.items[i].path, path) == 0)
            return r->reads.items[i].hash;
    return NULL;
}

static const char *const PARENT =
    "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"TU\">TỈNH ỦY</issuer>"
    "<number>1</number><place>Huế</place><date>2023-03-28</date><summary>x</summary>"
    "<section id=\"a\" title=\"MỘT\"><p>Của tỉnh.</p></section>"
    "<signature title=\"BÍ THƯ\" name=\"A\"/></plan>";

static const char *const CHILD =
    "<plan xmlns=\"urn:plangen:plan:1\" derives-from=\"parent.xml\"><issuer symbol=\"B\">B"
    "</issuer><number>2</number><place>Huế</place><date>2023-04-05</date><summary>y</summary>"
    "<inherit ref=\"a\"/><section title=\"HAI\"><p>Hình:</p><image src=\"logo.png\"/></section>"
    "<signature title=\"BÍ THƯ\" name=\"B\"/></plan>";

/* A 2x2 PNG, made with cairo. */
static void write_png(const char *path)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 2, 2);
    cr_assert_eq(cairo_surface_write_to_png(img, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(img);
}

Test(reads, every_file_a_render_reads_is_recorded_with_the_hash_of_the_bytes_read,
     .init = setup, .fini = teardown, .timeout = 60)
{
    char *parent = put("parent.xml", PARENT, strlen(PARENT));
    char *child = put("child.xml", CHILD, strlen(CHILD));
    char *png = g_build_filename(dir, "logo.png", NULL);
    write_png(png);
    pg_options o = {.data_dir = PG_SOURCE_DIR, .today = "2030-01-01"};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    pg_run(e, child, NULL, 0, PG_STAGE_LAYOUT, &r);
    if (!r.pages)
        pg_diag_print(&r.diags, stderr);
    cr_assert_not_null(r.pages);
    /* the files as they were read */
    char want[PG_HASH_HEX];
    pg_sha256_hex(CHILD, strlen(CHILD), want);
    cr_assert_str_eq(hash_of(&r, child), want);
    pg_sha256_hex(PARENT, strlen(PARENT), want);
    cr_assert_str_eq(hash_of(&r, parent), want);
    pg_file_hash(png, want);
    cr_assert_str_eq(hash_of(&r, png), want);
    const char *expect[] = {PG_SOURCE_DIR "/templates/styles/party.xml",
                            PG_SOURCE_DIR "/templates/schema/plan.rng",
                            PG_SOURCE_DIR "/fonts/fonts.conf", PG_SOURCE_DIR "/fonts"};
    for (size_t i = 0; i < G_N_ELEMENTS(expect); i++) {
        cr_assert_not_null(hash_of(&r, expect[i]), "%s is not recorded", expect[i]);
        pg_file_hash(expect[i], want);
        cr_assert_str_eq(hash_of(&r, expect[i]), want, "%s", expect[i]);
    }
    int fonts = 0;
    for (size_t i = 0; i < r.reads.n; i++)
        fonts += g_str_has_suffix(r.reads.items[i].path, ".ttf");
    cr_assert_geq(fonts, 2, "the font files chosen are recorded (%d)", fonts);
    pg_result_free(&r);

    /* a file edited after it was read keeps the hash of what was read: the plan
     * is rendered again with the new bytes, and recorded with them */
    char *edited = g_strdup(CHILD);
    char *p = strstr(edited, "Hình:");
    memcpy(p, "HÌNH", 4);
    pg_run(e, child, NULL, 0, PG_STAGE_PARSE, &r);
    g_free(put("child.xml", edited, strlen(edited))); /* after the read */
    pg_sha256_hex(CHILD, strlen(CHILD), want);
    cr_assert_str_eq(hash_of(&r, child), want, "the hash is of the bytes parsed, not of the file now");
    pg_result_free(&r);
    pg_run(e, child, NULL, 0, PG_STAGE_PARSE, &r);
    pg_sha256_hex(edited, strlen(edited), want);
    cr_assert_str_eq(hash_of(&r, child), want);
    pg_result_free(&r);
    g_free(edited);
    pg_engine_free(e);
    g_free(parent);
    g_free(child);
    g_free(png);
}

Test(reads, unhashed_reads_name_the_same_files_unread, .init = setup, .fini = teardown,
     .timeout = 60)
{
    char *parent = put("parent.xml", PARENT, strlen(PARENT));
    char *child = put("child.xml", CHILD, strlen(CHILD));
    char *png = g_build_filename(dir, "logo.png", NULL);
    write_png(png);
    pg_options o = {.data_dir = PG_SOURCE_DIR, .today = "2030-01-01"};
    pg_engine *e = pg_engine_new(&o);
    pg_result full;
    pg_run(e, child, NULL, 0, PG_STAGE_LAYOUT, &full);
    cr_assert_not_null(full.pages);
    o.unhashed_reads = 1;
    pg_engine *one_shot = pg_engine_new(&o);
    pg_result r;
    pg_run(one_shot, child, NULL, 0, PG_STAGE_LAYOUT, &r);
    cr_assert_not_null(r.pages);
    /* the same files, in the same order; the fonts and the image unhashed */
    cr_assert_eq(r.reads.n, full.reads.n);
    int unhashed = 0;
    for (size_t i = 0; i < r.reads.n; i++) {
        cr_assert_str_eq(r.reads.items[i].path, full.reads.items[i].path);
        if (strcmp(r.reads.items[i].hash, "unhashed") == 0)
            unhashed++;
        else
            cr_assert_str_eq(r.reads.items[i].hash, full.reads.items[i].hash);
    }
    cr_assert_str_eq(hash_of(&r, png), "unhashed");
    cr_assert_geq(unhashed, 3, "the image and the font files are not hashed (%d)", unhashed);
    pg_result_free(&r);
    pg_result_free(&full);
    pg_engine_free(one_shot);
    pg_engine_free(e);
    g_free(parent);
    g_free(child);
    g_free(png);
}

Test(reads, a_parent_kept_by_the_process_is_recorded_as_it_was_parsed, .init = setup,
     .fini = teardown, .timeout = 60)
{
    char *parent = put("parent.xml", PARENT, strlen(PARENT));
    const char *plain = "<plan xmlns=\"urn:plangen:plan:1\" derives-from=\"parent.xml\">"
                        "<issuer symbol=\"B\">B</issuer><number>2</number><place>Huế</place>"
                        "<date>2023-04-05</date><summary>y</summary><inherit ref=\"a\"/>"
                        "<signature title=\"BÍ THƯ\" name=\"B\"/></plan>";
    char *child = put("child.xml", plain, strlen(plain));
    pg_options o = {.data_dir = PG_SOURCE_DIR};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    cr_assert(pg_run(e, child, NULL, 0, PG_STAGE_RESOLVE, &r));
    pg_result_free(&r);
    /* the parent changes: the next run parses it again and records the new bytes */
    char *changed = g_strdup(PARENT);
    memcpy(strstr(changed, "Của tỉnh."), "Của TỈNH.", strlen("Của TỈNH."));
    g_free(put("parent.xml", changed, strlen(changed)));
    cr_assert(pg_run(e, child, NULL, 0, PG_STAGE_RESOLVE, &r));
    char want[PG_HASH_HEX];
    pg_sha256_hex(changed, strlen(changed), want);
    cr_assert_str_eq(hash_of(&r, parent), want);
    pg_result_free(&r);
    pg_forget_process_caches();
    pg_engine_free(e);
    g_free(changed);
    g_free(parent);
    g_free(child);
}

Test(options, every_field_changes_the_fingerprint)
{
    pg_options base = {.data_dir = "/d", .creator = "plangen 1"};
    char a[PG_HASH_HEX], b[PG_HASH_HEX];
    pg_options_fingerprint(&base, a);
    pg_options v[] = {base, base, base, base, base, base, base, base, base, base, base, base,
                      base, base, base};
    v[0].data_dir = "/e";
    v[1].style = "state";
    v[2].root = "/r";
    v[3].create_date = "2023-11-14T22:13:20Z";
    v[4].today = "2024-01-01";
    v[5].creator = "plangen 2";
    v[6].max_size = 5;
    v[7].max_depth = 5;
    v[8].max_nodes = 5;
    v[9].max_text = 5;
    v[10].fix = 1;
    v[11].style = ""; /* "" is not NULL */
    v[12].max_image_pixels = 5;
    v[13].max_image_bytes = 5;
    v[14].fonts_dir = "/f";
    for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
        pg_options_fingerprint(&v[i], b);
        cr_assert_str_neq(a, b, "field %zu does not change the fingerprint", i);
    }
    pg_options same = base;
    pg_options_fingerprint(&same, b);
    cr_assert_str_eq(a, b);
}

Test(reads, the_hash_is_sha256)
{
    char h[PG_HASH_HEX];
    pg_sha256_hex("abc", 3, h);
    cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    pg_sha256_hex("", 0, h);
    cr_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
