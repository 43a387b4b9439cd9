#!/bin/sh
# render --format odt (issue #16): every plan of plans/ (and tests/docx/figures.xml:
# an image, a QR code, a landscape appendix) gives an ODT that Python's zipfile
# and xml.etree read back (tests/docx/read_odt.py): the package, A4 and the
# style's margins, Times New Roman at the style's sizes, the header's texts, the
# numbering labels, footnotes as text:note, repeated header rows, the page
# number field from page 2, a right-brace shape per brace group, the pictures;
# the same plan gives the same bytes twice, whatever the clock and time zone.
# Run from the repository root:  tests/run_odt.sh PLANGEN
plangen=$1
case $plangen in /*) ;; *) plangen=$PWD/$plangen ;; esac
. "$(dirname "$0")/lib.sh"
# Debian's python3 (not a pyenv's)
py=/usr/bin/python3

for plan in $(find plans -name '*.xml' | sort) tests/docx/figures.xml; do
    n=$(basename "$plan" .xml)
    out="$work/$n.odt"
    expect_rc 0 "$n: render --format odt" -- "$plangen" render "$plan" --format odt -o "$out"
    [ -s "$out" ] || { bad "$n: no ODT written"; continue; }
    if "$py" -c 'import sys, zipfile; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' "$out"
    then ok; else bad "$n: the ODT does not unzip"; fi
    "$plangen" dump --stage=number "$plan" > "$work/dump" 2>/dev/null
    "$plangen" dump --stage=layout "$plan" > "$work/layout" 2>/dev/null
    style=$(sed -n '1s/.* style=\([^ ]*\).*/\1/p' "$work/dump")
    if "$py" tests/docx/read_odt.py "$out" "templates/styles/${style:-party}.xml" \
        "$work/dump" "$work/layout" > "$work/read" 2>&1
    then ok; else bad "$n: $(cat "$work/read")"; fi
    # deterministic: a second render gives the same bytes
    expect_rc 0 "$n: second render" -- "$plangen" render "$plan" --format odt -o "$work/$n-2.odt"
    if cmp -s "$out" "$work/$n-2.odt"; then ok; else bad "$n: two renders differ"; fi
done
no_temp_files "$work" "odt"
plan=plans/tra-vinh-duk-60-KH-2022.xml
TZ=Asia/Ho_Chi_Minh "$plangen" render "$plan" --format odt -o "$work/tz1.odt" 2>/dev/null
TZ=America/New_York faketime '2031-07-04 03:00:00' "$plangen" render "$plan" --format odt \
    -o "$work/tz2.odt" 2>/dev/null
if [ -s "$work/tz1.odt" ] && cmp -s "$work/tz1.odt" "$work/tz2.odt"; then ok
else bad "the ODT depends on the time zone or the clock"; fi
# the default name is NAME.odt; an unknown format is a usage error
mkdir -p "$work/here"
top=$PWD
(cd "$work/here" && "$plangen" render "$top/$plan" --format odt >/dev/null 2>&1)
if [ -f "$work/here/tra-vinh-duk-60-KH-2022.odt" ]; then ok; else bad "default name NAME.odt"; fi
expect_rc 2 "--format rtf" -- "$plangen" render "$plan" --format rtf
if grep -q "pdf, docx or odt" "$work/err"; then ok; else bad "--format rtf: $(cat "$work/err")"; fi
# nothing written when the plan has errors
printf '<plan xmlns="urn:plangen:plan:1"><oops/></plan>\n' > "$work/bad.xml"
expect_rc 1 "a bad plan" -- "$plangen" render "$work/bad.xml" --format odt -o "$work/bad.odt"
if [ -e "$work/bad.odt" ]; then bad "a bad plan wrote an ODT"; else ok; fi

finish odt
