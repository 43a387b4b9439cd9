#!/bin/sh
# The language of plangen's messages (issue #18, item 3): Vietnamese from the
# catalogue (generator/po/vi.po -> plangen.mo) or English, chosen by --lang vi|en
# or else the environment (LC_ALL, LC_MESSAGES, LANG, LANGUAGE), with no vi_VN
# locale installed:
#   (a) golden diagnostics of bad plans and of plans with lint warnings
#       (tests/lang/NAME.vi.txt, NAME.en.txt) under LANG=vi_VN.UTF-8, --lang vi,
#       LANG=C, --lang en (which wins over LANG), LANGUAGE=vi under a C locale
#       (English, as gettext does); among them the words put into a message
#       through a variable (a parent plan, a folder, the row's and the table's
#       counts, a citation's missing parts, a numbering format's hint...), a
#       well-formedness detail plangen writes, a damaged font's reason; a
#       Vietnamese golden holds no English word of the catalogue;
#   (a2) what else speaks: the comments of the plans new, derive and import
#       write, diff, --version, a build's advice for a units file;
#   (b) the help of plangen and of a command that parses its own options (sign)
#       in Vietnamese; --lang xx is a usage error;
#   (c) --diagnostics-format json and sarif stay English under Vietnamese;
#       dump traces too; a render's PDF is byte-identical under LANG=vi_VN.UTF-8;
#   (d) a build's cache never replays diagnostics of the other language;
#   (e) the installed program (cmake --install) finds its installed catalogue.
# Run from the repository root:  tests/run_lang.sh PLANGEN BUILD_DIR
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
build=$(cd "$2" && pwd)
. "$(dirname "$0")/lib.sh"
export PLANGEN_TODAY=2024-06-01
unset PLANGEN_DATADIR

# in LANG=VALUE (no other locale variable) run CMD
in_lang() { l=$1; shift; env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$l" "$@"; }
same() { if cmp -s "$1" "$2"; then ok; else bad "$3: $(diff "$2" "$1" | head -5)"; fi; }
contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(head -3 "$1")"; fi; }
lacks() { if grep -q -- "$2" "$1"; then bad "$3: '$2' in $(head -3 "$1")"; else ok; fi; }

# (a) golden diagnostics: NAME.xml of tests/bad, its exit status
plans="misplaced-element:1 impossible-date:1 duplicate-element:1 unknown-element:1
missing-issuer-symbol:1 invalid-utf8:1 wrong-root:1 invisible-values:1 lint-no-archive:0 lint-summary-case:0
derive-parent-folder:1 derive-absolute:1 derive-replace-unknown:1 not-well-formed:1
table-cell-count:1 lint-basis-incomplete:0 bad-numbering-format:1 utf16-no-bom:1 windows-1258:1
tuq-in-party:1 unknown-style:1 element-in-text:1"
for p in $plans; do
    name=${p%:*} rc=${p#*:} xml=tests/bad/${p%:*}.xml
    vi=tests/lang/$name.vi.txt en=tests/lang/$name.en.txt
    expect_rc "$rc" "$name LANG=vi_VN.UTF-8" -- in_lang vi_VN.UTF-8 "$plangen" check "$xml"
    same "$work/err" "$vi" "$name LANG=vi_VN.UTF-8"
    expect_rc "$rc" "$name --lang vi" -- in_lang C "$plangen" --lang vi check "$xml"
    same "$work/err" "$vi" "$name --lang vi (LANG=C)"
    expect_rc "$rc" "$name --lang=vi after the command" -- in_lang C "$plangen" check --lang=vi "$xml"
    same "$work/err" "$vi" "$name --lang=vi after the command"
    expect_rc "$rc" "$name LC_MESSAGES" -- env -u LANG -u LANGUAGE LC_ALL= LC_MESSAGES=vi_VN.UTF-8 "$plangen" check "$xml"
    same "$work/err" "$vi" "$name LC_MESSAGES=vi_VN.UTF-8"
    expect_rc "$rc" "$name LANGUAGE empty" -- in_lang vi_VN.UTF-8 env LANGUAGE= "$plangen" check "$xml"
    same "$work/err" "$vi" "$name LANG=vi_VN.UTF-8 LANGUAGE="
    expect_rc "$rc" "$name LANG=C" -- in_lang C "$plangen" check "$xml"
    same "$work/err" "$en" "$name LANG=C"
    env -u LC_ALL -u LC_MESSAGES -u LANG -u LANGUAGE "$plangen" check "$xml" 2>"$work/err"
    same "$work/err" "$en" "$name, no locale variable"
    expect_rc "$rc" "$name --lang en" -- in_lang vi_VN.UTF-8 "$plangen" --lang en check "$xml"
    same "$work/err" "$en" "$name --lang en (LANG=vi_VN.UTF-8)"
    expect_rc "$rc" "$name LANGUAGE=vi LANG=C" -- in_lang C env LANGUAGE=vi "$plangen" check "$xml"
    same "$work/err" "$en" "$name LANGUAGE=vi under LANG=C (gettext ignores LANGUAGE in the C locale)"
    expect_rc "$rc" "$name LANGUAGE=vi" -- in_lang en_US.UTF-8 env LANGUAGE=vi:en "$plangen" check "$xml"
    same "$work/err" "$vi" "$name LANGUAGE=vi:en under LANG=en_US.UTF-8"
done

# a damaged font of the data folder: its reason (fonts.c), at the file
# (fontconfig names it by its real path: shown relative to the case's folder)
mkdir -p "$work/fontcase/data/fonts"
cp -r templates "$work/fontcase/data/"
cp fonts/fonts.conf "$work/fontcase/data/fonts/"
printf '\0\1\0\0 not a font at all' >"$work/fontcase/data/fonts/times.ttf"
cp tests/bad/lint-no-archive.xml "$work/fontcase/"
fontcase=$(cd "$work/fontcase" && pwd -P)
for l in vi en; do
    (cd "$work/fontcase" && in_lang C "$plangen" --lang $l --data-dir data check lint-no-archive.xml) 2>"$work/font.$l"
    sed "s|^$fontcase/||" "$work/font.$l" >"$work/font.$l.shown"
    same "$work/font.$l.shown" tests/lang/font-damaged.$l.txt "a damaged font, --lang $l"
done

# no Vietnamese golden holds English words the catalogue translates: the
# pieces of every translated msgid (cut at its formats and punctuation) that
# are English words, looked for in the goldens less what plangen writes as is
# (element names, attribute values, rule ids, quoted values, file names); an
# English golden has some on every line (the check finds them)
cat >"$work/english.py" <<'PYEOF'
import re, sys
po, goldens = sys.argv[1], sys.argv[2:]
def unq(s):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), s)
pieces = set()
vi_words = set()  # words of the translations: a one-word piece they use too ("in", "do") is Vietnamese
for b in open(po, encoding="utf-8").read().split("\n\n"):
    if "#~" in b or "#, fuzzy" in b:
        continue
    mid = re.search(r'^msgid ((?:".*"\n?)+)', b, re.M)
    mstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', b, re.M)
    if not mid or not mstr:
        continue
    mid = unq("".join(re.findall(r'"(.*)"', mid.group(1))))
    mstr = unq("".join(re.findall(r'"(.*)"', mstr.group(1))))
    if not mid or not mstr or mid == mstr:
        continue
    vi_words.update(re.findall(r"\w+", mstr))
    for p in re.split(r'%[-+ #0-9.*$]*(?:hh|ll|l|z)?[a-zA-Z]|\n|[:;,()"]', mid):
        p = p.strip()
        # English words only: ASCII, a word of two letters at least, not in the translation
        if p.isascii() and re.search(r'[a-z]{2,}', p) and not re.search(r'[<>=\[\]{}/$`]|--', p) \
                and p not in mstr:
            pieces.add(p)
pieces = {p for p in pieces if " " in p or p not in vi_words}
for path in goldens:
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        # what plangen writes as is: the position, element names, attribute="value",
        # [rule], quoted values, file names, Notepad's menu
        t = re.sub(r'^[^:]*:\d+(:\d+)?:|<[^>]*>|[\w-]+="[^"]*"|\[[^]]*\]|"[^"]*"|\S+\.(xml|ttf)\b'
                   r'|File > Save As, Encoding', " ", line)
        for p in pieces:
            if re.search(r'(?<![A-Za-z])' + re.escape(p) + r'(?![A-Za-z])', t):
                print("%s:%d: \"%s\"" % (path, n, p))
PYEOF
python3 "$work/english.py" generator/po/vi.po tests/lang/*.vi.txt >"$work/english" || bad "english.py failed"
if [ -s "$work/english" ]; then bad "English words in Vietnamese goldens: $(cat "$work/english")"; else ok; fi
for en in tests/lang/*.en.txt; do
    python3 "$work/english.py" generator/po/vi.po "$en" | cut -d: -f2 | sort -u >"$work/english.lines"
    [ "$(wc -l <"$work/english.lines")" -eq "$(wc -l <"$en")" ] && ok ||
        bad "the English words of $en are not all found: the check of the Vietnamese goldens is blind"
done

# (a2) the comments of the plans new, derive and import write, in the language
# of messages; the plan's lines and findings are the same in both
for st in party state; do
    in_lang C "$plangen" new --style $st -o "$work/new-$st.en.xml" 2>/dev/null
    in_lang vi_VN.UTF-8 "$plangen" new --style $st -o "$work/new-$st.vi.xml" 2>/dev/null
    contains "$work/new-$st.vi.xml" "<!-- Kế hoạch mới (kiểu trình bày văn bản" "new --style $st in Vietnamese"
    contains "$work/new-$st.vi.xml" "<!-- số văn bản: chưa ghi cho đến khi kế hoạch được vào sổ -->" "new --style $st in Vietnamese"
    lacks "$work/new-$st.vi.xml" "Replace every text" "new --style $st in Vietnamese"
    contains "$work/new-$st.en.xml" "<!-- A new plan (" "new --style $st in English"
    [ "$(wc -l <"$work/new-$st.vi.xml")" -eq "$(wc -l <"$work/new-$st.en.xml")" ] && ok ||
        bad "new --style $st: the Vietnamese plan has other lines than the English one"
    in_lang C "$plangen" check "$work/new-$st.en.xml" 2>"$work/new.en.err"
    in_lang C "$plangen" check "$work/new-$st.vi.xml" 2>"$work/new.vi.err"
    sed "s|new-$st.vi.xml|new-$st.en.xml|" "$work/new.vi.err" >"$work/new.vi.shown"
    # (a comment that held "--" would be an XML error here)
    same "$work/new.vi.shown" "$work/new.en.err" "new --style $st: the findings of the Vietnamese plan"
done
expect_rc 0 "derive in Vietnamese" -- in_lang vi_VN.UTF-8 "$plangen" derive plans/tinh-uy-hung-yen/179-KH-TU-2023.xml \
    --issuer "ĐẢNG ỦY KHỐI" --date 2023-04-02 -o "$work/child.xml"
contains "$work/child.xml" "^<!-- Xây dựng từ " "derive's comment in Vietnamese"
# (the child, in $work, names its parent in the repository: --root / holds both)
expect_rc 0 "diff in Vietnamese" -- in_lang vi_VN.UTF-8 "$plangen" --root / diff "$work/child.xml"
contains "$work/out" " xây dựng từ " "diff in Vietnamese"
contains "$work/out" "^kế thừa " "diff in Vietnamese"
expect_rc 0 "diff in English" -- in_lang C "$plangen" --root / diff "$work/child.xml"
contains "$work/out" " derives from " "diff in English"
printf 'Kế hoạch thử\n\nNội dung.\n' >"$work/old.txt"
in_lang vi_VN.UTF-8 "$plangen" import "$work/old.txt" -o "$work/imported.xml" >/dev/null 2>&1
contains "$work/imported.xml" "^<!-- Được nhập bằng plangen import từ kế hoạch cũ" "import's comment in Vietnamese"
expect_rc 0 "--version in Vietnamese" -- in_lang vi_VN.UTF-8 "$plangen" --version
contains "$work/out" "^thư mục dữ liệu: .* (cây mã nguồn)$" "--version in Vietnamese"
# a build's advice for a units file: the words of the template's message are
# found in its Vietnamese too
mkdir -p "$work/u"
cp templates/plans/sinh-hoat-chi-bo.xml "$work/u/t.xml"
printf '<units template="t.xml">\n  <unit name="a"><param name="don_vi">CHI BỘ A</param></unit>\n</units>\n' >"$work/u/units.xml"
(cd "$work/u" && in_lang vi_VN.UTF-8 "$plangen" build --units units.xml -o out) >/dev/null 2>"$work/units.vi"
contains "$work/units.vi" 'mẫu cần ${ten_goi}: thêm <param name="ten_goi">...</param> vào đơn vị' "build --units in Vietnamese"

# a plural (ngettext): check --fix's count
cp tests/bad/lint-typed-numbers.xml "$work/fix.xml"
expect_rc 0 "--fix in Vietnamese" -- in_lang vi_VN.UTF-8 "$plangen" check --fix --force "$work/fix.xml"
contains "$work/err" "^$work/fix.xml: đã sửa 2 lỗi phát hiện; đang kiểm tra lại$" "--fix in Vietnamese"
cp tests/bad/lint-typed-numbers.xml "$work/fix.xml"
expect_rc 0 "--fix in English" -- in_lang C "$plangen" check --fix --force "$work/fix.xml"
contains "$work/err" "^$work/fix.xml: fixed 2 findings; checking again$" "--fix in English"

# (b) help texts and --lang's value
expect_rc 0 "--lang vi --help" -- in_lang C "$plangen" --lang vi --help
contains "$work/out" "^cách dùng: plangen LỆNH" "--lang vi --help"
expect_rc 0 "check --help" -- in_lang vi_VN.UTF-8 "$plangen" check --help
contains "$work/out" "^cách dùng: plangen check" "LANG=vi_VN.UTF-8 check --help"
expect_rc 0 "--help" -- in_lang C "$plangen" --help
contains "$work/out" "^usage: plangen COMMAND" "LANG=C --help"
expect_rc 0 "--lang vi sign --help" -- in_lang C "$plangen" --lang vi sign --help
contains "$work/out" "^cách dùng: plangen sign" "--lang vi sign --help"
expect_rc 0 "verify --lang vi --help" -- in_lang C "$plangen" verify --lang vi --help
contains "$work/out" "^cách dùng: plangen verify" "verify --lang vi --help"
expect_rc 0 "user --help --lang vi" -- in_lang C "$plangen" user --help --lang vi
contains "$work/out" "^cách dùng: plangen user" "user --help --lang vi"
expect_rc 0 "serve --lang vi --help" -- in_lang C "$plangen" serve --lang vi --help
contains "$work/out" "^cách dùng: plangen serve" "serve --lang vi --help"
expect_rc 2 "--lang xx" -- in_lang C "$plangen" --lang xx check tests/bad/misplaced-element.xml
contains "$work/err" '^plangen: --lang takes vi (Vietnamese) or en (English), not "xx"$' "--lang xx"
[ ! -s "$work/out" ] && ok || bad "--lang xx wrote to standard output"
expect_rc 2 "--lang with no value" -- in_lang vi_VN.UTF-8 "$plangen" check tests/bad/misplaced-element.xml --lang
contains "$work/err" '^plangen: --lang nhận vi (tiếng Việt) hoặc en (tiếng Anh), không phải ""$' "--lang with no value"
expect_rc 2 "an unknown option" -- in_lang vi_VN.UTF-8 "$plangen" check --bogus x.xml
contains "$work/err" "^plangen: tùy chọn --bogus không hợp lệ" "an unknown option in Vietnamese"

# (c) machine formats stay English; so do traces and the PDF's bytes
for f in json sarif; do
    in_lang C "$plangen" check --diagnostics-format $f tests/bad/unknown-element.xml \
        tests/bad/lint-no-archive.xml >"$work/$f.en" 2>/dev/null
    in_lang vi_VN.UTF-8 "$plangen" check --diagnostics-format $f tests/bad/unknown-element.xml \
        tests/bad/lint-no-archive.xml >"$work/$f.vi" 2>/dev/null
    contains "$work/$f.en" "unknown element" "--diagnostics-format $f"
    same "$work/$f.vi" "$work/$f.en" "--diagnostics-format $f under LANG=vi_VN.UTF-8"
    "$plangen" --lang vi check --diagnostics-format $f tests/bad/unknown-element.xml \
        tests/bad/lint-no-archive.xml >"$work/$f.vi" 2>/dev/null
    same "$work/$f.vi" "$work/$f.en" "--lang vi --diagnostics-format $f"
done
plan=plans/tra-vinh-duk-60-KH-2022.xml
for st in parse number layout; do
    in_lang C "$plangen" dump --stage=$st "$plan" >"$work/dump.en" 2>&1
    in_lang vi_VN.UTF-8 "$plangen" dump --stage=$st "$plan" >"$work/dump.vi" 2>&1
    same "$work/dump.vi" "$work/dump.en" "dump --stage=$st under LANG=vi_VN.UTF-8"
done
expect_rc 0 "render, LANG=C" -- in_lang C "$plangen" render "$plan" -o "$work/en.pdf"
expect_rc 0 "render, LANG=vi_VN.UTF-8" -- in_lang vi_VN.UTF-8 "$plangen" render "$plan" -o "$work/vi.pdf"
expect_rc 0 "render, LC_ALL" -- env -u LANG -u LANGUAGE LC_ALL=vi_VN.UTF-8 "$plangen" --lang vi render "$plan" -o "$work/vi2.pdf"
cmp -s "$work/en.pdf" "$work/vi.pdf" && ok || bad "the PDF differs under LANG=vi_VN.UTF-8"
cmp -s "$work/en.pdf" "$work/vi2.pdf" && ok || bad "the PDF differs under LC_ALL=vi_VN.UTF-8 --lang vi"

# (d) build: the cache keeps formatted diagnostics; another language builds again
mkdir -p "$work/b/plans"
cp tests/bad/lint-no-archive.xml "$work/b/plans/"
( cd "$work/b" && in_lang C "$plangen" build plans -o out ) 2>"$work/build.en" >/dev/null
contains "$work/build.en" "warning: breaks the standard: no archive line" "build in English"
( cd "$work/b" && in_lang vi_VN.UTF-8 "$plangen" build plans -o out ) 2>"$work/build.vi" >/dev/null
contains "$work/build.vi" "cảnh báo: không đúng quy định thể thức: không có dòng lưu" "build in Vietnamese after English"
lacks "$work/build.vi" "no archive line" "build in Vietnamese after English"
( cd "$work/b" && in_lang vi_VN.UTF-8 "$plangen" build plans -o out ) 2>"$work/build.vi2" >/dev/null
contains "$work/build.vi2" "cảnh báo: không đúng quy định thể thức: không có dòng lưu" "build in Vietnamese, from its cache"
( cd "$work/b" && "$plangen" --lang en build plans -o out ) 2>"$work/build.en2" >/dev/null
contains "$work/build.en2" "warning: breaks the standard: no archive line" "build in English after Vietnamese"
lacks "$work/build.en2" "không có dòng lưu" "build in English after Vietnamese"

# (e) the installed program and its catalogue, PREFIX/share/locale
prefix=$work/prefix
if cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then ok; else bad "cmake --install: $(tail -3 "$work/install.log")"; fi
[ -f "$prefix/share/locale/vi/LC_MESSAGES/plangen.mo" ] && ok || bad "plangen.mo not installed"
mkdir -p "$work/office"
cp tests/bad/misplaced-element.xml "$work/office/"
cd "$work/office"
expect_rc 1 "installed, LANG=vi_VN.UTF-8" -- in_lang vi_VN.UTF-8 "$prefix/bin/plangen" check misplaced-element.xml
contains "$work/err" "^misplaced-element.xml:7:3: lỗi: thẻ sai thứ tự: <place> phải đứng trước <summary>$" "the installed program in Vietnamese"
# its own catalogue, not the build's: without it, English
mv "$prefix/share/locale/vi/LC_MESSAGES/plangen.mo" "$work/moved.mo"
expect_rc 1 "installed, no catalogue" -- in_lang vi_VN.UTF-8 "$prefix/bin/plangen" check misplaced-element.xml
contains "$work/err" "error: element out of order" "the installed program without its catalogue"
contains "$work/err" "^plangen: warning: the Vietnamese messages ($prefix/share/locale/vi/LC_MESSAGES/plangen.mo) cannot be read; messages are in English$" "a missing catalogue is said, not hidden"
cd "$OLDPWD"
finish lang
