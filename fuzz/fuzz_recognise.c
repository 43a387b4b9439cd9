/* fuzz_recognise.c - libFuzzer harness: the recogniser (import.c) fed
 * paragraphs as a DOCX or ODT reader gives them - table cells, line-break
 * halves, bold and italic runs, pictures - which the text reader never makes.
 * One line of input a paragraph: its first byte, XOR 0x20 (so that a space
 * means a plain paragraph), says how it stands:
 *   bit 0 in a table cell, bits 1-2 its column, bit 3 a new row, bit 7 a new
 *   table; bit 4 a picture (the text its alternate text); bit 5 the first run
 *   bold; bit 6 the same source paragraph as the line before (a w:br half).
 * The rest is its text; a byte 0x01 starts a new run with the next of bold,
 * italic, underline, plain. Lines that are not UTF-8, or hold a control
 * character other than a tab, are left out: no reader gives them (XML cannot
 * hold them, the text reader refuses them). The plan written is well-formed XML and loses no word. */
#include "fuzz_import_check.h"

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_import_doc doc = {0};
    const char *s = (const char *)data, *end = s + size;
    int line = 0, table = 0, row = 0;
    while (s < end && doc.n < 4096) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        int clean = e > s && g_utf8_validate(s + 1, e - s - 1, NULL);
        for (const char *k = s + 1; clean && k < e; k++)
            clean = (unsigned char)*k >= 0x20 || *k == '\t' || *k == '\1';
        if (clean) {
            unsigned c = (unsigned char)s[0] ^ 0x20;
            if (!(c & 64) || !line)
                line++;
            if (c & 128)
                table++, row = 0;
            if (c & 8)
                row++;
            pg_import_para *p = pg_import_para_add(&doc, line);
            p->in_cell = c & 1;
            p->col = (int)(c >> 1 & 3);
            p->table = table;
            p->row = row;
            p->picture = (c & 16) != 0;
            static const unsigned next[] = {PG_RUN_BOLD, PG_RUN_ITALIC, PG_RUN_UNDERLINE, 0};
            unsigned marks = c & 32 ? PG_RUN_BOLD : 0;
            int k = 0;
            const char *r = s + 1;
            while (r <= e) {
                const char *cut = memchr(r, '\1', (size_t)(e - r));
                const char *re = cut ? cut : e;
                if (re > r)
                    pg_import_run_add(p, r, (size_t)(re - r), marks);
                if (!cut)
                    break;
                marks = next[k++ & 3];
                r = cut + 1;
            }
        }
        s = e + 1;
    }
    pg_diag_list d = {0};
    fuzz_recognise_check(&doc, "old.docx", &d);
    pg_diag_list_free(&d);
    return 0;
}
