/* pdfparse.c - reads the structure of an existing PDF (trailer, cross-reference
 * tables and streams, single objects, those of object streams included) for
 * signing and verifying; see pdfparse.h. Input is untrusted: every index is
 * checked against the buffer, nesting is bounded by PG_PDF_MAX_DEPTH, the /Prev
 * chain by PG_PDF_MAX_SECTIONS and a visited set, and decoding (zlib, then the
 * PNG predictors) by PG_PDF_MAX_STREAM_BYTES a stream and
 * PG_PDF_MAX_DECODED_BYTES a file, checked as the bytes come out. Values of an
 * object stream are lexed from its decoded bytes, with positions past the
 * file's end (each stream its own range), so that no position of one is
 * mistaken for bytes of the file. */
#include "pdfparse.h"

#include "arena.h"
#include "i18n.h"

#include <glib.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* A decoded object stream (/Type /ObjStm): its bytes and the objects it lists. */
typedef struct {
    unsigned char *data; /* decoded, owned */
    size_t len;
    size_t base;     /* position of data[0] in its values' start and end: past the file */
    size_t first;    /* /First: where the first object starts in data */
    long long n;     /* /N: objects listed */
    long long *nums; /* n object numbers */
    size_t *offs;    /* n offsets, relative to first, each below len - first */
} objstm;

/* One object's entry: 40 bytes, up to PG_PDF_MAX_OBJECTS of them. */
typedef struct {
    union {
        struct {
            size_t off; /* type 1: where its "num gen obj" starts in the file */
            int gen;    /* type 1 */
        };
        struct {
            long long stm; /* type 2: the object stream's number */
            int idx;       /* type 2: the object's index in that stream */
        };
    };
    int set;               /* the section (1: the newest) that gave this entry; 0: none did */
    unsigned char type;    /* 0: free or unknown, 1: in the file, 2: in an object stream */
    unsigned char loading; /* a lookup of this object is under way (no loops through refs) */
    pg_pdfo *cached;
    objstm *os; /* type 1: the object stream this object is, once decoded */
} xentry;

struct pg_pdf {
    const unsigned char *d;
    size_t len;
    GPtrArray *nodes; /* every pg_pdfo allocated, freed together */
    pg_pdfo *trailer;
    size_t startxref;
    int xref_stream; /* the newest section is a cross-reference stream */
    xentry *x;
    long long nx;
    GPtrArray *stms; /* every objstm decoded, by increasing base */
    size_t inflated; /* bytes decoded from all streams so far */
    size_t vnext;    /* the base the next decoded object stream gets */
};

typedef struct {
    pg_pdf *p;
    const unsigned char *d; /* the bytes read: the file, or a decoded object stream */
    size_t base;            /* the position of d[0] in the values' start and end */
    size_t pos, end;        /* indices into d */
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
        int c = l->d[l->pos];
        if (is_ws(c)) {
            l->pos++;
        } else if (c == '%') {
            while (l->pos < l->end && l->d[l->pos] != '\n' && l->d[l->pos] != '\r')
                l->pos++;
        } else {
            break;
        }
    }
}

/* A new value starting at index start of the lexer's bytes. */
static pg_pdfo *node(const lexer *l, pg_pdfo_kind k, size_t start)
{
    pg_pdfo *o = pg_xcalloc(1, sizeof *o);
    o->kind = k;
    o->start = l->base + start;
    g_ptr_array_add(l->p->nodes, o);
    return o;
}

/* A keyword (letters) at the lexer: its length, 0 when none. */
static size_t word_len(const lexer *l)
{
    size_t n = 0;
    while (l->pos + n < l->end && !is_ws(l->d[l->pos + n]) && !is_delim(l->d[l->pos + n]))
        n++;
    return n;
}

static int at_word(const lexer *l, const char *w)
{
    size_t n = strlen(w);
    return word_len(l) == n && memcmp(l->d + l->pos, w, n) == 0;
}

/* A non-negative integer of at most 12 digits at the lexer; -1 when none. */
static long long read_uint(lexer *l)
{
    long long v = 0;
    size_t n = 0;
    while (l->pos < l->end && g_ascii_isdigit(l->d[l->pos])) {
        if (++n > 12)
            return -1;
        v = v * 10 + (l->d[l->pos++] - '0');
    }
    if (n == 0 || (l->pos < l->end && !is_ws(l->d[l->pos]) && !is_delim(l->d[l->pos])))
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
    const unsigned char *d = l->d;
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
                pg_pdfo *o = node(l, PG_PDFO_STRING, start);
                o->len = s->len;
                o->text = pg_xmalloc(s->len + 1);
                memcpy(o->text, s->str, s->len + 1);
                o->end = l->base + l->pos;
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
    const unsigned char *d = l->d;
    size_t from = ++l->pos;
    while (l->pos < l->end && d[l->pos] != '>')
        l->pos++;
    if (l->pos >= l->end)
        return NULL;
    pg_pdfo *o = node(l, PG_PDFO_STRING, start);
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
    o->end = l->base + ++l->pos;
    return o;
}

static pg_pdfo *parse_name(lexer *l, size_t start)
{
    l->pos++;
    size_t n = word_len(l);
    pg_pdfo *o = node(l, PG_PDFO_NAME, start);
    o->text = pg_xmalloc(n + 1);
    memcpy(o->text, l->d + l->pos, n);
    o->text[n] = '\0';
    o->len = n;
    l->pos += n;
    o->end = l->base + l->pos;
    return o;
}

/* A number, or "N G R" as a reference. */
static pg_pdfo *parse_number(lexer *l, size_t start)
{
    const unsigned char *d = l->d;
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
    pg_pdfo *o = node(l, PG_PDFO_NUM, start);
    o->num = (long long)v;
    o->real = v;
    o->is_int = strspn(buf, "+-0123456789") == n;
    o->end = l->base + l->pos;
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
                o->end = l->base + l->pos;
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
    const unsigned char *d = l->d;
    size_t start = l->pos;
    int c = d[l->pos];
    if (c == '(')
        return parse_literal_string(l, start);
    if (c == '/')
        return parse_name(l, start);
    if (c == '<' && l->pos + 1 < l->end && d[l->pos + 1] == '<') {
        l->pos += 2;
        pg_pdfo *o = node(l, PG_PDFO_DICT, start);
        size_t cap = 0;
        for (;;) {
            skip_ws(l);
            if (l->pos + 1 < l->end && d[l->pos] == '>' && d[l->pos + 1] == '>') {
                l->pos += 2;
                o->end = l->base + l->pos;
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
        pg_pdfo *o = node(l, PG_PDFO_ARRAY, start);
        size_t cap = 0;
        for (;;) {
            skip_ws(l);
            if (l->pos < l->end && d[l->pos] == ']') {
                l->pos++;
                o->end = l->base + l->pos;
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
        o = node(l, PG_PDFO_BOOL, start);
        o->num = c == 't';
    } else if (at_word(l, "null")) {
        o = node(l, PG_PDFO_NULL, start);
    } else {
        return NULL;
    }
    l->pos += n;
    o->end = l->base + l->pos;
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
    char *g = g_strdup_vprintf(_(fmt), ap);
    va_end(ap);
    char *s = pg_xstrdup(g);
    g_free(g);
    return s;
}

/* The value of o when it is an integer from 0 to max; -1 otherwise. */
static long long int_in(const pg_pdfo *o, long long max)
{
    return o && o->kind == PG_PDFO_NUM && o->is_int && o->num >= 0 && o->num <= max ? o->num : -1;
}

/* Makes p->x hold the entries of objects 0 to n - 1. */
static void grow_x(pg_pdf *p, long long n)
{
    if (n > p->nx) {
        p->x = pg_xrealloc(p->x, (size_t)n * sizeof *p->x);
        memset(p->x + p->nx, 0, (size_t)(n - p->nx) * sizeof *p->x);
        p->nx = n;
    }
}

/* "num gen obj" at the lexer, which is left after it: 1, or 0 when there is none. */
static int read_obj_header(lexer *l, long long *num, long long *gen)
{
    *num = read_uint(l);
    skip_ws(l);
    *gen = read_uint(l);
    skip_ws(l);
    if (*num < 0 || *gen < 0 || !at_word(l, "obj"))
        return 0;
    l->pos += 3;
    return 1;
}

/* Reads the cross-reference table at off (the "xref" keyword) into the entries
 * of p->x that no newer section set, marking them with section; returns its
 * trailer dictionary, or NULL with *err. */
static pg_pdfo *read_xref_table(pg_pdf *p, size_t off, int section, char **err)
{
    lexer l = {p, p->d, 0, off + 4, p->len};
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
        grow_x(p, first + count);
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
                x->set = section;
                if (e[17] == 'n') {
                    x->off = (size_t)g_ascii_strtoull((const char *)e, NULL, 10);
                    x->gen = atoi((const char *)e + 11);
                    x->type = x->off > 0 && x->off < p->len ? 1 : 0;
                }
            }
            l.pos += 18;
        }
    }
}

/* The stream object at byte off of the file (object number want, or any when
 * want is -1): its dictionary in *dict and its encoded data at d[*from, *from +
 * *n). An indirect /Length is followed only when length_ref is set, and only to
 * an object of its own in the file. what names the stream in messages. */
static int read_stream(pg_pdf *p, size_t off, long long want, const char *what, int length_ref,
                       pg_pdfo **dict, size_t *from, size_t *n, char **err)
{
    lexer l = {p, p->d, 0, off, p->len};
    long long num, gen;
    pg_pdfo *dct = NULL;
    if (read_obj_header(&l, &num, &gen) && (want < 0 || num == want))
        dct = parse_value(&l, 0);
    if (dct && dct->kind == PG_PDFO_DICT)
        skip_ws(&l);
    if (!dct || dct->kind != PG_PDFO_DICT || !at_word(&l, "stream")) {
        *err = fail("%s is no stream object; the file is damaged", what);
        return 0;
    }
    l.pos += 6;
    if (l.pos < l.end && p->d[l.pos] == '\r')
        l.pos++;
    if (l.pos < l.end && p->d[l.pos] == '\n')
        l.pos++;
    const pg_pdfo *length = pg_pdfo_get(dct, "Length");
    if (length && length->kind == PG_PDFO_REF) {
        long long ln = length->num;
        length = length_ref && ln > 0 && ln < p->nx && p->x[ln].type == 1
                     ? pg_pdf_object(p, ln, NULL)
                     : NULL;
    }
    long long len = int_in(length, LLONG_MAX);
    if (len < 0 || (size_t)len > p->len - l.pos) {
        *err = fail("%s has no valid /Length, or its data runs past the end of the file; the file "
                    "is damaged",
                    what);
        return 0;
    }
    *dict = dct;
    *from = l.pos;
    *n = (size_t)len;
    return 1;
}

/* Inflates zlib data in[0, n) into a malloc'd *out of *out_len bytes, at most
 * limit: 0, or 1 when it would be more than limit, 2 when the data is damaged,
 * 3 when it ends early. */
static int inflate_bytes(const unsigned char *in, size_t n, size_t limit, unsigned char **out,
                         size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        pg_oom();
    /* a first guess of four times the input, grown by doubling up to limit + 1 */
    size_t cap = n < limit / 4 ? n * 4 : limit, len = 0, in_left = n;
    cap = (cap < 4096 ? 4096 : cap) > limit ? limit + 1 : (cap < 4096 ? 4096 : cap) + 1;
    unsigned char *buf = pg_xmalloc(cap);
    int rc = 2;
    z.next_in = (Bytef *)in;
    for (;;) {
        if (z.avail_in == 0 && in_left > 0) {
            z.avail_in = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
            in_left -= z.avail_in;
        }
        if (len == cap) {
            if (cap > limit) {
                rc = 1;
                break;
            }
            cap = cap > limit / 2 ? limit + 1 : cap * 2;
            buf = pg_xrealloc(buf, cap);
        }
        size_t room = cap - len;
        z.next_out = buf + len;
        z.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
        int zr = inflate(&z, Z_NO_FLUSH);
        len = (size_t)(z.next_out - buf);
        if (zr == Z_STREAM_END) {
            rc = len > limit;
            break;
        }
        if (zr == Z_BUF_ERROR && z.avail_in == 0 && in_left == 0 && len < cap) {
            rc = 3;
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR)
            break;
    }
    inflateEnd(&z);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

static int paeth(int a, int b, int c)
{
    int q = a + b - c, pa = abs(q - a), pb = abs(q - b), pc = abs(q - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undoes the PNG predictors on in[0, n): rows of 1 byte of predictor type and
 * row bytes, bpp bytes a pixel. The rows' bytes go to a malloc'd *out. */
static int unpredict(const unsigned char *in, size_t n, size_t row, size_t bpp, const char *what,
                     unsigned char **out, size_t *out_len, char **err)
{
    if (n % (row + 1) != 0) {
        *err = fail("%s decodes to %zu bytes, which are no whole number of predictor rows of "
                    "%zu bytes (its /Columns); the file is damaged",
                    what, n, row + 1);
        return 0;
    }
    size_t rows = n / (row + 1);
    unsigned char *o = pg_xmalloc(rows * row + 1);
    for (size_t r = 0; r < rows; r++) {
        const unsigned char *s = in + r * (row + 1) + 1;
        unsigned char *d = o + r * row, *up = r ? d - row : NULL;
        int t = s[-1];
        if (t > 4) {
            *err = fail("%s has a row with PNG predictor type %d (only 0 to 4 exist); the file "
                        "is damaged",
                        what, t);
            free(o);
            return 0;
        }
        for (size_t i = 0; i < row; i++) {
            int a = i >= bpp ? d[i - bpp] : 0, b = up ? up[i] : 0,
                c = up && i >= bpp ? up[i - bpp] : 0;
            int v = t == 0 ? 0 : t == 1 ? a : t == 2 ? b : t == 3 ? (a + b) / 2 : paeth(a, b, c);
            d[i] = (unsigned char)(s[i] + v);
        }
    }
    *out = o;
    *out_len = rows * row;
    return 1;
}

/* The decoded data of a stream (dictionary dict, encoded data at d[from, from +
 * n)): no filter or /FlateDecode, with or without a PNG predictor, within the
 * limits of one stream and of the file. A malloc'd *out of *out_len bytes. */
static int decode_stream(pg_pdf *p, const pg_pdfo *dict, size_t from, size_t n, const char *what,
                         unsigned char **out, size_t *out_len, char **err)
{
    const pg_pdfo *filter = pg_pdfo_get(dict, "Filter"), *parms = pg_pdfo_get(dict, "DecodeParms");
    if (filter && filter->kind == PG_PDFO_ARRAY) {
        if (filter->n > 1) {
            *err = fail("%s has %zu filters, which plangen does not decode (only /FlateDecode "
                        "alone); qpdf --object-streams=disable IN OUT rewrites the file without "
                        "them",
                        what, filter->n);
            return 0;
        }
        filter = filter->n ? filter->items[0] : NULL;
        if (parms && parms->kind == PG_PDFO_ARRAY)
            parms = parms->n ? parms->items[0] : NULL;
    }
    if (filter && !pg_pdfo_is_name(filter, "FlateDecode")) {
        *err = fail("%s is encoded with /%s, which plangen does not decode (only /FlateDecode); "
                    "qpdf --object-streams=disable IN OUT rewrites the file without it",
                    what, filter->kind == PG_PDFO_NAME ? filter->text : "?");
        return 0;
    }
    if (parms && parms->kind == PG_PDFO_NULL)
        parms = NULL;
    if (filter && parms && parms->kind != PG_PDFO_DICT) {
        *err = fail("%s has /DecodeParms that are no dictionary; the file is damaged", what);
        return 0;
    }
    const pg_pdfo *pred = filter ? pg_pdfo_get(parms, "Predictor") : NULL;
    long long predictor = pred ? int_in(pred, 100) : 1;
    if (predictor != 1 && (predictor < 10 || predictor > 15)) {
        *err = fail("%s has a /Predictor plangen does not decode (only the PNG predictors, 10 to "
                    "15); qpdf --object-streams=disable IN OUT rewrites the file without it",
                    what);
        return 0;
    }
    const pg_pdfo *co = pg_pdfo_get(parms, "Columns"), *cl = pg_pdfo_get(parms, "Colors"),
                  *bp = pg_pdfo_get(parms, "BitsPerComponent");
    long long columns = co ? int_in(co, 1 << 20) : 1, colors = cl ? int_in(cl, 4) : 1;
    if (predictor != 1 && (columns < 1 || colors < 1 || (bp && int_in(bp, 8) != 8))) {
        *err = fail("%s has predictor parameters plangen does not decode (it reads /Columns 1 "
                    "to 1048576, /Colors 1 to 4, /BitsPerComponent 8); the file is damaged",
                    what);
        return 0;
    }
    size_t left = PG_PDF_MAX_DECODED_BYTES - p->inflated;
    size_t limit = left < PG_PDF_MAX_STREAM_BYTES ? left : PG_PDF_MAX_STREAM_BYTES;
    unsigned char *raw = NULL;
    size_t raw_len = 0;
    int rc = 1;
    if (!filter) {
        if (n <= limit) {
            raw = pg_xmalloc(n + 1);
            memcpy(raw, p->d + from, n);
            raw_len = n;
            rc = 0;
        }
    } else {
        rc = inflate_bytes(p->d + from, n, limit, &raw, &raw_len);
    }
    if (rc == 1 && limit == PG_PDF_MAX_STREAM_BYTES)
        *err = fail("%s decodes to more than %d MiB; plangen decodes at most that much of one "
                    "stream",
                    what, PG_PDF_MAX_STREAM_BYTES >> 20);
    else if (rc == 1)
        *err = fail("its streams decode to more than %d MiB in all (%s is the one over); plangen "
                    "decodes at most that much of one file",
                    PG_PDF_MAX_DECODED_BYTES >> 20, what);
    else if (rc == 2)
        *err = fail("%s holds damaged compressed data; the file is damaged", what);
    else if (rc == 3)
        *err = fail("%s ends before its compressed data does; the file is damaged", what);
    if (rc != 0)
        return 0;
    p->inflated += raw_len;
    if (predictor == 1) {
        *out = raw;
        *out_len = raw_len;
        return 1;
    }
    int ok = unpredict(raw, raw_len, (size_t)(columns * colors), (size_t)colors, what, out, out_len,
                       err);
    free(raw);
    return ok;
}

/* Reads the cross-reference stream at off into the entries of p->x that no
 * newer section set (or, for the /XRefStm of a hybrid file's table, that the
 * same section left free), marking them with section; returns its dictionary
 * (the trailer), or NULL with *err. */
static pg_pdfo *read_xref_stream(pg_pdf *p, size_t off, int section, int hybrid, char **err)
{
    char *what = g_strdup_printf(_("the cross-reference stream at byte %zu"), off);
    pg_pdfo *t = NULL, *result = NULL;
    unsigned char *data = NULL;
    size_t from = 0, n = 0, dlen = 0;
    if (!read_stream(p, off, -1, what, 0, &t, &from, &n, err))
        goto cleanup;
    if (!pg_pdfo_is_name(pg_pdfo_get(t, "Type"), "XRef")) {
        *err = fail("%s is no cross-reference stream (its /Type is not /XRef); the file is "
                    "damaged",
                    what);
        goto cleanup;
    }
    long long size = int_in(pg_pdfo_get(t, "Size"), PG_PDF_MAX_OBJECTS);
    if (size < 0) {
        *err = fail("%s has no valid /Size (0 to %d objects)", what, PG_PDF_MAX_OBJECTS);
        goto cleanup;
    }
    const pg_pdfo *wa = pg_pdfo_get(t, "W");
    if (!wa || wa->kind != PG_PDFO_ARRAY || wa->n != 3) {
        *err =
            fail("%s has no valid /W (an array of three field widths); the file is damaged", what);
        goto cleanup;
    }
    size_t w[3], ew = 0;
    for (int i = 0; i < 3; i++) {
        long long v = int_in(wa->items[i], 8);
        if (v < 0) {
            *err = fail("%s has a /W field that is no width of 0 to 8 bytes; plangen reads fields "
                        "of at most 8 bytes (the file is damaged)",
                        what);
            goto cleanup;
        }
        w[i] = (size_t)v;
        ew += w[i];
    }
    if (w[1] == 0) {
        *err = fail("%s has /W [%zu 0 %zu]: its entries give no offset; the file is damaged", what,
                    w[0], w[2]);
        goto cleanup;
    }
    const pg_pdfo *index = pg_pdfo_get(t, "Index");
    if (index && (index->kind != PG_PDFO_ARRAY || index->n % 2 != 0)) {
        *err = fail("%s has an /Index that is no array of pairs; the file is damaged", what);
        goto cleanup;
    }
    size_t pairs = index ? index->n / 2 : 1;
    long long entries = 0, top = 0; /* top: one more than the highest object listed */
    for (size_t i = 0; i < pairs; i++) {
        long long first = index ? int_in(index->items[2 * i], PG_PDF_MAX_OBJECTS) : 0;
        long long count = index ? int_in(index->items[2 * i + 1], PG_PDF_MAX_OBJECTS) : size;
        if (first < 0 || count < 0 || first + count > size) {
            *err = fail("%s has an /Index that names objects beyond its /Size %lld; the file is "
                        "damaged",
                        what, size);
            goto cleanup;
        }
        entries += count;
        top = first + count > top ? first + count : top;
    }
    if (!decode_stream(p, t, from, n, what, &data, &dlen, err))
        goto cleanup;
    if ((unsigned long long)entries > dlen / ew) {
        *err = fail("%s holds %zu bytes, too few for the %lld entries of %zu bytes its /Index "
                    "and /W name; the file is damaged",
                    what, dlen, entries, ew);
        goto cleanup;
    }
    grow_x(p, top);
    const unsigned char *e = data;
    for (size_t i = 0; i < pairs; i++) {
        long long first = index ? index->items[2 * i]->num : 0;
        long long count = index ? index->items[2 * i + 1]->num : size;
        for (long long k = 0; k < count; k++, e += ew) {
            unsigned long long f[3] = {w[0] ? 0 : 1, 0, 0};
            const unsigned char *q = e;
            for (int j = 0; j < 3; j++)
                for (size_t b = 0; b < w[j]; b++)
                    f[j] = (b ? f[j] << 8 : 0) | *q++;
            long long num = first + k;
            if (f[0] == 1 && (f[1] == 0 || f[1] >= p->len || f[2] > 65535)) {
                *err = fail("entry %lld of %s puts its object outside the file (byte %llu, "
                            "generation %llu); the file is damaged",
                            num, what, f[1], f[2]);
                goto cleanup;
            }
            if (f[0] == 2 &&
                (f[1] == 0 || f[1] >= PG_PDF_MAX_OBJECTS || f[2] >= PG_PDF_MAX_OBJECTS)) {
                *err = fail("entry %lld of %s puts its object in object stream %llu at index %llu, "
                            "which cannot be; the file is damaged",
                            num, what, f[1], f[2]);
                goto cleanup;
            }
            xentry *x = &p->x[num];
            if (x->set && !(hybrid && x->set == section && x->type == 0))
                continue;
            x->set = section;
            /* types other than 1 and 2 stand for the null object, as a free entry */
            x->type = f[0] == 1 || f[0] == 2 ? (unsigned char)f[0] : 0;
            if (x->type == 1) {
                x->off = (size_t)f[1];
                x->gen = (int)f[2];
            } else if (x->type == 2) {
                x->stm = (long long)f[1];
                x->idx = (int)f[2];
            }
        }
    }
    result = t;
cleanup:
    free(data);
    g_free(what);
    return result;
}

/* Decodes object stream num (once: it stays in p->x[num].os) and reads the
 * list of objects at its start. */
static objstm *load_objstm(pg_pdf *p, long long num, char **err)
{
    xentry *x = &p->x[num];
    if (x->os)
        return x->os;
    char *what = g_strdup_printf(_("object stream %lld"), num);
    objstm *os = NULL;
    unsigned char *data = NULL;
    size_t from = 0, n = 0, dlen = 0;
    pg_pdfo *dict = NULL;
    if (x->type != 1) {
        *err = fail("%s is no object of its own in the file (an object stream cannot lie in an "
                    "object stream); the file is damaged",
                    what);
        goto cleanup;
    }
    if (!read_stream(p, x->off, num, what, 1, &dict, &from, &n, err))
        goto cleanup;
    if (!pg_pdfo_is_name(pg_pdfo_get(dict, "Type"), "ObjStm")) {
        *err = fail("%s is no object stream (its /Type is not /ObjStm); the file is damaged", what);
        goto cleanup;
    }
    long long count = int_in(pg_pdfo_get(dict, "N"), PG_PDF_MAX_OBJECTS);
    long long first = int_in(pg_pdfo_get(dict, "First"), PG_PDF_MAX_STREAM_BYTES);
    if (count < 0 || first < 0) {
        *err = fail("%s has no valid /N (0 to %d objects) or /First; the file is damaged", what,
                    PG_PDF_MAX_OBJECTS);
        goto cleanup;
    }
    if (!decode_stream(p, dict, from, n, what, &data, &dlen, err))
        goto cleanup;
    /* each pair of numbers takes at least 4 bytes ("1 0 "), the last 3 */
    if ((size_t)first > dlen || (count > 0 && 4 * count - 1 > first)) {
        *err = fail("%s claims %lld objects listed in its first %lld bytes, which cannot hold "
                    "them (it has %zu bytes); the file is damaged",
                    what, count, first, dlen);
        goto cleanup;
    }
    os = pg_xcalloc(1, sizeof *os);
    os->nums = pg_xmalloc((size_t)count * sizeof *os->nums + 1);
    os->offs = pg_xmalloc((size_t)count * sizeof *os->offs + 1);
    lexer l = {p, data, 0, 0, (size_t)first};
    for (long long i = 0; i < count; i++) {
        skip_ws(&l);
        long long on = read_uint(&l);
        skip_ws(&l);
        long long oo = read_uint(&l);
        if (on < 0 || oo < 0 || (size_t)oo >= dlen - (size_t)first) {
            *err = fail("%s has a broken list of its objects (at entry %lld); the file is "
                        "damaged",
                        what, i);
            free(os->nums);
            free(os->offs);
            free(os);
            os = NULL;
            goto cleanup;
        }
        os->nums[i] = on;
        os->offs[i] = (size_t)oo;
    }
    os->data = data;
    data = NULL;
    os->len = dlen;
    os->first = (size_t)first;
    os->n = count;
    os->base = p->vnext;
    p->vnext += dlen + 1;
    g_ptr_array_add(p->stms, os);
    x->os = os;
cleanup:
    free(data);
    g_free(what);
    return os;
}

/* Decodes every object stream that the newest entries name, and checks that
 * each such entry is in its stream's list. */
static int load_objstms(pg_pdf *p, char **err)
{
    for (long long i = 1; i < p->nx; i++) {
        const xentry *x = &p->x[i];
        if (x->type != 2)
            continue;
        const xentry *sx = x->stm < p->nx ? &p->x[x->stm] : NULL;
        if (x->stm == i || (sx && sx->type == 2 && sx->stm == x->stm)) {
            *err = fail("object stream %lld is said to lie in itself; the file is damaged", x->stm);
            return 0;
        }
        if (x->stm >= p->nx) {
            *err = fail("object %lld is said to lie in object stream %lld, which the file does "
                        "not have; the file is damaged",
                        i, x->stm);
            return 0;
        }
        const objstm *os = load_objstm(p, x->stm, err);
        if (!os)
            return 0;
        if (x->idx >= os->n || os->nums[x->idx] != i) {
            *err = fail("object %lld is said to be number %lld of object stream %lld, which "
                        "does not list it there; the file is damaged",
                        i, (long long)x->idx, x->stm);
            return 0;
        }
    }
    return 1;
}

/* 1 when "num gen obj" starts at off. */
static int object_at(pg_pdf *p, size_t off)
{
    lexer l = {p, p->d, 0, off, p->len};
    long long num, gen;
    return read_obj_header(&l, &num, &gen);
}

pg_pdf *pg_pdf_open(const unsigned char *data, size_t len, char **err)
{
    return pg_pdf_open_with(data, len, 0, err);
}

pg_pdf *pg_pdf_open_with(const unsigned char *data, size_t len, unsigned flags, char **err)
{
    *err = NULL;
    if (len < 8 || memcmp(data, "%PDF-", 5) != 0) {
        *err = fail("it is no PDF (it does not start with %%PDF-)");
        return NULL;
    }
    int streams = (flags & PG_PDF_OPEN_STREAMS) != 0;
    pg_pdf *p = pg_xcalloc(1, sizeof *p);
    p->d = data;
    p->len = len;
    p->nodes = g_ptr_array_new();
    p->stms = g_ptr_array_new();
    p->vnext = len + 1;
    /* startxref within the last 1024 bytes */
    size_t from = len > 1024 ? len - 1024 : 0, at = (size_t)-1;
    for (size_t i = len - 9 + 1; i-- > from;)
        if (memcmp(data + i, "startxref", 9) == 0) {
            at = i;
            break;
        }
    lexer l = {p, data, 0, at + 9, len};
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
    /* the sections' offsets, each table's /XRefStm among them */
    size_t seen[2 * PG_PDF_MAX_SECTIONS];
    int nseen = 0;
    for (int k = 0;; k++) {
        if (k == PG_PDF_MAX_SECTIONS) {
            *err = fail("it has more than %d revisions; plangen reads at most that many",
                        PG_PDF_MAX_SECTIONS);
            goto bad;
        }
        for (int j = 0; j < nseen; j++)
            if (seen[j] == off) {
                *err =
                    fail("its cross-reference sections form a loop (/Prev); the file is damaged");
                goto bad;
            }
        seen[nseen++] = off;
        pg_pdfo *t = NULL;
        lexer at_off = {p, data, 0, off, len};
        if (at_word(&at_off, "xref")) {
            if (!(t = read_xref_table(p, off, k + 1, err)))
                goto bad;
            const pg_pdfo *xs = streams ? pg_pdfo_get(t, "XRefStm") : NULL;
            if (xs) {
                long long xo = int_in(xs, (long long)len - 1);
                for (int j = 0; j < nseen && xo >= 0; j++)
                    xo = seen[j] == (size_t)xo ? -1 : xo;
                if (xo < 0) {
                    *err = fail("the /XRefStm of the cross-reference table at byte %zu points "
                                "outside the file or at another section; the file is damaged",
                                off);
                    goto bad;
                }
                seen[nseen++] = (size_t)xo;
                if (!read_xref_stream(p, (size_t)xo, k + 1, 1, err))
                    goto bad;
            }
        } else if (streams && object_at(p, off)) {
            if (!(t = read_xref_stream(p, off, k + 1, 0, err)))
                goto bad;
            p->xref_stream |= k == 0;
        } else if (object_at(p, off)) {
            *err = fail("its cross-reference is a stream (compressed structure, PDF 1.5), "
                        "which plangen does not read yet; rewrite it with an "
                        "uncompressed table first: qpdf --object-streams=disable IN OUT");
            goto bad;
        } else {
            *err = fail("startxref points at byte %zu, where no cross-reference table starts; "
                        "the file is damaged (qpdf IN OUT may repair it)",
                        off);
            goto bad;
        }
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
    if (streams && !load_objstms(p, err))
        goto bad;
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
    for (guint i = 0; i < p->stms->len; i++) {
        objstm *os = g_ptr_array_index(p->stms, i);
        free(os->data);
        free(os->nums);
        free(os->offs);
        free(os);
    }
    g_ptr_array_free(p->stms, TRUE);
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

int pg_pdf_xref_is_stream(const pg_pdf *p)
{
    return p->xref_stream;
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
    if (num <= 0 || num >= p->nx || !p->x[num].type || p->x[num].loading)
        return NULL;
    xentry *x = &p->x[num];
    if (gen)
        *gen = x->type == 1 ? x->gen : 0;
    if (x->cached)
        return x->cached;
    lexer l = {p, p->d, 0, x->type == 1 ? x->off : 0, p->len};
    if (x->type == 2) {
        const objstm *os = x->stm < p->nx ? p->x[x->stm].os : NULL;
        if (!os || x->idx >= os->n)
            return NULL;
        l = (lexer){p, os->data, os->base, os->first + os->offs[x->idx], os->len};
    } else {
        long long n, g;
        if (!read_obj_header(&l, &n, &g) || n != num || g != x->gen)
            return NULL;
    }
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

const unsigned char *pg_pdf_raw(const pg_pdf *p, const pg_pdfo *o, size_t *n)
{
    *n = o->end - o->start;
    if (o->end <= p->len)
        return p->d + o->start;
    /* a value of a decoded object stream: the streams are in order of base */
    guint lo = 0, hi = p->stms->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const objstm *os = g_ptr_array_index(p->stms, mid);
        if (o->start < os->base)
            hi = mid;
        else if (o->start > os->base + os->len)
            lo = mid + 1;
        else
            return o->end <= os->base + os->len ? os->data + (o->start - os->base) : NULL;
    }
    *n = 0;
    return NULL;
}
