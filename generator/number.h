/* number.h - number stage: computes everything a plan leaves to the style -
 * section numbers from the nesting ("I-", "1-", "1.1.", "a)"), bullets, the
 * number-and-symbol line, the Vietnamese date line, recipient lines with their
 * punctuation, and the signature lines with the authority spelled by the
 * standard. Results are stored in the document (arena strings). */
#ifndef PG_NUMBER_H
#define PG_NUMBER_H

#include "style.h"

/* Numbers doc with style. Returns 1 on success; on failure, errors are in diags. */
int pg_doc_number(pg_doc *doc, const pg_style *style, pg_diag_list *diags);

/* Helpers, public for unit tests. Each writes into out (size bytes, NUL-ended)
 * and returns 1, or returns 0 when the value cannot be written. */
int pg_roman(int n, int upper, char *out, size_t size);          /* 1..3999 */
int pg_viet_letter(int n, char *out, size_t size);                /* 1 -> "a", 6 -> "đ" */
/* Formats the label of counters[1..depth] with a format like "I-", "1.1.", "a)". */
int pg_format_label(const char *format, const int *counters, int depth, char *out, size_t size);
/* Checks a label format; returns NULL when valid, else a reason (a static
 * English sentence marked N_: a message gives it through _()). */
const char *pg_format_check(const char *format);
/* "{place}, ngày {day} tháng {month} năm {year}": day zero-padded, months 1-2 too. */
char *pg_date_text(const char *format, const char *place, int y, int m, int d); /* heap */
/* "Số {number}-{type}/{symbol}": number zero-padded to two digits, blank when < 0. */
char *pg_number_text(const char *format, int number, const char *type, const char *symbol); /* heap */

#endif
