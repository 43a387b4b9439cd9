/* model.h - the document tree. One node type with typed payloads and a source
 * position on every node; all nodes live in the document's arena, so a document
 * is freed with one pg_doc_free(). The parse stage builds it, the number stage
 * fills the computed fields (labels, header lines); later stages only read it. */
#ifndef PG_MODEL_H
#define PG_MODEL_H

#include "arena.h"
#include "diag.h"

typedef struct {
    int line, col; /* 1-based; 0 when unknown */
} pg_pos;

typedef enum {
    PG_NODE_NONE = 0,
    /* blocks */
    PG_NODE_BODY,    /* container of the plan's body blocks */
    PG_NODE_SECTION, /* numbered section; children are blocks */
    PG_NODE_PARA,    /* paragraph; children are inlines */
    PG_NODE_ITEM,    /* list item; children are inlines */
    PG_NODE_TABLE,   /* children are ROWs */
    PG_NODE_ROW,     /* children are CELLs */
    PG_NODE_CELL,    /* children are PARA/ITEM blocks */
    PG_NODE_QR,      /* a QR code of a link */
    PG_NODE_IMAGE,   /* a PNG image */
    PG_NODE_APPENDIX, /* after the signature; children are blocks */
    PG_NODE_INHERIT, /* resolve stage: a parent's section taken by id */
    PG_NODE_REPLACE, /* resolve stage: blocks replacing the node with an id */
    PG_NODE_REMOVE,  /* resolve stage: removes the node with an id */
    PG_NODE_APPEND,  /* resolve stage: blocks appended to the section with an id */
    PG_NODE_CHANGE,  /* resolve stage: inside <inherit>, a wording changed in the copy */
    PG_NODE_INLINE,  /* container of inlines (summary, issuer) */
    /* inlines */
    PG_NODE_TEXT,
    PG_NODE_BOLD,
    PG_NODE_ITALIC,
    PG_NODE_UNDERLINE,
    PG_NODE_BREAK,
    PG_NODE_FOOTNOTE, /* children are the note's inlines */
    PG_NODE_DEADLINE, /* children are the deadline's text */
    PG_NODE__COUNT
} pg_node_type;

#define PG_NODE_IS_BLOCK(t) ((t) >= PG_NODE_BODY && (t) <= PG_NODE_INLINE)
#define PG_NODE_IS_INLINE(t) ((t) >= PG_NODE_TEXT && (t) <= PG_NODE_DEADLINE)

/* A table column: a fixed width, a percentage of the table, or a share of what
 * is left ("2*"); and the alignment of its cells. */
typedef struct {
    double fixed;   /* pt; 0 when not fixed */
    double percent; /* 0..100; 0 when not a percentage */
    double share;   /* relative share; used when neither of the above */
    char align;     /* 'l', 'c', 'r' or 'j' (justify) */
} pg_column;

typedef enum {
    PG_BULLET_AUTO = 0, /* from the style, by depth */
    PG_BULLET_DASH,
    PG_BULLET_PLUS,
    PG_BULLET_STAR,
    PG_BULLET_NONE,
} pg_bullet;

typedef struct pg_node pg_node;
struct pg_node {
    pg_node_type type;
    pg_pos pos;
    const char *file; /* the plan it comes from when inherited; NULL: the document's */
    pg_node *parent, *first, *last, *next;
    union {
        struct {
            const char *title; /* NULL when untitled */
            const char *id;    /* NULL when none */
            int run_in;        /* first paragraph continues the heading line */
            int depth;         /* 1 for top-level sections */
            const char *label; /* number stage: "I-", "1.1." ... */
            const char *title_line; /* number stage: the title as printed (style's case) */
        } section;
        struct {
            int basis;      /* a basis ("Thực hiện ...") paragraph */
            const char *id; /* NULL when none; children may inherit it */
        } para;
        struct {
            pg_bullet bullet;
            const char *label; /* number stage: "-", "+", "*" or "" */
            const char *id;    /* NULL when none */
        } item;
        struct {
            const char *text; /* UTF-8, NFC, white space collapsed */
        } text;
        struct {
            pg_column *cols;
            int ncols;
        } table;
        struct {
            int header; /* repeated at the top of every page the table reaches */
        } row;
        struct {
            const char *href;
            int caption; /* print the link under the code */
        } qr;
        struct {
            const char *src;  /* as written */
            const char *path; /* resolved inside the plans root */
            double width;     /* pt; 0: the image's own size at 96 dpi */
            int px_w, px_h;   /* pixels, from the PNG header */
            const char *alt;  /* what it shows, for who cannot see it (alt="..."); NULL */
        } image;
        struct {
            const char *name;  /* heading instead of the style's "PHỤ LỤC n"; NULL */
            const char *title; /* the appendix's title line; NULL */
            int landscape;
            int number;        /* number stage: 1, 2, ... */
            const char *label; /* number stage: "PHỤ LỤC", "Phụ lục 2", "DANH MỤC" */
            const char *label_line; /* number stage: label and title as printed */
            const char *title_line; /* (the style's case); title_line NULL when untitled */
            const char *attachment; /* number stage: "(kèm theo Kế hoạch số ...)" */
        } appendix;
        struct {
            int number; /* number stage: 1, 2, ... through the document */
        } footnote;
        struct {
            const char *ref;   /* the id the edit or inheritance names */
            /* <inherit> only */
            const char *from;  /* the plan to take it from, as written; NULL: any */
            const char *title; /* a section's new title; NULL: the parent's */
            pg_node_type as;   /* PARA or ITEM: a paragraph taken as the other kind; NONE */
            pg_bullet bullet;  /* with as="item" or an item: its bullet */
            int footnotes;     /* 0: the copy drops the parent's footnotes */
        } edit;
        struct {
            const char *from; /* the parent's words; children are the plan's own */
        } change;
        struct {
            int year, month, day;
            const char *id; /* answers the parent's deadline of the same id; NULL */
        } deadline;
    } u;
};

typedef enum {
    PG_AUTH_NONE = 0,
    PG_AUTH_ON_BEHALF, /* T/M, TM. */
    PG_AUTH_DEPUTY,    /* K/T, KT. */
    PG_AUTH_BY_ORDER,  /* T/L, TL. */
    PG_AUTH_BY_AUTHORISATION, /* TUQ. (state only) */
    PG_AUTH_ACTING,    /* Q. */
    PG_AUTH__COUNT
} pg_authority;

typedef struct {
    const char *text;    /* the recipient, as written */
    const char *purpose; /* "để báo cáo"; NULL when none (a group's purpose is on the group) */
    int group;           /* index of its group + 1; 0 when alone */
    pg_pos pos;
    const char *line;    /* number stage: "- Ban Thường vụ Tỉnh ủy," */
} pg_recipient;

typedef struct {
    const char *purpose;
    size_t first, count; /* range in pg_doc.recipients */
    pg_pos pos;
    const char *purpose_line; /* number stage: "(để báo cáo)", the style's purpose format */
} pg_recipient_group;

typedef struct {
    pg_authority authority;
    const char *collective; /* "BAN THƯỜNG VỤ"; NULL when none */
    const char *title;      /* "PHÓ BÍ THƯ" */
    const char *name;       /* "Nguyễn Xuân Khoát" */
    pg_pos pos;
    /* NĐ 30's appearance of the digital signatures: IMAGE nodes (NULL when none)
     * whose pos is the attribute's (0:0 from a render option); the seal's
     * u.image.width is its real diameter (pt) */
    pg_node *image; /* the signer's handwritten signature (image="...") */
    pg_node *seal;  /* the issuing body's seal (seal="...", seal-diameter="...") */
    /* number stage */
    const char *authority_line; /* "T/M BAN THƯỜNG VỤ"; NULL when none */
    const char *title_line;     /* "PHÓ BÍ THƯ"; NULL when merged above */
} pg_signature;

#define PG_MAX_LEVELS 8

/* A document a plan implements: a plangen parent or an <implements> reference. */
typedef struct pg_citation {
    const char *type;    /* "Kế hoạch" */
    const char *ref;     /* "179-KH/TU"; for a plangen parent, written by the number stage
                            in the parent's style's form (ref_format) */
    const struct pg_doc *parent; /* the plangen plan cited; NULL for <implements> */
    const char *ref_format;      /* the parent's style's reference form ("{number}-{type}/{symbol}"),
                                    given by whoever loaded that style (libplangen) */
    int year, month, day;
    const char *issuer;  /* "Ban Thường vụ Tỉnh ủy" */
    const char *summary; /* "về ..." without "về"; NULL */
    int report;          /* report back to it */
    pg_pos pos;
} pg_citation;

typedef struct pg_doc {
    pg_arena *arena;
    int refs;         /* pg_doc_free() frees the document when the last goes */
    const char *file; /* as given on the command line */
    char source_hash[65]; /* SHA-256 (hex) of the bytes parsed: what the build keys on */
    const char *style_name; /* the plan's style attribute, NULL for the default */
    pg_pos style_pos;

    /* header */
    pg_node *issuer;        /* INLINE: issuing body (may hold BREAKs) */
    const char *parent_body; /* NULL when none */
    const char *symbol;     /* "ĐUK" */
    int number;             /* -1 when not yet registered */
    const char *place;
    int year, month, day;   /* day 0 when not yet fixed */
    pg_pos date_pos;
    const char *doctype;    /* "KẾ HOẠCH" */
    const char *doctype_abbr; /* "KH" */
    pg_node *summary;       /* INLINE */
    const char *level_format[PG_MAX_LEVELS + 1]; /* plan overrides, [1..8]; NULL = style */
    pg_pos level_format_pos[PG_MAX_LEVELS + 1];

    /* derivation */
    const char *derives_from; /* path as written; NULL */
    pg_pos derives_pos;
    struct pg_citation *cites; /* the documents this plan implements, in order */
    size_t n_cites;
    int basis_auto;         /* generate the basis sentence from the citations */
    int report_back;        /* add the parents to the recipients "(để báo cáo)" */
    struct pg_doc **parents; /* resolved plangen parents (owned) */
    size_t n_parents;
    const char **uses;      /* <uses href>: plans whose content is taken, not cited */
    pg_pos *uses_pos;
    size_t n_uses;
    struct pg_doc **sources; /* the resolved <uses> plans, in order (owned) */
    size_t n_sources;

    pg_node *body;          /* BODY */
    pg_node *appendices;    /* BODY holding APPENDIX nodes; empty when none */
    const char *cited_as;   /* how citations name the issuer: "Ban Thường vụ Đảng ủy Khối" */

    pg_recipient *recipients;
    size_t n_recipients;
    pg_recipient_group *groups;
    size_t n_groups;
    const char *archive;    /* "VP"; NULL when none */
    pg_pos recipients_pos;
    int has_recipients;

    pg_signature signature;

    /* marks: urgency ("KHẨN"), circulation ("LƯU HÀNH NỘI BỘ"), draft, typist and copies */
    const char *urgency;     /* NULL when none */
    const char *circulation; /* NULL when none */
    const char *draft;       /* "" for a plain draft mark, "lần 2"; NULL when not a draft */
    const char *typist;      /* initials; NULL when none */
    int copies;              /* 0 when not given */

    /* number stage */
    const char *number_line; /* "Số 60-KH/ĐUK" */
    /* number stage: the header's and closing's short texts as printed */
    const char *parent_body_line; /* in the style's case; NULL when none */
    const char *issuer_line;      /* in the style's case, "\n" where a <br/> stood */
    pg_node *summary_shown;       /* INLINE: the summary as printed (first letter in the
                                     style's case); summary stays as written */
    const char *draft_line;       /* "DỰ THẢO lần 2"; NULL when not a draft */
    const char *typist_line;      /* "VT.(05)"; NULL when no typist */
    double urgency_box_w;         /* pt: the urgency mark's box (NĐ 30 §III.2b) */
    const char *date_line;   /* "Trà Vinh, ngày 18 tháng 4 năm 2022" */
    const char *archive_line; /* "- Lưu VP." */
    int numbered;
} pg_doc;

/* Returns a new empty document for file; the caller frees it with pg_doc_free(). */
pg_doc *pg_doc_new(const char *file);
/* Takes one more reference (a plan loaded once and shared as a parent). */
pg_doc *pg_doc_ref(pg_doc *doc);
void pg_doc_free(pg_doc *doc);

/* Returns a new node owned by doc's arena, not yet linked. */
pg_node *pg_node_new(pg_doc *doc, pg_node_type type, pg_pos pos);
/* A deep copy of n into doc's arena (strings shared: their owner must live as
 * long as doc); nodes without a file get file. A section's label is not copied. */
pg_node *pg_node_copy(pg_doc *doc, const pg_node *n, const char *file);
/* Appends child as the last child of parent. */
void pg_node_append(pg_node *parent, pg_node *child);
/* Name of a node type ("section", "text" ...). */
const char *pg_node_type_name(pg_node_type t);

/* Plain text of an inline subtree, BREAKs as "\n"; heap string the caller frees. */
char *pg_inline_text(const pg_node *n);
/* s in lower case but for its first letter ("Kế hoạch"); heap, free(). */
char *pg_sentence_case(const char *s);
/* s in sentence case but for the proper name after an administrative word
 * (xã, phường, thị trấn, huyện, quận, thị xã, thành phố, tỉnh), which is in
 * title case: "ĐẢNG ỦY XÃ TÂN PHÚC" -> "Đảng ủy xã Tân Phúc". g_malloc'd, g_free(). */
char *pg_name_case(const char *s);
/* How citations name doc's issuer: its cited-as, else the issuing body on one
 * line in sentence case with its place name in title case (pg_name_case:
 * "Đảng ủy xã Tân Phúc"); heap, free(). */
char *pg_issuer_cited(const pg_doc *doc);
/* Reads a yes|no value: 1, 0, or -1 for anything else. */
int pg_yes_no(const char *v);

/* Walks the tree rooted at root depth-first, calling enter before the children
 * and leave after them (either may be NULL). Returning non-zero from enter skips
 * the children. */
typedef int (*pg_visit_fn)(pg_node *n, int depth, void *ud);
void pg_node_walk(pg_node *root, pg_visit_fn enter, pg_visit_fn leave, void *ud);

/* Writes the tree in a stable indented text form (for `plangen dump`). */
void pg_doc_dump(const pg_doc *doc, FILE *f);

#endif
