#!/bin/sh
# Pages streamed into the PDF (render -o X.pdf writes each page as soon as it is
# final, then drops it):
#   1. the bytes are those of the PDF written from the whole page list (what
#      `render --png` writes beside its PNG pages), for every plan in plans/ and
#      for generated plans that stress the page breaker: footnotes longer than a
#      page, table headers repeated, rows taller than a page, a landscape
#      appendix, a QR code, a PDF over a megabyte (its bytes go through the
#      temporary file), appendices as files, --no-pdfa, -o -;
#   2. memory stays flat: the peak of a plan four or ten times longer grows by
#      less than a bound (skipped in a sanitizer's build, whose memory is its own);
#   3. the temporary file: none is left behind; one that cannot be made or
#      written is an error at the output naming TMPDIR, with no output written;
#      a PDF under a quarter of a megabyte needs none.
# Run from the repository root: tests/run_stream.sh PLANGEN [sanitized]
set -u
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
sanitized=${2:-}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

python3 bench/long.py mixed plans/tra-vinh-duk-60-KH-2022.xml 20 "$tmp/mixed.xml" || exit 1
python3 bench/long.py table plans/so-khcn-tra-vinh-05-KH-2024.xml 600 "$tmp/table.xml" || exit 1
python3 bench/long.py pages plans/tra-vinh-duk-60-KH-2022.xml 6 "$tmp/pages.xml" || exit 1

# ---- 1. the same bytes ---------------------------------------------------------------
same() { # name plan [options...]: streamed against whole
    name=$1 plan=$2
    shift 2
    rm -rf "$tmp/png" "$tmp"/s.* "$tmp"/w.*
    if ! "$plangen" render "$plan" -o "$tmp/s.pdf" "$@" >"$tmp/s.log" 2>&1; then
        bad "$name: render failed: $(head -3 "$tmp/s.log")"
        return
    fi
    if ! "$plangen" render "$plan" -o "$tmp/w.pdf" --png "$tmp/png" --dpi 10 "$@" >"$tmp/w.log" 2>&1; then
        bad "$name: render --png failed: $(head -3 "$tmp/w.log")"
        return
    fi
    for s in "$tmp"/s*.pdf; do
        w=$tmp/w${s#"$tmp"/s}
        if cmp -s "$s" "$w"; then ok; else bad "$name: $(basename "$s") differs from the whole list's PDF"; fi
        # both go through the same writer: qpdf reads every object at the offset
        # the cross-reference table gives, and what the holes were filled with
        if qpdf --check "$s" >"$tmp/qpdf.log" 2>&1; then ok; else bad "$name: qpdf --check $(basename "$s"): $(tail -2 "$tmp/qpdf.log")"; fi
    done
}
for plan in $(find plans -type d -name templates -prune -o -type f -name '*.xml' ! -name '_*' -print | LC_ALL=C sort); do
    same "$plan" "$plan"
done
same "mixed" "$tmp/mixed.xml"
same "mixed, appendices as files" "$tmp/mixed.xml" --appendices files
same "mixed, --no-pdfa" "$tmp/mixed.xml" --no-pdfa
same "table of 600 rows" "$tmp/table.xml"
same "pages" "$tmp/pages.xml"

# the streamed PDF is over a megabyte (the temporary file was used) and whole
"$plangen" render "$tmp/mixed.xml" -o "$tmp/mixed.pdf" >/dev/null 2>&1
size=$(wc -c <"$tmp/mixed.pdf")
if [ "$size" -gt 1048576 ]; then ok; else bad "mixed.pdf is $size bytes: the test no longer goes through the temporary file"; fi
pages=$(pdfinfo "$tmp/mixed.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
if [ "${pages:-0}" -gt 150 ]; then ok; else bad "mixed.pdf has ${pages:-no} pages"; fi
if qpdf --check "$tmp/mixed.pdf" >"$tmp/qpdf.log" 2>&1; then ok; else bad "qpdf --check mixed.pdf: $(tail -3 "$tmp/qpdf.log")"; fi
# its last page: the appendix's QR link, its footnote
if pdftotext -f "$pages" -l "$pages" "$tmp/mixed.pdf" - 2>/dev/null | grep -q "Chú thích phụ lục"; then ok
else bad "the last page of mixed.pdf lacks the appendix's footnote"; fi
# -o -: the same bytes on standard output
if "$plangen" render "$tmp/mixed.xml" -o - >"$tmp/stdout.pdf" 2>/dev/null && cmp -s "$tmp/stdout.pdf" "$tmp/mixed.pdf"; then ok
else bad "render -o - gives other bytes than -o FILE"; fi

# ---- 2. flat memory ----------------------------------------------------------------------
peak() { # KiB of the peak resident memory of one plangen run: peak ARGS...
    python3 - "$plangen" "$@" <<'EOF'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
}
flat() { # name small large bound_kib: what the render adds to the parsed plan's memory
    # (dump --stage=number: the plan read, resolved, numbered) grows by at most bound
    ra=$(peak render "$2" -o "$tmp/peak.pdf") && rb=$(peak render "$3" -o "$tmp/peak.pdf") &&
        na=$(peak dump --stage=number "$2") && nb=$(peak dump --stage=number "$3") ||
        { bad "$1: a run failed"; return; }
    pb=$(pdfinfo "$tmp/peak.pdf" | sed -n 's/^Pages: *//p')
    grow=$(((rb - ra) - (nb - na)))
    echo "$1: render peak $ra then $rb KiB ($pb pages), the plan read $na then $nb KiB: layout and PDF grew by $grow KiB"
    if [ "$grow" -le "$4" ]; then ok; else bad "$1: layout and PDF grew by $grow KiB (bound $4 KiB)"; fi
}
if [ "$sanitized" = sanitized ]; then
    echo "memory: not measured in a sanitizer's build"
else
    python3 bench/long.py pages plans/tra-vinh-duk-60-KH-2022.xml 25 "$tmp/p25.xml"
    python3 bench/long.py pages plans/tra-vinh-duk-60-KH-2022.xml 100 "$tmp/p100.xml"
    python3 bench/long.py table plans/so-khcn-tra-vinh-05-KH-2024.xml 300 "$tmp/t300.xml"
    python3 bench/long.py table plans/so-khcn-tra-vinh-05-KH-2024.xml 3000 "$tmp/t3000.xml"
    # before pages streamed: +26 MiB and +14 MiB beyond the parsed plan's growth
    flat "71 to 271 pages" "$tmp/p25.xml" "$tmp/p100.xml" 4096
    flat "300 to 3000 table rows" "$tmp/t300.xml" "$tmp/t3000.xml" 4096
fi

# ---- 3. the temporary file ---------------------------------------------------------------
mkdir "$tmp/spool"
TMPDIR=$tmp/spool "$plangen" render "$tmp/mixed.xml" -o "$tmp/spooled.pdf" >/dev/null 2>&1
if [ -z "$(ls -A "$tmp/spool")" ] && cmp -s "$tmp/spooled.pdf" "$tmp/mixed.pdf"; then ok
else bad "a temporary file was left in TMPDIR, or the output differs: $(ls -A "$tmp/spool")"; fi
# a folder where no file can be made: an error at the output, naming TMPDIR, and
# no output (nor its temporary file) left; the same for -o -
TMPDIR=/nonexistent/folder "$plangen" render "$tmp/mixed.xml" -o "$tmp/refused.pdf" >"$tmp/refused.log" 2>&1
rc=$?
want="$tmp/refused.pdf: error: cannot write output: cannot make a temporary file for the PDF: Failed to create file “/nonexistent/folder/plangen-pdf-"
if [ "$rc" -eq 3 ] && grep -qF "$want" "$tmp/refused.log" &&
    grep -qF "; set TMPDIR to a folder where files can be made" "$tmp/refused.log" &&
    [ -z "$(ls "$tmp" | grep refused.pdf)" ]; then ok
else bad "TMPDIR missing: exit $rc, $(cat "$tmp/refused.log")"; fi
TMPDIR=/nonexistent/folder "$plangen" render "$tmp/mixed.xml" -o - >"$tmp/stdout-refused.pdf" 2>"$tmp/refused.log"
rc=$?
if [ "$rc" -eq 3 ] && [ ! -s "$tmp/stdout-refused.pdf" ] &&
    grep -qF "error: cannot write output: cannot make the PDF for standard output: cannot make a temporary file for the PDF" "$tmp/refused.log"; then ok
else bad "TMPDIR missing, -o -: exit $rc, $(cat "$tmp/refused.log")"; fi
# a plan whose PDF stays under a quarter of a megabyte needs no temporary file
if TMPDIR=/nonexistent/folder "$plangen" render plans/tra-vinh-duk-60-KH-2022.xml -o "$tmp/small.pdf" >/dev/null 2>&1 &&
    "$plangen" render plans/tra-vinh-duk-60-KH-2022.xml -o "$tmp/small2.pdf" >/dev/null 2>&1 &&
    cmp -s "$tmp/small.pdf" "$tmp/small2.pdf"; then ok
else bad "a small PDF needs TMPDIR"; fi
# a temporary file that cannot grow (a file size limit): the error names TMPDIR
(trap "" XFSZ; ulimit -f 600 && TMPDIR=$tmp/spool "$plangen" render "$tmp/mixed.xml" -o "$tmp/limited.pdf" >"$tmp/limited.log" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -qF "cannot write the temporary file of the PDF in TMPDIR ($tmp/spool)" "$tmp/limited.log" &&
    grep -qF "; set TMPDIR to a folder with room" "$tmp/limited.log" && [ ! -e "$tmp/limited.pdf" ]; then ok
else bad "file size limit: exit $rc, $(cat "$tmp/limited.log")"; fi

echo "stream: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
