/* main.c - process entry point: the heap is set up for plangen's pattern of
 * use, then the command line is handled (cli.c). */
#define _DEFAULT_SOURCE /* sbrk, madvise and MADV_HUGEPAGE */
#include "cli.h"
#include "timing.h"

#include <stdlib.h> /* defines __GLIBC__ on glibc */

#if defined(__GLIBC__) && defined(__linux__)
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

enum { HEAP_STEP = 16 << 20, HUGE_PAGE = 2 << 20 };

/* A plan's layout and PDF take a few MiB and give them back at the end of the
 * plan. By default glibc returns the top of the heap to the kernel each time
 * and takes it again for the next plan, and grows the heap a page at a time:
 * every page is a page fault (measured with bench/: 14 % of a batch worker's
 * CPU, and half the page faults of a one-plan run). So: keep what was taken,
 * grow by 16 MiB, keep large buffers on the heap, and ask for transparent huge
 * pages there, which fault once per 2 MiB. Peak memory is unchanged but for
 * the rounding to huge pages. */
static void tune_heap(void)
{
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, HEAP_STEP);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
#ifdef MADV_HUGEPAGE
    uintptr_t from = (uintptr_t)sbrk(0);
    void *volatile block = malloc(HEAP_STEP / 2); /* grows the heap now (volatile: the */
    free(block);                                   /* pair must not be optimised away) */
    uintptr_t to = (uintptr_t)sbrk(0);
    from = (from + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (to > from)
        madvise((void *)from, to - from, MADV_HUGEPAGE); /* a hint: failure is harmless */
#endif
}
#else
static void tune_heap(void)
{
}
#endif

int main(int argc, char **argv)
{
    pg_timing_mark("exec to main: loading, relocation, constructors");
    tune_heap();
    return pg_cli_main(argc, argv);
}
