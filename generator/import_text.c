/* import_text.c - the plain-text reader of `plangen import`: lines become
 * paragraphs, Markdown emphasis marks become runs, pipe tables become cells. */
#include "arena.h"
#include "i18n.h"
#include "import.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits s[0..n) into runs by "**", "__", "*" and the HTML tags <b> <i> <u>
 * (and their ends) that table cells carry; *marks is the state carried from
 * the line before (emphasis may span the lines of a block). A "*" with space on
 * both sides, or starting the line before a space (a bullet), or standing
 * alone, is text. */
static void parse_runs(pg_import_para *p, const char *s, size_t n, unsigned *marks)
{
    size_t start = 0, i = 0;
    while (i < n) {
        unsigned toggle = 0;
        size_t skip = 0;
        if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
            toggle = PG_RUN_BOLD, skip = 2;
        } else if (s[i] == '_' && i + 1 < n && s[i + 1] == '_') {
            toggle = PG_RUN_UNDERLINE, skip = 2;
        } else if (s[i] == '*') {
            int before = i > 0 && !is_space(s[i - 1]);
            int after = i + 1 < n && !is_space(s[i + 1]);
            int opening = !(*marks & PG_RUN_ITALIC);
            if ((opening && after && !(i == 0 && n == 1)) || (!opening && before))
                toggle = PG_RUN_ITALIC, skip = 1;
        } else if (s[i] == '<') {
            static const struct {
                const char *tag;
                unsigned mark;
            } tags[] = {{"<b>", PG_RUN_BOLD},      {"</b>", PG_RUN_BOLD},
                        {"<i>", PG_RUN_ITALIC},    {"</i>", PG_RUN_ITALIC},
                        {"<u>", PG_RUN_UNDERLINE}, {"</u>", PG_RUN_UNDERLINE}};
            for (size_t k = 0; k < sizeof tags / sizeof *tags; k++) {
                size_t tl = strlen(tags[k].tag);
                if (n - i >= tl && memcmp(s + i, tags[k].tag, tl) == 0) {
                    int close = tags[k].tag[1] == '/';
                    if (close == !!(*marks & tags[k].mark))
                        toggle = tags[k].mark, skip = tl;
                    else
                        toggle = 0, skip = tl; /* a repeated tag: dropped */
                    break;
                }
            }
            if (skip && !toggle) {
                pg_import_run_add(p, s + start, i - start, *marks);
                i += skip;
                start = i;
                continue;
            }
        }
        if (toggle) {
            pg_import_run_add(p, s + start, i - start, *marks);
            *marks ^= toggle;
            i += skip;
            start = i;
        } else {
            i++;
        }
    }
    pg_import_run_add(p, s + start, n - start, *marks);
}

/* A pipe-table separator row: only '|', '-', ':' and spaces. */
static int is_separator_row(const char *s, size_t n)
{
    int dash = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-')
            dash = 1;
        else if (s[i] != '|' && s[i] != ':' && !is_space(s[i]))
            return 0;
    }
    return dash;
}

/* One cell's text: split at <p>...</p> into paragraphs of the cell. */
static void read_cell(pg_import_doc *doc, const char *s, size_t n, int line, int table, int row,
                      int col)
{
    unsigned marks = 0;
    size_t i = 0;
    while (i < n) {
        const char *open = g_strstr_len(s + i, (gssize)(n - i), "<p>");
        size_t end = open ? (size_t)(open - s) : n;
        const char *close = g_strstr_len(s + i, (gssize)(end - i), "</p>");
        if (close)
            end = (size_t)(close - s);
        /* the text before the next paragraph tag */
        size_t a = i, b = end;
        while (a < b && is_space(s[a]))
            a++;
        while (b > a && is_space(s[b - 1]))
            b--;
        if (b > a) {
            pg_import_para *p = pg_import_para_add(doc, line);
            p->in_cell = 1, p->table = table, p->row = row, p->col = col;
            parse_runs(p, s + a, b - a, &marks);
            if (!p->n_runs)
                doc->n--;
        }
        i = close ? end + 4 : open ? end + 3 : n;
    }
}

static void read_table_row(pg_import_doc *doc, const char *s, size_t n, int line, int table,
                           int row)
{
    size_t i = 0;
    if (i < n && s[i] == '|')
        i++;
    int col = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '|')
            j++;
        if (j == n && j - i == 0)
            break;
        read_cell(doc, s + i, j - i, line, table, row, col++);
        i = j + 1;
    }
}

void pg_import_doc_free(pg_import_doc *doc)
{
    for (size_t i = 0; i < doc->n; i++) {
        pg_import_para *p = &doc->paras[i];
        for (size_t k = 0; k < p->n_runs; k++)
            g_free(p->runs[k].text);
        free(p->runs);
        for (size_t k = 0; k < p->n_footnotes; k++)
            g_free(p->footnotes[k]);
        free(p->footnotes);
    }
    free(doc->paras);
    memset(doc, 0, sizeof *doc);
}

int pg_import_text_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                        pg_diag_list *diags)
{
    int rc = 0;
    char *converted = NULL;
    const char *s = bytes;
    size_t n = len;
    memset(doc, 0, sizeof *doc);
    int le = n >= 2 && (unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE;
    int be = n >= 2 && (unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF;
    if (le || be) {
        gsize out = 0;
        converted = g_convert(s + 2, (gssize)(n - 2), "UTF-8", le ? "UTF-16LE" : "UTF-16BE", NULL,
                              &out, NULL);
        if (!converted) {
            pg_diag_add(diags, PG_E_UTF8, file, 1, 1,
                        "%s text (it starts with %s) that cannot be converted; save it as UTF-8",
                        le ? "UTF-16LE" : "UTF-16BE", le ? "FF FE" : "FE FF");
            goto cleanup;
        }
        s = converted, n = out;
    } else if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3, n -= 3;
    }
    /* not text: a NUL byte or invalid UTF-8, at its line and column */
    {
        int line = 1, col = 1;
        const char *bad = NULL;
        const void *nul = memchr(s, '\0', n);
        if (nul || !g_utf8_validate(s, (gssize)n, &bad)) {
            const char *at = nul ? (const char *)nul : bad;
            for (const char *q = s; q < at; q++)
                if (*q == '\n')
                    line++, col = 1;
                else
                    col++;
            pg_diag_add(diags, PG_E_UTF8, file, line, col,
                        "%s; import reads plain text (UTF-8, or UTF-16 with a byte-order mark): "
                        "save the document as text first",
                        nul ? _("a NUL byte: this is no text file") : _("invalid UTF-8"));
            goto cleanup;
        }
    }
    /* characters XML cannot hold: control characters other than tab, line
     * feed, carriage return, and form feed and vertical tab, which a PDF
     * extractor writes at a page break (read as spaces) */
    {
        int line = 1, col = 1;
        for (const char *q = s; q < s + n; q = g_utf8_next_char(q)) {
            gunichar u = g_utf8_get_char(q);
            if ((u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != '\f' && u != '\v') ||
                u == 0xFFFE || u == 0xFFFF) {
                pg_diag_add(diags, PG_E_UTF8, file, line, col,
                            "the character U+%04X, which no plan can hold: this is no text file, "
                            "or remove the character",
                            (unsigned)u);
                goto cleanup;
            }
            if (u == '\n')
                line++, col = 1;
            else
                col++;
        }
    }
    if (!converted) /* a copy to change form feeds and vertical tabs in */
        converted = g_strndup(s, n), s = converted;
    for (char *q = converted; q < converted + n; q++)
        if (*q == '\f' || *q == '\v')
            *q = ' '; /* line numbers stay those of the source */
    {
        unsigned marks = 0;
        int line = 0, table = 0, row = 0, in_table = 0;
        size_t i = 0;
        while (i < n) {
            size_t j = i;
            while (j < n && s[j] != '\n')
                j++;
            line++;
            size_t a = i, b = j;
            while (b > a && (is_space(s[b - 1]) || s[b - 1] == '\r'))
                b--;
            while (a < b && is_space(s[a]))
                a++;
            if (a == b) {
                marks = 0; /* emphasis never spans an empty line */
                in_table = 0;
            } else if (s[a] == '|' && b - a >= 2 && s[b - 1] == '|') {
                if (!in_table)
                    table++, row = 0, in_table = 1;
                if (!is_separator_row(s + a, b - a))
                    read_table_row(doc, s + a + 1, b - a - 2, line, table, row++);
            } else {
                in_table = 0;
                pg_import_para *p = pg_import_para_add(doc, line);
                if (b - a > 4 && memcmp(s + a, "** ", 3) == 0 && s[b - 1] == '*' &&
                    s[b - 2] != '*' && !(marks & PG_RUN_BOLD)) {
                    /* "** text*": a star bullet before an italic run, as PDF
                     * extractors write "* *text*" */
                    pg_import_run_add(p, "* ", 2, marks);
                    marks |= PG_RUN_ITALIC;
                    a += 3;
                }
                parse_runs(p, s + a, b - a, &marks);
                if (!p->n_runs)
                    doc->n--;
            }
            i = j + 1;
        }
    }
    rc = 1;
    doc->lines = 1;
cleanup:
    g_free(converted);
    if (!rc)
        pg_import_doc_free(doc);
    return rc;
}
