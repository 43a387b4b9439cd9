/* rules.c - see rules.h. Tolerances are those of standards.md §7: sizes ±0.5 pt,
 * positions ±2 pt unless a rule says otherwise. */
#include "rules.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define M_LEFT 85.04
#define M_RIGHT 42.52
#define M_TOP 56.69
#define M_BOTTOM 56.69
#define RIGHT_EDGE (PAGE_W - M_RIGHT)
#define CX (M_LEFT + (PAGE_W - M_LEFT - M_RIGHT) / 2)
#define INDENT 28.35

#define FAIL(...) return g_strdup_printf(__VA_ARGS__)

static double centre(const pr_span *s)
{
    return (s->x0 + s->x1) / 2;
}

static int upper(const char *s)
{
    char *u = g_utf8_strup(s, -1);
    int same = strcmp(u, s) == 0;
    g_free(u);
    return same;
}

static int matches(const char *re, const char *s)
{
    return g_regex_match_simple(re, s, 0, 0);
}

static int is_page_number(const pr_span *s)
{
    return s->y1 <= M_TOP + 0.5 && matches("^[0-9]+$", s->text);
}

/* ---- zones: the title block on page 1, the closing block, the body between ---- */

static const pr_span *separator(const pr_doc *d)
{
    return d->n ? pr_find(&d->pages[0], "-----") : NULL;
}

/* Page and span of "Nơi nhận:". */
static const pr_span *closing(const pr_doc *d, size_t *page)
{
    for (size_t p = 0; p < d->n; p++) {
        const pr_span *s = pr_find(&d->pages[p], "Nơi nhận:");
        if (s) {
            *page = p;
            return s;
        }
    }
    return NULL;
}

/* Top of the footnotes at a page's foot: the first span from which every span
 * down to the page's foot is small (12 pt or less) and which opens with a note
 * number; the page height when there are none. */
static double foot_top(const pr_page *pg)
{
    double top = pg->h;
    for (size_t i = 0; i < pg->n; i++) {
        const pr_span *s = &pg->spans[i];
        if (s->size > 12.5 || !g_ascii_isdigit(s->text[0]) || is_page_number(s))
            continue;
        int below_small = 1;
        for (size_t k = 0; k < pg->n && below_small; k++)
            if (pg->spans[k].y0 > s->y0 && pg->spans[k].size > 12.5)
                below_small = 0;
        if (below_small && s->y0 < top)
            top = s->y0;
    }
    return top;
}

/* A printed link (a QR code's caption): not body text. */
static int is_link(const pr_span *s)
{
    return matches("^https?://[^ ]+$", s->text);
}

/* Bottom of the title block on page 1: the "-----" (Party), else the last bold
 * centred line under "KẾ HOẠCH" (the summary, State). */
static double title_end(const pr_doc *d)
{
    const pr_span *sep = separator(d);
    if (sep)
        return sep->y1;
    const pr_page *p = &d->pages[0];
    const pr_span *k = pr_find(p, "KẾ HOẠCH");
    if (!k)
        return p->h;
    double end = k->y1;
    for (size_t i = 0; i < p->n; i++) {
        const pr_span *s = &p->spans[i];
        if (s->y0 > k->y0 && s->all_bold && fabs(centre(s) - CX) < 3 && s->y0 < end + 10)
            end = s->y1;
    }
    return end;
}

static int in_body(const pr_doc *d, size_t p, const pr_span *s)
{
    if (is_page_number(s) || is_link(s))
        return 0;
    if (s->y0 >= foot_top(&d->pages[p]) - 0.5)
        return 0;
    if (p == 0 && s->y0 < title_end(d))
        return 0;
    size_t cp = (size_t)-1;
    const pr_span *c = closing(d, &cp);
    if (c && (p > cp || (p == cp && s->y1 > c->y0)))
        return 0;
    return 1;
}

/* ---- page and font ---------------------------------------------------------- */

static char *r1(pr_doc *d)
{
    if (d->n == 0)
        FAIL("no pages");
    for (size_t p = 0; p < d->n; p++)
        if (fabs(d->pages[p].w - PAGE_W) > 1 || fabs(d->pages[p].h - PAGE_H) > 1)
            FAIL("page %zu is %.1f x %.1f pt, not A4 portrait", p + 1, d->pages[p].w,
                 d->pages[p].h);
    return NULL;
}

static char *r2(pr_doc *d)
{
    for (size_t p = 0; p < d->n; p++)
        for (size_t i = 0; i < d->pages[p].n; i++) {
            const pr_span *s = &d->pages[p].spans[i];
            if (!s->font || !g_regex_match_simple("Times|LiberationSerif|Termes", s->font,
                                                  G_REGEX_CASELESS, 0))
                FAIL("page %zu: \"%s\" is set in %s", p + 1, s->text, s->font ? s->font : "?");
        }
    return NULL;
}

/* The urgency marks, which NĐ 30 §III.2b prints in bright red: the one exception to R3. */
static int is_urgency_mark(const char *text)
{
    return strcmp(text, "KHẨN") == 0 || strcmp(text, "THƯỢNG KHẨN") == 0 ||
           strcmp(text, "HỎA TỐC") == 0;
}

static char *r3(pr_doc *d)
{
    for (size_t p = 0; p < d->n; p++)
        for (size_t i = 0; i < d->pages[p].n; i++)
            if (!d->pages[p].spans[i].all_black && !is_urgency_mark(d->pages[p].spans[i].text))
                FAIL("page %zu: \"%s\" is not black", p + 1, d->pages[p].spans[i].text);
    return NULL;
}

static char *r6(pr_doc *d)
{
    for (size_t p = 0; p < d->n; p++)
        for (size_t i = 0; i < d->pages[p].n; i++) {
            const pr_span *s = &d->pages[p].spans[i];
            if (is_page_number(s))
                continue;
            if (s->x0 < M_LEFT - 1 || s->x1 > RIGHT_EDGE + 1 || s->y0 < M_TOP - 1 ||
                s->y1 > PAGE_H - M_BOTTOM + 1)
                FAIL("page %zu: \"%s\" at [%.1f %.1f %.1f %.1f] is outside the text area",
                     p + 1, s->text, s->x0, s->y0, s->x1, s->y1);
        }
    return NULL;
}

/* Body lines in order on page p; returns how many. */
static size_t body_lines(pr_doc *d, size_t p, const pr_span **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < d->pages[p].n && n < cap; i++) {
        const pr_span *s = &d->pages[p].spans[i];
        if (in_body(d, p, s))
            out[n++] = s;
    }
    /* poppler gives reading order; make it top to bottom */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && out[j - 1]->y0 > out[j]->y0 + 0.5; j--) {
            const pr_span *t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

static int at(double v, double want, double tol)
{
    return fabs(v - want) <= tol;
}

/* Body lines of page 1 (those below the title block). */
static size_t body_lines_after(pr_doc *d, const pr_span **out, size_t cap, const pr_span *k)
{
    (void)k;
    return body_lines(d, 0, out, cap);
}

/* A numbered heading line ("I- ...", "2.1. ...") set bold: not body text. */
static int is_heading_line(const pr_span *s)
{
    return s->any_bold && matches("^([IVX]+|[0-9]+(\\.[0-9]+)*)[-.] ", s->text);
}

/* A line that continues a paragraph starts at the left margin. */
static int continuation(const pr_span *s)
{
    return at(s->x0, M_LEFT, 1.0);
}

static char *r7(pr_doc *d)
{
    int checked = 0;
    const pr_span *l[512];
    for (size_t p = 0; p < d->n; p++) {
        size_t n = body_lines(d, p, l, 512);
        for (size_t i = 0; i + 1 < n; i++) {
            double dy = l[i + 1]->y1 - l[i]->y1;
            if (!continuation(l[i + 1]) || dy > l[i]->size * 1.6)
                continue;
            if (!strchr(l[i]->text, ' '))
                continue; /* one word broken by force (a link): nothing to justify */
            checked++;
            if (!at(l[i]->x1, RIGHT_EDGE, 1.5))
                FAIL("page %zu: \"%s\" ends at x=%.1f, not at the right margin %.1f", p + 1,
                     l[i]->text, l[i]->x1, RIGHT_EDGE);
        }
        /* lines that carry on onto the next page */
        if (n && p + 1 < d->n) {
            const pr_span *nl[512];
            size_t m = body_lines(d, p + 1, nl, 512);
            if (m && continuation(nl[0])) {
                checked++;
                if (!at(l[n - 1]->x1, RIGHT_EDGE, 1.5))
                    FAIL("page %zu: last line \"%s\" ends at x=%.1f, not at the margin", p + 1,
                         l[n - 1]->text, l[n - 1]->x1);
            }
        }
    }
    if (checked < 10)
        FAIL("only %d justified lines found", checked);
    return NULL;
}

/* ---- header (HD 36) -------------------------------------------------------------- */

static const pr_span *title_span(pr_doc *d)
{
    return d->n ? pr_find(&d->pages[0], "ĐẢNG CỘNG SẢN VIỆT NAM") : NULL;
}

static char *r15(pr_doc *d)
{
    const pr_span *t = title_span(d);
    if (!t)
        FAIL("no \"ĐẢNG CỘNG SẢN VIỆT NAM\" on page 1");
    if (!t->all_bold || !at(t->size, 15, 0.5))
        FAIL("the Party title is %.1f pt%s, not 15 pt bold", t->size, t->all_bold ? "" : " regular");
    if (centre(t) <= CX)
        FAIL("the Party title's centre %.1f is not right of the text centre %.1f", centre(t), CX);
    const pr_page *p = &d->pages[0];
    for (size_t i = 0; i < p->n; i++) {
        if (p->spans[i].y0 < t->y0 - 2)
            FAIL("\"%s\" stands above the Party title", p->spans[i].text);
        if (strstr(p->spans[i].text, "CỘNG HÒA XÃ HỘI") || strstr(p->spans[i].text, "Độc lập - Tự do"))
            FAIL("state header text on a Party document: \"%s\"", p->spans[i].text);
    }
    return NULL;
}

static const pr_span *date_span(pr_doc *d)
{
    const pr_page *p = &d->pages[0];
    for (size_t i = 0; i < p->n; i++)
        if (matches("^[^,]+, ngày [0-9]", p->spans[i].text))
            return &p->spans[i];
    return NULL;
}

static char *r16(pr_doc *d)
{
    const pr_span *t = title_span(d), *dt = date_span(d);
    if (!t || !dt)
        FAIL("no Party title or date line");
    pr_image *im = pr_render(d, 0, 4);
    double x0, x1, y;
    double len = pr_hrun(im, t->x0 - 20, t->x1 + 20, t->y1 - 1.0, dt->y0 + 1.0, &x0, &x1, &y);
    pr_image_free(im);
    if (len < 20)
        FAIL("no rule under the Party title");
    if (!at(x0, t->x0, 3) || !at(x1, t->x1, 3))
        FAIL("the rule runs %.1f..%.1f, the title %.1f..%.1f", x0, x1, t->x0, t->x1);
    return NULL;
}

/* The issuing body's lines: bold uppercase lines left of the centre on page 1. */
static size_t issuer_lines(pr_doc *d, const pr_span **out, size_t cap)
{
    size_t n = 0;
    const pr_page *p = &d->pages[0];
    const pr_span *sep = separator(d);
    for (size_t i = 0; i < p->n && n < cap; i++) {
        const pr_span *s = &p->spans[i];
        if (sep && s->y0 > sep->y0)
            break;
        const pr_span *k = pr_find(p, "KẾ HOẠCH");
        if (k && s->y0 >= k->y0)
            continue;
        if (centre(s) < CX - 20 && s->all_bold && upper(s->text) && s->size < 15.5)
            out[n++] = s;
    }
    return n;
}

static char *r17(pr_doc *d)
{
    const pr_span *iss[8];
    size_t n = issuer_lines(d, iss, 8);
    if (n == 0)
        FAIL("no bold upper-case issuing body left of the centre on page 1");
    for (size_t i = 0; i < n; i++)
        if (!at(iss[i]->size, 14, 0.5))
            FAIL("issuing body line \"%s\" is %.1f pt, not 14", iss[i]->text, iss[i]->size);
    /* the parent body directly above: regular, upper case, 14, same centre */
    const pr_page *p = &d->pages[0];
    for (size_t i = 0; i < p->n; i++) {
        const pr_span *s = &p->spans[i];
        if (s->y1 <= iss[0]->y0 + 1 && s->y1 > iss[0]->y0 - 20 && centre(s) < CX) {
            if (s->any_bold || !upper(s->text) || !at(s->size, 14, 0.5))
                FAIL("parent body \"%s\" must be regular upper case 14 pt", s->text);
            if (!at(centre(s), centre(iss[0]), 2))
                FAIL("parent body centred at %.1f, issuing body at %.1f", centre(s),
                     centre(iss[0]));
        }
    }
    return NULL;
}

static const pr_span *below(const pr_page *p, const pr_span *s)
{
    const pr_span *best = NULL;
    for (size_t i = 0; i < p->n; i++) {
        const pr_span *c = &p->spans[i];
        if (c->y0 >= s->y1 - 1 && fabs(centre(c) - centre(s)) < 60 &&
            (!best || c->y0 < best->y0))
            best = c;
    }
    return best;
}

static char *r18(pr_doc *d)
{
    const pr_span *iss[8];
    size_t n = issuer_lines(d, iss, 8);
    if (!n)
        FAIL("no issuing body");
    const pr_span *last = iss[n - 1];
    const pr_span *star = below(&d->pages[0], last);
    if (!star || strcmp(star->text, "*") != 0)
        FAIL("the line under the issuing body is \"%s\", not \"*\"", star ? star->text : "");
    if (!at(centre(star), centre(last), 3))
        FAIL("the star is centred at %.1f, the issuing body at %.1f", centre(star), centre(last));
    pr_image *im = pr_render(d, 0, 4);
    double len = pr_hrun(im, last->x0, last->x1, last->y1 + 0.5, star->y0 + 2, NULL, NULL, NULL);
    pr_image_free(im);
    if (len > 10)
        FAIL("a rule of %.1f pt lies under the issuing body", len);
    return NULL;
}

static char *r19(pr_doc *d)
{
    const pr_page *p = &d->pages[0];
    const pr_span *star = pr_find(p, "*");
    if (!star)
        FAIL("no star");
    const pr_span *num = below(p, star);
    if (!num || !matches("^Số ([0-9]{2,}|\\s+)-KH/[A-ZĐ][A-Za-zĐđ0-9]*(-[A-ZĐ][A-Za-zĐđ0-9]*)*$",
                         num->text))
        FAIL("the number line is \"%s\"", num ? num->text : "");
    if (!at(num->size, 14, 0.5) || num->any_bold || num->any_italic)
        FAIL("the number line is not 14 pt regular");
    if (!at(centre(num), centre(star), 3))
        FAIL("the number line is centred at %.1f, the star at %.1f", centre(num), centre(star));
    return NULL;
}

static char *r20(pr_doc *d)
{
    const pr_span *dt = date_span(d), *t = title_span(d);
    if (!dt)
        FAIL("no date line on page 1");
    if (!matches("^[^,]+, ngày (0[1-9]|[12][0-9]|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm [0-9]{4}$",
                 dt->text))
        FAIL("date line \"%s\" is not of the form \"Place, ngày DD tháng M năm YYYY\"", dt->text);
    if (!dt->all_italic || !at(dt->size, 14, 0.5))
        FAIL("the date line is not 14 pt italic");
    if (!t || dt->y0 < t->y1)
        FAIL("the date line is not below the Party title");
    if (centre(dt) <= CX)
        FAIL("the date line's centre %.1f is left of %.1f", centre(dt), CX);
    return NULL;
}

/* ---- title block --------------------------------------------------------------------- */

static char *r22(pr_doc *d)
{
    const pr_span *k = pr_find(&d->pages[0], "KẾ HOẠCH");
    if (!k)
        FAIL("no \"KẾ HOẠCH\" on page 1");
    if (!k->all_bold || k->size < 15 - 0.5 || k->size > 16 + 0.5)
        FAIL("\"KẾ HOẠCH\" is %.1f pt%s, not 15-16 pt bold", k->size, k->all_bold ? "" : " regular");
    if (!at(centre(k), CX, 3))
        FAIL("\"KẾ HOẠCH\" is centred at %.1f, not %.1f", centre(k), CX);
    const pr_span *dt = date_span(d), *num = pr_find_prefix(&d->pages[0], "Số ");
    if ((dt && k->y0 <= dt->y1) || (num && k->y0 <= num->y1))
        FAIL("\"KẾ HOẠCH\" is not below the date and number lines");
    return NULL;
}

static char *r24(pr_doc *d)
{
    const pr_page *p = &d->pages[0];
    const pr_span *k = pr_find(p, "KẾ HOẠCH"), *sep = separator(d);
    if (!k || !sep)
        FAIL("no \"KẾ HOẠCH\" or no \"-----\" under the summary");
    int lines = 0, first = 1;
    for (size_t i = 0; i < p->n; i++) {
        const pr_span *s = &p->spans[i];
        if (s->y0 <= k->y0 || s->y0 >= sep->y0)
            continue;
        lines++;
        if (!s->all_bold || s->size < 13.5 || s->size > 15.5)
            FAIL("summary line \"%s\" is not 14-15 pt bold", s->text);
        if (!at(centre(s), CX, 3))
            FAIL("summary line \"%s\" is centred at %.1f", s->text, centre(s));
        if (first) {
            gunichar c = g_utf8_get_char(s->text);
            if (!g_unichar_islower(c))
                FAIL("the summary starts with \"%.8s\", not a lower-case letter", s->text);
            first = 0;
        }
    }
    if (!lines)
        FAIL("no summary between \"KẾ HOẠCH\" and \"-----\"");
    if (!at(centre(sep), CX, 3))
        FAIL("\"-----\" is centred at %.1f", centre(sep));
    const pr_span *l[512];
    size_t n = body_lines(d, 0, l, 512);
    if (!n)
        FAIL("no body on page 1");
    pr_image *im = pr_render(d, 0, 4);
    long dark = pr_dark_count(im, M_LEFT, RIGHT_EDGE, sep->y1 + 0.5, l[0]->y0 - 0.5);
    pr_image_free(im);
    if (dark)
        FAIL("something is drawn between \"-----\" and the body (%ld dark pixels)", dark);
    return NULL;
}

/* ---- body ------------------------------------------------------------------------------ */

static char *r26(pr_doc *d)
{
    int regular = 0, total = 0;
    const pr_span *l[512];
    for (size_t p = 0; p < d->n; p++) {
        size_t n = body_lines(d, p, l, 512);
        for (size_t i = 0; i < n; i++) {
            if (!l[i]->uniform_size || l[i]->size < 13.5 || l[i]->size > 15.5)
                FAIL("page %zu: body line \"%s\" is %.1f pt", p + 1, l[i]->text, l[i]->size);
            if (is_heading_line(l[i]))
                continue;
            total++;
            regular += !l[i]->any_bold && !l[i]->any_italic;
        }
    }
    if (total == 0 || regular * 10 < total * 7)
        FAIL("only %d of %d body lines are regular upright", regular, total);
    return NULL;
}

static char *r28(pr_doc *d)
{
    int firsts = 0;
    const pr_span *l[512];
    for (size_t p = 0; p < d->n; p++) {
        size_t n = body_lines(d, p, l, 512);
        for (size_t i = 0; i < n; i++) {
            if (continuation(l[i]))
                continue;
            firsts++;
            if (!at(l[i]->x0, M_LEFT + INDENT, 3))
                FAIL("page %zu: \"%s\" starts at x=%.1f, not at L + 10 mm = %.1f", p + 1,
                     l[i]->text, l[i]->x0, M_LEFT + INDENT);
        }
    }
    if (firsts < 5)
        FAIL("only %d paragraph first lines found", firsts);
    return NULL;
}

/* Baseline differences: within paragraphs (continuations) and between them. */
static char *pitch_rule(pr_doc *d, int between)
{
    int seen = 0;
    double pitch = 1e9;
    const pr_span *l[512];
    for (size_t p = 0; p < d->n; p++) {
        size_t n = body_lines(d, p, l, 512);
        for (size_t i = 0; i + 1 < n; i++)
            if (continuation(l[i + 1]))
                pitch = fmin(pitch, l[i + 1]->y1 - l[i]->y1);
    }
    for (size_t p = 0; p < d->n; p++) {
        size_t n = body_lines(d, p, l, 512);
        for (size_t i = 0; i + 1 < n; i++) {
            double dy = l[i + 1]->y1 - l[i]->y1;
            if (!between && continuation(l[i + 1])) {
                seen++;
                if (dy < 18 - 0.3)
                    FAIL("page %zu: line pitch %.2f pt before \"%s\"", p + 1, dy, l[i + 1]->text);
            } else if (between && !continuation(l[i + 1])) {
                seen++;
                if (dy < pitch + 6 - 0.5)
                    FAIL("page %zu: %.2f pt between paragraphs before \"%s\" (pitch %.2f + 6)",
                         p + 1, dy, l[i + 1]->text, pitch);
            }
        }
    }
    if (seen < 5)
        FAIL("only %d line pairs found", seen);
    return NULL;
}

static char *r29(pr_doc *d)
{
    return pitch_rule(d, 1);
}

static char *r31(pr_doc *d)
{
    return pitch_rule(d, 0);
}

static char *r33(pr_doc *d)
{
    int found = 0;
    for (size_t p = 0; p < d->n; p++)
        for (size_t i = 0; i < d->pages[p].n; i++) {
            const pr_span *s = &d->pages[p].spans[i];
            if (!matches("^(I|II|III|IV|V|VI|VII|VIII|IX|X)[-.] ", s->text))
                continue;
            found++;
            if (!upper(s->text) || !s->all_bold)
                FAIL("heading \"%s\" is not upper case and bold", s->text);
        }
    if (found < 2)
        FAIL("only %d top-level headings (\"I- ...\") found", found);
    return NULL;
}

/* ---- signature and recipients --------------------------------------------------------- */

/* The signature lines: right of the centre, at or below "Nơi nhận:". */
static size_t signature(pr_doc *d, const pr_span **out, size_t cap)
{
    size_t cp;
    const pr_span *c = closing(d, &cp);
    size_t n = 0;
    if (!c)
        return 0;
    const pr_page *p = &d->pages[cp];
    for (size_t i = 0; i < p->n && n < cap; i++)
        if (p->spans[i].y0 >= c->y0 - 3 && p->spans[i].x0 > CX - 20)
            out[n++] = &p->spans[i];
    return n;
}

static char *r35(pr_doc *d)
{
    const pr_span *s[8];
    size_t n = signature(d, s, 8);
    if (n < 3)
        FAIL("the signature block has %zu lines", n);
    if (!matches("^(T/M|K/T|T/L|Q\\.) ", s[0]->text) || !upper(s[0]->text))
        FAIL("the signature starts \"%s\", not T/M, K/T, T/L or Q. and an upper-case name",
             s[0]->text);
    if (!s[0]->all_bold || !at(s[0]->size, 14, 0.5))
        FAIL("\"%s\" is not 14 pt bold", s[0]->text);
    if (!upper(s[1]->text) || s[1]->any_bold || !at(s[1]->size, 14, 0.5))
        FAIL("the title line \"%s\" is not 14 pt regular upper case", s[1]->text);
    for (size_t p = 0; p < d->n; p++)
        for (size_t i = 0; i < d->pages[p].n; i++)
            if (matches("(^| )(TM|KT|TL)\\. ", d->pages[p].spans[i].text))
                FAIL("a state authority form in \"%s\"", d->pages[p].spans[i].text);
    return NULL;
}

static char *r36(pr_doc *d)
{
    const pr_span *s[8];
    size_t n = signature(d, s, 8);
    if (n < 3)
        FAIL("the signature block has %zu lines", n);
    const pr_span *name = s[n - 1], *title = s[n - 2];
    if (!name->all_bold || upper(name->text))
        FAIL("the name \"%s\" is not bold in ordinary case", name->text);
    if (!at(name->size, title->size, 0.5))
        FAIL("the name is %.1f pt, the title %.1f pt", name->size, title->size);
    if (!at(centre(name), centre(s[0]), 3))
        FAIL("the name is centred at %.1f, the title block at %.1f", centre(name), centre(s[0]));
    if (name->y0 - title->y1 < 40)
        FAIL("only %.1f pt for the signature and seal", name->y0 - title->y1);
    return NULL;
}

static char *r39(pr_doc *d)
{
    size_t cp;
    const pr_span *c = closing(d, &cp);
    if (!c)
        FAIL("no \"Nơi nhận:\"");
    if (!at(c->size, 14, 0.5) || c->any_bold || c->any_italic)
        FAIL("\"Nơi nhận:\" is not 14 pt regular");
    if (!at(c->x0, M_LEFT, 1))
        FAIL("\"Nơi nhận:\" starts at %.1f", c->x0);
    pr_image *im = pr_render(d, (int)cp, 4);
    double x0, x1;
    double len = pr_hrun(im, c->x0 - 3, c->x1 + 3, c->y1 - 4.5, c->y1 + 2, &x0, &x1, NULL);
    pr_image_free(im);
    if (len < (c->x1 - c->x0) - 2 || !at(x0, c->x0, 2) || !at(x1, c->x1, 2))
        FAIL("\"Nơi nhận:\" is not underlined over its width (%.1f..%.1f for %.1f..%.1f)", x0, x1,
             c->x0, c->x1);
    return NULL;
}

/* Recipient items, continuation lines joined; returns how many (heap strings). */
static size_t items(pr_doc *d, char **out, size_t cap, const pr_span **first)
{
    size_t cp, n = 0;
    const pr_span *c = closing(d, &cp);
    if (!c)
        return 0;
    const pr_page *p = &d->pages[cp];
    for (size_t i = 0; i < p->n; i++) {
        const pr_span *s = &p->spans[i];
        /* an item's further lines hang after its "- " */
        if (s->y0 <= c->y0 || s->x0 > CX - 20 || s->x0 < M_LEFT - 1 || s->x0 > M_LEFT + 12)
            continue;
        if (at(s->x0, M_LEFT, 1) && g_str_has_prefix(s->text, "- ") && n < cap) {
            if (first)
                first[n] = s;
            out[n++] = g_strdup(s->text);
        } else if (n) {
            char *j = g_strdup_printf("%s %s", out[n - 1], s->text);
            g_free(out[n - 1]);
            out[n - 1] = j;
        }
    }
    return n;
}

/* The recipient lines: at least two, each size pt regular, all but the last ending
 * with sep, the last matching last_re (described by last_hint). */
static char *recipient_lines(pr_doc *d, double size, const char *sep, const char *last_re,
                             const char *last_hint)
{
    char *it[64];
    const pr_span *first[64];
    size_t n = items(d, it, 64, first);
    char *err = NULL;
    if (n < 2)
        err = g_strdup_printf("only %zu recipients", n);
    for (size_t i = 0; i < n && !err; i++) {
        if (!at(first[i]->size, size, 0.5) || first[i]->any_bold || first[i]->any_italic)
            err = g_strdup_printf("\"%s\" is not %g pt regular", it[i], size);
        else if (i + 1 < n && !g_str_has_suffix(it[i], sep))
            err = g_strdup_printf("\"%s\" does not end with \"%s\"", it[i], sep);
        else if (i + 1 == n && !matches(last_re, it[i]))
            err = g_strdup_printf("the last line \"%s\" is not \"%s\"", it[i], last_hint);
    }
    for (size_t i = 0; i < n; i++)
        g_free(it[i]);
    return err;
}

static char *r40(pr_doc *d)
{
    return recipient_lines(d, 12, ",", "^- Lưu [^:].*\\.$", "- Lưu ....");
}

static char *r41(pr_doc *d)
{
    size_t cp;
    const pr_span *c = closing(d, &cp);
    if (!c)
        FAIL("no recipients");
    const pr_page *p = &d->pages[cp];
    int groups = 0;
    for (size_t i = 0; i < p->n; i++) {
        const pr_span *pur = &p->spans[i];
        /* a purpose standing alone right of the items: a group's note */
        if (pur->y0 <= c->y0 || pur->x0 < M_LEFT + 20 || pur->x0 > CX - 20 || pur->text[0] != '(')
            continue;
        groups++;
        pr_image *im = pr_render(d, (int)cp, 4);
        double top, bottom;
        /* the brace's stem stands a few points left of its note */
        int ok = pr_vrun(im, pur->x0 - 7.5, pur->x0 - 4.5, (pur->y0 + pur->y1) / 2, 0.6, &top,
                         &bottom);
        pr_image_free(im);
        if (!ok)
            FAIL("no brace left of \"%s\"", pur->text);
        double it0 = 1e9, it1 = -1e9;
        int grouped = 0;
        for (size_t k = 0; k < p->n; k++) {
            const pr_span *s = &p->spans[k];
            double mid = (s->y0 + s->y1) / 2;
            if (s->x0 > M_LEFT - 1 && s->x0 < M_LEFT + 12 && s->y0 > c->y1 - 1 && mid > top &&
                mid < bottom) {
                grouped++;
                it0 = fmin(it0, s->y0);
                it1 = fmax(it1, s->y1);
            }
        }
        if (grouped < 2)
            FAIL("the brace left of \"%s\" spans %d recipient lines", pur->text, grouped);
        if (!at(top, it0, 3) || !at(bottom, it1, 3))
            FAIL("the brace spans %.1f..%.1f, its recipients %.1f..%.1f", top, bottom, it0, it1);
        double mid = (pur->y0 + pur->y1) / 2;
        if (!at(mid, (top + bottom) / 2, 3))
            FAIL("\"%s\" is not centred on its brace", pur->text);
    }
    if (!groups)
        FAIL("no grouped recipients");
    return NULL;
}

/* ---- page numbers -------------------------------------------------------------------------- */

static char *page_numbers(pr_doc *d, int top_rule)
{
    if (d->n < 2)
        FAIL("a single page");
    for (size_t p = 0; p < d->n; p++) {
        const pr_page *pg = &d->pages[p];
        int count = 0;
        for (size_t i = 0; i < pg->n; i++) {
            const pr_span *s = &pg->spans[i];
            if (!is_page_number(s))
                continue;
            if (p == 0)
                FAIL("page 1 shows a page number \"%s\"", s->text);
            char want[32];
            snprintf(want, sizeof want, "%zu", p + 1);
            if (strcmp(s->text, want) != 0)
                FAIL("page %zu is numbered \"%s\"", p + 1, s->text);
            count++;
            if (!top_rule && (!at(centre(s), CX, 3) || !at(s->size, 14, 0.5) || s->any_bold))
                FAIL("page number %s: centre %.1f, %.1f pt", s->text, centre(s), s->size);
            if (top_rule && !at(s->y0, 28.35, 6))
                FAIL("page number %s: top at %.1f pt, not 10 mm", s->text, s->y0);
        }
        if (p > 0 && count != 1)
            FAIL("page %zu has %d page numbers", p + 1, count);
    }
    return NULL;
}

static char *r42(pr_doc *d)
{
    return page_numbers(d, 0);
}

static char *r43(pr_doc *d)
{
    return page_numbers(d, 1);
}

/* ---- state plans (NĐ 30) ------------------------------------------------------------ */

static const pr_span *find_any(const pr_page *p, const char *a, const char *b)
{
    const pr_span *s = pr_find(p, a);
    return s ? s : pr_find(p, b);
}

static const pr_span *qh_span(pr_doc *d)
{
    return find_any(&d->pages[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                    "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM");
}

static const pr_span *tn_span(pr_doc *d)
{
    return pr_find(&d->pages[0], "Độc lập - Tự do - Hạnh phúc");
}

static char *r5(pr_doc *d)
{
    for (size_t p = 0; p < d->n; p++)
        for (size_t i = 0; i < d->pages[p].n; i++) {
            const pr_span *s = &d->pages[p].spans[i];
            if (is_page_number(s))
                continue;
            double W = d->pages[p].w, H = d->pages[p].h;
            if (s->x0 < 85.0 - 0.5 || s->x1 > W - 42.5 + 0.5 || s->y0 < 56.7 - 1 ||
                s->y1 > H - 56.7 + 1)
                FAIL("page %zu: \"%s\" at [%.1f %.1f %.1f %.1f] is outside the margins", p + 1,
                     s->text, s->x0, s->y0, s->x1, s->y1);
        }
    return NULL;
}

static char *r8(pr_doc *d)
{
    const pr_page *p = &d->pages[0];
    int count = 0;
    for (size_t i = 0; i < p->n; i++)
        count += strstr(p->spans[i].text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") != NULL ||
                 strstr(p->spans[i].text, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM") != NULL;
    const pr_span *q = qh_span(d);
    if (count != 1 || !q)
        FAIL("%d lines hold the Quốc hiệu", count);
    if (!q->all_bold || q->size < 11.5 || q->size > 13.5)
        FAIL("the Quốc hiệu is %.1f pt%s, not 12-13 pt bold", q->size, q->all_bold ? "" : " regular");
    if (centre(q) <= CX)
        FAIL("the Quốc hiệu is centred at %.1f, left of %.1f", centre(q), CX);
    for (size_t i = 0; i < p->n; i++)
        if (p->spans[i].y0 < q->y0 - 2)
            FAIL("\"%s\" stands above the Quốc hiệu", p->spans[i].text);
    return NULL;
}

static char *r9(pr_doc *d)
{
    const pr_span *q = qh_span(d), *t = tn_span(d);
    if (!q || !t)
        FAIL("no Quốc hiệu or no Tiêu ngữ");
    if (below(&d->pages[0], q) != t)
        FAIL("the line under the Quốc hiệu is not the Tiêu ngữ");
    if (!t->all_bold || t->any_italic || t->size < 12.5 || t->size > 14.5)
        FAIL("the Tiêu ngữ is not 13-14 pt bold upright");
    if (!at(centre(t), centre(q), 2))
        FAIL("the Tiêu ngữ is centred at %.1f, the Quốc hiệu at %.1f", centre(t), centre(q));
    if (!at(t->size, q->size + 1, 0.5))
        FAIL("the Tiêu ngữ is %.1f pt, the Quốc hiệu %.1f pt", t->size, q->size);
    return NULL;
}

static const pr_span *date_span_state(pr_doc *d)
{
    return date_span(d);
}

static char *r10(pr_doc *d)
{
    const pr_span *t = tn_span(d), *dt = date_span_state(d);
    if (!t || !dt)
        FAIL("no Tiêu ngữ or no date");
    pr_image *im = pr_render(d, 0, 4);
    double x0, x1;
    double len = pr_hrun(im, t->x0 - 20, t->x1 + 20, t->y1 - 1, dt->y0 - 1, &x0, &x1, NULL);
    pr_image_free(im);
    if (!at(len, t->x1 - t->x0, 3))
        FAIL("the rule under the Tiêu ngữ is %.1f pt, the Tiêu ngữ %.1f pt", len, t->x1 - t->x0);
    if (!at((x0 + x1) / 2, centre(t), 2))
        FAIL("the rule is centred at %.1f, the Tiêu ngữ at %.1f", (x0 + x1) / 2, centre(t));
    return NULL;
}

static char *r11(pr_doc *d)
{
    const pr_span *iss[8];
    size_t n = issuer_lines(d, iss, 8);
    if (!n)
        FAIL("no bold upper-case issuing body left of the centre");
    for (size_t i = 0; i < n; i++)
        if (iss[i]->size < 11.5 || iss[i]->size > 13.5)
            FAIL("issuing body line \"%s\" is %.1f pt", iss[i]->text, iss[i]->size);
    const pr_page *p = &d->pages[0];
    for (size_t i = 0; i < p->n; i++) {
        const pr_span *s = &p->spans[i];
        if (s->y1 <= iss[0]->y0 + 1 && s->y1 > iss[0]->y0 - 20 && centre(s) < CX) {
            if (s->any_bold || !upper(s->text) || s->size < 11.5 || s->size > 13.5)
                FAIL("parent body \"%s\" must be regular upper case 12-13 pt", s->text);
            if (!at(centre(s), centre(iss[0]), 2))
                FAIL("parent body centred at %.1f, issuing body at %.1f", centre(s),
                     centre(iss[0]));
        }
    }
    return NULL;
}

static const pr_span *number_span_state(pr_doc *d)
{
    return pr_find_prefix(&d->pages[0], "Số:");
}

static char *r12(pr_doc *d)
{
    const pr_span *iss[8];
    size_t n = issuer_lines(d, iss, 8);
    const pr_span *num = number_span_state(d);
    if (!n || !num)
        FAIL("no issuing body or number line");
    const pr_span *last = iss[n - 1];
    pr_image *im = pr_render(d, 0, 4);
    double x0, x1;
    double len = pr_hrun(im, last->x0 - 20, last->x1 + 20, last->y1 - 1, num->y0 - 1, &x0, &x1, NULL);
    pr_image_free(im);
    double w = last->x1 - last->x0;
    if (len < w / 3 - 2 || len > w / 2 + 2)
        FAIL("the rule under the issuing body is %.1f pt for a line of %.1f pt", len, w);
    if (!at((x0 + x1) / 2, centre(last), 2))
        FAIL("the rule is centred at %.1f, the issuing body at %.1f", (x0 + x1) / 2, centre(last));
    return NULL;
}

static char *r13(pr_doc *d)
{
    const pr_span *num = number_span_state(d);
    const pr_span *iss[8];
    size_t n = issuer_lines(d, iss, 8);
    if (!num || !matches("^Số: ?([0-9]{2,}|\\s+)/KH-[A-Za-zĐđ0-9]+(-[A-Za-zĐđ0-9]+)*$", num->text))
        FAIL("the number line is \"%s\"", num ? num->text : "");
    if (!at(num->size, 13, 0.5) || num->any_bold || num->any_italic)
        FAIL("the number line is %.1f pt, not 13 pt regular", num->size);
    if (!n || !at(centre(num), centre(iss[n - 1]), 3))
        FAIL("the number line is not centred under the issuing body");
    return NULL;
}

static char *r14(pr_doc *d)
{
    const pr_span *dt = date_span_state(d), *q = qh_span(d), *num = number_span_state(d);
    if (!dt || !q || !num)
        FAIL("no date, Quốc hiệu or number line");
    if (!g_unichar_isupper(g_utf8_get_char(dt->text)))
        FAIL("the date line starts \"%.6s\"", dt->text);
    if (!matches("^[^,]+, ngày (0[1-9]|[12][0-9]|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm [0-9]{4}$",
                 dt->text))
        FAIL("date line \"%s\"", dt->text);
    if (!dt->all_italic || dt->size < 12.5 || dt->size > 14.5)
        FAIL("the date line is not 13-14 pt italic");
    if (!at(centre(dt), centre(q), 3))
        FAIL("the date is centred at %.1f, the Quốc hiệu at %.1f", centre(dt), centre(q));
    /* baselines: box bottoms minus the descent of each size */
    double b1 = dt->y1 - 0.216 * dt->size, b2 = num->y1 - 0.216 * num->size;
    if (!at(b1, b2, 2))
        FAIL("the date's baseline %.1f, the number's %.1f", b1, b2);
    return NULL;
}

static char *r21(pr_doc *d)
{
    const pr_span *k = pr_find(&d->pages[0], "KẾ HOẠCH");
    if (!k)
        FAIL("no \"KẾ HOẠCH\"");
    if (!k->all_bold || k->size < 12.5 || k->size > 14.5)
        FAIL("\"KẾ HOẠCH\" is %.1f pt, not 13-14 pt bold", k->size);
    if (!at(centre(k), CX, 3))
        FAIL("\"KẾ HOẠCH\" is centred at %.1f", centre(k));
    const pr_span *dt = date_span(d), *num = number_span_state(d);
    if ((dt && k->y0 <= dt->y1) || (num && k->y0 <= num->y1))
        FAIL("\"KẾ HOẠCH\" is not below the date and number lines");
    return NULL;
}

static char *r23(pr_doc *d)
{
    const pr_page *p = &d->pages[0];
    const pr_span *k = pr_find(p, "KẾ HOẠCH");
    const pr_span *l[512];
    size_t nb = body_lines_after(d, l, 512, k);
    if (!k || !nb)
        FAIL("no \"KẾ HOẠCH\" or no body");
    const pr_span *first = NULL, *last = NULL;
    double longest = 0;
    for (size_t i = 0; i < p->n; i++) {
        const pr_span *s = &p->spans[i];
        if (s->y0 <= k->y1 - 1 || s->y0 >= l[0]->y0)
            continue;
        if (!s->all_bold || s->any_italic || s->size < 12.5 || s->size > 14.5)
            FAIL("summary line \"%s\" is not 13-14 pt bold upright", s->text);
        if (!at(centre(s), CX, 3))
            FAIL("summary line \"%s\" is centred at %.1f", s->text, centre(s));
        if (!first)
            first = s;
        last = s;
        longest = fmax(longest, s->x1 - s->x0);
    }
    if (!first)
        FAIL("no summary");
    if (!g_unichar_isupper(g_utf8_get_char(first->text)))
        FAIL("the summary starts with a lower-case letter");
    pr_image *im = pr_render(d, 0, 4);
    double x0, x1;
    double len = pr_hrun(im, M_LEFT, RIGHT_EDGE, last->y1 - 1, l[0]->y0 - 1, &x0, &x1, NULL);
    pr_image_free(im);
    if (len < longest / 3 - 2 || len > longest / 2 + 2)
        FAIL("the rule under the summary is %.1f pt for a longest line of %.1f pt", len, longest);
    if (!at((x0 + x1) / 2, CX, 3))
        FAIL("the rule under the summary is centred at %.1f", (x0 + x1) / 2);
    return NULL;
}

static char *r25(pr_doc *d)
{
    const pr_span *l[512];
    double size = 0;
    int regular = 0, total = 0;
    for (size_t p = 0; p < d->n; p++) {
        size_t n = body_lines(d, p, l, 512);
        for (size_t i = 0; i < n; i++) {
            if (l[i]->size < 12.5 || l[i]->size > 14.5 || !l[i]->uniform_size)
                FAIL("page %zu: body line \"%s\" is %.1f pt", p + 1, l[i]->text, l[i]->size);
            if (size && !at(l[i]->size, size, 0.01))
                FAIL("body lines in %.1f and %.1f pt", size, l[i]->size);
            size = l[i]->size;
            if (is_heading_line(l[i]))
                continue;
            total++;
            regular += !l[i]->any_bold && !l[i]->any_italic;
        }
    }
    if (!total || regular * 10 < total * 7)
        FAIL("only %d of %d body lines are regular upright", regular, total);
    return NULL;
}

static char *r27(pr_doc *d)
{
    const pr_span *l[512];
    int firsts = 0;
    for (size_t p = 0; p < d->n; p++) {
        size_t n = body_lines(d, p, l, 512);
        for (size_t i = 0; i < n; i++) {
            if (continuation(l[i]))
                continue;
            firsts++;
            if (!at(l[i]->x0, M_LEFT + 28.3, 1.5) && !at(l[i]->x0, M_LEFT + 36.0, 1.5))
                FAIL("page %zu: \"%s\" starts at %.1f", p + 1, l[i]->text, l[i]->x0);
        }
    }
    if (firsts < 5)
        FAIL("only %d first lines", firsts);
    return NULL;
}

static char *r30(pr_doc *d)
{
    const pr_span *l[512];
    int seen = 0;
    for (size_t p = 0; p < d->n; p++) {
        size_t n = body_lines(d, p, l, 512);
        for (size_t i = 0; i + 1 < n; i++) {
            if (!continuation(l[i + 1]))
                continue;
            double dy = l[i + 1]->y1 - l[i]->y1;
            seen++;
            if (dy < 16.1 - 0.5 || dy > 24.2 + 0.5)
                FAIL("page %zu: line pitch %.2f before \"%s\"", p + 1, dy, l[i + 1]->text);
        }
    }
    if (seen < 3)
        FAIL("only %d line pairs", seen);
    return NULL;
}

static char *r32(pr_doc *d)
{
    int muc = 0, khoan = 0, diem = 0;
    for (size_t p = 0; p < d->n; p++) {
        const pr_span *l[512];
        size_t n = body_lines(d, p, l, 512);
        for (size_t i = 0; i < n; i++) {
            const pr_span *s = l[i];
            if (matches("^(I|II|III|IV|V|VI|VII|VIII|IX|X)\\. \\p{Lu}", s->text)) {
                muc++;
                if (!upper(s->text) || !s->all_bold)
                    FAIL("\"%s\" is not upper case and bold", s->text);
            } else if (matches("^[0-9]+\\. ", s->text) && i + 1 < n && !continuation(l[i + 1])) {
                khoan++;
                if (!s->all_bold)
                    FAIL("heading \"%s\" is not bold", s->text);
            } else if (matches("^[a-zđ]\\) ", s->text)) {
                diem++;
                if (s->any_bold)
                    FAIL("point \"%s\" is bold", s->text);
            }
        }
    }
    if (!muc || !khoan || !diem)
        FAIL("found %d mục, %d khoản and %d điểm headings", muc, khoan, diem);
    return NULL;
}

static char *r34(pr_doc *d)
{
    const pr_span *s[8];
    size_t n = signature(d, s, 8);
    if (n < 3)
        FAIL("the signature block has %zu lines", n);
    if (!matches("^((TM|KT|TL|TUQ|Q)\\. )?\\S", s[0]->text) || !upper(s[0]->text))
        FAIL("the signature starts \"%s\"", s[0]->text);
    for (size_t i = 0; i + 1 < n; i++) {
        if (!upper(s[i]->text) || !s[i]->all_bold || s[i]->size < 12.5 || s[i]->size > 14.5)
            FAIL("\"%s\" is not upper-case 13-14 pt bold", s[i]->text);
        if (centre(s[i]) <= CX)
            FAIL("\"%s\" is left of the centre", s[i]->text);
    }
    for (size_t p = 0; p < d->n; p++)
        for (size_t i = 0; i < d->pages[p].n; i++)
            if (matches("(^| )(T/M|K/T|T/L) ", d->pages[p].spans[i].text))
                FAIL("a Party authority form in \"%s\"", d->pages[p].spans[i].text);
    return NULL;
}

static char *r37(pr_doc *d)
{
    size_t cp;
    const pr_span *c = closing(d, &cp);
    const pr_span *s[8];
    if (!c || signature(d, s, 8) < 1)
        FAIL("no recipients or signature");
    if (!c->all_bold || !c->all_italic || !at(c->size, 12, 0.5))
        FAIL("\"Nơi nhận:\" is not 12 pt bold italic");
    if (!at(c->x0, M_LEFT, 1))
        FAIL("\"Nơi nhận:\" starts at %.1f", c->x0);
    double b1 = c->y1 - 0.216 * c->size, b2 = s[0]->y1 - 0.216 * s[0]->size;
    if (!at(b1, b2, 3))
        FAIL("\"Nơi nhận:\" baseline %.1f, the signature's first line %.1f", b1, b2);
    return NULL;
}

static char *r38(pr_doc *d)
{
    return recipient_lines(d, 11, ";", "^- Lưu: VT(, .+)?\\.$", "- Lưu: VT, ....");
}

static char *r44(pr_doc *d)
{
    size_t cp;
    if (!closing(d, &cp))
        FAIL("no closing block");
    int appendices = 0;
    for (size_t p = cp + 1; p < d->n; p++) {
        const pr_page *pg = &d->pages[p];
        const pr_span *lab = pr_find_prefix(pg, "Phụ lục");
        if (!lab)
            continue;
        appendices++;
        if (!lab->all_bold || !at(lab->size, 14, 0.5) || upper(lab->text) || !at(centre(lab), CX, 3))
            FAIL("\"%s\" is not 14 pt bold, centred, in ordinary case", lab->text);
        const pr_span *title = below(pg, lab);
        if (!title || !upper(title->text) || !title->all_bold || title->size < 12.5 ||
            title->size > 14.5)
            FAIL("the appendix title \"%s\" is not upper-case bold 13-14 pt",
                 title ? title->text : "");
        GString *att = g_string_new(NULL);
        for (const pr_span *s = below(pg, title); s && s->all_italic; s = below(pg, s)) {
            if (att->len)
                g_string_append_c(att, ' ');
            g_string_append(att, s->text);
            if (g_str_has_suffix(s->text, ")"))
                break;
        }
        int ok = matches("^\\(Kèm theo Kế hoạch số .+\\)$", att->str);
        char *text = g_string_free(att, FALSE);
        if (!ok) {
            char *e = g_strdup_printf("the attachment line is \"%s\"", text);
            g_free(text);
            return e;
        }
        g_free(text);
        /* numbering restarts: the appendix's first page shows no number or "1" */
        for (size_t i = 0; i < pg->n; i++)
            if (is_page_number(&pg->spans[i]) && strcmp(pg->spans[i].text, "1") != 0)
                FAIL("the appendix's first page is numbered %s", pg->spans[i].text);
    }
    if (!appendices)
        FAIL("no appendix");
    return NULL;
}

static char *r42_state(pr_doc *d)
{
    size_t cp;
    if (!closing(d, &cp))
        FAIL("no closing block");
    for (size_t p = 0; p <= cp; p++) {
        const pr_page *pg = &d->pages[p];
        int count = 0;
        for (size_t i = 0; i < pg->n; i++) {
            const pr_span *s = &pg->spans[i];
            if (!is_page_number(s))
                continue;
            if (p == 0)
                FAIL("page 1 shows a page number");
            char want[32];
            snprintf(want, sizeof want, "%zu", p + 1);
            if (strcmp(s->text, want) != 0 || !at(centre(s), CX, 3) || s->any_bold ||
                s->size < 12.5 || s->size > 14.5)
                FAIL("page %zu: page number \"%s\" at %.1f, %.1f pt", p + 1, s->text, centre(s),
                     s->size);
            count++;
        }
        if (p > 0 && count != 1)
            FAIL("page %zu has %d page numbers", p + 1, count);
    }
    if (cp == 0)
        FAIL("the main document has one page");
    return NULL;
}

static const struct {
    const char *id;
    char *(*fn)(pr_doc *);
} state_rules[] = {
    {"R5", r5},   {"R8", r8},   {"R9", r9},   {"R10", r10}, {"R11", r11}, {"R12", r12},
    {"R13", r13}, {"R14", r14}, {"R21", r21}, {"R23", r23}, {"R25", r25}, {"R27", r27},
    {"R30", r30}, {"R32", r32}, {"R34", r34}, {"R37", r37}, {"R38", r38}, {"R42", r42_state},
    {"R44", r44},
};

const char *const rule_ids_state[] = {"R5",  "R8",  "R9",  "R10", "R11", "R12", "R13",
                                      "R14", "R21", "R23", "R25", "R27", "R30", "R32",
                                      "R34", "R37", "R38", "R42", "R44", NULL};

char *rule_check_state(pr_doc *d, const char *id)
{
    for (size_t i = 0; i < sizeof state_rules / sizeof state_rules[0]; i++)
        if (strcmp(state_rules[i].id, id) == 0)
            return state_rules[i].fn(d);
    return g_strdup_printf("unknown rule %s", id);
}

static const struct {
    const char *id;
    char *(*fn)(pr_doc *);
} rules[] = {
    {"R1", r1},   {"R2", r2},   {"R3", r3},   {"R6", r6},   {"R7", r7},   {"R15", r15},
    {"R16", r16}, {"R17", r17}, {"R18", r18}, {"R19", r19}, {"R20", r20}, {"R22", r22},
    {"R24", r24}, {"R26", r26}, {"R28", r28}, {"R29", r29}, {"R31", r31}, {"R33", r33},
    {"R35", r35}, {"R36", r36}, {"R39", r39}, {"R40", r40}, {"R41", r41}, {"R42", r42},
    {"R43", r43},
};

const char *const rule_ids[] = {"R1",  "R2",  "R3",  "R6",  "R7",  "R15", "R16", "R17", "R18",
                                "R19", "R20", "R22", "R24", "R26", "R28", "R29", "R31", "R33",
                                "R35", "R36", "R39", "R40", "R41", "R42", "R43", NULL};

char *rule_check(pr_doc *d, const char *id)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].id, id) == 0)
            return rules[i].fn(d);
    return g_strdup_printf("unknown rule %s", id);
}
