#!/bin/sh
# The language of plangen's messages (issue #18, item 3): Vietnamese from the
# catalogue (generator/po/vi.po -> plangen.mo) or English, chosen by --lang vi|en
# or else the environment (LC_ALL, LC_MESSAGES, LANG, LANGUAGE), with no vi_VN
# locale installed:
#   (a) golden diagnostics of bad plans and of plans with lint warnings
#       (tests/lang/NAME.vi.txt, NAME.en.txt) under LANG=vi_VN.UTF-8, --lang vi,
#       LANG=C, --lang en (which wins over LANG), LANGUAGE=vi under a C locale
#       (English, as gettext does);
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
missing-issuer-symbol:1 invalid-utf8:1 wrong-root:1 invisible-values:1 lint-no-archive:0 lint-summary-case:0"
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
