/* fuzz_sign.c - libFuzzer harness: any bytes as a PDF through `plangen verify`
 * (generator/pdfparse.c and the signature checks of sign.c), then, when the
 * reader accepts it, through `plangen sign` with a key made at start-up (as
 * the signer or the organisation, filling the field of that name when the PDF
 * has one): the signed result must read back and hold an intact signature. */
#include "sign.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *key;
static X509 *cert;
static FILE *sink;

/* A P-256 key and a self-signed certificate for it, made by OpenSSL once. */
static void setup(void)
{
    key = EVP_EC_gen("P-256");
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME *n = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"fuzz", -1, -1, 0);
    X509_set_issuer_name(cert, n);
    if (!key || !X509_sign(cert, key, EVP_sha256()))
        abort();
    sink = fopen("/dev/null", "w");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!key)
        setup();
    int intact = 0;
    if (pg_verify_data(data, size, "fuzz.pdf", sink, &intact) < 0)
        return 0;
    char *err = NULL;
    pg_pdf *p = pg_pdf_open_with(data, size, PG_PDF_OPEN_STREAMS, &err);
    if (!p)
        abort(); /* verify read it a moment ago */
    /* the input's length chooses the role (its bytes start with "%PDF-"): a PDF
     * with an unsigned field of that name ("signer", "organisation",
     * "organisation-line") takes the path that fills it */
    pg_sign_request r = {.as = size & 1 ? "signer" : "organisation",
                         .number = "1/KH-FUZZ",
                         .reason = "fuzz",
                         .when = 1681784102,
                         .key = key,
                         .cert = cert};
    GString *u = pg_sign_build(p, data, size, "fuzz.pdf", &r);
    pg_pdf_free(p);
    if (u) {
        size_t n = size + u->len;
        unsigned char *signed_pdf = malloc(n);
        memcpy(signed_pdf, data, size);
        memcpy(signed_pdf + size, u->str, u->len);
        int after = 0;
        if (pg_verify_data(signed_pdf, n, "signed.pdf", sink, &after) < 1 || after < 1)
            abort(); /* what sign writes, verify reads back as intact */
        free(signed_pdf);
        g_string_free(u, TRUE);
    }
    return 0;
}
