/* input.c - safe opening and bounded reading of input files (see input.h). */
#include "input.h"

#include "arena.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* what a path is that is not a regular file (marked N_: translated where used) */
static const char *kind_of(mode_t m)
{
    return S_ISDIR(m)    ? N_("a folder")
           : S_ISFIFO(m) ? N_("a FIFO")
           : S_ISCHR(m)  ? N_("a character device")
           : S_ISBLK(m)  ? N_("a block device")
           : S_ISSOCK(m) ? N_("a socket")
                         : N_("a special file");
}

int pg_input_open(const char *path, char why[PG_WHY_MAX])
{
    /* O_NONBLOCK: opening a FIFO without a writer, or a device, returns at once;
     * what was opened is then checked on the descriptor itself (no race with a
     * file swapped in between) */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, PG_WHY_MAX, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(why, PG_WHY_MAX, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, PG_WHY_MAX, _("not a regular file but %s"), _(kind_of(st.st_mode)));
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

pg_input_status pg_read_regular_file(const char *path, size_t max, char **data, size_t *len,
                                     char why[PG_WHY_MAX])
{
    *data = NULL;
    *len = 0;
    int fd = pg_input_open(path, why);
    if (fd < 0)
        return PG_INPUT_FAILED;
    pg_input_status rc = pg_read_fd(fd, max, data, len, why);
    close(fd);
    return rc;
}

pg_input_status pg_read_fd(int fd, size_t max, char **data, size_t *len, char why[PG_WHY_MAX])
{
    *data = NULL;
    *len = 0;
    size_t cap = 65536, n = 0;
    char *buf = pg_xmalloc(cap + 1);
    pg_input_status rc = PG_INPUT_FAILED;
    for (;;) {
        if (n == cap) {
            if (max && cap > max)
                break; /* cap > max: the limit is already passed */
            cap *= 2;
            buf = pg_xrealloc(buf, cap + 1);
        }
        /* never more than one byte past the limit */
        size_t want = cap - n;
        if (max && want > max + 1 - n)
            want = max + 1 - n;
        ssize_t got = read(fd, buf + n, want);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            snprintf(why, PG_WHY_MAX, "%s", strerror(errno));
            goto cleanup;
        }
        if (got == 0) {
            rc = PG_INPUT_OK;
            break;
        }
        n += (size_t)got;
        if (max && n > max)
            break;
    }
    if (rc != PG_INPUT_OK) {
        if (max && n > max) {
            snprintf(why, PG_WHY_MAX, _("over %zu bytes"), max);
            rc = PG_INPUT_TOO_LARGE;
        }
        goto cleanup;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    buf = NULL;
cleanup:
    free(buf);
    return rc;
}
