/* output.c - atomic output files (see output.h). */
#include "output.h"

#include "arena.h"
#include "i18n.h"

#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file being written, for the signal handler: a process-wide
 * slot, used only by pg_output_cleanup_on_signal(). */
static char *volatile current_tmp;
/* The temporary files of the set being written (pg_output_set), for the same
 * handler: an array of set_n slots, NULL where none is left. */
static char *volatile *volatile set_tmps;
static volatile size_t set_n;
/* The outputs completed but held under their temporary names
 * (pg_output_hold_commits), until taken: the handler removes them too. */
#define MAX_HELD 64
static char *volatile held_tmp[MAX_HELD];
static char *held_target[MAX_HELD];
static volatile size_t n_held;
static int holding;

static void cleanup_and_exit(int sig)
{
    char *t = current_tmp;
    if (t)
        unlink(t);
    char *volatile *set = set_tmps;
    for (size_t i = 0; set && i < set_n; i++)
        if ((t = set[i]))
            unlink(t);
    for (size_t i = 0; i < n_held; i++)
        if ((t = held_tmp[i]))
            unlink(t);
    _exit(128 + sig);
}

void pg_output_cleanup_on_signal(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cleanup_and_exit;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* what a path is that is not a regular file (marked N_: translated where used) */
static const char *kind_of(mode_t m)
{
    return S_ISLNK(m)                 ? N_("a symbolic link")
           : S_ISDIR(m)               ? N_("a folder")
           : S_ISFIFO(m)              ? N_("a FIFO")
           : S_ISCHR(m) || S_ISBLK(m) ? N_("a device")
                                      : N_("a special file");
}

char *pg_output_tmp_prefix(const char *target)
{
    const char *slash = strrchr(target, '/');
    size_t dir = slash ? (size_t)(slash + 1 - target) : 0, base = strlen(target + dir);
    /* a file name holds at most NAME_MAX (255) bytes: a long one is cut, at the
     * start of a UTF-8 character, to leave room for ".tmp.XXXXXX" */
    enum { ROOM = 255 - 11 };
    if (base > ROOM) {
        base = ROOM;
        while (base > 1 && ((unsigned char)target[dir + base] & 0xC0) == 0x80)
            base--;
    }
    pg_buf b = {0};
    pg_buf_append(&b, target, dir + base);
    pg_buf_puts(&b, ".tmp.");
    char *p = pg_xstrdup(pg_buf_str(&b));
    pg_buf_free(&b);
    return p;
}

int pg_output_open(pg_output *o, const char *target, pg_diag_list *diags)
{
    memset(o, 0, sizeof *o);
    /* only a regular file is replaced, or a new path written: never a device,
     * a FIFO, a folder or a symbolic link (-o /dev/null as root would replace
     * the device by a regular file; a link would be replaced, not followed) */
    struct stat st;
    if (lstat(target, &st) == 0 && !S_ISREG(st.st_mode)) {
        pg_diag_add(diags, PG_E_OUTPUT, target, 0, 0,
                    "it is %s, not a regular file; plangen writes only regular files or new "
                    "paths: choose another output",
                    _(kind_of(st.st_mode)));
        return 0;
    }
    char *prefix = pg_output_tmp_prefix(target);
    pg_buf b = {0};
    pg_buf_printf(&b, "%sXXXXXX", prefix);
    free(prefix);
    o->tmp = pg_xstrdup(pg_buf_str(&b));
    pg_buf_free(&b);
    /* named for the signal handler before the file exists: a signal between its
     * creation and the next statement must not leave it behind (unlinking the
     * template, before mkstemp() fills it in, is harmless) */
    current_tmp = o->tmp;
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        current_tmp = NULL;
        pg_diag_add(diags, PG_E_OUTPUT, target, 0, 0, "%s", strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return 0;
    }
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        current_tmp = NULL;
        pg_diag_add(diags, PG_E_OUTPUT, target, 0, 0, "%s", strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return 0;
    }
    o->target = pg_xstrdup(target);
    return 1;
}

void pg_output_abort(pg_output *o)
{
    if (current_tmp == o->tmp)
        current_tmp = NULL;
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->target);
    memset(o, 0, sizeof *o);
}

/* The process's umask, read once: umask() can only be read by setting it, which
 * races between the web editor's threads. */
static mode_t process_umask(void)
{
    static gsize once = 0;
    static mode_t mask;
    if (g_once_init_enter(&once)) {
        mask = umask(0);
        umask(mask);
        g_once_init_leave(&once, 1);
    }
    return mask;
}

void pg_output_hold_commits(void)
{
    holding = 1;
}

size_t pg_output_take_held(char ***tmps, char ***targets)
{
    size_t n = n_held;
    *tmps = pg_xcalloc(n ? n : 1, sizeof **tmps);
    *targets = pg_xcalloc(n ? n : 1, sizeof **targets);
    for (size_t i = 0; i < n; i++) {
        (*tmps)[i] = held_tmp[i];
        (*targets)[i] = held_target[i];
        held_tmp[i] = NULL; /* the handler forgets it before anything else */
        held_target[i] = NULL;
    }
    n_held = 0;
    return n;
}

/* Flushes, syncs (unless held: the caller syncs), sets the mode of and closes
 * o's temporary file; returns 0 (with a diagnostic) on failure, o then still
 * to be aborted. */
static int complete(pg_output *o, pg_diag_list *diags)
{
    if (fflush(o->f) != 0 || ((!holding || o->no_replace) && fsync(fileno(o->f)) != 0) ||
        ferror(o->f)) {
        pg_diag_add(diags, PG_E_OUTPUT, o->target, 0, 0, "%s", strerror(errno));
        return 0;
    }
    /* mkstemp creates 0600; outputs are ordinary files */
    if (o->mode) {
        fchmod(fileno(o->f), (mode_t)(o->mode & 07777));
    } else {
        fchmod(fileno(o->f), 0666 & ~process_umask());
    }
    if (fclose(o->f) != 0) {
        o->f = NULL;
        pg_diag_add(diags, PG_E_OUTPUT, o->target, 0, 0, "%s", strerror(errno));
        return 0;
    }
    o->f = NULL;
    return 1;
}

/* Holds o's completed temporary file (pg_output_hold_commits) instead of
 * renaming it; returns 0 (with a diagnostic) when too many are held. */
static int hold(pg_output *o, char *volatile *slot, pg_diag_list *diags)
{
    if (n_held == MAX_HELD) {
        pg_diag_add(diags, PG_E_OUTPUT, o->target, 0, 0,
                    "no more outputs can wait to be put in place (%d at most)", MAX_HELD);
        return 0;
    }
    held_target[n_held] = o->target;
    held_tmp[n_held] = o->tmp; /* the handler finds it here before it is forgotten below */
    n_held++;
    if (current_tmp == o->tmp)
        current_tmp = NULL;
    if (slot)
        *slot = NULL;
    o->tmp = NULL;
    o->target = NULL;
    return 1;
}

/* Renames o's completed temporary file into place (or holds it); returns 0
 * (with a diagnostic) on failure, o then still to be aborted. slot: where the
 * signal handler finds the file's name besides current_tmp (NULL: nowhere),
 * cleared once the name is gone. */
static int put_in_place(pg_output *o, char *volatile *slot, pg_diag_list *diags)
{
    if (holding && !o->no_replace) /* a new file (no_replace) is linked in place now */
        return hold(o, slot, diags);
    /* a signal after the rename finds no temporary file to remove: harmless;
     * a new file is linked into place, which fails when one appeared there */
    if (o->no_replace ? link(o->tmp, o->target) != 0 || unlink(o->tmp) != 0
                      : rename(o->tmp, o->target) != 0) {
        pg_diag_add(diags, PG_E_OUTPUT, o->target, 0, 0, "%s", strerror(errno));
        return 0;
    }
    if (current_tmp == o->tmp)
        current_tmp = NULL;
    if (slot)
        *slot = NULL;
    free(o->tmp);
    o->tmp = NULL;
    return 1;
}

int pg_output_commit(pg_output *o, pg_diag_list *diags)
{
    int rc = complete(o, diags) && put_in_place(o, NULL, diags);
    pg_output_abort(o);
    return rc;
}

/* ---- sets ------------------------------------------------------------------- */

/* Forgets the set's slots in the signal handler's list. */
static void unregister_set(void)
{
    char *volatile *set = set_tmps;
    set_tmps = NULL;
    set_n = 0;
    free((void *)set);
}

int pg_output_set_open(pg_output_set *s, const char *const *targets, size_t n, pg_diag_list *diags)
{
    memset(s, 0, sizeof *s);
    s->o = pg_xcalloc(n ? n : 1, sizeof *s->o);
    /* one set at a time is known to the signal handler: the process's own */
    unregister_set();
    char *volatile *slots = pg_xcalloc(n ? n : 1, sizeof *slots);
    set_tmps = slots;
    set_n = n;
    for (size_t i = 0; i < n; i++) {
        if (!pg_output_open(&s->o[i], targets[i], diags)) {
            pg_output_set_abort(s);
            return 0;
        }
        slots[i] = s->o[i].tmp;
        s->n = i + 1;
        if (current_tmp == s->o[i].tmp)
            current_tmp = NULL; /* the set's slot holds it */
    }
    return 1;
}

void pg_output_set_abort(pg_output_set *s)
{
    /* each file is removed before the handler forgets its name, and the name
     * freed after */
    char *volatile *slots = set_tmps;
    for (size_t i = 0; i < s->n; i++) {
        if (s->o[i].tmp)
            unlink(s->o[i].tmp);
        if (slots && i < set_n)
            slots[i] = NULL;
        pg_output_abort(&s->o[i]);
    }
    unregister_set();
    free(s->o);
    memset(s, 0, sizeof *s);
}

int pg_output_set_commit(pg_output_set *s, pg_diag_list *diags)
{
    int ok = 1;
    for (size_t i = 0; i < s->n && ok; i++)
        ok = complete(&s->o[i], diags);
    /* every file is complete: now each takes its place (a rename within its
     * folder; should one fail, the files not yet renamed are removed) */
    char *volatile *slots = set_tmps;
    for (size_t i = 0; i < s->n && ok; i++)
        ok = put_in_place(&s->o[i], slots && i < set_n ? &slots[i] : NULL, diags);
    pg_output_set_abort(s);
    return ok;
}
