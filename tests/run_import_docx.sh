#!/bin/sh
# plangen import of DOCX: hostile archives are refused with one error and
# nothing written (fixtures made at test time by tests/make_docx_fixtures.py);
# and the round trip: every plan of plans/ rendered to DOCX and imported back
# gives a plan whose PDF has the original PDF's words (pdftotext word counts).
# Run from the repository root:  tests/run_import_docx.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"

python3 "$(dirname "$0")/make_docx_fixtures.py" "$work" || { echo "FAIL: fixtures"; exit 1; }

# refused NAME TEXT: import exits 1, says TEXT, writes nothing
refused() {
    rm -f "$work/out.xml"
    expect_rc 1 "$1" -- "$plangen" import "$work/$1" -o "$work/out.xml"
    if grep -q -- "$2" "$work/err"; then ok; else bad "$1: '$2' not in: $(cat "$work/err")"; fi
    if [ -e "$work/out.xml" ]; then bad "$1: output written"; else ok; fi
}
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

# Round trip. Known gaps, "plan:difference" (words of the imported plan's PDF
# less those of the original's). Every imported plan gets the 5 words of the
# placeholders "[CHỨC VỤ]" "[Họ và tên]": the recogniser does not yet take the
# signer's title and name from the rendered DOCX's closing table (their words
# are kept as text). hung-yen-duk (9) also has a link written twice and a "}";
# the others (6) one word more, not yet analysed. A change of any
# count fails the test: update the list when the reader or recogniser improves.
gaps="hung-yen-duk-sinh-hoat-chinh-tri-2023:9 so-khcn-tra-vinh-05-KH-2024:6
tra-vinh-duk-60-KH-2022:5 xin-man-huyen-uy-sinh-hoat-chinh-tri-2023:6
chi-bo-bao-hung-yen-2023:5 chi-bo-so-khcn-2023:5 179-KH-TU-2023:5"
for plan in plans/*.xml plans/*/*.xml; do
    name=$(basename "$plan" .xml)
    expect_rc 0 "$name: render docx" -- "$plangen" render --format docx "$plan" -o "$work/$name.docx"
    expect_rc 0 "$name: import" -- "$plangen" import "$work/$name.docx" -o "$work/$name.in.xml"
    line=$(grep 'words in' "$work/err")
    win=$(echo "$line" | sed -n 's/^plangen: \([0-9]*\) words in .*, \([0-9]*\) words out$/\1/p')
    wout=$(echo "$line" | sed -n 's/^plangen: \([0-9]*\) words in .*, \([0-9]*\) words out$/\2/p')
    if [ -n "$win" ] && [ "$win" = "$wout" ]; then ok; else bad "$name: $line"; fi
    expect_rc 0 "$name: render original" -- "$plangen" render "$plan" -o "$work/$name.a.pdf"
    expect_rc 0 "$name: render imported" -- "$plangen" render "$work/$name.in.xml" -o "$work/$name.b.pdf"
    a=$(pdftotext "$work/$name.a.pdf" - | wc -w)
    b=$(pdftotext "$work/$name.b.pdf" - 2>/dev/null | wc -w)
    want=$(echo $gaps | tr ' ' '\n' | sed -n "s/^$name:\(.*\)$/\1/p")
    echo "round trip $name: $a words, imported $b ($((b - a)))"
    if [ "$((b - a))" = "${want:-0}" ]; then ok; else
        bad "$name: the imported plan's PDF has $b words, the original's $a (known gap: ${want:-0})"
    fi
done
finish import_docx
