/* layout_table.c - tables: column widths, cells broken into lines, rows split
 * between pages at lines that cross no cell's line, header rows repeated (see
 * layout_internal.h). */
#include "layout_internal.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- tables ------------------------------------------------------------------ */

/* One line of a cell, placed relative to its row's top. */
typedef struct {
    PangoLayout *ly;
    int line;
    int cell;  /* index of its cell in the row */
    pg_role role;
    double x, top, bottom, base; /* pt */
    PangoRectangle log;
} cell_line;

typedef struct {
    cell_line *v;
    size_t n, cap;
} cell_lines;

/* The narrowest column (pt): room for a letter. */
#define MIN_COLUMN 14.0

/* The widths of t's columns (pt), each at least MIN_COLUMN (or an equal share
 * of the text width when the columns cannot all have that), together never
 * wider than the text. */
static void column_widths(lay *l, const pg_node *t, double *w)
{
    int nc = t->u.table.ncols;
    double fixed = 0, shares = 0;
    for (int i = 0; i < nc; i++) {
        const pg_column *c = &t->u.table.cols[i];
        w[i] = c->fixed ? c->fixed : c->percent ? c->percent * l->W / 100 : 0;
        fixed += w[i];
        if (!c->fixed && !c->percent)
            shares += c->share;
    }
    double rest = l->W - fixed;
    for (int i = 0; i < nc; i++) {
        const pg_column *c = &t->u.table.cols[i];
        if (!c->fixed && !c->percent)
            w[i] = rest > 0 && shares > 0 ? rest * c->share / shares : 0;
    }
    /* never wider than the text, never a column too narrow for a letter */
    double total = 0, min = MIN_COLUMN;
    if (nc * min > l->W)
        min = l->W / nc; /* layout_table refuses such a table; no 0/0 all the same */
    for (int i = 0; i < nc; i++) {
        if (!(w[i] >= min))
            w[i] = min;
        total += w[i];
    }
    if (total > l->W && total - nc * min > 0)
        for (int i = 0; i < nc; i++)
            w[i] = (w[i] - min) * (l->W - nc * min) / (total - nc * min) + min;
}

static void cell_line_add(cell_lines *cl, const cell_line *c)
{
    if (cl->n == cl->cap) {
        cl->cap = cl->cap ? cl->cap * 2 : 16;
        cl->v = pg_xrealloc(cl->v, cl->cap * sizeof *cl->v);
    }
    cl->v[cl->n++] = *c;
}

/* Lays out a cell's blocks into lines from y = pad; returns the content bottom. */
static double layout_cell(lay *l, const pg_node *cell, int index, pg_role role, char align,
                          double x, double w, double pad, cell_lines *out)
{
    double y = pad;
    double p = pitch(l, role), off = baseline_offset(l, role);
    const pg_textstyle *s = ts(l, role);
    pg_align al = align == 'c' ? PG_ALIGN_CENTER
                  : align == 'r' ? PG_ALIGN_RIGHT
                  : align == 'j' ? PG_ALIGN_JUSTIFY
                                 : PG_ALIGN_LEFT;
    if (role == PG_ROLE_TABLE_HEADER)
        al = s->align;
    int first = 1;
    for (const pg_node *b = cell->first; b; b = b->next) {
        pg_buf t = {0};
        PangoAttrList *attrs = pango_attr_list_new();
        if (b->type == PG_NODE_ITEM && b->u.item.label && *b->u.item.label) {
            pg_buf_puts(&t, b->u.item.label);
            pg_buf_putc(&t, ' ');
        }
        add_inlines(l, b, &t, attrs);
        at_node(l, b);
        PangoLayout *ly = make_layout(l, role, pg_buf_str(&t), attrs, w - 2 * pad, al, 0);
        bind_marks(l, ly);
        if (!first)
            y += s->space_after;
        first = 0;
        PangoLayoutIter *it = pango_layout_get_iter(ly);
        int i = 0;
        do {
            cell_line c = {.ly = ly, .line = i, .cell = index, .role = role, .x = x + pad};
            pango_layout_iter_get_line_extents(it, NULL, &c.log);
            c.top = y;
            c.bottom = y + p;
            c.base = y + off;
            g_object_ref(ly);
            cell_line_add(out, &c);
            y += p;
            i++;
        } while (pango_layout_iter_next_line(it));
        pango_layout_iter_free(it);
        g_object_unref(ly);
        pango_attr_list_unref(attrs);
        pg_buf_free(&t);
    }
    return y;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Adds the lines of cl whose top lies in [y0, y1) to e, moved up by y0, each
 * cell's between its begin and end (ids[k]: cell k's element; seen[k]: begun in
 * a band before, this band continues it). */
static void band_lines(lay *l, felem *e, cell_lines *cl, double y0, double y1, pg_struct kind,
                       const int *ids, char *seen)
{
    int open = -1;
    for (size_t i = 0; i < cl->n; i++) {
        cell_line *c = &cl->v[i];
        if (!c->ly || c->top < y0 - 0.01 || c->top >= y1 - 0.01)
            continue;
        if (c->cell != open) {
            if (open >= 0)
                elem_end(e, kind, ids[open]);
            open = c->cell;
            pg_item b = {.kind = PG_ITEM_BEGIN, .structure = kind, .id = ids[open],
                         .continued = seen[open]};
            elem_add(e, &b);
            seen[open] = 1;
        }
        add_line(l, e, c->role, c->ly, c->line, c->x, c->base - y0, &c->log);
        attach_marks(l, e, c->ly, c->line, c->x, c->base - y0);
    }
    if (open >= 0)
        elem_end(e, kind, ids[open]);
}

static void cell_lines_free(cell_lines *cl)
{
    for (size_t i = 0; i < cl->n; i++)
        g_object_unref(cl->v[i].ly);
    free(cl->v);
    cl->v = NULL;
    cl->n = cl->cap = 0;
}

/* A table: header rows kept as one block repeated on every page the table
 * reaches; each body row cut into bands at the line boundaries that cross no
 * cell's line, so that a row taller than the space left continues on the next
 * page, line by line, never clipped. */
void layout_table(lay *l, const pg_node *t)
{
    int nc = t->u.table.ncols;
    if (nc <= 0)
        return;
    if (nc * MIN_COLUMN > l->W) {
        pg_diag_add(l->diags, PG_E_BAD_VALUE, t->file ? t->file : l->doc->file, t->pos.line,
                    t->pos.col,
                    "the table has %d columns; the text width of %.0f pt holds at most %d "
                    "columns of %.0f pt: use fewer columns, a style with a wider text, or a "
                    "landscape <appendix>",
                    nc, l->W, (int)(l->W / MIN_COLUMN), MIN_COLUMN);
        l->failed = 1;
        return;
    }
    const pg_style *st = l->st;
    double *w = pg_xcalloc((size_t)nc, sizeof *w);
    double *xs = pg_xcalloc((size_t)nc + 1, sizeof *xs);
    column_widths(l, t, w);
    xs[0] = l->L;
    for (int i = 0; i < nc; i++)
        xs[i + 1] = xs[i] + w[i];
    double tw = xs[nc] - xs[0];
    double pad = st->cell_padding, bw = st->border_width;
    double gap = l->pending > ts(l, PG_ROLE_TABLE)->space_before ? l->pending
                                                                 : ts(l, PG_ROLE_TABLE)->space_before;
    felem *hdr = NULL;
    size_t hdr_index = 0;
    int body_rows = 0;
    int table_id = flow_begin(l, PG_STRUCT_TABLE, 0, NULL);
    int *ids = pg_xcalloc((size_t)nc, sizeof *ids);
    char *seen = pg_xcalloc((size_t)nc, 1);
    /* pages are placed between body rows, unless a header row comes after one
     * (the header repeated on every page would still grow). The schema rejects
     * such a table; the guard keeps a page already placed from depending on a
     * header that changes, whatever reaches layout */
    int flush_off = l->flush_off, body_seen = 0;
    for (const pg_node *row = t->first; row; row = row->next) {
        body_seen |= !row->u.row.header;
        if (row->u.row.header && body_seen)
            l->flush_off = 1;
    }
    for (const pg_node *row = t->first; row; row = row->next) {
        pg_role role = row->u.row.header ? PG_ROLE_TABLE_HEADER : PG_ROLE_TABLE;
        cell_lines cl = {0};
        double row_h = 0;
        int k = 0;
        for (const pg_node *cell = row->first; cell && k < nc; cell = cell->next, k++) {
            double bottom =
                layout_cell(l, cell, k, role, t->u.table.cols[k].align, xs[k], w[k], pad, &cl);
            if (bottom > row_h)
                row_h = bottom;
        }
        if (row_h < pad + pitch(l, role))
            row_h = pad + pitch(l, role);
        row_h += pad;
        pg_struct cell_kind = row->u.row.header ? PG_STRUCT_HEADER_CELL : PG_STRUCT_CELL;
        for (int i = 0; i < nc; i++) {
            ids[i] = ++l->struct_ids;
            seen[i] = 0;
        }
        if (row->u.row.header) {
            if (!hdr) {
                hdr = new_elem(l, gap);
                hdr_index = hdr->gid + 1;
                gap = 0;
            }
            hdr = elem_by_gid(l, hdr_index - 1);
            double y0 = hdr->box.height;
            int row_id = elem_begin(l, hdr, PG_STRUCT_ROW, 0, NULL);
            band_lines(l, hdr, &cl, -y0, 1e300, cell_kind, ids, seen);
            elem_end(hdr, PG_STRUCT_ROW, row_id);
            add_rule(hdr, PG_ROLE_TABLE, xs[0], y0, tw, bw);
            for (int i = 0; i <= nc; i++)
                add_vrule(hdr, PG_ROLE_TABLE, xs[i], y0, row_h, bw);
            add_rule(hdr, PG_ROLE_TABLE, xs[0], y0 + row_h, tw, bw);
            hdr->box.height += row_h;
            cell_lines_free(&cl);
            clear_marks(l);
            continue;
        }
        /* the cuts: line bottoms that cross no line of another cell */
        double *cuts = pg_xmalloc((cl.n + 2) * sizeof *cuts);
        size_t nc_cuts = 0;
        for (size_t i = 0; i < cl.n; i++) {
            double y = cl.v[i].bottom;
            int ok = y < row_h - pad - 0.01;
            for (size_t j = 0; j < cl.n && ok; j++)
                if (cl.v[j].top < y - 0.01 && cl.v[j].bottom > y + 0.01)
                    ok = 0;
            if (ok)
                cuts[nc_cuts++] = y;
        }
        qsort(cuts, nc_cuts, sizeof *cuts, cmp_double);
        size_t nb = 0;
        double *edges = pg_xmalloc((nc_cuts + 2) * sizeof *edges);
        edges[nb++] = 0;
        for (size_t i = 0; i < nc_cuts; i++)
            if (cuts[i] > edges[nb - 1] + 0.01)
                edges[nb++] = cuts[i];
        edges[nb++] = row_h;
        int row_id = 0;
        for (size_t b = 0; b + 1 < nb; b++) {
            double y0 = edges[b], y1 = edges[b + 1];
            felem *e = new_elem(l, b == 0 && body_rows == 0 ? gap : 0);
            if (b == 0 && body_rows == 0 && hdr)
                e->box.no_break_before = 1; /* the header never ends a page */
            e->box.height = y1 - y0;
            e->box.header = hdr_index;
            e->band = 1;
            e->row_end = b + 2 == nb;
            e->close_x = xs[0];
            e->close_w = tw;
            if (b == 0)
                row_id = elem_begin(l, e, PG_STRUCT_ROW, 0, NULL);
            band_lines(l, e, &cl, y0, y1, cell_kind, ids, seen);
            if (b == 0)
                add_rule(e, PG_ROLE_TABLE, xs[0], 0, tw, bw);
            for (int i = 0; i <= nc; i++)
                add_vrule(e, PG_ROLE_TABLE, xs[i], 0, y1 - y0, bw);
            if (e->row_end) {
                add_rule(e, PG_ROLE_TABLE, xs[0], y1 - y0, tw, bw);
                elem_end(e, PG_STRUCT_ROW, row_id);
            }
        }
        body_rows++;
        free(cuts);
        free(edges);
        cell_lines_free(&cl);
        clear_marks(l);
        flow_ready(l);
    }
    l->flush_off = flush_off;
    flow_end(l, PG_STRUCT_TABLE, table_id);
    free(ids);
    free(seen);
    free(w);
    free(xs);
    l->pending = ts(l, PG_ROLE_TABLE)->space_after > 6 ? ts(l, PG_ROLE_TABLE)->space_after : 6;
}

