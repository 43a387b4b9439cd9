/* diag_format.h - diagnostics for machines: the JSON document and SARIF 2.1.0
 * log that check, render and build write with --diagnostics-format, and the
 * JSON object of one diagnostic that build --report json uses too. */
#ifndef PG_DIAG_FORMAT_H
#define PG_DIAG_FORMAT_H

#include "arena.h"
#include "diag.h"

#include <stdio.h>

typedef enum {
    PG_DIAG_OUT_HUMAN = 0, /* "file:line:col: error: message: detail", on standard error */
    PG_DIAG_OUT_JSON,      /* one JSON document on standard output */
    PG_DIAG_OUT_SARIF,     /* one SARIF 2.1.0 log on standard output */
} pg_diag_out;

/* The form named "human", "json" or "sarif": stores it in *out and returns 1,
 * else returns 0. */
int pg_diag_out_from_name(const char *name, pg_diag_out *out);

/* Appends the JSON object of d to b: file, line, column, end_line, end_column,
 * severity, code, rule, message, detail, hint, fixable (README, Diagnostics). */
void pg_diag_json_object(pg_buf *b, const pg_diag *d);

/* Writes {"version": 1, "diagnostics": [...]} holding every diagnostic of l, in
 * its order, and a newline. */
void pg_diag_json_write(const pg_diag_list *l, FILE *f);

/* Writes a SARIF 2.1.0 log of one run of plangen (version: plangen's) holding
 * every diagnostic of l as a result, and a rule for each rule id and each
 * diagnostic code that occurs. */
void pg_diag_sarif_write(const pg_diag_list *l, const char *version, FILE *f);

#endif
