#!/bin/sh
# plangen import of ODT: hostile archives are refused with one error and
# nothing written (fixtures made at test time by tests/make_docx_fixtures.py);
# what comes out of the reader's paragraphs in the plan: bold through a parent
# style, list labels from the list style as sections, a footnote, a table with
# a covered cell, a text box. The reader's own paragraphs (text:s, line breaks,
# labels, marks turned off) are asserted in tests/unit/test_import_readers.c. LibreOffice-written ODT: tests/run_import_lo.sh.
# Run from the repository root:  tests/run_import_odt.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"

python3 "$(dirname "$0")/make_docx_fixtures.py" "$work" || { echo "FAIL: fixtures"; exit 1; }

. "$(dirname "$0")/import/refused.sh"
refused bomb.odt "content.xml unpacks to more than 64 MiB; refused as a possible ZIP bomb"
refused entity.odt "content.xml declares a DTD or entities"
refused empty.odt "not an ODT file (no ZIP signature)"
refused text.odt "not an ODT file (no ZIP signature)"
refused no-content.odt "the ODT has no content.xml"
refused wrong-mime.odt 'its mimetype is "application/vnd.oasis.opendocument.spreadsheet"'
refused no-mime.odt 'its mimetype is "(none)"'
refused truncated.odt "the ODT is not a readable ZIP archive"
refused many.odt "more than 10000 entries"
refused malformed.odt "content.xml is not well-formed XML at its line 2"
refused styles-malformed.odt "styles.xml is not well-formed XML at its line 1"
refused nodes.odt "the XML parts of the ODT hold more than 1000000 elements and attributes in all (at content.xml)"
refused entity-utf16.odt "content.xml declares a DTD or entities"
refused notes-big.odt "the footnotes of the ODT hold more than 1 MiB of text in all"
# a paragraph style its own parent, a list style of 300,000 children, 5000
# items: the levels read once (each label walked them all: a minute)
expect_rc 0 style-cycle.odt -- timeout 10 "$plangen" import "$work/style-cycle.odt" -o "$work/cyc.xml"
if [ "$(grep -c 'mục văn bản' "$work/cyc.xml")" -eq 5000 ] && grep -q '5000\. mục văn bản' "$work/cyc.xml"; then ok
else bad "style-cycle.odt: $(head -c 2000 "$work/cyc.xml")"; fi
# a flat ODT (.fodt, one XML document) is held to the same rules
printf '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "x">]>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>\n' \
    >"$work/entity.fodt"
refused entity.fodt "the flat ODT declares a DTD or entities"
printf '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">\n<office:body>\n' \
    >"$work/malformed.fodt"
refused malformed.fodt "the flat ODT is not well-formed XML at its line 3"
printf '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>\n' \
    >"$work/empty-flat.xml"
refused empty-flat.xml "the flat ODT has no office:body/office:text"
# a ZIP with the ODT mimetype is read as ODT whatever its name
cp "$work/wrong-mime.odt" "$work/sheet.zip"
refused sheet.zip "not application/vnd.oasis.opendocument.text"
cp "$work/good.odt" "$work/good-renamed.docx"
expect_rc 0 "good-renamed.docx" -- "$plangen" import "$work/good-renamed.docx" -o "$work/renamed.xml"

expect_rc 0 good.odt -- "$plangen" import "$work/good.odt" -o "$work/good.xml"
g=$work/good.xml
has() {
    if grep -q -- "$1" "$g"; then ok; else bad "good.odt: $2: '$1' not in: $(cat "$g")"; fi
}
has '<b>Đoạn đậm kế thừa.</b>' "bold through the parent style"
has '<i><u>nghiêng gạch</u></i>\|<u><i>nghiêng gạch</i></u>' "italic from the parent text style, underline its own"
# the list style's labels "I.", "1.", "a)" read as typed: sections nested three deep
has '<section title="MỤC MỘT">' "a roman level of the list style is a top section"
has '<footnote>Lời chú thích.</footnote>' "the footnote's body at its place"
has '<cell><p>Cột BC</p></cell>' "the spanned header cell"
has 'c1' "the cell after a covered one"
has 'Chữ trong khung' "the text box's text"
# in == out
if grep -q 'words in' "$work/err"; then
    wi=$(sed -n 's/.*: \([0-9]*\) words in.*/\1/p' "$work/err")
    wo=$(sed -n 's/.*, \([0-9]*\) words out.*/\1/p' "$work/err")
    if [ "$wi" = "$wo" ] && [ "$wi" -gt 30 ]; then ok; else bad "good.odt: $wi words in, $wo out"; fi
else
    bad "good.odt: no word counts: $(cat "$work/err")"
fi

finish import_odt
