#!/bin/sh
# plangen import of DOCX: hostile archives are refused with one error and
# nothing written (fixtures made at test time by tests/make_docx_fixtures.py);
# what the reader keeps. The round trip is tests/run_roundtrip.sh.
# Run from the repository root:  tests/run_import_docx.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"

python3 "$(dirname "$0")/make_docx_fixtures.py" "$work" || { echo "FAIL: fixtures"; exit 1; }

. "$(dirname "$0")/import/refused.sh"
refused bomb.docx "unpacks to more than 64 MiB"
refused bomb-lying.docx "unpacks to more than 64 MiB"
refused entity.docx "DOCTYPE is not allowed"
refused empty.docx "no ZIP signature"
refused text.docx "no ZIP signature"
refused no-document.docx "has no word/document.xml"
refused truncated.docx "not a readable ZIP archive"
refused many.docx "more than 10000 entries"
refused malformed.docx "not well-formed XML"
refused empty-part.docx "word/document.xml is not well-formed XML at its line 1 (it is empty)"
# the limits of the XML read: 16 MiB unpacked and a million nodes for all the
# parts together, a DOCTYPE in any encoding, 1 MiB of footnote text
refused parts-big.docx "the XML parts of the DOCX unpack to more than 16 MiB in all (at word/numbering.xml)"
refused nodes.docx "the XML parts of the DOCX hold more than 1000000 elements and attributes in all (at word/document.xml)"
refused entity-utf16.docx "word/document.xml declares a DTD or entities"
refused notes-big.docx "the footnotes of the DOCX hold more than 1 MiB of text in all"
# a note referenced 100 times is attached once (200 KiB of it, not 20 MiB)
expect_rc 0 notes-repeat.docx -- "$plangen" import "$work/notes-repeat.docx" -o "$work/rep.xml"
n=$(grep -o 'ghi ghi' "$work/rep.xml" | wc -l)
s=$(wc -c <"$work/rep.xml")
if [ "$s" -gt 204800 ] && [ "$s" -lt 409600 ] && [ "$(grep -c '<footnote>' "$work/rep.xml")" -eq 1 ]; then ok
else bad "notes-repeat.docx: $s bytes, $(grep -c '<footnote>' "$work/rep.xml") footnotes, $n"; fi
# a style based on itself, of 100,000 children, and a numbering of as many,
# used by 300 paragraphs: each read once (it took minutes when each
# paragraph walked them)
expect_rc 0 style-cycle.docx -- timeout 20 "$plangen" import "$work/style-cycle.docx" -o "$work/cyc.xml"
if [ "$(grep -c 'section title="đoạn văn bản"' "$work/cyc.xml")" -eq 300 ]; then ok
else bad "style-cycle.docx: $(head -c 2000 "$work/cyc.xml")"; fi
# 1000 braces 1e300 pt high over 2000 lines: skipped, no line marked
expect_rc 0 braces.docx -- timeout 20 "$plangen" import "$work/braces.docx" -o "$work/br.xml"
if ! grep -q '}' "$work/br.xml" && [ "$(wc -c <"$work/br.xml")" -lt 204800 ]; then ok
else bad "braces.docx: $(wc -c <"$work/br.xml") bytes, $(grep -c '}' "$work/br.xml") marks"; fi
# "../" names are never extracted: the archive reads like any other
expect_rc 0 dotdot.docx -- "$plangen" import "$work/dotdot.docx" -o "$work/dotdot.xml"
[ ! -e "$work/../evil.txt" ] && [ ! -e evil.txt ] && ok || bad "dotdot.docx: a file was extracted"

# w:br splits a paragraph; bold runs are kept
expect_rc 0 good.docx -- "$plangen" import "$work/good.docx" -o "$work/good.xml"
if grep -q 'Một dòng' "$work/good.xml" && grep -q 'hai dòng' "$work/good.xml" &&
   ! grep -q 'Một dònghai' "$work/good.xml"; then ok; else bad "good.docx: $(cat "$work/good.xml")"; fi
# a paragraph style's own bold; a Word list item becomes an item
if grep -q '<b>Đoạn đậm theo kiểu</b>' "$work/good.xml"; then ok; else bad "good.docx: style bold: $(cat "$work/good.xml")"; fi
if grep -q '<item>mục của danh sách</item>' "$work/good.xml"; then ok; else bad "good.docx: list item: $(cat "$work/good.xml")"; fi

finish import_docx
