/* diag.h - diagnostics: collected per document (never global), printed by the
 * CLI as "file:line:col: error|warning: message: detail". Codes are ordered by
 * severity; every code has one message in diag.c and a row in the README. */
#ifndef PG_DIAG_H
#define PG_DIAG_H

#include <stdarg.h>
#include <stdio.h>

typedef enum {
    PG_LEVEL_OK = 0,
    PG_LEVEL_WARNING,
    PG_LEVEL_ERROR,
} pg_level;

typedef enum {
    /* warnings: the output is still written */
    PG_W_NOT_NFC,        /* text not in Unicode NFC; normalised */
    PG_W_EMPTY_SECTION,  /* a section without title or content */
    PG_W_LAYOUT_OVERFLOW, /* a block taller than a page was placed anyway */
    PG_W_EDITION,        /* the plan's date lies outside the style's edition */
    PG_W_STANDARD,       /* a lint finding: the plan breaks a rule of its standard */
    PG_W_UNUSED_PARAM,   /* a template parameter that no placeholder uses */
    PG_W_FONT_VIETNAMESE, /* the style's font lacks Vietnamese letters */
    PG_W_UNCOVERED,      /* a character the style's font does not have */
    PG_W_CACHE,          /* the build cache is out of form: ignored */
    PG_W_EDIT_CONFLICT,  /* an edit that contradicts an earlier one of the same id */
    PG_W_FONT_DAMAGED,   /* a font file of fonts/ that cannot be read: not used */
    PG_W_PLACEHOLDER,    /* a bracketed placeholder ("[Họ và tên]") left in a plan */
    PG_W_IMPORT,         /* import: a line the recogniser could not place; kept as <p> */
    PG_W_IMPORT_PICTURE, /* import: a picture that is not a QR code; not imported */
    PG_W__LAST = PG_W_IMPORT_PICTURE,
    /* errors: nothing is written */
    PG_E_IO,             /* a file cannot be read */
    PG_E_TOO_LARGE,      /* input over the size limit */
    PG_E_UTF8,           /* invalid UTF-8 or a NUL byte */
    PG_E_CHAR,           /* a Unicode noncharacter */
    PG_E_XML,            /* not well-formed XML */
    PG_E_DOCTYPE,        /* DOCTYPE / entity declarations refused */
    PG_E_ENTITY,         /* entity reference refused */
    PG_E_ROOT,           /* wrong root element or namespace */
    PG_E_UNKNOWN_ELEMENT,
    PG_E_UNKNOWN_ATTRIBUTE,
    PG_E_MISSING_ELEMENT,
    PG_E_MISSING_ATTRIBUTE,
    PG_E_DUPLICATE_ELEMENT,
    PG_E_MISPLACED_ELEMENT,
    PG_E_TEXT_NOT_ALLOWED,
    PG_E_EMPTY,          /* required text is empty */
    PG_E_BAD_VALUE,      /* an attribute or element value of the wrong form */
    PG_E_DATE,           /* impossible or malformed date */
    PG_E_AUTHORITY,      /* unknown authority form */
    PG_E_TOO_DEEP,       /* nesting over the limit */
    PG_E_SCHEMA,         /* RELAX NG validation failed (safety net) */
    PG_E_STYLE,          /* the style file is wrong */
    PG_E_FONT,           /* the style's font cannot be found */
    PG_E_OUTPUT,         /* the output cannot be written */
    PG_E_STANDARD,       /* a lint finding that makes the document wrong */
    PG_E_PARAM,          /* a template placeholder without a value */
    PG_E_WORKER,         /* a build worker stopped before reporting the plan */
    PG_E__LAST = PG_E_WORKER,
    PG_DIAG__COUNT
} pg_diag_code;

typedef struct {
    pg_diag_code code;
    const char *file; /* owned by the list */
    int line, col;    /* 1-based; 0 when unknown */
    char *detail;     /* owned by the list; may be NULL */
    const char *rule; /* rule id of a lint finding ("nd30.pl1.ii.3"), static; NULL */
    int fixable;      /* 1 when check --fix has an edit for this finding */
} pg_diag;

typedef struct {
    pg_diag *items;
    size_t n, cap;
} pg_diag_list;

/* Level of a code: warning or error. */
pg_level pg_diag_level(pg_diag_code code);
/* The fixed message of a code, e.g. "unknown element". */
const char *pg_diag_message(pg_diag_code code);
/* The stable name of a code for machine-readable output, e.g. "unknown-element"
 * (static; never changes once released). */
const char *pg_diag_code_name(pg_diag_code code);

/* Adds one diagnostic; detail is a printf format (may be NULL). Copies file and detail. */
void pg_diag_add(pg_diag_list *l, pg_diag_code code, const char *file, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* pg_diag_add with the format's arguments in a va_list, for wrappers of it. */
void pg_diag_vadd(pg_diag_list *l, pg_diag_code code, const char *file, int line, int col,
                  const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
/* Adds a copy of d (detail and rule id included) to l. */
void pg_diag_copy(pg_diag_list *l, const pg_diag *d);
/* Tags the last diagnostic added to l with a rule id (a static string). */
void pg_diag_rule(pg_diag_list *l, const char *rule);
/* Marks the last diagnostic added to l as fixable by check --fix. */
void pg_diag_fixable(pg_diag_list *l);
/* Moves every diagnostic of src to the end of dst; src is left empty. */
void pg_diag_take(pg_diag_list *dst, pg_diag_list *src);
/* Worst level in the list (PG_LEVEL_OK when empty). */
pg_level pg_diag_worst(const pg_diag_list *l);
/* Sorts by file, line, column (stable for equal positions). */
void pg_diag_sort(pg_diag_list *l);
/* Writes every diagnostic, one a line, in the fixed form. */
void pg_diag_print(const pg_diag_list *l, FILE *f);
/* Formats one diagnostic into a heap string; the caller frees it. */
char *pg_diag_format(const pg_diag *d);
/* Drops the diagnostics of l past the first n. */
void pg_diag_truncate(pg_diag_list *l, size_t n);
void pg_diag_list_free(pg_diag_list *l);

/* A copy of s fit for a terminal, a log or an XML report: every control
 * character (C0, DEL, C1) and every byte that is not UTF-8 as \xNN, so that
 * a file name can neither start a line of its own nor send escape sequences to
 * a terminal. The caller frees it with free(). */
char *pg_printable(const char *s);

#endif
