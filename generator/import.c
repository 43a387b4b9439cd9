/* import.c - the recogniser of `plangen import`: from a reader's paragraphs
 * (import.h) to plan XML: header, summary, basis, numbered sections, items,
 * recipients, signature; anything else kept as <p> with a warning. */
#include "import.h"

#include "arena.h"
#include "i18n.h"
#include "scaffold.h" /* pg_plan_model_pi() */

#include <glib.h>
#include <stdlib.h>
#include <string.h>

/* One working line: a paragraph, or paragraphs joined across a page break. */
typedef struct {
    GString *plain; /* the text of all runs */
    GArray *runs;   /* pg_import_run, texts owned here */
    int line;
    int in_cell, table, row, col;
    int picture; /* pg_import_para.picture */
} ln;

typedef struct {
    GString *out;
    const char *file;
    pg_diag_list *diags;
    pg_import_stats *st;
    GString *todo;
    int last_line;          /* of the input, for what is missing at its end */
    struct footnote *notes; /* the footnote lines ("¹ text") of the body */
    size_t n_notes;
    int lines;      /* the input's entries are lines of text (pg_import_doc.lines) */
    int in_note;    /* writing a footnote's text: no <deadline> there */
    const char *style; /* "party" or "state" */
    unsigned strip; /* PG_RUN_* marks runs_out leaves out (a header row's bold) */
} ctx;

/* A footnote line of PDF-extracted text: its marker ("¹") and its text; used
 * once a paragraph's marker has taken it in. */
struct footnote {
    char marker[4];
    ln text;
    int used;
};

int pg_import_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                   pg_diag_list *diags)
{
    int zip = len >= 4 && memcmp(bytes, "PK\3\4", 4) == 0;
    /* an OpenDocument's first entry is "mimetype", stored: its name at byte 30
     * of the local header, its content right after (the ODT reader refuses
     * another kind than text with a clear message) */
    static const char odt[] = "mimetypeapplication/vnd.oasis.opendocument.";
    int odt_mime = zip && len >= 30 + sizeof odt - 1 && memcmp(bytes + 30, odt, sizeof odt - 1) == 0;
    if (odt_mime || pg_import_is_fodt(bytes, len) || g_str_has_suffix(file, ".odt") ||
        g_str_has_suffix(file, ".ODT") || g_str_has_suffix(file, ".fodt"))
        return pg_import_odt_read(bytes, len, file, doc, diags);
    if (zip || g_str_has_suffix(file, ".docx") || g_str_has_suffix(file, ".DOCX"))
        return pg_import_docx_read(bytes, len, file, doc, diags);
    return pg_import_text_read(bytes, len, file, doc, diags);
}

/* Words of s[0..n) as import.h defines them. */
static size_t count_words_n(const char *s, size_t n)
{
    size_t words = 0;
    int in = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t l = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' ? 1
                   : c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0       ? 2
                                                                                      : 0;
        if (l) {
            in = 0;
            i += l;
        } else {
            words += !in;
            in = 1;
            i++;
        }
    }
    return words;
}

size_t pg_import_count_words(const char *s)
{
    return count_words_n(s, strlen(s));
}

/* ---- XML output ---------------------------------------------------------------- */

static void esc(GString *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            g_string_append(o, "&amp;");
            break;
        case '<':
            g_string_append(o, "&lt;");
            break;
        case '>':
            g_string_append(o, "&gt;");
            break;
        case '"':
            g_string_append(o, "&quot;");
            break;
        case '\t':
        case '\r':
        case '\n':
            g_string_append_c(o, ' ');
            break;
        default:
            g_string_append_c(o, s[i]);
        }
    }
}

/* Text written into the plan: escaped and counted as words out. */
static void text_out(ctx *c, const char *s, size_t n)
{
    c->st->words_out += count_words_n(s, n);
    esc(c->out, s, n);
}

static void attr_out(ctx *c, const char *name, const char *s)
{
    g_string_append_printf(c->out, " %s=\"", name);
    text_out(c, s, strlen(s));
    g_string_append_c(c->out, '"');
}

/* A placeholder for the writer to replace: not input, so not counted. */
static void todo(ctx *c, int line, const char *what)
{
    g_string_append_printf(c->todo, _("%s:%d: fill in %s\n"), c->file, line, _(what));
}

/* The runs of l from plain byte offset skip to plain byte offset end, with
 * <b>/<i>/<u> for marks; leading and trailing spaces trimmed. */
static void runs_out(ctx *c, const ln *l, size_t skip, size_t end);

/* A deadline phrase at s: "trước ngày 15/6/2023", "chậm nhất ngày 5/6/2023",
 * "trong tháng 4/2023" (the month's last day). Returns its length and writes
 * its date (YYYY-MM-DD) into date, or returns 0. */
static size_t deadline_at(const char *s, size_t n, char date[11])
{
    static const char *const leads[] = {"trước ngày ", "chậm nhất ngày ", "trong tháng "};
    for (size_t k = 0; k < 3; k++) {
        size_t ll = strlen(leads[k]);
        if (n <= ll || strncmp(s, leads[k], ll) != 0)
            continue;
        int v[3] = {0}, parts = 0;
        size_t i = ll;
        while (parts < 3 && i < n && s[i] >= '0' && s[i] <= '9') {
            size_t d = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9' && d < 4)
                v[parts] = v[parts] * 10 + (s[i++] - '0'), d++;
            parts++;
            if (i + 1 < n && s[i] == '/' && s[i + 1] >= '0' && s[i + 1] <= '9')
                i++;
            else
                break;
        }
        if (i < n && s[i] >= '0' && s[i] <= '9')
            return 0;
        int want = k == 2 ? 2 : 3;
        if (parts != want)
            return 0;
        int day = want == 3 ? v[0] : 0, month = v[want - 2], year = v[want - 1];
        if (month < 1 || month > 12 || year < 1945 || year > 2200)
            return 0;
        int last = g_date_get_days_in_month((GDateMonth)month, (GDateYear)year);
        if (want == 2)
            day = last;
        if (day < 1 || day > last)
            return 0;
        snprintf(date, 11, "%04d-%02d-%02d", year, month, day);
        return i;
    }
    return 0;
}

/* Writes s[0..n) escaped; a deadline phrase in it becomes <deadline>. */
static void esc_inline(ctx *c, const char *s, size_t n)
{
    size_t i = 0, from = 0;
    while (!c->in_note && i < n) {
        char date[11];
        size_t dl = (i == 0 || s[i - 1] == ' ') ? deadline_at(s + i, n - i, date) : 0;
        if (!dl) {
            i++;
            continue;
        }
        esc(c->out, s + from, i - from);
        g_string_append_printf(c->out, "<deadline date=\"%s\">", date);
        esc(c->out, s + i, dl);
        g_string_append(c->out, "</deadline>");
        i += dl;
        from = i;
    }
    esc(c->out, s + from, n - from);
}

/* Writes s[0..n) escaped, with a <footnote> for each marker of a footnote not
 * yet used (the marker itself is replaced: plangen numbers footnotes). */
static void text_with_notes(ctx *c, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        struct footnote *hit = NULL;
        size_t at = n;
        for (size_t k = 0; k < c->n_notes; k++) {
            if (c->notes[k].used)
                continue;
            const char *m = g_strstr_len(s + i, (gssize)(n - i), c->notes[k].marker);
            if (m && (size_t)(m - s) < at)
                at = (size_t)(m - s), hit = &c->notes[k];
        }
        esc_inline(c, s + i, at - i);
        if (!hit)
            break;
        hit->used = 1;
        g_string_append(c->out, "<footnote>");
        struct footnote *notes = c->notes; /* no footnote inside a footnote */
        size_t nn = c->n_notes;
        c->n_notes = 0;
        c->in_note = 1;
        runs_out(c, &hit->text, strlen(hit->marker), hit->text.plain->len);
        c->in_note = 0;
        c->notes = notes, c->n_notes = nn;
        g_string_append(c->out, "</footnote>");
        i = at + strlen(hit->marker);
    }
}

static void runs_out(ctx *c, const ln *l, size_t skip, size_t end)
{
    while (skip < end && (l->plain->str[skip] == ' ' || l->plain->str[skip] == '\t'))
        skip++;
    while (end > skip && (l->plain->str[end - 1] == ' ' || l->plain->str[end - 1] == '\t'))
        end--;
    size_t at = 0;
    for (guint k = 0; k < l->runs->len; k++) {
        const pg_import_run *r = &g_array_index(l->runs, pg_import_run, k);
        size_t rl = strlen(r->text), a = at, b = at + rl;
        at = b;
        if (b <= skip || a >= end)
            continue;
        if (a < skip)
            a = skip;
        if (b > end)
            b = end;
        const char *s = r->text + (a - (at - rl));
        unsigned marks = r->marks & ~c->strip;
        if (marks & PG_RUN_BOLD)
            g_string_append(c->out, "<b>");
        if (marks & PG_RUN_ITALIC)
            g_string_append(c->out, "<i>");
        if (marks & PG_RUN_UNDERLINE)
            g_string_append(c->out, "<u>");
        text_with_notes(c, s, b - a); /* counted below, as one text: a mark may split a word */
        if (marks & PG_RUN_UNDERLINE)
            g_string_append(c->out, "</u>");
        if (marks & PG_RUN_ITALIC)
            g_string_append(c->out, "</i>");
        if (marks & PG_RUN_BOLD)
            g_string_append(c->out, "</b>");
    }
    if (end > skip)
        c->st->words_out += count_words_n(l->plain->str + skip, end - skip);
}

static void unplaced(ctx *c, const ln *l, const char *indent, const char *why)
{
    g_string_append_printf(c->out, "%s<p>", indent);
    runs_out(c, l, 0, l->plain->len);
    g_string_append(c->out, "</p>\n");
    c->st->unplaced++;
    pg_diag_add(c->diags, PG_W_IMPORT, c->file, l->line, 1, "%s", _(why));
}

/* ---- recognising lines --------------------------------------------------------- */

static const char *roman[] = {"I",  "II", "III", "IV",  "V",    "VI",  "VII", "VIII",
                              "IX", "X",  "XI",  "XII", "XIII", "XIV", "XV"};

/* A heading's numbering at the start of s: returns its kind (1 roman, 2 "1",
 * 3 "1.1", 4 "1.1.1", 5 "a)") and its byte length in *len (the mark only), or 0. */
/* Whether the parts after the first of the dotted number s[0..n) have at most
 * two digits each: "1.12" numbers a heading, "1.500" is fifteen hundred. */
static int short_parts(const char *s, size_t n)
{
    size_t digits = 0;
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            first = 0, digits = 0;
            continue;
        }
        if (!first && ++digits > 2)
            return 0;
    }
    return 1;
}

static int numbering(const char *s, size_t *len)
{
    size_t i = 0;
    for (size_t k = sizeof roman / sizeof *roman; k-- > 0;) {
        size_t rl = strlen(roman[k]);
        if (strncmp(s, roman[k], rl) == 0 && (s[rl] == '-' || s[rl] == '.') && s[rl + 1] == ' ') {
            *len = rl + 1;
            return 1;
        }
    }
    int parts = 0;
    while (s[i] >= '0' && s[i] <= '9') {
        size_t d = 0;
        while (s[i] >= '0' && s[i] <= '9' && d < 3)
            i++, d++;
        parts++;
        if (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')
            i++;
        else
            break;
    }
    if (parts && parts <= 3 && (s[i] == '.' || s[i] == '-') && s[i + 1] == ' ') {
        *len = i + 1;
        return parts + 1;
    }
    if (parts == 1 && s[i] == ' ' && (s[i + 1] == '.' || s[i + 1] == '-') && s[i + 2] == ' ' &&
        g_unichar_isupper(g_utf8_get_char(s + i + 3))) {
        *len = i + 2; /* "3 . Title", typed carelessly ("5 - 7 ngày" is no heading) */
        return 2;
    }
    if (parts >= 2 && s[i] == ' ' && short_parts(s, i) &&
        g_unichar_isupper(g_utf8_get_char(s + i + 1))) {
        *len = i; /* "1.1 Title" ("1.500 đảng viên" is a number) */
        return parts + 1;
    }
    if (((s[0] >= 'a' && s[0] <= 'z') && (s[1] == ')' || s[1] == '-') && s[2] == ' ')) {
        *len = 2;
        return 5;
    }
    if (strncmp(s, "đ) ", 4) == 0 || strncmp(s, "đ- ", 4) == 0) {
        *len = 3;
        return 5;
    }
    return 0;
}

/* A bullet at the start of s: "dash", "plus", "star" and its length, or NULL. */
static const char *bullet(const char *s, size_t *len)
{
    if ((s[0] == '-' || s[0] == '+' || s[0] == '*') && (s[1] == ' ' || s[1] == '\t')) {
        *len = 1;
        return s[0] == '-' ? "dash" : s[0] == '+' ? "plus" : "star";
    }
    if (s[0] == '-' && g_unichar_isupper(g_utf8_get_char(s + 1))) {
        *len = 1; /* "-Văn phòng …": a dash typed without its space */
        return "dash";
    }
    if (strncmp(s, "•", 3) == 0 && s[3] == ' ') {
        *len = 3;
        return "dash";
    }
    return NULL;
}

static int ends_sentence(const GString *s)
{
    if (!s->len)
        return 1;
    char e = s->str[s->len - 1];
    /* (ASCII marks by their byte; a closing quote by its three bytes: the
     * last byte of "”" ends other letters too, "ờ" among them) */
    return strchr(".:;!?)\"", e) != NULL ||
           (s->len >= 3 && memcmp(s->str + s->len - 3, "”", 3) == 0);
}

static int starts_lower(const char *s)
{
    gunichar u = g_utf8_get_char(s);
    return g_unichar_islower(u);
}

static int is_page_number(const GString *s)
{
    if (s->len == 0 || s->len > 3)
        return 0;
    for (size_t i = 0; i < s->len; i++)
        if (s->str[i] < '0' || s->str[i] > '9')
            return 0;
    return 1;
}

static int starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* The length of a superscript digit at s ("¹", "²", "³", "⁴"…"⁹", "⁰"), or 0. */
static size_t superscript_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == 0xC2 && (u[1] == 0xB9 || u[1] == 0xB2 || u[1] == 0xB3))
        return 2;
    if (u[0] == 0xE2 && u[1] == 0x81 && (u[2] == 0xB0 || (u[2] >= 0xB4 && u[2] <= 0xB9)))
        return 3;
    return 0;
}

/* A rule typed as a line of its own: "-----", "___", "* * *". */
static int is_rule(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s == ' ')
            continue;
        if (!strchr("-_=*.", *s))
            return 0;
        n++;
    }
    return n >= 3;
}

static int is_structural(const char *s)
{
    size_t l;
    return is_rule(s) || numbering(s, &l) || bullet(s, &l) || starts_with(s, "Nơi nhận") ||
           starts_with(s, "Căn cứ") || starts_with(s, "Thực hiện");
}

static void ln_append(ln *a, const ln *b)
{
    pg_import_run sp = {g_strdup(" "), 0};
    g_array_append_val(a->runs, sp);
    for (guint k = 0; k < b->runs->len; k++) {
        pg_import_run r = g_array_index(b->runs, pg_import_run, k);
        r.text = g_strdup(r.text);
        g_array_append_val(a->runs, r);
    }
    g_string_append_c(a->plain, ' ');
    g_string_append_len(a->plain, b->plain->str, (gssize)b->plain->len);
}

static void ln_free(ln *l)
{
    for (guint k = 0; k < l->runs->len; k++)
        g_free(g_array_index(l->runs, pg_import_run, k).text);
    g_array_free(l->runs, TRUE);
    g_string_free(l->plain, TRUE);
}

/* Trims the trailing spaces of a line, from its runs and its plain text alike
 * (the offsets runs_out works with must stay those of both); leading spaces
 * stay, runs_out skips them. */
static void trim(ln *l)
{
    while (l->runs->len) {
        pg_import_run *r = &g_array_index(l->runs, pg_import_run, l->runs->len - 1);
        size_t n = strlen(r->text);
        while (n && (r->text[n - 1] == ' ' || r->text[n - 1] == '\t'))
            r->text[--n] = '\0';
        if (n)
            break;
        g_free(r->text);
        g_array_set_size(l->runs, l->runs->len - 1);
    }
    g_string_truncate(l->plain, 0);
    for (guint k = 0; k < l->runs->len; k++)
        g_string_append(l->plain, g_array_index(l->runs, pg_import_run, k).text);
}

/* Whether every run of l with text carries mark. */
static int all_marked(const ln *l, unsigned mark)
{
    int any = 0;
    for (guint k = 0; k < l->runs->len; k++) {
        const pg_import_run *r = &g_array_index(l->runs, pg_import_run, k);
        if (!*r->text)
            continue;
        if (!(r->marks & mark))
            return 0;
        any = 1;
    }
    return any;
}

/* The end of the bold or italic text of l from offset from on (spaces
 * skipped): the runs that carry the mark of the first; *mark gets it (0 when
 * the text there is plain, and from is returned). */
static size_t marked_prefix(const ln *l, size_t from, unsigned *mark)
{
    while (from < l->plain->len && (l->plain->str[from] == ' ' || l->plain->str[from] == '\t'))
        from++;
    *mark = 0;
    size_t at = 0, end = from;
    for (guint k = 0; k < l->runs->len; k++) {
        const pg_import_run *r = &g_array_index(l->runs, pg_import_run, k);
        size_t rl = strlen(r->text);
        if (at + rl > from) {
            unsigned m = r->marks & (PG_RUN_BOLD | PG_RUN_ITALIC);
            if (!*mark && at <= from)
                *mark = m;
            if (!*mark || (m & *mark) != *mark)
                break;
            end = at + rl;
        }
        at += rl;
    }
    return *mark ? end : from;
}

static ln ln_from(const pg_import_para *p)
{
    ln l = {g_string_new(NULL),
            g_array_new(FALSE, FALSE, sizeof(pg_import_run)),
            p->line,
            p->in_cell,
            p->table,
            p->row,
            p->col,
            p->picture};
    for (size_t k = 0; k < p->n_runs; k++) {
        pg_import_run r = {g_strdup(p->runs[k].text), p->runs[k].marks};
        g_array_append_val(l.runs, r);
        g_string_append(l.plain, r.text);
    }
    /* trim, keeping runs in step: only the plain text is trimmed at its ends,
     * runs_out trims again */
    return l;
}

/* The numbering format of a typed mark s[0..len) of kind: "II-" gives "I-",
 * "2.1." gives "1.1.", "b)" gives "a)". Written into fmt (size 16). */
static void mark_format(const char *s, size_t len, int kind, char *fmt)
{
    size_t o = 0, i = 0;
    if (kind == 1) {
        while (i < len && strchr("IVX", s[i]))
            i++;
        fmt[o++] = 'I';
    } else if (kind == 5) {
        i = len - 1;
        fmt[o++] = 'a';
    }
    while (i < len && o < 14) {
        if (s[i] >= '0' && s[i] <= '9') {
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
            fmt[o++] = '1';
        } else {
            fmt[o++] = s[i++];
        }
    }
    fmt[o] = '\0';
}

/* The style's own format at depth (1-based), from templates/styles. */
static const char *style_format(const char *style, int depth)
{
    static const char *party[] = {"I-", "1-", "1.1.", "1.1.1-", "a)", "a)", "a)", "a)"};
    static const char *state[] = {"I.", "1.", "a)", "-", "+", "+", "+", "+"};
    if (depth < 1 || depth > 8)
        return "";
    return strcmp(style, "state") == 0 ? state[depth - 1] : party[depth - 1];
}

/* "Phụ lục", "PHỤ LỤC II", "Phụ lục số 01": an appendix's label, which plangen
 * prints itself. */
static int appendix_label(const char *s)
{
    if (!starts_with(s, "Phụ lục") && !starts_with(s, "PHỤ LỤC"))
        return 0;
    s += strlen("Phụ lục");
    while (*s == ' ')
        s++;
    if (starts_with(s, "số ") || starts_with(s, "SỐ "))
        s += 4;
    while (*s && (strchr("IVXLC", *s) || (*s >= '0' && *s <= '9')))
        s++;
    while (*s == ' ' || *s == ':' || *s == '.')
        s++;
    return *s == '\0';
}

/* "(kèm theo Kế hoạch …)", "(Kèm theo …)": the line under an appendix that
 * plangen writes from the plan's number and date. */
static int attachment_line(const char *s)
{
    size_t n = strlen(s);
    return (starts_with(s, "(kèm theo ") || starts_with(s, "(Kèm theo ")) && n && s[n - 1] == ')';
}

/* A date written "28/3/2023" or "ngày 28 tháng 3 năm 2023" at s: its length,
 * or 0; the date goes to y, m, d. */
static size_t cited_date(const char *s, int *y, int *m, int *d)
{
    int used = 0;
    if (sscanf(s, "%2d/%2d/%4d%n", d, m, y, &used) == 3 && used >= 8)
        return (size_t)used;
    used = 0;
    if (sscanf(s, "%2d tháng %2d năm %4d%n", d, m, y, &used) == 3 && used)
        return (size_t)used;
    return 0;
}

/* The document a basis paragraph cites first - "Thực hiện Kế hoạch số
 * 179-KH/TU, ngày 28/3/2023 của Ban Thường vụ Tỉnh ủy về …, <own body> xây dựng
 * Kế hoạch … như sau:" - written as <implements> (report="no": the recipients
 * are the old plan's own). Returns whether one was written to o. */
static int implements_out(GString *o, const char *s)
{
    const char *p = NULL;
    if (starts_with(s, "Thực hiện "))
        p = s + strlen("Thực hiện ");
    else if (starts_with(s, "Căn cứ "))
        p = s + strlen("Căn cứ ");
    if (!p || !g_unichar_isupper(g_utf8_get_char(p)))
        return 0;
    const char *so = strstr(p, " số ");
    if (!so || so == p || count_words_n(p, (size_t)(so - p)) > 4)
        return 0;
    const char *ref = so + strlen(" số "), *re = ref;
    while (*re && *re != ' ' && *re != ',')
        re++;
    const char *q = re;
    while (*q == ',' || *q == ' ')
        q++;
    if (!starts_with(q, "ngày "))
        return 0;
    q += strlen("ngày ");
    int y = 0, m = 0, d = 0;
    size_t dl = cited_date(q, &y, &m, &d);
    if (!dl || y < 1945 || y > 2200 || m < 1 || m > 12 || d < 1 ||
        d > g_date_get_days_in_month((GDateMonth)m, (GDateYear)y))
        return 0;
    q += dl;
    while (*q == ',' || *q == ' ')
        q++;
    if (!starts_with(q, "của "))
        return 0;
    /* the issuer runs to "về" and the summary, to a verb that starts the
     * summary ("tổ chức …"), or to a comma */
    static const char *const verbs[] = {" tổ chức ", " triển khai ", " hướng dẫn ", " xây dựng ",
                                        " ban hành ", " thực hiện "};
    const char *issuer = q + strlen("của "), *ie = issuer, *sum = NULL;
    for (; *ie && *ie != ',' && *ie != ';' && !starts_with(ie, " ("); ie++) {
        if (starts_with(ie, " về ")) {
            sum = ie + strlen(" về ");
            break;
        }
        size_t v = 0;
        while (v < sizeof verbs / sizeof *verbs && !starts_with(ie, verbs[v]))
            v++;
        if (v < sizeof verbs / sizeof *verbs) {
            sum = ie + 1;
            break;
        }
    }
    while (ie > issuer && (ie[-1] == '.' || ie[-1] == ' '))
        ie--;
    if (ie == issuer || re == ref)
        return 0;
    GString *a = g_string_new(NULL);
    g_string_append(a, "  <implements type=\"");
    esc(a, p, (size_t)(so - p));
    g_string_append(a, "\" number=\"");
    esc(a, ref, (size_t)(re - ref));
    g_string_append_printf(a, "\" date=\"%04d-%02d-%02d\" issuer=\"", y, m, d);
    esc(a, issuer, (size_t)(ie - issuer));
    g_string_append_c(a, '"');
    if (sum) {
        /* the summary runs to the end of its sentence, or to the clause where
         * the plan's own body "xây dựng/ban hành Kế hoạch" */
        const char *se = sum + strlen(sum), *dot = strstr(sum, ". ");
        if (dot)
            se = dot;
        static const char *const own[] = {" xây dựng Kế hoạch", " xây dựng kế hoạch",
                                          " ban hành Kế hoạch", " ban hành kế hoạch"};
        for (size_t k = 0; k < sizeof own / sizeof *own; k++) {
            const char *o = strstr(sum, own[k]);
            if (!o || o >= se)
                continue;
            for (const char *m2 = o; m2 > sum; m2--)
                if (m2[0] == ',' && m2[1] == ' ') {
                    se = m2;
                    break;
                }
        }
        while (se > sum && strchr(".;: ", se[-1]))
            se--;
        if (se > sum) {
            g_string_append(a, " summary=\"");
            esc(a, sum, (size_t)(se - sum));
            g_string_append_c(a, '"');
        }
    }
    g_string_append(a, " report=\"no\"/>\n");
    g_string_append_len(o, a->str, (gssize)a->len);
    g_string_free(a, TRUE);
    return 1;
}

/* The line naming the kind of document, as the standards print it: "KẾ HOẠCH",
 * or another kind plangen knows ("CHƯƠNG TRÌNH", "HƯỚNG DẪN" …). */
static int doc_type(const char *s)
{
    static const char *const types[] = {"KẾ HOẠCH",   "CHƯƠNG TRÌNH", "HƯỚNG DẪN", "BÁO CÁO",
                                        "THÔNG BÁO",  "NGHỊ QUYẾT",   "QUYẾT ĐỊNH", "CHỈ THỊ",
                                        "KẾT LUẬN",   "QUY ĐỊNH",     "PHƯƠNG ÁN",  "ĐỀ ÁN"};
    for (size_t k = 0; k < sizeof types / sizeof *types; k++)
        if (strcmp(s, types[k]) == 0)
            return 1;
    return 0;
}

/* ---- the parts of a plan ------------------------------------------------------- */

typedef struct {
    const char *issuer_lines[8];
    int n_issuer;
    char *number, *symbol, *place, *date;
    const char *style;
    int seen_number; /* a second "Số" line is no number line */
    int no_place;    /* the date line was read, its place is missing */
} header;

static int is_upper_line(const char *s)
{
    int letters = 0;
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        if (g_unichar_islower(u))
            return 0;
        letters += g_unichar_isalpha(u) != 0;
    }
    return letters > 0;
}

/* "Số 60-KH/ĐUK", "Số: 05/KH-SKHCN", "Số:    /KH-SKHCN" */
static int number_line(ctx *c, header *h, const char *s)
{
    if (h->seen_number || !starts_with(s, "Số"))
        return 0;
    const char *p = s + strlen("Số");
    if (*p != ' ' && *p != ':')
        return 0;
    h->seen_number = 1;
    while (*p == ' ' || *p == ':')
        p++;
    const char *d = p;
    while (*p >= '0' && *p <= '9')
        p++;
    size_t total = pg_import_count_words(s);
    if (p > d && p - d <= 6) { /* (a longer run of digits is no document number) */
        h->number = g_strndup(d, (size_t)(p - d));
        c->st->marks += total - 1;
    } else {
        c->st->marks += total;
    }
    const char *slash = strrchr(p, '/');
    if (slash && slash[1]) {
        const char *sym = slash + 1;
        const char *dash = strrchr(p, '-');
        if (dash && dash > slash) /* state form "05/KH-SKHCN" */
            sym = dash + 1;
        h->symbol = g_strstrip(g_strdup(sym));
        if (!*h->symbol || strpbrk(h->symbol, " \t\"<>&")) { /* "Số: 05/KH-": none */
            g_free(h->symbol);
            h->symbol = NULL;
        }
    }
    return 1;
}

/* "Hưng Yên, ngày 30 tháng 3 năm 2023" */
static int date_line(ctx *c, header *h, const char *s)
{
    const char *ngay = strstr(s, ", ngày ");
    if (!ngay || h->place || h->no_place)
        return 0;
    int dd = 0, mm = 0, yy = 0;
    const char *p = ngay + strlen(", ngày ");
    char *rest = g_strdup(p);
    int got = sscanf(rest, "%d tháng %d năm %d", &dd, &mm, &yy);
    g_free(rest);
    h->place = g_strstrip(g_strndup(s, (size_t)(ngay - s)));
    if (got == 3 && yy >= 1900 && yy <= 2200 && g_date_valid_dmy((GDateDay)dd, (GDateMonth)mm, (GDateYear)yy))
        h->date = g_strdup_printf("%04d-%02d-%02d", yy, mm, dd);
    else if (got < 3 &&
             sscanf(strstr(s, "tháng") ? strstr(s, "tháng") : "", "tháng %d năm %d", &mm, &yy) ==
                 2 &&
             mm >= 1 && mm <= 12 && yy >= 1900 && yy <= 2200)
        h->date = g_strdup_printf("%04d-%02d", yy, mm); /* a draft without its day */
    c->st->marks += pg_import_count_words(s) - pg_import_count_words(h->place);
    if (!*h->place) { /* ", ngày …": the place is left to fill */
        g_free(h->place);
        h->place = NULL;
        h->no_place = 1;
    }
    return 1;
}

static const struct {
    const char *prefix, *authority;
} authorities[] = {{"T/M ", "on-behalf"},
                   {"TM. ", "on-behalf"},
                   {"K/T ", "deputy"},
                   {"KT. ", "deputy"},
                   {"T/L ", "by-order"},
                   {"TL. ", "by-order"},
                   {"TUQ. ", "by-authorisation"},
                   {"Q. ", "acting"}};

static const char *authority_of(const char *s, size_t *len)
{
    for (size_t k = 0; k < sizeof authorities / sizeof *authorities; k++)
        if (starts_with(s, authorities[k].prefix)) {
            *len = strlen(authorities[k].prefix);
            return authorities[k].authority;
        }
    return NULL;
}

/* Strips a trailing run of characters of set from s (in place). */
static void rstrip_set(char *s, const char *set)
{
    size_t n = strlen(s);
    while (n && (strchr(set, s[n - 1]) || s[n - 1] == ' '))
        s[--n] = '\0';
}

/* Counts as marks the words of a line that were not kept (a glued mark may make
 * kept exceed before: then nothing, and the counts in and out disagree). */
static void drop(ctx *c, size_t before, size_t kept)
{
    if (before >= kept)
        c->st->marks += before - kept;
}

/* The recipients from line i on (after "Nơi nhận:"); returns the first line after. */
static size_t recipients(ctx *c, ln *ls, size_t n, size_t i)
{
    g_string_append(c->out, "  <recipients>\n");
    int in_group = 0, any = 0;
    GString *archive = g_string_new(NULL); /* written last, as the schema has it */
    while (i < n) {
        const char *s = ls[i].plain->str;
        size_t bl;
        if (!bullet(s, &bl) || ls[i].in_cell)
            break;
        /* the marks of a recipient line: all its words but those kept (the
         * bullet, the brace, "Lưu", a purpose's parentheses glued to a word) */
        size_t before = pg_import_count_words(s);
        char *t = g_strstrip(g_strdup(s + bl));
        if (starts_with(t, "Lưu") &&
            (t[strlen("Lưu")] == ' ' || t[strlen("Lưu")] == ':' || !t[strlen("Lưu")])) {
            const char *after_luu = t + strlen("Lưu");
            while (*after_luu == ':' || *after_luu == ' ')
                after_luu++;
            char *a = g_strstrip(g_strdup(after_luu));
            char *caret = strstr(a, "^");
            if (caret)
                *caret = '\0';
            rstrip_set(a, ".,;");
            if (c->style && strcmp(c->style, "state") == 0 && starts_with(a, "VT,")) {
                /* the state style writes "Lưu: VT, {archive}" */
                char *rest = g_strstrip(g_strdup(a + strlen("VT,")));
                g_free(a);
                a = rest;
            }
            if (in_group)
                g_string_append(c->out, "    </group>\n"), in_group = 0;
            drop(c, before, pg_import_count_words(a));
            if (*a) {
                GString *saved = c->out;
                c->out = archive;
                if (archive->len)
                    g_string_append(archive, ", "); /* a second "Lưu" line */
                text_out(c, a, strlen(a));
                c->out = saved;
            }
            any = 1;
            g_free(a);
            g_free(t);
            i++;
            continue;
        }
        /* a trailing purpose in parentheses, and a brace "|" or "}" before it */
        char *purpose = NULL;
        rstrip_set(t, ",;.");
        size_t tl = strlen(t);
        if (tl && t[tl - 1] == ')') {
            char *open = strrchr(t, '(');
            if (open) {
                purpose = g_strstrip(g_strndup(open + 1, (size_t)(t + tl - 1 - (open + 1))));
                *open = '\0';
                if (!*purpose) { /* "( )": no purpose */
                    g_free(purpose);
                    purpose = NULL;
                }
            }
        }
        size_t kept_purpose = purpose ? pg_import_count_words(purpose) : 0;
        int brace = 0;
        rstrip_set(t, "");
        tl = strlen(t);
        while (tl && (t[tl - 1] == '|' || t[tl - 1] == '}')) {
            brace = 1;
            t[--tl] = '\0';
            rstrip_set(t, "");
            tl = strlen(t);
        }
        rstrip_set(t, ",;.");
        if (brace && !in_group) {
            /* the group's purpose may stand on any of its lines */
            char *gp = purpose;
            for (size_t j = i + 1; !gp && j < n; j++) {
                const char *u = ls[j].plain->str;
                if (!strchr(u, '|') && !strchr(u, '}'))
                    break;
                const char *o = strrchr(u, '('), *e = strrchr(u, ')');
                if (o && e > o)
                    gp = g_strstrip(g_strndup(o + 1, (size_t)(e - o - 1)));
                if (gp && !*gp) {
                    g_free(gp);
                    gp = NULL;
                }
            }
            g_string_append(c->out, "    <group");
            if (gp) {
                attr_out(c, "purpose", gp);
                if (gp != purpose)
                    c->st->words_out -= pg_import_count_words(gp); /* counted at its line */
            } else {
                g_string_append(c->out, " purpose=\"[để …]\"");
                todo(c, ls[i].line, "the purpose of the recipients the brace joins (group purpose=)");
            }
            g_string_append(c->out, ">\n");
            if (gp != purpose)
                g_free(gp);
            in_group = 1;
            if (purpose) {
                g_free(purpose);
                purpose = NULL;
            }
        } else if (!brace && in_group) {
            g_string_append(c->out, "    </group>\n");
            in_group = 0;
        } else if (brace && purpose) {
            /* the purpose of an open group, counted here for this line */
            c->st->words_out += pg_import_count_words(purpose);
            g_free(purpose);
            purpose = NULL;
        }
        drop(c, before, pg_import_count_words(t) + kept_purpose);
        g_string_append(c->out, in_group ? "      <to" : "    <to");
        if (purpose && *purpose)
            attr_out(c, "purpose", purpose);
        g_string_append(c->out, ">");
        if (*t)
            text_out(c, t, strlen(t));
        else
            g_string_append(c->out, "[Nơi nhận]");
        g_string_append(c->out, "</to>\n");
        any = 1;
        g_free(purpose);
        g_free(t);
        i++;
    }
    if (in_group)
        g_string_append(c->out, "    </group>\n");
    if (!any)
        g_string_append(c->out, "    <to>[Nơi nhận]</to>\n");
    if (archive->len)
        g_string_append_printf(c->out, "    <archive>%s</archive>\n", archive->str);
    g_string_free(archive, TRUE);
    g_string_append(c->out, "  </recipients>\n");
    return i;
}

/* The signature from line i: [AUTHORITY COLLECTIVE] TITLE [NAME]; returns the
 * line after it. */
static size_t signature(ctx *c, ln *ls, size_t n, size_t i)
{
    size_t pl = 0;
    const char *auth = i < n ? authority_of(ls[i].plain->str, &pl) : NULL;
    g_string_append(c->out, "  <signature");
    if (auth) {
        g_string_append_printf(c->out, " authority=\"%s\"", auth);
        c->st->marks += 1;
        char *coll = g_strstrip(g_strdup(ls[i].plain->str + pl));
        if (*coll)
            attr_out(c, "collective", coll);
        g_free(coll);
        i++;
    }
    if (i < n && is_upper_line(ls[i].plain->str) && !ls[i].in_cell) {
        attr_out(c, "title", ls[i].plain->str);
        i++;
    } else {
        g_string_append(c->out, " title=\"[CHỨC VỤ]\"");
        todo(c, i < n ? ls[i].line : c->last_line, "the signer's title (signature title=)");
    }
    if (i < n && !ls[i].in_cell && !is_upper_line(ls[i].plain->str) &&
        pg_import_count_words(ls[i].plain->str) >= 1 &&
        pg_import_count_words(ls[i].plain->str) <= 6 && !is_structural(ls[i].plain->str)) {
        attr_out(c, "name", ls[i].plain->str);
        i++;
    } else {
        g_string_append(c->out, " name=\"[Họ và tên]\"");
        todo(c, i < n ? ls[i].line : c->last_line, "the signer's name (signature name=)");
    }
    g_string_append(c->out, "/>\n");
    return i;
}

/* A copy of the part [a, b) of l's plain text with its runs, out of any table
 * cell; spaces and tabs at both ends left out. */
static ln ln_part(const ln *l, size_t a, size_t b)
{
    while (a < b && (l->plain->str[a] == ' ' || l->plain->str[a] == '\t'))
        a++;
    while (b > a && (l->plain->str[b - 1] == ' ' || l->plain->str[b - 1] == '\t'))
        b--;
    ln p = {g_string_new(NULL), g_array_new(FALSE, FALSE, sizeof(pg_import_run)), l->line, 0, 0,
            0, 0};
    size_t at = 0;
    for (guint k = 0; k < l->runs->len; k++) {
        const pg_import_run *r = &g_array_index(l->runs, pg_import_run, k);
        size_t rl = strlen(r->text), ra = at > a ? at : a, rb = at + rl < b ? at + rl : b;
        if (ra < rb) {
            pg_import_run cut = {g_strndup(r->text + (ra - at), rb - ra), r->marks};
            g_array_append_val(p.runs, cut);
            g_string_append(p.plain, cut.text);
        }
        at += rl;
    }
    return p;
}

/* The two halves of the closing block that starts at ls[nn] ("Nơi nhận:"): the
 * recipients on the left, the signature on the right - the two cells of a
 * table, or the two sides of lines whose halves tabs set apart. Appends copies
 * to left and right (empty halves left out); returns the index of the first
 * line after the block, or nn when the block is neither (lines one after the
 * other, as text extracted from a PDF gives them). */
static size_t closing_halves(ln *ls, size_t n, size_t nn, GArray *left, GArray *right)
{
    size_t j = nn;
    if (ls[nn].in_cell) {
        for (; j < n && ls[j].in_cell && ls[j].table == ls[nn].table; j++) {
            ln part = ln_part(&ls[j], 0, ls[j].plain->len);
            if (part.plain->len)
                g_array_append_val(ls[j].col == ls[nn].col ? left : right, part);
            else
                ln_free(&part);
        }
        return j;
    }
    if (!strchr(ls[nn].plain->str, '\t'))
        return nn;
    for (; j < n && !ls[j].in_cell; j++) {
        const char *t = ls[j].plain->str, *tab = strchr(t, '\t');
        size_t bl;
        if (j > nn && !tab && !bullet(t, &bl))
            break;
        size_t cut = tab ? (size_t)(tab - t) : ls[j].plain->len;
        ln l = ln_part(&ls[j], 0, cut), r = ln_part(&ls[j], cut, ls[j].plain->len);
        if (l.plain->len)
            g_array_append_val(left, l);
        else
            ln_free(&l);
        if (r.plain->len)
            g_array_append_val(right, r);
        else
            ln_free(&r);
    }
    return j;
}

/* Recipients and signature from the closing block at ls[nn] ("Nơi nhận:", or n
 * when there is none); returns the index of the first line after them. What
 * the halves of a table or of tab-separated lines hold beyond the recipients
 * and the signature is kept as <p> before them, with a warning. */
static size_t closing(ctx *c, ln *ls, size_t n, size_t nn)
{
    if (nn >= n)
        return signature(c, ls, n, nn);
    GArray *left = g_array_new(FALSE, FALSE, sizeof(ln)), *right = g_array_new(FALSE, FALSE, sizeof(ln));
    size_t after = closing_halves(ls, n, nn, left, right);
    if (after == nn) { /* one after the other */
        c->st->marks += pg_import_count_words(ls[nn].plain->str); /* "Nơi nhận:" */
        after = recipients(c, ls, n, nn + 1);
        after = signature(c, ls, n, after);
    } else {
        ln *l = (ln *)(void *)left->data, *r = (ln *)(void *)right->data;
        size_t nl = left->len, nr = right->len;
        GString *saved = c->out, *parts = g_string_new(NULL);
        c->out = parts;
        size_t li = 0, ri = 0;
        if (nl && starts_with(l[0].plain->str, "Nơi nhận")) {
            c->st->marks += pg_import_count_words(l[0].plain->str);
            li = recipients(c, l, nl, 1);
        } else {
            li = recipients(c, l, nl, nl); /* the placeholder */
        }
        ri = signature(c, r, nr, 0);
        c->out = saved;
        for (; li < nl; li++)
            unplaced(c, &l[li], "  ",
                     "a line of the closing block's left side that is no recipient; kept "
                     "before the recipients: move it where it belongs");
        for (; ri < nr; ri++)
            unplaced(c, &r[ri], "  ",
                     "a line of the closing block's right side after the signer's name; kept "
                     "before the recipients: move it where it belongs");
        g_string_append_len(c->out, parts->str, (gssize)parts->len);
        g_string_free(parts, TRUE);
    }
    for (guint k = 0; k < left->len; k++)
        ln_free(&g_array_index(left, ln, k));
    for (guint k = 0; k < right->len; k++)
        ln_free(&g_array_index(right, ln, k));
    g_array_free(left, TRUE);
    g_array_free(right, TRUE);
    return after;
}

/* The table whose first cell paragraph is ls[i] (and the tables right after it
 * with as many columns: a table running over pages comes out of a PDF as one
 * table a page) as <table>; the first row is the header. A row whose first
 * cell is empty continues the row before it (a row split by a page break).
 * Returns the index of the first line after it. */
static size_t table_out(ctx *c, const ln *ls, size_t n, size_t i, int depth)
{
    size_t j = i;
    int cols = 0;
    while (j < n && ls[j].in_cell) {
        if (ls[j].col + 1 > cols)
            cols = ls[j].col + 1;
        j++;
    }
    if (cols > 64)
        cols = 64;
    GString *cell[64];
    for (int col = 0; col < cols; col++)
        cell[col] = g_string_new(NULL);
    GString *saved = c->out;
    int open = 0, header = 0;
    g_string_append_printf(saved, "%*s<table>\n", 2 * depth, "");
    /* columns of short texts (a month, a note) narrow and centred, the others
     * sharing the rest, justified: as plans set such tables */
    for (int col = 0; col < cols; col++) {
        glong longest = 0;
        for (size_t m = i; m < j; m++)
            if (ls[m].col == col) {
                glong len = g_utf8_strlen(ls[m].plain->str, -1);
                if (len > longest)
                    longest = len;
            }
        if (longest <= 16)
            g_string_append_printf(saved, "%*s<col width=\"%dmm\" align=\"center\"/>\n",
                                   2 * depth + 2, "", longest <= 10 ? 20 : 27);
        else
            g_string_append_printf(saved, "%*s<col width=\"1*\" align=\"justify\"/>\n",
                                   2 * depth + 2, "");
    }
    size_t k = i;
    while (k <= j) {
        int table = k < j ? ls[k].table : -1, row = k < j ? ls[k].row : -1;
        size_t kend = k;
        int has_first = !c->lines; /* a cell paragraph of a DOCX is in its own row */
        while (kend < j && ls[kend].table == table && ls[kend].row == row)
            has_first |= ls[kend].col == 0, kend++;
        if (open && (k == j || has_first)) { /* flush the row before */
            g_string_append_printf(saved, "%*s<row%s>", 2 * depth + 2, "",
                                   header ? " header=\"yes\"" : "");
            for (int col = 0; col < cols; col++) {
                g_string_append_printf(saved, "<cell>%s</cell>", cell[col]->str);
                g_string_truncate(cell[col], 0);
            }
            g_string_append(saved, "</row>\n");
            open = 0;
        }
        if (k == j)
            break;
        if (!open)
            header = k == i && row == 0;
        open = 1;
        /* a header row set bold: plangen sets header rows in the style's bold */
        int bold = header;
        for (size_t m = k; m < kend && bold; m++)
            bold = all_marked(&ls[m], PG_RUN_BOLD);
        c->strip = bold ? PG_RUN_BOLD : 0;
        for (size_t m = k; m < kend; m++) {
            c->out = cell[ls[m].col < cols ? ls[m].col : cols - 1];
            g_string_append(c->out, "<p>");
            runs_out(c, &ls[m], 0, ls[m].plain->len);
            g_string_append(c->out, "</p>");
        }
        c->strip = 0;
        c->out = saved;
        k = kend;
    }
    g_string_append_printf(saved, "%*s</table>\n", 2 * depth, "");
    for (int col = 0; col < cols; col++)
        g_string_free(cell[col], TRUE);
    return j;
}

/* A picture at ls[i]: a QR code when its alternate text is a link (the
 * caption under it, the link again, is plangen's to print); any other picture
 * is kept as its alternate text in a <p>, with a warning. Returns the index
 * after it. */
static size_t picture_out(ctx *c, const ln *ls, size_t to, size_t i, const char *ind)
{
    const char *s = ls[i].plain->str;
    if ((starts_with(s, "https://") || starts_with(s, "http://")) && !strpbrk(s, " \t")) {
        g_string_append_printf(c->out, "%s<qr", ind);
        attr_out(c, "href", s);
        if (i + 1 < to && !ls[i + 1].picture && !ls[i + 1].in_cell &&
            strcmp(ls[i + 1].plain->str, s) == 0) {
            c->st->marks += pg_import_count_words(s);
            i++;
        } else {
            g_string_append(c->out, " caption=\"no\""); /* the old plan printed no link */
        }
        g_string_append(c->out, "/>\n");
        return i + 1;
    }
    if (ls[i].plain->len) {
        /* its alternate text is kept, as a paragraph */
        g_string_append_printf(c->out, "%s<p>", ind);
        runs_out(c, &ls[i], 0, ls[i].plain->len);
        g_string_append(c->out, "</p>\n");
    }
    pg_diag_add(c->diags, PG_W_IMPORT_PICTURE, c->file, ls[i].line, 1, "%s%s",
                ls[i].plain->len ? _("its alternate text is kept as a paragraph; ") : "",
                _("save the image beside the plan and write <image src=\"…\"/> there"));
    return i + 1;
}

/* The blocks of ls[i..to): numbered headings as nested sections (the first
 * typed format per depth into formats, when not NULL), items, tables,
 * paragraphs; indented base spaces. Stops early at an appendix's label when
 * stop_at_label. Closes the sections it opened; returns the index it stopped
 * at, and the number of blocks written in *n_blocks. */
static size_t blocks_out(ctx *c, const ln *ls, size_t i, size_t to, int base, char (*formats)[16],
                         int stop_at_label, int *n_blocks)
{
    int stack[16], depth = 0;
    int blocks = 0;
    char ind[40];
    for (; i < to; i++) {
        const ln *l = &ls[i];
        const char *s = l->plain->str;
        size_t ml = 0;
        int kind = l->in_cell ? 0 : numbering(s, &ml);
        if (stop_at_label && !l->in_cell && appendix_label(s))
            break;
        const char *b = NULL;
        if (kind) {
            while (depth > 0 && stack[depth - 1] >= kind) {
                depth--;
                g_string_append_printf(c->out, "%*s</section>\n", base + 2 * depth, "");
            }
            if (depth < 16)
                stack[depth++] = kind;
            if (formats && depth <= 8 && !formats[depth][0])
                mark_format(s, ml, kind, formats[depth]);
            /* the mark's words ("3 ." is two; a mark glued to its text none) */
            c->st->marks += pg_import_count_words(s) - pg_import_count_words(s + ml);
            size_t words = pg_import_count_words(s + ml);
            int long_text = words > 14 && ends_sentence(l->plain);
            /* a heading set bold or italic: the whole text a title, or a
             * run-in title ("Thành phần:") before the section's text */
            unsigned mk = 0;
            size_t hb = marked_prefix(l, ml, &mk), he = hb;
            while (he > ml && (s[he - 1] == ' ' || s[he - 1] == '\t'))
                he--;
            int whole = mk && hb >= l->plain->len;
            /* (the title ends at a word's end: no word is cut in two) */
            int run_in = mk && !whole && he > ml && (s[he - 1] == ':' || s[he - 1] == '.') &&
                         (he < hb || s[hb] == ' ' || s[hb] == '\t');
            g_string_append_printf(c->out, "%*s<section", base - 2 + 2 * depth, "");
            if (run_in) {
                char *t = g_strstrip(g_strndup(s + ml, he - ml));
                g_string_append(c->out, " run-in=\"yes\"");
                attr_out(c, "title", t);
                g_free(t);
                g_string_append_printf(c->out, ">\n%*s<p>", base + 2 * depth, "");
                runs_out(c, l, hb, l->plain->len);
                g_string_append(c->out, "</p>\n");
            } else if (whole || (!long_text && words)) {
                char *t = g_strstrip(g_strdup(s + ml));
                attr_out(c, "title", t);
                g_free(t);
                g_string_append(c->out, ">\n");
            } else {
                g_string_append_printf(c->out, ">\n%*s<p>", base + 2 * depth, "");
                runs_out(c, l, ml, l->plain->len);
                g_string_append(c->out, "</p>\n");
            }
            blocks++;
            continue;
        }
        snprintf(ind, sizeof ind, "%*s", base + 2 * depth, "");
        if (l->picture) {
            size_t at = c->out->len;
            i = picture_out(c, ls, to, i, ind) - 1;
            blocks += c->out->len > at; /* a picture without text writes nothing */
            continue;
        }
        if (l->in_cell) {
            i = table_out(c, ls, to, i, base / 2 + depth) - 1;
        } else if ((b = bullet(s, &ml))) {
            c->st->marks += pg_import_count_words(s) - pg_import_count_words(s + ml);
            g_string_append_printf(c->out, "%s<item", ind);
            if (strcmp(b, "dash"))
                g_string_append_printf(c->out, " bullet=\"%s\"", b);
            g_string_append(c->out, ">");
            runs_out(c, l, ml, l->plain->len);
            g_string_append(c->out, "</item>\n");
        } else {
            g_string_append_printf(c->out, "%s<p>", ind);
            runs_out(c, l, 0, l->plain->len);
            g_string_append(c->out, "</p>\n");
        }
        blocks++;
    }
    for (size_t k = 0; k < c->n_notes && !stop_at_label; k++) {
        struct footnote *f = &c->notes[k];
        if (f->used)
            continue;
        f->used = 1;
        snprintf(ind, sizeof ind, "%*s", base + 2 * depth, "");
        c->st->marks -= 1; /* its marker is kept */
        unplaced(c, &f->text, ind,
                 "a footnote whose marker no paragraph before it holds; kept as a "
                 "paragraph at the end of the body: make it a <footnote> where it belongs");
        blocks++;
    }
    while (depth > 0) {
        depth--;
        g_string_append_printf(c->out, "%*s</section>\n", base + 2 * depth, "");
    }
    *n_blocks = blocks;
    return i;
}

/* ---- the recogniser ------------------------------------------------------------ */

char *pg_import_recognise(const pg_import_doc *doc, const char *file, pg_diag_list *diags,
                          pg_import_stats *stats, char **todo_out)
{
    memset(stats, 0, sizeof *stats);
    ctx cx = {g_string_new(NULL), file, diags, stats, g_string_new(NULL)}, *c = &cx;
    cx.lines = doc->lines;
    header h = {0};
    size_t n = doc->n, total_words = 0;
    ln *ls = g_new0(ln, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        ls[i] = ln_from(&doc->paras[i]);
        trim(&ls[i]);
        total_words += pg_import_count_words(ls[i].plain->str);
    }
    /* where the parts start */
    size_t kh = n, nn = n;
    for (size_t i = 0; i < n; i++) {
        if (kh == n && doc_type(ls[i].plain->str) && !ls[i].in_cell)
            kh = i;
        if (nn == n && kh != n && i > kh && starts_with(ls[i].plain->str, "Nơi nhận") &&
            (!ls[i].in_cell || ls[i].col == 0))
            nn = i;
    }
    /* the header: the lines before "KẾ HOẠCH" */
    GPtrArray *stray = g_ptr_array_new(); /* header lines of no known form: ln* */
    size_t start = 0;
    const int have_kh = kh != n;
    c->last_line = n ? ls[n - 1].line : 1;
    if (have_kh) {
        for (size_t i = 0; i < kh; i++) {
            const char *s = ls[i].plain->str;
            if (strcmp(s, "*") == 0 || is_rule(s))
                stats->marks += pg_import_count_words(s);
            else if (strcmp(s, "ĐẢNG CỘNG SẢN VIỆT NAM") == 0)
                h.style = "party", stats->marks += pg_import_count_words(s);
            else if (strcmp(s, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 0 ||
                     strcmp(s, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 0)
                h.style = "state", stats->marks += pg_import_count_words(s);
            else if (strcmp(s, "Độc lập - Tự do - Hạnh phúc") == 0)
                stats->marks += pg_import_count_words(s);
            else if (number_line(c, &h, s) || date_line(c, &h, s))
                ;
            else if (is_upper_line(s) && h.n_issuer < 8 && !h.number && !h.place)
                h.issuer_lines[h.n_issuer++] = s;
            else
                g_ptr_array_add(stray, &ls[i]);
        }
        stats->marks += pg_import_count_words(ls[kh].plain->str); /* "KẾ HOẠCH" */
        start = kh + 1;
    }
    /* the summary: the block right after "KẾ HOẠCH" */
    size_t sum_end = start;
    if (have_kh && start < n && !is_structural(ls[start].plain->str)) {
        sum_end = start + 1;
        /* a block of lines (text); paragraphs split by a line break, or bold
         * like the first (DOCX, ODT) */
        while (sum_end < n && !ls[sum_end].in_cell && !is_structural(ls[sum_end].plain->str) &&
               (c->lines ? ls[sum_end].line == ls[sum_end - 1].line + 1
                         : ls[sum_end].line == ls[sum_end - 1].line ||
                               (all_marked(&ls[start], PG_RUN_BOLD) &&
                                all_marked(&ls[sum_end], PG_RUN_BOLD))))
            sum_end++;
    }
    /* the body: join lines split by a page break or wrapped in a block */
    size_t end = nn;
    /* running headers: a short line repeated on every page of a PDF (three
     * times or more, out of tables, not a heading nor a bullet) */
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = sum_end; i < end; i++)
        if (!ls[i].in_cell && pg_import_count_words(ls[i].plain->str) <= 12 &&
            !is_structural(ls[i].plain->str)) {
            gpointer v = g_hash_table_lookup(seen, ls[i].plain->str);
            g_hash_table_insert(seen, g_strdup(ls[i].plain->str),
                                GINT_TO_POINTER(GPOINTER_TO_INT(v) + 1));
        }
    {
        size_t w = start;
        for (size_t i = start; i < end; i++) {
            size_t sl = superscript_len(ls[i].plain->str);
            if (i >= sum_end && sl && !ls[i].in_cell && c->n_notes < 64 &&
                (ls[i].plain->str[sl] == ' ' || ls[i].plain->str[sl] == '\t')) {
                if (!c->notes)
                    c->notes = g_new0(struct footnote, 64);
                struct footnote *f = &c->notes[c->n_notes++];
                memcpy(f->marker, ls[i].plain->str, sl);
                f->marker[sl] = '\0';
                f->text = ls[i];
                stats->marks += 1; /* the marker before the footnote's text */
                ls[i].plain = NULL;
                continue;
            }
            if (i >= sum_end && !ls[i].in_cell &&
                GPOINTER_TO_INT(g_hash_table_lookup(seen, ls[i].plain->str)) >= 3) {
                stats->marks += pg_import_count_words(ls[i].plain->str);
                ln_free(&ls[i]);
                ls[i].plain = NULL;
                continue;
            }
            if (!ls[i].in_cell && is_rule(ls[i].plain->str)) {
                stats->marks += pg_import_count_words(ls[i].plain->str);
                ln_free(&ls[i]);
                ls[i].plain = NULL;
                continue;
            }
            if (i >= sum_end && is_page_number(ls[i].plain) && !ls[i].in_cell) {
                stats->marks += 1;
                ln_free(&ls[i]);
                ls[i].plain = NULL;
                continue;
            }
            if (w > sum_end && i >= sum_end && !ls[i].in_cell && !ls[w - 1].in_cell &&
                !is_structural(ls[i].plain->str) &&
                /* text: lines of a block, or a sentence going on after a page
                 * break; DOCX, ODT: the halves of a paragraph a line break
                 * split (what starts a heading or an item stays apart) */
                (c->lines ? ls[i].line == ls[w - 1].line + 1 ||
                                (!ends_sentence(ls[w - 1].plain) && starts_lower(ls[i].plain->str))
                          : ls[i].line == ls[w - 1].line)) {
                ln_append(&ls[w - 1], &ls[i]);
                ln_free(&ls[i]);
                ls[i].plain = NULL;
                continue;
            }
            if (w != i) {
                ls[w] = ls[i];
                ls[i].plain = NULL;
            }
            w++;
        }
        for (size_t i = w; i < end; i++)
            if (ls[i].plain) /* moved */
                ls[i].plain = NULL;
        /* shift the rest down */
        size_t gap = end - w;
        for (size_t i = end; i < n; i++)
            ls[i - gap] = ls[i];
        n -= gap;
        nn = end - gap;
        if (sum_end > w)
            sum_end = w;
    }
    g_hash_table_destroy(seen);
    /* issuer, number, place, date, summary */
    /* the editor's schema: that of the running program's data folder */
    char *model = pg_plan_model_pi(NULL);
    /* TRANSLATORS: an XML comment written into an imported plan: never two
       hyphens in a row. */
    g_string_append_printf(c->out,
                           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n<!-- %s -->\n"
                           "<plan xmlns=\"urn:plangen:plan:1\" style=\"%s\">\n",
                           model,
                           _("Imported by plangen import from the old plan; move what the "
                             "warnings name where it belongs."),
                           h.style ? h.style : "party");
    g_free(model);
    c->style = h.style ? h.style : "party";
    if (!h.style)
        todo(c, 1, "the style: party (ĐẢNG CỘNG SẢN VIỆT NAM) or state (plan style=)");
    g_string_append(c->out, "  <issuer");
    size_t issuer_at = c->out->len;
    int cited = 0;
    if (h.n_issuer >= 2)
        attr_out(c, "parent", h.issuer_lines[0]);
    g_string_append(c->out, " symbol=\"");
    if (h.symbol)
        esc(c->out, h.symbol, strlen(h.symbol));
    else {
        g_string_append(c->out, "ABC");
        todo(c, 1, "the issuer's symbol, as in \"Số 01-KH/ABC\" (issuer symbol=)");
    }
    g_string_append(c->out, "\">");
    if (h.n_issuer >= 1) {
        for (int k = h.n_issuer >= 2 ? 1 : 0; k < h.n_issuer; k++) {
            if (k > (h.n_issuer >= 2 ? 1 : 0))
                g_string_append(c->out, "<br/>");
            text_out(c, h.issuer_lines[k], strlen(h.issuer_lines[k]));
        }
    } else {
        g_string_append(c->out, "[CƠ QUAN BAN HÀNH]");
        todo(c, 1, "the issuing body (issuer)");
    }
    g_string_append(c->out, "</issuer>\n");
    if (h.number) {
        g_string_append(c->out, "  <number>");
        text_out(c, h.number, strlen(h.number));
        g_string_append(c->out, "</number>\n");
    } else {
        todo(c, 1, "the number (number), or leave it out while the plan is a draft");
    }
    g_string_append(c->out, "  <place>");
    if (h.place)
        text_out(c, h.place, strlen(h.place));
    else {
        g_string_append(c->out, "[Địa danh]");
        todo(c, 1, "the place (place)");
    }
    g_string_append(c->out, "</place>\n  <date>");
    if (h.date) {
        g_string_append(c->out, h.date);
    } else {
        /* a sample: the month of the latest date its basis cites, as a draft
         * (YYYY-MM) - a plan is issued after what it implements */
        int best = 0;
        size_t from = 0, to = n;
        for (size_t k = start; k < n && k < 40; k++)
            if (starts_with(ls[k].plain->str, "Căn cứ") ||
                starts_with(ls[k].plain->str, "Thực hiện")) {
                from = k, to = k + 1; /* the first basis: the plan comes after it */
                break;
            }
        for (size_t k = from; k < to; k++) {
            const char *p = ls[k].plain ? ls[k].plain->str : "";
            for (; *p; p++) {
                int d, m, y, used = 0;
                if (*p >= '0' && *p <= '9' &&
                    (p == ls[k].plain->str || p[-1] < '0' || p[-1] > '9') &&
                    sscanf(p, "%2d/%2d/%4d%n", &d, &m, &y, &used) == 3 && used >= 8 && m >= 1 &&
                    m <= 12 && d >= 1 && d <= 31 && y >= 1945 && y <= 2200 && y * 100 + m > best)
                    best = y * 100 + m;
            }
        }
        if (best) {
            g_string_append_printf(c->out, "%04d-%02d", best / 100, best % 100);
            todo(c, 1,
                 "the date, YYYY-MM-DD (date): the sample written is the month of the "
                 "latest date its basis cites");
        } else {
            g_string_append(c->out, "[YYYY-MM-DD]");
            todo(c, 1, "the date, YYYY-MM-DD (date)");
        }
    }
    g_string_append(c->out, "</date>\n");
    if (have_kh && strcmp(ls[kh].plain->str, "KẾ HOẠCH") != 0) /* another kind of document */
        g_string_append_printf(c->out, "  <type>%s</type>\n", ls[kh].plain->str);
    size_t implements_at = c->out->len;
    g_string_append(c->out, "  <summary>");
    if (sum_end > start) {
        /* a summary set bold as a whole: the style sets it so */
        int bold = 1;
        for (size_t i = start; i < sum_end && bold; i++)
            bold = all_marked(&ls[i], PG_RUN_BOLD);
        c->strip = bold ? PG_RUN_BOLD : 0;
        for (size_t i = start; i < sum_end; i++) {
            if (i > start)
                g_string_append_c(c->out, ' ');
            runs_out(c, &ls[i], 0, ls[i].plain->len);
        }
        c->strip = 0;
    } else {
        g_string_append(c->out, "[trích yếu]");
        todo(c, have_kh ? ls[kh].line : 1, "the summary, under \"KẾ HOẠCH\" (summary)");
    }
    g_string_append(c->out, "</summary>\n");
    size_t numbering_at = c->out->len;
    char formats[9][16] = {{0}}; /* per depth, the first typed format seen */
    /* basis: what stands before the first heading, and the stray header lines */
    size_t i = sum_end;
    size_t bodystart = i;
    while (bodystart < nn) {
        size_t l;
        if (numbering(ls[bodystart].plain->str, &l) || ls[bodystart].in_cell)
            break;
        bodystart++;
    }
    if (bodystart == nn)
        bodystart = i; /* no heading at all: everything is body */
    if (bodystart > i || stray->len) {
        g_string_append(c->out, "  <basis>\n");
        for (guint k = 0; k < stray->len; k++)
            unplaced(c, stray->pdata[k], "    ",
                     "a header line of no known form (issuer, \"Số …\", place and date); "
                     "kept at the start of the basis: move it into the header");
        GString *cites = g_string_new(NULL);
        for (; i < bodystart; i++) {
            implements_out(cites, ls[i].plain->str);
            g_string_append(c->out, "    <p>");
            runs_out(c, &ls[i], 0, ls[i].plain->len);
            g_string_append(c->out, "</p>\n");
        }
        g_string_append(c->out, "  </basis>\n");
        g_string_insert(c->out, (gssize)implements_at, cites->str);
        numbering_at += cites->len;
        g_string_free(cites, TRUE);
    }
    /* the body */
    {
        int blocks = 0;
        i = blocks_out(c, ls, i, nn, 2, formats, 0, &blocks);
        if (!blocks) {
            g_string_append(c->out, "  <p>[Nội dung kế hoạch]</p>\n");
            todo(c, 1, "the body: no text before \"Nơi nhận\"");
        }
    }
    {
        GString *nb = g_string_new(NULL);
        const char *style = h.style ? h.style : "party";
        for (int d = 1; d <= 8; d++)
            if (formats[d][0] && strcmp(formats[d], style_format(style, d)) != 0)
                g_string_append_printf(nb, "    <level depth=\"%d\" format=\"%s\"/>\n", d,
                                       formats[d]);
        if (nb->len) {
            g_string_prepend(nb, "  <numbering>\n");
            g_string_append(nb, "  </numbering>\n");
            g_string_insert(c->out, (gssize)numbering_at, nb->str);
        }
        g_string_free(nb, TRUE);
    }
    /* recipients and signature */
    size_t after = closing(c, ls, n, nn);
    /* what follows the signature: appendices */
    while (after < n) {
        g_string_append(c->out, "  <appendix");
        if (!ls[after].in_cell && appendix_label(ls[after].plain->str)) {
            stats->marks += pg_import_count_words(ls[after].plain->str);
            after++;
        } else if (!ls[after].in_cell && is_upper_line(ls[after].plain->str)) {
            attr_out(c, "name", ls[after].plain->str);
            after++;
        }
        for (int k = 0, titled = 0; k < 2 && after < n && !ls[after].in_cell; k++) {
            const char *t = ls[after].plain->str;
            if (attachment_line(t)) {
                /* plangen prints the appendix's reference to its plan itself;
                 * how it names the issuing body there is the plan's cited-as */
                const char *of = g_strrstr(t, " của ");
                if (of && !cited) {
                    GString *a = g_string_new(" cited-as=\"");
                    of += strlen(" của ");
                    esc(a, of, strlen(of) - 1);
                    g_string_append_c(a, '"');
                    g_string_insert(c->out, (gssize)issuer_at, a->str);
                    g_string_free(a, TRUE);
                    cited = 1;
                }
                stats->marks += pg_import_count_words(t);
                after++;
            } else if (!titled && !appendix_label(t) && pg_import_count_words(t) <= 30 &&
                       !ends_sentence(ls[after].plain) && !is_structural(t)) {
                attr_out(c, "title", t);
                titled = 1;
                after++;
            }
        }
        g_string_append(c->out, ">\n");
        int blocks = 0;
        after = blocks_out(c, ls, after, n, 4, NULL, 1, &blocks);
        if (!blocks) {
            g_string_append(c->out, "    <p>[Nội dung phụ lục]</p>\n");
            todo(c, c->last_line, "the appendix's content");
        }
        g_string_append(c->out, "  </appendix>\n");
    }
    g_string_append(c->out, "</plan>\n");
    stats->words_in = total_words - stats->marks;
    for (size_t k = 0; k < n; k++)
        if (ls[k].plain)
            ln_free(&ls[k]);
    g_free(ls);
    g_ptr_array_free(stray, TRUE);
    for (size_t k = 0; k < cx.n_notes; k++)
        ln_free(&cx.notes[k].text);
    g_free(cx.notes);
    g_free(h.number);
    g_free(h.symbol);
    g_free(h.place);
    g_free(h.date);
    *todo_out = g_string_free(cx.todo, FALSE);
    return g_string_free(cx.out, FALSE);
}

pg_import_para *pg_import_para_add(pg_import_doc *doc, int line)
{
    if (doc->n == doc->cap) {
        doc->cap = doc->cap ? doc->cap * 2 : 64;
        doc->paras = pg_xrealloc(doc->paras, doc->cap * sizeof *doc->paras);
    }
    pg_import_para *p = &doc->paras[doc->n++];
    memset(p, 0, sizeof *p);
    p->line = line;
    return p;
}

void pg_import_run_add(pg_import_para *p, const char *s, size_t n, unsigned marks)
{
    if (n == 0)
        return;
    if (p->n_runs && p->runs[p->n_runs - 1].marks == marks) {
        pg_import_run *r = &p->runs[p->n_runs - 1];
        /* the length and room of the run this function last grew, when it is
         * still that run: a reader appending a character at a time stays
         * linear */
        size_t old, cap;
        if (p->grown == r->text && p->grown) {
            old = p->grown_len, cap = p->grown_cap;
        } else {
            old = strlen(r->text);
            cap = old + 1;
        }
        if (old + n + 1 > cap) {
            cap = (old + n + 1) * 2;
            r->text = pg_xrealloc(r->text, cap);
        }
        memcpy(r->text + old, s, n);
        r->text[old + n] = '\0';
        p->grown = r->text, p->grown_len = old + n, p->grown_cap = cap;
        return;
    }
    /* the room of runs is known while this function made the last change to
     * them (readers that insert runs themselves reallocate to the size) */
    size_t cap = p->runs == p->runs_mine && p->n_runs == p->n_runs_mine ? p->runs_cap : p->n_runs;
    if (p->n_runs == cap) {
        cap = cap ? cap * 2 : 4;
        p->runs = pg_xrealloc(p->runs, cap * sizeof *p->runs);
    }
    p->runs[p->n_runs].text = g_strndup(s, n);
    p->runs[p->n_runs].marks = marks;
    p->n_runs++;
    p->runs_mine = p->runs, p->runs_cap = cap, p->n_runs_mine = p->n_runs;
}
