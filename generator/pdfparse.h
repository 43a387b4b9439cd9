/* pdfparse.h - a small reader of existing PDF files for `plangen sign` and
 * `plangen verify`: the trailer, the cross-reference sections (tables and, when
 * asked, streams, along their /Prev chain) and single indirect objects, those
 * in object streams included, from bytes that may be hostile. Every read is
 * bounded by the buffer, nesting by PG_PDF_MAX_DEPTH, the object count by
 * PG_PDF_MAX_OBJECTS, decoded stream bytes by PG_PDF_MAX_STREAM_BYTES and
 * PG_PDF_MAX_DECODED_BYTES; nothing is decrypted, and only the structure's
 * streams (cross-reference and object streams) are decoded. */
#ifndef PG_PDFPARSE_H
#define PG_PDFPARSE_H

#include <stddef.h>

enum {
    PG_PDF_MAX_DEPTH = 32,               /* nesting of arrays and dictionaries */
    PG_PDF_MAX_OBJECTS = 1000000,        /* object numbers */
    PG_PDF_MAX_SECTIONS = 256,           /* cross-reference sections (revisions) */
    PG_PDF_MAX_NODES = 2000000,          /* values parsed from one file, all objects together
                                            (about 100 bytes each): a huge array is refused */
    PG_PDF_MAX_STREAM_BYTES = 32 << 20,  /* bytes one cross-reference or object stream
                                            decodes to (1,000,000 entries of 24 bytes fit) */
    PG_PDF_MAX_DECODED_BYTES = 64 << 20, /* bytes all the streams of one file decode to */
};

/* Flags of pg_pdf_open_with. */
enum {
    /* read cross-reference streams (/Type /XRef, hybrid files' /XRefStm) and
     * objects in object streams; without it such a file is refused */
    PG_PDF_OPEN_STREAMS = 1,
};

typedef enum {
    PG_PDFO_NULL,
    PG_PDFO_BOOL,
    PG_PDFO_NUM,
    PG_PDFO_NAME,   /* text: the name's bytes after '/', escapes not decoded */
    PG_PDFO_STRING, /* text: the decoded bytes of a literal or hex string */
    PG_PDFO_ARRAY,  /* items */
    PG_PDFO_DICT,   /* items: key (a NAME), value, key, value, ... */
    PG_PDFO_REF,    /* num, gen */
} pg_pdfo_kind;

typedef struct pg_pdfo pg_pdfo;
struct pg_pdfo {
    pg_pdfo_kind kind;
    size_t start, end; /* the object's bytes in the file: [start, end); past the file's
                          length for a value of an object stream (see pg_pdf_raw) */
    long long num;     /* NUM: its integer part; REF: the object number; BOOL: 0 or 1 */
    int is_int;        /* NUM: written without a fraction */
    double real;       /* NUM: its value */
    int gen;           /* REF: generation */
    char *text;        /* NAME, STRING: NUL-terminated (a STRING may hold NULs: see len) */
    size_t len;        /* NAME, STRING: bytes of text */
    pg_pdfo **items;   /* ARRAY, DICT */
    size_t n;
};

typedef struct pg_pdf pg_pdf;

/* Reads the structure of the PDF in data[0, len) (not copied: data must outlive
 * the result). Returns NULL with a malloc'd message in *err (what is wrong,
 * what to do) when the file is no PDF this reader understands: no header, no
 * startxref, a cross-reference stream (PDF 1.5 compressed structure: see
 * pg_pdf_open_with), a broken table, an encrypted file. The caller frees the result with
 * pg_pdf_free. */
pg_pdf *pg_pdf_open(const unsigned char *data, size_t len, char **err);
/* pg_pdf_open with flags (PG_PDF_OPEN_*). With PG_PDF_OPEN_STREAMS the file's
 * cross-reference streams are read and every object stream its newest entries
 * name is decoded and checked here, so that a damaged one is an error in *err;
 * objects in object streams are then found by pg_pdf_object like any other
 * (generation 0), but their bytes are not in data: their start and end lie past
 * len, and only pg_pdf_raw gives those bytes. */
pg_pdf *pg_pdf_open_with(const unsigned char *data, size_t len, unsigned flags, char **err);
void pg_pdf_free(pg_pdf *p);

/* The newest trailer dictionary; owned by p. */
const pg_pdfo *pg_pdf_trailer(const pg_pdf *p);
/* Offset of the newest cross-reference section (the startxref value). */
size_t pg_pdf_startxref(const pg_pdf *p);
/* 1 when the newest cross-reference section is a stream (an update must then
 * end with a cross-reference stream too: see pdfxref.h), 0 for a table (hybrid
 * files included). */
int pg_pdf_xref_is_stream(const pg_pdf *p);
/* One more than the highest object number in use (at least the trailer's /Size). */
long long pg_pdf_size(const pg_pdf *p);

/* The value of indirect object num (newest revision), or NULL when it is free,
 * missing or unreadable; *gen gets its generation when gen is not NULL. Owned
 * by p (cached). */
const pg_pdfo *pg_pdf_object(pg_pdf *p, long long num, int *gen);
/* o itself, or the object it refers to when o is a REF (one step); NULL for NULL. */
const pg_pdfo *pg_pdf_resolve(pg_pdf *p, const pg_pdfo *o);
/* The value of key in dict (NULL when dict is no DICT or has no such key). */
const pg_pdfo *pg_pdfo_get(const pg_pdfo *dict, const char *key);
/* The bytes o was parsed from (*n of them), in the file's data or in a decoded
 * object stream; owned by p (or the caller's data). NULL when o is no value of p. */
const unsigned char *pg_pdf_raw(const pg_pdf *p, const pg_pdfo *o, size_t *n);
/* 1 when o is the name given. */
int pg_pdfo_is_name(const pg_pdfo *o, const char *name);

#endif
