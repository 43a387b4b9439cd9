/* pdfxref.h - the cross-reference stream that ends an incremental update of a
 * PDF whose newest cross-reference section is a stream (ISO 32000-1 §7.5.8):
 * such a file's update must not end with a classic table. */
#ifndef PG_PDFXREF_H
#define PG_PDFXREF_H

#include <glib.h>
#include <stddef.h>

/* One object an update writes. */
typedef struct {
    long long num; /* object number, above 0 */
    int gen;       /* generation, 0 to 65535 */
    size_t off;    /* byte offset of its "num gen obj" in the whole file */
} pg_xref_entry;

/* Appends to u, whose first byte will be at byte base of the file, the end of
 * an incremental update: a cross-reference stream object numbered size (one
 * more than the highest object number in use, the update's objects included;
 * its /Size is size + 1), listing the n objects of e (in any order, numbers
 * distinct and below size) and itself, uncompressed, with /Prev prev (the
 * previous startxref) and the trailer entries given in PDF syntax (for example
 * "/Root 1 0 R /Info 2 0 R /ID [<…> <…>]"); then startxref and %%EOF. Returns
 * the offset of the stream object in the file (the new startxref). */
size_t pg_xref_stream_append(GString *u, size_t base, const pg_xref_entry *e, size_t n,
                             long long size, size_t prev, const char *trailer);

#endif
