/* lint.c - lint stage (see lint.h). The rules are documented in docs/rules.md;
 * each has one id per standard (hd36.* for Party documents, nd30.* for state
 * documents). */
#include "lint.h"

#include "output.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The rules: an id per standard, and the hint that says how to fix. */
typedef enum {
    RULE_RECIPIENTS,
    RULE_ARCHIVE,
    RULE_NUMBER_FORM,
    RULE_DATE_FUTURE,
    RULE_DATE_CITED,
    RULE_SUMMARY_CASE,
    RULE_RECIPIENT_PUNCT,
    RULE_TYPED_NUMBER,
    RULE_NUMBERING_GAP,
    RULE_BASIS_CITATION,
    RULE__COUNT
} rule;

static const struct {
    const char *hd36, *nd30;
} rule_ids[RULE__COUNT] = {
    [RULE_RECIPIENTS] = {"hd36.pl1.9.recipients", "nd30.pl1.ii.9.recipients"},
    [RULE_ARCHIVE] = {"hd36.pl1.9.archive", "nd30.pl1.ii.9.archive"},
    [RULE_NUMBER_FORM] = {"hd36.pl1.3", "nd30.pl1.ii.3"},
    [RULE_DATE_FUTURE] = {"hd36.pl1.4.future", "nd30.pl1.ii.4.future"},
    [RULE_DATE_CITED] = {"hd36.pl1.4.cited", "nd30.pl1.ii.4.cited"},
    [RULE_SUMMARY_CASE] = {"hd36.pl1.5a", "nd30.pl1.ii.5b"},
    [RULE_RECIPIENT_PUNCT] = {"hd36.pl1.9.punctuation", "nd30.pl1.ii.9.punctuation"},
    [RULE_TYPED_NUMBER] = {"hd36.pl1.6.numbers", "nd30.pl1.ii.6.numbers"},
    [RULE_NUMBERING_GAP] = {"hd36.pl1.6.gap", "nd30.pl1.ii.6.gap"},
    [RULE_BASIS_CITATION] = {"hd36.pl1.6.citation", "nd30.pl1.ii.6b"},
};
_Static_assert(sizeof rule_ids / sizeof rule_ids[0] == RULE__COUNT, "one id pair per rule");

typedef struct {
    const pg_doc *doc;
    const pg_style *st;
    pg_diag_list *diags;
    pg_edits *edits;
    int nd30;
    int findings;
    /* the plan file's bytes, for corrections */
    char *src;
    size_t len;
    size_t *lines;
    size_t n_lines;
} linter;

static void finding_in(linter *l, rule r, pg_diag_code code, const char *file, pg_pos pos,
                       const char *fmt, va_list ap)
{
    pg_diag_vadd(l->diags, code, file, pos.line, pos.col, fmt, ap);
    pg_diag_rule(l->diags, l->nd30 ? rule_ids[r].nd30 : rule_ids[r].hd36);
    l->findings++;
}

/* A finding at pos of the plan file. */
static void finding(linter *l, rule r, pg_diag_code code, pg_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void finding(linter *l, rule r, pg_diag_code code, pg_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    finding_in(l, r, code, l->doc->file, pos, fmt, ap);
    va_end(ap);
}

/* A finding at node n, in the file n comes from: a node inherited from a
 * parent (or a used plan) stands at its line in that plan's file. */
static void node_finding(linter *l, rule r, pg_diag_code code, const pg_node *n, const char *fmt,
                         ...) __attribute__((format(printf, 5, 6)));

static void node_finding(linter *l, rule r, pg_diag_code code, const pg_node *n, const char *fmt,
                         ...)
{
    va_list ap;
    va_start(ap, fmt);
    finding_in(l, r, code, n->file ? n->file : l->doc->file, n->pos, fmt, ap);
    va_end(ap);
}

/* How a fixable finding at n says it is fixed: by --fix in this plan, or, for
 * what it inherits, in the plan it comes from. --fix never edits a parent from
 * a child's check: the parent is another body's document, shared by every
 * plan built on it, and is checked (and fixed) on its own. */
static const char *fix_hint(const pg_node *n)
{
    return n->file ? "; it is inherited: fix it in its own plan (plangen check --fix there), "
                     "which every plan built on it then shares"
                   : " (fixable with --fix)";
}

/* ---- corrections --------------------------------------------------------------- */

/* Byte offset of a line and column (in characters) of the plan file, or -1. */
static long offset_of(const linter *l, pg_pos pos)
{
    if (!l->src || pos.line < 1 || (size_t)pos.line > l->n_lines)
        return -1;
    size_t o = l->lines[pos.line - 1];
    for (int c = 1; c < pos.col && o < l->len && l->src[o] != '\n'; c++)
        o = (size_t)(g_utf8_next_char(l->src + o) - l->src);
    return (long)o;
}

/* Offset of the first character of an element's content (after its start tag
 * and white space), or -1. */
static long content_of(const linter *l, pg_pos element)
{
    long o = offset_of(l, element);
    if (o < 0)
        return -1;
    char quote = 0;
    for (size_t i = (size_t)o; i < l->len; i++) {
        char c = l->src[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            i++;
            while (i < l->len && (l->src[i] == ' ' || l->src[i] == '\n' || l->src[i] == '\t' ||
                                  l->src[i] == '\r'))
                i++;
            return (long)i;
        }
    }
    return -1;
}

/* Offset of the value of attribute name in the start tag at element, or -1. */
static long attr_value_of(const linter *l, pg_pos element, const char *name)
{
    long o = offset_of(l, element);
    if (o < 0)
        return -1;
    size_t n = strlen(name);
    for (size_t i = (size_t)o; i + n + 1 < l->len && l->src[i] != '>'; i++)
        if (memcmp(l->src + i, name, n) == 0 && (l->src[i - 1] == ' ' || l->src[i - 1] == '\n' ||
                                                 l->src[i - 1] == '\t')) {
            size_t j = i + n;
            while (j < l->len && (l->src[j] == ' ' || l->src[j] == '='))
                j++;
            if (j < l->len && (l->src[j] == '"' || l->src[j] == '\''))
                return (long)j + 1;
        }
    return -1;
}

static void edit(linter *l, long offset, size_t len, const char *text)
{
    if (!l->edits || offset < 0 || (size_t)offset + len > l->len)
        return;
    pg_edits *e = l->edits;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->items = pg_xrealloc(e->items, e->cap * sizeof *e->items);
    }
    e->items[e->n++] = (pg_edit){(size_t)offset, len, pg_xstrdup(text)};
}

/* Replaces the first character at offset o by its other case. */
static void edit_case(linter *l, long o, int lower)
{
    if (o < 0 || (size_t)o >= l->len)
        return;
    gunichar c = g_utf8_get_char_validated(l->src + o, (gssize)(l->len - (size_t)o));
    if (c == (gunichar)-1 || c == (gunichar)-2)
        return;
    char buf[8];
    int n = g_unichar_to_utf8(lower ? g_unichar_tolower(c) : g_unichar_toupper(c), buf);
    buf[n] = '\0';
    edit(l, o, (size_t)(g_utf8_next_char(l->src + o) - (l->src + o)), buf);
}

/* ---- the rules --------------------------------------------------------------------- */

static void check_recipients(linter *l)
{
    const pg_doc *doc = l->doc;
    if (!doc->has_recipients) {
        finding(l, RULE_RECIPIENTS, PG_W_STANDARD, doc->signature.pos,
                "the plan has no recipients (\"Nơi nhận\"); add <recipients> before <signature>, "
                "at least with <archive>");
        return;
    }
    if (!doc->archive)
        finding(l, RULE_ARCHIVE, PG_W_STANDARD, doc->recipients_pos,
                "no archive line (\"- Lưu ...\"); add <archive> as the last recipient");
    for (size_t i = 0; i < doc->n_recipients; i++) {
        const pg_recipient *r = &doc->recipients[i];
        size_t n = strlen(r->text);
        if (n && (r->text[n - 1] == ',' || r->text[n - 1] == ';' || r->text[n - 1] == '.')) {
            finding(l, RULE_RECIPIENT_PUNCT, PG_W_STANDARD, r->pos,
                    "\"%s\" ends with '%c'; the style adds the punctuation of the standard "
                    "(fixable with --fix)",
                    r->text, r->text[n - 1]);
            /* the typed mark is the last non-space byte before </to> */
            long o = content_of(l, r->pos);
            if (o >= 0) {
                const char *end = strstr(l->src + o, "</to>");
                if (end) {
                    const char *c = end;
                    while (c > l->src + o && (c[-1] == ' ' || c[-1] == '\n' || c[-1] == '\t'))
                        c--;
                    if (c > l->src + o && (c[-1] == ',' || c[-1] == ';' || c[-1] == '.'))
                        edit(l, c - 1 - l->src, 1, "");
                }
            }
        }
    }
    if (doc->archive && strncmp(doc->archive, "Lưu", strlen("Lưu")) == 0) {
        finding(l, RULE_RECIPIENT_PUNCT, PG_W_STANDARD, doc->recipients_pos,
                "the archive line starts with \"Lưu\"; write only the unit (<archive>VP</archive>), "
                "the style writes \"- Lưu\"");
    }
}

static void check_number(linter *l)
{
    const pg_doc *doc = l->doc;
    if (!doc->symbol)
        return;
    int bad = 0;
    for (const char *c = doc->symbol; *c; c = g_utf8_next_char(c)) {
        gunichar u = g_utf8_get_char(c);
        if (!(g_unichar_isupper(u) || g_unichar_isdigit(u) || u == '-'))
            bad = 1;
    }
    if (bad) {
        char *up = g_utf8_strup(doc->symbol, -1);
        int fixable = 1;
        for (const char *c = up; *c; c = g_utf8_next_char(c)) {
            gunichar u = g_utf8_get_char(c);
            if (!(g_unichar_isupper(u) || g_unichar_isdigit(u) || u == '-'))
                fixable = 0;
        }
        finding(l, RULE_NUMBER_FORM, PG_W_STANDARD, doc->issuer->pos,
                "symbol=\"%s\": a symbol is upper-case letters and digits, groups joined by '-' "
                "without spaces%s",
                doc->symbol, fixable ? " (fixable with --fix)" : "");
        if (fixable) {
            long o = attr_value_of(l, doc->issuer->pos, "symbol");
            if (o >= 0 && strncmp(l->src + o, doc->symbol, strlen(doc->symbol)) == 0)
                edit(l, o, strlen(doc->symbol), up);
        }
        g_free(up);
    }
}

/* Dates "ngày D/M/YYYY" or "ngày DD tháng M năm YYYY" in a text, as YYYYMMDD. */
static int next_cited_date(const char **s, long *ymd)
{
    const char *p = *s;
    while ((p = strstr(p, "ngày ")) != NULL) {
        p += strlen("ngày ");
        int d, m, y, n = 0;
        if (sscanf(p, "%d/%d/%d%n", &d, &m, &y, &n) == 3 ||
            sscanf(p, "%d tháng %d năm %d%n", &d, &m, &y, &n) == 3) {
            if (y > 1900 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
                *ymd = (long)y * 10000 + m * 100 + d;
                *s = p + n;
                return 1;
            }
        }
    }
    return 0;
}

static void check_dates(linter *l, const char *today)
{
    const pg_doc *doc = l->doc;
    if (!doc->year)
        return;
    long plan = (long)doc->year * 10000 + doc->month * 100 + (doc->day ? doc->day : 1);
    char now[16];
    if (!today) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%d", &tm);
        today = now;
    }
    int y, m, d;
    if (sscanf(today, "%d-%d-%d", &y, &m, &d) == 3 && plan > (long)y * 10000 + m * 100 + d)
        finding(l, RULE_DATE_FUTURE, PG_W_STANDARD, doc->date_pos,
                "the plan is dated %04d-%02d-%02d, after today; check <date>", doc->year,
                doc->month, doc->day);
    for (const pg_node *b = doc->body->first; b; b = b->next) {
        if (b->type != PG_NODE_PARA || !b->u.para.basis)
            continue;
        char *text = pg_inline_text(b);
        const char *s = text;
        long cited;
        while (next_cited_date(&s, &cited))
            if (cited > plan)
                node_finding(l, RULE_DATE_CITED, PG_E_STANDARD, b,
                        "the basis cites a document of %ld/%ld/%ld, later than the plan's own "
                        "date %d/%d/%d; a plan cannot implement a later document",
                        cited % 100, cited / 100 % 100, cited / 10000, doc->day, doc->month,
                        doc->year);
        free(text);
    }
}

static void check_summary(linter *l)
{
    const pg_doc *doc = l->doc;
    if (!doc->summary || !l->st->summary_case)
        return;
    char *text = pg_inline_text(doc->summary);
    gunichar c = g_utf8_get_char(text);
    int want_lower = l->st->summary_case < 0;
    if (g_unichar_isalpha(c) && (want_lower ? g_unichar_isupper(c) : g_unichar_islower(c))) {
        finding(l, RULE_SUMMARY_CASE, PG_W_STANDARD, doc->summary->pos,
                "the summary starts with %s letter; %s writes it with %s letter (the style "
                "corrects the print; fixable with --fix)",
                want_lower ? "a capital" : "a lower-case", l->st->standard,
                want_lower ? "a lower-case" : "a capital");
        long o = content_of(l, doc->summary->pos);
        if (o >= 0 && doc->summary->first && doc->summary->first->type == PG_NODE_TEXT)
            edit_case(l, o, want_lower);
    }
    free(text);
}

/* A number typed at the start of a text ("I- ", "2. ", "1.1.", "a) "): its length in
 * bytes, else 0. */
static size_t typed_number(const char *s)
{
    const char *p = s;
    if (*p >= 'I' && *p <= 'X' && strchr("IVX", *p)) {
        while (*p && strchr("IVX", *p))
            p++;
    } else if (*p >= '0' && *p <= '9') {
        while ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9'))
            p++;
    } else if (*p >= 'a' && *p <= 'z' && p[1] == ')') {
        p++;
    } else {
        return 0;
    }
    if (*p != '.' && *p != '-' && *p != ')')
        return 0;
    p++;
    if (*p != ' ')
        return 0;
    return (size_t)(p + 1 - s);
}

static int walk_numbers(pg_node *n, int depth, void *ud)
{
    (void)depth;
    linter *l = ud;
    if (n->type == PG_NODE_SECTION && n->u.section.title) {
        size_t k = typed_number(n->u.section.title);
        if (k) {
            node_finding(l, RULE_TYPED_NUMBER, PG_W_STANDARD, n,
                         "title=\"%s\" starts with a typed number; numbers come from the "
                         "nesting%s",
                         n->u.section.title, fix_hint(n));
            long o = n->file ? -1 : attr_value_of(l, n->pos, "title");
            if (o >= 0 && strncmp(l->src + o, n->u.section.title, k) == 0)
                edit(l, o, k, "");
        }
    }
    /* hand-numbered paragraphs among siblings: "1. ...", "2. ...", "4. ..." */
    if (n->type == PG_NODE_SECTION || n->type == PG_NODE_BODY) {
        int last = 0;
        for (pg_node *c = n->first; c; c = c->next) {
            if (c->type != PG_NODE_PARA)
                continue;
            char *t = pg_inline_text(c);
            int v = 0;
            if (sscanf(t, "(%d)", &v) == 1 || (t[0] >= '0' && t[0] <= '9' && sscanf(t, "%d.", &v) == 1)) {
                if (last && v != last + 1)
                    node_finding(l, RULE_NUMBERING_GAP, PG_W_STANDARD, c,
                            "hand-numbered paragraph %d follows %d; renumber them, or make them "
                            "sections and let the style number them",
                            v, last);
                last = v;
            } else {
                last = 0;
            }
            free(t);
        }
    }
    return 0;
}

static const char *const doc_types[] = {
    "Kế hoạch", "Nghị quyết", "Chỉ thị", "Hướng dẫn", "Quyết định", "Kết luận", "Thông báo",
    "Công văn", "Chương trình", "Quy định", "Luật", "Nghị định", "Thông tư", "Đề án", "Văn bản",
    NULL};

static void check_basis(linter *l)
{
    for (const pg_node *b = l->doc->body->first; b; b = b->next) {
        if (b->type != PG_NODE_PARA || !b->u.para.basis)
            continue;
        char *text = pg_inline_text(b);
        /* only citations: "Thực hiện ...", "Căn cứ ..." */
        if (strncmp(text, "Thực hiện", strlen("Thực hiện")) != 0 &&
            strncmp(text, "Căn cứ", strlen("Căn cứ")) != 0) {
            free(text);
            continue;
        }
        const char *missing[4];
        int n = 0, type = 0;
        for (const char *const *t = doc_types; *t && !type; t++)
            type = strstr(text, *t) != NULL;
        if (!type)
            missing[n++] = "the type (Kế hoạch, Nghị quyết ...)";
        if (!g_regex_match_simple("số [0-9]+[-/][^ ]+", text, 0, 0))
            missing[n++] = "the number and symbol (số 179-KH/TU)";
        long ymd;
        const char *s = text;
        if (!next_cited_date(&s, &ymd))
            missing[n++] = "the date (ngày 28/3/2023)";
        if (!strstr(text, " của "))
            missing[n++] = "the issuer (của Ban Thường vụ Tỉnh ủy)";
        if (n) {
            pg_buf b2 = {0};
            for (int i = 0; i < n; i++)
                pg_buf_printf(&b2, "%s%s", i ? (i + 1 == n ? " and " : ", ") : "", missing[i]);
            node_finding(l, RULE_BASIS_CITATION, PG_W_STANDARD, b,
                    "the citation lacks %s; a first citation gives type, number and symbol, "
                    "date, issuer and subject",
                    pg_buf_str(&b2));
            pg_buf_free(&b2);
        }
        free(text);
    }
}

int pg_lint(const pg_doc *doc, const pg_style *style, const pg_lint_opts *opts,
            pg_diag_list *diags, pg_edits *edits)
{
    linter l = {doc, style, diags, edits, strcmp(style->rules, "nd30") == 0, 0, NULL, 0, NULL, 0};
    if (edits) {
        gchar *src = NULL;
        gsize len = 0;
        if (g_file_get_contents(doc->file, &src, &len, NULL)) {
            l.src = src;
            l.len = len;
            l.lines = pg_xmalloc((len + 2) * sizeof *l.lines);
            l.lines[l.n_lines++] = 0;
            for (size_t i = 0; i < len; i++)
                if (src[i] == '\n')
                    l.lines[l.n_lines++] = i + 1;
        }
    }
    check_recipients(&l);
    check_number(&l);
    check_dates(&l, opts ? opts->today : NULL);
    check_summary(&l);
    pg_node_walk(doc->body, walk_numbers, NULL, &l);
    check_basis(&l);
    g_free(l.src);
    free(l.lines);
    return l.findings;
}

static int cmp_edit(const void *a, const void *b)
{
    const pg_edit *x = a, *y = b;
    return (x->offset < y->offset) - (x->offset > y->offset); /* last first */
}

int pg_edits_apply(const char *path, pg_edits *edits, pg_diag_list *diags)
{
    gchar *src = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &src, &len, NULL)) {
        pg_diag_add(diags, PG_E_IO, path, 0, 0, "cannot read the plan again to fix it");
        return 0;
    }
    qsort(edits->items, edits->n, sizeof *edits->items, cmp_edit);
    GString *s = g_string_new_len(src, (gssize)len);
    size_t limit = len;
    for (size_t i = 0; i < edits->n; i++) {
        const pg_edit *e = &edits->items[i];
        if (e->offset + e->len > limit)
            continue; /* overlaps an edit already made */
        g_string_erase(s, (gssize)e->offset, (gssize)e->len);
        g_string_insert(s, (gssize)e->offset, e->text);
        limit = e->offset;
    }
    pg_output o;
    int ok = pg_output_open(&o, path, diags);
    if (ok) {
        fwrite(s->str, 1, s->len, o.f);
        ok = pg_output_commit(&o, diags);
    }
    g_string_free(s, TRUE);
    g_free(src);
    return ok;
}

void pg_edits_free(pg_edits *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->items[i].text);
    free(e->items);
    e->items = NULL;
    e->n = e->cap = 0;
}
