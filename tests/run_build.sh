#!/bin/sh
# `plangen build`: incremental rebuilds (a plan, a parent, a style, an image),
# identical bytes with -j1 and -j2, an interrupted build, JUnit and shards. Run
# from the repository root:  tests/run_build.sh PLANGEN
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(pwd)
pass=0
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }

# a private copy of the data (styles may be edited) and of the plans
mkdir -p "$work/data"
cp -r "$root/templates" "$root/fonts" "$work/data/"
cp -r "$root/plans" "$work/plans"
cd "$work"
pg() { "$plangen" --data-dir "$work/data" "$@"; }
built() { sed -n 's/^build: \([0-9]*\) built.*/\1/p' "$work/log"; }

# a plan with an image
mkdir -p plans/hinh
# images made by plangen itself: a page of a plan as PNG, at two resolutions
pg render "$root/plans/tra-vinh-duk-60-KH-2022.xml" -o "$work/img.pdf" --png "$work/png10" --dpi 10 2>/dev/null
pg render "$root/plans/tra-vinh-duk-60-KH-2022.xml" -o "$work/img.pdf" --png "$work/png12" --dpi 12 2>/dev/null
cp "$work/png10/img-1.png" plans/hinh/logo.png
cat > plans/hinh/co-hinh.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<plan xmlns="urn:plangen:plan:1">
  <issuer symbol="ĐUK">ĐẢNG ỦY KHỐI</issuer>
  <number>4</number>
  <place>Huế</place>
  <date>2023-05-02</date>
  <summary>kế hoạch có hình</summary>
  <section title="NỘI DUNG"><p>Hình dưới đây.</p><image src="logo.png" width="20mm"/></section>
  <recipients><to>Ban A</to><archive>VP</archive></recipients>
  <signature title="BÍ THƯ" name="Nguyễn Văn A"/>
</plan>
XML

pg build plans -o out -j2 2>"$work/log"; rc=$?
[ $rc -eq 0 ] && ok || { bad "first build exit $rc"; cat "$work/log"; }
n=$(find plans -name '*.xml' | wc -l)
[ "$(built)" -eq "$n" ] && ok || bad "first build built $(built) of $n"
pg build plans -o out 2>"$work/log"
[ "$(built)" -eq 0 ] && ok || bad "no-op rebuild built $(built)"

# snapshot, change one input, rebuild, list the outputs whose bytes changed
snap() { (cd out && find . -name '*.pdf' | sort | xargs md5sum) > "$work/$1"; }
changed() { diff "$work/before" "$work/after" | sed -n 's/^> [0-9a-f]*  \.\///p' | sort | tr '\n' ' '; }
expect_changed() {
    what=$1; want=$2
    snap after
    got=$(changed)
    if [ "$got" = "$want" ]; then ok; else bad "$what changed [$got], expected [$want]"; fi
    cp "$work/after" "$work/before"
}
snap before
sed -i 's/Thời gian: bắt đầu từ tháng 4/Thời gian: bắt đầu từ đầu tháng 4/' plans/tra-vinh-duk-60-KH-2022.xml
pg build plans -o out 2>"$work/log"
expect_changed "editing a plan" "tra-vinh-duk-60-KH-2022.pdf "
sed -i 's/(1). Tác phẩm là cẩm nang/(1). Tác phẩm là cuốn cẩm nang/' plans/tinh-uy-hung-yen/179-KH-TU-2023.xml
pg build plans -o out 2>"$work/log"
# the province plan's descendants, and Xín Mần, which takes the paragraph through <uses>
expect_changed "editing a parent" "chi-bo-hung-yen/chi-bo-bao-hung-yen-2023.pdf chi-bo-hung-yen/chi-bo-so-khcn-2023.pdf hung-yen-duk-sinh-hoat-chinh-tri-2023.pdf tinh-uy-hung-yen/179-KH-TU-2023.pdf xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.pdf "
# the province corrects words Xín Mần changed: Xín Mần fails at its <change>, naming
# the province's paragraph; the others build; restoring the words restores the build
sed -i 's/uy hiếp sự tôn vinh/uy hiếp sự tồn vong/' plans/tinh-uy-hung-yen/179-KH-TU-2023.xml
pg build plans -o out 2>"$work/log"; rc=$?
[ $rc -eq 1 ] && ok || bad "a stale <change>: exit $rc"
grep -q '^plans/xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.xml:[0-9]*:[0-9]*: error: missing required element: <change from="tôn vinh">: these words are not in the item id="ly-luan" of plans/tinh-uy-hung-yen/179-KH-TU-2023.xml (line [0-9]*)' "$work/log" \
    && ok || { bad "a stale <change> not reported"; cat "$work/log"; }
sed -i 's/uy hiếp sự tồn vong/uy hiếp sự tôn vinh/' plans/tinh-uy-hung-yen/179-KH-TU-2023.xml
pg build plans -o out 2>"$work/log" && ok || bad "after restoring the words: exit $?"
snap after; cp "$work/after" "$work/before"
sed -i 's|<text role="recipient" size="11" pitch="13"/>|<text role="recipient" size="11.5" pitch="13"/>|' data/templates/styles/state.xml
pg build plans -o out 2>"$work/log"
expect_changed "editing the state style" "so-khcn-tra-vinh-05-KH-2024.pdf "
cp "$work/png12/img-1.png" plans/hinh/logo.png
pg build plans -o out 2>"$work/log"
expect_changed "editing an image" "hinh/co-hinh.pdf "
touch plans/xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.xml
pg build plans -o out 2>"$work/log"
[ "$(built)" -eq 0 ] && ok || bad "touching without a change rebuilt $(built)"

# the same bytes with -j1 and -j2, from clean
pg build plans -o clean1 -j1 2>/dev/null
pg build plans -o clean2 -j2 2>/dev/null
if diff -r -x .plangen-cache clean1 clean2 >/dev/null; then ok; else bad "-j1 and -j2 differ"; fi

# JUnit lists every plan; the shards cover every plan exactly once
pg build plans -o out2 --junit junit.xml 2>/dev/null
xmllint --noout junit.xml && ok || bad "junit.xml is not well-formed XML"
[ "$(grep -c '<testcase ' junit.xml)" -eq "$n" ] && ok || bad "junit lists $(grep -c '<testcase ' junit.xml) of $n plans"
for k in 1 2 3; do
    pg build plans --check-only --shard $k/3 --report json 2>/dev/null | grep -o '"plan": "[^"]*"' >> shards
done
[ "$(sort shards | uniq | wc -l)" -eq "$n" ] && [ "$(wc -l < shards)" -eq "$n" ] && ok || bad "shards cover $(sort -u shards | wc -l) plans in $(wc -l < shards) entries, expected $n"
pg build plans --shard 4/3 -o x 2>/dev/null; [ $? -eq 2 ] && ok || bad "--shard 4/3 is not a usage error"

# a failing plan: every failure listed, exit 1, the others built
printf '<plan xmlns="urn:plangen:plan:1"><p>x</p></plan>\n' > plans/hong-1.xml
printf '<plan>\n' > plans/hong-2.xml
pg build plans -o out3 2>"$work/log"; rc=$?
[ $rc -eq 1 ] && ok || bad "a failing plan: exit $rc"
grep -q '^plans/hong-1.xml:1:1: error: missing required element' "$work/log" && ok || bad "hong-1 not listed"
grep -q '^plans/hong-2.xml:2:1: error: XML is not well formed' "$work/log" && ok || bad "hong-2 not listed"
[ -s out3/tra-vinh-duk-60-KH-2022.pdf ] && ok || bad "a failure stopped the others"
rm plans/hong-1.xml plans/hong-2.xml

# an interrupted build: no temporary file, and the next build completes
# (400 plans of their own wording, so that no cache makes the build too short
# to interrupt; the signal comes once the first PDF is there: mid-way)
i=0
while [ $i -lt 400 ]; do
    sed -e "s/<number>60</<number>$((i + 100))</" -e "s/ và / và $i /g" \
        plans/tra-vinh-duk-60-KH-2022.xml > "plans/_c$i.xml"
    mv "plans/_c$i.xml" "plans/c$i.xml"; i=$((i + 1))
done
"$plangen" --data-dir "$work/data" build plans -o out4 -j2 2>/dev/null &
pid=$!
waited=0
while [ -z "$(find out4 -name '*.pdf' 2>/dev/null | head -n 1)" ] && [ $waited -lt 3000 ]; do
    sleep 0.01; waited=$((waited + 1))
done
kill -TERM $pid
wait $pid; rc=$?
[ $rc -ne 0 ] && ok || bad "an interrupted build exits 0"
if find out4 -name '*.tmp.*' | grep -q .; then bad "temporary files after an interrupt"; else ok; fi
pg build plans -o out4 -j2 2>"$work/log"; rc=$?
[ $rc -eq 0 ] && ok || bad "the build after an interrupt: exit $rc"
total=$(find plans -name '*.xml' | wc -l)
[ "$(find out4 -name '*.pdf' | wc -l)" -eq "$total" ] && ok || bad "after the interrupt: $(find out4 -name '*.pdf' | wc -l) of $total outputs"
for f in $(find out4 -name '*.pdf'); do pdfinfo "$f" >/dev/null 2>&1 || bad "$f is damaged"; done
pg build plans -o out4 2>"$work/log"
[ "$(built)" -eq 0 ] && ok || bad "after the interrupt, a third build rebuilt $(built)"

echo "build: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
