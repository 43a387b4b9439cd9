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
. "$(dirname "$0")/docx/writers.sh"

for plan in $writer_plans; do
    n=$(basename "$plan" .xml)
    out="$work/$n.odt"
    render_zip odt "$plan" "$out" || continue
    style=$(sed -n '1s/.* style=\([^ ]*\).*/\1/p' "$work/dump")
    if "$py" tests/docx/read_odt.py "$out" "templates/styles/${style:-party}.xml" \
        "$work/dump" "$work/layout" > "$work/read" 2>&1
    then ok; else bad "$n: $(cat "$work/read")"; fi
done
no_temp_files "$work" "odt"
same_bytes_anytime odt
plan=plans/tra-vinh-duk-60-KH-2022.xml
# the default name is NAME.odt; an unknown format is a usage error
mkdir -p "$work/here"
top=$PWD
(cd "$work/here" && "$plangen" render "$top/$plan" --format odt >/dev/null 2>&1)
if [ -f "$work/here/tra-vinh-duk-60-KH-2022.odt" ]; then ok; else bad "default name NAME.odt"; fi
expect_rc 2 "--format rtf" -- "$plangen" render "$plan" --format rtf
if grep -q "pdf, docx or odt" "$work/err"; then ok; else bad "--format rtf: $(cat "$work/err")"; fi
# an output that cannot be written: a clear error, exit 3, nothing left behind
expect_rc 3 "unwritable output" -- "$plangen" render "$plan" --format odt -o "$work/no/such/dir/x.odt"
if grep -q "x.odt" "$work/err"; then ok; else bad "unwritable output: $(cat "$work/err")"; fi
# nothing written when the plan has errors
printf '<plan xmlns="urn:plangen:plan:1"><oops/></plan>\n' > "$work/bad.xml"
expect_rc 1 "a bad plan" -- "$plangen" render "$work/bad.xml" --format odt -o "$work/bad.odt"
if [ -e "$work/bad.odt" ]; then bad "a bad plan wrote an ODT"; else ok; fi

finish odt
