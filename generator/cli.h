/* cli.h - the command line (render, check, dump, fonts). */
#ifndef PG_CLI_H
#define PG_CLI_H

/* Runs plangen with argv; returns the process exit status (see README). */
int pg_cli_main(int argc, char **argv);

#endif
