/* Signature appearances (issue #17 part 2, NĐ 30 Phụ lục I): a plan of each
 * style with the signer's signature image and the body's seal is rendered
 * in-process, and the images' placements are read back from the PDF with
 * poppler: the signature image centred under the title lines (1 pt), the seal
 * at its real diameter (0.5 pt), over the left third of the signature image,
 * clear of the recipients' lines.
 * Each check is also shown to fail: on a render with another seal diameter,
 * and on placements moved by what the check must catch. The PNGs are drawn
 * here with cairo. */
#define _GNU_SOURCE /* memmem */
#include "pdfread.h"
#include "plangen.h"

#include <cairo.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PLANS PG_SOURCE_DIR "/plans/"
#define SO_KHCN PLANS "so-khcn-tra-vinh-05-KH-2024.xml" /* state */
#define TRA_VINH PLANS "tra-vinh-duk-60-KH-2022.xml"    /* party */

#define MM (72 / 25.4) /* pt */

/* A box in pt, origin top-left of the page. */
typedef struct {
    double x0, y0, x1, y1;
} box;

/* What a render shows of the signature: the two images and the title line. */
typedef struct {
    box sig, seal;
    double title_mid;  /* pt: the middle of the signer's title line */
    double text_right; /* pt: the right end of the lines (recipients) that start left of
                          the seal and share rows with it */
    int found;
} placed;

/* Writes the signer's signature (300 x 100 px, a blue stroke) and the seal
 * (200 x 200 px, red rings) as transparent PNGs into dir. */
static void write_pngs(const char *dir)
{
    char *path = g_build_filename(dir, "sig.png", NULL);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 100);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.1, 0.15, 0.8);
    cairo_set_line_width(cr, 5);
    cairo_move_to(cr, 3, 50);
    for (int x = 3; x <= 297; x += 3)
        cairo_line_to(cr, x, 50 + 35 * sin(x / 18.0));
    cairo_stroke(cr);
    cairo_destroy(cr);
    cr_assert_eq(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    g_free(path);

    path = g_build_filename(dir, "seal.png", NULL);
    s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 200);
    cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
    cairo_set_line_width(cr, 8);
    cairo_arc(cr, 100, 100, 96, 0, 2 * M_PI);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 3);
    cairo_arc(cr, 100, 100, 62, 0, 2 * M_PI);
    cairo_stroke(cr);
    cairo_destroy(cr);
    cr_assert_eq(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    g_free(path);
}

/* Copies the plan at src into dir as plan.xml, its <signature> given the
 * attributes attrs. Returns the new plan's path (g_free). */
static char *plan_with(const char *src, const char *dir, const char *attrs)
{
    char *text = NULL;
    cr_assert(g_file_get_contents(src, &text, NULL, NULL));
    char *at = strstr(text, "<signature ");
    cr_assert_not_null(at);
    GString *g = g_string_new_len(text, at - text + (long)strlen("<signature "));
    g_string_append_printf(g, "%s ", attrs);
    g_string_append(g, at + strlen("<signature "));
    char *path = g_build_filename(dir, "plan.xml", NULL);
    cr_assert(g_file_set_contents(path, g->str, (gssize)g->len, NULL));
    g_string_free(g, TRUE);
    g_free(text);
    return path;
}

/* The placements of the images in the PDF at path: each "q W 0 0 H X Y cm /ImN
 * Do Q" of its content streams, read from qpdf's uncompressed form of the file
 * (qdf), as boxes from the top of a page page_h pt high. Returns how many. */
static int image_placements(const char *path, double page_h, box *out, int max)
{
    char *qdf = g_strconcat(path, ".qdf", NULL);
    char *argv[] = {"qpdf", "--qdf", "--object-streams=disable", (char *)path, qdf, NULL};
    int status = -1;
    cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                           NULL, NULL, NULL, &status, NULL),
              "qpdf is missing (apt-get install qpdf)");
    char *text = NULL;
    size_t len = 0;
    cr_assert(g_file_get_contents(qdf, &text, &len, NULL), "qpdf --qdf wrote nothing");
    int n = 0;
    /* memmem: the file holds binary streams (fonts, pixels) */
    for (char *at = text; (at = memmem(at, len - (size_t)(at - text), " cm /Im", 7)); at++) {
        char *q = at;
        while (q > text && !(q[0] == 'q' && q[1] == ' ' && (q == text || q[-1] == '\n')))
            q--;
        double w, b, c, h, x, y;
        if (sscanf(q, "q %lf %lf %lf %lf %lf %lf cm", &w, &b, &c, &h, &x, &y) == 6 && n < max)
            out[n++] = (box){x, page_h - y - h, x + w, page_h - y};
    }
    g_free(text);
    unlink(qdf);
    g_free(qdf);
    return n;
}

/* Renders plan with the options' seal diameter (mm, 0: the plan's) and reads
 * back the two images: the wider one is the signature, the other the seal;
 * title is the signer's title line's text, found on the page the images are
 * on (poppler's image mapping; its boxes are whole points, the placements are
 * read exactly from the content). */
static placed render(const char *plan, double seal_mm, const char *title)
{
    pg_options eo = {.data_dir = PG_SOURCE_DIR,
                     .create_date = "2024-03-05T00:00:00Z",
                     .creator = "plangen test",
                     .today = "2030-01-01",
                     .seal_diameter = seal_mm};
    pg_engine *e = pg_engine_new(&eo);
    pg_result r;
    pg_run(e, plan, NULL, 0, PG_STAGE_LAYOUT, &r);
    if (!r.pages)
        pg_diag_print(&r.diags, stderr);
    cr_assert_not_null(r.pages, "%s does not lay out", plan);
    unsigned char *pdf = NULL;
    size_t len = 0;
    cr_assert(pg_result_pdf_memory(e, &r, &pdf, &len));
    pg_result_free(&r);
    pg_engine_free(e);
    pr_doc *d = pr_load(pdf, len);
    cr_assert_not_null(d);
    char *path = g_strconcat(plan, ".pdf", NULL);
    cr_assert(g_file_set_contents(path, (const char *)pdf, (gssize)len, NULL));
    placed p = {0};
    for (size_t i = 0; i < d->n && !p.found; i++) {
        PopplerPage *page = poppler_document_get_page(d->doc, (int)i);
        GList *maps = poppler_page_get_image_mapping(page);
        if (g_list_length(maps) == 2) {
            box b[4];
            cr_assert_eq(image_placements(path, d->pages[i].h, b, 4), 2,
                         "the PDF places other than two images");
            double r0 = (b[0].x1 - b[0].x0) / (b[0].y1 - b[0].y0);
            double r1 = (b[1].x1 - b[1].x0) / (b[1].y1 - b[1].y0);
            p.sig = b[r0 > r1 ? 0 : 1];
            p.seal = b[r0 > r1 ? 1 : 0];
            const pr_span *t = pr_find(&d->pages[i], title);
            cr_assert_not_null(t, "no line \"%s\" on the page of the images", title);
            p.title_mid = (t->x0 + t->x1) / 2;
            for (size_t k = 0; k < d->pages[i].n; k++) {
                const pr_span *sp = &d->pages[i].spans[k];
                if (sp->x0 < p.seal.x0 && sp->y1 > p.seal.y0 && sp->y0 < p.seal.y1)
                    p.text_right = fmax(p.text_right, sp->x1);
            }
            p.found = 1;
        }
        poppler_page_free_image_mapping(maps);
        g_object_unref(page);
    }
    unlink(path);
    g_free(path);
    pr_free(d);
    free(pdf);
    cr_assert(p.found, "%s: no page shows the signature image and the seal", plan);
    return p;
}

/* The checks: each returns NULL when it holds, else what is wrong (static). */
static char why[256];

static const char *centred(const placed *p)
{
    double mid = (p->sig.x0 + p->sig.x1) / 2;
    if (fabs(mid - p->title_mid) <= 1)
        return NULL;
    snprintf(why, sizeof why, "signature image centred at x=%.2f, the title at x=%.2f", mid,
             p->title_mid);
    return why;
}

static const char *diameter(const placed *p, double mm)
{
    double w = p->seal.x1 - p->seal.x0, h = p->seal.y1 - p->seal.y0;
    if (fabs(w - mm * MM) <= 0.5 && fabs(h - mm * MM) <= 0.5)
        return NULL;
    snprintf(why, sizeof why, "seal %.2f x %.2f pt, its real diameter %.2f pt", w, h, mm * MM);
    return why;
}

static const char *left_third(const placed *p)
{
    double w = p->sig.x1 - p->sig.x0;
    /* the part of the image's width the seal covers, from the image's left edge */
    double from = fmax(p->seal.x0, p->sig.x0), to = fmin(p->seal.x1, p->sig.x1);
    double share = to > from && from <= p->sig.x0 + 0.01 ? (to - from) / w : 0;
    double seal_mid = (p->seal.x0 + p->seal.x1) / 2, sig_mid = (p->sig.x0 + p->sig.x1) / 2;
    double vs = fmax(p->seal.y0, p->sig.y0), ve = fmin(p->seal.y1, p->sig.y1);
    if (share >= 0.25 && share <= 0.40 && seal_mid < sig_mid && ve > vs)
        return NULL;
    snprintf(why, sizeof why,
             "the seal covers %.0f %% of the signature image from its left edge (25-40 %%), "
             "its centre x=%.2f, the image's x=%.2f",
             share * 100, seal_mid, sig_mid);
    return why;
}

static const char *clear_of_text(const placed *p)
{
    if (p->text_right > 0 && p->text_right <= p->seal.x0)
        return NULL;
    snprintf(why, sizeof why, "the recipients reach x=%.2f, under the seal from x=%.2f",
             p->text_right, p->seal.x0);
    return why;
}

static void check_plan(const char *src, const char *title)
{
    char *dir = g_dir_make_tmp("pg-sigimg-XXXXXX", NULL);
    cr_assert_not_null(dir);
    write_pngs(dir);
    char *plan = plan_with(src, dir, "image=\"sig.png\" seal=\"seal.png\"");
    placed p = render(plan, 0, title);
    const char *w;
    cr_expect_null(w = centred(&p), "%s: %s", src, w);
    cr_expect_null(w = diameter(&p, 40), "%s: %s", src, w);
    cr_expect_null(w = left_third(&p), "%s: %s", src, w);
    cr_expect_null(w = clear_of_text(&p), "%s: %s", src, w);
    /* the seal is drawn at the size the plan gives */
    g_free(plan);
    plan = plan_with(src, dir, "image=\"sig.png\" seal=\"seal.png\" seal-diameter=\"3.6cm\"");
    p = render(plan, 0, title);
    cr_expect_null(w = diameter(&p, 36), "%s at 3.6cm: %s", src, w);
    cr_expect_null(w = left_third(&p), "%s at 3.6cm: %s", src, w);
    char *argv[] = {"rm", "-rf", dir, NULL};
    g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    g_free(plan);
    g_free(dir);
}

Test(sigimg, state_plan_places_signature_and_seal)
{
    check_plan(SO_KHCN, "PHÓ GIÁM ĐỐC");
}

Test(sigimg, party_plan_places_signature_and_seal)
{
    check_plan(TRA_VINH, "PHÓ BÍ THƯ");
}

/* Each check fails on what it must catch. */
Test(sigimg, checks_fail_when_broken)
{
    char *dir = g_dir_make_tmp("pg-sigimg-XXXXXX", NULL);
    cr_assert_not_null(dir);
    write_pngs(dir);
    char *plan = plan_with(SO_KHCN, dir, "image=\"sig.png\" seal=\"seal.png\"");
    placed good = render(plan, 0, "PHÓ GIÁM ĐỐC");
    cr_assert_null(centred(&good));
    cr_assert_null(left_third(&good));

    /* a seal 1 mm (2.8 pt) larger than the real one: --seal-diameter 41 */
    placed big = render(plan, 41, "PHÓ GIÁM ĐỐC");
    cr_expect_not_null(diameter(&big, 40), "a 41 mm seal passes as 40 mm");
    cr_expect_null(diameter(&big, 41));

    /* the signature image 1.5 pt off the title's middle */
    placed off = good;
    off.sig.x0 += 1.5;
    off.sig.x1 += 1.5;
    cr_expect_not_null(centred(&off), "an image 1.5 pt off centre passes");

    /* the seal over the middle of the image, then over a sixth of it only,
     * then clear of it below */
    double w = good.sig.x1 - good.sig.x0;
    placed mid = good;
    mid.seal.x0 += w / 3;
    mid.seal.x1 += w / 3;
    cr_expect_not_null(left_third(&mid), "a seal over the image's middle passes");
    placed sixth = good;
    sixth.seal.x0 -= w / 6;
    sixth.seal.x1 -= w / 6;
    cr_expect_not_null(left_third(&sixth), "a seal over a sixth of the image passes");
    placed below = good;
    below.seal.y0 += 300;
    below.seal.y1 += 300;
    cr_expect_not_null(left_third(&below), "a seal below the image passes");

    /* the seal 40 pt further left, over the recipients' line ends */
    placed over = good;
    over.seal.x0 -= 40;
    over.seal.x1 -= 40;
    cr_expect_not_null(clear_of_text(&over), "a seal over the recipients passes");

    char *argv[] = {"rm", "-rf", dir, NULL};
    g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    g_free(plan);
    g_free(dir);
}
