/* plangen.c - the pipeline library (see plangen.h): the one place where the
 * stages are run in order, and the per-process engine they share. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "plangen.h"

#include "pdf.h"

#include "docx.h"
#include "i18n.h"
#include "layout.h"
#include "number.h"
#include "odt.h"
#include "pango_sync.h"
#include "parse.h"
#include "render.h"
#include "resolve.h"
#include "timing.h"

#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <pango/pango.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct pg_engine {
    pg_options o;            /* strings owned (below) */
    char *strings[9];        /* the copies of o's strings */
    char *schema_path;
    char *styles_dir;
    char *fonts_dir;
    pg_schema *schema;       /* compiled once */
    char schema_hash[PG_HASH_HEX];
    int schema_tried;
    char *icc_path;             /* the sRGB profile: DATA/templates/color/sRGB.icc, else
                                   PG_SRGB_PROFILE */
    char icc_hash[PG_HASH_HEX]; /* of it, hashed with the schema */
    GHashTable *styles;         /* name -> pg_style (one reference), loaded once */
    pg_fonts *fonts;
    pg_layout_cache *layout_cache; /* with the fonts: layouts and faces they gave */
    int fonts_failed;
};

static char *copy(pg_engine *e, int i, const char *s)
{
    e->strings[i] = s ? g_strdup(s) : NULL;
    return e->strings[i];
}

pg_engine *pg_engine_new(const pg_options *o)
{
    pg_engine *e = g_new0(pg_engine, 1);
    e->o = *o;
    /* absolute: fontconfig reads a relative configuration path from its own folder */
    char *data = g_canonicalize_filename(o->data_dir ? o->data_dir : ".", NULL);
    e->o.data_dir = copy(e, 0, data);
    g_free(data);
    e->o.style = copy(e, 1, o->style);
    e->o.root = copy(e, 2, o->root);
    e->o.create_date = copy(e, 3, o->create_date);
    e->o.today = copy(e, 4, o->today);
    e->o.creator = copy(e, 5, o->creator ? o->creator : "plangen");
    e->o.fonts_dir = copy(e, 6, o->fonts_dir);
    e->o.signature_image = copy(e, 7, o->signature_image);
    e->o.seal = copy(e, 8, o->seal);
    e->schema_path = g_strdup_printf("%s/templates/schema/plan.rng", e->o.data_dir);
    e->styles_dir = g_strdup_printf("%s/templates/styles", e->o.data_dir);
    /* the PDF/A output intent's profile: the data folder's own (an installation's
     * or a user's), else Debian's icc-profiles-free */
    e->icc_path = g_strdup_printf("%s/templates/color/sRGB.icc", e->o.data_dir);
    if (!g_file_test(e->icc_path, G_FILE_TEST_EXISTS)) {
        g_free(e->icc_path);
        e->icc_path = g_strdup(PG_SRGB_PROFILE);
    }
    e->fonts_dir = o->fonts_dir ? g_canonicalize_filename(o->fonts_dir, NULL)
                                : g_strdup_printf("%s/fonts", e->o.data_dir);
    e->styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)pg_style_unref);
    return e;
}

void pg_engine_free(pg_engine *e)
{
    if (!e)
        return;
    g_hash_table_destroy(e->styles);
    pg_layout_cache_free(e->layout_cache);
    pg_fonts_free(e->fonts);
    pg_schema_free(e->schema);
    for (size_t i = 0; i < G_N_ELEMENTS(e->strings); i++)
        g_free(e->strings[i]);
    g_free(e->schema_path);
    g_free(e->styles_dir);
    g_free(e->icc_path);
    g_free(e->fonts_dir);
    g_free(e);
}

const pg_options *pg_engine_options(const pg_engine *e)
{
    return &e->o;
}

const char *pg_engine_styles_dir(const pg_engine *e)
{
    return e->styles_dir;
}

void pg_options_fingerprint(const pg_options *o, char out[PG_HASH_HEX])
{
    /* every field, named, with NULL distinct from "" */
    GString *g = g_string_new("plangen-options 1\n");
#define STR(f) g_string_append_printf(g, #f "=%s%s\n", o->f ? "\"" : "(null)", o->f ? o->f : "")
    STR(data_dir);
    STR(fonts_dir);
    STR(style);
    STR(root);
    STR(create_date);
    STR(today);
    STR(creator);
#undef STR
    g_string_append_printf(g, "limits=%lld %lld %lld %lld %lld %lld\nfix=%d\n", o->max_size,
                           o->max_depth, o->max_nodes, o->max_text, o->max_image_pixels,
                           o->max_image_bytes, o->fix);
    if (o->no_pdfa) /* only when given, as below */
        g_string_append(g, "no_pdfa=1\n");
    /* only when given: the fingerprints of renders without them stay what they were */
    if (o->signature_image || o->seal || o->seal_diameter != 0)
        g_string_append_printf(g, "signature_image=%s\nseal=%s\nseal_diameter=%.17g\n",
                               o->signature_image ? o->signature_image : "(null)",
                               o->seal ? o->seal : "(null)", o->seal_diameter);
    if (o->appendix_files)
        g_string_append(g, "appendix_files=1\n");
    pg_sha256_hex(g->str, g->len, out);
    g_string_free(g, TRUE);
}

void pg_today(const pg_options *o, char out[16])
{
    if (o->today) {
        g_strlcpy(out, o->today, 16);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

int pg_stage_from_name(const char *name, pg_stage *stage)
{
    static const char *const names[] = {"parse", "resolve", "number", "lint", "layout"};
    for (size_t i = 0; name && i < G_N_ELEMENTS(names); i++)
        if (strcmp(name, names[i]) == 0) {
            *stage = (pg_stage)i;
            return 1;
        }
    return 0;
}

const char *pg_build_id(void)
{
    static char id[PG_HASH_HEX];
    if (!id[0] && !pg_file_hash("/proc/self/exe", id)) {
        /* the executable cannot be read: an id of this process alone, so that no
         * output of another plangen is ever taken as fresh (everything is rebuilt) */
        char once[64];
        snprintf(once, sizeof once, "unreadable-%ld-%lld", (long)getpid(), (long long)time(NULL));
        pg_sha256_hex(once, strlen(once), id);
    }
    return id;
}

/* ---- the run ------------------------------------------------------------------------ */

/* The plans root of a plan: the nearest folder above it named "plans", else its
 * own folder. Parents, images and other files must stay inside it. g_free. */
char *pg_plans_root(const char *path)
{
    char *dir = g_path_get_dirname(path);
    char *abs = g_canonicalize_filename(dir, NULL);
    g_free(dir);
    size_t n = strlen(abs);
    for (size_t end = n; end > 0; end--) {
        if (end != n && abs[end] != '/')
            continue;
        size_t start = end;
        while (start > 0 && abs[start - 1] != '/')
            start--;
        if (end - start == 5 && strncmp(abs + start, "plans", 5) == 0) {
            char *root = g_strndup(abs, end);
            g_free(abs);
            return root;
        }
    }
    return abs;
}

static int style_exists(const pg_engine *e, const char *name)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            return 0;
    char *path = g_strdup_printf("%s/%s.xml", e->styles_dir, name);
    int ok = g_file_test(path, G_FILE_TEST_IS_REGULAR);
    g_free(path);
    return ok;
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The installed style names, sorted, as "a, b or c" (g_free). */
static char *installed_styles(const pg_engine *e)
{
    GDir *dir = g_dir_open(e->styles_dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while (dir && (n = g_dir_read_name(dir)))
        if (g_str_has_suffix(n, ".xml"))
            g_ptr_array_add(names, g_strndup(n, strlen(n) - 4));
    if (dir)
        g_dir_close(dir);
    g_ptr_array_sort(names, cmp_str);
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(out, "%s%s",
                               i == 0                ? ""
                               : i + 1 == names->len ? _(" or ")
                                                     : ", ",
                               (const char *)names->pdata[i]);
    if (!names->len)
        g_string_append(out, _("(none installed)"));
    g_ptr_array_free(names, TRUE);
    return g_string_free(out, FALSE);
}

static pg_fonts *engine_fonts(pg_engine *e, pg_diag_list *d)
{
    if (!e->fonts && !e->fonts_failed) {
        e->fonts = pg_fonts_new(e->fonts_dir, d);
        e->fonts_failed = e->fonts == NULL;
        e->layout_cache = e->fonts ? pg_layout_cache_new_sized(e->o.layout_cache_bytes) : NULL;
        pg_timing_mark("fonts: fontconfig configuration, font map");
    }
    return e->fonts;
}

static pg_schema *engine_schema(pg_engine *e)
{
    if (!e->schema_tried) {
        e->schema_tried = 1;
        pg_file_hash(e->schema_path, e->schema_hash); /* libxml2 reads it just after */
        pg_file_hash(e->icc_path, e->icc_hash);       /* every PDF/A embeds it */
        /* compiled while the plan is read and parsed (2.5 ms of a 9-page
         * plan's 40); the run waits for it at its first validation, and no
         * later than its end (pg_run) */
        e->schema = pg_schema_start(e->schema_path);
        pg_timing_mark("schema: hash, start compiling");
    }
    return e->schema;
}

/* The style the plan asks for (or the options name, when override), loaded once
 * per process. */
static pg_style *engine_style(pg_engine *e, const pg_doc *doc, int override, pg_diag_list *d)
{
    const char *name = override && e->o.style ? e->o.style
                       : doc->style_name      ? doc->style_name
                                              : "party";
    if (!strchr(name, '/') && !style_exists(e, name)) {
        /* a name that is not installed: say so where the name was written */
        char *have = installed_styles(e);
        if (override && e->o.style)
            pg_diag_add(d, PG_E_STYLE, "--style", 0, 0, "\"%s\" is not an installed style; use %s",
                        name, have);
        else
            pg_diag_add(d, PG_E_STYLE, doc->file, doc->style_pos.line, doc->style_pos.col,
                        "style=\"%s\" is not an installed style; use %s", name, have);
        g_free(have);
        return NULL;
    }
    pg_style *st = g_hash_table_lookup(e->styles, name);
    if (st)
        return pg_style_ref(st);
    st = pg_style_load_named(e->styles_dir, name, d);
    if (st)
        g_hash_table_insert(e->styles, g_strdup(name), pg_style_ref(st));
    pg_timing_mark("style: load");
    return st;
}

/* Records a document and every plan above it (parents, used plans) with the
 * hash of the bytes each was parsed from. */
static void record_docs(pg_reads *reads, const pg_doc *doc)
{
    pg_reads_add(reads, doc->file, doc->source_hash);
    for (size_t i = 0; i < doc->n_parents; i++)
        record_docs(reads, doc->parents[i]);
    for (size_t i = 0; i < doc->n_sources; i++)
        record_docs(reads, doc->sources[i]);
}

/* The images of a plan, counted against one total of decoded bytes. */
typedef struct {
    unsigned long long limit, total; /* bytes, 4 a pixel */
    const pg_doc *doc;
    pg_diag_list *d;
    int over;
} image_total;

static int count_image(pg_node *n, int depth, void *ud)
{
    (void)depth;
    image_total *t = ud;
    if (n->type != PG_NODE_IMAGE || !n->u.image.path || t->over)
        return 0;
    t->total += (unsigned long long)n->u.image.px_w * (unsigned long long)n->u.image.px_h * 4;
    if (t->total > t->limit) {
        pg_diag_add(t->d, PG_E_TOO_LARGE, n->file ? n->file : t->doc->file, n->pos.line, n->pos.col,
                    "with image \"%s\" the plan's images decode to %llu bytes (4 bytes a pixel, "
                    "an image used twice counted twice); the limit for all the images of a plan "
                    "is %llu bytes (--max-image-bytes): use fewer or smaller images",
                    n->u.image.src, t->total, t->limit);
        t->over = 1;
    }
    return 0;
}

/* Holds the images of the merged plan (its own and those it inherits) to
 * --max-image-bytes together, as the parser holds each one: five images of
 * 36 million pixels each, each allowed, took 720 MB and 3 s decoded. */
static int images_within_limit(const pg_engine *e, const pg_doc *doc, pg_diag_list *d)
{
    image_total t = {.limit = e->o.max_image_bytes > 0 ? (unsigned long long)e->o.max_image_bytes
                                                       : 256ULL << 20,
                     .doc = doc,
                     .d = d};
    if (doc->body)
        pg_node_walk(doc->body, count_image, NULL, &t);
    if (doc->appendices)
        pg_node_walk(doc->appendices, count_image, NULL, &t);
    if (doc->signature.image)
        count_image(doc->signature.image, 0, &t);
    if (doc->signature.seal)
        count_image(doc->signature.seal, 0, &t);
    return !t.over;
}

static pg_pdf_opts pdf_opts(const pg_engine *e);

/* The PDF documents of a streamed layout: one per page list, made when the
 * list's first page (or its end) comes. */
typedef struct {
    const pg_pdf_opts *po;
    GPtrArray *lists; /* const pg_pages*, in the order they came */
    GPtrArray *docs;  /* pg_pdf_doc*, the same order */
    int keep;         /* 1: PG_STAGE_PDF; 0: pages dropped unwritten */
} pdf_sink;

static pg_pdf_doc *sink_doc(pdf_sink *ps, const pg_pages *pp)
{
    for (guint i = 0; i < ps->lists->len; i++)
        if (ps->lists->pdata[i] == pp)
            return ps->docs->pdata[i];
    g_ptr_array_add(ps->lists, (gpointer)pp);
    g_ptr_array_add(ps->docs, pg_pdf_begin(ps->po, 1));
    return ps->docs->pdata[ps->docs->len - 1];
}

static void sink_page(void *ud, const pg_pages *pp, size_t index)
{
    pdf_sink *ps = ud;
    if (ps->keep)
        pg_pdf_page(sink_doc(ps, pp), pp, index);
}

static void sink_end(void *ud, const pg_pages *pp)
{
    pdf_sink *ps = ud;
    if (ps->keep)
        pg_pdf_end(sink_doc(ps, pp), pp);
}

/* Layout with its pages handed on as they are made: written into PDF documents
 * (PG_STAGE_PDF) or dropped (PG_STAGE_CHECK). */
static int run_streamed(pg_engine *e, pg_result *r, pg_stage upto, pg_fonts *fonts,
                        pg_diag_list *d)
{
    pg_pdf_opts po = pdf_opts(e);
    pdf_sink ps = {.po = &po,
                   .lists = g_ptr_array_new(),
                   .docs = g_ptr_array_new(),
                   .keep = upto == PG_STAGE_PDF};
    pg_page_sink sink = {sink_page, sink_end, &ps};
    pg_pages **files = NULL;
    size_t n_files = 0;
    pg_pages *pp = pg_layout_stream(r->doc, r->style, fonts, e->layout_cache, &r->reads, d,
                                    e->o.appendix_files ? &files : NULL, &n_files, &sink);
    int ok = pp != NULL;
    if (ok) {
        r->n_pages = pp->n;
        r->n_appendix_pages = n_files;
    }
    if (ok && ps.keep) {
        /* the plan's document first, then the appendices', in their order */
        r->pdf = g_new0(pg_pdf_doc *, 1 + n_files);
        for (size_t i = 0; i <= n_files; i++)
            r->pdf[i] = sink_doc(&ps, i ? files[i - 1] : pp);
    } else {
        for (guint i = 0; i < ps.docs->len; i++)
            pg_pdf_doc_free(ps.docs->pdata[i]);
    }
    pg_pages_free(pp);
    for (size_t i = 0; i < n_files; i++)
        pg_pages_free(files[i]);
    free(files);
    g_ptr_array_free(ps.lists, TRUE);
    g_ptr_array_free(ps.docs, TRUE);
    return ok;
}

/* Drops what a layout gave r: its pages, or its PDF documents. */
static void drop_layout(pg_result *r)
{
    pg_pages_free(r->pages);
    for (size_t i = 0; r->appendix_pages && i < r->n_appendix_pages; i++)
        pg_pages_free(r->appendix_pages[i]);
    free(r->appendix_pages);
    for (size_t i = 0; r->pdf && i <= r->n_appendix_pages; i++)
        pg_pdf_doc_free(r->pdf[i]);
    g_free(r->pdf);
    r->pages = NULL;
    r->appendix_pages = NULL;
    r->pdf = NULL;
    r->n_pages = r->n_appendix_pages = 0;
}

int pg_run(pg_engine *e, const char *path, const char *text, size_t len, pg_stage upto,
           pg_result *r)
{
    memset(r, 0, sizeof *r);
    r->reads.paths_only = e->o.unhashed_reads;
    pg_diag_list *d = &r->diags;
    char *root = e->o.root ? NULL : pg_plans_root(path);
    pg_schema *schema = engine_schema(e);
    pg_reads_add(&r->reads, e->schema_path, e->schema_hash);
    if (!e->o.no_pdfa)
        pg_reads_add(&r->reads, e->icc_path, e->icc_hash); /* the PDF/A output intent's */
    pg_parse_opts po = {.schema_path = e->schema_path,
                        .schema = schema,
                        .root = e->o.root ? e->o.root : root,
                        .max_bytes = (size_t)e->o.max_size,
                        .max_depth = (int)e->o.max_depth,
                        .max_nodes = (size_t)e->o.max_nodes,
                        .max_text = (size_t)e->o.max_text,
                        .max_image_pixels = (unsigned long long)e->o.max_image_pixels,
                        .max_image_bytes = (unsigned long long)e->o.max_image_bytes,
                        .signature_image = e->o.signature_image,
                        .seal = e->o.seal,
                        .seal_diameter = e->o.seal_diameter};
    pg_doc *doc = text ? pg_doc_parse_memory(text, len, path, &po, d)
                       : pg_doc_parse_file(path, &po, d);
    /* the signature options are the rendered plan's, not its parents' */
    po.signature_image = po.seal = NULL;
    po.seal_diameter = 0;
    r->doc = doc;
    if (!text && doc->source_hash[0])
        pg_reads_add(&r->reads, path, doc->source_hash);
    else if (!text)
        pg_reads_add(&r->reads, path, "missing");
    pg_fonts *fonts = NULL;
    if (pg_diag_worst(d) == PG_LEVEL_ERROR)
        goto done;
    if (upto == PG_STAGE_PARSE)
        goto reached;
    pg_resolve_opts ro = {.parse = &po};
    int resolved = pg_doc_resolve(doc, &ro, d);
    pg_timing_mark("resolve");
    for (size_t i = 0; i < doc->n_parents; i++)
        record_docs(&r->reads, doc->parents[i]);
    for (size_t i = 0; i < doc->n_sources; i++)
        record_docs(&r->reads, doc->sources[i]);
    if (!resolved)
        goto done;
    /* each plangen parent is cited with its number in the form of its own style (its
     * number is a fact of the document issued, whatever style this plan is shown in) */
    for (size_t i = 0; i < doc->n_cites; i++) {
        pg_citation *c = &doc->cites[i];
        if (!c->parent)
            continue;
        pg_style *ps = engine_style(e, c->parent, 0, d);
        if (!ps)
            goto done;
        for (int k = 0; k < ps->n_files; k++)
            pg_reads_add(&r->reads, ps->files[k], ps->hashes[k]);
        c->ref_format = pg_arena_strdup(doc->arena, ps->reference_format);
        pg_style_unref(ps);
    }
    if (upto == PG_STAGE_RESOLVE)
        goto reached;
    r->style = engine_style(e, doc, 1, d);
    if (!r->style)
        goto done;
    for (int i = 0; i < r->style->n_files; i++)
        pg_reads_add(&r->reads, r->style->files[i], r->style->hashes[i]);
    fonts = engine_fonts(e, d);
    if (!fonts || !pg_fonts_check(fonts, r->style->font_family, r->style->file, d, NULL))
        goto done;
    pg_fonts_record(fonts, r->style->font_family, &r->reads);
    pg_timing_mark("fonts: check the style's family");
    int numbered = pg_doc_number(doc, r->style, d);
    pg_timing_mark("number");
    if (!numbered)
        goto done;
    if (upto == PG_STAGE_NUMBER)
        goto reached;
    /* the standard's rules, on every check and render */
    char today[16];
    pg_today(&e->o, today);
    int today_used = 0;
    pg_lint_opts lo = {.today = today, .today_used = &today_used, .src = text, .len = len};
    pg_lint(doc, r->style, &lo, d, e->o.fix ? &r->edits : NULL);
    pg_timing_mark("lint");
    if (today_used) { /* a finding true today only: the build keeps it no longer */
        char h[PG_HASH_HEX];
        pg_sha256_hex(today, strlen(today), h);
        pg_reads_add(&r->reads, PG_TODAY_READ, h);
    }
    if (upto == PG_STAGE_LINT || r->edits.n)
        goto reached; /* a plan to be corrected is not laid out */
    if (!images_within_limit(e, doc, d))
        goto done;
    size_t diags_before_layout = d->n;
    for (;;) {
        int laid_out;
        if (upto == PG_STAGE_LAYOUT) {
            r->pages = pg_layout_run(doc, r->style, fonts, e->layout_cache, &r->reads, d,
                                     e->o.appendix_files ? &r->appendix_pages : NULL,
                                     &r->n_appendix_pages);
            laid_out = r->pages != NULL;
            if (laid_out)
                r->n_pages = r->pages->n;
        } else {
            laid_out = run_streamed(e, r, upto, fonts, d);
        }
        if (!pg_fonts_relayout(fonts)) {
            if (!laid_out)
                goto done;
            break;
        }
        /* a character the font lacks: laid out again, as ever, with pango-cairo's
         * font map (fonts.h), in a layout cache of its own */
        drop_layout(r);
        pg_diag_truncate(d, diags_before_layout);
        if (!pg_fonts_use_cairo(fonts, r->style->file, d))
            goto done;
        pg_layout_cache_free(e->layout_cache);
        e->layout_cache = pg_layout_cache_new();
    }
    pg_timing_mark("layout, the PDF's pages made as they come");
    r->laid_out = 1;
reached:
    r->ok = pg_diag_worst(d) != PG_LEVEL_ERROR;
done:
    pg_schema_wait(schema); /* no thread outlives the run (a build forks after it) */
    pg_diag_sort(d);
    g_free(root);
    return r->ok;
}

void pg_result_free(pg_result *r)
{
    if (!r)
        return;
    pg_diag_list_free(&r->diags);
    drop_layout(r);
    pg_style_unref(r->style);
    pg_doc_free(r->doc);
    pg_reads_free(&r->reads);
    pg_edits_free(&r->edits);
    memset(r, 0, sizeof *r);
}

int pg_result_failed(const pg_result *r, int strict)
{
    pg_level worst = pg_diag_worst(&r->diags);
    return !r->ok || worst == PG_LEVEL_ERROR || (strict && worst == PG_LEVEL_WARNING);
}

/* ---- output ----------------------------------------------------------------------- */

static pg_pdf_opts pdf_opts(const pg_engine *e)
{
    pg_pdf_opts po = {.creator = e->o.creator,
                      .create_date = e->o.create_date,
                      .icc_profile = e->icc_path,
                      .no_pdfa = e->o.no_pdfa};
    return po;
}

char *pg_appendix_file_name(const char *target, size_t n)
{
    size_t len = strlen(target);
    if (len > 4 && g_ascii_strcasecmp(target + len - 4, ".pdf") == 0)
        len -= 4;
    return g_strdup_printf("%.*s.phu-luc-%zu.pdf", (int)len, target, n);
}

/* The plan and each of its appendices as PDF files: all made in memory first
 * (a font that cannot be embedded fails the run before any file is touched),
 * then written as one set of outputs. */
static int write_pdf_files(const pg_result *r, const char *target, const pg_pdf_opts *po,
                           pg_diag_list *d)
{
    size_t n = 1 + r->n_appendix_pages;
    char **names = g_new0(char *, n + 1);
    pg_buf *bytes = g_new0(pg_buf, n);
    pg_output_set set = {0};
    int ok = 0;
    for (size_t i = 0; i < n; i++) {
        const pg_pages *pp = i ? r->appendix_pages[i - 1] : r->pages;
        names[i] = i ? pg_appendix_file_name(target, i) : g_strdup(target);
        char *error = NULL;
        if (!pg_pdf_render(pp, po, &bytes[i], &error)) {
            pg_diag_add(d, PG_E_FONT, names[i], 0, 0, "%s", error ? error : _("cannot write PDF"));
            g_free(error);
            goto cleanup;
        }
    }
    if (!pg_output_set_open(&set, (const char *const *)names, n, d))
        goto cleanup;
    for (size_t i = 0; i < n; i++)
        if (fwrite(bytes[i].s, 1, bytes[i].len, set.o[i].f) != bytes[i].len) {
            pg_diag_add(d, PG_E_OUTPUT, names[i], 0, 0, "cannot write: %s", strerror(errno));
            pg_output_set_abort(&set);
            goto cleanup;
        }
    /* fault injection for the tests: a signal once every file is written, none
     * yet in place (the handler of pg_output_cleanup_on_signal() removes them) */
    if (getenv("PLANGEN_TEST_TERM_BEFORE_COMMIT"))
        raise(SIGTERM);
    ok = pg_output_set_commit(&set, d);
cleanup:
    for (size_t i = 0; i < n; i++)
        pg_buf_free(&bytes[i]);
    g_free(bytes);
    g_strfreev(names);
    return ok;
}

/* Reports why a streamed document cannot be written: the diagnostics
 * pg_pdf_write() and write_pdf_files() give for a font or the profile, and a
 * temporary file that cannot be made or written as an output's failure. */
static void report_fault(const pg_engine *e, const pg_pdf_doc *doc, const char *name,
                         pg_diag_list *d)
{
    const char *why = NULL;
    pg_pdf_fault f = pg_pdf_failed(doc, &why);
    if (f == PG_PDF_TEMPORARY)
        pg_diag_add(d, PG_E_OUTPUT, name, 0, 0, "%s", why);
    else if (f == PG_PDF_PROFILE && !e->o.appendix_files)
        pg_diag_add(d, PG_E_IO, e->icc_path, 0, 0, "%s", why);
    else
        pg_diag_add(d, PG_E_FONT, name, 0, 0, "%s", why);
}

/* Writes doc into f, the output file name; 0 with a diagnostic when it fails. */
static int emit_into(const pg_pdf_doc *doc, FILE *f, const char *name, pg_diag_list *d)
{
    pg_pdf_emit_status st = pg_pdf_emit_file(doc, f);
    if (st == PG_PDF_READ_FAILED)
        pg_diag_add(d, PG_E_OUTPUT, name, 0, 0,
                    "cannot read back the temporary file of the PDF in TMPDIR (%s): %s",
                    g_get_tmp_dir(), strerror(errno));
    else if (st != PG_PDF_EMITTED)
        pg_diag_add(d, PG_E_OUTPUT, name, 0, 0, "cannot write: %s", strerror(errno));
    return st == PG_PDF_EMITTED;
}

/* Writes the documents a streamed layout wrote (PG_STAGE_PDF): the plan's to
 * target, each appendix's beside it, as one set of outputs. */
static int write_streamed(const pg_engine *e, const pg_result *r, const char *target,
                          pg_diag_list *d)
{
    size_t n = e->o.appendix_files ? 1 + r->n_appendix_pages : 1;
    char **names = g_new0(char *, n + 1);
    for (size_t i = 0; i < n; i++)
        names[i] = i ? pg_appendix_file_name(target, i) : g_strdup(target);
    int ok = 0;
    for (size_t i = 0; i < n; i++)
        if (pg_pdf_failed(r->pdf[i], NULL) != PG_PDF_OK) {
            report_fault(e, r->pdf[i], names[i], d);
            g_strfreev(names);
            return 0;
        }
    if (!e->o.appendix_files) {
        pg_output o;
        if (pg_output_open(&o, target, d)) {
            if (emit_into(r->pdf[0], o.f, target, d))
                ok = pg_output_commit(&o, d);
            else
                pg_output_abort(&o);
        }
        g_strfreev(names);
        return ok;
    }
    pg_output_set set = {0};
    if (pg_output_set_open(&set, (const char *const *)names, n, d)) {
        ok = 1;
        for (size_t i = 0; i < n && ok; i++)
            if (!emit_into(r->pdf[i], set.o[i].f, names[i], d)) {
                pg_output_set_abort(&set);
                ok = 0;
            }
        /* fault injection for the tests, as in write_pdf_files() */
        if (ok && getenv("PLANGEN_TEST_TERM_BEFORE_COMMIT"))
            raise(SIGTERM);
        ok = ok && pg_output_set_commit(&set, d);
    }
    g_strfreev(names);
    return ok;
}

const char *pg_result_pdf_error(const pg_result *r)
{
    const char *why = NULL;
    if (r->pdf && pg_pdf_failed(r->pdf[0], &why) != PG_PDF_OK)
        return why;
    return NULL;
}

int pg_result_write_pdf(pg_engine *e, const pg_result *r, const char *target, pg_diag_list *d)
{
    if (!*target) {
        /* a diagnostic names its file: say which one is missing */
        pg_diag_add(d, PG_E_OUTPUT, r->doc ? r->doc->file : "", 0, 0,
                    "the output's name is empty (-o \"\"); name a PDF file or a folder");
        return 0;
    }
    if (r->pdf)
        return write_streamed(e, r, target, d);
    pg_pdf_opts po = pdf_opts(e);
    if (!r->pages)
        return 0;
    if (!e->o.appendix_files)
        return pg_pdf_write(r->pages, target, &po, d);
    return write_pdf_files(r, target, &po, d);
}

int pg_result_write_docx(const pg_result *r, const char *target, pg_diag_list *d)
{
    if (!*target) {
        pg_diag_add(d, PG_E_OUTPUT, r->doc ? r->doc->file : "", 0, 0,
                    "the output's name is empty (-o \"\"); name a DOCX file or a folder");
        return 0;
    }
    return r->doc && r->doc->numbered && r->style && pg_docx_write(r->doc, r->style, r->pages, target, d);
}

int pg_result_write_odt(const pg_result *r, const char *target, pg_diag_list *d)
{
    if (!*target) {
        pg_diag_add(d, PG_E_OUTPUT, r->doc ? r->doc->file : "", 0, 0,
                    "the output's name is empty (-o \"\"); name an ODT file or a folder");
        return 0;
    }
    return r->doc && r->doc->numbered && r->style &&
           pg_odt_write(r->doc, r->style, r->pages, target, d);
}

int pg_result_pdf_memory(pg_engine *e, const pg_result *r, unsigned char **out, size_t *len)
{
    if (r->pdf) {
        pg_buf b = {0};
        *out = NULL;
        *len = 0;
        if (pg_pdf_emit_buf(r->pdf[0], &b) != PG_PDF_EMITTED) {
            pg_buf_free(&b);
            return 0;
        }
        *out = (unsigned char *)b.s;
        *len = b.len;
        return 1;
    }
    pg_pdf_opts po = pdf_opts(e);
    return r->pages && pg_pdf_write_memory(r->pages, &po, out, len);
}

int pg_result_write_png(const pg_result *r, const char *dir, const char *stem, double dpi,
                        pg_diag_list *d)
{
    if (!*dir) {
        pg_diag_add(d, PG_E_OUTPUT, r->doc ? r->doc->file : "", 0, 0,
                    "the folder for the PNG pages is named \"\" (--png \"\"); name a folder");
        return 0;
    }
    if (!r->pages || !pg_png_write(r->pages, dir, stem, dpi, d))
        return 0;
    for (size_t i = 0; i < r->n_appendix_pages; i++) {
        char *sub = g_strdup_printf("%s.phu-luc-%zu", stem, i + 1);
        int ok = pg_png_write(r->appendix_pages[i], dir, sub, dpi, d);
        g_free(sub);
        if (!ok)
            return 0;
    }
    return 1;
}

int pg_page_png(const pg_page *p, double dpi, unsigned char **out, size_t *len)
{
    return pg_png_page_memory(p, dpi, out, len);
}

int pg_result_page_png(const pg_result *r, size_t page, double dpi, unsigned char **out,
                       size_t *len)
{
    *out = NULL;
    *len = 0;
    if (!r->pages || page >= r->pages->n)
        return 0;
    return pg_png_page_memory(&r->pages->pages[page], dpi, out, len);
}

void pg_page_hash(const pg_page *p, char out[PG_HASH_HEX])
{
    /* the trace of a list holding this one page (borrowed, not owned) */
    pg_pages one = {.pages = (pg_page *)p, .n = 1, .cap = 1};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        pg_oom();
    fprintf(f, "size %.2f %.2f number %d shown %d\n", p->w, p->h, p->number, p->shown);
    pg_pages_trace(&one, f);
    /* the trace names an image by its size only: add a hash of its pixels */
    for (size_t i = 0; i < p->n; i++) {
        const pg_image *im = p->items[i].kind == PG_ITEM_IMAGE ? p->items[i].image : NULL;
        if (!im)
            continue;
        char h[PG_HASH_HEX];
        pg_sha256_hex(im->rgb, (size_t)im->w * (size_t)im->h * 3, h);
        fprintf(f, "image %zu %s", i, h);
        if (im->alpha) {
            pg_sha256_hex(im->alpha, (size_t)im->w * (size_t)im->h, h);
            fprintf(f, " alpha %s", h);
        }
        fputc('\n', f);
    }
    fclose(f);
    pg_sha256_hex(text, len, out);
    free(text);
}

void pg_result_dump(const pg_result *r, pg_stage stage, FILE *f)
{
    if (stage == PG_STAGE_LAYOUT && r->pages && r->appendix_pages) {
        for (size_t i = 0; i <= r->n_appendix_pages; i++) {
            const pg_pages *pp = i ? r->appendix_pages[i - 1] : r->pages;
            if (i)
                fprintf(f, "file %zu appendix-%zu\n", i + 1, i);
            else
                fprintf(f, "file 1 main\n");
            const char *meta[][2] = {{"title", pp->title},
                                     {"author", pp->author},
                                     {"subject", pp->subject},
                                     {"keywords", pp->keywords}};
            for (size_t k = 0; k < G_N_ELEMENTS(meta); k++) {
                fprintf(f, "  %s \"", meta[k][0]);
                for (const char *c = meta[k][1] ? meta[k][1] : ""; *c; c++) {
                    if (*c == '"' || *c == '\\')
                        fputc('\\', f);
                    fputc(*c, f);
                }
                fputs("\"\n", f);
            }
            pg_pages_trace(pp, f);
        }
    } else if (stage == PG_STAGE_LAYOUT) {
        if (r->pages)
            pg_pages_trace(r->pages, f);
    } else if (r->doc) {
        pg_doc_dump(r->doc, f);
    }
}

void pg_result_diff(const pg_result *r, FILE *f)
{
    if (r->doc)
        pg_doc_diff(r->doc, f);
}

int pg_fix_apply(const char *path, pg_edits *edits, pg_diag_list *d)
{
    return pg_edits_apply(path, edits, d);
}

void pg_forget_process_caches(void)
{
    pg_pdf_forget(); /* it holds references to the fonts' faces */
    pg_resolve_forget();
}

int pg_engine_fonts_report(pg_engine *e, const char *style, FILE *out, pg_diag_list *d)
{
    pg_style *st = pg_style_load_named(e->styles_dir, style ? style : "party", d);
    pg_fonts *f = st ? engine_fonts(e, d) : NULL;
    int ok = 0;
    if (f) {
        char *resolved = NULL;
        ok = pg_fonts_check(f, st->font_family, st->file, d, &resolved);
        fprintf(out, _("style %s (%s): font \"%s\" -> \"%s\"%s\n"), st->name, st->standard,
                st->font_family, resolved ? resolved : _("nothing"), ok ? "" : _("  (NOT USABLE)"));
        fprintf(out, _("pango %s: font matching %s\n"), pango_version_string(),
                pg_pango_inline_tasks() ? _("in the calling thread (generator/pango_sync.c)")
                                        : _("in pango's own threads"));
        free(resolved);
        static const char *const names[] = {N_("regular"), N_("bold"), N_("italic"),
                                            N_("bold italic")};
        for (int face = 0; face < 4; face++) {
            char *file = pg_fonts_face_file(f, st->font_family, face & 1, face >> 1);
            fprintf(out, "  %-12s %s\n", _(names[face]), file ? file : _("(none)"));
            free(file);
        }
    }
    pg_style_unref(st);
    return ok;
}
