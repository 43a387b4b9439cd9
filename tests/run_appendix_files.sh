#!/bin/sh
# Appendices as separate files (issue #17; NĐ 30: an attachment may be sent as a
# file of its own): `render --appendices files` writes the plan without its
# appendices and each appendix as a complete PDF beside it. For every plan of
# plans/ with appendices, and a plan of two appendices (one landscape, with a
# footnote): the main file holds no appendix and the pages before them; each
# appendix file exists, starts with its label, numbers its pages from 1 (page 1
# showing none), has its own title, the plan's author and keywords, is tagged,
# passes qpdf --check and tests/pdfa/check.py; the words of all the files equal
# the inline render's (page numbers left out); reruns give the same bytes; the
# place of the body's signature line (a FIELD item) stands at the top right of
# each appendix's page 1, clear of its text. Also: a plan without appendices,
# refusals, and a failed write that leaves no file.
# Run from the repository root:  tests/run_appendix_files.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
checker=tests/pdfa/check.py

pdfa_ok() { # FILE WHAT
    if python3 "$checker" "$1" >"$work/check" 2>&1; then ok; else bad "$2: $(grep -v '^ok' "$work/check")"; fi
}
info() { # FILE FIELD: the value of one pdfinfo field
    pdfinfo "$1" 2>/dev/null | sed -n "s/^$2: *//p"
}
# The words of a PDF's pages, one a line, without what stands in the top 50 pt
# (the page numbers, 10 mm from the edge; the text area starts at 20 mm)
words() { # FILE
    _pages=$(info "$1" Pages)
    _page=1
    while [ "$_page" -le "$_pages" ]; do
        pdftotext -f "$_page" -l "$_page" -x 0 -y 50 -W 2000 -H 2000 "$1" - 2>/dev/null
        _page=$((_page + 1))
    done | tr -s ' \n\f' '\n\n\n' | grep -v '^$'
}
top_of_page() { # FILE PAGE: the text in the top 50 pt of a page (its number)
    pdftotext -f "$2" -l "$2" -x 0 -y 0 -W 2000 -H 50 "$1" - 2>/dev/null | tr -d ' \n\f'
}

# The FIELD of each appendix file's page 1 against the dump: one, named, its
# right edge on the right margin (15 mm in both styles), inside the page, in
# the top margin above the first line, and clear of every text item of that
# page (a text's box taken from its baseline up by its size, down by a quarter
# of it). Prints one line per problem.
field_problems() { # DUMP
    python3 - "$1" <<'EOF'
import re, sys
files, cur = [], None
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("file "):
        cur = {"kind": line.split()[2], "pages": []}
        files.append(cur)
    elif line.startswith("page "):
        w, h = map(float, line.split()[2].split("x"))
        cur["pages"].append({"w": w, "h": h, "fields": [], "texts": []})
    elif cur and cur["pages"]:
        s = line.strip()
        m = re.match(r'field (\S+) x=(\S+) y=(\S+) w=(\S+) h=(\S+)', s)
        if m:
            cur["pages"][-1]["fields"].append((m.group(1),) + tuple(map(float, m.groups()[1:])))
        m = re.match(r'text \S+ x=(\S+) y=(\S+) w=(\S+)', s)
        if m:
            cur["pages"][-1]["texts"].append(list(map(float, m.groups())) + [None])
        m = re.match(r'run "[^"]*" (\S+) ', s)
        if m and cur["pages"][-1]["texts"]:
            t = cur["pages"][-1]["texts"][-1]
            t[3] = max(t[3] or 0, float(m.group(1)))
problems = []
if not any(f["kind"].startswith("appendix") for f in files):
    problems.append("no appendix file in the dump")
for f in files:
    for i, p in enumerate(f["pages"]):
        want = 1 if f["kind"].startswith("appendix") and i == 0 else 0
        if len(p["fields"]) != want:
            problems.append("%s page %d: %d fields, expected %d" % (f["kind"], i + 1, len(p["fields"]), want))
        for name, x, y, w, h in p["fields"]:
            if name != "organisation-line":
                problems.append("%s: field named %s" % (f["kind"], name))
            if abs(x + w - (p["w"] - 42.52)) > 0.05:
                problems.append("%s: field's right edge %.2f, not the right margin %.2f" % (f["kind"], x + w, p["w"] - 42.52))
            if not (y >= 0 and w >= 140 and h >= 26 and x >= 0):
                problems.append("%s: field box %.2f %.2f %.2f %.2f" % (f["kind"], x, y, w, h))
            # in the top margin (20 mm in both styles), above the first line
            if y + h > 56.69 + 0.01:
                problems.append("%s: field's foot %.2f below the top margin 56.69" % (f["kind"], y + h))
            tops = [ty - (size or 14) for tx, ty, tw, size in p["texts"]]
            if tops and y + h > min(tops):
                problems.append("%s: field's foot %.2f below the first line's top %.2f" % (f["kind"], y + h, min(tops)))
            for tx, ty, tw, size in p["texts"]:
                size = size or 14
                top, bottom = ty - size, ty + size / 4
                if tx < x + w and tx + tw > x and top < y + h and bottom > y:
                    problems.append("%s: field overlaps the text at x=%.2f y=%.2f" % (f["kind"], tx, ty))
for line in problems:
    print(line)
EOF
}

# a plan of two appendices: the state plan's, and a landscape one of two pages
# with a footnote (the plan's second: the first stands in the basis)
sed -e 's|năm 2024, Sở Khoa học|năm 2024<footnote>Chú thích của kế hoạch.</footnote>, Sở Khoa học|' -e 's|^</plan>|  <appendix title="Danh sách đơn vị phối hợp" orientation="landscape">\
    <p>Các đơn vị phối hợp thực hiện Kế hoạch<footnote>Chú thích của phụ lục thứ hai.</footnote> gồm:</p>\
    ITEMS\
  </appendix>\
</plan>|' plans/so-khcn-tra-vinh-05-KH-2024.xml >"$work/two.xml"
items=$(i=1; while [ $i -le 40 ]; do printf '<item>Đơn vị phối hợp số %d của Sở Khoa học và Công nghệ.</item>' $i; i=$((i + 1)); done)
sed -i "s|ITEMS|$items|" "$work/two.xml"

plans="$(grep -l '<appendix' $(find plans -name '*.xml' | sort)) $work/two.xml"
for plan in $plans; do
    n=$(basename "$plan" .xml)
    mkdir -p "$work/in" "$work/a" "$work/b" "$work/png"
    expect_rc 0 "render $n inline" -- "$plangen" render "$plan" -o "$work/in/$n.pdf"
    expect_rc 0 "render $n --appendices files" -- "$plangen" render "$plan" -o "$work/a/$n.pdf" \
        --appendices files --png "$work/png"
    # (a sanitizer's report of the suppressions it used is no message of plangen's)
    grep -q "plangen\|error\|warning" "$work/err" && bad "$n: --appendices files said: $(cat "$work/err")" || ok
    expect_rc 0 "render $n --appendices files again" -- "$plangen" render "$plan" \
        -o "$work/b/$n.pdf" --appendices files
    expect_rc 0 "dump $n --appendices files" -- "$plangen" dump --stage=layout --appendices files "$plan"
    cp "$work/out" "$work/$n.dump"
    count=$(grep -c '^file [0-9]* appendix-' "$work/$n.dump")
    written=$(ls "$work/a" | grep -c "^$n\.phu-luc-[0-9]*\.pdf$")
    in_xml=$(grep -c '<appendix' "$plan")
    if [ "$count" -ge 1 ] && [ "$count" -eq "$in_xml" ] && [ "$written" -eq "$count" ]; then ok; else
        bad "$n: $in_xml appendices in the plan, $count in the dump, $written files written"; fi
    main="$work/a/$n.pdf"
    files="$main"
    k=1
    while [ "$k" -le "$count" ]; do files="$files $work/a/$n.phu-luc-$k.pdf"; k=$((k + 1)); done

    # every file: tagged, sound, PDF/A, the same bytes on a rerun, PNG pages
    for f in $files; do
        b=$(basename "$f")
        [ "$(info "$f" Tagged)" = yes ] && ok || bad "$b: not tagged"
        qpdf_ok "$f" "$b"
        pdfa_ok "$f" "$b"
        cmp -s "$f" "$work/b/$b" && ok || bad "$b: two renders differ"
        # every footnote link leads to a destination of its own file
        qpdf --qdf --object-streams=disable "$f" "$work/qdf.pdf" 2>/dev/null
        grep -ao '/Dest (fn-[0-9]*)' "$work/qdf.pdf" | sed 's/.*(\(.*\))/\1/' | sort -u >"$work/links"
        grep -a '^ *(fn-[0-9]*)$' "$work/qdf.pdf" | sed 's/ *(\(.*\))/\1/' | sort -u >"$work/dests"
        [ -z "$(comm -23 "$work/links" "$work/dests")" ] && [ -z "$(comm -13 "$work/links" "$work/dests")" ] && ok ||
            bad "$b: links to destinations it lacks, or notes nothing links to: $(comm -3 "$work/links" "$work/dests" | tr '\n' ' ')"
        stem=${b%.pdf}
        [ -s "$work/png/$stem-1.png" ] && ok || bad "$b: no PNG $stem-1.png"
        [ "$(ls "$work/png" | grep -c "^$stem-[0-9]*\.png$")" -eq "$(info "$f" Pages)" ] && ok ||
            bad "$b: PNG pages and PDF pages differ in number"
    done

    # the words of the files together are the inline render's, in order; the
    # main file's pages are the inline render's first pages
    for f in $files; do words "$f"; done >"$work/split.words"
    words "$work/in/$n.pdf" >"$work/inline.words"
    if cmp -s "$work/split.words" "$work/inline.words"; then ok; else
        bad "$n: the files' words differ from the inline render's: $(diff "$work/inline.words" "$work/split.words" | head -5)"; fi
    pages=0
    for f in $files; do pages=$((pages + $(info "$f" Pages))); done
    [ "$pages" -eq "$(info "$work/in/$n.pdf" Pages)" ] && ok ||
        bad "$n: $pages pages in the files, $(info "$work/in/$n.pdf" Pages) inline"
    mp=$(info "$main" Pages)
    pdftotext -l "$mp" "$work/in/$n.pdf" "$work/in.main.txt"
    pdftotext "$main" "$work/main.txt"
    cmp -s "$work/in.main.txt" "$work/main.txt" && ok || bad "$n: the main file is not the inline render's first $mp pages"

    # the main file holds no appendix: neither an attachment line nor an
    # appendix's heading; it keeps its metadata and page numbers
    awk '$1 == "file" { on = ($3 == "main") } on' "$work/$n.dump" | grep -q "begin appendix" &&
        bad "$n: an appendix in the main file's layout" || ok
    if words "$main" | tr '\n' ' ' | grep -qi "kèm theo kế hoạch số"; then
        bad "$n: the main file holds an attachment line"; else ok; fi
    [ "$(info "$main" Title)" = "$(info "$work/in/$n.pdf" Title)" ] && ok || bad "$n: the main file's title changed"
    [ -z "$(top_of_page "$main" 1)" ] && ok || bad "$n: the main file's page 1 shows a number"
    [ "$mp" -lt 2 ] || [ "$(top_of_page "$main" 2)" = 2 ] && ok || bad "$n: the main file's page 2 is not numbered 2"

    # each appendix: its label first, its pages numbered from 1, its metadata
    k=1
    while [ "$k" -le "$count" ]; do
        f="$work/a/$n.phu-luc-$k.pdf"
        b=$(basename "$f")
        # the dump's appendix-label and appendix-title lines of file k + 1
        awk -v k="appendix-$k" '$1 == "file" { on = ($3 == k) } on' "$work/$n.dump" >"$work/app.dump"
        label=$(sed -n 's/^ *text appendix-label [^"]*"\(.*\)"$/\1/p' "$work/app.dump" | head -1)
        first=$(pdftotext -f 1 -l 1 "$f" - | grep -v '^ *$' | head -1)
        [ -n "$label" ] && [ "$first" = "$label" ] && ok || bad "$b: page 1 starts with '$first', not the label '$label'"
        title=$(sed -n "$(grep -n '<appendix' "$plan" | sed -n "${k}p" | cut -d: -f1)p" "$plan" |
            sed -n 's/.* title="\([^"]*\)".*/\1/p')
        t=$(info "$f" Title)
        case "$t" in
        *": $title") ok ;;
        *) bad "$b: title '$t' does not end with ': $title'" ;;
        esac
        python3 -c 'import sys; a, b = sys.argv[1:]; sys.exit(not a.casefold().startswith(b.casefold()))' \
            "$t" "$label" && ok || bad "$b: title '$t' does not start with the label '$label'"
        [ "$(info "$f" Author)" = "$(info "$main" Author)" ] && ok || bad "$b: author '$(info "$f" Author)'"
        [ -n "$(info "$f" Keywords)" ] && [ "$(info "$f" Keywords)" = "$(info "$main" Keywords)" ] && ok ||
            bad "$b: keywords '$(info "$f" Keywords)', the plan's are '$(info "$main" Keywords)'"
        info "$f" Subject | grep -qi "^kèm theo" && ok || bad "$b: subject '$(info "$f" Subject)'"
        [ -z "$(top_of_page "$f" 1)" ] && ok || bad "$b: page 1 shows the number '$(top_of_page "$f" 1)'"
        p=2
        while [ "$p" -le "$(info "$f" Pages)" ]; do
            [ "$(top_of_page "$f" "$p")" = "$p" ] && ok || bad "$b: page $p shows '$(top_of_page "$f" "$p")'"
            p=$((p + 1))
        done
        k=$((k + 1))
    done

    # the FIELD items: one on each appendix file's page 1, at the top right,
    # clear of the text; none in the main file, none inline
    field_problems "$work/$n.dump" >"$work/fields"
    [ -s "$work/fields" ] && bad "$n: $(cat "$work/fields")" || ok
    "$plangen" dump --stage=layout "$plan" | grep -q "^ *field " && bad "$n: a field inline" || ok
done

# the plan of two: Roman numbers, a landscape page, a second page numbered 2,
# and the footnote of the second appendix in its file only
f2="$work/a/two.phu-luc-2.pdf"
[ "$(info "$f2" Pages)" -ge 2 ] && ok || bad "two.phu-luc-2.pdf: one page; the test needs two"
pdfinfo -f 1 -l 1 "$f2" | grep -q "size: *841.89 x 595.2" && ok ||
    bad "two.phu-luc-2.pdf: not landscape: $(pdfinfo -f 1 -l 1 "$f2" | grep size)"
case "$(info "$f2" Title)" in "Phụ lục II: Danh sách đơn vị phối hợp") ok ;; *) bad "two.phu-luc-2.pdf: title $(info "$f2" Title)" ;; esac
words "$f2" | tr '\n' ' ' | grep -q "2 Chú thích của phụ lục thứ hai." && ok || bad "the footnote (2) is not in its appendix's file"
words "$work/a/two.pdf" | tr '\n' ' ' | grep -q "1 Chú thích của kế hoạch." && ok || bad "the plan's footnote is not in its file"
for f in "$work/a/two.pdf" "$work/a/two.phu-luc-1.pdf"; do
    pdftotext "$f" - | grep -q "Chú thích của phụ lục" && bad "$(basename "$f") holds the second appendix's footnote" || ok
done

# a plan without appendices: its PDF alone, the same bytes as inline, said
plan=plans/hung-yen-duk-sinh-hoat-chinh-tri-2023.xml
mkdir -p "$work/none"
expect_rc 0 "a plan without appendices" -- "$plangen" render "$plan" -o "$work/none/h.pdf" --appendices files
grep -q "has no appendix: wrote $work/none/h.pdf alone" "$work/err" && ok || bad "no appendix, not said: $(cat "$work/err")"
[ "$(ls "$work/none")" = h.pdf ] && ok || bad "a plan without appendices wrote $(ls "$work/none")"
"$plangen" render "$plan" -o "$work/none/inline.pdf" 2>/dev/null
cmp -s "$work/none/h.pdf" "$work/none/inline.pdf" && ok || bad "without appendices, files differ from inline"
"$plangen" dump --stage=layout --appendices files "$plan" >"$work/none.dump" 2>&1
[ "$(head -1 "$work/none.dump")" = "file 1 main" ] && [ "$(grep -c '^file ' "$work/none.dump")" -eq 1 ] && ok ||
    bad "dump --appendices files of a plan without appendices: $(grep '^file' "$work/none.dump" | head -3)"

# refusals: DOCX and ODT keep appendices inline; a bad value; a command without it
plan=plans/tra-vinh-duk-60-KH-2022.xml
for fmt in docx odt; do
    expect_rc 2 "--format $fmt --appendices files" -- "$plangen" render "$plan" --format $fmt \
        --appendices files -o "$work/x.$fmt"
    grep -q "appendices inline" "$work/err" && ok || bad "--format $fmt --appendices files: $(cat "$work/err")"
    [ ! -e "$work/x.$fmt" ] && ok || bad "--format $fmt --appendices files wrote a file"
done
expect_rc 0 "--format docx --appendices inline" -- "$plangen" render "$plan" --format docx \
    --appendices inline -o "$work/x.docx"
expect_rc 2 "--appendices separate" -- "$plangen" render "$plan" --appendices separate -o "$work/x.pdf"
expect_rc 2 "check --appendices files" -- "$plangen" check --appendices files "$plan"
grep -q "belongs to render, dump and watch" "$work/err" && ok || bad "check --appendices: $(cat "$work/err")"
expect_rc 2 "dump --stage=number --appendices files" -- "$plangen" dump --stage=number --appendices files "$plan"

# all or nothing: an appendix's file that cannot be written (a folder of its
# name) leaves the old main PDF as it was and no temporary file
mkdir -p "$work/fail/t.phu-luc-1.pdf"
echo old >"$work/fail/t.pdf"
expect_rc 3 "an appendix's file that cannot be written" -- "$plangen" render "$plan" \
    -o "$work/fail/t.pdf" --appendices files
[ "$(cat "$work/fail/t.pdf")" = old ] && ok || bad "a failed appendix file replaced the main PDF"
no_temp_files "$work/fail" "a failed appendix file"
# SIGTERM at any moment of a render of 24 appendices: no temporary file stays,
# and each file is the old one or a whole PDF
mkdir -p "$work/term"
app=$(sed -n '/<appendix/,/<\/appendix>/p' plans/so-khcn-tra-vinh-05-KH-2024.xml | tr '\n' ' ')
{ sed '/<appendix/,$d' plans/so-khcn-tra-vinh-05-KH-2024.xml
  i=0; while [ $i -lt 24 ]; do echo "$app"; i=$((i + 1)); done; echo '</plan>'; } >"$work/many.xml"
expect_rc 0 "render 24 appendices" -- "$plangen" render "$work/many.xml" -o "$work/term/m.pdf" --appendices files
[ "$(ls "$work/term" | wc -l)" -eq 25 ] && ok || bad "24 appendices: $(ls "$work/term" | wc -l) files"
for f in "$work"/term/*.pdf; do echo old >"$f"; done
for delay in 0.05 0.1 0.15 0.2 0.3 0.4 0.6; do
    "$plangen" render "$work/many.xml" -o "$work/term/m.pdf" --appendices files 2>/dev/null &
    pid=$!
    sleep $delay
    kill -TERM $pid 2>/dev/null
    wait $pid
    no_temp_files "$work/term" "SIGTERM after $delay s"
    for f in "$work"/term/*.pdf; do
        [ "$(cat "$f")" = old ] || pdfinfo "$f" >/dev/null 2>&1 || bad "SIGTERM after $delay s damaged $(basename "$f")"
    done
done

# and a signal once every file is written, before any is renamed: all removed
PLANGEN_TEST_TERM_BEFORE_COMMIT=1 expect_rc 143 "SIGTERM before the files are renamed" -- \
    "$plangen" render "$work/many.xml" -o "$work/term/m.pdf" --appendices files
no_temp_files "$work/term" "SIGTERM before the files are renamed"
for f in "$work"/term/*.pdf; do echo old >"$f"; done
PLANGEN_TEST_TERM_BEFORE_COMMIT=1 "$plangen" render "$work/many.xml" -o "$work/term/m.pdf" \
    --appendices files 2>/dev/null
[ "$(cat "$work"/term/*.pdf | sort -u)" = old ] && ok || bad "SIGTERM before the renames replaced a file"

# an appendix's file left from a plan that had more appendices is named
mkdir -p "$work/stale"
touch "$work/stale/t.phu-luc-2.pdf"
expect_rc 0 "an appendix's file left from an earlier render" -- "$plangen" render "$plan" \
    -o "$work/stale/t.pdf" --appendices files
grep -q "t.phu-luc-2.pdf is left from an earlier render" "$work/err" && ok || bad "stale file not named: $(cat "$work/err")"
# two plans whose files would meet
mkdir -p "$work/clash"
cp "$plan" "$work/clash/t.xml"
cp "$plan" "$work/clash/t.phu-luc-1.xml"
expect_rc 2 "a plan named like another's appendix" -- "$plangen" render "$work/clash/t.xml" \
    "$work/clash/t.phu-luc-1.xml" -o "$work/clash/out/" --appendices files
[ ! -e "$work/clash/out/t.pdf" ] && ok || bad "clashing names: something was written"

finish run_appendix_files
