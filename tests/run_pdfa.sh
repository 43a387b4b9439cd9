#!/bin/sh
# PDF/A-2 from every render (issue #17, part 1): every plan of plans/ rendered
# twice gives the same bytes, passes qpdf --check and every check of
# tests/pdfa/check.py; so do a render with $SOURCE_DATE_EPOCH and one with
# characters the font lacks; then tests/pdfa/mutate.py shows each check failing
# on a render without its feature.
# Run from the repository root:  tests/run_pdfa.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
checker=tests/pdfa/check.py

pdfa_ok() { # FILE WHAT
    if python3 "$checker" "$1" >"$work/check" 2>&1; then ok; else bad "$2: $(grep -v '^ok' "$work/check")"; fi
}

mkdir -p "$work/a" "$work/b"
for plan in $(find plans -name '*.xml' | sort); do
    n=$(basename "$plan" .xml)
    expect_rc 0 "render $plan" -- "$plangen" render "$plan" -o "$work/a/$n.pdf"
    expect_rc 0 "render $plan again" -- "$plangen" render "$plan" -o "$work/b/$n.pdf"
    if cmp -s "$work/a/$n.pdf" "$work/b/$n.pdf"; then ok; else bad "$n.pdf: two renders differ"; fi
    qpdf_ok "$work/a/$n.pdf" "$n.pdf"
    pdfa_ok "$work/a/$n.pdf" "$n.pdf"
done

# the identifier is derived from the content: the same for the same bytes (above),
# another for each plan
n_plans=$(ls "$work/a" | wc -l)
n_ids=$(for f in "$work"/a/*.pdf; do tail -c 400 "$f" | grep -ao '/ID \[<[0-9a-f]*>'; done | sort -u | wc -l)
if [ "$n_plans" -gt 1 ] && [ "$n_ids" -eq "$n_plans" ]; then ok; else bad "$n_ids distinct /ID for $n_plans plans"; fi

# the creation date of $SOURCE_DATE_EPOCH is the XMP's too
plan=plans/tra-vinh-duk-60-KH-2022.xml
SOURCE_DATE_EPOCH=1700000000 expect_rc 0 "render with SOURCE_DATE_EPOCH" -- \
    "$plangen" render "$plan" -o "$work/sde.pdf"
pdfa_ok "$work/sde.pdf" "render with SOURCE_DATE_EPOCH"
if pdfinfo -meta "$work/sde.pdf" | grep -q "<xmp:CreateDate>2023-11-14T22:13:20Z<"; then ok; else
    bad "SOURCE_DATE_EPOCH=1700000000: no xmp:CreateDate 2023-11-14T22:13:20Z"; fi

# characters Liberation Serif lacks: reported, drawn as boxes, never as .notdef,
# and read back as themselves; the XML markup characters of a title are escaped
sed '16s|<p>Thực hiện|<p>Dấu ✓ và chữ 中 — Thực hiện|; s|<summary>|<summary>A \&amp; B \&lt;x\&gt; |' \
    "$plan" >"$work/lacks.xml"
expect_rc 0 "render characters the font lacks" -- "$plangen" render "$work/lacks.xml" -o "$work/lacks.pdf"
if grep -q "U+2713" "$work/err"; then ok; else bad "✓ not reported: $(cat "$work/err")"; fi
qpdf_ok "$work/lacks.pdf" "characters the font lacks"
pdfa_ok "$work/lacks.pdf" "characters the font lacks"
if pdftotext "$work/lacks.pdf" - | grep -q "Dấu ✓ và chữ 中"; then ok; else
    bad "the missing characters do not read back: $(pdftotext "$work/lacks.pdf" - | head -c 400)"; fi
if pdfinfo -meta "$work/lacks.pdf" | grep -q "A &amp; B &lt;x&gt; "; then ok; else
    bad "the XMP title is not escaped: $(pdfinfo -meta "$work/lacks.pdf" | grep dc:title)"; fi

# NĐ 30's signature places: a plan with the signer's image and the seal keeps an
# unsigned signature field over each (printable, with an empty appearance, in a
# Form element of the signature), still PDF/A and PDF/UA, the same bytes twice
mkdir -p "$work/plans/img"
python3 tests/sig_pngs.py "$work/plans/img"
sed 's|<signature |<signature image="img/sig.png" seal="img/seal.png" |' "$plan" >"$work/plans/fields.xml"
expect_rc 0 "render with signature fields" -- "$plangen" render "$work/plans/fields.xml" -o "$work/fields.pdf"
expect_rc 0 "render with signature fields again" -- "$plangen" render "$work/plans/fields.xml" -o "$work/fields2.pdf"
if cmp -s "$work/fields.pdf" "$work/fields2.pdf"; then ok; else bad "fields.pdf: two renders differ"; fi
qpdf_ok "$work/fields.pdf" "fields.pdf"
pdfa_ok "$work/fields.pdf" "fields.pdf"
pdfsig "$work/fields.pdf" >"$work/fields.sig" 2>&1
if [ "$(grep -c 'The signature form field is not signed' "$work/fields.sig")" -eq 2 ] &&
    grep -q "Field Name: signer" "$work/fields.sig" && grep -q "Field Name: organisation" "$work/fields.sig"; then
    ok; else bad "pdfsig does not see the fields signer and organisation, unsigned: $(cat "$work/fields.sig")"; fi
# unsigned: the AcroForm lists them, without /SigFlags (no signature yet) or /NeedAppearances
if grep -aq "/AcroForm" "$work/fields.pdf" && ! grep -aq "/SigFlags\|/NeedAppearances" "$work/fields.pdf"; then ok; else
    bad "fields.pdf: no /AcroForm, or /SigFlags or /NeedAppearances while unsigned"; fi

# each check fails without its feature (one mutation per check)
mkdir -p "$work/mut"
if python3 tests/pdfa/mutate.py "$work/a/hung-yen-duk-sinh-hoat-chinh-tri-2023.pdf" "$work/mut" \
    "$work/fields.pdf" >"$work/mutate" 2>&1; then ok; else bad "mutations: $(grep -v '^ok' "$work/mutate")"; fi

finish run_pdfa
