/* fuzz_import_docx.c - libFuzzer harness: any bytes as an old plan in DOCX
 * through the DOCX reader (import_docx.c) and the recogniser (import.c), with
 * the checks of fuzz_import_check.h; bytes that are not a ZIP are packed as
 * word/document.xml. */
#include "fuzz_import_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import_check_part(pg_import_docx_read, data, size, "old.docx", "word/document.xml", NULL);
    return 0;
}
