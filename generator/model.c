/* model.c - node construction, the one tree walker, and the tree dump. */
#include "model.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[PG_NODE__COUNT] = {
    [PG_NODE_NONE] = "none",         [PG_NODE_BODY] = "body",
    [PG_NODE_SECTION] = "section",   [PG_NODE_PARA] = "p",
    [PG_NODE_ITEM] = "item",         [PG_NODE_TABLE] = "table",
    [PG_NODE_ROW] = "row",           [PG_NODE_CELL] = "cell",
    [PG_NODE_QR] = "qr",             [PG_NODE_IMAGE] = "image",
    [PG_NODE_APPENDIX] = "appendix", [PG_NODE_INHERIT] = "inherit",
    [PG_NODE_REPLACE] = "replace",   [PG_NODE_REMOVE] = "remove",
    [PG_NODE_APPEND] = "append",     [PG_NODE_CHANGE] = "change",
    [PG_NODE_INLINE] = "inline",
    [PG_NODE_TEXT] = "text",         [PG_NODE_BOLD] = "b",
    [PG_NODE_ITALIC] = "i",          [PG_NODE_UNDERLINE] = "u",
    [PG_NODE_BREAK] = "br",          [PG_NODE_FOOTNOTE] = "footnote",
    [PG_NODE_DEADLINE] = "deadline",
};
_Static_assert(sizeof type_names / sizeof type_names[0] == PG_NODE__COUNT, "one name per node type");

pg_doc *pg_doc_new(const char *file)
{
    pg_arena *a = pg_arena_new();
    pg_doc *doc = pg_arena_alloc(a, sizeof *doc);
    doc->arena = a;
    doc->file = pg_arena_strdup(a, file ? file : "<memory>");
    doc->number = -1;
    doc->refs = 1;
    return doc;
}

pg_doc *pg_doc_ref(pg_doc *doc)
{
    doc->refs++;
    return doc;
}

void pg_doc_free(pg_doc *doc)
{
    if (!doc || --doc->refs > 0)
        return;
    for (size_t i = 0; i < doc->n_parents; i++)
        pg_doc_free(doc->parents[i]);
    free(doc->parents);
    for (size_t i = 0; i < doc->n_sources; i++)
        pg_doc_free(doc->sources[i]);
    free(doc->sources);
    pg_arena_free(doc->arena);
}

pg_node *pg_node_new(pg_doc *doc, pg_node_type type, pg_pos pos)
{
    pg_node *n = pg_arena_alloc(doc->arena, sizeof *n);
    n->type = type;
    n->pos = pos;
    return n;
}

void pg_node_append(pg_node *parent, pg_node *child)
{
    child->parent = parent;
    child->next = NULL;
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
}

const char *pg_node_type_name(pg_node_type t)
{
    return (unsigned)t < PG_NODE__COUNT ? type_names[t] : "?";
}

static void inline_text(const pg_node *n, pg_buf *b)
{
    for (const pg_node *c = n->first; c; c = c->next) {
        if (c->type == PG_NODE_TEXT)
            pg_buf_puts(b, c->u.text.text);
        else if (c->type == PG_NODE_BREAK)
            pg_buf_putc(b, '\n');
        else if (c->type != PG_NODE_FOOTNOTE)
            inline_text(c, b);
    }
}

pg_node *pg_node_copy(pg_doc *doc, const pg_node *n, const char *file)
{
    pg_node *c = pg_node_new(doc, n->type, n->pos);
    c->u = n->u;
    c->file = n->file ? n->file : file;
    if (n->type == PG_NODE_SECTION)
        c->u.section.label = NULL;
    for (const pg_node *k = n->first; k; k = k->next) /* depth bounded by the XML limit */
        pg_node_append(c, pg_node_copy(doc, k, file));
    return c;
}

char *pg_inline_text(const pg_node *n)
{
    pg_buf b = {0};
    if (n) {
        if (n->type == PG_NODE_TEXT)
            pg_buf_puts(&b, n->u.text.text);
        else
            inline_text(n, &b);
    }
    char *s = pg_xstrdup(pg_buf_str(&b));
    pg_buf_free(&b);
    return s;
}

char *pg_sentence_case(const char *s)
{
    char *low = g_utf8_strdown(s, -1);
    char *out;
    if (*low) {
        char first[8];
        int n = g_unichar_to_utf8(g_unichar_toupper(g_utf8_get_char(low)), first);
        first[n] = '\0';
        out = g_strconcat(first, g_utf8_next_char(low), NULL);
    } else {
        out = g_strdup("");
    }
    g_free(low);
    return out;
}

/* Words that name a kind of administrative unit: the words after one are the
 * unit's proper name ("xã Tân Phúc"). Two-word kinds come first. */
static const char *const admin_kinds[] = {"thị trấn", "thị xã", "thành phố", "xã", "phường",
                                          "huyện",   "quận",   "tỉnh",      NULL};

/* w with its first letter in upper case, the rest as it is; appended to out. */
static void append_title(GString *out, const char *w, size_t len)
{
    char first[8];
    int n = g_unichar_to_utf8(g_unichar_toupper(g_utf8_get_char(w)), first);
    g_string_append_len(out, first, n);
    const char *rest = g_utf8_next_char(w);
    g_string_append_len(out, rest, (gssize)(len - (size_t)(rest - w)));
}

char *pg_name_case(const char *s)
{
    char *low = pg_sentence_case(s);
    GString *out = g_string_new(NULL);
    int in_name = 0;
    for (const char *c = low; *c;) {
        if (*c == ' ') {
            g_string_append_c(out, *c++);
            continue;
        }
        const char *end = strchr(c, ' ');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (in_name) {
            append_title(out, c, len);
            c += len;
            continue;
        }
        for (int k = 0; admin_kinds[k]; k++) {
            size_t kl = strlen(admin_kinds[k]);
            const char *after = c + kl;
            /* "huyện ủy", "tỉnh ủy" name a body, not a place */
            if (c != low && strncmp(c, admin_kinds[k], kl) == 0 && *after == ' ' &&
                strncmp(after + 1, "ủy", strlen("ủy")) != 0) {
                g_string_append_len(out, c, (gssize)kl);
                c += kl;
                len = 0;
                in_name = 1;
                break;
            }
        }
        g_string_append_len(out, c, (gssize)len);
        c += len;
    }
    g_free(low);
    return g_string_free(out, FALSE);
}

char *pg_issuer_cited(const pg_doc *doc)
{
    if (doc->cited_as)
        return g_strdup(doc->cited_as);
    char *issuer = pg_inline_text(doc->issuer);
    for (char *k = issuer; *k; k++)
        if (*k == '\n')
            *k = ' ';
    char *named = pg_name_case(issuer);
    char *out = pg_xstrdup(named);
    g_free(named);
    free(issuer);
    return out;
}

int pg_yes_no(const char *v)
{
    return strcmp(v, "yes") == 0 ? 1 : strcmp(v, "no") == 0 ? 0 : -1;
}

/* Iterative, so hostile nesting cannot exhaust the stack. */
void pg_node_walk(pg_node *root, pg_visit_fn enter, pg_visit_fn leave, void *ud)
{
    if (!root)
        return;
    pg_node *n = root;
    int depth = 0;
    for (;;) {
        int skip = enter ? enter(n, depth, ud) : 0;
        if (!skip && n->first) {
            n = n->first;
            depth++;
            continue;
        }
        for (;;) {
            if (leave)
                leave(n, depth, ud);
            if (n == root)
                return;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            depth--;
        }
    }
}

static int dump_enter(pg_node *n, int depth, void *ud)
{
    FILE *f = ud;
    fprintf(f, "%*s%s %d:%d", depth * 2, "", pg_node_type_name(n->type), n->pos.line, n->pos.col);
    if (n->file)
        fprintf(f, " from %s", n->file);
    switch (n->type) {
    case PG_NODE_SECTION:
        if (n->u.section.label)
            fprintf(f, " label=\"%s\"", n->u.section.label);
        if (n->u.section.id)
            fprintf(f, " id=%s", n->u.section.id);
        if (n->u.section.run_in)
            fprintf(f, " run-in");
        if (n->u.section.title)
            fprintf(f, " title=\"%s\"", n->u.section.title);
        break;
    case PG_NODE_PARA:
        if (n->u.para.basis)
            fprintf(f, " basis");
        if (n->u.para.id)
            fprintf(f, " id=%s", n->u.para.id);
        break;
    case PG_NODE_ITEM:
        if (n->u.item.label)
            fprintf(f, " label=\"%s\"", n->u.item.label);
        if (n->u.item.id)
            fprintf(f, " id=%s", n->u.item.id);
        break;
    case PG_NODE_TEXT:
        fprintf(f, " \"%s\"", n->u.text.text);
        break;
    case PG_NODE_TABLE:
        fprintf(f, " columns=%d", n->u.table.ncols);
        break;
    case PG_NODE_ROW:
        if (n->u.row.header)
            fprintf(f, " header");
        break;
    case PG_NODE_QR:
        fprintf(f, " href=\"%s\"%s", n->u.qr.href, n->u.qr.caption ? "" : " no-caption");
        break;
    case PG_NODE_IMAGE:
        fprintf(f, " src=\"%s\" %dx%d px", n->u.image.src, n->u.image.px_w, n->u.image.px_h);
        break;
    case PG_NODE_APPENDIX:
        if (n->u.appendix.label)
            fprintf(f, " label=\"%s\" attachment=\"%s\"", n->u.appendix.label,
                    n->u.appendix.attachment);
        if (n->u.appendix.title)
            fprintf(f, " title=\"%s\"", n->u.appendix.title);
        if (n->u.appendix.landscape)
            fprintf(f, " landscape");
        break;
    case PG_NODE_FOOTNOTE:
        if (n->u.footnote.number)
            fprintf(f, " number=%d", n->u.footnote.number);
        break;
    case PG_NODE_INHERIT:
    case PG_NODE_REPLACE:
    case PG_NODE_REMOVE:
    case PG_NODE_APPEND:
        fprintf(f, " ref=%s", n->u.edit.ref ? n->u.edit.ref : "");
        if (n->type != PG_NODE_INHERIT)
            break;
        if (n->u.edit.from)
            fprintf(f, " from=%s", n->u.edit.from);
        if (n->u.edit.as)
            fprintf(f, " as=%s", pg_node_type_name(n->u.edit.as));
        if (n->u.edit.title)
            fprintf(f, " title=\"%s\"", n->u.edit.title);
        if (!n->u.edit.footnotes)
            fprintf(f, " footnotes=no");
        break;
    case PG_NODE_CHANGE:
        fprintf(f, " from=\"%s\"", n->u.change.from ? n->u.change.from : "");
        break;
    case PG_NODE_DEADLINE:
        fprintf(f, " date=%04d-%02d-%02d", n->u.deadline.year, n->u.deadline.month,
                n->u.deadline.day);
        if (n->u.deadline.id)
            fprintf(f, " id=%s", n->u.deadline.id);
        break;
    default:
        break;
    }
    fputc('\n', f);
    return 0;
}

static void dump_inline(const char *name, pg_node *n, FILE *f)
{
    char *s = pg_inline_text(n);
    fprintf(f, "%s: \"%s\"\n", name, s);
    free(s);
}

void pg_doc_dump(const pg_doc *doc, FILE *f)
{
    fprintf(f, "plan %s style=%s\n", doc->file, doc->style_name ? doc->style_name : "(default)");
    if (doc->parent_body)
        fprintf(f, "parent-body: \"%s\"\n", doc->parent_body);
    dump_inline("issuer", doc->issuer, f);
    fprintf(f, "symbol: \"%s\"\n", doc->symbol ? doc->symbol : "");
    if (doc->number >= 0)
        fprintf(f, "number: %d\n", doc->number);
    else
        fprintf(f, "number: (blank)\n");
    fprintf(f, "place: \"%s\"\n", doc->place ? doc->place : "");
    if (doc->day)
        fprintf(f, "date: %04d-%02d-%02d\n", doc->year, doc->month, doc->day);
    else
        fprintf(f, "date: %04d-%02d (month only: a draft)\n", doc->year, doc->month);
    fprintf(f, "type: \"%s\" (%s)\n", doc->doctype, doc->doctype_abbr);
    for (size_t i = 0; i < doc->n_cites; i++) {
        const pg_citation *c = &doc->cites[i];
        char raw[96];
        if (!c->ref && c->parent)
            snprintf(raw, sizeof raw, "(%d %s %s)", c->parent->number, c->parent->doctype_abbr,
                     c->parent->symbol);
        fprintf(f, "implements: %s số %s, %04d-%02d-%02d, %s%s%s\n", c->type,
                c->ref ? c->ref : raw, c->year,
                c->month, c->day, c->issuer, c->summary ? ", về " : "",
                c->summary ? c->summary : "");
    }
    for (size_t i = 0; i < doc->n_uses; i++)
        fprintf(f, "uses: %s\n", doc->uses[i]);
    dump_inline("summary", doc->summary, f);
    if (doc->numbered) {
        fprintf(f, "number-line: \"%s\"\n", doc->number_line);
        fprintf(f, "date-line: \"%s\"\n", doc->date_line);
    }
    pg_node_walk(doc->body, dump_enter, NULL, f);
    if (doc->appendices && doc->appendices->first)
        pg_node_walk(doc->appendices, dump_enter, NULL, f);
    for (size_t i = 0; i < doc->n_recipients; i++) {
        const pg_recipient *r = &doc->recipients[i];
        if (r->line)
            fprintf(f, "recipient%s: \"%s\"\n", r->group ? " (group)" : "", r->line);
        else
            fprintf(f, "recipient: \"%s\" purpose=\"%s\" group=%d\n", r->text,
                    r->purpose ? r->purpose : "", r->group);
    }
    for (size_t i = 0; i < doc->n_groups; i++)
        fprintf(f, "group %zu: %zu+%zu purpose=\"%s\"\n", i + 1, doc->groups[i].first,
                doc->groups[i].count, doc->groups[i].purpose);
    if (doc->archive_line)
        fprintf(f, "archive: \"%s\"\n", doc->archive_line);
    else if (doc->archive)
        fprintf(f, "archive: \"%s\"\n", doc->archive);
    const pg_signature *s = &doc->signature;
    if (s->authority_line || s->title_line)
        fprintf(f, "signature: \"%s\" / \"%s\" / \"%s\"\n",
                s->authority_line ? s->authority_line : "", s->title_line ? s->title_line : "",
                s->name ? s->name : "");
    else
        fprintf(f, "signature: authority=%d collective=\"%s\" title=\"%s\" name=\"%s\"\n",
                (int)s->authority, s->collective ? s->collective : "", s->title ? s->title : "",
                s->name ? s->name : "");
    if (s->image)
        fprintf(f, "signature image: \"%s\" %dx%d px\n", s->image->u.image.src,
                s->image->u.image.px_w, s->image->u.image.px_h);
    if (s->seal)
        fprintf(f, "seal: \"%s\" %dx%d px, diameter %.2f pt\n", s->seal->u.image.src,
                s->seal->u.image.px_w, s->seal->u.image.px_h, s->seal->u.image.width);
}
