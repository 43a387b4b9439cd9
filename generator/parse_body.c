/* parse_body.c - the parse stage's blocks: inline text with its formatting,
 * paragraphs and items, sections, derivation edits, tables, QR codes and images
 * (see parse_internal.h). */
#include "parse_internal.h"

#include "i18n.h"
#include "input.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- inlines ----------------------------------------------------------------- */


void build_inlines(parser *p, const xmlNode *x, pg_node *parent, int allow_format)
{
    for (const xmlNode *c = x->children; c; c = c->next) {
        if (is_text(c)) {
            pg_node *t = pg_node_new(p->doc, PG_NODE_TEXT, node_pos(p, x));
            const char *raw = (const char *)c->content;
            pg_pos pos = is_nfc(raw) ? node_pos(p, x) : text_pos(p, c);
            t->u.text.text = clean_text(p, raw, pos, 0);
            pg_node_append(parent, t);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        pg_node_type type = PG_NODE_NONE;
        if (allow_format && is_el(c, "b"))
            type = PG_NODE_BOLD;
        else if (allow_format && is_el(c, "i"))
            type = PG_NODE_ITALIC;
        else if (allow_format && is_el(c, "u"))
            type = PG_NODE_UNDERLINE;
        else if (is_el(c, "br"))
            type = PG_NODE_BREAK;
        else if (allow_format && is_el(c, "footnote") && !p->in_footnote)
            type = PG_NODE_FOOTNOTE;
        else if (allow_format && is_el(c, "deadline"))
            type = PG_NODE_DEADLINE;
        if (type == PG_NODE_NONE) {
            if (is_el(c, "footnote") && p->in_footnote)
                diag(p, PG_E_MISPLACED_ELEMENT, node_pos(p, c),
                     "<footnote> inside a <footnote>; a note cannot carry a note");
            else
                unknown_element(p, c, (const char *)x->name,
                                allow_format
                                    ? _("text, <b>, <i>, <u>, <br/>, <footnote>, <deadline>")
                                    : _("text, <br/>"));
            continue;
        }
        static const char *const none[] = {NULL};
        static const char *const deadline_attrs[] = {"date", "id", NULL};
        check_attrs(p, c, type == PG_NODE_DEADLINE ? deadline_attrs : none);
        pg_node *e = pg_node_new(p->doc, type, node_pos(p, c));
        pg_node_append(parent, e);
        if (type == PG_NODE_DEADLINE) {
            const char *d = attr(p, c, "date");
            int y = 0, m = 0, dd = 0, n = 0;
            if (!d || sscanf(d, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 || n != 10 ||
                !pg_date_valid(y, m, dd))
                diag(p, PG_E_DATE, d ? attr_pos(p, c, "date") : node_pos(p, c),
                     "<deadline> needs date=\"YYYY-MM-DD\", a real date%s%s%s", d ? " (not \"" : "",
                     d ? d : "", d ? "\")" : "");
            e->u.deadline.year = y;
            e->u.deadline.month = m;
            e->u.deadline.day = dd;
            e->u.deadline.id = attr(p, c, "id");
            build_inlines(p, c, e, allow_format);
            continue;
        }
        if (type == PG_NODE_FOOTNOTE) {
            p->in_footnote = 1;
            build_inlines(p, c, e, allow_format);
            p->in_footnote = 0;
            if (!trim_block(e))
                diag(p, PG_E_EMPTY, node_pos(p, c), "<footnote> is empty; write the note's text");
        } else if (type != PG_NODE_BREAK)
            build_inlines(p, c, e, allow_format);
        else if (c->children)
            diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, c), "<br/> must be empty");
    }
}

/* First or last text leaf of an inline tree (document order). */
static pg_node *edge_text(pg_node *n, int last)
{
    for (pg_node *c = last ? n->last : n->first; c;) {
        if (c->type == PG_NODE_TEXT)
            return c;
        if (c->type == PG_NODE_BREAK)
            return NULL;
        pg_node *t = edge_text(c, last);
        if (t)
            return t;
        if (c->first)
            return NULL;
        if (last) {
            pg_node *prev = NULL;
            for (pg_node *s = c->parent->first; s && s != c; s = s->next)
                prev = s;
            c = prev;
        } else {
            c = c->next;
        }
    }
    return NULL;
}

/* Trims the white space at the two ends of an inline block and around breaks;
 * returns 1 when any text remains. */
int trim_block(pg_node *block)
{
    pg_node *f = edge_text(block, 0), *l = edge_text(block, 1);
    if (f && f->u.text.text[0] == ' ')
        f->u.text.text++;
    if (l) {
        char *s = (char *)l->u.text.text;
        size_t n = strlen(s);
        if (n && s[n - 1] == ' ')
            s[n - 1] = '\0';
    }
    for (pg_node *c = block->first; c; c = c->next)
        if (c->type == PG_NODE_BREAK) {
            if (c->next && c->next->type == PG_NODE_TEXT && c->next->u.text.text[0] == ' ')
                c->next->u.text.text++;
        }
    char *s = pg_inline_text(block);
    int any = !blank(s);
    free(s);
    return any;
}

/* ---- blocks ---------------------------------------------------------------- */

static const char *const block_names =
    "<section>, <p>, <item>, <table>, <qr>, <image>, <inherit>, <replace>, <remove>, <append>";

pg_node *build_para(parser *p, const xmlNode *x, pg_node_type type)
{
    pg_node *n = pg_node_new(p->doc, type, node_pos(p, x));
    build_inlines(p, x, n, 1);
    if (!trim_block(n))
        diag(p, PG_E_EMPTY, node_pos(p, x), "<%s> has no text; remove it or write its text",
             x->name);
    return n;
}

static pg_node *build_table(parser *p, const xmlNode *x);
static pg_node *build_qr(parser *p, const xmlNode *x);
static pg_node *build_image(parser *p, const xmlNode *x);

/* The bullet="..." of x; PG_BULLET_AUTO when absent (or wrong, with an error). */
static pg_bullet parse_bullet(parser *p, const xmlNode *x)
{
    static const char *const names[] = {"dash", "plus", "star", "none"};
    const char *b = attr(p, x, "bullet");
    if (!b)
        return PG_BULLET_AUTO;
    for (int k = 0; k < 4; k++)
        if (strcmp(b, names[k]) == 0)
            return (pg_bullet)(k + 1);
    diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "bullet"), "bullet=\"%s\"; use dash, plus, star or none",
         b);
    return PG_BULLET_AUTO;
}

/* <change from="the parent's words">the plan's own words</change> inside <inherit>. */
static pg_node *build_change(parser *p, const xmlNode *c)
{
    static const char *const allowed[] = {"from", NULL};
    check_attrs(p, c, allowed);
    pg_node *n = pg_node_new(p->doc, PG_NODE_CHANGE, node_pos(p, c));
    n->u.change.from = attr(p, c, "from");
    if (!n->u.change.from || !*n->u.change.from)
        diag(p, PG_E_MISSING_ATTRIBUTE, node_pos(p, c),
             "<change> needs from=\"...\": the words of the parent's text it changes");
    build_inlines(p, c, n, 1);
    return n;
}

/* A yes|no attribute: 1 or 0, dflt when absent; anything else is an error at
 * the attribute (and gives dflt). */
static int yes_no(parser *p, const xmlNode *c, const char *name, int dflt)
{
    const char *v = attr(p, c, name);
    if (!v)
        return dflt;
    int yes = pg_yes_no(v);
    if (yes >= 0)
        return yes;
    diag(p, PG_E_BAD_VALUE, attr_pos(p, c, name), "%s=\"%s\"; use yes or no", name, v);
    return dflt;
}

static void build_inherit(parser *p, const xmlNode *c, pg_node *n)
{
    static const char *const allowed[] = {"ref", "from", "title", "as", "bullet", "footnotes",
                                          NULL};
    check_attrs(p, c, allowed);
    n->u.edit.from = attr(p, c, "from");
    n->u.edit.title = attr(p, c, "title");
    if (n->u.edit.title && !*n->u.edit.title)
        diag(p, PG_E_EMPTY, attr_pos(p, c, "title"),
             "title=\"\"; leave the attribute out to keep the parent's title");
    const char *as = attr(p, c, "as");
    if (as) {
        if (strcmp(as, "p") == 0)
            n->u.edit.as = PG_NODE_PARA;
        else if (strcmp(as, "item") == 0)
            n->u.edit.as = PG_NODE_ITEM;
        else
            diag(p, PG_E_BAD_VALUE, attr_pos(p, c, "as"), "as=\"%s\"; use p or item", as);
    }
    n->u.edit.bullet = parse_bullet(p, c);
    n->u.edit.footnotes = yes_no(p, c, "footnotes", 1);
    for (const xmlNode *k = c->children; k; k = k->next) {
        if (is_el(k, "change"))
            pg_node_append(n, build_change(p, k));
        else if (k->type == XML_ELEMENT_NODE)
            unknown_element(p, k, "inherit", "<change>");
        else if (is_text(k) && !blank((const char *)k->content))
            diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, c),
                 "text directly inside <inherit>; write a wording change as <change "
                 "from=\"...\">...</change>");
    }
}

static pg_node *build_edit(parser *p, const xmlNode *c, pg_node_type type, int depth)
{
    const char *key = type == PG_NODE_APPEND ? "to" : "ref";
    const char *const allowed[] = {key, NULL};
    pg_node *n = pg_node_new(p->doc, type, node_pos(p, c));
    if (type == PG_NODE_INHERIT)
        build_inherit(p, c, n);
    else
        check_attrs(p, c, allowed);
    n->u.edit.ref = attr(p, c, key);
    if (!n->u.edit.ref || !*n->u.edit.ref)
        diag(p, PG_E_MISSING_ATTRIBUTE, node_pos(p, c),
             "<%s> needs %s=\"ID\": the id of a section of the parent plan", c->name, key);
    if (type == PG_NODE_REPLACE || type == PG_NODE_APPEND) {
        build_blocks(p, c, n, depth);
        if (!n->first)
            diag(p, PG_E_MISSING_ELEMENT, node_pos(p, c), "<%s> needs the blocks it puts in",
                 c->name);
    } else if (type == PG_NODE_REMOVE) {
        for (const xmlNode *k = c->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE || (is_text(k) && !blank((const char *)k->content))) {
                diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, c), "<%s> must be empty", c->name);
                break;
            }
    }
    return n;
}

pg_node *build_block(parser *p, const xmlNode *c, int depth)
{
    if (is_el(c, "inherit"))
        return build_edit(p, c, PG_NODE_INHERIT, depth);
    if (is_el(c, "replace"))
        return build_edit(p, c, PG_NODE_REPLACE, depth);
    if (is_el(c, "remove"))
        return build_edit(p, c, PG_NODE_REMOVE, depth);
    if (is_el(c, "append"))
        return build_edit(p, c, PG_NODE_APPEND, depth);
    if (is_el(c, "table"))
        return build_table(p, c);
    if (is_el(c, "qr"))
        return build_qr(p, c);
    if (is_el(c, "image"))
        return build_image(p, c);
    if (is_el(c, "p")) {
        static const char *const allowed[] = {"id", NULL};
        check_attrs(p, c, allowed);
        pg_node *n = build_para(p, c, PG_NODE_PARA);
        n->u.para.id = attr(p, c, "id");
        return n;
    }
    if (is_el(c, "item")) {
        static const char *const allowed[] = {"bullet", "id", NULL};
        check_attrs(p, c, allowed);
        pg_node *n = build_para(p, c, PG_NODE_ITEM);
        n->u.item.id = attr(p, c, "id");
        n->u.item.bullet = parse_bullet(p, c);
        return n;
    }
    if (is_el(c, "section")) {
        static const char *const allowed[] = {"id", "title", "run-in", NULL};
        check_attrs(p, c, allowed);
        pg_node *n = pg_node_new(p->doc, PG_NODE_SECTION, node_pos(p, c));
        n->u.section.depth = depth;
        n->u.section.id = attr(p, c, "id");
        n->u.section.title = attr(p, c, "title");
        if (n->u.section.title && !*n->u.section.title)
            diag(p, PG_E_EMPTY, attr_pos(p, c, "title"),
                 "title=\"\"; leave the attribute out for an untitled section");
        n->u.section.run_in = yes_no(p, c, "run-in", 0);
        if (depth > PG_MAX_LEVELS) {
            diag(p, PG_E_TOO_DEEP, node_pos(p, c),
                 "sections nested %d deep; at most %d levels are numbered", depth, PG_MAX_LEVELS);
            return n;
        }
        build_blocks(p, c, n, depth + 1);
        if (!n->u.section.title && !n->first)
            diag(p, PG_W_EMPTY_SECTION, node_pos(p, c), "add a title or content");
        if (n->u.section.run_in && (!n->first || n->first->type != PG_NODE_PARA))
            diag(p, PG_E_BAD_VALUE, attr_pos(p, c, "run-in"),
                 "run-in=\"yes\" needs a <p> as the section's first child");
        return n;
    }
    return NULL;
}

void build_blocks(parser *p, const xmlNode *x, pg_node *parent, int depth)
{
    for (const xmlNode *c = x->children; c; c = c->next) {
        if (is_text(c)) {
            if (!blank((const char *)c->content))
                diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, x),
                     "text directly inside <%s>; put it in a <p> or <item>", x->name);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        pg_node *b = build_block(p, c, depth);
        if (b)
            pg_node_append(parent, b);
        else
            unknown_element(p, c, (const char *)x->name, block_names);
    }
}

/* ---- tables, QR codes, images ------------------------------------------------ */

enum { MAX_COLUMNS = 32, MAX_HREF = 1000 };

static const char *const none_attrs[] = {NULL};

static void parse_column(parser *p, const xmlNode *c, pg_column *col)
{
    static const char *const allowed[] = {"width", "align", NULL};
    check_attrs(p, c, allowed);
    *col = (pg_column){.share = 1, .align = 'l'};
    const char *w = attr(p, c, "width");
    if (w) {
        double v;
        char *end = NULL;
        size_t n = strlen(w);
        if (n && w[n - 1] == '%') {
            v = strtod(w, &end);
            if (end != w + n - 1 || !(v > 0 && v <= 100))
                diag(p, PG_E_BAD_VALUE, attr_pos(p, c, "width"),
                     "width=\"%s\"; a percentage is between 0%% and 100%%", w);
            else
                col->percent = v, col->share = 0;
        } else if (n && w[n - 1] == '*') {
            v = n == 1 ? 1 : strtod(w, &end);
            if ((n > 1 && end != w + n - 1) || !(v > 0 && v <= 100))
                diag(p, PG_E_BAD_VALUE, attr_pos(p, c, "width"),
                     "width=\"%s\"; a share is written like \"2*\"", w);
            else
                col->share = v;
        } else {
            double mm = 0;
            const char *unit = NULL;
            v = strtod(w, &end);
            if (end != w) {
                unit = end;
                if (strcmp(unit, "mm") == 0)
                    mm = v;
                else if (strcmp(unit, "cm") == 0)
                    mm = v * 10;
                else if (strcmp(unit, "pt") == 0)
                    mm = v * 25.4 / 72;
            }
            if (!(mm > 0 && mm <= 1000))
                diag(p, PG_E_BAD_VALUE, attr_pos(p, c, "width"),
                     "width=\"%s\"; use a length (\"30mm\"), a percentage (\"20%%\") or a share "
                     "(\"2*\")",
                     w);
            else
                col->fixed = mm * 72 / 25.4, col->share = 0;
        }
    }
    const char *a = attr(p, c, "align");
    if (a) {
        if (strcmp(a, "left") == 0 || strcmp(a, "center") == 0 || strcmp(a, "right") == 0 ||
            strcmp(a, "justify") == 0)
            col->align = a[0];
        else
            diag(p, PG_E_BAD_VALUE, attr_pos(p, c, "align"),
                 "align=\"%s\"; use left, center, right or justify", a);
    }
}

static pg_node *build_cell(parser *p, const xmlNode *x)
{
    check_attrs(p, x, none_attrs);
    pg_node *cell = pg_node_new(p->doc, PG_NODE_CELL, node_pos(p, x));
    int blocks = 0;
    for (const xmlNode *c = x->children; c; c = c->next)
        if (is_el(c, "p") || is_el(c, "item"))
            blocks = 1;
    if (!blocks) {
        /* a cell of plain text: one paragraph (an empty cell stays empty) */
        pg_node *para = pg_node_new(p->doc, PG_NODE_PARA, node_pos(p, x));
        build_inlines(p, x, para, 1);
        if (trim_block(para))
            pg_node_append(cell, para);
        return cell;
    }
    for (const xmlNode *c = x->children; c; c = c->next) {
        if (is_text(c)) {
            if (!blank((const char *)c->content))
                diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, x),
                     "text directly inside a <cell> that holds <p> or <item>; put it in a <p>");
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(c, "p") || is_el(c, "item"))
            pg_node_append(cell, build_block(p, c, 1));
        else
            unknown_element(p, c, "cell", _("text, or <p> and <item>"));
    }
    return cell;
}

static pg_node *build_table(parser *p, const xmlNode *x)
{
    check_attrs(p, x, none_attrs);
    pg_node *t = pg_node_new(p->doc, PG_NODE_TABLE, node_pos(p, x));
    pg_column cols[MAX_COLUMNS];
    int ncols = 0, rows = 0, body_rows = 0;
    for (const xmlNode *c = x->children; c; c = c->next) {
        if (is_text(c)) {
            if (!blank((const char *)c->content))
                diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, x),
                     "text directly inside <table>; put it in a <cell>");
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(c, "col")) {
            if (rows)
                diag(p, PG_E_MISPLACED_ELEMENT, node_pos(p, c), "<col> after a <row>; columns come first");
            else if (ncols == MAX_COLUMNS)
                diag(p, PG_E_BAD_VALUE, node_pos(p, c), "more than %d columns", MAX_COLUMNS);
            else
                parse_column(p, c, &cols[ncols++]);
            continue;
        }
        if (!is_el(c, "row")) {
            unknown_element(p, c, "table", "<col>, <row>");
            continue;
        }
        static const char *const row_attrs[] = {"header", NULL};
        check_attrs(p, c, row_attrs);
        pg_node *row = pg_node_new(p->doc, PG_NODE_ROW, node_pos(p, c));
        row->u.row.header = yes_no(p, c, "header", 0);
        if (row->u.row.header && body_rows)
            diag(p, PG_E_MISPLACED_ELEMENT, node_pos(p, c),
                 "a header row after body rows; header rows come first");
        if (!row->u.row.header)
            body_rows++;
        int cells = 0;
        for (const xmlNode *k = c->children; k; k = k->next) {
            if (is_el(k, "cell")) {
                pg_node_append(row, build_cell(p, k));
                cells++;
            } else if (k->type == XML_ELEMENT_NODE) {
                unknown_element(p, k, "row", "<cell>");
            } else if (is_text(k) && !blank((const char *)k->content)) {
                diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, c),
                     "text directly inside <row>; put it in a <cell>");
            }
        }
        if (!ncols && !rows) {
            /* no <col>: as many equal columns as the first row has cells */
            for (int i = 0; i < cells && i < MAX_COLUMNS; i++)
                cols[ncols++] = (pg_column){.share = 1, .align = 'l'};
        }
        if (cells != ncols) {
            /* two counts, each with its plural form (ngettext takes one count) */
            char *has = g_strdup_printf(
                ngettext("the row has %d cell", "the row has %d cells", (unsigned long)cells),
                cells);
            char *needs =
                g_strdup_printf(ngettext("the table has %d column", "the table has %d columns",
                                         (unsigned long)ncols),
                                ncols);
            diag(p, PG_E_BAD_VALUE, node_pos(p, c), "%s; %s", has, needs);
            g_free(has);
            g_free(needs);
        }
        pg_node_append(t, row);
        rows++;
    }
    if (!rows)
        diag(p, PG_E_MISSING_ELEMENT, node_pos(p, x), "<table> needs at least one <row>");
    double percent = 0;
    for (int i = 0; i < ncols; i++)
        percent += cols[i].percent;
    if (percent > 100.0001)
        diag(p, PG_E_BAD_VALUE, node_pos(p, x), "the columns' percentages add up to %.0f%%",
             percent);
    t->u.table.ncols = ncols;
    t->u.table.cols = pg_arena_alloc(p->doc->arena, (size_t)(ncols ? ncols : 1) * sizeof(pg_column));
    memcpy(t->u.table.cols, cols, (size_t)ncols * sizeof(pg_column));
    return t;
}

static pg_node *build_qr(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"href", "caption", NULL};
    check_attrs(p, x, allowed);
    pg_node *q = pg_node_new(p->doc, PG_NODE_QR, node_pos(p, x));
    q->u.qr.href = attr(p, x, "href");
    q->u.qr.caption = 1;
    if (!q->u.qr.href || !*q->u.qr.href)
        diag(p, PG_E_MISSING_ATTRIBUTE, node_pos(p, x),
             "<qr> needs href=\"...\": the link the code stands for");
    else if (strlen(q->u.qr.href) > MAX_HREF)
        diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "href"),
             "the link has %zu bytes; a printed QR code holds at most %d", strlen(q->u.qr.href),
             MAX_HREF);
    const char *c = attr(p, x, "caption");
    if (c) {
        if (strcmp(c, "no") == 0)
            q->u.qr.caption = 0;
        else if (strcmp(c, "yes") != 0)
            diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "caption"), "caption=\"%s\"; use yes or no", c);
    }
    if (x->children)
        diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, x), "<qr> takes attributes only: href, caption");
    return q;
}

/* Reads a PNG's size from its header; returns 0 when the file is not a PNG. */
/* Reads the size of the PNG in f from its header (IHDR), without decoding;
 * 0 when f does not start as a PNG does. */
static int png_size(FILE *f, unsigned long *w, unsigned long *h)
{
    unsigned char b[24];
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (fread(b, 1, sizeof b, f) != sizeof b || memcmp(b, sig, 8) != 0 ||
        memcmp(b + 12, "IHDR", 4) != 0)
        return 0;
    unsigned long W = (unsigned long)b[16] << 24 | (unsigned long)b[17] << 16 | (unsigned long)b[18] << 8 | b[19];
    unsigned long H = (unsigned long)b[20] << 24 | (unsigned long)b[21] << 16 | (unsigned long)b[22] << 8 | b[23];
    /* PNG allows 1 to 2^31 - 1 pixels each way */
    if (W == 0 || H == 0 || W > 0x7fffffffUL || H > 0x7fffffffUL)
        return 0;
    *w = W;
    *h = H;
    return 1;
}

/* Resolves a path written in the plan, relative to the plan's folder (or,
 * given on the command line, relative to base, absolute allowed) and confined
 * to the plans root. Returns an arena string, or NULL after a diagnostic at pos. */
static const char *resolve_path(parser *p, const char *rel, const char *base, pg_pos pos,
                                const char *what)
{
    if (!*rel) {
        diag(p, PG_E_BAD_VALUE, pos, "the %s path is empty", _(what));
        return NULL;
    }
    if (rel[0] == '/' && !base) {
        diag(p, PG_E_BAD_VALUE, pos,
             "\"%s\" is an absolute path; write the %s's path relative to the plan", rel, _(what));
        return NULL;
    }
    char *joined = rel[0] == '/' ? g_strdup(rel) : g_build_filename(base ? base : p->base_dir, rel, NULL);
    char *real = realpath(joined, NULL);
    const char *out = NULL;
    if (!real) {
        diag(p, PG_E_IO, pos, "%s \"%s\": %s", _(what), rel, strerror(errno));
    } else {
        size_t n = strlen(p->root);
        if (!(strncmp(real, p->root, n) == 0 && (real[n] == '/' || real[n] == '\0')) ||
            strcmp(p->root, "/") == 0)
            diag(p, PG_E_BAD_VALUE, pos,
                 "%s \"%s\" lies outside the plans folder; keep it inside, or give --root "
                 "DIR with a folder that holds both (symbolic links count where they lead)",
                 _(what), rel);
        else
            out = pg_arena_strdup(p->doc->arena, real);
    }
    free(real);
    g_free(joined);
    return out;
}

static pg_node *build_image(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"src", "width", "alt", NULL};
    check_attrs(p, x, allowed);
    pg_node *im = pg_node_new(p->doc, PG_NODE_IMAGE, node_pos(p, x));
    im->u.image.src = attr(p, x, "src");
    im->u.image.alt = attr(p, x, "alt");
    if (!im->u.image.src) {
        diag(p, PG_E_MISSING_ATTRIBUTE, node_pos(p, x),
             "<image> needs src=\"...\": a PNG file beside the plan");
        return im;
    }
    const char *w = attr(p, x, "width");
    if (w) {
        double v = 0;
        char *end = NULL;
        v = strtod(w, &end);
        double k = end && strcmp(end, "mm") == 0   ? 72 / 25.4
                   : end && strcmp(end, "cm") == 0 ? 720 / 25.4
                   : end && strcmp(end, "pt") == 0 ? 1
                                                   : 0;
        if (end == w || k == 0 || !(v > 0) || v * k > 2000)
            diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "width"),
                 "width=\"%s\"; use a length such as \"50mm\"", w);
        else
            im->u.image.width = v * k;
    }
    read_png_header(p, im, NULL, attr_pos(p, x, "src"), node_pos(p, x), N_("image"));
    return im;
}

void read_png_header(parser *p, pg_node *im, const char *base, pg_pos src_pos, pg_pos pos,
                     const char *what)
{
    const char *path = resolve_path(p, im->u.image.src, base, src_pos, what);
    if (!path)
        return;
    char why[PG_WHY_MAX];
    int fd = pg_input_open(path, why); /* a FIFO or a device: refused, never waited on */
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fd >= 0 && !f)
        close(fd);
    unsigned long pw = 0, ph = 0;
    if (!f || !png_size(f, &pw, &ph)) {
        diag(p, PG_E_BAD_VALUE, src_pos, "%s \"%s\" is not a PNG file", _(what), im->u.image.src);
    } else {
        /* the limits hold before anything is decoded: a PNG of a few kilobytes
         * may declare 20000 x 20000 pixels, gigabytes once decoded (4 bytes a
         * pixel in cairo's image surface) */
        unsigned long long pixels = (unsigned long long)pw * ph; /* < 2^62 */
        if (pixels > p->max_image_pixels)
            diag(p, PG_E_TOO_LARGE, pos,
                 "%s \"%s\" has %lu x %lu pixels; the limit is %llu pixels "
                 "(--max-image-pixels): scale it down (an A4 page at 300 dpi is 2480 x 3508)",
                 _(what), im->u.image.src, pw, ph, p->max_image_pixels);
        else if (pixels * 4 > p->max_image_bytes)
            diag(p, PG_E_TOO_LARGE, pos,
                 "%s \"%s\" decodes to %llu bytes (%lu x %lu pixels of 4 bytes); the limit "
                 "is %llu bytes (--max-image-bytes): scale it down",
                 _(what), im->u.image.src, pixels * 4, pw, ph, p->max_image_bytes);
        else {
            im->u.image.px_w = (int)pw;
            im->u.image.px_h = (int)ph;
            im->u.image.path = path;
        }
    }
    if (f)
        fclose(f);
}

