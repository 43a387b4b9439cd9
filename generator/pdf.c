/* pdf.c - plangen's own PDF writer, the only one: the display list written
 * straight as PDF objects, without a drawing library in between.
 *
 * Text is drawn from the display list's glyph runs: each run becomes a TJ
 * array of glyph ids with the small adjustments that put every glyph exactly
 * where layout placed it (justification widens the spaces). Fonts are embedded as subsets
 * made by harfbuzz (pdf_font.c, glyph ids kept) behind Identity-H: TrueType
 * outlines as CIDFontType2 (FontFile2), CFF outlines as CIDFontType0 (FontFile3
 * /OpenType), with a ToUnicode map built from the runs' clusters so that copying
 * and searching give back the Vietnamese text. A character the font lacks
 * (layout has reported it) is drawn as a stroked empty box, with the font's
 * space stretched under a marked-content span whose ActualText is the
 * character. Rules, braces, QR modules, images, footnote links, named
 * destinations, bookmarks and the document information complete the file.
 *
 * Every file is PDF/A-2 level B (ISO 19005-2): XMP metadata equal to the
 * document information, an sRGB output intent (the profile of Debian's
 * icc-profiles-free), /Lang, fonts embedded with ToUnicode maps, no .notdef
 * shown, no /Interpolate, printable links, the identifier derived from the
 * content. Level A, and PDF/UA-1 (ISO 14289-1) with it: the display list's
 * structure events become a structure tree in reading order, every painted
 * item is marked content of an element or an artifact (pdf_tags.c).
 *
 * Written for speed and reproducibility: one pass over the pages, numbers
 * formatted by hand (no locale, no printf in the hot path), streams deflated at
 * level 1 (libdeflate), the file identifier derived from the content. A font
 * without outlines plangen can embed (bitmaps only, CID-keyed CFF, CFF2) makes
 * pg_pdf_render() fail with a sentence naming it: there is no other path. */
#include "pdf.h"
#include "pdf_font.h"
#include "pdf_internal.h"
#include "pdf_tags.h"

#include "fonts.h"
#include "i18n.h"

#include <errno.h>
#include <unistd.h>
/* SHA256_Init and its kin: see reads.c for why not EVP */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <glib.h>
#include <hb-ot.h>
#include <hb.h>
#include <libdeflate.h>
#include <stdint.h>
#include <string.h>

/* ---- numbers and strings --------------------------------------------------------- */

/* Appends v with at most three decimals, trailing zeros dropped ("12.5", "-3", "0"). */
static void put_num(pg_buf *b, double v)
{
    char tmp[40];
    int n = 0;
    long long m = (long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5));
    int neg = m < 0;
    if (neg)
        m = -m;
    long long ip = m / 1000;
    int frac = (int)(m % 1000);
    char *p = tmp + sizeof tmp;
    if (frac) {
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    if (neg && m)
        *--p = '-';
    n = (int)(tmp + sizeof tmp - p);
    pg_buf_append(b, p, (size_t)n);
}

void pdf_put_ref(pg_buf *b, int lead, int n)
{
    if (lead)
        pg_buf_putc(b, ' ');
    pdf_put_int(b, n);
    pg_buf_puts(b, " 0 R");
}

void pdf_put_int(pg_buf *b, long long v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    int neg = v < 0;
    unsigned long long u = neg ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        *--p = '-';
    pg_buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

static const char hexdig[] = "0123456789ABCDEF";

static void put_hex4(pg_buf *b, unsigned v)
{
    char h[4] = {hexdig[v >> 12 & 15], hexdig[v >> 8 & 15], hexdig[v >> 4 & 15], hexdig[v & 15]};
    pg_buf_append(b, h, 4);
}

/* Appends a UTF-8 string as UTF-16BE hex digits (no brackets). */
static void put_utf16_hex(pg_buf *b, const char *s, gssize len)
{
    const char *end = len < 0 ? s + strlen(s) : s + len;
    while (s < end) {
        gunichar c = g_utf8_get_char_validated(s, end - s);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            c = 0xFFFD;
            s++;
        } else {
            s = g_utf8_next_char(s);
        }
        if (c >= 0x10000) {
            c -= 0x10000;
            put_hex4(b, 0xD800 + (c >> 10));
            put_hex4(b, 0xDC00 + (c & 0x3FF));
        } else {
            put_hex4(b, c);
        }
    }
}

/* A PDF text string: literal when printable ASCII, else UTF-16BE with a BOM. */
void pdf_put_text_string(pg_buf *b, const char *s)
{
    int ascii = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7E)
            ascii = 0;
    if (ascii) {
        pg_buf_putc(b, '(');
        for (const char *p = s; *p; p++) {
            if (*p == '(' || *p == ')' || *p == '\\')
                pg_buf_putc(b, '\\');
            pg_buf_putc(b, *p);
        }
        pg_buf_putc(b, ')');
    } else {
        pg_buf_puts(b, "<FEFF");
        put_utf16_hex(b, s, -1);
        pg_buf_putc(b, '>');
    }
}

/* An ISO 8601 instant ("2023-11-14T22:13:20Z", "...+07:00") in one of the two
 * forms a PDF holds it in: the Info's date string "(D:20231114221320Z)", or
 * the XMP's "2023-11-14T22:13:20Z". Returns 0, writing nothing, when iso is not
 * a date. */
static int put_date_form(pg_buf *b, const char *iso, int xmp)
{
    GDateTime *t = g_date_time_new_from_iso8601(iso, NULL);
    if (!t)
        return 0;
    char *s = g_date_time_format(t, xmp ? "%Y-%m-%dT%H:%M:%S" : "(D:%Y%m%d%H%M%S");
    int off = (int)(g_date_time_get_utc_offset(t) / G_TIME_SPAN_MINUTE);
    pg_buf_puts(b, s);
    if (off == 0)
        pg_buf_puts(b, xmp ? "Z" : "Z)");
    else
        pg_buf_printf(b, xmp ? "%c%02d:%02d" : "%c%02d'%02d')", off < 0 ? '-' : '+',
                      abs(off) / 60, abs(off) % 60);
    g_free(s);
    g_date_time_unref(t);
    return 1;
}

static int put_date(pg_buf *b, const char *iso)
{
    return put_date_form(b, iso, 0);
}

/* ---- the file --------------------------------------------------------------------- */

typedef struct {
    hb_face_t *face; /* a reference */
    pg_outlines kind;
    int res; /* /F<res> */
    unsigned upem, n_glyphs;
    hb_font_t *unit; /* at upem scale: advances in font units */
    double *width;   /* per glyph: advance in 1/1000 em as written in /W; < 0 unused */
    char **text;     /* per glyph: the UTF-8 text it stands for, or NULL */
    unsigned blank;  /* the space glyph, drawn for a missing character; 0: none */
} pdf_font;

typedef struct {
    int page;    /* 0-based */
    double x, y; /* PDF coordinates */
} dest_at;

/* Where the next byte goes, in the bytes written (spool, then out). */
static size_t pdf_pos(const pdfw *w)
{
    return w->spooled + w->out.len;
}

int pdf_new_obj(pdfw *w)
{
    if (w->among_pages) {
        if (w->n_among == w->cap_among) {
            w->cap_among = w->cap_among ? w->cap_among * 2 : 64;
            w->page_offset = g_renew(size_t, w->page_offset, (gsize)w->cap_among);
        }
        w->page_offset[w->n_among] = 0;
        return -1 - w->n_among++;
    }
    if (w->n_obj + 1 >= w->cap_obj) {
        w->cap_obj = w->cap_obj ? w->cap_obj * 2 : 64;
        w->offset = g_renew(size_t, w->offset, (gsize)w->cap_obj);
    }
    w->n_obj++;
    w->offset[w->n_obj] = 0;
    return w->n_obj;
}

int pdf_obj(const pdfw *w, int n)
{
    g_assert(n > 0 || w->after_pages > 0);
    return n > 0 ? n : w->after_pages + (-1 - n);
}

static void add_hole(pdfw *w, pdf_hole_kind kind, int v)
{
    if (w->n_holes == w->cap_holes) {
        w->cap_holes = w->cap_holes ? w->cap_holes * 2 : 256;
        w->holes = g_renew(pdf_hole, w->holes, w->cap_holes);
    }
    w->holes[w->n_holes++] = (pdf_hole){pdf_pos(w), kind, v};
}

void pdf_put_obj(pdfw *w, int n)
{
    if (n > 0 || w->after_pages > 0)
        pdf_put_int(&w->out, pdf_obj(w, n));
    else
        add_hole(w, PDF_HOLE_OBJECT, -1 - n);
}

void pdf_put_key(pdfw *w, int k)
{
    if (w->after_pages > 0)
        pdf_put_int(&w->out, w->n_pages + k);
    else
        add_hole(w, PDF_HOLE_KEY, k);
}

void pdf_begin_obj(pdfw *w, int n)
{
    if (n < 0) {
        w->page_offset[-1 - n] = pdf_pos(w);
    } else {
        if (n >= w->cap_obj) { /* a page object, numbered before it is made */
            w->cap_obj = n + 64;
            w->offset = g_renew(size_t, w->offset, (gsize)w->cap_obj);
        }
        w->offset[n] = pdf_pos(w);
    }
    pdf_put_obj(w, n);
    pg_buf_puts(&w->out, " 0 obj\n");
}

/* Bytes kept in memory before they go to the spool file: a quarter of a
 * megabyte, the pages of a plan of about twenty; a longer one is written
 * through the file. */
#define SPOOL_FROM (256 << 10)

/* Moves out's bytes to the spool, made when first needed (in TMPDIR, unlinked
 * at once). Returns 1, else 0 with w->error. */
static int spool_out(pdfw *w)
{
    if (w->error)
        return 0;
    if (!w->spooling) {
        char *name = NULL;
        GError *e = NULL;
        int fd = g_file_open_tmp("plangen-pdf-XXXXXX", &name, &e);
        if (fd < 0) {
            w->error = g_strdup_printf(_("cannot make a temporary file for the PDF: %s; set "
                                         "TMPDIR to a folder where files can be made"),
                                       e->message);
            w->spool_failed = 1;
            g_error_free(e);
            return 0;
        }
        unlink(name);
        g_free(name);
        w->spool_fd = fd;
        w->spooling = 1;
    }
    const char *s = w->out.s;
    size_t left = w->out.len;
    while (left > 0) {
        ssize_t k = write(w->spool_fd, s, left);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            w->error = g_strdup_printf(_("cannot write the temporary file of the PDF in TMPDIR "
                                         "(%s): %s; set TMPDIR to a folder with room"),
                                       g_get_tmp_dir(),
                                       k < 0 ? g_strerror(errno) : _("nothing was written"));
            w->spool_failed = 1;
            return 0;
        }
        s += k;
        left -= (size_t)k;
    }
    w->spooled += w->out.len;
    w->out.len = 0;
    return 1;
}

void pdf_end_obj(pdfw *w)
{
    pg_buf_puts(&w->out, "\nendobj\n");
    if (w->may_spool && w->out.len >= SPOOL_FROM)
        spool_out(w);
}

/* The compressor, made once per process: libdeflate at level 1 deflates a
 * plan's streams three times as fast as zlib at its fastest, and smaller
 * (measured: 1.2 ms and 80 KB against 3.4 ms and 84 KB for the Hưng Yên plan). */
static struct libdeflate_compressor *compressor;

/* Deflates len bytes of data (zlib format, as FlateDecode reads) into w->zbuf;
 * returns the compressed length. */
static size_t deflate_into(pdfw *w, const void *data, size_t len)
{
    if (!compressor && !(compressor = libdeflate_alloc_compressor(1)))
        pg_oom();
    size_t bound = libdeflate_zlib_compress_bound(compressor, len);
    if (w->zcap < bound) {
        w->zcap = bound;
        w->zbuf = g_realloc(w->zbuf, bound);
    }
    size_t zlen = libdeflate_zlib_compress(compressor, data, len, w->zbuf, bound);
    if (!zlen)
        pg_oom(); /* cannot happen with the bound's room */
    return zlen;
}

/* Writes object n as a stream of zlen deflated bytes; extra goes into its
 * dictionary. */
static void put_deflated(pdfw *w, int n, const void *z, size_t zlen, const char *extra)
{
    pdf_begin_obj(w, n);
    pg_buf_puts(&w->out, "<< /Length ");
    pdf_put_int(&w->out, (long long)zlen);
    pg_buf_puts(&w->out, " /Filter /FlateDecode");
    if (extra) {
        pg_buf_putc(&w->out, ' ');
        pg_buf_puts(&w->out, extra);
    }
    pg_buf_puts(&w->out, " >>\nstream\n");
    pg_buf_append(&w->out, z, zlen);
    pg_buf_puts(&w->out, "\nendstream");
    pdf_end_obj(w);
}

static void put_stream(pdfw *w, int n, const void *data, size_t len, const char *extra)
{
    size_t zlen = deflate_into(w, data, len);
    put_deflated(w, n, w->zbuf, zlen, extra);
}

/* ---- streams kept across the plans of a process ------------------------------------ */

/* Page contents and ToUnicode maps recur between plans of one batch (the pages a
 * variant shares with the plan it came from, the maps of plans with the same
 * glyphs): each distinct stream is deflated once. Entries are replaced in turn. */
typedef struct {
    guint64 hash;
    char *raw; /* NULL: free slot */
    size_t len;
    unsigned char *z;
    size_t zlen;
} stream_entry;

#define PG_STREAM_CACHE 32
static stream_entry stream_cache[PG_STREAM_CACHE];
static int stream_cache_next;

static void forget_streams(void)
{
    for (int i = 0; i < PG_STREAM_CACHE; i++) {
        g_free(stream_cache[i].raw);
        g_free(stream_cache[i].z);
        stream_cache[i] = (stream_entry){0};
    }
    stream_cache_next = 0;
}

/* put_stream() through the cache. */
static void put_stream_cached(pdfw *w, int n, const void *data, size_t len)
{
    guint64 h = pg_hash_bytes(data, len);
    for (int i = 0; i < PG_STREAM_CACHE; i++) {
        const stream_entry *e = &stream_cache[i];
        if (e->raw && e->hash == h && e->len == len && memcmp(e->raw, data, len) == 0) {
            put_deflated(w, n, e->z, e->zlen, NULL);
            return;
        }
    }
    size_t zlen = deflate_into(w, data, len);
    stream_entry *e = &stream_cache[stream_cache_next];
    stream_cache_next = (stream_cache_next + 1) % PG_STREAM_CACHE;
    g_free(e->raw);
    g_free(e->z);
    e->hash = h;
    e->raw = g_memdup2(data, len ? len : 1);
    e->len = len;
    e->z = g_memdup2(w->zbuf, zlen);
    e->zlen = zlen;
    put_deflated(w, n, e->z, e->zlen, NULL);
}

/* ---- font programs, kept across the plans of a process ----------------------------- */

/* The same font file with the same glyphs always gives the same subset bytes, so
 * a batch subsets and deflates each of them once (a plan and its variants, plans
 * of one office, share their glyphs). An entry's key is everything the bytes
 * depend on: the digest and length of the font file's bytes, the face's index
 * in it (a collection), and the exact set of glyphs; an entry is never changed
 * once stored. The face reference only saves hashing the file again while layout
 * keeps the same face (its bytes cannot change while it is referenced). */
typedef struct {
    hb_face_t *face;     /* a reference, for the digest's shortcut only */
    guint64 digest;      /* of the font file's bytes */
    unsigned char *used; /* glyph bitmap */
    size_t used_len;
    unsigned char *z; /* the deflated program */
    size_t zlen;
    unsigned file_len, index;
    guint32 hash;
    unsigned raw_len;
} subset_entry;

#define PG_SUBSET_CACHE 64
static subset_entry subset_cache[PG_SUBSET_CACHE];
static int subset_cache_n;

static void forget_subsets(void)
{
    for (int i = 0; i < subset_cache_n; i++) {
        hb_face_destroy(subset_cache[i].face);
        g_free(subset_cache[i].used);
        g_free(subset_cache[i].z);
    }
    subset_cache_n = 0;
}

/* The output intent's profile deflated, read once per process and never changed
 * (the file belongs to a Debian package: it changes only with the package). */
static unsigned char *srgb_z;
static size_t srgb_zlen;
static char *srgb_path; /* the file srgb_z was read from */

void pg_pdf_forget(void)
{
    g_free(srgb_z);
    srgb_z = NULL;
    srgb_zlen = 0;
    g_free(srgb_path);
    srgb_path = NULL;
    forget_subsets();
    forget_streams();
    libdeflate_free_compressor(compressor);
    compressor = NULL;
}

/* The digest and length of the bytes face was made from; 0 when harfbuzz does
 * not hold them as one blob (then nothing is cached for it). */
static int face_digest(hb_face_t *face, guint64 *digest, unsigned *len)
{
    for (int i = 0; i < subset_cache_n; i++)
        if (subset_cache[i].face == face) {
            *digest = subset_cache[i].digest;
            *len = subset_cache[i].file_len;
            return 1;
        }
    hb_blob_t *blob = hb_face_reference_blob(face);
    unsigned n = 0;
    const char *data = hb_blob_get_data(blob, &n);
    *len = n;
    *digest = n ? pg_hash_bytes(data, n) : 0;
    hb_blob_destroy(blob);
    return n > 0;
}

static const subset_entry *subset_lookup(guint64 digest, unsigned file_len, unsigned index,
                                         const unsigned char *used, size_t used_len, guint32 hash)
{
    for (int i = 0; i < subset_cache_n; i++) {
        const subset_entry *e = &subset_cache[i];
        if (e->digest == digest && e->file_len == file_len && e->index == index &&
            e->hash == hash && e->used_len == used_len && memcmp(e->used, used, used_len) == 0)
            return e;
    }
    return NULL;
}

static const subset_entry *subset_store(hb_face_t *face, guint64 digest, unsigned file_len,
                                        const unsigned char *used, size_t used_len, guint32 hash,
                                        const void *z, size_t zlen, unsigned raw_len)
{
    if (subset_cache_n == PG_SUBSET_CACHE)
        forget_subsets();
    subset_entry *e = &subset_cache[subset_cache_n++];
    e->face = hb_face_reference(face);
    e->digest = digest;
    e->file_len = file_len;
    e->index = hb_face_get_index(face);
    e->used = g_memdup2(used, used_len);
    e->used_len = used_len;
    e->hash = hash;
    e->z = g_memdup2(z, zlen);
    e->zlen = zlen;
    e->raw_len = raw_len;
    return e;
}

/* ---- fonts -------------------------------------------------------------------------- */

static void free_font(pdf_font *f)
{
    for (unsigned g = 0; g < f->n_glyphs; g++)
        g_free(f->text[g]);
    g_free(f->text);
    g_free(f->width);
    hb_font_destroy(f->unit);
    hb_face_destroy(f->face);
    g_free(f);
}

/* The font record of a harfbuzz face (named name in a message), NULL when it
 * cannot be embedded here. */
static pdf_font *use_hb_face(pdfw *w, hb_face_t *face, const char *name)
{
    pdf_font *f = g_hash_table_lookup(w->by_face, face);
    if (f)
        return f;
    const char *why = NULL;
    pg_outlines kind = pg_font_outlines(face, &why);
    if (kind == PG_OUTLINES_NONE) {
        w->error = g_strdup_printf(_("cannot embed the font \"%s\": %s"), name, _(why));
        return NULL;
    }
    f = g_new0(pdf_font, 1);
    f->face = hb_face_reference(face);
    f->kind = kind;
    f->res = (int)w->fonts->len + 1;
    f->upem = hb_face_get_upem(face);
    f->n_glyphs = hb_face_get_glyph_count(face);
    f->unit = hb_font_create(face);
    f->width = g_new(double, f->n_glyphs ? f->n_glyphs : 1);
    for (unsigned g = 0; g < f->n_glyphs; g++)
        f->width[g] = -1;
    f->text = g_new0(char *, f->n_glyphs ? f->n_glyphs : 1);
    hb_codepoint_t space = 0;
    if (hb_font_get_nominal_glyph(f->unit, ' ', &space) && space < f->n_glyphs)
        f->blank = space;
    g_ptr_array_add(w->fonts, f);
    g_hash_table_insert(w->by_face, face, f);
    return f;
}

/* The font record of a face of the display list, NULL when it cannot be
 * embedded here. */
static pdf_font *use_font(pdfw *w, const pg_face *pf)
{
    return use_hb_face(w, pg_face_hb(pf), pg_face_name(pf));
}

/* The advance of glyph g in 1/1000 em, as written in /W (rounded to 0.001). */
static double glyph_width(pdf_font *f, unsigned g)
{
    if (f->width[g] < 0) {
        double v = hb_font_get_glyph_h_advance(f->unit, g) * 1000.0 / f->upem;
        f->width[g] = (double)(long long)(v * 1000.0 + 0.5) / 1000.0;
    }
    return f->width[g];
}

/* The PostScript name of a face, with characters PDF names cannot hold dropped. */
static char *ps_name(hb_face_t *face)
{
    char buf[128];
    unsigned len = sizeof buf;
    if (!hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, buf))
        snprintf(buf, sizeof buf, "Font");
    GString *s = g_string_new(NULL);
    for (const char *p = buf; *p; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_')
            g_string_append_c(s, *p);
    if (!s->len)
        g_string_append(s, "Font");
    return g_string_free(s, FALSE);
}

/* Writes one font: subset program, descriptor, widths, ToUnicode, Type0 dict. */
static int put_font(pdfw *w, pdf_font *f, int type0)
{
    /* the used glyphs (and .notdef) as a bitmap; FNV-1a over them names the subset */
    size_t used_len = (f->n_glyphs + 7) / 8;
    unsigned char *used = g_malloc0(used_len ? used_len : 1);
    guint32 h = 2166136261u;
    for (unsigned g = 0; g < f->n_glyphs; g++)
        if (g == 0 || f->width[g] >= 0) {
            used[g / 8] |= (unsigned char)(1u << (g % 8));
            h = (h ^ g) * 16777619u;
        }
    guint64 digest = 0;
    unsigned file_len = 0;
    int cacheable = face_digest(f->face, &digest, &file_len);
    const subset_entry *prog =
        cacheable ? subset_lookup(digest, file_len, hb_face_get_index(f->face), used, used_len, h)
                  : NULL;
    subset_entry fresh = {0};
    if (!prog) {
        hb_set_t *glyphs = hb_set_create();
        for (unsigned g = 0; g < f->n_glyphs; g++)
            if (used[g / 8] >> (g % 8) & 1)
                hb_set_add(glyphs, g);
        hb_blob_t *sub = pg_font_subset(f->face, glyphs);
        hb_set_destroy(glyphs);
        if (!sub) {
            char *ps = ps_name(f->face);
            w->error =
                g_strdup_printf(_("cannot embed the font \"%s\": harfbuzz cannot subset it"), ps);
            g_free(ps);
            g_free(used);
            return 0;
        }
        unsigned blen = 0;
        const char *bdata = hb_blob_get_data(sub, &blen);
        size_t zlen = deflate_into(w, bdata, blen);
        if (cacheable) {
            prog = subset_store(f->face, digest, file_len, used, used_len, h, w->zbuf, zlen, blen);
        } else {
            fresh.z = g_memdup2(w->zbuf, zlen);
            fresh.zlen = zlen;
            fresh.raw_len = blen;
            prog = &fresh;
        }
        hb_blob_destroy(sub);
    }
    g_free(used);

    char tag[8];
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '+';
    tag[7] = 0;
    char *name = ps_name(f->face);

    /* font-wide metrics in 1/1000 em */
    double k = 1000.0 / f->upem;
    double bbox[4] = {0, -200, 1000, 900}, italic = 0;
    int box[4];
    if (pg_font_bbox(f->face, box))
        for (int i = 0; i < 4; i++)
            bbox[i] = box[i] * k;
    italic = hb_style_get_value(f->unit, HB_STYLE_TAG_SLANT_ANGLE);
    hb_position_t asc = 0, desc = 0, cap = 0;
    hb_ot_metrics_get_position(f->unit, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &asc);
    hb_ot_metrics_get_position(f->unit, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &desc);
    if (!hb_ot_metrics_get_position(f->unit, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap))
        cap = asc;

    int truetype = f->kind == PG_OUTLINES_TRUETYPE;
    int o_cid = pdf_new_obj(w), o_desc = pdf_new_obj(w), o_file = pdf_new_obj(w),
        o_tu = pdf_new_obj(w);
    pg_buf *b = &w->out;

    pdf_begin_obj(w, type0);
    pg_buf_printf(b,
                  "<< /Type /Font /Subtype /Type0 /BaseFont /%s%s /Encoding /Identity-H "
                  "/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
                  tag, name, o_cid, o_tu);
    pdf_end_obj(w);

    pdf_begin_obj(w, o_cid);
    pg_buf_printf(b,
                  "<< /Type /Font /Subtype /CIDFontType%d /BaseFont /%s%s /CIDSystemInfo "
                  "<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                  "/FontDescriptor %d 0 R%s /DW 0 /W [",
                  truetype ? 2 : 0, tag, name, o_desc, truetype ? " /CIDToGIDMap /Identity" : "");
    for (unsigned g = 0; g < f->n_glyphs;) {
        if (f->width[g] < 0) {
            g++;
            continue;
        }
        pdf_put_int(b, g);
        pg_buf_puts(b, " [");
        unsigned e = g;
        for (; e < f->n_glyphs && f->width[e] >= 0; e++) {
            if (e != g)
                pg_buf_putc(b, ' ');
            put_num(b, f->width[e]);
        }
        pg_buf_puts(b, "] ");
        g = e;
    }
    pg_buf_puts(b, "] >>");
    pdf_end_obj(w);

    pdf_begin_obj(w, o_desc);
    pg_buf_printf(b, "<< /Type /FontDescriptor /FontName /%s%s /Flags %d /FontBBox [", tag, name,
                  32 | (italic != 0 ? 64 : 0));
    for (int i = 0; i < 4; i++) {
        if (i)
            pg_buf_putc(b, ' ');
        put_num(b, bbox[i]);
    }
    pg_buf_puts(b, "] /ItalicAngle ");
    put_num(b, italic);
    pg_buf_puts(b, " /Ascent ");
    put_num(b, asc * k);
    pg_buf_puts(b, " /Descent ");
    put_num(b, desc * k);
    pg_buf_puts(b, " /CapHeight ");
    put_num(b, cap * k);
    pg_buf_printf(b, " /StemV 80 /FontFile%d %d 0 R >>", truetype ? 2 : 3, o_file);
    pdf_end_obj(w);

    char extra[40];
    if (truetype)
        snprintf(extra, sizeof extra, "/Length1 %u", prog->raw_len);
    else /* the whole OpenType font, CFF table and all: glyph ids are the CIDs */
        snprintf(extra, sizeof extra, "/Subtype /OpenType");
    put_deflated(w, o_file, prog->z, prog->zlen, extra);
    g_free(fresh.z);

    pg_buf cm = {0};
    pg_buf_puts(&cm, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    unsigned g = 0;
    for (;;) {
        unsigned batch[100], n = 0;
        for (; g < f->n_glyphs && n < 100; g++)
            if (f->text[g])
                batch[n++] = g;
        if (!n)
            break;
        pdf_put_int(&cm, n);
        pg_buf_puts(&cm, " beginbfchar\n");
        for (unsigned i = 0; i < n; i++) {
            pg_buf_putc(&cm, '<');
            put_hex4(&cm, batch[i]);
            pg_buf_puts(&cm, "> <");
            put_utf16_hex(&cm, f->text[batch[i]], -1);
            pg_buf_puts(&cm, ">\n");
        }
        pg_buf_puts(&cm, "endbfchar\n");
    }
    pg_buf_puts(&cm, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    put_stream_cached(w, o_tu, cm.s, cm.len);
    pg_buf_free(&cm);
    g_free(name);
    return 1;
}

/* ---- page content ----------------------------------------------------------------- */

typedef struct {
    pg_buf c;        /* the content stream */
    double H;        /* page height */
    unsigned fill;   /* current fill colour */
    unsigned stroke; /* current stroke colour */
    GArray *links;   /* the page's annotations: their object numbers (int) */
    const pg_page *pg;
    pdf_tags *st; /* the structure tree being built */
    int page;     /* 0-based */
    int mc;       /* the open marked-content sequence's element, MC_ARTIFACT or MC_NONE */
    int split_to; /* >= 0: the element the current line goes on in from byte split_at */
    unsigned split_at;
    int page_obj;            /* the page's object number */
    GArray *fields;          /* the signature fields of the pages so far: object numbers */
    GHashTable *field_names; /* the names given (owned) */
} pagew;

/* Sets the colour *cur to rgb with op ("rg" fill, "RG" stroke) unless it is so. */
static void set_colour(pg_buf *c, unsigned *cur, unsigned rgb, const char *op)
{
    if (*cur == rgb)
        return;
    *cur = rgb;
    for (int shift = 16; shift >= 0; shift -= 8) {
        put_num(c, (rgb >> shift & 0xFF) / 255.0);
        pg_buf_putc(c, ' ');
    }
    pg_buf_puts(c, op);
    pg_buf_putc(c, '\n');
}

static void set_fill(pagew *p, unsigned rgb)
{
    set_colour(&p->c, &p->fill, rgb, "rg");
}

static void set_stroke(pagew *p, unsigned rgb)
{
    set_colour(&p->c, &p->stroke, rgb, "RG");
}

/* x y w h re f, from top-left coordinates */
static void fill_rect(pagew *p, double x, double y, double w, double h)
{
    put_num(&p->c, x);
    pg_buf_putc(&p->c, ' ');
    put_num(&p->c, p->H - y - h);
    pg_buf_putc(&p->c, ' ');
    put_num(&p->c, w);
    pg_buf_putc(&p->c, ' ');
    put_num(&p->c, h);
    pg_buf_puts(&p->c, " re f\n");
}

static void put_xy(pagew *p, double x, double y, const char *op)
{
    put_num(&p->c, x);
    pg_buf_putc(&p->c, ' ');
    put_num(&p->c, p->H - y);
    pg_buf_putc(&p->c, ' ');
    pg_buf_puts(&p->c, op);
}

static void curve(pagew *p, double x1, double y1, double x2, double y2, double x3, double y3)
{
    put_xy(p, x1, y1, "");
    put_xy(p, x2, y2, "");
    put_xy(p, x3, y3, "c\n");
}

/* Strokes a path whose segments are relative to (x, y). */
static void put_path(pagew *p, double x, double y, const pg_path *path)
{
    put_num(&p->c, path->line_width);
    pg_buf_puts(&p->c, " w\n");
    for (size_t i = 0; i < path->n; i++) {
        const pg_seg *s = &path->seg[i];
        switch (s->kind) {
        case PG_SEG_MOVE:
            put_xy(p, x + s->x[0], y + s->y[0], "m\n");
            break;
        case PG_SEG_LINE:
            put_xy(p, x + s->x[0], y + s->y[0], "l\n");
            break;
        case PG_SEG_CURVE:
            curve(p, x + s->x[0], y + s->y[0], x + s->x[1], y + s->y[1], x + s->x[2], y + s->y[2]);
            break;
        }
    }
    pg_buf_puts(&p->c, "S\n");
}

/* Appends a glyph id as the two bytes of an Identity-H code inside a literal
 * string (half the size of hex): the bytes PDF reads specially are escaped. */
static void put_code(pg_buf *b, unsigned gid)
{
    char out[4];
    int n = 0;
    unsigned char bytes[2] = {(unsigned char)(gid >> 8), (unsigned char)gid};
    for (int i = 0; i < 2; i++) {
        unsigned char c = bytes[i];
        if (c == '(' || c == ')' || c == '\\')
            out[n++] = '\\';
        else if (c == '\r') {
            out[n++] = '\\';
            c = 'r';
        }
        out[n++] = (char)c;
    }
    pg_buf_append(b, out, (size_t)n);
}

typedef struct {
    pagew *p;
    pdf_font *cur;   /* font selected in this BT */
    double cur_size; /* pt */
    int in_tj;       /* inside "[ ... ] TJ" */
    int in_str;      /* inside "(...)" of a TJ */
    double pen;      /* where the PDF reader will draw the next glyph (pt, x) */
    double line_y;   /* baseline of the current Tm (top-left coordinates) */
} textw;

static void tj_close(textw *t)
{
    if (t->in_str)
        pg_buf_putc(&t->p->c, ')');
    if (t->in_tj)
        pg_buf_puts(&t->p->c, "] TJ\n");
    t->in_str = t->in_tj = 0;
}

/* Moves the text position to (x, y) (top-left coordinates) with a new Tm. */
static void text_at(textw *t, double x, double y)
{
    tj_close(t);
    pg_buf_puts(&t->p->c, "1 0 0 1 ");
    put_xy(t->p, x, y, "Tm\n");
    t->pen = x;
    t->line_y = y;
}

/* Records the text of glyph g (the first text seen for it wins). */
static void glyph_text(pdf_font *f, unsigned g, const char *s, int len)
{
    if (!f->text[g] && len > 0)
        f->text[g] = g_strndup(s, (gsize)len);
}

/* Draws one line of glyph runs. Returns 0, with w->error set, when it holds a
 * font plangen cannot embed. */
static int show_line(pdfw *w, pagew *p, const pg_item *it)
{
    const pg_text *tx = it->text;
    if (!tx)
        return 1;
    const char *text = tx->text;
    set_fill(p, it->color);
    textw t = {.p = p};
    int began = 0;
    unsigned drawn = 0; /* bytes of the line's text the glyphs shown cover */
    GArray *boxes = g_array_new(FALSE, FALSE, sizeof(pg_box)); /* missing characters' boxes */
    for (size_t r = 0; r < tx->n_runs; r++) {
        const pg_glyph_run *run = &tx->runs[r];
        pdf_font *font = use_font(w, run->face);
        if (!font) {
            g_array_free(boxes, TRUE);
            return 0;
        }
        double size = run->size;
        for (size_t i = 0; i < run->n; i++) {
            const pg_glyph *g = &tx->glyphs[run->first + i];
            double gx = it->x + g->x, gy = it->y + g->y;
            if (p->split_to >= 0 && g->text >= p->split_at) {
                /* a list item's label ends here: its Lbl's sequence closes
                 * outside the text object, and the LBody's opens */
                tj_close(&t);
                if (began)
                    pg_buf_puts(&p->c, "ET\n");
                began = 0;
                pdf_tags_mark(p->st, &p->c, p->page, &p->mc, p->split_to);
                p->split_to = -1;
            }
            /* a character the font lacks (layout has reported it): a box, with
             * the character as its ActualText */
            int missing = g->notdef || g->id >= font->n_glyphs;
            unsigned gid = missing ? 0 : g->id;
            if (!began) {
                pg_buf_puts(&p->c, "BT\n");
                began = 1;
            }
            if (missing) {
                tj_close(&t);
                /* one span per glyph; the cluster's first glyph carries its text */
                pg_buf_puts(&p->c, "/Span << /ActualText <FEFF");
                put_utf16_hex(&p->c, text + g->text, g->text_len);
                pg_buf_puts(&p->c, "> >> BDC\n");
            }
            if (t.cur != font || t.cur_size != size) {
                tj_close(&t);
                pg_buf_puts(&p->c, "/F");
                pdf_put_int(&p->c, font->res);
                pg_buf_putc(&p->c, ' ');
                put_num(&p->c, size);
                pg_buf_puts(&p->c, " Tf\n");
                t.cur = font;
                t.cur_size = size;
                text_at(&t, gx, gy);
            } else if (missing || gy != t.line_y || !t.in_tj) {
                text_at(&t, gx, gy);
            }
            double diff = gx - t.pen;
            if (!t.in_tj) {
                pg_buf_putc(&p->c, '[');
                t.in_tj = 1;
            }
            if (diff > 0.005 || diff < -0.005) {
                double adj = -diff * 1000.0 / size;
                adj = (double)(long long)(adj * 1000.0 + (adj < 0 ? -0.5 : 0.5)) / 1000.0;
                if (t.in_str) {
                    pg_buf_putc(&p->c, ')');
                    t.in_str = 0;
                }
                pg_buf_putc(&p->c, ' ');
                put_num(&p->c, adj);
                pg_buf_putc(&p->c, ' ');
                t.pen -= adj * size / 1000.0;
            }
            if (!t.in_str) {
                pg_buf_putc(&p->c, '(');
                t.in_str = 1;
            }
            if (missing) {
                /* PDF/A forbids showing .notdef: the font's blank (its space,
                 * stretched over the room layout gave the character) carries
                 * the ActualText, and an empty box is stroked over that room
                 * after the text object, so that no reader sees a gap there */
                double room = g->advance; /* pt */
                double own = font->blank ? glyph_width(font, font->blank) * size / 1000.0 : 0;
                if (own > 0.001 && room > 0.001) {
                    tj_close(&t);
                    put_num(&p->c, 100.0 * room / own);
                    pg_buf_puts(&p->c, " Tz\n[(");
                    t.in_tj = t.in_str = 1;
                    put_code(&p->c, font->blank);
                    glyph_text(font, font->blank, " ", 1);
                    tj_close(&t);
                    pg_buf_puts(&p->c, "100 Tz\n");
                    t.pen += room;
                }
                tj_close(&t);
                pg_buf_puts(&p->c, "EMC\n");
                if (room > 0.001) {
                    pg_box box = {gx + 0.1 * size, gy - 0.7 * size, room - 0.2 * size, 0.7 * size};
                    if (box.w < 0.1 * size) {
                        box.x = gx;
                        box.w = room;
                    }
                    g_array_append_val(boxes, box);
                }
                continue;
            }
            put_code(&p->c, gid);
            t.pen += glyph_width(font, gid) * size / 1000.0;
            if (g->text_len)
                glyph_text(font, gid, text + g->text, (int)g->text_len);
            if (g->text + g->text_len > drawn)
                drawn = g->text + g->text_len;
        }
    }
    if (began && t.in_str && t.cur && t.cur->blank && drawn < tx->text_len &&
        (text[drawn] == ' ' || text[drawn] == '\t')) {
        /* the space that ends a wrapped line is shown too (a blank glyph past
         * the last one, where nothing follows): text extraction and the tags'
         * text then keep the words of two lines apart */
        put_code(&p->c, t.cur->blank);
        glyph_text(t.cur, t.cur->blank, " ", 1);
    }
    tj_close(&t);
    if (began)
        pg_buf_puts(&p->c, "ET\n");
    if (boxes->len) {
        set_stroke(p, it->color);
        put_num(&p->c, tx->runs[0].size / 20.0);
        pg_buf_puts(&p->c, " w\n");
        for (guint k = 0; k < boxes->len; k++) {
            const pg_box *b = &g_array_index(boxes, pg_box, k);
            put_num(&p->c, b->x);
            pg_buf_putc(&p->c, ' ');
            put_num(&p->c, p->H - b->y - b->h);
            pg_buf_putc(&p->c, ' ');
            put_num(&p->c, b->w);
            pg_buf_putc(&p->c, ' ');
            put_num(&p->c, b->h);
            pg_buf_puts(&p->c, " re S\n");
        }
    }
    g_array_free(boxes, TRUE);
    for (size_t u = 0; u < tx->n_underlines; u++) {
        const pg_box *b = &tx->underlines[u];
        fill_rect(p, it->x + b->x, it->y + b->y, b->w, b->h);
    }
    return 1;
}

static int image_index(pdfw *w, pg_image *img)
{
    for (guint i = 0; i < w->images->len; i++)
        if (w->images->pdata[i] == img)
            return (int)i + 1;
    img->refs++; /* the page that shows it may go before the image is written */
    g_ptr_array_add(w->images, img);
    return (int)w->images->len;
}

/* ---- signature fields -------------------------------------------------------------- */

/* What a signature field is for, as a reader reads it out (/TU). */
static const char *field_description(const char *name)
{
    if (!strcmp(name, "signer"))
        return "Chữ ký số của người ký";
    if (!strcmp(name, "organisation"))
        return "Chữ ký số của cơ quan, tổ chức";
    if (!strcmp(name, "organisation-line"))
        return "Chữ ký số của cơ quan, tổ chức trên phụ lục (số, ký hiệu, thời gian ký)";
    return "Chữ ký số";
}

/* An annotation's /Rect: the item's box in the page's user space (origin at
 * the bottom left), as "x1 y1 x2 y2". */
static void put_item_rect(pg_buf *b, const pagew *p, const pg_item *it)
{
    put_num(b, it->x);
    pg_buf_putc(b, ' ');
    put_num(b, p->H - it->y - it->h);
    pg_buf_putc(b, ' ');
    put_num(b, it->x + it->w);
    pg_buf_putc(b, ' ');
    put_num(b, p->H - it->y);
}

/* A FIELD item: an unsigned signature field, its widget merged into it, over
 * the item's box; its appearance an empty form (what shows there is the page's
 * own drawing until `plangen sign` fills it), a Form element of the structure
 * holding it. A name given twice in a document keeps its first place. */
static void put_field(pdfw *w, pagew *p, int page_no, const pg_item *it)
{
    if (!it->label[0] || !(it->w > 0) || !(it->h > 0) ||
        g_hash_table_contains(p->field_names, it->label))
        return;
    g_hash_table_add(p->field_names, g_strdup(it->label));
    int obj = pdf_new_obj(w), ap = pdf_new_obj(w);
    int key = pdf_tags_field(p->st, page_no, obj);
    g_array_append_val(p->links, obj);
    g_array_append_val(p->fields, obj);
    pg_buf *b = &w->out;
    pdf_begin_obj(w, obj);
    pg_buf_puts(b, "<< /FT /Sig /T ");
    pdf_put_text_string(b, it->label);
    pg_buf_puts(b, " /TU ");
    pdf_put_text_string(b, field_description(it->label));
    pg_buf_puts(b, " /Type /Annot /Subtype /Widget /F 4 /Rect [");
    put_item_rect(b, p, it);
    pg_buf_printf(b, "] /P %d 0 R /AP << /N ", p->page_obj);
    pdf_put_obj(w, ap);
    pg_buf_puts(b, " 0 R >>");
    if (key >= 0) {
        pg_buf_puts(b, " /StructParent ");
        pdf_put_key(w, key);
    }
    pg_buf_puts(b, " >>");
    pdf_end_obj(w);
    pdf_begin_obj(w, ap);
    pg_buf_puts(b, "<< /Type /XObject /Subtype /Form /BBox [0 0 ");
    put_num(b, it->w);
    pg_buf_putc(b, ' ');
    put_num(b, it->h);
    pg_buf_puts(b, "] /Resources << >> /Length 0 >>\nstream\n\nendstream");
    pdf_end_obj(w);
}

static int put_item(pdfw *w, pagew *p, int page_no, const pg_item *it)
{
    if (it->kind <= PG_ITEM_IMAGE && p->st) {
        int lbl;
        unsigned split;
        int target = pdf_tags_target(p->st, p->pg, page_no, it, &lbl, &split);
        pdf_tags_mark(p->st, &p->c, page_no, &p->mc, lbl >= 0 ? lbl : target);
        if (lbl >= 0) {
            p->split_to = target;
            p->split_at = split;
        }
    }
    switch (it->kind) {
    case PG_ITEM_TEXT: {
        int ok = show_line(w, p, it);
        p->split_to = -1;
        return ok;
    }
    case PG_ITEM_RULE:
    case PG_ITEM_RECT:
        set_fill(p, it->color);
        fill_rect(p, it->x, it->y, it->w, it->h);
        break;
    case PG_ITEM_PATH:
        if (it->path) {
            set_stroke(p, it->color);
            put_path(p, it->x, it->y, it->path);
        }
        break;
    case PG_ITEM_BEGIN:
        if (p->st)
            pdf_tags_begin(p->st, it);
        break;
    case PG_ITEM_END:
        if (p->st)
            pdf_tags_end(p->st, it);
        break;
    case PG_ITEM_IMAGE: {
        pg_image *img = it->image;
        if (!img || img->w <= 0 || img->h <= 0)
            break;
        int n = image_index(w, img);
        pg_buf_puts(&p->c, "q ");
        put_num(&p->c, it->w);
        pg_buf_puts(&p->c, " 0 0 ");
        put_num(&p->c, it->h);
        pg_buf_putc(&p->c, ' ');
        put_xy(p, it->x, it->y + it->h, "cm /Im");
        pdf_put_int(&p->c, n);
        pg_buf_puts(&p->c, " Do Q\n");
        break;
    }
    case PG_ITEM_LINK: {
        /* a Link element in the element the link is in, holding the annotation */
        int obj = pdf_new_obj(w);
        int key = p->st ? pdf_tags_link(p->st, page_no, obj) : -1;
        g_array_append_val(p->links, obj);
        pg_buf *b = &w->out;
        pdf_begin_obj(w, obj);
        pg_buf_puts(b, "<< /Type /Annot /Subtype /Link /Rect [");
        put_item_rect(b, p, it);
        pg_buf_printf(b, "] /F 4 /Border [0 0 0] /Dest (fn-%d)", it->target);
        if (key >= 0) {
            pg_buf_puts(b, " /StructParent ");
            pdf_put_key(w, key);
        }
        pg_buf_puts(b, " /Contents ");
        char *what = g_strdup_printf("Chú thích %d", it->target);
        pdf_put_text_string(b, what);
        g_free(what);
        pg_buf_puts(b, " >>");
        pdf_end_obj(w);
        break;
    }
    case PG_ITEM_DEST: {
        char *name = g_strdup_printf("fn-%d", it->target);
        if (g_hash_table_contains(w->dests, name)) {
            g_free(name);
            break;
        }
        dest_at *d = g_new(dest_at, 1);
        d->page = page_no;
        d->x = it->x;
        d->y = p->H - it->y;
        g_hash_table_insert(w->dests, name, d);
        break;
    }
    case PG_ITEM_FIELD:
        put_field(w, p, page_no, it);
        break;
    }
    return 1;
}

/* Writes an image XObject (and its soft mask when it has transparency). */
static void put_image(pdfw *w, int obj, const pg_image *img)
{
    int iw = img->w, ih = img->h;
    size_t npx = (size_t)iw * (size_t)ih;
    int mask = img->alpha ? pdf_new_obj(w) : 0;
    char extra[200];
    int n = snprintf(extra, sizeof extra,
                     "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                     "/BitsPerComponent 8",
                     iw, ih);
    if (mask)
        snprintf(extra + n, sizeof extra - (size_t)n, " /SMask %d 0 R", mask);
    put_stream(w, obj, img->rgb, npx * 3, extra);
    if (mask) {
        snprintf(extra, sizeof extra,
                 "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                 "/BitsPerComponent 8",
                 iw, ih);
        put_stream(w, mask, img->alpha, npx, extra);
    }
}

/* ---- PDF/A: XMP metadata and the output intent ------------------------------------- */

/* The output intent's profile of opts: the data folder's or Debian's. */
static const char *srgb_file(const pg_pdf_opts *opts)
{
    return opts && opts->icc_profile ? opts->icc_profile : PG_SRGB_PROFILE;
}

/* Loads the profile at path into srgb_z unless it is there. Returns 1, else 0
 * with *error (heap). */
static int load_srgb(const char *path, char **error)
{
    if (srgb_z && strcmp(srgb_path, path) == 0)
        return 1;
    gchar *data = NULL;
    gsize len = 0;
    GError *e = NULL;
    if (!g_file_get_contents(path, &data, &len, &e)) {
        *error = g_strdup_printf(_("cannot read the sRGB profile of the PDF/A output intent (%s; "
                                   "Debian package icc-profiles-free, or templates/color/sRGB.icc "
                                   "in the data folder; --no-pdfa writes PDFs without it)"),
                                 e->message);
        g_error_free(e);
        return 0;
    }
    /* an ICC profile: its size first, "acsp" at 36, an RGB data colour space */
    const unsigned char *d = (const unsigned char *)data;
    if (len < 128 || memcmp(d + 36, "acsp", 4) != 0 || memcmp(d + 16, "RGB ", 4) != 0) {
        *error = g_strdup_printf(_("cannot use %s as the PDF/A output intent: it is not an RGB ICC "
                                   "profile"),
                                 path);
        g_free(data);
        return 0;
    }
    pdfw tmp = {0};
    size_t zlen = deflate_into(&tmp, data, len);
    g_free(data);
    g_free(srgb_z);
    g_free(srgb_path);
    srgb_z = tmp.zbuf;
    srgb_zlen = zlen;
    srgb_path = g_strdup(path);
    return 1;
}

/* Appends s as XML character data: the markup characters escaped, invalid
 * UTF-8 as U+FFFD (as put_utf16_hex() writes it into the Info), and the
 * control characters XML 1.0 cannot hold as U+FFFD too. */
static void put_xml_text(pg_buf *b, const char *s)
{
    const char *end = s + strlen(s);
    while (s < end) {
        gunichar c = g_utf8_get_char_validated(s, end - s);
        const char *next = (c == (gunichar)-1 || c == (gunichar)-2) ? s + 1 : g_utf8_next_char(s);
        if (c == (gunichar)-1 || c == (gunichar)-2 || (c < 0x20 && c != '\t' && c != '\n'))
            pg_buf_puts(b, "\xEF\xBF\xBD");
        else if (c == '&')
            pg_buf_puts(b, "&amp;");
        else if (c == '<')
            pg_buf_puts(b, "&lt;");
        else if (c == '>')
            pg_buf_puts(b, "&gt;");
        else
            pg_buf_append(b, s, (size_t)(next - s));
        s = next;
    }
}

static int put_xmp_date(pg_buf *b, const char *iso)
{
    return put_date_form(b, iso, 1);
}

/* The document information, in the Info dictionary and the XMP packet alike. */
typedef struct {
    const char *title, *author, *subject, *keywords, *creator, *producer;
    const char *date; /* ISO 8601, or NULL: none (also when it does not parse) */
} doc_info;

static int has(const char *s)
{
    return s && *s;
}

/* One XMP property holding a language alternative (dc:title, dc:description). */
static void xmp_alt(pg_buf *b, const char *name, const char *v)
{
    pg_buf_printf(b, "   <%s><rdf:Alt><rdf:li xml:lang=\"x-default\">", name);
    put_xml_text(b, v);
    pg_buf_printf(b, "</rdf:li></rdf:Alt></%s>\n", name);
}

static void xmp_simple(pg_buf *b, const char *name, const char *v)
{
    pg_buf_printf(b, "   <%s>", name);
    put_xml_text(b, v);
    pg_buf_printf(b, "</%s>\n", name);
}

/* The XMP packet (UTF-8, no byte count, read-only) of ISO 19005-2 6.6: the
 * Info's entries under their XMP names and the PDF/A identification. */
static void build_xmp(pg_buf *b, const doc_info *in)
{
    pg_buf_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                   "  <rdf:Description rdf:about=\"\"\n"
                   "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                   "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                   "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
                   "    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n"
                   "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"\n"
                   "    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n"
                   "    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n"
                   "    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
                   "   <dc:format>application/pdf</dc:format>\n");
    if (has(in->title))
        xmp_alt(b, "dc:title", in->title);
    if (has(in->author)) {
        pg_buf_puts(b, "   <dc:creator><rdf:Seq><rdf:li>");
        put_xml_text(b, in->author);
        pg_buf_puts(b, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (has(in->subject))
        xmp_alt(b, "dc:description", in->subject);
    if (has(in->keywords))
        xmp_simple(b, "pdf:Keywords", in->keywords);
    if (has(in->producer))
        xmp_simple(b, "pdf:Producer", in->producer);
    if (has(in->creator))
        xmp_simple(b, "xmp:CreatorTool", in->creator);
    if (in->date) {
        pg_buf_puts(b, "   <xmp:CreateDate>");
        put_xmp_date(b, in->date);
        pg_buf_puts(b, "</xmp:CreateDate>\n   <xmp:ModifyDate>");
        put_xmp_date(b, in->date);
        pg_buf_puts(b, "</xmp:ModifyDate>\n");
    }
    /* level A (tagged), PDF/UA-1; pdfuaid is not among the schemas PDF/A
     * predefines, so the packet describes it (ISO 19005-2 6.6.2.3.2) */
    pg_buf_puts(b, "   <pdfaid:part>2</pdfaid:part>\n"
                   "   <pdfaid:conformance>A</pdfaid:conformance>\n"
                   "   <pdfuaid:part>1</pdfuaid:part>\n"
                   "   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
                   "    <pdfaSchema:schema>PDF/UA identification</pdfaSchema:schema>\n"
                   "    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/"
                   "</pdfaSchema:namespaceURI>\n"
                   "    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n"
                   "    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n"
                   "     <pdfaProperty:name>part</pdfaProperty:name>\n"
                   "     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n"
                   "     <pdfaProperty:category>internal</pdfaProperty:category>\n"
                   "     <pdfaProperty:description>the part of ISO 14289 the file conforms to"
                   "</pdfaProperty:description>\n"
                   "    </rdf:li></rdf:Seq></pdfaSchema:property>\n"
                   "   </rdf:li></rdf:Bag></pdfaExtension:schemas>\n"
                   "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>");
}

/* Writes the Info dictionary as object n. */
static void put_info(pdfw *w, int n, const doc_info *in)
{
    const struct {
        const char *key, *val;
    } fields[] = {{"Title", in->title},       {"Author", in->author},   {"Subject", in->subject},
                  {"Keywords", in->keywords}, {"Creator", in->creator}, {"Producer", in->producer}};
    pdf_begin_obj(w, n);
    pg_buf_puts(&w->out, "<<");
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (!has(fields[i].val))
            continue;
        pg_buf_printf(&w->out, " /%s ", fields[i].key);
        pdf_put_text_string(&w->out, fields[i].val);
    }
    if (in->date) {
        pg_buf_puts(&w->out, " /CreationDate ");
        put_date(&w->out, in->date);
        pg_buf_puts(&w->out, " /ModDate ");
        put_date(&w->out, in->date);
    }
    pg_buf_puts(&w->out, " >>");
    pdf_end_obj(w);
}

/* Writes the XMP packet as object n, uncompressed as PDF/A asks. */
static void put_metadata(pdfw *w, int n, const doc_info *in)
{
    pg_buf x = {0};
    build_xmp(&x, in);
    pdf_begin_obj(w, n);
    pg_buf_puts(&w->out, "<< /Type /Metadata /Subtype /XML /Length ");
    pdf_put_int(&w->out, (long long)x.len);
    pg_buf_puts(&w->out, " >>\nstream\n");
    pg_buf_append(&w->out, x.s, x.len);
    pg_buf_puts(&w->out, "\nendstream");
    pdf_end_obj(w);
    pg_buf_free(&x);
}

/* ---- outline -------------------------------------------------------------------------- */

typedef struct {
    int obj, parent, first, last, prev, next, count;
} onode;

static void put_outline(pdfw *w, const pg_pages *pp, int root, const int *page_obj)
{
    size_t n = pp->n_outline;
    onode *o = g_new0(onode, n + 1); /* o[0] is the root */
    o[0].obj = root;
    for (size_t i = 1; i <= n; i++)
        o[i].obj = pdf_new_obj(w);
    int stack[16] = {0}; /* stack[level-1]: node index of the parent at that level */
    for (size_t i = 1; i <= n; i++) {
        int level = pp->outline[i - 1].level;
        level = level < 1 ? 1 : level > 15 ? 15 : level;
        int par = stack[level - 1];
        o[i].parent = par;
        if (o[par].last) {
            o[o[par].last].next = (int)i;
            o[i].prev = o[par].last;
        } else {
            o[par].first = (int)i;
        }
        o[par].last = (int)i;
        stack[level] = (int)i;
        for (int k = level + 1; k < 16; k++)
            stack[k] = (int)i;
        /* every entry counts for each ancestor (entries are shown closed) */
        for (int a = par; a; a = o[a].parent)
            o[a].count++;
        if (!par)
            o[0].count++;
    }
    pg_buf *b = &w->out;
    pdf_begin_obj(w, root);
    pg_buf_puts(b, "<< /Type /Outlines");
    if (o[0].first)
        pg_buf_printf(b, " /First %d 0 R /Last %d 0 R /Count %d", o[o[0].first].obj,
                      o[o[0].last].obj, o[0].count);
    pg_buf_puts(b, " >>");
    pdf_end_obj(w);
    for (size_t i = 1; i <= n; i++) {
        const pg_outline *e = &pp->outline[i - 1];
        pdf_begin_obj(w, o[i].obj);
        pg_buf_puts(b, "<< /Title ");
        pdf_put_text_string(b, e->title ? e->title : "");
        pg_buf_printf(b, " /Parent %d 0 R", o[o[i].parent].obj);
        if (o[i].prev)
            pg_buf_printf(b, " /Prev %d 0 R", o[o[i].prev].obj);
        if (o[i].next)
            pg_buf_printf(b, " /Next %d 0 R", o[o[i].next].obj);
        if (o[i].first)
            pg_buf_printf(b, " /First %d 0 R /Last %d 0 R /Count -%d", o[o[i].first].obj,
                          o[o[i].last].obj, o[i].count);
        int page = e->page < 0 ? 0 : e->page >= (int)pp->n ? (int)pp->n - 1 : e->page;
        pg_buf_printf(b, " /Dest [%d 0 R /XYZ 0 ", page_obj[page]);
        put_num(b, pp->pages[page].h - e->y);
        pg_buf_puts(b, " 0] >>");
        pdf_end_obj(w);
    }
    g_free(o);
}

/* ---- the whole document ------------------------------------------------------------- */

static gint cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct pg_pdf_doc {
    pdfw w;
    pagew p;
    pdf_tags *st; /* NULL: no tags, no marked content */
    int pdfa;
    int ok;          /* nothing has failed */
    int srgb_failed; /* what failed is reading the sRGB profile */
    int ended;       /* pg_pdf_end() has written the objects after the pages */
    size_t np;       /* pages written */
    char *creator, *create_date;
    int catalog, pages, info, resources;
};

pg_pdf_doc *pg_pdf_begin(const pg_pdf_opts *opts, int spool)
{
    pg_pdf_doc *d = g_new0(pg_pdf_doc, 1);
    pdfw *w = &d->w;
    w->may_spool = spool;
    w->fonts = g_ptr_array_new_with_free_func((GDestroyNotify)free_font);
    w->by_face = g_hash_table_new(g_direct_hash, g_direct_equal);
    w->images = g_ptr_array_new_with_free_func((GDestroyNotify)pg_image_unref);
    w->dests = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    pg_buf_puts(&w->out, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    d->pdfa = !(opts && opts->no_pdfa);
    d->ok = !d->pdfa || load_srgb(srgb_file(opts), &w->error);
    d->srgb_failed = !d->ok;
    d->catalog = pdf_new_obj(w);
    d->pages = pdf_new_obj(w);
    d->info = pdf_new_obj(w);
    d->resources = pdf_new_obj(w);
    d->creator = g_strdup(opts && opts->creator ? opts->creator : "plangen");
    d->create_date = g_strdup(opts ? opts->create_date : NULL);
    d->p.split_to = -1;
    d->p.links = g_array_new(FALSE, FALSE, sizeof(int));
    d->p.fields = g_array_new(FALSE, FALSE, sizeof(int));
    d->p.field_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    w->among_pages = 1; /* numbered after the pages, whose count is known at the end */
    return d;
}

/* The object number of page i: the pages come after the catalog, the page
 * tree, the information and the resources. */
static int page_object(const pg_pdf_doc *d, size_t i)
{
    return d->resources + 1 + (int)i;
}

void pg_pdf_page(pg_pdf_doc *d, const pg_pages *pp, size_t index)
{
    pdfw *w = &d->w;
    pagew *p = &d->p;
    if (d->ended || !d->ok || w->error)
        return;
    if (d->pdfa && !d->st)
        d->st = pdf_tags_new(pp);
    pdf_tags *st = d->st;
    const pg_page *pg = &pp->pages[index];
    size_t i = d->np++;
    p->st = st;
    p->c.len = 0;
    g_array_set_size(p->links, 0);
    p->H = pg->h;
    p->fill = p->stroke = 0; /* black is the initial colour */
    p->page = (int)i;
    p->pg = pg;
    p->page_obj = page_object(d, i);
    p->mc = MC_NONE;
    if (st)
        pdf_tags_page(st);
    for (size_t k = 0; k < pg->n && d->ok; k++)
        d->ok = put_item(w, p, (int)i, &pg->items[k]);
    if (!d->ok)
        return;
    if (st)
        pdf_tags_mark(st, &p->c, (int)i, &p->mc, MC_NONE);
    int contents = pdf_new_obj(w);
    put_stream_cached(w, contents, p->c.s ? p->c.s : "", p->c.len);
    int annots = p->links->len ? pdf_new_obj(w) : 0;
    if (annots) {
        pdf_begin_obj(w, annots);
        pg_buf_puts(&w->out, "[");
        for (guint k = 0; k < p->links->len; k++) {
            if (k)
                pg_buf_putc(&w->out, ' ');
            pdf_put_obj(w, g_array_index(p->links, int, k));
            pg_buf_puts(&w->out, " 0 R");
        }
        pg_buf_puts(&w->out, "]");
        pdf_end_obj(w);
    }
    pdf_begin_obj(w, p->page_obj);
    pg_buf_printf(&w->out, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 ", d->pages);
    put_num(&w->out, pg->w);
    pg_buf_putc(&w->out, ' ');
    put_num(&w->out, pg->h);
    pg_buf_printf(&w->out, "] /Resources %d 0 R /Contents ", d->resources);
    pdf_put_obj(w, contents);
    pg_buf_puts(&w->out, " 0 R");
    if (annots) {
        pg_buf_puts(&w->out, " /Annots ");
        pdf_put_obj(w, annots);
        pg_buf_puts(&w->out, " 0 R /Tabs /S");
    }
    if (st)
        pg_buf_printf(&w->out, " /StructParents %zu", i);
    pg_buf_puts(&w->out, " >>");
    pdf_end_obj(w);
}

void pg_pdf_end(pg_pdf_doc *d, const pg_pages *pp)
{
    pdfw *w = &d->w;
    if (d->ended)
        return;
    d->ended = 1;
    if (!d->ok || w->error)
        return;
    /* the pages are counted: the objects made among them get their numbers */
    size_t np = d->np;
    w->among_pages = 0;
    w->n_pages = (int)np;
    w->after_pages = page_object(d, np);
    /* the page objects, written already (their offsets recorded) */
    if (w->after_pages >= w->cap_obj) {
        w->cap_obj = w->after_pages + 64;
        w->offset = g_renew(size_t, w->offset, (gsize)w->cap_obj);
    }
    w->n_obj = w->after_pages - 1;
    for (int k = 0; k < w->n_among; k++) {
        int n = pdf_new_obj(w); /* may move w->offset */
        w->offset[n] = w->page_offset[k];
    }
    int *page_obj = g_new(int, np ? np : 1);
    for (size_t i = 0; i < np; i++)
        page_obj[i] = page_object(d, i);
    int ok = 1;
    if (d->pdfa && !d->st)
        d->st = pdf_tags_new(pp); /* no page: an empty tree */
    pdf_tags *st = d->st;
    pagew *p = &d->p;
    int struct_root = st ? pdf_new_obj(w) : 0;
    if (struct_root)
        pdf_tags_write(w, st, struct_root, page_obj, np);
    pdf_tags_free(st); /* written: it reads pp no more */
    d->st = st = NULL;

    /* fonts and images, then the resources that name them */
    int *font_obj = g_new(int, w->fonts->len + 1);
    for (guint i = 0; i < w->fonts->len && ok; i++) {
        font_obj[i] = pdf_new_obj(w);
        ok = put_font(w, w->fonts->pdata[i], font_obj[i]);
    }
    int *img_obj = g_new(int, w->images->len + 1);
    for (guint i = 0; i < w->images->len && ok; i++) {
        img_obj[i] = pdf_new_obj(w);
        put_image(w, img_obj[i], w->images->pdata[i]);
    }
    if (ok) {
        pdf_begin_obj(w, d->resources);
        pg_buf_puts(&w->out, "<< /ProcSet [/PDF /Text /ImageB /ImageC]");
        if (w->fonts->len) {
            pg_buf_puts(&w->out, " /Font <<");
            for (guint i = 0; i < w->fonts->len; i++)
                pg_buf_printf(&w->out, " /F%u %d 0 R", i + 1, font_obj[i]);
            pg_buf_puts(&w->out, " >>");
        }
        if (w->images->len) {
            pg_buf_puts(&w->out, " /XObject <<");
            for (guint i = 0; i < w->images->len; i++)
                pg_buf_printf(&w->out, " /Im%u %d 0 R", i + 1, img_obj[i]);
            pg_buf_puts(&w->out, " >>");
        }
        pg_buf_puts(&w->out, " >>");
        pdf_end_obj(w);
    }
    g_free(font_obj);
    g_free(img_obj);

    if (ok) {
        pdf_begin_obj(w, d->pages);
        pg_buf_puts(&w->out, "<< /Type /Pages /Kids [");
        for (size_t i = 0; i < np; i++)
            pdf_put_ref(&w->out, i != 0, page_obj[i]);
        pg_buf_printf(&w->out, "] /Count %zu >>", np);
        pdf_end_obj(w);

        int outlines = pp->n_outline && np ? pdf_new_obj(w) : 0;
        if (outlines)
            put_outline(w, pp, outlines, page_obj);

        int names = g_hash_table_size(w->dests) && np ? pdf_new_obj(w) : 0;
        if (names) {
            guint n = 0;
            char **keys = (char **)g_hash_table_get_keys_as_array(w->dests, &n);
            qsort(keys, n, sizeof *keys, (int (*)(const void *, const void *))cmp_names);
            pdf_begin_obj(w, names);
            pg_buf_puts(&w->out, "<< /Names [");
            for (guint i = 0; i < n; i++) {
                const dest_at *dt = g_hash_table_lookup(w->dests, keys[i]);
                pg_buf_printf(&w->out, "\n(%s) [%d 0 R /XYZ ", keys[i], page_obj[dt->page]);
                put_num(&w->out, dt->x);
                pg_buf_putc(&w->out, ' ');
                put_num(&w->out, dt->y);
                pg_buf_puts(&w->out, " 0]");
            }
            pg_buf_puts(&w->out, "] >>");
            pdf_end_obj(w);
            g_free(keys);
        }

        /* the signature fields, unsigned: no /SigFlags until one is signed, no
         * /NeedAppearances (PDF/A: every widget has its appearance) */
        int acroform = p->fields->len ? pdf_new_obj(w) : 0;
        if (acroform) {
            pdf_begin_obj(w, acroform);
            pg_buf_puts(&w->out, "<< /Fields [");
            for (guint k = 0; k < p->fields->len; k++)
                pdf_put_ref(&w->out, k != 0, pdf_obj(w, g_array_index(p->fields, int, k)));
            pg_buf_puts(&w->out, "] >>");
            pdf_end_obj(w);
        }

        const char *date = d->create_date ? d->create_date : pp->date_iso;
        GDateTime *parsed = date ? g_date_time_new_from_iso8601(date, NULL) : NULL;
        if (parsed)
            g_date_time_unref(parsed);
        doc_info in = {pp->title, pp->author, pp->subject,          pp->keywords,
                       d->creator, d->creator, parsed ? date : NULL};
        int metadata = d->pdfa ? pdf_new_obj(w) : 0, profile = d->pdfa ? pdf_new_obj(w) : 0;
        if (d->pdfa) {
            put_metadata(w, metadata, &in);
            put_deflated(w, profile, srgb_z, srgb_zlen, "/N 3");
        }

        pdf_begin_obj(w, d->catalog);
        pg_buf_printf(&w->out, "<< /Type /Catalog /Pages %d 0 R /Lang (vi)", d->pages);
        if (d->pdfa)
            pg_buf_printf(&w->out, " /MarkInfo << /Marked true >> /StructTreeRoot %d 0 R",
                          struct_root);
        pg_buf_puts(&w->out, " /ViewerPreferences << /DisplayDocTitle true >>");
        if (outlines)
            pg_buf_printf(&w->out, " /Outlines %d 0 R /PageMode /UseOutlines", outlines);
        if (names)
            pg_buf_printf(&w->out, " /Names << /Dests %d 0 R >>", names);
        if (acroform)
            pg_buf_printf(&w->out, " /AcroForm %d 0 R", acroform);
        if (d->pdfa)
            pg_buf_printf(&w->out,
                          " /Metadata %d 0 R /OutputIntents [<< /Type /OutputIntent /S "
                          "/GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "
                          "/RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) "
                          "/DestOutputProfile %d 0 R >>]",
                          metadata, profile);
        pg_buf_puts(&w->out, " >>");
        pdf_end_obj(w);

        put_info(w, d->info, &in);
    }
    g_free(page_obj);
    d->ok = ok && !w->error;
}

pg_pdf_fault pg_pdf_failed(const pg_pdf_doc *d, const char **error)
{
    int failed = !d->ok || d->w.error || !d->ended;
    if (error)
        *error = !failed ? NULL : d->w.error ? d->w.error : _("cannot write the PDF");
    return !failed               ? PG_PDF_OK
           : d->srgb_failed      ? PG_PDF_PROFILE
           : d->w.spool_failed   ? PG_PDF_TEMPORARY
                                 : PG_PDF_FONT;
}

/* Bytes [from, to) of what was written (spool, then out) to emit. */
enum { CHUNK = 1 << 16 };

/* Bytes [from, to) of what was written (spool, then out) to emit, the spool's
 * read through chunk (CHUNK bytes). Returns PG_PDF_EMITTED, else which side
 * failed. */
static pg_pdf_emit_status emit_range(const pdfw *w, size_t from, size_t to, pg_pdf_emit_fn emit,
                                     void *ud, SHA256_CTX *id, char *chunk)
{
    while (from < to && from < w->spooled) {
        size_t want = MIN(to, w->spooled) - from;
        if (want > CHUNK)
            want = CHUNK;
        ssize_t k = pread(w->spool_fd, chunk, want, (off_t)from);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return PG_PDF_READ_FAILED;
        SHA256_Update(id, chunk, (size_t)k);
        if (!emit(ud, chunk, (size_t)k))
            return PG_PDF_WRITE_FAILED;
        from += (size_t)k;
    }
    if (from < to) {
        const char *s = w->out.s + (from - w->spooled);
        SHA256_Update(id, s, to - from);
        if (!emit(ud, s, to - from))
            return PG_PDF_WRITE_FAILED;
    }
    return PG_PDF_EMITTED;
}

/* The number a hole stands for. */
static int hole_value(const pdfw *w, const pdf_hole *h)
{
    return h->kind == PDF_HOLE_KEY ? w->n_pages + h->v : pdf_obj(w, -1 - h->v);
}

pg_pdf_emit_status pg_pdf_emit(const pg_pdf_doc *d, pg_pdf_emit_fn emit, void *ud)
{
    const pdfw *w = &d->w;
    if (pg_pdf_failed(d, NULL) != PG_PDF_OK)
        return PG_PDF_NOT_MADE;
    SHA256_CTX id_sum; /* the file identifier's: SHA-256 (SHA-NI) is 4 times MD5's speed */
    SHA256_Init(&id_sum);
    char *chunk = g_malloc(CHUNK);
    /* the holes' numbers, and where each lands: objects' offsets move by the
     * lengths of the numbers written before them */
    size_t *shift = g_new(size_t, w->n_holes + 1);
    shift[0] = 0;
    size_t pos = 0, total = w->spooled + w->out.len;
    pg_pdf_emit_status st = PG_PDF_EMITTED;
    for (size_t h = 0; h < w->n_holes && st == PG_PDF_EMITTED; h++) {
        char num[24];
        int len = snprintf(num, sizeof num, "%d", hole_value(w, &w->holes[h]));
        shift[h + 1] = shift[h] + (size_t)len;
        st = emit_range(w, pos, w->holes[h].at, emit, ud, &id_sum, chunk);
        if (st == PG_PDF_EMITTED) {
            SHA256_Update(&id_sum, num, (size_t)len);
            if (!emit(ud, num, (size_t)len))
                st = PG_PDF_WRITE_FAILED;
        }
        pos = w->holes[h].at;
    }
    if (st == PG_PDF_EMITTED)
        st = emit_range(w, pos, total, emit, ud, &id_sum, chunk);
    if (st == PG_PDF_EMITTED) {
        /* cross-reference table; the identifier is a digest of the body and it */
        pg_buf t = {0};
        size_t xref = total + shift[w->n_holes];
        pg_buf_printf(&t, "xref\n0 %d\n0000000000 65535 f \n", w->n_obj + 1);
        for (int i = 1; i <= w->n_obj; i++) {
            /* the holes before the object's start (its own number is after it) */
            size_t at = w->offset[i], lo = 0, hi = w->n_holes;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (w->holes[mid].at < at)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            size_t off = at + shift[lo];
            if (off > 9999999999u) { /* past what an entry's ten digits hold */
                pg_buf_printf(&t, "%010zu 00000 n \n", off);
                continue;
            }
            char entry[] = "0000000000 00000 n \n"; /* "%010zu 00000 n \n" */
            for (int k = 9; k >= 0 && off; k--, off /= 10)
                entry[k] = (char)('0' + off % 10);
            pg_buf_append(&t, entry, 20);
        }
        SHA256_Update(&id_sum, t.s, t.len);
        unsigned char md[SHA256_DIGEST_LENGTH];
        SHA256_Final(md, &id_sum);
        char id[33]; /* its first 16 bytes in hex, the length of the MD5 PDF readers expect */
        for (int i = 0; i < 16; i++) {
            id[2 * i] = "0123456789abcdef"[md[i] >> 4];
            id[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
        }
        id[32] = '\0';
        pg_buf_printf(&t,
                      "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
                      "startxref\n%zu\n%%%%EOF\n",
                      w->n_obj + 1, d->catalog, d->info, id, id, xref);
        if (!emit(ud, t.s, t.len))
            st = PG_PDF_WRITE_FAILED;
        pg_buf_free(&t);
    }
    g_free(shift);
    g_free(chunk);
    return st;
}

void pg_pdf_doc_free(pg_pdf_doc *d)
{
    if (!d)
        return;
    pdfw *w = &d->w;
    pdf_tags_free(d->st);
    pg_buf_free(&d->p.c);
    g_array_free(d->p.links, TRUE);
    g_array_free(d->p.fields, TRUE);
    g_hash_table_destroy(d->p.field_names);
    if (w->spooling)
        close(w->spool_fd);
    pg_buf_free(&w->out);
    g_free(w->offset);
    g_free(w->page_offset);
    g_free(w->holes);
    g_free(w->zbuf);
    g_hash_table_destroy(w->by_face);
    g_ptr_array_free(w->fonts, TRUE);
    g_ptr_array_free(w->images, TRUE);
    g_hash_table_destroy(w->dests);
    g_free(w->error);
    g_free(d->creator);
    g_free(d->create_date);
    g_free(d);
}

static int emit_to_buf(void *ud, const void *p, size_t n)
{
    pg_buf_append(ud, p, n);
    return 1;
}

pg_pdf_emit_status pg_pdf_emit_buf(const pg_pdf_doc *d, pg_buf *out)
{
    return pg_pdf_emit(d, emit_to_buf, out);
}

static int emit_to_file(void *ud, const void *p, size_t n)
{
    return fwrite(p, 1, n, ud) == n;
}

pg_pdf_emit_status pg_pdf_emit_file(const pg_pdf_doc *d, FILE *f)
{
    return pg_pdf_emit(d, emit_to_file, f);
}

int pg_pdf_render(const pg_pages *pp, const pg_pdf_opts *opts, pg_buf *out, char **error)
{
    pg_pdf_doc *d = pg_pdf_begin(opts, 0); /* in memory: made whole anyway */
    for (size_t i = 0; i < pp->n; i++)
        pg_pdf_page(d, pp, i);
    pg_pdf_end(d, pp);
    const char *why = NULL;
    int ok = pg_pdf_failed(d, &why) == PG_PDF_OK;
    pg_buf b = {0};
    if (ok)
        ok = pg_pdf_emit_buf(d, &b) == PG_PDF_EMITTED; /* memory: it cannot fail */
    if (!ok) {
        pg_buf_free(&b);
        if (error)
            *error = g_strdup(why);
    } else {
        *out = b;
    }
    pg_pdf_doc_free(d);
    return ok;
}

/* ---- a text appearance for an existing PDF ------------------------------------------- */

/* Shapes one line of text in font (harfbuzz at the face's units) and appends
 * it to content as a TJ from (x, y) in the form's space, the glyphs recorded
 * in font for its widths and ToUnicode map. Returns its width in pt. */
static double shape_line(pdf_font *f, hb_font_t *hb, const char *text, double size, pg_buf *content,
                         double right, double y)
{
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, text, -1, 0, -1);
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, HB_SCRIPT_LATIN);
    hb_buffer_set_language(buf, hb_language_from_string("vi", -1));
    hb_shape(hb, buf, NULL, 0);
    unsigned n = 0;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    double k = size / f->upem, width = 0; /* pt per font unit */
    for (unsigned i = 0; i < n; i++)
        width += pos[i].x_advance * k;
    size_t len = strlen(text);
    /* where harfbuzz puts each glyph against where the PDF's widths put it:
     * the difference goes into the TJ array, as show_line() does */
    double x = right - width, pen = x, at = x;
    pg_buf_puts(content, "1 0 0 1 ");
    put_num(content, x);
    pg_buf_putc(content, ' ');
    put_num(content, y);
    pg_buf_puts(content, " Tm\n[(");
    for (unsigned i = 0; i < n; i++) {
        unsigned gid = info[i].codepoint < f->n_glyphs ? info[i].codepoint : 0;
        double gx = at + pos[i].x_offset * k, diff = gx - pen;
        if (diff > 0.005 || diff < -0.005) {
            double adj = -diff * 1000.0 / size;
            adj = (double)(long long)(adj * 1000.0 + (adj < 0 ? -0.5 : 0.5)) / 1000.0;
            pg_buf_puts(content, ") ");
            put_num(content, adj);
            pg_buf_puts(content, " (");
            pen -= adj * size / 1000.0;
        }
        put_code(content, gid);
        pen += glyph_width(f, gid) * size / 1000.0;
        at += pos[i].x_advance * k;
        /* the cluster's text goes to its first glyph */
        if (i == 0 || info[i].cluster != info[i - 1].cluster) {
            size_t end = len;
            for (unsigned j = i + 1; j < n; j++)
                if (info[j].cluster != info[i].cluster) {
                    end = info[j].cluster;
                    break;
                }
            if (end > info[i].cluster)
                glyph_text(f, gid, text + info[i].cluster, (int)(end - info[i].cluster));
        }
    }
    pg_buf_puts(content, ")] TJ\n");
    hb_buffer_destroy(buf);
    return width;
}

int pg_pdf_text_form(const char *fonts_dir, const char *family, double size,
                     const char *const *lines, size_t n, double width, double height, int first,
                     pg_pdf_objects *out, char **error)
{
    int ok = 0;
    pg_diag_list dl = {0};
    pg_fonts *fonts = pg_fonts_new(fonts_dir, &dl);
    char *file = fonts ? pg_fonts_face_file(fonts, family, 0, 0) : NULL;
    hb_blob_t *blob = file ? hb_blob_create_from_file_or_fail(file) : NULL;
    hb_face_t *face = blob ? hb_face_create(blob, 0) : NULL;
    hb_font_t *hb = NULL;
    pg_buf content = {0};
    pdfw w = {0};
    w.fonts = g_ptr_array_new_with_free_func((GDestroyNotify)free_font);
    w.by_face = g_hash_table_new(g_direct_hash, g_direct_equal);
    w.images = g_ptr_array_new();
    w.dests = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    w.cap_obj = first + PG_PDF_FORM_OBJECTS + 2;
    w.offset = g_new0(size_t, (gsize)w.cap_obj);
    w.n_obj = first - 1;
    *out = (pg_pdf_objects){0};
    if (!fonts) {
        w.error = g_strdup_printf(_("cannot load the font configuration %s/fonts.conf"), fonts_dir);
        goto cleanup;
    }
    if (!face || hb_face_get_glyph_count(face) == 0) {
        w.error = g_strdup_printf(_("no font for \"%s\" (fontconfig chose %s)"), family,
                                  file ? file : _("nothing"));
        goto cleanup;
    }
    pdf_font *f = use_hb_face(&w, face, family);
    if (!f)
        goto cleanup;
    hb = hb_font_create(face); /* at the face's units: advances in font units */
    hb_font_extents_t ext;
    hb_font_get_h_extents(hb, &ext);
    double asc = ext.ascender * size / f->upem, desc = -ext.descender * size / f->upem;
    double pitch = asc + desc + ext.line_gap * size / f->upem; /* pt */
    pg_buf_puts(&content, "q 0 g BT\n/F1 ");
    put_num(&content, size);
    pg_buf_puts(&content, " Tf\n");
    for (size_t i = 0; i < n; i++)
        shape_line(f, hb, lines[i], size, &content, width - 1,
                   height - 1 - asc - (double)i * pitch);
    pg_buf_puts(&content, "ET Q\n");
    int form = pdf_new_obj(&w), font = pdf_new_obj(&w);
    char extra[200];
    pg_buf bbox = {0};
    put_num(&bbox, width);
    pg_buf_putc(&bbox, ' ');
    put_num(&bbox, height);
    snprintf(extra, sizeof extra,
             "/Type /XObject /Subtype /Form /BBox [0 0 %s] /Resources << /Font << /F1 %d 0 R "
             ">> >>",
             pg_buf_str(&bbox), font);
    pg_buf_free(&bbox);
    put_stream(&w, form, content.s, content.len, extra);
    if (!put_font(&w, f, font))
        goto cleanup;
    out->n = w.n_obj - first + 1;
    for (int i = 0; i < out->n; i++)
        out->offset[i] = w.offset[first + i];
    out->bytes = w.out;
    w.out = (pg_buf){0};
    ok = 1;
cleanup:
    if (!ok && error)
        *error = w.error ? w.error : g_strdup(_("cannot write the appearance"));
    else
        g_free(w.error);
    pg_buf_free(&w.out);
    pg_buf_free(&content);
    g_free(w.offset);
    g_free(w.zbuf);
    g_hash_table_destroy(w.by_face);
    g_ptr_array_free(w.fonts, TRUE);
    g_ptr_array_free(w.images, TRUE);
    g_hash_table_destroy(w.dests);
    hb_font_destroy(hb);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    free(file);
    pg_fonts_free(fonts);
    pg_diag_list_free(&dl);
    return ok;
}

/* ---- entry points: atomic files ----------------------------------------------------- */

int pg_pdf_write(const pg_pages *pp, const char *path, const pg_pdf_opts *opts, pg_diag_list *diags)
{
    pg_buf b = {0};
    char *error = NULL;
    if (!(opts && opts->no_pdfa) && !load_srgb(srgb_file(opts), &error)) {
        pg_diag_add(diags, PG_E_IO, srgb_file(opts), 0, 0, "%s", error);
        g_free(error);
        return 0;
    }
    if (!pg_pdf_render(pp, opts, &b, &error)) {
        pg_diag_add(diags, PG_E_FONT, path, 0, 0, "%s", error);
        g_free(error);
        return 0;
    }
    pg_output o;
    if (!pg_output_open(&o, path, diags)) {
        pg_buf_free(&b);
        return 0;
    }
    int wrote = fwrite(b.s, 1, b.len, o.f) == b.len;
    pg_buf_free(&b);
    if (!wrote) {
        pg_diag_add(diags, PG_E_OUTPUT, path, 0, 0, "cannot write: %s", strerror(errno));
        pg_output_abort(&o);
        return 0;
    }
    return pg_output_commit(&o, diags);
}

int pg_pdf_write_memory(const pg_pages *pp, const pg_pdf_opts *opts, unsigned char **out,
                        size_t *len)
{
    pg_buf b = {0};
    *out = NULL;
    *len = 0;
    if (!pg_pdf_render(pp, opts, &b, NULL))
        return 0;
    *len = b.len;
    *out = (unsigned char *)b.s;
    return 1;
}
