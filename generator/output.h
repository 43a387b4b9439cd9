/* output.h - atomic output files: written to a temporary file beside the target
 * and renamed into place only when complete, so that a failure leaves the old
 * file untouched and no stray file behind. */
#ifndef PG_OUTPUT_H
#define PG_OUTPUT_H

#include "diag.h"

#include <stdio.h>

typedef struct {
    char *target, *tmp;
    FILE *f; /* write here */
    unsigned mode; /* set after pg_output_open(): the permissions the file gets
                      (a file rewritten keeps its own); 0: 0666 less the umask */
    int no_replace; /* set after pg_output_open(): the commit fails (EEXIST) rather
                       than replace a file that appeared meanwhile */
} pg_output;

/* Opens a temporary file for target; returns 0 (with a diagnostic) on failure,
 * and when target exists but is no regular file (a link, a device, a FIFO). */
int pg_output_open(pg_output *o, const char *target, pg_diag_list *diags);
/* Flushes, syncs and renames into place; returns 0 (with a diagnostic) on failure.
 * Always releases o. */
int pg_output_commit(pg_output *o, pg_diag_list *diags);
/* Removes the temporary file and releases o. Accepts a released o. */
void pg_output_abort(pg_output *o);

/* Several outputs that stand or fall together (a document and its appendices
 * written as files of their own): each is written to a temporary file beside
 * its target, and none is renamed into place before all are complete, so a
 * failure while writing leaves every old file as it was and no stray file. */
typedef struct {
    pg_output *o; /* write to o[i].f, for targets[i] */
    size_t n;
} pg_output_set;

/* Opens a temporary file for each of the n targets; returns 0 (with a
 * diagnostic, no file left) on failure, as pg_output_open() refuses. One set
 * at a time is removed on a signal (pg_output_cleanup_on_signal()). */
int pg_output_set_open(pg_output_set *s, const char *const *targets, size_t n, pg_diag_list *diags);
/* Completes every file (flushed, synced, closed), then renames each into place;
 * returns 0 (with a diagnostic) on failure: then no file was renamed, unless a
 * rename itself failed (a folder made read-only meanwhile), which leaves the
 * files renamed before it and removes the rest. Always releases s. */
int pg_output_set_commit(pg_output_set *s, pg_diag_list *diags);
/* Removes every temporary file and releases s. Accepts a released s. */
void pg_output_set_abort(pg_output_set *s);

/* The temporary files of target are this prefix + 6 letters or digits (the
 * prefix is target + ".tmp.", cut to fit a file name of 255 bytes). malloc'd. */
char *pg_output_tmp_prefix(const char *target);

/* From now on this process's outputs are completed (written, flushed, closed)
 * but neither synced nor renamed: pg_output_commit() and
 * pg_output_set_commit() leave each under its temporary name, for
 * pg_output_take_held(). For a build worker: its build syncs each file system
 * once (a build of many plans waited on an fsync a plan, a core idle
 * meanwhile), then renames the files into place, their bytes on the disk
 * before their names. The signal handler removes the files held. */
void pg_output_hold_commits(void);
/* The outputs held since the last call: their temporary files and targets, n
 * of each (malloc'd arrays of malloc'd strings, the caller's, to rename or to
 * remove; the signal handler forgets them). Returns n. */
size_t pg_output_take_held(char ***tmps, char ***targets);

/* For a process that may be stopped by SIGINT or SIGTERM (a build worker): on
 * those signals, remove the temporary file being written, if any, and exit
 * with 128 + the signal. Outputs already renamed into place stay. */
void pg_output_cleanup_on_signal(void);

#endif
