/* timing.c - the time of each step of a run, for measurements (see timing.h). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_MARKS = 256 };

static int state = -1;     /* -1: PLANGEN_TIMING not read yet; 0: off; 1: on */
static long long exec_ns;  /* the caller's clock at exec, or 0 */
static long long start_ns; /* the first mark's (main's) */
static struct {
    const char *step;
    long long ns;
} marks[MAX_MARKS];
static int n_marks;

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

void pg_timing_mark(const char *step)
{
    if (state < 0) {
        const char *v = getenv("PLANGEN_TIMING");
        state = v && *v;
        if (state) {
            char *end = NULL;
            long long ns = strtoll(v, &end, 10);
            exec_ns = end && !*end && ns > 1 ? ns : 0;
        }
    }
    if (!state || n_marks == MAX_MARKS)
        return;
    long long t = now_ns();
    if (!n_marks)
        start_ns = t;
    marks[n_marks].step = step;
    marks[n_marks++].ns = t;
}

void pg_timing_report(void)
{
    if (state <= 0 || !n_marks)
        return;
    /* steps in the order first seen, each the sum of its intervals */
    const char *names[MAX_MARKS];
    long long sums[MAX_MARKS];
    int n = 0;
    for (int i = 0; i < n_marks; i++) {
        long long d = i ? marks[i].ns - marks[i - 1].ns : exec_ns ? marks[0].ns - exec_ns : 0;
        if (!i && !exec_ns)
            continue;
        int k = 0;
        while (k < n && strcmp(names[k], marks[i].step) != 0)
            k++;
        if (k == n) {
            names[n] = marks[i].step;
            sums[n++] = 0;
        }
        sums[k] += d;
    }
    /* a machine format (bench/startup reads it): never translated */
    char line[256];
    for (int k = 0; k < n; k++) {
        snprintf(line, sizeof line, "timing: %s %.3f\n", names[k], sums[k] / 1e6);
        fputs(line, stderr);
    }
    long long total = marks[n_marks - 1].ns - (exec_ns ? exec_ns : start_ns);
    snprintf(line, sizeof line, "timing: total %.3f\n", total / 1e6);
    fputs(line, stderr);
}
