/* fuzz_import_odt.c - libFuzzer harness: any bytes as an old plan in ODT
 * through the ODT reader (import_odt.c) and the recogniser (import.c). The
 * plan written is well-formed XML, and loses no word: words in == words out. */
#include "import.h"

#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_import_doc doc;
    pg_diag_list d = {0};
    if (pg_import_odt_read((const char *)data, size, "old.odt", &doc, &d)) {
        pg_import_stats st;
        char *left = NULL;
        char *xml = pg_import_recognise(&doc, "old.odt", &d, &st, &left);
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
    return 0;
}
