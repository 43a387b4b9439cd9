/* pdfread.c - see pdfread.h. */
#include "pdfread.h"

#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    gunichar c;
    PopplerRectangle r;
    const PopplerTextAttributes *a;
} ch;

static int is_space(gunichar c)
{
    return c == ' ' || c == '\t' || c == 0xA0;
}

static void finish_span(pr_page *pg, const ch *cs, size_t from, size_t to)
{
    /* drop spaces at both ends */
    while (from < to && is_space(cs[from].c))
        from++;
    while (to > from && is_space(cs[to - 1].c))
        to--;
    if (from >= to)
        return;
    pr_span s = {0};
    GString *t = g_string_new(NULL);
    s.x0 = s.y0 = 1e9;
    s.x1 = s.y1 = -1e9;
    s.all_bold = s.all_italic = s.uniform_size = s.all_black = 1;
    int first = 1;
    for (size_t i = from; i < to; i++) {
        g_string_append_unichar(t, cs[i].c);
        if (is_space(cs[i].c))
            continue;
        const PopplerRectangle *r = &cs[i].r;
        s.x0 = fmin(s.x0, r->x1);
        s.x1 = fmax(s.x1, r->x2);
        s.y0 = fmin(s.y0, r->y1);
        s.y1 = fmax(s.y1, r->y2);
        const PopplerTextAttributes *a = cs[i].a;
        const char *font = a && a->font_name ? a->font_name : "";
        double size = a ? a->font_size : 0;
        int bold = strstr(font, "Bold") != NULL;
        int italic = strstr(font, "Italic") != NULL || strstr(font, "Oblique") != NULL;
        if (first) {
            s.font = g_strdup(font);
            s.size = size;
            if (a)
                s.rgb = (unsigned)(a->color.red >> 8) << 16 | (unsigned)(a->color.green >> 8) << 8 |
                        (unsigned)(a->color.blue >> 8);
            first = 0;
        } else if (size < s.size * 0.8) {
            s.marks++; /* a note mark, set smaller */
            continue;
        } else if (fabs(size - s.size) > 0.01) {
            s.uniform_size = 0;
        }
        s.all_bold &= bold;
        s.any_bold |= bold;
        s.all_italic &= italic;
        s.any_italic |= italic;
        if (a && (a->color.red > 3000 || a->color.green > 3000 || a->color.blue > 3000))
            s.all_black = 0;
    }
    s.text = g_string_free(t, FALSE);
    pg->spans = g_realloc(pg->spans, (pg->n + 1) * sizeof *pg->spans);
    pg->spans[pg->n++] = s;
}

/* A note mark opening a line (the number of a footnote) is set small and raised,
 * so poppler puts it on a line of its own: join it to the text it opens. */
static void merge_marks(pr_page *pg)
{
    for (size_t i = 0; i < pg->n; i++) {
        pr_span *m = &pg->spans[i];
        if (m->size >= 10 || !m->text[0] || strspn(m->text, "0123456789") != strlen(m->text))
            continue;
        for (size_t j = 0; j < pg->n; j++) {
            pr_span *t = &pg->spans[j];
            if (j == i || t->size < m->size / 0.8 || t->x0 < m->x1 - 0.5 || t->x0 > m->x1 + 12 ||
                t->y0 > m->y1 || t->y1 < m->y0)
                continue;
            char *text = g_strdup_printf("%s %s", m->text, t->text);
            g_free(t->text);
            t->text = text;
            t->x0 = m->x0;
            t->marks++;
            g_free(m->text);
            g_free(m->font);
            memmove(m, m + 1, (pg->n - i - 1) * sizeof *m);
            pg->n--;
            i--;
            break;
        }
    }
}

static void read_page(PopplerPage *page, pr_page *pg)
{
    poppler_page_get_size(page, &pg->w, &pg->h);
    char *text = poppler_page_get_text(page);
    PopplerRectangle *rects = NULL;
    guint nrects = 0;
    poppler_page_get_text_layout(page, &rects, &nrects);
    GList *attrs = poppler_page_get_text_attributes(page);
    glong nchars = g_utf8_strlen(text, -1);
    size_t n = (size_t)nchars < nrects ? (size_t)nchars : nrects;
    ch *cs = g_new0(ch, n + 1);
    const char *p = text;
    for (size_t i = 0; i < n; i++, p = g_utf8_next_char(p)) {
        cs[i].c = g_utf8_get_char(p);
        cs[i].r = rects[i];
    }
    for (GList *l = attrs; l; l = l->next) {
        const PopplerTextAttributes *a = l->data;
        for (int i = a->start_index; i <= a->end_index && i < (int)n; i++)
            if (i >= 0)
                cs[i].a = a;
    }
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (cs[i].c == '\n') {
            finish_span(pg, cs, start, i);
            start = i + 1;
            continue;
        }
        if (i > start && !is_space(cs[i].c)) {
            /* the previous non-space character on this line */
            size_t j = i;
            while (j > start && is_space(cs[j - 1].c))
                j--;
            if (j > start) {
                const ch *prev = &cs[j - 1];
                double gap = cs[i].r.x1 - prev->r.x2;
                double size_prev = prev->a ? prev->a->font_size : 0;
                double size_cur = cs[i].a ? cs[i].a->font_size : 0;
                /* a raised note mark (smaller) stays on its line */
                int vshift = fabs(cs[i].r.y2 - prev->r.y2) > 3 && fabs(size_prev - size_cur) < 0.01;
                if (gap > 20 || gap < -1 || vshift || (gap > 6 && fabs(size_prev - size_cur) > 0.01)) {
                    finish_span(pg, cs, start, j);
                    start = j;
                }
            }
        }
    }
    finish_span(pg, cs, start, n);
    merge_marks(pg);
    g_free(cs);
    poppler_page_free_text_attributes(attrs);
    g_free(rects);
    g_free(text);
}

pr_doc *pr_load(const unsigned char *pdf, size_t len)
{
    pr_doc *d = g_new0(pr_doc, 1);
    d->bytes = g_bytes_new(pdf, len);
    GError *err = NULL;
    d->doc = poppler_document_new_from_bytes(d->bytes, NULL, &err);
    if (!d->doc) {
        g_clear_error(&err);
        g_bytes_unref(d->bytes);
        g_free(d);
        return NULL;
    }
    d->n = (size_t)poppler_document_get_n_pages(d->doc);
    d->pages = g_new0(pr_page, d->n);
    for (size_t i = 0; i < d->n; i++) {
        PopplerPage *page = poppler_document_get_page(d->doc, (int)i);
        read_page(page, &d->pages[i]);
        g_object_unref(page);
    }
    return d;
}

void pr_free(pr_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        for (size_t k = 0; k < d->pages[i].n; k++) {
            g_free(d->pages[i].spans[k].text);
            g_free(d->pages[i].spans[k].font);
        }
        g_free(d->pages[i].spans);
    }
    g_free(d->pages);
    g_object_unref(d->doc);
    g_bytes_unref(d->bytes);
    g_free(d);
}

const pr_span *pr_find(const pr_page *p, const char *s)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->spans[i].text, s) == 0)
            return &p->spans[i];
    return NULL;
}

const pr_span *pr_find_prefix(const pr_page *p, const char *prefix)
{
    for (size_t i = 0; i < p->n; i++)
        if (strncmp(p->spans[i].text, prefix, strlen(prefix)) == 0)
            return &p->spans[i];
    return NULL;
}

pr_image *pr_render(pr_doc *d, int page_no, double scale)
{
    PopplerPage *page = poppler_document_get_page(d->doc, page_no);
    double w, h;
    poppler_page_get_size(page, &w, &h);
    int pw = (int)ceil(w * scale), ph = (int)ceil(h * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    pr_image *im = g_new0(pr_image, 1);
    im->w = pw;
    im->h = ph;
    im->scale = scale;
    im->grey = g_malloc((size_t)pw * (size_t)ph);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < ph; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < pw; x++) {
            uint32_t v = row[x];
            unsigned r = (v >> 16) & 0xFF, g = (v >> 8) & 0xFF, b = v & 0xFF;
            im->grey[(size_t)y * (size_t)pw + (size_t)x] = (unsigned char)((r + g + b) / 3);
        }
    }
    cairo_surface_destroy(s);
    g_object_unref(page);
    return im;
}

void pr_image_free(pr_image *im)
{
    if (im) {
        g_free(im->grey);
        g_free(im);
    }
}

static int clampi(double v, int max)
{
    int i = (int)floor(v);
    return i < 0 ? 0 : i >= max ? max - 1 : i;
}

static int dark(const pr_image *im, int x, int y)
{
    return im->grey[(size_t)y * (size_t)im->w + (size_t)x] < 128;
}

double pr_hrun(const pr_image *im, double xa, double xb, double ya, double yb, double *x0,
               double *x1, double *yout)
{
    int X0 = clampi(xa * im->scale, im->w), X1 = clampi(xb * im->scale, im->w);
    int Y0 = clampi(ya * im->scale, im->h), Y1 = clampi(yb * im->scale, im->h);
    int best = 0, bx0 = 0, bx1 = 0, by = 0;
    for (int y = Y0; y <= Y1; y++) {
        int run = 0;
        for (int x = X0; x <= X1; x++) {
            if (dark(im, x, y)) {
                run++;
                if (run > best) {
                    best = run;
                    bx1 = x;
                    bx0 = x - run + 1;
                    by = y;
                }
            } else {
                run = 0;
            }
        }
    }
    if (x0)
        *x0 = bx0 / im->scale;
    if (x1)
        *x1 = (bx1 + 1) / im->scale;
    if (yout)
        *yout = (by + 0.5) / im->scale;
    return best / im->scale;
}

int pr_vextent(const pr_image *im, double xa, double xb, double ya, double yb, double *top,
               double *bottom)
{
    int X0 = clampi(xa * im->scale, im->w), X1 = clampi(xb * im->scale, im->w);
    int Y0 = clampi(ya * im->scale, im->h), Y1 = clampi(yb * im->scale, im->h);
    int t = -1, b = -1;
    for (int y = Y0; y <= Y1; y++)
        for (int x = X0; x <= X1; x++)
            if (dark(im, x, y)) {
                if (t < 0)
                    t = y;
                b = y;
                break;
            }
    if (t < 0)
        return 0;
    *top = t / im->scale;
    *bottom = (b + 1) / im->scale;
    return 1;
}

long pr_dark_count(const pr_image *im, double xa, double xb, double ya, double yb)
{
    int X0 = clampi(xa * im->scale, im->w), X1 = clampi(xb * im->scale, im->w);
    int Y0 = clampi(ya * im->scale, im->h), Y1 = clampi(yb * im->scale, im->h);
    long n = 0;
    for (int y = Y0; y <= Y1; y++)
        for (int x = X0; x <= X1; x++)
            n += dark(im, x, y);
    return n;
}

static int row_dark(const pr_image *im, int X0, int X1, int y)
{
    for (int x = X0; x <= X1; x++)
        if (dark(im, x, y))
            return 1;
    return 0;
}

int pr_vrun(const pr_image *im, double xa, double xb, double y_mid, double max_gap, double *top,
            double *bottom)
{
    int X0 = clampi(xa * im->scale, im->w), X1 = clampi(xb * im->scale, im->w);
    int ym = clampi(y_mid * im->scale, im->h);
    int gap = (int)(max_gap * im->scale);
    int start = -1;
    for (int d = 0; d <= gap && start < 0; d++) {
        if (ym + d < im->h && row_dark(im, X0, X1, ym + d))
            start = ym + d;
        else if (ym - d >= 0 && row_dark(im, X0, X1, ym - d))
            start = ym - d;
    }
    if (start < 0)
        return 0;
    int t = start, b = start;
    for (int y = start, miss = 0; y >= 0 && miss <= gap; y--) {
        if (row_dark(im, X0, X1, y)) {
            t = y;
            miss = 0;
        } else {
            miss++;
        }
    }
    for (int y = start, miss = 0; y < im->h && miss <= gap; y++) {
        if (row_dark(im, X0, X1, y)) {
            b = y;
            miss = 0;
        } else {
            miss++;
        }
    }
    *top = t / im->scale;
    *bottom = (b + 1) / im->scale;
    return 1;
}
