# tests/lib.sh - what the shell test suites share; sourced by tests/run_*.sh.
# Sets pass, fail and work (a temporary folder removed on exit, read-only
# files in it included) and defines:
#   ok / bad MESSAGE         count a check (bad prints "FAIL: MESSAGE")
#   expect_rc RC WHAT -- CMD run CMD, stdout to $work/out, stderr to $work/err;
#                            a check that its exit status is RC
#   qpdf_ok FILE WHAT        qpdf --check finds neither an error nor a warning
#   no_temp_files DIR WHAT   no temporary output file was left in DIR
#   finish NAME              print "NAME: N passed, M failed"; exit 1 on a failure
pass=0
fail=0
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }
expect_rc() {
    want=$1; what=$2; shift 3
    "$@" >"$work/out" 2>"$work/err"
    rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want"; cat "$work/err"; fi
}
qpdf_ok() {
    if qpdf --check "$1" >"$work/qpdf" 2>&1; then ok; else bad "$2: qpdf --check: $(tail -3 "$work/qpdf")"; fi
}
no_temp_files() {
    if find "$1" -name '*.tmp.*' | grep -q .; then bad "$2: temporary files left"; else ok; fi
}
finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
