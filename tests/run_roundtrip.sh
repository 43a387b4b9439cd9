#!/bin/sh
# The Word round trip: every plan of plans/ rendered to DOCX and imported back
# gives a plan whose PDF has the original PDF's words (pdftotext word counts).
# Run from the repository root:  tests/run_roundtrip.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"

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
finish roundtrip
