#!/bin/sh
# The signature appearances of NĐ 30 (issue #17, part 2) from the command line:
# <signature image= seal= seal-diameter=> and --signature-image, --seal,
# --seal-diameter (the options win over the plan's); a missing, huge or
# non-PNG file, or a diameter out of range, is an error at the attribute's
# line:col; reruns give the same bytes. Positions in the PDF are checked by
# tests/render/test_sigimg.c. The PNGs are written here (python3, zlib+struct).
# Run from the repository root:  tests/run_sigimg.sh PLANGEN
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/lib.sh"

plans=$work/plans
mkdir -p "$plans/img"
python3 - "$plans/img" <<'PY'
import math, struct, sys, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def png(path, w, h, px, declared=None):
    W, H = declared or (w, h)
    raw = b''.join(b'\0' + b''.join(bytes(px(x, y)) for x in range(w)) for y in range(h))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 6, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))
def sig(x, y):  # a blue stroke on transparency
    return (20, 40, 200, 255) if abs(y - 50 - 30 * math.sin(x / 18.0)) < 3 else (0, 0, 0, 0)
def seal(x, y):  # red rings on transparency
    r = math.hypot(x - 99.5, y - 99.5)
    return (220, 20, 30, 255) if 90 <= r <= 99.5 or 60 <= r <= 64 else (0, 0, 0, 0)
d = sys.argv[1]
png(d + '/sig.png', 300, 100, sig)
png(d + '/seal.png', 200, 200, seal)
png(d + '/seal2.png', 120, 120, lambda x, y: (200, 0, 0, 255 if (x - 60) ** 2 + (y - 60) ** 2 < 3600 else 0))
png(d + '/huge.png', 1, 1, lambda x, y: (0, 0, 0, 0), declared=(30000, 30000))
open(d + '/not.png', 'w').write('not a PNG\n')
PY

# PLAN NAME ATTRS: a copy of a seed plan, its <signature> given ATTRS
plan_with() {
    sed "s|<signature |<signature $3 |" "$1" >"$plans/$2.xml"
}
state=plans/so-khcn-tra-vinh-05-KH-2024.xml
party=plans/tra-vinh-duk-60-KH-2022.xml
figures() { grep -A1 'begin figure' "$1" | grep -v '^--'; }

for style in state party; do
    eval src=\$$style
    plan_with "$src" "$style" 'image="img/sig.png" seal="img/seal.png"'
    expect_rc 0 "$style: render with both images" -- "$plangen" render "$plans/$style.xml" -o "$work/$style.pdf"
    expect_rc 0 "$style: again" -- "$plangen" render "$plans/$style.xml" -o "$work/$style-2.pdf"
    if cmp -s "$work/$style.pdf" "$work/$style-2.pdf"; then ok; else bad "$style: two renders differ"; fi
    qpdf_ok "$work/$style.pdf" "$style.pdf"
    # both images with their transparency (an image and its soft mask each)
    n=$(pdfimages -list "$work/$style.pdf" | awk 'NR > 2 {print $3}' | sort | uniq -c | tr -s ' ' | tr '\n' ';')
    if [ "$n" = " 2 image; 2 smask;" ]; then ok; else bad "$style: pdfimages lists $n"; fi
    # the structure: two figures with their alternate texts inside the signature
    "$plangen" dump --stage=layout "$plans/$style.xml" >"$work/$style.trace"
    alts=$(sed -n '/begin signature/,/end signature/p' "$work/$style.trace" | grep -o 'begin figure #[0-9]* "[^"]*"' | sed 's/#[0-9]* //' | tr '\n' ';')
    if [ "$alts" = 'begin figure "chữ ký";begin figure "con dấu";' ]; then ok; else bad "$style: figures in the signature: $alts"; fi
    # and in the tagged PDF: Figure elements with those alternate texts
    alts=$(qpdf --json "$work/$style.pdf" | /usr/bin/python3 -c '
import json, sys
objs = json.load(sys.stdin)["qpdf"][1]
vals = [o.get("value") for o in objs.values() if isinstance(o, dict)]
print(";".join(sorted(v["/Alt"][2:] for v in vals
                      if isinstance(v, dict) and v.get("/S") == "/Figure" and "/Alt" in v)))')
    if [ "$alts" = "chữ ký;con dấu" ]; then ok; else bad "$style: the PDF's figures say: $alts"; fi
    # the same images from the options place the same figures
    cp "$src" "$plans/$style-bare.xml"
    (cd "$plans" && "$plangen" dump --stage=layout "$style-bare.xml" --signature-image img/sig.png \
        --seal img/seal.png) >"$work/$style-opt.trace" 2>"$work/err"
    if [ -s "$work/$style-opt.trace" ] && [ "$(figures "$work/$style-opt.trace")" = "$(figures "$work/$style.trace")" ]; then ok; else
        bad "$style: --signature-image/--seal place other figures than the attributes"; cat "$work/err"; fi
done

# the parse dump names them
"$plangen" dump --stage=parse "$plans/state.xml" >"$work/parse.dump"
if grep -qx 'signature image: "img/sig.png" 300x100 px' "$work/parse.dump" &&
    grep -qx 'seal: "img/seal.png" 200x200 px, diameter 113.39 pt' "$work/parse.dump"; then ok; else
    bad "dump --stage=parse: $(grep -A2 '^signature' "$work/parse.dump")"; fi

# the options win over the plan's attributes; --seal-diameter over seal-diameter=
plan_with "$state" win 'image="img/sig.png" seal="img/seal.png" seal-diameter="35mm"'
(cd "$plans" && "$plangen" dump --stage=layout win.xml --seal img/seal2.png) >"$work/win.trace"
if grep -q 'w=99.21 h=99.21 px=120x120' "$work/win.trace"; then ok; else bad "--seal: not the option's seal at 35 mm"; grep -A1 'figure' "$work/win.trace"; fi
(cd "$plans" && "$plangen" dump --stage=layout win.xml --seal-diameter 42) >"$work/win42.trace"
if grep -q 'w=119.06 h=119.06 px=200x200' "$work/win42.trace"; then ok; else bad "--seal-diameter 42: not 119.06 pt"; grep -A1 'figure' "$work/win42.trace"; fi
expect_rc 2 "--seal-diameter 5" -- "$plangen" render "$plans/win.xml" --seal-diameter 5 -o "$work/x.pdf"
if grep -q 'seal-diameter takes the seal.s real diameter in mm, 20 to 60' "$work/err"; then ok; else bad "--seal-diameter 5: $(cat "$work/err")"; fi

# errors at the attribute: line 61 is the <signature> of so-khcn-tra-vinh-05
line=$(grep -n '<signature ' "$state" | cut -d: -f1)
# FILE ATTRS MESSAGE: the render fails with MESSAGE
expect_error() {
    plan_with "$state" e "$1"
    expect_rc 1 "$1" -- "$plangen" render "$plans/e.xml" -o "$work/e.pdf"
    if grep -qF "$2" "$work/err"; then ok; else bad "$1: expected \"$2\", got: $(cat "$work/err")"; fi
    if [ -e "$work/e.pdf" ]; then bad "$1: a PDF was written"; else ok; fi
}
col() { # the column of ATTR= in the <signature> line of plans/e.xml
    sed -n "${line}p" "$plans/e.xml" | awk -v a=" $1=" '{print index($0, a) + 1}'
}
plan_with "$state" e 'image="img/missing.png"'
expect_error 'image="img/missing.png"' "e.xml:$line:$(col image): error: cannot read file: signature image \"img/missing.png\": No such file or directory"
plan_with "$state" e 'image="img/sig.png" seal="img/huge.png"'
expect_error 'image="img/sig.png" seal="img/huge.png"' "e.xml:$line:$(col seal): error: file is too large: seal \"img/huge.png\" has 30000 x 30000 pixels; the limit is 40000000 pixels (--max-image-pixels)"
plan_with "$state" e 'seal="img/not.png"'
expect_error 'seal="img/not.png"' "e.xml:$line:$(col seal): error: invalid value: seal \"img/not.png\" is not a PNG file"
cp "$plans/img/seal.png" "$work/outside.png"
plan_with "$state" e 'seal="../outside.png"'
expect_error 'seal="../outside.png"' "e.xml:$line:$(col seal): error: invalid value: seal \"../outside.png\" lies outside the plans folder"
plan_with "$state" e 'seal="img/seal.png" seal-diameter="90mm"'
expect_error 'seal="img/seal.png" seal-diameter="90mm"' "e.xml:$line:$(col seal-diameter): error: invalid value: seal-diameter=\"90mm\"; write the seal's real diameter, 20 to 60 mm"
# an option's file: named by the option
cp "$state" "$plans/o.xml"
expect_rc 1 "--seal missing" -- sh -c "cd '$plans' && '$plangen' render o.xml --seal img/nope.png -o '$work/o.pdf'"
if grep -qF 'o.xml: error: cannot read file: --seal "img/nope.png": No such file or directory' "$work/err"; then ok; else bad "--seal missing: $(cat "$work/err")"; fi

# the build's cache keys on the images' bytes: a new seal renders the plan again
mkdir -p "$work/b/plans"
plan_with "$state" b 'image="img/sig.png" seal="img/seal.png"'
sed 's|"img/|"|g' "$plans/b.xml" >"$work/b/plans/b.xml"
cp "$plans/img/sig.png" "$plans/img/seal.png" "$work/b/plans/"
(cd "$work/b" && "$plangen" build plans -o out >/dev/null 2>&1)
(cd "$work/b" && "$plangen" build plans -o out 2>&1) | grep -q '0 built, 1 up to date' && ok || bad "build: not up to date"
cp "$plans/img/seal2.png" "$work/b/plans/seal.png"
(cd "$work/b" && "$plangen" build plans -o out 2>&1) | grep -q '1 built, 0 up to date' && ok || bad "build: a new seal.png is not rendered again"

# the DOCX and ODT show the plan's own pictures where they stand: the signer's
# image and the seal (not in them yet) take no picture's place
# (figures.xml with a picture in its last appendix too: after the signature)
cp tests/docx/flag.png "$plans/"
sed 's|<p>Các đơn vị thực hiện.</p>|&<image src="flag.png" width="20mm"/>|' tests/docx/figures.xml >"$plans/figures.xml"
for fmt in docx odt; do
    expect_rc 0 "figures.$fmt" -- "$plangen" render --format $fmt "$plans/figures.xml" -o "$work/plain.$fmt"
    (cd "$plans" && "$plangen" render --format $fmt figures.xml -o "$work/signed.$fmt" \
        --signature-image img/sig.png --seal img/seal.png) 2>"$work/err" || bad "figures.$fmt with images: $(cat "$work/err")"
    same=$(/usr/bin/python3 -c '
import sys, zipfile
a, b = (zipfile.ZipFile(f) for f in sys.argv[1:3])
pics = lambda z: [(n, z.read(n)) for n in sorted(z.namelist()) if n.endswith(".png")]
print("same" if pics(a) == pics(b) and pics(a) else "differ")' "$work/plain.$fmt" "$work/signed.$fmt")
    if [ "$same" = same ]; then ok; else bad "$fmt: the signature images took a picture's place"; fi
done
finish sigimg
