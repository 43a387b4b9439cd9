/* fuzz_import_check.h - what the import fuzzers of the office readers check
 * (fuzz_import_docx.c, fuzz_import_odt.c): any bytes through a reader and the
 * recogniser (import.c); the plan written is well-formed XML and loses no
 * word: words in == words out. A failed check aborts. */
#ifndef PG_FUZZ_IMPORT_CHECK_H
#define PG_FUZZ_IMPORT_CHECK_H

#include "import.h"

#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int fuzz_reader(const char *bytes, size_t len, const char *file, pg_import_doc *doc,
                        pg_diag_list *diags);

static void fuzz_import_check(fuzz_reader *read, const uint8_t *data, size_t size,
                              const char *file)
{
    pg_import_doc doc;
    pg_diag_list d = {0};
    if (read((const char *)data, size, file, &doc, &d)) {
        pg_import_stats st;
        char *left = NULL;
        char *xml = pg_import_recognise(&doc, file, &d, &st, &left);
        xmlDocPtr x = xmlReadMemory(xml, (int)strlen(xml), "plan.xml", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!x)
            abort();
        xmlFreeDoc(x);
        if (st.words_in != st.words_out)
            abort();
        free(xml);
        free(left);
        pg_import_doc_free(&doc);
    }
    pg_diag_list_free(&d);
}

#endif
