/* fonts.c - private fontconfig configuration and pango contexts (see fonts.h). */
#include "fonts.h"

#include "arena.h"

#include "i18n.h"
#include "input.h"
#include "raster_module.h"

#include <dirent.h>
#include <fontconfig/fontconfig.h>
#include <hb-subset.h>
#include <hb.h>
#include <pango/pangofc-fontmap.h>
#include <pango/pangoft2.h>
#include <stdlib.h>
#include <string.h>

struct pg_fonts {
    FcConfig *config;
    PangoFontMap *map;
    const pg_raster_api *cairo; /* map is pango-cairo's, from the raster module; NULL:
                                   pango-ft2's */
    GHashTable *metrics; /* font description (owned) -> double[2]: ascent, descent */
    char *dir;           /* the fonts folder a user drops fonts into */
    char *conf;          /* its fonts.conf */
    char conf_hash[PG_HASH_HEX]; /* of fonts.conf's bytes when loaded */
    char dir_hash[PG_HASH_HEX];  /* of the folder's listing when fontconfig scanned it */
    GHashTable *families; /* family (owned) -> pg_reads* (owned): what its faces depend on,
                             worked out once per process (the configuration never changes) */
};

/* Whether face i of blob can be embedded: it has glyphs and harfbuzz's
 * hb-subset, which sanitizes every table it reads, keeps all of them (the PDF
 * writer subsets the same way later; a truncated or damaged table fails here). */
static int face_readable(hb_blob_t *blob, unsigned i)
{
    hb_face_t *face = hb_face_create(blob, i);
    unsigned n = hb_face_get_glyph_count(face);
    int ok = n > 0;
    if (ok) {
        hb_subset_input_t *in = hb_subset_input_create_or_fail();
        if (!in)
            pg_oom();
        hb_set_add_range(hb_subset_input_glyph_set(in), 0, n - 1);
        hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
        hb_face_t *sub = hb_subset_or_fail(face, in);
        ok = sub && hb_face_get_glyph_count(sub) == n;
        hb_face_destroy(sub);
        hb_subset_input_destroy(in);
    }
    hb_face_destroy(face);
    return ok;
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int font_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (g_ascii_strcasecmp(dot, ".ttf") == 0 || g_ascii_strcasecmp(dot, ".otf") == 0 ||
                   g_ascii_strcasecmp(dot, ".ttc") == 0 || g_ascii_strcasecmp(dot, ".otc") == 0);
}

/* Checks every font file (.ttf, .otf, .ttc, .otc) a user dropped into dir:
 * one that cannot be read whole (truncated, damaged, no font at all) is a
 * warning at the file and is rejected from config, so that fontconfig never
 * chooses it and the style's family is served by the fonts that can be read
 * (a damaged one gave a PDF that referred to font objects not in the file). */
static void reject_unreadable_fonts(FcConfig *config, const char *dir, pg_diag_list *diags)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (struct dirent *de; (de = readdir(d));)
        if (font_name(de->d_name))
            g_ptr_array_add(names, g_strdup(de->d_name));
    closedir(d);
    g_ptr_array_sort(names, cmp_names); /* warnings in the same order on every machine */
    for (guint k = 0; k < names->len; k++) {
        const char *name = g_ptr_array_index(names, k);
        char *path = g_build_filename(dir, name, NULL);
        char *bytes = NULL, why[PG_WHY_MAX];
        size_t len = 0;
        int ok = 0;
        /* a regular file only (a FIFO never blocks), at most 256 MiB */
        if (pg_read_regular_file(path, (size_t)256 << 20, &bytes, &len, why) == PG_INPUT_OK) {
            hb_blob_t *blob =
                hb_blob_create(bytes, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
            unsigned faces = hb_face_count(blob);
            ok = faces > 0;
            for (unsigned i = 0; ok && i < faces; i++)
                ok = face_readable(blob, i);
            hb_blob_destroy(blob);
            free(bytes);
            g_strlcpy(why, _("harfbuzz cannot read all its tables and glyphs"), sizeof why);
        }
        char *real = ok ? NULL : realpath(path, NULL);
        if (!ok) {
            pg_diag_add(diags, PG_W_FONT_DAMAGED, path, 0, 0,
                        "%s; the style's font is taken from the other files that serve its "
                        "family: replace or remove it",
                        why);
            char *glob = g_markup_escape_text(real ? real : path, -1);
            char *xml = g_strdup_printf("<fontconfig><selectfont><rejectfont><glob>%s</glob>"
                                        "</rejectfont></selectfont></fontconfig>",
                                        glob);
            FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)xml, FcFalse);
            g_free(xml);
            g_free(glob);
        }
        free(real);
        g_free(path);
    }
    g_ptr_array_free(names, TRUE);
}

/* What pango-cairo's font map adds to the pattern of every font it looks for,
 * given the font options of layout's contexts (grey antialiasing, no hinting:
 * cairo_ft_font_options_substitute() of cairo 1.16), after the configuration's
 * substitutions and before fontconfig's defaults: pango-ft2's map then finds
 * the fonts pango-cairo's found, of the same patterns. */
static void cairo_substitute(FcPattern *p, gpointer data)
{
    (void)data;
    FcValue v;
    if (FcPatternGet(p, FC_ANTIALIAS, 0, &v) == FcResultNoMatch) {
        FcPatternAddBool(p, FC_ANTIALIAS, FcTrue);
        FcPatternDel(p, FC_RGBA);
        FcPatternAddInteger(p, FC_RGBA, FC_RGBA_NONE);
    }
    if (FcPatternGet(p, FC_RGBA, 0, &v) == FcResultNoMatch)
        FcPatternAddInteger(p, FC_RGBA, FC_RGBA_NONE);
    if (FcPatternGet(p, FC_HINTING, 0, &v) == FcResultNoMatch)
        FcPatternAddBool(p, FC_HINTING, FcFalse);
    if (FcPatternGet(p, FC_HINT_STYLE, 0, &v) == FcResultNoMatch)
        FcPatternAddInteger(p, FC_HINT_STYLE, FC_HINT_NONE);
}

static void free_reads(gpointer p)
{
    pg_reads_free(p);
    g_free(p);
}

pg_fonts *pg_fonts_new(const char *fonts_dir, pg_diag_list *diags)
{
    pg_buf path = {0};
    pg_buf_printf(&path, "%s/fonts.conf", fonts_dir);
    char conf_hash[PG_HASH_HEX];
    /* fontconfig reads it just after; a FIFO or a device is refused here, where
     * hashing opens it without blocking, so that fontconfig never waits on one */
    int regular = pg_file_hash(pg_buf_str(&path), conf_hash);
    FcConfig *config = FcConfigCreate();
    if (!config)
        pg_oom();
    int loaded =
        regular && FcConfigParseAndLoad(config, (const FcChar8 *)pg_buf_str(&path), FcTrue);
    char dir_hash[PG_HASH_HEX];
    pg_file_hash(fonts_dir, dir_hash); /* the listing fontconfig scans just after */
    if (loaded)
        reject_unreadable_fonts(config, fonts_dir, diags);
    if (!loaded || !FcConfigBuildFonts(config)) {
        pg_diag_add(diags, PG_E_FONT, pg_buf_str(&path), 0, 0,
                    "cannot load the font configuration");
        FcConfigDestroy(config);
        pg_buf_free(&path);
        return NULL;
    }
    /* pango's font map initialises fontconfig's default configuration (every
     * file of /etc/fonts and the caches of every system font) in a thread and
     * makes the first layout wait for it, although it is never used: made the
     * current configuration first, ours is what that initialisation finds. */
    if (!FcConfigSetCurrent(config))
        pg_oom();
    pg_fonts *f = pg_xcalloc(1, sizeof *f);
    f->config = config;
    /* pango-ft2's font map, not pango-cairo's: cairo (and pixman, the X
     * libraries) is loaded only for what needs it (raster_module.h). At 72 dpi,
     * as layout's contexts were with pango-cairo. */
    f->map = pango_ft2_font_map_new();
    if (!f->map)
        pg_oom();
    pango_ft2_font_map_set_resolution(PANGO_FT2_FONT_MAP(f->map), 72.0, 72.0);
    pango_fc_font_map_set_default_substitute(PANGO_FC_FONT_MAP(f->map), cairo_substitute, NULL,
                                             NULL);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), config);
    f->metrics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    f->families = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_reads);
    memcpy(f->dir_hash, dir_hash, sizeof dir_hash);
    f->dir = pg_xstrdup(fonts_dir);
    f->conf = pg_xstrdup(pg_buf_str(&path));
    memcpy(f->conf_hash, conf_hash, sizeof conf_hash);
    pg_buf_free(&path);
    return f;
}

void pg_fonts_metrics(pg_fonts *f, PangoContext *ctx, const PangoFontDescription *desc,
                      const char *key, double *ascent, double *descent)
{
    double *m = g_hash_table_lookup(f->metrics, key);
    if (!m) {
        /* the font's own extents, as pango computes ascent and descent for
         * unhinted fonts; pango_context_get_metrics() would also shape a sample
         * text per font for an average character width plangen never uses
         * (tests/unit/test_layout.c checks that both agree) */
        PangoFont *font = pango_font_map_load_font(pango_context_get_font_map(ctx), ctx, desc);
        hb_font_t *hb = font ? pango_font_get_hb_font(font) : NULL;
        m = g_new(double, 2);
        if (hb) {
            hb_font_extents_t ext;
            hb_font_get_h_extents(hb, &ext);
            m[0] = ext.ascender / (double)PANGO_SCALE;
            m[1] = -ext.descender / (double)PANGO_SCALE;
        } else {
            PangoFontMetrics *pm = pango_context_get_metrics(ctx, desc, NULL);
            m[0] = pango_font_metrics_get_ascent(pm) / (double)PANGO_SCALE;
            m[1] = pango_font_metrics_get_descent(pm) / (double)PANGO_SCALE;
            pango_font_metrics_unref(pm);
        }
        if (font)
            g_object_unref(font);
        g_hash_table_insert(f->metrics, g_strdup(key), m);
    }
    *ascent = m[0];
    *descent = m[1];
}

void pg_fonts_free(pg_fonts *f)
{
    if (!f)
        return;
    g_hash_table_destroy(f->metrics);
    g_hash_table_destroy(f->families);
    free(f->dir);
    free(f->conf);
    g_object_unref(f->map);
    FcConfigDestroy(f->config);
    free(f);
}

PangoContext *pg_fonts_context(pg_fonts *f)
{
    PangoContext *ctx = pango_font_map_create_context(f->map);
    if (f->cairo)
        f->cairo->context_setup(ctx);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    return ctx;
}

/* Set on a font map whose layouts met a character its font lacks. */
static const char unknown_key[] = "pg-unknown-glyphs";

void pg_fonts_note_unknown(PangoLayout *ly)
{
    PangoFontMap *map = pango_context_get_font_map(pango_layout_get_context(ly));
    g_object_set_data(G_OBJECT(map), unknown_key, GINT_TO_POINTER(1));
}

int pg_fonts_relayout(pg_fonts *f)
{
    return !f->cairo && g_object_get_data(G_OBJECT(f->map), unknown_key) != NULL;
}

int pg_fonts_use_cairo(pg_fonts *f, const char *style_file, pg_diag_list *diags)
{
    if (f->cairo)
        return 1;
    char *why = NULL;
    const pg_raster_api *api = pg_raster(&why);
    if (!api) {
        pg_diag_add(diags, PG_E_FONT, style_file, 0, 0,
                    "a character the font lacks is laid out by pango-cairo's font map, in "
                    "the raster module: %s",
                    why);
        g_free(why);
        return 0;
    }
    PangoFontMap *map = api->font_map_new();
    if (!map)
        pg_oom();
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), f->config);
    g_object_unref(f->map);
    f->map = map;
    f->cairo = api;
    g_hash_table_remove_all(f->metrics);
    return 1;
}

/* Families that stand in for another with the same metrics. */
static const struct {
    const char *family, *standin;
} standins[] = {
    {"Times New Roman", "Liberation Serif"},
    {"Times New Roman", "Tinos"},
};

/* The letters of Vietnamese beyond ASCII, lower case; their capitals are
 * checked too. Pango never borrows them from another family (coverage.c). */
static const char vietnamese[] =
    "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ";

/* Reports PG_W_FONT_VIETNAMESE when the font fontconfig matched for family
 * lacks a Vietnamese letter, listing the first ones missing. */
static void check_vietnamese(FcPattern *match, const char *family, const char *got,
                             const char *style_file, pg_diag_list *diags)
{
    FcCharSet *cs = NULL;
    if (FcPatternGetCharSet(match, FC_CHARSET, 0, &cs) != FcResultMatch)
        return;
    pg_buf missing = {0};
    int n = 0;
    for (const char *p = vietnamese; *p; p = g_utf8_next_char(p)) {
        gunichar lower = g_utf8_get_char(p), both[2] = {lower, g_unichar_toupper(lower)};
        for (int k = 0; k < 2; k++) {
            if (FcCharSetHasChar(cs, both[k]))
                continue;
            if (n++ < 8) {
                char u[8] = {0};
                g_unichar_to_utf8(both[k], u);
                pg_buf_printf(&missing, "%s%s", n > 1 ? " " : "", u);
            }
        }
    }
    FcChar8 *file = NULL;
    FcPatternGetString(match, FC_FILE, 0, &file);
    if (n)
        pg_diag_add(diags, PG_W_FONT_VIETNAMESE, style_file, 0, 0,
                    "\"%s\" is served by %s (%s), which lacks %d of the %d Vietnamese letters "
                    "(%s%s); use a font that has them, such as Liberation Serif",
                    family, got, file ? (const char *)file : "?", n,
                    2 * (int)g_utf8_strlen(vietnamese, -1), pg_buf_str(&missing),
                    n > 8 ? " ..." : "");
    pg_buf_free(&missing);
}

int pg_fonts_check(pg_fonts *f, const char *family, const char *style_file, pg_diag_list *diags,
                   char **resolved)
{
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcConfigSubstitute(f->config, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *match = FcFontMatch(f->config, pat, &res);
    FcChar8 *got = NULL;
    int ok = 0;
    if (match && FcPatternGetString(match, FC_FAMILY, 0, &got) == FcResultMatch) {
        if (strcmp((const char *)got, family) == 0)
            ok = 1;
        for (size_t i = 0; i < sizeof standins / sizeof standins[0]; i++)
            if (strcmp(standins[i].family, family) == 0 &&
                strcmp(standins[i].standin, (const char *)got) == 0)
                ok = 1;
    }
    if (resolved)
        *resolved = got ? pg_xstrdup((const char *)got) : NULL;
    /* a package to install only for a family one stands in for; any other family
     * is the house style's own font, found only in fonts/ */
    const char *standin = NULL;
    for (size_t i = 0; !ok && i < sizeof standins / sizeof standins[0]; i++)
        if (strcmp(standins[i].family, family) == 0)
            standin = standins[i].standin;
    if (!ok && standin)
        pg_diag_add(diags, PG_E_FONT, style_file, 0, 0,
                    "\"%s\" resolves to \"%s\"; install fonts-liberation2 (apt-get install "
                    "fonts-liberation2) for %s, or copy the licensed font files into fonts/",
                    family, got ? (const char *)got : _("nothing"), standin);
    else if (!ok)
        pg_diag_add(diags, PG_E_FONT, style_file, 0, 0,
                    "\"%s\" resolves to \"%s\"; copy the font files of \"%s\" into fonts/ "
                    "(see fonts/README.md), or name an installed family in the style's <font "
                    "family=...> (plangen fonts shows which file serves it)",
                    family, got ? (const char *)got : _("nothing"), family);
    else
        check_vietnamese(match, family, (const char *)got, style_file, diags);
    if (match)
        FcPatternDestroy(match);
    FcPatternDestroy(pat);
    return ok;
}

char *pg_fonts_face_file(pg_fonts *f, const char *family, int bold, int italic)
{
    FcPattern *p = FcPatternCreate();
    FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(p, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(p, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
    FcConfigSubstitute(f->config, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcResult r;
    FcPattern *m = FcFontMatch(f->config, p, &r);
    FcChar8 *file = NULL;
    char *out = NULL;
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch)
        out = pg_xstrdup((const char *)file);
    if (m)
        FcPatternDestroy(m);
    FcPatternDestroy(p);
    return out;
}

void pg_fonts_record(pg_fonts *f, const char *family, pg_reads *reads)
{
    /* kept apart for lists of paths alone (reads.h), whose faces are not hashed */
    char *key = g_strdup_printf("%d:%s", reads->paths_only, family);
    pg_reads *faces = g_hash_table_lookup(f->families, key);
    if (!faces) {
        /* as fontconfig saw them when the configuration was built: its files and
         * the folder's listing then (a font dropped in later is not used by this
         * process, and must not be recorded as if it were) */
        faces = g_new0(pg_reads, 1);
        faces->paths_only = reads->paths_only;
        pg_reads_add(faces, f->conf, f->conf_hash);
        pg_reads_add(faces, f->dir, f->dir_hash);
        for (int face = 0; face < 4; face++) {
            char *file = pg_fonts_face_file(f, family, face & 1, face >> 1);
            if (file)
                pg_reads_add_file(faces, file, NULL);
            free(file);
        }
        g_hash_table_insert(f->families, g_strdup(key), faces);
    }
    g_free(key);
    pg_reads_merge(reads, faces);
}
