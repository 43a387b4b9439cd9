/* datadir.h - where plangen finds its data folder (templates/, fonts/, web/):
 * --data-dir, else $PLANGEN_DATADIR, else the installation's share/plangen
 * beside the program's bin/ (wherever the tree was installed: the Debian
 * package's /usr/share/plangen); the program in its build folder reads the
 * source tree it was built from. */
#ifndef PG_DATADIR_H
#define PG_DATADIR_H

/* The data folder when --data-dir is not given (a static string or one kept
 * for the process): $PLANGEN_DATADIR when set and not empty, else for the
 * program in its build folder the source tree, for any other PREFIX/share/plangen
 * beside its PREFIX/bin. *how (may be NULL) says which: "PLANGEN_DATADIR",
 * "installed" or "source tree". */
const char *pg_data_dir_default(const char **how);

/* The folder of the message catalogues (LANG/LC_MESSAGES/plangen.mo): for the
 * program in its build folder BUILD/locale, for any other PREFIX/share/locale
 * (CMAKE_INSTALL_LOCALEDIR) beside its PREFIX/bin. A static string or one kept
 * for the process. */
const char *pg_locale_dir(void);

/* The folder of plangen's modules (module.h): $PLANGEN_MODULEDIR when set and
 * not empty; for the program in its build folder BUILD/generator, for any
 * other PREFIX/<libdir>/plangen (CMAKE_INSTALL_LIBDIR) beside its PREFIX/bin.
 * A static string or one kept for the process. */
const char *pg_module_dir(void);

/* 1 when dir holds plangen's data (templates/schema/plan.rng), else 0 with a
 * message on stderr naming the folder and how to set another (one message, at
 * once, instead of every plan's "cannot load the schema"). */
int pg_data_dir_check(const char *dir, const char *how);

/* The <?xml-model?> processing instruction (W3C, "Associating Schemas with XML
 * documents") that every plan plangen writes carries after its XML declaration:
 * it points an editor (VS Code's XML extension, Emacs nXML through
 * templates/schema/schemas.xml, any editor that reads RELAX NG) at
 * DATA_DIR/templates/schema/plan.rng as an absolute file:// URI, so that the
 * plan gets completion, hover help and validation as it is typed. data_dir NULL:
 * pg_data_dir_default(), the folder of the running program. No newline. Heap
 * string (g_free). */
char *pg_plan_model_pi(const char *data_dir);

#endif
