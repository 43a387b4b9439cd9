/* derive.c - resolve stage (see derive.h). */
#include "derive.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_MAX_DEPTH = 8, MAX_CHAIN = 64 };

typedef struct {
    const pg_resolve_opts *opts;
    pg_diag_list *diags;
    char *root;                 /* real path of the plans root */
    const char *chain[MAX_CHAIN]; /* real paths from the first plan down */
    int depth;
    int errors;
} resolver;

static void err(resolver *r, pg_diag_code code, const char *file, pg_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void err(resolver *r, pg_diag_code code, const char *file, pg_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_diag_vadd(r->diags, code, file, pos.line, pos.col, fmt, ap);
    va_end(ap);
    if (pg_diag_level(code) == PG_LEVEL_ERROR)
        r->errors++;
}

/* ---- finding and copying nodes ----------------------------------------------------- */

typedef struct {
    const char *id;
    pg_node *found;
    int skip_edits; /* do not look inside <replace>/<append> content */
} finder;

static int find_enter(pg_node *n, int depth, void *ud)
{
    (void)depth;
    finder *f = ud;
    if (f->found)
        return 1;
    if (f->skip_edits && (n->type == PG_NODE_REPLACE || n->type == PG_NODE_APPEND))
        return 1;
    if (n->type == PG_NODE_SECTION && n->u.section.id && strcmp(n->u.section.id, f->id) == 0) {
        f->found = n;
        return 1;
    }
    return PG_NODE_IS_INLINE(n->type) || n->type == PG_NODE_PARA || n->type == PG_NODE_ITEM;
}

static pg_node *find_id(pg_node *root, const char *id, int skip_edits)
{
    finder f = {id, NULL, skip_edits};
    pg_node_walk(root, find_enter, NULL, &f);
    return f.found;
}

static pg_node *find_in_doc(pg_doc *doc, const char *id, int skip_edits)
{
    pg_node *n = find_id(doc->body, id, skip_edits);
    return n ? n : doc->appendices ? find_id(doc->appendices, id, skip_edits) : NULL;
}

/* A deep copy of n into doc's arena; strings are shared with the parent, which
 * lives as long as doc. Recursion depth is bounded by the XML nesting limit. */
static pg_node *copy_tree(pg_doc *doc, const pg_node *n, const char *file)
{
    pg_node *c = pg_node_new(doc, n->type, n->pos);
    c->u = n->u;
    c->file = n->file ? n->file : file;
    if (n->type == PG_NODE_SECTION)
        c->u.section.label = NULL;
    for (const pg_node *k = n->first; k; k = k->next)
        pg_node_append(c, copy_tree(doc, k, file));
    return c;
}

/* Puts the children of repl (or nothing) where n stands, and unlinks n. */
static void splice(pg_node *n, pg_node *repl_first)
{
    pg_node *parent = n->parent, *prev = NULL;
    for (pg_node *k = parent->first; k && k != n; k = k->next)
        prev = k;
    pg_node *after = n->next, *last = prev;
    for (pg_node *k = repl_first; k;) {
        pg_node *next = k->next;
        k->parent = parent;
        if (last)
            last->next = k;
        else
            parent->first = k;
        last = k;
        k = next;
    }
    if (last)
        last->next = after;
    else
        parent->first = after;
    if (!after)
        parent->last = last;
    n->parent = NULL;
    n->next = NULL;
}

/* ---- citations --------------------------------------------------------------------- */

static char *sentence_case(const char *s)
{
    char *low = g_utf8_strdown(s, -1);
    if (!*low)
        return low;
    char first[8];
    int n = g_unichar_to_utf8(g_unichar_toupper(g_utf8_get_char(low)), first);
    first[n] = '\0';
    char *out = g_strconcat(first, g_utf8_next_char(low), NULL);
    g_free(low);
    return out;
}

/* The citation of a plangen parent, as its own standard writes its number:
 * "179-KH/TU" (Party) or "123/KH-UBND" (state styles). */
static pg_citation cite_parent(pg_doc *doc, const pg_doc *parent)
{
    pg_citation c = {0};
    char *type = sentence_case(parent->doctype);
    c.type = pg_arena_strdup(doc->arena, type);
    g_free(type);
    int state = parent->style_name && strncmp(parent->style_name, "state", 5) == 0;
    c.ref = parent->number < 0
                ? pg_arena_printf(doc->arena, state ? "/%s-%s" : "-%s/%s", parent->doctype_abbr,
                                  parent->symbol)
            : state ? pg_arena_printf(doc->arena, "%02d/%s-%s", parent->number,
                                      parent->doctype_abbr, parent->symbol)
                    : pg_arena_printf(doc->arena, "%02d-%s/%s", parent->number,
                                      parent->doctype_abbr, parent->symbol);
    c.year = parent->year;
    c.month = parent->month;
    c.day = parent->day;
    if (parent->cited_as) {
        c.issuer = parent->cited_as;
    } else {
        char *issuer = pg_inline_text(parent->issuer);
        for (char *k = issuer; *k; k++)
            if (*k == '\n')
                *k = ' ';
        char *sc = sentence_case(issuer);
        c.issuer = pg_arena_strdup(doc->arena, sc);
        g_free(sc);
        free(issuer);
    }
    char *summary = pg_inline_text(parent->summary);
    c.summary = pg_arena_strdup(doc->arena, summary);
    free(summary);
    c.report = 1;
    c.pos = doc->derives_pos;
    return c;
}

/* ---- deadlines ------------------------------------------------------------------------ */

typedef struct {
    const pg_node **v;
    size_t n, cap;
} deadlines;

static int collect_deadlines(pg_node *n, int depth, void *ud)
{
    (void)depth;
    deadlines *d = ud;
    if (n->type == PG_NODE_DEADLINE) {
        if (d->n == d->cap) {
            d->cap = d->cap ? d->cap * 2 : 16;
            d->v = pg_xrealloc(d->v, d->cap * sizeof *d->v);
        }
        d->v[d->n++] = n;
    }
    return 0;
}

static long ymd(int y, int m, int d)
{
    return (long)y * 10000 + m * 100 + d;
}

/* The nearest ancestor's deadline with this id, and the file it stands in. */
static const pg_node *ancestor_deadline(const pg_doc *doc, const char *id, const char **file)
{
    for (size_t i = 0; i < doc->n_parents; i++) {
        const pg_doc *p = doc->parents[i];
        deadlines d = {0};
        pg_node_walk(p->body, collect_deadlines, NULL, &d);
        /* the parent's own deadline first; one it inherited is its parent's */
        const pg_node *hit = NULL;
        for (int own = 1; own >= 0 && !hit; own--)
            for (size_t k = 0; k < d.n && !hit; k++)
                if (d.v[k]->u.deadline.id && strcmp(d.v[k]->u.deadline.id, id) == 0 &&
                    (d.v[k]->file == NULL) == own)
                    hit = d.v[k];
        free(d.v);
        if (hit) {
            *file = hit->file ? hit->file : p->file;
            return hit;
        }
        hit = ancestor_deadline(p, id, file);
        if (hit)
            return hit;
    }
    return NULL;
}

static void check_deadlines(resolver *r, pg_doc *doc)
{
    deadlines d = {0};
    pg_node_walk(doc->body, collect_deadlines, NULL, &d);
    long plan = ymd(doc->year, doc->month, doc->day ? doc->day : 1);
    for (size_t i = 0; i < d.n; i++) {
        const pg_node *n = d.v[i];
        if (n->file)
            continue; /* the parent's own deadline, checked with the parent */
        long mine = ymd(n->u.deadline.year, n->u.deadline.month, n->u.deadline.day);
        if (mine && mine < plan)
            err(r, PG_W_STANDARD, doc->file, n->pos,
                "deadline %04d-%02d-%02d is before the plan's own date %04d-%02d-%02d",
                n->u.deadline.year, n->u.deadline.month, n->u.deadline.day, doc->year,
                doc->month, doc->day);
        if (!n->u.deadline.id)
            continue;
        const char *pf = NULL;
        const pg_node *p = ancestor_deadline(doc, n->u.deadline.id, &pf);
        if (!p) {
            if (doc->n_parents)
                err(r, PG_W_STANDARD, doc->file, n->pos,
                    "deadline id=\"%s\" answers no deadline of the parent plans",
                    n->u.deadline.id);
            continue;
        }
        long theirs = ymd(p->u.deadline.year, p->u.deadline.month, p->u.deadline.day);
        if (mine > theirs)
            err(r, PG_E_STANDARD, doc->file, n->pos,
                "deadline %04d-%02d-%02d (id=\"%s\") is later than the parent's %04d-%02d-%02d "
                "at %s:%d:%d; a subordinate plan sets the same date or an earlier one",
                n->u.deadline.year, n->u.deadline.month, n->u.deadline.day, n->u.deadline.id,
                p->u.deadline.year, p->u.deadline.month, p->u.deadline.day, pf, p->pos.line,
                p->pos.col);
    }
    free(d.v);
}

/* ---- the merge -------------------------------------------------------------------------- */

typedef struct {
    pg_node **v;
    size_t n, cap;
} nodes;

static int collect_edits(pg_node *n, int depth, void *ud)
{
    (void)depth;
    nodes *e = ud;
    if (n->type >= PG_NODE_INHERIT && n->type <= PG_NODE_APPEND) {
        if (e->n == e->cap) {
            e->cap = e->cap ? e->cap * 2 : 16;
            e->v = pg_xrealloc(e->v, e->cap * sizeof *e->v);
        }
        e->v[e->n++] = n;
        return n->type != PG_NODE_REPLACE && n->type != PG_NODE_APPEND;
    }
    return PG_NODE_IS_INLINE(n->type) || n->type == PG_NODE_PARA || n->type == PG_NODE_ITEM;
}

static int set_depths(pg_node *n, int depth, void *ud)
{
    (void)depth;
    resolver *r = ud;
    if (n->type == PG_NODE_SECTION) {
        int d = 1;
        for (pg_node *p = n->parent; p; p = p->parent)
            d += p->type == PG_NODE_SECTION;
        n->u.section.depth = d;
        if (d > PG_MAX_LEVELS)
            err(r, PG_E_TOO_DEEP, n->file ? n->file : "plan", n->pos,
                "after the merge, sections are nested %d deep; at most %d levels are numbered", d,
                PG_MAX_LEVELS);
        return d > PG_MAX_LEVELS;
    }
    return PG_NODE_IS_INLINE(n->type) || n->type == PG_NODE_PARA || n->type == PG_NODE_ITEM;
}

static void merge(resolver *r, pg_doc *doc)
{
    pg_doc *parent = doc->n_parents ? doc->parents[0] : NULL;
    nodes e = {0};
    pg_node_walk(doc->body, collect_edits, NULL, &e);
    if (doc->appendices)
        pg_node_walk(doc->appendices, collect_edits, NULL, &e);
    /* inheritance first: the edits may name what was inherited */
    for (size_t i = 0; i < e.n; i++) {
        pg_node *n = e.v[i];
        if (n->type != PG_NODE_INHERIT || !n->u.edit.ref)
            continue;
        if (!parent) {
            err(r, PG_E_MISSING_ATTRIBUTE, doc->file, n->pos,
                "<inherit ref=\"%s\"> needs a parent plan: add derives-from=\"PARENT.xml\" to "
                "<plan>",
                n->u.edit.ref);
            splice(n, NULL);
            continue;
        }
        pg_node *src = find_in_doc(parent, n->u.edit.ref, 1);
        if (!src) {
            err(r, PG_E_MISSING_ELEMENT, doc->file, n->pos,
                "the parent %s has no section id=\"%s\"", parent->file, n->u.edit.ref);
            splice(n, NULL);
            continue;
        }
        splice(n, copy_tree(doc, src, parent->file));
    }
    for (size_t i = 0; i < e.n; i++) {
        pg_node *n = e.v[i];
        if (n->type == PG_NODE_INHERIT || !n->u.edit.ref)
            continue;
        pg_node *target = find_in_doc(doc, n->u.edit.ref, 1);
        if (!target) {
            err(r, PG_E_MISSING_ELEMENT, doc->file, n->pos,
                "no section id=\"%s\" in the plan%s%s to %s", n->u.edit.ref,
                parent ? " or its parent " : "", parent ? parent->file : "",
                n->type == PG_NODE_REPLACE  ? "replace"
                : n->type == PG_NODE_REMOVE ? "remove"
                                            : "append to");
            splice(n, NULL);
            continue;
        }
        pg_node *content = n->first;
        n->first = n->last = NULL;
        switch (n->type) {
        case PG_NODE_REPLACE:
            splice(target, content);
            break;
        case PG_NODE_REMOVE:
            splice(target, NULL);
            break;
        case PG_NODE_APPEND:
            for (pg_node *k = content; k;) {
                pg_node *next = k->next;
                pg_node_append(target, k);
                k = next;
            }
            break;
        default:
            break;
        }
        splice(n, NULL);
    }
    free(e.v);
    pg_node_walk(doc->body, set_depths, NULL, r);
    if (doc->appendices)
        pg_node_walk(doc->appendices, set_depths, NULL, r);
}

/* The parents' issuers first among the recipients, "(để báo cáo)". */
static void report_back(pg_doc *doc)
{
    if (!doc->report_back)
        return;
    const char *add[16];
    size_t k = 0;
    for (size_t i = 0; i < doc->n_cites && k < 16; i++) {
        const pg_citation *c = &doc->cites[i];
        int listed = 0;
        for (size_t j = 0; j < doc->n_recipients; j++)
            listed |= strcmp(doc->recipients[j].text, c->issuer) == 0;
        for (size_t j = 0; j < k; j++)
            listed |= strcmp(add[j], c->issuer) == 0;
        if (c->report && !listed)
            add[k++] = c->issuer;
    }
    if (!k)
        return;
    size_t n = doc->n_recipients + k;
    pg_recipient *r = pg_arena_alloc(doc->arena, n * sizeof *r);
    for (size_t i = 0; i < k; i++) {
        r[i].text = add[i];
        r[i].purpose = k == 1 ? "để báo cáo" : NULL;
        r[i].group = k > 1 ? 1 : 0;
        r[i].pos = doc->recipients_pos;
    }
    for (size_t i = 0; i < doc->n_recipients; i++) {
        r[k + i] = doc->recipients[i];
        if (r[k + i].group && k > 1)
            r[k + i].group++;
    }
    if (k > 1) {
        /* two parents or more: one brace, one purpose */
        pg_recipient_group *g = pg_arena_alloc(doc->arena, (doc->n_groups + 1) * sizeof *g);
        g[0] = (pg_recipient_group){"để báo cáo", 0, k, doc->recipients_pos};
        for (size_t i = 0; i < doc->n_groups; i++) {
            g[i + 1] = doc->groups[i];
            g[i + 1].first += k;
        }
        doc->groups = g;
        doc->n_groups++;
    } else {
        for (size_t i = 0; i < doc->n_groups; i++)
            doc->groups[i].first += k;
    }
    doc->recipients = r;
    doc->n_recipients = n;
    doc->has_recipients = 1;
}

/* ---- loading the parents ---------------------------------------------------------------- */

/* dir/rel with "." and "name/.." folded away, lexically ("plans/a/../b.xml" ->
 * "plans/b.xml"); g_free. */
static char *normalise(const char *dir, const char *rel)
{
    char *joined = g_build_filename(dir, rel, NULL);
    char **parts = g_strsplit(joined, "/", -1);
    GPtrArray *keep = g_ptr_array_new();
    int absolute = joined[0] == '/';
    for (char **p = parts; *p; p++) {
        if (!**p || strcmp(*p, ".") == 0)
            continue;
        if (strcmp(*p, "..") == 0 && keep->len &&
            strcmp(keep->pdata[keep->len - 1], "..") != 0) {
            g_ptr_array_remove_index(keep, keep->len - 1);
            continue;
        }
        g_ptr_array_add(keep, *p);
    }
    GString *out = g_string_new(absolute ? "/" : "");
    for (guint i = 0; i < keep->len; i++)
        g_string_append_printf(out, "%s%s", i ? "/" : "", (char *)keep->pdata[i]);
    g_ptr_array_free(keep, TRUE);
    g_strfreev(parts);
    g_free(joined);
    return g_string_free(out, FALSE);
}

static pg_doc *load_parent(resolver *r, pg_doc *doc)
{
    const char *rel = doc->derives_from;
    if (!*rel || rel[0] == '/') {
        err(r, PG_E_BAD_VALUE, doc->file, doc->derives_pos,
            "derives-from=\"%s\": write the parent's path relative to this plan", rel);
        return NULL;
    }
    char *dir = g_path_get_dirname(doc->file);
    char *joined = g_build_filename(dir, rel, NULL);
    char *real = realpath(joined, NULL);
    g_free(dir);
    g_free(joined);
    pg_doc *parent = NULL;
    if (!real) {
        err(r, PG_E_IO, doc->file, doc->derives_pos, "parent plan \"%s\": %s", rel,
            strerror(errno));
        return NULL;
    }
    size_t n = strlen(r->root);
    if (strncmp(real, r->root, n) != 0 || (real[n] != '/' && real[n] != '\0')) {
        err(r, PG_E_BAD_VALUE, doc->file, doc->derives_pos,
            "parent plan \"%s\" lies outside the plans folder; keep parents inside it (symbolic "
            "links count where they lead)",
            rel);
        free(real);
        return NULL;
    }
    for (int i = 0; i < r->depth; i++)
        if (strcmp(r->chain[i], real) == 0) {
            pg_buf chain = {0};
            for (int k = i; k < r->depth; k++) {
                char *base = g_path_get_basename(r->chain[k]);
                pg_buf_printf(&chain, "%s -> ", base);
                g_free(base);
            }
            char *base = g_path_get_basename(real);
            pg_buf_puts(&chain, base);
            g_free(base);
            err(r, PG_E_BAD_VALUE, doc->file, doc->derives_pos,
                "derivation cycle: %s; a plan cannot derive from its own descendants",
                pg_buf_str(&chain));
            pg_buf_free(&chain);
            free(real);
            return NULL;
        }
    int max = r->opts && r->opts->max_depth ? r->opts->max_depth : DEFAULT_MAX_DEPTH;
    if (r->depth > max || r->depth >= MAX_CHAIN - 1) {
        err(r, PG_E_TOO_DEEP, doc->file, doc->derives_pos,
            "more than %d levels of parent plans above the first; shorten the chain", max);
        free(real);
        return NULL;
    }
    pg_parse_opts po = r->opts && r->opts->parse ? *r->opts->parse : (pg_parse_opts){0};
    po.root = r->root;
    /* messages name the parent as the child does, relative to where plangen runs */
    char *dir2 = g_path_get_dirname(doc->file);
    char *name = normalise(dir2, rel);
    g_free(dir2);
    parent = pg_doc_parse_file(name, &po, r->diags);
    g_free(name);
    free(real);
    if (pg_diag_worst(r->diags) == PG_LEVEL_ERROR) {
        r->errors++;
        pg_doc_free(parent);
        return NULL;
    }
    return parent;
}

static int resolve_doc(resolver *r, pg_doc *doc)
{
    char *real = realpath(doc->file, NULL);
    r->chain[r->depth++] = real ? real : pg_xstrdup(doc->file);
    int ok = 1;
    if (doc->derives_from) {
        pg_doc *parent = load_parent(r, doc);
        if (parent && resolve_doc(r, parent)) {
            doc->parents = pg_xrealloc(doc->parents, (doc->n_parents + 1) * sizeof *doc->parents);
            doc->parents[doc->n_parents++] = parent;
            /* the parent is cited first, before any <implements> */
            pg_citation *c = pg_arena_alloc(doc->arena, (doc->n_cites + 1) * sizeof *c);
            c[0] = cite_parent(doc, parent);
            if (doc->n_cites)
                memcpy(c + 1, doc->cites, doc->n_cites * sizeof *c);
            doc->cites = c;
            doc->n_cites++;
        } else {
            pg_doc_free(parent);
            ok = 0;
        }
    }
    if (ok) {
        merge(r, doc);
        report_back(doc);
        check_deadlines(r, doc);
    }
    free((char *)r->chain[--r->depth]);
    return ok && r->errors == 0;
}

int pg_doc_resolve(pg_doc *doc, const pg_resolve_opts *opts, pg_diag_list *diags)
{
    resolver r = {0};
    r.opts = opts;
    r.diags = diags;
    const char *root = opts && opts->parse && opts->parse->root ? opts->parse->root : NULL;
    char *dir = root ? NULL : g_path_get_dirname(doc->file);
    r.root = realpath(root ? root : dir, NULL);
    g_free(dir);
    if (!r.root) {
        pg_diag_add(diags, PG_E_IO, doc->file, 0, 0, "cannot find the plans folder");
        return 0;
    }
    int ok = resolve_doc(&r, doc);
    free(r.root);
    return ok;
}

/* ---- diff -------------------------------------------------------------------------------- */

static int diff_enter(pg_node *n, int depth, void *ud)
{
    (void)depth;
    FILE *f = ud;
    switch (n->type) {
    case PG_NODE_INHERIT:
        fprintf(f, "inherits %s\n", n->u.edit.ref);
        return 1;
    case PG_NODE_REPLACE:
        fprintf(f, "replaces %s\n", n->u.edit.ref);
        return 1;
    case PG_NODE_REMOVE:
        fprintf(f, "removes %s\n", n->u.edit.ref);
        return 1;
    case PG_NODE_APPEND:
        fprintf(f, "appends to %s\n", n->u.edit.ref);
        return 1;
    case PG_NODE_SECTION:
        if (n->parent && n->parent->type == PG_NODE_BODY)
            fprintf(f, "adds %s\n", n->u.section.title ? n->u.section.title : "(untitled section)");
        return 0;
    default:
        return PG_NODE_IS_INLINE(n->type) || n->type == PG_NODE_PARA || n->type == PG_NODE_ITEM;
    }
}

void pg_doc_diff(const pg_doc *doc, FILE *f)
{
    fprintf(f, "%s derives from %s\n", doc->file,
            doc->derives_from ? doc->derives_from : "(no plangen parent)");
    for (size_t i = 0; i < doc->n_cites; i++)
        fprintf(f, "implements %s số %s of %04d-%02d-%02d (%s)\n", doc->cites[i].type,
                doc->cites[i].ref, doc->cites[i].year, doc->cites[i].month, doc->cites[i].day,
                doc->cites[i].issuer);
    pg_node_walk(doc->body, diff_enter, NULL, f);
}
