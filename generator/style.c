/* style.c - style stage: loads a style file (and the styles it extends) into a
 * pg_style. Every value is checked; problems are diagnostics at file:line. */
#include "style.h"

#include "i18n.h"
#include "input.h"
#include "reads.h"

#include <glib.h>
#include <limits.h>

#include <libxml/parser.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STYLE_NS "urn:plangen:style:1"

enum { MAX_EXTENDS = PG_STYLE_MAX_EXTENDS };
#define MAX_STYLE_BYTES ((size_t)1 << 20) /* a style file is a few kilobytes */

static const char *const role_names[PG_ROLE__COUNT] = {
    [PG_ROLE_BODY] = "body",
    [PG_ROLE_BASIS] = "basis",
    [PG_ROLE_ITEM] = "item",
    [PG_ROLE_HEADING1] = "heading1",
    [PG_ROLE_HEADING2] = "heading2",
    [PG_ROLE_HEADING3] = "heading3",
    [PG_ROLE_HEADING4] = "heading4",
    [PG_ROLE_PARENT_BODY] = "parent-body",
    [PG_ROLE_ISSUER] = "issuer",
    [PG_ROLE_ISSUER_MARK] = "issuer-mark",
    [PG_ROLE_NUMBER] = "number",
    [PG_ROLE_NATION] = "nation",
    [PG_ROLE_MOTTO] = "motto",
    [PG_ROLE_DATE] = "date",
    [PG_ROLE_DOCTYPE] = "doctype",
    [PG_ROLE_SUMMARY] = "summary",
    [PG_ROLE_SEPARATOR] = "separator",
    [PG_ROLE_RECIPIENTS_HEADING] = "recipients-heading",
    [PG_ROLE_RECIPIENT] = "recipient",
    [PG_ROLE_SIGN_AUTHORITY] = "signature-authority",
    [PG_ROLE_SIGN_TITLE] = "signature-title",
    [PG_ROLE_SIGN_NAME] = "signature-name",
    [PG_ROLE_PAGE_NUMBER] = "page-number",
    [PG_ROLE_FOOTNOTE] = "footnote",
    [PG_ROLE_TABLE] = "table",
    [PG_ROLE_TABLE_HEADER] = "table-header",
    [PG_ROLE_APPENDIX_LABEL] = "appendix-label",
    [PG_ROLE_APPENDIX_TITLE] = "appendix-title",
    [PG_ROLE_APPENDIX_ATTACHMENT] = "appendix-attachment",
    [PG_ROLE_QR_CAPTION] = "qr-caption",
    [PG_ROLE_MARK] = "mark",
    [PG_ROLE_URGENCY] = "urgency",
    [PG_ROLE_DRAFT] = "draft",
    [PG_ROLE_TYPIST] = "typist",
};
_Static_assert(sizeof role_names / sizeof role_names[0] == PG_ROLE__COUNT, "one name per role");

const char *pg_role_name(pg_role r)
{
    return (unsigned)r < PG_ROLE__COUNT ? role_names[r] : "?";
}

int pg_length_parse(const char *s, double *pt)
{
    if (!s || !*s)
        return 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return 0;
    double k;
    if (!*end || strcmp(end, "pt") == 0)
        k = 1.0;
    else if (strcmp(end, "mm") == 0)
        k = 72.0 / 25.4;
    else if (strcmp(end, "cm") == 0)
        k = 720.0 / 25.4;
    else if (strcmp(end, "in") == 0)
        k = 72.0;
    else
        return 0;
    *pt = v * k;
    return 1;
}

typedef struct {
    pg_style *style;
    pg_diag_list *diags;
    const char *file;
    int errors;
} loader;

static void err(loader *l, const xmlNode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void err(loader *l, const xmlNode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_diag_vadd(l->diags, PG_E_STYLE, l->file, n ? (int)xmlGetLineNo(n) : 0, 0, fmt, ap);
    va_end(ap);
    l->errors++;
}

static const char *prop(loader *l, const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = pg_arena_strdup(l->style->arena, (const char *)v);
    xmlFree(v);
    return s;
}

static void check_props(loader *l, const xmlNode *n, const char *const *allowed)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        int ok = 0;
        for (const char *const *k = allowed; *k; k++)
            if (strcmp((const char *)a->name, *k) == 0)
                ok = 1;
        if (!ok)
            err(l, n, "unknown attribute '%s' on <%s>", a->name, n->name);
    }
}

/* Reads a length attribute into *out when present; min/max bound it (pt). */
static void length_prop(loader *l, const xmlNode *n, const char *name, double *out, double min,
                        double max)
{
    const char *v = prop(l, n, name);
    if (!v)
        return;
    double pt;
    if (!pg_length_parse(v, &pt))
        err(l, n, "%s=\"%s\" is not a length (use e.g. 14pt, 20mm, 1cm)", name, v);
    else if (pt < min || pt > max)
        err(l, n, "%s=\"%s\" is out of range (%.1f to %.1f pt)", name, v, min, max);
    else
        *out = pt;
}

static void fraction_prop(loader *l, const xmlNode *n, const char *name, double *out)
{
    const char *v = prop(l, n, name);
    if (!v)
        return;
    char *end = NULL;
    double f = strtod(v, &end);
    if (end == v || strcmp(end, "%") != 0 || !(f >= 10 && f <= 90))
        err(l, n, "%s=\"%s\" must be a percentage between 10%% and 90%%", name, v);
    else
        *out = f / 100.0;
}

static void bool_prop(loader *l, const xmlNode *n, const char *name, int *out)
{
    const char *v = prop(l, n, name);
    if (!v)
        return;
    int yes = pg_yes_no(v);
    if (yes >= 0)
        *out = yes;
    else
        err(l, n, "%s=\"%s\"; use yes or no", name, v);
}

static void string_prop(loader *l, const xmlNode *n, const char *name, const char **out)
{
    const char *v = prop(l, n, name);
    if (v)
        *out = *v ? v : NULL;
}

static void apply_text(loader *l, const xmlNode *n)
{
    static const char *const allowed[] = {"role",   "size",   "weight",       "style",
                                          "underline", "transform", "align",   "indent",
                                          "pitch",  "space-before", "space-after", "color",
                                          NULL};
    check_props(l, n, allowed);
    const char *role = prop(l, n, "role");
    int r = -1;
    for (int k = 0; role && k < PG_ROLE__COUNT; k++)
        if (strcmp(role, role_names[k]) == 0)
            r = k;
    if (r < 0) {
        err(l, n, "<text> needs role=\"...\" naming one of the roles (body, heading1, ...)%s%s",
            role ? _("; unknown role ") : "", role ? role : "");
        return;
    }
    pg_textstyle *t = &l->style->text[r];
    length_prop(l, n, "size", &t->size, 4, 72);
    length_prop(l, n, "indent", &t->indent, -200, 200);
    length_prop(l, n, "pitch", &t->pitch, 0, 144);
    length_prop(l, n, "space-before", &t->space_before, 0, 144);
    length_prop(l, n, "space-after", &t->space_after, 0, 144);
    const char *v;
    if ((v = prop(l, n, "weight"))) {
        if (strcmp(v, "bold") == 0 || strcmp(v, "normal") == 0)
            t->bold = strcmp(v, "bold") == 0;
        else
            err(l, n, "weight=\"%s\"; use bold or normal", v);
    }
    if ((v = prop(l, n, "style"))) {
        if (strcmp(v, "italic") == 0 || strcmp(v, "normal") == 0)
            t->italic = strcmp(v, "italic") == 0;
        else
            err(l, n, "style=\"%s\"; use italic or normal", v);
    }
    bool_prop(l, n, "underline", &t->underline);
    if ((v = prop(l, n, "transform"))) {
        if (strcmp(v, "upper") == 0 || strcmp(v, "none") == 0)
            t->upper = strcmp(v, "upper") == 0;
        else
            err(l, n, "transform=\"%s\"; use upper or none", v);
    }
    if ((v = prop(l, n, "color"))) {
        char *end = NULL;
        unsigned long c = v[0] == '#' && strlen(v) == 7 ? strtoul(v + 1, &end, 16) : 0;
        if (end && !*end && isxdigit((unsigned char)v[1]))
            t->color = (unsigned)c;
        else
            err(l, n, "color=\"%s\"; write #RRGGBB, e.g. #000000 for black, #FF0000 for red", v);
    }
    if ((v = prop(l, n, "align"))) {
        static const char *const aligns[] = {"left", "center", "right", "justify"};
        int found = 0;
        for (int k = 0; k < 4; k++)
            if (strcmp(v, aligns[k]) == 0)
                t->align = (pg_align)k, found = 1;
        if (!found)
            err(l, n, "align=\"%s\"; use left, center, right or justify", v);
    }
}

static const char *const authority_attrs[PG_AUTH__COUNT] = {
    [PG_AUTH_NONE] = NULL,
    [PG_AUTH_ON_BEHALF] = "on-behalf",
    [PG_AUTH_DEPUTY] = "deputy",
    [PG_AUTH_BY_ORDER] = "by-order",
    [PG_AUTH_BY_AUTHORISATION] = "by-authorisation",
    [PG_AUTH_ACTING] = "acting",
};

static const char *element_text(loader *l, const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = pg_arena_strdup(l->style->arena, v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

static int is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static void apply(loader *l, const xmlNode *root)
{
    pg_style *s = l->style;
    for (const xmlNode *n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(n, "page")) {
            static const char *const a[] = {"width", "height", "top", "bottom", "left", "right", NULL};
            check_props(l, n, a);
            length_prop(l, n, "width", &s->page_w, 72, 3000);
            length_prop(l, n, "height", &s->page_h, 72, 3000);
            length_prop(l, n, "top", &s->margin_top, 0, 300);
            length_prop(l, n, "bottom", &s->margin_bottom, 0, 300);
            length_prop(l, n, "left", &s->margin_left, 0, 300);
            length_prop(l, n, "right", &s->margin_right, 0, 300);
            s->page_file = pg_arena_strdup(s->arena, l->file);
            s->page_line = (int)xmlGetLineNo(n);
        } else if (is_el(n, "font")) {
            static const char *const a[] = {"family", NULL};
            check_props(l, n, a);
            string_prop(l, n, "family", &s->font_family);
        } else if (is_el(n, "text")) {
            apply_text(l, n);
        } else if (is_el(n, "header")) {
            static const char *const a[] = {"left-width", "issuer-mark", "separator", "gap",
                                            "rule-width", "summary-case", "issuer-rule",
                                            "summary-rule", "date-on-number-line", NULL};
            check_props(l, n, a);
            fraction_prop(l, n, "left-width", &s->left_block);
            string_prop(l, n, "issuer-mark", &s->issuer_mark);
            string_prop(l, n, "separator", &s->separator);
            length_prop(l, n, "gap", &s->header_gap, 0, 200);
            length_prop(l, n, "rule-width", &s->rule_width, 0.1, 5);
            fraction_prop(l, n, "issuer-rule", &s->issuer_rule);
            fraction_prop(l, n, "summary-rule", &s->summary_rule);
            bool_prop(l, n, "date-on-number-line", &s->date_on_number_line);
            const char *sc = prop(l, n, "summary-case");
            if (sc) {
                if (strcmp(sc, "lower-first") == 0)
                    s->summary_case = -1;
                else if (strcmp(sc, "upper-first") == 0)
                    s->summary_case = 1;
                else if (strcmp(sc, "as-written") == 0)
                    s->summary_case = 0;
                else
                    err(l, n, "summary-case=\"%s\"; use lower-first, upper-first or as-written", sc);
            }
            for (const xmlNode *c = n->children; c; c = c->next) {
                if (is_el(c, "nation"))
                    s->nation = element_text(l, c);
                else if (is_el(c, "motto"))
                    s->motto = element_text(l, c);
                else if (is_el(c, "number"))
                    s->number_format = element_text(l, c);
                else if (is_el(c, "date"))
                    s->date_format = element_text(l, c);
                else if (c->type == XML_ELEMENT_NODE)
                    err(l, c, "unknown element <%s> in <header>; use <nation>, <motto>, <number>, "
                        "<date>", c->name);
            }
        } else if (is_el(n, "numbering")) {
            for (const xmlNode *c = n->children; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE)
                    continue;
                const char *d = is_el(c, "level") ? prop(l, c, "depth") : NULL;
                const char *f = d ? prop(l, c, "format") : NULL;
                int depth = d ? atoi(d) : 0;
                if (!f || depth < 1 || depth > PG_MAX_LEVELS)
                    err(l, c, "<numbering> holds <level depth=\"1..%d\" format=\"...\"/>",
                        PG_MAX_LEVELS);
                else
                    s->level_format[depth] = f;
            }
        } else if (is_el(n, "bullets")) {
            static const char *const a[] = {"dash", "plus", "star", NULL};
            check_props(l, n, a);
            string_prop(l, n, "dash", &s->bullet_dash);
            string_prop(l, n, "plus", &s->bullet_plus);
            string_prop(l, n, "star", &s->bullet_star);
        } else if (is_el(n, "signature")) {
            static const char *const a[] = {"column", "space", "gap", "on-behalf", "deputy",
                                            "by-order", "by-authorisation", "acting", NULL};
            check_props(l, n, a);
            fraction_prop(l, n, "column", &s->signature_column);
            length_prop(l, n, "space", &s->signature_space, 0, 300);
            length_prop(l, n, "gap", &s->closing_gap, 0, 200);
            for (int k = 1; k < PG_AUTH__COUNT; k++) {
                const char *v = prop(l, n, authority_attrs[k]);
                if (v)
                    s->authority[k] = *v ? v : NULL;
            }
        } else if (is_el(n, "recipients")) {
            static const char *const a[] = {"heading", "item-end", "archive", "purpose",
                                            "purpose-position", NULL};
            check_props(l, n, a);
            string_prop(l, n, "heading", &s->recipients_heading);
            string_prop(l, n, "item-end", &s->recipient_end);
            string_prop(l, n, "archive", &s->archive_format);
            string_prop(l, n, "purpose", &s->purpose_format);
            const char *v = prop(l, n, "purpose-position");
            if (v) {
                if (strcmp(v, "after-end") == 0 || strcmp(v, "before-end") == 0)
                    s->purpose_after_end = strcmp(v, "after-end") == 0;
                else
                    err(l, n, "purpose-position=\"%s\"; use before-end or after-end", v);
            }
        } else if (is_el(n, "footnotes")) {
            static const char *const a[] = {"rule", "gap", "mark-scale", "mark-rise", NULL};
            check_props(l, n, a);
            length_prop(l, n, "rule", &s->footnote_rule, 0, 600);
            length_prop(l, n, "gap", &s->footnote_gap, 0, 100);
            length_prop(l, n, "mark-rise", &s->mark_rise, 0, 20);
            const char *v = prop(l, n, "mark-scale");
            if (v) {
                double f = atof(v);
                if (!(f >= 0.3 && f <= 1))
                    err(l, n, "mark-scale=\"%s\"; use a factor from 0.3 to 1", v);
                else
                    s->mark_scale = f;
            }
        } else if (is_el(n, "tables")) {
            static const char *const a[] = {"padding", "border", NULL};
            check_props(l, n, a);
            length_prop(l, n, "padding", &s->cell_padding, 0, 50);
            length_prop(l, n, "border", &s->border_width, 0, 5);
        } else if (is_el(n, "qr")) {
            static const char *const a[] = {"size", "align", NULL};
            check_props(l, n, a);
            length_prop(l, n, "size", &s->qr_size, 20, 400);
            const char *v = prop(l, n, "align");
            if (v) {
                static const char *const aligns[] = {"left", "center", "right"};
                int found = 0;
                for (int k = 0; k < 3; k++)
                    if (strcmp(v, aligns[k]) == 0)
                        s->qr_align = (pg_align)k, found = 1;
                if (!found)
                    err(l, n, "align=\"%s\"; use left, center or right", v);
            }
        } else if (is_el(n, "appendix")) {
            static const char *const a[] = {"label", "numbers", "attachment", "restart-pages",
                                            "reference", NULL};
            check_props(l, n, a);
            string_prop(l, n, "label", &s->appendix_label);
            string_prop(l, n, "attachment", &s->attachment_format);
            string_prop(l, n, "reference", &s->reference_format);
            bool_prop(l, n, "restart-pages", &s->appendix_restart);
            const char *v = prop(l, n, "numbers");
            if (v) {
                if (strcmp(v, "roman") == 0 || strcmp(v, "arabic") == 0)
                    s->appendix_roman = strcmp(v, "roman") == 0;
                else
                    err(l, n, "numbers=\"%s\"; use arabic or roman", v);
            }
        } else if (is_el(n, "basis")) {
            static const char *const a[] = {"lead", "cite", "about", "join", "close", NULL};
            check_props(l, n, a);
            string_prop(l, n, "lead", &s->basis_lead);
            string_prop(l, n, "cite", &s->basis_cite);
            string_prop(l, n, "about", &s->basis_about);
            string_prop(l, n, "join", &s->basis_join);
            string_prop(l, n, "close", &s->basis_close);
        } else if (is_el(n, "marks")) {
            static const char *const a[] = {"draft", "typist", NULL};
            check_props(l, n, a);
            string_prop(l, n, "draft", &s->draft_text);
            string_prop(l, n, "typist", &s->typist_format);
        } else if (is_el(n, "page-number")) {
            static const char *const a[] = {"top", "from", NULL};
            check_props(l, n, a);
            length_prop(l, n, "top", &s->page_number_top, 0, 300);
            const char *v = prop(l, n, "from");
            if (v) {
                int from = atoi(v);
                if (from < 1 || from > 1000)
                    err(l, n, "from=\"%s\"; use a page number from 1", v);
                else
                    s->page_number_from = from;
            }
        } else {
            err(l, n, "unknown element <%s> in a style", n->name);
        }
    }
}

static void set_defaults(pg_style *s)
{
    s->page_w = 595.276;
    s->page_h = 841.89;
    s->margin_top = s->margin_bottom = 56.693;
    s->margin_left = 85.039;
    s->margin_right = 42.520;
    s->font_family = "Times New Roman";
    for (int r = 0; r < PG_ROLE__COUNT; r++)
        s->text[r] = (pg_textstyle){.size = 14, .align = PG_ALIGN_LEFT};
    s->left_block = 0.45;
    s->header_gap = 18;
    s->rule_width = 0.6;
    s->bullet_dash = "-";
    s->bullet_plus = "+";
    s->bullet_star = "*";
    s->signature_column = 0.45;
    s->signature_space = 72;
    s->closing_gap = 12;
    s->recipients_heading = "Nơi nhận:";
    s->recipient_end = ",";
    s->archive_format = "- Lưu {archive}.";
    s->purpose_format = "({purpose})";
    s->page_number_from = 2;
    s->page_number_top = 28.35;
    s->number_format = "Số {number}-{type}/{symbol}";
    s->reference_format = "{number}-{type}/{symbol}";
    s->appendix_label = "PHỤ LỤC";
    s->attachment_format = "(kèm theo {type} số {ref}, ngày {d}/{m}/{yyyy} của {cited})";
    s->footnote_rule = 144;
    s->footnote_gap = 12;
    s->mark_scale = 0.65;
    s->mark_rise = 5;
    s->cell_padding = 4;
    s->border_width = 0.5;
    s->qr_size = 85.04;
    s->qr_align = PG_ALIGN_LEFT;
    s->draft_text = "DỰ THẢO";
    s->basis_lead = "Thực hiện ";
    s->basis_cite = "{type} số {ref}, ngày {d}/{m}/{yyyy} của {issuer}";
    s->basis_about = " về {summary}";
    s->basis_join = "; ";
    s->basis_close = ", {own} xây dựng {type} triển khai thực hiện như sau:";
    s->typist_format = "{typist}.({copies})";
    s->date_format = "{place}, ngày {day} tháng {month} năm {year}";
}

/* installed: the folder of the installed styles (NULL: none), where a base that
 * is not beside the extending file is looked up. */
/* Records a file the style was built from (or looked for), with its hash. The
 * depth limit bounds the count: one file and one base looked for per level. */
static void record_file(pg_style *s, const char *path, const char *hash)
{
    if (s->n_files >= PG_STYLE_FILES)
        abort(); /* cannot happen: load_into() refuses a deeper chain first */
    s->hashes[s->n_files] = pg_arena_strdup(s->arena, hash);
    s->files[s->n_files++] = pg_arena_strdup(s->arena, path);
}

static int load_into(pg_style *s, const char *path, const char *installed, int depth,
                     pg_diag_list *diags)
{
    loader l = {s, diags, path, 0};
    if (depth > MAX_EXTENDS) {
        pg_diag_add(diags, PG_E_STYLE, path, 0, 0, "styles extend each other more than %d deep",
                    MAX_EXTENDS);
        return 0;
    }
    /* the bytes are read here once, hashed and parsed: the hash is of what was used */
    char *bytes = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    if (pg_read_regular_file(path, MAX_STYLE_BYTES, &bytes, &len, why) != PG_INPUT_OK) {
        pg_diag_add(diags, PG_E_STYLE, path, 0, 0, "cannot read the style file: %s", why);
        return 0;
    }
    {
        char h[PG_HASH_HEX];
        pg_sha256_hex(bytes, len, h);
        record_file(s, path, h);
    }
    xmlDoc *x = xmlReadMemory(bytes, (int)len, path, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(bytes);
    if (!x) {
        const xmlError *e = xmlGetLastError();
        char *msg = pg_xstrdup(e && e->message ? e->message : _("cannot read the style file"));
        size_t n = strlen(msg);
        while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            msg[--n] = '\0';
        pg_diag_add(diags, PG_E_STYLE, path, e ? e->line : 0, e ? e->int2 : 0, "%s", msg);
        free(msg);
        return 0;
    }
    xmlNode *root = xmlDocGetRootElement(x);
    if (x->intSubset) {
        err(&l, root, "style files may not declare a DOCTYPE");
    } else if (!root || !is_el(root, "style") || !root->ns ||
               strcmp((const char *)root->ns->href, STYLE_NS) != 0) {
        err(&l, root, "not a plangen style (root must be <style xmlns=\"%s\">)", STYLE_NS);
    } else {
        static const char *const a[] = {"name", "standard", "extends", "in-force-from",
                                        "in-force-until", "rules", NULL};
        check_props(&l, root, a);
        const char *base = prop(&l, root, "extends");
        if (base) {
            /* the base lives beside this file */
            const char *slash = strrchr(path, '/');
            char *bpath = slash ? pg_arena_printf(s->arena, "%.*s/%s.xml", (int)(slash - path),
                                                  path, base)
                                : pg_arena_printf(s->arena, "%s.xml", base);
            /* a house style kept elsewhere extends an installed one ("party") */
            if (installed && !strchr(base, '/') && !g_file_test(bpath, G_FILE_TEST_EXISTS)) {
                char *ipath = pg_arena_printf(s->arena, "%s/%s.xml", installed, base);
                if (g_file_test(ipath, G_FILE_TEST_EXISTS)) {
                    /* a base put beside the house style later would be taken instead:
                     * recorded as missing, so that the build notices it appear */
                    record_file(s, bpath, "missing");
                    bpath = ipath;
                }
            }
            if (!load_into(s, bpath, installed, depth + 1, diags))
                l.errors++;
        }
        const char *name = prop(&l, root, "name"), *standard = prop(&l, root, "standard");
        if (name)
            s->name = name;
        if (standard)
            s->standard = standard;
        const char *rules = prop(&l, root, "rules");
        if (rules) {
            if (strcmp(rules, "hd36") == 0 || strcmp(rules, "nd30") == 0)
                s->rules = rules;
            else
                err(&l, root, "rules=\"%s\"; use hd36 or nd30", rules);
        }
        const char *from = prop(&l, root, "in-force-from"), *until = prop(&l, root, "in-force-until");
        int y, m, d;
        if (from && sscanf(from, "%4d-%2d-%2d", &y, &m, &d) != 3)
            err(&l, root, "in-force-from=\"%s\"; write YYYY-MM-DD", from);
        else if (from)
            s->in_force_from = from;
        if (until && sscanf(until, "%4d-%2d-%2d", &y, &m, &d) != 3)
            err(&l, root, "in-force-until=\"%s\"; write YYYY-MM-DD", until);
        else if (until)
            s->in_force_until = until;
        apply(&l, root);
    }
    xmlFreeDoc(x);
    return l.errors == 0;
}

static pg_style *load_style(const char *path, const char *installed, pg_diag_list *diags)
{
    pg_arena *a = pg_arena_new();
    pg_style *s = pg_arena_alloc(a, sizeof *s);
    s->arena = a;
    s->refs = 1;
    s->file = pg_arena_strdup(a, path);
    set_defaults(s);
    if (!load_into(s, path, installed, 0, diags)) {
        pg_arena_free(a);
        return NULL;
    }
    if (!s->name)
        s->name = "unnamed";
    if (!s->standard)
        s->standard = s->name;
    if (!s->rules)
        s->rules = "hd36";
    double textw = s->page_w - s->margin_left - s->margin_right;
    double texth = s->page_h - s->margin_top - s->margin_bottom;
    if (textw < 72 || texth < 72) {
        /* at the <page> that set the margins last (this file or one it extends) */
        pg_diag_add(diags, PG_E_STYLE, s->page_file ? s->page_file : path, s->page_line, 0,
                    "the margins leave %.0f x %.0f pt for text; at least 72 x 72 pt is needed",
                    textw, texth);
        pg_arena_free(a);
        return NULL;
    }
    return s;
}

pg_style *pg_style_load(const char *path, pg_diag_list *diags)
{
    return load_style(path, NULL, diags);
}

pg_style *pg_style_load_named(const char *styles_dir, const char *name, pg_diag_list *diags)
{
    if (strchr(name, '/'))
        return load_style(name, styles_dir, diags);
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_')) {
            pg_diag_add(diags, PG_E_STYLE, name, 0, 0,
                        "style names use a-z, 0-9, '-' and '_' (or give a path with '/')");
            return NULL;
        }
    pg_buf b = {0};
    pg_buf_printf(&b, "%s/%s.xml", styles_dir, name);
    pg_style *s = pg_style_load(pg_buf_str(&b), diags);
    pg_buf_free(&b);
    return s;
}

pg_style *pg_style_ref(pg_style *s)
{
    if (s)
        s->refs++;
    return s;
}

void pg_style_unref(pg_style *s)
{
    if (s && --s->refs == 0)
        pg_arena_free(s->arena);
}
