/* fuzz_import_odt.c - libFuzzer harness: any bytes as an old plan in ODT
 * through the ODT reader (import_odt.c) and the recogniser (import.c), with
 * the checks of fuzz_import_check.h; bytes that are not a ZIP are packed as
 * content.xml. */
#include "fuzz_import_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import_check_part(pg_import_odt_read, data, size, "old.odt", "content.xml",
                           "application/vnd.oasis.opendocument.text");
    return 0;
}
