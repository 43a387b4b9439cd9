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
# the images of the repository's plans and tests
find plans tests -name '*.png' -size -4M | while read -r f; do printf '%s\n' "$f"; done > "$work/list"
if [ -s "$work/list" ]; then
    # shellcheck disable=SC2046
    "$1" $(cat "$work/list")
fi
