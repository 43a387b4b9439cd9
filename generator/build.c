/* build.c - `plangen build`: every plan of a folder rendered into an output
 * folder that mirrors it, or one plan template rendered once per unit. Every
 * failure is listed; one failing plan never stops the others. */
#include "cli_internal.h"

#include "scaffold.h"

#include <glib.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

/* Plans under dir (recursive, sorted): *.xml files, leaving out folders named
 * templates and files starting with '_'. */
static void find_plans(const char *dir, GPtrArray *out)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d)
        return;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *e;
    while ((e = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(e));
    g_dir_close(d);
    g_ptr_array_sort(names, (GCompareFunc)(void (*)(void))g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        const char *name = *(const char **)&names->pdata[i];
        char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            if (strcmp(name, "templates") != 0 && name[0] != '.')
                find_plans(path, out);
            g_free(path);
        } else if (g_str_has_suffix(name, ".xml") && name[0] != '_') {
            g_ptr_array_add(out, path);
        } else {
            g_free(path);
        }
    }
    g_ptr_array_free(names, TRUE);
}

static int build_units(session *s)
{
    options *o = s->o;
    xmlDoc *x = xmlReadFile(o->units, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING);
    xmlNode *root = x ? xmlDocGetRootElement(x) : NULL;
    if (!root || x->intSubset || strcmp((const char *)root->name, "units") != 0) {
        fprintf(stderr, "%s: error: not a units file: <units template=\"...\"> of <unit name=\"...\">\n",
                o->units);
        xmlFreeDoc(x);
        return EXIT_USAGE;
    }
    xmlChar *tattr = xmlGetProp(root, (const xmlChar *)"template");
    char *udir = g_path_get_dirname(o->units);
    char *tpath = tattr ? g_build_filename(udir, (const char *)tattr, NULL) : NULL;
    xmlFree(tattr);
    g_free(udir);
    gchar *tpl = NULL;
    if (!tpath || !g_file_get_contents(tpath, &tpl, NULL, NULL)) {
        fprintf(stderr, "%s: error: cannot read the template %s\n", o->units,
                tpath ? tpath : "(no template attribute)");
        g_free(tpath);
        xmlFreeDoc(x);
        return EXIT_USAGE;
    }
    int rc = EXIT_OK, built = 0, failed = 0;
    for (xmlNode *u = root->children; u; u = u->next) {
        if (u->type != XML_ELEMENT_NODE || strcmp((const char *)u->name, "unit") != 0)
            continue;
        xmlChar *name = xmlGetProp(u, (const xmlChar *)"name");
        GPtrArray *keys = g_ptr_array_new_with_free_func(xmlFree);
        GPtrArray *vals = g_ptr_array_new_with_free_func(xmlFree);
        for (xmlNode *p = u->children; p; p = p->next)
            if (p->type == XML_ELEMENT_NODE && strcmp((const char *)p->name, "param") == 0) {
                g_ptr_array_add(keys, xmlGetProp(p, (const xmlChar *)"name"));
                g_ptr_array_add(vals, xmlNodeGetContent(p));
            }
        pg_diag_list d = {0};
        char *text = name ? pg_template_fill(tpl, tpath, (const char *const *)keys->pdata,
                                             (const char *const *)vals->pdata, keys->len, &d)
                          : NULL;
        if (!name)
            fprintf(stderr, "%s:%ld: error: <unit> needs name=\"...\" (the output's name)\n",
                    o->units, xmlGetLineNo(u));
        pg_cli_print_diags(&d, 0);
        pg_diag_list_free(&d);
        int r = EXIT_PLAN;
        if (text) {
            char *target = g_strdup_printf("%s/%s.pdf", o->out, (const char *)name);
            r = pg_cli_render_one(s, tpath, text, strlen(text), target, NULL);
            g_free(target);
        }
        if (r == EXIT_OK)
            built++;
        else
            failed++;
        if (r > rc)
            rc = r;
        g_free(text);
        xmlFree(name);
        g_ptr_array_free(keys, TRUE);
        g_ptr_array_free(vals, TRUE);
    }
    fprintf(stderr, "build: %d built, %d failed\n", built, failed);
    g_free(tpl);
    g_free(tpath);
    xmlFreeDoc(x);
    return rc;
}

int pg_cmd_build(session *s)
{
    options *o = s->o;
    if (!o->out) {
        fprintf(stderr, "plangen: build needs -o OUT\n");
        return EXIT_USAGE;
    }
    if (g_mkdir_with_parents(o->out, 0777) != 0) {
        fprintf(stderr, "plangen: cannot create folder %s\n", o->out);
        return EXIT_SYSTEM;
    }
    if (o->units) {
        if (!o->root)
            o->root = "."; /* a template and its parents: inside the folder plangen runs in */
        return build_units(s);
    }
    const char *dir = o->n_inputs ? o->inputs[0] : "plans";
    if (!o->root)
        o->root = dir; /* parents and images stay inside the folder built */
    GPtrArray *plans = g_ptr_array_new_with_free_func(g_free);
    find_plans(dir, plans);
    int rc = EXIT_OK, built = 0, failed = 0;
    size_t dl = strlen(dir);
    for (guint i = 0; i < plans->len; i++) {
        const char *path = plans->pdata[i];
        const char *rel = path + dl + (path[dl] == '/');
        char *stem = g_strndup(rel, strlen(rel) - 4);
        char *target = g_strdup_printf("%s/%s.pdf", o->out, stem);
        char *tdir = g_path_get_dirname(target);
        g_mkdir_with_parents(tdir, 0777);
        int r = pg_cli_render_one(s, path, NULL, 0, target, NULL);
        if (r == EXIT_OK)
            built++;
        else
            failed++;
        if (r > rc)
            rc = r;
        g_free(tdir);
        g_free(target);
        g_free(stem);
    }
    fprintf(stderr, "build: %d built, %d failed\n", built, failed);
    g_ptr_array_free(plans, TRUE);
    return rc;
}
