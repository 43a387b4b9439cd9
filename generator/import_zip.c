/* import_zip.c - the part of the DOCX and ODT readers that is the same for
 * both: a ZIP opened from memory with libzip, one XML part read with its limits
 * and parsed with libxml2 (no network, no DTD, no entities), and the paragraph
 * helpers of office documents. Entries are only read by name, never
 * extracted, so names such as "../x" are harmless. */
#include "import_zip.h"

#include "arena.h"
#include "i18n.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

zip_t *pg_zip_open(const char *bytes, size_t len, const char *file, const pg_zip_kind *k,
                   pg_diag_list *diags)
{
    if (len < 4 || memcmp(bytes, "PK\3\4", 4) != 0) {
        pg_diag_add(diags, PG_E_IO, file, 0, 0,
                    "not %s file (no ZIP signature); give a %s saved by Word or "
                    "LibreOffice, or a plain .txt",
                    _(k->a_name), k->ext);
        return NULL;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_t *z = NULL;
    zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &ze);
    if (src)
        z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!z) {
        pg_diag_add(diags, PG_E_IO, file, 0, 0,
                    "the %s is not a readable ZIP archive (%s); the file is truncated or "
                    "damaged, save it again",
                    k->name, zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return NULL;
    }
    zip_error_fini(&ze);
    if (zip_get_num_entries(z, 0) > PG_ZIP_ENTRIES_MAX) {
        pg_diag_add(diags, PG_E_TOO_LARGE, file, 0, 0,
                    "the archive has more than %d entries; %s has a few dozen, refused",
                    PG_ZIP_ENTRIES_MAX, _(k->a_name));
        zip_discard(z);
        return NULL;
    }
    return z;
}

static void too_large(const char *name, const char *file, pg_diag_list *diags)
{
    pg_diag_add(diags, PG_E_TOO_LARGE, file, 0, 0,
                "%s unpacks to more than 64 MiB; refused as a possible ZIP bomb", name);
}

char *pg_zip_read(zip_t *z, const char *name, int required, const char *file, const pg_zip_kind *k,
                  size_t *len, pg_diag_list *diags)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(z, name, 0, &st) != 0) {
        if (required)
            pg_diag_add(diags, PG_E_MISSING_ELEMENT, file, 0, 0,
                        "the %s has no %s; save the file again as %s (%s)", k->name, name,
                        _(k->doc_kind), k->ext);
        return NULL;
    }
    if ((st.valid & ZIP_STAT_SIZE) && st.size > PG_ZIP_PART_MAX) {
        too_large(name, file, diags);
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
        if (n > PG_ZIP_PART_MAX) {
            too_large(name, file, diags);
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

/* A DOCTYPE or entity declaration ("<!D", "<!E") in an ASCII-compatible
 * encoding, refused before libxml2 sees the bytes; other encodings (UTF-16)
 * are caught by the parser's guard below. */
static int has_dtd(const char *s, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++)
        if (s[i] == '<' && s[i + 1] == '!' &&
            (s[i + 2] == 'D' || s[i + 2] == 'E' || s[i + 2] == 'd' || s[i + 2] == 'e'))
            return 1;
    return 0;
}

static void dtd_refused(const char *name, const char *file, const pg_zip_kind *k,
                        pg_diag_list *diags)
{
    pg_diag_add(diags, PG_E_DOCTYPE, file, 0, 0,
                "%s declares a DTD or entities; %s parts never do: the file was "
                "tampered with, save it again from %s",
                name, k->name, k->app);
}

/* The parser's guard: libxml2's tree-building SAX handlers wrapped so that
 * each node is counted against the budget and a DOCTYPE stops the parse
 * before any declaration in it is read. */
typedef struct {
    startElementNsSAX2Func start;
    commentSAXFunc comment;
    processingInstructionSAXFunc pi;
    cdataBlockSAXFunc cdata;
    internalSubsetSAXFunc subset;
    size_t nodes, left; /* counted, and what the budget allows */
    int over, dtd;
} guard;

static int charge(xmlParserCtxtPtr ctxt, size_t n)
{
    guard *g = ctxt->_private;
    g->nodes += n;
    if (g->nodes > g->left && !g->over) {
        g->over = 1;
        xmlStopParser(ctxt);
    }
    return !g->over;
}

static void guard_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                        int nb_ns, const xmlChar **ns, int nb_attrs, int nb_defaulted,
                        const xmlChar **attrs)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (charge(ctxt, 1 + (size_t)(nb_ns > 0 ? nb_ns : 0) + (size_t)(nb_attrs > 0 ? nb_attrs : 0)))
        ((guard *)ctxt->_private)
            ->start(ctx, local, prefix, uri, nb_ns, ns, nb_attrs, nb_defaulted, attrs);
}

static void guard_comment(void *ctx, const xmlChar *value)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (charge(ctxt, 1))
        ((guard *)ctxt->_private)->comment(ctx, value);
}

static void guard_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (charge(ctxt, 1))
        ((guard *)ctxt->_private)->pi(ctx, target, data);
}

static void guard_cdata(void *ctx, const xmlChar *value, int len)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (charge(ctxt, 1))
        ((guard *)ctxt->_private)->cdata(ctx, value, len);
}

static void guard_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                         const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    (void)name, (void)external_id, (void)system_id;
    ((guard *)ctxt->_private)->dtd = 1;
    xmlStopParser(ctxt);
}

xmlDocPtr pg_zip_parse(const char *bytes, size_t n, const char *name, const char *file,
                       const pg_zip_kind *k, pg_zip_budget *budget, pg_diag_list *diags)
{
    if (has_dtd(bytes, n)) {
        dtd_refused(name, file, k, diags);
        return NULL;
    }
    if (n > PG_ZIP_PART_MAX) {
        too_large(name, file, diags);
        return NULL;
    }
    if (n > PG_ZIP_XML_BYTES_MAX - budget->bytes) {
        pg_diag_add(diags, PG_E_TOO_LARGE, file, 0, 0,
                    "the XML parts of the %s unpack to more than %zu MiB in all (at %s); a "
                    "plan's take a few MiB, refused as a possible ZIP bomb",
                    k->name, PG_ZIP_XML_BYTES_MAX >> 20, name);
        return NULL;
    }
    if (n == 0) {
        pg_diag_add(diags, PG_E_XML, file, 0, 0,
                    "%s is not well-formed XML at its line 1 (it is empty); the file is damaged, "
                    "save it again from %s",
                    name, k->app);
        return NULL;
    }
    budget->bytes += n;
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(bytes, (int)n);
    if (!ctxt)
        pg_oom();
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    guard g = {ctxt->sax->startElementNs,
               ctxt->sax->comment,
               ctxt->sax->processingInstruction,
               ctxt->sax->cdataBlock,
               ctxt->sax->internalSubset,
               0,
               PG_ZIP_XML_NODES_MAX - budget->nodes,
               0,
               0};
    ctxt->_private = &g;
    ctxt->sax->startElementNs = guard_start;
    ctxt->sax->comment = guard_comment;
    ctxt->sax->processingInstruction = guard_pi;
    ctxt->sax->cdataBlock = guard_cdata;
    ctxt->sax->internalSubset = guard_subset;
    xmlParseDocument(ctxt);
    xmlDocPtr x = ctxt->myDoc;
    ctxt->myDoc = NULL;
    budget->nodes += g.nodes < g.left ? g.nodes : g.left;
    if (g.dtd || (x && (x->intSubset || x->extSubset))) {
        dtd_refused(name, file, k, diags);
        xmlFreeDoc(x);
        x = NULL;
    } else if (g.over) {
        pg_diag_add(diags, PG_E_TOO_LARGE, file, 0, 0,
                    "the XML parts of the %s hold more than %zu elements and attributes in all "
                    "(at %s); a plan's hold a few hundred thousand, refused as a possible XML "
                    "bomb",
                    k->name, PG_ZIP_XML_NODES_MAX, name);
        xmlFreeDoc(x);
        x = NULL;
    } else if (!ctxt->wellFormed || !x) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        char *why = g_strstrip(g_strdup(e && e->message ? e->message : _("unknown error")));
        pg_diag_add(diags, PG_E_XML, file, 0, 0,
                    "%s is not well-formed XML at its line %d (%s); the file is damaged, save it "
                    "again from %s",
                    name, e ? e->line : 0, why, k->app);
        g_free(why);
        xmlFreeDoc(x);
        x = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return x;
}

xmlDocPtr pg_zip_xml(zip_t *z, const char *name, int required, const char *file,
                     const pg_zip_kind *k, pg_zip_budget *budget, int *failed, pg_diag_list *diags)
{
    size_t before = diags->n, n = 0;
    xmlDocPtr x = NULL;
    char *bytes = pg_zip_read(z, name, required, file, k, &n, diags);
    if (bytes)
        x = pg_zip_parse(bytes, n, name, file, k, budget, diags);
    free(bytes);
    *failed = diags->n != before;
    return x;
}

char *pg_zip_short_text(xmlNodePtr n, size_t max)
{
    GString *g = g_string_new(NULL);
    /* in document order without recursion: down, else next, else up */
    for (xmlNodePtr c = n ? n->children : NULL; c && g->len <= max;) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            g_string_append(g, (const char *)c->content);
        if (c->type == XML_ELEMENT_NODE && c->children) {
            c = c->children;
            continue;
        }
        while (c && c != n && !c->next)
            c = c->parent;
        c = c && c != n ? c->next : NULL;
    }
    if (g->len > max) {
        const char *end = g_utf8_find_prev_char(g->str, g->str + max + 1);
        g_string_truncate(g, end ? (gsize)(end - g->str) : 0);
        g_string_append(g, "…");
    }
    return g_strstrip(g_string_free(g, FALSE));
}

void pg_zip_note_attach(pg_zip_reader *z, pg_import_para *p, char *text, unsigned marks)
{
    static const char *const sup[] = {"¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    size_t n = strlen(text);
    if (z->failed || n > PG_ZIP_NOTES_MAX - z->note_bytes) {
        if (!z->failed)
            pg_diag_add(z->diags, PG_E_TOO_LARGE, z->file, z->index, 0,
                        "the footnotes of the %s hold more than %zu MiB of text in all; a "
                        "plan's take a few KiB, refused",
                        z->kind->name, PG_ZIP_NOTES_MAX >> 20);
        z->failed = 1;
        free(text);
        return;
    }
    z->note_bytes += n;
    p->footnotes = pg_xrealloc(p->footnotes, (p->n_footnotes + 1) * sizeof *p->footnotes);
    p->footnotes[p->n_footnotes++] = text;
    if (z->notes < 9) {
        const char *m = sup[z->notes++];
        pg_import_run_add(p, m, strlen(m), marks);
        g_ptr_array_add(z->pending, g_strdup_printf("%s %s", m, text));
    } else {
        char *inline_text = g_strdup_printf(" (%s)", text);
        pg_import_run_add(p, inline_text, strlen(inline_text), marks);
        g_free(inline_text);
    }
}

void pg_zip_notes_flush(pg_import_doc *doc, int line, GPtrArray *pending)
{
    for (guint i = 0; i < pending->len; i++) {
        pg_import_para *p = pg_import_para_add(doc, line);
        const char *t = g_ptr_array_index(pending, i);
        pg_import_run_add(p, t, strlen(t), 0);
    }
    g_ptr_array_set_size(pending, 0);
}

void pg_zip_drop_if_blank(pg_import_doc *doc)
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

int pg_zip_typed_number(const char *s)
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

void pg_zip_prefix(pg_import_para *p, const char *label)
{
    p->runs = pg_xrealloc(p->runs, (p->n_runs + 1) * sizeof *p->runs);
    memmove(p->runs + 1, p->runs, p->n_runs * sizeof *p->runs);
    p->runs[0].text = g_strdup(label);
    p->runs[0].marks = 0;
    p->n_runs++;
}

void pg_zip_number(const char *fmt, int n, char *out)
{
    static const char *const ones[] = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
    static const char *const tens[] = {"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"};
    static const char *const hundreds[] = {"",  "C",  "CC",  "CCC",  "CD",
                                           "D", "DC", "DCC", "DCCC", "CM"};
    int upper = fmt[0] == 'I' || fmt[0] == 'A';
    if ((fmt[0] == 'I' || fmt[0] == 'i') && n > 0 && n < 1000) {
        g_snprintf(out, 32, "%s%s%s", hundreds[n / 100], tens[n / 10 % 10], ones[n % 10]);
    } else if ((fmt[0] == 'A' || fmt[0] == 'a') && n > 0 && n <= 26 * 20) {
        /* a..z, then aa..zz as Writer and Word count */
        int reps = (n - 1) / 26 + 1, k;
        for (k = 0; k < reps; k++)
            out[k] = (char)('a' + (n - 1) % 26);
        out[k] = '\0';
    } else {
        g_snprintf(out, 32, "%d", n);
        return;
    }
    for (char *c = out; *c; c++)
        *c = upper ? g_ascii_toupper(*c) : g_ascii_tolower(*c);
}

double pg_zip_pitch(double size, double line, double before, double after)
{
    return size * 1.15 * line + before + after;
}

void pg_zip_brace_add(pg_zip_braces *b, size_t anchor, double y, double h, double pitch)
{
    if (!isfinite(y) || !isfinite(h) || !isfinite(pitch) || h <= 0 || h > PG_ZIP_BRACE_PT_MAX ||
        fabs(y) > PG_ZIP_BRACE_PT_MAX || pitch < PG_ZIP_PITCH_MIN || pitch > PG_ZIP_BRACE_PT_MAX ||
        b->n >= PG_ZIP_BRACES_MAX)
        return;
    b->v = pg_xrealloc(b->v, (b->n + 1) * sizeof *b->v);
    b->v[b->n++] = (pg_zip_brace){anchor, y, h, pitch, NULL};
}

pg_zip_mark pg_zip_braces_begin(const pg_zip_braces *b, const pg_import_doc *doc)
{
    return (pg_zip_mark){b->n, doc->n};
}

/* The text of p's runs, stripped; g_free it. */
static char *para_text(const pg_import_para *p)
{
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < p->n_runs; i++)
        g_string_append(g, p->runs[i].text);
    return g_strstrip(g_string_free(g, FALSE));
}

static void para_free(pg_import_para *p)
{
    for (size_t i = 0; i < p->n_runs; i++)
        g_free(p->runs[i].text);
    free(p->runs);
    for (size_t i = 0; i < p->n_footnotes; i++)
        free(p->footnotes[i]);
    free(p->footnotes);
}

void pg_zip_braces_end(pg_zip_braces *b, pg_zip_mark m, pg_import_doc *doc)
{
    if (b->n == m.braces)
        return;
    pg_zip_brace *br = &b->v[b->n - 1];
    size_t w = m.paras;
    for (size_t i = m.paras; i < doc->n; i++) {
        pg_import_para *p = &doc->paras[i];
        char *t = para_text(p);
        size_t tl = strlen(t);
        /* (a text box's paragraph takes the cell of its anchor: the closing
         * block is often a table) */
        if (!br->purpose && !p->n_footnotes && tl > 2 && t[0] == '(' && t[tl - 1] == ')' &&
            !strchr(t + 1, '(')) {
            br->purpose = t;
            para_free(p);
            continue;
        }
        g_free(t);
        doc->paras[w++] = *p;
    }
    doc->n = w;
}

void pg_zip_brace_mark(pg_import_para *p, const char *purpose)
{
    char *s = !purpose            ? g_strdup(" }")
              : purpose[0] == '(' ? g_strdup_printf(" } %s", purpose)
                                  : g_strdup_printf(" } (%s)", purpose);
    for (size_t i = 0; i < p->n_runs; i++) {
        char *tab = strchr(p->runs[i].text, '\t');
        if (!tab)
            continue;
        /* before the tab, in a run of its own */
        pg_import_run *old = p->runs;
        size_t at = (size_t)(tab - old[i].text);
        p->runs = pg_xrealloc(NULL, (p->n_runs + 2) * sizeof *p->runs);
        memcpy(p->runs, old, i * sizeof *p->runs);
        p->runs[i] = (pg_import_run){g_strndup(old[i].text, at), old[i].marks};
        p->runs[i + 1] = (pg_import_run){s, 0};
        p->runs[i + 2] = (pg_import_run){g_strdup(tab), old[i].marks};
        memcpy(p->runs + i + 3, old + i + 1, (p->n_runs - i - 1) * sizeof *p->runs);
        g_free(old[i].text);
        free(old);
        p->n_runs += 2;
        return;
    }
    pg_import_run_add(p, s, strlen(s), 0);
    g_free(s);
}

/* Whether p already has a brace's mark: " }" that pg_zip_brace_mark wrote
 * (by a drawn brace or a merged cell; in a run of its own or at the end of
 * the run before) or that was typed, followed by the end of a run, a space
 * or a tab. */
static int brace_marked(const pg_import_para *p)
{
    for (size_t i = 0; i < p->n_runs; i++)
        for (const char *m = strstr(p->runs[i].text, " }"); m; m = strstr(m + 1, " }"))
            if (m[2] == '\0' || m[2] == ' ' || m[2] == '\t')
                return 1;
    return 0;
}

void pg_zip_braces_apply(const pg_zip_braces *b, pg_import_doc *doc)
{
    for (size_t k = 0; k < b->n; k++) {
        const pg_zip_brace *br = &b->v[k];
        /* the lines whose pitch overlaps the brace by half or more (the
         * brace's offset and height are bounded, the pitch is not tiny: a
         * few thousand lines looked at, PG_ZIP_BRACE_LINES_MAX marked) */
        size_t first = 0, count = 0;
        for (size_t i = br->anchor; i < doc->n && count < PG_ZIP_BRACE_LINES_MAX; i++) {
            double top = (double)(i - br->anchor) * br->pitch, bottom = top + br->pitch;
            if (top >= br->y + br->h)
                break;
            double lo = top > br->y ? top : br->y;
            double hi = bottom < br->y + br->h ? bottom : br->y + br->h;
            if (hi - lo >= 0.5 * br->pitch) {
                if (!count)
                    first = i;
                count++;
            }
        }
        for (size_t i = 0; i < count; i++)
            if (!brace_marked(&doc->paras[first + i]))
                pg_zip_brace_mark(&doc->paras[first + i],
                                  i == (count - 1) / 2 ? br->purpose : NULL);
    }
}

void pg_zip_braces_free(pg_zip_braces *b)
{
    for (size_t k = 0; k < b->n; k++)
        g_free(b->v[k].purpose);
    free(b->v);
    memset(b, 0, sizeof *b);
}

void pg_zip_reader_init(pg_zip_reader *z, pg_import_doc *doc, const char *file,
                        const pg_zip_kind *k, pg_diag_list *diags)
{
    memset(z, 0, sizeof *z);
    z->doc = doc;
    z->file = file;
    z->kind = k;
    z->diags = diags;
    z->pending = g_ptr_array_new_with_free_func(g_free);
    z->drawings = g_ptr_array_new();
}

void pg_zip_reader_finish(pg_zip_reader *z)
{
    pg_zip_notes_flush(z->doc, z->index, z->pending);
    pg_zip_braces_apply(&z->braces, z->doc);
}

void pg_zip_reader_free(pg_zip_reader *z)
{
    if (z->pending)
        g_ptr_array_free(z->pending, TRUE);
    if (z->drawings)
        g_ptr_array_free(z->drawings, TRUE);
    pg_zip_braces_free(&z->braces);
    memset(z, 0, sizeof *z);
}

pg_import_para *pg_zip_para_new(pg_zip_reader *z)
{
    pg_import_para *p = pg_import_para_add(z->doc, z->index);
    p->in_cell = z->in_cell;
    p->table = z->table;
    p->row = z->row;
    p->col = z->col;
    return p;
}

GPtrArray *pg_zip_para_begin(pg_zip_reader *z, size_t *first)
{
    z->index++;
    GPtrArray *outer = z->drawings;
    z->drawings = g_ptr_array_new();
    *first = z->doc->n;
    pg_zip_para_new(z);
    return outer;
}

void pg_zip_para_end(pg_zip_reader *z, size_t first, const char *label, GPtrArray *outer,
                     double pitch, pg_zip_draw_fn *draw, void *reader, int depth)
{
    pg_import_para *fp = &z->doc->paras[first];
    if (label && *label && fp->n_runs && !pg_zip_typed_number(fp->runs[0].text))
        pg_zip_prefix(fp, label);
    pg_zip_drop_if_blank(z->doc);
    /* drawn here: after the paragraph, in order; when the paragraph was blank
     * (dropped), its line still took room above what is drawn */
    z->y_shift = z->doc->n == first ? -pitch : 0;
    GPtrArray *here = z->drawings;
    z->drawings = outer;
    pg_zip_mark m = pg_zip_braces_begin(&z->braces, z->doc);
    for (guint k = 0; k < here->len; k++)
        draw(reader, g_ptr_array_index(here, k), first, pitch, depth + 1);
    pg_zip_braces_end(&z->braces, m, z->doc);
    g_ptr_array_free(here, TRUE);
}

void pg_zip_merges_init(pg_zip_merges *m, int rows)
{
    m->rows = rows < 0 ? 0 : rows > PG_ZIP_GRID_ROWS ? PG_ZIP_GRID_ROWS : rows;
    size_t n = (size_t)(m->rows ? m->rows : 1);
    m->grid = g_new0(pg_zip_cell, n * PG_ZIP_GRID_COLS);
    for (size_t i = 0; i < n * PG_ZIP_GRID_COLS; i++)
        m->grid[i].span = 1;
    m->brace = g_new0(unsigned char, n);
    m->purpose = g_new0(char *, n);
    m->skip = g_new0(unsigned char, n *PG_ZIP_GRID_COLS);
}

void pg_zip_merges_set(pg_zip_merges *m, int row, int col, char *text, int span)
{
    if (!m->grid || row < 0 || row >= m->rows || col < 0 || col >= PG_ZIP_GRID_COLS) {
        g_free(text);
        return;
    }
    pg_zip_cell *c = &m->grid[(size_t)row * PG_ZIP_GRID_COLS + (size_t)col];
    g_free(c->text);
    c->text = text;
    c->span = span;
}

static int is_purpose(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    return n > 2 && t[0] == '(' && t[n - 1] == ')';
}

void pg_zip_merges_find(pg_zip_merges *m)
{
    pg_zip_cell *g = m->grid;
    for (int i = 0; g && i < m->rows; i++) {
        pg_zip_cell *row = &g[(size_t)i * PG_ZIP_GRID_COLS];
        for (int c = 1; c < PG_ZIP_GRID_COLS; c++) {
            const char *t = row[c].text ? row[c].text : "";
            if ((row[c].span >= 0 && row[c].span < 2) || m->skip[i * PG_ZIP_GRID_COLS + c] ||
                row[c - 1].span != 1 || !row[c - 1].text || !*row[c - 1].text ||
                (*t && strcmp(t, "}") != 0 && !is_purpose(t)))
                continue;
            int span = row[c].span;
            if (span < 0)
                for (span = 1; i + span < m->rows &&
                               g[(size_t)(i + span) * PG_ZIP_GRID_COLS + (size_t)c].span == 0;
                     span++)
                    ;
            if (span < 2)
                continue;
            m->skip[i * PG_ZIP_GRID_COLS + c] = 1;
            const char *p = is_purpose(t) ? t : NULL;
            if (!p && c + 1 < PG_ZIP_GRID_COLS && is_purpose(row[c + 1].text)) {
                p = row[c + 1].text;
                m->skip[i * PG_ZIP_GRID_COLS + c + 1] = 1;
            }
            for (int j = i; j < i + span && j < m->rows; j++)
                m->brace[j] = (unsigned char)(c);
            g_free(m->purpose[i]);
            m->purpose[i] = p ? g_strdup(p) : NULL;
        }
    }
    for (size_t k = 0; g && k < (size_t)(m->rows ? m->rows : 1) * PG_ZIP_GRID_COLS; k++)
        g_free(g[k].text);
    g_free(g);
    m->grid = NULL;
}

int pg_zip_merges_skip(const pg_zip_merges *m, int row, int col)
{
    return row >= 0 && row < m->rows && col >= 0 && col < PG_ZIP_GRID_COLS &&
           m->skip[row * PG_ZIP_GRID_COLS + col];
}

void pg_zip_merges_mark(const pg_zip_merges *m, pg_import_doc *doc, int row, int col, size_t before)
{
    if (row >= 0 && row < m->rows && m->brace[row] && col == m->brace[row] - 1 && doc->n > before &&
        !brace_marked(&doc->paras[doc->n - 1]))
        pg_zip_brace_mark(&doc->paras[doc->n - 1], m->purpose[row]);
}

void pg_zip_merges_free(pg_zip_merges *m)
{
    if (m->grid)
        for (size_t k = 0; k < (size_t)(m->rows ? m->rows : 1) * PG_ZIP_GRID_COLS; k++)
            g_free(m->grid[k].text);
    g_free(m->grid);
    for (int i = 0; m->purpose && i < m->rows; i++)
        g_free(m->purpose[i]);
    g_free(m->purpose);
    g_free(m->brace);
    g_free(m->skip);
    memset(m, 0, sizeof *m);
}
