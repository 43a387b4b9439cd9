/* lint.c - lint stage (see lint.h). The rules are documented in docs/rules.md;
 * each has one id per standard (hd36.* for Party documents, nd30.* for state
 * documents). */
#include "lint.h"

#include "i18n.h"
#include "input.h"

/* bytes: a plan read again to correct it (plans are kilobytes; a parse refuses
 * over 10 MiB unless told otherwise) */
#define PLAN_BYTES_MAX ((size_t)64 << 20)

#include "reads.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
    const char *name;    /* as in docs/rules.md, whose heading of it is the anchor */
    const char *summary; /* what it checks, one sentence */
} rule_ids[RULE__COUNT] = {
    [RULE_RECIPIENTS] = {"hd36.pl1.9.recipients", "nd30.pl1.ii.9.recipients", "recipients",
                         "The plan has a recipients block (\"Nơi nhận\")."},
    [RULE_ARCHIVE] = {"hd36.pl1.9.archive", "nd30.pl1.ii.9.archive", "archive line",
                      "The recipients end with an archive line that names each unit once."},
    [RULE_NUMBER_FORM] = {"hd36.pl1.3", "nd30.pl1.ii.3", "number and symbol",
                          "The symbol is upper-case letters and digits, groups joined by '-'."},
    [RULE_DATE_FUTURE] = {"hd36.pl1.4.future", "nd30.pl1.ii.4.future", "future date",
                          "The plan's date is not after today."},
    [RULE_DATE_CITED] = {"hd36.pl1.4.cited", "nd30.pl1.ii.4.cited", "cited date",
                         "No document cited in the basis is dated after the plan itself."},
    [RULE_SUMMARY_CASE] = {"hd36.pl1.5a", "nd30.pl1.ii.5b", "summary case",
                           "The summary starts with the letter case of the standard."},
    [RULE_RECIPIENT_PUNCT] = {"hd36.pl1.9.punctuation", "nd30.pl1.ii.9.punctuation",
                              "recipient punctuation",
                              "The punctuation of the recipients comes from the style, not typed."},
    [RULE_TYPED_NUMBER] = {"hd36.pl1.6.numbers", "nd30.pl1.ii.6.numbers", "typed numbers",
                           "A section title does not start with a typed number."},
    [RULE_NUMBERING_GAP] = {"hd36.pl1.6.gap", "nd30.pl1.ii.6.gap", "numbering gaps",
                            "Hand-numbered paragraphs run on without a gap."},
    [RULE_BASIS_CITATION] = {"hd36.pl1.6.citation", "nd30.pl1.ii.6b", "basis citation",
                             "A basis citation gives type, number and symbol, date and issuer."},
};
_Static_assert(sizeof rule_ids / sizeof rule_ids[0] == RULE__COUNT, "one id pair per rule");

int pg_lint_rule_info(const char *id, const char **name, const char **summary)
{
    for (int r = 0; id && r < RULE__COUNT; r++)
        if (strcmp(id, rule_ids[r].hd36) == 0 || strcmp(id, rule_ids[r].nd30) == 0) {
            *name = rule_ids[r].name;
            *summary = rule_ids[r].summary;
            return 1;
        }
    return 0;
}

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
    return n->file ? _("; it is inherited: fix it in its own plan (plangen check --fix there), "
                       "which every plan built on it then shares")
                   : _(" (fixable with --fix)");
}

/* ---- corrections --------------------------------------------------------------- */

/* The corrections are computed on the bytes of the plan file, never on the decoded
 * text: a character of the text may be spelled by a reference (&#x2C;), stand in a
 * CDATA section or follow a comment, and an edit must remove or replace exactly the
 * bytes that spell it. A finding is called fixable only when its edit was found. */

static int src_starts(const linter *l, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return i + n <= l->len && memcmp(l->src + i, lit, n) == 0;
}

/* Offset just past the first lit at or after i, or len. */
static size_t src_past(const linter *l, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    for (; i + n <= l->len; i++)
        if (memcmp(l->src + i, lit, n) == 0)
            return i + n;
    return l->len;
}

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

/* Offset of the start tag <name ...> at element, or -1 when another tag (or none)
 * stands there. */
static long start_tag_of(const linter *l, pg_pos element, const char *name)
{
    long o = offset_of(l, element);
    size_t n = strlen(name);
    if (o < 0 || l->src[o] != '<' || (size_t)o + 1 + n >= l->len ||
        memcmp(l->src + o + 1, name, n) != 0)
        return -1;
    char after = l->src[o + 1 + n];
    return after == ' ' || after == '\t' || after == '\n' || after == '\r' || after == '>' ||
                   after == '/'
               ? o
               : -1;
}

/* The character that XML reads at offset i (a character, or a character or
 * entity reference): stores it in *c and returns the offset after it; returns i
 * when no character can be read there. */
static size_t xml_char(const linter *l, size_t i, gunichar *c)
{
    if (i >= l->len)
        return i;
    if (l->src[i] != '&') {
        gunichar u = g_utf8_get_char_validated(l->src + i, (gssize)(l->len - i));
        if (u == (gunichar)-1 || u == (gunichar)-2)
            return i;
        *c = u;
        return (size_t)(g_utf8_next_char(l->src + i) - l->src);
    }
    size_t semi = i + 1;
    while (semi < l->len && semi - i < 12 && l->src[semi] != ';')
        semi++;
    if (semi >= l->len || l->src[semi] != ';')
        return i;
    const char *r = l->src + i + 1;
    size_t n = semi - i - 1;
    static const struct {
        const char *name;
        gunichar c;
    } predefined[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    for (size_t k = 0; k < sizeof predefined / sizeof predefined[0]; k++)
        if (strlen(predefined[k].name) == n && memcmp(r, predefined[k].name, n) == 0) {
            *c = predefined[k].c;
            return semi + 1;
        }
    if (n < 2 || r[0] != '#')
        return i;
    int hex = r[1] == 'x';
    unsigned long v = 0;
    size_t k = hex ? 2 : 1;
    if (k == n)
        return i;
    for (; k < n; k++) {
        int d = g_ascii_xdigit_value(r[k]);
        if (d < 0 || (!hex && d > 9))
            return i;
        v = v * (hex ? 16 : 10) + (unsigned long)d;
    }
    if (v == 0 || v > 0x10FFFF)
        return i;
    *c = (gunichar)v;
    return semi + 1;
}

/* One character of a text as it stands in the file: the bytes [start, end). */
typedef struct {
    gunichar c;
    size_t start, end;
} src_char;

/* The characters of the content of the start tag at o (an element that holds
 * only text), as XML reads them: references decoded, comments and processing
 * instructions skipped, the characters of CDATA sections included; up to the
 * first other tag. Returns their number; *out is heap (free()). */
static size_t text_chars(const linter *l, long o, src_char **out)
{
    *out = NULL;
    if (o < 0)
        return 0;
    /* past the start tag, outside quoted attribute values */
    size_t i = (size_t)o;
    char quote = 0;
    for (; i < l->len; i++) {
        if (quote) {
            if (l->src[i] == quote)
                quote = 0;
        } else if (l->src[i] == '"' || l->src[i] == '\'') {
            quote = l->src[i];
        } else if (l->src[i] == '>') {
            break;
        }
    }
    if (i >= l->len || (i > 0 && l->src[i - 1] == '/'))
        return 0;
    i++;
    size_t n = 0, cap = 0;
    src_char *a = NULL;
    while (i < l->len) {
        size_t next = i, cdata_end = 0;
        gunichar c = 0;
        if (src_starts(l, i, "<!--")) {
            i = src_past(l, i + 4, "-->");
            continue;
        }
        if (src_starts(l, i, "<?")) {
            i = src_past(l, i + 2, "?>");
            continue;
        }
        if (src_starts(l, i, "<![CDATA[")) {
            cdata_end = src_past(l, i + 9, "]]>");
            for (i += 9; i + 3 < cdata_end; i = next) {
                gunichar u = g_utf8_get_char_validated(l->src + i, (gssize)(cdata_end - 3 - i));
                if (u == (gunichar)-1 || u == (gunichar)-2)
                    break;
                next = (size_t)(g_utf8_next_char(l->src + i) - l->src);
                if (n == cap) {
                    cap = cap ? cap * 2 : 64;
                    a = pg_xrealloc(a, cap * sizeof *a);
                }
                a[n++] = (src_char){u, i, next};
            }
            i = cdata_end;
            continue;
        }
        if (l->src[i] == '<' || (next = xml_char(l, i, &c)) == i)
            break;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            a = pg_xrealloc(a, cap * sizeof *a);
        }
        a[n++] = (src_char){c, i, next};
        i = next;
    }
    *out = a;
    return n;
}

static int xml_space(gunichar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The value of attribute name in the start tag at o: its bytes [*start, *end)
 * between the quotes. Returns 0 when the tag has no such attribute. */
static int attr_span(const linter *l, long o, const char *name, size_t *start, size_t *end)
{
    if (o < 0)
        return 0;
    size_t i = (size_t)o + 1, n = strlen(name);
    while (i < l->len && !strchr(" \t\r\n/>", l->src[i]))
        i++; /* the element's name */
    for (;;) {
        while (i < l->len && strchr(" \t\r\n", l->src[i]))
            i++;
        if (i >= l->len || l->src[i] == '>' || l->src[i] == '/')
            return 0;
        size_t name_start = i;
        while (i < l->len && !strchr(" \t\r\n=/>", l->src[i]))
            i++;
        size_t name_len = i - name_start;
        while (i < l->len && strchr(" \t\r\n", l->src[i]))
            i++;
        if (i >= l->len || l->src[i] != '=')
            return 0;
        i++;
        while (i < l->len && strchr(" \t\r\n", l->src[i]))
            i++;
        if (i >= l->len || (l->src[i] != '"' && l->src[i] != '\''))
            return 0;
        char quote = l->src[i++];
        size_t value = i;
        while (i < l->len && l->src[i] != quote)
            i++;
        if (i >= l->len)
            return 0;
        if (name_len == n && memcmp(l->src + name_start, name, n) == 0) {
            *start = value;
            *end = i;
            return 1;
        }
        i++;
    }
}

/* The characters of the attribute value [start, end), decoded. Returns their
 * number, or 0 when a byte cannot be read; *out is heap (free()). */
static size_t value_chars(const linter *l, size_t start, size_t end, src_char **out)
{
    src_char *a = pg_xmalloc((end - start + 1) * sizeof *a);
    size_t n = 0;
    for (size_t i = start; i < end;) {
        gunichar c = 0;
        size_t next = xml_char(l, i, &c);
        if (next == i || next > end) {
            free(a);
            *out = NULL;
            return 0;
        }
        a[n++] = (src_char){c, i, next};
        i = next;
    }
    *out = a;
    return n;
}

/* Records the correction "replace len bytes at offset by text" (when --fix asked
 * for corrections). Returns 1 when it is a correction of the file, else 0. */
static int edit(linter *l, size_t offset, size_t len, const char *text)
{
    if (!l->src || offset + len > l->len)
        return 0;
    if (!l->edits)
        return 1;
    pg_edits *e = l->edits;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->items = pg_xrealloc(e->items, e->cap * sizeof *e->items);
    }
    e->items[e->n++] = (pg_edit){offset, len, pg_xstrdup(text)};
    return 1;
}

/* ---- the rules --------------------------------------------------------------------- */

static void check_archive_units(linter *l);

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
            /* the typed mark is the last character of the text before </to>, however
             * it is spelled (',', &#x2C;, in CDATA) */
            src_char *c = NULL;
            size_t k = text_chars(l, start_tag_of(l, r->pos, "to"), &c);
            while (k > 0 && xml_space(c[k - 1].c))
                k--;
            int fixable = k > 0 && c[k - 1].c == (gunichar)r->text[n - 1] &&
                          edit(l, c[k - 1].start, c[k - 1].end - c[k - 1].start, "");
            free(c);
            finding(l, RULE_RECIPIENT_PUNCT, PG_W_STANDARD, r->pos,
                    "\"%s\" ends with '%c'; the style adds the punctuation of the standard%s",
                    r->text, r->text[n - 1], fixable ? _(" (fixable with --fix)") : "");
            if (fixable)
                pg_diag_fixable(l->diags);
        }
    }
    if (doc->archive && strncmp(doc->archive, "Lưu", strlen("Lưu")) == 0) {
        finding(l, RULE_RECIPIENT_PUNCT, PG_W_STANDARD, doc->recipients_pos,
                "the archive line starts with \"Lưu\"; write only the unit (<archive>VP</archive>), "
                "the style writes \"- Lưu\"");
    }
    check_archive_units(l);
}

/* The units of the archive line as printed ("- Lưu: VT, QLCN." gives VT and QLCN),
 * split at ",", ";" and ". "; a unit named twice is a finding, whether typed twice or
 * typed where the style writes it already (state: "VT"). */
static void check_archive_units(linter *l)
{
    const pg_doc *doc = l->doc;
    if (!doc->archive_line)
        return;
    const char *c = strstr(doc->archive_line, "Lưu");
    c = c ? c + strlen("Lưu") : doc->archive_line;
    while (*c == ':' || *c == ' ')
        c++;
    char *list = g_strdup(c);
    size_t n = strlen(list);
    while (n && (list[n - 1] == '.' || list[n - 1] == ' '))
        list[--n] = '\0';
    for (char *d = list; *d; d++) /* ". " between units, as "BTG. VPĐUK" */
        if (d[0] == '.' && d[1] == ' ')
            d[0] = ',';
    char **units = g_strsplit_set(list, ",;", -1);
    const char *style_part = l->st && l->st->archive_format ? l->st->archive_format : "";
    for (size_t i = 0; units[i]; i++)
        g_strstrip(units[i]);
    for (size_t i = 0; units[i]; i++) {
        if (!*units[i])
            continue;
        char *fi = g_utf8_casefold(units[i], -1);
        int twice = 0;
        for (size_t j = 0; j < i && !twice; j++) {
            char *fj = g_utf8_casefold(units[j], -1);
            twice = strcmp(fi, fj) == 0;
            g_free(fj);
        }
        g_free(fi);
        if (!twice)
            continue;
        int by_style = strstr(style_part, units[i]) != NULL;
        finding(l, RULE_ARCHIVE, PG_W_STANDARD, doc->recipients_pos,
                "the archive line \"%s\" names \"%s\" twice; %s", doc->archive_line, units[i],
                by_style ? _("the style writes it already: leave it out of <archive>")
                         : _("write each unit once in <archive>"));
        break;
    }
    g_strfreev(units);
    g_free(list);
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
        /* the whole value is replaced, when it reads as the symbol */
        size_t start, end;
        if (fixable) {
            fixable = 0;
            if (attr_span(l, start_tag_of(l, doc->issuer->pos, "issuer"), "symbol", &start, &end)) {
                src_char *c = NULL;
                size_t k = value_chars(l, start, end, &c), first = 0;
                while (first < k && xml_space(c[first].c))
                    first++; /* the value is read trimmed */
                while (k > first && xml_space(c[k - 1].c))
                    k--;
                GString *v = g_string_new(NULL);
                for (size_t j = first; j < k; j++)
                    g_string_append_unichar(v, c[j].c);
                if (k && strcmp(v->str, doc->symbol) == 0)
                    fixable = edit(l, start, end - start, up);
                g_string_free(v, TRUE);
                free(c);
            }
        }
        finding(l, RULE_NUMBER_FORM, PG_W_STANDARD, doc->issuer->pos,
                "symbol=\"%s\": a symbol is upper-case letters and digits, groups joined by '-' "
                "without spaces%s",
                doc->symbol, fixable ? _(" (fixable with --fix)") : "");
        if (fixable)
            pg_diag_fixable(l->diags);
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

static void check_dates(linter *l, const char *today, int *today_used)
{
    const pg_doc *doc = l->doc;
    if (!doc->year)
        return;
    /* a draft dated by month only: its earliest day for "after today", and later than any
     * day of its month for what it cites */
    long plan = (long)doc->year * 10000 + doc->month * 100 + (doc->day ? doc->day : 1);
    long plan_latest = (long)doc->year * 10000 + doc->month * 100 + (doc->day ? doc->day : 99);
    char shown_iso[16], shown_dmy[16];
    if (doc->day) {
        snprintf(shown_iso, sizeof shown_iso, "%04d-%02d-%02d", doc->year, doc->month, doc->day);
        snprintf(shown_dmy, sizeof shown_dmy, "%d/%d/%d", doc->day, doc->month, doc->year);
    } else {
        snprintf(shown_iso, sizeof shown_iso, "%04d-%02d", doc->year, doc->month);
        snprintf(shown_dmy, sizeof shown_dmy, "%d/%d", doc->month, doc->year);
    }
    char now[16];
    if (!today) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%d", &tm);
        today = now;
    }
    int y, m, d;
    if (sscanf(today, "%d-%d-%d", &y, &m, &d) == 3 && plan > (long)y * 10000 + m * 100 + d) {
        finding(l, RULE_DATE_FUTURE, PG_W_STANDARD, doc->date_pos,
                "the plan is dated %s, after today; check <date>", shown_iso);
        if (today_used)
            *today_used = 1; /* true today, false some day: only dates after today */
    }
    for (const pg_node *b = doc->body->first; b; b = b->next) {
        if (b->type != PG_NODE_PARA || !b->u.para.basis)
            continue;
        char *text = pg_inline_text(b);
        const char *s = text;
        long cited;
        while (next_cited_date(&s, &cited))
            if (cited > plan_latest)
                node_finding(l, RULE_DATE_CITED, PG_E_STANDARD, b,
                        "the basis cites a document of %ld/%ld/%ld, later than the plan's own "
                        "date %s; a plan cannot implement a later document",
                        cited % 100, cited / 100 % 100, cited / 10000, shown_dmy);
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
        /* the first character of the text after <summary>, however it is spelled */
        src_char *sc = NULL;
        size_t n = text_chars(l, start_tag_of(l, doc->summary->pos, "summary"), &sc), k = 0;
        while (k < n && xml_space(sc[k].c))
            k++;
        int fixable = 0;
        if (k < n && sc[k].c == c) {
            char buf[8];
            int m = g_unichar_to_utf8(want_lower ? g_unichar_tolower(c) : g_unichar_toupper(c), buf);
            buf[m] = '\0';
            fixable = edit(l, sc[k].start, sc[k].end - sc[k].start, buf);
        }
        free(sc);
        finding(l, RULE_SUMMARY_CASE, PG_W_STANDARD, doc->summary->pos,
                "the summary starts with %s letter; %s writes it with %s letter (the style "
                "corrects the print%s)",
                want_lower ? _("a capital") : _("a lower-case"), l->st->standard,
                want_lower ? _("a lower-case") : _("a capital"),
                fixable ? _("; fixable with --fix") : "");
        if (fixable)
            pg_diag_fixable(l->diags);
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
            /* the bytes that spell the first k bytes of the title, after its leading
             * white space */
            size_t start, end;
            int fixable = 0;
            if (!n->file &&
                attr_span(l, start_tag_of(l, n->pos, "section"), "title", &start, &end)) {
                src_char *c = NULL;
                size_t m = value_chars(l, start, end, &c), j = 0;
                while (j < m && xml_space(c[j].c))
                    j++;
                size_t first = j, matched = 0;
                for (; j < m && matched < k; j++) {
                    char buf[8];
                    int b = g_unichar_to_utf8(c[j].c, buf);
                    if (matched + (size_t)b > k ||
                        memcmp(buf, n->u.section.title + matched, (size_t)b) != 0)
                        break;
                    matched += (size_t)b;
                }
                if (m && matched == k)
                    fixable = edit(l, c[first].start, c[j - 1].end - c[first].start, "");
                free(c);
            }
            node_finding(l, RULE_TYPED_NUMBER, PG_W_STANDARD, n,
                         "title=\"%s\" starts with a typed number; numbers come from the "
                         "nesting%s",
                         n->u.section.title, n->file || fixable ? fix_hint(n) : "");
            if (fixable)
                pg_diag_fixable(l->diags);
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
            missing[n++] = _("the type (Kế hoạch, Nghị quyết ...)");
        if (!g_regex_match_simple("số [0-9]+[-/][^ ]+", text, 0, 0))
            missing[n++] = _("the number and symbol (số 179-KH/TU)");
        long ymd;
        const char *s = text;
        if (!next_cited_date(&s, &ymd))
            missing[n++] = _("the date (ngày 28/3/2023)");
        if (!strstr(text, " của "))
            missing[n++] = _("the issuer (của Ban Thường vụ Tỉnh ủy)");
        if (n) {
            pg_buf b2 = {0};
            for (int i = 0; i < n; i++)
                pg_buf_printf(&b2, "%s%s", i ? (i + 1 == n ? _(" and ") : ", ") : "", missing[i]);
            node_finding(l, RULE_BASIS_CITATION, PG_W_STANDARD, b,
                    "the citation lacks %s; a first citation gives type, number and symbol, "
                    "date, issuer and subject",
                    pg_buf_str(&b2));
            pg_buf_free(&b2);
        }
        free(text);
    }
}

/* The bytes the plan was parsed from: opts->src, else the file read again when
 * it is a regular file whose bytes are still those parsed (else NULL: no
 * finding is fixable). Heap (free()). */
static char *plan_bytes(const pg_doc *doc, const pg_lint_opts *opts, size_t *len)
{
    gchar *src = NULL;
    gsize n = 0;
    if (opts && opts->src) {
        src = g_malloc(opts->len + 1);
        memcpy(src, opts->src, opts->len);
        src[opts->len] = '\0';
        n = opts->len;
    } else {
        /* the safe reader: a regular file only, never waited on, never grown past
         * the largest plan a parse takes (a file swapped since is found by its hash) */
        char *bytes = NULL, why[PG_WHY_MAX];
        size_t got = 0;
        if (!doc->file ||
            pg_read_regular_file(doc->file, PLAN_BYTES_MAX, &bytes, &got, why) != PG_INPUT_OK)
            return NULL;
        src = bytes;
        n = got;
    }
    char hash[PG_HASH_HEX];
    pg_sha256_hex(src, n, hash);
    if (strcmp(hash, doc->source_hash) != 0) {
        g_free(src);
        return NULL;
    }
    *len = n;
    return src;
}

/* ---- placeholders: "[Họ và tên]" written by `new`, `derive` and templates ---------- */

/* Reports the first "[...]" of text holding a letter (a placeholder, not "[1]"). */
static void placeholder_in(linter *l, const char *file, pg_pos pos, const char *text)
{
    for (const char *o = text ? strchr(text, '[') : NULL; o; o = strchr(o + 1, '[')) {
        const char *c = strchr(o, ']');
        if (!c)
            return;
        int letter = 0;
        for (const char *p = g_utf8_next_char(o); p < c; p = g_utf8_next_char(p))
            letter |= g_unichar_isalpha(g_utf8_get_char(p));
        if (!letter || memchr(o + 1, '[', (size_t)(c - o - 1)))
            continue;
        pg_diag_add(l->diags, PG_W_PLACEHOLDER, file, pos.line, pos.col,
                    "\"%.*s\" stands where the plan's own text goes; write that text",
                    (int)(c - o + 1), o);
        l->findings++;
        return;
    }
}

static int walk_placeholders(pg_node *n, int depth, void *ud)
{
    (void)depth;
    linter *l = ud;
    const char *file = n->file ? n->file : l->doc->file;
    if (n->type == PG_NODE_TEXT)
        placeholder_in(l, file, n->pos, n->u.text.text);
    else if (n->type == PG_NODE_SECTION)
        placeholder_in(l, file, n->pos, n->u.section.title);
    return 0;
}

static void check_placeholders(linter *l)
{
    const pg_doc *doc = l->doc;
    const char *f = doc->file;
    if (doc->issuer) {
        char *t = pg_inline_text(doc->issuer);
        placeholder_in(l, f, doc->issuer->pos, t);
        free(t);
        placeholder_in(l, f, doc->issuer->pos, doc->parent_body);
        placeholder_in(l, f, doc->issuer->pos, doc->place);
    }
    if (doc->summary) {
        char *t = pg_inline_text(doc->summary);
        placeholder_in(l, f, doc->summary->pos, t);
        free(t);
    }
    pg_node_walk(doc->body, walk_placeholders, NULL, l);
    if (doc->appendices)
        pg_node_walk(doc->appendices, walk_placeholders, NULL, l);
    for (size_t i = 0; i < doc->n_recipients; i++)
        placeholder_in(l, f, doc->recipients[i].pos, doc->recipients[i].text);
    placeholder_in(l, f, doc->recipients_pos, doc->archive);
    placeholder_in(l, f, doc->signature.pos, doc->signature.collective);
    placeholder_in(l, f, doc->signature.pos, doc->signature.title);
    placeholder_in(l, f, doc->signature.pos, doc->signature.name);
}

int pg_lint(const pg_doc *doc, const pg_style *style, const pg_lint_opts *opts,
            pg_diag_list *diags, pg_edits *edits)
{
    linter l = {doc, style, diags, edits, strcmp(style->rules, "nd30") == 0, 0, NULL, 0, NULL, 0};
    l.src = plan_bytes(doc, opts, &l.len);
    if (l.src) {
        size_t lines = 1;
        for (size_t i = 0; i < l.len; i++)
            lines += l.src[i] == '\n';
        l.lines = pg_xmalloc(lines * sizeof *l.lines);
        l.lines[l.n_lines++] = 0;
        for (size_t i = 0; i < l.len; i++)
            if (l.src[i] == '\n')
                l.lines[l.n_lines++] = i + 1;
    }
    if (edits)
        memcpy(edits->hash, doc->source_hash, sizeof edits->hash);
    check_recipients(&l);
    check_number(&l);
    check_dates(&l, opts ? opts->today : NULL, opts ? opts->today_used : NULL);
    check_summary(&l);
    pg_node_walk(doc->body, walk_numbers, NULL, &l);
    check_basis(&l);
    check_placeholders(&l);
    g_free(l.src);
    free(l.lines);
    return l.findings;
}

static int cmp_edit(const void *a, const void *b)
{
    const pg_edit *x = a, *y = b;
    return (x->offset < y->offset) - (x->offset > y->offset); /* last first */
}

/* Writes text over the regular file target (st: its status) atomically: a
 * temporary file beside it, given the target's mode and owner, renamed over it.
 * Returns 1, else 0 with a diagnostic naming path (the name the user gave). */
static int replace_file(const char *path, const char *target, const struct stat *st,
                        const GString *text, pg_diag_list *diags)
{
    int rc = 0, fd = -1;
    const char *why = NULL;
    char *tmp = g_strdup_printf("%s.tmp.XXXXXX", target);
    fd = mkstemp(tmp);
    if (fd < 0) {
        pg_diag_add(diags, PG_E_OUTPUT, path, 0, 0,
                    "cannot create a file beside it to write the corrected plan (%s); nothing "
                    "was fixed",
                    strerror(errno));
        goto cleanup;
    }
    for (size_t done = 0; done < text->len;) {
        ssize_t w = write(fd, text->str + done, text->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            why = strerror(w < 0 ? errno : ENOSPC);
            goto failed;
        }
        done += (size_t)w;
    }
    /* the plan keeps its owner and its mode (a read-only plan stays read-only) */
    struct stat now;
    if (fstat(fd, &now) != 0) {
        why = strerror(errno);
        goto failed;
    }
    if ((now.st_uid != st->st_uid || now.st_gid != st->st_gid) &&
        fchown(fd, st->st_uid, st->st_gid) != 0) {
        why = _("its owner could not be kept");
        goto failed;
    }
    if (fchmod(fd, st->st_mode & 07777) != 0 || fsync(fd) != 0) {
        why = strerror(errno);
        goto failed;
    }
    if (close(fd) != 0) {
        fd = -1;
        why = strerror(errno);
        goto failed;
    }
    fd = -1;
    if (rename(tmp, target) != 0) {
        why = strerror(errno);
        goto failed;
    }
    rc = 1;
    goto cleanup;
failed:
    pg_diag_add(diags, PG_E_OUTPUT, path, 0, 0, "%s; nothing was fixed", why);
    if (fd >= 0)
        close(fd);
    unlink(tmp);
cleanup:
    g_free(tmp);
    return rc;
}

int pg_edits_apply(const char *path, pg_edits *edits, pg_diag_list *diags)
{
    int rc = 0;
    gchar *src = NULL;
    gsize len = 0;
    GString *s = NULL;
    /* a symbolic link is written through: its target is the plan */
    char *target = realpath(path, NULL);
    struct stat st;
    if (!target || stat(target, &st) != 0) {
        pg_diag_add(diags, PG_E_IO, path, 0, 0, "%s; nothing was fixed", strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        pg_diag_add(diags, PG_E_OUTPUT, path, 0, 0,
                    "not a regular file; nothing was fixed: fix the plan by hand");
        goto cleanup;
    }
    if (st.st_nlink > 1) {
        pg_diag_add(diags, PG_E_OUTPUT, path, 0, 0,
                    "the plan has %ju hard links, which replacing it would break; nothing was "
                    "fixed: fix it by hand, or --fix a copy of its own",
                    (uintmax_t)st.st_nlink);
        goto cleanup;
    }
    {
        char *bytes = NULL, why[PG_WHY_MAX];
        size_t got = 0;
        if (pg_read_regular_file(target, PLAN_BYTES_MAX, &bytes, &got, why) != PG_INPUT_OK) {
            pg_diag_add(diags, PG_E_IO, path, 0, 0, "cannot read the plan again to fix it: %s",
                        why);
            goto cleanup;
        }
        src = bytes;
        len = got;
    }
    char hash[PG_HASH_HEX];
    pg_sha256_hex(src, len, hash);
    if (strcmp(hash, edits->hash) != 0) {
        pg_diag_add(diags, PG_E_OUTPUT, path, 0, 0,
                    "the plan changed while it was checked; nothing was fixed: run check --fix "
                    "again");
        goto cleanup;
    }
    qsort(edits->items, edits->n, sizeof *edits->items, cmp_edit);
    s = g_string_new_len(src, (gssize)len);
    size_t limit = len;
    for (size_t i = 0; i < edits->n; i++) {
        const pg_edit *e = &edits->items[i];
        if (e->offset + e->len > limit)
            continue; /* overlaps an edit already made */
        g_string_erase(s, (gssize)e->offset, (gssize)e->len);
        g_string_insert(s, (gssize)e->offset, e->text);
        limit = e->offset;
    }
    if (!replace_file(path, target, &st, s, diags))
        goto cleanup;
    rc = 1;
cleanup:
    if (s)
        g_string_free(s, TRUE);
    g_free(src);
    free(target);
    return rc;
}

void pg_edits_free(pg_edits *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->items[i].text);
    free(e->items);
    e->items = NULL;
    e->n = e->cap = 0;
}
