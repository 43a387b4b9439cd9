/* sign.c - `plangen sign` (a PAdES baseline B-B signature appended to a PDF as an
 * incremental update) and `plangen verify` (each signature of a PDF: who, when,
 * which certificate, intact or not, what came after it). The PDF structure is
 * read by pdfparse.c; OpenSSL's CMS does every piece of cryptography. */
/* The PKCS#11 engine (libengine-pkcs11-openssl) is reached through OpenSSL's
 * ENGINE API, deprecated in OpenSSL 3 but the only way to it on Debian 12,
 * which packages no PKCS#11 provider. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "sign.h"

#include "datadir.h"
#include "i18n.h"

#include "input.h"

#include "arena.h"
#include "diag.h"
#include "output.h"
#include "pdf.h"
#include "pdfparse.h"
#include "pdfxref.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <openssl/cms.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { RC_OK = 0, RC_REFUSED = 1, RC_USAGE = 2, RC_SYSTEM = 3 };


/* The largest PDF signed or verified: read whole into memory. */
#define MAX_PDF_BYTES ((size_t)512 << 20)
/* The space reserved for the DER CMS in /Contents (bytes; written as twice as many
 * hex digits): a signer certificate, its chain of a few certificates and the
 * signed attributes fit with room to spare. */
#define CONTENTS_BYTES 16384
/* The width of the /ByteRange numbers' placeholder (four numbers and spaces). */
#define BYTERANGE_WIDTH 48
/* The most fields walked in an AcroForm (with their kids). */
#define MAX_FIELDS 10000
/* The most signatures verified in one file: each hashes up to the whole file. */
#define MAX_SIGNATURES 64

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *g = g_strdup_vprintf(_(fmt), ap);
    va_end(ap);
    char *p = pg_printable(g);
    fprintf(stderr, "%s\n", p);
    free(p);
    g_free(g);
}

/* OpenSSL's reason for the last failure, for a message; static storage. */
static const char *ssl_reason(void)
{
    static char buf[256];
    unsigned long e = ERR_peek_last_error();
    if (!e)
        return _("no detail from OpenSSL");
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

/* Reads a whole file (a regular file of at most MAX_PDF_BYTES, through the
 * project's one reader: no gap between its checks and the read); free() the
 * result. what names it in messages: English words marked N_. */
static unsigned char *read_file(const char *path, size_t *len, const char *what)
{
    char *data = NULL, why[PG_WHY_MAX];
    switch (pg_read_regular_file(path, MAX_PDF_BYTES, &data, len, why)) {
    case PG_INPUT_OK:
        return (unsigned char *)data;
    case PG_INPUT_TOO_LARGE:
        say("plangen: error: %s: %s is over %zu MiB, the most plangen reads", path, _(what),
            MAX_PDF_BYTES >> 20);
        return NULL;
    default:
        say("plangen: error: %s: cannot read %s: %s", path, _(what), why);
        return NULL;
    }
}

/* The passphrase (or PIN): one line from file descriptor fd (>= 0), else the
 * environment's PLANGEN_PASSPHRASE. NULL with a message when neither is given.
 * The caller clears and frees it with forget(). */
static char *passphrase(int fd)
{
    char *s = NULL;
    if (fd >= 0) {
        size_t cap = 1024, n = 0;
        s = pg_xmalloc(cap + 1);
        while (n < cap) {
            ssize_t r = read(fd, s + n, cap - n);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            n += (size_t)r;
            if (memchr(s, '\n', n))
                break;
        }
        s[n] = '\0';
        s[strcspn(s, "\r\n")] = '\0';
        return s;
    }
    const char *env = getenv("PLANGEN_PASSPHRASE");
    if (env)
        return pg_xstrdup(env);
    say("plangen: error: no passphrase: give it on a file descriptor (--pass-fd N, e.g. "
        "--pass-fd 3 3<secret.txt) or in the environment variable PLANGEN_PASSPHRASE; never "
        "on the command line");
    return NULL;
}

static void forget(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

/* ---- the AcroForm's fields ------------------------------------------------ */

typedef struct {
    const pg_pdfo *field; /* the field's dictionary (the terminal one) */
} field_ref;

/* Every terminal field of the AcroForm, Kids walked with an explicit stack
 * (no recursion on the file's depth), at most MAX_FIELDS; g_free the result.
 * refs (may be NULL) receives, per field, how the file names it: a REF for a
 * field that is an object of its own (g_free it too). */
static const pg_pdfo **collect_fields(pg_pdf *p, const pg_pdfo *acro, size_t *n,
                                      const pg_pdfo ***refs)
{
    GPtrArray *out = g_ptr_array_new();
    GPtrArray *named = g_ptr_array_new();
    GPtrArray *stack = g_ptr_array_new();
    const pg_pdfo *fields = pg_pdf_resolve(p, pg_pdfo_get(acro, "Fields"));
    size_t visited = 0;
    if (fields && fields->kind == PG_PDFO_ARRAY)
        for (size_t i = fields->n; i-- > 0;)
            g_ptr_array_add(stack, (gpointer)fields->items[i]);
    while (stack->len && visited++ < MAX_FIELDS) {
        const pg_pdfo *ref = g_ptr_array_remove_index(stack, stack->len - 1);
        const pg_pdfo *f = pg_pdf_resolve(p, ref);
        if (!f || f->kind != PG_PDFO_DICT)
            continue;
        const pg_pdfo *kids = pg_pdf_resolve(p, pg_pdfo_get(f, "Kids"));
        if (kids && kids->kind == PG_PDFO_ARRAY && !pg_pdfo_get(f, "FT")) {
            for (size_t i = kids->n; i-- > 0;)
                g_ptr_array_add(stack, (gpointer)kids->items[i]);
        } else {
            g_ptr_array_add(out, (gpointer)f);
            g_ptr_array_add(named, (gpointer)ref);
        }
    }
    g_ptr_array_free(stack, TRUE);
    *n = out->len;
    if (refs)
        *refs = (const pg_pdfo **)g_ptr_array_free(named, FALSE);
    else
        g_ptr_array_free(named, TRUE);
    return (const pg_pdfo **)g_ptr_array_free(out, FALSE);
}

/* 1 when field's /T is the name given (a name plangen writes: ASCII). */
static int field_named(const pg_pdfo *field, const char *name)
{
    const pg_pdfo *t = pg_pdfo_get(field, "T");
    return t && t->kind == PG_PDFO_STRING && t->len == strlen(name) && !strcmp(t->text, name);
}

/* A PDF text string as UTF-8 (heap, g_free): UTF-16BE after its byte order
 * mark, else PDFDocEncoding read as Latin-1 (the same for what plangen writes). */
static char *text_utf8(const pg_pdfo *o)
{
    if (!o || o->kind != PG_PDFO_STRING)
        return NULL;
    const unsigned char *t = (const unsigned char *)o->text;
    if (o->len >= 2 && t[0] == 0xFE && t[1] == 0xFF) {
        size_t n = (o->len - 2) / 2;
        gunichar2 *u = g_new(gunichar2, n + 1);
        for (size_t i = 0; i < n; i++)
            u[i] = (gunichar2)(t[2 + 2 * i] << 8 | t[3 + 2 * i]);
        char *s = g_utf16_to_utf8(u, (glong)n, NULL, NULL, NULL);
        g_free(u);
        return s;
    }
    return g_convert(o->text, (gssize)o->len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
}

/* ---- writing PDF pieces ---------------------------------------------------- */

/* The bytes of o as they are in the file. */
static void put_raw(GString *g, const pg_pdf *p, const pg_pdfo *o)
{
    size_t n = 0;
    const unsigned char *b = pg_pdf_raw(p, o, &n);
    g_string_append_len(g, (const char *)b, (gssize)n);
}

/* dict's entries as in the file, but those named in skip (NULL-ended). */
static void put_entries_except(GString *g, const pg_pdf *p, const pg_pdfo *dict,
                               const char *const *skip)
{
    for (size_t i = 0; i + 1 < dict->n; i += 2) {
        int skipped = 0;
        for (size_t k = 0; skip[k]; k++)
            skipped |= strcmp(dict->items[i]->text, skip[k]) == 0;
        if (skipped)
            continue;
        g_string_append_c(g, ' ');
        put_raw(g, p, dict->items[i]);
        g_string_append_c(g, ' ');
        put_raw(g, p, dict->items[i + 1]);
    }
}

/* A PDF text string: UTF-16BE with its byte order mark, in hex. */
static void put_text(GString *g, const char *utf8)
{
    glong n = 0;
    gunichar2 *u = g_utf8_to_utf16(utf8, -1, NULL, &n, NULL);
    g_string_append(g, "<FEFF");
    for (glong i = 0; u && i < n; i++)
        g_string_append_printf(g, "%04X", u[i]);
    g_string_append_c(g, '>');
    g_free(u);
}

typedef pg_xref_entry written;

static void begin_obj(GString *u, size_t base, written *w, size_t *nw, long long num, int gen)
{
    w[*nw].num = num;
    w[*nw].gen = gen;
    w[*nw].off = base + u->len;
    (*nw)++;
    g_string_append_printf(u, "%lld %d obj\n", num, gen);
}

static int cmp_written(const void *a, const void *b)
{
    const written *x = a, *y = b;
    return x->num < y->num ? -1 : x->num > y->num;
}

/* "D:YYYYMMDDHHmmSS+07'00'": the time in Vietnam's time zone (UTC+7, NĐ 30). */
static void pdf_date(time_t t, char *buf, size_t size)
{
    time_t local = t + 7 * 3600;
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(buf, size, "D:%Y%m%d%H%M%S+07'00'", &tm);
}

/* ---- sign ---------------------------------------------------------------- */

typedef struct {
    const char *in, *out, *p12, *pkcs11, *module, *as, *reason, *location;
    const char *number;   /* --number: the document's number and symbol */
    const char *data_dir; /* --data-dir: where fonts/ is; NULL: $PLANGEN_DATADIR or "." */
    int pass_fd;
    int page;       /* --page: 1-based; 0: the first */
    int visible;    /* --rect given */
    double rect[4]; /* --rect: x1 y1 x2 y2, pt in the page's default user space */
} sign_opts;

/* The first page (its object number and generation, and its dictionary), the
 * page tree walked down its first kids, at most PG_PDF_MAX_DEPTH levels. */
static const pg_pdfo *find_page(pg_pdf *p, const pg_pdfo *catalog, long long index, long long *num,
                                int *gen)
{
    /* down the page tree: in each node, skip the kids whose /Count the index
     * passes; at most PG_PDF_MAX_DEPTH levels */
    const pg_pdfo *ref = pg_pdfo_get(catalog, "Pages");
    for (int depth = 0; depth < PG_PDF_MAX_DEPTH && ref && ref->kind == PG_PDFO_REF; depth++) {
        const pg_pdfo *node = pg_pdf_object(p, ref->num, gen);
        if (!node || node->kind != PG_PDFO_DICT)
            return NULL;
        if (pg_pdfo_is_name(pg_pdfo_get(node, "Type"), "Page")) {
            *num = ref->num;
            return index == 0 ? node : NULL;
        }
        const pg_pdfo *kids = pg_pdf_resolve(p, pg_pdfo_get(node, "Kids"));
        ref = NULL;
        for (size_t i = 0; kids && kids->kind == PG_PDFO_ARRAY && i < kids->n; i++) {
            const pg_pdfo *kid = pg_pdf_resolve(p, kids->items[i]);
            const pg_pdfo *count = pg_pdfo_get(kid, "Count");
            long long n = pg_pdfo_is_name(pg_pdfo_get(kid, "Type"), "Page")       ? 1
                          : count && count->kind == PG_PDFO_NUM && count->num > 0 ? count->num
                                                                                  : 0;
            if (index < n) {
                ref = kids->items[i];
                break;
            }
            index -= n;
        }
    }
    return NULL;
}

/* Loads key and certificate (and the chain) from a PKCS#12 file. */
static int load_p12(const char *path, const char *pass, EVP_PKEY **key, X509 **cert,
                    STACK_OF(X509) * *chain)
{
    size_t len = 0;
    unsigned char *data = read_file(path, &len, N_("the PKCS#12 file"));
    if (!data)
        return 0;
    const unsigned char *q = data;
    PKCS12 *p12 = d2i_PKCS12(NULL, &q, (long)len);
    free(data);
    int ok = 0;
    if (!p12) {
        say("plangen: error: %s is no PKCS#12 file (.p12/.pfx with a key and its certificate)",
            path);
        goto cleanup;
    }
    if (!PKCS12_verify_mac(p12, pass, -1)) {
        say("plangen: error: %s: the passphrase does not open this PKCS#12 file; give the "
            "right one (--pass-fd N or PLANGEN_PASSPHRASE)",
            path);
        goto cleanup;
    }
    if (!PKCS12_parse(p12, pass, key, cert, chain)) {
        say("plangen: error: %s: cannot read the key and certificate of this PKCS#12 file: %s",
            path, ssl_reason());
        goto cleanup;
    }
    if (!*key || !*cert) {
        say("plangen: error: %s holds no %s; a signing PKCS#12 needs a private key and its "
            "certificate",
            path, *key ? _("certificate") : _("private key"));
        goto cleanup;
    }
    if (!X509_check_private_key(*cert, *key)) {
        say("plangen: error: %s: the private key does not belong to the certificate", path);
        goto cleanup;
    }
    ok = 1;
cleanup:
    PKCS12_free(p12);
    ERR_clear_error();
    return ok;
}

/* Loads key and certificate from a PKCS#11 token through OpenSSL's pkcs11
 * engine: uri (RFC 7512) names the private key; the certificate is the object
 * of the same URI with type=cert. module: the token's PKCS#11 library (NULL:
 * the engine's default, p11-kit's proxy). */
static int load_pkcs11(const char *uri, const char *module, const char *pin, EVP_PKEY **key,
                       X509 **cert)
{
    int ok = 0, inited = 0;
    char *cert_uri = NULL;
    ENGINE_load_builtin_engines();
    ENGINE *e = ENGINE_by_id("pkcs11");
    if (!e) {
        say("plangen: error: OpenSSL's PKCS#11 engine is missing; install it (Debian: "
            "libengine-pkcs11-openssl)");
        goto cleanup;
    }
    if (module && !ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0)) {
        say("plangen: error: %s: the PKCS#11 engine does not take this module: %s", module,
            ssl_reason());
        goto cleanup;
    }
    if (!ENGINE_ctrl_cmd_string(e, "PIN", pin, 0) || !ENGINE_init(e)) {
        say("plangen: error: cannot start the PKCS#11 module %s: %s",
            module ? module : _("(the default, p11-kit-proxy)"), ssl_reason());
        goto cleanup;
    }
    inited = 1;
    *key = ENGINE_load_private_key(e, uri, NULL, NULL);
    if (!*key) {
        say("plangen: error: %s: no private key could be used at this URI: the PIN is wrong, "
            "or the token or key is not there (pkcs11-tool -O lists a token's objects)",
            uri);
        goto cleanup;
    }
    /* the certificate: the same URI, of type cert */
    GString *g = g_string_new(NULL);
    gchar **parts = g_strsplit(uri, ";", 64);
    for (gchar **q = parts; *q; q++)
        if (strncmp(*q, "type=", 5) != 0 && strncmp(*q, "pkcs11:type=", 12) != 0)
            g_string_append_printf(g, "%s%s", g->len ? ";" : "", *q);
        else if (q == parts)
            g_string_append(g, "pkcs11:");
    g_strfreev(parts);
    g_string_append(g, g->len > 7 ? ";type=cert" : "type=cert");
    cert_uri = g_string_free(g, FALSE);
    struct {
        const char *id;
        X509 *cert;
    } parms = {cert_uri, NULL};
    if (!ENGINE_ctrl_cmd(e, "LOAD_CERT_CTRL", 0, &parms, NULL, 1) || !parms.cert) {
        say("plangen: error: %s: the token holds no certificate for this key (write it with "
            "pkcs11-tool --write-object CERT.der --type cert --id ID)",
            uri);
        goto cleanup;
    }
    *cert = parms.cert;
    if (!X509_check_private_key(*cert, *key)) {
        say("plangen: error: %s: the private key does not belong to the certificate", uri);
        goto cleanup;
    }
    ok = 1;
cleanup:
    g_free(cert_uri);
    if (inited)
        ENGINE_finish(e);
    ENGINE_free(e);
    ERR_clear_error();
    return ok;
}

/* The CMS SignedData (DER, OPENSSL_free) over data: detached, SHA-256, with the
 * ESS signing-certificate-v2 attribute (CMS_CADES) and the signing time t. */
/* PAdES baseline signatures carry no CMS signing-time attribute (ETSI EN 319
 * 142-1: the claimed time is /M of the signature dictionary), but OpenSSL 3.0
 * adds one to every signer info it signs. So, after CMS_final, the attribute
 * is deleted and the signer info signed again by the key, through OpenSSL:
 * the signed attributes encoded as a DER SET OF by i2d_ASN1_SET_ANY (which
 * sorts them as DER wants, as the CMS encoder does), signed by EVP_DigestSign
 * with SHA-256 and the key's default scheme (PKCS#1 v1.5 for RSA, ECDSA). */
static int drop_signing_time(CMS_SignerInfo *si, EVP_PKEY *key)
{
    int ok = 0, idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (idx < 0)
        return 1;
    X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, idx));
    ASN1_SEQUENCE_ANY *set = sk_ASN1_TYPE_new_null();
    unsigned char *abuf = NULL, *sig = NULL;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    for (int i = 0; set && i < CMS_signed_get_attr_count(si); i++) {
        unsigned char *der = NULL;
        int n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &der);
        ASN1_STRING *str = n > 0 ? ASN1_STRING_type_new(V_ASN1_SEQUENCE) : NULL;
        ASN1_TYPE *t = str ? ASN1_TYPE_new() : NULL;
        if (!t) {
            OPENSSL_free(der);
            ASN1_STRING_free(str);
            goto cleanup;
        }
        ASN1_STRING_set0(str, der, n);
        ASN1_TYPE_set(t, V_ASN1_SEQUENCE, str);
        sk_ASN1_TYPE_push(set, t);
    }
    int alen = set ? i2d_ASN1_SET_ANY(set, &abuf) : 0;
    size_t sl = 0;
    if (alen <= 0 || !m || EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, key) <= 0 ||
        EVP_DigestSign(m, NULL, &sl, abuf, (size_t)alen) <= 0)
        goto cleanup;
    sig = OPENSSL_malloc(sl);
    if (!sig || EVP_DigestSign(m, sig, &sl, abuf, (size_t)alen) <= 0)
        goto cleanup;
    ASN1_STRING_set0(CMS_SignerInfo_get0_signature(si), sig, (int)sl);
    sig = NULL;
    ok = 1;
cleanup:
    OPENSSL_free(sig);
    OPENSSL_free(abuf);
    EVP_MD_CTX_free(m);
    sk_ASN1_TYPE_pop_free(set, ASN1_TYPE_free);
    return ok;
}

static unsigned char *make_cms(EVP_PKEY *key, X509 *cert, STACK_OF(X509) * chain,
                               const unsigned char *data, size_t len, time_t t, int *der_len)
{
    unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP | CMS_CADES;
    unsigned char *der = NULL;
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    ASN1_TIME *at = ASN1_TIME_set(NULL, t);
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, chain, NULL, flags);
    CMS_SignerInfo *si = cms ? CMS_add1_signer(cms, cert, key, EVP_sha256(), flags) : NULL;
    /* the signing time OpenSSL would add is given the time of /M (the signature
     * is then a function of the inputs), and dropped after */
    if (!si || !at || !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, at->type, at, -1) ||
        !CMS_final(cms, bio, NULL, CMS_DETACHED | CMS_BINARY) || !drop_signing_time(si, key)) {
        say("plangen: error: OpenSSL could not make the signature: %s", ssl_reason());
        goto cleanup;
    }
    *der_len = i2d_CMS_ContentInfo(cms, &der);
    if (*der_len <= 0) {
        say("plangen: error: OpenSSL could not encode the signature: %s", ssl_reason());
        der = NULL;
    }
cleanup:
    CMS_ContentInfo_free(cms);
    ASN1_TIME_free(at);
    BIO_free(bio);
    return der;
}

static time_t signing_time(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end = NULL;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0 && v < 253402300799LL)
            return (time_t)v;
        say("plangen: warning: SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds; signing "
            "at the current time",
            sde);
    }
    return time(NULL);
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Where a new widget goes in a tagged PDF's structure tree (PDF/UA): a Form
 * element appended to the top-level element (the Document), named by the
 * parent tree's next key. */
typedef struct {
    const pg_pdfo *root, *tree, *top; /* the tree's root, parent tree, top element */
    long long root_num, tree_num, top_num;
    int root_gen, tree_gen, top_gen;
    long long key; /* the widget's /StructParent */
} struct_place;

/* Finds it; 0 when the PDF has no structure tree plangen can extend (none, a
 * parent tree of more than one node, objects not of their own). */
static int find_struct_place(pg_pdf *p, const pg_pdfo *catalog, struct_place *s)
{
    const pg_pdfo *ref = pg_pdfo_get(catalog, "StructTreeRoot");
    if (!ref || ref->kind != PG_PDFO_REF)
        return 0;
    s->root_num = ref->num;
    s->root = pg_pdf_object(p, ref->num, &s->root_gen);
    ref = pg_pdfo_get(s->root, "ParentTree");
    if (!s->root || s->root->kind != PG_PDFO_DICT || !ref || ref->kind != PG_PDFO_REF)
        return 0;
    s->tree_num = ref->num;
    s->tree = pg_pdf_object(p, ref->num, &s->tree_gen);
    const pg_pdfo *nums = pg_pdfo_get(s->tree, "Nums");
    if (!s->tree || s->tree->kind != PG_PDFO_DICT || pg_pdfo_get(s->tree, "Kids") || !nums ||
        nums->kind != PG_PDFO_ARRAY)
        return 0;
    const pg_pdfo *k = pg_pdfo_get(s->root, "K");
    if (k && k->kind == PG_PDFO_ARRAY && k->n > 0)
        k = k->items[0];
    if (!k || k->kind != PG_PDFO_REF)
        return 0;
    s->top_num = k->num;
    s->top = pg_pdf_object(p, k->num, &s->top_gen);
    if (!s->top || s->top->kind != PG_PDFO_DICT || !pg_pdfo_get(s->top, "S"))
        return 0;
    /* the next key: the root's, and past every key in use */
    const pg_pdfo *next = pg_pdfo_get(s->root, "ParentTreeNextKey");
    s->key = next && next->kind == PG_PDFO_NUM && next->is_int && next->num >= 0 ? next->num : 0;
    for (size_t i = 0; i + 1 < nums->n; i += 2)
        if (nums->items[i]->kind == PG_PDFO_NUM && nums->items[i]->num >= s->key)
            s->key = nums->items[i]->num + 1;
    return s->key < 1000000000;
}

GString *pg_sign_build(pg_pdf *p, const unsigned char *d, size_t len, const char *name,
                       const pg_sign_request *r)
{
    GString *u = NULL;
    unsigned char *der = NULL;
    const pg_pdfo **fields = NULL;
    written w[12 + PG_PDF_FORM_OBJECTS];
    const pg_pdfo **field_refs = NULL;
    const char *fill_name = NULL;
    long long ap_num = 0;
    size_t nw = 0;
    int ok = 0;

    const pg_pdfo *root = pg_pdfo_get(pg_pdf_trailer(p), "Root");
    int cat_gen = 0;
    const pg_pdfo *catalog = pg_pdf_object(p, root->num, &cat_gen);
    if (!catalog || catalog->kind != PG_PDFO_DICT) {
        say("plangen: error: %s: cannot sign: its document catalog (object %lld) is missing or "
            "unreadable; the file is damaged",
            name, root->num);
        goto cleanup;
    }
    /* a certification signature that allows no change (DocMDP, /P 1) would be
     * broken by any update, ours included */
    const pg_pdfo *docmdp =
        pg_pdf_resolve(p, pg_pdfo_get(pg_pdf_resolve(p, pg_pdfo_get(catalog, "Perms")), "DocMDP"));
    const pg_pdfo *refs = pg_pdf_resolve(p, pg_pdfo_get(docmdp, "Reference"));
    for (size_t i = 0; refs && refs->kind == PG_PDFO_ARRAY && i < refs->n; i++) {
        const pg_pdfo *ref = pg_pdf_resolve(p, refs->items[i]);
        const pg_pdfo *tp = pg_pdf_resolve(p, pg_pdfo_get(ref, "TransformParams"));
        const pg_pdfo *perm = pg_pdf_resolve(p, pg_pdfo_get(tp, "P"));
        if (pg_pdfo_is_name(pg_pdfo_get(ref, "TransformMethod"), "DocMDP") && perm &&
            perm->kind == PG_PDFO_NUM && perm->num == 1) {
            say("plangen: error: %s: cannot sign: it carries a certification signature that "
                "allows no change (DocMDP /P 1); a new signature would break it",
                name);
            goto cleanup;
        }
    }
    long long page_num = 0;
    int page_gen = 0;
    const pg_pdfo *page =
        find_page(p, catalog, r->page > 0 ? r->page - 1 : 0, &page_num, &page_gen);
    if (!page && r->page > 1) {
        say("plangen: error: %s: cannot sign: it has no page %d (--page)", name, r->page);
        goto cleanup;
    }
    if (!page) {
        say("plangen: error: %s: cannot sign: its first page cannot be found in the page tree; "
            "the file is damaged",
            name);
        goto cleanup;
    }
    /* the AcroForm: rewritten in place when it is an object of its own, else a new
     * object that a rewritten catalog names */
    const pg_pdfo *acro_ref = pg_pdfo_get(catalog, "AcroForm");
    const pg_pdfo *acro = pg_pdf_resolve(p, acro_ref);
    if (acro && acro->kind != PG_PDFO_DICT)
        acro = NULL;
    size_t n_fields = 0;
    fields = acro ? collect_fields(p, acro, &n_fields, &field_refs) : NULL;

    /* the place the PDF keeps for this signature: its unsigned field of that
     * name (the render's NĐ 30 appearance), unless --rect gives another */
    int org = r->as && strcmp(r->as, "organisation") == 0;
    const char *want[2] = {org ? "organisation" : "signer", org ? "organisation-line" : NULL};
    const pg_pdfo *fill = NULL;
    long long fill_num = 0;
    int fill_gen = 0;
    for (int k = 0; k < 2 && want[k] && !fill && !r->visible; k++)
        for (size_t i = 0; i < n_fields && !fill; i++)
            if (pg_pdfo_is_name(pg_pdfo_get(fields[i], "FT"), "Sig") &&
                field_named(fields[i], want[k])) {
                fill = fields[i];
                fill_name = want[k];
                if (field_refs[i]->kind == PG_PDFO_REF) {
                    fill_num = field_refs[i]->num;
                    pg_pdf_object(p, fill_num, &fill_gen);
                }
            }
    double fill_rect[4] = {0, 0, 0, 0};
    if (fill) {
        if (pg_pdfo_get(fill, "V")) {
            say("plangen: error: %s: cannot sign as %s: its signature field \"%s\" is signed "
                "already (plangen verify lists its signatures)",
                name, org ? _("organisation") : _("signer"), fill_name);
            goto cleanup;
        }
        const pg_pdfo *rc = pg_pdf_resolve(p, pg_pdfo_get(fill, "Rect"));
        int good = fill_num > 0 && rc && rc->kind == PG_PDFO_ARRAY && rc->n == 4;
        for (size_t i = 0; good && i < 4; i++) {
            good = rc->items[i]->kind == PG_PDFO_NUM && fabs(rc->items[i]->real) <= 14400;
            fill_rect[i] = good ? rc->items[i]->real : 0;
        }
        for (int i = 0; i < 2; i++) /* lower left, upper right */
            if (fill_rect[i] > fill_rect[i + 2]) {
                double t = fill_rect[i];
                fill_rect[i] = fill_rect[i + 2];
                fill_rect[i + 2] = t;
            }
        if (!good) {
            say("plangen: error: %s: cannot sign: its signature field \"%s\" is not an object of "
                "its own with a /Rect of four numbers; the file is damaged",
                name, fill_name);
            goto cleanup;
        }
    } else if (!r->visible) {
        say("plangen: note: %s: the PDF keeps no place for the %s's signature (no signature "
            "field \"%s\"%s): signed invisibly. To show it where NĐ 30 puts it, render the plan "
            "with %s",
            name, org ? _("organisation") : _("signer"), want[0],
            org ? _(" nor \"organisation-line\"") : "",
            org ? _("--seal FILE (the seal's image)")
                : _("--signature-image FILE (or --seal FILE)"));
    }

    /* the line of an attachment sent as a file of its own: the number and symbol,
     * and the signing time in Vietnam's time zone */
    char *number = NULL;
    int line_field = fill && strcmp(fill_name, "organisation-line") == 0;
    if (line_field) {
        if (r->number) {
            number = g_strdup(r->number);
        } else {
            const pg_pdfo *info = pg_pdf_resolve(p, pg_pdfo_get(pg_pdf_trailer(p), "Info"));
            number = text_utf8(pg_pdf_resolve(p, pg_pdfo_get(info, "Keywords")));
            if (number)
                g_strstrip(number);
        }
        /* the Info's: a number assigned ("60-KH/ĐUK"), not the blank of a draft ("/KH") */
        if (!number || strlen(number) > 100 ||
            (!r->number && (!g_ascii_isdigit(number[0]) || !strchr(number, '/')))) {
            say("plangen: error: %s: cannot sign as organisation: its field \"organisation-line\" "
                "shows the document's number and symbol, and the PDF does not say them (its "
                "Info /Keywords is \"%s\"); give them: --number \"123/KH-UBND\"",
                name, number ? number : "");
            g_free(number);
            goto cleanup;
        }
    }

    long long next = pg_pdf_size(p);
    long long sig_num = next++, field_num = fill ? fill_num : next++, acro_num;
    int field_gen = fill ? fill_gen : 0;
    ap_num = next++;
    pg_pdf_objects line = {0};
    if (line_field) {
        char when[40];
        time_t local = r->when + 7 * 3600;
        struct tm tm;
        gmtime_r(&local, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
        const char *lines[2] = {number, when};
        char *why = NULL;
        char *fonts = r->fonts_dir ? NULL : g_build_filename(pg_data_dir_default(NULL), "fonts", NULL);
        int made = pg_pdf_text_form(r->fonts_dir ? r->fonts_dir : fonts,
                                    "Times New Roman", 10, lines, 2, fill_rect[2] - fill_rect[0],
                                    fill_rect[3] - fill_rect[1], (int)ap_num, &line, &why);
        g_free(fonts);
        g_free(number);
        if (!made) {
            say("plangen: error: %s: cannot write the line of the field \"organisation-line\": %s",
                name, why);
            g_free(why);
            goto cleanup;
        }
        next = ap_num + line.n;
    } else {
        g_free(number);
    }
    int acro_gen = 0, rewrite_catalog;
    if (acro && acro_ref->kind == PG_PDFO_REF) {
        acro_num = acro_ref->num;
        pg_pdf_object(p, acro_num, &acro_gen);
        rewrite_catalog = 0;
    } else {
        acro_num = next++;
        rewrite_catalog = 1;
    }
    if (page_num == root->num || page_num == acro_num || acro_num == root->num ||
        field_num == root->num || field_num == acro_num || field_num == page_num) {
        pg_buf_free(&line.bytes);
        say("plangen: error: %s: cannot sign: its catalog, AcroForm and first page are not "
            "distinct objects; the file is damaged",
            name);
        goto cleanup;
    }
    /* a new widget goes into the structure tree of a tagged PDF */
    struct_place sp = {0};
    long long form_num = 0;
    if (!fill && find_struct_place(p, catalog, &sp)) {
        long long nums[6] = {sp.root_num, sp.tree_num, sp.top_num, root->num, acro_num, page_num};
        int distinct = 1;
        for (int i = 0; i < 6; i++)
            for (int j = i + 1; j < 6; j++)
                distinct &= nums[i] != nums[j];
        if (distinct)
            form_num = next++;
    }
    const char *base = org ? "Organisation" : "Signer";
    char fname[64];
    for (int k = 1;; k++) {
        if (k == 1)
            snprintf(fname, sizeof fname, "%s", base);
        else
            snprintf(fname, sizeof fname, "%s%d", base, k);
        int taken = 0;
        for (size_t i = 0; i < n_fields && !taken; i++)
            taken = field_named(fields[i], fname);
        if (!taken)
            break;
    }

    time_t now = r->when;
    char mdate[40];
    pdf_date(now, mdate, sizeof mdate);
    u = g_string_new(NULL);
    if (d[len - 1] != '\n' && d[len - 1] != '\r')
        g_string_append_c(u, '\n');

    /* the signature dictionary, /ByteRange and /Contents filled in below */
    begin_obj(u, len, w, &nw, sig_num, 0);
    g_string_append(u, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
                       "/ByteRange [");
    size_t br_at = u->len;
    g_string_append_printf(u, "%*s] /Contents ", BYTERANGE_WIDTH, "");
    size_t contents_at = u->len;
    g_string_append_c(u, '<');
    for (int i = 0; i < CONTENTS_BYTES * 2; i++)
        g_string_append_c(u, '0');
    g_string_append_c(u, '>');
    size_t contents_end = u->len;
    g_string_append_printf(u, " /M (%s)", mdate);
    if (r->reason) {
        g_string_append(u, " /Reason ");
        put_text(u, r->reason);
    }
    if (r->location) {
        g_string_append(u, " /Location ");
        put_text(u, r->location);
    }
    g_string_append(u, " >>\nendobj\n");

    char bw[G_ASCII_DTOSTR_BUF_SIZE], bh[G_ASCII_DTOSTR_BUF_SIZE];
    if (fill) {
        /* the render's field, the same object: its place, page, description and
         * structure kept, its value the signature, its appearance new */
        static const char *const skip[] = {"V", "AP", NULL};
        begin_obj(u, len, w, &nw, field_num, field_gen);
        g_string_append(u, "<<");
        put_entries_except(u, p, fill, skip);
        g_string_append_printf(u, " /V %lld 0 R /AP << /N %lld 0 R >> >>\nendobj\n", sig_num,
                               ap_num);
        g_ascii_formatd(bw, sizeof bw, "%.3f", fill_rect[2] - fill_rect[0]);
        g_ascii_formatd(bh, sizeof bh, "%.3f", fill_rect[3] - fill_rect[1]);
    } else {
        /* a new field and its widget in one dictionary, printable and locked
         * (/F 132): invisible (an empty rectangle) on the first page, or over
         * --rect on --page */
        char rect[4][G_ASCII_DTOSTR_BUF_SIZE];
        for (int i = 0; i < 4; i++)
            g_ascii_formatd(rect[i], sizeof rect[i], "%.2f", r->visible ? r->rect[i] : 0.0);
        begin_obj(u, len, w, &nw, field_num, 0);
        g_string_append_printf(u, "<< /FT /Sig /T (%s) /TU ", fname);
        put_text(u, org ? "Chữ ký số của cơ quan, tổ chức" : "Chữ ký số của người ký");
        g_string_append_printf(
            u, " /V %lld 0 R /Type /Annot /Subtype /Widget /Rect [%s %s %s %s] /F 132", sig_num,
            rect[0], rect[1], rect[2], rect[3]);
        g_string_append_printf(u, " /AP << /N %lld 0 R >>", ap_num);
        if (form_num)
            g_string_append_printf(u, " /StructParent %lld", sp.key);
        g_string_append_printf(u, " /P %lld %d R >>\nendobj\n", page_num, page_gen);
        g_ascii_formatd(bw, sizeof bw, "%.2f", r->visible ? r->rect[2] - r->rect[0] : 0.0);
        g_ascii_formatd(bh, sizeof bh, "%.2f", r->visible ? r->rect[3] - r->rect[1] : 0.0);
    }
    if (line_field) {
        /* the form showing the line and its font, from pdf.c */
        for (int i = 0; i < line.n; i++) {
            w[nw].num = ap_num + i;
            w[nw].gen = 0;
            w[nw].off = len + u->len + line.offset[i];
            nw++;
        }
        g_string_append_len(u, line.bytes.s, (gssize)line.bytes.len);
        pg_buf_free(&line.bytes);
    } else {
        /* empty: what shows there is the page's own drawing (the signature
         * image, the seal), or nothing */
        begin_obj(u, len, w, &nw, ap_num, 0);
        g_string_append_printf(u,
                               "<< /Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources << "
                               ">> /Length 0 >>\nstream\n\nendstream\nendobj\n",
                               bw, bh);
    }

    if (form_num) {
        /* a Form element holding the widget, last in the top-level element, and
         * the parent tree's entry naming it */
        begin_obj(u, len, w, &nw, form_num, 0);
        g_string_append_printf(u,
                               "<< /Type /StructElem /S /Form /P %lld %d R /Pg %lld %d R /K << "
                               "/Type /OBJR /Obj %lld 0 R /Pg %lld %d R >> >>\nendobj\n",
                               sp.top_num, sp.top_gen, page_num, page_gen, field_num, page_num,
                               page_gen);
        static const char *const skip_k[] = {"K", NULL};
        begin_obj(u, len, w, &nw, sp.top_num, sp.top_gen);
        g_string_append(u, "<<");
        put_entries_except(u, p, sp.top, skip_k);
        g_string_append(u, " /K [");
        const pg_pdfo *k = pg_pdfo_get(sp.top, "K");
        for (size_t i = 0; k && i < (k->kind == PG_PDFO_ARRAY ? k->n : 1); i++) {
            put_raw(u, p, k->kind == PG_PDFO_ARRAY ? k->items[i] : k);
            g_string_append_c(u, ' ');
        }
        g_string_append_printf(u, "%lld 0 R] >>\nendobj\n", form_num);
        static const char *const skip_nums[] = {"Nums", NULL};
        begin_obj(u, len, w, &nw, sp.tree_num, sp.tree_gen);
        g_string_append(u, "<<");
        put_entries_except(u, p, sp.tree, skip_nums);
        g_string_append(u, " /Nums [");
        const pg_pdfo *nums = pg_pdfo_get(sp.tree, "Nums");
        for (size_t i = 0; i < nums->n; i++) {
            put_raw(u, p, nums->items[i]);
            g_string_append_c(u, ' ');
        }
        g_string_append_printf(u, "%lld %lld 0 R] >>\nendobj\n", sp.key, form_num);
        static const char *const skip_next[] = {"ParentTreeNextKey", NULL};
        begin_obj(u, len, w, &nw, sp.root_num, sp.root_gen);
        g_string_append(u, "<<");
        put_entries_except(u, p, sp.root, skip_next);
        g_string_append_printf(u, " /ParentTreeNextKey %lld >>\nendobj\n", sp.key + 1);
    }

    /* the AcroForm: its fields (and the new one); signatures exist, append only */
    begin_obj(u, len, w, &nw, acro_num, acro_gen);
    g_string_append(u, "<<");
    if (acro) {
        static const char *const skip[] = {"Fields", "SigFlags", NULL};
        put_entries_except(u, p, acro, skip);
    }
    g_string_append(u, " /Fields [");
    const pg_pdfo *old_fields = acro ? pg_pdf_resolve(p, pg_pdfo_get(acro, "Fields")) : NULL;
    for (size_t i = 0; old_fields && old_fields->kind == PG_PDFO_ARRAY && i < old_fields->n; i++) {
        put_raw(u, p, old_fields->items[i]);
        g_string_append_c(u, ' ');
    }
    if (!fill)
        g_string_append_printf(u, "%lld 0 R", field_num);
    g_string_append(u, "] /SigFlags 3 >>\nendobj\n");

    if (rewrite_catalog) {
        begin_obj(u, len, w, &nw, root->num, cat_gen);
        static const char *const skip[] = {"AcroForm", NULL};
        g_string_append(u, "<<");
        put_entries_except(u, p, catalog, skip);
        g_string_append_printf(u, " /AcroForm %lld 0 R >>\nendobj\n", acro_num);
    }

    /* the page with the new widget among its annotations (a field filled is
     * there already) */
    if (!fill) {
        static const char *const skip[] = {"Annots", NULL};
        begin_obj(u, len, w, &nw, page_num, page_gen);
        g_string_append(u, "<<");
        put_entries_except(u, p, page, skip);
        g_string_append(u, " /Annots [");
        const pg_pdfo *annots = pg_pdf_resolve(p, pg_pdfo_get(page, "Annots"));
        for (size_t i = 0; annots && annots->kind == PG_PDFO_ARRAY && i < annots->n; i++) {
            put_raw(u, p, annots->items[i]);
            g_string_append_c(u, ' ');
        }
        g_string_append_printf(u, "%lld 0 R] >>\nendobj\n", field_num);
    }

    /* the file identifier: the first kept, the second a digest of this update */
    char *digest = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)u->str, u->len);
    digest[32] = '\0';
    const pg_pdfo *trailer = pg_pdf_trailer(p);
    const pg_pdfo *id = pg_pdfo_get(trailer, "ID");
    GString *t = g_string_new(NULL); /* the trailer's entries but /Size and /Prev */
    g_string_append_printf(t, "/Root %lld %d R", root->num, root->gen);
    const pg_pdfo *info = pg_pdfo_get(trailer, "Info");
    if (info && info->kind == PG_PDFO_REF)
        g_string_append_printf(t, " /Info %lld %d R", info->num, info->gen);
    g_string_append(t, " /ID [");
    if (id && id->kind == PG_PDFO_ARRAY && id->n == 2 && id->items[0]->kind == PG_PDFO_STRING)
        put_raw(t, p, id->items[0]);
    else
        g_string_append_printf(t, "<%s>", digest);
    g_string_append_printf(t, " <%s>]", digest);
    g_free(digest);
    qsort(w, nw, sizeof *w, cmp_written);
    if (pg_pdf_xref_is_stream(p)) {
        /* after a cross-reference stream, a cross-reference stream (object next) */
        pg_xref_stream_append(u, len, w, nw, next, pg_pdf_startxref(p), t->str);
    } else {
        /* the cross-reference section of this update, one subsection per run of numbers */
        size_t xref_at = len + u->len;
        g_string_append(u, "xref\n");
        for (size_t i = 0; i < nw;) {
            size_t j = i + 1;
            while (j < nw && w[j].num == w[j - 1].num + 1)
                j++;
            g_string_append_printf(u, "%lld %zu\n", w[i].num, j - i);
            for (size_t k = i; k < j; k++)
                g_string_append_printf(u, "%010zu %05d n \n", w[k].off, w[k].gen);
            i = j;
        }
        g_string_append_printf(u, "trailer\n<< /Size %lld %s /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n",
                               next, t->str, pg_pdf_startxref(p), xref_at);
    }
    g_string_free(t, TRUE);

    /* the byte range: everything but the /Contents string */
    size_t total = len + u->len;
    size_t gap_from = len + contents_at, gap_to = len + contents_end;
    char br[BYTERANGE_WIDTH + 1];
    int bl = snprintf(br, sizeof br, "0 %zu %zu %zu", gap_from, gap_to, total - gap_to);
    memcpy(u->str + br_at, br, (size_t)bl);

    /* the signed bytes, then the CMS written into the placeholder */
    size_t signed_len = total - (gap_to - gap_from);
    unsigned char *sd = pg_xmalloc(signed_len);
    memcpy(sd, d, len);
    memcpy(sd + len, u->str, contents_at);
    memcpy(sd + len + contents_at, u->str + contents_end, u->len - contents_end);
    int der_len = 0;
    der = make_cms(r->key, r->cert, r->chain, sd, signed_len, now, &der_len);
    free(sd);
    if (!der)
        goto cleanup;
    if (der_len > CONTENTS_BYTES) {
        say("plangen: error: the signature takes %d bytes, over the %d reserved for it; the "
            "PKCS#12 file holds too long a certificate chain",
            der_len, CONTENTS_BYTES);
        goto cleanup;
    }
    static const char hex[] = "0123456789ABCDEF";
    for (int i = 0; i < der_len; i++) {
        u->str[contents_at + 1 + 2 * i] = hex[der[i] >> 4];
        u->str[contents_at + 2 + 2 * i] = hex[der[i] & 15];
    }

    ok = 1;
cleanup:
    OPENSSL_free(der);
    g_free(fields);
    g_free(field_refs);
    if (!ok && u) {
        g_string_free(u, TRUE);
        u = NULL;
    }
    return u;
}

static int do_sign(const sign_opts *so)
{
    int rc = RC_REFUSED;
    size_t len = 0;
    unsigned char *d = NULL;
    char *err = NULL, *pass = NULL;
    pg_pdf *p = NULL;
    GString *u = NULL;
    /* absolute: fontconfig reads a relative configuration path from its own folder */
    const char *data = so->data_dir ? so->data_dir : pg_data_dir_default(NULL);
    char *data_abs = g_canonicalize_filename(data, NULL);
    char *fonts_dir = g_build_filename(data_abs, "fonts", NULL);
    g_free(data_abs);
    pg_sign_request r = {.as = so->as,
                         .number = so->number,
                         .fonts_dir = fonts_dir,
                         .reason = so->reason,
                         .location = so->location,
                         .page = so->page,
                         .visible = so->visible};
    memcpy(r.rect, so->rect, sizeof r.rect);

    if (so->out && same_file(so->in, so->out)) {
        say("plangen: error: %s: -o names the input; signing writes a new file and leaves the "
            "unsigned one as it is: choose another output",
            so->out);
        g_free(fonts_dir);
        return RC_USAGE;
    }
    if (!(d = read_file(so->in, &len, N_("the PDF"))))
        goto cleanup;
    if (!(p = pg_pdf_open_with(d, len, PG_PDF_OPEN_STREAMS, &err))) {
        say("plangen: error: %s: cannot sign: %s", so->in, err);
        goto cleanup;
    }
    if (!(pass = passphrase(so->pass_fd)))
        goto cleanup;
    if (so->pkcs11 ? !load_pkcs11(so->pkcs11, so->module, pass, &r.key, &r.cert)
                   : !load_p12(so->p12, pass, &r.key, &r.cert, &r.chain))
        goto cleanup;
    r.when = signing_time();
    if (!(u = pg_sign_build(p, d, len, so->in, &r)))
        goto cleanup;

    pg_output o;
    pg_diag_list dl = {0};
    if (!pg_output_open(&o, so->out, &dl)) {
        pg_diag_print(&dl, stderr);
        pg_diag_list_free(&dl);
        rc = RC_SYSTEM;
        goto cleanup;
    }
    if (fwrite(d, 1, len, o.f) != len || fwrite(u->str, 1, u->len, o.f) != u->len) {
        pg_output_abort(&o);
        say("plangen: error: %s: cannot write: %s", so->out, strerror(errno));
        rc = RC_SYSTEM;
        goto cleanup;
    }
    if (!pg_output_commit(&o, &dl)) {
        pg_diag_print(&dl, stderr);
        pg_diag_list_free(&dl);
        rc = RC_SYSTEM;
        goto cleanup;
    }
    rc = RC_OK;
cleanup:
    forget(pass);
    g_free(fonts_dir);
    EVP_PKEY_free(r.key);
    X509_free(r.cert);
    sk_X509_pop_free(r.chain, X509_free);
    if (u)
        g_string_free(u, TRUE);
    pg_pdf_free(p);
    free(err);
    free(d);
    return rc;
}

static int bad_usage(const char *usage, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int bad_usage(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *g = g_strdup_vprintf(_(fmt), ap);
    va_end(ap);
    say("plangen: %s", g);
    g_free(g);
    fprintf(stderr, "\n%s", _(usage));
    return RC_USAGE;
}

/* Value of "--opt VALUE" or "--opt=VALUE" at argv[*i]; advances *i. */
static const char *opt(int argc, char **argv, int *i, const char *name, int *bad)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (strcmp(a, name) == 0) {
        if (*i + 1 >= argc) {
            *bad = 1;
            return NULL;
        }
        return argv[++*i];
    }
    return NULL;
}

static int text_ok(const char *s)
{
    return g_utf8_validate(s, -1, NULL) && strlen(s) <= 1000;
}

int pg_sign_main(int argc, char **argv, const char *usage)
{
    sign_opts so = {.pass_fd = -1};
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        /* the options whose value is taken as it is */
        const struct {
            const char *name;
            const char **field;
        } plain[] = {{"-o", &so.out},
                     {"--p12", &so.p12},
                     {"--pkcs11", &so.pkcs11},
                     {"--pkcs11-module", &so.module},
                     {"--data-dir", &so.data_dir},
                     {"--reason", &so.reason},
                     {"--location", &so.location}};
        size_t p = 0;
        while (p < G_N_ELEMENTS(plain) && !(v = opt(argc, argv, &i, plain[p].name, &bad)))
            p++;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(_(usage), stdout);
            return RC_OK;
        } else if (p < G_N_ELEMENTS(plain)) {
            *plain[p].field = v;
        } else if ((v = opt(argc, argv, &i, "--page", &bad))) {
            char *end = NULL;
            long n = strtol(v, &end, 10);
            if (*end || end == v || n < 1 || n > 100000)
                return bad_usage(usage, "--page takes a page number from 1");
            so.page = (int)n;
        } else if ((v = opt(argc, argv, &i, "--rect", &bad))) {
            /* x1,y1,x2,y2 in pt; a page of 200 inches at most (PDF's limit) */
            char *end = (char *)v;
            int k = 0;
            for (; k < 4; k++) {
                char *from = end;
                so.rect[k] = g_ascii_strtod(from, &end);
                if (end == from || !(so.rect[k] >= 0 && so.rect[k] <= 14400) ||
                    *end != (k < 3 ? ',' : '\0'))
                    break;
                if (k < 3)
                    end++;
            }
            if (k < 4 || so.rect[2] <= so.rect[0] || so.rect[3] <= so.rect[1])
                return bad_usage(usage, "--rect takes x1,y1,x2,y2 in pt from the page's lower "
                                        "left corner, x1 < x2 and y1 < y2, e.g. 300,100,500,180");
            so.visible = 1;
        } else if ((v = opt(argc, argv, &i, "--as", &bad))) {
            so.as = v;
            if (strcmp(v, "signer") != 0 && strcmp(v, "organisation") != 0)
                return bad_usage(usage, "--as takes signer or organisation");
        } else if ((v = opt(argc, argv, &i, "--number", &bad))) {
            so.number = v;
            if (!text_ok(v) || !*v || strlen(v) > 100)
                return bad_usage(usage, "--number takes the document's number and symbol, "
                                        "e.g. 123/KH-UBND");
        } else if ((v = opt(argc, argv, &i, "--pass-fd", &bad))) {
            char *end = NULL;
            long fd = strtol(v, &end, 10);
            if (*end || end == v || fd < 0 || fd > 1024)
                return bad_usage(usage, "--pass-fd takes a file descriptor number (e.g. 3)");
            so.pass_fd = (int)fd;
        } else if (bad) {
            return bad_usage(usage, "%s needs a value", a);
        } else if (strncmp(a, "--pass", 6) == 0 || strncmp(a, "--pin", 5) == 0) {
            return bad_usage(usage,
                             "%s: a passphrase is never taken on the command line (other "
                             "users see it in the process list); use --pass-fd N or "
                             "PLANGEN_PASSPHRASE",
                             a);
        } else if (a[0] == '-' && a[1]) {
            return bad_usage(usage, "unknown option %s", a);
        } else if (!so.in) {
            so.in = a;
        } else {
            return bad_usage(usage, "sign takes one PDF; %s is one too many", a);
        }
    }
    if (bad)
        return bad_usage(usage, "%s needs a value", argv[argc - 1]);
    if (!so.in || !so.out)
        return bad_usage(usage, "sign needs a PDF and -o OUT.pdf");
    if (so.pkcs11 && so.p12)
        return bad_usage(usage, "give one key: --p12 FILE or --pkcs11 URI, not both");
    if (!so.p12 && !so.pkcs11)
        return bad_usage(usage, "sign needs a key: --p12 FILE or --pkcs11 URI");
    if (so.pkcs11 && strncmp(so.pkcs11, "pkcs11:", 7) != 0)
        return bad_usage(usage, "--pkcs11 takes a PKCS#11 URI (RFC 7512), e.g. "
                                "pkcs11:token=NAME;object=LABEL");
    if (so.module && !so.pkcs11)
        return bad_usage(usage, "--pkcs11-module goes with --pkcs11 URI");
    if (!so.module)
        so.module = getenv("PLANGEN_PKCS11_MODULE");
    if ((so.reason && !text_ok(so.reason)) || (so.location && !text_ok(so.location)))
        return bad_usage(usage, "--reason and --location take UTF-8 text of at most 1000 bytes");
    return do_sign(&so);
}

/* ---- verify -------------------------------------------------------------- */

/* "D:YYYYMMDDHHmmSS+HH'mm'" as ISO 8601; a copy of the text when it is no such date. */
static char *iso_of_pdf_date(const char *s)
{
    int y, mo, da, h, mi, se, th = 0, tm = 0;
    char z = 0;
    if (strlen(s) >= 16 &&
        sscanf(s, "D:%4d%2d%2d%2d%2d%2d%c%2d'%2d", &y, &mo, &da, &h, &mi, &se, &z, &th, &tm) >= 6) {
        if (z == '+' || z == '-')
            return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo, da, h, mi, se,
                                   z, th, tm);
        return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, da, h, mi, se);
    }
    return g_strdup(s);
}

static char *name_line(const X509_NAME *n)
{
    BIO *b = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(b, n, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    char *p = NULL;
    long l = BIO_get_mem_data(b, &p);
    char *s = g_strndup(p, (gsize)l);
    BIO_free(b);
    return s;
}

static char *common_name(const X509_NAME *n)
{
    int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
    unsigned char *utf8 = NULL;
    if (i < 0 ||
        ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i))) < 0)
        return name_line(n);
    char *s = g_strdup((char *)utf8);
    OPENSSL_free(utf8);
    return s;
}

static char *time_text(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return g_strdup("(none)");
    char buf[40];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return g_strdup(buf);
}

/* Prints one field of the listing, escaped (it comes from the file). */
static void line(FILE *out, const char *label, const char *value)
{
    char *v = pg_printable(value ? value : "");
    fprintf(out, "  %-12s %s\n", _(label), v);
    free(v);
}

/* The 1-based number of the page that is object num, 0 when it is none: the
 * page tree walked in order with an explicit stack, at most 100,000 nodes. */
static long long page_number(pg_pdf *p, long long num)
{
    int gen = 0;
    const pg_pdfo *root = pg_pdfo_get(pg_pdf_trailer(p), "Root");
    const pg_pdfo *pages = pg_pdfo_get(pg_pdf_object(p, root->num, &gen), "Pages");
    GPtrArray *stack = g_ptr_array_new();
    long long seen = 0, found = 0;
    if (pages)
        g_ptr_array_add(stack, (gpointer)pages);
    for (int visited = 0; stack->len && visited < 100000 && !found; visited++) {
        const pg_pdfo *ref = g_ptr_array_remove_index(stack, stack->len - 1);
        const pg_pdfo *node = pg_pdf_resolve(p, ref);
        if (!node || node->kind != PG_PDFO_DICT)
            continue;
        if (pg_pdfo_is_name(pg_pdfo_get(node, "Type"), "Page")) {
            seen++;
            if (ref->kind == PG_PDFO_REF && ref->num == num)
                found = seen;
            continue;
        }
        const pg_pdfo *kids = pg_pdf_resolve(p, pg_pdfo_get(node, "Kids"));
        for (size_t i = kids && kids->kind == PG_PDFO_ARRAY ? kids->n : 0; i-- > 0;)
            g_ptr_array_add(stack, (gpointer)kids->items[i]);
    }
    g_ptr_array_free(stack, TRUE);
    return found;
}

/* Checks and prints one signature; returns 1 when it is intact (and trusted,
 * when store is given). */
/* Where the byte range of signature dictionary sig ends (the end of its
 * revision), 0 when it is no valid range of a file of len bytes. */
static size_t range_end(const pg_pdfo *sig, size_t len)
{
    const pg_pdfo *br = pg_pdfo_get(sig, "ByteRange");
    if (!br || br->kind != PG_PDFO_ARRAY || br->n != 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (br->items[i]->kind != PG_PDFO_NUM || !br->items[i]->is_int || br->items[i]->num < 0)
            return 0;
    unsigned long long end =
        (unsigned long long)br->items[2]->num + (unsigned long long)br->items[3]->num;
    return end <= len ? (size_t)end : 0;
}

static int verify_one(FILE *out, pg_pdf *p, const unsigned char *d, size_t len,
                      const pg_pdfo *field, const pg_pdfo *sig, X509_STORE *store, int index,
                      int count, size_t last_end)
{
    const pg_pdfo *t = pg_pdfo_get(field, "T");
    char *fname = t && t->kind == PG_PDFO_STRING ? g_strndup(t->text, t->len) : g_strdup("?");
    char *shown = pg_printable(fname);
    fprintf(out, _("signature %d of %d (field %s)\n"), index, count, shown);
    free(shown);
    /* the field it fills, with what the field is for */
    char *tu = text_utf8(pg_pdf_resolve(p, pg_pdfo_get(field, "TU")));
    char *fills = tu ? g_strdup_printf("%s: %s", fname, tu) : g_strdup(fname);
    line(out, "field:", fills);
    g_free(fills);
    g_free(tu);
    g_free(fname);
    int ok = 0;
    CMS_ContentInfo *cms = NULL;
    BIO *bio = NULL;
    unsigned char *sd = NULL;
    STACK_OF(X509) *certs = NULL;
    X509_STORE_CTX *ctx = NULL;
    const pg_pdfo *sub = pg_pdfo_get(sig, "SubFilter");
    const pg_pdfo *br = pg_pdfo_get(sig, "ByteRange");
    const pg_pdfo *contents = pg_pdfo_get(sig, "Contents");
    if (!sig || sig->kind != PG_PDFO_DICT || !contents || contents->kind != PG_PDFO_STRING) {
        line(out, "intact:", _("NO: the signature dictionary or its /Contents is missing"));
        return 0;
    }
    line(out, "format:", sub && sub->kind == PG_PDFO_NAME ? sub->text : _("(no /SubFilter)"));
    if (!pg_pdfo_is_name(sub, "ETSI.CAdES.detached") &&
        !pg_pdfo_is_name(sub, "adbe.pkcs7.detached")) {
        line(out, "intact:",
             _("NO: plangen checks ETSI.CAdES.detached and adbe.pkcs7.detached signatures only"));
        return 0;
    }
    long long r[4] = {-1, -1, -1, -1};
    for (size_t i = 0; br && br->kind == PG_PDFO_ARRAY && br->n == 4 && i < 4; i++)
        if (br->items[i]->kind == PG_PDFO_NUM && br->items[i]->is_int)
            r[i] = br->items[i]->num;
    /* the range must be the whole file up to its revision, less exactly the
     * /Contents string: nothing else of the signed revision is left out */
    if (r[0] != 0 || r[1] < 0 || r[2] < r[1] || r[3] < 0 || (size_t)r[1] != contents->start ||
        (size_t)r[2] != contents->end || (unsigned long long)(r[2] + r[3]) > len) {
        line(out,
             "intact:", _("NO: its /ByteRange does not cover the file less the /Contents string"));
        goto cleanup;
    }
    size_t end = (size_t)(r[2] + r[3]);
    const unsigned char *q = (const unsigned char *)contents->text;
    cms = d2i_CMS_ContentInfo(NULL, &q, (long)contents->len);
    if (!cms) {
        line(out, "intact:", _("NO: its /Contents holds no CMS signature"));
        goto cleanup;
    }
    size_t sl = (size_t)r[1] + (size_t)r[3];
    sd = pg_xmalloc(sl + 1);
    memcpy(sd, d, (size_t)r[1]);
    memcpy(sd + r[1], d + r[2], (size_t)r[3]);
    bio = BIO_new_mem_buf(sd, (int)sl);
    CMS_set1_signers_certs(cms, NULL, 0);
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    X509 *signer = NULL;
    if (sis && sk_CMS_SignerInfo_num(sis) == 1)
        CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(sis, 0), NULL, &signer, NULL, NULL);
    if (!signer) {
        line(out, "intact:", _("NO: the signature names no signer certificate it carries"));
        goto cleanup;
    }
    char *cn = common_name(X509_get_subject_name(signer));
    line(out, "signer:", cn);
    g_free(cn);
    const pg_pdfo *m = pg_pdfo_get(sig, "M");
    char *when = m && m->kind == PG_PDFO_STRING ? iso_of_pdf_date(m->text) : g_strdup(_("(no /M)"));
    line(out, "signed at:", when);
    g_free(when);
    char *issuer = name_line(X509_get_issuer_name(signer));
    line(out, "issuer:", issuer);
    g_free(issuer);
    char *nb = time_text(X509_get0_notBefore(signer)), *na = time_text(X509_get0_notAfter(signer));
    char *valid = g_strdup_printf(_("from %s to %s"), nb, na);
    line(out, "valid:", valid);
    g_free(valid);
    g_free(nb);
    g_free(na);
    int intact =
        CMS_verify(cms, NULL, NULL, bio, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
    if (intact) {
        line(out, "intact:", _("yes: the digest of the bytes it covers matches the signature"));
    } else if (ERR_GET_REASON(ERR_peek_last_error()) == CMS_R_CONTENT_VERIFY_ERROR) {
        line(out,
             "intact:", _("NO: the bytes it covers were changed after signing (digest mismatch)"));
    } else {
        char *why = g_strdup_printf(_("NO: the signature does not verify (%s)"), ssl_reason());
        line(out, "intact:", why);
        g_free(why);
    }
    if (end == len) {
        line(out, "covers:", _("the whole file: nothing was changed after this signature"));
    } else {
        char *c = g_strdup_printf(
            _("its revision, the first %zu bytes; the document was changed after it: %zu bytes "
              "were added, %s"),
            end, len - end,
            last_end == len ? _("all in the range of a later signature")
                            : _("some of them in the range of no signature (see below)"));
        line(out, "covers:", c);
        g_free(c);
    }
    const pg_pdfo *rect = pg_pdfo_get(field, "Rect");
    const pg_pdfo *pg = pg_pdfo_get(field, "P");
    double rv[4] = {0, 0, 0, 0};
    for (size_t i = 0; rect && rect->kind == PG_PDFO_ARRAY && rect->n == 4 && i < 4; i++)
        if (rect->items[i]->kind == PG_PDFO_NUM)
            rv[i] = rect->items[i]->real;
    if (rv[2] - rv[0] == 0 || rv[3] - rv[1] == 0) {
        line(out, "shown:", _("invisible (the widget has an empty rectangle)"));
    } else {
        long long page = pg && pg->kind == PG_PDFO_REF ? page_number(p, pg->num) : 0;
        char *c = g_strdup_printf(_("on page %lld at [%.2f %.2f %.2f %.2f] pt"), page, rv[0], rv[1],
                                  rv[2], rv[3]);
        line(out, "shown:", c);
        g_free(c);
    }
    int trusted = 1;
    if (!store) {
        line(out, "trust:",
             _("not checked: the certificate was not checked against any trust store "
               "(give --ca FILE)"));
    } else {
        certs = CMS_get1_certs(cms);
        ctx = X509_STORE_CTX_new();
        trusted =
            ctx && X509_STORE_CTX_init(ctx, store, signer, certs) && X509_verify_cert(ctx) == 1;
        if (trusted) {
            line(out, "trust:", _("yes: the certificate chains to a certificate of --ca"));
        } else {
            char *why = g_strdup_printf(
                _("NO: %s"),
                ctx ? X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)) : "?");
            line(out, "trust:", why);
            g_free(why);
        }
    }
    ok = intact && trusted;
cleanup:
    X509_STORE_CTX_free(ctx);
    sk_X509_pop_free(certs, X509_free);
    BIO_free(bio);
    free(sd);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return ok;
}

/* Lists and checks the signatures of d[0, len) on out (store: the trusted
 * certificates, or NULL); returns the number of signatures, -1 when the PDF
 * cannot be read, and how many are good in *good. */
static int verify_pdf(const unsigned char *d, size_t len, const char *name, X509_STORE *store,
                      FILE *out, int *good)
{
    char *err = NULL;
    const pg_pdfo **fields = NULL;
    int count = -1;
    *good = 0;
    pg_pdf *p = pg_pdf_open_with(d, len, PG_PDF_OPEN_STREAMS, &err);
    if (!p) {
        say("plangen: error: %s: cannot verify: %s", name, err);
        goto cleanup;
    }
    const pg_pdfo *root = pg_pdfo_get(pg_pdf_trailer(p), "Root");
    const pg_pdfo *catalog = pg_pdf_object(p, root->num, NULL);
    const pg_pdfo *acro = pg_pdf_resolve(p, pg_pdfo_get(catalog, "AcroForm"));
    size_t n = 0;
    fields = acro ? collect_fields(p, acro, &n, NULL) : NULL;
    count = 0;
    for (size_t i = 0; i < n; i++)
        count +=
            pg_pdfo_is_name(pg_pdfo_get(fields[i], "FT"), "Sig") && pg_pdfo_get(fields[i], "V");
    if (count > MAX_SIGNATURES) {
        say("plangen: error: %s: cannot verify: it has %d signature fields; plangen checks at "
            "most %d",
            name, count, MAX_SIGNATURES);
        count = -1;
        goto cleanup;
    }
    size_t last_end = 0;
    for (size_t i = 0; i < n; i++)
        if (pg_pdfo_is_name(pg_pdfo_get(fields[i], "FT"), "Sig")) {
            size_t e = range_end(pg_pdf_resolve(p, pg_pdfo_get(fields[i], "V")), len);
            last_end = e > last_end ? e : last_end;
        }
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!pg_pdfo_is_name(pg_pdfo_get(fields[i], "FT"), "Sig") || !pg_pdfo_get(fields[i], "V"))
            continue;
        const pg_pdfo *sig = pg_pdf_resolve(p, pg_pdfo_get(fields[i], "V"));
        *good += verify_one(out, p, d, len, fields[i], sig, store, ++k, count, last_end);
    }
    if (count > 0 && last_end < len)
        fprintf(out,
                _("the file was changed after its last signature: its last %zu bytes are in the "
                  "range of no signature\n"),
                len - last_end);
cleanup:
    g_free(fields);
    pg_pdf_free(p);
    free(err);
    return count;
}

int pg_verify_data(const unsigned char *d, size_t len, const char *name, FILE *out, int *intact)
{
    return verify_pdf(d, len, name, NULL, out, intact);
}

int pg_verify_main(int argc, char **argv, const char *usage)
{
    const char *in = NULL, *ca = NULL;
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(_(usage), stdout);
            return RC_OK;
        } else if ((v = opt(argc, argv, &i, "--ca", &bad))) {
            ca = v;
        } else if (bad) {
            return bad_usage(usage, "%s needs a value", a);
        } else if (a[0] == '-' && a[1]) {
            return bad_usage(usage, "unknown option %s", a);
        } else if (!in) {
            in = a;
        } else {
            return bad_usage(usage, "verify takes one PDF; %s is one too many", a);
        }
    }
    if (bad)
        return bad_usage(usage, "%s needs a value", argv[argc - 1]);
    if (!in)
        return bad_usage(usage, "verify needs a PDF");
    int rc = RC_REFUSED;
    size_t len = 0;
    X509_STORE *store = NULL;
    unsigned char *d = read_file(in, &len, N_("the PDF"));
    if (!d)
        goto cleanup;
    if (ca) {
        store = X509_STORE_new();
        if (!X509_STORE_load_file(store, ca)) {
            say("plangen: error: %s: cannot read the trusted certificates (PEM) of --ca: %s", ca,
                ssl_reason());
            goto cleanup;
        }
    }
    int good = 0, count = verify_pdf(d, len, in, store, stdout, &good);
    if (count == 0)
        say("plangen: %s has no signatures", in);
    if (count > 0) {
        printf(_("%d of %d signatures intact%s\n"), good, count, store ? _(" and trusted") : "");
        rc = good == count ? RC_OK : RC_REFUSED;
    }
cleanup:
    X509_STORE_free(store);
    free(d);
    return rc;
}
