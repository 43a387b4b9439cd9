/* diag.c - the message table and the one reporting function. */
#include "diag.h"

#include "arena.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const messages[PG_DIAG__COUNT] = {
    [PG_W_NOT_NFC] = "text is not in Unicode NFC; normalised",
    [PG_W_EMPTY_SECTION] = "section has neither a title nor content; skipped",
    [PG_W_LAYOUT_OVERFLOW] = "block is taller than the page; placed anyway",
    [PG_W_EDITION] = "the plan's date lies outside the standard's edition",
    [PG_E_IO] = "cannot read file",
    [PG_E_TOO_LARGE] = "file is too large",
    [PG_E_UTF8] = "invalid UTF-8",
    [PG_E_CHAR] = "character is not allowed",
    [PG_E_XML] = "XML is not well formed",
    [PG_E_DOCTYPE] = "DOCTYPE is not allowed",
    [PG_E_ENTITY] = "entity reference is not allowed",
    [PG_E_ROOT] = "not a plangen plan",
    [PG_E_UNKNOWN_ELEMENT] = "unknown element",
    [PG_E_UNKNOWN_ATTRIBUTE] = "unknown attribute",
    [PG_E_MISSING_ELEMENT] = "missing required element",
    [PG_E_MISSING_ATTRIBUTE] = "missing required attribute",
    [PG_E_DUPLICATE_ELEMENT] = "element given more than once",
    [PG_E_MISPLACED_ELEMENT] = "element out of order",
    [PG_E_TEXT_NOT_ALLOWED] = "text is not allowed here",
    [PG_E_EMPTY] = "empty value",
    [PG_E_BAD_VALUE] = "invalid value",
    [PG_E_DATE] = "impossible date",
    [PG_E_AUTHORITY] = "unknown authority form",
    [PG_E_TOO_DEEP] = "nesting too deep",
    [PG_E_SCHEMA] = "schema validation failed",
    [PG_E_STYLE] = "invalid style",
    [PG_E_FONT] = "font not available",
    [PG_E_OUTPUT] = "cannot write output",
    [PG_W_STANDARD] = "breaks the standard",
    [PG_W_UNUSED_PARAM] = "unused parameter",
    [PG_W_FONT_VIETNAMESE] = "font lacks Vietnamese letters; they are drawn as empty boxes",
    [PG_W_UNCOVERED] = "character is not in the font; drawn as an empty box",
    [PG_W_CACHE] = "the build cache is damaged; ignored, every output is built again",
    [PG_W_EDIT_CONFLICT] = "edits contradict each other",
    [PG_W_FONT_DAMAGED] = "font file cannot be read; not used",
    [PG_W_PLACEHOLDER] = "placeholder left in the plan",
    [PG_W_IMPORT] = "imported text not recognised; kept as a plain paragraph",
    [PG_W_IMPORT_PICTURE] = "a picture of the old plan is not imported",
    [PG_E_STANDARD] = "contradicts the plan",
    [PG_E_PARAM] = "missing template parameter",
    [PG_E_WORKER] = "the plan was not built",
};
_Static_assert(sizeof messages / sizeof messages[0] == PG_DIAG__COUNT,
               "one message per diagnostic code");

/* Stable names of the codes for --diagnostics-format json and sarif: a
 * consumer matches on them, so a released name never changes. */
static const char *const code_names[PG_DIAG__COUNT] = {
    [PG_W_NOT_NFC] = "not-nfc",
    [PG_W_EMPTY_SECTION] = "empty-section",
    [PG_W_LAYOUT_OVERFLOW] = "layout-overflow",
    [PG_W_EDITION] = "edition",
    [PG_W_STANDARD] = "standard",
    [PG_W_UNUSED_PARAM] = "unused-parameter",
    [PG_W_FONT_VIETNAMESE] = "font-lacks-vietnamese",
    [PG_W_UNCOVERED] = "character-not-in-font",
    [PG_W_CACHE] = "build-cache-damaged",
    [PG_W_EDIT_CONFLICT] = "edit-conflict",
    [PG_W_FONT_DAMAGED] = "font-damaged",
    [PG_W_PLACEHOLDER] = "placeholder",
    [PG_W_IMPORT] = "import-not-recognised",
    [PG_W_IMPORT_PICTURE] = "import-picture",
    [PG_E_IO] = "io",
    [PG_E_TOO_LARGE] = "too-large",
    [PG_E_UTF8] = "invalid-utf8",
    [PG_E_CHAR] = "character-not-allowed",
    [PG_E_XML] = "xml",
    [PG_E_DOCTYPE] = "doctype",
    [PG_E_ENTITY] = "entity",
    [PG_E_ROOT] = "not-a-plan",
    [PG_E_UNKNOWN_ELEMENT] = "unknown-element",
    [PG_E_UNKNOWN_ATTRIBUTE] = "unknown-attribute",
    [PG_E_MISSING_ELEMENT] = "missing-element",
    [PG_E_MISSING_ATTRIBUTE] = "missing-attribute",
    [PG_E_DUPLICATE_ELEMENT] = "duplicate-element",
    [PG_E_MISPLACED_ELEMENT] = "misplaced-element",
    [PG_E_TEXT_NOT_ALLOWED] = "text-not-allowed",
    [PG_E_EMPTY] = "empty",
    [PG_E_BAD_VALUE] = "invalid-value",
    [PG_E_DATE] = "date",
    [PG_E_AUTHORITY] = "authority",
    [PG_E_TOO_DEEP] = "too-deep",
    [PG_E_SCHEMA] = "schema",
    [PG_E_STYLE] = "style",
    [PG_E_FONT] = "font",
    [PG_E_OUTPUT] = "output",
    [PG_E_STANDARD] = "contradicts-plan",
    [PG_E_PARAM] = "missing-parameter",
    [PG_E_WORKER] = "worker",
};
_Static_assert(sizeof code_names / sizeof code_names[0] == PG_DIAG__COUNT,
               "one name per diagnostic code");

pg_level pg_diag_level(pg_diag_code code)
{
    return code <= PG_W__LAST ? PG_LEVEL_WARNING : PG_LEVEL_ERROR;
}

const char *pg_diag_message(pg_diag_code code)
{
    return (unsigned)code < PG_DIAG__COUNT && messages[code] ? messages[code] : "?";
}

const char *pg_diag_code_name(pg_diag_code code)
{
    return (unsigned)code < PG_DIAG__COUNT && code_names[code] ? code_names[code] : "unknown";
}

void pg_diag_add(pg_diag_list *l, pg_diag_code code, const char *file, int line, int col,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_diag_vadd(l, code, file, line, col, fmt, ap);
    va_end(ap);
}

void pg_diag_vadd(pg_diag_list *l, pg_diag_code code, const char *file, int line, int col,
                  const char *fmt, va_list ap)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = pg_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    pg_diag *d = &l->items[l->n++];
    d->code = code;
    d->file = pg_xstrdup(file ? file : "plangen");
    d->line = line;
    d->col = col;
    d->detail = NULL;
    d->rule = NULL;
    d->fixable = 0;
    if (fmt) {
        pg_buf b = {0};
        pg_buf_vprintf(&b, _(fmt), ap);
        d->detail = pg_xstrdup(pg_buf_str(&b));
        pg_buf_free(&b);
    }
}

void pg_diag_copy(pg_diag_list *l, const pg_diag *d)
{
    pg_diag_add(l, d->code, d->file, d->line, d->col, d->detail ? "%s" : NULL, d->detail);
    pg_diag_rule(l, d->rule);
    l->items[l->n - 1].fixable = d->fixable;
}

void pg_diag_rule(pg_diag_list *l, const char *rule)
{
    if (l->n)
        l->items[l->n - 1].rule = rule;
}

void pg_diag_fixable(pg_diag_list *l)
{
    if (l->n)
        l->items[l->n - 1].fixable = 1;
}

void pg_diag_take(pg_diag_list *dst, pg_diag_list *src)
{
    for (size_t i = 0; i < src->n; i++) {
        if (dst->n == dst->cap) {
            dst->cap = dst->cap ? dst->cap * 2 : 16;
            dst->items = pg_xrealloc(dst->items, dst->cap * sizeof *dst->items);
        }
        dst->items[dst->n++] = src->items[i];
    }
    free(src->items);
    src->items = NULL;
    src->n = src->cap = 0;
}

pg_level pg_diag_worst(const pg_diag_list *l)
{
    pg_level worst = PG_LEVEL_OK;
    for (size_t i = 0; i < l->n; i++) {
        pg_level lv = pg_diag_level(l->items[i].code);
        if (lv > worst)
            worst = lv;
    }
    return worst;
}

/* Insertion sort: stable, and lists are short. */
void pg_diag_sort(pg_diag_list *l)
{
    for (size_t i = 1; i < l->n; i++) {
        pg_diag d = l->items[i];
        size_t j = i;
        while (j > 0) {
            const pg_diag *p = &l->items[j - 1];
            int c = strcmp(p->file, d.file);
            if (c < 0 || (c == 0 && (p->line < d.line || (p->line == d.line && p->col <= d.col))))
                break;
            l->items[j] = l->items[j - 1];
            j--;
        }
        l->items[j] = d;
    }
}

/* The length of the UTF-8 character at s (1-4), or 0 when it is none or a C1 control. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] < 0xC2 ? 0 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : s[0] < 0xF5 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 2 && s[0] == 0xC2 && s[1] < 0xA0)
        return 0; /* U+0080..U+009F */
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F)))
        return 0; /* overlong, surrogate */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F)))
        return 0;
    return n;
}

char *pg_printable(const char *s)
{
    pg_buf b = {0};
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = *p < 0x80 ? (*p >= 0x20 && *p != 0x7f) : utf8_len(p);
        if (n == 0) {
            pg_buf_printf(&b, "\\x%02x", *p);
            p++;
        } else {
            pg_buf_append(&b, (const char *)p, n);
            p += n;
        }
    }
    char *r = pg_xstrdup(pg_buf_str(&b));
    pg_buf_free(&b);
    return r;
}

char *pg_diag_format(const pg_diag *d)
{
    pg_buf b = {0};
    pg_buf_puts(&b, d->file);
    if (d->line > 0) {
        pg_buf_printf(&b, ":%d", d->line);
        if (d->col > 0)
            pg_buf_printf(&b, ":%d", d->col);
    }
    pg_buf_printf(&b, ": %s: %s",
                  pg_diag_level(d->code) == PG_LEVEL_ERROR ? _("error") : _("warning"),
                  _(pg_diag_message(d->code)));
    if (d->detail && *d->detail)
        pg_buf_printf(&b, ": %s", d->detail);
    if (d->rule)
        pg_buf_printf(&b, " [%s]", d->rule);
    /* file names and details come from untrusted files: one line, no escapes */
    char *s = pg_printable(pg_buf_str(&b));
    pg_buf_free(&b);
    return s;
}

void pg_diag_print(const pg_diag_list *l, FILE *f)
{
    for (size_t i = 0; i < l->n; i++) {
        char *s = pg_diag_format(&l->items[i]);
        fprintf(f, "%s\n", s);
        free(s);
    }
}

void pg_diag_truncate(pg_diag_list *l, size_t n)
{
    for (size_t i = n; i < l->n; i++) {
        free((char *)l->items[i].file);
        free(l->items[i].detail);
    }
    if (n < l->n)
        l->n = n;
}

void pg_diag_list_free(pg_diag_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->items[i].file);
        free(l->items[i].detail);
    }
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}
