#!/bin/sh
# render --format docx (issue #16): every plan of plans/ gives a DOCX that unzips,
# that Debian's python3-docx reads with the plan's title, issuer, signer, first
# section label, the style's sizes and A4; the same plan gives the same bytes twice.
# Its drawings (tests/docx/drawings.py): each brace group's brace (a preset
# rightBrace as high as plangen's, spanning the group's lines) and purpose text
# box, each QR code a picture zbarimg reads back as the link, each image as large
# as plangen's, each appendix in a section turned as the plan says.
# Run from the repository root:  tests/run_docx.sh PLANGEN
plangen=$1
case $plangen in /*) ;; *) plangen=$PWD/$plangen ;; esac
. "$(dirname "$0")/lib.sh"
# Debian's python3, which python3-docx is installed for (not a pyenv's)
py=/usr/bin/python3
. "$(dirname "$0")/docx/writers.sh"

for plan in $writer_plans; do
    n=$(basename "$plan" .xml)
    out="$work/$n.docx"
    render_zip docx "$plan" "$out" || continue
    # what to look for, from the numbered document
    style=$(sed -n '1s/.* style=\([^ ]*\).*/\1/p' "$work/dump")
    issuer=$(sed -n 's/^issuer: "\([^"]*\).*/\1/p' "$work/dump" | head -1)
    signer=$(sed -n 's/^signature: .*"\([^"]*\)"$/\1/p' "$work/dump")
    label=$(sed -n 's/^ *section .* label="\([^"]*\)".*/\1/p' "$work/dump" | head -1)
    if "$py" tests/docx/read_docx.py "$out" "templates/styles/${style:-party}.xml" \
        "KẾ HOẠCH" "$issuer" "$signer" "$label " > "$work/read" 2>&1
    then ok; else bad "$n: python3-docx: $(cat "$work/read")"; fi
    if "$py" tests/docx/drawings.py "$out" "$work/dump" "$work/layout" \
        "templates/styles/${style:-party}.xml" > "$work/drawn" 2>&1
    then ok; else bad "$n: drawings: $(cat "$work/drawn")"; fi
done
no_temp_files "$work" "docx"
# no clock and no time zone enter the bytes
same_bytes_anytime docx

# the option: an unknown format is a usage error; --format belongs to render
expect_rc 2 "--format doc" -- "$plangen" render plans/tra-vinh-duk-60-KH-2022.xml --format doc
expect_rc 2 "check --format" -- "$plangen" check plans/tra-vinh-duk-60-KH-2022.xml --format docx
# the default name is NAME.docx
mkdir -p "$work/here"
top=$PWD
(cd "$work/here" && "$plangen" render "$top/plans/tra-vinh-duk-60-KH-2022.xml" --format docx \
    >/dev/null 2>&1)
if [ -f "$work/here/tra-vinh-duk-60-KH-2022.docx" ]; then ok; else bad "default name NAME.docx"; fi

finish docx
