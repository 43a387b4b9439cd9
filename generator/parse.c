/* parse.c - parse stage: reads a plan file, refuses what is unsafe (DOCTYPE,
 * entities, invalid UTF-8), parses it with libxml2, checks its structure with
 * messages that say how to fix the plan, validates it against the RELAX NG
 * schema, and builds the pg_doc tree. */
#include "parse.h"

#include "reads.h"

#include <errno.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>

#define PG_NS "urn:plangen:plan:1"

enum {
    DEFAULT_MAX_BYTES = 10 * 1024 * 1024,
    DEFAULT_MAX_DEPTH = 64,
    DEFAULT_MAX_NODES = 100000,
    DEFAULT_MAX_TEXT = 1024 * 1024,
    DEFAULT_MAX_IMAGE_PIXELS = 40000000,
    DEFAULT_MAX_IMAGE_BYTES = 256 * 1024 * 1024,
    MAX_UTF8_REPORTS = 10
};

/* A start tag found by the pre-scan, in document order. */
typedef struct {
    size_t start, end; /* byte offsets of '<' and one past '>' */
    pg_pos pos;
} tag;

typedef struct {
    pg_doc *doc;
    pg_diag_list *diags;
    const char *buf;
    size_t len;
    size_t *line_starts; /* offsets of each line's first byte */
    size_t n_lines;
    tag *tags;
    size_t n_tags, cap_tags;
    int errors; /* errors found by our own checks */
    char *base_dir; /* folder of the plan: relative paths start here */
    char *root;     /* real path of the plans root: no path may leave it */
    int in_footnote;
    size_t max_text; /* bytes of one text node or attribute */
    unsigned long long max_image_pixels, max_image_bytes; /* one image */
    size_t walk_off;  /* pos_at: the last offset asked, and its position */
    pg_pos walk_pos;
} parser;

/* ---- positions ---------------------------------------------------------- */

static void index_lines(parser *p)
{
    size_t cap = 64;
    p->line_starts = pg_xmalloc(cap * sizeof(size_t));
    p->line_starts[0] = 0;
    p->n_lines = 1;
    for (size_t i = 0; i < p->len; i++) {
        if (p->buf[i] == '\n') {
            if (p->n_lines == cap) {
                cap *= 2;
                p->line_starts = pg_xrealloc(p->line_starts, cap * sizeof(size_t));
            }
            p->line_starts[p->n_lines++] = i + 1;
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
        unsigned char c = (unsigned char)p->buf[i];
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
        if (((unsigned char)p->buf[i] & 0xC0) != 0x80)
            col++;
    return (pg_pos){(int)lo + 1, col};
}

static void diag(parser *p, pg_diag_code code, pg_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void diag(parser *p, pg_diag_code code, pg_pos pos, const char *fmt, ...)
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

static int check_encoding(parser *p)
{
    int bad = 0;
    const unsigned char *s = (const unsigned char *)p->buf;
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
        i += n;
    }
    return bad == 0;
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

static int name_char(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == ':';
}

static void check_entity(parser *p, size_t i)
{
    size_t j = i + 1;
    if (j < p->len && p->buf[j] == '#')
        return; /* character reference: libxml2 checks it */
    while (j < p->len && name_char((unsigned char)p->buf[j]))
        j++;
    if (j >= p->len || p->buf[j] != ';' || j == i + 1)
        return; /* a bare '&': libxml2 reports it */
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
    p->tags[p->n_tags++] = (tag){start, end, pos_at(p, start)};
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

static pg_pos node_pos(const parser *p, const xmlNode *n);

static void collect_error(void *ud, xmlErrorPtr e)
{
    xml_errors *xe = ud;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    char *msg = pg_xstrdup(e->message ? e->message : "error");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    pg_pos pos = {e->line, e->int2};
    if (e->node && ((xmlNode *)e->node)->type == XML_ELEMENT_NODE)
        pos = node_pos(xe->p, e->node);
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

static pg_pos node_pos(const parser *p, const xmlNode *n)
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

static pg_pos attr_pos(const parser *p, const xmlNode *n, const char *name)
{
    const tag *t = n->_private;
    if (!t)
        return node_pos(p, n);
    size_t nl = strlen(name);
    for (size_t i = t->start + 1; i + nl < t->end; i++) {
        if (memcmp(p->buf + i, name, nl) == 0 && !name_char((unsigned char)p->buf[i - 1]) &&
            !name_char((unsigned char)p->buf[i + nl]))
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
static int is_nfc(const char *s)
{
    if (pg_text_surely_nfc(s, strlen(s)))
        return 1;
    char *nfc = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
    int same = nfc && strcmp(nfc, s) == 0;
    g_free(nfc);
    return same;
}

static char *clean_text(parser *p, const char *s, pg_pos pos, int trim)
{
    if (p->max_text && strlen(s) > p->max_text) {
        diag(p, PG_E_TOO_LARGE, pos, "a text of %zu bytes; the limit is %zu (--max-text)",
             strlen(s), p->max_text);
        return pg_arena_strdup(p->doc->arena, "");
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
static pg_pos text_pos(const parser *p, const xmlNode *text)
{
    pg_pos pos = node_pos(p, text->parent);
    const tag *t = text->parent ? text->parent->_private : NULL;
    const char *s = (const char *)text->content;
    if (!t || !s)
        return pos;
    size_t probe = strlen(s) < 12 ? strlen(s) : 12;
    for (size_t i = t->end; i + probe <= p->len; i++)
        if (memcmp(p->buf + i, s, probe) == 0) {
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

static const char *attr(parser *p, const xmlNode *n, const char *name)
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

static int is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 && n->ns &&
           strcmp((const char *)n->ns->href, PG_NS) == 0;
}

static int is_text(const xmlNode *n)
{
    return n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static void unknown_element(parser *p, const xmlNode *n, const char *where, const char *allowed)
{
    if (n->ns && strcmp((const char *)n->ns->href, PG_NS) != 0)
        diag(p, PG_E_UNKNOWN_ELEMENT, node_pos(p, n),
             "<%s> in namespace \"%s\" inside <%s>; plan elements belong to " PG_NS, n->name,
             n->ns->href, where);
    else
        diag(p, PG_E_UNKNOWN_ELEMENT, node_pos(p, n), "<%s> inside <%s>; allowed here: %s",
             n->name, where, allowed);
}

/* Reports attributes of n not listed in allowed (NULL-terminated). */
static void check_attrs(parser *p, const xmlNode *n, const char *const *allowed)
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
        diag(p, PG_E_UNKNOWN_ATTRIBUTE, attr_pos(p, n, (const char *)a->name),
             "'%s' on <%s>; %s%s", a->name, n->name, *allowed ? "allowed: " : "it takes none",
             pg_buf_str(&b));
        pg_buf_free(&b);
    }
}

/* Text of an element that holds only text; reports child elements. Arena copy. */
static const char *simple_text(parser *p, const xmlNode *n)
{
    pg_buf b = {0};
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (is_text(c))
            pg_buf_puts(&b, (const char *)c->content);
        else if (c->type == XML_ELEMENT_NODE)
            unknown_element(p, c, (const char *)n->name, "text only");
    }
    const char *s = clean_text(p, pg_buf_str(&b), node_pos(p, n), 1);
    pg_buf_free(&b);
    if (!*s)
        diag(p, PG_E_EMPTY, node_pos(p, n), "<%s> is empty; write its text between the tags",
             n->name);
    return s;
}

/* ---- inlines ----------------------------------------------------------------- */

static int trim_block(pg_node *block);

static void build_inlines(parser *p, const xmlNode *x, pg_node *parent, int allow_format)
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
                                allow_format ? "text, <b>, <i>, <u>, <br/>, <footnote>, <deadline>"
                                             : "text, <br/>");
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
static int trim_block(pg_node *block)
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

static pg_node *build_para(parser *p, const xmlNode *x, pg_node_type type)
{
    pg_node *n = pg_node_new(p->doc, type, node_pos(p, x));
    build_inlines(p, x, n, 1);
    if (!trim_block(n))
        diag(p, PG_E_EMPTY, node_pos(p, x), "<%s> has no text; remove it or write its text",
             x->name);
    return n;
}

static void build_blocks(parser *p, const xmlNode *x, pg_node *parent, int depth);
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

static pg_node *build_block(parser *p, const xmlNode *c, int depth)
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

static void build_blocks(parser *p, const xmlNode *x, pg_node *parent, int depth)
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
            unknown_element(p, c, "cell", "text, or <p> and <item>");
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
        if (cells != ncols)
            diag(p, PG_E_BAD_VALUE, node_pos(p, c), "the row has %d cell%s; the table has %d column%s",
                 cells, cells == 1 ? "" : "s", ncols, ncols == 1 ? "" : "s");
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

/* Resolves a path written in the plan, relative to the plan's folder and
 * confined to the plans root. Returns an arena string, or NULL after a
 * diagnostic at pos. */
static const char *resolve_path(parser *p, const char *rel, pg_pos pos, const char *what)
{
    if (!*rel) {
        diag(p, PG_E_BAD_VALUE, pos, "the %s path is empty", what);
        return NULL;
    }
    if (rel[0] == '/') {
        diag(p, PG_E_BAD_VALUE, pos,
             "\"%s\" is an absolute path; write the %s's path relative to the plan", rel, what);
        return NULL;
    }
    char *joined = g_build_filename(p->base_dir, rel, NULL);
    char *real = realpath(joined, NULL);
    const char *out = NULL;
    if (!real) {
        diag(p, PG_E_IO, pos, "%s \"%s\": %s", what, rel, strerror(errno));
    } else {
        size_t n = strlen(p->root);
        if (!(strncmp(real, p->root, n) == 0 && (real[n] == '/' || real[n] == '\0')) ||
            strcmp(p->root, "/") == 0)
            diag(p, PG_E_BAD_VALUE, pos,
                 "%s \"%s\" lies outside the plans folder; keep it inside (symbolic links "
                 "count where they lead)",
                 what, rel);
        else
            out = pg_arena_strdup(p->doc->arena, real);
    }
    free(real);
    g_free(joined);
    return out;
}

static pg_node *build_image(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"src", "width", NULL};
    check_attrs(p, x, allowed);
    pg_node *im = pg_node_new(p->doc, PG_NODE_IMAGE, node_pos(p, x));
    im->u.image.src = attr(p, x, "src");
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
    const char *path = resolve_path(p, im->u.image.src, attr_pos(p, x, "src"), "image");
    if (!path)
        return im;
    FILE *f = fopen(path, "rb");
    unsigned long pw = 0, ph = 0;
    if (!f || !png_size(f, &pw, &ph)) {
        diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "src"), "image \"%s\" is not a PNG file",
             im->u.image.src);
    } else {
        /* the limits hold before anything is decoded: a PNG of a few kilobytes
         * may declare 20000 x 20000 pixels, gigabytes once decoded (4 bytes a
         * pixel in cairo's image surface) */
        unsigned long long pixels = (unsigned long long)pw * ph; /* < 2^62 */
        if (pixels > p->max_image_pixels)
            diag(p, PG_E_TOO_LARGE, node_pos(p, x),
                 "image \"%s\" has %lu x %lu pixels; the limit is %llu pixels "
                 "(--max-image-pixels): scale it down (an A4 page at 300 dpi is 2480 x 3508)",
                 im->u.image.src, pw, ph, p->max_image_pixels);
        else if (pixels * 4 > p->max_image_bytes)
            diag(p, PG_E_TOO_LARGE, node_pos(p, x),
                 "image \"%s\" decodes to %llu bytes (%lu x %lu pixels of 4 bytes); the limit "
                 "is %llu bytes (--max-image-bytes): scale it down",
                 im->u.image.src, pixels * 4, pw, ph, p->max_image_bytes);
        else {
            im->u.image.px_w = (int)pw;
            im->u.image.px_h = (int)ph;
            im->u.image.path = path;
        }
    }
    if (f)
        fclose(f);
    return im;
}

/* ---- header, recipients, signature ------------------------------------------ */

int pg_date_valid(int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

static void build_date(parser *p, const xmlNode *x)
{
    pg_doc *doc = p->doc;
    const char *s = simple_text(p, x);
    doc->date_pos = node_pos(p, x);
    int y = 0, m = 0, d = 0, n = 0;
    size_t len = strlen(s);
    if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 && s[4] == '-' &&
        s[7] == '-') {
        if (!pg_date_valid(y, m, d)) {
            diag(p, PG_E_DATE, doc->date_pos, "%s does not exist; write the date as YYYY-MM-DD", s);
            return;
        }
    } else if (len == 7 && sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7 && s[4] == '-') {
        if (m < 1 || m > 12) {
            diag(p, PG_E_DATE, doc->date_pos, "%s has no month %d", s, m);
            return;
        }
        d = 0; /* a draft: the day is filled in at registration */
    } else {
        if (*s)
            diag(p, PG_E_DATE, doc->date_pos,
                 "\"%s\" is not a date; write YYYY-MM-DD (or YYYY-MM for a draft)", s);
        return;
    }
    doc->year = y;
    doc->month = m;
    doc->day = d;
}

static const struct {
    const char *type, *abbr;
} doctype_abbrs[] = {
    {"KẾ HOẠCH", "KH"},     {"CHƯƠNG TRÌNH", "CTr"}, {"HƯỚNG DẪN", "HD"},
    {"BÁO CÁO", "BC"},      {"THÔNG BÁO", "TB"},     {"NGHỊ QUYẾT", "NQ"},
    {"QUYẾT ĐỊNH", "QĐ"},   {"CHỈ THỊ", "CT"},       {"KẾT LUẬN", "KL"},
    {"QUY ĐỊNH", "QĐ"},     {"PHƯƠNG ÁN", "PA"},     {"ĐỀ ÁN", "ĐA"},
};

static void build_type(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"abbr", NULL};
    check_attrs(p, x, allowed);
    const char *t = simple_text(p, x);
    char *up = g_utf8_strup(t, -1);
    p->doc->doctype = pg_arena_strdup(p->doc->arena, up);
    g_free(up);
    p->doc->doctype_abbr = attr(p, x, "abbr");
    if (!p->doc->doctype_abbr) {
        for (size_t i = 0; i < sizeof doctype_abbrs / sizeof doctype_abbrs[0]; i++)
            if (strcmp(doctype_abbrs[i].type, p->doc->doctype) == 0)
                p->doc->doctype_abbr = doctype_abbrs[i].abbr;
        if (!p->doc->doctype_abbr && *t)
            diag(p, PG_E_MISSING_ATTRIBUTE, node_pos(p, x),
                 "<type> \"%s\" has no known abbreviation; add abbr=\"...\"", p->doc->doctype);
    }
}

static void build_implements(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"type", "number", "date", "issuer", "summary", "report",
                                          NULL};
    check_attrs(p, x, allowed);
    pg_doc *doc = p->doc;
    pg_citation c = {0};
    c.pos = node_pos(p, x);
    c.type = attr(p, x, "type");
    c.ref = attr(p, x, "number");
    c.issuer = attr(p, x, "issuer");
    c.summary = attr(p, x, "summary");
    c.report = 1;
    const char *rep = attr(p, x, "report");
    if (rep && strcmp(rep, "no") == 0)
        c.report = 0;
    const char *d = attr(p, x, "date");
    int n = 0;
    if (!c.type || !c.ref || !d || !c.issuer) {
        diag(p, PG_E_MISSING_ATTRIBUTE, c.pos,
             "<implements> needs type, number, date and issuer (e.g. type=\"Kế hoạch\" "
             "number=\"369-KH/TU\" date=\"2023-03-22\" issuer=\"Tỉnh ủy Hà Giang\")");
        return;
    }
    if (sscanf(d, "%4d-%2d-%2d%n", &c.year, &c.month, &c.day, &n) != 3 || n != 10 ||
        !pg_date_valid(c.year, c.month, c.day)) {
        diag(p, PG_E_DATE, attr_pos(p, x, "date"), "date=\"%s\"; write a real date as YYYY-MM-DD", d);
        return;
    }
    pg_citation *a = pg_arena_alloc(doc->arena, (doc->n_cites + 1) * sizeof *a);
    if (doc->n_cites)
        memcpy(a, doc->cites, doc->n_cites * sizeof *a);
    a[doc->n_cites++] = c;
    doc->cites = a;
}

/* <uses href="PATH"/>: a plan whose sections and paragraphs this one inherits
 * without citing it (the resolve stage loads it and confines the path). */
static void build_uses(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"href", NULL};
    check_attrs(p, x, allowed);
    const char *href = attr(p, x, "href");
    if (!href || !*href) {
        diag(p, PG_E_MISSING_ATTRIBUTE, node_pos(p, x),
             "<uses> needs href=\"PLAN.xml\": the path of the plan whose content is taken, "
             "relative to this plan");
        return;
    }
    pg_doc *doc = p->doc;
    const char **uses = pg_arena_alloc(doc->arena, (doc->n_uses + 1) * sizeof *uses);
    pg_pos *pos = pg_arena_alloc(doc->arena, (doc->n_uses + 1) * sizeof *pos);
    if (doc->n_uses) {
        memcpy(uses, doc->uses, doc->n_uses * sizeof *uses);
        memcpy(pos, doc->uses_pos, doc->n_uses * sizeof *pos);
    }
    uses[doc->n_uses] = href;
    pos[doc->n_uses] = attr_pos(p, x, "href");
    doc->uses = uses;
    doc->uses_pos = pos;
    doc->n_uses++;
}

static void build_marks(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"urgency", "circulation", "draft", "typist", "copies",
                                          NULL};
    check_attrs(p, x, allowed);
    pg_doc *doc = p->doc;
    const char *u = attr(p, x, "urgency");
    if (u) {
        static const char *const names[][2] = {
            {"khẩn", "KHẨN"}, {"thượng-khẩn", "THƯỢNG KHẨN"}, {"hỏa-tốc", "HỎA TỐC"}};
        for (size_t i = 0; i < 3; i++)
            if (strcmp(u, names[i][0]) == 0)
                doc->urgency = names[i][1];
        if (!doc->urgency)
            diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "urgency"),
                 "urgency=\"%s\"; use khẩn, thượng-khẩn or hỏa-tốc", u);
    }
    doc->circulation = attr(p, x, "circulation");
    doc->draft = attr(p, x, "draft");
    if (doc->draft && strcmp(doc->draft, "yes") == 0)
        doc->draft = "";
    else if (doc->draft && strcmp(doc->draft, "no") == 0)
        doc->draft = NULL;
    doc->typist = attr(p, x, "typist");
    const char *c = attr(p, x, "copies");
    if (c) {
        char *end = NULL;
        long v = strtol(c, &end, 10);
        if (!*c || *end || v < 1 || v > 100000)
            diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "copies"), "copies=\"%s\"; write a number", c);
        else
            doc->copies = (int)v;
    }
    if (x->children)
        diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, x), "<marks> takes attributes only");
}

static void build_issuer(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"parent", "symbol", "cited-as", NULL};
    check_attrs(p, x, allowed);
    pg_doc *doc = p->doc;
    doc->parent_body = attr(p, x, "parent");
    doc->cited_as = attr(p, x, "cited-as");
    doc->symbol = attr(p, x, "symbol");
    if (!doc->symbol)
        diag(p, PG_E_MISSING_ATTRIBUTE, node_pos(p, x),
             "<issuer> needs symbol=\"...\" (e.g. symbol=\"ĐUK\" for \"Số 60-KH/ĐUK\")");
    else if (!*doc->symbol)
        diag(p, PG_E_EMPTY, attr_pos(p, x, "symbol"), "symbol=\"\"; write the issuer's symbol");
    doc->issuer = pg_node_new(doc, PG_NODE_INLINE, node_pos(p, x));
    build_inlines(p, x, doc->issuer, 0);
    if (!trim_block(doc->issuer))
        diag(p, PG_E_EMPTY, node_pos(p, x), "<issuer> is empty; write the issuing body's name");
}

static void build_numbering(parser *p, const xmlNode *x)
{
    static const char *const none[] = {NULL};
    static const char *const allowed[] = {"depth", "format", NULL};
    check_attrs(p, x, none);
    for (const xmlNode *c = x->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is_el(c, "level")) {
            unknown_element(p, c, "numbering", "<level>");
            continue;
        }
        check_attrs(p, c, allowed);
        const char *d = attr(p, c, "depth"), *f = attr(p, c, "format");
        if (!d || !f) {
            diag(p, PG_E_MISSING_ATTRIBUTE, node_pos(p, c),
                 "<level> needs depth=\"N\" and format=\"...\" (e.g. depth=\"2\" format=\"1.\")");
            continue;
        }
        char *end = NULL;
        long depth = strtol(d, &end, 10);
        if (!*d || *end || depth < 1 || depth > PG_MAX_LEVELS) {
            diag(p, PG_E_BAD_VALUE, attr_pos(p, c, "depth"), "depth=\"%s\"; use 1 to %d", d,
                 PG_MAX_LEVELS);
            continue;
        }
        p->doc->level_format[depth] = f;
        p->doc->level_format_pos[depth] = attr_pos(p, c, "format");
    }
}

static void build_recipients(parser *p, const xmlNode *x)
{
    pg_doc *doc = p->doc;
    static const char *const none[] = {NULL};
    static const char *const to_attrs[] = {"purpose", NULL};
    static const char *const rec_attrs[] = {"report", NULL};
    check_attrs(p, x, rec_attrs);
    const char *rep = attr(p, x, "report");
    if (rep && strcmp(rep, "no") == 0)
        doc->report_back = 0;
    else if (rep && strcmp(rep, "yes") != 0)
        diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "report"), "report=\"%s\"; use yes or no", rep);
    doc->has_recipients = 1;
    doc->recipients_pos = node_pos(p, x);
    size_t cap = 0, gcap = 0;
    const xmlNode *archive = NULL;
    for (const xmlNode *c = x->children; c; c = c->next) {
        if (is_text(c)) {
            if (!blank((const char *)c->content))
                diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, x),
                     "text directly inside <recipients>; put each recipient in a <to>");
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (archive && !is_el(c, "archive")) {
            diag(p, PG_E_MISPLACED_ELEMENT, node_pos(p, c),
                 "<%s> after <archive>; the archive line comes last", c->name);
        }
        if (is_el(c, "archive")) {
            check_attrs(p, c, none);
            if (archive)
                diag(p, PG_E_DUPLICATE_ELEMENT, node_pos(p, c), "a second <archive>; keep one");
            archive = c;
            doc->archive = simple_text(p, c);
            continue;
        }
        int is_group = is_el(c, "group");
        if (!is_group && !is_el(c, "to")) {
            unknown_element(p, c, "recipients", "<to>, <group>, <archive>");
            continue;
        }
        const xmlNode *first = is_group ? c->children : c;
        size_t gi = 0;
        if (is_group) {
            check_attrs(p, c, to_attrs);
            if (doc->n_groups == gcap) {
                gcap = gcap ? gcap * 2 : 8;
                pg_recipient_group *ng = pg_arena_alloc(doc->arena, gcap * sizeof *ng);
                if (doc->n_groups)
                    memcpy(ng, doc->groups, doc->n_groups * sizeof *ng);
                doc->groups = ng;
            }
            pg_recipient_group *g = &doc->groups[doc->n_groups++];
            g->purpose = attr(p, c, "purpose");
            g->pos = node_pos(p, c);
            g->first = doc->n_recipients;
            gi = doc->n_groups;
            if (!g->purpose)
                diag(p, PG_E_MISSING_ATTRIBUTE, node_pos(p, c),
                     "<group> needs purpose=\"...\" (e.g. purpose=\"để báo cáo\")");
        }
        for (const xmlNode *t = first; t; t = is_group ? t->next : NULL) {
            if (is_group && is_text(t)) {
                if (!blank((const char *)t->content))
                    diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, c),
                         "text directly inside <group>; put each recipient in a <to>");
                continue;
            }
            if (t->type != XML_ELEMENT_NODE)
                continue;
            if (!is_el(t, "to")) {
                unknown_element(p, t, (const char *)c->name, "<to>");
                continue;
            }
            if (is_group && xmlHasProp(t, (const xmlChar *)"purpose")) {
                diag(p, PG_E_UNKNOWN_ATTRIBUTE, attr_pos(p, t, "purpose"),
                     "'purpose' on a <to> inside <group>; the group's purpose applies to all its "
                     "recipients");
            } else {
                check_attrs(p, t, to_attrs);
            }
            if (doc->n_recipients == cap) {
                cap = cap ? cap * 2 : 16;
                pg_recipient *r = pg_arena_alloc(doc->arena, cap * sizeof *r);
                if (doc->n_recipients)
                    memcpy(r, doc->recipients, doc->n_recipients * sizeof *r);
                doc->recipients = r;
            }
            pg_recipient *r = &doc->recipients[doc->n_recipients++];
            r->text = simple_text(p, t);
            r->purpose = is_group ? NULL : attr(p, t, "purpose");
            r->group = (int)gi;
            r->pos = node_pos(p, t);
        }
        if (is_group) {
            pg_recipient_group *g = &doc->groups[gi - 1];
            g->count = doc->n_recipients - g->first;
            if (g->count == 0)
                diag(p, PG_E_MISSING_ELEMENT, g->pos, "<group> needs at least one <to>");
        }
    }
}

static const char *const authority_names[PG_AUTH__COUNT] = {
    [PG_AUTH_NONE] = "none",         [PG_AUTH_ON_BEHALF] = "on-behalf",
    [PG_AUTH_DEPUTY] = "deputy",     [PG_AUTH_BY_ORDER] = "by-order",
    [PG_AUTH_BY_AUTHORISATION] = "by-authorisation", [PG_AUTH_ACTING] = "acting",
};

static void build_signature(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"authority", "collective", "title", "name", NULL};
    check_attrs(p, x, allowed);
    pg_signature *s = &p->doc->signature;
    s->pos = node_pos(p, x);
    const char *a = attr(p, x, "authority");
    if (a) {
        int found = 0;
        for (int k = 0; k < PG_AUTH__COUNT; k++)
            if (strcmp(a, authority_names[k]) == 0)
                s->authority = (pg_authority)k, found = 1;
        if (!found)
            diag(p, PG_E_AUTHORITY, attr_pos(p, x, "authority"),
                 "authority=\"%s\"; use on-behalf (T/M), deputy (K/T), by-order (T/L), "
                 "by-authorisation (TUQ.), acting (Q.) or none",
                 a);
    }
    s->collective = attr(p, x, "collective");
    s->title = attr(p, x, "title");
    s->name = attr(p, x, "name");
    if (!s->title)
        diag(p, PG_E_MISSING_ATTRIBUTE, s->pos, "<signature> needs title=\"...\" (e.g. \"BÍ THƯ\")");
    if (!s->name)
        diag(p, PG_E_MISSING_ATTRIBUTE, s->pos, "<signature> needs name=\"...\" (the signer)");
    if (s->authority != PG_AUTH_NONE && s->authority != PG_AUTH_ACTING && !s->collective)
        diag(p, PG_E_MISSING_ATTRIBUTE, s->pos,
             "authority=\"%s\" needs collective=\"...\" (e.g. \"BAN THƯỜNG VỤ\")",
             authority_names[s->authority]);
    if (x->children)
        for (const xmlNode *c = x->children; c; c = c->next)
            if ((is_text(c) && !blank((const char *)c->content)) || c->type == XML_ELEMENT_NODE) {
                diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, x),
                     "<signature> takes attributes only: authority, collective, title, name");
                break;
            }
}

/* Order of the plan's children; blocks share one rank, appendices another. */
enum {
    R_ISSUER = 1, R_NUMBER, R_PLACE, R_DATE, R_TYPE, R_MARKS, R_IMPLEMENTS, R_USES, R_SUMMARY, R_NUMBERING,
    R_BASIS, R_BLOCK, R_RECIPIENTS, R_SIGNATURE, R_APPENDIX, R__COUNT
};

static const char *const rank_names[R__COUNT] = {
    [R_ISSUER] = "issuer",   [R_NUMBER] = "number",       [R_PLACE] = "place",
    [R_DATE] = "date",       [R_TYPE] = "type",           [R_SUMMARY] = "summary",
    [R_MARKS] = "marks",     [R_IMPLEMENTS] = "implements", [R_USES] = "uses",
    [R_NUMBERING] = "numbering", [R_BASIS] = "basis",     [R_BLOCK] = "section",
    [R_RECIPIENTS] = "recipients", [R_SIGNATURE] = "signature", [R_APPENDIX] = "appendix",
};

static void build_appendix(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"name", "title", "orientation", "id", NULL};
    check_attrs(p, x, allowed);
    pg_node *a = pg_node_new(p->doc, PG_NODE_APPENDIX, node_pos(p, x));
    a->u.appendix.name = attr(p, x, "name");
    a->u.appendix.title = attr(p, x, "title");
    const char *o = attr(p, x, "orientation");
    if (o) {
        if (strcmp(o, "landscape") == 0)
            a->u.appendix.landscape = 1;
        else if (strcmp(o, "portrait") != 0)
            diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "orientation"),
                 "orientation=\"%s\"; use portrait or landscape", o);
    }
    build_blocks(p, x, a, 1);
    if (!a->first)
        diag(p, PG_E_MISSING_ELEMENT, node_pos(p, x),
             "<appendix> needs content: <p>, <table>, <section> ...");
    pg_node_append(p->doc->appendices, a);
}

static void build_plan(parser *p, const xmlNode *root)
{
    pg_doc *doc = p->doc;
    static const char *const allowed[] = {"style", "derives-from", NULL};
    check_attrs(p, root, allowed);
    doc->style_name = attr(p, root, "style");
    doc->style_pos = attr_pos(p, root, "style");
    doc->derives_from = attr(p, root, "derives-from");
    doc->derives_pos = attr_pos(p, root, "derives-from");
    doc->basis_auto = 1;
    doc->report_back = 1;
    doc->body = pg_node_new(doc, PG_NODE_BODY, node_pos(p, root));
    doc->appendices = pg_node_new(doc, PG_NODE_BODY, node_pos(p, root));
    int seen[R__COUNT] = {0};
    int last_rank = 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (is_text(c)) {
            if (!blank((const char *)c->content))
                diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, root),
                     "text directly inside <plan>; put it in a <p>");
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        int rank = 0;
        for (int r = 1; r < R__COUNT; r++)
            if (r != R_BLOCK && is_el(c, rank_names[r]))
                rank = r;
        if (is_el(c, "section") || is_el(c, "p") || is_el(c, "item") || is_el(c, "table") ||
            is_el(c, "qr") || is_el(c, "image") || is_el(c, "inherit") || is_el(c, "replace") ||
            is_el(c, "remove") || is_el(c, "append"))
            rank = R_BLOCK;
        if (!rank) {
            unknown_element(p, c, "plan",
                            "<issuer>, <number>, <place>, <date>, <type>, <marks>, "
                            "<implements>, <uses>, <summary>, <numbering>, "
                            "<basis>, <section>, <p>, <item>, <table>, <qr>, <image>, "
                            "<recipients>, <signature>, <appendix>");
            continue;
        }
        if (seen[rank] && rank != R_BLOCK && rank != R_APPENDIX && rank != R_IMPLEMENTS &&
            rank != R_USES) {
            diag(p, PG_E_DUPLICATE_ELEMENT, node_pos(p, c), "a second <%s>; keep one", c->name);
            continue;
        }
        if (rank < last_rank)
            diag(p, PG_E_MISPLACED_ELEMENT, node_pos(p, c), "<%s> must come before <%s>", c->name,
                 rank_names[last_rank]);
        else
            last_rank = rank;
        seen[rank] = 1;
        static const char *const none[] = {NULL};
        switch (rank) {
        case R_ISSUER:
            build_issuer(p, c);
            break;
        case R_NUMBER: {
            check_attrs(p, c, none);
            const char *s = simple_text(p, c);
            char *end = NULL;
            long v = strtol(s, &end, 10);
            if (!*s || *end || v < 1 || v > 9999999 || s[0] == '-' || s[0] == '+')
                diag(p, PG_E_BAD_VALUE, node_pos(p, c),
                     "<number>%s</number>; write the register number only, in digits (e.g. "
                     "<number>60</number>), or leave <number> out for a draft",
                     s);
            else
                doc->number = (int)v;
            break;
        }
        case R_PLACE:
            check_attrs(p, c, none);
            doc->place = simple_text(p, c);
            break;
        case R_DATE:
            check_attrs(p, c, none);
            build_date(p, c);
            break;
        case R_TYPE:
            build_type(p, c);
            break;
        case R_MARKS:
            build_marks(p, c);
            break;
        case R_IMPLEMENTS:
            build_implements(p, c);
            break;
        case R_USES:
            build_uses(p, c);
            break;
        case R_SUMMARY:
            check_attrs(p, c, none);
            doc->summary = pg_node_new(doc, PG_NODE_INLINE, node_pos(p, c));
            build_inlines(p, c, doc->summary, 1);
            if (!trim_block(doc->summary))
                diag(p, PG_E_EMPTY, node_pos(p, c), "<summary> is empty; write the plan's subject");
            break;
        case R_NUMBERING:
            build_numbering(p, c);
            break;
        case R_BASIS: {
            static const char *const basis_attrs[] = {"generate", NULL};
            check_attrs(p, c, basis_attrs);
            const char *g = attr(p, c, "generate");
            if (g && strcmp(g, "no") == 0)
                doc->basis_auto = 0;
            else if (g && strcmp(g, "yes") != 0)
                diag(p, PG_E_BAD_VALUE, attr_pos(p, c, "generate"), "generate=\"%s\"; use yes or no",
                     g);
            for (const xmlNode *b = c->children; b; b = b->next) {
                if (is_el(b, "p")) {
                    check_attrs(p, b, none);
                    pg_node *para = build_para(p, b, PG_NODE_PARA);
                    para->u.para.basis = 1;
                    pg_node_append(doc->body, para);
                } else if (b->type == XML_ELEMENT_NODE) {
                    unknown_element(p, b, "basis", "<p>");
                } else if (is_text(b) && !blank((const char *)b->content)) {
                    diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, c),
                         "text directly inside <basis>; put it in a <p>");
                }
            }
            /* a basis written by hand wins over the generated one */
            for (const pg_node *b = doc->body->first; b; b = b->next)
                if (b->type == PG_NODE_PARA && b->u.para.basis)
                    doc->basis_auto = 0;
            break;
        }
        case R_BLOCK:
            pg_node_append(doc->body, build_block(p, c, 1));
            break;
        case R_RECIPIENTS:
            build_recipients(p, c);
            break;
        case R_SIGNATURE:
            build_signature(p, c);
            break;
        case R_APPENDIX:
            build_appendix(p, c);
            break;
        }
    }
    static const struct {
        int rank;
        const char *hint;
    } required[] = {
        {R_ISSUER, "<issuer parent=\"...\" symbol=\"...\">ISSUING BODY</issuer>"},
        {R_PLACE, "<place>Trà Vinh</place>"},
        {R_DATE, "<date>2022-04-18</date>"},
        {R_SUMMARY, "<summary>subject of the plan</summary>"},
        {R_BLOCK, "at least one <section>, <p> or <item>"},
        {R_SIGNATURE, "<signature authority=\"on-behalf\" collective=\"...\" title=\"...\" "
                      "name=\"...\"/>"},
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!seen[required[i].rank])
            diag(p, PG_E_MISSING_ELEMENT, node_pos(p, root), "<plan> needs %s", required[i].hint);
    if (!doc->doctype) {
        doc->doctype = "KẾ HOẠCH";
        doc->doctype_abbr = "KH";
    }
}

/* ---- schema --------------------------------------------------------------- */

struct pg_schema {
    xmlRelaxNGPtr rng;
};

pg_schema *pg_schema_load(const char *path)
{
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlSetGenericErrorFunc(NULL, silent_error);
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNGPtr rng = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGFreeParserCtxt(pc);
    if (!rng)
        return NULL;
    pg_schema *s = pg_xcalloc(1, sizeof *s);
    s->rng = rng;
    return s;
}

void pg_schema_free(pg_schema *s)
{
    if (!s)
        return;
    xmlRelaxNGFree(s->rng);
    free(s);
}

static void validate_schema(parser *p, xmlDoc *xdoc, const char *schema_path, pg_schema *compiled)
{
    xml_errors xe = {p, PG_E_SCHEMA, {0}};
    xmlSetStructuredErrorFunc(&xe, collect_error);
    xmlRelaxNGParserCtxtPtr pc = compiled ? NULL : xmlRelaxNGNewParserCtxt(schema_path);
    xmlRelaxNGPtr schema = compiled ? compiled->rng : pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGValidCtxtPtr vc = schema ? xmlRelaxNGNewValidCtxt(schema) : NULL;
    if (!vc) {
        pg_diag_list_free(&xe.found);
        diag(p, PG_E_SCHEMA, (pg_pos){0, 0}, "cannot load the schema %s", schema_path);
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
}

/* ---- entry points -------------------------------------------------------------- */

pg_doc *pg_doc_parse_memory(const char *buf, size_t len, const char *name,
                            const pg_parse_opts *opts, pg_diag_list *diags)
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

    if (len > max_bytes) {
        diag(&p, PG_E_TOO_LARGE, (pg_pos){0, 0}, "%zu bytes; the limit is %zu", len, max_bytes);
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

    xml_errors xe = {&p, PG_E_XML, {0}};
    xmlSetGenericErrorFunc(NULL, silent_error);
    xmlSetStructuredErrorFunc(&xe, collect_error);
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        pg_oom();
    xdoc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOCDATA);
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
        goto cleanup;
    }
    pg_diag_list_free(&xe.found);

    xmlNode *root = xmlDocGetRootElement(xdoc);
    if (!root) {
        diag(&p, PG_E_ROOT, (pg_pos){1, 1}, "the file has no root element");
        goto cleanup;
    }
    if (!attach_positions(&p, root, max_depth))
        goto cleanup;
    if (!is_el(root, "plan")) {
        diag(&p, PG_E_ROOT, node_pos(&p, root),
             "the root element is <%s>%s%s%s; a plan starts with <plan xmlns=\"" PG_NS "\">",
             root->name, root->ns ? " in namespace \"" : "",
             root->ns ? (const char *)root->ns->href : "", root->ns ? "\"" : "");
        goto cleanup;
    }
    build_plan(&p, root);
    if (opts && (opts->schema || opts->schema_path))
        validate_schema(&p, xdoc, opts->schema_path, opts->schema);

cleanup:
    xmlFreeDoc(xdoc);
    xmlFreeParserCtxt(ctxt);
    free(p.line_starts);
    free(p.tags);
    g_free(p.base_dir);
    free(p.root);
    return p.doc;
}

pg_doc *pg_doc_parse_file(const char *path, const pg_parse_opts *opts, pg_diag_list *diags)
{
    size_t max_bytes = opts && opts->max_bytes ? opts->max_bytes : DEFAULT_MAX_BYTES;
    FILE *f = fopen(path, "rb");
    if (!f) {
        pg_doc *doc = pg_doc_new(path);
        pg_diag_add(diags, PG_E_IO, path, 0, 0, "%s", strerror(errno));
        return doc;
    }
    pg_buf b = {0};
    char chunk[65536];
    size_t n;
    int too_large = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        pg_buf_append(&b, chunk, n);
        if (b.len > max_bytes) {
            too_large = 1;
            break;
        }
    }
    int err = ferror(f);
    fclose(f);
    pg_doc *doc;
    if (err) {
        doc = pg_doc_new(path);
        pg_diag_add(diags, PG_E_IO, path, 0, 0, "read error");
    } else if (too_large) {
        doc = pg_doc_new(path);
        pg_diag_add(diags, PG_E_TOO_LARGE, path, 0, 0, "over %zu bytes; split the plan",
                    max_bytes);
    } else {
        doc = pg_doc_parse_memory(pg_buf_str(&b), b.len, path, opts, diags);
    }
    pg_buf_free(&b);
    return doc;
}
