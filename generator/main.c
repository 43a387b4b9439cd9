/* main.c - process entry point. */
#include "cli.h"

int main(int argc, char **argv)
{
    return pg_cli_main(argc, argv);
}
