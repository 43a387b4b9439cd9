/* sign.h - `plangen sign` and `plangen verify`: PAdES baseline B-B signatures
 * (ETSI.CAdES.detached, SHA-256, ESS signing-certificate-v2) appended to a PDF
 * as an incremental update, and the listing and checking of the signatures of
 * a PDF. OpenSSL does every piece of cryptography. */
#ifndef PG_SIGN_H
#define PG_SIGN_H

/* The command line of `plangen sign` (argv[0] is "sign"); usage is printed for
 * --help and usage errors. Returns the exit status: 0 signed, 1 refused (bad
 * input, key or passphrase), 2 usage error, 3 the output could not be written. */
int pg_sign_main(int argc, char **argv, const char *usage);

/* The command line of `plangen verify` (argv[0] is "verify"). Returns 0 when
 * the file has signatures and every one is intact (and trusted, with --ca),
 * 1 otherwise, 2 on a usage error. */
int pg_verify_main(int argc, char **argv, const char *usage);

#endif
