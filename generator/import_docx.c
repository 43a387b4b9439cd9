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
#include "import.h"

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define PG_DOCX_ENTRY_MAX ((zip_uint64_t)64 << 20) /* bytes, uncompressed */
#define PG_DOCX_ENTRIES_MAX 10000
#define PG_DOCX_DEPTH_MAX 64 /* nested tables and elements */

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/* Reads entry name into a malloc'd NUL-terminated buffer; NULL with a
 * diagnostic when missing (if required), too large or unreadable. */
static char *read_entry(zip_t *z, const char *name, int required, const char *file, size_t *len,
                        pg_diag_list *diags)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(z, name, 0, &st) != 0) {
        if (required)
            pg_diag_add(diags, PG_E_MISSING_ELEMENT, file, 0, 0,
                        "the DOCX has no %s; save the file again as a Word document (.docx)", name);
        return NULL;
    }
    if ((st.valid & ZIP_STAT_SIZE) && st.size > PG_DOCX_ENTRY_MAX) {
        pg_diag_add(diags, PG_E_TOO_LARGE, file, 0, 0,
                    "%s unpacks to more than 64 MiB; refused as a possible ZIP bomb", name);
        return NULL;
    }
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f) {
        pg_diag_add(diags, PG_E_IO, file, 0, 0, "%s cannot be unpacked: %s; the file is damaged",
                    name, zip_strerror(z));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = pg_xrealloc(NULL, cap);
    int ok = 1;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap *= 2;
            buf = pg_xrealloc(buf, cap);
        }
        zip_int64_t got = zip_fread(f, buf + n, 65536);
        if (got < 0) {
            pg_diag_add(diags, PG_E_IO, file, 0, 0,
                        "%s cannot be unpacked: %s; the file is damaged or truncated", name,
                        zip_file_strerror(f));
            ok = 0;
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > PG_DOCX_ENTRY_MAX) {
            pg_diag_add(diags, PG_E_TOO_LARGE, file, 0, 0,
                        "%s unpacks to more than 64 MiB; refused as a possible ZIP bomb", name);
            ok = 0;
            break;
        }
    }
    zip_fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Refuses a DOCTYPE or entity declaration before libxml2 sees the bytes. */
static int has_dtd(const char *s, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++)
        if (s[i] == '<' && s[i + 1] == '!' &&
            (s[i + 2] == 'D' || s[i + 2] == 'E' || s[i + 2] == 'd' || s[i + 2] == 'e'))
            return 1;
    return 0;
}

static xmlDocPtr parse_part(const char *bytes, size_t n, const char *name, const char *file,
                            pg_diag_list *diags)
{
    if (has_dtd(bytes, n)) {
        pg_diag_add(diags, PG_E_DOCTYPE, file, 0, 0,
                    "%s declares a DTD or entities; DOCX parts never do: the file was "
                    "tampered with, save it again from Word",
                    name);
        return NULL;
    }
    if (n > INT32_MAX)
        return NULL;
    xmlDocPtr x = xmlReadMemory(bytes, (int)n, name, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!x)
        pg_diag_add(diags, PG_E_XML, file, 0, 0,
                    "%s is not well-formed XML; the file is damaged, save it again from Word",
                    name);
    return x;
}

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

/* Drops the last paragraph of doc when it holds no word and no footnote:
 * Word's empty paragraphs are spacing, like the empty lines of a text file. */
static void drop_if_blank(pg_import_doc *doc)
{
    pg_import_para *p = doc->n ? &doc->paras[doc->n - 1] : NULL;
    if (!p || p->n_footnotes)
        return;
    for (size_t i = 0; i < p->n_runs; i++)
        if (pg_import_count_words(p->runs[i].text))
            return;
    for (size_t i = 0; i < p->n_runs; i++)
        g_free(p->runs[i].text);
    free(p->runs);
    doc->n--;
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
    static const char *const sup[] = {"¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    xmlChar *id = xmlGetNsProp(ref, (const xmlChar *)"id", (const xmlChar *)W_NS);
    char *text = id ? footnote_text(r, (const char *)id) : NULL;
    xmlFree(id);
    if (!text)
        return;
    p->footnotes = pg_xrealloc(p->footnotes, (p->n_footnotes + 1) * sizeof *p->footnotes);
    p->footnotes[p->n_footnotes++] = text;
    if (r->notes < 9) {
        const char *m = sup[r->notes++];
        pg_import_run_add(p, m, strlen(m), marks);
        g_ptr_array_add(r->pending, g_strdup_printf("%s %s", m, text));
    } else {
        char *inline_text = g_strdup_printf(" (%s)", text);
        pg_import_run_add(p, inline_text, strlen(inline_text), marks);
        g_free(inline_text);
    }
}

/* Writes the pending footnote lines as paragraphs out of any table. */
static void flush_notes(reader *r)
{
    for (guint i = 0; i < r->pending->len; i++) {
        pg_import_para *p = new_para(r);
        p->in_cell = 0, p->table = p->row = p->col = 0;
        const char *t = g_ptr_array_index(r->pending, i);
        pg_import_run_add(p, t, strlen(t), 0);
    }
    g_ptr_array_set_size(r->pending, 0);
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
                    drop_if_blank(r->doc);
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

/* Whether a list item's text already starts with its typed number or bullet
 * ("1.", "a)", "II-", "-", "+", "•"). */
static int typed_number(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '-' || *s == '+' || *s == '*' || strncmp(s, "•", strlen("•")) == 0)
        return 1;
    size_t i = 0;
    while (s[i] && (g_ascii_isdigit(s[i]) || g_ascii_isalpha(s[i])) && i < 6)
        i++;
    return i > 0 && (s[i] == '.' || s[i] == ')' || s[i] == '-');
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
    if (w_child(ppr, "numPr") && fp->n_runs && !typed_number(fp->runs[0].text)) {
        /* Word numbers the item itself: a bullet, as the text reader reads it */
        fp->runs = pg_xrealloc(fp->runs, (fp->n_runs + 1) * sizeof *fp->runs);
        memmove(fp->runs + 1, fp->runs, fp->n_runs * sizeof *fp->runs);
        fp->runs[0].text = g_strdup("- ");
        fp->runs[0].marks = 0;
        fp->n_runs++;
    }
    drop_if_blank(r->doc);
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
            flush_notes(r);
    }
}

int pg_import_docx_read(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                        pg_diag_list *diags)
{
    int rc = 0;
    zip_t *z = NULL;
    char *main_xml = NULL, *notes_xml = NULL, *styles_xml = NULL;
    xmlDocPtr x = NULL, notes = NULL, styles = NULL;
    memset(doc, 0, sizeof *doc);

    if (len < 4 || memcmp(bytes, "PK\3\4", 4) != 0) {
        pg_diag_add(diags, PG_E_IO, file, 0, 0,
                    "not a DOCX file (no ZIP signature); give a .docx saved by Word or "
                    "LibreOffice, or a plain .txt");
        goto cleanup;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &ze);
    if (src)
        z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!z) {
        pg_diag_add(diags, PG_E_IO, file, 0, 0,
                    "the DOCX is not a readable ZIP archive (%s); the file is truncated or "
                    "damaged, save it again",
                    zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        goto cleanup;
    }
    zip_error_fini(&ze);
    if (zip_get_num_entries(z, 0) > PG_DOCX_ENTRIES_MAX) {
        pg_diag_add(diags, PG_E_TOO_LARGE, file, 0, 0,
                    "the archive has more than %d entries; a DOCX has a few dozen, refused",
                    PG_DOCX_ENTRIES_MAX);
        goto cleanup;
    }
    size_t n = 0, nn = 0, ns = 0;
    main_xml = read_entry(z, "word/document.xml", 1, file, &n, diags);
    if (!main_xml)
        goto cleanup;
    size_t before = diags->n;
    notes_xml = read_entry(z, "word/footnotes.xml", 0, file, &nn, diags);
    if (diags->n != before)
        goto cleanup;
    x = parse_part(main_xml, n, "word/document.xml", file, diags);
    if (!x)
        goto cleanup;
    if (notes_xml) {
        notes = parse_part(notes_xml, nn, "word/footnotes.xml", file, diags);
        if (!notes)
            goto cleanup;
    }
    styles_xml = read_entry(z, "word/styles.xml", 0, file, &ns, diags);
    if (diags->n != before)
        goto cleanup;
    if (styles_xml) {
        styles = parse_part(styles_xml, ns, "word/styles.xml", file, diags);
        if (!styles)
            goto cleanup;
    }
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
    flush_notes(&r);
    g_ptr_array_free(r.pending, TRUE);
    rc = 1;

cleanup:
    if (!rc)
        pg_import_doc_free(doc);
    xmlFreeDoc(x);
    xmlFreeDoc(notes);
    xmlFreeDoc(styles);
    free(styles_xml);
    free(main_xml);
    free(notes_xml);
    if (z)
        zip_discard(z);
    return rc;
}
