#!/bin/sh
# Installation (issue #18, part 1): `cmake --install` into a fresh prefix gives a
# program that finds its data folder (PREFIX/share/plangen) from any folder,
# without PLANGEN_DATADIR, and renders, checks and serves from it; --data-dir
# and PLANGEN_DATADIR still win; a wrong data folder is one message naming it
# and how to set another, exit status 2.
# Run from the repository root:  tests/run_install.sh BUILD_DIR
build=$(cd "$1" && pwd)
. "$(dirname "$0")/lib.sh"
has() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(basename "$1")"; cat "$1"; fi; }

prefix=$work/prefix
if cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then ok; else bad "cmake --install: $(tail -3 "$work/install.log")"; fi
pg=$prefix/bin/plangen
for f in share/plangen/templates/schema/plan.rng share/plangen/templates/styles/party.xml \
    share/plangen/templates/styles/state.xml share/plangen/fonts/fonts.conf \
    share/plangen/web/index.html share/plangen/templates/color/sRGB.icc; do
    [ -e "$prefix/$f" ] && ok || bad "not installed: $f"
done
[ -e "$prefix/share/plangen/web/xmldoc.test.mjs" ] && bad "a test file was installed" || ok

# a plan in a folder of its own, far from the source tree
mkdir -p "$work/office/plans"
cp plans/tra-vinh-duk-60-KH-2022.xml "$work/office/plans/"
cd "$work/office"
unset PLANGEN_DATADIR
expect_rc 0 "installed --version" -- "$pg" --version
has "$work/out" "^data folder: $prefix/share/plangen (installed)$" "the installed program's data folder"
expect_rc 0 "installed render" -- "$pg" render plans/tra-vinh-duk-60-KH-2022.xml -o plan.pdf
pdfinfo plan.pdf >"$work/info" 2>&1
has "$work/info" "^Tagged: *yes" "the installed program's PDF"
has "$work/info" "^Pages: *7" "the installed program's PDF"
# the same bytes as the build's program (same data, same profile)
expect_rc 0 "build tree render" -- "$build/generator/plangen" render plans/tra-vinh-duk-60-KH-2022.xml -o plan2.pdf
cmp -s plan.pdf plan2.pdf && ok || bad "the installed program's PDF differs from the build's"
# the PNG pages: drawn by the installed raster module (PREFIX/<libdir>/plangen),
# not the build's, the same bytes as the build's program
module=$(find "$prefix" -path '*/plangen/raster.so')
[ -n "$module" ] && ok || bad "the raster module is not installed"
[ -e "$(dirname "$module")/serve.so" ] && ok || bad "the serve module is not installed"
expect_rc 0 "installed render --png" -- env LD_DEBUG=files LD_DEBUG_OUTPUT="$work/ld" \
    "$pg" render plans/tra-vinh-duk-60-KH-2022.xml -o plan.pdf --png png --dpi 30
grep -q "file=$module " "$work"/ld.* && ok || bad "the installed program did not load $module"
mkdir -p b
expect_rc 0 "build tree render --png" -- "$build/generator/plangen" render plans/tra-vinh-duk-60-KH-2022.xml -o b/plan.pdf --png png2 --dpi 30
diff -r -q png png2 >/dev/null && ok || bad "the installed program's PNG pages differ from the build's"
expect_rc 0 "installed check" -- "$pg" check plans/tra-vinh-duk-60-KH-2022.xml
expect_rc 0 "installed new" -- "$pg" new --style state -o blank.xml
# overrides: --data-dir and PLANGEN_DATADIR are taken as given, and checked
expect_rc 2 "--data-dir of no data" -- "$pg" --data-dir "$work/office" check plans/tra-vinh-duk-60-KH-2022.xml
has "$work/err" "^plangen: error: the data folder $work/office (from --data-dir) has no templates/schema/plan.rng: .* --data-dir DIR or PLANGEN_DATADIR=DIR" "a wrong --data-dir"
[ "$(wc -l <"$work/err")" -eq 1 ] && ok || bad "a wrong data folder gives more than one line: $(cat "$work/err")"
PLANGEN_DATADIR=$work/office expect_rc 2 "PLANGEN_DATADIR of no data" -- "$pg" render plans/tra-vinh-duk-60-KH-2022.xml -o x.pdf
has "$work/err" "(from \$PLANGEN_DATADIR)" "a wrong PLANGEN_DATADIR"
[ -e x.pdf ] && bad "a PDF was written without data" || ok
PLANGEN_DATADIR=$prefix/share/plangen expect_rc 0 "PLANGEN_DATADIR" -- "$pg" --version
has "$work/out" "(PLANGEN_DATADIR)" "PLANGEN_DATADIR named by --version"
expect_rc 2 "serve with a wrong --data-dir" -- "$pg" serve --data-dir "$work/office" plans
has "$work/err" "không có templates/schema/plan.rng" "serve with a wrong --data-dir (in Vietnamese, serve's default)"
expect_rc 2 "serve --lang en with a wrong --data-dir" -- "$pg" serve --lang en --data-dir "$work/office" plans
has "$work/err" "has no templates/schema/plan.rng" "serve --lang en with a wrong --data-dir"
# an installation that lost its raster module: PDF still, PNG pages one message naming it
mv "$module" "$module.gone"
expect_rc 0 "installed render without the raster module" -- "$pg" render plans/tra-vinh-duk-60-KH-2022.xml -o plan3.pdf
expect_rc 3 "installed render --png without the raster module" -- "$pg" render plans/tra-vinh-duk-60-KH-2022.xml -o plan3.pdf --png png3
has "$work/err" "raster module $module cannot be loaded" "an installation without its raster module"
[ "$(wc -l <"$work/err")" -eq 1 ] && ok || bad "a missing module gives more than one line: $(cat "$work/err")"
mv "$module.gone" "$module"
# an installation that lost its data: the message names where it should be
rm -rf "$prefix/share/plangen/templates/schema"
expect_rc 2 "an installation without its schema" -- "$pg" check plans/tra-vinh-duk-60-KH-2022.xml
has "$work/err" "the data folder $prefix/share/plangen (from the installation)" "an installation without its data"
cd "$OLDPWD"
finish install
