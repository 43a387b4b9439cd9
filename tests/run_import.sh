#!/bin/sh
# plangen import (issue #16, first part): the seed texts of ../shared/seeds become
# plans that pass check and render the seed's words; messy inputs, UTF-16 with a
# byte-order mark, a file that is no text, an existing output without --force.
# Run from the repository root:  tests/run_import.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
seeds=../shared/seeds
if [ ! -d "$seeds" ]; then
    echo "FAIL: $seeds is missing: the seed texts live in shared/seeds beside the repository"
    exit 1
fi

contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1: $(head -c 600 "$1")"; fi; }
# words_equal ERR WHAT: the import said "N words in (M ...), N words out" with one N
words_equal() {
    line=$(grep 'words in' "$1")
    win=$(echo "$line" | sed -n 's/^plangen: \([0-9]*\) words in (\([0-9]*\) numbering marks dropped), \([0-9]*\) words out$/\1/p')
    wout=$(echo "$line" | sed -n 's/^plangen: \([0-9]*\) words in (\([0-9]*\) numbering marks dropped), \([0-9]*\) words out$/\3/p')
    if [ -n "$win" ] && [ "$win" = "$wout" ]; then ok; else bad "$2: words in and out differ: $line"; fi
}
# pdf_words PDF OUT: the PDF's words, one a line
pdf_words() { pdftotext "$1" - | tr -s '[:space:]' '[\n*]' > "$2"; }

# the seeds: import, fill in what the import says is left (the header lines
# the seed texts lack, from the plan of plans/ made from the same seed), check,
# render; the words on the pages must be those of the plan of plans/ rendered
# (as a multiset: page breaks move footnotes and repeated table header rows;
# the page numbers left out), and the section numbering the same. The only
# differences allowed, "seed:diff line" where "<" is the imported plan's word
# and ">" the plans/ version's: xin-man's plan prints the link of its QR code,
# which the seed's PDF showed as an image only; tra-vinh's spells out the
# seed's "BTV" in the appendix's attachment line (issuer cited-as).
allowed='xin-man-huyen-uy-sinh-hoat-chinh-tri-2023:> https://tuyengiao.hagiang.gov.vn
tra-vinh-duk-60-KH-2022:< BTV
tra-vinh-duk-60-KH-2022:> Ban
tra-vinh-duk-60-KH-2022:> Thường
tra-vinh-duk-60-KH-2022:> vụ'
labels() { sed -n 's/^\( *\)section.* label="\([^"]*\)".*/\1\2/p' "$1"; }
for name in hung-yen-duk-sinh-hoat-chinh-tri-2023 tra-vinh-duk-60-KH-2022 \
            xin-man-huyen-uy-sinh-hoat-chinh-tri-2023; do
    expect_rc 0 "import $name" -- "$plangen" import "$seeds/$name.txt" -o "$work/$name.xml"
    cp "$work/err" "$work/$name.err"
    words_equal "$work/$name.err" "import $name"
    cp "$work/$name.xml" "$work/$name.imported.xml"
    /usr/bin/python3 tests/import/fill_header.py "$work/$name.xml" "plans/$name.xml" || bad "fill $name"
    expect_rc 0 "check of the imported $name" -- "$plangen" check "$work/$name.xml"
    if grep -q ': error:' "$work/err"; then bad "check $name: $(cat "$work/err")"; else ok; fi
    expect_rc 0 "render the imported $name" -- "$plangen" render "$work/$name.xml" -o "$work/$name.pdf"
    expect_rc 0 "render plans/$name" -- "$plangen" render "plans/$name.xml" -o "$work/ref-$name.pdf"
    /usr/bin/python3 tests/import/page_words.py "$work/$name.pdf" > "$work/$name.words"
    /usr/bin/python3 tests/import/page_words.py "$work/ref-$name.pdf" > "$work/ref-$name.words"
    diff "$work/$name.words" "$work/ref-$name.words" | grep '^[<>]' | sed "s/^/$name:/" > "$work/$name.wdiff"
    echo "$allowed" | grep "^$name:" > "$work/$name.allowed"
    echo "import $name: $(wc -l < "$work/$name.words") words on the pages, plans/ $(wc -l < "$work/ref-$name.words")"
    if diff "$work/$name.allowed" "$work/$name.wdiff" > /dev/null; then ok; else
        bad "import $name: the words on the pages differ from plans/$name.xml's: $(cat "$work/$name.wdiff")"
    fi
    expect_rc 0 "dump $name" -- "$plangen" dump --stage=number "$work/$name.xml"
    labels "$work/out" > "$work/$name.labels"
    expect_rc 0 "dump plans/$name" -- "$plangen" dump --stage=number "plans/$name.xml"
    labels "$work/out" > "$work/ref-$name.labels"
    if [ -s "$work/$name.labels" ] && cmp -s "$work/$name.labels" "$work/ref-$name.labels"; then ok; else
        bad "import $name: the section numbering differs from plans/$name.xml's"
    fi
done
contains "$work/tra-vinh-duk-60-KH-2022.imported.xml" '<number>60</number>' "header: number"
contains "$work/tra-vinh-duk-60-KH-2022.imported.xml" 'parent="ĐẢNG BỘ TỈNH TRÀ VINH" symbol="ĐUK"' "header: parent and symbol"
contains "$work/tra-vinh-duk-60-KH-2022.imported.xml" '<date>2022-04-18</date>' "header: date"
contains "$work/tra-vinh-duk-60-KH-2022.imported.xml" '<level depth="2" format="1."/>' "numbering of the source kept"
contains "$work/tra-vinh-duk-60-KH-2022.imported.xml" '<appendix name="DANH MỤC" title="Văn bản triển khai đợt sinh hoạt chính trị">' "the appendix"
contains "$work/tra-vinh-duk-60-KH-2022.imported.xml" '<row><cell><p>Tháng 6/2022</p></cell><cell><p>1. Kế hoạch số 07-KH/TU' "a table over pages: one table, a split row joined"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.imported.xml" '<group purpose="để báo cáo">' "recipients: a brace group"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.imported.xml" '<to purpose="để đôn đốc">Chuyên viên theo dõi cơ sở</to>' "recipients: a purpose"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.imported.xml" '<archive>VP</archive>' "recipients: the archive"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.imported.xml" 'xử lý<footnote>Kỳ luật 2.740' "a footnote line taken in at its marker"
contains "$work/xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.imported.xml" '<item bullet="star"><i>Làm rõ một số vấn đề' "'** text*': a star bullet and an italic run"
contains "$work/xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.imported.xml" 'authority="on-behalf" collective="BAN THƯỜNG VỤ" title="PHÓ BÍ THƯ" name="Sin Văn Đức"' "signature"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.err" 'left to fill in' "what is left is said"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.err" 'fill in the number (number), or leave it out while the plan is a draft' "the missing number is said"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.imported.xml" '<implements type="Kế hoạch" number="179-KH/TU" date="2023-03-28" issuer="Ban Thường vụ Tỉnh ủy" summary="việc triển khai đợt sinh hoạt chính trị' "the basis's citation as <implements>"
contains "$work/xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.imported.xml" 'issuer="Tỉnh ủy Hà Giang" summary="tổ chức đợt sinh hoạt chính trị, tư tưởng' "a citation without 'về': the issuer ends at the verb"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.imported.xml" '<deadline date="2023-06-10">trước ngày 10/6/2023</deadline>' "a deadline"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.imported.xml" '<deadline date="2023-04-30">trong tháng 4/2023</deadline>' "a deadline by month: its last day"
contains "$work/hung-yen-duk-sinh-hoat-chinh-tri-2023.err" 'hung-yen-duk-sinh-hoat-chinh-tri-2023.txt:1: fill in the issuing body (issuer)' "the issuer is left"

# messy inputs: no header, inconsistent numbering, empty lines, a page number
m=tests/import
expect_rc 0 "import messy-no-header" -- "$plangen" import "$m/messy-no-header.txt" -o "$work/nohead.xml"
words_equal "$work/err" "messy-no-header"
contains "$work/err" 'messy-no-header.txt:1: fill in the date, YYYY-MM-DD (date)' "no header: the date is left"
contains "$work/nohead.xml" '<p>Một đoạn văn bị ngắt giữa hai trang bởi số trang.</p>' "a page break joined, the page number dropped"
contains "$work/nohead.xml" '<item bullet="plus">việc thứ hai</item>' "a + bullet"
expect_rc 1 "check of a plan without a date" -- "$plangen" check "$work/nohead.xml"
contains "$work/err" 'impossible date: "\[YYYY-MM-DD\]"' "check names the date"
if [ "$(grep -c ': error:' "$work/err")" -eq 1 ]; then ok; else bad "no header: more than the date is wrong: $(cat "$work/err")"; fi
expect_rc 0 "import messy-state" -- "$plangen" import "$m/messy-state-empty-lines.txt" -o "$work/state.xml"
words_equal "$work/err" "messy-state"
contains "$work/state.xml" '<row header="yes"><cell><p>Cột 1</p></cell><cell><p>Cột 2</p></cell></row>' "a pipe table as <table>"
contains "$work/state.xml" 'style="state"' "state header"
contains "$work/err" 'messy-state-empty-lines.txt:10:1: warning: imported text not recognised; kept as a plain paragraph: a header line of no known form' "a stray header line: warned at its line"
contains "$work/state.xml" '<p>(Dự thảo lần 2)</p>' "a stray header line kept in the basis"
contains "$work/state.xml" '<date>2024-05</date>' "a draft's month"
contains "$work/state.xml" 'authority="deputy" collective="GIÁM ĐỐC" title="PHÓ GIÁM ĐỐC" name="Nguyễn Văn A"' "KT. signature"
contains "$work/state.xml" '<b>đậm</b> và <i>nghiêng</i> và <u>gạch dưới</u>' "Markdown marks as runs"
expect_rc 0 "check messy-state" -- "$plangen" check "$work/state.xml"

# PDF pages: a sentence cut by a page number and a running header, joined
expect_rc 0 "import messy-pdf-pages" -- "$plangen" import "$m/messy-pdf-pages.txt" -o "$work/pages.xml"
words_equal "$work/err" "messy-pdf-pages"
contains "$work/pages.xml" '<p>Một câu bị trang cắt ngang giữa chừng và tiếp tục ở trang sau.</p>' "page break joined"
if grep -q 'Kế hoạch số 12-KH/ĐU' "$work/pages.xml"; then bad "a running header kept"; else ok; fi
expect_rc 0 "check messy-pdf-pages" -- "$plangen" check "$work/pages.xml"

# UTF-16 with a byte-order mark reads as the UTF-8 text does
iconv -f UTF-8 -t UTF-16 "$m/messy-state-empty-lines.txt" > "$work/utf16.txt"
expect_rc 0 "import UTF-16" -- "$plangen" import "$work/utf16.txt" -o "$work/utf16.xml"
if cmp -s "$work/utf16.xml" "$work/state.xml"; then ok; else bad "UTF-16 input: $(diff "$work/utf16.xml" "$work/state.xml" | head -5)"; fi

# no text: a NUL byte; nothing written
printf 'KẾ HOẠCH\nabc\000def\n' > "$work/nul.txt"
expect_rc 1 "import a file with a NUL byte" -- "$plangen" import "$work/nul.txt" -o "$work/nul.xml"
contains "$work/err" 'nul.txt:2:4: error: invalid UTF-8: a NUL byte: this is no text file' "NUL byte: where and why"
if [ -e "$work/nul.xml" ]; then bad "NUL byte: an output was written"; else ok; fi
no_temp_files "$work" "NUL byte"

# a control character XML cannot hold: refused at its place
printf 'KẾ HOẠCH\nab\033c\n' > "$work/ctl.txt"
expect_rc 1 "import a file with ESC" -- "$plangen" import "$work/ctl.txt" -o "$work/ctl.xml"
contains "$work/err" 'ctl.txt:2:3: error: invalid UTF-8: the character U+001B, which no plan can hold' "ESC: where and why"
if [ -e "$work/ctl.xml" ]; then bad "ESC: an output was written"; else ok; fi

# an existing output is kept without --force
echo keep > "$work/keep.xml"
expect_rc 2 "import over an existing file" -- "$plangen" import "$m/messy-state-empty-lines.txt" -o "$work/keep.xml"
contains "$work/err" 'keep.xml exists; give --force to replace it' "refusal says --force"
contains "$work/keep.xml" '^keep$' "the existing file kept"
expect_rc 0 "import --force" -- "$plangen" import "$m/messy-state-empty-lines.txt" -o "$work/keep.xml" --force
contains "$work/keep.xml" 'style="state"' "--force replaces"
expect_rc 2 "import without -o" -- "$plangen" import "$m/messy-state-empty-lines.txt"
contains "$work/err" 'import needs one old plan and -o PLAN.xml' "usage"

finish import
