/* resolve.c - resolve stage (see resolve.h). */
#include "resolve.h"

#include "i18n.h"
#include "reads.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The id a section, paragraph or item carries; NULL when none. */
static const char *node_id(const pg_node *n)
{
    switch (n->type) {
    case PG_NODE_SECTION:
        return n->u.section.id;
    case PG_NODE_PARA:
        return n->u.para.id;
    case PG_NODE_ITEM:
        return n->u.item.id;
    default:
        return NULL;
    }
}

static const char *kind_name(const pg_node *n)
{
    return n->type == PG_NODE_SECTION ? _("section")
           : n->type == PG_NODE_PARA  ? _("paragraph")
                                      : _("item");
}

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
    const char *id = node_id(n);
    if (id && strcmp(id, f->id) == 0) {
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

/* The citation of a plangen parent. Its number is written later, by the number
 * stage, in the form of the parent's own style (ref_format): resolve knows no
 * style, and guesses none from a name. */
static pg_citation cite_parent(pg_doc *doc, const pg_doc *parent)
{
    pg_citation c = {0};
    char *type = pg_sentence_case(parent->doctype);
    c.type = pg_arena_strdup(doc->arena, type);
    g_free(type);
    c.parent = parent;
    c.year = parent->year;
    c.month = parent->month;
    c.day = parent->day;
    char *issuer = pg_issuer_cited(parent);
    c.issuer = pg_arena_strdup(doc->arena, issuer);
    free(issuer);
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
                "deadline %04d-%02d-%02d is before the plan's own date %04d-%02d%s",
                n->u.deadline.year, n->u.deadline.month, n->u.deadline.day, doc->year,
                doc->month, doc->day ? pg_arena_printf(doc->arena, "-%02d", doc->day) : "");
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

/* ---- inheriting ------------------------------------------------------------------------ */

/* The plans an <inherit> takes from: the derives-from parent, then the <uses>
 * plans; written[] holds each one's path as the plan writes it. */
typedef struct {
    pg_doc *doc[1 + 64];
    const char *written[1 + 64];
    size_t n;
} origins;

static void list_origins(const pg_doc *doc, origins *o)
{
    o->n = 0;
    if (doc->n_parents) {
        o->doc[o->n] = doc->parents[0];
        o->written[o->n++] = doc->derives_from;
    }
    for (size_t i = 0; i < doc->n_sources && o->n < sizeof o->doc / sizeof o->doc[0]; i++) {
        o->doc[o->n] = doc->sources[i];
        o->written[o->n++] = doc->uses[i];
    }
}

/* The node an <inherit> names, and the plan it stands in; NULL after an error. */
static pg_node *find_inherited(resolver *r, pg_doc *doc, const pg_node *n, pg_doc **owner)
{
    origins o;
    list_origins(doc, &o);
    const char *ref = n->u.edit.ref, *from = n->u.edit.from;
    if (!o.n) {
        err(r, PG_E_MISSING_ATTRIBUTE, doc->file, n->pos,
            "<inherit ref=\"%s\"> needs a parent plan: add derives-from=\"PARENT.xml\" to "
            "<plan>, or <uses href=\"PLAN.xml\"/> to take content without citing it",
            ref);
        return NULL;
    }
    pg_node *hit = NULL;
    size_t hit_i = 0, searched = 0;
    for (size_t i = 0; i < o.n; i++) {
        if (from && strcmp(from, o.written[i]) != 0)
            continue;
        searched++;
        pg_node *f = find_in_doc(o.doc[i], ref, 1);
        if (!f)
            continue;
        if (hit) {
            err(r, PG_E_BAD_VALUE, doc->file, n->pos,
                "<inherit ref=\"%s\">: both %s (line %d) and %s (line %d) have this id; say "
                "which with from=\"%s\" or from=\"%s\"",
                ref, o.doc[hit_i]->file, hit->pos.line, o.doc[i]->file, f->pos.line,
                o.written[hit_i], o.written[i]);
            return NULL;
        }
        hit = f;
        hit_i = i;
    }
    if (from && !searched) {
        pg_buf known = {0};
        for (size_t i = 0; i < o.n; i++)
            pg_buf_printf(&known, "%s\"%s\"", i ? ", " : "", o.written[i]);
        err(r, PG_E_BAD_VALUE, doc->file, n->pos,
            "<inherit from=\"%s\">: this plan neither derives from nor uses that file; write "
            "the path as derives-from or <uses href> does: %s",
            from, pg_buf_str(&known));
        pg_buf_free(&known);
        return NULL;
    }
    if (!hit) {
        if (o.n == 1 && doc->n_parents)
            err(r, PG_E_MISSING_ELEMENT, doc->file, n->pos,
                "the parent %s has no section, paragraph or item id=\"%s\"", o.doc[0]->file, ref);
        else {
            pg_buf where = {0};
            for (size_t i = 0; i < o.n; i++)
                if (!from || strcmp(from, o.written[i]) == 0)
                    pg_buf_printf(&where, "%s%s", where.len ? _(" or ") : "", o.doc[i]->file);
            err(r, PG_E_MISSING_ELEMENT, doc->file, n->pos,
                "no section, paragraph or item id=\"%s\" in %s", ref, pg_buf_str(&where));
            pg_buf_free(&where);
        }
        return NULL;
    }
    *owner = o.doc[hit_i];
    return hit;
}

typedef struct {
    nodes found;
    pg_node_type type;
} type_finder;

static int collect_type(pg_node *n, int depth, void *ud)
{
    (void)depth;
    type_finder *f = ud;
    if (n->type != f->type)
        return 0;
    nodes *v = &f->found;
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->v = pg_xrealloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->n++] = n;
    return 1; /* a footnote inside a footnote is refused by the parser */
}

/* Every node of one type under root, in document order; free(.v). */
static nodes all_of(pg_node *root, pg_node_type type)
{
    type_finder f = {{0}, type};
    pg_node_walk(root, collect_type, NULL, &f);
    return f.found;
}

/* Counts the places words stand in s. */
static int occurrences(const char *s, const char *words, const char **first)
{
    int k = 0;
    size_t n = strlen(words);
    for (const char *at = strstr(s, words); at; at = strstr(at + n, words)) {
        if (!k)
            *first = at;
        k++;
    }
    return k;
}

/* Applies one <change> to the copy of an inherited node: the words must stand
 * in exactly one place of its text; they give way to the change's own inlines. */
static void apply_change(resolver *r, pg_doc *doc, pg_node *copy, pg_node *ch,
                         const pg_node *src, const pg_doc *owner)
{
    const char *words = ch->u.change.from;
    if (!words || !*words)
        return;
    nodes texts = all_of(copy, PG_NODE_TEXT);
    int count = 0;
    pg_node *t = NULL;
    const char *at = NULL;
    for (size_t i = 0; i < texts.n; i++) {
        const char *first = NULL;
        int k = occurrences(texts.v[i]->u.text.text, words, &first);
        if (k && !count) {
            t = texts.v[i];
            at = first;
        }
        count += k;
    }
    free(texts.v);
    if (count != 1) {
        if (!count)
            err(r, PG_E_MISSING_ELEMENT, doc->file, ch->pos,
                "<change from=\"%s\">: these words are not in the %s id=\"%s\" of %s (line %d); "
                "its text may have changed since: compare and update the change (the words "
                "must stand within one run of text, not across <b>, <i> or a footnote)",
                words, kind_name(src), node_id(src), owner->file,
                src->pos.line);
        else
            err(r, PG_E_BAD_VALUE, doc->file, ch->pos,
                "<change from=\"%s\">: these words stand in %d places of the %s id=\"%s\" of %s "
                "(line %d); lengthen from= until it names one",
                words, count, kind_name(src), node_id(src), owner->file, src->pos.line);
        return;
    }
    const char *s = t->u.text.text;
    size_t before = (size_t)(at - s);
    const char *after = at + strlen(words);
    pg_node *head = NULL, *tail = NULL;
#define LINK(x)                                                                                    \
    do {                                                                                           \
        pg_node *x_ = (x);                                                                         \
        x_->next = NULL;                                                                           \
        if (tail)                                                                                  \
            tail->next = x_;                                                                       \
        else                                                                                       \
            head = x_;                                                                             \
        tail = x_;                                                                                 \
    } while (0)
    if (before) {
        pg_node *b = pg_node_new(doc, PG_NODE_TEXT, t->pos);
        b->file = t->file;
        char *text = pg_arena_alloc(doc->arena, before + 1);
        memcpy(text, s, before);
        text[before] = '\0';
        b->u.text.text = text;
        LINK(b);
    }
    for (pg_node *k = ch->first; k;) {
        pg_node *next = k->next;
        LINK(k);
        k = next;
    }
    ch->first = ch->last = NULL;
    if (*after) {
        pg_node *a = pg_node_new(doc, PG_NODE_TEXT, t->pos);
        a->file = t->file;
        a->u.text.text = after; /* the parent outlives the copy */
        LINK(a);
    }
#undef LINK
    splice(t, head);
}

/* Turns a paragraph into an item (with the automatic bullet) or back, keeping its id. */
static void retype(pg_node *n, pg_node_type type)
{
    const char *id = node_id(n);
    n->type = type;
    memset(&n->u, 0, sizeof n->u);
    if (type == PG_NODE_ITEM)
        n->u.item.id = id;
    else
        n->u.para.id = id;
}

/* Puts a copy of the node an <inherit> names where the <inherit> stands, with
 * its title, kind, bullet, footnotes and wording as the <inherit> says. */
static void inherit(resolver *r, pg_doc *doc, pg_node *n)
{
    pg_doc *owner = NULL;
    pg_node *src = find_inherited(r, doc, n, &owner);
    if (!src) {
        splice(n, NULL);
        return;
    }
    pg_node *copy = pg_node_copy(doc, src, owner->file);
    const char *ref = n->u.edit.ref;
    if (n->u.edit.title) {
        if (copy->type == PG_NODE_SECTION)
            copy->u.section.title = n->u.edit.title;
        else
            err(r, PG_E_BAD_VALUE, doc->file, n->pos,
                "<inherit ref=\"%s\" title=...>: a title is given to a section, and id=\"%s\" is "
                "a %s; leave title out",
                ref, ref, kind_name(src));
    }
    if (n->u.edit.as && copy->type != n->u.edit.as) {
        if (copy->type == PG_NODE_SECTION)
            err(r, PG_E_BAD_VALUE, doc->file, n->pos,
                "<inherit ref=\"%s\" as=...>: as= turns a paragraph into an item or back, and "
                "id=\"%s\" is a section; leave as out",
                ref, ref);
        else
            retype(copy, n->u.edit.as);
    }
    if (n->u.edit.bullet) {
        if (copy->type == PG_NODE_ITEM)
            copy->u.item.bullet = n->u.edit.bullet;
        else
            err(r, PG_E_BAD_VALUE, doc->file, n->pos,
                "<inherit ref=\"%s\" bullet=...>: a bullet is given to an item; add as=\"item\" "
                "or leave bullet out",
                ref);
    }
    if (!n->u.edit.footnotes) {
        nodes notes = all_of(copy, PG_NODE_FOOTNOTE);
        for (size_t i = 0; i < notes.n; i++)
            splice(notes.v[i], NULL);
        free(notes.v);
    }
    for (pg_node *ch = n->first; ch; ch = ch->next)
        if (ch->type == PG_NODE_CHANGE)
            apply_change(r, doc, copy, ch, src, owner);
    splice(n, copy);
}

static int same_from(const pg_node *a, const pg_node *b)
{
    const char *x = a->u.edit.from, *y = b->u.edit.from;
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* Edits that undo each other: an id inherited twice, or both inherited and
 * removed. Each is a warning at the later edit, naming the earlier one (the
 * merge still does what they say, in order). */
static void check_contradictions(resolver *r, const pg_doc *doc, const nodes *e)
{
    /* ref -> the first <inherit>, the first <remove> of it */
    GHashTable *inherits = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *removes = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < e->n; i++) {
        const pg_node *n = e->v[i];
        if ((n->type != PG_NODE_INHERIT && n->type != PG_NODE_REMOVE) || !n->u.edit.ref)
            continue;
        const char *ref = n->u.edit.ref;
        int inh = n->type == PG_NODE_INHERIT;
        const pg_node *twin = g_hash_table_lookup(inh ? inherits : removes, ref);
        const pg_node *other = g_hash_table_lookup(inh ? removes : inherits, ref);
        if (inh && twin && same_from(n, twin))
            pg_diag_add(r->diags, PG_W_EDIT_CONFLICT, doc->file, n->pos.line, n->pos.col,
                        "<inherit ref=\"%s\"> takes id=\"%s\" a second time; <inherit "
                        "ref=\"%s\"> at line %d takes it already: remove one of them",
                        ref, ref, ref, twin->pos.line);
        else if (other)
            pg_diag_add(r->diags, PG_W_EDIT_CONFLICT, doc->file, n->pos.line, n->pos.col,
                        "<%s ref=\"%s\"> contradicts <%s ref=\"%s\"> at line %d: id=\"%s\" is "
                        "both inherited and removed; keep one of them",
                        inh ? "inherit" : "remove", ref, inh ? "remove" : "inherit", ref,
                        other->pos.line, ref);
        if (!twin)
            g_hash_table_insert(inh ? inherits : removes, (gpointer)ref, (gpointer)n);
    }
    g_hash_table_destroy(inherits);
    g_hash_table_destroy(removes);
}

static void merge(resolver *r, pg_doc *doc)
{
    nodes e = {0};
    pg_node_walk(doc->body, collect_edits, NULL, &e);
    if (doc->appendices)
        pg_node_walk(doc->appendices, collect_edits, NULL, &e);
    check_contradictions(r, doc, &e);
    /* inheritance first: the edits may name what was inherited */
    for (size_t i = 0; i < e.n; i++)
        if (e.v[i]->type == PG_NODE_INHERIT && e.v[i]->u.edit.ref)
            inherit(r, doc, e.v[i]);
    origins o;
    list_origins(doc, &o);
    for (size_t i = 0; i < e.n; i++) {
        pg_node *n = e.v[i];
        if (n->type == PG_NODE_INHERIT || !n->u.edit.ref)
            continue;
        pg_node *target = find_in_doc(doc, n->u.edit.ref, 1);
        const char *verb = n->type == PG_NODE_REPLACE  ? _("to replace")
                           : n->type == PG_NODE_REMOVE ? _("to remove")
                                                       : _("to append to");
        if (!target) {
            pg_buf where = {0};
            for (size_t k = 0; k < o.n; k++)
                pg_buf_printf(&where, "%s%s", k ? _(" or ") : "", o.doc[k]->file);
            err(r, PG_E_MISSING_ELEMENT, doc->file, n->pos,
                "no section, paragraph or item id=\"%s\" in the plan%s%s %s", n->u.edit.ref,
                !o.n                         ? ""
                : doc->n_parents && o.n == 1 ? _(" or its parent ")
                                             : _(" or what it takes from "),
                pg_buf_str(&where), verb);
            pg_buf_free(&where);
            splice(n, NULL);
            continue;
        }
        if (n->type == PG_NODE_APPEND && target->type != PG_NODE_SECTION) {
            err(r, PG_E_BAD_VALUE, doc->file, n->pos,
                "<append to=\"%s\">: blocks are appended to a section, and id=\"%s\" is a %s; "
                "use <replace ref=\"%s\"> to write it anew",
                n->u.edit.ref, n->u.edit.ref, kind_name(target), n->u.edit.ref);
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
        g[0] = (pg_recipient_group){.purpose = "để báo cáo", .count = k,
                                    .pos = doc->recipients_pos};
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

/* How the messages about a plan to load name it: attr as written in the plan,
 * the words in English marked N_, given through _() where used. */
typedef struct {
    const char *attr;   /* "derives-from", "<uses> href" */
    const char *noun;   /* "parent plan", "used plan" */
    const char *whose;  /* "parent's", "used plan's" */
    const char *plural; /* "parents", "the plans it uses" */
} load_kind;

static const load_kind PARENT = {"derives-from", N_("parent plan"), N_("parent's"), N_("parents")};
static const load_kind SOURCE = {"<uses> href", N_("used plan"), N_("used plan's"),
                                 N_("the plans it uses")};

static int resolve_doc(resolver *r, pg_doc *doc);

/* Loads and resolves the plan rel names (relative to doc), confined to the plans
 * root, refusing cycles and too long chains; NULL after an error. */
/* ---- plans loaded before in this process ------------------------------------------- */

/* A batch resolves many plans against the same parents: each parent (with its
 * own parents) is parsed and resolved once per process and shared, read-only,
 * by reference. An entry is used again only while every file it was built from
 * has the same bytes on disk (compared by a digest: timestamps may be coarser
 * than the edits of a long run; the files are the plans and the images they
 * hold, whose size the parser read), when the chain below it leaves room under
 * the depth limit and holds none of its files (a cycle), and the plans root and
 * the parser's limits are the same; what loading it reported is reported again
 * for each plan that uses it. */
typedef struct {
    char *real, *name, *root; /* NULL: free slot */
    pg_doc *doc;              /* one reference */
    char **files;             /* real paths: the plan, every plan above it, their images */
    char **sums;              /* SHA-256 (hex) of each file's bytes as parsed (an image's
                                 when the entry was stored: the parser read only its size) */
    int n_files;
    int height;               /* levels of plans above it */
    pg_diag_list diags;       /* the warnings loading it gave */
    size_t max_bytes, max_nodes, max_text; /* the parser's limits it was loaded under */
    unsigned long long max_image_pixels, max_image_bytes;
    int max_depth;
} loaded_plan;

#define PG_LOADED_PLANS 32
static loaded_plan loaded[PG_LOADED_PLANS];
static int loaded_next;

static void drop_loaded(loaded_plan *e)
{
    if (!e->real)
        return;
    free(e->real);
    free(e->name);
    free(e->root);
    pg_doc_free(e->doc);
    for (int i = 0; i < e->n_files; i++)
        free(e->files[i]);
    free(e->files);
    for (int i = 0; e->sums && i < e->n_files; i++)
        free(e->sums[i]);
    free(e->sums);
    pg_diag_list_free(&e->diags);
    memset(e, 0, sizeof *e);
}

void pg_resolve_forget(void)
{
    for (int i = 0; i < PG_LOADED_PLANS; i++)
        drop_loaded(&loaded[i]);
    loaded_next = 0;
}

/* The images under n: the parser read their size from the files. */
static void collect_images(const pg_node *n, GPtrArray *files, GPtrArray *sums)
{
    for (const pg_node *c = n ? n->first : NULL; c; c = c->next) {
        if (c->type == PG_NODE_IMAGE && c->u.image.path) {
            char *real = realpath(c->u.image.path, NULL);
            char h[PG_HASH_HEX];
            pg_file_hash(real ? real : c->u.image.path, h);
            g_ptr_array_add(files, real ? real : pg_xstrdup(c->u.image.path));
            g_ptr_array_add(sums, pg_xstrdup(h));
        }
        collect_images(c, files, sums);
    }
}

/* The files a resolved plan was built from (its own first, then its images),
 * each with the hash of the bytes that were parsed; returns the number of
 * levels above it. */
static int collect_files(const pg_doc *doc, GPtrArray *files, GPtrArray *sums)
{
    char *real = realpath(doc->file, NULL);
    g_ptr_array_add(files, real ? real : pg_xstrdup(doc->file));
    g_ptr_array_add(sums, pg_xstrdup(doc->source_hash));
    collect_images(doc->body, files, sums);
    collect_images(doc->appendices, files, sums);
    int height = 0;
    for (size_t i = 0; i < doc->n_parents + doc->n_sources; i++) {
        const pg_doc *up = i < doc->n_parents ? doc->parents[i] : doc->sources[i - doc->n_parents];
        int h = 1 + collect_files(up, files, sums);
        height = h > height ? h : height;
    }
    return height;
}

static pg_doc *loaded_lookup(resolver *r, const char *real, const char *name, int max,
                             const pg_parse_opts *po)
{
    for (int i = 0; i < PG_LOADED_PLANS; i++) {
        loaded_plan *e = &loaded[i];
        if (!e->real || strcmp(e->real, real) != 0 || strcmp(e->name, name) != 0 ||
            strcmp(e->root, r->root) != 0 || e->max_bytes != po->max_bytes ||
            e->max_nodes != po->max_nodes || e->max_text != po->max_text ||
            e->max_depth != po->max_depth || e->max_image_pixels != po->max_image_pixels ||
            e->max_image_bytes != po->max_image_bytes)
            continue;
        int fresh = r->depth + e->height <= max && r->depth + e->height < MAX_CHAIN - 1;
        for (int f = 0; fresh && f < e->n_files; f++) {
            char now[PG_HASH_HEX];
            fresh = pg_file_hash(e->files[f], now) && strcmp(now, e->sums[f]) == 0;
            for (int c = 0; fresh && c < r->depth; c++)
                fresh = strcmp(r->chain[c], e->files[f]) != 0;
        }
        if (!fresh)
            return NULL; /* loaded again the long way, which reports what is wrong */
        for (size_t k = 0; k < e->diags.n; k++)
            pg_diag_copy(r->diags, &e->diags.items[k]);
        return pg_doc_ref(e->doc);
    }
    return NULL;
}

static void loaded_store(resolver *r, const char *real, const char *name, pg_doc *doc,
                         size_t first_diag, const pg_parse_opts *po)
{
    /* the hashes are those of the bytes parsed, not of the files now: a file
     * edited since is found changed at the next lookup */
    GPtrArray *files = g_ptr_array_new();
    GPtrArray *sums = g_ptr_array_new();
    int height = collect_files(doc, files, sums);
    loaded_plan *e = &loaded[loaded_next];
    loaded_next = (loaded_next + 1) % PG_LOADED_PLANS;
    drop_loaded(e);
    e->real = pg_xstrdup(real);
    e->name = pg_xstrdup(name);
    e->root = pg_xstrdup(r->root);
    e->doc = pg_doc_ref(doc);
    e->n_files = (int)files->len;
    e->files = (char **)g_ptr_array_free(files, FALSE);
    e->sums = (char **)g_ptr_array_free(sums, FALSE);
    e->height = height;
    e->max_bytes = po->max_bytes;
    e->max_nodes = po->max_nodes;
    e->max_text = po->max_text;
    e->max_depth = po->max_depth;
    e->max_image_pixels = po->max_image_pixels;
    e->max_image_bytes = po->max_image_bytes;
    for (size_t k = first_diag; k < r->diags->n; k++)
        pg_diag_copy(&e->diags, &r->diags->items[k]);
}

static char *real_of(const pg_doc *doc, const char *rel);

static void put_base(pg_buf *b, const char *path, const char *sep)
{
    char *base = g_path_get_basename(path);
    pg_buf_printf(b, "%s%s", base, sep);
    g_free(base);
}

/* Past the depth limit: whether the plans above the last of path (derives-from
 * and <uses>, parsed only; at most *budget files, inside the plans root) come
 * back to a plan of the chain or of path. Writes the cycle to out ("a.xml ->
 * b.xml -> a.xml"). */
static int cycle_ahead(resolver *r, GPtrArray *path, const pg_parse_opts *po, int *budget,
                       pg_buf *out)
{
    if ((*budget)-- <= 0 || r->depth + (int)path->len >= MAX_CHAIN)
        return 0;
    pg_diag_list scratch = {0};
    pg_doc *d = pg_doc_parse_file(path->pdata[path->len - 1], po, &scratch);
    pg_diag_list_free(&scratch);
    int found = 0;
    size_t n = d->n_uses + (d->derives_from ? 1 : 0), root_len = strlen(r->root);
    for (size_t i = 0; i < n && !found; i++) {
        char *next = real_of(d, i < d->n_uses ? d->uses[i] : d->derives_from);
        struct stat st;
        if (!next || strncmp(next, r->root, root_len) != 0 || stat(next, &st) != 0 ||
            !S_ISREG(st.st_mode)) {
            free(next);
            continue;
        }
        int in_chain = -1, in_path = -1;
        for (int c = 0; c < r->depth && in_chain < 0; c++)
            if (strcmp(r->chain[c], next) == 0)
                in_chain = c;
        for (guint k = 0; k < path->len && in_chain < 0 && in_path < 0; k++)
            if (strcmp(path->pdata[k], next) == 0)
                in_path = (int)k;
        if (in_chain >= 0 || in_path >= 0) {
            for (int c = in_chain; in_chain >= 0 && c < r->depth; c++)
                put_base(out, r->chain[c], " -> ");
            for (guint k = in_chain >= 0 ? 0 : (guint)in_path; k < path->len; k++)
                put_base(out, path->pdata[k], " -> ");
            put_base(out, next, "");
            found = 1;
            free(next);
        } else {
            g_ptr_array_add(path, next);
            found = cycle_ahead(r, path, po, budget, out);
            if (!found)
                g_ptr_array_remove_index(path, path->len - 1);
        }
    }
    pg_doc_free(d);
    return found;
}

static pg_doc *load_plan(resolver *r, pg_doc *doc, const char *rel, pg_pos at, load_kind kind)
{
    if (!*rel || rel[0] == '/') {
        err(r, PG_E_BAD_VALUE, doc->file, at, "%s=\"%s\": write the %s path relative to this plan",
            kind.attr, rel, _(kind.whose));
        return NULL;
    }
    char *dir = g_path_get_dirname(doc->file);
    char *joined = g_build_filename(dir, rel, NULL);
    char *real = realpath(joined, NULL);
    g_free(dir);
    g_free(joined);
    pg_doc *parent = NULL;
    if (!real) {
        err(r, PG_E_IO, doc->file, at, "%s \"%s\": %s", _(kind.noun), rel, strerror(errno));
        return NULL;
    }
    size_t n = strlen(r->root);
    if (strncmp(real, r->root, n) != 0 || (real[n] != '/' && real[n] != '\0')) {
        err(r, PG_E_BAD_VALUE, doc->file, at,
            "%s \"%s\" lies outside the plans folder; keep %s inside it, or give --root DIR "
            "with a folder that holds both (symbolic links count where they lead)",
            _(kind.noun), rel, _(kind.plural));
        free(real);
        return NULL;
    }
    struct stat st;
    if (stat(real, &st) == 0 && !S_ISREG(st.st_mode)) {
        err(r, PG_E_IO, doc->file, at,
            "%s \"%s\" is %s, not a plan file; name the plan's .xml file", _(kind.noun), rel,
            S_ISDIR(st.st_mode) ? _("a folder") : _("a device, pipe or socket"));
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
            err(r, PG_E_BAD_VALUE, doc->file, at,
                "derivation cycle: %s; a plan cannot derive from (or use) its own descendants",
                pg_buf_str(&chain));
            pg_buf_free(&chain);
            free(real);
            return NULL;
        }
    int max = r->opts && r->opts->max_depth ? r->opts->max_depth : DEFAULT_MAX_DEPTH;
    if (r->depth > max || r->depth >= MAX_CHAIN - 1) {
        /* a long cycle reaches the limit before it closes: look ahead for it */
        pg_parse_opts ahead = r->opts && r->opts->parse ? *r->opts->parse : (pg_parse_opts){0};
        ahead.schema = NULL;
        ahead.schema_path = NULL;
        GPtrArray *path = g_ptr_array_new_with_free_func(free);
        g_ptr_array_add(path, pg_xstrdup(real));
        pg_buf cycle = {0};
        int budget = MAX_CHAIN;
        if (cycle_ahead(r, path, &ahead, &budget, &cycle))
            err(r, PG_E_BAD_VALUE, doc->file, at,
                "derivation cycle: %s; a plan cannot derive from (or use) its own descendants",
                pg_buf_str(&cycle));
        else
            err(r, PG_E_TOO_DEEP, doc->file, at,
                "more than %d levels of parent plans above the first; shorten the chain", max);
        pg_buf_free(&cycle);
        g_ptr_array_free(path, TRUE);
        free(real);
        return NULL;
    }
    pg_parse_opts po = r->opts && r->opts->parse ? *r->opts->parse : (pg_parse_opts){0};
    po.root = r->root;
    /* messages name the parent as the child does, relative to where plangen runs */
    char *dir2 = g_path_get_dirname(doc->file);
    char *name = normalise(dir2, rel);
    g_free(dir2);
    parent = loaded_lookup(r, real, name, max, &po);
    if (parent) {
        g_free(name);
        free(real);
        return parent;
    }
    size_t first_diag = r->diags->n;
    int clean = pg_diag_worst(r->diags) != PG_LEVEL_ERROR && r->errors == 0;
    parent = pg_doc_parse_file(name, &po, r->diags);
    if (pg_diag_worst(r->diags) == PG_LEVEL_ERROR) {
        r->errors++;
        pg_doc_free(parent);
        parent = NULL;
    } else if (!resolve_doc(r, parent)) {
        pg_doc_free(parent);
        parent = NULL;
    } else if (clean) {
        loaded_store(r, real, name, parent, first_diag, &po);
    }
    g_free(name);
    free(real);
    return parent;
}

/* The real path of rel, relative to doc's folder (heap), or NULL. */
static char *real_of(const pg_doc *doc, const char *rel)
{
    char *dir = g_path_get_dirname(doc->file);
    char *joined = g_build_filename(dir, rel, NULL);
    char *real = realpath(joined, NULL);
    g_free(dir);
    g_free(joined);
    return real;
}

static int resolve_doc(resolver *r, pg_doc *doc)
{
    char *real = realpath(doc->file, NULL);
    r->chain[r->depth++] = real ? real : pg_xstrdup(doc->file);
    int ok = 1;
    if (doc->derives_from) {
        pg_doc *parent = load_plan(r, doc, doc->derives_from, doc->derives_pos, PARENT);
        if (parent) {
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
            ok = 0;
        }
    }
    for (size_t i = 0; ok && i < doc->n_uses; i++) {
        /* a plan named twice (by derives-from and <uses>, or by two <uses>) makes
         * every id of it ambiguous: refused at the second naming */
        char *used = real_of(doc, doc->uses[i]);
        const char *twice = NULL;
        if (used && doc->derives_from && doc->n_parents) {
            char *p = real_of(doc, doc->derives_from);
            if (p && strcmp(p, used) == 0)
                twice = _("derives-from names it already: everything of the parent can be "
                          "inherited; remove this <uses>");
            free(p);
        }
        for (size_t k = 0; used && !twice && k < i; k++) {
            char *u = real_of(doc, doc->uses[k]);
            if (u && strcmp(u, used) == 0)
                twice = _("an earlier <uses> names it already; remove this one");
            free(u);
        }
        free(used);
        if (twice) {
            err(r, PG_E_BAD_VALUE, doc->file, doc->uses_pos[i], "<uses href=\"%s\">: %s",
                doc->uses[i], twice);
            ok = 0;
            break;
        }
        pg_doc *src = load_plan(r, doc, doc->uses[i], doc->uses_pos[i], SOURCE);
        if (!src) {
            ok = 0;
            break;
        }
        doc->sources = pg_xrealloc(doc->sources, (doc->n_sources + 1) * sizeof *doc->sources);
        doc->sources[doc->n_sources++] = src;
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

/* An inline tree as the plan writes it: text with <b>, <i>, <u>, <br/>. */
static void markup(pg_buf *b, const pg_node *n)
{
    for (const pg_node *k = n->first; k; k = k->next) {
        const char *tag = k->type == PG_NODE_BOLD       ? "b"
                          : k->type == PG_NODE_ITALIC    ? "i"
                          : k->type == PG_NODE_UNDERLINE ? "u"
                                                         : NULL;
        if (k->type == PG_NODE_TEXT)
            pg_buf_puts(b, k->u.text.text);
        else if (k->type == PG_NODE_BREAK)
            pg_buf_puts(b, "<br/>");
        else if (tag) {
            pg_buf_printf(b, "<%s>", tag);
            markup(b, k);
            pg_buf_printf(b, "</%s>", tag);
        } else
            markup(b, k);
    }
}

static int diff_enter(pg_node *n, int depth, void *ud)
{
    (void)depth;
    FILE *f = ud;
    switch (n->type) {
    case PG_NODE_INHERIT:
        fprintf(f, _("inherits %s"), n->u.edit.ref);
        if (n->u.edit.from)
            fprintf(f, _(" from %s"), n->u.edit.from);
        if (n->u.edit.as)
            fprintf(f, _(" as %s"), n->u.edit.as == PG_NODE_PARA ? _("a paragraph") : _("an item"));
        if (n->u.edit.title)
            fprintf(f, _(" titled \"%s\""), n->u.edit.title);
        if (!n->u.edit.footnotes)
            fputs(_(" without its footnotes"), f);
        fputc('\n', f);
        for (const pg_node *ch = n->first; ch; ch = ch->next) {
            pg_buf to = {0};
            markup(&to, ch);
            fprintf(f, _("  changes \"%s\" to \"%s\"\n"), ch->u.change.from, pg_buf_str(&to));
            pg_buf_free(&to);
        }
        return 1;
    case PG_NODE_REPLACE:
        fprintf(f, _("replaces %s\n"), n->u.edit.ref);
        return 1;
    case PG_NODE_REMOVE:
        fprintf(f, _("removes %s\n"), n->u.edit.ref);
        return 1;
    case PG_NODE_APPEND:
        fprintf(f, _("appends to %s\n"), n->u.edit.ref);
        return 1;
    case PG_NODE_SECTION:
        if (n->parent && n->parent->type == PG_NODE_BODY)
            fprintf(f, _("adds %s\n"),
                    n->u.section.title ? n->u.section.title : _("(untitled section)"));
        return 0;
    default:
        return PG_NODE_IS_INLINE(n->type) || n->type == PG_NODE_PARA || n->type == PG_NODE_ITEM;
    }
}

void pg_doc_diff(const pg_doc *doc, FILE *f)
{
    fprintf(f, _("%s derives from %s\n"), doc->file,
            doc->derives_from ? doc->derives_from : _("(no plangen parent)"));
    for (size_t i = 0; i < doc->n_uses; i++)
        fprintf(f, _("uses %s (content only, not cited)\n"), doc->uses[i]);
    for (size_t i = 0; i < doc->n_cites; i++)
        fprintf(f, _("implements %s số %s of %04d-%02d%s (%s)\n"), doc->cites[i].type,
                doc->cites[i].ref ? doc->cites[i].ref : "?", doc->cites[i].year,
                doc->cites[i].month,
                doc->cites[i].day ? pg_arena_printf(doc->arena, "-%02d", doc->cites[i].day) : "",
                doc->cites[i].issuer);
    pg_node_walk(doc->body, diff_enter, NULL, f);
}
