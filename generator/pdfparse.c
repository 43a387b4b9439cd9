/* pdfparse.c - reads the structure of an existing PDF (trailer, cross-reference
 * tables, single objects) for signing and verifying; see pdfparse.h. Input is
 * untrusted: every index is checked against the buffer, nesting is bounded by
 * PG_PDF_MAX_DEPTH, and the /Prev chain by PG_PDF_MAX_SECTIONS and a visited set. */
#include "pdfparse.h"

#include "arena.h"

#include <glib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t off; /* 0: free or unknown */
    int gen;
    int set; /* an entry was seen (the newest section wins) */
    pg_pdfo *cached;
    int loading; /* a lookup of this object is under way (no loops through refs) */
} xentry;

struct pg_pdf {
    const unsigned char *d;
    size_t len;
    GPtrArray *nodes; /* every pg_pdfo allocated, freed together */
    pg_pdfo *trailer;
    size_t startxref;
    xentry *x;
    long long nx;
};

typedef struct {
    pg_pdf *p;
    size_t pos, end;
} lexer;

static int is_ws(int c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static int is_delim(int c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}

static void skip_ws(lexer *l)
{
    while (l->pos < l->end) {
        int c = l->p->d[l->pos];
        if (is_ws(c)) {
            l->pos++;
        } else if (c == '%') {
            while (l->pos < l->end && l->p->d[l->pos] != '\n' && l->p->d[l->pos] != '\r')
                l->pos++;
        } else {
            break;
        }
    }
}

static pg_pdfo *node(pg_pdf *p, pg_pdfo_kind k, size_t start)
{
    pg_pdfo *o = pg_xcalloc(1, sizeof *o);
    o->kind = k;
    o->start = start;
    g_ptr_array_add(p->nodes, o);
    return o;
}

/* A keyword (letters) at the lexer: its length, 0 when none. */
static size_t word_len(const lexer *l)
{
    size_t n = 0;
    while (l->pos + n < l->end && !is_ws(l->p->d[l->pos + n]) && !is_delim(l->p->d[l->pos + n]))
        n++;
    return n;
}

static int at_word(const lexer *l, const char *w)
{
    size_t n = strlen(w);
    return word_len(l) == n && memcmp(l->p->d + l->pos, w, n) == 0;
}

/* A non-negative integer of at most 12 digits at the lexer; -1 when none. */
static long long read_uint(lexer *l)
{
    long long v = 0;
    size_t n = 0;
    while (l->pos < l->end && g_ascii_isdigit(l->p->d[l->pos])) {
        if (++n > 12)
            return -1;
        v = v * 10 + (l->p->d[l->pos++] - '0');
    }
    if (n == 0 || (l->pos < l->end && !is_ws(l->p->d[l->pos]) && !is_delim(l->p->d[l->pos])))
        return -1;
    return v;
}

static pg_pdfo *parse_value(lexer *l, int depth);

static void add_item(pg_pdfo *o, pg_pdfo *it, size_t *cap)
{
    if (o->n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        o->items = pg_xrealloc(o->items, *cap * sizeof *o->items);
    }
    o->items[o->n++] = it;
}

static pg_pdfo *parse_literal_string(lexer *l, size_t start)
{
    const unsigned char *d = l->p->d;
    GString *s = g_string_new(NULL);
    int nest = 1;
    l->pos++;
    while (l->pos < l->end) {
        int c = d[l->pos++];
        if (c == '\\') {
            if (l->pos >= l->end)
                break;
            c = d[l->pos++];
            switch (c) {
            case 'n':
                g_string_append_c(s, '\n');
                break;
            case 'r':
                g_string_append_c(s, '\r');
                break;
            case 't':
                g_string_append_c(s, '\t');
                break;
            case 'b':
                g_string_append_c(s, '\b');
                break;
            case 'f':
                g_string_append_c(s, '\f');
                break;
            case '\r':
                if (l->pos < l->end && d[l->pos] == '\n')
                    l->pos++;
                break;
            case '\n':
                break;
            default:
                if (c >= '0' && c <= '7') {
                    int v = c - '0';
                    for (int k = 0;
                         k < 2 && l->pos < l->end && d[l->pos] >= '0' && d[l->pos] <= '7'; k++)
                        v = v * 8 + (d[l->pos++] - '0');
                    g_string_append_c(s, (char)(v & 0xff));
                } else {
                    g_string_append_c(s, (char)c);
                }
            }
        } else if (c == '(') {
            nest++;
            g_string_append_c(s, (char)c);
        } else if (c == ')') {
            if (--nest == 0) {
                pg_pdfo *o = node(l->p, PG_PDFO_STRING, start);
                o->len = s->len;
                o->text = pg_xmalloc(s->len + 1);
                memcpy(o->text, s->str, s->len + 1);
                o->end = l->pos;
                g_string_free(s, TRUE);
                return o;
            }
            g_string_append_c(s, (char)c);
        } else {
            g_string_append_c(s, (char)c);
        }
    }
    g_string_free(s, TRUE);
    return NULL; /* unterminated */
}

static pg_pdfo *parse_hex_string(lexer *l, size_t start)
{
    const unsigned char *d = l->p->d;
    size_t from = ++l->pos;
    while (l->pos < l->end && d[l->pos] != '>')
        l->pos++;
    if (l->pos >= l->end)
        return NULL;
    pg_pdfo *o = node(l->p, PG_PDFO_STRING, start);
    o->text = pg_xmalloc((l->pos - from) / 2 + 2);
    int half = -1;
    for (size_t i = from; i < l->pos; i++) {
        int c = d[i], v;
        if (is_ws(c))
            continue;
        if (!g_ascii_isxdigit(c))
            return NULL;
        v = g_ascii_xdigit_value((char)c);
        if (half < 0) {
            half = v;
        } else {
            o->text[o->len++] = (char)(half * 16 + v);
            half = -1;
        }
    }
    if (half >= 0)
        o->text[o->len++] = (char)(half * 16);
    o->text[o->len] = '\0';
    o->end = ++l->pos;
    return o;
}

static pg_pdfo *parse_name(lexer *l, size_t start)
{
    l->pos++;
    size_t n = word_len(l);
    pg_pdfo *o = node(l->p, PG_PDFO_NAME, start);
    o->text = pg_xmalloc(n + 1);
    memcpy(o->text, l->p->d + l->pos, n);
    o->text[n] = '\0';
    o->len = n;
    l->pos += n;
    o->end = l->pos;
    return o;
}

/* A number, or "N G R" as a reference. */
static pg_pdfo *parse_number(lexer *l, size_t start)
{
    const unsigned char *d = l->p->d;
    size_t n = word_len(l);
    if (n == 0 || n > 40)
        return NULL;
    char buf[48];
    memcpy(buf, d + l->pos, n);
    buf[n] = '\0';
    char *endp = NULL;
    double v = g_ascii_strtod(buf, &endp);
    if (*endp || !(v > -1e15 && v < 1e15))
        return NULL;
    l->pos += n;
    pg_pdfo *o = node(l->p, PG_PDFO_NUM, start);
    o->num = (long long)v;
    o->real = v;
    o->is_int = strspn(buf, "+-0123456789") == n;
    o->end = l->pos;
    if (o->is_int && o->num >= 0 && buf[0] != '+' && buf[0] != '-') {
        /* maybe "num gen R" */
        lexer save = *l;
        skip_ws(l);
        long long gen = read_uint(l);
        if (gen >= 0 && gen <= 65535) {
            skip_ws(l);
            if (at_word(l, "R")) {
                l->pos++;
                o->kind = PG_PDFO_REF;
                o->gen = (int)gen;
                o->end = l->pos;
                return o;
            }
        }
        *l = save;
    }
    return o;
}

static pg_pdfo *parse_value(lexer *l, int depth)
{
    if (depth > PG_PDF_MAX_DEPTH || l->p->nodes->len >= PG_PDF_MAX_NODES)
        return NULL;
    skip_ws(l);
    if (l->pos >= l->end)
        return NULL;
    const unsigned char *d = l->p->d;
    size_t start = l->pos;
    int c = d[l->pos];
    if (c == '(')
        return parse_literal_string(l, start);
    if (c == '/')
        return parse_name(l, start);
    if (c == '<' && l->pos + 1 < l->end && d[l->pos + 1] == '<') {
        l->pos += 2;
        pg_pdfo *o = node(l->p, PG_PDFO_DICT, start);
        size_t cap = 0;
        for (;;) {
            skip_ws(l);
            if (l->pos + 1 < l->end && d[l->pos] == '>' && d[l->pos + 1] == '>') {
                l->pos += 2;
                o->end = l->pos;
                return o;
            }
            if (l->pos >= l->end || d[l->pos] != '/')
                return NULL;
            pg_pdfo *k = parse_name(l, l->pos);
            pg_pdfo *v = parse_value(l, depth + 1);
            if (!v)
                return NULL;
            add_item(o, k, &cap);
            add_item(o, v, &cap);
        }
    }
    if (c == '<')
        return parse_hex_string(l, start);
    if (c == '[') {
        l->pos++;
        pg_pdfo *o = node(l->p, PG_PDFO_ARRAY, start);
        size_t cap = 0;
        for (;;) {
            skip_ws(l);
            if (l->pos < l->end && d[l->pos] == ']') {
                l->pos++;
                o->end = l->pos;
                return o;
            }
            pg_pdfo *v = parse_value(l, depth + 1);
            if (!v)
                return NULL;
            add_item(o, v, &cap);
        }
    }
    if (g_ascii_isdigit(c) || c == '-' || c == '+' || c == '.')
        return parse_number(l, start);
    size_t n = word_len(l);
    pg_pdfo *o = NULL;
    if (at_word(l, "true") || at_word(l, "false")) {
        o = node(l->p, PG_PDFO_BOOL, start);
        o->num = c == 't';
    } else if (at_word(l, "null")) {
        o = node(l->p, PG_PDFO_NULL, start);
    } else {
        return NULL;
    }
    l->pos += n;
    o->end = l->pos;
    return o;
}

const pg_pdfo *pg_pdfo_get(const pg_pdfo *dict, const char *key)
{
    if (!dict || dict->kind != PG_PDFO_DICT)
        return NULL;
    for (size_t i = 0; i + 1 < dict->n; i += 2)
        if (strcmp(dict->items[i]->text, key) == 0)
            return dict->items[i + 1];
    return NULL;
}

int pg_pdfo_is_name(const pg_pdfo *o, const char *name)
{
    return o && o->kind == PG_PDFO_NAME && strcmp(o->text, name) == 0;
}

static char *fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static char *fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *g = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *s = pg_xstrdup(g);
    g_free(g);
    return s;
}

/* Reads the cross-reference table at off into p->x (entries not yet set);
 * returns its trailer dictionary, or NULL with *err. */
static pg_pdfo *read_xref_table(pg_pdf *p, size_t off, char **err)
{
    lexer l = {p, off, p->len};
    if (!at_word(&l, "xref")) {
        lexer ol = l;
        if (read_uint(&ol) >= 0) {
            skip_ws(&ol);
            if (read_uint(&ol) >= 0) {
                skip_ws(&ol);
                if (at_word(&ol, "obj")) {
                    *err = fail("its cross-reference is a stream (compressed structure, PDF 1.5), "
                                "which plangen does not read yet; rewrite it with an "
                                "uncompressed table first: qpdf --object-streams=disable IN OUT");
                    return NULL;
                }
            }
        }
        *err = fail("startxref points at byte %zu, where no cross-reference table starts; the "
                    "file is damaged (qpdf IN OUT may repair it)",
                    off);
        return NULL;
    }
    l.pos += 4;
    for (;;) {
        skip_ws(&l);
        if (at_word(&l, "trailer")) {
            l.pos += 7;
            pg_pdfo *t = parse_value(&l, 0);
            if (!t || t->kind != PG_PDFO_DICT) {
                *err = fail("the trailer after the cross-reference table at byte %zu is no "
                            "dictionary; the file is damaged",
                            off);
                return NULL;
            }
            return t;
        }
        long long first = read_uint(&l);
        skip_ws(&l);
        long long count = read_uint(&l);
        if (first < 0 || count < 0 || first + count > PG_PDF_MAX_OBJECTS ||
            (size_t)count > (p->len - l.pos) / 20) {
            *err = fail("the cross-reference table at byte %zu is broken (a subsection header "
                        "is missing or names more objects than the file holds)",
                        off);
            return NULL;
        }
        if (first + count > p->nx) {
            long long nx = first + count;
            p->x = pg_xrealloc(p->x, (size_t)nx * sizeof *p->x);
            memset(p->x + p->nx, 0, (size_t)(nx - p->nx) * sizeof *p->x);
            p->nx = nx;
        }
        /* each entry: 10 digits, a space, 5 digits, a space, n or f, 2 bytes of end */
        for (long long i = 0; i < count; i++) {
            skip_ws(&l);
            if (l.pos + 18 > p->len) {
                *err = fail("the cross-reference table at byte %zu ends early", off);
                return NULL;
            }
            const unsigned char *e = p->d + l.pos;
            int ok = e[10] == ' ' && e[16] == ' ' && (e[17] == 'n' || e[17] == 'f');
            for (int k = 0; k < 10 && ok; k++)
                ok = g_ascii_isdigit(e[k]);
            for (int k = 11; k < 16 && ok; k++)
                ok = g_ascii_isdigit(e[k]);
            if (!ok) {
                *err = fail("entry %lld of the cross-reference table at byte %zu is malformed",
                            first + i, off);
                return NULL;
            }
            xentry *x = &p->x[first + i];
            if (!x->set) {
                x->set = 1;
                if (e[17] == 'n') {
                    x->off = (size_t)g_ascii_strtoull((const char *)e, NULL, 10);
                    x->gen = atoi((const char *)e + 11);
                    if (x->off >= p->len)
                        x->off = 0;
                }
            }
            l.pos += 18;
        }
    }
}

pg_pdf *pg_pdf_open(const unsigned char *data, size_t len, char **err)
{
    *err = NULL;
    if (len < 8 || memcmp(data, "%PDF-", 5) != 0) {
        *err = fail("it is no PDF (it does not start with %%PDF-)");
        return NULL;
    }
    pg_pdf *p = pg_xcalloc(1, sizeof *p);
    p->d = data;
    p->len = len;
    p->nodes = g_ptr_array_new();
    /* startxref within the last 1024 bytes */
    size_t from = len > 1024 ? len - 1024 : 0, at = (size_t)-1;
    for (size_t i = len - 9 + 1; i-- > from;)
        if (memcmp(data + i, "startxref", 9) == 0) {
            at = i;
            break;
        }
    lexer l = {p, at + 9, len};
    long long sx = -1;
    if (at != (size_t)-1) {
        skip_ws(&l);
        sx = read_uint(&l);
    }
    if (sx < 0 || (size_t)sx >= len) {
        *err = fail("it has no valid startxref at its end (a truncated or damaged PDF; "
                    "qpdf IN OUT may repair it)");
        goto bad;
    }
    p->startxref = (size_t)sx;
    size_t off = p->startxref;
    size_t seen[PG_PDF_MAX_SECTIONS];
    for (int k = 0;; k++) {
        if (k == PG_PDF_MAX_SECTIONS) {
            *err = fail("it has more than %d revisions; plangen reads at most that many",
                        PG_PDF_MAX_SECTIONS);
            goto bad;
        }
        for (int j = 0; j < k; j++)
            if (seen[j] == off) {
                *err =
                    fail("its cross-reference sections form a loop (/Prev); the file is damaged");
                goto bad;
            }
        seen[k] = off;
        pg_pdfo *t = read_xref_table(p, off, err);
        if (!t)
            goto bad;
        if (!p->trailer)
            p->trailer = t;
        const pg_pdfo *prev = pg_pdfo_get(t, "Prev");
        if (!prev)
            break;
        if (prev->kind != PG_PDFO_NUM || !prev->is_int || prev->num < 0 ||
            (size_t)prev->num >= len) {
            *err = fail("a trailer's /Prev points outside the file; the file is damaged");
            goto bad;
        }
        off = (size_t)prev->num;
    }
    if (pg_pdfo_get(p->trailer, "Encrypt")) {
        *err = fail("it is encrypted; plangen signs and verifies unencrypted PDFs only "
                    "(qpdf --decrypt IN OUT, with its password, removes the encryption)");
        goto bad;
    }
    const pg_pdfo *root = pg_pdfo_get(p->trailer, "Root");
    if (!root || root->kind != PG_PDFO_REF) {
        *err = fail("its trailer names no document catalog (/Root); the file is damaged");
        goto bad;
    }
    return p;
bad:
    pg_pdf_free(p);
    return NULL;
}

void pg_pdf_free(pg_pdf *p)
{
    if (!p)
        return;
    for (guint i = 0; i < p->nodes->len; i++) {
        pg_pdfo *o = g_ptr_array_index(p->nodes, i);
        free(o->text);
        free(o->items);
        free(o);
    }
    g_ptr_array_free(p->nodes, TRUE);
    free(p->x);
    free(p);
}

const pg_pdfo *pg_pdf_trailer(const pg_pdf *p)
{
    return p->trailer;
}

size_t pg_pdf_startxref(const pg_pdf *p)
{
    return p->startxref;
}

long long pg_pdf_size(const pg_pdf *p)
{
    const pg_pdfo *s = pg_pdfo_get(p->trailer, "Size");
    long long n =
        s && s->kind == PG_PDFO_NUM && s->num > 0 && s->num <= PG_PDF_MAX_OBJECTS ? s->num : 0;
    return n > p->nx ? n : p->nx;
}

const pg_pdfo *pg_pdf_object(pg_pdf *p, long long num, int *gen)
{
    if (num <= 0 || num >= p->nx || !p->x[num].off || p->x[num].loading)
        return NULL;
    xentry *x = &p->x[num];
    if (gen)
        *gen = x->gen;
    if (x->cached)
        return x->cached;
    lexer l = {p, x->off, p->len};
    if (read_uint(&l) != num)
        return NULL;
    skip_ws(&l);
    if (read_uint(&l) != x->gen)
        return NULL;
    skip_ws(&l);
    if (!at_word(&l, "obj"))
        return NULL;
    l.pos += 3;
    x->loading = 1;
    x->cached = parse_value(&l, 0);
    x->loading = 0;
    return x->cached;
}

const pg_pdfo *pg_pdf_resolve(pg_pdf *p, const pg_pdfo *o)
{
    if (o && o->kind == PG_PDFO_REF)
        return pg_pdf_object(p, o->num, NULL);
    return o;
}
