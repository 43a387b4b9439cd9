#!/bin/sh
# Caches cannot change output (DESIGN.md): every plan the build renders (plans/,
# leaving out templates folders and _ files) and the plans of tests/caches/
# give the same bytes rendered alone as rendered in one process after every
# other plan, and before every other plan. tests/caches/styles/plain.xml lays
# out a body paragraph with the font, width, alignment and indent of a QR
# code's caption, so that a layout shared by both is caught. Run from the
# repository root:
#   tests/run_caches.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
SOURCE_DATE_EPOCH=1700000000
export SOURCE_DATE_EPOCH


# round OPTIONS PLAN...: each plan alone, then each one last and first in a run
# of all of them
round() {
    opts=$1
    shift
    all="$*"
    rm -rf "$work/alone"
    mkdir -p "$work/alone"
    for p in $all; do
        # shellcheck disable=SC2086
        "$plangen" render $opts "$p" -o "$work/alone/" 2>"$work/err" ||
            bad "$p$opts alone: $(cat "$work/err")"
    done
    for f in "$work"/alone/*.pdf; do # each passes qpdf --check
        if qpdf --check "$f" >/dev/null 2>&1; then ok; else bad "$f$opts: qpdf --check fails"; fi
    done
    for p in $all; do
        others=""
        for q in $all; do [ "$q" = "$p" ] || others="$others $q"; done
        name=$(basename "$p" .xml)
        for order in last first; do
            rm -rf "${work:?}/run"
            mkdir "$work/run"
            if [ $order = last ]; then run="$others $p"; else run="$p $others"; fi
            # shellcheck disable=SC2086
            "$plangen" render $opts $run -o "$work/run/" 2>/dev/null
            for q in $all; do
                n=$(basename "$q" .xml)
                if cmp -s "$work/alone/$n.pdf" "$work/run/$n.pdf"; then
                    ok
                else
                    bad "$n.pdf$opts: differs from its lone render in 'render$run'"
                fi
            done
        done
    done
}

plans=$(find plans -name templates -prune -o -name '_*' -prune -o -name '*.xml' -print | sort)
# shellcheck disable=SC2086
round "" $plans tests/caches/*.xml
round " --style tests/caches/styles/plain.xml" tests/caches/*.xml

finish "caches"
