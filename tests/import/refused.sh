# tests/import/refused.sh - sourced by tests/run_import_docx.sh and
# tests/run_import_odt.sh after tests/lib.sh; needs plangen and work set.
# refused NAME TEXT: importing $work/NAME exits 1 with one error that says TEXT,
# and writes nothing
refused() {
    rm -f "$work/out.xml"
    expect_rc 1 "$1" -- "$plangen" import "$work/$1" -o "$work/out.xml"
    if grep -q -- "$2" "$work/err"; then ok; else bad "$1: '$2' not in: $(cat "$work/err")"; fi
    if [ "$(grep -c 'error:' "$work/err")" -eq 1 ]; then ok; else bad "$1: not one error: $(cat "$work/err")"; fi
    if [ -e "$work/out.xml" ]; then bad "$1: output written"; else ok; fi
}
