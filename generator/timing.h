/* timing.h - where the time of one run goes, for measuring start-up and each
 * stage (bench/startup): with PLANGEN_TIMING set, every pg_timing_mark() notes
 * the monotonic clock, and pg_timing_report() prints one line a step on stderr.
 * PLANGEN_TIMING=1 counts from main(); PLANGEN_TIMING=NS (the CLOCK_MONOTONIC
 * nanoseconds at which the caller exec'ed plangen) adds the step before main:
 * loading the shared libraries, relocating them and running their
 * constructors. Unset (always, but in measurements) a mark is one test. */
#ifndef PG_TIMING_H
#define PG_TIMING_H

/* Notes the time at the end of the step named step (a static string). */
void pg_timing_mark(const char *step);

/* Prints the steps noted, in ms, to stderr: "timing: STEP MS"; a step noted
 * twice or more (a stage per plan) is summed. Nothing when PLANGEN_TIMING is unset. */
void pg_timing_report(void);

#endif
