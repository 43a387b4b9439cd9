/* import_docx.c - the DOCX reader of `plangen import`: word/document.xml (and
 * word/footnotes.xml) read from memory with libzip and libxml2 into the same
 * paragraph list the plain-text reader fills. Hostile input is refused with
 * one error and an empty doc: a non-ZIP, a truncated ZIP, too many entries, an
 * entry larger than PG_DOCX_ENTRY_MAX (checked on the header and while reading,
 * since the header may lie), a DOCTYPE or entity declaration. Entries are only
 * read by name, never extracted, so names such as "../x" are harmless.
 *
 * A w:br inside a paragraph splits it into two paragraphs (a line break in
 * Word is a new line of the old plan; the recogniser works line by line). */
#include "arena.h"
#include "import_zip.h"

#include <glib.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#define PG_DOCX_DEPTH_MAX 64 /* nested tables and elements */

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

static const pg_zip_kind DOCX = {"DOCX", "a DOCX", "Word", ".docx", "a Word document"};

static int is_w(xmlNodePtr n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, W_NS) == 0 &&
           strcmp((const char *)n->name, local) == 0;
}

static xmlNodePtr w_child(xmlNodePtr n, const char *local)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is_w(c, local))
            return c;
    return NULL;
}

/* A toggle property (w:b, w:i) is on unless w:val says false/0/off; w:u is
 * on unless w:val="none". */
static int prop_on(xmlNodePtr p, int underline)
{
    if (!p)
        return 0;
    xmlChar *v = xmlGetNsProp(p, (const xmlChar *)"val", (const xmlChar *)W_NS);
    int on = 1;
    if (v) {
        const char *s = (const char *)v;
        if (underline)
            on = strcmp(s, "none") != 0;
        else
            on = !(strcmp(s, "0") == 0 || strcmp(s, "false") == 0 || strcmp(s, "off") == 0);
        xmlFree(v);
    }
    return on;
}

static unsigned rpr_marks(xmlNodePtr rpr)
{
    unsigned m = 0;
    if (prop_on(w_child(rpr, "b"), 0))
        m |= PG_RUN_BOLD;
    if (prop_on(w_child(rpr, "i"), 0))
        m |= PG_RUN_ITALIC;
    if (prop_on(w_child(rpr, "u"), 1))
        m |= PG_RUN_UNDERLINE;
    return m;
}

typedef struct {
    pg_import_doc *doc;
    const char *file;
    xmlDocPtr notes_doc; /* word/footnotes.xml or NULL */
    xmlDocPtr styles;    /* word/styles.xml or NULL */
    int index;           /* 1-based DOCX paragraph index: the "line" of diagnostics */
    int tables;
    int in_cell, table, row, col;
    int notes;          /* footnote references read so far */
    GPtrArray *pending; /* footnote lines ("¹ text") to write after the block */
} reader;

static pg_import_para *new_para(reader *r)
{
    pg_import_para *p = pg_import_para_add(r->doc, r->index);
    p->in_cell = r->in_cell;
    p->table = r->table;
    p->row = r->row;
    p->col = r->col;
    return p;
}

/* Plain text of footnote id in footnotes.xml, malloc'd; NULL when absent. */
static char *footnote_text(reader *r, const char *id)
{
    xmlNodePtr root = r->notes_doc ? xmlDocGetRootElement(r->notes_doc) : NULL;
    for (xmlNodePtr fn = root ? root->children : NULL; fn; fn = fn->next) {
        if (!is_w(fn, "footnote"))
            continue;
        xmlChar *fid = xmlGetNsProp(fn, (const xmlChar *)"id", (const xmlChar *)W_NS);
        int same = fid && strcmp((const char *)fid, id) == 0;
        xmlFree(fid);
        if (!same)
            continue;
        GString *g = g_string_new(NULL);
        for (xmlNodePtr p = fn->children; p; p = p->next) {
            if (!is_w(p, "p"))
                continue;
            for (xmlNodePtr run = p->children; run; run = run->next) {
                if (!is_w(run, "r"))
                    continue;
                for (xmlNodePtr t = run->children; t; t = t->next) {
                    if (is_w(t, "t")) {
                        xmlChar *c = xmlNodeGetContent(t);
                        g_string_append(g, c ? (const char *)c : "");
                        xmlFree(c);
                    } else if (is_w(t, "tab")) {
                        g_string_append_c(g, '\t');
                    }
                }
            }
            if (p->next)
                g_string_append_c(g, ' ');
        }
        char *s = g_strstrip(g_string_free(g, FALSE));
        char *out = strdup(s);
        g_free(s);
        return out;
    }
    return NULL;
}

/* A footnote reference: its text is attached to the paragraph, and, since the
 * recogniser places footnotes by marker as in extracted text, the first nine
 * also become a superscript marker here and a line "¹ text" after the block
 * (a tenth and later footnote's text follows its reference in parentheses). */
static void attach_footnote(reader *r, pg_import_para *p, xmlNodePtr ref, unsigned marks)
{
    xmlChar *id = xmlGetNsProp(ref, (const xmlChar *)"id", (const xmlChar *)W_NS);
    char *text = id ? footnote_text(r, (const char *)id) : NULL;
    xmlFree(id);
    if (text)
        pg_zip_note_attach(p, text, marks, &r->notes, r->pending);
}

static void read_runs(reader *r, pg_import_para **p, xmlNodePtr parent, unsigned base, int depth)
{
    if (depth > PG_DOCX_DEPTH_MAX)
        return;
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (is_w(c, "r")) {
            unsigned marks = base | rpr_marks(w_child(c, "rPr"));
            for (xmlNodePtr t = c->children; t; t = t->next) {
                if (is_w(t, "t")) {
                    xmlChar *s = xmlNodeGetContent(t);
                    if (s)
                        pg_import_run_add(*p, (const char *)s, strlen((const char *)s), marks);
                    xmlFree(s);
                } else if (is_w(t, "tab")) {
                    pg_import_run_add(*p, "\t", 1, marks);
                } else if (is_w(t, "br") || is_w(t, "cr")) {
                    pg_zip_drop_if_blank(r->doc);
                    *p = new_para(r);
                } else if (is_w(t, "footnoteReference")) {
                    attach_footnote(r, *p, t, 0);
                }
            }
        } else if (is_w(c, "hyperlink") || is_w(c, "ins") || is_w(c, "smartTag") ||
                   is_w(c, "sdt") || is_w(c, "sdtContent") || is_w(c, "fldSimple")) {
            read_runs(r, p, c, base, depth + 1);
        }
    }
}

/* The marks of a paragraph style's own w:rPr (its w:basedOn chain is not
 * followed: only the simple case of a style that sets bold, italic or
 * underline itself). */
static unsigned style_marks(reader *r, xmlNodePtr pstyle)
{
    xmlChar *id =
        pstyle ? xmlGetNsProp(pstyle, (const xmlChar *)"val", (const xmlChar *)W_NS) : NULL;
    xmlNodePtr root = r->styles ? xmlDocGetRootElement(r->styles) : NULL;
    unsigned m = 0;
    for (xmlNodePtr st = id && root ? root->children : NULL; st; st = st->next) {
        if (!is_w(st, "style"))
            continue;
        xmlChar *sid = xmlGetNsProp(st, (const xmlChar *)"styleId", (const xmlChar *)W_NS);
        int same = sid && strcmp((const char *)sid, (const char *)id) == 0;
        xmlFree(sid);
        if (same) {
            m = rpr_marks(w_child(st, "rPr"));
            break;
        }
    }
    xmlFree(id);
    return m;
}

static void read_paragraph(reader *r, xmlNodePtr pnode, int depth)
{
    r->index++;
    pg_import_para *p = new_para(r);
    xmlNodePtr ppr = w_child(pnode, "pPr");
    unsigned base = style_marks(r, w_child(ppr, "pStyle")) | rpr_marks(w_child(ppr, "rPr"));
    size_t first = r->doc->n - 1;
    read_runs(r, &p, pnode, base, depth);
    pg_import_para *fp = &r->doc->paras[first];
    if (w_child(ppr, "numPr") && fp->n_runs && !pg_zip_typed_number(fp->runs[0].text)) {
        /* Word numbers the item itself: a bullet, as the text reader reads it */
        pg_zip_prefix(fp, "- ");
    }
    pg_zip_drop_if_blank(r->doc);
}

static void read_body(reader *r, xmlNodePtr body, int depth);

static void read_table(reader *r, xmlNodePtr tbl, int depth)
{
    int saved_in = r->in_cell, saved_t = r->table, saved_r = r->row, saved_c = r->col;
    int t = ++r->tables, row = 0;
    for (xmlNodePtr tr = tbl->children; tr; tr = tr->next) {
        if (!is_w(tr, "tr"))
            continue;
        int col = 0;
        for (xmlNodePtr tc = tr->children; tc; tc = tc->next) {
            if (!is_w(tc, "tc"))
                continue;
            r->in_cell = 1, r->table = t, r->row = row, r->col = col;
            read_body(r, tc, depth + 1);
            col++;
        }
        row++;
    }
    r->in_cell = saved_in, r->table = saved_t, r->row = saved_r, r->col = saved_c;
}

static void read_body(reader *r, xmlNodePtr body, int depth)
{
    if (depth > PG_DOCX_DEPTH_MAX)
        return;
    for (xmlNodePtr c = body->children; c; c = c->next) {
        if (is_w(c, "p"))
            read_paragraph(r, c, depth);
        else if (is_w(c, "tbl"))
            read_table(r, c, depth);
        else if (is_w(c, "sdt") || is_w(c, "sdtContent"))
            read_body(r, c, depth + 1);
        if (!r->in_cell)
            pg_zip_notes_flush(r->doc, r->index, r->pending);
    }
}

int pg_import_docx_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                        pg_diag_list *diags)
{
    int rc = 0, failed = 0;
    zip_t *z = NULL;
    xmlDocPtr x = NULL, notes = NULL, styles = NULL;
    memset(doc, 0, sizeof *doc);

    z = pg_zip_open(bytes, len, file, &DOCX, diags);
    if (!z)
        goto cleanup;
    x = pg_zip_xml(z, "word/document.xml", 1, file, &DOCX, &failed, diags);
    if (failed)
        goto cleanup;
    notes = pg_zip_xml(z, "word/footnotes.xml", 0, file, &DOCX, &failed, diags);
    if (failed)
        goto cleanup;
    styles = pg_zip_xml(z, "word/styles.xml", 0, file, &DOCX, &failed, diags);
    if (failed)
        goto cleanup;
    xmlNodePtr root = xmlDocGetRootElement(x);
    xmlNodePtr body = is_w(root, "document") ? w_child(root, "body") : NULL;
    if (!body) {
        pg_diag_add(diags, PG_E_MISSING_ELEMENT, file, 0, 0,
                    "word/document.xml has no w:document/w:body; the file is not a Word "
                    "document, save it again as .docx");
        goto cleanup;
    }
    reader r = {.doc = doc,
                .file = file,
                .notes_doc = notes,
                .styles = styles,
                .pending = g_ptr_array_new_with_free_func(g_free)};
    read_body(&r, body, 0);
    pg_zip_notes_flush(doc, r.index, r.pending);
    g_ptr_array_free(r.pending, TRUE);
    rc = 1;

cleanup:
    if (!rc)
        pg_import_doc_free(doc);
    xmlFreeDoc(x);
    xmlFreeDoc(notes);
    xmlFreeDoc(styles);
    if (z)
        zip_discard(z);
    return rc;
}
