#!/bin/sh
# The DOCX and the ODT of every plan (and tests/docx/figures.xml), converted to
# PDF by LibreOffice (soffice --headless, a fresh profile), next to plangen's own
# PDF (issue #16): the header's texts are there, the same fonts, the sizes of the
# document type, number line and signer within 0.5 pt, a page count within one
# page, page 1's and page 2's text starting at the top margin as in plangen's (under the page
# number), the issuing body's and the summary's lines broken where plangen breaks
# them, the date as far under the number line (or level with it) as in plangen's,
# and each brace
# group's brace drawn between its lines and its purpose (tests/docx/brace_in_pdf.py). Needs Debian's libreoffice-writer; skipped
# (exit 77) without soffice, outside CI only.
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
. "$(dirname "$0")/docx/writers.sh"
plans=$writer_plans

mkdir -p "$work/docx" "$work/odt" "$work/lo-docx" "$work/lo-odt" "$work/pdf"
for plan in $plans; do
    n=$(basename "$plan" .xml)
    expect_rc 0 "$n: docx" -- "$plangen" render "$plan" --format docx -o "$work/docx/$n.docx"
    expect_rc 0 "$n: odt" -- "$plangen" render "$plan" --format odt -o "$work/odt/$n.odt"
    expect_rc 0 "$n: pdf" -- "$plangen" render "$plan" -o "$work/pdf/$n.pdf"
done
# one soffice for every file of a format; its own profile, so that no user's
# settings count and a soffice already running is not asked instead
for f in docx odt; do
    HOME=$work timeout 300 soffice --headless --norestore -env:UserInstallation=file://$work/profile \
        --convert-to pdf --outdir "$work/lo-$f" "$work/$f"/*.$f >"$work/soffice" 2>&1 ||
        bad "soffice ($f): $(tail -3 "$work/soffice")"
done

fonts() { pdffonts "$1" | awk 'NR > 2 { sub(/^[A-Z]+\+/, "", $1); print $1 }' | sort -u; }
pages() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }
# the top (pt) of the first word of page 2 under its page number; of page 1's first word
text_top() {
    pdftotext -f 2 -l 2 -bbox "$1" - | sed -n 's/.*<word xMin="[0-9.]*" yMin="\([0-9.]*\)".*/\1/p' |
        sed -n 2p
}
first_top() {
    pdftotext -l 1 -bbox "$1" - | awk -v want="$2" '/<word / { w = $0; sub(/.*">/, "", w)
        sub(/<.*/, "", w); if (w == want) { sub(/.*yMin="/, ""); sub(/".*/, ""); print; exit } }'
}
# how far (pt) under the number line's first word stands the date line's on page 1
number_to_date() {
    pdftotext -l 1 -bbox "$1" - | awk -v a="$2" -v b="$3" '
        /<word / { w = $0; sub(/.*">/, "", w); sub(/<.*/, "", w)
                   y = $0; sub(/.*yMax="/, "", y); sub(/".*/, "", y)
                   if (w == a && ya == "") ya = y; if (w == b && yb == "") yb = y }
        END { if (ya != "" && yb != "") print yb - ya }'
}
# the lines of page 1 from the document type to the one ending with the summary's last word
summary_lines() {
    pdftotext -l 1 "$1" - | awk -v last="$2" 'seen && NF { n++ } /^KẾ HOẠCH$/ { seen = 1 }
        seen && index($0, last) { print n; exit }'
}
for plan in $plans; do
    n=$(basename "$plan" .xml)
    ours=$work/pdf/$n.pdf
    "$plangen" dump --stage=number "$plan" > "$work/dump" 2>/dev/null
    style=$(sed -n '1s/.* style=\([^ ]*\).*/\1/p' "$work/dump")
    number=$(sed -n 's/^number-line: "\([^"]*\)".*/\1/p' "$work/dump")
    date_line=$(sed -n 's/^date-line: "\([^"]*\)".*/\1/p' "$work/dump")
    signer=$(sed -n 's/^signature: .*"\([^"]*\)"$/\1/p' "$work/dump")
    last=$(sed -n 's/^summary: "\(.*\)"$/\1/p' "$work/dump" | awk '{ print $NF }')
    want_lines=$(summary_lines "$ours" "$last")
    want_top=$(text_top "$ours")
    want_gap=$(number_to_date "$ours" "${number%% *}" "${date_line%% *}")
    "$plangen" dump --stage=layout "$plan" 2>/dev/null |
        sed -n 's/^ *text \(issuer\|parent-body\|summary\|urgency\|mark\|draft\) .* w=[0-9.]* "\([^"]*\)".*$/\2/p' |
        sed 's/\xc2\xa0/ /g' > "$work/lines" # a PDF's text has no no-break space
    word1=$(head -1 "$work/lines" | awk '{ print $1 }') # the header's first word
    want_first=$(first_top "$ours" "$word1")
    for f in docx odt; do
        lo=$work/lo-$f/$n.pdf
        [ -s "$lo" ] || { bad "$n.$f: LibreOffice wrote no PDF"; continue; }
        a=$(pages "$ours") b=$(pages "$lo")
        if [ $((a - b)) -le 1 ] && [ $((b - a)) -le 1 ]; then ok
        else bad "$n.$f: $b pages from LibreOffice, $a from plangen"; fi
        if [ "$a" = "$b" ]; then
            x=$("$py" tests/docx/pdf_lines.py "$ours" numbers) y=$("$py" tests/docx/pdf_lines.py "$lo" numbers)
            if [ "$x" = "$y" ]; then ok; else bad "$n.$f: page numbers '$y', plangen's '$x'"; fi
        fi
        if [ "$(fonts "$ours")" = "$(fonts "$lo")" ]; then ok
        else bad "$n.$f: fonts differ: plangen $(fonts "$ours" | tr '\n' ' '), LibreOffice $(fonts "$lo" | tr '\n' ' ')"; fi
        pdftotext -l 1 "$lo" - | tr '\n' ' ' | tr -s ' ' > "$work/text"
        for want in "KẾ HOẠCH" "$number" "$date_line"; do
            if grep -qF -- "$want" "$work/text"; then ok; else bad "$n.$f: '$want' not on LibreOffice's page 1"; fi
        done
        if "$py" tests/docx/compare_pdf.py "$ours" "$lo" "templates/styles/${style:-party}.xml" \
            "HOẠCH=doctype" "${number%% *}=number" "${signer##* }=signature-name" > "$work/sizes" 2>&1
        then ok; else bad "$n.$f: sizes: $(cat "$work/sizes")"; fi
        if "$py" tests/docx/brace_in_pdf.py "$lo" "$work/dump" > "$work/brace" 2>&1
        then ok; else bad "$n.$f: $(cat "$work/brace")"; fi
        first=$(first_top "$lo" "$word1")
        if awk -v a="$first" -v b="$want_first" 'BEGIN { d = a - b; exit !(a != "" && d < 3 && d > -3) }'
        then ok; else bad "$n.$f: page 1's text starts at ${first:-?} pt, plangen's at $want_first pt"; fi
        top=$(text_top "$lo")
        if awk -v a="$top" -v b="$want_top" 'BEGIN { d = a - b; exit !(a != "" && d < 3 && d > -3) }'
        then ok; else bad "$n.$f: page 2's text starts at ${top:-?} pt, plangen's at $want_top pt"; fi
        "$py" tests/docx/pdf_lines.py "$lo" 1 > "$work/page1"
        while IFS= read -r want; do
            if grep -qxF -- "$want" "$work/page1"; then ok
            else bad "$n.$f: no line '$want' on page 1, as in plangen's"; fi
        done < "$work/lines"
        gap=$(number_to_date "$lo" "${number%% *}" "${date_line%% *}")
        if awk -v a="$gap" -v b="$want_gap" 'BEGIN { d = a - b; exit !(a != "" && d < 3 && d > -3) }'
        then ok; else bad "$n.$f: the date ${gap:-?} pt under the number line, plangen's $want_gap pt"; fi
        got=$(summary_lines "$lo" "$last")
        if [ -n "$want_lines" ] && [ "$got" = "$want_lines" ]; then ok
        else bad "$n.$f: the summary on ${got:-?} lines, plangen's on ${want_lines:-?}"; fi
    done
    # the check finds plangen's own braces too
    if "$py" tests/docx/brace_in_pdf.py "$ours" "$work/dump" > "$work/brace" 2>&1
    then ok; else bad "$n.pdf: $(cat "$work/brace")"; fi
done

finish docx_libreoffice
