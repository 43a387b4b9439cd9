# tests/docx/writers.sh - what run_docx.sh and run_odt.sh share; sourced after
# tests/lib.sh, with plangen and py set. Defines:
#   writer_plans              the plans every writer test renders
#   render_zip FMT PLAN OUT   renders PLAN as FMT to OUT twice (same bytes), checks
#                             that it unzips, and writes $work/dump (number stage)
#                             and $work/layout; fails (1) when nothing was written
#   same_bytes_anytime FMT    a plan rendered in two time zones at two clock
#                             times gives the same bytes
writer_plans="$(find plans -name '*.xml' | sort) tests/docx/figures.xml"

render_zip() {
    fmt=$1 plan=$2 out=$3
    n=$(basename "$plan" .xml)
    expect_rc 0 "$n: render --format $fmt" -- "$plangen" render "$plan" --format "$fmt" -o "$out"
    [ -s "$out" ] || { bad "$n: no $fmt written"; return 1; }
    if "$py" -c 'import sys, zipfile; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' "$out"
    then ok; else bad "$n: the $fmt does not unzip"; fi
    expect_rc 0 "$n: second render" -- "$plangen" render "$plan" --format "$fmt" -o "$out.again"
    if cmp -s "$out" "$out.again"; then ok; else bad "$n: two renders differ"; fi
    "$plangen" dump --stage=number "$plan" > "$work/dump" 2>/dev/null
    "$plangen" dump --stage=layout "$plan" > "$work/layout" 2>/dev/null
}

same_bytes_anytime() {
    plan=plans/tra-vinh-duk-60-KH-2022.xml
    TZ=Asia/Ho_Chi_Minh "$plangen" render "$plan" --format "$1" -o "$work/tz1.$1" 2>/dev/null
    TZ=America/New_York faketime '2031-07-04 03:00:00' "$plangen" render "$plan" --format "$1" \
        -o "$work/tz2.$1" 2>/dev/null
    if [ -s "$work/tz1.$1" ] && cmp -s "$work/tz1.$1" "$work/tz2.$1"; then ok
    else bad "the $1 depends on the time zone or the clock"; fi
}
