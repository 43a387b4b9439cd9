#!/bin/sh
# Pipes (issue #18, part 9): render - reads the plan from standard input (named
# <stdin> in findings, its parents found from the current folder); -o - writes
# the PDF to standard output, the same bytes as a file, and nothing when the
# plan fails; the misuses are usage errors that say what to do.
# Run from the repository root:  tests/run_pipes.sh PLANGEN
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/lib.sh"
has() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(basename "$1")"; cat "$1"; fi; }
plan=plans/tra-vinh-duk-60-KH-2022.xml

expect_rc 0 "render to a file" -- "$plangen" render "$plan" -o "$work/file.pdf"
"$plangen" render - -o - <"$plan" >"$work/pipe.pdf" 2>"$work/err"
[ $? -eq 0 ] && ok || bad "render - -o -: $(cat "$work/err")"
cmp -s "$work/file.pdf" "$work/pipe.pdf" && ok || bad "the piped PDF differs from the file's"
"$plangen" render "$plan" -o - >"$work/out.pdf" 2>"$work/err" && cmp -s "$work/file.pdf" "$work/out.pdf" && ok ||
    bad "render PLAN -o -: $(cat "$work/err")"
expect_rc 0 "render - -o FILE" -- sh -c "\"$plangen\" render - -o \"$work/in.pdf\" <$plan"
cmp -s "$work/file.pdf" "$work/in.pdf" && ok || bad "render - -o FILE differs from the file's"
# a derived plan: its parent is found from the current folder
child=hung-yen-duk-sinh-hoat-chinh-tri-2023.xml
expect_rc 0 "render a derived plan" -- "$plangen" render "plans/$child" -o "$work/child.pdf"
(cd plans && "$plangen" render - -o - <"$child" >"$work/child-pipe.pdf" 2>"$work/err")
cmp -s "$work/child.pdf" "$work/child-pipe.pdf" && ok || bad "a derived plan through a pipe: $(cat "$work/err")"
# a failing plan: its findings at <stdin>:line:col, nothing on standard output
sed 's|<summary>|<summary><b>|' "$plan" >"$work/bad.xml"
"$plangen" render - -o - <"$work/bad.xml" >"$work/bad.pdf" 2>"$work/err"
[ $? -eq 1 ] && ok || bad "a bad plan through a pipe: not exit 1"
has "$work/err" "^<stdin>:[0-9]*:[0-9]*: error" "a bad plan's finding"
[ -s "$work/bad.pdf" ] && bad "a bad plan wrote to standard output" || ok
# over --max-size
"$plangen" render --max-size 1000 - -o - <"$plan" >"$work/big.pdf" 2>"$work/err"
[ $? -eq 1 ] && ok || bad "a plan over --max-size through a pipe: not exit 1"
has "$work/err" "<stdin>: error: file is too large: over 1000 bytes (--max-size)" "--max-size"
[ -s "$work/big.pdf" ] && bad "a plan over --max-size wrote to standard output" || ok
# misuses
"$plangen" render - <"$plan" >"$work/out" 2>"$work/err"
[ $? -eq 2 ] && ok || bad "render - without -o: not exit 2"
has "$work/err" "give -o FILE, or -o - for standard output" "render - without -o"
expect_rc 2 "two plans to -o -" -- "$plangen" render "$plan" "plans/$child" -o -
has "$work/err" "-o - (standard output) takes one plan" "two plans to -o -"
expect_rc 2 "--format docx to -o -" -- "$plangen" render --format docx "$plan" -o -
has "$work/err" "-o - (standard output) takes a PDF" "--format docx to -o -"
expect_rc 2 "--appendices files to -o -" -- "$plangen" render --appendices files "$plan" -o -
has "$work/err" "takes one PDF (not --appendices files)" "--appendices files to -o -"
# a terminal on standard output: refused, nothing written to it
if command -v script >/dev/null; then
    script -qec "\"$plangen\" render $plan -o -" /dev/null >"$work/tty" 2>&1
    has "$work/tty" "would write the PDF to the terminal; redirect it" "-o - on a terminal"
    grep -q "%PDF" "$work/tty" && bad "the PDF went to the terminal" || ok
fi
finish pipes
