/* diag_format.c - diagnostics as a JSON document and as a SARIF 2.1.0 log
 * (see diag_format.h; the fields are described in the README, Diagnostics). */
#include "diag_format.h"

#include "lint.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#ifndef PG_DOCS_URL
#define PG_DOCS_URL "https://plangen.invalid"
#endif

int pg_diag_out_from_name(const char *name, pg_diag_out *out)
{
    static const char *const names[] = {
        [PG_DIAG_OUT_HUMAN] = "human", [PG_DIAG_OUT_JSON] = "json", [PG_DIAG_OUT_SARIF] = "sarif"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (pg_diag_out)i;
            return 1;
        }
    return 0;
}

/* s as a JSON string (null for NULL): UTF-8 kept, '"' and '\' escaped, every
 * control character (C0, DEL, C1) as \uXXXX; a byte that is not UTF-8 (a file
 * name can hold one) becomes the four characters \xNN, as in the human form. */
static void json_string(pg_buf *b, const char *s)
{
    if (!s) {
        pg_buf_puts(b, "null");
        return;
    }
    pg_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '"' || *p == '\\') {
            pg_buf_putc(b, '\\');
            pg_buf_putc(b, (char)*p++);
        } else if (*p == '\n') {
            pg_buf_puts(b, "\\n");
            p++;
        } else if (*p == '\t') {
            pg_buf_puts(b, "\\t");
            p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            pg_buf_printf(b, "\\u%04x", *p++);
        } else if (*p < 0x80) {
            pg_buf_putc(b, (char)*p++);
        } else {
            gunichar c = g_utf8_get_char_validated((const char *)p, -1);
            if (c == (gunichar)-1 || c == (gunichar)-2) {
                pg_buf_printf(b, "\\\\x%02x", *p++);
            } else {
                const unsigned char *next =
                    (const unsigned char *)g_utf8_next_char((const char *)p);
                if (c <= 0x9f)
                    pg_buf_printf(b, "\\u%04x", (unsigned)c);
                else
                    pg_buf_append(b, (const char *)p, (size_t)(next - p));
                p = next;
            }
        }
    }
    pg_buf_putc(b, '"');
}

/* A 1-based number, or null for 0 (unknown). */
static void json_number(pg_buf *b, int n)
{
    if (n > 0)
        pg_buf_printf(b, "%d", n);
    else
        pg_buf_puts(b, "null");
}

static const char *severity(const pg_diag *d)
{
    return pg_diag_level(d->code) == PG_LEVEL_ERROR ? "error" : "warning";
}

void pg_diag_json_object(pg_buf *b, const pg_diag *d)
{
    pg_buf_puts(b, "{\"file\": ");
    json_string(b, d->file);
    pg_buf_puts(b, ", \"line\": ");
    json_number(b, d->line);
    pg_buf_puts(b, ", \"column\": ");
    json_number(b, d->line > 0 ? d->col : 0);
    /* a diagnostic has a position, never a span */
    pg_buf_puts(b, ", \"end_line\": null, \"end_column\": null, \"severity\": ");
    json_string(b, severity(d));
    pg_buf_puts(b, ", \"code\": ");
    json_string(b, pg_diag_code_name(d->code));
    pg_buf_puts(b, ", \"rule\": ");
    json_string(b, d->rule);
    pg_buf_puts(b, ", \"message\": ");
    json_string(b, pg_diag_message(d->code));
    pg_buf_puts(b, ", \"detail\": ");
    json_string(b, d->detail && *d->detail ? d->detail : NULL);
    /* the detail says what is wrong and how to fix it in one sentence, made
     * at the source as one string: there is no separate hint to give */
    pg_buf_puts(b, ", \"hint\": null, \"fixable\": ");
    pg_buf_puts(b, d->fixable ? "true" : "false");
    pg_buf_putc(b, '}');
}

void pg_diag_json_write(const pg_diag_list *l, FILE *f)
{
    pg_buf b = {0};
    pg_buf_puts(&b, "{\"version\": 1, \"diagnostics\": [");
    for (size_t i = 0; i < l->n; i++) {
        pg_buf_puts(&b, i ? ",\n  " : "\n  ");
        pg_diag_json_object(&b, &l->items[i]);
    }
    pg_buf_puts(&b, l->n ? "\n]}\n" : "]}\n");
    fputs(pg_buf_str(&b), f);
    pg_buf_free(&b);
}

/* ---- SARIF ------------------------------------------------------------------------ */

/* The SARIF rule of d: its lint rule id, else the name of its code. */
static const char *rule_of(const pg_diag *d)
{
    return d->rule ? d->rule : pg_diag_code_name(d->code);
}

/* path as a URI reference: relative paths stay relative (to the working
 * folder), an absolute one becomes a file: URI; every byte outside RFC 3986's
 * unreserved characters and '/' is percent-encoded. */
static void sarif_uri(pg_buf *b, const char *path)
{
    pg_buf tmp = {0};
    if (path[0] == '/')
        pg_buf_puts(&tmp, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (g_ascii_isalnum(*p) || strchr("-._~/", *p))
            pg_buf_putc(&tmp, (char)*p);
        else
            pg_buf_printf(&tmp, "%%%02X", *p);
    }
    json_string(b, pg_buf_str(&tmp));
    pg_buf_free(&tmp);
}

/* The reportingDescriptor of rule id, of a finding of code. */
static void sarif_rule(pg_buf *b, const char *id, pg_diag_code code)
{
    const char *name = NULL, *summary = NULL;
    pg_buf help = {0};
    pg_buf_puts(b, "{\"id\": ");
    json_string(b, id);
    if (pg_lint_rule_info(id, &name, &summary)) {
        /* docs/rules.md heads each rule with its name: GitHub's anchor of it */
        pg_buf_printf(&help, "%s/docs/rules.md#", PG_DOCS_URL);
        for (const char *c = name; *c; c++)
            pg_buf_putc(&help, *c == ' ' ? '-' : *c);
    } else {
        summary = pg_diag_message(code);
        pg_buf_printf(&help, "%s/README.md#diagnostics", PG_DOCS_URL);
    }
    pg_buf_puts(b, ", \"shortDescription\": {\"text\": ");
    json_string(b, summary);
    pg_buf_puts(b, "}, \"helpUri\": ");
    json_string(b, pg_buf_str(&help));
    pg_buf_puts(b, ", \"defaultConfiguration\": {\"level\": ");
    json_string(b, pg_diag_level(code) == PG_LEVEL_ERROR ? "error" : "warning");
    pg_buf_puts(b, "}}");
    pg_buf_free(&help);
}

void pg_diag_sarif_write(const pg_diag_list *l, const char *version, FILE *f)
{
    /* the rules that occur, in order of first occurrence: results name their index */
    const char **ids = pg_xcalloc(l->n + 1, sizeof *ids);
    size_t *index = pg_xcalloc(l->n + 1, sizeof *index);
    size_t n_ids = 0;
    pg_buf b = {0};
    pg_buf_puts(
        &b, "{\"$schema\": \"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
            "sarif-schema-2.1.0.json\",\n"
            " \"version\": \"2.1.0\",\n"
            " \"runs\": [{\"tool\": {\"driver\": {\"name\": \"plangen\", \"version\": ");
    json_string(&b, version);
    pg_buf_puts(&b, ", \"informationUri\": ");
    json_string(&b, PG_DOCS_URL "/README.md");
    pg_buf_puts(&b, ",\n  \"rules\": [");
    for (size_t i = 0; i < l->n; i++) {
        const char *id = rule_of(&l->items[i]);
        size_t k = 0;
        while (k < n_ids && strcmp(ids[k], id) != 0)
            k++;
        index[i] = k;
        if (k < n_ids)
            continue;
        ids[n_ids++] = id;
        pg_buf_puts(&b, k ? ",\n    " : "\n    ");
        sarif_rule(&b, id, l->items[i].code);
    }
    pg_buf_puts(&b, "]}},\n  \"columnKind\": \"unicodeCodePoints\",\n  \"results\": [");
    for (size_t i = 0; i < l->n; i++) {
        const pg_diag *d = &l->items[i];
        pg_buf_puts(&b, i ? ",\n    {\"ruleId\": " : "\n    {\"ruleId\": ");
        json_string(&b, rule_of(d));
        pg_buf_printf(&b, ", \"ruleIndex\": %zu, \"level\": ", index[i]);
        json_string(&b, severity(d));
        pg_buf_puts(&b, ", \"message\": {\"text\": ");
        pg_buf text = {0};
        pg_buf_puts(&text, pg_diag_message(d->code));
        if (d->detail && *d->detail)
            pg_buf_printf(&text, ": %s", d->detail);
        json_string(&b, pg_buf_str(&text));
        pg_buf_free(&text);
        pg_buf_puts(&b,
                    "}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
        sarif_uri(&b, d->file);
        pg_buf_putc(&b, '}');
        if (d->line > 0) {
            pg_buf_printf(&b, ", \"region\": {\"startLine\": %d", d->line);
            if (d->col > 0)
                pg_buf_printf(&b, ", \"startColumn\": %d", d->col);
            pg_buf_putc(&b, '}');
        }
        pg_buf_puts(&b, "}}], \"properties\": {\"code\": ");
        json_string(&b, pg_diag_code_name(d->code));
        pg_buf_printf(&b, ", \"fixable\": %s}}", d->fixable ? "true" : "false");
    }
    pg_buf_puts(&b, l->n ? "\n  ]}]}\n" : "]}]}\n");
    fputs(pg_buf_str(&b), f);
    pg_buf_free(&b);
    free(ids);
    free(index);
}
