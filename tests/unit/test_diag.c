/* Unit tests of diagnostics: the message table, levels, format, order. */
#include "diag.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

Test(diag, every_code_has_a_message)
{
    for (int c = 0; c < PG_DIAG__COUNT; c++) {
        const char *m = pg_diag_message((pg_diag_code)c);
        cr_assert(m && strcmp(m, "?") != 0, "code %d has no message", c);
    }
}

Test(diag, levels_follow_the_order)
{
    cr_assert_eq(pg_diag_level(PG_W_NOT_NFC), PG_LEVEL_WARNING);
    cr_assert_eq(pg_diag_level(PG_W__LAST), PG_LEVEL_WARNING);
    cr_assert_eq(pg_diag_level(PG_E_IO), PG_LEVEL_ERROR);
    cr_assert_eq(pg_diag_level(PG_E__LAST), PG_LEVEL_ERROR);
}

Test(diag, format_and_worst_and_sort)
{
    pg_diag_list l = {0};
    cr_assert_eq(pg_diag_worst(&l), PG_LEVEL_OK);
    pg_diag_add(&l, PG_E_DATE, "b.xml", 3, 4, "x %d", 1);
    pg_diag_add(&l, PG_W_NOT_NFC, "a.xml", 9, 1, NULL);
    pg_diag_add(&l, PG_E_XML, "b.xml", 2, 7, "y");
    pg_diag_add(&l, PG_E_IO, "c.xml", 0, 0, "gone");
    cr_assert_eq(pg_diag_worst(&l), PG_LEVEL_ERROR);
    pg_diag_sort(&l);
    const char *expect[] = {
        "a.xml:9:1: warning: text is not in Unicode NFC; normalised",
        "b.xml:2:7: error: XML is not well formed: y",
        "b.xml:3:4: error: impossible date: x 1",
        "c.xml: error: cannot read file: gone",
    };
    for (size_t i = 0; i < 4; i++) {
        char *s = pg_diag_format(&l.items[i]);
        cr_assert_str_eq(s, expect[i]);
        free(s);
    }
    pg_diag_list_free(&l);
}
