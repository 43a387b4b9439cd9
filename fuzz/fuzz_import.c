/* fuzz_import.c - libFuzzer harness: any bytes as an old plan in plain text
 * through the text reader (import_text.c) and the recogniser (import.c). The
 * plan written is well-formed XML, and loses no word: words in == words out. */
#include "fuzz_import_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import_check(pg_import_text_read, data, size, "old.txt");
    return 0;
}
