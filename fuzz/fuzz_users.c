/* fuzz_users.c - libFuzzer harness: any bytes as the users file of `plangen
 * serve --users` through its parser (serve_auth.c). Every account accepted
 * has a name of 1 to 32 of a-z 0-9 . _ -, a "$y$" hash, and at least one
 * write folder in normal form: relative, without "..", empty or "."
 * components, or a trailing '/'; a failed parse leaves no account and says
 * why. */
#include "serve_auth.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int folder_normal(const char *f)
{
    if (strcmp(f, ".") == 0)
        return 1;
    if (!*f || f[0] == '/' || f[strlen(f) - 1] == '/' || strstr(f, "//") || strchr(f, ','))
        return 0;
    for (const char *c = f; c; c = strchr(c, '/')) {
        if (*c == '/')
            c++;
        size_t n = strcspn(c, "/");
        if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_users u;
    pg_diag_list d = {0};
    int ok = pg_users_parse((const char *)data, size, "users", &u, &d);
    if (ok != (d.n == 0) || (!ok && (u.n || u.accounts)))
        abort();
    for (size_t i = 0; i < u.n; i++) {
        const pg_account *a = &u.accounts[i];
        size_t n = strlen(a->name);
        if (n < 1 || n > 32 || strspn(a->name, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
            abort();
        if (strncmp(a->hash, "$y$", 3) != 0 || a->n_write == 0)
            abort();
        for (size_t k = 0; k < a->n_write; k++)
            if (!folder_normal(a->write[k]))
                abort();
        for (size_t j = 0; j < i; j++)
            if (strcmp(u.accounts[j].name, a->name) == 0)
                abort();
    }
    for (size_t i = 0; i < d.n; i++)
        free(pg_diag_format(&d.items[i]));
    pg_users_free(&u);
    pg_diag_list_free(&d);
    return 0;
}
