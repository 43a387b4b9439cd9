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
