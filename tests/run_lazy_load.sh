#!/bin/sh
# What a command loads (issue #19, start faster): a PDF render never loads the
# raster stack (cairo, pixman, the X libraries, plangen's raster module) nor
# the serve module's (libmicrohttpd, GnuTLS, json-glib, libxcrypt); the PNG
# pages of --png load the raster stack, serve its module; a plan with a character its font lacks loads
# the raster module for pango-cairo's font map and is laid out as ever (its
# trace against tests/lazy/uncovered-everywhere.trace, made by a plangen that
# used pango-cairo for every plan); a module that cannot be loaded gives one
# message naming its file and how to repair it, never a crash. What the
# dynamic loader loaded is read from its own log (LD_DEBUG=files).
#   tests/run_lazy_load.sh PLANGEN
set -u
plangen=$1
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

raster='lib(cairo|pixman-1|X11|Xext|Xrender|xcb[a-z-]*)\.so|/raster\.so'
serve='lib(microhttpd|gnutls|json-glib-1\.0|crypt|p11-kit|nettle|hogweed|gmp)\.so|/serve\.so'
# loads NAME PROG ARGS...: runs it with the loader's log in $work/NAME.ld.PID,
# its stderr in $work/NAME.err; prints the libraries that process loaded (not
# its children's: a sanitised build runs llvm-symbolizer)
loads() {
    name=$1
    shift
    rm -f "$work/$name".ld.*
    LD_DEBUG=files LD_DEBUG_OUTPUT="$work/$name.ld" \
        sh -c 'echo $$ >"$0"; exec "$@"' "$work/$name.pid" "$@" 2>"$work/$name.err" >/dev/null
    echo $? >"$work/$name.rc"
    sed -n 's/.*file=\([^ ]*\) .*/\1/p' "$work/$name.ld.$(cat "$work/$name.pid")" 2>/dev/null | sort -u
}

plan=plans/tra-vinh-duk-60-KH-2022.xml

# the detector finds cairo where it is loaded (as a program linked to it would)
cairo=$(ldconfig -p | sed -n 's/.*libcairo\.so\.2 .*=> //p' | head -1)
got=$(loads preload env LD_PRELOAD="$cairo" "$plangen" render "$plan" -o "$work/pre.pdf")
echo "$got" | grep -Eq "$raster" && ok || bad "the loader's log does not show a preloaded cairo: the checks below would pass for anything"

# a PDF render: no raster library
got=$(loads pdf "$plangen" render "$plan" -o "$work/a.pdf")
[ "$(cat "$work/pdf.rc")" = 0 ] && [ -s "$work/a.pdf" ] && ok || bad "render -o a.pdf failed: $(cat "$work/pdf.err")"
if echo "$got" | grep -Eq "$raster"; then
    bad "a PDF render loads the raster stack:" $(echo "$got" | grep -E "$raster")
else
    ok
fi
if echo "$got" | grep -Eq "$serve"; then
    bad "a PDF render loads what serves the web editor:" $(echo "$got" | grep -E "$serve")
else
    ok
fi
# nor check, nor a DOCX, nor user --help
for cmd in "check $plan" "render $plan --format docx -o $work/a.docx" "user --help"; do
    # shellcheck disable=SC2086
    got=$(loads other "$plangen" $cmd)
    echo "$got" | grep -Eq "$raster" && bad "plangen $cmd loads the raster stack" || ok
    echo "$got" | grep -Eq "$serve" && bad "plangen $cmd loads the serve module's libraries" || ok
done

# serve: its module and libmicrohttpd
got=$(loads serve "$plangen" serve --help)
[ "$(cat "$work/serve.rc")" = 0 ] && echo "$got" | grep -q '/serve\.so' && echo "$got" | grep -q 'libmicrohttpd\.so' && ok ||
    bad "serve --help did not run from the serve module: $(cat "$work/serve.err")"

# the PNG pages: cairo and the raster module, and the pages
got=$(loads png "$plangen" render "$plan" -o "$work/b.pdf" --png "$work/png" --dpi 20)
[ "$(cat "$work/png.rc")" = 0 ] && [ -s "$work/png/b-1.png" ] && ok ||
    bad "render --png failed: $(cat "$work/png.err")"
echo "$got" | grep -q 'libcairo\.so' && echo "$got" | grep -q '/raster\.so' && ok ||
    bad "render --png did not load cairo through the raster module"
cmp -s "$work/a.pdf" "$work/b.pdf" && ok || bad "the PDF of a render with --png differs"

# a character the font lacks: the raster module's font map, the layout of ever
xml=tests/lazy/uncovered-everywhere.xml
got=$(loads uncovered "$plangen" dump --stage=layout "$xml")
echo "$got" | grep -q '/raster\.so' && ok || bad "a plan with characters its font lacks did not load the raster module"
"$plangen" dump --stage=layout "$xml" >"$work/uncovered.trace" 2>/dev/null
if cmp -s "$work/uncovered.trace" tests/lazy/uncovered-everywhere.trace; then
    ok
else
    bad "$xml is laid out otherwise than with pango-cairo's font map:"
    diff -u tests/lazy/uncovered-everywhere.trace "$work/uncovered.trace" | head -20
fi
# several plans in one process, the uncovered one between two others: each
# laid out as alone
mkdir -p "$work/one" "$work/three"
cp "$plan" "$work/first.xml"
cp "$xml" "$work/second.xml"
cp plans/so-khcn-tra-vinh-05-KH-2024.xml "$work/third.xml"
for f in first second third; do "$plangen" render "$work/$f.xml" -o "$work/one/$f.pdf" 2>/dev/null; done
"$plangen" render "$work/first.xml" "$work/second.xml" "$work/third.xml" -o "$work/three/" 2>/dev/null
for f in first second third; do
    cmp -s "$work/one/$f.pdf" "$work/three/$f.pdf" && ok || bad "$f.pdf rendered after another plan differs from $f.pdf alone"
done

# no module where plangen looks: PDF still renders; PNG pages fail with one message
got=$(loads nomod env PLANGEN_MODULEDIR="$work/none" "$plangen" render "$plan" -o "$work/c.pdf")
[ "$(cat "$work/nomod.rc")" = 0 ] && ok || bad "a PDF render needs the raster module: $(cat "$work/nomod.err")"
env PLANGEN_MODULEDIR="$work/none" "$plangen" render "$plan" -o "$work/d.pdf" --png "$work/png2" 2>"$work/nomod.err"
rc=$?
[ "$rc" = 3 ] && ok || bad "render --png without its module: exit status $rc, not 3"
grep -q "raster module $work/none/raster.so cannot be loaded" "$work/nomod.err" && [ "$(wc -l <"$work/nomod.err")" -eq 1 ] && ok ||
    bad "render --png without its module does not say which file, in one message: $(cat "$work/nomod.err")"
grep -q "reinstall plangen" "$work/nomod.err" && ok || bad "the message does not say how to repair it"
env PLANGEN_MODULEDIR="$work/none" "$plangen" render "$xml" -o "$work/e.pdf" 2>"$work/nomod2.err"
rc=$?
[ "$rc" = 1 ] && grep -q "raster module $work/none/raster.so cannot be loaded" "$work/nomod2.err" && ok ||
    bad "a plan with characters its font lacks, without the module: exit status $rc: $(cat "$work/nomod2.err")"
# serve and user without their module: one message, exit status 3
for cmd in "serve plans --listen 127.0.0.1:0" "user list $work/users"; do
    # shellcheck disable=SC2086
    env PLANGEN_MODULEDIR="$work/none" "$plangen" $cmd >/dev/null 2>"$work/nomod3.err"
    rc=$?
    [ "$rc" = 3 ] && grep -q "serve module $work/none/serve.so cannot be loaded" "$work/nomod3.err" &&
        [ "$(wc -l <"$work/nomod3.err")" -eq 1 ] && ok ||
        bad "plangen $cmd without its module: exit status $rc: $(cat "$work/nomod3.err")"
done
# a file that is no module
mkdir -p "$work/junk"
echo "not a library" >"$work/junk/raster.so"
env PLANGEN_MODULEDIR="$work/junk" "$plangen" render "$plan" -o "$work/f.pdf" --png "$work/png3" 2>"$work/junk.err"
rc=$?
[ "$rc" = 3 ] && grep -q "raster module $work/junk/raster.so cannot be loaded" "$work/junk.err" && ok ||
    bad "a damaged module: exit status $rc: $(cat "$work/junk.err")"

echo "lazy_load: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
