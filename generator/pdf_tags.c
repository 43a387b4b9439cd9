/* pdf_tags.c - the tagged PDF of the PDF writer (see pdf_tags.h): the display
 * list's structure events become structure elements (ISO 32000-1 14.7) in
 * reading order; each run of paint items of one element becomes a
 * marked-content sequence with an MCID (14.6) that the element's /K and the
 * page's entry in the parent tree both name. Paint items outside any element,
 * or flagged as page furniture, are artifacts (14.8.2.2). What the display list
 * does not say is supplied here: a list item's label is split off its first
 * line into Lbl, a line directly in a group (header, recipients, signature) is
 * a P of its own, the header's lines go to a left and a right block, and a
 * run-in heading (no heading event: the section's first line starts with it) is
 * found by the section's bookmark. */
#include "pdf_tags.h"
#include "pdf_internal.h"

#include <string.h>

/* A kid of an element: another element, or a marked-content sequence of a page,
 * or an annotation (a link). Kids are kept in a pool, each element's as a list. */
typedef struct {
    int elem; /* >= 0: a child element's index; -1: MCID on page; -2: annotation */
    int page; /* 0-based */
    int mcid; /* MCID, or the annotation's object number */
    int next; /* the element's next kid (index in the pool); -1: none */
} skid;

typedef struct {
    const char *type; /* the structure type written as /S and as the BDC tag */
    pg_struct kind;
    int id;         /* the display list's element number; -1: made here */
    int parent;     /* index; -1: the structure tree root */
    int level;      /* FOOTNOTE, NOTE_REF: the note's number */
    int lbody;      /* LI: its LBody; -1 */
    int side[2];    /* HEADER: its left and right blocks (Div); -1 until used */
    char *label;    /* LI: its label (heap), until its first line has been drawn; NULL */
    char *alt;      /* FIGURE: alternate text (heap); NULL */
    int first, last; /* its kids in the pool; -1: none */
    int obj;        /* its object number; 0: not written (no content) */
} selem;

/* Elements and kids are stored in blocks that never move: a plan of 2,000 pages
 * makes some 30,000 elements and 100,000 kids, kept to the end of the file. */
#define BLOCK_BITS 10
#define BLOCK (1 << BLOCK_BITS)

typedef struct {
    void **blocks;
    size_t n_blocks;
    int n;       /* items */
    size_t size; /* bytes an item */
} store;

static void *store_at(const store *s, int i)
{
    return (char *)s->blocks[(size_t)i >> BLOCK_BITS] + (size_t)(i & (BLOCK - 1)) * s->size;
}

/* A new zeroed item; returns its index. */
static int store_add(store *s)
{
    if ((size_t)s->n >> BLOCK_BITS == s->n_blocks) {
        s->blocks = g_renew(void *, s->blocks, s->n_blocks + 1);
        s->blocks[s->n_blocks++] = g_malloc(BLOCK * s->size);
    }
    int i = s->n++;
    memset(store_at(s, i), 0, s->size);
    return i;
}

static void store_free(store *s)
{
    for (size_t i = 0; i < s->n_blocks; i++)
        g_free(s->blocks[i]);
    g_free(s->blocks);
}

struct pdf_tags {
    store elems;               /* selem */
    store kids;                /* skid */
    GArray *by_id;             /* display-list id -> index + 1 (int; 0: none) */
    GArray *stack;             /* open elements: indices */
    GPtrArray *pages;          /* per page: GArray of int, the element of each MCID */
    GArray *annot_keys;        /* the element of each annotation key (int) */
    int pending_annot;         /* a field widget waiting for the page's first element
                                  (0: none): its object number, page and key */
    int pending_page, pending_key;
    const pg_pages *pp;          /* its bookmarks (so far): run-in headings are found by them */
    unsigned char *outline_used; /* per bookmark: 1 once a run-in heading took it */
    size_t n_used;               /* bookmarks outline_used has room for */
};

pdf_tags *pdf_tags_new(const pg_pages *pp)
{
    pdf_tags *st = g_new0(pdf_tags, 1);
    st->pp = pp;
    st->elems.size = sizeof(selem);
    st->kids.size = sizeof(skid);
    st->by_id = g_array_new(FALSE, TRUE, sizeof(int));
    st->stack = g_array_new(FALSE, FALSE, sizeof(int));
    st->pages = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    st->annot_keys = g_array_new(FALSE, FALSE, sizeof(int));
    return st;
}

static selem *elem_at(pdf_tags *st, int i)
{
    return store_at(&st->elems, i);
}

static skid *kid_at(const pdf_tags *st, int k)
{
    return store_at(&st->kids, k);
}

void pdf_tags_free(pdf_tags *st)
{
    if (!st)
        return;
    for (int i = 0; i < st->elems.n; i++) {
        g_free(elem_at(st, i)->alt);
        g_free(elem_at(st, i)->label);
    }
    store_free(&st->elems);
    store_free(&st->kids);
    g_array_free(st->by_id, TRUE);
    g_array_free(st->stack, TRUE);
    g_ptr_array_free(st->pages, TRUE);
    g_array_free(st->annot_keys, TRUE);
    g_free(st->outline_used);
    g_free(st);
}

/* A kid k in the pool, not yet in any list. */
static int new_kid(pdf_tags *st, skid k)
{
    int i = store_add(&st->kids);
    k.next = -1;
    *kid_at(st, i) = k;
    return i;
}

static void add_kid(pdf_tags *st, int parent, skid k)
{
    if (parent < 0)
        return;
    int i = new_kid(st, k);
    selem *e = elem_at(st, parent);
    if (e->last >= 0)
        kid_at(st, e->last)->next = i;
    else
        e->first = i;
    e->last = i;
}

/* Puts kid k first among parent's kids. */
static void prepend_kid(pdf_tags *st, int parent, skid k)
{
    int i = new_kid(st, k);
    selem *e = elem_at(st, parent);
    kid_at(st, i)->next = e->first;
    e->first = i;
    if (e->last < 0)
        e->last = i;
}

/* Puts kid k just before parent's last kid (which must exist). */
static void insert_before_last(pdf_tags *st, int parent, skid k)
{
    selem *e = elem_at(st, parent);
    if (e->first == e->last) {
        prepend_kid(st, parent, k);
        return;
    }
    int before = e->first;
    while (kid_at(st, before)->next != e->last)
        before = kid_at(st, before)->next;
    int i = new_kid(st, k);
    kid_at(st, i)->next = e->last;
    kid_at(st, before)->next = i;
}

/* A new element of type under parent (appended to its kids); returns its index. */
static int elem_new(pdf_tags *st, const char *type, pg_struct kind, int parent)
{
    int i = store_add(&st->elems);
    selem *e = elem_at(st, i);
    *e = (selem){.type = type,
                 .kind = kind,
                 .id = -1,
                 .parent = parent,
                 .lbody = -1,
                 .side = {-1, -1},
                 .first = -1,
                 .last = -1};
    add_kid(st, parent, (skid){.elem = i});
    return i;
}

/* The element of display-list id, or -1. */
static int elem_of_id(const pdf_tags *st, int id)
{
    return id >= 0 && (guint)id < st->by_id->len ? g_array_index(st->by_id, int, id) - 1 : -1;
}

static void set_elem_of_id(pdf_tags *st, int id, int i)
{
    if (id < 0)
        return;
    if ((guint)id >= st->by_id->len)
        g_array_set_size(st->by_id, (guint)id + 1); /* zeroed */
    g_array_index(st->by_id, int, id) = i + 1;
}

/* The standard structure type (ISO 32000-1 14.8.4) of a display-list element;
 * "Title" is ours, role-mapped to H1. */
static const char *struct_type(pg_struct s, int level)
{
    static const char *const types[] = {
        [PG_STRUCT_DOCUMENT] = "Document",
        [PG_STRUCT_HEADER] = "Div",
        [PG_STRUCT_TITLE] = "Title",
        [PG_STRUCT_SUMMARY] = "P",
        [PG_STRUCT_SECTION] = "Sect",
        [PG_STRUCT_HEADING] = "H",
        [PG_STRUCT_PARAGRAPH] = "P",
        [PG_STRUCT_LIST] = "L",
        [PG_STRUCT_LIST_ITEM] = "LI",
        [PG_STRUCT_TABLE] = "Table",
        [PG_STRUCT_ROW] = "TR",
        [PG_STRUCT_HEADER_CELL] = "TH",
        [PG_STRUCT_CELL] = "TD",
        [PG_STRUCT_FOOTNOTE] = "Note",
        [PG_STRUCT_NOTE_REF] = "Reference",
        [PG_STRUCT_FIGURE] = "Figure",
        [PG_STRUCT_CLOSING] = "Div",
        [PG_STRUCT_RECIPIENTS] = "Div",
        [PG_STRUCT_SIGNATURE] = "Div",
        [PG_STRUCT_APPENDIX] = "Sect",
    };
    _Static_assert(sizeof types / sizeof *types == PG_STRUCT__COUNT, "a type per structure");
    static const char *const h[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
    if (s == PG_STRUCT_HEADING) /* by the section's depth; deeper than 6 as H6 */
        return h[level < 1 ? 0 : level > 6 ? 5 : level - 1];
    return (unsigned)s < PG_STRUCT__COUNT && types[s] ? types[s] : "Div";
}

static int stack_top(const pdf_tags *st)
{
    return st->stack->len ? g_array_index(st->stack, int, st->stack->len - 1) : -1;
}

/* A Form element under parent (-1: the tree's root) holding the widget annot of
 * page, named by annotation key key. */
static void form_element(pdf_tags *st, int parent, int page, int annot, int key)
{
    int form = elem_new(st, "Form", PG_STRUCT_SIGNATURE, parent);
    add_kid(st, form, (skid){.elem = -2, .page = page, .mcid = annot});
    g_array_index(st->annot_keys, int, key) = form;
}

/* The field widget waiting for an element to go in, if any, becomes the first
 * kid of element parent (-1: a top-level element of its own). */
static void place_pending_field(pdf_tags *st, int parent)
{
    if (!st->pending_annot)
        return;
    form_element(st, parent, st->pending_page, st->pending_annot, st->pending_key);
    st->pending_annot = 0;
}

/* A BEGIN event: the element opens (again, when continued from a page before). */
void pdf_tags_begin(pdf_tags *st, const pg_item *it)
{
    int i = it->continued ? elem_of_id(st, it->id) : -1;
    if (i < 0) {
        int parent = stack_top(st);
        if (parent >= 0 && elem_at(st, parent)->lbody >= 0)
            parent = elem_at(st, parent)->lbody; /* a list item's content is its LBody's */
        i = elem_new(st, struct_type(it->structure, it->level), it->structure, parent);
        selem *e = elem_at(st, i);
        e->id = it->id;
        e->level = it->level;
        if (it->structure == PG_STRUCT_FIGURE && it->text && it->text->text)
            e->alt = g_strdup(it->text->text); /* a QR code's link, an image's alt= */
        else if (it->structure == PG_STRUCT_FIGURE && it->label[0]) /* "chữ ký", "con dấu" */
            e->alt = g_strdup(it->label);
        if (it->structure == PG_STRUCT_LIST_ITEM) {
            e->label = g_strndup(it->label, sizeof it->label);
            int lbody = elem_new(st, "LBody", PG_STRUCT_LIST_ITEM, i);
            elem_at(st, i)->lbody = lbody;
        }
        set_elem_of_id(st, it->id, i);
        if (parent < 0)
            place_pending_field(st, i);
    }
    g_array_append_val(st->stack, i);
}

/* An END event: its element, and whatever was left open inside it, close. */
void pdf_tags_end(pdf_tags *st, const pg_item *it)
{
    for (guint k = st->stack->len; k-- > 0;)
        if (elem_at(st, g_array_index(st->stack, int, k))->id == it->id) {
            g_array_set_size(st->stack, k);
            return;
        }
}

/* Opens a marked-content sequence for element e (or an artifact, MC_ARTIFACT)
 * in place of the open one, unless it is that one already. */
void pdf_tags_mark(pdf_tags *st, pg_buf *c, int page, int *open, int e)
{
    if (*open == e)
        return;
    if (*open != MC_NONE)
        pg_buf_puts(c, "EMC\n");
    *open = e;
    if (e == MC_NONE)
        return;
    if (e == MC_ARTIFACT) {
        pg_buf_puts(c, "/Artifact BMC\n");
        return;
    }
    GArray *mcids = g_ptr_array_index(st->pages, page);
    int mcid = (int)mcids->len;
    g_array_append_val(mcids, e);
    add_kid(st, e, (skid){.elem = -1, .page = page, .mcid = mcid});
    pg_buf_putc(c, '/');
    pg_buf_puts(c, elem_at(st, e)->type);
    pg_buf_puts(c, " <</MCID ");
    pdf_put_int(c, mcid);
    pg_buf_puts(c, ">> BDC\n");
}

/* The heading element for a run-in heading at the start of paragraph para's
 * first line (on page), with *split its length in bytes; -1 when the line does
 * not start with a bookmark of the page, or its section has a heading. */
static int run_in_heading(pdf_tags *st, int para, const pg_item *it, int page, unsigned *split)
{
    int sect = elem_at(st, para)->parent;
    const selem *s = elem_at(st, sect);
    if (s->kind != PG_STRUCT_SECTION)
        return -1;
    for (int k = s->first; k >= 0; k = kid_at(st, k)->next) {
        const skid *kid = kid_at(st, k);
        if (kid->elem >= 0 && elem_at(st, kid->elem)->kind == PG_STRUCT_HEADING)
            return -1;
    }
    if (st->n_used < st->pp->n_outline) { /* bookmarks come with the pages */
        st->outline_used = g_realloc(st->outline_used, st->pp->n_outline);
        memset(st->outline_used + st->n_used, 0, st->pp->n_outline - st->n_used);
        st->n_used = st->pp->n_outline;
    }
    for (size_t i = 0; i < st->pp->n_outline; i++) {
        const pg_outline *o = &st->pp->outline[i];
        size_t n = o->title ? strlen(o->title) : 0;
        if (o->page != page || st->outline_used[i] || !n || it->text->text_len <= n ||
            memcmp(it->text->text, o->title, n) != 0)
            continue;
        st->outline_used[i] = 1;
        int h = elem_new(st, struct_type(PG_STRUCT_HEADING, o->level), PG_STRUCT_HEADING, -1);
        elem_at(st, h)->parent = sect;
        insert_before_last(st, sect, (skid){.elem = h}); /* before the paragraph */
        *split = (unsigned)n;
        return h;
    }
    return -1;
}

/* The element a paint item's marked content belongs to, or MC_ARTIFACT; for the
 * first line of a list item whose text starts with its label, *lbl is set to
 * the Lbl element the label's glyphs go to, and *split to the label's length in
 * bytes of the line's text (the glyphs from there on go to the result). */
int pdf_tags_target(pdf_tags *st, const pg_page *pg, int page, const pg_item *it, int *lbl,
                    unsigned *split)
{
    *lbl = -1;
    *split = 0;
    int top = stack_top(st);
    if (it->artifact || it->kind == PG_ITEM_PATH || top < 0)
        return MC_ARTIFACT;
    selem *e = elem_at(st, top);
    if (e->lbody >= 0) {
        int body = e->lbody;
        size_t n = e->label ? strlen(e->label) : 0;
        if (n && it->kind == PG_ITEM_TEXT && it->text && it->text->text && it->text->text_len > n &&
            memcmp(it->text->text, e->label, n) == 0) {
            int l = elem_new(st, "Lbl", PG_STRUCT_LIST_ITEM, -1);
            elem_at(st, l)->parent = top;
            prepend_kid(st, top, (skid){.elem = l}); /* the label comes before the body */
            *lbl = l;
            *split = (unsigned)n;
        }
        if (it->kind == PG_ITEM_TEXT) { /* only a list item's first line starts with its label */
            g_free(e->label);
            e->label = NULL;
        }
        return body;
    }
    if (e->kind == PG_STRUCT_PARAGRAPH && e->first < 0 && e->parent >= 0 &&
        it->kind == PG_ITEM_TEXT && it->text && it->text->text) {
        /* a run-in heading: the display list has no heading event for it, but
         * the section's bookmark names it, and the section's first line starts
         * with it: those bytes become a heading before the paragraph */
        int h = run_in_heading(st, top, it, page, split);
        if (h >= 0) {
            *lbl = h;
            return top;
        }
    }
    if (e->kind == PG_STRUCT_FIGURE && !e->alt)
        e->alt = g_strdup(it->kind == PG_ITEM_IMAGE ? "Hình ảnh" : "Mã QR");
    const char *type = e->type;
    int grouping = !strcmp(type, "Div") || !strcmp(type, "Sect") || !strcmp(type, "Document");
    if (!grouping)
        return top;
    if (it->kind != PG_ITEM_TEXT)
        return MC_ARTIFACT;
    /* a line directly in a group is a paragraph of its own; in the header, of
     * the left or the right block */
    int parent = top;
    if (e->kind == PG_STRUCT_HEADER) {
        int right = it->x + it->w / 2 > pg->w / 2;
        if (e->side[right] < 0) {
            int d = elem_new(st, "Div", PG_STRUCT_HEADER, top);
            elem_at(st, top)->side[right] = d;
        }
        parent = elem_at(st, top)->side[right];
    }
    return elem_new(st, "P", PG_STRUCT_PARAGRAPH, parent);
}

/* Writes a kid of an element whose /Pg is page pg (-1: none). */
static void put_kid(pdfw *w, const pdf_tags *st, const skid *k, int pg, const int *page_obj)
{
    pg_buf *b = &w->out;
    if (k->elem >= 0) {
        pdf_put_ref(b, 1, ((const selem *)store_at(&st->elems, k->elem))->obj);
    } else if (k->elem == -1 && k->page == pg) {
        pg_buf_putc(b, ' ');
        pdf_put_int(b, k->mcid);
    } else if (k->elem == -1) {
        pg_buf_puts(b, " << /Type /MCR /Pg");
        pdf_put_ref(b, 1, page_obj[k->page]);
        pg_buf_puts(b, " /MCID ");
        pdf_put_int(b, k->mcid);
        pg_buf_puts(b, " >>");
    } else {
        pg_buf_printf(b, " << /Type /OBJR /Pg %d 0 R /Obj %d 0 R >>", page_obj[k->page],
                      pdf_obj(w, k->mcid));
    }
}

/* Writes the structure tree root as object root, its elements and the parent
 * tree. Elements without content (nor content in their descendants) are left
 * out. */
void pdf_tags_write(pdfw *w, pdf_tags *st, int root, const int *page_obj, size_t np)
{
    place_pending_field(st, -1);
    int n = st->elems.n;
    /* children come after their parent: one backward pass marks what has content */
    for (int i = n - 1; i >= 0; i--) {
        selem *e = elem_at(st, i);
        for (int k = e->first; k >= 0 && !e->obj; k = kid_at(st, k)->next)
            if (kid_at(st, k)->elem < 0)
                e->obj = 1;
        if (e->obj && e->parent >= 0)
            elem_at(st, e->parent)->obj = 1;
    }
    for (int i = 0; i < n; i++)
        if (elem_at(st, i)->obj)
            elem_at(st, i)->obj = pdf_new_obj(w);
    int parent_tree = pdf_new_obj(w);
    pg_buf *b = &w->out;

    pdf_begin_obj(w, root);
    pg_buf_puts(b, "<< /Type /StructTreeRoot /K [");
    int first = 1;
    for (int i = 0; i < n; i++) {
        const selem *e = elem_at(st, i);
        if (e->parent < 0 && e->obj) {
            pdf_put_ref(b, !first, e->obj);
            first = 0;
        }
    }
    pg_buf_printf(b, "] /ParentTree %d 0 R /ParentTreeNextKey %d /RoleMap << /Title /H1 >> >>",
                  parent_tree, (int)np + (int)st->annot_keys->len);
    pdf_end_obj(w);

    for (int i = 0; i < n; i++) {
        const selem *e = elem_at(st, i);
        if (!e->obj)
            continue;
        int pg = -1;
        for (int k = e->first; k >= 0 && pg < 0; k = kid_at(st, k)->next) {
            const skid *kid = kid_at(st, k);
            if (kid->elem < 0)
                pg = kid->page;
        }
        pdf_begin_obj(w, e->obj);
        pg_buf_puts(b, "<< /Type /StructElem /S /");
        pg_buf_puts(b, e->type);
        pg_buf_puts(b, " /P");
        pdf_put_ref(b, 1, e->parent >= 0 ? elem_at(st, e->parent)->obj : root);
        if (pg >= 0) {
            pg_buf_puts(b, " /Pg");
            pdf_put_ref(b, 1, page_obj[pg]);
        }
        if (e->kind == PG_STRUCT_HEADER_CELL)
            pg_buf_puts(b, " /A << /O /Table /Scope /Column >>");
        if (e->kind == PG_STRUCT_FOOTNOTE && !strcmp(e->type, "Note"))
            pg_buf_printf(b, " /ID (note-%d)", i);
        if (e->alt) {
            pg_buf_puts(b, " /Alt ");
            pdf_put_text_string(b, e->alt);
        }
        pg_buf_puts(b, " /K [");
        for (int k = e->first; k >= 0; k = kid_at(st, k)->next) {
            const skid *kid = kid_at(st, k);
            if (kid->elem < 0 || elem_at(st, kid->elem)->obj)
                put_kid(w, st, kid, pg, page_obj);
        }
        pg_buf_puts(b, " ] >>");
        pdf_end_obj(w);
    }

    /* the parent tree: a flat number tree, page keys 0..np-1 then the links' */
    pdf_begin_obj(w, parent_tree);
    pg_buf_puts(b, "<< /Nums [");
    for (size_t i = 0; i < np; i++) {
        GArray *mcids = g_ptr_array_index(st->pages, i);
        pg_buf_putc(b, '\n');
        pdf_put_int(b, (long long)i);
        pg_buf_puts(b, " [");
        for (guint k = 0; k < mcids->len; k++)
            pdf_put_ref(b, k != 0, elem_at(st, g_array_index(mcids, int, k))->obj);
        pg_buf_putc(b, ']');
    }
    for (guint k = 0; k < st->annot_keys->len; k++)
        pg_buf_printf(b, "\n%zu %d 0 R", np + k,
                      elem_at(st, g_array_index(st->annot_keys, int, k))->obj);
    pg_buf_puts(b, "\n] >>");
    pdf_end_obj(w);
}

void pdf_tags_page(pdf_tags *st)
{
    place_pending_field(st, -1);
    g_ptr_array_add(st->pages, g_array_new(FALSE, FALSE, sizeof(int)));
}

int pdf_tags_link(pdf_tags *st, int page, int annot)
{
    int parent = stack_top(st);
    if (parent >= 0 && elem_at(st, parent)->lbody >= 0)
        parent = elem_at(st, parent)->lbody;
    int link = elem_new(st, "Link", PG_STRUCT_NOTE_REF, parent);
    add_kid(st, link, (skid){.elem = -2, .page = page, .mcid = annot});
    int key = (int)st->annot_keys->len;
    g_array_append_val(st->annot_keys, link);
    return key;
}

int pdf_tags_field(pdf_tags *st, int page, int annot)
{
    if (!st)
        return -1;
    int key = (int)st->annot_keys->len, none = -1;
    g_array_append_val(st->annot_keys, none);
    int parent = stack_top(st);
    if (parent >= 0 && elem_at(st, parent)->lbody >= 0)
        parent = elem_at(st, parent)->lbody;
    if (parent >= 0) {
        form_element(st, parent, page, annot, key);
    } else {
        /* before the page's first element (the line of an attachment, at the top
         * of its first page): the Form opens the element that comes next */
        place_pending_field(st, -1);
        st->pending_annot = annot;
        st->pending_page = page;
        st->pending_key = key;
    }
    return key;
}
