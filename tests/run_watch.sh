#!/bin/sh
# plangen watch (issue #18, part 8): renders at once; renders again when the
# plan changes, when a parent it derives from changes, and when the plan is
# replaced by a rename (as editors save); a save of the same bytes renders
# nothing; a broken plan prints its findings and leaves the last good PDF;
# SIGINT stops it with exit status 0. Each step waits for the line the watcher
# prints (up to 30 s), never for a fixed time.
# Run from the repository root:  tests/run_watch.sh PLANGEN
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/lib.sh"

# a derived plan and its parent (the Hưng Yên plan derives from the province's)
cp -r plans "$work/plans"
plan=$work/plans/hung-yen-duk-sinh-hoat-chinh-tri-2023.xml
parent=$work/plans/tinh-uy-hung-yen/179-KH-TU-2023.xml
[ -f "$plan" ] && [ -f "$parent" ] && ok || bad "the test's plans are not where it expects them"
log=$work/watch.log
: >"$log" # there before the watcher writes to it: the waits below read it at once
"$plangen" watch "$plan" -o "$work/w.pdf" >"$log" 2>&1 &
pid=$!

# waits until the log has N lines matching PATTERN; fails the check after 30 s
wait_for() { # N PATTERN WHAT
    i=0
    while [ "$(grep -c -- "$2" "$log" || true)" -lt "$1" ]; do
        if ! kill -0 "$pid" 2>/dev/null; then bad "$3: the watcher exited"; cat "$log"; return 1; fi
        i=$((i + 1))
        if [ $i -gt 300 ]; then bad "$3: no '$2' (x$1) within 30 s"; cat "$log"; return 1; fi
        sleep 0.1
    done
    ok
}
words() { pdftotext "$work/w.pdf" - 2>/dev/null | tr -s ' \n' '  '; }

wait_for 1 "watching [0-9]* files" "the first render"
grep -q "rendered $work/w.pdf (9 pages)" "$log" && ok || bad "the first render's line: $(cat "$log")"
words | grep -q "Hưng Yên" && ok || bad "the first PDF lacks the plan's words"
n=$(grep -o "watching [0-9]* files" "$log" | head -1 | cut -d' ' -f2)
[ "$n" -ge 4 ] && ok || bad "watching $n files: the plan, its parent, the style, the schema at least"

# an edit of the plan itself
sed -i 's|</summary>| đợt một</summary>|' "$plan"
wait_for 2 "watching [0-9]* files" "an edit of the plan"
words | grep -q "đợt một" && ok || bad "the edit of the plan is not in the PDF"

# the same bytes written again: nothing to do, no render
cp "$plan" "$work/same.xml"; cp "$work/same.xml" "$plan"
wait_for 1 "their bytes are the same: nothing to render" "a save of the same bytes"
[ "$(grep -c "rendered " "$log")" -eq 2 ] && ok || bad "a save of the same bytes rendered: $(cat "$log")"
# an edit of the parent, renamed over it as an editor saves (a new inode)
sed 's|(1). Tác phẩm là cẩm nang|(1). Tác phẩm là cuốn cẩm nang|' "$parent" >"$parent.new"
grep -q "cuốn cẩm nang" "$parent.new" && ok || bad "the test's edit of the parent did nothing"
mv "$parent.new" "$parent"
wait_for 3 "watching [0-9]* files" "an edit of the parent"
[ "$(grep -c "rendered " "$log")" -eq 3 ] && ok || bad "a save of the same bytes rendered: $(cat "$log")"
words | grep -q "cuốn cẩm nang" && ok || bad "the parent's edit is not in the PDF"

# a broken plan: its findings, and the last good PDF stays
cp "$work/w.pdf" "$work/good.pdf"
sed -i 's|<summary>|<summary><b>|' "$plan"
wait_for 1 "not rendered; .*keeps its last good version" "a broken plan"
grep -q "hung-yen-duk-sinh-hoat-chinh-tri-2023.xml:[0-9]*:[0-9]*: error" "$log" && ok || bad "a broken plan's finding at line:col: $(cat "$log")"
cmp -s "$work/w.pdf" "$work/good.pdf" && ok || bad "a failed render changed the PDF"
# fixed again
sed -i 's|<summary><b>|<summary>|' "$plan"
wait_for 4 "rendered " "the plan fixed"

kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 0 ] && ok || bad "SIGINT: exit $rc"
grep -q "stopped watching" "$log" && ok || bad "SIGINT: no last line"
ls "$work" | grep -q '\.tmp\.' && bad "temporary files left" || ok

expect_rc 2 "watch without a plan" -- "$plangen" watch
finish watch
