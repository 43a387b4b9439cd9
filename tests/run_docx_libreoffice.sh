#!/bin/sh
# The DOCX of every plan, converted to PDF by LibreOffice (soffice --headless, a
# fresh profile), next to plangen's own PDF (issue #16): the header's texts are
# there, the same fonts, the sizes of the document type, number line and signer
# within 0.5 pt, and a page count within one page. Needs Debian's
# libreoffice-writer; skipped (exit 77) without soffice, outside CI only.
# Run from the repository root:  tests/run_docx_libreoffice.sh PLANGEN
plangen=$1
case $plangen in /*) ;; *) plangen=$PWD/$plangen ;; esac
if ! command -v soffice >/dev/null 2>&1; then
    # CI installs libreoffice-writer (.ci/setup): there, missing is a failure
    if [ "${CI:-}" = true ]; then
        echo "docx_libreoffice: FAILED: no soffice (apt-get install libreoffice-writer)"
        exit 1
    fi
    echo "docx_libreoffice: no soffice, skipped"
    exit 77
fi
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3

mkdir -p "$work/docx" "$work/lo" "$work/pdf"
for plan in $(find plans -name '*.xml' | sort); do
    n=$(basename "$plan" .xml)
    expect_rc 0 "$n: docx" -- "$plangen" render "$plan" --format docx -o "$work/docx/$n.docx"
    expect_rc 0 "$n: pdf" -- "$plangen" render "$plan" -o "$work/pdf/$n.pdf"
done
# one soffice for every file; its own profile, so that no user's settings count
# and a soffice already running is not asked instead
HOME=$work timeout 300 soffice --headless --norestore -env:UserInstallation=file://$work/profile \
    --convert-to pdf --outdir "$work/lo" "$work"/docx/*.docx >"$work/soffice" 2>&1 ||
    bad "soffice: $(tail -3 "$work/soffice")"

fonts() { pdffonts "$1" | awk 'NR > 2 { sub(/^[A-Z]+\+/, "", $1); print $1 }' | sort -u; }
pages() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }
for plan in $(find plans -name '*.xml' | sort); do
    n=$(basename "$plan" .xml)
    lo=$work/lo/$n.pdf ours=$work/pdf/$n.pdf
    [ -s "$lo" ] || { bad "$n: LibreOffice wrote no PDF"; continue; }
    a=$(pages "$ours") b=$(pages "$lo")
    if [ $((a - b)) -le 1 ] && [ $((b - a)) -le 1 ]; then ok
    else bad "$n: $b pages from LibreOffice, $a from plangen"; fi
    if [ "$(fonts "$ours")" = "$(fonts "$lo")" ]; then ok
    else bad "$n: fonts differ: plangen $(fonts "$ours" | tr '\n' ' '), LibreOffice $(fonts "$lo" | tr '\n' ' ')"; fi
    "$plangen" dump --stage=number "$plan" > "$work/dump" 2>/dev/null
    style=$(sed -n '1s/.* style=\([^ ]*\).*/\1/p' "$work/dump")
    number=$(sed -n 's/^number-line: "\([^"]*\)".*/\1/p' "$work/dump")
    date_line=$(sed -n 's/^date-line: "\([^"]*\)".*/\1/p' "$work/dump")
    signer=$(sed -n 's/^signature: .*"\([^"]*\)"$/\1/p' "$work/dump")
    pdftotext -l 1 "$lo" - | tr '\n' ' ' | tr -s ' ' > "$work/text"
    for want in "KẾ HOẠCH" "$number" "$date_line"; do
        if grep -qF -- "$want" "$work/text"; then ok; else bad "$n: '$want' not on LibreOffice's page 1"; fi
    done
    if "$py" tests/docx/compare_pdf.py "$ours" "$lo" "templates/styles/${style:-party}.xml" \
        "HOẠCH=doctype" "${number%% *}=number" "${signer##* }=signature-name" > "$work/sizes" 2>&1
    then ok; else bad "$n: sizes: $(cat "$work/sizes")"; fi
done

finish docx_libreoffice
