/* sign.h - `plangen sign` and `plangen verify`: PAdES baseline B-B signatures
 * (ETSI.CAdES.detached, SHA-256, ESS signing-certificate-v2) appended to a PDF
 * as an incremental update, and the listing and checking of the signatures of
 * a PDF. OpenSSL does every piece of cryptography. */
#ifndef PG_SIGN_H
#define PG_SIGN_H

#include "pdfparse.h"

#include <glib.h>
#include <openssl/types.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <time.h>

/* What one signature is made with. */
typedef struct {
    const char *as;         /* "signer" (or NULL) or "organisation": the field filled,
                               "signer", or "organisation" (else "organisation-line")
                               when the PDF has it and no rect is given */
    const char *number;     /* the document's number and symbol ("123/KH-UBND") that an
                               "organisation-line" field shows; NULL: the PDF's
                               Info /Keywords */
    const char *fonts_dir;  /* the folder of the font configuration of that line's
                               font (absolute); NULL: the build's data folder's fonts/ */
    const char *reason;     /* UTF-8 or NULL */
    const char *location;   /* UTF-8 or NULL */
    int page;               /* the widget's page, 1-based; 0: the first */
    int visible;            /* 1: a new widget over rect; 0: the field named by as, or
                               invisible when the PDF has no such field */
    double rect[4];         /* x1 y1 x2 y2, pt in the page's default user space */
    time_t when;            /* the signing time: /M and the CMS signing-time */
    EVP_PKEY *key;          /* borrowed */
    X509 *cert;             /* borrowed */
    STACK_OF(X509) * chain; /* borrowed; may be NULL */
} pg_sign_request;

/* The incremental update that signs the PDF d[0, len) (already opened as p):
 * the bytes to append to d. NULL with a message on standard error (naming
 * name) when the PDF lacks what a signature needs or OpenSSL fails. The caller
 * frees the result with g_string_free. */
GString *pg_sign_build(pg_pdf *p, const unsigned char *d, size_t len, const char *name,
                       const pg_sign_request *r);

/* Lists and checks every signature of the PDF d[0, len) on out, as `plangen
 * verify` without --ca does; returns the number of signatures, and in *intact
 * how many are intact; -1 when the PDF cannot be read (a message on standard
 * error, naming name). */
int pg_verify_data(const unsigned char *d, size_t len, const char *name, FILE *out, int *intact);

/* The command line of `plangen sign` (argv[0] is "sign"); usage is printed for
 * --help and usage errors. Returns the exit status: 0 signed, 1 refused (bad
 * input, key or passphrase), 2 usage error, 3 the output could not be written. */
int pg_sign_main(int argc, char **argv, const char *usage);

/* The command line of `plangen verify` (argv[0] is "verify"). Returns 0 when
 * the file has signatures and every one is intact (and trusted, with --ca),
 * 1 otherwise, 2 on a usage error. */
int pg_verify_main(int argc, char **argv, const char *usage);

#endif
