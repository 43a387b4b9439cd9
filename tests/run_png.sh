#!/bin/sh
# PNG in and out without cairo (generator/png_io.c) gives what cairo gave: the
# PNG files of tests/png/make_pngs.py (every colour type and depth, palettes,
# transparency, interlacing; damaged ones) read by both, and written again.
#   tests/run_png.sh PNG_AS_CAIRO
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/png/make_pngs.py "$work" 1
"$1" "$work"/*.png
# the images of the repository's plans and tests, but those of over 4 million
# pixels (tests/bad/huge.png: 400 million, 40 s to decode twice)
find plans tests -name '*.png' | python3 -c '
import struct, sys
for f in sys.stdin.read().split():
    head = open(f, "rb").read(24)
    w, h = struct.unpack(">II", head[16:24]) if len(head) >= 24 else (0, 0)
    if w * h <= 4 << 20:
        print(f)' >"$work/list"
if [ -s "$work/list" ]; then
    # shellcheck disable=SC2046
    "$1" $(cat "$work/list")
fi
