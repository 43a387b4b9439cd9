/* Unit tests of the <?xml-model?> instruction of written plans (scaffold.h):
 * the URI it names, and where pg_plan_set_model() puts it. */
#include "scaffold.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define TAIL "\" type=\"application/xml\" schematypens=\"http://relaxng.org/ns/structure/1.0\"?>"

Test(model, names_the_data_folders_schema_as_a_file_uri)
{
    char *pi = pg_plan_model_pi("/usr/share/plangen");
    cr_assert_str_eq(pi,
                     "<?xml-model href=\"file:///usr/share/plangen/templates/schema/plan.rng" TAIL);
    g_free(pi);
}

/* characters that would end the pseudo-attribute or the instruction, and those a
 * URI may not hold, are escaped: the same file for an editor */
Test(model, escapes_what_a_folder_name_may_hold)
{
    char *pi = pg_plan_model_pi("/srv/a \"b\" & c?>/Kế hoạch");
    cr_assert_str_eq(pi, "<?xml-model href=\"file:///srv/a%20%22b%22%20%26%20c%3F%3E/"
                         "K%E1%BA%BF%20ho%E1%BA%A1ch/templates/schema/plan.rng" TAIL);
    g_free(pi);
}

/* a relative folder is made absolute: the URI must name the file from anywhere */
Test(model, makes_a_relative_folder_absolute)
{
    char *pi = pg_plan_model_pi("data");
    cr_assert(g_str_has_prefix(pi, "<?xml-model href=\"file:///") &&
                  strstr(pi, "/data/templates/schema/plan.rng\"") && !strstr(pi, "/./"),
              "%s", pi);
    g_free(pi);
}

Test(model, goes_after_the_declaration_on_its_line)
{
    char *t = pg_plan_set_model(g_strdup(DECL "\n<!-- c -->\n<plan/>\n"), "/d");
    cr_assert_str_eq(t, DECL "<?xml-model href=\"file:///d/templates/schema/plan.rng" TAIL
                             "\n<!-- c -->\n<plan/>\n");
    g_free(t);
}

Test(model, goes_first_without_a_declaration)
{
    char *t = pg_plan_set_model(g_strdup("<plan/>\n"), "/d");
    cr_assert_str_eq(t,
                     "<?xml-model href=\"file:///d/templates/schema/plan.rng" TAIL "\n<plan/>\n");
    g_free(t);
}

/* a plan written for another data folder is pointed at this one where its line
 * stands; an <?xml-model?> inside the root element is no part of the prolog */
Test(model, replaces_the_prologs_instruction_in_place)
{
    char *t = pg_plan_set_model(g_strdup(DECL "\n<?xml-model href=\"file:///old/plan.rng\"?>\n"
                                              "<!-- <plan> in a comment -->\n"
                                              "<plan><?xml-model href=\"x\"?></plan>\n"),
                                "/new");
    cr_assert_str_eq(t, DECL "\n<?xml-model href=\"file:///new/templates/schema/plan.rng" TAIL
                             "\n<!-- <plan> in a comment -->\n"
                             "<plan><?xml-model href=\"x\"?></plan>\n");
    g_free(t);
    t = pg_plan_set_model(g_strdup(DECL "\n<plan><?xml-model href=\"x\"?></plan>\n"), "/new");
    cr_assert_str_eq(t, DECL "<?xml-model href=\"file:///new/templates/schema/plan.rng" TAIL
                             "\n<plan><?xml-model href=\"x\"?></plan>\n");
    g_free(t);
}

/* the blank plan: declaration, instruction, then the rest, one line each */
Test(model, starts_the_blank_plan)
{
    char *t = pg_plan_blank("state");
    char *pi = pg_plan_model_pi(NULL);
    cr_assert(g_str_has_prefix(t, DECL "\n"));
    cr_assert(g_str_has_prefix(t + strlen(DECL "\n"), pi));
    cr_assert_eq(t[strlen(DECL "\n") + strlen(pi)], '\n');
    g_free(pi);
    g_free(t);
}
