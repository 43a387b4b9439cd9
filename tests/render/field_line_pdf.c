/* field_line_pdf - writes a plan as a PDF whose first page keeps the place of
 * the issuing body's signature on an attachment sent as a file of its own: a
 * FIELD "organisation-line" at the top right of page 1, before the page's
 * content (what the appendix files of `plangen render` will hold), for
 * tests/run_sign.sh to sign and read back. The field is added to the display
 * list by hand; the PDF is the engine's own.
 *
 *   field_line_pdf PLAN.xml OUT.pdf X Y W H     (pt, from the page's top left)
 *
 * Exit status 0 written, 1 the plan failed, 2 usage. */
#include "plangen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: field_line_pdf PLAN.xml OUT.pdf X Y W H\n");
        return 2;
    }
    pg_options o = {.data_dir = PG_SOURCE_DIR, .today = "2024-01-01"};
    pg_engine *e = pg_engine_new(&o);
    pg_result r;
    int rc = 1;
    if (!pg_run(e, argv[1], NULL, 0, PG_STAGE_LAYOUT, &r) || !r.pages || !r.pages->n) {
        pg_diag_print(&r.diags, stderr);
        goto cleanup;
    }
    pg_item field = {.kind = PG_ITEM_FIELD,
                     .x = atof(argv[3]),
                     .y = atof(argv[4]),
                     .w = atof(argv[5]),
                     .h = atof(argv[6])};
    snprintf(field.label, sizeof field.label, "%s", "organisation-line");
    /* first on the page: before the document's first structure event */
    pg_page *p = &r.pages->pages[0];
    pg_page_add_item(p, &field);
    memmove(p->items + 1, p->items, (p->n - 1) * sizeof *p->items);
    p->items[0] = field;
    pg_diag_list d = {0};
    if (pg_result_write_pdf(e, &r, argv[2], &d))
        rc = 0;
    pg_diag_print(&d, stderr);
    pg_diag_list_free(&d);
cleanup:
    pg_result_free(&r);
    pg_engine_free(e);
    return rc;
}
