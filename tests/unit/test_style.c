/* Unit tests of the style stage: lengths, the shipped Party style's values,
 * "extends", and errors in style files. */
#include "style.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PARTY PG_SOURCE_DIR "/templates/styles/party.xml"

Test(length, units)
{
    double v;
    cr_assert(pg_length_parse("14", &v));
    cr_assert_float_eq(v, 14.0, 1e-9);
    cr_assert(pg_length_parse("14pt", &v));
    cr_assert_float_eq(v, 14.0, 1e-9);
    cr_assert(pg_length_parse("10mm", &v));
    cr_assert_float_eq(v, 28.3465, 1e-3);
    cr_assert(pg_length_parse("1cm", &v));
    cr_assert_float_eq(v, 28.3465, 1e-3);
    cr_assert(pg_length_parse("1in", &v));
    cr_assert_float_eq(v, 72.0, 1e-9);
    cr_assert_not(pg_length_parse("10 mm", &v));
    cr_assert_not(pg_length_parse("mm", &v));
    cr_assert_not(pg_length_parse("", &v));
    cr_assert_not(pg_length_parse("nan", &v));
}

Test(style, party_values_of_the_standard)
{
    pg_diag_list d = {0};
    pg_style *s = pg_style_load(PARTY, &d);
    cr_assert_not_null(s);
    cr_assert_eq(d.n, 0);
    cr_assert_str_eq(s->standard, "Hướng dẫn 36-HD/VPTW");
    cr_assert_float_eq(s->page_w, 595.276, 0.01);
    cr_assert_float_eq(s->page_h, 841.89, 0.01);
    cr_assert_float_eq(s->margin_top, 56.693, 0.01);
    cr_assert_float_eq(s->margin_bottom, 56.693, 0.01);
    cr_assert_float_eq(s->margin_left, 85.039, 0.01);
    cr_assert_float_eq(s->margin_right, 42.520, 0.01);
    cr_assert_str_eq(s->font_family, "Times New Roman");
    cr_assert_float_eq(s->text[PG_ROLE_NATION].size, 15, 1e-9);
    cr_assert(s->text[PG_ROLE_NATION].bold);
    cr_assert_float_eq(s->text[PG_ROLE_DOCTYPE].size, 16, 1e-9);
    cr_assert_float_eq(s->text[PG_ROLE_BODY].size, 14, 1e-9);
    cr_assert_float_eq(s->text[PG_ROLE_BODY].indent, 28.3465, 1e-3);
    cr_assert_geq(s->text[PG_ROLE_BODY].pitch, 18.0);
    cr_assert_geq(s->text[PG_ROLE_BODY].space_after, 6.0);
    cr_assert_eq(s->text[PG_ROLE_BODY].align, PG_ALIGN_JUSTIFY);
    cr_assert(s->text[PG_ROLE_RECIPIENTS_HEADING].underline);
    cr_assert_float_eq(s->text[PG_ROLE_RECIPIENT].size, 12, 1e-9);
    cr_assert_not(s->text[PG_ROLE_SIGN_TITLE].bold);
    cr_assert_str_eq(s->authority[PG_AUTH_ON_BEHALF], "T/M");
    cr_assert_str_eq(s->authority[PG_AUTH_DEPUTY], "K/T");
    cr_assert_str_eq(s->authority[PG_AUTH_BY_ORDER], "T/L");
    cr_assert_str_eq(s->authority[PG_AUTH_ACTING], "Q.");
    cr_assert_null(s->authority[PG_AUTH_BY_AUTHORISATION]);
    cr_assert_str_eq(s->level_format[1], "I-");
    cr_assert_str_eq(s->level_format[2], "1-");
    cr_assert_str_eq(s->level_format[3], "1.1.");
    cr_assert_str_eq(s->level_format[4], "1.1.1-");
    cr_assert_str_eq(s->separator, "-----");
    cr_assert_str_eq(s->issuer_mark, "*");
    cr_assert_eq(s->page_number_from, 2);
    pg_style_unref(s);
}

static char *write_temp(const char *text)
{
    char *path = NULL;
    int fd = g_file_open_tmp("pg-style-XXXXXX.xml", &path, NULL);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

Test(style, extends_overrides_a_few_values)
{
    /* a house style beside party.xml would name it by "extends"; here by path */
    char *dir = strdup("/tmp/pg-styles-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp %s %s/party.xml", PARTY, dir);
    cr_assert_eq(system(cmd), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/house.xml", dir);
    FILE *f = fopen(path, "w");
    fputs("<style xmlns=\"urn:plangen:style:1\" name=\"house\" extends=\"party\">"
          "<numbering><level depth=\"1\" format=\"I.\"/><level depth=\"2\" format=\"1.\"/>"
          "</numbering></style>",
          f);
    fclose(f);
    pg_diag_list d = {0};
    pg_style *s = pg_style_load(path, &d);
    cr_assert_not_null(s);
    cr_assert_str_eq(s->name, "house");
    cr_assert_str_eq(s->level_format[1], "I.");
    cr_assert_str_eq(s->level_format[2], "1.");
    cr_assert_str_eq(s->level_format[3], "1.1.", "inherited");
    cr_assert_float_eq(s->text[PG_ROLE_NATION].size, 15, 1e-9);
    cr_assert_eq(s->text[PG_ROLE_URGENCY].color, 0xFF0000u, "the urgency mark is red");
    cr_assert_eq(s->text[PG_ROLE_MARK].color, 0u, "other marks are black");
    pg_style_unref(s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    system(cmd);
    free(dir);
}

Test(style, errors_name_the_line)
{
    char *path = write_temp("<style xmlns=\"urn:plangen:style:1\" name=\"x\">\n"
                            "<page left=\"-3mm\" top=\"abc\"/>\n"
                            "<text role=\"bodyy\" size=\"14\"/>\n"
                            "<text role=\"body\" align=\"middle\"/>\n"
                            "<text role=\"urgency\" color=\"red\"/>\n"
                            "</style>\n");
    pg_diag_list d = {0};
    pg_style *s = pg_style_load(path, &d);
    cr_assert_null(s);
    cr_assert_eq(d.n, 5);
    const char *expect[] = {
        "%s:2: error: invalid style: top=\"abc\" is not a length (use e.g. 14pt, 20mm, 1cm)",
        "%s:2: error: invalid style: left=\"-3mm\" is out of range (0.0 to 300.0 pt)",
        "%s:3: error: invalid style: <text> needs role=\"...\" naming one of the roles (body, "
        "heading1, ...); unknown role bodyy",
        "%s:4: error: invalid style: align=\"middle\"; use left, center, right or justify",
        "%s:5: error: invalid style: color=\"red\"; write #RRGGBB, e.g. #000000 for black, #FF0000 "
        "for red"};
    pg_diag_sort(&d);
    for (size_t i = 0; i < d.n; i++) {
        char want[512];
        snprintf(want, sizeof want, expect[i], path);
        char *got = pg_diag_format(&d.items[i]);
        cr_assert_str_eq(got, want);
        free(got);
    }
    pg_diag_list_free(&d);
    unlink(path);
    g_free(path);
}

Test(style, margins_that_leave_no_room)
{
    char *path = write_temp("<style xmlns=\"urn:plangen:style:1\" name=\"x\">"
                            "<page left=\"100mm\" right=\"90mm\"/></style>");
    pg_diag_list d = {0};
    cr_assert_null(pg_style_load(path, &d));
    cr_assert_eq(d.n, 1);
    cr_assert(strstr(d.items[0].detail, "the margins leave 57 x 729 pt for text") != NULL, "%s",
              d.items[0].detail);
    pg_diag_list_free(&d);
    unlink(path);
    g_free(path);
}
