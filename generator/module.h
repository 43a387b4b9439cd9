/* module.h - plangen's modules: shared libraries of the commands and outputs
 * that need heavy libraries the rest of plangen does not (the raster module's
 * cairo, pixman and X libraries), installed in pg_module_dir() and loaded the
 * first time they are needed, so that a plain render never loads them. A
 * module calls back into the program (its pg_* functions are exported). */
#ifndef PG_MODULE_H
#define PG_MODULE_H

/* The address of symbol in module name (DIR/NAME.so, DIR pg_module_dir()),
 * loaded once per process and never unloaded. NULL when the module cannot be
 * loaded or lacks the symbol: then *why (may be NULL) receives one sentence
 * naming the file and the reason, and how to repair it (heap, g_free); the
 * same answer is given on every later call. Thread-safe. */
void *pg_module_symbol(const char *name, const char *symbol, char **why);

#endif
