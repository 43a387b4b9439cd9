/* number.c - number stage (see number.h). */
#include "number.h"

#include "i18n.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

int pg_roman(int n, int upper, char *out, size_t size)
{
    static const struct {
        int v;
        const char *s;
    } table[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
                 {50, "L"},   {40, "XL"},  {10, "X"},  {9, "IX"},   {5, "V"},   {4, "IV"},
                 {1, "I"}};
    if (n < 1 || n > 3999 || size < 16)
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        while (n >= table[i].v) {
            for (const char *c = table[i].s; *c; c++)
                out[o++] = upper ? *c : (char)(*c - 'A' + 'a');
            n -= table[i].v;
        }
    out[o] = '\0';
    return 1;
}

/* The Vietnamese alphabet order used for points: a, b, c, d, đ, e, g, ... */
static const char *const viet_letters[] = {"a", "b", "c", "d", "đ", "e", "g", "h",
                                           "i", "k", "l", "m", "n", "o", "p", "q",
                                           "r", "s", "t", "u", "v", "x", "y"};
enum { N_VIET = sizeof viet_letters / sizeof viet_letters[0] };

int pg_viet_letter(int n, char *out, size_t size)
{
    if (n < 1 || size < 16)
        return 0;
    /* past "y": "aa", "bb", ... as word processors do */
    int repeat = (n - 1) / N_VIET + 1;
    const char *l = viet_letters[(n - 1) % N_VIET];
    if (repeat * strlen(l) + 1 > size)
        return 0;
    out[0] = '\0';
    for (int i = 0; i < repeat; i++)
        strcat(out, l);
    return 1;
}

/* Splits a format into its kind and suffix. Kinds: 'I' roman, 'i' lower roman,
 * 'a' letter, '1' arabic path (arabic_k = number of levels), 0 literal. */
static char format_kind(const char *f, int *arabic_k, const char **suffix)
{
    *arabic_k = 0;
    if (f[0] == 'I' || f[0] == 'i' || f[0] == 'a') {
        *suffix = f + 1;
        return f[0];
    }
    if (f[0] == '1') {
        const char *c = f;
        int k = 0;
        while (c[0] == '1') {
            k++;
            c++;
            if (c[0] == '.' && c[1] == '1')
                c++;
            else
                break;
        }
        *arabic_k = k;
        *suffix = c;
        return '1';
    }
    *suffix = f;
    return 0;
}

const char *pg_format_check(const char *format)
{
    if (!format || !*format)
        return N_("the format is empty");
    int k;
    const char *suffix;
    char kind = format_kind(format, &k, &suffix);
    for (const char *c = suffix; *c; c++)
        if ((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
            return N_("write the number as I, i, a, 1 or 1.1 (one 1 per level) followed by "
                      "punctuation, e.g. \"I-\", \"1.\", \"1.1.\", \"a)\"");
    (void)kind;
    return NULL;
}

int pg_format_label(const char *format, const int *counters, int depth, char *out, size_t size)
{
    int k;
    const char *suffix;
    char kind = format_kind(format, &k, &suffix);
    char num[64] = "";
    int ok = 1;
    switch (kind) {
    case 'I':
    case 'i':
        ok = pg_roman(counters[depth], kind == 'I', num, sizeof num);
        break;
    case 'a':
        ok = pg_viet_letter(counters[depth], num, sizeof num);
        break;
    case '1': {
        int from = depth - k + 1 < 1 ? 1 : depth - k + 1;
        size_t o = 0;
        for (int d = from; d <= depth && o + 12 < sizeof num; d++)
            o += (size_t)snprintf(num + o, sizeof num - o, "%s%d", d == from ? "" : ".",
                                  counters[d]);
        break;
    }
    default:
        break;
    }
    if (!ok)
        return 0;
    int n = snprintf(out, size, "%s%s", num, suffix);
    return n >= 0 && (size_t)n < size;
}

/* Replaces {key} in format with values; keys and values are NULL-terminated pairs. */
static char *fill(const char *format, const char *const *kv)
{
    pg_buf b = {0};
    for (const char *c = format; *c;) {
        if (*c == '{') {
            const char *end = strchr(c, '}');
            int done = 0;
            for (const char *const *p = kv; end && p[0]; p += 2)
                if (strlen(p[0]) == (size_t)(end - c - 1) && memcmp(p[0], c + 1, strlen(p[0])) == 0) {
                    pg_buf_puts(&b, p[1]);
                    c = end + 1;
                    done = 1;
                    break;
                }
            if (done)
                continue;
        }
        pg_buf_putc(&b, *c++);
    }
    char *s = pg_xstrdup(pg_buf_str(&b));
    pg_buf_free(&b);
    return s;
}

char *pg_date_text(const char *format, const char *place, int y, int m, int d)
{
    char day[16], month[16], year[16];
    /* a draft leaves blanks of fixed width for the clerk */
    if (d > 0)
        snprintf(day, sizeof day, "%02d", d);
    else
        snprintf(day, sizeof day, "     ");
    if (m > 0)
        snprintf(month, sizeof month, m < 3 ? "%02d" : "%d", m);
    else
        snprintf(month, sizeof month, "     ");
    snprintf(year, sizeof year, "%04d", y);
    const char *kv[] = {"place", place ? place : "", "day", day, "month", month, "year", year, NULL};
    return fill(format, kv);
}

char *pg_number_text(const char *format, int number, const char *type, const char *symbol)
{
    char num[32];
    if (number >= 0)
        snprintf(num, sizeof num, "%02d", number);
    else
        snprintf(num, sizeof num, "      ");
    const char *kv[] = {"number", num, "type", type ? type : "", "symbol", symbol ? symbol : "",
                        NULL};
    return fill(format, kv);
}

typedef struct {
    pg_doc *doc;
    const pg_style *style;
    pg_diag_list *diags;
    int counters[PG_MAX_LEVELS + 2];
    int footnotes;
    int errors;
    unsigned reported; /* levels whose numbering failed, reported once */
} numberer;

static char *adopt(pg_doc *doc, char *heap)
{
    char *s = pg_arena_strdup(doc->arena, heap);
    free(heap);
    return s;
}

static char *upper(pg_doc *doc, const char *s)
{
    char *u = g_utf8_strup(s, -1);
    char *r = pg_arena_strdup(doc->arena, u);
    g_free(u);
    return r;
}

static const char *level_format(const numberer *nb, int depth)
{
    int d = depth > PG_MAX_LEVELS ? PG_MAX_LEVELS : depth;
    if (nb->doc->level_format[d])
        return nb->doc->level_format[d];
    return nb->style->level_format[d] ? nb->style->level_format[d] : "1.";
}

static int number_enter(pg_node *n, int depth, void *ud)
{
    (void)depth;
    numberer *nb = ud;
    if (n->type == PG_NODE_SECTION) {
        int d = n->u.section.depth;
        if (d < 1 || d > PG_MAX_LEVELS)
            return 1;
        nb->counters[d]++;
        for (int k = d + 1; k <= PG_MAX_LEVELS; k++)
            nb->counters[k] = 0;
        char label[128];
        if (!pg_format_label(level_format(nb, d), nb->counters, d, label, sizeof label)) {
            /* said once per level: the sections after it fail the same way */
            if (!(nb->reported & (1u << d)))
                pg_diag_add(nb->diags, PG_E_BAD_VALUE, n->file ? n->file : nb->doc->file,
                            n->pos.line, n->pos.col,
                            "section %d at depth %d cannot be numbered with \"%s\" (roman "
                            "numbers end at 3999); nest the sections",
                            nb->counters[d], d, level_format(nb, d));
            nb->reported |= 1u << d;
            nb->errors++;
            label[0] = '\0';
        }
        n->u.section.label = pg_arena_strdup(nb->doc->arena, label);
        return 0;
    }
    if (n->type == PG_NODE_ITEM) {
        const pg_style *s = nb->style;
        switch (n->u.item.bullet) {
        case PG_BULLET_AUTO:
        case PG_BULLET_DASH:
            n->u.item.label = s->bullet_dash;
            break;
        case PG_BULLET_PLUS:
            n->u.item.label = s->bullet_plus;
            break;
        case PG_BULLET_STAR:
            n->u.item.label = s->bullet_star;
            break;
        case PG_BULLET_NONE:
            n->u.item.label = "";
            break;
        }
        /* the document outlives the style: keep its own copy */
        n->u.item.label = pg_arena_strdup(nb->doc->arena, n->u.item.label ? n->u.item.label : "");
        return 0;
    }
    if (n->type == PG_NODE_FOOTNOTE)
        n->u.footnote.number = ++nb->footnotes;
    return 0;
}

/* The day of a cited date as "%d" and "%02d"; a draft dated by month only (day 0)
 * leaves the clerk a blank, as the date line does, never "0". */
static void day_text(int day, char *d, size_t dn, char *dd, size_t ddn)
{
    if (day > 0 && day <= 31) {
        snprintf(d, dn, "%d", day % 100);
        snprintf(dd, ddn, "%02d", day % 100);
    } else {
        snprintf(d, dn, "    ");
        snprintf(dd, ddn, "    ");
    }
}

/* Labels of the appendices and their attachment lines, from the plan's own
 * number, date and issuing body: never typed by hand. */
static void number_appendices(numberer *nb)
{
    pg_doc *doc = nb->doc;
    const pg_style *s = nb->style;
    int count = 0;
    for (pg_node *a = doc->appendices ? doc->appendices->first : NULL; a; a = a->next)
        count++;
    char *type = pg_sentence_case(doc->doctype);
    char *ref = pg_number_text(s->reference_format, doc->number, doc->doctype_abbr, doc->symbol);
    char *cited = pg_issuer_cited(doc);
    char d[8], m[8], dd[8], mm[8], y[8];
    day_text(doc->day, d, sizeof d, dd, sizeof dd);
    snprintf(m, sizeof m, "%d", doc->month);
    snprintf(mm, sizeof mm, doc->month < 3 ? "%02d" : "%d", doc->month);
    snprintf(y, sizeof y, "%04d", doc->year);
    int i = 0;
    for (pg_node *a = doc->appendices ? doc->appendices->first : NULL; a; a = a->next) {
        a->u.appendix.number = ++i;
        if (a->u.appendix.name) {
            a->u.appendix.label = a->u.appendix.name;
        } else if (count == 1) {
            a->u.appendix.label = s->appendix_label;
        } else {
            char num[32];
            if (s->appendix_roman)
                pg_roman(i, 1, num, sizeof num);
            else
                snprintf(num, sizeof num, "%d", i);
            a->u.appendix.label = pg_arena_printf(doc->arena, "%s %s", s->appendix_label, num);
        }
        const char *kv[] = {"type", type, "ref", ref, "d", d, "m", m, "dd", dd, "mm", mm,
                            "yyyy", y, "cited", cited, NULL};
        a->u.appendix.attachment = adopt(doc, fill(s->attachment_format, kv));
        /* sections in an appendix are numbered afresh */
        memset(nb->counters, 0, sizeof nb->counters);
        pg_node_walk(a, number_enter, NULL, nb);
    }
    g_free(type);
    free(ref);
    g_free(cited);
}

/* Removes one trailing ',', ';' or '.' that the style's punctuation replaces. */
static const char *strip_end(pg_doc *doc, const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ',' || s[n - 1] == ';' || s[n - 1] == ' '))
        n--;
    return pg_arena_strndup(doc->arena, s, n);
}

static void number_recipients(numberer *nb)
{
    pg_doc *doc = nb->doc;
    const pg_style *s = nb->style;
    for (size_t i = 0; i < doc->n_recipients; i++) {
        pg_recipient *r = &doc->recipients[i];
        int last = i + 1 == doc->n_recipients && !doc->archive;
        const char *end = last ? "." : s->recipient_end;
        const char *text = strip_end(doc, r->text);
        if (r->purpose) {
            const char *kv[] = {"purpose", r->purpose, NULL};
            char *p = fill(s->purpose_format, kv);
            r->line = s->purpose_after_end
                          ? pg_arena_printf(doc->arena, "- %s%s %s", text, end, p)
                          : pg_arena_printf(doc->arena, "- %s %s%s", text, p, end);
            free(p);
        } else {
            r->line = pg_arena_printf(doc->arena, "- %s%s", text, end);
        }
    }
    if (doc->archive) {
        const char *kv[] = {"archive", doc->archive, NULL};
        doc->archive_line = adopt(doc, fill(s->archive_format, kv));
    }
}

static void number_signature(numberer *nb)
{
    pg_doc *doc = nb->doc;
    pg_signature *sg = &doc->signature;
    const pg_style *s = nb->style;
    if (!sg->title)
        return;
    const char *prefix = NULL;
    if (sg->authority != PG_AUTH_NONE) {
        prefix = s->authority[sg->authority];
        if (!prefix) {
            static const char *const names[PG_AUTH__COUNT] = {
                [PG_AUTH_ON_BEHALF] = "on-behalf",        [PG_AUTH_DEPUTY] = "deputy",
                [PG_AUTH_BY_ORDER] = "by-order",          [PG_AUTH_ACTING] = "acting",
                [PG_AUTH_BY_AUTHORISATION] = "by-authorisation"};
            pg_diag_add(nb->diags, PG_E_AUTHORITY, doc->file, sg->pos.line, sg->pos.col,
                        "authority=\"%s\" has no form in %s%s", names[sg->authority], s->standard,
                        sg->authority == PG_AUTH_BY_AUTHORISATION
                            ? _("; Party documents sign by order instead: authority=\"by-order\" "
                                "(T/L)")
                            : "");
            nb->errors++;
            return;
        }
    }
    const char *title = upper(doc, sg->title);
    if (sg->collective) {
        const char *coll = upper(doc, sg->collective);
        sg->authority_line =
            prefix ? pg_arena_printf(doc->arena, "%s %s", prefix, coll) : coll;
        sg->title_line = title;
    } else if (prefix) {
        sg->authority_line = pg_arena_printf(doc->arena, "%s %s", prefix, title);
        sg->title_line = NULL;
    } else {
        sg->authority_line = title;
        sg->title_line = NULL;
    }
}

static char *lower_first(const char *s)
{
    if (!*s)
        return g_strdup(s);
    char first[8];
    int n = g_unichar_to_utf8(g_unichar_tolower(g_utf8_get_char(s)), first);
    first[n] = '\0';
    return g_strconcat(first, g_utf8_next_char(s), NULL);
}

/* The references of the parents a plan derives from, as their styles write
 * them ("179-KH/TU"): for the basis sentence and the dump alike. */
static void number_cites(numberer *nb)
{
    pg_doc *doc = nb->doc;
    for (size_t i = 0; i < doc->n_cites; i++) {
        pg_citation *c = &doc->cites[i];
        if (c->ref || !c->parent)
            continue;
        char num[32] = "";
        if (c->parent->number >= 0) /* a draft parent is cited without a number */
            snprintf(num, sizeof num, "%02d", c->parent->number);
        const char *rk[] = {"number", num, "type", c->parent->doctype_abbr, "symbol",
                            c->parent->symbol, NULL};
        c->ref = adopt(doc, fill(c->ref_format ? c->ref_format : nb->style->reference_format, rk));
    }
}

/* The basis sentence citing what the plan implements, in its standard's form:
 * "Thực hiện Kế hoạch số 179-KH/TU, ngày 28/3/2023 của Ban Thường vụ Tỉnh ủy về
 * ..., Ban Thường vụ Đảng ủy Khối xây dựng Kế hoạch triển khai thực hiện như sau:" */
static void generate_basis(numberer *nb)
{
    pg_doc *doc = nb->doc;
    const pg_style *s = nb->style;
    if (!doc->basis_auto || !doc->n_cites)
        return;
    pg_buf b = {0};
    pg_buf_puts(&b, s->basis_lead);
    for (size_t i = 0; i < doc->n_cites; i++) {
        pg_citation *c = &doc->cites[i];
        char d[8], m[8], dd[8], mm[8], y[8];
        day_text(c->day, d, sizeof d, dd, sizeof dd);
        snprintf(m, sizeof m, "%d", c->month);
        snprintf(mm, sizeof mm, "%02d", c->month);
        snprintf(y, sizeof y, "%04d", c->year);
        const char *kv[] = {"type", c->type, "ref", c->ref, "d", d, "m", m, "dd", dd, "mm", mm,
                            "yyyy", y, "issuer", c->issuer, NULL};
        char *cite = fill(s->basis_cite, kv);
        if (i)
            pg_buf_puts(&b, s->basis_join);
        pg_buf_puts(&b, cite);
        free(cite);
        if (c->summary && *c->summary) {
            char *low = lower_first(c->summary);
            const char *kv2[] = {"summary", low, NULL};
            char *about = fill(s->basis_about, kv2);
            pg_buf_puts(&b, about);
            free(about);
            g_free(low);
        }
    }
    char *own_issuer = pg_issuer_cited(doc);
    char *type = pg_sentence_case(doc->doctype);
    const char *kv[] = {"own", own_issuer, "type", type, NULL};
    char *close = fill(s->basis_close, kv);
    pg_buf_puts(&b, close);
    free(close);
    g_free(type);
    g_free(own_issuer);
    pg_node *p = pg_node_new(doc, PG_NODE_PARA, doc->body->pos);
    p->u.para.basis = 1;
    pg_node *t = pg_node_new(doc, PG_NODE_TEXT, doc->body->pos);
    t->u.text.text = pg_arena_strdup(doc->arena, pg_buf_str(&b));
    pg_node_append(p, t);
    p->next = doc->body->first;
    p->parent = doc->body;
    doc->body->first = p;
    if (!doc->body->last)
        doc->body->last = p;
    pg_buf_free(&b);
    doc->basis_auto = 0; /* once */
}

/* ---- what is printed: the style's case, the short generated lines ---------------- */

/* s as role prints it: upper case when the style says so (arena string). */
static const char *shown(numberer *nb, pg_role role, const char *s)
{
    if (!s)
        return NULL;
    return nb->style->text[role].upper ? adopt(nb->doc, g_utf8_strup(s, -1))
                                        : pg_arena_strdup(nb->doc->arena, s);
}

static pg_role heading_role(int depth)
{
    return depth <= 1 ? PG_ROLE_HEADING1
           : depth == 2 ? PG_ROLE_HEADING2
           : depth == 3 ? PG_ROLE_HEADING3
                        : PG_ROLE_HEADING4;
}

static int shown_titles(pg_node *n, int depth, void *ud)
{
    (void)depth;
    if (n->type == PG_NODE_SECTION && n->u.section.title)
        n->u.section.title_line =
            shown(ud, heading_role(n->u.section.depth), n->u.section.title);
    return 0;
}

/* The first letter of the summary in the style's case, in its first text
 * (the summary keeps its bold and italic runs). */
static void summary_case(numberer *nb)
{
    if (!nb->doc->summary)
        return;
    nb->doc->summary_shown = pg_node_copy(nb->doc, nb->doc->summary, NULL);
    pg_node *t = nb->doc->summary_shown;
    while (t && t->type != PG_NODE_TEXT)
        t = t->first;
    if (!t || !nb->style->summary_case || !*t->u.text.text)
        return;
    const char *s = t->u.text.text;
    gunichar c = g_utf8_get_char(s);
    gunichar d = nb->style->summary_case < 0 ? g_unichar_tolower(c) : g_unichar_toupper(c);
    char first[8];
    int n = g_unichar_to_utf8(d, first);
    first[n] = '\0';
    t->u.text.text = pg_arena_printf(nb->doc->arena, "%s%s", first, g_utf8_next_char(s));
}

/* Everything layout prints of the header and the closing block, as printed:
 * layout places these texts and changes no letter of them. */
static void number_shown(numberer *nb)
{
    pg_doc *doc = nb->doc;
    const pg_style *s = nb->style;
    doc->parent_body_line = shown(nb, PG_ROLE_PARENT_BODY, doc->parent_body);
    char *issuer = pg_inline_text(doc->issuer);
    doc->issuer_line = shown(nb, PG_ROLE_ISSUER, issuer);
    free(issuer);
    summary_case(nb);
    if (doc->urgency) {
        /* NĐ 30 §III.2b: boxes of 30 x 8 mm (HỎA TỐC), 40 x 8 mm (THƯỢNG KHẨN), 20 x 8 mm (KHẨN) */
        double mm = strcmp(doc->urgency, "THƯỢNG KHẨN") == 0 ? 40
                    : strcmp(doc->urgency, "HỎA TỐC") == 0   ? 30
                                                             : 20;
        doc->urgency_box_w = mm * 72 / 25.4;
    }
    if (doc->draft)
        doc->draft_line = *doc->draft ? pg_arena_printf(doc->arena, "%s %s", s->draft_text, doc->draft)
                                      : pg_arena_strdup(doc->arena, s->draft_text);
    if (doc->typist) {
        char copies[16] = "";
        char *format = pg_xstrdup(s->typist_format);
        if (doc->copies) {
            snprintf(copies, sizeof copies, "%d", doc->copies);
        } else {
            /* without a count, the separator and brackets around {copies} go with it:
             * "{typist}-{copies}" prints "HƯ", not "HƯ-" */
            char *t = strstr(format, "{typist}");
            char *c = strstr(format, "{copies}");
            if (t && c && c > t)
                t[strlen("{typist}")] = '\0';
            else if (c)
                *c = '\0';
        }
        const char *kv[] = {"typist", doc->typist, "copies", copies, NULL};
        char *line = fill(format, kv);
        doc->typist_line = shown(nb, PG_ROLE_TYPIST, line);
        free(line);
        free(format);
    }
    for (size_t i = 0; i < doc->n_groups; i++) {
        pg_recipient_group *g = &doc->groups[i];
        const char *kv[] = {"purpose", g->purpose ? g->purpose : "", NULL};
        g->purpose_line = adopt(doc, fill(s->purpose_format, kv));
    }
    pg_node_walk(doc->body, shown_titles, NULL, nb);
    for (pg_node *a = doc->appendices ? doc->appendices->first : NULL; a; a = a->next) {
        a->u.appendix.label_line = shown(nb, PG_ROLE_APPENDIX_LABEL, a->u.appendix.label);
        a->u.appendix.title_line = shown(nb, PG_ROLE_APPENDIX_TITLE, a->u.appendix.title);
    }
}

int pg_doc_number(pg_doc *doc, const pg_style *style, pg_diag_list *diags)
{
    numberer nb = {doc, style, diags, {0}, 0, 0, 0};
    for (int d = 1; d <= PG_MAX_LEVELS; d++) {
        const char *f = doc->level_format[d];
        const char *why = f ? pg_format_check(f) : NULL;
        if (why) {
            pg_diag_add(diags, PG_E_BAD_VALUE, doc->file, doc->level_format_pos[d].line,
                        doc->level_format_pos[d].col, "numbering format \"%s\" for depth %d: %s", f,
                        d, _(why));
            nb.errors++;
        }
        f = style->level_format[d];
        why = f ? pg_format_check(f) : NULL;
        if (why) {
            pg_diag_add(diags, PG_E_STYLE, style->file, 0, 0,
                        "numbering format \"%s\" for depth %d: %s", f, d, _(why));
            nb.errors++;
        }
    }
    if (nb.errors)
        return 0;
    /* the style's edition must be in force on the plan's date */
    char date[16];
    if (doc->day)
        snprintf(date, sizeof date, "%04d-%02d-%02d", doc->year, doc->month, doc->day);
    else
        snprintf(date, sizeof date, "%04d-%02d", doc->year, doc->month);
    if (style->in_force_from && strcmp(date, style->in_force_from) < 0)
        pg_diag_add(diags, PG_W_EDITION, doc->file, doc->date_pos.line, doc->date_pos.col,
                    "dated %s, before %s came into force (%s); check the style", date,
                    style->standard, style->in_force_from);
    if (style->in_force_until && strcmp(date, style->in_force_until) > 0)
        pg_diag_add(diags, PG_W_EDITION, doc->file, doc->date_pos.line, doc->date_pos.col,
                    "dated %s, after %s ceased to apply (%s); use the edition in force", date,
                    style->standard, style->in_force_until);
    number_cites(&nb);
    generate_basis(&nb);
    pg_node_walk(doc->body, number_enter, NULL, &nb);
    number_appendices(&nb);
    doc->number_line = adopt(doc, pg_number_text(style->number_format, doc->number,
                                                 doc->doctype_abbr, doc->symbol));
    doc->date_line = adopt(doc, pg_date_text(style->date_format, doc->place, doc->year,
                                             doc->month, doc->day));
    number_recipients(&nb);
    number_signature(&nb);
    number_shown(&nb);
    doc->numbered = nb.errors == 0;
    return nb.errors == 0;
}
