/* fuzz_import_check.h - what the import fuzzers check (fuzz_import.c,
 * fuzz_import_docx.c, fuzz_import_odt.c, fuzz_recognise.c): any bytes through a
 * reader, or paragraphs made by the harness, and the
 * recogniser (import.c); the plan written is well-formed XML and loses no
 * word: words in == words out. A failed check aborts. Bytes that are not a
 * ZIP are first packed as the main XML part of an archive (fuzz_import_pack),
 * so that the fuzzer reaches the XML reading as often as the ZIP checks. */
#ifndef PG_FUZZ_IMPORT_CHECK_H
#define PG_FUZZ_IMPORT_CHECK_H

#include "import.h"

#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef int fuzz_reader(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                        pg_diag_list *diags);

/* The recogniser on doc (which it frees): the plan written is well-formed XML
 * and loses no word. */
static void fuzz_recognise_check(pg_import_doc *doc, const char *file, pg_diag_list *d)
{
    pg_import_stats st;
    char *left = NULL;
    char *xml = pg_import_recognise(doc, file, d, &st, &left);
    xmlDocPtr x = xmlReadMemory(xml, (int)strlen(xml), "plan.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!x)
        abort();
    xmlFreeDoc(x);
    if (st.words_in != st.words_out)
        abort();
    free(xml);
    free(left);
    pg_import_doc_free(doc);
}

static void fuzz_import_check(fuzz_reader *read, const uint8_t *data, size_t size, const char *file)
{
    pg_import_doc doc;
    pg_diag_list d = {0};
    if (read((const char *)data, size, file, &doc, &d))
        fuzz_recognise_check(&doc, file, &d);
    pg_diag_list_free(&d);
}

/* An archive in memory holding data as part (and, when mime is not NULL, a
 * stored "mimetype" entry first); malloc'd, its size in *len; NULL when libzip
 * fails. */
static char *fuzz_import_pack(const uint8_t *data, size_t size, const char *part, const char *mime,
                              size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    char *out = NULL;
    if (!z) {
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return NULL;
    }
    zip_source_keep(src);
    if (mime) {
        zip_int64_t i = zip_file_add(z, "mimetype", zip_source_buffer(z, mime, strlen(mime), 0), 0);
        if (i >= 0)
            zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
    }
    zip_file_add(z, part, zip_source_buffer(z, data, size, 0), 0);
    zip_stat_t st;
    if (zip_close(z) != 0) {
        zip_discard(z);
    } else if (zip_source_open(src) == 0) {
        if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
            out = malloc(st.size ? st.size : 1);
            zip_int64_t got = out ? zip_source_read(src, out, st.size) : -1;
            if (got < 0 || (zip_uint64_t)got != st.size) {
                free(out);
                out = NULL;
            } else {
                *len = st.size;
            }
        }
        zip_source_close(src);
    }
    zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

/* The checks on data, or on data packed as part (see above) when it is not a
 * ZIP. */
static void fuzz_import_check_part(fuzz_reader *read, const uint8_t *data, size_t size,
                                   const char *file, const char *part, const char *mime)
{
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        fuzz_import_check(read, data, size, file);
        return;
    }
    size_t len = 0;
    char *zip = fuzz_import_pack(data, size, part, mime, &len);
    if (zip)
        fuzz_import_check(read, (const uint8_t *)zip, len, file);
    free(zip);
}

#endif
