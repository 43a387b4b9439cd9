/* serve_module.h - the serve module (serve.so, made of serve*.c): `plangen
 * serve` and `plangen user`, with what only they need (libmicrohttpd and the
 * GnuTLS it brings, json-glib, libxcrypt), in a module loaded for those two
 * commands alone, so that every other command starts without them. */
#ifndef PG_SERVE_MODULE_H
#define PG_SERVE_MODULE_H

/* Raised whenever the table below changes. */
#define PG_SERVE_ABI 1u

typedef struct {
    unsigned abi; /* PG_SERVE_ABI */
    /* serve.h's pg_serve_main() */
    int (*serve_main)(int argc, char **argv, const char *default_data_dir);
    /* serve_auth.h's pg_user_main() */
    int (*user_main)(int argc, char **argv);
} pg_serve_api;

/* The module's table (the symbol the module exports). */
extern const pg_serve_api pg_serve_module_api;

/* The serve module, loaded at the first call; NULL (after printing why, once,
 * on stderr) when it cannot be loaded or does not fit this program. */
const pg_serve_api *pg_serve_module(void);

#endif
