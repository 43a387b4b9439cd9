#!/bin/sh
# The Word round trip (issue #16): every plan of plans/ rendered to DOCX and
# imported back gives the same resolved document - words, sections, numbering,
# recipients and their groups, signature, appendices (tests/roundtrip/compare.py
# says what is compared and why the rest is not) - with as many words in as out,
# and a PDF with the original's words.
# Run from the repository root:  tests/run_roundtrip.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
compare=$(dirname "$0")/roundtrip/compare.py

for plan in plans/*.xml plans/*/*.xml; do
    name=$(basename "$plan" .xml)
    expect_rc 0 "$name: render docx" -- "$plangen" render --format docx "$plan" -o "$work/$name.docx"
    expect_rc 0 "$name: import" -- "$plangen" import "$work/$name.docx" -o "$work/$name.in.xml"
    line=$(grep 'words in' "$work/err")
    win=$(echo "$line" | sed -n 's/^plangen: \([0-9]*\) words in .*, \([0-9]*\) words out$/\1/p')
    wout=$(echo "$line" | sed -n 's/^plangen: \([0-9]*\) words in .*, \([0-9]*\) words out$/\2/p')
    if [ -n "$win" ] && [ "$win" = "$wout" ]; then ok; else bad "$name: $line"; fi
    # nothing left to fill: the DOCX carries the whole plan
    if grep -q 'left to fill' "$work/err"; then bad "$name: $(cat "$work/err")"; else ok; fi
    expect_rc 0 "$name: check the imported plan" -- "$plangen" check "$work/$name.in.xml"
    expect_rc 0 "$name: dump the original" -- "$plangen" dump --stage=number "$plan"
    cp "$work/out" "$work/$name.a.dump"
    expect_rc 0 "$name: dump the imported" -- "$plangen" dump --stage=number "$work/$name.in.xml"
    cp "$work/out" "$work/$name.b.dump"
    if /usr/bin/python3 "$compare" "$work/$name.a.dump" "$work/$name.b.dump" > "$work/diff"; then ok; else
        bad "$name: the imported plan's resolved document differs:"; cat "$work/diff"
    fi
    expect_rc 0 "$name: render original" -- "$plangen" render "$plan" -o "$work/$name.a.pdf"
    expect_rc 0 "$name: render imported" -- "$plangen" render "$work/$name.in.xml" -o "$work/$name.b.pdf"
    a=$(pdftotext "$work/$name.a.pdf" - | wc -w)
    b=$(pdftotext "$work/$name.b.pdf" - 2>/dev/null | wc -w)
    if [ "$a" = "$b" ]; then ok; else bad "$name: the imported plan's PDF has $b words, the original's $a"; fi
done
finish roundtrip
