/* parse.c - parse stage: reads a plan file, refuses what is unsafe (DOCTYPE,
 * entities, invalid UTF-8), parses it with libxml2, checks its structure with
 * messages that say how to fix the plan, validates it against the RELAX NG
 * schema, and builds the pg_doc tree. */
#include "parse_internal.h"

#include "i18n.h"
#include "input.h"
#include "reads.h"
#include "timing.h"

#include <errno.h>
#include <glib.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the plan's bytes ------------------------------------------------------ */

/* A plan read from a file is not kept whole once the pre-scan is done with it:
 * what comes after (libxml2's input, the positions of attributes and texts, the
 * schema's second reading) reads the file again, the positions through a few
 * cached blocks. The parse then holds the model, not the plan's bytes beside it;
 * pg_doc_parse_file checks that the file did not change meanwhile. */
enum { SOURCE_BLOCK = 64 * 1024, SOURCE_BLOCKS = 4 };

struct source {
    int fd;
    size_t len;                        /* the plan's bytes, as the pre-scan read them */
    char *data[SOURCE_BLOCKS];         /* cached blocks (NULL: not yet used) */
    size_t block[SOURCE_BLOCKS];       /* which block each holds (offset / SOURCE_BLOCK) */
    size_t held[SOURCE_BLOCKS];        /* its bytes (fewer in the last block) */
    unsigned long used[SOURCE_BLOCKS]; /* when it was last read: the oldest goes */
    unsigned long clock;
    const unsigned char *cur; /* the block read last, for a quick src_at */
    size_t cur_off, cur_len;
    int short_read; /* the file gave fewer bytes than the pre-scan read */
};

/* Reads the n bytes at off (off + n <= len) into out; bytes the file no longer
 * holds read as 0 and set short_read. */
static void source_read(source *s, char *out, size_t n, size_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(s->fd, out + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            memset(out + got, 0, n - got);
            s->short_read = 1;
            return;
        }
        got += (size_t)k;
    }
}

static unsigned char source_miss(source *s, size_t i)
{
    if (i >= s->len)
        return 0;
    size_t b = i / SOURCE_BLOCK;
    int k = 0;
    while (k < SOURCE_BLOCKS && !(s->data[k] && s->block[k] == b))
        k++;
    if (k == SOURCE_BLOCKS) {
        k = 0;
        for (int j = 0; j < SOURCE_BLOCKS; j++) {
            if (!s->data[j]) {
                k = j;
                s->data[k] = pg_xmalloc(SOURCE_BLOCK);
                break;
            }
            if (s->used[j] < s->used[k])
                k = j;
        }
        size_t off = b * SOURCE_BLOCK;
        s->block[k] = b;
        s->held[k] = s->len - off < SOURCE_BLOCK ? s->len - off : SOURCE_BLOCK;
        source_read(s, s->data[k], s->held[k], off);
    }
    s->used[k] = ++s->clock;
    s->cur = (const unsigned char *)s->data[k];
    s->cur_off = b * SOURCE_BLOCK;
    s->cur_len = s->held[k];
    return s->cur[i - s->cur_off];
}

/* The plan's byte at i (< p->len). */
static inline unsigned char src_at(const parser *p, size_t i)
{
    if (p->buf)
        return (unsigned char)p->buf[i];
    source *s = p->src;
    if (i - s->cur_off < s->cur_len)
        return s->cur[i - s->cur_off];
    return source_miss(s, i);
}

/* Whether the n bytes at i (i + n <= p->len) are those of lit. */
static int src_is(const parser *p, size_t i, const char *lit, size_t n)
{
    if (p->buf)
        return memcmp(p->buf + i, lit, n) == 0;
    for (size_t k = 0; k < n; k++)
        if (src_at(p, i + k) != (unsigned char)lit[k])
            return 0;
    return 1;
}

/* Copies the n bytes at off (off + n <= p->len) into out. */
static void src_copy(const parser *p, char *out, size_t n, size_t off)
{
    if (p->buf)
        memcpy(out, p->buf + off, n);
    else
        source_read(p->src, out, n, off);
}

static void source_free(source *s)
{
    for (int k = 0; k < SOURCE_BLOCKS; k++)
        free(s->data[k]);
}

/* ---- positions ---------------------------------------------------------- */

static void index_lines(parser *p)
{
    size_t cap = 64;
    p->line_starts = pg_xmalloc(cap * sizeof *p->line_starts);
    p->line_starts[0] = 0;
    p->n_lines = 1;
    for (size_t i = 0; i < p->len; i++) {
        if (p->buf[i] == '\n') {
            if (p->n_lines == cap) {
                cap *= 2;
                p->line_starts = pg_xrealloc(p->line_starts, cap * sizeof *p->line_starts);
            }
            p->line_starts[p->n_lines++] = (uint32_t)(i + 1);
        }
    }
}

/* Line and column (in characters, 1-based) of a byte offset. Offsets asked in
 * increasing order (the pre-scan's) are found by walking on from the last one, so
 * a plan written on one long line costs no more than one spread over many. */
static pg_pos pos_at_slow(const parser *p, size_t off);

static pg_pos pos_at(const parser *cp, size_t off)
{
    parser *p = (parser *)cp;
    if (off < p->walk_off || p->walk_pos.line == 0)
        return pos_at_slow(p, off);
    for (size_t i = p->walk_off; i < off && i < p->len; i++) {
        unsigned char c = src_at(p, i);
        if (c == '\n') {
            p->walk_pos.line++;
            p->walk_pos.col = 1;
        } else if ((c & 0xC0) != 0x80) {
            p->walk_pos.col++;
        }
    }
    p->walk_off = off;
    return p->walk_pos;
}

static pg_pos pos_at_slow(const parser *p, size_t off)
{
    size_t lo = 0, hi = p->n_lines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (p->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    int col = 1;
    for (size_t i = p->line_starts[lo]; i < off && i < p->len; i++)
        if ((src_at(p, i) & 0xC0) != 0x80)
            col++;
    return (pg_pos){(int)lo + 1, col};
}

void diag(parser *p, pg_diag_code code, pg_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_diag_vadd(p->diags, code, p->doc->file, pos.line, pos.col, fmt, ap);
    va_end(ap);
    if (pg_diag_level(code) == PG_LEVEL_ERROR)
        p->errors++;
}

/* ---- pre-scan: encoding, DOCTYPE, entities, start tags ------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Unicode's noncharacters (U+FDD0-FDEF, U+xFFFE and U+xFFFF of every plane):
 * valid UTF-8, never text; no font draws them and the writers fail on them. */
static int noncharacter(unsigned long cp)
{
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

static void report_noncharacter(parser *p, size_t off, unsigned long cp)
{
    diag(p, PG_E_CHAR, pos_at(p, off),
         "U+%04lX is a Unicode noncharacter, which no text may hold; remove it", cp);
}

static int starts(const parser *p, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return i + n <= p->len && memcmp(p->buf + i, lit, n) == 0;
}

/* Offset just past the first occurrence of lit at or after i, or len. */
static size_t skip_past(const parser *p, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    for (; i + n <= p->len; i++)
        if (memcmp(p->buf + i, lit, n) == 0)
            return i + n;
    return p->len;
}

/* The encoding=\"...\" of the XML declaration when it is not UTF-8, as "
 * (it declares encoding=\"windows-1258\")", else "". Arena copy. */
static const char *declared_encoding(parser *p)
{
    if (!starts(p, 0, "<?xml"))
        return "";
    size_t end = skip_past(p, 5, "?>");
    for (size_t i = 5; i + 10 < end; i++) {
        if (memcmp(p->buf + i, "encoding", 8) != 0)
            continue;
        size_t j = i + 8;
        while (j < end && (p->buf[j] == ' ' || p->buf[j] == '='))
            j++;
        if (j >= end || (p->buf[j] != '"' && p->buf[j] != '\''))
            return "";
        size_t k = j + 1;
        while (k < end && p->buf[k] != p->buf[j] && k - j < 40)
            k++;
        if (k - j - 1 == 5 && g_ascii_strncasecmp(p->buf + j + 1, "UTF-8", 5) == 0)
            return "";
        char *says = g_strdup_printf(_(" (it declares encoding=\"%.*s\")"), (int)(k - j - 1),
                                     p->buf + j + 1);
        const char *out = pg_arena_strdup(p->doc->arena, says);
        g_free(says);
        return out;
    }
    return "";
}

/* A file saved as UTF-16 (Notepad's "Unicode"), with or without its byte order
 * mark: one error for the file, not one per NUL byte. */
static int check_utf16(parser *p)
{
    const unsigned char *s = (const unsigned char *)p->buf;
    if (p->len < 2)
        return 1;
    int bom = (s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF);
    /* '<' (or any ASCII) beside a NUL: the first character of an XML file */
    int bare = (s[0] != 0 && s[0] < 0x80 && s[1] == 0) || (s[0] == 0 && s[1] != 0 && s[1] < 0x80);
    if (!bom && !bare)
        return 1;
    diag(p, PG_E_UTF8, (pg_pos){1, 1},
         N_("the file is saved as UTF-16%s (Notepad's \"Unicode\"); save the file as UTF-8 "
            "(Notepad: File > Save As, Encoding: UTF-8)"),
         bom ? "" : _(" without a byte order mark"));
    return 0;
}

/* Offset of the first byte that is not UTF-8 when the file holds no valid
 * multi-byte character at all: a file saved in an 8-bit code page
 * (Windows-1258, TCVN3, Latin-1), not a UTF-8 file with a stray byte; else
 * (size_t)-1. */
static size_t legacy_code_page(const parser *p)
{
    const unsigned char *s = (const unsigned char *)p->buf;
    size_t first_bad = (size_t)-1;
    for (size_t i = 0; i < p->len;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq(s + i, p->len - i);
        if (n > 1)
            return (size_t)-1;
        if (first_bad == (size_t)-1)
            first_bad = i;
        i++;
    }
    return first_bad;
}

static int check_encoding(parser *p)
{
    int bad = 0;
    const unsigned char *s = (const unsigned char *)p->buf;
    if (!check_utf16(p))
        return 0;
    size_t legacy = legacy_code_page(p);
    if (legacy != (size_t)-1) {
        diag(p, PG_E_UTF8, pos_at(p, legacy),
             "byte 0x%02X: the file is saved in an old code page such as Windows-1258 or "
             "TCVN3%s, not UTF-8; save the file as UTF-8 (Notepad: File > Save As, Encoding: "
             "UTF-8)",
             s[legacy], declared_encoding(p));
        return 0;
    }
    for (size_t i = 0; i < p->len && bad < MAX_UTF8_REPORTS;) {
        if (s[i] == 0) {
            diag(p, PG_E_UTF8, pos_at(p, i), "NUL byte in the file; remove it");
            bad++;
            i++;
            continue;
        }
        size_t n = utf8_seq(s + i, p->len - i);
        if (n == 0) {
            diag(p, PG_E_UTF8, pos_at(p, i),
                 "byte 0x%02X does not start a valid UTF-8 character; save the plan as UTF-8",
                 s[i]);
            bad++;
            i++;
            while (i < p->len && (s[i] & 0xC0) == 0x80)
                i++;
            continue;
        }
        if (n >= 3) {
            unsigned long cp = g_utf8_get_char_validated(p->buf + i, (gssize)n);
            if (noncharacter(cp)) {
                report_noncharacter(p, i, cp);
                bad++;
            }
        }
        i += n;
    }
    return bad == 0;
}

static int name_char(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == ':';
}

static void check_entity(parser *p, size_t i)
{
    size_t j = i + 1;
    if (j < p->len && p->buf[j] == '#') {
        /* a character reference: libxml2 checks its form and refuses what XML
         * forbids; a noncharacter is refused here */
        int hex = j + 1 < p->len && p->buf[j + 1] == 'x';
        unsigned long cp = 0;
        for (j += hex ? 2 : 1; j < p->len && cp <= 0x10FFFF; j++) {
            int d = g_ascii_xdigit_value(p->buf[j]);
            if (d < 0 || (!hex && d > 9))
                break;
            cp = cp * (hex ? 16 : 10) + (unsigned long)d;
        }
        if (j < p->len && p->buf[j] == ';' && cp <= 0x10FFFF && noncharacter(cp))
            report_noncharacter(p, i, cp);
        return;
    }
    while (j < p->len && name_char((unsigned char)p->buf[j]))
        j++;
    if (j >= p->len || p->buf[j] != ';' || j == i + 1) {
        /* "Văn hóa & Xã hội": XML takes '&' only as the start of a reference */
        diag(p, PG_E_XML, pos_at(p, i),
             "a bare \"&\" (XML reads it as the start of a reference); write &amp; for the "
             "character: \"Văn hóa &amp; Xã hội\"");
        return;
    }
    size_t n = j - i - 1;
    static const char *const predefined[] = {"lt", "gt", "amp", "quot", "apos"};
    for (size_t k = 0; k < sizeof predefined / sizeof predefined[0]; k++)
        if (strlen(predefined[k]) == n && memcmp(p->buf + i + 1, predefined[k], n) == 0)
            return;
    diag(p, PG_E_ENTITY, pos_at(p, i),
         "&%.*s; is not one of the five predefined XML entities; write the character itself",
         (int)n, p->buf + i + 1);
}

static void add_tag(parser *p, size_t start, size_t end)
{
    if (p->n_tags == p->cap_tags) {
        p->cap_tags = p->cap_tags ? p->cap_tags * 2 : 256;
        p->tags = pg_xrealloc(p->tags, p->cap_tags * sizeof(tag));
    }
    p->tags[p->n_tags++] = (tag){(uint32_t)start, (uint32_t)end, pos_at(p, start)};
}

/* A value opened with a typographic quote (“ ” ‘ ’, Word's smart quotes) after
 * the '=' at eq of the start tag at tag_start: one error naming the attribute. */
static void smart_quote(parser *p, size_t tag_start, size_t eq)
{
    size_t v = eq + 1;
    while (v < p->len && (p->buf[v] == ' ' || p->buf[v] == '\t'))
        v++;
    if (!(starts(p, v, "\xE2\x80\x9C") || starts(p, v, "\xE2\x80\x9D") ||
          starts(p, v, "\xE2\x80\x98") || starts(p, v, "\xE2\x80\x99")))
        return;
    size_t name = eq;
    while (name > tag_start + 1 && (p->buf[name - 1] == ' ' || p->buf[name - 1] == '\t'))
        name--;
    size_t end = name;
    while (name > tag_start + 1 && name_char((unsigned char)p->buf[name - 1]))
        name--;
    diag(p, PG_E_XML, pos_at(p, v),
         "the value of %.*s= starts with the typographic quote %.3s (a word processor's smart "
         "quote); write straight quotes: %.*s=\"...\"",
         (int)(end - name), p->buf + name, p->buf + v, (int)(end - name), p->buf + name);
}

/* Returns 0 when the file must not be handed to the XML parser at all. */
static int prescan(parser *p)
{
    int ok = 1;
    for (size_t i = 0; i < p->len;) {
        char c = p->buf[i];
        if (c == '&') {
            check_entity(p, i);
            i++;
        } else if (c != '<') {
            i++;
        } else if (starts(p, i, "<!--")) {
            i = skip_past(p, i + 4, "-->");
        } else if (starts(p, i, "<?")) {
            i = skip_past(p, i + 2, "?>");
        } else if (starts(p, i, "<![CDATA[")) {
            i = skip_past(p, i + 9, "]]>");
        } else if (starts(p, i, "<!")) {
            diag(p, PG_E_DOCTYPE, pos_at(p, i),
                 "plans may not declare a DTD or entities; remove the <!DOCTYPE ...> declaration");
            ok = 0;
            /* skip the whole declaration, internal subset included */
            size_t j = i + 2;
            while (j < p->len && p->buf[j] != '[' && p->buf[j] != '>')
                j++;
            i = j < p->len && p->buf[j] == '[' ? skip_past(p, j, "]") : j;
            i = skip_past(p, i, ">");
        } else if (starts(p, i, "</")) {
            i = skip_past(p, i + 2, ">");
        } else {
            /* a start tag: find its '>' outside quoted attribute values */
            size_t j = i + 1;
            char quote = 0;
            for (; j < p->len; j++) {
                char d = p->buf[j];
                if (quote) {
                    if (d == quote)
                        quote = 0;
                    else if (d == '&')
                        check_entity(p, j);
                } else if (d == '"' || d == '\'') {
                    quote = d;
                } else if (d == '=') {
                    smart_quote(p, i, j);
                } else if (d == '>' || d == '<') {
                    break;
                }
            }
            add_tag(p, i, j < p->len ? j + 1 : p->len);
            i = j < p->len && p->buf[j] == '>' ? j + 1 : j;
        }
    }
    return ok;
}

/* ---- libxml2 error collection -------------------------------------------- */

typedef struct {
    parser *p;
    pg_diag_code code;
    pg_diag_list found;
} xml_errors;


/* Position of the start tag of <name> on line (libxml2's record of an open
 * element), or {0, 0}. */
static pg_pos open_tag_pos(const parser *p, const char *name, int line)
{
    size_t n = strlen(name);
    for (size_t k = 0; k < p->n_tags; k++) {
        const tag *t = &p->tags[k];
        if (t->pos.line == line && t->start + 1 + n < p->len && src_is(p, t->start + 1, name, n) &&
            !name_char(src_at(p, t->start + 1 + n)))
            return t->pos;
    }
    return (pg_pos){0, 0};
}

static void collect_error(void *ud, xmlErrorPtr e)
{
    xml_errors *xe = ud;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    char *msg = pg_xstrdup(e->message ? e->message : _("error"));
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    pg_pos pos = {e->line, e->int2};
    if (e->node && ((xmlNode *)e->node)->type == XML_ELEMENT_NODE)
        pos = node_pos(xe->p, e->node);
    if (xe->found.n == 0 && e->str1 &&
        (e->code == XML_ERR_TAG_NAME_MISMATCH || e->code == XML_ERR_TAG_NOT_FINISHED)) {
        /* an element left open: reported at its start tag, not where the parser
         * noticed (often the end of the file) */
        pg_pos open = open_tag_pos(xe->p, e->str1, e->int1);
        if (open.line) {
            char why[512];
            if (e->code == XML_ERR_TAG_NAME_MISMATCH && e->str2)
                snprintf(why, sizeof why,
                         _("<%s> is not closed before </%s> (line %d); add </%s> where the "
                           "element should end"),
                         e->str1, e->str2, e->line, e->str1);
            else
                snprintf(why, sizeof why,
                         _("<%s> is never closed (the file ends first); add </%s> where the "
                           "element should end"),
                         e->str1, e->str1);
            free(msg);
            msg = pg_xstrdup(why);
            pos = open;
        }
    }
    if (e->code == XML_ERR_INVALID_CHAR || e->code == XML_ERR_INVALID_ENCODING)
        xe->code = PG_E_UTF8;
    pg_diag_add(&xe->found, xe->code, xe->p->doc->file, pos.line, pos.col, "%s", msg);
    free(msg);
}

static void silent_error(void *ud, const char *fmt, ...)
{
    (void)ud;
    (void)fmt;
}

/* ---- element positions ----------------------------------------------------- */

pg_pos node_pos(const parser *p, const xmlNode *n)
{
    if (n && n->_private) {
        const tag *t = n->_private;
        return t->pos;
    }
    (void)p;
    return (pg_pos){n ? (int)xmlGetLineNo(n) : 0, 0};
}

/* Attaches each element to its start tag (both are in document order) and checks
 * the nesting depth. Iterative. Returns 0 when the tree is too deep. */
static int attach_positions(parser *p, xmlNode *root, int max_depth)
{
    size_t k = 0;
    int depth = 0;
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            n->_private = k < p->n_tags ? &p->tags[k] : NULL;
            k++;
            if (depth + 1 > max_depth) {
                diag(p, PG_E_TOO_DEEP, node_pos(p, n),
                     "elements nested more than %d deep; flatten the plan", max_depth);
                return 0;
            }
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            depth++;
            continue;
        }
        while (n && !n->next) {
            n = n->parent;
            depth--;
            if (n == root || depth < 0)
                return 1;
        }
        if (n == root)
            return 1;
        if (n)
            n = n->next;
    }
    return 1;
}

pg_pos attr_pos(const parser *p, const xmlNode *n, const char *name)
{
    const tag *t = n->_private;
    if (!t)
        return node_pos(p, n);
    size_t nl = strlen(name);
    for (size_t i = t->start + 1; i + nl < t->end; i++) {
        if (src_is(p, i, name, nl) && !name_char(src_at(p, i - 1)) && !name_char(src_at(p, i + nl)))
            return pos_at(p, i);
    }
    return t->pos;
}

/* ---- text ----------------------------------------------------------------- */

/* Returns s in NFC with white-space runs folded to one space (arena copy). Warns
 * at pos when s was not in NFC. */
/* True when every character of s lies where Unicode has only characters that are
 * their own NFC and never combine with a neighbour: Latin up to the combining
 * marks (U+0000-02FF), the precomposed Vietnamese letters (U+1E00-1EFF) and
 * general punctuation (U+2002-206F). Plans are almost all such text; the rest
 * goes through g_utf8_normalize(). */
int pg_text_surely_nfc(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        gunichar c = g_utf8_get_char_validated((const char *)p, end - p);
        if (c == (gunichar)-1 || c == (gunichar)-2)
            return 0;
        if (!(c < 0x300 || (c >= 0x1E00 && c <= 0x1EFF) || (c >= 0x2002 && c <= 0x206F)))
            return 0;
        p = (const unsigned char *)g_utf8_next_char(p);
    }
    return 1;
}

/* s in NFC, g_free(); NULL when s is not valid UTF-8. */
static char *nfc_dup(const char *s)
{
    size_t n = strlen(s);
    return pg_text_surely_nfc(s, n) ? g_strndup(s, n) : g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
}

/* Whether s is already in NFC. */
int is_nfc(const char *s)
{
    if (pg_text_surely_nfc(s, strlen(s)))
        return 1;
    char *nfc = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
    int same = nfc && strcmp(nfc, s) == 0;
    g_free(nfc);
    return same;
}

char *clean_text(parser *p, const char *s, pg_pos pos, int trim)
{
    if (p->max_text && strlen(s) > p->max_text) {
        diag(p, PG_E_TOO_LARGE, pos, "a text of %zu bytes; the limit is %zu (--max-text)",
             strlen(s), p->max_text);
        /* the plan fails; its first bytes stand in, so that no "empty" error follows */
        const char *end = g_utf8_find_prev_char(s, s + p->max_text + 1);
        return pg_arena_strndup(p->doc->arena, s, end ? (size_t)(end - s) : 0);
    }
    char *nfc = nfc_dup(s);
    if (!nfc)
        nfc = g_strdup(s);
    if (strcmp(nfc, s) != 0)
        diag(p, PG_W_NOT_NFC, pos,
             "decomposed characters were composed (save the file in NFC to silence this)");
    size_t n = strlen(nfc);
    char *out = pg_arena_alloc(p->doc->arena, n + 1);
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = nfc[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = 1;
            continue;
        }
        if (space && (o > 0 || !trim))
            out[o++] = ' ';
        space = 0;
        out[o++] = c;
    }
    if (space && !trim)
        out[o++] = ' ';
    out[o] = '\0';
    g_free(nfc);
    return out;
}

/* Position of the first non-NFC character of a text node, else of its parent. */
pg_pos text_pos(const parser *p, const xmlNode *text)
{
    pg_pos pos = node_pos(p, text->parent);
    const tag *t = text->parent ? text->parent->_private : NULL;
    const char *s = (const char *)text->content;
    if (!t || !s)
        return pos;
    size_t probe = strlen(s) < 12 ? strlen(s) : 12;
    for (size_t i = t->end; i + probe <= p->len; i++)
        if (src_is(p, i, s, probe)) {
            /* the first character that NFC changes */
            const char *c = s;
            while (*c) {
                const char *nx = g_utf8_next_char(c);
                char *a = g_utf8_normalize(c, nx - c, G_NORMALIZE_NFC);
                char *b2 = g_utf8_normalize(c, -1, G_NORMALIZE_NFC);
                int same = a && strncmp(a, c, (size_t)(nx - c)) == 0 && strlen(a) == (size_t)(nx - c);
                int next_combining = *nx && g_unichar_combining_class(g_utf8_get_char(nx)) != 0;
                g_free(a);
                g_free(b2);
                if (!same || next_combining)
                    break;
                c = nx;
            }
            return pos_at(p, i + (size_t)(c - s));
        }
    return pos;
}

const char *attr(parser *p, const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    /* the attribute's position is looked up only when a warning needs it */
    pg_pos pos = is_nfc((const char *)v) ? node_pos(p, n) : attr_pos(p, n, name);
    char *s = clean_text(p, (const char *)v, pos, 1);
    xmlFree(v);
    return s;
}

int is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 && n->ns &&
           strcmp((const char *)n->ns->href, PG_NS) == 0;
}

int is_text(const xmlNode *n)
{
    return n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
}

int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* Edits (insert, delete, replace, swap two neighbours) from a to b, both ASCII
 * element names; stops counting past 3. */
static int edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    enum { MAXN = 32 };
    if (na >= MAXN || nb >= MAXN)
        return 3;
    int d[MAXN][MAXN];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[na][nb] > 3 ? 3 : d[na][nb];
}

/* The one name of allowed ("<p>, <item>") nearest to name, within one edit for
 * names of up to 4 letters and two for longer ones; NULL when there is none or
 * two are as near. Arena copy. */
static const char *nearest_name(parser *p, const char *name, const char *allowed)
{
    size_t nn = strlen(name);
    int limit = nn <= 4 ? 1 : 2, best_d = limit + 1, ties = 0;
    const char *best = NULL;
    size_t best_n = 0;
    for (const char *s = strchr(allowed, '<'); s; s = strchr(s + 1, '<')) {
        const char *e = strchr(s, '>');
        if (!e)
            break;
        int d = edit_distance(name, nn, s + 1, (size_t)(e - s - 1));
        if (d < best_d) {
            best_d = d, best = s + 1, best_n = (size_t)(e - s - 1), ties = 0;
        } else if (d == best_d) {
            ties++;
        }
    }
    return best && !ties ? pg_arena_strndup(p->doc->arena, best, best_n) : NULL;
}

int was_suggested(const parser *p, const char *name)
{
    for (int i = 0; i < p->n_suggested; i++)
        if (strcmp(p->suggested[i], name) == 0)
            return 1;
    return 0;
}

void unknown_element(parser *p, const xmlNode *n, const char *where, const char *allowed)
{
    if (n->ns && strcmp((const char *)n->ns->href, PG_NS) != 0) {
        diag(p, PG_E_UNKNOWN_ELEMENT, node_pos(p, n),
             "<%s> in namespace \"%s\" inside <%s>; plan elements belong to %s", n->name,
             n->ns->href, where, PG_NS);
        return;
    }
    const char *near = nearest_name(p, (const char *)n->name, allowed);
    if (near) {
        if (p->n_suggested < (int)(sizeof p->suggested / sizeof p->suggested[0]))
            p->suggested[p->n_suggested++] = near;
        diag(p, PG_E_UNKNOWN_ELEMENT, node_pos(p, n),
             "<%s> inside <%s>; did you mean <%s>? Correct the spelling in the start and end tags",
             n->name, where, near);
        return;
    }
    diag(p, PG_E_UNKNOWN_ELEMENT, node_pos(p, n), "<%s> inside <%s>; allowed here: %s", n->name,
         where, allowed);
}

/* Reports attributes of n not listed in allowed (NULL-terminated). */
void check_attrs(parser *p, const xmlNode *n, const char *const *allowed)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        int ok = 0;
        for (const char *const *k = allowed; *k; k++)
            if (strcmp((const char *)a->name, *k) == 0 && !a->ns)
                ok = 1;
        if (ok)
            continue;
        pg_buf b = {0};
        for (const char *const *k = allowed; *k; k++)
            pg_buf_printf(&b, "%s%s", k == allowed ? "" : ", ", *k);
        diag(p, PG_E_UNKNOWN_ATTRIBUTE, attr_pos(p, n, (const char *)a->name), "'%s' on <%s>; %s%s",
             a->name, n->name, *allowed ? _("allowed: ") : _("it takes none"), pg_buf_str(&b));
        pg_buf_free(&b);
    }
}

/* Whether c prints nothing: a space of any kind (NBSP, the Unicode spaces, line
 * and paragraph separators), a format character (ZWSP, ZWJ, word joiner, BOM,
 * soft hyphen), a control character or one of the filler letters. */
static int invisible(gunichar c)
{
    GUnicodeType t = g_unichar_type(c);
    return g_unichar_isspace(c) || t == G_UNICODE_FORMAT || t == G_UNICODE_CONTROL ||
           t == G_UNICODE_SPACE_SEPARATOR || c == 0x115F || c == 0x1160 || c == 0x3164 ||
           c == 0xFFA0 || c == 0x2800;
}

int invisible_only(const char *s, gunichar *first)
{
    *first = 0;
    for (const char *c = s; *c; c = g_utf8_next_char(c)) {
        gunichar u = g_utf8_get_char(c);
        if (!invisible(u))
            return 0;
        if (!*first && u != ' ')
            *first = u;
    }
    return *first != 0;
}

int visible_value(parser *p, const xmlNode *n, const char *name, const char *v,
                  const char *hint)
{
    gunichar c;
    if (!v)
        return 1;
    if (!*v) {
        diag(p, PG_E_EMPTY, attr_pos(p, n, name), "%s=\"\" on <%s>; %s", name, n->name, _(hint));
        return 0;
    }
    if (invisible_only(v, &c)) {
        diag(p, PG_E_EMPTY, attr_pos(p, n, name),
             "%s= on <%s> holds only invisible characters (U+%04X); %s", name, n->name, c, _(hint));
        return 0;
    }
    return 1;
}

void visible_text(parser *p, const xmlNode *x, const pg_node *n, const char *hint)
{
    char *t = pg_inline_text(n);
    gunichar c;
    if (*t && invisible_only(t, &c))
        diag(p, PG_E_EMPTY, node_pos(p, x), "<%s> holds only invisible characters (U+%04X); %s",
             x->name, c, _(hint));
    free(t);
}

/* Text of an element that holds only text; reports child elements. Arena copy. */
const char *simple_text(parser *p, const xmlNode *n)
{
    pg_buf b = {0};
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (is_text(c))
            pg_buf_puts(&b, (const char *)c->content);
        else if (c->type == XML_ELEMENT_NODE)
            unknown_element(p, c, (const char *)n->name, _("text only"));
    }
    const char *s = clean_text(p, pg_buf_str(&b), node_pos(p, n), 1);
    pg_buf_free(&b);
    gunichar c;
    if (!*s)
        diag(p, PG_E_EMPTY, node_pos(p, n), "<%s> is empty; write its text between the tags",
             n->name);
    else if (invisible_only(s, &c))
        diag(p, PG_E_EMPTY, node_pos(p, n),
             "<%s> holds only invisible characters (U+%04X); write its text between the tags",
             n->name, c);
    return s;
}

/* ---- schema --------------------------------------------------------------- */

struct pg_schema {
    xmlRelaxNGPtr rng; /* NULL: it could not be compiled */
    GThread *thread;   /* compiling it (pg_schema_start), until joined */
    char *path;
    /* whether rng accepts the frame and each stand-in (start_schema): 0 not
     * known yet, 1 it does, -1 it does not; the same for every plan, as the
     * frame and the stand-ins are (atomic: threads of serve share a schema) */
    gint frame_verdict;
};

static xmlRelaxNGPtr compile_schema(const char *path)
{
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlSetGenericErrorFunc(NULL, silent_error);
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNGPtr rng = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGFreeParserCtxt(pc);
    return rng;
}

pg_schema *pg_schema_load(const char *path)
{
    xmlRelaxNGPtr rng = compile_schema(path);
    if (!rng)
        return NULL;
    pg_schema *s = pg_xcalloc(1, sizeof *s);
    s->rng = rng;
    return s;
}

static gpointer compile_thread(gpointer data)
{
    pg_schema *s = data;
    s->rng = compile_schema(s->path);
    return NULL;
}

pg_schema *pg_schema_start(const char *path)
{
    xmlInitParser(); /* libxml2's global state, before a second thread uses it */
    pg_schema *s = pg_xcalloc(1, sizeof *s);
    s->path = pg_xstrdup(path);
    s->thread = g_thread_new("plangen schema", compile_thread, s);
    return s;
}

void pg_schema_wait(pg_schema *s)
{
    if (s && s->thread) {
        g_thread_join(s->thread);
        s->thread = NULL;
    }
}

void pg_schema_free(pg_schema *s)
{
    if (!s)
        return;
    pg_schema_wait(s);
    xmlRelaxNGFree(s->rng);
    free(s->path);
    free(s);
}

static void validate_schema(parser *p, xmlDoc *xdoc, const char *schema_path, pg_schema *compiled)
{
    pg_timing_mark("parse (the plan, and its parents during resolve)");
    pg_schema_wait(compiled);
    pg_timing_mark("schema: waiting for its compilation");
    if (compiled && !compiled->rng)
        compiled = NULL; /* it could not be compiled: tried again below, and said */
    xml_errors xe = {p, PG_E_SCHEMA, {0}};
    xmlSetStructuredErrorFunc(&xe, collect_error);
    xmlRelaxNGParserCtxtPtr pc = compiled ? NULL : xmlRelaxNGNewParserCtxt(schema_path);
    xmlRelaxNGPtr schema = compiled ? compiled->rng : pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGValidCtxtPtr vc = schema ? xmlRelaxNGNewValidCtxt(schema) : NULL;
    if (!vc) {
        pg_diag_list_free(&xe.found);
        diag(p, PG_E_SCHEMA, (pg_pos){0, 0}, N_("cannot load the schema %s"), schema_path);
    } else {
        xmlRelaxNGValidateDoc(vc, xdoc);
    }
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlRelaxNGFreeValidCtxt(vc);
    if (!compiled)
        xmlRelaxNGFree(schema);
    xmlRelaxNGFreeParserCtxt(pc);
    /* Our own checks say the same things more precisely: the schema's findings are
     * reported only when ours found nothing, as a safety net. */
    if (p->errors == 0)
        pg_diag_take(p->diags, &xe.found);
    pg_diag_list_free(&xe.found);
    pg_timing_mark("schema: validate");
}

/* ---- the plan a child at a time ------------------------------------------ */

/* While libxml2 reads the plan, each child of <plan> is converted into the model
 * as soon as its end tag is read, checked against the schema and freed: the
 * libxml2 tree holds the <plan> element, its few small children (the header,
 * recipients, signature), a stand-in of a few bytes for each child freed, and
 * the child being read; never the whole plan (2.6 times the file's size for the
 * plan of 2,000 pages).
 *
 * What is reported is what converting the whole tree after the parse reported:
 * the conversion's diagnostics are held until the end, and dropped when the
 * plan turns out not to be well-formed, or too deep (the parse's own findings
 * come alone, as before).
 *
 * The schema: each child is validated inside a minimal valid plan (the frame),
 * where the schema's patterns see it as they see it in its own plan (a block, an
 * appendix); a child that passes is replaced by a small valid element of the same
 * name (its stand-in), and at the end the plan, stand-ins and kept children in
 * their own order, is validated once more: the plan is valid when every one of
 * these is. IDs stay registered in the one document when their elements are
 * freed, so that a duplicate is still seen. Only when something fails and plangen's
 * own checks found nothing is the schema's message needed: the plan is then read
 * again whole and validated as before (validate_schema). */
typedef struct {
    parser *p;
    int max_depth;
    size_t elements; /* start tags read: the next element's index in p->tags */
    int depth;       /* of the element being read; the root's is 1 */
    xmlNode *root;
    xmlNode *done;   /* the root's last child converted (NULL: none yet) */
    int convert;     /* the root is <plan> and nothing is too deep: convert */
    int whole;       /* keep the whole tree: the schema validates it at the end */
    int too_deep;    /* an element nested deeper than max_depth was read */
    pg_pos deep_pos; /* its position */
    /* the schema, while reading (NULL: no check, or the whole tree's at the end) */
    xmlRelaxNGPtr rng;
    pg_schema *schema; /* the one rng was compiled in */
    xmlNode *frame;     /* a minimal valid plan, not in the document's tree */
    xmlNode *frame_sig; /* its <signature>: blocks are checked before it */
    int invalid;        /* a child, or the plan, failed the schema */
} reading;

/* Elements of the plan checked in the frame and replaced by a stand-in: the
 * plan's bulk. Others (header, recipients, signature, edits) stay whole. */
static const char *const streamed[] = {"section", "p", "item", "table", "appendix"};

static int streamed_name(const xmlNode *n)
{
    for (size_t i = 0; i < sizeof streamed / sizeof streamed[0]; i++)
        if (is_el(n, streamed[i]))
            return 1;
    return 0;
}

/* The smallest element named like a streamed element that the schema accepts
 * where it stands (RELAX NG's text matches no text at all: <p/> passes):
 * one node but for a table's and an appendix's. Owned by the caller (not
 * linked). */
static xmlNode *stand_in(xmlDoc *doc, xmlNs *ns, const char *name)
{
    xmlNode *n = xmlNewDocNode(doc, ns, (const xmlChar *)name, NULL);
    if (!n)
        pg_oom();
    if (strcmp(name, "table") == 0) {
        xmlNode *row = xmlNewChild(n, ns, (const xmlChar *)"row", NULL);
        xmlNewChild(row, ns, (const xmlChar *)"cell", NULL);
    } else if (strcmp(name, "appendix") == 0) {
        xmlNewChild(n, ns, (const xmlChar *)"p", NULL);
    }
    return n;
}

static void count_error(void *ud, xmlErrorPtr e)
{
    (void)e;
    (*(int *)ud)++;
}

/* Whether the document's tree with root in place of its root element passes the
 * schema; nothing is reported (the parse's error collector is set aside). */
static int valid_as_root(reading *rd, xmlNode *root)
{
    xmlDoc *doc = rd->root->doc;
    xmlStructuredErrorFunc saved = xmlStructuredError;
    void *saved_ctx = xmlStructuredErrorContext;
    int errors = 0;
    xmlSetStructuredErrorFunc(&errors, count_error);
    xmlNode *real = root != rd->root ? xmlDocSetRootElement(doc, root) : NULL;
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(rd->rng);
    if (!vc)
        pg_oom();
    xmlRelaxNGSetValidStructuredErrors(vc, count_error, &errors);
    int ok = xmlRelaxNGValidateDoc(vc, doc) == 0 && errors == 0;
    xmlRelaxNGFreeValidCtxt(vc);
    if (real)
        xmlDocSetRootElement(doc, real);
    xmlSetStructuredErrorFunc(saved_ctx, saved);
    return ok;
}

/* Whether the plan's child c (a streamed element) passes the schema in the
 * frame: a block before the frame's signature, an appendix after it. */
static int valid_in_frame(reading *rd, xmlNode *c)
{
    xmlUnlinkNode(c);
    if (is_el(c, "appendix"))
        xmlAddChild(rd->frame, c);
    else
        xmlAddPrevSibling(rd->frame_sig, c);
    int ok = valid_as_root(rd, rd->frame);
    xmlUnlinkNode(c);
    return ok;
}

/* Sets up the check of each child in the frame, for the plan element root; falls
 * back to the whole tree when the frame or a stand-in fails the schema (a schema
 * changed beyond what the frame knows). */
static void start_schema(reading *rd, xmlNode *root)
{
    xmlDoc *doc = root->doc;
    xmlNs *ns = root->ns;
    xmlNode *f = xmlNewDocNode(doc, ns, (const xmlChar *)"plan", NULL);
    if (!f)
        pg_oom();
    xmlNode *issuer = xmlNewChild(f, ns, (const xmlChar *)"issuer", (const xmlChar *)"x");
    xmlNewProp(issuer, (const xmlChar *)"symbol", (const xmlChar *)"x");
    xmlNewChild(f, ns, (const xmlChar *)"place", (const xmlChar *)"x");
    xmlNewChild(f, ns, (const xmlChar *)"date", (const xmlChar *)"2000-01-01");
    xmlNewChild(f, ns, (const xmlChar *)"summary", (const xmlChar *)"x");
    xmlAddChild(f, stand_in(doc, ns, "p"));
    rd->frame_sig = xmlNewChild(f, ns, (const xmlChar *)"signature", NULL);
    xmlNewProp(rd->frame_sig, (const xmlChar *)"title", (const xmlChar *)"x");
    xmlNewProp(rd->frame_sig, (const xmlChar *)"name", (const xmlChar *)"x");
    rd->frame = f;
    int verdict = g_atomic_int_get(&rd->schema->frame_verdict);
    int ok = verdict > 0;
    if (!verdict) {
        ok = valid_as_root(rd, f);
        for (size_t i = 0; ok && i < sizeof streamed / sizeof streamed[0]; i++) {
            xmlNode *s = stand_in(doc, ns, streamed[i]);
            ok = valid_in_frame(rd, s);
            xmlFreeNode(s);
        }
        g_atomic_int_set(&rd->schema->frame_verdict, ok ? 1 : -1);
    }
    if (!ok) {
        rd->whole = 1;
        rd->rng = NULL;
    }
}

/* Clears the ID type libxml2 gave the attributes of n's subtree when it
 * validated them, so that freeing them leaves their IDs in the document's table
 * (libxml2 never reads the attribute an ID entry points to; it compares it).
 * Recursive: as deep as the nesting limit. */
static void keep_ids(xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE)
        return;
    for (xmlAttr *a = n->properties; a; a = a->next)
        if (a->atype == XML_ATTRIBUTE_ID)
            a->atype = XML_ATTRIBUTE_CDATA;
    for (xmlNode *c = n->children; c; c = c->next)
        keep_ids(c);
}

/* Converts the root's children read since the last call, then frees those no
 * longer needed. */
static void take_children(reading *rd)
{
    xmlNode *root = rd->root;
    xmlNode *from = rd->done ? rd->done->next : root->children;
    if (rd->convert)
        build_plan_children(rd->p, root, from);
    if (rd->whole && rd->convert) {
        rd->done = root->last;
        return;
    }
    for (xmlNode *c = from, *next; c; c = next) {
        next = c->next;
        xmlNode *keep = NULL;
        if (rd->rng && rd->convert && !rd->invalid && c->type == XML_ELEMENT_NODE) {
            if (!streamed_name(c))
                keep = c;
            else if (!valid_in_frame(rd, c))
                rd->invalid = 1;
            else
                keep = stand_in(root->doc, root->ns, (const char *)c->name);
        }
        if (keep == c)
            continue;
        xmlUnlinkNode(c);
        if (rd->rng)
            keep_ids(c);
        xmlFreeNode(c);
        if (keep)
            xmlAddChild(root, keep);
    }
    rd->done = root->last;
}

static void start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                          const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                          int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    reading *rd = ctxt->_private;
    xmlNode *parent = ctxt->node;
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
    xmlNode *n = ctxt->node;
    if (!n || n == parent)
        return; /* none made: libxml2 stopped with an error (nesting over its limit) */
    parser *p = rd->p;
    /* each element is attached to its start tag (both are in document order) */
    size_t k = rd->elements++;
    n->_private = k < p->n_tags ? &p->tags[k] : NULL;
    if (++rd->depth > rd->max_depth && !rd->too_deep) {
        rd->too_deep = 1;
        rd->deep_pos = node_pos(p, n);
        rd->convert = 0;
    }
    if (rd->depth == 1) {
        rd->root = n;
        rd->convert = !rd->too_deep && is_el(n, "plan");
        if (rd->convert) {
            if (rd->rng)
                start_schema(rd, n);
            build_plan_begin(p, n);
        }
    }
}

static void end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                        const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    reading *rd = ctxt->_private;
    xmlSAX2EndElementNs(ctx, localname, prefix, uri);
    if (--rd->depth <= 1)
        take_children(rd);
    if (rd->depth == 0 && rd->convert)
        build_plan_end(rd->p, rd->root);
}

/* ---- libxml2's input ------------------------------------------------------ */

/* libxml2 reads the plan through read_source in chunks, as it parses, instead of
 * copying it whole (xmlCtxtReadMemory keeps a copy of the bytes and another of
 * them "converted" from UTF-8 to UTF-8: three times the plan's size). What it
 * parses and reports stays the same (see start_document and first_chunk). */
typedef struct {
    const parser *p;
    size_t off; /* the next byte libxml2 reads */
} source_reader;

static int read_source(void *ctx, char *out, int n)
{
    source_reader *r = ctx;
    size_t left = r->p->len - r->off, k = n > 0 ? (size_t)n : 0;
    if (k > left)
        k = left;
    src_copy(r->p, out, k, r->off);
    r->off += k;
    return (int)k;
}

/* The plan is UTF-8 whatever its XML declaration says (the pre-scan refused
 * anything else). xmlCtxtReadMemory converts the whole file as UTF-8 before it
 * reads the declaration, so a declared encoding="ISO-8859-1" changed nothing;
 * read in chunks, the chunks after the declaration would be converted from
 * ISO-8859-1. The encoder the declaration installs is replaced by UTF-8's again
 * at the start of the document: nothing was converted with it by then, since the
 * first chunk holds the declaration, the blanks after it and 8 KiB more. */
static void start_document(void *ctx)
{
    xmlParserCtxtPtr ctxt = ctx;
    xmlSAX2StartDocument(ctx);
    xmlParserInputBufferPtr in = ctxt->input ? ctxt->input->buf : NULL;
    if (in && in->encoder && strcmp(in->encoder->name, "UTF-8") != 0) {
        xmlCharEncCloseFunc(in->encoder);
        in->encoder = xmlFindCharEncodingHandler("UTF-8");
    }
}

/* Bytes of the first chunk libxml2 is given: the XML declaration (after a byte
 * order mark), the blanks after it, and 8 KiB more. A plan of more than
 * XML_MAX_LOOKUP_LIMIT bytes (10,000,000) is given whole, as xmlCtxtReadMemory
 * does: libxml2 refuses one token (a text, a value, a comment) that long with
 * messages and positions that depend on how much of the input it holds. */
static size_t first_chunk(const parser *p)
{
    if (p->len > XML_MAX_LOOKUP_LIMIT)
        return p->len;
    size_t i = starts(p, 0, "\xEF\xBB\xBF") ? 3 : 0;
    if (starts(p, i, "<?xml")) {
        i = skip_past(p, i + 5, "?>");
        while (i < p->len &&
               (p->buf[i] == ' ' || p->buf[i] == '\t' || p->buf[i] == '\n' || p->buf[i] == '\r'))
            i++;
    }
    return i + 8192 < p->len ? i + 8192 : p->len;
}

/* Parses the plan as xmlCtxtReadMemory(ctxt, buf, len, name, "UTF-8",
 * XML_PARSE_NONET | XML_PARSE_NOCDATA) would (libxml2 2.9's xmlDoRead), reading
 * it in chunks; with rd, converting and freeing the plan's children as they are
 * read (see reading). Returns the tree (the caller frees it) or NULL when the
 * plan is not well-formed. */
static xmlDoc *read_xml(parser *p, xmlParserCtxtPtr ctxt, const char *name, reading *rd)
{
    source_reader r = {p, 0};
    xmlParserInputBufferPtr in =
        xmlParserInputBufferCreateIO(read_source, NULL, &r, XML_CHAR_ENCODING_NONE);
    if (!in)
        pg_oom();
    while (r.off < p->first_chunk) {
        char chunk[8192];
        size_t n = p->first_chunk - r.off < sizeof chunk ? p->first_chunk - r.off : sizeof chunk;
        read_source(&r, chunk, (int)n);
        if (xmlParserInputBufferPush(in, (int)n, chunk) < 0)
            pg_oom();
    }
    xmlParserInputPtr stream = xmlNewIOInputStream(ctxt, in, XML_CHAR_ENCODING_NONE);
    if (!stream) {
        xmlFreeParserInputBuffer(in);
        pg_oom();
    }
    inputPush(ctxt, stream);
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
    ctxt->encoding = xmlStrdup((const xmlChar *)"UTF-8");
    xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
    if (utf8)
        xmlSwitchToEncoding(ctxt, utf8);
    if (!ctxt->input->filename)
        ctxt->input->filename = (char *)xmlStrdup((const xmlChar *)name);
    ctxt->sax->startDocument = start_document;
    if (rd) {
        ctxt->_private = rd;
        ctxt->sax->startElementNs = start_element;
        ctxt->sax->endElementNs = end_element;
    }
    xmlParseDocument(ctxt);
    xmlDoc *doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    if (!ctxt->wellFormed) {
        if (rd && rd->frame) {
            xmlFreeNode(rd->frame); /* before its document */
            rd->frame = NULL;
        }
        xmlFreeDoc(doc);
        doc = NULL;
    }
    return doc;
}

/* The plan's whole tree, read again (after a first reading found it
 * well-formed), its elements attached to their start tags. */
static xmlDoc *read_whole(parser *p, const char *name, int max_depth)
{
    xml_errors xe = {p, PG_E_XML, {0}};
    xmlSetStructuredErrorFunc(&xe, collect_error);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        pg_oom();
    xmlDoc *doc = read_xml(p, ctxt, name, NULL);
    xmlFreeParserCtxt(ctxt);
    xmlSetStructuredErrorFunc(NULL, NULL);
    pg_diag_list_free(&xe.found);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root)
        attach_positions(p, root, max_depth);
    return doc;
}

/* ---- entry points -------------------------------------------------------------- */

/* Parses the len bytes at buf. With fd, the file buf was read from, buf (heap)
 * is freed once the pre-scan is done and the file read again as needed;
 * *reread then says so, for pg_doc_parse_file to check that it did not change. */
static pg_doc *parse_plan(const char *buf, size_t len, int fd, const char *name,
                          const pg_parse_opts *opts, pg_diag_list *diags, int *reread)
{
    parser p = {0};
    p.doc = pg_doc_new(name);
    pg_sha256_hex(buf, len, p.doc->source_hash);
    p.base_dir = g_path_get_dirname(name ? name : ".");
    {
        const char *root = opts && opts->root ? opts->root : p.base_dir;
        p.root = realpath(root, NULL);
        if (!p.root)
            p.root = pg_xstrdup("/nonexistent-plans-root");
    }
    p.diags = diags;
    p.buf = buf;
    p.len = len;
    size_t max_bytes = opts && opts->max_bytes ? opts->max_bytes : DEFAULT_MAX_BYTES;
    int max_depth = opts && opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
    xmlParserCtxtPtr ctxt = NULL;
    xmlDoc *xdoc = NULL;
    /* the conversion's diagnostics wait in later until the plan is known to be
     * well-formed and not too deep */
    pg_diag_list later = {0};
    int unread = 0; /* what was converted is dropped (see cleanup) */
    reading rd = {.p = &p, .max_depth = max_depth};
    source src = {.fd = fd, .len = len};

    if (len > max_bytes) {
        diag(&p, PG_E_TOO_LARGE, (pg_pos){0, 0}, N_("%zu bytes; the limit is %zu"), len, max_bytes);
        goto cleanup;
    }
    if (len > INT32_MAX)
        goto cleanup;
    index_lines(&p);
    p.walk_pos = (pg_pos){1, 1};
    if (!check_encoding(&p))
        goto cleanup;
    if (!prescan(&p) || p.errors)
        goto cleanup;
    /* kept for the positions while the model is built: no room to spare */
    p.line_starts = pg_xrealloc(p.line_starts, p.n_lines * sizeof *p.line_starts);
    if (p.n_tags)
        p.tags = pg_xrealloc(p.tags, p.n_tags * sizeof *p.tags);
    size_t max_nodes = opts && opts->max_nodes ? opts->max_nodes : DEFAULT_MAX_NODES;
    if (p.n_tags > max_nodes) {
        diag(&p, PG_E_TOO_LARGE, p.tags[max_nodes].pos,
             "more than %zu elements; split the plan (or raise --max-nodes)", max_nodes);
        goto cleanup;
    }
    p.max_text = opts && opts->max_text ? opts->max_text : DEFAULT_MAX_TEXT;
    p.max_image_pixels =
        opts && opts->max_image_pixels ? opts->max_image_pixels : DEFAULT_MAX_IMAGE_PIXELS;
    p.max_image_bytes =
        opts && opts->max_image_bytes ? opts->max_image_bytes : DEFAULT_MAX_IMAGE_BYTES;
    p.first_chunk = first_chunk(&p);
    if (fd >= 0) {
        /* the pre-scan is done with the copy in memory */
        free((char *)buf);
        p.buf = buf = NULL;
        p.src = &src;
        *reread = 1;
    }

    int check_schema = opts && (opts->schema || opts->schema_path);
    if (check_schema && opts->schema) {
        /* each child is checked as it is read: the schema compiled beside the
         * pre-scan is needed now */
        pg_schema_wait(opts->schema);
        rd.rng = opts->schema->rng;
        rd.schema = opts->schema;
        if (!rd.rng)
            rd.whole = 1; /* it could not be compiled: tried again at the end, and said */
    }
    else if (check_schema)
        rd.whole = 1; /* the schema compiled at the end, from its path */
    xml_errors xe = {&p, PG_E_XML, {0}};
    xmlSetGenericErrorFunc(NULL, silent_error);
    xmlSetStructuredErrorFunc(&xe, collect_error);
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        pg_oom();
    p.diags = &later;
    xdoc = read_xml(&p, ctxt, name, &rd);
    p.diags = diags;
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!xdoc || !ctxt->wellFormed) {
        /* after the first well-formedness error the parser's further findings are
         * consequences of it: report the first only */
        if (xe.found.n == 0)
            pg_diag_add(&xe.found, PG_E_XML, p.doc->file, 0, 0, "the parser gave no reason");
        while (xe.found.n > 1) {
            pg_diag *last = &xe.found.items[--xe.found.n];
            free((char *)last->file);
            free(last->detail);
        }
        p.errors++;
        pg_diag_take(diags, &xe.found);
        unread = 1;
        goto cleanup;
    }
    pg_diag_list_free(&xe.found);

    xmlNode *root = xmlDocGetRootElement(xdoc);
    if (!root) {
        diag(&p, PG_E_ROOT, (pg_pos){1, 1}, N_("the file has no root element"));
        unread = 1;
        goto cleanup;
    }
    if (rd.too_deep) {
        diag(&p, PG_E_TOO_DEEP, rd.deep_pos, "elements nested more than %d deep; flatten the plan",
             max_depth);
        unread = 1;
        goto cleanup;
    }
    if (!is_el(root, "plan")) {
        diag(&p, PG_E_ROOT, node_pos(&p, root),
             "the root element is <%s>%s%s%s; a plan starts with <plan xmlns=\"%s\">", root->name,
             root->ns ? _(" in namespace \"") : "", root->ns ? (const char *)root->ns->href : "",
             root->ns ? "\"" : "", PG_NS);
        goto cleanup;
    }
    pg_diag_take(diags, &later);
    apply_signature_options(&p, opts);
    if (rd.whole) {
        if (check_schema)
            validate_schema(&p, xdoc, opts->schema_path, opts->schema);
    } else if (rd.rng && !rd.invalid && !valid_as_root(&rd, root)) {
        rd.invalid = 1;
    }
    if (opts && rd.invalid && p.errors == 0) {
        /* the schema's own messages, from the whole tree as before */
        xmlNode *frame = rd.frame;
        rd.frame = NULL;
        xmlFreeNode(frame);
        xmlFreeDoc(xdoc);
        xdoc = read_whole(&p, name, max_depth);
        if (xdoc)
            validate_schema(&p, xdoc, opts->schema_path, opts->schema);
    }

cleanup:
    if (unread) {
        /* what the conversion made of a plan not well-formed or too deep is
         * dropped: the document stays as empty as when nothing was converted */
        pg_doc *empty = pg_doc_new(name);
        memcpy(empty->source_hash, p.doc->source_hash, sizeof empty->source_hash);
        pg_doc_free(p.doc);
        p.doc = empty;
    }
    if (fd >= 0) {
        free((char *)p.buf);
        *reread |= src.short_read;
    }
    source_free(&src);
    pg_diag_list_free(&later);
    if (rd.frame)
        xmlFreeNode(rd.frame); /* before its document */
    xmlFreeDoc(xdoc);
    xmlFreeParserCtxt(ctxt);
    free(p.line_starts);
    free(p.tags);
    g_free(p.base_dir);
    free(p.root);
    return p.doc;
}

pg_doc *pg_doc_parse_memory(const char *buf, size_t len, const char *name,
                            const pg_parse_opts *opts, pg_diag_list *diags)
{
    return parse_plan(buf, len, -1, name, opts, diags, NULL);
}

/* Whether the file open at fd still holds the len bytes whose SHA-256 is hash,
 * unmodified since before (its status then). */
static int unchanged(int fd, const struct stat *before, size_t len, const char *hash)
{
    struct stat now;
    char h[PG_HASH_HEX];
    return fstat(fd, &now) == 0 && now.st_size == before->st_size &&
           now.st_mtim.tv_sec == before->st_mtim.tv_sec &&
           now.st_mtim.tv_nsec == before->st_mtim.tv_nsec &&
           now.st_ctim.tv_sec == before->st_ctim.tv_sec &&
           now.st_ctim.tv_nsec == before->st_ctim.tv_nsec && pg_sha256_fd_hex(fd, len, h) &&
           strcmp(h, hash) == 0;
}

pg_doc *pg_doc_parse_file(const char *path, const pg_parse_opts *opts, pg_diag_list *diags)
{
    size_t max_bytes = opts && opts->max_bytes ? opts->max_bytes : DEFAULT_MAX_BYTES;
    char *bytes = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    struct stat before;
    int fd = pg_input_open(path, why);
    pg_input_status st = PG_INPUT_FAILED;
    if (fd >= 0 && fstat(fd, &before) != 0)
        snprintf(why, PG_WHY_MAX, "%s", strerror(errno));
    else if (fd >= 0)
        st = pg_read_fd(fd, max_bytes, &bytes, &len, why);
    pg_doc *doc = NULL;
    if (st == PG_INPUT_OK) {
        /* the plan is read a second time, after its pre-scan, instead of being
         * kept: the result stands when the file did not change meanwhile */
        pg_diag_list found = {0};
        int reread = 0;
        doc = parse_plan(bytes, len, fd, path, opts, &found, &reread);
        bytes = NULL;
        if (!reread || unchanged(fd, &before, len, doc->source_hash)) {
            pg_diag_take(diags, &found);
            close(fd);
            return doc;
        }
        /* it changed: read it once more and parse that copy, kept whole */
        pg_diag_list_free(&found);
        pg_doc_free(doc);
        doc = NULL;
        st = PG_INPUT_FAILED;
        if (lseek(fd, 0, SEEK_SET) != 0)
            snprintf(why, PG_WHY_MAX, "%s", strerror(errno));
        else
            st = pg_read_fd(fd, max_bytes, &bytes, &len, why);
    }
    if (fd >= 0)
        close(fd);
    if (st == PG_INPUT_FAILED) {
        doc = pg_doc_new(path);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            pg_diag_add(diags, PG_E_IO, path, 0, 0, "a folder, not a plan file; name the plan's .xml file");
        else
            pg_diag_add(diags, PG_E_IO, path, 0, 0, "%s", why);
    } else if (st == PG_INPUT_TOO_LARGE) {
        doc = pg_doc_new(path);
        pg_diag_add(diags, PG_E_TOO_LARGE, path, 0, 0, "over %zu bytes; split the plan",
                    max_bytes);
    } else {
        doc = pg_doc_parse_memory(bytes, len, path, opts, diags);
    }
    free(bytes);
    return doc;
}
