/* units.h - the units file of `plangen build --units`: one template, filled
 * once per <unit name="..."> with its <param>s. The file is untrusted: a
 * unit's name becomes an output's file name, so it is held to a plain file
 * name (no '/', no leading '.', no control character, short enough for the
 * file system) and given once. */
#ifndef PG_UNITS_H
#define PG_UNITS_H

#include "diag.h"

#include <stddef.h>

typedef struct {
    char *name; /* the output is NAME.pdf; g_malloc'd */
    int line;
    char **keys, **values; /* n each, g_malloc'd */
    int *param_lines;      /* n: the line of each <param>; g_malloc'd */
    size_t n;
} pg_unit;

typedef struct {
    char *template_path; /* template="..." as written, relative to the units file */
    int line;            /* of <units> */
    pg_unit *units;
    size_t n;
} pg_units;

/* Parses the len bytes of the units file path into u. Returns 1 when every
 * unit is usable; 0 with diagnostics otherwise (u still holds the usable
 * units; when the file is no units file at all, none). Free u with
 * pg_units_free() in either case. */
int pg_units_parse(const char *bytes, size_t len, const char *path, pg_units *u,
                   pg_diag_list *diags);
void pg_units_free(pg_units *u);

#endif
