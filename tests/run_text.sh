#!/bin/sh
# Generated text as printed, read back from the PDF or from the messages (issue #14,
# points 5-10): typist line, proper names in citations, month-only drafts, the archive
# line, placeholders left in a plan, derive and new outside a plans folder.
# Run from the repository root:  tests/run_text.sh PLANGEN
plangen=$1
pass=0
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plan=plans/tra-vinh-duk-60-KH-2022.xml

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }
# expect_rc WANT DESCRIPTION -- COMMAND...
expect_rc() {
    want=$1; what=$2; shift 3
    "$@" >"$work/out" 2>"$work/err"
    rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want"; cat "$work/err"; fi
}
contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1: $(head -c 600 "$1")"; fi; }
lacks() { if grep -q -- "$2" "$1"; then bad "$3: '$2' in $1"; else ok; fi; }
# pdf_text PDF TXT: the PDF's text on one line
pdf_text() { pdftotext "$1" - | tr '\n' ' ' | tr -s ' ' > "$2"; }

# 5. the typist line: no dangling separator without a count; the style's transform applied
sed 's|<summary>|<marks typist="hư"/><summary>|' "$plan" > "$work/typist.xml"
expect_rc 0 "typist without copies" -- "$plangen" render "$work/typist.xml" -o "$work/typist.pdf"
pdf_text "$work/typist.pdf" "$work/typist.txt"
contains "$work/typist.txt" " HƯ " "typist upper case (party typist transform=upper)"
lacks "$work/typist.txt" "hư-\|HƯ-" "typist without copies: a dangling hyphen"
sed 's|<summary>|<marks typist="hư" copies="30"/><summary>|' "$plan" > "$work/typist2.xml"
expect_rc 0 "typist with copies" -- "$plangen" render "$work/typist2.xml" -o "$work/typist2.pdf"
pdf_text "$work/typist2.pdf" "$work/typist2.txt"
contains "$work/typist2.txt" " HƯ-30 " "typist with copies"
sed 's|<summary>|<marks typist="hư"/><summary>|' plans/so-khcn-tra-vinh-05-KH-2024.xml > "$work/typist3.xml"
expect_rc 0 "state typist without copies" -- "$plangen" render "$work/typist3.xml" -o "$work/typist3.pdf"
pdf_text "$work/typist3.pdf" "$work/typist3.txt"
lacks "$work/typist3.txt" "hư\.()\|hư\.(" "state typist without copies: empty brackets"
contains "$work/typist3.txt" " hư " "state typist without copies"

echo "text: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
