#!/bin/sh
# Golden diagnostics: for each tests/bad/NAME.xml, `plangen check` must print
# exactly tests/bad/NAME.diag on stderr and exit 1 (0 when the .diag holds only
# warnings). Run from the repository root:
#   tests/run_bad.sh PLANGEN            check every case
#   tests/run_bad.sh PLANGEN --regen    show each difference and ask before replacing
plangen=$1
regen=$2
pass=0
fail=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for xml in tests/bad/*.xml; do
    want=${xml%.xml}.diag
    "$plangen" check "$xml" 2>"$tmp" >/dev/null
    rc=$?
    if grep -q ': error: ' "$want" 2>/dev/null; then expect_rc=1; else expect_rc=0; fi
    if [ -f "$want" ] && cmp -s "$tmp" "$want" && [ "$rc" -eq "$expect_rc" ]; then
        pass=$((pass + 1))
        continue
    fi
    if [ "$regen" = "--regen" ]; then
        echo "== $xml"
        diff -u "$want" "$tmp"
        printf 'Replace %s? [y/N] ' "$want"
        read -r answer
        if [ "$answer" = y ]; then cp "$tmp" "$want"; pass=$((pass + 1)); continue; fi
    else
        echo "FAIL $xml (exit $rc, expected $expect_rc)"
        [ -f "$want" ] && diff -u "$want" "$tmp" || echo "  no $want"
    fi
    fail=$((fail + 1))
done
echo "bad plans: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
