#!/bin/sh
# Command-line behaviour: help, exit codes, atomic output, reproducible bytes,
# SOURCE_DATE_EPOCH, PNG pages and stage dumps. Run from the repository root:
#   tests/run_cli.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
plan=plans/tra-vinh-duk-60-KH-2022.xml

contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in output"; fi; }

expect_rc 0 "--help" -- "$plangen" --help
contains "$work/out" "usage: plangen COMMAND" "--help"
contains "$work/out" "exit status" "--help"
contains "$work/out" "Hướng dẫn 36-HD/VPTW" "--help names the Party standard"
contains "$work/out" "Nghị định 30/2020/NĐ-CP" "--help names the state standard"
for cmd in render check dump fonts; do
    expect_rc 0 "$cmd --help" -- "$plangen" $cmd --help
    contains "$work/out" "usage: plangen $cmd" "$cmd --help"
done
expect_rc 0 "--version" -- "$plangen" --version
contains "$work/out" "^plangen [0-9]" "--version"
# a relative --data-dir (fontconfig reads a relative path from its own folder)
expect_rc 0 "--data-dir ." -- "$plangen" --data-dir . render plans/tra-vinh-duk-60-KH-2022.xml -o "$work/rel.pdf"
# texts over --max-text: each reported with the limit, none "empty" as well
sed 's|<summary>[^<]*</summary>|<summary>kế hoạch có một trích yếu dài hơn giới hạn của văn bản</summary>|' \
    plans/tra-vinh-duk-60-KH-2022.xml > "$work/longsum.xml"
expect_rc 1 "summary over --max-text" -- "$plangen" check --max-text 40 "$work/longsum.xml"
contains "$work/err" "longsum.xml:[0-9]*:[0-9]*: error: file is too large: a text of 75 bytes; the limit is 40 (--max-text)" "summary over --max-text"
grep -q "empty value" "$work/err" && bad "a text over --max-text is also called empty" || ok
expect_rc 2 "no command" -- "$plangen"
expect_rc 2 "unknown command" -- "$plangen" frobnicate
contains "$work/err" "unknown command 'frobnicate'" "unknown command"
expect_rc 2 "unknown option" -- "$plangen" render --colour "$plan"
contains "$work/err" "unknown option --colour" "unknown option"
expect_rc 2 "render without a plan" -- "$plangen" render
expect_rc 2 "dump without a stage" -- "$plangen" dump "$plan"
# a house style kept outside the data folder extends an installed style
mkdir -p "$work/house"
printf '<style xmlns="urn:plangen:style:1" name="house" extends="party">\n  <page left="25mm"/>\n</style>\n' > "$work/house/house.xml"
expect_rc 0 "--style /elsewhere/house.xml extends=party" -- "$plangen" render --style "$work/house/house.xml" "$plan" -o "$work/house/h.pdf"
[ -s "$work/house/h.pdf" ] && ok || bad "house style outside the data folder: no PDF: $(cat "$work/err")"
# an option the command would ignore is a usage error naming it and its commands
expect_rc 2 "check --report json" -- "$plangen" check --report json "$plan"
contains "$work/err" "plangen: --report belongs to build, not to check" "check --report json"
expect_rc 2 "render --junit" -- "$plangen" render --junit "$work/j.xml" "$plan" -o "$work/j.pdf"
contains "$work/err" "plangen: --junit belongs to build, not to render" "render --junit"
[ ! -e "$work/j.pdf" ] && [ ! -e "$work/j.xml" ] && ok || bad "render --junit wrote something"
expect_rc 2 "check --dpi" -- "$plangen" check --dpi 100 "$plan"
contains "$work/err" "plangen: --dpi belongs to render and watch, not to check" "check --dpi"
expect_rc 2 "render --force" -- "$plangen" render --force "$plan" -o "$work/j.pdf"
contains "$work/err" "plangen: --force belongs to check, derive, new and import, not to render" "render --force"

# check: good plans pass silently
expect_rc 0 "check seeds" -- "$plangen" check plans/*.xml
if [ -s "$work/err" ]; then bad "check seeds printed: $(cat "$work/err")"; else ok; fi

# render into a folder; PNG pages
expect_rc 0 "render to folder" -- "$plangen" render "$plan" -o "$work/pdf/" --png "$work/png"
[ -s "$work/pdf/tra-vinh-duk-60-KH-2022.pdf" ] && ok || bad "no PDF written"
[ -s "$work/png/tra-vinh-duk-60-KH-2022-1.png" ] && ok || bad "no PNG written"
head -c 8 "$work/png/tra-vinh-duk-60-KH-2022-1.png" | grep -q PNG && ok || bad "PNG is not a PNG"
no_temp_files "$work" "render"

# reproducible: same bytes twice; SOURCE_DATE_EPOCH sets the creation date
"$plangen" render "$plan" -o "$work/a.pdf" && "$plangen" render "$plan" -o "$work/b.pdf"
cmp -s "$work/a.pdf" "$work/b.pdf" && ok || bad "two renders differ"
SOURCE_DATE_EPOCH=1700000000 "$plangen" render "$plan" -o "$work/c.pdf"
SOURCE_DATE_EPOCH=1700000000 "$plangen" render "$plan" -o "$work/d.pdf"
cmp -s "$work/c.pdf" "$work/d.pdf" && ok || bad "SOURCE_DATE_EPOCH renders differ"
# plangen never loads fontconfig's system configuration (fonts.c): pointed at a
# file that does not exist, fontconfig would complain on stderr if it tried
FONTCONFIG_FILE=/nonexistent/fonts.conf "$plangen" render "$plan" -o "$work/nofc.pdf" 2>"$work/err"
if [ -s "$work/err" ]; then bad "the system font configuration was loaded: $(cat "$work/err")"; else ok; fi
# layouts, font subsets and deflated streams are shared between the plans of one
# process (fonts.c, pdf.c): a plan rendered after others that share its
# paragraphs and glyphs comes out byte for byte as alone
SOURCE_DATE_EPOCH=0 "$plangen" render plans/tinh-uy-hung-yen/179-KH-TU-2023.xml -o "$work/alone.pdf"
mkdir -p "$work/together"
SOURCE_DATE_EPOCH=0 "$plangen" render plans/hung-yen-duk-sinh-hoat-chinh-tri-2023.xml \
    plans/xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.xml plans/tinh-uy-hung-yen/179-KH-TU-2023.xml \
    -o "$work/together/"
cmp -s "$work/alone.pdf" "$work/together/179-KH-TU-2023.pdf" && ok || bad "a plan differs when rendered after others"
# every stream is deflated at libdeflate's fastest level (generator/pdf.c): the
# zlib header of each stream says level 1 (78 01), none the default (78 9C)
levels=$(perl -0777 -ne 'my $f = () = /stream\r?\nx\x01/g; my $d = () = /stream\r?\nx\x9c/g; print "$f $d"' "$work/a.pdf")
case $levels in "0 "*|*" "[1-9]*) bad "stream levels (fast, default): $levels" ;; *) ok ;; esac
cmp -s "$work/a.pdf" "$work/c.pdf" && bad "SOURCE_DATE_EPOCH ignored" || ok
# pango's font matching runs in plangen's thread (generator/pango_sync.c): one
# render starts at most pango's FcInit thread and the one that compiles the
# schema while the plan is parsed (generator/parse.h), not one thread per font
# pattern
# (LeakSanitizer cannot run under ptrace: off for this one run of a sanitised build)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=clone,clone3 -o "$work/threads" "$plangen" render "$plan" -o "$work/t.pdf"
threads=$(grep -c 'CLONE_THREAD' "$work/threads")
[ "$threads" -le 2 ] && ok || bad "a render started $threads threads"
pdfinfo -isodates "$work/a.pdf" | grep -q 'CreationDate: *2022-04-18T00:00:00' && ok || bad "plan date not the creation date"
pdfinfo -isodates "$work/c.pdf" | grep -q 'CreationDate: *2023-11-14T22:13:20' && ok || bad "SOURCE_DATE_EPOCH not the creation date"

# a failing plan leaves the previous output untouched and no stray file
cp "$work/a.pdf" "$work/keep.pdf"
cp tests/bad/impossible-date.xml "$work/tra.xml"
expect_rc 1 "render a bad plan" -- "$plangen" render "$work/tra.xml" -o "$work/a.pdf"
cmp -s "$work/a.pdf" "$work/keep.pdf" && ok || bad "previous output changed by a failed render"
no_temp_files "$work" "failed render"

# output that cannot be written: exit 3, nothing left behind
: > "$work/file"
expect_rc 3 "unwritable output" -- "$plangen" render "$plan" -o "$work/file/x.pdf"
contains "$work/err" "cannot write output" "unwritable output"
no_temp_files "$work" "unwritable output"

# dumps of each stage
expect_rc 0 "dump parse" -- "$plangen" dump --stage=parse "$plan"
contains "$work/out" 'section 24:3 id=noi-dung' "dump parse"
expect_rc 0 "dump number" -- "$plangen" dump --stage=number "$plan"
contains "$work/out" 'label="II-"' "dump number"
contains "$work/out" 'number-line: "Số 60-KH/ĐUK"' "dump number"
expect_rc 0 "dump layout" -- "$plangen" dump --stage=layout "$plan"
contains "$work/out" '^page 4 ' "dump layout"
contains "$work/out" 'text signature-name .* "Phạm Phước Trãi"' "dump layout"

# check --fix: corrects what can be corrected, keeps comments and layout, and the
# plan then passes
cat > "$work/fix.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment that fixing keeps -->
<plan xmlns="urn:plangen:plan:1">
  <issuer symbol="đuk">ĐẢNG ỦY KHỐI</issuer>
  <number>3</number>
  <place>Huế</place>
  <date>2023-05-02</date>
  <summary>Tổ chức thử sửa</summary>
  <section title="I- MỤC ĐÍCH">   <!-- typed number -->
    <section title="1. Mục đích"><p>Một.</p></section>
  </section>
  <recipients>
    <to>Ban Thường vụ Tỉnh ủy,</to>
    <archive>VP</archive>
  </recipients>
  <signature title="BÍ THƯ" name="Nguyễn Văn A"/>
</plan>
XML
cp "$work/fix.xml" "$work/fix.orig"
expect_rc 0 "check finds fixable findings" -- "$plangen" check "$work/fix.xml"
[ "$(grep -c 'fixable with --fix' "$work/err")" -eq 5 ] && ok || bad "expected 5 fixable findings: $(cat "$work/err")"
expect_rc 2 "check --fix without --force" -- "$plangen" check --fix "$work/fix.xml"
contains "$work/err" "give --force as well" "check --fix without --force"
cmp -s "$work/fix.orig" "$work/fix.xml" && ok || bad "--fix without --force changed the plan"
expect_rc 0 "check --fix" -- "$plangen" check --fix --force "$work/fix.xml"
contains "$work/err" "fixed 5 findings; checking again" "check --fix"
expect_rc 0 "check after --fix" -- "$plangen" check "$work/fix.xml"
if [ -s "$work/err" ]; then bad "findings left after --fix: $(cat "$work/err")"; else ok; fi
grep -q '<!-- a comment that fixing keeps -->' "$work/fix.xml" && ok || bad "--fix lost a comment"
grep -q '<section title="MỤC ĐÍCH">   <!-- typed number -->' "$work/fix.xml" && ok || bad "--fix changed the layout"
[ "$(diff "$work/fix.orig" "$work/fix.xml" | grep -c '^>')" -eq 5 ] && ok || bad "--fix changed other lines"
no_temp_files "$work" "check --fix"
# check --fix on a derived plan: what it inherits is reported at the parent's
# file and line and is left to the parent's own check; the child's own finding
# is fixed in the child
mkdir -p "$work/lint/derive"
cp tests/bad/derive/typed-numbers.xml "$work/lint/derive/"
cp tests/bad/derive-lint-inherited.xml "$work/lint/child.xml"
cp "$work/lint/derive/typed-numbers.xml" "$work/lint/parent.orig"
expect_rc 0 "check --fix on a child" -- "$plangen" check --fix --force "$work/lint/child.xml"
contains "$work/err" "fixed 1 finding; checking again" "check --fix on a child"
contains "$work/err" "lint/derive/typed-numbers.xml:11:3: warning: breaks the standard: title=\"1. MỤC ĐÍCH\" starts with a typed number; numbers come from the nesting; it is inherited: fix it in its own plan" "check --fix on a child"
grep -q '<section title="TỔ CHỨC THỰC HIỆN">' "$work/lint/child.xml" && ok || bad "--fix did not fix the child's own title"
cmp -s "$work/lint/parent.orig" "$work/lint/derive/typed-numbers.xml" && ok || bad "--fix on a child edited its parent"
expect_rc 0 "check --fix on the parent" -- "$plangen" check --fix --force "$work/lint/derive/typed-numbers.xml"
grep -q '<section id="muc-dich" title="MỤC ĐÍCH">' "$work/lint/derive/typed-numbers.xml" && ok || bad "--fix on the parent did not fix its title"
expect_rc 0 "the child after its parent's fix" -- "$plangen" check "$work/lint/child.xml"
if grep -q "typed number" "$work/err"; then bad "typed numbers left: $(cat "$work/err")"; else ok; fi
no_temp_files "$work" "check --fix on a derived plan"

# derivation: derive writes a child that renders at once; diff lists what it does;
# an existing file is kept without --force
mkdir -p "$work/plans/tinh" "$work/plans/khoi"
cp plans/tinh-uy-hung-yen/179-KH-TU-2023.xml "$work/plans/tinh/179.xml"
expect_rc 0 "derive" -- "$plangen" derive "$work/plans/tinh/179.xml" --issuer "ĐẢNG ỦY KHỐI" \
    --symbol ĐUK --date 2023-04-02 -o "$work/plans/khoi/child.xml"
contains "$work/plans/khoi/child.xml" 'derives-from="../tinh/179.xml"' "derive"
contains "$work/plans/khoi/child.xml" '<inherit ref="muc-dich-yeu-cau"/>' "derive"
expect_rc 2 "derive refuses to overwrite" -- "$plangen" derive "$work/plans/tinh/179.xml" \
    --issuer X -o "$work/plans/khoi/child.xml"
contains "$work/err" "exists; give --force to replace it" "derive refuses to overwrite"
expect_rc 0 "render the derived child" -- "$plangen" render "$work/plans/khoi/child.xml" -o "$work/child.pdf"
pdftotext "$work/child.pdf" "$work/child.txt"
contains "$work/child.txt" "Thực hiện Kế hoạch số 179-KH/TU, ngày 28/3/2023 của Ban Thường vụ" "derived basis"
contains "$work/child.txt" "Ban Thường vụ Tỉnh ủy (để báo cáo)" "report-back line"
expect_rc 0 "diff" -- "$plangen" diff "$work/plans/khoi/child.xml"
contains "$work/out" "^inherits muc-dich-yeu-cau$" "diff"
contains "$work/out" "^adds TỔ CHỨC THỰC HIỆN$" "diff"
expect_rc 0 "dump resolve" -- "$plangen" dump --stage=resolve "$work/plans/khoi/child.xml"
contains "$work/out" "from $work/plans/khoi/../tinh/179.xml\|from .*tinh/179.xml" "dump resolve"

# a correction in the parent reaches the child on the next render
sed -i 's/Giúp cán bộ, đảng viên và nhân dân trong tỉnh/Giúp toàn thể cán bộ, đảng viên và nhân dân trong tỉnh/' "$work/plans/tinh/179.xml"
expect_rc 0 "re-render after a parent edit" -- "$plangen" render "$work/plans/khoi/child.xml" -o "$work/child.pdf"
pdftotext "$work/child.pdf" "$work/child2.txt"
contains "$work/child2.txt" "Giúp toàn thể cán bộ" "parent edit reaches the child"

# the Xín Mần seed takes the province plan's core paragraphs through <uses> and
# keeps its own wording: the changed words are its, the province's are gone
xm=plans/xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.xml
expect_rc 0 "render Xín Mần" -- "$plangen" render "$xm" -o "$work/xm.pdf"
pdftotext "$work/xm.pdf" - | tr '\n' ' ' | tr -s ' ' > "$work/xm.txt"
for words in "uy hiếp sự tồn vong của chế độ" "rửa mặt hàng ngày" "tư duy đúng đắn, tinh táo" \
    "Tập trung làm rõ các kết quả nổi bật: Về phát hiện, xử lý; xây dựng, hoàn thiện thể chế; công khai" \
    "(1) Biến quyết tâm chính trị" "hoạt động phòng, chống tham nhũng ra khu vực ngoài nhà nước" \
    "phải đúng vai, thuộc bài" "(1) Chỉ ra các biểu hiện, hành vi tiêu cực của cán bộ, đảng viên; (2)" \
    "Tập trung khẳng định: (1) Vai trò to lớn" "thực tiễn phong phú, rút ra"; do
    contains "$work/xm.txt" "$words" "Xín Mần wording"
done
for words in "tôn vinh" "(1). Tác phẩm" "sợ trách nhiệm" "Phần thứ nhất"; do
    if grep -q -- "$words" "$work/xm.txt"; then bad "Xín Mần shows the province's \"$words\""; else ok; fi
done
expect_rc 0 "diff Xín Mần" -- "$plangen" diff "$xm"
contains "$work/out" "^uses tinh-uy-hung-yen/179-KH-TU-2023.xml (content only, not cited)$" "diff uses"
contains "$work/out" '^  changes "tôn vinh" to "tồn vong"$' "diff changes"
contains "$work/out" '^inherits gia-tri titled "Về giá trị của tác phẩm"$' "diff retitle"

# new: a blank plan of each standard passes check once filled
for style in party state; do
    expect_rc 0 "new --style $style" -- "$plangen" new --style $style -o "$work/blank-$style.xml"
    sed -e 's/\[YYYY-MM-DD\]/2025-12-05/; s/\[số và ký hiệu\]/12-KH\/TU/; s/\[ngày\/tháng\/năm\]/05\/12\/2025/' \
        -e 's/\[[^]]*\]/Nội dung/g' "$work/blank-$style.xml" > "$work/filled-$style.xml"
    expect_rc 0 "check the filled $style plan" -- "$plangen" check "$work/filled-$style.xml"
    if [ -s "$work/err" ]; then bad "filled $style plan: $(cat "$work/err")"; else ok; fi
done

# templates: fill, missing and unknown parameters, optional parts, a 40-unit build
T=templates/plans/sinh-hoat-chi-bo.xml
SETS="--set don_vi=CHI-BỘ-A --set ten_goi=Chi-bộ-A --set so=3 --set ngay=2023-04-06 --set bi_thu=A --set han_quan_triet=2023-04-27 --set ghi_chu_quan_triet=x --set han_bao_cao=2023-06-08 --set ghi_chu_bao_cao=y"
expect_rc 0 "new --from" -- "$plangen" new --from $T $SETS --set to_chuc_hoi_thao=yes -o plans/_cli_test_on.xml --force
contains plans/_cli_test_on.xml "Tổ chức tọa đàm" "optional part on"
expect_rc 0 "check the filled template" -- "$plangen" check plans/_cli_test_on.xml
expect_rc 0 "new --from, optional part off" -- "$plangen" new --from $T $SETS -o plans/_cli_test_off.xml --force
grep -q "Tổ chức tọa đàm" plans/_cli_test_off.xml && bad "optional part still there" || ok
rm -f plans/_cli_test_on.xml plans/_cli_test_off.xml
expect_rc 1 "missing parameter" -- "$plangen" new --from $T --set don_vi=X -o "$work/t.xml"
contains "$work/err" "templates/plans/sinh-hoat-chi-bo.xml:11: error: missing template parameter: the template needs \${ten_goi}: give it with --set ten_goi=..." "missing parameter"
expect_rc 0 "unknown parameter" -- "$plangen" new --from $T $SETS --set mau=do -o "$work/t2.xml"
contains "$work/err" "templates/plans/sinh-hoat-chi-bo.xml: warning: unused parameter: mau: no \${mau} or <?plangen-if mau?> in the template" "unknown parameter"
{
    echo '<units template="../templates/plans/sinh-hoat-chi-bo.xml">'
    i=1
    while [ $i -le 40 ]; do
        printf '<unit name="chi-bo-%02d"><param name="don_vi">CHI BỘ SỐ %d</param><param name="ten_goi">Chi bộ số %d</param><param name="so">%d</param><param name="ngay">2023-04-06</param><param name="bi_thu">Bí thư %d</param><param name="han_quan_triet">2023-04-27</param><param name="ghi_chu_quan_triet">trước ngày 27/4/2023</param><param name="han_bao_cao">2023-06-08</param><param name="ghi_chu_bao_cao">trước ngày 08/6/2023</param></unit>\n' $i $i $i $i $i
        i=$((i + 1))
    done
    echo '</units>'
} > plans/_cli_units.xml
expect_rc 0 "build --units (40 units)" -- "$plangen" build --units plans/_cli_units.xml -o "$work/units"
rm -f plans/_cli_units.xml
[ "$(ls "$work/units"/*.pdf | wc -l)" -eq 40 ] && ok || bad "40 units: $(ls "$work/units" | wc -l) PDFs"
contains "$work/err" "build: 40 built, 0 up to date, 0 failed" "build --units"
pdftotext "$work/units/chi-bo-17.pdf" - | grep -q "CHI BỘ SỐ 17" && ok || bad "unit 17's PDF lacks its name"
# --units: a finding names the unit and stands where it is fixed in the units file
cat > plans/_cli_units_bad.xml <<'EOF_UNITS'
<units template="../templates/plans/sinh-hoat-chi-bo.xml">
  <unit name="hong-1">
    <param name="don_vi">CHI BỘ HỒNG 1</param>
    <param name="so">1</param>
    <param name="mau">do</param>
  </unit>
  <unit name="xa/hong-2"><param name="don_vi">X</param></unit>
</units>
EOF_UNITS
expect_rc 1 "build --units with faults" -- "$plangen" build --units plans/_cli_units_bad.xml -o "$work/units-bad"
contains "$work/err" 'plans/_cli_units_bad.xml:2: error: missing template parameter: unit "hong-1" (plans/../templates/plans/sinh-hoat-chi-bo.xml line 11): the template needs ${ten_goi}: add <param name="ten_goi">...</param> to the unit' "--units: a missing parameter names the unit"
contains "$work/err" 'plans/_cli_units_bad.xml:5: warning: unused parameter: unit "hong-1": mau: no ${mau}' "--units: an unused parameter at its <param>"
contains "$work/err" "plans/_cli_units_bad.xml:7: error: invalid value: <unit name=\"xa/hong-2\">: the name holds '/'; it is the output's file name" "--units: a name with /"
rm -f plans/_cli_units_bad.xml

# limits: each with its option, refused in a moment with a clear message
expect_rc 1 "--max-nodes" -- "$plangen" check --max-nodes 50 "$plan"
contains "$work/err" "error: file is too large: more than 50 elements; split the plan (or raise --max-nodes)" "--max-nodes"
expect_rc 1 "--max-text" -- "$plangen" check --max-text 100 "$plan"
contains "$work/err" "error: file is too large: a text of [0-9]* bytes; the limit is 100 (--max-text)" "--max-text"
expect_rc 1 "--max-depth" -- "$plangen" check --max-depth 3 "$plan"
contains "$work/err" "error: nesting too deep: elements nested more than 3 deep" "--max-depth"
# image limits, from the PNG's header: a page of a plan as the image (497 x 702)
mkdir -p "$work/img"
"$plangen" render "$plan" -o "$work/img/" --png "$work/img" 2>/dev/null
sed 's/corrupt.png/tra-vinh-duk-60-KH-2022-1.png/' tests/bad/image-corrupt.xml > "$work/img/image.xml"
expect_rc 0 "an image under the limits" -- "$plangen" check "$work/img/image.xml"
expect_rc 1 "--max-image-pixels" -- "$plangen" check --max-image-pixels 300000 "$work/img/image.xml"
contains "$work/err" 'image.xml:8:3: error: file is too large: image "tra-vinh-duk-60-KH-2022-1.png" has 497 x 702 pixels; the limit is 300000 pixels (--max-image-pixels)' "--max-image-pixels"
expect_rc 1 "--max-image-bytes" -- "$plangen" render --max-image-bytes=1000000 "$work/img/image.xml" -o "$work/img/x.pdf"
contains "$work/err" 'image.xml:8:3: error: file is too large: image "tra-vinh-duk-60-KH-2022-1.png" decodes to 1395576 bytes (497 x 702 pixels of 4 bytes); the limit is 1000000 bytes (--max-image-bytes): scale it down' "--max-image-bytes"
[ ! -e "$work/img/x.pdf" ] && ok || bad "--max-image-bytes: a PDF was written"
expect_rc 2 "--max-image-pixels 0" -- "$plangen" check --max-image-pixels 0 "$work/img/image.xml"
contains "$work/err" "max-image-pixels takes a positive number" "--max-image-pixels 0"
expect_rc 0 "--max-image-pixels raised" -- "$plangen" check --max-image-pixels 400000 --max-image-bytes 2000000 "$work/img/image.xml"
# 20000 x 20000 in 48 KB: refused from the header, at once, in little memory
start=$(date +%s%N)
expect_rc 1 "a 20000 x 20000 PNG" -- "$plangen" render tests/bad/image-too-many-pixels.xml -o "$work/img/huge.pdf"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 2000 ] && ok || bad "the 20000 x 20000 PNG took $ms ms"
head -c 11000000 /dev/zero | tr '\0' 'a' > "$work/big.xml"
expect_rc 1 "a plan over 10 MiB" -- "$plangen" check "$work/big.xml"
contains "$work/err" "error: file is too large: over 10485760 bytes; split the plan" "10 MiB"
start=$(date +%s%N)
expect_rc 1 "billion laughs" -- "$plangen" check tests/bad/billion-laughs.xml
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 2000 ] && ok || bad "billion laughs took $ms ms"

# SIGTERM while rendering a long plan leaves the old output and no temporary file
i=0; : > "$work/long-body"
while [ $i -lt 400 ]; do echo "<section title=\"Mục $i\"><p>Nội dung của mục $i, đủ dài để chiếm một dòng trong trang.</p></section>" >> "$work/long-body"; i=$((i + 1)); done
{ sed -n '1,/<\/summary>/p' "$plan" | sed 's/<basis>//'; echo '<section title="MỘT">'; cat "$work/long-body"; echo '</section>'; sed -n '/<recipients>/,/<\/recipients>/p;/<signature/p' "$plan"; echo '</plan>'; } > "$work/long.xml"
echo "old" > "$work/long.pdf"
"$plangen" render "$work/long.xml" -o "$work/long.pdf" 2>/dev/null &
pid=$!
sleep 0.2
kill -TERM $pid 2>/dev/null
wait $pid
if [ "$(cat "$work/long.pdf" 2>/dev/null)" = "old" ] || pdfinfo "$work/long.pdf" >/dev/null 2>&1; then ok; else bad "SIGTERM left a damaged output"; fi
no_temp_files "$work" "SIGTERM during render"

# a failed write to standard output or standard error exits 3 (/dev/full: the
# disk is full), for every command that prints
if [ -w /dev/full ]; then
    for args in "dump --stage=layout $plan" "dump --stage=parse $plan" "diff plans/hung-yen-duk-sinh-hoat-chinh-tri-2023.xml" "fonts" "--help" "--version" "render --help"; do
        # shellcheck disable=SC2086
        "$plangen" $args >/dev/full 2>"$work/err"
        rc=$?
        [ "$rc" -eq 3 ] && ok || bad "$args > /dev/full: exit $rc, expected 3"
        contains "$work/err" "plangen: error: cannot write to standard output: No space left on device" "$args > /dev/full"
    done
    "$plangen" check --max-text 10 "$plan" 2>/dev/full
    rc=$?
    [ "$rc" -eq 3 ] && ok || bad "check 2> /dev/full: exit $rc, expected 3"
    "$plangen" render "$plan" -o "$work/full.pdf" >/dev/full 2>/dev/full
    rc=$?
    [ "$rc" -eq 0 ] && ok || bad "render printing nothing, stdout on /dev/full: exit $rc, expected 0"
fi

# fonts
expect_rc 0 "fonts" -- "$plangen" fonts
contains "$work/out" 'Liberation Serif\|Times New Roman' "fonts"

# characters the style's font lacks (✓, 中), in a paragraph and in a note: each
# is a warning with its position and code point (an error with --strict), the
# PDF is plangen's own, holds only subsets of the style's font, passes qpdf,
# and its text keeps the Vietnamese around them (and the characters)
u=tests/bad/uncovered-characters.xml
expect_rc 0 "uncovered characters" -- "$plangen" render "$u" -o "$work/uncovered.pdf"
contains "$work/err" "$u:12:5: warning: character is not in the font; drawn as an empty box: \"✓\" (U+2713) is not in Liberation Serif" "uncovered ✓"
contains "$work/err" "$u:12:5: warning: .*\"中\" (U+4E2D) is not in Liberation Serif" "uncovered 中"
contains "$work/err" "$u:13:25: warning: .*\"✓\" (U+2713)" "uncovered ✓ in a note"
contains "$work/err" "$u:13:25: warning: .*\"中\" (U+4E2D)" "uncovered 中 in a note"
qpdf_ok "$work/uncovered.pdf" "uncovered characters"
pdftotext "$work/uncovered.pdf" - | tr '\n' ' ' | tr -s ' ' > "$work/uncovered.txt"
contains "$work/uncovered.txt" "Đã hoàn thành ✓ việc kiểm tra chữ Hán 中 trong kế hoạch" "uncovered text"
contains "$work/uncovered.txt" "Chú thích có dấu ✓ và chữ 中 ở đây" "uncovered text in a note"
pdffonts "$work/uncovered.pdf" | tail -n +3 > "$work/fonts"
if [ -s "$work/fonts" ] && ! grep -v '^[A-Z]\{6\}+LiberationSerif[-A-Za-z]* *CID TrueType *Identity-H *yes yes yes' "$work/fonts" | grep -q .; then ok; else bad "uncovered: fonts other than Liberation Serif subsets: $(cat "$work/fonts")"; fi
expect_rc 1 "uncovered characters, --strict" -- "$plangen" render --strict "$u" -o "$work/uncovered-strict.pdf"
expect_rc 1 "uncovered characters, check --strict" -- "$plangen" check --strict "$u"
contains "$work/err" "(U+2713)" "check --strict names the character"

# every PDF written above passes qpdf --check
for f in "$work"/*.pdf "$work"/*/*.pdf; do
    [ -f "$f" ] && head -c 5 "$f" | grep -q '%PDF-' || continue
    qpdf_ok "$f" "$f"
done

finish "cli"
