#!/bin/sh
# The PDF/A switch, the output intent's profile and the figures' alternate
# text (issue #17): a render is
# PDF/A-2a with tags unless --no-pdfa asks for a plain PDF; --no-pdfa is part of
# what build's cache keys an output by; the sRGB profile comes from the data
# folder (templates/color/sRGB.icc) when it holds one, else from Debian's
# icc-profiles-free, and a profile that is not one is refused with its path;
# a QR code's Figure has its link as /Alt, an image its alt="..." (else
# "Hình ảnh").
# Run from the repository root:  tests/run_plain.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
plan=plans/tra-vinh-duk-60-KH-2022.xml
checker=tests/pdfa/check.py

has() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(basename "$1")"; fi; }
lacks() { if grep -q -- "$2" "$1"; then bad "$3: '$2' in $(basename "$1")"; else ok; fi; }

# the catalog of FILE as qpdf shows it
catalog() { qpdf --show-object=trailer "$1" | sed -n 's|.*/Root \([0-9]*\) 0 R.*|\1|p' | xargs -I{} qpdf --show-object={} "$1"; }

expect_rc 0 "render" -- "$plangen" render "$plan" -o "$work/a.pdf"
expect_rc 0 "render --no-pdfa" -- "$plangen" render --no-pdfa "$plan" -o "$work/plain.pdf"
expect_rc 0 "render --no-pdfa again" -- "$plangen" render --no-pdfa "$plan" -o "$work/plain2.pdf"
if cmp -s "$work/plain.pdf" "$work/plain2.pdf"; then ok; else bad "two plain renders differ"; fi
qpdf_ok "$work/plain.pdf" "plain.pdf"
pdfinfo "$work/a.pdf" >"$work/info.a"
pdfinfo "$work/plain.pdf" >"$work/info.plain"
has "$work/info.a" "^Tagged: *yes" "default render"
has "$work/info.plain" "^Tagged: *no" "--no-pdfa"
has "$work/info.plain" "^Title: *KẾ HOẠCH" "--no-pdfa keeps the document information"
catalog "$work/a.pdf" >"$work/cat.a"
catalog "$work/plain.pdf" >"$work/cat.plain"
for key in /StructTreeRoot /MarkInfo /Metadata /OutputIntents; do
    has "$work/cat.a" "$key" "default render's catalog"
    lacks "$work/cat.plain" "$key" "--no-pdfa's catalog"
done
has "$work/cat.plain" "/Lang (vi)" "--no-pdfa's catalog"
# nothing marked: no BDC in any page's content, no /StructParents
if qpdf --qdf --object-streams=disable "$work/plain.pdf" "$work/plain.qdf" 2>"$work/qerr"; then ok; else bad "qpdf --qdf: $(cat "$work/qerr")"; fi
lacks "$work/plain.qdf" "/StructParent" "--no-pdfa"
lacks "$work/plain.qdf" " BDC" "--no-pdfa"
# the same words on the same pages
pdftotext -layout "$work/a.pdf" "$work/a.txt"
pdftotext -layout "$work/plain.pdf" "$work/plain.txt"
if cmp -s "$work/a.txt" "$work/plain.txt"; then ok; else bad "the plain PDF's text differs from the PDF/A's"; fi
# the checker tells them apart
if python3 "$checker" "$work/a.pdf" >/dev/null 2>&1; then ok; else bad "the default render fails the PDF/A checker"; fi
if python3 "$checker" "$work/plain.pdf" >"$work/check" 2>&1; then
    bad "the plain PDF passes the PDF/A checker"
else
    has "$work/check" "FAIL struct_tree" "the checker on the plain PDF"
fi

# build: --no-pdfa is part of an output's key, in both directions
mkdir -p "$work/plans"
cp "$plan" "$work/plans/"
expect_rc 0 "build" -- "$plangen" build "$work/plans" -o "$work/built"
cmp -s "$work/built/tra-vinh-duk-60-KH-2022.pdf" "$work/a.pdf" && ok || bad "build's PDF differs from render's"
expect_rc 0 "build --no-pdfa" -- "$plangen" build --no-pdfa "$work/plans" -o "$work/built"
cmp -s "$work/built/tra-vinh-duk-60-KH-2022.pdf" "$work/plain.pdf" && ok || bad "build --no-pdfa kept the PDF/A (stale output)"
expect_rc 0 "build again" -- "$plangen" build "$work/plans" -o "$work/built"
cmp -s "$work/built/tra-vinh-duk-60-KH-2022.pdf" "$work/a.pdf" && ok || bad "build after --no-pdfa kept the plain PDF (stale output)"

# the data folder's profile: a data folder that is this one with another RGB
# profile in templates/color/ embeds that profile
data="$work/data"
mkdir -p "$data/templates/color"
ln -s "$(pwd)/templates/schema" "$data/templates/schema"
ln -s "$(pwd)/templates/styles" "$data/templates/styles"
ln -s "$(pwd)/fonts" "$data/fonts"
profile=/usr/share/color/icc/compatibleWithAdobeRGB1998.icc
cp "$profile" "$data/templates/color/sRGB.icc"
expect_rc 0 "render with the data folder's profile" -- "$plangen" --data-dir "$data" render "$plan" -o "$work/icc.pdf"
# the output intent's profile stream, decoded, is the data folder's file
intent_profile() {
    obj=$(catalog "$1" | sed -n 's|.*/DestOutputProfile \([0-9]*\) 0 R.*|\1|p')
    qpdf --show-object="$obj" --filtered-stream-data "$1" >"$2"
}
intent_profile "$work/icc.pdf" "$work/icc.icc"
cmp -s "$work/icc.icc" "$profile" && ok || bad "the data folder's profile is not the one embedded"
intent_profile "$work/a.pdf" "$work/default.icc"
cmp -s "$work/default.icc" /usr/share/color/icc/sRGB.icc && ok || bad "the default profile is not Debian's sRGB.icc"
# ... and build's cache knows the file: a changed profile rebuilds
mkdir -p "$work/out2"
expect_rc 0 "build with the data folder's profile" -- "$plangen" --data-dir "$data" build "$work/plans" -o "$work/out2"
cp /usr/share/color/icc/sRGB.icc "$data/templates/color/sRGB.icc"
expect_rc 0 "build after the profile changed" -- "$plangen" --data-dir "$data" build "$work/plans" -o "$work/out2"
intent_profile "$work/out2/tra-vinh-duk-60-KH-2022.pdf" "$work/out2.icc"
cmp -s "$work/out2.icc" /usr/share/color/icc/sRGB.icc && ok || bad "build kept the PDF of the old profile (stale output)"
# a file that is not an RGB profile: an error naming it, nothing written
printf 'not a profile' >"$data/templates/color/sRGB.icc"
expect_rc 3 "render with a broken profile" -- "$plangen" --data-dir "$data" render "$plan" -o "$work/broken.pdf"
has "$work/err" "templates/color/sRGB.icc.*not an RGB ICC profile" "a broken profile"
[ -e "$work/broken.pdf" ] && bad "a PDF was written with a broken profile" || ok
# --no-pdfa needs no profile
expect_rc 0 "render --no-pdfa with a broken profile" -- "$plangen" --data-dir "$data" render --no-pdfa "$plan" -o "$work/broken.pdf"

# alternate texts: every Figure's /Alt, decoded, one a line
alts() {
    qpdf --qdf --object-streams=disable "$1" "$work/alts.qdf" 2>/dev/null
    python3 - "$work/alts.qdf" <<'PY'
import re, sys
d = open(sys.argv[1], 'rb').read().decode('latin-1')
for obj in re.findall(r'\n\d+ 0 obj\n(<<.*?>>)\nendobj', d, re.S):
    if not re.search(r'/S /Figure\b', obj):
        continue
    m = re.search(r'/Alt (<[0-9A-Fa-f]*>|\((?:[^\\)]|\\.)*\))', obj)
    if not m:
        print('(none)')
    elif m.group(1).startswith('<'):
        print(bytes.fromhex(m.group(1)[1:-1]).decode('utf-16'))
    else:
        print(m.group(1)[1:-1])
PY
}
qr_plan=plans/xin-man-huyen-uy-sinh-hoat-chinh-tri-2023.xml
link=$(sed -n 's|.*<qr[^>]*href="\([^"]*\)".*|\1|p' "$qr_plan" | head -1)
expect_rc 0 "render a plan with a QR code" -- "$plangen" render "$qr_plan" -o "$work/qr.pdf"
alts "$work/qr.pdf" >"$work/qr.alts"
has "$work/qr.alts" "^Mã QR: $link\$" "the QR code's alternate text"
# an image with alt= and one without, beside the plan
mkdir -p "$work/img/plans"
python3 - "$work/img/plans/dot.png" <<'PY'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
raw = b''.join(b'\0' + bytes([200, 30, 30]) * 40 for _ in range(20))
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 40, 20, 8, 2, 0, 0, 0))
                              + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
PY
sed '0,/<\/section>/s|</section>|<image src="dot.png" alt="Sơ đồ tổ chức thực hiện"/><image src="dot.png"/></section>|' \
    "$plan" >"$work/img/plans/img.xml"
expect_rc 0 "render images with and without alt" -- "$plangen" render "$work/img/plans/img.xml" -o "$work/img.pdf"
alts "$work/img.pdf" >"$work/img.alts"
has "$work/img.alts" "^Sơ đồ tổ chức thực hiện$" "an image's alt="
has "$work/img.alts" "^Hình ảnh$" "an image without alt="
lacks "$work/img.alts" "(none)" "a Figure without /Alt"
# alt="" is refused by the schema, at its line
sed '0,/<\/section>/s|</section>|<image src="dot.png" alt=""/></section>|' "$plan" >"$work/img/plans/empty.xml"
expect_rc 1 "an empty alt" -- "$plangen" check "$work/img/plans/empty.xml"
has "$work/err" "empty.xml:[0-9]*:[0-9]*: error: schema validation failed: Invalid attribute alt for element image" "an empty alt"

finish pdfa_options
