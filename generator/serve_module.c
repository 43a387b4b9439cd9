/* serve_module.c - the table of the serve module (serve_module.h), built into
 * serve.so only. */
#include "serve_module.h"

#include "serve.h"
#include "serve_auth.h"

__attribute__((visibility("default"))) const pg_serve_api pg_serve_module_api = {
    .abi = PG_SERVE_ABI,
    .serve_main = pg_serve_main,
    .user_main = pg_user_main,
};
