/* input.h - opening the files plangen reads, safely: never blocking on a FIFO
 * or a device (opened O_NONBLOCK, then fstat: regular files only), and never
 * reading more than a limit, enforced while reading (a file that grows, or a
 * /proc file that reports size 0, stops at the limit). Every input of every
 * stage is read through here. */
#ifndef PG_INPUT_H
#define PG_INPUT_H

#include <stddef.h>

enum { PG_WHY_MAX = 128 };

typedef enum {
    PG_INPUT_OK = 0,
    PG_INPUT_FAILED,    /* cannot be opened or read, or is not a regular file: see why */
    PG_INPUT_TOO_LARGE, /* over the limit: nothing is returned */
} pg_input_status;

/* Opens path for reading if it is a regular file (symbolic links followed),
 * without ever blocking. Returns the descriptor (blocking again, close-on-exec),
 * or -1 with why set ("No such file or directory", "not a regular file but a
 * FIFO", ...). */
int pg_input_open(const char *path, char why[PG_WHY_MAX]);

/* Reads what is left of the file open at fd (read from its offset on), at most
 * max bytes (0: no limit), as pg_read_regular_file does; fd stays open. */
pg_input_status pg_read_fd(int fd, size_t max, char **data, size_t *len, char why[PG_WHY_MAX]);

/* Reads the regular file at path whole, at most max bytes (0: no limit).
 * On PG_INPUT_OK, *data is a malloc'd copy with a NUL after the *len bytes
 * (the caller frees it); otherwise *data is NULL and why says what is wrong. */
pg_input_status pg_read_regular_file(const char *path, size_t max, char **data, size_t *len,
                                     char why[PG_WHY_MAX]);

#endif
