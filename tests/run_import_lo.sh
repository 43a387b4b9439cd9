#!/bin/sh
# Plans typed the way a clerk types them in LibreOffice Writer (issue #16): the
# hand-written flat ODF sources tests/import/lo/*.fodt are converted by
# LibreOffice itself (soffice --headless, a fresh profile) to DOCX and to ODT, as
# a clerk's program would write them, and each is imported. Checked: the import
# succeeds and loses no word (N words in = N words out); the DOCX and the ODT of
# one source, and the source itself read as a flat ODT, give the same plan (the
# readers find in what LibreOffice wrote the paragraphs, marks, list numbers,
# footnotes, cells and braces written by hand in the source); and the plan's
# structure, from tests/import/lo/NAME.expect through
# tests/import/lo/expect.py ("pending" lines name what the recogniser does not
# do yet: they are printed, not counted). Needs Debian's libreoffice-writer;
# skipped (exit 77) without soffice, outside CI only.
# Run from the repository root:  tests/run_import_lo.sh PLANGEN
plangen=$1
case $plangen in /*) ;; *) plangen=$PWD/$plangen ;; esac
if ! command -v soffice >/dev/null 2>&1; then
    # CI installs libreoffice-writer (.ci/setup): there, missing is a failure
    if [ "${CI:-}" = true ]; then
        echo "import_lo: FAILED: no soffice (apt-get install libreoffice-writer)"
        exit 1
    fi
    echo "import_lo: no soffice, skipped"
    exit 77
fi
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/import/lo" && pwd)

# one soffice per format for every source; its own profile, so that no user's
# settings count and a soffice already running is not asked instead
for fmt in docx odt; do
    mkdir -p "$work/$fmt"
    HOME=$work timeout 300 soffice --headless --norestore \
        -env:UserInstallation="file://$work/profile" --convert-to "$fmt" \
        --outdir "$work/$fmt" "$src"/*.fodt >"$work/soffice.$fmt" 2>&1
done

pending=0
for fodt in "$src"/*.fodt; do
    n=$(basename "$fodt" .fodt)
    for fmt in docx odt; do
        in=$work/$fmt/$n.$fmt
        if [ ! -s "$in" ]; then
            bad "$n.$fmt: LibreOffice wrote nothing: $(cat "$work/soffice.$fmt")"
            continue
        fi
        expect_rc 0 "$n.$fmt: import" -- "$plangen" import "$in" -o "$work/$n.$fmt.xml"
        counts=$(sed -n 's/^plangen: \([0-9]*\) words in ([0-9]* numbering marks dropped), \([0-9]*\) words out$/\1 \2/p' "$work/err")
        set -- $counts
        if [ -n "${1:-}" ] && [ "$1" = "${2:-}" ] && [ "$1" -gt 50 ]; then ok; else
            bad "$n.$fmt: words in and out: $(cat "$work/err")"
        fi
        if [ -s "$work/$n.$fmt.xml" ] &&
            /usr/bin/python3 "$src/expect.py" "$work/$n.$fmt.xml" "$src/$n.expect" >"$work/expect" 2>&1; then
            ok
        else
            bad "$n.$fmt: the plan's structure:"
            grep -v '^ok ' "$work/expect"
        fi
        pending=$((pending + $(grep -c '^PENDING' "$work/expect")))
        [ "$fmt" = odt ] && grep '^PENDING' "$work/expect"
    done
    if cmp -s "$work/$n.docx.xml" "$work/$n.odt.xml"; then ok; else
        bad "$n: the DOCX and the ODT give different plans:"
        diff "$work/$n.docx.xml" "$work/$n.odt.xml" | head -20
    fi
    expect_rc 0 "$n.fodt: import" -- "$plangen" import "$fodt" -o "$work/$n.fodt.xml"
    if cmp -s "$work/$n.fodt.xml" "$work/$n.odt.xml"; then ok; else
        bad "$n: the source and LibreOffice's ODT give different plans:"
        diff "$work/$n.fodt.xml" "$work/$n.odt.xml" | head -20
    fi
done
echo "import_lo: $pending pending checks (recogniser, generator/import.c)"
finish import_lo
