/* main.c - process entry point. */
#include "cli.h"

#include <stdlib.h> /* defines __GLIBC__ on glibc */

#ifdef __GLIBC__
#include <malloc.h>
#endif

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* A plan's layout and PDF free their memory at the end of each plan; by
     * default glibc hands the top of the heap back to the kernel each time and
     * takes it again for the next plan, which costs page faults and TLB
     * flushes (14 % of a batch worker's CPU time, measured with bench/). Keep
     * what was taken: peak memory is unchanged. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
    return pg_cli_main(argc, argv);
}
