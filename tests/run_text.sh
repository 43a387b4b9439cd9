#!/bin/sh
# Generated text as printed, read back from the PDF or from the messages (issue #14,
# points 5-10): typist line, proper names in citations, month-only drafts, the archive
# line, placeholders left in a plan, derive and new outside a plans folder.
# Run from the repository root:  tests/run_text.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
plan=plans/tra-vinh-duk-60-KH-2022.xml

contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1: $(head -c 600 "$1")"; fi; }
lacks() { if grep -q -- "$2" "$1"; then bad "$3: '$2' in $1"; else ok; fi; }
# pdf_text PDF TXT: the PDF's text on one line
pdf_text() { pdftotext "$1" - | tr '\n' ' ' | tr -s ' ' > "$2"; }

# 5. the typist line: no dangling separator without a count; the style's transform applied
sed 's|<summary>|<marks typist="hư"/><summary>|' "$plan" > "$work/typist.xml"
expect_rc 0 "typist without copies" -- "$plangen" render "$work/typist.xml" -o "$work/typist.pdf"
pdf_text "$work/typist.pdf" "$work/typist.txt"
contains "$work/typist.txt" " HƯ " "typist upper case (party typist transform=upper)"
lacks "$work/typist.txt" "hư-\|HƯ-" "typist without copies: a dangling hyphen"
sed 's|<summary>|<marks typist="hư" copies="30"/><summary>|' "$plan" > "$work/typist2.xml"
expect_rc 0 "typist with copies" -- "$plangen" render "$work/typist2.xml" -o "$work/typist2.pdf"
pdf_text "$work/typist2.pdf" "$work/typist2.txt"
contains "$work/typist2.txt" " HƯ-30 " "typist with copies"
sed 's|<summary>|<marks typist="hư"/><summary>|' plans/so-khcn-tra-vinh-05-KH-2024.xml > "$work/typist3.xml"
expect_rc 0 "state typist without copies" -- "$plangen" render "$work/typist3.xml" -o "$work/typist3.pdf"
pdf_text "$work/typist3.pdf" "$work/typist3.txt"
lacks "$work/typist3.txt" "hư\.()\|hư\.(" "state typist without copies: empty brackets"
contains "$work/typist3.txt" " hư " "state typist without copies"

# 6. proper names keep their case: the place name after xã, huyện, tỉnh... is in title
# case in the basis sentence and the appendix attachment line; derive writes cited-as,
# says so, and leaves the child's place to fill in
mkdir -p "$work/plans/tinh" "$work/plans/xa"
cp "$plan" "$work/plans/tinh/60.xml"
expect_rc 0 "derive --issuer with a place name" -- "$plangen" derive "$work/plans/tinh/60.xml" \
    --issuer "ĐẢNG ỦY XÃ TÂN PHÚC" --date 2022-05-02 -o "$work/plans/xa/child.xml"
contains "$work/err" 'citations name its issuer "Đảng ủy xã Tân Phúc"' "derive says the cited-as it chose"
contains "$work/plans/xa/child.xml" 'cited-as="Đảng ủy xã Tân Phúc"' "derive writes cited-as"
contains "$work/plans/xa/child.xml" '<place>\[Địa danh\]</place>' "derive leaves the place to fill in"
expect_rc 0 "render the child with a place name" -- "$plangen" render "$work/plans/xa/child.xml" -o "$work/xa.pdf"
pdf_text "$work/xa.pdf" "$work/xa.txt"
contains "$work/xa.txt" ", Đảng ủy xã Tân Phúc xây dựng Kế hoạch" "the basis sentence keeps the place name's case"
sed -e 's|<issuer parent="UBND TỈNH TRÀ VINH" symbol="SKHCN" cited-as="Sở Khoa học và Công nghệ">SỞ KHOA HỌC VÀ CÔNG NGHỆ</issuer>|<issuer parent="UBND HUYỆN CHÂU THÀNH" symbol="UBND">ỦY BAN NHÂN DÂN<br/>XÃ TÂN PHÚC</issuer>|' \
    plans/so-khcn-tra-vinh-05-KH-2024.xml > "$work/ubnd.xml"
expect_rc 0 "render a plan without cited-as" -- "$plangen" render "$work/ubnd.xml" -o "$work/ubnd.pdf"
pdf_text "$work/ubnd.pdf" "$work/ubnd.txt"
contains "$work/ubnd.txt" "của Ủy ban nhân dân xã Tân Phúc)" "the appendix attachment line keeps the place name's case"
lacks "$work/ubnd.txt" "xã tân phúc" "a place name in lower case"

# 10. derive and new --from outside a plans folder: they say the exact --root that makes
# the child render, and the render's refusal says how to set the root
top=$(cd "$work" && pwd -P)
mkdir -p "$work/a" "$work/b" "$work/c"
cp "$plan" "$work/a/p.xml"
expect_rc 0 "derive outside a plans folder" -- "$plangen" derive "$work/a/p.xml" --issuer "ĐẢNG ỦY XÃ TÂN PHÚC" \
    --date 2022-05-02 -o "$work/b/child.xml"
contains "$work/err" "are not in one plans folder: render it with --root $top (or move both under a folder named plans)" "derive names the --root"
expect_rc 1 "render without the root" -- "$plangen" render "$work/b/child.xml" -o "$work/b.pdf"
contains "$work/err" "lies outside the plans folder; keep parents inside it, or give --root DIR with a folder that holds both" "the refusal says how to set the root"
expect_rc 0 "render with the root derive named" -- "$plangen" render --root "$top" "$work/b/child.xml" -o "$work/b.pdf"
expect_rc 0 "new --from outside a plans folder" -- "$plangen" new --from "$work/b/child.xml" -o "$work/c/new.xml"
contains "$work/err" "are not in one plans folder: render it with --root $top " "new --from names the --root"
expect_rc 0 "render what new --from wrote with that root" -- "$plangen" render --root "$top" "$work/c/new.xml" -o "$work/c.pdf"
expect_rc 0 "derive beside its parent" -- "$plangen" derive "$work/a/p.xml" --issuer "X" -o "$work/a/child.xml"
lacks "$work/err" "not in one plans folder" "derive beside its parent needs no --root"

# 7. a draft dated by month only is later than any date of its month for the cited-date
# check; no message and no printed line shows day 0
sed -e 's|<date>2022-04-18</date>|<date>2023-04</date>|' -e 's|<number>60</number>||' \
    -e 's|ngày 09/3/2022|ngày 10/4/2023|' "$plan" > "$work/month.xml"
expect_rc 0 "month-only draft citing a day of its month" -- "$plangen" render "$work/month.xml" -o "$work/month.pdf"
lacks "$work/err" "later than the plan" "month-only draft citing a day of its month"
pdf_text "$work/month.pdf" "$work/month.txt"
contains "$work/month.txt" "ngày 10/4/2023" "month-only draft: the basis"
lacks "$work/month.txt" "ngày 0\{1,2\}/\| 0/4/2023" "month-only draft prints day 0"
contains "$work/month.txt" "(kèm theo Kế hoạch số -KH/ĐUK, ngày .*4/2023 của Ban Thường vụ Đảng ủy Khối)" "month-only draft: the appendix attachment line"
sed -e 's|<date>2022-04-18</date>|<date>2023-04</date>|' -e 's|ngày 09/3/2022|ngày 02/5/2023|' "$plan" > "$work/month2.xml"
expect_rc 1 "month-only draft citing a later month" -- "$plangen" check "$work/month2.xml"
contains "$work/err" "the basis cites a document of 2/5/2023, later than the plan's own date 4/2023; " "month-only draft citing a later month"
lacks "$work/err" "0/4/2023\|2023-04-00" "a message shows day 0"
sed -e 's|<date>2022-04-18</date>|<date>2099-04</date>|' "$plan" > "$work/month3.xml"
PLANGEN_TODAY=2023-01-01 expect_rc 0 "month-only draft after today" -- "$plangen" check "$work/month3.xml"
contains "$work/err" "the plan is dated 2099-04, after today" "month-only draft after today"
expect_rc 0 "dump a month-only draft" -- "$plangen" dump --stage=parse "$work/month.xml"
lacks "$work/out" "2023-04-00" "dump shows day 0"

# 8. one convention for the archive line: the state style writes "- Lưu: VT,", the plan
# names the other units; what `new` writes prints "VT" once
for st in state party; do
    expect_rc 0 "new --style $st" -- "$plangen" new --style $st -o "$work/new-$st.xml"
    sed -i "s/\[YYYY-MM-DD\]/2025-12-05/" "$work/new-$st.xml"
    expect_rc 0 "render new --style $st" -- "$plangen" render "$work/new-$st.xml" -o "$work/new-$st.pdf"
    pdf_text "$work/new-$st.pdf" "$work/new-$st.txt"
    lacks "$work/new-$st.txt" "VT, VT" "new --style $st: the archive line names VT twice"
    lacks "$work/err" "names \"[^\"]*\" twice" "new --style $st: a unit named twice"
done
contains "$work/new-state.txt" "Lưu: VT, \[đơn vị soạn thảo\]\." "new --style state: the archive line"
contains "$work/new-party.txt" "Lưu Văn phòng\." "new --style party: the archive line"

# 9. placeholders do not pass: a warning naming each (an error with --strict); new
# pre-fills no number and no date
expect_rc 1 "check --strict a plan written by new" -- "$plangen" check --strict "$work/new-party.xml"
contains "$work/err" "warning: placeholder left in the plan: \"\[Họ và tên\]\" stands where the plan's own text goes; write that text" "placeholder [Họ và tên]"
contains "$work/err" "placeholder left in the plan: \"\[Địa danh\]\"" "placeholder [Địa danh]"
lacks "$work/new-party.xml" "<number>1</number>" "new pre-fills a number"
lacks "$work/new-party.xml" "2026-01-01" "new pre-fills a date"
expect_rc 0 "check a plan written by new" -- "$plangen" check "$work/new-party.xml"
contains "$work/err" "placeholder left in the plan" "placeholder without --strict"

finish "text"
