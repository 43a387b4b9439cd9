/* parse_header.c - the parse stage's header and closing parts: date, type,
 * citations, marks, issuer, numbering, recipients, signature, appendices, and
 * the plan element that holds them all (see parse_internal.h). */
#include "parse_internal.h"

#include "i18n.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

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
    else
        visible_text(p, x, doc->issuer, N_("write the issuing body's name"));
    visible_value(p, x, "symbol", doc->symbol && *doc->symbol ? doc->symbol : NULL,
                  N_("write the issuer's symbol"));
    visible_value(p, x, "parent", doc->parent_body, N_("write the parent body, or leave it out"));
    visible_value(p, x, "cited-as", doc->cited_as,
                  N_("write how citations name the issuer, or leave it out"));
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

/* The seal's real diameter when none is given (mm): the common round seal of a
 * body. Accepted: SEAL_MIN_MM to SEAL_MAX_MM. */
#define SEAL_DEFAULT_MM 40.0
#define SEAL_MIN_MM 20.0
#define SEAL_MAX_MM 60.0

/* A seal diameter "40mm", "4cm" or "113.4pt" in mm; 0 when it is none of them. */
static double seal_mm(const char *v)
{
    char *end = NULL;
    double x = strtod(v, &end);
    if (end == v || !(x > 0))
        return 0;
    return strcmp(end, "mm") == 0   ? x
           : strcmp(end, "cm") == 0 ? x * 10
           : strcmp(end, "pt") == 0 ? x * 25.4 / 72
                                    : 0;
}

/* A new IMAGE node for the signature's image or seal, named src, checked as
 * <image src> is (base: NULL for the plan's folder, else a render option's). */
static pg_node *signature_png(parser *p, const char *src, const char *base, pg_pos pos,
                              const char *what)
{
    pg_node *im = pg_node_new(p->doc, PG_NODE_IMAGE, pos);
    im->u.image.src = src;
    read_png_header(p, im, base, pos, pos, what);
    return im;
}

void apply_signature_options(parser *p, const pg_parse_opts *opts)
{
    if (!opts)
        return;
    pg_signature *s = &p->doc->signature;
    char *cwd = g_get_current_dir();
    pg_pos none = {0, 0};
    if (opts->signature_image)
        s->image = signature_png(p, pg_arena_strdup(p->doc->arena, opts->signature_image), cwd,
                                 none, "--signature-image");
    if (opts->seal) {
        double mm = s->seal ? s->seal->u.image.width * 25.4 / 72 : SEAL_DEFAULT_MM;
        s->seal = signature_png(p, pg_arena_strdup(p->doc->arena, opts->seal), cwd, none, "--seal");
        s->seal->u.image.width = mm * 72 / 25.4;
    }
    if (opts->seal_diameter != 0) {
        if (!(opts->seal_diameter >= SEAL_MIN_MM && opts->seal_diameter <= SEAL_MAX_MM))
            diag(p, PG_E_BAD_VALUE, none,
                 "--seal-diameter %g: a seal's diameter is %g to %g mm (40 mm when not given)",
                 opts->seal_diameter, SEAL_MIN_MM, SEAL_MAX_MM);
        else if (s->seal)
            s->seal->u.image.width = opts->seal_diameter * 72 / 25.4;
    }
    g_free(cwd);
}

static void build_signature(parser *p, const xmlNode *x)
{
    static const char *const allowed[] = {"authority", "collective", "title", "name",
                                          "image",     "seal",       "seal-diameter", NULL};
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
    visible_value(p, x, "collective", s->collective,
                  N_("write the collective (e.g. \"BAN THƯỜNG VỤ\"), or leave it out"));
    visible_value(p, x, "title", s->title, N_("write the signer's title (e.g. \"BÍ THƯ\")"));
    visible_value(p, x, "name", s->name, N_("write the signer's name"));
    if (!s->title)
        diag(p, PG_E_MISSING_ATTRIBUTE, s->pos, "<signature> needs title=\"...\" (e.g. \"BÍ THƯ\")");
    if (!s->name)
        diag(p, PG_E_MISSING_ATTRIBUTE, s->pos, "<signature> needs name=\"...\" (the signer)");
    const char *image = attr(p, x, "image"), *seal = attr(p, x, "seal");
    const char *diameter = attr(p, x, "seal-diameter");
    if (image)
        s->image = signature_png(p, image, NULL, attr_pos(p, x, "image"), N_("signature image"));
    double mm = SEAL_DEFAULT_MM;
    if (diameter) {
        mm = seal_mm(diameter);
        if (!(mm >= SEAL_MIN_MM && mm <= SEAL_MAX_MM)) {
            diag(p, PG_E_BAD_VALUE, attr_pos(p, x, "seal-diameter"),
                 "seal-diameter=\"%s\"; write the seal's real diameter, %g to %g mm (e.g. "
                 "\"40mm\", the default)",
                 diameter, SEAL_MIN_MM, SEAL_MAX_MM);
            mm = SEAL_DEFAULT_MM;
        }
    }
    if (seal) {
        s->seal = signature_png(p, seal, NULL, attr_pos(p, x, "seal"), N_("seal"));
        s->seal->u.image.width = mm * 72 / 25.4;
    }
    if (s->authority != PG_AUTH_NONE && s->authority != PG_AUTH_ACTING && !s->collective)
        diag(p, PG_E_MISSING_ATTRIBUTE, s->pos,
             "authority=\"%s\" needs collective=\"...\" (e.g. \"BAN THƯỜNG VỤ\")",
             authority_names[s->authority]);
    if (x->children)
        for (const xmlNode *c = x->children; c; c = c->next)
            if ((is_text(c) && !blank((const char *)c->content)) || c->type == XML_ELEMENT_NODE) {
                diag(p, PG_E_TEXT_NOT_ALLOWED, node_pos(p, x),
                     "<signature> takes attributes only: authority, collective, title, name, "
                     "image, seal, seal-diameter");
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

_Static_assert(R__COUNT <= sizeof ((parser *)0)->plan_seen / sizeof(int), "a seen flag per rank");

void build_plan_begin(parser *p, const xmlNode *root)
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
    memset(p->plan_seen, 0, sizeof p->plan_seen);
    p->plan_last_rank = 0;
}

void build_plan_children(parser *p, const xmlNode *root, const xmlNode *from)
{
    pg_doc *doc = p->doc;
    int *seen = p->plan_seen;
    for (const xmlNode *c = from; c; c = c->next) {
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
        if (rank < p->plan_last_rank)
            diag(p, PG_E_MISPLACED_ELEMENT, node_pos(p, c), "<%s> must come before <%s>", c->name,
                 rank_names[p->plan_last_rank]);
        else
            p->plan_last_rank = rank;
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
            else
                visible_text(p, c, doc->summary, N_("write the plan's subject"));
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
}

void build_plan_end(parser *p, const xmlNode *root)
{
    pg_doc *doc = p->doc;
    const int *seen = p->plan_seen;
    static const struct {
        int rank;
        const char *name; /* the element, when one element meets the need */
        const char *hint; /* those with words marked N_, all given through _() */
    } required[] = {
        {R_ISSUER, "issuer", N_("<issuer parent=\"...\" symbol=\"...\">ISSUING BODY</issuer>")},
        {R_PLACE, "place", "<place>Trà Vinh</place>"},
        {R_DATE, "date", "<date>2022-04-18</date>"},
        {R_SUMMARY, "summary", N_("<summary>subject of the plan</summary>")},
        {R_BLOCK, NULL, N_("at least one <section>, <p> or <item>")},
        {R_SIGNATURE, "signature",
         "<signature authority=\"on-behalf\" collective=\"...\" title=\"...\" name=\"...\"/>"},
    };
    /* a misspelled element was reported with its right name: not missing again */
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!seen[required[i].rank] && !(required[i].name && was_suggested(p, required[i].name)))
            diag(p, PG_E_MISSING_ELEMENT, node_pos(p, root), "<plan> needs %s",
                 _(required[i].hint));
    if (!doc->doctype) {
        doc->doctype = "KẾ HOẠCH";
        doc->doctype_abbr = "KH";
    }
}


void build_plan(parser *p, const xmlNode *root)
{
    build_plan_begin(p, root);
    build_plan_children(p, root, root->children);
    build_plan_end(p, root);
}
