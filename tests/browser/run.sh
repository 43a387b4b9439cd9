#!/bin/sh
# tests/browser/run.sh PLANGEN - the browser tests of `plangen serve`: node's test
# runner drives Debian's chromium (/usr/bin/chromium) through puppeteer-core
# against servers started on temporary copies of plans/. Run from anywhere:
#   tests/browser/run.sh build/generator/plangen [TEST-FILE...]
# Needs node, chromium and tests/browser/node_modules (`npm ci` here; .ci/setup
# does it). When one is missing the suite fails under CI=true and is skipped
# (exit 77, which ctest reports as skipped) elsewhere.
#   PLANGEN_BROWSER_KEEP=1   keep the temporary folders (screenshots, copies of plans)
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: tests/browser/run.sh PLANGEN [TEST-FILE...]"; exit 2; }
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift

missing=""
command -v node >/dev/null 2>&1 || missing="$missing node (apt-get install nodejs npm);"
[ -x "${PLANGEN_CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium (apt-get install chromium);"
[ -f "$here/node_modules/puppeteer-core/package.json" ] || missing="$missing node_modules (cd tests/browser && PUPPETEER_SKIP_DOWNLOAD=1 npm ci);"
command -v pdftotext >/dev/null 2>&1 || missing="$missing pdftotext (apt-get install poppler-utils);"
if [ -n "$missing" ]; then
    if [ "${CI:-}" = true ]; then
        echo "browser: FAILED: missing$missing (CI must run them; see .ci/setup)"
        exit 1
    fi
    echo "browser: SKIPPED: missing$missing"
    exit 77
fi

export PLANGEN="$plangen"
export PLANGEN_SOURCE_DIR="$(cd "$here/../.." && pwd)"
[ $# -gt 0 ] || set -- "$here"/*.test.js
# one file at a time: each starts its servers and a browser; two at once only
# make the timings of a 2-core machine (and a sanitized server) noisier
conc=""
node --help 2>/dev/null | grep -q -- --test-concurrency && conc=--test-concurrency=1
exec node --test --test-reporter=spec $conc "$@"
