/* fuzz_units.c - libFuzzer harness: any bytes as the units file of `plangen
 * build --units` through its parser (units.c) and the filling of a template
 * with each unit's values (scaffold.c). Every unit accepted has a name that is
 * a plain file name: no '/', no leading '.', no control character, short. */
#include "scaffold.h"
#include "units.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char template_text[] =
    "<plan xmlns=\"urn:plangen:plan:1\"><issuer symbol=\"${symbol}\">${don_vi}</issuer>"
    "<?plangen-if so?><number>${so}</number><?plangen-end?><date>${ngay}</date></plan>\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_units u;
    pg_diag_list d = {0};
    pg_units_parse((const char *)data, size, "units.xml", &u, &d);
    for (size_t i = 0; i < u.n; i++) {
        const char *name = u.units[i].name;
        if (!*name || strchr(name, '/') || name[0] == '.' || strlen(name) > 251)
            abort();
        for (const char *p = name; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                abort();
        char *text = pg_template_fill(template_text, "t.xml", (const char *const *)u.units[i].keys,
                                      (const char *const *)u.units[i].values, u.units[i].n, &d);
        g_free(text);
    }
    pg_units_free(&u);
    pg_diag_list_free(&d);
    return 0;
}
