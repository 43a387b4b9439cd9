/* units.c - the units file of `plangen build --units` (see units.h). */
#include "units.h"

#include <glib.h>
#include <libxml/parser.h>
#include <string.h>

/* An output's file name is at most 255 bytes (NAME_MAX on Linux), ".pdf" included. */
enum { MAX_UNIT_NAME = 255 - 4 };

static int is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The first control character of s, or 0. */
static unsigned char control_in(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return (unsigned char)*s;
    return 0;
}

/* Checks a unit's name; returns 1 when it can name an output. */
static int name_ok(const char *path, const xmlNode *u, const char *name, pg_diag_list *diags)
{
    int line = (int)xmlGetLineNo(u);
    unsigned char c;
    if (name && strchr(name, '/')) {
        char *plain = g_strdelimit(g_strdup(name), "/", '-');
        pg_diag_add(diags, PG_E_BAD_VALUE, path, line, 0,
                    "<unit name=\"%s\">: the name holds '/'; it is the output's file name "
                    "(OUT/NAME.pdf), not a path: write it without '/' (e.g. \"%s\")",
                    name, plain);
        g_free(plain);
        return 0;
    }
    if (!name || !*name || name[0] == '.') {
        pg_diag_add(diags, PG_E_MISSING_ATTRIBUTE, path, line, 0,
                    "<unit> needs name=\"...\": the output's file name, without '/'");
        return 0;
    }
    if ((c = control_in(name))) {
        pg_diag_add(diags, PG_E_BAD_VALUE, path, line, 0,
                    "<unit name>: the name holds a control character (U+%04X); it is the "
                    "output's file name: write it on one line, without control characters",
                    c);
        return 0;
    }
    if (strlen(name) > MAX_UNIT_NAME) {
        pg_diag_add(diags, PG_E_BAD_VALUE, path, line, 0,
                    "<unit name>: the name is %zu bytes; an output's file name holds at most "
                    "%d bytes before \".pdf\": shorten it",
                    strlen(name), MAX_UNIT_NAME);
        return 0;
    }
    return 1;
}

int pg_units_parse(const char *bytes, size_t len, const char *path, pg_units *u,
                   pg_diag_list *diags)
{
    memset(u, 0, sizeof *u);
    xmlDoc *x = len <= (size_t)G_MAXINT
                    ? xmlReadMemory(bytes, (int)len, path, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                    : NULL;
    xmlNode *root = x ? xmlDocGetRootElement(x) : NULL;
    xmlChar *tattr = root ? xmlGetProp(root, (const xmlChar *)"template") : NULL;
    if (!root || x->intSubset || !is_el(root, "units") || !tattr || !*tattr) {
        pg_diag_add(diags, PG_E_ROOT, path, 0, 0,
                    "not a units file: <units template=\"...\"> holding <unit name=\"...\">");
        xmlFree(tattr);
        xmlFreeDoc(x);
        return 0;
    }
    u->template_path = g_strdup((const char *)tattr);
    u->line = (int)xmlGetLineNo(root);
    xmlFree(tattr);
    int ok = 1;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GArray *units = g_array_new(FALSE, TRUE, sizeof(pg_unit));
    for (xmlNode *n = root->children; n; n = n->next) {
        if (!is_el(n, "unit"))
            continue;
        xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
        if (!name_ok(path, n, (const char *)name, diags)) {
            xmlFree(name);
            ok = 0;
            continue;
        }
        gpointer first = g_hash_table_lookup(seen, name);
        if (first) {
            pg_diag_add(diags, PG_E_BAD_VALUE, path, (int)xmlGetLineNo(n), 0,
                        "<unit name=\"%s\">: a unit of this name stands at line %d; each unit "
                        "writes NAME.pdf: give each its own name",
                        (const char *)name, GPOINTER_TO_INT(first));
            xmlFree(name);
            ok = 0;
            continue;
        }
        g_hash_table_insert(seen, g_strdup((const char *)name),
                            GINT_TO_POINTER((int)xmlGetLineNo(n)));
        pg_unit e = {.name = g_strdup((const char *)name), .line = (int)xmlGetLineNo(n)};
        xmlFree(name);
        GPtrArray *keys = g_ptr_array_new(), *vals = g_ptr_array_new();
        GArray *lines = g_array_new(FALSE, FALSE, sizeof(int));
        for (xmlNode *p = n->children; p; p = p->next)
            if (is_el(p, "param")) {
                int pl = (int)xmlGetLineNo(p);
                g_array_append_val(lines, pl);
                xmlChar *k = xmlGetProp(p, (const xmlChar *)"name");
                xmlChar *v = xmlNodeGetContent(p);
                g_ptr_array_add(keys, g_strdup(k ? (const char *)k : ""));
                g_ptr_array_add(vals, g_strdup(v ? (const char *)v : ""));
                xmlFree(k);
                xmlFree(v);
            }
        e.n = keys->len;
        e.param_lines = (int *)g_array_free(lines, FALSE);
        g_ptr_array_add(keys, NULL);
        g_ptr_array_add(vals, NULL);
        e.keys = (char **)g_ptr_array_free(keys, FALSE);
        e.values = (char **)g_ptr_array_free(vals, FALSE);
        g_array_append_val(units, e);
    }
    u->n = units->len;
    u->units = (pg_unit *)g_array_free(units, FALSE);
    g_hash_table_destroy(seen);
    xmlFreeDoc(x);
    return ok;
}

void pg_units_free(pg_units *u)
{
    for (size_t i = 0; i < u->n; i++) {
        g_free(u->units[i].name);
        g_strfreev(u->units[i].keys);
        g_strfreev(u->units[i].values);
        g_free(u->units[i].param_lines);
    }
    g_free(u->units);
    g_free(u->template_path);
    memset(u, 0, sizeof *u);
}
