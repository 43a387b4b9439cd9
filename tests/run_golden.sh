#!/bin/sh
# Golden layout traces: for each plan the build renders (every plans/**/NAME.xml
# but folders named templates and files starting with _), `plangen dump
# --stage=layout` must print exactly tests/golden/**/NAME.trace (same folders);
# a trace without its plan fails too. Run from the repository root:
#   tests/run_golden.sh PLANGEN            check every plan
#   tests/run_golden.sh PLANGEN --regen    show each difference and ask before replacing
plangen=$1
regen=$2
pass=0
fail=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
plans=$(find plans -type d -name templates -prune -o -type f -name '*.xml' ! -name '_*' -print | LC_ALL=C sort)
for xml in $plans; do
    rel=${xml#plans/}
    want=tests/golden/${rel%.xml}.trace
    if ! "$plangen" dump --stage=layout "$xml" >"$tmp" 2>/dev/null; then
        echo "FAIL $xml: plangen dump --stage=layout failed"
        fail=$((fail + 1))
        continue
    fi
    if [ -f "$want" ] && cmp -s "$tmp" "$want"; then
        pass=$((pass + 1))
        continue
    fi
    if [ "$regen" = "--regen" ]; then
        echo "== $xml"
        if [ -f "$want" ]; then diff -u "$want" "$tmp"; else echo "  new: $want ($(wc -l <"$tmp") lines)"; fi
        printf 'Replace %s? [y/N] ' "$want"
        read -r answer
        if [ "$answer" = y ]; then
            mkdir -p "$(dirname "$want")"
            cp "$tmp" "$want"
            pass=$((pass + 1))
            continue
        fi
    else
        echo "FAIL $xml"
        [ -f "$want" ] && diff -u "$want" "$tmp" | head -40 || echo "  no $want"
    fi
    fail=$((fail + 1))
done
# a trace whose plan is gone
for trace in $(find tests/golden -type f -name '*.trace' 2>/dev/null | LC_ALL=C sort); do
    rel=${trace#tests/golden/}
    case " $(echo $plans) " in
    *" plans/${rel%.trace}.xml "*) ;;
    *) echo "FAIL $trace: no plans/${rel%.trace}.xml"; fail=$((fail + 1)) ;;
    esac
done
echo "golden traces: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
